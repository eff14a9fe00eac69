//! annexe.xlsx: the consolidated plan as the council and the CAF exchange it. The
//! "Plan d'actions" sheet is the canonical input layout, so the annex reads back as the
//! same plan.

use std::collections::BTreeMap;

use rust_xlsxwriter::{
    Chart, ChartType, Color, DataValidation, DataValidationErrorStyle, DocProperties, ExcelDateTime, Format,
    FormatAlign, FormatBorder, Worksheet, XlsxError,
};

use crate::model::{Action, ActionRef, Plan, Priority, Status};
use crate::templates::{input_columns, ColumnSpec};
use crate::validate::Diagnostic;

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

/// "&" is a code in Excel headers and footers.
fn hf(s: &str) -> String {
    s.replace('&', "&&")
}

pub(crate) fn print_setup(
    ws: &mut Worksheet,
    plan: &Plan,
    last_row: u32,
    last_col: u16,
    repeat_header: bool,
) -> Result<(), XlsxError> {
    let m = &plan.meta;
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_margins(0.4, 0.4, 0.7, 0.6, 0.3, 0.3);
    if repeat_header {
        ws.set_repeat_rows(0, 0)?;
    }
    let title = m.title.clone().unwrap_or_else(|| "Plan d'actions".into());
    let who = m.territory.clone().unwrap_or_default();
    ws.set_header(format!("&L&\"-,Bold\"{}&R{}", hf(&title), hf(&who)));
    let mut delib = String::new();
    if let Some(n) = &m.deliberation_number {
        delib = format!("Délibération n° {n}");
        if let Some(d) = &m.deliberation_date {
            delib.push_str(&format!(" du {}", crate::documents::french_date(d)));
        }
    }
    ws.set_footer(format!("&L{}&RPage &P / &N", hf(&delib)));
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
    {
        let ws = if constant { wb.add_worksheet_with_constant_memory()? } else { super::add_sheet(&mut wb) };
        plan_sheet(ws, plan, &actions, &years, &f)?;
    }
    echeancier_sheet(super::add_sheet(&mut wb), plan, &actions, &years, &f)?;
    // Kept whole in memory: its charts' cached values are read from its cells at save.
    synthese_sheet(wb.add_worksheet(), plan, &actions, &years, &f)?;
    if !plan.indicators.is_empty() {
        indicators_sheet(super::add_sheet(&mut wb), plan, &f)?;
    }
    informations_sheet(super::add_sheet(&mut wb), plan, opts, &f)?;
    if !opts.warnings.is_empty() {
        controles_sheet(super::add_sheet(&mut wb), plan, &opts.warnings, &f)?;
    }
    wb.save_to_buffer()
}

pub(crate) fn text_or_blank(ws: &mut Worksheet, r: u32, c: u16, v: Option<&str>, f: &Format) -> Result<(), XlsxError> {
    match v {
        // Always a string: a text starting with = + - @ never becomes a formula.
        Some(t) if !t.is_empty() => ws.write_string_with_format(r, c, t, f).map(|_| ()),
        _ => ws.write_blank(r, c, f).map(|_| ()),
    }
}

/// Columns beyond the canonical ones, present when some action fills them: people,
/// dates, budgets by kind, then one funder and one amount column per funding line.
type Getter = fn(&Action) -> Option<&str>;

enum More {
    Text(&'static str, Getter),
    Funder(usize),
    Amount(usize),
}

enum MoreValue<'a> {
    Text(Option<&'a str>),
    Euros(f64),
}

impl More {
    fn header(&self) -> String {
        match self {
            More::Text(h, _) => (*h).to_string(),
            More::Funder(k) => format!("Financeur {}", k + 1),
            More::Amount(k) => format!("Montant {}", k + 1),
        }
    }

    fn value<'a>(&self, a: &'a Action) -> MoreValue<'a> {
        match self {
            More::Text(_, get) => MoreValue::Text(get(a)),
            More::Funder(k) => MoreValue::Text(a.funding.get(*k).map(|l| l.funder.as_str())),
            More::Amount(k) => match a.funding.get(*k) {
                Some(l) => match (l.euros, &l.text) {
                    (Some(v), _) => MoreValue::Euros(v),
                    (None, t) => MoreValue::Text(t.as_deref()),
                },
                None => MoreValue::Text(None),
            },
        }
    }
}

/// One row of the "Plan d'actions" sheet: an action, or a sub-action under its parent.
struct SheetRow<'a> {
    at: &'a ActionRef<'a>,
    action: &'a Action,
    parent: Option<&'a Action>,
}

fn sheet_rows<'a>(actions: &'a [ActionRef<'a>]) -> Vec<SheetRow<'a>> {
    let mut out = Vec::with_capacity(actions.len());
    for at in actions {
        out.push(SheetRow { at, action: at.action, parent: None });
        out.extend(at.action.sub_actions.iter().map(|s| SheetRow { at, action: s, parent: Some(at.action) }));
    }
    out
}

/// The canonical columns, with one more level column per objective level beyond the
/// template's two ("Niveau 4"…) and a sub-action column when some action has them.
fn sheet_columns(plan: &Plan) -> Vec<ColumnSpec> {
    let mut cols = input_columns();
    let deeper = plan.objective_depth().saturating_sub(2);
    if let Some(i) = cols.iter().position(|c| c.champ == "objectif_operationnel") {
        for k in (0..deeper).rev() {
            let level = k + 4;
            cols.insert(
                i + 1,
                ColumnSpec {
                    champ: format!("niveau_{level}"),
                    titre: format!("Niveau {level}"),
                    largeur: 26.0,
                    commentaire: String::new(),
                },
            );
        }
    }
    if plan.sub_action_count() > 0 {
        if let Some(i) = cols.iter().position(|c| c.champ == "action") {
            let spec = ColumnSpec {
                champ: "sous_action".into(),
                titre: "Sous-action".into(),
                largeur: 40.0,
                commentaire: String::new(),
            };
            cols.insert(i + 1, spec);
        }
    }
    cols
}

/// Extra fields' names: the plan's extra columns, then any other name an action keeps
/// (a "Calendrier" text read for its years stays whole).
fn extra_columns(plan: &Plan, rows: &[SheetRow<'_>]) -> Vec<String> {
    let mut out = plan.extra_columns.clone();
    for r in rows {
        // A new name goes after the one before it on the action, as the input had them.
        let mut after: Option<usize> = None;
        for e in &r.action.extra {
            let i = match out.iter().position(|n| *n == e.name) {
                Some(i) => i,
                None => {
                    let i = after.map_or(out.len(), |a| a + 1);
                    out.insert(i, e.name.clone());
                    i
                }
            };
            after = Some(i);
        }
    }
    out
}

fn more_columns(actions: &[SheetRow<'_>]) -> Vec<More> {
    let texts: [(&'static str, Getter); 8] = [
        ("Personne pilote", |a| a.pilot_person.as_deref()),
        ("Direction ou service pilote", |a| a.pilot_service.as_deref()),
        ("Structure pilote", |a| a.pilot_structure.as_deref()),
        ("Élu·e référent·e", |a| a.elected.as_deref()),
        ("Date de début", |a| a.start_date.as_deref()),
        ("Date de fin", |a| a.end_date.as_deref()),
        ("Budget de fonctionnement", |a| a.budget_operating.as_deref()),
        ("Budget d'investissement", |a| a.budget_investment.as_deref()),
    ];
    let mut out: Vec<More> = texts
        .into_iter()
        .filter(|(_, get)| actions.iter().any(|r| get(r.action).is_some()))
        .map(|(h, get)| More::Text(h, get))
        .collect();
    let lines = actions.iter().map(|r| r.action.funding.len()).max().unwrap_or(0);
    for k in 0..lines {
        out.push(More::Funder(k));
        out.push(More::Amount(k));
    }
    out
}

fn plan_sheet(
    ws: &mut Worksheet,
    plan: &Plan,
    actions: &[ActionRef<'_>],
    years: &[i32],
    f: &Formats,
) -> Result<(), XlsxError> {
    ws.set_name("Plan d'actions")?;
    let cols = sheet_columns(plan);
    let rows = sheet_rows(actions);
    let more = more_columns(&rows);
    let extra = &extra_columns(plan, &rows);
    let n_base = cols.len() as u16;
    let n_fixed = n_base + more.len() as u16;
    let n_extra = extra.len() as u16;
    let first_year = n_fixed + n_extra;
    let last_col = first_year + years.len().max(1) as u16 - 1;
    for (i, c) in cols.iter().enumerate() {
        ws.set_column_width(i as u16, c.largeur)?;
    }
    for j in 0..more.len() {
        ws.set_column_width(n_base + j as u16, 20)?;
    }
    for (j, _) in extra.iter().enumerate() {
        ws.set_column_width(n_fixed + j as u16, 24)?;
    }
    for (j, _) in years.iter().enumerate() {
        ws.set_column_width(first_year + j as u16, 9)?;
    }
    ws.set_row_height(0, 32)?;
    for (i, c) in cols.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, &c.titre, &f.header)?;
    }
    for (j, m) in more.iter().enumerate() {
        ws.write_string_with_format(0, n_base + j as u16, m.header(), &f.header)?;
    }
    for (j, e) in extra.iter().enumerate() {
        ws.write_string_with_format(0, n_fixed + j as u16, e, &f.header)?;
    }
    for (j, y) in years.iter().enumerate() {
        ws.write_string_with_format(0, first_year + j as u16, y.to_string(), &f.header)?;
    }
    let pos = |champ: &str| cols.iter().position(|c| c.champ == champ).map(|p| p as u16);
    for (i, sr) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        let (r, a) = (sr.at, sr.action);
        for (ci, c) in cols.iter().enumerate() {
            let col = ci as u16;
            match c.champ.as_str() {
                // A blank axis cell reads as "same as above": name the actions of no axis.
                "axe" if r.axis.implicit && plan.axis_count() > 0 => {
                    text_or_blank(ws, row, col, Some("(Action non classée)"), &f.body)?
                }
                "axe" if !r.axis.implicit => {
                    let t = match &r.axis.description {
                        Some(d) => format!("{}\n{d}", r.axis.title),
                        None => r.axis.title.clone(),
                    };
                    text_or_blank(ws, row, col, Some(&t), &f.body)?;
                }
                "objectif_strategique" => {
                    text_or_blank(ws, row, col, r.objectives.first().map(|o| o.title.as_str()), &f.body)?
                }
                "objectif_operationnel" => {
                    text_or_blank(ws, row, col, r.objectives.get(1).map(|o| o.title.as_str()), &f.body)?
                }
                level if level.starts_with("niveau_") => {
                    let depth = level["niveau_".len()..].parse::<usize>().unwrap_or(0);
                    let o = depth.checked_sub(2).and_then(|d| r.objectives.get(d));
                    text_or_blank(ws, row, col, o.map(|o| o.title.as_str()), &f.body)?
                }
                // A sub-action row names its action in the title column, itself here.
                "sous_action" => text_or_blank(ws, row, col, sr.parent.map(|_| a.title.as_str()), &f.body)?,
                "numero" => match &a.number {
                    Some(n) if n.bytes().all(|b| b.is_ascii_digit()) && n.len() < 10 => {
                        ws.write_number_with_format(row, col, n.parse::<f64>().unwrap_or(0.0), &f.centre)?;
                    }
                    other => text_or_blank(ws, row, col, other.as_deref(), &f.centre)?,
                },
                "action" => text_or_blank(ws, row, col, Some(&sr.parent.unwrap_or(a).title), &f.body)?,
                "objectif_action" => text_or_blank(ws, row, col, a.aim.as_deref(), &f.body)?,
                "description" => text_or_blank(ws, row, col, a.description.as_deref(), &f.body)?,
                "priorite" => text_or_blank(ws, row, col, a.priority.map(Priority::label), &f.centre)?,
                "pilote" => text_or_blank(ws, row, col, a.pilot.as_deref(), &f.body)?,
                "partenaires" => text_or_blank(ws, row, col, a.partners.as_deref(), &f.body)?,
                "public" => text_or_blank(ws, row, col, a.public.as_deref(), &f.body)?,
                "territoire" => text_or_blank(ws, row, col, a.territory.as_deref(), &f.body)?,
                "budget" => match &a.budget {
                    Some(b) => match b.euros {
                        Some(v) => {
                            ws.write_number_with_format(row, col, v, &f.euros)?;
                        }
                        None => text_or_blank(ws, row, col, Some(&b.text), &f.body)?,
                    },
                    None => text_or_blank(ws, row, col, None, &f.body)?,
                },
                "financeurs" => text_or_blank(ws, row, col, a.funders.as_deref(), &f.body)?,
                "indicateurs" => text_or_blank(ws, row, col, Some(&a.indicators.join("\n")), &f.body)?,
                "statut" => text_or_blank(ws, row, col, a.status.map(Status::label), &f.centre)?,
                "avancement" => match a.progress {
                    Some(p) => {
                        ws.write_number_with_format(row, col, p / 100.0, &f.percent)?;
                    }
                    None => text_or_blank(ws, row, col, None, &f.body)?,
                },
                "commentaire" => text_or_blank(ws, row, col, a.comment.as_deref(), &f.body)?,
                _ => text_or_blank(ws, row, col, None, &f.body)?,
            }
        }
        for (j, m) in more.iter().enumerate() {
            let col = n_base + j as u16;
            match m.value(a) {
                MoreValue::Euros(v) => {
                    ws.write_number_with_format(row, col, v, &f.euros)?;
                }
                MoreValue::Text(t) => text_or_blank(ws, row, col, t, &f.body)?,
            }
        }
        for (j, name) in extra.iter().enumerate() {
            let v = a.extra.iter().filter(|e| &e.name == name).map(|e| e.value.as_str()).collect::<Vec<_>>().join("\n");
            text_or_blank(ws, row, n_fixed + j as u16, Some(&v), &f.body)?;
        }
        for (j, y) in years.iter().enumerate() {
            let col = first_year + j as u16;
            if a.years.contains(y) {
                let mark = a.milestones.get(y).map_or("X", String::as_str);
                ws.write_string_with_format(row, col, mark, &f.year_on)?;
            } else {
                ws.write_blank(row, col, &f.centre)?;
            }
        }
    }
    let last_row = rows.len() as u32;
    // Dropdowns keep the annex a good input; years accept a milestone word too.
    let rows_end = last_row.max(1) + 200;
    if let Some(col) = pos("priorite") {
        let labels: Vec<&str> = Priority::ALL.iter().map(|p| p.label()).collect();
        ws.add_data_validation(1, col, rows_end, col, &DataValidation::new().allow_list_strings(&labels)?)?;
    }
    if let Some(col) = pos("statut") {
        let labels: Vec<&str> = Status::ALL.iter().map(|s| s.label()).collect();
        ws.add_data_validation(1, col, rows_end, col, &DataValidation::new().allow_list_strings(&labels)?)?;
    }
    if !years.is_empty() {
        let v =
            DataValidation::new().allow_list_strings(&["X"])?.set_error_style(DataValidationErrorStyle::Information);
        ws.add_data_validation(1, first_year, rows_end, last_col, &v)?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, last_row.max(1), last_col)?;
    print_setup(ws, plan, last_row, last_col, true)
}

fn echeancier_sheet(
    ws: &mut Worksheet,
    plan: &Plan,
    actions: &[ActionRef<'_>],
    years: &[i32],
    f: &Formats,
) -> Result<(), XlsxError> {
    ws.set_name("Échéancier")?;
    let heads = ["Axe", "N°", "Action"];
    for (i, h) in heads.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, &f.header)?;
    }
    ws.set_column_width(0, 30)?;
    ws.set_column_width(1, 6)?;
    ws.set_column_width(2, 60)?;
    for (j, y) in years.iter().enumerate() {
        ws.write_string_with_format(0, 3 + j as u16, y.to_string(), &f.header)?;
        ws.set_column_width(3 + j as u16, 9)?;
    }
    for (i, r) in actions.iter().enumerate() {
        let row = i as u32 + 1;
        let axis = if r.axis.implicit { "" } else { r.axis.title.as_str() };
        text_or_blank(ws, row, 0, Some(axis), &f.body)?;
        text_or_blank(ws, row, 1, r.action.number.as_deref(), &f.centre)?;
        text_or_blank(ws, row, 2, Some(&r.action.title), &f.body)?;
        for (j, y) in years.iter().enumerate() {
            let col = 3 + j as u16;
            if r.action.years.contains(y) {
                ws.write_string_with_format(
                    row,
                    col,
                    r.action.milestones.get(y).map_or("X", String::as_str),
                    &f.year_on,
                )?;
            } else {
                ws.write_blank(row, col, &f.centre)?;
            }
        }
    }
    let last_col = 2 + years.len() as u16;
    ws.set_freeze_panes(1, 3)?;
    ws.autofilter(0, 0, actions.len().max(1) as u32, last_col)?;
    print_setup(ws, plan, actions.len() as u32, last_col, true)
}

fn synthese_sheet(
    ws: &mut Worksheet,
    plan: &Plan,
    actions: &[ActionRef<'_>],
    years: &[i32],
    f: &Formats,
) -> Result<(), XlsxError> {
    ws.set_name("Synthèse")?;
    ws.set_column_width(0, 50)?;
    ws.write_string_with_format(0, 0, "Répartition des actions par axe et par priorité", &f.title)?;
    let prio_cols = ["Haute", "Moyenne", "Basse", "Non renseignée", "Total"];
    ws.write_string_with_format(2, 0, "Axe", &f.header)?;
    for (i, p) in prio_cols.iter().enumerate() {
        ws.write_string_with_format(2, 1 + i as u16, *p, &f.header)?;
        ws.set_column_width(1 + i as u16, 13)?;
    }
    let mut row = 3u32;
    let axes: Vec<&crate::model::Axis> = plan.axes.iter().collect();
    // Per axis: high, medium, low, not given, total — summed for the last row.
    let mut totals = [0usize; 5];
    for axis in &axes {
        let acts = axis.all_actions();
        let count = |p: Option<Priority>| acts.iter().filter(|a| a.priority == p).count();
        let counts = [
            count(Some(Priority::High)),
            count(Some(Priority::Medium)),
            count(Some(Priority::Low)),
            count(None),
            acts.len(),
        ];
        let title = if axis.implicit { "Actions" } else { axis.title.as_str() };
        ws.write_string_with_format(row, 0, title, &f.body)?;
        for (i, v) in counts.iter().enumerate() {
            ws.write_number_with_format(row, 1 + i as u16, *v as f64, &f.centre)?;
            totals[i] += v;
        }
        row += 1;
    }
    let axis_rows = (3, row - 1);
    ws.write_string_with_format(row, 0, "Total", &f.key)?;
    for (i, t) in totals.iter().enumerate() {
        ws.write_number_with_format(row, 1 + i as u16, *t as f64, &f.key)?;
    }
    row += 2;
    let mut chart_row = 2;
    if !axes.is_empty() {
        let mut chart = Chart::new(ChartType::BarStacked);
        for i in 0..4u16 {
            chart
                .add_series()
                .set_name(("Synthèse", 2, 1 + i))
                .set_categories(("Synthèse", axis_rows.0, 0, axis_rows.1, 0))
                .set_values(("Synthèse", axis_rows.0, 1 + i, axis_rows.1, 1 + i));
        }
        chart.title().set_name("Actions par axe et par priorité");
        ws.insert_chart(chart_row, 7, &chart)?;
        chart_row += 18;
    }
    // Per year.
    ws.write_string_with_format(row, 0, "Actions prévues par année", &f.title)?;
    row += 1;
    ws.write_string_with_format(row, 0, "Année", &f.header)?;
    ws.write_string_with_format(row, 1, "Nombre", &f.header)?;
    let year_start = row + 1;
    for y in years {
        row += 1;
        ws.write_string_with_format(row, 0, y.to_string(), &f.body)?;
        ws.write_number_with_format(
            row,
            1,
            actions.iter().filter(|r| r.action.years.contains(y)).count() as f64,
            &f.centre,
        )?;
    }
    if !years.is_empty() {
        let mut chart = Chart::new(ChartType::Column);
        chart.add_series().set_name("Actions").set_categories(("Synthèse", year_start, 0, row, 0)).set_values((
            "Synthèse",
            year_start,
            1,
            row,
            1,
        ));
        chart.title().set_name("Actions prévues par année");
        chart.legend().set_hidden();
        ws.insert_chart(chart_row, 7, &chart)?;
    }
    row += 2;
    // Per pilot.
    ws.write_string_with_format(row, 0, "Actions par pilote", &f.title)?;
    row += 1;
    ws.write_string_with_format(row, 0, "Pilote", &f.header)?;
    ws.write_string_with_format(row, 1, "Nombre", &f.header)?;
    let mut pilots: BTreeMap<String, usize> = BTreeMap::new();
    for r in actions {
        *pilots.entry(r.action.pilot.clone().unwrap_or_else(|| "(non renseigné)".into())).or_default() += 1;
    }
    for (p, n) in &pilots {
        row += 1;
        ws.write_string_with_format(row, 0, p, &f.body)?;
        ws.write_number_with_format(row, 1, *n as f64, &f.centre)?;
    }
    print_setup(ws, plan, row, 15, false)
}

/// The follow-up indicators, in the layout the reader expects back.
fn indicators_sheet(ws: &mut Worksheet, plan: &Plan, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name("Indicateurs")?;
    let mut years: Vec<i32> = plan.indicators.iter().flat_map(|i| i.values.keys().copied()).collect();
    years.sort_unstable();
    years.dedup();
    let mut heads: Vec<String> = ["N° action", "Indicateur", "Unité", "Valeur de référence", "Valeur cible"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    heads.extend(years.iter().map(|y| format!("Réalisé {y}")));
    for (i, h) in heads.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, h, &f.header)?;
        ws.set_column_width(i as u16, if i == 1 { 45.0 } else { 12.0 })?;
    }
    for (i, ind) in plan.indicators.iter().enumerate() {
        let r = i as u32 + 1;
        text_or_blank(ws, r, 0, ind.action.as_deref(), &f.centre)?;
        text_or_blank(ws, r, 1, Some(&ind.name), &f.body)?;
        text_or_blank(ws, r, 2, ind.unit.as_deref(), &f.body)?;
        let cells = [ind.baseline, ind.target].into_iter().chain(years.iter().map(|y| ind.values.get(y).copied()));
        for (j, v) in cells.enumerate() {
            match v {
                Some(v) => ws.write_number_with_format(r, 3 + j as u16, v, &f.centre).map(|_| ())?,
                None => text_or_blank(ws, r, 3 + j as u16, None, &f.body)?,
            }
        }
    }
    ws.set_freeze_panes(1, 2)?;
    print_setup(ws, plan, plan.indicators.len() as u32, heads.len() as u16 - 1, true)
}

fn informations_sheet(ws: &mut Worksheet, plan: &Plan, opts: &AnnexOptions, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name("Informations")?;
    ws.set_column_width(0, 26)?;
    ws.set_column_width(1, 60)?;
    ws.write_string_with_format(0, 0, "Clé", &f.header)?;
    ws.write_string_with_format(0, 1, "Valeur", &f.header)?;
    let m = &plan.meta;
    let kind = m.kind.label().to_string();
    let rows: Vec<(&str, Option<String>)> = vec![
        ("Collectivité", m.territory.clone()),
        ("Type de plan", Some(kind)),
        ("Titre", m.title.clone()),
        ("Première année", m.first_year.map(|y| y.to_string())),
        ("Dernière année", m.last_year.map(|y| y.to_string())),
        ("Signataires", (!m.signatories.is_empty()).then(|| m.signatories.join("; "))),
        ("N° de délibération", m.deliberation_number.clone()),
        ("Date de délibération", m.deliberation_date.as_deref().map(crate::documents::french_date)),
        ("N° d'annexe", m.annex_number.clone()),
        ("SIREN", m.siren.clone()),
        ("Département", m.department.clone()),
        ("Logo", m.logo.clone()),
        ("Couleur principale", m.colour.clone()),
        ("Généré le", opts.date.as_deref().map(crate::documents::french_date)),
        ("Généré par", Some(format!("plandoc {}", env!("CARGO_PKG_VERSION")))),
    ];
    let mut r = 1;
    for (k, v) in rows {
        let Some(v) = v else { continue };
        ws.write_string_with_format(r, 0, k, &f.key)?;
        ws.write_string(r, 1, v)?;
        r += 1;
    }
    print_setup(ws, plan, r, 1, false)
}

fn controles_sheet(ws: &mut Worksheet, plan: &Plan, warnings: &[Diagnostic], f: &Formats) -> Result<(), XlsxError> {
    ws.set_name("Contrôles")?;
    for (i, (h, w)) in
        [("Gravité", 14.0), ("Code", 22.0), ("Message", 80.0), ("Feuille", 18.0), ("Cellule", 10.0)].iter().enumerate()
    {
        ws.write_string_with_format(0, i as u16, *h, &f.header)?;
        ws.set_column_width(i as u16, *w)?;
    }
    for (i, d) in warnings.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string_with_format(r, 0, d.severity.label(), &f.body)?;
        ws.write_string_with_format(r, 1, &d.code, &f.body)?;
        ws.write_string_with_format(r, 2, &d.message, &f.body)?;
        text_or_blank(ws, r, 3, d.sheet.as_deref(), &f.body)?;
        text_or_blank(ws, r, 4, d.cell.as_deref(), &f.body)?;
    }
    ws.set_freeze_panes(1, 0)?;
    print_setup(ws, plan, warnings.len() as u32, 4, true)
}
