//! Hostile and foreign files: always an answer (exit 0, 1 or 2 and a message), never a
//! crash, a hang or a runaway allocation.

mod common;

use std::time::Duration;

use common::{check_json, plandoc_with_limit, tmpdir};

/// The calamine fixtures beside the project (../shared/corpus), when present.
fn corpus() -> Vec<std::path::PathBuf> {
    let dir = common::root().join("../shared/corpus/calamine-fixtures");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_file()).collect();
    files.sort();
    files
}

#[test]
fn every_corpus_file_gets_an_answer() {
    let files = corpus();
    if files.is_empty() {
        assert!(!common::in_ci(), "../shared/corpus absent en CI : ce test doit tourner");
        eprintln!("ATTENTION : ../shared/corpus absent : test sauté (il échouerait en CI)");
        return;
    }
    assert!(files.len() >= 130, "{} fichiers seulement", files.len());
    for f in &files {
        let path = f.to_str().unwrap();
        let out = plandoc_with_limit(&["check", path], Duration::from_secs(20));
        assert!(matches!(out.code, 0..=2), "{path}: code {} {}", out.code, out.stderr);
        assert!(out.stdout.contains("Résultat :"), "{path}: {}", out.stdout);
        let name = f.file_name().unwrap().to_str().unwrap();
        assert!(out.stdout.contains(name), "{path}: {}", out.stdout);
        assert!(!out.stderr.contains("panicked"), "{path}: {}", out.stderr);
    }
    // The known hostile ones are refused with the right reason.
    let code_of = |name: &str| {
        let (_, r) = check_json(&common::root().join("../shared/corpus/calamine-fixtures").join(name));
        r["diagnostics"][0]["code"].as_str().unwrap_or("").to_string()
    };
    assert_eq!(code_of("pass_protected.xlsx"), "fichier-protege");
    assert_eq!(code_of("pass_protected.ods"), "fichier-protege");
    assert_eq!(code_of("issue_594_dos.ods"), "feuille-trop-grande");
    assert_eq!(code_of("picture.png"), "format-inconnu");
}

#[test]
fn far_away_cell_does_not_allocate_a_dense_sheet() {
    // 5 KB on disk; a dense reader would ask for 16384 × 1048576 cells.
    let dir = tmpdir("robust-far");
    let path = dir.join("loin.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "Action").unwrap();
    ws.write_string(0, 1, "Pilote").unwrap();
    ws.write_string(1, 0, "Agir").unwrap();
    ws.write_string(1_048_575, 16_383, "loin").unwrap();
    wb.save(&path).unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() < 10_000);
    let out = plandoc_with_limit(&["check", path.to_str().unwrap(), "--json"], Duration::from_secs(20));
    assert!(matches!(out.code, 0..=2), "{}", out.stderr);
    let r: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(r["actions"], 1, "{r}");
}

#[test]
fn truncated_and_corrupted_workbooks_are_refused_cleanly() {
    let dir = tmpdir("robust-cut");
    let good = std::fs::read(common::sample("002-pst-sections-annees.xlsx")).unwrap();
    let xls = std::fs::read(common::sample("000-pst-ambitions-texte.xls")).unwrap();
    for (i, bytes) in [good[..good.len() / 2].to_vec(), good[..200].to_vec(), xls[..xls.len() / 3].to_vec(), {
        let mut b = good.clone();
        for x in b.iter_mut().skip(300).step_by(97) {
            *x ^= 0x5A;
        }
        b
    }]
    .into_iter()
    .enumerate()
    {
        let path = dir.join(format!("abime-{i}.xlsx"));
        std::fs::write(&path, bytes).unwrap();
        let out = plandoc_with_limit(&["check", path.to_str().unwrap(), "--json"], Duration::from_secs(20));
        assert!(matches!(out.code, 0..=2), "{i}: {}", out.stderr);
        let r: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        assert!(!r["diagnostics"].as_array().unwrap().is_empty() || out.code == 0, "{i}: {r}");
    }
}
