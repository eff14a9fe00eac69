//! One row of an action table → an action (or sub-action, or more of the one above),
//! its funding lines checked against its total.

use std::collections::{BTreeMap, BTreeSet};

use crate::ingest::fields;
use crate::ingest::grid::{Sheet, Value};
use crate::ingest::header::Header;
use crate::ingest::parse::{
    action_number, parse_action_text, parse_date, progress_in, schedule_years, split_list, year_mark, years_in_text,
    YearMark,
};
use crate::ingest::roles::is_help;
use crate::model::{Action, Budget, ExtraField, Field, FundingLine, Origin, Priority, Status};
use crate::text::{a1, clean, column_letters, format_number, parse_amount};
use crate::validate::Diagnostic;

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

pub(super) fn read_action(
    file: &str,
    sheet: &Sheet,
    header: &Header,
    funding: &FundingCols,
    r: u32,
    diags: &mut Vec<Diagnostic>,
    help_cells: &mut Vec<String>,
) -> RowAction {
    let origin =
        Origin { file: file.into(), sheet: sheet.name.clone(), row: r + 1, column: None, ..Default::default() };
    let mut a = Action { origin: Some(origin), ..Default::default() };
    let mut years: BTreeSet<i32> = BTreeSet::new();
    let mut milestones: BTreeMap<i32, String> = BTreeMap::new();
    let mut inline_number: Option<String> = None;
    let mut inline_aim: Option<String> = None;
    let mut has_content = false;
    let mut sub_title: Option<String> = None;
    let mut title_text: Option<String> = None;
    let mut budget_col: Option<u32> = None;
    let mut dated: BTreeSet<i32> = BTreeSet::new();
    let at = |c: u32| Some(a1(r, c));
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
        let Some(field) = col.field else {
            a.extra.push(ExtraField { name: col.header.clone(), value: text });
            has_content = true;
            continue;
        };
        if field != Field::Hierarchy {
            has_content = true;
        }
        if !matches!(field, Field::StartDate | Field::EndDate) {
            if let Some(slot) = a.text_slot(field) {
                *slot = Some(text);
                continue;
            }
        }
        match field {
            Field::Number => match action_number(v) {
                Ok(n) => a.number = n,
                Err(raw) => {
                    diags.push(
                        Diagnostic::error(
                            "numero-illisible",
                            format!("Numéro d'action illisible : « {raw} » (attendu : 12, 2.3, A1…)."),
                        )
                        .at(&sheet.name, at(col.col)),
                    );
                    a.number = Some(raw);
                }
            },
            Field::Title => {
                let parsed = parse_action_text(&text);
                inline_number = parsed.number;
                // "Action 1" is a title, not only a number.
                a.title = if parsed.title.is_empty() { clean(&text).into_owned() } else { parsed.title };
                inline_aim = parsed.aim;
                title_text = Some(text);
            }
            Field::SubAction => sub_title = Some(text),
            // Levels are read by the tree; funding lines below, line by line.
            Field::Hierarchy | Field::Funder | Field::Amount => {}
            Field::StartDate | Field::EndDate => {
                let d = parse_date(v);
                if let Some(y) = d.get(..4).and_then(fields::as_year) {
                    dated.insert(y);
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
                budget_col = Some(col.col);
            }
            Field::Priority => match Priority::parse(&text) {
                Some(p) => a.priority = Some(p),
                None => diags.push(
                    Diagnostic::error(
                        "priorite-inconnue",
                        format!("Priorité « {text} » non reconnue. Valeurs acceptées : {}.", Priority::accepted()),
                    )
                    .at(&sheet.name, at(col.col)),
                ),
            },
            Field::Status => match Status::parse(&text) {
                Some(s) => a.status = Some(s),
                None => diags.push(
                    Diagnostic::error(
                        "statut-inconnu",
                        format!("Statut « {text} » non reconnu. Valeurs acceptées : {}.", Status::accepted()),
                    )
                    .at(&sheet.name, at(col.col)),
                ),
            },
            Field::Progress => match progress_in(v, header.progress_in_percent) {
                Some(p) => a.progress = Some(p),
                None => diags.push(
                    Diagnostic::error(
                        "avancement-illisible",
                        format!("Avancement « {text} » illisible : indiquez un taux entre 0 et 100 %, par exemple 50 %, 50 ou 0,5."),
                    )
                    .at(&sheet.name, at(col.col)),
                ),
            },
            Field::Schedule => match schedule_years(&text).or_else(|| years_in_text(&text)) {
                Some(ys) => {
                    years.extend(ys);
                    if schedule_years(&text).is_none() {
                        a.extra.push(ExtraField { name: col.header.clone(), value: text });
                    }
                }
                None => {
                    diags.push(
                        Diagnostic::warning(
                            "calendrier-illisible",
                            format!("Calendrier « {text} » sans année lisible : il est conservé comme texte."),
                        )
                        .at(&sheet.name, at(col.col)),
                    );
                    a.extra.push(ExtraField { name: col.header.clone(), value: text });
                }
            },
            Field::Year(y) => match year_mark(v) {
                YearMark::No => {}
                YearMark::Yes => {
                    years.insert(y);
                }
                YearMark::Milestone(m) => {
                    years.insert(y);
                    // Several columns of one year (quarters, months): every milestone kept.
                    milestones.entry(y).and_modify(|e: &mut String| *e = format!("{e} ; {m}")).or_insert(m);
                }
            },
            // Plain texts: filled above, through `Action::text_slot`.
            _ => {}
        }
    }
    match (&a.number, inline_number) {
        (None, Some(n)) => a.number = Some(n),
        (Some(n), Some(i)) if *n != i => {
            // Different numbers in the column and the text: keep the text whole.
            a.title = clean(&format!("Action {i} {}", a.title)).into_owned();
        }
        _ => {}
    }
    a.aim = match (a.aim.take(), inline_aim) {
        (Some(col), Some(inl)) if col != inl => Some(format!("{inl}\n{col}")),
        (col, inl) => col.or(inl),
    };
    read_funding(sheet, r, funding, &mut a);
    has_content |= !a.funding.is_empty();
    check_funding_total(sheet, r, budget_col, funding, &a, diags);
    if header.year_cols().is_empty() {
        // No year columns: the action runs from its start to its end.
        if let (Some(first), Some(last)) = (dated.first(), dated.last()) {
            if last - first <= 30 {
                years.extend(*first..=*last);
            }
        }
    }
    a.years = years.into_iter().collect();
    a.milestones = milestones;
    if !has_content {
        return RowAction::Nothing;
    }
    if let Some(sub) = sub_title {
        let parent_text = title_text.unwrap_or_default();
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
        Diagnostic::warning(
            "budget-total-incoherent",
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
