//! Paragraphs: styled spans, greedy line breaking on glyph advances. No-break spaces
//! never break; over-long words are cut with a hyphen rather than overflow.

use super::canvas::{Page, Style};
use super::fonts::{ascent_descent, measure};

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
    /// Left indent, and a marker hung in it ("•").
    pub indent: f32,
    pub bullet: Option<String>,
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

    /// Breaks into lines for `width` points.
    pub fn lines(&self, width: f32) -> Vec<Line> {
        break_lines(&self.spans, (width - self.indent).max(1.0), self.leading)
    }

    /// Height of the whole paragraph at `width`, spacing included.
    pub fn height(&self, width: f32) -> f32 {
        self.space_before + self.lines(width).iter().map(|l| l.height).sum::<f32>() + self.space_after
    }

    /// Draws already broken `lines` with their top at `y`; returns the height used.
    pub fn draw_lines(&self, page: &mut Page, lines: &[Line], x: f32, y: f32, width: f32, first: bool) -> f32 {
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
                    page.text(x, base, b.clone(), run.style);
                }
            }
            for run in &line.runs {
                page.text(x + self.indent + dx + run.x, base, run.text.clone(), run.style);
            }
            cy += line.height;
        }
        cy - y
    }
}

/// A piece of a line: text at an offset from the line start.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub x: f32,
    pub text: String,
    pub style: Style,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub runs: Vec<Run>,
    pub width: f32,
    pub height: f32,
    pub ascent: f32,
}

/// A word (no breakable space inside) or a breakable space, with its style.
#[derive(Debug, Clone)]
enum Token {
    Word(String, Style),
    Space(Style),
    Break(Style),
}

fn tokens(spans: &[Span]) -> Vec<Token> {
    let mut out = Vec::new();
    for s in spans {
        let mut word = String::new();
        for c in s.text.chars() {
            match c {
                ' ' | '\t' => {
                    if !word.is_empty() {
                        out.push(Token::Word(std::mem::take(&mut word), s.style));
                    }
                    out.push(Token::Space(s.style));
                }
                '\n' => {
                    if !word.is_empty() {
                        out.push(Token::Word(std::mem::take(&mut word), s.style));
                    }
                    out.push(Token::Break(s.style));
                }
                // A soft break opportunity after a hyphen or slash inside a word.
                '-' | '/' if !word.is_empty() => {
                    word.push(c);
                    out.push(Token::Word(std::mem::take(&mut word), s.style));
                }
                _ => word.push(c),
            }
        }
        if !word.is_empty() {
            out.push(Token::Word(word, s.style));
        }
    }
    out
}

struct LineBuilder {
    runs: Vec<Run>,
    x: f32,
    max_size: f32,
    pending_space: Option<Style>,
}

impl LineBuilder {
    fn new() -> Self {
        LineBuilder { runs: Vec::new(), x: 0.0, max_size: 0.0, pending_space: None }
    }

    fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }

    fn space_width(&self) -> f32 {
        self.pending_space.map_or(0.0, |s| measure(" ", s.face, s.size))
    }

    fn add(&mut self, text: &str, style: Style, w: f32) {
        if let Some(sp) = self.pending_space.take() {
            if !self.runs.is_empty() {
                let sw = measure(" ", sp.face, sp.size);
                self.append(" ", sp, sw);
            }
        }
        self.append(text, style, w);
    }

    fn append(&mut self, text: &str, style: Style, w: f32) {
        self.max_size = self.max_size.max(style.size);
        match self.runs.last_mut() {
            Some(r) if r.style == style => r.text.push_str(text),
            _ => self.runs.push(Run { x: self.x, text: text.to_string(), style }),
        }
        self.x += w;
    }

    fn finish(self, leading: f32, fallback: f32) -> Line {
        let size = if self.max_size > 0.0 { self.max_size } else { fallback };
        let (asc, desc) = ascent_descent();
        let height = (size * leading).max(size * (asc + desc));
        // Centre the glyph box in the line height.
        let ascent = (height - size * (asc + desc)) / 2.0 + size * asc;
        Line { runs: self.runs, width: self.x, height, ascent }
    }
}

fn break_lines(spans: &[Span], width: f32, leading: f32) -> Vec<Line> {
    let fallback = spans.first().map_or(10.0, |s| s.style.size);
    let mut lines = Vec::new();
    let mut cur = LineBuilder::new();
    for t in tokens(spans) {
        match t {
            Token::Space(s) => {
                if !cur.is_empty() {
                    cur.pending_space = Some(s);
                }
            }
            Token::Break(s) => {
                cur.max_size = cur.max_size.max(s.size);
                lines.push(std::mem::replace(&mut cur, LineBuilder::new()).finish(leading, fallback));
            }
            Token::Word(w, s) => {
                let ww = measure(&w, s.face, s.size);
                if cur.is_empty() || cur.x + cur.space_width() + ww <= width + 0.01 {
                    if cur.is_empty() && ww > width {
                        place_long_word(&mut lines, &mut cur, &w, s, width, leading, fallback);
                    } else {
                        cur.add(&w, s, ww);
                    }
                } else {
                    lines.push(std::mem::replace(&mut cur, LineBuilder::new()).finish(leading, fallback));
                    if ww > width {
                        place_long_word(&mut lines, &mut cur, &w, s, width, leading, fallback);
                    } else {
                        cur.add(&w, s, ww);
                    }
                }
            }
        }
    }
    if !cur.is_empty() || lines.is_empty() {
        lines.push(cur.finish(leading, fallback));
    }
    lines
}

/// Cuts a word wider than the line into hyphenated pieces.
fn place_long_word(
    lines: &mut Vec<Line>,
    cur: &mut LineBuilder,
    word: &str,
    s: Style,
    width: f32,
    leading: f32,
    fallback: f32,
) {
    let hyphen = measure("-", s.face, s.size);
    let mut piece = String::new();
    let mut pw = 0.0;
    for c in word.chars() {
        let cw = measure(c.encode_utf8(&mut [0; 4]), s.face, s.size);
        if pw + cw + hyphen > width && !piece.is_empty() {
            piece.push('-');
            cur.add(&piece, s, pw + hyphen);
            lines.push(std::mem::replace(cur, LineBuilder::new()).finish(leading, fallback));
            piece.clear();
            pw = 0.0;
        }
        piece.push(c);
        pw += cw;
    }
    if !piece.is_empty() {
        cur.add(&piece, s, pw);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::canvas::Rgb;
    use crate::layout::fonts::Face;

    fn st() -> Style {
        Style::new(Face::Regular, 10.0, Rgb::BLACK)
    }

    fn text_of(l: &Line) -> String {
        l.runs.iter().map(|r| r.text.as_str()).collect()
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
    fn long_words_are_cut_with_a_hyphen() {
        let p = Paragraph::new("anticonstitutionnellement", st());
        let lines = p.lines(40.0);
        assert!(lines.len() > 1);
        assert!(text_of(&lines[0]).ends_with('-'));
        for l in &lines {
            assert!(l.width <= 40.01);
        }
    }

    #[test]
    fn explicit_line_breaks() {
        let p = Paragraph::new("un\ndeux", st());
        assert_eq!(p.lines(500.0).len(), 2);
    }
}
