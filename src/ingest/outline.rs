//! Numbered outlines in the number column: "1", "1.1", "1.1.1"… The numbering gives the
//! level. A row with rows numbered under it and nothing but a number and a title is a
//! level of the hierarchy; a row numbered under an action is one of its sub-actions. In a
//! deep outline (a référentiel: rows with values have numbered rows two levels under
//! them), every numbered parent is a level and every leaf an action.

use std::collections::BTreeMap;

use crate::model::Field;

use super::grid::{Sheet, Value};
use super::header::Header;
use super::roles::is_help;

#[derive(Debug, Clone, PartialEq)]
pub enum OutlineRow {
    /// A hierarchy level: its number and title.
    Level { number: String, title: String },
    /// A sub-action of the action numbered `parent`.
    Sub { parent: String },
    /// An action numbered `number`: the outline levels not above it end there.
    Action { number: String },
}

impl OutlineRow {
    /// Is `child` numbered under `parent` ("1.2.1" under "1.2")?
    pub fn is_under(child: &str, parent: &str) -> bool {
        is_under(child, parent)
    }
}

/// "1", "1.2", "1.2.3." → the dotted number without its final dot.
fn dotted(v: &Value) -> Option<String> {
    let t = match v {
        Value::Number(n) if *n >= 0.0 && *n < 1000.0 => crate::text::format_number(*n),
        Value::Text(t) => t.trim().trim_end_matches('.').to_string(),
        _ => return None,
    };
    let ok =
        !t.is_empty() && t.split('.').all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()));
    ok.then_some(t)
}

/// "1.1.1 Titre", "2. Titre", "1.2 - Titre" → ("1.1.1", "Titre"): an outline number
/// (parts of at most three digits) then a space or a separator, then text.
fn leading_number(text: &str) -> Option<(String, String)> {
    let t = text.trim_start();
    let end = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
    let number = dotted(&Value::Text(t[..end].to_string()))?;
    let after = &t[end..];
    if !after.starts_with(|c: char| c.is_whitespace() || matches!(c, ':' | '-' | '–' | '—' | ')')) {
        return None;
    }
    let rest = after.trim_start().trim_start_matches([':', '-', '–', '—', ')']).trim_start();
    (!rest.is_empty()).then(|| (number, rest.to_string()))
}

fn is_under(child: &str, parent: &str) -> bool {
    child.len() > parent.len() && child.starts_with(parent) && child.as_bytes()[parent.len()] == b'.'
}

/// What the numbering of a table says.
#[derive(Debug, Default)]
pub struct Outline {
    /// Rows the numbering makes levels, actions or sub-actions.
    pub rows: BTreeMap<u32, OutlineRow>,
    /// In a deep outline, the parent rows (levels) that also hold values in other columns:
    /// row and those columns. A level keeps only its number and title.
    pub valued_levels: Vec<(u32, Vec<u32>)>,
    /// Deep outline: leaves are the actions, every numbered parent a level.
    pub deep: bool,
}

impl Outline {
    pub fn get(&self, row: &u32) -> Option<&OutlineRow> {
        self.rows.get(row)
    }
}

/// The rows of `rows` (data rows, top to bottom) that the numbering makes levels or
/// sub-actions; empty when the number column holds no outline.
pub fn read_outline(sheet: &Sheet, header: &Header, rows: &[u32]) -> Outline {
    let mut out = Outline::default();
    let Some(title_col) = header.col_of(Field::Title) else {
        return out;
    };
    let num_col = header.col_of(Field::Number);
    // The number column, else a number written before the title in its cell ("1.1.1 Titre").
    let number_of = |r: u32| {
        let in_column = num_col.and_then(|c| sheet.get(r, c)).and_then(dotted);
        in_column.map(|n| (n, None)).or_else(|| match sheet.get(r, title_col) {
            Some(Value::Text(t)) => leading_number(t).map(|(n, rest)| (n, Some(rest))),
            _ => None,
        })
    };
    let numbered: Vec<(u32, String, Option<String>)> =
        rows.iter().filter_map(|&r| number_of(r).map(|(n, rest)| (r, n, rest))).collect();
    let valued = |r: u32| -> Vec<u32> {
        let cells = sheet.rows.get(&r).map(Vec::as_slice).unwrap_or_default();
        cells
            .iter()
            .filter(|(c, v)| {
                Some(*c) != num_col
                    && *c != title_col
                    && !v.text().trim().is_empty()
                    && !matches!(v, Value::Text(t) if is_help(t))
            })
            .map(|(c, _)| *c)
            .collect()
    };
    let has_fields = |r: u32| !valued(r).is_empty();
    let parent = |i: usize| numbered.get(i + 1).is_some_and(|(_, next, _)| is_under(next, &numbered[i].1));
    // A row with values whose numbered descendants have their own: no action has
    // sub-sub-actions, so the numbering is an outline of levels.
    out.deep = (0..numbered.len()).any(|i| {
        parent(i)
            && has_fields(numbered[i].0)
            && (i + 1..numbered.len()).take_while(|&j| is_under(&numbered[j].1, &numbered[i].1)).any(parent)
    });
    // The last action row and the levels above the current row.
    let mut action: Option<String> = None;
    for (i, (r, n, rest)) in numbered.iter().enumerate() {
        let out_rows = &mut out.rows;
        if action.as_deref().is_some_and(|a| is_under(n, a)) {
            out_rows.insert(*r, OutlineRow::Sub { parent: action.clone().unwrap_or_default() });
            continue;
        }
        let parent_of_next = parent(i);
        if parent_of_next && out.deep && has_fields(*r) {
            out.valued_levels.push((*r, valued(*r)));
        }
        if parent_of_next && (out.deep || !has_fields(*r)) {
            let title = match rest {
                Some(t) => crate::text::one_line(t),
                None => sheet.get(*r, title_col).map(|v| crate::text::one_line(&v.text())).unwrap_or_default(),
            };
            out_rows.insert(*r, OutlineRow::Level { number: n.clone(), title });
            action = None;
        } else {
            out_rows.insert(*r, OutlineRow::Action { number: n.clone() });
            action = Some(n.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outline_numbers() {
        assert_eq!(dotted(&Value::Text("1.2.3.".into())).as_deref(), Some("1.2.3"));
        assert_eq!(dotted(&Value::Number(4.0)).as_deref(), Some("4"));
        assert_eq!(dotted(&Value::Text("A1".into())), None);
        assert!(is_under("1.1", "1") && !is_under("11", "1") && !is_under("1", "1"));
        let lead = |t: &str| leading_number(t).map(|(n, r)| format!("{n}|{r}"));
        assert_eq!(lead("1.1.1 Titre").as_deref(), Some("1.1.1|Titre"));
        assert_eq!(lead("2 Mobilités").as_deref(), Some("2|Mobilités"));
        assert_eq!(lead("3. - Vélo").as_deref(), Some("3|Vélo"));
        assert_eq!(lead("2024 : étude"), None);
        assert_eq!(lead("1.2.3"), None);
        assert_eq!(lead("12h de formation"), None);
    }
}
