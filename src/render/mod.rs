//! Output writers: PDF (printpdf + lopdf) and XLSX (rust_xlsxwriter).

mod content;
pub mod pdf;
pub mod template;
