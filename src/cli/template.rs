//! `plandoc template`: the blank input workbook, never over an existing file unless forced.

use chrono::Datelike;

use super::args::TemplateArgs;
use super::exit;

pub fn run(a: &TemplateArgs) -> i32 {
    let (first, last) = match &a.period {
        Some(p) => match crate::ingest::period_in(p) {
            Some(x) => x,
            None => {
                eprintln!("plandoc : erreur : période « {p} » illisible (attendu : 2026-2030, au plus 15 ans).");
                return exit::UNREADABLE;
            }
        },
        None => {
            let y = chrono::Local::now().year();
            (y, y + 4)
        }
    };
    if let Err(why) = refuse_special(&a.output) {
        eprintln!("plandoc : erreur : {why}");
        return exit::UNREADABLE;
    }
    if a.output.exists() && !a.force {
        eprintln!(
            "plandoc : erreur : « {} » existe déjà : plandoc ne remplace pas un fichier existant. Choisissez un autre nom, ou ajoutez --force pour le remplacer.",
            a.output.display()
        );
        return exit::UNREADABLE;
    }
    if a.output.is_dir() {
        eprintln!("plandoc : erreur : « {} » est un dossier, pas un classeur.", a.output.display());
        return exit::UNREADABLE;
    }
    let bytes = match crate::render::blank_workbook::template_xlsx(first, last) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("plandoc : erreur : création du modèle impossible ({e}).");
            return exit::UNREADABLE;
        }
    };
    if let Err(e) = crate::durable::write_atomic(&a.output, &bytes) {
        eprintln!(
            "plandoc : erreur : écriture de « {} » impossible ({}).",
            a.output.display(),
            crate::durable::io_fr(&e)
        );
        return exit::UNREADABLE;
    }
    eprintln!("Modèle écrit : {} (période {first}-{last}).", a.output.display());
    exit::OK
}

/// Only a regular file (or a new name) is written, even with --force: a link is refused
/// (replacing it would destroy the link; writing through it would write where the name
/// does not say), and so is a FIFO, a device or a socket (never replaced by a file).
fn refuse_special(path: &std::path::Path) -> Result<(), String> {
    let Ok(meta) = std::fs::symlink_metadata(path) else { return Ok(()) };
    let ft = meta.file_type();
    if ft.is_symlink() {
        let target = std::fs::read_link(path).map(|t| t.display().to_string()).unwrap_or_default();
        return Err(format!(
            "« {} » est un lien symbolique (vers « {target} ») : plandoc ne remplace pas un lien, même avec --force. Donnez le chemin du fichier lui-même.",
            path.display()
        ));
    }
    if !ft.is_file() && !ft.is_dir() {
        return Err(format!(
            "« {} » n'est pas un fichier ordinaire (tube, périphérique ou socket) : plandoc ne le remplace pas, même avec --force.",
            path.display()
        ));
    }
    Ok(())
}
