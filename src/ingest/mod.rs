//! Spreadsheet → plan: calamine cells with positions, layout detection, metadata.

mod archive;
mod blanks;
mod columns_sheet;
mod config;
mod constants;
mod csv_text;
mod error;
mod fields;
mod form;
mod grid;
mod header;
mod indicators;
mod layout;
mod limits;
mod metadata;
mod outline;
mod parse;
mod roles;
mod workbook;
mod xlsx_merges;

use std::path::{Path, PathBuf};

pub use crate::model::Field;
pub use config::apply_overrides;
pub use config::{config_for, load_config, parse_config, read_config, ConfigFile, PlanOverrides};
pub use error::ReadError;
pub use grid::{Sheet, Value};
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
}

/// A plan read from a file, with every diagnostic and informative notes.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Reading {
    pub plan: Plan,
    pub diagnostics: Vec<Diagnostic>,
    pub notes: Vec<String>,
}

impl Reading {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The check report of this reading, under the file name given.
    pub fn report(&self, file: &str) -> CheckReport {
        CheckReport::new(file, &self.plan, &self.diagnostics, &self.notes)
    }
}

/// The file cannot be read as a plan at all (exit code 2): the reason as a diagnostic.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Unreadable {
    pub diagnostic: Box<Diagnostic>,
    pub notes: Vec<String>,
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
        Unreadable { diagnostic: Box::new(d), notes: Vec::new() }
    }

    /// The check report of a file that is no plan: no counts, the reason as diagnostic.
    pub fn report(&self, file: &str) -> CheckReport {
        CheckReport::unreadable(file, (*self.diagnostic).clone(), self.notes.clone())
    }
}

/// Reads, understands and validates one plan file.
pub fn read_plan(path: &Path, opts: &ReadOptions) -> Result<Reading, Unreadable> {
    let name = path.display().to_string();
    let workbook = read_workbook(path, &opts.limits).map_err(|e| Unreadable::from_error(&name, &e))?;
    let config = config_for(path, opts.config.as_deref()).map(|cfg| load_config(&cfg));
    let columns = config.as_ref().map(|(c, _)| c.colonnes.clone()).unwrap_or_default();
    let mut reading = plan_from_workbook_with(&name, &workbook, &columns)?;
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
    let mut workbook = read_bytes(bytes, limits).map_err(|e| Unreadable::from_error(name, &e))?;
    if workbook.format == Format::Csv {
        // As for a file: the name is the sheet's, it may carry the axis or the period.
        let stem = Path::new(name).file_stem().map(|s| s.to_string_lossy().into_owned());
        if let Some(stem) = stem {
            workbook.name_csv_sheet(&stem);
        }
    }
    let mut reading = plan_from_workbook(name, &workbook)?;
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

/// `[colonnes]` of plandoc.toml: field key → column letter or header text.
pub type ColumnOverrides = std::collections::BTreeMap<String, String>;

/// `plan_from_workbook` with column overrides.
pub fn plan_from_workbook_with(name: &str, wb: &Workbook, overrides: &ColumnOverrides) -> Result<Reading, Unreadable> {
    let mut diagnostics = Vec::new();
    let mut notes = Vec::new();
    let mut plan = Plan::default();
    let mut visible: Vec<&Sheet> = wb.sheets.iter().filter(|s| s.visible).collect();
    // A "Colonnes" sheet maps columns like `[colonnes]`; plandoc.toml wins over it.
    let mut merged_overrides = ColumnOverrides::new();
    for s in visible.iter().filter(|s| columns_sheet::is_columns_sheet_name(&s.name)) {
        let (found, problems) = columns_sheet::read_columns_sheet(s);
        for p in problems {
            diagnostics.push(Diagnostic::warning("colonnes-feuille", p).in_sheet(&s.name));
        }
        notes.push(format!("Correspondance des colonnes lue dans la feuille « {} ».", s.name));
        merged_overrides.extend(found);
    }
    visible.retain(|s| !columns_sheet::is_columns_sheet_name(&s.name));
    for (k, v) in overrides {
        let field = Field::from_key(k);
        // The file's choice replaces the sheet's for that field and for that column.
        merged_overrides.retain(|mk, mv| {
            (field.is_none() || Field::from_key(mk) != field) && !mv.trim().eq_ignore_ascii_case(v.trim())
        });
        merged_overrides.insert(k.clone(), v.clone());
    }
    let overrides = &merged_overrides;
    for s in wb.sheets.iter().filter(|s| !s.visible) {
        notes.push(format!("Feuille masquée « {} » ignorée.", s.name));
    }
    for s in visible.iter().filter(|s| metadata::is_metadata_sheet_name(&s.name)) {
        metadata::read_metadata_sheet(s, &mut plan.meta, &mut diagnostics, &mut notes);
    }
    let plan_sheets: Vec<&Sheet> = visible
        .iter()
        .filter(|s| !metadata::is_metadata_sheet_name(&s.name) && !metadata::is_indicator_sheet_name(&s.name))
        .copied()
        .collect();
    let best = plan_sheets
        .iter()
        .filter_map(|s| header::find_header(s, overrides).map(|h| (*s, h)))
        .max_by_key(|(s, h)| (h.score, s.rows.range(h.row + 1..).count(), std::cmp::Reverse(s.name.clone())));
    let forms = form::forms_instead(&plan_sheets, best.as_ref().map(|(s, h)| (*s, h.row)));
    let best = match &forms {
        Some(f) => header::find_header(&f.table, overrides).map(|h| (&f.table, h)),
        None => best,
    };
    let Some((sheet, header)) = best else {
        let looked: Vec<String> = visible.iter().map(|s| format!("« {} »", s.name)).collect();
        let message = format!(
            "« {name} » : aucun plan d'actions trouvé. plandoc cherche, dans les 40 premières lignes d'une feuille visible, \
             une ligne d'en-tête avec une colonne d'actions (Action, Intitulé, Actions priorisées…) et au moins une autre \
             colonne reconnue (Axe, Ambition, Enjeu, Objectif, N°, Pilote, Priorité, années…), ou des fiches en \
             formulaire (un libellé par ligne, « Intitulé », « Pilote »…, et sa valeur à droite). Feuilles examinées : {}.",
            if looked.is_empty() { "aucune".to_string() } else { looked.join(", ") }
        );
        return Err(Unreadable { diagnostic: Box::new(Diagnostic::error("aucun-plan", message)), notes });
    };
    // A plan split one sheet per axis: other sheets of the same header shape, when the
    // header names no axis column.
    let shape = |h: &header::Header| -> Vec<(u32, Field)> {
        h.columns.iter().filter_map(|c| c.field.map(|f| (c.col, f))).collect()
    };
    let siblings: Vec<(&Sheet, header::Header)> = if header.hierarchy_cols().is_empty() && forms.is_none() {
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
            .map(|c| ColumnInfo {
                field: c.field.map_or_else(|| "extra".to_string(), Field::key),
                header: c.header.clone(),
                column: column_letters(c.col),
            })
            .collect(),
    });
    if let (Some(f), Some(src)) = (&forms, plan.source.as_mut()) {
        f.describe(src);
    }
    Ok(Reading { plan, diagnostics, notes })
}
