//! Every sample reads back with the exact counts, years and values of its seed.

mod common;

use common::{check_json, sample};
use plandoc::ingest::{read_plan, ReadOptions};
use plandoc::model::{ActionRef, Field, Plan, Priority};

fn plan(name: &str) -> Plan {
    let r = read_plan(&sample(name), &ReadOptions::default()).unwrap_or_else(|u| panic!("{}", u.diagnostic.message));
    assert!(!r.has_errors(), "{name}: {:?}", r.diagnostics);
    r.plan
}

fn action<'a>(p: &'a Plan, n: &str) -> ActionRef<'a> {
    p.actions().into_iter().find(|r| r.action.number.as_deref() == Some(n)).unwrap_or_else(|| panic!("action {n}"))
}

fn counts(name: &str, axes: u64, objectives: u64, actions: u64, years: (Option<i64>, Option<i64>), kind: &str) {
    let (code, r) = check_json(&sample(name));
    assert_eq!(code, 0, "{name}: {r}");
    assert_eq!(r["axes"], axes, "{name}");
    assert_eq!(r["objectives"], objectives, "{name}");
    assert_eq!(r["actions"], actions, "{name}");
    assert_eq!(r["first_year"].as_i64(), years.0, "{name}");
    assert_eq!(r["last_year"].as_i64(), years.1, "{name}");
    assert_eq!(r["kind"], kind, "{name}");
    assert_eq!(r["diagnostics"].as_array().unwrap().len(), 0, "{name}: {r}");
}

#[test]
fn seed_000_ambitions_objectives_numbers_in_text() {
    for f in ["000-pst-ambitions-texte.xlsx", "000-pst-ambitions-texte.xls"] {
        counts(f, 5, 14, 40, (Some(2022), Some(2026)), "PST");
        let p = plan(f);
        let numbers: Vec<String> = p.actions().iter().map(|r| r.action.number.clone().unwrap()).collect();
        let expected: Vec<String> = (1..=40).map(|n| n.to_string()).collect();
        assert_eq!(numbers, expected, "{f}");
        let a12 = action(&p, "12");
        assert_eq!(a12.action.title, "Ecriture d'une charte associative et création d'un guide pratique");
        assert!(a12.axis.title.starts_with("Ambition n°2 Favoriser une dynamique de mobilisation"));
        assert_eq!(a12.axis.number.as_deref(), Some("2"));
        assert_eq!(
            a12.objective().unwrap().title,
            "Valoriser le tissu associatif par une meilleure reconnaissance et un soutien à l’engagement bénévole"
        );
        assert_eq!(
            p.axes[0].description.as_deref(),
            Some("Prise en compte du PEGT et de ses objectifs par l'ensemble des acteurs du territoire")
        );
        assert_eq!(action(&p, "40").action.title, "Animation de la transition écologique sur le territoire");
        assert_eq!(p.meta.title.as_deref(), Some("PROJET SOCIAL DE TERRITOIRE 2022-2026"));
    }
}

#[test]
fn seed_001_aims_inside_action_cells_and_priorities() {
    for f in ["001-ctg-ambitions.xlsx", "001-ctg-ambitions.ods"] {
        counts(f, 4, 12, 17, (None, None), "CTG");
        let p = plan(f);
        let a15 = action(&p, "15");
        assert_eq!(
            a15.action.title,
            "Maintenir et développer une offre de services et d'équipements adaptée aux besoins du territoire"
        );
        assert_eq!(
            a15.action.aim.as_deref(),
            Some("Garantir une offre de services et d'équipements cohérente et accessible à l'ensemble des habitants du territoire.")
        );
        assert_eq!(a15.action.priority, Some(Priority::Medium));
        assert_eq!(action(&p, "5").action.priority, Some(Priority::High));
        assert_eq!(action(&p, "12").action.priority, Some(Priority::Low));
        assert_eq!(a15.objective().unwrap().title, "Proposer une offre de services adaptée aux besoins");
        let ax = &p.axes[0];
        assert_eq!(ax.title, "Renforcer la cohésion sociale et l'animation de la vie locale");
        assert!(ax.description.as_deref().unwrap().contains("Renforcement du lien social"));
        assert_eq!(p.meta.deliberation_number.as_deref(), Some("2026_01"));
        assert_eq!(p.meta.deliberation_date.as_deref(), Some("2026-01-29"));
        assert_eq!(p.meta.siren.as_deref(), Some("248900896"));
        assert_eq!(p.meta.department.as_deref(), Some("089"));
    }
}

#[test]
fn seed_002_section_rows_merged_header_and_years() {
    for f in ["002-pst-sections-annees.xlsx", "002-pst-sections-annees.ods"] {
        counts(f, 5, 16, 25, (Some(2022), Some(2026)), "PST");
        let p = plan(f);
        let a13 = action(&p, "13");
        assert_eq!(
            a13.action.title,
            "Rédaction d'un Pedt intercommunal et structuration d'une coordination Pedt intercommunale"
        );
        assert_eq!(a13.action.years, vec![2025, 2026]);
        assert!(a13.axis.title.starts_with("ENJEU 2 : L'ENFANCE, LA JEUNESSE ET LA FAMILLE"));
        assert_eq!(a13.objectives[0].title, "ENFANCE");
        assert_eq!(
            a13.objectives[1].title,
            "Conforter le partenariat éducatif de proximité et les logiques de continuités éducatives"
        );
        assert_eq!(action(&p, "4").action.years, vec![2022, 2023, 2024, 2025, 2026]);
        assert_eq!(action(&p, "16").action.years, vec![2022, 2023, 2024]);
        assert_eq!(
            action(&p, "1").axis.title,
            "ENJEUX TRANSVERSAUX : PILOTAGE, GOUVERNANCE, PROXIMITE ET SOLIDARITE TERRITORIALE"
        );
        assert_eq!(action(&p, "25").axis.number.as_deref(), Some("4"));
        let src = p.source.as_ref().unwrap();
        assert_eq!(src.header_row, 3);
        let col = |f: Field| src.columns.iter().find(|c| c.field == Some(f)).map(|c| c.column.clone());
        assert_eq!(col(Field::Number).as_deref(), Some("B"));
        assert_eq!(col(Field::Title).as_deref(), Some("C"));
    }
}

#[test]
fn canonical_template_sample_keeps_every_field() {
    counts("canonique-lauragais.xlsx", 5, 16, 25, (Some(2022), Some(2026)), "PST");
    let p = plan("canonique-lauragais.xlsx");
    assert_eq!(p.meta.territory.as_deref(), Some("Communauté de communes des Terres du Lauragais"));
    assert_eq!(p.meta.signatories.len(), 2);
    let a3 = action(&p, "3").action;
    assert_eq!(a3.pilot.as_deref(), Some("Service enfance-jeunesse"));
    assert_eq!(a3.budget.as_ref().and_then(|b| b.euros), Some(10000.0));
    assert_eq!(a3.indicators, vec!["Nombre de participants", "Nombre de partenaires mobilisés"]);
    assert!(a3.description.as_deref().unwrap().starts_with("Tournées hebdomadaires"));
    assert_eq!(a3.aim.as_deref(), Some("Rapprocher les services des habitants les plus éloignés"));
    let a11 = action(&p, "11").action;
    assert_eq!(a11.years, vec![2022, 2023, 2024, 2025, 2026]);
    assert_eq!(a11.milestones.get(&2022).map(String::as_str), Some("Étude"));
    assert_eq!(a11.milestones.get(&2026).map(String::as_str), Some("Ouverture"));
    let a24 = action(&p, "24").action;
    assert_eq!(a24.years, vec![2024, 2025, 2026]);
    assert_eq!(a24.milestones.get(&2025).map(String::as_str), Some("Signature"));
    assert!(!a24.milestones.contains_key(&2026), "X is a tick, not a milestone");
}
