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
