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
}
