//! Cell formats set a run at a time. rust_xlsxwriter finds a cell's format by hashing
//! the whole `Format` (font, borders, fill, alignment: SipHash) on every formatted write,
//! 5 % of a batch's CPU time (issue 24). A `FormatRuns` writes a cell bare once its
//! format is known to the sheet, then formats the row's runs of like cells with one
//! lookup each: the workbook's bytes are the same, formats numbered in the order cells
//! first use them, blanks where they were, the sheet's used range unchanged.

use rust_xlsxwriter::{Format, Worksheet, XlsxError};

/// What a cell holds.
#[derive(Debug, Clone, Copy)]
pub enum Cell<'a> {
    Text(&'a str),
    Number(f64),
    /// Only its format: no value.
    Blank,
}

/// The formats of one sheet's cells, applied row by row.
#[derive(Debug, Default)]
pub struct FormatRuns {
    /// Formats the sheet has used, in first-use order.
    known: Vec<Format>,
    /// Address of the `Format` last seen for each known one: a cheap first guess,
    /// always checked against the format itself (a temporary may reuse an address).
    seen_at: Vec<usize>,
    /// Row being written.
    row: Option<u32>,
    /// Its cells still to format: first column, last column, format.
    runs: Vec<(u16, u16, usize)>,
    /// Leftmost and rightmost columns of its cells written with a value or format.
    written: Option<(u16, u16)>,
    /// Its leftmost and rightmost blanks not written yet, with their formats.
    blanks: Option<((u16, usize), (u16, usize))>,
}

impl FormatRuns {
    /// Writes `cell` at (`row`, `col`) in format `f`. Rows are written one after the
    /// other (a streamed sheet takes them in order); `finish` ends the last one.
    pub fn write(
        &mut self,
        ws: &mut Worksheet,
        row: u32,
        col: u16,
        cell: Cell<'_>,
        f: &Format,
    ) -> Result<(), XlsxError> {
        if self.row != Some(row) {
            self.finish(ws)?;
            self.row = Some(row);
        }
        match self.id_of(f) {
            Some(id) => {
                match cell {
                    Cell::Blank => self.note_blank(col, id),
                    Cell::Text(t) => {
                        ws.write_string(row, col, t)?;
                        self.note_written(col);
                    }
                    Cell::Number(v) => {
                        ws.write_number(row, col, v)?;
                        self.note_written(col);
                    }
                }
                self.extend(col, id);
            }
            // A format's first cell is written with it: the sheet numbers it now.
            None => {
                self.known.push(f.clone());
                self.seen_at.push(f as *const Format as usize);
                written_with(ws, row, col, cell, f)?;
                self.note_written(col);
            }
        }
        Ok(())
    }

    /// Formats the cells of the current row; the next `write` may start any row.
    pub fn finish(&mut self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        let Some(row) = self.row.take() else { return Ok(()) };
        // A blank at either end of the row is written: the used range counts it.
        if let Some(((left, lid), (right, rid))) = self.blanks.take() {
            let (first, last) = self.written.unwrap_or((u16::MAX, 0));
            if left < first {
                ws.write_blank(row, left, &self.known[lid])?;
            }
            if right > last && (right != left || left >= first) {
                ws.write_blank(row, right, &self.known[rid])?;
            }
        }
        for (a, b, id) in self.runs.drain(..) {
            ws.set_range_format(row, a, row, b, &self.known[id])?;
        }
        self.written = None;
        Ok(())
    }

    /// The index of `f` among the known formats.
    fn id_of(&mut self, f: &Format) -> Option<usize> {
        let at = f as *const Format as usize;
        if let Some(id) = self.seen_at.iter().position(|a| *a == at) {
            if self.known[id] == *f {
                return Some(id);
            }
        }
        let id = self.known.iter().position(|k| k == f)?;
        self.seen_at[id] = at;
        Some(id)
    }

    fn extend(&mut self, col: u16, id: usize) {
        match self.runs.last_mut() {
            Some(run) if run.2 == id && run.1.checked_add(1) == Some(col) => run.1 = col,
            _ => self.runs.push((col, col, id)),
        }
    }

    fn note_written(&mut self, col: u16) {
        let (first, last) = self.written.unwrap_or((col, col));
        self.written = Some((first.min(col), last.max(col)));
    }

    fn note_blank(&mut self, col: u16, id: usize) {
        let (mut left, mut right) = self.blanks.unwrap_or(((col, id), (col, id)));
        if col < left.0 {
            left = (col, id);
        }
        if col > right.0 {
            right = (col, id);
        }
        self.blanks = Some((left, right));
    }
}

fn written_with(ws: &mut Worksheet, row: u32, col: u16, cell: Cell<'_>, f: &Format) -> Result<(), XlsxError> {
    match cell {
        Cell::Text(t) => ws.write_string_with_format(row, col, t, f),
        Cell::Number(v) => ws.write_number_with_format(row, col, v, f),
        Cell::Blank => ws.write_blank(row, col, f),
    }
    .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_xlsxwriter::{FormatBorder, Workbook};

    /// The sheet written cell by cell with formats, and through runs.
    fn both(cells: &[(u32, u16, Cell<'_>, usize)], formats: &[Format]) -> (Vec<u8>, Vec<u8>) {
        let save = |runs: bool| {
            let mut wb = Workbook::new();
            let ws = wb.add_worksheet();
            let mut r = FormatRuns::default();
            for &(row, col, cell, f) in cells {
                // A fresh copy each time: addresses say nothing.
                let f = formats[f].clone();
                if runs {
                    r.write(ws, row, col, cell, &f).unwrap();
                } else {
                    written_with(ws, row, col, cell, &f).unwrap();
                }
            }
            r.finish(ws).unwrap();
            let props = rust_xlsxwriter::DocProperties::new()
                .set_creation_datetime(&rust_xlsxwriter::ExcelDateTime::from_ymd(2000, 1, 1).unwrap());
            wb.set_properties(&props);
            wb.save_to_buffer().unwrap()
        };
        (save(false), save(true))
    }

    #[test]
    fn runs_write_the_same_workbook() {
        let formats = [
            Format::new().set_bold(),
            Format::new().set_border(FormatBorder::Thin),
            Format::new().set_border(FormatBorder::Thin).set_num_format("0%"),
        ];
        let cells = [
            (0, 0, Cell::Text("Titre"), 0),
            (0, 1, Cell::Text("Pilote"), 0),
            (0, 2, Cell::Text("Part"), 0),
            // Blanks at both ends of a row, a number between texts.
            (1, 0, Cell::Blank, 1),
            (1, 1, Cell::Text("Mairie"), 1),
            (1, 2, Cell::Number(0.5), 2),
            (1, 3, Cell::Blank, 1),
            // A row of blanks only, then a row going back to the first format.
            (2, 1, Cell::Blank, 1),
            (2, 2, Cell::Blank, 1),
            (4, 2, Cell::Text("Fin"), 0),
            (4, 0, Cell::Number(3.0), 1),
        ];
        let (plain, runs) = both(&cells, &formats);
        assert_eq!(plain, runs);
    }
}
