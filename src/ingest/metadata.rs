//! Plan metadata: a key | value sheet (Convention, Paramètres, Informations), the title
//! block above the table (`plandoc.toml`, which overrides both, is read in `config`).

use crate::model::{MetaKey, PlanKind, PlanMeta};
use crate::text::{a1, clean, fold, fold_words};
use crate::validate::{Code, Diagnostic};

use super::fields::as_year;
use super::grid::{Sheet, Value};

/// Is this sheet, by its name, a metadata sheet?
pub fn is_metadata_sheet_name(name: &str) -> bool {
    let f = fold_words(name);
    ["convention", "parametre", "information", "metadonnee", "identite", "presentation", "general", "proprietes"]
        .iter()
        .any(|k| f.contains(k))
}

pub fn is_indicator_sheet_name(name: &str) -> bool {
    fold_words(name).contains("indicateur")
}

/// What a metadata sheet's label names: a metadata key, or the period in one cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SheetKey {
    Meta(MetaKey),
    /// "Période : 2022-2026", both years at once.
    Period,
}

fn key_of(label: &str) -> Option<SheetKey> {
    let f = fold_words(label);
    if ["periode", "duree", "periode de la convention", "annees"].contains(&f.as_str()) {
        return Some(SheetKey::Period);
    }
    MetaKey::from_label(label).map(SheetKey::Meta)
}

/// The key | value pairs of a metadata sheet, with problems at their cells.
pub fn read_metadata_sheet(sheet: &Sheet, meta: &mut PlanMeta, diags: &mut Vec<Diagnostic>, notes: &mut Vec<String>) {
    for (&r, cells) in &sheet.rows {
        let Some((kc, kv)) = cells.first() else {
            continue;
        };
        let Value::Text(label) = kv else { continue };
        let vc = kc + 1;
        let Some(key) = key_of(label) else {
            // Header words and the annex's own provenance lines are not metadata.
            let quiet = ["", "cle", "cles", "parametre", "parametres", "rubrique", "genere le", "genere par"];
            if !quiet.contains(&fold_words(label).as_str()) {
                notes.push(format!(
                    "Clé « {} » inconnue dans la feuille « {} » ({}) : ignorée.",
                    clean(label),
                    sheet.name,
                    a1(r, *kc)
                ));
            }
            continue;
        };
        let Some(v) = sheet.get(r, vc) else { continue };
        let place = Some(a1(r, vc));
        if let Err(msg) = apply(meta, key, v) {
            diags.push(Diagnostic::new(Code::MetadonneeInvalide, msg).at(&sheet.name, place));
        }
    }
}

fn apply(meta: &mut PlanMeta, key: SheetKey, v: &Value) -> Result<(), String> {
    match key {
        SheetKey::Meta(k) => set_meta(meta, k, v),
        SheetKey::Period => {
            let text = v.text();
            if text.is_empty() {
                return Ok(());
            }
            let (a, b) =
                period_in(&text).ok_or_else(|| format!("Période « {text} » illisible (attendu : 2022-2026)."))?;
            meta.first_year = Some(a);
            meta.last_year = Some(b);
            Ok(())
        }
    }
}

/// Sets one piece of metadata from a value, whatever gave it (a metadata sheet,
/// plandoc.toml, the web form); why it cannot be read, in French, otherwise.
pub fn set_meta(meta: &mut PlanMeta, key: MetaKey, v: &Value) -> Result<(), String> {
    let text = v.text();
    if text.is_empty() {
        return Ok(());
    }
    let year = |v: &Value| -> Result<i32, String> {
        as_year(&v.text())
            .ok_or_else(|| format!("Année « {} » illisible (attendu : 4 chiffres, par exemple 2026).", v.text()))
    };
    match key {
        MetaKey::Territory => meta.territory = Some(text),
        MetaKey::Kind => meta.kind = kind_from(&text).unwrap_or(PlanKind::Other),
        MetaKey::Title => meta.title = Some(text),
        MetaKey::FirstYear => meta.first_year = Some(year(v)?),
        MetaKey::LastYear => meta.last_year = Some(year(v)?),
        MetaKey::Signatories => {
            meta.signatories = super::parse::split_list(&text.replace(',', ";"));
        }
        MetaKey::Deliberation => meta.deliberation_number = Some(text),
        MetaKey::DeliberationDate => meta.deliberation_date = Some(date_text(v)),
        MetaKey::Annex => meta.annex_number = Some(text),
        MetaKey::Siren => {
            let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            if digits.len() != 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("SIREN « {text} » invalide : 9 chiffres attendus."));
            }
            meta.siren = Some(digits);
        }
        MetaKey::Department => meta.department = Some(department_code(&text)),
        MetaKey::Logo => meta.logo = Some(text),
        MetaKey::Colour => {
            meta.colour =
                Some(parse_colour(&text).ok_or_else(|| format!("Couleur « {text} » illisible (attendu : #1F4E79)."))?)
        }
    }
    Ok(())
}

fn date_text(v: &Value) -> String {
    match v {
        Value::Date(d) => d.chars().take(10).collect(),
        other => {
            let t = other.text();
            // "29/01/2026" → "2026-01-29".
            let parts: Vec<&str> = t.split(['/', '.', '-']).collect();
            if parts.len() == 3 && parts[0].len() <= 2 && parts[2].len() == 4 {
                if let (Ok(d), Ok(m), Ok(y)) =
                    (parts[0].parse::<u32>(), parts[1].parse::<u32>(), parts[2].parse::<i32>())
                {
                    if let Some(date) = chrono::NaiveDate::from_ymd_opt(y, m, d) {
                        return date.format("%Y-%m-%d").to_string();
                    }
                }
            }
            t
        }
    }
}

/// Department codes as @ctes writes them: digits padded to three ("89" → "089"); 2A/2B kept.
fn department_code(text: &str) -> String {
    let t = text.trim();
    if !t.is_empty() && t.len() <= 3 && t.bytes().all(|b| b.is_ascii_digit()) {
        format!("{t:0>3}")
    } else {
        t.to_uppercase()
    }
}

pub fn parse_colour(s: &str) -> Option<String> {
    let h = s.trim().trim_start_matches('#');
    (h.len() == 6 && h.bytes().all(|b| b.is_ascii_hexdigit())).then(|| format!("#{}", h.to_ascii_uppercase()))
}

/// The plan's kind named in a text: CTG, PST, PEDT, CLS, PCAET, CRTE, plan vélo.
pub fn kind_from(text: &str) -> Option<PlanKind> {
    let f = fold_words(text);
    let words: Vec<&str> = f.split(' ').collect();
    if words.contains(&"ctg") || f.contains("convention territoriale globale") {
        Some(PlanKind::Ctg)
    } else if words.contains(&"pedt") || f.contains("projet educatif") {
        Some(PlanKind::Pedt)
    } else if words.contains(&"pst")
        || f.contains("projet social de territoire")
        || f.contains("projet social du territoire")
    {
        Some(PlanKind::Pst)
    } else if words.contains(&"cls") || f.contains("contrat local de sante") {
        Some(PlanKind::Cls)
    } else if words.contains(&"pcaet") || f.contains("plan climat") {
        Some(PlanKind::Pcaet)
    } else if words.contains(&"crte") || f.contains("contrat de relance et de transition") {
        Some(PlanKind::Crte)
    } else if f.contains("plan velo") || f.contains("schema cyclable") || f.contains("schema directeur cyclable") {
        Some(PlanKind::PlanVelo)
    } else if f == "autre" {
        Some(PlanKind::Other)
    } else {
        None
    }
}

/// "2022-2026", "2022 – 2026", "2022 à 2026" → (2022, 2026).
pub fn period_in(text: &str) -> Option<(i32, i32)> {
    let f = fold(text);
    let digits: Vec<(usize, i32)> = f
        .char_indices()
        .filter_map(|(i, _)| {
            let w = f.get(i..i + 4)?;
            let before_ok = i == 0 || !f.as_bytes()[i - 1].is_ascii_digit();
            let after_ok = f.as_bytes().get(i + 4).is_none_or(|b| !b.is_ascii_digit());
            (before_ok && after_ok).then(|| as_year(w).map(|y| (i, y))).flatten()
        })
        .collect();
    for pair in digits.windows(2) {
        let (i, a) = pair[0];
        let (j, b) = pair[1];
        let between = f[i + 4..j].trim();
        if b > a && b - a <= 15 && matches!(between, "-" | "a" | "/" | "au" | "") {
            return Some((a, b));
        }
    }
    None
}

/// What the title block above the table tells: title, kind and period.
pub fn apply_title_block(lines: &[String], meta: &mut PlanMeta) {
    let useful: Vec<&String> = lines
        .iter()
        .filter(|l| {
            let f = fold(l);
            !(f.starts_with("envoye en prefecture")
                || f.starts_with("recu en prefecture")
                || f.starts_with("publie")
                || f.starts_with("id :")
                || f.starts_with("id:"))
        })
        .collect();
    if meta.title.is_none() {
        meta.title = useful.first().map(|s| s.to_string());
    }
    if meta.kind == PlanKind::Other {
        if let Some(k) = useful.iter().find_map(|l| kind_from(l)) {
            meta.kind = k;
        }
    }
    if meta.first_year.is_none() && meta.last_year.is_none() {
        if let Some((a, b)) = useful.iter().find_map(|l| period_in(l)) {
            meta.first_year = Some(a);
            meta.last_year = Some(b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_and_kinds() {
        assert_eq!(period_in("PROJET SOCIAL DE TERRITOIRE 2022-2026 PLAN D'ACTION"), Some((2022, 2026)));
        assert_eq!(period_in("de 2025 à 2029"), Some((2025, 2029)));
        assert_eq!(period_in("ID : 089-248900896-20260129"), None);
        assert_eq!(kind_from("PLAN D'ACTION DU PROJET SOCIAL DE TERRITOIRE"), Some(PlanKind::Pst));
        assert_eq!(kind_from("CTG"), Some(PlanKind::Ctg));
        assert_eq!(kind_from("PCAET 2020-2026 de Montauban"), Some(PlanKind::Pcaet));
        assert_eq!(kind_from("Plan vélo intercommunal"), Some(PlanKind::PlanVelo));
        assert_eq!(kind_from("CLS de la vallée"), Some(PlanKind::Cls));
    }
}
