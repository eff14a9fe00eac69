//! The "Indicateurs", "Informations" and "Contrôles" sheets.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::{print_setup, AnnexOptions, Formats};
use crate::model::Plan;
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
    let m = &plan.meta;
    let kind = m.kind.label().to_string();
    let rows: Vec<(&str, Option<String>)> = vec![
        ("Collectivité", m.territory.clone()),
        ("Type de plan", Some(kind)),
        ("Titre", m.title.clone()),
        ("Première année", m.first_year.map(|y| y.to_string())),
        ("Dernière année", m.last_year.map(|y| y.to_string())),
        ("Signataires", (!m.signatories.is_empty()).then(|| m.signatories.join("; "))),
        ("N° de délibération", m.deliberation_number.clone()),
        ("Date de délibération", m.deliberation_date.as_deref().map(crate::documents::french_date)),
        ("N° d'annexe", m.annex_number.clone()),
        ("SIREN", m.siren.clone()),
        ("Département", m.department.clone()),
        ("Logo", m.logo.clone()),
        ("Couleur principale", m.colour.clone()),
        ("Généré le", opts.date.as_deref().map(crate::documents::french_date)),
        ("Généré par", Some(format!("plandoc {}", env!("CARGO_PKG_VERSION")))),
    ];
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
        g.string(ws, (r, 1), &d.code, &f.body, false)?;
        g.string(ws, (r, 2), crate::validate::excel::cell_text(&d.message), &f.body, false)?;
        g.text(ws, (r, 3), d.sheet.as_deref(), &f.body, false)?;
        g.text(ws, (r, 4), d.cell.as_deref(), &f.body, false)?;
    }
    ws.set_freeze_panes(1, 0)?;
    print_setup(ws, plan, warnings.len() as u32, 4, true, g.scale())
}
