//! A plan at the size bound (issue 21): 20,000 actions of about 1 KB each build, every
//! document, within the per-job memory budget, every action in the PDFs; and a long
//! document, written page by page, is the same file as when it is held whole.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::big_csv::big_csv;
use common::{plandoc_measured, sample, tmpdir};
use plandoc::documents::{DocOptions, EvalOptions, PdfKind};
use plandoc::ingest::{read_plan, ReadOptions};
use plandoc::streamed::pdf_keeping;

/// The memory budget of one build (docs/surete.md).
const BUDGET_KB: i64 = 300 * 1024;

/// The text of pages `first..=last` of `pdf` (pdftotext).
fn text(pdf: &Path, first: usize, last: usize) -> String {
    let out = Command::new("pdftotext")
        .args(["-f", &first.to_string(), "-l", &last.to_string(), pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext");
    assert!(out.status.success(), "pdftotext {}", pdf.display());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn pages(pdf: &Path) -> usize {
    let out = Command::new("pdfinfo").arg(pdf).output().expect("pdfinfo");
    let info = String::from_utf8_lossy(&out.stdout).into_owned();
    let line = info.lines().find(|l| l.starts_with("Pages:")).unwrap_or_else(|| panic!("{info}"));
    line["Pages:".len()..].trim().parse().unwrap()
}

fn qpdf_check(pdf: &Path) {
    let out = Command::new("qpdf").arg("--check").arg(pdf).output().expect("qpdf");
    assert!(out.status.success(), "qpdf --check {}: {}", pdf.display(), String::from_utf8_lossy(&out.stdout));
}

/// First and last actions of the plan, as pdftotext finds them, in the first and last
/// pages of `pdf`.
fn holds_first_and_last(pdf: &Path, n: usize) {
    let count = pages(pdf);
    let head = text(pdf, 1, 2.min(count));
    assert!(head.contains("Action 0 accompagner"), "{}: {head}", pdf.display());
    let tail = text(pdf, count.saturating_sub(2).max(1), count);
    assert!(tail.contains(&format!("Action {} accompagner", n - 1)), "{}: {tail}", pdf.display());
    qpdf_check(pdf);
}

#[test]
fn twenty_thousand_actions_build_within_the_memory_budget() {
    let n = 20_000;
    let dir = tmpdir("big-plan-20000");
    let csv = dir.join("plan.csv");
    std::fs::write(&csv, big_csv(n)).unwrap();
    let out = dir.join("docs");
    let run =
        plandoc_measured(&["build", csv.to_str().unwrap(), "-o", out.to_str().unwrap()], &[], Duration::from_secs(300));
    assert_eq!(run.code, 0, "{}", run.stderr);
    eprintln!("20,000 actions, every document: peak {} MB", run.max_rss_kb / 1024);
    assert!(run.max_rss_kb <= BUDGET_KB, "pic {} Mo > 300 Mo", run.max_rss_kb / 1024);

    // A fiche per action: at most two a page, none longer than a page.
    let fiches = out.join("fiches-actions.pdf");
    let count = pages(&fiches);
    assert!((n / 2..=n).contains(&count), "{count} pages de fiches");
    let last = text(&fiches, count, count);
    assert!(last.contains(&format!("Page {count} / {count}")), "{last}");
    for name in ["fiches-actions.pdf", "plan-d-actions.pdf", "echeancier.pdf"] {
        holds_first_and_last(&out.join(name), n);
    }
}

/// Both ways of writing a PDF give the same bytes: held whole, or laid out twice and
/// written page by page (what a long document gets).
#[test]
fn a_document_written_page_by_page_is_the_same_file() {
    let eval = EvalOptions { year: Some(2025), ..Default::default() };
    for (name, with_logo) in [("000-pst-ambitions-texte.xlsx", false), ("suivi-lauragais.xlsx", true)] {
        let plan = read_plan(&sample(name), &ReadOptions::default()).unwrap().plan;
        let logo = std::fs::read(sample("logo-lauragais.png")).unwrap();
        let opts = DocOptions {
            date: Some("2026-01-29".into()),
            logo: with_logo.then(|| plandoc::layout::Image::from_bytes(&logo).unwrap()),
            ..Default::default()
        };
        let kinds = [PdfKind::Fiches, PdfKind::Echeancier, PdfKind::PlanTable, PdfKind::Evaluation(&eval)];
        for kind in kinds {
            let whole = pdf_keeping(kind, &plan, &opts, usize::MAX).unwrap();
            for keep in [0, 1] {
                let streamed = pdf_keeping(kind, &plan, &opts, keep).unwrap();
                assert!(whole == streamed, "{name} {kind:?} (garder {keep} pages) : octets différents");
            }
        }
    }
}
