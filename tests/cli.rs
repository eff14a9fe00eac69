//! The command line speaks French, and says so with the right exit codes.

mod common;

use common::plandoc;

#[test]
fn version_and_help_in_french() {
    let v = plandoc(&["--version"]);
    assert_eq!(v.code, 0);
    assert_eq!(v.stdout.trim(), format!("plandoc {}", env!("CARGO_PKG_VERSION")));
    let h = plandoc(&["--help"]);
    assert_eq!(h.code, 0);
    for s in ["Utilisation :", "Commandes", "Lit un plan et liste ses problèmes", "Affiche cette aide"] {
        assert!(h.stdout.contains(s), "{s} : {}", h.stdout);
    }
    assert!(!h.stdout.contains("Usage:") && !h.stdout.contains("Print help"), "{}", h.stdout);
    let hc = plandoc(&["check", "--help"]);
    assert!(hc.stdout.contains("Écrit le résultat en JSON"), "{}", hc.stdout);
}

#[test]
fn wrong_command_lines_exit_two_in_french() {
    for (args, expected) in [
        (vec!["chek"], "commande inconnue"),
        (vec!["check"], "argument obligatoire manquant"),
        (vec!["check", "x.xlsx", "--jsn"], "argument inattendu"),
        (vec!["check", "x.xlsx", "--taille-max", "beaucoup"], "invalide"),
        (vec![], "Utilisation :"),
    ] {
        let out = plandoc(&args);
        assert_eq!(out.code, 2, "{args:?}");
        assert!(out.stderr.contains(expected), "{args:?}: {}", out.stderr);
    }
}

#[test]
fn json_is_printed_even_for_a_wrong_command_line() {
    let out = plandoc(&["check", "--json", "--inconnu"]);
    assert_eq!(out.code, 2);
    let r: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(r["diagnostics"][0]["code"], "ligne-de-commande");
    assert_eq!(r["diagnostics"][0]["severity"], "error");
}
