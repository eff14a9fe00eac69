//! A "Colonnes" sheet in the workbook: the `[colonnes]` table of plandoc.toml kept with the
//! plan, one row per field (field key or label | column letter or header text).

use crate::model::Field;
use crate::text::{fold, fold_words};

use super::grid::Sheet;
use super::ColumnOverrides;

/// "Colonnes", "Correspondance des colonnes".
pub fn is_columns_sheet_name(name: &str) -> bool {
    let f = fold_words(name);
    f == "colonnes" || f == "correspondance des colonnes" || f == "correspondance colonnes"
}

/// The field a cell names: its key (`intitule`, `personne_pilote`) or its French label.
fn field_named(text: &str) -> Option<Field> {
    let f = fold(text.trim());
    Field::from_key(&f.replace([' ', '-'], "_"))
        .or_else(|| Field::ALL.iter().copied().find(|field| fold(&field.label()) == f))
}

/// The sheet's rows as overrides; rows it cannot read as problems, in French.
pub fn read_columns_sheet(sheet: &Sheet) -> (ColumnOverrides, Vec<String>) {
    let mut out = ColumnOverrides::new();
    let mut problems = Vec::new();
    for (&r, cells) in &sheet.rows {
        let mut texts = cells.iter().map(|(_, v)| v.text()).filter(|t| !t.trim().is_empty());
        let (Some(name), Some(target)) = (texts.next(), texts.next()) else {
            continue;
        };
        if matches!(fold(&name).as_str(), "champ" | "donnee" | "information") {
            continue; // the sheet's own header
        }
        match field_named(&name) {
            Some(f) => {
                out.insert(f.key(), target.trim().to_string());
            }
            None => problems.push(format!(
                "Feuille « {} », ligne {} : champ « {name} » inconnu (par exemple intitule, pilote, personne_pilote, statut).",
                sheet.name,
                r + 1
            )),
        }
    }
    (out, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_by_key_or_label() {
        assert_eq!(field_named("intitule"), Some(Field::Title));
        assert_eq!(field_named("Personne pilote"), Some(Field::PilotPerson));
        assert_eq!(field_named("Intitulé de l'action"), Some(Field::Title));
        assert!(is_columns_sheet_name("Colonnes") && !is_columns_sheet_name("Plan"));
    }
}
