//! Rows of an action table → the plan hierarchy, with every reading problem as a
//! diagnostic at its cell.

use crate::model::{Axis, Field};
use crate::text::{a1, clean, fold, one_line, truncate_chars};
use crate::validate::Diagnostic;

use super::blanks::{deepest_named, Blank, Habits};
use super::grid::{Sheet, Value};
use super::header::{repeats_header, Header};
use super::outline::{read_outline, OutlineRow};
use super::parse::{is_all_caps, is_top_section};
use super::roles::is_help;

/// What the table rows gave: the hierarchy, the problems, and the text above the header.
#[derive(Debug, Default)]
pub struct TableReading {
    pub axes: Vec<Axis>,
    pub diagnostics: Vec<Diagnostic>,
    /// Text rows above the header (title block), top to bottom.
    pub title_lines: Vec<String>,
    /// Rows skipped and template help ignored, in French.
    pub notes: Vec<String>,
    /// The rows are a deep numbered outline (a référentiel): leaves are the actions.
    pub deep_outline: bool,
    /// Levels of that outline that also hold values in other columns: row and columns.
    pub valued_levels: Vec<(u32, Vec<u32>)>,
}

mod action_row;
mod tree;

use action_row::{funding_columns, read_action, RowAction, RowPlace};
use tree::Tree;

/// A hierarchy label with the row it was read on.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Label {
    text: String,
    row: u32,
    col: u32,
}

#[derive(Default)]
struct State {
    top: Option<Label>,
    sub: Option<Label>,
    objective_section: Option<Label>,
    /// Levels given by a numbered outline, with their numbers, outermost first.
    outline: Vec<(String, Label)>,
    /// Current value of each hierarchy column, carried down over blank cells.
    carried: Vec<Option<Label>>,
}

impl State {
    fn reset_columns(&mut self, from: usize) {
        for c in self.carried.iter_mut().skip(from) {
            *c = None;
        }
    }

    fn path(&self) -> Vec<Label> {
        let mut out: Vec<Label> = Vec::new();
        for l in [&self.top, &self.sub, &self.objective_section]
            .into_iter()
            .flatten()
            .chain(self.carried.iter().flatten())
            .chain(self.outline.iter().map(|(_, l)| l))
        {
            if out.last().is_none_or(|p| p.text != l.text) {
                out.push(l.clone());
            }
        }
        out
    }
}

pub fn read_table(file: &str, sheet: &Sheet, header: &Header) -> TableReading {
    let mut out = TableReading::default();
    for (_, cells) in sheet.rows.range(..header.top_row) {
        for (_, v) in cells {
            if let Value::Text(t) = v {
                let t = one_line(t);
                if !t.is_empty() {
                    out.title_lines.push(t);
                }
            }
        }
    }
    let hier = header.hierarchy_cols();
    let funding = funding_columns(header);
    let mut st = State { carried: vec![None; hier.len()], ..Default::default() };
    let mut tree = Tree::new(file, &sheet.name);
    for (row, why) in &header.skipped {
        out.notes.push(format!("Ligne {} de « {} » ignorée : {why}.", row + 1, sheet.name));
    }
    let mut help_cells: Vec<String> = Vec::new();
    let data_rows: Vec<u32> = sheet
        .rows
        .range(header.row + 1..)
        .filter(|(&r, cells)| {
            !(cells.is_empty()
                || header.is_skipped(r)
                || repeats_header(sheet, r, header)
                || is_example_row(sheet, header, r))
        })
        .map(|(&r, _)| r)
        .collect();
    let outline = read_outline(sheet, header, &data_rows);
    let title_col = header.col_of(Field::Title).unwrap_or(0);
    let own_title = |r: u32| {
        header.col_of(Field::Title).and_then(|c| sheet.get(r, c)).is_some_and(|v| !is_help(&v.as_text()))
            && !matches!(outline.get(&r), Some(OutlineRow::Level { .. }))
    };
    // Read only when some row leaves a level blank under one it names.
    let mut habits: Option<Habits> = None;
    for &r in &data_rows {
        let Some(cells) = sheet.rows.get(&r) else { continue };
        if let Some(OutlineRow::Level { number, title }) = outline.get(&r) {
            st.outline.retain(|(n, _)| number.starts_with(&format!("{n}.")));
            let text = if number.contains('.') { format!("{number} {title}") } else { format!("{number}. {title}") };
            st.outline.push((number.clone(), Label { text, row: r, col: title_col }));
            tree.ensure(&st.path());
            continue;
        }
        for (c, v) in cells {
            if let Value::Error(e) = v {
                out.diagnostics.push(
                    Diagnostic::error(
                        "erreur-formule",
                        format!(
                            "La cellule contient l'erreur de formule {e} : corrigez la formule ou saisissez la valeur."
                        ),
                    )
                    .at(&sheet.name, Some(a1(r, *c))),
                );
            }
        }
        if let Some((col, text)) = lone_text(cells).filter(|(_, t)| !is_help(t)) {
            if out.title_lines.iter().any(|t| *t == one_line(&text)) {
                continue; // the title block repeated at a page break
            }
            let field = header.columns.iter().find(|c| c.col == col).and_then(|c| c.field);
            let wide = sheet.merge_at(r, col).is_some_and(|m| m.last_col > m.first_col);
            let in_action_col = matches!(field, Some(Field::Title | Field::Number));
            if !in_action_col || wide {
                let label = Label { text: clean(&text).into_owned(), row: r, col };
                let hier_idx = hier.iter().position(|&h| h == col);
                let plain_value = hier_idx.is_some()
                    && !wide
                    && !is_top_section(&text)
                    && !is_all_caps(&text)
                    && !fold(&text).starts_with("objectif");
                if let (true, Some(i)) = (plain_value, hier_idx) {
                    st.carried[i] = Some(label);
                    st.reset_columns(i + 1);
                } else {
                    section_row(&mut st, label);
                }
                tree.ensure(&st.path());
                continue;
            }
        }
        // Hierarchy columns: a blank or merged cell means "same as above".
        for (i, &h) in hier.iter().enumerate() {
            if let Some(v) = sheet.get_merged(r, h) {
                let text = v.as_text();
                if text.is_empty() || matches!(v, Value::Error(_)) {
                    continue;
                }
                // Most rows repeat the level above: nothing to change, nothing to copy.
                if st.carried[i].as_ref().is_some_and(|l| l.text == text) {
                    continue;
                }
                if is_help(&text) {
                    if sheet.get(r, h).is_some() {
                        help_cells.push(a1(r, h));
                    }
                    continue;
                }
                if is_unclassified(&text) {
                    // "(Action non classée)": straight under the plan, no level at all.
                    st.carried.iter_mut().for_each(|c| *c = None);
                    break;
                }
                st.carried[i] = Some(Label { text: text.into_owned(), row: r, col: h });
                st.reset_columns(i + 1);
            }
        }
        if hier.len() > 1 && own_title(r) {
            if let Some(d) =
                deepest_named(sheet, r, &hier).filter(|d| st.carried.get(d + 1).is_some_and(Option::is_some))
            {
                let habits = habits.get_or_insert_with(|| {
                    let rows: Vec<u32> = data_rows.iter().copied().filter(|&r| own_title(r)).collect();
                    Habits::of(sheet, &hier, &rows)
                });
                if habits.blank(d + 1) == Blank::NoLevel {
                    let above = st.carried[d + 1].take().map(|l| l.text).unwrap_or_default();
                    st.reset_columns(d + 1);
                    out.diagnostics.push(attached_warning(header, &st, &sheet.name, r, d, &hier, &above));
                }
            }
        }
        if let Some(OutlineRow::Action { number }) = outline.get(&r) {
            // "1.2" after "1.1.1…": the levels it is not numbered under end here.
            if st.outline.iter().any(|(n, _)| OutlineRow::is_under(number, n)) {
                st.outline.retain(|(n, _)| OutlineRow::is_under(number, n));
            }
        }
        let path = st.path();
        let place = RowPlace { file, sheet, header, funding: &funding, row: r };
        match read_action(&place, &mut out.diagnostics, &mut help_cells) {
            RowAction::Action(a) => match outline.get(&r) {
                Some(OutlineRow::Sub { parent }) => tree.push_numbered_sub(&path, parent, *a),
                _ => tree.push(&path, *a),
            },
            RowAction::Sub(parent, sub) => tree.push_sub(&path, *parent, *sub),
            RowAction::Continuation(a) => {
                if !tree.extend_last(*a) {
                    tree.ensure(&path);
                }
            }
            RowAction::Nothing => {
                tree.ensure(&path);
            }
        }
    }
    out.axes = tree.finish();
    out.deep_outline = outline.deep;
    out.valued_levels = outline.valued_levels;
    if !help_cells.is_empty() {
        let shown: Vec<&str> = help_cells.iter().take(12).map(String::as_str).collect();
        let more = if help_cells.len() > shown.len() { " …" } else { "" };
        out.notes.push(format!(
            "{} cellule(s) d'aide du modèle ignorée(s) dans « {} » : {}{more}.",
            help_cells.len(),
            sheet.name,
            shown.join(", ")
        ));
    }
    out
}

/// An action attached straight to the level its row names, its next level's cell left
/// blank outside the merges that column uses for "same as above": said at the cell.
fn attached_warning(
    header: &Header,
    st: &State,
    sheet: &str,
    r: u32,
    d: usize,
    hier: &[u32],
    above: &str,
) -> Diagnostic {
    let level = st.carried[d].as_ref().map(|l| l.text.clone()).unwrap_or_default();
    let column = header.columns.iter().find(|c| c.col == hier[d + 1]).map_or("", |c| &c.header);
    Diagnostic::warning(
        "niveau-vide-incertain",
        format!(
            "La ligne nomme « {} » mais laisse vide la colonne « {column} », hors des cellules fusionnées qui y \
             veulent dire « comme au-dessus » : son action est rattachée directement à « {} », et non à « {} » du \
             dessus. Si elle en relève, recopiez « {} » dans cette cellule ou fusionnez-la avec celle du dessus.",
            truncate_chars(&level, 60),
            truncate_chars(&level, 60),
            truncate_chars(above, 60),
            truncate_chars(above, 60),
        ),
    )
    .at(sheet, Some(a1(r, hier[d + 1])))
}

/// The platform's mark of an action filed under no axis.
fn is_unclassified(text: &str) -> bool {
    let f = fold(text);
    let f = f.trim_matches(|c: char| c == '(' || c == ')' || c.is_whitespace());
    matches!(f, "action non classee" | "actions non classees" | "non classee" | "non classe" | "sans axe")
}

/// The template's example row: its number cell says "Exemple".
fn is_example_row(sheet: &Sheet, header: &Header, r: u32) -> bool {
    header.col_of(Field::Number).and_then(|c| sheet.get(r, c)).is_some_and(|v| {
        // A cheap look first: this runs on every row.
        matches!(v, Value::Text(t) if t.trim_start().starts_with(['e', 'E', 'é', 'É']))
            && matches!(fold(&v.text()).as_str(), "exemple" | "ex." | "ex")
    })
}

fn section_row(st: &mut State, label: Label) {
    let f = fold(&label.text);
    if f.starts_with("objectif") {
        st.objective_section = Some(label);
    } else if is_top_section(&label.text) || st.top.is_none() {
        st.top = Some(label);
        st.sub = None;
        st.objective_section = None;
    } else {
        st.sub = Some(label);
        st.objective_section = None;
    }
    st.reset_columns(0);
}

/// The row's only text, when every non-empty cell holds the same text.
fn lone_text(cells: &[(u32, Value)]) -> Option<(u32, String)> {
    let mut found: Option<(u32, &str)> = None;
    for (c, v) in cells {
        match v {
            Value::Text(t) => match found {
                None => found = Some((*c, t)),
                Some((_, f)) if f.trim() == t.trim() => {}
                Some(_) => return None,
            },
            Value::Error(_) => {}
            _ => return None,
        }
    }
    found.map(|(c, t)| (c, one_line(t)))
}
