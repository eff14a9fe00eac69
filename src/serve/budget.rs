//! A job's memory budget: a plan whose documents would take the server past about
//! 300 MB is refused, from its size once read, before anything is laid out. Long
//! documents are written page by page (`crate::streamed`), so the memory a job takes
//! grows with its files, not its pages: 10,000 actions of 1 KB each, every document
//! and their ZIP, stay under it (`tests/serve_bounds.rs`, docs/surete.md).

use super::errors::RequestError;
use crate::model::Plan;

/// Most actions of a plan built by the server.
pub const MAX_ACTIONS: usize = 10_000;
/// Largest plan built by the server, counted as its JSON form (every text it holds).
pub const MAX_PLAN_BYTES: u64 = 16 * 1024 * 1024;

/// Counts the bytes written to it, keeping none.
struct Counter(u64);

impl std::io::Write for Counter {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0 += b.len() as u64;
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The plan's weight in bytes: its JSON form, counted without being kept.
pub fn weight(plan: &Plan) -> u64 {
    let mut c = Counter(0);
    let _ = serde_json::to_writer(&mut c, plan);
    c.0
}

/// Refuses, with a 413 naming the limit, a plan over the job budget.
pub fn check(name: &str, plan: &Plan) -> Result<(), RequestError> {
    let actions = plan.action_count();
    if actions > MAX_ACTIONS {
        return Err(RequestError::Expanded(format!(
            "« {name} » compte {actions} actions : le serveur en met en page {MAX_ACTIONS} au plus par plan \
             (budget mémoire d'un traitement) ; utilisez plandoc build sur votre poste"
        )));
    }
    let w = weight(plan);
    if w > MAX_PLAN_BYTES {
        return Err(RequestError::Expanded(format!(
            "« {name} » contient {} Mo de texte : le serveur en met en page {} Mo au plus par plan \
             (budget mémoire d'un traitement) ; utilisez plandoc build sur votre poste",
            w.div_ceil(1024 * 1024),
            MAX_PLAN_BYTES / (1024 * 1024)
        )));
    }
    Ok(())
}
