//! Reading the tagging of a PDF back with lopdf (structure tree, marked content, XMP,
//! OutputIntent), and running the external accessibility checkers (outloud, pdfua) and
//! PyMuPDF. A missing checker skips loudly, and fails when CI=true.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

use lopdf::{Dictionary, Document, Object};

/// A structure element: its type, alternative text, attributes (Scope, ColSpan…) and
/// title (/T), in reading order.
#[derive(Debug, Clone)]
pub struct Elem {
    pub kind: String,
    pub alt: Option<String>,
    pub attrs: Vec<(String, String)>,
    pub title: Option<String>,
    pub depth: usize,
}

fn name(o: &Object) -> String {
    match o {
        Object::Name(n) => String::from_utf8_lossy(n).into_owned(),
        Object::Integer(i) => i.to_string(),
        other => format!("{other:?}"),
    }
}

fn text(o: &Object) -> Option<String> {
    match o {
        Object::String(b, _) => Some(if b.starts_with(&[0xFE, 0xFF]) {
            let u: Vec<u16> = b[2..].chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
            String::from_utf16_lossy(&u)
        } else {
            String::from_utf8_lossy(b).into_owned()
        }),
        _ => None,
    }
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    doc.dereference(o).map(|(_, o)| o).unwrap_or(o)
}

fn dict<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Dictionary> {
    match deref(doc, o) {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

fn walk(doc: &Document, o: &Object, depth: usize, out: &mut Vec<Elem>) {
    match deref(doc, o) {
        Object::Array(a) => a.iter().for_each(|k| walk(doc, k, depth, out)),
        Object::Dictionary(d) => {
            let Ok(s) = d.get(b"S") else { return }; // marked-content references
            let mut attrs = Vec::new();
            if let Ok(a) = d.get(b"A") {
                let list: Vec<&Object> = match deref(doc, a) {
                    Object::Array(v) => v.iter().collect(),
                    other => vec![other],
                };
                for a in list {
                    if let Some(ad) = dict(doc, a) {
                        for (k, v) in ad.iter() {
                            attrs.push((String::from_utf8_lossy(k).into_owned(), name(deref(doc, v))));
                        }
                    }
                }
            }
            out.push(Elem {
                kind: name(s),
                alt: d.get(b"Alt").ok().and_then(|a| text(deref(doc, a))),
                attrs,
                title: d.get(b"T").ok().and_then(|a| text(deref(doc, a))),
                depth,
            });
            if let Ok(k) = d.get(b"K") {
                walk(doc, k, depth + 1, out);
            }
        }
        _ => {}
    }
}

pub fn load(pdf: &Path) -> Document {
    Document::load(pdf).unwrap_or_else(|e| panic!("{}: {e}", pdf.display()))
}

/// Every structure element, depth first, in reading order.
pub fn structure(doc: &Document) -> Vec<Elem> {
    let cat = doc.catalog().unwrap();
    let root = dict(doc, cat.get(b"StructTreeRoot").expect("StructTreeRoot")).unwrap();
    let mut out = Vec::new();
    walk(doc, root.get(b"K").expect("/K"), 0, &mut out);
    out
}

/// Text-showing operators found outside any marked-content sequence, per page.
pub fn untagged_text_ops(doc: &Document) -> Vec<(u32, String)> {
    let mut bad = Vec::new();
    for (n, id) in doc.get_pages() {
        let content = lopdf::content::Content::decode(&doc.get_page_content(id)).unwrap();
        let mut depth = 0i32;
        for op in content.operations {
            match op.operator.as_str() {
                "BDC" | "BMC" => depth += 1,
                "EMC" => depth -= 1,
                "Tj" | "TJ" | "'" | "\"" | "Do" | "re" | "S" | "f" if depth <= 0 => {
                    bad.push((n, op.operator.clone()));
                }
                _ => {}
            }
        }
    }
    bad
}

/// The XMP metadata packet.
pub fn xmp(doc: &Document) -> String {
    let cat = doc.catalog().unwrap();
    match deref(doc, cat.get(b"Metadata").expect("/Metadata")) {
        Object::Stream(s) => String::from_utf8_lossy(&s.content).into_owned(),
        o => panic!("/Metadata {o:?}"),
    }
}

/// OutputIntent subtypes (/S) and whether each embeds an ICC profile.
pub fn output_intents(doc: &Document) -> Vec<(String, bool)> {
    let cat = doc.catalog().unwrap();
    let Ok(oi) = cat.get(b"OutputIntents") else { return Vec::new() };
    let Object::Array(a) = deref(doc, oi) else { return Vec::new() };
    a.iter()
        .filter_map(|o| dict(doc, o))
        .map(|d| (d.get(b"S").map(name).unwrap_or_default(), d.get(b"DestOutputProfile").is_ok()))
        .collect()
}

pub fn catalog_has(doc: &Document, key: &[u8]) -> Option<String> {
    let cat = doc.catalog().unwrap();
    cat.get(key).ok().map(|o| match deref(doc, o) {
        Object::Dictionary(d) => format!(
            "{:?}",
            d.iter().map(|(k, v)| (String::from_utf8_lossy(k).into_owned(), format!("{v:?}"))).collect::<Vec<_>>()
        ),
        o => text(o).unwrap_or_else(|| name(o)),
    })
}

/// Is `tool` on the PATH? When it is not, the test says so loudly, and fails in CI.
pub fn checker(tool: &str, install: &str) -> bool {
    let found = Command::new(tool).arg("--help").output().is_ok_and(|o| o.status.success());
    if !found {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{tool} absent en CI : {install}");
        }
        eprintln!("!!! {tool} absent : contrôle SAUTÉ ({install})");
    }
    found
}

/// outloud's error count per file (JSON report).
pub fn outloud_errors(files: &[&Path]) -> Vec<(String, u64, String)> {
    outloud_findings(files).into_iter().map(|f| (f.path, f.errors, f.what)).collect()
}

/// What outloud finds in one file: error count, errors described, warning rule ids.
pub struct Findings {
    pub path: String,
    pub errors: u64,
    pub what: String,
    pub warnings: Vec<String>,
}

pub fn outloud_findings(files: &[&Path]) -> Vec<Findings> {
    let mut args = vec!["--json".to_string(), "-".to_string(), "--fail-on".to_string(), "never".to_string()];
    args.extend(files.iter().map(|f| f.to_str().unwrap().to_string()));
    let out = Command::new("outloud").args(&args).output().expect("outloud");
    let j: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("outloud JSON ({e}) : {}", String::from_utf8_lossy(&out.stderr)));
    j["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let of = |severity: &str| -> Vec<&serde_json::Value> {
                r["findings"].as_array().into_iter().flatten().filter(|f| f["severity"] == severity).collect()
            };
            let errors: Vec<String> = of("error").iter().map(|f| format!("{} {}", f["rule"], f["message"])).collect();
            Findings {
                path: r["path"].as_str().unwrap_or("").to_string(),
                errors: r["counts"]["error"].as_u64().unwrap_or(u64::MAX),
                what: errors.join(" | "),
                warnings: of("warning").iter().map(|f| f["rule"].as_str().unwrap_or("").to_string()).collect(),
            }
        })
        .collect()
}

/// pdfua check at error severity: (exit code, report).
pub fn pdfua_errors(files: &[&Path]) -> (i32, String) {
    let mut args = vec!["check".to_string(), "--min-severity".to_string(), "error".to_string()];
    args.extend(files.iter().map(|f| f.to_str().unwrap().to_string()));
    let out = Command::new("pdfua").args(&args).output().expect("pdfua");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Text of every page as PyMuPDF (MuPDF) extracts it.
pub fn mupdf_text(pdf: &Path) -> String {
    let out = Command::new("python3")
        .args(["-c", "import sys, pymupdf; print(''.join(p.get_text() for p in pymupdf.open(sys.argv[1])))"])
        .arg(pdf)
        .output()
        .expect("python3");
    assert!(out.status.success(), "PyMuPDF : {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn has_pymupdf() -> bool {
    let ok = Command::new("python3").args(["-c", "import pymupdf"]).output().is_ok_and(|o| o.status.success());
    if !ok {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("PyMuPDF absent en CI : pip install pymupdf");
        }
        eprintln!("!!! PyMuPDF absent : contrôle SAUTÉ (pip install pymupdf)");
    }
    ok
}

/// A bookmark and the bookmarks nested in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Bookmark {
    pub title: String,
    pub kids: Vec<Bookmark>,
}

/// The document outline (bookmarks) as a tree, read through /First, /Next links.
pub fn bookmarks(doc: &Document) -> Vec<Bookmark> {
    fn siblings(doc: &Document, first: Option<&Object>) -> Vec<Bookmark> {
        let mut out = Vec::new();
        let mut cur = first.and_then(|o| dict(doc, o));
        while let Some(d) = cur {
            let title = d.get(b"Title").ok().and_then(|o| text(deref(doc, o))).unwrap_or_default();
            out.push(Bookmark { title, kids: siblings(doc, d.get(b"First").ok()) });
            cur = d.get(b"Next").ok().and_then(|o| dict(doc, o));
            assert!(out.len() < 100_000, "outline loop");
        }
        out
    }
    let cat = doc.catalog().unwrap();
    let Some(root) = cat.get(b"Outlines").ok().and_then(|o| dict(doc, o)) else { return Vec::new() };
    siblings(doc, root.get(b"First").ok())
}
