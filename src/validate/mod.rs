//! Checks on a plan model: every problem at once, with codes, severity and cells.

pub mod codes;
mod diagnostic;
pub mod excel;
mod report;
mod rules;

pub use codes::Code;
pub use diagnostic::{cell_ref, quote_sheet, Diagnostic, Severity};
pub use report::{cell_key, sorted, CheckReport};
pub use rules::{validate, MAX_FICHE_CHARS};
