//! Bounded reading of zip-based workbooks (xlsx, xlsm, xlsb, ods), before any parser
//! allocates: every part is decompressed through a small buffer, counting what is
//! actually read (never trusting declared sizes), the text of one cell, the total text
//! of the shared strings and the length of one XML tag. A text longer than a cell may
//! hold is cut while streaming, into a rewritten archive handed to the parser. The same
//! pass finds the merged areas of xlsx sheets, so no part is decompressed twice by us.

use std::io::{Cursor, Read, Write};

use super::error::ReadError;
use super::grid::Merge;
use super::limits::Limits;
use super::xlsx_merges::{scan_merges, SheetParts};

mod filters;

use filters::TextFilter;

/// What the first pass found.
#[derive(Debug, Default)]
pub struct Bounded {
    /// The archive again with over-long texts cut, when some text was longer than a
    /// cell may hold; None when the original can be parsed as it is.
    pub rewritten: Option<Vec<u8>>,
    /// Parts of an xlsx workbook that locate its merged areas.
    pub sheets: SheetParts,
}

/// Checks a zip workbook within `limits`, in one streaming pass over every part.
pub fn bounded<R: Read + std::io::Seek>(mut zip: zip::ZipArchive<R>, limits: &Limits) -> Result<Bounded, ReadError> {
    let mut total = 0u64;
    let mut too_long_text = false;
    let mut sheets = SheetParts::default();
    let mut bufs = Buffers::new();
    for i in 0..zip.len() {
        let mut part = match zip.by_index(i) {
            Ok(p) => p,
            Err(zip::result::ZipError::UnsupportedArchive(m)) if m.to_ascii_lowercase().contains("password") => {
                return Err(ReadError::Protected)
            }
            Err(e) => return Err(ReadError::Damaged(zip_fr(&e))),
        };
        let name = part.name().map(|n| n.to_ascii_lowercase()).unwrap_or_default();
        let mut filter = TextFilter::new(&name, limits);
        let mut look = Look::of(&name, limits.max_merges);
        stream(&mut part, &mut filter, None::<&mut Vec<u8>>, &mut total, limits, &mut bufs, &mut look)?;
        too_long_text |= filter.cut;
        match look {
            Look::Keep(which, bytes) => {
                let text = String::from_utf8(bytes).ok();
                match which {
                    Kept::Workbook => sheets.workbook = text,
                    Kept::Rels => sheets.rels = text,
                }
            }
            Look::Merges(m) if !m.found.is_empty() => {
                sheets.merges.insert(name, m.found);
            }
            _ => {}
        }
    }
    let rewritten = if too_long_text { Some(rewrite(&mut zip, limits, &mut bufs)?) } else { None };
    Ok(Bounded { rewritten, sheets })
}

/// The two buffers of `stream`, allocated once for all the parts.
struct Buffers {
    read: Vec<u8>,
    kept: Vec<u8>,
}

impl Buffers {
    fn new() -> Self {
        Buffers { read: vec![0u8; 64 * 1024], kept: Vec::with_capacity(64 * 1024) }
    }
}

/// What else a part's bytes are read for.
enum Look {
    Nothing,
    Keep(Kept, Vec<u8>),
    Merges(MergeScan),
}

enum Kept {
    Workbook,
    Rels,
}

impl Look {
    fn of(name: &str, max_merges: usize) -> Look {
        match name {
            "xl/workbook.xml" => Look::Keep(Kept::Workbook, Vec::new()),
            "xl/_rels/workbook.xml.rels" => Look::Keep(Kept::Rels, Vec::new()),
            n if n.starts_with("xl/worksheets/") && n.ends_with(".xml") => Look::Merges(MergeScan::new(max_merges)),
            _ => Look::Nothing,
        }
    }

    fn feed(&mut self, bytes: &[u8]) {
        match self {
            Look::Nothing => {}
            Look::Keep(_, kept) => kept.extend_from_slice(bytes),
            Look::Merges(m) => m.feed(bytes),
        }
    }
}

/// `<mergeCell ref="…"/>` areas of a sheet part, searched in each chunk up to its last
/// complete tag; the rest waits for the next chunk.
struct MergeScan {
    tail: Vec<u8>,
    found: Vec<Merge>,
    max: usize,
}

impl MergeScan {
    fn new(max: usize) -> Self {
        MergeScan { tail: Vec::new(), found: Vec::new(), max }
    }

    fn feed(&mut self, bytes: &[u8]) {
        if self.found.len() >= self.max {
            return;
        }
        let Some(end) = memchr::memrchr(b'>', bytes) else {
            self.tail.extend_from_slice(bytes);
            if self.tail.len() > 4 << 20 {
                self.tail.clear();
            }
            return;
        };
        let left = self.max - self.found.len();
        if self.tail.is_empty() {
            self.found.extend(scan_merges(&bytes[..=end], left));
        } else {
            self.tail.extend_from_slice(&bytes[..=end]);
            self.found.extend(scan_merges(&self.tail, left));
            self.tail.clear();
        }
        self.tail.extend_from_slice(&bytes[end + 1..]);
    }
}

/// The archive again, with every over-long text cut (XML parts recompressed quickly).
fn rewrite<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    limits: &Limits,
    bufs: &mut Buffers,
) -> Result<Vec<u8>, ReadError> {
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(false);
    let mut total = 0u64;
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).map_err(|e| ReadError::Damaged(zip_fr(&e)))?;
        let name = part.name().map(|n| n.into_owned()).unwrap_or_else(|_| format!("partie-{i}"));
        if part.is_dir() {
            continue;
        }
        out.start_file(name.as_str(), opts).map_err(|e| ReadError::Damaged(zip_fr(&e)))?;
        let mut filter = TextFilter::new(&name.to_ascii_lowercase(), limits);
        stream(&mut part, &mut filter, Some(&mut out), &mut total, limits, bufs, &mut Look::Nothing)?;
    }
    let cursor = out.finish().map_err(|e| ReadError::Damaged(zip_fr(&e)))?;
    Ok(cursor.into_inner())
}

/// Decompresses `part` through a 64 KB buffer into `filter` (and `out` when rewriting)
/// and `look`.
fn stream(
    part: &mut impl Read,
    filter: &mut TextFilter,
    mut out: Option<&mut impl Write>,
    total: &mut u64,
    limits: &Limits,
    bufs: &mut Buffers,
    look: &mut Look,
) -> Result<(), ReadError> {
    let Buffers { read: buf, kept } = bufs;
    loop {
        let n = match part.read(buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return Err(ReadError::Damaged("le fichier est incomplet ou endommagé".into())),
        };
        *total += n as u64;
        if *total > limits.max_unzipped_bytes {
            return Err(ReadError::ZipBomb { size: *total, max: limits.max_unzipped_bytes });
        }
        look.feed(&buf[..n]);
        kept.clear();
        filter.feed(&buf[..n], kept)?;
        if let Some(o) = out.as_deref_mut() {
            o.write_all(kept).map_err(|_| ReadError::Damaged("réécriture de l'archive impossible".into()))?;
        }
    }
}

/// A zip library error in French.
fn zip_fr(e: &zip::result::ZipError) -> String {
    use zip::result::ZipError as Z;
    let what = match e {
        Z::Io(_) => "lecture interrompue",
        Z::InvalidArchive(m) if m.to_ascii_lowercase().contains("eocd") || m.contains("end of central") => {
            "fin de l'archive introuvable, le fichier est sans doute tronqué"
        }
        Z::InvalidArchive(_) => "archive zip abîmée",
        Z::UnsupportedArchive(_) => "archive zip d'un type non pris en charge",
        Z::FileNotFound => "partie manquante dans l'archive",
        _ => "archive zip illisible",
    };
    format!("le fichier est incomplet ou endommagé ({what})")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(xml: &str, max_cell_chars: usize) -> (String, bool) {
        let limits = Limits { max_cell_chars, ..Limits::default() };
        let mut f = TextFilter::new("xl/sharedstrings.xml", &limits);
        let mut kept = Vec::new();
        for chunk in xml.as_bytes().chunks(3) {
            f.feed(chunk, &mut kept).unwrap();
        }
        (String::from_utf8(kept).unwrap(), f.cut)
    }

    #[test]
    fn entities_count_one_character() {
        let run = "&#233;".repeat(20);
        let (kept, cut) = filter(&format!("<t>{run}</t>"), 10);
        assert_eq!(kept, format!("<t>{}</t>", "&#233;".repeat(11)));
        assert!(cut);
        let (kept, cut) = filter(&format!("<t>{}</t>", "&#233;".repeat(10)), 10);
        assert_eq!(kept, format!("<t>{}</t>", "&#233;".repeat(10)));
        assert!(!cut);
    }

    /// A BIFF12 record: type and length as varints, then the payload.
    fn record(typ: u32, payload: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        for mut v in [typ, payload.len() as u32] {
            loop {
                let b = (v & 0x7F) as u8;
                v >>= 7;
                out.push(if v > 0 { b | 0x80 } else { b });
                if v == 0 {
                    break;
                }
            }
        }
        out.extend_from_slice(payload);
        out
    }

    fn inline_string(text: &str) -> Vec<u8> {
        let mut p = vec![2, 0, 0, 0, 0, 0, 0, 0]; // column 2, style 0
        let units: Vec<u16> = text.encode_utf16().collect();
        p.extend_from_slice(&(units.len() as u32).to_le_bytes());
        p.extend(units.iter().flat_map(|u| u.to_le_bytes()));
        record(0x0006, &p)
    }

    #[test]
    fn xlsb_inline_strings_are_cut_while_streaming() {
        let limits = Limits { max_cell_chars: 10, ..Limits::default() };
        let row = record(0x0000, &[1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let long = "é".repeat(200_000);
        let mut part = row.clone();
        part.extend(inline_string(&long));
        part.extend(inline_string("court"));
        part.extend(record(0x0092, &[]));
        for chunk in [1, 7, 4096] {
            let mut f = TextFilter::new("xl/worksheets/sheet1.bin", &limits);
            let mut kept = Vec::new();
            for c in part.chunks(chunk) {
                f.feed(c, &mut kept).unwrap();
            }
            assert!(f.cut);
            let mut expected = row.clone();
            expected.extend(inline_string(&"é".repeat(11)));
            expected.extend(inline_string("court"));
            expected.extend(record(0x0092, &[]));
            assert_eq!(kept, expected, "morceaux de {chunk}");
        }
    }

    #[test]
    fn merges_are_found_across_chunk_boundaries() {
        let xml = br#"<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData><mergeCells count="2"><mergeCell ref="A1:H1"/><mergeCell ref="$B$3:C10"/></mergeCells>"#;
        for chunk in [1, 5, 17, 4096] {
            let mut m = MergeScan::new(10);
            for c in xml.chunks(chunk) {
                m.feed(c);
            }
            let got: Vec<_> = m.found.iter().map(|m| (m.first_row, m.first_col, m.last_row, m.last_col)).collect();
            assert_eq!(got, vec![(0, 0, 0, 7), (2, 1, 9, 2)], "morceaux de {chunk}");
            let mut one = MergeScan::new(1);
            xml.chunks(chunk).for_each(|c| one.feed(c));
            assert_eq!(one.found.len(), 1);
        }
    }

    #[test]
    fn cuts_long_text_but_not_tags_nor_entities() {
        assert_eq!(filter("<t a=\"x>y\">abcdefgh</t>", 4), ("<t a=\"x>y\">abcde</t>".into(), true));
        assert_eq!(filter("<t>abcd&amp;efgh</t>", 4), ("<t>abcd&amp;</t>".into(), true));
        assert_eq!(filter("<t>éééééé</t><u>ab</u>", 2), ("<t>ééé</t><u>ab</u>".into(), true));
        assert_eq!(filter("<t>abc</t>", 4), ("<t>abc</t>".into(), false));
    }
}
