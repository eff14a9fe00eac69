//! evaluation.xlsx: actions with status and progress, indicators with the share of their
//! target reached, a synthesis with a native chart, and the changes since an earlier
//! version. Print-ready like the annex.

use rust_xlsxwriter::{Chart, ChartType, ConditionalFormatDataBar, DocProperties, ExcelDateTime, Worksheet, XlsxError};

use super::annexe::{colour_of, formats, print_setup, AnnexOptions, Formats};
use super::print_fit::{two_pass, Grid};
use crate::evaluation::{mean_progress, status_counts, Change};
use crate::model::{Plan, Status};

pub fn evaluation_xlsx(
    plan: &Plan,
    year: Option<i32>,
    changes: Option<&[Change]>,
    colour: Option<String>,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = super::new_workbook();
    wb.set_properties(
        &DocProperties::new()
            .set_title("Évaluation du plan d'actions")
            .set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?),
    );
    let f = formats(colour_of(&AnnexOptions { colour, ..Default::default() }, plan));

    let sheet = |ws: &mut Worksheet, write: &dyn Fn(&mut Worksheet, &mut Grid) -> Result<(), XlsxError>| {
        two_pass(ws, |ws, g| write(ws, g))
    };
    sheet(super::add_sheet(&mut wb), &|ws, g| actions_sheet(ws, g, plan, &f))?;
    sheet(super::add_sheet(&mut wb), &|ws, g| indicators_sheet(ws, g, plan, year, &f))?;
    // Kept whole in memory: its chart's cached values are read from its cells at save.
    sheet(wb.add_worksheet(), &|ws, g| synthesis_sheet(ws, g, plan, &f))?;
    if let Some(changes) = changes {
        sheet(super::add_sheet(&mut wb), &|ws, g| changes_sheet(ws, g, plan, changes, &f))?;
    }
    wb.save_to_buffer()
}

/// "Actions": status, progress and comment of each action.
fn actions_sheet(ws: &mut Worksheet, g: &mut Grid, plan: &Plan, f: &Formats) -> Result<(), XlsxError> {
    let actions = plan.actions();
    ws.set_name("Actions")?;
    let heads = [
        ("N°", 6.0),
        ("Action", 50.0),
        ("Axe", 30.0),
        ("Objectif", 30.0),
        ("Statut", 13.0),
        ("Avancement", 12.0),
        ("Commentaire", 50.0),
    ];
    for (i, (h, w)) in heads.iter().enumerate() {
        g.string(ws, (0, i as u16), *h, &f.header, true)?;
        g.width(ws, i as u16, *w)?;
    }
    for (i, r) in actions.iter().enumerate() {
        let row = i as u32 + 1;
        let a = r.action;
        g.text(ws, (row, 0), a.number.as_deref(), &f.centre, false)?;
        g.text(ws, (row, 1), Some(&a.title), &f.body, false)?;
        g.text(ws, (row, 2), (!r.axis.implicit).then_some(r.axis.title.as_str()), &f.body, false)?;
        g.text(ws, (row, 3), r.objective().map(|o| o.title.as_str()), &f.body, false)?;
        g.text(ws, (row, 4), a.status.map(Status::label), &f.centre, false)?;
        match a.progress {
            Some(p) => {
                g.num(ws, (row, 5), p / 100.0, &f.percent)?;
            }
            None => g.text(ws, (row, 5), None, &f.body, false)?,
        }
        g.text(ws, (row, 6), a.comment.as_deref(), &f.body, false)?;
    }
    let last = actions.len().max(1) as u32;
    ws.add_conditional_format(1, 5, last, 5, &ConditionalFormatDataBar::new())?;
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, last, 6)?;
    print_setup(ws, plan, last, 6, true, g.scale())?;

    Ok(())
}

/// "Indicateurs": values per year up to the review year, share of the target.
fn indicators_sheet(
    ws: &mut Worksheet,
    g: &mut Grid,
    plan: &Plan,
    year: Option<i32>,
    f: &Formats,
) -> Result<(), XlsxError> {
    ws.set_name("Indicateurs")?;
    let mut years: Vec<i32> = plan
        .indicators
        .iter()
        .flat_map(|i| i.values.keys().copied())
        .filter(|y| year.is_none_or(|e| *y <= e))
        .collect();
    years.sort_unstable();
    years.dedup();
    let mut heads: Vec<(String, f64)> = vec![
        ("N° action".into(), 9.0),
        ("Indicateur".into(), 45.0),
        ("Unité".into(), 12.0),
        ("Valeur de référence".into(), 12.0),
        ("Valeur cible".into(), 12.0),
    ];
    heads.extend(years.iter().map(|y| (format!("Réalisé {y}"), 11.0)));
    heads.push(("Atteinte de la cible".into(), 13.0));
    for (i, (h, w)) in heads.iter().enumerate() {
        g.string(ws, (0, i as u16), h, &f.header, true)?;
        g.width(ws, i as u16, *w)?;
    }
    let share_col = heads.len() as u16 - 1;
    for (i, ind) in plan.indicators.iter().enumerate() {
        let row = i as u32 + 1;
        g.text(ws, (row, 0), ind.action.as_deref(), &f.centre, false)?;
        g.text(ws, (row, 1), Some(&ind.name), &f.body, false)?;
        g.text(ws, (row, 2), ind.unit.as_deref(), &f.body, false)?;
        for (c, v) in [(3u16, ind.baseline), (4, ind.target)] {
            match v {
                Some(v) => g.num(ws, (row, c), v, &f.centre)?,
                None => g.text(ws, (row, c), None, &f.body, false)?,
            }
        }
        for (j, y) in years.iter().enumerate() {
            match ind.values.get(y) {
                Some(v) => g.num(ws, (row, 5 + j as u16), *v, &f.centre)?,
                None => g.text(ws, (row, 5 + j as u16), None, &f.body, false)?,
            }
        }
        match ind.share_of_target(year) {
            Some(s) => g.num(ws, (row, share_col), s, &f.percent)?,
            None => g.text(ws, (row, share_col), None, &f.body, false)?,
        }
    }
    let ilast = plan.indicators.len().max(1) as u32;
    ws.add_conditional_format(1, share_col, ilast, share_col, &ConditionalFormatDataBar::new())?;
    ws.set_freeze_panes(1, 2)?;
    print_setup(ws, plan, ilast, share_col, true, g.scale())?;

    Ok(())
}

/// "Synthèse": counts per status and axis, the mean progress with its base, a chart.
fn synthesis_sheet(ws: &mut Worksheet, g: &mut Grid, plan: &Plan, f: &Formats) -> Result<(), XlsxError> {
    let actions = plan.actions();
    ws.set_name("Synthèse")?;
    g.width(ws, 0, 45)?;
    g.string(ws, (0, 0), "Actions par statut et par axe", &f.title, true)?;
    let labels: Vec<&str> = Status::ALL.iter().map(|s| s.label()).chain(std::iter::once("Non renseigné")).collect();
    g.string(ws, (2, 0), "Axe", &f.header, true)?;
    for (i, l) in labels.iter().enumerate() {
        g.string(ws, (2, 1 + i as u16), *l, &f.header, true)?;
        g.width(ws, 1 + i as u16, 12)?;
    }
    g.string(ws, (2, 1 + labels.len() as u16), "Total", &f.header, true)?;
    let mut row = 3u32;
    for axis in plan.axes.iter().filter(|a| !a.all_actions().is_empty()) {
        let acts = axis.all_actions();
        g.text(ws, (row, 0), Some(if axis.implicit { "Actions" } else { &axis.title }), &f.body, false)?;
        for (i, (_, n)) in status_counts(acts.iter().copied()).iter().enumerate() {
            g.num(ws, (row, 1 + i as u16), *n as f64, &f.centre)?;
        }
        g.num(ws, (row, 1 + labels.len() as u16), acts.len() as f64, &f.centre)?;
        row += 1;
    }
    let axes_end = row - 1;
    g.string(ws, (row, 0), "Ensemble du plan", &f.key, true)?;
    for (i, (_, n)) in status_counts(actions.iter().map(|r| r.action)).iter().enumerate() {
        g.num(ws, (row, 1 + i as u16), *n as f64, &f.key)?;
    }
    g.num(ws, (row, 1 + labels.len() as u16), actions.len() as f64, &f.key)?;
    // The mean says its base: the actions with a progress, out of all.
    if let Some(m) = mean_progress(actions.iter().map(|r| r.action)) {
        row += 2;
        g.string(ws, (row, 0), "Avancement moyen", &f.key, true)?;
        g.num(ws, (row, 1), m.mean / 100.0, &f.percent.clone().set_num_format("0.0%"))?;
        let s = if m.filled > 1 { "s" } else { "" };
        g.string(
            ws,
            (row, 2),
            format!("sur {} action{s} renseignée{s} sur {}", m.filled, m.total),
            &rust_xlsxwriter::Format::new(),
            false,
        )?;
    }
    if axes_end >= 3 {
        let mut chart = Chart::new(ChartType::BarStacked);
        for i in 0..labels.len() as u16 {
            chart
                .add_series()
                .set_name(("Synthèse", 2, 1 + i))
                .set_categories(("Synthèse", 3, 0, axes_end, 0))
                .set_values(("Synthèse", 3, 1 + i, axes_end, 1 + i));
        }
        chart.title().set_name("Statut des actions par axe");
        ws.insert_chart(row + 2, 0, &chart)?;
    }
    print_setup(ws, plan, row + 20, 1 + labels.len() as u16, false, g.scale())?;

    Ok(())
}

/// "Évolution": the changes since the earlier version, with their cells.
fn changes_sheet(
    ws: &mut Worksheet,
    g: &mut Grid,
    plan: &Plan,
    changes: &[Change],
    f: &Formats,
) -> Result<(), XlsxError> {
    ws.set_name("Évolution")?;
    g.width(ws, 0, 16)?;
    g.width(ws, 1, 110)?;
    g.width(ws, 2, 16)?;
    g.string(ws, (0, 0), "Changement", &f.header, true)?;
    g.string(ws, (0, 1), "Détail", &f.header, true)?;
    g.string(ws, (0, 2), "Cellule", &f.header, true)?;
    for (i, c) in changes.iter().enumerate() {
        g.string(ws, (i as u32 + 1, 0), c.kind(), &f.body, false)?;
        g.string(ws, (i as u32 + 1, 1), c.sentence(), &f.body, false)?;
        g.text(ws, (i as u32 + 1, 2), c.cell(), &f.body, false)?;
    }
    print_setup(ws, plan, changes.len() as u32, 2, true, g.scale())?;
    Ok(())
}
