//! Reading every plan under a folder for the synthesis: the batch's discovery (lock and
//! hidden files skipped, links kept inside), each plan read isolated when asked, in
//! parallel; a file that cannot be read is a line of « Non lus », never a stop.

use std::path::{Path, PathBuf};

use super::{Input, Unread};
use crate::ingest::ReadOptions;
use crate::prepare::{prepare, Reader, Refused, Request};

/// How the plans are read.
#[derive(Debug, Clone, Default)]
pub struct SynthesisOptions {
    pub read: ReadOptions,
    /// The plandoc executable: plans are then read in child readers under the watchdog.
    pub isolated_reader: Option<PathBuf>,
    /// `--modeles DIR`, handed to the isolated readers.
    pub models: Option<PathBuf>,
    /// Plans read at once (None: the cores).
    pub jobs: Option<usize>,
    /// Counts the files read so far (the web page's progress).
    pub read_count: Option<std::sync::Arc<std::sync::atomic::AtomicUsize>>,
}

/// The plans read, in path order, and the files that could not be.
#[derive(Debug, Default)]
pub struct Collected {
    pub inputs: Vec<Input>,
    pub unread: Vec<Unread>,
}

/// Every plan under `dir` (not entering `skip`), read.
pub fn collect(dir: &Path, skip: Option<&Path>, opts: &SynthesisOptions) -> std::io::Result<Collected> {
    let found = crate::batch::discover(dir, skip)?;
    let mb = opts.read.limits.max_file_bytes / (1024 * 1024);
    let readers = opts.isolated_reader.as_ref().map(|exe| {
        crate::batch::Readers::new(exe, opts.read.config.as_deref(), opts.models.as_deref()).with_max_megabytes(mb)
    });
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.unwrap_or(0).min(crate::batch::max_jobs()))
        .build()
        .map_err(std::io::Error::other)?;
    let flag = crate::cancel::current();
    let read: Vec<Result<Input, Unread>> = pool.install(|| {
        use rayon::prelude::*;
        found
            .plans
            .par_iter()
            .map(|rel| {
                let one = crate::cancel::with(flag.clone(), || read_one(dir, rel, opts, readers.as_ref()));
                if let Some(c) = &opts.read_count {
                    c.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
                one
            })
            .collect()
    });
    drop(readers);
    let mut out = Collected::default();
    for r in read {
        match r {
            Ok(i) => out.inputs.push(i),
            Err(u) => out.unread.push(u),
        }
    }
    out.unread.extend(
        found
            .left_out
            .iter()
            .map(|l| Unread { name: l.path.to_string_lossy().replace('\\', "/"), reason: l.reason.clone() }),
    );
    Ok(out)
}

/// One plan through the one entry point; any refusal (or panic) is its « Non lus » line.
fn read_one(
    dir: &Path,
    rel: &Path,
    opts: &SynthesisOptions,
    readers: Option<&crate::batch::Readers>,
) -> Result<Input, Unread> {
    let name = rel.to_string_lossy().replace('\\', "/");
    if crate::cancel::requested() {
        return Err(Unread { name, reason: crate::cancel::MESSAGE.into() });
    }
    let path = dir.join(rel);
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut req = Request::new(&path, &name);
        req.read = opts.read.clone();
        req.reader = readers.map_or(Reader::InProcess, Reader::Isolated);
        prepare(&req)
    }));
    let reason = match outcome {
        Ok(Ok(p)) => return Ok(Input { name, plan: p.reading.plan }),
        Ok(Err(refused)) => why(refused),
        Err(_) => "erreur interne inattendue pendant la lecture de ce plan".into(),
    };
    // The line names the file already.
    let reason = reason.strip_prefix(&format!("« {name} » : ")).map(str::to_string).unwrap_or(reason);
    Err(Unread { name, reason })
}

/// A refusal in one French sentence.
fn why(r: Refused) -> String {
    match r {
        Refused::Unreadable(report) => {
            report.diagnostics.first().map_or_else(|| "fichier illisible".into(), |d| d.message.clone())
        }
        Refused::Invalid(report) => {
            let errors: Vec<_> = report.diagnostics.iter().filter(|d| d.is_error()).collect();
            match errors.first() {
                Some(first) => format!(
                    "{} erreur{} dans le plan : {} {}",
                    errors.len(),
                    if errors.len() > 1 { "s" } else { "" },
                    first.place(),
                    first.message
                ),
                None => "plan invalide".into(),
            }
        }
        Refused::NoFollowUp(m) | Refused::Logo(m) | Refused::Year(m) => m,
        Refused::MissingId(_) => "identifiant de délibération manquant".into(),
    }
}
