//! `--modeles DIR`: its vocabulaire.toml is read by `check` and by the server as `build`
//! reads it; a broken one is refused with a message naming it.

mod common;

use common::{plandoc, rows, tmpdir, write_xlsx};

/// A plan whose statut and priorité only a custom vocabulary knows.
fn plan_and_models(name: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let dir = tmpdir(name);
    let path = dir.join("plan.xlsx");
    let data = rows(&[
        &["Axe", "N°", "Action", "Statut", "Priorité"],
        &["Enfance", "1", "Ouvrir une crèche", "Stand-by", "Urgente"],
        &["Enfance", "2", "Former les assistantes maternelles", "En cours", "Haute"],
    ]);
    write_xlsx(&path, &[("Plan", data)]);
    let models = common::models_with_vocabulary(&dir);
    (path, models)
}

#[test]
fn check_reads_the_vocabulary_of_modeles() {
    let (path, models) = plan_and_models("modeles-check");
    let p = path.to_str().unwrap();
    let plain = plandoc(&["check", p, "--json"]);
    assert_ne!(plain.code, 0, "« Stand-by » is unknown by default");
    assert!(plain.stdout.contains("statut-inconnu") && plain.stdout.contains("priorite-inconnue"), "{}", plain.stdout);

    let with = plandoc(&["check", p, "--json", "--modeles", models.to_str().unwrap()]);
    assert_eq!(with.code, 0, "{}{}", with.stdout, with.stderr);
    let r: serde_json::Value = serde_json::from_str(&with.stdout).unwrap();
    assert_eq!(r["actions"], 2);
    assert!(r["diagnostics"].as_array().unwrap().is_empty(), "{r}");

    // A broken vocabulary: refused, the file named, in text and in JSON.
    std::fs::write(models.join("vocabulaire.toml"), "[statut.en_pause\n").unwrap();
    let bad = plandoc(&["check", p, "--modeles", models.to_str().unwrap()]);
    assert_eq!(bad.code, 2, "{}{}", bad.stdout, bad.stderr);
    assert!(bad.stderr.contains("vocabulaire.toml") && bad.stderr.contains("invalide"), "{}", bad.stderr);
    let bad = plandoc(&["check", p, "--json", "--modeles", models.to_str().unwrap()]);
    let r: serde_json::Value = serde_json::from_str(&bad.stdout).unwrap();
    assert!(r["diagnostics"][0]["message"].as_str().unwrap().contains("vocabulaire.toml"), "{r}");
}

#[test]
fn serve_refuses_a_broken_vocabulary() {
    let (_, models) = plan_and_models("modeles-serve-bad");
    std::fs::write(models.join("vocabulaire.toml"), "statuts_acceptes = \n").unwrap();
    let out = plandoc(&["serve", "--port", "0", "--modeles", models.to_str().unwrap()]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("vocabulaire.toml"), "{}", out.stderr);
}
