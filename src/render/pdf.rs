//! Laid-out document → PDF bytes: printpdf builds pages and fonts; lopdf then makes the
//! file what @ctes and readers expect — fonts subset and tagged, nested bookmarks,
//! /Lang, document information — and deterministic (no counter-made names, a content
//! hash for /ID, no clock).

use std::collections::{BTreeMap, BTreeSet};

use lopdf::{Dictionary, Object, StringFormat};
use printpdf::{
    Color, FontId, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions,
    Pt, Rect, TextItem, TextMatrix,
};

use crate::layout::canvas::{Document, Item, Outline};
use crate::layout::fonts::{face, runs, Face};
use crate::layout::Rgb;

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("police « {0} » inutilisable")]
    Font(&'static str),
    #[error("écriture du PDF impossible : {0}")]
    Write(String),
}

/// Placeholder for /ID, replaced by the content hash once the file is written.
const ID_PLACEHOLDER: &str = "00000000000000000000000000000000";

pub fn render_pdf(doc: &Document) -> Result<Vec<u8>, PdfError> {
    let used = used_chars(doc);
    let mut pdf = PdfDocument::new(&doc.info.title);
    let mut ids: BTreeMap<Face, (FontId, String)> = BTreeMap::new();
    for (i, (f, chars)) in used.iter().enumerate() {
        let (bytes, tag) = subset(*f, chars)?;
        let mut warnings = Vec::new();
        let parsed = ParsedFont::from_bytes(&bytes, 0, &mut warnings)
            .ok_or(PdfError::Font(f.postscript_name()))?;
        let id = FontId(format!("F{}", i + 1));
        pdf.resources
            .fonts
            .map
            .insert(id.clone(), printpdf::font::PdfFont::new(parsed));
        ids.insert(*f, (id, format!("{tag}+{}", f.postscript_name())));
    }
    for page in &doc.pages {
        let ops = page_ops(page, &ids);
        pdf.pages.push(PdfPage::new(
            Pt(page.width).into(),
            Pt(page.height).into(),
            ops,
        ));
    }
    let opts = PdfSaveOptions {
        optimize: false,
        subset_fonts: false,
        secure: true,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    let mut lo = pdf.to_lopdf_document(&opts, &mut warnings);
    name_fonts(&mut lo, &ids);
    set_info(&mut lo, doc);
    set_catalog(&mut lo, doc);
    lo.version = "1.7".to_string();
    lo.compress();
    let mut bytes = Vec::new();
    lo.save_to(&mut bytes)
        .map_err(|e| PdfError::Write(e.to_string()))?;
    patch_id(&mut bytes);
    Ok(bytes)
}

/// Characters drawn by each face once fallback is applied.
fn used_chars(doc: &Document) -> BTreeMap<Face, BTreeSet<char>> {
    let mut out: BTreeMap<Face, BTreeSet<char>> = BTreeMap::new();
    for p in &doc.pages {
        for it in &p.items {
            if let Item::Text { text, style, .. } = it {
                for (f, s) in runs(text, style.face) {
                    out.entry(f).or_default().extend(s.chars());
                }
            }
        }
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
    let data = scope
        .read::<allsorts::font_data::FontData<'_>>()
        .map_err(|_| PdfError::Font(f.postscript_name()))?;
    let provider = data
        .table_provider(0)
        .map_err(|_| PdfError::Font(f.postscript_name()))?;
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
    let tag: String = (0..6)
        .map(|i| (b'A' + ((h >> (i * 5)) % 26) as u8) as char)
        .collect();
    Ok((bytes, tag))
}

fn color(c: Rgb) -> Color {
    Color::Rgb(printpdf::Rgb {
        r: f32::from(c.0) / 255.0,
        g: f32::from(c.1) / 255.0,
        b: f32::from(c.2) / 255.0,
        icc_profile: None,
    })
}

fn page_ops(page: &crate::layout::Page, ids: &BTreeMap<Face, (FontId, String)>) -> Vec<Op> {
    let h = page.height;
    let mut ops = Vec::new();
    for it in &page.items {
        match it {
            Item::Rect {
                x,
                y,
                w,
                h: rh,
                fill,
                stroke,
            } => {
                let rect = |mode| Rect {
                    x: Pt(*x),
                    y: Pt(h - y - rh),
                    width: Pt(*w),
                    height: Pt(*rh),
                    mode: Some(mode),
                    winding_order: None,
                };
                if let Some(f) = fill {
                    ops.push(Op::SetFillColor { col: color(*f) });
                    ops.push(Op::DrawRectangle {
                        rectangle: rect(PaintMode::Fill),
                    });
                }
                if let Some((c, wd)) = stroke {
                    ops.push(Op::SetOutlineColor { col: color(*c) });
                    ops.push(Op::SetOutlineThickness { pt: Pt(*wd) });
                    ops.push(Op::DrawRectangle {
                        rectangle: rect(PaintMode::Stroke),
                    });
                }
            }
            Item::Line {
                x1,
                y1,
                x2,
                y2,
                color: c,
                width,
            } => {
                ops.push(Op::SetOutlineColor { col: color(*c) });
                ops.push(Op::SetOutlineThickness { pt: Pt(*width) });
                let p = |x: f32, y: f32| printpdf::LinePoint {
                    p: printpdf::Point {
                        x: Pt(x),
                        y: Pt(h - y),
                    },
                    bezier: false,
                };
                ops.push(Op::DrawLine {
                    line: printpdf::Line {
                        points: vec![p(*x1, *y1), p(*x2, *y2)],
                        is_closed: false,
                    },
                });
            }
            Item::Text { x, y, text, style } => {
                let mut cx = *x;
                ops.push(Op::StartTextSection);
                ops.push(Op::SetFillColor {
                    col: color(style.color),
                });
                for (f, s) in runs(text, style.face) {
                    let Some((id, _)) = ids.get(&f) else { continue };
                    ops.push(Op::SetFont {
                        font: PdfFontHandle::External(id.clone()),
                        size: Pt(style.size),
                    });
                    ops.push(Op::SetTextMatrix {
                        matrix: TextMatrix::Translate(Pt(cx), Pt(h - y)),
                    });
                    cx += crate::layout::measure(&s, f, style.size);
                    ops.push(Op::ShowText {
                        items: vec![TextItem::Text(s)],
                    });
                }
                ops.push(Op::EndTextSection);
            }
        }
    }
    ops
}

/// Gives each embedded font its PostScript name with the subset tag, on /BaseFont (both
/// levels) and /FontName, where printpdf wrote its resource id.
fn name_fonts(lo: &mut lopdf::Document, ids: &BTreeMap<Face, (FontId, String)>) {
    let by_id: BTreeMap<Vec<u8>, Vec<u8>> = ids
        .values()
        .map(|(id, name)| (id.0.clone().into_bytes(), name.clone().into_bytes()))
        .collect();
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
    info.set(
        "Producer",
        text_string(&format!("plandoc {}", env!("CARGO_PKG_VERSION"))),
    );
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
    let outline_root = if doc.outline.is_empty() {
        None
    } else {
        Some(build_outline(lo, &doc.outline, &pages, &doc.pages))
    };
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

fn fnv(bytes: &[u8], seed: u64) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Replaces the /ID placeholder by a hash of the file: same content, same /ID.
fn patch_id(bytes: &mut [u8]) {
    let hex = format!("{:016x}{:016x}", fnv(bytes, 1), fnv(bytes, 2));
    let ph = ID_PLACEHOLDER.as_bytes();
    let mut i = 0;
    while i + ph.len() <= bytes.len() {
        if &bytes[i..i + ph.len()] == ph {
            bytes[i..i + ph.len()].copy_from_slice(hex.as_bytes());
            i += ph.len();
        } else {
            i += 1;
        }
    }
}
