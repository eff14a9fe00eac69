//! The diagnostic codes have one home (`src/validate/codes.rs`, the `Code` enum): every
//! declared code is emitted somewhere in `src/`, and the README's list is `plandoc codes`
//! word for word.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

/// Codes emitted in `src/`: every `Code::Variant` written outside the declaration, given back
/// as the kebab-case code it stands for ("NumeroEnDouble" → "numero-en-double"; a unit test
/// in `src/validate/codes.rs` keeps each variant named after its code).
fn codes_in_sources() -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut files = Vec::new();
    collect_rs(&common::root().join("src"), &mut files);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for (i, _) in text.match_indices("Code::") {
            let word_start = !text[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_');
            let variant: String = text[i + 6..].chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
            if word_start && variant.starts_with(|c: char| c.is_ascii_uppercase()) && variant != "ALL" {
                found.insert(kebab(&variant));
            }
        }
    }
    found
}

/// "NumeroEnDouble" → "numero-en-double".
fn kebab(variant: &str) -> String {
    let mut out = String::new();
    for c in variant.chars() {
        if c.is_ascii_uppercase() && !out.is_empty() {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
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
fn every_declared_code_is_emitted_and_every_emitted_code_is_declared() {
    let used = codes_in_sources();
    let (_, listed) = listed();
    assert!(used.len() >= 40, "the scan found only {} codes: {used:?}", used.len());
    let missing: Vec<_> = used.difference(&listed).collect();
    assert!(missing.is_empty(), "`Code::` variants used in src/ but absent from `plandoc codes`: {missing:?}");
    let unused: Vec<_> = listed.difference(&used).collect();
    assert!(unused.is_empty(), "codes declared in src/validate/codes.rs but emitted nowhere: {unused:?}");
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
