//! The workbooks printed as an office prints them: LibreOffice converts annexe.xlsx and
//! evaluation.xlsx to PDF, PyMuPDF reads it back: no text under 7 pt, no line of text
//! drawn over another, the charts inside the print areas, no word broken inside.

mod common;

use std::path::Path;
use std::process::Command;

use common::{plandoc, sample, tmpdir};
use plandoc::ingest::{read_plan, ReadOptions};

/// Per PDF: pages, smallest text size, overlapping line pairs, and the words.
const READER: &str = r#"
import sys, json, fitz
d = fitz.open(sys.argv[1])
out = {"pages": len(d), "min_size": 99.0, "overlaps": [], "words": [], "text": ""}
for pi, p in enumerate(d):
    lines = []
    for b in p.get_text('dict')['blocks']:
        for l in b.get('lines', []):
            spans = [s for s in l['spans'] if s['text'].strip()]
            if not spans: continue
            out["min_size"] = min(out["min_size"], min(s['size'] for s in spans))
            lines.append((fitz.Rect(l['bbox']), ''.join(s['text'] for s in spans)))
    for i in range(len(lines)):
        a, ta = lines[i]
        for j in range(i + 1, len(lines)):
            b, tb = lines[j]
            ix = min(a.x1, b.x1) - max(a.x0, b.x0)
            iy = min(a.y1, b.y1) - max(a.y0, b.y0)
            if ix > 1 and iy > 0.3 * min(a.height, b.height):
                out["overlaps"].append([pi + 1, ta[:50], tb[:50]])
    out["words"] += [w[4] for w in p.get_text('words')]
    out["text"] += p.get_text()
print(json.dumps(out))
"#;

fn to_pdf(xlsx: &Path, dir: &Path) -> serde_json::Value {
    let profile = format!("-env:UserInstallation=file://{}", dir.join("lo-profile").display());
    let st = Command::new("soffice")
        .args([
            &profile,
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            dir.to_str().unwrap(),
            xlsx.to_str().unwrap(),
        ])
        .output()
        .expect("soffice");
    let pdf = dir.join(xlsx.file_stem().unwrap()).with_extension("pdf");
    assert!(pdf.exists(), "{}", String::from_utf8_lossy(&st.stderr));
    let out = Command::new("python3").args(["-c", READER, pdf.to_str().unwrap()]).output().expect("python3");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn check(name: &str, r: &serde_json::Value, charts: &[&str]) {
    let min = r["min_size"].as_f64().unwrap();
    eprintln!("{name} : {} pages, plus petit texte {min:.1} pt", r["pages"]);
    assert!(min >= 6.95, "{name} : texte imprimé à {min:.2} pt");
    let overlaps = r["overlaps"].as_array().unwrap();
    assert!(
        overlaps.is_empty(),
        "{name} : {} lignes superposées, par ex. {:?}",
        overlaps.len(),
        &overlaps[..overlaps.len().min(5)]
    );
    let text = r["text"].as_str().unwrap();
    for c in charts {
        // A chart's title is drawn with it: inside the print area, the chart prints.
        assert!(text.matches(c).count() >= 1, "{name} : graphique « {c} » absent de l'impression");
    }
}

/// Every long word of the plan's titles and objectives prints whole (as one word).
fn words_whole(name: &str, r: &serde_json::Value, texts: &[String]) {
    let words: std::collections::HashSet<String> = r["words"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|w| w.as_str().unwrap().split(|c: char| !c.is_alphabetic()).map(str::to_string).collect::<Vec<_>>())
        .collect();
    let mut checked = 0;
    for t in texts {
        for w in t.split(|c: char| !c.is_alphabetic()).filter(|w| w.chars().count() >= 9) {
            assert!(words.contains(w), "{name} : « {w} » coupé à l'impression");
            checked += 1;
        }
    }
    assert!(checked >= 20, "{name} : {checked} mots vérifiés");
}

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
