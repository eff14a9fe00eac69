//! Pagination: blocks stacked down pages with margins; paragraphs and tables split
//! between pages, table headers and the current group bands repeated, headings and bands
//! kept with what follows, merged cells reopened, and a continuation header put at the
//! top of every page a unit runs onto. As it places
//! blocks, the flow builds the structure tree: each block gets its node (paragraph,
//! heading, list item, table cell, figure); what pagination repeats is an artifact.

use std::rc::Rc;

use super::canvas::{Artifact, Canvas, Page, PageSink, Role, Tag, Tree};
use super::paragraph::Paragraph;
use super::table::{measure_row, measure_rows, Row, Table};

mod tables;

/// Group bands in effect while a table is placed: (level, the row to repeat).
pub(super) type Bands<'a> = Vec<(usize, &'a Row)>;

/// Page size and margins, in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageSetup {
    pub width: f32,
    pub height: f32,
    pub top: f32,
    pub bottom: f32,
    pub left: f32,
    pub right: f32,
}

impl PageSetup {
    pub fn content_width(&self) -> f32 {
        self.width - self.left - self.right
    }

    pub fn content_height(&self) -> f32 {
        self.height - self.top - self.bottom
    }
}

/// A fixed-height drawing on a canvas: x, y (top) and width. Its text belongs to the
/// block's node (or is an artifact when the block has no role).
pub type Draw = Rc<dyn Fn(&mut Canvas<'_>, f32, f32, f32)>;

#[derive(Clone)]
pub enum Block {
    Para(Paragraph),
    Table(Table),
    Space(f32),
    Fixed {
        height: f32,
        draw: Draw,
        /// None: decoration only (an artifact).
        role: Option<Role>,
        /// Alternative text (figures).
        alt: Option<String>,
    },
    PageBreak,
    /// Opens a group (a section with a bookmark): the blocks up to `EndGroup` nest in it.
    Group(Role, Option<String>),
    EndGroup,
    /// This block stays on the page where the next one starts.
    KeepWithNext(Box<Block>),
    /// From here on, these blocks open every page the flow runs onto (none: stop).
    Continuation(Vec<Block>),
}

impl Block {
    /// A drawing whose text (if any) is of node `role`.
    pub fn fixed(height: f32, role: Option<Role>, draw: Draw) -> Block {
        Block::Fixed { height, draw, role, alt: None }
    }

    /// A figure: drawn, and said by its alternative text.
    pub fn figure(height: f32, alt: String, draw: Draw) -> Block {
        Block::Fixed { height, draw, role: Some(Role::Figure), alt: Some(alt) }
    }
}

pub struct Flow<'s> {
    pub setup: PageSetup,
    /// Pages not yet handed to the sink: all of them without one, else the current page.
    pages: Vec<Page>,
    /// Pages handed to the sink so far.
    done: usize,
    sink: Option<&'s mut dyn PageSink>,
    y: f32,
    /// Nothing but the continuation header has been placed on the current page.
    fresh: bool,
    continuation: Vec<Block>,
    tree: Tree,
    /// Node new blocks go in (the document, or an open group).
    parent: Vec<usize>,
    open_list: Option<usize>,
    last_heading: Option<usize>,
    /// Placing a continuation header: everything is a pagination artifact.
    repeating: bool,
}

impl Flow<'static> {
    /// A flow that keeps its pages (`finish` returns them).
    pub fn new(setup: PageSetup) -> Self {
        Flow::with_sink(setup, None)
    }
}

impl<'s> Flow<'s> {
    /// A flow that hands each page to `sink` as soon as it is complete.
    pub fn streaming(setup: PageSetup, sink: &'s mut dyn PageSink) -> Self {
        Flow::with_sink(setup, Some(sink))
    }

    fn with_sink(setup: PageSetup, sink: Option<&'s mut dyn PageSink>) -> Self {
        Flow {
            setup,
            pages: Vec::new(),
            done: 0,
            sink,
            y: setup.top,
            fresh: true,
            continuation: Vec::new(),
            tree: Tree::new(),
            parent: vec![Tree::ROOT],
            open_list: None,
            last_heading: None,
            repeating: false,
        }
    }

    fn parent(&self) -> usize {
        self.parent.last().copied().unwrap_or(Tree::ROOT)
    }

    /// A new node under the current group, unless repeating (then: an artifact).
    fn node(&mut self, role: Role) -> Tag {
        if self.repeating {
            return Tag::Artifact(Artifact::Pagination);
        }
        let id = self.tree.add(self.parent(), role);
        if matches!(role, Role::H(_)) {
            self.last_heading = Some(id);
        }
        Tag::Node(id)
    }

    fn canvas(&mut self, tag: Tag) -> Option<Canvas<'_>> {
        let idx = self.done + self.pages.len().checked_sub(1)?;
        let page = self.pages.last_mut()?;
        Some(Canvas::new(page, idx, &mut self.tree, tag))
    }

    fn set_bookmark(&mut self, tag: Tag, title: &Option<String>) {
        if let (Tag::Node(id), Some(t)) = (tag, title) {
            self.tree.nodes[id].bookmark = Some(t.clone());
        }
    }

    /// Blocks put at the top of each page the current unit continues onto.
    pub fn set_continuation(&mut self, blocks: Vec<Block>) {
        self.continuation = blocks;
    }

    fn bottom(&self) -> f32 {
        self.setup.height - self.setup.bottom
    }

    fn remaining(&self) -> f32 {
        self.bottom() - self.y
    }

    fn ensure_page(&mut self) {
        if self.pages.is_empty() {
            self.pages.push(Page::new(self.setup.width, self.setup.height));
            self.y = self.setup.top;
            self.fresh = true;
        }
    }

    fn new_page(&mut self, continued: bool) {
        self.hand_over();
        self.pages.push(Page::new(self.setup.width, self.setup.height));
        self.y = self.setup.top;
        self.fresh = true;
        if continued && !self.continuation.is_empty() {
            let (was, list) = (self.repeating, self.open_list);
            self.repeating = true;
            for b in self.continuation.clone() {
                self.place(b);
            }
            self.repeating = was;
            self.open_list = list;
            self.fresh = true;
        }
    }

    /// Starts a new page unless the current one is still empty.
    pub fn page_break(&mut self) {
        self.ensure_page();
        if !self.fresh {
            self.new_page(false);
        }
    }

    pub fn add(&mut self, mut blocks: Vec<Block>) {
        for i in 0..blocks.len() {
            // Only the blocks after `i` are looked at again: move it out, not a copy.
            let block = std::mem::replace(&mut blocks[i], Block::Space(0.0));
            if let Block::KeepWithNext(b) = block {
                self.ensure_page();
                let next = blocks[i + 1..].iter().find(|n| !matches!(n, Block::Continuation(_)));
                let need = self.height_of(&b) + next.map_or(0.0, |n| self.first_height(n));
                if need > self.remaining() && !self.fresh {
                    self.new_page(true);
                }
                self.place(*b);
            } else {
                self.place(block);
            }
        }
    }

    fn width(&self) -> f32 {
        self.setup.content_width()
    }

    /// The height `blocks` take, placed one after the other.
    pub fn measure(&self, blocks: &[Block]) -> f32 {
        blocks.iter().map(|b| self.height_of(b)).sum()
    }

    /// Space left on the current page (a whole page when none is started).
    pub fn room(&self) -> f32 {
        if self.pages.is_empty() {
            self.setup.content_height()
        } else {
            self.remaining()
        }
    }

    fn height_of(&self, b: &Block) -> f32 {
        match b {
            Block::Para(p) => p.height(self.width()),
            Block::Fixed { height, .. } => *height,
            Block::Space(h) => *h,
            Block::KeepWithNext(b) => self.height_of(b),
            Block::Table(t) => {
                let w = t.scaled(self.width());
                let header: f32 = t.header.iter().map(|r| measure_row(r, &w, t.padding).height).sum();
                header + measure_rows(&t.rows, &w, t.padding).iter().map(|m| m.height).sum::<f32>()
            }
            Block::PageBreak | Block::Group(..) | Block::EndGroup | Block::Continuation(_) => 0.0,
        }
    }

    /// Height of the smallest piece of `b` that may start a page.
    fn first_height(&self, b: &Block) -> f32 {
        match b {
            Block::Para(p) => p.space_before + p.lines(self.width()).first().map_or(0.0, |l| l.height),
            Block::Table(t) => self.table_start_height(t),
            Block::KeepWithNext(b) => self.height_of(b),
            other => self.height_of(other),
        }
    }

    fn place(&mut self, b: Block) {
        self.ensure_page();
        match b {
            Block::Space(h) => {
                if !self.fresh {
                    self.y = (self.y + h).min(self.bottom());
                }
            }
            Block::PageBreak => self.page_break(),
            Block::Group(role, bookmark) => {
                self.open_list = None;
                let tag = self.node(role);
                self.set_bookmark(tag, &bookmark);
                if let Tag::Node(id) = tag {
                    self.parent.push(id);
                }
            }
            Block::EndGroup => {
                self.open_list = None;
                if self.parent.len() > 1 {
                    self.parent.pop();
                }
            }
            Block::Fixed { height, draw, role, alt } => {
                if height > self.remaining() && !self.fresh {
                    self.new_page(true);
                }
                let tag = match role {
                    Some(r) => {
                        self.open_list = None;
                        self.node(r)
                    }
                    None if self.repeating => Tag::Artifact(Artifact::Pagination),
                    None => Tag::Artifact(Artifact::Layout),
                };
                if let Tag::Node(id) = tag {
                    self.tree.nodes[id].alt = alt;
                }
                let (x, y, w) = (self.setup.left, self.y, self.width());
                if let Some(mut cv) = self.canvas(tag) {
                    draw(&mut cv, x, y, w);
                }
                self.y += height;
                self.fresh = false;
            }
            Block::KeepWithNext(b) => self.place(*b),
            Block::Continuation(c) => self.continuation = c,
            Block::Para(p) => self.place_para(&p),
            Block::Table(t) => self.place_table(&t),
        }
    }

    /// The node of a paragraph's text, and of its bullet (a list item's label).
    fn para_tags(&mut self, p: &Paragraph) -> (Tag, Option<Tag>) {
        if self.repeating || p.artifact {
            return (Tag::Artifact(Artifact::Pagination), None);
        }
        if p.bullet.is_some() {
            let list = match self.open_list {
                Some(l) => l,
                None => {
                    let l = self.tree.add(self.parent(), Role::L);
                    self.open_list = Some(l);
                    l
                }
            };
            let li = self.tree.add(list, Role::LI);
            let lbl = self.tree.add(li, Role::Lbl);
            let body = self.tree.add(li, Role::LBody);
            return (Tag::Node(body), Some(Tag::Node(lbl)));
        }
        self.open_list = None;
        if let (true, Some(h)) = (p.joins_heading, self.last_heading) {
            return (Tag::Node(h), None);
        }
        let tag = self.node(p.role);
        self.set_bookmark(tag, &p.bookmark);
        (tag, None)
    }

    fn place_para(&mut self, p: &Paragraph) {
        let w = self.width();
        if !self.fresh {
            self.y += p.space_before;
        }
        let lines = p.lines(w);
        let (tag, label) = self.para_tags(p);
        for (i, line) in lines.iter().enumerate() {
            if line.height > self.remaining() && !self.fresh {
                self.new_page(true);
            }
            let (x, y) = (self.setup.left, self.y);
            if let Some(mut cv) = self.canvas(tag) {
                p.draw_lines(&mut cv, std::slice::from_ref(line), (x, y, w), i == 0, label);
            }
            self.y += line.height;
            self.fresh = false;
        }
        self.y += p.space_after;
    }

    pub fn current_page(&self) -> usize {
        (self.done + self.pages.len()).saturating_sub(1)
    }

    /// Hands the pages kept so far to the sink, if there is one.
    fn hand_over(&mut self) {
        if let Some(sink) = self.sink.as_mut() {
            for page in self.pages.drain(..) {
                sink.page(self.done, page, &mut self.tree);
                self.done += 1;
            }
        }
    }

    /// The pages (none when they went to a sink, which gets the last one now) and the
    /// structure tree.
    pub fn finish(mut self) -> (Vec<Page>, Tree) {
        self.hand_over();
        (self.pages, self.tree)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::canvas::Item;
    use crate::layout::{Cell, Face, Rgb, Style};

    fn para(s: &str) -> Paragraph {
        Paragraph::new(s, Style::new(Face::Regular, 9.0, Rgb::BLACK))
    }

    /// A table of `filler` rows, then per group an axis band, an objective band and rows
    /// whose first cell is merged down.
    fn table(filler: usize) -> Table {
        let mut t = Table::new(vec![100.0, 200.0]);
        t.header = vec![Row::new(vec![Cell::text(para("Objectif")), Cell::text(para("Action"))])];
        let band = |s: &str, level| {
            let row = |s: &str| Row::new(vec![Cell::text(para(s)).span(2)]);
            row(&format!("BANDE {s}")).band(level, row(&format!("BANDE {s} (suite)")))
        };
        for i in 0..filler {
            t.rows.push(Row::new(vec![Cell::text(para("f")), Cell::text(para(&format!("remplissage {i}")))]));
        }
        for g in 0..3 {
            t.rows.push(band(&format!("axe {g}"), 0));
            t.rows.push(band(&format!("objectif {g}"), 1));
            let first = t.rows.len();
            for k in 0..6 {
                t.rows.push(Row::new(vec![
                    Cell::text(para(&format!("obj {g}"))),
                    Cell::text(para(&format!("action {g}.{k}"))),
                ]));
            }
            t.merge_down(first, 0, 6, &[para(&format!("obj {g} (suite)"))]);
        }
        t
    }

    /// Per page, the body texts in order (tag, text).
    fn pages(filler: usize) -> (Vec<Vec<(Tag, String)>>, Tree) {
        let setup = PageSetup { width: 400.0, height: 300.0, top: 20.0, bottom: 20.0, left: 20.0, right: 20.0 };
        let mut flow = Flow::new(setup);
        flow.add(vec![Block::Table(table(filler))]);
        let (pages, tree) = flow.finish();
        let texts = pages
            .iter()
            .map(|p| p.items.iter().filter(|i| matches!(i, Item::Text { .. })).map(|i| (i.tag(), i.text())).collect())
            .collect();
        (texts, tree)
    }

    #[test]
    fn bands_never_end_a_page_and_come_back_with_merged_cells() {
        let mut suites = 0;
        for filler in 0..20 {
            let (pages, tree) = pages(filler);
            assert!(pages.len() >= 2, "{filler}");
            for (n, page) in pages.iter().enumerate() {
                let last = &page.last().expect("text").1;
                assert!(!last.starts_with("BANDE"), "filler {filler}, page {n} finit par {last}");
                if n > 0 {
                    // Header (repeated: an artifact), then a band: new, or "(suite)".
                    assert_eq!(page[0], (Tag::Artifact(Artifact::Pagination), "Objectif".to_string()));
                    let next = &page[2];
                    assert!(next.1.starts_with("BANDE") || next.1 == "f", "{page:?}");
                    for (tag, text) in page.iter().filter(|(_, t)| t.ends_with("(suite)")) {
                        assert_eq!(*tag, Tag::Artifact(Artifact::Pagination), "{text}");
                        suites += 1;
                    }
                    // A group running on: its objective cell says so on the first row.
                    if next.1.ends_with("(suite)") && next.1.contains("objectif") {
                        let row = page.iter().find(|(_, t)| t.starts_with("obj ")).expect("row");
                        assert!(row.1.ends_with("(suite)") || !page.iter().any(|(_, t)| t.starts_with("action")));
                    }
                }
            }
            // The merged cell is one TD spanning its six rows, once per group.
            let spans: Vec<u32> =
                tree.nodes.iter().filter(|n| n.role == Role::TD && n.rowspan > 1).map(|n| n.rowspan).collect();
            assert_eq!(spans, vec![6, 6, 6], "{filler}");
        }
        assert!(suites > 10, "{suites}");
    }
}
