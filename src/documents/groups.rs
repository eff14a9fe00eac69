//! Plan tables share their shape: a title block, then rows grouped by axis and objective.

use crate::layout::{Block, Face, Style};
use crate::model::{Action, Plan};

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
            out.push(Group::Objective(o.title.clone(), 0));
            out.extend(o.actions.iter().map(Group::Action));
            for c in &o.children {
                out.push(Group::Objective(c.title.clone(), 1));
                out.extend(c.actions.iter().map(Group::Action));
            }
        }
    }
    out
}

/// Document title, then the plan's title unless the running header's line (territory,
/// kind, period — on page 1 too) already says it: each said once on the page.
pub fn title_block(ctx: &Ctx<'_>, title: &str) -> Vec<Block> {
    let t = ctx.t;
    let mut b = vec![Block::Para(
        ctx.para(title, Style::new(Face::Bold, t.tailles.titre_document, ctx.main)).spacing(0.0, 10.0).heading(1),
    )];
    let said = [comparable(title), comparable(&ctx.subtitle())];
    if let Some(pt) = ctx.plan.meta.title.as_deref().filter(|pt| !said.iter().any(|s| s.contains(&comparable(pt)))) {
        if let Some(Block::Para(h)) = b.last_mut() {
            h.space_after = 2.0;
        }
        b.push(Block::Para(
            ctx.para(pt, Style::new(Face::Regular, t.tailles.texte + 1.0, ctx.text)).spacing(0.0, 10.0),
        ));
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
