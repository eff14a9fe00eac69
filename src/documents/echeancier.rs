//! echeancier.pdf: the yearly timeline, A4 landscape, grouped by axis and objective.

use std::rc::Rc;

use crate::layout::canvas::{Document, Outline};
use crate::layout::fonts::measure;
use crate::layout::{french, Align, Block, Cell, Face, Flow, Page, Paragraph, Rgb, Row, Style, Table};
use crate::model::Plan;

use super::common::{decorate, Ctx, DocOptions};
use super::groups::{group_rows, title_block, Group};

pub fn echeancier(plan: &Plan, opts: &DocOptions) -> Document {
    let ctx = Ctx::new(plan, opts);
    let t = ctx.t;
    let setup = ctx.page_setup(true);
    let title = t.label("echeancier").to_string();
    let years = plan.meta.period_years();
    let mut flow = Flow::new(setup);
    let mut blocks = title_block(&ctx, &title);
    if years.is_empty() {
        blocks.push(Block::Para(
            ctx.para(t.label("sans_annee"), Style::new(Face::Italic, t.tailles.texte, ctx.muted)).spacing(0.0, 8.0),
        ));
    }
    let mut widths = vec![34.0, 330.0];
    widths.extend(years.iter().map(|_| 46.0));
    let mut table = Table::new(widths);
    table.border = ctx.rule;
    let head = Style::new(Face::Bold, t.tailles.petit + 0.5, Rgb::WHITE);
    let mut header = vec![
        Cell::text(ctx.para(t.label("numero"), head).align(Align::Center)),
        Cell::text(ctx.para(t.label("intitule"), head)),
    ];
    header.extend(years.iter().map(|y| Cell::text(Paragraph::new(y.to_string(), head).align(Align::Center))));
    table.header = vec![Row::new(header).fill(ctx.main)];
    let ncols = 2 + years.len();
    let mut marks: Vec<(String, usize)> = Vec::new();
    for g in group_rows(plan) {
        match g {
            Group::Axis(title) => {
                marks.push((title.clone(), table.rows.len()));
                let p = ctx.para(&title, Style::new(Face::Bold, t.tailles.texte, ctx.text));
                table.rows.push(
                    Row::new(vec![Cell::text(p).span(ncols)]).fill(ctx.tint(t.couleurs.fond_axe)).keep_with_next(),
                );
            }
            Group::Objective(title, depth) => {
                let face = if depth == 0 { Face::Bold } else { Face::Regular };
                let mut p = ctx.para(&title, Style::new(face, t.tailles.texte - 0.5, ctx.text));
                p.indent = 8.0 * depth as f32;
                table.rows.push(
                    Row::new(vec![Cell::text(p).span(ncols)]).fill(ctx.tint(t.couleurs.fond_objectif)).keep_with_next(),
                );
            }
            Group::Action(a) => {
                let mut cells = vec![
                    Cell::text(ctx.para(a.number.as_deref().unwrap_or(""), ctx.body()).align(Align::Center)),
                    Cell::text(ctx.para(&a.title, ctx.body())),
                ];
                for y in &years {
                    cells.push(year_cell(&ctx, a.years.contains(y), a.milestones.get(y).map(String::as_str)));
                }
                table.rows.push(Row::new(cells));
            }
        }
    }
    blocks.push(Block::Table(table));
    if !years.is_empty() {
        blocks.push(Block::Space(10.0));
        blocks.push(legend(&ctx));
    }
    flow.add(blocks);
    let (mut pages, _) = flow.finish();
    decorate(&mut pages, &ctx, &title);
    // Bookmarks per axis point at the page where the axis row landed: find its text.
    let outline = marks
        .iter()
        .filter_map(|(title, _)| {
            find_text_page(&pages, title).map(|(page, y)| Outline {
                title: crate::text::truncate_chars(title, 120),
                page,
                y,
                children: Vec::new(),
            })
        })
        .collect();
    Document { pages, outline, info: ctx.info(&title, "Calendrier annuel des actions du plan"), images: ctx.images() }
}

/// A year cell: filled when the action runs, with its milestone word inside.
fn year_cell(ctx: &Ctx<'_>, on: bool, milestone: Option<&str>) -> Cell {
    if !on {
        return Cell::empty();
    }
    let fill = ctx.tint(ctx.t.couleurs.fond_annee);
    let ink = if fill.is_dark() { Rgb::WHITE } else { ctx.main };
    let mut cell = Cell::empty().draw(Rc::new(move |page: &mut Page, x, y, w, h| {
        page.fill(x + 2.0, y + 2.0, w - 4.0, h - 4.0, fill);
    }));
    if let Some(m) = milestone {
        let m = french(m);
        let mut size: f32 = 7.0;
        while size > 5.0 && measure(&m, Face::Bold, size) > 38.0 {
            size -= 0.5;
        }
        cell.paras.push(Paragraph::new(m, Style::new(Face::Bold, size, ink)).align(Align::Center));
    }
    cell
}

fn legend(ctx: &Ctx<'_>) -> Block {
    let (fill, muted) = (ctx.tint(ctx.t.couleurs.fond_annee), ctx.muted);
    let label = format!("{} :", ctx.t.label("legende"));
    let a = french(ctx.t.label("legende_annee"));
    let b = french(ctx.t.label("legende_jalon"));
    let size = ctx.t.tailles.petit;
    Block::Fixed {
        height: 16.0,
        draw: Rc::new(move |page: &mut Page, x, y, _w| {
            let st = Style::new(Face::Regular, size, muted);
            page.text(x, y + 10.0, french(&label), Style::new(Face::Bold, size, muted));
            let x1 = x + measure(&label, Face::Bold, size) + 10.0;
            page.fill(x1, y + 2.0, 18.0, 10.0, fill);
            page.text(x1 + 24.0, y + 10.0, a.clone(), st);
            let x2 = x1 + 24.0 + measure(&a, Face::Regular, size) + 24.0;
            page.stroke(x2, y + 2.0, 18.0, 10.0, fill, 0.8);
            page.text(x2 + 24.0, y + 10.0, b.clone(), st);
        }),
    }
}

/// First page and height where `text` (or its first words) was drawn.
pub fn find_text_page(pages: &[Page], text: &str) -> Option<(usize, f32)> {
    let start: String = french(text).chars().take(20).collect();
    for (i, p) in pages.iter().enumerate() {
        for it in &p.items {
            if let crate::layout::Item::Text { text: t, y, .. } = it {
                if !start.is_empty() && t.starts_with(&start) {
                    return Some((i, y - 12.0));
                }
            }
        }
    }
    None
}
