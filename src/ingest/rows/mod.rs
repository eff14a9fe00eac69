//! Rows of an action table → the plan hierarchy, with every reading problem as a
//! diagnostic at its cell.

use crate::model::{Axis, Field};
use crate::text::{a1, clean, fold, one_line, truncate_chars};
use crate::validate::{Code, Diagnostic};

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

/// Reads the rows under `header` into the hierarchy, row by row, in the sheet's order.
pub fn read_table(file: &str, sheet: &Sheet, header: &Header) -> TableReading {
    let data_rows = data_rows(sheet, header);
    let outline = read_outline(sheet, header, &data_rows);
    let hier = header.hierarchy_cols();
    let mut rd = TableRead {
        file,
        sheet,
        header,
        funding: funding_columns(header),
        st: State { carried: vec![None; hier.len()], ..Default::default() },
        hier,
        outline,
        habits: None,
        tree: Tree::new(file, &sheet.name),
        out: TableReading { title_lines: title_lines(sheet, header), ..Default::default() },
        help_cells: Vec::new(),
    };
    for (row, why) in &header.skipped {
        rd.out.notes.push(format!("Ligne {} de « {} » ignorée : {why}.", row + 1, sheet.name));
    }
    for &r in &data_rows {
        rd.read_row(r, &data_rows);
    }
    rd.finish()
}

/// Text rows above the header (the title block), one line each.
fn title_lines(sheet: &Sheet, header: &Header) -> Vec<String> {
    let texts = sheet.rows.range(..header.top_row).flat_map(|(_, cells)| cells.iter());
    texts
        .filter_map(|(_, v)| match v {
            Value::Text(t) => Some(one_line(t)),
            _ => None,
        })
        .filter(|t| !t.is_empty())
        .collect()
}

/// The rows read as data: not empty, not skipped, not the header repeated, not the
/// template's example.
fn data_rows(sheet: &Sheet, header: &Header) -> Vec<u32> {
    sheet
        .rows
        .range(header.row + 1..)
        .filter(|(&r, cells)| {
            !(cells.is_empty()
                || header.is_skipped(r)
                || repeats_header(sheet, r, header)
                || is_example_row(sheet, header, r))
        })
        .map(|(&r, _)| r)
        .collect()
}

/// The reading of one table, row after row.
struct TableRead<'a> {
    file: &'a str,
    sheet: &'a Sheet,
    header: &'a Header,
    hier: Vec<u32>,
    funding: action_row::FundingCols,
    outline: super::outline::Outline,
    /// How the sheet leaves level cells blank; read only when some row leaves a level
    /// blank under one it names.
    habits: Option<Habits>,
    st: State,
    tree: Tree,
    out: TableReading,
    help_cells: Vec<String>,
}

impl TableRead<'_> {
    fn read_row(&mut self, r: u32, data_rows: &[u32]) {
        let (sheet, header) = (self.sheet, self.header);
        let Some(cells) = sheet.rows.get(&r) else { return };
        if let Some(OutlineRow::Level { number, title }) = self.outline.get(&r) {
            self.st.outline.retain(|(n, _)| number.starts_with(&format!("{n}.")));
            let text = if number.contains('.') { format!("{number} {title}") } else { format!("{number}. {title}") };
            let col = header.col_of(Field::Title).unwrap_or(0);
            self.st.outline.push((number.clone(), Label { text, row: r, col }));
            self.tree.ensure(&self.st.path());
            return;
        }
        formula_errors(&sheet.name, r, cells, &mut self.out.diagnostics);
        if self.label_row(r, cells) {
            return;
        }
        self.carry_levels(r);
        if self.hier.len() > 1 && self.own_title(r) {
            self.attach_to_named_level(r, data_rows);
        }
        if let Some(OutlineRow::Action { number }) = self.outline.get(&r) {
            // "1.2" after "1.1.1…": the levels it is not numbered under end here.
            if self.st.outline.iter().any(|(n, _)| OutlineRow::is_under(number, n)) {
                self.st.outline.retain(|(n, _)| OutlineRow::is_under(number, n));
            }
        }
        let path = self.st.path();
        let place = RowPlace { file: self.file, sheet, header, funding: &self.funding, row: r };
        match read_action(&place, &mut self.out.diagnostics, &mut self.help_cells) {
            RowAction::Action(a) => match self.outline.get(&r) {
                Some(OutlineRow::Sub { parent }) => self.tree.push_numbered_sub(&path, parent, *a),
                _ => self.tree.push(&path, *a),
            },
            RowAction::Sub(parent, sub) => self.tree.push_sub(&path, *parent, *sub),
            RowAction::Continuation(a) => {
                if !self.tree.extend_last(*a) {
                    self.tree.ensure(&path);
                }
            }
            RowAction::Nothing => {
                self.tree.ensure(&path);
            }
        }
    }

    /// Does the row carry its own action title (not a level of a numbered outline)?
    fn own_title(&self, r: u32) -> bool {
        self.header.col_of(Field::Title).and_then(|c| self.sheet.get(r, c)).is_some_and(|v| !is_help(&v.as_text()))
            && !matches!(self.outline.get(&r), Some(OutlineRow::Level { .. }))
    }

    /// A row holding one text outside the action columns (or across them, merged): a level
    /// or a section. True when the row was taken so.
    fn label_row(&mut self, r: u32, cells: &[(u32, Value)]) -> bool {
        let Some((col, text)) = lone_text(cells).filter(|(_, t)| !is_help(t)) else { return false };
        if self.out.title_lines.iter().any(|t| *t == one_line(&text)) {
            return true; // the title block repeated at a page break
        }
        let field = self.header.columns.iter().find(|c| c.col == col).and_then(|c| c.field);
        let wide = self.sheet.merge_at(r, col).is_some_and(|m| m.last_col > m.first_col);
        let in_action_col = matches!(field, Some(Field::Title | Field::Number));
        if in_action_col && !wide {
            return false;
        }
        let label = Label { text: clean(&text).into_owned(), row: r, col };
        let hier_idx = self.hier.iter().position(|&h| h == col);
        let plain_value = hier_idx.is_some()
            && !wide
            && !is_top_section(&text)
            && !is_all_caps(&text)
            && !fold(&text).starts_with("objectif");
        if let (true, Some(i)) = (plain_value, hier_idx) {
            self.st.carried[i] = Some(label);
            self.st.reset_columns(i + 1);
        } else {
            section_row(&mut self.st, label);
        }
        self.tree.ensure(&self.st.path());
        true
    }

    /// Hierarchy columns: a blank or merged cell means "same as above".
    fn carry_levels(&mut self, r: u32) {
        let sheet = self.sheet;
        for (i, &h) in self.hier.iter().enumerate() {
            let Some(v) = sheet.get_merged(r, h) else { continue };
            let text = v.as_text();
            if text.is_empty() || matches!(v, Value::Error(_)) {
                continue;
            }
            // Most rows repeat the level above: nothing to change, nothing to copy.
            if self.st.carried[i].as_ref().is_some_and(|l| l.text == text) {
                continue;
            }
            if is_help(&text) {
                if sheet.get(r, h).is_some() {
                    self.help_cells.push(a1(r, h));
                }
                continue;
            }
            if is_unclassified(&text) {
                // "(Action non classée)": straight under the plan, no level at all.
                self.st.carried.iter_mut().for_each(|c| *c = None);
                break;
            }
            self.st.carried[i] = Some(Label { text: text.into_owned(), row: r, col: h });
            self.st.reset_columns(i + 1);
        }
    }

    /// A row naming a level but leaving the next one blank, in a sheet whose blanks do not
    /// mean "same as above" there: the action goes under the level it names, said at the cell.
    fn attach_to_named_level(&mut self, r: u32, data_rows: &[u32]) {
        let Some(d) = deepest_named(self.sheet, r, &self.hier)
            .filter(|d| self.st.carried.get(d + 1).is_some_and(Option::is_some))
        else {
            return;
        };
        if self.habits.is_none() {
            let rows: Vec<u32> = data_rows.iter().copied().filter(|&r| self.own_title(r)).collect();
            self.habits = Some(Habits::of(self.sheet, &self.hier, &rows));
        }
        if self.habits.as_ref().is_some_and(|h| h.blank(d + 1) == Blank::NoLevel) {
            let above = self.st.carried[d + 1].take().map(|l| l.text).unwrap_or_default();
            self.st.reset_columns(d + 1);
            let w = attached_warning(self.header, &self.st, &self.sheet.name, r, d, &self.hier, &above);
            self.out.diagnostics.push(w);
        }
    }

    fn finish(mut self) -> TableReading {
        let mut out = self.out;
        out.axes = self.tree.finish();
        out.deep_outline = self.outline.deep;
        out.valued_levels = std::mem::take(&mut self.outline.valued_levels);
        if !self.help_cells.is_empty() {
            let shown: Vec<&str> = self.help_cells.iter().take(12).map(String::as_str).collect();
            let more = if self.help_cells.len() > shown.len() { " …" } else { "" };
            out.notes.push(format!(
                "{} cellule(s) d'aide du modèle ignorée(s) dans « {} » : {}{more}.",
                self.help_cells.len(),
                self.sheet.name,
                shown.join(", ")
            ));
        }
        out
    }
}

/// A formula error in a row: an error at its cell.
fn formula_errors(sheet: &str, r: u32, cells: &[(u32, Value)], out: &mut Vec<Diagnostic>) {
    for (c, v) in cells {
        if let Value::Error(e) = v {
            out.push(
                Diagnostic::new(
                    Code::ErreurFormule,
                    format!(
                        "La cellule contient l'erreur de formule {e} : corrigez la formule ou saisissez la valeur."
                    ),
                )
                .at(sheet, Some(a1(r, *c))),
            );
        }
    }
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
    Diagnostic::new(
        Code::NiveauVideIncertain,
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
