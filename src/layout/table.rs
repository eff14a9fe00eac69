//! Tables: set column widths, spanning cells, shading, borders; rows are measured here
//! and paginated by the flow (header repeated, tall rows split between pages).

use std::rc::Rc;

use super::canvas::{Canvas, Rgb, Scope, Tag};
use super::paragraph::{Line, Paragraph};

/// Extra drawing inside a cell (bars, ticks), given x, y, width, height: decoration, the
/// cell's text says the same.
pub type CellDraw = Rc<dyn Fn(&mut Canvas<'_>, f32, f32, f32, f32)>;

#[derive(Clone, Default)]
pub struct Cell {
    pub paras: Vec<Paragraph>,
    pub colspan: usize,
    pub fill: Option<Rgb>,
    pub draw: Option<CellDraw>,
    /// A header cell of the body (heads its row); header rows' cells head their column.
    pub row_header: bool,
    /// A group band (axis, objective): its text is a heading of this level.
    pub heading: Option<u8>,
    /// Rows this cell spans: a hierarchy cell merged over the rows of its group.
    pub rowspan: usize,
    /// Covered by a cell spanning down from a row above: drawn (fill, side borders) but
    /// not part of the structure; `Some(true)` when the span goes on below.
    pub covered: Option<bool>,
}

impl Cell {
    pub fn new(paras: Vec<Paragraph>) -> Self {
        Cell { paras, colspan: 1, fill: None, draw: None, row_header: false, heading: None, rowspan: 1, covered: None }
    }

    /// The place, in a row below, of a cell spanning down; `more` when the span goes on.
    pub fn covered(more: bool) -> Self {
        Cell { covered: Some(more), ..Cell::empty() }
    }

    /// Spans `n` rows: this one and the `n - 1` below, which hold `Cell::covered`.
    pub fn rowspan(mut self, n: usize) -> Self {
        self.rowspan = n.max(1);
        self
    }

    /// Makes the cell's text a heading of `level` (a band naming a group of rows).
    pub fn heading(mut self, level: u8) -> Self {
        self.heading = Some(level);
        self
    }

    /// Edges drawn: (top, bottom). A span down hides the edges inside it.
    fn edges(&self) -> (bool, bool) {
        match self.covered {
            Some(more) => (false, !more),
            None => (true, self.rowspan <= 1),
        }
    }

    pub fn row_header(mut self) -> Self {
        self.row_header = true;
        self
    }

    /// TH with its scope, or TD.
    pub fn role(&self, in_header: bool) -> super::canvas::Role {
        use super::canvas::Role;
        if in_header {
            Role::TH(Scope::Column)
        } else if self.row_header {
            Role::TH(Scope::Row)
        } else {
            Role::TD
        }
    }

    pub fn text(p: Paragraph) -> Self {
        Cell::new(vec![p])
    }

    pub fn empty() -> Self {
        Cell::new(Vec::new())
    }

    pub fn span(mut self, n: usize) -> Self {
        self.colspan = n.max(1);
        self
    }

    pub fn fill(mut self, c: Rgb) -> Self {
        self.fill = Some(c);
        self
    }

    pub fn draw(mut self, d: CellDraw) -> Self {
        self.draw = Some(d);
        self
    }
}

#[derive(Clone, Default)]
pub struct Row {
    pub cells: Vec<Cell>,
    pub min_height: f32,
    pub fill: Option<Rgb>,
    /// Keep this row on the page of the row that follows (group headings).
    pub keep_with_next: bool,
    /// Bookmark made by this row (an axis row).
    pub bookmark: Option<String>,
}

impl Row {
    pub fn new(cells: Vec<Cell>) -> Self {
        Row { cells, ..Default::default() }
    }

    pub fn fill(mut self, c: Rgb) -> Self {
        self.fill = Some(c);
        self
    }

    pub fn keep_with_next(mut self) -> Self {
        self.keep_with_next = true;
        self
    }

    pub fn bookmark(mut self, title: impl Into<String>) -> Self {
        self.bookmark = Some(title.into());
        self
    }

    pub fn min_height(mut self, h: f32) -> Self {
        self.min_height = h;
        self
    }
}

#[derive(Clone)]
pub struct Table {
    /// Column widths in points, scaled to the available width.
    pub widths: Vec<f32>,
    pub header: Vec<Row>,
    pub rows: Vec<Row>,
    pub border: Rgb,
    pub border_width: f32,
    pub padding: f32,
}

impl Table {
    pub fn new(widths: Vec<f32>) -> Self {
        Table {
            widths,
            header: Vec::new(),
            rows: Vec::new(),
            border: Rgb(190, 190, 190),
            border_width: 0.5,
            padding: 5.0,
        }
    }

    /// Column widths scaled to `width`.
    pub fn scaled(&self, width: f32) -> Vec<f32> {
        let sum: f32 = self.widths.iter().sum();
        if sum <= 0.0 {
            return vec![width / self.widths.len().max(1) as f32; self.widths.len()];
        }
        self.widths.iter().map(|w| w * width / sum).collect()
    }
}

/// One line of a cell with the spacing around it, ready to place.
#[derive(Clone)]
pub struct CellLine {
    pub para: usize,
    pub line: Line,
    pub first_of_para: bool,
    pub gap_before: f32,
    pub gap_after: f32,
}

impl CellLine {
    pub fn height(&self) -> f32 {
        self.gap_before + self.line.height + self.gap_after
    }
}

/// A row measured at set widths.
pub struct MeasuredRow<'a> {
    pub row: &'a Row,
    /// Per cell: x offset, width, and its lines.
    pub cells: Vec<(f32, f32, Vec<CellLine>)>,
    pub height: f32,
}

pub fn measure_row<'a>(row: &'a Row, widths: &[f32], padding: f32) -> MeasuredRow<'a> {
    let mut cells = Vec::new();
    let mut col = 0;
    let mut x = 0.0;
    let mut content = 0.0f32;
    for cell in &row.cells {
        let span = cell.colspan.max(1);
        let w: f32 = widths.iter().skip(col).take(span).sum();
        let inner = (w - 2.0 * padding).max(1.0);
        let mut lines = Vec::new();
        for (pi, p) in cell.paras.iter().enumerate() {
            let pl = p.lines(inner);
            let n = pl.len();
            for (li, line) in pl.into_iter().enumerate() {
                lines.push(CellLine {
                    para: pi,
                    line,
                    first_of_para: li == 0,
                    gap_before: if li == 0 { p.space_before } else { 0.0 },
                    gap_after: if li + 1 == n { p.space_after } else { 0.0 },
                });
            }
        }
        content = content.max(lines.iter().map(CellLine::height).sum());
        cells.push((x, w, lines));
        x += w;
        col += span;
    }
    let height = (content + 2.0 * padding).max(row.min_height);
    MeasuredRow { row, cells, height }
}

/// Draws a (part of a) measured row at (x, y) with height `h`; `parts` gives, per cell,
/// the lines to draw, `tags` what each cell's text belongs to.
#[allow(clippy::too_many_arguments)]
pub fn draw_row(
    cv: &mut Canvas<'_>,
    t: &Table,
    m: &MeasuredRow<'_>,
    parts: &[&[CellLine]],
    tags: &[Tag],
    x: f32,
    y: f32,
    h: f32,
) {
    for (i, ((cx, w, _), cell)) in m.cells.iter().zip(&m.row.cells).enumerate() {
        cv.tag = tags.get(i).copied().unwrap_or(Tag::Artifact(super::canvas::Artifact::Layout));
        let fill = cell.fill.or(m.row.fill);
        if let Some(f) = fill {
            cv.fill(x + cx, y, *w, h, f);
        }
        if let Some(d) = &cell.draw {
            d(cv, x + cx, y, *w, h);
        }
        let mut cy = y + t.padding;
        let inner = (w - 2.0 * t.padding).max(1.0);
        for cl in parts.get(i).copied().unwrap_or(&[]) {
            if let Some(p) = cell.paras.get(cl.para) {
                p.draw_lines(
                    cv,
                    std::slice::from_ref(&cl.line),
                    (x + cx + t.padding, cy + cl.gap_before, inner),
                    cl.first_of_para,
                    None,
                );
            }
            cy += cl.height();
        }
        // An empty cell still has content in the structure: its border.
        let empty = cell.paras.iter().all(|p| p.spans.iter().all(|s| s.text.trim().is_empty()));
        let (top, bottom) = cell.edges();
        if top && bottom {
            if empty && cell.covered.is_none() {
                cv.stroke_content(x + cx, y, *w, h, t.border, t.border_width.max(0.1));
            } else if t.border_width > 0.0 {
                cv.stroke(x + cx, y, *w, h, t.border, t.border_width);
            }
        } else {
            // Part of a merged cell: the edges inside the span are left out.
            let (x0, x1, y1, bw) = (x + cx, x + cx + *w, y + h, t.border_width.max(0.1));
            if empty && cell.covered.is_none() {
                // The cell's content in the structure: its left edge.
                cv.stroke_content(x0, y, 0.0, h, t.border, bw);
            } else {
                cv.line(x0, y, x0, y1, t.border, bw);
            }
            cv.line(x1, y, x1, y1, t.border, bw);
            if top {
                cv.line(x0, y, x1, y, t.border, bw);
            }
            if bottom {
                cv.line(x0, y1, x1, y1, t.border, bw);
            }
        }
    }
}
