//! Where a fresh process spends its CPU time on the 40-action sample (seed 000): each
//! stage run once cold (as in `plandoc build`), then warm, one after the other on this
//! thread, timed by this thread's CPU clock. Run: `cargo bench --bench stages`
//! (PLANDOC_STAGES_COLD=1: stop after the cold layouts, to profile them;
//! PLANDOC_STAGES_COLD=annexe: read the plan, then write the annex cold and stop).

use std::path::Path;

use plandoc::documents::{echeancier, fiches, plan_table, DocOptions};
use plandoc::job::DocKind;

fn cpu_ms(clock: libc::clockid_t) -> f64 {
    // SAFETY: clock_gettime only writes into the struct we pass.
    let ts = unsafe {
        let mut ts: libc::timespec = std::mem::zeroed();
        libc::clock_gettime(clock, &mut ts);
        ts
    };
    ts.tv_sec as f64 * 1000.0 + ts.tv_nsec as f64 / 1e6
}

/// CPU time of this thread, in ms.
fn thread_ms() -> f64 {
    cpu_ms(libc::CLOCK_THREAD_CPUTIME_ID)
}

/// CPU time of the whole process (threads a library spawns included), in ms.
fn process_ms() -> f64 {
    cpu_ms(libc::CLOCK_PROCESS_CPUTIME_ID)
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let t = thread_ms();
    let v = f();
    (v, thread_ms() - t)
}

/// Median CPU time of `n` warm runs.
fn warm<T>(n: usize, mut f: impl FnMut() -> T) -> f64 {
    let mut v: Vec<f64> = (0..n).map(|_| timed(&mut f).1).collect();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[n / 2]
}

fn main() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/000-pst-ambitions-texte.xlsx");
    let (template, t_tpl) = timed(|| plandoc::templates::DocTemplate::load(None).unwrap());
    let (_, t_fonts) = timed(plandoc::layout::fonts::warm_up);
    let (plan, t_read) = timed(|| plandoc::ingest::read_plan(&sample, &Default::default()).unwrap().plan);
    let bopts = plandoc::job::BuildOptions::default();
    let cold_mode = std::env::var("PLANDOC_STAGES_COLD").ok();
    if cold_mode.as_deref() == Some("annexe") {
        let p = process_ms();
        let (_, t) = timed(|| plandoc::job::annexe(&plan, &bopts).unwrap());
        println!("{t_tpl:.2} {t_read:.2} annexe {t:.2} (tous fils {:.2})", process_ms() - p);
        return;
    }
    let opts = DocOptions { template, ..Default::default() };
    let layouts = |k: DocKind| match k {
        DocKind::Fiches => fiches(&plan, &opts),
        DocKind::Echeancier => echeancier(&plan, &opts),
        _ => plan_table(&plan, &opts),
    };
    let cold: Vec<(DocKind, f64)> = DocKind::PDF.iter().map(|k| (*k, timed(|| layouts(*k)).1)).collect();
    if cold_mode.is_some() {
        // For `perf record`: only what a fresh process does before writing PDFs.
        println!("{t_tpl:.2} {t_read:.2} {cold:?}");
        return;
    }
    let p_xlsx = process_ms();
    let (_, t_xlsx) = timed(|| plandoc::job::annexe(&plan, &bopts).unwrap());
    let p_xlsx = process_ms() - p_xlsx;
    let pdf_cold: Vec<f64> = DocKind::PDF
        .iter()
        .map(|k| {
            let doc = layouts(*k);
            timed(|| plandoc::render::pdf::render_pdf(&doc).unwrap()).1
        })
        .collect();

    println!("processus neuf, échantillon 000 (40 actions), CPU de ce fil :");
    println!("  modèles (documents.toml)          {t_tpl:6.2} ms");
    println!("  polices Lato (3 faces analysées)  {t_fonts:6.2} ms");
    println!("  lecture + validation du classeur  {t_read:6.2} ms");
    for (k, t) in &cold {
        println!("  mise en page à froid {:<13} {t:6.2} ms", k.key());
    }
    println!("  annexe XLSX à froid               {t_xlsx:6.2} ms (tous fils {p_xlsx:.2} ms)");
    for (k, t) in DocKind::PDF.iter().zip(&pdf_cold) {
        println!("  écriture PDF à froid {:<13} {t:6.2} ms", k.key());
    }
    println!("à chaud (médiane de 20) :");
    println!(
        "  lecture + validation du classeur  {:6.2} ms",
        warm(20, || plandoc::ingest::read_plan(&sample, &Default::default()).unwrap())
    );
    for k in DocKind::PDF {
        println!("  mise en page {:<21} {:6.2} ms", k.key(), warm(20, || layouts(k)));
    }
    let p_warm = process_ms();
    let t_warm = warm(20, || plandoc::job::annexe(&plan, &bopts).unwrap());
    let p_warm = (process_ms() - p_warm) / 20.0;
    println!("  annexe XLSX                       {t_warm:6.2} ms (tous fils, moyenne {p_warm:.2} ms)");
    for k in DocKind::PDF {
        let doc = layouts(k);
        println!(
            "  écriture PDF {:<21} {:6.2} ms",
            k.key(),
            warm(20, || plandoc::render::pdf::render_pdf(&doc).unwrap())
        );
    }
}
