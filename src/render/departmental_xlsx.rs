//! synthese.xlsx: the departmental synthesis as sheets an advisor filters and prints —
//! « Plans » (one row per plan, a total row), « Thèmes », « Actions » (every action with
//! its theme and why), « Indicateurs », « Non lus ». Print-ready like the annex.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Worksheet, XlsxError};

use super::annexe::{formats, print_setup, Formats};
use super::print_fit::{two_pass, Grid};
use crate::model::{Plan, PlanMeta, Status};
use crate::synthesis::{PlanFigures, Synthesis};

/// Status column titles, « Non renseigné » last: the order of `status_counts`.
fn status_titles() -> Vec<&'static str> {
    Status::ALL.iter().map(|s| s.label()).chain(std::iter::once("Non renseigné")).collect()
}

/// "2022-2026", or empty.
pub fn period_text(p: Option<(i32, i32)>) -> String {
    p.map(|(a, b)| format!("{a}-{b}")).unwrap_or_default()
}

pub fn synthesis_xlsx(s: &Synthesis, colour: Option<&str>) -> Result<Vec<u8>, XlsxError> {
    let mut wb = super::new_workbook();
    wb.set_properties(
        &DocProperties::new().set_title(&s.title).set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?),
    );
    let main = colour.and_then(|c| u32::from_str_radix(c.trim_start_matches('#'), 16).ok()).unwrap_or(0x1F4E79);
    let f = formats(main);
    // The print header says the synthesis's title: a plan made of it.
    let page = Plan {
        meta: PlanMeta { title: Some(s.title.clone()), territory: Some(year_text(s)), ..Default::default() },
        ..Default::default()
    };
    let sheet = |ws: &mut Worksheet, write: &dyn Fn(&mut Worksheet, &mut Grid) -> Result<(), XlsxError>| {
        two_pass(ws, |ws, g| write(ws, g))
    };
    sheet(super::add_sheet(&mut wb), &|ws, g| plans_sheet(ws, g, s, &page, &f))?;
    sheet(super::add_sheet(&mut wb), &|ws, g| themes_sheet(ws, g, s, &page, &f))?;
    sheet(super::add_sheet(&mut wb), &|ws, g| actions_sheet(ws, g, s, &page, &f))?;
    sheet(super::add_sheet(&mut wb), &|ws, g| indicators_sheet(ws, g, s, &page, &f))?;
    sheet(super::add_sheet(&mut wb), &|ws, g| unread_sheet(ws, g, s, &page, &f))?;
    wb.save_to_buffer()
}

/// « Bilan 2026 », or empty without a review year.
fn year_text(s: &Synthesis) -> String {
    s.year.map(|y| format!("Bilan {y}")).unwrap_or_default()
}

fn heads(ws: &mut Worksheet, g: &mut Grid, heads: &[(&str, f64)], f: &Formats) -> Result<(), XlsxError> {
    for (i, (h, w)) in heads.iter().enumerate() {
        g.string(ws, (0, i as u16), *h, &f.header, true)?;
        g.width(ws, i as u16, *w)?;
    }
    Ok(())
}

fn opt_num(ws: &mut Worksheet, g: &mut Grid, at: (u32, u16), v: Option<f64>, f: &Format) -> Result<(), XlsxError> {
    match v {
        Some(v) => g.num(ws, at, v, f),
        None => g.blank(ws, at, f),
    }
}

/// A share shown as a percentage: its column is sized for "100,0 %", not for the
/// fraction's digits.
fn opt_pct(ws: &mut Worksheet, g: &mut Grid, at: (u32, u16), v: Option<f64>, f: &Format) -> Result<(), XlsxError> {
    match v {
        Some(v) => g.number(ws, at, v, "100,0 %", f),
        None => g.blank(ws, at, f),
    }
}

/// « Plans »: one row per followed plan, then the total row « Ensemble ».
fn plans_sheet(ws: &mut Worksheet, g: &mut Grid, s: &Synthesis, page: &Plan, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name("Plans")?;
    let statuses = status_titles();
    let mut h: Vec<(&str, f64)> = vec![("Territoire", 24.0), ("Type", 7.0), ("Période", 10.0)];
    h.extend(statuses.iter().map(|t| (*t, 9.0)));
    let after = [
        ("Actions", 9.0),
        ("Avancement moyen", 11.0),
        ("Actions renseignées", 11.0),
        ("Actions en retard", 9.0),
        ("Actions bloquées", 9.0),
        ("Actions abandonnées", 11.0),
        ("Indicateurs à la cible", 11.0),
        ("Indicateurs mesurés", 11.0),
        ("Année de bilan", 16.0),
        ("Fichier", 18.0),
    ];
    h.extend(after);
    heads(ws, g, &h, f)?;
    let first = 3 + statuses.len() as u16;
    let pct = f.percent.clone().set_num_format("0.0%");
    for (i, p) in s.plans.iter().enumerate() {
        let row = i as u32 + 1;
        g.string(ws, (row, 0), &p.territory, &f.body, false)?;
        g.string(ws, (row, 1), p.kind.label(), &f.centre, false)?;
        g.string(ws, (row, 2), period_text(p.period), &f.centre, false)?;
        g.string(ws, (row, first + 9), &p.name, &f.body, false)?;
        plan_figures(ws, g, row, first, p, f, &pct)?;
    }
    let total = s.plans.len() as u32 + 1;
    g.string(ws, (total, 0), "Ensemble", &f.header, true)?;
    g.string(ws, (total, 1), "", &f.header, true)?;
    g.string(ws, (total, 2), "", &f.header, true)?;
    let key = f.centre.clone().set_bold();
    for (c, (_, n)) in s.counts().iter().enumerate() {
        g.num(ws, (total, 3 + c as u16), *n as f64, &key)?;
    }
    g.num(ws, (total, first), s.action_count() as f64, &key)?;
    let mean = s.mean();
    opt_pct(ws, g, (total, first + 1), mean.map(|m| m.mean / 100.0), &pct.clone().set_bold())?;
    g.num(ws, (total, first + 2), mean.map_or(0, |m| m.filled) as f64, &key)?;
    let sums = [
        s.late(),
        s.blocked(),
        s.abandoned(),
        s.plans.iter().map(PlanFigures::indicators_reached).sum(),
        s.plans.iter().map(PlanFigures::indicators_measured).sum(),
    ];
    for (k, n) in sums.iter().enumerate() {
        g.num(ws, (total, first + 3 + k as u16), *n as f64, &key)?;
    }
    g.string(ws, (total, first + 8), year_text(s), &key, true)?;
    g.string(ws, (total, first + 9), format!("{} plans", s.plans.len()), &key, true)?;
    let last_col = first + 9;
    ws.set_freeze_panes(1, 1)?;
    ws.autofilter(0, 0, total.saturating_sub(1).max(1), last_col)?;
    print_setup(ws, page, total, last_col, true, g.scale())?;
    // Printed over two pages across: the territory on each.
    ws.set_repeat_columns(0, 0).map(|_| ())
}

/// The figures of one plan's row, from column `first` (after the status counts).
fn plan_figures(
    ws: &mut Worksheet,
    g: &mut Grid,
    row: u32,
    first: u16,
    p: &PlanFigures,
    f: &Formats,
    pct: &Format,
) -> Result<(), XlsxError> {
    for (c, (_, n)) in p.counts.iter().enumerate() {
        g.num(ws, (row, 3 + c as u16), *n as f64, &f.centre)?;
    }
    g.num(ws, (row, first), p.action_count() as f64, &f.centre)?;
    opt_pct(ws, g, (row, first + 1), p.mean.map(|m| m.mean / 100.0), pct)?;
    g.num(ws, (row, first + 2), p.mean.map_or(0, |m| m.filled) as f64, &f.centre)?;
    let figures = [p.late, p.blocked, p.abandoned, p.indicators_reached(), p.indicators_measured()];
    for (k, n) in figures.iter().enumerate() {
        g.num(ws, (row, first + 3 + k as u16), *n as f64, &f.centre)?;
    }
    let year = match (p.outside_year.is_some(), p.period) {
        (true, Some((a, b))) => format!("hors période ({a}-{b})"),
        _ => "dans la période".to_string(),
    };
    g.string(ws, (row, first + 8), year, &f.body, false)
}

/// « Thèmes »: actions per theme and status, for the whole département (« Ensemble »)
/// then per territory.
fn themes_sheet(ws: &mut Worksheet, g: &mut Grid, s: &Synthesis, page: &Plan, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name("Thèmes")?;
    let statuses = status_titles();
    let mut h: Vec<(&str, f64)> = vec![("Territoire", 28.0), ("Thème", 26.0)];
    h.extend(statuses.iter().map(|t| (*t, 10.0)));
    h.push(("Actions", 9.0));
    heads(ws, g, &h, f)?;
    let slots = s.theme_slots();
    let mut row = 1u32;
    let groups: Vec<(&str, Vec<&PlanFigures>)> = std::iter::once(("Ensemble", s.plans.iter().collect()))
        .chain(s.plans.iter().map(|p| (p.territory.as_str(), vec![p])))
        .collect();
    for (who, plans) in groups {
        for slot in &slots {
            let mut counts = vec![0usize; statuses.len()];
            for a in plans.iter().flat_map(|p| &p.actions).filter(|a| a.assigned.theme == *slot) {
                let i = a.status.and_then(|st| Status::ALL.iter().position(|x| *x == st)).unwrap_or(statuses.len() - 1);
                counts[i] += 1;
            }
            let n: usize = counts.iter().sum();
            if n == 0 {
                continue;
            }
            let fmt = if who == "Ensemble" { f.centre.clone().set_bold() } else { f.centre.clone() };
            g.string(ws, (row, 0), who, &f.body, who == "Ensemble")?;
            g.string(ws, (row, 1), s.themes.label(*slot), &f.body, false)?;
            for (c, k) in counts.iter().enumerate() {
                g.num(ws, (row, 2 + c as u16), *k as f64, &fmt)?;
            }
            g.num(ws, (row, 2 + statuses.len() as u16), n as f64, &fmt)?;
            row += 1;
        }
    }
    let last_col = 2 + statuses.len() as u16;
    ws.set_freeze_panes(1, 2)?;
    ws.autofilter(0, 0, row.saturating_sub(1).max(1), last_col)?;
    print_setup(ws, page, row.saturating_sub(1), last_col, true, g.scale())
}

/// « Actions »: every counted action, its theme and why, filterable.
fn actions_sheet(ws: &mut Worksheet, g: &mut Grid, s: &Synthesis, page: &Plan, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name("Actions")?;
    let h = [
        ("Territoire", 24.0),
        ("Fichier", 20.0),
        ("N°", 6.0),
        ("Action", 44.0),
        ("Axe", 26.0),
        ("Objectif", 26.0),
        ("Thème", 20.0),
        ("Thème attribué par", 18.0),
        ("Statut", 12.0),
        ("Avancement", 11.0),
        ("Dernière année", 9.0),
        ("En retard", 8.0),
        ("Commentaire", 40.0),
    ];
    heads(ws, g, &h, f)?;
    let mut row = 0u32;
    for (p, a) in s.actions() {
        row += 1;
        g.string(ws, (row, 0), &p.territory, &f.body, false)?;
        g.string(ws, (row, 1), &p.name, &f.body, false)?;
        g.text(ws, (row, 2), a.number.as_deref(), &f.centre, false)?;
        g.string(ws, (row, 3), &a.title, &f.body, false)?;
        g.text(ws, (row, 4), a.axis.as_deref(), &f.body, false)?;
        g.text(ws, (row, 5), a.objective.as_deref(), &f.body, false)?;
        g.string(ws, (row, 6), s.themes.label(a.assigned.theme), &f.body, false)?;
        g.string(ws, (row, 7), a.assigned.source.describe(), &f.body, false)?;
        g.text(ws, (row, 8), a.status.map(Status::label), &f.centre, false)?;
        opt_pct(ws, g, (row, 9), a.progress.map(|v| v / 100.0), &f.percent)?;
        opt_num(ws, g, (row, 10), a.last_year.map(f64::from), &f.centre)?;
        g.string(ws, (row, 11), if a.late { "oui" } else { "non" }, &f.centre, false)?;
        g.text(ws, (row, 12), a.comment.as_deref(), &f.body, false)?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, row.max(1), 12)?;
    print_setup(ws, page, row, 12, true, g.scale())
}

/// « Indicateurs »: every indicator of every counted plan at the review year.
fn indicators_sheet(
    ws: &mut Worksheet,
    g: &mut Grid,
    s: &Synthesis,
    page: &Plan,
    f: &Formats,
) -> Result<(), XlsxError> {
    ws.set_name("Indicateurs")?;
    let h = [
        ("Territoire", 24.0),
        ("Fichier", 20.0),
        ("N° action", 8.0),
        ("Indicateur", 40.0),
        ("Unité", 10.0),
        ("Valeur de référence", 11.0),
        ("Valeur cible", 11.0),
        ("Année", 8.0),
        ("Réalisé", 11.0),
        ("Atteinte de la cible", 12.0),
    ];
    heads(ws, g, &h, f)?;
    let mut row = 0u32;
    for p in &s.plans {
        for i in &p.indicators {
            row += 1;
            g.string(ws, (row, 0), &p.territory, &f.body, false)?;
            g.string(ws, (row, 1), &p.name, &f.body, false)?;
            g.text(ws, (row, 2), i.action.as_deref(), &f.centre, false)?;
            g.string(ws, (row, 3), &i.name, &f.body, false)?;
            g.text(ws, (row, 4), i.unit.as_deref(), &f.body, false)?;
            opt_num(ws, g, (row, 5), i.baseline, &f.centre)?;
            opt_num(ws, g, (row, 6), i.target, &f.centre)?;
            opt_num(ws, g, (row, 7), i.latest.map(|(y, _)| f64::from(y)), &f.centre)?;
            opt_num(ws, g, (row, 8), i.latest.map(|(_, v)| v), &f.centre)?;
            opt_pct(ws, g, (row, 9), i.share, &f.percent)?;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, row.max(1), 9)?;
    print_setup(ws, page, row, 9, true, g.scale())
}

/// « Non lus »: files not read, and plans read without follow-up data (not counted).
fn unread_sheet(ws: &mut Worksheet, g: &mut Grid, s: &Synthesis, page: &Plan, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name("Non lus")?;
    heads(ws, g, &[("Fichier", 30.0), ("Territoire", 26.0), ("Raison", 90.0)], f)?;
    let mut row = 0u32;
    for u in &s.unread {
        row += 1;
        g.string(ws, (row, 0), &u.name, &f.body, false)?;
        g.blank(ws, (row, 1), &f.body)?;
        g.string(ws, (row, 2), &u.reason, &f.body, false)?;
    }
    for u in &s.unfollowed {
        row += 1;
        g.string(ws, (row, 0), &u.name, &f.body, false)?;
        g.string(ws, (row, 1), &u.territory, &f.body, false)?;
        g.string(ws, (row, 2), crate::synthesis::NO_FOLLOW_UP, &f.body, false)?;
    }
    print_setup(ws, page, row, 2, true, g.scale())
}
