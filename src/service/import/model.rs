//! What every importer produces: a [`Bundle`] of the school's structure and
//! people, read from files but not yet written. The readers (OneRoster,
//! the CSV templates) only parse and map; one applier
//! ([`super::apply`]) writes a bundle into the database, all or nothing,
//! matching rows already there by their external id.
//!
//! Rows refer to each other by a **key** (a `String`): the row's external
//! id when the source has one (a OneRoster sourcedId, a template's `id`
//! column), otherwise its natural name (a class "7А", a subject's name, a
//! teacher's login or full name). The applier resolves a key against the
//! bundle first, then against the database (external id, then name), so a
//! timetable template can name classes that an earlier OneRoster import
//! brought in.

use std::fmt;

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::{EndReason, HolidayKind, PeriodKind, Relation, Role, Sex};

/// Where a row came from: the file (as the user named it) and its line
/// (1-based, the header is line 1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Origin {
    pub file: String,
    pub line: usize,
}

impl Origin {
    pub fn new(file: impl Into<String>, line: usize) -> Self {
        Origin {
            file: file.into(),
            line,
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Kept and imported, but the user should know (a value the schema
    /// cannot hold, stored as unknown; a column that maps to nothing).
    Warning,
    /// The import is refused as a whole.
    Error,
}

/// One thing wrong with an input, named as `file:line: column: message`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    pub severity: Severity,
    pub at: Origin,
    /// The column's header as written in the file ("" for the whole line
    /// or the whole file).
    pub column: String,
    pub message: String,
}

impl Issue {
    pub fn error(at: Origin, column: impl Into<String>, message: impl Into<String>) -> Self {
        Issue {
            severity: Severity::Error,
            at,
            column: column.into(),
            message: message.into(),
        }
    }

    pub fn warning(at: Origin, column: impl Into<String>, message: impl Into<String>) -> Self {
        Issue {
            severity: Severity::Warning,
            at,
            column: column.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.at.line == 0 {
            self.at.file.clone()
        } else {
            self.at.to_string()
        };
        match (self.column.is_empty(), self.severity) {
            (true, Severity::Error) => write!(f, "{at}: {}", self.message),
            (false, Severity::Error) => write!(f, "{at}: {}: {}", self.column, self.message),
            (true, Severity::Warning) => write!(f, "{at}: warning: {}", self.message),
            (false, Severity::Warning) => {
                write!(f, "{at}: {}: warning: {}", self.column, self.message)
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SchoolIn {
    pub at: Origin,
    pub ext_id: Option<String>,
    pub name: String,
}

/// A school year. `key` is its external id, else its label ("2025/26").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearIn {
    pub at: Origin,
    pub key: String,
    pub ext_id: Option<String>,
    pub label: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodIn {
    pub at: Origin,
    pub ext_id: Option<String>,
    /// The year's key.
    pub year: String,
    pub kind: PeriodKind,
    pub number: u8,
    pub label: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HolidayIn {
    pub at: Origin,
    pub ext_id: Option<String>,
    /// The year's key; `None`: the year that contains the dates.
    pub year: Option<String>,
    pub kind: HolidayKind,
    pub label: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BellIn {
    pub at: Origin,
    /// The year's key; `None`: the current (or only) year.
    pub year: Option<String>,
    pub lesson_no: u8,
    /// "08:30"
    pub starts_at: String,
    pub ends_at: String,
}

/// A subject. `key` is its external id, else its name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubjectIn {
    pub at: Origin,
    pub key: String,
    pub ext_id: Option<String>,
    pub name: String,
    pub short_name: String,
}

/// A member of staff. `key` is the external id, else the login, else the
/// full name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StaffIn {
    pub at: Origin,
    pub key: String,
    pub ext_id: Option<String>,
    pub family_name: String,
    pub given_name: String,
    pub patronymic: Option<String>,
    pub login: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub active: bool,
    /// Roles the source gives; the applier adds them (it removes none).
    pub roles: Vec<Role>,
}

/// A student. `key` is the external id (OneRoster sourcedId, the template's
/// `id`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StudentIn {
    pub at: Origin,
    pub key: String,
    pub ext_id: Option<String>,
    pub family_name: String,
    pub given_name: String,
    pub patronymic: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub sex: Option<Sex>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GuardianIn {
    pub at: Origin,
    pub key: String,
    pub ext_id: Option<String>,
    pub family_name: String,
    pub given_name: String,
    pub patronymic: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// (student key, relation)
    pub children: Vec<(String, Relation)>,
}

/// A class. `key` is the external id, else its name ("7А").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassIn {
    pub at: Origin,
    pub key: String,
    pub ext_id: Option<String>,
    /// The year's key; `None`: the current (or only) year.
    pub year: Option<String>,
    pub grade: u8,
    pub letter: String,
    /// A staff key.
    pub class_teacher: Option<String>,
}

/// A group inside a class (a language or PE subgroup).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupIn {
    pub at: Origin,
    pub key: String,
    pub ext_id: Option<String>,
    pub class: String,
    pub name: String,
}

/// A stay of a student in a class.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnrolmentIn {
    pub at: Origin,
    pub ext_id: Option<String>,
    pub student: String,
    pub class: String,
    /// `None`: the start of the class's year.
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    /// Order number and date that authorised the stay; `None` = to be
    /// entered (listed by the review).
    pub order_no: Option<String>,
    pub order_date: Option<NaiveDate>,
    /// Why the stay ended (with `ends_on`; `None`: a departure) and the
    /// order that ended it.
    pub end_reason: Option<EndReason>,
    pub end_order_no: Option<String>,
    pub end_order_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupMemberIn {
    pub at: Origin,
    pub group: String,
    pub student: String,
}

/// Who teaches a subject to a class or one of its groups.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkloadIn {
    pub at: Origin,
    pub ext_id: Option<String>,
    pub class: String,
    pub group: Option<String>,
    pub subject: String,
    pub teacher: String,
}

/// Hours a week of a subject in a class (and, when given, who teaches it).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CurriculumIn {
    pub at: Origin,
    pub class: String,
    pub subject: String,
    pub hours_per_week: f64,
    pub teacher: Option<String>,
    pub group: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimetableIn {
    pub at: Origin,
    pub ext_id: Option<String>,
    pub class: String,
    pub group: Option<String>,
    /// 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    pub lesson_no: u8,
    pub subject: String,
    pub teacher: String,
    pub room: String,
    /// `None`: the start of the year.
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MovementKind {
    /// Into `class` on `date`.
    Arrival,
    /// Out of the school on `date` (the stay ends that day).
    Departure(EndReason),
    /// From the current class into `class` on `date`.
    Transfer,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MovementIn {
    pub at: Origin,
    pub student: String,
    pub kind: MovementKind,
    pub class: Option<String>,
    pub date: NaiveDate,
    pub order_no: Option<String>,
    pub order_date: Option<NaiveDate>,
}

/// Everything read from one import's files.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Bundle {
    /// What was read, for the report ("OneRoster 1.2 (./export)").
    pub source: String,
    pub school: Option<SchoolIn>,
    pub years: Vec<YearIn>,
    pub periods: Vec<PeriodIn>,
    pub holidays: Vec<HolidayIn>,
    pub bells: Vec<BellIn>,
    pub subjects: Vec<SubjectIn>,
    pub staff: Vec<StaffIn>,
    pub students: Vec<StudentIn>,
    pub guardians: Vec<GuardianIn>,
    pub classes: Vec<ClassIn>,
    pub groups: Vec<GroupIn>,
    pub enrolments: Vec<EnrolmentIn>,
    pub group_members: Vec<GroupMemberIn>,
    pub workload: Vec<WorkloadIn>,
    pub curriculum: Vec<CurriculumIn>,
    pub timetable: Vec<TimetableIn>,
    pub movements: Vec<MovementIn>,
    /// When set, students of the database that this roster does not list
    /// (and that were imported from the same kind of source) are listed as
    /// departures to confirm. A full roster sets it; a partial template
    /// (a few arrivals) does not.
    pub full_roster: bool,
    /// Everything the reader found wrong or could not map.
    pub issues: Vec<Issue>,
}

impl Bundle {
    /// Whether any issue refuses the import.
    pub fn has_errors(&self) -> bool {
        self.issues.iter().any(|i| i.severity == Severity::Error)
    }
}

/// Dates as real exports write them: ISO `2025-09-01` (also with a time,
/// `2025-09-01T00:00:00Z`), `01.09.2025`, and the US `9/1/2025` or
/// `1/05/2023` (month first, as OneRoster's US exporters write it).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let head = s.split(['T', ' ']).next().unwrap_or(s);
    NaiveDate::parse_from_str(head, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(head, "%d.%m.%Y"))
        .or_else(|_| NaiveDate::parse_from_str(head, "%m/%d/%Y"))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_as_real_exports_write_them() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd);
        assert_eq!(parse_date("2025-09-01"), d(2025, 9, 1));
        assert_eq!(parse_date("2023-05-01T18:25:43.511Z"), d(2023, 5, 1));
        assert_eq!(parse_date("01.09.2025"), d(2025, 9, 1));
        assert_eq!(parse_date("1/05/2023"), d(2023, 1, 5));
        assert_eq!(parse_date(" 12/24/2025 "), d(2025, 12, 24));
        assert_eq!(parse_date("2025-02-30"), None);
        assert_eq!(parse_date(""), None);
    }

    #[test]
    fn issues_read_file_line_column() {
        let e = Issue::error(
            Origin::new("users.csv", 7),
            "birthDate",
            "not a date: «31/31»",
        );
        assert_eq!(e.to_string(), "users.csv:7: birthDate: not a date: «31/31»");
        let w = Issue::warning(Origin::new("x.csv", 0), "", "column foo maps to nothing");
        assert_eq!(w.to_string(), "x.csv: warning: column foo maps to nothing");
    }
}
