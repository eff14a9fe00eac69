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
    r.diagnostics.iter().map(|d| d.code.to_string()).collect()
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

/// A flat export of a national platform: the plan's identifier, name, collectivité and
/// launch date on every row. They are the plan's: no `numero-en-double`, no 2021-2021
/// period; territory, title, kind and period read from them; the documents build.
#[test]
fn constant_columns_are_about_the_plan() {
    let dir = tmpdir("faithful-flat-export");
    let file = dir.join("export-demarches.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Export").unwrap();
    let head = ["Id_demarche", "Nom_demarche", "Collectivite_porteuse", "Date_lancement", "Intitule_action", "Secteur"];
    for (c, h) in head.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2021, 3, 15).unwrap();
    let fmt = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    let titles = [
        "Rénover les écoles communales",
        "Créer un réseau de chaleur au bois",
        "Développer le covoiturage domicile-travail",
        "Former les artisans à la rénovation",
        "Planter des haies bocagères",
    ];
    for (i, t) in titles.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_number(r, 0, 4242.0).unwrap();
        ws.write_string(r, 1, "PCAET 2020-2026 de la Communauté de communes du Lauragais").unwrap();
        ws.write_string(r, 2, "Communauté de communes du Lauragais").unwrap();
        ws.write_datetime_with_format(r, 3, &date, &fmt).unwrap();
        ws.write_string(r, 4, *t).unwrap();
        ws.write_string(r, 5, if i % 2 == 0 { "Résidentiel" } else { "Transport" }).unwrap();
    }
    wb.save(&file).unwrap();
    let r = read(&file);
    assert!(!codes(&r).contains(&"numero-en-double".to_string()), "{:?}", r.diagnostics);
    assert!(!r.has_errors(), "{:?}", r.diagnostics);
    let m = &r.plan.meta;
    assert_eq!(m.territory.as_deref(), Some("Communauté de communes du Lauragais"));
    assert_eq!(m.title.as_deref(), Some("PCAET 2020-2026 de la Communauté de communes du Lauragais"));
    assert_eq!(m.kind, plandoc::model::PlanKind::Pcaet);
    assert_eq!((m.first_year, m.last_year), (Some(2020), Some(2026)));
    let actions = r.plan.actions();
    assert_eq!(actions.len(), 5);
    let got: Vec<&str> = actions.iter().map(|a| a.action.title.as_str()).collect();
    assert_eq!(got, titles);
    // No action numbered by the plan's identifier, none dated by the launch date.
    assert!(actions.iter().all(|a| a.action.number.is_none()), "{:?}", actions[0].action.number);
    assert!(actions.iter().all(|a| a.action.years.is_empty() && a.action.start_date.is_none()));
    // Nothing lost: the constant columns are still shown on each fiche.
    let extra: Vec<&str> = actions[0].action.extra.iter().map(|e| e.name.as_str()).collect();
    assert!(extra.contains(&"Id_demarche") && extra.contains(&"Date_lancement"), "{extra:?}");
    let out = dir.join("docs");
    let run = common::plandoc(&["build", file.to_str().unwrap(), "--sortie", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = common::pdf::text(&out.join("fiches-actions.pdf"));
    assert!(text.contains("Communauté de communes du Lauragais"), "{}", &text[..text.len().min(600)]);
    assert!(text.contains("Planter des haies bocagères"));
}

/// The platform's own flat exports (corpus): every action read, none numbered by the
/// programme's identifier, the titles' own numbering kept.
#[test]
fn pcaet_flat_exports_of_the_corpus() {
    let corpus = common::root().join("../shared/corpus/real");
    for (name, count) in [("pcaet-programme-actions-2356.xlsx", 106), ("pcaet-programme-actions-1854.csv", 90)] {
        let r = read(&corpus.join(name));
        assert!(!r.has_errors(), "{name}: {:?}", r.diagnostics.iter().take(3).collect::<Vec<_>>());
        let actions = r.plan.actions();
        assert_eq!(actions.len(), count, "{name}");
        assert!(actions
            .iter()
            .all(|a| a.action.number.as_deref() != Some("2356") && a.action.number.as_deref() != Some("1854")));
        assert!(r.notes.iter().any(|n| n.contains("Id_demarche") && n.contains("concerne le plan")), "{:?}", r.notes);
        assert_eq!(r.plan.meta.first_year, None, "{name}");
    }
    let r = read(&corpus.join("pcaet-programme-actions-2356.xlsx"));
    let first = &r.plan.actions()[0].action;
    assert_eq!(first.number.as_deref(), Some("111-1"));
    assert!(first.title.starts_with("Assurer l'ambition CAEE"), "{}", first.title);
}

fn python(script: &str) {
    let out = std::process::Command::new("python3").arg("-c").arg(script).output().expect("python3");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// openpyxl writes "é" as "&#233;": the cell limit counts decoded characters, so 10,000
/// "é" are kept whole, and so are 32,767 (the limit itself), without a warning. (Cutting
/// above the limit, with `texte-tronque`, is tested on the XML filter: openpyxl itself
/// writes no more than 32,767 characters.)
#[test]
fn long_accented_cells_written_by_openpyxl() {
    let dir = tmpdir("faithful-long-accents");
    let file = dir.join("long.xlsx");
    python(&format!(
        "import openpyxl\nwb=openpyxl.Workbook()\nws=wb.active\nws.title='Plan'\n\
         ws.append(['Axe','Action','Description'])\n\
         ws.append(['Axe 1','Action courte','é'*10000])\n\
         ws.append(['Axe 1','Action longue','é'*32767])\nwb.save({:?})",
        file.to_str().unwrap()
    ));
    let r = read(&file);
    let actions = r.plan.actions();
    assert_eq!(actions.len(), 2);
    let len = |i: usize| actions[i].action.description.as_deref().unwrap_or("").chars().count();
    assert_eq!(len(0), 10_000);
    assert_eq!(len(1), 32_767);
    assert!(actions[1].action.description.as_deref().unwrap().chars().all(|c| c == 'é'));
    assert!(!r.diagnostics.iter().any(|d| d.code == "texte-tronque"), "{:?}", r.diagnostics);
}

/// A UTF-8 CSV with a BOM and one stray Windows-1252 byte: decoded line by line, the
/// UTF-8 lines stay right ("N°", "Créer"), the stray line is read as Windows-1252 and
/// named in an `encodage-mixte` warning.
#[test]
fn mixed_encoding_csv() {
    let dir = tmpdir("faithful-mixed-csv");
    let file = dir.join("plan-mixte.csv");
    let mut bytes: Vec<u8> = b"\xEF\xBB\xBF".to_vec();
    bytes.extend("N°;Axe;Action\n1;Axe 1;Créer un guide\n2;Axe 1;Élargir l'accueil\n".as_bytes());
    bytes.extend(b"3;Axe 2;Ouvrir un caf\xe9 associatif\n");
    bytes.extend("4;Axe 2;Réunir les élus\n".as_bytes());
    std::fs::write(&file, bytes).unwrap();
    let r = read(&file);
    let titles: Vec<String> = r.plan.actions().iter().map(|a| a.action.title.clone()).collect();
    assert_eq!(titles, ["Créer un guide", "Élargir l'accueil", "Ouvrir un café associatif", "Réunir les élus"]);
    let numbers: Vec<Option<String>> = r.plan.actions().iter().map(|a| a.action.number.clone()).collect();
    assert_eq!(numbers, ["1", "2", "3", "4"].map(|n| Some(n.to_string())));
    let w: Vec<_> = r.diagnostics.iter().filter(|d| d.code == "encodage-mixte").collect();
    assert_eq!(w.len(), 1, "{:?}", r.diagnostics);
    assert!(w[0].message.contains("ligne(s) 4)"), "{}", w[0].message);
    assert_eq!(w[0].sheet.as_deref(), Some("plan-mixte"));
    // A file wholly in Windows-1252 is no mix: read, no warning.
    let win = dir.join("plan-1252.csv");
    std::fs::write(&win, b"Axe;Action\nAxe 1;Cr\xe9er un guide\n").unwrap();
    let r = read(&win);
    assert_eq!(r.plan.actions()[0].action.title, "Créer un guide");
    assert!(!r.diagnostics.iter().any(|d| d.code == "encodage-mixte"), "{:?}", r.diagnostics);
}

/// Integers of any size are printed exactly; a progress column with one value above 1
/// is read in percents throughout (1 is 1 %, 2 is 2 %).
#[test]
fn big_numbers_and_a_progress_column_read_one_way() {
    let dir = tmpdir("faithful-numbers");
    let file = dir.join("plan.xlsx");
    let n = |v: f64| C::N(v);
    write_xlsx(
        &file,
        &[(
            "Plan",
            vec![
                vec![C::T("Axe"), C::T("Action"), C::T("Compteur"), C::T("Taux de réalisation")],
                vec![C::T("Axe 1"), C::T("Action a"), n(1e15), n(1.0)],
                vec![C::T("Axe 1"), C::T("Action b"), n(123_456_789_012_345_680.0), n(25.0)],
                vec![C::T("Axe 1"), C::T("Action c"), n(-2e16), n(50.0)],
                vec![C::T("Axe 1"), C::T("Action d"), n(42.5), n(75.0)],
                vec![C::T("Axe 1"), C::T("Action e"), n(7.0), n(2.0)],
            ],
        )],
    );
    let r = read(&file);
    let actions = r.plan.actions();
    assert_eq!(actions.len(), 5);
    let refs: Vec<String> = actions
        .iter()
        .map(|a| a.action.extra.iter().find(|e| e.name == "Compteur").map(|e| e.value.clone()).unwrap_or_default())
        .collect();
    assert_eq!(refs, ["1000000000000000", "123456789012345680", "-20000000000000000", "42.5", "7"]);
    let progress: Vec<Option<f64>> = actions.iter().map(|a| a.action.progress).collect();
    assert_eq!(progress, [Some(1.0), Some(25.0), Some(50.0), Some(75.0), Some(2.0)]);
    assert!(!r.diagnostics.iter().any(|d| d.code == "avancement-ambigu"), "{:?}", r.diagnostics);
    // 0,1 among percents is read as 0,1 %, and said so at its cell: it may mean 10 %.
    let file = dir.join("ambigu.xlsx");
    write_xlsx(
        &file,
        &[(
            "Plan",
            vec![
                vec![C::T("Axe"), C::T("Action"), C::T("Taux de réalisation")],
                vec![C::T("Axe 1"), C::T("Action a"), n(40.0)],
                vec![C::T("Axe 1"), C::T("Action b"), C::T("0,1")],
            ],
        )],
    );
    let r = read(&file);
    let progress: Vec<Option<f64>> = r.plan.actions().iter().map(|a| a.action.progress).collect();
    assert_eq!(progress, [Some(40.0), Some(0.1)]);
    let warned: Vec<_> = r.diagnostics.iter().filter(|d| d.code == "avancement-ambigu").collect();
    assert_eq!(warned.len(), 1, "{:?}", r.diagnostics);
    assert_eq!(warned[0].cell.as_deref(), Some("C3"));
    assert!(
        warned[0].message.contains("lu comme 0,1 %") && warned[0].message.contains("10 %"),
        "{}",
        warned[0].message
    );
    // A column of fractions only stays fractions of one.
    let file = dir.join("fractions.xlsx");
    write_xlsx(
        &file,
        &[(
            "Plan",
            vec![
                vec![C::T("Axe"), C::T("Action"), C::T("Taux de réalisation")],
                vec![C::T("Axe 1"), C::T("Action a"), n(1.0)],
                vec![C::T("Axe 1"), C::T("Action b"), n(0.25)],
            ],
        )],
    );
    let r = read(&file);
    let progress: Vec<Option<f64>> = r.plan.actions().iter().map(|a| a.action.progress).collect();
    assert_eq!(progress, [Some(100.0), Some(25.0)]);
}

/// `check` says when the documents will carry no collectivité or no plan title.
#[test]
fn check_warns_when_metadata_is_missing() {
    let (_, file) = plan_sheet("faithful-no-meta", &[&["Axe", "Action"], &["Axe 1", "Créer un guide"]]);
    let (code, r) = common::check_json_all(&file);
    assert_eq!(code, 0, "{r}");
    let d: Vec<&serde_json::Value> =
        r["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == "metadonnee-manquante").collect();
    assert_eq!(d.len(), 1, "{r}");
    let msg = d[0]["message"].as_str().unwrap();
    assert!(msg.contains("la collectivité ni le titre du plan"), "{msg}");
    // A Convention sheet giving both: no warning.
    let dir = tmpdir("faithful-meta");
    let file = dir.join("plan.xlsx");
    write_xlsx(
        &file,
        &[
            ("Plan", common::rows(&[&["Axe", "Action"], &["Axe 1", "Créer un guide"]])),
            (
                "Convention",
                common::rows(&[&["Collectivité", "Commune de Revel"], &["Titre du plan", "Projet social 2025-2029"]]),
            ),
        ],
    );
    let (_, r) = common::check_json_all(&file);
    assert!(!r["diagnostics"].as_array().unwrap().iter().any(|d| d["code"] == "metadonnee-manquante"), "{r}");
}

/// The blank template has a commented « Indicateurs » sheet; filled in, the plan reader
/// (the evaluation's) reads its indicators back, tied to their action.
#[test]
fn template_indicators_sheet_reads_back() {
    let dir = tmpdir("faithful-template-indicators");
    let path = dir.join("modele.xlsx");
    let out = common::plandoc(&["template", "-o", path.to_str().unwrap(), "--periode", "2026-2028"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let filled = dir.join("rempli.xlsx");
    python(&format!(
        "import openpyxl\nwb=openpyxl.load_workbook({:?})\n\
         assert wb.sheetnames[-1]=='Indicateurs', wb.sheetnames\n\
         ind=wb['Indicateurs']\n\
         heads=[c.value for c in ind[1]]\n\
         assert heads==[\"N° d'action\",'Indicateur','Unité','Valeur de référence','Cible','Réalisé 2026','Réalisé 2027','Réalisé 2028'], heads\n\
         assert all(c.comment is not None and len(c.comment.text)>10 for c in ind[1]), 'commentaires'\n\
         p=wb[\"Plan d'actions\"]\n\
         p['A3']='Axe 1 : Petite enfance'; p['D3']=1; p['E3']='Ouvrir une crèche'\n\
         ind.append(['1','Places en crèche','places',0,20,5,12,None])\n\
         wb.save({:?})",
        path.to_str().unwrap(),
        filled.to_str().unwrap()
    ));
    let r = read(&filled);
    assert!(!r.has_errors(), "{:?}", r.diagnostics);
    assert_eq!(r.plan.indicators.len(), 1, "{:?}", r.diagnostics);
    let i = &r.plan.indicators[0];
    assert_eq!(i.action.as_deref(), Some("1"));
    assert_eq!(i.name, "Places en crèche");
    assert_eq!(i.unit.as_deref(), Some("places"));
    assert_eq!((i.baseline, i.target), (Some(0.0), Some(20.0)));
    assert_eq!(i.values.iter().map(|(y, v)| (*y, *v)).collect::<Vec<_>>(), [(2026, 5.0), (2027, 12.0)]);
}

/// `batch` says it reads CSV, as it does (one list of formats everywhere).
#[test]
fn batch_help_names_every_format() {
    let out = common::plandoc(&["batch", "--help"]);
    assert!(out.stdout.contains("xlsx, xlsm, xlsb, xls, ods, csv"), "{}", out.stdout);
}
