//! Crafted bad workbooks: every problem reported at once, each at its exact cell.

mod common;

use common::{check_json, codes_at, plandoc, rows, tmpdir, write_xlsx, C};

fn has(report: &serde_json::Value, code: &str, at: &str) -> bool {
    codes_at(report).iter().any(|(c, a)| c == code && a == at)
}

#[test]
fn every_problem_at_its_cell() {
    let dir = tmpdir("diag-all");
    let path = dir.join("plan.xlsx");
    let long = "x".repeat(4000);
    let mut plan = rows(&[
        &["Axe", "Objectif", "N°", "Action", "Priorité", "Statut", "2024", "2025", "2026"],
        &["Axe 1", "Obj A", "1", "Titre un", "Haute", "En cours", "X", "", ""],
        &["", "", "1", "Titre deux", "urgent", "", "X", "X", ""],
        &["", "", "douze", "Titre trois", "", "peut-être", "", "", "X"],
        &["", "", "4", "", "2", "", "X", "", ""],
        &["", "Obj B", "5", "Titre cinq", "", "", "", "", ""],
        &["", "", "7", "Titre sept", "", "", "X", "", ""],
        &["", "", "8", "LONG", "", "", "X", "", ""],
        &["", "Obj vide"],
        &["Axe 3 : sans action"],
    ]);
    plan[6][4] = C::F("=#REF!", "#REF!");
    plan[7][3] = C::T(&long);
    let convention = rows(&[&["Première année", "2024"], &["Dernière année", "2025"]]);
    write_xlsx(&path, &[("Plan", plan), ("Convention", convention)]);
    let (code, r) = check_json(&path);
    assert_eq!(code, 1, "{r}");
    for (code, at) in [
        ("numero-en-double", "Plan!C3"),
        ("priorite-inconnue", "Plan!E3"),
        ("numero-illisible", "Plan!C4"),
        ("statut-inconnu", "Plan!F4"),
        ("annee-hors-periode", "Plan!I4"),
        ("titre-manquant", "Plan!D5"),
        ("action-sans-annee", "Plan!D6"),
        ("erreur-formule", "Plan!E7"),
        ("texte-trop-long", "Plan!D8"),
        ("objectif-vide", "Plan!B9"),
        ("axe-vide", "Plan!A10"),
    ] {
        assert!(has(&r, code, at), "{code} en {at} attendu : {:?}", codes_at(&r));
    }
    let diags = r["diagnostics"].as_array().unwrap();
    let dup = diags.iter().find(|d| d["code"] == "numero-en-double").unwrap();
    assert!(dup["message"].as_str().unwrap().contains("Plan!C2"), "{dup}");
    let prio = diags.iter().find(|d| d["code"] == "priorite-inconnue").unwrap();
    assert!(prio["message"].as_str().unwrap().contains("Haute, Moyenne, Basse"), "{prio}");
    let sev = |c: &str| diags.iter().find(|d| d["code"] == c).unwrap()["severity"].clone();
    assert_eq!(sev("numero-en-double"), "error");
    assert_eq!(sev("action-sans-annee"), "warning");
    assert_eq!(sev("axe-vide"), "warning");
    assert_eq!(r["actions"], 7);
    assert_eq!(r["first_year"], 2024);
    assert_eq!(r["last_year"], 2025);

    // The readable report cites the same cells, grouped by severity.
    let out = plandoc(&["check", path.to_str().unwrap()]);
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("Erreurs (7)"), "{}", out.stdout);
    // The four above, and no collectivité nor title for the documents.
    assert!(out.stdout.contains("Avertissements (5)"), "{}", out.stdout);
    assert!(out.stdout.contains("[metadonnee-manquante]"), "{}", out.stdout);
    assert!(out.stdout.contains("Plan!C3"), "{}", out.stdout);
}

#[test]
fn warnings_alone_exit_zero() {
    let dir = tmpdir("diag-warn");
    let path = dir.join("plan.xlsx");
    write_xlsx(&path, &[("Plan", rows(&[&["Axe", "Action", "2025"], &["A", "Faire", ""], &["B", "Agir", "X"]]))]);
    let (code, r) = check_json(&path);
    assert_eq!(code, 0, "{r}");
    assert_eq!(codes_at(&r), vec![("action-sans-annee".to_string(), "Plan!B2".to_string())]);
}

#[test]
fn no_plan_found_says_what_was_looked_for() {
    let dir = tmpdir("diag-noplan");
    let path = dir.join("budget.xlsx");
    write_xlsx(&path, &[("Budget", rows(&[&["Poste", "Montant"], &["Loyer", "1200"]]))]);
    let (code, r) = check_json(&path);
    assert_eq!(code, 2);
    assert_eq!(r["actions"], serde_json::Value::Null);
    let d = &r["diagnostics"][0];
    assert_eq!(d["code"], "aucun-plan");
    let m = d["message"].as_str().unwrap();
    assert!(m.contains("budget.xlsx") && m.contains("« Budget »") && m.contains("Intitulé"), "{m}");
}

#[test]
fn unreadable_files_exit_two_with_a_french_reason() {
    let dir = tmpdir("diag-unreadable");
    let garbage = dir.join("faux.xlsx");
    std::fs::write(&garbage, b"ceci n'est pas un classeur").unwrap();
    let empty = dir.join("vide.ods");
    std::fs::write(&empty, b"").unwrap();
    for (path, code) in [
        (dir.join("absent.xlsx"), "fichier-introuvable"),
        (garbage, "format-inconnu"),
        (empty, "format-inconnu"),
        (dir.clone(), "fichier-illisible"),
    ] {
        let (exit, r) = check_json(&path);
        assert_eq!(exit, 2, "{r}");
        assert_eq!(r["diagnostics"][0]["code"], code, "{r}");
        let name = path.file_name().unwrap().to_str().unwrap();
        assert!(r["diagnostics"][0]["message"].as_str().unwrap().contains(name), "{r}");
    }
}

#[test]
fn size_cap_is_configurable() {
    let dir = tmpdir("diag-cap");
    let path = dir.join("plan.xlsx");
    write_xlsx(&path, &[("Plan", rows(&[&["Axe", "Action"], &["A", "Faire"]]))]);
    let out = plandoc(&["check", path.to_str().unwrap(), "--json", "--taille-max", "0"]);
    assert_eq!(out.code, 2);
    assert!(out.stdout.contains("fichier-trop-gros"), "{}", out.stdout);
    assert!(out.stdout.contains("--taille-max"), "{}", out.stdout);
}

#[test]
fn plandoc_toml_beside_the_file_overrides_metadata() {
    let dir = tmpdir("diag-toml");
    let path = dir.join("plan.xlsx");
    write_xlsx(&path, &[("Plan", rows(&[&["Axe", "Action", "2025"], &["A", "Faire", "X"]]))]);
    std::fs::write(
        dir.join("plandoc.toml"),
        "[plan]\ncollectivite = \"Commune d'Essai\"\ntype = \"PEDT\"\npremiere_annee = 2024\nderniere_annee = 2027\n",
    )
    .unwrap();
    let (code, r) = check_json(&path);
    assert_eq!(code, 0, "{r}");
    assert_eq!(r["territory"], "Commune d'Essai");
    assert_eq!(r["kind"], "PEDT");
    assert_eq!(r["first_year"], 2024);
    assert_eq!(r["last_year"], 2027);
    std::fs::write(dir.join("plandoc.toml"), "[plan]\ncouleur_inconnue = 1\n").unwrap();
    let (code, r) = check_json(&path);
    assert_eq!(code, 1, "{r}");
    assert_eq!(r["diagnostics"][0]["code"], "config-invalide");
}

#[test]
fn hidden_sheets_are_ignored() {
    let dir = tmpdir("diag-hidden");
    let path = dir.join("cache.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let visible = wb.add_worksheet();
    visible.set_name("Notes").unwrap();
    visible.write_string(0, 0, "Brouillon").unwrap();
    let hidden = wb.add_worksheet();
    hidden.set_name("Plan").unwrap();
    hidden.write_string(0, 0, "Axe").unwrap();
    hidden.write_string(0, 1, "Action").unwrap();
    hidden.write_string(1, 0, "A").unwrap();
    hidden.write_string(1, 1, "Agir").unwrap();
    hidden.set_hidden(true);
    wb.save(&path).unwrap();
    let (code, r) = check_json(&path);
    assert_eq!(code, 2, "{r}");
    assert_eq!(r["diagnostics"][0]["code"], "aucun-plan");
    assert!(
        r["notes"].as_array().unwrap().iter().any(|n| n.as_str().unwrap().contains("Feuille masquée « Plan »")),
        "{r}"
    );
}
