//! OpenDocument spreadsheets (annexe.ods, evaluation.ods) made from the XLSX plandoc has
//! just written: one description of each sheet (the XLSX writers), read back and written
//! as ODS with the same sheets, cells, formats, widths, heights, frozen panes, autofilter,
//! print setup and charts (drawn from the same cells). Dropdown lists and data bars stay
//! XLSX-only.
//! Deterministic: fixed entry order, no dates, fixed zip timestamps.

mod ods_cell_style;
mod ods_charts;
mod ods_content;
mod ods_page;
mod xlsx_charts;
mod xlsx_parts;
mod xlsx_sheet;
mod xlsx_styles;

use std::io::Write;

use zip::write::SimpleFileOptions;

const MIME: &str = "application/vnd.oasis.opendocument.spreadsheet";

fn manifest(objects: usize) -> String {
    let mut m = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">"#,
    );
    m.push_str(&format!(
        r#"<manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="{MIME}"/>"#
    ));
    for part in ["content.xml", "styles.xml", "meta.xml", "settings.xml"] {
        m.push_str(&format!(r#"<manifest:file-entry manifest:full-path="{part}" manifest:media-type="text/xml"/>"#));
    }
    for n in 1..=objects {
        m.push_str(&format!(
            r#"<manifest:file-entry manifest:full-path="Object {n}/" manifest:version="1.3" manifest:media-type="application/vnd.oasis.opendocument.chart"/><manifest:file-entry manifest:full-path="Object {n}/content.xml" manifest:media-type="text/xml"/>"#
        ));
    }
    m.push_str("</manifest:manifest>");
    m
}

fn meta(title: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-meta {}><office:meta><meta:generator>plandoc</meta:generator><dc:title>{}</dc:title></office:meta></office:document-meta>"#,
        ods_content::NAMESPACES,
        ods_content::esc(title)
    )
}

/// The ODS twin of the workbook `xlsx` (one plandoc wrote), titled `title`.
pub fn ods_from_xlsx(xlsx: &[u8], title: &str) -> Result<Vec<u8>, String> {
    let book = xlsx_parts::read_book(xlsx)?;
    let charts: Vec<&xlsx_charts::Chart> = book.sheets.iter().flat_map(|s| &s.charts).collect();
    let mut parts: Vec<(String, String)> = vec![
        ("content.xml".into(), ods_content::content_xml(&book)),
        ("styles.xml".into(), ods_page::styles_xml(&book)),
        ("meta.xml".into(), meta(title)),
        ("settings.xml".into(), ods_page::settings_xml(&book)),
    ];
    for (i, chart) in charts.iter().enumerate() {
        parts.push((format!("Object {}/content.xml", i + 1), ods_charts::object_content(chart)));
    }
    parts.push(("META-INF/manifest.xml".into(), manifest(charts.len())));
    let err = |e: &dyn std::fmt::Display| format!("classeur ODS impossible : {e}");
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    // The media type comes first and uncompressed, as ODF requires.
    let stored = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::default());
    z.start_file("mimetype", stored).map_err(|e| err(&e))?;
    z.write_all(MIME.as_bytes()).map_err(|e| err(&e))?;
    let deflated = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .last_modified_time(zip::DateTime::default());
    for (name, text) in parts {
        z.start_file(name.as_str(), deflated).map_err(|e| err(&e))?;
        z.write_all(text.as_bytes()).map_err(|e| err(&e))?;
    }
    Ok(z.finish().map_err(|e| err(&e))?.into_inner())
}

#[cfg(test)]
mod tests {
    use calamine::{Data, Reader};

    /// Every sheet's cells as calamine reads them.
    fn read(bytes: Vec<u8>, ods: bool) -> Vec<(String, Vec<Vec<Data>>)> {
        let cursor = std::io::Cursor::new(bytes);
        let mut sheets = Vec::new();
        if ods {
            let mut wb = calamine::Ods::new(cursor).unwrap();
            for name in wb.sheet_names() {
                let r = wb.worksheet_range(&name).unwrap();
                sheets.push((name, r.rows().map(|row| row.to_vec()).collect()));
            }
        } else {
            let mut wb = calamine::Xlsx::new(cursor).unwrap();
            for name in wb.sheet_names() {
                let r = wb.worksheet_range(&name).unwrap();
                sheets.push((name, r.rows().map(|row| row.to_vec()).collect()));
            }
        }
        sheets
    }

    #[test]
    fn awkward_texts_and_streamed_sheets_read_back_the_same() {
        let texts = [
            "  deux espaces devant, trois   dedans, un derrière ",
            "ligne 1\nligne 2\n\nligne 4",
            "<&> \"guillemets\" 'apostrophes'",
            "=SOMME(A1:A2)",
            "_x000D_ écrit tel quel",
            "tab\tulation",
            "émoji 🙂 et 社区",
        ];
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet().set_name("Textes d'été").unwrap();
        for (i, t) in texts.iter().enumerate() {
            ws.write_string(i as u32, 0, *t).unwrap();
            ws.write_number(i as u32, 2, i as f64 * 1.5).unwrap();
        }
        // A streamed sheet writes its strings inline.
        let ws = wb.add_worksheet_with_constant_memory().unwrap().set_name("Flux").unwrap();
        for (i, t) in texts.iter().enumerate() {
            ws.write_string(i as u32, 1, *t).unwrap();
        }
        let hidden = wb.add_worksheet().set_name("Listes").unwrap();
        hidden.write_string(0, 0, "Haute").unwrap();
        hidden.set_hidden(true);
        let xlsx = wb.save_to_buffer().unwrap();
        let ods = super::ods_from_xlsx(&xlsx, "Essai").unwrap();
        assert_eq!(read(ods.clone(), true), read(xlsx.clone(), false));
        // Same bytes twice.
        assert!(ods == super::ods_from_xlsx(&xlsx, "Essai").unwrap());
        // Not a workbook: an error, no panic.
        assert!(super::ods_from_xlsx(b"PK\x03\x04 pas un classeur", "x").is_err());
    }
}
