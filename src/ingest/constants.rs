//! Columns holding the same value on every row are about the plan, not its actions:
//! never the action number nor per-action dates; the plan's collectivité, title, kind
//! and period when their header says so.

use crate::model::{Field, PlanKind, PlanMeta};
use crate::text::{column_letters, fold_words, truncate_chars};

use super::grid::{Sheet, Value};
use super::header::Header;
use super::metadata::{kind_from, period_in};

/// Fewer data rows than this prove nothing constant.
const MIN_ROWS: usize = 3;

/// A column with one value on every data row.
struct Constant {
    col: u32,
    header: String,
    field: Option<Field>,
    value: String,
}

/// The constant columns of the table: every row holding an action title has the same
/// non-empty value there.
fn constants(sheet: &Sheet, header: &Header) -> Vec<Constant> {
    let Some(title_col) = header.col_of(Field::Title) else {
        return Vec::new();
    };
    let rows: Vec<u32> = sheet
        .rows
        .range(header.row + 1..)
        .filter(|(r, _)| !header.is_skipped(**r))
        .filter(|(r, _)| sheet.get(**r, title_col).is_some_and(|v| !v.text().is_empty()))
        .map(|(r, _)| *r)
        .collect();
    if rows.len() < MIN_ROWS {
        return Vec::new();
    }
    let mut out = Vec::new();
    for c in header.columns.iter().filter(|c| c.col != title_col && c.field != Some(Field::Hierarchy)) {
        let first = sheet.get(rows[0], c.col).filter(|v| !matches!(v, Value::Error(_))).map(Value::text);
        let Some(first) = first.filter(|t| !t.trim().is_empty()) else { continue };
        if rows.iter().all(|&r| sheet.get(r, c.col).is_some_and(|v| v.text() == first)) {
            out.push(Constant { col: c.col, header: c.header.clone(), field: c.field, value: first });
        }
    }
    out
}

/// Does the header name the body carrying the plan (not a kind of body)?
fn names_territory(header: &str) -> bool {
    let f = fold_words(header).replace('_', " ");
    let words: Vec<&str> = f.split(' ').collect();
    !words.iter().any(|w| w.starts_with("type"))
        && ["collectivite", "porteur", "porteuse", "epci", "territoire", "commune", "intercommunalite"]
            .iter()
            .any(|k| words.iter().any(|w| w.starts_with(k)))
}

/// Does the header name the plan itself ("Nom de la démarche", "Intitulé du plan")?
fn names_plan(header: &str) -> bool {
    let f = fold_words(header).replace('_', " ");
    let words: Vec<&str> = f.split(' ').collect();
    let ident = words.iter().any(|w| matches!(*w, "id" | "identifiant" | "code" | "numero" | "no" | "ref"));
    let about = words.iter().any(|w| matches!(*w, "demarche" | "plan" | "programme" | "projet" | "contrat"));
    !ident && about
}

fn has_letters(s: &str) -> bool {
    s.chars().filter(|c| c.is_alphabetic()).count() >= 3
}

/// Reads the constant columns as the plan's: takes their number and date roles away
/// (kept as written on each fiche), fills the plan's territory, title, kind and period
/// when still unknown. Returns notes in French.
pub fn read_constants(sheet: &Sheet, header: &mut Header, meta: &mut PlanMeta) -> Vec<String> {
    let mut notes = Vec::new();
    for k in constants(sheet, header) {
        let shown = format!(
            "colonne {} « {} » (« {} » sur chaque ligne)",
            column_letters(k.col),
            k.header,
            truncate_chars(&k.value, 60)
        );
        if matches!(k.field, Some(Field::Number | Field::StartDate | Field::EndDate | Field::Schedule)) {
            if let Some(c) = header.columns.iter_mut().find(|c| c.col == k.col) {
                c.field = None;
            }
            notes.push(format!(
                "La {shown} concerne le plan, pas chaque action : elle n'est lue ni comme numéro ni comme dates \
                 des actions, et reste affichée telle quelle."
            ));
        }
        if !has_letters(&k.value) {
            continue;
        }
        if names_plan(&k.header) && meta.title.is_none() {
            meta.title = Some(k.value.trim().to_string());
            if meta.kind == PlanKind::Other {
                meta.kind = kind_from(&k.value).unwrap_or(PlanKind::Other);
            }
            if meta.first_year.is_none() && meta.last_year.is_none() {
                if let Some((a, b)) = period_in(&k.value) {
                    meta.first_year = Some(a);
                    meta.last_year = Some(b);
                }
            }
            notes.push(format!("Titre du plan lu dans la {shown}."));
        } else if names_territory(&k.header) && meta.territory.is_none() {
            meta.territory = Some(k.value.trim().to_string());
            notes.push(format!("Collectivité lue dans la {shown}."));
        }
    }
    notes
}
