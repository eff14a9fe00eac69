//! Allocations of each stage on the 40-action sample (seed 000), counted by a global
//! allocator that wraps the system one: calls, bytes asked for, and the peak of live
//! bytes above what was live when the stage began. Each stage runs once cold (caches
//! filled, as in a fresh `plandoc build`), then once warm (as every plan after the
//! first in a batch). Counts do not depend on the machine's load: compare two commits
//! by running this bench on each. Run: `cargo bench --bench allocations`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use plandoc::documents::{echeancier, fiches, plan_table, DocOptions};
use plandoc::job::DocKind;

struct Counting;

static CALLS: AtomicUsize = AtomicUsize::new(0);
static BYTES: AtomicUsize = AtomicUsize::new(0);
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

impl Counting {
    fn grew(size: usize) {
        CALLS.fetch_add(1, Relaxed);
        BYTES.fetch_add(size, Relaxed);
        let live = LIVE.fetch_add(size, Relaxed) + size;
        PEAK.fetch_max(live, Relaxed);
    }
}

// SAFETY: every call is passed to the system allocator unchanged; only counters move.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        Counting::grew(layout.size());
        // SAFETY: the caller's contract is the system allocator's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        Counting::grew(layout.size());
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_sub(layout.size(), Relaxed);
        Counting::grew(new_size);
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// Allocation calls, bytes asked for, and peak live bytes above the start, of `f`.
fn counted<T>(f: impl FnOnce() -> T) -> (T, [usize; 3]) {
    let (c, b, live) = (CALLS.load(Relaxed), BYTES.load(Relaxed), LIVE.load(Relaxed));
    PEAK.store(live, Relaxed);
    let v = f();
    let peak = PEAK.load(Relaxed).saturating_sub(live);
    (v, [CALLS.load(Relaxed) - c, BYTES.load(Relaxed) - b, peak])
}

fn line(stage: &str, cold: [usize; 3], warm: [usize; 3]) {
    let mo = |b: usize| b as f64 / 1_048_576.0;
    println!(
        "  {stage:<26} {:>8} {:>8.2} {:>7.2}   {:>8} {:>8.2} {:>7.2}",
        cold[0],
        mo(cold[1]),
        mo(cold[2]),
        warm[0],
        mo(warm[1]),
        mo(warm[2])
    );
}

fn main() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/000-pst-ambitions-texte.xlsx");
    let read = || plandoc::ingest::read_plan(&sample, &Default::default()).unwrap().plan;
    println!("allocations par étape, échantillon 000 (40 actions), ce processus seul :");
    println!(
        "  {:<26} {:>8} {:>8} {:>7}   {:>8} {:>8} {:>7}",
        "", "à froid", "Mo", "pic Mo", "à chaud", "Mo", "pic Mo"
    );
    let (plan, cold) = counted(read);
    line("lecture + validation", cold, counted(read).1);
    let opts = DocOptions::default();
    let layouts = |k: DocKind| match k {
        DocKind::Fiches => fiches(&plan, &opts),
        DocKind::Echeancier => echeancier(&plan, &opts),
        _ => plan_table(&plan, &opts),
    };
    for k in DocKind::PDF {
        let (doc, cold) = counted(|| layouts(k));
        let warm = counted(|| layouts(k)).1;
        line(&format!("mise en page {}", k.key()), cold, warm);
        let (_, pdf_cold) = counted(|| plandoc::render::pdf::render_pdf(&doc).unwrap());
        let pdf_warm = counted(|| plandoc::render::pdf::render_pdf(&doc).unwrap()).1;
        line(&format!("écriture PDF {}", k.key()), pdf_cold, pdf_warm);
    }
    let bopts = plandoc::job::BuildOptions::default();
    let annexe = || plandoc::job::annexe(&plan, &bopts).unwrap();
    let (_, cold) = counted(annexe);
    line("annexe XLSX", cold, counted(annexe).1);
    // A plan of a batch after the first: read, then its four documents (caches warm).
    let all = || {
        let plan = read();
        plandoc::job::documents(&plan, &bopts).unwrap()
    };
    let [c, b, peak] = counted(all).1;
    println!(
        "  un plan d'un lot, à chaud (lecture et quatre documents) : {c} allocations, {:.2} Mo, pic {:.2} Mo",
        b as f64 / 1_048_576.0,
        peak as f64 / 1_048_576.0
    );
}
