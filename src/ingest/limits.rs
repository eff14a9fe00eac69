//! The caps on what reading a file may cost (size, cells, text, merges).

/// Caps that keep hostile files from exhausting memory or time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest input file accepted, in bytes.
    pub max_file_bytes: u64,
    /// Largest total of uncompressed parts in a zip-based file (xlsx, ods…), counted
    /// while decompressing (declared sizes can lie).
    pub max_unzipped_bytes: u64,
    /// Most non-empty cells read from one sheet.
    pub max_cells_per_sheet: usize,
    /// Largest rows × columns area a dense reader (xls) may hand over.
    pub max_dense_area: u64,
    /// Most merged areas kept per sheet.
    pub max_merges: usize,
    /// Longest text of one cell, in characters (Excel's own limit); longer text is cut.
    pub max_cell_chars: usize,
    /// Largest total of shared-strings text read, in bytes.
    pub max_shared_strings_bytes: u64,
    /// Largest total of text held in the cells read, in bytes (one long shared string
    /// repeated in a million cells would otherwise fill the memory).
    pub max_text_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 64 * 1024 * 1024,
            max_unzipped_bytes: 512 * 1024 * 1024,
            max_cells_per_sheet: 2_000_000,
            max_dense_area: 20_000_000,
            max_merges: 50_000,
            max_cell_chars: 32_767,
            max_shared_strings_bytes: 64 * 1024 * 1024,
            max_text_bytes: 64 * 1024 * 1024,
        }
    }
}

impl Limits {
    /// Default limits with a file-size cap given in megabytes (CLI `--taille-max`).
    pub fn with_max_megabytes(mb: u64) -> Self {
        let mut l = Limits::default();
        l.max_file_bytes = mb.saturating_mul(1024 * 1024);
        l.max_unzipped_bytes = l.max_unzipped_bytes.max(l.max_file_bytes.saturating_mul(8));
        l
    }
}
