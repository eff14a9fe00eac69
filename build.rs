//! The embedded templates as Rust code: templates/colonnes.toml as the column data every
//! reading needs, documents.toml and vocabulaire.toml as the `toml::Table` their loaders
//! lay overrides on. A fresh process parses no embedded TOML (about 0.5 ms of its 20).

use std::fmt::Write as _;

fn strings(t: &toml::Table, key: &str) -> String {
    let items: Vec<String> = match t.get(key) {
        None => Vec::new(),
        Some(toml::Value::Array(a)) => a
            .iter()
            .map(|v| match v {
                toml::Value::String(s) => format!("{s:?}.to_string()"),
                other => panic!("colonnes.toml : « {key} » attend des textes, pas {other}"),
            })
            .collect(),
        Some(other) => panic!("colonnes.toml : « {key} » attend une liste, pas {other}"),
    };
    format!("vec![{}]", items.join(", "))
}

fn text(t: &toml::Table, key: &str) -> String {
    match t.get(key) {
        Some(toml::Value::String(s)) => format!("{s:?}.to_string()"),
        other => panic!("colonnes.toml : « {key} » attend un texte, pas {other:?}"),
    }
}

fn tables<'a>(doc: &'a toml::Table, key: &str) -> Vec<&'a toml::Table> {
    match doc.get(key) {
        None => Vec::new(),
        Some(toml::Value::Array(a)) => a
            .iter()
            .map(|v| v.as_table().unwrap_or_else(|| panic!("colonnes.toml : [[{key}]] attend des tables")))
            .collect(),
        Some(_) => panic!("colonnes.toml : « {key} » attend [[{key}]]"),
    }
}

/// Code building `v` as a `toml::Value`.
fn value(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => format!("toml::Value::String({s:?}.to_string())"),
        toml::Value::Integer(i) => format!("toml::Value::Integer({i})"),
        toml::Value::Float(f) => format!("toml::Value::Float({f:?})"),
        toml::Value::Boolean(b) => format!("toml::Value::Boolean({b})"),
        toml::Value::Array(a) => {
            format!("toml::Value::Array(vec![{}])", a.iter().map(value).collect::<Vec<_>>().join(", "))
        }
        toml::Value::Table(t) => format!("toml::Value::Table({})", table(t)),
        toml::Value::Datetime(d) => panic!("modèle embarqué : date {d} non prise en charge"),
    }
}

/// Code building `t` as a `toml::Table`.
fn table(t: &toml::Table) -> String {
    let mut out = String::from("{ let mut t = toml::Table::new();");
    for (k, v) in t {
        write!(out, " t.insert({k:?}.to_string(), {});", value(v)).unwrap();
    }
    out.push_str(" t }");
    out
}

/// templates/NAME.toml as the code of its table, in OUT_DIR/NAME.rs.
fn embed_table(name: &str) {
    let path = format!("templates/{name}.toml");
    println!("cargo::rerun-if-changed={path}");
    let src = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path} illisible : {e}"));
    let doc: toml::Table = src.parse().unwrap_or_else(|e| panic!("{path} invalide : {e}"));
    let dest = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join(format!("{name}.rs"));
    std::fs::write(dest, table(&doc)).unwrap_or_else(|e| panic!("{name}.rs non écrit : {e}"));
}

fn main() {
    embed_table("documents");
    embed_table("vocabulaire");
    embed_table("ressemblance");
    println!("cargo::rerun-if-changed=templates/colonnes.toml");
    let src = std::fs::read_to_string("templates/colonnes.toml").expect("templates/colonnes.toml lisible");
    let doc: toml::Table = src.parse().unwrap_or_else(|e| panic!("templates/colonnes.toml invalide : {e}"));
    let mut out = String::from("ColumnData {\n    columns: vec![\n");
    for c in tables(&doc, "colonne") {
        let width = match c.get("largeur") {
            Some(toml::Value::Integer(i)) => *i as f64,
            Some(toml::Value::Float(f)) => *f,
            other => panic!("colonnes.toml : « largeur » attend un nombre, pas {other:?}"),
        };
        writeln!(
            out,
            "        ColumnSpec {{ field: {}, title: {}, width: {width:?}, comment: {} }},",
            text(c, "champ"),
            text(c, "titre"),
            text(c, "commentaire")
        )
        .unwrap();
    }
    out.push_str("    ],\n    roles: ColumnRoles {\n        roles: vec![\n");
    for r in tables(&doc, "role") {
        writeln!(
            out,
            "            RoleSpec {{ field: {}, exact: {}, starts: {}, contains: {}, negatives: {} }},",
            text(r, "champ"),
            strings(r, "exact"),
            strings(r, "debut"),
            strings(r, "contient"),
            strings(r, "negatifs")
        )
        .unwrap();
    }
    let help = match doc.get("aide") {
        Some(toml::Value::Table(t)) => strings(t, "debuts"),
        None => "vec![]".into(),
        Some(_) => panic!("colonnes.toml : [aide] attend une table"),
    };
    writeln!(out, "        ],\n        help: HelpSpec {{ starts: {help} }},\n    }},\n}}").unwrap();
    let dest = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("colonnes.rs");
    std::fs::write(dest, out).expect("colonnes.rs écrit");
}
