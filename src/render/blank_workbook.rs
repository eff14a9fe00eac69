//! The blank input workbook for new plans (`plandoc template`).

use rust_xlsxwriter::{
    Color, DataValidation, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Note, Worksheet, XlsxError,
};

use crate::model::{MetaKey, Priority, Status};
use crate::templates::{convention_keys, input_columns};

/// Rows prepared with dropdowns below the header.
const PREPARED_ROWS: u32 = 500;

/// The two formats of the blank workbook.
struct Looks {
    header: Format,
    example: Format,
}

/// Builds the template for a period; returns the xlsx bytes.
pub fn template_xlsx(first_year: i32, last_year: i32) -> Result<Vec<u8>, XlsxError> {
    let mut wb = super::new_workbook();
    // A fixed creation date keeps the file byte-identical from one run to the next.
    let created = ExcelDateTime::from_ymd(2000, 1, 1)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title("Plan d'actions — modèle de saisie plandoc")
            .set_author("plandoc")
            .set_creation_datetime(&created),
    );
    let looks = Looks {
        header: Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::VerticalCenter)
            .set_background_color(Color::RGB(0x1F4E79))
            .set_font_color(Color::White)
            .set_border(FormatBorder::Thin),
        example: Format::new()
            .set_text_wrap()
            .set_align(FormatAlign::Top)
            .set_italic()
            .set_font_color(Color::RGB(0x7F7F7F)),
    };
    let years: Vec<i32> = (first_year..=last_year).collect();
    plan_sheet(wb.add_worksheet(), &years, &looks)?;
    convention_sheet(wb.add_worksheet(), first_year, last_year, &looks)?;
    indicators_sheet(&mut wb, &years, &looks.header)?;
    wb.save_to_buffer()
}

/// « Plan d'actions »: the canonical columns commented, the years, dropdowns, one example
/// row, printing set.
fn plan_sheet(ws: &mut Worksheet, years: &[i32], looks: &Looks) -> Result<(), XlsxError> {
    let columns = input_columns();
    let last_col = (columns.len() + years.len()) as u16 - 1;
    ws.set_name("Plan d'actions")?;
    for (i, c) in columns.iter().enumerate() {
        let col = i as u16;
        ws.write_string_with_format(0, col, &c.title, &looks.header)?;
        ws.set_column_width(col, c.width)?;
        ws.insert_note(0, col, &Note::new(&c.comment).set_author("plandoc").set_width(260).set_height(90))?;
    }
    year_columns(ws, columns.len() as u16, years, &looks.header)?;
    let position = |key: &str| columns.iter().position(|c| c.field == key).map(|p| p as u16);
    vocabulary_lists(ws, position("priorite"), position("statut"))?;
    for (key, text) in EXAMPLE_ROW {
        if let Some(col) = position(key) {
            ws.write_string_with_format(1, col, text, &looks.example)?;
        }
    }
    if !years.is_empty() {
        ws.write_string_with_format(1, columns.len() as u16, "X", &looks.example)?;
    }
    ws.set_row_height(0, 32)?;
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, PREPARED_ROWS, last_col)?;
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 0)?;
    ws.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
    ws.set_header("&C&\"-,Bold\"Plan d'actions");
    ws.set_footer("&LModèle plandoc&RPage &P / &N");
    ws.set_print_area(0, 0, PREPARED_ROWS, last_col)?;
    Ok(())
}

/// One example row, skipped by the reader because its number is "Exemple".
const EXAMPLE_ROW: [(&str, &str); 13] = [
    ("axe", "Axe 1 : Petite enfance"),
    ("objectif_strategique", "Adapter l'offre d'accueil aux besoins des familles"),
    ("numero", "Exemple"),
    ("action", "Créer un guichet unique d'information petite enfance"),
    ("objectif_action", "Simplifier les démarches des familles"),
    ("priorite", "Haute"),
    ("pilote", "Service petite enfance"),
    ("partenaires", "CAF, Relais petite enfance"),
    ("public", "Familles avec enfants de moins de 3 ans"),
    ("budget", "15000"),
    ("financeurs", "CAF, commune"),
    ("indicateurs", "Nombre de familles accueillies\nDélai moyen de réponse"),
    ("statut", "À venir"),
];

/// The year columns from `first`, each commented; X suggested (a word accepted too).
fn year_columns(ws: &mut Worksheet, first: u16, years: &[i32], header: &Format) -> Result<(), XlsxError> {
    for (j, y) in years.iter().enumerate() {
        let col = first + j as u16;
        ws.write_string_with_format(0, col, y.to_string(), header)?;
        ws.set_column_width(col, 7)?;
        ws.insert_note(
            0,
            col,
            &Note::new(format!("X si l'action se déroule en {y}, ou le jalon de l'année (Étude, Déploiement…)."))
                .set_author("plandoc"),
        )?;
    }
    if !years.is_empty() {
        let year_validation = DataValidation::new()
            .allow_list_strings(&["X"])?
            .set_input_message("Marquez X les années où l'action se déroule, ou un mot (Étude, Déploiement…).")?
            .ignore_blank(true);
        // Years accept a free word too: the list only suggests X.
        let v = year_validation.set_error_style(rust_xlsxwriter::DataValidationErrorStyle::Information);
        ws.add_data_validation(1, first, PREPARED_ROWS, first + years.len() as u16 - 1, &v)?;
    }
    Ok(())
}

/// Dropdowns of the priority and status columns, from the vocabulary.
fn vocabulary_lists(ws: &mut Worksheet, priority: Option<u16>, status: Option<u16>) -> Result<(), XlsxError> {
    if let Some(col) = priority {
        let labels: Vec<&str> = Priority::ALL.iter().map(|p| p.label()).collect();
        let v = DataValidation::new()
            .allow_list_strings(&labels)?
            .set_error_title("Priorité")?
            .set_error_message("Choisissez Haute, Moyenne ou Basse.")?;
        ws.add_data_validation(1, col, PREPARED_ROWS, col, &v)?;
    }
    if let Some(col) = status {
        let labels: Vec<&str> = Status::ALL.iter().map(|s| s.label()).collect();
        let v = DataValidation::new()
            .allow_list_strings(&labels)?
            .set_error_title("Statut")?
            .set_error_message("Choisissez un statut de la liste.")?;
        ws.add_data_validation(1, col, PREPARED_ROWS, col, &v)?;
    }
    Ok(())
}

/// « Convention »: the metadata keys with their help, the period filled, the plan's kind
/// as a dropdown.
fn convention_sheet(conv: &mut Worksheet, first_year: i32, last_year: i32, looks: &Looks) -> Result<(), XlsxError> {
    conv.set_name("Convention")?;
    conv.write_string_with_format(0, 0, "Clé", &looks.header)?;
    conv.write_string_with_format(0, 1, "Valeur", &looks.header)?;
    conv.write_string_with_format(0, 2, "Aide", &looks.header)?;
    conv.set_column_width(0, 24)?;
    conv.set_column_width(1, 40)?;
    conv.set_column_width(2, 60)?;
    for (i, k) in convention_keys().iter().enumerate() {
        let row = i as u32 + 1;
        conv.write_string(row, 0, &k.label)?;
        conv.write_string_with_format(row, 2, &k.help, &looks.example)?;
        match MetaKey::from_label(&k.label) {
            Some(MetaKey::FirstYear) => {
                conv.write_number(row, 1, first_year as f64)?;
            }
            Some(MetaKey::LastYear) => {
                conv.write_number(row, 1, last_year as f64)?;
            }
            Some(MetaKey::Kind) => {
                let kinds = ["CTG", "PST", "PEDT", "CLS", "PCAET", "CRTE", "plan vélo", "autre"];
                let v = DataValidation::new().allow_list_strings(&kinds)?;
                conv.add_data_validation(row, 1, row, 1, &v)?;
            }
            _ => {}
        }
    }
    conv.set_freeze_panes(1, 0)?;
    conv.set_paper_size(9);
    conv.set_print_fit_to_pages(1, 0);
    Ok(())
}

/// The « Indicateurs » sheet the evaluation reads: one indicator a row, tied to its
/// action by number, with its reference, target and the value reached each year; every
/// header commented.
fn indicators_sheet(wb: &mut rust_xlsxwriter::Workbook, years: &[i32], header: &Format) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("Indicateurs")?;
    let mut heads: Vec<(String, String, f64)> = vec![
        (
            "N° d'action".into(),
            "Numéro de l'action mesurée, tel qu'écrit dans la feuille « Plan d'actions » (1, 2.3…).".into(),
            11.0,
        ),
        ("Indicateur".into(), "Ce que l'on mesure, en une phrase (Nombre de familles accueillies).".into(), 40.0),
        ("Unité".into(), "Unité de la mesure : familles, %, €, km…".into(), 12.0),
        ("Valeur de référence".into(), "Valeur au départ du plan, en nombre.".into(), 14.0),
        ("Cible".into(), "Valeur visée à la fin du plan, en nombre.".into(), 12.0),
    ];
    for y in years {
        heads.push((format!("Réalisé {y}"), format!("Valeur atteinte en {y}, en nombre ; vide si non mesurée."), 11.0));
    }
    for (i, (title, note, width)) in heads.iter().enumerate() {
        let col = i as u16;
        ws.write_string_with_format(0, col, title, header)?;
        ws.set_column_width(col, *width)?;
        ws.insert_note(0, col, &Note::new(note).set_author("plandoc").set_width(260).set_height(70))?;
    }
    ws.set_row_height(0, 32)?;
    ws.set_freeze_panes(1, 0)?;
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}
