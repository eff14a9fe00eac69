//! A view of the plan's sheet: readable columns, frozen header row and row numbers, each
//! cell an anchor the diagnostics link to, the cited cells highlighted.

use std::collections::BTreeMap;

use crate::ingest::{Sheet, Workbook};
use crate::model::Plan;
use crate::serve::html::esc;
use crate::text::{a1, column_letters};
use crate::validate::{cell_key, Diagnostic, Severity};

const MAX_ROWS: usize = 300;
const MAX_COLS: u32 = 40;

/// The part of the plan's sheet the page shows.
pub struct SheetView<'a> {
    sheet: Option<&'a Sheet>,
    /// Last 0-based row shown.
    last_row: u32,
    /// Columns shown.
    width: u32,
}

impl<'a> SheetView<'a> {
    pub fn new(wb: &'a Workbook, plan: &Plan) -> Self {
        let sheet = plan.source.as_ref().and_then(|src| wb.sheets.iter().find(|s| s.name == src.sheet));
        let Some(s) = sheet else { return SheetView { sheet: None, last_row: 0, width: 0 } };
        let rows: Vec<_> = s.rows.iter().take(MAX_ROWS).collect();
        let width =
            rows.iter().flat_map(|(_, cells)| cells.iter().map(|(c, _)| *c + 1)).max().unwrap_or(0).min(MAX_COLS);
        let last_row = rows.last().map_or(0, |(r, _)| **r);
        SheetView { sheet, last_row, width }
    }

    /// The anchor of a diagnostic's cell, when the view shows it.
    pub fn anchor(&self, d: &Diagnostic) -> Option<String> {
        let s = self.sheet?;
        if d.sheet.as_deref() != Some(s.name.as_str()) {
            return None;
        }
        let (r, c) = cell_key(d.cell.as_deref());
        (r > 0 && c > 0 && r - 1 <= self.last_row && c <= self.width).then(|| cell_id(r - 1, c - 1))
    }
}

fn cell_id(r: u32, c: u32) -> String {
    format!("cellule-{}", a1(r, c))
}

/// The sheet's first rows; a cited cell is outlined and says why in its text.
pub fn sheet_html(view: &SheetView, diagnostics: &[Diagnostic]) -> String {
    let Some(sheet) = view.sheet else { return String::new() };
    let mut cited: BTreeMap<(u32, u32), Severity> = BTreeMap::new();
    for d in diagnostics.iter().filter(|d| d.sheet.as_deref() == Some(sheet.name.as_str())) {
        let (r, c) = cell_key(d.cell.as_deref());
        if r > 0 && c > 0 {
            let e = cited.entry((r - 1, c - 1)).or_insert(d.severity);
            *e = (*e).min(d.severity);
        }
    }
    let width = view.width;
    let mut out = format!(
        "<h2 id=\"feuille\">La feuille « {} »</h2>\n<p>Les cellules citées par un diagnostic sont encadrées : en rouge \
         pour une erreur, en ocre pour un avertissement ; le lien d'un diagnostic mène à sa cellule.</p>\n\
         <div class=\"feuille\" tabindex=\"0\" role=\"region\" aria-label=\"Contenu de la feuille\"><table>\
         <caption>Feuille « {} »{}</caption><thead><tr><th scope=\"col\">Ligne</th>",
        esc(&sheet.name),
        esc(&sheet.name),
        if sheet.rows.len() > MAX_ROWS { format!(" ({MAX_ROWS} premières lignes remplies)") } else { String::new() }
    );
    for c in 0..width {
        out.push_str(&format!("<th scope=\"col\">{}</th>", column_letters(c)));
    }
    out.push_str("</tr></thead><tbody>\n");
    for (r, cells) in sheet.rows.iter().take(MAX_ROWS) {
        out.push_str(&format!("<tr><th scope=\"row\">{}</th>", r + 1));
        let mut next = 0;
        for (c, v) in cells.iter().filter(|(c, _)| *c < width) {
            for k in next..*c {
                out.push_str(&cell(*r, k, "", &cited));
            }
            let text: String = v.text().chars().take(300).collect();
            out.push_str(&cell(*r, *c, &text, &cited));
            next = c + 1;
        }
        for k in next..width {
            out.push_str(&cell(*r, k, "", &cited));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
    out
}

fn cell(r: u32, c: u32, text: &str, cited: &BTreeMap<(u32, u32), Severity>) -> String {
    let id = cell_id(r, c);
    match cited.get(&(r, c)) {
        Some(s) => {
            format!("<td id=\"{id}\" class=\"cite-{}\"><strong>[{}]</strong> {}</td>", s.label(), s.label(), esc(text))
        }
        None => format!("<td id=\"{id}\">{}</td>", esc(text)),
    }
}
