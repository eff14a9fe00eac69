//! Spreadsheet → plan: calamine cells with positions, layout detection, metadata.

mod archive;
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
mod layout;
mod likeness;
mod limits;
mod metadata;
mod ods_cells;
mod outline;
mod parse;
mod roles;
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

use crate::model::{Axis, ColumnInfo, Plan, SourceLayout};
use crate::text::column_letters;
use crate::validate::{CheckReport, Diagnostic};

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
        let mut d = Diagnostic::error(e.code(), message);
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
            diagnostics.push(Diagnostic::warning("colonnes-feuille", p).in_sheet(&s.name));
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
                diagnostic: Box::new(Diagnostic::error("aucun-plan", message)),
                notes: Vec::new(),
                likeness: None,
            })
        }
    }
}

/// Reads the plan with a correction given by a person (command line, plandoc.toml, page).
pub fn plan_from_workbook_corrected(
    name: &str,
    wb: &Workbook,
    given: &Correction,
    force: bool,
) -> Result<Reading, Unreadable> {
    let mut diagnostics = Vec::new();
    let mut notes = Vec::new();
    let mut plan = Plan::default();
    let mut visible: Vec<&Sheet> = wb.sheets.iter().filter(|s| s.visible).collect();
    // A "Colonnes" sheet maps columns like `[colonnes]`; plandoc.toml wins over it.
    let correction = sheet_correction(&visible, given, &mut diagnostics, &mut notes);
    visible.retain(|s| !columns_sheet::is_columns_sheet_name(&s.name));
    let chosen = named_sheet(&visible, &correction, name)?;
    let at = correction.header_row.map(|r| r.saturating_sub(1));
    let overrides = &correction.columns;
    for s in wb.sheets.iter().filter(|s| !s.visible) {
        notes.push(format!("Feuille masquée « {} » ignorée.", s.name));
    }
    for s in visible.iter().filter(|s| metadata::is_metadata_sheet_name(&s.name)) {
        metadata::read_metadata_sheet(s, &mut plan.meta, &mut diagnostics, &mut notes);
    }
    let plan_sheets: Vec<&Sheet> = match chosen {
        Some(s) => vec![s],
        None => visible
            .iter()
            .filter(|s| !metadata::is_metadata_sheet_name(&s.name) && !metadata::is_indicator_sheet_name(&s.name))
            .copied()
            .collect(),
    };
    let best = best_table(&plan_sheets, overrides, at);
    // A sheet or header row named by a person is read as a table.
    let forms = if chosen.is_some() || at.is_some() {
        None
    } else {
        form::forms_instead(&plan_sheets, best.as_ref().map(|(s, h)| (*s, h.row)))
    };
    let best = match &forms {
        Some(f) => header::find_header(&f.table, overrides).map(|h| (&f.table, h)),
        None => best,
    };
    let Some((sheet, header)) = best else {
        if let Some(r) = correction.header_row {
            let message = format!(
                "« {name} » : à la ligne d'en-tête {r} demandée, aucune colonne d'intitulé d'actions n'est reconnue \
                 ({}). Indiquez-la, par exemple avec --colonne intitule=C, ou choisissez une autre ligne.",
                plan_sheets.iter().map(|s| format!("feuille « {} »", s.name)).collect::<Vec<_>>().join(", ")
            );
            return Err(Unreadable {
                diagnostic: Box::new(Diagnostic::error("aucun-plan", message)),
                notes,
                likeness: None,
            });
        }
        let looked: Vec<String> = visible.iter().map(|s| format!("« {} »", s.name)).collect();
        let message = format!(
            "« {name} » : aucun plan d'actions trouvé. plandoc cherche, dans les 40 premières lignes d'une feuille visible, \
             une ligne d'en-tête avec une colonne d'actions (Action, Intitulé, Actions priorisées…) et au moins une autre \
             colonne reconnue (Axe, Ambition, Enjeu, Objectif, N°, Pilote, Priorité, années…), ou des fiches en \
             formulaire (un libellé par ligne, « Intitulé », « Pilote »…, et sa valeur à droite). Feuilles examinées : {}.",
            if looked.is_empty() { "aucune".to_string() } else { looked.join(", ") }
        );
        return Err(Unreadable {
            diagnostic: Box::new(Diagnostic::error("aucun-plan", message)),
            notes,
            likeness: None,
        });
    };
    let likeness = likeness::assess(sheet, &header);
    if let Some(d) = not_a_plan(name, sheet, &header, &likeness, force) {
        if d.is_error() {
            return Err(Unreadable { diagnostic: Box::new(d), notes, likeness: Some(likeness) });
        }
        diagnostics.push(d);
    }
    // A plan split one sheet per axis: other sheets of the same header shape, when the
    // header names no axis column.
    let shape = |h: &header::Header| -> Vec<(u32, Field)> {
        h.columns.iter().filter_map(|c| c.field.map(|f| (c.col, f))).collect()
    };
    let siblings: Vec<(&Sheet, header::Header)> =
        if header.hierarchy_cols().is_empty() && forms.is_none() && chosen.is_none() {
            visible
                .iter()
                .filter(|s| s.name != sheet.name && !s.is_empty())
                .filter(|s| !metadata::is_metadata_sheet_name(&s.name) && !metadata::is_indicator_sheet_name(&s.name))
                .filter_map(|s| header::find_header(s, overrides).map(|h| (*s, h)))
                .filter(|(_, h)| shape(h) == shape(&header))
                .collect()
        } else {
            Vec::new()
        };
    for s in &visible {
        if s.name == sheet.name
            || forms.as_ref().is_some_and(|f| f.sheets.contains(&s.name))
            || siblings.iter().any(|(o, _)| o.name == s.name)
            || metadata::is_metadata_sheet_name(&s.name)
            || s.is_empty()
        {
            continue;
        }
        if metadata::is_indicator_sheet_name(&s.name) {
            continue;
        } else {
            notes.push(format!("Feuille « {} » ignorée : le plan est lu dans « {} ».", s.name, sheet.name));
        }
    }
    let mut header = header;
    if forms.is_none() {
        notes.extend(constants::read_constants(sheet, &mut header, &mut plan.meta));
    }
    let mut table = layout::read_table(name, sheet, &header);
    if let Some(f) = &forms {
        f.relocate(&mut table, &header);
        notes.extend(f.notes());
    }
    diagnostics.extend(table.diagnostics);
    notes.extend(table.notes);
    plan.axes = table.axes;
    if table.deep_outline {
        notes.push(format!(
            "Référentiel numéroté (1, 1.1, 1.1.1…) : ses {} éléments sans sous-niveau sont les actions, ses lignes \
             numérotées parentes sont les niveaux.",
            plan.action_count()
        ));
    }
    if let Some(d) = valued_levels(sheet, &header, &table.valued_levels, plan.action_count(), force) {
        if d.is_error() {
            let likeness = Likeness { score: likeness.score, reason: d.message.clone() };
            return Err(Unreadable { diagnostic: Box::new(d), notes, likeness: Some(likeness) });
        }
        diagnostics.push(d);
    }
    if !siblings.is_empty() {
        let mut parts: Vec<(&Sheet, Vec<Axis>)> = vec![(sheet, std::mem::take(&mut plan.axes))];
        for (s, h) in &siblings {
            let t = layout::read_table(name, s, h);
            diagnostics.extend(t.diagnostics);
            notes.extend(t.notes);
            parts.push((s, t.axes));
        }
        let order = |s: &Sheet| wb.sheets.iter().position(|w| w.name == s.name).unwrap_or(usize::MAX);
        parts.sort_by_key(|(s, _)| order(s));
        for (s, axes) in parts {
            for mut axis in axes {
                if axis.implicit {
                    // The sheet's name is the axis.
                    axis.implicit = false;
                    axis.title = s.name.clone();
                    axis.origin = Some(crate::model::Origin {
                        file: name.to_string(),
                        sheet: s.name.clone(),
                        row: 1,
                        column: None,
                        ..Default::default()
                    });
                }
                plan.axes.push(axis);
            }
        }
        let names: Vec<String> = wb
            .sheets
            .iter()
            .filter(|w| w.name == sheet.name || siblings.iter().any(|(o, _)| o.name == w.name))
            .map(|w| format!("« {} »", w.name))
            .collect();
        notes.push(format!(
            "Plan lu sur {} feuilles de même en-tête, une par axe : {}.",
            names.len(),
            names.join(", ")
        ));
    }
    for w in &header.warnings {
        diagnostics.push(Diagnostic::warning("colonnes-config", w.clone()).in_sheet(&sheet.name));
    }
    if let Some(why) = &header.doubt {
        let cell = header.col_of(Field::Title).map(|c| crate::text::a1(header.row, c));
        diagnostics.push(Diagnostic::warning("colonne-titre-douteuse", why.clone()).at(&sheet.name, cell));
    }
    let known: Vec<String> = plan.actions().iter().filter_map(|r| r.action.number.clone()).collect();
    for s in
        visible.iter().filter(|s| s.name != sheet.name && metadata::is_indicator_sheet_name(&s.name) && !s.is_empty())
    {
        plan.indicators.extend(indicators::read_indicators(name, s, &known, &mut diagnostics));
    }
    metadata::apply_title_block(&table.title_lines, &mut plan.meta);
    if plan.meta.first_year.is_none() && plan.meta.last_year.is_none() {
        // "PST 2022-2026" in the sheet's or the file's name.
        let stem = Path::new(name).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        if let Some((a, b)) = period_in(&sheet.name).or_else(|| period_in(&stem)) {
            plan.meta.first_year = Some(a);
            plan.meta.last_year = Some(b);
        }
    }
    let years = header::header_years(&header);
    if plan.meta.first_year.is_none() && plan.meta.last_year.is_none() {
        let all: Vec<i32> = if years.is_empty() {
            plan.actions().iter().flat_map(|r| r.action.years.iter().copied()).collect()
        } else {
            years
        };
        plan.meta.first_year = all.iter().min().copied();
        plan.meta.last_year = all.iter().max().copied();
    }
    plan.extra_columns = header.columns.iter().filter(|c| c.field.is_none()).map(|c| c.header.clone()).collect();
    plan.source = Some(SourceLayout {
        file: name.to_string(),
        sheet: sheet.name.clone(),
        header_row: header.row + 1,
        skipped_rows: header
            .skipped
            .iter()
            .map(|(r, why)| crate::model::SkippedRow { row: r + 1, reason: why.clone() })
            .collect(),
        columns: header
            .columns
            .iter()
            .map(|c| ColumnInfo { field: c.field, header: c.header.clone(), column: column_letters(c.col) })
            .collect(),
    });
    if let (Some(f), Some(src)) = (&forms, plan.source.as_mut()) {
        f.describe(src);
    }
    Ok(Reading { plan, diagnostics, notes, likeness: Some(likeness) })
}

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
        Diagnostic::warning(
            "niveau-valeurs-ignorees",
            format!("Lu à la demande (--forcer) : {what} ; ces valeurs ne sont pas reprises dans les documents."),
        )
    } else {
        Diagnostic::error(
            "aucun-plan",
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
        Diagnostic::warning(
            "plan-douteux",
            format!(
                "Lu comme un plan à la demande (--forcer), mais ce tableau n'en a pas l'air : {reason} (indice de \
                 plan {score} sur 100, seuil {threshold}). Vérifiez les actions lues."
            ),
        )
    } else {
        Diagnostic::error(
            "aucun-plan",
            format!(
                "« {name} » : ce tableau ne ressemble pas à un plan d'actions : {reason} (indice de plan {score} sur \
                 100, seuil {threshold}). plandoc ne le lit pas. Si c'est bien un plan, relancez avec --forcer ; \
                 sinon, déposez le classeur du plan d'actions."
            ),
        )
    };
    Some(d.at(&sheet.name, cell))
}
