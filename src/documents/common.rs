//! What every document shares: colours and styles from the template, page header and
//! footer, the prefecture's stamp zone, French dates and numbers.

use crate::layout::canvas::{Artifact, Canvas, DocInfo, Page, Role, Tag, Tree};
use crate::layout::fonts::measure;
use crate::layout::Image;
use crate::layout::{french, Face, Paragraph, Rgb, Style};
use crate::model::Plan;
use crate::templates::DocTemplate;

/// Between the territory and the plan's kind and period, in headers and title blocks.
const SEPARATOR: &str = " · ";

/// The top-right corner of page 1 left blank for the transmission stamp (points).
pub const STAMP_WIDTH: f32 = 200.0;
pub const STAMP_HEIGHT: f32 = 65.0;

/// Options shared by the documents.
#[derive(Debug, Clone)]
pub struct DocOptions {
    pub template: DocTemplate,
    /// Date written in the PDF information (YYYY-MM-DD), from --date or the deliberation;
    /// none otherwise.
    pub date: Option<String>,
    /// The collectivity's logo, drawn at the left of every page header.
    pub logo: Option<Image>,
    /// Every fiche on pages of its own, even a short one (--une-fiche-par-page).
    pub one_fiche_per_page: bool,
}

impl Default for DocOptions {
    fn default() -> Self {
        DocOptions { template: DocTemplate::embedded(), date: None, logo: None, one_fiche_per_page: false }
    }
}

/// Plan, template and the resolved colours.
#[derive(Clone)]
pub struct Ctx<'a> {
    pub plan: &'a Plan,
    pub t: &'a DocTemplate,
    pub main: Rgb,
    pub text: Rgb,
    pub muted: Rgb,
    pub rule: Rgb,
    pub date: Option<String>,
    pub logo: Option<&'a Image>,
}

impl<'a> Ctx<'a> {
    pub fn new(plan: &'a Plan, opts: &'a DocOptions) -> Self {
        let t = &opts.template;
        let c = &t.colours;
        let main = plan
            .meta
            .colour
            .as_deref()
            .and_then(Rgb::parse)
            .or_else(|| Rgb::parse(&c.main))
            .unwrap_or(Rgb(31, 78, 121))
            .darkened_for_white(4.5);
        // Determinism forbids the clock: --date, else the deliberation's, else no date
        // at all (never one made up from the plan's period).
        let date = opts.date.clone().or_else(|| plan.meta.deliberation_date.clone().filter(|d| is_iso_date(d)));
        Ctx {
            plan,
            t,
            main,
            text: Rgb::parse(&c.text).unwrap_or(Rgb(26, 26, 26)),
            muted: Rgb::parse(&c.muted).unwrap_or(Rgb(95, 107, 118)),
            rule: Rgb::parse(&c.rule).unwrap_or(Rgb(195, 203, 211)),
            date,
            logo: opts.logo.as_ref(),
        }
    }

    /// A4 with the template's margins, portrait or landscape.
    pub fn page_setup(&self, landscape: bool) -> crate::layout::PageSetup {
        let (w, h) = if landscape {
            (crate::layout::A4_HEIGHT, crate::layout::A4_WIDTH)
        } else {
            (crate::layout::A4_WIDTH, crate::layout::A4_HEIGHT)
        };
        let m = &self.t.margins;
        crate::layout::PageSetup { width: w, height: h, top: m.top, bottom: m.bottom, left: m.left, right: m.right }
    }

    /// Body text style.
    pub fn body(&self) -> Style {
        Style::new(Face::Regular, self.t.sizes.body, self.text)
    }

    /// A paragraph of input text, French typography applied.
    pub fn para(&self, text: &str, style: Style) -> Paragraph {
        Paragraph::new(french(text), style)
    }

    pub fn tint(&self, t: f32) -> Rgb {
        self.main.tint(t)
    }

    /// Fill of a running year (white text on it), kept readable whatever the main colour.
    pub fn year_fill(&self) -> Rgb {
        self.tint(self.t.colours.year_fill).darkened_for_white(4.5)
    }

    /// The territory (else the plan's title) and "PST 2022-2026", either possibly empty.
    pub fn subtitle_parts(&self) -> (String, String) {
        let m = &self.plan.meta;
        let place = m.territory.as_deref().or(m.title.as_deref()).unwrap_or("").to_string();
        let kind = match m.kind {
            crate::model::PlanKind::Other => String::new(),
            k => k.label().to_string(),
        };
        let period = match (m.first_year, m.last_year) {
            (Some(a), Some(b)) => format!("{a}-{b}"),
            _ => String::new(),
        };
        let kp = [kind, period].iter().filter(|s| !s.is_empty()).cloned().collect::<Vec<_>>().join(" ");
        (place, kp)
    }

    /// "Délibération n° 2026_01 du 29/01/2026 · Annexe n° 1", when known.
    pub fn deliberation_line(&self) -> Option<String> {
        let m = &self.plan.meta;
        let mut s = String::new();
        if let Some(n) = &m.deliberation_number {
            s.push_str(&format!("{} {n}", self.t.label("deliberation")));
            if let Some(d) = &m.deliberation_date {
                s.push_str(&format!(" {} {}", self.t.label("du"), french_date(d)));
            }
        }
        if let Some(a) = &m.annex_number {
            if !s.is_empty() {
                s.push_str(" · ");
            }
            s.push_str(&format!("{} {a}", self.t.label("annexe")));
        }
        (!s.is_empty()).then_some(s)
    }

    /// The document's images: the logo, when there is one (image 0).
    pub fn images(&self) -> Vec<Image> {
        self.logo.cloned().into_iter().collect()
    }

    pub fn info(&self, title: &str, subject: &str) -> DocInfo {
        let m = &self.plan.meta;
        let mut keywords = vec![m.kind.label().to_string()];
        if let (Some(a), Some(b)) = (m.first_year, m.last_year) {
            keywords.push(format!("{a}-{b}"));
        }
        if let Some(d) = &m.deliberation_number {
            keywords.push(format!("délibération {d}"));
        }
        DocInfo {
            title: match &m.title {
                Some(t) => format!("{title} — {t}"),
                None => title.to_string(),
            },
            author: m.territory.clone().unwrap_or_default(),
            subject: subject.to_string(),
            keywords,
            creator: format!("plandoc {}", env!("CARGO_PKG_VERSION")),
            lang: "fr-FR".into(),
            date: self.date.clone(),
        }
    }
}

fn is_iso_date(d: &str) -> bool {
    chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok()
}

/// "2026-01-29" → "29/01/2026"; other text unchanged.
pub fn french_date(d: &str) -> String {
    chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
        .map_or_else(|_| d.to_string(), |x| x.format("%d/%m/%Y").to_string())
}

/// 15000 → "15 000 €" with thin no-break spaces.
pub fn euros(v: f64) -> String {
    let neg = v < 0.0;
    let cents = (v.abs() * 100.0).round() as u64;
    let (int, frac) = (cents / 100, cents % 100);
    let digits = int.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push('\u{202f}');
        }
        grouped.push(c);
    }
    let sign = if neg { "-" } else { "" };
    if frac == 0 {
        format!("{sign}{grouped}\u{a0}€")
    } else {
        format!("{sign}{grouped},{frac:02}\u{a0}€")
    }
}

/// Years as ranges: [2022, 2023, 2024, 2026] → "2022-2024, 2026".
pub fn year_ranges(years: &[i32]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < years.len() {
        let mut j = i;
        while j + 1 < years.len() && years[j + 1] == years[j] + 1 {
            j += 1;
        }
        out.push(if j > i { format!("{}-{}", years[i], years[j]) } else { years[i].to_string() });
        i = j + 1;
    }
    out.join(", ")
}

/// What a band or a merged cell repeated after a page break says: the first line of its
/// text, then "(suite)", on one line of `width` at `style`. The text is shortened (cut
/// with "…", "(suite)" kept whole) only when it does not fit that line, or when it
/// would read as prose: a repeated line is an artifact that screen readers skip, so it
/// stays a reminder (fewer than 8 words, or fewer than 4 in lower case — a title in
/// capitals stays whole).
pub fn continued(ctx: &Ctx<'_>, text: &str, style: Style, width: f32) -> String {
    let first = french(text.lines().next().unwrap_or("").trim());
    let suite = ctx.t.label("suite");
    let words: Vec<&str> = first.split_whitespace().collect();
    let mut keep = words.len();
    while keep > 1 && reads_as_prose(&words[..keep], suite) {
        keep -= 1;
    }
    let head = if keep < words.len() {
        words[..keep].join(" ").trim_end_matches([',', ';', ':', '.', ' ', '\u{a0}']).to_string() + "…"
    } else {
        first.clone()
    };
    let whole = format!("{head} {suite}");
    // A point to spare: the paragraph that draws it measures the same glyphs.
    let width = width - 1.0;
    if measure(&whole, style.face, style.size) <= width {
        return whole;
    }
    let room = width - measure(&format!(" {suite}"), style.face, style.size);
    format!("{} {suite}", fit(&head, style.face, style.size, room.max(0.0)))
}

/// Eight words or more, four of them or more in lower case ("(suite)" counted).
fn reads_as_prose(words: &[&str], suite: &str) -> bool {
    let all: Vec<&str> = words.iter().copied().chain(suite.split_whitespace()).collect();
    let real = all.iter().filter(|w| w.chars().any(char::is_alphanumeric)).count();
    let lower = all.iter().filter(|w| w.chars().find(|c| c.is_alphanumeric()).is_some_and(char::is_lowercase)).count();
    real >= 8 && lower >= 4
}

/// Cuts `text` with "…" to fit `width` at this style.
pub fn fit(text: &str, face: Face, size: f32, width: f32) -> String {
    if measure(text, face, size) <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let ell = measure("…", face, size);
    let mut w = 0.0;
    for c in text.chars() {
        let cw = measure(c.encode_utf8(&mut [0; 4]), face, size);
        if w + cw + ell > width {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.trim_end().to_string() + "…"
}

/// `text` on at most `max` lines of `width`, broken between words (inside a word only
/// when it is longer than a line); what still overflows ends the last line with "…".
pub fn wrap(text: &str, face: Face, size: f32, width: f32, max: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        if lines.len() + 1 >= max || measure(rest, face, size) <= width {
            lines.push(fit(rest, face, size, width));
            break;
        }
        let mut cut = 0;
        for (i, c) in rest.char_indices() {
            if c == ' ' && measure(&rest[..i], face, size) <= width {
                cut = i;
            }
        }
        if cut == 0 {
            // A word longer than the line: broken where it overflows.
            let mut head = fit(rest, face, size, width);
            head.pop();
            cut = head.len().max(rest.chars().next().map_or(1, char::len_utf8));
        }
        lines.push(rest[..cut].trim_end().to_string());
        rest = rest[cut..].trim_start();
    }
    lines
}

/// The one rule for a new unit (a fiche of another axis, a report's section): it starts
/// a new page only when the current page is more than half full.
pub fn more_than_half_full(flow: &crate::layout::Flow) -> bool {
    let full = flow.setup.content_height();
    full - flow.room() > full / 2.0
}

/// The one rule that shortens a running line: `head · tail` whole when it fits; else
/// the head cut with "…" so the tail (kind and period, or page number) stays whole;
/// else the whole line cut.
pub fn shorten(head: &str, tail: &str, face: Face, size: f32, width: f32) -> String {
    let whole = [head, tail].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(SEPARATOR);
    if measure(&whole, face, size) <= width || head.is_empty() || tail.is_empty() {
        return fit(&whole, face, size, width);
    }
    let room = width - measure(&format!("{SEPARATOR}{tail}"), face, size);
    if room < measure("Abc…", face, size) {
        return fit(&whole, face, size, width);
    }
    format!("{}{SEPARATOR}{tail}", fit(head, face, size, room))
}

/// Header and footer on every page, "Page N / M"; nothing in the stamp zone. They are
/// running artifacts, except on page 1: the logo is a figure there, and the header's
/// title is the document's H1 when `title_heading` (documents without a title block).
/// The header takes the full width, except beside page 1's stamp zone.
pub fn decorate(pages: &mut [Page], tree: &mut Tree, ctx: &Ctx<'_>, doc_title: &str, title_heading: bool) {
    let decor = Decor::new(ctx.clone(), doc_title, title_heading, tree.nodes.len(), pages.len());
    for (i, page) in pages.iter_mut().enumerate() {
        decor.paint(page, i, tree);
    }
    decor.add_nodes(tree);
}

/// The running header and footer of a document's `pages` pages. Page 1's header fills
/// structure nodes (logo, title, subtitle) that follow the flow's nodes: their numbers
/// are known from the flow's size, so a page can be painted as soon as it is complete,
/// and the nodes are added once the flow is done (`add_nodes`).
pub struct Decor<'c> {
    ctx: Ctx<'c>,
    head: Head,
    pages: usize,
}

impl<'c> Decor<'c> {
    /// `first_node`: the number of nodes the flow makes.
    pub fn new(ctx: Ctx<'c>, doc_title: &str, title_heading: bool, first_node: usize, pages: usize) -> Self {
        // Without a title block, page 1's header says what the document is: its title is
        // the H1 and its subtitle (shortened there beside the stamp zone) a paragraph.
        let heading = title_heading.then_some(first_node);
        let subtitle = title_heading.then_some(first_node + 1);
        let figure = ctx.logo.map(|_| first_node + if title_heading { 2 } else { 0 });
        let (place, kind_period) = ctx.subtitle_parts();
        let head = Head {
            doc_title: doc_title.to_string(),
            title_heading,
            heading,
            subtitle,
            figure,
            place: french(&place),
            kind_period: french(&kind_period),
        };
        Decor { ctx, head, pages }
    }

    /// The nodes page 1's header fills, with their roles, before they are added.
    pub fn nodes(&self) -> Vec<(usize, Role)> {
        let h = &self.head;
        let roles = [(h.heading, Role::H(1)), (h.subtitle, Role::P), (h.figure, Role::Figure)];
        roles.into_iter().filter_map(|(id, role)| id.map(|id| (id, role))).collect()
    }

    /// Paints page `i`'s header and footer, before its content (as the tree reads them:
    /// logo, title first).
    pub fn paint(&self, page: &mut Page, i: usize, tree: &mut Tree) {
        let mut deco = Page::new(page.width, page.height);
        let mut cv = Canvas::new(&mut deco, i, tree, Tag::Artifact(Artifact::Header));
        page_header(&mut cv, &self.ctx, &self.head, i);
        page_footer(&mut cv, &self.ctx, i, self.pages);
        page.items.splice(0..0, deco.items);
    }

    /// Adds the nodes page 1's header fills: logo first, then title and subtitle.
    pub fn add_nodes(&self, tree: &mut Tree) {
        if let Some(h) = self.head.heading {
            let id = tree.add_first(Tree::ROOT, Role::H(1));
            debug_assert_eq!(id, h);
            let sub = tree.add(Tree::ROOT, Role::P);
            tree.nodes[Tree::ROOT].kids.pop();
            tree.nodes[Tree::ROOT].kids.insert(1, sub);
            debug_assert_eq!(Some(sub), self.head.subtitle);
        }
        if let Some(f) = self.head.figure {
            let id = tree.add_first(Tree::ROOT, Role::Figure);
            debug_assert_eq!(id, f);
            let who = self.ctx.plan.meta.territory.as_deref().map_or("la collectivité".to_string(), str::to_string);
            tree.nodes[id].alt = Some(format!("Logo de {who}"));
        }
    }
}

/// What the page headers say, and the structure nodes page 1's header fills.
struct Head {
    doc_title: String,
    title_heading: bool,
    heading: Option<usize>,
    subtitle: Option<usize>,
    figure: Option<usize>,
    place: String,
    kind_period: String,
}

/// The logo, the document's title and the collectivité above a rule; beside page 1's
/// stamp zone, never in it.
fn page_header(cv: &mut Canvas<'_>, ctx: &Ctx<'_>, head: &Head, i: usize) {
    let t = ctx.t;
    let (left, right) = (t.margins.left, t.margins.right);
    let (big, small) = (t.sizes.large, t.sizes.small);
    let w = cv.page.width;
    let header = Tag::Artifact(Artifact::Header);
    let node = |n: Option<usize>| match n {
        Some(id) if i == 0 => Tag::Node(id),
        _ => header,
    };
    let mut x = left;
    if let Some(logo) = ctx.logo {
        let (lh, lw) = logo_size(logo);
        cv.tag = node(head.figure);
        let y = 16.0 + (40.0 - lh) / 2.0;
        match cv.tag {
            // Page 1: the figure's content, though the figure joins the tree afterwards.
            Tag::Node(_) => cv.figure_image(x, y, lw, lh, 0),
            _ => cv.image(x, y, lw, lh, 0),
        }
        x += lw + 10.0;
    }
    let avail = if i == 0 { w - x - STAMP_WIDTH - 16.0 } else { w - right - x };
    cv.tag = node(head.heading);
    // Page 1 of a document with a title block: the block says title and subtitle in
    // full just below, so the header does not say them a second time.
    if i > 0 || head.title_heading {
        let title = fit(&french(&head.doc_title), Face::Bold, big, avail);
        cv.text(x, 34.0, &title, Style::new(Face::Bold, big, ctx.main));
        cv.tag = node(head.subtitle);
        let style = Style::new(Face::Regular, small, ctx.muted);
        if i == 0 {
            // The only place page 1 names the collectivité: never cut, wrapped.
            let whole = [head.place.as_str(), head.kind_period.as_str()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(SEPARATOR);
            for (k, line) in wrap(&whole, Face::Regular, small, avail, 2).iter().enumerate() {
                cv.text(x, 47.0 + k as f32 * small * 1.2, line, style);
            }
        } else {
            cv.text(x, 48.0, &shorten(&head.place, &head.kind_period, Face::Regular, small, avail), style);
        }
    }
    cv.tag = header;
    cv.line(left, STAMP_HEIGHT + 5.0, w - right, STAMP_HEIGHT + 5.0, ctx.main, 0.8);
}

/// The footer: the deliberation's reference (else the plan's title) and "Page N / M".
fn page_footer(cv: &mut Canvas<'_>, ctx: &Ctx<'_>, i: usize, n: usize) {
    let t = ctx.t;
    let (left, right, small) = (t.margins.left, t.margins.right, t.sizes.small);
    let (w, h) = (cv.page.width, cv.page.height);
    let fy = h - t.margins.bottom + 22.0;
    cv.line(left, fy - 12.0, w - right, fy - 12.0, ctx.rule, 0.5);
    let page_label = format!("{} {} / {n}", t.label("page"), i + 1);
    let pw = measure(&page_label, Face::Regular, small);
    cv.tag = Tag::Artifact(Artifact::PageNumber);
    cv.text(w - right - pw, fy, &page_label, Style::new(Face::Regular, small, ctx.muted));
    cv.tag = Tag::Artifact(Artifact::Footer);
    let footer = ctx.deliberation_line().unwrap_or_else(|| ctx.plan.meta.title.clone().unwrap_or_default());
    let footer = fit(&french(&footer), Face::Regular, small, w - left - right - pw - 24.0);
    cv.text(left, fy, &footer, Style::new(Face::Regular, small, ctx.muted));
}

/// Logo box: 40 pt high at most, 90 pt wide at most, proportions kept.
fn logo_size(logo: &Image) -> (f32, f32) {
    let r = logo.ratio().max(0.05);
    let h = 40.0f32.min(90.0 / r);
    (h, h * r)
}

/// Relative column widths `widths` of a table `total` points wide, with the number
/// column `num` widened so the plan's longest action number, in `style`, fits on one
/// line ("1.1.1.1.1" never breaks in two); the room is taken from column `from`, which
/// keeps at least half of its width.
pub fn fit_numbers(widths: &mut [f32], num: usize, from: usize, total: f32, plan: &Plan, style: Style) {
    let sum: f32 = widths.iter().sum();
    if sum <= 0.0 || num >= widths.len() || from >= widths.len() {
        return;
    }
    let widest = plan
        .actions()
        .iter()
        .filter_map(|r| r.action.number.as_deref())
        .map(|n| measure(n, style.face, style.size))
        .fold(0.0f32, f32::max);
    // Cell padding on both sides (tables pad cells by 5 pt), and a point to spare.
    let need = (widest + 11.0) * sum / total;
    if need > widths[num] {
        let more = (need - widths[num]).min(widths[from] / 2.0);
        widths[num] += more;
        widths[from] -= more;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_dates_ranges() {
        assert_eq!(euros(15000.0), "15\u{202f}000\u{a0}€");
        assert_eq!(euros(1234.5), "1\u{202f}234,50\u{a0}€");
        assert_eq!(euros(500.0), "500\u{a0}€");
        assert_eq!(french_date("2026-01-29"), "29/01/2026");
        assert_eq!(year_ranges(&[2022, 2023, 2024, 2026]), "2022-2024, 2026");
        assert_eq!(year_ranges(&[2023, 2024]), "2023-2024");
        assert_eq!(year_ranges(&[2025]), "2025");
    }
}
