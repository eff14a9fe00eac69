//! evaluation.xlsx: actions with status and progress, indicators with the share of their
//! target reached, a synthesis with a native chart, and the changes since an earlier
//! version. Print-ready like the annex.

use rust_xlsxwriter::{Chart, ChartType, ConditionalFormatDataBar, DocProperties, ExcelDateTime, XlsxError};

use super::annexe::{colour_of, formats, print_setup, text_or_blank, AnnexOptions};
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
    let actions = plan.actions();

    let ws = super::add_sheet(&mut wb);
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
        ws.write_string_with_format(0, i as u16, *h, &f.header)?;
        ws.set_column_width(i as u16, *w)?;
    }
    for (i, r) in actions.iter().enumerate() {
        let row = i as u32 + 1;
        let a = r.action;
        text_or_blank(ws, row, 0, a.number.as_deref(), &f.centre)?;
        text_or_blank(ws, row, 1, Some(&a.title), &f.body)?;
        text_or_blank(ws, row, 2, (!r.axis.implicit).then_some(r.axis.title.as_str()), &f.body)?;
        text_or_blank(ws, row, 3, r.objective().map(|o| o.title.as_str()), &f.body)?;
        text_or_blank(ws, row, 4, a.status.map(Status::label), &f.centre)?;
        match a.progress {
            Some(p) => {
                ws.write_number_with_format(row, 5, p / 100.0, &f.percent)?;
            }
            None => text_or_blank(ws, row, 5, None, &f.body)?,
        }
        text_or_blank(ws, row, 6, a.comment.as_deref(), &f.body)?;
    }
    let last = actions.len().max(1) as u32;
    ws.add_conditional_format(1, 5, last, 5, &ConditionalFormatDataBar::new())?;
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, last, 6)?;
    print_setup(ws, plan, last, 6, true)?;

    let ws = super::add_sheet(&mut wb);
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
        ws.write_string_with_format(0, i as u16, h, &f.header)?;
        ws.set_column_width(i as u16, *w)?;
    }
    let share_col = heads.len() as u16 - 1;
    for (i, ind) in plan.indicators.iter().enumerate() {
        let row = i as u32 + 1;
        text_or_blank(ws, row, 0, ind.action.as_deref(), &f.centre)?;
        text_or_blank(ws, row, 1, Some(&ind.name), &f.body)?;
        text_or_blank(ws, row, 2, ind.unit.as_deref(), &f.body)?;
        for (c, v) in [(3u16, ind.baseline), (4, ind.target)] {
            match v {
                Some(v) => ws.write_number_with_format(row, c, v, &f.centre).map(|_| ())?,
                None => text_or_blank(ws, row, c, None, &f.body)?,
            }
        }
        for (j, y) in years.iter().enumerate() {
            match ind.values.get(y) {
                Some(v) => ws.write_number_with_format(row, 5 + j as u16, *v, &f.centre).map(|_| ())?,
                None => text_or_blank(ws, row, 5 + j as u16, None, &f.body)?,
            }
        }
        match ind.share_of_target(year) {
            Some(s) => ws.write_number_with_format(row, share_col, s, &f.percent).map(|_| ())?,
            None => text_or_blank(ws, row, share_col, None, &f.body)?,
        }
    }
    let ilast = plan.indicators.len().max(1) as u32;
    ws.add_conditional_format(1, share_col, ilast, share_col, &ConditionalFormatDataBar::new())?;
    ws.set_freeze_panes(1, 2)?;
    print_setup(ws, plan, ilast, share_col, true)?;

    // Kept whole in memory: its chart's cached values are read from its cells at save.
    let ws = wb.add_worksheet();
    ws.set_name("Synthèse")?;
    ws.set_column_width(0, 45)?;
    ws.write_string_with_format(0, 0, "Actions par statut et par axe", &f.title)?;
    let labels: Vec<&str> = Status::ALL.iter().map(|s| s.label()).chain(std::iter::once("Non renseigné")).collect();
    ws.write_string_with_format(2, 0, "Axe", &f.header)?;
    for (i, l) in labels.iter().enumerate() {
        ws.write_string_with_format(2, 1 + i as u16, *l, &f.header)?;
        ws.set_column_width(1 + i as u16, 12)?;
    }
    ws.write_string_with_format(2, 1 + labels.len() as u16, "Total", &f.header)?;
    let mut row = 3u32;
    for axis in plan.axes.iter().filter(|a| !a.all_actions().is_empty()) {
        let acts = axis.all_actions();
        text_or_blank(ws, row, 0, Some(if axis.implicit { "Actions" } else { &axis.title }), &f.body)?;
        for (i, (_, n)) in status_counts(acts.iter().copied()).iter().enumerate() {
            ws.write_number_with_format(row, 1 + i as u16, *n as f64, &f.centre)?;
        }
        ws.write_number_with_format(row, 1 + labels.len() as u16, acts.len() as f64, &f.centre)?;
        row += 1;
    }
    let axes_end = row - 1;
    ws.write_string_with_format(row, 0, "Ensemble du plan", &f.key)?;
    for (i, (_, n)) in status_counts(actions.iter().map(|r| r.action)).iter().enumerate() {
        ws.write_number_with_format(row, 1 + i as u16, *n as f64, &f.key)?;
    }
    ws.write_number_with_format(row, 1 + labels.len() as u16, actions.len() as f64, &f.key)?;
    // The mean says its base: the actions with a progress, out of all.
    if let Some(m) = mean_progress(actions.iter().map(|r| r.action)) {
        row += 2;
        ws.write_string_with_format(row, 0, "Avancement moyen", &f.key)?;
        ws.write_number_with_format(row, 1, m.mean / 100.0, &f.percent.clone().set_num_format("0.0%"))?;
        let s = if m.filled > 1 { "s" } else { "" };
        ws.write_string(row, 2, format!("sur {} action{s} renseignée{s} sur {}", m.filled, m.total))?;
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
    print_setup(ws, plan, row + 20, 1 + labels.len() as u16, false)?;

    if let Some(changes) = changes {
        let ws = super::add_sheet(&mut wb);
        ws.set_name("Évolution")?;
        ws.set_column_width(0, 16)?;
        ws.set_column_width(1, 110)?;
        ws.set_column_width(2, 16)?;
        ws.write_string_with_format(0, 0, "Changement", &f.header)?;
        ws.write_string_with_format(0, 1, "Détail", &f.header)?;
        ws.write_string_with_format(0, 2, "Cellule", &f.header)?;
        for (i, c) in changes.iter().enumerate() {
            ws.write_string_with_format(i as u32 + 1, 0, c.kind(), &f.body)?;
            ws.write_string_with_format(i as u32 + 1, 1, c.sentence(), &f.body)?;
            text_or_blank(ws, i as u32 + 1, 2, c.cell(), &f.body)?;
        }
        print_setup(ws, plan, changes.len() as u32, 2, true)?;
    }
    wb.save_to_buffer()
}
