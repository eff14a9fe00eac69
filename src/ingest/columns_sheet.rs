//! A "Colonnes" sheet in the workbook: the `[colonnes]` table of plandoc.toml kept with the
//! plan, one row per field (field key or label | column letter or header text).

#[cfg(test)]
use crate::model::Field;
use crate::text::fold_words;

use super::correction::{insert, targets_of, Correction, Target};
use super::grid::Sheet;

/// "Colonnes", "Correspondance des colonnes".
pub fn is_columns_sheet_name(name: &str) -> bool {
    let f = fold_words(name);
    f == "colonnes" || f == "correspondance des colonnes" || f == "correspondance colonnes"
}

/// The field a cell names: its key (`intitule`, `personne_pilote`) or its French label.
#[cfg(test)]
fn field_named(text: &str) -> Option<Field> {
    match Target::named(text) {
        Some(Target::Field(f)) => Some(f),
        _ => None,
    }
}

/// The sheet's rows as a correction; rows it cannot read as problems, in French.
pub fn read_columns_sheet(sheet: &Sheet) -> (Correction, Vec<String>) {
    let mut out = Correction::default();
    let mut problems = Vec::new();
    for (&r, cells) in &sheet.rows {
        let mut texts = cells.iter().map(|(_, v)| v.text()).filter(|t| !t.trim().is_empty());
        let (Some(name), Some(target)) = (texts.next(), texts.next()) else {
            continue;
        };
        let folded = fold_words(&name);
        if matches!(folded.as_str(), "champ" | "donnee" | "information") {
            continue; // the sheet's own header
        }
        let target = target.trim().to_string();
        if folded == "feuille" {
            out.sheet = Some(target);
            continue;
        }
        if matches!(folded.as_str(), "ligne entete" | "ligne d entete" | "ligne de l entete") {
            match target.parse::<u32>().ok().filter(|n| *n >= 1) {
                Some(n) => out.header_row = Some(n),
                None => problems.push(format!(
                    "Feuille « {} », ligne {} : ligne d'en-tête « {target} » illisible (attendu un numéro, par exemple 3).",
                    sheet.name,
                    r + 1
                )),
            }
            continue;
        }
        match Target::named(&name) {
            Some(t) => targets_of(&t.key(), &target).iter().for_each(|c| insert(&mut out.columns, t, c)),
            None => problems.push(format!(
                "Feuille « {} », ligne {} : champ « {name} » inconnu (par exemple intitule, pilote, personne_pilote, \
                 statut, niveau_1, garder, ignorer).",
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
