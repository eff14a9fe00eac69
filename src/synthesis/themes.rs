//! The CAF's fields of intervention (templates/themes.toml) and the theme of an action:
//! a level of the plan named like a theme, else its weighted keywords, else « non classée ».

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::model::ActionRef;

const THEMES: &str = include_str!("../../templates/themes.toml");

/// Label of the actions no theme takes.
pub const UNCLASSIFIED: &str = "Non classée";

#[derive(Debug, Clone, Deserialize)]
struct Settings {
    /// The least score a theme needs.
    #[serde(rename = "seuil")]
    threshold: f64,
    /// How many times the second theme's score the first must reach.
    #[serde(rename = "ecart")]
    margin: f64,
}

#[derive(Debug, Clone, Deserialize)]
struct Weights {
    #[serde(rename = "intitule")]
    title: f64,
    #[serde(rename = "objectif_action")]
    aim: f64,
    description: f64,
    #[serde(rename = "objectif")]
    objective: f64,
    #[serde(rename = "axe")]
    axis: f64,
}

#[derive(Debug, Clone, Deserialize)]
struct ThemeSpec {
    #[serde(rename = "ordre")]
    order: i64,
    #[serde(rename = "libelle")]
    label: String,
    #[serde(default, rename = "noms")]
    names: Vec<String>,
    #[serde(default, rename = "mots")]
    keywords: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct ThemesFile {
    #[serde(rename = "reglage")]
    settings: Settings,
    #[serde(rename = "poids")]
    weights: Weights,
    themes: BTreeMap<String, ThemeSpec>,
}

/// A keyword: folded words ("mot*" a prefix) and its weight.
#[derive(Debug, Clone)]
struct Keyword {
    words: Vec<String>,
    weight: f64,
}

/// One theme, ready for matching.
#[derive(Debug, Clone)]
pub struct Theme {
    pub key: String,
    pub label: String,
    names: Vec<String>,
    keywords: Vec<Keyword>,
}

/// Every theme, in display order; « non classée » is not one of them.
#[derive(Debug, Clone)]
pub struct Themes {
    pub list: Vec<Theme>,
    settings: Settings,
    weights: Weights,
}

/// Why an action has its theme.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Source {
    /// The plan's own « Thème » column names it.
    Column,
    /// A level of the plan (axis, objective) is named like the theme.
    Level,
    /// Its keywords, with the winning score.
    Keywords(f64),
    /// No theme: none reached the threshold, or two came too close.
    None,
}

/// The theme of an action: index into `Themes::list` (None: « non classée ») and why.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Assigned {
    pub theme: Option<usize>,
    pub source: Source,
}

impl Source {
    /// How the « Actions » sheet says it.
    pub fn describe(self) -> String {
        match self {
            Source::Column => "colonne Thème du plan".into(),
            Source::Level => "niveau du plan (axe, objectif)".into(),
            Source::Keywords(s) => format!("mots-clés (poids {})", crate::text::format_number(s)),
            Source::None => "aucun thème assez net".into(),
        }
    }
}

fn keyword(raw: &str) -> Keyword {
    let (text, weight) = match raw.rsplit_once(':') {
        Some((t, w)) => (t, w.trim().parse().unwrap_or(1.0)),
        None => (raw, 1.0),
    };
    // Folded word by word, the prefix mark kept ("maternel*").
    let words = text
        .split_whitespace()
        .flat_map(|w| {
            let star = w.ends_with('*');
            let folded: Vec<String> = crate::text::fold_words(w).split(' ').map(str::to_string).collect();
            let n = folded.len();
            folded.into_iter().enumerate().map(move |(i, f)| if star && i + 1 == n { f + "*" } else { f })
        })
        .filter(|w| !w.is_empty() && w != "*")
        .collect();
    Keyword { words, weight }
}

fn word_matches(pattern: &str, word: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => word.starts_with(prefix),
        None => word == pattern,
    }
}

fn contains(words: &[&str], phrase: &[String]) -> bool {
    !phrase.is_empty()
        && phrase.len() <= words.len()
        && (0..=words.len() - phrase.len()).any(|i| phrase.iter().zip(&words[i..]).all(|(p, w)| word_matches(p, w)))
}

impl Themes {
    /// The embedded themes, with `dir/themes.toml` laid over them table by table.
    pub fn load(dir: Option<&Path>) -> Result<Themes, String> {
        let mut base: toml::Table = toml::from_str(THEMES).map_err(|e| format!("themes.toml embarqué : {e}"))?;
        if let Some(path) = dir.map(|d| d.join("themes.toml")).filter(|p| p.is_file()) {
            let text = std::fs::read_to_string(&path).map_err(|e| format!("« {} » illisible : {e}", path.display()))?;
            let over: toml::Table =
                toml::from_str(&text).map_err(|e| format!("« {} » invalide : {}", path.display(), e.message()))?;
            crate::templates::merge(&mut base, over);
        }
        let file: ThemesFile = toml::Value::Table(base)
            .try_into()
            .map_err(|e: toml::de::Error| format!("thèmes invalides : {}", e.message()))?;
        let mut specs: Vec<(String, ThemeSpec)> = file.themes.into_iter().collect();
        specs.sort_by(|a, b| (a.1.order, &a.0).cmp(&(b.1.order, &b.0)));
        let list = specs
            .into_iter()
            .map(|(key, s)| Theme {
                names: std::iter::once(&s.label).chain(&s.names).map(|n| crate::text::fold_words(n)).collect(),
                keywords: s.keywords.iter().map(|m| keyword(m)).collect(),
                key,
                label: s.label,
            })
            .collect();
        Ok(Themes { list, settings: file.settings, weights: file.weights })
    }

    /// The embedded themes.
    pub fn embedded() -> Themes {
        // Checked by `embedded_themes_load`.
        Themes::load(None).expect("templates/themes.toml embarqué valide")
    }

    /// A theme's label, or « Non classée ».
    pub fn label(&self, theme: Option<usize>) -> &str {
        theme.and_then(|i| self.list.get(i)).map_or(UNCLASSIFIED, |t| t.label.as_str())
    }

    /// The theme a level names exactly ("Petite enfance", "Axe 2 : Santé" does not).
    fn named(&self, text: &str) -> Option<usize> {
        let f = crate::text::fold_words(text);
        self.list.iter().position(|t| t.names.contains(&f))
    }

    /// The theme of an action in its place: its « Thème » column when it names a theme,
    /// else a level named like a theme (the deepest first), else the keywords' scores.
    pub fn assign(&self, r: &ActionRef<'_>) -> Assigned {
        let column = r.action.extra.iter().filter(|e| is_theme_header(&e.name)).find_map(|e| self.named(&e.value));
        if let Some(i) = column {
            return Assigned { theme: Some(i), source: Source::Column };
        }
        if let Some(i) = r.path().iter().rev().find_map(|p| self.named(p)) {
            return Assigned { theme: Some(i), source: Source::Level };
        }
        let a = r.action;
        let w = &self.weights;
        let mut texts: Vec<(String, f64)> = vec![(crate::text::fold_words(&a.title), w.title)];
        texts.extend(a.aim.as_deref().map(|t| (crate::text::fold_words(t), w.aim)));
        texts.extend(a.description.as_deref().map(|t| (crate::text::fold_words(t), w.description)));
        texts.extend(r.objectives.iter().map(|o| (crate::text::fold_words(&o.title), w.objective)));
        if !r.axis.implicit {
            texts.push((crate::text::fold_words(&r.axis.title), w.axis));
        }
        let scores: Vec<f64> = self.list.iter().map(|t| score(t, &texts)).collect();
        let mut best: Option<usize> = None;
        for (i, s) in scores.iter().enumerate() {
            if best.is_none_or(|b| *s > scores[b]) {
                best = Some(i);
            }
        }
        let Some(b) = best else { return Assigned { theme: None, source: Source::None } };
        let top = scores[b];
        let second = scores.iter().enumerate().filter(|(i, _)| *i != b).map(|(_, s)| *s).fold(0.0, f64::max);
        if top >= self.settings.threshold && top >= second * self.settings.margin && top > second {
            Assigned { theme: Some(b), source: Source::Keywords(top) }
        } else {
            Assigned { theme: None, source: Source::None }
        }
    }
}

/// A column kept as is whose header says it holds the action's theme.
fn is_theme_header(h: &str) -> bool {
    let f = crate::text::fold_words(h);
    matches!(
        f.as_str(),
        "theme"
            | "themes"
            | "theme caf"
            | "thematique"
            | "thematique caf"
            | "champ d intervention"
            | "domaine d intervention"
    )
}

/// The theme's weight in these texts: each keyword counted once per text.
fn score(t: &Theme, texts: &[(String, f64)]) -> f64 {
    texts
        .iter()
        .map(|(text, factor)| {
            let words: Vec<&str> = text.split(' ').filter(|w| !w.is_empty()).collect();
            factor * t.keywords.iter().filter(|k| contains(&words, &k.words)).map(|k| k.weight).sum::<f64>()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Action, Axis};

    fn assign(themes: &Themes, axis: &str, title: &str) -> String {
        let ax = Axis { title: axis.into(), implicit: axis.is_empty(), ..Default::default() };
        let a = Action { title: title.into(), ..Default::default() };
        let r = ActionRef { axis: &ax, objectives: Vec::new(), action: &a };
        themes.label(themes.assign(&r).theme).to_string()
    }

    #[test]
    fn embedded_themes_load() {
        let t = Themes::embedded();
        assert!(t.list.len() >= 11);
        assert_eq!(t.list[0].label, "Petite enfance");
    }

    #[test]
    fn actions_get_their_theme_or_none() {
        let t = Themes::embedded();
        assert_eq!(assign(&t, "", "Créer une micro-crèche à Revel"), "Petite enfance");
        assert_eq!(assign(&t, "", "Développer le covoiturage et le transport à la demande"), "Mobilité");
        assert_eq!(assign(&t, "Santé", "Réunir les partenaires"), "Santé");
        assert_eq!(assign(&t, "", "Réunir le comité de pilotage"), UNCLASSIFIED);
    }
}
