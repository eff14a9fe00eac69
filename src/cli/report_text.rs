//! The readable French report of a check: a summary line, the columns read, the
//! diagnostics grouped by severity, the notes and the count.

use crate::model::{ColumnInfo, Field};
use crate::validate::{CheckReport, Diagnostic, Severity};

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n > 1 { many } else { one })
}

/// Which column feeds which field, the columns kept as extra, the rows skipped.
fn columns_text(r: &CheckReport) -> String {
    let mut out = String::new();
    if r.columns.is_empty() {
        return out;
    }
    let (Some(sheet), Some(row)) = (&r.sheet, r.header_row) else { return out };
    out.push_str(&format!("\nColonnes lues (feuille « {sheet} », en-tête ligne {row})\n"));
    let width = r.columns.iter().map(|c| c.column.len()).max().unwrap_or(1);
    let (known, extra): (Vec<&ColumnInfo>, Vec<&ColumnInfo>) = r.columns.iter().partition(|c| c.field.is_some());
    for c in known {
        let label = c.field.map(Field::label).unwrap_or_default();
        out.push_str(&format!("  {:width$}  « {} » → {label}\n", c.column, c.header));
    }
    if !extra.is_empty() {
        let list: Vec<String> = extra.iter().map(|c| format!("{} « {} »", c.column, c.header)).collect();
        out.push_str(&format!("  Gardées telles quelles (affichées sur les fiches) : {}\n", list.join(", ")));
    }
    for s in &r.skipped_rows {
        out.push_str(&format!("  Ligne {} ignorée : {}\n", s.row, s.reason));
    }
    out
}

/// The readable report: a summary line, then diagnostics grouped by severity.
pub fn human(r: &CheckReport) -> String {
    let mut out = String::new();
    if let (Some(ax), Some(ob), Some(ac)) = (r.axes, r.objectives, r.actions) {
        let period = match (r.first_year, r.last_year) {
            (Some(a), Some(b)) => format!(", {a}-{b}"),
            _ => String::new(),
        };
        let who = r.territory.as_deref().map(|t| format!(" — {t}")).unwrap_or_default();
        out.push_str(&format!(
            "{}{who} ({}{period}) : {}, {}, {}\n",
            r.file,
            r.kind.as_deref().unwrap_or("autre"),
            plural(ax, "axe", "axes"),
            plural(ob, "objectif", "objectifs"),
            plural(ac, "action", "actions"),
        ));
        if let Some(n) = r.sub_actions.filter(|n| *n > 0) {
            out.push_str(&format!("  dont {} rattachées à leur action\n", plural(n, "sous-action", "sous-actions")));
        }
    } else {
        out.push_str(&format!("{} : illisible comme plan d'actions\n", r.file));
    }
    out.push_str(&columns_text(r));
    for (sev, title) in [(Severity::Error, "Erreurs"), (Severity::Warning, "Avertissements")] {
        let group: Vec<&Diagnostic> = r.diagnostics.iter().filter(|d| d.severity == sev).collect();
        if group.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{title} ({})\n", group.len()));
        let width = group.iter().map(|d| d.place().chars().count()).max().unwrap_or(0);
        for d in group {
            let place = d.place();
            if width == 0 {
                out.push_str(&format!("  {}  [{}]\n", d.message, d.code));
            } else {
                let pad = " ".repeat(width - place.chars().count());
                out.push_str(&format!("  {place}{pad}  {}  [{}]\n", d.message, d.code));
            }
        }
    }
    if !r.notes.is_empty() {
        out.push_str("\nNotes\n");
        for n in &r.notes {
            out.push_str(&format!("  {n}\n"));
        }
    }
    let errors = r.diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = r.diagnostics.len() - errors;
    out.push_str(&format!(
        "\nRésultat : {}, {}.\n",
        plural(errors, "erreur", "erreurs"),
        plural(warnings, "avertissement", "avertissements")
    ));
    out
}
