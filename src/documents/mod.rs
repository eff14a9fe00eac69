//! Documents: a plan becomes laid-out pages (fiches, échéancier, plan table).

mod chart;
mod common;
#[cfg(test)]
mod contrast;
mod departmental;
mod echeancier;
mod evaluation;
mod fiches;
mod groups;
mod plan_table;

pub use common::{french_date, DocOptions, STAMP_HEIGHT, STAMP_WIDTH};
pub use departmental::synthesis_pdf;
pub use echeancier::echeancier;
pub use evaluation::{evaluation, EvalOptions};
pub use fiches::fiches;
pub use plan_table::plan_table;
