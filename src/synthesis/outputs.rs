//! The synthesis's two files, rendered together: synthese.pdf and synthese.xlsx.

use crate::build::BuildError;
use crate::documents::DocOptions;

use super::Synthesis;

/// File names, said once.
pub const PDF_NAME: &str = "synthese.pdf";
pub const XLSX_NAME: &str = "synthese.xlsx";

/// The PDF and workbook bytes of a synthesis.
pub fn render(s: &Synthesis, docs: &DocOptions) -> Result<(Vec<u8>, Vec<u8>), BuildError> {
    let pdf = crate::render::pdf::render_pdf(&crate::documents::synthesis_pdf(s, docs))?;
    let xlsx = crate::render::departmental_xlsx::synthesis_xlsx(s, Some(&docs.template.couleurs.principale))
        .map_err(|e| BuildError::Xlsx(crate::render::xlsx_error_fr(&e)))?;
    Ok((pdf, xlsx))
}
