//! Is a review year inside the plan's period? A report titled « bilan 2031 » over a
//! 2026-2028 plan would show current statuses under a year they do not describe.

use crate::model::Plan;

/// The plan's period: its stated years, else the span of its actions' years.
fn period(plan: &Plan) -> Option<(i32, i32, bool)> {
    if let (Some(a), Some(b)) = (plan.meta.first_year, plan.meta.last_year) {
        if a <= b {
            return Some((a, b, true));
        }
    }
    let years: Vec<i32> = plan.actions().iter().flat_map(|r| r.action.years.iter().copied()).collect();
    Some((*years.iter().min()?, *years.iter().max()?, false))
}

/// Ok when the year falls in the plan's period (or no period is known), else a French
/// sentence giving the period.
pub fn check_year(plan: &Plan, year: i32) -> Result<(), String> {
    let Some((first, last, stated)) = period(plan) else { return Ok(()) };
    if (first..=last).contains(&year) {
        return Ok(());
    }
    let whose = if stated { "la période du plan" } else { "la période couverte par les années des actions" };
    Err(format!(
        "l'année de bilan {year} est hors de {whose} ({first}-{last}) : choisissez une année de {first} à {last}"
    ))
}

#[cfg(test)]
mod tests {
    use crate::model::Plan;

    #[test]
    fn year_outside_the_period_is_refused_with_the_period() {
        let mut plan = Plan::default();
        plan.meta.first_year = Some(2026);
        plan.meta.last_year = Some(2028);
        assert!(super::check_year(&plan, 2027).is_ok());
        let e = super::check_year(&plan, 2031).unwrap_err();
        assert!(e.contains("2031") && e.contains("(2026-2028)"), "{e}");
        assert!(super::check_year(&Plan::default(), 2031).is_ok());
    }
}
