//! The work behind each route, synchronous, on uploads in memory: read a plan, build its
//! documents, its evaluation, a batch. Shared by the API and the pages.

use std::collections::BTreeSet;

use crate::build::{ascii_name, deliberation_id, documents, evaluation_reports, BuildOptions, DocKind};
use crate::documents::{DocOptions, EvalOptions};
use crate::ingest::{read_plan_bytes, Limits, PlanOverrides, Reading, Workbook};
use crate::templates::DocTemplate;
use crate::validate::CheckReport;

use super::errors::RequestError;
use super::form::{Form, Upload};

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

/// Reads an uploaded plan; an unreadable file is a 422 with its report.
pub fn read(u: Upload, limits: &Limits, overrides: Option<&PlanOverrides>) -> Result<Read, RequestError> {
    match read_plan_bytes(&u.name, u.bytes, limits, overrides) {
        Ok((reading, workbook)) => Ok(Read { name: u.name, reading, workbook }),
        Err(e) => Err(RequestError::Plan(Box::new(e.report(&u.name)))),
    }
}

/// Reads a plan that must have no error.
pub fn read_valid(u: Upload, limits: &Limits, overrides: Option<&PlanOverrides>) -> Result<Read, RequestError> {
    let r = read(u, limits, overrides)?;
    if r.reading.has_errors() {
        return Err(RequestError::Plan(Box::new(r.report())));
    }
    Ok(r)
}

/// The deliberation and collectivity settings of the Documents form.
pub fn overrides(form: &Form) -> PlanOverrides {
    PlanOverrides {
        collectivite: form.text("collectivite"),
        deliberation: form.text("deliberation"),
        date_deliberation: form.text("date_deliberation"),
        annexe: form.text("annexe"),
        siren: form.text("siren"),
        departement: form.text("departement"),
        couleur: form.text("couleur"),
        ..Default::default()
    }
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

/// The documents of a valid plan, in memory, named as they will be downloaded.
pub fn build(
    r: &Read,
    form: &Form,
    logo: Option<Upload>,
    template: &DocTemplate,
) -> Result<Vec<(String, Vec<u8>)>, RequestError> {
    let only = kinds(form)?;
    let prefix = match form.text("prefixe_id").as_deref() {
        None | Some("non") => None,
        Some("on" | "oui" | "1" | "true") => Some(deliberation_id(&r.reading.plan).map_err(|missing| {
            RequestError::Invalid(format!(
                "l'identifiant @ctes demande : {} (champs du formulaire ou feuille Convention)",
                missing.join(", ")
            ))
        })?),
        Some(p) => Some(ascii_name(p)),
    };
    let logo = match logo {
        Some(l) => Some(
            crate::layout::Image::from_bytes(&l.bytes)
                .map_err(|e| RequestError::Invalid(format!("logo « {} » illisible : {e}", l.name)))?,
        ),
        None => None,
    };
    let date = r
        .reading
        .plan
        .meta
        .deliberation_date
        .clone()
        .filter(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok());
    let warnings = r.reading.diagnostics.iter().filter(|d| !d.is_error()).cloned().collect();
    let opts = BuildOptions {
        only,
        docs: DocOptions {
            template: template.clone(),
            date,
            logo,
            one_fiche_per_page: form.text("une_fiche_par_page").is_some(),
        },
        prefix,
        warnings,
        inputs: Vec::new(),
    };
    documents(&r.reading.plan, &opts).map_err(|e| RequestError::Internal(e.to_string()))
}

/// evaluation.pdf and evaluation.xlsx of a followed plan, compared with `before` if given.
pub fn evaluation(
    now: &Read,
    before: Option<&Read>,
    year: Option<i32>,
    template: &DocTemplate,
) -> Result<Vec<(String, Vec<u8>)>, RequestError> {
    if !now.reading.plan.has_follow_up() {
        return Err(RequestError::Invalid(format!(
            "« {} » n'a pas de données de suivi : ajoutez des colonnes Statut, Avancement ou Commentaire, ou une feuille Indicateurs",
            now.name
        )));
    }
    if let Some(Err(why)) = year.map(|y| crate::evaluation::check_year(&now.reading.plan, y)) {
        return Err(RequestError::Invalid(format!("« {} » : {why}", now.name)));
    }
    let changes = before.map(|b| (None, crate::evaluation::compare(&b.reading.plan, &now.reading.plan, year)));
    let docs = DocOptions { template: template.clone(), ..Default::default() };
    let (pdf, xlsx) = evaluation_reports(&now.reading.plan, &docs, &EvalOptions { year, changes })
        .map_err(|e| RequestError::Internal(e.to_string()))?;
    Ok(DocKind::Evaluation.file_names().iter().map(|n| n.to_string()).zip([pdf, xlsx]).collect())
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

/// A ZIP of plans through the batch, in `work` (a private temporary folder): the report
/// and a ZIP of every output with rapport-lot.json and rapport-lot.xlsx.
/// `on_total` learns how many plans the archive holds before the batch starts.
pub fn lot(
    bytes: &[u8],
    work: &std::path::Path,
    limits: Limits,
    serve: &super::ServeOptions,
    on_total: impl FnOnce(usize),
) -> Result<(crate::batch::BatchReport, Vec<u8>), RequestError> {
    let input = work.join("plans");
    let out = work.join(LOT_OUTPUT);
    on_total(super::zipin::extract(bytes, &input, limits.max_file_bytes.saturating_mul(16))?);
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
        read: crate::ingest::ReadOptions { limits, config: None },
        progress: crate::batch::ProgressMode::Quiet,
        wait: false,
        logos_within: Some(input.clone()),
        isolated_reader: std::env::current_exe().ok(),
    };
    let report = crate::batch::run(&input, &out, &opts).map_err(|e| RequestError::Internal(e.to_string()))?;
    let zip = super::zipout::pack_dir(&out)?;
    Ok((report, zip))
}
