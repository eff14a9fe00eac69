//! A workbook printed as an office prints it: LibreOffice converts it to PDF, PyMuPDF
//! reads the PDF back (smallest text size, lines drawn over others, words, text).

use std::path::Path;
use std::process::Command;

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

pub fn to_pdf(xlsx: &Path, dir: &Path) -> serde_json::Value {
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

pub fn check(name: &str, r: &serde_json::Value, charts: &[&str]) {
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
pub fn words_whole(name: &str, r: &serde_json::Value, texts: &[String]) {
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
