//! The "Plan d'actions" sheet: the canonical input layout, one row per action or
//! sub-action, then every column some action fills.

use rust_xlsxwriter::{DataValidation, DataValidationErrorStyle, Formula, Worksheet, XlsxError};

use super::{print_setup, SheetInput};
use crate::model::{Action, ActionRef, Field, Plan, Priority, Status};
use crate::render::print_fit::Grid;
use crate::templates::{input_columns, ColumnSpec};
use crate::validate::excel;

/// Columns beyond the canonical ones, present when some action fills them: people,
/// dates, budgets by kind, then one funder and one amount column per funding line.
enum More {
    /// A plain-text field, headed by its label.
    Text(Field),
    Funder(usize),
    Amount(usize),
}

enum MoreValue<'a> {
    Text(Option<&'a str>),
    Euros(f64),
}

impl More {
    fn header(&self) -> String {
        match self {
            More::Text(field) => capitalized(&field.label()),
            More::Funder(k) => format!("Financeur {}", k + 1),
            More::Amount(k) => format!("Montant {}", k + 1),
        }
    }

    fn value<'a>(&self, a: &'a Action) -> MoreValue<'a> {
        match self {
            More::Text(field) => MoreValue::Text(a.text_of(*field)),
            More::Funder(k) => MoreValue::Text(a.funding.get(*k).map(|l| l.funder.as_str())),
            More::Amount(k) => match a.funding.get(*k) {
                Some(l) => match (l.euros, &l.text) {
                    (Some(v), _) => MoreValue::Euros(v),
                    (None, t) => MoreValue::Text(t.as_deref()),
                },
                None => MoreValue::Text(None),
            },
        }
    }
}

/// One row of the "Plan d'actions" sheet: an action, or a sub-action under its parent.
struct SheetRow<'a> {
    at: &'a ActionRef<'a>,
    action: &'a Action,
    parent: Option<&'a Action>,
}

fn sheet_rows<'a>(actions: &'a [ActionRef<'a>]) -> Vec<SheetRow<'a>> {
    let mut out = Vec::with_capacity(actions.len());
    for at in actions {
        out.push(SheetRow { at, action: at.action, parent: None });
        out.extend(at.action.sub_actions.iter().map(|s| SheetRow { at, action: s, parent: Some(at.action) }));
    }
    out
}

/// The canonical columns, with one more level column per objective level beyond the
/// template's two ("Niveau 4"…) and a sub-action column when some action has them.
fn sheet_columns(plan: &Plan) -> Vec<ColumnSpec> {
    let mut cols = input_columns();
    let deeper = plan.objective_depth().saturating_sub(2);
    if let Some(i) = cols.iter().position(|c| c.field == "objectif_operationnel") {
        for k in (0..deeper).rev() {
            let level = k + 4;
            cols.insert(
                i + 1,
                ColumnSpec {
                    field: format!("niveau_{level}"),
                    title: format!("Niveau {level}"),
                    width: 26.0,
                    comment: String::new(),
                },
            );
        }
    }
    if plan.sub_action_count() > 0 {
        if let Some(i) = cols.iter().position(|c| c.field == "action") {
            let spec = ColumnSpec {
                field: "sous_action".into(),
                title: "Sous-action".into(),
                width: 40.0,
                comment: String::new(),
            };
            cols.insert(i + 1, spec);
        }
    }
    cols
}

/// Extra fields' names: the plan's extra columns, then any other name an action keeps
/// (a "Calendrier" text read for its years stays whole).
fn extra_columns(plan: &Plan, rows: &[SheetRow<'_>]) -> Vec<String> {
    let mut out = plan.extra_columns.clone();
    for r in rows {
        // A new name goes after the one before it on the action, as the input had them.
        let mut after: Option<usize> = None;
        for e in &r.action.extra {
            let i = match out.iter().position(|n| *n == e.name) {
                Some(i) => i,
                None => {
                    let i = after.map_or(out.len(), |a| a + 1);
                    out.insert(i, e.name.clone());
                    i
                }
            };
            after = Some(i);
        }
    }
    out
}

fn more_columns(actions: &[SheetRow<'_>]) -> Vec<More> {
    let texts = [
        Field::PilotPerson,
        Field::PilotService,
        Field::PilotStructure,
        Field::Elected,
        Field::StartDate,
        Field::EndDate,
        Field::BudgetOperating,
        Field::BudgetInvestment,
    ];
    let mut out: Vec<More> = texts
        .into_iter()
        .filter(|field| actions.iter().any(|r| r.action.text_of(*field).is_some()))
        .map(More::Text)
        .collect();
    let lines = actions.iter().map(|r| r.action.funding.len()).max().unwrap_or(0);
    for k in 0..lines {
        out.push(More::Funder(k));
        out.push(More::Amount(k));
    }
    out
}

/// Where each group of columns starts: canonical, more, extra, years.
struct Columns<'a> {
    cols: Vec<ColumnSpec>,
    more: Vec<More>,
    extra: Vec<String>,
    years: &'a [i32],
    n_base: u16,
    n_fixed: u16,
    first_year: u16,
    last_col: u16,
}

pub(super) fn plan_sheet(ws: &mut Worksheet, g: &mut Grid, input: &SheetInput<'_>) -> Result<(), XlsxError> {
    let SheetInput { plan, actions, years, .. } = *input;
    ws.set_name("Plan d'actions")?;
    let rows = sheet_rows(actions);
    let cols = sheet_columns(plan);
    let more = more_columns(&rows);
    let extra = extra_columns(plan, &rows);
    let n_base = cols.len() as u16;
    let n_fixed = n_base + more.len() as u16;
    let first_year = n_fixed + extra.len() as u16;
    let last_col = first_year + years.len().max(1) as u16 - 1;
    let c = Columns { cols, more, extra, years, n_base, n_fixed, first_year, last_col };
    header_row(ws, g, &c, input)?;
    for (i, sr) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        for (ci, col) in c.cols.iter().enumerate() {
            base_cell(ws, g, (row, ci as u16), &col.field, sr, input)?;
        }
        more_cells(ws, g, row, &c, sr.action, input)?;
    }
    let last_row = rows.len() as u32;
    validations(ws, &c, last_row)?;
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, last_row.max(1), last_col)?;
    print_setup(ws, plan, last_row, last_col, true, g.scale())
}

/// Widths and titles of every column.
fn header_row(ws: &mut Worksheet, g: &mut Grid, c: &Columns<'_>, input: &SheetInput<'_>) -> Result<(), XlsxError> {
    let f = input.f;
    for (i, col) in c.cols.iter().enumerate() {
        g.width(ws, i as u16, col.width)?;
    }
    for j in 0..c.more.len() {
        g.width(ws, c.n_base + j as u16, 20)?;
    }
    for (j, _) in c.extra.iter().enumerate() {
        g.width(ws, c.n_fixed + j as u16, 24)?;
    }
    for (j, _) in c.years.iter().enumerate() {
        g.width(ws, c.first_year + j as u16, 9)?;
    }
    for (i, col) in c.cols.iter().enumerate() {
        g.string(ws, (0, i as u16), &col.title, &f.header, true)?;
    }
    for (j, m) in c.more.iter().enumerate() {
        g.string(ws, (0, c.n_base + j as u16), m.header(), &f.header, true)?;
    }
    for (j, e) in c.extra.iter().enumerate() {
        g.string(ws, (0, c.n_fixed + j as u16), e, &f.header, true)?;
    }
    for (j, y) in c.years.iter().enumerate() {
        g.string(ws, (0, c.first_year + j as u16), y.to_string(), &f.header, true)?;
    }
    Ok(())
}

/// One cell of a canonical column: levels, number, title, plain texts, vocabulary,
/// amounts.
fn base_cell(
    ws: &mut Worksheet,
    g: &mut Grid,
    at: (u32, u16),
    key: &str,
    sr: &SheetRow<'_>,
    input: &SheetInput<'_>,
) -> Result<(), XlsxError> {
    let (plan, f) = (input.plan, input.f);
    let (r, a) = (sr.at, sr.action);
    if let Some(field) = Field::from_key(key).filter(|fd| Action::TEXT_FIELDS.contains(fd)) {
        return g.text(ws, at, a.text_of(field), &f.body, false);
    }
    match key {
        // A blank axis cell reads as "same as above": name the actions of no axis.
        "axe" if r.axis.implicit && plan.axis_count() > 0 => {
            g.text(ws, at, Some("(Action non classée)"), &f.body, false)
        }
        "axe" if !r.axis.implicit => {
            let t = match &r.axis.description {
                Some(d) => format!("{}\n{d}", r.axis.title),
                None => r.axis.title.clone(),
            };
            g.text(ws, at, Some(&t), &f.body, false)
        }
        "objectif_strategique" => g.text(ws, at, r.objectives.first().map(|o| o.title.as_str()), &f.body, false),
        "objectif_operationnel" => g.text(ws, at, r.objectives.get(1).map(|o| o.title.as_str()), &f.body, false),
        level if level.starts_with("niveau_") => {
            let depth = level["niveau_".len()..].parse::<usize>().unwrap_or(0);
            let o = depth.checked_sub(2).and_then(|d| r.objectives.get(d));
            g.text(ws, at, o.map(|o| o.title.as_str()), &f.body, false)
        }
        // A sub-action row names its action in the title column, itself here.
        "sous_action" => g.text(ws, at, sr.parent.map(|_| a.title.as_str()), &f.body, false),
        "numero" => match &a.number {
            Some(n) if n.bytes().all(|b| b.is_ascii_digit()) && n.len() < 10 => {
                g.num(ws, at, n.parse::<f64>().unwrap_or(0.0), &f.centre)
            }
            other => g.text(ws, at, other.as_deref(), &f.centre, false),
        },
        "action" => g.text(ws, at, Some(&sr.parent.unwrap_or(a).title), &f.body, false),
        "priorite" => g.text(ws, at, a.priority.map(Priority::label), &f.centre, false),
        "budget" => match &a.budget {
            Some(b) => match b.euros {
                Some(v) => g.num(ws, at, v, &f.euros),
                None => g.text(ws, at, Some(&b.text), &f.body, false),
            },
            None => g.text(ws, at, None, &f.body, false),
        },
        "indicateurs" => g.text(ws, at, Some(&a.indicators.join("\n")), &f.body, false),
        "statut" => g.text(ws, at, a.status.map(Status::label), &f.centre, false),
        "avancement" => match a.progress {
            Some(p) => g.num(ws, at, p / 100.0, &f.percent),
            None => g.text(ws, at, None, &f.body, false),
        },
        _ => g.text(ws, at, None, &f.body, false),
    }
}

/// The cells after the canonical ones: more fields, extra columns, years.
fn more_cells(
    ws: &mut Worksheet,
    g: &mut Grid,
    row: u32,
    c: &Columns<'_>,
    a: &Action,
    input: &SheetInput<'_>,
) -> Result<(), XlsxError> {
    let f = input.f;
    for (j, m) in c.more.iter().enumerate() {
        let col = c.n_base + j as u16;
        match m.value(a) {
            MoreValue::Euros(v) => {
                g.num(ws, (row, col), v, &f.euros)?;
            }
            MoreValue::Text(t) => g.text(ws, (row, col), t, &f.body, false)?,
        }
    }
    for (j, name) in c.extra.iter().enumerate() {
        let v = a.extra.iter().filter(|e| &e.name == name).map(|e| e.value.as_str()).collect::<Vec<_>>().join("\n");
        g.text(ws, (row, c.n_fixed + j as u16), Some(&v), &f.body, false)?;
    }
    for (j, y) in c.years.iter().enumerate() {
        let col = c.first_year + j as u16;
        if a.years.contains(y) {
            let mark = a.milestones.get(y).map_or("X", String::as_str);
            g.string(ws, (row, col), excel::cell_text(mark), &f.year_on, false)?;
        } else {
            g.blank(ws, (row, col), &f.centre)?;
        }
    }
    Ok(())
}

/// Dropdowns keep the annex a good input; years accept a milestone word too.
fn validations(ws: &mut Worksheet, c: &Columns<'_>, last_row: u32) -> Result<(), XlsxError> {
    let rows_end = last_row.max(1) + 200;
    let pos = |key: &str| c.cols.iter().position(|col| col.field == key).map(|p| p as u16);
    if let Some(col) = pos("priorite") {
        ws.add_data_validation(1, col, rows_end, col, &dropdown(&priority_labels(), "A")?)?;
    }
    if let Some(col) = pos("statut") {
        ws.add_data_validation(1, col, rows_end, col, &dropdown(&status_labels(), "B")?)?;
    }
    if !c.years.is_empty() {
        let v =
            DataValidation::new().allow_list_strings(&["X"])?.set_error_style(DataValidationErrorStyle::Information);
        ws.add_data_validation(1, c.first_year, rows_end, c.last_col, &v)?;
    }
    Ok(())
}

/// "personne pilote" → "Personne pilote".
fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The hidden sheet listing the priority (column A) and status (column B) labels, when
/// they cannot be written inside the dropdown rules.
const LISTS: &str = "Listes";

fn priority_labels() -> Vec<&'static str> {
    Priority::ALL.iter().map(|p| p.label()).collect()
}

fn status_labels() -> Vec<&'static str> {
    Status::ALL.iter().map(|s| s.label()).collect()
}

/// Whether both dropdowns hold their labels inside the rule (no comma in a label, 255
/// characters at most); else both list the cells of the hidden "Listes" sheet.
pub(super) fn lists_inline() -> bool {
    excel::inline_list(&priority_labels()) && excel::inline_list(&status_labels())
}

/// A dropdown of `labels`, inside the rule, or from column `list_col` of "Listes".
fn dropdown(labels: &[&str], list_col: &str) -> Result<DataValidation, XlsxError> {
    if lists_inline() {
        DataValidation::new().allow_list_strings(labels)
    } else {
        let range = format!("={LISTS}!${list_col}$1:${list_col}${}", labels.len().max(1));
        Ok(DataValidation::new().allow_list_formula(Formula::new(range)))
    }
}

/// The hidden "Listes" sheet: one label a cell, so a label may hold a comma or be long.
pub(super) fn lists_sheet(ws: &mut Worksheet) -> Result<(), XlsxError> {
    ws.set_name(LISTS)?;
    // Row by row: a sheet written in low-memory mode takes its rows in order.
    let (priorities, statuses) = (priority_labels(), status_labels());
    for i in 0..priorities.len().max(statuses.len()) {
        if let Some(l) = priorities.get(i) {
            ws.write_string(i as u32, 0, excel::cell_text(l))?;
        }
        if let Some(l) = statuses.get(i) {
            ws.write_string(i as u32, 1, excel::cell_text(l))?;
        }
    }
    ws.set_hidden(true);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_columns_are_headed_by_their_field_label() {
        assert_eq!(capitalized("personne pilote"), "Personne pilote");
        assert_eq!(capitalized("élu·e référent·e"), "Élu·e référent·e");
        assert_eq!(More::Text(Field::BudgetInvestment).header(), "Budget d'investissement");
        assert_eq!(capitalized(""), "");
    }
}
