//! Samples in two more shapes people use: a numbered outline in one column (1 / 1.1 /
//! 1.1.1, sub-actions 1.1.1.1 under their action) under a title block, and a plan split one
//! sheet per axis (same header, no axis column).

use std::path::Path;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

const OUTLINE_HEADER: &[&str] = &["N°", "Intitulé", "Pilote", "Partenaires", "Échéance", "Statut"];

/// Number, title, then pilot, partners, years, status ("" = empty).
const OUTLINE: &[[&str; 6]] = &[
    ["1", "Prévenir et promouvoir la santé", "", "", "", ""],
    ["1.1", "Développer l'éducation à la santé des enfants", "", "", "", ""],
    [
        "1.1.1",
        "Organiser des ateliers nutrition dans les écoles",
        "Service santé",
        "Éducation nationale",
        "2025-2026",
        "En cours",
    ],
    [
        "1.1.2",
        "Former les animateurs périscolaires aux premiers secours",
        "Service jeunesse",
        "SDIS",
        "2025",
        "À venir",
    ],
    ["1.1.2.1", "Session de printemps", "Service jeunesse", "", "2025", ""],
    ["1.1.2.2", "Session d'automne", "Service jeunesse", "", "2025", ""],
    ["1.2", "Réduire les conduites à risque des jeunes", "", "", "", ""],
    ["1.2.1", "Ouvrir une consultation jeunes consommateurs", "CCAS", "ARS", "2026", "À venir"],
    ["2", "Améliorer l'accès aux soins", "", "", "", ""],
    ["2.1", "Attirer de nouveaux professionnels de santé", "", "", "", ""],
    [
        "2.1.1",
        "Créer une maison de santé pluriprofessionnelle",
        "Direction générale",
        "ARS ; Région",
        "2024-2027",
        "En cours",
    ],
    ["2.1.1.1", "Étude de programmation", "Direction générale", "", "2024", "Réalisé"],
    ["2.1.1.2", "Travaux", "Services techniques", "", "2026-2027", "À venir"],
    ["2.1.2", "Accueillir des internes en médecine", "Service santé", "Faculté de médecine", "2025-2028", "En cours"],
    ["2.2", "Faciliter les déplacements vers les soins", "", "", "", ""],
    ["2.2.1", "Mettre en place un transport solidaire", "CCAS", "Associations", "2025", "À discuter"],
];

fn workbook() -> Result<Workbook, XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new().set_author("plandoc").set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?),
    );
    Ok(wb)
}

/// A Plan Climat-Air-Énergie four levels deep (axe › sous-axe › objectif › sous-objectif),
/// with actions at several depths and sub-actions one level under their action.
const DEEP: &[[&str; 6]] = &[
    ["1", "Sobriété et efficacité énergétique", "", "", "", ""],
    ["1.1", "Rénover le bâti", "", "", "", ""],
    ["1.1.1", "Logement", "", "", "", ""],
    ["1.1.1.1", "Parc privé", "", "", "", ""],
    [
        "1.1.1.1.1",
        "Ouvrir une plateforme de la rénovation énergétique",
        "Service habitat",
        "ADEME ; ANAH",
        "2025-2027",
        "En cours",
    ],
    ["1.1.1.1.1.1", "Recruter deux conseillers", "Service habitat", "", "2025", "Réalisé"],
    ["1.1.1.1.1.2", "Tenir des permanences dans les communes", "Service habitat", "Communes", "2026-2027", "À venir"],
    ["1.1.1.1.2", "Aider les copropriétés fragiles", "Service habitat", "ANAH", "2026", "À venir"],
    ["1.1.1.2", "Parc social", "", "", "", ""],
    ["1.1.1.2.1", "Rénover 300 logements sociaux", "Bailleurs sociaux", "Département", "2025-2029", "En cours"],
    ["1.1.2", "Bâtiments publics", "", "", "", ""],
    ["1.1.2.1", "Réaliser un schéma directeur immobilier", "Services techniques", "", "2025", "À venir"],
    ["1.2", "Éclairer juste", "", "", "", ""],
    ["1.2.1", "Éteindre l'éclairage public la nuit", "Services techniques", "SDE", "2025", "Réalisé"],
    ["2", "Mobilités", "", "", "", ""],
    ["2.1", "Développer le vélo", "", "", "", ""],
    ["2.1.1", "Itinéraires", "", "", "", ""],
    ["2.1.1.1", "Liaisons entre bourgs", "", "", "", ""],
    [
        "2.1.1.1.1",
        "Aménager la voie verte de la vallée",
        "Service mobilités",
        "Région ; Département",
        "2026-2028",
        "À venir",
    ],
];

/// A Contrat Local de Santé kept as a numbered outline: title block, blank row, header,
/// then rows whose number gives their level.
pub fn write_outline(path: &Path) -> Result<(), XlsxError> {
    write_numbered(path, "CLS", "Contrat Local de Santé du Pays de Lure 2024-2028", OUTLINE)
}

/// The same shape four levels deep: a PCAET.
pub fn write_deep_outline(path: &Path) -> Result<(), XlsxError> {
    write_numbered(path, "PCAET", "Plan Climat-Air-Énergie Territorial du Val de Serre 2025-2030", DEEP)
}

fn write_numbered(path: &Path, sheet: &str, title: &str, rows: &[[&str; 6]]) -> Result<(), XlsxError> {
    let mut wb = workbook()?;
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet();
    ws.set_name(sheet)?;
    ws.merge_range(0, 0, 0, 5, title, &bold)?;
    ws.merge_range(1, 0, 1, 5, "Programme d'actions", &Format::new())?;
    for (c, l) in OUTLINE_HEADER.iter().enumerate() {
        ws.write_string_with_format(3, c as u16, *l, &bold)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate().filter(|(_, v)| !v.is_empty()) {
            ws.write_string(r as u32 + 4, c as u16, *v)?;
        }
    }
    wb.save(path)
}

const SHEET_HEADER: &[&str] = &["N°", "Action", "Objectif", "Pilote", "2025", "2026", "2027"];

/// Sheet (axis) → rows: number, title, aim, pilot, then an x per year.
const SHEETS: &[(&str, &[[&str; 7]])] = &[
    (
        "Enfance",
        &[
            ["1", "Ouvrir un accueil de loisirs le mercredi", "Accueillir 40 enfants", "Service enfance", "x", "x", ""],
            [
                "2",
                "Créer un conseil municipal des enfants",
                "Faire participer les 9-11 ans",
                "Élu enfance",
                "",
                "x",
                "x",
            ],
        ],
    ),
    (
        "Jeunesse",
        &[
            ["3", "Ouvrir un point information jeunesse", "Informer les 16-25 ans", "Service jeunesse", "x", "", ""],
            ["4", "Soutenir les projets de jeunes", "Financer 10 projets par an", "Service jeunesse", "x", "x", "x"],
            ["5", "Proposer des chantiers éducatifs", "Premier emploi pour 20 jeunes", "CCAS", "", "", "x"],
        ],
    ),
    (
        "Parentalité",
        &[["6", "Animer un café des parents", "Rompre l'isolement des parents", "Centre social", "x", "x", "x"]],
    ),
];

/// A plan kept one sheet per axis, each sheet with the same header and no axis column.
pub fn write_sheets_per_axis(path: &Path) -> Result<(), XlsxError> {
    let mut wb = workbook()?;
    let bold = Format::new().set_bold();
    for (name, rows) in SHEETS {
        let ws = wb.add_worksheet();
        ws.set_name(*name)?;
        for (c, l) in SHEET_HEADER.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *l, &bold)?;
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate().filter(|(_, v)| !v.is_empty()) {
                ws.write_string(r as u32 + 1, c as u16, *v)?;
            }
        }
    }
    wb.save(path)
}
