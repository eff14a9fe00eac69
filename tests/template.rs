//! `plandoc template`: the blank workbook reads back, untouched or filled in.

mod common;

use std::io::{Read, Write};

use calamine::{open_workbook_auto, Data, Reader};
use common::{check_json, codes_at, plandoc, tmpdir};

fn write_template(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("modele.xlsx");
    let out = plandoc(&["template", "-o", path.to_str().unwrap(), "--periode", "2026-2030"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    path
}

/// Unzipped text of one part of an xlsx.
fn part(path: &std::path::Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

#[test]
fn headers_notes_dropdowns_and_convention_sheet() {
    let dir = tmpdir("template-structure");
    let path = write_template(&dir);
    let mut wb = open_workbook_auto(&path).unwrap();
    assert_eq!(
        wb.sheet_names(),
        vec!["Plan d'actions".to_string(), "Convention".to_string(), "Indicateurs".to_string()]
    );
    let plan = wb.worksheet_range("Plan d'actions").unwrap();
    let header: Vec<String> = plan.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(&header[..5], &["Axe", "Objectif stratégique", "Objectif opérationnel", "N°", "Action"]);
    assert_eq!(&header[header.len() - 5..], &["2026", "2027", "2028", "2029", "2030"]);
    assert!(header.contains(&"Indicateurs".to_string()) && header.contains(&"Budget (€)".to_string()));
    assert_eq!(plan.get_value((1, 3)), Some(&Data::String("Exemple".into())));
    let conv = wb.worksheet_range("Convention").unwrap();
    let keys: Vec<String> = conv.rows().skip(1).map(|r| r[0].to_string()).collect();
    for k in ["Collectivité", "Type de plan", "Première année", "Dernière année", "N° de délibération", "SIREN"]
    {
        assert!(keys.contains(&k.to_string()), "{k}");
    }
    let sheet = part(&path, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("Haute,Moyenne,Basse"), "liste de priorités");
    assert!(sheet.contains("À venir,En cours,Réalisée"), "liste de statuts");
    assert!(sheet.contains("<pane ySplit=\"1\""), "en-tête figé");
    assert!(sheet.contains("orientation=\"landscape\"") && sheet.contains("paperSize=\"9\""), "mise en page");
    let notes = part(&path, "xl/comments1.xml");
    assert!(notes.contains("Intitulé de l'action (obligatoire)."));
    // Same options, same bytes.
    let again = dir.join("encore.xlsx");
    plandoc(&["template", "-o", again.to_str().unwrap(), "--periode", "2026-2030"]);
    assert_eq!(std::fs::read(&path).unwrap(), std::fs::read(&again).unwrap());
}

#[test]
fn untouched_template_says_no_action_yet() {
    let dir = tmpdir("template-untouched");
    let path = write_template(&dir);
    let (code, r) = check_json(&path);
    assert_eq!(code, 1, "{r}");
    assert_eq!(codes_at(&r), vec![("aucune-action".to_string(), "Plan d'actions!".to_string())]);
    assert_eq!(r["first_year"], 2026);
    assert_eq!(r["last_year"], 2030);
    let out = plandoc(&["check", path.to_str().unwrap()]);
    assert!(out.stdout.contains("Aucune action pour l'instant"), "{}", out.stdout);
}

/// Adds rows to the first sheet's XML, as a person filling the template would.
fn fill(template: &std::path::Path, out: &std::path::Path, rows: &[&[(&str, &str)]]) {
    let mut zin = zip::ZipArchive::new(std::fs::File::open(template).unwrap()).unwrap();
    let mut zout = zip::ZipWriter::new(std::fs::File::create(out).unwrap());
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            let mut s = String::from_utf8(data).unwrap();
            let mut xml = String::new();
            for (i, row) in rows.iter().enumerate() {
                let r = i + 3;
                xml.push_str(&format!("<row r=\"{r}\">"));
                for (col, text) in row.iter() {
                    xml.push_str(&format!("<c r=\"{col}{r}\" t=\"inlineStr\"><is><t>{text}</t></is></c>"));
                }
                xml.push_str("</row>");
            }
            s = s.replace("</sheetData>", &format!("{xml}</sheetData>"));
            data = s.into_bytes();
        }
        zout.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        zout.write_all(&data).unwrap();
    }
    zout.finish().unwrap();
}

#[test]
fn filled_template_reads_back_with_no_error() {
    let dir = tmpdir("template-filled");
    let path = write_template(&dir);
    let filled = dir.join("rempli.xlsx");
    // Columns: A Axe, B Obj. stratégique, D N°, E Action, H Priorité, P Statut, S.. years 2026-2030.
    fill(
        &path,
        &filled,
        &[
            &[
                ("A", "Axe 1 : Petite enfance"),
                ("B", "Accueillir"),
                ("D", "1"),
                ("E", "Ouvrir une crèche"),
                ("H", "Haute"),
                ("P", "En cours"),
                ("S", "X"),
                ("T", "Étude"),
            ],
            &[("D", "2"), ("E", "Former les assistantes maternelles"), ("H", "Basse"), ("U", "X")],
        ],
    );
    let (code, r) = check_json(&filled);
    assert_eq!(code, 0, "{r}");
    assert_eq!(r["actions"], 2);
    assert_eq!(r["axes"], 1);
    assert_eq!(r["diagnostics"].as_array().unwrap().len(), 0, "{r}");
    let reading = plandoc::ingest::read_plan(&filled, &Default::default()).unwrap();
    let a = reading.plan.actions()[0].action.clone();
    assert_eq!(a.years, vec![2026, 2027]);
    assert_eq!(a.milestones.get(&2027).map(String::as_str), Some("Étude"));
    assert_eq!(reading.plan.actions()[1].action.years, vec![2028]);
}
