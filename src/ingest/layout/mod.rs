//! Rows of an action table → the plan hierarchy, with every reading problem as a
//! diagnostic at its cell.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::model::{Action, Axis, Budget, ExtraField, Field, FundingLine, Objective, Origin, Priority, Status};
use crate::text::{a1, clean, column_letters, fold, format_number, one_line, parse_amount, truncate_chars};
use crate::validate::Diagnostic;

use super::blanks::{deepest_named, Blank, Habits};
use super::grid::{Sheet, Value};
use super::header::{repeats_header, Header};
use super::outline::{read_outline, OutlineRow};
use super::parse::{
    action_number, is_all_caps, is_top_section, parse_action_text, parse_date, progress, schedule_years,
    section_number, split_list, strip_objective_label, year_mark, years_in_text, YearMark,
};
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
}

/// Funding line columns: a funder column and the amount column after it.
type FundingCols = Vec<(Option<u32>, Option<u32>)>;

fn funding_columns(header: &Header) -> FundingCols {
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

/// A hierarchy label with the row it was read on.
#[derive(Debug, Clone, PartialEq)]
struct Label {
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
    let mut attached: Vec<u32> = Vec::new();
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
                if let Blank::NoLevel { sure } = habits.blank(d + 1) {
                    let above = st.carried[d + 1].take().map(|l| l.text).unwrap_or_default();
                    st.reset_columns(d + 1);
                    if sure {
                        attached.push(r);
                    } else {
                        let level = st.carried[d].as_ref().map(|l| l.text.clone()).unwrap_or_default();
                        let column = header.columns.iter().find(|c| c.col == hier[d + 1]).map_or("", |c| &c.header);
                        out.diagnostics.push(
                            Diagnostic::warning(
                                "niveau-vide-incertain",
                                format!(
                                    "La ligne nomme « {} » mais laisse vide la colonne « {column} » : son action est \
                                     rattachée directement à « {} », et non à « {} » du dessus (rien dans la feuille ne \
                                     montre qu'une case vide y veut dire « comme au-dessus »). Si elle en relève, \
                                     recopiez « {} » dans cette cellule ou fusionnez-la avec celle du dessus.",
                                    truncate_chars(&level, 60),
                                    truncate_chars(&level, 60),
                                    truncate_chars(&above, 60),
                                    truncate_chars(&above, 60),
                                ),
                            )
                            .at(&sheet.name, Some(a1(r, hier[d + 1]))),
                        );
                    }
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
        match read_action(file, sheet, header, &funding, r, &mut out.diagnostics, &mut help_cells) {
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
    if !attached.is_empty() {
        let shown: Vec<String> = attached.iter().take(12).map(|r| (r + 1).to_string()).collect();
        let more = if attached.len() > shown.len() { " …" } else { "" };
        out.notes.push(format!(
            "{} action(s) de « {} » rattachée(s) directement au niveau que leur ligne nomme, la colonne du niveau \
             suivant étant vide alors que la feuille répète ou fusionne ses niveaux : ligne(s) {}{more}.",
            attached.len(),
            sheet.name,
            shown.join(", ")
        ));
    }
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

enum RowAction {
    Action(Box<Action>),
    /// A sub-action row: the parent as the title column names it, then the sub-action.
    Sub(Box<Action>, Box<Action>),
    /// Cells below a merged title: more of the previous action.
    Continuation(Box<Action>),
    Nothing,
}

fn read_action(
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
        match field {
            Field::Hierarchy => {}
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
            Field::PilotPerson => a.pilot_person = Some(text),
            Field::PilotService => a.pilot_service = Some(text),
            Field::PilotStructure => a.pilot_structure = Some(text),
            Field::Elected => a.elected = Some(text),
            Field::BudgetOperating => a.budget_operating = Some(text),
            Field::BudgetInvestment => a.budget_investment = Some(text),
            // Read below, line by line.
            Field::Funder | Field::Amount => {}
            Field::StartDate | Field::EndDate => {
                let d = parse_date(v);
                if let Some(y) = d.get(..4).and_then(super::fields::as_year) {
                    dated.insert(y);
                }
                if field == Field::StartDate {
                    a.start_date = Some(d);
                } else {
                    a.end_date = Some(d);
                }
            }
            Field::Aim => a.aim = Some(text),
            Field::Description => a.description = Some(text),
            Field::Pilot => a.pilot = Some(text),
            Field::Partners => a.partners = Some(text),
            Field::Public => a.public = Some(text),
            Field::Territory => a.territory = Some(text),
            Field::Funders => a.funders = Some(text),
            Field::Comment => a.comment = Some(text),
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
            Field::Progress => match progress(v) {
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

/// An objective's title from its cell: tidied line by line, its label ("Objectif n°2")
/// dropped; the cell's line breaks are kept, so that two objectives written on two
/// lines never run together.
fn objective_title(text: &str) -> String {
    let lines: Vec<String> = text.lines().map(one_line).filter(|l| !l.is_empty()).collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    for (i, l) in lines.iter().enumerate() {
        out.push(if i == 0 { one_line(&strip_objective_label(l)) } else { l.clone() });
    }
    out.join("\n")
}

/// Where a path leads: axis index, then objective indexes level by level.
type Place = (usize, Vec<usize>);

/// Builds axes › objectives › actions from label paths, merging equal labels.
struct Tree {
    file: String,
    sheet: String,
    axes: Vec<Axis>,
    last: Option<Place>,
    /// The last path ensured and where it led: most rows repeat the row above's path.
    cached: Option<(Vec<Label>, Place)>,
    /// Node index by parent place and title (an axis has the empty parent), so a plan
    /// of many objectives is read in linear time.
    index: HashMap<(Vec<usize>, String), usize>,
    /// The axis of actions read before any axis label, once made.
    implicit: Option<usize>,
}

impl Tree {
    fn new(file: &str, sheet: &str) -> Self {
        Tree {
            file: file.into(),
            sheet: sheet.into(),
            axes: Vec::new(),
            last: None,
            cached: None,
            index: HashMap::new(),
            implicit: None,
        }
    }

    fn origin(&self, l: &Label) -> Option<Origin> {
        Some(Origin {
            file: self.file.clone(),
            sheet: self.sheet.clone(),
            row: l.row + 1,
            column: Some(crate::text::column_letters(l.col)),
            ..Default::default()
        })
    }

    /// Makes sure the nodes of `path` exist; returns the axis index and objective indexes.
    fn ensure(&mut self, path: &[Label]) -> Option<Place> {
        if let Some((p, found)) = &self.cached {
            if p.as_slice() == path {
                return Some(found.clone());
            }
        }
        let found = self.ensure_uncached(path)?;
        self.cached = Some((path.to_vec(), found.clone()));
        Some(found)
    }

    fn ensure_uncached(&mut self, path: &[Label]) -> Option<Place> {
        let axis_label = path.first()?;
        let (title, description) = split_axis_text(&axis_label.text);
        let ai = match self.index.get(&(Vec::new(), title.clone())) {
            Some(i) => *i,
            None => {
                self.index.insert((Vec::new(), title.clone()), self.axes.len());
                self.axes.push(Axis {
                    number: section_number(&title),
                    title,
                    description,
                    origin: self.origin(axis_label),
                    ..Default::default()
                });
                self.axes.len() - 1
            }
        };
        let mut idx = Vec::new();
        // Every level under the axis is an objective level, any depth.
        let levels = path.get(1..).unwrap_or_default();
        let origins: Vec<Option<Origin>> = levels.iter().map(|l| self.origin(l)).collect();
        let mut list = &mut self.axes[ai].objectives;
        for (l, origin) in levels.iter().zip(origins) {
            let title = objective_title(&l.text);
            let mut parent = vec![ai];
            parent.extend_from_slice(&idx);
            let key = (parent, title);
            let i = match self.index.get(&key) {
                Some(i) => *i,
                None => {
                    self.index.insert(key.clone(), list.len());
                    list.push(Objective { title: key.1, origin, ..Default::default() });
                    list.len() - 1
                }
            };
            idx.push(i);
            list = &mut list[i].children;
        }
        Some((ai, idx))
    }

    fn push(&mut self, path: &[Label], action: Action) {
        let (ai, idx) = match self.ensure(path) {
            Some(x) => x,
            None => {
                let implicit = match self.implicit {
                    Some(i) => i,
                    None => {
                        self.index.entry((Vec::new(), "Actions".into())).or_insert(self.axes.len());
                        self.axes.push(Axis { title: "Actions".into(), implicit: true, ..Default::default() });
                        self.implicit = Some(self.axes.len() - 1);
                        self.axes.len() - 1
                    }
                };
                (implicit, Vec::new())
            }
        };
        if let Some(target) = actions_at(&mut self.axes, ai, &idx) {
            target.push(action);
        }
        self.last = Some((ai, idx));
    }

    /// A sub-action goes under the last action of its path with the same number and title,
    /// made from the title column when no such action was read yet.
    fn push_sub(&mut self, path: &[Label], parent: Action, mut sub: Action) {
        // The title column names the parent; its number too when the text holds one.
        let same = |a: &Action| a.title == parent.title && (parent.number.is_none() || a.number == parent.number);
        let place = self.ensure(path);
        if place.is_some() && place == self.last {
            if let Some(last) = self.last_action().filter(|a| same(a)) {
                if sub.number.is_some() && sub.number == last.number {
                    sub.number = None; // the number column repeated the action's number
                }
                last.sub_actions.push(sub);
                return;
            }
        }
        let mut parent = parent;
        if sub.number.is_some() && sub.number == parent.number {
            sub.number = None;
        }
        parent.sub_actions.push(sub);
        self.push(path, parent);
    }

    /// A row numbered under the last action ("1.1" under "1") is one of its sub-actions.
    fn push_numbered_sub(&mut self, path: &[Label], parent: &str, sub: Action) {
        match self.last_action() {
            Some(last) if last.number.as_deref() == Some(parent) => last.sub_actions.push(sub),
            _ => self.push(path, sub),
        }
    }

    /// An action runs at least the years of its sub-actions.
    fn years_from_subs(a: &mut Action) {
        if a.sub_actions.is_empty() {
            return;
        }
        let mut years: BTreeSet<i32> = a.years.iter().copied().collect();
        years.extend(a.sub_actions.iter().flat_map(|s| s.years.iter().copied()));
        a.years = years.into_iter().collect();
    }

    fn last_action(&mut self) -> Option<&mut Action> {
        let (ai, idx) = self.last.clone()?;
        actions_at(&mut self.axes, ai, &idx)?.last_mut()
    }

    /// Adds a continuation row's content to the previous action.
    fn extend_last(&mut self, more: Action) -> bool {
        let Some(a) = self.last_action() else {
            return false;
        };
        fn join(into: &mut Option<String>, more: Option<String>) {
            if let Some(m) = more {
                *into = Some(match into.take() {
                    Some(s) => format!("{s}\n{m}"),
                    None => m,
                });
            }
        }
        join(&mut a.aim, more.aim);
        join(&mut a.description, more.description);
        join(&mut a.pilot, more.pilot);
        join(&mut a.partners, more.partners);
        join(&mut a.public, more.public);
        join(&mut a.territory, more.territory);
        join(&mut a.funders, more.funders);
        join(&mut a.comment, more.comment);
        a.indicators.extend(more.indicators);
        a.extra.extend(more.extra);
        let mut years: BTreeSet<i32> = a.years.iter().copied().collect();
        years.extend(more.years);
        a.years = years.into_iter().collect();
        a.milestones.extend(more.milestones);
        a.priority = a.priority.or(more.priority);
        a.status = a.status.or(more.status);
        a.progress = a.progress.or(more.progress);
        if a.budget.is_none() {
            a.budget = more.budget;
        }
        true
    }

    fn finish(mut self) -> Vec<Axis> {
        fn walk(o: &mut Objective) {
            o.actions.iter_mut().for_each(Tree::years_from_subs);
            o.children.iter_mut().for_each(walk);
        }
        for axis in &mut self.axes {
            axis.actions.iter_mut().for_each(Tree::years_from_subs);
            axis.objectives.iter_mut().for_each(walk);
        }
        self.axes
    }
}

/// The action list of the node at axis `ai`, objective indexes `idx` level by level.
fn actions_at<'a>(axes: &'a mut [Axis], ai: usize, idx: &[usize]) -> Option<&'a mut Vec<Action>> {
    let axis = axes.get_mut(ai)?;
    let Some((first, rest)) = idx.split_first() else {
        return Some(&mut axis.actions);
    };
    let mut node = axis.objectives.get_mut(*first)?;
    for i in rest {
        node = node.children.get_mut(*i)?;
    }
    Some(&mut node.actions)
}

/// First line of an axis cell is its title; further lines describe it.
fn split_axis_text(text: &str) -> (String, Option<String>) {
    match text.split_once('\n') {
        Some((t, rest)) if !rest.trim().is_empty() => (t.trim().to_string(), Some(rest.trim().to_string())),
        _ => (text.trim().to_string(), None),
    }
}
