//! Sparse sheet contents: only the cells that hold something, with their positions.

use std::collections::{BTreeMap, HashMap};

/// A cell value as plandoc needs it, whatever the file format.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Number(f64),
    Bool(bool),
    /// ISO 8601 date (YYYY-MM-DD) or date-time.
    Date(String),
    /// A formula error as the spreadsheet shows it: "#REF!", "#N/A"…
    Error(String),
}

impl Value {
    /// The value as text, the way a person reads it in the cell.
    pub fn text(&self) -> String {
        self.as_text().into_owned()
    }

    /// `text`, borrowed when the cell already reads as it is written (most text cells).
    pub fn as_text(&self) -> std::borrow::Cow<'_, str> {
        use std::borrow::Cow;
        match self {
            Value::Text(s) => crate::text::clean(s),
            Value::Number(n) => Cow::Owned(crate::text::format_number(*n)),
            Value::Bool(b) => Cow::Borrowed(if *b { "VRAI" } else { "FAUX" }),
            Value::Date(d) => Cow::Borrowed(d),
            Value::Error(e) => Cow::Borrowed(e),
        }
    }

    pub fn is_blank(&self) -> bool {
        matches!(self, Value::Text(s) if s.trim().is_empty() || s.trim() == "_x000D_")
    }
}

/// A rectangle of merged cells, 0-based and inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Merge {
    pub first_row: u32,
    pub first_col: u32,
    pub last_row: u32,
    pub last_col: u32,
}

/// One sheet: its non-empty cells by row, and its merged areas.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub name: String,
    pub visible: bool,
    /// row → cells sorted by column.
    pub rows: BTreeMap<u32, Vec<(u32, Value)>>,
    pub merges: Vec<Merge>,
    pub cell_count: usize,
    /// Covered cell → index in `merges`, for merges of a sane area.
    covered: HashMap<(u32, u32), usize>,
    /// Indexes of merges too large to expand (hostile or whole-column merges).
    huge_merges: Vec<usize>,
    /// Room reserved for a new row: the cells of the row filled last (bounded).
    row_hint: usize,
}

/// A new row never reserves more cells than this.
const ROW_HINT_MAX: usize = 64;

/// Above this area a merge is not expanded cell by cell.
const MERGE_EXPAND_MAX_AREA: u64 = 4096;

impl Sheet {
    pub fn new(name: &str, visible: bool) -> Self {
        Sheet { name: name.to_string(), visible, ..Default::default() }
    }

    /// Adds a cell; blank text is skipped so "non-empty" means something to read.
    pub fn push(&mut self, row: u32, col: u32, value: Value) {
        if value.is_blank() {
            return;
        }
        // Readers hand rows over top to bottom: the last row is found without a search.
        let cells = match self.rows.last_entry() {
            Some(e) if *e.key() == row => e.into_mut(),
            _ => {
                let hint = self.row_hint;
                self.rows.entry(row).or_insert_with(|| Vec::with_capacity(hint))
            }
        };
        // Readers hand cells over in column order: append without searching.
        if cells.last().is_none_or(|(c, _)| *c < col) {
            cells.push((col, value));
            self.cell_count += 1;
            // Rows of a table are alike: a new row gets room for as many cells as the
            // row filled last (never more than twice what the sheet holds).
            self.row_hint = cells.len().min(ROW_HINT_MAX);
            return;
        }
        match cells.binary_search_by_key(&col, |(c, _)| *c) {
            Ok(i) => cells[i].1 = value,
            Err(i) => {
                cells.insert(i, (col, value));
                self.cell_count += 1;
            }
        }
    }

    pub fn get(&self, row: u32, col: u32) -> Option<&Value> {
        let cells = self.rows.get(&row)?;
        cells.binary_search_by_key(&col, |(c, _)| *c).ok().map(|i| &cells[i].1)
    }

    /// Records merged areas and indexes them for constant-time lookups.
    pub fn set_merges(&mut self, merges: Vec<Merge>) {
        self.covered.clear();
        self.huge_merges.clear();
        for (i, m) in merges.iter().enumerate() {
            if m.last_row < m.first_row || m.last_col < m.first_col {
                continue;
            }
            let area = u64::from(m.last_row - m.first_row + 1) * u64::from(m.last_col - m.first_col + 1);
            if area > MERGE_EXPAND_MAX_AREA {
                self.huge_merges.push(i);
                continue;
            }
            for r in m.first_row..=m.last_row {
                for c in m.first_col..=m.last_col {
                    self.covered.insert((r, c), i);
                }
            }
        }
        self.merges = merges;
    }

    /// The merge whose top-left corner is (row, col), if any.
    pub fn merge_at(&self, row: u32, col: u32) -> Option<&Merge> {
        self.merge_covering(row, col).filter(|m| m.first_row == row && m.first_col == col)
    }

    /// The merge covering (row, col), if any.
    pub fn merge_covering(&self, row: u32, col: u32) -> Option<&Merge> {
        if let Some(&i) = self.covered.get(&(row, col)) {
            return Some(&self.merges[i]);
        }
        self.huge_merges
            .iter()
            .map(|&i| &self.merges[i])
            .find(|m| (m.first_row..=m.last_row).contains(&row) && (m.first_col..=m.last_col).contains(&col))
    }

    /// Cell value, looking through merges: a covered cell reads as the merge's corner.
    pub fn get_merged(&self, row: u32, col: u32) -> Option<&Value> {
        self.get(row, col).or_else(|| {
            let m = self.merge_covering(row, col)?;
            self.get(m.first_row, m.first_col)
        })
    }

    pub fn is_empty(&self) -> bool {
        self.cell_count == 0
    }
}
