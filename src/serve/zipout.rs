//! Outputs packed as a ZIP: ASCII names, fixed dates, so the same documents give the
//! same archive.

use std::io::{Cursor, Write};
use std::path::Path;

use zip::write::SimpleFileOptions;

use super::errors::RequestError;

fn options() -> SimpleFileOptions {
    SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated)
}

/// (name, bytes) pairs as one archive.
pub fn pack(files: &[(String, Vec<u8>)]) -> Result<Vec<u8>, RequestError> {
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let err = |e: &dyn std::fmt::Display| RequestError::Internal(format!("archive ZIP impossible : {e}"));
    for (name, bytes) in files {
        z.start_file(name.as_str(), options()).map_err(|e| err(&e))?;
        z.write_all(bytes).map_err(|e| err(&e))?;
    }
    Ok(z.finish().map_err(|e| err(&e))?.into_inner())
}

/// Every file under `dir` (sorted, relative names with "/"), skipping batch stamps.
pub fn pack_dir(dir: &Path) -> Result<Vec<u8>, RequestError> {
    let mut files = Vec::new();
    collect(dir, dir, &mut files).map_err(|e| RequestError::Internal(crate::fsx::io_fr(&e)))?;
    files.sort();
    let mut all = Vec::new();
    for rel in files {
        let bytes = std::fs::read(dir.join(&rel)).map_err(|e| RequestError::Internal(crate::fsx::io_fr(&e)))?;
        all.push((rel, bytes));
    }
    pack(&all)
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<String>) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let p = e.path();
        if e.file_type()?.is_dir() {
            collect(root, &p, out)?;
        } else if !e.file_name().to_string_lossy().starts_with('.') {
            if let Ok(rel) = p.strip_prefix(root) {
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    Ok(())
}
