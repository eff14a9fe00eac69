//! One XLSX cell format as an ODS cell style: font, fill, border, alignment, wrapping
//! and number format ("0%", "0.0%", "#,##0 \"€\"").

use std::fmt::Write;

use super::xlsx_parts::CellFormat;

/// A number format code read: decimals, grouping, percent, text after the number.
struct NumberCode {
    decimals: usize,
    grouping: bool,
    percent: bool,
    suffix: String,
}

fn parse_code(code: &str) -> Option<NumberCode> {
    let code = code.split(';').next()?.trim();
    if code.is_empty() || code.eq_ignore_ascii_case("general") || code == "@" {
        return None;
    }
    let digits: String = code.chars().take_while(|c| matches!(c, '#' | '0' | ',' | '.')).collect();
    if digits.is_empty() {
        return None;
    }
    let rest = &code[digits.len()..];
    let decimals = digits.split_once('.').map_or(0, |(_, d)| d.chars().filter(|c| *c == '0').count());
    let percent = rest.trim_end().ends_with('%');
    let suffix: String = rest.trim_end_matches('%').chars().filter(|c| *c != '"' && *c != '\\').collect();
    Some(NumberCode { decimals, grouping: digits.contains(','), percent, suffix })
}

fn number_style(out: &mut String, i: usize, code: &str) -> bool {
    let Some(n) = parse_code(code) else { return false };
    let kind = if n.percent { "percentage-style" } else { "number-style" };
    let _ = write!(
        out,
        r#"<number:{kind} style:name="N{i}"><number:number number:decimal-places="{d}" number:min-decimal-places="{d}" number:min-integer-digits="1"{g}/>"#,
        d = n.decimals,
        g = if n.grouping { r#" number:grouping="true""# } else { "" }
    );
    if !n.suffix.is_empty() {
        let _ = write!(out, "<number:text>{}</number:text>", super::ods_content::esc(&n.suffix));
    }
    if n.percent {
        out.push_str("<number:text>%</number:text>");
    }
    let _ = write!(out, "</number:{kind}>");
    true
}

/// The styles `ce{i}` (and `N{i}` for its number format).
pub fn cell_style(out: &mut String, i: usize, f: &CellFormat) {
    let data = f.num_format.as_deref().is_some_and(|c| number_style(out, i, c));
    let _ =
        write!(out, r#"<style:style style:name="ce{i}" style:family="table-cell" style:parent-style-name="Default""#);
    if data {
        let _ = write!(out, r#" style:data-style-name="N{i}""#);
    }
    out.push_str("><style:table-cell-properties");
    if let Some(fill) = &f.fill {
        let _ = write!(out, r#" fo:background-color="{fill}""#);
    }
    if let Some(border) = &f.border {
        let _ = write!(out, r#" fo:border="0.74pt solid {border}""#);
    }
    let vertical = match f.vertical.as_deref() {
        Some("top") => "top",
        Some("center") => "middle",
        _ => "bottom",
    };
    let _ = write!(out, r#" style:vertical-align="{vertical}""#);
    if f.wrap {
        out.push_str(r#" fo:wrap-option="wrap""#);
    }
    let align = match f.horizontal.as_deref() {
        Some("center") => Some("center"),
        Some("left") => Some("start"),
        Some("right") => Some("end"),
        _ => None,
    };
    if align.is_some() {
        out.push_str(r#" style:text-align-source="fix" style:repeat-content="false""#);
    }
    out.push_str("/>");
    if let Some(a) = align {
        let _ = write!(out, r#"<style:paragraph-properties fo:text-align="{a}"/>"#);
    }
    out.push_str("<style:text-properties");
    if f.bold {
        out.push_str(r#" fo:font-weight="bold""#);
    }
    if f.italic {
        out.push_str(r#" fo:font-style="italic""#);
    }
    if let Some(size) = f.size {
        let _ = write!(out, r#" fo:font-size="{size}pt""#);
    }
    if let Some(c) = &f.colour {
        let _ = write!(out, r#" fo:color="{c}""#);
    }
    out.push_str("/></style:style>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_codes() {
        let n = parse_code("#,##0 \"€\"").unwrap();
        assert!(n.grouping && !n.percent && n.decimals == 0 && n.suffix == " €");
        let n = parse_code("0.0%").unwrap();
        assert!(n.percent && n.decimals == 1 && n.suffix.is_empty());
        assert!(parse_code("General").is_none());
    }
}
