//! Document data that is not code: column labels, metadata keys (templates/*.toml),
//! embedded at build time.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

/// Read at run time by the tests only: build.rs turns it into code.
#[cfg(test)]
const COLUMNS: &str = include_str!("../templates/colonnes.toml");
const CONVENTION: &str = include_str!("../templates/convention.toml");
#[cfg(test)]
const DOCUMENTS: &str = include_str!("../templates/documents.toml");

#[derive(Debug, Clone, Deserialize)]
pub struct Colours {
    #[serde(rename = "principale")]
    pub main: String,
    #[serde(rename = "texte")]
    pub text: String,
    #[serde(rename = "discret")]
    pub muted: String,
    #[serde(rename = "trait")]
    pub rule: String,
    #[serde(rename = "fond_axe")]
    pub axis_fill: f32,
    #[serde(rename = "fond_objectif")]
    pub objective_fill: f32,
    #[serde(rename = "fond_annee")]
    pub year_fill: f32,
    #[serde(rename = "fond_leger")]
    pub light_fill: f32,
    #[serde(rename = "piste")]
    pub track: String,
    #[serde(rename = "fond_suite")]
    pub continuation_fill: f32,
}

#[derive(Debug, Clone, Deserialize)]
/// The type scale (points): every text of the documents takes one of these sizes.
pub struct Sizes {
    #[serde(rename = "petit")]
    pub small: f32,
    #[serde(rename = "texte")]
    pub body: f32,
    #[serde(rename = "grand")]
    pub large: f32,
    #[serde(rename = "titre")]
    pub title: f32,
    #[serde(rename = "titre_document")]
    pub document_title: f32,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Margins {
    #[serde(rename = "haut")]
    pub top: f32,
    #[serde(rename = "bas")]
    pub bottom: f32,
    #[serde(rename = "gauche")]
    pub left: f32,
    #[serde(rename = "droite")]
    pub right: f32,
}

#[derive(Debug, Clone, Deserialize)]
pub struct FieldSpec {
    #[serde(rename = "champ")]
    pub field: String,
    #[serde(rename = "titre")]
    pub title: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct FicheSpec {
    #[serde(rename = "champs")]
    pub fields: Vec<FieldSpec>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PlanColumn {
    #[serde(rename = "champ")]
    pub field: String,
    #[serde(rename = "titre")]
    pub title: String,
    #[serde(rename = "largeur")]
    pub width: f32,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PlanSpec {
    #[serde(rename = "colonnes")]
    pub columns: Vec<PlanColumn>,
}

/// The look of the PDF documents (templates/documents.toml, possibly overridden).
#[derive(Debug, Clone, Deserialize)]
pub struct DocTemplate {
    #[serde(rename = "couleurs")]
    pub colours: Colours,
    #[serde(rename = "tailles")]
    pub sizes: Sizes,
    #[serde(rename = "marges")]
    pub margins: Margins,
    #[serde(rename = "libelles")]
    pub labels: BTreeMap<String, String>,
    #[serde(rename = "priorites")]
    pub priorities: BTreeMap<String, String>,
    pub fiche: FicheSpec,
    pub plan: PlanSpec,
    /// Status key → colour (#RRGGBB); `non_renseigne` for actions without a status.
    #[serde(default)]
    #[serde(rename = "statuts")]
    pub statuses: BTreeMap<String, String>,
    /// Patterns of chart segments, by status key.
    #[serde(default)]
    #[serde(rename = "motifs")]
    pub patterns: Patterns,
}

/// Statuses whose chart segments carry a pattern.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Patterns {
    #[serde(default)]
    #[serde(rename = "hachures")]
    pub hatches: Vec<String>,
}

impl DocTemplate {
    /// A label by key; the key itself when missing, so a partial override never fails.
    pub fn label<'a>(&'a self, key: &'a str) -> &'a str {
        self.labels.get(key).map_or(key, String::as_str)
    }

    /// The embedded template.
    pub fn embedded() -> DocTemplate {
        // Checked by `embedded_templates_parse`; the expect documents the invariant.
        toml::Value::Table(embedded_documents()).try_into().expect("templates/documents.toml embarqué valide")
    }

    /// The embedded template, with `dir/documents.toml` (when given and present) laid
    /// over it key by key.
    pub fn load(dir: Option<&Path>) -> Result<DocTemplate, String> {
        let mut base = embedded_documents();
        if let Some(d) = dir {
            let path = d.join("documents.toml");
            if !d.is_dir() {
                return Err(format!("dossier de modèles « {} » introuvable", d.display()));
            }
            if path.is_file() {
                let text =
                    std::fs::read_to_string(&path).map_err(|e| format!("« {} » illisible : {e}", path.display()))?;
                let over: toml::Table =
                    toml::from_str(&text).map_err(|e| format!("« {} » invalide : {}", path.display(), e.message()))?;
                merge(&mut base, over);
            }
        }
        toml::Value::Table(base)
            .try_into()
            .map_err(|e: toml::de::Error| format!("modèle de documents invalide : {}", e.message()))
    }
}

/// The text of a models folder's documents.toml and vocabulaire.toml (empty without a
/// folder): part of a batch's options fingerprint, so that changing them rebuilds.
pub fn models_fingerprint(dir: Option<&Path>) -> String {
    dir.map(|d| {
        ["documents.toml", "vocabulaire.toml"].iter().filter_map(|f| std::fs::read_to_string(d.join(f)).ok()).collect()
    })
    .unwrap_or_default()
}

/// templates/documents.toml as a table, built by code build.rs wrote (no parsing).
fn embedded_documents() -> toml::Table {
    include!(concat!(env!("OUT_DIR"), "/documents.rs"))
}

/// Tables merge key by key; any other value (arrays included) replaces.
pub(crate) fn merge(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ColumnSpec {
    #[serde(rename = "champ")]
    pub field: String,
    #[serde(rename = "titre")]
    pub title: String,
    #[serde(rename = "largeur")]
    pub width: f64,
    #[serde(rename = "commentaire")]
    pub comment: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct KeySpec {
    /// The key's label in the Convention sheet.
    #[serde(rename = "cle")]
    pub label: String,
    #[serde(rename = "aide")]
    pub help: String,
}

/// templates/colonnes.toml: the canonical columns and how headers are recognised.
#[derive(Debug, Clone, PartialEq, Deserialize)]
struct ColumnData {
    #[serde(rename = "colonne")]
    columns: Vec<ColumnSpec>,
    #[serde(flatten)]
    roles: ColumnRoles,
}

/// How one field is recognised from a header (`[[role]]` in templates/colonnes.toml).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct RoleSpec {
    #[serde(rename = "champ")]
    pub field: String,
    #[serde(default)]
    pub exact: Vec<String>,
    #[serde(default, rename = "debut")]
    pub starts: Vec<String>,
    #[serde(default, rename = "contient")]
    pub contains: Vec<String>,
    #[serde(default, rename = "negatifs")]
    pub negatives: Vec<String>,
}

/// Template help found in cells (`[aide]`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct HelpSpec {
    #[serde(default, rename = "debuts")]
    pub starts: Vec<String>,
}

/// The column recognition data.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ColumnRoles {
    #[serde(default, rename = "role")]
    pub roles: Vec<RoleSpec>,
    #[serde(default, rename = "aide")]
    pub help: HelpSpec,
}

/// templates/colonnes.toml, turned into code by build.rs and built once.
fn column_data() -> &'static ColumnData {
    static DATA: std::sync::OnceLock<ColumnData> = std::sync::OnceLock::new();
    DATA.get_or_init(|| include!(concat!(env!("OUT_DIR"), "/colonnes.rs")))
}

/// Column recognition data.
pub fn column_roles() -> &'static ColumnRoles {
    &column_data().roles
}

#[derive(Deserialize)]
struct Keys {
    #[serde(rename = "cle")]
    keys: Vec<KeySpec>,
}

/// Canonical columns of the input workbook, in order.
pub fn input_columns() -> Vec<ColumnSpec> {
    column_data().columns.clone()
}

/// Keys of the Convention sheet, in order.
pub fn convention_keys() -> Vec<KeySpec> {
    toml::from_str::<Keys>(CONVENTION).map(|k| k.keys).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{classify, Field};

    /// The blank workbook's Convention sheet lists every metadata key, in the registry's
    /// order, each label read back as its key.
    #[test]
    fn convention_keys_are_the_metadata_keys() {
        let read: Vec<_> = convention_keys().iter().map(|k| crate::model::MetaKey::from_label(&k.label)).collect();
        let all: Vec<_> = crate::model::MetaKey::all().map(Some).collect();
        assert_eq!(read, all);
    }

    #[test]
    fn built_tables_are_the_toml() {
        assert_eq!(embedded_documents(), toml::from_str::<toml::Table>(DOCUMENTS).unwrap());
    }

    #[test]
    fn built_column_data_is_the_toml() {
        let parsed: ColumnData = toml::from_str(COLUMNS).unwrap();
        assert_eq!(&parsed, column_data());
        assert_eq!(parsed.columns.len(), 18);
    }

    #[test]
    fn embedded_templates_parse() {
        assert_eq!(input_columns().len(), 18);
        assert_eq!(convention_keys().len(), 13);
        let roles = column_roles();
        assert!(roles.roles.len() >= 25 && !roles.help.starts.is_empty());
        for r in &roles.roles {
            assert!(crate::model::Field::from_key(&r.field).is_some(), "{}", r.field);
        }
        let t = DocTemplate::load(None).unwrap();
        assert_eq!(t.label("fiches"), "Fiches actions");
        assert!(t.fiche.fields.len() >= 10);
    }

    #[test]
    fn a_folder_overrides_some_keys_only() {
        let dir = std::env::temp_dir().join(format!("plandoc-tpl-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("documents.toml"),
            "[couleurs]\nprincipale = \"#7A1F5C\"\n[libelles]\nfiches = \"Fiches\"\n",
        )
        .unwrap();
        let t = DocTemplate::load(Some(&dir)).unwrap();
        assert_eq!(t.colours.main, "#7A1F5C");
        assert_eq!(t.colours.text, "#1A1A1A");
        assert_eq!(t.label("fiches"), "Fiches");
        assert_eq!(t.label("echeancier"), "Échéancier");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn every_canonical_header_reads_back_as_its_field() {
        for c in input_columns() {
            let f = classify(&c.title);
            let expected = match c.field.as_str() {
                "axe" | "objectif_strategique" | "objectif_operationnel" => Field::Hierarchy,
                other => {
                    let known = [
                        Field::Number,
                        Field::Title,
                        Field::Aim,
                        Field::Description,
                        Field::Priority,
                        Field::Pilot,
                        Field::Partners,
                        Field::Public,
                        Field::Territory,
                        Field::Budget,
                        Field::Funders,
                        Field::Indicators,
                        Field::Status,
                        Field::Progress,
                        Field::Comment,
                    ];
                    *known.iter().find(|k| k.key() == other).unwrap_or_else(|| panic!("champ {other}"))
                }
            };
            assert_eq!(f, Some(expected), "{}", c.title);
        }
    }
}
