//! A page's content stream: every item inside marked content — a structure node's
//! content as `/Span <</MCID n>> BDC … EMC`, the rest as `/Artifact` — text shown from
//! the layout's glyphs (kerning and offsets kept as TJ adjustments), rectangles, lines
//! and images. The page is drawn top-down: one flip of the y axis at the start.

use super::fonts::{self, cluster_text, Glyphs};
use super::images::{self, Prepared};
use super::operators::Ops;
use super::structure::Marks;
use super::PdfError;
use crate::layout::canvas::{Artifact, Item, Page, Tag, Tree};
use crate::layout::fonts::ShapedRun;
use crate::layout::Rgb;

/// What writing a page's content stream needs besides the page.
pub(crate) struct Ink<'a, 'i> {
    pub glyphs: &'a mut Glyphs,
    pub images: &'a [Prepared<'i>],
    pub marks: &'a mut Marks,
    pub tree: &'a Tree,
}

pub(crate) fn page(page: &Page, index: usize, ink: Ink<'_, '_>) -> Result<Vec<u8>, PdfError> {
    let Ink { glyphs, images, marks, tree } = ink;
    marks.start_page(index);
    let mut c = Ops::with_capacity(16 * 1024);
    c.num(1.0).num(0.0).num(0.0).num(-1.0).num(0.0).num(page.height).op("cm");
    let mut pen = Pen::default();
    let mut open: Option<Tag> = None;
    for it in &page.items {
        let tag = it.tag();
        if open != Some(tag) {
            if open.is_some() {
                c.op("EMC");
            }
            begin(&mut c, tag, marks, index);
            open = Some(tag);
        }
        if let Tag::Node(n) = tag {
            marks.record(tree, n, it);
        }
        draw(&mut c, it, glyphs, images, &mut pen)?;
    }
    if open.is_some() {
        c.op("EMC");
    }
    Ok(c.finish())
}

fn begin(c: &mut Ops, tag: Tag, marks: &mut Marks, page: usize) {
    match tag {
        Tag::Node(n) => {
            let mcid = marks.mcid(n, page);
            c.name(b"Span").raw(b"<</MCID ").int(i64::from(mcid)).raw(b">> ").op("BDC");
        }
        Tag::Artifact(a) => {
            let properties: &[u8] = match a {
                Artifact::Header => b"<</Type /Pagination /Subtype /Header>> ",
                Artifact::Footer => b"<</Type /Pagination /Subtype /Footer>> ",
                Artifact::PageNumber | Artifact::Pagination => b"<</Type /Pagination>> ",
                Artifact::Layout => b"<</Type /Layout>> ",
            };
            c.name(b"Artifact").raw(properties).op("BDC");
        }
    }
}

/// Graphics state already set, so repeated colours and widths are not written again.
#[derive(Default)]
struct Pen {
    fill: Option<Rgb>,
    stroke: Option<Rgb>,
    width: Option<f32>,
}

impl Pen {
    fn fill(&mut self, c: &mut Ops, rgb: Rgb) {
        if self.fill != Some(rgb) {
            let [r, g, b] = unit(rgb);
            c.num(r).num(g).num(b).op("rg");
            self.fill = Some(rgb);
        }
    }

    fn stroke(&mut self, c: &mut Ops, rgb: Rgb, width: f32) {
        if self.stroke != Some(rgb) {
            let [r, g, b] = unit(rgb);
            c.num(r).num(g).num(b).op("RG");
            self.stroke = Some(rgb);
        }
        if self.width != Some(width) {
            c.num(width).op("w");
            self.width = Some(width);
        }
    }
}

fn unit(c: Rgb) -> [f32; 3] {
    [f32::from(c.0) / 255.0, f32::from(c.1) / 255.0, f32::from(c.2) / 255.0]
}

fn draw(c: &mut Ops, it: &Item, glyphs: &mut Glyphs, images: &[Prepared], pen: &mut Pen) -> Result<(), PdfError> {
    match it {
        Item::Text { x, y, runs, style, .. } => {
            pen.fill(c, style.color);
            c.op("BT");
            let mut text = TextWriter { x: *x, y: *y, size: style.size, ..TextWriter::default() };
            text.move_to(c, 0.0, 0.0);
            let mut origin = 0.0;
            for r in runs.iter() {
                text.run(c, r, origin, glyphs)?;
                origin += r.width;
            }
            c.op("ET");
        }
        Item::Rect { x, y, w, h, fill, stroke, .. } => {
            c.num(*x).num(*y).num(w.max(0.01)).num(h.max(0.01)).op("re");
            if let Some(f) = fill {
                pen.fill(c, *f);
            }
            if let Some((s, width)) = stroke {
                pen.stroke(c, *s, *width);
            }
            c.op(match (fill, stroke) {
                (Some(_), Some(_)) => "B",
                (Some(_), None) => "f",
                (None, Some(_)) => "S",
                (None, None) => "n",
            });
        }
        Item::Line { x1, y1, x2, y2, color, width, .. } => {
            pen.stroke(c, *color, *width);
            c.num(*x1).num(*y1).op("m");
            c.num(*x2).num(*y2).op("l");
            c.op("S");
        }
        Item::Image { x, y, w, h, image, .. } => {
            if images.get(*image).is_some() {
                c.op("q");
                // The unit square's top row lands at y: images are stored top row first.
                c.num(*w).num(0.0).num(0.0).num(-*h).num(*x).num(*y + *h).op("cm");
                c.name(images::name(*image).as_bytes()).op("Do");
                c.op("Q");
            }
        }
    }
    Ok(())
}

/// Shows glyphs where the layout placed them. Positions are in em from the item's
/// origin; `at` is where the PDF's text position is, after the last glyph shown.
#[derive(Default)]
struct TextWriter {
    x: f32,
    y: f32,
    size: f32,
    at: f32,
    dy: f32,
    /// Codes waiting to be shown, and the adjustments before some of them (byte index).
    bytes: Vec<u8>,
    adjust: Vec<(usize, f32)>,
}

impl TextWriter {
    fn run(&mut self, c: &mut Ops, r: &ShapedRun, origin: f32, glyphs: &mut Glyphs) -> Result<(), PdfError> {
        c.name(fonts::name(r.face).as_bytes()).num(self.size).op("Tf");
        let mut pen_x = origin;
        let mut i = 0;
        while i < r.glyphs.len() {
            // A cluster of several glyphs (a mark over its letter, an emoji sequence).
            let g0 = &r.glyphs[i];
            let n = r.glyphs[i..].iter().take_while(|g| g.start == g0.start && g.end == g0.end).count();
            let text = cluster_text(&r.text, g0);
            let spanned = n > 1 && !text.is_empty();
            if spanned {
                self.flush(c);
                c.name(b"Span").raw(b"<</ActualText ").text(text).raw(b">> ").op("BDC");
            }
            for g in &r.glyphs[i..i + n] {
                let code = glyphs.code(r.face, g, text)?;
                let target = pen_x + g.dx;
                if g.dy != self.dy {
                    self.flush(c);
                    self.move_to(c, target, g.dy);
                } else {
                    // In thousandths of an em, to a tenth: finer than any printer dot.
                    let amount = ((self.at - target) * 10_000.0).round() / 10.0;
                    if amount != 0.0 {
                        self.adjust.push((self.bytes.len(), amount));
                        // Where the PDF really is: rounding errors do not add up.
                        self.at -= amount / 1000.0;
                    }
                }
                self.bytes.extend_from_slice(&code.cid.to_be_bytes());
                self.at += code.advance;
                pen_x += g.advance;
            }
            if spanned {
                self.flush(c);
                c.op("EMC");
            }
            i += n;
        }
        self.flush(c);
        Ok(())
    }

    /// Sets the text position at `at` em along the baseline, raised by `dy` em.
    fn move_to(&mut self, c: &mut Ops, at: f32, dy: f32) {
        c.num(1.0).num(0.0).num(0.0).num(-1.0).num(self.x + at * self.size).num(self.y - dy * self.size).op("Tm");
        self.at = at;
        self.dy = dy;
    }

    /// Shows the pending glyphs: `Tj` when no adjustment is needed, else `TJ`.
    fn flush(&mut self, c: &mut Ops) {
        if self.bytes.is_empty() {
            return;
        }
        if self.adjust.is_empty() {
            c.bytes(&self.bytes).op("Tj");
        } else {
            c.raw(b"[");
            let mut from = 0;
            for (at, amount) in &self.adjust {
                if *at > from {
                    c.bytes(&self.bytes[from..*at]);
                }
                c.num(*amount);
                from = *at;
            }
            if from < self.bytes.len() {
                c.bytes(&self.bytes[from..]);
            }
            c.raw(b"] ").op("TJ");
        }
        self.bytes.clear();
        self.adjust.clear();
    }
}
