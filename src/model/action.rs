//! One action of a plan: its fields, where it was read, its funding lines; and the table
//! saying which member holds each plain-text field.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Field, Priority, Status};

/// Where a value came from: file, sheet and 1-based row.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    pub file: String,
    pub sheet: String,
    pub row: u32,
    /// Column letters of the cell, for hierarchy labels (actions span the row).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// Field → A1 cell, when the fields of one action sit apart (a form).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub cells: BTreeMap<Field, String>,
}

/// A budget as written, with the amount in euros when it could be read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Budget {
    pub text: String,
    pub euros: Option<f64>,
}

/// One funding line: who pays, how much.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FundingLine {
    /// The funder as written ("Région", "DREAL").
    pub funder: String,
    /// The amount as written, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The amount in euros when it could be read as a number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
    /// "Personne pilote": the person who steers the action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pilot_person: Option<String>,
    /// "Direction ou service pilote".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pilot_service: Option<String>,
    /// "Structure pilote".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pilot_structure: Option<String>,
    /// "Élu·e référent·e".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elected: Option<String>,
    pub partners: Option<String>,
    pub public: Option<String>,
    /// Territory or communes concerned.
    pub territory: Option<String>,
    pub budget: Option<Budget>,
    pub funders: Option<String>,
    /// Funding lines (funder, amount), in column order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub funding: Vec<FundingLine>,
    /// "Budgets de fonctionnement" as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_operating: Option<String>,
    /// "Budgets d'investissement" as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_investment: Option<String>,
    /// Start date, ISO (YYYY-MM-DD) when it could be read as a date, else as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    /// End date, same form as `start_date`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
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
    /// Sub-actions, listed on this action's fiche and counted apart.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sub_actions: Vec<Action>,
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

    /// Who steers the action, in one line: the first of pilot, structure, service, person.
    pub fn pilot_text(&self) -> Option<&str> {
        [&self.pilot, &self.pilot_structure, &self.pilot_service, &self.pilot_person]
            .into_iter()
            .find_map(|o| o.as_deref().filter(|s| !s.trim().is_empty()))
    }

    /// Funding lines' amounts summed, when at least one amount is a number.
    pub fn funding_sum(&self) -> Option<f64> {
        let amounts: Vec<f64> = self.funding.iter().filter_map(|l| l.euros).collect();
        (!amounts.is_empty()).then(|| amounts.iter().sum())
    }

    /// Total characters of the free-text fields, to judge whether a fiche will hold it
    /// (dates, on one short line, are not counted).
    pub fn text_len(&self) -> usize {
        let texts = Action::TEXT_FIELDS.iter().filter(|f| !matches!(f, Field::StartDate | Field::EndDate));
        self.title.chars().count()
            + texts.filter_map(|f| self.text_of(*f)).map(|s| s.chars().count()).sum::<usize>()
            + self.funding.iter().map(|l| l.funder.chars().count() + 12).sum::<usize>()
            + self.sub_actions.iter().map(Action::text_len).sum::<usize>()
            + self.indicators.iter().map(|s| s.chars().count()).sum::<usize>()
            + self.extra.iter().map(|e| e.value.chars().count()).sum::<usize>()
    }
}

/// The fields an action holds as plain text, and the slot of each: the one place that
/// says which member of `Action` a field fills (read, laid out, written to the annex).
macro_rules! text_fields {
    ($($field:ident => $slot:ident),* $(,)?) => {
        impl Action {
            /// Every field held as plain text, in display order.
            pub const TEXT_FIELDS: &'static [Field] = &[$(Field::$field),*];

            /// The text the action holds for `field`; None when empty or not a text field.
            pub fn text_of(&self, field: Field) -> Option<&str> {
                match field {
                    $(Field::$field => self.$slot.as_deref(),)*
                    _ => None,
                }
            }

            /// Where the action keeps the text of `field`; None when it is not a text field.
            pub fn text_slot(&mut self, field: Field) -> Option<&mut Option<String>> {
                match field {
                    $(Field::$field => Some(&mut self.$slot),)*
                    _ => None,
                }
            }
        }
    };
}

text_fields! {
    Aim => aim,
    Description => description,
    Pilot => pilot,
    PilotPerson => pilot_person,
    PilotService => pilot_service,
    PilotStructure => pilot_structure,
    Elected => elected,
    Partners => partners,
    Public => public,
    Territory => territory,
    Funders => funders,
    BudgetOperating => budget_operating,
    BudgetInvestment => budget_investment,
    StartDate => start_date,
    EndDate => end_date,
    Comment => comment,
}
