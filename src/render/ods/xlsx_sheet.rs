//! One worksheet of a workbook plandoc wrote: its cells, column widths, row heights,
//! frozen panes, autofilter and print setup.

use std::collections::BTreeMap;

use quick_xml::events::Event;

use super::xlsx_parts::{attributes, cell_ref, local_name, push_ref, unescape_x, Cell, Row, Sheet, Value};

/// A cell being read: its place, format, type and text so far.
struct Pending {
    row: u32,
    col: u32,
    format: usize,
    kind: String,
    text: String,
}

/// Where text goes while reading.
#[derive(PartialEq, Clone, Copy)]
enum Into {
    Nothing,
    Cell,
    Header,
    Footer,
}

pub fn read_sheet(xml: &str, strings: &[String]) -> Sheet {
    let mut sheet = Sheet::default();
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut cell: Option<Pending> = None;
    let mut into = Into::Nothing;
    let mut row_at = 0u32;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let (name, a) = (local_name(&e), attributes(&e));
                into = match name.as_str() {
                    "v" | "t" => Into::Cell,
                    "oddHeader" => Into::Header,
                    "oddFooter" => Into::Footer,
                    _ => into,
                };
                element(&mut sheet, &name, &a, &mut cell, &mut row_at);
            }
            Ok(Event::Empty(e)) => {
                let (name, a) = (local_name(&e), attributes(&e));
                element(&mut sheet, &name, &a, &mut cell, &mut row_at);
                if name == "c" {
                    finish_cell(&mut sheet, cell.take(), strings);
                }
            }
            Ok(Event::Text(t)) => push_text(&mut sheet, &mut cell, into, &t.xml10_content()),
            Ok(Event::GeneralRef(r)) => {
                let mut s = String::new();
                push_ref(&mut s, &r);
                push_text(&mut sheet, &mut cell, into, &s);
            }
            Ok(Event::End(e)) => match e.local_name().as_ref() {
                "c" => finish_cell(&mut sheet, cell.take(), strings),
                "v" | "t" | "oddHeader" | "oddFooter" => into = Into::Nothing,
                _ => {}
            },
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    sheet
}

fn push_text(sheet: &mut Sheet, cell: &mut Option<Pending>, into: Into, s: &str) {
    match into {
        Into::Cell => {
            if let Some(c) = cell.as_mut() {
                c.text.push_str(s);
            }
        }
        Into::Header => sheet.page.header.push_str(s),
        Into::Footer => sheet.page.footer.push_str(s),
        Into::Nothing => {}
    }
}

fn num<T: std::str::FromStr>(a: &BTreeMap<String, String>, k: &str) -> Option<T> {
    a.get(k).and_then(|v| v.parse().ok())
}

/// One element's attributes into the sheet.
fn element(sheet: &mut Sheet, name: &str, a: &BTreeMap<String, String>, cell: &mut Option<Pending>, row_at: &mut u32) {
    match name {
        "pane" if a.get("state").is_some_and(|s| s.starts_with("frozen")) => {
            sheet.frozen = (num(a, "ySplit").unwrap_or(0.0) as u32, num(a, "xSplit").unwrap_or(0.0) as u32);
        }
        "col" => {
            let (min, max): (u32, u32) = (num(a, "min").unwrap_or(1), num(a, "max").unwrap_or(1));
            let width: f64 = num(a, "width").unwrap_or(8.43);
            // Bounded: a column range never runs past Excel's last column.
            for c in min.max(1)..=max.min(16_384) {
                sheet.widths.insert(c - 1, width);
            }
        }
        "row" => {
            *row_at = num::<u32>(a, "r").unwrap_or(*row_at + 1).saturating_sub(1);
            let row = sheet.rows.entry(*row_at).or_default();
            if let Some(h) = num::<f64>(a, "ht").filter(|_| a.get("customHeight").is_some()) {
                row.height = Some(h);
            }
        }
        "c" => {
            let (row, col) = a.get("r").and_then(|r| cell_ref(r)).unwrap_or((*row_at, 0));
            let format = num(a, "s").unwrap_or(0);
            let kind = a.get("t").cloned().unwrap_or_default();
            *cell = Some(Pending { row, col, format, kind, text: String::new() });
        }
        "autoFilter" => {
            if let Some((r1, c1, r2, c2)) = a.get("ref").and_then(|r| range(r)) {
                sheet.autofilter = Some((r1, c1, r2, c2));
            }
        }
        "pageMargins" => {
            let keys = ["left", "right", "top", "bottom", "header", "footer"];
            for (i, k) in keys.iter().enumerate() {
                sheet.page.margins[i] = num(a, k).unwrap_or(0.5);
            }
        }
        "pageSetup" => {
            sheet.page.landscape = a.get("orientation").is_some_and(|o| o == "landscape");
            sheet.page.paper = num(a, "paperSize").unwrap_or(9);
            sheet.page.scale = num(a, "scale");
            if a.contains_key("fitToWidth") || a.contains_key("fitToHeight") {
                sheet.page.fit = Some((num(a, "fitToWidth").unwrap_or(1), num(a, "fitToHeight").unwrap_or(1)));
            }
        }
        "pageSetUpPr" if a.get("fitToPage").is_some_and(|v| v == "1") => {
            sheet.page.fit = sheet.page.fit.or(Some((1, 1)));
        }
        _ => {}
    }
}

fn range(r: &str) -> Option<(u32, u32, u32, u32)> {
    let (a, b) = r.split_once(':').unwrap_or((r, r));
    let (r1, c1) = cell_ref(a)?;
    let (r2, c2) = cell_ref(b)?;
    Some((r1, c1, r2, c2))
}

fn finish_cell(sheet: &mut Sheet, cell: Option<Pending>, strings: &[String]) {
    let Some(p) = cell else { return };
    let value = match p.kind.as_str() {
        "s" => {
            Value::Text(p.text.trim().parse::<usize>().ok().and_then(|i| strings.get(i)).cloned().unwrap_or_default())
        }
        "inlineStr" | "str" | "e" => Value::Text(unescape_x(&p.text)),
        "b" => Value::Bool(p.text.trim() == "1"),
        _ => match p.text.trim().parse::<f64>() {
            Ok(v) if v.is_finite() => Value::Number(v),
            _ if p.text.trim().is_empty() => Value::Blank,
            _ => Value::Text(p.text),
        },
    };
    let row: &mut Row = sheet.rows.entry(p.row).or_default();
    row.cells.push(Cell { col: p.col, format: p.format, value });
}
