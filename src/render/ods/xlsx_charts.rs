//! The charts of a sheet plandoc wrote: where each is anchored (drawing) and what it
//! shows (chart part): kind, direction, stacking, title, legend, series ranges.

use quick_xml::events::Event;

use super::xlsx_parts::{attributes, local_name, push_ref};

/// A series: its name (a cell or a text) and its ranges, as Excel writes them.
#[derive(Debug, Clone, Default)]
pub struct Series {
    pub name_ref: Option<String>,
    pub name: Option<String>,
    pub categories: Option<String>,
    pub values: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Chart {
    /// (row, col, x offset, y offset in EMU) of the top-left and bottom-right corners.
    pub from: (u32, u32, i64, i64),
    pub to: (u32, u32, i64, i64),
    /// "bar", "line", "pie", "area", "scatter".
    pub kind: String,
    /// Bars drawn across (Excel's barDir "bar").
    pub horizontal: bool,
    pub stacked: bool,
    pub percent: bool,
    pub title: String,
    pub legend: bool,
    pub series: Vec<Series>,
}

/// Anchors of a drawing part: corners and the relationship id of each chart.
pub fn anchors(xml: &str) -> Vec<(Chart, String)> {
    let mut out = Vec::new();
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut corner: Option<bool> = None; // Some(true): from, Some(false): to
    let mut field = String::new();
    let mut current = Chart::default();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let name = local_name(&e);
                match name.as_str() {
                    "twoCellAnchor" => current = Chart::default(),
                    "from" => corner = Some(true),
                    "to" => corner = Some(false),
                    _ => {}
                }
                field = name;
            }
            Ok(Event::Empty(e)) if local_name(&e) == "chart" => {
                let id = attributes(&e).get("id").cloned().unwrap_or_default();
                out.push((current.clone(), id));
            }
            Ok(Event::Text(t)) => {
                let v: i64 = t.xml10_content().trim().parse().unwrap_or(0);
                let c = match corner {
                    Some(true) => &mut current.from,
                    Some(false) => &mut current.to,
                    None => continue,
                };
                match field.as_str() {
                    "row" => c.0 = v.clamp(0, u32::MAX as i64) as u32,
                    "col" => c.1 = v.clamp(0, u32::MAX as i64) as u32,
                    "colOff" => c.2 = v,
                    "rowOff" => c.3 = v,
                    _ => {}
                }
            }
            Ok(Event::End(e)) if matches!(e.local_name().as_ref(), "from" | "to") => corner = None,
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
}

/// What a chart part shows, into `chart`.
pub fn read_chart(xml: &str, chart: &mut Chart) {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut path: Vec<String> = Vec::new();
    let mut text = String::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let name = local_name(&e);
                if name == "ser" {
                    chart.series.push(Series::default());
                }
                if name == "legend" {
                    chart.legend = true;
                }
                kind_of(chart, &name);
                path.push(name);
                text.clear();
            }
            Ok(Event::Empty(e)) => {
                let (name, a) = (local_name(&e), attributes(&e));
                let val = a.get("val").cloned().unwrap_or_default();
                match name.as_str() {
                    "barDir" => chart.horizontal = val == "bar",
                    "grouping" => {
                        chart.stacked = val == "stacked" || val == "percentStacked";
                        chart.percent = val == "percentStacked";
                    }
                    "delete" if path.last().is_some_and(|p| p == "legend") && val == "1" => chart.legend = false,
                    _ => kind_of(chart, &name),
                }
            }
            Ok(Event::Text(t)) => text.push_str(&t.xml10_content()),
            Ok(Event::GeneralRef(r)) => push_ref(&mut text, &r),
            Ok(Event::End(_)) => {
                let name = path.pop().unwrap_or_default();
                end_of(chart, &path, &name, &text);
                text.clear();
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
}

fn kind_of(chart: &mut Chart, name: &str) {
    let kind = match name {
        "barChart" | "bar3DChart" => "bar",
        "lineChart" | "line3DChart" => "line",
        "pieChart" | "pie3DChart" | "doughnutChart" => "pie",
        "areaChart" | "area3DChart" => "area",
        "scatterChart" => "scatter",
        _ => return,
    };
    chart.kind = kind.to_string();
}

/// An element closed: its text goes to the title or the current series.
fn end_of(chart: &mut Chart, path: &[String], name: &str, text: &str) {
    let inside = |p: &str| path.iter().any(|x| x == p);
    if name == "t" && inside("title") && !inside("ser") && !inside("valAx") && !inside("catAx") {
        chart.title.push_str(text);
        return;
    }
    let Some(s) = chart.series.last_mut().filter(|_| inside("ser")) else { return };
    match (name, path.last().map(String::as_str)) {
        ("f", Some("strRef")) if inside("tx") => s.name_ref = Some(text.to_string()),
        ("v", Some("tx")) => s.name = Some(text.to_string()),
        ("f", _) if inside("cat") || inside("xVal") => s.categories = Some(text.to_string()),
        ("f", _) if inside("val") || inside("yVal") => s.values = Some(text.to_string()),
        _ => {}
    }
}
