//! A page's content stream: every item inside marked content — a structure node's
//! content as `/Span <</MCID n>> BDC … EMC`, the rest as `/Artifact` — text shown from
//! the layout's glyphs (kerning and offsets kept as TJ adjustments), rectangles, lines
//! and images. The page is drawn top-down: one flip of the y axis at the start.

use pdf_writer::types::{ArtifactSubtype, ArtifactType};
use pdf_writer::{Content, Name, Str, TextStr};

use super::fonts::{self, cluster_text, Glyphs};
use super::images::{self, Prepared};
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

pub(crate) fn page(page: &Page, index: usize, ink: Ink<'_, '_>) -> Result<pdf_writer::Buf, PdfError> {
    let Ink { glyphs, images, marks, tree } = ink;
    marks.start_page(index);
    let mut c = Content::with_settings_and_capacity(super::COMPACT, 16 * 1024);
    c.transform([1.0, 0.0, 0.0, -1.0, 0.0, page.height]);
    let mut pen = Pen::default();
    let mut open: Option<Tag> = None;
    for it in &page.items {
        let tag = it.tag();
        if open != Some(tag) {
            if open.is_some() {
                c.end_marked_content();
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
        c.end_marked_content();
    }
    Ok(c.finish())
}

fn begin(c: &mut Content, tag: Tag, marks: &mut Marks, page: usize) {
    match tag {
        Tag::Node(n) => {
            let mcid = marks.mcid(n, page);
            c.begin_marked_content_with_properties(Name(b"Span")).properties().pairs([(Name(b"MCID"), mcid)]);
        }
        Tag::Artifact(a) => {
            let mut mc = c.begin_marked_content_with_properties(Name(b"Artifact"));
            let mut art = mc.properties().artifact();
            match a {
                Artifact::Header => art.kind(ArtifactType::Pagination).subtype(ArtifactSubtype::Header),
                Artifact::Footer => art.kind(ArtifactType::Pagination).subtype(ArtifactSubtype::Footer),
                Artifact::PageNumber | Artifact::Pagination => art.kind(ArtifactType::Pagination),
                Artifact::Layout => art.kind(ArtifactType::Layout),
            };
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
    fn fill(&mut self, c: &mut Content, rgb: Rgb) {
        if self.fill != Some(rgb) {
            let [r, g, b] = unit(rgb);
            c.set_fill_rgb(r, g, b);
            self.fill = Some(rgb);
        }
    }

    fn stroke(&mut self, c: &mut Content, rgb: Rgb, width: f32) {
        if self.stroke != Some(rgb) {
            let [r, g, b] = unit(rgb);
            c.set_stroke_rgb(r, g, b);
            self.stroke = Some(rgb);
        }
        if self.width != Some(width) {
            c.set_line_width(width);
            self.width = Some(width);
        }
    }
}

fn unit(c: Rgb) -> [f32; 3] {
    [f32::from(c.0) / 255.0, f32::from(c.1) / 255.0, f32::from(c.2) / 255.0]
}

fn draw(c: &mut Content, it: &Item, glyphs: &mut Glyphs, images: &[Prepared], pen: &mut Pen) -> Result<(), PdfError> {
    match it {
        Item::Text { x, y, runs, style, .. } => {
            pen.fill(c, style.color);
            c.begin_text();
            let mut text = TextWriter { x: *x, y: *y, size: style.size, ..TextWriter::default() };
            text.move_to(c, 0.0, 0.0);
            let mut origin = 0.0;
            for r in runs.iter() {
                text.run(c, r, origin, glyphs)?;
                origin += r.width;
            }
            c.end_text();
        }
        Item::Rect { x, y, w, h, fill, stroke, .. } => {
            c.rect(*x, *y, w.max(0.01), h.max(0.01));
            if let Some(f) = fill {
                pen.fill(c, *f);
            }
            if let Some((s, width)) = stroke {
                pen.stroke(c, *s, *width);
            }
            match (fill, stroke) {
                (Some(_), Some(_)) => c.fill_nonzero_and_stroke(),
                (Some(_), None) => c.fill_nonzero(),
                (None, Some(_)) => c.stroke(),
                (None, None) => c.end_path(),
            };
        }
        Item::Line { x1, y1, x2, y2, color, width, .. } => {
            pen.stroke(c, *color, *width);
            c.move_to(*x1, *y1);
            c.line_to(*x2, *y2);
            c.stroke();
        }
        Item::Image { x, y, w, h, image, .. } => {
            if images.get(*image).is_some() {
                c.save_state();
                // The unit square's top row lands at y: images are stored top row first.
                c.transform([*w, 0.0, 0.0, -*h, *x, *y + *h]);
                c.x_object(Name(images::name(*image).as_bytes()));
                c.restore_state();
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
    fn run(&mut self, c: &mut Content, r: &ShapedRun, origin: f32, glyphs: &mut Glyphs) -> Result<(), PdfError> {
        c.set_font(Name(fonts::name(r.face).as_bytes()), self.size);
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
                c.begin_marked_content_with_properties(Name(b"Span")).properties().actual_text(TextStr(text));
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
                c.end_marked_content();
            }
            i += n;
        }
        self.flush(c);
        Ok(())
    }

    /// Sets the text position at `at` em along the baseline, raised by `dy` em.
    fn move_to(&mut self, c: &mut Content, at: f32, dy: f32) {
        c.set_text_matrix([1.0, 0.0, 0.0, -1.0, self.x + at * self.size, self.y - dy * self.size]);
        self.at = at;
        self.dy = dy;
    }

    /// Shows the pending glyphs: `Tj` when no adjustment is needed, else `TJ`.
    fn flush(&mut self, c: &mut Content) {
        if self.bytes.is_empty() {
            return;
        }
        if self.adjust.is_empty() {
            c.show(Str(&self.bytes));
        } else {
            let mut show = c.show_positioned();
            let mut items = show.items();
            let mut from = 0;
            for (at, amount) in &self.adjust {
                if *at > from {
                    items.show(Str(&self.bytes[from..*at]));
                }
                items.adjust(*amount);
                from = *at;
            }
            if from < self.bytes.len() {
                items.show(Str(&self.bytes[from..]));
            }
        }
        self.bytes.clear();
        self.adjust.clear();
    }
}
