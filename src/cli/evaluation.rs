//! `plandoc evaluation`: the follow-up reports only, for a review year, compared with an
//! earlier version when asked.

use std::path::PathBuf;

use crate::ingest::ReadOptions;
use crate::job::{evaluation_files, DocKind};
use crate::prepare::{prepare, Date, Earlier, Reader, Refused, Request};

use super::args::EvaluationArgs;
use super::exit;
use super::report_text::human;

fn fail(msg: &str) -> i32 {
    eprintln!("plandoc : erreur : {msg}");
    exit::UNREADABLE
}

pub fn run(a: &EvaluationArgs) -> i32 {
    if let Err(e) = super::options::date(&a.date) {
        return fail(&e);
    }
    let sheets = match super::options::sheets(&a.sheets) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let correction = match super::options::correction(&a.reading) {
        Ok(c) => c,
        Err(e) => return fail(&format!("{e}.")),
    };
    let file = a.file.display().to_string();
    let earlier_name = a.since.as_ref().map(|p| p.display().to_string());
    let watch = |f: &str| -> Box<dyn std::any::Any> { Box::new(super::guard::watch(f, false)) };
    let mut req = Request::new(&a.file, &file);
    req.read = ReadOptions { config: a.config.clone(), correction, ..Default::default() };
    req.reader = Reader::Watched(&watch);
    req.only = [DocKind::Evaluation].into_iter().collect();
    req.date = Date::Given(a.date.clone());
    req.evaluation = true;
    req.year = a.year;
    req.sheets = sheets;
    req.earlier = a.since.as_deref().zip(earlier_name.as_deref()).map(|(path, name)| Earlier {
        path,
        name,
        force: a.force,
        force_hint: "ajoutez --forcer",
        label: a.since_label.as_deref(),
    });
    let prepared = match prepare(&req) {
        Ok(p) => p,
        Err(refused) => return refusal(refused),
    };
    let plan = &prepared.reading.plan;
    let made = evaluation_files(plan, &prepared.options.docs, &prepared.eval_options(), prepared.options.sheets);
    let made = match made {
        Ok(x) => x,
        Err(e) => return fail(&format!("{e}.")),
    };
    let files: Vec<(PathBuf, &[u8])> = made.iter().map(|(n, b)| (a.output.join(n), b.as_slice())).collect();
    let outputs: Vec<PathBuf> = files.iter().map(|(p, _)| p.clone()).collect();
    let mut inputs = super::options::inputs(&a.file, &prepared.reading.plan, a.config.as_deref());
    inputs.extend(a.since.iter().cloned());
    if let Err(msg) = crate::durable::refuse_overwriting_inputs(&outputs, &inputs) {
        return fail(&msg);
    }
    let created = !a.output.exists();
    if let Err(e) = std::fs::create_dir_all(&a.output) {
        return fail(&format!(
            "dossier « {} » impossible à créer : {}.",
            a.output.display(),
            crate::durable::io_fr(&e)
        ));
    }
    if let Err(e) = crate::durable::publish(&a.output, &files) {
        if created {
            let _ = std::fs::remove_dir(&a.output);
        }
        return fail(&format!(
            "écriture dans « {} » impossible : {} ; aucun rapport n'a été écrit ni remplacé.",
            a.output.display(),
            crate::durable::io_fr(&e)
        ));
    }
    for p in outputs {
        println!("Écrit : {}", p.display());
    }
    exit::OK
}

/// What the command line says when the evaluation is refused, and its exit code.
fn refusal(refused: Refused) -> i32 {
    match refused {
        Refused::Invalid(report) => {
            print!("{}", human(&report));
            if !report.diagnostics.iter().any(|d| d.code == crate::validate::Code::VersionsDifferentes) {
                println!("Aucun rapport écrit : corrigez les erreurs ci-dessus.");
            }
            exit::INVALID
        }
        Refused::Unreadable(report) => {
            print!("{}", human(&report));
            exit::UNREADABLE
        }
        Refused::NoFollowUp(m) | Refused::Logo(m) | Refused::Year(m) => fail(&format!("{m}.")),
        Refused::MissingId(_) => exit::UNREADABLE,
    }
}
