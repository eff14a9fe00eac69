//! The command line: French arguments, exit codes, dispatch to the library.

mod args;
mod batch;
mod build;
mod check;
mod evaluation;
mod guard;
mod isolated;
mod options;
mod report_text;
mod serve;
mod synthesis_cmd;
mod template;

use std::ffi::OsString;
use std::io::Write;

pub use args::command;
pub use check::sorted;

/// Exit codes shared by every command.
pub mod exit {
    /// Success (warnings allowed).
    pub const OK: i32 = 0;
    /// The plan has errors.
    pub const INVALID: i32 = 1;
    /// The file cannot be read as a plan, or the command line is wrong.
    pub const UNREADABLE: i32 = 2;
}

/// Runs plandoc with these arguments; returns the process exit code.
pub fn run(argv: Vec<OsString>) -> i32 {
    // Lets a test see the French message of an unexpected failure.
    if std::env::var_os("PLANDOC_TEST_PANIQUE").is_some() {
        panic!("panique provoquée pour un test");
    }
    let wants_json = argv.iter().any(|a| a == "--json");
    match args::parse(argv) {
        args::Parsed::Info(text) => {
            print!("{text}");
            exit::OK
        }
        args::Parsed::Wrong(text) => {
            if wants_json {
                check::print_command_line_error(&text);
            }
            eprintln!("{}", text.trim_end());
            exit::UNREADABLE
        }
        args::Parsed::Run(cli) => {
            let code = match cli.command {
                args::Commands::Check(a) => check::run(&a),
                args::Commands::Template(a) => template::run(&a),
                args::Commands::Build(a) => build::run(&a),
                args::Commands::Batch(a) => batch::run(&a),
                args::Commands::Evaluation(a) => evaluation::run(&a),
                args::Commands::Synthesis(a) => synthesis_cmd::run(&a),
                args::Commands::Serve(a) => serve::run(&a),
                args::Commands::Codes => {
                    print!("{}", crate::validate::codes::markdown_table());
                    exit::OK
                }
                args::Commands::IsolatedRead(a) => isolated::run(&a),
            };
            let _ = std::io::stdout().flush();
            code
        }
    }
}
