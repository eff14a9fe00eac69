//! Follow-up of a plan: counts per status, difficulties, indicators, and what changed
//! since an earlier version of the same plan.

mod versions;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{Action, Plan, Status};

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

/// Mean progress of the actions that give one, in percent.
pub fn mean_progress<'a>(actions: impl Iterator<Item = &'a Action>) -> Option<f64> {
    let v: Vec<f64> = actions.filter_map(|a| a.progress).collect();
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

pub fn in_difficulty(s: Option<Status>) -> bool {
    matches!(s, Some(Status::Late | Status::Blocked | Status::Postponed | Status::Abandoned | Status::Paused))
}

/// One change between two versions of a plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Change {
    Added { number: Option<String>, title: String },
    Dropped { number: Option<String>, title: String },
    Status { number: Option<String>, title: String, before: Option<Status>, after: Option<Status> },
    Progress { number: Option<String>, title: String, before: Option<f64>, after: Option<f64> },
    Indicator { action: Option<String>, name: String, before: Option<f64>, after: Option<f64> },
}

impl Change {
    /// The change in one French sentence.
    pub fn sentence(&self) -> String {
        let who = |n: &Option<String>, t: &str| match n {
            Some(n) => format!("Action {n} « {t} »"),
            None => format!("Action « {t} »"),
        };
        let st = |s: &Option<Status>| s.map_or("non renseigné", |s| s.label()).to_string();
        let pc = |p: &Option<f64>| p.map_or("—".to_string(), |p| format!("{} %", crate::text::format_number(p)));
        let val = |p: &Option<f64>| p.map_or("—".to_string(), crate::text::format_number);
        match self {
            Change::Added { number, title } => format!("{} : ajoutée.", who(number, title)),
            Change::Dropped { number, title } => format!("{} : retirée.", who(number, title)),
            Change::Status { number, title, before, after } => {
                format!("{} : statut {} → {}.", who(number, title), st(before), st(after))
            }
            Change::Progress { number, title, before, after } => {
                format!("{} : avancement {} → {}.", who(number, title), pc(before), pc(after))
            }
            Change::Indicator { action, name, before, after } => {
                let a = action.as_deref().map(|a| format!(" (action {a})")).unwrap_or_default();
                format!("Indicateur « {name} »{a} : {} → {}.", val(before), val(after))
            }
        }
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
                let b = old[i];
                if b.status != a.status {
                    out.push(Change::Status {
                        number: a.number.clone(),
                        title: a.title.clone(),
                        before: b.status,
                        after: a.status,
                    });
                }
                if b.progress != a.progress {
                    out.push(Change::Progress {
                        number: a.number.clone(),
                        title: a.title.clone(),
                        before: b.progress,
                        after: a.progress,
                    });
                }
            }
            _ => out.push(Change::Added { number: a.number.clone(), title: a.title.clone() }),
        }
    }
    for (i, b) in old.iter().enumerate() {
        if !matched_old[i] {
            out.push(Change::Dropped { number: b.number.clone(), title: b.title.clone() });
        }
    }
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
    out
}
