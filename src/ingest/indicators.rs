//! The indicators sheet: action number, indicator, unit, baseline, target, one value per
//! year ("2024", "Réalisé 2024"…), found by the same tolerant header matching.

use std::collections::BTreeMap;

use crate::model::{Indicator, Origin};
use crate::text::{a1, fold_words};
use crate::validate::Diagnostic;

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
    let Some((&header_row, cols)) = sheet
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
            (r, cols)
        })
        .find(|(_, cols)| cols.iter().any(|(_, k)| *k == Col::Name) && cols.len() >= 2)
    else {
        diags.push(
            Diagnostic::warning("indicateurs-sans-entete", "Feuille d'indicateurs sans ligne d'en-tête reconnue (Indicateur, N° d'action, Cible, années…) : ignorée.")
                .in_sheet(&sheet.name),
        );
        return out;
    };
    let col_of = |k: Col| cols.iter().find(|(_, c)| *c == k).map(|(c, _)| *c);
    let mut last_action: Option<String> = None;
    for (&r, _) in sheet.rows.range(header_row + 1..) {
        let get = |k: Col| col_of(k).and_then(|c| sheet.get_merged(r, c));
        let Some(name) = get(Col::Name).map(|v| v.text()).filter(|t| !t.is_empty()) else { continue };
        let mut ind = Indicator {
            name,
            origin: Some(Origin {
                file: file.into(),
                sheet: sheet.name.clone(),
                row: r + 1,
                column: None,
                ..Default::default()
            }),
            ..Default::default()
        };
        if let (Some(c), Some(v)) = (col_of(Col::Action), get(Col::Action)) {
            match action_number(v) {
                Ok(Some(n)) => {
                    // "Action 12 …" written in full is accepted too.
                    ind.action = Some(n);
                }
                _ => {
                    let parsed = super::parse::parse_action_text(&v.text());
                    ind.action = parsed.number;
                    if ind.action.is_none() {
                        diags.push(
                            Diagnostic::error(
                                "indicateur-action-illisible",
                                format!(
                                    "Numéro d'action « {} » illisible pour l'indicateur « {} ».",
                                    v.text(),
                                    ind.name
                                ),
                            )
                            .at(&sheet.name, Some(a1(r, c))),
                        );
                    }
                }
            }
        }
        if ind.action.is_none() {
            ind.action = last_action.clone();
        }
        if let (Some(n), Some(c)) = (&ind.action, col_of(Col::Action)) {
            if !known.iter().any(|k| k == n) {
                diags.push(
                    Diagnostic::error(
                        "indicateur-action-inconnue",
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
        let mut values = BTreeMap::new();
        for (c, k) in &cols {
            if let Col::Year(y) = k {
                if let Some(v) = sheet.get(r, *c) {
                    match number(v) {
                        Some(n) => {
                            values.insert(*y, n);
                        }
                        None if !v.text().is_empty() => diags.push(
                            Diagnostic::error(
                                "indicateur-valeur-illisible",
                                format!("Valeur « {} » illisible pour l'indicateur « {} » en {y}.", v.text(), ind.name),
                            )
                            .at(&sheet.name, Some(a1(r, *c))),
                        ),
                        None => {}
                    }
                }
            }
        }
        ind.values = values;
        out.push(ind);
    }
    out
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
