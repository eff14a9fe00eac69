//! Kerning of a face whose GPOS is only plain pair kerning (Lato's), applied by plandoc
//! to text rustybuzz shaped without it. rustybuzz tries each of the ≈ 30 pair subtables
//! at every glyph (a binary search each): that was two thirds of the shaping time of a
//! French word. Here the subtables covering each first glyph are known from one pass
//! over the coverage tables at load, so a pair costs a few lookups. The result is the
//! same as rustybuzz's, pair by pair (tested over every pair of French characters).

use rustybuzz::ttf_parser::gpos::{PairAdjustment, PositioningSubtable, ValueRecord};
use rustybuzz::ttf_parser::opentype_layout::LayoutTable;
use rustybuzz::ttf_parser::{GlyphId, Tag};

/// The kern lookups of a face, with which of their subtables cover each glyph.
pub struct Kerning {
    /// Lookups in the order GPOS applies them; their subtables in order.
    lookups: Vec<Vec<PairAdjustment<'static>>>,
    /// Per glyph: bit `offset[l] + s` is set when subtable `s` of lookup `l` covers it.
    cover: Vec<u64>,
    offset: Vec<u32>,
}

impl Kerning {
    /// The face's kerning when its GPOS holds nothing but `kern` features, all naming
    /// the same lookups, each made of pair adjustments that move the first glyph's
    /// advance (lookup flags 0: no glyph skipped). Anything else: `None`, and the face
    /// is shaped by rustybuzz alone.
    pub fn of(gpos: &LayoutTable<'static>, glyph_count: u16) -> Option<Kerning> {
        let kern = Tag::from_bytes(b"kern");
        let mut indices: Option<Vec<u16>> = None;
        for f in gpos.features {
            let l: Vec<u16> = f.lookup_indices.into_iter().collect();
            if f.tag != kern || indices.as_ref().is_some_and(|i| *i != l) {
                return None;
            }
            indices = Some(l);
        }
        let mut lookups = Vec::new();
        for i in indices? {
            let lookup = gpos.lookups.get(i)?;
            if lookup.flags.0 != 0 || lookup.mark_filtering_set.is_some() {
                return None;
            }
            let mut subs = Vec::new();
            for s in lookup.subtables.into_iter::<PositioningSubtable>() {
                match s {
                    PositioningSubtable::Pair(p) => subs.push(p),
                    _ => return None,
                }
            }
            if subs.len() != usize::from(lookup.subtables.len()) {
                return None;
            }
            lookups.push(subs);
        }
        let mut offset = Vec::new();
        let mut bits = 0u32;
        for l in &lookups {
            offset.push(bits);
            bits += l.len() as u32;
        }
        if bits > 64 {
            return None;
        }
        let mut cover = vec![0u64; usize::from(glyph_count)];
        for (l, subs) in lookups.iter().enumerate() {
            for (s, p) in subs.iter().enumerate() {
                let bit = 1u64 << (offset[l] + s as u32);
                let mut mark = |g: u16| {
                    if let Some(c) = cover.get_mut(usize::from(g)) {
                        *c |= bit;
                    }
                };
                match p.coverage() {
                    rustybuzz::ttf_parser::opentype_layout::Coverage::Format1 { glyphs } => {
                        glyphs.into_iter().for_each(|g| mark(g.0))
                    }
                    rustybuzz::ttf_parser::opentype_layout::Coverage::Format2 { records } => {
                        for r in records {
                            (r.start.0..=r.end.0).for_each(&mut mark);
                        }
                    }
                }
            }
        }
        Some(Kerning { lookups, cover, offset })
    }

    /// `pair`, remembered by this thread: the words of a plan share a few hundred pairs,
    /// each looked up through several class tables. `face` tells the faces apart.
    pub fn pair_memo(&self, face: u8, first: u16, second: u16) -> Option<i32> {
        thread_local! {
            static PAIRS: std::cell::RefCell<rustc_hash::FxHashMap<u64, Option<i32>>> = Default::default();
        }
        let key = u64::from(face) << 32 | u64::from(first) << 16 | u64::from(second);
        PAIRS.with(|m| match m.try_borrow_mut() {
            Ok(mut m) => *m.entry(key).or_insert_with(|| self.pair(first, second)),
            Err(_) => self.pair(first, second),
        })
    }

    /// What GPOS adds to the advance of `first` followed by `second`, in font units;
    /// `None` when a record does more than that (rustybuzz must shape such text).
    pub fn pair(&self, first: u16, second: u16) -> Option<i32> {
        let mask = *self.cover.get(usize::from(first))?;
        let (a, b) = (GlyphId(first), GlyphId(second));
        let mut total = 0i32;
        for (l, subs) in self.lookups.iter().enumerate() {
            let mut m = (mask >> self.offset[l]) & ((1u64 << subs.len()) - 1);
            // The first subtable that has the pair decides, as in rustybuzz.
            while m != 0 {
                let s = m.trailing_zeros() as usize;
                m &= m - 1;
                let records = match &subs[s] {
                    PairAdjustment::Format1 { coverage, sets } => {
                        coverage.get(a).and_then(|i| sets.get(i)).and_then(|set| set.get(b))
                    }
                    PairAdjustment::Format2 { classes, matrix, .. } => matrix.get((classes.0.get(a), classes.1.get(b))),
                };
                if let Some((v1, v2)) = records {
                    total += advance_only(&v1)?;
                    if !empty(&v2) {
                        return None;
                    }
                    break;
                }
            }
        }
        Some(total)
    }
}

fn empty(v: &ValueRecord<'_>) -> bool {
    advance_only(v) == Some(0)
}

/// The advance change of a record that changes nothing else.
fn advance_only(v: &ValueRecord<'_>) -> Option<i32> {
    let plain = v.x_placement == 0
        && v.y_placement == 0
        && v.y_advance == 0
        && v.x_placement_device.is_none()
        && v.y_placement_device.is_none()
        && v.x_advance_device.is_none()
        && v.y_advance_device.is_none();
    plain.then_some(i32::from(v.x_advance))
}
