//! Rebuilds the sample workbooks of `samples/` from the text sources in `samples/sources/`
//! (the seeds' plans, cleaned). Run: `cargo run --example make_samples`, then
//! `samples/convert.sh` for the .ods and .xls copies (needs LibreOffice).
//!
//! Source format, one row per line, cells separated by tabs, "\n" for a line break inside a
//! cell; the first cell says what the row is: `#titre` (title block, merged across),
//! `#entete` (header; a blank header cell widens the one before it), `#section` (merged
//! across), `#convention` (key, value: goes to a "Convention" sheet), empty (a data row;
//! blank hierarchy cells below a filled one are merged with it, as people do).

use std::path::Path;

#[path = "make_samples/outline.rs"]
mod outline;
#[path = "make_samples/platform.rs"]
mod platform;

use rust_xlsxwriter::{Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, XlsxError};

struct Sample {
    source: &'static str,
    output: &'static str,
    /// How many leading columns are hierarchy columns (merged down when blank).
    hierarchy: u16,
    widths: &'static [f64],
}

const SAMPLES: &[Sample] = &[
    Sample {
        source: "000-pst-ambitions-texte.tsv",
        output: "000-pst-ambitions-texte.xlsx",
        hierarchy: 2,
        widths: &[40.0, 40.0, 70.0],
    },
    Sample {
        source: "001-ctg-ambitions.tsv",
        output: "001-ctg-ambitions.xlsx",
        hierarchy: 2,
        widths: &[45.0, 35.0, 80.0, 10.0],
    },
    Sample {
        source: "002-pst-sections-annees.tsv",
        output: "002-pst-sections-annees.xlsx",
        hierarchy: 1,
        widths: &[45.0, 5.0, 70.0, 7.0, 7.0, 7.0, 7.0, 7.0],
    },
    Sample { source: "canonique-lauragais.tsv", output: "canonique-lauragais.xlsx", hierarchy: 3, widths: &[] },
    Sample { source: "suivi-lauragais.tsv", output: "suivi-lauragais.xlsx", hierarchy: 3, widths: &[] },
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    write_logo(&dir.join("logo-lauragais.png"))?;
    println!("samples/logo-lauragais.png");
    for s in SAMPLES {
        let text = std::fs::read_to_string(dir.join("sources").join(s.source))?;
        let bytes = build(&text, s)?;
        std::fs::write(dir.join(s.output), bytes)?;
        println!("samples/{}", s.output);
    }
    platform::write_export(&dir.join("tet-export-plan.xlsx"))?;
    println!("samples/tet-export-plan.xlsx");
    platform::write_csv(&dir.join("plan-windows-1252.csv"))?;
    println!("samples/plan-windows-1252.csv");
    outline::write_outline(&dir.join("cls-plan-numerote.xlsx"))?;
    println!("samples/cls-plan-numerote.xlsx");
    outline::write_deep_outline(&dir.join("pcaet-quatre-niveaux.xlsx"))?;
    println!("samples/pcaet-quatre-niveaux.xlsx");
    outline::write_sheets_per_axis(&dir.join("pedt-un-onglet-par-axe.xlsx"))?;
    println!("samples/pedt-un-onglet-par-axe.xlsx");
    Ok(())
}

fn cells(line: &str) -> Vec<String> {
    line.split('\t').map(|c| c.replace("\\n", "\n")).collect()
}

fn build(text: &str, s: &Sample) -> Result<Vec<u8>, XlsxError> {
    let rows: Vec<Vec<String>> = text.lines().filter(|l| !l.trim().is_empty()).map(cells).collect();
    let width = rows.iter().filter(|r| r[0] == "#entete").map(|r| r.len() - 1).max().unwrap_or(1) as u16;
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new().set_author("plandoc").set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?),
    );
    let title = Format::new().set_bold().set_font_size(14).set_align(FormatAlign::Center);
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_background_color(Color::RGB(0xD9E2F3))
        .set_border(FormatBorder::Thin);
    let section = Format::new().set_bold().set_background_color(Color::RGB(0xFCE4D6)).set_border(FormatBorder::Thin);
    let body = Format::new().set_text_wrap().set_align(FormatAlign::Top).set_border(FormatBorder::Thin);
    let centred = body.clone().set_align(FormatAlign::Center);
    let ws = wb.add_worksheet();
    ws.set_name("Plan d'actions")?;
    for (i, w) in s.widths.iter().enumerate() {
        ws.set_column_width(i as u16, *w)?;
    }
    // Data rows first collected so that blank hierarchy cells can be merged down.
    let mut r: u32 = 0;
    let mut data: Vec<(u32, Vec<String>)> = Vec::new();
    let mut conv: Vec<(String, String)> = Vec::new();
    let mut indicators: Vec<Vec<String>> = Vec::new();
    let flush = |ws: &mut rust_xlsxwriter::Worksheet, data: &mut Vec<(u32, Vec<String>)>| -> Result<(), XlsxError> {
        write_block(ws, data, s.hierarchy, &body, &centred)?;
        data.clear();
        Ok(())
    };
    for row in &rows {
        match row[0].as_str() {
            "#titre" => {
                flush(ws, &mut data)?;
                ws.merge_range(r, 0, r, width - 1, &row[1], &title)?;
                r += 1;
            }
            "#entete" => {
                flush(ws, &mut data)?;
                let h = &row[1..];
                let mut c = 0usize;
                while c < h.len() {
                    let mut end = c;
                    while end + 1 < h.len() && h[end + 1].is_empty() {
                        end += 1;
                    }
                    if end > c {
                        ws.merge_range(r, c as u16, r, end as u16, &h[c], &header)?;
                    } else {
                        write_cell(ws, r, c as u16, &h[c], &header)?;
                    }
                    c = end + 1;
                }
                ws.set_freeze_panes(r + 1, 0)?;
                r += 1;
            }
            "#section" => {
                flush(ws, &mut data)?;
                ws.merge_range(r, 0, r, width - 1, &row[1], &section)?;
                r += 1;
            }
            "#convention" => conv.push((row[1].clone(), row.get(2).cloned().unwrap_or_default())),
            "#indicateurs" | "#indicateur" => indicators.push(row[1..].to_vec()),
            _ => {
                data.push((r, row[1..].to_vec()));
                r += 1;
            }
        }
    }
    flush(ws, &mut data)?;
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    if !indicators.is_empty() {
        let is = wb.add_worksheet();
        is.set_name("Indicateurs")?;
        for (r, row) in indicators.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let f = if r == 0 { &header } else { &body };
                write_cell(is, r as u32, c as u16, v, f)?;
                is.set_column_width(c as u16, if c == 1 { 45.0 } else { 14.0 })?;
            }
        }
    }
    if !conv.is_empty() {
        let cs = wb.add_worksheet();
        cs.set_name("Convention")?;
        cs.set_column_width(0, 24)?;
        cs.set_column_width(1, 50)?;
        cs.write_string_with_format(0, 0, "Clé", &header)?;
        cs.write_string_with_format(0, 1, "Valeur", &header)?;
        for (i, (k, v)) in conv.iter().enumerate() {
            cs.write_string(i as u32 + 1, 0, k)?;
            write_cell(cs, i as u32 + 1, 1, v, &body)?;
        }
    }
    wb.save_to_buffer()
}

/// Numbers stay numbers (as people type them); everything else is text.
fn write_cell(ws: &mut rust_xlsxwriter::Worksheet, r: u32, c: u16, v: &str, f: &Format) -> Result<(), XlsxError> {
    if v.is_empty() {
        ws.write_blank(r, c, f)?;
    } else if let Ok(n) = v.parse::<f64>() {
        ws.write_number_with_format(r, c, n, f)?;
    } else {
        ws.write_string_with_format(r, c, v, f)?;
    }
    Ok(())
}

fn write_block(
    ws: &mut rust_xlsxwriter::Worksheet,
    data: &[(u32, Vec<String>)],
    hierarchy: u16,
    body: &Format,
    centred: &Format,
) -> Result<(), XlsxError> {
    for (r, row) in data {
        for (c, v) in row.iter().enumerate() {
            let f = if v.len() <= 3 { centred } else { body };
            write_cell(ws, *r, c as u16, v, f)?;
        }
    }
    // Merge each filled hierarchy cell down over the blank ones below it.
    for c in 0..hierarchy as usize {
        let mut i = 0;
        while i < data.len() {
            if data[i].1.get(c).is_some_and(|v| !v.is_empty()) {
                let mut j = i;
                // Down over blank cells, but never across a change of a higher level.
                let blank_to = |k: usize| (0..=c).all(|cc| data[k].1.get(cc).is_none_or(|v| v.is_empty()));
                while j + 1 < data.len() && blank_to(j + 1) && data[j + 1].0 == data[j].0 + 1 {
                    j += 1;
                }
                if j > i {
                    ws.merge_range(data[i].0, c as u16, data[j].0, c as u16, &data[i].1[c], body)?;
                }
                i = j + 1;
            } else {
                i += 1;
            }
        }
    }
    Ok(())
}

/// A made-up logo for the canonical sample: three green hills on a transparent ground.
fn write_logo(path: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let (w, h) = (300u32, 100u32);
    let mut px = vec![0u8; (w * h * 4) as usize];
    for y in 0..h {
        for x in 0..w {
            let fx = x as f32;
            let fy = y as f32;
            let hill = |cx: f32, r: f32| ((fx - cx).powi(2) + (fy - 100.0).powi(2)).sqrt() < r;
            let colour = if hill(150.0, 70.0) {
                Some([46, 107, 63])
            } else if hill(70.0, 55.0) || hill(230.0, 55.0) {
                Some([120, 170, 90])
            } else {
                None
            };
            if let Some(c) = colour {
                let i = ((y * w + x) * 4) as usize;
                px[i..i + 3].copy_from_slice(&c);
                px[i + 3] = 255;
            }
        }
    }
    let file = std::fs::File::create(path)?;
    let mut enc = png::Encoder::new(std::io::BufWriter::new(file), w, h);
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    enc.write_header()?.write_image_data(&px)?;
    Ok(())
}
