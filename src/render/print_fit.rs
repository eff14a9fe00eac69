//! How a workbook sheet prints: column widths chosen from their texts (no word broken
//! inside a cell), row heights from the wrapped text (no line drawn over another), A3
//! landscape at a scale that keeps the text at 7 pt or more.
//!
//! A sheet is written through a `Grid`, twice when its column widths must be known
//! before its first row (a streamed sheet): a measuring pass that writes nothing, then
//! the real one.

use rust_xlsxwriter::{Format, Worksheet, XlsxError};

use super::format_runs::{Cell, FormatRuns};

/// Points of the workbooks' default font (Calibri 11) and of one of its lines.
const FONT_PT: f64 = 11.0;
const LINE_PT: f64 = 15.0;
/// Smallest printed text size: the scale never goes below what keeps 11 pt text at it.
pub const MIN_PRINTED_PT: f64 = 7.0;
/// Column width units a character may take (the unit is a digit's width; capitals and
/// bold run wider): generous, so that a word measured to fit does fit.
const CHAR: f64 = 1.1;
const BOLD_CHAR: f64 = 1.25;
/// Room a cell keeps around its text, in width units.
const PAD: f64 = 1.5;
/// Widest column chosen for a long word (longer ones, such as addresses, wrap anyway).
const MAX_WIDTH: f64 = 60.0;
/// Printable width of A3 landscape with 0.4" side margins, in points.
const A3_LANDSCAPE_PRINTABLE: f64 = 1190.55 - 2.0 * 0.4 * 72.0;
/// Excel's paper code for A3.
pub const PAPER_A3: u8 = 8;

/// Longest word and longest line of a column, in characters (bold weighed more).
#[derive(Debug, Clone, Copy, Default)]
struct ColumnText {
    word: f64,
    line: f64,
}

/// The texts of a sheet: measured in a first pass, then used to size its columns and
/// rows while writing.
#[derive(Debug, Default)]
pub struct Grid {
    measuring: bool,
    /// Widths the sheet asks for, per column (the upper bound of the chosen ones).
    preferred: Vec<f64>,
    cols: Vec<ColumnText>,
    /// Widths of the columns, once chosen.
    pub widths: Vec<f64>,
    row: Option<u32>,
    /// Lines of the tallest cell of the current row.
    lines: usize,
    /// The cells' formats, set a run at a time.
    formats: FormatRuns,
}

/// Characters of `s`, weighed by face.
fn weigh(s: &str, bold: bool) -> f64 {
    s.chars().count() as f64 * if bold { BOLD_CHAR } else { CHAR }
}

/// Lines `text` takes in a column `width` units wide, words kept whole.
pub fn wrapped_lines(text: &str, width: f64, bold: bool) -> usize {
    let room = (width - PAD).max(1.0);
    let mut total = 0;
    for para in text.split('\n') {
        let mut lines = 1;
        let mut used = 0.0;
        for word in para.split_whitespace() {
            let w = weigh(word, bold);
            let need = if used > 0.0 { used + weigh(" ", bold) + w } else { w };
            if need <= room || used == 0.0 {
                used = need;
                // A word wider than the column runs over as many lines as it takes.
                if w > room {
                    lines += (w / room).ceil() as usize - 1;
                    used = w % room;
                }
            } else {
                lines += 1;
                used = w;
            }
        }
        total += lines;
    }
    total.max(1)
}

impl Grid {
    /// A first pass: records the texts, writes nothing.
    pub fn measuring() -> Grid {
        Grid { measuring: true, ..Default::default() }
    }

    /// A writing pass with widths chosen from a measuring pass: per column, at least
    /// its longest word, at most `preferred` (or its longest line when shorter).
    pub fn sized(measured: &Grid, preferred: &[f64]) -> Grid {
        let n = measured.cols.len().max(preferred.len());
        let widths = (0..n)
            .map(|c| {
                let t = measured.cols.get(c).copied().unwrap_or_default();
                let pref = preferred.get(c).copied().unwrap_or(12.0);
                let word = (t.word + PAD).min(MAX_WIDTH);
                word.max((t.line + PAD).min(pref)).max(4.0)
            })
            .collect();
        Grid { measuring: false, widths, ..Default::default() }
    }

    /// The width a sheet asks for column `col`: recorded when measuring; when writing,
    /// the chosen widths are already set.
    pub fn width(&mut self, _ws: &mut Worksheet, col: u16, w: impl Into<f64>) -> Result<(), XlsxError> {
        if self.measuring {
            let c = col as usize;
            if self.preferred.len() <= c {
                self.preferred.resize(c + 1, 8.43);
            }
            self.preferred[c] = w.into();
        }
        Ok(())
    }

    /// A text cell that is always written (empty text: a blank cell).
    pub fn string(
        &mut self,
        ws: &mut Worksheet,
        at: (u32, u16),
        v: impl AsRef<str>,
        f: &Format,
        bold: bool,
    ) -> Result<(), XlsxError> {
        self.text(ws, at, Some(v.as_ref()), f, bold)
    }

    /// A number cell, its shown text estimated from its digits.
    pub fn num(&mut self, ws: &mut Worksheet, at: (u32, u16), v: f64, f: &Format) -> Result<(), XlsxError> {
        let shown = format!("{}0000", crate::text::format_number(v));
        self.number(ws, at, v, &shown, f)
    }

    /// Sets the chosen widths on the sheet.
    pub fn set_widths(&self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        for (c, w) in self.widths.iter().enumerate() {
            ws.set_column_width(c as u16, *w)?;
        }
        Ok(())
    }

    /// Moves to `row`: the row before gets its formats and the height of its tallest cell.
    fn at(&mut self, ws: &mut Worksheet, row: u32) -> Result<(), XlsxError> {
        if self.row != Some(row) {
            self.formats.finish(ws)?;
            self.close_row(ws)?;
            self.row = Some(row);
            self.lines = 1;
        }
        Ok(())
    }

    fn close_row(&mut self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        if let (Some(r), false) = (self.row, self.measuring) {
            if self.lines > 1 {
                ws.set_row_height(r, (self.lines as f64 * LINE_PT + 3.0).min(409.0))?;
            }
        }
        Ok(())
    }

    fn note(&mut self, col: u16, text: &str, bold: bool) {
        let c = col as usize;
        if self.measuring {
            if self.cols.len() <= c {
                self.cols.resize(c + 1, ColumnText::default());
            }
            let t = &mut self.cols[c];
            for line in text.split('\n') {
                t.line = t.line.max(weigh(line, bold));
                for w in line.split_whitespace() {
                    t.word = t.word.max(weigh(w, bold));
                }
            }
        } else {
            let width = self.widths.get(c).copied().unwrap_or(8.43);
            self.lines = self.lines.max(wrapped_lines(text, width, bold));
        }
    }

    /// A text cell (a blank one with its format when `v` is empty or None).
    pub fn text(
        &mut self,
        ws: &mut Worksheet,
        (row, col): (u32, u16),
        v: Option<&str>,
        f: &Format,
        bold: bool,
    ) -> Result<(), XlsxError> {
        self.at(ws, row)?;
        self.note(col, v.unwrap_or(""), bold);
        if self.measuring {
            return Ok(());
        }
        match v {
            // Always a string: a text starting with = + - @ never becomes a formula.
            Some(t) if !t.is_empty() => {
                let t = crate::validate::excel::cell_text(t);
                self.formats.write(ws, row, col, Cell::Text(&t), f)
            }
            _ => self.formats.write(ws, row, col, Cell::Blank, f),
        }
    }

    /// A number cell; `shown` is how it reads ("15 000 €"), for the column's width.
    pub fn number(
        &mut self,
        ws: &mut Worksheet,
        (row, col): (u32, u16),
        v: f64,
        shown: &str,
        f: &Format,
    ) -> Result<(), XlsxError> {
        self.at(ws, row)?;
        // A number never wraps: its whole text is one word.
        self.note(col, &shown.replace(' ', "\u{a0}"), false);
        if self.measuring {
            return Ok(());
        }
        self.formats.write(ws, row, col, Cell::Number(v), f)
    }

    /// A blank cell with its format.
    pub fn blank(&mut self, ws: &mut Worksheet, (row, col): (u32, u16), f: &Format) -> Result<(), XlsxError> {
        self.at(ws, row)?;
        if self.measuring {
            return Ok(());
        }
        self.formats.write(ws, row, col, Cell::Blank, f)
    }

    /// Ends the sheet: its last row gets its formats and its height.
    pub fn finish(&mut self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        self.formats.finish(ws)?;
        self.close_row(ws)?;
        self.row = None;
        Ok(())
    }

    /// The print scale for these widths (see `print_scale`).
    pub fn scale(&self) -> u16 {
        print_scale(&self.widths)
    }
}

/// Writes a sheet twice through `write`: a measuring pass on a scratch sheet, then the
/// real one with its columns sized and its rows as tall as their wrapped text.
pub fn two_pass(
    ws: &mut Worksheet,
    mut write: impl FnMut(&mut Worksheet, &mut Grid) -> Result<(), XlsxError>,
) -> Result<(), XlsxError> {
    let mut measured = Grid::measuring();
    write(&mut Worksheet::new(), &mut measured)?;
    let mut g = Grid::sized(&measured, &measured.preferred);
    g.set_widths(ws)?;
    write(ws, &mut g)?;
    g.finish(ws)
}

/// Points a column `w` units wide takes on paper at 100 % (Excel: 7 px a unit plus 5 px
/// of padding, 0.75 pt a pixel).
fn column_points(w: f64) -> f64 {
    ((w * 7.0).round() + 5.0) * 0.75
}

/// Scale (percent) that fits the columns in the width of A3 landscape, never under the
/// scale that prints 11 pt text at 7 pt: a wider sheet runs over several pages across.
pub fn print_scale(widths: &[f64]) -> u16 {
    let total: f64 = widths.iter().map(|w| column_points(*w)).sum();
    let min = (100.0 * MIN_PRINTED_PT / FONT_PT).ceil();
    if total <= 0.0 {
        return 100;
    }
    (100.0 * A3_LANDSCAPE_PRINTABLE / total).floor().clamp(min, 100.0) as u16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_stay_whole_and_rows_count_their_lines() {
        assert_eq!(wrapped_lines("Installation", 20.0, false), 1);
        assert_eq!(wrapped_lines("un deux trois quatre", 8.0, false), 4);
        assert_eq!(wrapped_lines("a\nb\nc", 30.0, false), 3);
        let mut m = Grid::measuring();
        let mut ws = Worksheet::new();
        m.text(&mut ws, (0, 0), Some("Non renseignée"), &Format::new(), true).unwrap();
        m.text(&mut ws, (1, 0), Some("Installation d'un équipement"), &Format::new(), false).unwrap();
        let g = Grid::sized(&m, &[9.0]);
        // "renseignée" and "Installation" fit whole: the column widens past 9.
        assert!(g.widths[0] >= 12.0 * CHAR + PAD, "{:?}", g.widths);
        assert!(print_scale(&[10.0; 40]) >= 64);
        assert_eq!(print_scale(&[10.0; 3]), 100);
    }
}
