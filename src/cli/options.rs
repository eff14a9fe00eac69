//! Option values shared by several commands, checked the same way everywhere.

use std::collections::BTreeSet;

use crate::job::DocKind;

/// `--only fiches,plan` → the documents; empty → all of them.
pub fn only(list: &[String]) -> Result<BTreeSet<DocKind>, String> {
    let mut out = BTreeSet::new();
    for o in list.iter().map(|o| o.trim()).filter(|o| !o.is_empty()) {
        let k = DocKind::parse(o).ok_or_else(|| {
            format!("document « {o} » inconnu pour --only (attendu : fiches, echeancier, plan, annexe, evaluation).")
        })?;
        out.insert(k);
    }
    Ok(if out.is_empty() { DocKind::ALL.into_iter().collect() } else { out })
}

/// `--tableur xlsx,ods` → the workbooks' formats; none given: left to plandoc.toml.
pub fn sheets(a: &super::args::SheetArgs) -> Result<Option<crate::sheet_formats::SheetFormats>, String> {
    a.formats
        .as_deref()
        .map(crate::sheet_formats::SheetFormats::parse)
        .transpose()
        .map_err(|e| format!("--tableur : {e}."))
}

/// `--date` must be an ISO day.
pub fn date(d: &Option<String>) -> Result<(), String> {
    match d {
        Some(d) => match chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Err(_) => Err(format!("date « {d} » invalide pour --date (attendu : AAAA-MM-JJ, par exemple 2026-01-29).")),
            // The annex and the documents' properties carry it: Excel's range.
            Ok(day) if !(1900..=9999).contains(&chrono::Datelike::year(&day)) => Err(format!(
                "date « {d} » hors de ce qu'un classeur Excel peut tenir pour --date (du 1900-01-01 au 9999-12-31)."
            )),
            Ok(_) => Ok(()),
        },
        _ => Ok(()),
    }
}

/// The documents template and the vocabularies, both overridable from `--modeles DIR`.
pub fn templates(dir: Option<&std::path::Path>) -> Result<crate::templates::DocTemplate, String> {
    if let Some(d) = dir {
        crate::model::install_vocabulary(d)?;
    }
    crate::templates::DocTemplate::load(dir)
}

/// The files a build of `file` reads, never to be written over: the workbook, its
/// configuration and its logo.
pub fn inputs(
    file: &std::path::Path,
    plan: &crate::model::Plan,
    config: Option<&std::path::Path>,
) -> Vec<std::path::PathBuf> {
    let mut out = vec![file.to_path_buf()];
    out.extend(crate::ingest::config_for(file, config));
    out.extend(crate::job::logo_path(plan, file));
    out
}

/// `--colonne`, `--feuille`, `--ligne-entete` as a correction of the reading.
pub fn correction(a: &super::args::ReadingArgs) -> Result<crate::ingest::Correction, String> {
    crate::ingest::Correction::from_flags(&a.columns, a.sheet.as_deref(), a.header_row)
}
