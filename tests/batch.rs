//! `plandoc batch`: a folder of good, bad and nested plans.

mod common;

use std::path::{Path, PathBuf};

use common::{plandoc, sample, tmpdir};

fn lot(name: &str) -> PathBuf {
    let dir = tmpdir(name).join("plans");
    std::fs::create_dir_all(dir.join("Communes/Été 2026")).unwrap();
    std::fs::create_dir_all(dir.join("cc")).unwrap();
    std::fs::copy(sample("000-pst-ambitions-texte.xlsx"), dir.join("Communes/Été 2026/Plan d'action été.xlsx"))
        .unwrap();
    std::fs::copy(sample("000-pst-ambitions-texte.xls"), dir.join("Communes/Été 2026/Plan d'action ete.xls")).unwrap();
    std::fs::copy(sample("002-pst-sections-annees.ods"), dir.join("cc/pst.ods")).unwrap();
    std::fs::copy(sample("001-ctg-ambitions.xlsx"), dir.join("ctg.xlsx")).unwrap();
    std::fs::write(dir.join("cassé.xlsx"), b"pas un classeur").unwrap();
    common::write_xlsx(
        &dir.join("cc/erreurs.xlsx"),
        &[("Plan", common::rows(&[&["Axe", "N°", "Action"], &["A", "1", "Un"], &["A", "1", "Deux"]]))],
    );
    // Lock and temporary files of office suites are not plans.
    std::fs::copy(sample("001-ctg-ambitions.xlsx"), dir.join("~$ctg.xlsx")).unwrap();
    std::fs::write(dir.join(".~lock.ctg.xlsx#"), b"verrou").unwrap();
    dir
}

fn report(out: &Path, name: &str) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(out.join(name)).unwrap()).unwrap()
}

fn status_of(r: &serde_json::Value) -> Vec<(String, String)> {
    r["plans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["input"].as_str().unwrap().to_string(), p["status"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn builds_good_plans_reports_bad_ones_and_resumes() {
    let dir = lot("batch-main");
    let out = dir.parent().unwrap().join("sortie");
    let run = |extra: &[&str]| {
        let mut args = vec!["batch", dir.to_str().unwrap(), "-o", out.to_str().unwrap()];
        args.extend_from_slice(extra);
        plandoc(&args)
    };
    let first = run(&["--jobs", "2"]);
    assert_eq!(first.code, 1, "{}", first.stderr);
    let r = report(&out, "rapport-lot.json");
    assert_eq!((r["ok"].as_u64(), r["errors"].as_u64(), r["skipped"].as_u64()), (Some(4), Some(2), Some(0)), "{r}");
    assert_eq!(
        status_of(&r),
        vec![
            ("Communes/Été 2026/Plan d'action ete.xls".to_string(), "ok".to_string()),
            ("Communes/Été 2026/Plan d'action été.xlsx".into(), "ok".into()),
            ("cassé.xlsx".into(), "error".into()),
            ("cc/erreurs.xlsx".into(), "error".into()),
            ("cc/pst.ods".into(), "ok".into()),
            ("ctg.xlsx".into(), "ok".into()),
        ]
    );
    let plans = r["plans"].as_array().unwrap();
    let bad = plans.iter().find(|p| p["input"] == "cc/erreurs.xlsx").unwrap();
    assert!(bad["error"].as_str().unwrap().contains("Plan!B3"), "{bad}");
    assert_eq!(bad["diagnostics"][0]["code"], "numero-en-double");
    assert_eq!(plans.iter().find(|p| p["input"] == "ctg.xlsx").unwrap()["actions"], 17);
    // Output folders: ASCII, mirrored, distinct, inside OUT; good plans have their files.
    let outputs: Vec<&str> = plans.iter().map(|p| p["output"].as_str().unwrap()).collect();
    for o in &outputs {
        assert!(o.chars().all(|c| c.is_ascii_alphanumeric() || "._-/".contains(c)) && !o.contains(".."), "{o}");
    }
    assert_eq!(outputs.iter().collect::<std::collections::BTreeSet<_>>().len(), outputs.len());
    for p in plans.iter().filter(|p| p["status"] == "ok") {
        for f in ["fiches-actions.pdf", "echeancier.pdf", "plan-d-actions.pdf", "annexe.xlsx"] {
            assert!(out.join(p["output"].as_str().unwrap()).join(f).is_file(), "{p} {f}");
        }
    }
    assert!(!out.join("cc/erreurs/fiches-actions.pdf").exists());
    // The XLSX report lists failures first.
    let mut wb = calamine::open_workbook_auto(out.join("rapport-lot.xlsx")).unwrap();
    use calamine::Reader;
    let sheet = wb.worksheet_range("Rapport").unwrap();
    assert_eq!(sheet.get_value((1, 2)).unwrap().to_string(), "en échec");
    assert_eq!(sheet.get_value((2, 2)).unwrap().to_string(), "en échec");

    // Second run: unchanged plans are skipped, failures tried again.
    let second = run(&["--quiet"]);
    assert_eq!(second.code, 1);
    assert!(second.stderr.is_empty(), "--quiet : {}", second.stderr);
    let r = report(&out, "rapport-lot.json");
    assert_eq!((r["ok"].as_u64(), r["errors"].as_u64(), r["skipped"].as_u64()), (Some(0), Some(2), Some(4)), "{r}");

    // A run killed midway: one plan lost its stamp and kept a temporary file. The next
    // run rebuilds it alone and removes the leftover.
    let ctg = out.join("ctg");
    std::fs::remove_file(ctg.join(".plandoc-lot.json")).unwrap();
    std::fs::write(ctg.join(".fiches-actions.pdf.tmp-99999"), b"moitie").unwrap();
    std::fs::write(ctg.join("fiches-actions.pdf"), b"tronque").unwrap();
    let third = run(&["--quiet"]);
    assert_eq!(third.code, 1);
    let r = report(&out, "rapport-lot.json");
    assert_eq!((r["ok"].as_u64(), r["skipped"].as_u64()), (Some(1), Some(3)), "{r}");
    assert!(!ctg.join(".fiches-actions.pdf.tmp-99999").exists());
    assert!(std::fs::read(ctg.join("fiches-actions.pdf")).unwrap().starts_with(b"%PDF"));

    // A changed input is rebuilt; --force rebuilds everything.
    std::fs::copy(sample("canonique-lauragais.xlsx"), dir.join("ctg.xlsx")).unwrap();
    run(&["--quiet"]);
    let r = report(&out, "rapport-lot.json");
    assert_eq!(r["plans"].as_array().unwrap().iter().find(|p| p["input"] == "ctg.xlsx").unwrap()["status"], "ok");
    let forced = run(&["--quiet", "--force"]);
    assert_eq!(forced.code, 1);
    assert_eq!(report(&out, "rapport-lot.json")["ok"], 4);
    // Plain progress lines when not on a terminal; --forcer, the French spelling, is --force.
    let lines = run(&["--forcer"]);
    assert!(lines.stderr.contains("plans à traiter") && lines.stderr.contains("6/6 plans"), "{}", lines.stderr);
}

#[test]
fn shards_take_every_plan_exactly_once() {
    let dir = lot("batch-shards");
    let out = dir.parent().unwrap().join("sortie");
    let mut seen: Vec<String> = Vec::new();
    for k in 1..=3 {
        let shard = format!("{k}/3");
        let o = plandoc(&[
            "batch",
            dir.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--shard",
            &shard,
            "--quiet",
            "--only",
            "plan",
        ]);
        assert!(matches!(o.code, 0 | 1), "{}", o.stderr);
        let r = report(&out, &format!("rapport-lot-{k}-sur-3.json"));
        seen.extend(status_of(&r).into_iter().map(|(i, _)| i));
    }
    seen.sort();
    assert_eq!(seen.len(), 6, "{seen:?}");
    seen.dedup();
    assert_eq!(seen.len(), 6, "chaque plan une seule fois");
}

#[test]
fn wrong_command_lines_exit_two() {
    let dir = tmpdir("batch-wrong");
    for args in [
        vec![
            "batch".to_string(),
            dir.join("absent").to_str().unwrap().to_string(),
            "-o".into(),
            dir.join("o").to_str().unwrap().to_string(),
        ],
        vec![
            "batch".to_string(),
            dir.to_str().unwrap().to_string(),
            "-o".into(),
            dir.join("o").to_str().unwrap().to_string(),
            "--shard".into(),
            "4/3".into(),
        ],
        vec![
            "batch".to_string(),
            dir.to_str().unwrap().to_string(),
            "-o".into(),
            dir.join("o").to_str().unwrap().to_string(),
            "--jobs".into(),
            "0".into(),
        ],
    ] {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = plandoc(&refs);
        assert_eq!(o.code, 2, "{args:?}: {}", o.stderr);
        assert!(o.stderr.contains("plandoc : erreur"), "{}", o.stderr);
    }
}

/// A damaged file that makes the reader loop, another that makes it allocate without end:
/// each is read in its own process under the single build's watchdog, fails with a
/// French message, and the batch goes on with the sound plan.
#[test]
fn a_reader_that_hangs_or_floods_memory_fails_its_plan_only() {
    let dir = tmpdir("batch-watchdog").join("plans");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(sample("001-ctg-ambitions.xlsx"), dir.join("bon.xlsx")).unwrap();
    std::fs::copy(sample("001-ctg-ambitions.xlsx"), dir.join("boucle.xlsx")).unwrap();
    std::fs::copy(sample("001-ctg-ambitions.xlsx"), dir.join("memoire.xlsx")).unwrap();
    let out = dir.parent().unwrap().join("sortie");
    let args = ["batch", dir.to_str().unwrap(), "-o", out.to_str().unwrap(), "--quiet", "--jobs", "2", "--force"];
    for (hook, victim) in [("temps:boucle.xlsx", "boucle.xlsx"), ("memoire:memoire.xlsx", "memoire.xlsx")] {
        let run = common::plandoc_measured(
            &args,
            &[("PLANDOC_TEST_LECTEUR_ENDOMMAGE", hook)],
            std::time::Duration::from_secs(60),
        );
        assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
        let r = report(&out, "rapport-lot.json");
        let bad = r["plans"].as_array().unwrap().iter().find(|p| p["input"] == victim).unwrap();
        assert_eq!(bad["status"], "error", "{r}");
        let msg = bad["error"].as_str().unwrap();
        assert!(msg.contains("lecture abandonnée") && msg.contains(victim), "{msg}");
        let why =
            if hook.starts_with("temps") { "plus de 4 s de calcul : classeur trop long" } else { "plus de 250 Mo" };
        assert!(msg.contains(why), "{msg}");
        assert!(out.join("bon").join("fiches-actions.pdf").is_file(), "{r}");
    }
}

/// Processes (other than this test) whose environment holds `marker`: the readers a
/// batch started, found through /proc.
#[cfg(target_os = "linux")]
fn processes_marked(marker: &str) -> Vec<String> {
    let me = std::process::id().to_string();
    let needle = format!("PLANDOC_TEST_MARQUE={marker}");
    let mut found = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let pid = e.file_name().to_string_lossy().into_owned();
        if !pid.bytes().all(|b| b.is_ascii_digit()) || pid == me {
            continue;
        }
        let Ok(env) = std::fs::read(e.path().join("environ")) else { continue };
        if env.split(|b| *b == 0).any(|v| v == needle.as_bytes()) {
            let cmd = std::fs::read(e.path().join("cmdline")).unwrap_or_default();
            found.push(format!("{pid}: {}", String::from_utf8_lossy(&cmd).replace('\0', " ")));
        }
    }
    found
}

/// The readers are kept from plan to plan: a reader ended by its watchdog, one that dies
/// without a word and one that answers garbage each fail their own plan only, with the
/// French diagnostic, and the next plan (one worker: the very next one) is read by a fresh
/// reader. No reader is left once the batch is over.
#[test]
fn after_a_reader_fails_the_next_plan_gets_a_fresh_one() {
    let dir = tmpdir("batch-lecteur-neuf").join("plans");
    std::fs::create_dir_all(&dir).unwrap();
    let names =
        ["a-bon.xlsx", "b-memoire.xlsx", "c-bon.xlsx", "d-mort.xlsx", "e-bon.xlsx", "f-charabia.xlsx", "g-bon.xlsx"];
    for n in names {
        std::fs::copy(sample("001-ctg-ambitions.xlsx"), dir.join(n)).unwrap();
    }
    let out = dir.parent().unwrap().join("sortie");
    let args = ["batch", dir.to_str().unwrap(), "-o", out.to_str().unwrap(), "--quiet", "--jobs", "1", "--force"];
    let marker = format!("lecteur-neuf-{}", std::process::id());
    for (hook, victim, why) in [
        ("memoire:b-memoire.xlsx", "b-memoire.xlsx", "plus de 250 Mo"),
        ("mort:d-mort.xlsx", "d-mort.xlsx", "le lecteur s'est arrêté sans réponse"),
        ("charabia:f-charabia.xlsx", "f-charabia.xlsx", "le lecteur s'est arrêté sans réponse"),
    ] {
        let run = common::plandoc_measured(
            &args,
            &[("PLANDOC_TEST_LECTEUR_ENDOMMAGE", hook), ("PLANDOC_TEST_MARQUE", &marker)],
            std::time::Duration::from_secs(60),
        );
        assert_eq!(run.code, 1, "{hook}: {}{}", run.stdout, run.stderr);
        let r = report(&out, "rapport-lot.json");
        for p in r["plans"].as_array().unwrap() {
            let input = p["input"].as_str().unwrap();
            if input == victim {
                assert_eq!(p["status"], "error", "{hook}: {p}");
                let msg = p["error"].as_str().unwrap();
                assert!(msg.contains("lecture abandonnée") && msg.contains(victim) && msg.contains(why), "{msg}");
            } else {
                assert_eq!(p["status"], "ok", "{hook}: {p}");
                assert!(out.join(input.trim_end_matches(".xlsx")).join("fiches-actions.pdf").is_file());
            }
        }
        #[cfg(target_os = "linux")]
        assert_eq!(processes_marked(&marker), Vec::<String>::new(), "{hook}: readers left after the batch");
    }
}

/// A batch interrupted midway (SIGINT to the batch process alone, as a supervisor may
/// send it) leaves no reader behind: each sees its input end and stops.
#[cfg(target_os = "linux")]
#[test]
fn an_interrupted_batch_leaves_no_reader_behind() {
    let dir = tmpdir("batch-interrompu").join("plans");
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..40 {
        std::fs::copy(sample("001-ctg-ambitions.xlsx"), dir.join(format!("plan-{i:02}.xlsx"))).unwrap();
    }
    let out = dir.parent().unwrap().join("sortie");
    let marker = format!("interrompu-{}", std::process::id());
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_plandoc"))
        .args(["batch", dir.to_str().unwrap(), "-o", out.to_str().unwrap(), "--quiet", "--jobs", "2", "--force"])
        .env("PLANDOC_TEST_MARQUE", &marker)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Once readers are at work (or the batch is over), interrupt it.
    let start = std::time::Instant::now();
    while processes_marked(&marker).len() < 2 && start.elapsed() < std::time::Duration::from_secs(20) {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    child.wait().unwrap();
    let start = std::time::Instant::now();
    let mut left = processes_marked(&marker);
    while !left.is_empty() && start.elapsed() < std::time::Duration::from_secs(10) {
        std::thread::sleep(std::time::Duration::from_millis(20));
        left = processes_marked(&marker);
    }
    assert_eq!(left, Vec::<String>::new(), "readers left after the interrupted batch");
}

/// A report with what may differ between a full and a resumed run left out: timings,
/// and the status of plans a resumed run skips.
fn said(r: &serde_json::Value) -> Vec<serde_json::Value> {
    let mut plans = r["plans"].as_array().unwrap().clone();
    for p in &mut plans {
        let o = p.as_object_mut().unwrap();
        o.remove("ms");
        o.remove("status");
    }
    plans
}

/// The XLSX report's rows: workbook, output, actions, warnings, messages.
fn report_rows(path: &Path) -> Vec<Vec<String>> {
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(path).unwrap();
    let sheet = wb.worksheet_range("Rapport").unwrap();
    sheet
        .rows()
        .take_while(|row| !row[0].to_string().is_empty())
        .map(|row| [0, 1, 3, 4, 6].iter().map(|&c| row[c].to_string()).collect())
        .collect()
}

#[test]
fn a_resumed_batch_reports_what_a_full_run_reports() {
    let root = tmpdir("batch-resume-report");
    let dir = root.join("plans");
    std::fs::create_dir_all(dir.join("Été")).unwrap();
    // The canonical sample names logo-lauragais.png, absent here: a `logo-illisible` warning.
    std::fs::copy(sample("canonique-lauragais.xlsx"), dir.join("Été/Plan été.xlsx")).unwrap();
    std::fs::copy(sample("001-ctg-ambitions.xlsx"), dir.join("ctg.xlsx")).unwrap();
    std::fs::write(dir.join("cassé.xlsx"), b"pas un classeur").unwrap();
    let out = root.join("sortie");
    let run = || plandoc(&["batch", dir.to_str().unwrap(), "-o", out.to_str().unwrap(), "--quiet"]);
    assert_eq!(run().code, 1);
    let full = report(&out, "rapport-lot.json");
    let full_rows = report_rows(&out.join("rapport-lot.xlsx"));
    assert_eq!((full["ok"].as_u64(), full["skipped"].as_u64()), (Some(2), Some(0)), "{full}");
    let ete = full["plans"].as_array().unwrap().iter().find(|p| p["input"] == "Été/Plan été.xlsx").unwrap();
    assert!(ete["warnings"].as_u64().unwrap() >= 1, "{ete}");
    assert!(ete["diagnostics"].as_array().unwrap().iter().any(|d| d["code"] == "logo-illisible"), "{ete}");

    let resumed_run = run();
    assert_eq!(resumed_run.code, 1);
    let resumed = report(&out, "rapport-lot.json");
    assert_eq!((resumed["ok"].as_u64(), resumed["skipped"].as_u64()), (Some(0), Some(2)), "{resumed}");
    assert_eq!(said(&resumed), said(&full));
    let ete = resumed["plans"].as_array().unwrap().iter().find(|p| p["input"] == "Été/Plan été.xlsx").unwrap();
    assert_eq!(ete["status"], "skipped");
    assert_eq!(ete["actions"], 25, "{ete}");
    assert!(ete["diagnostics"].as_array().unwrap().iter().any(|d| d["code"] == "logo-illisible"), "{ete}");
    // The workbook says the same: actions, warnings and messages of every plan.
    assert_eq!(report_rows(&out.join("rapport-lot.xlsx")), full_rows);
    assert!(full_rows.iter().any(|r| r[0] == "Été/Plan été.xlsx" && r[2] == "25" && r[3] != "0"), "{full_rows:?}");
}

/// The batch counts its finished plans into the caller's counter (the server's Lot page
/// shows it): every plan once, built, failed or skipped on a second run.
#[test]
fn the_batch_counts_each_finished_plan_into_the_callers_counter() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let dir = lot("batch-counter");
    let out = dir.parent().unwrap().join("sortie");
    let count = Arc::new(AtomicUsize::new(0));
    let opts = plandoc::batch::BatchOptions {
        jobs: Some(2),
        shard: None,
        force: false,
        only: [plandoc::job::DocKind::Annexe].into_iter().collect(),
        config: None,
        template: plandoc::templates::DocTemplate::embedded(),
        template_fingerprint: String::new(),
        date: None,
        one_fiche_per_page: false,
        sheets: None,
        read: plandoc::ingest::ReadOptions::default(),
        progress: plandoc::batch::ProgressMode::Quiet,
        wait: false,
        logos_within: None,
        isolated_reader: None,
        models: None,
        synthesis: None,
        done_count: Some(count.clone()),
    };
    let first = plandoc::batch::run(&dir, &out, &opts).expect("the batch runs");
    assert_eq!(first.plans.len(), 6, "{:?}", first.plans);
    assert_eq!(count.load(Ordering::Relaxed), 6, "4 built and 2 failed");
    count.store(0, Ordering::Relaxed);
    let again = plandoc::batch::run(&dir, &out, &opts).expect("the batch runs again");
    assert!(again.plans.iter().any(|p| p.status == plandoc::batch::PlanStatus::Skipped), "{:?}", again.plans);
    assert_eq!(count.load(Ordering::Relaxed), 6, "skipped plans are finished too");
}
