//! `--tableur xlsx,ods`: annexe.ods and evaluation.ods hold the same sheets and cells as
//! their XLSX (read back by calamine), read as the same plan, print like them
//! (LibreOffice, PyMuPDF), keep their print setup (LibreOffice → XLSX → openpyxl), and
//! come out byte-identical twice. `[sortie] tableur` in plandoc.toml is honoured.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use calamine::{open_workbook_auto, Data, Reader};
use common::printed::{check, to_pdf, words_whole};
use common::{plandoc, sample, tmpdir};
use plandoc::ingest::{read_plan, ReadOptions};

type Cells = BTreeMap<(u32, u32), String>;

/// Every non-empty cell of every sheet (hidden ones too), as calamine reads it.
fn cells(path: &Path) -> Vec<(String, Cells)> {
    let mut wb = open_workbook_auto(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let names = wb.sheet_names();
    names
        .into_iter()
        .map(|name| {
            let range = wb.worksheet_range(&name).unwrap();
            let (r0, c0) = range.start().unwrap_or((0, 0));
            let mut out = Cells::new();
            for (r, row) in range.rows().enumerate() {
                for (c, v) in row.iter().enumerate() {
                    let shown = match v {
                        Data::Empty => continue,
                        Data::String(s) if s.is_empty() => continue,
                        Data::Float(f) => format!("n:{f}"),
                        Data::Int(i) => format!("n:{i}"),
                        other => other.to_string(),
                    };
                    out.insert((r0 + r as u32, c0 + c as u32), shown);
                }
            }
            (name, out)
        })
        .collect()
}

/// The two workbooks hold the same sheets, in order, with the same cells.
fn same_cells(xlsx: &Path, ods: &Path) -> usize {
    let (a, b) = (cells(xlsx), cells(ods));
    let names = |w: &[(String, Cells)]| w.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&a), names(&b), "feuilles");
    let mut n = 0;
    for ((name, x), (_, o)) in a.iter().zip(&b) {
        for (at, v) in x {
            assert_eq!(o.get(at), Some(v), "{name} {at:?}");
        }
        assert_eq!(x.len(), o.len(), "{name} : cellules en trop dans l'ODS");
        n += x.len();
    }
    n
}

fn build(input: &Path, out: &Path, extra: &[&str]) {
    let mut args = vec!["build", input.to_str().unwrap(), "-o", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let r = plandoc(&args);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

#[test]
fn the_ods_holds_the_xlsx_cells_and_reads_as_the_same_plan() {
    let dir = tmpdir("ods-cells");
    let input = sample("suivi-lauragais.xlsx");
    build(&input, &dir.join("a"), &["--tableur", "xlsx,ods"]);
    build(&input, &dir.join("b"), &["--tableur", "ods,xlsx"]);
    let a = dir.join("a");
    for stem in ["annexe", "evaluation"] {
        let n = same_cells(&a.join(format!("{stem}.xlsx")), &a.join(format!("{stem}.ods")));
        eprintln!("{stem} : {n} cellules identiques");
        assert!(n > 100, "{stem} : {n} cellules");
        let (x, y) = (
            std::fs::read(a.join(format!("{stem}.ods"))).unwrap(),
            std::fs::read(dir.join("b").join(format!("{stem}.ods"))).unwrap(),
        );
        assert!(x == y, "{stem}.ods : deux constructions, deux fichiers différents");
    }
    // The annex's plan sheet reads back as the plan itself.
    let from_xlsx = read_plan(&a.join("annexe.xlsx"), &ReadOptions::default()).unwrap().plan;
    let from_ods = read_plan(&a.join("annexe.ods"), &ReadOptions::default()).unwrap().plan;
    assert_eq!(from_ods.action_count(), 25);
    let same = |p: &plandoc::model::Plan| serde_json::to_string(&p.axes).unwrap().replace("annexe.ods", "annexe.xlsx");
    assert!(same(&from_ods) == same(&from_xlsx), "l'annexe ODS ne se lit pas comme l'annexe XLSX");
}

#[test]
fn the_ods_prints_like_the_xlsx() {
    let dir = tmpdir("ods-print");
    let input = sample("canonique-lauragais.xlsx");
    build(&input, &dir, &["--only", "annexe", "--tableur", "ods"]);
    assert!(!dir.join("annexe.xlsx").exists(), "--tableur ods n'écrit pas de XLSX");
    let printed = to_pdf(&dir.join("annexe.ods"), &dir);
    check("annexe.ods", &printed, &["Actions par axe et par priorité"]);
    // The per-year chart: its title in the table and on the chart.
    let text = printed["text"].as_str().unwrap();
    assert!(text.matches("Actions prévues par année").count() >= 2, "graphique par année absent de l'ODS imprimé");
    let plan = read_plan(&input, &ReadOptions::default()).unwrap().plan;
    let titles: Vec<String> = plan.actions().iter().map(|r| r.action.title.clone()).collect();
    words_whole("annexe.ods", &printed, &titles);
    assert!(printed["text"].as_str().unwrap().contains("Page 1 / "), "pied de page absent");

    let eval_dir = dir.join("eval");
    let r = plandoc(&[
        "evaluation",
        sample("suivi-lauragais.xlsx").to_str().unwrap(),
        "-o",
        eval_dir.to_str().unwrap(),
        "--tableur",
        "ods",
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(eval_dir.join("evaluation.pdf").exists() && !eval_dir.join("evaluation.xlsx").exists());
    check("evaluation.ods", &to_pdf(&eval_dir.join("evaluation.ods"), &eval_dir), &["Statut des actions par axe"]);
}

/// Print setup and view as LibreOffice reads them (saved again as XLSX, read by
/// openpyxl): the same from the ODS as from the XLSX.
const SETUP: &str = r#"
import sys, json, openpyxl
out = {}
for path in sys.argv[1:]:
    wb = openpyxl.load_workbook(path)
    sheets = {}
    for ws in wb.worksheets:
        ps = ws.page_setup
        sheets[ws.title] = {
            "hidden": ws.sheet_state != "visible",
            "freeze": ws.freeze_panes,
            "filter": ws.auto_filter.ref,
            "titles": ws.print_title_rows,
            "orientation": ps.orientation,
            "paper": str(ps.paperSize),
            "scale": ps.scale,
            "charts": len(ws._charts),
            "widths": [round(ws.column_dimensions[c].width or 0, 1) for c in "ABCDEFGH"],
            "heights": [round(float(ws.row_dimensions[r].height or 15), 1) for r in range(1, 8)],
        }
    out[path] = sheets
print(json.dumps(out))
"#;

/// `file` opened by LibreOffice and saved as XLSX into `out`.
fn through_libreoffice(file: &Path, out: &Path, profile: &Path) -> std::path::PathBuf {
    let profile = format!("-env:UserInstallation=file://{}", profile.display());
    let st = Command::new("soffice")
        .args([&profile, "--headless", "--convert-to", "xlsx", "--outdir", out.to_str().unwrap()])
        .arg(file)
        .output()
        .expect("soffice");
    let back = out.join(file.file_stem().unwrap()).with_extension("xlsx");
    assert!(back.exists(), "{}", String::from_utf8_lossy(&st.stderr));
    back
}

#[test]
fn libreoffice_reads_the_same_print_setup_from_both() {
    let dir = tmpdir("ods-setup");
    build(&sample("suivi-lauragais.xlsx"), &dir, &["--only", "annexe,evaluation", "--tableur", "xlsx,ods"]);
    let profile = dir.join("lo-profile");
    for stem in ["annexe", "evaluation"] {
        let from_xlsx = through_libreoffice(&dir.join(format!("{stem}.xlsx")), &dir.join("x"), &profile);
        let from_ods = through_libreoffice(&dir.join(format!("{stem}.ods")), &dir.join("o"), &profile);
        let out = Command::new("python3").args(["-c", SETUP]).arg(&from_xlsx).arg(&from_ods).output().expect("python3");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let (x, o) = (&v[from_xlsx.to_str().unwrap()], &v[from_ods.to_str().unwrap()]);
        eprintln!("{stem}.xlsx : {x}\n{stem}.ods : {o}");
        let first = if stem == "annexe" { "Plan d'actions" } else { "Actions" };
        assert_eq!(o[first]["orientation"], "landscape");
        assert_eq!(o[first]["paper"], "8", "A3");
        assert_eq!(o[first]["titles"], "$1:$1");
        assert!(o["Synthèse"]["charts"].as_u64() >= Some(1), "{stem} : graphique perdu");
        assert!(o[first]["scale"].as_u64().is_some_and(|s| (64..=100).contains(&s)), "{}", o[first]["scale"]);
        assert_eq!(x.as_object().unwrap().len(), o.as_object().unwrap().len());
        for (name, sheet) in x.as_object().unwrap() {
            assert_eq!(&o[name], sheet, "{stem} : feuille {name}");
        }
    }
}

#[test]
fn the_configuration_and_the_flag_choose_the_formats() {
    let dir = tmpdir("ods-config");
    let plan = dir.join("plan.xlsx");
    std::fs::copy(sample("canonique-lauragais.xlsx"), &plan).unwrap();
    std::fs::write(dir.join("plandoc.toml"), "[sortie]\ntableur = \"ods\"\n").unwrap();
    build(&plan, &dir.join("out"), &["--only", "annexe"]);
    assert!(dir.join("out/annexe.ods").exists() && !dir.join("out/annexe.xlsx").exists());
    // The flag wins over the configuration.
    build(&plan, &dir.join("out2"), &["--only", "annexe", "--tableur", "xlsx"]);
    assert!(dir.join("out2/annexe.xlsx").exists() && !dir.join("out2/annexe.ods").exists());
    // The batch too.
    let lot = plandoc(&[
        "batch",
        dir.to_str().unwrap(),
        "-o",
        dir.join("lot").to_str().unwrap(),
        "--only",
        "annexe",
        "--quiet",
    ]);
    assert_eq!(lot.code, 0, "{}{}", lot.stdout, lot.stderr);
    assert!(
        dir.join("lot/plan/annexe.ods").exists(),
        "{:?}",
        std::fs::read_dir(dir.join("lot")).unwrap().collect::<Vec<_>>()
    );

    // A batch writing into its own folder does not take its ODS for plans when run again.
    let own = dir.join("meme-dossier");
    std::fs::create_dir_all(&own).unwrap();
    std::fs::copy(&plan, own.join("plan.xlsx")).unwrap();
    std::fs::copy(dir.join("plandoc.toml"), own.join("plandoc.toml")).unwrap();
    let again = |want: &str| {
        let args = ["batch", own.to_str().unwrap(), "-o", own.to_str().unwrap(), "--only", "annexe", "--quiet"];
        let r = plandoc(&args);
        assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
        let report: serde_json::Value =
            serde_json::from_slice(&std::fs::read(own.join("rapport-lot.json")).unwrap()).unwrap();
        let plans: Vec<String> = report["plans"].as_array().unwrap().iter().map(|p| p["input"].to_string()).collect();
        assert_eq!(plans, ["\"plan.xlsx\""], "{report}");
        assert!(report.to_string().contains(want), "{report}");
    };
    again("\"ok\"");
    assert!(own.join("plan/annexe.ods").is_file());
    again("\"skipped\"");

    std::fs::write(dir.join("plandoc.toml"), "[sortie]\ntableur = \"csv\"\n").unwrap();
    let r = plandoc(&["build", plan.to_str().unwrap(), "-o", dir.join("out3").to_str().unwrap()]);
    assert_ne!(r.code, 0);
    assert!(r.stdout.contains("format de tableur « csv » inconnu"), "{}{}", r.stdout, r.stderr);
    let r = plandoc(&["build", plan.to_str().unwrap(), "-o", dir.join("out3").to_str().unwrap(), "--tableur", "pdf"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("--tableur : format de tableur « pdf » inconnu"), "{}", r.stderr);
}
