//! The "Échéancier" and "Synthèse" sheets: years per action, counts and charts.

use std::collections::BTreeMap;

use rust_xlsxwriter::{Chart, ChartType, Worksheet, XlsxError};

use super::{print_setup, Formats, SheetInput};
use crate::model::Priority;
use crate::render::print_fit::Grid;

pub(super) fn echeancier_sheet(ws: &mut Worksheet, g: &mut Grid, input: &SheetInput<'_>) -> Result<(), XlsxError> {
    let SheetInput { plan, actions, years, f } = *input;
    ws.set_name("Échéancier")?;
    let heads = ["Axe", "N°", "Action"];
    for (i, h) in heads.iter().enumerate() {
        g.string(ws, (0, i as u16), *h, &f.header, true)?;
    }
    g.width(ws, 0, 30)?;
    g.width(ws, 1, 6)?;
    g.width(ws, 2, 60)?;
    for (j, y) in years.iter().enumerate() {
        g.string(ws, (0, 3 + j as u16), y.to_string(), &f.header, true)?;
        g.width(ws, 3 + j as u16, 9)?;
    }
    for (i, r) in actions.iter().enumerate() {
        let row = i as u32 + 1;
        let axis = if r.axis.implicit { "" } else { r.axis.title.as_str() };
        g.text(ws, (row, 0), Some(axis), &f.body, false)?;
        g.text(ws, (row, 1), r.action.number.as_deref(), &f.centre, false)?;
        g.text(ws, (row, 2), Some(&r.action.title), &f.body, false)?;
        for (j, y) in years.iter().enumerate() {
            let col = 3 + j as u16;
            if r.action.years.contains(y) {
                let mark = r.action.milestones.get(y).map_or("X", String::as_str);
                g.string(ws, (row, col), crate::validate::excel::cell_text(mark), &f.year_on, false)?;
            } else {
                g.blank(ws, (row, col), &f.centre)?;
            }
        }
    }
    let last_col = 2 + years.len() as u16;
    ws.set_freeze_panes(1, 3)?;
    ws.autofilter(0, 0, actions.len().max(1) as u32, last_col)?;
    print_setup(ws, plan, actions.len() as u32, last_col, true, g.scale())
}

pub(super) fn synthese_sheet(ws: &mut Worksheet, g: &mut Grid, input: &SheetInput<'_>) -> Result<(), XlsxError> {
    let SheetInput { plan, actions, years, f } = *input;
    ws.set_name("Synthèse")?;
    g.width(ws, 0, 50)?;
    g.string(ws, (0, 0), "Répartition des actions par axe et par priorité", &f.title, true)?;
    let axis_rows = priority_table(ws, g, input)?;
    let mut row = axis_rows.1 + 3;
    // The charts go under the tables, in column A, inside the print area's width.
    let mut charts = Vec::new();
    if !plan.axes.is_empty() {
        let mut chart = Chart::new(ChartType::BarStacked);
        for i in 0..4u16 {
            chart
                .add_series()
                .set_name(("Synthèse", 2, 1 + i))
                .set_categories(("Synthèse", axis_rows.0, 0, axis_rows.1, 0))
                .set_values(("Synthèse", axis_rows.0, 1 + i, axis_rows.1, 1 + i));
        }
        chart.title().set_name("Actions par axe et par priorité");
        charts.push(chart);
    }
    // Per year.
    let per_year = years.iter().map(|y| (y.to_string(), actions.iter().filter(|r| r.action.years.contains(y)).count()));
    let (year_start, last) = count_table((ws, g), row, ("Actions prévues par année", "Année"), per_year, f)?;
    row = last;
    if !years.is_empty() {
        let mut chart = Chart::new(ChartType::Column);
        chart.add_series().set_name("Actions").set_categories(("Synthèse", year_start, 0, row, 0)).set_values((
            "Synthèse",
            year_start,
            1,
            row,
            1,
        ));
        chart.title().set_name("Actions prévues par année");
        chart.legend().set_hidden();
        charts.push(chart);
    }
    row += 2;
    // Per pilot.
    let mut pilots: BTreeMap<String, usize> = BTreeMap::new();
    for r in actions {
        *pilots.entry(r.action.pilot.clone().unwrap_or_else(|| "(non renseigné)".into())).or_default() += 1;
    }
    let (_, last) = count_table((ws, g), row, ("Actions par pilote", "Pilote"), pilots.into_iter(), f)?;
    row = last + 2;
    // Each chart is 288 px high: 15 rows of 20 px, 18 with the gap; the print area
    // takes them in.
    for chart in &charts {
        ws.insert_chart(row, 0, chart)?;
        row += 18;
    }
    print_setup(ws, plan, row, 5, false, g.scale())
}

/// Actions per axis and priority from row 2, with a total row: returns the first and
/// last rows of the axes.
fn priority_table(ws: &mut Worksheet, g: &mut Grid, input: &SheetInput<'_>) -> Result<(u32, u32), XlsxError> {
    let f = input.f;
    let prio_cols = ["Haute", "Moyenne", "Basse", "Non renseignée", "Total"];
    g.string(ws, (2, 0), "Axe", &f.header, true)?;
    for (i, p) in prio_cols.iter().enumerate() {
        g.string(ws, (2, 1 + i as u16), *p, &f.header, true)?;
        g.width(ws, 1 + i as u16, 13)?;
    }
    let mut row = 3u32;
    // Per axis: high, medium, low, not given, total — summed for the last row.
    let mut totals = [0usize; 5];
    for axis in &input.plan.axes {
        let acts = axis.all_actions();
        let count = |p: Option<Priority>| acts.iter().filter(|a| a.priority == p).count();
        let counts = [
            count(Some(Priority::High)),
            count(Some(Priority::Medium)),
            count(Some(Priority::Low)),
            count(None),
            acts.len(),
        ];
        let title = if axis.implicit { "Actions" } else { axis.title.as_str() };
        g.string(ws, (row, 0), title, &f.body, false)?;
        for (i, v) in counts.iter().enumerate() {
            g.num(ws, (row, 1 + i as u16), *v as f64, &f.centre)?;
            totals[i] += v;
        }
        row += 1;
    }
    g.string(ws, (row, 0), "Total", &f.key, true)?;
    for (i, t) in totals.iter().enumerate() {
        g.num(ws, (row, 1 + i as u16), *t as f64, &f.key)?;
    }
    Ok((3, row - 1))
}

/// A titled two-column table (label, number of actions) from `row`: returns its first
/// and last data rows (the header row when it has none).
fn count_table(
    (ws, g): (&mut Worksheet, &mut Grid),
    mut row: u32,
    (title, label): (&str, &str),
    counts: impl Iterator<Item = (String, usize)>,
    f: &Formats,
) -> Result<(u32, u32), XlsxError> {
    g.string(ws, (row, 0), title, &f.title, true)?;
    row += 1;
    g.string(ws, (row, 0), label, &f.header, true)?;
    g.string(ws, (row, 1), "Nombre", &f.header, true)?;
    let first = row + 1;
    for (text, n) in counts {
        row += 1;
        g.string(ws, (row, 0), text, &f.body, false)?;
        g.num(ws, (row, 1), n as f64, &f.centre)?;
    }
    Ok((first, row))
}
