//! A view of the plan's sheet with the cells cited by diagnostics highlighted, and the
//! column mapping (which column feeds which field).

use std::collections::BTreeMap;

use crate::ingest::Workbook;
use crate::model::Plan;
use crate::serve::html::esc;
use crate::text::column_letters;
use crate::validate::{cell_key, Diagnostic, Severity};

const MAX_ROWS: usize = 300;
const MAX_COLS: u32 = 40;

/// Which column feeds which field of the plan.
pub fn columns_html(plan: &Plan) -> String {
    let Some(src) = &plan.source else { return String::new() };
    let mut out = format!(
        "<h2>Colonnes lues</h2>\n<p>Plan lu dans la feuille « {} », en-tête en ligne {}.</p>\n\
         <table id=\"colonnes\"><caption>Correspondance des colonnes</caption><thead><tr><th scope=\"col\">Colonne</th>\
         <th scope=\"col\">En-tête dans le classeur</th><th scope=\"col\">Champ de plandoc</th></tr></thead><tbody>\n",
        esc(&src.sheet),
        src.header_row
    );
    for c in &src.columns {
        let field = if c.field == "extra" {
            "non reconnue : reprise telle quelle dans les documents".to_string()
        } else {
            crate::model::Field::from_key(&c.field).map_or_else(|| c.field.clone(), |f| f.label().to_string())
        };
        out.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            esc(&c.column),
            esc(&c.header),
            esc(&field)
        ));
    }
    out.push_str("</tbody></table>\n");
    out
}

/// The sheet's first rows; a cited cell is outlined and says why in its text.
pub fn sheet_html(wb: &Workbook, plan: &Plan, diagnostics: &[Diagnostic]) -> String {
    let Some(src) = &plan.source else { return String::new() };
    let Some(sheet) = wb.sheets.iter().find(|s| s.name == src.sheet) else { return String::new() };
    let mut cited: BTreeMap<(u32, u32), Severity> = BTreeMap::new();
    for d in diagnostics.iter().filter(|d| d.sheet.as_deref() == Some(sheet.name.as_str())) {
        let (r, c) = cell_key(d.cell.as_deref());
        if r > 0 && c > 0 {
            let e = cited.entry((r - 1, c - 1)).or_insert(d.severity);
            *e = (*e).min(d.severity);
        }
    }
    let rows: Vec<_> = sheet.rows.iter().take(MAX_ROWS).collect();
    let width = rows.iter().flat_map(|(_, cells)| cells.iter().map(|(c, _)| *c + 1)).max().unwrap_or(0).min(MAX_COLS);
    let mut out = format!(
        "<h2>La feuille « {} »</h2>\n<p>Les cellules citées par un diagnostic sont encadrées : en rouge pour une \
         erreur, en ocre pour un avertissement.</p>\n<div class=\"feuille\" tabindex=\"0\" role=\"region\" \
         aria-label=\"Contenu de la feuille\"><table><caption>Feuille « {} »{}</caption><thead><tr><th scope=\"col\">Ligne</th>",
        esc(&sheet.name),
        esc(&sheet.name),
        if sheet.rows.len() > MAX_ROWS { format!(" ({MAX_ROWS} premières lignes remplies)") } else { String::new() }
    );
    for c in 0..width {
        out.push_str(&format!("<th scope=\"col\">{}</th>", column_letters(c)));
    }
    out.push_str("</tr></thead><tbody>\n");
    for (r, cells) in rows {
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
    match cited.get(&(r, c)) {
        Some(s) => format!("<td class=\"cite-{}\"><strong>[{}]</strong> {}</td>", s.label(), s.label(), esc(text)),
        None => format!("<td>{}</td>", esc(text)),
    }
}
