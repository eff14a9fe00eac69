//! Plans kept as forms — one fiche action per sheet, a label per row and its value to
//! the right or below — are read as plans, their problems cited at the form's cells.

mod common;

use common::{pdf, plandoc, rows, tmpdir, write_xlsx};
use plandoc::ingest::{read_plan, ReadOptions};

fn forms_workbook(dir: &std::path::Path, priority: &'static str) -> std::path::PathBuf {
    let file = dir.join("fiches-ctg-2025-2028.xlsx");
    write_xlsx(
        &file,
        &[
            ("Sommaire", rows(&[&["Convention territoriale globale"], &["Fiche 1", "Lieu d'accueil enfants-parents"]])),
            (
                "Fiche 1",
                rows(&[
                    &["FICHE ACTION N° 1 : Créer un lieu d'accueil enfants-parents"],
                    &["Axe", "Parentalité"],
                    &["Objectif stratégique", "Soutenir les parents de jeunes enfants"],
                    &["Pilote", "CCAS", "Partenaires", "CAF, PMI"],
                    &["Public visé", "Parents d'enfants de 0 à 6 ans"],
                    &["Calendrier", "2025-2026"],
                    &["Priorité", "Haute"],
                    &["Description"],
                    &["Deux matinées par semaine à la maison de l'enfance."],
                ]),
            ),
            (
                "Fiche 2",
                rows(&[
                    &["Fiche action n°2"],
                    &["Intitulé", "Aide aux devoirs à la médiathèque"],
                    &["Axe", "Jeunesse"],
                    &["Objectif stratégique", "Favoriser la réussite éducative"],
                    &["Porteur", "Médiathèque intercommunale"],
                    &["Échéance", "2027"],
                    &["Priorité", priority],
                    &["Lieu", "Médiathèque de Revel"],
                ]),
            ),
            (
                "Fiches 3 et 4",
                rows(&[
                    &["Fiche action 3 - Conseil municipal des jeunes"],
                    &["Axe", "Jeunesse"],
                    &["Objectif stratégique", "Développer l'engagement"],
                    &["Pilote", "Élu jeunesse"],
                    &["Calendrier", "2025 à 2028"],
                    &[""],
                    &["Fiche action 4 - Chantiers jeunes l'été"],
                    &["Axe", "Jeunesse"],
                    &["Objectif stratégique", "Développer l'engagement"],
                    &["Pilote", "Service jeunesse"],
                    &["Calendrier", "2026"],
                ]),
            ),
        ],
    );
    file
}

#[test]
fn one_fiche_per_sheet_and_stacked_fiches_read_as_one_plan() {
    let dir = tmpdir("forms-read");
    let file = forms_workbook(&dir, "Urgentissime");
    let reading = read_plan(&file, &ReadOptions::default()).expect("lisible");
    let plan = &reading.plan;
    let actions = plan.actions();
    let got: Vec<(String, String, String)> = actions
        .iter()
        .map(|r| {
            let a = r.action;
            (a.number.clone().unwrap_or_default(), a.title.clone(), r.axis.title.clone())
        })
        .collect();
    assert_eq!(
        got,
        [
            ("1".into(), "Créer un lieu d'accueil enfants-parents".into(), "Parentalité".into()),
            ("2".into(), "Aide aux devoirs à la médiathèque".into(), "Jeunesse".into()),
            ("3".into(), "Conseil municipal des jeunes".into(), "Jeunesse".into()),
            ("4".into(), "Chantiers jeunes l'été".into(), "Jeunesse".into()),
        ]
    );
    assert_eq!(plan.axes.len(), 2, "{:?}", plan.axes.iter().map(|a| &a.title).collect::<Vec<_>>());
    let a1 = actions[0].action;
    assert_eq!(a1.pilot.as_deref(), Some("CCAS"));
    assert_eq!(a1.partners.as_deref(), Some("CAF, PMI"));
    assert_eq!(a1.years, [2025, 2026]);
    assert!(format!("{a1:?}").contains("Deux matinées par semaine"), "{a1:?}");
    assert_eq!(actions[1].action.pilot.as_deref(), Some("Médiathèque intercommunale"));
    assert_eq!(actions[2].action.years, [2025, 2026, 2027, 2028]);
    // Every label's value is kept ("Lieu" reads as the territory).
    assert!(format!("{:?}", actions[1].action).contains("Médiathèque de Revel"), "{:?}", actions[1].action);
    // The period from the file name, the objective from its label.
    assert_eq!((plan.meta.first_year, plan.meta.last_year), (Some(2025), Some(2028)));
    assert_eq!(actions[3].objectives.last().map(|o| o.title.as_str()), Some("Développer l'engagement"));
    // The unknown priority is cited at its own cell of its own sheet.
    let d = reading.diagnostics.iter().find(|d| d.code == "priorite-inconnue").expect("priorité inconnue");
    assert_eq!((d.sheet.as_deref(), d.cell.as_deref()), (Some("Fiche 2"), Some("B7")), "{d:?}");
    assert!(reading.notes.iter().any(|n| n.contains("4 fiche(s) en formulaire")), "{:?}", reading.notes);
}

#[test]
fn forms_become_documents_and_a_csv_form_is_read() {
    let dir = tmpdir("forms-build");
    let file = forms_workbook(&dir, "Basse");
    let out = dir.join("sortie");
    let o = plandoc(&["build", file.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    let text = pdf::squash(&pdf::text(&out.join("fiches-actions.pdf")));
    for t in [
        "Créer un lieu d'accueil enfants-parents",
        "Deux matinées par semaine",
        "Médiathèque de Revel",
        "Chantiers jeunes l'été",
    ] {
        assert!(text.contains(&pdf::squash(t)), "« {t} » absent des fiches ({})", o.stderr);
    }
    let csv = dir.join("fiche.csv");
    std::fs::write(&csv, "Fiche action n°7\r\nIntitulé;Jardins partagés\r\nAxe;Cadre de vie\r\nPilote;Service espaces verts\r\nCalendrier;2026\r\n").unwrap();
    let (code, r) = common::check_json(&csv);
    assert_eq!(code, 0, "{r}");
    assert_eq!(r["actions"], 1, "{r}");
}
