//! Finding the header row of an action table and what each column holds.

use std::collections::BTreeSet;

use super::fields::{classify, Field};
use super::grid::{Sheet, Value};
use super::parse::action_number;

/// How many rows from the top a header may sit below a title block.
const HEADER_SEARCH_ROWS: u32 = 40;

/// A column of the action table.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub col: u32,
    /// `None` for an unknown header: the column is kept as an extra field.
    pub field: Option<Field>,
    /// Header text as written ("Colonne F" when blank).
    pub header: String,
}

/// The header of an action table.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// 0-based row of the header (the lower one for a two-row header).
    pub row: u32,
    /// 0-based first row of the header (differs from `row` for a two-row header).
    pub top_row: u32,
    pub columns: Vec<Column>,
    /// Number of distinct recognised fields: how sure we are.
    pub score: usize,
}

impl Header {
    pub fn col_of(&self, field: Field) -> Option<u32> {
        self.columns.iter().find(|c| c.field == Some(field)).map(|c| c.col)
    }

    pub fn hierarchy_cols(&self) -> Vec<u32> {
        self.columns.iter().filter(|c| c.field == Some(Field::Hierarchy)).map(|c| c.col).collect()
    }

    pub fn year_cols(&self) -> Vec<(i32, u32)> {
        self.columns
            .iter()
            .filter_map(|c| match c.field {
                Some(Field::Year(y)) => Some((y, c.col)),
                _ => None,
            })
            .collect()
    }
}

fn header_text(v: &Value) -> Option<String> {
    match v {
        Value::Text(t) => Some(crate::text::one_line(t)),
        Value::Number(n) if n.fract() == 0.0 && (1990.0..=2100.0).contains(n) => Some(format!("{}", *n as i64)),
        Value::Date(d) => Some(d.clone()),
        _ => None,
    }
}

/// A header cell: column, recognised field, text.
type HeaderCell = (u32, Option<Field>, String);

/// Recognised fields of one row, by column.
fn classify_row(sheet: &Sheet, row: u32) -> Vec<HeaderCell> {
    let Some(cells) = sheet.rows.get(&row) else {
        return Vec::new();
    };
    cells.iter().filter_map(|(c, v)| header_text(v).map(|t| (*c, classify(&t), t))).collect()
}

fn score(fields: &[HeaderCell]) -> usize {
    let distinct: BTreeSet<Field> = fields
        .iter()
        .filter_map(|(_, f, _)| *f)
        .map(|f| if let Field::Year(_) = f { Field::Year(0) } else { f })
        .collect();
    distinct.len()
}

/// The best header row within the top of the sheet, if it names an action column
/// and at least one other known field.
pub fn find_header(sheet: &Sheet) -> Option<Header> {
    let first = *sheet.rows.keys().next()?;
    let mut best: Option<(usize, u32, Vec<HeaderCell>)> = None;
    for (&row, _) in sheet.rows.range(first..first.saturating_add(HEADER_SEARCH_ROWS)) {
        let fields = classify_row(sheet, row);
        let has_title = fields.iter().any(|(_, f, _)| *f == Some(Field::Title));
        let s = score(&fields);
        if has_title && s >= 2 && best.as_ref().is_none_or(|(bs, _, _)| s > *bs) {
            best = Some((s, row, fields));
        }
    }
    let (score, row, fields) = best?;
    let mut header_row = row;
    let mut columns: Vec<Column> =
        fields.into_iter().map(|(col, field, header)| Column { col, field, header }).collect();
    // Two-row header: "Calendrier" above, the years on the next row.
    if !columns.iter().any(|c| matches!(c.field, Some(Field::Year(_)))) {
        let below = classify_row(sheet, row + 1);
        let years: Vec<_> = below.iter().filter(|(_, f, _)| matches!(f, Some(Field::Year(_)))).cloned().collect();
        if years.len() >= 2 && years.len() + 1 >= below.len() {
            columns.retain(|c| !years.iter().any(|(yc, _, _)| *yc == c.col));
            columns.retain(|c| !(c.field == Some(Field::Schedule) && years.iter().any(|(yc, _, _)| *yc == c.col)));
            // The "Calendrier" cell spanning the years is not a column of its own.
            columns.retain(|c| c.field != Some(Field::Schedule) || sheet.merge_at(row, c.col).is_none());
            for (col, field, header) in years {
                columns.push(Column { col, field, header });
            }
            header_row = row + 1;
        }
    }
    split_number_and_title(sheet, header_row, &mut columns);
    add_blank_header_columns(sheet, header_row, &mut columns);
    columns.sort_by_key(|c| c.col);
    Some(Header { row: header_row, top_row: row, columns, score })
}

/// "ACTIONS PRIORISEES" merged over two columns, numbers in the first and text in the
/// second: the first becomes the number column.
fn split_number_and_title(sheet: &Sheet, header_row: u32, columns: &mut Vec<Column>) {
    if columns.iter().any(|c| c.field == Some(Field::Number)) {
        return;
    }
    let Some(title) = columns.iter().position(|c| c.field == Some(Field::Title)) else {
        return;
    };
    let col = columns[title].col;
    let next = col + 1;
    if columns.iter().any(|c| c.col == next) {
        return;
    }
    let data_rows: Vec<u32> = sheet.rows.range(header_row + 1..).map(|(r, _)| *r).take(200).collect();
    let mut numbers = 0usize;
    let mut texts = 0usize;
    for &r in &data_rows {
        if let Some(v) = sheet.get(r, col) {
            if matches!(action_number(v), Ok(Some(_))) {
                numbers += 1;
            }
        }
        if let Some(Value::Text(_)) = sheet.get(r, next) {
            texts += 1;
        }
    }
    if numbers >= 2 && texts >= numbers / 2 {
        let header = columns[title].header.clone();
        columns[title].field = Some(Field::Number);
        columns.push(Column { col: next, field: Some(Field::Title), header });
    }
}

/// Columns with data but no header are kept as extra fields named by their letter.
fn add_blank_header_columns(sheet: &Sheet, header_row: u32, columns: &mut Vec<Column>) {
    let known: BTreeSet<u32> = columns.iter().map(|c| c.col).collect();
    let mut extra: BTreeSet<u32> = BTreeSet::new();
    for (_, cells) in sheet.rows.range(header_row + 1..) {
        for (c, _) in cells {
            if !known.contains(c) && extra.len() < 64 {
                extra.insert(*c);
            }
        }
    }
    for col in extra {
        columns.push(Column { col, field: None, header: format!("Colonne {}", crate::text::column_letters(col)) });
    }
}

/// Is this row the header again (repeated at a page break)? Same texts in the same columns.
pub fn repeats_header(sheet: &Sheet, row: u32, header: &Header) -> bool {
    let Some(cells) = sheet.rows.get(&row) else {
        return false;
    };
    let same = cells
        .iter()
        .filter(|(c, v)| {
            header.columns.iter().any(|h| {
                h.col == *c
                    && match v {
                        // Cheap length test first: most data cells are far from any header.
                        Value::Text(t) => t.len() < h.header.len() + 8 && crate::text::one_line(t) == h.header,
                        Value::Number(_) => header_text(v).is_some_and(|t| t == h.header),
                        _ => false,
                    }
            })
        })
        .count();
    let named = header.columns.iter().filter(|c| c.field.is_some()).count();
    same >= 2 && same * 2 >= named
}

/// Year columns as written in the header, sorted.
pub fn header_years(header: &Header) -> Vec<i32> {
    let mut y: Vec<i32> = header.year_cols().into_iter().map(|(y, _)| y).collect();
    y.sort_unstable();
    y
}
