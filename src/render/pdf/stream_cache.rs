//! Compressed font streams kept for the life of the process: a batch or a server writes
//! the same subsets again and again (the bold of every table header, the faces of plans
//! that share their characters), and subsetting then compressing a font program cost a
//! fifth of writing a plan's PDFs (callgrind, issue 24). A font program is found by its
//! face and glyph list, a ToUnicode or CIDToGIDMap map by its bytes (a small stream
//! costs its compressor's 128 KB table reset all the same); what is kept is bounded
//! (`MAX_BYTES`, oldest dropped first), so a year-end batch of varied plans holds no
//! more than that.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

/// Bytes kept at most: keys and compressed streams together.
pub(crate) const MAX_BYTES: usize = 2 * 1024 * 1024;

/// A compressed stream, with the length of what it decompresses to.
#[derive(Debug)]
pub(crate) struct Packed {
    pub bytes: Vec<u8>,
    pub raw_len: usize,
    /// A font program in CFF outlines (FontFile3) rather than TrueType (FontFile2).
    pub is_cff: bool,
}

#[derive(Default)]
struct Cache {
    map: HashMap<Vec<u8>, Arc<Packed>>,
    /// Keys in the order they came, for dropping the oldest.
    order: VecDeque<Vec<u8>>,
    bytes: usize,
}

static CACHE: Mutex<Option<Cache>> = Mutex::new(None);

/// The stream kept under `key`, or the one `make` returns, kept if it fits.
pub(crate) fn get_or_make<E>(key: Vec<u8>, make: impl FnOnce() -> Result<Packed, E>) -> Result<Arc<Packed>, E> {
    if let Some(found) = CACHE.lock().ok().and_then(|c| c.as_ref()?.map.get(&key).cloned()) {
        return Ok(found);
    }
    // Made outside the lock: the other workers do not wait on this one's compression.
    let made = Arc::new(make()?);
    let size = key.len() + made.bytes.len();
    if size <= MAX_BYTES / 8 {
        if let Ok(mut guard) = CACHE.lock() {
            keep(guard.get_or_insert_with(Cache::default), key, made.clone(), size);
        }
    }
    Ok(made)
}

fn keep(c: &mut Cache, key: Vec<u8>, packed: Arc<Packed>, size: usize) {
    if c.map.contains_key(&key) {
        return;
    }
    while c.bytes + size > MAX_BYTES {
        let Some(old) = c.order.pop_front() else { break };
        if let Some(p) = c.map.remove(&old) {
            c.bytes -= old.len() + p.bytes.len();
        }
    }
    c.bytes += size;
    c.order.push_back(key.clone());
    c.map.insert(key, packed);
}

/// Bytes kept now (for tests).
#[cfg(test)]
fn kept_bytes() -> usize {
    CACHE.lock().ok().and_then(|c| c.as_ref().map(|c| c.bytes)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packed(n: usize) -> Result<Packed, ()> {
        Ok(Packed { bytes: vec![7; n], raw_len: n, is_cff: false })
    }

    #[test]
    fn a_stream_is_made_once_and_the_cache_stays_under_its_bound() {
        let mut made = 0;
        for _ in 0..3 {
            let p = get_or_make(b"test-once".to_vec(), || {
                made += 1;
                packed(10)
            })
            .unwrap();
            assert_eq!(p.raw_len, 10);
        }
        assert_eq!(made, 1);
        // Far more than the bound, in entries of an eighth of it: the oldest go.
        for i in 0..64u32 {
            get_or_make(i.to_be_bytes().to_vec(), || packed(MAX_BYTES / 8 - 4)).unwrap();
            assert!(kept_bytes() <= MAX_BYTES, "{} octets gardés", kept_bytes());
        }
        let mut again = 0;
        get_or_make(b"test-once".to_vec(), || {
            again += 1;
            packed(10)
        })
        .unwrap();
        assert_eq!(again, 1, "the oldest entry was dropped");
        // Too big to keep: made every time, never kept.
        let before = kept_bytes();
        get_or_make(b"big".to_vec(), || packed(MAX_BYTES)).unwrap();
        assert_eq!(kept_bytes(), before);
    }
}
