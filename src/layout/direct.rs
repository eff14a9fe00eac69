//! Latin text shaped without rustybuzz. For a word whose characters each map to one
//! glyph that no active substitution of the face starts from (Lato: everything but
//! marks, some spacing accents, Greek), shaping only maps characters to glyphs and joins
//! the ligatures of `liga` (Lato's fi, ff, ti…): done here from the cmap and the
//! ligature tables, it costs a fraction of a full shaping, which was a fifth of a fresh
//! process. The result is rustybuzz's, glyph by glyph (tested over every pair of the
//! characters concerned and over every word of the samples); anything else goes to
//! rustybuzz.

use rustybuzz::ttf_parser::gdef::GlyphClass;
use rustybuzz::ttf_parser::gsub::{LigatureSubstitution, SubstitutionSubtable};
use rustybuzz::ttf_parser::opentype_layout::{ChainedContextLookup, ContextLookup, Coverage, LayoutTable};
use rustybuzz::ttf_parser::{GlyphId, Tag};

/// Characters the fast path may take: Latin (to U+024F) and general punctuation with
/// currency signs (U+2000 to U+20CF: ’ « – — … €, thin no-break space).
const LATIN_END: u32 = 0x250;
const PUNCT: std::ops::Range<u32> = 0x2000..0x20D0;

/// GSUB features a Latin text is shaped with by default (rustybuzz's defaults).
const DEFAULT_FEATURES: [&[u8; 4]; 10] =
    [b"rvrn", b"ltra", b"ltrm", b"ccmp", b"locl", b"rlig", b"calt", b"clig", b"liga", b"rclt"];

/// Ligature features: their ligature lookups are applied here.
const LIGATURES: [&[u8; 4]; 3] = [b"rlig", b"clig", b"liga"];

pub struct Direct {
    /// Glyph of each character the fast path takes (0: rustybuzz shapes it).
    latin: Vec<u16>,
    punct: Vec<u16>,
    /// Ligature lookups, in the order GSUB applies them.
    ligatures: Vec<Vec<LigatureSubstitution<'static>>>,
}

impl Direct {
    /// The fast path for a face, or `None` when its GSUB does more than this module
    /// knows for the chosen language system. `invisible` names the characters shaping
    /// handles without a glyph of their own (the fonts module's rule).
    pub fn of(face: &rustybuzz::ttf_parser::Face<'static>, invisible: fn(char) -> bool) -> Option<Direct> {
        let gsub = face.tables().gsub?;
        let indices = default_lookups(&gsub)?;
        let is_mark = |g: GlyphId| face.tables().gdef.and_then(|d| d.glyph_class(g)) == Some(GlyphClass::Mark);
        let mut blocked = vec![false; usize::from(face.number_of_glyphs())];
        let mut block = |c: &Coverage<'_>| each_glyph(c, |g| set(&mut blocked, g));
        let mut ligatures: Vec<Vec<LigatureSubstitution<'static>>> = Vec::new();
        for (index, applied_here) in indices {
            let lookup = gsub.lookups.get(index)?;
            let subtables: Vec<SubstitutionSubtable<'static>> = lookup.subtables.into_iter().collect();
            if subtables.len() != usize::from(lookup.subtables.len()) {
                return None;
            }
            let ligature_only = subtables.iter().all(|s| matches!(s, SubstitutionSubtable::Ligature(_)));
            if applied_here && ligature_only {
                if lookup.flags.0 != 0 || lookup.mark_filtering_set.is_some() {
                    return None;
                }
                let subs = subtables
                    .into_iter()
                    .filter_map(|s| match s {
                        SubstitutionSubtable::Ligature(l) => Some(l),
                        _ => None,
                    })
                    .collect();
                ligatures.push(subs);
                continue;
            }
            for s in &subtables {
                match s {
                    // A context made only of marks cannot match text without marks.
                    SubstitutionSubtable::ChainContext(ChainedContextLookup::Format3 {
                        backtrack_coverages,
                        input_coverages,
                        lookahead_coverages,
                        ..
                    }) => {
                        let mut all =
                            backtrack_coverages.into_iter().chain(*input_coverages).chain(*lookahead_coverages);
                        if !all.any(|c| only_marks(&c, &is_mark)) {
                            input_coverages.get(0).iter().for_each(&mut block);
                        }
                    }
                    SubstitutionSubtable::Context(ContextLookup::Format3 { coverages, .. }) => {
                        if !(*coverages).into_iter().any(|c| only_marks(&c, &is_mark)) {
                            block(&s.coverage());
                        }
                    }
                    _ => block(&s.coverage()),
                }
            }
        }
        // A ligature that a later lookup would change again: not handled.
        for subs in &ligatures {
            for l in subs {
                for set in l.ligature_sets {
                    if set.into_iter().any(|lig| blocked.get(usize::from(lig.glyph.0)).copied().unwrap_or(true)) {
                        return None;
                    }
                }
            }
        }
        let cmap = face.tables().cmap?.subtables.into_iter().find(|s| s.is_unicode())?;
        let glyph = |cp: u32| -> u16 {
            let Some(c) = char::from_u32(cp) else { return 0 };
            let Some(g) = cmap.glyph_index(cp) else { return 0 };
            let ok = g.0 != 0
                && !c.is_control()
                && !invisible(c)
                && c != '\u{2044}' // fraction slash: rustybuzz turns on frac/numr/dnom around it
                && !is_mark(g)
                && !blocked.get(usize::from(g.0)).copied().unwrap_or(true);
            if ok {
                g.0
            } else {
                0
            }
        };
        Some(Direct { latin: (0..LATIN_END).map(glyph).collect(), punct: PUNCT.map(glyph).collect(), ligatures })
    }

    fn glyph(&self, c: char) -> u16 {
        let cp = c as u32;
        if cp < LATIN_END {
            self.latin[cp as usize]
        } else if PUNCT.contains(&cp) {
            self.punct[(cp - PUNCT.start) as usize]
        } else {
            0
        }
    }

    /// Glyph ids and clusters (byte offsets) of `text`, ligatures joined; `None` when
    /// a character is not for the fast path.
    pub fn shape(&self, text: &str) -> Option<(Vec<u16>, Vec<u32>)> {
        let mut ids = Vec::with_capacity(text.len());
        let mut clusters = Vec::with_capacity(text.len());
        for (i, c) in text.char_indices() {
            match self.glyph(c) {
                0 => return None,
                g => {
                    ids.push(g);
                    clusters.push(i as u32);
                }
            }
        }
        for subs in &self.ligatures {
            join(subs, &mut ids, &mut clusters);
        }
        Some((ids, clusters))
    }
}

/// One ligature lookup over the glyphs: at each glyph, the first subtable covering it
/// decides, and its first ligature whose components follow replaces them.
fn join(subs: &[LigatureSubstitution<'static>], ids: &mut Vec<u16>, clusters: &mut Vec<u32>) {
    let mut i = 0;
    while i < ids.len() {
        let g = GlyphId(ids[i]);
        let found = subs.iter().find_map(|l| l.coverage.get(g).and_then(|k| l.ligature_sets.get(k)));
        if let Some(set) = found {
            let rest = &ids[i + 1..];
            let hit = set.into_iter().find(|lig| {
                lig.components.len() as usize <= rest.len()
                    && lig.components.into_iter().zip(rest).all(|(c, r)| c.0 == *r)
            });
            if let Some(lig) = hit {
                let n = lig.components.len() as usize;
                ids[i] = lig.glyph.0;
                ids.drain(i + 1..i + 1 + n);
                clusters.drain(i + 1..i + 1 + n);
            }
        }
        i += 1;
    }
}

/// Indices of the GSUB lookups a French text is shaped with, sorted, each with whether
/// it belongs to a ligature feature; `None` when the script table is missing.
fn default_lookups(gsub: &LayoutTable<'static>) -> Option<Vec<(u16, bool)>> {
    let script = gsub.scripts.find(Tag::from_bytes(b"latn")).or_else(|| gsub.scripts.find(Tag::from_bytes(b"DFLT")))?;
    let lang = script.languages.find(Tag::from_bytes(b"FRA ")).or(script.default_language)?;
    let mut out: Vec<(u16, bool)> = Vec::new();
    let features = lang.required_feature.into_iter().chain(lang.feature_indices);
    for f in features.filter_map(|i| gsub.features.get(i)) {
        let tag = f.tag.to_bytes();
        if !DEFAULT_FEATURES.iter().any(|t| **t == tag) {
            continue;
        }
        let liga = LIGATURES.iter().any(|t| **t == tag);
        for l in f.lookup_indices {
            match out.iter_mut().find(|(i, _)| *i == l) {
                // A lookup also used by a feature not applied here: blocked.
                Some(entry) => entry.1 &= liga,
                None => out.push((l, liga)),
            }
        }
    }
    out.sort_unstable();
    Some(out)
}

fn each_glyph(c: &Coverage<'_>, mut f: impl FnMut(u16)) {
    match c {
        Coverage::Format1 { glyphs } => glyphs.into_iter().for_each(|g| f(g.0)),
        Coverage::Format2 { records } => {
            for r in *records {
                (r.start.0..=r.end.0).for_each(&mut f);
            }
        }
    }
}

fn only_marks(c: &Coverage<'_>, is_mark: &impl Fn(GlyphId) -> bool) -> bool {
    let mut all = true;
    each_glyph(c, |g| all &= is_mark(GlyphId(g)));
    all
}

fn set(v: &mut [bool], g: u16) {
    if let Some(b) = v.get_mut(usize::from(g)) {
        *b = true;
    }
}
