//! Departmental synthesis: the figures of many followed plans at once (one row per plan,
//! actions per theme, late and blocked actions, plans left out), computed from plans
//! already read, with the per-plan counts of `evaluation` so that each row agrees with
//! that plan's evaluation.xlsx.

mod collect;
mod outputs;
mod themes;

use crate::evaluation::{mean_progress, status_counts, MeanProgress};
use crate::model::{Action, Plan, PlanKind, Status};

pub use collect::{collect, Collected, SynthesisOptions};
pub use outputs::{render, ALL_NAMES, ODS_NAME, PDF_NAME, XLSX_NAME};
pub use themes::{Assigned, Source, Theme, Themes, UNCLASSIFIED};

/// A plan given to the synthesis: its name (path inside the folder) and the plan read.
#[derive(Debug, Clone)]
pub struct Input {
    pub name: String,
    pub plan: Plan,
}

/// A file the synthesis could not read, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Unread {
    pub name: String,
    pub reason: String,
}

/// A plan read but without follow-up data: listed, not counted.
#[derive(Debug, Clone, PartialEq)]
pub struct Unfollowed {
    pub name: String,
    pub territory: String,
    pub kind: PlanKind,
}

/// One action as the synthesis shows it.
#[derive(Debug, Clone)]
pub struct ActionLine {
    pub number: Option<String>,
    pub title: String,
    pub axis: Option<String>,
    pub objective: Option<String>,
    pub assigned: Assigned,
    pub status: Option<Status>,
    pub progress: Option<f64>,
    pub comment: Option<String>,
    /// Last year the action runs, when it says.
    pub last_year: Option<i32>,
    /// Status « en retard », or past its last year before the review year and neither
    /// done nor abandoned.
    pub late: bool,
}

impl ActionLine {
    /// Late, blocked or abandoned: listed in the PDF's « Actions en difficulté ».
    pub fn in_trouble(&self) -> bool {
        self.late || matches!(self.status, Some(Status::Blocked | Status::Abandoned))
    }
}

/// One indicator of a plan at the review year.
#[derive(Debug, Clone)]
pub struct IndicatorLine {
    pub action: Option<String>,
    pub name: String,
    pub unit: Option<String>,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    /// Latest year with a value up to the review year, and the value.
    pub latest: Option<(i32, f64)>,
    pub share: Option<f64>,
}

/// One followed plan: the row of the « Plans » table and its actions.
#[derive(Debug, Clone)]
pub struct PlanFigures {
    pub name: String,
    /// The collectivité, else the plan's title, else the file's name.
    pub territory: String,
    pub kind: PlanKind,
    pub period: Option<(i32, i32)>,
    /// None when the review year is inside the plan's period, else why not.
    pub outside_year: Option<String>,
    /// Counts per status in `Status::ALL` order, then « non renseigné ».
    pub counts: Vec<(Option<Status>, usize)>,
    pub mean: Option<MeanProgress>,
    pub late: usize,
    pub blocked: usize,
    pub abandoned: usize,
    pub indicators: Vec<IndicatorLine>,
    pub actions: Vec<ActionLine>,
}

impl PlanFigures {
    pub fn action_count(&self) -> usize {
        self.actions.len()
    }

    /// Indicators whose value reached the target (share of 100 % or more).
    pub fn indicators_reached(&self) -> usize {
        self.indicators.iter().filter(|i| i.share.is_some_and(|s| s >= 1.0)).count()
    }

    /// Indicators with a target and a value: the base of `indicators_reached`.
    pub fn indicators_measured(&self) -> usize {
        self.indicators.iter().filter(|i| i.share.is_some()).count()
    }
}

/// The whole synthesis.
#[derive(Debug, Clone)]
pub struct Synthesis {
    pub title: String,
    /// Review year: given, else the latest year of the plans' periods.
    pub year: Option<i32>,
    pub themes: Themes,
    pub plans: Vec<PlanFigures>,
    pub unfollowed: Vec<Unfollowed>,
    pub unread: Vec<Unread>,
}

/// The plan's period: stated, else the span of its actions' years.
fn period(plan: &Plan) -> Option<(i32, i32)> {
    match (plan.meta.first_year, plan.meta.last_year) {
        (Some(a), Some(b)) if a <= b => Some((a, b)),
        _ => {
            let years = plan.actions().into_iter().flat_map(|r| r.action.years.iter().copied()).collect::<Vec<_>>();
            Some((*years.iter().min()?, *years.iter().max()?))
        }
    }
}

/// How a plan is named in the synthesis: its collectivité, title, else file.
fn territory_of(i: &Input) -> String {
    let m = &i.plan.meta;
    m.territory
        .as_deref()
        .or(m.title.as_deref())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| i.name.clone())
}

fn late(a: &Action, year: Option<i32>) -> bool {
    let overdue = match (a.years.iter().max(), year) {
        (Some(last), Some(y)) => *last < y && !matches!(a.status, Some(Status::Done | Status::Abandoned)),
        _ => false,
    };
    a.status == Some(Status::Late) || overdue
}

fn figures(i: &Input, year: Option<i32>, themes: &Themes) -> PlanFigures {
    let plan = &i.plan;
    let refs = plan.actions();
    let actions: Vec<ActionLine> = refs
        .iter()
        .map(|r| {
            let a = r.action;
            ActionLine {
                number: a.number.clone(),
                title: a.title.clone(),
                axis: (!r.axis.implicit).then(|| r.axis.title.clone()),
                objective: r.objective().map(|o| o.title.clone()),
                assigned: themes.assign(r),
                status: a.status,
                progress: a.progress,
                comment: a.comment.clone(),
                last_year: a.years.iter().max().copied(),
                late: late(a, year),
            }
        })
        .collect();
    let count = |s: Status| refs.iter().filter(|r| r.action.status == Some(s)).count();
    let indicators = plan
        .indicators
        .iter()
        .map(|ind| IndicatorLine {
            action: ind.action.clone(),
            name: ind.name.clone(),
            unit: ind.unit.clone(),
            baseline: ind.baseline,
            target: ind.target,
            latest: ind.latest(year),
            share: ind.share_of_target(year),
        })
        .collect();
    PlanFigures {
        name: i.name.clone(),
        territory: territory_of(i),
        kind: plan.meta.kind,
        period: period(plan),
        outside_year: match (period(plan), year) {
            (Some((a, b)), Some(y)) if !(a..=b).contains(&y) => {
                Some(format!("période {a}-{b}, hors de l'année de bilan {y}"))
            }
            _ => None,
        },
        counts: status_counts(refs.iter().map(|r| r.action)),
        mean: mean_progress(refs.iter().map(|r| r.action)),
        late: actions.iter().filter(|a| a.late).count(),
        blocked: count(Status::Blocked),
        abandoned: count(Status::Abandoned),
        indicators,
        actions,
    }
}

impl Synthesis {
    /// The synthesis of these plans: followed ones counted, the others listed. Plans
    /// keep the order they are given in (the folder's, sorted by path).
    pub fn new(title: &str, year: Option<i32>, themes: Themes, inputs: &[Input], unread: Vec<Unread>) -> Synthesis {
        let (followed, unfollowed): (Vec<&Input>, Vec<&Input>) = inputs.iter().partition(|i| i.plan.has_follow_up());
        let year = year.or_else(|| followed.iter().filter_map(|i| period(&i.plan)).map(|(_, b)| b).max());
        let plans = followed.iter().map(|i| figures(i, year, &themes)).collect();
        let unfollowed = unfollowed
            .iter()
            .map(|i| Unfollowed { name: i.name.clone(), territory: territory_of(i), kind: i.plan.meta.kind })
            .collect();
        Synthesis { title: title.to_string(), year, themes, plans, unfollowed, unread }
    }

    /// Every counted action.
    pub fn actions(&self) -> impl Iterator<Item = (&PlanFigures, &ActionLine)> {
        self.plans.iter().flat_map(|p| p.actions.iter().map(move |a| (p, a)))
    }

    pub fn action_count(&self) -> usize {
        self.plans.iter().map(PlanFigures::action_count).sum()
    }

    /// Distinct territories among the counted plans.
    pub fn territory_count(&self) -> usize {
        let mut t: Vec<String> = self.plans.iter().map(|p| crate::text::fold(&p.territory)).collect();
        t.sort();
        t.dedup();
        t.len()
    }

    /// Counts per status over every counted action, in `status_counts` order.
    pub fn counts(&self) -> Vec<(Option<Status>, usize)> {
        let mut out: Vec<(Option<Status>, usize)> = Status::ALL.iter().map(|s| (Some(*s), 0)).collect();
        out.push((None, 0));
        for p in &self.plans {
            for (slot, (_, n)) in out.iter_mut().zip(&p.counts) {
                slot.1 += n;
            }
        }
        out
    }

    /// Mean progress over every counted action that gives one, with its base.
    pub fn mean(&self) -> Option<MeanProgress> {
        let v: Vec<f64> = self.actions().filter_map(|(_, a)| a.progress).collect();
        (!v.is_empty()).then(|| MeanProgress {
            mean: v.iter().sum::<f64>() / v.len() as f64,
            filled: v.len(),
            total: self.action_count(),
        })
    }

    pub fn late(&self) -> usize {
        self.plans.iter().map(|p| p.late).sum()
    }

    pub fn blocked(&self) -> usize {
        self.plans.iter().map(|p| p.blocked).sum()
    }

    pub fn abandoned(&self) -> usize {
        self.plans.iter().map(|p| p.abandoned).sum()
    }

    /// Theme indices in display order, « non classée » (None) last when some action has it.
    pub fn theme_slots(&self) -> Vec<Option<usize>> {
        let mut slots: Vec<Option<usize>> = (0..self.themes.list.len()).map(Some).collect();
        if self.actions().any(|(_, a)| a.assigned.theme.is_none()) {
            slots.push(None);
        }
        slots
    }
}

/// Why a plan read is listed but not counted.
pub const NO_FOLLOW_UP: &str =
    "lu, mais sans données de suivi (ni statut, ni avancement, ni commentaire, ni indicateur) : non compté";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Action, Axis};

    fn plan(territory: &str, period: (i32, i32), actions: Vec<Action>) -> Input {
        let mut p = Plan::default();
        p.meta.territory = Some(territory.into());
        (p.meta.first_year, p.meta.last_year) = (Some(period.0), Some(period.1));
        p.axes.push(Axis { title: "Axe".into(), actions, ..Default::default() });
        Input { name: format!("{territory}.xlsx"), plan: p }
    }

    fn act(status: Option<Status>, years: &[i32], progress: Option<f64>) -> Action {
        Action { title: "Faire".into(), status, years: years.to_vec(), progress, ..Default::default() }
    }

    #[test]
    fn late_means_the_status_or_past_its_last_year_undone() {
        let a = plan(
            "A",
            (2022, 2026),
            vec![
                act(Some(Status::Late), &[2026], Some(10.0)),
                act(Some(Status::InProgress), &[2023], None),
                act(Some(Status::Done), &[2023], Some(100.0)),
                act(Some(Status::Abandoned), &[2022], None),
                act(None, &[2026], None),
            ],
        );
        let unfollowed = Input { name: "b.xlsx".into(), plan: Plan::default() };
        let b = plan("B", (2020, 2024), vec![act(Some(Status::Blocked), &[2024], Some(50.0))]);
        let s = Synthesis::new("T", None, Themes::embedded(), &[a, unfollowed, b], Vec::new());
        // The default review year is the latest year of the periods.
        assert_eq!(s.year, Some(2026));
        assert_eq!(s.plans.len(), 2);
        assert_eq!(s.unfollowed.len(), 1);
        assert_eq!(s.plans[0].late, 2, "the late one and the one past 2023");
        assert_eq!(s.plans[1].late, 1, "blocked and past 2024");
        assert_eq!((s.blocked(), s.abandoned()), (1, 1));
        assert!(s.plans[1].outside_year.is_some() && s.plans[0].outside_year.is_none());
        // The mean over every action given a progress, with its base.
        let m = s.mean().unwrap();
        assert_eq!((m.filled, m.total), (3, 6));
        assert!((m.mean - 160.0 / 3.0).abs() < 1e-9);
        assert_eq!(s.territory_count(), 2);
    }
}
