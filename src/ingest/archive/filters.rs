//! The filters every part streams through: XML text runs and tags counted, and xlsb
//! string records, each cut where a text is longer than a cell may hold.

use crate::ingest::error::ReadError;
use crate::ingest::limits::Limits;

/// Longest XML tag accepted (attributes included).
const MAX_TAG: usize = 1 << 20;

/// Characters of an XML text run once decoded: an entity counts one, a UTF-8 sequence
/// one; `in_entity` carries an entity begun in an earlier run.
fn decoded_chars(run: &[u8], in_entity: &mut bool) -> usize {
    let mut n = 0;
    for &b in run {
        if b == b'&' {
            n += 1;
            *in_entity = true;
        } else if *in_entity {
            *in_entity = b != b';';
        } else if b & 0xC0 != 0x80 {
            n += 1;
        }
    }
    n
}

/// Byte-level XML scanner: counts the characters of each text run and the length of each
/// tag, cutting runs longer than a cell may hold (one character more is kept, so the
/// cell reader sees the cut and reports it).
pub(super) struct TextFilter {
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
    pub(super) cut: bool,
    /// xlsb parts: string records cut while streaming.
    records: Option<BinRecords>,
}

impl TextFilter {
    pub(super) fn new(name: &str, limits: &Limits) -> Self {
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

    pub(super) fn feed(&mut self, bytes: &[u8], kept: &mut Vec<u8>) -> Result<(), ReadError> {
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
                i += self.tag_bytes(&bytes[i..], kept)?;
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
            self.text_run(&bytes[i..end], kept)?;
            i = end;
        }
        Ok(())
    }

    /// Inside a tag: up to the next byte that changes the state (a quote's end inside a
    /// value, else a quote or the tag's end). Returns how many bytes were taken.
    fn tag_bytes(&mut self, rest: &[u8], kept: &mut Vec<u8>) -> Result<usize, ReadError> {
        // Tags are short: a plain loop beats a vectorised search's set-up.
        let stop = match self.quote {
            Some(q) => rest.iter().position(|&b| b == q),
            None => rest.iter().position(|&b| matches!(b, b'"' | b'\'' | b'>')),
        };
        let n = stop.map_or(rest.len(), |p| p + 1);
        kept.extend_from_slice(&rest[..n]);
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
        Ok(n)
    }

    /// A text run between tags: counted, kept up to what a cell may hold.
    fn text_run(&mut self, run: &[u8], kept: &mut Vec<u8>) -> Result<(), ReadError> {
        if self.shared_strings {
            self.shared_total += run.len() as u64;
            if self.shared_total > self.max_shared {
                return Err(ReadError::TooMuchText { max: self.max_shared });
            }
        }
        if self.run_chars > self.keep_chars && !self.in_entity {
            self.cut = true;
            return Ok(());
        }
        if self.run_chars + run.len() <= self.keep_chars {
            kept.extend_from_slice(run);
            self.run_chars += decoded_chars(run, &mut self.in_entity);
            return Ok(());
        }
        for &b in run {
            // An entity ("&#233;", "&amp;") is one character of the cell.
            let counts = b == b'&' || (!self.in_entity && b & 0xC0 != 0x80);
            if counts {
                self.run_chars += 1;
            }
            // Never cut an entity in two.
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
