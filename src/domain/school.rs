//! School structure (DOMAIN §1): years, periods, classes, people, subjects,
//! timetable, lessons.

use chrono::NaiveDate;
use serde::Serialize;

use super::text::{full_name, short_name};

pub type Id = i64;

macro_rules! str_enum {
    ($(#[$m:meta])* $name:ident { $($var:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($var),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$var),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$var => $s),+ }
            }
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some($name::$var),)+ _ => None }
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use str_enum;

str_enum!(YearStatus { Planned = "planned", Open = "open", Closed = "closed" });
str_enum!(PeriodKind { Quarter = "quarter", Half = "half", Year = "year" });
str_enum!(HolidayKind { Holiday = "holiday", NonSchoolDay = "non_school_day" });
str_enum!(Role {
    Director = "director",
    Deputy = "deputy",
    Teacher = "teacher",
    ClassTeacher = "class_teacher",
    JournalAdmin = "journal_admin",
    Medical = "medical",
    Hr = "hr",
    TrainingLead = "training_lead",
});
str_enum!(Sex { F = "F", M = "M" });
str_enum!(StartReason { StartOfYear = "start_of_year", Arrival = "arrival", Transfer = "transfer" });
str_enum!(EndReason {
    Departure = "departure",
    Transfer = "transfer",
    Graduation = "graduation",
    EndOfYear = "end_of_year",
});
str_enum!(Relation {
    Mother = "mother",
    Father = "father",
    Grandmother = "grandmother",
    Grandfather = "grandfather",
    Guardian = "guardian",
    Other = "other",
});
str_enum!(HomeworkKind {
    Text = "text",
    NotAssigned = "not_assigned",
    NotProvided = "not_provided",
    Individual = "individual",
    Creative = "creative",
});
str_enum!(LessonMode { InClass = "in_class", Online = "online" });

impl HomeworkKind {
    /// The fixed journal wording (seed 003 §4.8).
    pub fn label(self) -> &'static str {
        match self {
            HomeworkKind::Text => "",
            HomeworkKind::NotAssigned => "Не задано",
            HomeworkKind::NotProvided => "Не предусмотрено",
            HomeworkKind::Individual => "Индивидуальное задание",
            HomeworkKind::Creative => "Творческое задание",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct School {
    pub name: String,
    pub short_name: String,
    pub address: String,
    /// The date the records are read at (the demo's "today"); None = today.
    pub as_of: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SchoolYear {
    pub id: Id,
    pub label: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub status: YearStatus,
}

impl SchoolYear {
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.starts_on <= d && d <= self.ends_on
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Period {
    pub id: Id,
    pub year_id: Id,
    pub kind: PeriodKind,
    pub number: u8,
    pub label: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

impl Period {
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.starts_on <= d && d <= self.ends_on
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Holiday {
    pub id: Id,
    pub year_id: Id,
    pub kind: HolidayKind,
    pub label: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

impl Holiday {
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.starts_on <= d && d <= self.ends_on
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Staff {
    pub id: Id,
    pub family_name: String,
    pub given_name: String,
    pub patronymic: Option<String>,
    pub login: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub active: bool,
    pub roles: Vec<Role>,
}

impl Staff {
    pub fn full_name(&self) -> String {
        full_name(
            &self.family_name,
            &self.given_name,
            self.patronymic.as_deref(),
        )
    }
    pub fn short_name(&self) -> String {
        short_name(
            &self.family_name,
            &self.given_name,
            self.patronymic.as_deref(),
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Class {
    pub id: Id,
    pub year_id: Id,
    pub grade: u8,
    pub letter: String,
    pub name: String,
    pub class_teacher_id: Option<Id>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassGroup {
    pub id: Id,
    pub class_id: Id,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Student {
    pub id: Id,
    pub family_name: String,
    pub given_name: String,
    pub patronymic: Option<String>,
    /// Unknown when an import had none (never guessed).
    pub birth_date: Option<NaiveDate>,
    pub sex: Option<Sex>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
}

impl Student {
    pub fn full_name(&self) -> String {
        full_name(
            &self.family_name,
            &self.given_name,
            self.patronymic.as_deref(),
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Enrolment {
    pub id: Id,
    pub student_id: Id,
    pub class_id: Id,
    pub starts_on: NaiveDate,
    pub start_reason: StartReason,
    /// The order that opened the stay; `None` while it is to be entered
    /// (OneRoster carries no order numbers).
    pub start_order_no: Option<String>,
    pub start_order_date: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub end_reason: Option<EndReason>,
    pub end_order_no: Option<String>,
    pub end_order_date: Option<NaiveDate>,
}

impl Enrolment {
    pub fn covers(&self, d: NaiveDate) -> bool {
        self.starts_on <= d && self.ends_on.is_none_or(|e| d <= e)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Guardian {
    pub id: Id,
    pub family_name: String,
    pub given_name: String,
    pub patronymic: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Subject {
    pub id: Id,
    pub name: String,
    pub short_name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CurriculumLine {
    pub class_id: Id,
    pub subject_id: Id,
    pub hours_per_week: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Workload {
    pub id: Id,
    pub class_id: Id,
    pub group_id: Option<Id>,
    pub subject_id: Id,
    pub teacher_id: Id,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bell {
    pub year_id: Id,
    pub lesson_no: u8,
    pub starts_at: String,
    pub ends_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimetableSlot {
    pub id: Id,
    pub year_id: Id,
    /// ISO weekday, Monday = 1.
    pub weekday: u8,
    pub lesson_no: u8,
    pub class_id: Id,
    pub group_id: Option<Id>,
    pub subject_id: Id,
    pub teacher_id: Id,
    pub room: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanTopic {
    pub id: Id,
    pub class_id: Id,
    pub subject_id: Id,
    pub seq: u32,
    pub topic: String,
    pub hours: u32,
    pub control_form_id: Option<Id>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lesson {
    pub id: Id,
    pub class_id: Id,
    pub group_id: Option<Id>,
    pub subject_id: Id,
    pub teacher_id: Id,
    pub taught_by_id: Option<Id>,
    pub date: NaiveDate,
    pub lesson_no: u8,
    pub timetable_id: Option<Id>,
    pub plan_topic_id: Option<Id>,
    pub control_form_id: Option<Id>,
    pub topic: Option<String>,
    pub homework: Option<String>,
    pub homework_kind: Option<HomeworkKind>,
    pub homework_minutes: Option<u16>,
    pub mode: LessonMode,
    pub recorded_at: Option<String>,
    pub attendance_taken_at: Option<String>,
}

impl Lesson {
    /// The homework as the journal shows it: the text, or the fixed wording.
    pub fn homework_display(&self) -> String {
        match self.homework_kind {
            None => String::new(),
            Some(HomeworkKind::Text) => self.homework.clone().unwrap_or_default(),
            Some(kind) => match self.homework.as_deref().filter(|h| !h.is_empty()) {
                Some(text) => format!("{}: {}", kind.label(), text),
                None => kind.label().to_string(),
            },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TeachingLog {
    pub lesson_id: Id,
    pub content: String,
    pub form: String,
    pub effect: String,
    pub homework_feedback: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_round_trip_their_names() {
        for k in PeriodKind::ALL {
            assert_eq!(PeriodKind::parse(k.as_str()), Some(*k));
        }
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(*r));
        }
        assert_eq!(
            HomeworkKind::parse("creative"),
            Some(HomeworkKind::Creative)
        );
        assert_eq!(LessonMode::parse("bogus"), None);
    }

    #[test]
    fn enrolment_covers_its_dates_only() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let e = Enrolment {
            id: 1,
            student_id: 1,
            class_id: 1,
            starts_on: d("2025-10-06"),
            start_reason: StartReason::Arrival,
            start_order_no: Some("12-у".into()),
            start_order_date: Some(d("2025-10-03")),
            ends_on: Some(d("2025-12-19")),
            end_reason: Some(EndReason::Departure),
            end_order_no: Some("40-у".into()),
            end_order_date: Some(d("2025-12-18")),
        };
        assert!(!e.covers(d("2025-10-05")));
        assert!(e.covers(d("2025-10-06")));
        assert!(e.covers(d("2025-12-19")));
        assert!(!e.covers(d("2025-12-20")));
    }

    #[test]
    fn homework_display_uses_the_fixed_wording() {
        let mut l = Lesson {
            id: 1,
            class_id: 1,
            group_id: None,
            subject_id: 1,
            teacher_id: 1,
            taught_by_id: None,
            date: NaiveDate::from_ymd_opt(2025, 9, 1).unwrap(),
            lesson_no: 1,
            timetable_id: None,
            plan_topic_id: None,
            control_form_id: None,
            topic: None,
            homework: Some("нарисовать иллюстрацию к сказке".into()),
            homework_kind: Some(HomeworkKind::Creative),
            homework_minutes: Some(20),
            mode: LessonMode::InClass,
            recorded_at: None,
            attendance_taken_at: None,
        };
        assert_eq!(
            l.homework_display(),
            "Творческое задание: нарисовать иллюстрацию к сказке"
        );
        l.homework_kind = Some(HomeworkKind::NotProvided);
        l.homework = None;
        assert_eq!(l.homework_display(), "Не предусмотрено");
    }
}
