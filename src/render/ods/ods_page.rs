//! styles.xml and settings.xml of the ODS: the default font, each sheet's page (paper,
//! orientation, margins, scale, header and footer) and its frozen rows and columns.

use std::fmt::Write;

use super::ods_content::{esc, NAMESPACES};
use super::xlsx_parts::{Book, PageSetup, Sheet};

/// A piece of an Excel header or footer.
enum Piece {
    Text(String),
    Page,
    Pages,
    SheetName,
}

/// "&L…&C…&R…" → the pieces of the left, centre and right regions.
fn regions(code: &str) -> [Vec<Piece>; 3] {
    let mut out: [Vec<Piece>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    let mut at = 1;
    let mut text = String::new();
    let mut chars = code.chars().peekable();
    let flush = |out: &mut [Vec<Piece>; 3], at: usize, text: &mut String| {
        if !text.is_empty() {
            out[at].push(Piece::Text(std::mem::take(text)));
        }
    };
    while let Some(c) = chars.next() {
        if c != '&' {
            text.push(c);
            continue;
        }
        let Some(code) = chars.next() else { break };
        match code {
            '&' => text.push('&'),
            'L' | 'C' | 'R' => {
                flush(&mut out, at, &mut text);
                at = match code {
                    'L' => 0,
                    'C' => 1,
                    _ => 2,
                };
            }
            'P' | 'N' | 'A' => {
                flush(&mut out, at, &mut text);
                out[at].push(match code {
                    'P' => Piece::Page,
                    'N' => Piece::Pages,
                    _ => Piece::SheetName,
                });
            }
            // A font: &"name,style", skipped.
            '"' => {
                for c in chars.by_ref() {
                    if c == '"' {
                        break;
                    }
                }
            }
            // A font size: &11, skipped.
            d if d.is_ascii_digit() => {
                while chars.peek().is_some_and(|c| c.is_ascii_digit()) {
                    chars.next();
                }
            }
            _ => {}
        }
    }
    flush(&mut out, at, &mut text);
    out
}

fn region_xml(out: &mut String, tag: &str, pieces: &[Piece]) {
    let _ = write!(out, "<style:{tag}><text:p>");
    for p in pieces {
        match p {
            Piece::Text(t) => out.push_str(&esc(t)),
            Piece::Page => out.push_str("<text:page-number>1</text:page-number>"),
            Piece::Pages => out.push_str("<text:page-count>1</text:page-count>"),
            Piece::SheetName => out.push_str("<text:sheet-name>???</text:sheet-name>"),
        }
    }
    let _ = write!(out, "</text:p></style:{tag}>");
}

fn header_footer(out: &mut String, tag: &str, code: &str) {
    let [l, c, r] = regions(code);
    let _ = write!(out, "<style:{tag}>");
    region_xml(out, "region-left", &l);
    region_xml(out, "region-center", &c);
    region_xml(out, "region-right", &r);
    let _ = write!(out, "</style:{tag}>");
}

/// Paper in centimetres (short side, long side) for Excel's paper codes.
fn paper(code: u32) -> (f64, f64) {
    match code {
        1 => (21.59, 27.94),
        8 => (29.7, 42.0),
        _ => (21.0, 29.7),
    }
}

fn page_layout(out: &mut String, i: usize, p: &PageSetup) {
    let (short, long) = paper(p.paper);
    let (w, h) = if p.landscape { (long, short) } else { (short, long) };
    let [left, right, top, bottom, header, footer] = p.margins;
    let _ = write!(
        out,
        r#"<style:page-layout style:name="pm{i}"><style:page-layout-properties fo:page-width="{w}cm" fo:page-height="{h}cm" style:print-orientation="{o}" fo:margin-left="{left}in" fo:margin-right="{right}in" fo:margin-top="{header}in" fo:margin-bottom="{footer}in""#,
        o = if p.landscape { "landscape" } else { "portrait" }
    );
    match (p.fit, p.scale) {
        (Some((x, y)), _) => {
            let _ = write!(out, r#" style:scale-to-X="{}""#, x.max(1));
            if y > 0 {
                let _ = write!(out, r#" style:scale-to-Y="{y}""#);
            }
        }
        (None, Some(s)) => {
            let _ = write!(out, r#" style:scale-to="{s}%""#);
        }
        (None, None) => {}
    }
    out.push_str(r#" style:print-page-order="ttb"/>"#);
    let _ = write!(
        out,
        r#"<style:header-style><style:header-footer-properties fo:min-height="{}in" fo:margin-bottom="0.25in"/></style:header-style><style:footer-style><style:header-footer-properties fo:min-height="{}in" fo:margin-top="0.15in"/></style:footer-style></style:page-layout>"#,
        (top - header).max(0.1),
        (bottom - footer).max(0.1)
    );
}

pub fn styles_xml(book: &Book) -> String {
    let mut out = String::new();
    out.push_str(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = write!(out, "<office:document-styles {NAMESPACES}>");
    out.push_str(r#"<office:font-face-decls><style:font-face style:name="Calibri" svg:font-family="Calibri" style:font-family-generic="swiss" style:font-pitch="variable"/></office:font-face-decls>"#);
    out.push_str(r#"<office:styles><style:default-style style:family="table-cell"><style:text-properties style:font-name="Calibri" fo:font-size="11pt"/></style:default-style><style:style style:name="Default" style:family="table-cell"><style:text-properties style:font-name="Calibri" fo:font-size="11pt"/></style:style></office:styles>"#);
    out.push_str("<office:automatic-styles>");
    for (i, s) in book.sheets.iter().enumerate() {
        page_layout(&mut out, i, &s.page);
    }
    out.push_str("</office:automatic-styles><office:master-styles>");
    for (i, s) in book.sheets.iter().enumerate() {
        let _ = write!(out, r#"<style:master-page style:name="mp{i}" style:page-layout-name="pm{i}">"#);
        header_footer(&mut out, "header", &s.page.header);
        header_footer(&mut out, "footer", &s.page.footer);
        out.push_str("</style:master-page>");
    }
    out.push_str("</office:master-styles></office:document-styles>");
    out
}

fn item(out: &mut String, name: &str, kind: &str, value: impl std::fmt::Display) {
    let _ =
        write!(out, r#"<config:config-item config:name="{name}" config:type="{kind}">{value}</config:config-item>"#);
}

fn frozen(out: &mut String, s: &Sheet) {
    let (rows, cols) = s.frozen;
    let _ = write!(out, r#"<config:config-item-map-entry config:name="{}">"#, esc(&s.name));
    item(out, "HorizontalSplitMode", "short", if cols > 0 { 2 } else { 0 });
    item(out, "VerticalSplitMode", "short", if rows > 0 { 2 } else { 0 });
    item(out, "HorizontalSplitPosition", "int", cols);
    item(out, "VerticalSplitPosition", "int", rows);
    item(out, "ActiveSplitRange", "short", if rows > 0 { 2 } else { 3 });
    item(out, "PositionLeft", "int", 0);
    item(out, "PositionRight", "int", cols);
    item(out, "PositionTop", "int", 0);
    item(out, "PositionBottom", "int", rows);
    out.push_str("</config:config-item-map-entry>");
}

pub fn settings_xml(book: &Book) -> String {
    let mut out = String::new();
    out.push_str(r#"<?xml version="1.0" encoding="UTF-8"?><office:document-settings xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0" office:version="1.3"><office:settings><config:config-item-set config:name="ooo:view-settings"><config:config-item-map-indexed config:name="Views"><config:config-item-map-entry>"#);
    item(&mut out, "ViewId", "string", "view1");
    out.push_str(r#"<config:config-item-map-named config:name="Tables">"#);
    for s in book.sheets.iter().filter(|s| s.frozen != (0, 0)) {
        frozen(&mut out, s);
    }
    out.push_str("</config:config-item-map-named>");
    if let Some(first) = book.sheets.first() {
        item(&mut out, "ActiveTable", "string", esc(&first.name));
    }
    out.push_str("</config:config-item-map-entry></config:config-item-map-indexed></config:config-item-set></office:settings></office:document-settings>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_codes() {
        let [l, c, r] = regions("&L&\"-,Bold\"Plan && co&RPage &P / &N");
        assert!(matches!(&l[..], [Piece::Text(t)] if t == "Plan & co"));
        assert!(c.is_empty());
        assert!(matches!(&r[..], [Piece::Text(_), Piece::Page, Piece::Text(_), Piece::Pages]));
    }
}
