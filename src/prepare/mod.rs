//! One plan made ready for its documents, the same way behind every door (command line,
//! batch, web): read (isolated when asked), validated, compared with an earlier version,
//! its logo and build options settled.

mod read;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

pub use read::{read as read_as, Names, Reader};

use crate::documents::DocOptions;
use crate::evaluation::Change;
use crate::ingest::{PlanOverrides, ReadOptions, Reading, Unreadable};
use crate::job::{BuildOptions, DocKind};
use crate::sheet_formats::SheetFormats;
use crate::templates::DocTemplate;
use crate::validate::{CheckReport, Code, Diagnostic};

/// Where the documents' logo comes from.
#[derive(Clone, Copy)]
pub enum Logo<'a> {
    /// The file the plan names, beside its workbook; when `within` is given it must lie
    /// inside that folder (plans sent to the server never make it read its own files).
    /// One that cannot be used is a `logo-illisible` warning.
    FromPlan {
        within: Option<&'a Path>,
    },
    /// An image sent with the plan (name, bytes): one that cannot be read refuses the job.
    Sent(&'a str, &'a [u8]),
    None,
}

/// The documents' date.
#[derive(Clone)]
pub enum Date {
    Given(Option<String>),
    /// The plan's deliberation date, when it is a valid day.
    Deliberation,
}

/// Prefix of every file name.
#[derive(Clone)]
pub enum Prefix {
    None,
    /// The @ctes act identifier of the deliberation.
    DeliberationId,
    /// A text of the user's, made ASCII.
    Given(String),
}

/// An earlier version of the plan, for the evaluation's « Ce qui a changé ».
#[derive(Clone, Copy)]
pub struct Earlier<'a> {
    pub path: &'a Path,
    pub name: &'a str,
    /// Compare even when the two files do not look like versions of one plan.
    pub force: bool,
    /// How the refusal tells to force: "ajoutez --forcer" on the command line.
    pub force_hint: &'a str,
    /// What the report calls the earlier version (« juin 2026 »); none: « la version précédente ».
    pub label: Option<&'a str>,
}

/// Everything a door knows about one job.
pub struct Request<'a> {
    pub path: &'a Path,
    /// How messages name the file: its path on the command line, its path inside the
    /// batch folder or the archive, the name it was sent under.
    pub name: &'a str,
    pub read: ReadOptions,
    pub reader: Reader<'a>,
    /// Deliberation and collectivity settings given beside the file (the web form).
    pub overrides: Option<&'a PlanOverrides>,
    pub logo: Logo<'a>,
    pub only: BTreeSet<DocKind>,
    pub date: Date,
    pub look: DocTemplate,
    pub one_fiche_per_page: bool,
    pub prefix: Prefix,
    /// The evaluation is asked: the plan must have follow-up data.
    pub evaluation: bool,
    /// Review year of the evaluation.
    pub year: Option<i32>,
    pub earlier: Option<Earlier<'a>>,
    /// Formats of the workbooks; none: `[sortie] tableur` of plandoc.toml, else XLSX.
    pub sheets: Option<SheetFormats>,
}

impl<'a> Request<'a> {
    /// Every document, read in this process, the embedded look, no logo.
    pub fn new(path: &'a Path, name: &'a str) -> Request<'a> {
        Request {
            path,
            name,
            read: ReadOptions::default(),
            reader: Reader::InProcess,
            overrides: None,
            logo: Logo::None,
            only: DocKind::ALL.into_iter().collect(),
            date: Date::Given(None),
            look: DocTemplate::embedded(),
            one_fiche_per_page: false,
            prefix: Prefix::None,
            evaluation: false,
            year: None,
            earlier: None,
            sheets: None,
        }
    }
}

/// A plan ready for its documents.
#[derive(Debug)]
pub struct Prepared {
    /// The reading, with the logo's warning if any.
    pub reading: Reading,
    pub options: BuildOptions,
    /// The changes since the earlier version, under its name.
    pub changes: Option<(String, Vec<Change>)>,
    /// The earlier version's label in the report's heading.
    pub label: Option<String>,
    pub year: Option<i32>,
}

impl Prepared {
    pub fn eval_options(&self) -> crate::documents::EvalOptions {
        let changes = self.changes.as_ref().map(|(_, c)| (self.label.clone(), c.clone()));
        crate::documents::EvalOptions { year: self.year, changes }
    }
}

/// Why no document can be made; each door words it and picks its exit code or status.
#[derive(Debug)]
pub enum Refused {
    /// A file is no plan (exit code 2): its report.
    Unreadable(Box<CheckReport>),
    /// A plan has errors, or the two versions are not of one plan (exit code 1).
    Invalid(Box<CheckReport>),
    /// The evaluation is asked of a plan without follow-up data: the message.
    NoFollowUp(String),
    /// The deliberation identifier is asked; these keys are missing.
    MissingId(Vec<&'static str>),
    /// The sent logo cannot be read: the message.
    Logo(String),
    /// The review year is outside the plan's period: the message.
    Year(String),
}

/// Reads, checks and settles one job; see [`Request`].
pub fn prepare(req: &Request<'_>) -> Result<Prepared, Refused> {
    let mut reading = read_valid(req.path, req.name, req, true)?;
    if req.evaluation && !reading.plan.has_follow_up() {
        return Err(Refused::NoFollowUp(format!(
            "« {} » n'a pas de données de suivi : ajoutez des colonnes Statut, Avancement ou Commentaire, ou une feuille Indicateurs",
            req.name
        )));
    }
    if let Some(Err(why)) = req.year.filter(|_| req.evaluation).map(|y| crate::evaluation::check_year(&reading.plan, y))
    {
        return Err(Refused::Year(format!("« {} » : {why}", req.name)));
    }
    let changes = match &req.earlier {
        Some(e) => Some(compare(e, req, &reading)?),
        None => None,
    };
    let prefix = prefix(&req.prefix, &reading)?;
    let (logo, inputs) = logo(req, &mut reading)?;
    let docs = DocOptions {
        template: req.look.clone(),
        date: date(&req.date, &reading),
        logo,
        one_fiche_per_page: req.one_fiche_per_page,
    };
    let warnings = reading.report(req.name).diagnostics;
    let sheets = sheet_formats(req);
    let options = BuildOptions { only: req.only.clone(), docs, prefix, warnings, inputs, sheets };
    let label = req.earlier.as_ref().and_then(|e| e.label).map(str::trim).filter(|l| !l.is_empty()).map(str::to_string);
    Ok(Prepared { reading, options, changes, label, year: req.year })
}

/// Reads and checks one plan as [`prepare`] does (same reader, options, settings and
/// logo policy) without refusing a plan with errors: the reading `plandoc check` reports,
/// errors included. A file that is no plan gives its report.
pub fn check(req: &Request<'_>) -> Result<Reading, Box<CheckReport>> {
    read_checked(req.path, req.name, req, true)
}

/// Reads a plan that must have no error.
fn read_valid(path: &Path, name: &str, req: &Request<'_>, with_logo: bool) -> Result<Reading, Refused> {
    let reading = read_checked(path, name, req, with_logo).map_err(Refused::Unreadable)?;
    if reading.has_errors() {
        return Err(Refused::Invalid(Box::new(reading.report(name))));
    }
    Ok(reading)
}

/// Reads and validates a plan. The plan's own logo problem is one of its warnings
/// (`with_logo`), so that the report says what the documents will miss.
fn read_checked(path: &Path, name: &str, req: &Request<'_>, with_logo: bool) -> Result<Reading, Box<CheckReport>> {
    let overrides = if with_logo { req.overrides } else { None };
    let mut reading =
        read::read(path, name, &req.read, req.reader, overrides).map_err(|u: Unreadable| Box::new(u.report(name)))?;
    if with_logo {
        if let Logo::FromPlan { within } = req.logo {
            if let Err(mut e) = plan_logo(&reading, path, within) {
                Names::new(path, name).rewrite(&mut e);
                reading.diagnostics.push(Diagnostic::new(Code::LogoIllisible, e));
            }
        }
    }
    Ok(reading)
}

/// The earlier version read and compared; two files that are not versions of one plan
/// are refused unless forced.
fn compare(e: &Earlier<'_>, req: &Request<'_>, now: &Reading) -> Result<(String, Vec<Change>), Refused> {
    let before = read_valid(e.path, e.name, req, false)?;
    if let (Err(why), false) = (crate::evaluation::same_plan(&before.plan, &now.plan), e.force) {
        let d = Diagnostic::new(
            Code::VersionsDifferentes,
            format!(
                "« {} » et « {} » ne semblent pas être deux versions du même plan : {}. Aucun rapport écrit ; \
                 si ce sont bien deux versions du même plan, {}.",
                e.name,
                req.name,
                why.join(" ; "),
                e.force_hint
            ),
        );
        let mut report = now.report(req.name);
        report.diagnostics = vec![d];
        report.notes.clear();
        return Err(Refused::Invalid(Box::new(report)));
    }
    let file = Path::new(e.name).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    Ok((file, crate::evaluation::compare(&before.plan, &now.plan, req.year)))
}

/// The workbooks' formats: asked by the door, else plandoc.toml's (a broken
/// configuration was reported by the reading), else XLSX.
fn sheet_formats(req: &Request<'_>) -> SheetFormats {
    req.sheets
        .or_else(|| {
            let path = crate::ingest::config_for(req.path, req.read.config.as_deref())?;
            crate::ingest::load_config(&path).0.sheet_formats
        })
        .unwrap_or_default()
}

fn prefix(p: &Prefix, reading: &Reading) -> Result<Option<String>, Refused> {
    match p {
        Prefix::None => Ok(None),
        Prefix::DeliberationId => crate::job::deliberation_id(&reading.plan).map(Some).map_err(Refused::MissingId),
        Prefix::Given(t) => Ok(Some(crate::job::ascii_name(t))),
    }
}

fn date(d: &Date, reading: &Reading) -> Option<String> {
    match d {
        Date::Given(d) => d.clone(),
        Date::Deliberation => reading
            .plan
            .meta
            .deliberation_date
            .clone()
            .filter(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok()),
    }
}

/// The logo and the files the build reads (never written over).
fn logo(req: &Request<'_>, reading: &mut Reading) -> Result<(Option<crate::layout::Image>, Vec<PathBuf>), Refused> {
    let mut inputs = vec![req.path.to_path_buf()];
    inputs.extend(crate::ingest::config_for(req.path, req.read.config.as_deref()));
    let logo = match req.logo {
        Logo::FromPlan { within } => {
            inputs.extend(crate::job::logo_path(&reading.plan, req.path));
            plan_logo(reading, req.path, within).ok().flatten()
        }
        Logo::Sent(name, bytes) => Some(
            crate::layout::Image::from_bytes(bytes)
                .map_err(|e| Refused::Logo(format!("logo « {name} » illisible : {e}")))?,
        ),
        Logo::None => None,
    };
    Ok((logo, inputs))
}

/// The logo the plan names, when allowed and readable; else why it is left out.
fn plan_logo(reading: &Reading, path: &Path, within: Option<&Path>) -> Result<Option<crate::layout::Image>, String> {
    logo_allowed(&reading.plan, path, within)?;
    crate::job::load_logo(&reading.plan, path)
}

/// A logo outside `root` (when given) is refused: its path comes from the plan.
fn logo_allowed(plan: &crate::model::Plan, input: &Path, root: Option<&Path>) -> Result<(), String> {
    let (Some(root), Some(path)) = (root, crate::job::logo_path(plan, input)) else { return Ok(()) };
    let inside = match (path.canonicalize(), root.canonicalize()) {
        (Ok(p), Ok(r)) => p.starts_with(r),
        _ => true, // a missing logo is reported by the reader
    };
    if inside {
        Ok(())
    } else {
        Err(format!(
            "logo « {} » ignoré : il doit se trouver dans l'archive envoyée, à côté du plan.",
            plan.meta.logo.as_deref().unwrap_or_default()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("samples").join(name)
    }

    #[test]
    fn a_plan_is_read_checked_and_settled_once_for_every_door() {
        let path = sample("canonique-lauragais.xlsx");
        let mut req = Request::new(&path, "Été/canonique.xlsx");
        req.logo = Logo::FromPlan { within: None };
        req.prefix = Prefix::DeliberationId;
        // It does not say its deliberation: no identifier.
        assert!(matches!(prepare(&req), Err(Refused::MissingId(m)) if m.contains(&"SIREN")));
        req.prefix = Prefix::Given("Délibération n°3".into());
        let p = prepare(&req).expect("the canonical sample is valid");
        assert_eq!(p.reading.plan.action_count(), 25);
        // Its logo lies beside it: read, and the build never writes over it.
        assert!(p.options.docs.logo.is_some());
        assert!(p.options.inputs.contains(&sample("logo-lauragais.png")));
        assert_eq!(p.options.prefix.as_deref(), Some("Deliberation-n-3"));

        // Copied alone, it misses its logo: a warning naming it as the door does.
        let dir = std::env::temp_dir().join(format!("plandoc-prepare-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let alone = dir.join("plan.xlsx");
        std::fs::copy(&path, &alone).unwrap();
        let mut req = Request::new(&alone, "Été/plan.xlsx");
        req.logo = Logo::FromPlan { within: None };
        let p = prepare(&req).unwrap();
        let logo = p.reading.diagnostics.iter().find(|d| d.code == "logo-illisible").expect("a logo warning");
        assert!(logo.message.contains("« Été/logo-lauragais.png »"), "{}", logo.message);
        assert!(!logo.message.contains(&dir.display().to_string()), "{}", logo.message);
        // The annex lists it with the other warnings.
        assert!(p.options.warnings.iter().any(|d| d.code == "logo-illisible"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn another_plan_as_earlier_version_is_refused_unless_forced() {
        let now = sample("suivi-lauragais.xlsx");
        let other = sample("001-ctg-ambitions.xlsx");
        let mut req = Request::new(&now, "suivi.xlsx");
        req.evaluation = true;
        req.earlier =
            Some(Earlier { path: &other, name: "ctg.xlsx", force: false, force_hint: "cochez forcer", label: None });
        match prepare(&req) {
            Err(Refused::Invalid(r)) => {
                assert_eq!(r.diagnostics[0].code, "versions-differentes");
                assert!(r.diagnostics[0].message.ends_with("cochez forcer."), "{}", r.diagnostics[0].message);
            }
            other => panic!("{other:?}"),
        }
        req.earlier = Some(Earlier { path: &other, name: "ctg.xlsx", force: true, force_hint: "", label: None });
        let p = prepare(&req).unwrap();
        assert_eq!(p.changes.as_ref().map(|(n, _)| n.as_str()), Some("ctg.xlsx"));
        // A plan without follow-up data cannot be evaluated.
        let mut req = Request::new(&other, "ctg.xlsx");
        req.evaluation = true;
        assert!(matches!(prepare(&req), Err(Refused::NoFollowUp(m)) if m.contains("« ctg.xlsx »")));
    }

    #[test]
    fn check_reads_as_prepare_does_but_reports_a_plan_with_errors() {
        let dir = std::env::temp_dir().join(format!("plandoc-prepare-check-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("plan.csv");
        std::fs::write(&path, "Axe;N°;Action\nMobilité;1;Un\nMobilité;1;Deux\n").unwrap();
        let mut req = Request::new(&path, "Été/plan.csv");
        req.logo = Logo::FromPlan { within: None };
        // prepare refuses it, with the report check gives.
        let Err(Refused::Invalid(refused)) = prepare(&req) else { panic!("a plan with errors is refused") };
        let reading = check(&req).expect("a plan with errors is still read");
        assert!(reading.has_errors() && reading.diagnostics.iter().any(|d| d.code == "numero-en-double"));
        let json = |r: &CheckReport| serde_json::to_string(r).unwrap();
        assert_eq!(json(&refused), json(&reading.report("Été/plan.csv")));
        // A file that is no plan: its report, named as the door names it.
        std::fs::write(&path, b"\x00\x01pas un plan").unwrap();
        let report = check(&req).expect_err("no plan");
        assert_eq!(report.file, "Été/plan.csv");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
