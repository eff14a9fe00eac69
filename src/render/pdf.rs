//! Laid-out document → PDF bytes, with krilla: a tagged PDF/UA-1 and PDF/A-2a file,
//! validated as it is written (krilla refuses to write one that breaks either). The
//! structure tree and bookmarks come from the layout's roles; text is drawn from the
//! glyphs the layout shaped (no re-shaping); fonts are subset and given their ToUnicode
//! maps by krilla; XMP, Info, sRGB OutputIntent, /Lang, MarkInfo and DisplayDocTitle too.
//! Deterministic: no clock (the date comes from the document), /ID from the content.

use std::num::{NonZeroU16, NonZeroU32};
use std::sync::{Arc, OnceLock};

use krilla::color::rgb;
use krilla::configure::{Accessibility, Archival, ConfigurationBuilder};
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::image::{BitsPerComponent, CustomImage, ImageColorspace};
use krilla::metadata::{DateTime, Metadata};
use krilla::outline::{Outline as KOutline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::tagging::{
    ArtifactType, ContentTag, Identifier, ListNumbering, SpanTag, Tag as KTag, TagGroup, TagKind, TagTree,
};
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::SerializeSettings;

use crate::layout::canvas::{Artifact, Document, Item, Outline, Role, Scope, Tag, Tree};
use crate::layout::fonts::Face;
use crate::layout::{Image, ImageData, Rgb};

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("police « {0} » inutilisable")]
    Font(&'static str),
    #[error("écriture du PDF impossible : {0}")]
    Write(String),
}

pub fn render_pdf(doc: &Document) -> Result<Vec<u8>, PdfError> {
    // A logo krilla cannot embed (a JPEG that only looked sound) costs the logo, not the
    // document.
    render_one(doc, true).or_else(|e| if doc.images.is_empty() { Err(e) } else { render_one(doc, false) })
}

/// krilla's handle of each face, made once per process.
fn font(face: Face) -> Result<Font, PdfError> {
    static FONTS: [OnceLock<Option<Font>>; Face::COUNT] = [const { OnceLock::new() }; Face::COUNT];
    FONTS[face.index()]
        .get_or_init(|| Font::new(face.bytes().into(), 0))
        .clone()
        .ok_or(PdfError::Font(face.postscript_name()))
}

fn settings() -> Result<SerializeSettings, PdfError> {
    let configuration = ConfigurationBuilder::new()
        .with_archival_validator(Archival::A2_A)
        .with_accessibility_validator(Accessibility::UA1)
        .finish()
        .map_err(|e| PdfError::Write(format!("{e:?}")))?;
    Ok(SerializeSettings {
        configuration,
        compress_content_streams: true,
        enable_tagging: true,
        xmp_metadata: true,
        ascii_compatible: false,
        pretty: false,
        ..SerializeSettings::default()
    })
}

fn render_one(doc: &Document, with_images: bool) -> Result<Vec<u8>, PdfError> {
    let mut pdf = krilla::Document::new_with(settings()?);
    let images: Vec<krilla::image::Image> =
        if with_images { doc.images.iter().map(image).collect::<Result<_, _>>()? } else { Vec::new() };
    // Marked-content identifiers of each node, in drawing order.
    let mut ids: Vec<Vec<Identifier>> = vec![Vec::new(); doc.tree.nodes.len()];
    // Text of each heading: PDF/UA wants it as the heading's title.
    let mut titles: Vec<String> = vec![String::new(); doc.tree.nodes.len()];
    for page in &doc.pages {
        let ps = PageSettings::from_wh(page.width, page.height)
            .ok_or_else(|| PdfError::Write("taille de page invalide".into()))?;
        let mut p = pdf.start_page_with(ps);
        let mut s = p.surface();
        let mut open: Option<Tag> = None;
        for it in &page.items {
            let tag = it.tag();
            if open != Some(tag) {
                if open.is_some() {
                    s.end_tagged();
                }
                let id = s.start_tagged(content_tag(tag));
                if let Tag::Node(n) = tag {
                    if let Some(v) = ids.get_mut(n) {
                        v.push(id);
                    }
                }
                open = Some(tag);
            }
            if let (Tag::Node(n), Item::Text { runs, .. }) = (tag, it) {
                if matches!(doc.tree.role(n), Role::H(_)) {
                    let t = &mut titles[n];
                    for r in runs.iter() {
                        if !t.is_empty() && !t.ends_with(' ') && r.text.starts_with(|c: char| !c.is_whitespace()) {
                            t.push(' ');
                        }
                        t.push_str(&r.text);
                    }
                }
            }
            draw(&mut s, it, &images)?;
        }
        if open.is_some() {
            s.end_tagged();
        }
        s.finish();
        p.finish();
    }
    let mut tags = TagTree::new().with_lang(Some(doc.info.lang.clone()));
    for &k in &doc.tree.nodes[Tree::ROOT].kids {
        if let Some(g) = group(&doc.tree, k, &mut ids, &titles) {
            tags.push(g);
        }
    }
    pdf.set_tag_tree(tags);
    let outline = doc.outline();
    if !outline.is_empty() {
        let mut o = KOutline::new();
        for item in &outline {
            o.push_child(outline_node(item, true));
        }
        pdf.set_outline(o);
    }
    pdf.set_metadata(metadata(doc));
    pdf.finish().map_err(|e| PdfError::Write(format!("{e:?}")))
}

fn content_tag(tag: Tag) -> ContentTag<'static> {
    match tag {
        Tag::Node(_) => ContentTag::Span(SpanTag::empty()),
        Tag::Artifact(a) => ContentTag::Artifact(krilla::tagging::Artifact::with_kind(match a {
            Artifact::Header => ArtifactType::Header,
            Artifact::Footer => ArtifactType::Footer,
            Artifact::PageNumber => ArtifactType::PageNumber,
            Artifact::Layout => ArtifactType::Layout,
            Artifact::Pagination => ArtifactType::PaginationOther,
        })),
    }
}

/// The tag group of a node: its content first, then its children.
fn group(tree: &Tree, n: usize, ids: &mut [Vec<Identifier>], titles: &[String]) -> Option<TagGroup> {
    let node = &tree.nodes[n];
    let span = |v: u32| NonZeroU32::new(v).filter(|s| s.get() > 1);
    let kind: TagKind = match node.role {
        Role::Document | Role::Sect => KTag::Section.into(),
        Role::H(l) => {
            let level = NonZeroU16::new(u16::from(l.clamp(1, 6))).unwrap_or(NonZeroU16::MIN);
            // The title repeats the heading's text: its start is enough to name it.
            let title = crate::text::truncate_chars(&titles[n].replace(['\u{a0}', '\u{202f}'], " "), 80);
            KTag::Hn(level, Some(title)).into()
        }
        Role::P => KTag::P.into(),
        Role::L => KTag::L(ListNumbering::Disc).into(),
        Role::LI => KTag::LI.into(),
        Role::Lbl => KTag::Lbl.into(),
        Role::LBody => KTag::LBody.into(),
        Role::Table => KTag::Table.into(),
        Role::THead => KTag::THead.into(),
        Role::TBody => KTag::TBody.into(),
        Role::TR => KTag::TR.into(),
        Role::TH(scope) => KTag::TH(match scope {
            Scope::Column => krilla::tagging::TableHeaderScope::Column,
            Scope::Row => krilla::tagging::TableHeaderScope::Row,
        })
        .with_col_span(span(node.colspan))
        .with_row_span(span(node.rowspan))
        .into(),
        Role::TD => KTag::TD.with_col_span(span(node.colspan)).with_row_span(span(node.rowspan)).into(),
        Role::Figure => KTag::Figure(node.alt.clone()).into(),
    };
    let mut g = TagGroup::new(kind);
    for id in std::mem::take(&mut ids[n]) {
        g.push(id);
    }
    for &k in &node.kids {
        if let Some(c) = group(tree, k, ids, titles) {
            g.push(c);
        }
    }
    (!g.children.is_empty()).then_some(g)
}

fn outline_node(item: &Outline, top: bool) -> OutlineNode {
    let mut node = OutlineNode::new(item.title.clone(), XyzDestination::new(item.page, Point::from_xy(0.0, item.y)));
    for c in &item.children {
        node.push_child(outline_node(c, false));
    }
    // A long plan opens as its list of axes.
    node.with_open(!top || item.children.is_empty())
}

fn metadata(doc: &Document) -> Metadata {
    let i = &doc.info;
    let mut m = Metadata::new()
        .title(i.title.clone())
        .description(i.subject.clone())
        .keywords(i.keywords.clone())
        .creator(i.creator.clone())
        .producer(format!("plandoc {} (krilla)", env!("CARGO_PKG_VERSION")))
        .language(i.lang.clone());
    if !i.author.is_empty() {
        m = m.authors(vec![i.author.clone()]);
    }
    // PDF/A requires a date; a document without one gets a fixed one, never the clock.
    let date = i.date.as_deref().and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    if let Some(d) = date.or(chrono::NaiveDate::from_ymd_opt(2000, 1, 1)) {
        use chrono::Datelike;
        let year = u16::try_from(d.year()).unwrap_or(2000);
        m = m.creation_date(
            DateTime::new(year)
                .month(d.month() as u8)
                .day(d.day() as u8)
                .hour(0)
                .minute(0)
                .second(0)
                .utc_offset_hour(0)
                .utc_offset_minute(0),
        );
    }
    m
}

fn paint(c: Rgb) -> krilla::paint::Paint {
    rgb::Color::new(c.0, c.1, c.2).into()
}

fn draw(s: &mut Surface<'_>, it: &Item, images: &[krilla::image::Image]) -> Result<(), PdfError> {
    match it {
        Item::Text { x, y, runs, style, .. } => {
            s.set_fill(Some(Fill { paint: paint(style.color), ..Fill::default() }));
            s.set_stroke(None);
            let mut cx = *x;
            for r in runs.iter() {
                let f = font(r.face)?;
                let glyphs: Vec<KrillaGlyph> = r
                    .glyphs
                    .iter()
                    .map(|g| {
                        KrillaGlyph::new(
                            GlyphId::new(u32::from(g.id)),
                            g.advance,
                            g.dx,
                            g.dy,
                            0.0,
                            g.start as usize..g.end as usize,
                            None,
                        )
                    })
                    .collect();
                s.draw_glyphs(Point::from_xy(cx, *y), &glyphs, f, &r.text, style.size, false);
                cx += r.width * style.size;
            }
        }
        Item::Rect { x, y, w, h, fill, stroke, .. } => {
            let Some(rect) = Rect::from_xywh(*x, *y, w.max(0.01), h.max(0.01)) else {
                return Ok(());
            };
            let mut pb = PathBuilder::new();
            pb.push_rect(rect);
            let Some(path) = pb.finish() else { return Ok(()) };
            s.set_fill(fill.map(|c| Fill { paint: paint(c), ..Fill::default() }));
            s.set_stroke(stroke.map(|(c, w)| Stroke { paint: paint(c), width: w, ..Stroke::default() }));
            s.draw_path(&path);
        }
        Item::Line { x1, y1, x2, y2, color, width, .. } => {
            let mut pb = PathBuilder::new();
            pb.move_to(*x1, *y1);
            pb.line_to(*x2, *y2);
            let Some(path) = pb.finish() else { return Ok(()) };
            s.set_fill(None);
            s.set_stroke(Some(Stroke { paint: paint(*color), width: *width, ..Stroke::default() }));
            s.draw_path(&path);
        }
        Item::Image { x, y, w, h, image, .. } => {
            if let (Some(img), Some(size)) = (images.get(*image), Size::from_wh(*w, *h)) {
                s.push_transform(&Transform::from_translate(*x, *y));
                s.draw_image(img.clone(), size);
                s.pop();
            }
        }
    }
    Ok(())
}

/// Decoded samples handed to krilla as they are.
#[derive(Clone, Hash)]
struct Raster {
    samples: Arc<Vec<u8>>,
    alpha: Option<Arc<Vec<u8>>>,
    size: (u32, u32),
    grey: bool,
}

impl CustomImage for Raster {
    fn color_channel(&self) -> &[u8] {
        &self.samples
    }

    fn alpha_channel(&self) -> Option<&[u8]> {
        self.alpha.as_deref().map(Vec::as_slice)
    }

    fn bits_per_component(&self) -> BitsPerComponent {
        BitsPerComponent::Eight
    }

    fn size(&self) -> (u32, u32) {
        self.size
    }

    fn icc_profile(&self) -> Option<&[u8]> {
        None
    }

    fn color_space(&self) -> ImageColorspace {
        if self.grey {
            ImageColorspace::Luma
        } else {
            ImageColorspace::Rgb
        }
    }
}

fn image(img: &Image) -> Result<krilla::image::Image, PdfError> {
    let r = match &img.data {
        // JPEG is embedded untouched (DCTDecode).
        ImageData::Jpeg { bytes, .. } => krilla::image::Image::from_jpeg(bytes.clone().into(), false),
        ImageData::Raw { samples, components, alpha } => krilla::image::Image::from_custom(
            Raster {
                samples: Arc::new(samples.clone()),
                alpha: alpha.clone().map(Arc::new),
                size: (img.width, img.height),
                grey: *components == 1,
            },
            false,
        ),
    };
    r.map_err(|e| PdfError::Write(format!("logo : {e}")))
}
