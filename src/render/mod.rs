//! Output writers: PDF (plandoc's own writer on pdf-writer: tagged PDF/UA-1 + PDF/A-2a) and XLSX (rust_xlsxwriter).

pub mod annexe;
pub mod evaluation_xlsx;
pub mod pdf;
pub mod template;
