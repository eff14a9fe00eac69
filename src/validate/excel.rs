//! Excel's own limits (32,767 characters a cell, 255 a print header or an inline dropdown
//! list), foretold when a plan is validated — `check` warns, at the cell, of what the
//! XLSX annex will shorten — and the rules the annex writer follows to meet them.

use std::borrow::Cow;

use crate::model::{Action, Field, Plan};

use super::rules::Locator;
use super::{Code, Diagnostic};

/// Characters (UTF-16 units, as Excel counts) one cell holds.
pub const MAX_CELL: usize = 32_767;
/// Characters of a print header or footer, control codes included.
pub const MAX_HEADER: usize = 255;
/// Characters of a dropdown list written in the rule itself, commas included.
pub const MAX_INLINE_LIST: usize = 255;

fn units(s: &str) -> usize {
    s.encode_utf16().count()
}

/// `s` as one cell holds it: whole when it fits, else cut at a character boundary with
/// "…" marking the cut (the warning was given at validation).
pub fn cell_text(s: &str) -> Cow<'_, str> {
    if units(s) <= MAX_CELL {
        return Cow::Borrowed(s);
    }
    let mut out = String::new();
    let mut n = 0;
    for c in s.chars() {
        if n + c.len_utf16() > MAX_CELL - 1 {
            break;
        }
        n += c.len_utf16();
        out.push(c);
    }
    out.push('…');
    Cow::Owned(out)
}

/// "&" is a code in Excel headers and footers.
fn escape(s: &str) -> String {
    s.replace('&', "&&")
}

/// A print header or footer: `codes_left` then `left`, `codes_right` then `right`, each
/// text escaped. When the whole passes 255 characters the rule is: the right part keeps
/// at most 80 characters, the left part what remains, each cut with "…".
pub fn header(codes_left: &str, left: &str, codes_right: &str, right: &str) -> String {
    let whole = format!("{codes_left}{}{codes_right}{}", escape(left), escape(right));
    if units(&whole) <= MAX_HEADER {
        return whole;
    }
    let room = MAX_HEADER - units(codes_left) - units(codes_right);
    let right = shorten(right, units(&escape(right)).min(80).min(room));
    let left = shorten(left, room - units(&right));
    format!("{codes_left}{left}{codes_right}{right}")
}

/// `s` escaped, in at most `max` units: cut with "…" when longer (never inside "&&").
fn shorten(s: &str, max: usize) -> String {
    let whole = escape(s);
    if units(&whole) <= max {
        return whole;
    }
    let mut out = String::new();
    for c in s.chars() {
        let piece = if c == '&' { "&&".to_string() } else { c.to_string() };
        if units(&out) + units(&piece) + 1 > max {
            break;
        }
        out.push_str(&piece);
    }
    if max > 0 {
        out.push('…');
    }
    out
}

/// Whether labels can be written as a dropdown list inside the rule: no comma (Excel
/// splits the list there, with no escape), and at most 255 characters in all. Otherwise
/// the annex lists them in cells of a hidden sheet.
pub fn inline_list(labels: &[&str]) -> bool {
    let joined: usize = labels.iter().map(|l| units(&l.replace('"', "\"\""))).sum::<usize>() + labels.len();
    !labels.iter().any(|l| l.contains(',')) && joined.saturating_sub(1) <= MAX_INLINE_LIST
}

/// The warnings of every text the annex will have to cut: extra columns of one name and
/// milestones of one year joined into one cell, the plan's own information, its print
/// header and footer.
pub(super) fn check(plan: &Plan, loc: &Locator<'_>, out: &mut Vec<Diagnostic>) {
    for r in plan.actions() {
        joined_cells(r.action, loc, out);
        for s in &r.action.sub_actions {
            joined_cells(s, loc, out);
        }
    }
    let m = &plan.meta;
    let fields = [
        ("collectivité", &m.territory),
        ("titre", &m.title),
        ("n° de délibération", &m.deliberation_number),
        ("n° d'annexe", &m.annex_number),
        ("logo", &m.logo),
    ];
    for (name, value) in fields {
        if let Some(v) = value.as_deref().filter(|v| units(v) > MAX_CELL) {
            out.push(Diagnostic::new(
                Code::TexteTronque,
                format!(
                    "Le champ « {name} » du plan fait {} caractères, plus que les 32 767 qu'une cellule Excel peut tenir : l'annexe XLSX le coupe (les PDF le gardent entier).",
                    units(v)
                ),
            ));
        }
    }
    let title = m.title.as_deref().unwrap_or("Plan d'actions");
    let who = m.territory.as_deref().unwrap_or_default();
    if units(&escape(title)) + units(&escape(who)) + HEADER_CODES > MAX_HEADER {
        out.push(Diagnostic::new(
            Code::EnTeteRaccourci,
            "Le titre du plan et la collectivité passent les 255 caractères d'un en-tête d'impression Excel : dans l'annexe XLSX, l'en-tête les raccourcit (collectivité à 80 caractères au plus, le titre dans la place qui reste, « … » marquant la coupe).",
        ));
    }
}

/// Control codes of the annex's print header: "&L&\"-,Bold\"" and "&R".
pub const HEADER_LEFT: &str = "&L&\"-,Bold\"";
pub const HEADER_RIGHT: &str = "&R";
const HEADER_CODES: usize = 13;

fn joined_cells(a: &Action, loc: &Locator<'_>, out: &mut Vec<Diagnostic>) {
    let mut names: Vec<&str> = Vec::new();
    for e in &a.extra {
        if !names.contains(&e.name.as_str()) {
            names.push(&e.name);
        }
    }
    for name in names {
        let values: Vec<&str> = a.extra.iter().filter(|e| e.name == name).map(|e| e.value.as_str()).collect();
        let n = values.iter().map(|v| units(v)).sum::<usize>() + values.len().saturating_sub(1);
        if values.len() > 1 && n > MAX_CELL {
            let what = format!("les {} colonnes « {name} »", values.len());
            out.push(loc.place(cut_warning(a, &what, n), a, Field::Title));
        }
    }
    for (year, m) in &a.milestones {
        if units(m) > MAX_CELL {
            let what = format!("les jalons de {year}");
            out.push(loc.place(cut_warning(a, &what, units(m)), a, Field::Title));
        }
    }
}

fn cut_warning(a: &Action, what: &str, n: usize) -> Diagnostic {
    Diagnostic::new(
        Code::TexteTronque,
        format!(
            "L'{} : {what} réunis font {n} caractères, plus que les 32 767 qu'une cellule Excel peut tenir : l'annexe XLSX les coupe (les fiches les gardent entiers).",
            a.label()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_headers_and_lists_fit_excel() {
        let long = "é".repeat(40_000);
        let cut = cell_text(&long);
        assert_eq!(units(&cut), MAX_CELL);
        assert!(cut.ends_with('…'));
        assert_eq!(cell_text("court"), "court");
        let h = header(HEADER_LEFT, &"Plan & projet ".repeat(20), HEADER_RIGHT, &"Commune ".repeat(30));
        assert!(units(&h) <= MAX_HEADER, "{}", units(&h));
        assert!(h.contains("Plan && projet") && h.contains("&RCommune") && h.ends_with('…'), "{h}");
        assert!(!h.replace("&&", "").contains("&…"));
        assert_eq!(header(HEADER_LEFT, "Titre", HEADER_RIGHT, "Ville"), "&L&\"-,Bold\"Titre&RVille");
        assert!(inline_list(&["À lancer", "En cours"]));
        assert!(!inline_list(&["En cours, retardé", "Fait"]));
        assert!(!inline_list(&[&"x".repeat(200), &"y".repeat(60)]));
    }
}
