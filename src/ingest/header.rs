//! Finding the header block of an action table (one to three rows: section labels,
//! labels, years) and the template rows right under it; what each column holds comes
//! from `roles`.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::Field;
use crate::text::{column_letters, fold, one_line};

use super::fields::as_year;
use super::grid::{Sheet, Value};
use super::parse::{action_number, is_all_caps, is_top_section};
use super::roles::{self, Candidate, Evidence};

/// How many rows from the top a header may sit below a title block.
const HEADER_SEARCH_ROWS: u32 = 40;
/// Header cells longer than this are data or instructions, not labels.
const MAX_HEADER_CHARS: usize = 120;
/// Rows read to weigh a column's values.
const EVIDENCE_ROWS: usize = 200;

/// A column of the action table.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub col: u32,
    /// `None` for an unknown header: the column is kept as an extra field.
    pub field: Option<Field>,
    /// Header text as written ("Colonne F" when blank).
    pub header: String,
    /// The section label merged above the header ("Acteurs", "Budget"), if any.
    pub section: Option<String>,
}

/// The header of an action table.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// 0-based row of the header (the lower one for a two-row header).
    pub row: u32,
    /// 0-based first row of the header block (section labels included).
    pub top_row: u32,
    pub columns: Vec<Column>,
    /// Number of distinct recognised fields: how sure we are.
    pub score: usize,
    /// Rows under the header that are template help, not data: 0-based row and why.
    pub skipped: Vec<(u32, String)>,
    /// Why the title column is doubtful, when it is.
    pub doubt: Option<String>,
    /// Problems with the `[colonnes]` overrides, in French.
    pub warnings: Vec<String>,
    /// Hierarchy columns in the level order a person gave (`niveau_1`…); empty: column order.
    pub levels: Vec<u32>,
    /// The progress column holds a bare number above 1: all its numbers are percents.
    pub progress_in_percent: bool,
}

impl Header {
    pub fn col_of(&self, field: Field) -> Option<u32> {
        self.columns.iter().find(|c| c.field == Some(field)).map(|c| c.col)
    }

    pub fn hierarchy_cols(&self) -> Vec<u32> {
        let mut cols: Vec<u32> =
            self.columns.iter().filter(|c| c.field == Some(Field::Hierarchy)).map(|c| c.col).collect();
        if !self.levels.is_empty() {
            // The levels a person named come first, in their order.
            let rank = |c: &u32| self.levels.iter().position(|l| l == c).unwrap_or(usize::MAX);
            cols.sort_by_key(|c| (rank(c), *c));
        }
        cols
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

    pub fn is_skipped(&self, row: u32) -> bool {
        self.skipped.iter().any(|(r, _)| *r == row)
    }
}

fn header_text(v: &Value) -> Option<String> {
    match v {
        Value::Text(t) => Some(one_line(t)),
        Value::Number(n) if n.fract() == 0.0 && (1990.0..=2100.0).contains(n) => Some(format!("{}", *n as i64)),
        Value::Date(d) => Some(d.clone()),
        _ => None,
    }
}

/// A header cell: column, its best field on its own, text.
type HeaderCell = (u32, Option<Field>, String);

/// Header-like cells of one row with their best field.
fn classify_row(sheet: &Sheet, row: u32) -> Vec<HeaderCell> {
    let Some(cells) = sheet.rows.get(&row) else {
        return Vec::new();
    };
    cells
        .iter()
        .filter_map(|(c, v)| header_text(v).map(|t| (*c, t)))
        .filter(|(_, t)| t.chars().count() <= MAX_HEADER_CHARS)
        .map(|(c, t)| (c, roles::classify(&t), t))
        .collect()
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
pub fn find_header(sheet: &Sheet, overrides: &BTreeMap<String, String>) -> Option<Header> {
    find_header_at(sheet, overrides, None)
}

/// `find_header`, at the 0-based row `at` when a person named it.
pub fn find_header_at(sheet: &Sheet, overrides: &BTreeMap<String, String>, at: Option<u32>) -> Option<Header> {
    let (score, row, cells) = best_row(sheet, overrides, at)?;
    let sections = section_labels(sheet, row, &cells);
    let top_row = if sections.is_empty() { row } else { row - 1 };
    let mut texts: Vec<(u32, String)> = cells.into_iter().map(|(c, _, t)| (c, t)).collect();
    let header_row = years_below(sheet, row, &mut texts);
    texts.sort_by_key(|(c, _)| *c);
    let section_of = |c: u32| sections.range(..=c).next_back().filter(|(_, (_, end))| c <= *end).map(|(_, (t, _))| t);
    let mut cands: Vec<Candidate> = texts
        .iter()
        .map(|(c, t)| Candidate { col: *c, ranked: roles::candidates(t, section_of(*c).map(String::as_str)) })
        .collect();
    // Template rows under the header are found with the title column the labels suggest.
    let provisional = cands
        .iter()
        .filter_map(|c| c.ranked.iter().find(|(f, _)| *f == Field::Title).map(|(_, s)| (*s, c.col)))
        .max_by_key(|(s, c)| (*s, std::cmp::Reverse(*c)))
        .map(|(_, c)| c);
    let skipped = template_rows(sheet, header_row, provisional);
    let evidence = |col: u32| column_evidence(sheet, header_row, &skipped, col);
    // Numbers under a title header with texts in the unlabelled column beside: "N°" and
    // title share one merged header; the texts are the evidence.
    let labelled: BTreeSet<u32> = texts.iter().map(|(c, _)| *c).collect();
    let title_evidence = |col: u32| {
        let e = evidence(col);
        if e.numbers * 2 >= e.values && e.values > 0 && !labelled.contains(&(col + 1)) {
            evidence(col + 1)
        } else {
            e
        }
    };
    let fields = roles::assign(&mut cands, &title_evidence);
    let mut columns: Vec<Column> = texts
        .into_iter()
        .zip(fields)
        .map(|((col, header), field)| Column { col, field, header, section: section_of(col).cloned() })
        .collect();
    let given = super::header_fix::apply(sheet, top_row, header_row, overrides, &mut columns);
    notes_years_are_notes(&mut columns);
    lone_amounts_are_budgets(&mut columns);
    if !given.fields.contains(&Field::Title) {
        split_number_and_title(sheet, header_row, &mut columns);
    }
    add_blank_header_columns(sheet, header_row, &mut columns);
    year_spans(&mut columns);
    columns.retain(|c| !given.ignored.contains(&c.col));
    columns.sort_by_key(|c| c.col);
    let title = columns.iter().find(|c| c.field == Some(Field::Title))?;
    let doubt = evidence(title.col).doubt().map(|why| title_doubt(title, &why));
    let doubt = doubt.filter(|_| !overrides.keys().any(|k| Field::from_key(k) == Some(Field::Title)));
    let progress_in_percent = progress_in_percent(sheet, header_row, &columns);
    Some(Header {
        row: header_row,
        top_row,
        columns,
        score,
        skipped,
        doubt,
        warnings: given.warnings,
        levels: given.levels,
        progress_in_percent,
    })
}

/// The row that names the most fields within the top of the sheet (or the row a person
/// named): its score, index and cells.
fn best_row(
    sheet: &Sheet,
    overrides: &BTreeMap<String, String>,
    at: Option<u32>,
) -> Option<(usize, u32, Vec<HeaderCell>)> {
    let first = *sheet.rows.keys().next()?;
    let mut best: Option<(usize, u32, Vec<HeaderCell>)> = None;
    let rows = match at {
        Some(r) => r..r.saturating_add(1),
        None => first..first.saturating_add(HEADER_SEARCH_ROWS),
    };
    for (&row, _) in sheet.rows.range(rows) {
        let fields = classify_row(sheet, row);
        let has_title = fields.iter().any(|(_, f, _)| *f == Some(Field::Title));
        let s = score(&fields);
        let enough = if at.is_some() {
            true
        } else if overrides.is_empty() {
            has_title && s >= 2
        } else {
            s >= 1
        };
        if enough && best.as_ref().is_none_or(|(bs, _, _)| s > *bs) {
            best = Some((s, row, fields));
        }
    }
    best
}

/// Two-row header: "Calendrier" above, the years on the next row. The years join the
/// header's texts; the row the data starts under is returned.
fn years_below(sheet: &Sheet, row: u32, texts: &mut Vec<(u32, String)>) -> u32 {
    if texts.iter().any(|(_, t)| matches!(roles::classify(t), Some(Field::Year(_)))) {
        return row;
    }
    let below = classify_row(sheet, row + 1);
    let years: Vec<_> = below.iter().filter(|(_, f, _)| matches!(f, Some(Field::Year(_)))).cloned().collect();
    if years.len() < 2 || years.len() + 1 < below.len() {
        return row;
    }
    texts.retain(|(c, _)| !years.iter().any(|(yc, _, _)| yc == c));
    // The "Calendrier" cell spanning the years is not a column of its own.
    texts.retain(|(c, t)| roles::classify(t) != Some(Field::Schedule) || sheet.merge_at(row, *c).is_none());
    texts.extend(years.into_iter().map(|(c, _, t)| (c, t)));
    row + 1
}

/// What the first values under the header say of a column (template rows left out).
fn column_evidence(sheet: &Sheet, header_row: u32, skipped: &[(u32, String)], col: u32) -> Evidence {
    let mut e = Evidence::default();
    let mut seen = BTreeSet::new();
    for (r, _) in sheet.rows.range(header_row + 1..).filter(|(r, _)| !skipped.iter().any(|(s, _)| s == *r)) {
        if e.values >= EVIDENCE_ROWS {
            break;
        }
        if let Some(v) = sheet.get(*r, col) {
            if !matches!(v, Value::Text(t) if roles::is_help(t)) {
                e.add(v, &mut seen);
            }
        }
    }
    e
}

/// The warning when the title column's values do not read like action titles.
fn title_doubt(title: &Column, why: &str) -> String {
    format!(
        "La colonne {} « {} » est lue comme intitulé des actions, mais {why} : vérifiez-la, ou indiquez \
         la bonne colonne dans la table [colonnes] de plandoc.toml (par exemple intitule = \"D\").",
        column_letters(title.col),
        title.header
    )
}

/// A progress column is read one way: in percent as soon as one value is above 1.
fn progress_in_percent(sheet: &Sheet, header_row: u32, columns: &[Column]) -> bool {
    columns.iter().find(|c| c.field == Some(Field::Progress)).is_some_and(|c| {
        sheet
            .rows
            .range(header_row + 1..)
            .any(|(r, _)| sheet.get(*r, c.col).and_then(super::parse::bare_progress).is_some_and(|n| n > 1.0))
    })
}

/// Section labels on the row above the header ("Présentation de l'action", "Acteurs"…):
/// column of each label → (label, last column it covers). Empty when that row is a title.
fn section_labels(sheet: &Sheet, header_row: u32, header: &[HeaderCell]) -> BTreeMap<u32, (String, u32)> {
    let mut out = BTreeMap::new();
    let Some(above) = header_row.checked_sub(1).and_then(|r| sheet.rows.get(&r)) else {
        return out;
    };
    let labels: Vec<(u32, String)> =
        above.iter().filter_map(|(c, v)| header_text(v).map(|t| (*c, t))).filter(|(_, t)| !t.is_empty()).collect();
    // One text over the table is the plan's title; sections come at least two by two.
    if labels.len() < 2 {
        return out;
    }
    let last_col = header.iter().map(|(c, _, _)| *c).max().unwrap_or(0);
    for (i, (c, t)) in labels.iter().enumerate() {
        let next = labels.get(i + 1).map_or(last_col, |(n, _)| n.saturating_sub(1));
        let end = sheet.merge_at(header_row - 1, *c).map_or(next, |m| m.last_col.max(*c));
        out.insert(*c, (t.clone(), end));
    }
    out
}

/// Rows right under the header that are template help (field types, instructions,
/// examples) or a lone label ("Données"): skipped, with the reason.
fn template_rows(sheet: &Sheet, header_row: u32, title_col: Option<u32>) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    let rows: Vec<(u32, &Vec<(u32, Value)>)> =
        sheet.rows.range(header_row + 1..).take(5).map(|(r, c)| (*r, c)).collect();
    for (i, (r, cells)) in rows.iter().enumerate() {
        let help = cells.iter().filter(|(_, v)| matches!(v, Value::Text(t) if roles::is_help(t))).count();
        let title = title_col.and_then(|c| sheet.get(*r, c));
        let title_help = title.is_some_and(|v| matches!(v, Value::Text(t) if roles::is_help(t)));
        if title_help || (title.is_none() && help * 2 >= cells.len() && help > 0) {
            out.push((*r, "ligne d'aide du modèle (types de champs, consignes ou exemple)".to_string()));
            continue;
        }
        if title.is_none() && cells.len() == 1 {
            let (c, v) = &cells[0];
            let text = v.text();
            let short = text.split_whitespace().count() <= 2 && !is_all_caps(&text) && !is_top_section(&text);
            let next_has_own =
                rows.get(i + 1).is_some_and(|(nr, _)| sheet.get(*nr, *c).is_some_and(|nv| nv.text() != text));
            if short && next_has_own && sheet.merge_covering(*r, *c).is_none() {
                out.push((*r, format!("libellé « {text} » seul sous l'en-tête")));
                continue;
            }
        }
        break;
    }
    out
}

/// Year columns under a "Notes" section are notes per year, not a schedule.
fn notes_years_are_notes(columns: &mut [Column]) {
    for c in columns.iter_mut() {
        if let (Some(Field::Year(y)), Some(s)) = (c.field, &c.section) {
            if fold(s).starts_with("note") {
                c.field = None;
                c.header = format!("{} {y}", one_line(s));
            }
        }
    }
}

/// A column headed by a span of years — a school year "2024-2025", "2024/25", "Année
/// scolaire 2025-2026", or "2025-2027" — marks every year of the span: one column each.
fn year_spans(columns: &mut Vec<Column>) {
    let mut more = Vec::new();
    // "Année …" alone reads as a schedule column: the span says which years.
    for c in columns.iter_mut().filter(|c| matches!(c.field, None | Some(Field::Schedule))) {
        let folded = crate::text::fold_words(&c.header);
        let words: Vec<&str> = folded.split(' ').filter(|w| !matches!(*w, "annee" | "scolaire" | "")).collect();
        let [a, b] = words.as_slice() else { continue };
        let Some(a) = as_year(a) else { continue };
        let b = match (as_year(b), b.len() == 2 && b.bytes().all(|x| x.is_ascii_digit())) {
            (Some(b), _) => b,
            (None, true) => a - a % 100 + b.parse::<i32>().unwrap_or(0),
            _ => continue,
        };
        if !(a + 1..=a + 6).contains(&b) {
            continue;
        }
        c.field = Some(Field::Year(a));
        more.extend((a + 1..=b).map(|y| Column { field: Some(Field::Year(y)), ..c.clone() }));
    }
    columns.extend(more);
}

/// An amount column with no funder column before it is the action's budget.
fn lone_amounts_are_budgets(columns: &mut [Column]) {
    let has_budget = columns.iter().any(|c| c.field == Some(Field::Budget));
    let first_funder = columns.iter().filter(|c| c.field == Some(Field::Funder)).map(|c| c.col).min();
    let lone: Vec<usize> = columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.field == Some(Field::Amount) && first_funder.is_none_or(|f| c.col < f))
        .map(|(i, _)| i)
        .collect();
    if let [only] = lone.as_slice() {
        columns[*only].field = if has_budget { None } else { Some(Field::Budget) };
    }
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
        let section = columns[title].section.clone();
        columns[title].field = Some(Field::Number);
        columns.push(Column { col: next, field: Some(Field::Title), header, section });
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
        columns.push(Column { col, field: None, header: format!("Colonne {}", column_letters(col)), section: None });
    }
}

/// Is this row the header again (repeated at a page break)? Same texts in the same columns.
pub fn repeats_header(sheet: &Sheet, row: u32, header: &Header) -> bool {
    let Some(cells) = sheet.rows.get(&row) else {
        return false;
    };
    // Runs on every row: columns are found by binary search (they are sorted), and a
    // cheap length test comes first, as most data cells are far from any header.
    let same = cells
        .iter()
        .filter(|(c, v)| {
            let Ok(i) = header.columns.binary_search_by_key(c, |h| h.col) else {
                return false;
            };
            let h = &header.columns[i].header;
            match v {
                Value::Text(t) => t.len() < h.len() + 8 && one_line(t) == *h,
                Value::Number(_) => header_text(v).is_some_and(|t| t == *h),
                _ => false,
            }
        })
        .count();
    let named = header.columns.iter().filter(|c| c.field.is_some()).count();
    same >= 2 && same * 2 >= named
}

/// Year columns as written in the header, sorted.
pub fn header_years(header: &Header) -> Vec<i32> {
    let mut y: Vec<i32> = header.year_cols().into_iter().map(|(y, _)| y).collect();
    y.sort_unstable();
    y.dedup();
    y
}
