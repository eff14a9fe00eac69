//! OpenDocument spreadsheets are read by plandoc's own streaming reader: the same cells
//! as calamine's (an independent reader) on every ODS at hand, merged areas found, and a
//! note typed far down a sheet costs only the cells that are filled.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use calamine::{Data, Reader};
use common::{plandoc_measured, root, tmpdir};

/// Every .ods of the samples and of the corpus beside the project.
fn ods_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in [root().join("samples"), root().join("../shared/corpus/calamine-fixtures")] {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        files.extend(
            entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|e| e == "ods")),
        );
    }
    files.sort();
    files
}

/// Cell text as both readers should give it: numbers by value, text as written.
fn calamine_text(d: &Data) -> Option<String> {
    match d {
        Data::Empty => None,
        Data::String(s) if s.trim().is_empty() => None,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Some(s.clone()),
        Data::Float(f) => Some(format!("{f}")),
        Data::Int(i) => Some(format!("{i}")),
        Data::Bool(b) => Some(b.to_string()),
        other => Some(other.to_string()),
    }
}

fn plandoc_text(v: &plandoc::ingest::Value) -> String {
    use plandoc::ingest::Value;
    match v {
        Value::Number(n) => format!("{n}"),
        Value::Bool(b) => b.to_string(),
        Value::Text(t) | Value::Date(t) | Value::Error(t) => t.clone(),
    }
}

type Cells = BTreeMap<String, BTreeMap<(u32, u32), String>>;

/// Visible sheets' filled cells, as calamine reads them (dense ranges).
fn by_calamine(path: &Path) -> Option<Cells> {
    let mut wb = calamine::open_workbook_auto(path).ok()?;
    let mut out = Cells::new();
    let metas: Vec<_> = wb.sheets_metadata().to_vec();
    for m in metas.iter().filter(|m| m.visible == calamine::SheetVisible::Visible) {
        let range = wb.worksheet_range(&m.name).ok()?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let cells = out.entry(m.name.clone()).or_default();
        for (r, c, d) in range.used_cells() {
            if let Some(t) = calamine_text(d) {
                cells.insert((r0 + r as u32, c0 + c as u32), t);
            }
        }
    }
    Some(out)
}

fn by_plandoc(path: &Path) -> Option<Cells> {
    let wb = plandoc::ingest::read_workbook(path, &Default::default()).ok()?;
    let mut out = Cells::new();
    for s in wb.sheets.iter().filter(|s| s.visible) {
        let cells = out.entry(s.name.clone()).or_default();
        for (r, row) in &s.rows {
            for (c, v) in row {
                cells.insert((*r, *c), plandoc_text(v));
            }
        }
    }
    Some(out)
}

/// On every ODS both can read, plandoc and calamine find the same sheets and cells.
#[test]
fn same_cells_as_calamine_on_every_ods_at_hand() {
    let files = ods_files();
    assert!(files.len() >= 2, "aucun .ods trouvé");
    let mut compared = 0;
    for f in &files {
        let (Some(theirs), Some(ours)) = (by_calamine(f), by_plandoc(f)) else { continue };
        assert_eq!(ours.keys().collect::<Vec<_>>(), theirs.keys().collect::<Vec<_>>(), "{}", f.display());
        for (sheet, cells) in &theirs {
            let mine = &ours[sheet];
            for (at, t) in cells {
                let got = mine.get(at);
                assert_eq!(got.map(|s| s.trim()), Some(t.trim()), "{} « {sheet} » {at:?}", f.display());
            }
            assert_eq!(mine.len(), cells.len(), "{} « {sheet} »", f.display());
        }
        compared += 1;
    }
    eprintln!("{compared} fichiers .ods comparés cellule par cellule");
    assert!(compared >= 6, "{compared} fichiers seulement comparés");
}

/// Merged areas of an ODS are found, as for xlsx (calamine does not expose them).
#[test]
fn ods_merges_are_found() {
    let f = root().join("../shared/corpus/calamine-fixtures/merged_cells.ods");
    if !f.exists() {
        assert!(!common::in_ci(), "corpus absent : {}", f.display());
        eprintln!("SAUTÉ : corpus absent ({})", f.display());
        return;
    }
    let wb = plandoc::ingest::read_workbook(&f, &Default::default()).unwrap();
    let merges: Vec<_> =
        wb.sheets[0].merges.iter().map(|m| (m.first_row, m.first_col, m.last_row, m.last_col)).collect();
    // A2:A3 merged, as LibreOffice shows it.
    assert_eq!(merges, vec![(1, 0, 2, 0)], "{}", f.display());
}

/// A workbook saved by LibreOffice with one note typed at row 400,000 reads like the same
/// plan without it: same actions, the note's cell kept, in bounded memory.
#[test]
fn a_note_far_down_an_ods_costs_nothing() {
    let dir = tmpdir("ods-far-down");
    let xlsx = dir.join("loin.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Plan").unwrap();
    let rows = [
        ["N°", "Axe", "Action", "Pilote", "Années"],
        ["1", "Axe 1 : Enfance", "Ouvrir un accueil de loisirs", "Mairie", "2025-2027"],
        ["2", "Axe 1 : Enfance", "Former les animateurs", "CAF", "2025"],
        ["3", "Axe 2 : Parentalité", "Créer un café des parents", "Centre social", "2026"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    ws.write_string(399_999, 7, "note : relu le 3 mars").unwrap();
    wb.save(&xlsx).unwrap();
    let Some(ods) = common::soffice_convert(&xlsx, "ods", &dir) else { return };

    let read = plandoc::ingest::read_workbook(&ods, &Default::default()).expect("ODS lu");
    let sheet = &read.sheets[0];
    assert_eq!(sheet.get(399_999, 7).map(|v| v.text()).as_deref(), Some("note : relu le 3 mars"));
    assert_eq!(sheet.cell_count, 21, "cellules lues : {}", sheet.cell_count);

    let m = plandoc_measured(&["check", "--json", ods.to_str().unwrap()], &[], Duration::from_secs(30));
    assert!(m.code <= 1, "{}\n{}", m.stdout, m.stderr);
    let report: serde_json::Value = serde_json::from_str(&m.stdout).expect("JSON");
    assert_eq!(report["actions"].as_u64(), Some(3), "{}", m.stdout);
    eprintln!("check d'un .ods avec une note ligne 400 000 : pic {} Mo", m.max_rss_kb / 1024);
    assert!(m.max_rss_kb < 60 * 1024, "pic de mémoire {} Ko", m.max_rss_kb);
}
