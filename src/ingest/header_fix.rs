//! A person's correction of the header: columns given to fields, to hierarchy levels, kept
//! as they are or ignored, by letter or header text; wins over detection.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::Field;
use crate::text::{column_letters, fold, one_line};

use super::correction::{targets_of, Target};
use super::grid::{Sheet, Value};
use super::header::Column;

/// What the correction did to the header.
#[derive(Debug, Default)]
pub struct Applied {
    /// Problems, in French.
    pub warnings: Vec<String>,
    /// Columns to drop once every column is known.
    pub ignored: BTreeSet<u32>,
    /// Hierarchy columns in the level order given.
    pub levels: Vec<u32>,
    /// Fields given to a column.
    pub fields: BTreeSet<Field>,
}

/// Applies `overrides` (key → column letter or header text) to `columns`.
pub fn apply(
    sheet: &Sheet,
    top_row: u32,
    header_row: u32,
    overrides: &BTreeMap<String, String>,
    columns: &mut Vec<Column>,
) -> Applied {
    let mut out = Applied::default();
    let mut levels: BTreeMap<u32, u32> = BTreeMap::new();
    for (key, value) in overrides {
        let Some(target) = Target::named(key) else {
            out.warnings.push(format!(
                "[colonnes] : champ « {key} » inconnu (champs possibles : intitule, numero, pilote, personne_pilote, \
                 statut, priorite, date_debut, date_fin, niveau_1, niveau_2, garder, ignorer…)."
            ));
            continue;
        };
        for t in targets_of(key, value) {
            let Some(col) = find_column(sheet, top_row, columns, &t) else {
                out.warnings.push(format!(
                    "[colonnes] : aucune colonne « {t} » pour le champ « {key} » ; détection conservée."
                ));
                continue;
            };
            match target {
                Target::Field(f) => {
                    out.fields.insert(f);
                    give(sheet, top_row, header_row, columns, col, Some(f));
                }
                Target::Level(n) => {
                    levels.insert(n, col);
                    give(sheet, top_row, header_row, columns, col, Some(Field::Hierarchy));
                }
                Target::Keep => give(sheet, top_row, header_row, columns, col, None),
                Target::Ignore => {
                    out.ignored.insert(col);
                }
            }
        }
    }
    if !levels.is_empty() {
        // The levels given are the whole hierarchy: other level columns are kept as they are.
        let named: BTreeSet<u32> = levels.values().copied().collect();
        for c in columns.iter_mut().filter(|c| c.field == Some(Field::Hierarchy) && !named.contains(&c.col)) {
            c.field = None;
        }
        out.levels = levels.into_values().collect();
    }
    out
}

/// The column a letter ("D") or a header text names.
fn find_column(sheet: &Sheet, top_row: u32, columns: &[Column], target: &str) -> Option<u32> {
    let t = target.trim();
    // A letter names a column that holds something.
    let letter = |t: &str| {
        letters_to_col(t).filter(|c| {
            columns.iter().any(|k| k.col == *c) || sheet.rows.range(top_row..).any(|(r, _)| sheet.get(*r, *c).is_some())
        })
    };
    if !t.is_empty() && t.len() <= 3 && t.chars().all(|c| c.is_ascii_uppercase()) {
        return letter(t);
    }
    let by_header = columns.iter().find(|c| fold(&c.header) == fold(t)).map(|c| c.col);
    // "c" for C, when no header says "c".
    by_header.or_else(|| {
        (t.len() <= 2 && t.chars().all(|c| c.is_ascii_alphabetic())).then(|| letter(&t.to_ascii_uppercase())).flatten()
    })
}

/// Gives `field` to the column `col` (None: kept as it is), taking a single field from
/// the column that had it.
fn give(sheet: &Sheet, top_row: u32, header_row: u32, columns: &mut Vec<Column>, col: u32, field: Option<Field>) {
    if let Some(f) = field.filter(|f| !f.repeats()) {
        for c in columns.iter_mut().filter(|c| c.field == Some(f)) {
            c.field = None;
        }
    }
    match columns.iter_mut().find(|c| c.col == col) {
        Some(c) => c.field = field,
        None => {
            let header = (top_row..=header_row)
                .filter_map(|r| sheet.get(r, col).and_then(header_text))
                .next_back()
                .unwrap_or_else(|| format!("Colonne {}", column_letters(col)));
            columns.push(Column { col, field, header, section: None });
        }
    }
}

fn header_text(v: &Value) -> Option<String> {
    Some(one_line(&v.text())).filter(|t| !t.trim().is_empty())
}

/// "D" → 3, "AB" → 27.
pub fn letters_to_col(s: &str) -> Option<u32> {
    s.bytes().try_fold(0u32, |acc, b| acc.checked_mul(26)?.checked_add(u32::from(b - b'A' + 1)))?.checked_sub(1)
}
