//! Journal keeping: per teacher, the lessons held over a date range and how
//! well they were recorded (topic, homework entry, attendance taken, marks
//! entered on time). The indicators' lesson metrics, the journal-keeping
//! report and the review all count from here, so they agree.

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::Id;
use crate::domain::settings::{DeadlineKind, Settings};
use crate::store::{self, Result};

/// One teacher's journal keeping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeacherKeeping {
    pub teacher_id: Id,
    /// "Family Given Patronymic".
    pub teacher: String,
    /// Lessons held in the range (taught by this teacher, substitutes
    /// counted for who actually taught).
    pub lessons: u32,
    pub with_topic: u32,
    pub with_homework: u32,
    pub with_attendance: u32,
    /// Marks given at those lessons, and how many were entered in time.
    pub marks: u32,
    pub marks_on_time: u32,
}

/// `part` of `whole` in percent, `None` when there is nothing to count.
pub fn percent(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| f64::from(part) * 100.0 / f64::from(whole))
}

impl TeacherKeeping {
    /// The sum of several teachers' counts (the school's total), named `name`.
    pub fn total<'a>(name: &str, rows: impl IntoIterator<Item = &'a TeacherKeeping>) -> Self {
        rows.into_iter().fold(
            TeacherKeeping {
                teacher_id: 0,
                teacher: name.to_string(),
                lessons: 0,
                with_topic: 0,
                with_homework: 0,
                with_attendance: 0,
                marks: 0,
                marks_on_time: 0,
            },
            |mut t, r| {
                t.lessons += r.lessons;
                t.with_topic += r.with_topic;
                t.with_homework += r.with_homework;
                t.with_attendance += r.with_attendance;
                t.marks += r.marks;
                t.marks_on_time += r.marks_on_time;
                t
            },
        )
    }
}

/// Every teacher's journal keeping for lessons dated from `from` to the
/// earlier of `to` and `as_of`, sorted by name. Teachers who held no lesson
/// in the range are left out.
pub fn journal_keeping(
    conn: &store::Conn,
    settings: &Settings,
    from: NaiveDate,
    to: NaiveDate,
    as_of: NaiveDate,
) -> Result<Vec<TeacherKeeping>> {
    let to = to.min(as_of);
    if to < from {
        return Ok(Vec::new());
    }
    let days = [
        settings.mark_deadline_days(DeadlineKind::Current),
        settings.mark_deadline_days(DeadlineKind::Interim),
        settings.mark_deadline_days(DeadlineKind::Written),
    ];
    let names: std::collections::HashMap<Id, String> = store::people::staff(conn)?
        .into_iter()
        .map(|s| (s.id, s.full_name()))
        .collect();
    let mut out: Vec<TeacherKeeping> = store::journal::keeping_counts(conn, from, to, days)?
        .into_iter()
        .map(|c| TeacherKeeping {
            teacher: names
                .get(&c.teacher_id)
                .cloned()
                .unwrap_or_else(|| format!("staff #{}", c.teacher_id)),
            teacher_id: c.teacher_id,
            lessons: c.lessons,
            with_topic: c.with_topic,
            with_homework: c.with_homework,
            with_attendance: c.with_attendance,
            marks: c.marks,
            marks_on_time: c.marks_on_time,
        })
        .collect();
    out.sort_by(|a, b| {
        a.teacher
            .cmp(&b.teacher)
            .then(a.teacher_id.cmp(&b.teacher_id))
    });
    Ok(out)
}
