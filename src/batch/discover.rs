//! Finding the plans under a folder, sharing them out, and naming their output folders.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::job::ascii_name;

/// What a batch finds under its folder: the plans, and the entries it could not take.
#[derive(Debug, Default)]
pub struct Found {
    /// Spreadsheet files, relative to the folder, sorted.
    pub plans: Vec<PathBuf>,
    /// Entries left out, relative to the folder: why, and whether it is a failure (an
    /// unreadable folder, whose plans are not built) or only a skip (a link leading
    /// outside the folder, or back into a folder already walked).
    pub left_out: Vec<LeftOut>,
}

#[derive(Debug, Clone)]
pub struct LeftOut {
    pub path: PathBuf,
    pub reason: String,
    pub failed: bool,
}

/// Spreadsheet files under `dir`. Lock and temporary files (`~$x.xlsx`, `.~lock.x#`,
/// hidden files) are skipped; `skip` (the output folder, when inside) is not entered,
/// nor are the documents of an earlier batch writing into `dir` itself. Links are
/// followed when they lead to a file or folder inside `dir`, each folder walked once
/// (no loop); other links, and subfolders that cannot be read, are left out with the
/// reason. Only `dir` itself unreadable is an error.
pub fn discover(dir: &Path, skip: Option<&Path>) -> std::io::Result<Found> {
    let root = dir.canonicalize()?;
    let entries = std::fs::read_dir(dir)?.filter_map(Result::ok).collect();
    let mut walk = Walk { root: dir, canonical_root: root.clone(), skip, found: Found::default(), seen: Vec::new() };
    walk.seen.extend(crate::durable::file_id(&root));
    walk.entries(dir, entries, 0);
    walk.found.plans.sort();
    walk.found.left_out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(walk.found)
}

struct Walk<'a> {
    root: &'a Path,
    canonical_root: PathBuf,
    skip: Option<&'a Path>,
    found: Found,
    /// Folders walked (device and inode): a link back to one is a loop.
    seen: Vec<crate::durable::FileId>,
}

impl Walk<'_> {
    fn rel(&self, path: &Path) -> PathBuf {
        path.strip_prefix(self.root).map(Path::to_path_buf).unwrap_or_else(|_| path.to_path_buf())
    }

    fn leave_out(&mut self, path: &Path, reason: String, failed: bool) {
        let path = self.rel(path);
        self.found.left_out.push(LeftOut { path, reason, failed });
    }

    fn folder(&mut self, path: &Path, depth: usize) {
        if depth > 64 || self.skip.is_some_and(|s| same_dir(s, path)) {
            return;
        }
        if let Some(id) = crate::durable::file_id(path) {
            if self.seen.contains(&id) {
                let reason =
                    "dossier déjà parcouru sous un autre nom (lien, ou boucle de liens) : non parcouru deux fois"
                        .to_string();
                return self.leave_out(path, reason, false);
            }
            self.seen.push(id);
        }
        match std::fs::read_dir(path) {
            Ok(rd) => self.entries(path, rd.filter_map(Result::ok).collect(), depth),
            Err(e) => {
                let reason = format!(
                    "dossier illisible ({}) : les plans qu'il contient n'ont pas été traités",
                    crate::durable::io_fr(&e)
                );
                self.leave_out(path, reason, true);
            }
        }
    }

    fn entries(&mut self, dir: &Path, mut entries: Vec<std::fs::DirEntry>, depth: usize) {
        entries.sort_by_key(|e| e.file_name());
        let earlier_batch = dir.join(crate::batch::STAMP).is_file();
        for e in entries {
            let path = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || name.starts_with("~$") || (earlier_batch && is_output_name(&name)) {
                continue;
            }
            // Reports and the synthesis a run writes into the folder it reads.
            let own = name.starts_with(super::REPORT_STEM) || crate::synthesis::ALL_NAMES.contains(&name.as_str());
            if depth == 0 && self.skip.is_some_and(|s| same_dir(s, self.root)) && own {
                continue;
            }
            let Ok(mut ft) = e.file_type() else { continue };
            if ft.is_symlink() {
                match self.link_target(&path) {
                    Ok(t) => ft = t,
                    Err(reason) => {
                        self.leave_out(&path, reason, false);
                        continue;
                    }
                }
            }
            if ft.is_dir() {
                self.folder(&path, depth + 1);
            } else if ft.is_file() && is_spreadsheet(&name) {
                let rel = self.rel(&path);
                self.found.plans.push(rel);
            }
        }
    }

    /// The type of what the link at `path` leads to, when inside the batch folder.
    fn link_target(&self, path: &Path) -> Result<std::fs::FileType, String> {
        let target = std::fs::canonicalize(path)
            .map_err(|e| format!("lien brisé ({}) : non suivi", crate::durable::io_fr(&e)))?;
        if !target.starts_with(&self.canonical_root) {
            return Err(format!("lien vers « {} », hors du dossier du lot : non suivi", target.display()));
        }
        std::fs::metadata(&target)
            .map(|m| m.file_type())
            .map_err(|e| format!("lien illisible ({}) : non suivi", crate::durable::io_fr(&e)))
    }
}

/// A document or report a batch writes: in a folder holding a batch's resume mark, such
/// a file is an output of that batch, not a plan (`batch DIR -o DIR` run again).
fn is_output_name(name: &str) -> bool {
    let every = crate::sheet_formats::SheetFormats::BOTH;
    crate::job::DocKind::ALL.iter().flat_map(|k| k.files(every)).any(|n| n.eq_ignore_ascii_case(name))
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
    let mut used: BTreeSet<String> = BTreeSet::new();
    for rel in files {
        let mut dir = PathBuf::new();
        if let Some(parent) = rel.parent() {
            for c in parent.components() {
                dir.push(folder_name(&c.as_os_str().to_string_lossy()));
            }
        }
        let stem = rel.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let mut name = dir.join(folder_name(&stem));
        // Case-folded: "Plan" and "plan" are one folder on SMB shares and macOS disks.
        if used.contains(&fold_case(&name)) {
            name = dir.join(format!("{}-{:06x}", folder_name(&stem), path_hash(rel) & 0xFF_FFFF));
        }
        used.insert(fold_case(&name));
        out.insert(rel.clone(), name);
    }
    out
}

/// A folder name from an input's folder or file stem: ASCII, and never the name of a
/// file a batch writes ("x/annexe.xlsx.xlsx" beside "x.xlsx" would make a folder where
/// plan x's annex goes): such a name gets "-plan" added.
fn folder_name(s: &str) -> String {
    let name = ascii_name(s);
    let reserved = is_output_name(&name)
        || name.eq_ignore_ascii_case(crate::batch::STAMP)
        || name.to_ascii_lowercase().starts_with("rapport-lot");
    if reserved {
        format!("{name}-plan")
    } else {
        name
    }
}

fn fold_case(p: &Path) -> String {
    p.to_string_lossy().to_lowercase()
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
        // Case-folded collisions, and a folder named like a document, are told apart.
        let files = vec![PathBuf::from("Plan.xlsx"), PathBuf::from("plan.ods"), PathBuf::from("x/annexe.xlsx.xlsx")];
        let d = output_dirs(&files);
        assert_eq!(d[&files[0]], PathBuf::from("Plan"));
        assert!(d[&files[1]].to_string_lossy().starts_with("plan-"), "{d:?}");
        assert_eq!(d[&files[2]], PathBuf::from("x/annexe.xlsx-plan"));
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
