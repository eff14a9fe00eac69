//! Reading is never silently wrong: the hierarchy as the sheet says it, constant columns
//! read as the plan's metadata, and nothing of a cell lost (long accented texts, mixed
//! encodings, big numbers, far-down cells, progress columns read one way).

mod common;

use common::{plan_sheet, tmpdir, write_xlsx, C};
use plandoc::ingest::{read_plan, ReadOptions, Reading};

fn read(path: &std::path::Path) -> Reading {
    read_plan(path, &ReadOptions::default()).unwrap_or_else(|u| panic!("{:?}", u.diagnostic))
}

/// (path joined with " › ", title) of every action, in document order.
fn paths(r: &Reading) -> Vec<(String, String)> {
    r.plan.actions().iter().map(|a| (a.path().join(" › "), a.action.title.clone())).collect()
}

fn codes(r: &Reading) -> Vec<String> {
    r.diagnostics.iter().map(|d| d.code.clone()).collect()
}

/// The axis on every row, objectives typed on their group's first row only, one objective
/// typed again further down: every action keeps its objective, in the sheet's order.
#[test]
fn sparse_objectives_under_a_repeated_axis() {
    let (_, file) = plan_sheet(
        "faithful-sparse",
        &[
            &["Axe", "Objectif", "Action"],
            &["Axe 1", "Objectif 1.1 : Accueillir", "Action a"],
            &["Axe 1", "", "Action b"],
            &["Axe 1", "Objectif 1.1 : Accueillir", "Action c"],
            &["Axe 1", "", "Action d"],
            &["Axe 1", "Objectif 1.2 : Accueillir", "Action e"],
            &["Axe 1", "", "Action f"],
            &["Axe 2", "Objectif n°4 : Former", "Action g"],
            &["Axe 2", "", "Action h"],
        ],
    );
    let r = read(&file);
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    let got = paths(&r);
    let want: Vec<(String, String)> = [
        ("Axe 1 › 1.1 : Accueillir", "Action a"),
        ("Axe 1 › 1.1 : Accueillir", "Action b"),
        ("Axe 1 › 1.1 : Accueillir", "Action c"),
        ("Axe 1 › 1.1 : Accueillir", "Action d"),
        ("Axe 1 › 1.2 : Accueillir", "Action e"),
        ("Axe 1 › 1.2 : Accueillir", "Action f"),
        ("Axe 2 › n°4 : Former", "Action g"),
        ("Axe 2 › n°4 : Former", "Action h"),
    ]
    .iter()
    .map(|(p, t)| (p.to_string(), t.to_string()))
    .collect();
    assert_eq!(got, want);
    // Two groups under axis 1 (the re-typed one is the same), none hanging on the axis.
    assert_eq!(r.plan.axes.len(), 2);
    assert_eq!(r.plan.axes[0].objectives.len(), 2);
    assert!(r.plan.axes.iter().all(|a| a.actions.is_empty()));
    assert!(!r.notes.iter().any(|n| n.contains("rattachée")), "{:?}", r.notes);
}

/// A flat export of a national platform: the plan's identifier, name, collectivité and
/// launch date on every row. They are the plan's: no `numero-en-double`, no 2021-2021
/// period; territory, title, kind and period read from them; the documents build.
#[test]
fn constant_columns_are_about_the_plan() {
    let dir = tmpdir("faithful-flat-export");
    let file = dir.join("export-demarches.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Export").unwrap();
    let head = ["Id_demarche", "Nom_demarche", "Collectivite_porteuse", "Date_lancement", "Intitule_action", "Secteur"];
    for (c, h) in head.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2021, 3, 15).unwrap();
    let fmt = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    let titles = [
        "Rénover les écoles communales",
        "Créer un réseau de chaleur au bois",
        "Développer le covoiturage domicile-travail",
        "Former les artisans à la rénovation",
        "Planter des haies bocagères",
    ];
    for (i, t) in titles.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_number(r, 0, 4242.0).unwrap();
        ws.write_string(r, 1, "PCAET 2020-2026 de la Communauté de communes du Lauragais").unwrap();
        ws.write_string(r, 2, "Communauté de communes du Lauragais").unwrap();
        ws.write_datetime_with_format(r, 3, &date, &fmt).unwrap();
        ws.write_string(r, 4, *t).unwrap();
        ws.write_string(r, 5, if i % 2 == 0 { "Résidentiel" } else { "Transport" }).unwrap();
    }
    wb.save(&file).unwrap();
    let r = read(&file);
    assert!(!codes(&r).contains(&"numero-en-double".to_string()), "{:?}", r.diagnostics);
    assert!(!r.has_errors(), "{:?}", r.diagnostics);
    let m = &r.plan.meta;
    assert_eq!(m.territory.as_deref(), Some("Communauté de communes du Lauragais"));
    assert_eq!(m.title.as_deref(), Some("PCAET 2020-2026 de la Communauté de communes du Lauragais"));
    assert_eq!(m.kind, plandoc::model::PlanKind::Pcaet);
    assert_eq!((m.first_year, m.last_year), (Some(2020), Some(2026)));
    let actions = r.plan.actions();
    assert_eq!(actions.len(), 5);
    let got: Vec<&str> = actions.iter().map(|a| a.action.title.as_str()).collect();
    assert_eq!(got, titles);
    // No action numbered by the plan's identifier, none dated by the launch date.
    assert!(actions.iter().all(|a| a.action.number.is_none()), "{:?}", actions[0].action.number);
    assert!(actions.iter().all(|a| a.action.years.is_empty() && a.action.start_date.is_none()));
    // Nothing lost: the constant columns are still shown on each fiche.
    let extra: Vec<&str> = actions[0].action.extra.iter().map(|e| e.name.as_str()).collect();
    assert!(extra.contains(&"Id_demarche") && extra.contains(&"Date_lancement"), "{extra:?}");
    let out = dir.join("docs");
    let run = common::plandoc(&["build", file.to_str().unwrap(), "--sortie", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = common::pdf::text(&out.join("fiches-actions.pdf"));
    assert!(text.contains("Communauté de communes du Lauragais"), "{}", &text[..text.len().min(600)]);
    assert!(text.contains("Planter des haies bocagères"));
}

/// The platform's own flat exports (corpus): every action read, none numbered by the
/// programme's identifier, the titles' own numbering kept.
#[test]
fn pcaet_flat_exports_of_the_corpus() {
    let corpus = common::root().join("../shared/corpus/real");
    for (name, count) in [("pcaet-programme-actions-2356.xlsx", 106), ("pcaet-programme-actions-1854.csv", 90)] {
        let r = read(&corpus.join(name));
        assert!(!r.has_errors(), "{name}: {:?}", r.diagnostics.iter().take(3).collect::<Vec<_>>());
        let actions = r.plan.actions();
        assert_eq!(actions.len(), count, "{name}");
        assert!(actions
            .iter()
            .all(|a| a.action.number.as_deref() != Some("2356") && a.action.number.as_deref() != Some("1854")));
        assert!(r.notes.iter().any(|n| n.contains("Id_demarche") && n.contains("concerne le plan")), "{:?}", r.notes);
        assert_eq!(r.plan.meta.first_year, None, "{name}");
    }
    let r = read(&corpus.join("pcaet-programme-actions-2356.xlsx"));
    let first = &r.plan.actions()[0].action;
    assert_eq!(first.number.as_deref(), Some("111-1"));
    assert!(first.title.starts_with("Assurer l'ambition CAEE"), "{}", first.title);
}
