//! Merged areas of every xlsx worksheet, by a plain scan of the sheet XML.
//!
//! calamine can list them, but only by parsing each sheet's XML a second time event by
//! event, which doubles the reading time of a large plan; the `<mergeCell ref="A1:B2"/>`
//! elements are simple enough to find with a byte search, done by `archive::bounded`
//! while it streams the parts anyway.

use std::collections::HashMap;

use quick_xml::events::Event;

use super::grid::Merge;

/// The xlsx parts that name the sheets, and the merged areas of each worksheet part.
#[derive(Debug, Default)]
pub struct SheetParts {
    /// xl/workbook.xml.
    pub workbook: Option<String>,
    /// xl/_rels/workbook.xml.rels.
    pub rels: Option<String>,
    /// Worksheet part name (lower case) → its `<mergeCell>` areas.
    pub merges: HashMap<String, Vec<Merge>>,
}

/// Sheet name → merged areas, from the parts `archive::bounded` kept and scanned.
/// Anything unreadable yields no merges, never an error: merges only refine the reading.
pub fn xlsx_merges(parts: &SheetParts) -> HashMap<String, Vec<Merge>> {
    let mut out = HashMap::new();
    let (Some(workbook), Some(rels)) = (&parts.workbook, &parts.rels) else {
        return out;
    };
    if parts.merges.is_empty() {
        return out;
    }
    let targets: HashMap<String, String> = elements(rels, "Relationship")
        .into_iter()
        .filter_map(|a| Some((a.get("Id")?.clone(), a.get("Target")?.clone())))
        .collect();
    for sheet in elements(workbook, "sheet") {
        let (Some(name), Some(rid)) =
            (sheet.get("name"), sheet.iter().find(|(k, _)| k.ends_with(":id")).map(|(_, v)| v))
        else {
            continue;
        };
        let Some(target) = targets.get(rid) else {
            continue;
        };
        let path = match target.strip_prefix('/') {
            Some(abs) => abs.to_string(),
            None => format!("xl/{target}"),
        };
        if let Some(merges) = parts.merges.get(&path.to_ascii_lowercase()) {
            out.insert(name.clone(), merges.clone());
        }
    }
    out
}

/// Attributes (local names) of every element named `local` in a small XML part.
fn elements(xml: &str, local: &str) -> Vec<HashMap<String, String>> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == local => {
                let attrs = e
                    .attributes()
                    .flatten()
                    .map(|a| {
                        let key = a.key.as_ref().to_string();
                        let key = key.rsplit_once(':').map_or(key.clone(), |(p, l)| {
                            if p == "r" {
                                key.clone()
                            } else {
                                l.to_string()
                            }
                        });
                        (key, unescape(&a.value))
                    })
                    .collect();
                out.push(attrs);
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
}

/// The five predefined XML entities (sheet names may hold & < > ' ").
fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}

/// The `<mergeCell ref="…"/>` areas of a stretch of sheet XML, searched as bytes: the
/// sheet's cells come first and are never decoded here.
pub(super) fn scan_merges(xml: &[u8], max: usize) -> Vec<Merge> {
    let mut out = Vec::new();
    if max == 0 {
        return out;
    }
    let finder = memchr::memmem::Finder::new(b"mergeCell ");
    let mut rest = xml;
    while let Some(i) = finder.find(rest) {
        rest = &rest[i + 10..];
        let end = memchr::memchr(b'>', rest).unwrap_or(rest.len());
        let tag = &rest[..end];
        if let Some(r) = memchr::memmem::find(tag, b"ref=\"") {
            let v = &tag[r + 5..];
            let range = memchr::memchr(b'"', v).and_then(|q| std::str::from_utf8(&v[..q]).ok()).and_then(parse_range);
            if let Some(m) = range {
                out.push(m);
                if out.len() >= max {
                    break;
                }
            }
        }
    }
    out
}

/// "B2:D4" → 0-based inclusive merge.
fn parse_range(s: &str) -> Option<Merge> {
    let (a, b) = s.split_once(':')?;
    let (r1, c1) = parse_cell(a)?;
    let (r2, c2) = parse_cell(b)?;
    Some(Merge { first_row: r1.min(r2), first_col: c1.min(c2), last_row: r1.max(r2), last_col: c1.max(c2) })
}

fn parse_cell(s: &str) -> Option<(u32, u32)> {
    let s = s.trim_start_matches('$');
    let letters = s.bytes().take_while(u8::is_ascii_alphabetic).count();
    if letters == 0 || letters > 3 {
        return None;
    }
    let col = s[..letters]
        .bytes()
        .try_fold(0u32, |acc, b| Some(acc * 26 + u32::from(b.to_ascii_uppercase().checked_sub(b'A')? + 1)))?;
    let row: u32 = s[letters..].trim_start_matches('$').parse().ok()?;
    (row >= 1 && col >= 1).then_some((row - 1, col - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_merge_refs() {
        let xml =
            r#"<sheetData/><mergeCells count="2"><mergeCell ref="A1:H1"/><mergeCell ref="$B$3:C10"/></mergeCells>"#;
        let m = scan_merges(xml.as_bytes(), 10);
        assert_eq!(m.len(), 2);
        assert_eq!((m[0].first_row, m[0].first_col, m[0].last_row, m[0].last_col), (0, 0, 0, 7));
        assert_eq!((m[1].first_row, m[1].first_col, m[1].last_row, m[1].last_col), (2, 1, 9, 2));
        assert!(parse_range("A0:B2").is_none());
    }
}
