//! Plans kept as forms: one fiche action per sheet (or several stacked in a sheet), a
//! label in one column and its value to its right (or in the row below). Each form
//! becomes one row of a table whose header is the labels, so the table reader does the
//! rest; positions are then mapped back to the forms' own cells.

use std::collections::{BTreeMap, HashMap};

use crate::model::{Axis, Field, Origin};
use crate::text::{a1, fold};
use crate::validate::Diagnostic;

use super::grid::{Sheet, Value};
use super::parse::split_leading_number;
use super::roles;

/// Name of the table made of the forms, in notes about its rows.
const TABLE_NAME: &str = "fiches en formulaire";
/// Longer cells are values, not labels.
const MAX_LABEL_CHARS: usize = 60;
/// A column holds the labels when this many rows start with a label there.
const MIN_LABEL_ROWS: usize = 3;
/// A form names at least this many distinct fields, one of them the title.
const MIN_FIELDS: usize = 3;

/// One label and its value, at their cells (0-based).
#[derive(Debug, Clone)]
struct Pair {
    label: String,
    field: Option<Field>,
    value: Option<Value>,
    /// Cell of the value, or of the label when the value is blank.
    at: (u32, u32),
}

/// One fiche: its sheet, first row and pairs in reading order.
#[derive(Debug, Clone)]
struct Record {
    sheet: String,
    row: u32,
    pairs: Vec<Pair>,
}

/// The forms of a workbook as one table, and where each of its cells came from.
#[derive(Debug)]
pub struct Forms {
    pub table: Sheet,
    /// Table cell (row, col) → form sheet and cell.
    cells: HashMap<(u32, u32), (String, u32, u32)>,
    /// Table row → form sheet and its first row.
    rows: HashMap<u32, (String, u32)>,
    /// Form sheets read, in workbook order.
    pub sheets: Vec<String>,
    /// Rows of the form sheets that were read neither as label nor as value.
    pub unread: Vec<(String, u32, String)>,
    /// Table column → a form's label cell that named it (for the mapping shown to users).
    pub label_cells: BTreeMap<u32, (String, u32, u32)>,
}

/// A "Fiche action n° 3 : titre" heading: its number and the title after it, if any.
fn heading(text: &str) -> Option<(Option<String>, Option<String>)> {
    let f = fold(text);
    if !(f.starts_with("fiche") || f.starts_with("action ")) {
        return None;
    }
    if matches!(f.as_str(), "fiche action" | "fiche-action" | "fiche") {
        return Some((None, None));
    }
    let (number, rest) = split_leading_number(text.trim());
    let title = Some(rest.trim().to_string()).filter(|t| !t.is_empty());
    Some((Some(number?), title))
}

fn label_text(v: &Value) -> Option<&str> {
    match v {
        Value::Text(t) if t.trim().chars().count() <= MAX_LABEL_CHARS && !t.trim().is_empty() => Some(t.trim()),
        _ => None,
    }
}

/// A label cell: short text naming a known field (years are table headers, not labels).
fn known_label(v: &Value) -> Option<Field> {
    let t = label_text(v)?;
    if heading(t).is_some() {
        return None;
    }
    roles::classify(t).filter(|f| !matches!(f, Field::Year(_)))
}

/// The column where most rows start with a known label, if enough do.
fn label_column(sheet: &Sheet) -> Option<u32> {
    let mut counts: BTreeMap<u32, usize> = BTreeMap::new();
    for cells in sheet.rows.values() {
        if let Some((c, v)) = cells.first() {
            if known_label(v).is_some() && cells.len() >= 2 {
                *counts.entry(*c).or_default() += 1;
            }
        }
    }
    counts
        .into_iter()
        .filter(|(_, n)| *n >= MIN_LABEL_ROWS)
        .max_by_key(|(c, n)| (*n, std::cmp::Reverse(*c)))
        .map(|(c, _)| c)
}

fn joined(values: &[&Value]) -> Option<Value> {
    match values {
        [] => None,
        [v] => Some((*v).clone()),
        _ => Some(Value::Text(values.iter().map(|v| v.text()).collect::<Vec<_>>().join(", "))),
    }
}

/// The forms of one sheet, or none when it is no form.
fn read_sheet(sheet: &Sheet) -> (Vec<Record>, Vec<(String, u32, String)>) {
    let Some(lc) = label_column(sheet) else { return (Vec::new(), Vec::new()) };
    let mut rd = FormRead {
        sheet,
        records: Vec::new(),
        unread: Vec::new(),
        current: Record { sheet: sheet.name.clone(), row: 0, pairs: Vec::new() },
        pending: None,
    };
    for (&r, cells) in &sheet.rows {
        let Some((c0, v0)) = cells.first() else { continue };
        if rd.heading_row(r, cells) {
            continue;
        }
        let starts_label = *c0 == lc && label_text(v0).is_some() && (known_label(v0).is_some() || cells.len() >= 2);
        if starts_label {
            rd.pending = None;
            rd.label_row(r, cells);
        } else {
            rd.value_row(r, cells);
        }
    }
    rd.flush(u32::MAX);
    let FormRead { records, unread, .. } = rd;
    let good = |rec: &Record| {
        let mut fields: Vec<Field> = rec.pairs.iter().filter_map(|p| p.field).collect();
        fields.sort();
        fields.dedup();
        fields.len() >= MIN_FIELDS && fields.contains(&Field::Title)
    };
    if !records.iter().any(good) {
        return (Vec::new(), Vec::new());
    }
    (records.into_iter().filter(|r| r.pairs.iter().any(|p| p.value.is_some())).collect(), unread)
}

/// The reading of one sheet of forms, row after row.
struct FormRead<'a> {
    sheet: &'a Sheet,
    records: Vec<Record>,
    /// Rows that are neither a label nor a value: sheet, row, text.
    unread: Vec<(String, u32, String)>,
    current: Record,
    /// A label left without a value on its row: its value may be on the row below.
    pending: Option<usize>,
}

impl FormRead<'_> {
    /// Ends the current record; the next one starts at `row`.
    fn flush(&mut self, row: u32) {
        let next = Record { sheet: self.sheet.name.clone(), row, pairs: Vec::new() };
        let done = std::mem::replace(&mut self.current, next);
        if !done.pairs.is_empty() {
            self.records.push(done);
        }
    }

    /// A fiche's heading ("Action 3 : …", "Fiche n°2"): a new record with its number and
    /// title. True when the row was one.
    fn heading_row(&mut self, r: u32, cells: &[(u32, Value)]) -> bool {
        let Some((c0, v0)) = cells.first() else { return false };
        let Some((number, title)) = label_text(v0).and_then(heading) else { return false };
        if cells.len() != 1 && title.is_none() {
            return false;
        }
        self.flush(r);
        let at = (r, *c0);
        if let Some(n) = number {
            let pair = Pair { label: "N°".into(), field: Some(Field::Number), value: Some(Value::Text(n)), at };
            self.current.pairs.push(pair);
        }
        if let Some(t) = title {
            let pair = Pair { label: "Intitulé".into(), field: Some(Field::Title), value: Some(Value::Text(t)), at };
            self.current.pairs.push(pair);
        }
        self.pending = None;
        true
    }

    /// A row without a label: the value of the label above, or a row left unread.
    fn value_row(&mut self, r: u32, cells: &[(u32, Value)]) {
        if let Some(p) = self.pending.take() {
            let values: Vec<&Value> = cells.iter().map(|(_, v)| v).collect();
            self.current.pairs[p].value = joined(&values);
            self.current.pairs[p].at = (r, cells.first().map_or(0, |(c, _)| *c));
        } else {
            let text: Vec<String> = cells.iter().map(|(_, v)| v.text()).collect();
            self.unread.push((self.sheet.name.clone(), r, text.join(" | ")));
        }
    }

    /// Pairs of a label row: a known label after a value starts another pair.
    fn label_row(&mut self, r: u32, cells: &[(u32, Value)]) {
        let mut i = 0;
        while i < cells.len() {
            let (lcol, lv) = &cells[i];
            let label = lv.text().trim().to_string();
            let field = known_label(lv);
            if field == Some(Field::Title)
                && self.current.pairs.iter().any(|p| p.field == Some(Field::Title) && p.value.is_some())
            {
                self.flush(r);
            }
            if self.current.pairs.is_empty() {
                self.current.row = r;
            }
            let mut j = i + 1;
            let mut values = Vec::new();
            let mut at = (r, *lcol);
            while j < cells.len() && (values.is_empty() || known_label(&cells[j].1).is_none()) {
                if values.is_empty() {
                    at = (r, cells[j].0);
                }
                values.push(&cells[j].1);
                j += 1;
            }
            let blank = values.is_empty();
            self.current.pairs.push(Pair { label, field, value: joined(&values), at });
            if blank && j >= cells.len() {
                self.pending = Some(self.current.pairs.len() - 1);
            }
            i = j;
        }
    }
}

/// Table column key of a pair: its field and rank among the record's pairs of that field,
/// so "Pilote" on one fiche and "Porteur" on another fill one column.
fn key(p: &Pair, rank: usize) -> (String, usize) {
    match p.field {
        Some(f) => (f.key(), rank),
        None => (format!("~{}", fold(&p.label)), rank),
    }
}

/// The forms of the visible sheets given, as one table; `None` when no sheet is a form.
pub fn read_forms(sheets: &[&Sheet]) -> Option<Forms> {
    let mut records = Vec::new();
    let mut names = Vec::new();
    let mut unread = Vec::new();
    for s in sheets {
        let (recs, u) = read_sheet(s);
        if !recs.is_empty() {
            names.push(s.name.clone());
            records.extend(recs);
            unread.extend(u);
        }
    }
    if records.is_empty() {
        return None;
    }
    // Columns in order of first appearance, each headed by the label first seen for it.
    let mut order: Vec<((String, usize), String)> = Vec::new();
    let mut keyed: Vec<Vec<((String, usize), &Pair)>> = Vec::new();
    for rec in &records {
        let mut ranks: HashMap<String, usize> = HashMap::new();
        let mut row = Vec::new();
        for p in &rec.pairs {
            let base = key(p, 0).0;
            let rank = ranks.entry(base).or_default();
            let k = key(p, *rank);
            *rank += 1;
            if !order.iter().any(|(o, _)| *o == k) {
                order.push((k.clone(), p.label.clone()));
            }
            row.push((k, p));
        }
        keyed.push(row);
    }
    // The table reader wants the hierarchy first, then number and title.
    let class = |k: &(String, usize)| match Field::from_key(&k.0) {
        Some(Field::Hierarchy) => 0,
        Some(Field::Number) => 1,
        Some(Field::Title) => 2,
        _ => 3,
    };
    order.sort_by_key(|(k, _)| class(k));
    let mut table = Sheet::new(TABLE_NAME, true);
    let mut cells = HashMap::new();
    let mut rows = HashMap::new();
    let mut label_cells = BTreeMap::new();
    for (c, (_, label)) in order.iter().enumerate() {
        table.push(0, c as u32, Value::Text(label.clone()));
    }
    for (i, (rec, row)) in records.iter().zip(&keyed).enumerate() {
        let r = i as u32 + 1;
        rows.insert(r, (rec.sheet.clone(), rec.row));
        for (k, p) in row {
            let Some(c) = order.iter().position(|(o, _)| o == k) else { continue };
            let c = c as u32;
            label_cells.entry(c).or_insert_with(|| (rec.sheet.clone(), p.at.0, p.at.1));
            cells.insert((r, c), (rec.sheet.clone(), p.at.0, p.at.1));
            if let Some(v) = &p.value {
                table.push(r, c, v.clone());
            }
        }
    }
    Some(Forms { table, cells, rows, sheets: names, unread, label_cells })
}

/// The forms to read instead of a table: when no sheet has a table header with rows under
/// it, or when the header found is a row of label/value pairs inside a form.
pub fn forms_instead(sheets: &[&Sheet], table: Option<(&Sheet, u32)>) -> Option<Forms> {
    match table {
        None => read_forms(sheets),
        Some((sheet, row)) if sheet.rows.range(row + 1..).next().is_none() => read_forms(sheets),
        Some((sheet, row)) if is_pair_row(sheet, row) => read_forms(sheets).filter(|f| f.sheets.contains(&sheet.name)),
        Some(_) => None,
    }
}

/// "Intitulé | Créer un LAEP | Pilote | CCAS": labels each followed by a value that is no label.
pub fn is_pair_row(sheet: &Sheet, row: u32) -> bool {
    let Some(cells) = sheet.rows.get(&row) else { return false };
    let labelled: Vec<bool> = cells.iter().map(|(_, v)| known_label(v).is_some()).collect();
    let pairs = labelled.windows(2).filter(|w| w[0] && !w[1]).count();
    // The header row first: scanning the whole sheet for a label column is the costly part.
    pairs >= 1 && pairs * 2 >= cells.len() && cells.first().map(|(c, _)| *c) == label_column(sheet)
}

impl Forms {
    /// The table reading moved back to the forms: diagnostics at their form cells, each
    /// action's origin at its fiche, with the cell of each of its fields.
    pub fn relocate(&self, reading: &mut super::rows::TableReading, header: &super::header::Header) {
        let fields: Vec<(u32, Field)> = header.columns.iter().filter_map(|c| c.field.map(|f| (c.col, f))).collect();
        self.place_origins(&mut reading.axes, &fields);
        for d in &mut reading.diagnostics {
            *d = self.place(d.clone());
        }
    }

    /// The mapping shown to users: each label with the cell of the first fiche naming it.
    pub fn describe(&self, src: &mut crate::model::SourceLayout) {
        src.sheet = self.sheets.join(", ");
        src.header_row = self.label_cells.values().map(|(_, r, _)| r + 1).min().unwrap_or(1);
        for c in &mut src.columns {
            if let Some((s, r, col)) = letters_col(&c.column).and_then(|i| self.label_cells.get(&i)) {
                c.column = format!("{s}!{}", a1(*r, *col));
            }
        }
        src.skipped_rows.clear();
    }

    /// How many fiches were read.
    pub fn count(&self) -> usize {
        self.rows.len()
    }

    fn cell_of(&self, cell: &str) -> Option<(String, String)> {
        let split = cell.find(|c: char| c.is_ascii_digit())?;
        let (letters, digits) = cell.split_at(split);
        let row: u32 = digits.parse::<u32>().ok()?.checked_sub(1)?;
        let (s, r, c) = self.cells.get(&(row, letters_col(letters)?))?;
        Some((s.clone(), a1(*r, *c)))
    }

    /// What was read, and the form lines that were not, for the notes.
    pub fn notes(&self) -> Vec<String> {
        let mut out = vec![format!(
            "Plan lu comme {} fiche(s) en formulaire (un libellé par ligne, sa valeur à droite ou dessous), feuille(s) {}.",
            self.count(),
            self.sheets.iter().map(|s| format!("« {s} »")).collect::<Vec<_>>().join(", ")
        )];
        for (s, r, text) in &self.unread {
            out.push(format!("Feuille « {s} », ligne {} : texte hors libellé, non lu : « {text} ».", r + 1));
        }
        out
    }

    /// A diagnostic on the table, moved to the form cell it quotes.
    pub fn place(&self, mut d: Diagnostic) -> Diagnostic {
        if d.sheet.as_deref() == Some(self.table.name.as_str()) {
            match d.cell.as_deref().and_then(|c| self.cell_of(c)) {
                Some((s, c)) => {
                    d.sheet = Some(s);
                    d.cell = Some(c);
                }
                None => d.cell = None,
            }
        }
        d
    }

    /// Origins of the table rows moved to the forms, each action knowing its fields' cells.
    pub fn place_origins(&self, axes: &mut [Axis], fields: &[(u32, Field)]) {
        let fix = |o: &mut Origin| {
            let Some(table_row) = o.row.checked_sub(1) else { return };
            let Some((sheet, first)) = self.rows.get(&table_row) else { return };
            for (c, f) in fields {
                match self.cells.get(&(table_row, *c)) {
                    Some((s, r, col)) if s == sheet => {
                        o.cells.insert(*f, a1(*r, *col));
                    }
                    _ => {}
                }
            }
            o.sheet = sheet.clone();
            o.row = first + 1;
            o.column = None;
        };
        for axis in axes.iter_mut() {
            if let Some(o) = axis.origin.as_mut() {
                fix(o);
            }
            for a in &mut axis.actions {
                walk_action(a, &fix);
            }
            for ob in &mut axis.objectives {
                walk_objective(ob, &fix);
            }
        }
    }
}

/// "D" → 3.
fn letters_col(letters: &str) -> Option<u32> {
    let n =
        letters.bytes().try_fold(0u32, |acc, b| b.is_ascii_uppercase().then(|| acc * 26 + u32::from(b - b'A') + 1))?;
    n.checked_sub(1)
}

fn walk_action(a: &mut crate::model::Action, fix: &dyn Fn(&mut Origin)) {
    if let Some(o) = a.origin.as_mut() {
        fix(o);
    }
    for s in &mut a.sub_actions {
        walk_action(s, fix);
    }
}

fn walk_objective(ob: &mut crate::model::Objective, fix: &dyn Fn(&mut Origin)) {
    if let Some(o) = ob.origin.as_mut() {
        fix(o);
    }
    for a in &mut ob.actions {
        walk_action(a, fix);
    }
    for c in &mut ob.children {
        walk_objective(c, fix);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(name: &str, rows: &[&[&str]]) -> Sheet {
        let mut s = Sheet::new(name, true);
        for (r, cells) in rows.iter().enumerate() {
            for (c, t) in cells.iter().enumerate() {
                s.push(r as u32, c as u32, Value::Text((*t).to_string()));
            }
        }
        s
    }

    #[test]
    fn headings_give_number_and_title() {
        assert_eq!(heading("Fiche action n°3"), Some((Some("3".into()), None)));
        assert_eq!(
            heading("FICHE ACTION N° 2.1 : Créer un LAEP"),
            Some((Some("2.1".into()), Some("Créer un LAEP".into())))
        );
        assert_eq!(heading("Action 4 – Sport santé"), Some((Some("4".into()), Some("Sport santé".into()))));
        assert_eq!(heading("Actions liées"), None);
    }

    #[test]
    fn one_form_per_sheet_becomes_one_row_each() {
        let a = form(
            "Fiche 1",
            &[
                &["Fiche action n°1"],
                &["Intitulé de l'action", "Créer un lieu d'accueil enfants-parents"],
                &["Axe", "Parentalité"],
                &["Pilote", "CCAS", "Partenaires", "CAF, PMI"],
                &["Calendrier", "2025-2026"],
            ],
        );
        let b = form(
            "Fiche 2",
            &[
                &["Fiche action n°2"],
                &["Intitulé", "Aide aux devoirs"],
                &["Axe", "Jeunesse"],
                &["Porteur", "Médiathèque"],
                &["Description"],
                &["Séances deux soirs par semaine."],
            ],
        );
        let f = read_forms(&[&a, &b]).expect("forms");
        assert_eq!(f.count(), 2);
        let header: Vec<String> = f.table.rows[&0].iter().map(|(_, v)| v.text()).collect();
        assert_eq!(header, ["Axe", "N°", "Intitulé de l'action", "Pilote", "Partenaires", "Calendrier", "Description"]);
        assert_eq!(f.table.get(2, 3).map(Value::text).as_deref(), Some("Médiathèque"));
        assert_eq!(f.table.get(2, 6).map(Value::text).as_deref(), Some("Séances deux soirs par semaine."));
        assert_eq!(f.table.get(1, 4).map(Value::text).as_deref(), Some("CAF, PMI"));
        assert_eq!(f.cell_of("D3"), Some(("Fiche 2".into(), "B4".into())));
    }

    #[test]
    fn a_table_is_no_form() {
        let t = form(
            "Plan",
            &[
                &["Axe", "Action", "Pilote", "Partenaires"],
                &["Santé", "Ateliers cuisine", "CCAS", "ARS"],
                &["Santé", "Sport sur ordonnance", "Sports", "CPAM"],
            ],
        );
        assert!(read_forms(&[&t]).is_none());
    }
}
