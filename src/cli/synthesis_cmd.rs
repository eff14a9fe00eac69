//! `plandoc synthese`: the departmental synthesis of every followed plan under a folder.

use std::path::PathBuf;

use crate::documents::DocOptions;
use crate::ingest::ReadOptions;
use crate::sheet_formats::SheetFormats;
use crate::synthesis::{collect, render, Synthesis, SynthesisOptions, Themes};

use super::args::SynthesisArgs;
use super::exit;

fn fail(msg: &str) -> i32 {
    eprintln!("plandoc : erreur : {msg}");
    exit::UNREADABLE
}

/// The options checked before any reading: template, themes, year, format.
fn settle(a: &SynthesisArgs) -> Result<(DocOptions, Themes), String> {
    if !a.dir.is_dir() {
        return Err(format!("dossier « {} » introuvable.", a.dir.display()));
    }
    SheetFormats::parse(&a.formats).map_err(|e| format!("{e} pour --tableur."))?;
    if let Some(y) = a.year.filter(|y| !(1900..=9999).contains(y)) {
        return Err(format!("année « {y} » invalide pour --annee (attendu : AAAA, de 1900 à 9999)."));
    }
    if a.jobs == Some(0) {
        return Err("--jobs attend un nombre de 1 ou plus.".into());
    }
    super::options::date(&a.date)?;
    let template = super::options::templates(a.models.as_deref()).map_err(|e| format!("{e}."))?;
    let themes = Themes::load(a.models.as_deref()).map_err(|e| format!("{e}."))?;
    Ok((DocOptions { template, date: a.date.clone(), ..Default::default() }, themes))
}

pub fn run(a: &SynthesisArgs) -> i32 {
    let (docs, themes) = match settle(a) {
        Ok(x) => x,
        Err(e) => return fail(&e),
    };
    let opts = SynthesisOptions {
        read: ReadOptions { config: a.config.clone(), ..Default::default() },
        isolated_reader: std::env::current_exe().ok(),
        models: a.models.clone(),
        jobs: a.jobs,
        read_count: None,
    };
    let collected = match collect(&a.dir, Some(&a.output), &opts) {
        Ok(c) => c,
        Err(e) => return fail(&format!("dossier « {} » illisible : {}.", a.dir.display(), crate::durable::io_fr(&e))),
    };
    let title = a.title.as_deref().map(str::trim).filter(|t| !t.is_empty());
    let title = title.unwrap_or(docs.template.label("synthese_titre")).to_string();
    let unread = collected.unread.len();
    let s = Synthesis::new(&title, a.year, themes, &collected.inputs, collected.unread);
    if s.plans.is_empty() {
        eprintln!(
            "plandoc : aucun plan avec des données de suivi sous « {} » ({} lu{}, {unread} non lu{}) : aucune synthèse écrite.",
            a.dir.display(),
            collected.inputs.len(),
            if collected.inputs.len() > 1 { "s" } else { "" },
            if unread > 1 { "s" } else { "" }
        );
        return exit::INVALID;
    }
    if let Err(code) = write(a, &s, &docs, &collected.inputs) {
        return code;
    }
    println!(
        "Synthèse de {} plan{} suivi{} ({} action{}) ; {} sans suivi, {unread} non lu{} — écrit : {}",
        s.plans.len(),
        plural(s.plans.len()),
        plural(s.plans.len()),
        s.action_count(),
        plural(s.action_count()),
        s.unfollowed.len(),
        plural(unread),
        a.output.display()
    );
    if unread > 0 {
        exit::INVALID
    } else {
        exit::OK
    }
}

fn plural(n: usize) -> &'static str {
    if n > 1 {
        "s"
    } else {
        ""
    }
}

/// Both files published together, never over an input.
fn write(a: &SynthesisArgs, s: &Synthesis, docs: &DocOptions, inputs: &[crate::synthesis::Input]) -> Result<(), i32> {
    let formats = SheetFormats::parse(&a.formats).unwrap_or_default();
    let rendered = render(s, docs, formats).map_err(|e| fail(&format!("{e}.")))?;
    let files: Vec<(PathBuf, &[u8])> = rendered.iter().map(|(n, b)| (a.output.join(n), b.as_slice())).collect();
    let outputs: Vec<PathBuf> = files.iter().map(|(p, _)| p.clone()).collect();
    let mut read: Vec<PathBuf> = inputs.iter().map(|i| a.dir.join(&i.name)).collect();
    read.extend(a.config.iter().cloned());
    crate::durable::refuse_overwriting_inputs(&outputs, &read).map_err(|m| fail(&m))?;
    let created = !a.output.exists();
    std::fs::create_dir_all(&a.output).map_err(|e| {
        fail(&format!("dossier « {} » impossible à créer : {}.", a.output.display(), crate::durable::io_fr(&e)))
    })?;
    crate::durable::publish(&a.output, &files).map_err(|e| {
        if created {
            let _ = std::fs::remove_dir(&a.output);
        }
        fail(&format!(
            "écriture dans « {} » impossible : {} ; aucun fichier n'a été écrit ni remplacé.",
            a.output.display(),
            crate::durable::io_fr(&e)
        ))
    })
}
