use chrono::Datelike;

use super::args::TemplateArgs;
use super::exit;

pub fn run(a: &TemplateArgs) -> i32 {
    let (first, last) = match &a.periode {
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
    let bytes = match crate::render::template::template_xlsx(first, last) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("plandoc : erreur : création du modèle impossible ({e}).");
            return exit::UNREADABLE;
        }
    };
    if let Err(e) = crate::fsx::write_atomic(&a.output, &bytes) {
        eprintln!("plandoc : erreur : écriture de « {} » impossible ({}).", a.output.display(), crate::fsx::io_fr(&e));
        return exit::UNREADABLE;
    }
    eprintln!("Modèle écrit : {} (période {first}-{last}).", a.output.display());
    exit::OK
}
