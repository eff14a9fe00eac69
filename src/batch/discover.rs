//! Finding the plans under a folder, sharing them out, and naming their output folders.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::build::ascii_name;

/// Spreadsheet files under `dir`, as paths relative to it, sorted. Lock and temporary
/// files (`~$x.xlsx`, `.~lock.x#`, hidden files) and links are skipped; `skip` (the
/// output folder, when inside) is not entered.
pub fn discover(dir: &Path, skip: Option<&Path>) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    walk(dir, dir, skip, &mut out, 0)?;
    out.sort();
    Ok(out)
}

fn walk(root: &Path, dir: &Path, skip: Option<&Path>, out: &mut Vec<PathBuf>, depth: usize) -> std::io::Result<()> {
    if depth > 64 {
        return Ok(());
    }
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || name.starts_with("~$") {
            continue;
        }
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_symlink() {
            continue;
        }
        if ft.is_dir() {
            if skip.is_some_and(|s| same_dir(s, &path)) {
                continue;
            }
            walk(root, &path, skip, out, depth + 1)?;
        } else if ft.is_file() && is_spreadsheet(&name) {
            if let Ok(rel) = path.strip_prefix(root) {
                out.push(rel.to_path_buf());
            }
        }
    }
    Ok(())
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

pub fn is_spreadsheet(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    crate::ingest::ACCEPTED_EXTENSIONS.iter().any(|e| lower.rsplit_once('.').is_some_and(|(_, x)| x == *e))
        && !lower.contains(".~lock")
}

/// A stable hash of a relative path ('/' separators), the same on every machine.
pub fn path_hash(rel: &Path) -> u64 {
    let s: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for b in s.join("/").bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Shard `k` of `n` (1-based) keeps the files whose path hash falls to it.
pub fn in_shard(rel: &Path, k: u32, n: u32) -> bool {
    n <= 1 || path_hash(rel) % u64::from(n) == u64::from(k - 1)
}

/// Output folder of each plan, relative to OUT: the input's folders and file stem made
/// ASCII; colliding names get a suffix from the input path's hash. Computed over every
/// discovered file, so all shards agree.
pub fn output_dirs(files: &[PathBuf]) -> BTreeMap<PathBuf, PathBuf> {
    let mut out = BTreeMap::new();
    let mut used: BTreeSet<PathBuf> = BTreeSet::new();
    for rel in files {
        let mut dir = PathBuf::new();
        if let Some(parent) = rel.parent() {
            for c in parent.components() {
                dir.push(ascii_name(&c.as_os_str().to_string_lossy()));
            }
        }
        let stem = rel.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let mut name = dir.join(ascii_name(&stem));
        if used.contains(&name) {
            name = dir.join(format!("{}-{:06x}", ascii_name(&stem), path_hash(rel) & 0xFF_FFFF));
        }
        used.insert(name.clone());
        out.insert(rel.clone(), name);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_ascii_and_distinct() {
        let files =
            vec![PathBuf::from("Été/Plan été.xlsx"), PathBuf::from("Été/Plan ete.ods"), PathBuf::from("a/../b.xlsx")];
        let d = output_dirs(&files);
        let names: BTreeSet<_> = d.values().collect();
        assert_eq!(names.len(), 3);
        for n in d.values() {
            let s = n.to_string_lossy();
            assert!(s.chars().all(|c| c.is_ascii_alphanumeric() || "._-/".contains(c)), "{s}");
            assert!(!n.components().any(|c| c.as_os_str() == ".."), "{s}");
        }
    }

    #[test]
    fn shards_cover_every_file_once() {
        let files: Vec<PathBuf> = (0..200).map(|i| PathBuf::from(format!("d{}/plan-{i}.xlsx", i % 7))).collect();
        for f in &files {
            assert_eq!((1..=4).filter(|k| in_shard(f, *k, 4)).count(), 1);
        }
    }
}
