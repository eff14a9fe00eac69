//! Pagination: blocks stacked down pages with margins; paragraphs and tables split
//! between pages, table headers repeated, headings kept with what follows, and a
//! continuation header put at the top of every page a unit runs onto. As it places
//! blocks, the flow builds the structure tree: each block gets its node (paragraph,
//! heading, list item, table cell, figure); what pagination repeats is an artifact.

use std::rc::Rc;

use super::canvas::{Artifact, Canvas, Page, Role, Tag, Tree};
use super::paragraph::Paragraph;
use super::table::{draw_row, measure_row, CellLine, MeasuredRow, Row, Table};

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

pub struct Flow {
    pub setup: PageSetup,
    pages: Vec<Page>,
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

impl Flow {
    pub fn new(setup: PageSetup) -> Self {
        Flow {
            setup,
            pages: Vec::new(),
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
        let idx = self.pages.len().checked_sub(1)?;
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

    pub fn add(&mut self, blocks: Vec<Block>) {
        let mut i = 0;
        while i < blocks.len() {
            if let Block::KeepWithNext(b) = &blocks[i] {
                self.ensure_page();
                let need = self.height_of(b) + blocks.get(i + 1).map_or(0.0, |n| self.first_height(n));
                if need > self.remaining() && !self.fresh {
                    self.new_page(true);
                }
                self.place((**b).clone());
            } else {
                self.place(blocks[i].clone());
            }
            i += 1;
        }
    }

    fn width(&self) -> f32 {
        self.setup.content_width()
    }

    fn height_of(&self, b: &Block) -> f32 {
        match b {
            Block::Para(p) => p.height(self.width()),
            Block::Fixed { height, .. } => *height,
            Block::Space(h) => *h,
            Block::KeepWithNext(b) => self.height_of(b),
            Block::Table(t) => {
                let w = t.scaled(self.width());
                t.header.iter().chain(&t.rows).map(|r| measure_row(r, &w, t.padding).height).sum()
            }
            Block::PageBreak | Block::Group(..) | Block::EndGroup => 0.0,
        }
    }

    /// Height of the smallest piece of `b` that may start a page.
    fn first_height(&self, b: &Block) -> f32 {
        match b {
            Block::Para(p) => p.space_before + p.lines(self.width()).first().map_or(0.0, |l| l.height),
            Block::Table(t) => {
                let w = t.scaled(self.width());
                t.header.iter().chain(t.rows.iter().take(1)).map(|r| measure_row(r, &w, t.padding).height).sum()
            }
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

    /// Header rows: tagged TH the first time, pagination artifacts when repeated.
    fn draw_header(&mut self, t: &Table, header: &[MeasuredRow<'_>], tags: Option<&[Vec<Tag>]>) {
        for (i, m) in header.iter().enumerate() {
            let parts: Vec<&[CellLine]> = m.cells.iter().map(|(_, _, l)| l.as_slice()).collect();
            let repeated = vec![Tag::Artifact(Artifact::Pagination); m.cells.len()];
            let row_tags = tags.and_then(|t| t.get(i)).unwrap_or(&repeated).clone();
            let (x, y) = (self.setup.left, self.y);
            if let Some(mut cv) = self.canvas(Tag::Artifact(Artifact::Pagination)) {
                draw_row(&mut cv, t, m, &parts, &row_tags, x, y, m.height);
            }
            self.y += m.height;
        }
    }

    /// A TR under `group` and a TH or TD per cell, with its spans.
    fn row_nodes(&mut self, group: usize, row: &Row, in_header: bool) -> Vec<Tag> {
        if self.repeating {
            return vec![Tag::Artifact(Artifact::Pagination); row.cells.len()];
        }
        let tr = self.tree.add(group, Role::TR);
        self.tree.nodes[tr].bookmark = row.bookmark.clone();
        row.cells
            .iter()
            .map(|c| {
                let id = self.tree.add(tr, c.role(in_header));
                self.tree.nodes[id].colspan = c.colspan.max(1) as u32;
                Tag::Node(id)
            })
            .collect()
    }

    fn place_table(&mut self, t: &Table) {
        self.open_list = None;
        let widths = t.scaled(self.width());
        let header: Vec<MeasuredRow<'_>> = t.header.iter().map(|r| measure_row(r, &widths, t.padding)).collect();
        let rows: Vec<MeasuredRow<'_>> = t.rows.iter().map(|r| measure_row(r, &widths, t.padding)).collect();
        let header_h: f32 = header.iter().map(|m| m.height).sum();
        let first_h = rows.first().map_or(0.0, |m| m.height.min(self.setup.content_height() / 3.0));
        if header_h + first_h > self.remaining() && !self.fresh {
            self.new_page(true);
        }
        let table = self.node(Role::Table);
        let (head, body) = match table {
            Tag::Node(id) => {
                let head = (!t.header.is_empty()).then(|| self.tree.add(id, Role::THead));
                (head, Some(self.tree.add(id, Role::TBody)))
            }
            Tag::Artifact(_) => (None, None),
        };
        let head_tags: Vec<Vec<Tag>> = match head {
            Some(h) => t.header.iter().map(|r| self.row_nodes(h, r, true)).collect(),
            None => Vec::new(),
        };
        self.draw_header(t, &header, Some(&head_tags));
        self.fresh = false;
        let mut after_header = true;
        for (i, m) in rows.iter().enumerate() {
            let mut need = m.height;
            if m.row.keep_with_next {
                need += rows.get(i + 1).map_or(0.0, |n| n.height);
            }
            let fits_fresh = need + header_h <= self.setup.content_height();
            if need > self.remaining() && !after_header && fits_fresh {
                self.new_page(true);
                self.draw_header(t, &header, None);
            }
            let tags = match body {
                Some(b) => self.row_nodes(b, m.row, false),
                None => vec![Tag::Artifact(Artifact::Pagination); m.cells.len()],
            };
            self.place_row(t, m, &header, &tags);
            after_header = false;
        }
    }

    /// Places a row, splitting its cells' lines over pages when it is taller than the
    /// space left.
    fn place_row(&mut self, t: &Table, m: &MeasuredRow<'_>, header: &[MeasuredRow<'_>], tags: &[Tag]) {
        let mut starts = vec![0usize; m.cells.len()];
        loop {
            let rest: Vec<&[CellLine]> = m.cells.iter().zip(&starts).map(|((_, _, l), s)| &l[*s..]).collect();
            let rest_h = rest.iter().map(|ls| ls.iter().map(CellLine::height).sum::<f32>()).fold(0.0, f32::max)
                + 2.0 * t.padding;
            let full_h = if starts.iter().all(|s| *s == 0) { m.height } else { rest_h };
            if full_h <= self.remaining() + 0.01 {
                let (x, y) = (self.setup.left, self.y);
                if let Some(mut cv) = self.canvas(Tag::Artifact(Artifact::Layout)) {
                    draw_row(&mut cv, t, m, &rest, tags, x, y, full_h);
                }
                self.y += full_h;
                // A row placed: what follows gets its space before (a heading after a
                // table split over pages).
                self.fresh = false;
                return;
            }
            // Take, per cell, the lines that fit in what is left of the page.
            let avail = self.remaining() - 2.0 * t.padding;
            let mut parts: Vec<&[CellLine]> = Vec::new();
            let mut progressed = false;
            for (ci, ls) in rest.iter().enumerate() {
                let mut used = 0.0;
                let mut n = 0;
                while n < ls.len() && used + ls[n].height() <= avail {
                    used += ls[n].height();
                    n += 1;
                }
                parts.push(&ls[..n]);
                starts[ci] += n;
                progressed |= n > 0;
            }
            if progressed {
                let (x, y, h) = (self.setup.left, self.y, self.remaining());
                if let Some(mut cv) = self.canvas(Tag::Artifact(Artifact::Layout)) {
                    draw_row(&mut cv, t, m, &parts, tags, x, y, h);
                }
            }
            self.new_page(true);
            self.draw_header(t, header, None);
            if !progressed && self.remaining() < 2.0 * t.padding + 1.0 {
                return; // cannot place anything even on a fresh page: give up on this row
            }
        }
    }

    pub fn current_page(&self) -> usize {
        self.pages.len().saturating_sub(1)
    }

    /// The pages and the structure tree.
    pub fn finish(self) -> (Vec<Page>, Tree) {
        (self.pages, self.tree)
    }
}
