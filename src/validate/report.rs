//! The report of one plan's check: counts and diagnostics. The JSON of `plandoc check
//! --json`, the body of the server's `/api/check`, the data of its Contrôle page.

use serde::Serialize;

use super::Diagnostic;
use crate::model::{ColumnInfo, Plan, SkippedRow};

/// Counts of a readable plan (all `None` when unreadable), its diagnostics and notes.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    pub file: String,
    pub territory: Option<String>,
    pub kind: Option<String>,
    pub axes: Option<usize>,
    pub objectives: Option<usize>,
    pub actions: Option<usize>,
    pub first_year: Option<i32>,
    pub last_year: Option<i32>,
    /// Sub-actions, counted apart from actions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_actions: Option<usize>,
    /// Sheet and 1-based header row the plan was read from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header_row: Option<u32>,
    /// Which column feeds which field ("extra": kept as is, shown under its header).
    pub columns: Vec<ColumnInfo>,
    /// Rows under the header not read as data, and why.
    pub skipped_rows: Vec<SkippedRow>,
    pub diagnostics: Vec<Diagnostic>,
    pub notes: Vec<String>,
    /// How much the table read looks like a plan, out of 100 (refused below the threshold).
    pub plan_score: Option<u32>,
    /// Why, in French: the evidence, or what the table looks like instead.
    pub plan_reason: Option<String>,
}

impl CheckReport {
    pub fn new(file: &str, plan: &Plan, diagnostics: &[Diagnostic], notes: &[String]) -> Self {
        let m = &plan.meta;
        CheckReport {
            file: file.to_string(),
            territory: m.territory.clone(),
            kind: Some(m.kind.label().to_string()),
            axes: Some(plan.axis_count()),
            objectives: Some(plan.objective_count()),
            actions: Some(plan.action_count()),
            first_year: m.first_year,
            last_year: m.last_year,
            sub_actions: Some(plan.sub_action_count()),
            sheet: plan.source.as_ref().map(|s| s.sheet.clone()),
            header_row: plan.source.as_ref().map(|s| s.header_row),
            columns: plan.source.as_ref().map(|s| s.columns.clone()).unwrap_or_default(),
            skipped_rows: plan.source.as_ref().map(|s| s.skipped_rows.clone()).unwrap_or_default(),
            diagnostics: sorted(diagnostics.to_vec()),
            notes: notes.to_vec(),
            plan_score: None,
            plan_reason: None,
        }
    }

    pub fn unreadable(file: &str, d: Diagnostic, notes: Vec<String>) -> Self {
        CheckReport {
            file: file.to_string(),
            territory: None,
            kind: None,
            axes: None,
            objectives: None,
            actions: None,
            first_year: None,
            last_year: None,
            sub_actions: None,
            sheet: None,
            header_row: None,
            columns: Vec::new(),
            skipped_rows: Vec::new(),
            diagnostics: vec![d],
            notes,
            plan_score: None,
            plan_reason: None,
        }
    }

    /// The report with the plan-likeness of the table read, when one was.
    pub fn with_likeness(mut self, likeness: Option<&crate::ingest::Likeness>) -> Self {
        self.plan_score = likeness.map(|l| l.score);
        self.plan_reason = likeness.map(|l| l.reason.clone());
        self
    }

    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    /// The plan could be read (it may still have errors).
    pub fn is_readable(&self) -> bool {
        self.actions.is_some()
    }
}

/// Errors first, then by sheet and cell position.
pub fn sorted(mut d: Vec<Diagnostic>) -> Vec<Diagnostic> {
    d.sort_by_key(|x| (x.severity, x.sheet.clone(), cell_key(x.cell.as_deref())));
    d
}

/// (row, column) of an A1 reference, 1-based; (0, 0) for none.
pub fn cell_key(cell: Option<&str>) -> (u32, u32) {
    let Some(c) = cell else { return (0, 0) };
    let letters: String = c.chars().take_while(|ch| ch.is_ascii_alphabetic()).collect();
    let row: u32 = c[letters.len()..].parse().unwrap_or(0);
    let col = letters.bytes().fold(0u32, |acc, b| acc * 26 + u32::from(b.to_ascii_uppercase() - b'A' + 1));
    (row, col)
}
