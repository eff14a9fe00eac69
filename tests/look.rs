//! The documents' look (issue 12), read back: no text under 8 pt in any PDF of the
//! samples (MuPDF's span sizes), a running header that carries the full territory and
//! period on every page after the first, and — on the laid-out pages, before the PDF —
//! progress bars that never cover text and sit right under their figure, and a status
//! chart whose axis labels are whole and whose segments carry their counts.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use common::{plandoc, sample, tagged, tmpdir};
use plandoc::documents::{evaluation, DocOptions, EvalOptions};
use plandoc::ingest::{read_plan, ReadOptions};
use plandoc::layout::{fonts::ascent_descent, french, Item, Rgb};
use plandoc::model::Plan;

const SAMPLES: [&str; 5] = [
    "canonique-lauragais.xlsx",
    "suivi-lauragais.xlsx",
    "000-pst-ambitions-texte.xlsx",
    "001-ctg-ambitions.xlsx",
    "tet-export-plan.xlsx",
];

/// Every PDF of every sample, built once for all the tests of this file.
fn pdfs() -> &'static Vec<(String, PathBuf)> {
    static BUILT: OnceLock<Vec<(String, PathBuf)>> = OnceLock::new();
    BUILT.get_or_init(|| {
        let mut out = Vec::new();
        for name in SAMPLES {
            let dir = tmpdir(&format!("look-{}", name.replace('.', "-")));
            let run = plandoc(&[
                "build",
                sample(name).to_str().unwrap(),
                "-o",
                dir.to_str().unwrap(),
                "--date",
                "2026-01-29",
            ]);
            assert_eq!(run.code, 0, "{name}: {}{}", run.stdout, run.stderr);
            let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
                .collect();
            files.sort();
            out.extend(files.into_iter().map(|f| (name.to_string(), f)));
        }
        assert!(out.iter().any(|(_, f)| f.ends_with("evaluation.pdf")), "{out:?}");
        out
    })
}

fn read(name: &str) -> Plan {
    read_plan(&sample(name), &ReadOptions::default()).unwrap_or_else(|e| panic!("{name}: {:?}", e.diagnostic)).plan
}

/// MuPDF's reading of a PDF: per page, the text spans (size, top, text).
fn spans(pdf: &Path) -> Vec<Vec<(f32, f32, String)>> {
    let script = "import sys, pymupdf\n\
        for p in pymupdf.open(sys.argv[1]):\n\
        \x20   print('\\f')\n\
        \x20   for b in p.get_text('dict')['blocks']:\n\
        \x20       for l in b.get('lines', []):\n\
        \x20           for s in l['spans']:\n\
        \x20               t = s['text'].replace('\\n', ' ')\n\
        \x20               if t.strip(): print('%.2f\\t%.1f\\t%s' % (s['size'], s['bbox'][1], t))\n";
    let out = Command::new("python3").args(["-c", script]).arg(pdf).output().expect("python3");
    assert!(out.status.success(), "PyMuPDF {}: {}", pdf.display(), String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.split('\u{c}')
        .skip(1)
        .map(|page| {
            page.lines()
                .filter_map(|l| {
                    let mut f = l.splitn(3, '\t');
                    let size = f.next()?.parse().ok()?;
                    let top = f.next()?.parse().ok()?;
                    Some((size, top, f.next()?.to_string()))
                })
                .collect()
        })
        .collect()
}

#[test]
fn no_text_under_eight_points_in_any_document() {
    if !tagged::has_pymupdf() {
        return;
    }
    let mut sizes = std::collections::BTreeSet::new();
    for (name, pdf) in pdfs() {
        let pages = spans(pdf);
        assert!(!pages.is_empty(), "{}", pdf.display());
        for (i, page) in pages.iter().enumerate() {
            for (size, _, text) in page {
                assert!(*size >= 7.99, "{name} {} p. {}: « {text} » en {size} pt", pdf.display(), i + 1);
                sizes.insert((*size * 100.0).round() as u32);
            }
        }
    }
    // One type scale: the template's five sizes, nothing in between.
    assert_eq!(sizes.into_iter().collect::<Vec<_>>(), [800, 950, 1100, 1400, 1800]);
}

#[test]
fn the_running_header_carries_the_full_territory_and_period_after_page_one() {
    if !tagged::has_pymupdf() {
        return;
    }
    let mut checked = 0;
    for (name, pdf) in pdfs() {
        let meta = read(name).meta;
        let place = french(meta.territory.as_deref().or(meta.title.as_deref()).unwrap_or(""));
        let period = match (meta.first_year, meta.last_year) {
            (Some(a), Some(b)) => format!("{a}-{b}"),
            _ => String::new(),
        };
        for (i, page) in spans(pdf).iter().enumerate().skip(1) {
            // The header lies above the rule at 70 pt.
            let header: Vec<&str> = page.iter().filter(|(_, top, _)| *top < 60.0).map(|(_, _, t)| t.as_str()).collect();
            let line = header.join(" ").replace(['\u{a0}', '\u{202f}'], " ");
            assert!(!line.contains('…'), "{name} {} p. {}: « {line} »", pdf.display(), i + 1);
            assert!(
                line.contains(&place) && line.contains(&period),
                "{name} {} p. {}: « {line} »",
                pdf.display(),
                i + 1
            );
            checked += 1;
        }
    }
    assert!(checked > 50, "{checked}");
}

/// A text item's box on the page: x0, top, x1, bottom.
fn text_box(item: &Item) -> Option<(f32, f32, f32, f32)> {
    let Item::Text { x, y, runs, style, .. } = item else { return None };
    let (asc, desc) = ascent_descent();
    let w = runs.iter().map(|r| r.width).sum::<f32>() * style.size;
    Some((*x, y - asc * style.size, x + w, y + desc * style.size))
}

fn overlap(a: (f32, f32, f32, f32), b: (f32, f32, f32, f32)) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

#[test]
fn progress_bars_never_cover_text_and_sit_under_their_figure() {
    let plan = read("suivi-lauragais.xlsx");
    let opts = DocOptions::default();
    let track = Rgb::parse(&opts.template.colours.track).unwrap();
    let doc = evaluation(&plan, &opts, &EvalOptions::default());
    let mut bars = 0;
    for (p, page) in doc.pages.iter().enumerate() {
        let texts: Vec<(String, (f32, f32, f32, f32))> =
            page.items.iter().filter_map(|i| text_box(i).map(|b| (i.text(), b))).collect();
        for item in &page.items {
            let Item::Rect { x, y, w, h, stroke: Some((c, _)), .. } = item else { continue };
            if *c != track {
                continue;
            }
            bars += 1;
            let bar = (*x, *y, x + w, y + h);
            for (t, b) in &texts {
                assert!(!overlap(bar, *b), "p. {}: la barre {bar:?} couvre « {t} » {b:?}", p + 1);
            }
            // Its figure: the text just above it, in its column, within 4 pt.
            let figure = texts.iter().find(|(t, b)| {
                t.ends_with('%') && b.0 >= bar.0 - 0.5 && b.0 < bar.2 && (0.0..4.0).contains(&(bar.1 - b.3))
            });
            assert!(figure.is_some(), "p. {}: barre {bar:?} loin de son chiffre", p + 1);
        }
    }
    let with_progress = plan.actions().iter().filter(|r| r.action.progress.is_some()).count();
    assert!(bars >= with_progress && with_progress > 10, "{bars} barres, {with_progress} actions avec avancement");
}

#[test]
fn the_status_chart_shows_whole_labels_and_counts() {
    let plan = read("suivi-lauragais.xlsx");
    let doc = evaluation(&plan, &DocOptions::default(), &EvalOptions::default());
    let figure = doc.tree.nodes.iter().position(|n| n.role == plandoc::layout::Role::Figure).expect("graphique");
    let items: Vec<&Item> = doc.pages[0]
        .items
        .iter()
        .filter(|i| matches!(i, Item::Text { .. }) && i.tag() == plandoc::layout::Tag::Node(figure))
        .collect();
    let drawn = items.iter().map(|i| i.text()).collect::<Vec<_>>().join(" ");
    assert!(!drawn.contains('…'), "{drawn}");
    for axis in &plan.axes {
        let title = french(&axis.title);
        assert!(title.len() > 40 && drawn.contains(&title), "« {title} » absent de « {drawn} »");
    }
    // Each axis's counts: on the segments wide enough, and the total.
    let numbers: Vec<u32> = items.iter().filter_map(|i| i.text().parse().ok()).collect();
    let total: u32 = plan.axes.iter().map(|a| a.all_actions().len() as u32).sum();
    assert_eq!(numbers.iter().sum::<u32>(), 2 * total, "{numbers:?}");
}
