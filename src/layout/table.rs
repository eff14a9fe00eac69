//! Tables: set column widths, spanning cells (across columns, and down rows for merged
//! hierarchy cells), shading, borders, group bands; rows are measured here and paginated
//! by the flow (header and current bands repeated, tall rows split between pages).

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
    /// Rows this cell spans down (a merged cell); the rows below hold `continued` cells.
    pub rowspan: usize,
    /// Continues the merged cell above: no node of its own, no border between them; its
    /// paragraphs (the text again, marked as such) are drawn only when it opens a page.
    pub continued: bool,
    /// The cell below continues this one: no bottom border.
    pub open_below: bool,
    /// A group band (axis, objective): its text is a heading of this level.
    pub heading: Option<u8>,
}

impl Cell {
    pub fn new(paras: Vec<Paragraph>) -> Self {
        Cell {
            paras,
            colspan: 1,
            fill: None,
            draw: None,
            row_header: false,
            rowspan: 1,
            continued: false,
            open_below: false,
            heading: None,
        }
    }

    /// Makes the cell's text a heading of `level` (a band naming a group of rows).
    pub fn heading(mut self, level: u8) -> Self {
        self.heading = Some(level);
        self
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
    /// This row heads a group of rows (a band).
    pub band: Option<Band>,
}

/// A group heading row: kept with the rows that follow it, and repeated — in its
/// `continued` form — under the table header on every page its group runs onto.
#[derive(Clone)]
pub struct Band {
    /// 0 for the outermost groups; a band ends the groups of its level and deeper.
    pub level: usize,
    pub continued: Box<Row>,
}

impl Row {
    /// Drops the lines its paragraphs keep.
    pub fn forget_lines(&self) {
        self.cells.iter().flat_map(|c| &c.paras).for_each(Paragraph::forget_lines);
    }

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

    /// Makes this row the band of a group of `level`, repeated as `continued` after a
    /// page break inside its group.
    pub fn band(mut self, level: usize, continued: Row) -> Self {
        self.keep_with_next = true;
        self.band = Some(Band { level, continued: Box::new(continued) });
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

    /// Merges cell `cell` of body row `row` with the same cell of the `n - 1` rows below
    /// (which must have one there): the text stands once, in the first; `continued` is
    /// what the merged cell shows at the top of a page it runs onto.
    pub fn merge_down(&mut self, row: usize, cell: usize, n: usize, continued: &[Paragraph]) {
        let end = (row + n).min(self.rows.len());
        if end <= row + 1 || self.rows[row..end].iter().any(|r| r.cells.len() <= cell) {
            return;
        }
        self.rows[row].cells[cell].rowspan = end - row;
        for i in row..end {
            let c = &mut self.rows[i].cells[cell];
            c.open_below = i + 1 < end;
            if i > row {
                c.paras = continued.to_vec();
                c.continued = true;
            }
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
#[derive(Clone)]
pub struct MeasuredRow<'a> {
    pub row: &'a Row,
    /// Per cell: x offset, width, and its lines.
    pub cells: Vec<(f32, f32, Vec<CellLine>)>,
    pub height: f32,
    /// Height when the row opens a page: its `continued` cells show their text.
    pub opening_height: f32,
    /// When the row opens a merged cell: the height that cell's text needs, and the height
    /// of the rows it spans (`measure_rows`); 0 otherwise.
    pub span_text: f32,
    pub span_rows: f32,
    /// Measured without keeping its lines (`LEAN_ROWS`): `with_lines` gives them back.
    pub lean: bool,
}

/// Rows past which a table keeps only its rows' heights, their lines made again as each
/// row is placed: a table of 20,000 actions would otherwise hold all its shaped text.
pub const LEAN_ROWS: usize = 256;

impl<'a> MeasuredRow<'a> {
    /// Drops the row's lines, kept here and by its paragraphs.
    fn make_lean(&mut self) {
        for (_, _, lines) in &mut self.cells {
            *lines = Vec::new();
        }
        self.row.forget_lines();
        self.lean = true;
    }

    /// This row with its lines (measured again if they were dropped).
    pub fn with_lines(&self, widths: &[f32], padding: f32) -> MeasuredRow<'a> {
        let fresh = measure_row(self.row, widths, padding);
        MeasuredRow { cells: fresh.cells, lean: false, ..*self }
    }

    /// The lines of cell `i` to draw; a continued cell's only when the row opens a page.
    pub fn lines(&self, i: usize, opening: bool) -> &[CellLine] {
        match (self.cells.get(i), self.row.cells.get(i)) {
            (Some((_, _, l)), Some(c)) if !c.continued || opening => l,
            _ => &[],
        }
    }
}

/// The rows of a table measured, each merged cell's height shared by the rows it spans:
/// when they are not tall enough together, the last of them grows (never the first, which
/// would open a gap under it).
pub fn measure_rows<'a>(rows: &'a [Row], widths: &[f32], padding: f32) -> Vec<MeasuredRow<'a>> {
    let lean = rows.len() > LEAN_ROWS;
    let mut spans = Vec::with_capacity(rows.len());
    let mut out: Vec<MeasuredRow<'a>> = rows
        .iter()
        .map(|r| {
            let mut m = measure_row(r, widths, padding);
            let needs: Vec<(usize, f32)> = m
                .row
                .cells
                .iter()
                .zip(&m.cells)
                .filter(|(c, _)| c.rowspan > 1 && !c.continued)
                .map(|(c, (_, _, lines))| (c.rowspan, lines.iter().map(CellLine::height).sum::<f32>() + 2.0 * padding))
                .collect();
            spans.push(needs);
            if lean {
                m.make_lean();
            }
            m
        })
        .collect();
    for (i, needs) in spans.into_iter().enumerate() {
        for (n, need) in needs {
            let end = (i + n).min(out.len());
            let have: f32 = out[i..end].iter().map(|m| m.height).sum();
            if need > have {
                out[end - 1].height += need - have;
            }
            out[i].span_text = out[i].span_text.max(need);
            out[i].span_rows = out[i].span_rows.max(have.max(need));
        }
    }
    out
}

pub fn measure_row<'a>(row: &'a Row, widths: &[f32], padding: f32) -> MeasuredRow<'a> {
    let mut cells = Vec::new();
    let mut col = 0;
    let mut x = 0.0;
    let mut content = 0.0f32;
    let mut opening = 0.0f32;
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
        let h: f32 = lines.iter().map(CellLine::height).sum();
        // A merged cell's height is shared by the rows it spans (`measure_rows`).
        if !cell.continued && cell.rowspan <= 1 {
            content = content.max(h);
        }
        if cell.rowspan <= 1 {
            opening = opening.max(h);
        }
        cells.push((x, w, lines));
        x += w;
        col += span;
    }
    let height = (content + 2.0 * padding).max(row.min_height);
    let opening_height = (opening + 2.0 * padding).max(row.min_height);
    MeasuredRow { row, cells, height, opening_height, span_text: 0.0, span_rows: 0.0, lean: false }
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
        if cell.continued || cell.open_below {
            // Part of a merged cell: sides, and the edges that close it.
            let (l, r, b, bw) = (x + cx, x + cx + w, y + h, t.border_width.max(0.1));
            cv.line(l, y, l, b, t.border, bw);
            cv.line(r, y, r, b, t.border, bw);
            if !cell.continued {
                cv.line(l, y, r, y, t.border, bw);
            }
            if !cell.open_below {
                cv.line(l, b, r, b, t.border, bw);
            }
        } else if empty {
            cv.stroke_content(x + cx, y, *w, h, t.border, t.border_width.max(0.1));
        } else if t.border_width > 0.0 {
            cv.stroke(x + cx, y, *w, h, t.border, t.border_width);
        }
    }
}
