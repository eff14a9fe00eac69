//! Spreadsheet → plan: calamine cells with positions, layout detection, metadata.

mod archive;
mod assemble;
mod blanks;
mod columns_sheet;
mod config;
mod constants;
mod correction;
mod csv_text;
mod error;
mod fields;
mod form;
mod grid;
mod header;
mod header_fix;
mod indicators;
mod likeness;
mod limits;
mod metadata;
mod ods_cells;
mod outline;
mod parse;
mod roles;
mod rows;
mod workbook;
mod xlsx_merges;

use std::path::{Path, PathBuf};

pub use crate::model::Field;
pub use config::apply_overrides;
pub use config::{config_for, load_config, parse_config, read_config, ConfigFile, PlanOverrides};
pub use correction::{column_index, insert as insert_target, targets_of, ColumnOverrides, Correction, Target};
pub use error::ReadError;
pub use grid::{Sheet, Value};
pub use likeness::{Likeness, THRESHOLD as PLAN_THRESHOLD};
pub use limits::Limits;
pub use metadata::{kind_from, parse_colour, period_in};
pub use parse::{parse_action_text, split_list};
pub use roles::{candidates, classify, is_help};
pub use workbook::{accepted_formats, read_bytes, read_workbook, Format, Workbook, ACCEPTED_EXTENSIONS};

use crate::model::Plan;
use crate::text::column_letters;
use crate::validate::{CheckReport, Code, Diagnostic};

/// How to read a plan.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    pub limits: Limits,
    /// A `plandoc.toml` given on the command line; otherwise the one beside the file, if any.
    pub config: Option<PathBuf>,
    /// A correction of the reading (command line): over plandoc.toml and the « Colonnes » sheet.
    pub correction: Correction,
    /// Read the table even when it does not look like a plan (`--forcer`), with a warning.
    pub force: bool,
}

/// A plan read from a file, with every diagnostic and informative notes.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Reading {
    pub plan: Plan,
    pub diagnostics: Vec<Diagnostic>,
    pub notes: Vec<String>,
    /// How much the table read looks like a plan.
    #[serde(default)]
    pub likeness: Option<Likeness>,
}

impl Reading {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The check report of this reading, under the file name given.
    pub fn report(&self, file: &str) -> CheckReport {
        CheckReport::new(file, &self.plan, &self.diagnostics, &self.notes).with_likeness(self.likeness.as_ref())
    }
}

/// The file cannot be read as a plan at all (exit code 2): the reason as a diagnostic.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Unreadable {
    pub diagnostic: Box<Diagnostic>,
    pub notes: Vec<String>,
    /// How much the table refused looks like a plan, when a table was found.
    #[serde(default)]
    pub likeness: Option<Likeness>,
}

impl Unreadable {
    fn from_error(name: &str, e: &ReadError) -> Self {
        let message = match e {
            ReadError::IsDir => format!("« {name} » est un dossier, pas un classeur."),
            _ => format!("« {name} » : {e}."),
        };
        let mut d = Diagnostic::new(e.code(), message);
        if let Some(s) = e.sheet() {
            d = d.in_sheet(s);
        }
        Unreadable { diagnostic: Box::new(d), notes: Vec::new(), likeness: None }
    }

    /// The check report of a file that is no plan: no counts, the reason as diagnostic.
    pub fn report(&self, file: &str) -> CheckReport {
        CheckReport::unreadable(file, (*self.diagnostic).clone(), self.notes.clone())
            .with_likeness(self.likeness.as_ref())
    }
}

/// Reads, understands and validates one plan file.
pub fn read_plan(path: &Path, opts: &ReadOptions) -> Result<Reading, Unreadable> {
    let name = path.display().to_string();
    let workbook = read_workbook(path, &opts.limits).map_err(|e| Unreadable::from_error(&name, &e))?;
    let config = config_for(path, opts.config.as_deref()).map(|cfg| load_config(&cfg));
    let from_file = config.as_ref().map(|(c, _)| c.correction()).unwrap_or_default();
    let mut reading = plan_from_workbook_corrected(&name, &workbook, &opts.correction.over(&from_file), opts.force)?;
    reading.diagnostics.extend(workbook.warnings.iter().cloned());
    if let Some((c, problems)) = config {
        reading.diagnostics.extend(problems);
        reading.diagnostics.extend(config::apply_overrides(&c.plan, &mut reading.plan.meta));
    }
    reading.diagnostics.extend(crate::validate::validate(&reading.plan));
    Ok(reading)
}

/// Reads and validates a plan already in memory (an upload), named `name` in messages,
/// with settings given by the caller instead of a `plandoc.toml`. The workbook is handed
/// back too, for a view of the sheet.
pub fn read_plan_bytes(
    name: &str,
    bytes: Vec<u8>,
    limits: &Limits,
    overrides: Option<&PlanOverrides>,
) -> Result<(Reading, Workbook), Unreadable> {
    read_plan_bytes_corrected(name, bytes, limits, overrides, &Correction::default())
}

/// `read_plan_bytes` with a correction of the reading (over the « Colonnes » sheet).
pub fn read_plan_bytes_corrected(
    name: &str,
    bytes: Vec<u8>,
    limits: &Limits,
    overrides: Option<&PlanOverrides>,
    correction: &Correction,
) -> Result<(Reading, Workbook), Unreadable> {
    let mut workbook = read_bytes(bytes, limits).map_err(|e| Unreadable::from_error(name, &e))?;
    if workbook.format == Format::Csv {
        // As for a file: the name is the sheet's, it may carry the axis or the period.
        let stem = Path::new(name).file_stem().map(|s| s.to_string_lossy().into_owned());
        if let Some(stem) = stem {
            workbook.name_csv_sheet(&stem);
        }
    }
    let mut reading = plan_from_workbook_corrected(name, &workbook, correction, false)?;
    if let Some(o) = overrides {
        reading.diagnostics.extend(config::apply_overrides(o, &mut reading.plan.meta));
    }
    reading.diagnostics.extend(crate::validate::validate(&reading.plan));
    Ok((reading, workbook))
}

/// Finds the action sheet, reads it and the metadata sheets. No validation here.
pub fn plan_from_workbook(name: &str, wb: &Workbook) -> Result<Reading, Unreadable> {
    plan_from_workbook_with(name, wb, &ColumnOverrides::new())
}

/// `plan_from_workbook` with column overrides.
pub fn plan_from_workbook_with(name: &str, wb: &Workbook, overrides: &ColumnOverrides) -> Result<Reading, Unreadable> {
    plan_from_workbook_opts(name, wb, overrides, false)
}

/// `plan_from_workbook_with`, reading even a table that does not look like a plan when
/// `force` is set.
pub fn plan_from_workbook_opts(
    name: &str,
    wb: &Workbook,
    overrides: &ColumnOverrides,
    force: bool,
) -> Result<Reading, Unreadable> {
    let given = Correction { columns: overrides.clone(), ..Default::default() };
    plan_from_workbook_corrected(name, wb, &given, force)
}

/// The « Colonnes » sheets of a workbook, under `given` (which wins per field and column).
fn sheet_correction(
    visible: &[&Sheet],
    given: &Correction,
    diagnostics: &mut Vec<Diagnostic>,
    notes: &mut Vec<String>,
) -> Correction {
    let mut from_sheet = Correction::default();
    for s in visible.iter().filter(|s| columns_sheet::is_columns_sheet_name(&s.name)) {
        let (found, problems) = columns_sheet::read_columns_sheet(s);
        for p in problems {
            diagnostics.push(Diagnostic::new(Code::ColonnesFeuille, p).in_sheet(&s.name));
        }
        notes.push(format!("Correspondance des colonnes lue dans la feuille « {} ».", s.name));
        from_sheet = found.over(&from_sheet);
    }
    given.over(&from_sheet)
}

/// The one sheet a correction names, if it names one; refused when there is no such sheet.
fn named_sheet<'a>(
    visible: &[&'a Sheet],
    correction: &Correction,
    name: &str,
) -> Result<Option<&'a Sheet>, Unreadable> {
    let Some(wanted) = &correction.sheet else { return Ok(None) };
    let found = visible
        .iter()
        .find(|s| s.name == *wanted)
        .or_else(|| visible.iter().find(|s| crate::text::fold(s.name.trim()) == crate::text::fold(wanted.trim())));
    match found {
        Some(s) => Ok(Some(*s)),
        None => {
            let names: Vec<String> = visible.iter().map(|s| format!("« {} »", s.name)).collect();
            let message = format!(
                "« {name} » : la feuille « {wanted} » demandée pour lire le plan n'existe pas (ou est masquée). \
                 Feuilles visibles : {}.",
                if names.is_empty() { "aucune".to_string() } else { names.join(", ") }
            );
            Err(Unreadable {
                diagnostic: Box::new(Diagnostic::new(Code::AucunPlan, message)),
                notes: Vec::new(),
                likeness: None,
            })
        }
    }
}

pub use assemble::plan_from_workbook_corrected;

/// The table to read: a table with rows that looks like a plan beats any other candidate
/// (a notice, a field dictionary, a form), then the most fields named, then the most rows.
fn best_table<'a>(
    sheets: &[&'a Sheet],
    overrides: &ColumnOverrides,
    at: Option<u32>,
) -> Option<(&'a Sheet, header::Header)> {
    sheets
        .iter()
        .filter_map(|s| {
            let found = header::find_header_at(s, overrides, at);
            found.or_else(|| at.is_none().then(|| untitled_header(s, overrides)).flatten()).map(|h| (*s, h))
        })
        .map(|(s, h)| {
            let rows = s.rows.range(h.row + 1..).count();
            let table = rows > 0 && !form::is_pair_row(s, h.row) && likeness::assess(s, &h).is_plan();
            ((table, h.score, rows, std::cmp::Reverse(s.name.clone())), (s, h))
        })
        .max_by(|(a, _), (b, _)| a.cmp(b))
        .map(|(_, best)| best)
}

/// The header of a table whose labels name no title column, the title column found by its
/// values (distinct phrases opening with an action verb), with a warning saying so.
fn untitled_header(sheet: &Sheet, overrides: &ColumnOverrides) -> Option<header::Header> {
    if overrides.keys().any(|k| Field::from_key(k) == Some(Field::Title)) {
        return None;
    }
    let (row, col, why) = likeness::title_by_values(sheet)?;
    let mut with_title = overrides.clone();
    let letters = column_letters(col);
    with_title.insert(Field::Title.key(), letters.clone());
    let mut h = header::find_header(sheet, &with_title).filter(|h| h.row == row)?;
    let label = h.columns.iter().find(|c| c.col == col).map_or(String::new(), |c| c.header.clone());
    h.doubt = Some(format!(
        "Aucune colonne n'est nommée comme l'intitulé des actions (Action, Intitulé…) : la colonne {letters} « {label} » \
         est lue comme intitulé d'après ses valeurs ({why}). Si ce n'est pas la bonne, indiquez-la dans la table \
         [colonnes] de plandoc.toml (par exemple intitule = \"{letters}\")."
    ));
    Some(h)
}

/// Levels of a numbered outline holding values a level cannot keep: the refusal (exit 2),
/// or with `force` a warning naming their cells.
fn valued_levels(
    sheet: &Sheet,
    header: &header::Header,
    levels: &[(u32, Vec<u32>)],
    actions: usize,
    force: bool,
) -> Option<Diagnostic> {
    let (first_row, _) = levels.first()?;
    let mut cols: Vec<u32> = levels.iter().flat_map(|(_, c)| c.iter().copied()).collect();
    cols.sort_unstable();
    cols.dedup();
    let named: Vec<String> = cols
        .iter()
        .map(|c| {
            let h = header.columns.iter().find(|k| k.col == *c).map_or(String::new(), |k| k.header.clone());
            format!("{} « {h} »", column_letters(*c))
        })
        .collect();
    let cells: Vec<String> =
        levels.iter().flat_map(|(r, cs)| cs.iter().map(move |c| crate::text::a1(*r, *c))).take(12).collect();
    let more = if levels.iter().map(|(_, c)| c.len()).sum::<usize>() > cells.len() { " …" } else { "" };
    let what = format!(
        "référentiel numéroté : ses {actions} éléments sans sous-niveau sont les actions et ses {} lignes \
         numérotées parentes des niveaux, mais ces lignes parentes portent aussi des valeurs (colonne(s) {} ; \
         cellules {}{more}) qu'un niveau ne garde pas",
        levels.len(),
        named.join(", "),
        cells.join(", ")
    );
    let cell = Some(crate::text::a1(*first_row, cols[0]));
    let d = if force {
        Diagnostic::new(
            Code::NiveauValeursIgnorees,
            format!("Lu à la demande (--forcer) : {what} ; ces valeurs ne sont pas reprises dans les documents."),
        )
    } else {
        Diagnostic::new(
            Code::AucunPlan,
            format!(
                "Plan non lu, {what}. Déplacez ces valeurs sur les actions ou videz ces cellules, ou relancez avec \
                 --forcer pour le lire sans elles."
            ),
        )
    };
    Some(d.at(&sheet.name, cell))
}

/// The table does not look like a plan: the refusal (exit 2), or with `force` a warning.
fn not_a_plan(
    name: &str,
    sheet: &Sheet,
    header: &header::Header,
    likeness: &Likeness,
    force: bool,
) -> Option<Diagnostic> {
    if likeness.is_plan() {
        return None;
    }
    let (score, reason, threshold) = (likeness.score, &likeness.reason, likeness::THRESHOLD);
    let cell = Some(crate::text::a1(header.row, header.columns.first().map_or(0, |c| c.col)));
    let d = if force {
        Diagnostic::new(
            Code::PlanDouteux,
            format!(
                "Lu comme un plan à la demande (--forcer), mais ce tableau n'en a pas l'air : {reason} (indice de \
                 plan {score} sur 100, seuil {threshold}). Vérifiez les actions lues."
            ),
        )
    } else {
        Diagnostic::new(
            Code::AucunPlan,
            format!(
                "« {name} » : ce tableau ne ressemble pas à un plan d'actions : {reason} (indice de plan {score} sur \
                 100, seuil {threshold}). plandoc ne le lit pas. Si c'est bien un plan, relancez avec --forcer ; \
                 sinon, déposez le classeur du plan d'actions."
            ),
        )
    };
    Some(d.at(&sheet.name, cell))
}
