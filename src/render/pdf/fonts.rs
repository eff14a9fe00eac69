//! Fonts: each face a document draws becomes a Type 0 font over a CIDFontType2 (or
//! CIDFontType0 for CFF outlines) subset with subsetter, named `ABCDEF+PostScriptName`
//! after its glyph set, with its widths, metrics and a ToUnicode map built from the
//! text each glyph was shaped from.
//!
//! A character code (CID) stands for a glyph *and its text*: a glyph shown for two texts
//! (one space glyph for U+0020 and U+00A0, the U+FFFD glyph for 社 and 区) gets a second
//! code mapped to the same glyph by a CIDToGIDMap, so every reader extracts the right
//! text. Glyphs of a cluster of several glyphs all map to the cluster's text and are
//! drawn inside an /ActualText span, which readers honour to give the text once.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref, Str};
use subsetter::GlyphRemapper;

use super::deflate::Deflater;
use super::stream_cache::{self, Packed};
use super::{PdfError, Refs};
use crate::layout::canvas::{Item, Page};
use crate::layout::fonts::{face, Face, Glyph, LoadedFace};

const SYSTEM_INFO: SystemInfo = SystemInfo { registry: Str(b"Adobe"), ordering: Str(b"Identity"), supplement: 0 };

/// How a glyph, with its text, is shown.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Code {
    /// The two bytes shown (Identity-H).
    pub cid: u16,
    /// Advance of the glyph in the font, in em (what the PDF moves by).
    pub advance: f32,
}

/// The glyphs of one face used by a document.
struct Used {
    face: Face,
    lf: &'static LoadedFace,
    remapper: GlyphRemapper,
    /// By original glyph id: its first code, its subset glyph id (0 until seen, but
    /// for .notdef).
    code_of: Vec<u16>,
    /// By first code: advance and text.
    first: Vec<Option<First>>,
    /// Further (glyph, text) pairs, in order of appearance; code = glyphs + index.
    more: Vec<(u16, Box<str>)>,
    more_index: HashMap<(u16, Box<str>), u16>,
}

struct First {
    cid: u16,
    advance: f32,
    text: Box<str>,
}

/// Every glyph the document shows, face by face, coded as pages are written: a glyph
/// seen for the first time gets the next glyph of its face's subset, a glyph seen again
/// for another text a further code after the subset's glyphs — whose number, known
/// before the first page (`GlyphSet`), is checked when the fonts are written.
pub(crate) struct Glyphs {
    used: Vec<Option<Used>>,
    /// Glyphs of each face's subset (.notdef included), as counted beforehand.
    subset_sizes: [u16; Face::COUNT],
}

/// The text a glyph stands for: its cluster's (empty when the cluster is out of range).
pub(crate) fn cluster_text<'a>(text: &'a str, g: &Glyph) -> &'a str {
    text.get(g.start as usize..g.end as usize).unwrap_or("")
}

/// Which glyphs of each face a document shows, without their order or texts: how many
/// glyphs each font's subset holds, known before any page is written.
#[derive(Debug, Clone, Default)]
pub struct GlyphSet {
    /// One bit per glyph id, per face (empty for a face not used).
    bits: Vec<Vec<u64>>,
}

impl GlyphSet {
    /// Adds the glyphs drawn on `page`.
    pub fn add_page(&mut self, page: &Page) {
        if self.bits.is_empty() {
            self.bits = vec![Vec::new(); Face::COUNT];
        }
        for it in &page.items {
            let Item::Text { runs, .. } = it else { continue };
            for r in runs.iter().filter(|r| !r.glyphs.is_empty()) {
                let bits = &mut self.bits[r.face.index()];
                if bits.is_empty() {
                    // Glyph 0 (.notdef) is in every subset.
                    *bits = vec![0; 1024];
                    bits[0] = 1;
                }
                for g in &r.glyphs {
                    bits[usize::from(g.id) / 64] |= 1 << (g.id % 64);
                }
            }
        }
    }

    /// Glyphs in each face's subset.
    fn sizes(&self) -> [u16; Face::COUNT] {
        let mut out = [0u16; Face::COUNT];
        for (o, bits) in out.iter_mut().zip(&self.bits) {
            *o = bits.iter().map(|w| w.count_ones() as u16).sum();
        }
        out
    }
}

impl Glyphs {
    pub(crate) fn new(set: &GlyphSet) -> Glyphs {
        Glyphs { used: (0..Face::COUNT).map(|_| None).collect(), subset_sizes: set.sizes() }
    }

    /// The glyphs of face `f` used so far, made on its first glyph.
    fn used(&mut self, f: Face) -> Result<&mut Used, PdfError> {
        let slot = &mut self.used[f.index()];
        if slot.is_none() {
            let lf = face(f).ok_or(PdfError::Font(f.postscript_name()))?;
            *slot = Some(Used {
                face: f,
                lf,
                remapper: GlyphRemapper::new(),
                code_of: vec![0; usize::from(lf.shaper.number_of_glyphs())],
                first: Vec::new(),
                more: Vec::new(),
                more_index: HashMap::new(),
            });
        }
        Ok(slot.as_mut().expect("just set"))
    }

    /// The code showing glyph `g` of `f` for `text`, given the first time it is asked.
    pub(crate) fn code(&mut self, f: Face, g: &Glyph, text: &str) -> Result<Code, PdfError> {
        let size = self.subset_sizes[f.index()];
        let u = self.used(f)?;
        let lf = u.lf;
        let Some(code) = u.code_of.get(usize::from(g.id)).copied() else {
            return Err(PdfError::Font(f.postscript_name()));
        };
        let seen = code != 0 || g.id == 0;
        match u.first.get(usize::from(code)).and_then(Option::as_ref).filter(|_| seen) {
            None => {
                let advance = f32::from(lf.shaper.glyph_hor_advance(gid(g.id)).unwrap_or(0)) / lf.units_per_em;
                let cid = u.remapper.remap(g.id);
                u.code_of[usize::from(g.id)] = cid;
                if u.first.len() <= usize::from(cid) {
                    u.first.resize_with(usize::from(cid) + 1, || None);
                }
                u.first[usize::from(cid)] = Some(First { cid, advance, text: text.into() });
                Ok(Code { cid, advance })
            }
            Some(first) if &*first.text == text => Ok(Code { cid: first.cid, advance: first.advance }),
            Some(first) => {
                let advance = first.advance;
                let key = (g.id, Box::<str>::from(text));
                let next = u.more.len() as u16;
                let index = *u.more_index.entry(key.clone()).or_insert_with(|| {
                    u.more.push(key);
                    next
                });
                Ok(Code { cid: size.saturating_add(index), advance })
            }
        }
    }

    /// Writes every used face; returns each font's resource name and reference.
    pub(crate) fn write(
        &self,
        pdf: &mut Pdf,
        refs: &mut Refs,
        z: &mut Deflater,
    ) -> Result<Vec<(String, Ref)>, PdfError> {
        let mut out = Vec::new();
        for u in self.used.iter().flatten() {
            // Further codes were numbered after the subset counted beforehand.
            if !u.more.is_empty() && u.remapper.num_gids() != self.subset_sizes[u.face.index()] {
                return Err(PdfError::Write(format!(
                    "police {} : {} glyphes prévus, {} employés",
                    u.face.postscript_name(),
                    self.subset_sizes[u.face.index()],
                    u.remapper.num_gids()
                )));
            }
            let r = refs.next();
            write_face(u, r, pdf, refs, z)?;
            out.push((name(u.face), r));
        }
        Ok(out)
    }
}

/// Resource name of a face's font.
pub(crate) fn name(f: Face) -> String {
    format!("F{}", f.index())
}

fn gid(id: u16) -> rustybuzz::ttf_parser::GlyphId {
    rustybuzz::ttf_parser::GlyphId(id)
}

/// Six capitals derived from the glyph set: the same glyphs, the same name.
fn subset_tag(f: Face, remapper: &GlyphRemapper) -> String {
    let mut h = std::hash::DefaultHasher::new();
    f.postscript_name().hash(&mut h);
    remapper.remapped_gids().for_each(|g| g.hash(&mut h));
    let mut n = Hasher::finish(&h);
    (0..6)
        .map(|_| {
            let c = char::from(b'A' + (n % 26) as u8);
            n /= 26;
            c
        })
        .collect()
}

fn write_face(u: &Used, type0: Ref, pdf: &mut Pdf, refs: &mut Refs, z: &mut Deflater) -> Result<(), PdfError> {
    let err = || PdfError::Font(u.face.postscript_name());
    let lf = face(u.face).ok_or_else(err)?;
    let program = program(u, z)?;
    let is_cff = program.is_cff;
    let base = format!("{}+{}", subset_tag(u.face, &u.remapper), u.face.postscript_name());
    let (cid, descriptor, cmap, data) = (refs.next(), refs.next(), refs.next(), refs.next());
    let type0_name = if is_cff { format!("{base}-Identity-H") } else { base.clone() };
    pdf.type0_font(type0)
        .base_font(Name(type0_name.as_bytes()))
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid)
        .to_unicode(cmap);

    let n_glyphs = u.remapper.num_gids();
    // Codes: the subset's glyphs, then the further texts of a glyph.
    let glyph_of_code: Vec<u16> = u.remapper.remapped_gids().chain(u.more.iter().map(|(g, _)| *g)).collect();
    let to_pdf = |units: f32| units * 1000.0 / lf.units_per_em;
    let mut c = pdf.cid_font(cid);
    c.subtype(if is_cff { CidFontType::Type0 } else { CidFontType::Type2 })
        .base_font(Name(base.as_bytes()))
        .system_info(SYSTEM_INFO)
        .font_descriptor(descriptor)
        .default_width(0.0);
    c.widths().consecutive(
        0,
        glyph_of_code.iter().map(|g| to_pdf(f32::from(lf.shaper.glyph_hor_advance(gid(*g)).unwrap_or(0)))),
    );
    let map_ref = (!u.more.is_empty() && !is_cff).then(|| refs.next());
    match map_ref {
        Some(r) => c.cid_to_gid_map_stream(r),
        None if !is_cff => c.cid_to_gid_map_predefined(Name(b"Identity")),
        None => &mut c,
    };
    c.finish();
    if let Some(r) = map_ref {
        let map: Vec<u8> = glyph_of_code.iter().flat_map(|g| u.remapper.get(*g).unwrap_or(0).to_be_bytes()).collect();
        pdf.stream(r, &packed_map(b"CIDToGIDMap:", map, z)?.bytes).filter(Filter::FlateDecode);
    }

    descriptor_of(lf, u.face, &base, is_cff, descriptor, data, pdf);

    let mut unicode = UnicodeCmap::new(Name(b"Custom"), SYSTEM_INFO);
    let texts = u
        .remapper
        .remapped_gids()
        .enumerate()
        .map(|(code, _)| u.first.get(code).and_then(Option::as_ref).map_or("", |f| &*f.text))
        .chain(u.more.iter().map(|(_, t)| &**t));
    for (code, text) in texts.enumerate() {
        // .notdef (code 0) maps to nothing; a glyph of an empty cluster neither.
        if code > 0 && !text.is_empty() {
            unicode.pair_with_multiple(code as u16, text.chars());
        }
    }
    debug_assert!(glyph_of_code.len() >= usize::from(n_glyphs));
    pdf.cmap(cmap, &packed_map(b"ToUnicode:", unicode.finish().into_vec(), z)?.bytes).filter(Filter::FlateDecode);

    let mut s = pdf.stream(data, &program.bytes);
    s.filter(Filter::FlateDecode);
    if is_cff {
        s.pair(Name(b"Subtype"), Name(b"CIDFontType0C"));
    } else {
        s.pair(Name(b"Length1"), program.raw_len as i32);
    }
    s.finish();
    Ok(())
}

/// A map stream (ToUnicode, CIDToGIDMap) compressed, made once per process for the
/// same bytes (`stream_cache`).
fn packed_map(kind: &[u8], raw: Vec<u8>, z: &mut Deflater) -> Result<Arc<Packed>, PdfError> {
    let key = [kind, &raw].concat();
    stream_cache::get_or_make(key, || Ok(Packed { bytes: z.deflate(&raw), raw_len: raw.len(), is_cff: false }))
}

/// The face's subset for the document's glyphs, compressed: made once per process for
/// a face and glyph list (`stream_cache`).
fn program(u: &Used, z: &mut Deflater) -> Result<Arc<Packed>, PdfError> {
    let mut key = b"FontFile:".to_vec();
    key.extend_from_slice(u.face.postscript_name().as_bytes());
    key.push(0);
    u.remapper.remapped_gids().for_each(|g| key.extend_from_slice(&g.to_be_bytes()));
    stream_cache::get_or_make(key, || {
        let err = || PdfError::Font(u.face.postscript_name());
        let subset = subsetter::subset(u.face.bytes(), 0, &u.remapper).map_err(|_| err())?;
        let cff_tag = rustybuzz::ttf_parser::Tag::from_bytes(b"CFF ");
        let cff =
            rustybuzz::ttf_parser::RawFace::parse(&subset, 0).ok().and_then(|f| f.table(cff_tag)).map(<[u8]>::to_vec);
        let is_cff = cff.is_some();
        let program = cff.unwrap_or(subset);
        Ok(Packed { bytes: z.deflate(&program), raw_len: program.len(), is_cff })
    })
}

/// The FontDescriptor, metrics from the face's tables (CapHeight from OS/2).
fn descriptor_of(lf: &LoadedFace, f: Face, base: &str, is_cff: bool, id: Ref, data: Ref, pdf: &mut Pdf) {
    let ttf = &lf.shaper;
    let to_pdf = |units: f32| units * 1000.0 / lf.units_per_em;
    let b = ttf.global_bounding_box();
    let ascent = to_pdf(f32::from(ttf.ascender()));
    let italic = ttf.italic_angle();
    let mut flags = FontFlags::SYMBOLIC;
    flags.set(FontFlags::ITALIC, italic != 0.0 || ttf.is_italic());
    flags.set(FontFlags::FIXED_PITCH, ttf.is_monospaced());
    flags.set(FontFlags::SERIF, f.postscript_name().contains("Serif"));
    let weight = f32::from(ttf.weight().to_number());
    let mut d = pdf.font_descriptor(id);
    d.name(Name(base.as_bytes()))
        .flags(flags)
        .bbox(Rect::new(
            to_pdf(f32::from(b.x_min)),
            to_pdf(f32::from(b.y_min)),
            to_pdf(f32::from(b.x_max)),
            to_pdf(f32::from(b.y_max)),
        ))
        .italic_angle(italic)
        .ascent(ascent)
        .descent(to_pdf(f32::from(ttf.descender())))
        .cap_height(ttf.capital_height().map_or(ascent, |c| to_pdf(f32::from(c))))
        .stem_v(10.0 + 0.244 * (weight / 10.0 - 50.0).max(0.0));
    if is_cff {
        d.font_file3(data);
    } else {
        d.font_file2(data);
    }
}
