fn main() {
    // Third-party panics are caught where they happen and reported in French; keep the
    // default hook quiet, and turn any panic of our own into a French message too.
    std::panic::set_hook(Box::new(|_| {}));
    let argv = std::env::args_os().collect();
    let code = std::panic::catch_unwind(|| plandoc::cli::run(argv)).unwrap_or_else(|e| {
        let what = e
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| e.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        eprintln!(
            "plandoc : erreur interne inattendue ({what}). Merci de signaler ce problème avec le fichier en cause."
        );
        plandoc::cli::exit::UNREADABLE
    });
    std::process::exit(code);
}
