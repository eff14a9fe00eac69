//! The workbooks printed as an office prints them: LibreOffice converts annexe.xlsx and
//! evaluation.xlsx to PDF, PyMuPDF reads it back: no text under 7 pt, no line of text
//! drawn over another, the charts inside the print areas, no word broken inside.

mod common;

use common::printed::{check, to_pdf, words_whole};
use common::{plandoc, sample, tmpdir};
use plandoc::ingest::{read_plan, ReadOptions};

#[test]
fn annexe_and_evaluation_print_readable_on_a3() {
    let dir = tmpdir("print-workbooks");
    let input = sample("canonique-lauragais.xlsx");
    let out = plandoc(&["build", input.to_str().unwrap(), "-o", dir.to_str().unwrap(), "--only", "annexe"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let plan = read_plan(&input, &ReadOptions::default()).unwrap().plan;
    let titles: Vec<String> = plan.actions().iter().map(|r| r.action.title.clone()).collect();
    let annexe = to_pdf(&dir.join("annexe.xlsx"), &dir);
    check("annexe.xlsx", &annexe, &["Actions par axe et par priorité"]);
    let text = annexe["text"].as_str().unwrap();
    // The per-year chart: its title in the table and on the chart.
    assert!(text.matches("Actions prévues par année").count() >= 2, "graphique par année hors zone d'impression");
    words_whole("annexe.xlsx", &annexe, &titles);

    let eval_dir = dir.join("eval");
    let followed = sample("suivi-lauragais.xlsx");
    let out = plandoc(&["evaluation", followed.to_str().unwrap(), "-o", eval_dir.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let eval = to_pdf(&eval_dir.join("evaluation.xlsx"), &eval_dir);
    check("evaluation.xlsx", &eval, &["Statut des actions par axe"]);
    let plan = read_plan(&followed, &ReadOptions::default()).unwrap().plan;
    let titles: Vec<String> = plan.actions().iter().map(|r| r.action.title.clone()).collect();
    words_whole("evaluation.xlsx", &eval, &titles);
}

#[test]
fn the_batch_report_prints_readable_on_a3() {
    let dir = tmpdir("print-lot");
    let plans = dir.join("plans");
    std::fs::create_dir_all(plans.join("sous-dossier")).unwrap();
    std::fs::copy(sample("canonique-lauragais.xlsx"), plans.join("canonique-lauragais.xlsx")).unwrap();
    std::fs::copy(sample("001-ctg-ambitions.xlsx"), plans.join("sous-dossier/ctg-ambitions.xlsx")).unwrap();
    let bad = common::bad_plan(&dir);
    std::fs::copy(&bad, plans.join("plan-en-erreur.xlsx")).unwrap();
    let out = dir.join("sortie");
    let r = plandoc(&["batch", plans.to_str().unwrap(), "-o", out.to_str().unwrap(), "--only", "plan", "--quiet"]);
    assert_eq!(r.code, 1, "one plan fails: {}{}", r.stdout, r.stderr);
    let printed = to_pdf(&out.join("rapport-lot.xlsx"), &dir);
    check("rapport-lot.xlsx", &printed, &[]);
    let text = printed["text"].as_str().unwrap();
    assert!(text.contains("Rapport du lot plandoc") && text.contains("Page 1 / "), "{text}");
    // Every word of the failure's diagnostics prints whole.
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("rapport-lot.json")).unwrap()).unwrap();
    let failed = report["plans"].as_array().unwrap().iter().find(|p| p["statut"] == "erreur" || p["status"] == "error");
    let messages: Vec<String> = failed
        .map(|p| {
            p["diagnostics"].as_array().unwrap().iter().map(|d| d["message"].as_str().unwrap().to_string()).collect()
        })
        .unwrap_or_default();
    assert!(!messages.is_empty(), "{report}");
    let words: std::collections::HashSet<&str> =
        printed["words"].as_array().unwrap().iter().map(|w| w.as_str().unwrap()).collect();
    let long: Vec<&str> = messages
        .iter()
        .flat_map(|m| m.split_whitespace())
        .filter(|w| w.chars().count() >= 7 && w.chars().all(char::is_alphabetic))
        .collect();
    assert!(long.len() >= 3, "{messages:?}");
    for w in long {
        assert!(words.contains(w), "« {w} » coupé à l'impression du rapport");
    }
}
