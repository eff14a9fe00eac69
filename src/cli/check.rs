//! `plandoc check`: read, validate, report readably or as JSON.

use crate::ingest::{read_plan, Limits, ReadOptions};
pub use crate::validate::{sorted, CheckReport};
use crate::validate::{Diagnostic, Severity};

use super::args::CheckArgs;
use super::exit;

pub fn run(a: &CheckArgs) -> i32 {
    let file = a.file.display().to_string();
    let opts = ReadOptions { limits: Limits::with_max_megabytes(a.taille_max), config: a.config.clone() };
    let (report, code) = match read_plan(&a.file, &opts) {
        Ok(r) => {
            let code = if r.has_errors() { exit::INVALID } else { exit::OK };
            (r.report(&file), code)
        }
        Err(u) => (u.report(&file), exit::UNREADABLE),
    };
    if a.json {
        print_json(&report);
    } else {
        print!("{}", human(&report));
    }
    code
}

fn print_json(report: &CheckReport) {
    match serde_json::to_string_pretty(report) {
        Ok(s) => println!("{s}"),
        Err(e) => eprintln!("plandoc : erreur : JSON impossible ({e})."),
    }
}

/// With --json on a wrong command line, the JSON object still says why.
pub fn print_command_line_error(text: &str) {
    let first = text.lines().next().unwrap_or("").trim_start_matches("plandoc : erreur : ");
    let d = Diagnostic::error("ligne-de-commande", first.to_string());
    print_json(&CheckReport::unreadable("", d, Vec::new()));
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n > 1 { many } else { one })
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
    } else {
        out.push_str(&format!("{} : illisible comme plan d'actions\n", r.file));
    }
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
