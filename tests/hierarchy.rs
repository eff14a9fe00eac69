//! Hierarchies of any depth: the model carries the whole path, from level columns, from a
//! numbered outline, for flat lists and for "(Action non classée)" rows; fiches, plan
//! table, bookmarks and the annex show it whole and the annex reads back the same.

mod common;

use calamine::{open_workbook_auto, Data, Reader};
use common::tagged::{bookmarks, load, Bookmark};
use common::{pdf, plandoc, rows, sample, tmpdir, write_xlsx};
use plandoc::ingest::{read_plan, ReadOptions, Reading};
use plandoc::model::Plan;

fn read(path: &std::path::Path) -> Reading {
    let r = read_plan(path, &ReadOptions::default()).unwrap_or_else(|u| panic!("{:?}", u.diagnostic));
    assert!(!r.has_errors(), "{:?}", r.diagnostics);
    r
}

/// (number, path joined with " › ", title) of every action.
fn paths(plan: &Plan) -> Vec<(String, String, String)> {
    plan.actions()
        .iter()
        .map(|r| (r.action.number.clone().unwrap_or_default(), r.path().join(" › "), r.action.title.clone()))
        .collect()
}

/// The 4-level sample: axe › sous-axe › objectif › sous-objectif, actions at several depths.
const DEEP_PATHS: [(&str, &str, &str); 6] = [
    (
        "1.1.1.1.1",
        "1. Sobriété et efficacité énergétique › 1.1 Rénover le bâti › 1.1.1 Logement › 1.1.1.1 Parc privé",
        "Ouvrir une plateforme de la rénovation énergétique",
    ),
    (
        "1.1.1.1.2",
        "1. Sobriété et efficacité énergétique › 1.1 Rénover le bâti › 1.1.1 Logement › 1.1.1.1 Parc privé",
        "Aider les copropriétés fragiles",
    ),
    (
        "1.1.1.2.1",
        "1. Sobriété et efficacité énergétique › 1.1 Rénover le bâti › 1.1.1 Logement › 1.1.1.2 Parc social",
        "Rénover 300 logements sociaux",
    ),
    (
        "1.1.2.1",
        "1. Sobriété et efficacité énergétique › 1.1 Rénover le bâti › 1.1.2 Bâtiments publics",
        "Réaliser un schéma directeur immobilier",
    ),
    ("1.2.1", "1. Sobriété et efficacité énergétique › 1.2 Éclairer juste", "Éteindre l'éclairage public la nuit"),
    (
        "2.1.1.1.1",
        "2. Mobilités › 2.1 Développer le vélo › 2.1.1 Itinéraires › 2.1.1.1 Liaisons entre bourgs",
        "Aménager la voie verte de la vallée",
    ),
];

fn expected_deep() -> Vec<(String, String, String)> {
    DEEP_PATHS.iter().map(|(n, p, t)| (n.to_string(), p.to_string(), t.to_string())).collect()
}

#[test]
fn a_four_level_outline_keeps_every_level() {
    let r = read(&sample("pcaet-quatre-niveaux.xlsx"));
    let plan = &r.plan;
    assert_eq!(r.diagnostics.len(), 0, "{:?}", r.diagnostics);
    assert_eq!(paths(plan), expected_deep());
    assert_eq!(plan.objective_depth(), 3);
    assert_eq!((plan.axis_count(), plan.objective_count(), plan.action_count(), plan.sub_action_count()), (2, 9, 6, 2));
    let actions = plan.actions();
    let subs: Vec<(&str, &str)> =
        actions[0].action.sub_actions.iter().map(|s| (s.number.as_deref().unwrap_or(""), s.title.as_str())).collect();
    assert_eq!(
        subs,
        [("1.1.1.1.1.1", "Recruter deux conseillers"), ("1.1.1.1.1.2", "Tenir des permanences dans les communes")]
    );
    assert_eq!(actions[0].action.sub_actions[1].partners.as_deref(), Some("Communes"));
}

#[test]
fn four_level_columns_ambition_orientation_objectifs() {
    let dir = tmpdir("hier-columns");
    let path = dir.join("plan.xlsx");
    let data = rows(&[
        &["Ambition", "Orientation", "Objectif stratégique", "Objectif opérationnel", "N°", "Action", "Pilote"],
        &["Vivre ensemble", "Enfance", "Accueillir", "Petite enfance", "1", "Ouvrir une crèche", "CCAS"],
        &["", "", "", "", "2", "Former les assistantes maternelles", "RPE"],
        &["", "", "", "Loisirs", "3", "Ouvrir un accueil de loisirs", "Service enfance"],
        &["", "", "Éduquer", "Écoles", "4", "Rénover les écoles", "Services techniques"],
        &["", "Jeunesse", "Informer", "Point info", "5", "Ouvrir un point information jeunesse", "Service jeunesse"],
        &["Habiter", "Logement", "Rénover", "Parc privé", "6", "Aider la rénovation", "Service habitat"],
    ]);
    write_xlsx(&path, &[("Plan", data)]);
    let plan = read(&path).plan;
    let got: Vec<(String, String)> = paths(&plan).into_iter().map(|(n, p, _)| (n, p)).collect();
    let want = [
        ("1", "Vivre ensemble › Enfance › Accueillir › Petite enfance"),
        ("2", "Vivre ensemble › Enfance › Accueillir › Petite enfance"),
        ("3", "Vivre ensemble › Enfance › Accueillir › Loisirs"),
        ("4", "Vivre ensemble › Enfance › Éduquer › Écoles"),
        ("5", "Vivre ensemble › Jeunesse › Informer › Point info"),
        ("6", "Habiter › Logement › Rénover › Parc privé"),
    ];
    assert_eq!(got, want.map(|(n, p)| (n.to_string(), p.to_string())));
    assert_eq!((plan.axis_count(), plan.objective_count(), plan.objective_depth()), (2, 12, 3));
}

#[test]
fn flat_lists_and_unclassified_rows_have_no_path() {
    let dir = tmpdir("hier-flat");
    let flat = dir.join("flat.xlsx");
    write_xlsx(
        &flat,
        &[(
            "Actions",
            rows(&[
                &["N°", "Action", "Pilote"],
                &["1", "Ouvrir une crèche", "CCAS"],
                &["2", "Former les assistantes maternelles", "RPE"],
            ]),
        )],
    );
    let plan = read(&flat).plan;
    assert_eq!((plan.axis_count(), plan.action_count()), (0, 2));
    assert!(plan.actions().iter().all(|r| r.path().is_empty()));

    let mixed = dir.join("mixed.xlsx");
    write_xlsx(
        &mixed,
        &[(
            "Plan",
            rows(&[
                &["Axe", "Sous-axe", "Sous-sous-axe", "Action", "Pilote"],
                &["1 Énergie", "1.1 Bâti", "1.1.1 Logement", "Rénover les logements", "Habitat"],
                &["(Action non classée)", "", "", "Créer un observatoire", "Direction"],
                &["2 Mobilité", "2.1 Vélo", "", "Aménager une voie verte", "Voirie"],
            ]),
        )],
    );
    let plan = read(&mixed).plan;
    let got: Vec<(String, String)> = paths(&plan).into_iter().map(|(_, p, t)| (p, t)).collect();
    assert_eq!(
        got,
        [
            ("1 Énergie › 1.1 Bâti › 1.1.1 Logement".to_string(), "Rénover les logements".to_string()),
            (String::new(), "Créer un observatoire".to_string()),
            ("2 Mobilité › 2.1 Vélo".to_string(), "Aménager une voie verte".to_string()),
        ]
    );
}

/// The 4-level sample built: every output shows each action's whole path.
#[test]
fn the_whole_path_in_fiches_plan_table_bookmarks_and_annex() {
    let dir = tmpdir("hier-build");
    let input = sample("pcaet-quatre-niveaux.xlsx");
    let out = plandoc(&[
        "build",
        input.to_str().unwrap(),
        "-o",
        dir.to_str().unwrap(),
        "--date",
        "2026-01-29",
        "--une-fiche-par-page",
    ]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let want = expected_deep();

    // Fiches: one page each here, the breadcrumb is the whole path.
    let fiches = dir.join("fiches-actions.pdf");
    assert_eq!(pdf::pages(&fiches), want.len());
    for (i, (number, path, title)) in want.iter().enumerate() {
        let page = pdf::squash(&pdf::page_text(&fiches, i + 1));
        let crumb = path.replace(" › ", "  ›  ");
        assert!(page.contains(&pdf::squash(&crumb)), "page {}: {crumb} in {page}", i + 1);
        assert!(page.contains(&pdf::squash(number)) && page.contains(&pdf::squash(title)), "{page}");
    }
    // The sub-actions are listed on their action's fiche, with their own fields.
    let first = pdf::squash(&pdf::page_text(&fiches, 1));
    for s in
        ["1.1.1.1.1.1. Recruter deux conseillers", "Réalisé", "Tenir des permanences dans les communes", "Communes"]
    {
        assert!(first.contains(&pdf::squash(s)), "{s} in {first}");
    }

    // Bookmarks, read with lopdf: the plan's tree, one level per hierarchy level.
    let tree = bookmarks(&load(&fiches));
    let leaf = |t: &str| Bookmark { title: t.into(), kids: vec![] };
    let node = |t: &str, kids: Vec<Bookmark>| Bookmark { title: t.into(), kids };
    let expected = vec![
        node(
            "1. Sobriété et efficacité énergétique",
            vec![
                node(
                    "1.1 Rénover le bâti",
                    vec![
                        node(
                            "1.1.1 Logement",
                            vec![
                                node(
                                    "1.1.1.1 Parc privé",
                                    vec![
                                        leaf("1.1.1.1.1 – Ouvrir une plateforme de la rénovation énergétique"),
                                        leaf("1.1.1.1.2 – Aider les copropriétés fragiles"),
                                    ],
                                ),
                                node("1.1.1.2 Parc social", vec![leaf("1.1.1.2.1 – Rénover 300 logements sociaux")]),
                            ],
                        ),
                        node(
                            "1.1.2 Bâtiments publics",
                            vec![leaf("1.1.2.1 – Réaliser un schéma directeur immobilier")],
                        ),
                    ],
                ),
                node("1.2 Éclairer juste", vec![leaf("1.2.1 – Éteindre l'éclairage public la nuit")]),
            ],
        ),
        node(
            "2. Mobilités",
            vec![node(
                "2.1 Développer le vélo",
                vec![node(
                    "2.1.1 Itinéraires",
                    vec![node(
                        "2.1.1.1 Liaisons entre bourgs",
                        vec![leaf("2.1.1.1.1 – Aménager la voie verte de la vallée")],
                    )],
                )],
            )],
        ),
    ];
    assert_eq!(tree, expected);

    // Plan table: the axis band, then the path under the axis beside the first action.
    let table = pdf::squash(&pdf::text(&dir.join("plan-d-actions.pdf")));
    for (_, path, _) in &want {
        let (axis, below) = path.split_once(" › ").unwrap();
        assert!(table.contains(&pdf::squash(axis)), "{axis}");
        assert!(table.contains(&pdf::squash(below)), "{below} in {table}");
    }
    assert!(!table.contains("1.1.1.-"), "a number is never hyphenated");

    // Plan table and échéancier: every action number on one line, never broken in two.
    let plain_table = pdf::text(&dir.join("plan-d-actions.pdf"));
    let timeline = pdf::text(&dir.join("echeancier.pdf"));
    for (number, _, _) in &want {
        assert!(plain_table.lines().any(|l| l.trim() == number), "{number} on one line in {plain_table}");
        assert!(timeline.lines().any(|l| l.trim() == number), "{number} on one line in {timeline}");
    }
    // Échéancier: a band per level at every depth, in the plan's order.
    let levels = [
        "1. Sobriété et efficacité énergétique",
        "1.1 Rénover le bâti",
        "1.1.1 Logement",
        "1.1.1.1 Parc privé",
        "1.1.1.2 Parc social",
        "1.1.2 Bâtiments publics",
        "1.2 Éclairer juste",
        "2. Mobilités",
        "2.1 Développer le vélo",
        "2.1.1 Itinéraires",
        "2.1.1.1 Liaisons entre bourgs",
    ];
    let lines: Vec<&str> = timeline.lines().map(str::trim).collect();
    let at: Vec<usize> = levels
        .iter()
        .map(|l| lines.iter().position(|x| x == l).unwrap_or_else(|| panic!("band {l} in {timeline}")))
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "bands in order: {at:?}");

    // Annex, read by calamine: one column per level, a sub-action column.
    let annex = dir.join("annexe.xlsx");
    let mut wb = open_workbook_auto(&annex).unwrap();
    let sheet = wb.worksheet_range("Plan d'actions").unwrap();
    let mut lines = sheet.rows();
    let header: Vec<String> = lines.next().unwrap().iter().map(|c| c.to_string()).collect();
    let col = |h: &str| header.iter().position(|x| x == h).unwrap_or_else(|| panic!("{h} in {header:?}"));
    let levels = ["Axe", "Objectif stratégique", "Objectif opérationnel", "Niveau 4"].map(col);
    let (num, title, sub) = (col("N°"), col("Action"), col("Sous-action"));
    assert!(levels.windows(2).all(|w| w[1] == w[0] + 1), "levels side by side: {header:?}");
    let rows: Vec<Vec<String>> = lines.map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert_eq!(rows.len(), 6 + 2, "six actions, two sub-actions");
    let actions: Vec<(String, String, String)> = rows
        .iter()
        .filter(|r| r[sub].is_empty())
        .map(|r| {
            let path: Vec<&str> = levels.iter().map(|&c| r[c].as_str()).filter(|s| !s.is_empty()).collect();
            (r[num].clone(), path.join(" › "), r[title].clone())
        })
        .collect();
    assert_eq!(actions, want);
    let subs: Vec<[&str; 3]> = rows
        .iter()
        .filter(|r| !r[sub].is_empty())
        .map(|r| [r[num].as_str(), r[title].as_str(), r[sub].as_str()])
        .collect();
    assert_eq!(
        subs,
        [
            ["1.1.1.1.1.1", "Ouvrir une plateforme de la rénovation énergétique", "Recruter deux conseillers"],
            [
                "1.1.1.1.1.2",
                "Ouvrir une plateforme de la rénovation énergétique",
                "Tenir des permanences dans les communes"
            ],
        ]
    );
    assert!(sheet.rows().any(|r| r.contains(&Data::String("Niveau 4".into()))));

    // Read back by plandoc: the same tree, the same sub-actions.
    let (original, back) = (read(&input).plan, read(&annex).plan);
    assert_eq!(paths(&back), want);
    let subs_of = |p: &Plan| {
        p.actions()
            .iter()
            .flat_map(|r| {
                r.action.sub_actions.iter().map(|s| (s.number.clone(), s.title.clone(), s.status, s.years.clone()))
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(subs_of(&back), subs_of(&original));
    assert_eq!((back.action_count(), back.sub_action_count()), (6, 2));
}

/// "1.1.1 Titre" in one cell, no number column: the number gives the level, the action
/// number or the sub-action's place.
#[test]
fn number_and_title_in_one_cell() {
    let dir = tmpdir("hier-one-cell");
    let path = dir.join("plan.xlsx");
    let data = rows(&[
        &["Intitulé", "Pilote", "Échéance"],
        &["1 Énergie", "", ""],
        &["1.1 Bâti", "", ""],
        &["1.1.1 Logement", "", ""],
        &["1.1.1.1 Rénover les logements", "Service habitat", "2025-2026"],
        &["1.1.1.1.1 Recruter un conseiller", "Service habitat", "2025"],
        &["1.1.1.2 Aider les copropriétés", "Service habitat", "2026"],
        &["1.2 Éclairer juste", "Services techniques", "2025"],
        &["2 Mobilité", "", ""],
        &["2.1 Aménager une voie verte", "Voirie", "2027"],
    ]);
    write_xlsx(&path, &[("Plan", data)]);
    let r = read(&path);
    let plan = &r.plan;
    let got: Vec<(String, String, String)> = paths(plan);
    // An action straight under the axis comes before the axis' objectives.
    let want = [
        ("1.2", "1. Énergie", "Éclairer juste"),
        ("1.1.1.1", "1. Énergie › 1.1 Bâti › 1.1.1 Logement", "Rénover les logements"),
        ("1.1.1.2", "1. Énergie › 1.1 Bâti › 1.1.1 Logement", "Aider les copropriétés"),
        ("2.1", "2. Mobilité", "Aménager une voie verte"),
    ];
    assert_eq!(got, want.map(|(n, p, t)| (n.to_string(), p.to_string(), t.to_string())));
    let sub = &plan.actions()[1].action.sub_actions;
    assert_eq!(sub.len(), 1);
    assert_eq!((sub[0].number.as_deref(), sub[0].title.as_str()), (Some("1.1.1.1.1"), "Recruter un conseiller"));
    assert_eq!(plan.axes[0].number.as_deref(), Some("1"));
}

/// Reads a one-sheet plan of text rows (merges given as (first row, col, last row, col)).
fn read_rows(tag: &str, text: &[&[&'static str]], merges: &[(u32, u16, u32, u16)]) -> Reading {
    let dir = tmpdir(tag);
    let path = dir.join("plan.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Plan").unwrap();
    for (r, row) in text.iter().enumerate() {
        for (c, t) in row.iter().enumerate().filter(|(_, t)| !t.is_empty()) {
            ws.write_string(r as u32, c as u16, *t).unwrap();
        }
    }
    let fmt = rust_xlsxwriter::Format::new();
    for &(r1, c1, r2, c2) in merges {
        let first = text[r1 as usize][c1 as usize];
        ws.merge_range(r1, c1, r2, c2, first, &fmt).unwrap();
    }
    wb.save(&path).unwrap();
    read(&path)
}

fn path_of(r: &Reading, title: &str) -> String {
    let all = paths(&r.plan);
    all.iter().find(|(_, _, t)| t == title).unwrap_or_else(|| panic!("{title} absente : {all:?}")).1.clone()
}

fn warnings_at(r: &Reading, code: &str) -> Vec<String> {
    r.diagnostics.iter().filter(|d| d.code == code).map(|d| d.cell.clone().unwrap_or_default()).collect()
}

/// An empty objective cell means "same as above", whether or not other levels repeat
/// (the template says so); only a sheet that merges its objectives down their rows says
/// "same as above" by merging, and there an unmerged blank hangs the action on the axis
/// its row names — always said, at the cell.
#[test]
fn an_action_under_the_level_its_row_names() {
    const HEAD: &[&str] = &["Axe", "Objectif", "Action"];
    // Every row written in full but one: its blank is still "as above".
    let r = read_rows(
        "blank-level-repeated",
        &[
            HEAD,
            &["Axe 1", "Objectif 1.1", "Action a"],
            &["Axe 1", "Objectif 1.1", "Action b"],
            &["Axe 1", "", "Action c"],
            &["Axe 2", "Objectif 2.1", "Action d"],
        ],
        &[],
    );
    assert_eq!(path_of(&r, "Action b"), "Axe 1 › Objectif 1.1");
    assert_eq!(path_of(&r, "Action c"), "Axe 1 › Objectif 1.1");
    assert_eq!(path_of(&r, "Action d"), "Axe 2 › Objectif 2.1");
    assert!(warnings_at(&r, "niveau-vide-incertain").is_empty(), "{:?}", r.diagnostics);

    // Objectives merged down their rows: an unmerged blank is no objective.
    let r = read_rows(
        "blank-level-merged",
        &[
            HEAD,
            &["Axe 1", "Objectif 1.1", "Action a"],
            &["", "", "Action b"],
            &["", "", "Action c"],
            &["Axe 2", "Objectif 2.1", "Action d"],
        ],
        &[(1, 0, 3, 0), (1, 1, 2, 1)],
    );
    assert_eq!(path_of(&r, "Action b"), "Axe 1 › Objectif 1.1");
    assert_eq!(path_of(&r, "Action c"), "Axe 1");
    assert_eq!(warnings_at(&r, "niveau-vide-incertain"), vec!["B4".to_string()], "{:?}", r.diagnostics);
    let d = r.diagnostics.iter().find(|d| d.code == "niveau-vide-incertain").unwrap();
    assert!(d.message.contains("« Axe 1 »") && d.message.contains("« Objectif 1.1 »"), "{}", d.message);

    // The axis on every row, an objective on the first row of its block only: the
    // sheet's "same as above", kept without a word.
    let r = read_rows(
        "blank-level-axis-repeated",
        &[
            HEAD,
            &["Axe 1", "Objectif 1.1", "Action a"],
            &["Axe 1", "", "Action b"],
            &["Axe 1", "Objectif 1.2", "Action c"],
            &["Axe 1", "", "Action d"],
        ],
        &[],
    );
    assert_eq!(path_of(&r, "Action b"), "Axe 1 › Objectif 1.1");
    assert_eq!(path_of(&r, "Action d"), "Axe 1 › Objectif 1.2");
    assert!(warnings_at(&r, "niveau-vide-incertain").is_empty(), "{:?}", r.diagnostics);
    assert!(!r.notes.iter().any(|n| n.contains("rattachée(s) directement")), "{:?}", r.notes);

    // Blank means "same as above" for both columns, then the axis named again with no
    // objective: still "as above", without a word.
    let r = read_rows(
        "blank-level-unsure",
        &[HEAD, &["Axe 1", "Objectif 1.1", "Action a"], &["", "", "Action b"], &["Axe 1", "", "Action c"]],
        &[],
    );
    assert_eq!(path_of(&r, "Action b"), "Axe 1 › Objectif 1.1");
    assert_eq!(path_of(&r, "Action c"), "Axe 1 › Objectif 1.1");
    assert!(warnings_at(&r, "niveau-vide-incertain").is_empty(), "{:?}", r.diagnostics);
}
