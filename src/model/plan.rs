//! The plan: its metadata, its hierarchy of axes and objectives, its indicators, and
//! where it was read.

use serde::{Deserialize, Serialize};

use super::{Action, Field};

/// The kind of contract a plan belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum PlanKind {
    /// Convention Territoriale Globale.
    #[serde(rename = "CTG")]
    Ctg,
    /// Projet Social de Territoire.
    #[serde(rename = "PST")]
    Pst,
    /// Projet Éducatif De Territoire.
    #[serde(rename = "PEDT")]
    Pedt,
    /// Contrat Local de Santé.
    #[serde(rename = "CLS")]
    Cls,
    /// Plan Climat-Air-Énergie Territorial.
    #[serde(rename = "PCAET")]
    Pcaet,
    /// Contrat de Relance et de Transition Écologique.
    #[serde(rename = "CRTE")]
    Crte,
    /// Plan vélo (schéma cyclable).
    #[serde(rename = "plan vélo")]
    PlanVelo,
    #[default]
    #[serde(rename = "autre")]
    Other,
}

impl PlanKind {
    pub fn label(self) -> &'static str {
        match self {
            PlanKind::Ctg => "CTG",
            PlanKind::Pst => "PST",
            PlanKind::Pedt => "PEDT",
            PlanKind::Cls => "CLS",
            PlanKind::Pcaet => "PCAET",
            PlanKind::Crte => "CRTE",
            PlanKind::PlanVelo => "plan vélo",
            PlanKind::Other => "autre",
        }
    }
}

/// Who signs, when, and the references the prefecture needs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PlanMeta {
    /// The collectivité (commune, intercommunalité…).
    pub territory: Option<String>,
    pub kind: PlanKind,
    pub title: Option<String>,
    pub first_year: Option<i32>,
    pub last_year: Option<i32>,
    pub signatories: Vec<String>,
    pub deliberation_number: Option<String>,
    /// ISO date (YYYY-MM-DD) when it could be read as a date, else the text as written.
    pub deliberation_date: Option<String>,
    pub annex_number: Option<String>,
    pub siren: Option<String>,
    pub department: Option<String>,
    /// Path of a PNG/JPEG logo, relative to the input file.
    pub logo: Option<String>,
    /// Main colour as #RRGGBB.
    pub colour: Option<String>,
}

impl PlanMeta {
    /// Every year of the period, when both bounds are known and sane.
    pub fn period_years(&self) -> Vec<i32> {
        match (self.first_year, self.last_year) {
            (Some(a), Some(b)) if a <= b && b - a < 50 => (a..=b).collect(),
            _ => Vec::new(),
        }
    }
}

/// Top of the hierarchy: an axe, ambition, enjeu or orientation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Axis {
    /// Number as written ("1", "II", "3"), when there is one.
    pub number: Option<String>,
    /// The text as written, label included ("ENJEU 1 : AGIR POUR…").
    pub title: String,
    /// Further lines of the axis cell (transversal aims, expected impacts).
    pub description: Option<String>,
    pub objectives: Vec<Objective>,
    /// Actions attached directly to the axis (no objective given).
    pub actions: Vec<Action>,
    /// Sheet and 1-based row where the axis was first seen.
    pub origin: Option<super::Origin>,
    /// True for the single axis made up for a plan written without any hierarchy.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub implicit: bool,
}

/// An objective, sub-objective… under an axis: any depth, through `children`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Objective {
    pub title: String,
    pub children: Vec<Objective>,
    pub actions: Vec<Action>,
    pub origin: Option<super::Origin>,
}

/// Where the plan was read from and how its columns were understood.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceLayout {
    pub file: String,
    pub sheet: String,
    /// 1-based row of the header.
    pub header_row: u32,
    pub columns: Vec<ColumnInfo>,
    /// Rows under the header that were not read as data, and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped_rows: Vec<SkippedRow>,
}

/// A row not read as data (template help, lone label).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedRow {
    /// 1-based row.
    pub row: u32,
    pub reason: String,
}

/// One recognised input column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnInfo {
    /// The column's field; None for a column kept as it is ("extra" in JSON).
    #[serde(with = "super::field::field_or_extra")]
    pub field: Option<Field>,
    /// Header as written.
    pub header: String,
    /// Column letter(s), e.g. "C".
    pub column: String,
}

/// An indicator followed over the years (sheet "Indicateurs").
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    /// Number of the action it measures.
    pub action: Option<String>,
    pub name: String,
    pub unit: Option<String>,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    /// Value reached per year.
    pub values: std::collections::BTreeMap<i32, f64>,
    pub origin: Option<super::Origin>,
}

impl Indicator {
    /// Latest year with a value, and the value.
    pub fn latest(&self, up_to: Option<i32>) -> Option<(i32, f64)> {
        self.values.iter().rfind(|(y, _)| up_to.is_none_or(|u| **y <= u)).map(|(y, v)| (*y, *v))
    }

    /// Share of the target reached, 0 to 1 (above 1 when exceeded): from the baseline
    /// when there is one.
    pub fn share_of_target(&self, up_to: Option<i32>) -> Option<f64> {
        let (_, v) = self.latest(up_to)?;
        let t = self.target?;
        let b = self.baseline.unwrap_or(0.0);
        let span = t - b;
        if span.abs() < f64::EPSILON {
            return None;
        }
        Some(((v - b) / span).max(0.0))
    }
}

/// A whole plan: metadata and hierarchy.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub meta: PlanMeta,
    pub axes: Vec<Axis>,
    /// Indicators of the follow-up, when the workbook has them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indicators: Vec<Indicator>,
    /// Headers of input columns that matched no known field, in input order.
    pub extra_columns: Vec<String>,
    pub source: Option<SourceLayout>,
}

impl Objective {
    /// This objective's actions then its children's, in input order per level.
    pub fn all_actions(&self) -> Vec<&Action> {
        let mut out: Vec<&Action> = self.actions.iter().collect();
        for c in &self.children {
            out.extend(c.all_actions());
        }
        out
    }

    fn count(&self) -> usize {
        1 + self.children.iter().map(Objective::count).sum::<usize>()
    }
}

impl Axis {
    pub fn all_actions(&self) -> Vec<&Action> {
        let mut out: Vec<&Action> = self.actions.iter().collect();
        for o in &self.objectives {
            out.extend(o.all_actions());
        }
        out
    }
}

/// An action together with its place in the hierarchy.
#[derive(Debug, Clone)]
pub struct ActionRef<'a> {
    pub axis: &'a Axis,
    /// Objective path from the first level under the axis down to the action's, any depth.
    pub objectives: Vec<&'a Objective>,
    pub action: &'a Action,
}

impl<'a> ActionRef<'a> {
    /// The deepest objective, if any.
    pub fn objective(&self) -> Option<&'a Objective> {
        self.objectives.last().copied()
    }

    /// The whole path as written: axis (unless made up for a flat plan), then every
    /// objective level down to the action's.
    pub fn path(&self) -> Vec<&'a str> {
        let axis = (!self.axis.implicit).then_some(self.axis.title.as_str());
        axis.into_iter().chain(self.objectives.iter().map(|o| o.title.as_str())).collect()
    }
}

/// Collects the actions of `o` and of its descendants, depth first, with their paths.
fn collect_actions<'a>(axis: &'a Axis, path: &mut Vec<&'a Objective>, o: &'a Objective, out: &mut Vec<ActionRef<'a>>) {
    path.push(o);
    for action in &o.actions {
        out.push(ActionRef { axis, objectives: path.clone(), action });
    }
    for c in &o.children {
        collect_actions(axis, path, c, out);
    }
    path.pop();
}

impl Plan {
    /// Where a field of an action sits: its sheet, and its A1 cell when the form's cell or
    /// the field's column is known. None when the action was not read from a file.
    pub fn cell_of(&self, a: &Action, field: Field) -> Option<(String, Option<String>)> {
        let o = a.origin.as_ref()?;
        if let Some(cell) = o.cells.get(&field) {
            return Some((o.sheet.clone(), Some(cell.clone())));
        }
        let column = self.column_of(field).map(|c| format!("{}{}", c.column, o.row));
        Some((o.sheet.clone(), column))
    }

    /// The input column read as `field`, when the plan was read from a table.
    pub fn column_of(&self, field: Field) -> Option<&ColumnInfo> {
        self.source.as_ref()?.columns.iter().find(|c| c.field == Some(field))
    }

    /// Does the plan carry follow-up data (status, progress, comments or indicators)?
    pub fn has_follow_up(&self) -> bool {
        !self.indicators.is_empty()
            || self
                .actions()
                .iter()
                .any(|r| r.action.status.is_some() || r.action.progress.is_some() || r.action.comment.is_some())
    }

    /// Axes as written in the input (the made-up axis of a flat plan is not one).
    pub fn axis_count(&self) -> usize {
        self.axes.iter().filter(|a| !a.implicit).count()
    }

    pub fn objective_count(&self) -> usize {
        self.axes.iter().flat_map(|a| &a.objectives).map(Objective::count).sum()
    }

    pub fn action_count(&self) -> usize {
        self.count_actions(|_| 1)
    }

    /// Sub-actions, counted apart from actions.
    pub fn sub_action_count(&self) -> usize {
        self.count_actions(|a| a.sub_actions.len())
    }

    /// The sum of `per` over every action, walking the tree without collecting it.
    fn count_actions(&self, per: impl Fn(&Action) -> usize + Copy) -> usize {
        fn walk(o: &Objective, per: impl Fn(&Action) -> usize + Copy) -> usize {
            o.actions.iter().map(per).sum::<usize>() + o.children.iter().map(|c| walk(c, per)).sum::<usize>()
        }
        self.axes
            .iter()
            .map(|a| {
                a.actions.iter().map(per).sum::<usize>() + a.objectives.iter().map(|o| walk(o, per)).sum::<usize>()
            })
            .sum()
    }

    /// Every action in input order, with its axis and objectives.
    pub fn actions(&self) -> Vec<ActionRef<'_>> {
        let mut out = Vec::with_capacity(self.action_count());
        let mut path = Vec::new();
        for axis in &self.axes {
            for action in &axis.actions {
                out.push(ActionRef { axis, objectives: Vec::new(), action });
            }
            for o in &axis.objectives {
                collect_actions(axis, &mut path, o, &mut out);
            }
        }
        out
    }

    /// Objective levels under the axes: 0 for a plan of axes and actions only.
    pub fn objective_depth(&self) -> usize {
        fn depth(o: &Objective) -> usize {
            1 + o.children.iter().map(depth).max().unwrap_or(0)
        }
        self.axes.iter().flat_map(|a| &a.objectives).map(depth).max().unwrap_or(0)
    }
}
