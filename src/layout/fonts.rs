//! The embedded font family, shaped with rustybuzz (kerning, ligatures) and measured
//! from that same shaping, so lines break where the PDF draws them. Lato for text,
//! DejaVu Sans as fallback for characters Lato lacks (✓, other scripts).

use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};

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

    /// PostScript name of the face.
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

/// A parsed face: glyph lookup and shaping.
pub struct LoadedFace {
    pub shaper: rustybuzz::Face<'static>,
    plan: rustybuzz::ShapePlan,
    lang: Option<rustybuzz::Language>,
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

/// One slot per face, filled on first use: the fallback face is parsed only when some
/// text needs it.
static FACES: [OnceLock<Option<LoadedFace>>; 4] = [OnceLock::new(), OnceLock::new(), OnceLock::new(), OnceLock::new()];

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
    let plan = rustybuzz::ShapePlan::new(
        &shaper,
        rustybuzz::Direction::LeftToRight,
        Some(rustybuzz::script::LATIN),
        lang.as_ref(),
        &[],
    );
    Some(LoadedFace {
        ascent: f32::from(shaper.ascender()) / upem,
        descent: -f32::from(shaper.descender()) / upem,
        units_per_em: upem,
        plan,
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

/// Which face actually draws `c` when `wanted` is asked for.
/// A character no face has goes to the fallback face, which draws it as U+FFFD (PDF/A
/// forbids the .notdef glyph) while the text keeps the character.
pub fn face_for(wanted: Face, c: char) -> Face {
    if face(wanted).is_some_and(|f| f.has(c)) {
        wanted
    } else {
        Face::Fallback
    }
}

/// A positioned glyph, in em units; `start..end` is the byte range of its cluster in
/// the run's text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Glyph {
    pub id: u16,
    pub advance: f32,
    pub dx: f32,
    pub dy: f32,
    pub start: u32,
    pub end: u32,
}

/// Text drawn by one face, shaped.
#[derive(Debug, Clone, PartialEq)]
pub struct ShapedRun {
    pub face: Face,
    pub text: String,
    pub glyphs: Vec<Glyph>,
    /// Sum of the advances, in em.
    pub width: f32,
}

impl ShapedRun {
    /// Appends `other` (same face), shifting its clusters past this run's text.
    pub fn extend(&mut self, other: &ShapedRun) {
        let off = self.text.len() as u32;
        self.text.push_str(&other.text);
        self.glyphs.extend(other.glyphs.iter().map(|g| Glyph { start: g.start + off, end: g.end + off, ..*g }));
        self.width += other.width;
    }
}

/// Shaped text: one run per face after fallback.
pub type Shaped = Arc<Vec<ShapedRun>>;

/// Appends the runs of `add` to `runs`, merging with the last run when the face is the same.
pub fn append_runs(runs: &mut Vec<ShapedRun>, add: &[ShapedRun]) {
    for r in add {
        match runs.last_mut() {
            Some(last) if last.face == r.face => last.extend(r),
            _ => runs.push(r.clone()),
        }
    }
}

fn shape_run(f: Face, text: &str) -> ShapedRun {
    let Some(lf) = face(f) else {
        // No face: an advance of half an em per character, nothing drawable.
        return ShapedRun {
            face: f,
            text: text.to_string(),
            glyphs: Vec::new(),
            width: 0.5 * text.chars().count() as f32,
        };
    };
    let mut buf = rustybuzz::UnicodeBuffer::new();
    buf.push_str(text);
    buf.set_direction(rustybuzz::Direction::LeftToRight);
    buf.set_script(rustybuzz::script::LATIN);
    if let Some(l) = &lf.lang {
        buf.set_language(l.clone());
    }
    let out = rustybuzz::shape_with_plan(&lf.shaper, &lf.plan, buf);
    let upem = lf.units_per_em;
    let infos = out.glyph_infos();
    let pos = out.glyph_positions();
    let mut glyphs = Vec::with_capacity(infos.len());
    let mut width = 0.0;
    let replacement = lf.shaper.glyph_index('\u{fffd}').filter(|_| f == Face::Fallback);
    for (i, (gi, gp)) in infos.iter().zip(pos).enumerate() {
        // A cluster ends where the next different cluster starts.
        let end = infos[i + 1..].iter().map(|n| n.cluster).find(|c| *c != gi.cluster).unwrap_or(text.len() as u32);
        let (id, advance) = match replacement {
            Some(r) if gi.glyph_id == 0 => (r.0, f32::from(lf.shaper.glyph_hor_advance(r).unwrap_or(0)) / upem),
            _ => (gi.glyph_id as u16, gp.x_advance as f32 / upem),
        };
        width += advance;
        glyphs.push(Glyph {
            id,
            advance,
            dx: gp.x_offset as f32 / upem,
            dy: gp.y_offset as f32 / upem,
            start: gi.cluster,
            end: end.max(gi.cluster),
        });
    }
    ShapedRun { face: f, text: text.to_string(), glyphs, width }
}

/// Splits `text` into runs drawn by one face each.
pub fn runs(text: &str, wanted: Face) -> Vec<(Face, &str)> {
    let mut out: Vec<(Face, &str)> = Vec::new();
    let mut start = 0;
    let mut cur: Option<Face> = None;
    for (i, c) in text.char_indices() {
        let f = face_for(wanted, c);
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

/// Entries kept by the shaping cache before it is emptied (batch runs see many plans).
const CACHE_MAX: usize = 200_000;

type Cache = std::collections::HashMap<(Face, Box<str>), Shaped>;

/// One cache for the process: documents laid out in parallel share their words.
fn cache() -> &'static RwLock<Cache> {
    static CACHE: OnceLock<RwLock<Cache>> = OnceLock::new();
    CACHE.get_or_init(|| RwLock::new(HashMap::new()))
}

/// `text` shaped in `wanted` with fallback, cached: words and labels repeat.
pub fn shape(text: &str, wanted: Face) -> Shaped {
    let key = (wanted, Box::from(text));
    if let Some(s) = cache().read().ok().and_then(|c| c.get(&key).cloned()) {
        return s;
    }
    // Control characters (a stray vertical tab from a spreadsheet) have no glyph: spaces.
    let clean: std::borrow::Cow<'_, str> = if text.contains(char::is_control) {
        text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>().into()
    } else {
        text.into()
    };
    let shaped: Shaped = Arc::new(runs(&clean, wanted).into_iter().map(|(f, s)| shape_run(f, s)).collect());
    if let Ok(mut map) = cache().write() {
        if map.len() >= CACHE_MAX {
            map.clear();
        }
        map.insert(key, shaped.clone());
    }
    shaped
}

/// Width of `text` at `size` points, as shaped.
pub fn measure(text: &str, wanted: Face, size: f32) -> f32 {
    shape(text, wanted).iter().map(|r| r.width).sum::<f32>() * size
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
        let s = shape("ok ✓", Face::Regular);
        assert_eq!(s.len(), 2);
        assert_eq!(s[1].face, Face::Fallback);
    }

    #[test]
    fn widths_come_from_shaping_with_kerning() {
        let w = measure("Plan d’actions", Face::Regular, 10.0);
        assert!(w > 50.0 && w < 80.0, "{w}");
        assert!(measure("MMM", Face::Bold, 10.0) > measure("iii", Face::Bold, 10.0) * 2.0);
        // Lato kerns "AV": the pair is narrower than its letters apart.
        let pair = measure("AV", Face::Regular, 10.0);
        assert!(pair < measure("A", Face::Regular, 10.0) + measure("V", Face::Regular, 10.0), "{pair}");
        // Clusters cover the whole text.
        let s = shape("Écoute", Face::Regular);
        assert_eq!(s[0].glyphs.last().unwrap().end as usize, "Écoute".len());
    }
}
