//! Reading PDFs back with independent tools: poppler (pdftotext, pdffonts, pdftoppm)
//! and qpdf.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

fn run(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd} absent ({e}) : apt-get install poppler-utils qpdf"));
    assert!(out.status.success(), "{cmd} {args:?} : {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn text(pdf: &Path) -> String {
    run("pdftotext", &[pdf.to_str().unwrap(), "-"])
}

pub fn page_text(pdf: &Path, page: usize) -> String {
    let p = page.to_string();
    run("pdftotext", &["-f", &p, "-l", &p, pdf.to_str().unwrap(), "-"])
}

/// Text with typography and line breaks removed, for "is this title there" checks:
/// no white space at all, typographic apostrophes made straight.
pub fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).map(|c| if c == '’' { '\'' } else { c }).collect()
}

pub fn qpdf_check(pdf: &Path) {
    let out = Command::new("qpdf").args(["--check", pdf.to_str().unwrap()]).output().expect("qpdf");
    assert!(out.status.success(), "qpdf --check {}: {}", pdf.display(), String::from_utf8_lossy(&out.stdout));
}

pub fn pages(pdf: &Path) -> usize {
    run("qpdf", &["--show-npages", pdf.to_str().unwrap()]).trim().parse().unwrap()
}

/// (name, embedded, subset) of every font, from pdffonts.
pub fn fonts(pdf: &Path) -> Vec<(String, bool, bool)> {
    run("pdffonts", &[pdf.to_str().unwrap()])
        .lines()
        .skip(2)
        .map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            let n = cols.len();
            (cols[0].to_string(), cols[n - 5] == "yes", cols[n - 4] == "yes")
        })
        .collect()
}

/// The outline as (title, children titles), via qpdf's JSON.
pub fn outline(pdf: &Path) -> Vec<(String, Vec<String>)> {
    let j: serde_json::Value =
        serde_json::from_str(&run("qpdf", &["--json", "--json-key=outlines", pdf.to_str().unwrap()])).unwrap();
    j["outlines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            let kids = o["kids"].as_array().unwrap().iter().map(|k| k["title"].as_str().unwrap().to_string()).collect();
            (o["title"].as_str().unwrap().to_string(), kids)
        })
        .collect()
}

/// The bookmarks with no children (the fiches), in order, whatever the depth of the
/// plan's tree above them.
pub fn outline_leaves(pdf: &Path) -> Vec<String> {
    fn walk(items: &serde_json::Value, out: &mut Vec<String>) {
        for o in items.as_array().into_iter().flatten() {
            match o["kids"].as_array() {
                Some(k) if !k.is_empty() => walk(&o["kids"], out),
                _ => out.push(o["title"].as_str().unwrap_or_default().to_string()),
            }
        }
    }
    let j: serde_json::Value =
        serde_json::from_str(&run("qpdf", &["--json", "--json-key=outlines", pdf.to_str().unwrap()])).unwrap();
    let mut out = Vec::new();
    walk(&j["outlines"], &mut out);
    out
}

/// Catalog and info entries, via qpdf's JSON of the objects.
pub fn qpdf_json(pdf: &Path) -> serde_json::Value {
    serde_json::from_str(&run("qpdf", &["--json", pdf.to_str().unwrap()])).unwrap()
}

/// Page 1 rendered at 72 dpi (1 pixel = 1 pt): width, height, RGB bytes.
pub fn render_page1(pdf: &Path, dir: &Path) -> (usize, usize, Vec<u8>) {
    let prefix = dir.join("rendu");
    run(
        "pdftoppm",
        &["-r", "72", "-f", "1", "-l", "1", "-singlefile", pdf.to_str().unwrap(), prefix.to_str().unwrap()],
    );
    let bytes = std::fs::read(prefix.with_extension("ppm")).unwrap();
    // P6 header: "P6\n<w> <h>\n255\n".
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..i]).into_owned());
    }
    assert_eq!(fields[0], "P6");
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    (w, h, bytes[i + 1..].to_vec())
}

/// Pixels in the rectangle that are not white.
pub fn ink_in(w: usize, rgb: &[u8], x0: usize, y0: usize, x1: usize, y1: usize) -> usize {
    let mut n = 0;
    for y in y0..y1 {
        for x in x0..x1 {
            let i = (y * w + x) * 3;
            if rgb[i] < 250 || rgb[i + 1] < 250 || rgb[i + 2] < 250 {
                n += 1;
            }
        }
    }
    n
}

/// Words of `needle` appear in `hay` in order, each within `slack` words of the previous
/// one: a table cell's text read back, even when pdftotext interleaves a neighbouring
/// cell's words at line ends.
pub fn has_words_in_order(hay: &str, needle: &str, slack: usize) -> bool {
    let norm = |s: &str| -> Vec<String> {
        s.split(|c: char| c.is_whitespace()).filter(|w| !w.is_empty()).map(|w| w.replace('’', "'")).collect()
    };
    let (h, n) = (norm(hay), norm(needle));
    if n.is_empty() {
        return true;
    }
    'start: for i in 0..h.len() {
        if h[i] != n[0] {
            continue;
        }
        let mut pos = i;
        for w in &n[1..] {
            match h[pos + 1..(pos + 1 + slack).min(h.len())].iter().position(|x| x == w) {
                Some(k) => pos += 1 + k,
                None => continue 'start,
            }
        }
        return true;
    }
    false
}

/// The visual lines of a page, top to bottom: (top, left, text), words read with their
/// positions by `pdftotext -bbox` and put on one line when their tops are within 2 pt
/// (a table row's cells side by side make one line).
pub fn page_lines(pdf: &Path, page: usize) -> Vec<(f32, f32, String)> {
    let p = page.to_string();
    let xml = run("pdftotext", &["-bbox", "-f", &p, "-l", &p, pdf.to_str().unwrap(), "-"]);
    let attr = |tag: &str, name: &str| -> f32 {
        let key = format!("{name}=\"");
        let start = tag.find(&key).map(|i| i + key.len()).unwrap_or(0);
        tag[start..].split('"').next().and_then(|v| v.parse().ok()).unwrap_or(0.0)
    };
    let mut words: Vec<(f32, f32, String)> = Vec::new();
    for chunk in xml.split("<word ").skip(1) {
        let Some((tag, rest)) = chunk.split_once('>') else { continue };
        let text = rest.split("</word>").next().unwrap_or("");
        let text = text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&apos;", "'");
        words.push((attr(tag, "yMin"), attr(tag, "xMin"), text.replace("&quot;", "\"")));
    }
    words.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let mut lines: Vec<(f32, f32, String)> = Vec::new();
    let mut current: Vec<(f32, f32, String)> = Vec::new();
    for w in words {
        if current.first().is_some_and(|c| (w.0 - c.0).abs() > 2.0) {
            lines.push(join_line(std::mem::take(&mut current)));
        }
        current.push(w);
    }
    if !current.is_empty() {
        lines.push(join_line(current));
    }
    lines
}

fn join_line(mut words: Vec<(f32, f32, String)>) -> (f32, f32, String) {
    words.sort_by(|a, b| a.1.total_cmp(&b.1));
    let top = words.iter().map(|w| w.0).fold(f32::MAX, f32::min);
    let text = words.iter().map(|w| w.2.as_str()).collect::<Vec<_>>().join(" ");
    (top, words[0].1, text)
}
