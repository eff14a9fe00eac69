//! `plandoc build`: the PDFs read back by poppler and qpdf.

mod common;

use std::path::Path;

use common::pdf;
use common::{plandoc, sample, tmpdir, C, SEED_SAMPLES};
use plandoc::ingest::{read_plan, ReadOptions};
use plandoc::model::Plan;

fn build(name: &str, dir: &Path, extra: &[&str]) -> common::Output {
    let mut args: Vec<String> = vec![
        "build".into(),
        sample(name).to_str().unwrap().to_string(),
        "-o".into(),
        dir.to_str().unwrap().to_string(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    plandoc(&refs)
}

fn plan(name: &str) -> Plan {
    read_plan(&sample(name), &ReadOptions::default()).unwrap().plan
}

fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

#[test]
fn every_sample_gives_three_sound_pdfs_that_lose_nothing() {
    for name in SEED_SAMPLES {
        let dir = tmpdir(&format!("build-{}", name.replace('.', "-")));
        let out = build(name, &dir, &["--date", "2026-01-29"]);
        assert_eq!(out.code, 0, "{name}: {}{}", out.stdout, out.stderr);
        assert_eq!(
            files(&dir),
            vec!["annexe.xlsx", "echeancier.pdf", "fiches-actions.pdf", "plan-d-actions.pdf"],
            "{name}"
        );
        let p = plan(name);
        let actions = p.actions();
        // A plan where no action has a year shows no year grid (nor empty year strips).
        let dated = actions.iter().any(|r| !r.action.years.is_empty() || !r.action.milestones.is_empty());
        let years = if dated { p.meta.period_years() } else { Vec::new() };
        for f in ["fiches-actions.pdf", "echeancier.pdf", "plan-d-actions.pdf"] {
            let path = dir.join(f);
            pdf::qpdf_check(&path);
            let fonts = pdf::fonts(&path);
            assert!(!fonts.is_empty(), "{name}/{f}");
            for (font, emb, sub) in &fonts {
                assert!(*emb && *sub, "{name}/{f}: {font} embarquée {emb}, sous-ensemble {sub}");
                assert!(font.contains('+'), "{font}");
            }
            let raw = pdf::text(&path).replace(['\u{a0}', '\u{202f}'], " ");
            let text = pdf::squash(&raw);
            for r in &actions {
                let a = r.action;
                // Fiches are one column: the title reads back whole. Table cells may get a
                // neighbour's word at a line end: the title's words in order, 3 apart at most.
                let found = if f == "fiches-actions.pdf" {
                    text.contains(&pdf::squash(&a.title))
                } else {
                    pdf::has_words_in_order(
                        &raw,
                        &plandoc::layout::french(&a.title).replace(['\u{a0}', '\u{202f}'], " "),
                        3,
                    )
                };
                assert!(found, "{name}/{f}: titre absent : {}", a.title);
                if let Some(n) = &a.number {
                    assert!(text.contains(&pdf::squash(n)), "{name}/{f}: numéro {n}");
                }
            }
            if f != "plan-d-actions.pdf" {
                for y in &years {
                    assert!(text.contains(&y.to_string()), "{name}/{f}: année {y}");
                }
            }
        }
        // One fiche per action (short ones share pages); bookmarks axis › action.
        let fiches = dir.join("fiches-actions.pdf");
        let outline = pdf::outline(&fiches);
        assert_eq!(outline.len(), p.axis_count(), "{name}: {outline:?}");
        // Axis › objective(s) › action: the fiches are the leaves, in the plan's order.
        let leaves = pdf::outline_leaves(&fiches);
        assert_eq!(leaves.len(), actions.len(), "{name}: {leaves:?}");
        for (leaf, r) in leaves.iter().zip(&actions) {
            assert!(leaf.starts_with(r.action.number.as_deref().unwrap()), "{name}: {leaf} / {:?}", r.action.number);
        }
    }
}

#[test]
fn fiches_show_every_field_and_milestone() {
    let dir = tmpdir("build-fields");
    assert_eq!(build("canonique-lauragais.xlsx", &dir, &["--only", "fiches"]).code, 0);
    let path = dir.join("fiches-actions.pdf");
    let p = plan("canonique-lauragais.xlsx");
    let text = pdf::squash(&pdf::text(&path));
    for r in p.actions() {
        let a = r.action;
        for v in
            [&a.aim, &a.description, &a.pilot, &a.partners, &a.public, &a.territory, &a.funders].into_iter().flatten()
        {
            assert!(text.contains(&pdf::squash(v)), "{v}");
        }
        for i in &a.indicators {
            assert!(text.contains(&pdf::squash(i)), "{i}");
        }
        for m in a.milestones.values() {
            assert!(text.contains(&pdf::squash(m)), "{m}");
        }
    }
    assert!(text.contains(&pdf::squash("10 000 €")), "budget en euros");
    assert!(text.contains(&pdf::squash("Priorité : Haute")));
    // Fiche of action 3 is on page 3, with its breadcrumb axis › objective.
    let p3 = pdf::squash(&pdf::page_text(&path, 3));
    assert!(p3.contains(&pdf::squash("Action n° 3")), "{p3}");
    assert!(p3.contains(&pdf::squash("ENJEU 1 : AGIR POUR")), "{p3}");
}

#[test]
fn a_long_fiche_continues_on_the_next_page_marked_suite() {
    let dir = tmpdir("build-suite");
    let path = dir.join("long.xlsx");
    let long = "Une phrase de description assez longue pour remplir la page. ".repeat(120);
    let rows = vec![
        vec![common::C::T("Axe"), common::C::T("N°"), common::C::T("Action"), common::C::T("Description")],
        vec![common::C::T("Axe 1"), common::C::N(1.0), common::C::T("Action très détaillée"), common::C::T(&long)],
        vec![common::C::T("Axe 1"), common::C::N(2.0), common::C::T("Action courte"), common::C::E],
    ];
    common::write_xlsx(&path, &[("Plan", rows)]);
    let out = plandoc(&["build", path.to_str().unwrap(), "-o", dir.join("out").to_str().unwrap(), "--only", "fiches"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let pdf_path = dir.join("out/fiches-actions.pdf");
    let n = pdf::pages(&pdf_path);
    assert!(n >= 2, "{n} pages");
    assert!(pdf::page_text(&pdf_path, 2).contains("(suite)"));
    // The packing rule: the short fiche follows the end of the long one on its page.
    let last = pdf::page_text(&pdf_path, n);
    assert!(last.contains("Action courte"), "{last}");
    assert!(!pdf::page_text(&pdf_path, 1).contains("Action courte"));
    // Every word of the long text made it.
    let all = pdf::squash(&pdf::text(&pdf_path));
    assert_eq!(all.matches(&pdf::squash("remplir la page.")).count(), 120);
}

#[test]
fn table_headers_repeat_on_every_page() {
    let dir = tmpdir("build-headers");
    assert_eq!(build("000-pst-ambitions-texte.xlsx", &dir, &["--only", "echeancier,plan"]).code, 0);
    for f in ["echeancier.pdf", "plan-d-actions.pdf"] {
        let path = dir.join(f);
        let n = pdf::pages(&path);
        assert!(n >= 2, "{f}: {n} pages");
        for page in 1..=n {
            let t = pdf::page_text(&path, page);
            assert!(t.contains("N°") && t.contains("Action"), "{f} page {page}: {t}");
        }
    }
    // Every year of the period heads the timeline's columns, on every page (a plan with
    // years: 000 has none, and no grid).
    let dir = tmpdir("build-headers-years");
    assert_eq!(build("canonique-lauragais.xlsx", &dir, &["--only", "echeancier"]).code, 0);
    let path = dir.join("echeancier.pdf");
    for page in 1..=pdf::pages(&path) {
        let t = pdf::page_text(&path, page);
        for y in 2022..=2026 {
            assert!(t.contains(&y.to_string()), "page {page}: {y}");
        }
    }
}

#[test]
fn page_one_keeps_the_stamp_zone_blank() {
    for (name, doc) in [
        ("canonique-lauragais.xlsx", "fiches-actions.pdf"),
        ("000-pst-ambitions-texte.xlsx", "echeancier.pdf"),
        ("001-ctg-ambitions.xlsx", "plan-d-actions.pdf"),
    ] {
        let dir = tmpdir(&format!("build-stamp-{}", doc.replace('.', "-")));
        assert_eq!(build(name, &dir, &[]).code, 0);
        let (w, h, rgb) = pdf::render_page1(&dir.join(doc), &dir);
        assert!(w >= 590 && h >= 590, "{w}×{h}");
        assert_eq!(pdf::ink_in(w, &rgb, w - 200, 0, w, 65), 0, "{name}/{doc}: zone du tampon");
        // The page does have ink elsewhere (header or title block, left of the zone).
        assert!(pdf::ink_in(w, &rgb, 0, 0, w - 200, 140) > 100, "{name}/{doc}: en-tête");
    }
}

#[test]
fn two_builds_are_byte_identical() {
    let a = tmpdir("build-same-a");
    let b = tmpdir("build-same-b");
    assert_eq!(build("002-pst-sections-annees.xlsx", &a, &[]).code, 0);
    assert_eq!(build("002-pst-sections-annees.xlsx", &b, &[]).code, 0);
    for f in files(&a) {
        assert_eq!(std::fs::read(a.join(&f)).unwrap(), std::fs::read(b.join(&f)).unwrap(), "{f}");
    }
    // In one process too, after building other documents (printpdf counters).
    let opts = plandoc::documents::DocOptions::default();
    let p1 = plan("002-pst-sections-annees.xlsx");
    let p2 = plan("000-pst-ambitions-texte.xlsx");
    let all = plandoc::job::DocKind::ALL;
    let first = plandoc::job::render_all(&all, &p1, &opts).unwrap();
    plandoc::job::render(plandoc::job::DocKind::Plan, &p2, &opts).unwrap();
    let again = plandoc::job::render_all(&all, &p1, &opts).unwrap();
    assert_eq!(first, again);
    assert_eq!(first[0], std::fs::read(a.join("fiches-actions.pdf")).unwrap());
}

#[test]
fn metadata_language_and_footer_reference() {
    let dir = tmpdir("build-meta");
    let out = build("001-ctg-ambitions.xlsx", &dir, &["--prefixe-id"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let id = "089-248900896-20260129-2026_01-DE";
    assert_eq!(
        files(&dir),
        vec![
            format!("{id}-annexe.xlsx"),
            format!("{id}-echeancier.pdf"),
            format!("{id}-fiches-actions.pdf"),
            format!("{id}-plan-d-actions.pdf")
        ]
    );
    let path = dir.join(format!("{id}-plan-d-actions.pdf"));
    let n = pdf::pages(&path);
    for page in 1..=n {
        let t = pdf::page_text(&path, page);
        assert!(t.contains("Délibération n° 2026_01 du 29/01/2026"), "page {page}: {t}");
        assert!(t.contains(&format!("Page {page} / {n}")), "page {page}: {t}");
    }
    let info = std::process::Command::new("pdfinfo").arg(&path).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(info.contains("Title:           Plan d'actions"), "{info}");
    assert!(info.contains("Creator:         plandoc"), "{info}");
    assert!(info.contains("CreationDate:") && info.contains("2026"), "{info}");
    let j = pdf::qpdf_json(&path).to_string();
    assert!(j.contains("\"/Lang\":\"u:fr-FR\""), "/Lang absent");
}

#[test]
fn errors_mean_no_document() {
    let dir = tmpdir("build-errors");
    let path = dir.join("faux.xlsx");
    common::write_xlsx(
        &path,
        &[("Plan", common::rows(&[&["Axe", "N°", "Action"], &["A", "1", "Un"], &["A", "1", "Deux"]]))],
    );
    let out_dir = dir.join("out");
    let out = plandoc(&["build", path.to_str().unwrap(), "-o", out_dir.to_str().unwrap()]);
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("numero-en-double") && out.stdout.contains("Plan!B3"), "{}", out.stdout);
    assert!(!out_dir.exists() || files(&out_dir).is_empty());
    let missing = plandoc(&["build", dir.join("absent.xlsx").to_str().unwrap(), "-o", out_dir.to_str().unwrap()]);
    assert_eq!(missing.code, 2);
    assert!(missing.stdout.contains("fichier-introuvable"));
    let bad_only = build("001-ctg-ambitions.xlsx", &out_dir, &["--only", "affiche"]);
    assert_eq!(bad_only.code, 2);
    assert!(bad_only.stderr.contains("affiche"));
}

#[test]
fn only_and_no_temporary_leftovers() {
    let dir = tmpdir("build-only");
    assert_eq!(build("002-pst-sections-annees.ods", &dir, &["--only", "echeancier,plan"]).code, 0);
    assert_eq!(files(&dir), vec!["echeancier.pdf", "plan-d-actions.pdf"]);
}

#[test]
fn logo_colour_and_template_folder() {
    // The canonical sample names a PNG logo (with transparency) and a green main colour.
    let dir = tmpdir("build-logo");
    assert_eq!(build("canonique-lauragais.xlsx", &dir, &["--only", "fiches"]).code, 0);
    let list = std::process::Command::new("pdfimages")
        .args(["-list", dir.join("fiches-actions.pdf").to_str().unwrap()])
        .output()
        .unwrap();
    let list = String::from_utf8_lossy(&list.stdout);
    assert!(list.lines().any(|l| l.contains(" image ") && l.contains("300   100")), "{list}");
    assert!(list.contains("smask"), "{list}");
    let (w, _, rgb) = pdf::render_page1(&dir.join("fiches-actions.pdf"), &dir);
    // The band under the header is the main colour #2E6B3F (somewhere in the upper part).
    let green = |y: usize| {
        let i = (y * w + 60) * 3;
        let px = (rgb[i], rgb[i + 1], rgb[i + 2]);
        px.0 < 80 && px.1 > 80 && px.1 < 130 && px.2 < 90
    };
    assert!((84..220).any(green), "couleur du bandeau absente sous l'en-tête");

    // A JPEG logo, a colour and a label folder given by plandoc.toml and --modeles.
    let work = tmpdir("build-logo-jpeg");
    std::fs::copy(sample("002-pst-sections-annees.xlsx"), work.join("plan.xlsx")).unwrap();
    let jpg = common::root().join("../shared/corpus/calamine-fixtures/picture.jpg");
    if jpg.exists() {
        std::fs::copy(&jpg, work.join("logo.jpg")).unwrap();
        std::fs::write(work.join("plandoc.toml"), "[plan]\nlogo = \"logo.jpg\"\ncouleur = \"#7A1F5C\"\n").unwrap();
    }
    let models = work.join("modeles");
    std::fs::create_dir_all(&models).unwrap();
    std::fs::write(
        models.join("documents.toml"),
        "[libelles]\nfiches = \"Fiches du projet social\"\naction = \"Fiche n°\"\n",
    )
    .unwrap();
    let out = plandoc(&[
        "build",
        work.join("plan.xlsx").to_str().unwrap(),
        "-o",
        work.join("out").to_str().unwrap(),
        "--only",
        "fiches",
        "--modeles",
        models.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let pdf_path = work.join("out/fiches-actions.pdf");
    let text = pdf::page_text(&pdf_path, 1);
    assert!(text.contains("Fiches du projet social") && text.contains("Fiche n° 1"), "{text}");
    if jpg.exists() {
        let list =
            std::process::Command::new("pdfimages").args(["-list", pdf_path.to_str().unwrap()]).output().unwrap();
        assert!(String::from_utf8_lossy(&list.stdout).contains("jpeg"), "JPEG embarqué tel quel");
    }
    // A missing logo is a warning, not a failure.
    std::fs::write(work.join("plandoc.toml"), "[plan]\nlogo = \"absent.png\"\n").unwrap();
    let out = plandoc(&["build", work.join("plan.xlsx").to_str().unwrap(), "-o", work.join("out2").to_str().unwrap()]);
    assert_eq!(out.code, 0);
    assert!(out.stderr.contains("logo") && out.stderr.contains("introuvable"), "{}", out.stderr);
}

#[test]
fn a_table_row_taller_than_a_page_is_split_and_loses_nothing() {
    let dir = tmpdir("build-tall-row");
    let path = dir.join("long.xlsx");
    let long: String = (1..=700).map(|i| format!("mot{i} ")).collect();
    let rows = vec![
        vec![C::T("Axe"), C::T("N°"), C::T("Action"), C::T("Pilote")],
        vec![C::T("Axe 1"), C::N(1.0), C::T(&long), C::T("Service")],
        vec![C::T("Axe 1"), C::N(2.0), C::T("Action suivante"), C::T("Service")],
    ];
    common::write_xlsx(&path, &[("Plan", rows)]);
    let out = plandoc(&["build", path.to_str().unwrap(), "-o", dir.join("out").to_str().unwrap(), "--only", "plan"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let pdf_path = dir.join("out/plan-d-actions.pdf");
    assert!(pdf::pages(&pdf_path) >= 2);
    let text = pdf::text(&pdf_path);
    for i in [1, 350, 700] {
        assert!(text.contains(&format!("mot{i} ")) || text.contains(&format!("mot{i}\n")), "mot{i}");
    }
    assert_eq!((1..=700).filter(|i| text.split_whitespace().any(|w| w == format!("mot{i}"))).count(), 700);
    // The header is repeated on the page the row continues on.
    assert!(pdf::page_text(&pdf_path, 2).contains("Action"));
}

#[test]
fn a_vocabulary_folder_adds_status_spellings() {
    let dir = tmpdir("build-vocabulaire");
    let path = dir.join("plan.xlsx");
    let rows = vec![
        vec![C::T("Axe"), C::T("N°"), C::T("Intitulé de l'action"), C::T("Statut"), C::T("Priorité")],
        vec![C::T("Axe 1"), C::N(1.0), C::T("Ouvrir un lieu d'accueil"), C::T("Stand-by"), C::T("Urgente")],
    ];
    common::write_xlsx(&path, &[("Plan", rows)]);
    let args = |out: &str| {
        vec![
            "build".to_string(),
            path.display().to_string(),
            "-o".into(),
            dir.join(out).display().to_string(),
            "--only".into(),
            "annexe".into(),
        ]
    };
    let plain: Vec<String> = args("a");
    let out = plandoc(&plain.iter().map(String::as_str).collect::<Vec<_>>());
    assert_ne!(out.code, 0, "« Stand-by » is unknown by default");
    assert!(out.stdout.contains("Stand-by") && out.stdout.contains("Urgente"), "{}", out.stdout);

    let models = common::models_with_vocabulary(&dir);
    let mut with = args("b");
    with.extend(["--modeles".to_string(), models.display().to_string()]);
    let out = plandoc(&with.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let annexe = std::fs::read_dir(dir.join("b"))
        .unwrap()
        .flatten()
        .find(|e| e.path().extension().is_some_and(|x| x == "xlsx"))
        .unwrap()
        .path();
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&annexe).unwrap();
    use calamine::Reader;
    let cells: Vec<String> = wb
        .worksheets()
        .iter()
        .flat_map(|(_, r)| r.cells().map(|(_, _, c)| c.to_string()).collect::<Vec<_>>())
        .collect();
    assert!(cells.iter().any(|c| c == "En pause") && cells.iter().any(|c| c == "Haute"), "{cells:?}");
}

/// An action the platform exported without a number is « Action » on its fiche's band,
/// its bookmark and its continuation header, never « Action n° — ».
#[test]
fn an_unnumbered_action_is_never_action_number_dash() {
    let dir = tmpdir("build-unnumbered");
    let out = plandoc(&["build", sample("tet-export-plan.xlsx").to_str().unwrap(), "-o", dir.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = pdf::text(&dir.join("fiches-actions.pdf"));
    assert!(!text.contains("n° —"), "{text}");
    assert!(text.contains("Action (suite) — Ouvrir une micro-crèche intercommunale"), "{text}");
}
