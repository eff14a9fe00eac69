//! A copy of a read workbook (cell values and merges) with a « Colonnes » sheet saying how
//! to read it: the upload itself is never altered.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

use crate::ingest::{Correction, Sheet, Value, Workbook as ReadWorkbook};

/// Name of the sheet added to the copy.
pub const COLUMNS_SHEET: &str = "Colonnes";

/// The copy as xlsx bytes: every sheet's values and merges, hidden sheets hidden, an older
/// « Colonnes » sheet replaced by one holding `correction`.
pub fn corrected_copy(wb: &ReadWorkbook, correction: &Correction) -> Result<Vec<u8>, XlsxError> {
    let mut out = super::new_workbook();
    out.set_properties(&DocProperties::new().set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?));
    let mut used: Vec<String> = Vec::new();
    for sheet in wb.sheets.iter().filter(|s| !is_columns_sheet(&s.name)) {
        let name = sheet_name(&sheet.name, &used);
        used.push(name.to_lowercase());
        copy_sheet(&mut out, sheet, &name)?;
    }
    let ws = out.add_worksheet();
    ws.set_name(COLUMNS_SHEET)?;
    let bold = Format::new().set_bold();
    ws.write_string_with_format(0, 0, "Champ", &bold)?;
    ws.write_string_with_format(0, 1, "Colonne", &bold)?;
    ws.set_column_width(0, 24)?;
    ws.set_column_width(1, 40)?;
    for (i, (field, column)) in correction.sheet_rows().iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string(r, 0, field)?;
        ws.write_string(r, 1, column)?;
    }
    out.save_to_buffer()
}

fn is_columns_sheet(name: &str) -> bool {
    crate::text::fold_words(name) == "colonnes"
}

fn copy_sheet(out: &mut Workbook, sheet: &Sheet, name: &str) -> Result<(), XlsxError> {
    let ws = out.add_worksheet();
    ws.set_name(name)?;
    if !sheet.visible {
        ws.set_hidden(true);
    }
    let plain = Format::new();
    for m in &sheet.merges {
        if m.first_row == m.last_row && m.first_col == m.last_col {
            continue;
        }
        let text = sheet.get(m.first_row, m.first_col).map(Value::text).unwrap_or_default();
        ws.merge_range(m.first_row, m.first_col as u16, m.last_row, m.last_col as u16, &text, &plain)?;
    }
    for (r, cells) in &sheet.rows {
        for (c, v) in cells {
            let Ok(c) = u16::try_from(*c) else { continue };
            match v {
                Value::Number(n) => ws.write_number(*r, c, *n)?,
                Value::Bool(b) => ws.write_boolean(*r, c, *b)?,
                Value::Text(t) => ws.write_string(*r, c, t)?,
                Value::Date(d) | Value::Error(d) => ws.write_string(*r, c, d)?,
            };
        }
    }
    Ok(())
}

/// A valid, unique sheet name: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(name: &str, used: &[String]) -> String {
    let clean: String = name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .collect::<String>()
        .trim_matches('\'')
        .to_string();
    let base: String = if clean.trim().is_empty() { "Feuille".to_string() } else { clean.chars().take(31).collect() };
    let mut candidate = base.clone();
    let mut n = 2;
    while used.contains(&candidate.to_lowercase()) || candidate.eq_ignore_ascii_case(COLUMNS_SHEET) {
        let suffix = format!(" ({n})");
        candidate = base.chars().take(31 - suffix.chars().count()).collect::<String>() + &suffix;
        n += 1;
    }
    candidate
}
