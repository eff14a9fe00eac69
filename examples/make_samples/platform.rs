//! Samples in shapes found outside the project: the XLSX export of Territoires en
//! Transitions (section row, funders, dd/MM/yyyy dates, Notes year columns, an
//! "(Action non classée)" row, linked actions) and a Windows-1252 CSV with `;`.

use std::path::Path;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

/// Sections of the export over their first column, then the labels.
const SECTIONS: &[(u16, &str)] = &[
    (0, "Présentation de l'action"),
    (5, "Gestion des accès"),
    (6, "Modalités de mise en œuvre"),
    (11, "Acteurs"),
    (16, "Notes"),
    (18, "Budget"),
    (25, "Indicateurs de suivi"),
    (26, "Autres informations liées"),
    (27, "Données de création et de modification"),
];

const LABELS: &[&str] = &[
    "Axe (x)",
    "Sous-axe (x.x)",
    "Titre de l'action",
    "Descriptif",
    "Thématique principale",
    "Confidentialité de l'action",
    "Statut",
    "Niveau de priorité",
    "Date de début",
    "Date de fin",
    "L'action se répète tous les ans",
    "Personne pilote",
    "Direction ou service pilote",
    "Structure pilote",
    "Élu·e référent·e",
    "Partenaires",
    "2024",
    "2025",
    "Financements",
    "Budgets de fonctionnement",
    "Budgets d'investissement",
    "Financeur 1",
    "Montant (TTC)",
    "Financeur 2",
    "Montant (TTC)",
    "Objectifs",
    "Actions",
    "Créé par",
];

/// One row per fiche; "" is an empty cell, amounts are numbers.
const ROWS: &[[&str; 28]] = &[
    [
        "1. Grandir sur le territoire",
        "1.1 Accueillir les tout-petits",
        "Ouvrir une micro-crèche intercommunale",
        "Étude, travaux puis ouverture de 12 places.",
        "Petite enfance",
        "Non",
        "En cours",
        "Élevé",
        "01/09/2024",
        "31/08/2026",
        "Non",
        "Marie PAUL",
        "Service enfance",
        "Communauté de communes",
        "Renée CHARLES",
        "CAF\nPMI",
        "Étude de faisabilité rendue",
        "",
        "2024 :\n  - 45000 € HT prévisionnels",
        "12000 € par an",
        "180000 €",
        "CAF",
        "30000",
        "Département",
        "15000",
        "Ouvrir 12 places d'accueil",
        "Former les assistantes maternelles",
        "Jean DUPONT",
    ],
    [
        "1. Grandir sur le territoire",
        "1.1 Accueillir les tout-petits",
        "Former les assistantes maternelles",
        "Cycle de formation continue.",
        "Petite enfance",
        "Non",
        "À discuter",
        "Moyen",
        "15/01/2025",
        "15/12/2025",
        "Oui",
        "Pierre GWEN",
        "Relais petite enfance",
        "",
        "",
        "",
        "",
        "Programme à valider",
        "",
        "",
        "",
        "Région",
        "5000",
        "",
        "",
        "",
        "Ouvrir une micro-crèche intercommunale",
        "Jean DUPONT",
    ],
    [
        "1. Grandir sur le territoire",
        "1.2 Soutenir les parents",
        "Créer un lieu d'accueil enfants-parents",
        "",
        "Parentalité",
        "Non",
        "En pause",
        "Bas",
        "01/03/2025",
        "",
        "Non",
        "Marie PAUL",
        "",
        "Centre social",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "Jean DUPONT",
    ],
    [
        "2. Vivre ensemble",
        "",
        "Action 1",
        "Fête des voisins dans chaque commune.",
        "Lien social",
        "Non",
        "Réalisé",
        "Moyen",
        "01/01/2023",
        "31/12/2023",
        "Oui",
        "",
        "Service vie locale",
        "",
        "Paul MARTIN",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "Jean DUPONT",
    ],
    [
        "(Action non classée)",
        "",
        "Mettre à jour le diagnostic social de territoire",
        "",
        "",
        "Oui",
        "À venir",
        "Élevé",
        "01/06/2026",
        "30/06/2026",
        "Non",
        "",
        "Direction générale",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "Jean DUPONT",
    ],
];

pub fn write_export(path: &Path) -> Result<(), XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new().set_author("plandoc").set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?),
    );
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet();
    ws.set_name("Plan")?;
    for (i, (col, label)) in SECTIONS.iter().enumerate() {
        let end = SECTIONS.get(i + 1).map_or(LABELS.len() as u16 - 1, |(n, _)| n - 1);
        if end > *col {
            ws.merge_range(0, *col, 0, end, label, &bold)?;
        } else {
            ws.write_string_with_format(0, *col, *label, &bold)?;
        }
    }
    for (c, l) in LABELS.iter().enumerate() {
        ws.write_string_with_format(1, c as u16, *l, &bold)?;
    }
    for (r, row) in ROWS.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if v.is_empty() {
                continue;
            }
            let (r, c) = (r as u32 + 2, c as u16);
            match LABELS[c as usize] {
                "Montant (TTC)" => ws.write_number(r, c, v.parse::<f64>().unwrap_or_default())?,
                _ => ws.write_string(r, c, *v)?,
            };
        }
    }
    wb.save(path)
}

/// A flat plan as a spreadsheet saves it in CSV on a French Windows: `;`, Windows-1252,
/// CRLF, a quoted multi-line cell.
pub fn write_csv(path: &Path) -> std::io::Result<()> {
    let text = "Axe;N°;Action;Pilote;Partenaires;Calendrier;Statut\r\n\
        Petite enfance;1;Ouvrir une crèche familiale;CCAS;\"CAF\r\nPMI\";2025-2026;En cours\r\n\
        Petite enfance;2;Créer un relais petite enfance itinérant;Service enfance;CAF;2025;À venir\r\n\
        Jeunesse;3;Ouvrir un espace jeunes à Villefranche;Service jeunesse;\"Département ; MSA\";de 2024 à 2026;Réalisé\r\n\
        Jeunesse;4;Accompagner les projets d'été des 16-25 ans;Service jeunesse;;2026;À discuter\r\n";
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
    std::fs::write(path, bytes)
}
