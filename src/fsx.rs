//! Writing files so that a reader never sees half of one: temporary name, then rename.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` through a temporary file in the same folder: a reader, or a
/// run killed midway, never sees a partial file under the final name. (No fsync: that
/// guards against power loss, at a cost a batch of thousands of files cannot pay.)
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = temp_path(path);
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
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
        K::ReadOnlyFilesystem => "système de fichiers en lecture seule".into(),
        K::InvalidFilename => "nom de fichier invalide".into(),
        _ => format!("erreur d'entrée-sortie ({e})"),
    }
}

/// ".name.tmp-PID" beside `path`: hidden, and never taken for a finished output.
pub fn temp_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "sortie".into());
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn writes_and_leaves_no_temporary() {
        let dir = std::env::temp_dir().join(format!("plandoc-fsx-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("a.txt");
        super::write_atomic(&p, b"bonjour").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"bonjour");
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
