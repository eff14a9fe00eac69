//! The diagnostic codes have one home (`src/validate/codes.rs`): every code the sources emit
//! is listed there, every listed code is emitted somewhere, and the README's list is
//! `plandoc codes` word for word.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

/// Codes written in `src/`: the first argument of `Diagnostic::error/warning(…)` (over
/// line breaks) and the codes returned by `ReadError::code`.
fn codes_in_sources() -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut files = Vec::new();
    collect_rs(&common::root().join("src"), &mut files);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for (i, _) in text.match_indices("rror(").chain(text.match_indices("arning(")) {
            let rest = text[i..].split_once('(').unwrap().1.trim_start();
            if let Some(code) = literal_code(rest) {
                found.insert(code);
            }
        }
        if f.ends_with("ingest/error.rs") {
            for (i, _) in text.match_indices("=> \"") {
                if let Some(code) = literal_code(&text[i + 3..]) {
                    found.insert(code);
                }
            }
        }
    }
    found
}

/// `"numero-en-double"` at the start of `s`: a kebab-case literal with at least one hyphen.
fn literal_code(s: &str) -> Option<String> {
    let body = s.strip_prefix('"')?;
    let end = body.find('"')?;
    let code = &body[..end];
    let kebab = code.contains('-') && code.bytes().all(|b| b.is_ascii_lowercase() || b == b'-');
    kebab.then(|| code.to_string())
}

fn collect_rs(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            collect_rs(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") && !p.ends_with("validate/codes.rs") {
            out.push(p);
        }
    }
}

fn listed() -> (String, BTreeSet<String>) {
    let run = common::plandoc(&["codes"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let codes = run
        .stdout
        .lines()
        .skip(2)
        .map(|l| l.split('`').nth(1).expect("a code between backquotes").to_string())
        .collect();
    (run.stdout, codes)
}

#[test]
fn every_code_of_the_sources_is_listed_once_and_every_listed_code_is_used() {
    let used = codes_in_sources();
    let (_, listed) = listed();
    assert!(used.len() >= 40, "the scan found only {} codes: {used:?}", used.len());
    let missing: Vec<_> = used.difference(&listed).collect();
    assert!(missing.is_empty(), "codes used in src/ but absent from src/validate/codes.rs: {missing:?}");
    let unused: Vec<_> = listed.difference(&used).collect();
    assert!(unused.is_empty(), "codes listed in src/validate/codes.rs but used nowhere: {unused:?}");
}

#[test]
fn the_readme_lists_the_codes_as_plandoc_codes_prints_them() {
    let (table, _) = listed();
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let start = "<!-- codes : produit par `plandoc codes` -->\n";
    let block = readme.split_once(start).map(|(_, r)| r).expect("README: the codes block's opening marker");
    let block = block.split_once("<!-- fin des codes -->").expect("README: the closing marker").0;
    assert_eq!(block, table, "README's codes differ from `plandoc codes`: paste its output between the markers");
}
