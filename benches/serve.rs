//! Load on `plandoc serve`: 16 concurrent clients build the 40-action sample 128 times
//! through POST /api/build; meanwhile a ZIP bomb, a 100 MB upload and a slow client are
//! sent, and must not disturb the others. Prints errors, p50/p95/max latency and the
//! server's peak RSS. Then issue 21's bounds: peak memory for a lot expanding to 900 MB
//! and for CSV plans of 20,000, 3,000 and 2,000 actions; /sante's latency with 1,100
//! idle connections under `ulimit -n 1024`. Run: `cargo bench --bench serve`.

#[path = "../tests/common/big_csv.rs"]
mod big_csv;

use std::io::{BufRead, BufReader, Cursor, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CLIENTS: usize = 16;
const BUILDS: usize = 128;

fn peak_rss_kb(pid: u32) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn bomb() -> Vec<u8> {
    // 200 MB of zeros: a few hundred kilobytes once compressed.
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    z.start_file("bombe.xlsx", zip::write::SimpleFileOptions::default()).unwrap();
    let block = vec![0u8; 1024 * 1024];
    for _ in 0..200 {
        z.write_all(&block).unwrap();
    }
    z.finish().unwrap().into_inner()
}

/// 100 MB really sent (the server answers 413 from the announced length and hangs up).
fn huge_upload(addr: &str) -> String {
    let mut t = TcpStream::connect(addr).unwrap();
    t.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let len = 100 * 1024 * 1024;
    let _ = write!(
        t,
        "POST /api/build HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=B\r\nContent-Length: {len}\r\n\r\n"
    );
    let chunk = vec![b'x'; 1024 * 1024];
    for _ in 0..100 {
        if t.write_all(&chunk).is_err() {
            break;
        }
    }
    let mut buf = [0u8; 64];
    let n = t.read(&mut buf).unwrap_or(0);
    String::from_utf8_lossy(&buf[..n]).lines().next().unwrap_or("(connexion fermée)").to_string()
}

/// A client sending its upload at 2 KB/s for `secs` seconds, then giving up.
fn slow_client(addr: &str, secs: u64) -> &'static str {
    let mut t = TcpStream::connect(addr).unwrap();
    let _ = write!(
        t,
        "POST /api/build HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=B\r\nContent-Length: 1000000\r\n\r\n"
    );
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(secs) {
        if t.write_all(&[b'x'; 200]).is_err() {
            return "coupé par le serveur";
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    "abandonné par le client"
}

fn main() {
    let sample = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/samples/000-pst-ambitions-texte.xlsx")).unwrap();
    let bomb = bomb();
    let mut server = Command::new(env!("CARGO_BIN_EXE_plandoc"))
        .args(["serve", "--port", "0", "--taille-max", "8"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("plandoc serve");
    let mut line = String::new();
    BufReader::new(server.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim().rsplit(' ').next().unwrap().to_string();
    let addr = url.trim_start_matches("http://").to_string();
    let client = reqwest::blocking::Client::builder().timeout(Duration::from_secs(120)).build().unwrap();
    // Warm-up: fonts and caches, as a running service has them.
    for _ in 0..2 {
        let form = reqwest::blocking::multipart::Form::new()
            .part("plan", reqwest::blocking::multipart::Part::bytes(sample.clone()).file_name("plan.xlsx"));
        client.post(format!("{url}/api/build")).multipart(form).send().unwrap().bytes().unwrap();
    }

    let next = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let workers: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (next, errors, sample, url, client) =
                (next.clone(), errors.clone(), sample.clone(), url.clone(), client.clone());
            std::thread::spawn(move || {
                let mut times = Vec::new();
                while next.fetch_add(1, Ordering::SeqCst) < BUILDS {
                    let form = reqwest::blocking::multipart::Form::new()
                        .text("deliberation", "2026_01")
                        .part("plan", reqwest::blocking::multipart::Part::bytes(sample.clone()).file_name("plan.xlsx"));
                    let t = Instant::now();
                    let ok = client
                        .post(format!("{url}/api/build"))
                        .multipart(form)
                        .send()
                        .ok()
                        .filter(|r| r.status().is_success())
                        .and_then(|r| r.bytes().ok())
                        .is_some_and(|b| b.starts_with(b"PK"));
                    times.push(t.elapsed());
                    if !ok {
                        errors.fetch_add(1, Ordering::SeqCst);
                    }
                }
                times
            })
        })
        .collect();
    // The disturbances, during the load.
    let (u, a) = (url.clone(), addr.clone());
    let bomb_client = client.clone();
    let intruders = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        let form = reqwest::blocking::multipart::Form::new()
            .part("lot", reqwest::blocking::multipart::Part::bytes(bomb).file_name("bombe.zip"));
        let t = Instant::now();
        let r = bomb_client.post(format!("{u}/api/lot")).multipart(form).send().map(|r| r.status().as_u16());
        let bomb = format!("{r:?} en {} ms", t.elapsed().as_millis());
        let a2 = a.clone();
        let slow = std::thread::spawn(move || slow_client(&a2, 3));
        let t = Instant::now();
        let huge = format!("{} en {} ms", huge_upload(&a), t.elapsed().as_millis());
        (bomb, huge, slow.join().unwrap())
    });
    let mut times: Vec<Duration> = workers.into_iter().flat_map(|w| w.join().unwrap()).collect();
    let wall = start.elapsed();
    let (bomb, huge, slow) = intruders.join().unwrap();
    let rss = peak_rss_kb(server.id());
    let _ = server.kill();
    let _ = server.wait();
    times.sort();
    println!(
        "serve : {CLIENTS} clients, {} constructions du plan de 40 actions (4 documents, ZIP) en {:.1} s",
        times.len(),
        wall.as_secs_f64()
    );
    println!("  erreurs : {}", errors.load(Ordering::SeqCst));
    println!(
        "  latence : p50 {} ms, p95 {} ms, max {} ms",
        percentile(&times, 0.5).as_millis(),
        percentile(&times, 0.95).as_millis(),
        times.last().unwrap().as_millis()
    );
    println!("  débit : {:.1} constructions/s", times.len() as f64 / wall.as_secs_f64());
    println!("  mémoire crête du serveur (VmHWM) : {} Mo", rss / 1024);
    println!("  bombe ZIP (200 Mo décompressés) : statut {bomb}");
    println!("  envoi de 100 Mo : {huge}");
    println!("  client lent (2 Ko/s) : {slow}");
    bounds();
}

/// `plandoc serve --port 0 ARGS`, its open-file limit set to `nofile` when given.
fn start(args: &[&str], nofile: Option<u64>) -> (std::process::Child, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_plandoc"));
    cmd.args(["serve", "--port", "0"]).args(args).stdout(Stdio::piped()).stderr(Stdio::null());
    if let Some(n) = nofile {
        use std::os::unix::process::CommandExt;
        // SAFETY: setrlimit is async-signal-safe.
        unsafe {
            cmd.pre_exec(move || {
                let r = libc::rlimit { rlim_cur: n as libc::rlim_t, rlim_max: n as libc::rlim_t };
                libc::setrlimit(libc::RLIMIT_NOFILE, &r);
                Ok(())
            });
        }
    }
    let mut child = cmd.spawn().expect("plandoc serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim().rsplit(' ').next().unwrap().to_string();
    (child, url)
}

fn post(url: &str, field: &str, name: &str, bytes: Vec<u8>) -> (u16, Duration) {
    let client = reqwest::blocking::Client::builder().timeout(Duration::from_secs(300)).build().unwrap();
    let form = reqwest::blocking::multipart::Form::new()
        .part(field.to_string(), reqwest::blocking::multipart::Part::bytes(bytes).file_name(name.to_string()));
    let t = Instant::now();
    let st = client.post(url).multipart(form).send().map(|r| r.status().as_u16()).unwrap_or(0);
    (st, t.elapsed())
}

/// Issue 21's figures: peak memory for a lot expanding to 900 MB and for big CSV plans,
/// /sante's latency with 1,100 idle connections under a 1,024 open-file limit.
fn bounds() {
    let (mut s, url) = start(&[], None);
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    z.start_file("plan.csv", zip::write::SimpleFileOptions::default().large_file(true)).unwrap();
    let block = vec![b'a'; 1024 * 1024];
    for _ in 0..900 {
        z.write_all(&block).unwrap();
    }
    let lot = z.finish().unwrap().into_inner();
    let size = lot.len();
    let handles: Vec<_> = (0..3)
        .map(|_| {
            let (u, l) = (format!("{url}/api/lot"), lot.clone());
            std::thread::spawn(move || post(&u, "lot", "lot.zip", l))
        })
        .collect();
    let answers: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    println!(
        "serve, lot de {} Ko qui se décompresse en 900 Mo, 3 envois à la fois : statuts {:?}, mémoire crête {} Mo",
        size / 1024,
        answers.iter().map(|a| a.0).collect::<Vec<_>>(),
        peak_rss_kb(s.id()) / 1024
    );
    let _ = s.kill();
    let _ = s.wait();
    for n in [20_000, 10_000, 3_000] {
        let (mut s, url) = start(&[], None);
        let csv = big_csv::big_csv(n).into_bytes();
        let mb = csv.len() / (1024 * 1024);
        let (st, took) = post(&format!("{url}/api/build"), "plan", "plan.csv", csv);
        println!(
            "serve, CSV de {n} actions ({mb} Mo) sur /api/build : statut {st} en {:.1} s, mémoire crête {} Mo",
            took.as_secs_f64(),
            peak_rss_kb(s.id()) / 1024
        );
        let _ = s.kill();
        let _ = s.wait();
    }
    let (mut s, url) = start(&[], Some(1024));
    let addr = url.trim_start_matches("http://").to_string();
    let mut idle = Vec::new();
    for _ in 0..1100 {
        if let Ok(mut t) = TcpStream::connect(&addr) {
            let _ = t.write_all(b"GET / HTTP/1.1\r\nHost: ");
            idle.push(t);
        }
    }
    let mut times = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let mut c = TcpStream::connect(&addr).unwrap();
        c.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        let _ = write!(c, "GET /sante HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        let mut a = String::new();
        let _ = c.read_to_string(&mut a);
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "serve, /sante avec {} connexions inactives (ulimit -n 1024) : p50 {} ms, max {} ms",
        idle.len(),
        percentile(&times, 0.5).as_millis(),
        times.last().unwrap().as_millis()
    );
    let _ = s.kill();
    let _ = s.wait();
}
