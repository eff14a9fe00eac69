//! Document data that is not code: column labels, metadata keys (templates/*.toml),
//! embedded at build time.

use serde::Deserialize;

const COLUMNS: &str = include_str!("../templates/colonnes.toml");
const CONVENTION: &str = include_str!("../templates/convention.toml");

#[derive(Debug, Clone, Deserialize)]
pub struct ColumnSpec {
    pub champ: String,
    pub titre: String,
    pub largeur: f64,
    pub commentaire: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct KeySpec {
    pub cle: String,
    pub aide: String,
}

#[derive(Deserialize)]
struct Columns {
    colonne: Vec<ColumnSpec>,
}

#[derive(Deserialize)]
struct Keys {
    cle: Vec<KeySpec>,
}

/// Canonical columns of the input workbook, in order.
pub fn input_columns() -> Vec<ColumnSpec> {
    // Embedded data is checked by the tests below; an error here is a build defect.
    toml::from_str::<Columns>(COLUMNS)
        .map(|c| c.colonne)
        .unwrap_or_default()
}

/// Keys of the Convention sheet, in order.
pub fn convention_keys() -> Vec<KeySpec> {
    toml::from_str::<Keys>(CONVENTION)
        .map(|k| k.cle)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{classify, Field};

    #[test]
    fn embedded_templates_parse() {
        assert_eq!(input_columns().len(), 18);
        assert_eq!(convention_keys().len(), 13);
    }

    #[test]
    fn every_canonical_header_reads_back_as_its_field() {
        for c in input_columns() {
            let f = classify(&c.titre);
            let expected = match c.champ.as_str() {
                "axe" | "objectif_strategique" | "objectif_operationnel" => Field::Hierarchy,
                other => {
                    let known = [
                        Field::Number,
                        Field::Title,
                        Field::Aim,
                        Field::Description,
                        Field::Priority,
                        Field::Pilot,
                        Field::Partners,
                        Field::Public,
                        Field::Territory,
                        Field::Budget,
                        Field::Funders,
                        Field::Indicators,
                        Field::Status,
                        Field::Progress,
                        Field::Comment,
                    ];
                    *known
                        .iter()
                        .find(|k| k.key() == other)
                        .unwrap_or_else(|| panic!("champ {other}"))
                }
            };
            assert_eq!(f, Some(expected), "{}", c.titre);
        }
    }
}
