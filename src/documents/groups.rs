//! Plan tables share their shape: a title block, then rows grouped by axis and objective.

use crate::layout::{Block, Face, Style};
use crate::model::{Action, Objective, Plan};

use super::common::Ctx;

/// A row of a grouped table, in reading order.
pub enum Group<'a> {
    Axis(String),
    /// Objective title and depth (0 = first level).
    Objective(String, usize),
    Action(&'a Action),
}

pub fn group_rows(plan: &Plan) -> Vec<Group<'_>> {
    let mut out = Vec::new();
    for axis in &plan.axes {
        if !axis.implicit {
            out.push(Group::Axis(axis.title.clone()));
        }
        out.extend(axis.actions.iter().map(Group::Action));
        for o in &axis.objectives {
            objective_rows(o, 0, &mut out);
        }
    }
    out
}

/// An objective's band, its actions, then its sub-objectives, at any depth.
fn objective_rows<'a>(o: &'a Objective, depth: usize, out: &mut Vec<Group<'a>>) {
    out.push(Group::Objective(o.title.clone(), depth));
    out.extend(o.actions.iter().map(Group::Action));
    for c in &o.children {
        objective_rows(c, depth + 1, out);
    }
}

/// Document title, plan title, then territory, kind and period: each said once (page 1's
/// running header leaves them to this block).
pub fn title_block(ctx: &Ctx<'_>, title: &str) -> Vec<Block> {
    let t = ctx.t;
    let mut b = vec![Block::Para(
        ctx.para(title, Style::new(Face::Bold, t.sizes.document_title, ctx.main)).spacing(0.0, 2.0).heading(1),
    )];
    // Each said once: the plan title unless it is the document's, then the territory,
    // kind and period not already said.
    let mut said = vec![comparable(title)];
    let m = &ctx.plan.meta;
    if let Some(pt) = m.title.as_deref().filter(|pt| !said.contains(&comparable(pt))) {
        said.push(comparable(pt));
        b.push(Block::Para(ctx.para(pt, Style::new(Face::Regular, t.sizes.large, ctx.text)).spacing(0.0, 2.0)));
    }
    let known = |s: &str| said.iter().any(|x| x.contains(&comparable(s)));
    let mut parts: Vec<String> = Vec::new();
    if let Some(territory) = m.territory.as_deref().filter(|s| !known(s)) {
        parts.push(territory.to_string());
    }
    let kind = match m.kind {
        crate::model::PlanKind::Other => None,
        k => Some(k.label().to_string()),
    };
    let period = match (m.first_year, m.last_year) {
        (Some(a), Some(b)) => Some(format!("{a}-{b}")),
        _ => None,
    };
    let kp: Vec<String> = [kind, period].into_iter().flatten().collect();
    if !kp.is_empty() && !known(&kp.join(" ")) {
        parts.push(kp.join(" "));
    }
    let sub = parts.join(" · ");
    if !sub.is_empty() {
        b.push(Block::Para(ctx.para(&sub, Style::new(Face::Regular, t.sizes.body, ctx.muted)).spacing(0.0, 10.0)));
    } else if let Some(Block::Para(p)) = b.last_mut() {
        p.space_after = 10.0;
    }
    b
}

/// Text compared for repetition: letters and digits only, lower case, no accents.
fn comparable(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::comparable;

    #[test]
    fn repeated_titles_compare_equal() {
        assert_eq!(comparable("PLAN D'ACTIONS"), comparable("Plan d’actions"));
        assert_eq!(comparable("ECHEANCIER"), comparable("Échéancier"));
        assert!(comparable("PROJET SOCIAL 2022-2026").contains(&comparable("2022-2026")));
    }
}
