//! The three PDFs of the 40-action sample (seed 000): in-process and as a fresh
//! `plandoc build` process. Run: `cargo bench --bench documents`.

use std::path::Path;
use std::time::Instant;

use plandoc::documents::DocOptions;
use plandoc::job::{render, DocKind};

#[path = "common/cpu.rs"]
mod cpu;

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
    for k in DocKind::PDF {
        render(k, &plan, &opts).unwrap();
    }
    let first = t0.elapsed().as_secs_f64();
    let mut times = Vec::new();
    let mut sizes = Vec::new();
    let cpu0 = cpu::own_ms();
    for _ in 0..20 {
        let t = Instant::now();
        let all = plandoc::job::render_all(&DocKind::PDF, &plan, &opts).unwrap();
        times.push(t.elapsed().as_secs_f64());
        sizes = DocKind::PDF.iter().copied().zip(all.iter().map(Vec::len)).collect();
    }
    let cpu_mem = (cpu::own_ms() - cpu0) / 20.0;
    let per_doc: Vec<(DocKind, f64)> = DocKind::PDF
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
    let run = |only: &str| -> (f64, f64) {
        let c0 = cpu::children_ms();
        let v: Vec<f64> = (0..10)
            .map(|_| {
                let t = Instant::now();
                let st = std::process::Command::new(env!("CARGO_BIN_EXE_plandoc"))
                    .args(["build", sample.to_str().unwrap(), "-o", out.to_str().unwrap(), "--only", only])
                    .stdout(std::process::Stdio::null())
                    .status()
                    .unwrap();
                assert!(st.success());
                t.elapsed().as_secs_f64()
            })
            .collect();
        (median(v), (cpu::children_ms() - c0) / 10.0)
    };
    let proc_pdf = run("fiches,echeancier,plan");
    let proc_all = run("fiches,echeancier,plan,annexe");
    let _ = std::fs::remove_dir_all(&out);

    // The XLSX annex: the sample, then 5,000 actions in constant-memory mode.
    let bopts = plandoc::job::BuildOptions::default();
    let annex_times: Vec<f64> = (0..20)
        .map(|_| {
            let t = Instant::now();
            plandoc::job::annexe(&plan, &bopts).unwrap();
            t.elapsed().as_secs_f64()
        })
        .collect();
    let suivi = plandoc::ingest::read_plan(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/suivi-lauragais.xlsx"),
        &Default::default(),
    )
    .unwrap()
    .plan;
    let eval = plandoc::documents::EvalOptions::default();
    let eval_times: Vec<f64> = (0..20)
        .map(|_| {
            let t = Instant::now();
            plandoc::job::evaluation_reports(&suivi, &opts, &eval).unwrap();
            t.elapsed().as_secs_f64()
        })
        .collect();
    let mut big = plan.clone();
    let template_axis = big.axes[0].clone();
    big.axes.clear();
    let mut n = 0;
    for a in 0..10 {
        let mut axis = template_axis.clone();
        axis.title = format!("Axe {} : {}", a + 1, template_axis.title);
        for o in axis.objectives.iter_mut() {
            let model = o.actions.clone();
            o.actions.clear();
            while o.actions.len() < 500 / template_axis.objectives.len() + 1 {
                for m in &model {
                    n += 1;
                    let mut x = m.clone();
                    x.number = Some(n.to_string());
                    x.years = vec![2022, 2024, 2026];
                    o.actions.push(x);
                }
            }
        }
        big.axes.push(axis);
    }
    let big_n = big.action_count();
    let a = plandoc::render::annexe::AnnexOptions { constant_memory: true, ..Default::default() };
    let t = Instant::now();
    let bytes = plandoc::render::annexe::annexe_xlsx(&big, &a).unwrap();
    let big_s = t.elapsed().as_secs_f64();

    println!("3 PDF, échantillon 000 (40 actions) :");
    println!(
        "  en mémoire : médiane {:.1} ms, {cpu_mem:.1} ms de CPU (20 passes ; première passe, polices comprises : {:.1} ms)",
        median(times) * 1000.0,
        first * 1000.0
    );
    for (k, t) in per_doc {
        let size = sizes.iter().find(|(kk, _)| *kk == k).map_or(0, |(_, s)| *s);
        println!("    {:<20} {:.1} ms, {} Ko", k.file_name(), t * 1000.0, size / 1024);
    }
    println!(
        "  processus `plandoc build --only fiches,echeancier,plan`, lecture comprise : médiane {:.1} ms, {:.1} ms de CPU",
        proc_pdf.0 * 1000.0,
        proc_pdf.1
    );
    println!(
        "  processus `plandoc build` des quatre documents : médiane {:.1} ms, {:.1} ms de CPU",
        proc_all.0 * 1000.0,
        proc_all.1
    );
    println!("annexe.xlsx, échantillon 000 : médiane {:.1} ms (20 passes)", median(annex_times) * 1000.0);
    println!(
        "evaluation.pdf + evaluation.xlsx, échantillon suivi ({} actions, {} indicateurs) : médiane {:.1} ms",
        suivi.action_count(),
        suivi.indicators.len(),
        median(eval_times) * 1000.0
    );
    println!(
        "annexe.xlsx, {big_n} actions, mode mémoire constante : {:.0} ms, {} Ko",
        big_s * 1000.0,
        bytes.len() / 1024
    );
}
