//! A blank hierarchy cell on a row that names a shallower level ("Axe 1", then nothing
//! under "Objectif"): "same as above", as the template says, whether or not other levels
//! repeat. Only a sheet that merges a level's cells over their rows says "same as above"
//! by merging; there an unmerged blank is no level, and that reading is always said.

use std::borrow::Cow;

use super::grid::{Sheet, Value};
use super::roles::is_help;

/// How a blank cell is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blank {
    /// The level of the row above goes on.
    SameAsAbove,
    /// The row has no level at this depth: its action hangs on the level it names.
    NoLevel,
}

/// What a hierarchy column's cells show, over the rows that hold an action.
#[derive(Debug, Clone, Default)]
struct Habit {
    /// Some cell of the column is merged down over several rows.
    merged: bool,
}

/// The habits of every hierarchy column of a table.
#[derive(Debug, Clone, Default)]
pub struct Habits {
    cols: Vec<Habit>,
}

/// The text a cell gives its level, through merges: None when blank, an error or help.
pub fn named(sheet: &Sheet, r: u32, c: u32) -> Option<Cow<'_, str>> {
    let v = sheet.get_merged(r, c)?;
    if matches!(v, Value::Error(_)) {
        return None;
    }
    let t = v.as_text();
    (!t.is_empty() && !is_help(&t)).then_some(t)
}

/// Is (r, c) covered by a merge spanning several rows?
fn merged_down(sheet: &Sheet, r: u32, c: u32) -> bool {
    sheet.merge_covering(r, c).is_some_and(|m| m.last_row > m.first_row)
}

/// The deepest hierarchy column the row names, if any.
pub fn deepest_named(sheet: &Sheet, r: u32, hier: &[u32]) -> Option<usize> {
    hier.iter().rposition(|&h| named(sheet, r, h).is_some())
}

impl Habits {
    /// Habits of the columns `hier`, over the action rows `rows` (top to bottom).
    pub fn of(sheet: &Sheet, hier: &[u32], rows: &[u32]) -> Habits {
        let cols = hier.iter().map(|&h| Habit { merged: rows.iter().any(|&r| merged_down(sheet, r, h)) }).collect();
        Habits { cols }
    }

    /// How to read a blank cell of hierarchy column `j` on a row naming a shallower level:
    /// "same as above", unless the sheet merges that column's cells over their rows, where
    /// an unmerged blank is no level (and the caller says so at the cell).
    pub fn blank(&self, j: usize) -> Blank {
        match self.cols.get(j) {
            Some(h) if h.merged => Blank::NoLevel,
            _ => Blank::SameAsAbove,
        }
    }
}
