//! The page shell (skip link, header, navigation, main, footer) and HTML escaping.

use std::fmt::Write;

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Navigation entries; the current one is marked for assistive technologies.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Home,
    Evaluation,
    Batch,
    Synthesis,
    Elsewhere,
}

pub struct Page<'a> {
    pub title: &'a str,
    pub nav: Nav,
    pub body: String,
    /// Seconds before the page reloads itself (a batch in progress).
    pub refresh: Option<u32>,
}

impl Page<'_> {
    pub fn render(&self) -> String {
        let mut nav = String::new();
        for (n, href, label) in [
            (Nav::Home, "/", "Accueil"),
            (Nav::Evaluation, "/evaluation", "Évaluation"),
            (Nav::Batch, "/lot", "Lot"),
            (Nav::Synthesis, "/synthese", "Synthèse"),
        ] {
            let current = if n == self.nav { " aria-current=\"page\"" } else { "" };
            let _ = write!(nav, "<li><a href=\"{href}\"{current}>{label}</a></li>");
        }
        let refresh =
            self.refresh.map(|s| format!("<meta http-equiv=\"refresh\" content=\"{s}\">\n")).unwrap_or_default();
        format!(
            "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n{refresh}\
             <title>{title} — plandoc</title>\n<link rel=\"stylesheet\" href=\"/static/plandoc.css\">\n\
             <script src=\"/static/plandoc.js\" defer></script>\n</head>\n<body>\n\
             <a class=\"evitement\" href=\"#contenu\">Aller au contenu</a>\n\
             <header class=\"entete\"><p class=\"marque\"><a href=\"/\">plandoc</a> \
             <span>plans d'actions territoriaux</span></p>\n\
             <nav aria-label=\"Menu principal\"><ul>{nav}</ul></nav></header>\n\
             <main id=\"contenu\" tabindex=\"-1\">\n<h1>{title}</h1>\n{body}\n</main>\n\
             <footer><p>plandoc — les fichiers envoyés ne sont pas conservés ; les documents produits sont \
             supprimés après un court délai.</p></footer>\n</body>\n</html>\n",
            title = esc(self.title),
            body = self.body,
        )
    }
}

/// "1 action", "24 actions".
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n > 1 { many } else { one })
}
