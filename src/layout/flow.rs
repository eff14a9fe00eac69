//! Pagination: blocks stacked down pages with margins; paragraphs and tables split
//! between pages, table headers repeated, headings kept with what follows, and a
//! continuation header put at the top of every page a unit runs onto.

use std::rc::Rc;

use super::canvas::Page;
use super::paragraph::Paragraph;
use super::table::{draw_row, measure_row, CellLine, MeasuredRow, Table};

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

/// A fixed-height drawing: page, x, y (top) and width.
pub type Draw = Rc<dyn Fn(&mut Page, f32, f32, f32)>;

#[derive(Clone)]
pub enum Block {
    Para(Paragraph),
    Table(Table),
    Space(f32),
    Fixed {
        height: f32,
        draw: Draw,
    },
    PageBreak,
    /// Records the page and height where the next block starts (bookmarks).
    Mark(String),
    /// This block stays on the page where the next one starts.
    KeepWithNext(Box<Block>),
}

/// Where a mark landed.
#[derive(Debug, Clone, PartialEq)]
pub struct MarkPos {
    pub key: String,
    pub page: usize,
    pub y: f32,
}

pub struct Flow {
    pub setup: PageSetup,
    pages: Vec<Page>,
    y: f32,
    /// Nothing but the continuation header has been placed on the current page.
    fresh: bool,
    continuation: Vec<Block>,
    marks: Vec<MarkPos>,
}

impl Flow {
    pub fn new(setup: PageSetup) -> Self {
        Flow { setup, pages: Vec::new(), y: setup.top, fresh: true, continuation: Vec::new(), marks: Vec::new() }
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
            for b in self.continuation.clone() {
                self.place(b);
            }
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
            Block::PageBreak | Block::Mark(_) => 0.0,
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
            Block::Mark(key) => {
                let page = self.pages.len() - 1;
                self.marks.push(MarkPos { key, page, y: self.y });
            }
            Block::Fixed { height, draw } => {
                if height > self.remaining() && !self.fresh {
                    self.new_page(true);
                }
                let (x, y, w) = (self.setup.left, self.y, self.width());
                if let Some(page) = self.pages.last_mut() {
                    draw(page, x, y, w);
                }
                self.y += height;
                self.fresh = false;
            }
            Block::KeepWithNext(b) => self.place(*b),
            Block::Para(p) => self.place_para(&p),
            Block::Table(t) => self.place_table(&t),
        }
    }

    fn place_para(&mut self, p: &Paragraph) {
        let w = self.width();
        if !self.fresh {
            self.y += p.space_before;
        }
        let lines = p.lines(w);
        for (i, line) in lines.iter().enumerate() {
            if line.height > self.remaining() && !self.fresh {
                self.new_page(true);
            }
            let (x, y) = (self.setup.left, self.y);
            if let Some(page) = self.pages.last_mut() {
                p.draw_lines(page, std::slice::from_ref(line), x, y, w, i == 0);
            }
            self.y += line.height;
            self.fresh = false;
        }
        self.y += p.space_after;
    }

    fn draw_header(&mut self, t: &Table, header: &[MeasuredRow<'_>]) {
        for m in header {
            let parts: Vec<&[CellLine]> = m.cells.iter().map(|(_, _, l)| l.as_slice()).collect();
            let (x, y) = (self.setup.left, self.y);
            if let Some(page) = self.pages.last_mut() {
                draw_row(page, t, m, &parts, x, y, m.height);
            }
            self.y += m.height;
        }
    }

    fn place_table(&mut self, t: &Table) {
        let widths = t.scaled(self.width());
        let header: Vec<MeasuredRow<'_>> = t.header.iter().map(|r| measure_row(r, &widths, t.padding)).collect();
        let rows: Vec<MeasuredRow<'_>> = t.rows.iter().map(|r| measure_row(r, &widths, t.padding)).collect();
        let header_h: f32 = header.iter().map(|m| m.height).sum();
        let first_h = rows.first().map_or(0.0, |m| m.height.min(self.setup.content_height() / 3.0));
        if header_h + first_h > self.remaining() && !self.fresh {
            self.new_page(true);
        }
        self.draw_header(t, &header);
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
                self.draw_header(t, &header);
            }
            self.place_row(t, m, &header);
            after_header = false;
        }
    }

    /// Places a row, splitting its cells' lines over pages when it is taller than the
    /// space left.
    fn place_row(&mut self, t: &Table, m: &MeasuredRow<'_>, header: &[MeasuredRow<'_>]) {
        let mut starts = vec![0usize; m.cells.len()];
        loop {
            let rest: Vec<&[CellLine]> = m.cells.iter().zip(&starts).map(|((_, _, l), s)| &l[*s..]).collect();
            let rest_h = rest.iter().map(|ls| ls.iter().map(CellLine::height).sum::<f32>()).fold(0.0, f32::max)
                + 2.0 * t.padding;
            let full_h = if starts.iter().all(|s| *s == 0) { m.height } else { rest_h };
            if full_h <= self.remaining() + 0.01 {
                let (x, y) = (self.setup.left, self.y);
                if let Some(page) = self.pages.last_mut() {
                    draw_row(page, t, m, &rest, x, y, full_h);
                }
                self.y += full_h;
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
                if let Some(page) = self.pages.last_mut() {
                    draw_row(page, t, m, &parts, x, y, h);
                }
            }
            self.new_page(true);
            self.draw_header(t, header);
            if !progressed && self.remaining() < 2.0 * t.padding + 1.0 {
                return; // cannot place anything even on a fresh page: give up on this row
            }
        }
    }

    pub fn current_page(&self) -> usize {
        self.pages.len().saturating_sub(1)
    }

    pub fn finish(self) -> (Vec<Page>, Vec<MarkPos>) {
        (self.pages, self.marks)
    }
}
