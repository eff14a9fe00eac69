//! Golden test: every output of every sample (and the blank workbook), hashed (SHA-256) and compared with
//! `tests/golden/empreintes.txt`. A change of any byte of any document fails here and names
//! the files; when the change is intended, `PLANDOC_EMPREINTES=ecrire cargo test --release
//! --test golden` rewrites the list (review its diff like code).

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use sha2::{Digest, Sha256};

const LIST: &str = "tests/golden/empreintes.txt";
/// A fixed date: without one the documents' date comes from the plan (still deterministic),
/// but a fixed one also covers the dated fields of the annex.
const DATE: &str = "2026-01-29";

/// Every sample plan shipped in `samples/` (the logo and scripts are not plans).
fn sample_plans() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(common::root().join("samples"))
        .expect("samples/")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| [".xlsx", ".xls", ".ods", ".csv"].iter().any(|x| n.ends_with(x)))
        .collect();
    names.sort();
    names
}

/// Builds one sample into `out` and returns (file name → SHA-256) for every file written.
fn build_and_hash(sample: &str, out: &Path) -> BTreeMap<String, String> {
    let src = common::sample(sample);
    let run = common::plandoc(&["build", src.to_str().unwrap(), "-o", out.to_str().unwrap(), "--date", DATE]);
    assert!(run.code <= 1, "build {sample}: code {}\n{}{}", run.code, run.stdout, run.stderr);
    let mut hashes = BTreeMap::new();
    for entry in std::fs::read_dir(out).expect("output folder") {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("read output");
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        hashes.insert(name, format!("{:x}", Sha256::digest(&bytes)));
    }
    assert!(!hashes.is_empty(), "build {sample} wrote nothing");
    hashes
}

fn current_list() -> String {
    let mut text = String::new();
    for sample in sample_plans() {
        let out = common::tmpdir(&format!("golden-{sample}"));
        for (file, hash) in build_and_hash(&sample, &out) {
            writeln!(text, "{hash}  {sample}/{file}").unwrap();
        }
    }
    // The blank workbook of `plandoc template` is an output too.
    let blank = common::tmpdir("golden-template").join("modele.xlsx");
    let run = common::plandoc(&["template", "--periode", "2026-2030", "-o", blank.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let hash = format!("{:x}", Sha256::digest(std::fs::read(&blank).expect("modele.xlsx")));
    writeln!(text, "{hash}  template-2026-2030/modele.xlsx").unwrap();
    text
}

#[test]
fn every_output_of_every_sample_matches_its_recorded_hash() {
    let now = current_list();
    let path = common::root().join(LIST);
    if std::env::var("PLANDOC_EMPREINTES").as_deref() == Ok("ecrire") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &now).unwrap();
        eprintln!("=== empreintes réécrites dans {LIST} : relisez le diff ===");
        return;
    }
    let recorded = std::fs::read_to_string(&path).unwrap_or_default();
    let differ: Vec<String> = diff_lines(&recorded, &now);
    assert!(
        differ.is_empty(),
        "{} sortie(s) différente(s) de {LIST} :\n{}\nSi c'est voulu : PLANDOC_EMPREINTES=ecrire cargo test --release --test golden",
        differ.len(),
        differ.join("\n")
    );
}

/// Lines of either list that the other lacks, marked `-` (recorded) or `+` (now).
fn diff_lines(recorded: &str, now: &str) -> Vec<String> {
    let old: std::collections::BTreeSet<&str> = recorded.lines().collect();
    let new: std::collections::BTreeSet<&str> = now.lines().collect();
    let mut out: Vec<String> = old.difference(&new).map(|l| format!("- {l}")).collect();
    out.extend(new.difference(&old).map(|l| format!("+ {l}")));
    out
}

#[test]
fn a_second_build_of_a_sample_is_byte_identical() {
    let sample = "suivi-lauragais.xlsx";
    let a = build_and_hash(sample, &common::tmpdir("golden-twice-a"));
    let b = build_and_hash(sample, &common::tmpdir("golden-twice-b"));
    assert_eq!(a, b, "two builds of {sample} differ");
    assert!(a.len() >= 5, "expected the 3 PDFs, the annex and the evaluation: {a:?}");
}

#[test]
fn the_diff_names_both_sides() {
    let d = diff_lines("a  x/1\nb  x/2\n", "a  x/1\nc  x/2\n");
    assert_eq!(d, vec!["- b  x/2".to_string(), "+ c  x/2".to_string()]);
}
