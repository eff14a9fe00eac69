//! Paragraphs: styled spans broken into lines at Unicode line-break opportunities
//! (UAX #14: no-break spaces hold, a line may end after a hyphen), greedily, on the
//! shaped widths the PDF will draw. A word wider than the line is hyphenated by French
//! patterns (hypher), and cut letter by letter only when a syllable is still too wide.
//! Right-to-left words (Arabic, Hebrew) are set in visual order once each line is
//! complete, from the paragraph's bidi levels.

use std::sync::Arc;

use smallvec::SmallVec;
use unicode_linebreak::{linebreaks, BreakOpportunity};

use super::bidi::{has_rtl, visual_order};
use super::canvas::{Canvas, Role, Style, Tag};
use super::fonts::{append_runs, ascent_descent, shape, Shaped, ShapedRun};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub text: String,
    pub style: Style,
}

/// A block of text.
#[derive(Debug, Clone, PartialEq)]
pub struct Paragraph {
    pub spans: Vec<Span>,
    pub align: Align,
    /// Line height as a multiple of the largest font size on the line.
    pub leading: f32,
    pub space_before: f32,
    pub space_after: f32,
    /// Left indent, and a marker hung in it ("•"): a list item.
    pub indent: f32,
    pub bullet: Option<String>,
    /// What the paragraph is: P or a heading.
    pub role: Role,
    /// Joins the node of the heading before it (a title set below its label band).
    pub joins_heading: bool,
    /// Repeats what the structure already said (an artifact).
    pub artifact: bool,
    /// Bookmark title when this paragraph should have one.
    pub bookmark: Option<String>,
    /// The lines of the last `lines` call: pagination measures a paragraph several
    /// times at one width (room left, table start, repeated bands, drawing).
    memo: LinesMemo,
}

/// Lines broken at one width, kept for the next call at that width. Spans, leading and
/// indent are set before a paragraph is measured, never after; width and leading are
/// checked all the same. Never part of a paragraph's equality.
#[derive(Debug, Clone, Default)]
struct LinesMemo(std::cell::RefCell<Option<(f32, f32, Vec<Line>)>>);

impl PartialEq for LinesMemo {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Paragraph {
    pub fn new(text: impl Into<String>, style: Style) -> Self {
        Paragraph {
            spans: vec![Span { text: text.into(), style }],
            align: Align::Left,
            leading: 1.25,
            space_before: 0.0,
            space_after: 0.0,
            indent: 0.0,
            bullet: None,
            role: Role::P,
            joins_heading: false,
            artifact: false,
            bookmark: None,
            memo: LinesMemo::default(),
        }
    }

    pub fn push(mut self, text: impl Into<String>, style: Style) -> Self {
        self.spans.push(Span { text: text.into(), style });
        self
    }

    pub fn align(mut self, a: Align) -> Self {
        self.align = a;
        self
    }

    pub fn spacing(mut self, before: f32, after: f32) -> Self {
        self.space_before = before;
        self.space_after = after;
        self
    }

    pub fn leading(mut self, l: f32) -> Self {
        self.leading = l;
        self
    }

    pub fn bullet(mut self, marker: &str, indent: f32) -> Self {
        self.bullet = Some(marker.to_string());
        self.indent = indent;
        self
    }

    pub fn role(mut self, role: Role) -> Self {
        self.role = role;
        self
    }

    /// A heading of `level` (1 = document title).
    pub fn heading(self, level: u8) -> Self {
        self.role(Role::H(level))
    }

    /// Makes this paragraph part of the heading placed just before it.
    pub fn joins_heading(mut self) -> Self {
        self.joins_heading = true;
        self
    }

    /// Makes this paragraph a pagination artifact: it repeats what was already said.
    pub fn artifact(mut self) -> Self {
        self.artifact = true;
        self
    }

    pub fn bookmark(mut self, title: impl Into<String>) -> Self {
        self.bookmark = Some(title.into());
        self
    }

    /// The whole text, spans joined.
    pub fn text(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
    }

    /// Breaks into lines for `width` points.
    pub fn lines(&self, width: f32) -> Vec<Line> {
        let width = (width - self.indent).max(1.0);
        if let Ok(memo) = self.memo.0.try_borrow() {
            if let Some((w, l, lines)) = memo.as_ref() {
                if *w == width && *l == self.leading {
                    return lines.clone();
                }
            }
        }
        let lines = break_lines(&self.spans, width, self.leading);
        if let Ok(mut memo) = self.memo.0.try_borrow_mut() {
            *memo = Some((width, self.leading, lines.clone()));
        }
        lines
    }

    /// Drops the lines kept by `lines` (a long table keeps none: they would add up to
    /// the whole document).
    pub fn forget_lines(&self) {
        if let Ok(mut memo) = self.memo.0.try_borrow_mut() {
            *memo = None;
        }
    }

    /// Height of the whole paragraph at `width`, spacing included.
    pub fn height(&self, width: f32) -> f32 {
        self.space_before + self.lines(width).iter().map(|l| l.height).sum::<f32>() + self.space_after
    }

    /// Draws already broken `lines` with their top at `y`, tagged with the canvas's
    /// current tag; the bullet, on the first line, with `label` (a list label node).
    /// Returns the height used.
    pub fn draw_lines(
        &self,
        cv: &mut Canvas<'_>,
        lines: &[Line],
        (x, y, width): (f32, f32, f32),
        first: bool,
        label: Option<Tag>,
    ) -> f32 {
        let mut cy = y;
        for (i, line) in lines.iter().enumerate() {
            let inner = width - self.indent;
            let dx = match self.align {
                Align::Left => 0.0,
                Align::Center => ((inner - line.width) / 2.0).max(0.0),
                Align::Right => (inner - line.width).max(0.0),
            };
            let base = cy + line.ascent;
            if i == 0 && first {
                if let (Some(b), Some(run)) = (&self.bullet, line.runs.first()) {
                    let body = cv.tag;
                    cv.tag = label.unwrap_or(body);
                    cv.text(x, base, b, run.style);
                    cv.tag = body;
                }
            }
            for run in line.runs.iter() {
                cv.runs(x + self.indent + dx + run.x, base, run.shaped.clone(), run.style);
            }
            cy += line.height;
        }
        cy - y
    }
}

/// A piece of a line in one style, shaped, at an offset from the line start.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub x: f32,
    pub shaped: Shaped,
    pub style: Style,
}

impl Run {
    pub fn text(&self) -> String {
        self.shaped.iter().map(|r| r.text.as_str()).collect()
    }
}

/// A broken line; its runs are shared, so that a line kept by a paragraph and handed to
/// a table or a page is not copied.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub runs: Arc<[Run]>,
    pub width: f32,
    pub height: f32,
    pub ascent: f32,
}

/// Text between two break opportunities, in one or more styles, with what follows it.
struct Unit<'a> {
    /// Almost always one piece: kept inline, no allocation per word.
    pieces: SmallVec<[(&'a str, Style); 1]>,
    /// Style of the breakable space after it, if any.
    space: Option<Style>,
    /// A line must end after it ('\n').
    mandatory: bool,
    /// Bidi embedding levels of its text and of the space after it (0: left to right).
    level: u8,
    space_level: u8,
}

fn units(spans: &[Span]) -> Vec<Unit<'_>> {
    // Style boundaries over the concatenated text.
    let mut all = String::new();
    let mut bounds: Vec<(usize, usize, Style)> = Vec::new();
    for s in spans {
        let start = all.len();
        all.push_str(&s.text);
        bounds.push((start, all.len(), s.style));
    }
    let piece = |a: usize, b: usize| -> SmallVec<[(&str, Style); 1]> {
        let mut out = SmallVec::new();
        for (si, (s0, s1, st)) in bounds.iter().enumerate() {
            let (lo, hi) = (a.max(*s0), b.min(*s1));
            if lo < hi {
                let off = *s0;
                out.push((&spans[si].text[lo - off..hi - off], *st));
            }
        }
        out
    };
    let style_at = |i: usize| bounds.iter().find(|(a, b, _)| i >= *a && i < *b).map(|(_, _, s)| *s);
    let levels: Vec<u8> = if has_rtl(&all) {
        unicode_bidi::BidiInfo::new(&all, None).levels.iter().map(|l| l.number()).collect()
    } else {
        Vec::new()
    };
    let level_at = |i: usize| levels.get(i).copied().unwrap_or(0);
    let mut out = Vec::new();
    let mut prev = 0;
    for (pos, opp) in linebreaks(&all) {
        let seg = &all[prev..pos];
        let core_len = seg.trim_end_matches([' ', '\t', '\n', '\r']).len();
        let trail = &seg[core_len..];
        let mandatory = opp == BreakOpportunity::Mandatory && pos < all.len() || trail.contains('\n');
        let space = if trail.contains([' ', '\t']) { style_at(prev + core_len) } else { None };
        let (level, space_level) = (level_at(prev), level_at(prev + core_len));
        out.push(Unit { pieces: piece(prev, prev + core_len), space, mandatory, level, space_level });
        prev = pos;
    }
    out
}

struct LineBuilder {
    /// Pieces in logical order, with their bidi level.
    pieces: Vec<(Style, Shaped, u8)>,
    x: f32,
    max_size: f32,
    pending_space: Option<(Style, u8)>,
}

fn width_of(runs: &[ShapedRun], size: f32) -> f32 {
    runs.iter().map(|r| r.width).sum::<f32>() * size
}

impl LineBuilder {
    fn new() -> Self {
        LineBuilder { pieces: Vec::new(), x: 0.0, max_size: 0.0, pending_space: None }
    }

    fn is_empty(&self) -> bool {
        self.pieces.is_empty()
    }

    fn space_width(&self) -> f32 {
        match self.pending_space {
            Some((s, _)) if !self.pieces.is_empty() => width_of(&shape(" ", s.face), s.size),
            _ => 0.0,
        }
    }

    fn add(&mut self, shaped: Shaped, style: Style, level: u8) {
        if let Some((sp, sl)) = self.pending_space.take() {
            if !self.pieces.is_empty() {
                self.append(shape(" ", sp.face), sp, sl);
            }
        }
        self.append(shaped, style, level);
    }

    fn append(&mut self, shaped: Shaped, style: Style, level: u8) {
        self.max_size = self.max_size.max(style.size);
        self.x += width_of(&shaped, style.size);
        self.pieces.push((style, shaped, level));
    }

    /// The pieces in visual order, merged by style, each at its offset from the line start.
    fn runs(pieces: Vec<(Style, Shaped, u8)>) -> Vec<Run> {
        let order = visual_order(&pieces.iter().map(|p| p.2).collect::<Vec<u8>>());
        let mut merged: Vec<Run> = Vec::new();
        let mut x = 0.0;
        let mut k = 0;
        while k < order.len() {
            // The pieces of one style that follow each other: one run, sized once.
            let style = pieces[order[k]].0;
            let end = k + order[k..].iter().take_while(|&&i| pieces[i].0 == style).count();
            let group = || order[k..end].iter().flat_map(|&i| pieces[i].1.iter());
            let (bytes, glyphs) = group().fold((0, 0), |(b, g), r| (b + r.text.len(), g + r.glyphs.len()));
            // The first piece's runs as they are, the first one with room for the whole group.
            let first = pieces[order[k]].1.iter().enumerate();
            let mut shaped: Vec<ShapedRun> =
                first.map(|(n, r)| if n == 0 { ShapedRun::with_room(r, bytes, glyphs) } else { r.clone() }).collect();
            for &i in &order[k + 1..end] {
                append_runs(&mut shaped, &pieces[i].1);
            }
            merged.push(Run { x, shaped: Arc::new(shaped), style });
            x += order[k..end].iter().map(|&i| width_of(&pieces[i].1, style.size)).sum::<f32>();
            k = end;
        }
        merged
    }

    fn finish(self, leading: f32, fallback: f32) -> Line {
        let size = if self.max_size > 0.0 { self.max_size } else { fallback };
        let (asc, desc) = ascent_descent();
        let height = (size * leading).max(size * (asc + desc));
        // Centre the glyph box in the line height.
        let ascent = (height - size * (asc + desc)) / 2.0 + size * asc;
        Line { runs: Self::runs(self.pieces).into(), width: self.x, height, ascent }
    }
}

struct Breaker {
    lines: Vec<Line>,
    cur: LineBuilder,
    width: f32,
    leading: f32,
    fallback: f32,
}

impl Breaker {
    fn end_line(&mut self) {
        let done = std::mem::replace(&mut self.cur, LineBuilder::new());
        self.lines.push(done.finish(self.leading, self.fallback));
    }

    fn unit(&mut self, u: &Unit<'_>) {
        let shaped: SmallVec<[(Shaped, Style); 1]> = u.pieces.iter().map(|(t, s)| (shape(t, s.face), *s)).collect();
        let w: f32 = shaped.iter().map(|(r, s)| width_of(r, s.size)).sum();
        if !self.cur.is_empty() && self.cur.x + self.cur.space_width() + w > self.width + 0.01 {
            self.end_line();
        }
        if self.cur.is_empty() && w > self.width + 0.01 && u.pieces.len() == 1 {
            let (text, style) = u.pieces[0];
            self.long_word(text, style, u.level);
        } else {
            for (r, s) in shaped {
                self.cur.add(r, s, u.level);
            }
        }
        if let Some(sp) = u.space {
            self.cur.pending_space = Some((sp, u.space_level));
        }
        if u.mandatory {
            self.cur.max_size = self.cur.max_size.max(u.pieces.first().map_or(0.0, |p| p.1.size));
            self.end_line();
        }
    }

    /// A word wider than the line: hyphenated at French syllables, letters as last resort.
    fn long_word(&mut self, word: &str, s: Style, level: u8) {
        // A number ("1.1.1.1.2") breaks with no hyphen: one would read as part of it.
        let mark = if word.chars().any(char::is_alphabetic) { "-" } else { "" };
        let hyphen = measure_str(mark, s);
        let mut syllables: Vec<&str> = hypher::hyphenate(word, hypher::Lang::French).collect();
        if syllables.iter().any(|p| measure_str(p, s) + hyphen > self.width) {
            // A syllable alone is too wide: letters.
            syllables = word.char_indices().map(|(i, c)| &word[i..i + c.len_utf8()]).collect();
        }
        let mut piece = String::new();
        for syl in syllables {
            let with = format!("{piece}{syl}");
            if !piece.is_empty() && measure_str(&with, s) + hyphen > self.width {
                piece.push_str(mark);
                self.cur.add(shape(&piece, s.face), s, level);
                self.end_line();
                piece = syl.to_string();
            } else {
                piece = with;
            }
        }
        if !piece.is_empty() {
            self.cur.add(shape(&piece, s.face), s, level);
        }
    }
}

fn measure_str(text: &str, s: Style) -> f32 {
    width_of(&shape(text, s.face), s.size)
}

fn break_lines(spans: &[Span], width: f32, leading: f32) -> Vec<Line> {
    let fallback = spans.first().map_or(10.0, |s| s.style.size);
    let mut b = Breaker { lines: Vec::new(), cur: LineBuilder::new(), width, leading, fallback };
    for u in units(spans) {
        b.unit(&u);
    }
    if !b.cur.is_empty() || b.lines.is_empty() {
        b.end_line();
    }
    b.lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::canvas::Rgb;
    use crate::layout::fonts::{measure, Face};

    fn st() -> Style {
        Style::new(Face::Regular, 10.0, Rgb::BLACK)
    }

    fn text_of(l: &Line) -> String {
        l.runs.iter().map(Run::text).collect()
    }

    #[test]
    fn greedy_breaks_fit_the_width() {
        let p = Paragraph::new("Mise en place d'un schéma de gouvernance permettant d'assurer le suivi", st());
        let lines = p.lines(120.0);
        assert!(lines.len() >= 3);
        for l in &lines {
            assert!(l.width <= 120.01, "{} {}", text_of(l), l.width);
        }
        let joined: Vec<String> = lines.iter().map(text_of).collect();
        assert_eq!(joined.join(" "), "Mise en place d'un schéma de gouvernance permettant d'assurer le suivi");
    }

    #[test]
    fn no_break_spaces_hold_together() {
        let p = Paragraph::new("aaaa bbbb\u{a0}: cccc", st());
        let w = measure("aaaa bbbb", Face::Regular, 10.0) + 1.0;
        let lines = p.lines(w);
        assert_eq!(text_of(&lines[0]), "aaaa");
        assert_eq!(text_of(&lines[1]), "bbbb\u{a0}:");
    }

    #[test]
    fn long_words_are_hyphenated_at_syllables() {
        let p = Paragraph::new("anticonstitutionnellement", st());
        let lines = p.lines(60.0);
        assert!(lines.len() > 1);
        let first = text_of(&lines[0]);
        assert!(first.ends_with('-'), "{first}");
        // French patterns cut between syllables: "anti-", "anticons-"… never "antic-".
        let stem = first.trim_end_matches('-');
        assert!(["an", "anti", "anticons", "anticonsti", "anticonstitu"].contains(&stem), "{first}");
        for l in &lines {
            assert!(l.width <= 60.01);
        }
        let whole: String = lines.iter().map(text_of).collect::<String>().replace('-', "");
        assert_eq!(whole, "anticonstitutionnellement");
    }

    #[test]
    fn explicit_line_breaks_and_styles() {
        let p = Paragraph::new("un\ndeux", st());
        assert_eq!(p.lines(500.0).len(), 2);
        let bold = Style::new(Face::Bold, 10.0, Rgb::BLACK);
        let p = Paragraph::new("Objectif\u{a0}: ", bold).push("agir vite", st());
        let l = p.lines(500.0);
        assert_eq!(l.len(), 1);
        assert_eq!(l[0].runs.len(), 2);
        assert_eq!(text_of(&l[0]), "Objectif\u{a0}: agir vite");
    }
}
