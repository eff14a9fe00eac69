fn main() {
    // Third-party panics are caught and reported in French; keep the default hook quiet.
    std::panic::set_hook(Box::new(|_| {}));
    let code = plandoc::cli::run(std::env::args_os().collect());
    std::process::exit(code);
}
