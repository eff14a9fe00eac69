//! What an input column means: the typed vocabulary of plan fields.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A known input column. Serialized as its French key (`key`), the one used in data
/// files, `plandoc check --json` and `[colonnes]` overrides ("annee_2024" for a year).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// A level of the hierarchy above actions: axe, sous-axe, ambition, enjeu, objectif…
    Hierarchy,
    Number,
    Title,
    /// Title of a sub-action: the row belongs to the action named in the title column.
    SubAction,
    Aim,
    Description,
    Priority,
    Pilot,
    PilotPerson,
    PilotService,
    PilotStructure,
    Elected,
    Partners,
    Public,
    Territory,
    /// The total budget of the action.
    Budget,
    BudgetOperating,
    BudgetInvestment,
    /// Funders as free text.
    Funders,
    /// One funder of a funding line ("Financeur 1"); its amount is the next amount column.
    Funder,
    /// The amount of a funding line ("Montant € HT").
    Amount,
    Indicators,
    Status,
    Progress,
    Comment,
    /// A free-text schedule ("2023-2025", "2024 : étude").
    Schedule,
    StartDate,
    EndDate,
    Year(i32),
}

impl Field {
    /// Every field but years, in display order.
    pub const ALL: [Field; 28] = [
        Field::Hierarchy,
        Field::Number,
        Field::Title,
        Field::SubAction,
        Field::Aim,
        Field::Description,
        Field::Priority,
        Field::Pilot,
        Field::PilotPerson,
        Field::PilotService,
        Field::PilotStructure,
        Field::Elected,
        Field::Partners,
        Field::Public,
        Field::Territory,
        Field::Budget,
        Field::BudgetOperating,
        Field::BudgetInvestment,
        Field::Funders,
        Field::Funder,
        Field::Amount,
        Field::Indicators,
        Field::Status,
        Field::Progress,
        Field::Comment,
        Field::Schedule,
        Field::StartDate,
        Field::EndDate,
    ];

    /// Stable French key ("action", "personne_pilote", "annee_2024").
    pub fn key(self) -> String {
        let base = match self {
            Field::Hierarchy => "hierarchie",
            Field::Number => "numero",
            Field::Title => "action",
            Field::SubAction => "sous_action",
            Field::Aim => "objectif_action",
            Field::Description => "description",
            Field::Priority => "priorite",
            Field::Pilot => "pilote",
            Field::PilotPerson => "personne_pilote",
            Field::PilotService => "service_pilote",
            Field::PilotStructure => "structure_pilote",
            Field::Elected => "elu_referent",
            Field::Partners => "partenaires",
            Field::Public => "public",
            Field::Territory => "territoire",
            Field::Budget => "budget",
            Field::BudgetOperating => "budget_fonctionnement",
            Field::BudgetInvestment => "budget_investissement",
            Field::Funders => "financeurs",
            Field::Funder => "financeur",
            Field::Amount => "montant",
            Field::Indicators => "indicateurs",
            Field::Status => "statut",
            Field::Progress => "avancement",
            Field::Comment => "commentaire",
            Field::Schedule => "calendrier",
            Field::StartDate => "date_debut",
            Field::EndDate => "date_fin",
            Field::Year(y) => return format!("annee_{y}"),
        };
        base.to_string()
    }

    /// What the field is, in French, for people.
    pub fn label(self) -> String {
        let l = match self {
            Field::Hierarchy => "niveau de la hiérarchie (axe, objectif…)",
            Field::Number => "numéro de l'action",
            Field::Title => "intitulé de l'action",
            Field::SubAction => "intitulé de la sous-action",
            Field::Aim => "objectif de l'action",
            Field::Description => "description",
            Field::Priority => "priorité",
            Field::Pilot => "pilote",
            Field::PilotPerson => "personne pilote",
            Field::PilotService => "direction ou service pilote",
            Field::PilotStructure => "structure pilote",
            Field::Elected => "élu·e référent·e",
            Field::Partners => "partenaires",
            Field::Public => "public cible",
            Field::Territory => "territoire",
            Field::Budget => "budget total",
            Field::BudgetOperating => "budget de fonctionnement",
            Field::BudgetInvestment => "budget d'investissement",
            Field::Funders => "financeurs (texte)",
            Field::Funder => "financeur d'une ligne de financement",
            Field::Amount => "montant d'une ligne de financement",
            Field::Indicators => "indicateurs",
            Field::Status => "statut",
            Field::Progress => "avancement",
            Field::Comment => "commentaire",
            Field::Schedule => "calendrier",
            Field::StartDate => "date de début",
            Field::EndDate => "date de fin",
            Field::Year(y) => return format!("année {y}"),
        };
        l.to_string()
    }

    /// The field of a key, as written in data files and overrides ("annee_2024" too).
    pub fn from_key(key: &str) -> Option<Field> {
        let k = key.trim().to_lowercase();
        if let Some(y) = k.strip_prefix("annee_").and_then(|y| y.parse().ok()) {
            return Some(Field::Year(y));
        }
        let k = match k.as_str() {
            "intitule" | "titre" => "action",
            "axe" | "objectif_strategique" | "objectif_operationnel" => "hierarchie",
            other => other,
        };
        Field::ALL.iter().copied().find(|f| f.key() == k)
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
        for f in Field::ALL {
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
