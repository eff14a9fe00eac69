//! Prints the first rows of every sheet: `cargo run --example dump_cells -- FILE [ROWS]`.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        eprintln!("usage : dump_cells FICHIER [LIGNES]");
        std::process::exit(2);
    };
    let rows: u32 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(12);
    match plandoc::ingest::read_workbook(std::path::Path::new(path), &Default::default()) {
        Ok(wb) => {
            for s in &wb.sheets {
                println!(
                    "=== {} (visible {}) merges {:?}",
                    s.name,
                    s.visible,
                    s.merges.iter().take(40).collect::<Vec<_>>()
                );
                for (r, cells) in s.rows.range(..rows) {
                    for (c, v) in cells {
                        println!("{}{}: {:?}", plandoc::text::column_letters(*c), r + 1, v);
                    }
                }
            }
        }
        Err(e) => eprintln!("{e}"),
    }
}
