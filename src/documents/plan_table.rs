//! plan-d-actions.pdf: the consolidated plan table annexed to the deliberation,
//! A4 landscape, a section row per axis.

use crate::layout::canvas::PageSink;
use crate::layout::{Align, Block, Cell, Face, Flow, Paragraph, Row, Style, Table};
use crate::model::{Action, Axis, Plan};
use crate::templates::PlanColumn;

use super::common::{continued, fit_numbers, year_ranges, Ctx, DocOptions};
use super::fiches::priority_label;
use super::groups::title_block;
use super::Laid;

pub(super) fn lay_plan_table(plan: &Plan, opts: &DocOptions, sink: &mut dyn PageSink) -> Laid {
    let ctx = Ctx::new(plan, opts);
    let t = ctx.t;
    let setup = ctx.page_setup(true);
    let total = setup.content_width();
    let title = t.label("plan").to_string();
    let cols: Vec<&PlanColumn> = t.plan.columns.iter().filter(|c| has_column(plan, &c.field)).collect();
    let mut widths: Vec<f32> = cols.iter().map(|c| c.width).collect();
    if let (Some(num), Some(from)) =
        (cols.iter().position(|c| c.field == "numero"), cols.iter().position(|c| c.field == "action"))
    {
        fit_numbers(&mut widths, num, from, total, plan, ctx.body());
    }
    let mut table = Table::new(widths);
    table.border = ctx.rule;
    let head = Style::new(Face::Bold, t.sizes.small, ctx.main.ink(ctx.text));
    table.header = vec![Row::new(cols.iter().map(|c| Cell::text(ctx.para(&c.title, head))).collect()).fill(ctx.main)];
    let actions = plan.actions();
    for axis in &plan.axes {
        if !axis.implicit {
            table.rows.push(axis_band(&ctx, axis, cols.len(), total - 2.0 * table.padding));
        }
        // The objective path at any depth, a level per line: "Objectif\n› Sous-objectif".
        let rows: Vec<(String, &Action)> = actions
            .iter()
            .filter(|r| std::ptr::eq(r.axis, axis))
            .map(|r| (r.objectives.iter().map(|o| o.title.as_str()).collect::<Vec<_>>().join("\n› "), r.action))
            .collect();
        action_rows(&ctx, &cols, &rows, total, &mut table);
    }
    let mut flow = Flow::streaming(setup, sink);
    let mut blocks = title_block(&ctx, &title);
    blocks.push(Block::Table(table));
    flow.add(blocks);
    let (_, tree) = flow.finish();
    Laid {
        tree,
        title_heading: false,
        info: ctx.info(&title, "Plan d'actions annexé à la délibération"),
        title,
        images: ctx.images(),
    }
}

/// Columns the plan leaves empty everywhere are dropped, as a person would.
fn has_column(plan: &Plan, champ: &str) -> bool {
    let actions = plan.actions();
    let any = |f: &dyn Fn(&Action) -> bool| actions.iter().any(|r| f(r.action));
    match champ {
        "objectif" => plan.objective_count() > 0,
        "numero" => any(&|a| a.number.is_some()),
        "priorite" => any(&|a| a.priority.is_some()),
        "pilote" => any(&|a| a.pilot_text().is_some()),
        "annees" => any(&|a| !a.years.is_empty()),
        "statut" => any(&|a| a.status.is_some()),
        "partenaires" => any(&|a| a.partners.is_some()),
        "public" => any(&|a| a.public.is_some()),
        _ => true,
    }
}

/// An axis's band across the table, its description under it; "(suite)" on the pages
/// it runs onto.
fn axis_band(ctx: &Ctx<'_>, axis: &Axis, ncols: usize, line: f32) -> Row {
    let t = ctx.t;
    let mut paras = vec![ctx.para(&axis.title, Style::new(Face::Bold, t.sizes.body, ctx.text))];
    if let Some(d) = &axis.description {
        paras.push(ctx.para(d, Style::new(Face::Italic, t.sizes.small, ctx.text)).spacing(2.0, 0.0));
    }
    let fill = ctx.tint(t.colours.axis_fill);
    let bold = Style::new(Face::Bold, t.sizes.body, ctx.text);
    let suite = ctx.para(&continued(ctx, &axis.title, bold, line), bold);
    let continued = Row::new(vec![Cell::text(suite).span(ncols)]).fill(fill);
    Row::new(vec![Cell::new(paras).span(ncols).heading(2)])
        .fill(fill)
        .band(0, continued)
        .bookmark(crate::text::truncate_chars(&axis.title, 120))
}

/// The action rows of one axis. The objective cell is merged over its actions, as in the
/// spreadsheet; it says its text again, "(suite)", at the top of a page it runs onto.
fn action_rows(ctx: &Ctx<'_>, cols: &[&PlanColumn], rows: &[(String, &Action)], total: f32, table: &mut Table) {
    let objective_col = cols.iter().position(|c| c.field == "objectif");
    let mut i = 0;
    while i < rows.len() {
        let objective = &rows[i].0;
        let n = rows[i..].iter().take_while(|(o, _)| o == objective).count();
        let first = table.rows.len();
        for (_, a) in &rows[i..i + n] {
            table.rows.push(Row::new(cols.iter().map(|c| cell(ctx, &c.field, objective, a)).collect()));
        }
        if let (Some(col), false) = (objective_col, objective.is_empty()) {
            let line = table.scaled(total)[col] - 2.0 * table.padding;
            let suite = continued(ctx, objective, ctx.body(), line);
            table.merge_down(first, col, n, &[objective_para(ctx, &suite)]);
        }
        i += n;
    }
}

fn objective_para(ctx: &Ctx<'_>, text: &str) -> Paragraph {
    ctx.para(text, ctx.body())
}

/// A cell of an action row. Every cell opens with a line of body text in the text
/// colour, so the row's first baselines line up; only the action's aim, under its
/// title, is set smaller.
fn cell(ctx: &Ctx<'_>, field: &str, objective: &str, a: &Action) -> Cell {
    let body = ctx.body();
    let plain = |s: &str| Cell::text(ctx.para(s, body));
    match field {
        "objectif" => Cell::text(objective_para(ctx, objective)),
        "numero" => Cell::text(ctx.para(a.number.as_deref().unwrap_or(""), body).align(Align::Center)),
        "action" => {
            let mut paras = vec![ctx.para(&a.title, Style::new(Face::Bold, ctx.t.sizes.body, ctx.text))];
            if let Some(aim) = &a.aim {
                let label = format!("{} : ", ctx.t.label("objectif"));
                let note = Style::new(Face::Italic, ctx.t.sizes.small, ctx.text);
                let p = Paragraph::new(crate::layout::french(&label), note)
                    .push(crate::layout::french(aim), note)
                    .spacing(2.0, 0.0);
                paras.push(p);
            }
            // The action heads its row.
            Cell::new(paras).row_header()
        }
        "priorite" => plain(&a.priority.map(|p| priority_label(ctx, p)).unwrap_or_default()),
        "pilote" => plain(a.pilot_text().unwrap_or("")),
        "annees" => plain(&year_ranges(&a.years)),
        "statut" => plain(a.status.map(|s| s.label()).unwrap_or("")),
        "partenaires" => plain(a.partners.as_deref().unwrap_or("")),
        "public" => plain(a.public.as_deref().unwrap_or("")),
        _ => Cell::empty(),
    }
}
