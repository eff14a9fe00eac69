//! Reading the plans of a batch in child processes (`plandoc lecture-isolee --en-continu`):
//! each plan's reading runs under the single build's watchdog (4 s of CPU, 250 MB), so a damaged
//! workbook that makes a reader loop or allocate without bound ends that child, and only
//! its plan fails. The children are kept between plans (one per worker, in a pool) to
//! spare a process start per plan; one that dies, hangs, answers garbage or is ended by
//! its watchdog is dropped and the next plan gets a fresh one.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Mutex;
use std::time::Instant;

use super::reader_protocol as protocol;
use crate::ingest::{Reading, Unreadable};
use crate::validate::{Code, Diagnostic};

/// The batch's readers: started when needed, kept while they answer, all ended (and
/// reaped) when the pool is dropped.
pub struct Readers {
    exe: PathBuf,
    config: Option<PathBuf>,
    models: Option<PathBuf>,
    /// `--taille-max` of the readers, when not the default.
    max_megabytes: Option<u64>,
    idle: Mutex<Vec<Reader>>,
}

impl Readers {
    pub fn new(exe: &Path, config: Option<&Path>, models: Option<&Path>) -> Self {
        Readers {
            exe: exe.to_path_buf(),
            config: config.map(Path::to_path_buf),
            models: models.map(Path::to_path_buf),
            max_megabytes: None,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// The readers refuse files over `mb` MB (the server's upload cap), as
    /// `Limits::with_max_megabytes` does in this process.
    pub fn with_max_megabytes(mut self, mb: u64) -> Self {
        self.max_megabytes =
            (crate::ingest::Limits::with_max_megabytes(mb) != crate::ingest::Limits::default()).then_some(mb);
        self
    }

    /// Reads `input` in a child; any failure of the child fails this plan only.
    pub fn read(&self, input: &Path) -> Result<Reading, Unreadable> {
        let name = input.display().to_string();
        let request = protocol::request(input);
        // A kept reader that died while idle never saw this plan: one more try, fresh.
        for attempt in 0..2 {
            let mut kept = if attempt == 0 { self.idle.lock().ok().and_then(|mut v| v.pop()) } else { None };
            if kept.as_mut().is_some_and(|r| !r.alive()) {
                kept = None;
            }
            let mut reader = match kept {
                Some(r) => r,
                None => match self.spawn() {
                    Ok(r) => r,
                    Err(e) => {
                        let why = format!("le lecteur n'a pu être lancé ({})", crate::durable::io_fr(&e));
                        return Err(abandoned(&name, &why));
                    }
                },
            };
            if reader.stdin.write_all(&request).and_then(|()| reader.stdin.flush()).is_err() {
                continue;
            }
            return match reader.reply() {
                Ok((json, last)) => match decode(&json) {
                    Some(read) => {
                        if !last {
                            if let Ok(mut idle) = self.idle.lock() {
                                idle.push(reader);
                            }
                        }
                        read
                    }
                    None => Err(abandoned(&name, "le lecteur s'est arrêté sans réponse")),
                },
                Err(why) => Err(abandoned(&name, why)),
            };
        }
        Err(abandoned(&name, "le lecteur s'est arrêté sans réponse"))
    }

    fn spawn(&self) -> std::io::Result<Reader> {
        let mut cmd = Command::new(&self.exe);
        cmd.args(["lecture-isolee", "--en-continu"]).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::null());
        if let Some(c) = &self.config {
            cmd.arg("--config").arg(c);
        }
        if let Some(m) = &self.models {
            cmd.arg("--modeles").arg(m);
        }
        if let Some(mb) = self.max_megabytes {
            cmd.arg("--taille-max").arg(mb.to_string());
        }
        let mut child = cmd.spawn()?;
        match (child.stdin.take(), child.stdout.take()) {
            (Some(stdin), Some(stdout)) => Ok(Reader { child, stdin, stdout }),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                Err(std::io::Error::other("tubes du lecteur absents"))
            }
        }
    }
}

/// One child reader. Dropping it ends and reaps the child: no reader outlives its use.
struct Reader {
    child: Child,
    stdin: ChildStdin,
    stdout: ChildStdout,
}

impl Drop for Reader {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Reader {
    fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// The reply to the request just sent: its JSON and whether the reader ends after it;
    /// otherwise why there is none.
    fn reply(&mut self) -> Result<(Vec<u8>, bool), &'static str> {
        let deadline = Instant::now() + protocol::DEADLINE;
        let mut header = [0u8; protocol::HEADER];
        self.fill(&mut header, deadline)?;
        let (len, last) = protocol::parse_header(&header).ok_or("le lecteur s'est arrêté sans réponse")?;
        // Grown as bytes come: a lying length allocates nothing.
        let mut json = Vec::new();
        while json.len() < len {
            let start = json.len();
            json.resize(start + (len - start).min(1 << 20), 0);
            self.fill(&mut json[start..], deadline)?;
        }
        Ok((json, last))
    }

    fn fill(&mut self, mut buf: &mut [u8], deadline: Instant) -> Result<(), &'static str> {
        while !buf.is_empty() {
            if !readable_by(&self.stdout, deadline) {
                return Err("le lecteur ne répond plus");
            }
            match self.stdout.read(buf) {
                Ok(0) => return Err("le lecteur s'est arrêté sans réponse"),
                Ok(n) => buf = &mut buf[n..],
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return Err("le lecteur s'est arrêté sans réponse"),
            }
        }
        Ok(())
    }
}

/// Waits until the pipe has bytes (or is closed), at most until `deadline`.
#[cfg(unix)]
fn readable_by(pipe: &ChildStdout, deadline: Instant) -> bool {
    use std::os::fd::AsRawFd;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return false;
        }
        let mut fd = libc::pollfd { fd: pipe.as_raw_fd(), events: libc::POLLIN, revents: 0 };
        let ms = left.as_millis().clamp(1, i32::MAX as u128) as libc::c_int;
        // SAFETY: one valid pollfd, for the duration of the call.
        let n = unsafe { libc::poll(&mut fd, 1, ms) };
        if n > 0 {
            return true;
        }
        if n < 0 && std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            return true; // let the read report it
        }
    }
}

#[cfg(not(unix))]
fn readable_by(_: &ChildStdout, _: Instant) -> bool {
    true
}

/// A reply: the reading, or the check report of a watchdog that ended the reader (its
/// diagnostic says why); `None` for anything else.
fn decode(json: &[u8]) -> Option<Result<Reading, Unreadable>> {
    if let Ok(read) = serde_json::from_slice::<Result<Reading, Unreadable>>(json) {
        return Some(read);
    }
    let report: Diagnostic = serde_json::from_slice::<serde_json::Value>(json)
        .ok()
        .and_then(|v| v["diagnostics"].get(0).cloned())
        .and_then(|d| serde_json::from_value(d).ok())?;
    Some(Err(Unreadable { diagnostic: Box::new(report), notes: Vec::new(), likeness: None }))
}

fn abandoned(name: &str, reason: &str) -> Unreadable {
    Unreadable {
        diagnostic: Box::new(Diagnostic::new(
            Code::LectureAbandonnee,
            format!("« {name} » : lecture abandonnée, {reason} ; le fichier est sans doute endommagé."),
        )),
        notes: Vec::new(),
        likeness: None,
    }
}
