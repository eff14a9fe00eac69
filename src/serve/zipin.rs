//! A ZIP of plans, checked before anything is written: no path leaving the folder, a
//! bounded number of entries and expanded size, sizes enforced while extracting. Files
//! keep their names (accents and all, as `plandoc batch` sees them in a folder), each
//! component checked and cleaned; office lock files (`~$x.xlsx`) are left out.

use std::collections::BTreeSet;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use super::errors::RequestError;

pub const MAX_ENTRIES: usize = 2_000;

/// The files a batch reads: plans, their plandoc.toml and logos.
const KEPT: [&str; 10] = ["xlsx", "xlsm", "xlsb", "xls", "ods", "csv", "toml", "png", "jpg", "jpeg"];

fn refuse(msg: String) -> RequestError {
    RequestError::Invalid(format!("archive refusée : {msg}"))
}

/// Checks then extracts `bytes` into `dir`; returns how many plans it holds.
pub fn extract(bytes: &[u8], dir: &Path, max_expanded: u64) -> Result<usize, RequestError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| refuse(format!("ce n'est pas une archive ZIP lisible ({e})")))?;
    if zip.len() > MAX_ENTRIES {
        return Err(refuse(format!("{} entrées pour {MAX_ENTRIES} au plus", zip.len())));
    }
    let mut declared: u64 = 0;
    let mut plans = Vec::new();
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).map_err(|e| refuse(format!("entrée {} illisible ({e})", i + 1)))?;
        let raw =
            f.name().map(|n| n.into_owned()).map_err(|e| refuse(format!("nom d'entrée {} illisible ({e})", i + 1)))?;
        if unsafe_path(&raw) {
            return Err(refuse(format!("le chemin « {raw} » sort du dossier de l'archive")));
        }
        declared = declared.saturating_add(f.size());
        if declared > max_expanded {
            return Err(refuse(format!("plus de {} Mo une fois décompressée", max_expanded / (1024 * 1024))));
        }
        if f.is_dir() {
            continue;
        }
        let ext = raw.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
        let hidden = |c: &str| c.starts_with("__MACOSX") || c.starts_with('.') || c.starts_with("~$");
        if KEPT.contains(&ext.as_str()) && !raw.split('/').any(hidden) {
            plans.push((i, raw));
        }
    }
    let mut used = BTreeSet::new();
    let mut budget = max_expanded;
    let mut count = 0;
    for (i, raw) in plans {
        let target = dir.join(safe_path(&raw, &mut used));
        if let Some(p) = target.parent() {
            std::fs::create_dir_all(p).map_err(|e| RequestError::Internal(crate::fsx::io_fr(&e)))?;
        }
        let mut f = zip.by_index(i).map_err(|e| refuse(format!("« {raw} » illisible ({e})")))?;
        // Declared sizes can lie: count what really comes out.
        let mut out = Vec::new();
        (&mut f)
            .take(budget + 1)
            .read_to_end(&mut out)
            .map_err(|e| refuse(format!("« {raw} » ne se décompresse pas ({e})")))?;
        if out.len() as u64 > budget {
            return Err(refuse(format!("plus de {} Mo une fois décompressée", max_expanded / (1024 * 1024))));
        }
        budget -= out.len() as u64;
        std::fs::write(&target, &out).map_err(|e| RequestError::Internal(crate::fsx::io_fr(&e)))?;
        if !matches!(target.extension().and_then(|e| e.to_str()), Some("toml" | "png" | "jpg" | "jpeg")) {
            count += 1;
        }
    }
    if count == 0 {
        return Err(refuse(format!("aucun plan ({}) dedans", crate::ingest::accepted_formats())));
    }
    Ok(count)
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
    let parts: Vec<String> = name.split('/').filter(|c| !c.is_empty() && *c != ".").map(clean_component).collect();
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
    }
}
