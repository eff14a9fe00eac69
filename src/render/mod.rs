//! Output writers: PDF (printpdf + lopdf) and XLSX (rust_xlsxwriter).

pub mod annexe;
mod content;
pub mod evaluation_xlsx;
pub mod pdf;
pub mod template;
