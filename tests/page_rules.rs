//! The page rules of the PDFs, read back from their text positions (`pdftotext -bbox`)
//! on seven sample plans and a built plan of 10 short fiches over 3 axes: "(suite)"
//! bands shortened only when too long for their line, page 1's header never cut, one
//! packing rule for the fiches (fill ratio per page), at least 3 rows on a table's last
//! page, the title said once on page 1, the échéancier legend drawn like the cells, and
//! a CreationDate only when a date is known.

mod common;

use std::path::{Path, PathBuf};

use common::{pdf, plandoc, sample, tmpdir};
use plandoc::ingest::{read_plan, ReadOptions};
use plandoc::layout::french;
use plandoc::model::Plan;

const SAMPLES: &[&str] = &[
    "000-pst-ambitions-texte.xlsx",
    "001-ctg-ambitions.xlsx",
    "002-pst-sections-annees.xlsx",
    "canonique-lauragais.xlsx",
    "cls-plan-numerote.xlsx",
    "pedt-un-onglet-par-axe.xlsx",
    "tet-export-plan.xlsx",
];

/// Body of a page: under the running header's rule (70 pt), above the footer's rule.
const BODY_TOP: f32 = 72.0;
fn body_bottom(landscape: bool) -> f32 {
    (if landscape { 595.28 } else { 841.89 }) - 56.0
}

fn plan(path: &Path) -> Plan {
    read_plan(path, &ReadOptions::default()).unwrap_or_else(|u| panic!("{}", u.diagnostic.message)).plan
}

fn build(input: &Path, tag: &str, extra: &[&str]) -> PathBuf {
    let dir = tmpdir(&format!("page-rules-{tag}"));
    let mut args = vec!["build", input.to_str().unwrap(), "-o", dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = plandoc(&args);
    assert_eq!(out.code, 0, "{tag}: {}{}", out.stdout, out.stderr);
    dir
}

fn sq(s: &str) -> String {
    pdf::squash(&french(s)).replace('’', "'")
}

fn body(path: &Path, page: usize, landscape: bool) -> Vec<(f32, f32, String)> {
    pdf::page_lines(path, page).into_iter().filter(|l| l.0 > BODY_TOP && l.0 < body_bottom(landscape)).collect()
}

/// The first lines of the axes' and objectives' texts.
fn group_firsts(p: &Plan) -> Vec<String> {
    fn objectives(list: &[plandoc::model::Objective], out: &mut Vec<String>) {
        for o in list {
            out.push(sq(o.title.lines().next().unwrap_or("")));
            objectives(&o.children, out);
        }
    }
    let mut out = Vec::new();
    for a in &p.axes {
        if !a.implicit {
            out.push(sq(a.title.lines().next().unwrap_or("")));
        }
        objectives(&a.objectives, &mut out);
    }
    out
}

#[test]
fn suite_bands_are_cut_only_when_their_text_does_not_fit_the_line() {
    let (mut whole, mut cut) = (0, 0);
    for name in SAMPLES {
        let input = sample(name);
        let dir = build(&input, &format!("suite-{name}"), &["--only", "echeancier,plan"]);
        let groups = group_firsts(&plan(&input));
        for file in ["echeancier.pdf", "plan-d-actions.pdf"] {
            let path = dir.join(file);
            for page in 2..=pdf::pages(&path) {
                for (_, left, text) in body(&path, page, true).iter().filter(|l| l.2.ends_with("(suite)")) {
                    if *left > 75.0 {
                        continue; // a merged objective cell, not a band
                    }
                    let said = sq(text.trim_end_matches("(suite)"));
                    if let Some(head) = said.strip_suffix('…') {
                        // Cut: the whole line would have been longer than the band
                        // (about 120 characters), or prose (8 words or more, 4 in lower
                        // case: a repeated artifact stays a reminder).
                        let g = groups.iter().find(|g| g.starts_with(head)).expect("bande connue");
                        let words = text.split_whitespace().count();
                        assert!(
                            g.chars().count() > 100 || words >= 7,
                            "{name}/{file} p{page}: « {text} » coupé alors que « {g} » tient"
                        );
                        cut += 1;
                    } else {
                        assert!(groups.contains(&said), "{name}/{file} p{page}: « {text} » n'est pas un groupe entier");
                        whole += 1;
                    }
                }
            }
        }
    }
    assert!(whole >= 5, "{whole} bandes « (suite) » entières, {cut} coupées");
}

#[test]
fn page_one_header_of_the_fiches_is_never_cut() {
    // A long collectivité name and a kind and period: wrapped on two lines beside the
    // stamp zone, whole.
    let dir = tmpdir("page-rules-header");
    let input = dir.join("plan.xlsx");
    let territory = "Communauté de communes des Terres du Lauragais et de la Montagne Noire réunies";
    common::write_xlsx(
        &input,
        &[("Plan", common::rows(&[&["Axe", "N°", "Action"], &["Axe 1 : Agir", "1", "Ouvrir un lieu d'accueil"]]))],
    );
    std::fs::write(
        dir.join("plandoc.toml"),
        format!(
            "[plan]\ncollectivite = \"{territory}\"\ntype = \"PST\"\npremiere_annee = 2022\nderniere_annee = 2026\n"
        ),
    )
    .unwrap();
    let out = build(&input, "header-out", &["--only", "fiches"]);
    let path = out.join("fiches-actions.pdf");
    let header: Vec<_> = pdf::page_lines(&path, 1).into_iter().filter(|l| l.0 < 70.0).collect();
    let text = sq(&header.iter().map(|l| l.2.clone()).collect::<String>());
    assert!(text.contains(&sq(territory)), "{header:?}");
    assert!(text.contains("PST2022-2026"), "{header:?}");
    assert!(!text.contains('…'), "{header:?}");
    // Nothing in the stamp zone (right 200 pt of the top 65 pt).
    assert!(header.iter().all(|l| l.1 < 595.28 - 200.0), "{header:?}");
}

/// Share of the body height a page's text reaches (0 to 1).
fn fill(path: &Path, page: usize) -> f32 {
    let lines = body(path, page, false);
    let last = lines.iter().map(|l| l.0).fold(BODY_TOP, f32::max) + 10.0;
    (last - 84.0) / (body_bottom(false) - 84.0)
}

#[test]
fn ten_short_fiches_over_three_axes_pack_by_one_rule() {
    let dir = tmpdir("page-rules-packing");
    let input = dir.join("plan.xlsx");
    let rows: &[&[&str]] = &[
        &["Axe", "N°", "Action", "Pilote", "Partenaires", "Public"],
        &["Axe 1 : Enfance", "1", "Ouvrir un relais petite enfance", "Commune", "CAF", "Familles"],
        &["Axe 1 : Enfance", "2", "Créer des places de crèche", "Commune", "CAF, PMI", "Jeunes enfants"],
        &["Axe 1 : Enfance", "3", "Former les assistantes maternelles", "RPE", "Département", "Assistantes"],
        &["Axe 1 : Enfance", "4", "Animer un réseau parents", "Centre social", "Écoles", "Parents"],
        &["Axe 2 : Jeunesse", "5", "Ouvrir un point information jeunesse", "Commune", "Mission locale", "15-25 ans"],
        &["Axe 2 : Jeunesse", "6", "Soutenir les projets de jeunes", "Centre social", "CAF", "Jeunes"],
        &["Axe 2 : Jeunesse", "7", "Organiser un séjour d'été", "Service jeunesse", "Associations", "11-17 ans"],
        &["Axe 3 : Accès aux droits", "8", "Ouvrir une maison France services", "EPCI", "État", "Tous"],
        &["Axe 3 : Accès aux droits", "9", "Former les agents d'accueil", "EPCI", "CAF, CPAM", "Agents"],
        &["Axe 3 : Accès aux droits", "10", "Aller vers les publics isolés", "CCAS", "MSA", "Personnes isolées"],
    ];
    common::write_xlsx(&input, &[("Plan", common::rows(rows))]);
    let out = build(&input, "packing-out", &["--only", "fiches"]);
    let path = out.join("fiches-actions.pdf");
    let n = pdf::pages(&path);
    let fills: Vec<f32> = (1..=n).map(|p| fill(&path, p)).collect();
    // The rule: fiches follow each other while the next fits whole; a new axis starts
    // a page only when the current one is more than half full.
    eprintln!("10 fiches : {n} pages, remplissage {fills:?}");
    assert!(n <= 4, "{n} pages pour 10 fiches courtes : {fills:?}");
    for (i, f) in fills.iter().enumerate().take(n - 1) {
        assert!(*f > 0.5, "page {} remplie à {:.0} % : {fills:?}", i + 1, f * 100.0);
    }
    // Never a fiche split: each band with its title on one page.
    let pages: Vec<String> = (1..=n).map(|i| pdf::squash(&pdf::page_text(&path, i))).collect();
    for r in &rows[1..] {
        let band = format!("Actionn°{}{}", r[1], sq(r[2]));
        assert_eq!(pages.iter().filter(|t| t.contains(&band)).count(), 1, "fiche {} coupée", r[1]);
    }
    // An axis change on a page more than half full opens a new page: the page a fiche
    // of another axis follows on was at most half full before it.
    for (i, page) in pages.iter().enumerate() {
        let firsts: Vec<usize> = ["Axe1", "Axe2", "Axe3"].iter().filter_map(|a| page.find(a)).collect();
        if firsts.len() > 1 {
            let lines = body(&path, i + 1, false);
            let second_axis = rows[1..]
                .iter()
                .filter(|r| page.find(&sq(r[0])).is_none_or(|p| p != *firsts.iter().min().unwrap()))
                .find_map(|r| lines.iter().find(|l| l.2.contains(&format!("Action n° {}", r[1]))).map(|l| l.0));
            if let Some(top) = second_axis {
                let before = (top - 84.0) / (body_bottom(false) - 84.0);
                assert!(before <= 0.55, "page {}: nouvel axe après {:.0} % de page", i + 1, before * 100.0);
            }
        }
    }
    // The same rule on the samples: no fiche split when it fits a page.
    for name in ["000-pst-ambitions-texte.xlsx", "canonique-lauragais.xlsx", "cls-plan-numerote.xlsx"] {
        let input = sample(name);
        let p = plan(&input);
        let dir = build(&input, &format!("packing-{name}"), &["--only", "fiches"]);
        let path = dir.join("fiches-actions.pdf");
        let pages: Vec<String> = (1..=pdf::pages(&path)).map(|i| pdf::squash(&pdf::page_text(&path, i))).collect();
        for r in p.actions() {
            let Some(num) = r.action.number.as_deref() else { continue };
            // The band (with its priority badge, when there is one), then the title.
            let (band, title) = (format!("Actionn°{num}"), sq(&r.action.title).chars().take(40).collect::<String>());
            let whole = pages.iter().any(|t| {
                t.match_indices(&band)
                    .any(|(i, _)| t[i + band.len()..].chars().take(120).collect::<String>().contains(&title))
            });
            assert!(whole, "{name}: fiche {num} coupée ou absente");
        }
    }
}

#[test]
fn a_table_never_leaves_fewer_than_three_rows_on_its_last_page() {
    let mut checked = 0;
    for name in SAMPLES {
        let input = sample(name);
        let dir = build(&input, &format!("orphans-{name}"), &["--only", "echeancier,plan"]);
        let numbers: Vec<String> = plan(&input).actions().iter().filter_map(|r| r.action.number.clone()).collect();
        for file in ["echeancier.pdf", "plan-d-actions.pdf"] {
            let path = dir.join(file);
            let n = pdf::pages(&path);
            if n < 2 {
                continue;
            }
            // Rows of the last page: the action numbers in the "N°" column (the
            // repeated header and the "(suite)" bands are not rows).
            let words = words(&path, n);
            let Some(col) = words.iter().find(|w| w.2 == "N°" && w.1 > BODY_TOP).map(|w| w.0) else { continue };
            if numbers.is_empty() {
                continue;
            }
            let rows = words
                .iter()
                .filter(|w| {
                    w.1 > BODY_TOP && w.1 < body_bottom(true) && (w.0 - col).abs() < 25.0 && numbers.contains(&w.2)
                })
                .count();
            assert!(rows >= 3, "{name}/{file}: {rows} ligne(s) seule(s) en dernière page");
            checked += 1;
        }
    }
    assert!(checked >= 8, "{checked} tableaux sur plusieurs pages");
}

/// A merged objective cell taller than its first row shares its height with the rows it
/// spans: no blank under an action whose own text is one line (sample 000, where the
/// objective « Elaborer un programme de prévention santé… » spans actions 27 to 31).
#[test]
fn a_merged_cell_never_opens_a_gap_under_its_first_row() {
    let input = sample("000-pst-ambitions-texte.xlsx");
    let dir = build(&input, "merged-gap", &["--only", "plan"]);
    let path = dir.join("plan-d-actions.pdf");
    let numbers: Vec<String> = plan(&input).actions().iter().filter_map(|r| r.action.number.clone()).collect();
    let mut checked = 0;
    for page in 1..=pdf::pages(&path) {
        let words = words(&path, page);
        let Some(col) = words.iter().find(|w| w.2 == "N°" && w.1 > BODY_TOP).map(|w| w.0) else { continue };
        let title_x = words.iter().find(|w| w.2 == "Action" && w.1 > BODY_TOP).map(|w| w.0).unwrap();
        let mut rows: Vec<f32> =
            words.iter().filter(|w| (w.0 - col).abs() < 25.0 && numbers.contains(&w.2)).map(|w| w.1).collect();
        rows.sort_by(f32::total_cmp);
        for pair in rows.windows(2) {
            // An axis band between the two rows (in this sample each opens with
            // « Ambition ») is not a gap.
            if words.iter().any(|w| w.1 > pair[0] + 1.0 && w.1 < pair[1] - 1.0 && w.2.starts_with("Ambition")) {
                continue;
            }
            // The last line of the row's action title, then the next row's number.
            let last_line = words
                .iter()
                .filter(|w| w.0 >= title_x - 1.0 && w.1 >= pair[0] - 1.0 && w.1 < pair[1] - 1.0)
                .map(|w| w.1)
                .fold(pair[0], f32::max);
            let gap = pair[1] - last_line;
            assert!(gap < 26.0, "page {page} : {gap:.0} pt entre deux lignes d'actions (ligne à {:.0})", pair[0]);
            checked += 1;
        }
    }
    assert!(checked >= 30, "{checked} paires de lignes vérifiées");
}

#[test]
fn page_one_says_the_title_once_and_the_legend_marks_like_the_cells() {
    for name in ["002-pst-sections-annees.xlsx", "canonique-lauragais.xlsx", "001-ctg-ambitions.xlsx"] {
        let input = sample(name);
        let dir = build(&input, &format!("title-{name}"), &["--only", "echeancier,plan"]);
        for (file, title) in [("echeancier.pdf", "Échéancier"), ("plan-d-actions.pdf", "Plan d'actions")] {
            let lines = pdf::page_lines(&dir.join(file), 1);
            let page: String = lines.iter().filter(|l| l.0 < body_bottom(true)).map(|l| l.2.clone()).collect();
            let page = sq(&page).to_lowercase();
            assert_eq!(page.matches(&sq(title).to_lowercase()).count(), 1, "{name}/{file}: {page}");
        }
    }
    // The legend: each mark a box of the year fill with its word on it, as in the
    // cells. Rendered at 72 dpi, the pixel just left of the word is the fill, not white.
    let input = sample("canonique-lauragais.xlsx");
    let dir = build(&input, "legend", &["--only", "echeancier"]);
    let path = dir.join("echeancier.pdf");
    let lines = pdf::page_lines(&path, 1);
    let legend = lines.iter().find(|l| l.2.starts_with("Légende")).expect("légende");
    assert!(legend.2.contains("année de mise en œuvre") && legend.2.contains("jalon"), "{legend:?}");
    let words: Vec<(f32, f32, String)> = words(&path, 1).into_iter().filter(|w| (w.1 - legend.0).abs() < 3.0).collect();
    let ppm = dir.join("legend");
    let st = std::process::Command::new("pdftoppm")
        .args(["-r", "72", "-f", "1", "-l", "1", "-png", path.to_str().unwrap(), ppm.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(st.success());
    let png = std::fs::read_dir(&dir).unwrap().flatten().find(|e| e.file_name().to_string_lossy().ends_with(".png"));
    let img = image_rgb(&png.expect("png").path());
    // The two marks: "X" and the milestone word after the label.
    let x = words.iter().position(|w| w.2 == "X").expect("X");
    let sample = words.iter().position(|w| w.2 == "œuvre").expect("œuvre") + 1;
    let marks = [&words[x], &words[sample]];
    let mut filled = 0;
    for (x, y, word) in &marks {
        let (px, py) = ((*x - 3.0) as usize, (*y + 4.0) as usize);
        let rgb = &img.2[(py * img.0 + px) * 3..(py * img.0 + px) * 3 + 3];
        assert!(rgb.iter().map(|c| *c as u32).sum::<u32>() < 600, "« {word} » : case blanche {rgb:?}");
        filled += 1;
    }
    assert_eq!(filled, 2, "{words:?}");
}

/// The words of a page with their positions: (left, top, text).
fn words(path: &Path, page: usize) -> Vec<(f32, f32, String)> {
    let p = page.to_string();
    let out = std::process::Command::new("pdftotext")
        .args(["-bbox", "-f", &p, "-l", &p, path.to_str().unwrap(), "-"])
        .output()
        .unwrap();
    let xml = String::from_utf8_lossy(&out.stdout).to_string();
    xml.split("<word ")
        .skip(1)
        .filter_map(|c| {
            let (tag, rest) = c.split_once('>')?;
            let num =
                |k: &str| -> Option<f32> { tag.split(&format!("{k}=\"")).nth(1)?.split('"').next()?.parse().ok() };
            let text = rest.split("</word>").next()?.replace("&amp;", "&").replace("&apos;", "'");
            Some((num("xMin")?, num("yMin")?, text))
        })
        .collect()
}

/// Width, height and RGB bytes of a PNG.
fn image_rgb(path: &Path) -> (usize, usize, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let (w, h) = (info.width as usize, info.height as usize);
    let rgb = match info.color_type {
        png::ColorType::Rgb => buf[..w * h * 3].to_vec(),
        png::ColorType::Rgba => buf[..w * h * 4].chunks(4).flat_map(|p| [p[0], p[1], p[2]]).collect(),
        other => panic!("{other:?}"),
    };
    (w, h, rgb)
}

#[test]
fn creation_date_comes_from_the_date_or_the_deliberation_or_is_left_out() {
    let (dir, input) =
        common::plan_sheet("page-rules-date", &[&["Axe", "N°", "Action", "2025"], &["A", "1", "Agir", "X"]]);
    std::fs::write(dir.join("plandoc.toml"), "[plan]\npremiere_annee = 2022\nderniere_annee = 2026\n").unwrap();
    let info = |extra: &[&str], tag: &str| {
        let out = build(&input, tag, &[&["--only", "plan"], extra].concat());
        let o = std::process::Command::new("pdfinfo").arg(out.join("plan-d-actions.pdf")).output().unwrap();
        String::from_utf8_lossy(&o.stdout).to_string()
    };
    let none = info(&[], "date-none");
    assert!(!none.contains("CreationDate") && !none.contains("ModDate"), "date inventée : {none}");
    let given = info(&["--date", "2026-03-02"], "date-given");
    let line = given.lines().find(|l| l.starts_with("CreationDate")).expect("CreationDate");
    assert!(line.contains("2026") && line.contains("Mar") && line.contains(" 2 "), "{line}");
}

/// The report's sections after its tables (Indicateurs, Ce qui a changé) follow the
/// fiches' rule: one starts a new page only when the page before is more than half
/// full. On the tracked sample the indicators follow the last axis table on page 4
/// (they had a page of their own, 5, after a page a quarter full).
#[test]
fn a_report_section_starts_a_page_only_after_a_page_more_than_half_full() {
    let input = sample("suivi-lauragais.xlsx");
    let before = sample("suivi-lauragais.xlsx");
    let dir = build(&input, "sections", &["--only", "evaluation", "--forcer"]);
    let eval = dir.join("eval");
    let out = plandoc(&[
        "evaluation",
        input.to_str().unwrap(),
        "--depuis",
        before.to_str().unwrap(),
        "-o",
        eval.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    for pdf_path in [dir.join("evaluation.pdf"), eval.join("evaluation.pdf")] {
        let n = pdf::pages(&pdf_path);
        let mut seen = 0;
        for page in 1..=n {
            let lines = body(&pdf_path, page, false);
            for (k, l) in lines.iter().enumerate() {
                if l.2 != "Indicateurs" && !l.2.starts_with("Ce qui a changé") {
                    continue;
                }
                seen += 1;
                if k == 0 && page > 1 {
                    let f = fill(&pdf_path, page - 1);
                    assert!(
                        f > 0.5,
                        "{}: « {} » opens page {page} after a page {:.0} % full",
                        pdf_path.display(),
                        l.2,
                        f * 100.0
                    );
                }
            }
        }
        assert!(seen >= 1, "{}: no section heading found", pdf_path.display());
    }
    assert_eq!(pdf::pages(&dir.join("evaluation.pdf")), 4, "indicators on the last tables' page");
}
