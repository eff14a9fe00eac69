//! Hierarchies of any depth: the model carries the whole path, from level columns, from a
//! numbered outline, for flat lists and for "(Action non classée)" rows; fiches, plan
//! table, bookmarks and the annex show it whole and the annex reads back the same.

mod common;

use common::{rows, sample, tmpdir, write_xlsx};
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
