//! How much a table looks like a plan of actions: evidence for it (distinct titles, action
//! verbs, levels or numbering, people, calendar) and against it (an amount on every row,
//! invoice references, account codes, place names), a score out of 100 and, below the
//! threshold, what the table looks like instead. The words are templates/ressemblance.toml.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use crate::model::Field;
use crate::text::{fold, fold_words};

use super::grid::{Sheet, Value};
use super::header::{Column, Header};

/// Tables scoring below this are not read as plans (unless forced).
pub const THRESHOLD: u32 = 30;
/// Data rows weighed: the first ones are enough and keep big sheets cheap.
const ROWS_READ: usize = 1000;
/// A table with no evidence either way scores this.
const NEUTRAL: i32 = 50;

/// The plan-likeness of a table: its score out of 100 and why, in French.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Likeness {
    pub score: u32,
    pub reason: String,
}

impl Likeness {
    pub fn is_plan(&self) -> bool {
        self.score >= THRESHOLD
    }
}

/// The word lists of templates/ressemblance.toml, folded.
struct Words {
    verbs: BTreeSet<String>,
    nouns: BTreeSet<String>,
    after_verb: BTreeSet<String>,
    references: Vec<Vec<String>>,
    money: Vec<Vec<String>>,
    accounts: Vec<Vec<String>>,
    places: Vec<Vec<String>>,
    links: BTreeSet<String>,
}

fn embedded() -> toml::Table {
    include!(concat!(env!("OUT_DIR"), "/ressemblance.rs"))
}

fn list(t: &toml::Table, section: &str, key: &str) -> Vec<Vec<String>> {
    let items = t.get(section).and_then(|s| s.get(key)).and_then(toml::Value::as_array);
    items
        .into_iter()
        .flatten()
        .filter_map(toml::Value::as_str)
        .map(|w| fold_words(w).split(' ').map(str::to_string).collect())
        .collect()
}

fn set(t: &toml::Table, section: &str, key: &str) -> BTreeSet<String> {
    list(t, section, key).into_iter().map(|w| w.join(" ")).collect()
}

fn words() -> &'static Words {
    static WORDS: OnceLock<Words> = OnceLock::new();
    WORDS.get_or_init(|| {
        let t = embedded();
        Words {
            verbs: set(&t, "action", "verbes"),
            nouns: set(&t, "action", "noms"),
            after_verb: set(&t, "action", "apres_verbe"),
            references: list(&t, "depenses", "references"),
            money: list(&t, "depenses", "montants"),
            accounts: list(&t, "comptes", "entetes"),
            places: list(&t, "lieux", "entetes"),
            links: set(&t, "lieux", "liaisons"),
        }
    })
}

/// Does `header` hold one of `phrases` as whole words, in order?
fn names(header: &str, phrases: &[Vec<String>]) -> bool {
    let folded = fold_words(header);
    let h: Vec<&str> = folded.split(' ').collect();
    phrases.iter().any(|p| !p.is_empty() && h.windows(p.len()).any(|w| w.iter().zip(p).all(|(a, b)| a == b)))
}

/// What the data rows hold.
#[derive(Debug, Default)]
struct Tally {
    rows: usize,
    titles: usize,
    distinct_titles: usize,
    sentences: usize,
    action_words: usize,
    /// Titles that are numbers or codes.
    coded_titles: usize,
    /// Titles that read as place names ("Saint-Martin-sur-Lot").
    place_titles: usize,
    place_examples: Vec<String>,
    money_rows: usize,
    /// Numbers like outline or action numbers (1, 2.3, A4).
    small_numbers: usize,
    /// Long numeric codes in the number column, as written.
    codes: Vec<String>,
    /// 5-digit codes (INSEE, postal) in some column.
    insee_rows: usize,
}

/// Header words that are evidence against a plan: counted on columns holding no plan field
/// but numbers, titles, places or amounts.
#[derive(Debug, Default)]
struct Against {
    references: Vec<String>,
    money: Vec<String>,
    accounts: Vec<String>,
    places: Vec<String>,
}

fn against(header: &Header) -> Against {
    let w = words();
    let mut a = Against::default();
    let neutral = |c: &Column| {
        matches!(c.field, None | Some(Field::Number | Field::Title | Field::Territory | Field::Amount | Field::Budget))
    };
    for c in header.columns.iter().filter(|c| neutral(c)) {
        let quoted = format!("« {} »", c.header);
        if names(&c.header, &w.references) {
            a.references.push(quoted.clone());
        }
        if names(&c.header, &w.money) {
            a.money.push(quoted.clone());
        }
        if names(&c.header, &w.accounts) {
            a.accounts.push(quoted.clone());
        }
        if names(&c.header, &w.places) {
            a.places.push(quoted);
        }
    }
    a
}

/// "Action 3 : Créer…", "1.2.1 Créer…", "111-1 Créer…" → the words from "creer" on.
fn title_words(text: &str) -> Vec<String> {
    let folded = fold_words(text);
    let all: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    let mut i = 0;
    while i < all.len() {
        let has_digit = |w: &str| w.bytes().any(|b| b.is_ascii_digit());
        // A number, or "Action", "Fiche n°"… before one.
        let label = matches!(all[i], "action" | "fiche" | "mesure" | "n" | "no")
            && all.get(i + 1).is_some_and(|n| has_digit(n) || matches!(*n, "n" | "no"));
        if !(has_digit(all[i]) || label) {
            break;
        }
        i += 1;
    }
    all[i..].iter().map(|w| w.to_string()).collect()
}

fn is_action_word(words_of: &[String]) -> bool {
    let w = words();
    let Some(first) = words_of.first() else { return false };
    if w.verbs.contains(first) || w.nouns.contains(first) {
        return true;
    }
    // An infinitive not listed, known by what follows it.
    (first.ends_with("er") || first.ends_with("ir"))
        && first.len() >= 5
        && words_of.get(1).is_some_and(|n| w.after_verb.contains(n))
}

/// "Saint-Martin-sur-Lot", "Villeneuve", "AIX-LES-BAINS": capitalised words, no digit.
fn is_place(text: &str) -> bool {
    let t = text.trim();
    if t.is_empty() || t.chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    let parts: Vec<&str> = t.split(|c: char| c.is_whitespace() || matches!(c, '-' | '\'' | '’')).collect();
    let parts: Vec<&str> = parts.into_iter().filter(|p| !p.is_empty()).collect();
    let links = &words().links;
    let capital = |p: &str| p.chars().next().is_some_and(char::is_uppercase);
    (1..=6).contains(&parts.len())
        && parts.iter().all(|p| capital(p) || links.contains(&fold(p)))
        && parts.iter().any(|p| capital(p))
}

fn is_code_text(t: &str) -> bool {
    let t = t.trim();
    !t.contains(char::is_whitespace) && (t.bytes().any(|b| b.is_ascii_digit()) || t.chars().count() <= 2)
}

/// Digits only, 3 to 8 of them: an account, product or INSEE code.
fn numeric_code(v: &Value) -> Option<String> {
    let t = match v {
        Value::Number(n) if n.fract() == 0.0 && *n >= 0.0 => crate::text::format_number(*n),
        Value::Text(t) => t.trim().to_string(),
        _ => return None,
    };
    ((3..=8).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit())).then_some(t)
}

/// 1, 12, 2.3, 1.2.1, A4, "3-1": an action or outline number.
fn is_small_number(v: &Value, rows: usize) -> bool {
    match v {
        Value::Number(n) => n.fract() == 0.0 && *n >= 0.0 && *n <= (2 * rows + 10) as f64,
        Value::Text(t) => {
            let t = t.trim().trim_end_matches('.');
            let letters = t.bytes().take_while(u8::is_ascii_alphabetic).count();
            let rest = &t[letters..];
            letters <= 3
                && !rest.is_empty()
                && rest.split(['.', '-']).all(|p| (1..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
        }
        _ => false,
    }
}

fn is_money(v: &Value) -> bool {
    match v {
        Value::Number(_) => true,
        Value::Text(t) => crate::text::parse_amount(t).is_some() && !t.chars().any(char::is_alphabetic),
        _ => false,
    }
}

/// The data rows weighed: under the header, template rows left out.
fn data_rows(sheet: &Sheet, header: &Header) -> Vec<u32> {
    sheet
        .rows
        .range(header.row + 1..)
        .filter(|(r, cells)| !cells.is_empty() && !header.is_skipped(**r))
        .map(|(r, _)| *r)
        .take(ROWS_READ)
        .collect()
}

fn tally(sheet: &Sheet, header: &Header) -> Tally {
    let rows = data_rows(sheet, header);
    let mut t = Tally { rows: rows.len(), ..Default::default() };
    let title_col = header.col_of(Field::Title);
    let number_col = header.col_of(Field::Number);
    let w = words();
    let money_cols: Vec<u32> = header
        .columns
        .iter()
        .filter(|c| {
            matches!(c.field, Some(Field::Amount | Field::Budget | Field::BudgetOperating | Field::BudgetInvestment))
                || (c.field.is_none() && names(&c.header, &w.money))
        })
        .map(|c| c.col)
        .collect();
    let mut seen = BTreeSet::new();
    let mut five_digits: std::collections::BTreeMap<u32, usize> = Default::default();
    for &r in &rows {
        if let Some(v) = title_col.and_then(|c| sheet.get(r, c)) {
            title_evidence(&mut t, v, &mut seen);
        }
        if money_cols.iter().any(|c| sheet.get(r, *c).is_some_and(is_money)) {
            t.money_rows += 1;
        }
        if let Some(v) = number_col.and_then(|c| sheet.get(r, c)) {
            if is_small_number(v, rows.len()) {
                t.small_numbers += 1;
            } else if let Some(code) = numeric_code(v) {
                t.codes.push(code);
            }
        }
        for (c, v) in sheet.rows.get(&r).into_iter().flatten() {
            if matches!(v, Value::Text(s) if s.trim().len() == 5 && s.trim().bytes().all(|b| b.is_ascii_digit())) {
                *five_digits.entry(*c).or_default() += 1;
            }
        }
    }
    t.distinct_titles = seen.len();
    t.insee_rows = five_digits.values().copied().max().unwrap_or(0);
    t
}

fn title_evidence(t: &mut Tally, v: &Value, seen: &mut BTreeSet<String>) {
    let text = v.as_text();
    if text.trim().is_empty() {
        return;
    }
    t.titles += 1;
    seen.insert(fold(&text));
    if matches!(v, Value::Number(_) | Value::Date(_) | Value::Bool(_)) || is_code_text(&text) {
        t.coded_titles += 1;
        return;
    }
    let ws = title_words(&text);
    let lettered = ws.iter().filter(|w| w.chars().any(char::is_alphabetic)).count();
    if lettered >= 2 {
        t.sentences += 1;
    }
    let action = is_action_word(&ws);
    if action {
        t.action_words += 1;
    } else if is_place(&text) {
        t.place_titles += 1;
        if t.place_examples.len() < 3 && !t.place_examples.iter().any(|e| fold(e) == fold(&text)) {
            t.place_examples.push(text.trim().to_string());
        }
    }
}

fn share(n: usize, of: usize) -> f64 {
    if of == 0 {
        0.0
    } else {
        n as f64 / of as f64
    }
}

/// Points for and against, each with what it stands for.
#[derive(Debug, Default)]
struct Points {
    ledger: f64,
    accounts: f64,
    places: f64,
    not_text: f64,
    repeated: f64,
    plan: f64,
    /// The evidence for a plan besides titles, in French.
    found: Vec<&'static str>,
}

fn points(t: &Tally, a: &Against, header: &Header) -> Points {
    let mut p = Points::default();
    let has = |pred: &dyn Fn(Field) -> bool| header.columns.iter().any(|c| c.field.is_some_and(pred));
    let titles = t.titles;
    let distinct = share(t.distinct_titles, titles);
    let levels = !header.hierarchy_cols().is_empty() || share(t.small_numbers, t.rows) >= 0.5;
    let people = has(&|f| {
        matches!(
            f,
            Field::Pilot
                | Field::PilotPerson
                | Field::PilotService
                | Field::PilotStructure
                | Field::Elected
                | Field::Partners
                | Field::Public
        )
    });
    let time = has(&|f| {
        matches!(
            f,
            Field::Year(_)
                | Field::Schedule
                | Field::StartDate
                | Field::EndDate
                | Field::Status
                | Field::Priority
                | Field::Progress
                | Field::Indicators
        )
    });
    p.plan = 15.0 * share(t.sentences, titles)
        + 25.0 * (share(t.action_words, titles) / 0.4).min(1.0)
        + if levels { 8.0 } else { 0.0 }
        + if people { 8.0 } else { 0.0 }
        + if time { 6.0 } else { 0.0 }
        + if distinct >= 0.9 { 5.0 } else { 0.0 };
    p.plan = p.plan.min(50.0);
    for (yes, what) in
        [(levels, "niveaux ou numérotation"), (people, "pilotes ou partenaires"), (time, "calendrier ou suivi")]
    {
        if yes {
            p.found.push(what);
        }
    }
    let money = share(t.money_rows, t.rows);
    if money >= 0.5 {
        p.ledger = 25.0 * money + if a.money.is_empty() { 0.0 } else { 10.0 };
    }
    p.ledger += (12.0 * a.references.len() as f64).min(36.0);
    let distinct_codes: BTreeSet<&String> = t.codes.iter().collect();
    let big = t.codes.iter().filter(|c| c.parse::<u64>().is_ok_and(|n| n > (2 * t.rows + 10) as u64)).count();
    if distinct_codes.len() * 2 >= t.codes.len() {
        p.accounts = 35.0 * share(big, t.rows);
    }
    p.accounts += (12.0 * a.accounts.len() as f64).min(24.0);
    let insee = share(t.insee_rows, t.rows);
    p.places = 30.0 * if insee >= 0.8 { insee } else { 0.0 } + (12.0 * a.places.len() as f64).min(36.0);
    if p.places > 0.0 {
        p.places += 20.0 * share(t.place_titles, titles);
    }
    p.not_text = 30.0 * share(t.coded_titles, titles);
    if titles >= 10 && distinct < 0.5 {
        p.repeated = 20.0 * (1.0 - distinct);
    }
    p
}

/// The plan-likeness of the table under `header` in `sheet`.
pub fn assess(sheet: &Sheet, header: &Header) -> Likeness {
    let t = tally(sheet, header);
    let a = against(header);
    let p = points(&t, &a, header);
    let total = f64::from(NEUTRAL) + p.plan - p.ledger - p.accounts - p.places - p.not_text - p.repeated;
    let score = total.round().clamp(0.0, 100.0) as u32;
    let title = header.columns.iter().find(|c| c.field == Some(Field::Title)).map_or("", |c| c.header.as_str());
    let reason = if score >= THRESHOLD { plan_reason(&t, &p) } else { not_plan_reason(&t, &a, &p, title) };
    Likeness { score, reason }
}

fn percent(n: usize, of: usize) -> String {
    format!("{} %", (share(n, of) * 100.0).round() as u32)
}

fn plan_reason(t: &Tally, p: &Points) -> String {
    let mut why = vec![
        format!("{} d'intitulés distincts", percent(t.distinct_titles, t.titles)),
        format!("{} commençant par un verbe ou un nom d'action", percent(t.action_words, t.titles)),
    ];
    why.extend(p.found.iter().map(|s| s.to_string()));
    let mut but = Vec::new();
    if p.ledger >= 10.0 {
        but.push("des montants ou des références de pièces");
    }
    if p.accounts >= 10.0 {
        but.push("des codes de compte");
    }
    if p.places >= 10.0 {
        but.push("des noms de lieux");
    }
    if p.not_text + p.repeated >= 10.0 {
        but.push("des intitulés répétés ou codés");
    }
    if !but.is_empty() {
        why.push(format!("malgré {}", but.join(", ")));
    }
    format!("ressemble à un plan d'actions : {}", why.join(", "))
}

fn examples(list: &[String]) -> String {
    let shown: Vec<String> = list.iter().take(3).map(|s| format!("« {s} »")).collect();
    format!("{}{}", shown.join(", "), if list.len() > 3 { "…" } else { "" })
}

fn not_plan_reason(t: &Tally, a: &Against, p: &Points, title: &str) -> String {
    let worst = p.ledger.max(p.accounts).max(p.places);
    if worst >= 10.0 && worst == p.ledger {
        let mut parts = Vec::new();
        if share(t.money_rows, t.rows) >= 0.5 {
            let cols = if a.money.is_empty() { String::new() } else { format!(" ({})", a.money.join(", ")) };
            parts.push(format!("un montant par ligne{cols}"));
        }
        if !a.references.is_empty() {
            parts.push(format!("des références de pièces ou de tiers ({})", a.references.join(", ")));
        }
        parts.push("pas d'intitulé d'action".into());
        return format!("liste de mandats : {}", parts.join(", "));
    }
    if worst >= 10.0 && worst == p.accounts {
        let mut distinct: Vec<String> = Vec::new();
        for c in &t.codes {
            if !distinct.contains(c) {
                distinct.push(c.clone());
            }
        }
        let codes = if distinct.is_empty() {
            format!("des colonnes {}", a.accounts.join(", "))
        } else {
            format!("des codes de compte ({})", examples(&distinct))
        };
        return format!("nomenclature comptable : {codes} et leurs libellés, pas d'intitulé d'action");
    }
    if worst >= 10.0 {
        let mut parts = Vec::new();
        if !t.place_examples.is_empty() {
            parts.push(format!("des noms de lieux ({})", examples(&t.place_examples)));
        }
        if share(t.insee_rows, t.rows) >= 0.8 {
            parts.push("des codes INSEE ou postaux".into());
        }
        if !a.places.is_empty() {
            parts.push(format!("des colonnes {}", a.places.join(", ")));
        }
        parts.push("pas d'intitulé d'action".into());
        return format!("liste de communes : {}", parts.join(", "));
    }
    format!(
        "pas d'intitulé d'action : dans la colonne « {title} », {} valeurs sur {} sont des phrases, {} commencent par \
         un verbe d'action, {} sont des nombres ou des codes, {} sont distinctes",
        t.sentences, t.titles, t.action_words, t.coded_titles, t.distinct_titles
    )
}

/// Fewest data rows under a header naming no title column for its values to name one.
const MIN_UNTITLED_ROWS: usize = 10;

/// A table whose header names no title column ("Nom du projet", "Opération"…): its header
/// row and the column whose values read as action titles — distinct phrases, most opening
/// with an action verb —, with the evidence in French. `None` when no column reads so.
pub fn title_by_values(sheet: &Sheet) -> Option<(u32, u32, String)> {
    let first = *sheet.rows.keys().next()?;
    let (row, cells) = sheet.rows.range(first..first.saturating_add(40)).find(|(r, cells)| {
        let texts = cells.iter().filter(|(_, v)| matches!(v, Value::Text(t) if t.chars().count() <= 120)).count();
        texts >= 3
            && texts == cells.len()
            && sheet.rows.range(**r + 1..).take(MIN_UNTITLED_ROWS).count() == MIN_UNTITLED_ROWS
    })?;
    let rows: Vec<u32> = sheet.rows.range(row + 1..).map(|(r, _)| *r).take(ROWS_READ).collect();
    let mut best: Option<(usize, u32, Tally)> = None;
    for (col, _) in cells {
        let mut t = Tally { rows: rows.len(), ..Default::default() };
        let mut seen = BTreeSet::new();
        for r in &rows {
            if let Some(v) = sheet.get(*r, *col) {
                title_evidence(&mut t, v, &mut seen);
            }
        }
        t.distinct_titles = seen.len();
        let good = t.titles * 2 >= rows.len()
            && share(t.sentences, t.titles) >= 0.6
            && share(t.distinct_titles, t.titles) >= 0.8
            && share(t.action_words, t.titles) >= 0.3;
        if good && best.as_ref().is_none_or(|(n, _, _)| t.action_words > *n) {
            best = Some((t.action_words, *col, t));
        }
    }
    let (_, col, t) = best?;
    let why = format!(
        "{} valeurs sur {} distinctes, {} commençant par un verbe ou un nom d'action",
        t.distinct_titles,
        t.titles,
        percent(t.action_words, t.titles)
    );
    Some((*row, col, why))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_lists_are_loaded_folded() {
        let w = words();
        assert!(w.verbs.contains("creer") && w.verbs.contains("developper") && w.verbs.len() > 100);
        assert!(w.nouns.contains("mise") && w.links.contains("sur"));
        assert!(names("N° mandat", &w.references) && names("Montant TTC", &w.money));
        assert!(names("Code INSEE", &w.places) && !names("Communication", &w.places));
        assert!(!names("Partenaires", &w.money));
    }

    #[test]
    fn titles_places_and_numbers() {
        assert_eq!(title_words("Action 3 : Créer un lieu"), ["creer", "un", "lieu"]);
        assert_eq!(title_words("111-1 Assurer l'ambition"), ["assurer", "l", "ambition"]);
        assert!(is_action_word(&title_words("1.2 Végétaliser les cours d'école")));
        assert!(!is_action_word(&title_words("Fournitures de bureau")));
        assert!(is_place("Saint-Martin-sur-Lot") && is_place("AIX-LES-BAINS") && is_place("Villeneuve"));
        assert!(!is_place("Créer un lieu d'accueil") && !is_place("Lot 3"));
        assert!(is_small_number(&Value::Text("1.2.3".into()), 10) && is_small_number(&Value::Text("A4".into()), 10));
        assert!(!is_small_number(&Value::Text("M2024-00001".into()), 10));
        assert_eq!(numeric_code(&Value::Number(6064.0)).as_deref(), Some("6064"));
    }
}
