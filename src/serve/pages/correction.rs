//! Correcting the reading on the Contrôle page: one select per column, the sheet and the
//! header row; « Relire » reads again with them. The correction is kept with the result
//! (for the Documents form) and can be downloaded as plandoc.toml or as a copy of the
//! workbook with a « Colonnes » sheet.

use axum::extract::{Multipart, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::check::{control_page, kept_input};
use super::{html, page};
use crate::ingest::{parse_config, Correction, Target};
use crate::model::{Field, PlanMeta};
use crate::serve::api::limits;
use crate::serve::errors::RequestError;
use crate::serve::form::Form;
use crate::serve::html::{esc, Nav};
use crate::serve::jobs::Read;
use crate::serve::Shared;
use crate::text::column_letters;

const CORRECTION: &str = "correction.toml";
const READING: &str = "lecture.json";
/// The workbook copy's download name.
pub const COPY: &str = "classeur-corrige.xlsx";

fn io(e: std::io::Error) -> RequestError {
    RequestError::Internal(crate::durable::io_fr(&e))
}

/// The correction kept with a result (none yet: empty).
pub fn load_correction(dir: &std::path::Path) -> Correction {
    std::fs::read_to_string(dir.join(CORRECTION))
        .map(|t| parse_config(CORRECTION, &t).0.correction())
        .unwrap_or_default()
}

/// The plan's metadata as last read, for the Documents form.
pub fn save_reading(dir: &std::path::Path, meta: &PlanMeta) -> Result<(), RequestError> {
    let json = serde_json::to_vec(meta).map_err(|e| RequestError::Internal(e.to_string()))?;
    crate::durable::write_atomic(&dir.join(READING), &json).map_err(io)
}

/// The metadata saved by `save_reading`.
pub fn saved_reading(dir: &std::path::Path) -> Option<PlanMeta> {
    std::fs::read(dir.join(READING)).ok().and_then(|b| serde_json::from_slice(&b).ok())
}

/// What a column's select says now: a field key, `niveau_N`, `garder`.
fn current(field: Option<Field>, letter: &str, rank: usize, correction: &Correction) -> String {
    let Some(field) = field else {
        return Target::Keep.key();
    };
    if field == Field::Hierarchy {
        let named = correction
            .columns
            .iter()
            .find(|(k, v)| matches!(Target::named(k), Some(Target::Level(_))) && v.trim().eq_ignore_ascii_case(letter));
        return named.map_or_else(|| format!("niveau_{rank}"), |(k, _)| k.clone());
    }
    field.key()
}

/// The options of a column's select, `selected` chosen.
fn options(selected: &str, levels: usize) -> String {
    let mut out = String::new();
    let mut push = |value: &str, label: &str| {
        let sel = if value == selected { " selected" } else { "" };
        out.push_str(&format!("<option value=\"{}\"{sel}>{}</option>", esc(value), esc(label)));
    };
    for n in 1..=levels.max(3) as u32 {
        push(&Target::Level(n).key(), &format!("niveau {n} de la hiérarchie"));
    }
    for f in Field::ALL.iter().copied().filter(|f| *f != Field::Hierarchy) {
        push(&f.key(), &f.label());
    }
    if let Some(Field::Year(y)) = Field::from_key(selected) {
        push(selected, &Field::Year(y).label());
    }
    push(&Target::Keep.key(), "garder tel quel (colonne affichée sur la fiche)");
    push(&Target::Ignore.key(), "ignorer");
    out
}

/// The columns as the form lists them: (letter, header, what it is now).
fn rows(r: &Read, correction: &Correction) -> Vec<(String, String, String)> {
    let Some(src) = &r.reading.plan.source else { return Vec::new() };
    let mut out: Vec<(u32, String, String, String)> = Vec::new();
    let mut rank = 0;
    for c in &src.columns {
        if out.iter().any(|(_, l, _, _)| *l == c.column) {
            continue; // a span of years is one column
        }
        if c.field == Some(Field::Hierarchy) {
            rank += 1;
        }
        let col = crate::ingest::column_index(&c.column).unwrap_or(u32::MAX);
        out.push((col, c.column.clone(), c.header.clone(), current(c.field, &c.column, rank, correction)));
    }
    // Ignored columns stay in the form, to be taken back.
    let sheet = r.workbook.sheets.iter().find(|s| s.name == src.sheet);
    let header_row = src.header_row.saturating_sub(1);
    for t in correction
        .columns
        .get(&Target::Ignore.key())
        .map(|v| crate::ingest::targets_of(IGNORE_KEY, v))
        .unwrap_or_default()
    {
        let found = sheet.and_then(|s| {
            s.rows.get(&header_row).and_then(|cells| {
                cells
                    .iter()
                    .find(|(c, v)| column_letters(*c) == t || crate::text::fold(&v.text()) == crate::text::fold(&t))
            })
        });
        let (col, head) = match found {
            Some((c, v)) => (*c, v.text()),
            None => match crate::ingest::column_index(&t) {
                Some(c) => (c, format!("Colonne {t}")),
                None => continue,
            },
        };
        if !out.iter().any(|(c, _, _, _)| *c == col) {
            out.push((col, column_letters(col), head, Target::Ignore.key()));
        }
    }
    out.sort_by_key(|(c, _, _, _)| *c);
    out.into_iter().map(|(_, l, h, f)| (l, h, f)).collect()
}

const IGNORE_KEY: &str = "ignorer";

/// The form: the sheet, the header row, one select per column; then the downloads.
pub fn correction_form(id: &str, r: &Read, correction: &Correction) -> String {
    let Some(src) = &r.reading.plan.source else { return String::new() };
    let sheets: Vec<&str> = r.workbook.sheets.iter().filter(|s| s.visible).map(|s| s.name.as_str()).collect();
    let mut sheet_options = String::new();
    for s in sheets.iter().filter(|s| crate::text::fold_words(s) != "colonnes") {
        let sel = if *s == src.sheet { " selected" } else { "" };
        sheet_options.push_str(&format!("<option value=\"{}\"{sel}>{}</option>", esc(s), esc(s)));
    }
    let columns = rows(r, correction);
    let levels = columns.iter().filter(|(_, _, f)| f.starts_with("niveau_")).count() + 1;
    let mut table = String::new();
    for (letter, head, now) in &columns {
        table.push_str(&format!(
            "<tr><th scope=\"row\">{l}</th><td>{h}</td><td><select id=\"colonne-{l}\" name=\"colonne-{l}\" \
             aria-label=\"Champ de la colonne {l} « {h} »\">{o}</select>\
             <input type=\"hidden\" name=\"lu-{l}\" value=\"{n}\"></td></tr>\n",
            l = esc(letter),
            h = esc(head),
            o = options(now, levels),
            n = esc(now),
        ));
    }
    format!(
        "<h2 id=\"correction\">Colonnes lues — corriger la lecture</h2>\n<p>Plan lu dans la feuille « {sheet} », \
         en-tête en ligne {row}. Si plandoc a mal lu une colonne, choisissez ce qu'elle contient puis « Relire » : \
         le contrôle est refait aussitôt, et les documents suivront cette correction.</p>\n\
         <form class=\"correction\" action=\"/controle/{id}\" method=\"post\" enctype=\"multipart/form-data\">\n\
         <fieldset><legend>Où est le plan</legend><div><label for=\"feuille\">Feuille</label>\
         <select id=\"feuille\" name=\"feuille\">{sheet_options}</select></div>\
         <input type=\"hidden\" name=\"feuille-lue\" value=\"{sheet}\">\
         <div><label for=\"ligne_entete\">Ligne d'en-tête<span class=\"aide\" id=\"ligne_entete-aide\">Numéro de la \
         ligne qui porte les titres des colonnes.</span></label><input type=\"number\" min=\"1\" id=\"ligne_entete\" \
         name=\"ligne_entete\" value=\"{row}\" aria-describedby=\"ligne_entete-aide\"></div>\
         <input type=\"hidden\" name=\"ligne-lue\" value=\"{row}\"></fieldset>\n\
         <table id=\"colonnes\"><caption>Correspondance des colonnes</caption><thead><tr><th scope=\"col\">Colonne</th>\
         <th scope=\"col\">En-tête dans le classeur</th><th scope=\"col\">Champ de plandoc</th></tr></thead><tbody>\n\
         {table}</tbody></table>\n<button type=\"submit\" id=\"relire\">Relire</button>\n</form>\n{downloads}",
        sheet = esc(&src.sheet),
        row = src.header_row,
        downloads = downloads(id, correction),
    )
}

/// The sheet and header row alone, for a file read as no plan.
pub fn place_form(id: &str, correction: &Correction) -> String {
    let sheet = correction.sheet.clone().unwrap_or_default();
    let row = correction.header_row.map(|r| r.to_string()).unwrap_or_default();
    format!(
        "<h2 id=\"correction\">Indiquer où est le plan</h2>\n\
         <form class=\"correction\" action=\"/controle/{id}\" method=\"post\" enctype=\"multipart/form-data\">\n\
         <fieldset><legend>Où est le plan</legend>{}{}</fieldset>\n<button type=\"submit\" id=\"relire\">Relire</button>\n</form>\n",
        super::text_input("feuille", "Feuille", "Nom de la feuille qui porte le tableau des actions.", "text", &sheet),
        super::text_input("ligne_entete", "Ligne d'en-tête", "Numéro de la ligne des titres de colonnes.", "number", &row),
    )
}

fn downloads(id: &str, correction: &Correction) -> String {
    if correction.is_empty() {
        return String::new();
    }
    format!(
        "<p id=\"telechargements\">Garder cette correction : <a href=\"/controle/{id}/plandoc.toml\" download>\
         plandoc.toml</a> (à placer à côté du classeur), ou <a href=\"/controle/{id}/{COPY}\" download>une copie du \
         classeur avec une feuille « Colonnes »</a> (votre fichier n'est pas modifié).</p>\n"
    )
}

/// The correction a submitted form asks for, over the one kept.
fn asked(form: &Form, before: &Correction) -> Correction {
    let sheet = form.text("feuille");
    let row = form.text("ligne_entete").and_then(|r| r.parse::<u32>().ok()).filter(|r| *r >= 1);
    let moved = sheet != form.text("feuille-lue") || row.map(|r| r.to_string()) != form.text("ligne-lue");
    if moved {
        // Another sheet or header row: the columns named before belong to another table.
        return Correction { sheet, header_row: row, ..Default::default() };
    }
    let mut changes = Correction::default();
    for (key, value) in form.fields.iter().filter(|(k, _)| k.starts_with("colonne-")) {
        let letter = &key["colonne-".len()..];
        if form.fields.get(&format!("lu-{letter}")) == Some(value) {
            continue;
        }
        if let Some(target) = Target::named(value) {
            crate::ingest::insert_target(&mut changes.columns, target, letter);
        }
    }
    changes.over(before)
}

/// `POST /controle/{id}`: « Relire » with the correction.
pub async fn post(State(s): State<Shared>, Path(id): Path<String>, m: Multipart) -> Response {
    let st = s.clone();
    page(&s, async move {
        let dir = st.results.get(&id)?;
        let (ticket, form) = Form::admitted(&st.pool, m, st.opts.max_upload).await?;
        let plan = kept_input(&dir, "plan").ok_or(RequestError::NotFound)?;
        let correction = asked(&form, &load_correction(&dir));
        crate::durable::write_atomic(&dir.join(CORRECTION), correction.to_toml().as_bytes()).map_err(io)?;
        let limits = limits(&st);
        let models = st.opts.models.clone();
        let (status, body) =
            st.pool.run(ticket, move || control_page(&id, &dir, plan, &limits, models.as_deref(), &correction)).await?;
        Ok((status, html("Contrôle du plan", Nav::Home, body)).into_response())
    })
    .await
}

/// `GET /controle/{id}/plandoc.toml` and `/controle/{id}/classeur-corrige.xlsx`.
pub async fn download(State(s): State<Shared>, Path((id, file)): Path<(String, String)>) -> Response {
    let st = s.clone();
    page(&s, async move {
        let dir = st.results.get(&id)?;
        let correction = load_correction(&dir);
        match file.as_str() {
            "plandoc.toml" => {
                Ok(attachment("application/toml; charset=utf-8", "plandoc.toml", correction.to_toml().into_bytes()))
            }
            COPY => {
                let ticket = st.pool.admit()?;
                let plan = kept_input(&dir, "plan").ok_or(RequestError::NotFound)?;
                let limits = limits(&st);
                let bytes = st
                    .pool
                    .run(ticket, move || {
                        let wb = crate::ingest::read_bytes(plan.bytes, &limits)
                            .map_err(|e| RequestError::Invalid(format!("« {} » : {e}", plan.name)))?;
                        crate::render::corrected_copy::corrected_copy(&wb, &correction)
                            .map_err(|e| RequestError::Internal(e.to_string()))
                    })
                    .await?;
                Ok(attachment("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", COPY, bytes))
            }
            _ => Err(RequestError::NotFound),
        }
    })
    .await
}

fn attachment(kind: &str, name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        bytes,
    )
        .into_response()
}
