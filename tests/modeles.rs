//! `--modeles DIR`: its vocabulaire.toml is read by `check` and by the server as `build`
//! reads it; a broken one is refused with a message naming it.

mod common;

use common::{plan_and_models, plandoc};

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
    let others = r["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] != "metadonnee-manquante").count();
    assert_eq!(others, 0, "{r}");

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

/// `batch --modeles DIR`: each plan is read in a child process (`lecture-isolee`), which
/// is handed DIR too, so the plan's statuts and priorités are read with its vocabulary.
#[test]
fn batch_reads_the_vocabulary_of_modeles() {
    let (path, models) = plan_and_models("modeles-batch");
    let input = path.parent().unwrap().join("plans");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::rename(&path, input.join("plan.xlsx")).unwrap();
    let out = path.parent().unwrap().join("sortie");
    let run = plandoc(&[
        "batch",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--only",
        "plan",
        "--quiet",
        "--modeles",
        models.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("rapport-lot.json")).unwrap()).unwrap();
    assert_eq!(report["ok"], 1, "{report}");
}
