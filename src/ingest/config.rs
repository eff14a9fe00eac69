//! `plandoc.toml`, read by hand into French messages naming the key and its line, and
//! tolerant where harmless: a year or a number given as text ("2022") is accepted.

use std::path::{Path, PathBuf};

use crate::model::{MetaForm, MetaKey, PlanMeta};
use crate::validate::{Code, Diagnostic};

use super::correction::{insert, targets_of, ColumnOverrides, Correction, Target};
use super::grid::Value;
use super::metadata::set_meta;

/// `plandoc.toml`: the `[plan]` table overrides what the workbook says.
#[derive(Debug, Default)]
pub struct ConfigFile {
    pub plan: PlanOverrides,
    /// Options of the documents (read by later stages).
    pub documents: Option<toml::Table>,
    /// Column overrides: field key → column letter or header text
    /// (`intitule = "D"`, `pilote = "Personne pilote"`); keys checked by `header`.
    pub columns: std::collections::BTreeMap<String, String>,
    /// `[lecture]`: the sheet and header row holding the plan.
    pub place: ReadingPlace,
    /// `[sortie] tableur = "xlsx,ods"`: the workbooks' formats.
    pub sheet_formats: Option<crate::sheet_formats::SheetFormats>,
}

/// `[lecture]` of plandoc.toml.
#[derive(Debug, Default)]
pub struct ReadingPlace {
    /// `feuille`
    pub sheet: Option<String>,
    /// `ligne_entete`, from 1.
    pub header_row: Option<u32>,
}

impl ConfigFile {
    /// `[lecture]` and `[colonnes]` as a correction of the reading, keys normalised.
    pub fn correction(&self) -> Correction {
        let mut columns = ColumnOverrides::new();
        for (k, v) in &self.columns {
            match Target::named(k) {
                Some(t) => targets_of(k, v).iter().for_each(|c| insert(&mut columns, t, c)),
                None => {
                    columns.insert(k.clone(), v.clone());
                }
            }
        }
        Correction { columns, sheet: self.place.sheet.clone(), header_row: self.place.header_row }
    }
}

/// `[plan]` of plandoc.toml (or the web form's fields): metadata over what the workbook
/// says, key by key.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct PlanOverrides {
    values: Vec<(MetaKey, Given)>,
}

/// A value given for a metadata key.
#[derive(Debug, Clone, PartialEq)]
enum Given {
    Text(String),
    Year(i32),
    List(Vec<String>),
}

impl PlanOverrides {
    /// Sets a key from a text (the web form), read like a cell of the Convention sheet.
    pub fn set_text(&mut self, key: MetaKey, text: String) {
        self.put(key, Given::Text(text));
    }

    fn put(&mut self, key: MetaKey, value: Given) {
        self.values.retain(|(k, _)| *k != key);
        self.values.push((key, value));
    }

    /// The text given for a key, if any.
    pub fn text(&self, key: MetaKey) -> Option<&str> {
        self.values.iter().find_map(|(k, v)| match v {
            Given::Text(t) if *k == key => Some(t.as_str()),
            _ => None,
        })
    }
}

/// The tables a configuration may hold; a new table is added here and in `ConfigFile`.
const TABLES: [&str; 5] = ["plan", "documents", "colonnes", "lecture", "sortie"];

/// The configuration used for a workbook: the one given, else `plandoc.toml` beside it.
pub fn config_for(workbook: &Path, given: Option<&Path>) -> Option<PathBuf> {
    given.map(Path::to_path_buf).or_else(|| {
        let beside = workbook.parent().unwrap_or(Path::new(".")).join("plandoc.toml");
        beside.is_file().then_some(beside)
    })
}

/// Reads a configuration; the first problem found, if any.
pub fn read_config(path: &Path) -> Result<ConfigFile, Diagnostic> {
    let (config, mut problems) = load_config(path);
    if problems.is_empty() {
        Ok(config)
    } else {
        Err(problems.remove(0))
    }
}

/// Reads a configuration: what could be understood, and every problem found.
pub fn load_config(path: &Path) -> (ConfigFile, Vec<Diagnostic>) {
    let name = path.display().to_string();
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            let why = if path.is_dir() { "c'est un dossier".to_string() } else { crate::durable::io_fr(&e) };
            let d = Diagnostic::new(Code::ConfigIllisible, format!("Configuration « {name} » illisible : {why}."));
            return (ConfigFile::default(), vec![d]);
        }
    };
    let Ok(text) = String::from_utf8(bytes) else {
        let d = Diagnostic::new(
            Code::ConfigIllisible,
            format!("Configuration « {name} » illisible : ce n'est pas un texte UTF-8 (enregistrez-la en UTF-8)."),
        );
        return (ConfigFile::default(), vec![d]);
    };
    parse_config(&name, &text)
}

/// Parses the text of a configuration named `name` (for messages).
pub fn parse_config(name: &str, text: &str) -> (ConfigFile, Vec<Diagnostic>) {
    let mut config = ConfigFile::default();
    let mut problems = Vec::new();
    let err = |line: Option<usize>, msg: String| {
        let at = line.map(|l| format!(", ligne {l}")).unwrap_or_default();
        Diagnostic::new(Code::ConfigInvalide, format!("Configuration « {name} »{at} : {msg}."))
    };
    let table: toml::Table = match text.parse() {
        Ok(t) => t,
        Err(e) => {
            let line = e.span().map(|s| line_at(text, s.start));
            let msg = syntax_fr(e.message());
            return (config, vec![err(line, msg)]);
        }
    };
    for (key, value) in &table {
        let line = line_of(text, None, key);
        match (key.as_str(), value) {
            ("plan", toml::Value::Table(t)) => {
                read_plan_table(t, text, &mut config.plan, &mut |l, m| problems.push(err(l, m)));
            }
            ("documents", toml::Value::Table(t)) => config.documents = Some(t.clone()),
            ("colonnes", toml::Value::Table(t)) => {
                for (k, v) in t {
                    let list = Target::named(k).is_some_and(Target::is_list);
                    match as_text(v).or_else(|| list.then(|| as_list(v).map(|l| l.join("; "))).flatten()) {
                        Some(text) => {
                            config.columns.insert(k.clone(), text);
                        }
                        None => problems.push(err(
                            line_of(text, Some("colonnes"), k),
                            format!(
                                "« {k} » attend une lettre de colonne ou un titre entre guillemets, pas {}",
                                shown(v)
                            ),
                        )),
                    }
                }
            }
            ("lecture", toml::Value::Table(t)) => {
                read_place_table(t, text, &mut config.place, &mut |l, m| problems.push(err(l, m)));
            }
            ("sortie", toml::Value::Table(t)) => {
                read_output_table(t, text, &mut config, &mut |l, m| problems.push(err(l, m)));
            }
            (k, _) if TABLES.contains(&k) => {
                problems.push(err(line, format!("« {k} » doit être une table, écrite [{k}] sur sa propre ligne")))
            }
            (k, _) if MetaKey::from_toml_key(k).is_some() => {
                problems.push(err(line, format!("la clé « {k} » doit être placée sous la ligne [plan]")))
            }
            (k, _) => problems.push(err(line, format!("table inconnue « {k} »{}", suggestion(k, &TABLES)))),
        }
    }
    (config, problems)
}

fn read_place_table(t: &toml::Table, text: &str, o: &mut ReadingPlace, problem: &mut dyn FnMut(Option<usize>, String)) {
    for (key, value) in t {
        let line = line_of(text, Some("lecture"), key);
        match key.as_str() {
            "feuille" => match as_text(value) {
                Some(s) if !s.is_empty() => o.sheet = Some(s),
                _ => problem(
                    line,
                    format!("« feuille » attend le nom d'une feuille entre guillemets, pas {}", shown(value)),
                ),
            },
            "ligne_entete" => match as_row_number(value) {
                Some(n) => o.header_row = Some(n),
                None => problem(
                    line,
                    format!("« ligne_entete » attend un numéro de ligne, par exemple 3, pas {}", shown(value)),
                ),
            },
            k => problem(
                line,
                format!("clé inconnue « {k} » dans [lecture]{}", suggestion(k, &["feuille", "ligne_entete"])),
            ),
        }
    }
}

/// `[sortie]`: `tableur = "xlsx"`, `"ods"` or `"xlsx,ods"` (or a list).
fn read_output_table(t: &toml::Table, text: &str, c: &mut ConfigFile, problem: &mut dyn FnMut(Option<usize>, String)) {
    for (key, value) in t {
        let line = line_of(text, Some("sortie"), key);
        match key.as_str() {
            "tableur" => {
                let given = as_text(value).or_else(|| as_list(value).map(|l| l.join(",")));
                match given.as_deref().map(crate::sheet_formats::SheetFormats::parse) {
                    Some(Ok(f)) => c.sheet_formats = Some(f),
                    Some(Err(why)) => problem(line, format!("« tableur » : {why}")),
                    None => problem(
                        line,
                        format!("« tableur » attend \"xlsx\", \"ods\" ou \"xlsx,ods\", pas {}", shown(value)),
                    ),
                }
            }
            k => problem(line, format!("clé inconnue « {k} » dans [sortie]{}", suggestion(k, &["tableur"]))),
        }
    }
}

/// A row number from 1, as a number or a text.
fn as_row_number(v: &toml::Value) -> Option<u32> {
    let n = match v {
        toml::Value::Integer(i) => u32::try_from(*i).ok()?,
        toml::Value::String(s) => s.trim().parse().ok()?,
        _ => return None,
    };
    (n >= 1).then_some(n)
}

fn read_plan_table(t: &toml::Table, text: &str, o: &mut PlanOverrides, problem: &mut dyn FnMut(Option<usize>, String)) {
    let known: Vec<&str> = MetaKey::all().map(MetaKey::toml_key).collect();
    for (key, value) in t {
        let line = line_of(text, Some("plan"), key);
        let Some(meta_key) = MetaKey::from_toml_key(key) else {
            problem(line, format!("clé inconnue « {key} » dans [plan]{}", suggestion(key, &known)));
            continue;
        };
        let form = meta_key.form();
        let got = match form {
            MetaForm::Text => as_text(value).map(Given::Text),
            MetaForm::Year => as_year(value).map(Given::Year),
            MetaForm::List => as_list(value).map(Given::List),
        };
        let Some(got) = got else {
            let want = match form {
                MetaForm::Text => "un texte entre guillemets",
                MetaForm::Year => "une année, par exemple 2026",
                MetaForm::List => "une liste, par exemple [\"Commune\", \"CAF\"]",
            };
            problem(line, format!("« {key} » attend {want}, pas {}", shown(value)));
            continue;
        };
        o.put(meta_key, got);
    }
}

/// Text, or a number or date written without quotes (a SIREN, a department, a day).
fn as_text(v: &toml::Value) -> Option<String> {
    match v {
        toml::Value::String(s) => Some(s.trim().to_string()),
        toml::Value::Integer(i) => Some(i.to_string()),
        toml::Value::Datetime(d) => Some(d.to_string()),
        _ => None,
    }
}

/// 2022, "2022", 2022.0.
fn as_year(v: &toml::Value) -> Option<i32> {
    let y = match v {
        toml::Value::Integer(i) => i32::try_from(*i).ok()?,
        toml::Value::String(s) => s.trim().parse().ok()?,
        toml::Value::Float(f) if f.fract() == 0.0 => *f as i32,
        _ => return None,
    };
    crate::model::PLAUSIBLE_YEARS.contains(&y).then_some(y)
}

/// A list of texts, or one text separated by ";" or ",".
fn as_list(v: &toml::Value) -> Option<Vec<String>> {
    match v {
        toml::Value::Array(a) => a.iter().map(as_text).collect(),
        toml::Value::String(s) => Some(super::parse::split_list(&s.replace(',', ";"))),
        _ => None,
    }
}

fn shown(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => format!("« {s} »"),
        toml::Value::Integer(i) => format!("le nombre {i}"),
        toml::Value::Float(f) => format!("le nombre {f}"),
        toml::Value::Boolean(b) => format!("la valeur {b}"),
        toml::Value::Datetime(d) => format!("la date {d}"),
        toml::Value::Array(_) => "une liste".into(),
        toml::Value::Table(_) => "une table".into(),
    }
}

/// " (voulez-vous dire « logo » ?)" when a known name is close.
fn suggestion(key: &str, known: &[&str]) -> String {
    let best = known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(&key.to_lowercase(), k), *k))
        .min()
        .filter(|(d, k)| *d <= 2.max(k.len() / 4));
    match best {
        Some((_, k)) => format!(" (voulez-vous dire « {k} » ?)"),
        None => format!(" (clés possibles : {})", known.join(", ")),
    }
}

/// 1-based line of a byte offset.
fn line_at(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|b| **b == b'\n').count() + 1
}

/// The line where `key` is set in `table` (None: top level).
fn line_of(text: &str, table: Option<&str>, key: &str) -> Option<usize> {
    let mut section: Option<String> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.starts_with('[') {
            section = Some(line.trim_matches(|c| c == '[' || c == ']').trim().to_string());
            if table.is_none() && line.trim_matches(|c| c == '[' || c == ']').trim() == key {
                return Some(i + 1);
            }
            continue;
        }
        if section.as_deref() != table {
            continue;
        }
        let name = line.split('=').next().unwrap_or("").trim().trim_matches(|c| c == '"' || c == '\'');
        if line.contains('=') && name == key {
            return Some(i + 1);
        }
    }
    None
}

/// A TOML syntax error in French (the parser's own words are English).
fn syntax_fr(msg: &str) -> String {
    let m = msg.to_ascii_lowercase();
    let what = if m.contains("duplicate") {
        "clé ou table définie deux fois"
    } else if m.contains("string") || m.contains("quote") {
        "texte mal fermé : vérifiez les guillemets"
    } else if m.contains("key") && m.contains("value") || m.contains("=") {
        "ligne incomplète : attendu clé = valeur"
    } else {
        "syntaxe invalide"
    };
    format!("{what} (attendu : [plan] puis des lignes clé = \"valeur\")")
}

/// Applies `[plan]` (or the web form) to the plan's metadata, each value read as a cell of
/// the Convention sheet would be; problems as diagnostics.
pub fn apply_overrides(o: &PlanOverrides, meta: &mut PlanMeta) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for (key, value) in &o.values {
        let done = match value {
            Given::Text(t) => set_meta(meta, *key, &Value::Text(t.clone())),
            Given::Year(y) => set_meta(meta, *key, &Value::Number(f64::from(*y))),
            Given::List(l) => {
                meta.signatories = l.clone();
                Ok(())
            }
        };
        if let Err(why) = done {
            diags.push(Diagnostic::new(
                Code::ConfigInvalide,
                format!("« {} » de la configuration : {why}", key.toml_key()),
            ));
        }
    }
    diags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msgs(text: &str) -> Vec<String> {
        parse_config("plandoc.toml", text).1.into_iter().map(|d| d.message).collect()
    }

    #[test]
    fn french_messages_with_key_and_line() {
        let m = msgs("[plan]\ntitre = \"CTG\"\nlogoo = \"logo.png\"\n");
        assert_eq!(m, ["Configuration « plandoc.toml », ligne 3 : clé inconnue « logoo » dans [plan] (voulez-vous dire « logo » ?)."]);
        let m = msgs("[plan]\n\npremiere_annee = \"deux mille\"\n");
        assert!(m[0].contains("ligne 3") && m[0].contains("une année"), "{m:?}");
        let m = msgs("[plan]\ntitre = \"CTG\n");
        assert!(m[0].contains("ligne 2") && m[0].contains("guillemets"), "{m:?}");
        let m = msgs("logo = \"x.png\"\n");
        assert!(m[0].contains("sous la ligne [plan]"), "{m:?}");
    }

    #[test]
    fn numbers_and_years_as_text_are_accepted() {
        let (c, p) = parse_config(
            "p",
            "[plan]\npremiere_annee = \"2022\"\nderniere_annee = 2026\nsiren = 248900896\ndepartement = 89\nsignataires = \"Commune; CAF\"\n",
        );
        assert!(p.is_empty(), "{p:?}");
        let mut meta = PlanMeta::default();
        assert!(apply_overrides(&c.plan, &mut meta).is_empty());
        assert_eq!((meta.first_year, meta.last_year), (Some(2022), Some(2026)));
        assert_eq!(meta.siren.as_deref(), Some("248900896"));
        // Read like the Convention sheet: the department as @ctes writes it.
        assert_eq!(meta.department.as_deref(), Some("089"));
        assert_eq!(meta.signatories, ["Commune", "CAF"]);
    }
}
