//! One row of an action table → an action (or sub-action, or more of the one above),
//! its funding lines checked against its total.

use std::collections::{BTreeMap, BTreeSet};

use crate::ingest::fields;
use crate::ingest::grid::{Sheet, Value};
use crate::ingest::header::{Column, Header};
use crate::ingest::parse::{
    action_number, bare_progress, parse_action_text, parse_date, progress_in, schedule_years, split_list, year_mark,
    years_in_text, YearMark,
};
use crate::ingest::roles::is_help;
use crate::model::{Action, Budget, ExtraField, Field, FundingLine, Origin, Priority, Status};
use crate::text::{a1, clean, column_letters, format_number, parse_amount};
use crate::validate::{Code, Diagnostic};

/// Funding line columns: a funder column and the amount column after it.
pub(super) type FundingCols = Vec<(Option<u32>, Option<u32>)>;

pub(super) fn funding_columns(header: &Header) -> FundingCols {
    let mut out: FundingCols = Vec::new();
    for c in &header.columns {
        match c.field {
            Some(Field::Funder) => out.push((Some(c.col), None)),
            Some(Field::Amount) => match out.last_mut() {
                Some((Some(_), a @ None)) => *a = Some(c.col),
                _ => out.push((None, Some(c.col))),
            },
            _ => {}
        }
    }
    out
}
pub(super) enum RowAction {
    Action(Box<Action>),
    /// A sub-action row: the parent as the title column names it, then the sub-action.
    Sub(Box<Action>, Box<Action>),
    /// Cells below a merged title: more of the previous action.
    Continuation(Box<Action>),
    Nothing,
}

/// Where a row is read: the file and sheet, its header, its funding columns, its index.
pub(super) struct RowPlace<'a> {
    pub file: &'a str,
    pub sheet: &'a Sheet,
    pub header: &'a Header,
    pub funding: &'a FundingCols,
    pub row: u32,
}

/// What one row's cells have said so far.
#[derive(Default)]
struct RowRead {
    a: Action,
    years: BTreeSet<i32>,
    milestones: BTreeMap<i32, String>,
    /// "Action 3 : …" in the title: its number, and an aim after "Objectif :".
    inline_number: Option<String>,
    inline_aim: Option<String>,
    has_content: bool,
    sub_title: Option<String>,
    title_text: Option<String>,
    budget_col: Option<u32>,
    /// Years of the start and end dates.
    dated: BTreeSet<i32>,
}

pub(super) fn read_action(
    place: &RowPlace<'_>,
    diags: &mut Vec<Diagnostic>,
    help_cells: &mut Vec<String>,
) -> RowAction {
    let RowPlace { file, sheet, header, row: r, .. } = *place;
    let origin =
        Origin { file: file.into(), sheet: sheet.name.clone(), row: r + 1, column: None, ..Default::default() };
    let mut row = RowRead { a: Action { origin: Some(origin), ..Default::default() }, ..Default::default() };
    let cells: &[(u32, Value)] = sheet.rows.get(&r).map_or(&[], Vec::as_slice);
    for col in &header.columns {
        let Ok(i) = cells.binary_search_by_key(&col.col, |(c, _)| *c) else {
            continue;
        };
        let v = &cells[i].1;
        if matches!(v, Value::Error(_)) || col.field == Some(Field::Hierarchy) {
            continue;
        }
        let text = v.text();
        if text.is_empty() {
            continue;
        }
        if matches!(v, Value::Text(_)) && is_help(&text) {
            help_cells.push(a1(r, col.col));
            continue;
        }
        row.has_content = true;
        let Some(field) = col.field else {
            row.a.extra.push(ExtraField { name: col.header.clone(), value: text });
            continue;
        };
        if let Some(d) = row.take(field, col, v, text, header.progress_in_percent) {
            diags.push(d.at(&sheet.name, Some(a1(r, col.col))));
        }
    }
    row.settle_number_and_aim();
    read_funding(sheet, r, place.funding, &mut row.a);
    row.has_content |= !row.a.funding.is_empty();
    check_funding_total(sheet, r, row.budget_col, place.funding, &row.a, diags);
    row.finish(place)
}

impl RowRead {
    /// Takes one cell of a known field; a diagnostic (to be placed at the cell) when its
    /// value cannot be read.
    fn take(&mut self, field: Field, col: &Column, v: &Value, text: String, in_percent: bool) -> Option<Diagnostic> {
        let a = &mut self.a;
        if !matches!(field, Field::StartDate | Field::EndDate) {
            if let Some(slot) = a.text_slot(field) {
                *slot = Some(text);
                return None;
            }
        }
        match field {
            Field::Number => match action_number(v) {
                Ok(n) => a.number = n,
                Err(raw) => {
                    a.number = Some(raw.clone());
                    return Some(Diagnostic::new(
                        Code::NumeroIllisible,
                        format!("Numéro d'action illisible : « {raw} » (attendu : 12, 2.3, A1…)."),
                    ));
                }
            },
            Field::Title => {
                let parsed = parse_action_text(&text);
                self.inline_number = parsed.number;
                // "Action 1" is a title, not only a number.
                a.title = if parsed.title.is_empty() { clean(&text).into_owned() } else { parsed.title };
                self.inline_aim = parsed.aim;
                self.title_text = Some(text);
            }
            Field::SubAction => self.sub_title = Some(text),
            Field::StartDate | Field::EndDate => {
                let d = parse_date(v);
                if let Some(y) = d.get(..4).and_then(fields::as_year) {
                    self.dated.insert(y);
                }
                if let Some(slot) = a.text_slot(field) {
                    *slot = Some(d);
                }
            }
            Field::Indicators => a.indicators = split_list(&text),
            Field::Budget => {
                let euros = match v {
                    Value::Number(n) => Some(*n),
                    _ => parse_amount(&text),
                };
                a.budget = Some(Budget { text, euros });
                self.budget_col = Some(col.col);
            }
            Field::Priority => match Priority::parse(&text) {
                Some(p) => a.priority = Some(p),
                None => {
                    return Some(Diagnostic::new(
                        Code::PrioriteInconnue,
                        format!("Priorité « {text} » non reconnue. Valeurs acceptées : {}.", Priority::accepted()),
                    ))
                }
            },
            Field::Status => match Status::parse(&text) {
                Some(s) => a.status = Some(s),
                None => {
                    return Some(Diagnostic::new(
                        Code::StatutInconnu,
                        format!("Statut « {text} » non reconnu. Valeurs acceptées : {}.", Status::accepted()),
                    ))
                }
            },
            Field::Progress => return self.take_progress(v, text, in_percent),
            Field::Schedule => return self.take_schedule(col, text),
            Field::Year(y) => self.take_year(y, v),
            // Levels are read by the tree; funding lines by `read_funding`; plain texts
            // above, through `Action::text_slot`.
            _ => {}
        }
        None
    }

    /// A progress rate: a fraction, or a percentage when the column counts in percents;
    /// one below 1 in such a column is read as a percentage, with a warning.
    fn take_progress(&mut self, v: &Value, text: String, in_percent: bool) -> Option<Diagnostic> {
        match progress_in(v, in_percent) {
            Some(p) => {
                self.a.progress = Some(p);
                // 0.1 among 35 and 40: read as 0.1 %, but it may have meant 10 %.
                if in_percent && bare_progress(v).is_some_and(|n| n > 0.0 && n < 1.0) {
                    return Some(Diagnostic::new(
                        Code::AvancementAmbigu,
                        format!(
                            "Avancement « {text} » lu comme {} % : la colonne compte en pourcentages (d'autres \
                             cases dépassent 1). S'il s'agit de {} %, écrivez-le ainsi.",
                            crate::text::french_number(p),
                            crate::text::french_number((p * 10_000.0).round() / 100.0)
                        ),
                    ));
                }
            }
            None => {
                return Some(Diagnostic::new(
                    Code::AvancementIllisible,
                    format!(
                    "Avancement « {text} » illisible : indiquez un taux entre 0 et 100 %, par exemple 50 %, 50 ou 0,5."
                ),
                ))
            }
        }
        None
    }

    /// A free-text schedule: its years, the text kept whole when it says more.
    fn take_schedule(&mut self, col: &Column, text: String) -> Option<Diagnostic> {
        let exact = schedule_years(&text);
        match exact.clone().or_else(|| years_in_text(&text)) {
            Some(ys) => {
                self.years.extend(ys);
                if exact.is_none() {
                    self.a.extra.push(ExtraField { name: col.header.clone(), value: text });
                }
                None
            }
            None => {
                let d = Diagnostic::new(
                    Code::CalendrierIllisible,
                    format!("Calendrier « {text} » sans année lisible : il est conservé comme texte."),
                );
                self.a.extra.push(ExtraField { name: col.header.clone(), value: text });
                Some(d)
            }
        }
    }

    /// A year column: ticked, or a milestone word.
    fn take_year(&mut self, y: i32, v: &Value) {
        match year_mark(v) {
            YearMark::No => {}
            YearMark::Yes => {
                self.years.insert(y);
            }
            YearMark::Milestone(m) => {
                self.years.insert(y);
                // Several columns of one year (quarters, months): every milestone kept.
                self.milestones.entry(y).and_modify(|e: &mut String| *e = format!("{e} ; {m}")).or_insert(m);
            }
        }
    }

    /// The number and aim found in the title, against their own columns.
    fn settle_number_and_aim(&mut self) {
        let a = &mut self.a;
        match (&a.number, self.inline_number.take()) {
            (None, Some(n)) => a.number = Some(n),
            (Some(n), Some(i)) if *n != i => {
                // Different numbers in the column and the text: keep the text whole.
                a.title = clean(&format!("Action {i} {}", a.title)).into_owned();
            }
            _ => {}
        }
        a.aim = match (a.aim.take(), self.inline_aim.take()) {
            (Some(col), Some(inl)) if col != inl => Some(format!("{inl}\n{col}")),
            (col, inl) => col.or(inl),
        };
    }

    /// The row as an action, a sub-action, more of the action above, or nothing.
    fn finish(mut self, place: &RowPlace<'_>) -> RowAction {
        let (sheet, header, r) = (place.sheet, place.header, place.row);
        if header.year_cols().is_empty() {
            // No year columns: the action runs from its start to its end.
            if let (Some(first), Some(last)) = (self.dated.first(), self.dated.last()) {
                if last - first <= 30 {
                    self.years.extend(*first..=*last);
                }
            }
        }
        let mut a = self.a;
        a.years = self.years.into_iter().collect();
        a.milestones = self.milestones;
        if !self.has_content {
            return RowAction::Nothing;
        }
        if let Some(sub) = self.sub_title {
            let parent_text = self.title_text.unwrap_or_default();
            let parsed = parse_action_text(&parent_text);
            let parent = Action {
                number: parsed.number,
                title: if parsed.title.is_empty() { clean(&parent_text).into_owned() } else { parsed.title },
                origin: a.origin.clone(),
                ..Default::default()
            };
            let sp = parse_action_text(&sub);
            // The sub-action's own number: in its text, else in the number column.
            a.number = sp.number.or(a.number.take());
            a.title = if sp.title.is_empty() { clean(&sub).into_owned() } else { sp.title };
            return RowAction::Sub(Box::new(parent), Box::new(a));
        }
        let title_col = header.col_of(Field::Title);
        let continues = a.title.is_empty()
            && a.number.is_none()
            && title_col.and_then(|c| sheet.merge_covering(r, c)).is_some_and(|m| m.first_row < r);
        if continues {
            RowAction::Continuation(Box::new(a))
        } else {
            RowAction::Action(Box::new(a))
        }
    }
}

/// Funding lines of a row: funder and amount, in column order.
fn read_funding(sheet: &Sheet, r: u32, funding: &FundingCols, a: &mut Action) {
    let text_at = |c: Option<u32>| {
        c.and_then(|c| sheet.get(r, c))
            .filter(|v| !matches!(v, Value::Error(_)))
            .map(Value::text)
            .filter(|t| !t.is_empty() && !is_help(t))
    };
    for (f, m) in funding {
        let funder = text_at(*f);
        let amount = text_at(*m);
        if funder.is_none() && amount.is_none() {
            continue;
        }
        let euros = match m.and_then(|c| sheet.get(r, c)) {
            Some(Value::Number(n)) => Some(*n),
            _ => amount.as_deref().and_then(parse_amount),
        };
        a.funding.push(FundingLine { funder: funder.unwrap_or_default(), text: amount, euros });
    }
}

/// A total that disagrees with the funding lines' sum: a warning citing both.
fn check_funding_total(
    sheet: &Sheet,
    r: u32,
    budget_col: Option<u32>,
    funding: &FundingCols,
    a: &Action,
    diags: &mut Vec<Diagnostic>,
) {
    let (Some(total), Some(sum), Some(bc)) = (a.budget.as_ref().and_then(|b| b.euros), a.funding_sum(), budget_col)
    else {
        return;
    };
    if (total - sum).abs() < 0.5 {
        return;
    }
    let cells: Vec<String> = funding
        .iter()
        .filter_map(|(_, m)| *m)
        .filter(|c| sheet.get(r, *c).is_some())
        .map(|c| format!("{}{}", column_letters(c), r + 1))
        .collect();
    diags.push(
        Diagnostic::new(
            Code::BudgetTotalIncoherent,
            format!(
                "Le budget total {} € ne correspond pas à la somme des financements, {} € ({}) : vérifiez les montants.",
                format_number(total),
                format_number(sum),
                cells.join(" + ")
            ),
        )
        .at(&sheet.name, Some(a1(r, bc))),
    );
}
