//! Follow-up of a plan: counts per status, difficulties, indicators, and what changed
//! since an earlier version of the same plan.

mod period;
mod versions;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{Action, Field, Plan, Status};

pub use period::check_year;
pub use versions::{same_plan, similar};

/// Counts of actions per status (None: not given), in the canonical order.
pub fn status_counts<'a>(actions: impl Iterator<Item = &'a Action>) -> Vec<(Option<Status>, usize)> {
    let mut counts: BTreeMap<Option<Status>, usize> = BTreeMap::new();
    for a in actions {
        *counts.entry(a.status).or_default() += 1;
    }
    let mut out: Vec<(Option<Status>, usize)> =
        Status::ALL.iter().map(|s| (Some(*s), counts.get(&Some(*s)).copied().unwrap_or(0))).collect();
    out.push((None, counts.get(&None).copied().unwrap_or(0)));
    out
}

/// Mean progress with its base: the mean is taken over the actions that give a progress
/// (an empty cell is "not known", not 0 %), and says over how many of how many.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeanProgress {
    /// In percent.
    pub mean: f64,
    /// Actions with a progress value.
    pub filled: usize,
    /// All actions.
    pub total: usize,
}

impl MeanProgress {
    /// "62,1 % sur 7 actions renseignées sur 10".
    pub fn sentence(&self) -> String {
        let (f, t) = (self.filled, self.total);
        let s = if f > 1 { "s" } else { "" };
        format!("{} sur {f} action{s} renseignée{s} sur {t}", percent(self.mean))
    }
}

/// 39.14 → "39,1 %" (one decimal, French comma, no-break space).
pub fn percent(v: f64) -> String {
    format!("{}\u{a0}%", crate::text::french_number((v * 10.0).round() / 10.0))
}

/// Mean progress of the actions that give one, with its base; None when none does.
pub fn mean_progress<'a>(actions: impl Iterator<Item = &'a Action>) -> Option<MeanProgress> {
    let mut total = 0;
    let v: Vec<f64> = actions.inspect(|_| total += 1).filter_map(|a| a.progress).collect();
    (!v.is_empty()).then(|| MeanProgress { mean: v.iter().sum::<f64>() / v.len() as f64, filled: v.len(), total })
}

pub fn in_difficulty(s: Option<Status>) -> bool {
    matches!(s, Some(Status::Late | Status::Blocked | Status::Postponed | Status::Abandoned | Status::Paused))
}

/// One change between two versions of a plan. `cell` is where the new value sits in the
/// later file ("Plan!D3"), when it was read from one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Change {
    Added {
        number: Option<String>,
        title: String,
        cell: Option<String>,
    },
    Dropped {
        number: Option<String>,
        title: String,
    },
    Title {
        number: Option<String>,
        before: String,
        after: String,
        cell: Option<String>,
    },
    Status {
        number: Option<String>,
        title: String,
        before: Option<Status>,
        after: Option<Status>,
        cell: Option<String>,
    },
    Progress {
        number: Option<String>,
        title: String,
        before: Option<f64>,
        after: Option<f64>,
        cell: Option<String>,
    },
    Comment {
        number: Option<String>,
        title: String,
        before: Option<String>,
        after: Option<String>,
        cell: Option<String>,
    },
    Indicator {
        action: Option<String>,
        name: String,
        before: Option<f64>,
        after: Option<f64>,
    },
}

impl Change {
    /// The kind of change, one French word (the "Changement" column of the workbook).
    pub fn kind(&self) -> &'static str {
        match self {
            Change::Added { .. } => "ajout",
            Change::Dropped { .. } => "retrait",
            Change::Title { .. } => "intitulé",
            Change::Status { .. } => "statut",
            Change::Progress { .. } => "avancement",
            Change::Comment { .. } => "commentaire",
            Change::Indicator { .. } => "indicateur",
        }
    }

    /// Where the new value sits in the later file.
    pub fn cell(&self) -> Option<&str> {
        match self {
            Change::Added { cell, .. }
            | Change::Title { cell, .. }
            | Change::Status { cell, .. }
            | Change::Progress { cell, .. }
            | Change::Comment { cell, .. } => cell.as_deref(),
            Change::Dropped { .. } | Change::Indicator { .. } => None,
        }
    }

    /// The change in one French sentence, its cell at the end.
    pub fn sentence(&self) -> String {
        let at = self.cell().map(|c| format!(" (cellule {c})")).unwrap_or_default();
        format!("{}{at}.", self.what())
    }

    fn what(&self) -> String {
        let who = |n: &Option<String>, t: &str| match n {
            Some(n) => format!("Action {n} « {t} »"),
            None => format!("Action « {t} »"),
        };
        let st = |s: &Option<Status>| s.map_or("non renseigné", |s| s.label()).to_string();
        let pc = |p: &Option<f64>| p.map_or("—".to_string(), |p| format!("{} %", crate::text::format_number(p)));
        let val = |p: &Option<f64>| p.map_or("—".to_string(), crate::text::format_number);
        match self {
            Change::Added { number, title, .. } => format!("{} : ajoutée", who(number, title)),
            Change::Dropped { number, title } => format!("{} : retirée", who(number, title)),
            Change::Title { number, before, after, .. } => {
                let n = number.as_deref().map(|n| format!(" {n}")).unwrap_or_default();
                format!("Action{n} : intitulé « {before} » → « {after} »")
            }
            Change::Status { number, title, before, after, .. } => {
                format!("{} : statut {} → {}", who(number, title), st(before), st(after))
            }
            Change::Progress { number, title, before, after, .. } => {
                format!("{} : avancement {} → {}", who(number, title), pc(before), pc(after))
            }
            Change::Comment { number, title, before, after, .. } => {
                let w = who(number, title);
                match (before, after) {
                    (None, Some(a)) => format!("{w} : commentaire ajouté « {a} »"),
                    (Some(b), None) => format!("{w} : commentaire retiré (il disait « {b} »)"),
                    (b, a) => format!(
                        "{w} : commentaire « {} » → « {} »",
                        b.as_deref().unwrap_or(""),
                        a.as_deref().unwrap_or("")
                    ),
                }
            }
            Change::Indicator { action, name, before, after } => {
                let a = action.as_deref().map(|a| format!(" (action {a})")).unwrap_or_default();
                format!("Indicateur « {name} »{a} : {} → {}", val(before), val(after))
            }
        }
    }
}

/// Sheet and A1 cell of one field of an action, when the plan was read from a file.
fn field_cell(plan: &Plan, a: &Action, field: Field) -> Option<String> {
    let (sheet, cell) = plan.cell_of(a, field)?;
    Some(format!("{sheet}!{}", cell?))
}

/// What changed in one action matched across versions: title, status, progress, comment.
fn action_changes(after: &Plan, b: &Action, a: &Action, out: &mut Vec<Change>) {
    let (number, title) = (a.number.clone(), a.title.clone());
    let cell = |f: Field| field_cell(after, a, f);
    if crate::text::fold(&b.title) != crate::text::fold(&a.title) {
        out.push(Change::Title {
            number: number.clone(),
            before: b.title.clone(),
            after: title.clone(),
            cell: cell(Field::Title),
        });
    }
    if b.status != a.status {
        let (before, after) = (b.status, a.status);
        out.push(Change::Status {
            number: number.clone(),
            title: title.clone(),
            before,
            after,
            cell: cell(Field::Status),
        });
    }
    if b.progress != a.progress {
        let (before, after) = (b.progress, a.progress);
        out.push(Change::Progress {
            number: number.clone(),
            title: title.clone(),
            before,
            after,
            cell: cell(Field::Progress),
        });
    }
    let trimmed = |c: &Option<String>| c.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(str::to_string);
    let (before, now) = (trimmed(&b.comment), trimmed(&a.comment));
    if before != now {
        out.push(Change::Comment { number, title, before, after: now, cell: cell(Field::Comment) });
    }
}

/// Actions matched by number, then by title; indicators by action and name.
pub fn compare(before: &Plan, after: &Plan, year: Option<i32>) -> Vec<Change> {
    let old: Vec<&Action> = before.actions().iter().map(|r| r.action).collect();
    let new: Vec<&Action> = after.actions().iter().map(|r| r.action).collect();
    let key = |a: &Action| crate::text::fold(&a.title);
    let find = |list: &[&'_ Action], a: &Action| -> Option<usize> {
        list.iter()
            .position(|b| a.number.is_some() && b.number == a.number)
            .or_else(|| list.iter().position(|b| key(b) == key(a)))
    };
    let mut out = Vec::new();
    let mut matched_old = vec![false; old.len()];
    for a in &new {
        match find(&old, a) {
            Some(i) if !matched_old[i] => {
                matched_old[i] = true;
                action_changes(after, old[i], a, &mut out);
            }
            _ => out.push(Change::Added {
                number: a.number.clone(),
                title: a.title.clone(),
                cell: field_cell(after, a, Field::Title),
            }),
        }
    }
    for (i, b) in old.iter().enumerate() {
        if !matched_old[i] {
            out.push(Change::Dropped { number: b.number.clone(), title: b.title.clone() });
        }
    }
    indicator_changes(before, after, year, &mut out);
    out
}

fn indicator_changes(before: &Plan, after: &Plan, year: Option<i32>, out: &mut Vec<Change>) {
    for ind in &after.indicators {
        let prev = before
            .indicators
            .iter()
            .find(|p| p.action == ind.action && crate::text::fold(&p.name) == crate::text::fold(&ind.name));
        let now = ind.latest(year).map(|(_, v)| v);
        let was = prev.and_then(|p| p.latest(year)).map(|(_, v)| v);
        if now != was {
            out.push(Change::Indicator { action: ind.action.clone(), name: ind.name.clone(), before: was, after: now });
        }
    }
}
