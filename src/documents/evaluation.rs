//! evaluation.pdf: the follow-up report for CAF advisors, A4 portrait.

use std::rc::Rc;

use crate::evaluation::{in_difficulty, mean_progress, status_counts, Change};
use crate::layout::canvas::Document;
use crate::layout::fonts::measure;
use crate::layout::{french, Align, Block, Canvas, Cell, Face, Flow, Paragraph, Rgb, Row, Style, Table};
use crate::model::{Plan, Status};

use super::common::{continued, decorate, fit, Ctx, DocOptions};
use super::groups::title_block;

/// Options of the report: review year and the changes since an earlier version.
#[derive(Debug, Clone, Default)]
pub struct EvalOptions {
    pub year: Option<i32>,
    pub changes: Option<(String, Vec<Change>)>,
}

pub fn status_colour(ctx: &Ctx<'_>, s: Option<Status>) -> Rgb {
    s.and_then(|s| ctx.t.statuts.get(s.key())).and_then(|c| Rgb::parse(c)).unwrap_or(Rgb(200, 205, 210))
}

fn status_label(s: Option<Status>) -> &'static str {
    s.map_or("Non renseigné", |s| s.label())
}

/// 39.14 → "39,1 %".
fn pct(v: f64) -> String {
    format!("{}\u{a0}%", crate::text::format_number((v * 10.0).round() / 10.0).replace('.', ","))
}

pub fn evaluation(plan: &Plan, opts: &DocOptions, eval: &EvalOptions) -> Document {
    let ctx = Ctx::new(plan, opts);
    let t = ctx.t;
    let setup = ctx.page_setup(false);
    let title = match eval.year {
        Some(y) => format!("Évaluation — bilan {y}"),
        None => "Évaluation".to_string(),
    };
    let actions = plan.actions();
    let body = ctx.body();
    let bold = Style::new(Face::Bold, t.tailles.texte, ctx.text);
    let h2 = |s: &str| {
        Block::KeepWithNext(Box::new(Block::Para(
            ctx.para(s, Style::new(Face::Bold, 13.0, ctx.main))
                .spacing(14.0, 6.0)
                .heading(2)
                .bookmark(crate::text::truncate_chars(s, 120)),
        )))
    };
    let mut blocks = title_block(&ctx, &title);
    blocks.push(h2("Synthèse"));
    let total = actions.len().max(1) as f64;
    for (s, n) in status_counts(actions.iter().map(|r| r.action)) {
        if n == 0 && s.is_none() {
            continue;
        }
        let line = format!(
            "{} : {n} action{} ({})",
            status_label(s),
            if n > 1 { "s" } else { "" },
            pct(100.0 * n as f64 / total)
        );
        let colour = status_colour(&ctx, s);
        let mut p = ctx.para(&line, body).spacing(0.0, 2.0);
        p.indent = 14.0;
        blocks.push(Block::fixed(
            0.0,
            None,
            Rc::new(move |cv: &mut Canvas<'_>, x, y, _| cv.fill(x, y + 3.0, 9.0, 9.0, colour)),
        ));
        blocks.push(Block::Para(p));
    }
    if let Some(m) = mean_progress(actions.iter().map(|r| r.action)) {
        blocks.push(Block::Para(ctx.para(&format!("Avancement moyen : {}", pct(m)), bold).spacing(6.0, 4.0)));
    }
    blocks.push(h2("Répartition par axe"));
    blocks.push(axis_chart(&ctx, plan));
    let hard: Vec<_> = actions.iter().filter(|r| in_difficulty(r.action.status)).collect();
    if !hard.is_empty() {
        blocks.push(h2("Actions en retard, bloquées, reportées ou abandonnées"));
        for r in hard {
            let a = r.action;
            let mut line = format!(
                "{} {} — {} : {}",
                t.label("action"),
                a.number.as_deref().unwrap_or("—"),
                a.title,
                status_label(a.status)
            );
            if let Some(c) = &a.comment {
                line.push_str(&format!(". {c}"));
            }
            blocks.push(Block::Para(ctx.para(&line, body).bullet("•", 10.0).spacing(0.0, 2.0)));
        }
    }
    blocks.push(Block::PageBreak);
    for axis in &plan.axes {
        let acts = axis.all_actions();
        if acts.is_empty() {
            continue;
        }
        let heading = if axis.implicit { "Actions" } else { &axis.title };
        blocks.push(h2(heading));
        // Pages the axis's table runs onto open with the axis, "(suite)".
        blocks.push(Block::Continuation(vec![Block::Para(
            ctx.para(&continued(&ctx, heading), Style::new(Face::Bold, 11.0, ctx.main)).spacing(0.0, 6.0),
        )]));
        let mut table = Table::new(vec![28.0, 190.0, 70.0, 70.0, 150.0]);
        table.border = ctx.rule;
        let head = Style::new(Face::Bold, t.tailles.petit + 0.5, Rgb::WHITE);
        table.header = vec![Row::new(
            ["N°", "Action", "Statut", "Avancement", "Commentaire"]
                .iter()
                .map(|h| Cell::text(ctx.para(h, head)))
                .collect(),
        )
        .fill(ctx.main)];
        for a in acts {
            let colour = status_colour(&ctx, a.status);
            let ink = if colour.is_dark() { Rgb::WHITE } else { ctx.text };
            let badge = Cell::text(
                ctx.para(status_label(a.status), Style::new(Face::Bold, t.tailles.petit, ink)).align(Align::Center),
            )
            .fill(colour);
            let progress = match a.progress {
                Some(p) => {
                    let main = ctx.main;
                    let track = ctx.tint(0.85);
                    Cell::text(Paragraph::new(pct(p), Style::new(Face::Regular, t.tailles.petit, ctx.text))).draw(
                        Rc::new(move |cv: &mut Canvas<'_>, x, y, w, h| {
                            let bw = w - 10.0;
                            cv.fill(x + 5.0, y + h - 10.0, bw, 5.0, track);
                            cv.fill(x + 5.0, y + h - 10.0, bw * (p / 100.0).clamp(0.0, 1.0) as f32, 5.0, main);
                        }),
                    )
                }
                None => Cell::text(ctx.para("—", body)),
            };
            table.rows.push(
                Row::new(vec![
                    Cell::text(ctx.para(a.number.as_deref().unwrap_or(""), body).align(Align::Center)),
                    Cell::text(ctx.para(&a.title, body)),
                    badge,
                    progress.clone(),
                    Cell::text(ctx.para(
                        a.comment.as_deref().unwrap_or(""),
                        Style::new(Face::Regular, t.tailles.petit, ctx.text),
                    )),
                ])
                .min_height(24.0),
            );
        }
        blocks.push(Block::Table(table));
        blocks.push(Block::Continuation(Vec::new()));
    }
    if !plan.indicators.is_empty() {
        blocks.push(Block::PageBreak);
        blocks.push(h2("Indicateurs"));
        let mut years: Vec<i32> = plan
            .indicators
            .iter()
            .flat_map(|i| i.values.keys().copied())
            .filter(|y| eval.year.is_none_or(|e| *y <= e))
            .collect();
        years.sort_unstable();
        years.dedup();
        let mut widths = vec![30.0, 150.0, 45.0, 45.0];
        widths.extend(years.iter().map(|_| 40.0));
        widths.push(70.0);
        let mut table = Table::new(widths);
        table.border = ctx.rule;
        let head = Style::new(Face::Bold, t.tailles.petit, Rgb::WHITE);
        let mut hcells: Vec<Cell> =
            ["N°", "Indicateur", "Référence", "Cible"].iter().map(|h| Cell::text(ctx.para(h, head))).collect();
        hcells.extend(years.iter().map(|y| Cell::text(Paragraph::new(y.to_string(), head).align(Align::Center))));
        hcells.push(Cell::text(ctx.para("Atteinte de la cible", head)));
        table.header = vec![Row::new(hcells).fill(ctx.main)];
        let small = Style::new(Face::Regular, t.tailles.petit, ctx.text);
        let num = |v: Option<f64>| v.map(crate::text::format_number).unwrap_or_default();
        for ind in &plan.indicators {
            let name = match &ind.unit {
                Some(u) => format!("{} ({u})", ind.name),
                None => ind.name.clone(),
            };
            let mut cells = vec![
                Cell::text(ctx.para(ind.action.as_deref().unwrap_or(""), small).align(Align::Center)),
                Cell::text(ctx.para(&name, small)),
                Cell::text(ctx.para(&num(ind.baseline), small).align(Align::Right)),
                Cell::text(ctx.para(&num(ind.target), small).align(Align::Right)),
            ];
            cells.extend(
                years.iter().map(|y| Cell::text(ctx.para(&num(ind.values.get(y).copied()), small).align(Align::Right))),
            );
            let share = ind.share_of_target(eval.year);
            let main = ctx.main;
            let track = ctx.tint(0.85);
            let mut c = Cell::text(ctx.para(&share.map(|s| pct(100.0 * s)).unwrap_or_else(|| "—".into()), small));
            if let Some(s) = share {
                c = c.draw(Rc::new(move |cv: &mut Canvas<'_>, x, y, w, h| {
                    let bw = w - 10.0;
                    cv.fill(x + 5.0, y + h - 9.0, bw, 4.0, track);
                    cv.fill(x + 5.0, y + h - 9.0, bw * s.clamp(0.0, 1.0) as f32, 4.0, main);
                }));
            }
            cells.push(c);
            table.rows.push(Row::new(cells).min_height(22.0));
        }
        blocks.push(Block::Table(table));
    }
    if let Some((since, changes)) = &eval.changes {
        blocks.push(Block::PageBreak);
        blocks.push(h2(&format!("Ce qui a changé depuis « {since} »")));
        if changes.is_empty() {
            blocks.push(Block::Para(ctx.para("Aucun changement.", body)));
        }
        for c in changes {
            blocks.push(Block::Para(ctx.para(&c.sentence(), body).bullet("•", 10.0).spacing(0.0, 2.0)));
        }
    }
    let mut flow = Flow::new(setup);
    flow.add(blocks);
    let (mut pages, mut tree) = flow.finish();
    decorate(&mut pages, &mut tree, &ctx, &title, false);
    Document { pages, tree, info: ctx.info(&title, "Évaluation du plan d'actions"), images: ctx.images() }
}

/// One stacked bar per axis: the share of its actions in each status.
fn axis_chart(ctx: &Ctx<'_>, plan: &Plan) -> Block {
    let mut said = Vec::new();
    let rows: Vec<(String, Vec<(Rgb, usize)>)> = plan
        .axes
        .iter()
        .filter(|a| !a.all_actions().is_empty())
        .map(|a| {
            let counts = status_counts(a.all_actions().into_iter());
            let label = if a.implicit { "Actions".into() } else { french(&a.title) };
            let total: usize = counts.iter().map(|(_, n)| n).sum();
            let parts: Vec<String> =
                counts.iter().filter(|(_, n)| *n > 0).map(|(s, n)| format!("{n} {}", status_label(*s))).collect();
            said.push(format!(
                "{label} : {total} action{}, dont {}",
                if total > 1 { "s" } else { "" },
                parts.join(", ")
            ));
            (label, counts.iter().map(|(s, n)| (status_colour(ctx, *s), *n)).collect())
        })
        .collect();
    // The chart's numbers, said: colour is never the only way to read them.
    let alt = format!("Barres empilées des statuts des actions par axe. {}.", said.join(" ; "));
    let legend: Vec<(Rgb, &'static str)> = Status::ALL
        .iter()
        .map(|s| (status_colour(ctx, Some(*s)), s.label()))
        .chain(std::iter::once((status_colour(ctx, None), "Non renseigné")))
        .collect();
    let (text, muted) = (ctx.text, ctx.muted);
    let row_h = 22.0;
    let height = rows.len() as f32 * row_h + 34.0;
    Block::figure(
        height,
        alt,
        Rc::new(move |page: &mut Canvas<'_>, x, y, w| {
            let label_w = 170.0;
            let bar_w = w - label_w - 30.0;
            for (i, (label, counts)) in rows.iter().enumerate() {
                let cy = y + i as f32 * row_h;
                page.text(
                    x,
                    cy + 13.0,
                    &fit(label, Face::Regular, 8.0, label_w - 8.0),
                    Style::new(Face::Regular, 8.0, text),
                );
                let total: usize = counts.iter().map(|(_, n)| n).sum();
                let mut cx = x + label_w;
                for (c, n) in counts {
                    if *n == 0 {
                        continue;
                    }
                    let seg = bar_w * *n as f32 / total.max(1) as f32;
                    page.fill(cx, cy + 3.0, seg, 14.0, *c);
                    cx += seg;
                }
                page.text(x + label_w + bar_w + 6.0, cy + 13.0, &total.to_string(), Style::new(Face::Bold, 8.0, text));
            }
            // Legend.
            let mut lx = x;
            let ly = y + rows.len() as f32 * row_h + 12.0;
            for (c, l) in &legend {
                page.fill(lx, ly, 8.0, 8.0, *c);
                page.text(lx + 11.0, ly + 7.5, l, Style::new(Face::Regular, 7.5, muted));
                lx += 11.0 + measure(l, Face::Regular, 7.5) + 12.0;
            }
        }),
    )
}
