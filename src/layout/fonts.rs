//! The embedded fonts and which one draws each character. Lato for text; for what Lato
//! lacks, a chain of fallback faces (Arabic, Hebrew, DejaVu Sans, symbols, monochrome
//! emoji), the first that has the glyph drawing it. Shaping is in `shaping`.

use std::sync::OnceLock;

use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

pub use super::shaping::{append_runs, ascent_descent, measure, shape, Glyph, Shaped, ShapedRun};

/// A face of the family. The faces after `Italic` are used only for characters the text
/// faces lack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Face {
    Regular,
    Bold,
    Italic,
    /// DejaVu Sans: wide coverage (✓ ✗, arrows, Greek, Cyrillic…), and the U+FFFD glyph
    /// drawn for a character no face has.
    Fallback,
    Arabic,
    Hebrew,
    Symbols,
    Emoji,
}

/// Faces tried, in order, for a character the wanted face lacks. The script faces come
/// before DejaVu Sans, whose Arabic and Hebrew are plainer.
const FALLBACKS: [Face; 5] = [Face::Arabic, Face::Hebrew, Face::Fallback, Face::Symbols, Face::Emoji];

impl Face {
    pub const ALL: [Face; 8] = [
        Face::Regular,
        Face::Bold,
        Face::Italic,
        Face::Fallback,
        Face::Arabic,
        Face::Hebrew,
        Face::Symbols,
        Face::Emoji,
    ];
    pub const COUNT: usize = Self::ALL.len();

    /// PostScript name of the face.
    pub fn postscript_name(self) -> &'static str {
        match self {
            Face::Regular => "Lato-Regular",
            Face::Bold => "Lato-Bold",
            Face::Italic => "Lato-Italic",
            Face::Fallback => "DejaVuSans",
            Face::Arabic => "NotoSansArabic-Regular",
            Face::Hebrew => "NotoSansHebrew-Regular",
            Face::Symbols => "NotoSansSymbols2-Regular",
            Face::Emoji => "NotoEmoji-Regular",
        }
    }

    /// The font file, embedded once: each file is a `static` (a `const` or a bare
    /// `include_bytes!` is copied into every code unit that inlines its use — 4 MB more
    /// of the binary read into memory, measured in issue 24).
    pub fn bytes(self) -> &'static [u8] {
        static REGULAR: &[u8] = include_bytes!("../../fonts/Lato-Regular.ttf");
        static BOLD: &[u8] = include_bytes!("../../fonts/Lato-Bold.ttf");
        static ITALIC: &[u8] = include_bytes!("../../fonts/Lato-Italic.ttf");
        static FALLBACK: &[u8] = include_bytes!("../../fonts/DejaVuSans.ttf");
        static ARABIC: &[u8] = include_bytes!("../../fonts/NotoSansArabic-Regular.ttf");
        static HEBREW: &[u8] = include_bytes!("../../fonts/NotoSansHebrew-Regular.ttf");
        static SYMBOLS: &[u8] = include_bytes!("../../fonts/NotoSansSymbols2-Regular.ttf");
        static EMOJI: &[u8] = include_bytes!("../../fonts/NotoEmoji-Regular.ttf");
        match self {
            Face::Regular => REGULAR,
            Face::Bold => BOLD,
            Face::Italic => ITALIC,
            Face::Fallback => FALLBACK,
            Face::Arabic => ARABIC,
            Face::Hebrew => HEBREW,
            Face::Symbols => SYMBOLS,
            Face::Emoji => EMOJI,
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// A parsed face: glyph lookup and shaping.
pub struct LoadedFace {
    pub shaper: rustybuzz::Face<'static>,
    pub(super) plan: rustybuzz::ShapePlan,
    /// The same plan without `kern`, for faces plandoc kerns itself (see `kerning`).
    pub(super) plan_unkerned: Option<rustybuzz::ShapePlan>,
    pub(super) kerning: Option<super::kerning::Kerning>,
    /// Latin text mapped and joined without rustybuzz (see `direct`).
    pub(super) direct: Option<super::direct::Direct>,
    pub(super) lang: Option<rustybuzz::Language>,
    pub units_per_em: f32,
    pub ascent: f32,
    pub descent: f32,
    /// Basic Multilingual Plane: does the face map this character? Fallback is decided
    /// per character on the hot path of layout: a flat table beats the cmap.
    bmp: Vec<bool>,
}

impl LoadedFace {
    pub fn has(&self, c: char) -> bool {
        match self.bmp.get(c as usize) {
            Some(b) => *b,
            None => self.shaper.glyph_index(c).is_some_and(|g| g.0 != 0),
        }
    }
}

/// One slot per face, filled on first use: a fallback face is parsed only when some
/// text needs it.
static FACES: [OnceLock<Option<LoadedFace>>; Face::COUNT] = [const { OnceLock::new() }; Face::COUNT];

fn load(face: Face) -> Option<LoadedFace> {
    let shaper = rustybuzz::Face::from_slice(face.bytes(), 0)?;
    let upem = shaper.units_per_em().max(1) as f32;
    let mut bmp = vec![false; 0x10000];
    if let Some(sub) = shaper.tables().cmap.and_then(|c| c.subtables.into_iter().find(|s| s.is_unicode())) {
        sub.codepoints(|cp| {
            if cp < 0x10000 && sub.glyph_index(cp).is_some_and(|g| g.0 != 0) {
                bmp[cp as usize] = true;
            }
        });
    }
    let lang: Option<rustybuzz::Language> = "fr".parse().ok();
    let plan_with = |features: &[rustybuzz::Feature]| {
        rustybuzz::ShapePlan::new(
            &shaper,
            rustybuzz::Direction::LeftToRight,
            Some(rustybuzz::script::LATIN),
            lang.as_ref(),
            features,
        )
    };
    let plan = plan_with(&[]);
    let kerning = shaper.tables().gpos.and_then(|g| super::kerning::Kerning::of(&g, shaper.number_of_glyphs()));
    let no_kern = rustybuzz::Feature::new(rustybuzz::ttf_parser::Tag::from_bytes(b"kern"), 0, ..);
    let plan_unkerned = kerning.is_some().then(|| plan_with(&[no_kern]));
    let direct = kerning.as_ref().and_then(|_| super::direct::Direct::of(&shaper, is_invisible));
    Some(LoadedFace {
        ascent: f32::from(shaper.ascender()) / upem,
        descent: -f32::from(shaper.descender()) / upem,
        units_per_em: upem,
        plan,
        plan_unkerned,
        kerning,
        direct,
        lang,
        bmp,
        shaper,
    })
}

/// The parsed faces, loaded once per process. A face that fails to parse (a build
/// defect, tested) leaves text measured with a default advance rather than a panic.
pub fn face(face: Face) -> Option<&'static LoadedFace> {
    FACES[face.index()].get_or_init(|| load(face)).as_ref()
}

/// Loads the text faces (Lato regular, bold, italic) ahead of layout: a fresh process
/// calls this on another thread while it reads the workbook.
pub fn warm_up() {
    for f in [Face::Regular, Face::Bold, Face::Italic] {
        face(f);
    }
}

fn has(f: Face, c: char) -> bool {
    face(f).is_some_and(|lf| lf.has(c))
}

/// Which face actually draws `c` when `wanted` is asked for: `wanted` when it has the
/// glyph, else the first fallback that has it. A character no face has goes to DejaVu
/// Sans, which draws it as U+FFFD (PDF/A forbids the .notdef glyph) while the text
/// keeps the character.
pub fn face_for(wanted: Face, c: char) -> Face {
    if has(wanted, c) {
        return wanted;
    }
    // Pictographs past U+1F000 are emoji: the emoji face draws them all alike, though
    // DejaVu Sans has a few.
    if c >= '\u{1F000}' && has(Face::Emoji, c) {
        return Face::Emoji;
    }
    FALLBACKS.into_iter().find(|f| has(*f, c)).unwrap_or(Face::Fallback)
}

/// Characters with no glyph of their own, handled by shaping: format controls (joiners,
/// direction marks), variation selectors and other default-ignorables.
pub fn is_invisible(c: char) -> bool {
    // Below the combining marks only the soft hyphen is a format character: most text
    // never reaches the Unicode tables.
    if (c as u32) < 0x300 {
        return c == '\u{AD}';
    }
    invisible_by_tables(c)
}

fn invisible_by_tables(c: char) -> bool {
    matches!(c.general_category(), GeneralCategory::Format)
        || matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}' | '\u{E0020}'..='\u{E007F}' | '\u{034F}')
}

/// A mark or modifier that belongs with the character before it (accents, Arabic
/// vowels, emoji skin tones): it stays in that character's face when the face has it.
fn attaches(c: char) -> bool {
    if (c as u32) < 0x300 {
        return c == '\u{AD}';
    }
    attaches_by_tables(c)
}

fn attaches_by_tables(c: char) -> bool {
    is_invisible(c)
        || matches!(
            c.general_category(),
            GeneralCategory::NonspacingMark | GeneralCategory::SpacingMark | GeneralCategory::EnclosingMark
        )
        || matches!(c, '\u{1F3FB}'..='\u{1F3FF}')
}

/// An assigned, public character: worth keeping in the text even where no face draws
/// it (private-use and unassigned code points mean nothing to a reader).
pub fn meaningful(c: char) -> bool {
    (c as u32) < 0x300 || meaningful_by_tables(c)
}

fn meaningful_by_tables(c: char) -> bool {
    !matches!(c, '\u{E000}'..='\u{F8FF}' | '\u{F0000}'..)
        && !matches!(c.general_category(), GeneralCategory::Unassigned | GeneralCategory::PrivateUse)
}

/// Can some embedded face draw `c` (or does it need no glyph)? What cannot is drawn
/// as U+FFFD, and `check` says so.
pub fn drawable(c: char) -> bool {
    // Private-use characters mean nothing outside the software that made them, and
    // PDF/A refuses them without a replacement text.
    let private = matches!(c, '\u{E000}'..='\u{F8FF}' | '\u{F0000}'..);
    !private
        && (c.is_whitespace() || is_invisible(c) || has(Face::Regular, c) || FALLBACKS.into_iter().any(|f| has(f, c)))
}

/// Splits `text` into runs drawn by one face each.
pub fn runs(text: &str, wanted: Face) -> Vec<(Face, &str)> {
    let mut out: Vec<(Face, &str)> = Vec::new();
    let mut start = 0;
    let mut cur: Option<Face> = None;
    for (i, c) in text.char_indices() {
        let f = match cur {
            Some(cf) if attaches(c) && (is_invisible(c) || has(cf, c)) => cf,
            _ => face_for(wanted, c),
        };
        match cur {
            Some(cf) if cf == f => {}
            Some(cf) => {
                out.push((cf, &text[start..i]));
                start = i;
                cur = Some(f);
            }
            None => cur = Some(f),
        }
    }
    if let Some(cf) = cur {
        out.push((cf, &text[start..]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_shortcuts_agree_with_the_unicode_tables() {
        for c in (0..0x300u32).filter_map(char::from_u32) {
            assert_eq!(is_invisible(c), invisible_by_tables(c), "{c:?}");
            assert_eq!(attaches(c), attaches_by_tables(c), "{c:?}");
            assert_eq!(meaningful(c), meaningful_by_tables(c), "{c:?}");
        }
    }

    #[test]
    fn every_face_parses_and_covers_french() {
        for f in Face::ALL {
            assert!(face(f).is_some(), "{f:?}");
        }
        for c in "œŒ«»’…€—–àâäçéèêëîïôöùûüÿÀÂÇÉÈÊÎÔÙÛ\u{a0}\u{202f}°".chars() {
            for f in [Face::Regular, Face::Bold, Face::Italic] {
                assert_eq!(face_for(f, c), f, "{c:?} {f:?}");
            }
        }
        assert_eq!(face_for(Face::Regular, '✓'), Face::Fallback);
        let s = shape("ok ✓", Face::Regular);
        assert_eq!(s.len(), 2);
        assert_eq!(s[1].face, Face::Fallback);
    }

    #[test]
    fn fallbacks_cover_what_plans_contain() {
        for (c, f) in [
            ('✓', Face::Fallback),
            ('✔', Face::Fallback),
            ('✗', Face::Fallback),
            ('→', Face::Regular),
            ('⇨', Face::Fallback),
            ('⮕', Face::Symbols),
            ('😀', Face::Emoji),
            ('🚲', Face::Emoji),
            ('ب', Face::Arabic),
            ('ש', Face::Hebrew),
        ] {
            assert_eq!(face_for(Face::Regular, c), f, "{c}");
            assert!(drawable(c), "{c}");
        }
        // A private-use character and an unassigned one: nothing draws them.
        assert!(!drawable('\u{E000}'));
        assert!(!drawable('\u{10FFFD}'));
        assert!(drawable('\u{200D}') && drawable('\u{FE0F}') && drawable(' '));
        assert!(!drawable('\u{F8FF}'), "private use, even where a font has a glyph");
        // An emoji's variation selector stays with it: one run, no replacement box.
        let r = runs("J’aime ❤\u{FE0F} 👍🏽", Face::Regular);
        assert!(r.iter().all(|(_, t)| !t.starts_with('\u{FE0F}') && !t.starts_with('\u{1F3FD}')), "{r:?}");
    }
}
