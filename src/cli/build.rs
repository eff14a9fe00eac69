//! `plandoc build`: validate, then write the documents; errors mean no document.

use crate::build::{build, deliberation_id, BuildOptions};
use crate::documents::DocOptions;
use crate::ingest::{read_plan, Limits, ReadOptions};

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
    let template = match super::options::templates(a.docs.modeles.as_deref()) {
        Ok(t) => t,
        Err(e) => return fail(&format!("{e}.")),
    };
    let file = a.file.display().to_string();
    let opts = ReadOptions {
        limits: Limits::with_max_megabytes(a.taille_max),
        config: a.docs.config.clone(),
        force: a.forcer,
    };
    let guard = super::guard::watch(&file, false);
    let read = read_plan(&a.file, &opts);
    drop(guard);
    let reading = match read {
        Ok(r) => r,
        Err(u) => {
            print!("{}", human(&u.report(&file)));
            return exit::UNREADABLE;
        }
    };
    let mut reading = reading;
    reading.diagnostics.extend(super::check::logo_problem(&reading.plan, &a.file));
    let report = reading.report(&file);
    if reading.has_errors() {
        print!("{}", human(&report));
        println!("Aucun document écrit : corrigez les erreurs ci-dessus.");
        return exit::INVALID;
    }
    if !report.diagnostics.is_empty() {
        eprint!("{}", human(&report));
    }
    let prefix = if a.prefixe_id {
        match deliberation_id(&reading.plan) {
            Ok(id) => Some(id),
            Err(missing) => {
                return fail(&format!(
                    "--prefixe-id demande l'identifiant de la délibération ; il manque : {} (feuille Convention ou plandoc.toml).",
                    missing.join(", ")
                ))
            }
        }
    } else {
        None
    };
    let logo = crate::build::load_logo(&reading.plan, &a.file).ok().flatten();
    let warnings = report.diagnostics.clone();
    let inputs = super::options::inputs(&a.file, &reading.plan, a.docs.config.as_deref());
    let docs = DocOptions { template, date: a.docs.date.clone(), logo, one_fiche_per_page: a.docs.une_fiche_par_page };
    let bopts = BuildOptions { only, docs, prefix, warnings, inputs };
    match build(&reading.plan, &a.output, &bopts) {
        Ok(paths) => {
            for p in paths {
                println!("Écrit : {}", p.display());
            }
            exit::OK
        }
        Err(e) => fail(&format!("{e}.")),
    }
}
