//! The formats the workbooks (annexe, evaluation) are written in: XLSX, ODS or both —
//! `--tableur`, `[sortie] tableur` in plandoc.toml, the web forms' choice.

/// XLSX and/or ODS; at least one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SheetFormats {
    pub xlsx: bool,
    pub ods: bool,
}

impl Default for SheetFormats {
    fn default() -> Self {
        SheetFormats { xlsx: true, ods: false }
    }
}

impl SheetFormats {
    pub const BOTH: SheetFormats = SheetFormats { xlsx: true, ods: true };
    pub const ODS: SheetFormats = SheetFormats { xlsx: false, ods: true };

    /// "xlsx", "ods", "xlsx,ods" (any order, spaces and case ignored).
    pub fn parse(s: &str) -> Result<SheetFormats, String> {
        let mut f = SheetFormats { xlsx: false, ods: false };
        for part in s.split([',', ' ', '+']).map(|p| p.trim().to_ascii_lowercase()).filter(|p| !p.is_empty()) {
            match part.trim_start_matches('.') {
                "xlsx" => f.xlsx = true,
                "ods" => f.ods = true,
                _ => {
                    return Err(format!("format de tableur « {part} » inconnu (attendu : xlsx, ods ou xlsx,ods)"));
                }
            }
        }
        if !f.xlsx && !f.ods {
            return Err("aucun format de tableur donné (attendu : xlsx, ods ou xlsx,ods)".into());
        }
        Ok(f)
    }

    /// The extensions written, XLSX first.
    pub fn extensions(self) -> Vec<&'static str> {
        [("xlsx", self.xlsx), ("ods", self.ods)].into_iter().filter(|(_, on)| *on).map(|(e, _)| e).collect()
    }

    /// How the choice is written back: "xlsx", "ods", "xlsx,ods".
    pub fn key(self) -> String {
        self.extensions().join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_parsed_and_named() {
        assert_eq!(SheetFormats::parse("xlsx,ods"), Ok(SheetFormats::BOTH));
        assert_eq!(SheetFormats::parse(" ODS "), Ok(SheetFormats::ODS));
        assert_eq!(SheetFormats::parse("ods, xlsx").map(SheetFormats::key), Ok("xlsx,ods".into()));
        assert!(SheetFormats::parse("csv").unwrap_err().contains("« csv »"));
        assert!(SheetFormats::parse(",").is_err());
        assert_eq!(SheetFormats::default().extensions(), ["xlsx"]);
    }
}
