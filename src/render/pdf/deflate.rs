//! One zlib compressor per thread, reset for every stream: making a new one for each of
//! a document's ≈ 100 streams cost a tenth of a fresh process (measured with krilla).

use std::cell::RefCell;

use flate2::{Compress, Compression, FlushCompress, Status};

/// Level 1: `benches/pdf_writer.rs` measured level 6 at a third more CPU time for files
/// an eighth smaller; fiches-actions.pdf of 40 fiches stays far under 150 KB (101 KB).
const LEVEL: u32 = 1;

pub(crate) struct Deflater(Compress);

impl Deflater {
    /// `data` as a zlib stream (FlateDecode).
    pub(crate) fn deflate(&mut self, data: &[u8]) -> Vec<u8> {
        let c = &mut self.0;
        c.reset();
        let mut out = Vec::with_capacity(data.len() / 3 + 64);
        loop {
            let done = c.total_in() as usize;
            match c.compress_vec(&data[done..], &mut out, FlushCompress::Finish) {
                Ok(Status::StreamEnd) => return out,
                Ok(_) => out.reserve(out.capacity().max(256)),
                // Compressing memory to memory does not fail; should it, store the data
                // uncompressed in a zlib frame rather than lose it.
                Err(_) => return stored(data),
            }
        }
    }
}

/// A zlib stream of stored (uncompressed) blocks.
fn stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let mut chunks = data.chunks(65_535).peekable();
    if chunks.peek().is_none() {
        out.extend_from_slice(&[1, 0, 0, 0xFF, 0xFF]);
    }
    while let Some(c) = chunks.next() {
        let len = c.len() as u16;
        out.push(u8::from(chunks.peek().is_none()));
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(c);
    }
    out.extend_from_slice(&adler32(data).to_be_bytes());
    out
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(5552) {
        for &x in chunk {
            a += u32::from(x);
            b += a;
        }
        a %= 65_521;
        b %= 65_521;
    }
    (b << 16) | a
}

/// Runs `f` with this thread's compressor.
pub(crate) fn with<T>(f: impl FnOnce(&mut Deflater) -> T) -> T {
    thread_local! {
        static Z: RefCell<Deflater> = RefCell::new(Deflater(Compress::new(Compression::new(LEVEL), true)));
    }
    Z.with(|z| match z.try_borrow_mut() {
        Ok(mut d) => f(&mut d),
        // Re-entered (never, today): a compressor of its own.
        Err(_) => f(&mut Deflater(Compress::new(Compression::new(LEVEL), true))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn both_paths_inflate_back() {
        let data: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect();
        for packed in [with(|z| z.deflate(&data)), with(|z| z.deflate(b"")), stored(&data), stored(b"")] {
            let mut out = Vec::new();
            flate2::read::ZlibDecoder::new(packed.as_slice()).read_to_end(&mut out).unwrap();
            assert!(out == data || out.is_empty());
        }
    }
}
