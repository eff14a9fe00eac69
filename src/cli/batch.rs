//! `plandoc batch`: every plan under a folder.

use crate::batch::{run as run_batch, BatchOptions, ProgressMode};
use crate::ingest::ReadOptions;

use super::args::BatchArgs;
use super::exit;

fn fail(msg: &str) -> i32 {
    eprintln!("plandoc : erreur : {msg}");
    exit::UNREADABLE
}

/// "2/8" → (2, 8).
fn shard(s: &str) -> Option<(u32, u32)> {
    let (k, n) = s.split_once('/')?;
    let (k, n): (u32, u32) = (k.trim().parse().ok()?, n.trim().parse().ok()?);
    (n >= 1 && (1..=n).contains(&k)).then_some((k, n))
}

/// `--synthese` with its year and title, checked before the run.
fn synthesis_request(
    a: &BatchArgs,
    template: &crate::templates::DocTemplate,
) -> Result<Option<crate::batch::SynthesisRequest>, String> {
    if !a.synthesis {
        return Ok(None);
    }
    if a.shard.is_some() {
        return Err(
            "--synthese ne se combine pas avec --shard : la synthèse porte sur tous les plans du dossier.".into()
        );
    }
    if let Some(y) = a.year.filter(|y| !(1900..=9999).contains(y)) {
        return Err(format!("année « {y} » invalide pour --annee (attendu : AAAA, de 1900 à 9999)."));
    }
    let themes = crate::synthesis::Themes::load(a.docs.models.as_deref()).map_err(|e| format!("{e}."))?;
    let title = a.title.as_deref().map(str::trim).filter(|t| !t.is_empty());
    let title = title.unwrap_or(template.label("synthese_titre")).to_string();
    Ok(Some(crate::batch::SynthesisRequest { title, year: a.year, themes }))
}

pub fn run(a: &BatchArgs) -> i32 {
    let opts = match batch_options(a) {
        Ok(o) => o,
        Err(e) => return fail(&e),
    };
    match run_batch(&a.dir, &a.output, &opts) {
        Ok(report) => {
            if !a.quiet {
                eprintln!(
                    "plandoc : {} construits, {} en échec, {} inchangés — rapport : {}",
                    report.ok,
                    report.errors,
                    report.skipped,
                    a.output.join(crate::batch::report_name("", "json")).display()
                );
            }
            if report.errors > 0 {
                exit::INVALID
            } else {
                exit::OK
            }
        }
        Err(e @ crate::batch::BatchError::Io(_)) => fail(&format!("lot interrompu : {e}.")),
        Err(e) => fail(&format!("{e}.")),
    }
}

/// The batch's options from its flags; the French reason when one is wrong.
fn batch_options(a: &BatchArgs) -> Result<BatchOptions, String> {
    if !a.dir.is_dir() {
        return Err(format!("dossier « {} » introuvable.", a.dir.display()));
    }
    let shard = match &a.shard {
        Some(s) => Some(shard(s).ok_or_else(|| {
            format!("part « {s} » invalide pour --shard (attendu : K/N avec 1 ≤ K ≤ N, par exemple 2/8).")
        })?),
        None => None,
    };
    let only = super::options::only(&a.docs.only)?;
    super::options::date(&a.docs.date)?;
    let sheets = super::options::sheets(&a.docs.sheets)?;
    if a.jobs == Some(0) {
        return Err("--jobs attend un nombre de 1 ou plus.".into());
    }
    let cap = crate::batch::max_jobs();
    let jobs = match a.jobs {
        Some(j) if j > cap => {
            eprintln!("plandoc : --jobs {j} ramené à {cap} (4 par cœur de cette machine) : au-delà, les plans attendraient les cœurs.");
            Some(cap)
        }
        j => j,
    };
    let template = super::options::templates(a.docs.models.as_deref()).map_err(|e| format!("{e}."))?;
    let synthesis = synthesis_request(a, &template)?;
    let template_fingerprint = crate::templates::models_fingerprint(a.docs.models.as_deref());
    Ok(BatchOptions {
        jobs,
        shard,
        force: a.force,
        only,
        config: a.docs.config.clone(),
        template,
        template_fingerprint,
        models: a.docs.models.clone(),
        date: a.docs.date.clone(),
        one_fiche_per_page: a.docs.one_fiche_per_page,
        sheets,
        read: ReadOptions { config: a.docs.config.clone(), ..Default::default() },
        progress: ProgressMode::detect(a.quiet),
        wait: a.wait,
        logos_within: None,
        isolated_reader: std::env::current_exe().ok(),
        synthesis,
        done_count: None,
    })
}
