//! Evaluation reports: counts per status, indicators and changes, read back by poppler
//! and calamine.

mod common;

use calamine::{open_workbook_auto, Data, Reader};
use common::pdf;
use common::{plandoc, sample, tmpdir, C};
use plandoc::ingest::{read_plan, ReadOptions};
use plandoc::model::Status;

#[test]
fn counts_per_status_and_indicators_match_the_input() {
    let dir = tmpdir("eval-sample");
    let out = plandoc(&[
        "evaluation",
        sample("suivi-lauragais.xlsx").to_str().unwrap(),
        "-o",
        dir.to_str().unwrap(),
        "--annee",
        "2024",
    ]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let plan = read_plan(&sample("suivi-lauragais.xlsx"), &ReadOptions::default()).unwrap().plan;
    assert_eq!(plan.indicators.len(), 6);
    let actions = plan.actions();
    let text = pdf::text(&dir.join("evaluation.pdf")).replace(['\u{a0}', '\u{202f}'], " ");
    pdf::qpdf_check(&dir.join("evaluation.pdf"));
    let mut wb = open_workbook_auto(dir.join("evaluation.xlsx")).unwrap();
    let synth = wb.worksheet_range("Synthèse").unwrap();
    let whole = synth.rows().find(|r| r[0] == Data::String("Ensemble du plan".into())).expect("ligne d'ensemble");
    for (i, s) in Status::ALL.iter().enumerate() {
        let n = actions.iter().filter(|r| r.action.status == Some(*s)).count();
        assert!(n > 0, "l'échantillon couvre chaque statut ({s:?})");
        let plural = if n > 1 { "s" } else { "" };
        assert!(text.contains(&format!("{} : {n} action{plural} (", s.label())), "{s:?} {n}\n{text}");
        assert_eq!(whole[1 + i], Data::Float(n as f64), "{s:?}");
    }
    assert_eq!(whole[1 + Status::ALL.len() + 1], Data::Float(actions.len() as f64));
    // Every indicator with its values, in the PDF and in the workbook.
    let squashed = pdf::squash(&text);
    let ind_sheet = wb.worksheet_range("Indicateurs").unwrap();
    for ind in &plan.indicators {
        assert!(squashed.contains(&pdf::squash(&plandoc::layout::french(&ind.name)).replace('’', "'")), "{}", ind.name);
        let row = ind_sheet.rows().find(|r| r[1] == Data::String(ind.name.clone())).expect("indicateur");
        for (j, y) in [2022, 2023, 2024].iter().enumerate() {
            match ind.values.get(y) {
                Some(v) => {
                    assert_eq!(row[5 + j], Data::Float(*v), "{} {y}", ind.name);
                    assert!(text.contains(&plandoc::text::format_number(*v)));
                }
                None => assert_eq!(row[5 + j], Data::Empty),
            }
        }
    }
    // Share of target: "Usagers accompagnés" 150 → 600, 410 reached: 57,8 %.
    let row = ind_sheet.rows().find(|r| r[1] == Data::String("Usagers accompagnés".into())).unwrap();
    match &row[8] {
        Data::Float(v) => assert!((v - (410.0 - 150.0) / 450.0).abs() < 1e-9, "{v}"),
        other => panic!("{other:?}"),
    }
    assert!(text.contains("57,8 %"), "{text}");
    assert!(pdf::outline(&dir.join("evaluation.pdf")).iter().any(|(t, _)| t == "Indicateurs"));
}

fn version(rows: &[&[&'static str]], indicators: &[&[&'static str]]) -> Vec<(&'static str, Vec<Vec<C<'static>>>)> {
    let mut v = vec![("Plan", common::rows(rows))];
    if !indicators.is_empty() {
        v.push(("Indicateurs", common::rows(indicators)));
    }
    v
}

#[test]
fn depuis_finds_exactly_the_changes() {
    let dir = tmpdir("eval-depuis");
    let head: &[&str] = &["Axe", "N°", "Action", "Statut", "Avancement"];
    let ihead: &[&str] = &["N° action", "Indicateur", "Valeur cible", "2024", "2025"];
    let before = dir.join("v1.xlsx");
    let after = dir.join("v2.xlsx");
    common::write_xlsx(
        &before,
        &version(
            &[
                head,
                &["A", "1", "Ouvrir une crèche", "En cours", "40"],
                &["A", "2", "Former", "En cours", "50"],
                &["A", "4", "Abandonner", "À venir", "0"],
            ],
            &[ihead, &["1", "Places créées", "20", "5", ""]],
        ),
    );
    common::write_xlsx(
        &after,
        &version(
            &[
                head,
                &["A", "1", "Ouvrir une crèche", "En cours", "40"],
                &["A", "2", "Former", "Réalisée", "100"],
                &["A", "3", "Nouvelle action", "À venir", "0"],
            ],
            &[ihead, &["1", "Places créées", "20", "5", "12"]],
        ),
    );
    let out_dir = dir.join("out");
    let out = plandoc(&[
        "evaluation",
        after.to_str().unwrap(),
        "-o",
        out_dir.to_str().unwrap(),
        "--depuis",
        before.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let mut wb = open_workbook_auto(out_dir.join("evaluation.xlsx")).unwrap();
    let evo = wb.worksheet_range("Évolution").unwrap();
    let mut kinds: Vec<String> = evo.rows().skip(1).map(|r| r[0].to_string()).collect();
    kinds.sort();
    assert_eq!(kinds, vec!["ajout", "avancement", "indicateur", "retrait", "statut"]);
    let details: Vec<String> = evo.rows().skip(1).map(|r| r[1].to_string()).collect();
    assert!(details.contains(&"Action 2 « Former » : statut En cours → Réalisée.".to_string()), "{details:?}");
    assert!(details.contains(&"Action 3 « Nouvelle action » : ajoutée.".to_string()), "{details:?}");
    assert!(details.contains(&"Action 4 « Abandonner » : retirée.".to_string()), "{details:?}");
    assert!(details.iter().any(|d| d.starts_with("Indicateur « Places créées » (action 1) : 5 → 12")), "{details:?}");
    let text = pdf::text(&out_dir.join("evaluation.pdf")).replace(['\u{a0}', '\u{202f}'], " ");
    assert!(text.contains("Ce qui a changé depuis « v1.xlsx »"), "{text}");
    assert!(text.contains("statut En cours → Réalisée"), "{text}");
}

#[test]
fn indicator_for_an_unknown_action_is_an_error_at_its_cell() {
    let dir = tmpdir("eval-unknown");
    let path = dir.join("plan.xlsx");
    common::write_xlsx(
        &path,
        &version(
            &[&["Axe", "N°", "Action", "Statut"], &["A", "1", "Agir", "en cours"]],
            &[&["N° action", "Indicateur", "Cible"], &["1", "Bon", "3"], &["9", "Orphelin", "4"]],
        ),
    );
    let (code, r) = common::check_json(&path);
    assert_eq!(code, 1, "{r}");
    assert_eq!(common::codes_at(&r), vec![("indicateur-action-inconnue".to_string(), "Indicateurs!A3".to_string())]);
}

#[test]
fn build_writes_evaluation_only_for_followed_plans() {
    let dir = tmpdir("eval-build");
    let a = dir.join("suivi");
    let b = dir.join("sans");
    assert_eq!(
        plandoc(&["build", sample("suivi-lauragais.xlsx").to_str().unwrap(), "-o", a.to_str().unwrap()]).code,
        0
    );
    assert_eq!(
        plandoc(&["build", sample("002-pst-sections-annees.xlsx").to_str().unwrap(), "-o", b.to_str().unwrap()]).code,
        0
    );
    assert!(a.join("evaluation.pdf").is_file() && a.join("evaluation.xlsx").is_file());
    assert!(!b.join("evaluation.pdf").exists());
    let no =
        plandoc(&["evaluation", sample("002-pst-sections-annees.xlsx").to_str().unwrap(), "-o", b.to_str().unwrap()]);
    assert_eq!(no.code, 2);
    assert!(no.stderr.contains("pas de données de suivi"), "{}", no.stderr);
}

#[test]
fn same_look_stamp_zone_and_determinism_as_the_other_pdfs() {
    let a = tmpdir("eval-same-a");
    let b = tmpdir("eval-same-b");
    for d in [&a, &b] {
        let out = plandoc(&[
            "evaluation",
            sample("suivi-lauragais.xlsx").to_str().unwrap(),
            "-o",
            d.to_str().unwrap(),
            "--date",
            "2026-01-29",
        ]);
        assert_eq!(out.code, 0);
    }
    for f in ["evaluation.pdf", "evaluation.xlsx"] {
        assert_eq!(std::fs::read(a.join(f)).unwrap(), std::fs::read(b.join(f)).unwrap(), "{f}");
    }
    let path = a.join("evaluation.pdf");
    for (font, emb, sub) in pdf::fonts(&path) {
        assert!(emb && sub, "{font}");
    }
    let (w, _, rgb) = pdf::render_page1(&path, &a);
    assert_eq!(pdf::ink_in(w, &rgb, w - 200, 0, w, 65), 0, "zone du tampon");
    let n = pdf::pages(&path);
    assert!(pdf::page_text(&path, n).contains(&format!("Page {n} / {n}")));
}
