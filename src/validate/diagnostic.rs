//! A diagnostic: code, severity, French message, and the sheet and cell it is about.

use serde::{Deserialize, Serialize};

use super::codes::Code;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "erreur",
            Severity::Warning => "avertissement",
        }
    }
}

/// One problem found in an input, with its place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable code, written as its kebab-case French string, e.g. "numero-en-double".
    pub code: Code,
    /// French sentence for people.
    pub message: String,
    pub sheet: Option<String>,
    /// A1 reference, e.g. "C14".
    pub cell: Option<String>,
}

impl Diagnostic {
    /// A diagnostic of `code`, at the severity its declaration gives (`src/validate/codes.rs`).
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Self { severity: code.severity(), code, message: message.into(), sheet: None, cell: None }
    }

    pub fn at(mut self, sheet: &str, cell: Option<String>) -> Self {
        self.sheet = Some(sheet.to_string());
        self.cell = cell;
        self
    }

    pub fn in_sheet(mut self, sheet: &str) -> Self {
        self.sheet = Some(sheet.to_string());
        self
    }

    /// "Plan!C14", "Plan" or "" for messages.
    pub fn place(&self) -> String {
        match (&self.sheet, &self.cell) {
            (Some(s), Some(c)) => format!("{}!{c}", quote_sheet(s)),
            (Some(s), None) => quote_sheet(s),
            (None, Some(c)) => c.clone(),
            (None, None) => String::new(),
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Sheet names with spaces or punctuation are quoted as spreadsheets do: 'Plan d''actions'.
pub fn quote_sheet(name: &str) -> String {
    if name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        name.to_string()
    } else {
        format!("'{}'", name.replace('\'', "''"))
    }
}

/// "Plan!C14" for a sheet and 0-based position.
pub fn cell_ref(sheet: &str, row: u32, col: u32) -> String {
    format!("{}!{}", quote_sheet(sheet), crate::text::a1(row, col))
}
