//! Writing files safely: never half a file under its final name, never a user's input
//! replaced, several documents published together or not at all.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` through a synced temporary file in the same folder, renamed
/// into place, then syncs the folder: readers, killed runs and power losses never see a
/// partial file under the final name.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = parent_of(path);
    publish(&dir, &[(path.to_path_buf(), bytes)])
}

/// Writes every file (all in `dir`) under a temporary name, and only when all are written
/// and synced renames them into place, then syncs `dir`. On failure the temporaries are
/// removed and `dir` is left as it was.
pub fn publish(dir: &Path, files: &[(PathBuf, &[u8])]) -> std::io::Result<()> {
    let staged = stage(dir, files)?;
    sync_data(&staged.dir, &staged.temps)?;
    staged.rename()?;
    sync_dir(dir)
}

/// Files written under temporary names, not yet synced nor renamed: several plans are
/// staged, then made durable together (one filesystem sync rather than one per file),
/// then renamed. Dropped unpublished, the temporaries are removed.
#[derive(Debug)]
pub struct Staged {
    dir: PathBuf,
    /// Temporary names (emptied once renamed), and the final name of each.
    temps: Vec<PathBuf>,
    finals: Vec<PathBuf>,
}

/// Writes every file (all in `dir`) under a temporary name; on failure the temporaries
/// written so far are removed.
pub fn stage(dir: &Path, files: &[(PathBuf, &[u8])]) -> std::io::Result<Staged> {
    stage_with(dir, files, false)
}

/// `stage`, each file's data made durable as it is written: for a build whose documents
/// are written one by one while others are still being made (a filesystem sync would
/// also wait for everything else being written on the disk).
pub fn stage_synced(dir: &Path, files: &[(PathBuf, &[u8])]) -> std::io::Result<Staged> {
    stage_with(dir, files, true)
}

fn stage_with(dir: &Path, files: &[(PathBuf, &[u8])], durable: bool) -> std::io::Result<Staged> {
    // A rename cannot replace a folder: refuse before writing anything.
    if files.iter().any(|(p, _)| p.is_dir()) {
        return Err(std::io::Error::from(std::io::ErrorKind::IsADirectory));
    }
    let mut staged = Staged { dir: dir.to_path_buf(), temps: Vec::new(), finals: Vec::new() };
    for (path, bytes) in files {
        let tmp = temp_path(path);
        staged.temps.push(tmp.clone());
        staged.finals.push(path.clone());
        let f = write_unsynced(&tmp, bytes)?;
        if durable {
            f.sync_data()?;
        }
    }
    Ok(staged)
}

impl Staged {
    /// Parts staged separately in `dir`, published as one.
    pub fn join(dir: &Path, parts: Vec<Staged>) -> Staged {
        let mut all = Staged { dir: dir.to_path_buf(), temps: Vec::new(), finals: Vec::new() };
        for mut p in parts {
            all.temps.append(&mut p.temps);
            all.finals.append(&mut p.finals);
        }
        all
    }

    /// The final names, in order.
    pub fn finals(&self) -> &[PathBuf] {
        &self.finals
    }

    /// The folder the files go to.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Renames every temporary into place (call once their data is durable). On failure
    /// midway the renames already done are undone — each replaced file back under its
    /// name, each new one removed — and the temporaries left are removed.
    pub fn rename(mut self) -> std::io::Result<()> {
        let temps = std::mem::take(&mut self.temps);
        // The files about to be replaced keep a second name until all renames are done.
        let kept: Vec<Option<PathBuf>> = self.finals.iter().map(|p| keep_old(p)).collect();
        for (i, (tmp, path)) in temps.iter().zip(&self.finals).enumerate() {
            let renamed = test_hook::before_rename().and_then(|()| std::fs::rename(tmp, path));
            if let Err(e) = renamed {
                for t in &temps[i..] {
                    let _ = std::fs::remove_file(t);
                }
                roll_back(&self.finals[..i], &kept[..i]);
                discard(&kept[i..]);
                let _ = sync_dir(&self.dir);
                return Err(e);
            }
        }
        discard(&kept);
        Ok(())
    }
}

/// A second name (hard link) for `path` when it exists; a copy where links are not
/// supported.
fn keep_old(path: &Path) -> Option<PathBuf> {
    if !path.is_file() {
        return None;
    }
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let old = path.with_file_name(format!(".{name}.tmp-ancien-{}", std::process::id()));
    let _ = std::fs::remove_file(&old);
    match std::fs::hard_link(path, &old) {
        Ok(()) => Some(old),
        Err(_) => std::fs::copy(path, &old).ok().map(|_| old),
    }
}

/// Undoes the renames already done: each replaced file back, each new one removed.
fn roll_back(done: &[PathBuf], kept: &[Option<PathBuf>]) {
    for (path, old) in done.iter().zip(kept) {
        match old {
            Some(o) => {
                let _ = std::fs::rename(o, path);
            }
            None => {
                let _ = std::fs::remove_file(path);
            }
        }
    }
}

fn discard(kept: &[Option<PathBuf>]) {
    for o in kept.iter().flatten() {
        let _ = std::fs::remove_file(o);
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        for t in &self.temps {
            let _ = std::fs::remove_file(t);
        }
    }
}

/// Makes the data of every staged file durable: on Linux one `syncfs` per filesystem (a
/// single device flush however many files), elsewhere one sync per file.
pub fn sync_staged(staged: &[&Staged]) -> std::io::Result<()> {
    sync_staged_and_dirs(staged, &[])
}

/// Makes the data of every staged file and the renames done in `dirs` durable: on Linux
/// one `syncfs` per filesystem for both, elsewhere one sync per file and per folder.
pub fn sync_staged_and_dirs(staged: &[&Staged], dirs: &[&Path]) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        let all: Vec<&Path> = staged.iter().map(|s| s.dir.as_path()).chain(dirs.iter().copied()).collect();
        sync_dirs(&all)
    }
    #[cfg(not(target_os = "linux"))]
    {
        for s in staged {
            sync_data(&s.dir, &s.temps)?;
        }
        sync_dirs(dirs)
    }
}

/// Makes these folders' renames (and everything written in them) durable: one `syncfs`
/// per filesystem on Linux, one folder sync each elsewhere.
pub fn sync_dirs(dirs: &[&Path]) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        let mut seen: Vec<u64> = Vec::new();
        for d in dirs {
            use std::os::unix::fs::MetadataExt;
            let dev = std::fs::metadata(d)?.dev();
            if !seen.contains(&dev) {
                seen.push(dev);
                syncfs(d)?;
            }
        }
        Ok(())
    }
    #[cfg(not(target_os = "linux"))]
    {
        for d in dirs {
            sync_dir(d)?;
        }
        Ok(())
    }
}

#[cfg(target_os = "linux")]
fn syncfs(dir: &Path) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    let f = std::fs::File::open(dir)?;
    // SAFETY: syncfs only reads the descriptor, which `f` keeps open.
    if unsafe { libc::syncfs(f.as_raw_fd()) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Data of the files of one folder made durable: one `syncfs` on Linux when there are
/// several (one device flush instead of one per file), else one sync per file.
fn sync_data(dir: &Path, temps: &[PathBuf]) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    if temps.len() > 1 {
        return syncfs(dir);
    }
    let _ = dir;
    for t in temps {
        std::fs::OpenOptions::new().write(true).open(t)?.sync_data()?;
    }
    Ok(())
}

/// Writes `tmp`; the file is handed back, for a sync on the same handle.
fn write_unsynced(tmp: &Path, bytes: &[u8]) -> std::io::Result<std::fs::File> {
    test_hook::before_write()?;
    let mut f = std::fs::File::create(tmp)?;
    f.write_all(bytes)?;
    Ok(f)
}

/// Temporary name then rename, without syncing: for files whose loss on power failure is
/// harmless, written after what they describe is durable (the batch's resume marks: a
/// lost or torn mark only means the plan is built again).
pub fn write_atomic_unsynced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = temp_path(path);
    let result = (|| {
        test_hook::before_write()?;
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Makes renames in `dir` durable.
pub fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::fs::File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// An I/O error in French, for messages.
pub fn io_fr(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotFound => "introuvable".into(),
        K::PermissionDenied => "permission refusée".into(),
        K::AlreadyExists => "existe déjà".into(),
        K::NotADirectory => "un élément du chemin n'est pas un dossier".into(),
        K::IsADirectory => "c'est un dossier".into(),
        K::StorageFull => "disque plein".into(),
        K::QuotaExceeded => "quota de disque dépassé".into(),
        K::ReadOnlyFilesystem => "système de fichiers en lecture seule".into(),
        K::InvalidFilename => "nom de fichier invalide".into(),
        K::UnexpectedEof => "fichier incomplet".into(),
        K::Interrupted => "opération interrompue".into(),
        K::WouldBlock | K::ResourceBusy => "ressource occupée".into(),
        K::FileTooLarge => "fichier trop gros".into(),
        _ => match e.raw_os_error() {
            Some(n) => format!("erreur d'entrée-sortie (code système {n})"),
            None => "erreur d'entrée-sortie".into(),
        },
    }
}

/// ".name.tmp-PID" beside `path`: hidden, and never taken for a finished output.
pub fn temp_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "sortie".into());
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

/// Device and inode (or the canonical path elsewhere): two names of one file compare equal.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FileId(String);

pub fn file_id(path: &Path) -> Option<FileId> {
    let meta = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some(FileId(format!("{}:{}", meta.dev(), meta.ino())))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        path.canonicalize().ok().map(|p| FileId(p.display().to_string()))
    }
}

/// Refuses to write any of `outputs` that is one of `inputs` (same file under any name,
/// hard links included): the message names both.
pub fn refuse_overwriting_inputs(outputs: &[PathBuf], inputs: &[PathBuf]) -> Result<(), String> {
    let ids: Vec<(FileId, &PathBuf)> = inputs.iter().filter_map(|p| file_id(p).map(|id| (id, p))).collect();
    for out in outputs {
        let Some(id) = file_id(out) else { continue };
        if let Some((_, input)) = ids.iter().find(|(i, _)| *i == id) {
            let same = if out == *input {
                String::new()
            } else {
                format!(" (c'est le fichier d'entrée « {} »)", input.display())
            };
            return Err(format!(
                "« {} » est un fichier d'entrée{same} : plandoc ne l'écrasera pas. Choisissez un autre dossier de sortie.",
                out.display()
            ));
        }
    }
    Ok(())
}

/// Test-only failure injection, for machines where a test cannot mount a small full
/// filesystem: `PLANDOC_TEST_DISQUE_PLEIN_APRES=N` makes every write after the N-th of
/// the process fail as "disk full"; `PLANDOC_TEST_RENOMMAGE_ECHOUE_APRES=N` every rename
/// of a publication after the N-th. Unset in normal use.
mod test_hook {
    use std::sync::atomic::{AtomicU64, Ordering};

    static WRITES: AtomicU64 = AtomicU64::new(0);
    static RENAMES: AtomicU64 = AtomicU64::new(0);

    pub fn before_rename() -> std::io::Result<()> {
        let Some(limit) = std::env::var("PLANDOC_TEST_RENOMMAGE_ECHOUE_APRES").ok().and_then(|v| v.parse::<u64>().ok())
        else {
            return Ok(());
        };
        if RENAMES.fetch_add(1, Ordering::SeqCst) >= limit {
            return Err(std::io::Error::other("renommage refusé (panne simulée)"));
        }
        Ok(())
    }

    pub fn before_write() -> std::io::Result<()> {
        let Some(limit) = std::env::var("PLANDOC_TEST_DISQUE_PLEIN_APRES").ok().and_then(|v| v.parse::<u64>().ok())
        else {
            return Ok(());
        };
        if WRITES.fetch_add(1, Ordering::SeqCst) >= limit {
            return Err(std::io::Error::from(std::io::ErrorKind::StorageFull));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn writes_and_leaves_no_temporary() {
        let dir = std::env::temp_dir().join(format!("plandoc-durable-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("a.txt");
        super::write_atomic(&p, b"bonjour").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"bonjour");
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 1);
        let link = dir.join("lien.txt");
        std::fs::hard_link(&p, &link).unwrap();
        assert!(super::refuse_overwriting_inputs(&[link], std::slice::from_ref(&p)).unwrap_err().contains("lien.txt"));
        assert!(super::refuse_overwriting_inputs(&[dir.join("b.txt")], &[p]).is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
