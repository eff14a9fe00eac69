//! The batch report: rapport-lot.json and rapport-lot.xlsx (failures first).

use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};
use serde::{Deserialize, Serialize};

use crate::render::print_fit::Grid;
use crate::validate::Diagnostic;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PlanStatus {
    Ok,
    Error,
    Skipped,
}

impl PlanStatus {
    pub fn label(self) -> &'static str {
        match self {
            PlanStatus::Ok => "construit",
            PlanStatus::Error => "en échec",
            PlanStatus::Skipped => "inchangé, sauté",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlanResult {
    /// Input file, relative to the batch folder.
    pub input: String,
    /// Output folder, relative to OUT.
    pub output: String,
    pub status: PlanStatus,
    pub actions: Option<usize>,
    pub warnings: usize,
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<Diagnostic>,
    pub ms: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BatchReport {
    pub plans: Vec<PlanResult>,
    pub ok: usize,
    pub errors: usize,
    pub skipped: usize,
}

impl BatchReport {
    pub fn new(mut plans: Vec<PlanResult>) -> Self {
        plans.sort_by(|a, b| a.input.cmp(&b.input));
        let count = |s: PlanStatus| plans.iter().filter(|p| p.status == s).count();
        BatchReport {
            ok: count(PlanStatus::Ok),
            errors: count(PlanStatus::Error),
            skipped: count(PlanStatus::Skipped),
            plans,
        }
    }
}

pub fn report_xlsx(r: &BatchReport) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new()
            .set_title("Rapport du lot plandoc")
            .set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?),
    );
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter)
        .set_background_color(Color::RGB(0x1F4E79))
        .set_font_color(Color::White)
        .set_border(FormatBorder::Thin);
    let body = Format::new().set_text_wrap().set_align(FormatAlign::Top).set_border(FormatBorder::Thin);
    let bad = body.clone().set_background_color(Color::RGB(0xF8D7DA));
    // Failures first, with their diagnostics, then the rest.
    let mut order: Vec<&PlanResult> = r.plans.iter().filter(|p| p.status == PlanStatus::Error).collect();
    order.extend(r.plans.iter().filter(|p| p.status != PlanStatus::Error));
    let ws = wb.add_worksheet();
    // Columns sized from their texts, rows as tall as their wrapped text, printed at a
    // scale that keeps the text at 7 pt or more (as the annex).
    crate::render::print_fit::two_pass(ws, |ws, g| report_sheet(ws, g, r, &order, [&header, &body, &bad]))?;
    wb.save_to_buffer()
}

/// The "Rapport" sheet: one row a plan, then the totals; `f` is header, body, failure.
fn report_sheet(
    ws: &mut Worksheet,
    g: &mut Grid,
    r: &BatchReport,
    order: &[&PlanResult],
    [header, body, bad]: [&Format; 3],
) -> Result<(), XlsxError> {
    ws.set_name("Rapport")?;
    let heads = [
        ("Classeur", 40.0),
        ("Sortie", 30.0),
        ("Statut", 14.0),
        ("Actions", 9.0),
        ("Avertissements", 14.0),
        ("Durée (ms)", 11.0),
        ("Erreur et diagnostics", 90.0),
    ];
    for (i, (h, w)) in heads.iter().enumerate() {
        g.string(ws, (0, i as u16), *h, header, true)?;
        g.width(ws, i as u16, *w)?;
    }
    for (i, p) in order.iter().enumerate() {
        let row = i as u32 + 1;
        let f = if p.status == PlanStatus::Error { bad } else { body };
        g.string(ws, (row, 0), &p.input, f, false)?;
        g.string(ws, (row, 1), &p.output, f, false)?;
        g.string(ws, (row, 2), p.status.label(), f, false)?;
        match p.actions {
            Some(n) => g.num(ws, (row, 3), n as f64, f)?,
            None => g.blank(ws, (row, 3), f)?,
        };
        g.num(ws, (row, 4), p.warnings as f64, f)?;
        g.num(ws, (row, 5), p.ms as f64, f)?;
        let mut text = p.error.clone().unwrap_or_default();
        if p.status == PlanStatus::Error {
            for d in p.diagnostics.iter().take(20) {
                text.push_str(&format!("\n{} {} [{}] {}", d.severity.label(), d.place(), d.code, d.message));
            }
        }
        g.string(ws, (row, 6), text.trim(), f, false)?;
    }
    let last = order.len() as u32;
    let totals = format!("{} construits, {} en échec, {} inchangés", r.ok, r.errors, r.skipped);
    g.string(ws, (last + 2, 0), totals, &Format::new(), false)?;
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, last.max(1), 6)?;
    ws.set_landscape();
    ws.set_paper_size(crate::render::print_fit::PAPER_A3);
    ws.set_print_scale(g.scale());
    ws.set_margins(0.4, 0.4, 0.7, 0.6, 0.3, 0.3);
    ws.set_repeat_rows(0, 0)?;
    ws.set_header("&L&\"-,Bold\"Rapport du lot plandoc");
    ws.set_footer("&RPage &P / &N");
    ws.set_print_area(0, 0, last + 2, 6)?;
    Ok(())
}
