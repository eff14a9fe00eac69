//! Column roles by evidence, visible in `check` and correctable in plandoc.toml.

mod common;

use common::{check_json, plan_sheet, plandoc, rows, tmpdir, write_xlsx};

fn field_of(report: &serde_json::Value, letter: &str) -> String {
    report["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .find(|c| c["column"] == letter)
        .map(|c| c["field"].as_str().unwrap().to_string())
        .unwrap_or_else(|| panic!("colonne {letter} absente : {report}"))
}

#[test]
fn the_title_is_the_column_that_holds_titles() {
    let (_, file) = plan_sheet(
        "columns-evidence",
        &[
            &[
                "Axe",
                "Action en amélioration continue",
                "Intitulé de l'action",
                "Actions liées",
                "Personne pilote",
                "Statut",
            ],
            &["Axe 1", "VRAI", "Ouvrir une crèche", "Former les assistantes", "Marie PAUL", "À discuter"],
            &["Axe 1", "FAUX", "Former les assistantes", "Ouvrir une crèche", "Pierre GWEN", "En pause"],
            &["Axe 2", "VRAI", "Créer un guide des familles", "", "Marie PAUL", "Réalisé"],
        ],
    );
    let (code, r) = check_json(&file);
    assert_eq!(code, 0, "{r}");
    assert_eq!(field_of(&r, "C"), "action");
    assert_eq!(field_of(&r, "B"), "extra");
    assert_eq!(field_of(&r, "D"), "extra");
    assert_eq!(field_of(&r, "E"), "personne_pilote");
    assert_eq!(r["actions"], 3);
    let human = plandoc(&["check", file.to_str().unwrap()]).stdout;
    assert!(human.contains("C  « Intitulé de l'action » → intitulé de l'action"), "{human}");
    assert!(human.contains("Gardées telles quelles (affichées sur les fiches) : B « Action en amélioration continue »"));
}

#[test]
fn a_doubtful_title_column_is_a_warning_naming_it() {
    let (_, file) = plan_sheet(
        "columns-doubt",
        &[
            &["Axe", "Action", "Pilote"],
            &["Axe 1", "Atelier", "CCAS"],
            &["Axe 1", "Atelier", "CCAS"],
            &["Axe 2", "Atelier", "Mairie"],
            &["Axe 2", "Atelier", "Mairie"],
            &["Axe 2", "Atelier", "Mairie"],
            &["Axe 2", "Réunion", "Mairie"],
        ],
    );
    let (code, r) = check_json(&file);
    assert_eq!(code, 0, "{r}");
    let d = r["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "colonne-titre-douteuse").expect("doute");
    assert_eq!(d["cell"], "B1");
    assert!(d["message"].as_str().unwrap().contains("La colonne B « Action »"), "{d}");
    assert!(d["severity"] == "avertissement" || d["severity"] == "warning", "{d}");
}

#[test]
fn plandoc_toml_overrides_a_column_by_letter_or_header() {
    let (dir, file) = plan_sheet(
        "columns-override",
        &[
            &["Axe", "Action", "Ce que nous ferons", "Qui"],
            &["Axe 1", "1", "Ouvrir une crèche", "CCAS"],
            &["Axe 1", "2", "Former les assistantes", "Mairie"],
        ],
    );
    std::fs::write(dir.join("plandoc.toml"), "[colonnes]\nintitule = \"C\"\nnumero = \"B\"\npilote = \"Qui\"\n")
        .unwrap();
    let (code, r) = check_json(&file);
    assert_eq!(code, 0, "{r}");
    assert_eq!(
        (field_of(&r, "B"), field_of(&r, "C"), field_of(&r, "D")),
        ("numero".into(), "action".into(), "pilote".into())
    );
    std::fs::write(dir.join("plandoc.toml"), "[colonnes]\nintitule = \"C\"\npilote = \"Z\"\n").unwrap();
    let (_, r) = check_json(&file);
    assert!(r["diagnostics"].as_array().unwrap().iter().any(|d| d["code"] == "colonnes-config"), "{r}");
}

#[test]
fn template_help_rows_are_skipped_and_listed() {
    let (_, file) = plan_sheet(
        "columns-help",
        &[
            &["Présentation de l'action", "", "Modalités", ""],
            &["Axe (x)", "Titre de l'action", "Statut", "Niveau de priorité"],
            &["Champ texte", "Champ texte", "Champ liste déroulante (choix prédéfinis)", "Liste déroulante"],
            &[
                "Si vos axes sont numérotés…",
                "Texte court de 300 caractères",
                "Choisissez l'option",
                "Choisissez l'option",
            ],
            &["1. Agir", "Action 1", "En cours", "Élevé"],
        ],
    );
    let (code, r) = check_json(&file);
    assert_eq!(code, 0, "{r}");
    assert_eq!(r["actions"], 1);
    assert_eq!(r["header_row"], 2);
    let skipped: Vec<u64> = r["skipped_rows"].as_array().unwrap().iter().map(|s| s["row"].as_u64().unwrap()).collect();
    assert_eq!(skipped, [3, 4]);
    let plan = plandoc::ingest::read_plan(&file, &Default::default()).unwrap().plan;
    assert_eq!(plan.meta.title, None, "a section label is never the plan title");
    assert_eq!(plan.actions()[0].action.title, "Action 1");
}

#[test]
fn one_sheet_per_axis_is_one_plan() {
    let dir = tmpdir("columns-sheets");
    let file = dir.join("plan.xlsx");
    let sheet = |n: [&'static str; 2], a: &'static str, b: &'static str| {
        rows(&[&["N°", "Action", "Pilote", "2025", "2026"], &[n[0], a, "CCAS", "X", ""], &[n[1], b, "Mairie", "", "X"]])
    };
    write_xlsx(
        &file,
        &[
            ("Petite enfance", sheet(["A1", "A2"], "Ouvrir une crèche", "Former les assistantes")),
            ("Jeunesse", sheet(["B1", "B2"], "Ouvrir un espace jeunes", "Aider les projets d'été")),
        ],
    );
    let r = plandoc::ingest::read_plan(&file, &Default::default()).unwrap();
    assert!(!r.has_errors(), "{:?}", r.diagnostics);
    let axes: Vec<(&str, usize)> = r.plan.axes.iter().map(|a| (a.title.as_str(), a.actions.len())).collect();
    assert_eq!(axes, [("Petite enfance", 2), ("Jeunesse", 2)]);
    assert_eq!(r.plan.axis_count(), 2);
    assert!(r.notes.iter().any(|n| n.contains("une par axe")), "{:?}", r.notes);
}

#[test]
fn a_colonnes_sheet_overrides_like_plandoc_toml() {
    let dir = tmpdir("columns-sheet");
    let file = dir.join("plan.xlsx");
    let plan = rows(&[
        &["Axe", "Action", "Ce que nous ferons", "Qui", "Référent"],
        &["Axe 1", "1", "Ouvrir une crèche", "CCAS", "Mme A"],
        &["Axe 1", "2", "Former les assistantes", "Mairie", "M. B"],
    ]);
    let mapping = rows(&[
        &["Champ", "Colonne"],
        &["intitule", "C"],
        &["Numéro de l'action", "B"],
        &["pilote", "Qui"],
        &["élu référent", "E"],
        &["couleur préférée", "D"],
    ]);
    write_xlsx(&file, &[("Plan", plan), ("Colonnes", mapping)]);
    let (code, r) = check_json(&file);
    assert_eq!(code, 0, "{r}");
    assert_eq!(
        (field_of(&r, "B"), field_of(&r, "C"), field_of(&r, "D")),
        ("numero".into(), "action".into(), "pilote".into())
    );
    let diags = r["diagnostics"].as_array().unwrap();
    let unknown: Vec<&serde_json::Value> = diags.iter().filter(|d| d["code"] == "colonnes-feuille").collect();
    assert_eq!(unknown.len(), 1, "« couleur préférée » is no field: {r}");
    assert!(unknown[0]["message"].as_str().unwrap().contains("couleur préférée"), "{r}");
    assert_eq!(field_of(&r, "E"), "elu_referent", "{r}");
    // plandoc.toml wins over the sheet, field by field.
    std::fs::write(dir.join("plandoc.toml"), "[colonnes]\naction = \"B\"\n").unwrap();
    let (_, r) = check_json(&file);
    assert_eq!(field_of(&r, "B"), "action", "{r}");
    assert_eq!(field_of(&r, "D"), "pilote", "{r}");
}

#[test]
fn quarter_half_and_month_columns_mark_their_year() {
    let (_dir, file) = plan_sheet(
        "columns-quarters",
        &[
            &["Axe", "Action", "T1 2025", "T3 2025", "2e semestre 2026", "janv.-27", "Décembre 2027"],
            &["Santé", "Ateliers cuisine", "Étude", "Lancement", "", "", ""],
            &["Santé", "Forum santé", "", "", "X", "", "X"],
        ],
    );
    let reading = plandoc::ingest::read_plan(&file, &Default::default()).expect("lisible");
    let actions = reading.plan.actions();
    assert_eq!(actions[0].action.years, [2025]);
    assert_eq!(actions[0].action.milestones.get(&2025).map(String::as_str), Some("Étude ; Lancement"));
    assert_eq!(actions[1].action.years, [2026, 2027]);
    assert_eq!((reading.plan.meta.first_year, reading.plan.meta.last_year), (Some(2025), Some(2027)));
    let (_, report) = check_json(&file);
    let fields: Vec<&str> =
        report["columns"].as_array().unwrap().iter().map(|c| c["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["hierarchie", "action", "annee_2025", "annee_2025", "annee_2026", "annee_2027", "annee_2027"]);
}

#[test]
fn school_year_columns_mark_both_calendar_years() {
    let (_dir, file) = plan_sheet(
        "columns-school-years",
        &[
            &["Thématique", "Action", "Année scolaire 2024-2025", "2025/26", "2026-2027"],
            &["Réussite éducative", "Accompagnement à la scolarité", "X", "X", ""],
            &["Réussite éducative", "Aide aux devoirs", "", "", "Bilan"],
        ],
    );
    let reading = plandoc::ingest::read_plan(&file, &Default::default()).expect("lisible");
    let actions = reading.plan.actions();
    assert_eq!(actions[0].action.years, [2024, 2025, 2026]);
    assert_eq!(actions[1].action.years, [2026, 2027]);
    assert_eq!(actions[1].action.milestones.get(&2027).map(String::as_str), Some("Bilan"));
    assert_eq!((reading.plan.meta.first_year, reading.plan.meta.last_year), (Some(2024), Some(2027)));
}
