//! Every message a user sees is French, configuration mistakes included, named by key and
//! line; harmless variations (a year written as text) are accepted.

mod common;

use common::{check_json, plandoc, sample, tmpdir};

fn s(p: &std::path::Path) -> &str {
    p.to_str().unwrap()
}

/// No English from a library slipping through.
fn assert_no_english(text: &str) {
    for w in
        ["os error", "EOCD", "invalid type", "unknown field", "expected", "Is a directory", "panicked", "No such file"]
    {
        assert!(!text.contains(w), "« {w} » dans : {text}");
    }
}

#[test]
fn configuration_mistakes_are_french_with_key_and_line() {
    let dir = tmpdir("fr-config");
    let plan = dir.join("plan.xlsx");
    std::fs::copy(sample("002-pst-sections-annees.xlsx"), &plan).unwrap();
    let cfg = dir.join("plandoc.toml");
    std::fs::write(
        &cfg,
        "[plan]\ncollectivite = \"Commune de Test\"\nlogoo = \"logo.png\"\nderniere_annee = \"vingt\"\n",
    )
    .unwrap();
    let out = plandoc(&["check", s(&plan)]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout.contains("ligne 3 : clé inconnue « logoo » dans [plan] (voulez-vous dire « logo » ?)"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("ligne 4 : « derniere_annee » attend une année"), "{}", out.stdout);
    assert_no_english(&out.stdout);
    // The same problems stop `build`, in the same words.
    let built = plandoc(&["build", s(&plan), "-o", s(&dir.join("sortie"))]);
    assert_eq!(built.code, 1);
    assert!(built.stdout.contains("clé inconnue « logoo »"), "{}", built.stdout);
    assert!(!dir.join("sortie").exists());

    std::fs::write(&cfg, "[plan]\ntitre = \"Plan\n").unwrap();
    let out = plandoc(&["check", s(&plan)]);
    assert!(out.stdout.contains("ligne 2") && out.stdout.contains("guillemets"), "{}", out.stdout);
    assert_no_english(&out.stdout);
}

#[test]
fn years_and_numbers_written_as_text_are_accepted() {
    let dir = tmpdir("fr-config-text");
    let plan = dir.join("plan.xlsx");
    std::fs::copy(sample("002-pst-sections-annees.xlsx"), &plan).unwrap();
    std::fs::write(
        dir.join("plandoc.toml"),
        "[plan]\npremiere_annee = \"2022\"\nderniere_annee = \"2027\"\nsiren = 248900896\ndepartement = 89\n",
    )
    .unwrap();
    let (code, r) = check_json(&plan);
    assert_eq!(code, 0, "{r}");
    assert_eq!((r["first_year"].as_i64(), r["last_year"].as_i64()), (Some(2022), Some(2027)), "{r}");
}

#[test]
fn io_and_archive_errors_are_french() {
    let dir = tmpdir("fr-io");
    let out = plandoc(&["check", s(&dir)]);
    assert_eq!(out.code, 2);
    assert!(out.stdout.contains(&format!("« {} » est un dossier, pas un classeur", dir.display())), "{}", out.stdout);
    let good = std::fs::read(sample("canonique-lauragais.xlsx")).unwrap();
    let cut = dir.join("coupe.xlsx");
    std::fs::write(&cut, &good[..good.len() * 2 / 3]).unwrap();
    let out = plandoc(&["check", s(&cut)]);
    assert_eq!(out.code, 2);
    assert!(out.stdout.contains("le fichier est incomplet ou endommagé"), "{}", out.stdout);
    assert_no_english(&out.stdout);
    let out = plandoc(&["build", s(&cut), "-o", s(&dir.join("sortie"))]);
    assert_eq!(out.code, 2);
    assert_no_english(&(out.stdout + &out.stderr));
}

#[test]
fn check_reports_the_logo_problem_build_meets() {
    let dir = tmpdir("fr-logo");
    let plan = dir.join("plan.xlsx");
    // The canonical sample names logo-lauragais.png, absent here.
    std::fs::copy(sample("canonique-lauragais.xlsx"), &plan).unwrap();
    let (code, r) = check_json(&plan);
    assert_eq!(code, 0, "{r}");
    let codes: Vec<&str> = r["diagnostics"].as_array().unwrap().iter().filter_map(|d| d["code"].as_str()).collect();
    assert!(codes.contains(&"logo-illisible"), "{r}");
    let out = plandoc(&["build", s(&plan), "-o", s(&dir.join("sortie")), "--only", "plan"]);
    assert_eq!(out.code, 0);
    assert!(out.stderr.contains("logo-illisible") && out.stderr.contains("logo-lauragais.png"), "{}", out.stderr);
}

#[test]
fn a_panic_prints_a_french_message_with_its_place() {
    let out = common::plandoc_measured(
        &["check", "x.xlsx"],
        &[("PLANDOC_TEST_PANIQUE", "1")],
        std::time::Duration::from_secs(20),
    );
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("erreur interne inattendue"), "{}", out.stderr);
    assert!(out.stderr.contains("src/cli/mod.rs:"), "{}", out.stderr);
    assert!(out.stderr.contains("signaler"), "{}", out.stderr);
    assert_no_english(&out.stderr);
}

#[test]
fn depuis_refuses_another_plan_unless_forced() {
    let dir = tmpdir("fr-versions");
    let mine = dir.join("v2.xlsx");
    let theirs = dir.join("autre.xlsx");
    let earlier = dir.join("v1.xlsx");
    let plan = |title: &'static str, rows: &[&[&'static str]]| -> Vec<(&'static str, Vec<Vec<common::C<'static>>>)> {
        let first = [title];
        let mut all: Vec<&[&'static str]> = vec![&first, &[]];
        all.extend_from_slice(rows);
        vec![("Plan", common::rows(&all))]
    };
    common::write_xlsx(
        &mine,
        &plan(
            "CTG 2024-2028",
            &[
                &["Axe", "N°", "Action", "Statut"],
                &["Petite enfance", "1", "Ouvrir une crèche intercommunale", "En cours"],
                &["Petite enfance", "2", "Former les assistantes maternelles", "En cours"],
                &["Jeunesse", "3", "Créer un conseil des jeunes", "À venir"],
            ],
        ),
    );
    common::write_xlsx(
        &earlier,
        &plan(
            "CTG 2024-2028",
            &[
                &["Axe", "N°", "Action", "Statut"],
                &["Petite enfance", "1", "Ouvrir une crèche intercommunale", "À venir"],
                &["Petite enfance", "2", "Former les assistantes maternelles", "À venir"],
                &["Jeunesse", "3", "Créer un conseil municipal des jeunes", "À venir"],
            ],
        ),
    );
    common::write_xlsx(
        &theirs,
        &plan(
            "CTG 2015-2019",
            &[
                &["Axe", "N°", "Action", "Statut"],
                &["Logement", "1", "Rénover les logements sociaux", "À venir"],
                &["Mobilité", "2", "Développer le transport à la demande", "À venir"],
                &["Santé", "3", "Installer une maison de santé", "À venir"],
            ],
        ),
    );
    let out_dir = dir.join("bilan");
    let run = |depuis: &std::path::Path, extra: &[&str]| {
        let mut args = vec!["evaluation", s(&mine), "-o", s(&out_dir), "--depuis", s(depuis)];
        args.extend_from_slice(extra);
        plandoc(&args)
    };
    let out = run(&theirs, &[]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("versions-differentes"), "{}", out.stdout);
    assert!(out.stdout.contains("0 action sur 3"), "{}", out.stdout);
    assert!(out.stdout.contains("2015-2019") && out.stdout.contains("--forcer"), "{}", out.stdout);
    assert!(!out_dir.exists(), "aucun rapport écrit");
    let out = run(&theirs, &["--forcer"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let out = run(&earlier, &[]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
}
