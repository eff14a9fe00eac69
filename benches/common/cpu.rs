//! CPU time (user + system), in ms: unlike elapsed time it holds on a machine others load.

fn of(who: i32) -> f64 {
    // SAFETY: getrusage only writes into the struct we pass.
    let ru = unsafe {
        let mut ru: libc::rusage = std::mem::zeroed();
        libc::getrusage(who, &mut ru);
        ru
    };
    let t = |v: libc::timeval| v.tv_sec as f64 * 1000.0 + v.tv_usec as f64 / 1000.0;
    t(ru.ru_utime) + t(ru.ru_stime)
}

/// This process so far.
#[allow(dead_code)]
pub fn own_ms() -> f64 {
    of(libc::RUSAGE_SELF)
}

/// The finished child processes so far.
#[allow(dead_code)]
pub fn children_ms() -> f64 {
    of(libc::RUSAGE_CHILDREN)
}
