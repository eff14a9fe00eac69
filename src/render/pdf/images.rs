//! Images (the logo) as image XObjects: a JPEG embedded untouched (DCTDecode), decoded
//! samples compressed (FlateDecode) with their alpha as a soft mask. DeviceRGB or
//! DeviceGray, read as sRGB under the document's output intent.

use pdf_writer::{Filter, Finish, Name, Pdf, Ref};

use super::deflate::Deflater;
use super::{PdfError, Refs};
use crate::layout::{Image, ImageData};

/// An image checked to be embeddable.
pub(crate) struct Prepared<'a>(&'a Image);

/// Resource name of image `i`.
pub(crate) fn name(i: usize) -> String {
    format!("Im{i}")
}

/// Checks every image: an error means the document is written without them.
pub(crate) fn check(images: &[Image]) -> Result<Vec<Prepared<'_>>, PdfError> {
    images
        .iter()
        .map(|img| {
            let pixels = img.width as usize * img.height as usize;
            let ok = img.width > 0
                && img.height > 0
                && match &img.data {
                    ImageData::Jpeg { bytes, components } => {
                        bytes.starts_with(&[0xFF, 0xD8]) && matches!(components, 1 | 3)
                    }
                    ImageData::Raw { samples, components, alpha } => {
                        matches!(components, 1 | 3)
                            && samples.len() == pixels * usize::from(*components)
                            && alpha.as_ref().is_none_or(|a| a.len() == pixels)
                    }
                };
            if ok {
                Ok(Prepared(img))
            } else {
                Err(PdfError::Write("logo : image endommagée".into()))
            }
        })
        .collect()
}

/// Writes the images; returns their references, in order.
pub(crate) fn write(images: &[Prepared], pdf: &mut Pdf, refs: &mut Refs, z: &mut Deflater) -> Vec<Ref> {
    images.iter().map(|p| write_one(p.0, pdf, refs, z)).collect()
}

fn write_one(img: &Image, pdf: &mut Pdf, refs: &mut Refs, z: &mut Deflater) -> Ref {
    let id = refs.next();
    let (w, h) = (img.width as i32, img.height as i32);
    let space = |c: u8| if c == 1 { Name(b"DeviceGray") } else { Name(b"DeviceRGB") };
    match &img.data {
        ImageData::Jpeg { bytes, components } => {
            let mut x = pdf.image_xobject(id, bytes);
            x.width(w).height(h).bits_per_component(8);
            x.filter(Filter::DctDecode);
            x.pair(Name(b"ColorSpace"), space(*components));
            x.finish();
        }
        ImageData::Raw { samples, components, alpha } => {
            let mask = alpha.as_ref().map(|a| {
                let m = refs.next();
                let packed = z.deflate(a);
                let mut x = pdf.image_xobject(m, &packed);
                x.width(w).height(h).bits_per_component(8);
                x.filter(Filter::FlateDecode);
                x.pair(Name(b"ColorSpace"), Name(b"DeviceGray"));
                x.finish();
                m
            });
            let packed = z.deflate(samples);
            let mut x = pdf.image_xobject(id, &packed);
            x.width(w).height(h).bits_per_component(8);
            x.filter(Filter::FlateDecode);
            x.pair(Name(b"ColorSpace"), space(*components));
            if let Some(m) = mask {
                x.s_mask(m);
            }
            x.finish();
        }
    }
    id
}
