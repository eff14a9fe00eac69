//! Laid-out document → PDF bytes: printpdf builds pages and fonts; lopdf then makes the
//! file what @ctes and readers expect — fonts subset and tagged, nested bookmarks,
//! /Lang, document information — and deterministic (no counter-made names, a content
//! hash for /ID, no clock).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use lopdf::{Dictionary, Object, StringFormat};
use printpdf::{FontId, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Pt, TextItem};

use crate::layout::canvas::{Document, Item, Outline};
use crate::layout::fonts::{face, face_for, Face};

use super::content::{encode_page, FontRef};

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("police « {0} » inutilisable")]
    Font(&'static str),
    #[error("écriture du PDF impossible : {0}")]
    Write(String),
}

/// Placeholder for /ID, replaced by the content hash once the file is written.
const ID_PLACEHOLDER: &str = "00000000000000000000000000000000";

/// A face cut down to the glyphs some documents use, ready to embed.
struct EmbeddedFont {
    face: Face,
    parsed: ParsedFont,
    /// The subset program and its deflated form, computed once for all the documents.
    program: Vec<u8>,
    deflated: Vec<u8>,
    /// "ABCDEF+Lato-Regular".
    name: String,
}

pub fn render_pdf(doc: &Document) -> Result<Vec<u8>, PdfError> {
    render_pdfs(&[doc]).map(|mut v| v.remove(0))
}

/// Renders several documents sharing one subset per face (the union of their glyphs):
/// the subsetting and deflating of fonts are done once for a whole build.
pub fn render_pdfs(docs: &[&Document]) -> Result<Vec<Vec<u8>>, PdfError> {
    use rayon::prelude::*;
    let per_doc: Vec<BTreeMap<Face, BTreeSet<char>>> = docs.par_iter().map(|d| used_chars(d)).collect();
    let mut used: BTreeMap<Face, BTreeSet<char>> = BTreeMap::new();
    for u in &per_doc {
        for (f, chars) in u {
            used.entry(*f).or_default().extend(chars);
        }
    }
    let fonts = used
        .par_iter()
        .map(|(f, chars)| {
            let (program, tag) = subset(*f, chars)?;
            let mut warnings = Vec::new();
            let parsed =
                ParsedFont::from_bytes(&program, 0, &mut warnings).ok_or(PdfError::Font(f.postscript_name()))?;
            let deflated = deflate(&program);
            Ok(EmbeddedFont { face: *f, parsed, program, deflated, name: format!("{tag}+{}", f.postscript_name()) })
        })
        .collect::<Result<Vec<_>, PdfError>>()?;
    docs.par_iter().zip(per_doc.par_iter()).map(|(d, u)| render_one(d, u, &fonts)).collect()
}

fn render_one(
    doc: &Document,
    used: &BTreeMap<Face, BTreeSet<char>>,
    fonts: &[EmbeddedFont],
) -> Result<Vec<u8>, PdfError> {
    let mut pdf = PdfDocument::new(&doc.info.title);
    let mut ids: BTreeMap<Face, (FontId, String)> = BTreeMap::new();
    let mut refs: HashMap<Face, FontRef> = HashMap::new();
    // printpdf writes the font objects (widths, ToUnicode) for the glyphs it sees drawn:
    // page 1 declares this document's characters, then every page gets its own content.
    let mut declare = Vec::new();
    for (i, ef) in fonts.iter().enumerate() {
        let Some(chars) = used.get(&ef.face) else {
            continue;
        };
        let id = FontId(format!("F{}", i + 1));
        pdf.resources.fonts.map.insert(id.clone(), printpdf::font::PdfFont::new(ef.parsed.clone()));
        declare.push(Op::StartTextSection);
        declare.push(Op::SetFont { font: PdfFontHandle::External(id.clone()), size: Pt(1.0) });
        declare.push(Op::ShowText { items: vec![TextItem::Text(chars.iter().collect())] });
        declare.push(Op::EndTextSection);
        let glyphs = chars.iter().filter_map(|c| ef.parsed.lookup_glyph_index(*c as u32).map(|g| (*c, g))).collect();
        refs.insert(ef.face, FontRef { resource: id.0.clone(), glyphs });
        ids.insert(ef.face, (id, ef.name.clone()));
    }
    for (i, page) in doc.pages.iter().enumerate() {
        let ops = if i == 0 { std::mem::take(&mut declare) } else { Vec::new() };
        pdf.pages.push(PdfPage::new(Pt(page.width).into(), Pt(page.height).into(), ops));
    }
    let opts = PdfSaveOptions { optimize: false, subset_fonts: false, secure: true, image_optimization: None };
    let mut warnings = Vec::new();
    let mut lo = pdf.to_lopdf_document(&opts, &mut warnings);
    set_contents(&mut lo, doc, &refs);
    add_images(&mut lo, doc);
    name_fonts(&mut lo, &ids);
    use_deflated_programs(&mut lo, fonts);
    set_info(&mut lo, doc);
    set_catalog(&mut lo, doc);
    lo.version = "1.7".to_string();
    compress(&mut lo);
    let mut bytes = Vec::new();
    lo.save_to(&mut bytes).map_err(|e| PdfError::Write(e.to_string()))?;
    patch_id(&mut bytes);
    Ok(bytes)
}

/// Replaces each page's content stream with the directly encoded one.
fn set_contents(lo: &mut lopdf::Document, doc: &Document, fonts: &HashMap<Face, FontRef>) {
    let pages: Vec<lopdf::ObjectId> = lo.get_pages().into_values().collect();
    for (pid, page) in pages.iter().zip(&doc.pages) {
        let contents =
            lo.get_dictionary(*pid).ok().and_then(|d| d.get(b"Contents").ok()).and_then(|c| c.as_reference().ok());
        let bytes = encode_page(page, fonts);
        match contents.and_then(|c| lo.get_object_mut(c).ok()) {
            Some(Object::Stream(s)) => {
                s.dict.remove(b"Filter");
                s.set_content(bytes);
            }
            _ => {
                let id = lo.add_object(lopdf::Stream::new(Dictionary::new(), bytes));
                if let Ok(d) = lo.get_dictionary_mut(*pid) {
                    d.set("Contents", Object::Reference(id));
                }
            }
        }
    }
}

/// Image XObjects (/Im1…) in every page's resources.
fn add_images(lo: &mut lopdf::Document, doc: &Document) {
    if doc.images.is_empty() {
        return;
    }
    let mut xobjects = Dictionary::new();
    for (i, img) in doc.images.iter().enumerate() {
        let id = image_object(lo, img);
        xobjects.set(format!("Im{}", i + 1), Object::Reference(id));
    }
    let pages: Vec<lopdf::ObjectId> = lo.get_pages().into_values().collect();
    for pid in pages {
        let res = lo.get_dictionary(pid).ok().and_then(|d| d.get(b"Resources").ok()).cloned();
        let target = match res {
            Some(Object::Reference(r)) => lo.get_dictionary_mut(r).ok(),
            _ => None,
        };
        if let Some(d) = target {
            d.set("XObject", Object::Dictionary(xobjects.clone()));
        } else if let Ok(page) = lo.get_dictionary_mut(pid) {
            let mut r = match page.get(b"Resources") {
                Ok(Object::Dictionary(d)) => d.clone(),
                _ => Dictionary::new(),
            };
            r.set("XObject", Object::Dictionary(xobjects.clone()));
            page.set("Resources", Object::Dictionary(r));
        }
    }
}

fn image_object(lo: &mut lopdf::Document, img: &crate::layout::Image) -> lopdf::ObjectId {
    use crate::layout::ImageData;
    let space = |c: u8| {
        Object::Name(match c {
            1 => b"DeviceGray".to_vec(),
            4 => b"DeviceCMYK".to_vec(),
            _ => b"DeviceRGB".to_vec(),
        })
    };
    let mut d = Dictionary::new();
    d.set("Type", Object::Name(b"XObject".to_vec()));
    d.set("Subtype", Object::Name(b"Image".to_vec()));
    d.set("Width", Object::Integer(i64::from(img.width)));
    d.set("Height", Object::Integer(i64::from(img.height)));
    d.set("BitsPerComponent", Object::Integer(8));
    match &img.data {
        ImageData::Jpeg { bytes, components } => {
            d.set("ColorSpace", space(*components));
            d.set("Filter", Object::Name(b"DCTDecode".to_vec()));
            if *components == 4 {
                // Adobe CMYK JPEGs are stored inverted.
                d.set("Decode", Object::Array([1, 0, 1, 0, 1, 0, 1, 0].iter().map(|v| Object::Integer(*v)).collect()));
            }
            lo.add_object(lopdf::Stream::new(d, bytes.clone()))
        }
        ImageData::Raw { samples, components, alpha } => {
            d.set("ColorSpace", space(*components));
            d.set("Filter", Object::Name(b"FlateDecode".to_vec()));
            if let Some(a) = alpha {
                let mut m = Dictionary::new();
                m.set("Type", Object::Name(b"XObject".to_vec()));
                m.set("Subtype", Object::Name(b"Image".to_vec()));
                m.set("Width", Object::Integer(i64::from(img.width)));
                m.set("Height", Object::Integer(i64::from(img.height)));
                m.set("BitsPerComponent", Object::Integer(8));
                m.set("ColorSpace", Object::Name(b"DeviceGray".to_vec()));
                m.set("Filter", Object::Name(b"FlateDecode".to_vec()));
                let mask = lo.add_object(lopdf::Stream::new(m, deflate(a)));
                d.set("SMask", Object::Reference(mask));
            }
            lo.add_object(lopdf::Stream::new(d, deflate(samples)))
        }
    }
}

/// Swaps each embedded font program for its already deflated form.
fn use_deflated_programs(lo: &mut lopdf::Document, fonts: &[EmbeddedFont]) {
    for obj in lo.objects.values_mut() {
        let Object::Stream(s) = obj else { continue };
        if s.dict.get(b"Filter").is_ok() {
            continue;
        }
        if let Some(ef) = fonts.iter().find(|f| f.program.len() == s.content.len() && f.program == s.content) {
            s.dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
            s.set_content(ef.deflated.clone());
        }
    }
}

/// Characters drawn by each face once fallback is applied.
fn used_chars(doc: &Document) -> BTreeMap<Face, BTreeSet<char>> {
    let mut seen: HashMap<(Face, char), ()> = HashMap::new();
    for p in &doc.pages {
        for it in &p.items {
            if let Item::Text { text, style, .. } = it {
                for c in text.chars() {
                    seen.entry((face_for(style.face, c), c)).or_insert(());
                }
            }
        }
    }
    let mut out: BTreeMap<Face, BTreeSet<char>> = BTreeMap::new();
    for (f, c) in seen.into_keys() {
        out.entry(f).or_default().insert(c);
    }
    out
}

/// A subset of `f` holding the glyphs of `chars`, and its six-letter tag (from the glyph
/// set, so the same text gives the same tag).
fn subset(f: Face, chars: &BTreeSet<char>) -> Result<(Vec<u8>, String), PdfError> {
    let lf = face(f).ok_or(PdfError::Font(f.postscript_name()))?;
    let mut gids: BTreeSet<u16> = chars.iter().filter_map(|c| lf.glyph(*c)).collect();
    gids.remove(&0);
    let ids: Vec<u16> = std::iter::once(0).chain(gids.iter().copied()).collect();
    let scope = allsorts::binary::read::ReadScope::new(f.bytes());
    let data = scope.read::<allsorts::font_data::FontData<'_>>().map_err(|_| PdfError::Font(f.postscript_name()))?;
    let provider = data.table_provider(0).map_err(|_| PdfError::Font(f.postscript_name()))?;
    let bytes = allsorts::subset::subset(
        &provider,
        &ids,
        &allsorts::subset::SubsetProfile::Pdf,
        allsorts::subset::CmapTarget::Unicode,
    )
    .map_err(|_| PdfError::Font(f.postscript_name()))?;
    let mut h = fnv(f.postscript_name().as_bytes(), 0);
    for g in &ids {
        h = fnv(&g.to_le_bytes(), h);
    }
    let tag: String = (0..6).map(|i| (b'A' + ((h >> (i * 5)) % 26) as u8) as char).collect();
    Ok((bytes, tag))
}

/// Gives each embedded font its PostScript name with the subset tag, on /BaseFont (both
/// levels) and /FontName, where printpdf wrote its resource id.
fn name_fonts(lo: &mut lopdf::Document, ids: &BTreeMap<Face, (FontId, String)>) {
    let by_id: BTreeMap<Vec<u8>, Vec<u8>> =
        ids.values().map(|(id, name)| (id.0.clone().into_bytes(), name.clone().into_bytes())).collect();
    for (_, obj) in lo.objects.iter_mut() {
        let dict = match obj {
            Object::Dictionary(d) => d,
            Object::Stream(s) => &mut s.dict,
            _ => continue,
        };
        for key in [&b"BaseFont"[..], &b"FontName"[..]] {
            if let Ok(Object::Name(n)) = dict.get(key) {
                let base = n.split(|b| *b == b'+').next_back().unwrap_or(n).to_vec();
                if let Some(name) = by_id.get(&base) {
                    dict.set(key, Object::Name(name.clone()));
                }
            }
        }
    }
}

fn text_string(s: &str) -> Object {
    let mut bytes = vec![0xFE, 0xFF];
    for u in s.encode_utf16() {
        bytes.extend_from_slice(&u.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

fn set_info(lo: &mut lopdf::Document, doc: &Document) {
    // printpdf's own Info dictionary carries its epoch dates and empty fields: replace it.
    if let Ok(old) = lo.trailer.get(b"Info").and_then(Object::as_reference) {
        lo.objects.remove(&old);
    }
    let i = &doc.info;
    let mut info = Dictionary::new();
    info.set("Title", text_string(&i.title));
    info.set("Author", text_string(&i.author));
    info.set("Subject", text_string(&i.subject));
    info.set("Keywords", text_string(&i.keywords.join(", ")));
    info.set("Creator", text_string(&i.creator));
    info.set("Producer", text_string(&format!("plandoc {}", env!("CARGO_PKG_VERSION"))));
    if let Some(d) = &i.date {
        let digits: String = d.chars().filter(char::is_ascii_digit).take(8).collect();
        if digits.len() == 8 {
            let stamp = Object::string_literal(format!("D:{digits}000000Z"));
            info.set("CreationDate", stamp.clone());
            info.set("ModDate", stamp);
        }
    }
    let id = lo.add_object(info);
    lo.trailer.set("Info", Object::Reference(id));
    lo.trailer.set(
        "ID",
        Object::Array(vec![
            Object::String(ID_PLACEHOLDER.as_bytes().to_vec(), StringFormat::Literal),
            Object::String(ID_PLACEHOLDER.as_bytes().to_vec(), StringFormat::Literal),
        ]),
    );
}

fn set_catalog(lo: &mut lopdf::Document, doc: &Document) {
    let pages: Vec<lopdf::ObjectId> = lo.get_pages().into_values().collect();
    let outline_root =
        if doc.outline.is_empty() { None } else { Some(build_outline(lo, &doc.outline, &pages, &doc.pages)) };
    let Ok(root) = lo.trailer.get(b"Root").and_then(Object::as_reference) else {
        return;
    };
    if let Ok(Object::Dictionary(cat)) = lo.get_object_mut(root) {
        cat.set("Lang", Object::string_literal(doc.info.lang.clone()));
        let mut prefs = Dictionary::new();
        prefs.set("DisplayDocTitle", Object::Boolean(true));
        cat.set("ViewerPreferences", Object::Dictionary(prefs));
        if let Some(o) = outline_root {
            cat.set("Outlines", Object::Reference(o));
            cat.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
        }
    }
}

/// Writes the nested outline; returns the /Outlines dictionary's id.
fn build_outline(
    lo: &mut lopdf::Document,
    items: &[Outline],
    pages: &[lopdf::ObjectId],
    laid: &[crate::layout::Page],
) -> lopdf::ObjectId {
    let root = lo.new_object_id();
    let (first, last, count) = outline_level(lo, items, root, pages, laid);
    let mut d = Dictionary::new();
    d.set("Type", Object::Name(b"Outlines".to_vec()));
    d.set("First", Object::Reference(first));
    d.set("Last", Object::Reference(last));
    d.set("Count", Object::Integer(count));
    lo.objects.insert(root, Object::Dictionary(d));
    root
}

fn outline_level(
    lo: &mut lopdf::Document,
    items: &[Outline],
    parent: lopdf::ObjectId,
    pages: &[lopdf::ObjectId],
    laid: &[crate::layout::Page],
) -> (lopdf::ObjectId, lopdf::ObjectId, i64) {
    let ids: Vec<lopdf::ObjectId> = items.iter().map(|_| lo.new_object_id()).collect();
    let total = items.len() as i64;
    for (i, it) in items.iter().enumerate() {
        let mut d = Dictionary::new();
        d.set("Title", text_string(&it.title));
        d.set("Parent", Object::Reference(parent));
        if i > 0 {
            d.set("Prev", Object::Reference(ids[i - 1]));
        }
        if i + 1 < ids.len() {
            d.set("Next", Object::Reference(ids[i + 1]));
        }
        let page = pages.get(it.page).or(pages.last()).copied();
        if let Some(p) = page {
            let top = laid.get(it.page).map_or(0.0, |pg| pg.height - it.y);
            d.set(
                "Dest",
                Object::Array(vec![
                    Object::Reference(p),
                    Object::Name(b"XYZ".to_vec()),
                    Object::Null,
                    Object::Real(top),
                    Object::Null,
                ]),
            );
        }
        if !it.children.is_empty() {
            let (f, l, c) = outline_level(lo, &it.children, ids[i], pages, laid);
            d.set("First", Object::Reference(f));
            d.set("Last", Object::Reference(l));
            // Negative: closed, so a long plan opens as its list of axes.
            d.set("Count", Object::Integer(-c));
        }
        lo.objects.insert(ids[i], Object::Dictionary(d));
    }
    (ids[0], ids[ids.len() - 1], total)
}

/// zlib stream (FlateDecode) by libdeflate at level 6: as small as zlib's level 6 and
/// several times faster, which matters with a content stream per page.
fn deflate(bytes: &[u8]) -> Vec<u8> {
    let mut c = libdeflater::Compressor::new(libdeflater::CompressionLvl::new(3).unwrap_or_default());
    let mut out = vec![0; c.zlib_compress_bound(bytes.len())];
    match c.zlib_compress(bytes, &mut out) {
        Ok(n) => {
            out.truncate(n);
            out
        }
        Err(_) => bytes.to_vec(),
    }
}

/// Deflates every stream not yet filtered.
fn compress(lo: &mut lopdf::Document) {
    for obj in lo.objects.values_mut() {
        let Object::Stream(s) = obj else { continue };
        if s.dict.get(b"Filter").is_ok() || s.content.len() < 64 {
            continue;
        }
        let c = deflate(&s.content);
        if c.len() + 19 < s.content.len() {
            s.dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
            s.set_content(c);
        }
    }
}

/// FNV-style hash, eight bytes at a time: for tags and /ID, not for security.
fn fnv(bytes: &[u8], seed: u64) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h ^= u64::from_le_bytes(w);
        h = h.wrapping_mul(0x0100_0000_01b3).rotate_left(29);
    }
    for b in chunks.remainder() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Replaces the /ID placeholder by a hash of the file: same content, same /ID.
fn patch_id(bytes: &mut [u8]) {
    let hex = format!("{:016x}{:016x}", fnv(bytes, 1), fnv(bytes, 2));
    // The placeholder sits in the trailer, at the end of the file.
    let ph = ID_PLACEHOLDER.as_bytes();
    let start = bytes.len().saturating_sub(4096);
    let mut i = start;
    while i + ph.len() <= bytes.len() {
        if bytes[i] == b'0' && &bytes[i..i + ph.len()] == ph {
            bytes[i..i + ph.len()].copy_from_slice(hex.as_bytes());
            i += ph.len();
        } else {
            i += 1;
        }
    }
}
