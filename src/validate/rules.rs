//! The checks on a plan read: actions titled and numbered once, years within the period,
//! fiches that fit, levels not empty.

use std::collections::HashMap;

use crate::model::{Action, Field, Objective, Plan};

use super::{Code, Diagnostic};

/// Above this many characters of free text, an action will not hold on one fiche.
pub const MAX_FICHE_CHARS: usize = 3500;

/// Where a field of an action sits: sheet and A1 cell, when the plan was read from a file.
pub(super) struct Locator<'a> {
    plan: &'a Plan,
}

impl Locator<'_> {
    /// The sheet and cell of an action's field; column A of its row when the field has no
    /// column of its own (the row is still right).
    pub(super) fn cell(&self, a: &Action, field: Field) -> (Option<String>, Option<String>) {
        let Some((sheet, cell)) = self.plan.cell_of(a, field) else {
            return (None, None);
        };
        let row = a.origin.as_ref().map_or(0, |o| o.row);
        (Some(sheet), Some(cell.unwrap_or_else(|| format!("A{row}"))))
    }

    pub(super) fn place(&self, d: Diagnostic, a: &Action, field: Field) -> Diagnostic {
        let (sheet, cell) = self.cell(a, field);
        match sheet {
            Some(s) => d.at(&s, cell),
            None => d,
        }
    }

    /// The number's column when there is one, else the title's (numbers inside the text).
    fn number_field(&self) -> Field {
        if self.plan.column_of(Field::Number).is_some() {
            Field::Number
        } else {
            Field::Title
        }
    }
}

pub fn validate(plan: &Plan) -> Vec<Diagnostic> {
    let loc = Locator { plan };
    let mut out = Vec::new();
    plan_rules(plan, &mut out);
    let has_year_columns = plan
        .source
        .as_ref()
        .is_some_and(|s| s.columns.iter().any(|c| matches!(c.field, Some(Field::Year(_) | Field::Schedule))));
    let mut seen: HashMap<String, &Action> = HashMap::new();
    for r in &plan.actions() {
        let a = r.action;
        if a.title.trim().is_empty() {
            out.push(loc.place(
                Diagnostic::new(Code::TitreManquant, format!("L'{} n'a pas d'intitulé.", a.label())),
                a,
                Field::Title,
            ));
        }
        if let Some(n) = &a.number {
            let key = crate::text::fold(n);
            match seen.get(&key) {
                Some(prev) => out.push(duplicate_number(&loc, n, prev, a)),
                None => {
                    seen.insert(key, a);
                }
            }
        }
        years_rules(&loc, a, has_year_columns, &mut out);
        let len = a.text_len();
        if len > MAX_FICHE_CHARS {
            out.push(loc.place(
                Diagnostic::new(
                    Code::TexteTropLong,
                    format!(
                        "L'{} compte {len} caractères de texte : sa fiche tiendra sur plusieurs pages (au plus {MAX_FICHE_CHARS} pour une seule).",
                        a.label()
                    ),
                ),
                a,
                Field::Title,
            ));
        }
    }
    for axis in &plan.axes {
        if axis.all_actions().is_empty() {
            let d = Diagnostic::new(
                Code::AxeVide,
                format!("L'axe « {} » n'a aucune action.", crate::text::truncate_chars(&axis.title, 80)),
            );
            out.push(at_origin(d, axis.origin.as_ref()));
        }
        for o in &axis.objectives {
            empty_objectives(o, &mut out);
        }
    }
    super::excel::check(plan, &loc, &mut out);
    out
}

/// Rules on the plan as a whole: at least one action, a period in order.
fn plan_rules(plan: &Plan, out: &mut Vec<Diagnostic>) {
    if plan.actions().is_empty() {
        let (sheet, row) = plan.source.as_ref().map_or((None, 0), |s| (Some(s.sheet.clone()), s.header_row));
        let d = Diagnostic::new(
            Code::AucuneAction,
            format!(
                "Aucune action pour l'instant : saisissez au moins une action sous l'en-tête{}.",
                if row > 0 { format!(" (à partir de la ligne {})", row + 1) } else { String::new() }
            ),
        );
        out.push(match sheet {
            Some(s) => d.in_sheet(&s),
            None => d,
        });
    }
    if let (Some(a), Some(b)) = (plan.meta.first_year, plan.meta.last_year) {
        if a > b {
            out.push(Diagnostic::new(
                Code::PeriodeInvalide,
                format!("La période commence en {a} et finit en {b} : la première année doit précéder la dernière."),
            ));
        }
    }
}

/// `numero-en-double`, at the second action, naming the first one's cell.
fn duplicate_number(loc: &Locator<'_>, n: &str, prev: &Action, a: &Action) -> Diagnostic {
    let number_field = loc.number_field();
    let first = match loc.cell(prev, number_field) {
        (Some(s), Some(c)) => format!(" (première occurrence en {}!{c})", super::quote_sheet(&s)),
        _ => String::new(),
    };
    loc.place(
        Diagnostic::new(
            Code::NumeroEnDouble,
            format!(
                "Le numéro d'action {n} est déjà utilisé par « {} »{first}.",
                crate::text::truncate_chars(&prev.title, 60)
            ),
        ),
        a,
        number_field,
    )
}

/// Years outside the plan's period, and actions planned on no year.
fn years_rules(loc: &Locator<'_>, a: &Action, has_year_columns: bool, out: &mut Vec<Diagnostic>) {
    let plan = loc.plan;
    if let (Some(f), Some(l)) = (plan.meta.first_year, plan.meta.last_year) {
        for &y in a.years.iter().filter(|&&y| y < f || y > l) {
            let field = if plan.column_of(Field::Year(y)).is_some() { Field::Year(y) } else { Field::Schedule };
            out.push(loc.place(
                Diagnostic::new(
                    Code::AnneeHorsPeriode,
                    format!("L'{} est prévue en {y}, hors de la période du plan ({f}-{l}).", a.label()),
                ),
                a,
                field,
            ));
        }
    }
    if a.years.is_empty() && has_year_columns {
        out.push(loc.place(
            Diagnostic::new(
                Code::ActionSansAnnee,
                format!("L'{} n'est prévue sur aucune année : cochez au moins une année.", a.label()),
            ),
            a,
            Field::Title,
        ));
    }
}

fn empty_objectives(o: &Objective, out: &mut Vec<Diagnostic>) {
    if o.all_actions().is_empty() {
        let d = Diagnostic::new(
            Code::ObjectifVide,
            format!("L'objectif « {} » n'a aucune action.", crate::text::truncate_chars(&o.title, 80)),
        );
        out.push(at_origin(d, o.origin.as_ref()));
    }
    for c in &o.children {
        empty_objectives(c, out);
    }
}

/// Places a hierarchy diagnostic at the cell of its label.
fn at_origin(d: Diagnostic, origin: Option<&crate::model::Origin>) -> Diagnostic {
    match origin {
        Some(o) => d.at(&o.sheet, Some(format!("{}{}", o.column.as_deref().unwrap_or("A"), o.row))),
        None => d,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Axis, ColumnInfo, Origin, SourceLayout};

    fn action(number: &str, title: &str, row: u32, years: &[i32]) -> Action {
        let origin = Origin { file: "p.xlsx".into(), sheet: "Plan".into(), row, ..Default::default() };
        Action {
            number: Some(number.into()),
            title: title.into(),
            years: years.to_vec(),
            origin: Some(origin),
            ..Default::default()
        }
    }

    fn plan(actions: Vec<Action>) -> Plan {
        let column =
            |field, column: &str| ColumnInfo { field: Some(field), header: String::new(), column: column.into() };
        let mut p = Plan::default();
        p.meta.first_year = Some(2024);
        p.meta.last_year = Some(2026);
        p.axes.push(Axis { title: "Axe 1".into(), actions, ..Default::default() });
        p.source = Some(SourceLayout {
            sheet: "Plan".into(),
            columns: vec![column(Field::Number, "A"), column(Field::Title, "B"), column(Field::Year(2027), "F")],
            ..Default::default()
        });
        p
    }

    fn codes(d: &[Diagnostic]) -> Vec<(&str, Option<&str>)> {
        d.iter().map(|d| (d.code.as_str(), d.cell.as_deref())).collect()
    }

    #[test]
    fn a_number_used_twice_is_an_error_at_the_second_naming_the_first() {
        let d = validate(&plan(vec![action("1", "Ouvrir", 2, &[2024]), action("1", "Former", 3, &[2025])]));
        assert_eq!(codes(&d), [("numero-en-double", Some("A3"))]);
        assert!(d[0].message.contains("« Ouvrir »") && d[0].message.contains("Plan!A2"), "{}", d[0].message);
    }

    #[test]
    fn a_year_outside_the_period_is_placed_at_its_column() {
        let d = validate(&plan(vec![action("1", "Ouvrir", 2, &[2027])]));
        assert_eq!(codes(&d), [("annee-hors-periode", Some("F2"))]);
    }

    #[test]
    fn an_untitled_action_is_an_error_at_its_title() {
        let d = validate(&plan(vec![action("1", " ", 4, &[2024])]));
        assert_eq!(codes(&d), [("titre-manquant", Some("B4"))]);
    }

    #[test]
    fn a_plan_without_actions_says_where_to_write_them() {
        let d = validate(&plan(Vec::new()));
        assert_eq!(d[0].code, "aucune-action");
        assert!(d.iter().any(|x| x.code == "axe-vide"), "{d:?}");
    }
}
