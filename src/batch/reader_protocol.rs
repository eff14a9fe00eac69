//! The continuous reader's protocol (`plandoc lecture-isolee --en-continu`): the batch
//! writes plan paths on the reader's standard input, the reader answers each with one
//! frame on its standard output, then waits for the next path; end of input ends it.
//!
//! Request: length (u32, little-endian) then the path's bytes. Reply: length (u32,
//! little-endian), a flag byte ([`LAST`]: the reader exits after this reply), then the
//! JSON of `Result<Reading, Unreadable>` — or the watchdog's check report, always last.

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The reader ends after this reply; the next plan needs a fresh reader.
pub const LAST: u8 = 1;
/// Bytes before a reply's JSON.
pub const HEADER: usize = 5;
/// A longer announced reply is garbage.
pub const MAX_REPLY: usize = 512 << 20;
/// The reader's own watchdog answers after 4 s of CPU time or 60 s of wall-clock time;
/// a reader still silent after this long is stuck where no watchdog looks (writing its
/// reply, say) and is ended.
pub const DEADLINE: Duration = Duration::from_secs(75);
/// A longer request is garbage.
const MAX_PATH: usize = 64 << 10;

/// A reply frame around `json`.
pub fn frame(json: &[u8], last: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER + json.len());
    out.extend_from_slice(&(json.len() as u32).to_le_bytes());
    out.push(if last { LAST } else { 0 });
    out.extend_from_slice(json);
    out
}

/// Length and flags of a reply header; `None` when it announces garbage.
pub fn parse_header(h: &[u8; HEADER]) -> Option<(usize, bool)> {
    let len = u32::from_le_bytes([h[0], h[1], h[2], h[3]]) as usize;
    (len <= MAX_REPLY && h[4] & !LAST == 0).then_some((len, h[4] & LAST != 0))
}

/// A request for `path`.
pub fn request(path: &Path) -> Vec<u8> {
    let bytes = path_bytes(path);
    let mut out = Vec::with_capacity(4 + bytes.len());
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    out.extend_from_slice(&bytes);
    out
}

/// The next requested path; `None` at the end of input.
pub fn read_request(input: &mut impl Read) -> io::Result<Option<PathBuf>> {
    let mut len = [0u8; 4];
    match input.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let len = u32::from_le_bytes(len) as usize;
    if len > MAX_PATH {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "demande trop longue"));
    }
    let mut bytes = vec![0u8; len];
    input.read_exact(&mut bytes)?;
    Ok(Some(path_from_bytes(bytes)))
}

#[cfg(unix)]
fn path_bytes(path: &Path) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    path.as_os_str().as_bytes().to_vec()
}

#[cfg(not(unix))]
fn path_bytes(path: &Path) -> Vec<u8> {
    path.to_string_lossy().into_owned().into_bytes()
}

#[cfg(unix)]
fn path_from_bytes(bytes: Vec<u8>) -> PathBuf {
    use std::os::unix::ffi::OsStringExt;
    PathBuf::from(std::ffi::OsString::from_vec(bytes))
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: Vec<u8>) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_and_replies_round_trip() {
        let p = Path::new("départ/Plan d'action n°1.xlsx");
        let bytes = [request(p), request(Path::new("b.csv"))].concat();
        let mut input = &bytes[..];
        assert_eq!(read_request(&mut input).unwrap().as_deref(), Some(p));
        assert_eq!(read_request(&mut input).unwrap().as_deref(), Some(Path::new("b.csv")));
        assert_eq!(read_request(&mut input).unwrap(), None);
        let f = frame(b"{}", true);
        let h: [u8; HEADER] = f[..HEADER].try_into().unwrap();
        assert_eq!(parse_header(&h), Some((2, true)));
        assert_eq!(&f[HEADER..], b"{}");
        // Text where a header should be (a reader printing something else) is garbage.
        let h: [u8; HEADER] = b"chara".to_owned();
        assert_eq!(parse_header(&h), None);
    }
}
