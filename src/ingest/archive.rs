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

/// Longest XML tag accepted (attributes included).
const MAX_TAG: usize = 1 << 20;

/// Byte-level XML scanner: counts the characters of each text run and the length of each
/// tag, cutting runs longer than a cell may hold (one character more is kept, so the
/// cell reader sees the cut and reports it).
struct TextFilter {
    xml: bool,
    shared_strings: bool,
    binary_shared_strings: bool,
    keep_chars: usize,
    in_tag: bool,
    quote: Option<u8>,
    tag_len: usize,
    run_chars: usize,
    in_entity: bool,
    shared_total: u64,
    max_shared: u64,
    cut: bool,
    /// xlsb parts: string records cut while streaming.
    records: Option<BinRecords>,
}

impl TextFilter {
    fn new(name: &str, limits: &Limits) -> Self {
        TextFilter {
            xml: name.ends_with(".xml") || name.ends_with(".rels"),
            shared_strings: name.ends_with("sharedstrings.xml"),
            binary_shared_strings: name.ends_with("sharedstrings.bin"),
            keep_chars: limits.max_cell_chars + 1,
            in_tag: false,
            quote: None,
            tag_len: 0,
            run_chars: 0,
            in_entity: false,
            shared_total: 0,
            max_shared: limits.max_shared_strings_bytes,
            cut: false,
            records: BinRecords::for_part(name, limits.max_cell_chars + 1),
        }
    }

    fn feed(&mut self, bytes: &[u8], kept: &mut Vec<u8>) -> Result<(), ReadError> {
        if self.binary_shared_strings {
            // xlsb: the whole part is string records.
            self.shared_total += bytes.len() as u64;
            if self.shared_total > self.max_shared {
                return Err(ReadError::TooMuchText { max: self.max_shared });
            }
        }
        if let Some(r) = &mut self.records {
            r.feed(bytes, kept);
            self.cut |= r.cut;
            return Ok(());
        }
        if !self.xml {
            kept.extend_from_slice(bytes);
            return Ok(());
        }
        let mut i = 0;
        while i < bytes.len() {
            if self.in_tag {
                // Up to the next byte that changes the state: a quote's end inside a
                // value, else a quote or the tag's end.
                let rest = &bytes[i..];
                // Tags are short: a plain loop beats a vectorised search's set-up.
                let stop = match self.quote {
                    Some(q) => rest.iter().position(|&b| b == q),
                    None => rest.iter().position(|&b| matches!(b, b'"' | b'\'' | b'>')),
                };
                let n = stop.map_or(rest.len(), |p| p + 1);
                kept.extend_from_slice(&rest[..n]);
                i += n;
                self.tag_len += n;
                if self.tag_len > MAX_TAG {
                    return Err(ReadError::Damaged(format!(
                        "le fichier est incomplet ou endommagé (balise XML de plus de {} Mo)",
                        MAX_TAG >> 20
                    )));
                }
                if let Some(p) = stop {
                    match (self.quote, rest[p]) {
                        (Some(_), _) => self.quote = None,
                        (None, b @ (b'"' | b'\'')) => self.quote = Some(b),
                        _ => self.in_tag = false,
                    }
                }
                continue;
            }
            if bytes[i] == b'<' {
                self.in_tag = true;
                self.tag_len = 1;
                self.run_chars = 0;
                self.in_entity = false;
                kept.push(b'<');
                i += 1;
                continue;
            }
            // A text run up to the next tag, in bulk where possible.
            let end = memchr::memchr(b'<', &bytes[i..]).map_or(bytes.len(), |p| i + p);
            let run = &bytes[i..end];
            i = end;
            if self.shared_strings {
                self.shared_total += run.len() as u64;
                if self.shared_total > self.max_shared {
                    return Err(ReadError::TooMuchText { max: self.max_shared });
                }
            }
            if self.run_chars > self.keep_chars && !self.in_entity {
                self.cut = true;
                continue;
            }
            if self.run_chars + run.len() <= self.keep_chars {
                kept.extend_from_slice(run);
                self.run_chars += run.iter().filter(|b| *b & 0xC0 != 0x80).count();
                let amp = memchr::memrchr(b'&', run);
                let semi = memchr::memrchr(b';', run);
                match (amp, semi) {
                    (Some(a), Some(s)) => self.in_entity = a > s,
                    (Some(_), None) => self.in_entity = true,
                    (None, Some(_)) => self.in_entity = false,
                    (None, None) => {}
                }
                continue;
            }
            for &b in run {
                if b & 0xC0 != 0x80 {
                    self.run_chars += 1;
                }
                // Never cut an entity ("&amp;") in two.
                if self.run_chars <= self.keep_chars || self.in_entity {
                    kept.push(b);
                } else {
                    self.cut = true;
                }
                if b == b'&' && self.run_chars <= self.keep_chars {
                    self.in_entity = true;
                } else if b == b';' {
                    self.in_entity = false;
                }
            }
        }
        Ok(())
    }
}

/// The records of an xlsb part (BIFF12: a type and a length, each a 7-bit varint, then
/// the payload), passed through while streaming, except string records whose text is
/// longer than a cell may hold: their text is cut to `keep` characters and the rest of
/// the record skipped, never held. Worksheets: inline strings (BrtCellSt) and formula
/// strings (BrtFmlaString), text after an 8-byte cell header; shared strings: BrtSSTItem,
/// text after a 1-byte flag (formatting runs dropped with the cut).
struct BinRecords {
    /// (record type, bytes before the text's u32 length).
    strings: &'static [(u32, usize)],
    keep: usize,
    state: RecState,
    header: Vec<u8>,
    typ: u32,
    len: u32,
    /// Payload bytes still to copy, then to skip, of the current record.
    copy: u64,
    skip: u64,
    cut: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum RecState {
    Type,
    Len,
    /// Holding the start of a long string record until its text length is known.
    Prefix(usize),
    Payload,
}

impl BinRecords {
    fn for_part(name: &str, keep: usize) -> Option<Self> {
        let strings: &'static [(u32, usize)] = if name.starts_with("xl/worksheets/") && name.ends_with(".bin") {
            &[(0x0006, 8), (0x0008, 8)]
        } else if name.ends_with("sharedstrings.bin") {
            &[(0x0013, 1)]
        } else {
            return None;
        };
        Some(BinRecords {
            strings,
            keep,
            state: RecState::Type,
            header: Vec::new(),
            typ: 0,
            len: 0,
            copy: 0,
            skip: 0,
            cut: false,
        })
    }

    fn feed(&mut self, mut bytes: &[u8], kept: &mut Vec<u8>) {
        while !bytes.is_empty() {
            match self.state {
                RecState::Type | RecState::Len => {
                    let b = bytes[0];
                    bytes = &bytes[1..];
                    self.header.push(b);
                    let is_type = self.state == RecState::Type;
                    let idx = if is_type { self.header.len() - 1 } else { self.header.len() - 1 - self.type_bytes() };
                    let bits = u32::from(b & 0x7F) << (7 * idx.min(3));
                    if is_type {
                        self.typ |= bits;
                    } else {
                        self.len |= bits;
                    }
                    // A type takes at most 2 bytes, a length at most 4.
                    let last = b & 0x80 == 0 || (is_type && idx >= 1) || idx >= 3;
                    if last && self.state == RecState::Type {
                        self.state = RecState::Len;
                    } else if last {
                        self.start_payload(kept);
                    }
                }
                RecState::Prefix(need) => {
                    let take = (need - (self.header.len() - self.header_bytes())).min(bytes.len());
                    self.header.extend_from_slice(&bytes[..take]);
                    bytes = &bytes[take..];
                    if self.header.len() - self.header_bytes() == need {
                        self.cut_string(need, kept);
                    }
                }
                RecState::Payload => {
                    let c = (self.copy.min(bytes.len() as u64)) as usize;
                    kept.extend_from_slice(&bytes[..c]);
                    self.copy -= c as u64;
                    bytes = &bytes[c..];
                    let k = (self.skip.min(bytes.len() as u64)) as usize;
                    self.skip -= k as u64;
                    bytes = &bytes[k..];
                    if self.copy == 0 && self.skip == 0 {
                        self.next_record();
                    }
                }
            }
        }
    }

    fn type_bytes(&self) -> usize {
        if self.header[0] & 0x80 == 0 {
            1
        } else {
            2
        }
    }

    fn header_bytes(&self) -> usize {
        let t = self.type_bytes();
        t + self.header[t..].iter().position(|b| b & 0x80 == 0).map_or(self.header.len() - t, |p| p + 1)
    }

    fn start_payload(&mut self, kept: &mut Vec<u8>) {
        let offset = self.strings.iter().find(|(t, _)| *t == self.typ).map(|(_, o)| *o);
        match offset {
            Some(o) if u64::from(self.len) > (o + 4 + 2 * self.keep) as u64 => self.state = RecState::Prefix(o + 4),
            _ => {
                kept.extend_from_slice(&self.header);
                self.copy = u64::from(self.len);
                self.skip = 0;
                self.state = RecState::Payload;
                if self.copy == 0 {
                    self.next_record();
                }
            }
        }
    }

    /// A long string record: its text cut to `keep` characters, the rest skipped.
    fn cut_string(&mut self, prefix: usize, kept: &mut Vec<u8>) {
        let hb = self.header_bytes();
        let mut payload = self.header[hb..].to_vec();
        let chars =
            u32::from_le_bytes([payload[prefix - 4], payload[prefix - 3], payload[prefix - 2], payload[prefix - 1]]);
        let room = (u64::from(self.len) - prefix as u64) / 2;
        let kept_chars = u64::from(chars).min(self.keep as u64).min(room);
        payload[prefix - 4..prefix].copy_from_slice(&(kept_chars as u32).to_le_bytes());
        if prefix == 5 {
            payload[0] = 0; // shared string: no formatting runs any more
        }
        let new_len = prefix as u64 + 2 * kept_chars;
        kept.extend_from_slice(&self.header[..self.type_bytes()]);
        let mut l = new_len;
        loop {
            let b = (l & 0x7F) as u8;
            l >>= 7;
            kept.push(if l > 0 { b | 0x80 } else { b });
            if l == 0 {
                break;
            }
        }
        kept.extend_from_slice(&payload);
        self.copy = 2 * kept_chars;
        self.skip = u64::from(self.len) - new_len;
        self.cut |= u64::from(chars) > kept_chars;
        self.state = RecState::Payload;
        if self.copy == 0 && self.skip == 0 {
            self.next_record();
        }
    }

    fn next_record(&mut self) {
        self.header.clear();
        self.typ = 0;
        self.len = 0;
        self.state = RecState::Type;
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
