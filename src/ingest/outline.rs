//! Numbered outlines in the number column: "1", "1.1", "1.1.1"… The numbering gives the
//! level. A row with rows numbered under it and nothing but a number and a title is a
//! level of the hierarchy; a row numbered under an action is one of its sub-actions.

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

fn is_under(child: &str, parent: &str) -> bool {
    child.len() > parent.len() && child.starts_with(parent) && child.as_bytes()[parent.len()] == b'.'
}

/// The rows of `rows` (data rows, top to bottom) that the numbering makes levels or
/// sub-actions; empty when the number column holds no outline.
pub fn read_outline(sheet: &Sheet, header: &Header, rows: &[u32]) -> BTreeMap<u32, OutlineRow> {
    let mut out = BTreeMap::new();
    let (Some(num_col), Some(title_col)) = (header.col_of(Field::Number), header.col_of(Field::Title)) else {
        return out;
    };
    let numbered: Vec<(u32, String)> =
        rows.iter().filter_map(|&r| sheet.get(r, num_col).and_then(dotted).map(|n| (r, n))).collect();
    let has_fields = |r: u32| {
        sheet.rows.get(&r).is_some_and(|cells| {
            cells.iter().any(|(c, v)| {
                *c != num_col
                    && *c != title_col
                    && !v.text().trim().is_empty()
                    && !matches!(v, Value::Text(t) if is_help(t))
            })
        })
    };
    // The last action row and the levels above the current row.
    let mut action: Option<String> = None;
    for (i, (r, n)) in numbered.iter().enumerate() {
        if action.as_deref().is_some_and(|a| is_under(n, a)) {
            out.insert(*r, OutlineRow::Sub { parent: action.clone().unwrap_or_default() });
            continue;
        }
        let parent_of_next = numbered.get(i + 1).is_some_and(|(_, next)| is_under(next, n));
        if parent_of_next && !has_fields(*r) {
            let title = sheet.get(*r, title_col).map(|v| crate::text::one_line(&v.text())).unwrap_or_default();
            out.insert(*r, OutlineRow::Level { number: n.clone(), title });
            action = None;
        } else {
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
    }
}
