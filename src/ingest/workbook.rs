//! calamine → sparse sheets. Streams xlsx/xlsb cells so a far-away cell costs nothing;
//! guards every third-party call against panics; refuses oversized inputs up front.

use std::io::{Cursor, Read, Seek};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use calamine::{Data, DataRef, Dimensions, Reader, SheetType, SheetVisible, Xls, Xlsb, Xlsx};

use super::error::ReadError;
use super::grid::{Merge, Sheet, Value};
use super::limits::Limits;
use super::xlsx_merges::SheetParts;
use crate::validate::{Code, Diagnostic};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xlsb,
    Xls,
    Ods,
    /// CSV or tab-separated text.
    Csv,
}

/// Every worksheet of a file, visible or not (hidden ones are listed without cells).
#[derive(Debug, Clone)]
pub struct Workbook {
    pub format: Format,
    pub sheets: Vec<Sheet>,
    /// Cells changed while reading (text cut, control characters removed), by cell.
    pub warnings: Vec<Diagnostic>,
}

/// Reads a spreadsheet file into sparse sheets, within `limits`.
pub fn read_workbook(path: &Path, limits: &Limits) -> Result<Workbook, ReadError> {
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => ReadError::NotFound,
        _ => ReadError::Io(crate::durable::io_fr(&e)),
    })?;
    if meta.is_dir() {
        return Err(ReadError::IsDir);
    }
    if meta.len() > limits.max_file_bytes {
        return Err(ReadError::TooLarge { size: meta.len(), max: limits.max_file_bytes });
    }
    let bytes = std::fs::read(path).map_err(|e| ReadError::Io(crate::durable::io_fr(&e)))?;
    let mut wb = read_bytes(bytes, limits)?;
    if wb.format == Format::Csv {
        // The file name is the sheet's name: it may carry the axis or the period.
        if let Some(stem) = path.file_stem() {
            wb.name_csv_sheet(&stem.to_string_lossy());
        }
    }
    Ok(wb)
}

/// Every file extension read as a plan, in the order said to people.
pub const ACCEPTED_EXTENSIONS: [&str; 6] = ["xlsx", "xlsm", "xlsb", "xls", "ods", "csv"];

/// "xlsx, xlsm, xlsb, xls, ods, csv": the accepted formats, for messages and help.
pub fn accepted_formats() -> String {
    ACCEPTED_EXTENSIONS.join(", ")
}

impl Workbook {
    /// A CSV's one sheet takes the file's name, in its warnings too.
    pub fn name_csv_sheet(&mut self, name: &str) {
        if let Some(sheet) = self.sheets.first_mut() {
            for d in self.warnings.iter_mut().filter(|d| d.sheet.as_deref() == Some(sheet.name.as_str())) {
                d.sheet = Some(name.to_string());
            }
            sheet.name = name.to_string();
        }
    }
}

/// Same as `read_workbook` on bytes already in memory.
pub fn read_bytes(bytes: Vec<u8>, limits: &Limits) -> Result<Workbook, ReadError> {
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(ReadError::TooLarge { size: bytes.len() as u64, max: limits.max_file_bytes });
    }
    let (format, zip) = sniff(&bytes, limits)?;
    let bounded = zip.map(|zip| match catch_unwind(AssertUnwindSafe(|| super::archive::bounded(zip, limits))) {
        Ok(r) => r,
        Err(_) => Err(ReadError::Damaged("le fichier est incomplet ou endommagé".into())),
    });
    let (bytes, sheets) = match bounded.transpose()? {
        Some(b) => (b.rewritten.unwrap_or(bytes), b.sheets),
        None => (bytes, SheetParts::default()),
    };
    let limits = *limits;
    match catch_unwind(AssertUnwindSafe(move || parse(format, bytes, &limits, &sheets))) {
        Ok(r) => r,
        Err(_) => {
            Err(ReadError::Damaged("le fichier est incomplet ou endommagé (structure interne incohérente)".into()))
        }
    }
}

/// An open zip archive over the file's bytes.
type Zip<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

/// The file's format, with its archive (opened once) when zip-based.
fn sniff<'a>(bytes: &'a [u8], limits: &Limits) -> Result<(Format, Option<Zip<'a>>), ReadError> {
    const CFB: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if bytes.starts_with(CFB) {
        // An encrypted OOXML file is a CFB container holding "EncryptionInfo".
        let marker: Vec<u8> = "EncryptionInfo".encode_utf16().flat_map(u16::to_le_bytes).collect();
        if bytes.windows(marker.len()).any(|w| w == marker.as_slice()) {
            return Err(ReadError::Protected);
        }
        return Ok((Format::Xls, None));
    }
    if !bytes.starts_with(b"PK") {
        return if super::csv_text::looks_like_csv(bytes) {
            Ok((Format::Csv, None))
        } else {
            Err(ReadError::NotSpreadsheet)
        };
    }
    let inspect = catch_unwind(AssertUnwindSafe(|| zip_format(bytes, limits)));
    inspect.unwrap_or_else(|_| Err(ReadError::Damaged("le fichier est incomplet ou endommagé".into())))
}

fn zip_format<'a>(bytes: &'a [u8], limits: &Limits) -> Result<(Format, Option<Zip<'a>>), ReadError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| {
        ReadError::Damaged("le fichier est incomplet ou endommagé (archive zip tronquée ou abîmée)".into())
    })?;
    let mut total: u64 = 0;
    let mut format = None;
    let mut encrypted = false;
    for i in 0..zip.len() {
        let Ok(f) = zip.by_index_raw(i) else { continue };
        total = total.saturating_add(f.size());
        encrypted |= f.encrypted();
        let name = f.name().map(|n| n.to_ascii_lowercase()).unwrap_or_default();
        if name == "xl/workbook.bin" {
            format = Some(Format::Xlsb);
        } else if name.ends_with("workbook.xml") && format.is_none() {
            format = Some(Format::Xlsx);
        } else if name == "content.xml" {
            format = Some(Format::Ods);
        }
    }
    if total > limits.max_unzipped_bytes {
        return Err(ReadError::ZipBomb { size: total, max: limits.max_unzipped_bytes });
    }
    if encrypted {
        return Err(ReadError::Protected);
    }
    Ok((format.ok_or(ReadError::NotSpreadsheet)?, Some(zip)))
}

fn parse(format: Format, bytes: Vec<u8>, limits: &Limits, sheets: &SheetParts) -> Result<Workbook, ReadError> {
    let merges = match format {
        Format::Xlsx => super::xlsx_merges::xlsx_merges(sheets),
        _ => Default::default(),
    };
    let mut cells = CellReader::new(limits);
    if format == Format::Csv {
        let (mut sheet, mixed) = super::csv_text::read_csv(&bytes, "CSV", limits)?;
        cells.clean_sheet(&mut sheet);
        let mut warnings: Vec<Diagnostic> = mixed.into_iter().collect();
        warnings.extend(cells.warnings());
        return Ok(Workbook { format, sheets: vec![sheet], warnings });
    }
    if format == Format::Ods {
        let sheets = super::ods_cells::read_ods(&bytes, &mut cells)?;
        return Ok(Workbook { format, sheets, warnings: cells.warnings() });
    }
    let cursor = Cursor::new(bytes);
    let sheets = match format {
        Format::Xlsx => read_xlsx(Xlsx::new(cursor).map_err(|e| calamine_error(e.into()))?, &mut cells, merges)?,
        Format::Xlsb => read_xlsb(Xlsb::new(cursor).map_err(|e| calamine_error(e.into()))?, &mut cells)?,
        Format::Xls => read_xls(Xls::new(cursor).map_err(|e| calamine_error(e.into()))?, &mut cells)?,
        Format::Ods | Format::Csv => Vec::new(),
    };
    Ok(Workbook { format, sheets, warnings: cells.warnings() })
}

fn calamine_error(e: calamine::Error) -> ReadError {
    let lower = e.to_string().to_ascii_lowercase();
    if lower.contains("password") {
        ReadError::Protected
    } else if lower.contains("limit exceeded") {
        ReadError::Oversized
    } else {
        ReadError::Damaged(damage_fr(&lower))
    }
}

/// A parser's (English) complaint as a French reason.
pub fn damage_fr(lower: &str) -> String {
    let why = if lower.contains("eocd") || lower.contains("end of central") || lower.contains("eof") {
        "fin du fichier manquante, il est sans doute tronqué"
    } else if lower.contains("zip") {
        "archive zip abîmée"
    } else if lower.contains("xml") || lower.contains("tag") || lower.contains("attribute") {
        "contenu XML invalide"
    } else if lower.contains("not found") || lower.contains("missing") || lower.contains("cannot find") {
        "une partie du classeur est manquante"
    } else if lower.contains("utf") || lower.contains("encoding") {
        "texte mal encodé"
    } else {
        "structure interne incohérente"
    };
    format!("le fichier est incomplet ou endommagé ({why})")
}

/// Worksheets only (no chart sheets), with their visibility.
fn worksheets(metas: &[calamine::Sheet]) -> Vec<(String, bool)> {
    metas
        .iter()
        .filter(|m| m.typ == SheetType::WorkSheet)
        .map(|m| (m.name.clone(), m.visible == SheetVisible::Visible))
        .collect()
}

fn read_xlsx<RS: Read + Seek>(
    mut wb: Xlsx<RS>,
    cells: &mut CellReader,
    mut merges: std::collections::HashMap<String, Vec<Merge>>,
) -> Result<Vec<Sheet>, ReadError> {
    let mut out = Vec::new();
    for (name, visible) in worksheets(wb.sheets_metadata()) {
        let mut sheet = Sheet::new(&name, visible);
        if visible {
            let mut reader = wb.worksheet_cells_reader(&name).map_err(|e| calamine_error(e.into()))?;
            while let Some(cell) = reader.next_cell().map_err(|e| calamine_error(e.into()))? {
                let (r, c) = cell.get_position();
                cells.push(&mut sheet, r, c, from_ref(cell.get_value()))?;
            }
            sheet.set_merges(merges.remove(&name).unwrap_or_default());
        }
        out.push(sheet);
    }
    Ok(out)
}

fn read_xlsb<RS: Read + Seek>(mut wb: Xlsb<RS>, cells: &mut CellReader) -> Result<Vec<Sheet>, ReadError> {
    let mut out = Vec::new();
    for (name, visible) in worksheets(wb.sheets_metadata()) {
        let mut sheet = Sheet::new(&name, visible);
        if visible {
            let mut reader = wb.worksheet_cells_reader(&name).map_err(|e| calamine_error(e.into()))?;
            while let Some(cell) = reader.next_cell().map_err(|e| calamine_error(e.into()))? {
                let (r, c) = cell.get_position();
                cells.push(&mut sheet, r, c, from_ref(cell.get_value()))?;
            }
        }
        out.push(sheet);
    }
    Ok(out)
}

fn read_xls<RS: Read + Seek>(wb: Xls<RS>, cells: &mut CellReader) -> Result<Vec<Sheet>, ReadError> {
    read_dense(wb, cells, |wb: &Xls<RS>, name: &str| wb.merge_cells_by_sheet_name(name).unwrap_or_default())
}

/// Formats whose reader hands over a dense range (xls): refuse oversized ones.
fn read_dense<RS, R, F>(mut wb: R, cells: &mut CellReader, merges_of: F) -> Result<Vec<Sheet>, ReadError>
where
    RS: Read + Seek,
    R: Reader<RS>,
    R::Error: Into<calamine::Error>,
    F: Fn(&R, &str) -> Vec<Dimensions>,
{
    let mut out = Vec::new();
    for (name, visible) in worksheets(wb.sheets_metadata()) {
        let mut sheet = Sheet::new(&name, visible);
        if visible {
            let range = wb.worksheet_range(&name).map_err(|e| calamine_error(e.into()))?;
            let (h, w) = range.get_size();
            let limits = cells.limits;
            if (h as u64).saturating_mul(w as u64) > limits.max_dense_area {
                return Err(ReadError::SheetTooLarge { sheet: name, max: limits.max_dense_area });
            }
            let (r0, c0) = range.start().unwrap_or((0, 0));
            for (r, c, v) in range.used_cells() {
                if let Some(v) = from_data(v) {
                    cells.push(&mut sheet, r0 + r as u32, c0 + c as u32, Some(v))?;
                }
            }
            sheet.set_merges(to_merges(merges_of(&wb, &name), &limits));
        }
        out.push(sheet);
    }
    Ok(out)
}

/// Most warnings of one kind listed cell by cell; the rest are counted.
const MAX_CELL_WARNINGS: usize = 50;

/// Puts cells into sheets within the limits, cleaning their text: over-long text cut,
/// control characters removed, each change a warning citing the cell.
struct CellReader {
    limits: Limits,
    cut: Vec<Diagnostic>,
    cut_more: usize,
    control: Vec<Diagnostic>,
    control_more: usize,
    glyphs: Vec<Diagnostic>,
    glyphs_more: usize,
    text_bytes: u64,
    /// Per character below `DRAWABLE_SEEN`: 0 not looked up yet, 1 drawable, 2 not.
    drawable_seen: Vec<u8>,
}

/// Characters the regular face draws (Latin-1 and extended Latin, combining accents,
/// typographic punctuation, currency signs), known without loading a font: French text
/// is read and checked with no font parsed (tested against `fonts::drawable`).
const SURELY_DRAWABLE: [(char, char); 6] = [
    ('\u{A0}', '\u{36F}'),
    ('\u{2000}', '\u{2010}'),
    ('\u{2012}', '\u{2022}'),
    ('\u{2026}', '\u{2026}'),
    ('\u{2039}', '\u{203A}'),
    ('\u{20A0}', '\u{20B5}'),
];

/// Characters below this have their drawability remembered (Latin, Greek, Cyrillic…,
/// general punctuation, currency signs).
const DRAWABLE_SEEN: usize = 0x2100;

impl super::ods_cells::CellSink for CellReader {
    fn cell(&mut self, sheet: &mut Sheet, row: u32, col: u32, value: Value) -> Result<(), ReadError> {
        self.push(sheet, row, col, Some(value))
    }
    fn max_cells(&self) -> usize {
        self.limits.max_cells_per_sheet
    }
    fn max_merges(&self) -> usize {
        self.limits.max_merges
    }
}

impl CellReader {
    fn new(limits: &Limits) -> Self {
        CellReader {
            limits: *limits,
            cut: Vec::new(),
            cut_more: 0,
            control: Vec::new(),
            control_more: 0,
            glyphs: Vec::new(),
            glyphs_more: 0,
            text_bytes: 0,
            drawable_seen: vec![0; DRAWABLE_SEEN],
        }
    }

    fn push(&mut self, sheet: &mut Sheet, row: u32, col: u32, v: Option<Value>) -> Result<(), ReadError> {
        let Some(mut v) = v else { return Ok(()) };
        if sheet.cell_count >= self.limits.max_cells_per_sheet {
            return Err(ReadError::SheetTooLarge {
                sheet: sheet.name.clone(),
                max: self.limits.max_cells_per_sheet as u64,
            });
        }
        if let Value::Text(t) = &mut v {
            self.clean(t, &sheet.name, row, col);
            self.text_bytes += t.len() as u64;
            if self.text_bytes > self.limits.max_text_bytes {
                return Err(ReadError::TooMuchText { max: self.limits.max_text_bytes });
            }
        }
        sheet.push(row, col, v);
        Ok(())
    }

    /// Cleans the text of a sheet read by another reader (CSV).
    fn clean_sheet(&mut self, sheet: &mut Sheet) {
        let name = sheet.name.clone();
        for (r, row) in sheet.rows.iter_mut() {
            for (c, v) in row.iter_mut() {
                if let Value::Text(t) = v {
                    self.clean(t, &name, *r, *c);
                }
            }
        }
    }

    fn clean(&mut self, t: &mut String, sheet: &str, row: u32, col: u32) {
        let place = || Some(crate::text::a1(row, col));
        if may_hold_control(t) && t.chars().any(is_control) {
            let n = t.chars().filter(|c| is_control(*c)).count();
            t.retain(|c| !is_control(c));
            if self.control.len() < MAX_CELL_WARNINGS {
                let msg = format!(
                    "{n} caractère{s} de contrôle invisible{s} (copié{s} depuis un autre logiciel) retiré{s} du texte.",
                    s = if n > 1 { "s" } else { "" }
                );
                self.control.push(Diagnostic::new(Code::CaracteresControle, msg).at(sheet, place()));
            } else {
                self.control_more += 1;
            }
        }
        let max = self.limits.max_cell_chars;
        if t.len() > max {
            if let Some((cut_at, _)) = t.char_indices().nth(max) {
                t.truncate(cut_at);
                if self.cut.len() < MAX_CELL_WARNINGS {
                    let msg = format!(
                        "Texte de plus de {max} caractères (la limite d'une cellule Excel) : coupé après le {max}e caractère."
                    );
                    self.cut.push(Diagnostic::new(Code::TexteTronque, msg).at(sheet, place()));
                } else {
                    self.cut_more += 1;
                }
            }
        }
        self.undrawable(t, sheet, row, col);
    }

    /// Characters no embedded font draws (private use, scripts not shipped): they stay in
    /// the text and the annex, and are printed as "�" in the PDFs.
    fn undrawable(&mut self, t: &str, sheet: &str, row: u32, col: u32) {
        if t.is_ascii() {
            return;
        }
        let mut missing: Vec<char> = Vec::new();
        for c in t.chars().filter(|c| !c.is_ascii() && !self.drawable(*c)) {
            if !missing.contains(&c) {
                missing.push(c);
            }
        }
        if missing.is_empty() {
            return;
        }
        if self.glyphs.len() >= MAX_CELL_WARNINGS {
            self.glyphs_more += 1;
            return;
        }
        let n = missing.len();
        let list: Vec<String> = missing.iter().take(5).map(|c| format!("U+{:04X}", u32::from(*c))).collect();
        let msg = format!(
            "{n} caractère{s} qu'aucune police embarquée ne sait dessiner ({}{}) : imprimé{s} « \u{FFFD} » dans les PDF, gardé{s} dans l'annexe XLSX.",
            list.join(", "),
            if n > 5 { ", …" } else { "" },
            s = if n > 1 { "s" } else { "" }
        );
        self.glyphs.push(Diagnostic::new(Code::CaractereNonImprimable, msg).at(sheet, Some(crate::text::a1(row, col))));
    }

    /// `fonts::drawable`, remembered for the first characters of Unicode (accented
    /// letters, typographic punctuation): most text of a plan repeats a few of them.
    fn drawable(&mut self, c: char) -> bool {
        if SURELY_DRAWABLE.iter().any(|(a, b)| (*a..=*b).contains(&c)) {
            return true;
        }
        let Some(slot) = self.drawable_seen.get_mut(c as usize) else {
            return crate::layout::fonts::drawable(c);
        };
        if *slot == 0 {
            *slot = if crate::layout::fonts::drawable(c) { 1 } else { 2 };
        }
        *slot == 1
    }

    fn warnings(self) -> Vec<Diagnostic> {
        let mut out = self.cut;
        if self.cut_more > 0 {
            out.push(Diagnostic::new(
                Code::TexteTronque,
                format!("{} autres cellules au texte trop long, coupé de même.", self.cut_more),
            ));
        }
        out.extend(self.control);
        if self.control_more > 0 {
            out.push(Diagnostic::new(
                Code::CaracteresControle,
                format!("{} autres cellules dont les caractères de contrôle ont été retirés.", self.control_more),
            ));
        }
        out.extend(self.glyphs);
        if self.glyphs_more > 0 {
            out.push(Diagnostic::new(
                Code::CaractereNonImprimable,
                format!("{} autres cellules ont des caractères qu'aucune police ne dessine.", self.glyphs_more),
            ));
        }
        out
    }
}

/// False when `t` surely holds no `is_control` character, by a byte scan: no C0 byte but
/// tab and line breaks, no DEL, no lead byte of a C1 control (C2) or of U+FEFF (EF).
fn may_hold_control(t: &str) -> bool {
    t.bytes().any(|b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7f || b == 0xc2 || b == 0xef)
}

/// C0 and C1 control characters, but tab and line breaks.
fn is_control(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{FEFF}'
}

fn to_merges(dims: Vec<Dimensions>, limits: &Limits) -> Vec<Merge> {
    dims.into_iter()
        .take(limits.max_merges)
        .map(|d| Merge { first_row: d.start.0, first_col: d.start.1, last_row: d.end.0, last_col: d.end.1 })
        .collect()
}

/// A cached formula result shown as an error literal is an error, whatever its cell type.
pub(super) fn text_value(s: &str) -> Value {
    const ERRORS: [&str; 8] = ["#REF!", "#N/A", "#DIV/0!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#DATA!"];
    let t = s.trim();
    if ERRORS.contains(&t) {
        Value::Error(t.to_string())
    } else {
        Value::Text(s.to_string())
    }
}

fn from_ref(v: &DataRef<'_>) -> Option<Value> {
    Some(match v {
        DataRef::Int(i) => Value::Number(*i as f64),
        DataRef::Float(f) => Value::Number(*f),
        DataRef::String(s) => text_value(s),
        DataRef::SharedString(s) => text_value(s),
        DataRef::Bool(b) => Value::Bool(*b),
        DataRef::DateTime(d) => date_value(d),
        DataRef::DateTimeIso(s) => Value::Date(s.clone()),
        DataRef::DurationIso(s) => Value::Text(s.clone()),
        DataRef::Error(e) => Value::Error(e.to_string()),
        DataRef::Empty => return None,
    })
}

fn from_data(v: &Data) -> Option<Value> {
    Some(match v {
        Data::Int(i) => Value::Number(*i as f64),
        Data::Float(f) => Value::Number(*f),
        Data::String(s) => text_value(s),
        Data::Bool(b) => Value::Bool(*b),
        Data::DateTime(d) => date_value(d),
        Data::DateTimeIso(s) => Value::Date(s.clone()),
        Data::DurationIso(s) => Value::Text(s.clone()),
        Data::Error(e) => Value::Error(e.to_string()),
        Data::Empty => return None,
    })
}

fn date_value(d: &calamine::ExcelDateTime) -> Value {
    match d.as_datetime() {
        Some(dt) if d.is_datetime() => {
            if dt.time() == chrono::NaiveTime::MIN {
                Value::Date(dt.date().format("%Y-%m-%d").to_string())
            } else {
                Value::Date(dt.format("%Y-%m-%d %H:%M").to_string())
            }
        }
        _ => Value::Number(d.as_f64()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surely_drawable_characters_are_drawable() {
        for (a, b) in SURELY_DRAWABLE {
            for c in a..=b {
                assert!(crate::layout::fonts::drawable(c), "U+{:04X}", u32::from(c));
            }
        }
    }
}
