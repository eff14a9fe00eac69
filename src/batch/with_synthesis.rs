//! `batch --synthese`: the departmental synthesis of the plans the batch has just read,
//! written beside its report (synthese.pdf, synthese.xlsx).

use std::path::Path;
use std::sync::Mutex;

use crate::synthesis::{Input, Synthesis, Themes, Unread};

use super::{PlanResult, PlanStatus};

/// What the synthesis of a batch is asked with.
#[derive(Debug, Clone)]
pub struct SynthesisRequest {
    pub title: String,
    pub year: Option<i32>,
    pub themes: Themes,
}

/// The plans read during the run, gathered by the workers.
#[derive(Default)]
pub(crate) struct Gathered(Mutex<Vec<Input>>);

impl Gathered {
    pub(crate) fn push(&self, name: &str, plan: &crate::model::Plan) {
        if let Ok(mut v) = self.0.lock() {
            v.push(Input { name: name.to_string(), plan: plan.clone() });
        }
    }

    fn take(self) -> Vec<Input> {
        let mut v = self.0.into_inner().unwrap_or_default();
        v.sort_by(|a, b| a.name.cmp(&b.name));
        v
    }
}

/// The synthesis of the run, when asked (`gathered` is then the plans read).
pub(crate) fn finish(
    out: &Path,
    opts: &super::BatchOptions,
    gathered: Option<Gathered>,
    results: &[PlanResult],
) -> std::io::Result<()> {
    let (Some(req), Some(g)) = (&opts.synthesis, gathered) else { return Ok(()) };
    let docs =
        crate::documents::DocOptions { template: opts.template.clone(), date: opts.date.clone(), ..Default::default() };
    write(out, req, g, results, &docs, opts.sheets.unwrap_or_default())
}

/// Writes OUT/synthese.pdf and the workbook (in the run's `--tableur` formats) together;
/// the plans that failed are its « Non lus ».
fn write(
    out: &Path,
    req: &SynthesisRequest,
    gathered: Gathered,
    results: &[PlanResult],
    docs: &crate::documents::DocOptions,
    formats: crate::sheet_formats::SheetFormats,
) -> std::io::Result<()> {
    let unread = results
        .iter()
        .filter(|r| r.status == PlanStatus::Error)
        .map(|r| Unread { name: r.input.clone(), reason: r.error.clone().unwrap_or_else(|| "non lu".into()) })
        .collect();
    let s = Synthesis::new(&req.title, req.year, req.themes.clone(), &gathered.take(), unread);
    let files = crate::synthesis::render(&s, docs, formats).map_err(|e| std::io::Error::other(e.to_string()))?;
    let files: Vec<(std::path::PathBuf, &[u8])> = files.iter().map(|(n, b)| (out.join(n), b.as_slice())).collect();
    crate::durable::publish(out, &files)
}
