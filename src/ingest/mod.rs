//! Spreadsheet → plan: calamine cells with positions, layout detection, metadata.

mod archive;
mod config;
mod error;
mod fields;
mod grid;
mod header;
mod indicators;
mod layout;
mod limits;
mod metadata;
mod parse;
mod workbook;
mod xlsx_merges;

use std::path::{Path, PathBuf};

pub use config::{config_for, load_config, parse_config, read_config, ConfigFile, PlanOverrides};
pub use error::ReadError;
pub use fields::{classify, Field};
pub use grid::{Sheet, Value};
pub use limits::Limits;
pub use metadata::{kind_from, parse_colour, period_in};
pub use parse::{parse_action_text, split_list};
pub use workbook::{read_bytes, read_workbook, Format, Workbook};

use crate::model::{ColumnInfo, Plan, SourceLayout};
use crate::text::column_letters;
use crate::validate::Diagnostic;

/// How to read a plan.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    pub limits: Limits,
    /// A `plandoc.toml` given on the command line; otherwise the one beside the file, if any.
    pub config: Option<PathBuf>,
}

/// A plan read from a file, with every diagnostic and informative notes.
#[derive(Debug, Clone)]
pub struct Reading {
    pub plan: Plan,
    pub diagnostics: Vec<Diagnostic>,
    pub notes: Vec<String>,
}

impl Reading {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// The file cannot be read as a plan at all (exit code 2): the reason as a diagnostic.
#[derive(Debug, Clone)]
pub struct Unreadable {
    pub diagnostic: Box<Diagnostic>,
    pub notes: Vec<String>,
}

/// Reads, understands and validates one plan file.
pub fn read_plan(path: &Path, opts: &ReadOptions) -> Result<Reading, Unreadable> {
    let name = path.display().to_string();
    let workbook = read_workbook(path, &opts.limits).map_err(|e| {
        let message = match e {
            ReadError::IsDir => format!("« {name} » est un dossier, pas un classeur."),
            _ => format!("« {name} » : {e}."),
        };
        let mut d = Diagnostic::error(e.code(), message);
        if let Some(s) = e.sheet() {
            d = d.in_sheet(s);
        }
        Unreadable { diagnostic: Box::new(d), notes: Vec::new() }
    })?;
    let mut reading = plan_from_workbook(&name, &workbook)?;
    reading.diagnostics.extend(workbook.warnings.iter().cloned());
    if let Some(cfg) = config_for(path, opts.config.as_deref()) {
        let (c, problems) = load_config(&cfg);
        reading.diagnostics.extend(problems);
        reading.diagnostics.extend(config::apply_overrides(&c.plan, &mut reading.plan.meta));
    }
    reading.diagnostics.extend(crate::validate::validate(&reading.plan));
    Ok(reading)
}

/// Finds the action sheet, reads it and the metadata sheets. No validation here.
pub fn plan_from_workbook(name: &str, wb: &Workbook) -> Result<Reading, Unreadable> {
    let mut diagnostics = Vec::new();
    let mut notes = Vec::new();
    let mut plan = Plan::default();
    let visible: Vec<&Sheet> = wb.sheets.iter().filter(|s| s.visible).collect();
    for s in wb.sheets.iter().filter(|s| !s.visible) {
        notes.push(format!("Feuille masquée « {} » ignorée.", s.name));
    }
    for s in visible.iter().filter(|s| metadata::is_metadata_sheet_name(&s.name)) {
        metadata::read_metadata_sheet(s, &mut plan.meta, &mut diagnostics, &mut notes);
    }
    let best = visible
        .iter()
        .filter(|s| !metadata::is_metadata_sheet_name(&s.name) && !metadata::is_indicator_sheet_name(&s.name))
        .filter_map(|s| header::find_header(s).map(|h| (*s, h)))
        .max_by_key(|(s, h)| (h.score, s.rows.range(h.row + 1..).count(), std::cmp::Reverse(s.name.clone())));
    let Some((sheet, header)) = best else {
        let looked: Vec<String> = visible.iter().map(|s| format!("« {} »", s.name)).collect();
        let message = format!(
            "« {name} » : aucun plan d'actions trouvé. plandoc cherche, dans les 40 premières lignes d'une feuille visible, \
             une ligne d'en-tête avec une colonne d'actions (Action, Intitulé, Actions priorisées…) et au moins une autre \
             colonne reconnue (Axe, Ambition, Enjeu, Objectif, N°, Pilote, Priorité, années…). Feuilles examinées : {}.",
            if looked.is_empty() { "aucune".to_string() } else { looked.join(", ") }
        );
        return Err(Unreadable { diagnostic: Box::new(Diagnostic::error("aucun-plan", message)), notes });
    };
    for s in &visible {
        if s.name == sheet.name || metadata::is_metadata_sheet_name(&s.name) || s.is_empty() {
            continue;
        }
        if metadata::is_indicator_sheet_name(&s.name) {
            continue;
        } else {
            notes.push(format!("Feuille « {} » ignorée : le plan est lu dans « {} ».", s.name, sheet.name));
        }
    }
    let table = layout::read_table(name, sheet, &header);
    diagnostics.extend(table.diagnostics);
    plan.axes = table.axes;
    let known: Vec<String> = plan.actions().iter().filter_map(|r| r.action.number.clone()).collect();
    for s in
        visible.iter().filter(|s| s.name != sheet.name && metadata::is_indicator_sheet_name(&s.name) && !s.is_empty())
    {
        plan.indicators.extend(indicators::read_indicators(name, s, &known, &mut diagnostics));
    }
    metadata::apply_title_block(&table.title_lines, &mut plan.meta);
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
    Ok(Reading { plan, diagnostics, notes })
}
