//! French typography applied to input text before it is set.

const NBSP: char = '\u{a0}';
const NNBSP: char = '\u{202f}';

/// No-break space before « : », thin no-break space before « ; ! ? », no-break spaces
/// inside « », and the typographic apostrophe between letters. Times ("14:30"),
/// URLs ("https://") and ratios are left alone: only punctuation followed by a space
/// or the end of the text is touched.
pub fn french(text: &str) -> String {
    // Most texts hold none of the characters touched (« » are 0xC2 0xAB / 0xBB in UTF-8).
    if !text.bytes().any(|b| matches!(b, b'\'' | b':' | b';' | b'!' | b'?' | 0xAB | 0xBB)) {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        let prev = if i > 0 { Some(chars[i - 1]) } else { None };
        let next = chars.get(i + 1).copied();
        let ends_word = next.is_none_or(|n| n.is_whitespace() || n == ')' || n == '»' || n == '"');
        match c {
            '\'' if prev.is_some_and(char::is_alphabetic) && next.is_some_and(char::is_alphabetic) => out.push('’'),
            ':' | ';' | '!' | '?' if ends_word => {
                let space = if c == ':' { NBSP } else { NNBSP };
                if out.ends_with(' ') {
                    out.pop();
                    out.push(space);
                } else if !out.ends_with(NBSP)
                    && !out.ends_with(NNBSP)
                    && prev.is_some_and(|p| p.is_alphanumeric() || p == ')' || p == '»')
                {
                    out.push(space);
                }
                out.push(c);
            }
            '«' => {
                out.push('«');
                if next.is_some_and(|n| !n.is_whitespace()) {
                    out.push(NBSP);
                }
            }
            ' ' if next == Some('»') || (prev == Some('«')) => out.push(NBSP),
            '»' => {
                if prev.is_some_and(|p| !p.is_whitespace()) && !out.ends_with(NBSP) {
                    out.push(NBSP);
                }
                out.push('»');
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::french;

    #[test]
    fn french_spacing() {
        assert_eq!(french("Objectif : agir"), "Objectif\u{a0}: agir");
        assert_eq!(french("Objectif: agir"), "Objectif\u{a0}: agir");
        assert_eq!(french("Pourquoi ? Parce que !"), "Pourquoi\u{202f}? Parce que\u{202f}!");
        assert_eq!(french("« jeunesse »"), "«\u{a0}jeunesse\u{a0}»");
        assert_eq!(french("«jeunesse»"), "«\u{a0}jeunesse\u{a0}»");
        assert_eq!(french("l'action d'aujourd'hui"), "l’action d’aujourd’hui");
        assert_eq!(french("à 14:30 sur https://x.fr"), "à 14:30 sur https://x.fr");
        assert_eq!(french("'cité'"), "'cité'");
    }
}
