//! Hostile files: peak memory and time of `plandoc check` on each, generated here (never
//! committed), plus the mutation run's figures. Run: `cargo bench --bench hostile`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// Runs plandoc check on `path`: (exit code, seconds, peak RSS in MB).
#[allow(clippy::zombie_processes)] // reaped by wait4, which also gives the peak RSS
fn measure(path: &Path) -> (i32, f64, i64) {
    let start = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_plandoc"))
        .args(["check", path.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: wait4 only writes into the structs we pass.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let code = if libc::WIFEXITED(status) { libc::WEXITSTATUS(status) } else { -1 };
    (code, start.elapsed().as_secs_f64(), usage.ru_maxrss / 1024)
}

/// The canonical sample with `part` rewritten by `edit` (which writes the new content).
fn variant(dst: &Path, part: &str, edit: impl Fn(&str, &mut dyn Write)) {
    variant2(dst, &|name, data, w| {
        if name == part {
            edit(data, w);
            true
        } else {
            false
        }
    })
}

/// The canonical sample with any part rewritten by `edit` (true: it wrote the content).
fn variant2(dst: &Path, edit: &dyn Fn(&str, &str, &mut dyn Write) -> bool) {
    let src =
        std::fs::File::open(Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/canonique-lauragais.xlsx")).unwrap();
    let mut zin = zip::ZipArchive::new(src).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(dst).unwrap());
    let opts = zip::write::SimpleFileOptions::default().large_file(true);
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = String::new();
        std::io::Read::read_to_string(&mut f, &mut data).unwrap();
        out.start_file(name.as_str(), opts).unwrap();
        if !edit(&name, &data, &mut out) {
            out.write_all(data.as_bytes()).unwrap();
        }
    }
    out.finish().unwrap();
}

fn main() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-hostile");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mb = vec![b'a'; 1 << 20];
    let mut cases: Vec<(&str, PathBuf)> = Vec::new();

    // One 500 MB cell in the shared strings.
    let p = dir.join("cellule-500-mo.xlsx");
    variant(&p, "xl/sharedStrings.xml", |s, w| {
        let at = s.find("<si><t>").unwrap() + 7;
        w.write_all(&s.as_bytes()[..at]).unwrap();
        for _ in 0..500 {
            w.write_all(&mb).unwrap();
        }
        w.write_all(&s.as_bytes()[at..]).unwrap();
    });
    cases.push(("une cellule de 500 Mo", p));

    // A 32,767-character string referenced by 400,000 cells (13 Go if copied).
    let p = dir.join("chaine-repetee.xlsx");
    variant2(&p, &|name, s, w| {
        if name == "xl/sharedStrings.xml" {
            let at = s.find("<si><t>").unwrap() + 7;
            let end = s[at..].find("</t>").unwrap() + at;
            w.write_all(&s.as_bytes()[..at]).unwrap();
            w.write_all(&[b'x'; 32_767]).unwrap();
            w.write_all(&s.as_bytes()[end..]).unwrap();
            return true;
        }
        if name != "xl/worksheets/sheet1.xml" {
            return false;
        }
        let at = s.find("</sheetData>").unwrap();
        w.write_all(&s.as_bytes()[..at]).unwrap();
        for r in 0..4000u32 {
            write!(w, "<row r=\"{}\">", r + 100).unwrap();
            for c in 0..100u32 {
                let col = format!("{}{}", (b'A' + (c / 26) as u8) as char, (b'A' + (c % 26) as u8) as char);
                write!(w, "<c r=\"{col}{}\" t=\"s\"><v>0</v></c>", r + 100).unwrap();
            }
            w.write_all(b"</row>").unwrap();
        }
        w.write_all(&s.as_bytes()[at..]).unwrap();
        true
    });
    cases.push(("une chaîne longue dans 400 000 cellules", p));

    // 1,000,000 numeric cells.
    let p = dir.join("million-cellules.xlsx");
    variant(&p, "xl/worksheets/sheet1.xml", |s, w| {
        let at = s.find("</sheetData>").unwrap();
        w.write_all(&s.as_bytes()[..at]).unwrap();
        for r in 0..50_000u32 {
            write!(w, "<row r=\"{}\">", r + 100).unwrap();
            for c in 0..20u32 {
                write!(w, "<c r=\"{}{}\"><v>{}</v></c>", (b'A' + c as u8) as char, r + 100, r * c).unwrap();
            }
            w.write_all(b"</row>").unwrap();
        }
        w.write_all(&s.as_bytes()[at..]).unwrap();
    });
    cases.push(("1 000 000 cellules numériques", p));

    // A 600 MB part of blanks: more than plandoc decompresses.
    let p = dir.join("bombe.xlsx");
    variant(&p, "docProps/app.xml", |s, w| {
        let blanks = vec![b' '; 1 << 20];
        for _ in 0..600 {
            w.write_all(&blanks).unwrap();
        }
        w.write_all(s.as_bytes()).unwrap();
    });
    cases.push(("une partie de 600 Mo (bombe zip)", p));

    // A 50 MB attribute.
    let p = dir.join("attribut.xlsx");
    variant(&p, "xl/worksheets/sheet1.xml", |s, w| {
        let at = s.find("<sheetData").unwrap() + 10;
        w.write_all(&s.as_bytes()[..at]).unwrap();
        w.write_all(b" x=\"").unwrap();
        for _ in 0..50 {
            w.write_all(&mb).unwrap();
        }
        w.write_all(b"\"").unwrap();
        w.write_all(&s.as_bytes()[at..]).unwrap();
    });
    cases.push(("un attribut de 50 Mo", p));

    println!("{:<42} {:>10} {:>6} {:>8} {:>8}", "fichier hostile", "taille", "code", "durée", "mémoire");
    for (what, path) in &cases {
        let size = std::fs::metadata(path).unwrap().len();
        let (code, secs, rss) = measure(path);
        println!("{what:<42} {:>7} Ko {code:>6} {secs:>6.2} s {rss:>5} Mo", size / 1024);
    }
}
