//! `plandoc evaluation`: the follow-up reports only, for a review year, compared with an
//! earlier version when asked.

use crate::build::evaluation_reports;
use crate::documents::{DocOptions, EvalOptions};
use crate::ingest::{read_plan, ReadOptions};

use super::args::EvaluationArgs;
use super::check::human;
use super::exit;

fn fail(msg: &str) -> i32 {
    eprintln!("plandoc : erreur : {msg}");
    exit::UNREADABLE
}

pub fn run(a: &EvaluationArgs) -> i32 {
    if let Err(e) = super::options::date(&a.date) {
        return fail(&e);
    }
    let opts = ReadOptions { config: a.config.clone(), ..Default::default() };
    let read = |p: &std::path::Path| match read_plan(p, &opts) {
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
    };
    let now = match read(&a.file) {
        Ok(r) => r,
        Err(code) => return code,
    };
    if !now.plan.has_follow_up() {
        return fail(&format!(
            "« {} » n'a pas de données de suivi : ajoutez des colonnes Statut, Avancement ou Commentaire, ou une feuille Indicateurs.",
            a.file.display()
        ));
    }
    let changes = match &a.depuis {
        Some(p) => match read(p) {
            Ok(before) => Some((
                p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                crate::evaluation::compare(&before.plan, &now.plan, a.annee),
            )),
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
    if let Err(e) = std::fs::create_dir_all(&a.output) {
        return fail(&format!("dossier « {} » impossible à créer : {}.", a.output.display(), crate::fsx::io_fr(&e)));
    }
    for (name, bytes) in [("evaluation.pdf", pdf), ("evaluation.xlsx", xlsx)] {
        let path = a.output.join(name);
        if let Err(e) = crate::fsx::write_atomic(&path, &bytes) {
            return fail(&format!("écriture de « {} » impossible : {}.", path.display(), crate::fsx::io_fr(&e)));
        }
        println!("Écrit : {}", path.display());
    }
    exit::OK
}
