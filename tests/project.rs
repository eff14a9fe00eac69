//! What the project promises about itself, beyond what it does: the release binary ships
//! without debug info and stays small, and `docs/ARCHITECTURE.md` lists the places to
//! touch to add a plan field — places that exist.

mod common;

/// `[profile.release]` has no debug info (`--profile profiling` keeps it for perf work).
#[test]
fn the_release_profile_ships_no_debug_info() {
    let text = std::fs::read_to_string(common::root().join("Cargo.toml")).unwrap();
    let cargo: toml::Table = toml::from_str(&text).unwrap();
    let profile = |name: &str| cargo["profile"][name].as_table().cloned().unwrap_or_default();
    let release = profile("release");
    let no_debug = match release.get("debug") {
        None => true,
        Some(toml::Value::Boolean(b)) => !b,
        Some(toml::Value::Integer(n)) => *n == 0,
        Some(toml::Value::String(s)) => s == "none",
        Some(_) => false,
    };
    assert!(no_debug, "[profile.release] ships debug info: {release:?}");
    let profiling = profile("profiling");
    assert_eq!(profiling.get("inherits").and_then(|v| v.as_str()), Some("release"), "{profiling:?}");
    assert!(profiling.get("debug").is_some_and(|d| d.as_bool() != Some(false)), "{profiling:?}");
}

/// The release binary weighs 40 MB at most (it was 105 MB with debug info).
#[test]
fn the_release_binary_is_at_most_40_mb() {
    if cfg!(debug_assertions) {
        eprintln!("debug build: the binary's size is measured with --release");
        return;
    }
    let size = std::fs::metadata(env!("CARGO_BIN_EXE_plandoc")).unwrap().len();
    assert!(size <= 40 * 1024 * 1024, "plandoc weighs {} MB", size >> 20);
}

/// `docs/ARCHITECTURE.md` shows adding a plan field as a list of places, starting with the
/// field table and ending with the look's labels; every file it names there exists.
#[test]
fn the_architecture_lists_the_places_of_a_new_field_and_they_exist() {
    let text = std::fs::read_to_string(common::root().join("docs/ARCHITECTURE.md")).unwrap();
    let section = text.split_once("### Un champ d'action").expect("ARCHITECTURE: the section on a new field").1;
    let section = section.split("\n### ").next().unwrap();
    let steps = section.lines().filter(|l| l.split_once(". ").is_some_and(|(n, _)| n.parse::<u32>().is_ok())).count();
    assert!(steps >= 4, "a numbered list of places: {section}");
    for needed in ["src/model/field.rs", "fields!", "templates/documents.toml", "templates/colonnes.toml"] {
        assert!(section.contains(needed), "the section names {needed}: {section}");
    }
    let mut named = 0;
    for quoted in section.split('`').skip(1).step_by(2) {
        let path = quoted.split("::").next().unwrap().trim_end_matches(')');
        let path = path.split_once(" (").map_or(path, |(p, _)| p);
        if (path.starts_with("src/") || path.starts_with("templates/")) && !path.contains(' ') {
            assert!(common::root().join(path).exists(), "ARCHITECTURE names {path}, which does not exist");
            named += 1;
        }
    }
    assert!(named >= 5, "the section names the files to touch ({named} found)");
}
