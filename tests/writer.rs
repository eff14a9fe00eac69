//! What krilla used to validate as it wrote, now that plandoc writes its PDFs itself,
//! asserted by reading every document of the samples back with lopdf: PDF/A and PDF/UA
//! identification in the XMP and an Info dictionary saying the same, the sRGB
//! OutputIntent, every font embedded as a subset with its widths and a ToUnicode map
//! covering every code shown (never .notdef), nothing drawn outside marked content,
//! and every MCID of every page reachable from the parent tree, back to an element
//! that claims it.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use common::{plandoc, sample, tagged, tmpdir};
use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};

fn build(name: &str) -> Vec<PathBuf> {
    let dir = tmpdir(&format!("writer-{}", name.replace('.', "-")));
    let out = plandoc(&["build", sample(name).to_str().unwrap(), "-o", dir.to_str().unwrap(), "--date", "2026-01-29"]);
    assert_eq!(out.code, 0, "{name}: {}", out.stderr);
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    v.sort();
    v
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    doc.dereference(o).map(|(_, o)| o).unwrap_or(o)
}

fn dict<'a>(doc: &'a Document, o: &'a Object) -> &'a Dictionary {
    match deref(doc, o) {
        Object::Dictionary(d) => d,
        Object::Stream(s) => &s.dict,
        other => panic!("dictionnaire attendu : {other:?}"),
    }
}

fn get<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> &'a Object {
    deref(doc, d.get(key).unwrap_or_else(|_| panic!("/{} absent de {d:?}", String::from_utf8_lossy(key))))
}

fn name(o: &Object) -> String {
    match o {
        Object::Name(n) => String::from_utf8_lossy(n).into_owned(),
        other => format!("{other:?}"),
    }
}

fn text(o: &Object) -> String {
    match o {
        Object::String(b, _) if b.starts_with(&[0xFE, 0xFF]) => {
            let u: Vec<u16> = b[2..].chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
            String::from_utf16_lossy(&u)
        }
        Object::String(b, _) => String::from_utf8_lossy(b).into_owned(),
        other => panic!("chaîne attendue : {other:?}"),
    }
}

fn stream_data(doc: &Document, o: &Object) -> Vec<u8> {
    match deref(doc, o) {
        Object::Stream(s) => s.decompressed_content().unwrap_or_else(|_| s.content.clone()),
        other => panic!("flux attendu : {other:?}"),
    }
}

/// Codes a ToUnicode CMap maps (bfchar entries and bfrange spans).
fn unicode_codes(cmap: &str) -> BTreeSet<u32> {
    let hex = |s: &str| u32::from_str_radix(s.trim_matches(|c| c == '<' || c == '>'), 16).ok();
    let mut codes = BTreeSet::new();
    let mut mode = "";
    for line in cmap.lines() {
        let l = line.trim();
        if l.ends_with("beginbfchar") || l.ends_with("beginbfrange") {
            mode = if l.ends_with("beginbfchar") { "char" } else { "range" };
            continue;
        }
        if l.starts_with("endbf") {
            mode = "";
            continue;
        }
        let parts: Vec<&str> = l.split_whitespace().collect();
        match (mode, parts.as_slice()) {
            ("char", [code, _, ..]) => codes.extend(hex(code)),
            ("range", [a, b, _, ..]) => {
                if let (Some(a), Some(b)) = (hex(a), hex(b)) {
                    codes.extend(a..=b);
                }
            }
            _ => {}
        }
    }
    codes
}

/// Checks a Type 0 font; returns the codes its ToUnicode maps.
fn check_font(doc: &Document, font: &Dictionary, what: &str) -> BTreeSet<u32> {
    assert_eq!(name(get(doc, font, b"Subtype")), "Type0", "{what}");
    assert_eq!(name(get(doc, font, b"Encoding")), "Identity-H", "{what}");
    let base = name(get(doc, font, b"BaseFont"));
    let tag = base.split('+').next().unwrap();
    assert!(tag.len() == 6 && tag.chars().all(|c| c.is_ascii_uppercase()) && base.len() > 7, "{what}: {base}");
    let Object::Array(kids) = get(doc, font, b"DescendantFonts") else { panic!("{what}") };
    let cid = dict(doc, &kids[0]);
    let subtype = name(get(doc, cid, b"Subtype"));
    assert!(subtype == "CIDFontType2" || subtype == "CIDFontType0", "{what}: {subtype}");
    if subtype == "CIDFontType2" {
        assert!(cid.get(b"CIDToGIDMap").is_ok(), "{what}: CIDToGIDMap");
    }
    assert!(matches!(get(doc, cid, b"W"), Object::Array(a) if !a.is_empty()), "{what}: /W");
    let fd = dict(doc, cid.get(b"FontDescriptor").unwrap());
    assert_eq!(name(get(doc, fd, b"FontName")), name(get(doc, cid, b"BaseFont")), "{what}");
    for key in [&b"CapHeight"[..], b"Ascent", b"Descent", b"FontBBox", b"ItalicAngle", b"StemV", b"Flags"] {
        assert!(fd.get(key).is_ok(), "{what}: /{}", String::from_utf8_lossy(key));
    }
    let cap = match get(doc, fd, b"CapHeight") {
        Object::Integer(i) => *i as f32,
        Object::Real(r) => *r,
        o => panic!("{o:?}"),
    };
    assert!(cap > 500.0 && cap < 900.0, "{what}: CapHeight {cap}");
    let file = fd.get(b"FontFile2").or_else(|_| fd.get(b"FontFile3")).expect("police embarquée");
    assert!(stream_data(doc, file).len() > 1000, "{what}: programme de police");
    let cmap = String::from_utf8_lossy(&stream_data(doc, font.get(b"ToUnicode").expect("ToUnicode"))).into_owned();
    unicode_codes(&cmap)
}

/// Every string shown by Tj / TJ, with the font resource it is shown in.
fn shown(content: &Content) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut font = Vec::new();
    let mut out = Vec::new();
    for op in &content.operations {
        match op.operator.as_str() {
            "Tf" => font = op.operands[0].as_name().unwrap().to_vec(),
            "Tj" => out.push((font.clone(), op.operands[0].as_str().unwrap().to_vec())),
            "TJ" => {
                for o in op.operands[0].as_array().unwrap() {
                    if let Object::String(s, _) = o {
                        out.push((font.clone(), s.clone()));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// MCIDs of the marked-content sequences of a page.
fn mcids(content: &Content) -> Vec<i64> {
    content
        .operations
        .iter()
        .filter(|op| op.operator == "BDC")
        .filter_map(|op| op.operands.get(1).and_then(|p| p.as_dict().ok()).and_then(|d| d.get(b"MCID").ok()))
        .filter_map(|o| o.as_i64().ok())
        .collect()
}

/// Does the element claim MCID `mcid` of page `page` in its /K?
fn claims(doc: &Document, elem: &Dictionary, page: ObjectId, mcid: i64) -> bool {
    let own_page = elem.get(b"Pg").ok().and_then(|p| p.as_reference().ok());
    let kid = |k: &Object| match deref(doc, k) {
        Object::Integer(i) => *i == mcid && own_page == Some(page),
        Object::Dictionary(d) if d.get(b"MCID").is_ok() => {
            let pg = d.get(b"Pg").ok().and_then(|p| p.as_reference().ok()).or(own_page);
            d.get(b"MCID").ok().and_then(|m| m.as_i64().ok()) == Some(mcid) && pg == Some(page)
        }
        _ => false,
    };
    match elem.get(b"K") {
        Ok(Object::Array(a)) => a.iter().any(kid),
        Ok(k) => kid(k),
        Err(_) => false,
    }
}

#[test]
fn every_file_meets_what_krilla_validated() {
    for sample_name in ["000-pst-ambitions-texte.xlsx", "canonique-lauragais.xlsx", "suivi-lauragais.xlsx"] {
        for f in build(sample_name) {
            let what = format!("{sample_name}/{}", f.file_name().unwrap().to_string_lossy());
            let doc = tagged::load(&f);
            // Identification, and Info saying what the XMP says.
            let x = tagged::xmp(&doc)
                .replace("&apos;", "'")
                .replace("&#39;", "'")
                .replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&");
            for needle in [
                "<pdfaid:part>2</pdfaid:part>",
                "<pdfaid:conformance>A</pdfaid:conformance>",
                "<pdfuaid:part>1</pdfuaid:part>",
                "pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/<",
            ] {
                assert!(x.contains(needle), "{what}: {needle}\n{x}");
            }
            let info = dict(&doc, doc.trailer.get(b"Info").expect("/Info"));
            let title = text(get(&doc, info, b"Title"));
            assert!(!title.is_empty() && x.contains(&format!(">{title}<")), "{what}: {title}");
            let producer = text(get(&doc, info, b"Producer"));
            assert!(x.contains(&format!("<pdf:Producer>{producer}</pdf:Producer>")), "{what}");
            assert!(text(get(&doc, info, b"CreationDate")).starts_with("D:20260129"), "{what}");
            assert!(x.contains("<xmp:CreateDate>2026-01-29T00:00:00"), "{what}");
            assert!(doc.trailer.get(b"ID").is_ok(), "{what}: /ID");
            assert_eq!(tagged::output_intents(&doc), vec![("GTS_PDFA1".to_string(), true)], "{what}");
            let oi = tagged::catalog_has(&doc, b"OutputIntents");
            assert!(oi.is_some(), "{what}");

            let cat = doc.catalog().unwrap();
            let st = dict(&doc, cat.get(b"StructTreeRoot").unwrap());
            let Object::Array(nums) = get(&doc, dict(&doc, st.get(b"ParentTree").unwrap()), b"Nums") else {
                panic!("{what}: /Nums")
            };
            let parents: BTreeMap<i64, &Object> =
                nums.chunks_exact(2).map(|p| (p[0].as_i64().unwrap(), deref(&doc, &p[1]))).collect();
            let mut shown_any = 0;
            for (n, page_id) in doc.get_pages() {
                let page = doc.get_dictionary(page_id).unwrap();
                assert_eq!(name(get(&doc, page, b"Tabs")), "S", "{what} p.{n}");
                let content = Content::decode(&doc.get_page_content(page_id)).unwrap();
                assert!(tagged::untagged_text_ops(&doc).is_empty(), "{what}");
                // Fonts: embedded subsets; every code shown is mapped to text, none is .notdef.
                let fonts = doc.get_page_fonts(page_id).unwrap();
                let mut maps: BTreeMap<Vec<u8>, BTreeSet<u32>> = BTreeMap::new();
                for (res, font) in &fonts {
                    maps.insert(
                        res.clone(),
                        check_font(&doc, font, &format!("{what} {}", String::from_utf8_lossy(res))),
                    );
                }
                for (font, bytes) in shown(&content) {
                    let map = &maps[&font];
                    for c in bytes.chunks(2) {
                        let code = u32::from(u16::from_be_bytes([c[0], c[1]]));
                        assert!(code != 0, "{what} p.{n}: .notdef");
                        assert!(map.contains(&code), "{what} p.{n}: code {code} sans ToUnicode");
                        shown_any += 1;
                    }
                }
                // Marked content → parent tree → the element that claims it.
                let ids = mcids(&content);
                if ids.is_empty() {
                    continue;
                }
                let key = page.get(b"StructParents").and_then(Object::as_i64).expect("StructParents");
                let Some(Object::Array(elems)) = parents.get(&key).copied() else { panic!("{what} p.{n}") };
                for (i, mcid) in ids.iter().enumerate() {
                    assert_eq!(*mcid, i as i64, "{what} p.{n}: MCID dans l'ordre");
                    let elem = dict(&doc, &elems[*mcid as usize]);
                    assert!(claims(&doc, elem, page_id, *mcid), "{what} p.{n}: MCID {mcid} non rattaché");
                }
                assert_eq!(elems.len(), ids.len(), "{what} p.{n}");
            }
            assert!(shown_any > 100, "{what}");
        }
    }
}

#[test]
fn a_glyph_shown_for_two_texts_reads_back_as_each() {
    // One space glyph serves U+0020 and U+00A0 (French typography puts no-break spaces
    // before « : » and inside « »): each gets its own code and extracts as itself.
    let f = build("002-pst-sections-annees.xlsx");
    let fiches = f.iter().find(|p| p.ends_with("fiches-actions.pdf")).unwrap();
    let doc = tagged::load(fiches);
    let mut both = false;
    for (_, page_id) in doc.get_pages() {
        for font in doc.get_page_fonts(page_id).unwrap().values() {
            let cmap = String::from_utf8_lossy(&stream_data(&doc, font.get(b"ToUnicode").unwrap())).into_owned();
            let maps_to = |u: &str| cmap.lines().any(|l| l.trim_end().ends_with(&format!("> <{u}>")));
            both |= maps_to("0020") && maps_to("00A0");
        }
    }
    assert!(both, "U+0020 et U+00A0 ont chacun leur code");
    let t = common::pdf::text(fiches);
    assert!(t.matches(' ').count() > 100, "{t}");
}

/// Content streams as plandoc writes them since issue 24: glyph codes as raw bytes (two a
/// glyph, never an octal escape such as `\000`), numbers to the thousandth at most —
/// and every page still reads back through lopdf, its text shown whole.
#[test]
fn content_streams_carry_raw_glyph_codes_and_short_numbers() {
    for f in build("000-pst-ambitions-texte.xlsx") {
        let what = f.file_name().unwrap().to_string_lossy().into_owned();
        let doc = Document::load(&f).unwrap();
        let mut glyphs = 0;
        for (_, page) in doc.get_pages() {
            let raw = doc.get_page_content(page);
            assert!(!raw.windows(4).any(|w| w == br"\000"), "{what} : code de glyphe en octal");
            let content = Content::decode(&raw).unwrap();
            for op in &content.operations {
                for o in &op.operands {
                    if let Object::Real(r) = o {
                        // Within what an f32 (lopdf's reals) keeps of the number written.
                        let milli = f64::from(*r) * 1000.0;
                        let ulp = f64::from(r.abs()) * 1000.0 * f64::from(f32::EPSILON);
                        assert!((milli - milli.round()).abs() <= ulp.max(1e-6), "{what} : {r}");
                    }
                }
            }
            glyphs += shown(&content).iter().map(|(_, codes)| codes.len() / 2).sum::<usize>();
        }
        assert!(glyphs > 1000, "{what} : {glyphs} glyphes");
    }
}
