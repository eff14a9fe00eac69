//! Text shaped with rustybuzz (kerning, ligatures, Arabic joining) and measured from
//! that same shaping, so lines break where the PDF draws them. Right-to-left text is
//! split into levels by the Unicode bidirectional algorithm (unicode-bidi), each run
//! shaped in its own direction, and the runs set in visual order.

use std::sync::{Arc, OnceLock, RwLock};

use unicode_bidi::BidiInfo;

use super::bidi::has_rtl;
use super::fonts::{drawable, face, runs, Face};

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

/// Text drawn by one face, shaped; glyphs in visual order (left to right on the page).
#[derive(Debug, Clone, PartialEq)]
pub struct ShapedRun {
    pub face: Face,
    pub text: String,
    pub glyphs: Vec<Glyph>,
    /// Sum of the advances, in em.
    pub width: f32,
}

impl ShapedRun {
    /// A copy of `run` with room for `bytes` of text and `glyphs` glyphs in all (a line's
    /// words appended to it without growing it again).
    pub fn with_room(run: &ShapedRun, bytes: usize, glyphs: usize) -> ShapedRun {
        let mut copy = ShapedRun {
            face: run.face,
            text: String::with_capacity(bytes),
            glyphs: Vec::with_capacity(glyphs),
            width: 0.0,
        };
        copy.extend(run);
        copy
    }

    /// Appends `other` (same face), shifting its clusters past this run's text.
    pub fn extend(&mut self, other: &ShapedRun) {
        let off = self.text.len() as u32;
        self.text.push_str(&other.text);
        self.glyphs.extend(other.glyphs.iter().map(|g| Glyph { start: g.start + off, end: g.end + off, ..*g }));
        self.width += other.width;
    }
}

/// Shaped text: one run per face and direction, in visual order.
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

fn shape_run(f: Face, text: &str, rtl: bool) -> ShapedRun {
    let Some(lf) = face(f) else {
        // No face: an advance of half an em per character, nothing drawable.
        return ShapedRun {
            face: f,
            text: text.to_string(),
            glyphs: Vec::new(),
            width: 0.5 * text.chars().count() as f32,
        };
    };
    if !rtl {
        if let Some(run) = direct_run(f, lf, text) {
            return run;
        }
    }
    shape_run_rustybuzz(f, lf, text, rtl)
}

fn shape_run_rustybuzz(f: Face, lf: &super::fonts::LoadedFace, text: &str, rtl: bool) -> ShapedRun {
    let buffer = || {
        let mut buf = rustybuzz::UnicodeBuffer::new();
        buf.push_str(text);
        if let Some(l) = &lf.lang {
            buf.set_language(l.clone());
        }
        if rtl {
            buf.set_direction(rustybuzz::Direction::RightToLeft);
            buf.guess_segment_properties();
        } else {
            buf.set_direction(rustybuzz::Direction::LeftToRight);
            buf.set_script(rustybuzz::script::LATIN);
        }
        buf
    };
    // Kerning added to each glyph's advance by plandoc (empty: rustybuzz kerned).
    let mut kerns: Vec<i32> = Vec::new();
    let out = match (&lf.kerning, &lf.plan_unkerned) {
        // Arabic or Hebrew: the script decides the joining and mark placement.
        _ if rtl => rustybuzz::shape(&lf.shaper, &[], buffer()),
        (Some(k), Some(unkerned)) if text.chars().all(kernable) => {
            let out = rustybuzz::shape_with_plan(&lf.shaper, unkerned, buffer());
            let ids: Vec<u16> = out.glyph_infos().iter().map(|g| g.glyph_id as u16).collect();
            let pairs: Option<Vec<i32>> = ids
                .iter()
                .zip(ids.iter().skip(1).map(Some).chain([None]))
                .map(|(a, b)| b.map_or(Some(0), |b| k.pair_memo(f.index() as u8, *a, *b)))
                .collect();
            match pairs {
                Some(p) => {
                    kerns = p;
                    out
                }
                None => rustybuzz::shape_with_plan(&lf.shaper, &lf.plan, buffer()),
            }
        }
        _ => rustybuzz::shape_with_plan(&lf.shaper, &lf.plan, buffer()),
    };
    let upem = lf.units_per_em;
    let infos = out.glyph_infos();
    let pos = out.glyph_positions();
    let mut glyphs = Vec::with_capacity(infos.len());
    let mut width = 0.0;
    let replacement = lf.shaper.glyph_index('\u{fffd}').filter(|_| f == Face::Fallback);
    // A cluster ends where the next larger cluster starts (glyphs of a right-to-left
    // run come in decreasing cluster order).
    let mut starts: Vec<u32> = infos.iter().map(|g| g.cluster).collect();
    starts.sort_unstable();
    starts.dedup();
    for (i, (gi, gp)) in infos.iter().zip(pos).enumerate() {
        let next = starts.partition_point(|c| *c <= gi.cluster);
        let end = starts.get(next).copied().unwrap_or(text.len() as u32);
        let kern = kerns.get(i).copied().unwrap_or(0);
        let (id, advance) = match replacement {
            Some(r) if gi.glyph_id == 0 => (r.0, f32::from(lf.shaper.glyph_hor_advance(r).unwrap_or(0)) / upem),
            _ => (gi.glyph_id as u16, (gp.x_advance + kern) as f32 / upem),
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

/// `text` shaped by `direct` and kerned by plandoc, when both apply (see `direct`).
fn direct_run(f: Face, lf: &super::fonts::LoadedFace, text: &str) -> Option<ShapedRun> {
    let (k, d) = (lf.kerning.as_ref()?, lf.direct.as_ref()?);
    let (ids, clusters) = d.shape(text)?;
    let mut glyphs = Vec::with_capacity(ids.len());
    let mut width = 0.0;
    for (i, &id) in ids.iter().enumerate() {
        let kern = match ids.get(i + 1) {
            Some(next) => k.pair_memo(f.index() as u8, id, *next)?,
            None => 0,
        };
        let advance = (i32::from(lf.shaper.glyph_hor_advance(rustybuzz::ttf_parser::GlyphId(id))?) + kern) as f32
            / lf.units_per_em;
        width += advance;
        let end = clusters.get(i + 1).copied().unwrap_or(text.len() as u32);
        glyphs.push(Glyph { id, advance, dx: 0.0, dy: 0.0, start: clusters[i], end });
    }
    Some(ShapedRun { face: f, text: text.to_string(), glyphs, width })
}

/// A character whose glyphs GPOS pair kerning sees side by side: no mark, format
/// control or other default-ignorable that rustybuzz would skip or attach.
fn kernable(c: char) -> bool {
    if (c as u32) < 0x300 {
        // Latin-1 and Latin Extended: all letters, numbers, punctuation, symbols and
        // spaces but the C1 controls and the soft hyphen (a format character).
        return !c.is_control() && c != '\u{AD}';
    }
    kernable_by_tables(c)
}

fn kernable_by_tables(c: char) -> bool {
    use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};
    let hangul_filler = matches!(c, '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}');
    !hangul_filler
        && match c.general_category_group() {
            GeneralCategoryGroup::Letter
            | GeneralCategoryGroup::Number
            | GeneralCategoryGroup::Punctuation
            | GeneralCategoryGroup::Symbol => true,
            GeneralCategoryGroup::Separator => {
                c.general_category() == unicode_properties::GeneralCategory::SpaceSeparator
            }
            _ => false,
        }
}

/// Shapes `text` with fallback faces, in visual order.
fn shape_uncached(text: &str, wanted: Face) -> Vec<ShapedRun> {
    if !has_rtl(text) {
        return runs(text, wanted).into_iter().map(|(f, s)| shape_run(f, s, false)).collect();
    }
    let info = BidiInfo::new(text, None);
    let mut out = Vec::new();
    for para in &info.paragraphs {
        let (levels, visual) = info.visual_runs(para, para.range.clone());
        for range in visual {
            let rtl = levels[range.start].is_rtl();
            let mut pieces: Vec<ShapedRun> =
                runs(&text[range], wanted).into_iter().map(|(f, s)| shape_run(f, s, rtl)).collect();
            if rtl {
                // Face runs of a right-to-left run follow each other leftwards.
                pieces.reverse();
            }
            out.extend(pieces);
        }
    }
    out
}

/// Entries kept by the shaping cache before it is emptied (batch runs see many plans).
const CACHE_MAX: usize = 200_000;

/// Shaped texts of each face, looked up by the text itself (no key to build).
type Cache = [rustc_hash::FxHashMap<Box<str>, Shaped>; Face::COUNT];

/// One cache for the process: documents laid out in parallel share their words.
fn cache() -> &'static RwLock<Cache> {
    static CACHE: OnceLock<RwLock<Cache>> = OnceLock::new();
    CACHE.get_or_init(|| RwLock::new(Default::default()))
}

/// `text` shaped in `wanted` with fallback, in visual order, cached: words and labels repeat.
pub fn shape(text: &str, wanted: Face) -> Shaped {
    if let Some(s) = cache().read().ok().and_then(|c| c[wanted.index()].get(text).cloned()) {
        return s;
    }
    // Control characters (a stray vertical tab from a spreadsheet) have no glyph: spaces.
    // What no face draws is drawn as U+FFFD (`check` warned of it); the text keeps it
    // when it is a real character (社区 reads back), not a private-use or unassigned one.
    let odd = |c: char| c.is_control() || !c.is_ascii() && !drawable(c) && !super::fonts::meaningful(c);
    let clean: std::borrow::Cow<'_, str> = if text.contains(odd) {
        text.chars()
            .map(|c| match c {
                c if c.is_control() => ' ',
                c if odd(c) => '\u{FFFD}',
                c => c,
            })
            .collect::<String>()
            .into()
    } else {
        text.into()
    };
    let shaped: Shaped = Arc::new(shape_uncached(&clean, wanted));
    if let Ok(mut all) = cache().write() {
        if all.iter().map(|m| m.len()).sum::<usize>() >= CACHE_MAX {
            all.iter_mut().for_each(|m| m.clear());
        }
        all[wanted.index()].insert(Box::from(text), shaped.clone());
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

    /// Every character the Latin fast path takes, alone, in pairs (fi, ti, ff… and every
    /// kerning pair) and in the triples ligatures are made of, and French words: the
    /// same glyphs, advances and clusters as rustybuzz.
    #[test]
    fn the_latin_fast_path_gives_what_rustybuzz_gives() {
        let words = "Développer l’offre d’accueil « petite enfance » — action n° 1.2 : affiches, ﬁn, €, effet, \
                     fflamme, tiers, attitude, officiel, ffi, œuvre, Ça, ÉTÉ, 2026–2027…";
        for f in [Face::Regular, Face::Bold, Face::Italic] {
            let lf = face(f).unwrap();
            let d = lf.direct.as_ref().expect("Lato's Latin goes the fast path");
            let check = |t: &str| {
                if let Some(fast) = direct_run(f, lf, t) {
                    assert_eq!(fast, shape_run_rustybuzz(f, lf, t, false), "{f:?} {t:?}");
                    true
                } else {
                    false
                }
            };
            let chars: Vec<char> = (0..0x250u32)
                .chain(0x2000..0x20D0)
                .filter_map(char::from_u32)
                .filter(|c| d.shape(&c.to_string()).is_some())
                .collect();
            assert!(chars.len() > 400, "{}", chars.len());
            let mut buf = String::new();
            for a in &chars {
                for b in &chars {
                    buf.clear();
                    buf.push(*a);
                    buf.push(*b);
                    check(&buf);
                }
            }
            let liga: Vec<char> = "fftilbhkjíîïìıľťflt".chars().collect();
            for a in &liga {
                for b in &liga {
                    for c in &liga {
                        check(&format!("{a}{b}{c}"));
                    }
                }
            }
            // The ligatures are made here: "fi" and "ffi" are one glyph each.
            for lig in ["fi", "ffi"] {
                assert_eq!(direct_run(f, lf, lig).map(|r| r.glyphs.len()), Some(1), "{lig}");
            }
            let taken = words.split(' ').filter(|w| check(w)).count();
            assert!(taken > 15, "{taken}");
        }
    }

    #[test]
    fn latin_kerning_shortcut_agrees_with_the_unicode_tables() {
        for c in (0..0x300u32).filter_map(char::from_u32) {
            assert_eq!(kernable(c), kernable_by_tables(c), "{c:?}");
        }
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

    /// `text` shaped by rustybuzz with its own kerning: (glyph, advance) pairs.
    fn by_rustybuzz(f: Face, text: &str) -> Vec<(u16, f32)> {
        let lf = face(f).unwrap();
        let mut buf = rustybuzz::UnicodeBuffer::new();
        buf.push_str(text);
        buf.set_language(lf.lang.clone().unwrap());
        buf.set_direction(rustybuzz::Direction::LeftToRight);
        buf.set_script(rustybuzz::script::LATIN);
        let out = rustybuzz::shape_with_plan(&lf.shaper, &lf.plan, buf);
        let upem = lf.units_per_em;
        out.glyph_infos()
            .iter()
            .zip(out.glyph_positions())
            .map(|(g, p)| (g.glyph_id as u16, p.x_advance as f32 / upem))
            .collect()
    }

    #[test]
    fn plandoc_kerning_matches_rustybuzz_pair_by_pair() {
        let mut chars: Vec<char> = (' '..='~').chain('\u{A0}'..='\u{17F}').collect();
        chars.extend("’‘“”«»…–—€•‰‹›\u{202F}\u{2009}\u{2011}→".chars());
        chars.retain(|c| super::super::fonts::face_for(Face::Regular, *c) == Face::Regular);
        // Ligatures (fi, ffl, tt, ti…) next to every character, and real words.
        let ligatures = ["ff", "fi", "fl", "ffi", "ffl", "ft", "fb", "fh", "fk", "fj", "tt", "ti", "tf", "tï", "fí"];
        let mut texts: Vec<String> = Vec::new();
        for a in &chars {
            texts.extend(chars.iter().map(|b| format!("{a}{b}")));
            texts.extend(ligatures.iter().flat_map(|l| [format!("{a}{l}"), format!("{l}{a}")]));
        }
        texts.extend(
            "L’Avenir « Vivre ensemble » : 1.2.3 — fiches Téléthon AVANT Wagon, Yvelines ; « T.V.A. » 12,5 % affiche efficace"
                .split(' ')
                .map(String::from),
        );
        for f in [Face::Regular, Face::Bold, Face::Italic] {
            assert!(face(f).unwrap().kerning.is_some(), "{f:?}: Lato's GPOS is plain pair kerning");
            let mut kerned = 0;
            for t in &texts {
                let ours: Vec<(u16, f32)> = shape_run(f, t, false).glyphs.iter().map(|g| (g.id, g.advance)).collect();
                let theirs = by_rustybuzz(f, t);
                assert_eq!(ours, theirs, "{f:?} {t:?}");
                let lf = face(f).unwrap();
                let plain = |g: u16| {
                    f32::from(lf.shaper.glyph_hor_advance(rustybuzz::ttf_parser::GlyphId(g)).unwrap()) / lf.units_per_em
                };
                kerned += usize::from(theirs.iter().any(|(g, a)| *a != plain(*g)));
            }
            assert!(kerned > 1000, "{f:?}: {kerned} kerned pairs");
        }
    }

    /// Glyph ids of `text` shaped alone, letter by letter (isolated forms).
    fn isolated(text: &str) -> Vec<u16> {
        text.chars().map(|c| shape(&c.to_string(), Face::Regular)[0].glyphs[0].id).collect()
    }

    #[test]
    fn arabic_letters_join_and_run_right_to_left() {
        let word = "سلام"; // sīn, lām, alif, mīm
        let s = shape(word, Face::Regular);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].face, Face::Arabic);
        let ids: Vec<u16> = s[0].glyphs.iter().map(|g| g.id).collect();
        // Visual order: the last letter (mīm) is drawn first, at the left.
        assert_eq!(s[0].glyphs[0].start as usize, word.rfind('م').unwrap());
        assert_eq!(s[0].glyphs.last().unwrap().start, 0);
        // Joined: the initial sīn and the medial lām are not their isolated forms.
        let mut iso = isolated(word);
        iso.reverse();
        assert_ne!(ids.last(), iso.last(), "sīn should take its initial form");
        assert_ne!(ids, iso);
    }

    #[test]
    fn hebrew_runs_right_to_left_inside_french() {
        let s = shape("Maison שלום 2024", Face::Regular);
        let faces: Vec<Face> = s.iter().map(|r| r.face).collect();
        assert!(faces.contains(&Face::Hebrew), "{faces:?}");
        let heb = s.iter().find(|r| r.face == Face::Hebrew).unwrap();
        assert_eq!(heb.text, "שלום");
        // The first glyph drawn is the last letter, final mem.
        assert_eq!(heb.glyphs[0].start as usize, "שלו".len());
        // The Latin text before it stays first.
        assert!(s[0].text.starts_with("Maison"));
    }
}
