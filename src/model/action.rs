use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Priority, Status};

/// Where a value came from: file, sheet and 1-based row.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    pub file: String,
    pub sheet: String,
    pub row: u32,
    /// Column letters of the cell, for hierarchy labels (actions span the row).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
}

/// A budget as written, with the amount in euros when it could be read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Budget {
    pub text: String,
    pub euros: Option<f64>,
}

/// An input column that matched no known field, kept as is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtraField {
    pub name: String,
    pub value: String,
}

/// One numbered action of the plan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Action {
    /// Number as written once normalised ("12", "2.3", "4b").
    pub number: Option<String>,
    pub title: String,
    /// The aim ("Objectif :" in the action cell, or its own column).
    pub aim: Option<String>,
    pub description: Option<String>,
    pub priority: Option<Priority>,
    pub pilot: Option<String>,
    pub partners: Option<String>,
    pub public: Option<String>,
    /// Territory or communes concerned.
    pub territory: Option<String>,
    pub budget: Option<Budget>,
    pub funders: Option<String>,
    pub indicators: Vec<String>,
    /// Years the action runs.
    pub years: Vec<i32>,
    /// Words written in year cells instead of a tick ("Étude", "Déploiement").
    pub milestones: BTreeMap<i32, String>,
    pub status: Option<Status>,
    /// Progress in percent, 0 to 100.
    pub progress: Option<f64>,
    pub comment: Option<String>,
    pub extra: Vec<ExtraField>,
    pub origin: Option<Origin>,
}

impl Action {
    /// "Action 12" or just the title's start when unnumbered; used in messages.
    pub fn label(&self) -> String {
        match &self.number {
            Some(n) => format!("action {n}"),
            None => format!("action « {} »", crate::text::truncate_chars(&self.title, 40)),
        }
    }

    /// Total characters of the free-text fields, to judge whether a fiche will hold it.
    pub fn text_len(&self) -> usize {
        let opt = |o: &Option<String>| o.as_ref().map_or(0, |s| s.chars().count());
        self.title.chars().count()
            + opt(&self.aim)
            + opt(&self.description)
            + opt(&self.pilot)
            + opt(&self.partners)
            + opt(&self.public)
            + opt(&self.territory)
            + opt(&self.funders)
            + opt(&self.comment)
            + self.indicators.iter().map(|s| s.chars().count()).sum::<usize>()
            + self.extra.iter().map(|e| e.value.chars().count()).sum::<usize>()
    }
}
