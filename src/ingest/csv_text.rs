//! CSV and tab-separated text (`;`, `,` or tab; UTF-8 with or without BOM, or
//! Windows-1252 line by line; quoted multi-line cells) → one sheet of text cells.

use super::error::ReadError;
use super::grid::{Sheet, Value};
use super::limits::Limits;
use crate::validate::{Code, Diagnostic};

/// Text that reads as a table: no NUL byte, and a header line with two separators at least.
pub fn looks_like_csv(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return false;
    }
    let (text, _) = decode(head);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).take(20).collect();
    // Two columns are enough (a form: label;value), if most lines have them.
    let split = |sep: u8| lines.iter().filter(|l| l.bytes().any(|b| b == sep)).count();
    let best = [b';', b',', b'\t'].into_iter().map(split).max().unwrap_or(0);
    lines.len() >= 2 && best * 3 >= lines.len() * 2
}

/// UTF-8 (BOM dropped), line by line: a line that is not valid UTF-8 is decoded as
/// Windows-1252 alone. Returns the text and, when the file is UTF-8 (a BOM, or accented
/// lines valid in UTF-8) with such lines, their numbers (1-based).
fn decode(bytes: &[u8]) -> (String, Vec<usize>) {
    let bom = bytes.starts_with(b"\xEF\xBB\xBF");
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(bytes) {
        return (s.to_string(), Vec::new());
    }
    let mut utf8 = bom;
    let mut text = String::with_capacity(bytes.len() + bytes.len() / 8);
    let mut legacy = Vec::new();
    let mut lines = bytes.split_inclusive(|b| *b == b'\n').enumerate().peekable();
    while let Some((i, line)) = lines.next() {
        match std::str::from_utf8(line) {
            Ok(s) => {
                utf8 |= !s.is_ascii();
                text.push_str(s);
            }
            // A sniffed prefix cut inside a character.
            Err(e) if lines.peek().is_none() && e.error_len().is_none() => {
                text.push_str(&String::from_utf8_lossy(line));
            }
            Err(_) => {
                text.push_str(&encoding_rs::WINDOWS_1252.decode_without_bom_handling(line).0);
                legacy.push(i + 1);
            }
        }
    }
    if !utf8 {
        legacy.clear(); // a Windows-1252 file: nothing mixed
    }
    (text, legacy)
}

/// The warning naming the lines read as Windows-1252, in a file otherwise UTF-8.
fn legacy_warning(lines: &[usize], name: &str) -> Option<Diagnostic> {
    if lines.is_empty() {
        return None;
    }
    let shown: Vec<String> = lines.iter().take(12).map(usize::to_string).collect();
    let more = if lines.len() > shown.len() { " …" } else { "" };
    let message = format!(
        "Fichier en UTF-8 dont {} ligne(s) ne le sont pas : lue(s) en Windows-1252 (ligne(s) {}{more}). \
         Vérifiez leurs accents, puis enregistrez le fichier entier en UTF-8.",
        lines.len(),
        shown.join(", ")
    );
    Some(Diagnostic::new(Code::EncodageMixte, message).in_sheet(name))
}

/// The separator used most on the first line, outside quotes; on the first lines when
/// the first has none (a form's title line).
fn delimiter(text: &str) -> u8 {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let first = lines.next().unwrap_or("");
    let head: String = if first.bytes().any(|b| matches!(b, b';' | b',' | b'\t')) {
        first.to_string()
    } else {
        lines.take(20).collect::<Vec<_>>().join("\n")
    };
    let mut counts = [(b';', 0usize), (b'\t', 0), (b',', 0)];
    let mut quoted = false;
    for b in head.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for c in counts.iter_mut().filter(|c| c.0 == b) {
                c.1 += 1;
            }
        }
    }
    counts.iter().max_by_key(|c| c.1).map_or(b';', |c| c.0)
}

/// Reads the whole text as one sheet named `name`, with a warning when some lines were
/// not UTF-8.
pub fn read_csv(bytes: &[u8], name: &str, limits: &Limits) -> Result<(Sheet, Option<Diagnostic>), ReadError> {
    let (text, legacy) = decode(bytes);
    let warning = legacy_warning(&legacy, name);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter(&text))
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut sheet = Sheet::new(name, true);
    for (r, record) in reader.records().enumerate() {
        let record = record.map_err(|e| ReadError::Damaged(format!("CSV illisible ({e})")))?;
        for (c, field) in record.iter().enumerate() {
            if field.trim().is_empty() {
                continue;
            }
            if sheet.cell_count >= limits.max_cells_per_sheet {
                return Err(ReadError::SheetTooLarge {
                    sheet: name.to_string(),
                    max: limits.max_cells_per_sheet as u64,
                });
            }
            let (Ok(r), Ok(c)) = (u32::try_from(r), u32::try_from(c)) else { break };
            sheet.push(r, c, Value::Text(field.to_string()));
        }
    }
    Ok((sheet, warning))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_encodings_and_quotes() {
        let win: Vec<u8> = b"Axe;Action;Pilote\r\n\"Axe 1\";\"Cr\xe9er un\nguide\";CCAS\r\n".to_vec();
        assert!(looks_like_csv(&win));
        let s = read_csv(&win, "plan", &Limits::default()).unwrap().0;
        assert_eq!(s.get(1, 1), Some(&Value::Text("Créer un\nguide".into())));
        let utf = "\u{feff}Axe,Action,Pilote\nAxe 1,Élargir,CCAS\n";
        let s = read_csv(utf.as_bytes(), "plan", &Limits::default()).unwrap().0;
        assert_eq!(s.get(0, 0), Some(&Value::Text("Axe".into())));
        assert_eq!(s.get(1, 1), Some(&Value::Text("Élargir".into())));
        let tab = "Axe\tAction\tPilote\nA\tB\tC\n";
        assert_eq!(
            read_csv(tab.as_bytes(), "p", &Limits::default()).unwrap().0.get(1, 2),
            Some(&Value::Text("C".into()))
        );
        assert!(!looks_like_csv(b"ceci n'est pas un classeur"));
        // Two columns, a title line without separator: a form.
        let form = "Fiche action 1\nIntitul\u{e9};Cr\u{e9}er un LAEP\nPilote;CCAS\n";
        assert!(looks_like_csv(form.as_bytes()));
        assert_eq!(
            read_csv(form.as_bytes(), "f", &Limits::default()).unwrap().0.get(2, 1),
            Some(&Value::Text("CCAS".into()))
        );
    }
}
