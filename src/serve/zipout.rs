//! Outputs packed as a ZIP: ASCII names, fixed dates, so the same documents give the
//! same archive; a folder's ZIP written to disk once, file by file.

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

/// Every file under `dir` (sorted, relative names with "/"), skipping batch stamps,
/// written as a ZIP to `dest` file by file (never whole in memory); `dest` appears whole
/// or not at all.
pub fn pack_dir_to(dir: &Path, dest: &Path) -> Result<(), RequestError> {
    let io = |e: std::io::Error| RequestError::Internal(crate::durable::io_fr(&e));
    let err = |e: &dyn std::fmt::Display| RequestError::Internal(format!("archive ZIP impossible : {e}"));
    let mut files = Vec::new();
    collect(dir, dir, &mut files).map_err(io)?;
    files.sort();
    let tmp = dest.with_extension(format!("zip.{}.tmp", super::tempdir::new_id()));
    let written = (|| {
        let mut z = zip::ZipWriter::new(std::io::BufWriter::new(std::fs::File::create(&tmp).map_err(io)?));
        for rel in &files {
            z.start_file(rel.as_str(), options()).map_err(|e| err(&e))?;
            let mut f = std::fs::File::open(dir.join(rel)).map_err(io)?;
            std::io::copy(&mut f, &mut z).map_err(io)?;
        }
        let out = z.finish().map_err(|e| err(&e))?;
        out.into_inner().map_err(|e| io(e.into_error()))?.sync_all().map_err(io)?;
        std::fs::rename(&tmp, dest).map_err(io)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
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
