//! A year-end batch: N copies of the 40-action sample (seed 000), all four documents each,
//! as one `plandoc batch` process. Run: `cargo bench --bench batch` (100 and 1,000 plans;
//! set PLANDOC_BENCH_5000=1 for 5,000 too).

use std::path::Path;
use std::time::Instant;

#[path = "common/cpu.rs"]
mod cpu;

fn peak_rss_of_children_kb() -> i64 {
    // SAFETY: getrusage only writes into the struct we pass.
    unsafe {
        let mut ru: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut ru);
        ru.ru_maxrss
    }
}

fn main() {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-batch");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/000-pst-ambitions-texte.xlsx");
    let mut sizes = vec![100, 1000];
    if std::env::var("PLANDOC_BENCH_5000").is_ok() {
        sizes.push(5000);
    }
    println!("lot de N plans de 40 actions, 4 documents chacun, 2 cœurs :");
    for n in sizes {
        let dir = root.join(format!("plans-{n}"));
        let out = root.join(format!("sortie-{n}"));
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::remove_dir_all(&out);
        for i in 0..n {
            let sub = dir.join(format!("departement-{:02}", i % 20));
            std::fs::create_dir_all(&sub).unwrap();
            std::fs::copy(&sample, sub.join(format!("Plan d'action n°{i}.xlsx"))).unwrap();
        }
        // A year-end batch reads files written long before: flush the copies now, or the
        // batch's first sync would write them out and count it as its own time.
        // SAFETY: sync takes no argument and cannot fail.
        unsafe { libc::sync() };
        let (t, c0) = (Instant::now(), cpu::children_ms());
        let st = std::process::Command::new(env!("CARGO_BIN_EXE_plandoc"))
            .args(["batch", dir.to_str().unwrap(), "-o", out.to_str().unwrap(), "--quiet"])
            .status()
            .unwrap();
        let secs = t.elapsed().as_secs_f64();
        let cpu = (cpu::children_ms() - c0) / n as f64;
        assert!(st.success());
        let t = Instant::now();
        std::process::Command::new(env!("CARGO_BIN_EXE_plandoc"))
            .args(["batch", dir.to_str().unwrap(), "-o", out.to_str().unwrap(), "--quiet"])
            .status()
            .unwrap();
        let resume = t.elapsed().as_secs_f64();
        println!(
            "  {n:>5} plans : {secs:.1} s ({:.1} ms par plan, {cpu:.1} ms de CPU par plan), pic mémoire {:.0} Mo (max des lots jusqu'ici) ; relance sans changement : {resume:.2} s",
            secs * 1000.0 / n as f64,
            peak_rss_of_children_kb() as f64 / 1024.0
        );
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::remove_dir_all(&out);
    }
}
