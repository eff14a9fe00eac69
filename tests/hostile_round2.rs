//! Hostile input, round 2 (issue 21, outside the web service): files a plan names (a
//! device, a FIFO, a huge file or image as logo), `template --force` on special files,
//! batch edges (resume key, unreadable and linked folders, its own outputs, name
//! collisions, watchdog, --jobs), and Excel limits known at `check`.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{sample, tmpdir};

/// Peak memory allowed to any run on hostile input.
const MAX_RSS_KB: i64 = 300 * 1024;

/// A plan folder: a small sample plan and its plandoc.toml naming `logo`.
fn plan_with_logo(name: &str, logo: &str) -> PathBuf {
    let dir = tmpdir(name);
    std::fs::copy(sample("002-pst-sections-annees.xlsx"), dir.join("plan.xlsx")).unwrap();
    std::fs::write(dir.join("plandoc.toml"), format!("[plan]\nlogo = \"{logo}\"\n")).unwrap();
    dir
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo {}", path.display());
}

/// A 40-byte baseline JPEG whose frame header declares 65,500 × 65,500 pixels.
fn huge_jpeg() -> Vec<u8> {
    let mut b = vec![0xFF, 0xD8, 0xFF, 0xC0, 0, 17, 8, 0xFF, 0xDC, 0xFF, 0xDC, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1];
    b.extend([0xFF, 0xD9]);
    b.resize(40, 0);
    b
}

/// Old binary: `logo = "/dev/zero"` grew to 8.5 GB in 20 s; a FIFO hung `check`, `build`
/// and `batch` forever; a 1 GB file was read whole; the 65,500² JPEG went into every
/// PDF without a word. Now each is a `logo-illisible` warning naming the path and the
/// reason, within seconds and bounded memory, and the documents are built without it.
#[test]
fn a_logo_that_is_a_device_a_fifo_a_huge_file_or_image_is_refused_with_its_reason() {
    let fifo_dir = tmpdir("r2-logo-fifo-src");
    mkfifo(&fifo_dir.join("logo.png"));
    let big = tmpdir("r2-logo-big-src").join("logo.png");
    std::fs::File::create(&big).unwrap().set_len(1 << 30).unwrap(); // sparse: 1 GB read as zeros
    let jpeg = tmpdir("r2-logo-jpeg-src").join("logo.jpg");
    std::fs::write(&jpeg, huge_jpeg()).unwrap();
    let cases: [(&str, String, &str); 4] = [
        ("r2-logo-zero", "/dev/zero".into(), "ce n'est pas un fichier ordinaire (périphérique)"),
        ("r2-logo-fifo", fifo_dir.join("logo.png").display().to_string(), "ce n'est pas un fichier ordinaire (tube nommé)"),
        ("r2-logo-big", big.display().to_string(), "fichier de 1024 Mo, plus que les 20 Mo admis"),
        ("r2-logo-jpeg", jpeg.display().to_string(), "image de 65500 × 65500 pixels, trop grande pour un logo"),
    ];
    for (name, logo, why) in cases {
        let dir = plan_with_logo(name, &logo);
        let plan = dir.join("plan.xlsx");
        let check = common::plandoc_measured(&["check", plan.to_str().unwrap()], &[], Duration::from_secs(10));
        assert_eq!(check.code, 0, "{name}: {}{}", check.stdout, check.stderr);
        let said = format!("logo « {logo} » ignoré : {why}");
        assert!(check.stdout.contains(&said), "{name}: {said}\n{}", check.stdout);
        assert!(check.max_rss_kb < MAX_RSS_KB, "{name}: {} Ko", check.max_rss_kb);
        let out = dir.join("sortie");
        let build = common::plandoc_measured(
            &["build", plan.to_str().unwrap(), "-o", out.to_str().unwrap(), "--only", "fiches"],
            &[],
            Duration::from_secs(30),
        );
        assert_eq!(build.code, 0, "{name}: {}", build.stderr);
        assert!(build.stderr.contains(&said), "{name}: {}", build.stderr);
        assert!(build.max_rss_kb < MAX_RSS_KB, "{name}: {} Ko", build.max_rss_kb);
        let list = std::process::Command::new("pdfimages")
            .args(["-list", out.join("fiches-actions.pdf").to_str().unwrap()])
            .output()
            .unwrap();
        let list = String::from_utf8_lossy(&list.stdout);
        assert_eq!(list.lines().count(), 2, "{name}: aucune image attendue\n{list}");
    }
    // A batch whose plan names a FIFO finishes, the plan built with a warning.
    let dir = plan_with_logo("r2-logo-batch", &fifo_dir.join("logo.png").display().to_string());
    let out = dir.join("sortie");
    let run = common::plandoc_with_limit(
        &["batch", dir.to_str().unwrap(), "-o", out.to_str().unwrap(), "--quiet", "--only", "fiches"],
        Duration::from_secs(30),
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("rapport-lot.json")).unwrap()).unwrap();
    let p = &r["plans"][0];
    assert_eq!((p["status"].as_str(), p["warnings"].as_u64()), (Some("ok"), Some(1)), "{r}");
    assert!(p["diagnostics"].to_string().contains("tube nommé"), "{r}");
}

/// Old binary: `template -o FIFO --force` replaced the FIFO with a regular file, and
/// `-o LINK --force` replaced the link itself. Now anything but a regular file (or a new
/// name) is refused, exit 2, and left as it was.
#[test]
fn template_force_never_replaces_a_fifo_a_device_or_a_link() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tmpdir("r2-template");
    let fifo = dir.join("modele.xlsx");
    mkfifo(&fifo);
    let target = dir.join("vrai.xlsx");
    std::fs::write(&target, b"contenu de l'utilisateur").unwrap();
    let link = dir.join("lien.xlsx");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let cases = [
        (fifo.clone(), "n'est pas un fichier ordinaire"),
        (PathBuf::from("/dev/null"), "n'est pas un fichier ordinaire"),
        (link.clone(), "est un lien symbolique (vers « "),
    ];
    for (path, why) in cases {
        let out = common::plandoc_with_limit(
            &["template", "-o", path.to_str().unwrap(), "--force"],
            Duration::from_secs(10),
        );
        assert_eq!(out.code, 2, "{}: {}", path.display(), out.stderr);
        assert!(out.stderr.contains(why) && out.stderr.contains(path.to_str().unwrap()), "{}", out.stderr);
        assert!(out.stderr.contains("même avec --force"), "{}", out.stderr);
    }
    assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    assert!(std::fs::metadata("/dev/null").unwrap().file_type().is_char_device());
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read(&target).unwrap(), b"contenu de l'utilisateur");
    // A regular file is still replaced with --force: a workbook calamine reads.
    let out = common::plandoc(&["template", "-o", target.to_str().unwrap(), "--force"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(std::fs::read(&target).unwrap().starts_with(b"PK"));
}

fn report(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(out.join("rapport-lot.json")).unwrap()).unwrap()
}

/// (input, status) of every line of a batch report.
fn statuses(r: &serde_json::Value) -> Vec<(String, String)> {
    r["plans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["input"].as_str().unwrap().to_string(), p["status"].as_str().unwrap().to_string()))
        .collect()
}

fn batch(dir: &Path, out: &Path, extra: &[&str]) -> common::Output {
    let mut args = vec!["batch", dir.to_str().unwrap(), "-o", out.to_str().unwrap(), "--quiet", "--only", "fiches"];
    args.extend_from_slice(extra);
    common::plandoc_with_limit(&args, Duration::from_secs(120))
}

fn pair(a: &str, b: &str) -> (String, String) {
    (a.to_string(), b.to_string())
}

/// Old binary: a resumed batch ignored a change to the plandoc.toml or the logo beside a
/// plan (reported `skipped`, documents kept the old collectivité). Now the resume mark
/// holds the hash of the configuration and of the logo: any change rebuilds the plan.
#[test]
fn a_resumed_batch_rebuilds_a_plan_whose_configuration_or_logo_changed() {
    let dir = tmpdir("r2-resume").join("plans");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(sample("002-pst-sections-annees.xlsx"), dir.join("plan.xlsx")).unwrap();
    std::fs::copy(sample("logo-lauragais.png"), dir.join("logo.png")).unwrap();
    let toml = |c: &str| format!("[plan]\ncollectivite = \"{c}\"\nlogo = \"logo.png\"\n");
    std::fs::write(dir.join("plandoc.toml"), toml("Commune de Aubergenville")).unwrap();
    let out = dir.parent().unwrap().join("sortie");
    let fiches = out.join("plan/fiches-actions.pdf");
    let images = |pdf: &Path| {
        let l = std::process::Command::new("pdfimages").args(["-list", pdf.to_str().unwrap()]).output().unwrap();
        String::from_utf8_lossy(&l.stdout).lines().count() - 2
    };
    let status = |extra: &[&str]| {
        let run = batch(&dir, &out, extra);
        assert!(run.code == 0, "{}{}", run.stdout, run.stderr);
        statuses(&report(&out))[0].1.clone()
    };
    assert_eq!(status(&[]), "ok");
    assert!(common::pdf::page_text(&fiches, 1).contains("Aubergenville"));
    assert!(images(&fiches) > 0);
    assert_eq!(status(&[]), "skipped");
    // The collectivité changed in plandoc.toml.
    std::fs::write(dir.join("plandoc.toml"), toml("Commune de Bonnières")).unwrap();
    assert_eq!(status(&[]), "ok");
    let text = common::pdf::page_text(&fiches, 1);
    assert!(text.contains("Bonnières") && !text.contains("Aubergenville"), "{text}");
    assert_eq!(status(&[]), "skipped");
    // The logo replaced by a file that is not an image: rebuilt, without a logo.
    std::fs::write(dir.join("logo.png"), b"plus une image").unwrap();
    assert_eq!(status(&[]), "ok");
    assert_eq!(images(&fiches), 0);
    assert_eq!(status(&[]), "skipped");
    // The configuration removed: rebuilt again.
    std::fs::remove_file(dir.join("plandoc.toml")).unwrap();
    assert_eq!(status(&[]), "ok");
    assert!(!common::pdf::page_text(&fiches, 1).contains("Bonnières"));
}

/// Old binary: one subfolder it could not read stopped the whole batch (exit 2, no
/// report, no folder named). Now it is a failed line naming the folder and the reason,
/// and the other plans are built. Tests run as root, whom mode 000 does not stop: the
/// batch then runs as user 65534 (`setpriv`), for whom the folder is unreadable.
#[test]
fn an_unreadable_subfolder_is_a_failed_line_and_the_batch_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    let base = tmpdir("r2-unreadable");
    let dir = base.join("plans");
    std::fs::create_dir_all(dir.join("ferme")).unwrap();
    std::fs::create_dir_all(dir.join("ouvert")).unwrap();
    std::fs::copy(sample("002-pst-sections-annees.xlsx"), dir.join("ouvert/plan.xlsx")).unwrap();
    std::fs::copy(sample("002-pst-sections-annees.xlsx"), dir.join("ferme/cache.xlsx")).unwrap();
    std::fs::set_permissions(dir.join("ferme"), std::fs::Permissions::from_mode(0o000)).unwrap();
    let out = base.join("sortie");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o777)).unwrap();
    let exe = env!("CARGO_BIN_EXE_plandoc");
    let args = [dir.to_str().unwrap(), "-o", out.to_str().unwrap(), "--quiet", "--only", "fiches"];
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let mut cmd = if root {
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", exe, "batch"]);
        c
    } else {
        let mut c = std::process::Command::new(exe);
        c.arg("batch");
        c
    };
    let run = cmd.args(args).output().unwrap();
    std::fs::set_permissions(dir.join("ferme"), std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(run.status.code(), Some(1), "{}", String::from_utf8_lossy(&run.stderr));
    let r = report(&out);
    assert_eq!(statuses(&r), vec![pair("ferme", "error"), pair("ouvert/plan.xlsx", "ok")], "{r}");
    assert_eq!(
        r["plans"][0]["error"].as_str().unwrap(),
        "« ferme » : dossier illisible (permission refusée) : les plans qu'il contient n'ont pas été traités"
    );
    assert!(out.join("ouvert/plan/fiches-actions.pdf").is_file());
}

/// Old binary: links were skipped without a word ("1 plans à traiter" for 3). Now a link
/// to a plan inside the folder is followed; a link outside it, a broken one and a loop
/// are report lines `skipped` with the reason.
#[test]
fn linked_plans_are_followed_inside_the_folder_and_others_listed_with_the_reason() {
    use std::os::unix::fs::symlink;
    let base = tmpdir("r2-links");
    let dir = base.join("plans");
    std::fs::create_dir_all(base.join("ailleurs")).unwrap();
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(sample("002-pst-sections-annees.xlsx"), dir.join("a.xlsx")).unwrap();
    std::fs::copy(sample("002-pst-sections-annees.xlsx"), base.join("ailleurs/b.xlsx")).unwrap();
    symlink("a.xlsx", dir.join("lien.xlsx")).unwrap();
    symlink(".", dir.join("boucle")).unwrap();
    symlink("../ailleurs/b.xlsx", dir.join("dehors.xlsx")).unwrap();
    symlink("absent.xlsx", dir.join("brise.xlsx")).unwrap();
    let out = base.join("sortie");
    let run = batch(&dir, &out, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = report(&out);
    assert_eq!(
        statuses(&r),
        vec![
            pair("a.xlsx", "ok"),
            pair("boucle", "skipped"),
            pair("brise.xlsx", "skipped"),
            pair("dehors.xlsx", "skipped"),
            pair("lien.xlsx", "ok")
        ],
        "{r}"
    );
    let why = |i: usize| r["plans"][i]["error"].as_str().unwrap().to_string();
    assert!(why(1).contains("déjà parcouru"), "{}", why(1));
    assert!(why(2).contains("lien brisé (introuvable)"), "{}", why(2));
    let outside = base.join("ailleurs/b.xlsx").canonicalize().unwrap();
    assert!(why(3).contains(&format!("lien vers « {} », hors du dossier du lot", outside.display())), "{}", why(3));
    for p in ["a", "lien"] {
        assert!(common::pdf::page_text(&out.join(p).join("fiches-actions.pdf"), 1).contains("Fiche"), "{p}");
    }
}

/// Old binary: `batch DIR -o DIR` worked once, then failed forever (its own annexe.xlsx
/// and rapport-lot.xlsx taken for plans). Now the documents of an earlier batch are not
/// plans: the second run skips the unchanged plan and reads nothing else.
#[test]
fn a_batch_writing_into_its_own_folder_runs_again() {
    let dir = tmpdir("r2-same").join("plans");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(sample("002-pst-sections-annees.xlsx"), dir.join("pst.xlsx")).unwrap();
    let run = |want: &str| {
        let run = common::plandoc_with_limit(
            &["batch", dir.to_str().unwrap(), "-o", dir.to_str().unwrap(), "--quiet", "--only", "annexe,fiches"],
            Duration::from_secs(120),
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(statuses(&report(&dir)), vec![pair("pst.xlsx", want)]);
    };
    run("ok");
    assert!(dir.join("pst/annexe.xlsx").is_file() && dir.join("rapport-lot.xlsx").is_file());
    run("skipped");
    // Changed, it is built again, over its own documents.
    std::fs::copy(sample("002-pst-sections-annees.ods"), dir.join("pst.ods")).unwrap();
    let out = common::plandoc(&["batch", dir.to_str().unwrap(), "-o", dir.to_str().unwrap(), "--quiet"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let s = statuses(&report(&dir));
    assert_eq!(s.len(), 2, "{s:?}");
}

/// Old binary: `x.xlsx` beside `x/annexe.xlsx.xlsx` made plan x fail (the other plan's
/// output folder sat where x's annex goes); `Plan.xlsx` and `plan.ods` wrote into one
/// folder on case-insensitive disks. Now such names get distinct folders.
#[test]
fn output_folders_never_collide_with_documents_nor_by_case() {
    let dir = tmpdir("r2-collide").join("plans");
    std::fs::create_dir_all(dir.join("x")).unwrap();
    for name in ["x.xlsx", "x/annexe.xlsx.xlsx", "Plan.xlsx"] {
        std::fs::copy(sample("002-pst-sections-annees.xlsx"), dir.join(name)).unwrap();
    }
    std::fs::copy(sample("002-pst-sections-annees.ods"), dir.join("plan.ods")).unwrap();
    let out = dir.parent().unwrap().join("sortie");
    let run = common::plandoc_with_limit(
        &["batch", dir.to_str().unwrap(), "-o", out.to_str().unwrap(), "--quiet", "--only", "annexe"],
        Duration::from_secs(120),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = report(&out);
    let outputs: Vec<(String, String, String)> = r["plans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (p["input"].as_str().unwrap().into(), p["status"].as_str().unwrap().into(), p["output"].as_str().unwrap().into())
        })
        .collect();
    assert_eq!(outputs[0], ("Plan.xlsx".into(), "ok".into(), "Plan".into()), "{r}");
    assert!(outputs[1].2.starts_with("plan-") && outputs[1].1 == "ok", "{r}");
    assert_eq!(outputs[2], ("x.xlsx".into(), "ok".into(), "x".into()), "{r}");
    assert_eq!(outputs[3], ("x/annexe.xlsx.xlsx".into(), "ok".into(), "x/annexe.xlsx-plan".into()), "{r}");
    assert!(out.join("x/annexe.xlsx").is_file() && out.join("x/annexe.xlsx-plan/annexe.xlsx").is_file());
    let folded: std::collections::BTreeSet<String> = outputs.iter().map(|o| o.2.to_lowercase()).collect();
    assert_eq!(folded.len(), 4);
}

/// Old binary: the reading watchdog counted wall-clock time: 8 plans each reading in
/// 1.5 s of CPU, with `--jobs 8` on 2 cores, failed as "sans doute endommagé". Now it
/// counts CPU time: all are built; a reading that never ends still fails, as "trop long".
/// `--jobs 10000` is brought down to 4 per core, said on stderr.
#[test]
fn slow_readings_sharing_cores_are_not_taken_for_damaged_files() {
    let dir = tmpdir("r2-cpu").join("plans");
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..8 {
        std::fs::copy(sample("002-pst-sections-annees.xlsx"), dir.join(format!("plan-{i}.xlsx"))).unwrap();
    }
    let out = dir.parent().unwrap().join("sortie");
    let args = ["batch", dir.to_str().unwrap(), "-o", out.to_str().unwrap(), "--quiet", "--only", "echeancier"];
    let mut with_jobs = args.to_vec();
    with_jobs.extend(["--jobs", "8"]);
    let run = common::plandoc_measured(&with_jobs, &[("PLANDOC_TEST_LECTEUR_ENDOMMAGE", "lent:.xlsx")], Duration::from_secs(300));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = report(&out);
    assert_eq!(r["ok"], 8, "{r}");
    let longest = r["plans"].as_array().unwrap().iter().map(|p| p["ms"].as_u64().unwrap()).max().unwrap();
    eprintln!("plus longue lecture + construction : {longest} ms");
    // A reading that never ends: "trop long", not "endommagé".
    let mut forced = args.to_vec();
    forced.extend(["--force", "--jobs", "10000"]);
    let run = common::plandoc_measured(&forced, &[("PLANDOC_TEST_LECTEUR_ENDOMMAGE", "temps:plan-3.xlsx")], Duration::from_secs(120));
    assert_eq!(run.code, 1, "{}", run.stderr);
    let cores = std::thread::available_parallelism().unwrap().get();
    assert!(run.stderr.contains(&format!("--jobs 10000 ramené à {}", 4 * cores)), "{}", run.stderr);
    let r = report(&out);
    assert_eq!(r["ok"], 7, "{r}");
    let msg = r["plans"][3]["error"].as_str().unwrap();
    assert!(msg.contains("plus de 4 s de calcul : classeur trop long à lire") && !msg.contains("endommagé"), "{msg}");
}
