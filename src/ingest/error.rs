//! Why a file cannot be read as a spreadsheet at all, in French.

use thiserror::Error;

use crate::validate::Code;

/// Why a file could not be read as a spreadsheet at all (exit code 2).
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ReadError {
    #[error("fichier introuvable")]
    NotFound,
    #[error("lecture impossible : {0}")]
    Io(String),
    #[error("c'est un dossier, pas un classeur")]
    IsDir,
    #[error("texte démesuré : les textes des cellules dépassent {} Mo au total", max >> 20)]
    TooMuchText { max: u64 },
    #[error("fichier trop volumineux : {size} octets pour {max} au plus (option --taille-max)")]
    TooLarge { size: u64, max: u64 },
    #[error("ce n'est pas un classeur reconnu (xlsx, xlsm, xlsb, xls, ods, csv)")]
    NotSpreadsheet,
    #[error("classeur protégé par un mot de passe : enregistrez-le sans mot de passe puis recommencez")]
    Protected,
    /// The detail is French (see `workbook::damage_fr`).
    #[error("classeur illisible : {0}")]
    Damaged(String),
    #[error("classeur hors limites : il déclare plus de cellules que plandoc n'en lit")]
    Oversized,
    #[error("archive suspecte : {size} octets une fois décompressée pour {max} au plus")]
    ZipBomb { size: u64, max: u64 },
    #[error("feuille « {sheet} » trop grande : plus de {max} cellules remplies")]
    SheetTooLarge { sheet: String, max: u64 },
}

impl ReadError {
    pub fn code(&self) -> Code {
        match self {
            ReadError::NotFound => Code::FichierIntrouvable,
            ReadError::Io(_) => Code::FichierIllisible,
            ReadError::IsDir => Code::FichierIllisible,
            ReadError::TooMuchText { .. } => Code::ArchiveSuspecte,
            ReadError::TooLarge { .. } => Code::FichierTropGros,
            ReadError::NotSpreadsheet => Code::FormatInconnu,
            ReadError::Protected => Code::FichierProtege,
            ReadError::Damaged(_) => Code::FichierEndommage,
            ReadError::Oversized => Code::FeuilleTropGrande,
            ReadError::ZipBomb { .. } => Code::ArchiveSuspecte,
            ReadError::SheetTooLarge { .. } => Code::FeuilleTropGrande,
        }
    }

    pub fn sheet(&self) -> Option<&str> {
        match self {
            ReadError::SheetTooLarge { sheet, .. } => Some(sheet),
            _ => None,
        }
    }
}
