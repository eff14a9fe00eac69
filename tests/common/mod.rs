//! Helpers shared by the integration tests: run the real binary, build crafted workbooks.
#![allow(dead_code)]

pub mod big_csv;
pub mod pdf;
pub mod printed;
pub mod server;
pub mod tagged;
pub mod zipx;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `plandoc` with `args`; a run longer than `limit` is killed and fails the test
/// (a hang guard, not a speed measure).
pub fn plandoc_with_limit(args: &[&str], limit: Duration) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_plandoc"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("plandoc starts");
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("plandoc {args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let out = child.wait_with_output().expect("output");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn plandoc(args: &[&str]) -> Output {
    plandoc_with_limit(args, Duration::from_secs(60))
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn sample(name: &str) -> PathBuf {
    root().join("samples").join(name)
}

/// A fresh, empty folder for one test.
pub fn tmpdir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("tmpdir");
    d
}

/// A cell of a crafted workbook: text, number, or a formula with its cached result.
pub enum C<'a> {
    T(&'a str),
    N(f64),
    F(&'a str, &'a str),
    E,
}

/// Writes an xlsx with one sheet per (name, rows).
pub fn write_xlsx(path: &Path, sheets: &[(&str, Vec<Vec<C>>)]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell {
                    C::T(t) => {
                        ws.write_string(r, c, *t).unwrap();
                    }
                    C::N(n) => {
                        ws.write_number(r, c, *n).unwrap();
                    }
                    C::F(f, res) => {
                        ws.write_formula(r, c, rust_xlsxwriter::Formula::new(*f).set_result(*res)).unwrap();
                    }
                    C::E => {}
                }
            }
        }
    }
    wb.save(path).unwrap();
}

/// A fresh folder `tag` holding plan.xlsx with one sheet "Plan" of text rows; returns (folder, file).
pub fn plan_sheet(tag: &str, text: &[&[&'static str]]) -> (PathBuf, PathBuf) {
    let dir = tmpdir(tag);
    let file = dir.join("plan.xlsx");
    write_xlsx(&file, &[("Plan", rows(text))]);
    (dir, file)
}

/// The seed samples (and their xls/ods twins) that every document test covers.
pub const SEED_SAMPLES: [&str; 6] = [
    "000-pst-ambitions-texte.xlsx",
    "000-pst-ambitions-texte.xls",
    "001-ctg-ambitions.xlsx",
    "002-pst-sections-annees.xlsx",
    "002-pst-sections-annees.ods",
    "canonique-lauragais.xlsx",
];

/// A plan with errors (a duplicate number, an unknown priority), written in `dir`.
pub fn bad_plan(dir: &Path) -> PathBuf {
    let p = dir.join("plan-errone.xlsx");
    write_xlsx(
        &p,
        &[(
            "Plan",
            rows(&[
                &["Axe", "N°", "Action", "Priorité", "2025"],
                &["Axe 1", "1", "Faire", "Haute", "X"],
                &["", "1", "Refaire", "urgent", "X"],
            ]),
        )],
    );
    p
}

/// Text rows: "" is an empty cell, a string parsing as a number is a number.
pub fn rows(text: &[&[&'static str]]) -> Vec<Vec<C<'static>>> {
    text.iter()
        .map(|r| {
            r.iter()
                .map(|t| {
                    if t.is_empty() {
                        C::E
                    } else if let Ok(n) = t.parse::<f64>() {
                        C::N(n)
                    } else {
                        C::T(t)
                    }
                })
                .collect()
        })
        .collect()
}

/// `check --json` on a file: exit code and parsed report, without the
/// `metadonnee-manquante` warning most test plans (no collectivité, no title) get.
pub fn check_json(path: &Path) -> (i32, serde_json::Value) {
    let (code, mut v) = check_json_all(path);
    if let Some(list) = v["diagnostics"].as_array_mut() {
        list.retain(|d| d["code"] != "metadonnee-manquante");
    }
    (code, v)
}

/// `check --json` on a file: exit code and the whole parsed report.
pub fn check_json_all(path: &Path) -> (i32, serde_json::Value) {
    let out = plandoc(&["check", path.to_str().unwrap(), "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("JSON attendu ({e}) : {}\n{}", out.stdout, out.stderr));
    (out.code, v)
}

/// (code, "Sheet!A1") pairs of a report's diagnostics.
pub fn codes_at(report: &serde_json::Value) -> Vec<(String, String)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let sheet = d["sheet"].as_str().unwrap_or("");
            let cell = d["cell"].as_str().unwrap_or("");
            (d["code"].as_str().unwrap().to_string(), format!("{sheet}!{cell}"))
        })
        .collect()
}

/// A finished run with its peak memory.
pub struct Measured {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    /// Peak resident set size of the process, in kilobytes.
    pub max_rss_kb: i64,
}

/// Runs `plandoc` with `args` and `env`, killed (and the test failed) after `limit`;
/// reports the peak RSS the kernel measured (wait4).
#[allow(clippy::zombie_processes)] // reaped by wait4 below, which also gives the peak RSS
pub fn plandoc_measured(args: &[&str], env: &[(&str, &str)], limit: Duration) -> Measured {
    use std::io::Read;
    let mut child = Command::new(env!("CARGO_BIN_EXE_plandoc"))
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("plandoc starts");
    let (mut so, mut se) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let t1 = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = so.read_to_end(&mut s);
        s
    });
    let t2 = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = se.read_to_end(&mut s);
        s
    });
    let pid = child.id() as libc::pid_t;
    let start = Instant::now();
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if r == pid {
            break;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("plandoc {args:?} toujours en cours après {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let code = if libc::WIFEXITED(status) { libc::WEXITSTATUS(status) } else { -1 };
    Measured {
        code,
        stdout: String::from_utf8_lossy(&t1.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&t2.join().unwrap()).into_owned(),
        max_rss_kb: usage.ru_maxrss,
    }
}

/// Names and bytes of every file under `dir`, to compare a folder before and after.
pub fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let name = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                out.push((name, std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// LibreOffice converts `input` to `format` ("pdf", "ods"…) in `dir`, with a profile of its
/// own (tests run in parallel); None, said loudly, when LibreOffice is absent outside CI
/// (in CI its absence fails the test).
pub fn soffice_convert(input: &Path, format: &str, dir: &Path) -> Option<PathBuf> {
    let profile = format!("-env:UserInstallation=file://{}", dir.join("lo-profile").display());
    let run = Command::new("soffice")
        .args([&profile, "--headless", "--convert-to", format, "--outdir", dir.to_str()?, input.to_str()?])
        .output();
    let Ok(out) = run else {
        assert!(!in_ci(), "LibreOffice (soffice) absent en CI");
        eprintln!("SAUTÉ : LibreOffice (soffice) absent, conversion de {} en {format} non faite", input.display());
        return None;
    };
    let ext = format.split(':').next().unwrap_or(format);
    let converted = dir.join(input.file_stem()?).with_extension(ext);
    assert!(converted.exists(), "{}", String::from_utf8_lossy(&out.stderr));
    Some(converted)
}

/// True when running in CI (env CI=true): a test that cannot run must then fail.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// A `--modeles` folder whose vocabulaire.toml reads « Stand-by » as En pause and
/// « Urgente » as Haute.
/// A plan whose statut (« Stand-by ») and priorité (« Urgente ») only the vocabulary of
/// `models_with_vocabulary` knows, in a fresh folder named `name`: (plan, models folder).
pub fn plan_and_models(name: &str) -> (PathBuf, PathBuf) {
    let dir = tmpdir(name);
    let path = dir.join("plan.xlsx");
    let data = rows(&[
        &["Axe", "N°", "Action", "Statut", "Priorité"],
        &["Enfance", "1", "Ouvrir une crèche", "Stand-by", "Urgente"],
        &["Enfance", "2", "Former les assistantes maternelles", "En cours", "Haute"],
    ]);
    write_xlsx(&path, &[("Plan", data)]);
    let models = models_with_vocabulary(&dir);
    (path, models)
}

pub fn models_with_vocabulary(dir: &Path) -> PathBuf {
    let models = dir.join("modeles");
    std::fs::create_dir_all(&models).unwrap();
    std::fs::write(
        models.join("vocabulaire.toml"),
        "[statut.en_pause]\nsynonymes = [\"en pause\", \"stand-by\"]\n[priorite.haute]\nsynonymes = [\"urgente\"]\n",
    )
    .unwrap();
    models
}
