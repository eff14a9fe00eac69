//! fiches-actions.pdf: one fiche per action, A4 portrait; short fiches share pages
//! (one packing rule: `shares_page`).

use std::rc::Rc;

use crate::layout::canvas::PageSink;
use crate::layout::fonts::measure;
use crate::layout::{french, Align, Block, Canvas, Face, Flow, Paragraph, Rgb, Role, Style, Tag};
use crate::model::{Action, ActionRef, Field, Plan};

use super::common::{euros, fit, french_date, more_than_half_full, wrap, year_ranges, Ctx, DocOptions};
use super::Laid;

pub(super) fn lay_fiches(plan: &Plan, opts: &DocOptions, sink: &mut dyn PageSink) -> Laid {
    let ctx = Ctx::new(plan, opts);
    let t = ctx.t;
    let setup = ctx.page_setup(false);
    let mut flow = Flow::streaming(setup, sink);
    let actions = plan.actions();
    // Fiches of an axis, of an objective, of a sub-objective… make nested sections, each
    // bookmarked by its title: the bookmarks are the plan's tree.
    let mut open: Vec<&str> = Vec::new();
    let full = setup.content_height();
    let mut previous_axis: Option<&crate::model::Axis> = None;
    for r in &actions {
        let fiche = fiche_blocks(&ctx, r);
        let gap = separator(&ctx);
        let new_axis = previous_axis.is_none_or(|p| !std::ptr::eq(p, r.axis));
        previous_axis = Some(r.axis);
        let mut blocks = Vec::new();
        if shares_page(&flow, full, new_axis, flow.measure(&gap) + flow.measure(&fiche), opts.one_fiche_per_page) {
            blocks.extend(gap);
        } else {
            flow.page_break();
        }
        let path = r.path();
        let kept = open.iter().zip(&path).take_while(|(a, b)| a == b).count();
        blocks.extend((kept..open.len()).map(|_| Block::EndGroup));
        open.truncate(kept);
        for level in &path[kept..] {
            blocks.push(Block::Group(Role::Sect, Some(crate::text::truncate_chars(level, 120))));
            open.push(level);
        }
        flow.set_continuation(continuation(&ctx, r.action));
        blocks.extend(fiche);
        flow.add(blocks);
        flow.set_continuation(Vec::new());
    }
    if actions.is_empty() {
        flow.add(vec![Block::Para(ctx.para("Ce plan ne compte aucune action.", ctx.body()))]);
    }
    let (_, tree) = flow.finish();
    let title = t.label("fiches").to_string();
    Laid {
        tree,
        title_heading: true,
        info: ctx.info(&title, "Une fiche par action du plan"),
        title,
        images: ctx.images(),
    }
}

/// The packing rule of the fiches, one for every plan: fiches follow each other on a
/// page as long as the next one fits whole in what is left (a fiche is split over pages
/// only when it is longer than a page, and then starts a page); a fiche opening another
/// axis starts a new page when the current one is more than half full, else it follows
/// (no half-empty page for an axis change). `need`: the separator and the whole fiche.
fn shares_page(flow: &Flow, full: f32, new_axis: bool, need: f32, one_per_page: bool) -> bool {
    let room = flow.room();
    let used = full - room;
    if one_per_page || used < 1.0 {
        return false;
    }
    if new_axis && more_than_half_full(flow) {
        return false;
    }
    need <= room - 1.0
}

fn action_label(a: &Action) -> String {
    let title = crate::text::truncate_chars(&a.title, 100);
    match &a.number {
        Some(n) => format!("{n} – {title}"),
        None => title,
    }
}

/// Between two fiches sharing a page: white space around a thin rule.
fn separator(ctx: &Ctx<'_>) -> Vec<Block> {
    let rule = ctx.rule;
    vec![
        Block::Space(14.0),
        Block::fixed(1.0, None, Rc::new(move |cv: &mut Canvas<'_>, x, y, w| cv.line(x, y, x + w, y, rule, 0.8))),
        Block::Space(18.0),
    ]
}

/// "Action n° 12"; an action without a number is "Action" (its title follows), never
/// "Action n° —".
fn number_label(ctx: &Ctx<'_>, a: &Action) -> String {
    match &a.number {
        Some(n) => format!("{} {n}", ctx.t.label("action")),
        None => ctx.t.label("action_sans_numero").to_string(),
    }
}

fn continuation(ctx: &Ctx<'_>, a: &Action) -> Vec<Block> {
    let label = format!("{} {} — {}", number_label(ctx, a), ctx.t.label("suite"), french(&a.title));
    let (main, fill) = (ctx.main, ctx.tint(ctx.t.colours.continuation_fill));
    let size = ctx.t.sizes.body;
    vec![
        Block::fixed(
            22.0,
            None,
            Rc::new(move |cv: &mut Canvas<'_>, x, y, w| {
                cv.fill(x, y, w, 18.0, fill);
                let text = fit(&label, Face::Bold, size, w - 16.0);
                cv.text(x + 8.0, y + 12.5, &text, Style::new(Face::Bold, size, main));
            }),
        ),
        Block::Space(6.0),
    ]
}

fn fiche_blocks(ctx: &Ctx<'_>, r: &ActionRef<'_>) -> Vec<Block> {
    let t = ctx.t;
    let a = r.action;
    let mut blocks = vec![
        band(ctx, a),
        Block::Para(
            ctx.para(&a.title, Style::new(Face::Bold, t.sizes.title, ctx.main))
                .spacing(10.0, 8.0)
                .leading(1.2)
                .joins_heading(),
        ),
    ];
    // Real content, heard on every fiche: the whole path, axis › objective › sub-objective…
    // Under the title, not at the top of the page, where a line repeated from page to page
    // reads as a running head (PDF/UA: running heads are artifacts).
    let crumbs = r.path().join("  ›  ");
    if !crumbs.is_empty() {
        let p = ctx.para(&crumbs, Style::new(Face::Regular, t.sizes.small, ctx.muted)).spacing(0.0, 6.0);
        blocks.push(Block::Para(p));
    }
    if let Some(strip) = years_strip(ctx, a) {
        blocks.push(strip);
        blocks.push(Block::Space(6.0));
    }
    for spec in &t.fiche.fields {
        if let Some(content) = field(ctx, a, &spec.field) {
            blocks.push(Block::KeepWithNext(Box::new(Block::Para(heading(ctx, &spec.title)))));
            blocks.extend(content);
        }
    }
    for e in &a.extra {
        blocks.push(Block::KeepWithNext(Box::new(Block::Para(heading(ctx, &e.name)))));
        blocks.push(Block::Para(ctx.para(&e.value, ctx.body())));
    }
    blocks
}

fn heading(ctx: &Ctx<'_>, title: &str) -> Paragraph {
    ctx.para(title, Style::new(Face::Bold, ctx.t.sizes.body, ctx.main)).spacing(9.0, 2.0).heading(3)
}

/// The coloured band: "Action n° 12", the action's heading (its title follows and
/// joins it) and bookmark, then the priority badge, a paragraph of its own.
fn band(ctx: &Ctx<'_>, a: &Action) -> Block {
    let label = number_label(ctx, a);
    let bookmark = action_label(a);
    let badge = a.priority.map(|p| format!("{} : {}", ctx.t.label("priorite"), priority_label(ctx, p)));
    let main = ctx.main;
    let ink = main.ink(ctx.text);
    let (big, small) = (ctx.t.sizes.title, ctx.t.sizes.small);
    Block::fixed(
        30.0,
        Some(Role::H(2)),
        Rc::new(move |cv: &mut Canvas<'_>, x, y, w| {
            if let Tag::Node(id) = cv.tag {
                cv.tree.nodes[id].bookmark = Some(bookmark.clone());
            }
            cv.fill(x, y, w, 30.0, main);
            cv.text(x + 10.0, y + 20.0, &label, Style::new(Face::Bold, big, ink));
            if let Some(b) = &badge {
                let b = french(b);
                let bw = measure(&b, Face::Bold, small) + 14.0;
                cv.fill(x + w - bw - 8.0, y + 7.0, bw, 16.0, Rgb::WHITE);
                cv.sibling(Role::P);
                cv.text(x + w - bw - 1.0, y + 18.0, &b, Style::new(Face::Bold, small, main));
            }
        }),
    )
}

pub fn priority_label(ctx: &Ctx<'_>, p: crate::model::Priority) -> String {
    ctx.t.priorities.get(p.key()).cloned().unwrap_or_else(|| p.label().to_string())
}

/// One box per year of the period, filled when the action runs, with its milestone
/// (on two lines when one is too short for it).
fn years_strip(ctx: &Ctx<'_>, a: &Action) -> Option<Block> {
    let years = ctx.plan.meta.period_years();
    // A strip of empty boxes says nothing: left out when the action has no year.
    if years.is_empty() || (a.years.is_empty() && a.milestones.is_empty()) {
        return None;
    }
    let running = a.years.clone();
    let (main, fill, rule) = (ctx.main, ctx.year_fill(), ctx.rule);
    let (on_ink, off_ink) = (fill.ink(ctx.text), ctx.muted);
    let (size, year_size) = (ctx.t.sizes.small, ctx.t.sizes.body);
    let label = french(ctx.t.label("annees"));
    let alt = years_sentence(&running, &a.milestones);
    let (label_w, width) = (52.0, ctx.page_setup(false).content_width());
    let bw = ((width - label_w) / years.len() as f32).min(90.0);
    let milestones: std::collections::BTreeMap<i32, Vec<String>> =
        a.milestones.iter().map(|(y, m)| (*y, wrap(&french(m), Face::Regular, size, bw - 6.0, 2))).collect();
    let lines = milestones.values().map(Vec::len).max().unwrap_or(0);
    let box_h = 20.0 + 10.0 * lines.max(1) as f32;
    Some(Block::figure(
        box_h + 4.0,
        french(&alt),
        Rc::new(move |page: &mut Canvas<'_>, x, y, _w| {
            page.text(x, y + 12.0, &label, Style::new(Face::Bold, size, main));
            let bx = x + label_w;
            for (i, yr) in years.iter().enumerate() {
                let cx = bx + i as f32 * bw;
                let on = running.contains(yr);
                if on {
                    page.fill(cx + 1.0, y, bw - 2.0, box_h, fill);
                } else {
                    page.stroke(cx + 1.0, y, bw - 2.0, box_h, rule, 0.6);
                }
                let color = if on { on_ink } else { off_ink };
                let ys = yr.to_string();
                let yw = measure(&ys, Face::Bold, year_size);
                page.text(cx + (bw - yw) / 2.0, y + 13.0, &ys, Style::new(Face::Bold, year_size, color));
                for (li, m) in milestones.get(yr).into_iter().flatten().enumerate() {
                    let mw = measure(m, Face::Regular, size);
                    let my = y + 24.5 + 10.0 * li as f32;
                    page.text(cx + ((bw - mw) / 2.0).max(3.0), my, m, Style::new(Face::Regular, size, color));
                }
            }
        }),
    ))
}

/// The years strip said as a sentence — "L'action est mise en œuvre de 2023 à 2025,
/// avec le jalon « Étude » en 2024." — so no reader depends on the fills.
fn years_sentence(running: &[i32], milestones: &std::collections::BTreeMap<i32, String>) -> String {
    let mut spans: Vec<String> = Vec::new();
    let mut i = 0;
    while i < running.len() {
        let mut j = i;
        while j + 1 < running.len() && running[j + 1] == running[j] + 1 {
            j += 1;
        }
        spans.push(if j > i { format!("de {} à {}", running[i], running[j]) } else { format!("en {}", running[i]) });
        i = j + 1;
    }
    let mut s = match spans.len() {
        0 => "Aucune année de mise en œuvre n'est renseignée pour cette action".to_string(),
        1 => format!("L'action est mise en œuvre {}", spans[0]),
        n => format!("L'action est mise en œuvre {} et {}", spans[..n - 1].join(", "), spans[n - 1]),
    };
    let jalons: Vec<String> = milestones.iter().map(|(y, m)| format!("le jalon « {m} » en {y}")).collect();
    if !jalons.is_empty() {
        s.push_str(&format!(", avec {}", jalons.join(" et ")));
    }
    s.push('.');
    s
}

/// "Du 16/11/2022 au 30/03/2025", "Fin : 31/12/2025".
fn dates_text(a: &Action) -> Option<String> {
    match (&a.start_date, &a.end_date) {
        (Some(s), Some(e)) => Some(format!("Du {} au {}", french_date(s), french_date(e))),
        (Some(s), None) => Some(format!("Début : {}", french_date(s))),
        (None, Some(e)) => Some(format!("Fin : {}", french_date(e))),
        (None, None) => None,
    }
}

/// One line per funder, its amount aligned right, then the lines' total.
fn funding_blocks(ctx: &Ctx<'_>, a: &Action) -> Vec<Block> {
    let mut out: Vec<Block> = a
        .funding
        .iter()
        .map(|l| {
            let amount = l.euros.map(euros).or_else(|| l.text.clone()).unwrap_or_default();
            let who = if l.funder.is_empty() { "(financeur non précisé)" } else { l.funder.as_str() };
            let text = if amount.is_empty() { who.to_string() } else { format!("{who} : {amount}") };
            Block::Para(ctx.para(&text, ctx.body()).bullet("•", 10.0).spacing(0.0, 1.0))
        })
        .collect();
    if let (Some(sum), true) = (a.funding_sum(), a.funding.len() > 1) {
        out.push(Block::Para(ctx.para(&format!("Total des financements : {}", euros(sum)), ctx.body())));
    }
    out
}

/// Sub-actions with their own fields, one paragraph each.
fn sub_action_blocks(ctx: &Ctx<'_>, a: &Action) -> Vec<Block> {
    a.sub_actions
        .iter()
        .map(|s| {
            let mut parts: Vec<String> = vec![match &s.number {
                Some(n) => format!("{n}. {}", s.title),
                None => s.title.clone(),
            }];
            if let Some(st) = s.status {
                parts.push(st.label().to_string());
            }
            if let Some(p) = s.pilot_text().or(s.pilot_person.as_deref()) {
                parts.push(format!("pilote : {p}"));
            }
            match dates_text(s) {
                Some(d) => parts.push(d.to_lowercase()),
                None if !s.years.is_empty() => parts.push(year_ranges(&s.years)),
                None => {}
            }
            if let Some(p) = &s.partners {
                parts.push(format!("partenaires : {}", crate::text::one_line(p)));
            }
            if let Some(b) = &s.budget {
                parts.push(format!("budget : {}", b.euros.map(euros).unwrap_or_else(|| b.text.clone())));
            }
            let mut text = parts.join(" — ");
            // Its own texts, each on its line: aim, description, comment, extra fields.
            let extra = s.extra.iter().map(|e| format!("{} : {}", e.name, e.value));
            for line in [&s.aim, &s.description, &s.comment].into_iter().flatten().cloned().chain(extra) {
                text.push('\n');
                text.push_str(&line);
            }
            Block::Para(ctx.para(&text, ctx.body()).bullet("•", 10.0).spacing(0.0, 2.0))
        })
        .collect()
}

/// The blocks of a field, or `None` when the action leaves it empty. `key` is a field's
/// key (`Field::key`) or one of the fiche's own blocks (dates, funding lines, sub-actions).
fn field(ctx: &Ctx<'_>, a: &Action, key: &str) -> Option<Vec<Block>> {
    if let Some(text) = Field::from_key(key).and_then(|f| a.text_of(f)) {
        return (!text.trim().is_empty()).then(|| vec![Block::Para(ctx.para(text, ctx.body()))]);
    }
    match key {
        "dates" => dates_text(a).map(|d| vec![Block::Para(ctx.para(&d, ctx.body()))]),
        "financements" => (!a.funding.is_empty()).then(|| funding_blocks(ctx, a)),
        "sous_actions" => (!a.sub_actions.is_empty()).then(|| sub_action_blocks(ctx, a)),
        "budget" => a.budget.as_ref().map(|b| {
            let text = match b.euros {
                Some(v) => euros(v),
                None => b.text.clone(),
            };
            vec![Block::Para(ctx.para(&text, ctx.body()))]
        }),
        "indicateurs" => (!a.indicators.is_empty()).then(|| {
            a.indicators
                .iter()
                .map(|i| Block::Para(ctx.para(i, ctx.body()).bullet("•", 10.0).spacing(0.0, 1.0)))
                .collect()
        }),
        "statut" => {
            a.status.map(|s| vec![Block::Para(ctx.para(s.label(), Style::new(Face::Bold, ctx.t.sizes.body, ctx.main)))])
        }
        "avancement" => a.progress.map(|p| {
            vec![Block::Para(
                ctx.para(&format!("{}\u{a0}%", crate::text::french_number(p)), ctx.body()).align(Align::Left),
            )]
        }),
        _ => None,
    }
}
