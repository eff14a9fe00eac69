//! Laid-out document → PDF bytes: a tagged PDF/UA-1 and PDF/A-2a file written by
//! plandoc itself on pdf-writer (objects), subsetter (fonts) and xmp-writer (metadata).
//! The structure tree and bookmarks come from the layout's roles; text is drawn from the
//! glyphs the layout shaped. One concern per file: `content` (page streams and their
//! marked content), `fonts` (subsets, widths, ToUnicode), `structure` (structure tree,
//! parent tree, outline), `metadata` (XMP, Info, OutputIntent), `images` (the logo),
//! `stream_cache` (font streams compressed once per process).
//! Deterministic: no clock (the date comes from the document), /ID from the content.

mod content;
mod deflate;
mod fonts;
mod images;
mod metadata;
mod operators;
mod stream_cache;
mod structure;

use pdf_writer::types::TabOrder;
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref, TextStr};

pub use fonts::GlyphSet;

use crate::layout::canvas::{DocInfo, Document, Page, PageSink, Tree};

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("police « {0} » inutilisable")]
    Font(&'static str),
    #[error("écriture du PDF impossible : {0}")]
    Write(String),
}

/// The PDF of a document laid out whole.
pub fn render_pdf(doc: &Document) -> Result<Vec<u8>, PdfError> {
    let mut glyphs = GlyphSet::default();
    doc.pages.iter().for_each(|p| glyphs.add_page(p));
    let mut w = Writer::new(doc.pages.len(), &doc.images, &glyphs);
    for page in &doc.pages {
        w.write_page(page, &doc.tree)?;
    }
    w.finish(&doc.tree, &doc.info)
}

/// Objects and content streams written without indentation: smaller, as fast.
pub(crate) const COMPACT: pdf_writer::Settings = pdf_writer::Settings { pretty: false };

/// Object numbers, handed out in order.
pub(crate) struct Refs(i32);

impl Refs {
    pub(crate) fn next(&mut self) -> Ref {
        self.0 += 1;
        Ref::new(self.0)
    }
}

/// A PDF written page by page: each page's content stream is compressed into the file
/// as soon as the page is handed over, so a document of any length is never held whole
/// as laid-out pages; what the end needs (marked content, glyphs used, page heights) is
/// kept. The number of pages and the size of each font's subset must be known first.
pub struct Writer<'a> {
    pdf: Pdf,
    refs: Refs,
    catalog: Ref,
    page_tree: Ref,
    resources: Ref,
    page_refs: Vec<Ref>,
    heights: Vec<f32>,
    glyphs: fonts::Glyphs,
    images: Vec<images::Prepared<'a>>,
    marks: structure::Marks,
    /// The first error met by `PageSink::page`, returned by `finish`.
    failed: Option<PdfError>,
}

impl<'a> Writer<'a> {
    /// A writer for `pages` pages showing `glyphs` (every glyph of every page, header
    /// and footer included) and drawing `images` (a logo that cannot be embedded costs
    /// the logo, not the document).
    pub fn new(pages: usize, images: &'a [crate::layout::Image], glyphs: &GlyphSet) -> Self {
        let mut refs = Refs(0);
        let (catalog, page_tree, resources) = (refs.next(), refs.next(), refs.next());
        let mut pdf = Pdf::with_settings_and_capacity(COMPACT, 64 * 1024);
        pdf.set_version(1, 7);
        let images = images::check(images).unwrap_or_default();
        let page_refs: Vec<Ref> = (0..pages).map(|_| refs.next()).collect();
        Writer {
            pdf,
            refs,
            catalog,
            page_tree,
            resources,
            page_refs,
            heights: Vec::with_capacity(pages),
            glyphs: fonts::Glyphs::new(glyphs),
            images,
            marks: structure::Marks::default(),
            failed: None,
        }
    }

    /// Node `id` will join the tree, with `role`, only after the page drawing it.
    pub fn expect_node(&mut self, id: usize, role: crate::layout::Role) {
        self.marks.expect(id, role);
    }

    /// Writes the next page: its content stream, then its page object.
    pub fn write_page(&mut self, page: &Page, tree: &Tree) -> Result<(), PdfError> {
        let i = self.heights.len();
        let Some(&page_ref) = self.page_refs.get(i) else {
            return Err(PdfError::Write(format!(
                "page {} de trop (document de {} pages)",
                i + 1,
                self.page_refs.len()
            )));
        };
        self.heights.push(page.height);
        let ink = content::Ink { glyphs: &mut self.glyphs, images: &self.images, marks: &mut self.marks, tree };
        let stream = content::page(page, i, ink)?;
        let packed = deflate::with(|z| z.deflate(&stream));
        let contents = self.refs.next();
        self.pdf.stream(contents, &packed).filter(Filter::FlateDecode);
        let mut p = self.pdf.page(page_ref);
        p.media_box(Rect::new(0.0, 0.0, page.width, page.height))
            .parent(self.page_tree)
            .contents(contents)
            .struct_parents(i as i32)
            .tab_order(TabOrder::StructureOrder);
        p.pair(Name(b"Resources"), self.resources);
        Ok(())
    }

    /// Fonts, images, page tree, structure tree, bookmarks, metadata and catalog, once
    /// every page is written; `tree` is the document's whole structure.
    pub fn finish(mut self, tree: &Tree, info: &DocInfo) -> Result<Vec<u8>, PdfError> {
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        if self.heights.len() != self.page_refs.len() {
            let (made, said) = (self.heights.len(), self.page_refs.len());
            return Err(PdfError::Write(format!("{made} pages écrites sur {said} annoncées")));
        }
        let Writer {
            mut pdf, mut refs, catalog, page_tree, resources, page_refs, heights, glyphs, images, marks, ..
        } = self;
        deflate::with(|z| -> Result<(), PdfError> {
            let font_refs = glyphs.write(&mut pdf, &mut refs, z)?;
            let image_refs = images::write(&images, &mut pdf, &mut refs, z);
            write_resources(&mut pdf, resources, &font_refs, &image_refs);
            Ok(())
        })?;
        pdf.pages(page_tree).kids(page_refs.iter().copied()).count(page_refs.len() as i32);
        let pages = structure::Pages { refs: &page_refs, heights: &heights };
        let tree_ref = structure::write_tree(tree, &marks, &pages, &mut pdf, &mut refs);
        let outline = structure::write_outline(tree, &pages, &mut pdf, &mut refs);
        let meta = metadata::write(info, &mut pdf, &mut refs);
        let mut cat = pdf.catalog(catalog);
        cat.pages(page_tree).metadata(meta.xmp).lang(TextStr(&info.lang)).struct_tree_root_ref(tree_ref);
        cat.pair(Name(b"OutputIntents"), meta.output_intents);
        cat.mark_info().marked(true);
        cat.viewer_preferences().display_doc_title(true);
        if let Some(o) = outline {
            cat.outlines(o);
            cat.page_mode(pdf_writer::types::PageMode::UseOutlines);
        }
        cat.finish();
        pdf.set_file_id((meta.id.clone(), meta.id));
        Ok(pdf.finish())
    }
}

/// Pages handed by a flow are written at once; the first error is kept for `finish`.
impl PageSink for Writer<'_> {
    fn page(&mut self, _index: usize, page: Page, tree: &mut Tree) {
        if self.failed.is_none() {
            if let Err(e) = self.write_page(&page, tree) {
                self.failed = Some(e);
            }
        }
    }
}

/// The resources every page shares: fonts and images by name.
fn write_resources(pdf: &mut Pdf, resources: Ref, font_refs: &[(String, Ref)], image_refs: &[Ref]) {
    let mut res = pdf.indirect(resources).start::<pdf_writer::writers::Resources>();
    let mut f = res.fonts();
    for (name, r) in font_refs {
        f.pair(Name(name.as_bytes()), *r);
    }
    f.finish();
    let mut x = res.x_objects();
    for (i, r) in image_refs.iter().enumerate() {
        x.pair(Name(images::name(i).as_bytes()), *r);
    }
    x.finish();
    res.finish();
}

/// The catalog's /StructTreeRoot as a reference (pdf-writer writes it inline otherwise).
trait StructRootRef {
    fn struct_tree_root_ref(&mut self, r: Ref) -> &mut Self;
}

impl StructRootRef for pdf_writer::writers::Catalog<'_> {
    fn struct_tree_root_ref(&mut self, r: Ref) -> &mut Self {
        self.pair(Name(b"StructTreeRoot"), r);
        self
    }
}
