//! evaluation.pdf: the follow-up report for CAF advisors, A4 portrait. One function per
//! section; every label comes from the template.

use std::rc::Rc;

use crate::evaluation::{in_difficulty, mean_progress, percent as pct, status_counts, Change};
use crate::layout::canvas::PageSink;
use crate::layout::{Align, Block, Canvas, Cell, Face, Flow, Paragraph, Rgb, Row, Style, Table};
use crate::model::{Action, Axis, Indicator, Plan};

use super::chart::{axis_chart, swatch, StatusLook};
use super::common::{continued, fit_numbers, more_than_half_full, Ctx, DocOptions};
use super::groups::title_block;
use super::Laid;

/// Options of the report: review year and the changes since an earlier version, with
/// that version's label ("juin 2026"; None: « la version précédente »).
#[derive(Debug, Clone, Default)]
pub struct EvalOptions {
    pub year: Option<i32>,
    pub changes: Option<(Option<String>, Vec<Change>)>,
}

/// The sections after the tables (indicators, changes) follow the rule of the fiches:
/// a section starts a new page only when the current one is more than half full (no
/// half-empty page before a short table); its heading stays with what follows.
fn add_section(flow: &mut Flow, section: Vec<Block>) {
    if section.is_empty() {
        return;
    }
    if more_than_half_full(flow) {
        flow.page_break();
    }
    flow.add(section);
}

/// Height of a progress bar, and its gap under its figure.
const BAR_H: f32 = 6.0;
const BAR_GAP: f32 = 2.0;

fn plural(n: usize) -> &'static str {
    if n > 1 {
        "s"
    } else {
        ""
    }
}

pub(super) fn lay_evaluation(plan: &Plan, opts: &DocOptions, eval: &EvalOptions, sink: &mut dyn PageSink) -> Laid {
    let ctx = Ctx::new(plan, opts);
    let t = ctx.t;
    let title = match eval.year {
        Some(y) => format!("{} {y}", t.label("bilan")),
        None => t.label("evaluation").to_string(),
    };
    let mut blocks = title_block(&ctx, &title);
    blocks.extend(synthesis(&ctx));
    blocks.push(heading(&ctx, t.label("repartition")));
    blocks.push(axis_chart(&ctx));
    blocks.extend(difficulties(&ctx));
    for axis in &plan.axes {
        blocks.extend(axis_table(&ctx, axis));
    }
    let mut flow = Flow::streaming(ctx.page_setup(false), sink);
    flow.add(blocks);
    add_section(&mut flow, indicators(&ctx, eval.year));
    if let Some((since, changes)) = &eval.changes {
        add_section(&mut flow, changes_since(&ctx, since.as_deref(), changes));
    }
    let (_, tree) = flow.finish();
    Laid {
        tree,
        title_heading: false,
        info: ctx.info(&title, t.label("evaluation_sujet")),
        title,
        images: ctx.images(),
    }
}

/// A section heading (H2, bookmarked), kept with what follows.
fn heading(ctx: &Ctx<'_>, s: &str) -> Block {
    Block::KeepWithNext(Box::new(Block::Para(
        ctx.para(s, Style::new(Face::Bold, ctx.t.sizes.title, ctx.main))
            .spacing(16.0, 6.0)
            .heading(2)
            .bookmark(crate::text::truncate_chars(s, 120)),
    )))
}

/// "Synthèse": one line per status with its swatch, then the mean progress.
fn synthesis(ctx: &Ctx<'_>) -> Vec<Block> {
    let actions = ctx.plan.actions();
    let mut blocks = vec![heading(ctx, ctx.t.label("synthese"))];
    let total = actions.len().max(1) as f64;
    for (s, n) in status_counts(actions.iter().map(|r| r.action)) {
        if n == 0 && s.is_none() {
            continue;
        }
        let look = StatusLook::of(ctx, s);
        let line = format!("{} : {n} action{} ({})", look.label, plural(n), pct(100.0 * n as f64 / total));
        let mut p = ctx.para(&line, ctx.body()).spacing(0.0, 2.0);
        p.indent = 14.0;
        blocks.push(Block::fixed(
            0.0,
            None,
            Rc::new(move |cv: &mut Canvas<'_>, x, y, _| swatch(cv, x, y + 2.0, &look)),
        ));
        blocks.push(Block::Para(p));
    }
    if let Some(m) = mean_progress(actions.iter().map(|r| r.action)) {
        let line = format!("{} : {}", ctx.t.label("avancement_moyen"), m.sentence());
        blocks.push(Block::Para(ctx.para(&line, Style::new(Face::Bold, ctx.t.sizes.body, ctx.text)).spacing(6.0, 4.0)));
    }
    blocks
}

/// The actions in difficulty, one bullet each with the status and the comment.
fn difficulties(ctx: &Ctx<'_>) -> Vec<Block> {
    let actions = ctx.plan.actions();
    let hard: Vec<_> = actions.iter().filter(|r| in_difficulty(r.action.status)).collect();
    if hard.is_empty() {
        return Vec::new();
    }
    let mut blocks = vec![heading(ctx, ctx.t.label("en_difficulte"))];
    for r in hard {
        let a = r.action;
        let status = StatusLook::of(ctx, a.status).label;
        // An unnumbered action is named by its title alone (never "Action n° — —").
        let mut line = match a.number.as_deref() {
            Some(n) => format!("{} {n} — {} : {status}", ctx.t.label("action"), a.title),
            None => format!("{} : {status}", a.title),
        };
        if let Some(c) = &a.comment {
            line.push_str(&format!(". {c}"));
        }
        blocks.push(Block::Para(ctx.para(&line, ctx.body()).bullet("•", 10.0).spacing(0.0, 2.0)));
    }
    blocks
}

/// A table header row on the main colour.
fn header_row(ctx: &Ctx<'_>, titles: &[String]) -> Row {
    let head = Style::new(Face::Bold, ctx.t.sizes.small, ctx.main.ink(ctx.text));
    Row::new(titles.iter().map(|h| Cell::text(ctx.para(h, head))).collect()).fill(ctx.main)
}

/// One table per axis: number, title, status badge, progress, comment.
fn axis_table(ctx: &Ctx<'_>, axis: &Axis) -> Vec<Block> {
    let acts = axis.all_actions();
    if acts.is_empty() {
        return Vec::new();
    }
    let t = ctx.t;
    let title = if axis.implicit { t.label("actions_sans_axe") } else { &axis.title };
    // The number column as wide as the longest number ("1.1.1.1.1" never breaks in two).
    let mut widths = vec![28.0, 190.0, 70.0, 70.0, 150.0];
    fit_numbers(&mut widths, 0, 1, ctx.page_setup(false).content_width(), ctx.plan, ctx.body());
    let mut table = Table::new(widths);
    table.border = ctx.rule;
    let cols = ["numero", "intitule", "statut", "avancement", "commentaire"];
    table.header = vec![header_row(ctx, &cols.map(|k| t.label(k).to_string()))];
    for a in acts {
        table.rows.push(action_row(ctx, a, table.padding));
    }
    // Pages the axis's table runs onto open with the axis, "(suite)".
    let style = Style::new(Face::Bold, t.sizes.large, ctx.main);
    let line = ctx.page_setup(false).content_width();
    let suite = ctx.para(&continued(ctx, title, style, line), style).spacing(0.0, 6.0);
    vec![
        heading(ctx, title),
        Block::Continuation(vec![Block::Para(suite)]),
        Block::Table(table),
        Block::Continuation(Vec::new()),
    ]
}

fn action_row(ctx: &Ctx<'_>, a: &Action, padding: f32) -> Row {
    let body = ctx.body();
    let look = StatusLook::of(ctx, a.status);
    let badge = Style::new(Face::Bold, ctx.t.sizes.small, look.ink);
    let progress = match a.progress {
        Some(p) => progress_cell(ctx, pct(p), Some(p / 100.0), body, padding),
        None => Cell::text(ctx.para("—", body)),
    };
    Row::new(vec![
        Cell::text(ctx.para(a.number.as_deref().unwrap_or(""), body).align(Align::Center)),
        Cell::text(ctx.para(&a.title, body)),
        Cell::text(ctx.para(&look.label, badge).align(Align::Center)).fill(look.colour),
        progress,
        Cell::text(ctx.para(a.comment.as_deref().unwrap_or(""), body)),
    ])
}

/// A figure with its bar right under it: the paragraph keeps room for the bar, so the
/// bar never covers text and stays with its figure however tall the row.
fn progress_cell(ctx: &Ctx<'_>, text: String, share: Option<f64>, style: Style, padding: f32) -> Cell {
    let para = Paragraph::new(text, style);
    let line_h = para.lines(1000.0).first().map_or(style.size * 1.2, |l| l.height);
    let para = para.spacing(0.0, BAR_GAP + BAR_H + 2.0);
    let cell = Cell::text(para);
    let Some(s) = share else { return cell };
    let (main, track) = (ctx.main, Rgb::parse(&ctx.t.colours.track).unwrap_or(ctx.muted));
    cell.draw(Rc::new(move |cv: &mut Canvas<'_>, x, y, w, _h| {
        let (bx, by, bw) = (x + padding, y + padding + line_h + BAR_GAP, w - 2.0 * padding);
        cv.fill(bx, by, bw, BAR_H, Rgb::WHITE);
        cv.fill(bx, by, bw * s.clamp(0.0, 1.0) as f32, BAR_H, main);
        cv.stroke(bx, by, bw, BAR_H, track, 0.75);
    }))
}

/// Indicators: baseline, target, yearly values up to the review year, share of target.
fn indicators(ctx: &Ctx<'_>, year: Option<i32>) -> Vec<Block> {
    let plan = ctx.plan;
    if plan.indicators.is_empty() {
        return Vec::new();
    }
    let t = ctx.t;
    let mut years: Vec<i32> = plan
        .indicators
        .iter()
        .flat_map(|i| i.values.keys().copied())
        .filter(|y| year.is_none_or(|e| *y <= e))
        .collect();
    years.sort_unstable();
    years.dedup();
    let mut widths = vec![30.0, 150.0, 45.0, 45.0];
    widths.extend(years.iter().map(|_| 40.0));
    widths.push(70.0);
    fit_numbers(&mut widths, 0, 1, ctx.page_setup(false).content_width(), ctx.plan, ctx.body());
    let mut table = Table::new(widths);
    table.border = ctx.rule;
    let mut titles: Vec<String> = ["numero", "indicateur", "reference", "cible"].map(|k| t.label(k).to_string()).into();
    titles.extend(years.iter().map(i32::to_string));
    titles.push(t.label("atteinte").to_string());
    table.header = vec![header_row(ctx, &titles)];
    for ind in &plan.indicators {
        table.rows.push(indicator_row(ctx, ind, &years, year, table.padding));
    }
    vec![heading(ctx, t.label("indicateurs")), Block::Table(table)]
}

fn indicator_row(ctx: &Ctx<'_>, ind: &Indicator, years: &[i32], year: Option<i32>, padding: f32) -> Row {
    let body = ctx.body();
    let num = |v: Option<f64>| v.map(crate::text::french_number).unwrap_or_default();
    let right = |s: &str| Cell::text(ctx.para(s, body).align(Align::Right));
    let name = match &ind.unit {
        Some(u) => format!("{} ({u})", ind.name),
        None => ind.name.clone(),
    };
    let mut cells = vec![
        Cell::text(ctx.para(ind.action.as_deref().unwrap_or(""), body).align(Align::Center)),
        Cell::text(ctx.para(&name, body)),
        right(&num(ind.baseline)),
        right(&num(ind.target)),
    ];
    cells.extend(years.iter().map(|y| right(&num(ind.values.get(y).copied()))));
    let share = ind.share_of_target(year);
    let text = share.map(|s| pct(100.0 * s)).unwrap_or_else(|| "—".into());
    cells.push(progress_cell(ctx, text, share, body, padding));
    Row::new(cells)
}

/// "Ce qui a changé depuis juin 2026" (or "… la version précédente"): one bullet per change.
fn changes_since(ctx: &Ctx<'_>, since: Option<&str>, changes: &[Change]) -> Vec<Block> {
    let title = match since {
        Some(label) => format!("{} {label}", ctx.t.label("changements")),
        None => ctx.t.label("changements_precedente").to_string(),
    };
    let mut blocks = vec![heading(ctx, &title)];
    if changes.is_empty() {
        blocks.push(Block::Para(ctx.para(ctx.t.label("aucun_changement"), ctx.body())));
    }
    for c in changes {
        blocks.push(Block::Para(ctx.para(&c.sentence(), ctx.body()).bullet("•", 10.0).spacing(0.0, 2.0)));
    }
    blocks
}
