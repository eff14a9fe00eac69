//! Closed vocabularies: priority and status, tolerant on input, canonical on output.
//! Labels and accepted spellings are data (templates/vocabulaire.toml, overridable).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::templates::merge;
use crate::text::fold;

/// Read at run time by the tests only: build.rs turns it into code (`embedded`).
#[cfg(test)]
const EMBEDDED: &str = include_str!("../../templates/vocabulaire.toml");

#[derive(Debug, Clone, Default, Deserialize)]
struct Entry {
    #[serde(rename = "libelle")]
    label: String,
    #[serde(default, rename = "synonymes")]
    synonyms: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
struct VocabularyFile {
    #[serde(rename = "priorites_acceptees")]
    priorities_accepted: String,
    #[serde(rename = "statuts_acceptes")]
    statuses_accepted: String,
    #[serde(default, rename = "prefixes_priorite")]
    priority_prefixes: Vec<String>,
    #[serde(rename = "priorite")]
    priorities: BTreeMap<String, Entry>,
    #[serde(rename = "statut")]
    statuses: BTreeMap<String, Entry>,
}

/// The vocabularies as looked up: folded spelling → key index, labels by index.
#[derive(Debug, Default)]
struct Vocabulary {
    priority_accepted: String,
    status_accepted: String,
    priority_prefixes: Vec<String>,
    priorities: BTreeMap<String, Priority>,
    statuses: BTreeMap<String, Status>,
    priority_labels: Vec<String>,
    status_labels: Vec<String>,
}

static VOCABULARY: OnceLock<Vocabulary> = OnceLock::new();

fn vocabulary() -> &'static Vocabulary {
    // The embedded file is checked by `embedded_vocabulary_is_complete`.
    VOCABULARY.get_or_init(|| build(embedded()).unwrap_or_default())
}

/// templates/vocabulaire.toml as a table, built by code build.rs wrote (no parsing).
fn embedded() -> toml::Table {
    include!(concat!(env!("OUT_DIR"), "/vocabulaire.rs"))
}

/// Lays `dir/vocabulaire.toml` (when present) over the embedded vocabularies, key by key.
/// Must run before the first status or priority is read; later calls change nothing.
pub fn install_override(dir: &Path) -> Result<(), String> {
    let path = dir.join("vocabulaire.toml");
    if !path.is_file() {
        return Ok(());
    }
    let text = std::fs::read_to_string(&path).map_err(|e| format!("« {} » illisible : {e}", path.display()))?;
    let over: toml::Table =
        toml::from_str(&text).map_err(|e| format!("« {} » invalide : {}", path.display(), e.message()))?;
    let mut base = embedded();
    merge(&mut base, over);
    let v = build(base).map_err(|e| format!("« {} » : {e}", path.display()))?;
    let _ = VOCABULARY.set(v);
    Ok(())
}

fn build(table: toml::Table) -> Result<Vocabulary, String> {
    let file: VocabularyFile = toml::Value::Table(table)
        .try_into()
        .map_err(|e: toml::de::Error| format!("vocabulaire invalide : {}", e.message()))?;
    let mut v = Vocabulary {
        priority_accepted: file.priorities_accepted,
        status_accepted: file.statuses_accepted,
        priority_prefixes: file.priority_prefixes.iter().map(|p| fold(p)).collect(),
        ..Vocabulary::default()
    };
    for p in Priority::ALL {
        let e = file.priorities.get(p.key()).ok_or_else(|| format!("priorité « {} » absente", p.key()))?;
        v.priority_labels.push(e.label.clone());
        for s in e.synonyms.iter().chain(std::iter::once(&e.label)) {
            v.priorities.entry(fold_priority(s, &[])).or_insert(p);
        }
    }
    for st in Status::ALL {
        let e = file.statuses.get(st.key()).ok_or_else(|| format!("statut « {} » absent", st.key()))?;
        v.status_labels.push(e.label.clone());
        for s in e.synonyms.iter().chain(std::iter::once(&e.label)) {
            v.statuses.entry(fold_status(s)).or_insert(st);
        }
    }
    Ok(v)
}

fn fold_priority(raw: &str, prefixes: &[String]) -> String {
    let f = fold(raw);
    let mut f = f.trim().trim_end_matches('.');
    for p in prefixes {
        f = f.strip_prefix(p.as_str()).map(str::trim).unwrap_or(f);
    }
    f.to_string()
}

/// Plural, then feminine "ée" (folded to "ee"): réalisées → realise.
fn fold_status(raw: &str) -> String {
    let f = fold(raw);
    let mut f = f.trim().trim_end_matches('.').to_string();
    if f.len() > 4 && f.ends_with('s') {
        f.pop();
    }
    if f.ends_with("ee") {
        f.pop();
    }
    f
}

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

    /// Any spelling listed in templates/vocabulaire.toml ("1", "P1", "Élevée", "Priorité 1"…).
    pub fn parse(raw: &str) -> Option<Priority> {
        let v = vocabulary();
        v.priorities.get(&fold_priority(raw, &v.priority_prefixes)).copied()
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
        vocabulary().priority_labels.get(self as usize).map_or(self.key(), String::as_str)
    }

    pub fn accepted() -> &'static str {
        &vocabulary().priority_accepted
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

    /// Any spelling listed in templates/vocabulaire.toml, tolerating accents, case, gender
    /// and plural ("Réalisé", "REALISEES", "non engagée").
    pub fn parse(raw: &str) -> Option<Status> {
        vocabulary().statuses.get(&fold_status(raw)).copied()
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
        vocabulary().status_labels.get(self as usize).map_or(self.key(), String::as_str)
    }

    pub fn accepted() -> &'static str {
        &vocabulary().status_accepted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_vocabulary_is_complete() {
        let table: toml::Table = toml::from_str(EMBEDDED).unwrap();
        assert_eq!(embedded(), table);
        let v = build(table).unwrap();
        assert_eq!(v.priority_labels, ["Haute", "Moyenne", "Basse"]);
        assert_eq!(v.status_labels.len(), 9);
        assert_eq!(Status::Paused.label(), "En pause");
        assert!(Priority::accepted().contains("Élevée"));
    }

    #[test]
    fn an_override_adds_spellings_and_keeps_the_rest() {
        let mut base: toml::Table = toml::from_str(EMBEDDED).unwrap();
        let over: toml::Table =
            toml::from_str("[statut.en_pause]\nsynonymes = [\"stand-by\"]\n[priorite.haute]\nlibelle = \"Forte\"\n")
                .unwrap();
        merge(&mut base, over);
        let v = build(base).unwrap();
        assert_eq!(v.statuses.get(&fold_status("Stand-by")), Some(&Status::Paused));
        assert_eq!(v.statuses.get(&fold_status("En pause")), Some(&Status::Paused), "the label still reads");
        assert_eq!(v.statuses.get(&fold_status("Réalisées")), Some(&Status::Done));
        assert_eq!(v.priority_labels[0], "Forte");
    }

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
