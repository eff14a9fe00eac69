//! The synthesis's two files, rendered together: synthese.pdf and synthese.xlsx.

use crate::documents::DocOptions;
use crate::job::BuildError;
use crate::sheet_formats::SheetFormats;

use super::Synthesis;

/// File names, said once.
pub const PDF_NAME: &str = "synthese.pdf";
pub const XLSX_NAME: &str = "synthese.xlsx";
pub const ODS_NAME: &str = "synthese.ods";

/// The synthesis's files (name, bytes): the PDF, then the workbook in each format asked;
/// the ODS is made from the XLSX, like the annex's.
pub fn render(s: &Synthesis, docs: &DocOptions, formats: SheetFormats) -> Result<Vec<(String, Vec<u8>)>, BuildError> {
    let pdf = crate::render::pdf::render_pdf(&crate::documents::synthesis_pdf(s, docs))?;
    let xlsx = crate::render::departmental_xlsx::synthesis_xlsx(s, Some(&docs.template.colours.main))
        .map_err(|e| BuildError::Xlsx(crate::render::xlsx_error_fr(&e)))?;
    let mut files = vec![(PDF_NAME.to_string(), pdf)];
    if formats.ods {
        let ods = crate::render::ods::ods_from_xlsx(&xlsx, &s.title).map_err(BuildError::Xlsx)?;
        files.push((ODS_NAME.to_string(), ods));
    }
    if formats.xlsx {
        files.insert(1, (XLSX_NAME.to_string(), xlsx));
    }
    Ok(files)
}

/// Every file name a synthesis may write.
pub const ALL_NAMES: [&str; 3] = [PDF_NAME, XLSX_NAME, ODS_NAME];
