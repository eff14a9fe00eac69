//! Correcting the reading on the command line: `--colonne CHAMP=COLONNE`, `--feuille`,
//! `--ligne-entete`, over plandoc.toml and the « Colonnes » sheet; the read plan asserted
//! through `check --json` and the fiches read back by pdftotext.

mod common;

use common::{pdf, plandoc, rows, tmpdir, write_xlsx};
use std::path::{Path, PathBuf};

/// "Action" holds the kind of each action, the titles are under « Détail ».
const MISREAD: &[&[&str]] = &[
    &["Axe", "Action", "Détail", "Pilote", "Remarque"],
    &["Axe 1 Familles", "Atelier", "Ouvrir un lieu d'accueil parents-enfants", "CCAS", "à revoir"],
    &["Axe 1 Familles", "Atelier", "Former les assistantes maternelles", "RPE", ""],
    &["Axe 2 Jeunesse", "Atelier", "Créer un conseil municipal des jeunes", "Mairie", "urgent"],
    &["Axe 2 Jeunesse", "Réunion", "Réunir les clubs sportifs chaque trimestre", "Mairie", ""],
    &["Axe 2 Jeunesse", "Atelier", "Proposer un chantier d'été aux 16-18 ans", "Mission locale", ""],
];

fn misread(tag: &str) -> (PathBuf, PathBuf) {
    let dir = tmpdir(tag);
    let file = dir.join("plan.xlsx");
    write_xlsx(&file, &[("Plan", rows(MISREAD))]);
    (dir, file)
}

fn check(file: &Path, flags: &[&str]) -> (i32, serde_json::Value) {
    let mut args = vec!["check", file.to_str().unwrap(), "--json"];
    args.extend_from_slice(flags);
    let out = plandoc(&args);
    let v = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("JSON ({e}) : {}\n{}", out.stdout, out.stderr));
    (out.code, v)
}

fn field_of(report: &serde_json::Value, letter: &str) -> Option<String> {
    report["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .find(|c| c["column"] == letter)
        .map(|c| c["field"].as_str().unwrap().to_string())
}

fn codes(report: &serde_json::Value) -> Vec<String> {
    report["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap().to_string()).collect()
}

#[test]
fn colonne_fixes_a_misread_title_column_and_the_fiches_say_so() {
    let (dir, file) = misread("correction-colonne");
    // As detected: the kinds are read as titles, the titles as descriptions.
    let (code, r) = check(&file, &[]);
    assert_eq!(code, 0, "{r}");
    assert_eq!(field_of(&r, "B").as_deref(), Some("action"), "{r}");
    assert_eq!(field_of(&r, "C").as_deref(), Some("description"), "{r}");

    let (code, r) = check(&file, &["--colonne", "intitule=C"]);
    assert_eq!(code, 0, "{r}");
    assert_eq!(field_of(&r, "C").as_deref(), Some("action"), "{r}");
    assert_eq!(field_of(&r, "B").as_deref(), Some("extra"), "the old column is kept: {r}");
    assert_eq!(r["actions"], 5);
    assert_eq!(r["axes"], 2);
    assert!(!codes(&r).contains(&"colonne-titre-douteuse".to_string()), "{r}");

    // The documents use the correction: every title, in the sheet's order, on the fiches.
    let out = dir.join("docs");
    let b = plandoc(&[
        "build",
        file.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--only",
        "fiches",
        "--colonne",
        "intitule=C",
    ]);
    assert_eq!(b.code, 0, "{}{}", b.stdout, b.stderr);
    let text = pdf::squash(&pdf::text(&out.join("fiches-actions.pdf")));
    let mut at = 0;
    for row in &MISREAD[1..] {
        let title = pdf::squash(row[2]);
        let found =
            text[at..].find(&title).unwrap_or_else(|| panic!("« {} » absent ou hors d'ordre :\n{text}", row[2]));
        at += found + title.len();
    }
    // The kind, kept as an extra column, is on the fiche too.
    assert!(text.contains("Réunion"), "{text}");
}

#[test]
fn levels_kept_and_ignored_columns() {
    let (_, file) = misread("correction-niveaux");
    let (code, r) = check(
        &file,
        &["--colonne", "intitule=C", "--colonne", "niveau_1=A", "--colonne", "ignorer=E", "--colonne", "garder=Pilote"],
    );
    assert_eq!(code, 0, "{r}");
    assert_eq!(field_of(&r, "A").as_deref(), Some("hierarchie"));
    assert_eq!(field_of(&r, "D").as_deref(), Some("extra"), "kept as it is: {r}");
    assert_eq!(field_of(&r, "E"), None, "ignored: {r}");
    assert_eq!(r["actions"], 5);
    // A label works as well as a key; a wrong flag is refused in French, exit 2.
    let (code, r) = check(&file, &["--colonne", "Intitulé de l'action=C"]);
    assert_eq!((code, field_of(&r, "C").as_deref()), (0, Some("action")), "{r}");
    let out = plandoc(&["check", file.to_str().unwrap(), "--colonne", "intitulé"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("attendu CHAMP=COLONNE"), "{}", out.stderr);
    let out = plandoc(&["check", file.to_str().unwrap(), "--colonne", "pilotte=D"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("champ « pilotte » inconnu"), "{}", out.stderr);
}

#[test]
fn feuille_and_ligne_entete_choose_where_the_plan_is() {
    let dir = tmpdir("correction-feuille");
    let file = dir.join("plan.xlsx");
    // The first sheet looks like a plan and wins by itself; the real one has a title block
    // whose first line reads as a header.
    let decoy = rows(&[&["Axe", "Action", "Pilote"], &["Axe 1", "Exemple d'action", "Mairie"]]);
    let real = rows(&[
        &["Intitulé", "Plan d'actions 2025-2027", ""],
        &["", "", ""],
        &["Thème", "Ce que nous ferons", "Porteur"],
        &["Accès aux droits", "Ouvrir une permanence France services", "CCAS"],
        &["Accès aux droits", "Former les agents d'accueil", "Mairie"],
        &["Logement", "Repérer les logements indignes", "Service habitat"],
    ]);
    write_xlsx(&file, &[("Exemple", decoy), ("Programme", real)]);
    let (code, r) = check(
        &file,
        &["--feuille", "Programme", "--ligne-entete", "3", "--colonne", "intitule=B", "--colonne", "niveau_1=A"],
    );
    assert_eq!(code, 0, "{r}");
    assert_eq!(r["actions"], 3, "{r}");
    assert_eq!(r["axes"], 2, "{r}");
    assert_eq!(field_of(&r, "C").as_deref(), Some("pilote"), "{r}");
    // The same correction from plandoc.toml; the command line wins over it.
    std::fs::write(
        dir.join("plandoc.toml"),
        "[lecture]\nfeuille = \"Programme\"\nligne_entete = 3\n\n[colonnes]\nintitule = \"B\"\nniveau_1 = \"A\"\n",
    )
    .unwrap();
    let (code, r) = check(&file, &[]);
    assert_eq!((code, r["actions"].as_u64()), (0, Some(3)), "{r}");
    let (code, r) = check(&file, &["--feuille", "Exemple", "--ligne-entete", "1", "--colonne", "intitule=Action"]);
    assert_eq!((code, r["actions"].as_u64()), (0, Some(1)), "{r}");
    // A sheet that is not there: exit 2, the sheets named.
    let (code, r) = check(&file, &["--feuille", "Actions"]);
    assert_eq!(code, 2, "{r}");
    let m = r["diagnostics"][0]["message"].as_str().unwrap();
    assert!(m.contains("la feuille « Actions »") && m.contains("« Programme »"), "{m}");
}
