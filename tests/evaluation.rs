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
    let head: &[&str] = &["Axe", "N°", "Action", "Statut", "Avancement", "Commentaire"];
    let ihead: &[&str] = &["N° action", "Indicateur", "Valeur cible", "2024", "2025"];
    let before = dir.join("v1.xlsx");
    let after = dir.join("v2.xlsx");
    common::write_xlsx(
        &before,
        &version(
            &[
                head,
                &["A", "1", "Ouvrir une crèche", "En cours", "40", "Travaux lancés"],
                &["A", "2", "Former", "En cours", "50", ""],
                &["A", "4", "Abandonner", "À venir", "0", ""],
                &["A", "5", "Accueillir les familles", "En cours", "20", ""],
            ],
            &[ihead, &["1", "Places créées", "20", "5", ""]],
        ),
    );
    common::write_xlsx(
        &after,
        &version(
            &[
                head,
                &["A", "1", "Ouvrir une crèche", "En cours", "40", "Travaux terminés en mai"],
                &["A", "2", "Former", "Réalisée", "100", "Session de mars"],
                &["A", "3", "Nouvelle action", "À venir", "0", ""],
                &["A", "5", "Accueillir et orienter les familles", "En cours", "20", ""],
            ],
            &[ihead, &["1", "Places créées", "20", "5", "12"]],
        ),
    );
    let out_dir = dir.join("out");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "evaluation",
            after.to_str().unwrap(),
            "-o",
            out_dir.to_str().unwrap(),
            "--depuis",
            before.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let out = plandoc(&args);
        assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    };
    run(&[]);
    let mut wb = open_workbook_auto(out_dir.join("evaluation.xlsx")).unwrap();
    let evo = wb.worksheet_range("Évolution").unwrap();
    let mut kinds: Vec<String> = evo.rows().skip(1).map(|r| r[0].to_string()).collect();
    kinds.sort();
    assert_eq!(
        kinds,
        vec!["ajout", "avancement", "commentaire", "commentaire", "indicateur", "intitulé", "retrait", "statut"]
    );
    let rows: Vec<(String, String)> = evo.rows().skip(1).map(|r| (r[1].to_string(), r[2].to_string())).collect();
    let has = |detail: &str, cell: &str| {
        assert!(rows.contains(&(detail.to_string(), cell.to_string())), "{detail} {cell}\n{rows:?}");
    };
    has("Action 2 « Former » : statut En cours → Réalisée (cellule Plan!D3).", "Plan!D3");
    has("Action 3 « Nouvelle action » : ajoutée (cellule Plan!C4).", "Plan!C4");
    has("Action 4 « Abandonner » : retirée.", "");
    has(
        "Action 5 : intitulé « Accueillir les familles » → « Accueillir et orienter les familles » (cellule Plan!C5).",
        "Plan!C5",
    );
    has("Action 2 « Former » : commentaire ajouté « Session de mars » (cellule Plan!F3).", "Plan!F3");
    has(
        "Action 1 « Ouvrir une crèche » : commentaire « Travaux lancés » → « Travaux terminés en mai » (cellule Plan!F2).",
        "Plan!F2",
    );
    assert!(rows.iter().any(|(d, _)| d.starts_with("Indicateur « Places créées » (action 1) : 5 → 12")), "{rows:?}");
    let text = pdf::text(&out_dir.join("evaluation.pdf")).replace(['\u{a0}', '\u{202f}'], " ");
    // The heading names a version, never the earlier file.
    assert!(text.contains("Ce qui a changé depuis la version précédente"), "{text}");
    assert!(!text.contains("v1.xlsx"), "{text}");
    let squashed = pdf::squash(&text);
    assert!(text.contains("statut En cours → Réalisée"), "{text}");
    assert!(squashed
        .contains(&pdf::squash("intitulé « Accueillir les familles » → « Accueillir et orienter les familles »")));
    assert!(squashed.contains(&pdf::squash("commentaire ajouté « Session de mars » (cellule Plan!F3)")), "{text}");
    run(&["--libelle-depuis", "le bilan de juin 2026"]);
    let text = pdf::text(&out_dir.join("evaluation.pdf")).replace(['\u{a0}', '\u{202f}'], " ");
    assert!(text.contains("Ce qui a changé depuis le bilan de juin 2026"), "{text}");
}

#[test]
fn mean_progress_states_its_base() {
    // 10 actions, 7 with a progress (40 50 60 70 80 90 45 → 62,1 %), 3 without.
    let dir = tmpdir("eval-mean");
    let path = dir.join("suivi.xlsx");
    let mut rows: Vec<&[&str]> = vec![&["Axe", "N°", "Action", "Statut", "Avancement"]];
    let data: [&[&str]; 10] = [
        &["A", "1", "Un", "En cours", "40"],
        &["A", "2", "Deux", "En cours", "50"],
        &["A", "3", "Trois", "En cours", "60"],
        &["A", "4", "Quatre", "En cours", "70"],
        &["B", "5", "Cinq", "En cours", "80"],
        &["B", "6", "Six", "En cours", "90"],
        &["B", "7", "Sept", "En cours", "45"],
        &["B", "8", "Huit", "À venir", ""],
        &["B", "9", "Neuf", "À venir", ""],
        &["B", "10", "Dix", "À venir", ""],
    ];
    rows.extend(data);
    common::write_xlsx(&path, &version(&rows, &[]));
    let out = plandoc(&["evaluation", path.to_str().unwrap(), "-o", dir.join("out").to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let text = pdf::text(&dir.join("out/evaluation.pdf")).replace(['\u{a0}', '\u{202f}'], " ");
    assert!(text.contains("Avancement moyen : 62,1 % sur 7 actions renseignées sur 10"), "{text}");
    let mut wb = open_workbook_auto(dir.join("out/evaluation.xlsx")).unwrap();
    let synth = wb.worksheet_range("Synthèse").unwrap();
    let row = synth.rows().find(|r| r[0] == Data::String("Avancement moyen".into())).expect("ligne Avancement moyen");
    match &row[1] {
        Data::Float(v) => assert!((v - 0.621428).abs() < 1e-4, "{v}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(row[2], Data::String("sur 7 actions renseignées sur 10".into()));
}

#[test]
fn a_review_year_outside_the_period_is_refused_with_the_period() {
    let dir = tmpdir("eval-year");
    let path = dir.join("suivi.xlsx");
    common::write_xlsx(
        &path,
        &version(
            &[&["Axe", "N°", "Action", "Statut", "2026", "2027", "2028"], &["A", "1", "Un", "En cours", "X", "X", ""]],
            &[],
        ),
    );
    std::fs::write(dir.join("plandoc.toml"), "[plan]\npremiere_annee = 2026\nderniere_annee = 2028\n").unwrap();
    let out_dir = dir.join("out");
    let out = plandoc(&["evaluation", path.to_str().unwrap(), "-o", out_dir.to_str().unwrap(), "--annee", "2031"]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains(
            "l'année de bilan 2031 est hors de la période du plan (2026-2028) : choisissez une année de 2026 à 2028"
        ),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("suivi.xlsx"), "{}", out.stderr);
    assert!(!out_dir.join("evaluation.pdf").exists(), "rapport écrit malgré le refus");
    let ok = plandoc(&["evaluation", path.to_str().unwrap(), "-o", out_dir.to_str().unwrap(), "--annee", "2027"]);
    assert_eq!(ok.code, 0, "{}{}", ok.stdout, ok.stderr);
    assert!(pdf::text(&out_dir.join("evaluation.pdf")).contains("bilan 2027"));
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

/// Action numbers of any depth stay whole in the evaluation's tables (« 1.1.1.1.1 » was
/// broken over three lines in a column of fixed width).
#[test]
fn deep_action_numbers_are_never_broken() {
    let input = sample("pcaet-quatre-niveaux.xlsx");
    let dir = tmpdir("evaluation-deep-numbers");
    let out = plandoc(&["build", input.to_str().unwrap(), "-o", dir.to_str().unwrap(), "--only", "evaluation"]);
    assert!(out.code <= 1, "{}{}", out.stdout, out.stderr);
    let text = pdf::text(&dir.join("evaluation.pdf"));
    let words: Vec<&str> = text.split_whitespace().collect();
    let plan = read_plan(&input, &ReadOptions::default()).unwrap().plan;
    let numbers: Vec<String> = plan.actions().iter().filter_map(|r| r.action.number.clone()).collect();
    assert!(numbers.iter().any(|n| n.len() >= 9), "{numbers:?}");
    for n in &numbers {
        assert!(words.contains(&n.as_str()), "numéro {n} coupé ou absent :\n{text}");
    }
}

/// An action without a number is named by its title in the list of actions in trouble
/// (the platform export's « Créer un lieu d'accueil enfants-parents » is « En pause »).
#[test]
fn an_unnumbered_action_in_trouble_is_named_by_its_title() {
    let input = sample("tet-export-plan.xlsx");
    let dir = tmpdir("evaluation-unnumbered");
    let out = plandoc(&["build", input.to_str().unwrap(), "-o", dir.to_str().unwrap(), "--only", "evaluation"]);
    assert!(out.code <= 1, "{}{}", out.stdout, out.stderr);
    let text = pdf::squash(&pdf::text(&dir.join("evaluation.pdf")));
    assert!(text.contains(&pdf::squash("Créer un lieu d'accueil enfants-parents : En pause")), "{text}");
    assert!(!text.contains(&pdf::squash("n° — —")), "{text}");
}

/// Every figure the PDFs print is written the French way: a progress typed « 0,1 » is
/// « 0,1 % » on its fiche (it was « 0.1 % ») and in the report, never with a dot.
#[test]
fn figures_in_the_pdfs_have_a_decimal_comma() {
    let dir = tmpdir("eval-decimal-comma");
    let out = plandoc(&["build", sample("suivi-lauragais.xlsx").to_str().unwrap(), "-o", dir.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let fiches = pdf::squash(&pdf::text(&dir.join("fiches-actions.pdf")));
    assert!(fiches.contains("Avancement0,1%"), "progress of action 4 as typed");
    for name in ["fiches-actions.pdf", "evaluation.pdf", "plan-d-actions.pdf", "echeancier.pdf"] {
        let text = pdf::squash(&pdf::text(&dir.join(name)));
        let bytes = text.as_bytes();
        let dotted = (1..bytes.len().saturating_sub(1))
            .filter(|&i| bytes[i] == b'.' && bytes[i - 1].is_ascii_digit() && bytes[i + 1].is_ascii_digit())
            .map(|i| &text[i.saturating_sub(12)..(i + 12).min(text.len())])
            .filter(|around| around.contains('%'))
            .collect::<Vec<_>>();
        assert!(dotted.is_empty(), "{name}: {dotted:?}");
    }
}
