//! The review's rules (DOMAIN §2, §3, §5; seed 003 sections 3–8): each has
//! a stable id, a default severity (a school may change it in the settings,
//! key `severity.<id>`), a title and a sentence of explanation. What each
//! rule finds is computed in `service::review`.

use serde::Serialize;

/// How bad a finding is. `classbook review` exits non-zero on errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub const ALL: [Severity; 3] = [Severity::Error, Severity::Warning, Severity::Info];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|v| v.as_str() == s.trim())
    }
}

/// The rules, in the order the review lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    LessonUnrecorded,
    LessonRecordedLate,
    LessonNoAttendance,
    AttendanceLate,
    LessonNoTopic,
    LessonNoHomework,
    MarkLate,
    NotAttestable,
    GradeOverdue,
    ReasonNotGiven,
    AbsenceDisagrees,
    PendingOverdue,
    DeferredStale,
    ControlUnmarked,
    FinalDiffers,
    HomeworkOverLimit,
    OnlineYoungGrade,
    OnlineOverDay,
    OnlineLiveTooLong,
    OrderMissing,
    DepartureUnconfirmed,
    TrainingFail,
    TrainingStudyNotes,
    TrainingOpenLesson,
}

/// A rule is written as its id.
impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

/// What the review says about a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleInfo {
    pub rule: Rule,
    /// Stable id, used in settings, acknowledgements and the CLI.
    pub id: &'static str,
    /// The settings key of its severity: "severity.<id>".
    pub setting: &'static str,
    pub severity: Severity,
    /// A few words for lists.
    pub title: &'static str,
    /// One sentence: what the rule checks and where it comes from.
    pub explanation: &'static str,
}

macro_rules! rules {
    ($($rule:ident = $id:literal, $sev:ident, $title:literal, $why:literal;)+) => {
        impl Rule {
            pub const ALL: &'static [Rule] = &[$(Rule::$rule),+];

            pub fn info(self) -> RuleInfo {
                match self {
                    $(Rule::$rule => RuleInfo {
                        rule: Rule::$rule,
                        id: $id,
                        setting: concat!("severity.", $id),
                        severity: Severity::$sev,
                        title: $title,
                        explanation: $why,
                    },)+
                }
            }
        }
    };
}

rules! {
    LessonUnrecorded = "lesson.unrecorded", Error, "timetabled lesson not recorded",
        "A timetabled lesson must be recorded (topic, homework, attendance, marks) on its day by the entry deadline (17:30, setting entry_deadline); this one has no record and the deadline has passed.";
    LessonRecordedLate = "lesson.recorded_late", Warning, "lesson recorded after the deadline",
        "A lesson is recorded on its day by the entry deadline (17:30); this record was made later. It cannot be undone: acknowledge it with a note once the reason is known.";
    LessonNoAttendance = "lesson.no_attendance", Error, "attendance not taken",
        "Attendance is taken by the subject teacher at every lesson, the same day by the entry deadline; this held lesson has none.";
    AttendanceLate = "attendance.taken_late", Warning, "attendance taken after the deadline",
        "Attendance is taken at the lesson and entered the same day by the entry deadline (17:30, setting entry_deadline; seed 003 §3.6); this lesson's attendance was entered later. Taking it clears \"not taken\" but not this: acknowledge it with a note once the reason is known.";
    LessonNoTopic = "lesson.no_topic", Warning, "lesson without a topic",
        "Every lesson held records its topic, which should match the thematic plan; this one has none.";
    LessonNoHomework = "lesson.no_homework", Warning, "lesson without a homework entry",
        "Every lesson records its homework, or one of the fixed entries (not assigned, not provided, individual task); this one has no entry at all.";
    MarkLate = "mark.late", Warning, "mark entered late",
        "A current mark is due within 15 days of the lesson, an interim-attestation mark within 7, and a written work's (every form of control the catalogue marks written: dictations, essays, written answers, tests, control works…) within 3 (settings mark_deadline_*_days); this mark was entered after that.";
    NotAttestable = "student.not_attestable", Error, "too few marks for the period grade",
        "A student needs at least 3 marks for a quarter and 5 for a half-year to be attested, and period grades are due 3 days before the period ends; listed from two weeks before that date until a final grade (or n/a) is set.";
    GradeOverdue = "grade.overdue", Error, "period grade not set by its due date",
        "Quarter, half-year and year grades are due 3 days before the period ends (setting grades_due_days_before_end), by the entry deadline of that day; this student had lessons of the subject in the period and still has no final grade (or n/a). Listed from the due date until one is set.";
    ReasonNotGiven = "absence.no_reason", Warning, "absence without a reason",
        "The class teacher gives the reason for an absence no later than the same day; this absence (Н, reason not given) is older than that.";
    AbsenceDisagrees = "absence.disagrees", Warning, "journal and attendance disagree",
        "A student's absence from a lesson has one record, the attendance register, which the journal's Н shows; an older journal Н or an imported one said otherwise than attendance (absent where attendance says present, or the reverse). Attendance was kept: check it, and set or clear the absence in either tab (or acknowledge this).";
    PendingOverdue = "mark.pending_overdue", Warning, "pending mark past its deadline",
        "A pending mark (*) becomes the mark when its correction deadline passes; this one is past it and still pending: confirm it or enter the corrected mark.";
    DeferredStale = "mark.deferred_stale", Warning, "deferred mark not resolved",
        "A deferred mark (°) needs a comment and must be resolved within one school week (setting deferred_resolve_school_days); this one is older.";
    ControlUnmarked = "control.unmarked", Error, "control event with students unmarked",
        "In a control event (a weight-2+ form of control) every student present must receive a mark once the form's entry deadline has passed; absentees are exempt, and so is a student back within a week from an excused absence of at least 5 consecutive school days (seed 003 §4.5, setting control_exempt_absence_school_days).";
    FinalDiffers = "grade.final_differs", Info, "final grade differs from the suggestion",
        "The teacher may set a period grade other than the one the weighted mean suggests; the journal keeps both, and the review lists them for the deputy to see.";
    HomeworkOverLimit = "homework.over_limit", Warning, "homework above the day's limit",
        "Grades 1–2 get no written homework; grades 3–6 at most about 20 minutes per subject a day (settings homework_max_*); the limit is a student's (the lessons the student attends: whole-class and the student's groups, so parallel groups count once), and the most loaded student of this class's day is above it.";
    OnlineYoungGrade = "online.young_grade", Warning, "online lessons in grades 1–3",
        "Seed 001: grades 1–3 are in principle not taught online (setting online_from_grade, 4); this class of a lower grade had online lessons that day. Acknowledge it with a note when the closure left no other way.";
    OnlineOverDay = "online.over_day_limit", Warning, "online time above the day's limit",
        "Seed 001: grades 4–6 spend at most 90 minutes a day online (setting online_max_minutes_per_day_grades_4_6); the limit is a student's (the online lessons the student attends, so parallel groups count once), each lesson counting its recorded online minutes, else its bell; the most loaded student of this class's day is above it.";
    OnlineLiveTooLong = "online.live_too_long", Warning, "live online lesson too long",
        "Seed 001: a live (synchronous) online lesson lasts at most 30 minutes (setting live_lesson_minutes); this one is longer (its recorded online minutes, else its bell). Record a shorter length, or mark it recorded (not live), in the lesson record.";
    OrderMissing = "stay.order_missing", Warning, "stay without its order",
        "Every arrival, transfer and departure of a student rests on an order with its number and date; this stay was imported or entered without one: enter it (School tab, or classbook student set-order).";
    DepartureUnconfirmed = "student.departure_unconfirmed", Warning, "departure to confirm",
        "The last full roster imported no longer lists this student, who is still enrolled: record the departure with its order (classbook student leave) or, if the student stays, dismiss it (classbook student stays).";
    TrainingFail = "training.fail", Error, "teacher failing in-service training",
        "Three or more absences without cause from school training in a year fail a teacher (setting training_fail_unexcused); this teacher is at or past it.";
    TrainingStudyNotes = "training.study_notes_short", Warning, "too few study notes in a semester",
        "Seed 004: a teacher writes at least 5,000 characters of study notes a semester (setting training_study_notes_chars); this semester is over and this teacher recorded fewer. Dated the semester's last day.";
    TrainingOpenLesson = "training.no_open_lesson", Warning, "no open lesson in the year",
        "Seed 004: every teacher gives an open lesson in the school a year (setting training_open_lessons_year); the year is over and this teacher recorded fewer. Dated the year's last day.";
}

impl Rule {
    pub fn id(self) -> &'static str {
        self.info().id
    }

    /// The rule with this id.
    pub fn parse(id: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.id() == id.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_parse_back() {
        let mut seen = std::collections::HashSet::new();
        for r in Rule::ALL {
            let i = r.info();
            assert!(seen.insert(i.id), "duplicate id {}", i.id);
            assert_eq!(Rule::parse(i.id), Some(*r));
            assert!(i.explanation.ends_with('.') && !i.title.is_empty());
        }
        assert_eq!(Rule::parse("nope"), None);
        assert_eq!(Severity::parse("warning"), Some(Severity::Warning));
        assert!(Severity::Error < Severity::Warning && Severity::Warning < Severity::Info);
    }
}
