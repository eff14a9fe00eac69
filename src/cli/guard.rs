//! A last line of defence while a workbook is read: third-party readers can still loop or
//! allocate without bound on some damaged files (calamine's xls and ods readers). A
//! watchdog ends the process with a French answer (exit 2) when reading one file takes
//! more than 4 s of CPU time (not wall-clock time: parallel readers sharing few cores
//! are slow, not stuck), 60 s of wall-clock time (a reading blocked on I/O) or 250 MB,
//! and an allocation failure (abort) gets the same answer.
//! Files are only written after reading: nothing is ever left half-written.

use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};
use std::sync::Arc;
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
pub struct Guard {
    done: Arc<AtomicBool>,
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.done.store(true, Ordering::SeqCst);
        let old = ON_ABORT.swap(std::ptr::null_mut(), Ordering::SeqCst);
        if !old.is_null() {
            // SAFETY: the pointer came from Box::into_raw below and is no longer shared.
            drop(unsafe { Box::from_raw(old) });
        }
    }
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
    let done = Arc::new(AtomicBool::new(false));
    let memory = answer(
        file,
        &format!("le classeur demande plus de {MAX_RSS_MB} Mo de mémoire ; le fichier est sans doute endommagé"),
        style,
    );
    let slow = answer(
        file,
        &format!("sa lecture demande plus de {MAX_CPU_SECONDS} s de calcul : classeur trop long à lire (allégez-le ou découpez-le)"),
        style,
    );
    let stuck =
        answer(file, &format!("sa lecture dure plus de {MAX_WALL_SECONDS} s : classeur trop long à lire"), style);
    let old = ON_ABORT.swap(Box::into_raw(Box::new(memory.clone())), Ordering::SeqCst);
    if !old.is_null() {
        // SAFETY: as in Drop.
        drop(unsafe { Box::from_raw(old) });
    }
    install_abort_handler();
    let flag = done.clone();
    // The CPU clock of the thread that reads (this one): other threads' work (fonts
    // loaded meanwhile) is not the reading's.
    let clock = reading_clock();
    std::thread::spawn(move || {
        let start = Instant::now();
        let cpu_start = cpu_time(clock);
        let statm = std::fs::File::open("/proc/self/statm").ok();
        while !flag.load(Ordering::SeqCst) {
            let over = if cpu_time(clock).saturating_sub(cpu_start) > Duration::from_secs(MAX_CPU_SECONDS) {
                Some(&slow)
            } else if start.elapsed() > Duration::from_secs(MAX_WALL_SECONDS) {
                Some(&stuck)
            } else if statm.as_ref().map_or(0, rss_mb) > MAX_RSS_MB + carried_mb {
                Some(&memory)
            } else {
                None
            };
            if let Some(text) = over {
                use std::io::Write;
                // Under stdout's lock: never inside a reply being written, and no answer
                // once the reading is over (its reply is written instead).
                let mut out = std::io::stdout().lock();
                if flag.load(Ordering::SeqCst) {
                    break;
                }
                let _ = out.write_all(text);
                let _ = out.flush();
                std::process::exit(super::exit::UNREADABLE);
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    });
    Guard { done }
}

/// The CPU-time clock of the calling thread, readable from another thread; the
/// process's clock where there is none.
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
