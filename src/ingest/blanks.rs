//! A blank hierarchy cell on a row that names a shallower level ("Axe 1", then nothing
//! under "Objectif"): is it "same as above" or "no level here"? Hand-made sheets use
//! both, so each column's habits decide: merged cells say "same as above" by merging,
//! a column written again row after row says that its blanks are deliberate, and a
//! column left blank on every following row says the opposite. When the sheet shows no
//! clear habit, the reading is said, never silently guessed.

use std::borrow::Cow;

use super::grid::{Sheet, Value};
use super::roles::is_help;

/// How a blank cell is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blank {
    /// The level of the row above goes on.
    SameAsAbove,
    /// The row has no level at this depth: its action hangs on the level it names.
    NoLevel { sure: bool },
}

/// What a hierarchy column's cells show, over the rows that hold an action.
#[derive(Debug, Clone, Default)]
struct Habit {
    /// Some cell of the column is merged down over several rows.
    merged: bool,
    /// Rows whose own cell writes again the value of the row above.
    repeats: usize,
    /// Rows leaving it blank while naming a shallower level (the case to decide).
    under_named: usize,
    /// Rows leaving it and every shallower column blank ("same as above" everywhere).
    continued: usize,
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

/// The row's own text in that cell (merges not looked through).
fn own(sheet: &Sheet, r: u32, c: u32) -> Option<Cow<'_, str>> {
    let v = sheet.get(r, c)?;
    let t = v.as_text();
    (!matches!(v, Value::Error(_)) && !t.is_empty() && !is_help(&t)).then_some(t)
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
        let mut cols = vec![Habit::default(); hier.len()];
        let mut previous: Vec<Option<Cow<'_, str>>> = vec![None; hier.len()];
        for &r in rows {
            let deepest = deepest_named(sheet, r, hier);
            for (j, &h) in hier.iter().enumerate() {
                let habit = &mut cols[j];
                habit.merged |= merged_down(sheet, r, h);
                match own(sheet, r, h) {
                    Some(t) => {
                        if previous[j].as_ref() == Some(&t) {
                            habit.repeats += 1;
                        } else {
                            previous[j] = Some(t);
                        }
                    }
                    None if previous[j].is_none() || named(sheet, r, h).is_some() => {}
                    None => match deepest {
                        None => habit.continued += 1,
                        Some(d) if d + 1 == j => habit.under_named += 1,
                        Some(_) => {}
                    },
                }
            }
        }
        Habits { cols }
    }

    /// How to read a blank cell of hierarchy column `j` on a row naming a shallower level.
    pub fn blank(&self, j: usize) -> Blank {
        let Some(h) = self.cols.get(j) else {
            return Blank::SameAsAbove;
        };
        if h.merged {
            // The sheet merges a level's cells: an unmerged blank is no level.
            Blank::NoLevel { sure: true }
        } else if h.repeats > 0 {
            // The sheet writes the level again on its rows: a blank is deliberate, unless
            // other rows leave everything blank under the same level.
            Blank::NoLevel { sure: h.continued == 0 }
        } else if h.under_named >= 2 && h.continued == 0 {
            // Every row names the shallower level and leaves this one blank after its
            // first row: the sheet's way of saying "same as above".
            Blank::SameAsAbove
        } else {
            Blank::NoLevel { sure: false }
        }
    }
}
