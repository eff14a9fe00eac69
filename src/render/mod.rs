//! Output writers: XLSX via rust_xlsxwriter (PDF comes with the documents issue).

pub mod template;
