//! The embedded font family, measured from glyph advances. Lato for text, DejaVu Sans
//! as fallback for characters Lato lacks (✓, other scripts).

use std::sync::OnceLock;

use printpdf::ParsedFont;

/// A face of the family. `Fallback` is used only for characters the others lack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Face {
    Regular,
    Bold,
    Italic,
    Fallback,
}

impl Face {
    pub const ALL: [Face; 4] = [Face::Regular, Face::Bold, Face::Italic, Face::Fallback];

    /// PostScript name written in the PDF.
    pub fn postscript_name(self) -> &'static str {
        match self {
            Face::Regular => "Lato-Regular",
            Face::Bold => "Lato-Bold",
            Face::Italic => "Lato-Italic",
            Face::Fallback => "DejaVuSans",
        }
    }

    pub fn bytes(self) -> &'static [u8] {
        match self {
            Face::Regular => include_bytes!("../../fonts/Lato-Regular.ttf"),
            Face::Bold => include_bytes!("../../fonts/Lato-Bold.ttf"),
            Face::Italic => include_bytes!("../../fonts/Lato-Italic.ttf"),
            Face::Fallback => include_bytes!("../../fonts/DejaVuSans.ttf"),
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// A parsed face: glyph lookup and advances.
pub struct LoadedFace {
    pub parsed: ParsedFont,
    pub units_per_em: f32,
    pub ascent: f32,
    pub descent: f32,
    /// Basic Multilingual Plane: char → (glyph, advance in em); glyph 0 when absent.
    /// Measuring is the hot path of layout: a flat table beats the font's maps.
    bmp: Vec<(u16, f32)>,
}

impl LoadedFace {
    pub fn glyph(&self, c: char) -> Option<u16> {
        let g = match self.bmp.get(c as usize) {
            Some((g, _)) => *g,
            None => self.parsed.lookup_glyph_index(c as u32).unwrap_or(0),
        };
        (g != 0).then_some(g)
    }

    /// Advance of a character in em units, when the face has it.
    fn char_em(&self, c: char) -> Option<f32> {
        match self.bmp.get(c as usize) {
            Some((0, _)) => None,
            Some((_, w)) => Some(*w),
            None => {
                let g = self.parsed.lookup_glyph_index(c as u32).filter(|g| *g != 0)?;
                Some(self.parsed.get_glyph_width(g).map_or(0.5, |w| f32::from(w) / self.units_per_em))
            }
        }
    }
}

/// One slot per face, filled on first use: the fallback face is parsed only when some
/// text needs it.
static FACES: [OnceLock<Option<LoadedFace>>; 4] = [OnceLock::new(), OnceLock::new(), OnceLock::new(), OnceLock::new()];

fn load(face: Face) -> Option<LoadedFace> {
    let mut warnings = Vec::new();
    let parsed = ParsedFont::from_bytes(face.bytes(), 0, &mut warnings)?;
    let upem = f32::from(parsed.units_per_em.max(1));
    let mut bmp = vec![(0u16, 0f32); 0x10000];
    for (&cp, &g) in parsed.codepoint_to_glyph.range(..0x10000) {
        let w = parsed.get_glyph_width(g).map_or(0.5, |w| f32::from(w) / upem);
        bmp[cp as usize] = (g, w);
    }
    Some(LoadedFace {
        bmp,
        units_per_em: upem,
        ascent: f32::from(parsed.font_metrics.ascent) / upem,
        descent: -f32::from(parsed.font_metrics.descent) / upem,
        parsed,
    })
}

/// The parsed faces, loaded once per process. A face that fails to parse (a build
/// defect, tested) leaves text measured with a default advance rather than a panic.
pub fn face(face: Face) -> Option<&'static LoadedFace> {
    FACES[face.index()].get_or_init(|| load(face)).as_ref()
}

/// Which face actually draws `c` when `wanted` is asked for.
pub fn face_for(wanted: Face, c: char) -> Face {
    if face(wanted).and_then(|f| f.glyph(c)).is_some() {
        wanted
    } else if face(Face::Fallback).and_then(|f| f.glyph(c)).is_some() {
        Face::Fallback
    } else {
        wanted
    }
}

/// Width of one character in em units, with fallback.
pub fn char_em(wanted: Face, c: char) -> f32 {
    face(wanted).and_then(|f| f.char_em(c)).or_else(|| face(Face::Fallback).and_then(|f| f.char_em(c))).unwrap_or(0.5)
}

/// Width of `text` at `size` points.
pub fn measure(text: &str, wanted: Face, size: f32) -> f32 {
    text.chars().map(|c| char_em(wanted, c)).sum::<f32>() * size
}

/// Splits `text` into runs drawn by one face each.
pub fn runs(text: &str, wanted: Face) -> Vec<(Face, String)> {
    let mut out: Vec<(Face, String)> = Vec::new();
    for c in text.chars() {
        let f = face_for(wanted, c);
        match out.last_mut() {
            Some((lf, s)) if *lf == f => s.push(c),
            _ => out.push((f, c.to_string())),
        }
    }
    out
}

/// Ascent and descent of the text faces, in em (Lato for all text faces).
pub fn ascent_descent() -> (f32, f32) {
    face(Face::Regular).map_or((0.95, 0.25), |f| (f.ascent, f.descent))
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }

    #[test]
    fn widths_come_from_advances() {
        let w = measure("Plan d’actions", Face::Regular, 10.0);
        assert!(w > 50.0 && w < 80.0, "{w}");
        assert!(measure("MMM", Face::Bold, 10.0) > measure("iii", Face::Bold, 10.0) * 2.0);
    }
}
