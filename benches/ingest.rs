//! Reading and validating a 5,000-action and a 50,000-action workbook: time in-process
//! (elapsed and CPU), time and peak memory of a fresh `plandoc check` process.
//! Run: `cargo bench --bench ingest` (or `-- 50000` for one size).

use std::path::{Path, PathBuf};
use std::time::Instant;

use rust_xlsxwriter::Workbook;

const SIZES: [usize; 2] = [5_000, 50_000];

/// Every canonical column filled, years 2025-2029. 5,000 actions: axes of 500 actions,
/// objectives of 20; larger plans: 10 axes, objectives of 2 actions (thousands of
/// objectives under one axis, the shape that was once read in quadratic time).
fn write_big_plan(path: &Path, actions: usize) {
    let (per_axis, per_objective) = if actions > 5_000 { (actions / 10, 2) } else { (500, 20) };
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Plan d'actions").unwrap();
    let mut headers: Vec<String> = plandoc::templates::input_columns().into_iter().map(|c| c.title).collect();
    let first_year = headers.len();
    headers.extend((2025..=2029).map(|y| y.to_string()));
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, h).unwrap();
    }
    for i in 0..actions {
        let r = i as u32 + 1;
        let (axis, objective) = (i / per_axis, i / per_objective);
        let cells = [
            format!("Axe {} : développer l'offre de services aux familles du territoire", axis + 1),
            format!("Objectif {} : adapter l'accueil des enfants et des jeunes", objective + 1),
            String::new(),
            (i + 1).to_string(),
            format!("Action {} : mettre en place un accompagnement de proximité pour les familles", i + 1),
            "Permettre à chaque famille d'identifier les services existants".into(),
            "Tournées hebdomadaires, permanences partenaires, ateliers collectifs et information.".into(),
            ["Haute", "Moyenne", "Basse"][i % 3].into(),
            "Service enfance-jeunesse".into(),
            "CAF, Département, associations".into(),
            "Familles".into(),
            "Toutes les communes".into(),
            (1000 * (i % 7 + 1)).to_string(),
            "CAF, commune".into(),
            "Nombre de familles\nNombre de partenaires".into(),
            "En cours".into(),
            "50 %".into(),
            "Bilan à mi-parcours".into(),
        ];
        for (c, v) in cells.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r, c as u16, v).unwrap();
            }
        }
        for y in 0..5 {
            if (i + y) % 3 != 0 {
                ws.write_string(r, (first_year + y) as u16, "X").unwrap();
            }
        }
    }
    wb.save(path).unwrap();
}

/// CPU time (user + system) of the calling thread, in seconds: on a shared machine, the
/// figure that does not count the waits for a core. Reading is single-threaded.
fn thread_cpu_s() -> f64 {
    // SAFETY: getrusage only writes into the struct we pass.
    let ru = unsafe {
        let mut ru: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_THREAD, &mut ru);
        ru
    };
    let s = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    s(ru.ru_utime) + s(ru.ru_stime)
}

fn children_usage() -> libc::rusage {
    // SAFETY: getrusage only writes into the struct we pass.
    unsafe {
        let mut ru: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut ru);
        ru
    }
}

fn peak_rss_of_child_kb() -> i64 {
    children_usage().ru_maxrss
}

/// CPU time (user + system) of every finished child so far, in seconds.
fn children_cpu_s() -> f64 {
    let ru = children_usage();
    let s = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    s(ru.ru_utime) + s(ru.ru_stime)
}

fn main() {
    let sizes: Vec<usize> = match std::env::args().skip(1).find_map(|a| a.parse().ok()) {
        Some(n) => vec![n],
        None => SIZES.to_vec(),
    };
    for n in sizes {
        bench(n);
    }
}

fn bench(actions: usize) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("plan-{actions}.xlsx"));
    write_big_plan(&path, actions);
    let size = std::fs::metadata(&path).unwrap().len();

    let opts = plandoc::ingest::ReadOptions::default();
    let passes = if actions > 10_000 { 3 } else { 10 };
    let mut times = Vec::new();
    let mut cpu = Vec::new();
    for _ in 0..passes {
        let (t, c) = (Instant::now(), thread_cpu_s());
        let r = plandoc::ingest::read_plan(&path, &opts).expect("lisible");
        // Dropping the reading is part of the work.
        let ok = (r.plan.action_count(), r.has_errors(), r.diagnostics.first().cloned());
        drop(r);
        times.push(t.elapsed().as_secs_f64());
        cpu.push(thread_cpu_s() - c);
        assert_eq!(ok.0, actions);
        assert!(!ok.1, "{:?}", ok.2);
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    cpu.sort_by(|a, b| a.partial_cmp(b).unwrap());

    let (t, c) = (Instant::now(), children_cpu_s());
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_plandoc"))
        .args(["check", path.to_str().unwrap(), "--json"])
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    let process_s = t.elapsed().as_secs_f64();
    let process_cpu_s = children_cpu_s() - c;
    assert!(status.success(), "plandoc check a échoué sur {actions} actions");
    // RUSAGE_CHILDREN is the peak over every child so far: the larger plan comes last.
    let rss_mb = peak_rss_of_child_kb() as f64 / 1024.0;

    println!("lecture + validation, {actions} actions ({} Ko) :", size / 1024);
    println!(
        "  en mémoire : médiane {:.0} ms, min {:.0} ms ({passes} passes) ; temps CPU : médiane {:.0} ms, min {:.0} ms",
        times[passes / 2] * 1000.0,
        times[0] * 1000.0,
        cpu[passes / 2] * 1000.0,
        cpu[0] * 1000.0
    );
    println!(
        "  processus `plandoc check` : {:.0} ms ({:.0} ms CPU), pic mémoire {:.1} Mo",
        process_s * 1000.0,
        process_cpu_s * 1000.0,
        rss_mb
    );
}
