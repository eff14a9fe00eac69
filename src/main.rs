//! The `plandoc` binary: the command line over the library, with a French message on a panic.

use std::sync::Mutex;

/// Where the last panic happened, for the French message.
static WHERE: Mutex<Option<String>> = Mutex::new(None);

fn main() {
    // Third-party panics are caught where they happen and reported in French; the hook
    // only records where a panic happened, and any panic reaching here gets a French
    // message with that place and how to report it.
    std::panic::set_hook(Box::new(|info| {
        if let (Some(l), Ok(mut w)) = (info.location(), WHERE.lock()) {
            *w = Some(format!("{}:{}:{}", l.file(), l.line(), l.column()));
        }
    }));
    let argv = std::env::args_os().collect();
    let code = std::panic::catch_unwind(|| plandoc::cli::run(argv)).unwrap_or_else(|e| {
        let what = e
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| e.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        // A reader that went away (`plandoc check x | head`): nothing more to say.
        if what.starts_with("failed printing to") {
            return plandoc::cli::exit::UNREADABLE;
        }
        let place = WHERE.lock().ok().and_then(|w| w.clone()).unwrap_or_else(|| "inconnu".into());
        eprintln!(
            "plandoc : erreur interne inattendue : {what}\n  \
             endroit : {place} (plandoc {})\n  \
             Aucun fichier n'a été remplacé. Merci de signaler ce problème à l'équipe plandoc en joignant \
             ce message, la commande lancée et, si possible, le fichier en cause.",
            env!("CARGO_PKG_VERSION")
        );
        plandoc::cli::exit::UNREADABLE
    });
    std::process::exit(code);
}
