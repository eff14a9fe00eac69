//! The XLSX charts as ODS chart objects: a frame in the anchor cell, sized over the same
//! cells, and an "Object N" part drawing the same ranges of the sheet.

use std::fmt::Write;

use super::ods_content::{column_points, esc};
use super::xlsx_charts::Chart;
use super::xlsx_parts::Sheet;

const EMU_PER_PT: f64 = 12_700.0;
const DEFAULT_ROW_PT: f64 = 15.0;
const DEFAULT_WIDTH: f64 = 8.43 + 5.0 / 7.0;
/// Series colours, in Excel's default order.
const PALETTE: [&str; 6] = ["#4472C4", "#ED7D31", "#A5A5A5", "#FFC000", "#5B9BD5", "#70AD47"];

/// "'Plan d''actions'!$A$1:$B$2" → "'Plan d''actions'.A1:'Plan d''actions'.B2".
pub fn range(excel: &str) -> String {
    let Some((sheet, cells)) = excel.rsplit_once('!') else { return String::new() };
    let name =
        sheet.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')).map_or(sheet.to_string(), |s| s.replace("''", "'"));
    let q = format!("'{}'", name.replace('\'', "''"));
    cells.replace('$', "").split(':').map(|c| format!("{q}.{c}")).collect::<Vec<_>>().join(":")
}

fn width(sheet: &Sheet, col: u32) -> f64 {
    column_points(sheet.widths.get(&col).copied().unwrap_or(DEFAULT_WIDTH))
}

fn height(sheet: &Sheet, row: u32) -> f64 {
    sheet.rows.get(&row).and_then(|r| r.height).unwrap_or(DEFAULT_ROW_PT)
}

/// The frame of chart `n` ("Object n"), written inside its anchor cell.
pub fn frame(out: &mut String, sheet: &Sheet, chart: &Chart, n: usize) {
    let (r0, c0, x0, y0) = chart.from;
    let (r1, c1, x1, y1) = chart.to;
    let (x0, y0, x1, y1) =
        (x0 as f64 / EMU_PER_PT, y0 as f64 / EMU_PER_PT, x1 as f64 / EMU_PER_PT, y1 as f64 / EMU_PER_PT);
    // Bounded by the anchors, which our own writer sets a few cells apart.
    let across: f64 = (c0..c1.min(c0 + 1000)).map(|c| width(sheet, c)).sum();
    let down: f64 = (r0..r1.min(r0 + 10_000)).map(|r| height(sheet, r)).sum();
    let (w, h) = ((across - x0 + x1).max(10.0), (down - y0 + y1).max(10.0));
    let end = format!("'{}'.{}{}", sheet.name.replace('\'', "''"), crate::text::column_letters(c1), r1 + 1);
    let ranges: Vec<String> =
        chart.series.iter().flat_map(|s| [&s.name_ref, &s.categories, &s.values]).flatten().map(|r| range(r)).collect();
    let _ = write!(
        out,
        r#"<draw:frame draw:z-index="{z}" draw:name="Graphique {n}" svg:width="{w:.2}pt" svg:height="{h:.2}pt" svg:x="{x0:.2}pt" svg:y="{y0:.2}pt" table:end-cell-address="{end}" table:end-x="{x1:.2}pt" table:end-y="{y1:.2}pt"><draw:object draw:notify-on-update-of-ranges="{ranges}" xlink:href="./Object {n}" xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad"/></draw:frame>"#,
        z = n - 1,
        end = esc(&end),
        ranges = esc(&ranges.join(" "))
    );
}

/// "Object n/content.xml": the chart, drawn from the sheet's cells.
pub fn object_content(chart: &Chart) -> String {
    let class = match chart.kind.as_str() {
        "" => "bar",
        k => k,
    };
    let mut out = String::from(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = write!(
        out,
        r#"<office:document-content {} xmlns:chart="urn:oasis:names:tc:opendocument:xmlns:chart:1.0"><office:automatic-styles><style:style style:name="pa" style:family="chart"><style:chart-properties chart:vertical="{}" chart:stacked="{}" chart:percentage="{}"/></style:style>{}</office:automatic-styles><office:body><office:chart><chart:chart svg:width="16cm" svg:height="8cm" chart:class="chart:{class}">"#,
        super::ods_content::NAMESPACES,
        chart.horizontal,
        chart.stacked && !chart.percent,
        chart.percent,
        (0..chart.series.len().min(1000))
            .map(|i| format!(
                r#"<style:style style:name="s{i}" style:family="chart"><style:graphic-properties draw:fill-color="{c}" svg:stroke-color="{c}"/></style:style>"#,
                c = PALETTE[i % PALETTE.len()]
            ))
            .collect::<String>()
    );
    if !chart.title.is_empty() {
        let _ = write!(out, "<chart:title><text:p>{}</text:p></chart:title>", esc(&chart.title));
    }
    if chart.legend {
        out.push_str(r#"<chart:legend chart:legend-position="end"/>"#);
    }
    out.push_str(r#"<chart:plot-area chart:style-name="pa" chart:data-source-has-labels="none">"#);
    out.push_str(r#"<chart:axis chart:dimension="x" chart:name="primary-x">"#);
    if let Some(cat) = chart.series.iter().find_map(|s| s.categories.as_deref()) {
        let _ = write!(out, r#"<chart:categories table:cell-range-address="{}"/>"#, esc(&range(cat)));
    }
    out.push_str(r#"</chart:axis><chart:axis chart:dimension="y" chart:name="primary-y"><chart:grid chart:class="major"/></chart:axis>"#);
    for (i, s) in chart.series.iter().enumerate() {
        let _ = write!(
            out,
            r#"<chart:series chart:style-name="s{i}" chart:class="chart:{class}" chart:values-cell-range-address="{}""#,
            esc(&s.values.as_deref().map(range).unwrap_or_default())
        );
        if let Some(label) = &s.name_ref {
            let _ = write!(out, r#" chart:label-cell-address="{}""#, esc(&range(label)));
        }
        out.push_str("/>");
    }
    out.push_str("</chart:plot-area></chart:chart></office:chart></office:body></office:document-content>");
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn excel_ranges_become_odf_ranges() {
        assert_eq!(super::range("Synthèse!$B$4:$B$8"), "'Synthèse'.B4:'Synthèse'.B8");
        assert_eq!(super::range("'Plan d''actions'!$A$1"), "'Plan d''actions'.A1");
    }
}
