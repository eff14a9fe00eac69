//! A workbook plandoc has just written (rust_xlsxwriter's XLSX), read back into the
//! little it uses: sheets, cells, cell formats, column widths, row heights, frozen
//! panes, autofilter, print setup. The ODS is written from this.

use std::collections::BTreeMap;
use std::io::Read;

use quick_xml::events::{BytesStart, Event};

/// Parts of the archive bigger than this are refused (our own workbooks stay far under).
const MAX_PART: u64 = 512 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Number(f64),
    Bool(bool),
    Blank,
}

#[derive(Debug, Clone)]
pub struct Cell {
    pub col: u32,
    /// Index into `Book::formats`.
    pub format: usize,
    pub value: Value,
}

#[derive(Debug, Clone, Default)]
pub struct Row {
    pub height: Option<f64>,
    pub cells: Vec<Cell>,
}

/// One cell format (an XLSX `xf`), as ODS needs it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CellFormat {
    pub bold: bool,
    pub italic: bool,
    pub size: Option<f64>,
    pub colour: Option<String>,
    pub fill: Option<String>,
    /// Colour of a thin border on all four sides.
    pub border: Option<String>,
    pub horizontal: Option<String>,
    pub vertical: Option<String>,
    pub wrap: bool,
    pub num_format: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct PageSetup {
    pub landscape: bool,
    pub paper: u32,
    pub scale: Option<u32>,
    /// (width, height) in pages, 0 meaning as many as needed.
    pub fit: Option<(u32, u32)>,
    /// left, right, top, bottom, header, footer in inches.
    pub margins: [f64; 6],
    pub header: String,
    pub footer: String,
}

#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub name: String,
    pub hidden: bool,
    /// Column widths in Excel units, by column index.
    pub widths: BTreeMap<u32, f64>,
    pub rows: BTreeMap<u32, Row>,
    /// Frozen rows and columns.
    pub frozen: (u32, u32),
    /// (first row, first col, last row, last col), zero-based.
    pub autofilter: Option<(u32, u32, u32, u32)>,
    pub print_area: Option<(u32, u32, u32, u32)>,
    /// Rows repeated on every printed page (first, last).
    pub repeat_rows: Option<(u32, u32)>,
    pub page: PageSetup,
    pub charts: Vec<super::xlsx_charts::Chart>,
}

#[derive(Debug, Default)]
pub struct Book {
    pub sheets: Vec<Sheet>,
    pub formats: Vec<CellFormat>,
}

type Archive<'a> = zip::ZipArchive<std::io::Cursor<&'a [u8]>>;

fn part(zip: &mut Archive<'_>, name: &str) -> Result<Option<String>, String> {
    let Ok(f) = zip.by_name(name) else { return Ok(None) };
    let mut s = String::new();
    f.take(MAX_PART).read_to_string(&mut s).map_err(|e| format!("partie « {name} » illisible : {e}"))?;
    Ok(Some(s))
}

/// Reads the workbook `xlsx` (one plandoc wrote).
pub fn read_book(xlsx: &[u8]) -> Result<Book, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).map_err(|e| format!("classeur illisible : {e}"))?;
    let workbook = part(&mut zip, "xl/workbook.xml")?.ok_or("classeur sans xl/workbook.xml")?;
    let rels = part(&mut zip, "xl/_rels/workbook.xml.rels")?.unwrap_or_default();
    let strings = shared_strings(&part(&mut zip, "xl/sharedStrings.xml")?.unwrap_or_default());
    let formats = super::xlsx_styles::cell_formats(&part(&mut zip, "xl/styles.xml")?.unwrap_or_default());
    let targets = relationships(&rels);
    let mut book = Book { sheets: Vec::new(), formats };
    let (list, names) = sheet_list(&workbook);
    for (name, hidden, rid) in list {
        let target = targets.get(&rid).cloned().unwrap_or_default();
        let path = format!("xl/{}", target.trim_start_matches("/xl/"));
        let xml = part(&mut zip, &path)?.ok_or_else(|| format!("feuille « {name} » absente"))?;
        let mut sheet = super::xlsx_sheet::read_sheet(&xml, &strings);
        sheet.name = name;
        sheet.hidden = hidden;
        sheet.charts = charts(&mut zip, &path)?;
        for c in &sheet.charts {
            // The chart is written in its anchor cell: that row must be there.
            sheet.rows.entry(c.from.0).or_default();
        }
        book.sheets.push(sheet);
    }
    for (kind, index, range) in names {
        let Some(sheet) = book.sheets.get_mut(index) else { continue };
        match kind.as_str() {
            "_xlnm.Print_Area" => sheet.print_area = parse_range(&range),
            "_xlnm.Print_Titles" => sheet.repeat_rows = parse_rows(&range),
            _ => {}
        }
    }
    Ok(book)
}

/// `target` of a relationship of the part `from` ("xl/worksheets/sheet3.xml"), as a path
/// in the archive.
fn resolve(from: &str, target: &str) -> String {
    if let Some(abs) = target.strip_prefix('/') {
        return abs.to_string();
    }
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for piece in target.split('/') {
        match piece {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// The relationships of the part `path`: id → archive path.
fn part_relationships(zip: &mut Archive<'_>, path: &str) -> Result<BTreeMap<String, String>, String> {
    let (dir, file) = path.rsplit_once('/').unwrap_or(("", path));
    let rels = part(zip, &format!("{dir}/_rels/{file}.rels"))?.unwrap_or_default();
    Ok(relationships(&rels).into_iter().map(|(id, t)| (id, resolve(path, &t))).collect())
}

/// The charts drawn on the sheet part `path`.
fn charts(zip: &mut Archive<'_>, path: &str) -> Result<Vec<super::xlsx_charts::Chart>, String> {
    let mut out = Vec::new();
    for target in part_relationships(zip, path)?.into_values().filter(|t| t.contains("/drawings/")) {
        let Some(drawing) = part(zip, &target)? else { continue };
        let rels = part_relationships(zip, &target)?;
        for (mut chart, id) in super::xlsx_charts::anchors(&drawing) {
            let Some(xml) = rels.get(&id).map(|t| part(zip, t)).transpose()?.flatten() else { continue };
            super::xlsx_charts::read_chart(&xml, &mut chart);
            out.push(chart);
        }
    }
    Ok(out)
}

pub fn attributes(e: &BytesStart<'_>) -> BTreeMap<String, String> {
    e.attributes()
        .flatten()
        .map(|a| {
            let key = a.key.local_name().as_ref().to_string();
            (key, a.normalized_value(quick_xml::XmlVersion::Explicit1_0).map(|v| v.into_owned()).unwrap_or_default())
        })
        .collect()
}

pub fn local_name(e: &BytesStart<'_>) -> String {
    e.local_name().as_ref().to_string()
}

/// Sheets in order (name, hidden, relationship id) and defined names (name, sheet, range).
type SheetList = (Vec<(String, bool, String)>, Vec<(String, usize, String)>);

fn sheet_list(xml: &str) -> SheetList {
    let mut sheets = Vec::new();
    let mut names = Vec::new();
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut defined: Option<(String, usize)> = None;
    let mut text = String::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if local_name(&e) == "sheet" => {
                let a = attributes(&e);
                let hidden = a.get("state").is_some_and(|s| s != "visible");
                sheets.push((
                    a.get("name").cloned().unwrap_or_default(),
                    hidden,
                    a.get("id").cloned().unwrap_or_default(),
                ));
            }
            Ok(Event::Start(e)) if local_name(&e) == "definedName" => {
                let a = attributes(&e);
                let sheet = a.get("localSheetId").and_then(|s| s.parse().ok()).unwrap_or(usize::MAX);
                defined = Some((a.get("name").cloned().unwrap_or_default(), sheet));
                text.clear();
            }
            Ok(Event::Text(t)) => text.push_str(&t.xml10_content()),
            Ok(Event::GeneralRef(r)) => push_ref(&mut text, &r),
            Ok(Event::End(e)) if e.local_name().as_ref() == "definedName" => {
                if let Some((name, sheet)) = defined.take() {
                    names.push((name, sheet, text.clone()));
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    (sheets, names)
}

pub fn push_ref(out: &mut String, r: &quick_xml::events::BytesRef<'_>) {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        out.push(c);
        return;
    }
    out.push_str(match r.as_ref() {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        _ => "",
    });
}

fn relationships(xml: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if local_name(&e) == "Relationship" => {
                let a = attributes(&e);
                out.insert(a.get("Id").cloned().unwrap_or_default(), a.get("Target").cloned().unwrap_or_default());
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
}

/// Excel's escape of characters XML cannot hold: "_x000D_" → '\r', "_x005F_" → '_'.
pub fn unescape_x(s: &str) -> String {
    if !s.contains("_x") {
        return s.to_string();
    }
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("_x") {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let code = tail.get(2..6).filter(|h| h.chars().all(|c| c.is_ascii_hexdigit()));
        match (code, tail.get(6..7)) {
            (Some(h), Some("_")) => {
                if let Some(c) = u32::from_str_radix(h, 16).ok().and_then(char::from_u32) {
                    out.push(c);
                }
                rest = &tail[7..];
            }
            _ => {
                out.push_str("_x");
                rest = &tail[2..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn shared_strings(xml: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut current: Option<String> = None;
    let mut in_t = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if local_name(&e) == "si" => current = Some(String::new()),
            Ok(Event::Empty(e)) if local_name(&e) == "si" => out.push(String::new()),
            Ok(Event::Start(e)) if local_name(&e) == "t" => in_t = true,
            Ok(Event::End(e)) if e.local_name().as_ref() == "t" => in_t = false,
            Ok(Event::Text(t)) if in_t => {
                if let Some(s) = current.as_mut() {
                    s.push_str(&t.xml10_content());
                }
            }
            Ok(Event::GeneralRef(r)) if in_t => {
                if let Some(s) = current.as_mut() {
                    push_ref(s, &r);
                }
            }
            Ok(Event::End(e)) if e.local_name().as_ref() == "si" => {
                out.push(unescape_x(&current.take().unwrap_or_default()));
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
}

/// "$A$1:$W$26" (after the sheet name) → zero-based (row, col, row, col).
fn parse_range(s: &str) -> Option<(u32, u32, u32, u32)> {
    let s = s.rsplit('!').next()?;
    let (a, b) = s.split_once(':').unwrap_or((s, s));
    let (r1, c1) = cell_ref(a)?;
    let (r2, c2) = cell_ref(b)?;
    Some((r1, c1, r2, c2))
}

/// "$1:$1" → zero-based rows.
fn parse_rows(s: &str) -> Option<(u32, u32)> {
    let s = s.rsplit('!').next()?;
    let (a, b) = s.split_once(':')?;
    let row = |x: &str| x.trim_start_matches('$').parse::<u32>().ok().filter(|r| *r > 0).map(|r| r - 1);
    Some((row(a)?, row(b)?))
}

/// "B12" or "$B$12" → zero-based (row, col).
pub fn cell_ref(s: &str) -> Option<(u32, u32)> {
    let s = s.replace('$', "");
    let letters = s.chars().take_while(|c| c.is_ascii_alphabetic()).count();
    let (l, d) = s.split_at(letters);
    if l.is_empty() || l.len() > 3 {
        return None;
    }
    let col = l.chars().fold(0u32, |acc, c| acc * 26 + (c.to_ascii_uppercase() as u32 - 'A' as u32 + 1)) - 1;
    let row = d.parse::<u32>().ok().filter(|r| *r > 0)? - 1;
    Some((row, col))
}
