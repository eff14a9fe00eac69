//! OpenDocument spreadsheets (.ods) → sparse sheets, streamed from `content.xml`.
//!
//! Written here rather than taken from calamine because calamine's ODS reader expands
//! every sheet into a dense rectangle (a single note typed at row 400,000 costs
//! 400,000 × width cells, ≈ 160 MB) and does not expose merged areas. Here repeated
//! rows and columns (`number-rows-repeated`, `number-columns-repeated`) are expanded
//! only when they hold something, so memory follows the cells that are filled, and
//! `number-columns-spanned` / `number-rows-spanned` give the merges, as for xlsx.
//! Values are read as calamine reads them (cached results of formulas, dates as ISO
//! text, paragraphs joined by line breaks, annotations left out).

use std::collections::HashMap;
use std::io::{BufReader, Cursor, Read};

use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use super::error::ReadError;
use super::grid::{Merge, Sheet, Value};

/// The largest sheet an ODS may describe (LibreOffice's own limits).
const MAX_ROWS: u64 = 1_048_576;
const MAX_COLUMNS: u64 = 16_384;

/// Where the cells read go: the caller checks limits and cleans text.
pub trait CellSink {
    fn cell(&mut self, sheet: &mut Sheet, row: u32, col: u32, value: Value) -> Result<(), ReadError>;
    /// The most cells one sheet may hold.
    fn max_cells(&self) -> usize;
    fn max_merges(&self) -> usize;
}

/// Reads every table of the archive's `content.xml`; hidden tables are listed without cells.
pub fn read_ods(bytes: &[u8], sink: &mut dyn CellSink) -> Result<Vec<Sheet>, ReadError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| damaged("archive zip abîmée"))?;
    if manifest_says_encrypted(&mut zip) {
        return Err(ReadError::Protected);
    }
    let part = zip.by_name("content.xml").map_err(|_| damaged("une partie du classeur est manquante"))?;
    let mut xml = Reader::from_reader(BufReader::new(part));
    let config = xml.config_mut();
    config.expand_empty_elements = true;
    config.check_end_names = false;
    config.trim_text(false);
    let mut doc = Document { xml, buf: Vec::with_capacity(4096), hidden_styles: HashMap::new(), style: None };
    let mut sheets = Vec::new();
    loop {
        match doc.next()? {
            Event::Start(e) if e.name().as_ref() == "style:style" => doc.style = attr(&e, "style:name")?,
            Event::Start(e) if e.name().as_ref() == "style:table-properties" => {
                if let (Some(style), Some(display)) = (doc.style.clone(), attr(&e, "table:display")?) {
                    doc.hidden_styles.insert(style, display == "false");
                }
            }
            Event::Start(e) if e.name().as_ref() == "table:table" => {
                let name = attr(&e, "table:name")?.unwrap_or_default();
                let style = attr(&e, "table:style-name")?;
                let hidden = style.and_then(|s| doc.hidden_styles.get(&s).copied()).unwrap_or(false);
                let mut sheet = Sheet::new(&name, !hidden);
                doc.read_table(&mut sheet, sink, hidden)?;
                sheets.push(sheet);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(sheets)
}

fn damaged(why: &str) -> ReadError {
    ReadError::Damaged(format!("le fichier est incomplet ou endommagé ({why})"))
}

fn xml_error(e: quick_xml::Error) -> ReadError {
    ReadError::Damaged(super::workbook::damage_fr(&format!("xml {e}").to_ascii_lowercase()))
}

/// An ODS whose parts are encrypted says so in its manifest (zip entries stay plain).
fn manifest_says_encrypted<R: Read + std::io::Seek>(zip: &mut zip::ZipArchive<R>) -> bool {
    let Ok(part) = zip.by_name("META-INF/manifest.xml") else { return false };
    let mut text = String::new();
    // The manifest is small; read at most 1 MB of it.
    part.take(1 << 20).read_to_string(&mut text).is_ok() && text.contains("encryption-data")
}

/// An attribute's unescaped value.
fn attr(e: &BytesStart<'_>, name: &str) -> Result<Option<String>, ReadError> {
    for a in e.attributes().with_checks(false) {
        let a = a.map_err(|e| xml_error(e.into()))?;
        if a.key.as_ref() == name {
            return Ok(Some(a.normalized_value(XmlVersion::Implicit1_0).map_err(xml_error)?.into_owned()));
        }
    }
    Ok(None)
}

/// A count attribute (repeats, spans): 1 when absent, saturated when absurd.
fn count(e: &BytesStart<'_>, name: &str) -> Result<u64, ReadError> {
    Ok(match attr(e, name)? {
        Some(v) => v.trim().parse::<u64>().map_err(|_| damaged("contenu XML invalide"))?.max(1),
        None => 1,
    })
}

struct Document<R: std::io::BufRead> {
    xml: Reader<R>,
    buf: Vec<u8>,
    /// Table style name → hidden (`table:display="false"`).
    hidden_styles: HashMap<String, bool>,
    /// The style being declared.
    style: Option<String>,
}

/// One cell as read: its value and how far it spans and repeats.
struct CellRead {
    value: Option<Value>,
    repeat: u64,
    span_cols: u64,
    span_rows: u64,
}

impl<R: std::io::BufRead> Document<R> {
    fn next(&mut self) -> Result<Event<'static>, ReadError> {
        self.buf.clear();
        let event = self.xml.read_event_into(&mut self.buf).map_err(xml_error)?;
        Ok(event.into_owned())
    }

    /// Rows of one table, up to its end. Rows of a hidden table are skipped.
    fn read_table(&mut self, sheet: &mut Sheet, sink: &mut dyn CellSink, hidden: bool) -> Result<(), ReadError> {
        let mut row: u64 = 0;
        let mut merges = Vec::new();
        loop {
            match self.next()? {
                Event::Start(e) if e.name().as_ref() == "table:table-row" => {
                    let repeat = count(&e, "table:number-rows-repeated")?;
                    let cells = self.read_row(row, &mut merges)?;
                    if !hidden && !cells.is_empty() {
                        put_rows(sheet, sink, row, repeat, &cells)?;
                    }
                    row = row.saturating_add(repeat);
                }
                Event::End(e) if e.name().as_ref() == "table:table" => break,
                Event::Eof => return Err(damaged("fin du fichier manquante, il est sans doute tronqué")),
                _ => {}
            }
        }
        if !hidden {
            merges.truncate(sink.max_merges());
            sheet.set_merges(merges);
        }
        Ok(())
    }

    /// The filled cells of one row (column, value), with the merges that start in it.
    fn read_row(&mut self, row: u64, merges: &mut Vec<Merge>) -> Result<Vec<(u64, Value)>, ReadError> {
        let mut col: u64 = 0;
        let mut cells = Vec::new();
        loop {
            match self.next()? {
                Event::Start(e) if matches!(e.name().as_ref(), "table:table-cell" | "table:covered-table-cell") => {
                    let cell = self.read_cell(&e)?;
                    if cell.span_cols > 1 || cell.span_rows > 1 {
                        merges.push(merge_at(row, col, &cell));
                    }
                    if let Some(value) = cell.value {
                        for i in 0..cell.repeat.min(MAX_COLUMNS.saturating_sub(col)) {
                            cells.push((col + i, value.clone()));
                        }
                    }
                    col = col.saturating_add(cell.repeat);
                }
                Event::End(e) if e.name().as_ref() == "table:table-row" => return Ok(cells),
                Event::Eof => return Err(damaged("fin du fichier manquante, il est sans doute tronqué")),
                _ => {}
            }
        }
    }

    /// A cell's value from its attributes, or from its paragraphs for text.
    fn read_cell(&mut self, e: &BytesStart<'_>) -> Result<CellRead, ReadError> {
        let mut value = None;
        let mut kind = None;
        let mut error = false;
        for a in e.attributes().with_checks(false) {
            let a = a.map_err(|e| xml_error(e.into()))?;
            let text = || a.normalized_value(XmlVersion::Implicit1_0).map(|v| v.into_owned()).map_err(xml_error);
            match a.key.as_ref() {
                "office:value" if value.is_none() => {
                    let t = text()?;
                    let n = t.trim().parse::<f64>().map_err(|_| damaged("contenu XML invalide"))?;
                    value = Some(Value::Number(n));
                }
                "office:string-value" if value.is_none() => value = Some(super::workbook::text_value(&text()?)),
                "office:date-value" if value.is_none() => value = Some(Value::Date(text()?)),
                "office:time-value" if value.is_none() => value = Some(Value::Text(text()?)),
                "office:boolean-value" if value.is_none() => {
                    value = Some(Value::Bool(matches!(text()?.as_str(), "true" | "TRUE")))
                }
                "office:value-type" => kind = Some(text()?),
                "calcext:value-type" => error = text()? == "error",
                _ => {}
            }
        }
        let from_paragraphs = match &value {
            None => kind.as_deref().is_none_or(|k| k == "string"),
            Some(Value::Text(t)) => error && t.is_empty(),
            _ => false,
        };
        let paragraphs = self.cell_text(e.name().as_ref())?;
        if from_paragraphs && (kind.is_some() || !paragraphs.is_empty()) {
            value = Some(super::workbook::text_value(&paragraphs));
        }
        let value = value.filter(|v| !matches!(v, Value::Text(t) if t.is_empty()));
        Ok(CellRead {
            value,
            repeat: count(e, "table:number-columns-repeated")?,
            span_cols: count(e, "table:number-columns-spanned")?,
            span_rows: count(e, "table:number-rows-spanned")?,
        })
    }

    /// The text of a cell's paragraphs, up to the cell's end: paragraphs and line breaks
    /// as new lines, `text:s` as spaces, annotations left out.
    fn cell_text(&mut self, cell: &str) -> Result<String, ReadError> {
        let mut s = String::new();
        let mut paragraphs = 0;
        let mut in_note = 0u32;
        loop {
            match self.next()? {
                Event::End(e) if e.name().as_ref() == cell => return Ok(s),
                Event::Start(e) if e.name().as_ref() == "office:annotation" => in_note += 1,
                Event::End(e) if e.name().as_ref() == "office:annotation" => in_note = in_note.saturating_sub(1),
                _ if in_note > 0 => {}
                Event::Text(t) => s.push_str(&t.xml10_content()),
                Event::CData(t) => s.push_str(&t),
                Event::GeneralRef(r) => push_entity(&r, &mut s)?,
                Event::Start(e) => match e.name().as_ref() {
                    "text:p" | "text:h" => {
                        if paragraphs > 0 {
                            s.push('\n');
                        }
                        paragraphs += 1;
                    }
                    "text:s" => {
                        let n = count(&e, "text:c")?.min(super::limits::Limits::default().max_cell_chars as u64);
                        s.extend(std::iter::repeat_n(' ', n as usize));
                    }
                    "text:tab" => s.push('\t'),
                    "text:line-break" => s.push('\n'),
                    _ => {}
                },
                Event::Eof => return Err(damaged("fin du fichier manquante, il est sans doute tronqué")),
                _ => {}
            }
        }
    }
}

fn push_entity(r: &BytesRef<'_>, s: &mut String) -> Result<(), ReadError> {
    if let Some(t) = quick_xml::escape::resolve_xml_entity(r) {
        s.push_str(t);
    } else if let Some(c) = r.resolve_char_ref().map_err(xml_error)? {
        s.push(c);
    } else {
        return Err(damaged("contenu XML invalide"));
    }
    Ok(())
}

fn merge_at(row: u64, col: u64, cell: &CellRead) -> Merge {
    let clamp = |v: u64, max: u64| v.min(max - 1) as u32;
    Merge {
        first_row: clamp(row, MAX_ROWS),
        first_col: clamp(col, MAX_COLUMNS),
        last_row: clamp(row.saturating_add(cell.span_rows - 1), MAX_ROWS),
        last_col: clamp(col.saturating_add(cell.span_cols - 1), MAX_COLUMNS),
    }
}

/// Puts a row's filled cells into the sheet, `repeat` times; refuses, before expanding
/// anything, a repetition that would go past the sheet's cell limit or its last row.
fn put_rows(
    sheet: &mut Sheet,
    sink: &mut dyn CellSink,
    row: u64,
    repeat: u64,
    cells: &[(u64, Value)],
) -> Result<(), ReadError> {
    let wanted = (cells.len() as u64).saturating_mul(repeat).saturating_add(sheet.cell_count as u64);
    let too_large = || ReadError::SheetTooLarge { sheet: sheet.name.clone(), max: sink.max_cells() as u64 };
    if wanted > sink.max_cells() as u64 || row.saturating_add(repeat) > MAX_ROWS {
        return Err(too_large());
    }
    for r in row..row + repeat {
        for (c, v) in cells {
            sink.cell(sheet, r as u32, *c as u32, v.clone())?;
        }
    }
    Ok(())
}
