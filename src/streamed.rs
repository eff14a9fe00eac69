//! A document's PDF written while it is laid out. A short document is laid out whole,
//! then written; a long one is laid out twice: once to count its pages ("Page N / M")
//! and the glyphs its fonts hold, keeping neither, then again, each page decorated and
//! written as soon as it is complete. Layout is deterministic: both give the same bytes.

use crate::documents::{lay_out, Decorator, DocOptions, PdfKind};
use crate::layout::canvas::{Document, Page, PageSink, Tree};
use crate::model::Plan;
use crate::render::pdf::{render_pdf, GlyphSet, PdfError, Writer};

/// Pages a document may have and still be held whole: 200 pages of fiches hold ≈ 10 MB.
pub const KEPT_PAGES: usize = 200;

/// The PDF of `kind`: held whole up to `KEPT_PAGES` pages, written page by page beyond.
pub fn pdf(kind: PdfKind<'_>, plan: &Plan, opts: &DocOptions) -> Result<Vec<u8>, PdfError> {
    pdf_keeping(kind, plan, opts, KEPT_PAGES)
}

/// `pdf`, holding at most `keep` pages whole (tests compare both ways).
#[doc(hidden)]
pub fn pdf_keeping(kind: PdfKind<'_>, plan: &Plan, opts: &DocOptions, keep: usize) -> Result<Vec<u8>, PdfError> {
    let mut count = Count { keep, kept: Some(Vec::new()), pages: 0, size: (0.0, 0.0), glyphs: GlyphSet::default() };
    let mut laid = lay_out(kind, plan, opts, &mut count);
    let decorator = Decorator::new(plan, opts, &laid, count.pages);
    let nodes = laid.tree.nodes.len();
    if let Some(mut pages) = count.kept.take() {
        let mut tree = laid.tree;
        for (i, page) in pages.iter_mut().enumerate() {
            decorator.paint(page, i, &mut tree);
        }
        decorator.add_nodes(&mut tree);
        return render_pdf(&Document { pages, tree, info: laid.info, images: laid.images });
    }
    laid.tree = Tree::new();
    let mut glyphs = count.glyphs;
    // Headers and footers draw glyphs too (page numbers' digits among them).
    for i in 0..count.pages {
        let mut page = Page::new(count.size.0, count.size.1);
        decorator.paint(&mut page, i, &mut Tree::new());
        glyphs.add_page(&page);
    }
    let mut writer = Writer::new(count.pages, &laid.images, &glyphs);
    for (id, role) in decorator.nodes() {
        writer.expect_node(id, role);
    }
    let again = lay_out(kind, plan, opts, &mut Decorating { decorator: &decorator, writer: &mut writer });
    if again.tree.nodes.len() != nodes {
        return Err(PdfError::Write(format!("mise en page instable ({nodes} puis {} nœuds)", again.tree.nodes.len())));
    }
    let mut tree = again.tree;
    decorator.add_nodes(&mut tree);
    writer.finish(&tree, &again.info)
}

/// The first layout: counts pages and keeps them while there are at most `keep`; past
/// that, only the glyphs they draw.
struct Count {
    keep: usize,
    kept: Option<Vec<Page>>,
    pages: usize,
    size: (f32, f32),
    glyphs: GlyphSet,
}

impl PageSink for Count {
    fn page(&mut self, _index: usize, page: Page, _tree: &mut Tree) {
        self.pages += 1;
        self.size = (page.width, page.height);
        match self.kept.as_mut() {
            Some(kept) if kept.len() < self.keep => kept.push(page),
            Some(_) => {
                for p in self.kept.take().into_iter().flatten() {
                    self.glyphs.add_page(&p);
                }
                self.glyphs.add_page(&page);
            }
            None => self.glyphs.add_page(&page),
        }
    }
}

/// The second layout: each page decorated, then written.
struct Decorating<'d, 'w, 'i> {
    decorator: &'d Decorator<'d>,
    writer: &'w mut Writer<'i>,
}

impl PageSink for Decorating<'_, '_, '_> {
    fn page(&mut self, index: usize, mut page: Page, tree: &mut Tree) {
        self.decorator.paint(&mut page, index, tree);
        self.writer.page(index, page, tree);
    }
}
