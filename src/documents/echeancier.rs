//! echeancier.pdf: the yearly timeline, A4 landscape, grouped by axis and objective.

use std::rc::Rc;

use crate::layout::canvas::PageSink;
use crate::layout::fonts::measure;
use crate::layout::{french, Align, Block, Canvas, Cell, Face, Flow, Paragraph, Rgb, Role, Row, Style, Table};
use crate::model::Plan;

use super::common::{continued, fit_numbers, Ctx, DocOptions};
use super::groups::{group_rows, title_block, Group};
use super::Laid;

pub(super) fn lay_echeancier(plan: &Plan, opts: &DocOptions, sink: &mut dyn PageSink) -> Laid {
    let ctx = Ctx::new(plan, opts);
    let t = ctx.t;
    let setup = ctx.page_setup(true);
    let total = setup.content_width();
    let title = t.label("echeancier").to_string();
    // No grid of empty boxes: without a single year in the plan, the sentence says so.
    let dated = plan.actions().iter().any(|r| !r.action.years.is_empty() || !r.action.milestones.is_empty());
    let years = if dated { plan.meta.period_years() } else { Vec::new() };
    let mut flow = Flow::streaming(setup, sink);
    let mut blocks = title_block(&ctx, &title);
    if years.is_empty() {
        blocks.push(Block::Para(
            ctx.para(t.label("sans_annee"), Style::new(Face::Italic, t.sizes.body, ctx.muted)).spacing(0.0, 8.0),
        ));
    }
    let mut table = timeline_table(&ctx, plan, &years, total);
    timeline_rows(&ctx, plan, &years, total, &mut table);
    // The legend comes before the grid it explains (and never strays onto a page alone).
    if !years.is_empty() {
        blocks.push(legend(&ctx, plan));
        blocks.push(Block::Space(6.0));
    }
    blocks.push(Block::Table(table));
    flow.add(blocks);
    let (_, tree) = flow.finish();
    Laid {
        tree,
        title_heading: false,
        info: ctx.info(&title, "Calendrier annuel des actions du plan"),
        title,
        images: ctx.images(),
    }
}

/// The empty timeline: its columns (number, title, one per year) and header row.
fn timeline_table(ctx: &Ctx<'_>, plan: &Plan, years: &[i32], total: f32) -> Table {
    let t = ctx.t;
    let mut widths = vec![34.0, 330.0];
    widths.extend(years.iter().map(|_| 46.0));
    fit_numbers(&mut widths, 0, 1, total, plan, ctx.body());
    let mut table = Table::new(widths);
    table.border = ctx.rule;
    let head = Style::new(Face::Bold, t.sizes.small, ctx.main.ink(ctx.text));
    let mut header = vec![
        Cell::text(ctx.para(t.label("numero"), head).align(Align::Center)),
        Cell::text(ctx.para(t.label("intitule"), head)),
    ];
    header.extend(years.iter().map(|y| Cell::text(Paragraph::new(y.to_string(), head).align(Align::Center))));
    table.header = vec![Row::new(header).fill(ctx.main)];
    table
}

/// A band: one cell across the table; repeated "(suite)" on the pages its group runs
/// onto. The band's text is a heading of `heading` level; its "(suite)" copies are
/// artifacts.
struct Band<'a> {
    text: &'a str,
    style: Style,
    indent: f32,
    fill: Rgb,
    level: usize,
    heading: u8,
}

fn band_row(ctx: &Ctx<'_>, table: &Table, total: f32, b: Band<'_>) -> Row {
    let ncols = table.widths.len();
    let row = |s: &str, h: Option<u8>| {
        let mut p = ctx.para(s, b.style);
        p.indent = b.indent;
        let cell = Cell::text(p).span(ncols);
        Row::new(vec![match h {
            Some(h) => cell.heading(h),
            None => cell,
        }])
        .fill(b.fill)
    };
    // The band's line: the table's width less the cell's padding and the indent.
    let line = total - 2.0 * table.padding - b.indent;
    row(b.text, Some(b.heading)).band(b.level, row(&continued(ctx, b.text, b.style, line), None))
}

/// The rows of the timeline: a band per axis and objective, a row per action.
fn timeline_rows(ctx: &Ctx<'_>, plan: &Plan, years: &[i32], total: f32, table: &mut Table) {
    let t = ctx.t;
    let mut under_axis = false;
    for g in group_rows(plan) {
        let row = match g {
            Group::Axis(title) => {
                under_axis = true;
                let style = Style::new(Face::Bold, t.sizes.body, ctx.text);
                let fill = ctx.tint(t.colours.axis_fill);
                let b = Band { text: &title, style, indent: 0.0, fill, level: 0, heading: 2 };
                band_row(ctx, table, total, b).bookmark(crate::text::truncate_chars(&title, 120))
            }
            Group::Objective(title, depth) => {
                // Headings never skip a level: H2 axis, then H3 objective, H4 sub-objective.
                let heading = (if under_axis { 3 } else { 2 } + depth).min(6) as u8;
                let face = if depth == 0 { Face::Bold } else { Face::Regular };
                let style = Style::new(face, t.sizes.body, ctx.text);
                let fill = ctx.tint(t.colours.objective_fill);
                let b = Band { text: &title, style, indent: 8.0 * depth as f32, fill, level: 1 + depth, heading };
                band_row(ctx, table, total, b)
            }
            Group::Action(a) => {
                let mut cells = vec![
                    Cell::text(ctx.para(a.number.as_deref().unwrap_or(""), ctx.body()).align(Align::Center)),
                    Cell::text(ctx.para(&a.title, ctx.body())).row_header(),
                ];
                for y in years {
                    cells.push(year_cell(ctx, a.years.contains(y), a.milestones.get(y).map(String::as_str)));
                }
                Row::new(cells)
            }
        };
        table.rows.push(row);
    }
}

/// The mark of a running year, for the cells and the legend alike: a box of the year
/// fill inset by 2 pt in its cell.
fn year_mark(cv: &mut Canvas<'_>, x: f32, y: f32, w: f32, h: f32, fill: Rgb) {
    cv.fill(x + 2.0, y + 2.0, w - 4.0, h - 4.0, fill);
}

/// The style of the word in a year mark ("X" or the milestone), readable on its fill.
fn mark_style(ctx: &Ctx<'_>) -> Style {
    Style::new(Face::Bold, ctx.t.sizes.small, ctx.year_fill().ink(ctx.text))
}

/// A year cell: filled when the action runs, and never by colour alone: its milestone
/// word inside (wrapped, never shrunk below the scale), else "X" as plans are written.
fn year_cell(ctx: &Ctx<'_>, on: bool, milestone: Option<&str>) -> Cell {
    if !on {
        return Cell::empty();
    }
    let fill = ctx.year_fill();
    let mut cell = Cell::empty().draw(Rc::new(move |cv: &mut Canvas<'_>, x, y, w, h| year_mark(cv, x, y, w, h, fill)));
    let m = french(milestone.unwrap_or("X"));
    cell.paras.push(Paragraph::new(m, mark_style(ctx)).align(Align::Center));
    cell
}

/// "Légende : [X] année de mise en œuvre  [Étude] mot dans la case : jalon de l'année",
/// each mark drawn as the cells draw theirs; the milestone sample is the plan's first
/// milestone word when it has one.
fn legend(ctx: &Ctx<'_>, plan: &Plan) -> Block {
    let (fill, muted) = (ctx.year_fill(), ctx.muted);
    let label = french(&format!("{} :", ctx.t.label("legende")));
    let a = french(ctx.t.label("legende_annee"));
    let b = french(ctx.t.label("legende_jalon"));
    let sample = plan.actions().iter().find_map(|r| r.action.milestones.values().next().cloned());
    let sample = crate::text::truncate_chars(&french(sample.as_deref().unwrap_or("Jalon")), 20);
    let size = ctx.t.sizes.small;
    let mark = mark_style(ctx);
    Block::fixed(
        18.0,
        Some(Role::P),
        Rc::new(move |cv: &mut Canvas<'_>, x, y, _w| {
            let st = Style::new(Face::Regular, size, muted);
            cv.text(x, y + 11.0, &label, Style::new(Face::Bold, size, muted));
            let mut at = x + measure(&label, Face::Bold, size) + 8.0;
            for (word, says) in [("X", &a), (sample.as_str(), &b)] {
                let ww = measure(word, mark.face, mark.size);
                let w = ww.max(10.0) + 12.0;
                year_mark(cv, at, y, w, 16.0, fill);
                cv.text(at + (w - ww) / 2.0, y + 11.0, word, mark);
                at += w + 4.0;
                cv.text(at, y + 11.0, says, st);
                at += measure(says, Face::Regular, size) + 18.0;
            }
        }),
    )
}
