//! Plain serde types describing an action plan. No I/O here.

mod action;
mod field;
mod meta_key;
mod plan;
mod vocabulary;

pub use action::{Action, Budget, ExtraField, FundingLine, Origin};
pub use field::Field;
pub use meta_key::{MetaForm, MetaKey, PLAUSIBLE_YEARS};
pub use plan::{ActionRef, Axis, ColumnInfo, Indicator, Objective, Plan, PlanKind, PlanMeta, SkippedRow, SourceLayout};
pub use vocabulary::{install_override as install_vocabulary, Priority, Status};
