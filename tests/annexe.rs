//! annexe.xlsx: read back by calamine and by plandoc itself — the same plan, safely
//! written, print-ready, identical from one build to the next.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};

use calamine::{open_workbook_auto, Data, Reader};
use common::{plandoc, sample, tmpdir};
use plandoc::ingest::{read_plan, ReadOptions};
use plandoc::model::Plan;

fn build_annexe(input: &Path, dir: &Path) -> PathBuf {
    let out = plandoc(&[
        "build",
        input.to_str().unwrap(),
        "-o",
        dir.to_str().unwrap(),
        "--only",
        "annexe",
        "--date",
        "2026-01-29",
    ]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    dir.join("annexe.xlsx")
}

fn plan_of(p: &Path) -> Plan {
    let r = read_plan(p, &ReadOptions::default()).unwrap_or_else(|u| panic!("{}", u.diagnostic.message));
    assert!(!r.has_errors(), "{:?}", r.diagnostics);
    r.plan
}

fn part(path: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

/// Everything of an action but where it was read from.
fn essence(p: &Plan) -> Vec<String> {
    p.actions()
        .iter()
        .map(|r| {
            let mut a = r.action.clone();
            a.origin = None;
            a.sub_actions.iter_mut().for_each(|s| s.origin = None);
            let objectives: Vec<&str> = r.objectives.iter().map(|o| o.title.as_str()).collect();
            format!("{}|{:?}|{:?}|{}", r.axis.title, r.axis.description, objectives, serde_json::to_string(&a).unwrap())
        })
        .collect()
}

#[test]
fn every_sample_round_trips_through_the_annex() {
    for name in [
        "000-pst-ambitions-texte.xlsx",
        "001-ctg-ambitions.xlsx",
        "002-pst-sections-annees.xlsx",
        "002-pst-sections-annees.ods",
        "canonique-lauragais.xlsx",
        "suivi-lauragais.xlsx",
        "cls-plan-numerote.xlsx",
        "pcaet-quatre-niveaux.xlsx",
        "tet-export-plan.xlsx",
    ] {
        let dir = tmpdir(&format!("annexe-{}", name.replace('.', "-")));
        let annex = build_annexe(&sample(name), &dir);
        let original = plan_of(&sample(name));
        let back = plan_of(&annex);
        assert_eq!(essence(&back), essence(&original), "{name}");
        let strip = |p: &Plan| {
            p.indicators
                .iter()
                .map(|i| (i.action.clone(), i.name.clone(), i.unit.clone(), i.baseline, i.target, i.values.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(strip(&back), strip(&original), "{name}: indicateurs");
        let (m1, m2) = (&original.meta, &back.meta);
        assert_eq!(
            (&m2.territory, m2.kind, &m2.title, m2.first_year, m2.last_year, &m2.signatories),
            (&m1.territory, m1.kind, &m1.title, m1.first_year, m1.last_year, &m1.signatories),
            "{name}"
        );
        assert_eq!(
            (&m2.deliberation_number, &m2.deliberation_date, &m2.siren, &m2.department, &m2.colour),
            (&m1.deliberation_number, &m1.deliberation_date, &m1.siren, &m1.department, &m1.colour),
            "{name}"
        );
        // The annex names the same logo, read beside it (check reports a missing one).
        if let Some(logo) = &original.meta.logo {
            std::fs::copy(common::sample(logo), annex.parent().unwrap().join(logo)).unwrap();
        }
        let (code, r) = common::check_json(&annex);
        assert_eq!(code, 0, "{r}");
        assert_eq!(r["actions"].as_u64().unwrap() as usize, original.action_count());
        assert!(r["diagnostics"].as_array().unwrap().is_empty(), "{name}: {r}");

        // Sheets, read by calamine.
        let mut wb = open_workbook_auto(&annex).unwrap();
        let mut expected = vec!["Plan d'actions", "Échéancier", "Synthèse", "Informations"];
        if !original.indicators.is_empty() {
            expected.insert(3, "Indicateurs");
        }
        // The warnings of the reading are listed in « Contrôles » (the followed sample's
        // ambiguous progress values).
        let (_, read) = common::check_json(&sample(name));
        if !read["diagnostics"].as_array().unwrap().is_empty() {
            expected.push("Contrôles");
        }
        assert_eq!(wb.sheet_names(), expected, "{name}");
        let plan_sheet = wb.worksheet_range("Plan d'actions").unwrap();
        assert_eq!(plan_sheet.height(), original.action_count() + original.sub_action_count() + 1, "{name}");
        let synth = wb.worksheet_range("Synthèse").unwrap();
        // "Total" row: its last column is the number of actions.
        let total = synth.rows().find(|r| r[0] == Data::String("Total".into())).expect("ligne Total");
        assert_eq!(total[5], Data::Float(original.action_count() as f64), "{name}");
        // Per year: as many actions as the model says.
        for y in original.meta.period_years() {
            let expected = original.actions().iter().filter(|r| r.action.years.contains(&y)).count();
            if expected == 0 {
                continue;
            }
            let row = synth.rows().find(|r| r[0] == Data::String(y.to_string())).expect("année");
            assert_eq!(row[1], Data::Float(expected as f64), "{name} {y}");
        }
        let chart = part(&annex, "xl/charts/chart1.xml");
        assert!(chart.contains("<c:barChart>"), "graphique natif");
        // The values a viewer shows without recomputing: series names and categories.
        if original.axis_count() > 0 {
            assert!(
                chart.contains("<c:strCache>") && chart.contains("<c:v>Haute</c:v>"),
                "{name} : cache du graphique"
            );
        }
    }
}

#[test]
fn input_text_stays_text() {
    let dir = tmpdir("annexe-safe");
    let input = dir.join("plan.xlsx");
    let hostile = ["=HYPERLINK(\"http://exemple.invalid\",\"clic\")", "+33 1 23 45 67 89", "@SUM(A1:A9)", "-x", "=1+1"];
    let mut rows =
        vec![vec![common::C::T("Axe"), common::C::T("Action"), common::C::T("Pilote"), common::C::T("Partenaires")]];
    for (i, h) in hostile.iter().enumerate() {
        rows.push(vec![
            common::C::T("Axe 1"),
            common::C::T(h),
            common::C::T(h),
            common::C::T(if i == 0 { "=2*3" } else { "ok" }),
        ]);
    }
    common::write_xlsx(&input, &[("Plan", rows)]);
    let annex = build_annexe(&input, &dir.join("out"));
    for s in 1..=4 {
        let xml = part(&annex, &format!("xl/worksheets/sheet{s}.xml"));
        assert!(!xml.contains("<f>") && !xml.contains("<f "), "formule dans la feuille {s}");
    }
    let mut wb = open_workbook_auto(&annex).unwrap();
    let range = wb.worksheet_range("Plan d'actions").unwrap();
    let titles: Vec<String> = range.rows().skip(1).map(|r| r[4].to_string()).collect();
    assert_eq!(titles, hostile);
    let back = plan_of(&annex);
    assert_eq!(back.actions()[0].action.pilot.as_deref(), Some(hostile[0]));
    assert_eq!(back.actions()[0].action.partners.as_deref(), Some("=2*3"));
}

#[test]
fn print_ready_identical_and_controls_sheet() {
    let dir = tmpdir("annexe-print");
    let a = build_annexe(&sample("canonique-lauragais.xlsx"), &dir.join("a"));
    let b = build_annexe(&sample("canonique-lauragais.xlsx"), &dir.join("b"));
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap(), "même entrée, mêmes octets");
    let sheet = part(&a, "xl/worksheets/sheet1.xml");
    // A3 landscape at a scale fitting the width, never under 64 % (text at 7 pt).
    let scale: u32 = sheet.split("scale=\"").nth(1).and_then(|s| s.split('"').next()).unwrap().parse().unwrap();
    assert!((64..=100).contains(&scale), "{scale}");
    assert!(!sheet.contains("fitToPage"), "ajusté à une page de large");
    for needle in [
        "orientation=\"landscape\"",
        "paperSize=\"8\"",
        "<autoFilter",
        "<pane ",
        "<dataValidation",
        "Page &amp;P / &amp;N",
        "Communauté de communes des Terres du Lauragais",
    ] {
        assert!(sheet.contains(needle), "{needle}");
    }
    let workbook = part(&a, "xl/workbook.xml");
    assert!(workbook.contains("_xlnm.Print_Titles") && workbook.contains("_xlnm.Print_Area"), "{workbook}");
    let info = part(&a, "xl/sharedStrings.xml");
    assert!(info.contains("29/01/2026"), "date de génération");

    // Warnings left by validation go to a "Contrôles" sheet.
    let input = dir.join("avertissements.xlsx");
    common::write_xlsx(
        &input,
        &[("Plan", common::rows(&[&["Axe", "Action", "2025"], &["A", "Faire", ""], &["A", "Agir", "X"]]))],
    );
    let annex = build_annexe(&input, &dir.join("c"));
    let mut wb = open_workbook_auto(&annex).unwrap();
    assert!(wb.sheet_names().contains(&"Contrôles".to_string()));
    let ctl = wb.worksheet_range("Contrôles").unwrap();
    assert_eq!(ctl.get_value((1, 1)), Some(&Data::String("action-sans-annee".into())));
    assert_eq!(ctl.get_value((1, 4)), Some(&Data::String("B2".into())));
}

#[test]
fn opens_in_libreoffice_when_installed() {
    let dir = tmpdir("annexe-lo");
    let annex = build_annexe(&sample("002-pst-sections-annees.xlsx"), &dir);
    let Some(pdf) = common::soffice_convert(&annex, "pdf", &dir) else { return };
    let text = common::pdf::squash(&common::pdf::text(&pdf));
    assert!(text.contains("FranceServices"), "{text}");
    assert!(text.contains(&common::pdf::squash("Actions par axe et par priorité")), "graphique");
}

#[test]
fn people_dates_budgets_and_funding_lines_round_trip() {
    let dir = tmpdir("annexe-plateforme");
    let annex = build_annexe(&sample("tet-export-plan.xlsx"), &dir);
    let (original, back) = (plan_of(&sample("tet-export-plan.xlsx")), plan_of(&annex));
    let people = |p: &Plan| {
        p.actions()
            .iter()
            .map(|r| {
                let a = r.action;
                let lines: Vec<(String, Option<f64>)> = a.funding.iter().map(|l| (l.funder.clone(), l.euros)).collect();
                (
                    a.title.clone(),
                    [&a.pilot_person, &a.pilot_service, &a.pilot_structure, &a.elected].map(|x| x.clone()),
                    [&a.start_date, &a.end_date, &a.budget_operating, &a.budget_investment].map(|x| x.clone()),
                    lines,
                    a.years.clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    let before = people(&original);
    assert!(before.iter().any(|p| p.3.len() == 2), "the sample has two funding lines on an action");
    assert_eq!(people(&back), before);
    let mut wb = open_workbook_auto(&annex).unwrap();
    let sheet = wb.worksheet_range("Plan d'actions").unwrap();
    let header: Vec<String> = sheet.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    for h in ["Personne pilote", "Élu·e référent·e", "Financeur 1", "Montant 1", "Financeur 2", "Montant 2"] {
        assert!(header.iter().any(|x| x == h), "{h} in {header:?}");
    }
    let (code, r) = common::check_json(&annex);
    assert_eq!(code, 0, "{r}");
    assert_eq!(r["actions"].as_u64(), Some(original.action_count() as u64));
}
