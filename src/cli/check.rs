//! `plandoc check`: read, validate, report readably or as JSON.

use crate::ingest::{Limits, ReadOptions};
use crate::prepare::{Logo, Reader, Request};
pub use crate::validate::{sorted, CheckReport};
use crate::validate::{Code, Diagnostic};

use super::args::CheckArgs;
use super::exit;
use super::report_text::human;

pub fn run(a: &CheckArgs) -> i32 {
    // The vocabularies of --modeles, read as build reads them.
    if let Err(e) = super::options::templates(a.models.as_deref()) {
        let msg = format!("plandoc : erreur : {e}.");
        if a.json {
            print_command_line_error(&msg);
        } else {
            eprintln!("{msg}");
        }
        return exit::UNREADABLE;
    }
    let correction = match super::options::correction(&a.reading) {
        Ok(c) => c,
        Err(e) => {
            let msg = format!("plandoc : erreur : {e}.");
            if a.json {
                print_command_line_error(&msg);
            } else {
                eprintln!("{msg}");
            }
            return exit::UNREADABLE;
        }
    };
    let file = a.file.display().to_string();
    let watch = |f: &str| -> Box<dyn std::any::Any> { Box::new(super::guard::watch(f, a.json)) };
    // Read as `build` reads, its logo problem included; a plan with errors is reported.
    let mut req = Request::new(&a.file, &file);
    req.read = ReadOptions {
        limits: Limits::with_max_megabytes(a.max_size),
        config: a.config.clone(),
        correction,
        force: a.force,
    };
    req.reader = Reader::Watched(&watch);
    req.logo = Logo::FromPlan { within: None };
    let (report, code) = match crate::prepare::check(&req) {
        Ok(mut r) => {
            r.diagnostics.extend(missing_metadata(&r.plan));
            let code = if r.has_errors() { exit::INVALID } else { exit::OK };
            (r.report(&file), code)
        }
        Err(report) => (*report, exit::UNREADABLE),
    };
    if a.json {
        print_json(&report);
    } else {
        print!("{}", human(&report));
    }
    code
}

/// Documents that would carry no collectivité or no plan title: a warning saying what
/// is missing and where to give it.
pub fn missing_metadata(plan: &crate::model::Plan) -> Option<Diagnostic> {
    let m = &plan.meta;
    let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
    let missing: Vec<&str> = [(blank(&m.territory), "la collectivité"), (blank(&m.title), "le titre du plan")]
        .into_iter()
        .filter_map(|(gap, what)| gap.then_some(what))
        .collect();
    if missing.is_empty() {
        return None;
    }
    Some(Diagnostic::new(
        Code::MetadonneeManquante,
        format!(
            "Les documents ne porteront pas {} : indiquez-{} dans une feuille « Convention » (clés collectivite, titre) \
             ou dans la table [plan] de plandoc.toml.",
            missing.join(" ni "),
            match missing.as_slice() {
                [_, _] => "les",
                ["la collectivité"] => "la",
                _ => "le",
            }
        ),
    ))
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
    let d = Diagnostic::new(Code::LigneDeCommande, first.to_string());
    print_json(&CheckReport::unreadable("", d, Vec::new()));
}
