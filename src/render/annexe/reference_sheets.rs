//! The "Indicateurs", "Informations" and "Contrôles" sheets.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::{print_setup, AnnexOptions, Formats};
use crate::model::{MetaKey, Plan, PlanMeta};
use crate::render::print_fit::Grid;
use crate::validate::Diagnostic;

/// The follow-up indicators, in the layout the reader expects back.
pub(super) fn indicators_sheet(ws: &mut Worksheet, g: &mut Grid, plan: &Plan, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name("Indicateurs")?;
    let mut years: Vec<i32> = plan.indicators.iter().flat_map(|i| i.values.keys().copied()).collect();
    years.sort_unstable();
    years.dedup();
    let mut heads: Vec<String> = ["N° action", "Indicateur", "Unité", "Valeur de référence", "Valeur cible"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    heads.extend(years.iter().map(|y| format!("Réalisé {y}")));
    for (i, h) in heads.iter().enumerate() {
        g.string(ws, (0, i as u16), h, &f.header, true)?;
        g.width(ws, i as u16, if i == 1 { 45.0 } else { 12.0 })?;
    }
    for (i, ind) in plan.indicators.iter().enumerate() {
        let r = i as u32 + 1;
        g.text(ws, (r, 0), ind.action.as_deref(), &f.centre, false)?;
        g.text(ws, (r, 1), Some(&ind.name), &f.body, false)?;
        g.text(ws, (r, 2), ind.unit.as_deref(), &f.body, false)?;
        let cells = [ind.baseline, ind.target].into_iter().chain(years.iter().map(|y| ind.values.get(y).copied()));
        for (j, v) in cells.enumerate() {
            match v {
                Some(v) => g.num(ws, (r, 3 + j as u16), v, &f.centre)?,
                None => g.text(ws, (r, 3 + j as u16), None, &f.body, false)?,
            }
        }
    }
    ws.set_freeze_panes(1, 2)?;
    print_setup(ws, plan, plan.indicators.len() as u32, heads.len() as u16 - 1, true, g.scale())
}

/// The text of one piece of metadata as the Informations sheet shows it.
fn meta_text(m: &PlanMeta, key: MetaKey) -> Option<String> {
    match key {
        MetaKey::Territory => m.territory.clone(),
        MetaKey::Kind => Some(m.kind.label().to_string()),
        MetaKey::Title => m.title.clone(),
        MetaKey::FirstYear => m.first_year.map(|y| y.to_string()),
        MetaKey::LastYear => m.last_year.map(|y| y.to_string()),
        MetaKey::Signatories => (!m.signatories.is_empty()).then(|| m.signatories.join("; ")),
        MetaKey::Deliberation => m.deliberation_number.clone(),
        MetaKey::DeliberationDate => m.deliberation_date.as_deref().map(crate::documents::french_date),
        MetaKey::Annex => m.annex_number.clone(),
        MetaKey::Siren => m.siren.clone(),
        MetaKey::Department => m.department.clone(),
        MetaKey::Logo => m.logo.clone(),
        MetaKey::Colour => m.colour.clone(),
    }
}

pub(super) fn informations_sheet(
    ws: &mut Worksheet,
    g: &mut Grid,
    plan: &Plan,
    opts: &AnnexOptions,
    f: &Formats,
) -> Result<(), XlsxError> {
    ws.set_name("Informations")?;
    g.width(ws, 0, 26)?;
    g.width(ws, 1, 60)?;
    g.string(ws, (0, 0), "Clé", &f.header, true)?;
    g.string(ws, (0, 1), "Valeur", &f.header, true)?;
    let mut rows: Vec<(&str, Option<String>)> = MetaKey::all().map(|k| (k.label(), meta_text(&plan.meta, k))).collect();
    rows.push(("Généré le", opts.date.as_deref().map(crate::documents::french_date)));
    rows.push(("Généré par", Some(format!("plandoc {}", env!("CARGO_PKG_VERSION")))));
    let mut r = 1;
    for (k, v) in rows {
        let Some(v) = v else { continue };
        g.string(ws, (r, 0), k, &f.key, true)?;
        g.string(ws, (r, 1), crate::validate::excel::cell_text(&v), &rust_xlsxwriter::Format::new(), false)?;
        r += 1;
    }
    print_setup(ws, plan, r, 1, false, g.scale())
}

pub(super) fn controles_sheet(
    ws: &mut Worksheet,
    g: &mut Grid,
    plan: &Plan,
    warnings: &[Diagnostic],
    f: &Formats,
) -> Result<(), XlsxError> {
    ws.set_name("Contrôles")?;
    for (i, (h, w)) in
        [("Gravité", 14.0), ("Code", 22.0), ("Message", 80.0), ("Feuille", 18.0), ("Cellule", 10.0)].iter().enumerate()
    {
        g.string(ws, (0, i as u16), *h, &f.header, true)?;
        g.width(ws, i as u16, *w)?;
    }
    for (i, d) in warnings.iter().enumerate() {
        let r = i as u32 + 1;
        g.string(ws, (r, 0), d.severity.label(), &f.body, false)?;
        g.string(ws, (r, 1), d.code.as_str(), &f.body, false)?;
        g.string(ws, (r, 2), crate::validate::excel::cell_text(&d.message), &f.body, false)?;
        g.text(ws, (r, 3), d.sheet.as_deref(), &f.body, false)?;
        g.text(ws, (r, 4), d.cell.as_deref(), &f.body, false)?;
    }
    ws.set_freeze_panes(1, 0)?;
    print_setup(ws, plan, warnings.len() as u32, 4, true, g.scale())
}
