//! `plandoc evaluation`: the follow-up reports only, for a review year, compared with an
//! earlier version when asked.

use crate::build::evaluation_reports;
use crate::documents::{DocOptions, EvalOptions};
use std::path::PathBuf;

use crate::ingest::{read_plan, ReadOptions};
use crate::validate::Diagnostic;

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
    let opts = ReadOptions { config: a.config.clone(), ..Default::default() };
    let read = |p: &std::path::Path| {
        let guard = super::guard::watch(&p.display().to_string(), false);
        let read = read_plan(p, &opts);
        drop(guard);
        match read {
            Ok(r) if !r.has_errors() => Ok(r),
            Ok(r) => {
                print!("{}", human(&r.report(&p.display().to_string())));
                println!("Aucun rapport écrit : corrigez les erreurs ci-dessus.");
                Err(exit::INVALID)
            }
            Err(u) => {
                print!("{}", human(&u.report(&p.display().to_string())));
                Err(exit::UNREADABLE)
            }
        }
    };
    let now = match read(&a.file) {
        Ok(r) => r,
        Err(code) => return code,
    };
    if let Some(Err(why)) = a.annee.map(|y| crate::evaluation::check_year(&now.plan, y)) {
        return fail(&format!("« {} » : {why} (option --annee).", a.file.display()));
    }
    if !now.plan.has_follow_up() {
        return fail(&format!(
            "« {} » n'a pas de données de suivi : ajoutez des colonnes Statut, Avancement ou Commentaire, ou une feuille Indicateurs.",
            a.file.display()
        ));
    }
    let changes = match &a.depuis {
        Some(p) => match read(p) {
            Ok(before) => {
                if let (Err(why), false) = (crate::evaluation::same_plan(&before.plan, &now.plan), a.forcer) {
                    let d = Diagnostic::error(
                        "versions-differentes",
                        format!(
                            "« {} » et « {} » ne semblent pas être deux versions du même plan : {}. Aucun rapport écrit ; \
                             si ce sont bien deux versions du même plan, ajoutez --forcer.",
                            p.display(),
                            a.file.display(),
                            why.join(" ; ")
                        ),
                    );
                    let mut report = now.report(&a.file.display().to_string());
                    report.diagnostics = vec![d];
                    report.notes.clear();
                    print!("{}", human(&report));
                    return exit::INVALID;
                }
                let label = a.libelle_depuis.as_deref().map(str::trim).filter(|l| !l.is_empty());
                Some((label.map(str::to_string), crate::evaluation::compare(&before.plan, &now.plan, a.annee)))
            }
            Err(code) => return code,
        },
        None => None,
    };
    let docs = DocOptions { date: a.date.clone(), ..Default::default() };
    let eval = EvalOptions { year: a.annee, changes };
    let (pdf, xlsx) = match evaluation_reports(&now.plan, &docs, &eval) {
        Ok(x) => x,
        Err(e) => return fail(&format!("{e}.")),
    };
    let files: Vec<(PathBuf, &[u8])> = crate::build::DocKind::Evaluation
        .file_names()
        .iter()
        .map(|n| a.output.join(n))
        .zip([pdf.as_slice(), xlsx.as_slice()])
        .collect();
    let outputs: Vec<PathBuf> = files.iter().map(|(p, _)| p.clone()).collect();
    let mut inputs = super::options::inputs(&a.file, &now.plan, a.config.as_deref());
    inputs.extend(a.depuis.iter().cloned());
    if let Err(msg) = crate::fsx::refuse_overwriting_inputs(&outputs, &inputs) {
        return fail(&msg);
    }
    let created = !a.output.exists();
    if let Err(e) = std::fs::create_dir_all(&a.output) {
        return fail(&format!("dossier « {} » impossible à créer : {}.", a.output.display(), crate::fsx::io_fr(&e)));
    }
    if let Err(e) = crate::fsx::publish(&a.output, &files) {
        if created {
            let _ = std::fs::remove_dir(&a.output);
        }
        return fail(&format!(
            "écriture dans « {} » impossible : {} ; aucun rapport n'a été écrit ni remplacé.",
            a.output.display(),
            crate::fsx::io_fr(&e)
        ));
    }
    for p in outputs {
        println!("Écrit : {}", p.display());
    }
    exit::OK
}
