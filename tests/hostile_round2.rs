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
        (
            "r2-logo-fifo",
            fifo_dir.join("logo.png").display().to_string(),
            "ce n'est pas un fichier ordinaire (tube nommé)",
        ),
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
        let out =
            common::plandoc_with_limit(&["template", "-o", path.to_str().unwrap(), "--force"], Duration::from_secs(10));
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
            (
                p["input"].as_str().unwrap().into(),
                p["status"].as_str().unwrap().into(),
                p["output"].as_str().unwrap().into(),
            )
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
    let run = common::plandoc_measured(
        &with_jobs,
        &[("PLANDOC_TEST_LECTEUR_ENDOMMAGE", "lent:.xlsx")],
        Duration::from_secs(300),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = report(&out);
    assert_eq!(r["ok"], 8, "{r}");
    let longest = r["plans"].as_array().unwrap().iter().map(|p| p["ms"].as_u64().unwrap()).max().unwrap();
    eprintln!("plus longue lecture + construction : {longest} ms");
    // A reading that never ends: "trop long", not "endommagé".
    let mut forced = args.to_vec();
    forced.extend(["--force", "--jobs", "10000"]);
    let run = common::plandoc_measured(
        &forced,
        &[("PLANDOC_TEST_LECTEUR_ENDOMMAGE", "temps:plan-3.xlsx")],
        Duration::from_secs(120),
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let cores = std::thread::available_parallelism().unwrap().get();
    assert!(run.stderr.contains(&format!("--jobs 10000 ramené à {}", 4 * cores)), "{}", run.stderr);
    let r = report(&out);
    assert_eq!(r["ok"], 7, "{r}");
    let msg = r["plans"][3]["error"].as_str().unwrap();
    assert!(msg.contains("plus de 4 s de calcul : classeur trop long à lire") && !msg.contains("endommagé"), "{msg}");
}

/// What openpyxl (an independent reader) sees of an annex: each sheet's state, print
/// header, data validations, and the lengths and ends of the cells named.
fn annex_facts(annex: &Path) -> serde_json::Value {
    let script = r#"
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = {}
for ws in wb.worksheets:
    cells = {}
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, str) and len(c.value) > 200:
                cells[c.coordinate] = [len(c.value.encode('utf-16-le')) // 2, c.value[-12:]]
    out[ws.title] = {
        "state": ws.sheet_state,
        "header": (ws.oddHeader.left.text or "") + "|" + (ws.oddHeader.right.text or ""),
        "validations": [[str(v.sqref), v.formula1] for v in ws.data_validations.dataValidation],
        "long": cells,
        "b2": ws["B2"].value if ws.title == "Listes" else None,
    }
print(json.dumps(out))
"#;
    let out = std::process::Command::new("python3").args(["-c", script, annex.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Old binary: `check` said 0 error, then `build` failed (exit 2, no documents, English
/// "String exceeds Excel's limit of 32,767 characters") when two extra columns of one
/// header or two quarter milestones of one year joined past 32,767 characters; a long
/// title and collectivité lost the annex's print header, with "Header string exceeds
/// Excel's limit of 255 characters." printed 4 times. Now `check` warns at the action's
/// cell, `build` succeeds, the annex cuts the joined cell with "…" and shortens the
/// header by its rule, and nothing in English is printed.
#[test]
fn joined_cells_and_long_headers_are_told_at_check_and_met_by_build() {
    let dir = tmpdir("r2-excel-cells");
    let plan = dir.join("plan.xlsx");
    let (a, b) = ("a".repeat(20_000) + "FIN-A", "b".repeat(20_000) + "FIN-B");
    let (t1, t2) = ("Étude ".repeat(3_400), "Travaux ".repeat(2_600));
    let data = vec![
        ["Axe", "N°", "Action", "Ressenti des familles", "Ressenti des familles", "T1 2026", "T2 2026"]
            .map(common::C::T)
            .into_iter()
            .collect(),
        ["Enfance", "1", "Ouvrir une crèche", &a, &b, &t1, &t2].map(common::C::T).into_iter().collect(),
        ["Enfance", "2", "Former les assistantes", "", "", "X", ""].map(common::C::T).into_iter().collect(),
    ];
    common::write_xlsx(&plan, &[("Plan", data)]);
    let title = format!("Plan d'actions {} & suivi", "de la convention territoriale globale ".repeat(5));
    assert!(title.chars().count() >= 197);
    let who = "Communauté de communes du Lauragais Revel & Sorézois (Haute-Garonne)";
    std::fs::write(dir.join("plandoc.toml"), format!("[plan]\ntitre = \"{title}\"\ncollectivite = \"{who}\"\n"))
        .unwrap();
    let (code, report) = common::check_json(&plan);
    assert_eq!(code, 0, "{report}");
    let coded = common::codes_at(&report);
    assert!(coded.contains(&("texte-tronque".into(), "Plan!C2".into())), "{coded:?}");
    let messages = report["diagnostics"].to_string();
    assert!(
        messages.contains("L'action 1 : les 2 colonnes « Ressenti des familles » réunis font 40011 caractères"),
        "{messages}"
    );
    assert!(messages.contains("L'action 1 : les jalons de 2026 réunis font"), "{messages}");
    assert!(coded.iter().any(|(c, _)| c == "en-tete-raccourci"), "{coded:?}");
    let out = dir.join("sortie");
    let run =
        common::plandoc(&["build", plan.to_str().unwrap(), "-o", out.to_str().unwrap(), "--only", "annexe,fiches"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("Excel's limit") && !run.stderr.contains("String exceeds"), "{}", run.stderr);
    let facts = annex_facts(&out.join("annexe.xlsx"));
    let sheet = &facts["Plan d'actions"];
    let cells = sheet["long"].as_object().unwrap();
    let cut: Vec<_> = cells.values().filter(|v| v[0] == 32_767).collect();
    // The joined extra column (written under each of its two headers) and the 2026 column.
    assert_eq!(cut.len(), 3, "{cells:?}");
    assert!(cut.iter().any(|v| v[1].as_str().unwrap().starts_with("ravaux")), "{cells:?}");
    assert!(cut.iter().all(|v| v[1].as_str().unwrap().ends_with('…')), "{cut:?}");
    // The print header: shortened to 255 characters, the collectivité whole, on every sheet.
    for (name, s) in facts.as_object().unwrap() {
        let h = s["header"].as_str().unwrap();
        assert!(h.starts_with("Plan d'actions de la convention") && h.contains('…'), "{name}: {h}");
        // "&" is written "&&" in a header; either spelling read back is the same text.
        assert!(h.replace("&&", "&").ends_with(who), "{name}: {h}");
    }
    // The fiches keep the joined text whole.
    let text = std::process::Command::new("pdftotext")
        .args([out.join("fiches-actions.pdf").to_str().unwrap(), "-"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("FIN-A") && text.contains("FIN-B"), "texte entier dans les fiches");
}

/// Old binary: a collectivité of more than 32,767 characters, status labels over 255
/// characters in all, and `--date 0001-01-01` each made `build` fail with an English
/// message after `check` said 0 error; a status label holding a comma split into two
/// dropdown entries. Now: the collectivité is cut in the annex with a warning at check;
/// the labels are listed one per cell in a hidden "Listes" sheet the dropdowns point to
/// (comma kept); the date is refused on the command line, in French, exit 2.
#[test]
fn long_collectivite_long_or_comma_labels_and_year_one_dates() {
    let dir = tmpdir("r2-excel-meta");
    let plan = dir.join("plan.xlsx");
    let data = common::rows(&[
        &["Axe", "N°", "Action", "Statut"],
        &["Enfance", "1", "Ouvrir une crèche", "En cours, selon le calendrier"],
        &["Enfance", "2", "Former les assistantes", "Réalisée"],
    ]);
    common::write_xlsx(&plan, &[("Plan", data)]);
    let long = "Commune ".repeat(4_200) + "X";
    std::fs::write(dir.join("plandoc.toml"), format!("[plan]\ncollectivite = \"{long}\"\n")).unwrap();
    let models = dir.join("modeles");
    std::fs::create_dir_all(&models).unwrap();
    let realised = format!("Réalisée {}", "et évaluée ".repeat(25));
    std::fs::write(
        models.join("vocabulaire.toml"),
        format!("[statut.en_cours]\nlibelle = \"En cours, selon le calendrier\"\n[statut.realisee]\nlibelle = \"{realised}\"\n"),
    )
    .unwrap();
    let check = common::plandoc(&["check", plan.to_str().unwrap(), "--modeles", models.to_str().unwrap(), "--json"]);
    assert_eq!(check.code, 0, "{}", check.stdout);
    assert!(check.stdout.contains("Le champ « collectivité » du plan fait 33601 caractères"), "{}", check.stdout);
    let out = dir.join("sortie");
    let run = common::plandoc(&[
        "build",
        plan.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--only",
        "annexe",
        "--modeles",
        models.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("Excel") || run.stderr.contains("cellule Excel"), "{}", run.stderr);
    let facts = annex_facts(&out.join("annexe.xlsx"));
    let info = facts["Informations"]["long"].as_object().unwrap();
    assert!(info.values().any(|v| v[0] == 32_767 && v[1].as_str().unwrap().ends_with('…')), "{info:?}");
    assert_eq!(facts["Listes"]["state"], "hidden", "{facts}");
    assert_eq!(facts["Listes"]["b2"], "En cours, selon le calendrier", "{facts}");
    let validations = facts["Plan d'actions"]["validations"].to_string();
    assert!(validations.contains("Listes!$B$1:$B$9") && validations.contains("Listes!$A$1:$A$"), "{validations}");
    // The annex reads back as the same plan: the hidden sheet is not taken for a plan.
    let again =
        common::plandoc(&["check", out.join("annexe.xlsx").to_str().unwrap(), "--modeles", models.to_str().unwrap()]);
    assert!(again.code == 0 && again.stdout.contains("2 actions"), "{}", again.stdout);
    // --date 0001-01-01: refused before anything is read.
    let run = common::plandoc(&[
        "build",
        plan.to_str().unwrap(),
        "-o",
        dir.join("s2").to_str().unwrap(),
        "--date",
        "0001-01-01",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("date « 0001-01-01 » hors de ce qu'un classeur Excel peut tenir"), "{}", run.stderr);
    assert!(!dir.join("s2").exists());
}
