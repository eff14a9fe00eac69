//! synthese.pdf: the departmental synthesis of many followed plans, A4 landscape — a
//! summary, one row per plan with its statuses as counts and as a labelled bar, a page
//! per theme, the actions in trouble of every plan, and the plans left out.

use std::rc::Rc;

use crate::evaluation::{percent as pct, MeanProgress};
use crate::layout::canvas::Document;
use crate::layout::{Align, Block, Canvas, Cell, Face, Flow, Row, Style, Table};
use crate::model::{Plan, PlanMeta, Status};
use crate::synthesis::{ActionLine, PlanFigures, Synthesis};

use super::chart::{patch, swatch, StatusLook};
use super::common::{continued, decorate, Ctx, DocOptions};
use super::groups::title_block;

/// Height of a status bar in a table cell, and the room kept for it under the text.
const BAR_H: f32 = 7.0;
const BAR_ROOM: f32 = BAR_H + 4.0;

fn plural(n: usize) -> &'static str {
    if n > 1 {
        "s"
    } else {
        ""
    }
}

/// The plan the pages' headers and footers are made of: the synthesis's title, and the
/// review year where a plan shows its collectivité.
fn page_plan(s: &Synthesis, bilan: &str) -> Plan {
    let mut meta = PlanMeta { title: Some(s.title.clone()), ..Default::default() };
    meta.territory = Some(match s.year {
        Some(y) => format!("{bilan} {y} · {} plan{}", s.plans.len(), plural(s.plans.len())),
        None => format!("{} plan{}", s.plans.len(), plural(s.plans.len())),
    });
    Plan { meta, ..Default::default() }
}

pub fn synthesis_pdf(s: &Synthesis, opts: &DocOptions) -> Document {
    let plan = page_plan(s, opts.template.label("synthese_bilan"));
    let ctx = Ctx::new(&plan, opts);
    let t = ctx.t;
    let title = s.title.clone();
    let mut blocks = title_block(&ctx, &title);
    blocks.extend(overview(&ctx, s));
    blocks.extend(plans_table(&ctx, s));
    for slot in s.theme_slots() {
        blocks.extend(theme_page(&ctx, s, slot));
    }
    blocks.extend(trouble(&ctx, s));
    blocks.extend(left_out(&ctx, s));
    let mut flow = Flow::new(ctx.page_setup(true));
    flow.add(blocks);
    let (mut pages, mut tree) = flow.finish();
    decorate(&mut pages, &mut tree, &ctx, &title, false);
    Document { pages, tree, info: ctx.info(&title, t.label("synthese_sujet")), images: ctx.images() }
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

fn line(ctx: &Ctx<'_>, text: &str) -> Block {
    Block::Para(ctx.para(text, ctx.body()).spacing(0.0, 3.0))
}

/// "62,1 % sur 7 actions renseignées sur 10", or a dash.
fn mean_text(m: Option<MeanProgress>) -> String {
    m.map_or_else(|| "—".into(), |m| m.sentence())
}

/// « Vue d'ensemble »: plans and territories, actions, share per status, mean progress
/// with its base, late, blocked and abandoned counts, what was left out.
fn overview(ctx: &Ctx<'_>, s: &Synthesis) -> Vec<Block> {
    let t = ctx.t;
    let (n, a) = (s.plans.len(), s.action_count());
    let terr = s.territory_count();
    let mut blocks = vec![heading(ctx, t.label("synthese_vue"))];
    blocks.push(line(
        ctx,
        &format!(
            "{n} plan{} suivi{} sur {terr} territoire{}, {a} action{}.",
            plural(n),
            plural(n),
            plural(terr),
            plural(a)
        ),
    ));
    let total = a.max(1) as f64;
    for (st, k) in s.counts() {
        if k == 0 {
            continue;
        }
        let look = StatusLook::of(ctx, st);
        let text = format!("{} : {k} action{} ({})", look.label, plural(k), pct(100.0 * k as f64 / total));
        let mut p = ctx.para(&text, ctx.body()).spacing(0.0, 2.0);
        p.indent = 14.0;
        blocks.push(Block::fixed(
            0.0,
            None,
            Rc::new(move |cv: &mut Canvas<'_>, x, y, _| swatch(cv, x, y + 2.0, &look)),
        ));
        blocks.push(Block::Para(p));
    }
    let bold = Style::new(Face::Bold, t.sizes.body, ctx.text);
    let mean = format!("{} : {}", t.label("avancement_moyen"), mean_text(s.mean()));
    blocks.push(Block::Para(ctx.para(&mean, bold).spacing(6.0, 3.0)));
    let hard = format!(
        "{} : {} · {} : {} · {} : {}",
        t.label("synthese_en_retard"),
        s.late(),
        t.label("synthese_bloquees"),
        s.blocked(),
        t.label("synthese_abandonnees"),
        s.abandoned()
    );
    blocks.push(Block::Para(ctx.para(&hard, bold).spacing(0.0, 3.0)));
    if let Some(y) = s.year {
        let outside = s.plans.iter().filter(|p| p.outside_year.is_some()).count();
        blocks.push(line(ctx, &format!("Année de bilan : {y} (une action est en retard quand son statut le dit, ou quand sa dernière année précède {y} sans qu'elle soit réalisée ni abandonnée) ; {outside} plan{} hors période.", plural(outside))));
    }
    blocks.push(line(
        ctx,
        &format!(
            "Non comptés : {} plan{} sans données de suivi, {} fichier{} non lu{}.",
            s.unfollowed.len(),
            plural(s.unfollowed.len()),
            s.unread.len(),
            plural(s.unread.len()),
            plural(s.unread.len())
        ),
    ));
    blocks
}

/// A table header row on the main colour.
fn header_row(ctx: &Ctx<'_>, keys: &[&str]) -> Row {
    let head = Style::new(Face::Bold, ctx.t.sizes.small, ctx.main.ink(ctx.text));
    Row::new(keys.iter().map(|k| Cell::text(ctx.para(ctx.t.label(k), head))).collect()).fill(ctx.main)
}

/// Counts said in words, then a stacked bar of them under the words.
fn status_cell(ctx: &Ctx<'_>, counts: &[(Option<Status>, usize)], padding: f32) -> Cell {
    let looks: Vec<(StatusLook, usize)> =
        counts.iter().filter(|(_, n)| *n > 0).map(|(s, n)| (StatusLook::of(ctx, *s), *n)).collect();
    let words: Vec<String> = looks.iter().map(|(l, n)| format!("{} {n}", l.label)).collect();
    let text = if words.is_empty() { "—".to_string() } else { words.join(", ") };
    let style = Style::new(Face::Regular, ctx.t.sizes.small, ctx.text);
    let para = ctx.para(&text, style).spacing(0.0, BAR_ROOM);
    let total: usize = looks.iter().map(|(_, n)| n).sum();
    Cell::text(para).draw(Rc::new(move |cv: &mut Canvas<'_>, x, y, w, h| {
        let (bx, by, bw) = (x + padding, y + h - padding - BAR_H, w - 2.0 * padding);
        let mut cx = bx;
        for (look, n) in &looks {
            let seg = bw * *n as f32 / total.max(1) as f32;
            patch(cv, cx, by, (seg - 1.0).max(0.5), BAR_H, look);
            cx += seg;
        }
    }))
}

/// « Plans suivis »: one row per plan.
fn plans_table(ctx: &Ctx<'_>, s: &Synthesis) -> Vec<Block> {
    let mut table = Table::new(vec![120.0, 40.0, 62.0, 40.0, 220.0, 110.0, 45.0, 45.0, 60.0]);
    table.border = ctx.rule;
    let keys = [
        "synthese_territoire",
        "synthese_type",
        "periode",
        "synthese_actions",
        "synthese_statuts",
        "avancement",
        "synthese_en_retard",
        "synthese_bloquees",
        "synthese_indicateurs",
    ];
    table.header = vec![header_row(ctx, &keys)];
    let body = ctx.body();
    let small = Style::new(Face::Regular, ctx.t.sizes.small, ctx.text);
    for p in &s.plans {
        let right = |v: String| Cell::text(ctx.para(&v, body).align(Align::Right));
        let mut who = vec![ctx.para(&p.territory, body)];
        if p.outside_year.is_some() {
            who.push(ctx.para("(période hors de l'année de bilan)", small));
        }
        let reached = match p.indicators_measured() {
            0 => "—".to_string(),
            m => format!("{} / {m}", p.indicators_reached()),
        };
        table.rows.push(Row::new(vec![
            Cell::new(who).row_header(),
            Cell::text(ctx.para(p.kind.label(), body)),
            Cell::text(ctx.para(&crate::render::departmental_xlsx::period_text(p.period), body)),
            right(p.action_count().to_string()),
            status_cell(ctx, &p.counts, table.padding),
            Cell::text(ctx.para(&mean_text(p.mean), small)),
            right(p.late.to_string()),
            right(p.blocked.to_string()),
            right(reached),
        ]));
    }
    let title = ctx.t.label("synthese_plans");
    vec![heading(ctx, title), suite(ctx, title), Block::Table(table), Block::Continuation(Vec::new())]
}

/// What opens the pages a table runs onto: its title, "(suite)".
fn suite(ctx: &Ctx<'_>, title: &str) -> Block {
    let style = Style::new(Face::Bold, ctx.t.sizes.large, ctx.main);
    let width = ctx.page_setup(true).content_width();
    Block::Continuation(vec![Block::Para(ctx.para(&continued(ctx, title, style, width), style).spacing(0.0, 6.0))])
}

/// A page per theme: its actions per territory, statuses and mean progress.
fn theme_page(ctx: &Ctx<'_>, s: &Synthesis, slot: Option<usize>) -> Vec<Block> {
    let of = |p: &'_ PlanFigures| -> Vec<crate::model::Action> {
        p.actions
            .iter()
            .filter(|a| a.assigned.theme == slot)
            .map(|a| crate::model::Action { status: a.status, progress: a.progress, ..Default::default() })
            .collect()
    };
    let all: usize = s.plans.iter().map(|p| of(p).len()).sum();
    if all == 0 {
        return Vec::new();
    }
    let label = s.themes.label(slot);
    let title = format!("{} : {label}", ctx.t.label("synthese_theme"));
    let mut table = Table::new(vec![160.0, 50.0, 300.0, 150.0]);
    table.border = ctx.rule;
    table.header =
        vec![header_row(ctx, &["synthese_territoire", "synthese_actions", "synthese_statuts", "avancement"])];
    let small = Style::new(Face::Regular, ctx.t.sizes.small, ctx.text);
    for p in &s.plans {
        let acts = of(p);
        if acts.is_empty() {
            continue;
        }
        let counts = crate::evaluation::status_counts(acts.iter());
        let mean = crate::evaluation::mean_progress(acts.iter());
        table.rows.push(Row::new(vec![
            Cell::text(ctx.para(&p.territory, ctx.body())),
            Cell::text(ctx.para(&acts.len().to_string(), ctx.body()).align(Align::Right)),
            status_cell(ctx, &counts, table.padding),
            Cell::text(ctx.para(&mean_text(mean), small)),
        ]));
    }
    let plans = s.plans.iter().filter(|p| !of(p).is_empty()).count();
    let intro = format!("{all} action{} dans {plans} plan{}.", plural(all), plural(plans));
    vec![
        Block::PageBreak,
        heading(ctx, &title),
        line(ctx, &intro),
        suite(ctx, &title),
        Block::Table(table),
        Block::Continuation(Vec::new()),
    ]
}

/// The late, blocked and abandoned actions of every plan, with territory and comment.
fn trouble(ctx: &Ctx<'_>, s: &Synthesis) -> Vec<Block> {
    let title = ctx.t.label("synthese_difficulte");
    let hard: Vec<(&PlanFigures, &ActionLine)> = s.actions().filter(|(_, a)| a.in_trouble()).collect();
    if hard.is_empty() {
        return vec![heading(ctx, title), line(ctx, ctx.t.label("synthese_aucune_difficulte"))];
    }
    let mut table = Table::new(vec![120.0, 35.0, 230.0, 90.0, 40.0, 215.0]);
    table.border = ctx.rule;
    table.header = vec![header_row(
        ctx,
        &["synthese_territoire", "numero", "intitule", "statut", "synthese_en_retard", "commentaire"],
    )];
    let body = ctx.body();
    for (p, a) in hard {
        let look = StatusLook::of(ctx, a.status);
        let badge = Style::new(Face::Bold, ctx.t.sizes.small, look.ink);
        table.rows.push(Row::new(vec![
            Cell::text(ctx.para(&p.territory, body)),
            Cell::text(ctx.para(a.number.as_deref().unwrap_or(""), body).align(Align::Center)),
            Cell::text(ctx.para(&a.title, body)),
            Cell::text(ctx.para(&look.label, badge).align(Align::Center)).fill(look.colour),
            Cell::text(ctx.para(if a.late { "oui" } else { "non" }, body).align(Align::Center)),
            Cell::text(ctx.para(a.comment.as_deref().unwrap_or(""), body)),
        ]));
    }
    vec![Block::PageBreak, heading(ctx, title), suite(ctx, title), Block::Table(table), Block::Continuation(Vec::new())]
}

/// Files not read (with the reason), plans without follow-up, plans outside the year.
fn left_out(ctx: &Ctx<'_>, s: &Synthesis) -> Vec<Block> {
    let t = ctx.t;
    let bullet = |text: &str| Block::Para(ctx.para(text, ctx.body()).bullet("•", 10.0).spacing(0.0, 2.0));
    let mut blocks = Vec::new();
    let outside: Vec<&PlanFigures> = s.plans.iter().filter(|p| p.outside_year.is_some()).collect();
    if !outside.is_empty() {
        blocks.push(heading(ctx, t.label("synthese_hors_periode")));
        for p in outside {
            blocks.push(bullet(&format!("{} ({}) : {}", p.territory, p.name, p.outside_year.as_deref().unwrap_or(""))));
        }
    }
    if !s.unfollowed.is_empty() {
        blocks.push(heading(ctx, t.label("synthese_sans_suivi")));
        for u in &s.unfollowed {
            blocks.push(bullet(&format!("{} ({}, {})", u.territory, u.name, u.kind.label())));
        }
    }
    if !s.unread.is_empty() {
        blocks.push(heading(ctx, t.label("synthese_non_lus")));
        for u in &s.unread {
            blocks.push(bullet(&format!("{} : {}", u.name, u.reason)));
        }
    }
    blocks
}
