//! Output writers: PDF (plandoc's own writer on pdf-writer: tagged PDF/UA-1 + PDF/A-2a) and XLSX (rust_xlsxwriter).

pub mod annexe;
pub mod blank_workbook;
pub mod corrected_copy;
pub mod departmental_xlsx;
pub mod evaluation_xlsx;
mod format_runs;
pub mod ods;
pub mod pdf;
pub mod print_fit;

/// A workbook as plandoc writes them: zip compression at level 1, the quickest (level 6,
/// rust_xlsxwriter's default, took a quarter of the annex's time for files a few
/// kilobytes smaller).
pub(crate) fn new_workbook() -> rust_xlsxwriter::Workbook {
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.set_zip_compression_level(1);
    wb
}

/// A worksheet whose rows are written out as they are completed (rust_xlsxwriter's
/// low-memory mode, through a temporary file): saving the workbook then starts no
/// thread for it (one per sheet otherwise, 0.6 ms of CPU in a fresh process). Not for
/// a sheet that charts read: their cached values would be missing. Without a usable
/// temporary folder, an ordinary sheet.
pub(crate) fn add_sheet(wb: &mut rust_xlsxwriter::Workbook) -> &mut rust_xlsxwriter::Worksheet {
    if wb.add_worksheet_with_low_memory().is_err() {
        wb.add_worksheet();
    }
    let sheets = wb.worksheets_mut();
    let last = sheets.len() - 1;
    &mut sheets[last]
}

/// A workbook writer's error in French: never its English text before a user.
pub fn xlsx_error_fr(e: &rust_xlsxwriter::XlsxError) -> String {
    use rust_xlsxwriter::XlsxError as E;
    match e {
        E::MaxStringLengthExceeded => "un texte dépasse les 32 767 caractères qu'une cellule Excel peut tenir".into(),
        E::DataValidationError(_) => "une liste déroulante dépasse ce qu'Excel admet".into(),
        E::DateTimeRangeError(_) | E::DateTimeParseError(_) => {
            "une date est hors de ce qu'Excel admet (du 1er janvier 1900 au 31 décembre 9999)".into()
        }
        E::RowColumnLimitError => "le tableau dépasse le nombre de lignes ou de colonnes d'Excel".into(),
        E::IoError(io) | E::TempFileError(_, io) => crate::durable::io_fr(io),
        _ => "erreur interne de l'écriture du classeur".into(),
    }
}
