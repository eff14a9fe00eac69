//! Content stream operators written straight into bytes. pdf-writer's `Content` writes
//! glyph codes as escaped literals (`\000` for each high byte: five bytes a glyph) and
//! every number through float formatting; a page's content stream was a tenth of the
//! instructions of a build (callgrind, issue 24). Here glyph codes go out as raw bytes
//! in a literal string (only `(`, `)`, `\` and CR escaped: two bytes a glyph) and
//! numbers as fixed point to the thousandth, which no printer or screen can tell apart.

/// A content stream being written.
pub(crate) struct Ops {
    buf: Vec<u8>,
}

impl Ops {
    pub fn with_capacity(n: usize) -> Ops {
        Ops { buf: Vec::with_capacity(n) }
    }

    pub fn finish(self) -> Vec<u8> {
        self.buf
    }

    /// A number to the thousandth, without trailing zeros ("12", "0.5", "-3.142").
    pub fn num(&mut self, v: f32) -> &mut Ops {
        let milli = (f64::from(v) * 1000.0).round();
        // Coordinates stay far inside this; anything else is written as 0 rather than
        // as a number no reader accepts.
        let milli = if milli.is_finite() && milli.abs() < 1e15 { milli as i64 } else { 0 };
        if milli < 0 {
            self.buf.push(b'-');
        }
        let (int, frac) = (milli.unsigned_abs() / 1000, milli.unsigned_abs() % 1000);
        self.buf.extend_from_slice(itoa::Buffer::new().format(int).as_bytes());
        if frac != 0 {
            let digits = [b'0' + (frac / 100) as u8, b'0' + (frac / 10 % 10) as u8, b'0' + (frac % 10) as u8];
            let len = if frac % 100 == 0 {
                1
            } else if frac % 10 == 0 {
                2
            } else {
                3
            };
            self.buf.push(b'.');
            self.buf.extend_from_slice(&digits[..len]);
        }
        self.buf.push(b' ');
        self
    }

    pub fn int(&mut self, v: i64) -> &mut Ops {
        self.buf.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
        self.buf.push(b' ');
        self
    }

    /// Raw operator or operand text ("/F1 ", "BT").
    pub fn raw(&mut self, s: &[u8]) -> &mut Ops {
        self.buf.extend_from_slice(s);
        self
    }

    /// Ends an operation: the operator, then a line end.
    pub fn op(&mut self, operator: &str) -> &mut Ops {
        self.buf.extend_from_slice(operator.as_bytes());
        self.buf.push(b'\n');
        self
    }

    /// A name operand (`/Span`); `name` is plain ASCII, as every name written here is.
    pub fn name(&mut self, name: &[u8]) -> &mut Ops {
        self.buf.push(b'/');
        self.buf.extend_from_slice(name);
        self.buf.push(b' ');
        self
    }

    /// Bytes as a literal string: raw, but for the delimiters, the escape and CR (which
    /// readers would turn into LF).
    pub fn bytes(&mut self, s: &[u8]) -> &mut Ops {
        self.buf.push(b'(');
        for &b in s {
            match b {
                b'(' | b')' | b'\\' => self.buf.extend_from_slice(&[b'\\', b]),
                b'\r' => self.buf.extend_from_slice(b"\\r"),
                _ => self.buf.push(b),
            }
        }
        self.buf.extend_from_slice(b") ");
        self
    }

    /// A text string (ActualText): PDFDocEncoding when plain ASCII, else UTF-16BE with
    /// its byte order mark, in hexadecimal.
    pub fn text(&mut self, s: &str) -> &mut Ops {
        if s.bytes().all(|b| matches!(b, 32..=126)) {
            return self.bytes(s.as_bytes());
        }
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        self.buf.extend_from_slice(b"<FEFF");
        for u in s.encode_utf16() {
            for shift in [12, 8, 4, 0] {
                self.buf.push(HEX[usize::from((u >> shift) & 0xF)]);
            }
        }
        self.buf.extend_from_slice(b"> ");
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(f: impl FnOnce(&mut Ops)) -> String {
        let mut o = Ops::with_capacity(16);
        f(&mut o);
        String::from_utf8_lossy(&o.finish()).into_owned()
    }

    #[test]
    fn numbers_are_fixed_point_to_the_thousandth() {
        assert_eq!(
            written(|o| {
                o.num(12.0).num(0.5).num(-4.56789).num(841.8898).num(0.0004).num(-0.0004).num(f32::NAN);
            }),
            "12 0.5 -4.568 841.89 0 0 0 "
        );
        assert_eq!(
            written(|o| {
                o.num(1.25).num(100.05).num(-7.0);
            }),
            "1.25 100.05 -7 "
        );
    }

    #[test]
    fn strings_escape_only_what_a_reader_would_misread() {
        assert_eq!(
            written(|o| {
                o.bytes(&[0, b'(', b')', b'\\', b'\r', b'\n', 0xFF]);
            }),
            "(\0\\(\\)\\\\\\r\n\u{FFFD}) "
        );
        assert_eq!(
            written(|o| {
                o.text("Plan (2026)");
            }),
            "(Plan \\(2026\\)) "
        );
        assert_eq!(
            written(|o| {
                o.text("é");
            }),
            "<FEFF00E9> "
        );
    }
}
