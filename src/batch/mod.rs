//! Year-end batch: every plan under a folder, built in parallel, one failure never
//! stopping the others, resumable, shardable across machines.

mod discover;
mod isolated;
mod lock;
mod progress;
pub mod reader_protocol;
mod report;
mod with_synthesis;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};

pub use discover::{discover, in_shard, output_dirs, path_hash, Found, LeftOut};
pub use isolated::Readers;
pub use report::{BatchReport, PlanResult, PlanStatus};
pub use with_synthesis::SynthesisRequest;

use crate::ingest::ReadOptions;
use crate::job::DocKind;
use crate::templates::DocTemplate;

#[derive(Debug, Clone)]
pub struct BatchOptions {
    pub jobs: Option<usize>,
    /// (k, n): this run takes shard k of n (1-based).
    pub shard: Option<(u32, u32)>,
    pub force: bool,
    pub only: BTreeSet<DocKind>,
    pub config: Option<PathBuf>,
    pub template: DocTemplate,
    /// Text of the template folder's documents.toml, part of the options fingerprint.
    pub template_fingerprint: String,
    pub date: Option<String>,
    /// Every fiche on pages of its own (--une-fiche-par-page).
    pub one_fiche_per_page: bool,
    /// `--tableur`: the workbooks' formats; none: each plan's plandoc.toml, else XLSX.
    pub sheets: Option<crate::sheet_formats::SheetFormats>,
    pub read: ReadOptions,
    pub progress: progress::Mode,
    /// Wait for another batch writing into the same folder, instead of giving up.
    pub wait: bool,
    /// When set, a plan's logo must lie inside this folder: plans sent to the server
    /// must not make it read its own files.
    pub logos_within: Option<PathBuf>,
    /// The plandoc executable: each plan is then read in a child process
    /// (`plandoc lecture-isolee --en-continu`, kept between plans), under the single
    /// build's watchdog (4 s, 250 MB per plan), so a damaged file that hangs or floods a
    /// reader costs its plan only.
    pub isolated_reader: Option<PathBuf>,
    /// `--modeles DIR`: handed to the isolated readers, which read statuts and priorités
    /// with its vocabulaire.toml.
    pub models: Option<PathBuf>,
    /// `--synthese`: the departmental synthesis of the plans read, beside the report.
    pub synthesis: Option<SynthesisRequest>,
    /// Advanced by one as each plan of this run is finished (built, skipped or failed):
    /// how a caller shows the progress of a batch it runs (the server's Lot page).
    pub done_count: Option<std::sync::Arc<std::sync::atomic::AtomicUsize>>,
}

/// Why a batch could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    #[error("{}", crate::durable::io_fr(.0))]
    Io(#[from] std::io::Error),
    /// It would write over one of its inputs.
    #[error("{0}")]
    Refused(String),
    /// Another batch writes into the same folder.
    #[error("un autre lot écrit déjà dans ce dossier de sortie ({0}) ; attendez qu'il finisse, ou relancez avec --attendre (verrou : {1})")]
    Locked(String, String),
}

pub use progress::Mode as ProgressMode;

/// What a finished build leaves beside its documents, to skip it next time.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Stamp {
    input: String,
    options: String,
    version: String,
    files: Vec<String>,
    /// What the build said (actions, warnings, diagnostics), given again when the plan is
    /// skipped: a resumed run reports as a full one. Older stamps lack it: rebuilt.
    #[serde(default)]
    said: Option<Said>,
    /// The configuration read with the plan (beside it, or --config), when there was one.
    config: Option<Dependency>,
    /// The other files the documents depend on (the logo).
    #[serde(default)]
    depends_on: Vec<Dependency>,
}

/// The report line of a built plan, beyond its status and timing.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Said {
    actions: Option<usize>,
    warnings: usize,
    diagnostics: Vec<crate::validate::Diagnostic>,
}

/// A file a plan's documents depend on, and its content's hash when the plan was built
/// (or why it could not be read): any change makes the plan built again.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct Dependency {
    path: String,
    hash: String,
}

impl Dependency {
    fn of(path: &Path) -> Dependency {
        let hash = match crate::named_file::read_regular(path, crate::named_file::MAX_LOGO_BYTES) {
            Ok(bytes) => fnv_hex(&[&bytes]),
            Err(why) => format!("illisible : {why}"),
        };
        Dependency { path: path.display().to_string(), hash }
    }
}

/// The file beside each plan's documents that lets a later run skip it.
pub(crate) const STAMP: &str = ".plandoc-lot.json";

/// The reports' names: `rapport-lot{suffix}.json` and `.xlsx` (`suffix` names a shard).
pub const REPORT_STEM: &str = "rapport-lot";

/// A report's file name for a shard suffix ("" for a whole run) and an extension.
pub fn report_name(suffix: &str, ext: &str) -> String {
    format!("{REPORT_STEM}{suffix}.{ext}")
}

/// Most plans built at once: `--jobs` above is brought down to it (threads and reader
/// processes beyond it only wait for the cores).
pub fn max_jobs() -> usize {
    4 * std::thread::available_parallelism().map_or(1, usize::from)
}

fn fnv_hex(parts: &[&[u8]]) -> String {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for p in parts {
        for b in *p {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        h ^= 0xff;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

fn options_fingerprint(o: &BatchOptions) -> String {
    let only: Vec<&str> = o.only.iter().map(|k| k.key()).collect();
    let config = o.config.as_ref().and_then(|c| std::fs::read(c).ok()).unwrap_or_default();
    let sheets = o.sheets.map(|s| format!("tableur={}", s.key()));
    let only = only.join(",");
    let mut parts: Vec<&[u8]> = vec![
        only.as_bytes(),
        o.date.as_deref().unwrap_or("").as_bytes(),
        &config,
        o.template_fingerprint.as_bytes(),
        if o.one_fiche_per_page { b"une-fiche-par-page" } else { b"" },
    ];
    // Only when asked: the fingerprints of earlier batches stay valid.
    parts.extend(sheets.as_deref().map(str::as_bytes));
    fnv_hex(&parts)
}

/// Runs the batch; the report is also written as OUT/rapport-lot.json and .xlsx.
pub fn run(dir: &Path, out: &Path, opts: &BatchOptions) -> Result<BatchReport, BatchError> {
    std::fs::create_dir_all(out)?;
    let suffix = match opts.shard {
        Some((k, n)) if n > 1 => format!("-{k}-sur-{n}"),
        _ => String::new(),
    };
    let _lock = lock::lock_folder(out, &suffix, opts.wait).map_err(|e| match e {
        lock::LockError::Held(who, path) => BatchError::Locked(
            if who.is_empty() { "détenteur inconnu".into() } else { who },
            path.display().to_string(),
        ),
        lock::LockError::Io(e) => BatchError::Io(e),
    })?;
    // Reports a killed run may have left half-written (this shard's only: other shards
    // may be writing theirs).
    if let Ok(entries) = std::fs::read_dir(out) {
        let mine = format!(".rapport-lot{suffix}.");
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with(&mine) && name.contains(".tmp-") {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    let Found { plans: all, left_out } = discover(dir, Some(out))?;
    let dirs = output_dirs(&all);
    refuse_overwriting_inputs(dir, out, &all, &dirs, &suffix, opts).map_err(BatchError::Refused)?;
    let mine: Vec<PathBuf> = match opts.shard {
        Some((k, n)) => all.iter().filter(|p| in_shard(p, k, n)).cloned().collect(),
        None => all.clone(),
    };
    let fingerprint = options_fingerprint(opts);
    let bar = progress::Progress::new(opts.progress, mine.len(), opts.done_count.clone());
    // A worker waiting on a plan's own parallel documents may run other plans on top of
    // its stack: room for that nesting.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.unwrap_or(0).min(max_jobs()))
        .stack_size(16 << 20)
        .build()
        .map_err(std::io::Error::other)?;
    // Workers render and stage plans; one committer makes the staged documents durable in
    // groups (one filesystem sync for every plan staged meanwhile), renames them, and only
    // then writes their marks: a mark never describes unsynced files.
    // Readers take the default limits, or those of a file size cap.
    let mb = opts.read.limits.max_file_bytes / (1024 * 1024);
    let readers = match &opts.isolated_reader {
        Some(exe) if opts.read.limits == crate::ingest::Limits::with_max_megabytes(mb) => Some(
            isolated::Readers::new(exe, opts.read.config.as_deref(), opts.models.as_deref()).with_max_megabytes(mb),
        ),
        _ => None,
    };
    let gathered = opts.synthesis.as_ref().map(|_| with_synthesis::Gathered::default());
    let run = Run { dir, out, fingerprint: &fingerprint, opts, readers: readers.as_ref(), gathered: gathered.as_ref() };
    let (tx, rx) = std::sync::mpsc::channel::<(usize, PlanResult, Option<Pending>)>();
    let results: Vec<PlanResult> = std::thread::scope(|scope| {
        let committer = scope.spawn(|| commit_loop(rx, mine.len(), &bar));
        // The pool's threads work under the calling job's cancellation flag (server).
        let flag = crate::cancel::current();
        pool.install(|| {
            use rayon::prelude::*;
            mine.par_iter().enumerate().for_each_with(tx, |tx, (i, rel)| {
                let target = dirs.get(rel).cloned().unwrap_or_else(|| PathBuf::from("plan"));
                let (r, pending) = crate::cancel::with(flag.clone(), || one(run, rel, &target));
                let _ = tx.send((i, r, pending));
            });
        });
        committer.join().unwrap_or_default()
    });
    bar.finish();
    // Every reader ended and reaped before the report is written.
    drop(readers);
    let mut results = results;
    results.extend(left_out.iter().map(left_out_result));
    with_synthesis::finish(out, opts, gathered, &results)?;
    let report = BatchReport::new(results);
    write_reports(out, &suffix, &report)?;
    Ok(report)
}

/// Writes OUT/rapport-lot{suffix}.json and .xlsx.
pub fn write_reports(out: &Path, suffix: &str, report: &BatchReport) -> std::io::Result<()> {
    let json = serde_json::to_vec_pretty(report).map_err(std::io::Error::other)?;
    crate::durable::write_atomic(&out.join(report_name(suffix, "json")), &json)?;
    let xlsx = report::report_xlsx(report).map_err(|e| std::io::Error::other(e.to_string()))?;
    crate::durable::write_atomic(&out.join(report_name(suffix, "xlsx")), &xlsx)
}

/// The report line of an entry the batch could not take: a folder it could not read
/// (failed), or a link it does not follow (skipped, with the reason).
fn left_out_result(l: &LeftOut) -> PlanResult {
    PlanResult {
        input: l.path.to_string_lossy().replace('\\', "/"),
        output: String::new(),
        status: if l.failed { PlanStatus::Error } else { PlanStatus::Skipped },
        actions: None,
        warnings: 0,
        error: Some(format!("« {} » : {}", l.path.display(), l.reason)),
        diagnostics: Vec::new(),
        ms: 0,
    }
}

/// Every file this batch may write, checked against every file it reads.
fn refuse_overwriting_inputs(
    dir: &Path,
    out: &Path,
    all: &[PathBuf],
    dirs: &std::collections::BTreeMap<PathBuf, PathBuf>,
    suffix: &str,
    opts: &BatchOptions,
) -> Result<(), String> {
    let mut inputs: Vec<PathBuf> = all.iter().map(|r| dir.join(r)).collect();
    inputs.extend(opts.config.iter().cloned());
    // In every workbook format: a plan's configuration may choose ODS.
    let every = crate::sheet_formats::SheetFormats::BOTH;
    let mut names: Vec<String> = DocKind::ALL.iter().flat_map(|k| k.files(every)).collect();
    names.push(STAMP.to_string());
    let mut outputs: Vec<PathBuf> =
        dirs.values().flat_map(|d| names.iter().map(move |n| out.join(d).join(n))).collect();
    outputs.extend(["json", "xlsx"].map(|e| out.join(report_name(suffix, e))));
    if opts.synthesis.is_some() {
        outputs.extend(crate::synthesis::ALL_NAMES.map(|n| out.join(n)));
    }
    crate::durable::refuse_overwriting_inputs(&outputs, &inputs)
}

/// A plan whose documents are staged, waiting for the committer.
struct Pending {
    build: crate::job::StagedBuild,
    stamp_path: PathBuf,
    stamp: Vec<u8>,
}

/// Receives staged plans until every worker is done; syncs, publishes and marks them in
/// groups. Returns the results in the order of the plans.
///
/// One filesystem sync serves two groups: it makes the renames of the group published
/// last durable (their marks can then be written) and the documents of the group staged
/// meanwhile (they can then be renamed).
fn commit_loop(
    rx: std::sync::mpsc::Receiver<(usize, PlanResult, Option<Pending>)>,
    n: usize,
    bar: &progress::Progress,
) -> Vec<PlanResult> {
    let mut results: Vec<Option<PlanResult>> = (0..n).map(|_| None).collect();
    let mut renamed: Vec<Renamed> = Vec::new();
    let mut last_sync = Instant::now();
    loop {
        // Wait for plans only when no renames wait for their sync.
        let mut group = Vec::new();
        if renamed.is_empty() {
            match rx.recv() {
                Ok(first) => group.push(first),
                Err(_) => break,
            }
        }
        // Whatever is staged until the next sync is due joins it (syncs are spaced: each
        // is a device flush); none is awaited once every worker is done.
        let due = last_sync + SYNC_SPACING;
        while let Ok(more) = rx.recv_timeout(due.saturating_duration_since(Instant::now())) {
            group.push(more);
        }
        last_sync = Instant::now();
        let (done, next) = commit(group, std::mem::take(&mut renamed));
        renamed = next;
        for (i, r) in done {
            bar.done(r.status == PlanStatus::Error);
            if let Some(slot) = results.get_mut(i) {
                *slot = Some(r);
            }
        }
    }
    results.into_iter().flatten().collect()
}

/// Least time between two syncs of the committer.
const SYNC_SPACING: std::time::Duration = std::time::Duration::from_millis(25);

/// A plan renamed into place, its mark waiting for the renames to be durable.
struct Renamed {
    index: usize,
    result: PlanResult,
    dir: PathBuf,
    stamp_path: PathBuf,
    stamp: Vec<u8>,
}

/// One sync (documents of `group`, renames of `renamed`), then the marks of `renamed`,
/// then the renames of `group`. Returns the finished plans, and `group`'s renamed ones.
fn commit(
    group: Vec<(usize, PlanResult, Option<Pending>)>,
    renamed: Vec<Renamed>,
) -> (Vec<(usize, PlanResult)>, Vec<Renamed>) {
    let staged: Vec<&crate::durable::Staged> =
        group.iter().filter_map(|(_, _, p)| p.as_ref().map(|p| &p.build.files)).collect();
    let dirs: Vec<&Path> = renamed.iter().map(|r| r.dir.as_path()).collect();
    let synced = crate::durable::sync_staged_and_dirs(&staged, &dirs);
    let mut done = Vec::with_capacity(group.len() + renamed.len());
    for Renamed { index, mut result, stamp_path, stamp, .. } in renamed {
        let marked = match &synced {
            Ok(()) => crate::durable::write_atomic_unsynced(&stamp_path, &stamp),
            Err(e) => Err(std::io::Error::new(e.kind(), e.to_string())),
        };
        match marked {
            Ok(()) => result.status = PlanStatus::Ok,
            Err(e) => {
                result.error = Some(format!("marque de reprise impossible à écrire : {}", crate::durable::io_fr(&e)))
            }
        }
        done.push((index, result));
    }
    let mut next = Vec::new();
    for (i, mut r, pending) in group {
        let Some(p) = pending else {
            done.push((i, r));
            continue;
        };
        let dir = p.build.files.dir().to_path_buf();
        let outcome = match &synced {
            Ok(()) => p.build.rename().map(|_| ()),
            Err(e) => {
                p.build.abandon();
                Err(std::io::Error::new(e.kind(), e.to_string()))
            }
        };
        match outcome {
            Ok(()) => next.push(Renamed { index: i, result: r, dir, stamp_path: p.stamp_path, stamp: p.stamp }),
            Err(e) => {
                r.error = Some(format!(
                    "écriture de « {} » impossible : {} ; aucun document n'a été écrit ni remplacé",
                    dir.display(),
                    crate::durable::io_fr(&e)
                ));
                done.push((i, r));
            }
        }
    }
    (done, next)
}

/// One plan, isolated: any failure, even a panic, becomes an "error" line. Built
/// documents come back staged, for the committer.
/// What every plan of a run shares.
#[derive(Clone, Copy)]
struct Run<'a> {
    dir: &'a Path,
    out: &'a Path,
    fingerprint: &'a str,
    opts: &'a BatchOptions,
    /// The child readers, when plans are read isolated.
    readers: Option<&'a isolated::Readers>,
    /// Where the plans read go, for `--synthese`.
    gathered: Option<&'a with_synthesis::Gathered>,
}

fn one(run: Run<'_>, rel: &Path, target: &Path) -> (PlanResult, Option<Pending>) {
    let start = Instant::now();
    let mut r = PlanResult {
        input: rel.to_string_lossy().replace('\\', "/"),
        output: target.to_string_lossy().replace('\\', "/"),
        status: PlanStatus::Error,
        actions: None,
        warnings: 0,
        error: None,
        diagnostics: Vec::new(),
        ms: 0,
    };
    if crate::cancel::requested() {
        r.error = Some(crate::cancel::MESSAGE.into());
        return (r, None);
    }
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| build_one(run, rel, target, &mut r)));
    let pending = match outcome {
        Ok(p) => p,
        Err(_) => {
            r.status = PlanStatus::Error;
            r.error = Some("erreur interne inattendue pendant la construction de ce plan".into());
            None
        }
    };
    r.ms = start.elapsed().as_millis() as u64;
    (r, pending)
}

fn build_one(run: Run<'_>, rel: &Path, target: &Path, r: &mut PlanResult) -> Option<Pending> {
    let Run { dir, out, fingerprint, opts, readers, gathered } = run;
    let input = dir.join(rel);
    let plan_dir = out.join(target);
    let bytes = match std::fs::read(&input) {
        Ok(b) => b,
        Err(e) => {
            r.error = Some(format!("« {} » : {}", r.input, crate::durable::io_fr(&e)));
            return None;
        }
    };
    let input_hash = fnv_hex(&[&bytes]);
    let stamp_path = plan_dir.join(STAMP);
    let config = crate::ingest::config_for(&input, opts.config.as_deref()).map(|c| Dependency::of(&c));
    if !opts.force && resumed(&plan_dir, &stamp_path, &input_hash, fingerprint, &config, r) {
        // Unchanged, so not built: read for the synthesis only.
        if let Some(g) = gathered {
            let mut scratch = r.clone();
            if let Some(p) = prepare_plan(&input, &r.input.clone(), opts, readers, &mut scratch) {
                g.push(&r.input, &p.reading.plan);
            }
        }
        return None;
    }
    clean_temporaries(&plan_dir);
    let prepared = prepare_plan(&input, &r.input.clone(), opts, readers, r)?;
    if let Some(g) = gathered {
        g.push(&r.input, &prepared.reading.plan);
    }
    r.diagnostics = prepared.reading.diagnostics.clone();
    // Staged only: the committer syncs, renames, and then writes the mark.
    match crate::job::stage(&prepared.reading.plan, &plan_dir, &prepared.options) {
        Ok(build) => {
            let files =
                build.paths.iter().filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned())).collect();
            let said = Said { actions: r.actions, warnings: r.warnings, diagnostics: r.diagnostics.clone() };
            let stamp = Stamp {
                input: input_hash,
                options: fingerprint.to_string(),
                version: env!("CARGO_PKG_VERSION").into(),
                files,
                said: Some(said),
                config,
                depends_on: crate::job::logo_path(&prepared.reading.plan, &input)
                    .iter()
                    .map(|l| Dependency::of(l))
                    .collect(),
            };
            match serde_json::to_vec(&stamp) {
                Ok(stamp) => Some(Pending { build, stamp_path, stamp }),
                Err(e) => {
                    build.abandon();
                    r.error = Some(format!("marque de reprise impossible à écrire : {e}"));
                    None
                }
            }
        }
        Err(e) => {
            r.error = Some(e.to_string());
            None
        }
    }
}

/// Whether the plan's documents are there from an earlier run with the same input,
/// options, version, configuration and logo: then `r` says again what that run said.
fn resumed(
    plan_dir: &Path,
    stamp_path: &Path,
    input_hash: &str,
    fingerprint: &str,
    config: &Option<Dependency>,
    r: &mut PlanResult,
) -> bool {
    let stamp = std::fs::read(stamp_path).ok().and_then(|b| serde_json::from_slice::<Stamp>(&b).ok());
    let Some(s) = stamp else { return false };
    let complete = !s.files.is_empty() && s.files.iter().all(|f| plan_dir.join(f).is_file());
    let same_files = s.config == *config && s.depends_on.iter().all(|d| Dependency::of(Path::new(&d.path)) == *d);
    let same =
        s.input == input_hash && s.options == fingerprint && s.version == env!("CARGO_PKG_VERSION") && same_files;
    match (same, complete, s.said) {
        (true, true, Some(said)) => {
            r.status = PlanStatus::Skipped;
            r.actions = said.actions;
            r.warnings = said.warnings;
            r.diagnostics = said.diagnostics;
            true
        }
        _ => false,
    }
}

/// The plan through the one entry point, named by its path inside the batch folder; a
/// refusal is this plan's error line.
fn prepare_plan(
    input: &Path,
    name: &str,
    opts: &BatchOptions,
    readers: Option<&isolated::Readers>,
    r: &mut PlanResult,
) -> Option<crate::prepare::Prepared> {
    use crate::prepare::{prepare, Date, Logo, Reader, Refused, Request};
    let mut req = Request::new(input, name);
    req.read = opts.read.clone();
    req.reader = readers.map_or(Reader::InProcess, Reader::Isolated);
    req.logo = Logo::FromPlan { within: opts.logos_within.as_deref() };
    req.only = opts.only.clone();
    req.date = Date::Given(opts.date.clone());
    req.look = opts.template.clone();
    req.one_fiche_per_page = opts.one_fiche_per_page;
    req.sheets = opts.sheets;
    let report = match prepare(&req) {
        Ok(p) => {
            r.actions = Some(p.reading.plan.action_count());
            r.warnings = p.reading.diagnostics.iter().filter(|d| !d.is_error()).count();
            return Some(p);
        }
        Err(Refused::Unreadable(report)) => {
            r.error = report.diagnostics.first().map(|d| d.message.clone());
            r.diagnostics = report.diagnostics;
            return None;
        }
        Err(Refused::Invalid(report)) => report,
        Err(Refused::NoFollowUp(m) | Refused::Logo(m) | Refused::Year(m)) => {
            r.error = Some(m);
            return None;
        }
        Err(Refused::MissingId(_)) => return None,
    };
    r.actions = report.actions;
    r.warnings = report.diagnostics.iter().filter(|d| !d.is_error()).count();
    let errors: Vec<_> = report.diagnostics.iter().filter(|d| d.is_error()).collect();
    if let Some(first) = errors.first() {
        r.error = Some(format!(
            "{} erreur{} dans le plan : {} {}",
            errors.len(),
            if errors.len() > 1 { "s" } else { "" },
            first.place(),
            first.message
        ));
    }
    r.diagnostics = report.diagnostics;
    None
}

/// Temporary files a killed run may have left.
fn clean_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') && name.contains(".tmp-") {
            let _ = std::fs::remove_file(e.path());
        }
    }
}
