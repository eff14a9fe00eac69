//! Tables down the pages: a table starts only where its header, bands and first row
//! fit; on each new page the header and the current group bands come back as
//! artifacts; every row gets its TR and its TH or TD nodes, spans included.

use super::{Bands, Flow};
use crate::layout::canvas::{Artifact, Role, Tag};
use crate::layout::table::{draw_row, measure_row, measure_rows, CellLine, MeasuredRow, Row, Table};

/// Rows a table's last page holds at least, when the table runs over pages.
pub const MIN_LAST_ROWS: usize = 3;

/// Rows that measure a table's first chain as the whole table would: down to its first
/// row not kept with the next, and on to the last row a merged cell among them spans
/// (a span's height goes to its last row). The rest of the table is not measured twice.
fn first_chain_end(rows: &[Row]) -> usize {
    let mut end = rows.iter().position(|r| !r.keep_with_next).map_or(rows.len(), |i| i + 1);
    let mut i = 0;
    while i < end {
        for c in rows[i].cells.iter().filter(|c| c.rowspan > 1 && !c.continued) {
            end = end.max((i + c.rowspan).min(rows.len()));
        }
        i += 1;
    }
    end
}

impl Flow<'_> {
    /// Header, bands and the first row of `t`: what must fit for the table to start.
    pub(super) fn table_start_height(&self, t: &Table) -> f32 {
        let w = t.scaled(self.width());
        let rows: Vec<MeasuredRow<'_>> = measure_rows(&t.rows[..first_chain_end(&t.rows)], &w, t.padding);
        let header: f32 = t.header.iter().map(|r| measure_row(r, &w, t.padding).height).sum();
        header + self.chain_height(&rows, 0, true)
    }

    /// Height of row `i` with the rows it is kept with: a band and its successive bands
    /// down to the first ordinary row (capped at a third of a page when `cap`, so that a
    /// huge row may still start under its band).
    fn chain_height(&self, rows: &[MeasuredRow<'_>], i: usize, cap: bool) -> f32 {
        let mut h = 0.0;
        for m in &rows[i..] {
            if !m.row.keep_with_next {
                let last = if cap { m.height.min(self.setup.content_height() / 3.0) } else { m.height };
                return h + last;
            }
            h += m.height;
        }
        h
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

    /// Continues a table on a new page: closes the current page's part with a rule,
    /// repeats the header and the bands of the groups that go on, "(suite)".
    fn continue_table(&mut self, t: &Table, header: &[MeasuredRow<'_>], bands: &Bands<'_>) {
        let (l, r, y) = (self.setup.left, self.setup.width - self.setup.right, self.y);
        if let Some(mut cv) = self.canvas(Tag::Artifact(Artifact::Layout)) {
            cv.line(l, y, r, y, t.border, t.border_width.max(0.1));
        }
        self.new_page(true);
        self.draw_header(t, header, None);
        let widths = t.scaled(self.width());
        let repeated: Vec<MeasuredRow<'_>> =
            bands.iter().map(|(_, row)| measure_row(row, &widths, t.padding)).collect();
        self.draw_header(t, &repeated, None);
        self.fresh = false;
    }

    /// Height of what `continue_table` repeats.
    fn repeat_height(&self, t: &Table, header_h: f32, bands: &Bands<'_>) -> f32 {
        let widths = t.scaled(self.width());
        header_h + bands.iter().map(|(_, row)| measure_row(row, &widths, t.padding).height).sum::<f32>()
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
                if c.continued {
                    // Part of the merged cell above, which spans this row.
                    return Tag::Artifact(Artifact::Pagination);
                }
                let id = self.tree.add(tr, c.role(in_header));
                self.tree.nodes[id].colspan = c.colspan.max(1) as u32;
                self.tree.nodes[id].rowspan = c.rowspan.max(1) as u32;
                match c.heading {
                    Some(level) => Tag::Node(self.tree.add(id, Role::H(level))),
                    None => Tag::Node(id),
                }
            })
            .collect()
    }

    pub(super) fn place_table(&mut self, t: &Table) {
        self.open_list = None;
        let widths = t.scaled(self.width());
        let header: Vec<MeasuredRow<'_>> = t.header.iter().map(|r| measure_row(r, &widths, t.padding)).collect();
        let rows: Vec<MeasuredRow<'_>> = measure_rows(&t.rows, &widths, t.padding);
        let header_h: f32 = header.iter().map(|m| m.height).sum();
        if !rows.is_empty() && header_h + self.chain_height(&rows, 0, true) > self.remaining() && !self.fresh {
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
        let mut bands: Bands<'_> = Vec::new();
        // What a new page repeats, measured again only when the bands change.
        let mut repeat_h = header_h;
        let mut opening = true;
        for (i, m) in rows.iter().enumerate() {
            if let Some(b) = &m.row.band {
                bands.retain(|(level, _)| *level < b.level);
                repeat_h = self.repeat_height(t, header_h, &bands);
            }
            // The row and the rows it is kept with move to a new page if they fit there;
            // at least the bands and the first lines of the row must fit here.
            let need = self.chain_height(&rows, i, false);
            let fits_fresh = need + repeat_h <= self.setup.content_height();
            let least = self.chain_height(&rows, i, true);
            let room = self.remaining() + 0.01;
            // A merged cell whose text cannot fit here moves with its first row.
            let spills = m.span_text > m.height && m.span_rows > room && m.span_text > room;
            let span_fits_fresh = m.span_text + repeat_h <= self.setup.content_height();
            if !opening
                && (self.leaves_widow(&rows[i..], repeat_h)
                    || (need > room && fits_fresh)
                    || least > room
                    || (spills && span_fits_fresh))
            {
                self.continue_table(t, &header, &bands);
                opening = true;
            }
            let tags = match body {
                Some(b) => self.row_nodes(b, m.row, false),
                None => vec![Tag::Artifact(Artifact::Pagination); m.cells.len()],
            };
            // A merged cell whose rows will not all fit on this page: its first row takes
            // the cell's whole text, split over the pages like any tall row.
            let grows = m.span_text > m.height && m.span_rows > self.remaining() + 0.01;
            let owned;
            let m = if grows || m.lean {
                let mut o = if m.lean { m.with_lines(&widths, t.padding) } else { m.clone() };
                if grows {
                    o.height = o.span_text;
                    o.opening_height = o.opening_height.max(o.span_text);
                }
                owned = o;
                &owned
            } else {
                m
            };
            self.place_row(t, m, (&header, &bands), &tags, opening);
            if rows[i].lean {
                m.row.forget_lines();
            }
            if let Some(b) = &m.row.band {
                bands.push((b.level, &b.continued));
                repeat_h = self.repeat_height(t, header_h, &bands);
            }
            opening = false;
        }
    }

    /// Orphan control: the last `MIN_LAST_ROWS` rows of a table (and the bands among
    /// them), `tail`, go to the next page together when they would not all fit on this
    /// one (a continued page never carries one or two rows alone), if they fit on a fresh
    /// page.
    fn leaves_widow(&self, tail: &[MeasuredRow<'_>], repeat_h: f32) -> bool {
        // Bands (an axis, an objective) are not rows of the table's content.
        if tail.iter().filter(|m| m.row.band.is_none()).count() != MIN_LAST_ROWS {
            return false;
        }
        let h: f32 = tail.iter().map(|m| m.height).sum();
        h > self.remaining() + 0.01 && h + repeat_h <= self.setup.content_height()
    }

    /// Places a row, splitting its cells' lines over pages when it is taller than the
    /// space left; `opening` when it is the first row under the header on this page.
    fn place_row(
        &mut self,
        t: &Table,
        m: &MeasuredRow<'_>,
        (header, bands): (&[MeasuredRow<'_>], &Bands<'_>),
        tags: &[Tag],
        opening: bool,
    ) {
        let mut starts = vec![0usize; m.cells.len()];
        loop {
            let rest: Vec<&[CellLine]> = (0..m.cells.len())
                .map(|i| m.lines(i, opening))
                .zip(&starts)
                .map(|(l, s)| l.get(*s..).unwrap_or(&[]))
                .collect();
            let rest_h = rest.iter().map(|ls| ls.iter().map(CellLine::height).sum::<f32>()).fold(0.0, f32::max)
                + 2.0 * t.padding;
            let full_h = match (starts.iter().all(|s| *s == 0), opening) {
                (true, true) => m.opening_height,
                (true, false) => m.height,
                _ => rest_h,
            };
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
                self.y += h;
            }
            self.continue_table(t, header, bands);
            if !progressed && self.remaining() < 2.0 * t.padding + 1.0 {
                return; // cannot place anything even on a fresh page: give up on this row
            }
        }
    }
}
