//! Attendance codes (DOMAIN §3). The code table itself is data; what the
//! program knows is the category every code belongs to, which is what
//! summaries count by.

use serde::Serialize;

use super::school::{Id, str_enum};

str_enum!(
    /// What a code means for counting.
    Category {
        Present = "present",
        PresentRemote = "present_remote",
        Exempt = "exempt",
        AbsentExcused = "absent_excused",
        AbsentUnexcused = "absent_unexcused",
        AbsentUnspecified = "absent_unspecified",
        Annotation = "annotation",
    }
);

str_enum!(
    /// The reason an excused or unexcused code stands for.
    Reason {
        Health = "health",
        ParentRequest = "parent_request",
        Quarantine = "quarantine",
        Illness = "illness",
        InfectiousIllness = "infectious_illness",
        Unknown = "unknown",
    }
);

impl Category {
    /// Counts as attending the lesson (in person, remotely, or exempt but present).
    pub fn is_present(self) -> bool {
        matches!(
            self,
            Category::Present | Category::PresentRemote | Category::Exempt
        )
    }
    pub fn is_absent(self) -> bool {
        matches!(
            self,
            Category::AbsentExcused | Category::AbsentUnexcused | Category::AbsentUnspecified
        )
    }
    pub fn label(self) -> &'static str {
        match self {
            Category::Present => "present",
            Category::PresentRemote => "present remotely",
            Category::Exempt => "exempt (present)",
            Category::AbsentExcused => "absent, excused",
            Category::AbsentUnexcused => "absent, unexcused",
            Category::AbsentUnspecified => "absent, reason not given",
            Category::Annotation => "annotation",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttendanceCode {
    pub id: Id,
    pub code: String,
    pub label: String,
    pub category: Category,
    pub reason: Option<Reason>,
    pub key: Option<String>,
    pub sort: i64,
    pub hidden: bool,
}

/// One stored attendance entry (plain presence is not stored).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttendanceMark {
    pub lesson_id: Id,
    pub student_id: Id,
    pub code_id: Id,
    pub comment_code_id: Option<Id>,
    pub comment: Option<String>,
    pub set_by: String,
    pub set_at: String,
}

/// The journal and the attendance register said different things about
/// one student at one lesson (found by migration 6 or brought by an
/// import). Attendance was kept; the review lists it (rule
/// `absence.disagrees`) until the cell is written again from either tab.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AbsenceConflict {
    pub lesson_id: Id,
    pub student_id: Id,
    /// What the journal said: "Н", or the marks of the cell ("5").
    pub journal: String,
    /// What attendance said: "present", or a code with its label.
    pub attendance: String,
    /// "migration", or "import <source>".
    pub source: String,
    pub noted_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeviceCensus {
    pub student_id: Id,
    pub year_id: Id,
    pub taken_on: chrono::NaiveDate,
    pub computer: bool,
    pub tablet: bool,
    pub smartphone: bool,
    pub tv: bool,
    pub internet: bool,
    pub note: String,
}

impl DeviceCensus {
    /// Can follow online lessons: an internet connection and a screen.
    pub fn can_attend_online(&self) -> bool {
        self.internet && (self.computer || self.tablet || self.smartphone)
    }
}

str_enum!(FollowupMethod { Phone = "phone", HomeVisit = "home_visit", Message = "message", Other = "other" });

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OnlineFollowup {
    pub id: Id,
    pub student_id: Id,
    pub date: chrono::NaiveDate,
    pub by_staff_id: Id,
    pub method: FollowupMethod,
    pub note: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories() {
        assert!(Category::PresentRemote.is_present());
        assert!(Category::Exempt.is_present());
        assert!(!Category::Annotation.is_present() && !Category::Annotation.is_absent());
        assert!(Category::AbsentUnspecified.is_absent());
        assert_eq!(
            Category::parse("absent_excused"),
            Some(Category::AbsentExcused)
        );
    }

    #[test]
    fn online_needs_internet_and_a_screen() {
        let mut c = DeviceCensus {
            student_id: 1,
            year_id: 1,
            taken_on: chrono::NaiveDate::from_ymd_opt(2025, 9, 5).unwrap(),
            computer: false,
            tablet: false,
            smartphone: true,
            tv: true,
            internet: false,
            note: String::new(),
        };
        assert!(!c.can_attend_online());
        c.internet = true;
        assert!(c.can_attend_online());
        c.smartphone = false;
        assert!(!c.can_attend_online(), "a TV alone is not enough");
    }
}
