//! One batch at a time per output folder: an exclusive lock on a file inside it, which
//! also says who holds it. The system releases the lock when its holder dies, even by
//! SIGKILL, so a stale file never blocks a later run.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use fs4::fs_std::FileExt;

/// Held for the whole run; dropping it releases the folder.
#[derive(Debug)]
pub struct FolderLock {
    _file: File,
}

/// Why the lock was not taken.
#[derive(Debug)]
pub enum LockError {
    /// Another run holds it: its description (process, machine, start).
    Held(String, PathBuf),
    Io(std::io::Error),
}

/// Takes the lock on `out` (named after the shard, if any); with `wait`, blocks until
/// the holder is done.
pub fn lock_folder(out: &Path, suffix: &str, wait: bool) -> Result<FolderLock, LockError> {
    let path = out.join(format!(".plandoc-lot{suffix}.verrou"));
    let mut file =
        OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path).map_err(LockError::Io)?;
    if !file.try_lock_exclusive().map_err(LockError::Io)? {
        if !wait {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            return Err(LockError::Held(holder.trim().to_string(), path));
        }
        file.lock_exclusive().map_err(LockError::Io)?;
    }
    let me = format!(
        "processus {} sur {}, depuis {}\n",
        std::process::id(),
        host(),
        chrono::Local::now().format("%Y-%m-%d %H:%M:%S")
    );
    file.set_len(0).map_err(LockError::Io)?;
    file.seek(SeekFrom::Start(0)).map_err(LockError::Io)?;
    file.write_all(me.as_bytes()).map_err(LockError::Io)?;
    let _ = file.sync_all();
    Ok(FolderLock { _file: file })
}

fn host() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "cette machine".into())
}
