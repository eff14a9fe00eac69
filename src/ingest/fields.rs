//! What an input column means, recognised from its header by French synonyms.

use crate::text::fold_words;

/// A known input column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// A level of the hierarchy above actions: axe, ambition, enjeu, orientation, objectif…
    Hierarchy,
    Number,
    Title,
    Aim,
    Description,
    Priority,
    Pilot,
    Partners,
    Public,
    Territory,
    Budget,
    Funders,
    Indicators,
    Status,
    Progress,
    Comment,
    /// A free-text schedule ("2023-2025", "2024 et 2025").
    Schedule,
    Year(i32),
}

impl Field {
    /// Stable key used in `ColumnInfo::field`.
    pub fn key(self) -> String {
        match self {
            Field::Hierarchy => "hierarchie".into(),
            Field::Number => "numero".into(),
            Field::Title => "action".into(),
            Field::Aim => "objectif_action".into(),
            Field::Description => "description".into(),
            Field::Priority => "priorite".into(),
            Field::Pilot => "pilote".into(),
            Field::Partners => "partenaires".into(),
            Field::Public => "public".into(),
            Field::Territory => "territoire".into(),
            Field::Budget => "budget".into(),
            Field::Funders => "financeurs".into(),
            Field::Indicators => "indicateurs".into(),
            Field::Status => "statut".into(),
            Field::Progress => "avancement".into(),
            Field::Comment => "commentaire".into(),
            Field::Schedule => "calendrier".into(),
            Field::Year(y) => format!("annee_{y}"),
        }
    }
}

/// A 4-digit year in a plausible range for plans.
pub fn as_year(s: &str) -> Option<i32> {
    let s = s.trim();
    if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
        let y: i32 = s.parse().ok()?;
        (1990..=2100).contains(&y).then_some(y)
    } else {
        None
    }
}

/// Recognises a header cell; `None` for an unknown header (kept as an extra column).
pub fn classify(header: &str) -> Option<Field> {
    let f = fold_words(header);
    let words: Vec<&str> =
        f.split(' ').filter(|w| !matches!(*w, "le" | "la" | "les" | "l" | "d" | "de" | "du" | "des")).collect();
    let first = *words.first()?;
    let has = |p: &str| words.iter().any(|w| w.starts_with(p));

    // "2024", "Année 2024", "En 2024".
    if let Some(y) = words.last().and_then(|w| as_year(w)) {
        if words.len() == 1 || (words.len() == 2 && matches!(first, "annee" | "en" | "an")) {
            return Some(Field::Year(y));
        }
    }
    // The head word decides first: "Pilote de l'action" is a pilot, not an action.
    let by_head = match first {
        "no" | "n" | "num" | "numero" | "ref" | "reference" | "code" | "id" | "nr" => Some(Field::Number),
        "action" | "actions" | "intitule" | "intitules" | "libelle" | "fiche" | "fiches" => Some(Field::Title),
        "objectif" | "objectifs" | "sous" if has("action") => Some(Field::Aim),
        "objectif" | "objectifs" | "axe" | "axes" | "ambition" | "ambitions" | "enjeu" | "enjeux" | "orientation"
        | "orientations" | "thematique" | "thematiques" | "theme" | "themes" | "domaine" | "champ" | "sous"
            if !has("action") || first.starts_with("obj") =>
        {
            Some(Field::Hierarchy)
        }
        "finalite" | "finalites" | "but" | "buts" | "resultats" | "resultat" => Some(Field::Aim),
        "description" | "descriptif" | "contenu" | "modalites" | "detail" | "details" | "mise" => {
            Some(Field::Description)
        }
        "priorite" | "priorites" | "priorisation" | "niveau" => Some(Field::Priority),
        "pilote" | "pilotes" | "porteur" | "porteurs" | "referent" | "referents" | "responsable" | "responsables"
        | "pilotage" => Some(Field::Pilot),
        "partenaire" | "partenaires" | "partenariat" | "partenariats" => Some(Field::Partners),
        "public" | "publics" | "cible" | "cibles" | "beneficiaire" | "beneficiaires" => Some(Field::Public),
        "territoire" | "territoires" | "commune" | "communes" | "lieu" | "lieux" | "perimetre" | "localisation" => {
            Some(Field::Territory)
        }
        "budget" | "budgets" | "cout" | "couts" | "montant" | "montants" => Some(Field::Budget),
        "financeur" | "financeurs" | "financement" | "financements" | "cofinanceurs" | "cofinancements" => {
            Some(Field::Funders)
        }
        "indicateur" | "indicateurs" | "criteres" | "evaluation" => Some(Field::Indicators),
        "statut" | "etat" => Some(Field::Status),
        "avancement" | "taux" | "progression" | "%" | "pourcentage" | "realisation" => Some(Field::Progress),
        "commentaire" | "commentaires" | "observation" | "observations" | "remarque" | "remarques" | "suivi" => {
            Some(Field::Comment)
        }
        "calendrier" | "echeance" | "echeances" | "echeancier" | "periode" | "duree" | "annees" | "annee" => {
            Some(Field::Schedule)
        }
        _ => None,
    };
    if by_head.is_some() {
        return by_head;
    }
    // Otherwise a telling word anywhere: "Intitulé de l'action", "Coût estimé".
    if has("action") || has("intitule") {
        Some(Field::Title)
    } else if has("pilot") || has("porteur") {
        Some(Field::Pilot)
    } else if has("partenaire") {
        Some(Field::Partners)
    } else if has("indicateur") {
        Some(Field::Indicators)
    } else if has("budget") {
        Some(Field::Budget)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_the_seeds_headers() {
        assert_eq!(classify("Ambitions / impacts recherchés"), Some(Field::Hierarchy));
        assert_eq!(classify("Orientations (enjeux)"), Some(Field::Hierarchy));
        assert_eq!(classify("ACTIONS - Objectifs opérationnels – Intentions"), Some(Field::Title));
        assert_eq!(classify("OBJECTIFS STRATEGIQUES"), Some(Field::Hierarchy));
        assert_eq!(classify("ACTIONS PRIORISEES"), Some(Field::Title));
        assert_eq!(classify("2022"), Some(Field::Year(2022)));
        assert_eq!(classify("Année 2025"), Some(Field::Year(2025)));
    }

    #[test]
    fn head_word_wins_over_action() {
        assert_eq!(classify("Pilote de l'action"), Some(Field::Pilot));
        assert_eq!(classify("Objectif de l'action"), Some(Field::Aim));
        assert_eq!(classify("N° action"), Some(Field::Number));
        assert_eq!(classify("Réf."), Some(Field::Number));
        assert_eq!(classify("État d'avancement"), Some(Field::Status));
        assert_eq!(classify("Taux de réalisation"), Some(Field::Progress));
        assert_eq!(classify("Intitulé de l'action"), Some(Field::Title));
        assert_eq!(classify("Public cible"), Some(Field::Public));
        assert_eq!(classify("Coût estimé (€)"), Some(Field::Budget));
        assert_eq!(classify("Couleur préférée"), None);
    }
}
