//! `plandoc serve` bounded (issue 21): memory, disk, connections and time, each measured
//! on the real binary — peak memory from /proc/PID/status (VmHWM), connections with raw
//! sockets under a 1,024 open-file limit, loopback only.

mod common;

use std::io::{Cursor, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::big_csv::big_csv;
use common::server::Server;
use common::{sample, tmpdir};
use reqwest::blocking::{multipart, Client};

const FORTY: &str = "000-pst-ambitions-texte.xlsx";

/// The tests of this file run one at a time: several measure time or peak memory on a
/// 2-core machine, and the budget test's 10,000-action build next to them made the time
/// limit test miss its 3 s (seen under load). Each test holds this for its whole run.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn alone() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn client() -> Client {
    Client::builder().timeout(Duration::from_secs(120)).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        z.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap().into_inner()
}

fn lot_form(archive: Vec<u8>) -> multipart::Form {
    multipart::Form::new().part("lot", multipart::Part::bytes(archive).file_name("lot.zip"))
}

/// `n` copies of the 40-action sample, as a lot.
fn lot_of(n: usize) -> Vec<u8> {
    let forty = std::fs::read(sample(FORTY)).unwrap();
    let entries: Vec<(String, Vec<u8>)> = (0..n).map(|i| (format!("p{i}.xlsx"), forty.clone())).collect();
    let refs: Vec<(&str, &[u8])> = entries.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    zip_of(&refs)
}

/// The `{"erreur": …}` of an API answer.
fn erreur(r: reqwest::blocking::Response) -> (u16, String) {
    let st = r.status().as_u16();
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("application/json"), "JSON expected");
    let v: serde_json::Value = r.json().unwrap();
    (st, v["erreur"].as_str().unwrap_or_else(|| panic!("no erreur in {v}")).to_string())
}

/// Bytes used under `dir`.
fn disk_use(dir: &std::path::Path) -> u64 {
    let mut n = 0;
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let m = e.metadata().unwrap();
            n += if m.is_dir() { disk_use(&e.path()) } else { m.len() };
        }
    }
    n
}

#[test]
fn a_lot_expanding_to_900_mb_is_refused_without_filling_memory_or_disk() {
    let _alone = alone();
    let tmp = tmpdir("bounds-900");
    let s = Server::start_with_env(&[], &[("TMPDIR", &tmp)]);
    // One honest entry: 900 MB of text, about 1 MB once compressed.
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    z.start_file("plan.csv", zip::write::SimpleFileOptions::default().large_file(true)).unwrap();
    let block = vec![b'a'; 1024 * 1024];
    for _ in 0..900 {
        z.write_all(&block).unwrap();
    }
    let archive = z.finish().unwrap().into_inner();
    assert!(archive.len() < 4 * 1024 * 1024, "{} bytes", archive.len());
    let before = s.peak_mb();
    let start = Instant::now();
    let (st, msg) = erreur(client().post(s.at("/api/lot")).multipart(lot_form(archive.clone())).send().unwrap());
    assert_eq!(st, 413, "{msg}");
    assert!(msg.contains("plan.csv") && msg.contains("900 Mo") && msg.contains("--taille-max"), "{msg}");
    assert!(start.elapsed() < Duration::from_secs(10), "refused from the archive's directory");
    // Three at once change nothing.
    let handles: Vec<_> = (0..3)
        .map(|_| {
            let (url, a) = (s.at("/api/lot"), archive.clone());
            std::thread::spawn(move || client().post(url).multipart(lot_form(a)).send().unwrap().status().as_u16())
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), 413);
    }
    let peak = s.peak_mb();
    eprintln!("900 Mo lot: server peak {before} -> {peak} MB");
    assert!(peak <= 400, "server peak {peak} MB");
    assert!(disk_use(&tmp) < 1024 * 1024, "nothing left in the temporary folder: {} bytes", disk_use(&tmp));

    // A plan over the per-file limit is cut while streamed: with --taille-max 1, a 3 MB
    // entry gets no further than 1 MB on disk, and the lot is refused.
    let s = Server::start_with_env(&["--taille-max", "1"], &[("TMPDIR", &tmp)]);
    let big = vec![b'b'; 3 * 1024 * 1024];
    let (st, msg) =
        erreur(client().post(s.at("/api/lot")).multipart(lot_form(zip_of(&[("gros.csv", &big)]))).send().unwrap());
    assert_eq!(st, 413);
    assert!(msg.contains("gros.csv"), "{msg}");
    assert!(disk_use(&tmp) < 1024 * 1024);
}

/// A ZIP's entries: name and content.
type Entries<'a> = Vec<(&'a str, &'a [u8])>;

#[test]
fn lot_archive_names_are_checked_before_anything_is_written() {
    let _alone = alone();
    let s = Server::start(&[]);
    let c = client();
    let forty = std::fs::read(sample(FORTY)).unwrap();
    let long = format!("{}.xlsx", "n".repeat(300));
    let deep = format!("{}plan.xlsx", "d/".repeat(65));
    let cases: [(Entries, &str); 3] = [
        (vec![("a.xlsx", &forty), ("a.xlsx/b.xlsx", &forty)], "à la fois un fichier et le dossier"),
        (vec![(long.as_str(), &forty)], "caractères, pour 200 au plus"),
        (vec![(deep.as_str(), &forty)], "niveaux de dossiers, pour 64 au plus"),
    ];
    for (entries, why) in cases {
        let (st, msg) = erreur(c.post(s.at("/api/lot")).multipart(lot_form(zip_of(&entries))).send().unwrap());
        assert_eq!(st, 422, "{msg}");
        assert!(msg.starts_with("archive refusée") && msg.contains(why), "{msg}");
    }
    // "./plan.xlsx" is a plan like any other.
    let r = c.post(s.at("/api/lot")).multipart(lot_form(zip_of(&[("./plan.xlsx", &forty)]))).send().unwrap();
    assert_eq!(r.status(), 200);
    let z = r.bytes().unwrap();
    let mut zip = zip::ZipArchive::new(Cursor::new(z.as_ref())).unwrap();
    let mut report = String::new();
    zip.by_name("rapport-lot.json").unwrap().read_to_string(&mut report).unwrap();
    let v: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(v["plans"].as_array().unwrap().len(), 1, "{report}");
    assert_eq!(v["plans"][0]["actions"], 40, "{report}");

    // A wrong Content-Type: French JSON, not the form reader's English.
    let r = c.post(s.at("/api/check")).header("content-type", "text/plain").body("x").send().unwrap();
    let (st, msg) = erreur(r);
    assert_eq!(st, 400);
    assert!(msg.contains("multipart/form-data"), "{msg}");
    let r = c.post(s.at("/api/build")).header("content-type", "multipart/form-data").body("x").send().unwrap();
    assert!(erreur(r).1.contains("boundary"));
}

/// A raw GET of /sante; the time it took.
fn sante(addr: &str) -> Duration {
    let start = Instant::now();
    let mut t = TcpStream::connect(addr).unwrap();
    t.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(t, "GET /sante HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    let _ = t.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 200") && answer.ends_with("ok"), "{answer}");
    start.elapsed()
}

#[test]
fn sante_answers_at_once_with_1100_idle_connections_under_ulimit_1024() {
    let _alone = alone();
    let s = Server::start_limited(&[], &[], Some(1024));
    let addr = s.addr();
    // 1,100 connections that send half a request head and wait.
    let mut idle = Vec::new();
    for _ in 0..1100 {
        let Ok(mut t) = TcpStream::connect(&addr) else { continue };
        let _ = t.write_all(b"GET / HTTP/1.1\r\nHost: ");
        idle.push(t);
    }
    assert!(idle.len() >= 1000, "{} connections opened", idle.len());
    let mut worst = Duration::ZERO;
    for _ in 0..5 {
        worst = worst.max(sante(&addr));
    }
    eprintln!("/sante with {} idle connections: worst {worst:?}", idle.len());
    assert!(worst < Duration::from_secs(1), "{worst:?}");
    // The half-sent heads are dropped after the header time limit (10 s).
    std::thread::sleep(Duration::from_secs(12));
    let mut closed = 0;
    for t in idle.iter_mut().rev().take(50) {
        t.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
        let mut b = [0u8; 256];
        // Answered (408) or closed: either way the read returns at once.
        if t.read(&mut b).is_ok() {
            closed += 1;
        }
    }
    assert_eq!(closed, 50, "every half-sent head was answered or closed");
}

#[test]
fn a_dripping_upload_holds_no_worker_and_is_cut() {
    let _alone = alone();
    let s = Server::start(&["--travaux", "1", "--attente", "0"]);
    let addr = s.addr();
    let drip = std::thread::spawn(move || {
        let mut t = TcpStream::connect(&addr).unwrap();
        t.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        write!(
            t,
            "POST /api/check HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=B\r\nContent-Length: 100000\r\n\r\n\
             --B\r\nContent-Disposition: form-data; name=\"plan\"; filename=\"p.csv\"\r\n\r\n"
        )
        .unwrap();
        let start = Instant::now();
        let mut answer = String::new();
        t.set_nonblocking(true).unwrap();
        // Read before each byte sent: the answer is taken before a write meets the close.
        while start.elapsed() < Duration::from_secs(30) {
            let mut b = [0u8; 4096];
            match t.read(&mut b) {
                Ok(0) => break,
                Ok(n) => {
                    answer.push_str(&String::from_utf8_lossy(&b[..n]));
                    break;
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(_) => break,
            }
            if t.write_all(b"a").is_err() {
                std::thread::sleep(Duration::from_millis(200));
                continue;
            }
            std::thread::sleep(Duration::from_millis(500));
        }
        (answer, start.elapsed())
    });
    std::thread::sleep(Duration::from_secs(1));
    // Meanwhile the only worker serves others.
    for _ in 0..3 {
        let form = multipart::Form::new().file("plan", sample(FORTY)).unwrap();
        let r = client().post(format!("{}/api/check", s.url)).multipart(form).send().unwrap();
        assert_eq!(r.status(), 200);
    }
    let (answer, took) = drip.join().unwrap();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("envoi trop lent"), "{answer}");
    assert!(took < Duration::from_secs(20), "{took:?}");
}

#[test]
fn past_the_time_limit_the_job_is_cancelled_and_its_worker_freed() {
    let _alone = alone();
    let s = Server::start(&["--delai", "2", "--travaux", "1", "--attente", "0"]);
    // A thousand plans: far more than two seconds.
    let archive = lot_of(1000);
    let start = Instant::now();
    let (st, msg) = erreur(client().post(s.at("/api/lot")).multipart(lot_form(archive)).send().unwrap());
    assert_eq!(st, 503, "{msg}");
    assert!(msg.contains("délai dépassé"), "{msg}");
    assert!(start.elapsed() < Duration::from_secs(10));
    // The worker is free again within a moment: a small request is served, not 503.
    let freed = Instant::now();
    let mut served = false;
    while freed.elapsed() < Duration::from_secs(3) {
        let form = multipart::Form::new().file("plan", sample(FORTY)).unwrap();
        if client().post(s.at("/api/check")).multipart(form).send().unwrap().status() == 200 {
            served = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    eprintln!("worker freed {:?} after the 503", freed.elapsed());
    assert!(served, "the worker was still taken 3 s after the time limit");
}

#[test]
fn a_lot_page_job_has_a_time_limit_and_outlives_the_keeping_time_while_it_runs() {
    let _alone = alone();
    let results = tmpdir("bounds-lot-page");
    let s = Server::start(&["--delai", "4", "--conservation", "1s", "--resultats", results.to_str().unwrap()]);
    let c = client();
    let r = c.post(s.at("/lot")).multipart(lot_form(lot_of(1000))).send().unwrap();
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let start = Instant::now();
    let page = loop {
        let r = c.get(s.at(&to)).send().unwrap();
        assert_ne!(r.status(), 404, "result deleted while its lot runs ({:?})", start.elapsed());
        let page = r.text().unwrap();
        if !page.contains("Lot en cours") {
            break page;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "no time limit");
        std::thread::sleep(Duration::from_millis(300));
    };
    assert!(page.contains("élai dépassé : le traitement a été annulé"), "{page}");
    assert!(start.elapsed() >= Duration::from_secs(3), "{:?}", start.elapsed());
}

#[test]
fn documents_zip_is_written_once_and_sent_from_disk() {
    let _alone = alone();
    let results = tmpdir("bounds-docs-zip");
    let s = Server::start(&["--resultats", results.to_str().unwrap()]);
    let c = client();
    let form = multipart::Form::new().file("plan", sample(FORTY)).unwrap();
    let page = c.post(s.at("/controle")).multipart(form).send().unwrap().text().unwrap();
    let id = page.split("/documents/").nth(1).unwrap()[..32].to_string();
    let form = multipart::Form::new().text("documents", "plan,echeancier");
    assert_eq!(c.post(s.at(&format!("/documents/{id}"))).multipart(form).send().unwrap().status(), 303);
    let on_disk = std::fs::read(results.join(&id).join("documents.zip")).expect("documents.zip written at build time");
    let mtime = std::fs::metadata(results.join(&id).join("documents.zip")).unwrap().modified().unwrap();
    for _ in 0..3 {
        let r = c.get(s.at(&format!("/resultats/{id}/documents.zip"))).send().unwrap();
        assert_eq!(r.headers()["content-length"].to_str().unwrap(), on_disk.len().to_string());
        assert_eq!(r.bytes().unwrap().as_ref(), on_disk.as_slice());
    }
    assert_eq!(std::fs::metadata(results.join(&id).join("documents.zip")).unwrap().modified().unwrap(), mtime);
    let mut z = zip::ZipArchive::new(Cursor::new(on_disk)).unwrap();
    let mut names: Vec<String> = (0..z.len()).map(|i| z.by_index(i).unwrap().name().unwrap().to_string()).collect();
    names.sort();
    assert_eq!(names, ["echeancier.pdf", "plan-d-actions.pdf"]);
    let mut pdf = Vec::new();
    z.by_name("plan-d-actions.pdf").unwrap().read_to_end(&mut pdf).unwrap();
    let direct = c.get(s.at(&format!("/resultats/{id}/plan-d-actions.pdf"))).send().unwrap().bytes().unwrap();
    assert_eq!(pdf, direct.as_ref());
}

#[test]
fn a_long_ctes_prefix_is_refused_before_building() {
    let _alone = alone();
    let s = Server::start(&[]);
    let c = client();
    for n in [190, 250] {
        let form = multipart::Form::new()
            .file("plan", sample(FORTY))
            .unwrap()
            .text("prefixe_id", "p".repeat(n))
            .text("documents", "plan");
        let (st, msg) = erreur(c.post(s.at("/api/build")).multipart(form).send().unwrap());
        assert_eq!(st, 422, "{msg}");
        assert!(msg.contains(&format!("préfixe des noms de fichiers trop long : {n} caractères")), "{msg}");
    }
    let form = multipart::Form::new()
        .file("plan", sample(FORTY))
        .unwrap()
        .text("prefixe_id", "p".repeat(150))
        .text("documents", "plan");
    assert_eq!(c.post(s.at("/api/build")).multipart(form).send().unwrap().status(), 200);
}

#[test]
fn a_plan_over_the_job_budget_is_refused_with_413() {
    let _alone = alone();
    let s = Server::start(&[]);
    let csv = big_csv(20_000);
    assert!(csv.len() > 16 * 1000 * 1000, "{}", csv.len());
    let form = multipart::Form::new().part("plan", multipart::Part::bytes(csv.into_bytes()).file_name("p20k.csv"));
    let start = Instant::now();
    let (st, msg) = erreur(client().post(s.at("/api/build")).multipart(form).send().unwrap());
    assert_eq!(st, 413, "{msg}");
    assert!(msg.contains("« p20k.csv » compte 20000 actions") && msg.contains("10000 au plus"), "{msg}");
    let peak = s.peak_mb();
    eprintln!("20,000-action CSV refused in {:?}, server peak {peak} MB", start.elapsed());
    assert!(peak <= 400, "{peak} MB");

    // At the bound: every document built, every action in the plan table, the server
    // under 300 MB.
    let s = Server::start(&[]);
    let csv = big_csv(10_000);
    let form = multipart::Form::new().part("plan", multipart::Part::bytes(csv.into_bytes()).file_name("p10000.csv"));
    let r = client().post(s.at("/api/build")).multipart(form).send().unwrap();
    assert_eq!(r.status(), 200);
    let z = r.bytes().unwrap();
    let mut pdf = Vec::new();
    zip::ZipArchive::new(Cursor::new(z.as_ref()))
        .unwrap()
        .by_name("plan-d-actions.pdf")
        .unwrap()
        .read_to_end(&mut pdf)
        .unwrap();
    let dir = tmpdir("bounds-10000");
    std::fs::write(dir.join("p.pdf"), &pdf).unwrap();
    let text = common::pdf::text(&dir.join("p.pdf"));
    assert!(text.contains("Action 9999") && text.contains("Action 0"), "every action laid out");
    let peak = s.peak_mb();
    eprintln!("10,000-action CSV built, server peak {peak} MB");
    assert!(peak <= 300, "{peak} MB");
}
