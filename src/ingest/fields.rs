//! Small helpers about header words; the scoring itself lives in `roles`.

/// A 4-digit year in a plausible range for plans.
pub fn as_year(s: &str) -> Option<i32> {
    let s = s.trim();
    if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
        let y: i32 = s.parse().ok()?;
        crate::model::PLAUSIBLE_YEARS.contains(&y).then_some(y)
    } else {
        None
    }
}
