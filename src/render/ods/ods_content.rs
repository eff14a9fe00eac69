//! content.xml of the ODS: cell formats as automatic styles, then each sheet as a table
//! (column widths, row heights, cells, header rows, print range), then autofilters.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::xlsx_parts::{Book, Cell, CellFormat, Row, Sheet, Value};
use crate::text::column_letters;

pub const NAMESPACES: &str = concat!(
    r#"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" "#,
    r#"xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" "#,
    r#"xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" "#,
    r#"xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" "#,
    r#"xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" "#,
    r#"xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" "#,
    r#"xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" "#,
    r#"xmlns:dc="http://purl.org/dc/elements/1.1/" "#,
    r#"xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" "#,
    r#"xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" "#,
    r#"xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" "#,
    r#"xmlns:xlink="http://www.w3.org/1999/xlink" "#,
    r#"office:version="1.3""#
);

/// `s` escaped for XML text or attributes; characters XML 1.0 cannot hold are dropped.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Points a column `w` Excel units wide is given: LibreOffice opens an XLSX column of
/// `w` units (7 pixels each, as stored) as `7 w` points; the same here, so that both
/// files show and print alike in it.
pub fn column_points(w: f64) -> f64 {
    (w * 7.0).round()
}

/// Excel's default column: 8.43 units.
const DEFAULT_WIDTH: f64 = 8.43 + 5.0 / 7.0;
const DEFAULT_ROW_PT: f64 = 15.0;

/// A range as ODF writes it: 'Sheet'.A1:'Sheet'.W26.
pub fn range_address(sheet: &str, (r1, c1, r2, c2): (u32, u32, u32, u32)) -> String {
    let q = format!("'{}'", sheet.replace('\'', "''"));
    format!("{q}.{}{}:{q}.{}{}", column_letters(c1), r1 + 1, column_letters(c2), r2 + 1)
}

/// Column and row styles, shared by width and height.
#[derive(Default)]
struct Sizes {
    columns: BTreeMap<u64, usize>,
    rows: BTreeMap<u64, usize>,
}

impl Sizes {
    fn column(&mut self, pt: f64) -> String {
        let n = self.columns.len();
        format!("co{}", self.columns.entry((pt * 100.0).round() as u64).or_insert(n))
    }
    fn row(&mut self, pt: f64) -> String {
        let n = self.rows.len() + 1;
        format!("ro{}", self.rows.entry((pt * 100.0).round() as u64).or_insert(n))
    }
}

pub fn content_xml(book: &Book) -> String {
    let mut sizes = Sizes::default();
    let mut tables = String::new();
    let mut objects = 0;
    for (i, sheet) in book.sheets.iter().enumerate() {
        table(&mut tables, i, sheet, book, &mut sizes, objects);
        objects += sheet.charts.len();
    }
    let mut out = String::new();
    out.push_str(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = write!(out, "<office:document-content {NAMESPACES}>");
    out.push_str(r#"<office:font-face-decls><style:font-face style:name="Calibri" svg:font-family="Calibri" style:font-family-generic="swiss" style:font-pitch="variable"/></office:font-face-decls>"#);
    out.push_str("<office:automatic-styles>");
    for (pt, n) in &sizes.columns {
        let _ = write!(
            out,
            r#"<style:style style:name="co{n}" style:family="table-column"><style:table-column-properties fo:break-before="auto" style:column-width="{}pt"/></style:style>"#,
            *pt as f64 / 100.0
        );
    }
    let _ = write!(
        out,
        r#"<style:style style:name="ro0" style:family="table-row"><style:table-row-properties style:row-height="{DEFAULT_ROW_PT}pt" fo:break-before="auto" style:use-optimal-row-height="false"/></style:style>"#
    );
    for (pt, n) in &sizes.rows {
        let _ = write!(
            out,
            r#"<style:style style:name="ro{n}" style:family="table-row"><style:table-row-properties style:row-height="{}pt" fo:break-before="auto" style:use-optimal-row-height="false"/></style:style>"#,
            *pt as f64 / 100.0
        );
    }
    for (i, sheet) in book.sheets.iter().enumerate() {
        let display = if sheet.hidden { "false" } else { "true" };
        let _ = write!(
            out,
            r#"<style:style style:name="ta{i}" style:family="table" style:master-page-name="mp{i}"><style:table-properties table:display="{display}" style:writing-mode="lr-tb"/></style:style>"#
        );
    }
    for (i, f) in book.formats.iter().enumerate() {
        super::ods_cell_style::cell_style(&mut out, i, f);
    }
    out.push_str("</office:automatic-styles><office:body><office:spreadsheet>");
    out.push_str(&tables);
    filters(&mut out, book);
    out.push_str("</office:spreadsheet></office:body></office:document-content>");
    out
}

fn filters(out: &mut String, book: &Book) {
    let with: Vec<(usize, &Sheet)> = book.sheets.iter().enumerate().filter(|(_, s)| s.autofilter.is_some()).collect();
    if with.is_empty() {
        return;
    }
    out.push_str("<table:database-ranges>");
    for (i, s) in with {
        let Some(r) = s.autofilter else { continue };
        let _ = write!(
            out,
            r#"<table:database-range table:name="__Anonymous_Sheet_DB__{i}" table:target-range-address="{}" table:display-filter-buttons="true"/>"#,
            esc(&range_address(&s.name, r))
        );
    }
    out.push_str("</table:database-ranges>");
}

/// The last column a sheet uses (cells, widths, print area).
fn last_column(sheet: &Sheet) -> u32 {
    let cells = sheet.rows.values().flat_map(|r| r.cells.iter().map(|c| c.col)).max().unwrap_or(0);
    let widths = sheet.widths.keys().next_back().copied().unwrap_or(0);
    cells.max(widths).max(sheet.print_area.map_or(0, |a| a.3))
}

/// Sheet `i`, whose charts are objects `objects + 1`, `objects + 2`…
fn table(out: &mut String, i: usize, sheet: &Sheet, book: &Book, sizes: &mut Sizes, objects: usize) {
    let mut frames: BTreeMap<(u32, u32), String> = BTreeMap::new();
    for (k, chart) in sheet.charts.iter().enumerate() {
        super::ods_charts::frame(
            frames.entry((chart.from.0, chart.from.1)).or_default(),
            sheet,
            chart,
            objects + k + 1,
        );
    }
    let _ = write!(out, r#"<table:table table:name="{}" table:style-name="ta{i}""#, esc(&sheet.name));
    if let Some(area) = sheet.print_area {
        let _ = write!(out, r#" table:print-ranges="{}""#, esc(&range_address(&sheet.name, area)));
    }
    out.push('>');
    let ncols = last_column(sheet) + 1;
    let mut c = 0;
    while c < ncols {
        let w = sheet.widths.get(&c).copied().unwrap_or(DEFAULT_WIDTH);
        let mut n = 1;
        while c + n < ncols && sheet.widths.get(&(c + n)).copied().unwrap_or(DEFAULT_WIDTH) == w {
            n += 1;
        }
        let style = sizes.column(column_points(w));
        let _ = write!(out, r#"<table:table-column table:style-name="{style}""#);
        if n > 1 {
            let _ = write!(out, r#" table:number-columns-repeated="{n}""#);
        }
        out.push_str(r#" table:default-cell-style-name="Default"/>"#);
        c += n;
    }
    let last_row = sheet.rows.keys().next_back().copied().unwrap_or(0).max(sheet.repeat_rows.map_or(0, |r| r.1));
    let empty = Row::default();
    let mut r = 0;
    while r <= last_row {
        if sheet.repeat_rows.is_some_and(|h| h.0 == r) {
            out.push_str("<table:table-header-rows>");
        }
        match sheet.rows.get(&r) {
            Some(row) => write_row(out, row, book, sizes, &frames_of(&frames, r)),
            None if sheet.repeat_rows.is_some_and(|h| h.0 <= r && r <= h.1) => {
                write_row(out, &empty, book, sizes, &BTreeMap::new())
            }
            None => {
                // A run of empty rows, stopped by the header rows or the next row.
                let mut n = 1;
                while r + n <= last_row
                    && !sheet.rows.contains_key(&(r + n))
                    && sheet.repeat_rows.is_none_or(|h| h.0 != r + n)
                {
                    n += 1;
                }
                let _ = write!(
                    out,
                    r#"<table:table-row table:style-name="ro0" table:number-rows-repeated="{n}"><table:table-cell/></table:table-row>"#
                );
                r += n;
                continue;
            }
        }
        if sheet.repeat_rows.is_some_and(|h| h.1 == r) {
            out.push_str("</table:table-header-rows>");
        }
        r += 1;
    }
    out.push_str("</table:table>");
}

/// The chart frames anchored in row `r`, by column.
fn frames_of(frames: &BTreeMap<(u32, u32), String>, r: u32) -> BTreeMap<u32, &str> {
    frames.range((r, 0)..=(r, u32::MAX)).map(|((_, c), f)| (*c, f.as_str())).collect()
}

fn write_row(out: &mut String, row: &Row, book: &Book, sizes: &mut Sizes, frames: &BTreeMap<u32, &str>) {
    let style = match row.height {
        Some(h) => sizes.row(h),
        None => "ro0".into(),
    };
    let _ = write!(out, r#"<table:table-row table:style-name="{style}">"#);
    // One cell a column, the last written winning; in column order.
    let mut cells: BTreeMap<u32, Option<&Cell>> = frames.keys().map(|c| (*c, None)).collect();
    for c in &row.cells {
        cells.insert(c.col, Some(c));
    }
    let mut next = 0;
    for (col, cell) in cells {
        if col > next {
            let _ = write!(out, r#"<table:table-cell table:number-columns-repeated="{}"/>"#, col - next);
        }
        let inner = frames.get(&col).copied().unwrap_or("");
        match cell {
            Some(cell) => write_cell(out, cell, book.formats.get(cell.format), inner),
            None => {
                let _ = write!(out, "<table:table-cell>{inner}</table:table-cell>");
            }
        }
        next = col + 1;
    }
    if next == 0 {
        out.push_str("<table:table-cell/>");
    }
    out.push_str("</table:table-row>");
}

/// A cell; `inner` (a chart frame) is written inside it, before its text.
fn write_cell(out: &mut String, cell: &Cell, format: Option<&CellFormat>, inner: &str) {
    let _ = write!(out, r#"<table:table-cell table:style-name="ce{}""#, cell.format);
    let percent = format.and_then(|f| f.num_format.as_deref()).is_some_and(|n| n.trim_end().ends_with('%'));
    match &cell.value {
        Value::Text(_) => out.push_str(r#" office:value-type="string""#),
        Value::Number(v) => {
            let kind = if percent { "percentage" } else { "float" };
            let _ = write!(out, r#" office:value-type="{kind}" office:value="{v}""#);
        }
        Value::Bool(b) => {
            let _ = write!(out, r#" office:value-type="boolean" office:boolean-value="{b}""#);
        }
        Value::Blank => {}
    }
    let text = match &cell.value {
        Value::Text(t) => Some(t),
        _ => None,
    };
    if inner.is_empty() && text.is_none() {
        out.push_str("/>");
        return;
    }
    out.push('>');
    out.push_str(inner);
    if let Some(t) = text {
        paragraphs(out, t);
    }
    out.push_str("</table:table-cell>");
}

/// A cell's text as paragraphs (one a line), spaces kept: a space that is not alone
/// between two words is written as `text:s`, which every reader counts.
pub fn paragraphs(out: &mut String, text: &str) {
    for line in text.split('\n') {
        out.push_str("<text:p>");
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            match chars[i] {
                ' ' => {
                    let start = i;
                    while i < chars.len() && chars[i] == ' ' {
                        i += 1;
                    }
                    let n = i - start;
                    let inside = start > 0 && i < chars.len();
                    match (inside, n) {
                        (true, 1) => out.push(' '),
                        (true, _) => {
                            let _ = write!(out, r#" <text:s text:c="{}"/>"#, n - 1);
                        }
                        (false, _) => {
                            let _ = write!(out, r#"<text:s text:c="{n}"/>"#);
                        }
                    }
                    continue;
                }
                '\t' => out.push_str("<text:tab/>"),
                c => out.push_str(&esc(c.encode_utf8(&mut [0; 4]))),
            }
            i += 1;
        }
        out.push_str("</text:p>");
    }
}
