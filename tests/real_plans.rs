//! The three real files of Territoires en Transitions (../shared/corpus/real, README there)
//! read exactly as their truths say: counts, titles, sub-actions, people, money, years.

mod common;

use std::path::PathBuf;

use plandoc::ingest::{read_plan, ReadOptions, Reading};
use plandoc::model::{ActionRef, Plan, Status};

/// The corpus beside the worktree; absent: fail in CI, skip loudly elsewhere.
fn corpus(name: &str) -> Option<PathBuf> {
    let p = common::root().join("../shared/corpus/real").join(name);
    if p.is_file() {
        return Some(p);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("corpus réel absent : {}", p.display());
    }
    eprintln!("IGNORÉ : corpus réel absent ({}) — ce test échouera en CI", p.display());
    None
}

fn read(name: &str) -> Option<Reading> {
    let p = corpus(name)?;
    let r = read_plan(&p, &ReadOptions::default()).unwrap_or_else(|u| panic!("{}", u.diagnostic.message));
    assert!(!r.has_errors(), "{name}: {:?}", r.diagnostics);
    Some(r)
}

fn depth_count(plan: &Plan) -> (usize, usize) {
    let sub = plan.axes.iter().flat_map(|a| &a.objectives).count();
    let subsub = plan.axes.iter().flat_map(|a| &a.objectives).flat_map(|o| &o.children).count();
    (sub, subsub)
}

fn by_number<'a>(actions: &'a [ActionRef<'a>], n: &str) -> &'a plandoc::model::Action {
    actions.iter().find(|r| r.action.number.as_deref() == Some(n)).unwrap_or_else(|| panic!("action {n}")).action
}

#[test]
fn import_template_2023_example_sheet() {
    let Some(r) = read("tet-import-pa-2023-multionglets.xlsx") else { return };
    let plan = &r.plan;
    assert_eq!(plan.source.as_ref().unwrap().sheet, "Exemple Import flash");
    assert_eq!(plan.axis_count(), 3);
    assert_eq!(depth_count(plan), (8, 1));
    assert_eq!(plan.action_count(), 17);
    let actions = plan.actions();
    let numbers: Vec<String> = actions.iter().filter_map(|r| r.action.number.clone()).collect();
    let expected: Vec<String> = (1..=17).map(|n| n.to_string()).collect();
    assert_eq!(numbers, expected, "the typo « Acion 16. » still numbers its action");
    assert!(by_number(&actions, "1").title.starts_with("Former et informer, pour que chacun comprenne les enjeux"));
    assert!(by_number(&actions, "16").title.starts_with("Créer des îlots de fraîcheur"));
    // The section label row is no title; no help text became a title, an axis or a value.
    assert_ne!(plan.meta.title.as_deref(), Some("Présentation de l’action"));
    for a in &actions {
        assert!(!a.action.title.is_empty() && !matches!(a.action.title.as_str(), "VRAI" | "FAUX"));
        assert!(a.objectives.iter().all(|o| !o.title.starts_with("Champ texte")));
        assert!(a.action.extra.iter().all(|e| !e.value.starts_with("A compléter")), "{:?}", a.action.extra);
    }
    assert_eq!(actions.iter().filter(|r| r.action.status == Some(Status::Paused)).count(), 1);
    // Years from start and end dates, and from the "Calendrier" text.
    for a in &actions {
        assert!(a.action.years.iter().all(|y| (2022..=2026).contains(y)), "{:?}", a.action.years);
        assert!(!a.action.years.is_empty(), "{}", a.action.title);
    }
    let two = by_number(&actions, "2");
    assert_eq!(two.years, vec![2022, 2023, 2024, 2025]);
    assert_eq!(two.start_date.as_deref(), Some("2022-11-16"));
    assert_eq!((plan.meta.first_year, plan.meta.last_year), (Some(2022), Some(2026)));
    // People, money.
    assert_eq!(two.pilot_person.as_deref(), Some("Benjamin GOULLARD, Manon BOUVIER"));
    assert_eq!(two.pilot_service.as_deref(), Some("Service Environnement"));
    assert_eq!(two.pilot_structure.as_deref(), Some("La collectivité Exemple"));
    assert_eq!(two.elected.as_deref(), Some("Renée CHARLES"));
    let lines: Vec<(&str, Option<f64>)> = two.funding.iter().map(|l| (l.funder.as_str(), l.euros)).collect();
    assert_eq!(lines, vec![("Métropole", Some(50000.0)), ("DREAL", Some(15000.0)), ("Département 64", Some(12000.0))]);
    assert_eq!(two.budget.as_ref().and_then(|b| b.euros), Some(124566.0));
    let total = r.diagnostics.iter().find(|d| d.code == "budget-total-incoherent").expect("total ≠ somme");
    assert_eq!(total.cell.as_deref(), Some("Y4"));
    assert!(total.message.contains("124566") && total.message.contains("77000"), "{}", total.message);
    // The help cells are listed in the notes.
    assert!(r.notes.iter().any(|n| n.contains("cellule(s) d'aide") && n.contains("C3")), "{:?}", r.notes);
}

#[test]
fn current_blank_template_with_its_example() {
    let Some(r) = read("tet-modele-import-pa.xlsx") else { return };
    let plan = &r.plan;
    assert_eq!(plan.source.as_ref().unwrap().sheet, "Fichier dimport");
    assert_eq!((plan.axis_count(), depth_count(plan), plan.action_count()), (1, (1, 1), 1));
    let actions = plan.actions();
    let a = actions[0].action;
    assert_eq!(a.number.as_deref(), Some("1"));
    assert!(a.title.starts_with("Assurer la coordination de la transition écologique"), "{}", a.title);
    assert_eq!(a.years, vec![2022, 2023, 2024]);
    assert_eq!(a.status, Some(Status::NotStarted));
    assert_eq!(a.funding.len(), 3);
    for row in [3, 4] {
        assert!(r.notes.iter().any(|n| n.starts_with(&format!("Ligne {row} "))), "{:?}", r.notes);
    }
    // No title on every page from the section row.
    assert!(plan.meta.title.as_deref().is_none_or(|t| !t.contains("Présentation")));
}

#[test]
fn plan_with_sub_actions() {
    let Some(r) = read("tet-plan-sous-actions.xlsx") else { return };
    let plan = &r.plan;
    assert_eq!((plan.axis_count(), depth_count(plan), plan.action_count()), (2, (1, 0), 4));
    assert_eq!(plan.sub_action_count(), 3);
    let actions = plan.actions();
    let titles: Vec<&str> = actions.iter().map(|r| r.action.title.as_str()).collect();
    assert_eq!(titles, ["Action normale", "Action 1", "Action 2", "Action 3"]);
    let subs = |i: usize| actions[i].action.sub_actions.iter().map(|s| s.title.as_str()).collect::<Vec<_>>();
    assert_eq!(subs(1), ["Sous-action 1.1", "Sous-action 1.2"]);
    assert_eq!(subs(3), ["Sous-action 3.1"]);
    let s31 = &actions[3].action.sub_actions[0];
    assert_eq!(s31.status, Some(Status::Paused));
    assert_eq!(s31.pilot_person.as_deref(), Some("Pilote SA3.1"));
    assert_eq!(s31.end_date.as_deref(), Some("2027-03-31"));
    assert_eq!(actions[1].action.years, vec![2025, 2026]);
    assert!(r.notes.iter().any(|n| n.contains("« Données »")), "{:?}", r.notes);
}
