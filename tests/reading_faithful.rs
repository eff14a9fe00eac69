//! Reading is never silently wrong: the hierarchy as the sheet says it, constant columns
//! read as the plan's metadata, and nothing of a cell lost (long accented texts, mixed
//! encodings, big numbers, far-down cells, progress columns read one way).

mod common;

use common::{plan_sheet, tmpdir, write_xlsx, C};
use plandoc::ingest::{read_plan, ReadOptions, Reading};

fn read(path: &std::path::Path) -> Reading {
    read_plan(path, &ReadOptions::default()).unwrap_or_else(|u| panic!("{:?}", u.diagnostic))
}

/// (path joined with " › ", title) of every action, in document order.
fn paths(r: &Reading) -> Vec<(String, String)> {
    r.plan.actions().iter().map(|a| (a.path().join(" › "), a.action.title.clone())).collect()
}

fn codes(r: &Reading) -> Vec<String> {
    r.diagnostics.iter().map(|d| d.code.clone()).collect()
}

/// The axis on every row, objectives typed on their group's first row only, one objective
/// typed again further down: every action keeps its objective, in the sheet's order.
#[test]
fn sparse_objectives_under_a_repeated_axis() {
    let (_, file) = plan_sheet(
        "faithful-sparse",
        &[
            &["Axe", "Objectif", "Action"],
            &["Axe 1", "Objectif 1.1 : Accueillir", "Action a"],
            &["Axe 1", "", "Action b"],
            &["Axe 1", "Objectif 1.1 : Accueillir", "Action c"],
            &["Axe 1", "", "Action d"],
            &["Axe 1", "Objectif 1.2 : Accueillir", "Action e"],
            &["Axe 1", "", "Action f"],
            &["Axe 2", "Objectif n°4 : Former", "Action g"],
            &["Axe 2", "", "Action h"],
        ],
    );
    let r = read(&file);
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    let got = paths(&r);
    let want: Vec<(String, String)> = [
        ("Axe 1 › 1.1 : Accueillir", "Action a"),
        ("Axe 1 › 1.1 : Accueillir", "Action b"),
        ("Axe 1 › 1.1 : Accueillir", "Action c"),
        ("Axe 1 › 1.1 : Accueillir", "Action d"),
        ("Axe 1 › 1.2 : Accueillir", "Action e"),
        ("Axe 1 › 1.2 : Accueillir", "Action f"),
        ("Axe 2 › n°4 : Former", "Action g"),
        ("Axe 2 › n°4 : Former", "Action h"),
    ]
    .iter()
    .map(|(p, t)| (p.to_string(), t.to_string()))
    .collect();
    assert_eq!(got, want);
    // Two groups under axis 1 (the re-typed one is the same), none hanging on the axis.
    assert_eq!(r.plan.axes.len(), 2);
    assert_eq!(r.plan.axes[0].objectives.len(), 2);
    assert!(r.plan.axes.iter().all(|a| a.actions.is_empty()));
    assert!(!r.notes.iter().any(|n| n.contains("rattachée")), "{:?}", r.notes);
}
