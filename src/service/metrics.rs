//! The catalogue of computed metrics (DOMAIN §6): where the answer to an
//! indicator is already in the database, its actual value is computed.
//! Each metric is a function of the database, its parameters, a period
//! (a date range) and the working date.
//!
//! A metric counts only the part of the period the database holds: the
//! days inside one of its school years, up to the working date. A period
//! with no such day has no value (`Outcome::NoData`): a value of zero
//! would claim that nothing happened.

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::indicators::{Metric, MetricParams};
use crate::domain::settings::Settings;
use crate::domain::{SchoolYear, training::Format};
use crate::service::training::{self as training, Scope};
use crate::store::{self, Result};

/// Days per month for the per-month rates.
pub const DAYS_PER_MONTH: f64 = 365.25 / 12.0;

/// A computed value with what it was computed from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Computed {
    pub metric: Metric,
    /// In the metric's own unit (shares 0–1).
    pub value: f64,
    /// What was counted (teachers, lessons, marks, sessions).
    pub numerator: f64,
    /// Of how many (`None` for a count).
    pub denominator: Option<f64>,
    /// The first and last day counted.
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The school year a training standing was taken from.
    pub year: Option<String>,
    /// One line for the evidence note: what was counted, over which days.
    pub evidence: String,
}

/// A metric's answer for a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    Value(Computed),
    /// Why there is no value.
    NoData {
        reason: String,
    },
}

/// The windows of `from`–`to` the database holds: each school year's
/// days in the range, up to `as_of`, with the year.
pub fn coverage(
    years: &[SchoolYear],
    from: NaiveDate,
    to: NaiveDate,
    as_of: NaiveDate,
) -> Vec<(NaiveDate, NaiveDate, SchoolYear)> {
    years
        .iter()
        .filter_map(|y| {
            let a = from.max(y.starts_on);
            let b = to.min(y.ends_on).min(as_of);
            (a <= b).then(|| (a, b, y.clone()))
        })
        .collect()
}

use crate::domain::text::date_full as day;

fn span(windows: &[(NaiveDate, NaiveDate, SchoolYear)]) -> String {
    windows
        .iter()
        .map(|(a, b, _)| format!("{}–{}", day(*a), day(*b)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn share(n: f64, of: f64) -> f64 {
    if of > 0.0 { n / of } else { 0.0 }
}

/// Compute `metric` with `params` over `from`–`to` as of `as_of`.
pub fn compute(
    conn: &store::Conn,
    settings: &Settings,
    metric: Metric,
    params: &MetricParams,
    (from, to): (NaiveDate, NaiveDate),
    as_of: NaiveDate,
) -> Result<Outcome> {
    let years = store::school::years(conn)?;
    let windows = coverage(&years, from, to, as_of);
    let Some((first, last)) = windows.first().zip(windows.last()) else {
        let reason = if from > as_of {
            format!("the period starts after the working date {}", day(as_of))
        } else {
            format!(
                "the database holds no school day of {}–{}",
                day(from),
                day(to.min(as_of))
            )
        };
        return Ok(Outcome::NoData { reason });
    };
    let (d_from, d_to) = (first.0, last.1);
    let done = |value: f64, numerator: f64, denominator: Option<f64>, year, evidence| {
        Ok(Outcome::Value(Computed {
            metric,
            value,
            numerator,
            denominator,
            from: d_from,
            to: d_to,
            year,
            evidence,
        }))
    };
    match metric {
        Metric::TrainingSessions => {
            let format = params.format.map(Format::as_str);
            let mut n = 0;
            for (a, b, _) in &windows {
                n += store::metrics::training_sessions_between(conn, *a, *b, format)?;
            }
            let what = match params.format {
                Some(f) => format!("{} sessions", f.label()),
                None => "training sessions".to_string(),
            };
            done(
                n as f64,
                n as f64,
                None,
                None,
                format!("{n} {what} held, {}", span(&windows)),
            )
        }
        Metric::TeachersWithCredits | Metric::TeachersInGoodStanding => {
            // The Training tab's year standing of the latest year covered.
            let year = &last.2;
            let rows = training::standing_on(conn, year, Scope::Year, settings, d_to)?;
            if rows.is_empty() {
                return Ok(Outcome::NoData {
                    reason: format!("school year {} has no teacher on the roll", year.label),
                });
            }
            let total = rows.len() as f64;
            let (n, what) = if metric == Metric::TeachersWithCredits {
                let min = params
                    .min_credits
                    .unwrap_or(settings.training_min_credits_year as f64 / 100.0);
                let min_h = crate::domain::training::credits_hundredths(min);
                let n = rows.iter().filter(|r| r.verdict_credits >= min_h).count();
                (n, format!("with at least {} credits", training::num(min)))
            } else {
                let n = rows.iter().filter(|r| r.pass).count();
                (n, "in good standing (pass)".to_string())
            };
            done(
                share(n as f64, total),
                n as f64,
                Some(total),
                Some(year.label.clone()),
                format!(
                    "{n} of {total} teachers {what}, year {} standing as of {}",
                    year.label,
                    day(d_to)
                ),
            )
        }
        Metric::LessonsWithTopic
        | Metric::LessonsWithHomework
        | Metric::LessonsWithAttendance
        | Metric::MarksOnTime
        | Metric::OnlineLessonsPerTeacherMonth => {
            match lesson_metric(conn, settings, metric, &windows, as_of)? {
                Some((value, n, of, evidence)) => done(value, n, of, None, evidence),
                None => Ok(Outcome::NoData {
                    reason: format!(
                        "no {} {}",
                        if metric == Metric::MarksOnTime {
                            "mark of a lesson held"
                        } else {
                            "lesson held"
                        },
                        span(&windows)
                    ),
                }),
            }
        }
    }
}

/// Lessons held and marks over some days, summed over teachers.
#[derive(Debug, Clone, Default, PartialEq)]
struct LessonTally {
    held: u64,
    with_topic: u64,
    with_homework: u64,
    with_attendance: u64,
    marks: u64,
    marks_on_time: u64,
    /// Teachers who held at least one lesson.
    teachers: std::collections::BTreeSet<crate::domain::Id>,
    online: u64,
}

fn lesson_tally(
    conn: &store::Conn,
    settings: &Settings,
    from: NaiveDate,
    to: NaiveDate,
    as_of: NaiveDate,
) -> Result<LessonTally> {
    let rows = crate::service::keeping::journal_keeping(conn, settings, from, to, as_of)?;
    let sum = crate::service::keeping::TeacherKeeping::total("", &rows);
    let online = store::metrics::online_lessons_by_teacher(conn, from, to.min(as_of))?;
    Ok(LessonTally {
        held: u64::from(sum.lessons),
        with_topic: u64::from(sum.with_topic),
        with_homework: u64::from(sum.with_homework),
        with_attendance: u64::from(sum.with_attendance),
        marks: u64::from(sum.marks),
        marks_on_time: u64::from(sum.marks_on_time),
        teachers: rows
            .iter()
            .filter(|r| r.lessons > 0)
            .map(|r| r.teacher_id)
            .collect(),
        online: online.iter().map(|(_, n)| *n as u64).sum(),
    })
}

/// A value, what was counted, of how many, and the evidence line.
type Counted = (f64, f64, Option<f64>, String);

fn lesson_metric(
    conn: &store::Conn,
    settings: &Settings,
    metric: Metric,
    windows: &[(NaiveDate, NaiveDate, SchoolYear)],
    as_of: NaiveDate,
) -> Result<Option<Counted>> {
    let mut t = LessonTally::default();
    for (a, b, _) in windows {
        let w = lesson_tally(conn, settings, *a, *b, as_of)?;
        t.held += w.held;
        t.with_topic += w.with_topic;
        t.with_homework += w.with_homework;
        t.with_attendance += w.with_attendance;
        t.marks += w.marks;
        t.marks_on_time += w.marks_on_time;
        t.teachers.extend(w.teachers);
        t.online += w.online;
    }
    let days: i64 = windows
        .iter()
        .map(|(a, b, _)| (*b - *a).num_days() + 1)
        .sum();
    let when = span(windows);
    let frac = |n: u64, of: u64, what: &str| {
        (of > 0).then(|| {
            (
                share(n as f64, of as f64),
                n as f64,
                Some(of as f64),
                format!("{n} of {of} {what}, {when}"),
            )
        })
    };
    Ok(match metric {
        Metric::LessonsWithTopic => frac(t.with_topic, t.held, "lessons held have a topic"),
        Metric::LessonsWithHomework => frac(
            t.with_homework,
            t.held,
            "lessons held have homework entered",
        ),
        Metric::LessonsWithAttendance => frac(
            t.with_attendance,
            t.held,
            "lessons held have attendance taken",
        ),
        Metric::MarksOnTime => frac(t.marks_on_time, t.marks, "marks entered on time"),
        Metric::OnlineLessonsPerTeacherMonth => (!t.teachers.is_empty() && days > 0).then(|| {
            let months = days as f64 / DAYS_PER_MONTH;
            let n = t.teachers.len() as f64;
            (
                t.online as f64 / n / months,
                t.online as f64,
                Some(n * months),
                format!(
                    "{} online lessons ÷ {n} teachers ÷ {months:.1} months, {when}",
                    t.online
                ),
            )
        }),
        _ => None,
    })
}
