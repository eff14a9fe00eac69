use std::collections::HashMap;

use crate::model::{Action, Objective, Plan};

use super::Diagnostic;

/// Above this many characters of free text, an action will not hold on one fiche.
pub const MAX_FICHE_CHARS: usize = 3500;

/// Where a field of an action sits: sheet and A1 cell, when the plan was read from a file.
pub(super) struct Locator<'a> {
    plan: &'a Plan,
}

impl Locator<'_> {
    pub(super) fn cell(&self, a: &Action, field: &str) -> (Option<String>, Option<String>) {
        let Some(o) = &a.origin else {
            return (None, None);
        };
        if let Some(cell) = o.cells.get(field) {
            return (Some(o.sheet.clone()), Some(cell.clone()));
        }
        let col = self
            .plan
            .source
            .as_ref()
            .and_then(|s| s.columns.iter().find(|c| c.field == field))
            .map(|c| c.column.clone());
        (Some(o.sheet.clone()), Some(format!("{}{}", col.unwrap_or_else(|| "A".into()), o.row)))
    }

    pub(super) fn place(&self, d: Diagnostic, a: &Action, field: &str) -> Diagnostic {
        let (sheet, cell) = self.cell(a, field);
        match sheet {
            Some(s) => d.at(&s, cell),
            None => d,
        }
    }

    /// The number's column when there is one, else the title's (numbers inside the text).
    fn number_field(&self) -> &'static str {
        let has_number = self.plan.source.as_ref().is_some_and(|s| s.columns.iter().any(|c| c.field == "numero"));
        if has_number {
            "numero"
        } else {
            "action"
        }
    }
}

pub fn validate(plan: &Plan) -> Vec<Diagnostic> {
    let loc = Locator { plan };
    let mut out = Vec::new();
    let actions = plan.actions();
    if actions.is_empty() {
        let (sheet, row) = plan.source.as_ref().map_or((None, 0), |s| (Some(s.sheet.clone()), s.header_row));
        let d = Diagnostic::error(
            "aucune-action",
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
    let (first, last) = (plan.meta.first_year, plan.meta.last_year);
    if let (Some(a), Some(b)) = (first, last) {
        if a > b {
            out.push(Diagnostic::error(
                "periode-invalide",
                format!("La période commence en {a} et finit en {b} : la première année doit précéder la dernière."),
            ));
        }
    }
    let has_year_columns = plan
        .source
        .as_ref()
        .is_some_and(|s| s.columns.iter().any(|c| c.field.starts_with("annee_") || c.field == "calendrier"));
    let number_field = loc.number_field();
    let mut seen: HashMap<String, &Action> = HashMap::new();
    for r in &actions {
        let a = r.action;
        if a.title.trim().is_empty() {
            out.push(loc.place(
                Diagnostic::error("titre-manquant", format!("L'{} n'a pas d'intitulé.", a.label())),
                a,
                "action",
            ));
        }
        if let Some(n) = &a.number {
            let key = crate::text::fold(n);
            if let Some(prev) = seen.get(&key) {
                let (ps, pc) = loc.cell(prev, number_field);
                let first = match (ps, pc) {
                    (Some(s), Some(c)) => {
                        format!(" (première occurrence en {}!{c})", super::quote_sheet(&s))
                    }
                    _ => String::new(),
                };
                out.push(loc.place(
                    Diagnostic::error(
                        "numero-en-double",
                        format!(
                            "Le numéro d'action {n} est déjà utilisé par « {} »{first}.",
                            crate::text::truncate_chars(&prev.title, 60)
                        ),
                    ),
                    a,
                    number_field,
                ));
            } else {
                seen.insert(key, a);
            }
        }
        if let (Some(f), Some(l)) = (first, last) {
            for &y in &a.years {
                if y < f || y > l {
                    let field = if has_column(plan, &format!("annee_{y}")) {
                        format!("annee_{y}")
                    } else {
                        "calendrier".into()
                    };
                    out.push(loc.place(
                        Diagnostic::error(
                            "annee-hors-periode",
                            format!("L'{} est prévue en {y}, hors de la période du plan ({f}-{l}).", a.label()),
                        ),
                        a,
                        &field,
                    ));
                }
            }
        }
        if a.years.is_empty() && has_year_columns {
            out.push(loc.place(
                Diagnostic::warning(
                    "action-sans-annee",
                    format!("L'{} n'est prévue sur aucune année : cochez au moins une année.", a.label()),
                ),
                a,
                "action",
            ));
        }
        let len = a.text_len();
        if len > MAX_FICHE_CHARS {
            out.push(loc.place(
                Diagnostic::warning(
                    "texte-trop-long",
                    format!(
                        "L'{} compte {len} caractères de texte : sa fiche tiendra sur plusieurs pages (au plus {MAX_FICHE_CHARS} pour une seule).",
                        a.label()
                    ),
                ),
                a,
                "action",
            ));
        }
    }
    for axis in &plan.axes {
        if axis.all_actions().is_empty() {
            let d = Diagnostic::warning(
                "axe-vide",
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

fn has_column(plan: &Plan, field: &str) -> bool {
    plan.source.as_ref().is_some_and(|s| s.columns.iter().any(|c| c.field == field))
}

fn empty_objectives(o: &Objective, out: &mut Vec<Diagnostic>) {
    if o.all_actions().is_empty() {
        let d = Diagnostic::warning(
            "objectif-vide",
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
