//! Bidirectional text: which text needs the Unicode bidi algorithm, and the visual
//! order of a line's pieces from their embedding levels (rule L2 of UAX #9).

/// Does `text` hold a right-to-left character or direction control? Most text does not,
/// and skips the bidi algorithm.
pub fn has_rtl(text: &str) -> bool {
    // Every right-to-left character is at U+0590 or above: its UTF-8 lead byte is 0xD6 or
    // more. Only the characters from such a byte on are looked at.
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(p) = bytes[at..].iter().position(|&b| b >= 0xD6) {
        let start = at + p;
        let Some(c) = text[start..].chars().next() else { return false };
        if is_rtl(c) {
            return true;
        }
        at = start + c.len_utf8();
    }
    false
}

fn is_rtl(c: char) -> bool {
    matches!(c,
        '\u{0590}'..='\u{08FF}'
        | '\u{FB1D}'..='\u{FDFF}'
        | '\u{FE70}'..='\u{FEFF}'
        | '\u{200F}' | '\u{202B}' | '\u{202E}' | '\u{2067}'
        | '\u{10800}'..='\u{10FFF}'
        | '\u{1E800}'..='\u{1EFFF}')
}

/// Visual order of pieces given their embedding levels, logical order in: from the
/// highest level down to the lowest odd one, every maximal sequence at that level or
/// above is reversed.
pub fn visual_order(levels: &[u8]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..levels.len()).collect();
    let Some(&max) = levels.iter().max() else { return order };
    let Some(min_odd) = levels.iter().copied().filter(|l| l % 2 == 1).min() else { return order };
    for level in (min_odd..=max).rev() {
        let mut i = 0;
        while i < order.len() {
            if levels[order[i]] >= level {
                let start = i;
                while i < order.len() && levels[order[i]] >= level {
                    i += 1;
                }
                order[start..i].reverse();
            } else {
                i += 1;
            }
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_right_to_left_text() {
        assert!(!has_rtl("Maison des jeunes — 2024 ✓ 😀"));
        assert!(has_rtl("Maison بيت"));
        assert!(has_rtl("שלום"));
        // Direction marks and scripts past the Basic Multilingual Plane are seen too.
        assert!(has_rtl("abc\u{200F}"));
        assert!(has_rtl("l’été \u{1E900}"));
        assert!(!has_rtl("l’été « 2024 » \u{202F}; \u{1F600}"));
    }

    #[test]
    fn reverses_right_to_left_sequences() {
        // "a B C d" with B, C right-to-left: a C B d.
        assert_eq!(visual_order(&[0, 1, 1, 1, 0]), vec![0, 3, 2, 1, 4]);
        // A right-to-left paragraph holding a left-to-right number: the number keeps its order.
        assert_eq!(visual_order(&[1, 1, 2, 2, 2]), vec![2, 3, 4, 1, 0]);
        assert_eq!(visual_order(&[0, 0]), vec![0, 1]);
    }
}
