//! The cell formats of a workbook plandoc wrote (xl/styles.xml): fonts, fills, thin
//! borders, alignment, number formats, combined per `xf` as the cells use them.

use std::collections::BTreeMap;

use quick_xml::events::Event;

use super::xlsx_parts::CellFormat;

#[derive(Default, Clone)]
struct Font {
    bold: bool,
    italic: bool,
    size: Option<f64>,
    colour: Option<String>,
}

/// Where the reader is inside styles.xml.
#[derive(PartialEq, Clone, Copy)]
enum Section {
    Other,
    Fonts,
    Fills,
    Borders,
    CellXfs,
}

#[derive(Default)]
struct Parts {
    num_formats: BTreeMap<u32, String>,
    fonts: Vec<Font>,
    fills: Vec<Option<String>>,
    borders: Vec<Option<String>>,
    xfs: Vec<CellFormat>,
}

/// "FF2E6B3F" → "#2E6B3F".
fn rgb(argb: &str) -> Option<String> {
    let hex = if argb.len() == 8 { &argb[2..] } else { argb };
    (hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit())).then(|| format!("#{}", hex.to_ascii_uppercase()))
}

/// Excel's built-in number formats plandoc may use.
fn builtin(id: u32) -> Option<&'static str> {
    Some(match id {
        1 => "0",
        2 => "0.00",
        3 => "#,##0",
        4 => "#,##0.00",
        9 => "0%",
        10 => "0.00%",
        _ => return None,
    })
}

/// Every `xf` of `cellXfs`, in order (a cell's `s` attribute indexes it).
pub fn cell_formats(xml: &str) -> Vec<CellFormat> {
    let mut p = Parts::default();
    let mut section = Section::Other;
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        let (e, empty) = match reader.read_event() {
            Ok(Event::Start(e)) => (e, false),
            Ok(Event::Empty(e)) => (e, true),
            Ok(Event::End(e)) => {
                if matches!(e.local_name().as_ref(), "fonts" | "fills" | "borders" | "cellXfs") {
                    section = Section::Other;
                }
                continue;
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => continue,
        };
        let name = super::xlsx_parts::local_name(&e);
        let a = super::xlsx_parts::attributes(&e);
        match (name.as_str(), section) {
            ("numFmt", _) => {
                if let Some(id) = a.get("numFmtId").and_then(|i| i.parse().ok()) {
                    p.num_formats.insert(id, a.get("formatCode").cloned().unwrap_or_default());
                }
            }
            ("fonts", _) if !empty => section = Section::Fonts,
            ("fills", _) if !empty => section = Section::Fills,
            ("borders", _) if !empty => section = Section::Borders,
            ("cellXfs", _) if !empty => section = Section::CellXfs,
            _ => element(&mut p, section, &name, &a),
        }
    }
    p.xfs
}

/// One element inside a section of styles.xml.
fn element(p: &mut Parts, section: Section, name: &str, a: &BTreeMap<String, String>) {
    match (section, name) {
        (Section::Fonts, "font") => p.fonts.push(Font::default()),
        (Section::Fonts, "b") => set_font(p, |f| f.bold = a.get("val").is_none_or(|v| v != "0")),
        (Section::Fonts, "i") => set_font(p, |f| f.italic = a.get("val").is_none_or(|v| v != "0")),
        (Section::Fonts, "sz") => {
            let size = a.get("val").and_then(|v| v.parse().ok());
            set_font(p, |f| f.size = size);
        }
        (Section::Fonts, "color") => {
            let colour = a.get("rgb").and_then(|c| rgb(c));
            set_font(p, |f| f.colour = colour);
        }
        (Section::Fills, "fill") => p.fills.push(None),
        (Section::Fills, "fgColor") => {
            if let Some(last) = p.fills.last_mut() {
                *last = a.get("rgb").and_then(|c| rgb(c));
            }
        }
        (Section::Borders, "border") => p.borders.push(None),
        (Section::Borders, "left") if a.get("style").is_some() => {
            if let Some(last) = p.borders.last_mut() {
                *last = Some("#000000".into());
            }
        }
        (Section::Borders, "color") => {
            if let (Some(last @ Some(_)), Some(c)) = (p.borders.last_mut(), a.get("rgb").and_then(|c| rgb(c))) {
                *last = Some(c);
            }
        }
        (Section::CellXfs, "xf") => {
            let idx = |k: &str| a.get(k).and_then(|v| v.parse::<usize>().ok()).unwrap_or(0);
            let font = p.fonts.get(idx("fontId")).cloned().unwrap_or_default();
            let num = idx("numFmtId") as u32;
            p.xfs.push(CellFormat {
                bold: font.bold,
                italic: font.italic,
                size: font.size,
                colour: font.colour,
                fill: p.fills.get(idx("fillId")).cloned().flatten(),
                border: p.borders.get(idx("borderId")).cloned().flatten(),
                num_format: p.num_formats.get(&num).cloned().or_else(|| builtin(num).map(str::to_string)),
                ..Default::default()
            });
        }
        (Section::CellXfs, "alignment") => {
            if let Some(xf) = p.xfs.last_mut() {
                xf.horizontal = a.get("horizontal").cloned();
                xf.vertical = a.get("vertical").cloned();
                xf.wrap = a.get("wrapText").is_some_and(|v| v == "1" || v == "true");
            }
        }
        _ => {}
    }
}

fn set_font(p: &mut Parts, f: impl FnOnce(&mut Font)) {
    if let Some(last) = p.fonts.last_mut() {
        f(last);
    }
}
