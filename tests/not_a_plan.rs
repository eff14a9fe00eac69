//! Saying when a file is not a plan: a spending ledger, a chart of accounts and a list of
//! communes are refused (exit 2, `aucun-plan`, a reason saying what the file looks like,
//! `plan_score` under the threshold) and read anyway with `--forcer`; a notice sheet never
//! wins over the table of the next sheet; a numbered référentiel gives its leaves as
//! actions and its numbered parents as levels; every sample and real plan stays accepted.

mod common;

use std::path::{Path, PathBuf};

use common::{check_json, plandoc, sample, tmpdir, write_xlsx, C};
use plandoc::ingest::{read_plan, ReadOptions, PLAN_THRESHOLD};

fn text(s: String) -> C<'static> {
    C::T(Box::leak(s.into_boxed_str()))
}

fn t(s: &'static str) -> C<'static> {
    C::T(s)
}

/// A workbook of one sheet in a fresh folder.
fn workbook(tag: &str, sheets: Vec<(&str, Vec<Vec<C<'static>>>)>) -> PathBuf {
    let file = tmpdir(tag).join(format!("{tag}.xlsx"));
    write_xlsx(&file, &sheets);
    file
}

/// Payment orders of a year: 300 rows, an amount excl. and incl. VAT on each.
fn ledger() -> PathBuf {
    let objects = ["Fournitures de bureau", "Maintenance chaudière école", "Repas cantine", "Transport scolaire"];
    let suppliers = ["SARL Dupont", "Bureau Vallée", "Sodexo", "Keolis"];
    let mut rows =
        vec![["N° mandat", "Date", "Tiers", "Libellé", "Imputation", "Montant HT", "Montant TTC", "Service"]
            .into_iter()
            .map(t)
            .collect::<Vec<_>>()];
    for i in 0..300u32 {
        let ht = f64::from(20 + (i * 7919) % 9000) + 0.5;
        rows.push(vec![
            text(format!("M2024-{:05}", i + 1)),
            text(format!("{:02}/03/2024", i % 28 + 1)),
            t(suppliers[i as usize % 4]),
            text(format!("{} - facture F{}", objects[i as usize % 4], 1000 + i)),
            text(format!("6{}", 100 + i % 80)),
            C::N(ht),
            C::N((ht * 1.2 * 100.0).round() / 100.0),
            t(["Services techniques", "Enfance", "Culture"][i as usize % 3]),
        ]);
    }
    workbook("grand-livre", vec![("Mandats 2024", rows)])
}

/// A chart of accounts: account codes and their labels.
fn nomenclature() -> PathBuf {
    let labels = ["Achats stockés - matières premières", "Fournitures non stockées", "Énergie - électricité"];
    let mut rows = vec![vec![t("Code"), t("Libellé"), t("Chapitre"), t("Sens")]];
    for i in 0..400u32 {
        rows.push(vec![
            text(format!("{}{:02}", 60 + i / 40, i % 40)),
            text(format!("{} {}", labels[i as usize % 3], i)),
            text(format!("0{}", 11 + i % 5)),
            t(if i % 2 == 0 { "Dépense" } else { "Recette" }),
        ]);
    }
    workbook("nomenclature-m57", vec![("Plan de comptes M57", rows)])
}

/// A list of communes: name, INSEE code, population.
fn communes() -> PathBuf {
    let names = ["Saint-Martin", "Villeneuve", "Montagnac", "Beaulieu", "Fontaine", "Castelnau", "Roquefort"];
    let mut rows = vec![vec![t("Libellé"), t("Code INSEE"), t("Population"), t("Département")]];
    for i in 0..200u32 {
        let name = names[i as usize % 7];
        let full = if i < 7 { name.to_string() } else { format!("{name}-sur-{}", names[(i as usize / 7) % 7]) };
        rows.push(vec![text(full), text(format!("{}", 34001 + i * 3)), C::N(f64::from(150 + i * 97)), t("Hérault")]);
    }
    workbook("communes-herault", vec![("Communes", rows)])
}

fn diagnostic<'a>(report: &'a serde_json::Value, code: &str) -> &'a serde_json::Value {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("pas de {code} : {report}"))
}

/// Refused, with the reason and score, then read with --forcer (and its alias --force).
fn refused_then_forced(file: &Path, reason_start: &str, actions: u64) -> serde_json::Value {
    let (code, r) = check_json(file);
    assert_eq!(code, 2, "{r}");
    assert!(r["actions"].is_null());
    let d = diagnostic(&r, "aucun-plan");
    let score = r["plan_score"].as_u64().expect("plan_score");
    assert!(score < u64::from(PLAN_THRESHOLD), "{score}");
    let reason = r["plan_reason"].as_str().unwrap();
    assert!(reason.starts_with(reason_start), "{reason}");
    let message = d["message"].as_str().unwrap();
    assert!(message.contains(reason) && message.contains("--forcer"), "{message}");
    assert!(message.contains(&format!("indice de plan {score} sur 100, seuil {PLAN_THRESHOLD}")), "{message}");
    for flag in ["--forcer", "--force"] {
        let out = plandoc(&["check", file.to_str().unwrap(), "--json", flag]);
        let f: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(out.code, 0, "{f}");
        assert_eq!(f["actions"].as_u64(), Some(actions));
        assert_eq!(f["plan_score"].as_u64(), Some(score));
        assert!(diagnostic(&f, "plan-douteux")["message"].as_str().unwrap().contains(reason));
    }
    r
}

#[test]
fn a_spending_ledger_is_refused_as_a_list_of_payment_orders() {
    let file = ledger();
    let r =
        refused_then_forced(&file, "liste de mandats : un montant par ligne (« Montant HT », « Montant TTC »)", 300);
    let reason = r["plan_reason"].as_str().unwrap();
    assert!(reason.contains("« N° mandat »") && reason.ends_with("pas d'intitulé d'action"), "{reason}");
    assert_eq!(diagnostic(&r, "aucun-plan")["sheet"], "Mandats 2024");
    // build refuses it the same way, and reads it with --forcer: the annex holds the 300 rows.
    let out_dir = tmpdir("grand-livre-docs");
    let o = out_dir.to_str().unwrap();
    let refused = plandoc(&["build", file.to_str().unwrap(), "-o", o, "--only", "annexe"]);
    assert_eq!(refused.code, 2, "{}", refused.stdout);
    assert!(refused.stdout.contains("liste de mandats"), "{}", refused.stdout);
    assert!(!out_dir.join("annexe.xlsx").exists());
    let forced = plandoc(&["build", file.to_str().unwrap(), "-o", o, "--only", "annexe", "--forcer"]);
    assert_eq!(forced.code, 0, "{}{}", forced.stdout, forced.stderr);
    assert!(forced.stderr.contains("[plan-douteux]"), "{}", forced.stderr);
    use calamine::Reader;
    let mut annex: calamine::Xlsx<_> = calamine::open_workbook(out_dir.join("annexe.xlsx")).unwrap();
    let sheet = annex.sheet_names()[0].clone();
    let range = annex.worksheet_range(&sheet).unwrap();
    let cells: Vec<String> = range.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect();
    assert!(cells.iter().any(|c| c == "Maintenance chaudière école - facture F1001"), "{:?}", &cells[..40]);
    assert!(cells.iter().any(|c| c == "Fournitures de bureau - facture F1296"));
}

#[test]
fn a_chart_of_accounts_is_refused_as_an_accounting_nomenclature() {
    let r = refused_then_forced(
        &nomenclature(),
        "nomenclature comptable : des codes de compte (« 6000 », « 6001 », « 6002 »…) et leurs libellés",
        400,
    );
    assert_eq!(diagnostic(&r, "aucun-plan")["cell"], "A1");
}

#[test]
fn a_list_of_communes_is_refused_as_such() {
    let r = refused_then_forced(
        &communes(),
        "liste de communes : des noms de lieux (« Saint-Martin », « Villeneuve », « Montagnac »)",
        200,
    );
    let reason = r["plan_reason"].as_str().unwrap();
    assert!(reason.contains("« Code INSEE »") && reason.contains("« Population »"), "{reason}");
    assert_eq!(r["plan_score"].as_u64(), Some(0));
}

/// A notice sheet (label | explanation, one row per field) before a 2,000-row table.
fn notice_then_data(tag: &str, title_header: &'static str) -> PathBuf {
    let mut notice = vec![vec![t("Dictionnaire des champs")]];
    for (label, why) in [
        ("Intitulé de l'action", "Titre court, commençant par un verbe"),
        ("Pilote", "Service ou structure qui porte l'action"),
        ("Partenaires", "Partenaires associés, séparés par des virgules"),
        ("Statut", "À venir, En cours, Réalisé"),
        ("Date de début", "Date prévue de lancement"),
    ] {
        notice.push(vec![t(label), t(why)]);
    }
    let verbs = ["Créer", "Développer", "Renforcer", "Accompagner", "Soutenir", "Organiser"];
    let things = ["un lieu d'accueil", "les mobilités douces", "la rénovation des logements", "des ateliers"];
    let mut data = vec![["Identifiant", title_header, "Porteur", "Partenaires", "Statut"].into_iter().map(t).collect()];
    for i in 0..2000usize {
        data.push(vec![
            text(format!("OP-{}", i + 1)),
            text(format!("{} {} ({})", verbs[i % 6], things[i % 4], i + 1)),
            t(["CCAS", "Mairie", "CAF"][i % 3]),
            t("Département"),
            t(if i % 2 == 0 { "En cours" } else { "À venir" }),
        ]);
    }
    workbook(tag, vec![("Notice", notice), ("Données", data)])
}

#[test]
fn a_notice_sheet_never_wins_over_the_table_of_the_next_sheet() {
    // "Nom du projet" names no title column: the values find it, with a warning; the
    // notice, a label and its explanation per row, is not read as a form.
    let (code, r) = check_json(&notice_then_data("notice-et-donnees", "Nom du projet"));
    assert_eq!(code, 0, "{r}");
    assert_eq!(r["sheet"], "Données");
    assert_eq!(r["actions"].as_u64(), Some(2000));
    assert!(r["plan_score"].as_u64().unwrap() >= 90, "{r}");
    let columns: Vec<(&str, &str)> = r["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["field"].as_str().unwrap(), c["column"].as_str().unwrap()))
        .collect();
    assert!(columns.contains(&("action", "B")) && columns.contains(&("pilote", "C")), "{columns:?}");
    let doubt = diagnostic(&r, "colonne-titre-douteuse");
    assert!(doubt["message"].as_str().unwrap().contains("la colonne B « Nom du projet » est lue comme intitulé"));
    assert!(r["notes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n == "Feuille « Notice » ignorée : le plan est lu dans « Données »."));
    let reading = read_plan(&notice_then_data("notice-et-donnees-2", "Intitulé"), &ReadOptions::default()).unwrap();
    let titles: Vec<&str> = reading.plan.actions().iter().take(3).map(|a| a.action.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Créer un lieu d'accueil (1)",
            "Développer les mobilités douces (2)",
            "Renforcer la rénovation des logements (3)"
        ]
    );
    assert_eq!(reading.plan.action_count(), 2000);
    assert_eq!(reading.plan.actions()[1999].action.pilot.as_deref(), Some("Mairie"));
}

/// A numbered référentiel: six chapters, then items at depths 2 to 4, some of them
/// leaves; `valued` puts a value in the "Points" column of every row, parents included.
/// Returns the file, its leaves and its parents.
fn referential(tag: &str, valued: bool) -> (PathBuf, usize, usize) {
    fn add(
        rows: &mut Vec<Vec<C<'static>>>,
        number: String,
        depth: usize,
        seed: &mut usize,
        valued: bool,
    ) -> (usize, usize) {
        *seed = (*seed * 31 + 7) % 97;
        let kids = if depth >= 4 {
            0
        } else if depth == 1 {
            3
        } else {
            [0, 2, 3, 0, 2][*seed % 5]
        };
        let verbs = ["Définir", "Mettre en œuvre", "Suivre", "Évaluer", "Développer", "Renforcer"];
        let title = format!("{} la politique {number}", verbs[*seed % 6]);
        let points = if valued || kids == 0 { C::N((*seed % 9 + 1) as f64) } else { C::E };
        rows.push(vec![text(number.clone()), text(title), points]);
        let mut counts = if kids == 0 { (1, 0) } else { (0, 1) };
        for k in 1..=kids {
            let (l, p) = add(rows, format!("{number}.{k}"), depth + 1, seed, valued);
            counts = (counts.0 + l, counts.1 + p);
        }
        counts
    }
    let mut rows = vec![vec![t("Référence"), t("Intitulé"), t("Points")]];
    let (mut leaves, mut parents, mut seed) = (0, 0, 1);
    for chapter in 1..=6 {
        let (l, p) = add(&mut rows, chapter.to_string(), 1, &mut seed, valued);
        leaves += l;
        parents += p;
    }
    (workbook(tag, vec![("Référentiel", rows)]), leaves, parents)
}

#[test]
fn a_numbered_referential_gives_its_leaves_as_actions_and_its_parents_as_levels() {
    let (file, leaves, parents) = referential("referentiel", false);
    assert!(leaves > parents && parents > 20, "{leaves} {parents}");
    let (code, r) = check_json(&file);
    assert_eq!(code, 0, "{r}");
    assert_eq!(r["actions"].as_u64(), Some(leaves as u64));
    assert_eq!(r["sub_actions"].as_u64(), Some(0));
    assert_eq!(r["axes"].as_u64().unwrap() + r["objectives"].as_u64().unwrap(), parents as u64);
    let reading = read_plan(&file, &ReadOptions::default()).unwrap();
    let plan = &reading.plan;
    assert_eq!(plan.axis_count(), 6);
    assert!(plan.axes[0].title.starts_with("1. ") && plan.axes[0].objectives[0].title.starts_with("1.1 "));
    let numbers: Vec<&str> = plan.actions().iter().map(|a| a.action.number.as_deref().unwrap_or("")).collect();
    // Every action is a leaf: no other number sits under it.
    for n in &numbers {
        assert!(!numbers.iter().any(|m| m.starts_with(&format!("{n}."))), "{n} a des sous-éléments");
    }
    // Leaves at several depths.
    let depths: std::collections::BTreeSet<usize> = numbers.iter().map(|n| n.split('.').count()).collect();
    assert!(depths.len() >= 2, "{depths:?}");
}

#[test]
fn a_referential_whose_parents_hold_values_is_refused_or_forced() {
    let (file, leaves, parents) = referential("referentiel-valeurs", true);
    let (code, r) = check_json(&file);
    assert_eq!(code, 2, "{r}");
    let d = diagnostic(&r, "aucun-plan");
    let message = d["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("ses {leaves} éléments sans sous-niveau sont les actions et ses {parents} lignes"))
    );
    assert!(message.contains("colonne(s) C « Points »") && message.contains("cellules C2, C3"), "{message}");
    assert!(r["plan_reason"].as_str().unwrap().contains("référentiel numéroté : ses"), "{r}");
    assert_eq!((d["sheet"].as_str(), d["cell"].as_str()), (Some("Référentiel"), Some("C2")));
    let out = plandoc(&["check", file.to_str().unwrap(), "--json", "--forcer"]);
    let f: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(out.code, 0, "{f}");
    assert_eq!(f["actions"].as_u64(), Some(leaves as u64));
    assert!(diagnostic(&f, "niveau-valeurs-ignorees")["message"].as_str().unwrap().contains("C « Points »"));
}

/// Every sample and real plan is accepted, well above the threshold: their scores.
#[test]
fn every_sample_and_real_plan_looks_like_a_plan() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(common::root().join("samples"))
        .unwrap()
        .chain(std::fs::read_dir(common::root().join("../shared/corpus/real")).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| ["xlsx", "xls", "ods", "csv"].contains(&e.to_str().unwrap())))
        .collect();
    files.sort();
    assert!(files.len() >= 18, "{files:?}");
    let mut lowest = (u32::MAX, String::new());
    for f in &files {
        let reading = read_plan(f, &ReadOptions::default()).unwrap_or_else(|u| panic!("{f:?} : {:?}", u.diagnostic));
        let l = reading.likeness.expect("likeness");
        eprintln!("{:>3}  {}", l.score, f.file_name().unwrap().to_string_lossy());
        if l.score < lowest.0 {
            lowest = (l.score, f.display().to_string());
        }
    }
    assert!(lowest.0 >= PLAN_THRESHOLD + 30, "marge trop faible : {lowest:?}");
    let _ = sample("cls-plan-numerote.xlsx");
}
