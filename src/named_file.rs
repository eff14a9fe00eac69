//! Reading a file a plan names (its logo): regular files only, opened without blocking,
//! read within a size cap, so a FIFO, a device or a huge file is refused, never waited on.

use std::io::Read;
use std::path::Path;

/// Largest logo file read, in bytes (a logo of the largest accepted size, 16 million
/// pixels, fits as a PNG or JPEG).
pub const MAX_LOGO_BYTES: u64 = 20 << 20;

/// The bytes of `path`, when it is a regular file of at most `max` bytes; else why not,
/// in French. Opened non-blocking (a FIFO without writer never blocks the open), checked
/// on the open handle (no race between a check and the open), read at most `max + 1`
/// bytes (a file growing meanwhile is refused, not read whole).
pub fn read_regular(path: &Path, max: u64) -> Result<Vec<u8>, String> {
    let file = open_nonblocking(path).map_err(|e| crate::durable::io_fr(&e))?;
    let meta = file.metadata().map_err(|e| crate::durable::io_fr(&e))?;
    if !meta.is_file() {
        return Err(format!("ce n'est pas un fichier ordinaire ({})", kind_fr(&meta.file_type())));
    }
    if meta.len() > max {
        return Err(format!("fichier de {} Mo, plus que les {} Mo admis", meta.len() >> 20, max >> 20));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max + 1).read_to_end(&mut bytes).map_err(|e| crate::durable::io_fr(&e))?;
    if bytes.len() as u64 > max {
        return Err(format!("fichier de plus de {} Mo admis", max >> 20));
    }
    Ok(bytes)
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY).open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// What a file that is not a regular one is, in French.
fn kind_fr(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "tube nommé";
        }
        if t.is_char_device() || t.is_block_device() {
            return "périphérique";
        }
        if t.is_socket() {
            return "socket";
        }
    }
    if t.is_dir() {
        "dossier"
    } else {
        "fichier spécial"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_devices_folders_and_big_files() {
        assert!(read_regular(Path::new("/dev/zero"), 1 << 20).unwrap_err().contains("périphérique"));
        assert!(read_regular(Path::new("/"), 1 << 20).unwrap_err().contains("dossier"));
        let dir = std::env::temp_dir().join(format!("plandoc-named-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("gros.bin");
        std::fs::write(&p, vec![0u8; 3 << 20]).unwrap();
        assert!(read_regular(&p, 2 << 20).unwrap_err().contains("3 Mo"));
        assert_eq!(read_regular(&p, 3 << 20).unwrap().len(), 3 << 20);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
