//! A correction of how a plan is read: columns given to fields (or to hierarchy levels,
//! kept as they are, ignored), the sheet and the header row; merged from the command
//! line, plandoc.toml and the « Colonnes » sheet, and written back as plandoc.toml.

use std::collections::BTreeMap;

use crate::model::Field;
use crate::text::fold;

/// Field key (or `niveau_N`, `garder`, `ignorer`) → column letter or header text; for
/// `garder` and `ignorer`, several targets separated by ";".
pub type ColumnOverrides = BTreeMap<String, String>;

/// Key of a column kept as it is (an extra column shown on the fiche).
pub const KEEP: &str = "garder";
/// Key of columns not read at all.
pub const IGNORE: &str = "ignorer";
/// Deepest hierarchy level a column can be given.
pub const MAX_LEVEL: u32 = 9;

/// How to read a plan, as corrected by a person.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Correction {
    pub columns: ColumnOverrides,
    /// The sheet holding the plan.
    pub sheet: Option<String>,
    /// The header row, 1-based as the spreadsheet shows it.
    pub header_row: Option<u32>,
}

/// What a correction key asks of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Field(Field),
    /// Hierarchy level, 1 = the top (axis).
    Level(u32),
    Keep,
    Ignore,
}

impl Target {
    /// The target named by a key or label: `intitule`, « intitulé de l'action »,
    /// `niveau_2`, « niveau 2 », `garder`, « garder tel quel », `ignorer`.
    pub fn named(text: &str) -> Option<Target> {
        let f = fold(text.trim()).replace(['-', '\''], " ");
        let words: Vec<&str> = f.split([' ', '_']).filter(|w| !w.is_empty()).collect();
        match words.as_slice() {
            ["garder", ..] => return Some(Target::Keep),
            ["ignorer"] => return Some(Target::Ignore),
            ["niveau", n] => return n.parse().ok().filter(|n| (1..=MAX_LEVEL).contains(n)).map(Target::Level),
            _ => {}
        }
        Field::from_key(&words.join("_"))
            .or_else(|| Field::ALL.iter().copied().find(|field| fold(&field.label()) == fold(text.trim())))
            .map(Target::Field)
    }

    /// The key written in plandoc.toml.
    pub fn key(self) -> String {
        match self {
            Target::Field(f) => f.key(),
            Target::Level(n) => format!("niveau_{n}"),
            Target::Keep => KEEP.to_string(),
            Target::Ignore => IGNORE.to_string(),
        }
    }

    /// Several columns may share it.
    pub fn is_list(self) -> bool {
        matches!(self, Target::Keep | Target::Ignore)
    }
}

/// The columns a value names: one, or several separated by ";" for lists.
pub fn targets_of(key: &str, value: &str) -> Vec<String> {
    if Target::named(key).is_some_and(Target::is_list) {
        value.split(';').map(str::trim).filter(|t| !t.is_empty()).map(str::to_string).collect()
    } else {
        vec![value.trim().to_string()]
    }
}

/// The 0-based index of a column's letters ("C" → 2), at most three letters.
pub fn column_index(letters: &str) -> Option<u32> {
    let ok = (1..=3).contains(&letters.len()) && letters.bytes().all(|b| b.is_ascii_uppercase());
    ok.then(|| super::header_fix::letters_to_col(letters)).flatten()
}

/// Adds `key → target` to `columns`, normalising the key; lists grow.
pub fn insert(columns: &mut ColumnOverrides, target: Target, column: &str) {
    let key = target.key();
    let column = column.trim();
    match columns.get_mut(&key) {
        Some(v) if target.is_list() => {
            if !v.split(';').any(|t| t.trim().eq_ignore_ascii_case(column)) {
                v.push_str("; ");
                v.push_str(column);
            }
        }
        _ => {
            columns.insert(key, column.to_string());
        }
    }
}

impl Correction {
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty() && self.sheet.is_none() && self.header_row.is_none()
    }

    /// `self` over `base`: each field or column named here replaces what `base` said of it.
    pub fn over(&self, base: &Correction) -> Correction {
        let mut columns = base.columns.clone();
        let mine: Vec<String> =
            self.columns.iter().flat_map(|(k, v)| targets_of(k, v)).map(|t| t.to_lowercase()).collect();
        columns = columns
            .into_iter()
            .filter(|(k, _)| !self.columns.contains_key(k) || Target::named(k).is_some_and(Target::is_list))
            .filter_map(|(k, v)| {
                let kept: Vec<String> =
                    targets_of(&k, &v).into_iter().filter(|t| !mine.contains(&t.to_lowercase())).collect();
                (!kept.is_empty()).then(|| (k, kept.join("; ")))
            })
            .collect();
        for (k, v) in &self.columns {
            let target = Target::named(k);
            for t in targets_of(k, v) {
                match target {
                    Some(target) => insert(&mut columns, target, &t),
                    None => {
                        columns.insert(k.clone(), t);
                    }
                }
            }
        }
        Correction {
            columns,
            sheet: self.sheet.clone().or_else(|| base.sheet.clone()),
            header_row: self.header_row.or(base.header_row),
        }
    }

    /// The command line's `--colonne CHAMP=LETTRE`, `--feuille`, `--ligne-entete`; the
    /// first misunderstood flag as a French message.
    pub fn from_flags(flags: &[String], sheet: Option<&str>, header_row: Option<u32>) -> Result<Correction, String> {
        let mut columns = ColumnOverrides::new();
        for c in flags {
            let Some((name, column)) = c.split_once('=').filter(|(n, v)| !n.trim().is_empty() && !v.trim().is_empty())
            else {
                return Err(format!(
                    "--colonne « {c} » : attendu CHAMP=COLONNE, par exemple --colonne intitule=C ou --colonne \
                     \"pilote=Personne pilote\""
                ));
            };
            let Some(target) = Target::named(name) else {
                return Err(format!(
                    "--colonne « {c} » : champ « {} » inconnu (par exemple intitule, numero, pilote, statut, \
                     niveau_1, niveau_2, garder, ignorer)",
                    name.trim()
                ));
            };
            for t in targets_of(&target.key(), column) {
                insert(&mut columns, target, &t);
            }
        }
        if header_row == Some(0) {
            return Err("--ligne-entete : les lignes sont numérotées à partir de 1".to_string());
        }
        let sheet = sheet.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        Ok(Correction { columns, sheet, header_row })
    }

    /// The correction as a plandoc.toml (`[lecture]` and `[colonnes]`).
    pub fn to_toml(&self) -> String {
        let mut out = String::from(
            "# Correction de la lecture du plan, produite par plandoc.\n\
             # Placez ce fichier à côté du classeur, ou donnez-le avec --config.\n",
        );
        if self.sheet.is_some() || self.header_row.is_some() {
            out.push_str("\n[lecture]\n");
            if let Some(s) = &self.sheet {
                out.push_str(&format!("feuille = {}\n", toml_string(s)));
            }
            if let Some(r) = self.header_row {
                out.push_str(&format!("ligne_entete = {r}\n"));
            }
        }
        if !self.columns.is_empty() {
            out.push_str("\n[colonnes]\n");
            for (k, v) in &self.columns {
                out.push_str(&format!("{k} = {}\n", toml_string(v)));
            }
        }
        out
    }

    /// Rows of a « Colonnes » sheet saying the same: (champ, colonne).
    pub fn sheet_rows(&self) -> Vec<(String, String)> {
        let mut rows = Vec::new();
        if let Some(s) = &self.sheet {
            rows.push(("feuille".to_string(), s.clone()));
        }
        if let Some(r) = self.header_row {
            rows.push(("ligne_entete".to_string(), r.to_string()));
        }
        for (k, v) in &self.columns {
            rows.extend(targets_of(k, v).into_iter().map(|t| (k.clone(), t)));
        }
        rows
    }
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_by_key_or_label() {
        assert_eq!(Target::named("intitule"), Some(Target::Field(Field::Title)));
        assert_eq!(Target::named("Intitulé de l'action"), Some(Target::Field(Field::Title)));
        assert_eq!(Target::named("personne pilote"), Some(Target::Field(Field::PilotPerson)));
        assert_eq!(Target::named("niveau 2"), Some(Target::Level(2)));
        assert_eq!(Target::named("niveau_1"), Some(Target::Level(1)));
        assert_eq!(Target::named("garder tel quel"), Some(Target::Keep));
        assert_eq!(Target::named("Ignorer"), Some(Target::Ignore));
        assert_eq!(Target::named("niveau 0"), None);
        assert_eq!(Target::named("pilotte"), None);
    }

    #[test]
    fn flags_then_toml_round_trip() {
        let flags = ["intitule=C".to_string(), "ignorer=F".to_string(), "ignorer=G".to_string()];
        let c = Correction::from_flags(&flags, Some("Plan"), Some(3)).unwrap();
        assert_eq!(c.columns.get("action").map(String::as_str), Some("C"));
        assert_eq!(c.columns.get("ignorer").map(String::as_str), Some("F; G"));
        let text = c.to_toml();
        let (config, problems) = super::super::parse_config("p", &text);
        assert!(problems.is_empty(), "{problems:?}\n{text}");
        assert_eq!(config.correction(), c);
        assert!(Correction::from_flags(&["intitule".into()], None, None).unwrap_err().contains("CHAMP=COLONNE"));
        assert!(Correction::from_flags(&[], None, Some(0)).is_err());
    }

    #[test]
    fn the_upper_correction_wins_per_field_and_column() {
        let base = Correction::from_flags(&["intitule=B".into(), "pilote=C".into(), "garder=D; E".into()], None, None)
            .unwrap();
        let top = Correction::from_flags(&["intitule=C".into(), "ignorer=E".into()], None, Some(2)).unwrap();
        let c = top.over(&base);
        assert_eq!(c.columns.get("action").map(String::as_str), Some("C"));
        assert_eq!(c.columns.get("pilote"), None, "column C now feeds the title");
        assert_eq!(c.columns.get("garder").map(String::as_str), Some("D"));
        assert_eq!(c.columns.get("ignorer").map(String::as_str), Some("E"));
        assert_eq!(c.header_row, Some(2));
    }
}
