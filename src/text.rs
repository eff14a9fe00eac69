//! Small text helpers shared by every stage: folding for tolerant matching,
//! cleaning of cell text, A1 references.

/// Lowercase, accents removed, ligatures expanded, typographic variants made plain,
/// runs of white space collapsed. "Réf. N°" → "ref. no".
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    // Every cell of a plan passes here: ASCII characters skip the Unicode tables, and
    // the others are decomposed one by one (no normalisation buffer: the marks a
    // canonical reordering would move are all dropped).
    for c in s.chars() {
        if c.is_ascii() {
            fold_ascii(c as u8, &mut out, &mut space);
        } else {
            unicode_normalization::char::decompose_canonical(c, |d| fold_char(d, &mut out, &mut space));
        }
    }
    while out.ends_with(' ') {
        out.pop();
    }
    out
}

fn fold_ascii(b: u8, out: &mut String, space: &mut bool) {
    if b.is_ascii_whitespace() || b == 0x0b {
        if !*space && !out.is_empty() {
            out.push(' ');
        }
        *space = true;
        return;
    }
    *space = false;
    out.push(if b == b'`' { '\'' } else { char::from(b.to_ascii_lowercase()) });
}

fn fold_char(c: char, out: &mut String, space: &mut bool) {
    if c.is_ascii() {
        return fold_ascii(c as u8, out, space);
    }
    if unicode_normalization::char::is_combining_mark(c) {
        return;
    }
    let mapped: &str = match c {
        'œ' | 'Œ' => "oe",
        'æ' | 'Æ' => "ae",
        '°' | 'º' => "o",
        '’' | '‘' | '´' => "'",
        '«' | '»' | '“' | '”' => "\"",
        '–' | '—' | '‑' | '−' => "-",
        _ => "",
    };
    if !mapped.is_empty() {
        out.push_str(mapped);
        *space = false;
        return;
    }
    if c.is_whitespace() {
        if !*space && !out.is_empty() {
            out.push(' ');
        }
        *space = true;
        return;
    }
    *space = false;
    out.extend(c.to_lowercase());
}

/// `fold`, then every non-alphanumeric character as a word break: "N° d'action" → "no d action".
pub fn fold_words(s: &str) -> String {
    let f = fold(s);
    let mut out = String::with_capacity(f.len());
    for w in f.split(|c: char| !c.is_alphanumeric() && c != '%') {
        if w.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// Trims each line, collapses inner runs of spaces and tabs, drops empty lines at both
/// ends, removes `_x000D_` artefacts and CR. Keeps line breaks inside, and no-break spaces
/// (U+00A0, U+202F) everywhere: they are typography, not padding.
pub fn clean(s: &str) -> std::borrow::Cow<'_, str> {
    if is_clean(s) {
        return std::borrow::Cow::Borrowed(s);
    }
    let s = s.replace("_x000D_", "").replace('\r', "");
    let lines: Vec<String> = s.split('\n').map(one_line).collect();
    let start = lines.iter().position(|l| !l.is_empty()).unwrap_or(lines.len());
    let end = lines.iter().rposition(|l| !l.is_empty()).map_or(start, |e| e + 1);
    std::borrow::Cow::Owned(lines[start..end].join("\n"))
}

/// True when `clean` would return `s` unchanged: most cells, checked in one pass.
fn is_clean(s: &str) -> bool {
    let b = s.as_bytes();
    let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
        return true;
    };
    if matches!(first, b' ' | b'\t' | b'\n') || matches!(last, b' ' | b'\t' | b'\n') {
        return false;
    }
    let mut prev = 0u8;
    for &c in b {
        match c {
            b'\r' | b'\t' | b'\x0b' | b'\x0c' => return false,
            b' ' | b'\n' if matches!(prev, b' ' | b'\n') => return false,
            b'_' if s.contains("_x000D_") => return false,
            _ => {}
        }
        prev = c;
    }
    true
}

/// One line: line breaks become spaces, runs of spaces and tabs collapse, ends trimmed.
/// No-break spaces are kept.
pub fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split([' ', '\t', '\n', '\r', '\x0b', '\x0c']).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// The first `n` characters, with "…" when cut.
pub fn truncate_chars(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n).collect();
        t.push('…');
        t
    }
}

/// 0-based column index → letters ("A", "Z", "AA", "XFD").
pub fn column_letters(mut col: u32) -> String {
    let mut buf = Vec::new();
    loop {
        buf.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    buf.reverse();
    String::from_utf8(buf).unwrap_or_default()
}

/// 0-based (row, col) → "C14".
pub fn a1(row: u32, col: u32) -> String {
    format!("{}{}", column_letters(col), row + 1)
}

/// A number as people write it in a cell: 12.0 → "12", 2.5 → "2.5".
/// A number as French documents write it: `format_number` with a decimal comma.
pub fn french_number(v: f64) -> String {
    format_number(v).replace('.', ",")
}

pub fn format_number(v: f64) -> String {
    if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        // Integers of any size are written whole ("1000000000000000"): only a
        // fraction's trailing zeros go.
        let s = format!("{v}");
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    }
}

/// Parses a French-written amount: "15 000 €", "1 234,50", "12k€" is not accepted.
pub fn parse_amount(s: &str) -> Option<f64> {
    let mut t: String =
        s.chars().filter(|c| !c.is_whitespace() && *c != '€' && *c != '\u{202f}' && *c != '\u{a0}').collect();
    let lower = t.to_lowercase();
    for suffix in ["eur", "euros", "euro", "ttc", "ht"] {
        if let Some(x) = lower.strip_suffix(suffix) {
            t.truncate(x.len());
            break;
        }
    }
    if t.is_empty() {
        return None;
    }
    // "1.234,50" (dots as thousands) and "1234,5".
    let t = if t.contains(',') { t.replace('.', "").replace(',', ".") } else { t };
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_ligatures_and_symbols() {
        assert_eq!(fold("  Réf.  N°  Œuvre – État "), "ref. no oeuvre - etat");
        assert_eq!(fold_words("N° d’action"), "no d action");
        assert_eq!(
            fold_words("ACTIONS - Objectifs opérationnels – Intentions"),
            "actions objectifs operationnels intentions"
        );
    }

    /// The folding as first written (whole-string NFD): the fast one must agree.
    fn fold_reference(s: &str) -> String {
        use unicode_normalization::UnicodeNormalization;
        let mut out = String::new();
        let mut space = false;
        for c in s.nfd() {
            if unicode_normalization::char::is_combining_mark(c) {
                continue;
            }
            let mapped: &str = match c {
                'œ' | 'Œ' => "oe",
                'æ' | 'Æ' => "ae",
                '°' | 'º' => "o",
                '’' | '‘' | '`' | '´' => "'",
                '«' | '»' | '“' | '”' => "\"",
                '–' | '—' | '‑' | '−' => "-",
                _ => "",
            };
            if !mapped.is_empty() {
                out.push_str(mapped);
                space = false;
            } else if c.is_whitespace() {
                if !space && !out.is_empty() {
                    out.push(' ');
                }
                space = true;
            } else {
                space = false;
                out.extend(c.to_lowercase());
            }
        }
        out.trim_end_matches(' ').to_string()
    }

    #[test]
    fn fast_fold_agrees_with_the_reference() {
        for s in [
            "  Réf.  N°  Œuvre – État ",
            "ÉLU·E RÉFÉRENT·E\u{a0}: « Æsope » `x´ ‘y’",
            "e\u{301}te\u{301} Ǆ ﬁn İstanbul ß ΣΑΣ Ångström \u{212b}",
            "tab\tline\nvt\u{b}ff\u{c}cr\r\u{2028}\u{202f}end \u{3000}",
            "Hello World 123 !?;:,./[]{}",
            "a\u{323}\u{302}b q\u{307}\u{323} 한국어 ｆｕｌｌ",
            "",
            "   ",
        ] {
            assert_eq!(fold(s), fold_reference(s), "{s:?}");
        }
    }

    #[test]
    fn a1_references() {
        assert_eq!(a1(13, 2), "C14");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(16383), "XFD");
    }

    #[test]
    fn amounts() {
        assert_eq!(parse_amount("15 000 €"), Some(15000.0));
        assert_eq!(parse_amount("1 234,50"), Some(1234.5));
        assert_eq!(parse_amount("à définir"), None);
        assert_eq!(format_number(12.0), "12");
        assert_eq!(format_number(2.5), "2.5");
    }

    #[test]
    fn cleans_cells() {
        assert_eq!(clean("\n  Action 1  :\r\n  suite  \n\n"), "Action 1 :\nsuite");
    }
}
