//! No user file replaced by surprise, all-or-nothing builds, one batch at a time per
//! folder, a killed batch resumed into sound documents. Real processes, real files.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{plandoc, sample, snapshot, tmpdir};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn template_refuses_an_existing_file_unless_forced() {
    let dir = tmpdir("safe-template");
    let plan = dir.join("mon-plan.xlsx");
    std::fs::copy(sample("canonique-lauragais.xlsx"), &plan).unwrap();
    let before = std::fs::read(&plan).unwrap();
    let out = plandoc(&["template", "-o", s(&plan)]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("existe déjà") && out.stderr.contains("--force"), "{}", out.stderr);
    assert!(out.stderr.contains("mon-plan.xlsx"), "{}", out.stderr);
    assert_eq!(std::fs::read(&plan).unwrap(), before, "le plan rempli est intact");
    let out = plandoc(&["template", "-o", s(&plan), "--force"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_ne!(std::fs::read(&plan).unwrap(), before);
    let out = plandoc(&["template", "-o", s(&dir)]);
    assert_eq!(out.code, 2);
}

#[test]
fn build_never_writes_over_its_input_even_through_a_hard_link() {
    let dir = tmpdir("safe-build-input");
    let out_dir = dir.join("sortie");
    std::fs::create_dir_all(&out_dir).unwrap();
    // The annex is the canonical input workbook: users build it from where it lies.
    let annexe = out_dir.join("annexe.xlsx");
    std::fs::copy(sample("canonique-lauragais.xlsx"), &annexe).unwrap();
    std::fs::copy(sample("logo-lauragais.png"), out_dir.join("logo-lauragais.png")).unwrap();
    let before = snapshot(&dir);
    let out = plandoc(&["build", s(&annexe), "-o", s(&out_dir)]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("annexe.xlsx") && out.stderr.contains("ne l'écrasera pas"), "{}", out.stderr);
    assert_eq!(snapshot(&dir), before, "rien n'a changé");

    // Another name for the same file: a hard link.
    let plan = dir.join("plan.xlsx");
    std::fs::copy(sample("canonique-lauragais.xlsx"), &plan).unwrap();
    std::fs::copy(sample("logo-lauragais.png"), dir.join("logo-lauragais.png")).unwrap();
    let other = dir.join("autre");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::hard_link(&plan, other.join("annexe.xlsx")).unwrap();
    let before = snapshot(&dir);
    let out = plandoc(&["build", s(&plan), "-o", s(&other)]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("plan.xlsx"), "{}", out.stderr);
    assert_eq!(snapshot(&dir), before);
}

#[test]
fn evaluation_and_batch_never_write_over_their_inputs() {
    let dir = tmpdir("safe-eval-batch");
    let out_dir = dir.join("bilan");
    std::fs::create_dir_all(&out_dir).unwrap();
    let input = out_dir.join("evaluation.xlsx");
    std::fs::copy(sample("suivi-lauragais.xlsx"), &input).unwrap();
    let before = snapshot(&dir);
    let out = plandoc(&["evaluation", s(&input), "-o", s(&out_dir)]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("evaluation.xlsx"), "{}", out.stderr);
    assert_eq!(snapshot(&dir), before);

    // A batch whose output folder holds a hard link to one of its plans.
    let plans = dir.join("plans");
    std::fs::create_dir_all(&plans).unwrap();
    std::fs::copy(sample("002-pst-sections-annees.xlsx"), plans.join("b.xlsx")).unwrap();
    std::fs::copy(sample("000-pst-ambitions-texte.xlsx"), plans.join("a.xlsx")).unwrap();
    let lot = dir.join("lot");
    std::fs::create_dir_all(lot.join("b")).unwrap();
    std::fs::hard_link(plans.join("a.xlsx"), lot.join("b").join("annexe.xlsx")).unwrap();
    let before = snapshot(&dir);
    let out = plandoc(&["batch", s(&plans), "-o", s(&lot), "--quiet"]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("annexe.xlsx") && out.stderr.contains("a.xlsx"), "{}", out.stderr);
    let after: Vec<_> = snapshot(&dir).into_iter().filter(|(n, _)| !n.contains(".verrou")).collect();
    assert_eq!(after, before);
}

/// Mounts a tmpfs of `kb` kilobytes on `dir`; false where mounting is not permitted.
fn mount_tmpfs(dir: &Path, kb: u64) -> bool {
    Command::new("mount")
        .args(["-t", "tmpfs", "-o", &format!("size={kb}k"), "tmpfs", s(dir)])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|st| st.success())
}

fn umount(dir: &Path) {
    let _ = Command::new("umount").arg(dir).status();
}

/// A folder holding another plan's finished documents, then a build into it that runs
/// out of space: the folder is exactly as before, no temporary left.
fn full_disk_leaves_folder_as_before(target: &Path, env: &[(&str, &str)]) {
    std::fs::copy(sample("002-pst-sections-annees.xlsx"), target.join("annexe.xlsx")).unwrap();
    std::fs::write(target.join("notes.txt"), "ne pas toucher").unwrap();
    let before = snapshot(target);
    let out = common::plandoc_measured(
        &["build", s(&sample("canonique-lauragais.xlsx")), "-o", s(target)],
        env,
        Duration::from_secs(60),
    );
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("disque plein") && out.stderr.contains("aucun document"), "{}", out.stderr);
    assert_eq!(snapshot(target), before, "dossier inchangé, aucun fichier temporaire");
}

#[test]
fn a_build_on_a_full_disk_changes_nothing() {
    // Injected write error (works everywhere): the third document cannot be written.
    let dir = tmpdir("safe-full-injected");
    full_disk_leaves_folder_as_before(&dir, &[("PLANDOC_TEST_DISQUE_PLEIN_APRES", "2")]);

    // A real full filesystem: a 160 KB tmpfs holds some documents, not all (≈ 200 KB).
    let mnt = tmpdir("safe-full-tmpfs");
    if !mount_tmpfs(&mnt, 160) {
        // The injected error above already proves the guarantee; say loudly what is missing.
        eprintln!(
            "ATTENTION : montage d'un tmpfs impossible ici (root requis) : seul le disque plein simulé est testé"
        );
        return;
    }
    let result = std::panic::catch_unwind(|| full_disk_leaves_folder_as_before(&mnt, &[]));
    umount(&mnt);
    result.unwrap();
}

/// Several plans in a folder: copies of the samples under distinct names.
fn plans_folder(dir: &Path, copies: usize) -> PathBuf {
    let plans = dir.join("plans");
    std::fs::create_dir_all(&plans).unwrap();
    let names =
        ["canonique-lauragais.xlsx", "002-pst-sections-annees.xlsx", "001-ctg-ambitions.xlsx", "suivi-lauragais.xlsx"];
    for i in 0..copies {
        let name = names[i % names.len()];
        std::fs::copy(sample(name), plans.join(format!("{i:02}-{name}"))).unwrap();
    }
    std::fs::copy(sample("logo-lauragais.png"), plans.join("logo-lauragais.png")).unwrap();
    plans
}

fn spawn_batch(plans: &Path, out: &Path, extra: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_plandoc"))
        .args(["batch", s(plans), "-o", s(out), "--quiet", "--jobs", "1"])
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn a_second_batch_on_the_same_folder_waits_or_stops_at_once() {
    let dir = tmpdir("safe-lock");
    let plans = plans_folder(&dir, 40);
    let out = dir.join("lot");
    let mut first = spawn_batch(&plans, &out, &[]);
    let lock = out.join(".plandoc-lot.verrou");
    let start = Instant::now();
    while !std::fs::read_to_string(&lock).is_ok_and(|t| t.contains("processus")) {
        assert!(start.elapsed() < Duration::from_secs(30), "verrou jamais pris");
        std::thread::sleep(Duration::from_millis(5));
    }
    // Without --attendre: exit 2 at once, naming the holder.
    let second = plandoc(&["batch", s(&plans), "-o", s(&out), "--quiet"]);
    assert!(first.try_wait().unwrap().is_none(), "le premier lot a fini trop tôt pour conclure");
    assert_eq!(second.code, 2, "{}", second.stderr);
    assert!(second.stderr.contains(&format!("processus {}", first.id())), "{}", second.stderr);
    assert!(second.stderr.contains("--attendre"), "{}", second.stderr);
    // With --attendre: runs after the first, finds everything built, reports it so.
    let third = spawn_batch(&plans, &out, &["--attendre"]);
    let first_status = first.wait().unwrap();
    assert!(first_status.success());
    // The first run's report is not read here: the third may already have replaced it (it
    // takes the lock the moment the first lets go). Its 40 skipped plans prove the first
    // built all 40.
    let third = third.wait_with_output().unwrap();
    assert!(third.status.success(), "{}", String::from_utf8_lossy(&third.stderr));
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("rapport-lot.json")).unwrap()).unwrap();
    assert_eq!((report["skipped"].as_u64(), report["errors"].as_u64()), (Some(40), Some(0)), "{report}");
}

/// Every document of a plan folder is sound: PDFs pass `qpdf --check`, XLSX open.
fn assert_sound(plan_dir: &Path) {
    for e in std::fs::read_dir(plan_dir).unwrap().flatten() {
        let p = e.path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".pdf") {
            let st = Command::new("qpdf").args(["--check", s(&p)]).output().expect("qpdf (apt-get install qpdf)");
            assert!(st.status.success(), "{name} : {}", String::from_utf8_lossy(&st.stdout));
        } else if name.ends_with(".xlsx") {
            use calamine::Reader;
            let mut wb = calamine::open_workbook_auto(&p).unwrap_or_else(|e| panic!("{name} : {e}"));
            let first = wb.sheet_names()[0].clone();
            wb.worksheet_range(&first).unwrap_or_else(|e| panic!("{name} : {e}"));
        }
    }
}

#[test]
fn a_batch_killed_at_random_points_resumes_into_sound_documents() {
    let dir = tmpdir("safe-kill");
    let plans = plans_folder(&dir, 12);
    let out = dir.join("lot");
    // A small generator seeded from the clock; the seed is printed to replay a failure.
    let mut seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64;
    eprintln!("graine : {seed}");
    let mut next = move |n: u64| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    for round in 0..5 {
        let mut child = spawn_batch(&plans, &out, &["--jobs", "2"]);
        std::thread::sleep(Duration::from_millis(50 + next(900)));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        // Whatever a mark says is done is complete and sound.
        for e in walk_dirs(&out) {
            if let Ok(stamp) = std::fs::read(e.join(".plandoc-lot.json")) {
                let stamp: serde_json::Value = serde_json::from_slice(&stamp).unwrap();
                for f in stamp["files"].as_array().unwrap() {
                    assert!(e.join(f.as_str().unwrap()).is_file(), "tour {round} : {f} marqué mais absent");
                }
                assert_sound(&e);
            }
        }
    }
    let out_run = plandoc(&["batch", s(&plans), "-o", s(&out), "--quiet"]);
    assert_eq!(out_run.code, 0, "{}", out_run.stderr);
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("rapport-lot.json")).unwrap()).unwrap();
    assert_eq!(report["errors"], 0, "{report}");
    let dirs: Vec<PathBuf> = walk_dirs(&out).into_iter().filter(|d| d.join(".plandoc-lot.json").is_file()).collect();
    assert_eq!(dirs.len(), 12);
    for d in &dirs {
        assert_sound(d);
        for e in std::fs::read_dir(d).unwrap().flatten() {
            assert!(!e.file_name().to_string_lossy().contains(".tmp-"), "temporaire laissé : {:?}", e.path());
        }
    }
}

fn walk_dirs(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(root) else { return out };
    for e in entries.flatten() {
        if e.path().is_dir() {
            out.push(e.path());
            out.extend(walk_dirs(&e.path()));
        }
    }
    out
}

/// Renames that fail midway while publishing (injected: the third fails): the renames
/// already done are undone, the folder holds exactly what it held, old versions included.
#[test]
fn a_publication_failing_midway_is_rolled_back() {
    let dir = tmpdir("safe-rename-rollback");
    // A folder with this plan's earlier documents, built from another input.
    let first = plandoc(&["build", s(&sample("002-pst-sections-annees.xlsx")), "-o", s(&dir)]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    std::fs::write(dir.join("notes.txt"), "ne pas toucher").unwrap();
    let before = snapshot(&dir);
    let out = common::plandoc_measured(
        &["build", s(&sample("canonique-lauragais.xlsx")), "-o", s(&dir)],
        &[("PLANDOC_TEST_RENOMMAGE_ECHOUE_APRES", "2")],
        Duration::from_secs(60),
    );
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("aucun document n'a été écrit ni remplacé"), "{}", out.stderr);
    assert_eq!(snapshot(&dir), before, "dossier inchangé : anciens documents remis, aucun temporaire");
    // Into an empty folder: nothing at all is left.
    let empty = tmpdir("safe-rename-rollback-empty");
    let out = common::plandoc_measured(
        &["build", s(&sample("canonique-lauragais.xlsx")), "-o", s(&empty)],
        &[("PLANDOC_TEST_RENOMMAGE_ECHOUE_APRES", "1")],
        Duration::from_secs(60),
    );
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(snapshot(&empty).is_empty(), "{:?}", snapshot(&empty).iter().map(|f| &f.0).collect::<Vec<_>>());
}
