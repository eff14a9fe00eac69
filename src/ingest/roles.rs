//! Column roles by evidence: every header scored against every field (synonyms and
//! negative words from templates/colonnes.toml), then values weighed for the title.
//! The only place where a header is matched to a field.

use std::collections::BTreeSet;

use crate::model::Field;
use crate::templates::{column_roles, RoleSpec};
use crate::text::{fold, fold_words};

use super::fields::as_year;

/// Below this score a header means nothing known.
pub const MIN_SCORE: i32 = 30;
const EXACT: i32 = 100;
const STARTS: i32 = 60;
const CONTAINS: i32 = 30;
const PER_WORD: i32 = 5;
const NEGATIVE: i32 = 80;

/// Words that carry no meaning in a header.
fn is_stopword(w: &str) -> bool {
    matches!(w, "le" | "la" | "les" | "l" | "d" | "de" | "du" | "des")
}

/// A header folded by `fold_words`, as its meaningful words.
fn words(folded: &str) -> Vec<&str> {
    folded.split(' ').filter(|w| !w.is_empty() && !is_stopword(w)).collect()
}

fn word_matches(pattern: &str, word: &str) -> bool {
    if pattern == "#" {
        return !word.is_empty() && word.bytes().all(|b| b.is_ascii_digit());
    }
    match pattern.strip_suffix('*') {
        Some(prefix) => word.starts_with(prefix),
        None => word == pattern,
    }
}

fn phrase_at(words: &[&str], at: usize, phrase: &[&str]) -> bool {
    at + phrase.len() <= words.len() && phrase.iter().zip(&words[at..]).all(|(p, w)| word_matches(p, w))
}

fn contains(words: &[&str], phrase: &[&str]) -> bool {
    !phrase.is_empty() && (0..words.len()).any(|i| phrase_at(words, i, phrase))
}

/// A phrase of `templates/colonnes.toml` split into its words once, with its bonus.
struct Phrase {
    words: Vec<&'static str>,
    bonus: i32,
}

impl Phrase {
    fn new(p: &'static str) -> Self {
        let words: Vec<&str> = p.split(' ').filter(|w| !w.is_empty()).collect();
        let bonus = PER_WORD * (words.len() as i32 - 1);
        Phrase { words, bonus }
    }
}

/// A role of `templates/colonnes.toml`, ready to score headers.
struct Role {
    field: Field,
    exact: Vec<Phrase>,
    starts: Vec<Phrase>,
    contains: Vec<Phrase>,
    negatives: Vec<Phrase>,
}

/// The roles, compiled once (every header cell of the top rows is scored against all),
/// with the index of their phrases' first words.
struct Roles {
    roles: Vec<Role>,
    firsts: FirstWords,
}

/// Which roles have a phrase starting with a given word: a role none of whose phrases
/// starts with some word of a header cannot score it, and is not scored (most cells of
/// the rows searched for a header are data, matching few roles).
#[derive(Default)]
struct FirstWords {
    /// Role bit masks by exact first word…
    exact: std::collections::HashMap<&'static str, u64>,
    /// …by first-word prefix ("action*"), grouped by their first byte…
    prefixes: Vec<(u8, &'static str, u64)>,
    /// …for a number ("#"), and roles that may match whatever the words.
    digits: u64,
    always: u64,
}

impl FirstWords {
    fn new(roles: &[Role]) -> Self {
        let mut f = FirstWords::default();
        for (i, r) in roles.iter().enumerate() {
            // Roles past the 64th are always scored (`candidates`).
            let bit = if i < 64 { 1u64 << i } else { 0 };
            for p in r.exact.iter().chain(&r.starts).chain(&r.contains) {
                match p.words.first().copied() {
                    None => f.always |= bit,
                    Some("#") => f.digits |= bit,
                    Some("*") => f.always |= bit,
                    Some(w) => match w.strip_suffix('*') {
                        Some(pre) => match f.prefixes.iter_mut().find(|(_, q, _)| *q == pre) {
                            Some((_, _, m)) => *m |= bit,
                            None => f.prefixes.push((pre.bytes().next().unwrap_or(0), pre, bit)),
                        },
                        None => *f.exact.entry(w).or_default() |= bit,
                    },
                }
            }
        }
        f.prefixes.sort_by_key(|p| p.0);
        f
    }

    /// The roles a header of these words may match.
    fn mask(&self, header: &[&str]) -> u64 {
        let mut m = self.always;
        for w in header {
            if let Some(b) = self.exact.get(w) {
                m |= b;
            }
            if word_matches("#", w) {
                m |= self.digits;
            }
            let first = w.bytes().next().unwrap_or(0);
            let from = self.prefixes.partition_point(|(b, _, _)| *b < first);
            for (b, pre, bits) in &self.prefixes[from..] {
                if *b != first {
                    break;
                }
                if w.starts_with(pre) {
                    m |= bits;
                }
            }
        }
        m
    }
}

fn roles() -> &'static Roles {
    static ROLES: std::sync::OnceLock<Roles> = std::sync::OnceLock::new();
    ROLES.get_or_init(|| {
        let phrases = |v: &'static [String]| v.iter().map(|p| Phrase::new(p)).collect();
        let roles: Vec<Role> = column_roles()
            .roles
            .iter()
            .filter_map(|r: &RoleSpec| {
                Some(Role {
                    field: Field::from_key(&r.field)?,
                    exact: phrases(&r.exact),
                    starts: phrases(&r.starts),
                    contains: phrases(&r.contains),
                    negatives: phrases(&r.negatives),
                })
            })
            .collect();
        let firsts = FirstWords::new(&roles);
        Roles { roles, firsts }
    })
}

/// The score of one field for a header (and the section label above it).
fn role_score(role: &Role, header: &[&str], section: &[&str]) -> i32 {
    let mut best = i32::MIN;
    for p in &role.exact {
        if p.words.len() == header.len() && phrase_at(header, 0, &p.words) {
            best = best.max(EXACT + p.bonus);
        }
    }
    for p in &role.starts {
        if phrase_at(header, 0, &p.words) {
            best = best.max(STARTS + p.bonus);
        }
    }
    for p in &role.contains {
        if contains(header, &p.words) {
            best = best.max(CONTAINS + p.bonus);
        }
    }
    if best == i32::MIN {
        return best;
    }
    if role.negatives.iter().any(|n| contains(header, &n.words) || contains(section, &n.words)) {
        best -= NEGATIVE;
    }
    best
}

/// A year header: "2024", "Année 2024", "En 2024", or a part of a year that marks its
/// year — "T1 2025", "1er trimestre 2025", "2025 S2", "janv. 2025", "juin 26".
fn year_of(words: &[&str]) -> Option<i32> {
    let y = as_year(words.last()?);
    if let Some(y) = y.filter(|_| words.len() == 1 || (words.len() == 2 && matches!(words[0], "annee" | "en" | "an"))) {
        return Some(y);
    }
    if let [m, yy] = words {
        if is_month(m) && yy.len() == 2 && yy.bytes().all(|b| b.is_ascii_digit()) {
            return yy.parse::<i32>().ok().map(|n| 2000 + n);
        }
    }
    let mut years = words.iter().filter_map(|w| as_year(w));
    let year = years.next()?;
    let rest = || words.iter().filter(|w| as_year(w).is_none());
    let parts = rest().count();
    (years.next().is_none() && (1..=3).contains(&parts) && rest().all(|w| is_year_part(w))).then_some(year)
}

fn is_month(w: &str) -> bool {
    matches!(
        w,
        "janvier"
            | "janv"
            | "jan"
            | "fevrier"
            | "fevr"
            | "fev"
            | "mars"
            | "avril"
            | "avr"
            | "mai"
            | "juin"
            | "juillet"
            | "juil"
            | "aout"
            | "septembre"
            | "sept"
            | "sep"
            | "octobre"
            | "oct"
            | "novembre"
            | "nov"
            | "decembre"
            | "dec"
    )
}

/// A word naming a part of a year: quarter, half, month, their ordinals.
fn is_year_part(w: &str) -> bool {
    let b = w.as_bytes();
    let numbered = b.len() == 2 && matches!(b[0], b't' | b's' | b'q') && (b'1'..=b'4').contains(&b[1]);
    numbered
        || is_month(w)
        || matches!(
            w,
            "trimestre"
                | "trim"
                | "semestre"
                | "sem"
                | "1er"
                | "1re"
                | "2e"
                | "2eme"
                | "3e"
                | "3eme"
                | "4e"
                | "4eme"
                | "premier"
                | "second"
                | "deuxieme"
                | "troisieme"
                | "quatrieme"
                | "1"
                | "2"
                | "3"
                | "4"
        )
}

/// Every field a header may mean, best first; only scores of `MIN_SCORE` or more.
pub fn candidates(header: &str, section: Option<&str>) -> Vec<(Field, i32)> {
    let folded = fold_words(header);
    let h = words(&folded);
    if h.is_empty() {
        return Vec::new();
    }
    if let Some(y) = year_of(&h) {
        return vec![(Field::Year(y), EXACT)];
    }
    let folded_section = section.map(fold_words).unwrap_or_default();
    let s = words(&folded_section);
    let all = roles();
    let may = all.firsts.mask(&h);
    let mut out: Vec<(Field, i32)> = all
        .roles
        .iter()
        .enumerate()
        .filter(|(i, _)| *i >= 64 || may & (1 << i) != 0)
        .map(|(_, r)| (r.field, role_score(r, &h, &s)))
        .filter(|(_, score)| *score >= MIN_SCORE)
        .collect();
    out.sort_by_key(|(f, score)| (std::cmp::Reverse(*score), *f));
    out
}

/// The field a header means on its own, if any.
pub fn classify(header: &str) -> Option<Field> {
    candidates(header, None).first().map(|(f, _)| *f)
}

/// Is this cell text help left by a template (field type, instruction, example)?
pub fn is_help(text: &str) -> bool {
    // Every data cell passes here, some several times: its first word alone is folded
    // first (on the stack when ASCII), and only a word that starts some help prefix
    // has the cell's start folded and compared with that word's prefixes.
    let t = text.trim_start();
    let raw_first = t.split(|c: char| c.is_whitespace() || matches!(c, '.' | ',' | ';')).next().unwrap_or("");
    if raw_first.is_empty() {
        return false;
    }
    let mut buf = [0u8; HELP_HEAD_CHARS];
    let folded;
    let first: &str = if raw_first.len() <= buf.len() && raw_first.is_ascii() && !raw_first.contains('`') {
        let b = &mut buf[..raw_first.len()];
        b.copy_from_slice(raw_first.as_bytes());
        b.make_ascii_lowercase();
        std::str::from_utf8(b).unwrap_or("")
    } else {
        let end = raw_first.char_indices().nth(HELP_HEAD_CHARS).map_or(raw_first.len(), |(i, _)| i);
        folded = fold(&raw_first[..end]);
        &folded
    };
    let Some(prefixes) = help_prefixes_of(first) else {
        return false;
    };
    let end = t.char_indices().nth(HELP_HEAD_CHARS).map_or(t.len(), |(i, _)| i);
    let f = fold(&t[..end]);
    prefixes.iter().any(|d| f.starts_with(d.as_str()))
}

/// The help prefixes whose first word is `first`, or its first character ("➔Utilisez":
/// the arrow sticks to the word).
fn help_prefixes_of(first: &str) -> Option<&'static [String]> {
    let groups = help_prefixes();
    let find = |w: &str| groups.iter().find(|(g, _)| g == w).map(|(_, p)| p.as_slice());
    find(first).or_else(|| first.char_indices().nth(1).and_then(|(i, _)| find(&first[..i])))
}

/// Help prefixes of `templates/colonnes.toml`, folded, grouped by their first word (a few
/// dozen short words: a scan beats hashing).
fn help_prefixes() -> &'static [(String, Vec<String>)] {
    static HELP: std::sync::OnceLock<Vec<(String, Vec<String>)>> = std::sync::OnceLock::new();
    HELP.get_or_init(|| {
        let mut groups: Vec<(String, Vec<String>)> = Vec::new();
        for d in column_roles().help.starts.iter().map(|d| fold(d)) {
            let first = d.split([' ', '.', ',', ';']).next().unwrap_or("").to_string();
            match groups.iter_mut().find(|(g, _)| *g == first) {
                Some((_, list)) => list.push(d),
                None => groups.push((first, vec![d])),
            }
        }
        groups
    })
}

/// Help prefixes are shorter than this.
const HELP_HEAD_CHARS: usize = 24;

/// What the values of a column say about it being the title column.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Evidence {
    pub values: usize,
    /// VRAI/FAUX, Oui/Non, true/false, x.
    pub booleans: usize,
    /// Numbers and dates.
    pub numbers: usize,
    /// Distinct texts of 5 to 300 characters.
    pub good_texts: usize,
    pub distinct: usize,
}

impl Evidence {
    pub fn add(&mut self, v: &super::grid::Value, seen: &mut BTreeSet<String>) {
        use super::grid::Value;
        self.values += 1;
        match v {
            Value::Bool(_) => self.booleans += 1,
            Value::Number(_) | Value::Date(_) => self.numbers += 1,
            Value::Text(t) => {
                let f = fold(t.trim());
                if matches!(f.as_str(), "vrai" | "faux" | "oui" | "non" | "true" | "false" | "x" | "o" | "n") {
                    self.booleans += 1;
                } else if crate::text::parse_amount(&f).is_some() && f.chars().all(|c| !c.is_alphabetic()) {
                    self.numbers += 1;
                } else {
                    let n = t.trim().chars().count();
                    if seen.insert(f) {
                        self.distinct += 1;
                        if (5..=300).contains(&n) {
                            self.good_texts += 1;
                        }
                    }
                }
            }
            Value::Error(_) => {}
        }
    }

    /// Score adjustment for the title role.
    pub fn title_adjustment(&self) -> i32 {
        if self.values == 0 {
            return 0;
        }
        let share = |n: usize| n * 100 / self.values;
        if share(self.booleans) >= 50 || share(self.numbers) >= 50 {
            -100
        } else if share(self.good_texts) >= 50 {
            10
        } else {
            -20
        }
    }

    /// Why a chosen title column is doubtful, in French, if it is.
    pub fn doubt(&self) -> Option<String> {
        if self.values < 3 {
            return None;
        }
        let share = |n: usize| n * 100 / self.values;
        if share(self.booleans) >= 30 {
            Some(format!("{} valeurs sur {} y sont des booléens (VRAI, FAUX, Oui, Non)", self.booleans, self.values))
        } else if share(self.numbers) >= 30 {
            Some(format!("{} valeurs sur {} y sont des nombres ou des dates", self.numbers, self.values))
        } else if self.values >= 4 && share(self.distinct) < 40 {
            Some(format!("seules {} valeurs sur {} y sont distinctes", self.distinct, self.values))
        } else {
            None
        }
    }
}

/// One header cell to assign: its candidates, best first.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub col: u32,
    pub ranked: Vec<(Field, i32)>,
}

/// Gives each column at most one field and each field its best column (fields that
/// repeat may take several). The title column is chosen first, with its values' evidence;
/// hierarchy levels sit left of it. Returns the field of each candidate, in input order.
pub fn assign(cands: &mut [Candidate], evidence: &dyn Fn(u32) -> Evidence) -> Vec<Option<Field>> {
    for c in cands.iter_mut() {
        if let Some(i) = c.ranked.iter().position(|(f, _)| *f == Field::Title) {
            c.ranked[i].1 += evidence(c.col).title_adjustment();
            c.ranked.retain(|(_, s)| *s >= MIN_SCORE);
            c.ranked.sort_by_key(|(f, s)| (std::cmp::Reverse(*s), *f));
        }
    }
    let title_col = cands
        .iter()
        .filter_map(|c| c.ranked.iter().find(|(f, _)| *f == Field::Title).map(|(_, s)| (*s, c.col)))
        .max_by_key(|(s, col)| (*s, std::cmp::Reverse(*col)))
        .map(|(_, col)| col);
    if let Some(t) = title_col {
        for c in cands.iter_mut() {
            if c.col > t {
                c.ranked.retain(|(f, _)| *f != Field::Hierarchy);
            }
            if c.col != t {
                c.ranked.retain(|(f, _)| *f != Field::Title);
            }
        }
    }
    let mut pairs: Vec<(i32, usize, usize, Field)> = Vec::new();
    for (i, c) in cands.iter().enumerate() {
        for (rank, (f, s)) in c.ranked.iter().enumerate() {
            // A column falls back to a lesser meaning only on a strong match.
            if rank == 0 || *s >= STARTS {
                pairs.push((*s, rank, i, *f));
            }
        }
    }
    pairs.sort_by_key(|(s, rank, i, f)| (std::cmp::Reverse(*s), *rank, *i, *f));
    let mut out: Vec<Option<Field>> = vec![None; cands.len()];
    let mut taken: BTreeSet<Field> = BTreeSet::new();
    for (_, _, i, f) in pairs {
        if out[i].is_some() || (!f.repeats() && taken.contains(&f)) {
            continue;
        }
        out[i] = Some(f);
        taken.insert(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first-word index skips only roles that cannot score: on every phrase of
    /// colonnes.toml, alone and inside longer texts, the result is that of scoring all.
    #[test]
    fn first_word_index_changes_no_result() {
        let all = roles();
        let mut texts: Vec<String> = Vec::new();
        for r in &column_roles().roles {
            for p in r.exact.iter().chain(&r.starts).chain(&r.contains).chain(&r.negatives) {
                let p = p.replace('*', "s").replace('#', "4");
                texts.push(format!("Le {p} du projet 12"));
                texts.push(format!("{p} (en euros)"));
                texts.push(p);
            }
        }
        texts.push("Mettre en place un accueil des familles le samedi 2025".into());
        for t in &texts {
            let f = fold_words(t);
            let h = words(&f);
            let mut full: Vec<(Field, i32)> =
                all.roles.iter().map(|r| (r.field, role_score(r, &h, &[]))).filter(|(_, s)| *s >= MIN_SCORE).collect();
            full.sort_by_key(|(f, score)| (std::cmp::Reverse(*score), *f));
            if year_of(&h).is_none() && !h.is_empty() {
                assert_eq!(candidates(t, None), full, "{t}");
            }
        }
    }

    #[test]
    fn seeds_and_platform_headers() {
        for (h, f) in [
            ("Ambitions / impacts recherchés", Some(Field::Hierarchy)),
            ("Orientations (enjeux)", Some(Field::Hierarchy)),
            ("ACTIONS - Objectifs opérationnels – Intentions", Some(Field::Title)),
            ("OBJECTIFS STRATEGIQUES", Some(Field::Hierarchy)),
            ("ACTIONS PRIORISEES", Some(Field::Title)),
            ("2022", Some(Field::Year(2022))),
            ("Année 2025", Some(Field::Year(2025))),
            ("Pilote de l'action", Some(Field::Pilot)),
            ("Objectif de l'action", Some(Field::Aim)),
            ("N° action", Some(Field::Number)),
            ("Réf.", Some(Field::Number)),
            ("État d'avancement", Some(Field::Status)),
            ("Taux de réalisation", Some(Field::Progress)),
            ("Intitulé de l'action", Some(Field::Title)),
            ("Public cible", Some(Field::Public)),
            ("Coût estimé (€)", Some(Field::Budget)),
            ("Couleur préférée", None),
            ("Titre de la fiche action", Some(Field::Title)),
            ("Titre de la sous-action", Some(Field::SubAction)),
            ("Action en amélioration continue", None),
            ("Actions liées", None),
            ("Confidentialité de l'action", None),
            ("L'action se répète tous les ans", None),
            ("Personne pilote", Some(Field::PilotPerson)),
            ("Direction ou service pilote", Some(Field::PilotService)),
            ("Structure pilote", Some(Field::PilotStructure)),
            ("Élu·e référent·e ", Some(Field::Elected)),
            ("Financeur 2", Some(Field::Funder)),
            ("Montant € HT", Some(Field::Amount)),
            ("Budget prévisionnel total € HT", Some(Field::Budget)),
            ("Budgets de fonctionnement", Some(Field::BudgetOperating)),
            ("Budgets d'investissement", Some(Field::BudgetInvestment)),
            ("Date de début", Some(Field::StartDate)),
            ("Date de fin", Some(Field::EndDate)),
            ("Thématique principale", None),
            ("Sous-axe (x.x)", Some(Field::Hierarchy)),
        ] {
            assert_eq!(classify(h), f, "{h}");
        }
    }

    #[test]
    fn a_section_label_can_negate() {
        assert_eq!(candidates("Actions", None).first().map(|c| c.0), Some(Field::Title));
        assert!(candidates("Actions", Some("Autres informations liées")).is_empty());
    }

    #[test]
    fn help_text_is_recognised() {
        assert!(is_help("Champ texte\n(séparateur virgule)"));
        assert!(is_help("A compléter sur la plateforme."));
        assert!(is_help("Liste déroulante (choix unique)."));
        assert!(!is_help("Action 1 - Assurer la coordination"));
        assert!(is_help("➔ Utilisez exactement la même écriture"));
        assert!(is_help("Ces informations devront être saisies"));
        assert!(is_help("(exemple : 1. Titre)"));
        assert!(!is_help("Ce projet vise les familles"));
    }

    #[test]
    fn booleans_never_make_a_title() {
        let mut cands = vec![
            Candidate { col: 3, ranked: candidates("Titre de l'action", None) },
            Candidate { col: 7, ranked: vec![(Field::Title, 70)] },
        ];
        let ev = |c: u32| {
            let mut e = Evidence::default();
            let mut seen = BTreeSet::new();
            for i in 0..6 {
                let v = if c == 7 {
                    super::super::grid::Value::Bool(i % 2 == 0)
                } else {
                    super::super::grid::Value::Text(format!("Agir pour {i}"))
                };
                e.add(&v, &mut seen);
            }
            e
        };
        assert_eq!(assign(&mut cands, &ev), vec![Some(Field::Title), None]);
    }
}
