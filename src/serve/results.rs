//! Results kept under an unguessable identifier for a short time, then deleted; never
//! while a job still writes into them. A plain folder: several instances may share it
//! (its age is that of its creation mark).

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::errors::{RequestError, ServeError};
use super::tempdir::{create_private, new_id};

pub struct Results {
    root: PathBuf,
    keep: Duration,
    /// The folder is ours (temporary): removed at shutdown.
    owned: bool,
}

/// Identifiers are exactly 32 lowercase hex digits: nothing else reaches the disk.
pub fn valid_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
}

impl Results {
    pub fn open(dir: Option<PathBuf>, keep: Duration) -> Result<Results, ServeError> {
        let owned = dir.is_none();
        let root = dir.unwrap_or_else(|| std::env::temp_dir().join(format!("plandoc-resultats-{}", new_id())));
        create_private(&root)
            .map_err(|e| ServeError::Results(root.display().to_string(), crate::durable::io_fr(&e)))?;
        Ok(Results { root, keep, owned })
    }

    pub fn keep(&self) -> Duration {
        self.keep
    }

    /// A new, empty result folder.
    pub fn create(&self) -> Result<(String, PathBuf), RequestError> {
        let id = new_id();
        let dir = self.root.join(&id);
        create_private(&dir).map_err(|e| RequestError::Internal(crate::durable::io_fr(&e)))?;
        mark_created(&dir);
        Ok((id, dir))
    }

    /// The folder of a live result; expired ones are deleted on the way.
    pub fn get(&self, id: &str) -> Result<PathBuf, RequestError> {
        if !valid_id(id) {
            return Err(RequestError::NotFound);
        }
        let dir = self.root.join(id);
        match age(&dir) {
            Some(a) if a <= self.keep => Ok(dir),
            Some(_) => {
                let _ = std::fs::remove_dir_all(&dir);
                Err(RequestError::NotFound)
            }
            None => Err(RequestError::NotFound),
        }
    }

    /// Deletes every expired result.
    pub fn sweep(&self) {
        let Ok(entries) = std::fs::read_dir(&self.root) else { return };
        for e in entries.flatten() {
            let name = e.file_name();
            let path = e.path();
            if valid_id(&name.to_string_lossy()) && age(&path).is_some_and(|a| a > self.keep) {
                let _ = std::fs::remove_dir_all(&path);
            }
        }
    }

    pub fn close(&self) {
        if self.owned {
            let _ = std::fs::remove_dir_all(&self.root);
        }
    }
}

/// A result being built is never expired, unless its mark is older than this (a server
/// stopped in the middle of a lot).
const BUSY_MAX: Duration = Duration::from_secs(24 * 3600);
const BUSY: &str = ".en-cours";

/// Age from the folder's creation marker (its own modification time when absent); zero
/// while a job still writes into it.
fn age(dir: &Path) -> Option<Duration> {
    if modified_age(&dir.join(BUSY)).is_some_and(|a| a <= BUSY_MAX) {
        return Some(Duration::ZERO);
    }
    modified_age(&dir.join(".cree")).or_else(|| modified_age(dir))
}

fn modified_age(p: &Path) -> Option<Duration> {
    let t = std::fs::metadata(p).ok()?.modified().ok()?;
    Some(SystemTime::now().duration_since(t).unwrap_or_default())
}

/// Marks a result's birth: files added later do not make it younger.
fn mark_created(dir: &Path) {
    let _ = std::fs::write(dir.join(".cree"), b"");
}

/// A job writes into `dir` until the guard is dropped: the result cannot expire
/// meanwhile, and its time to live starts again when the job ends.
pub struct Busy(PathBuf);

impl Busy {
    pub fn mark(dir: &Path) -> Busy {
        let _ = std::fs::write(dir.join(BUSY), b"");
        Busy(dir.to_path_buf())
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        mark_created(&self.0);
        let _ = std::fs::remove_file(self.0.join(BUSY));
    }
}

pub fn spawn_sweeper(state: super::Shared) {
    let every = (state.results.keep() / 4).clamp(Duration::from_millis(200), Duration::from_secs(60));
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            let s = state.clone();
            let _ = tokio::task::spawn_blocking(move || s.results.sweep()).await;
        }
    });
}
