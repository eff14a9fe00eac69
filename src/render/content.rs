//! Page content streams, encoded directly. printpdf still builds the document, page and
//! font objects; only the drawing operators are written here, because its op-by-op
//! serialization cost three times the time budget of a whole build.

use std::collections::HashMap;

use crate::layout::canvas::{Item, Page};
use crate::layout::fonts::{measure, runs, Face};
use crate::layout::Rgb;

/// What the encoder needs of an embedded font: its resource name and glyph ids.
pub struct FontRef {
    pub resource: String,
    pub glyphs: HashMap<char, u16>,
}

/// Appends a number with at most 2 decimals, without a trailing ".00".
fn num(out: &mut Vec<u8>, v: f32) {
    let v = if v.is_finite() { v } else { 0.0 };
    let cents = (f64::from(v) * 100.0).round() as i64;
    if cents < 0 {
        out.push(b'-');
    }
    let c = cents.unsigned_abs();
    let mut int = c / 100;
    let mut digits = [0u8; 20];
    let mut n = 0;
    loop {
        digits[n] = b'0' + (int % 10) as u8;
        n += 1;
        int /= 10;
        if int == 0 {
            break;
        }
    }
    out.extend(digits[..n].iter().rev());
    let frac = c % 100;
    if frac != 0 {
        out.push(b'.');
        out.push(b'0' + (frac / 10) as u8);
        if !frac.is_multiple_of(10) {
            out.push(b'0' + (frac % 10) as u8);
        }
    }
}

fn nums(out: &mut Vec<u8>, vs: &[f32], op: &[u8]) {
    for v in vs {
        num(out, *v);
        out.push(b' ');
    }
    out.extend_from_slice(op);
    out.push(b'\n');
}

fn colour(out: &mut Vec<u8>, c: Rgb, op: &[u8]) {
    nums(out, &[f32::from(c.0) / 255.0, f32::from(c.1) / 255.0, f32::from(c.2) / 255.0], op);
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// The content stream of a page; coordinates turned from top-left to PDF's bottom-left.
pub fn encode_page(page: &Page, fonts: &HashMap<Face, FontRef>) -> Vec<u8> {
    let h = page.height;
    let mut out = Vec::with_capacity(page.items.len() * 48);
    let mut in_text = false;
    let mut cur_font: Option<(Face, u32)> = None;
    let mut fill: Option<Rgb> = None;
    let mut stroke: Option<(Rgb, u32)> = None;
    for it in &page.items {
        if in_text && !matches!(it, Item::Text { .. }) {
            out.extend_from_slice(b"ET\n");
            in_text = false;
        }
        match it {
            Item::Rect { x, y, w, h: rh, fill: f, stroke: s } => {
                if let Some(c) = f {
                    if fill != Some(*c) {
                        colour(&mut out, *c, b"rg");
                        fill = Some(*c);
                    }
                    nums(&mut out, &[*x, h - y - rh, *w, *rh], b"re f");
                }
                if let Some((c, wd)) = s {
                    set_stroke(&mut out, &mut stroke, *c, *wd);
                    nums(&mut out, &[*x, h - y - rh, *w, *rh], b"re S");
                }
            }
            Item::Image { x, y, w, h: ih, image } => {
                out.extend_from_slice(b"q\n");
                nums(&mut out, &[*w, 0.0, 0.0, *ih, *x, h - y - ih], b"cm");
                out.extend_from_slice(format!("/Im{} Do\nQ\n", image + 1).as_bytes());
            }
            Item::Line { x1, y1, x2, y2, color, width } => {
                set_stroke(&mut out, &mut stroke, *color, *width);
                nums(&mut out, &[*x1, h - y1], b"m");
                nums(&mut out, &[*x2, h - y2], b"l S");
            }
            Item::Text { x, y, text, style } => {
                if !in_text {
                    out.extend_from_slice(b"BT\n");
                    in_text = true;
                }
                if fill != Some(style.color) {
                    colour(&mut out, style.color, b"rg");
                    fill = Some(style.color);
                }
                let mut cx = *x;
                for (f, s) in runs(text, style.face) {
                    let Some(fr) = fonts.get(&f) else { continue };
                    let key = (f, style.size.to_bits());
                    if cur_font != Some(key) {
                        out.push(b'/');
                        out.extend_from_slice(fr.resource.as_bytes());
                        out.push(b' ');
                        nums(&mut out, &[style.size], b"Tf");
                        cur_font = Some(key);
                    }
                    nums(&mut out, &[1.0, 0.0, 0.0, 1.0, cx, h - y], b"Tm");
                    out.push(b'<');
                    for c in s.chars() {
                        let g = fr.glyphs.get(&c).copied().unwrap_or(0);
                        for shift in [12, 8, 4, 0] {
                            out.push(HEX[usize::from((g >> shift) & 0xF)]);
                        }
                    }
                    out.extend_from_slice(b"> Tj\n");
                    cx += measure(&s, f, style.size);
                }
            }
        }
    }
    if in_text {
        out.extend_from_slice(b"ET\n");
    }
    out
}

fn set_stroke(out: &mut Vec<u8>, cur: &mut Option<(Rgb, u32)>, c: Rgb, width: f32) {
    if *cur != Some((c, width.to_bits())) {
        colour(out, c, b"RG");
        nums(out, &[width], b"w");
        *cur = Some((c, width.to_bits()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_exact() {
        let mut v = Vec::new();
        for x in [12.0, 12.5, 0.25, -3.1, 595.28] {
            num(&mut v, x);
            v.push(b' ');
        }
        assert_eq!(String::from_utf8(v).unwrap(), "12 12.5 0.25 -3.1 595.28 ");
    }
}
