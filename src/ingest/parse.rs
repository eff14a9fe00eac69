//! Reading the meaning of single cells: action numbers and titles, ticks, rates, lists.

use crate::text::{fold, format_number};

use super::grid::Value;

/// Number, title and aim read from an action cell such as
/// "Action 12 : Créer un guide Objectif : informer les familles".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionText {
    pub number: Option<String>,
    pub title: String,
    pub aim: Option<String>,
}

pub fn parse_action_text(raw: &str) -> ActionText {
    let (number, rest) = split_leading_number(raw.trim());
    let (title, aim) = split_aim(rest);
    ActionText { number, title, aim }
}

/// "Action 12 : x", "Action n°12 x", "Fiche action 3 - x", "12. x", "12 - x", "1.2 x" → ("12", "x").
pub fn split_leading_number(s: &str) -> (Option<String>, &str) {
    let lower = s.to_lowercase();
    let mut pos = 0;
    let mut prefixed = false;
    // "Acion", "Actoin": one slip of the keyboard still announces a number.
    for prefix in ["fiche action", "fiche-action", "fiche", "actions", "action", "acion", "actoin", "acton", "ation"] {
        if lower.starts_with(prefix) {
            pos = prefix.len();
            prefixed = true;
            break;
        }
    }
    if prefixed {
        pos = skip_spaces(s, pos);
        for marker in ["n°", "nº", "no.", "no ", "n ", "#"] {
            if lower.get(pos..).is_some_and(|t| t.starts_with(marker)) {
                pos += marker.len();
                break;
            }
        }
        pos = skip_spaces(s, pos);
    }
    let mut digits_end = number_end(s, pos);
    if digits_end == pos {
        return (None, s);
    }
    // "111-1 Assurer…": a hyphen between digits belongs to the number.
    // Not "2022-2026 …": the part after the hyphen is short.
    while s[digits_end..].starts_with('-') {
        let end = number_end(s, digits_end + 1);
        if end == digits_end + 1 || end - digits_end > 4 {
            break;
        }
        digits_end = end;
    }
    let number = s[pos..digits_end].trim_end_matches('.').to_string();
    let after = &s[digits_end..];
    let trimmed = after.trim_start();
    let sep = trimmed.chars().next();
    let dotted = number.contains(['.', '-']);
    let ok = match sep {
        None => prefixed,
        Some(':' | '-' | '–' | '—' | ')' | '/' | '.') => true,
        Some(_) if after.starts_with(char::is_whitespace) => prefixed || dotted || s[pos..digits_end].ends_with('.'),
        _ => false,
    };
    if !ok {
        return (None, s);
    }
    let rest = trimmed.trim_start_matches([':', '-', '–', '—', ')', '/', '.']).trim_start();
    (Some(number), rest)
}

fn skip_spaces(s: &str, mut pos: usize) -> usize {
    while let Some(c) = s[pos..].chars().next() {
        if c.is_whitespace() {
            pos += c.len_utf8();
        } else {
            break;
        }
    }
    pos
}

/// End of "12", "12b", "1.2", "1.2.3", "12." starting at `pos`.
fn number_end(s: &str, pos: usize) -> usize {
    let b = s.as_bytes();
    let mut i = pos;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i == pos || i - pos > 4 {
        return pos;
    }
    // Sub-numbers: "1.2", "3.1.4".
    while i + 1 < b.len() && b[i] == b'.' && b[i + 1].is_ascii_digit() {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
    }
    // One letter suffix: "12b" then a non-letter.
    if i < b.len() && b[i].is_ascii_lowercase() && (i + 1 == b.len() || !b[i + 1].is_ascii_alphabetic()) {
        i += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
    }
    i
}

/// Splits "title Objectif : aim" (also "Objectifs :", "Objectif -") inside an action cell.
pub fn split_aim(s: &str) -> (String, Option<String>) {
    let bytes = s.as_bytes();
    let needle = b"objectif";
    let mut i = 1;
    while i + needle.len() <= bytes.len() {
        if bytes[i..i + needle.len()].eq_ignore_ascii_case(needle) && !bytes[i - 1].is_ascii_alphanumeric() {
            let mut j = i + needle.len();
            if j < bytes.len() && (bytes[j] == b's' || bytes[j] == b'S') {
                j += 1;
            }
            let rest = &s[j..];
            let t = rest.trim_start();
            if let Some(aim) = t.strip_prefix(':').or_else(|| t.strip_prefix('-')).or_else(|| t.strip_prefix('–')) {
                let title = crate::text::clean(&s[..i]).into_owned();
                let aim = crate::text::clean(aim).into_owned();
                if !title.is_empty() && !aim.is_empty() {
                    return (title, Some(aim));
                }
            }
        }
        i += 1;
    }
    (crate::text::clean(s).into_owned(), None)
}

/// Is a number cell's content a plausible action number? Returns it normalised.
pub fn action_number(v: &Value) -> Result<Option<String>, String> {
    match v {
        Value::Number(n) if *n >= 0.0 && *n < 100_000.0 => Ok(Some(format_number(*n))),
        Value::Text(t) => {
            let t = crate::text::one_line(t);
            if t.is_empty() {
                return Ok(None);
            }
            let (n, rest) = split_leading_number(&t);
            match n {
                Some(n) if rest.is_empty() => Ok(Some(n)),
                _ if is_code(&t) => Ok(Some(t)),
                _ => Err(t),
            }
        }
        other => Err(other.text()),
    }
}

/// Codes such as "A1", "FA-03", "2.3", "12b".
fn is_code(t: &str) -> bool {
    t.len() <= 12
        && t.chars().any(|c| c.is_ascii_digit())
        && t.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// What a year cell says: not running, running, or running with a milestone word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum YearMark {
    No,
    Yes,
    Milestone(String),
}

pub fn year_mark(v: &Value) -> YearMark {
    match v {
        Value::Number(n) if *n == 0.0 => YearMark::No,
        Value::Number(n) if *n == 1.0 => YearMark::Yes,
        Value::Number(n) => YearMark::Milestone(format_number(*n)),
        Value::Bool(b) => {
            if *b {
                YearMark::Yes
            } else {
                YearMark::No
            }
        }
        Value::Error(_) => YearMark::No,
        Value::Date(d) => YearMark::Milestone(d.clone()),
        Value::Text(t) => {
            let f = fold(t);
            match f.as_str() {
                "" | "non" | "no" | "0" | "-" | "—" | "n" | "faux" | "false" | "/" => YearMark::No,
                "x" | "xx" | "oui" | "o" | "yes" | "y" | "1" | "v" | "*" | "+" | "ok" | "vrai" | "true" | "✓" | "✔"
                | "✅" | "●" | "•" | "■" | "█" | "☑" | "☒" | "◼" | "▪" | "⬤" => YearMark::Yes,
                _ => YearMark::Milestone(crate::text::clean(t).into_owned()),
            }
        }
    }
}

/// A progress cell's number as written, when it is a bare number (no "%").
pub fn bare_progress(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => Some(*n),
        Value::Text(t) if !t.trim().ends_with('%') => {
            t.trim().replace(',', ".").replace(['\u{a0}', '\u{202f}', ' '], "").parse().ok()
        }
        _ => None,
    }
    .filter(|n: &f64| n.is_finite())
}

/// A progress rate in percent: 0.5, 50, "50 %", "0,5" → 50; its column read one way:
/// when `percents` (some bare value of the column is above 1), every bare number is a
/// percent, 1 is 1 %.
pub fn progress_in(v: &Value, percents: bool) -> Option<f64> {
    let n = match v {
        Value::Number(n) => *n,
        Value::Text(t) => {
            let t = t.trim();
            let percent = t.ends_with('%');
            let num = t.trim_end_matches('%').trim().replace(',', ".").replace(['\u{a0}', '\u{202f}', ' '], "");
            let n: f64 = num.parse().ok()?;
            if percent {
                return (0.0..=100.0).contains(&n).then_some(n);
            }
            n
        }
        _ => return None,
    };
    if !n.is_finite() {
        return None;
    }
    let pct = if n <= 1.0 && !percents { n * 100.0 } else { n };
    (0.0..=100.0).contains(&pct).then_some((pct * 100.0).round() / 100.0)
}

/// A list cell: lines, bullets or semicolons.
pub fn split_list(s: &str) -> Vec<String> {
    let parts: Vec<&str> = if s.contains('\n') { s.split('\n').collect() } else { s.split(';').collect() };
    parts
        .into_iter()
        .map(|p| p.trim().trim_start_matches(['-', '•', '*', '–', '·', '▪', '○']).trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// Years named by a schedule text: "2023-2025", "2023 à 2026", "2024, 2025", "2024".
pub fn schedule_years(s: &str) -> Option<Vec<i32>> {
    let f = fold(s);
    let mut years: Vec<i32> = Vec::new();
    let tokens: Vec<&str> = f.split(|c: char| !c.is_ascii_alphanumeric()).filter(|t| !t.is_empty()).collect();
    let mut i = 0;
    while i < tokens.len() {
        let Some(y) = super::fields::as_year(tokens[i]) else {
            if !matches!(tokens[i], "a" | "au" | "et" | "de" | "en" | "puis") {
                return None;
            }
            i += 1;
            continue;
        };
        // A range: "2023-2025" or "2023 à 2025" or "de 2023 à 2025".
        let next_year = tokens.get(i + 1).and_then(|t| super::fields::as_year(t));
        let range_word = tokens.get(i + 1).is_some_and(|t| matches!(*t, "a" | "au"));
        let is_range = (next_year.is_some() && f.contains(&format!("{}-{}", tokens[i], tokens[i + 1])))
            || (range_word && tokens.get(i + 2).and_then(|t| super::fields::as_year(t)).is_some());
        if is_range {
            let end_idx = if range_word { i + 2 } else { i + 1 };
            let end = super::fields::as_year(tokens[end_idx])?;
            if end < y || end - y > 30 {
                return None;
            }
            years.extend(y..=end);
            i = end_idx + 1;
        } else {
            years.push(y);
            i += 1;
        }
    }
    years.sort_unstable();
    years.dedup();
    (!years.is_empty()).then_some(years)
}

/// Every year written in a free text ("2023 : mise en place… 2025 : bilan", "1er janv
/// 2023", "2023-2025"), ranges expanded; `None` when there is none.
pub fn years_in_text(s: &str) -> Option<Vec<i32>> {
    let f = fold(s);
    let tokens: Vec<&str> = f.split(|c: char| !c.is_ascii_alphanumeric()).filter(|t| !t.is_empty()).collect();
    let mut years: Vec<i32> = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        let Some(y) = super::fields::as_year(t) else { continue };
        years.push(y);
        let range_word = tokens.get(i + 1).is_some_and(|w| matches!(*w, "a" | "au"));
        let end =
            if range_word { tokens.get(i + 2) } else { tokens.get(i + 1) }.and_then(|w| super::fields::as_year(w));
        let joined = end.is_some_and(|e| range_word || f.contains(&format!("{y}-{e}")));
        if let (true, Some(e)) = (joined, end) {
            if e > y && e - y <= 30 {
                years.extend(y..=e);
            }
        }
    }
    years.sort_unstable();
    years.dedup();
    (!years.is_empty()).then_some(years)
}

/// A date cell as ISO (YYYY-MM-DD) when it is one: a real date, a text date (jj/mm/aaaa,
/// ISO; US order only when unambiguous) or a serial number; otherwise the text as written.
pub fn parse_date(v: &Value) -> String {
    match v {
        Value::Date(d) => d.get(..10).unwrap_or(d).to_string(),
        Value::Number(n) if (1.0..2_958_466.0).contains(n) => {
            let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30);
            base.and_then(|b| b.checked_add_days(chrono::Days::new(n.trunc() as u64)))
                .map_or_else(|| format_number(*n), |d| d.format("%Y-%m-%d").to_string())
        }
        other => {
            let t = other.text();
            text_date(t.trim()).unwrap_or(t)
        }
    }
}

fn text_date(t: &str) -> Option<String> {
    let parts: Vec<&str> = t.split(['/', '-', '.']).map(str::trim).collect();
    let [a, b, c] = parts.as_slice() else { return None };
    let num = |s: &str| -> Option<u32> { s.bytes().all(|b| b.is_ascii_digit()).then(|| s.parse().ok()).flatten() };
    let (a, b, c) = (num(a)?, num(b)?, num(c)?);
    let (y, m, d) = if a > 999 {
        (a, b, c)
    } else if b > 12 && a <= 12 {
        (c, a, b) // US order, unambiguous
    } else {
        (c, b, a)
    };
    let y = if y < 100 { 2000 + y } else { y };
    let date = chrono::NaiveDate::from_ymd_opt(y as i32, m, d)?;
    Some(date.format("%Y-%m-%d").to_string())
}

/// "ENJEU 1 : …" → "1"; "Ambition n°3 …" → "3"; "II- …" → "II"; "AXE 2 -" → "2".
pub fn section_number(s: &str) -> Option<String> {
    let f = fold(s);
    let words: Vec<&str> =
        f.split(|c: char| c.is_whitespace() || c == ':' || c == '-' || c == '.').filter(|w| !w.is_empty()).collect();
    let first = *words.first()?;
    let candidate = if is_section_keyword(first) {
        let w: &str = words.get(1)?;
        let w = w.strip_prefix("no").filter(|r| !r.is_empty()).unwrap_or(w);
        if w == "no" || w == "n" {
            words.get(2)?
        } else {
            w
        }
    } else {
        first
    };
    if candidate.chars().all(|c| c.is_ascii_digit()) && candidate.len() <= 3 {
        return Some(candidate.to_string());
    }
    if is_roman(candidate)
        && (f.starts_with(&format!("{candidate}-"))
            || f.starts_with(&format!("{candidate} -"))
            || f.starts_with(&format!("{candidate}."))
            || is_section_keyword(first))
    {
        return Some(candidate.to_uppercase());
    }
    None
}

pub fn is_section_keyword(w: &str) -> bool {
    matches!(
        w,
        "axe"
            | "axes"
            | "ambition"
            | "ambitions"
            | "enjeu"
            | "enjeux"
            | "orientation"
            | "orientations"
            | "partie"
            | "titre"
            | "thematique"
            | "theme"
            | "volet"
            | "priorite"
            | "chapitre"
            | "domaine"
            | "champ"
    )
}

fn is_roman(w: &str) -> bool {
    !w.is_empty() && w.len() <= 5 && w.chars().all(|c| matches!(c, 'i' | 'v' | 'x'))
}

/// Does a lone text announce a top-level section ("ENJEU 1 :", "AXE 2 -", "I- …", "1- …")?
pub fn is_top_section(s: &str) -> bool {
    let f = fold(s);
    let first = f.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
    is_section_keyword(first) || section_number(s).is_some()
}

/// Letters all uppercase ("PETITE ENFANCE"), at least three of them.
pub fn is_all_caps(s: &str) -> bool {
    let letters: Vec<char> = s.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 3 && letters.iter().all(|c| !c.is_lowercase())
}

/// Removes a leading "Objectif", "Objectif stratégique" from an objective cell, keeping
/// its number: "Objectif stratégique n°2 : Agir" → "n°2 : Agir".
pub fn strip_objective_label(s: &str) -> String {
    let f = fold(s);
    if !f.starts_with("objectif") {
        return s.to_string();
    }
    let mut words: Vec<&str> = s.split_whitespace().collect();
    let mut drop = 1;
    if let Some(w) = words.get(1) {
        let fw = fold(w);
        if fw.starts_with("strategique")
            || fw.starts_with("operationnel")
            || fw.starts_with("general")
            || fw.starts_with("specifique")
        {
            drop = 2;
        }
    }
    // Its number ("1.2", "n°4") is kept: it tells the objective from its namesakes.
    let numbered = words.get(drop).is_some_and(|w| {
        let fw = fold(w);
        let fw = fw.trim_end_matches([':', '.']);
        fw.starts_with("no") && fw.len() > 2 && fw[2..].chars().all(|c| c.is_ascii_digit())
            || !fw.is_empty() && fw.chars().all(|c| c.is_ascii_digit() || c == '.')
    });
    if numbered && words.len() <= drop + 1 {
        return s.to_string(); // "Objectif 1.1": the number alone is no title
    }
    if !numbered {
        if let Some(w) = words.get(drop) {
            if matches!(*w, ":" | "-" | "–") {
                drop += 1;
            }
        }
    }
    words.drain(..drop.min(words.len()));
    let rest = words.join(" ");
    let rest = rest.trim_start_matches([':', '-', '–']).trim().to_string();
    if rest.is_empty() {
        s.to_string()
    } else {
        rest
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_inside_action_text() {
        let a = parse_action_text("Action 12 : Créer un guide Objectif : informer les familles.");
        assert_eq!(a.number.as_deref(), Some("12"));
        assert_eq!(a.title, "Créer un guide");
        assert_eq!(a.aim.as_deref(), Some("informer les familles."));
        assert_eq!(parse_action_text("Action 1 Amélioration de l'ancrage").number.as_deref(), Some("1"));
        assert_eq!(parse_action_text("12. Soutenir").number.as_deref(), Some("12"));
        assert_eq!(parse_action_text("12 - Soutenir").title, "Soutenir");
        assert_eq!(parse_action_text("Action n°7 – Soutenir").number.as_deref(), Some("7"));
        assert_eq!(parse_action_text("2 ateliers par an").number, None);
        assert_eq!(parse_action_text("1.2 Soutenir").number.as_deref(), Some("1.2"));
        assert_eq!(parse_action_text("Objectifs : tout").title, "Objectifs : tout");
        assert_eq!(parse_action_text("Acion 16. Créer").number.as_deref(), Some("16"));
    }

    #[test]
    fn year_marks() {
        assert_eq!(year_mark(&Value::Text("X".into())), YearMark::Yes);
        assert_eq!(year_mark(&Value::Text("✓".into())), YearMark::Yes);
        assert_eq!(year_mark(&Value::Number(1.0)), YearMark::Yes);
        assert_eq!(year_mark(&Value::Text("Étude".into())), YearMark::Milestone("Étude".into()));
        assert_eq!(year_mark(&Value::Text("non".into())), YearMark::No);
    }

    #[test]
    fn rates_and_schedules() {
        assert_eq!(progress_in(&Value::Number(0.5), false), Some(50.0));
        assert_eq!(progress_in(&Value::Number(50.0), false), Some(50.0));
        assert_eq!(progress_in(&Value::Text("50 %".into()), false), Some(50.0));
        assert_eq!(progress_in(&Value::Text("beaucoup".into()), false), None);
        assert_eq!(progress_in(&Value::Number(1.0), true), Some(1.0));
        assert_eq!(progress_in(&Value::Number(1.0), false), Some(100.0));
        assert_eq!(schedule_years("2023-2025"), Some(vec![2023, 2024, 2025]));
        assert_eq!(schedule_years("de 2023 à 2024"), Some(vec![2023, 2024]));
        assert_eq!(schedule_years("2024, 2026"), Some(vec![2024, 2026]));
        assert_eq!(schedule_years("au fil de l'eau"), None);
        assert_eq!(years_in_text("2023 : Mise en place\n2025 : bilan"), Some(vec![2023, 2025]));
        assert_eq!(years_in_text("à partir du 1er janv 2023"), Some(vec![2023]));
        assert_eq!(years_in_text("de 2023 à 2025"), Some(vec![2023, 2024, 2025]));
        assert_eq!(parse_date(&Value::Text("31/12/2025".into())), "2025-12-31");
        assert_eq!(parse_date(&Value::Text("12/31/2025".into())), "2025-12-31");
        assert_eq!(parse_date(&Value::Text("2024-03-09".into())), "2024-03-09");
        assert_eq!(parse_date(&Value::Number(47727.0)), "2030-09-01");
        assert_eq!(parse_date(&Value::Date("2022-11-16".into())), "2022-11-16");
        assert_eq!(parse_date(&Value::Text("fin 2025".into())), "fin 2025");
    }

    #[test]
    fn sections() {
        assert_eq!(section_number("ENJEU 1 : AGIR"), Some("1".into()));
        assert_eq!(section_number("Ambition n°3 Faciliter"), Some("3".into()));
        assert_eq!(section_number("Ambition N°5 Proposer"), Some("5".into()));
        assert_eq!(section_number("II- Vivre ensemble"), Some("II".into()));
        assert_eq!(section_number("1- Petite enfance"), Some("1".into()));
        assert!(is_top_section("ENJEUX TRANSVERSAUX : PILOTAGE"));
        assert!(!is_top_section("PETITE ENFANCE"));
        assert_eq!(strip_objective_label("Objectif Soutenir une offre"), "Soutenir une offre");
        assert_eq!(strip_objective_label("Objectif stratégique n°2 : Agir"), "n°2 : Agir");
        assert_eq!(strip_objective_label("Objectif 1.2 : Agir"), "1.2 : Agir");
        assert_eq!(strip_objective_label("Soutenir"), "Soutenir");
    }
}
