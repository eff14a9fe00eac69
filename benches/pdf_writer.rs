//! plandoc's PDF writer alone (src/render/pdf): the three documents of the 40-action
//! sample, laid out once, written again and again in memory on one core — tagged
//! PDF/UA-1 + PDF/A-2a files, fonts subset, XMP, outline, ICC profile, compression.
//! krilla, which wrote them before, took 18.3 ms of CPU here (README).
//! Run: `cargo bench --bench pdf_writer`.

use std::path::Path;
use std::time::Instant;

use plandoc::render::pdf::render_pdf;

#[path = "common/cpu.rs"]
mod cpu;

fn main() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/000-pst-ambitions-texte.xlsx");
    let plan = plandoc::ingest::read_plan(&sample, &Default::default()).expect("échantillon lisible").plan;
    let opts = plandoc::documents::DocOptions::default();
    let docs = [
        ("fiches-actions.pdf", plandoc::documents::fiches(&plan, &opts)),
        ("echeancier.pdf", plandoc::documents::echeancier(&plan, &opts)),
        ("plan-d-actions.pdf", plandoc::documents::plan_table(&plan, &opts)),
    ];
    // Warm-up: faces parsed once per process.
    let sizes: Vec<usize> = docs.iter().map(|(_, d)| render_pdf(d).expect("PDF").len()).collect();
    let n = 50;
    let mut passes = Vec::with_capacity(n);
    let (t, c0) = (Instant::now(), cpu::own_ms());
    for _ in 0..n {
        let c = cpu::own_ms();
        for (_, d) in &docs {
            std::hint::black_box(render_pdf(d).expect("PDF"));
        }
        passes.push(cpu::own_ms() - c);
    }
    let cpu_mean = (cpu::own_ms() - c0) / n as f64;
    passes.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!("Écriture des 3 PDF de l'échantillon 000 déjà mis en page, un cœur, {n} passes :");
    println!(
        "  {cpu_mean:.1} ms CPU par passe en moyenne (médiane {:.1} ms ; {:.1} ms écoulées)",
        passes[n / 2],
        t.elapsed().as_secs_f64() * 1000.0 / n as f64
    );
    for ((name, _), s) in docs.iter().zip(&sizes) {
        println!("  {name:<20} {s} octets ({} Ko)", s / 1024);
    }
}
