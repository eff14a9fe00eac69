//! A last line of defence while a workbook is read: third-party readers can still loop or
//! allocate without bound on some damaged files (calamine's xls and ods readers). A
//! watchdog ends the process with a French answer (exit 2) when reading one file takes
//! more than 4 s of CPU time (not wall-clock time: parallel readers sharing few cores
//! are slow, not stuck), 60 s of wall-clock time (a reading blocked on I/O) or 250 MB,
//! and an allocation failure (abort) gets the same answer.
//! Files are only written after reading: nothing is ever left half-written.

use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, Once, PoisonError};
use std::time::{Duration, Instant};

use crate::validate::{Code, Diagnostic};

use super::report_text::human;
use crate::validate::CheckReport;

/// CPU time one reading may take.
const MAX_CPU_SECONDS: u64 = 4;
/// Wall-clock time one reading may take, whatever the load.
const MAX_WALL_SECONDS: u64 = 60;
const MAX_RSS_MB: u64 = 250;

/// Pre-rendered answer for an allocation failure, read by the signal handler.
static ON_ABORT: AtomicPtr<Vec<u8>> = AtomicPtr::new(std::ptr::null_mut());

/// Watches the reading of `file` until dropped.
pub struct Guard(());

impl Drop for Guard {
    fn drop(&mut self) {
        // Under the lock the watchdog answers under: once this returns, no answer.
        *lock_watched() = None;
        let old = ON_ABORT.swap(std::ptr::null_mut(), Ordering::SeqCst);
        if !old.is_null() {
            // SAFETY: the pointer came from Box::into_raw below and is no longer shared.
            drop(unsafe { Box::from_raw(old) });
        }
    }
}

/// The reading being watched, if any.
struct Watched {
    file: String,
    style: Answer,
    carried_mb: u64,
    clock: Clock,
    start: Instant,
    cpu_start: Duration,
}

static WATCHED: Mutex<Option<Watched>> = Mutex::new(None);
static WAKE: Condvar = Condvar::new();
static WATCHDOG: Once = Once::new();

fn lock_watched() -> MutexGuard<'static, Option<Watched>> {
    WATCHED.lock().unwrap_or_else(PoisonError::into_inner)
}

/// How the watchdog answers when it ends the process.
#[derive(Clone, Copy)]
pub enum Answer {
    /// The check report, readable.
    Human,
    /// The check report as JSON.
    Json,
    /// The check report as JSON in a frame of the continuous reader's protocol.
    Framed,
}

/// The watchdog's report: `what` says why and what it means for the file.
fn answer(file: &str, what: &str, style: Answer) -> Vec<u8> {
    let d = Diagnostic::new(Code::LectureAbandonnee, format!("« {file} » : lecture abandonnée, {what}."));
    let report = CheckReport::unreadable(file, d, Vec::new());
    match style {
        Answer::Human => human(&report).into_bytes(),
        Answer::Json => format!("{}\n", serde_json::to_string_pretty(&report).unwrap_or_default()).into_bytes(),
        Answer::Framed => crate::batch::reader_protocol::frame(&serde_json::to_vec(&report).unwrap_or_default(), true),
    }
}

pub fn watch(file: &str, json: bool) -> Guard {
    watch_reading(file, if json { Answer::Json } else { Answer::Human }, 0)
}

/// The resident memory of this process, read again on each call.
pub struct Resident(Option<std::fs::File>);

impl Resident {
    pub fn open() -> Self {
        Resident(std::fs::File::open("/proc/self/statm").ok())
    }

    /// Now, in MB (0 when unknown).
    pub fn mb(&self) -> u64 {
        self.0.as_ref().map_or(0, rss_mb)
    }
}

/// Watches one reading of a process that may carry `carried_mb` of resident memory from
/// earlier readings (the continuous reader): the reading itself gets the same 250 MB as
/// in a fresh process.
pub fn watch_reading(file: &str, style: Answer, carried_mb: u64) -> Guard {
    // Pre-rendered: an allocation failure's handler cannot allocate. The other answers
    // are written by the watchdog when it needs them.
    let memory = answer(file, &memory_reason(), style);
    let old = ON_ABORT.swap(Box::into_raw(Box::new(memory)), Ordering::SeqCst);
    if !old.is_null() {
        // SAFETY: as in Drop.
        drop(unsafe { Box::from_raw(old) });
    }
    install_abort_handler();
    // The CPU clock of the thread that reads (this one): other threads' work (fonts
    // loaded meanwhile) is not the reading's.
    let clock = reading_clock();
    let watched =
        Watched { file: file.to_string(), style, carried_mb, clock, start: Instant::now(), cpu_start: cpu_time(clock) };
    *lock_watched() = Some(watched);
    // One watchdog a process, started with its first reading (a continuous reader reads
    // thousands of plans: no thread started for each).
    WATCHDOG.call_once(|| {
        std::thread::spawn(watchdog);
    });
    WAKE.notify_one();
    Guard(())
}

fn memory_reason() -> String {
    format!("le classeur demande plus de {MAX_RSS_MB} Mo de mémoire ; le fichier est sans doute endommagé")
}

/// Why the watched reading must end now, if it must.
fn overrun(w: &Watched, statm: Option<&std::fs::File>) -> Option<String> {
    if cpu_time(w.clock).saturating_sub(w.cpu_start) > Duration::from_secs(MAX_CPU_SECONDS) {
        Some(format!(
            "sa lecture demande plus de {MAX_CPU_SECONDS} s de calcul : classeur trop long à lire (allégez-le ou découpez-le)"
        ))
    } else if w.start.elapsed() > Duration::from_secs(MAX_WALL_SECONDS) {
        Some(format!("sa lecture dure plus de {MAX_WALL_SECONDS} s : classeur trop long à lire"))
    } else if statm.map_or(0, rss_mb) > MAX_RSS_MB + w.carried_mb {
        Some(memory_reason())
    } else {
        None
    }
}

/// Looks at the watched reading every 2 ms; sleeps while none is. Ends the process with
/// its answer when a reading runs over.
fn watchdog() {
    let statm = std::fs::File::open("/proc/self/statm").ok();
    loop {
        let mut watched = lock_watched();
        while watched.is_none() {
            watched = WAKE.wait(watched).unwrap_or_else(PoisonError::into_inner);
        }
        if let Some(why) = watched.as_ref().and_then(|w| overrun(w, statm.as_ref()).map(|why| (w, why))) {
            let (w, why) = why;
            let text = answer(&w.file, &why, w.style);
            use std::io::Write;
            // Under stdout's lock: never inside a reply being written. The reading
            // cannot end meanwhile (its guard waits for `watched`).
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(&text);
            let _ = out.flush();
            std::process::exit(super::exit::UNREADABLE);
        }
        drop(watched);
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// The CPU-time clock of the calling thread, readable from another thread; the
/// process's clock where there is none.
#[cfg(unix)]
type Clock = libc::clockid_t;
#[cfg(not(unix))]
type Clock = i32;

#[cfg(unix)]
fn reading_clock() -> libc::clockid_t {
    let mut clock: libc::clockid_t = 0;
    // SAFETY: asks for the clock of the calling thread, written into a local.
    if unsafe { libc::pthread_getcpuclockid(libc::pthread_self(), &mut clock) } == 0 {
        clock
    } else {
        libc::CLOCK_PROCESS_CPUTIME_ID
    }
}

#[cfg(not(unix))]
fn reading_clock() -> i32 {
    0
}

/// CPU time counted so far by `clock`, zero where unknown.
#[cfg(unix)]
fn cpu_time(clock: libc::clockid_t) -> Duration {
    let mut t = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: writes one timespec we own.
    if unsafe { libc::clock_gettime(clock, &mut t) } == 0 {
        return Duration::new(t.tv_sec.max(0) as u64, t.tv_nsec.clamp(0, 999_999_999) as u32);
    }
    Duration::ZERO
}

#[cfg(not(unix))]
fn cpu_time(_: i32) -> Duration {
    Duration::ZERO
}

/// Resident memory of this process, in MB, from `/proc/self/statm` kept open (read
/// every 2 ms: no open and close each time); 0 when unreadable.
fn rss_mb(statm: &std::fs::File) -> u64 {
    let mut buf = [0u8; 128];
    #[cfg(unix)]
    let n = std::os::unix::fs::FileExt::read_at(statm, &mut buf, 0).unwrap_or(0);
    #[cfg(not(unix))]
    let n = {
        let _ = statm;
        0
    };
    let text = std::str::from_utf8(&buf[..n]).unwrap_or("");
    let pages: u64 = text.split_whitespace().nth(1).and_then(|p| p.parse().ok()).unwrap_or(0);
    pages * 4096 / (1024 * 1024)
}

#[cfg(unix)]
fn install_abort_handler() {
    extern "C" fn on_abort(_: libc::c_int) {
        let p = ON_ABORT.load(Ordering::SeqCst);
        if !p.is_null() {
            // SAFETY: the buffer stays alive while a guard exists; write and _exit are
            // async-signal-safe.
            unsafe {
                let v = &*p;
                libc::write(1, v.as_ptr().cast(), v.len());
                libc::_exit(2);
            }
        }
    }
    // SAFETY: installs a handler that only calls async-signal-safe functions.
    unsafe {
        libc::signal(libc::SIGABRT, on_abort as *const () as libc::sighandler_t);
    }
}

#[cfg(not(unix))]
fn install_abort_handler() {}
