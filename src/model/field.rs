//! What an input column means: the typed vocabulary of plan fields.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The plan fields, declared once: variant, French key (data files, `check --json`,
/// `[colonnes]`), and what the field is for people. Years (`Year(i32)`) are the one
/// field that is not in the list.
macro_rules! fields {
    ($($(#[$doc:meta])* $variant:ident => $key:literal, $label:literal;)*) => {
        /// A known input column. Serialized as its French key (`key`), the one used in data
        /// files, `plandoc check --json` and `[colonnes]` overrides ("annee_2024" for a year).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Field {
            $($(#[$doc])* $variant,)*
            Year(i32),
        }

        impl Field {
            /// Every field but years, in display order.
            pub const ALL: &'static [Field] = &[$(Field::$variant),*];

            /// The field other than a year of an exact French key: a `match` the compiler
            /// sorts by length, not a scan of `ALL` (documents ask for every cell).
            fn of_fixed_key(key: &str) -> Option<Field> {
                match key {
                    $($key => Some(Field::$variant),)*
                    _ => None,
                }
            }

            /// Stable French key ("action", "personne_pilote", "annee_2024").
            pub fn key(self) -> String {
                match self {
                    $(Field::$variant => $key.to_string(),)*
                    Field::Year(y) => format!("annee_{y}"),
                }
            }

            /// What the field is, in French, for people.
            pub fn label(self) -> String {
                match self {
                    $(Field::$variant => $label.to_string(),)*
                    Field::Year(y) => format!("année {y}"),
                }
            }
        }
    };
}

fields! {
    /// A level of the hierarchy above actions: axe, sous-axe, ambition, enjeu, objectif…
    Hierarchy => "hierarchie", "niveau de la hiérarchie (axe, objectif…)";
    Number => "numero", "numéro de l'action";
    Title => "action", "intitulé de l'action";
    /// Title of a sub-action: the row belongs to the action named in the title column.
    SubAction => "sous_action", "intitulé de la sous-action";
    Aim => "objectif_action", "objectif de l'action";
    Description => "description", "description";
    Priority => "priorite", "priorité";
    Pilot => "pilote", "pilote";
    PilotPerson => "personne_pilote", "personne pilote";
    PilotService => "service_pilote", "direction ou service pilote";
    PilotStructure => "structure_pilote", "structure pilote";
    Elected => "elu_referent", "élu·e référent·e";
    Partners => "partenaires", "partenaires";
    Public => "public", "public cible";
    Territory => "territoire", "territoire";
    /// The total budget of the action.
    Budget => "budget", "budget total";
    BudgetOperating => "budget_fonctionnement", "budget de fonctionnement";
    BudgetInvestment => "budget_investissement", "budget d'investissement";
    /// Funders as free text.
    Funders => "financeurs", "financeurs (texte)";
    /// One funder of a funding line ("Financeur 1"); its amount is the next amount column.
    Funder => "financeur", "financeur d'une ligne de financement";
    /// The amount of a funding line ("Montant € HT").
    Amount => "montant", "montant d'une ligne de financement";
    Indicators => "indicateurs", "indicateurs";
    Status => "statut", "statut";
    Progress => "avancement", "avancement";
    Comment => "commentaire", "commentaire";
    /// A free-text schedule ("2023-2025", "2024 : étude").
    Schedule => "calendrier", "calendrier";
    StartDate => "date_debut", "date de début";
    EndDate => "date_fin", "date de fin";
}

impl Field {
    /// The field of a key, as written in data files and overrides ("annee_2024" too).
    pub fn from_key(key: &str) -> Option<Field> {
        // Lower-cased only when needed: documents look fields up by key for every cell.
        let k = key.trim();
        let k: std::borrow::Cow<'_, str> =
            if k.chars().any(char::is_uppercase) { k.to_lowercase().into() } else { k.into() };
        if let Some(y) = k.strip_prefix("annee_").and_then(|y| y.parse().ok()) {
            return Some(Field::Year(y));
        }
        let k = match &*k {
            "intitule" | "titre" => "action",
            "axe" | "objectif_strategique" | "objectif_operationnel" => "hierarchie",
            other => other,
        };
        Field::of_fixed_key(k)
    }

    /// Fields that several columns may feed (levels, years, funding lines).
    pub fn repeats(self) -> bool {
        matches!(self, Field::Hierarchy | Field::Year(_) | Field::Funder | Field::Amount)
    }
}

impl Serialize for Field {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.key())
    }
}

impl<'de> Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Field, D::Error> {
        let key = String::deserialize(d)?;
        Field::from_key(&key).ok_or_else(|| serde::de::Error::custom(format!("champ inconnu : « {key} »")))
    }
}

/// A column's field, or "extra" for a column kept as it is: serde for `ColumnInfo.field`.
pub mod field_or_extra {
    use super::Field;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(f: &Option<Field>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&f.map_or_else(|| "extra".to_string(), Field::key))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Field>, D::Error> {
        let key = String::deserialize(d)?;
        Ok(Field::from_key(&key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip() {
        for &f in Field::ALL {
            assert_eq!(Field::from_key(&f.key()), Some(f));
        }
        assert_eq!(Field::from_key("annee_2024"), Some(Field::Year(2024)));
        assert_eq!(Field::from_key("intitule"), Some(Field::Title));
        assert_eq!(Field::from_key("couleur"), None);
    }

    #[test]
    fn serialized_as_its_key() {
        assert_eq!(serde_json::to_string(&Field::Year(2024)).unwrap(), "\"annee_2024\"");
        assert_eq!(serde_json::from_str::<Field>("\"personne_pilote\"").unwrap(), Field::PilotPerson);
    }
}
