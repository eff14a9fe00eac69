//! One plan → its documents in a folder: the job behind `plandoc build` and the batch.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::documents::DocOptions;
use crate::model::Plan;
use crate::sheet_formats::SheetFormats;

/// A document plandoc can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DocKind {
    Fiches,
    Echeancier,
    Plan,
    Annexe,
    /// evaluation.pdf and evaluation.xlsx, written when the plan has follow-up data.
    Evaluation,
}

impl DocKind {
    pub const ALL: [DocKind; 5] =
        [DocKind::Fiches, DocKind::Echeancier, DocKind::Plan, DocKind::Annexe, DocKind::Evaluation];
    pub const PDF: [DocKind; 3] = [DocKind::Fiches, DocKind::Echeancier, DocKind::Plan];

    /// Name on the command line (`--only fiches,echeancier`).
    pub fn key(self) -> &'static str {
        match self {
            DocKind::Fiches => "fiches",
            DocKind::Echeancier => "echeancier",
            DocKind::Plan => "plan",
            DocKind::Annexe => "annexe",
            DocKind::Evaluation => "evaluation",
        }
    }

    pub fn file_name(self) -> &'static str {
        self.file_names()[0]
    }

    /// Every file the document makes: the evaluation report comes with its workbook.
    pub fn file_names(self) -> &'static [&'static str] {
        match self {
            DocKind::Fiches => &["fiches-actions.pdf"],
            DocKind::Echeancier => &["echeancier.pdf"],
            DocKind::Plan => &["plan-d-actions.pdf"],
            DocKind::Annexe => &["annexe.xlsx"],
            DocKind::Evaluation => &["evaluation.pdf", "evaluation.xlsx"],
        }
    }

    /// The files the document makes with its workbooks in `sheets`, XLSX before ODS.
    pub fn files(self, sheets: SheetFormats) -> Vec<String> {
        let workbooks = |stem: &'static str| sheets.extensions().into_iter().map(move |e| format!("{stem}.{e}"));
        match self {
            DocKind::Annexe => workbooks("annexe").collect(),
            DocKind::Evaluation => {
                std::iter::once("evaluation.pdf".to_string()).chain(workbooks("evaluation")).collect()
            }
            _ => vec![self.file_name().to_string()],
        }
    }

    pub fn parse(s: &str) -> Option<DocKind> {
        let f = crate::text::fold(s);
        DocKind::ALL.into_iter().find(|k| k.key() == f || k.file_name().split('.').next() == Some(f.as_str()))
    }
}

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub only: BTreeSet<DocKind>,
    pub docs: DocOptions,
    /// Prefix of every file name (the @ctes deliberation ID), already ASCII.
    pub prefix: Option<String>,
    /// Validation warnings, listed in the annex's "Contrôles" sheet.
    pub warnings: Vec<crate::validate::Diagnostic>,
    /// Files this build reads (workbook, configuration, logo): never written over.
    pub inputs: Vec<PathBuf>,
    /// Formats of the annex and evaluation workbooks.
    pub sheets: SheetFormats,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            only: DocKind::ALL.into_iter().collect(),
            docs: DocOptions::default(),
            prefix: None,
            warnings: Vec::new(),
            inputs: Vec::new(),
            sheets: SheetFormats::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("dossier de sortie « {0} » impossible à créer : {1}")]
    OutDir(String, String),
    #[error("{0}")]
    Render(#[from] crate::render::pdf::PdfError),
    #[error("annexe XLSX impossible : {0}")]
    Xlsx(String),
    #[error("{0}")]
    Ods(String),
    #[error("écriture de « {0} » impossible : {1} ; aucun document n'a été écrit ni remplacé")]
    Write(String, String),
    #[error("{0}")]
    Refused(String),
}

fn pdf_kind(kind: DocKind) -> crate::documents::PdfKind<'static> {
    match kind {
        DocKind::Fiches => crate::documents::PdfKind::Fiches,
        DocKind::Echeancier => crate::documents::PdfKind::Echeancier,
        // The annex is not a PDF: `render_all` leaves it out.
        DocKind::Plan | DocKind::Annexe | DocKind::Evaluation => crate::documents::PdfKind::PlanTable,
    }
}

/// evaluation.pdf and evaluation.xlsx of a plan with follow-up data.
pub fn evaluation_reports(
    plan: &Plan,
    docs: &DocOptions,
    eval: &crate::documents::EvalOptions,
) -> Result<(Vec<u8>, Vec<u8>), BuildError> {
    let pdf = crate::streamed::pdf(crate::documents::PdfKind::Evaluation(eval), plan, docs)?;
    let changes = eval.changes.as_ref().map(|(_, c)| c.as_slice());
    let xlsx = crate::render::evaluation_xlsx::evaluation_xlsx(
        plan,
        eval.year,
        changes,
        Some(docs.template.colours.main.clone()),
    )
    .map_err(|e| BuildError::Xlsx(crate::render::xlsx_error_fr(&e)))?;
    Ok((pdf, xlsx))
}

/// A workbook in the formats asked, XLSX before ODS (the ODS made from the XLSX).
pub fn workbooks(xlsx: Vec<u8>, title: &str, sheets: SheetFormats) -> Result<Vec<Vec<u8>>, BuildError> {
    let ods =
        if sheets.ods { Some(crate::render::ods::ods_from_xlsx(&xlsx, title).map_err(BuildError::Ods)?) } else { None };
    Ok(sheets.xlsx.then_some(xlsx).into_iter().chain(ods).collect())
}

/// The evaluation's files (report, then its workbooks), named, without prefix.
pub fn evaluation_files(
    plan: &Plan,
    docs: &DocOptions,
    eval: &crate::documents::EvalOptions,
    sheets: SheetFormats,
) -> Result<Vec<(String, Vec<u8>)>, BuildError> {
    let (pdf, xlsx) = evaluation_reports(plan, docs, eval)?;
    let files = std::iter::once(pdf).chain(workbooks(xlsx, "Évaluation du plan d'actions", sheets)?);
    Ok(DocKind::Evaluation.files(sheets).into_iter().zip(files).collect())
}

/// The XLSX annex of a plan.
pub fn annexe(plan: &Plan, opts: &BuildOptions) -> Result<Vec<u8>, BuildError> {
    let a = crate::render::annexe::AnnexOptions {
        date: opts.docs.date.clone(),
        warnings: opts.warnings.clone(),
        constant_memory: false,
        colour: Some(opts.docs.template.colours.main.clone()),
    };
    crate::render::annexe::annexe_xlsx(plan, &a).map_err(|e| BuildError::Xlsx(crate::render::xlsx_error_fr(&e)))
}

/// Builds the PDF bytes of one document.
pub fn render(kind: DocKind, plan: &Plan, opts: &DocOptions) -> Result<Vec<u8>, BuildError> {
    Ok(crate::streamed::pdf(pdf_kind(kind), plan, opts)?)
}

/// Builds several PDFs of one plan at once (see `run_jobs`), in the order asked.
pub fn render_all(kinds: &[DocKind], plan: &Plan, opts: &DocOptions) -> Result<Vec<Vec<u8>>, BuildError> {
    let pdfs: Vec<DocKind> = kinds.iter().copied().filter(|k| DocKind::PDF.contains(k)).collect();
    run_jobs(pdfs.len(), at_once(plan), |i| render(pdfs[i], plan, opts)).into_iter().collect()
}

/// Runs jobs `0..n` on this thread and the threads of the current pool, each taking the
/// next job when it is free: listed costliest first, the jobs end close together on two
/// cores (longest first), which rayon's halving of a list does not give. Results in job
/// order.
fn run_jobs<T: Send>(n: usize, at_once: usize, job: impl Fn(usize) -> T + Sync) -> Vec<T> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let slots: Vec<std::sync::Mutex<Option<T>>> = (0..n).map(|_| std::sync::Mutex::new(None)).collect();
    // Helper threads work under the calling job's cancellation flag.
    let flag = crate::cancel::current();
    let work = || {
        crate::cancel::with(flag.clone(), || loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(slot) = slots.get(i) else { break };
            let done = job(i);
            if let Ok(mut s) = slot.lock() {
                *s = Some(done);
            }
        })
    };
    // This thread works too: a pool thread (batch) or the main thread (`plandoc build`,
    // whose pool has one thread fewer than the machine has cores).
    let others = rayon::current_num_threads() - usize::from(rayon::current_thread_index().is_some());
    rayon::in_place_scope(|s| {
        for _ in 0..others.min(n.saturating_sub(1)).min(at_once.saturating_sub(1)) {
            s.spawn(|_| work());
        }
        work();
    });
    // A job that panicked has made the scope panic already: every slot is filled here.
    slots.into_iter().filter_map(|m| m.into_inner().ok().flatten()).collect()
}

/// Plans of more actions have their documents made one after the other: each holds
/// its structure and file in memory (≈ 170 MB for the fiches of 20,000 actions), and
/// the fiches take longer than all the others together, so two at once save little
/// time but add their memory.
pub const ONE_AT_A_TIME_ABOVE: usize = 10_000;

/// How many of a plan's documents are made at once.
fn at_once(plan: &Plan) -> usize {
    if plan.action_count() > ONE_AT_A_TIME_ABOVE {
        1
    } else {
        usize::MAX
    }
}

/// The jobs of a build, costliest first: the evaluation (a report and its workbook),
/// the fiches, the échéancier, the XLSX annex, the plan table.
fn jobs(plan: &Plan, opts: &BuildOptions) -> Vec<DocKind> {
    let order = [DocKind::Evaluation, DocKind::Fiches, DocKind::Echeancier, DocKind::Annexe, DocKind::Plan];
    order.into_iter().filter(|k| opts.only.contains(k) && (*k != DocKind::Evaluation || plan.has_follow_up())).collect()
}

/// The files one job makes: (file name, bytes), prefix applied.
fn make(kind: DocKind, plan: &Plan, opts: &BuildOptions) -> Result<Vec<(String, Vec<u8>)>, BuildError> {
    let cancelled = || BuildError::Refused(crate::cancel::MESSAGE.into());
    if crate::cancel::requested() {
        return Err(cancelled());
    }
    let files = match kind {
        DocKind::Annexe => {
            let title = format!("Annexe — {}", plan.meta.title.as_deref().unwrap_or("Plan d'actions"));
            workbooks(annexe(plan, opts)?, &title, opts.sheets)?
        }
        DocKind::Evaluation => {
            let eval = crate::documents::EvalOptions::default();
            evaluation_files(plan, &opts.docs, &eval, opts.sheets)?.into_iter().map(|(_, b)| b).collect()
        }
        _ => vec![render(kind, plan, &opts.docs)?],
    };
    // A document laid out after its job was cancelled may be cut short: never delivered.
    if crate::cancel::requested() {
        return Err(cancelled());
    }
    Ok(kind.files(opts.sheets).iter().map(|name| prefixed(name, opts)).zip(files).collect())
}

fn prefixed(name: &str, opts: &BuildOptions) -> String {
    match &opts.prefix {
        Some(p) => format!("{p}-{name}"),
        None => name.to_string(),
    }
}

/// Files in the order they are listed: fiches, échéancier, plan, annex, evaluation.
fn in_listing_order<T>(kinds: &[DocKind], made: Vec<T>) -> Vec<T> {
    let mut both: Vec<(DocKind, T)> = kinds.iter().copied().zip(made).collect();
    both.sort_by_key(|(k, _)| *k);
    both.into_iter().map(|(_, t)| t).collect()
}

/// The chosen documents of `plan` in memory: (file name, bytes), prefix applied.
pub fn documents(plan: &Plan, opts: &BuildOptions) -> Result<Vec<(String, Vec<u8>)>, BuildError> {
    let kinds = jobs(plan, opts);
    let made = run_jobs(kinds.len(), at_once(plan), |i| make(kinds[i], plan, opts));
    let made: Vec<Vec<(String, Vec<u8>)>> = made.into_iter().collect::<Result<_, _>>()?;
    Ok(in_listing_order(&kinds, made).into_iter().flatten().collect())
}

/// Writes the chosen documents of `plan` into `out`, all or nothing: each goes to a
/// temporary name and is synced as soon as it is made (while the others are being
/// made), and only when all are there are they renamed into place. On failure `out` is
/// left exactly as it was.
pub fn build(plan: &Plan, out: &Path, opts: &BuildOptions) -> Result<Vec<PathBuf>, BuildError> {
    let kinds = jobs(plan, opts);
    let names: Vec<PathBuf> =
        kinds.iter().flat_map(|k| k.files(opts.sheets)).map(|n| out.join(prefixed(&n, opts))).collect();
    let created = prepare_out(out, &names, opts)?;
    let write_err = |e: std::io::Error| BuildError::Write(out.display().to_string(), crate::durable::io_fr(&e));
    let made = run_jobs(kinds.len(), at_once(plan), |i| {
        let files = make(kinds[i], plan, opts)?;
        let files: Vec<(PathBuf, &[u8])> = files.iter().map(|(n, b)| (out.join(n), b.as_slice())).collect();
        crate::durable::stage_synced(out, &files).map_err(write_err)
    });
    let staged = made.into_iter().collect::<Result<Vec<_>, _>>().map(|parts| {
        let files = crate::durable::Staged::join(out, in_listing_order(&kinds, parts));
        StagedBuild { paths: files.finals().to_vec(), files, created }
    });
    match staged {
        Ok(s) => s.publish().map_err(write_err),
        Err(e) => {
            // Every staged part was dropped, its temporaries removed.
            if created {
                let _ = std::fs::remove_dir(out);
            }
            Err(e)
        }
    }
}

/// A plan's documents written under temporary names in their folder, not yet synced nor
/// renamed (see `durable::Staged`): the batch syncs many plans' documents at once.
#[derive(Debug)]
pub struct StagedBuild {
    pub files: crate::durable::Staged,
    pub paths: Vec<PathBuf>,
    /// The folder was made for this build: removed again if publishing fails.
    created: bool,
}

impl StagedBuild {
    /// Renames the documents into place (their data must be durable) and makes the
    /// renames durable.
    pub fn publish(self) -> std::io::Result<Vec<PathBuf>> {
        let dir = self.files.dir().to_path_buf();
        let paths = self.rename()?;
        crate::durable::sync_dir(&dir)?;
        Ok(paths)
    }

    /// Removes the temporaries (and the folder if this build made it).
    pub fn abandon(self) {
        let dir = self.files.dir().to_path_buf();
        drop(self.files);
        if self.created {
            let _ = std::fs::remove_dir(dir);
        }
    }

    /// Renames the documents into place, without syncing their folder.
    pub fn rename(self) -> std::io::Result<Vec<PathBuf>> {
        let dir = self.files.dir().to_path_buf();
        if let Err(e) = self.files.rename() {
            if self.created {
                let _ = std::fs::remove_dir(&dir);
            }
            return Err(e);
        }
        Ok(self.paths)
    }
}

/// Renders the chosen documents of `plan` and writes them under temporary names in `out`.
pub fn stage(plan: &Plan, out: &Path, opts: &BuildOptions) -> Result<StagedBuild, BuildError> {
    let all = documents(plan, opts)?;
    let files: Vec<(PathBuf, &[u8])> = all.iter().map(|(name, bytes)| (out.join(name), bytes.as_slice())).collect();
    let paths: Vec<PathBuf> = files.iter().map(|(p, _)| p.clone()).collect();
    let created = prepare_out(out, &paths, opts)?;
    match crate::durable::stage(out, &files) {
        Ok(files) => Ok(StagedBuild { files, paths, created }),
        Err(e) => {
            if created {
                let _ = std::fs::remove_dir(out);
            }
            Err(BuildError::Write(out.display().to_string(), crate::durable::io_fr(&e)))
        }
    }
}

/// Refuses `names` that would replace an input, then makes `out`: whether it was made
/// here (removed again if the build fails).
fn prepare_out(out: &Path, names: &[PathBuf], opts: &BuildOptions) -> Result<bool, BuildError> {
    crate::durable::refuse_overwriting_inputs(names, &opts.inputs).map_err(BuildError::Refused)?;
    let created = !out.exists();
    std::fs::create_dir_all(out)
        .map_err(|e| BuildError::OutDir(out.display().to_string(), crate::durable::io_fr(&e)))?;
    Ok(created)
}

/// Where the plan's logo is read from, if it names one.
pub fn logo_path(plan: &Plan, input: &Path) -> Option<PathBuf> {
    plan.meta.logo.as_ref().map(|l| input.parent().unwrap_or(Path::new(".")).join(l))
}

/// The logo the plan names (path relative to its workbook), or why it is left out.
pub fn load_logo(plan: &Plan, input: &Path) -> Result<Option<crate::layout::Image>, String> {
    let Some(path) = logo_path(plan, input) else { return Ok(None) };
    crate::named_file::read_regular(&path, crate::named_file::MAX_LOGO_BYTES)
        .and_then(|b| crate::layout::Image::from_bytes(&b))
        .map(Some)
        .map_err(|e| format!("logo « {} » ignoré : {e}.", path.display()))
}

/// The @ctes act identifier, "089-248900896-20260129-2026_01-DE", when the plan knows
/// its department, SIREN, deliberation number and date; else the missing keys.
pub fn deliberation_id(plan: &Plan) -> Result<String, Vec<&'static str>> {
    let m = &plan.meta;
    let mut missing = Vec::new();
    if m.department.is_none() {
        missing.push("Département");
    }
    if m.siren.is_none() {
        missing.push("SIREN");
    }
    if m.deliberation_number.is_none() {
        missing.push("N° de délibération");
    }
    let date = m.deliberation_date.as_deref().and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    if date.is_none() {
        missing.push("Date de délibération");
    }
    if !missing.is_empty() {
        return Err(missing);
    }
    let (Some(dep), Some(siren), Some(num), Some(date)) = (&m.department, &m.siren, &m.deliberation_number, date)
    else {
        return Err(missing);
    };
    Ok(ascii_name(&format!("{dep}-{siren}-{}-{num}-DE", date.format("%Y%m%d"))))
}

/// Any text as a file name made of `[A-Za-z0-9._-]` only: accents dropped, the rest "-".
pub fn ascii_name(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::new();
    for c in s.nfd() {
        if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
            out.push(c);
        } else if unicode_normalization::char::is_combining_mark(c) {
            continue;
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let t = out.replace("-.", ".").trim_matches(|c| c == '-' || c == '.').to_string();
    if t.is_empty() {
        "plan".into()
    } else {
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_names() {
        assert_eq!(ascii_name("Plan d'action été 2026 (v2).xlsx"), "Plan-d-action-ete-2026-v2.xlsx");
        assert_eq!(ascii_name("../../etc"), "etc");
        assert_eq!(ascii_name("«»"), "plan");
    }
}
