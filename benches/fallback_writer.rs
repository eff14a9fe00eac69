//! Issue 11's fallback, measured before it is built: what a PDF writer of our own on
//! pdf-writer + subsetter (the crates under krilla) would cost on the three laid-out
//! documents of the 40-action sample, next to krilla on the same documents.
//! The sketch writes what dominates a tagged file's cost — content streams with their
//! marked content, one compressor reused for every stream, subset fonts, one structure
//! element per node — and leaves out what costs little (XMP, outline, ICC profile).
//! It is no writer: its files are not valid PDFs. Run: `cargo bench --bench fallback_writer`.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use pdf_writer::{Content, Finish, Name, Pdf, Ref, Str};
use plandoc::build::DocKind;
use plandoc::layout::fonts::Face;
use plandoc::layout::{Document, Item, Tag};

#[path = "common/cpu.rs"]
mod cpu;

fn deflate(c: &mut flate2::Compress, data: &[u8]) -> Vec<u8> {
    c.reset();
    let mut out = Vec::with_capacity(data.len() / 2 + 64);
    let _ = c.compress_vec(data, &mut out, flate2::FlushCompress::Finish);
    while out.len() == out.capacity() {
        out.reserve(data.len() / 4 + 64);
        let _ = c.compress_vec(&[], &mut out, flate2::FlushCompress::Finish);
    }
    out
}

fn write(doc: &Document, c: &mut flate2::Compress) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let mut next = 1;
    let mut alloc = || {
        next += 1;
        Ref::new(next)
    };
    let mut remap: BTreeMap<Face, subsetter::GlyphRemapper> = BTreeMap::new();
    let mut mcid_of_node: Vec<Vec<(usize, i32)>> = vec![Vec::new(); doc.tree.nodes.len()];
    for (pi, page) in doc.pages.iter().enumerate() {
        let mut content = Content::new();
        content.transform([1.0, 0.0, 0.0, -1.0, 0.0, page.height]);
        let mut open: Option<Tag> = None;
        let mut mcid = 0;
        for it in &page.items {
            let tag = it.tag();
            if open != Some(tag) {
                if open.is_some() {
                    content.end_marked_content();
                }
                match tag {
                    Tag::Node(n) => {
                        content
                            .begin_marked_content_with_properties(Name(b"Span"))
                            .properties()
                            .pairs([(Name(b"MCID"), mcid)]);
                        mcid_of_node[n].push((pi, mcid));
                        mcid += 1;
                    }
                    Tag::Artifact(_) => {
                        content
                            .begin_marked_content_with_properties(Name(b"Artifact"))
                            .properties()
                            .pair(Name(b"Type"), Name(b"Layout"));
                    }
                }
                open = Some(tag);
            }
            match it {
                Item::Text { x, y, runs, style, .. } => {
                    let c = style.color;
                    content.set_fill_rgb(f32::from(c.0) / 255.0, f32::from(c.1) / 255.0, f32::from(c.2) / 255.0);
                    content.begin_text();
                    content.set_text_matrix([1.0, 0.0, 0.0, -1.0, *x, *y]);
                    for r in runs.iter() {
                        let m = remap.entry(r.face).or_default();
                        let font = format!("F{}", r.face.index());
                        content.set_font(Name(font.as_bytes()), style.size);
                        let mut bytes = Vec::with_capacity(r.glyphs.len() * 2);
                        for g in &r.glyphs {
                            bytes.extend_from_slice(&m.remap(g.id).to_be_bytes());
                        }
                        let mut show = content.show_positioned();
                        show.items().show(Str(&bytes));
                    }
                    content.end_text();
                }
                Item::Rect { x, y, w, h, .. } => {
                    content.rect(*x, *y, *w, *h);
                    content.fill_nonzero();
                }
                Item::Line { x1, y1, x2, y2, width, .. } => {
                    content.set_line_width(*width);
                    content.move_to(*x1, *y1);
                    content.line_to(*x2, *y2);
                    content.stroke();
                }
                Item::Image { .. } => {}
            }
        }
        if open.is_some() {
            content.end_marked_content();
        }
        let raw = content.finish();
        let packed = deflate(c, &raw);
        let id = alloc();
        pdf.stream(id, &packed).filter(pdf_writer::Filter::FlateDecode);
    }
    for (face, m) in &remap {
        let sub = subsetter::subset(face.bytes(), 0, m).unwrap_or_default();
        let packed = deflate(c, &sub);
        let id = alloc();
        pdf.stream(id, &packed).filter(pdf_writer::Filter::FlateDecode);
    }
    // One structure element per node, its marked-content references as kids.
    let ids: Vec<Ref> = doc.tree.nodes.iter().map(|_| alloc()).collect();
    for (n, node) in doc.tree.nodes.iter().enumerate() {
        let mut e = pdf.struct_element(ids[n]);
        e.kind(pdf_writer::types::StructRole::P);
        e.parent(ids[node.parent]);
        let mut kids = e.children();
        for k in &node.kids {
            kids.struct_element(ids[*k]);
        }
        for (_, m) in &mcid_of_node[n] {
            kids.marked_content_id(*m);
        }
        kids.finish();
    }
    pdf.finish()
}

fn main() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/000-pst-ambitions-texte.xlsx");
    let plan = plandoc::ingest::read_plan(&sample, &Default::default()).expect("échantillon lisible").plan;
    let opts = plandoc::documents::DocOptions::default();
    let docs = [
        plandoc::documents::fiches(&plan, &opts),
        plandoc::documents::echeancier(&plan, &opts),
        plandoc::documents::plan_table(&plan, &opts),
    ];
    let n = 30;
    let mut report = Vec::new();
    for level in [6, 1] {
        let mut c = flate2::Compress::new(flate2::Compression::new(level), true);
        let mut sizes = Vec::new();
        let (t, c0) = (Instant::now(), cpu::own_ms());
        for _ in 0..n {
            sizes = docs.iter().map(|d| write(d, &mut c).len()).collect();
        }
        report.push(format!(
            "  esquisse pdf-writer + subsetter, zlib niveau {level} : {:.1} ms CPU ({:.1} ms écoulées) pour les 3 PDF ; tailles {:?} Ko",
            (cpu::own_ms() - c0) / n as f64,
            t.elapsed().as_secs_f64() * 1000.0 / n as f64,
            sizes.iter().map(|s| s / 1024).collect::<Vec<_>>()
        ));
    }
    let (t, c0) = (Instant::now(), cpu::own_ms());
    let mut sizes = Vec::new();
    for _ in 0..n {
        sizes = docs.iter().map(|d| plandoc::render::pdf::render_pdf(d).unwrap().len()).collect();
    }
    println!("Écriture des 3 PDF de l'échantillon 000 déjà mis en page, un cœur, {n} passes :");
    println!(
        "  krilla (PDF/UA-1 + PDF/A-2a complets) : {:.1} ms CPU ({:.1} ms écoulées) ; tailles {:?} Ko",
        (cpu::own_ms() - c0) / n as f64,
        t.elapsed().as_secs_f64() * 1000.0 / n as f64,
        sizes.iter().map(|s| s / 1024).collect::<Vec<_>>()
    );
    for l in report {
        println!("{l}");
    }
    let _ = DocKind::PDF;
}
