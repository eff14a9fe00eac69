//! The indicators sheet: action number, indicator, unit, baseline, target, one value per
//! year ("2024", "Réalisé 2024"…), found by the same tolerant header matching.

use std::collections::BTreeMap;

use crate::model::{Indicator, Origin};
use crate::text::{a1, fold_words};
use crate::validate::{Code, Diagnostic};

use super::fields::as_year;
use super::grid::{Sheet, Value};
use super::parse::action_number;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Col {
    Action,
    Name,
    Unit,
    Baseline,
    Target,
    Year(i32),
}

fn classify(h: &str) -> Option<Col> {
    let f = fold_words(h);
    let words: Vec<&str> = f.split(' ').collect();
    let first = *words.first()?;
    if let Some(y) = words.last().and_then(|w| as_year(w)) {
        if words.iter().all(|w| {
            as_year(w).is_some()
                || matches!(*w, "realise" | "realisee" | "valeur" | "annee" | "en" | "resultat" | "mesure")
        }) {
            return Some(Col::Year(y));
        }
    }
    if f.contains("reference") || f.contains("initial") || first == "base" || f.contains("depart") {
        Some(Col::Baseline)
    } else if f.contains("cible") || f.contains("visee") || first == "objectif" || first == "attendu" {
        Some(Col::Target)
    } else if first.starts_with("indicateur") || first == "intitule" || first == "libelle" {
        Some(Col::Name)
    } else if first == "unite" || first == "unites" {
        Some(Col::Unit)
    } else if matches!(first, "no" | "n" | "num" | "numero" | "ref" | "action" | "actions" | "fiche") {
        Some(Col::Action)
    } else {
        None
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => Some(*n),
        Value::Text(t) => {
            let t = t.trim().trim_end_matches('%').trim().replace([' ', '\u{a0}', '\u{202f}'], "").replace(',', ".");
            t.parse().ok()
        }
        _ => None,
    }
}

/// Reads the sheet; `known` are the plan's action numbers, for the cross-check.
pub fn read_indicators(file: &str, sheet: &Sheet, known: &[String], diags: &mut Vec<Diagnostic>) -> Vec<Indicator> {
    let mut out = Vec::new();
    let Some((header_row, cols)) = indicator_header(sheet) else {
        diags.push(
            Diagnostic::new(Code::IndicateursSansEntete, "Feuille d'indicateurs sans ligne d'en-tête reconnue (Indicateur, N° d'action, Cible, années…) : ignorée.")
                .in_sheet(&sheet.name),
        );
        return out;
    };
    let col_of = |k: Col| cols.iter().find(|(_, c)| *c == k).map(|(c, _)| *c);
    let mut last_action: Option<String> = None;
    for (&r, _) in sheet.rows.range(header_row + 1..) {
        let get = |k: Col| col_of(k).and_then(|c| sheet.get_merged(r, c));
        let Some(name) = get(Col::Name).map(|v| v.text()).filter(|t| !t.is_empty()) else { continue };
        let origin = Origin { file: file.into(), sheet: sheet.name.clone(), row: r + 1, ..Default::default() };
        let mut ind = Indicator { name, origin: Some(origin), ..Default::default() };
        if let (Some(c), Some(v)) = (col_of(Col::Action), get(Col::Action)) {
            ind.action = indicator_action(v, &ind.name).map_err(|d| diags.push(d.at(&sheet.name, Some(a1(r, c))))).ok();
        }
        if ind.action.is_none() {
            ind.action = last_action.clone();
        }
        if let (Some(n), Some(c)) = (&ind.action, col_of(Col::Action)) {
            if !known.iter().any(|k| k == n) {
                diags.push(
                    Diagnostic::new(
                        Code::IndicateurActionInconnue,
                        format!("L'indicateur « {} » renvoie à l'action {n}, qui n'existe pas dans le plan.", ind.name),
                    )
                    .at(&sheet.name, Some(a1(r, c))),
                );
            }
        }
        last_action = ind.action.clone();
        ind.unit = get(Col::Unit).map(|v| v.text()).filter(|t| !t.is_empty());
        ind.baseline = get(Col::Baseline).and_then(number);
        ind.target = get(Col::Target).and_then(number);
        ind.values = yearly_values(sheet, r, &cols, &ind.name, diags);
        out.push(ind);
    }
    out
}

/// The first row (of the top 20) naming an indicator column and one more: its index and
/// its columns.
fn indicator_header(sheet: &Sheet) -> Option<(u32, Vec<(u32, Col)>)> {
    sheet
        .rows
        .iter()
        .take(20)
        .map(|(r, cells)| {
            let cols: Vec<(u32, Col)> = cells
                .iter()
                .filter_map(|(c, v)| {
                    let text = match v {
                        Value::Number(n) => crate::text::format_number(*n),
                        other => other.text(),
                    };
                    classify(&text).map(|k| (*c, k))
                })
                .collect();
            (*r, cols)
        })
        .find(|(_, cols)| cols.iter().any(|(_, k)| *k == Col::Name) && cols.len() >= 2)
}

/// The action an indicator measures: a number, or "Action 12 …" written in full; the
/// error (to be placed at the cell) when neither reads.
fn indicator_action(v: &Value, name: &str) -> Result<String, Diagnostic> {
    if let Ok(Some(n)) = action_number(v) {
        return Ok(n);
    }
    match super::parse::parse_action_text(&v.text()).number {
        Some(n) => Ok(n),
        None => Err(Diagnostic::new(
            Code::IndicateurActionIllisible,
            format!("Numéro d'action « {} » illisible pour l'indicateur « {name} ».", v.text()),
        )),
    }
}

/// The values of the year columns of one row; an error at each cell that does not read
/// as a number.
fn yearly_values(
    sheet: &Sheet,
    r: u32,
    cols: &[(u32, Col)],
    name: &str,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<i32, f64> {
    let mut values = BTreeMap::new();
    for (c, y) in cols.iter().filter_map(|(c, k)| if let Col::Year(y) = k { Some((*c, *y)) } else { None }) {
        let Some(v) = sheet.get(r, c) else { continue };
        match number(v) {
            Some(n) => {
                values.insert(y, n);
            }
            None if !v.text().is_empty() => diags.push(
                Diagnostic::new(
                    Code::IndicateurValeurIllisible,
                    format!("Valeur « {} » illisible pour l'indicateur « {name} » en {y}.", v.text()),
                )
                .at(&sheet.name, Some(a1(r, c))),
            ),
            None => {}
        }
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indicator_headers() {
        assert_eq!(classify("Valeur de référence"), Some(Col::Baseline));
        assert_eq!(classify("Valeur cible"), Some(Col::Target));
        assert_eq!(classify("Cible"), Some(Col::Target));
        assert_eq!(classify("Réalisé 2024"), Some(Col::Year(2024)));
        assert_eq!(classify("2025"), Some(Col::Year(2025)));
        assert_eq!(classify("N° action"), Some(Col::Action));
        assert_eq!(classify("Indicateur"), Some(Col::Name));
        assert_eq!(classify("Unité"), Some(Col::Unit));
    }
}
