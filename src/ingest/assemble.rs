//! A workbook → a plan: the table chosen (or the forms, or the sheets of one shape), its
//! rows read into the hierarchy, then the plan's metadata, indicators, period and source.

use std::path::Path;

use super::correction::Correction;
use super::form::{self, Forms};
use super::grid::Sheet;
use super::header::{self, Header};
use super::likeness::{self, Likeness};
use super::{
    best_table, columns_sheet, constants, indicators, metadata, named_sheet, not_a_plan, period_in, rows,
    sheet_correction, valued_levels, Reading, Unreadable, Workbook,
};
use crate::model::{Axis, ColumnInfo, Field, Plan, SkippedRow, SourceLayout};
use crate::text::column_letters;
use crate::validate::{Code, Diagnostic};

/// What the reading has gathered so far.
struct Gathered {
    plan: Plan,
    diagnostics: Vec<Diagnostic>,
    notes: Vec<String>,
}

impl Gathered {
    fn refuse(self, diagnostic: Diagnostic, likeness: Option<Likeness>) -> Unreadable {
        Unreadable { diagnostic: Box::new(diagnostic), notes: self.notes, likeness }
    }
}

/// Where the plan's table is: a sheet, or the table rebuilt from fiches in forms.
enum Table<'a> {
    Sheet(&'a Sheet),
    Forms(Box<Forms>),
}

impl Table<'_> {
    fn sheet(&self) -> &Sheet {
        match self {
            Table::Sheet(s) => s,
            Table::Forms(f) => &f.table,
        }
    }

    fn forms(&self) -> Option<&Forms> {
        match self {
            Table::Sheet(_) => None,
            Table::Forms(f) => Some(f),
        }
    }
}

/// The table the plan is read from.
struct Chosen<'a> {
    table: Table<'a>,
    header: Header,
    /// Other sheets of the same header shape: one axis each.
    siblings: Vec<(&'a Sheet, Header)>,
}

/// Reads the plan with a correction given by a person (command line, plandoc.toml, page).
pub fn plan_from_workbook_corrected(
    name: &str,
    wb: &Workbook,
    given: &Correction,
    force: bool,
) -> Result<Reading, Unreadable> {
    let mut g = Gathered { plan: Plan::default(), diagnostics: Vec::new(), notes: Vec::new() };
    let mut visible: Vec<&Sheet> = wb.sheets.iter().filter(|s| s.visible).collect();
    // A "Colonnes" sheet maps columns like `[colonnes]`; plandoc.toml wins over it.
    let correction = sheet_correction(&visible, given, &mut g.diagnostics, &mut g.notes);
    visible.retain(|s| !columns_sheet::is_columns_sheet_name(&s.name));
    for s in wb.sheets.iter().filter(|s| !s.visible) {
        g.notes.push(format!("Feuille masquée « {} » ignorée.", s.name));
    }
    for s in visible.iter().filter(|s| metadata::is_metadata_sheet_name(&s.name)) {
        metadata::read_metadata_sheet(s, &mut g.plan.meta, &mut g.diagnostics, &mut g.notes);
    }
    let chosen = match choose_table(name, &visible, &correction) {
        Ok(c) => c,
        Err(d) => return Err(g.refuse(*d, None)),
    };
    let Chosen { table: source, mut header, siblings } = chosen;
    let (sheet, forms) = (source.sheet(), source.forms());
    let likeness = likeness::assess(sheet, &header);
    if let Some(d) = not_a_plan(name, sheet, &header, &likeness, force) {
        if d.is_error() {
            return Err(g.refuse(d, Some(likeness)));
        }
        g.diagnostics.push(d);
    }
    note_ignored_sheets(&visible, sheet, forms, &siblings, &mut g.notes);
    if forms.is_none() {
        g.notes.extend(constants::read_constants(sheet, &mut header, &mut g.plan.meta));
    }
    let mut table = rows::read_table(name, sheet, &header);
    if let Some(f) = forms {
        f.relocate(&mut table, &header);
        g.notes.extend(f.notes());
    }
    g.diagnostics.extend(std::mem::take(&mut table.diagnostics));
    g.notes.extend(std::mem::take(&mut table.notes));
    g.plan.axes = std::mem::take(&mut table.axes);
    if table.deep_outline {
        g.notes.push(format!(
            "Référentiel numéroté (1, 1.1, 1.1.1…) : ses {} éléments sans sous-niveau sont les actions, ses lignes \
             numérotées parentes sont les niveaux.",
            g.plan.action_count()
        ));
    }
    if let Some(d) = valued_levels(sheet, &header, &table.valued_levels, g.plan.action_count(), force) {
        if d.is_error() {
            let likeness = Likeness { score: likeness.score, reason: d.message.clone() };
            return Err(g.refuse(d, Some(likeness)));
        }
        g.diagnostics.push(d);
    }
    if !siblings.is_empty() {
        add_sibling_axes(name, wb, sheet, &siblings, &mut g);
    }
    header_warnings(sheet, &header, &mut g.diagnostics);
    let known: Vec<String> = g.plan.actions().iter().filter_map(|r| r.action.number.clone()).collect();
    for s in
        visible.iter().filter(|s| s.name != sheet.name && metadata::is_indicator_sheet_name(&s.name) && !s.is_empty())
    {
        g.plan.indicators.extend(indicators::read_indicators(name, s, &known, &mut g.diagnostics));
    }
    metadata::apply_title_block(&table.title_lines, &mut g.plan.meta);
    settle_period(name, sheet, &header, &mut g.plan);
    g.plan.extra_columns = header.columns.iter().filter(|c| c.field.is_none()).map(|c| c.header.clone()).collect();
    g.plan.source = Some(source_layout(name, sheet, &header));
    if let (Some(f), Some(src)) = (forms, g.plan.source.as_mut()) {
        f.describe(src);
    }
    Ok(Reading { plan: g.plan, diagnostics: g.diagnostics, notes: g.notes, likeness: Some(likeness) })
}

/// The table to read: the sheet and header row a person named, else the best table, or
/// the forms when the workbook holds fiches rather than a table; with the sheets of the
/// same shape when the plan is split one sheet per axis. The refusal when there is none.
fn choose_table<'a>(name: &str, visible: &[&'a Sheet], correction: &Correction) -> Result<Chosen<'a>, Box<Diagnostic>> {
    let named = named_sheet(visible, correction, name).map_err(|u| u.diagnostic)?;
    let at = correction.header_row.map(|r| r.saturating_sub(1));
    let overrides = &correction.columns;
    let plan_sheets: Vec<&Sheet> = match named {
        Some(s) => vec![s],
        None => visible
            .iter()
            .filter(|s| !metadata::is_metadata_sheet_name(&s.name) && !metadata::is_indicator_sheet_name(&s.name))
            .copied()
            .collect(),
    };
    let best = best_table(&plan_sheets, overrides, at);
    // A sheet or header row named by a person is read as a table.
    let forms = if named.is_some() || at.is_some() {
        None
    } else {
        form::forms_instead(&plan_sheets, best.as_ref().map(|(s, h)| (*s, h.row)))
    };
    let (table, header) = match forms {
        Some(f) => match header::find_header(&f.table, overrides) {
            Some(h) => (Table::Forms(Box::new(f)), h),
            None => return Err(Box::new(no_table(name, visible, &plan_sheets, correction.header_row))),
        },
        None => match best {
            Some((s, h)) => (Table::Sheet(s), h),
            None => return Err(Box::new(no_table(name, visible, &plan_sheets, correction.header_row))),
        },
    };
    let siblings = match table {
        Table::Sheet(s) if header.hierarchy_cols().is_empty() && named.is_none() => {
            same_shape(visible, s, &header, overrides)
        }
        _ => Vec::new(),
    };
    Ok(Chosen { table, header, siblings })
}

/// The refusal when no table is found: at the header row a person named, or anywhere.
fn no_table(name: &str, visible: &[&Sheet], plan_sheets: &[&Sheet], header_row: Option<u32>) -> Diagnostic {
    if let Some(r) = header_row {
        let message = format!(
            "« {name} » : à la ligne d'en-tête {r} demandée, aucune colonne d'intitulé d'actions n'est reconnue \
             ({}). Indiquez-la, par exemple avec --colonne intitule=C, ou choisissez une autre ligne.",
            plan_sheets.iter().map(|s| format!("feuille « {} »", s.name)).collect::<Vec<_>>().join(", ")
        );
        return Diagnostic::new(Code::AucunPlan, message);
    }
    let looked: Vec<String> = visible.iter().map(|s| format!("« {} »", s.name)).collect();
    let message = format!(
        "« {name} » : aucun plan d'actions trouvé. plandoc cherche, dans les 40 premières lignes d'une feuille visible, \
         une ligne d'en-tête avec une colonne d'actions (Action, Intitulé, Actions priorisées…) et au moins une autre \
         colonne reconnue (Axe, Ambition, Enjeu, Objectif, N°, Pilote, Priorité, années…), ou des fiches en \
         formulaire (un libellé par ligne, « Intitulé », « Pilote »…, et sa valeur à droite). Feuilles examinées : {}.",
        if looked.is_empty() { "aucune".to_string() } else { looked.join(", ") }
    );
    Diagnostic::new(Code::AucunPlan, message)
}

/// A plan split one sheet per axis: the other sheets of the same header shape, when the
/// header names no axis column.
fn same_shape<'a>(
    visible: &[&'a Sheet],
    sheet: &Sheet,
    header: &Header,
    overrides: &super::ColumnOverrides,
) -> Vec<(&'a Sheet, Header)> {
    let shape =
        |h: &Header| -> Vec<(u32, Field)> { h.columns.iter().filter_map(|c| c.field.map(|f| (c.col, f))).collect() };
    visible
        .iter()
        .filter(|s| s.name != sheet.name && !s.is_empty())
        .filter(|s| !metadata::is_metadata_sheet_name(&s.name) && !metadata::is_indicator_sheet_name(&s.name))
        .filter_map(|s| header::find_header(s, overrides).map(|h| (*s, h)))
        .filter(|(_, h)| shape(h) == shape(header))
        .collect()
}

/// A note for each visible sheet left unread (metadata and indicator sheets are read).
fn note_ignored_sheets(
    visible: &[&Sheet],
    sheet: &Sheet,
    forms: Option<&Forms>,
    siblings: &[(&Sheet, Header)],
    notes: &mut Vec<String>,
) {
    for s in visible {
        let read = s.name == sheet.name
            || forms.is_some_and(|f| f.sheets.contains(&s.name))
            || siblings.iter().any(|(o, _)| o.name == s.name)
            || metadata::is_metadata_sheet_name(&s.name)
            || metadata::is_indicator_sheet_name(&s.name);
        if !read && !s.is_empty() {
            notes.push(format!("Feuille « {} » ignorée : le plan est lu dans « {} ».", s.name, sheet.name));
        }
    }
}

/// The axes of the other sheets of a plan split one sheet per axis, in the workbook's
/// order; an axis a sheet does not name takes the sheet's name.
fn add_sibling_axes(name: &str, wb: &Workbook, sheet: &Sheet, siblings: &[(&Sheet, Header)], g: &mut Gathered) {
    let mut parts: Vec<(&Sheet, Vec<Axis>)> = vec![(sheet, std::mem::take(&mut g.plan.axes))];
    for (s, h) in siblings {
        let t = rows::read_table(name, s, h);
        g.diagnostics.extend(t.diagnostics);
        g.notes.extend(t.notes);
        parts.push((s, t.axes));
    }
    let order = |s: &Sheet| wb.sheets.iter().position(|w| w.name == s.name).unwrap_or(usize::MAX);
    parts.sort_by_key(|(s, _)| order(s));
    for (s, axes) in parts {
        for mut axis in axes {
            if axis.implicit {
                // The sheet's name is the axis.
                axis.implicit = false;
                axis.title = s.name.clone();
                axis.origin = Some(crate::model::Origin {
                    file: name.to_string(),
                    sheet: s.name.clone(),
                    row: 1,
                    column: None,
                    ..Default::default()
                });
            }
            g.plan.axes.push(axis);
        }
    }
    let names: Vec<String> = wb
        .sheets
        .iter()
        .filter(|w| w.name == sheet.name || siblings.iter().any(|(o, _)| o.name == w.name))
        .map(|w| format!("« {} »", w.name))
        .collect();
    g.notes.push(format!("Plan lu sur {} feuilles de même en-tête, une par axe : {}.", names.len(), names.join(", ")));
}

/// What the header's reading doubted: columns of plandoc.toml not found, a title column
/// found by its values.
fn header_warnings(sheet: &Sheet, header: &Header, diagnostics: &mut Vec<Diagnostic>) {
    for w in &header.warnings {
        diagnostics.push(Diagnostic::new(Code::ColonnesConfig, w.clone()).in_sheet(&sheet.name));
    }
    if let Some(why) = &header.doubt {
        let cell = header.col_of(Field::Title).map(|c| crate::text::a1(header.row, c));
        diagnostics.push(Diagnostic::new(Code::ColonneTitreDouteuse, why.clone()).at(&sheet.name, cell));
    }
}

/// The plan's period when nothing said it: "PST 2022-2026" in the sheet's or the file's
/// name, else the header's years, else the actions' years.
fn settle_period(name: &str, sheet: &Sheet, header: &Header, plan: &mut Plan) {
    let unset = |p: &Plan| p.meta.first_year.is_none() && p.meta.last_year.is_none();
    if unset(plan) {
        let stem = Path::new(name).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        if let Some((a, b)) = period_in(&sheet.name).or_else(|| period_in(&stem)) {
            plan.meta.first_year = Some(a);
            plan.meta.last_year = Some(b);
        }
    }
    let years = header::header_years(header);
    if unset(plan) {
        let all: Vec<i32> = if years.is_empty() {
            plan.actions().iter().flat_map(|r| r.action.years.iter().copied()).collect()
        } else {
            years
        };
        plan.meta.first_year = all.iter().min().copied();
        plan.meta.last_year = all.iter().max().copied();
    }
}

/// Where the plan was read: sheet, header row, rows skipped, and each column's field.
fn source_layout(name: &str, sheet: &Sheet, header: &Header) -> SourceLayout {
    SourceLayout {
        file: name.to_string(),
        sheet: sheet.name.clone(),
        header_row: header.row + 1,
        skipped_rows: header.skipped.iter().map(|(r, why)| SkippedRow { row: r + 1, reason: why.clone() }).collect(),
        columns: header
            .columns
            .iter()
            .map(|c| ColumnInfo { field: c.field, header: c.header.clone(), column: column_letters(c.col) })
            .collect(),
    }
}
