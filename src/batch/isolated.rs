//! Reading one plan of a batch in a child process (`plandoc lecture-isolee`): the child
//! runs under the single build's watchdog, so a damaged workbook that makes a reader
//! loop or allocate without bound ends that child, and only its plan fails.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::ingest::{Reading, Unreadable};
use crate::validate::Diagnostic;

pub fn read(exe: &Path, input: &Path, config: Option<&Path>, models: Option<&Path>) -> Result<Reading, Unreadable> {
    let name = input.display().to_string();
    let mut cmd = Command::new(exe);
    cmd.arg("lecture-isolee").arg(input).stdin(Stdio::null()).stderr(Stdio::null());
    if let Some(c) = config {
        cmd.arg("--config").arg(c);
    }
    if let Some(m) = models {
        cmd.arg("--modeles").arg(m);
    }
    let out = match cmd.output() {
        Ok(o) => o,
        Err(e) => return Err(abandoned(&name, &format!("le lecteur n'a pu être lancé ({})", crate::fsx::io_fr(&e)))),
    };
    if let Ok(read) = serde_json::from_slice::<Result<Reading, Unreadable>>(&out.stdout) {
        return read;
    }
    // The watchdog answered with a check report: its diagnostic says why.
    let report: Option<Diagnostic> = serde_json::from_slice::<serde_json::Value>(&out.stdout)
        .ok()
        .and_then(|v| v["diagnostics"].get(0).cloned())
        .and_then(|d| serde_json::from_value(d).ok());
    Err(match report {
        Some(d) => Unreadable { diagnostic: Box::new(d), notes: Vec::new() },
        None => abandoned(&name, "le lecteur s'est arrêté sans réponse"),
    })
}

fn abandoned(name: &str, reason: &str) -> Unreadable {
    Unreadable {
        diagnostic: Box::new(Diagnostic::error(
            "lecture-abandonnee",
            format!("« {name} » : lecture abandonnée, {reason} ; le fichier est sans doute endommagé."),
        )),
        notes: Vec::new(),
    }
}
