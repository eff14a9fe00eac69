//! Departmental synthesis (`plandoc synthese`): every figure of synthese.xlsx recomputed
//! from each plan's own evaluation.xlsx (read by calamine), the PDF read back by poppler
//! and checked by outloud and pdfua, themes assigned from the actions' words or from a
//! « Thème » column.

mod common;

use std::path::{Path, PathBuf};

use calamine::{open_workbook_auto, Data, Range, Reader};
use common::pdf;
use common::{plandoc, sample, tagged, tmpdir, write_xlsx, C};

/// One action of a made-up plan: axis, title, status, progress, comment, its years.
type Act = (&'static str, &'static str, &'static str, &'static str, &'static str, &'static [i32]);

/// A followed plan: a « Convention » sheet, then Axe | N° | Action | Statut | Avancement |
/// Commentaire | one column per year of the period.
fn followed(path: &Path, who: &str, kind: &str, (first, last): (i32, i32), acts: &[Act]) {
    let years: Vec<String> = (first..=last).map(|y| y.to_string()).collect();
    let (a, b) = (first.to_string(), last.to_string());
    let convention = vec![
        vec![C::T("Collectivité"), C::T(who)],
        vec![C::T("Type de plan"), C::T(kind)],
        vec![C::T("Première année"), C::T(&a)],
        vec![C::T("Dernière année"), C::T(&b)],
    ];
    let mut head: Vec<C> =
        ["Axe", "N°", "Action", "Statut", "Avancement", "Commentaire"].iter().map(|h| C::T(h)).collect();
    head.extend(years.iter().map(|y| C::T(y)));
    let nums: Vec<String> = (1..=acts.len()).map(|i| i.to_string()).collect();
    let mut rows = vec![head];
    for (i, (axis, title, status, progress, comment, ys)) in acts.iter().enumerate() {
        let mut r = vec![C::T(axis), C::T(&nums[i]), C::T(title), C::T(status)];
        r.push(progress.parse::<f64>().map_or(C::E, C::N));
        r.push(if comment.is_empty() { C::E } else { C::T(comment) });
        r.extend((first..=last).map(|y| if ys.contains(&y) { C::T("X") } else { C::E }));
        rows.push(r);
    }
    write_xlsx(path, &[("Plan d'actions", rows), ("Convention", convention)]);
}

/// A made-up followed plan: file, collectivité, kind, period, actions.
type Made = (&'static str, &'static str, &'static str, (i32, i32), &'static [Act]);

const MADE: [Made; 5] = [
    (
        "ctg-revel.xlsx",
        "Communauté de communes de Revel",
        "CTG",
        (2023, 2027),
        &[
            ("Petite enfance", "Ouvrir une micro-crèche", "Réalisée", "100", "Ouverte en 2024", &[2023, 2024]),
            ("Petite enfance", "Créer un relais petite enfance", "En cours", "40", "", &[2024, 2025, 2026]),
            ("Jeunesse", "Ouvrir un espace jeunes", "Bloquée", "10", "Local introuvable", &[2024, 2025]),
            ("Jeunesse", "Former des animateurs BAFA", "À venir", "", "", &[2026, 2027]),
            ("Parentalité", "Lancer un café des parents", "Abandonnée", "0", "Pas de porteur", &[2023]),
        ],
    ),
    (
        "pedt-castelnau.xlsx",
        "Commune de Castelnau",
        "PEDT",
        (2024, 2026),
        &[
            (
                "Périscolaire",
                "Réorganiser l'accueil périscolaire du mercredi",
                "En cours",
                "60",
                "",
                &[2024, 2025, 2026],
            ),
            (
                "Périscolaire",
                "Étendre l'accueil de loisirs aux vacances",
                "En retard",
                "20",
                "Recrutement en cours",
                &[2025],
            ),
            ("Parents", "Accompagnement à la scolarité (CLAS)", "Réalisée", "100", "", &[2024]),
        ],
    ),
    (
        "ctg-montagne-noire.xlsx",
        "Communauté de communes de la Montagne Noire",
        "CTG",
        (2021, 2025),
        &[
            ("Accès aux droits", "Ouvrir une maison France Services", "Réalisée", "100", "", &[2021, 2022]),
            (
                "Mobilité",
                "Mettre en place le transport à la demande",
                "En cours",
                "50",
                "Marché relancé",
                &[2022, 2023],
            ),
            ("Logement", "Repérer l'habitat indigne", "À venir", "", "", &[2024, 2025]),
            ("Numérique", "Recruter un conseiller numérique", "Reportée", "0", "Budget 2026", &[2023]),
        ],
    ),
    (
        "sud/pst-lavaur.xlsx",
        "Ville de Lavaur",
        "PST",
        (2022, 2026),
        &[
            ("Vie sociale", "Agréer un espace de vie sociale", "Réalisée", "100", "", &[2022, 2023]),
            ("Vie sociale", "Soutenir les bénévoles des associations", "En cours", "70", "", &[2023, 2024, 2025, 2026]),
            ("Insertion", "Accompagner les demandeurs d'emploi", "En retard", "30", "Partenaire absent", &[2024, 2025]),
            ("Insertion", "Ouvrir un chantier d'insertion", "En pause", "", "", &[2025, 2026]),
        ],
    ),
    (
        "sud/cls-gaillac.xlsx",
        "Gaillacois",
        "CLS",
        (2025, 2029),
        &[
            ("Santé", "Ouvrir une maison de santé", "En cours", "25", "", &[2025, 2026, 2027]),
            ("Santé", "Prévenir les addictions des jeunes", "À discuter", "", "", &[2026]),
            (
                "Handicap",
                "Accueillir les enfants en situation de handicap",
                "Bloquée",
                "5",
                "Pas de place",
                &[2025, 2026],
            ),
        ],
    ),
];

/// The folder of the issue: five made-up followed plans of other kinds and periods, the
/// followed sample, a plan without follow-up, an unreadable file and a lock file.
fn department(dir: &Path) {
    std::fs::create_dir_all(dir.join("sud")).unwrap();
    std::fs::copy(sample("suivi-lauragais.xlsx"), dir.join("suivi-lauragais.xlsx")).unwrap();
    std::fs::copy(sample("001-ctg-ambitions.xlsx"), dir.join("sud/ctg-sans-suivi.xlsx")).unwrap();
    std::fs::write(dir.join("casse.xlsx"), b"ceci n'est pas un classeur").unwrap();
    std::fs::write(dir.join("~$ctg-revel.xlsx"), b"verrou").unwrap();
    for (file, who, kind, period, acts) in MADE {
        followed(&dir.join(file), who, kind, period, acts);
    }
}

fn range(path: &Path, sheet: &str) -> Range<Data> {
    open_workbook_auto(path).unwrap().worksheet_range(sheet).unwrap_or_else(|e| panic!("{sheet}: {e}"))
}

fn num(d: &Data) -> f64 {
    match d {
        Data::Float(v) => *v,
        Data::Int(v) => *v as f64,
        other => panic!("nombre attendu, pas {other:?}"),
    }
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// A plan's figures as its own evaluation.xlsx says them: counts per status (with
/// « non renseigné »), actions, progress values (fractions).
fn evaluation_of(plan: &Path, dir: &Path) -> (Vec<f64>, f64, Vec<f64>) {
    let out = plandoc(&["evaluation", plan.to_str().unwrap(), "-o", dir.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let x = dir.join("evaluation.xlsx");
    let synth = range(&x, "Synthèse");
    let whole = synth.rows().find(|r| text(&r[0]) == "Ensemble du plan").expect("ligne d'ensemble").to_vec();
    let counts: Vec<f64> = whole[1..11].iter().map(num).collect();
    let progress: Vec<f64> =
        range(&x, "Actions").rows().skip(1).filter(|r| r[5] != Data::Empty).map(|r| num(&r[5])).collect();
    (counts, num(&whole[11]), progress)
}

fn run_department(tag: &str) -> (PathBuf, PathBuf, common::Output) {
    let dir = tmpdir(tag);
    let input = dir.join("plans");
    department(&input);
    let out_dir = dir.join("sortie");
    let out = plandoc(&["synthese", input.to_str().unwrap(), "-o", out_dir.to_str().unwrap(), "--annee", "2026"]);
    (input, out_dir, out)
}

#[test]
fn every_figure_of_the_workbook_is_each_plans_own() {
    let (input, out_dir, out) = run_department("synthese-chiffres");
    // One file could not be read: the synthesis is written, the exit code says it.
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let x = out_dir.join("synthese.xlsx");
    let plans = range(&x, "Plans");
    let head: Vec<String> = plans.rows().next().unwrap().iter().map(text).collect();
    let col = |h: &str| head.iter().position(|x| x == h).unwrap_or_else(|| panic!("colonne {h} : {head:?}"));
    let files = [
        "ctg-montagne-noire.xlsx",
        "ctg-revel.xlsx",
        "pedt-castelnau.xlsx",
        "sud/cls-gaillac.xlsx",
        "sud/pst-lavaur.xlsx",
        "suivi-lauragais.xlsx",
    ];
    let rows: Vec<Vec<Data>> = plans.rows().skip(1).map(|r| r.to_vec()).collect();
    assert_eq!(rows.len(), files.len() + 1, "une ligne par plan suivi, puis l'ensemble");
    let (mut all_counts, mut all_actions, mut all_progress) = (vec![0.0; 10], 0.0, Vec::new());
    for (i, f) in files.iter().enumerate() {
        let row = &rows[i];
        assert_eq!(text(&row[col("Fichier")]), *f);
        let (counts, actions, progress) = evaluation_of(&input.join(f), &tmpdir(&format!("synthese-eval-{i}")));
        let st = col("À venir");
        assert_eq!(row[st..st + 10].iter().map(num).collect::<Vec<_>>(), counts, "{f}");
        assert_eq!(num(&row[col("Actions")]), actions, "{f}");
        assert_eq!(num(&row[col("Actions renseignées")]), progress.len() as f64, "{f}");
        let mean = progress.iter().sum::<f64>() / progress.len() as f64;
        assert!((num(&row[col("Avancement moyen")]) - mean).abs() < 1e-9, "{f}");
        assert_eq!(num(&row[col("Actions bloquées")]), counts[5], "{f}");
        assert_eq!(num(&row[col("Actions abandonnées")]), counts[6], "{f}");
        assert!(num(&row[col("Actions en retard")]) >= counts[4], "{f}: au moins les « En retard »");
        all_counts.iter_mut().zip(&counts).for_each(|(a, c)| *a += c);
        all_actions += actions;
        all_progress.extend(progress);
    }
    let total = rows.last().unwrap();
    assert_eq!(text(&total[0]), "Ensemble");
    let st = col("À venir");
    assert_eq!(total[st..st + 10].iter().map(num).collect::<Vec<_>>(), all_counts);
    assert_eq!(num(&total[col("Actions")]), all_actions);
    assert_eq!(num(&total[col("Actions renseignées")]), all_progress.len() as f64);
    let mean = all_progress.iter().sum::<f64>() / all_progress.len() as f64;
    assert!((num(&total[col("Avancement moyen")]) - mean).abs() < 1e-9);
    // Late at 2026: the « En retard » statuses, and the actions past their last year
    // neither done nor abandoned (Montagne Noire: transport 2023, habitat 2025, numérique
    // 2023; Revel: espace jeunes 2025).
    let late = |f: &str| num(&rows[files.iter().position(|x| *x == f).unwrap()][col("Actions en retard")]);
    assert_eq!(late("ctg-montagne-noire.xlsx"), 3.0);
    assert_eq!(late("ctg-revel.xlsx"), 1.0, "l'espace jeunes, bloqué, prévu jusqu'en 2025");
    // The plan whose period ends before the review year is flagged.
    let year = |f: &str| text(&rows[files.iter().position(|x| *x == f).unwrap()][col("Année de bilan")]);
    assert!(year("ctg-montagne-noire.xlsx").starts_with("hors période"), "{}", year("ctg-montagne-noire.xlsx"));
    assert_eq!(year("sud/cls-gaillac.xlsx"), "dans la période");
    // Every action of every plan in « Actions »; « Thèmes » adds up to the same.
    let actions = range(&x, "Actions");
    assert_eq!(actions.rows().count() - 1, all_actions as usize);
    let themes = range(&x, "Thèmes");
    let whole: f64 = themes.rows().skip(1).filter(|r| text(&r[0]) == "Ensemble").map(|r| num(&r[12])).sum();
    assert_eq!(whole, all_actions);
    // Left out, with the reason; the lock file is not a plan at all.
    let unread: Vec<(String, String)> =
        range(&x, "Non lus").rows().skip(1).map(|r| (text(&r[0]), text(&r[2]))).collect();
    assert!(unread.iter().any(|(f, why)| f == "casse.xlsx" && why.contains("pas un classeur")), "{unread:?}");
    assert!(unread.iter().any(|(f, why)| f == "sud/ctg-sans-suivi.xlsx" && why.contains("sans données de suivi")));
    assert_eq!(unread.len(), 2, "{unread:?}");
    assert_eq!(range(&x, "Indicateurs").rows().count() - 1, 6, "les six indicateurs de l'échantillon suivi");
}

#[test]
fn the_pdf_names_every_territory_and_every_late_action_and_passes_the_checkers() {
    let (_, out_dir, out) = run_department("synthese-pdf");
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let p = out_dir.join("synthese.pdf");
    pdf::qpdf_check(&p);
    let squashed = pdf::squash(&pdf::text(&p).replace(['\u{a0}', '\u{202f}'], " ").replace('’', "'"));
    let has = |s: &str| squashed.contains(&pdf::squash(s));
    for t in [
        "Communauté de communes de Revel",
        "Commune de Castelnau",
        "Communauté de communes de la Montagne Noire",
        "Ville de Lavaur",
        "Gaillacois",
        "Communauté de communes des Terres du Lauragais",
    ] {
        assert!(has(t), "territoire {t}");
    }
    // Every late, blocked or abandoned action, from the workbook's « Actions » sheet.
    let actions = range(&out_dir.join("synthese.xlsx"), "Actions");
    let mut listed = 0;
    for r in actions.rows().skip(1) {
        let status = text(&r[8]);
        if text(&r[11]) == "oui" || status == "Bloquée" || status == "Abandonnée" {
            listed += 1;
            assert!(has(&text(&r[3])), "action en difficulté absente : {}", text(&r[3]));
        }
    }
    assert!(listed >= 15, "{listed}");
    for s in ["Non lus", "casse.xlsx", "sud/ctg-sans-suivi.xlsx", "Vue d'ensemble", "Thème : Petite enfance"] {
        assert!(has(s) || has(&s.replace("Non lus", "Fichiers non lus")), "{s}");
    }
    assert!(pdf::pages(&p) >= 8, "une page par thème");
    let refs = [p.as_path()];
    if tagged::checker("outloud", "pip install outloud") {
        for f in tagged::outloud_findings(&refs) {
            assert_eq!(f.errors, 0, "outloud {}: {}", f.path, f.what);
        }
    }
    if tagged::checker("pdfua", "pip install pdfua") {
        let (code, report) = tagged::pdfua_errors(&refs);
        assert_eq!(code, 0, "pdfua : {report}");
    }
}

/// Actions whose words belong to one theme each, the theme expected.
const THEMED: [(&str, &str); 22] = [
    ("Ouvrir une crèche de 20 places", "Petite enfance"),
    ("Créer une maison d'assistantes maternelles", "Petite enfance"),
    ("Développer le relais petite enfance", "Petite enfance"),
    ("Ouvrir un accueil de loisirs le mercredi", "Enfance et jeunesse"),
    ("Créer un espace jeunes pour les 11-17 ans", "Enfance et jeunesse"),
    ("Former des animateurs au BAFA", "Enfance et jeunesse"),
    ("Ouvrir un lieu d'accueil enfants-parents (LAEP)", "Parentalité"),
    ("Proposer la médiation familiale", "Parentalité"),
    ("Agréer un centre social", "Animation de la vie sociale"),
    ("Soutenir la participation des habitants et le bénévolat", "Animation de la vie sociale"),
    ("Lutter contre le non-recours aux prestations", "Accès aux droits"),
    ("Ouvrir une maison France Services", "Accès aux droits"),
    ("Résorber l'habitat indigne avec l'ANAH", "Logement et cadre de vie"),
    ("Prévenir les expulsions locatives", "Logement et cadre de vie"),
    ("Accueillir les enfants en situation de handicap", "Handicap"),
    ("Recruter un conseiller numérique", "Inclusion numérique"),
    ("Ateliers contre la fracture numérique", "Inclusion numérique"),
    ("Développer le covoiturage", "Mobilité"),
    ("Créer un transport à la demande", "Mobilité"),
    ("Ouvrir une maison de santé", "Santé"),
    ("Accompagner les demandeurs d'emploi vers la formation", "Insertion sociale et professionnelle"),
    ("Ouvrir un chantier d'insertion", "Insertion sociale et professionnelle"),
];

fn themed_plan(path: &Path, theme_column: bool) {
    let mut head = vec![C::T("N°"), C::T("Action"), C::T("Statut")];
    if theme_column {
        head.push(C::T("Thème"));
    }
    let nums: Vec<String> = (1..=THEMED.len()).map(|i| i.to_string()).collect();
    let mut rows = vec![head];
    for (i, (title, _)) in THEMED.iter().enumerate() {
        let mut r = vec![C::T(&nums[i]), C::T(title), C::T("En cours")];
        if theme_column {
            r.push(C::T("Mobilité"));
        }
        rows.push(r);
    }
    write_xlsx(path, &[("Plan", rows)]);
}

fn themes_found(dir: &Path, theme_column: bool) -> Vec<(String, String)> {
    std::fs::create_dir_all(dir.join("plans")).unwrap();
    themed_plan(&dir.join("plans/themes.xlsx"), theme_column);
    let out = plandoc(&["synthese", dir.join("plans").to_str().unwrap(), "-o", dir.join("sortie").to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let a = range(&dir.join("sortie/synthese.xlsx"), "Actions");
    a.rows().skip(1).map(|r| (text(&r[6]), text(&r[7]))).collect()
}

#[test]
fn actions_get_their_theme_from_their_words_or_from_a_theme_column() {
    let found = themes_found(&tmpdir("synthese-themes"), false);
    assert_eq!(found.len(), THEMED.len());
    let mut right = 0;
    for ((theme, why), (title, expected)) in found.iter().zip(THEMED) {
        if theme == expected {
            right += 1;
            assert!(why.starts_with("mots-clés"), "{title}: {why}");
        } else {
            // Never a wrong theme: unclassified, said so.
            assert_eq!(theme, "Non classée", "{title}: {theme} au lieu de {expected}");
        }
    }
    assert!(right * 10 >= THEMED.len() * 9, "{right} sur {} bien classées", THEMED.len());
    // A « Thème » column overrides the words.
    let found = themes_found(&tmpdir("synthese-themes-colonne"), true);
    assert!(found.iter().all(|(t, why)| t == "Mobilité" && why == "colonne Thème du plan"), "{found:?}");
}

#[test]
fn wrong_options_are_refused_in_french() {
    let dir = tmpdir("synthese-options");
    let out = plandoc(&["synthese", dir.to_str().unwrap(), "-o", dir.join("s").to_str().unwrap(), "--tableur", "csv"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("format de tableur « csv » inconnu"), "{}", out.stderr);
    let out = plandoc(&["synthese", dir.join("absent").to_str().unwrap(), "-o", dir.join("s").to_str().unwrap()]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("introuvable"), "{}", out.stderr);
    // No followed plan: nothing written, code 1.
    let out = plandoc(&["synthese", dir.to_str().unwrap(), "-o", dir.join("s").to_str().unwrap()]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("aucun plan avec des données de suivi"), "{}", out.stderr);
    assert!(!dir.join("s").exists());
}

#[test]
fn same_folder_same_bytes() {
    let dir = tmpdir("synthese-determinisme");
    department(&dir.join("plans"));
    let mut outs = Vec::new();
    for k in ["a", "b"] {
        let o = dir.join(k);
        let out = plandoc(&["synthese", dir.join("plans").to_str().unwrap(), "-o", o.to_str().unwrap(), "--jobs", "2"]);
        assert_eq!(out.code, 1, "{}", out.stderr);
        outs.push((std::fs::read(o.join("synthese.pdf")).unwrap(), std::fs::read(o.join("synthese.xlsx")).unwrap()));
    }
    assert!(outs[0] == outs[1], "deux synthèses du même dossier diffèrent");
}

/// `--tableur xlsx,ods`: synthese.ods holds the same sheets and cells as synthese.xlsx
/// (both read back by calamine), and is the same bytes from one run to the next.
#[test]
fn the_workbook_also_in_opendocument() {
    let dir = tmpdir("synthese-ods");
    department(&dir.join("plans"));
    let mut bytes = Vec::new();
    let plans = dir.join("plans");
    for k in ["a", "b"] {
        let o = dir.join(k);
        let args = ["synthese", plans.to_str().unwrap(), "-o", o.to_str().unwrap(), "--tableur", "xlsx,ods"];
        let out = plandoc(&args);
        assert_eq!(out.code, 1, "{}", out.stderr);
        bytes.push(std::fs::read(o.join("synthese.ods")).unwrap());
    }
    assert!(bytes[0] == bytes[1], "deux synthese.ods du même dossier diffèrent");
    let (x, o) = (dir.join("a/synthese.xlsx"), dir.join("a/synthese.ods"));
    let sheets = |p: &Path| open_workbook_auto(p).unwrap().sheet_names().to_vec();
    assert_eq!(sheets(&x), sheets(&o));
    for sheet in sheets(&x) {
        let filled = |p: &Path| -> Vec<(usize, usize, String)> {
            let r = range(p, &sheet);
            let (r0, c0) = r.start().unwrap_or((0, 0));
            r.used_cells()
                .map(|(i, j, d)| (r0 as usize + i, c0 as usize + j, text(d)))
                .filter(|(_, _, t)| !t.is_empty())
                .collect()
        };
        assert_eq!(filled(&x), filled(&o), "feuille « {sheet} »");
    }
}

/// Every cell of a sheet, as text.
fn cells(path: &Path, sheet: &str) -> Vec<Vec<String>> {
    range(path, sheet).rows().map(|r| r.iter().map(text).collect()).collect()
}

#[test]
fn batch_writes_the_same_synthesis_beside_its_report_even_when_resumed() {
    let dir = tmpdir("synthese-lot");
    department(&dir.join("plans"));
    let plans = dir.join("plans");
    let alone = dir.join("seule");
    let out = plandoc(&["synthese", plans.to_str().unwrap(), "-o", alone.to_str().unwrap(), "--annee", "2026"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let lot = dir.join("lot");
    for round in 0..2 {
        let args =
            ["batch", plans.to_str().unwrap(), "-o", lot.to_str().unwrap(), "--synthese", "--annee", "2026", "--quiet"];
        let out = plandoc(&args);
        assert_eq!(out.code, 1, "un plan illisible : {}{}", out.stdout, out.stderr);
        assert!(lot.join("rapport-lot.json").is_file() && lot.join("synthese.pdf").is_file());
        for sheet in ["Plans", "Thèmes", "Actions", "Indicateurs"] {
            assert_eq!(
                cells(&lot.join("synthese.xlsx"), sheet),
                cells(&alone.join("synthese.xlsx"), sheet),
                "{sheet}, tour {round}"
            );
        }
        // The batch says why a file failed in its own words; the same file is listed.
        let unread = cells(&lot.join("synthese.xlsx"), "Non lus");
        assert!(unread.iter().any(|r| r[0] == "casse.xlsx"), "{unread:?}");
        assert!(unread.iter().any(|r| r[0] == "sud/ctg-sans-suivi.xlsx"), "{unread:?}");
    }
    let out = plandoc(&["batch", plans.to_str().unwrap(), "-o", lot.to_str().unwrap(), "--synthese", "--shard", "1/2"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--synthese ne se combine pas avec --shard"), "{}", out.stderr);
}
