//! Text beyond Latin: Arabic and Hebrew names drawn right to left with joined letters,
//! symbols and emoji drawn by the fallback fonts, and a character no font has reported
//! by `check` at its cell. Read back with poppler and PyMuPDF.

mod common;

use common::{check_json, pdf, tmpdir};

const ARABIC: &str = "بيت الشباب";
const HEBREW: &str = "בית הספר";
const SYMBOLS: &str = "Fait ✓ ✔ refusé ✗ ⮕ vélo 🚲 😀";

fn plan(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("ecritures.xlsx");
    common::write_xlsx(
        &path,
        &[(
            "Plan",
            common::rows(&[
                &["Axe", "N°", "Action", "Pilote"],
                &["Jeunesse", "1", "Ouvrir la maison بيت الشباب au quartier", "Mairie"],
                &["Jeunesse", "2", "Accueillir l'école בית הספר", "Service jeunesse"],
                &["Jeunesse", "3", "Fait ✓ ✔ refusé ✗ ⮕ vélo 🚲 😀", "Service \u{E000} sport"],
            ]),
        )],
    );
    path
}

#[test]
fn only_a_character_no_font_draws_is_reported_at_its_cell() {
    let dir = tmpdir("scripts-check");
    let (code, r) = check_json(&plan(&dir));
    assert_eq!(code, 0, "{r}");
    let at: Vec<String> =
        common::codes_at(&r).into_iter().filter(|(c, _)| c == "caractere-non-imprimable").map(|(_, a)| a).collect();
    assert_eq!(at, ["Plan!D4"], "{r}");
    let msg = r["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "caractere-non-imprimable").unwrap()
        ["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(msg.contains("U+E000"), "{msg}");
}

#[test]
fn right_to_left_names_symbols_and_emoji_are_drawn() {
    let dir = tmpdir("scripts-build");
    let out_dir = dir.join("sortie");
    let out = common::plandoc(&["build", plan(&dir).to_str().unwrap(), "-o", out_dir.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let fiches = out_dir.join("fiches-actions.pdf");
    pdf::qpdf_check(&fiches);
    // Every fallback face is embedded (subset) in the PDF.
    let fonts: Vec<String> = pdf::fonts(&fiches).into_iter().map(|f| f.0).collect();
    for name in ["NotoSansArabic", "NotoSansHebrew", "DejaVuSans", "NotoSansSymbols2", "NotoEmoji"] {
        assert!(fonts.iter().any(|f| f.contains(name)), "{name} absent : {fonts:?}");
    }
    // poppler gives right-to-left text back in logical (reading) order, between
    // embedding marks.
    let text = pdf::text(&fiches);
    let logical: String = pdf::squash(&text)
        .chars()
        .filter(|c| !matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}'))
        .collect();
    for s in [ARABIC, HEBREW] {
        assert!(logical.contains(&pdf::squash(s)), "« {s} » absent :\n{text}");
    }
    assert!(text.contains(SYMBOLS), "« {SYMBOLS} » absent :\n{text}");
    // Only the private-use character is drawn (and read) as a replacement character.
    let squashed = pdf::squash(&text);
    assert!(squashed.contains("Service\u{FFFD}sport"), "{text}");
    assert_eq!(squashed.matches('\u{FFFD}').count(), squashed.matches("Service\u{FFFD}sport").count(), "{text}");
    if common::tagged::has_pymupdf() {
        // MuPDF gives each glyph's position: the letters of a right-to-left word run
        // leftwards, the first letter rightmost.
        let words = rtl_words(&fiches);
        for w in ARABIC.split(' ').chain(HEBREW.split(' ')) {
            let found = words.iter().find(|(t, _)| t == w).unwrap_or_else(|| panic!("{w} absent : {words:?}"));
            assert!(found.1, "{w} n'est pas tracé de droite à gauche : {words:?}");
        }
    }
}

/// Right-to-left words as MuPDF reads them, each with "its letters run leftwards".
fn rtl_words(pdf: &std::path::Path) -> Vec<(String, bool)> {
    let script = r#"
import sys, pymupdf
for page in pymupdf.open(sys.argv[1]):
    for b in page.get_text("rawdict")["blocks"]:
        for l in b.get("lines", []):
            for s in l["spans"]:
                word = []
                for c in s["chars"] + [{"c": " ", "origin": (0, 0)}]:
                    if 0x590 <= ord(c["c"]) < 0x900:
                        word.append(c)
                    elif word:
                        xs = [w["origin"][0] for w in word]
                        print("".join(w["c"] for w in word), all(a > b for a, b in zip(xs, xs[1:])))
                        word = []
"#;
    let out = std::process::Command::new("python3").args(["-c", script]).arg(pdf).output().expect("python3");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.rsplit_once(' ').map(|(w, ok)| (w.to_string(), ok == "True")))
        .collect()
}
