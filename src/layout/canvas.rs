//! What a laid-out page holds: positioned text and shapes, top-left origin, points.

use super::fonts::Face;

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    pub const BLACK: Rgb = Rgb(0, 0, 0);
    pub const WHITE: Rgb = Rgb(255, 255, 255);

    /// "#1F4E79" → colour; `None` when malformed.
    pub fn parse(hex: &str) -> Option<Rgb> {
        let h = hex.trim().trim_start_matches('#');
        if h.len() != 6 || !h.is_ascii() {
            return None;
        }
        let p = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).ok();
        Some(Rgb(p(0)?, p(2)?, p(4)?))
    }

    /// Mixes with white: `t` = 0 keeps the colour, 1 gives white.
    pub fn tint(self, t: f32) -> Rgb {
        let m = |c: u8| (f32::from(c) + (255.0 - f32::from(c)) * t.clamp(0.0, 1.0)).round() as u8;
        Rgb(m(self.0), m(self.1), m(self.2))
    }

    /// Relative luminance, to pick readable text over a fill.
    pub fn is_dark(self) -> bool {
        let l = 0.2126 * f32::from(self.0) + 0.7152 * f32::from(self.1) + 0.0722 * f32::from(self.2);
        l < 140.0
    }
}

/// Font, size and colour of a run of text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    pub face: Face,
    pub size: f32,
    pub color: Rgb,
}

impl Style {
    pub fn new(face: Face, size: f32, color: Rgb) -> Self {
        Style { face, size, color }
    }
}

/// One drawing instruction.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// Text whose baseline starts at (x, y).
    Text {
        x: f32,
        y: f32,
        text: String,
        style: Style,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<Rgb>,
        stroke: Option<(Rgb, f32)>,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        color: Rgb,
        width: f32,
    },
    /// Image number `image` of the document, top-left at (x, y).
    Image {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        image: usize,
    },
}

/// A page: size and content.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub width: f32,
    pub height: f32,
    pub items: Vec<Item>,
}

impl Page {
    pub fn new(width: f32, height: f32) -> Self {
        Page { width, height, items: Vec::new() }
    }

    pub fn text(&mut self, x: f32, y: f32, text: impl Into<String>, style: Style) {
        let text = text.into();
        if !text.is_empty() {
            self.items.push(Item::Text { x, y, text, style });
        }
    }

    pub fn fill(&mut self, x: f32, y: f32, w: f32, h: f32, color: Rgb) {
        self.items.push(Item::Rect { x, y, w, h, fill: Some(color), stroke: None });
    }

    pub fn stroke(&mut self, x: f32, y: f32, w: f32, h: f32, color: Rgb, width: f32) {
        self.items.push(Item::Rect { x, y, w, h, fill: None, stroke: Some((color, width)) });
    }

    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, color: Rgb, width: f32) {
        self.items.push(Item::Line { x1, y1, x2, y2, color, width });
    }
}

/// A bookmark: title, target page and height, nested entries.
#[derive(Debug, Clone, PartialEq)]
pub struct Outline {
    pub title: String,
    pub page: usize,
    pub y: f32,
    pub children: Vec<Outline>,
}

/// Document information written in the PDF.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocInfo {
    pub title: String,
    pub author: String,
    pub subject: String,
    pub keywords: Vec<String>,
    pub creator: String,
    /// BCP 47 language, e.g. "fr-FR".
    pub lang: String,
    /// Creation date (YYYY-MM-DD); none means no date is written.
    pub date: Option<String>,
}

/// A laid-out document, ready to render.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    pub pages: Vec<Page>,
    pub outline: Vec<Outline>,
    pub info: DocInfo,
    /// Images drawn by `Item::Image`.
    pub images: Vec<super::image::Image>,
}
