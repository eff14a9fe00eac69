//! Closed vocabularies: priority and status, tolerant on input, canonical on output.

use serde::{Deserialize, Serialize};

use crate::text::fold;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Priority {
    #[serde(rename = "haute")]
    High,
    #[serde(rename = "moyenne")]
    Medium,
    #[serde(rename = "basse")]
    Low,
}

impl Priority {
    pub const ALL: [Priority; 3] = [Priority::High, Priority::Medium, Priority::Low];

    /// Accepts 1/2/3, P1…P3, Haute/Moyenne/Basse, Élevée/Moyenne/Faible and close variants.
    pub fn parse(raw: &str) -> Option<Priority> {
        let f = fold(raw);
        let f = f.trim().trim_end_matches('.');
        let f = f.strip_prefix("priorite").map(str::trim).unwrap_or(f);
        let f = f.strip_prefix("niveau").map(str::trim).unwrap_or(f);
        match f {
            "1" | "p1" | "haute" | "haut" | "elevee" | "eleve" | "forte" | "fort" | "prioritaire" | "tres haute"
            | "1.0" | "***" => Some(Priority::High),
            "2" | "p2" | "moyenne" | "moyen" | "normale" | "2.0" | "**" => Some(Priority::Medium),
            "3" | "p3" | "basse" | "bas" | "faible" | "3.0" | "*" => Some(Priority::Low),
            _ => None,
        }
    }

    /// Canonical key used in data files and JSON.
    pub fn key(self) -> &'static str {
        match self {
            Priority::High => "haute",
            Priority::Medium => "moyenne",
            Priority::Low => "basse",
        }
    }

    /// The level as a number (1 = highest).
    pub fn rank(self) -> u8 {
        self as u8 + 1
    }

    pub fn label(self) -> &'static str {
        match self {
            Priority::High => "Haute",
            Priority::Medium => "Moyenne",
            Priority::Low => "Basse",
        }
    }

    pub fn accepted() -> &'static str {
        "1, 2, 3 ; P1, P2, P3 ; Haute, Moyenne, Basse ; Élevée, Moyenne, Faible"
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Status {
    #[serde(rename = "a_venir")]
    NotStarted,
    #[serde(rename = "en_cours")]
    InProgress,
    #[serde(rename = "realisee")]
    Done,
    #[serde(rename = "reportee")]
    Postponed,
    #[serde(rename = "en_retard")]
    Late,
    #[serde(rename = "bloquee")]
    Blocked,
    #[serde(rename = "abandonnee")]
    Abandoned,
    #[serde(rename = "en_pause")]
    Paused,
    #[serde(rename = "a_discuter")]
    ToDiscuss,
}

impl Status {
    pub const ALL: [Status; 9] = [
        Status::NotStarted,
        Status::InProgress,
        Status::Done,
        Status::Postponed,
        Status::Late,
        Status::Blocked,
        Status::Abandoned,
        Status::Paused,
        Status::ToDiscuss,
    ];

    /// Tolerates accents, case, gender and plural ("Réalisé", "REALISEES", "non engagée").
    pub fn parse(raw: &str) -> Option<Status> {
        let f = fold(raw);
        let mut f = f.trim().trim_end_matches('.').to_string();
        // Plural, then feminine "ée" (folded to "ee"): réalisées → realise.
        if f.len() > 4 && f.ends_with('s') {
            f.pop();
        }
        if f.ends_with("ee") {
            f.pop();
        }
        let f = f.as_str();
        let s = match f {
            "a venir" | "non engage" | "non demarre" | "pas demarre" | "pas commence" | "non commence" | "prevu"
            | "prevue" | "a lancer" | "a faire" | "a demarrer" => Status::NotStarted,
            "en cour" | "commence" | "demarre" | "engage" => Status::InProgress,
            "realise" | "termine" | "fait" | "acheve" | "fini" | "finie" | "clo" | "clos" | "cloture" => Status::Done,
            "reporte" | "differe" | "decale" => Status::Postponed,
            "en retard" | "retard" | "retarde" => Status::Late,
            "bloque" | "suspendu" | "suspendue" => Status::Blocked,
            "abandonne" | "abandon" | "annule" | "supprime" => Status::Abandoned,
            "en pause" | "pause" | "mis en pause" | "mise en pause" => Status::Paused,
            "a discuter" | "en discussion" | "a debattre" | "a arbitrer" => Status::ToDiscuss,
            _ => return None,
        };
        Some(s)
    }

    pub fn key(self) -> &'static str {
        match self {
            Status::NotStarted => "a_venir",
            Status::InProgress => "en_cours",
            Status::Done => "realisee",
            Status::Postponed => "reportee",
            Status::Late => "en_retard",
            Status::Blocked => "bloquee",
            Status::Abandoned => "abandonnee",
            Status::Paused => "en_pause",
            Status::ToDiscuss => "a_discuter",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::NotStarted => "À venir",
            Status::InProgress => "En cours",
            Status::Done => "Réalisée",
            Status::Postponed => "Reportée",
            Status::Late => "En retard",
            Status::Blocked => "Bloquée",
            Status::Abandoned => "Abandonnée",
            Status::Paused => "En pause",
            Status::ToDiscuss => "À discuter",
        }
    }

    pub fn accepted() -> &'static str {
        "À venir (Non engagée, Non démarrée), En cours, Réalisée, Reportée, En retard, Bloquée, Abandonnée, En pause, À discuter"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priorities_in_every_accepted_spelling() {
        for (raw, p) in [
            ("1", Priority::High),
            ("P2", Priority::Medium),
            ("Élevée", Priority::High),
            ("faible", Priority::Low),
            ("BASSE", Priority::Low),
            ("Priorité 1", Priority::High),
            ("Élevé", Priority::High),
            ("Moyen", Priority::Medium),
            ("Bas", Priority::Low),
        ] {
            assert_eq!(Priority::parse(raw), Some(p), "{raw}");
        }
        assert_eq!(Priority::parse("urgent"), None);
    }

    #[test]
    fn statuses_tolerate_gender_plural_and_accents() {
        for (raw, s) in [
            ("Réalisé", Status::Done),
            ("REALISEES", Status::Done),
            ("Non engagée", Status::NotStarted),
            ("non démarré", Status::NotStarted),
            ("en cours", Status::InProgress),
            ("Reportées", Status::Postponed),
            ("En retard", Status::Late),
            ("bloqué", Status::Blocked),
            ("Abandonnée", Status::Abandoned),
            ("À venir", Status::NotStarted),
            ("En pause", Status::Paused),
            ("A discuter", Status::ToDiscuss),
            ("Réalisé", Status::Done),
        ] {
            assert_eq!(Status::parse(raw), Some(s), "{raw}");
        }
        assert_eq!(Status::parse("peut-être"), None);
    }
}
