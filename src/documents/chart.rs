//! The status chart of evaluation.pdf: one stacked bar per axis. Colours, patterns and
//! labels come from the template; segments are set apart by a white gap, carry their
//! count when wide enough, and statuses that neighbour with too little contrast differ
//! by a pattern.

use std::rc::Rc;

use crate::evaluation::status_counts;
use crate::layout::fonts::measure;
use crate::layout::{french, Block, Canvas, Face, Rgb, Style};
use crate::model::Status;

use super::common::{wrap, Ctx};

/// White gap between two segments of a bar.
const GAP: f32 = 1.5;
/// Spacing of the hatching lines.
const HATCH: f32 = 4.5;

/// How a status is drawn: fill, ink for text on it, pattern, label.
#[derive(Debug, Clone)]
pub struct StatusLook {
    pub colour: Rgb,
    pub ink: Rgb,
    pub hatched: bool,
    pub label: String,
}

impl StatusLook {
    pub fn of(ctx: &Ctx<'_>, s: Option<Status>) -> StatusLook {
        let key = s.map_or("non_renseigne", Status::key);
        let colour = ctx.t.statuses.get(key).and_then(|c| Rgb::parse(c)).unwrap_or(Rgb(140, 150, 160));
        let label = s.map_or_else(|| ctx.t.label("non_renseigne").to_string(), |s| s.label().to_string());
        StatusLook {
            colour,
            ink: colour.ink(ctx.text),
            hatched: ctx.t.patterns.hatches.iter().any(|h| h == key),
            label,
        }
    }
}

/// A filled box in the status's colour and pattern.
pub(super) fn patch(cv: &mut Canvas<'_>, x: f32, y: f32, w: f32, h: f32, look: &StatusLook) {
    cv.fill(x, y, w, h, look.colour);
    if look.hatched {
        hatch(cv, x, y, w, h);
    }
}

/// The legend's square for a status.
pub fn swatch(cv: &mut Canvas<'_>, x: f32, y: f32, look: &StatusLook) {
    patch(cv, x, y, 9.0, 9.0, look);
}

/// White diagonal lines over a box, clipped to it.
fn hatch(cv: &mut Canvas<'_>, x: f32, y: f32, w: f32, h: f32) {
    let mut k = -h;
    while k < w {
        // The line runs from (x + k, y + h) to (x + k + h, y); keep its part inside.
        let t0 = (-k / h).max(0.0);
        let t1 = ((w - k) / h).min(1.0);
        if t0 < t1 {
            cv.line(x + k + t0 * h, y + h - t0 * h, x + k + t1 * h, y + h - t1 * h, Rgb::WHITE, 0.8);
        }
        k += HATCH;
    }
}

/// A bar of the chart: its label's lines and its segments (status, count).
type BarRow = (Vec<String>, Vec<(StatusLook, usize)>);

/// One stacked bar per axis: the share of its actions in each status.
pub fn axis_chart(ctx: &Ctx<'_>) -> Block {
    let t = ctx.t;
    let size = t.sizes.small;
    let width = ctx.page_setup(false).content_width();
    let label_w = 200.0;
    let mut said = Vec::new();
    let rows: Vec<BarRow> = ctx
        .plan
        .axes
        .iter()
        .filter(|a| !a.all_actions().is_empty())
        .map(|a| {
            let counts = status_counts(a.all_actions().into_iter());
            let label = if a.implicit { t.label("actions_sans_axe").to_string() } else { french(&a.title) };
            let total: usize = counts.iter().map(|(_, n)| n).sum();
            let looks: Vec<(StatusLook, usize)> =
                counts.iter().filter(|(_, n)| *n > 0).map(|(s, n)| (StatusLook::of(ctx, *s), *n)).collect();
            let parts: Vec<String> = looks.iter().map(|(l, n)| format!("{n} {}", l.label)).collect();
            said.push(format!(
                "{label} : {total} action{}, dont {}",
                if total > 1 { "s" } else { "" },
                parts.join(", ")
            ));
            (wrap(&label, Face::Regular, size, label_w - 8.0, 3), looks)
        })
        .collect();
    // The chart's numbers, said: colour is never the only way to read them.
    let alt = format!("{} {}.", t.label("repartition_alt"), said.join(" ; "));
    let legend = legend_lines(ctx, width);
    // A row is as tall as its label (10 pt a line), the bar centred on it.
    let row_h = |lines: usize| (10.0 * lines as f32 + 8.0).max(26.0);
    let height = rows.iter().map(|(l, _)| row_h(l.len())).sum::<f32>() + 8.0 + legend.len() as f32 * 14.0;
    let text = ctx.text;
    let muted = ctx.muted;
    Block::figure(
        height,
        alt,
        Rc::new(move |cv: &mut Canvas<'_>, x, y, w| {
            let bar_w = w - label_w - 30.0;
            let mut top = y;
            for (label, counts) in &rows {
                let h = row_h(label.len());
                let first = top + (h - 10.0 * label.len() as f32) / 2.0 + 7.5;
                for (li, l) in label.iter().enumerate() {
                    cv.text(x, first + 10.0 * li as f32, l, Style::new(Face::Regular, size, text));
                }
                let mid = top + h / 2.0;
                let total: usize = counts.iter().map(|(_, n)| n).sum();
                let mut cx = x + label_w;
                for (k, (look, n)) in counts.iter().enumerate() {
                    let seg = bar_w * *n as f32 / total.max(1) as f32;
                    let drawn = if k + 1 < counts.len() { seg - GAP } else { seg };
                    segment(cv, (cx, mid - 8.0, drawn), look, *n, (size, text));
                    cx += seg;
                }
                let total = total.to_string();
                cv.text(x + label_w + bar_w + 6.0, mid + 3.0, &total, Style::new(Face::Bold, size, text));
                top += h;
            }
            let mut ly = top + 8.0;
            for line in &legend {
                for (lx, look) in line {
                    swatch(cv, x + lx, ly, look);
                    cv.text(x + lx + 12.0, ly + 8.0, &look.label, Style::new(Face::Regular, size, muted));
                }
                ly += 14.0;
            }
        }),
    )
}

/// A segment of a bar, its count written on it when there is room. On a hatched
/// segment the figure stands in a white halo box, in the text colour: no stripe and
/// no mid-tone colour behind the digits.
fn segment(cv: &mut Canvas<'_>, (x, y, w): (f32, f32, f32), look: &StatusLook, n: usize, (size, text): (f32, Rgb)) {
    let h = 16.0;
    if w <= 0.0 {
        return;
    }
    patch(cv, x, y, w, h, look);
    let count = n.to_string();
    let cw = measure(&count, Face::Bold, size);
    if cw + 8.0 <= w {
        let cx = x + (w - cw) / 2.0;
        let ink = if look.hatched {
            cv.fill(cx - 2.5, y + 2.5, cw + 5.0, h - 5.0, Rgb::WHITE);
            text
        } else {
            look.ink
        };
        cv.text(cx, y + 11.0, &count, Style::new(Face::Bold, size, ink));
    }
}

/// The legend laid out in lines that fit `width`: per line, (x offset, status).
fn legend_lines(ctx: &Ctx<'_>, width: f32) -> Vec<Vec<(f32, StatusLook)>> {
    let size = ctx.t.sizes.small;
    let looks = Status::ALL.iter().map(|s| Some(*s)).chain(std::iter::once(None)).map(|s| StatusLook::of(ctx, s));
    let mut lines: Vec<Vec<(f32, StatusLook)>> = vec![Vec::new()];
    let mut x = 0.0;
    for look in looks {
        let w = 12.0 + measure(&look.label, Face::Regular, size);
        if x > 0.0 && x + w > width {
            lines.push(Vec::new());
            x = 0.0;
        }
        if let Some(line) = lines.last_mut() {
            line.push((x, look));
        }
        x += w + 12.0;
    }
    lines
}
