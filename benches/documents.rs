//! The three PDFs of the 40-action sample (seed 000): in-process and as a fresh
//! `plandoc build` process. Run: `cargo bench --bench documents`.

use std::path::Path;
use std::time::Instant;

use plandoc::build::{render, DocKind};
use plandoc::documents::DocOptions;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn main() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/000-pst-ambitions-texte.xlsx");
    let plan = plandoc::ingest::read_plan(&sample, &Default::default()).expect("échantillon lisible").plan;
    assert_eq!(plan.action_count(), 40);
    let opts = DocOptions::default();
    // Warm-up: the fonts are parsed once per process.
    let t0 = Instant::now();
    for k in DocKind::ALL {
        render(k, &plan, &opts).unwrap();
    }
    let first = t0.elapsed().as_secs_f64();
    let mut times = Vec::new();
    let mut sizes = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let all = plandoc::build::render_all(&DocKind::ALL, &plan, &opts).unwrap();
        times.push(t.elapsed().as_secs_f64());
        sizes = DocKind::ALL.iter().copied().zip(all.iter().map(Vec::len)).collect();
    }
    let per_doc: Vec<(DocKind, f64)> = DocKind::ALL
        .iter()
        .map(|k| {
            let v: Vec<f64> = (0..10)
                .map(|_| {
                    let t = Instant::now();
                    render(*k, &plan, &opts).unwrap();
                    t.elapsed().as_secs_f64()
                })
                .collect();
            (*k, median(v))
        })
        .collect();

    let out = std::env::temp_dir().join(format!("plandoc-bench-{}", std::process::id()));
    let mut proc_times = Vec::new();
    for _ in 0..10 {
        let t = Instant::now();
        let st = std::process::Command::new(env!("CARGO_BIN_EXE_plandoc"))
            .args(["build", sample.to_str().unwrap(), "-o", out.to_str().unwrap()])
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        proc_times.push(t.elapsed().as_secs_f64());
        assert!(st.success());
    }
    let _ = std::fs::remove_dir_all(&out);

    println!("3 PDF, échantillon 000 (40 actions) :");
    println!(
        "  en mémoire : médiane {:.1} ms (20 passes ; première passe, polices comprises : {:.1} ms)",
        median(times) * 1000.0,
        first * 1000.0
    );
    for (k, t) in per_doc {
        let size = sizes.iter().find(|(kk, _)| *kk == k).map_or(0, |(_, s)| *s);
        println!("    {:<20} {:.1} ms, {} Ko", k.file_name(), t * 1000.0, size / 1024);
    }
    println!(
        "  processus `plandoc build` (lecture comprise) : médiane {:.1} ms (10 passes)",
        median(proc_times) * 1000.0
    );
}
