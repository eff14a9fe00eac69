//! Are two files versions of one plan? Checked before comparing them, so that another
//! collectivité's plan never yields an invented history.

use std::collections::BTreeSet;

use crate::model::Plan;
use crate::text::fold_words;

/// Share of actions that must match by number and similar title.
const MIN_MATCHING: f64 = 0.5;

/// Ok, or what differs, one French sentence each.
pub fn same_plan(before: &Plan, after: &Plan) -> Result<(), Vec<String>> {
    let mut why = Vec::new();
    if let (Some(a), Some(b)) = (&before.meta.territory, &after.meta.territory) {
        if fold_words(a) != fold_words(b) {
            why.push(format!("collectivités différentes : « {a} » puis « {b} »"));
        }
    }
    if let (Some(a0), Some(a1), Some(b0), Some(b1)) =
        (before.meta.first_year, before.meta.last_year, after.meta.first_year, after.meta.last_year)
    {
        if a1 < b0 || b1 < a0 {
            why.push(format!("périodes sans année commune : {a0}-{a1} puis {b0}-{b1}"));
        }
    }
    let old = before.actions();
    let new = after.actions();
    let matching = new
        .iter()
        .filter(|n| {
            old.iter().any(|o| {
                n.action.number.is_some()
                    && o.action.number == n.action.number
                    && similar(&o.action.title, &n.action.title)
            })
        })
        .count();
    let base = old.len().min(new.len());
    if base > 0 && (matching as f64) < MIN_MATCHING * base as f64 {
        why.push(format!(
            "{matching} action{} sur {base} seulement {} même numéro et un intitulé proche d'une version à l'autre",
            if matching > 1 { "s" } else { "" },
            if matching > 1 { "ont le" } else { "a le" }
        ));
    }
    if why.is_empty() {
        Ok(())
    } else {
        Err(why)
    }
}

/// Titles sharing most of their significant words (accents, case and short words aside).
pub fn similar(a: &str, b: &str) -> bool {
    let words = |s: &str| -> BTreeSet<String> {
        fold_words(s).split(' ').filter(|w| w.chars().count() > 3).map(str::to_string).collect()
    };
    let (x, y) = (words(a), words(b));
    if x.is_empty() || y.is_empty() {
        return fold_words(a) == fold_words(b);
    }
    let common = x.intersection(&y).count();
    common * 2 >= x.len().min(y.len())
}

#[cfg(test)]
mod tests {
    #[test]
    fn similar_titles() {
        assert!(super::similar("Créer un guichet unique pour les familles", "Créer le guichet unique des familles"));
        assert!(!super::similar("Créer un guichet unique", "Rénover la piscine municipale"));
    }
}
