//! `lecture-isolee`: reads plans for a batch, out of the batch's process, each under the
//! same watchdog as `check` (which answers with a check report instead when it fires).
//! With a file: one plan, its reading printed as JSON. With `--en-continu`: plan paths
//! come on standard input and each gets a frame on standard output (`reader_protocol`).

use std::io::Write;
use std::path::Path;

use crate::batch::reader_protocol as protocol;
use crate::ingest::{read_plan, Limits, ReadOptions, Reading, Unreadable};
use crate::validate::{Code, Diagnostic};

use super::args::IsolatedArgs;
use super::exit;
use super::guard::{self, Answer};

/// A continuous reader is renewed after this many plans…
const MAX_PLANS: u32 = 256;
/// …or once it keeps this much more resident memory than when it started (MB), so
/// memory held from earlier plans never adds up.
const MAX_CARRIED_MB: u64 = 32;

pub fn run(a: &IsolatedArgs) -> i32 {
    let vocabulary = a.models.as_deref().map(install_vocabulary).transpose();
    let limits = a.max_size.map_or_else(Limits::default, Limits::with_max_megabytes);
    let opts = ReadOptions { limits, config: a.config.clone(), ..Default::default() };
    match &a.file {
        Some(file) => one(file, &opts, vocabulary.err()),
        None => continuous(&opts, vocabulary.err()),
    }
}

/// The batch checked the folder already; a failure here is still an answer, for every plan.
fn install_vocabulary(m: &Path) -> Result<(), String> {
    crate::model::install_vocabulary(m).map_err(|e| format!("{e}."))
}

fn unusable_models(why: &str) -> Unreadable {
    Unreadable {
        diagnostic: Box::new(Diagnostic::new(Code::ModelesInvalides, why.to_string())),
        notes: Vec::new(),
        likeness: None,
    }
}

/// Reads `path` under a watchdog answering in `style`, carrying `carried_mb` from before.
fn guarded_read(path: &Path, opts: &ReadOptions, style: Answer, carried_mb: u64) -> Result<Reading, Unreadable> {
    let file = path.display().to_string();
    let guard = guard::watch_reading(&file, style, carried_mb);
    test_hook::damaged_reader(&file);
    let read = read_plan(path, opts);
    drop(guard);
    read
}

fn one(file: &Path, opts: &ReadOptions, models: Option<String>) -> i32 {
    let read = match &models {
        Some(why) => Err(unusable_models(why)),
        None => guarded_read(file, opts, Answer::Json, 0),
    };
    let code = if read.is_ok() { exit::OK } else { exit::UNREADABLE };
    match serde_json::to_vec(&read) {
        Ok(json) => {
            let mut out = std::io::stdout().lock();
            if out.write_all(&json).and_then(|()| out.flush()).is_err() {
                return exit::UNREADABLE;
            }
            code
        }
        Err(_) => exit::UNREADABLE,
    }
}

/// Answers plan after plan until the end of input, or until renewed (the reply then says
/// so). Each reading gets the same watchdog limits as in a fresh process: its memory is
/// counted from what the process already held when the reading began.
fn continuous(opts: &ReadOptions, models: Option<String>) -> i32 {
    let resident = guard::Resident::open();
    let base = resident.mb();
    let mut input = std::io::stdin().lock();
    let mut served = 0u32;
    loop {
        let path = match protocol::read_request(&mut input) {
            Ok(Some(p)) => p,
            Ok(None) => return exit::OK,
            Err(_) => return exit::UNREADABLE,
        };
        let read = match &models {
            Some(why) => Err(unusable_models(why)),
            None => {
                let carried = resident.mb().saturating_sub(base);
                guarded_read(&path, opts, Answer::Framed, carried)
            }
        };
        let Ok(json) = serde_json::to_vec(&read) else { return exit::UNREADABLE };
        drop(read);
        served += 1;
        let last = served >= MAX_PLANS || resident.mb().saturating_sub(base) > MAX_CARRIED_MB;
        test_hook::garbage(&path);
        let mut out = std::io::stdout().lock();
        if out.write_all(&protocol::frame(&json, last)).and_then(|()| out.flush()).is_err() || last {
            return exit::OK;
        }
    }
}

/// Test-only: `PLANDOC_TEST_LECTEUR_ENDOMMAGE=temps:NOM` (or `memoire:NOM`) makes reading a
/// file whose name ends with NOM loop (or allocate) without end, as calamine may on some
/// damaged xls or ods files; `lent:NOM` makes it compute 1.5 s first (a plan slow to
/// read); `mort:NOM` makes the reader die without a word, `charabia:NOM`
/// makes it write something else than its answer first. Unset in normal use.
mod test_hook {
    fn victim(file: &str) -> Option<String> {
        let v = std::env::var("PLANDOC_TEST_LECTEUR_ENDOMMAGE").ok()?;
        let (kind, name) = v.split_once(':')?;
        file.ends_with(name).then(|| kind.to_string())
    }

    pub fn damaged_reader(file: &str) {
        let Some(kind) = victim(file) else { return };
        match kind.as_str() {
            "mort" => std::process::exit(9),
            "lent" => return burn_cpu(std::time::Duration::from_millis(1500)),
            "temps" | "memoire" => {}
            _ => return,
        }
        let mut hoard: Vec<Vec<u8>> = Vec::new();
        let mut n: u64 = 0;
        loop {
            if kind == "memoire" {
                hoard.push(vec![1u8; 8 << 20]);
            }
            n = std::hint::black_box(n.wrapping_mul(31).wrapping_add(1));
        }
    }

    /// Computes for `d` of this thread's CPU time: a plan slow to read, not a damaged one.
    fn burn_cpu(d: std::time::Duration) {
        let cpu = || {
            let mut t = libc::timespec { tv_sec: 0, tv_nsec: 0 };
            // SAFETY: writes one timespec we own.
            unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
            std::time::Duration::new(t.tv_sec.max(0) as u64, t.tv_nsec.clamp(0, 999_999_999) as u32)
        };
        let start = cpu();
        let mut n: u64 = 0;
        while cpu().saturating_sub(start) < d {
            for _ in 0..10_000 {
                n = std::hint::black_box(n.wrapping_mul(31).wrapping_add(1));
            }
        }
    }

    pub fn garbage(path: &std::path::Path) {
        if victim(&path.display().to_string()).as_deref() == Some("charabia") {
            use std::io::Write;
            let _ = std::io::stdout().lock().write_all(b"charabia\n");
        }
    }
}
