//! What identifies the file: XMP metadata (Dublin Core, PDF/A-2a and PDF/UA-1
//! identification with the extension schema PDF/A wants for pdfuaid), the Info
//! dictionary saying the same, the sRGB OutputIntent, and the file /ID, a hash of the
//! bytes written before it.

use std::hash::{Hash, Hasher};

use pdf_writer::{Date, Filter, Finish, Pdf, Ref, TextStr};
use xmp_writer::{LangId, Timezone, XmpWriter};

use super::deflate;
use super::Refs;
use crate::layout::canvas::DocInfo;

/// sRGB IEC61966-2.1, ICC v4, 480 bytes, CC0 (Compact-ICC-Profiles by Clinton Ingram;
/// licence beside it).
const SRGB: &[u8] = include_bytes!("sRGB-v4.icc");

pub(crate) struct Written {
    pub xmp: Ref,
    pub output_intents: Ref,
    pub id: Vec<u8>,
}

/// The document's date (--date, else the deliberation's), or none: the clock is never
/// read and no date is invented. PDF/A only asks that Info and XMP agree, absent or not.
fn date(info: &DocInfo) -> Option<(u16, u8, u8)> {
    use chrono::Datelike;
    let d = info.date.as_deref().and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    d.and_then(|d| Some((u16::try_from(d.year()).ok().filter(|y| *y <= 9999)?, d.month() as u8, d.day() as u8)))
}

fn producer() -> String {
    format!("plandoc {}", env!("CARGO_PKG_VERSION"))
}

/// Writes Info, OutputIntent and XMP (after every other object but the catalog, whose
/// content follows from them).
pub(crate) fn write(info: &DocInfo, pdf: &mut Pdf, refs: &mut Refs) -> Written {
    let output_intents = write_output_intent(pdf, refs);
    write_info(info, pdf, refs);
    // The content so far names the file: same content, same identifiers. FxHash: a file
    // name, not a seal, at several times SipHash's speed over the whole file.
    let mut h = rustc_hash::FxHasher::default();
    pdf.as_bytes().hash(&mut h);
    let h1 = Hasher::finish(&h);
    "plandoc".hash(&mut h);
    let id = format!("{h1:016x}{:016x}", Hasher::finish(&h));
    let packet = xmp_packet(info, &id);
    let xmp = refs.next();
    pdf.metadata(xmp, packet.as_bytes());
    Written { xmp, output_intents, id: id.into_bytes() }
}

/// The sRGB profile and the PDF/A output intent naming it; returns the intents' array.
fn write_output_intent(pdf: &mut Pdf, refs: &mut Refs) -> Ref {
    let icc = refs.next();
    // The same bytes in every document: compressed once per process.
    static PACKED: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    let packed = PACKED.get_or_init(|| deflate::with(|z| z.deflate(SRGB)));
    pdf.icc_profile(icc, packed).n(3).range([0.0, 1.0, 0.0, 1.0, 0.0, 1.0]).filter(Filter::FlateDecode);
    let output_intents = refs.next();
    let mut a = pdf.indirect(output_intents).array();
    let mut oi = a.push().start::<pdf_writer::writers::OutputIntent>();
    oi.subtype(pdf_writer::types::OutputIntentSubtype::PDFA)
        .output_condition_identifier(TextStr("sRGB IEC61966-2.1"))
        .output_condition(TextStr("sRGB"))
        .registry_name(TextStr("http://www.color.org"))
        .info(TextStr("sRGB IEC61966-2.1 (ICC v4)"))
        .dest_output_profile(icc);
    oi.finish();
    a.finish();
    output_intents
}

/// The document information dictionary (the same facts as the XMP).
fn write_info(i: &DocInfo, pdf: &mut Pdf, refs: &mut Refs) {
    let keywords = i.keywords.join(", ");
    let producer = producer();
    let info = refs.next();
    let mut di = pdf.document_info(info);
    di.title(TextStr(&i.title)).producer(TextStr(&producer));
    if let Some((y, m, d)) = date(i) {
        let pdf_date = Date::new(y).month(m).day(d).hour(0).minute(0).second(0).utc_offset_hour(0).utc_offset_minute(0);
        di.creation_date(pdf_date).modified_date(pdf_date);
    }
    if !i.author.is_empty() {
        di.author(TextStr(&i.author));
    }
    if !i.subject.is_empty() {
        di.subject(TextStr(&i.subject));
    }
    if !keywords.is_empty() {
        di.keywords(TextStr(&keywords));
    }
    if !i.creator.is_empty() {
        di.creator(TextStr(&i.creator));
    }
    di.finish();
}

/// The XMP packet: Dublin Core, dates, identifiers, PDF/A-2a and PDF/UA-1 claims.
fn xmp_packet(i: &DocInfo, id: &str) -> String {
    let keywords = i.keywords.join(", ");
    let producer = producer();
    let mut x = XmpWriter::new();
    let lang = i.lang.split('-').next().unwrap_or("fr");
    x.title([(None, i.title.as_str()), (Some(LangId(lang)), i.title.as_str())]);
    if !i.author.is_empty() {
        x.creator([i.author.as_str()]);
    }
    if !i.subject.is_empty() {
        x.description([(None, i.subject.as_str()), (Some(LangId(lang)), i.subject.as_str())]);
    }
    if !keywords.is_empty() {
        x.pdf_keywords(&keywords);
    }
    if !i.creator.is_empty() {
        x.creator_tool(&i.creator);
    }
    x.producer(&producer);
    x.language([LangId(&i.lang)]);
    if let Some((year, m, d)) = date(i) {
        let when = xmp_writer::DateTime {
            year,
            month: Some(m),
            day: Some(d),
            hour: Some(0),
            minute: Some(0),
            second: Some(0),
            timezone: Some(Timezone::Local { hour: 0, minute: 0 }),
        };
        x.create_date(when).modify_date(when).metadata_date(when);
    }
    x.format("application/pdf");
    x.instance_id(&format!("uuid:{id}")).document_id(&format!("uuid:{id}"));
    x.pdfa_part(2).pdfa_conformance("A");
    x.pdfua_part(1);
    x.extension_schemas().pdfua_id().properties().describe_part();
    x.finish(None)
}
