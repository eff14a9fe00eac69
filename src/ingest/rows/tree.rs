//! Label paths → axes › objectives › actions, equal labels merged.

use std::collections::{BTreeSet, HashMap};

use super::Label;
use crate::ingest::parse::{section_number, strip_objective_label};
use crate::model::{Action, Axis, Objective, Origin};
use crate::text::one_line;

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
pub(super) struct Tree {
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
    pub(super) fn new(file: &str, sheet: &str) -> Self {
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
    pub(super) fn ensure(&mut self, path: &[Label]) -> Option<Place> {
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

    pub(super) fn push(&mut self, path: &[Label], action: Action) {
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
    pub(super) fn push_sub(&mut self, path: &[Label], parent: Action, mut sub: Action) {
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
    pub(super) fn push_numbered_sub(&mut self, path: &[Label], parent: &str, sub: Action) {
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
    pub(super) fn extend_last(&mut self, more: Action) -> bool {
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

    pub(super) fn finish(mut self) -> Vec<Axis> {
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
