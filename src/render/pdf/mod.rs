//! Laid-out document → PDF bytes: a tagged PDF/UA-1 and PDF/A-2a file written by
//! plandoc itself on pdf-writer (objects), subsetter (fonts) and xmp-writer (metadata).
//! The structure tree and bookmarks come from the layout's roles; text is drawn from the
//! glyphs the layout shaped. One concern per file: `content` (page streams and their
//! marked content), `fonts` (subsets, widths, ToUnicode), `structure` (structure tree,
//! parent tree, outline), `metadata` (XMP, Info, OutputIntent), `images` (the logo).
//! Deterministic: no clock (the date comes from the document), /ID from the content.

mod content;
mod deflate;
mod fonts;
mod images;
mod metadata;
mod structure;

use pdf_writer::types::TabOrder;
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref, TextStr};

use crate::layout::canvas::Document;

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("police « {0} » inutilisable")]
    Font(&'static str),
    #[error("écriture du PDF impossible : {0}")]
    Write(String),
}

pub fn render_pdf(doc: &Document) -> Result<Vec<u8>, PdfError> {
    // A logo that cannot be embedded costs the logo, not the document.
    render_one(doc, true).or_else(|e| if doc.images.is_empty() { Err(e) } else { render_one(doc, false) })
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

fn render_one(doc: &Document, with_images: bool) -> Result<Vec<u8>, PdfError> {
    let mut refs = Refs(0);
    let (catalog, page_tree, resources) = (refs.next(), refs.next(), refs.next());
    let mut pdf = Pdf::with_settings_and_capacity(COMPACT, 64 * 1024);
    pdf.set_version(1, 7);
    let images = if with_images { images::check(&doc.images)? } else { Vec::new() };
    let glyphs = fonts::Glyphs::collect(doc)?;
    let page_refs: Vec<Ref> = doc.pages.iter().map(|_| refs.next()).collect();
    let mut marks = structure::Marks::new(doc);
    deflate::with(|z| -> Result<(), PdfError> {
        for (i, page) in doc.pages.iter().enumerate() {
            let stream = content::page(doc, i, &glyphs, &images, &mut marks);
            let packed = z.deflate(&stream);
            let contents = refs.next();
            pdf.stream(contents, &packed).filter(Filter::FlateDecode);
            let mut p = pdf.page(page_refs[i]);
            p.media_box(Rect::new(0.0, 0.0, page.width, page.height))
                .parent(page_tree)
                .contents(contents)
                .struct_parents(i as i32)
                .tab_order(TabOrder::StructureOrder);
            p.pair(Name(b"Resources"), resources);
        }
        let font_refs = glyphs.write(&mut pdf, &mut refs, z)?;
        let image_refs = images::write(&images, &mut pdf, &mut refs, z);
        let mut res = pdf.indirect(resources).start::<pdf_writer::writers::Resources>();
        let mut f = res.fonts();
        for (name, r) in &font_refs {
            f.pair(Name(name.as_bytes()), *r);
        }
        f.finish();
        let mut x = res.x_objects();
        for (i, r) in image_refs.iter().enumerate() {
            x.pair(Name(images::name(i).as_bytes()), *r);
        }
        x.finish();
        res.finish();
        Ok(())
    })?;
    pdf.pages(page_tree).kids(page_refs.iter().copied()).count(page_refs.len() as i32);
    let tree = structure::write_tree(doc, &marks, &page_refs, &mut pdf, &mut refs);
    let outline = structure::write_outline(doc, &page_refs, &mut pdf, &mut refs);
    let meta = metadata::write(doc, &mut pdf, &mut refs);
    let mut cat = pdf.catalog(catalog);
    cat.pages(page_tree).metadata(meta.xmp).lang(TextStr(&doc.info.lang)).struct_tree_root_ref(tree);
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
