//! Reading one plan file for a door: in this process, under the caller's watchdog, or in
//! an isolated reader (child process under the watchdog), named as the door names it.

use std::path::Path;

use crate::batch::Readers;
use crate::ingest::{read_plan, PlanOverrides, ReadOptions, Reading, Unreadable};

/// Where a plan is read.
#[derive(Clone, Copy)]
pub enum Reader<'a> {
    /// In this process, unwatched (tests, trusted files).
    InProcess,
    /// In this process, under a watchdog started for the reading and dropped after it
    /// (the command line's, which ends the process with a French answer when it fires).
    Watched(&'a dyn Fn(&str) -> Box<dyn std::any::Any>),
    /// In a child reader under the watchdog: a damaged file costs its plan only.
    Isolated(&'a Readers),
}

/// Reads `path`, messages naming it `name`, then applies `overrides` (settings given
/// beside the file, as the web form's) and validates again.
pub fn read(
    path: &Path,
    name: &str,
    opts: &ReadOptions,
    reader: Reader<'_>,
    overrides: Option<&PlanOverrides>,
) -> Result<Reading, Unreadable> {
    let read = match reader {
        Reader::InProcess => read_plan(path, opts),
        Reader::Watched(watch) => {
            let guard = watch(&path.display().to_string());
            let read = read_plan(path, opts);
            drop(guard);
            read
        }
        Reader::Isolated(readers) => readers.read(path),
    };
    let names = Names::new(path, name);
    let mut reading = match read {
        Ok(r) => r,
        Err(mut u) => {
            names.rewrite(&mut u.diagnostic.message);
            u.notes.iter_mut().for_each(|n| names.rewrite(n));
            return Err(u);
        }
    };
    for d in &mut reading.diagnostics {
        names.rewrite(&mut d.message);
    }
    reading.notes.iter_mut().for_each(|n| names.rewrite(n));
    if let Some(o) = overrides {
        apply(&mut reading, o);
    }
    Ok(reading)
}

/// The settings applied over what the workbook says, then the plan validated again: the
/// first validation's diagnostics (last in the list) are replaced by the new ones.
fn apply(reading: &mut Reading, o: &PlanOverrides) {
    let before = crate::validate::validate(&reading.plan);
    let n = reading.diagnostics.len();
    if before.len() <= n && reading.diagnostics[n - before.len()..] == before[..] {
        reading.diagnostics.truncate(n - before.len());
    }
    let problems = crate::ingest::apply_overrides(o, &mut reading.plan.meta);
    reading.diagnostics.extend(problems);
    reading.diagnostics.extend(crate::validate::validate(&reading.plan));
}

/// The file's path as the reader wrote it, and the name the door gives it; the folder
/// likewise (a logo beside the plan).
pub struct Names {
    path: String,
    name: String,
    dir: String,
    name_dir: String,
}

impl Names {
    pub fn new(path: &Path, name: &str) -> Names {
        let dir = path.parent().map(|p| p.display().to_string()).unwrap_or_default();
        let name_dir = Path::new(name).parent().map(|p| p.display().to_string()).unwrap_or_default();
        Names { path: path.display().to_string(), name: name.to_string(), dir, name_dir }
    }

    /// `text` with the file's path replaced by its name, and its folder by the name's.
    pub fn rewrite(&self, text: &mut String) {
        if self.path == self.name {
            return;
        }
        if !self.path.is_empty() && text.contains(&self.path) {
            *text = text.replace(&self.path, &self.name);
        }
        if !self.dir.is_empty() && self.dir != self.name_dir {
            let dir = format!("{}/", self.dir);
            let to = if self.name_dir.is_empty() { String::new() } else { format!("{}/", self.name_dir) };
            if text.contains(&dir) {
                *text = text.replace(&dir, &to);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_paths_become_the_names_the_user_knows() {
        let n = Names::new(Path::new("/tmp/plandoc-x/plans/Été/plan.xlsx"), "Été/plan.xlsx");
        let mut t = "« /tmp/plandoc-x/plans/Été/plan.xlsx » : illisible ; logo « /tmp/plandoc-x/plans/Été/logo.png »"
            .to_string();
        n.rewrite(&mut t);
        assert_eq!(t, "« Été/plan.xlsx » : illisible ; logo « Été/logo.png »");
        let n = Names::new(Path::new("/tmp/envoi-1/plan.xlsx"), "plan.xlsx");
        let mut t = "logo « /tmp/envoi-1/logo.png » ignoré".to_string();
        n.rewrite(&mut t);
        assert_eq!(t, "logo « logo.png » ignoré");
        // The command line names files by their path: nothing changes.
        let n = Names::new(Path::new("samples/a.xlsx"), "samples/a.xlsx");
        let mut t = "« samples/a.xlsx »".to_string();
        n.rewrite(&mut t);
        assert_eq!(t, "« samples/a.xlsx »");
    }
}
