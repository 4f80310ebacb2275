//! Teacher in-service training (DOMAIN §5, seed 004): sessions, statuses and
//! the yearly standing (3 or more unexcused absences, or too few credits,
//! fail; official leave is never penalised).

use chrono::{NaiveDate, NaiveTime};
use serde::Serialize;

use super::school::{Id, str_enum};
use super::settings::Settings;

str_enum!(Format {
    Lecture = "lecture",
    LessonObservation = "lesson_observation",
    Reflection = "reflection",
    DemonstrationLesson = "demonstration_lesson",
    Mentoring = "mentoring",
    StudyGroup = "study_group",
    ExternalCourse = "external_course",
});

impl Format {
    pub fn label(self) -> &'static str {
        match self {
            Format::Lecture => "lecture",
            Format::LessonObservation => "lesson observation",
            Format::Reflection => "reflection",
            Format::DemonstrationLesson => "demonstration lesson",
            Format::Mentoring => "mentoring",
            Format::StudyGroup => "study group",
            Format::ExternalCourse => "external course",
        }
    }
}

str_enum!(StatusCategory { Attended = "attended", Excused = "excused", Unexcused = "unexcused" });
str_enum!(Requirement { None = "none", Approval = "approval", Certificate = "certificate", MakeUp = "make_up" });

/// A row of the status catalogue (data/training_statuses.csv).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrainingStatus {
    pub code: String,
    pub label: String,
    pub category: StatusCategory,
    pub earns_credit: bool,
    pub requires: Requirement,
    pub key: String,
    pub sort: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrainingPlan {
    pub id: Id,
    pub year_id: Id,
    pub semester: u8,
    pub title: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub lead_id: Option<Id>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrainingSession {
    pub id: Id,
    pub plan_id: Id,
    pub date: NaiveDate,
    pub starts_at: NaiveTime,
    pub ends_at: NaiveTime,
    pub hours: f64,
    pub topic: String,
    pub format: Format,
    pub presenter_id: Option<Id>,
    pub presenter: String,
    pub place: String,
    pub credits: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrainingAttendance {
    pub session_id: Id,
    pub staff_id: Id,
    pub status: String,
    pub approved_by_id: Option<Id>,
    pub certificate: Option<bool>,
    pub made_up_on: Option<NaiveDate>,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExternalTraining {
    pub id: Id,
    pub staff_id: Id,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub provider: String,
    pub title: String,
    pub hours: f64,
    pub credits: f64,
    pub certificate_no: String,
}

/// Why a teacher fails the year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum FailReason {
    UnexcusedAbsences { count: u32, limit: u32 },
    TooFewCredits { hundredths: u32, required: u32 },
}

impl std::fmt::Display for FailReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FailReason::UnexcusedAbsences { count, limit } => {
                write!(f, "{count} unexcused absences (fail from {limit})")
            }
            FailReason::TooFewCredits {
                hundredths,
                required,
            } => write!(
                f,
                "{}.{:02} credits of {}.{:02} required",
                hundredths / 100,
                hundredths % 100,
                required / 100,
                required % 100
            ),
        }
    }
}

/// Credits as exact hundredths ("39.5" → 3950).
pub fn credits_hundredths(credits: f64) -> u32 {
    (credits * 100.0).round().max(0.0) as u32
}

/// Pass or fail from unexcused absences and credits (both for the year).
pub fn judge(unexcused: u32, credits_hundredths: u32, s: &Settings) -> Vec<FailReason> {
    let mut reasons = vec![];
    if unexcused >= s.training_fail_unexcused {
        reasons.push(FailReason::UnexcusedAbsences {
            count: unexcused,
            limit: s.training_fail_unexcused,
        });
    }
    if credits_hundredths < s.training_min_credits_year {
        reasons.push(FailReason::TooFewCredits {
            hundredths: credits_hundredths,
            required: s.training_min_credits_year,
        });
    }
    reasons
}

/// The category an entry counts in. A status that needs an approval
/// (personal leave, 事假: "only approved written requests") counts as
/// excused only once the approver is recorded; without one it is an
/// absence without cause and counts toward the fail.
pub fn counted_category(status: &TrainingStatus, a: &TrainingAttendance) -> StatusCategory {
    if status.requires == Requirement::Approval && a.approved_by_id.is_none() {
        StatusCategory::Unexcused
    } else {
        status.category
    }
}

/// Whether an entry is leave that needs an approval and has none.
pub fn unapproved(status: &TrainingStatus, a: &TrainingAttendance) -> bool {
    status.requires == Requirement::Approval && a.approved_by_id.is_none()
}

/// How a teacher stands against the yearly credits minimum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "credits", rename_all = "snake_case")]
pub enum CreditsProgress {
    /// The minimum is earned.
    Met,
    /// The year is not over and the credits earned are at least what the
    /// elapsed share of the year requires.
    OnTrack { expected: u32 },
    /// The year is not over and the credits earned are `by` short of what
    /// the elapsed share of the year requires (`expected`).
    Behind { by: u32, expected: u32 },
    /// The year is over and the minimum was not earned: a fail.
    Short,
}

/// A teacher's verdict on a date: what fails and where the credits stand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// Why the teacher fails (empty: passes so far).
    pub fails: Vec<FailReason>,
    pub credits: CreditsProgress,
}

/// What the yearly minimum asks by `on` of a year running `from`..=`to`:
/// `required` × the share of the year's days elapsed (`on` included),
/// rounded up to a hundredth. The whole minimum from the year's last day.
pub fn credits_expected(required: u32, from: NaiveDate, to: NaiveDate, on: NaiveDate) -> u32 {
    let total = (to - from).num_days() + 1;
    if total <= 0 || on >= to {
        return required;
    }
    let elapsed = ((on - from).num_days() + 1).clamp(0, total);
    let v = (i64::from(required) * elapsed + total - 1) / total;
    u32::try_from(v).unwrap_or(required)
}

/// The one verdict the Training tab, `classbook training standing` and the
/// review share. Unexcused absences fail at once (from
/// `training_fail_unexcused`). The yearly credits minimum (`required`, in
/// hundredths, the official-leave credits already taken off) fails only once
/// the year is over (`on` after `year_to`); before that it reads "on track"
/// or "behind by N credits", N being what the elapsed share of the year
/// requires (see [`credits_expected`], counted up to `counted_to`, the end of
/// the period whose credits are counted) less what was earned.
pub fn verdict(
    unexcused: u32,
    credits: u32,
    required: u32,
    year: (NaiveDate, NaiveDate),
    counted_to: NaiveDate,
    on: NaiveDate,
    s: &Settings,
) -> Verdict {
    let (from, to) = year;
    let over = on > to && counted_to >= to;
    let mut rules = s.clone();
    rules.training_min_credits_year = required;
    let mut fails = judge(unexcused, credits, &rules);
    let progress = if credits >= required {
        CreditsProgress::Met
    } else if over {
        CreditsProgress::Short
    } else {
        fails.retain(|f| !matches!(f, FailReason::TooFewCredits { .. }));
        let expected = credits_expected(required, from, to, on.min(counted_to));
        if credits >= expected {
            CreditsProgress::OnTrack { expected }
        } else {
            CreditsProgress::Behind {
                by: expected - credits,
                expected,
            }
        }
    };
    Verdict {
        fails,
        credits: progress,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_unexcused_absences_fail_two_do_not() {
        let s = Settings::default();
        assert!(judge(2, 4000, &s).is_empty());
        assert_eq!(
            judge(3, 4000, &s),
            vec![FailReason::UnexcusedAbsences { count: 3, limit: 3 }]
        );
    }

    #[test]
    fn forty_credits_pass_thirty_nine_and_a_half_fail() {
        let s = Settings::default();
        assert!(judge(0, credits_hundredths(40.0), &s).is_empty());
        let r = judge(0, credits_hundredths(39.5), &s);
        assert_eq!(
            r,
            vec![FailReason::TooFewCredits {
                hundredths: 3950,
                required: 4000
            }]
        );
        assert_eq!(r[0].to_string(), "39.50 credits of 40.00 required");
    }

    fn y() -> (NaiveDate, NaiveDate) {
        (
            NaiveDate::from_ymd_opt(2025, 9, 1).unwrap(),
            NaiveDate::from_ymd_opt(2026, 8, 31).unwrap(),
        )
    }

    #[test]
    fn credits_short_fail_only_after_the_year() {
        let s = Settings::default();
        let (from, to) = y();
        let before = to.pred_opt().unwrap();
        let after = to.succ_opt().unwrap();
        let v = verdict(0, 3950, 4000, (from, to), to, before, &s);
        assert!(v.fails.is_empty());
        assert_eq!(
            v.credits,
            CreditsProgress::Behind {
                by: 40,
                expected: 3990
            }
        );
        let v = verdict(0, 3950, 4000, (from, to), to, to, &s);
        assert_eq!(
            v.credits,
            CreditsProgress::Behind {
                by: 50,
                expected: 4000
            }
        );
        let v = verdict(0, 3950, 4000, (from, to), to, after, &s);
        assert_eq!(v.credits, CreditsProgress::Short);
        assert_eq!(
            v.fails,
            vec![FailReason::TooFewCredits {
                hundredths: 3950,
                required: 4000
            }]
        );
        // Counted only to the end of a semester: never a fail for credits.
        let dec = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
        let v = verdict(0, 100, 4000, (from, to), dec, after, &s);
        assert!(v.fails.is_empty());
        assert!(matches!(v.credits, CreditsProgress::Behind { .. }));
    }

    #[test]
    fn on_track_by_the_share_of_the_year() {
        let (from, to) = y();
        // 1 September: one day of 365.
        assert_eq!(credits_expected(4000, from, to, from), 11);
        let mid = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        // 182 days of 365 → 19.95 (rounded up).
        assert_eq!(credits_expected(4000, from, to, mid), 1995);
        let s = Settings::default();
        let v = verdict(0, 1995, 4000, (from, to), to, mid, &s);
        assert_eq!(v.credits, CreditsProgress::OnTrack { expected: 1995 });
        let v = verdict(2, 4000, 4000, (from, to), to, mid, &s);
        assert_eq!((v.fails.len(), v.credits), (0, CreditsProgress::Met));
        // Absences fail at once, whatever the date.
        let v = verdict(3, 4000, 4000, (from, to), to, mid, &s);
        assert_eq!(
            v.fails,
            vec![FailReason::UnexcusedAbsences { count: 3, limit: 3 }]
        );
    }
}
