//! `plandoc build`: validate, then write the documents; errors mean no document.

use crate::ingest::{Limits, ReadOptions};
use crate::job::build;
use crate::prepare::{prepare, Date, Logo, Prefix, Reader, Refused, Request};

use super::args::BuildArgs;
use super::exit;
use super::report_text::human;

fn fail(msg: &str) -> i32 {
    eprintln!("plandoc : erreur : {msg}");
    exit::UNREADABLE
}

pub fn run(a: &BuildArgs) -> i32 {
    // The main thread makes documents too: the pool has one thread fewer than the
    // machine has cores. That thread parses the fonts while the workbook is read.
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let _ = rayon::ThreadPoolBuilder::new().num_threads(cores.saturating_sub(1).max(1)).build_global();
    rayon::spawn(crate::layout::fonts::warm_up);
    let only = match super::options::only(&a.docs.only) {
        Ok(o) => o,
        Err(e) => return fail(&e),
    };
    if let Err(e) = super::options::date(&a.docs.date) {
        return fail(&e);
    }
    let sheets = match super::options::sheets(&a.docs.sheets) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let template = match super::options::templates(a.docs.models.as_deref()) {
        Ok(t) => t,
        Err(e) => return fail(&format!("{e}.")),
    };
    let correction = match super::options::correction(&a.reading) {
        Ok(c) => c,
        Err(e) => return fail(&format!("{e}.")),
    };
    let file = a.file.display().to_string();
    let watch = |f: &str| -> Box<dyn std::any::Any> { Box::new(super::guard::watch(f, false)) };
    let mut req = Request::new(&a.file, &file);
    req.read = ReadOptions {
        limits: Limits::with_max_megabytes(a.max_size),
        config: a.docs.config.clone(),
        correction,
        force: a.force,
    };
    req.reader = Reader::Watched(&watch);
    req.logo = Logo::FromPlan { within: None };
    req.only = only;
    req.date = Date::Given(a.docs.date.clone());
    req.look = template;
    req.one_fiche_per_page = a.docs.one_fiche_per_page;
    req.sheets = sheets;
    req.prefix = if a.prefix_id { Prefix::DeliberationId } else { Prefix::None };
    let prepared = match prepare(&req) {
        Ok(p) => p,
        Err(refused) => return refusal(refused),
    };
    let report = prepared.reading.report(&file);
    if !report.diagnostics.is_empty() {
        eprint!("{}", human(&report));
    }
    match build(&prepared.reading.plan, &a.output, &prepared.options) {
        Ok(paths) => {
            for p in paths {
                println!("Écrit : {}", p.display());
            }
            exit::OK
        }
        Err(e) => fail(&format!("{e}.")),
    }
}

/// What the command line says when the job is refused, and its exit code.
fn refusal(refused: Refused) -> i32 {
    match refused {
        Refused::Unreadable(report) => {
            print!("{}", human(&report));
            exit::UNREADABLE
        }
        Refused::Invalid(report) => {
            print!("{}", human(&report));
            println!("Aucun document écrit : corrigez les erreurs ci-dessus.");
            exit::INVALID
        }
        Refused::MissingId(missing) => fail(&format!(
            "--prefixe-id demande l'identifiant de la délibération ; il manque : {} (feuille Convention ou plandoc.toml).",
            missing.join(", ")
        )),
        Refused::NoFollowUp(m) | Refused::Logo(m) | Refused::Year(m) => fail(&format!("{m}.")),
    }
}
