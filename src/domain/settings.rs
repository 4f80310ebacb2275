//! Per-school settings with the source documents' numbers as defaults.
//! Stored as key/value text in the `setting` table; every key is listed in
//! [`Settings::SPEC`] with its default and its meaning.

use chrono::{NaiveDate, NaiveTime};
use std::collections::BTreeMap;

use serde::Serialize;

use super::review::{Rule, Severity};
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Settings {
    /// Lesson record, attendance and marks are due the same day by this time.
    pub entry_deadline: NaiveTime,
    pub mark_deadline_current_days: u32,
    pub mark_deadline_interim_days: u32,
    pub mark_deadline_written_days: u32,
    pub min_marks_quarter: usize,
    pub min_marks_half: usize,
    /// Thresholds of the weighted mean, in hundredths (2.60 → 260).
    pub grade_threshold_3: u32,
    pub grade_threshold_4: u32,
    pub grade_threshold_5: u32,
    pub grades_due_days_before_end: u32,
    /// A deferred mark must be resolved within this many school days.
    pub deferred_resolve_school_days: u32,
    /// A student back from an excused absence of at least this many
    /// consecutive school days is exempt from the control events of the
    /// following school week (seed 003 §4.5: no mark is required of a
    /// student long absent for a good reason).
    pub control_exempt_absence_school_days: u32,
    pub school_days_per_week: u32,
    pub homework_max_minutes_grades_1_2: u32,
    pub homework_max_minutes_per_subject_grades_3_6: u32,
    /// The lowest grade that may be taught online (seed 001: grades 1–3
    /// in principle not online, so 4).
    pub online_from_grade: u32,
    pub online_max_minutes_per_day_grades_4_6: u32,
    /// The longest a live (synchronous) online lesson may be, minutes.
    pub live_lesson_minutes: u32,
    pub training_fail_unexcused: u32,
    /// Hundredths of a credit (40 credits → 4000), so 39.5 is exact.
    pub training_min_credits_year: u32,
    /// Minutes.
    pub training_min_session_minutes: u32,
    pub training_study_notes_chars: u32,
    pub training_open_lessons_year: u32,
    /// Severities that differ from the rules' defaults (`severity.<rule id>`).
    pub severity: BTreeMap<Rule, Severity>,
}

/// Which entry deadline a form of control has (control_form.deadline_kind):
/// a current mark, an interim-attestation mark, or a written work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    Current,
    Interim,
    Written,
}

impl DeadlineKind {
    pub fn parse(s: &str) -> Option<DeadlineKind> {
        match s {
            "current" => Some(DeadlineKind::Current),
            "interim" => Some(DeadlineKind::Interim),
            "written" => Some(DeadlineKind::Written),
            _ => None,
        }
    }

    /// The deadline a form of control's marks get: a written work
    /// (`control_form.written`, seed 003 §5.5) always gets the written
    /// deadline; any other form its own kind.
    pub fn of_form(kind: DeadlineKind, written: bool) -> DeadlineKind {
        if written { DeadlineKind::Written } else { kind }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DeadlineKind::Current => "current",
            DeadlineKind::Interim => "interim",
            DeadlineKind::Written => "written",
        }
    }
}

impl Settings {
    /// Days after the lesson by which a mark of this kind must be entered.
    pub fn mark_deadline_days(&self, kind: DeadlineKind) -> u32 {
        match kind {
            DeadlineKind::Current => self.mark_deadline_current_days,
            DeadlineKind::Interim => self.mark_deadline_interim_days,
            DeadlineKind::Written => self.mark_deadline_written_days,
        }
    }

    /// The last day a mark of this kind given at a lesson on `lesson_date`
    /// may be entered (inclusive).
    pub fn mark_due_by(&self, lesson_date: NaiveDate, kind: DeadlineKind) -> NaiveDate {
        lesson_date + chrono::Days::new(u64::from(self.mark_deadline_days(kind)))
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            entry_deadline: NaiveTime::from_hms_opt(17, 30, 0).expect("valid time"),
            mark_deadline_current_days: 15,
            mark_deadline_interim_days: 7,
            mark_deadline_written_days: 3,
            min_marks_quarter: 3,
            min_marks_half: 5,
            grade_threshold_3: 260,
            grade_threshold_4: 365,
            grade_threshold_5: 466,
            grades_due_days_before_end: 3,
            deferred_resolve_school_days: 5,
            // Seed 003 §4.5 says "долгое время" without a number; one school
            // week (5 days, the week it also allows to make up a deferred
            // task) is the shortest absence that is "long".
            control_exempt_absence_school_days: 5,
            school_days_per_week: 5,
            homework_max_minutes_grades_1_2: 0,
            homework_max_minutes_per_subject_grades_3_6: 20,
            online_from_grade: 4,
            online_max_minutes_per_day_grades_4_6: 90,
            live_lesson_minutes: 30,
            training_fail_unexcused: 3,
            training_min_credits_year: 4000,
            training_min_session_minutes: 60,
            training_study_notes_chars: 5000,
            training_open_lessons_year: 1,
            severity: BTreeMap::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SettingError {
    #[error("unknown setting «{0}»")]
    Unknown(String),
    #[error("setting {key}: «{value}» is not valid ({expected})")]
    Invalid {
        key: String,
        value: String,
        expected: &'static str,
    },
}

/// How a setting is written as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Time,
    Count,
    /// A decimal with two places, stored in hundredths.
    Decimal,
}

pub struct Spec {
    pub key: &'static str,
    pub kind: Kind,
    pub description: &'static str,
}

macro_rules! spec {
    ($key:ident, $kind:ident, $desc:literal) => {
        Spec {
            key: stringify!($key),
            kind: Kind::$kind,
            description: $desc,
        }
    };
}

impl Settings {
    pub const SPEC: &'static [Spec] = &[
        spec!(
            entry_deadline,
            Time,
            "lesson record, attendance and marks due the same day by (HH:MM)"
        ),
        spec!(
            mark_deadline_current_days,
            Count,
            "days to enter a current mark"
        ),
        spec!(
            mark_deadline_interim_days,
            Count,
            "days to enter an interim-attestation mark"
        ),
        spec!(
            mark_deadline_written_days,
            Count,
            "days to enter the mark of a written work"
        ),
        spec!(
            min_marks_quarter,
            Count,
            "marks needed to be attested for a quarter"
        ),
        spec!(
            min_marks_half,
            Count,
            "marks needed to be attested for a half-year"
        ),
        spec!(
            grade_threshold_3,
            Decimal,
            "weighted mean from which the period grade is 3"
        ),
        spec!(
            grade_threshold_4,
            Decimal,
            "weighted mean from which the period grade is 4"
        ),
        spec!(
            grade_threshold_5,
            Decimal,
            "weighted mean from which the period grade is 5"
        ),
        spec!(
            grades_due_days_before_end,
            Count,
            "period grades due this many days before the period ends"
        ),
        spec!(
            deferred_resolve_school_days,
            Count,
            "school days to resolve a deferred mark (°)"
        ),
        spec!(
            control_exempt_absence_school_days,
            Count,
            "consecutive school days of excused absence that exempt a student from a control work's mark"
        ),
        spec!(school_days_per_week, Count, "school days a week (5 or 6)"),
        spec!(
            homework_max_minutes_grades_1_2,
            Count,
            "homework minutes a day allowed in grades 1–2"
        ),
        spec!(
            homework_max_minutes_per_subject_grades_3_6,
            Count,
            "homework minutes per subject a day in grades 3–6"
        ),
        spec!(
            online_from_grade,
            Count,
            "lowest grade taught online (grades below it: no online lessons)"
        ),
        spec!(
            online_max_minutes_per_day_grades_4_6,
            Count,
            "online minutes a day in grades 4–6"
        ),
        spec!(
            live_lesson_minutes,
            Count,
            "longest live online lesson, minutes"
        ),
        spec!(
            training_fail_unexcused,
            Count,
            "unexcused training absences in a year that fail a teacher"
        ),
        spec!(
            training_min_credits_year,
            Decimal,
            "training credits a teacher must earn in a year"
        ),
        spec!(
            training_min_session_minutes,
            Count,
            "shortest training session, minutes"
        ),
        spec!(
            training_study_notes_chars,
            Count,
            "characters of study notes a semester"
        ),
        spec!(
            training_open_lessons_year,
            Count,
            "open lessons a teacher gives in a year"
        ),
    ];

    /// Every setting as (key, text value), in SPEC order.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        Self::SPEC
            .iter()
            .map(|s| (s.key, self.get(s.key).expect("every SPEC key is readable")))
            .chain(Rule::ALL.iter().map(|r| {
                let key = r.info().setting;
                (key, self.severity_of(*r).as_str().to_string())
            }))
            .collect()
    }

    /// The severity a rule's findings have in this school.
    pub fn severity_of(&self, rule: Rule) -> Severity {
        self.severity
            .get(&rule)
            .copied()
            .unwrap_or(rule.info().severity)
    }

    /// What a key means (for the settings table and listings).
    pub fn describe(key: &str) -> Option<&'static str> {
        if let Some(rule) = key.strip_prefix("severity.").and_then(Rule::parse) {
            return Some(rule.info().title);
        }
        Self::SPEC
            .iter()
            .find(|s| s.key == key)
            .map(|s| s.description)
    }

    /// The text value of one setting.
    pub fn get(&self, key: &str) -> Option<String> {
        if let Some(id) = key.strip_prefix("severity.") {
            return Rule::parse(id).map(|r| self.severity_of(r).as_str().to_string());
        }
        let dec = |h: u32| format!("{}.{:02}", h / 100, h % 100);
        Some(match key {
            "entry_deadline" => self.entry_deadline.format("%H:%M").to_string(),
            "mark_deadline_current_days" => self.mark_deadline_current_days.to_string(),
            "mark_deadline_interim_days" => self.mark_deadline_interim_days.to_string(),
            "mark_deadline_written_days" => self.mark_deadline_written_days.to_string(),
            "min_marks_quarter" => self.min_marks_quarter.to_string(),
            "min_marks_half" => self.min_marks_half.to_string(),
            "grade_threshold_3" => dec(self.grade_threshold_3),
            "grade_threshold_4" => dec(self.grade_threshold_4),
            "grade_threshold_5" => dec(self.grade_threshold_5),
            "grades_due_days_before_end" => self.grades_due_days_before_end.to_string(),
            "deferred_resolve_school_days" => self.deferred_resolve_school_days.to_string(),
            "control_exempt_absence_school_days" => {
                self.control_exempt_absence_school_days.to_string()
            }
            "school_days_per_week" => self.school_days_per_week.to_string(),
            "homework_max_minutes_grades_1_2" => self.homework_max_minutes_grades_1_2.to_string(),
            "homework_max_minutes_per_subject_grades_3_6" => {
                self.homework_max_minutes_per_subject_grades_3_6.to_string()
            }
            "online_from_grade" => self.online_from_grade.to_string(),
            "online_max_minutes_per_day_grades_4_6" => {
                self.online_max_minutes_per_day_grades_4_6.to_string()
            }
            "live_lesson_minutes" => self.live_lesson_minutes.to_string(),
            "training_fail_unexcused" => self.training_fail_unexcused.to_string(),
            "training_min_credits_year" => dec(self.training_min_credits_year),
            "training_min_session_minutes" => self.training_min_session_minutes.to_string(),
            "training_study_notes_chars" => self.training_study_notes_chars.to_string(),
            "training_open_lessons_year" => self.training_open_lessons_year.to_string(),
            _ => return None,
        })
    }

    /// Set one setting from text, validating it; the grade thresholds must
    /// still rise 3 < 4 < 5 afterwards. A refused value changes nothing.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), SettingError> {
        let mut next = self.clone();
        next.apply(key, value)?;
        next.check_thresholds(key, value)?;
        *self = next;
        Ok(())
    }

    fn check_thresholds(&self, key: &str, value: &str) -> Result<(), SettingError> {
        let rising = (200..=500).contains(&self.grade_threshold_3)
            && self.grade_threshold_3 < self.grade_threshold_4
            && self.grade_threshold_4 < self.grade_threshold_5
            && self.grade_threshold_5 <= 500;
        if rising {
            Ok(())
        } else {
            Err(SettingError::Invalid {
                key: key.into(),
                value: value.into(),
                expected: "thresholds rising from 2.00 to 5.00: 3 < 4 < 5",
            })
        }
    }

    /// Parse one value and assign it, without the cross-field check.
    fn apply(&mut self, key: &str, value: &str) -> Result<(), SettingError> {
        if let Some(id) = key.strip_prefix("severity.") {
            let rule = Rule::parse(id).ok_or_else(|| SettingError::Unknown(key.into()))?;
            let sev = Severity::parse(value).ok_or_else(|| SettingError::Invalid {
                key: key.into(),
                value: value.into(),
                expected: "error, warning or info",
            })?;
            if sev == rule.info().severity {
                self.severity.remove(&rule);
            } else {
                self.severity.insert(rule, sev);
            }
            return Ok(());
        }
        let spec = Self::SPEC
            .iter()
            .find(|s| s.key == key)
            .ok_or_else(|| SettingError::Unknown(key.into()))?;
        let invalid = |expected| SettingError::Invalid {
            key: key.into(),
            value: value.into(),
            expected,
        };
        let v = value.trim();
        let this = self;
        match spec.kind {
            Kind::Time => {
                this.entry_deadline =
                    NaiveTime::parse_from_str(v, "%H:%M").map_err(|_| invalid("a time HH:MM"))?;
            }
            Kind::Decimal => {
                let h = parse_hundredths(v)
                    .ok_or_else(|| invalid("a number with at most two decimals"))?;
                match key {
                    "grade_threshold_3" => this.grade_threshold_3 = h,
                    "grade_threshold_4" => this.grade_threshold_4 = h,
                    "grade_threshold_5" => this.grade_threshold_5 = h,
                    _ if h > 100_000 => return Err(invalid("credits from 0 to 1000")),
                    _ => this.training_min_credits_year = h,
                }
            }
            Kind::Count => {
                let n: u32 = v.parse().map_err(|_| invalid("a whole number"))?;
                // Every count has a range: a deadline of 97,000,000 days or
                // a minimum of 0 marks is a typing mistake, refused here.
                if let Some((lo, hi, expected)) = Self::count_range(key)
                    && !(lo..=hi).contains(&n)
                {
                    return Err(invalid(expected));
                }
                match key {
                    "mark_deadline_current_days" => this.mark_deadline_current_days = n,
                    "mark_deadline_interim_days" => this.mark_deadline_interim_days = n,
                    "mark_deadline_written_days" => this.mark_deadline_written_days = n,
                    "min_marks_quarter" => this.min_marks_quarter = n as usize,
                    "min_marks_half" => this.min_marks_half = n as usize,
                    "grades_due_days_before_end" => this.grades_due_days_before_end = n,
                    "deferred_resolve_school_days" => this.deferred_resolve_school_days = n,
                    "control_exempt_absence_school_days" => {
                        this.control_exempt_absence_school_days = n
                    }
                    "school_days_per_week" if (5..=6).contains(&n) => this.school_days_per_week = n,
                    "school_days_per_week" => return Err(invalid("5 or 6")),
                    "homework_max_minutes_grades_1_2" => this.homework_max_minutes_grades_1_2 = n,
                    "homework_max_minutes_per_subject_grades_3_6" => {
                        this.homework_max_minutes_per_subject_grades_3_6 = n
                    }
                    "online_from_grade" if (1..=12).contains(&n) => this.online_from_grade = n,
                    "online_from_grade" => return Err(invalid("a grade from 1 to 12")),
                    "online_max_minutes_per_day_grades_4_6" => {
                        this.online_max_minutes_per_day_grades_4_6 = n
                    }
                    "live_lesson_minutes" => this.live_lesson_minutes = n,
                    "training_fail_unexcused" => this.training_fail_unexcused = n,
                    "training_min_session_minutes" => this.training_min_session_minutes = n,
                    "training_study_notes_chars" => this.training_study_notes_chars = n,
                    _ => this.training_open_lessons_year = n,
                }
            }
        }
        Ok(())
    }

    /// The range of a whole-number setting, and how to say it.
    pub fn count_range(key: &str) -> Option<(u32, u32, &'static str)> {
        Some(match key {
            "mark_deadline_current_days"
            | "mark_deadline_interim_days"
            | "mark_deadline_written_days"
            | "deferred_resolve_school_days"
            | "control_exempt_absence_school_days" => (1, 60, "a number of days from 1 to 60"),
            "min_marks_quarter" => (1, 20, "a number of marks from 1 to 20"),
            "min_marks_half" => (1, 40, "a number of marks from 1 to 40"),
            "grades_due_days_before_end" => (0, 30, "a number of days from 0 to 30"),
            "homework_max_minutes_grades_1_2" | "homework_max_minutes_per_subject_grades_3_6" => {
                (0, 300, "minutes from 0 to 300")
            }
            "online_max_minutes_per_day_grades_4_6" | "training_min_session_minutes" => {
                (1, 480, "minutes from 1 to 480")
            }
            "live_lesson_minutes" => (1, 240, "minutes from 1 to 240"),
            "training_fail_unexcused" => (1, 100, "a number of absences from 1 to 100"),
            "training_study_notes_chars" => (0, 1_000_000, "characters from 0 to 1000000"),
            "training_open_lessons_year" => (0, 50, "a number of open lessons from 0 to 50"),
            _ => return None,
        })
    }

    /// Build settings from stored pairs; missing keys keep their defaults.
    /// The thresholds are checked once every value is in, so the order of
    /// the pairs does not matter. Strict: the first value not valid is an
    /// error (see [`Settings::from_stored`] for what a database holds).
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, SettingError> {
        let mut s = Settings::default();
        for (k, v) in pairs {
            s.apply(k, v)?;
        }
        let t3 = s.get("grade_threshold_3").unwrap_or_default();
        s.check_thresholds("grade_threshold_3", &t3)?;
        Ok(s)
    }

    /// Build settings from what a database holds, never failing: a stored
    /// value that is not valid (out of its range, unreadable, thresholds
    /// that do not rise — from an older classbook or SQL) keeps the default,
    /// and is reported with the way to repair it, so nothing stops working
    /// and `settings set` can put it right. Unknown keys (a newer
    /// classbook's) are left alone.
    pub fn from_stored<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> (Self, Vec<StoredProblem>) {
        let mut s = Settings::default();
        let mut problems = vec![];
        for (k, v) in pairs {
            match s.apply(k, v) {
                Ok(()) | Err(SettingError::Unknown(_)) => {}
                Err(e) => problems.push(StoredProblem {
                    key: k.to_string(),
                    stored: v.to_string(),
                    why: e.expected(),
                    used: Settings::default().get(k).unwrap_or_default(),
                }),
            }
        }
        let t3 = s.get("grade_threshold_3").unwrap_or_default();
        if let Err(e) = s.check_thresholds("grade_threshold_3", &t3) {
            let d = Settings::default();
            for key in [
                "grade_threshold_3",
                "grade_threshold_4",
                "grade_threshold_5",
            ] {
                let stored = s.get(key).unwrap_or_default();
                let used = d.get(key).unwrap_or_default();
                if stored != used {
                    problems.push(StoredProblem {
                        key: key.to_string(),
                        stored,
                        why: e.expected(),
                        used,
                    });
                }
            }
            s.grade_threshold_3 = d.grade_threshold_3;
            s.grade_threshold_4 = d.grade_threshold_4;
            s.grade_threshold_5 = d.grade_threshold_5;
        }
        (s, problems)
    }
}

impl SettingError {
    /// What a valid value is ("a number of marks from 1 to 20").
    pub fn expected(&self) -> String {
        match self {
            SettingError::Invalid { expected, .. } => expected.to_string(),
            other => other.to_string(),
        }
    }
}

/// A stored setting that is not valid, and what is used instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredProblem {
    pub key: String,
    pub stored: String,
    pub why: String,
    /// The value used instead (the default).
    pub used: String,
}

impl std::fmt::Display for StoredProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "setting {} holds «{}»: not valid ({}); {} is used: repair it with `classbook settings set {} VALUE`",
            self.key, self.stored, self.why, self.used, self.key
        )
    }
}

/// "2.6" → 260, "40" → 4000, "39.5" → 3950; more than two decimals is refused.
pub fn parse_hundredths(s: &str) -> Option<u32> {
    let (int, frac) = s.split_once(['.', ',']).unwrap_or((s, ""));
    if int.is_empty()
        || frac.len() > 2
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let int: u32 = int.parse().ok()?;
    let frac: u32 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<2}").parse().ok()?
    };
    int.checked_mul(100)?.checked_add(frac)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_documents_numbers() {
        let s = Settings::default();
        let pairs = s.to_pairs();
        let get = |k: &str| pairs.iter().find(|(key, _)| *key == k).unwrap().1.clone();
        assert_eq!(get("entry_deadline"), "17:30");
        assert_eq!(get("mark_deadline_current_days"), "15");
        assert_eq!(get("mark_deadline_interim_days"), "7");
        assert_eq!(get("mark_deadline_written_days"), "3");
        assert_eq!(get("min_marks_quarter"), "3");
        assert_eq!(get("min_marks_half"), "5");
        assert_eq!(get("grade_threshold_3"), "2.60");
        assert_eq!(get("grade_threshold_4"), "3.65");
        assert_eq!(get("grade_threshold_5"), "4.66");
        assert_eq!(get("training_fail_unexcused"), "3");
        assert_eq!(get("training_min_credits_year"), "40.00");
        assert_eq!(pairs.len(), Settings::SPEC.len() + Rule::ALL.len());
        assert_eq!(get("severity.training.fail"), "error");
    }

    #[test]
    fn every_count_has_a_range_and_defaults_are_inside_it() {
        let mut s = Settings::default();
        for (key, value) in Settings::default().to_pairs() {
            if let Some((lo, hi, _)) = Settings::count_range(key) {
                let v: u32 = value.parse().unwrap();
                assert!((lo..=hi).contains(&v), "{key} = {v}");
                assert!(s.set(key, &hi.to_string()).is_ok(), "{key} at {hi}");
                assert!(s.set(key, &lo.to_string()).is_ok(), "{key} at {lo}");
                let e = s.set(key, &(hi + 1).to_string()).unwrap_err();
                assert!(e.to_string().contains(&hi.to_string()), "{e}");
                if lo > 0 {
                    assert!(s.set(key, &(lo - 1).to_string()).is_err(), "{key}");
                }
            }
        }
        // The examples.
        assert!(s.set("grades_due_days_before_end", "97000000").is_err());
        assert!(s.set("min_marks_quarter", "0").is_err());
        assert!(s.set("mark_deadline_current_days", "4294967295").is_err());
        assert!(s.set("training_min_credits_year", "42949672").is_err());
        assert!(s.set("training_min_credits_year", "1000").is_ok());
    }

    #[test]
    fn a_stored_value_out_of_range_keeps_the_default_and_can_be_set_again() {
        let (s, problems) = Settings::from_stored([
            ("grades_due_days_before_end", "97000000"),
            ("min_marks_quarter", "0"),
            ("min_marks_half", "6"),
            ("entry_deadline", "25:99"),
            ("a.newer.setting", "x"),
        ]);
        let d = Settings::default();
        assert_eq!(s.grades_due_days_before_end, d.grades_due_days_before_end);
        assert_eq!(s.min_marks_quarter, d.min_marks_quarter);
        assert_eq!(s.entry_deadline, d.entry_deadline);
        assert_eq!(s.min_marks_half, 6);
        let keys: Vec<&str> = problems.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "grades_due_days_before_end",
                "min_marks_quarter",
                "entry_deadline"
            ]
        );
        let text = problems[1].to_string();
        assert!(
            text.starts_with(
                "setting min_marks_quarter holds «0»: not valid (a number of marks from 1 to 20);"
            ),
            "{text}"
        );
        assert!(
            text.ends_with(
                "3 is used: repair it with `classbook settings set min_marks_quarter VALUE`"
            ),
            "{text}"
        );
        assert!(
            Settings::from_pairs([("min_marks_quarter", "0")]).is_err(),
            "strict"
        );
    }

    #[test]
    fn stored_thresholds_that_do_not_rise_fall_back_to_the_defaults() {
        let (s, problems) =
            Settings::from_stored([("grade_threshold_3", "3.50"), ("grade_threshold_4", "3.40")]);
        let d = Settings::default();
        assert_eq!(
            (
                s.grade_threshold_3,
                s.grade_threshold_4,
                s.grade_threshold_5
            ),
            (
                d.grade_threshold_3,
                d.grade_threshold_4,
                d.grade_threshold_5
            )
        );
        let keys: Vec<&str> = problems.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(keys, ["grade_threshold_3", "grade_threshold_4"]);
        // Rising ones load as stored, with nothing to report.
        let (s, problems) = Settings::from_stored([("grade_threshold_3", "3.00")]);
        assert_eq!(s.grade_threshold_3, 300);
        assert!(problems.is_empty());
    }

    #[test]
    fn round_trip_and_validation() {
        let s = Settings::default();
        let pairs = s.to_pairs();
        let back = Settings::from_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str()))).unwrap();
        assert_eq!(back, s);
        let mut s = Settings::default();
        assert!(s.set("grade_threshold_3", "2.605").is_err());
        assert!(s.set("grade_threshold_4", "2.50").is_err(), "4 below 3");
        assert_eq!(s, Settings::default(), "a refused value changes nothing");
        // Raised thresholds load back whatever order the pairs come in.
        let raised = [
            ("grade_threshold_3", "3.70"),
            ("grade_threshold_4", "4.20"),
            ("grade_threshold_5", "4.80"),
        ];
        let a = Settings::from_pairs(raised).unwrap();
        let b = Settings::from_pairs(raised.into_iter().rev()).unwrap();
        assert_eq!(
            (
                a.grade_threshold_3,
                a.grade_threshold_4,
                a.grade_threshold_5
            ),
            (370, 420, 480)
        );
        assert_eq!(a, b);
        assert!(s.set("entry_deadline", "25:00").is_err());
        assert!(matches!(s.set("nope", "1"), Err(SettingError::Unknown(_))));
        s.set("entry_deadline", "18:00").unwrap();
        s.set("training_min_credits_year", "39.5").unwrap();
        assert_eq!(s.training_min_credits_year, 3950);
        assert_eq!(parse_hundredths("2,6"), Some(260));
        assert_eq!(parse_hundredths("-1"), None);
    }
}
