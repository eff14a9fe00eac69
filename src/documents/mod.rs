//! Documents: a plan becomes laid-out pages (fiches, échéancier, plan table), kept
//! whole (`fiches`…) or handed page by page to a sink (`lay_out`).

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
pub use evaluation::EvalOptions;

use crate::layout::canvas::{DocInfo, Document, Page, PageSink, Role, Tree};
use crate::layout::Image;
use crate::model::Plan;

/// A PDF document of a plan.
#[derive(Debug, Clone, Copy)]
pub enum PdfKind<'a> {
    Fiches,
    Echeancier,
    PlanTable,
    Evaluation(&'a EvalOptions),
}

/// A document whose pages went to a sink, undecorated: its structure (without the
/// nodes of page 1's header) and what decorating and writing its pages needs.
pub struct Laid {
    pub tree: Tree,
    pub info: DocInfo,
    pub images: Vec<Image>,
    title: String,
    title_heading: bool,
}

/// Lays out `kind`, handing each page, undecorated, to `sink` as soon as it is complete.
pub fn lay_out(kind: PdfKind<'_>, plan: &Plan, opts: &DocOptions, sink: &mut dyn PageSink) -> Laid {
    match kind {
        PdfKind::Fiches => fiches::lay_fiches(plan, opts, sink),
        PdfKind::Echeancier => echeancier::lay_echeancier(plan, opts, sink),
        PdfKind::PlanTable => plan_table::lay_plan_table(plan, opts, sink),
        PdfKind::Evaluation(eval) => evaluation::lay_evaluation(plan, opts, eval, sink),
    }
}

/// The whole document `kind`, every page kept and decorated.
pub fn document(kind: PdfKind<'_>, plan: &Plan, opts: &DocOptions) -> Document {
    let mut pages: Vec<Page> = Vec::new();
    let Laid { mut tree, info, images, title, title_heading } = lay_out(kind, plan, opts, &mut pages);
    let ctx = common::Ctx::new(plan, opts);
    common::decorate(&mut pages, &mut tree, &ctx, &title, title_heading);
    Document { pages, tree, info, images }
}

pub fn fiches(plan: &Plan, opts: &DocOptions) -> Document {
    document(PdfKind::Fiches, plan, opts)
}

pub fn echeancier(plan: &Plan, opts: &DocOptions) -> Document {
    document(PdfKind::Echeancier, plan, opts)
}

pub fn plan_table(plan: &Plan, opts: &DocOptions) -> Document {
    document(PdfKind::PlanTable, plan, opts)
}

pub fn evaluation(plan: &Plan, opts: &DocOptions, eval: &EvalOptions) -> Document {
    document(PdfKind::Evaluation(eval), plan, opts)
}

/// Header and footer of the `pages` pages of a document laid out as `laid`, for pages
/// decorated one by one as they come (`paint`), before the flow is done.
pub struct Decorator<'p>(common::Decor<'p>);

impl<'p> Decorator<'p> {
    pub fn new(plan: &'p Plan, opts: &'p DocOptions, laid: &Laid, pages: usize) -> Self {
        let ctx = common::Ctx::new(plan, opts);
        Decorator(common::Decor::new(ctx, &laid.title, laid.title_heading, laid.tree.nodes.len(), pages))
    }

    /// The nodes page 1's header fills, with their roles, before they are added.
    pub fn nodes(&self) -> Vec<(usize, Role)> {
        self.0.nodes()
    }

    /// Paints page `i`'s header and footer.
    pub fn paint(&self, page: &mut Page, i: usize, tree: &mut Tree) {
        self.0.paint(page, i, tree);
    }

    /// Adds the nodes of page 1's header to the finished tree (as large as the first
    /// layout's).
    pub fn add_nodes(&self, tree: &mut Tree) {
        self.0.add_nodes(tree);
    }
}
