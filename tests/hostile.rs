//! Hostile bytes answered within bounded memory: a cell of 500 MB in a 500 KB file, text
//! longer than a cell may hold, control characters pasted from other software.

mod common;

use std::io::Write;
use std::time::Duration;

use common::{check_json, sample, tmpdir, zipx};

/// Peak memory allowed to any run on hostile input.
const MAX_RSS_KB: i64 = 300 * 1024;

/// `sample` with the first shared string replaced by `text` (written in pieces by `fill`).
fn with_first_string(dst: &std::path::Path, fill: impl Fn(&mut dyn Write)) {
    let src = std::fs::read(sample("canonique-lauragais.xlsx")).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(dst).unwrap());
    let opts = zip::write::SimpleFileOptions::default().large_file(true);
    for (name, data) in zipx::entries(&src).unwrap() {
        out.start_file(name.as_str(), opts).unwrap();
        if name == "xl/sharedStrings.xml" {
            let s = String::from_utf8(data).unwrap();
            let t = s.find("<si><t").unwrap();
            let start = s[t + 4..].find('>').unwrap() + t + 5;
            let end = s[start..].find("</t>").unwrap() + start;
            out.write_all(&s.as_bytes()[..start]).unwrap();
            fill(&mut out);
            out.write_all(&s.as_bytes()[end..]).unwrap();
        } else {
            out.write_all(&data).unwrap();
        }
    }
    out.finish().unwrap();
}

#[test]
fn a_500_mb_cell_in_a_small_file_stays_within_bounds() {
    let dir = tmpdir("hostile-cell");
    let path = dir.join("cellule-geante.xlsx");
    let chunk = vec![b'a'; 1 << 20];
    with_first_string(&path, |w| {
        for _ in 0..500 {
            w.write_all(&chunk).unwrap();
        }
    });
    let size = std::fs::metadata(&path).unwrap().len();
    assert!(size < 1 << 20, "{size} octets");
    let out = common::plandoc_measured(&["check", path.to_str().unwrap()], &[], Duration::from_secs(10));
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(out.stdout.contains("texte démesuré"), "{}", out.stdout);
    assert!(out.max_rss_kb < MAX_RSS_KB, "{} Ko", out.max_rss_kb);
}

#[test]
fn an_over_long_cell_is_cut_with_a_warning_at_its_cell() {
    let dir = tmpdir("hostile-long");
    let path = dir.join("long.xlsx");
    with_first_string(&path, |w| {
        for _ in 0..40_000 {
            w.write_all("é".as_bytes()).unwrap();
        }
    });
    let (code, r) = check_json(&path);
    assert!(code <= 1, "{r}");
    let cut: Vec<_> = r["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == "texte-tronque").collect();
    assert_eq!(cut.len(), 1, "{r}");
    assert!(cut[0]["cell"].as_str().is_some_and(|c| !c.is_empty()), "{r}");
    assert!(cut[0]["message"].as_str().unwrap().contains("32767"), "{r}");
}

#[test]
fn control_characters_are_removed_with_a_warning_at_their_cell() {
    let dir = tmpdir("hostile-control");
    let path = dir.join("controle.xlsx");
    common::write_xlsx(
        &path,
        &[(
            "Plan",
            common::rows(&[
                &["Axe", "N°", "Action", "Pilote"],
                &["Enfance", "1", "Ouvrir\u{1}\u{7} une crèche\u{85}", "Mairie\u{1b}"],
            ]),
        )],
    );
    let (code, r) = check_json(&path);
    assert_eq!(code, 0, "{r}");
    let at: Vec<String> =
        common::codes_at(&r).into_iter().filter(|(c, _)| c == "caracteres-controle").map(|(_, a)| a).collect();
    assert_eq!(at, ["Plan!C2", "Plan!D2"], "{r}");
    let out_dir = dir.join("sortie");
    let out = common::plandoc(&["build", path.to_str().unwrap(), "-o", out_dir.to_str().unwrap(), "--only", "annexe"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(out_dir.join("annexe.xlsx")).unwrap();
    let names = wb.sheet_names();
    for n in names {
        let range = wb.worksheet_range(&n).unwrap();
        for c in range.used_cells() {
            let t = c.2.to_string();
            assert!(!t.chars().any(|ch| ch.is_control() && !matches!(ch, '\n' | '\t' | '\r')), "{n} : {t:?}");
        }
    }
}
