//! annexe.xlsx: the consolidated plan as the council and the CAF exchange it. The
//! "Plan d'actions" sheet is the canonical input layout, so the annex reads back as the
//! same plan.

use rust_xlsxwriter::{Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Worksheet, XlsxError};

use crate::model::{ActionRef, Plan};
use crate::render::print_fit::two_pass;
use crate::validate::{excel, Diagnostic};

mod plan_sheet;
mod reference_sheets;
mod summary_sheets;

use plan_sheet::plan_sheet;
use reference_sheets::{controles_sheet, indicators_sheet, informations_sheet};
use summary_sheets::{echeancier_sheet, synthese_sheet};

/// What the annex needs besides the plan.
#[derive(Debug, Clone, Default)]
pub struct AnnexOptions {
    /// Generation date shown in "Informations" (YYYY-MM-DD); none by default.
    pub date: Option<String>,
    /// Warnings left by validation, listed in "Contrôles".
    pub warnings: Vec<Diagnostic>,
    /// Stream the action rows to disk (rust_xlsxwriter's constant-memory mode).
    pub constant_memory: bool,
    /// Main colour as #RRGGBB.
    pub colour: Option<String>,
}

/// Above this many actions the main sheet is streamed.
pub const CONSTANT_MEMORY_FROM: usize = 2000;

pub(crate) struct Formats {
    pub(crate) header: Format,
    pub(crate) body: Format,
    pub(crate) centre: Format,
    pub(crate) percent: Format,
    pub(crate) euros: Format,
    pub(crate) year_on: Format,
    pub(crate) title: Format,
    pub(crate) key: Format,
}

pub(crate) fn formats(main: u32) -> Formats {
    let body = Format::new()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border(FormatBorder::Thin)
        .set_border_color(Color::RGB(0xC3CBD3));
    Formats {
        header: Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::VerticalCenter)
            .set_background_color(Color::RGB(main))
            .set_font_color(Color::White)
            .set_border(FormatBorder::Thin),
        centre: body.clone().set_align(FormatAlign::Center),
        percent: body.clone().set_num_format("0%"),
        euros: body.clone().set_num_format("#,##0 \"€\""),
        year_on: body.clone().set_align(FormatAlign::Center).set_bold().set_background_color(Color::RGB(0xD6E4F0)),
        title: Format::new().set_bold().set_font_size(14).set_font_color(Color::RGB(main)),
        key: Format::new().set_bold(),
        body,
    }
}

pub(crate) fn print_setup(
    ws: &mut Worksheet,
    plan: &Plan,
    last_row: u32,
    last_col: u16,
    repeat_header: bool,
    scale: u16,
) -> Result<(), XlsxError> {
    let m = &plan.meta;
    // A3 landscape at the scale that fits the width, never under the one that keeps
    // the text at 7 pt (`print_fit`): a wider sheet prints over several pages across.
    ws.set_landscape();
    ws.set_paper_size(crate::render::print_fit::PAPER_A3);
    ws.set_print_scale(scale);
    ws.set_margins(0.4, 0.4, 0.7, 0.6, 0.3, 0.3);
    if repeat_header {
        ws.set_repeat_rows(0, 0)?;
    }
    let title = m.title.clone().unwrap_or_else(|| "Plan d'actions".into());
    let who = m.territory.clone().unwrap_or_default();
    ws.set_header(excel::header(excel::HEADER_LEFT, &title, excel::HEADER_RIGHT, &who));
    let mut delib = String::new();
    if let Some(n) = &m.deliberation_number {
        delib = format!("Délibération n° {n}");
        if let Some(d) = &m.deliberation_date {
            delib.push_str(&format!(" du {}", crate::documents::french_date(d)));
        }
    }
    ws.set_footer(excel::header("&L", &delib, "&RPage &P / &N", ""));
    ws.set_print_area(0, 0, last_row.max(1), last_col)?;
    Ok(())
}

pub(crate) fn colour_of(opts: &AnnexOptions, plan: &Plan) -> u32 {
    let hex = plan.meta.colour.clone().or_else(|| opts.colour.clone()).unwrap_or_else(|| "#1F4E79".into());
    u32::from_str_radix(hex.trim_start_matches('#'), 16).unwrap_or(0x1F4E79)
}

/// Years written as columns: the period, when some action runs in it.
fn year_columns(plan: &Plan, actions: &[ActionRef<'_>]) -> Vec<i32> {
    if actions.iter().all(|r| r.action.years.is_empty()) {
        return Vec::new();
    }
    let mut years = plan.meta.period_years();
    for r in actions {
        for y in &r.action.years {
            if !years.contains(y) {
                years.push(*y);
            }
        }
    }
    years.sort_unstable();
    years
}

/// What the plan, échéancier and synthèse sheets are written from.
#[derive(Clone, Copy)]
struct SheetInput<'a> {
    plan: &'a Plan,
    actions: &'a [ActionRef<'a>],
    years: &'a [i32],
    f: &'a Formats,
}

pub fn annexe_xlsx(plan: &Plan, opts: &AnnexOptions) -> Result<Vec<u8>, XlsxError> {
    let mut wb = super::new_workbook();
    // A fixed creation date unless one is given: same input, same bytes.
    let created = match opts.date.as_deref().and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()) {
        Some(d) => {
            use chrono::Datelike;
            ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?
        }
        None => ExcelDateTime::from_ymd(2000, 1, 1)?,
    };
    let m = &plan.meta;
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("Annexe — {}", m.title.clone().unwrap_or_else(|| "Plan d'actions".into())))
            .set_author(m.territory.clone().unwrap_or_default())
            .set_company(m.territory.clone().unwrap_or_default())
            .set_creation_datetime(&created),
    );
    let f = formats(colour_of(opts, plan));
    let actions = plan.actions();
    let years = year_columns(plan, &actions);
    let constant = opts.constant_memory || actions.len() >= CONSTANT_MEMORY_FROM;
    let input = SheetInput { plan, actions: &actions, years: &years, f: &f };
    {
        let ws = if constant { wb.add_worksheet_with_constant_memory()? } else { super::add_sheet(&mut wb) };
        two_pass(ws, |ws, g| plan_sheet(ws, g, &input))?;
    }
    two_pass(super::add_sheet(&mut wb), |ws, g| echeancier_sheet(ws, g, &input))?;
    // Kept whole in memory: its charts' cached values are read from its cells at save.
    two_pass(wb.add_worksheet(), |ws, g| synthese_sheet(ws, g, &input))?;
    if !plan.indicators.is_empty() {
        two_pass(super::add_sheet(&mut wb), |ws, g| indicators_sheet(ws, g, plan, &f))?;
    }
    two_pass(super::add_sheet(&mut wb), |ws, g| informations_sheet(ws, g, plan, opts, &f))?;
    if !opts.warnings.is_empty() {
        two_pass(super::add_sheet(&mut wb), |ws, g| controles_sheet(ws, g, plan, &opts.warnings, &f))?;
    }
    if !plan_sheet::lists_inline() {
        plan_sheet::lists_sheet(super::add_sheet(&mut wb))?;
    }
    wb.save_to_buffer()
}
