//! Raster images (the collectivity's logo): JPEG kept as is, PNG decoded to RGB + alpha.

/// Pixels ready to embed.
#[derive(Debug, Clone, PartialEq)]
pub enum ImageData {
    /// A baseline or progressive JPEG, embedded untouched (DCTDecode).
    Jpeg { bytes: Vec<u8>, components: u8 },
    /// 8-bit samples, `components` per pixel (1 grey, 3 RGB), and an optional alpha plane.
    Raw { samples: Vec<u8>, components: u8, alpha: Option<Vec<u8>> },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    pub width: u32,
    pub height: u32,
    pub data: ImageData,
}

/// Largest logo accepted, in pixels, so a hostile file cannot exhaust memory.
const MAX_PIXELS: u64 = 16_000_000;

impl Image {
    /// Reads a PNG or JPEG; the reason in French when it cannot.
    pub fn from_bytes(bytes: &[u8]) -> Result<Image, String> {
        if bytes.starts_with(&[0xFF, 0xD8]) {
            jpeg(bytes)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            std::panic::catch_unwind(|| png_image(bytes)).unwrap_or_else(|_| Err("PNG endommagé".into()))
        } else {
            Err("format d'image non reconnu (PNG ou JPEG attendu)".into())
        }
    }

    /// Width over height.
    pub fn ratio(&self) -> f32 {
        self.width as f32 / self.height.max(1) as f32
    }
}

/// Size and colour components from the JPEG frame header (SOFn).
fn jpeg(bytes: &[u8]) -> Result<Image, String> {
    let mut i = 2;
    while i + 9 < bytes.len() {
        if bytes[i] != 0xFF {
            i += 1;
            continue;
        }
        let marker = bytes[i + 1];
        let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        let is_sof = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_sof {
            let height = u32::from(u16::from_be_bytes([bytes[i + 5], bytes[i + 6]]));
            let width = u32::from(u16::from_be_bytes([bytes[i + 7], bytes[i + 8]]));
            let components = bytes[i + 9];
            if width == 0 || height == 0 || !matches!(components, 1 | 3 | 4) {
                return Err("JPEG aux dimensions invalides".into());
            }
            if u64::from(width) * u64::from(height) > MAX_PIXELS {
                return Err(too_large(width, height));
            }
            if components == 4 {
                // PDF/A with an sRGB output intent cannot show device CMYK.
                return Err("JPEG en CMJN, non admis dans un PDF/A : enregistrez le logo en RVB (PNG ou JPEG)".into());
            }
            return Ok(Image { width, height, data: ImageData::Jpeg { bytes: bytes.to_vec(), components } });
        }
        i += 2 + len.max(2);
    }
    Err("JPEG sans en-tête d'image lisible".into())
}

/// The refusal of an image over `MAX_PIXELS`, the same for PNG and JPEG.
fn too_large(w: u32, h: u32) -> String {
    format!("image de {w} × {h} pixels, trop grande pour un logo (16 millions de pixels au plus)")
}

fn png_image(bytes: &[u8]) -> Result<Image, String> {
    let mut dec = png::Decoder::new(std::io::Cursor::new(bytes));
    dec.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = dec.read_info().map_err(|e| format!("PNG illisible ({e})"))?;
    let (w, h) = (reader.info().width, reader.info().height);
    if u64::from(w) * u64::from(h) > MAX_PIXELS || w == 0 || h == 0 {
        return Err(too_large(w, h));
    }
    let size = reader.output_buffer_size().ok_or("PNG trop grand")?;
    let mut buf = vec![0; size];
    let frame = reader.next_frame(&mut buf).map_err(|e| format!("PNG illisible ({e})"))?;
    buf.truncate(frame.buffer_size());
    let (components, has_alpha) = match frame.color_type {
        png::ColorType::Grayscale => (1u8, false),
        png::ColorType::GrayscaleAlpha => (1, true),
        png::ColorType::Rgb => (3, false),
        png::ColorType::Rgba => (3, true),
        png::ColorType::Indexed => return Err("PNG à palette non développée".into()),
    };
    let data = if has_alpha {
        let stride = usize::from(components) + 1;
        let mut samples = Vec::with_capacity(buf.len() / stride * usize::from(components));
        let mut alpha = Vec::with_capacity(buf.len() / stride);
        for px in buf.chunks_exact(stride) {
            samples.extend_from_slice(&px[..usize::from(components)]);
            alpha.push(px[usize::from(components)]);
        }
        let opaque = alpha.iter().all(|a| *a == 255);
        ImageData::Raw { samples, components, alpha: (!opaque).then_some(alpha) }
    } else {
        ImageData::Raw { samples: buf, components, alpha: None }
    };
    Ok(Image { width: w, height: h, data })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_an_image() {
        assert!(Image::from_bytes(b"GIF89a").is_err());
        assert!(Image::from_bytes(&[0xFF, 0xD8, 0xFF]).is_err());
        assert!(Image::from_bytes(b"\x89PNG\r\n\x1a\n\0\0").is_err());
        // A CMYK JPEG frame header (SOF0, 4 components).
        let cmyk = [0xFF, 0xD8, 0xFF, 0xC0, 0, 17, 8, 0, 10, 0, 10, 4, 0, 0, 0, 0, 0, 0];
        assert!(Image::from_bytes(&cmyk).unwrap_err().contains("CMJN"));
        // A 65,500 × 65,500 JPEG frame header: refused as a PNG of that size would be.
        let huge = [0xFF, 0xD8, 0xFF, 0xC0, 0, 17, 8, 0xFF, 0xDC, 0xFF, 0xDC, 3, 0, 0, 0, 0, 0, 0];
        assert!(Image::from_bytes(&huge).unwrap_err().contains("65500 × 65500"));
    }
}
