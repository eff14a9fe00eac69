//! Page breaks that keep context, read back from the PDFs' text positions: no page of
//! the échéancier or the plan table ends with a group band, bands and merged cells say
//! "(suite)" after a break, short fiches share pages (--une-fiche-par-page keeps one
//! page each), a plan without years gets a sentence instead of an empty grid, the plan
//! table says its title once.

mod common;

use std::path::{Path, PathBuf};

use common::{pdf, plandoc, sample, tmpdir};
use plandoc::ingest::{read_plan, ReadOptions};
use plandoc::layout::french;
use plandoc::model::{Objective, Plan};

const SAMPLES: &[&str] = &[
    "000-pst-ambitions-texte.xlsx",
    "001-ctg-ambitions.xlsx",
    "002-pst-sections-annees.xlsx",
    "canonique-lauragais.xlsx",
    "cls-plan-numerote.xlsx",
    "pedt-un-onglet-par-axe.xlsx",
    "tet-export-plan.xlsx",
];

/// Table body: below the running header's rule, above the footer's (A4 landscape,
/// template margins 84 and 56 pt).
const BODY_TOP: f32 = 75.0;
const BODY_BOTTOM: f32 = 595.28 - 56.0;

fn plan(name: &str) -> Plan {
    read_plan(&sample(name), &ReadOptions::default()).unwrap_or_else(|u| panic!("{}", u.diagnostic.message)).plan
}

fn build(name: &str, extra: &[&str]) -> PathBuf {
    // One folder per test and options: tests run side by side.
    let test = std::thread::current().name().unwrap_or("t").chars().take(24).collect::<String>();
    let dir = tmpdir(&format!("pagination-{test}-{}-{}", name.replace('.', "-"), extra.join("").replace('-', "")));
    let input = sample(name);
    let mut args = vec!["build", input.to_str().unwrap(), "-o", dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = plandoc(&args);
    assert_eq!(out.code, 0, "{name}: {}{}", out.stdout, out.stderr);
    dir
}

fn squash(s: &str) -> String {
    pdf::squash(&french(s))
}

fn objectives(list: &[Objective], out: &mut Vec<String>) {
    for o in list {
        out.push(squash(&o.title));
        objectives(&o.children, out);
    }
}

/// The texts of the bands: axes (with their descriptions in the plan table), and
/// objectives in the échéancier.
fn band_texts(p: &Plan, with_objectives: bool) -> Vec<String> {
    let mut out = Vec::new();
    for a in p.axes.iter().filter(|a| !a.implicit) {
        out.push(squash(&a.title));
        if !with_objectives {
            out.extend(a.description.iter().map(|d| squash(d)));
        }
        if with_objectives {
            objectives(&a.objectives, &mut out);
        }
    }
    if with_objectives {
        for a in p.axes.iter().filter(|a| a.implicit) {
            objectives(&a.objectives, &mut out);
        }
    }
    out
}

/// A visual line that belongs to a band: it starts at the table's left edge and its text
/// ("(suite)" aside) is part of a band's text.
fn is_band(line: &(f32, f32, String), bands: &[String]) -> bool {
    // A repeated band says the start of its text, "…", then "(suite)".
    let text = pdf::squash(&line.2.replace("(suite)", "").replace('…', ""));
    line.1 < 75.0 && text.chars().count() >= 8 && bands.iter().any(|b| b.contains(&text))
}

fn body(path: &Path, page: usize) -> Vec<(f32, f32, String)> {
    pdf::page_lines(path, page).into_iter().filter(|l| l.0 > BODY_TOP && l.0 < BODY_BOTTOM).collect()
}

#[test]
fn no_page_of_the_timeline_or_plan_table_ends_with_a_band() {
    let mut bands_seen = 0;
    for name in SAMPLES {
        let dir = build(name, &["--only", "echeancier,plan"]);
        let p = plan(name);
        for (file, with_objectives) in [("echeancier.pdf", true), ("plan-d-actions.pdf", false)] {
            let path = dir.join(file);
            let bands = band_texts(&p, with_objectives);
            for page in 1..=pdf::pages(&path) {
                let lines = body(&path, page);
                bands_seen += lines.iter().filter(|l| is_band(l, &bands)).count();
                if let Some(last) = lines.last() {
                    assert!(!is_band(last, &bands), "{name}/{file} page {page} finit par une bande : {:?}", last.2);
                }
            }
        }
    }
    assert!(bands_seen > 100, "bandes lues : {bands_seen}");
}

#[test]
fn after_a_break_the_header_and_current_bands_come_back_marked_suite() {
    let mut suites = 0;
    for name in ["canonique-lauragais.xlsx", "002-pst-sections-annees.xlsx", "000-pst-ambitions-texte.xlsx"] {
        let dir = build(name, &["--only", "echeancier,plan"]);
        let p = plan(name);
        for (file, with_objectives) in [("echeancier.pdf", true), ("plan-d-actions.pdf", false)] {
            let path = dir.join(file);
            let bands = band_texts(&p, with_objectives);
            let n = pdf::pages(&path);
            assert!(n >= 2, "{name}/{file}");
            for page in 2..=n {
                let lines = body(&path, page);
                // The repeated header, then a band: the group going on "(suite)", or a new one.
                assert!(lines[0].2.contains("N°") && lines[0].2.contains("Action"), "{name}/{file} p{page}: {lines:?}");
                let Some(next) = lines.get(1) else { continue };
                assert!(is_band(next, &bands), "{name}/{file} page {page} s'ouvre sans bande : {:?}", next.2);
                suites += lines.iter().filter(|l| l.2.ends_with("(suite)")).count();
            }
        }
    }
    assert!(suites >= 3, "{suites} bandes « (suite) »");
    // A merged objective cell says its objective again at the top of the next page.
    let dir = build("001-ctg-ambitions.xlsx", &["--only", "plan"]);
    let path = dir.join("plan-d-actions.pdf");
    let p = plan("001-ctg-ambitions.xlsx");
    let mut reopened = 0;
    for page in 2..=pdf::pages(&path) {
        let lines = body(&path, page);
        // Header, axis band(s), then the first row: its Objectif cell is not blank.
        let bands = band_texts(&p, false);
        let first = lines.iter().skip(1).find(|l| !is_band(l, &bands)).expect("une ligne");
        assert!(first.1 < 75.0, "page {page}: cellule Objectif vide en haut de page : {first:?}");
        reopened += lines.iter().filter(|l| l.2.contains("(suite)") && !is_band(l, &bands)).count();
    }
    assert!(reopened >= 1, "aucune cellule Objectif reprise « (suite) »");
}

#[test]
fn short_fiches_share_pages_unless_one_per_page_is_asked() {
    let name = "000-pst-ambitions-texte.xlsx";
    let p = plan(name);
    let actions = p.actions();
    assert_eq!(actions.len(), 40);
    let shared = build(name, &["--only", "fiches"]).join("fiches-actions.pdf");
    let n = pdf::pages(&shared);
    assert!(n <= 20, "{n} pages pour 40 fiches courtes");
    // Never split: each fiche's band and title on the same page; a bookmark each.
    let pages: Vec<String> = (1..=n).map(|i| pdf::squash(&pdf::page_text(&shared, i))).collect();
    for r in &actions {
        let a = r.action;
        let band = pdf::squash(&format!("Action n° {}", a.number.as_deref().unwrap()));
        let title = squash(&a.title);
        assert!(pages.iter().any(|t| t.contains(&format!("{band}{title}"))), "fiche {band} coupée ou absente");
    }
    assert_eq!(pdf::outline_leaves(&shared).len(), 40);
    // No year strip: none of the 40 actions has a year.
    assert!(!pdf::text(&shared).contains("Années"), "bande des années vide");

    let single = build(name, &["--only", "fiches", "--une-fiche-par-page"]).join("fiches-actions.pdf");
    assert_eq!(pdf::pages(&single), 40);
    for (i, r) in actions.iter().enumerate() {
        let t = pdf::squash(&pdf::page_text(&single, i + 1));
        assert!(t.contains(&squash(&r.action.title)), "page {}", i + 1);
    }
}

#[test]
fn a_plan_without_years_gets_a_sentence_instead_of_an_empty_grid() {
    let dir = build("000-pst-ambitions-texte.xlsx", &["--only", "echeancier"]);
    let path = dir.join("echeancier.pdf");
    let text = pdf::text(&path).replace(['\u{a0}', '\u{202f}'], " ");
    assert!(
        pdf::squash(&text).contains(&pdf::squash("Aucune année de mise en œuvre n'est renseignée dans ce plan")),
        "{text}"
    );
    // No year column: 2023 (inside the period) is nowhere.
    assert!(!text.contains("2023"), "colonnes d'années vides");
    // A plan with years keeps its grid.
    let dir = build("canonique-lauragais.xlsx", &["--only", "echeancier"]);
    let text = pdf::text(&dir.join("echeancier.pdf"));
    assert!(!text.contains("Aucune année") && text.contains("2023"));
}

#[test]
fn the_plan_table_says_its_title_once_and_breadcrumbs_keep_line_breaks() {
    for name in ["000-pst-ambitions-texte.xlsx", "001-ctg-ambitions.xlsx"] {
        let dir = build(name, &["--only", "plan,fiches"]);
        let path = dir.join("plan-d-actions.pdf");
        // The body says the document title once and the plan title at most once; with the
        // running header's line (territory or plan title, kind, period) the plan title is
        // said at most twice on the page (it was four times). The footer is left aside.
        let lines = pdf::page_lines(&path, 1);
        let text = |from: f32| -> String {
            let t: String = lines.iter().filter(|l| l.0 > from && l.0 < BODY_BOTTOM).map(|l| l.2.clone()).collect();
            pdf::squash(&t).to_lowercase()
        };
        let (body, page) = (text(BODY_TOP), text(0.0));
        let p = plan(name);
        let title = pdf::squash(p.meta.title.as_deref().unwrap()).to_lowercase();
        assert_eq!(body.matches("pland'actions").count(), 1, "{name}: {body}");
        assert!(body.matches(&title).count() <= 1, "{name}: {body}");
        assert!(page.matches(&title).count() <= 2, "{name}: {page}");
    }
    // "…l'inclusion des publics" and "Lutter contre…" are two lines of one cell: the
    // breadcrumb keeps them on two lines.
    let p = plan("000-pst-ambitions-texte.xlsx");
    let o = p.axes.iter().flat_map(|a| &a.objectives).find(|o| o.title.contains("Lutter contre")).expect("objectif");
    assert!(o.title.contains("des publics\nLutter contre"), "{:?}", o.title);
    let dir = build("000-pst-ambitions-texte.xlsx", &["--only", "fiches"]);
    let text = pdf::text(&dir.join("fiches-actions.pdf"));
    assert!(text.contains("des publics\nLutter contre"), "fil d'Ariane sur une ligne");
}
