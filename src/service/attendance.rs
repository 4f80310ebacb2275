//! One class's attendance on one day: the students × that day's lessons,
//! and the walk from school day to school day (weekends and holidays are
//! skipped).

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, Days, NaiveDate};
use serde::Serialize;

use crate::domain::attendance::Category;
use crate::domain::{Class, Holiday, Id, Lesson, SchoolYear};
use crate::store::{self, Result};

/// A lesson column of the day grid.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayLesson {
    pub lesson: Lesson,
    /// Subject short name.
    pub subject: String,
    pub group: Option<String>,
    /// Attendance was taken (the lesson has `attendance_taken_at`).
    pub taken: bool,
}

/// A cell of the day grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum DayCell {
    /// Not in the class (or the lesson's group) that day.
    NotEnrolled,
    /// Attendance not taken for this lesson and nothing recorded.
    NotTaken,
    /// Present (nothing stored).
    Present,
    /// A recorded code.
    Code { code: String, category: Category },
}

/// A row of the day grid.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayStudent {
    pub student_id: Id,
    pub name: String,
    /// Lessons missed that day (codes whose category is an absence).
    pub absences: usize,
    pub cells: Vec<DayCell>,
}

/// A class's attendance on a day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayView {
    pub class: Class,
    pub date: NaiveDate,
    /// The holiday the day falls in, if any.
    pub holiday: Option<Holiday>,
    /// A weekend or other day without school by the week's length.
    pub weekend: bool,
    pub lessons: Vec<DayLesson>,
    pub students: Vec<DayStudent>,
}

/// Is `d` a school day: inside the year, not a weekend day (by the
/// school's days per week) and not in a holiday.
pub fn is_school_day(
    d: NaiveDate,
    year: &SchoolYear,
    holidays: &[Holiday],
    days_per_week: u32,
) -> bool {
    year.contains(d)
        && d.weekday().number_from_monday() <= days_per_week
        && !holidays.iter().any(|h| h.contains(d))
}

/// The next (`forward`) or previous school day after `from`, inside the
/// year; `None` at the year's edge.
pub fn step_school_day(
    conn: &store::Conn,
    year: &SchoolYear,
    from: NaiveDate,
    forward: bool,
) -> Result<Option<NaiveDate>> {
    let holidays = store::school::holidays(conn, year.id)?;
    let per_week = store::settings::load(conn)?.school_days_per_week;
    let mut d = from;
    loop {
        let next = if forward {
            d.checked_add_days(Days::new(1))
        } else {
            d.checked_sub_days(Days::new(1))
        };
        match next {
            Some(n) if year.contains(n) => {
                if is_school_day(n, year, &holidays, per_week) {
                    return Ok(Some(n));
                }
                d = n;
            }
            _ => return Ok(None),
        }
    }
}

/// Load the attendance grid of `class` on `date`.
pub fn load(
    conn: &store::Conn,
    class: &Class,
    year: &SchoolYear,
    date: NaiveDate,
) -> Result<DayView> {
    let holidays = store::school::holidays(conn, year.id)?;
    let per_week = store::settings::load(conn)?.school_days_per_week;
    let holiday = holidays.into_iter().find(|h| h.contains(date));
    let weekend = date.weekday().number_from_monday() > per_week;
    let subjects: HashMap<Id, String> = store::curriculum::subjects(conn)?
        .into_iter()
        .map(|s| (s.id, s.short_name))
        .collect();
    let groups: HashMap<Id, String> = store::classes::groups(conn, class.id)?
        .into_iter()
        .map(|g| (g.id, g.name))
        .collect();
    let codes: HashMap<Id, (String, Category)> = store::attendance::codes(conn, true)?
        .into_iter()
        .map(|c| (c.id, (c.code, c.category)))
        .collect();
    let lessons = store::journal::lessons_on(conn, class.id, date)?;
    let mut members_of: HashMap<Id, HashSet<Id>> = HashMap::new();
    for l in &lessons {
        if let Some(g) = l.group_id
            && !members_of.contains_key(&g)
        {
            members_of.insert(
                g,
                store::classes::group_members(conn, g)?
                    .into_iter()
                    .collect(),
            );
        }
    }
    let marks: HashMap<(Id, Id), Id> =
        store::attendance::marks_for_class(conn, class.id, date, date)?
            .into_iter()
            .map(|a| ((a.lesson_id, a.student_id), a.code_id))
            .collect();
    let lessons: Vec<DayLesson> = lessons
        .into_iter()
        .map(|lesson| DayLesson {
            subject: subjects
                .get(&lesson.subject_id)
                .cloned()
                .unwrap_or_default(),
            group: lesson.group_id.and_then(|g| groups.get(&g).cloned()),
            taken: lesson.attendance_taken_at.is_some(),
            lesson,
        })
        .collect();
    let students = store::people::class_members(conn, class.id, date, date)?
        .into_iter()
        .map(|m| {
            let sid = m.student.id;
            let cells: Vec<DayCell> = lessons
                .iter()
                .map(|l| {
                    let in_group = l
                        .lesson
                        .group_id
                        .is_none_or(|g| members_of.get(&g).is_some_and(|s| s.contains(&sid)));
                    match marks.get(&(l.lesson.id, sid)).and_then(|c| codes.get(c)) {
                        Some((code, category)) => DayCell::Code {
                            code: code.clone(),
                            category: *category,
                        },
                        None if !in_group || !m.enrolled_on(date) => DayCell::NotEnrolled,
                        None if !l.taken => DayCell::NotTaken,
                        None => DayCell::Present,
                    }
                })
                .collect();
            let absences = cells
                .iter()
                .filter(|c| matches!(c, DayCell::Code { category, .. } if category.is_absent()))
                .count();
            DayStudent {
                student_id: sid,
                name: m.student.full_name(),
                absences,
                cells,
            }
        })
        .collect();
    Ok(DayView {
        class: class.clone(),
        date,
        holiday,
        weekend,
        lessons,
        students,
    })
}
