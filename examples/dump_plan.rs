//! Prints the plan model read from a workbook as JSON: `cargo run --example dump_plan -- FILE`.
fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage : dump_plan FICHIER");
        std::process::exit(2);
    };
    match plandoc::ingest::read_plan(std::path::Path::new(&path), &Default::default()) {
        Ok(r) => println!("{}", serde_json::to_string_pretty(&r.plan).unwrap_or_default()),
        Err(u) => {
            eprintln!("{}", u.diagnostic.message);
            std::process::exit(2);
        }
    }
}
