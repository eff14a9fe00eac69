//! Every PDF of every sample is tagged PDF/UA-1 and PDF/A-2a: two independent checkers
//! (outloud, pdfua) find no error; lopdf reads the structure back (headings per action,
//! tables with header cells, figures with alternative text, nothing drawn outside marked
//! content, XMP identification, OutputIntent); MuPDF extracts ordinary spaces.

mod common;

use std::path::{Path, PathBuf};

use common::tagged::{self, Elem};
use common::{pdf, plandoc, sample, tmpdir, SEED_SAMPLES};
use plandoc::ingest::{read_plan, ReadOptions};

/// The seed samples and the other shapes plandoc reads.
fn samples() -> impl Iterator<Item = &'static str> {
    SEED_SAMPLES.into_iter().chain(["suivi-lauragais.xlsx", "tet-export-plan.xlsx", "plan-windows-1252.csv"])
}

/// Builds every document of sample `name` in a folder of test `test` (tests run in
/// parallel: each its own folders).
fn build_all(test: &str, name: &str) -> (PathBuf, Vec<PathBuf>) {
    let dir = tmpdir(&format!("a11y-{test}-{}", name.replace('.', "-")));
    let out = plandoc(&["build", sample(name).to_str().unwrap(), "-o", dir.to_str().unwrap(), "--date", "2026-01-29"]);
    assert_eq!(out.code, 0, "{name}: {}{}", out.stdout, out.stderr);
    let mut pdfs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    pdfs.sort();
    (dir, pdfs)
}

fn count(s: &[Elem], kind: &str) -> usize {
    s.iter().filter(|e| e.kind == kind).count()
}

#[test]
fn checkers_find_no_error_on_any_document() {
    let mut files = Vec::new();
    for name in samples() {
        files.extend(build_all("checkers", name).1);
    }
    assert!(files.len() > 3 * samples().count(), "{files:?}");
    let refs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    if tagged::checker("outloud", "pip install outloud") {
        let results = tagged::outloud_findings(&refs);
        assert_eq!(results.len(), refs.len());
        for f in results {
            assert_eq!(f.errors, 0, "outloud {}: {}", f.path, f.what);
            // Running heads and repeated breadcrumbs are artifacts, not content heard again.
            assert!(!f.warnings.iter().any(|w| w == "PAG-001"), "outloud {}: {:?}", f.path, f.warnings);
        }
    }
    if tagged::checker("pdfua", "pip install pdfua") {
        let (code, report) = tagged::pdfua_errors(&refs);
        assert_eq!(code, 0, "pdfua check : {report}");
    }
}

#[test]
fn structure_carries_the_meaning() {
    for name in samples() {
        let (_, files) = build_all("structure", name);
        let plan = read_plan(&sample(name), &ReadOptions::default()).unwrap().plan;
        let n_actions = plan.action_count();
        for f in &files {
            let file = f.file_name().unwrap().to_string_lossy().into_owned();
            let doc = tagged::load(f);
            let s = tagged::structure(&doc);
            let what = format!("{name}/{file}");
            // One document title (H1), first heading of the tree.
            assert_eq!(count(&s, "H1"), 1, "{what}");
            let first_heading = s.iter().find(|e| e.kind.starts_with('H') && e.kind.len() == 2).unwrap();
            assert_eq!(first_heading.kind, "H1", "{what}");
            // Headings carry their text as title (PDF/UA).
            assert!(s
                .iter()
                .filter(|e| e.kind.starts_with('H'))
                .all(|e| e.title.as_deref().is_some_and(|t| !t.is_empty())));
            // Nothing drawn outside marked content (tagged or artifact).
            let bad = tagged::untagged_text_ops(&doc);
            assert!(bad.is_empty(), "{what}: {bad:?}");
            match file.as_str() {
                "fiches-actions.pdf" => {
                    assert_eq!(count(&s, "H2"), n_actions, "{what}: un titre par action");
                    let with_pilot = plan.actions().iter().filter(|r| r.action.pilot.is_some()).count();
                    assert!(count(&s, "H3") >= with_pilot, "{what}: titres des rubriques");
                    // A section per axis, objective, sub-objective… holding actions.
                    let mut levels: Vec<Vec<&str>> = Vec::new();
                    for r in plan.actions() {
                        let path = r.path();
                        for k in 1..=path.len() {
                            if !levels.iter().any(|l| l.as_slice() == &path[..k]) {
                                levels.push(path[..k].to_vec());
                            }
                        }
                    }
                    assert_eq!(count(&s, "Sect"), levels.len(), "{what}");
                }
                "echeancier.pdf" | "plan-d-actions.pdf" | "evaluation.pdf" => {
                    assert!(count(&s, "Table") >= 1, "{what}");
                    assert!(count(&s, "THead") >= 1 && count(&s, "TBody") >= 1, "{what}");
                    let th: Vec<&Elem> = s.iter().filter(|e| e.kind == "TH").collect();
                    let scope = |e: &&Elem, v: &str| e.attrs.iter().any(|(k, x)| k == "Scope" && x == v);
                    assert!(th.iter().any(|e| scope(e, "Column")), "{what}");
                    assert!(th.iter().all(|e| scope(e, "Column") || scope(e, "Row")), "{what}");
                    if file != "evaluation.pdf" {
                        // Each action's title heads its row.
                        assert_eq!(th.iter().filter(|e| scope(e, "Row")).count(), n_actions, "{what}");
                    }
                    assert!(count(&s, "TD") + count(&s, "TH") >= 2 * n_actions, "{what}");
                }
                other => panic!("document inattendu {other}"),
            }
            if file == "echeancier.pdf" && plan.axis_count() > 0 {
                // Axis rows span the whole table, and their text is a heading.
                assert!(
                    s.iter().any(|e| e.kind == "TD" && e.attrs.iter().any(|(k, v)| k == "ColSpan" && v != "1")),
                    "{what}"
                );
                assert_eq!(count(&s, "H2"), plan.axis_count(), "{what}: un titre par axe");
                if plan.objective_count() > 0 {
                    assert!(count(&s, "H3") >= 1, "{what}: titres des objectifs");
                }
            }
            if file == "plan-d-actions.pdf" && plan.objective_count() > 0 {
                // An objective is one cell spanning its actions' rows.
                let spans: usize = s
                    .iter()
                    .filter(|e| e.kind == "TD")
                    .filter_map(|e| {
                        e.attrs.iter().find(|(k, _)| k == "RowSpan").and_then(|(_, v)| v.parse::<usize>().ok())
                    })
                    .sum();
                assert!(spans > 0, "{what}: cellules d'objectif fusionnées");
            }
            if file == "evaluation.pdf" {
                let figs: Vec<&Elem> = s.iter().filter(|e| e.kind == "Figure").collect();
                let chart = figs.iter().find(|e| e.alt.as_deref().is_some_and(|a| a.starts_with("Barres empilées")));
                let alt = chart.and_then(|c| c.alt.clone()).unwrap_or_default();
                assert!(alt.contains("En cours") && alt.chars().any(|c| c.is_ascii_digit()), "{what}: {alt}");
                if name == "suivi-lauragais.xlsx" {
                    // Actions in difficulty make a list.
                    assert!(count(&s, "L") >= 1 && count(&s, "LI") >= 1 && count(&s, "Lbl") >= 1, "{what}");
                }
            }
            // The logo is a figure named after the collectivity.
            if name == "canonique-lauragais.xlsx" {
                let logo = s
                    .iter()
                    .find(|e| e.kind == "Figure" && e.alt.as_deref().is_some_and(|a| a.starts_with("Logo de ")));
                assert!(logo.is_some(), "{what}: {s:?}");
            }
            // PDF/A-2a and PDF/UA-1 identification, sRGB OutputIntent, language, title.
            let x = tagged::xmp(&doc);
            assert!(x.contains("pdfaid:part>2<") || x.contains("pdfaid:part=\"2\""), "{what}: {x}");
            assert!(x.contains("pdfaid:conformance>A<") || x.contains("pdfaid:conformance=\"A\""), "{what}");
            assert!(x.contains("pdfuaid:part>1<") || x.contains("pdfuaid:part=\"1\""), "{what}");
            assert!(x.contains("<dc:title>"), "{what}");
            let oi = tagged::output_intents(&doc);
            assert_eq!(oi, vec![("GTS_PDFA1".to_string(), true)], "{what}");
            assert_eq!(tagged::catalog_has(&doc, b"Lang").as_deref(), Some("fr-FR"), "{what}");
            assert!(tagged::catalog_has(&doc, b"MarkInfo").is_some_and(|m| m.contains("Marked")), "{what}");
            assert!(tagged::catalog_has(&doc, b"ViewerPreferences").is_some_and(|m| m.contains("DisplayDocTitle")));
        }
    }
}

#[test]
fn mupdf_extracts_ordinary_spaces_and_every_table_row_in_order() {
    let (_, files) = build_all("mupdf", "002-pst-sections-annees.xlsx");
    let plan = read_plan(&sample("002-pst-sections-annees.xlsx"), &ReadOptions::default()).unwrap().plan;
    let first = plan.actions()[0].action.title.clone();
    if tagged::has_pymupdf() {
        for f in &files {
            let t = tagged::mupdf_text(f);
            assert!(t.matches(' ').count() > 100, "{}: espaces ordinaires", f.display());
            // A word space of the input is U+0020, not a no-break space.
            let two_words: Vec<&str> = first.split(' ').take(2).collect();
            assert!(t.contains(&two_words.join(" ")), "{}: « {} »", f.display(), two_words.join(" "));
        }
    }
    // Reading order = logical order: pdftotext without -layout gives a row's cells in order.
    let t = pdf::text(&files.iter().find(|f| f.ends_with("echeancier.pdf")).unwrap().clone());
    let r = &plan.actions()[0].action;
    let n = r.number.clone().unwrap();
    let i_num = t.find(&format!("\n{n}\n")).expect("numéro");
    let words: Vec<&str> = first.split_whitespace().collect();
    let i_title = t[i_num..].find(words[0]).map(|i| i + i_num).expect("intitulé");
    assert!(i_title > i_num);
}

#[test]
fn colour_never_alone_in_the_timeline() {
    // A plan with years and milestones (a plan without any year has no grid at all).
    let (_, files) = build_all("colour", "canonique-lauragais.xlsx");
    let path = files.iter().find(|f| f.ends_with("echeancier.pdf")).unwrap();
    let plan = read_plan(&sample("canonique-lauragais.xlsx"), &ReadOptions::default()).unwrap().plan;
    let running: usize = plan.actions().iter().map(|r| r.action.years.len()).sum();
    let milestones: usize = plan.actions().iter().map(|r| r.action.milestones.len()).sum();
    assert!(running > 20 && milestones > 3, "{running} {milestones}");
    let text = pdf::text(path);
    let xs = text.split_whitespace().filter(|w| *w == "X").count();
    // One "X" per running year without a milestone, plus the legend's.
    assert_eq!(xs, running - milestones + 1, "{text}");
}

#[test]
fn characters_no_font_has_still_make_a_valid_file_and_read_back() {
    let dir = tmpdir("a11y-glyphs");
    let path = dir.join("plan.xlsx");
    let rows = vec![
        vec![common::C::T("Axe"), common::C::T("N°"), common::C::T("Action"), common::C::T("Pilote")],
        vec![
            common::C::T("Axe 1"),
            common::C::N(1.0),
            common::C::T("Fête 🎉 du 社区 ✓"),
            common::C::T("Service\u{b}\u{1}public"),
        ],
    ];
    common::write_xlsx(&path, &[("Plan", rows)]);
    let out = plandoc(&["build", path.to_str().unwrap(), "-o", dir.join("out").to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let text = pdf::text(&dir.join("out/fiches-actions.pdf"));
    assert!(text.contains("Fête 🎉 du 社区 ✓"), "{text}");
}
