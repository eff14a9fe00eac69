//! A ZIP of plans, checked before anything is written: no path leaving the folder, no
//! path deeper than 64 levels nor name longer than 200 characters, no file that is also a
//! folder, a bounded number of entries; then each kept entry streamed to disk under a
//! per-file and a per-lot disk budget, never whole in memory. Entries that are not plans
//! (nor their plandoc.toml and logos) are skipped without being inflated. Files land under
//! the names they were sent under (accents and all, as `plandoc batch` sees them in a
//! folder), each component checked and cleaned; office lock files (`~$x.xlsx`) are left out.

use std::collections::BTreeSet;
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};

use super::errors::RequestError;

pub const MAX_ENTRIES: usize = 2_000;
/// Deepest folder nesting accepted inside an archive.
pub const MAX_DEPTH: usize = 64;
/// Longest name of one file or folder inside an archive, once made ASCII-safe.
pub const MAX_NAME: usize = 200;
/// A lot's files, once extracted, take at most this many times the per-file limit.
pub const LOT_FACTOR: u64 = 4;

/// The files a batch reads: plans, their plandoc.toml and logos.
const KEPT: [&str; 10] = ["xlsx", "xlsm", "xlsb", "xls", "ods", "csv", "toml", "png", "jpg", "jpeg"];

fn refuse(msg: String) -> RequestError {
    RequestError::Invalid(format!("archive refusée : {msg}"))
}

fn too_big(msg: String) -> RequestError {
    RequestError::Expanded(format!("archive refusée : {msg}"))
}

fn mb(n: u64) -> u64 {
    n / (1024 * 1024)
}

/// One entry to extract: its index, name as sent, where it goes, its declared size.
struct Entry {
    index: usize,
    raw: String,
    target: PathBuf,
    declared: u64,
}

/// Checks then extracts `bytes` into `dir`, each file at most `max_file` bytes once
/// inflated and all of them at most `LOT_FACTOR × max_file`; returns how many plans it holds.
pub fn extract(bytes: &[u8], dir: &Path, max_file: u64) -> Result<usize, RequestError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| refuse(format!("ce n'est pas une archive ZIP lisible ({e})")))?;
    if zip.len() > MAX_ENTRIES {
        return Err(refuse(format!("{} entrées pour {MAX_ENTRIES} au plus", zip.len())));
    }
    let max_lot = max_file.saturating_mul(LOT_FACTOR);
    let entries = plan(&mut zip, max_file, max_lot)?;
    let mut budget = max_lot;
    let mut count = 0;
    for e in entries {
        let written = write_entry(&mut zip, &e, dir, max_file.min(budget))?;
        budget -= written;
        if !matches!(e.target.extension().and_then(|x| x.to_str()), Some("toml" | "png" | "jpg" | "jpeg")) {
            count += 1;
        }
    }
    if count == 0 {
        return Err(refuse(format!("aucun plan ({}) dedans", crate::ingest::accepted_formats())));
    }
    Ok(count)
}

/// Every entry checked from the archive's directory alone (nothing inflated): the kept
/// ones with their targets, in archive order.
fn plan(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, max_file: u64, max_lot: u64) -> Result<Vec<Entry>, RequestError> {
    let mut declared_total: u64 = 0;
    let mut used = BTreeSet::new();
    let mut kept = Vec::new();
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).map_err(|e| refuse(format!("entrée {} illisible ({e})", i + 1)))?;
        let raw =
            f.name().map(|n| n.into_owned()).map_err(|e| refuse(format!("nom d'entrée {} illisible ({e})", i + 1)))?;
        check_name(&raw)?;
        if f.is_dir() || !is_kept(&raw) {
            continue;
        }
        if f.size() > max_file {
            return Err(too_big(format!(
                "« {raw} » ferait {} Mo une fois décompressé, pour {} Mo au plus par fichier (option --taille-max)",
                mb(f.size()),
                mb(max_file)
            )));
        }
        declared_total = declared_total.saturating_add(f.size());
        if declared_total > max_lot {
            return Err(lot_over(max_lot));
        }
        let target = safe_path(&raw, &mut used);
        kept.push(Entry { index: i, raw, target, declared: f.size() });
    }
    check_clashes(&kept)?;
    Ok(kept)
}

fn lot_over(max_lot: u64) -> RequestError {
    too_big(format!(
        "plus de {} Mo une fois décompressée ({LOT_FACTOR} fois l'option --taille-max pour un lot)",
        mb(max_lot)
    ))
}

/// Names that could leave the folder, nest too deep or not fit a file system are refused.
fn check_name(raw: &str) -> Result<(), RequestError> {
    if unsafe_path(raw) {
        return Err(refuse(format!("le chemin « {raw} » sort du dossier de l'archive")));
    }
    let parts: Vec<&str> = components(raw).collect();
    if parts.len() > MAX_DEPTH {
        return Err(refuse(format!(
            "le chemin « {} » a {} niveaux de dossiers, pour {MAX_DEPTH} au plus",
            short(raw),
            parts.len()
        )));
    }
    if let Some(long) = parts.iter().find(|c| crate::job::ascii_name(c).len() > MAX_NAME) {
        return Err(refuse(format!(
            "le nom « {} » a {} caractères, pour {MAX_NAME} au plus",
            short(long),
            long.chars().count()
        )));
    }
    Ok(())
}

/// A long name cut for a message.
fn short(s: &str) -> String {
    if s.chars().count() <= 80 {
        return s.to_string();
    }
    let head: String = s.chars().take(60).collect();
    format!("{head}…")
}

/// The components that name something: "" and "." dropped.
fn components(raw: &str) -> impl Iterator<Item = &str> {
    raw.split('/').filter(|c| !c.is_empty() && *c != ".")
}

/// Plans, plandoc.toml and logos, outside hidden folders and macOS forks.
fn is_kept(raw: &str) -> bool {
    let ext = raw.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    KEPT.contains(&ext.as_str())
        && !components(raw).any(|c| c.starts_with("__MACOSX") || c.starts_with('.') || c.starts_with("~$"))
}

/// A file whose path is also another file's folder cannot be written: said, not a 500.
fn check_clashes(kept: &[Entry]) -> Result<(), RequestError> {
    let files: BTreeSet<&Path> = kept.iter().map(|e| e.target.as_path()).collect();
    for e in kept {
        if let Some(file) = e.target.ancestors().skip(1).find(|a| files.contains(a)) {
            let owner = kept.iter().find(|k| k.target == file).map_or("", |k| k.raw.as_str());
            return Err(refuse(format!("« {owner} » est à la fois un fichier et le dossier de « {} »", short(&e.raw))));
        }
    }
    Ok(())
}

/// Streams one entry to its file, stopping one byte past `room` (declared sizes can lie);
/// returns the bytes written.
fn write_entry(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    e: &Entry,
    dir: &Path,
    room: u64,
) -> Result<u64, RequestError> {
    let io = |err: std::io::Error| RequestError::Internal(crate::durable::io_fr(&err));
    let target = dir.join(&e.target);
    if let Some(p) = target.parent() {
        std::fs::create_dir_all(p).map_err(io)?;
    }
    let f = zip.by_index(e.index).map_err(|err| refuse(format!("« {} » illisible ({err})", e.raw)))?;
    let mut out = std::fs::OpenOptions::new().write(true).create_new(true).open(&target).map_err(io)?;
    let mut limited = f.take(room + 1);
    let mut buf = vec![0u8; 64 * 1024];
    let mut written: u64 = 0;
    loop {
        let n = match limited.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(refuse(format!("« {} » ne se décompresse pas ({err})", e.raw))),
        };
        written += n as u64;
        if written > room {
            return Err(too_big(format!(
                "« {} » dépasse, une fois décompressé, la place permise ({} Mo déclarés, plus de {} Mo réels)",
                e.raw,
                mb(e.declared),
                mb(room)
            )));
        }
        out.write_all(&buf[..n]).map_err(io)?;
    }
    Ok(written)
}

/// Absolute paths, drive letters, backslashes and any ".." component are refused.
fn unsafe_path(name: &str) -> bool {
    name.starts_with('/')
        || name.contains('\\')
        || name.contains('\0')
        || name.as_bytes().get(1) == Some(&b':')
        || name.split('/').any(|c| c == "..")
}

/// Each component kept as sent, control characters dropped and cut to 200 bytes; a clash
/// gets a numbered suffix.
fn safe_path(name: &str, used: &mut BTreeSet<PathBuf>) -> PathBuf {
    let parts: Vec<String> = components(name).map(clean_component).collect();
    let mut p: PathBuf = parts.iter().collect();
    let stem = p.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let ext = p.extension().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let mut n = 2;
    while !used.insert(p.clone()) {
        p.set_file_name(format!("{stem}-{n}.{ext}"));
        n += 1;
    }
    p
}

/// A component as a file name: no control character, at most 200 bytes (extension kept).
fn clean_component(c: &str) -> String {
    let c: String = c.chars().filter(|ch| !ch.is_control()).collect();
    if c.len() <= 200 {
        return if c.is_empty() { "plan".into() } else { c };
    }
    let ext = c.rsplit_once('.').map(|(_, e)| e).filter(|e| e.len() <= 10).unwrap_or("");
    let mut stem = String::new();
    for ch in c.chars() {
        if stem.len() + ch.len_utf8() > 180 {
            break;
        }
        stem.push(ch);
    }
    if ext.is_empty() {
        stem
    } else {
        format!("{stem}.{ext}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_is_refused() {
        for bad in ["../x.xlsx", "a/../../x.xlsx", "/etc/passwd", "C:/x.xlsx", "a\\..\\x.xlsx"] {
            assert!(unsafe_path(bad), "{bad}");
        }
        assert!(!unsafe_path("dossier/plan été.xlsx"));
        let mut used = BTreeSet::new();
        assert_eq!(safe_path("dossier/plan été.xlsx", &mut used), PathBuf::from("dossier/plan été.xlsx"));
        assert_eq!(safe_path("dossier/plan été.xlsx", &mut used), PathBuf::from("dossier/plan été-2.xlsx"));
        let long = format!("{}.xlsx", "é".repeat(300));
        let p = safe_path(&long, &mut used);
        assert!(p.to_string_lossy().len() <= 200 && p.to_string_lossy().ends_with(".xlsx"), "{p:?}");
        assert_eq!(safe_path("./plan.xlsx", &mut used), PathBuf::from("plan.xlsx"));
        assert!(is_kept("./plan.xlsx"));
        assert!(!is_kept(".cache/plan.xlsx"));
        assert!(!is_kept("dossier/~$plan.xlsx"));
    }

    #[test]
    fn depth_and_length_are_bounded() {
        assert!(check_name(&format!("{}p.xlsx", "d/".repeat(MAX_DEPTH - 1))).is_ok());
        assert!(check_name(&format!("{}p.xlsx", "d/".repeat(MAX_DEPTH))).is_err());
        assert!(check_name(&format!("{}.xlsx", "a".repeat(MAX_NAME - 5))).is_ok());
        assert!(check_name(&format!("{}.xlsx", "a".repeat(300))).is_err());
    }
}
