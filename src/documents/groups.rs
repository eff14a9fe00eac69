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

/// An objective, its actions, then its sub-objectives, any depth.
fn objective_rows<'a>(o: &'a Objective, depth: usize, out: &mut Vec<Group<'a>>) {
    out.push(Group::Objective(o.title.clone(), depth));
    out.extend(o.actions.iter().map(Group::Action));
    for c in &o.children {
        objective_rows(c, depth + 1, out);
    }
}

/// Document title, plan title and period, at the top of page 1.
pub fn title_block(ctx: &Ctx<'_>, title: &str) -> Vec<Block> {
    let t = ctx.t;
    let mut b = vec![Block::Para(
        ctx.para(title, Style::new(Face::Bold, t.tailles.titre_document, ctx.main)).spacing(0.0, 2.0).heading(1),
    )];
    if let Some(pt) = &ctx.plan.meta.title {
        b.push(Block::Para(ctx.para(pt, Style::new(Face::Regular, t.tailles.grand, ctx.text)).spacing(0.0, 2.0)));
    }
    let sub = ctx.subtitle();
    if !sub.is_empty() {
        b.push(Block::Para(ctx.para(&sub, Style::new(Face::Regular, t.tailles.texte, ctx.muted)).spacing(0.0, 10.0)));
    }
    b
}
