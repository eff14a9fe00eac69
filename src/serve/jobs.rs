//! The work behind each route, synchronous, shared by the API and the pages: thin over
//! the one entry point (`prepare`), uploads written to a private folder and read by the
//! isolated reader; a ZIP of plans goes through the batch.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::batch::Readers;
use crate::ingest::{read_plan_bytes_corrected, Correction, Limits, PlanOverrides, ReadOptions, Reading, Workbook};
use crate::job::{documents, evaluation_files, DocKind};
use crate::model::MetaKey;
use crate::prepare::{prepare, Date, Earlier, Logo, Prefix, Reader, Refused, Request};
use crate::validate::CheckReport;

use super::errors::RequestError;
use super::form::{Form, Upload};
use super::progress::Counts;
use super::tempdir::TempDir;

/// A plan read from an upload, with its sheet for display.
pub struct Read {
    pub name: String,
    pub reading: Reading,
    pub workbook: Workbook,
}

impl Read {
    pub fn report(&self) -> CheckReport {
        self.reading.report(&self.name)
    }
}

/// The isolated readers of uploads, kept between requests; `None` where this program
/// cannot start itself (then uploads are read in the server's process).
fn readers(limits: &Limits, models: Option<&Path>) -> Option<&'static Readers> {
    static READERS: OnceLock<Option<Readers>> = OnceLock::new();
    READERS
        .get_or_init(|| {
            let exe = std::env::current_exe().ok()?;
            let mb = limits.max_file_bytes / (1024 * 1024);
            Some(Readers::new(&exe, None, models).with_max_megabytes(mb))
        })
        .as_ref()
}

fn reader(limits: &Limits, models: Option<&Path>) -> Reader<'static> {
    readers(limits, models).map_or(Reader::InProcess, Reader::Isolated)
}

/// Uploads written into a private folder for the isolated reader, removed when dropped.
struct Sent {
    dir: TempDir,
}

impl Sent {
    fn new() -> Result<Sent, RequestError> {
        let dir = TempDir::new("plandoc-envoi").map_err(|e| RequestError::Internal(crate::durable::io_fr(&e)))?;
        Ok(Sent { dir })
    }

    /// Writes `u` under `slot` (one folder per field): its path, under the name it was sent.
    fn file(&self, slot: &str, u: &Upload) -> Result<PathBuf, RequestError> {
        let io = |e: std::io::Error| RequestError::Internal(crate::durable::io_fr(&e));
        let dir = self.dir.path().join(slot);
        std::fs::create_dir_all(&dir).map_err(io)?;
        let path = dir.join(disk_name(&u.name));
        std::fs::write(&path, &u.bytes).map_err(io)?;
        Ok(path)
    }

    /// Writes the plan and, when there is one, its correction beside it as `plandoc.toml`.
    fn plan_with(&self, u: &Upload, correction: &Correction) -> Result<PathBuf, RequestError> {
        let path = self.file("plan", u)?;
        if !correction.is_empty() {
            let toml = path.with_file_name("plandoc.toml");
            std::fs::write(toml, correction.to_toml())
                .map_err(|e| RequestError::Internal(crate::durable::io_fr(&e)))?;
        }
        Ok(path)
    }
}

/// A sent name usable as a file name: no leading dot, at most 200 bytes, its extension kept.
fn disk_name(name: &str) -> String {
    let name = if name.starts_with('.') { format!("plan{name}") } else { name.to_string() };
    if name.len() <= 200 {
        return name;
    }
    let ext = Path::new(&name).extension().map(|e| e.to_string_lossy().into_owned()).unwrap_or_default();
    let mut stem: String = String::new();
    for c in name.chars() {
        if stem.len() + c.len_utf8() > 180 {
            break;
        }
        stem.push(c);
    }
    format!("{stem}.{}", ext.chars().take(10).collect::<String>())
}

/// A refusal of the one entry point, as the server answers it.
fn refused(r: Refused) -> RequestError {
    match r {
        Refused::Unreadable(report) | Refused::Invalid(report) => RequestError::Plan(report),
        Refused::NoFollowUp(m) | Refused::Logo(m) | Refused::Year(m) => RequestError::Invalid(m),
        Refused::MissingId(missing) => RequestError::Invalid(format!(
            "l'identifiant @ctes demande : {} (champs du formulaire ou feuille Convention)",
            missing.join(", ")
        )),
    }
}

/// Reads an uploaded plan in the isolated reader; an unreadable file is a 422 with its
/// report.
pub fn read(u: Upload, limits: &Limits, models: Option<&Path>) -> Result<Read, RequestError> {
    read_corrected(u, limits, models, &Correction::default())
}

/// `read` with a correction of the reading made on the Contrôle page: written beside the
/// upload as its `plandoc.toml`, so the isolated reader applies it as the command line
/// would. The sheet shown beside the report is read again here, once the isolated reader
/// has read the file within its limits.
pub fn read_corrected(
    u: Upload,
    limits: &Limits,
    models: Option<&Path>,
    correction: &Correction,
) -> Result<Read, RequestError> {
    let sent = Sent::new()?;
    let path = sent.plan_with(&u, correction)?;
    let opts = ReadOptions { limits: *limits, config: None, correction: correction.clone(), force: false };
    match crate::prepare::read_as(&path, &u.name, &opts, reader(limits, models), None) {
        Ok(reading) => {
            let (_, workbook) = read_plan_bytes_corrected(&u.name, u.bytes, limits, None, correction)
                .map_err(|e| RequestError::Plan(Box::new(e.report(&u.name))))?;
            Ok(Read { name: u.name, reading, workbook })
        }
        Err(e) => Err(RequestError::Plan(Box::new(e.report(&u.name)))),
    }
}

/// The deliberation and collectivity settings of the Documents form: its fields are named
/// after the `[plan]` keys of plandoc.toml. A logo comes as an upload, never as a path on
/// the server: the `logo` key is not taken from the form.
pub fn overrides(form: &Form) -> PlanOverrides {
    let mut o = PlanOverrides::default();
    for key in MetaKey::all().filter(|k| *k != MetaKey::Logo) {
        if let Some(text) = form.text(key.toml_key()) {
            o.set_text(key, text);
        }
    }
    o
}

/// The workbooks' format chosen on the form (field `tableur`); none: XLSX.
pub fn sheets(form: &Form) -> Result<Option<crate::sheet_formats::SheetFormats>, RequestError> {
    form.text("tableur")
        .filter(|t| !t.trim().is_empty())
        .map(|t| crate::sheet_formats::SheetFormats::parse(&t).map_err(RequestError::Invalid))
        .transpose()
}

/// Which documents: "fiches,plan" or checkboxes; none means all.
pub fn kinds(form: &Form) -> Result<BTreeSet<DocKind>, RequestError> {
    let mut out = BTreeSet::new();
    for k in form.text("documents").unwrap_or_default().split(',').map(str::trim).filter(|k| !k.is_empty()) {
        out.insert(DocKind::parse(k).ok_or_else(|| {
            RequestError::Invalid(format!(
                "document « {k} » inconnu (attendu : fiches, echeancier, plan, annexe, evaluation)"
            ))
        })?);
    }
    Ok(if out.is_empty() { DocKind::ALL.into_iter().collect() } else { out })
}

/// Longest @ctes prefix of file names, once made ASCII-safe: the longest document name
/// after it stays well under the file systems' 255 bytes.
pub const MAX_PREFIX: usize = 150;

fn checked_prefix(p: &str) -> Result<String, RequestError> {
    let name = crate::job::ascii_name(p);
    if name.len() > MAX_PREFIX {
        return Err(RequestError::Invalid(format!(
            "préfixe des noms de fichiers trop long : {} caractères, pour {MAX_PREFIX} au plus",
            name.len()
        )));
    }
    Ok(name)
}

/// What the server tells the one entry point about every job.
fn request<'a>(path: &'a Path, name: &'a str, limits: &Limits, serve: &super::ServeOptions) -> Request<'a> {
    let mut req = Request::new(path, name);
    req.read = ReadOptions { limits: *limits, config: None, ..Default::default() };
    req.reader = reader(limits, serve.models.as_deref());
    req.look = serve.template.clone();
    req
}

/// The documents of a valid plan, in memory, named as they will be downloaded.
pub fn build(
    plan: Upload,
    form: &Form,
    logo: Option<Upload>,
    limits: &Limits,
    serve: &super::ServeOptions,
    correction: &Correction,
) -> Result<Vec<(String, Vec<u8>)>, RequestError> {
    let sent = Sent::new()?;
    let path = sent.plan_with(&plan, correction)?;
    let overrides = overrides(form);
    let mut req = request(&path, &plan.name, limits, serve);
    req.read.correction = correction.clone();
    req.overrides = Some(&overrides);
    req.only = kinds(form)?;
    req.sheets = Some(sheets(form)?.unwrap_or_default());
    req.prefix = match form.text("prefixe_id").as_deref() {
        None | Some("non") => Prefix::None,
        Some("on" | "oui" | "1" | "true") => Prefix::DeliberationId,
        Some(p) => Prefix::Given(checked_prefix(p)?),
    };
    req.logo = match &logo {
        Some(l) => Logo::Sent(&l.name, &l.bytes),
        None => Logo::None,
    };
    req.date = Date::Deliberation;
    req.one_fiche_per_page = form.text("une_fiche_par_page").is_some();
    let prepared = prepare(&req).map_err(refused)?;
    super::budget::check(&plan.name, &prepared.reading.plan)?;
    documents(&prepared.reading.plan, &prepared.options).map_err(|e| RequestError::Internal(e.to_string()))
}

/// evaluation.pdf and evaluation.xlsx of a followed plan, compared with `before` if given:
/// two files that are not versions of one plan are refused unless the form says `forcer`.
pub fn evaluation(
    plan: Upload,
    before: Option<Upload>,
    form: &Form,
    limits: &Limits,
    serve: &super::ServeOptions,
) -> Result<Vec<(String, Vec<u8>)>, RequestError> {
    let year = year(form)?;
    let sent = Sent::new()?;
    let path = sent.file("plan", &plan)?;
    let earlier = before.as_ref().map(|b| sent.file("depuis", b).map(|p| (p, b.name.as_str()))).transpose()?;
    let mut req = request(&path, &plan.name, limits, serve);
    req.only = [DocKind::Evaluation].into_iter().collect();
    req.sheets = Some(sheets(form)?.unwrap_or_default());
    req.evaluation = true;
    req.year = year;
    req.earlier = earlier.as_ref().map(|(p, name)| Earlier {
        path: p,
        name,
        force: form.text("forcer").is_some_and(|v| v != "non"),
        force_hint: "cochez « Comparer quand même » (champ forcer)",
        label: None,
    });
    let prepared = prepare(&req).map_err(refused)?;
    let (plan, docs) = (&prepared.reading.plan, &prepared.options.docs);
    evaluation_files(plan, docs, &prepared.eval_options(), prepared.options.sheets)
        .map_err(|e| RequestError::Internal(e.to_string()))
}

/// The review year field, when given.
pub fn year(form: &Form) -> Result<Option<i32>, RequestError> {
    match form.text("annee") {
        None => Ok(None),
        Some(y) => {
            y.parse::<i32>().ok().filter(|y| (1990..=2100).contains(y)).map(Some).ok_or_else(|| {
                RequestError::Invalid(format!("année « {y} » invalide (attendu : AAAA, par exemple 2027)"))
            })
        }
    }
}

/// Where a lot's outputs are written inside its work folder.
pub const LOT_OUTPUT: &str = "sortie";

/// A ZIP of plans through the batch, in `work` (a private temporary folder): the report,
/// and at `zip` a ZIP of every output with rapport-lot.json and rapport-lot.xlsx.
/// `counts` learns how many plans the archive holds, then how many are finished.
pub fn lot(
    bytes: &[u8],
    work: &std::path::Path,
    limits: Limits,
    serve: &super::ServeOptions,
    counts: &Counts,
    zip: &std::path::Path,
) -> Result<crate::batch::BatchReport, RequestError> {
    let input = work.join("plans");
    let out = work.join(LOT_OUTPUT);
    counts.set_total(super::zipin::extract(bytes, &input, limits.max_file_bytes)?);
    let opts = crate::batch::BatchOptions {
        // The pool bounds the machine: a lot is one job.
        jobs: Some(1),
        shard: None,
        force: true,
        only: DocKind::ALL.into_iter().collect(),
        config: None,
        template: serve.template.clone(),
        template_fingerprint: crate::templates::models_fingerprint(serve.models.as_deref()),
        models: serve.models.clone(),
        date: None,
        one_fiche_per_page: false,
        sheets: None,
        read: crate::ingest::ReadOptions { limits, config: None, ..Default::default() },
        progress: crate::batch::ProgressMode::Quiet,
        wait: false,
        logos_within: Some(input.clone()),
        isolated_reader: std::env::current_exe().ok(),
        synthesis: None,
        done_count: Some(counts.done()),
    };
    let internal = |e: std::io::Error| RequestError::Internal(hide_paths(&e.to_string(), work));
    let mut report = crate::batch::run(&input, &out, &opts).map_err(|e| match e {
        crate::batch::BatchError::Io(e) => internal(e),
        e => RequestError::Internal(hide_paths(&e.to_string(), work)),
    })?;
    if crate::cancel::requested() {
        return Err(RequestError::Cancelled);
    }
    // Plans are named by their path in the archive already; a failure to write names the
    // work folder: never shown.
    for p in &mut report.plans {
        if let Some(e) = &mut p.error {
            *e = hide_paths(e, work);
        }
        for d in &mut p.diagnostics {
            d.message = hide_paths(&d.message, work);
        }
    }
    crate::batch::write_reports(&out, "", &report).map_err(internal)?;
    super::zipout::pack_dir_to(&out, zip)?;
    Ok(report)
}

/// `text` with the lot's work folder left out: paths inside the archive or the outputs.
fn hide_paths(text: &str, work: &Path) -> String {
    let mut t = text.to_string();
    for (dir, shown) in [(work.join("plans"), ""), (work.join(LOT_OUTPUT), ""), (work.to_path_buf(), "lot")] {
        let d = dir.display().to_string();
        t = t.replace(&format!("{d}/"), shown).replace(&d, if shown.is_empty() { "." } else { shown });
    }
    t
}

/// A ZIP of plans → synthese.pdf and synthese.xlsx, read in `work` (a private temporary
/// folder) by the isolated readers, under the lot's limits; `counts` learns how many
/// files the archive holds, then how many are read.
pub fn synthesis(
    bytes: &[u8],
    work: &Path,
    limits: Limits,
    serve: &super::ServeOptions,
    form: &Form,
    counts: &Counts,
) -> Result<Vec<(String, Vec<u8>)>, RequestError> {
    let year = year(form)?;
    let themes = crate::synthesis::Themes::load(serve.models.as_deref()).map_err(RequestError::Invalid)?;
    let input = work.join("plans");
    counts.set_total(super::zipin::extract(bytes, &input, limits.max_file_bytes)?);
    let opts = crate::synthesis::SynthesisOptions {
        read: ReadOptions { limits, config: None, ..Default::default() },
        isolated_reader: std::env::current_exe().ok(),
        models: serve.models.clone(),
        // The pool bounds the machine: a synthesis is one job.
        jobs: Some(1),
        read_count: Some(counts.done()),
    };
    let internal = |e: std::io::Error| RequestError::Internal(hide_paths(&crate::durable::io_fr(&e), work));
    let mut got = crate::synthesis::collect(&input, None, &opts).map_err(internal)?;
    if crate::cancel::requested() {
        return Err(RequestError::Cancelled);
    }
    for u in &mut got.unread {
        u.reason = hide_paths(&u.reason, work);
    }
    let title = form.text("titre").map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
    let title = title.unwrap_or_else(|| serve.template.label("synthese_titre").to_string());
    let s = crate::synthesis::Synthesis::new(&title, year, themes, &got.inputs, got.unread);
    if s.plans.is_empty() {
        return Err(RequestError::Invalid(format!(
            "aucun plan avec des données de suivi dans l'archive ({} lu{}, {} non lu{}) : aucune synthèse écrite",
            got.inputs.len(),
            if got.inputs.len() > 1 { "s" } else { "" },
            s.unread.len(),
            if s.unread.len() > 1 { "s" } else { "" }
        )));
    }
    let docs = crate::documents::DocOptions { template: serve.template.clone(), ..Default::default() };
    let formats = sheets(form)?.unwrap_or_default();
    crate::synthesis::render(&s, &docs, formats).map_err(|e| RequestError::Internal(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(fields: &[(&str, &str)]) -> Form {
        Form { files: Default::default(), fields: fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect() }
    }

    #[test]
    fn the_documents_form_sets_metadata_by_its_plandoc_toml_keys_but_never_a_logo_path() {
        let o = overrides(&form(&[
            ("collectivite", " Commune de Revel "),
            ("siren", "248900896"),
            ("logo", "/etc/passwd"),
            ("inconnu", "x"),
        ]));
        assert_eq!(o.text(MetaKey::Territory), Some("Commune de Revel"));
        assert_eq!(o.text(MetaKey::Siren), Some("248900896"));
        assert_eq!(o.text(MetaKey::Logo), None);
    }

    #[test]
    fn the_workbook_format_is_chosen_or_refused_in_french() {
        assert_eq!(sheets(&form(&[])).unwrap(), None);
        assert_eq!(sheets(&form(&[("tableur", "ods")])).unwrap(), Some(crate::sheet_formats::SheetFormats::ODS));
        let Err(RequestError::Invalid(why)) = sheets(&form(&[("tableur", "csv")])) else { panic!("csv accepté") };
        assert!(why.contains("« csv »"), "{why}");
    }
}
