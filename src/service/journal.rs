//! The class journal of one class, subject and period, as the journal pane
//! shows it: the lessons held, the class list with each student's stay, the
//! marks grid and each student's count, weighted mean and suggested grade.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::marks::{self, Mark, Suggestion};
use crate::domain::settings::Settings;
use crate::domain::{Class, Id, Lesson, LessonMode, Period, PeriodKind, Subject};
use crate::store::{self, Result};

/// One lesson of the journal with what the pane shows beside it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JournalLesson {
    pub lesson: Lesson,
    /// The substitute who taught it (short name), if not the usual teacher.
    pub substitute: Option<String>,
    /// The group the lesson was for, if not the whole class.
    pub group: Option<String>,
    /// The form of control planned for the lesson, if any.
    pub control_form: Option<String>,
}

impl JournalLesson {
    /// Taught online (distance learning).
    pub fn online(&self) -> bool {
        self.lesson.mode == LessonMode::Online
    }
}

/// One cell of the marks grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum MarkCell {
    /// The student was not in the class (or the lesson's group) that day.
    NotEnrolled,
    /// Enrolled, no mark.
    Empty,
    /// The marks as shown ("5/4", "*4", "Н", "°").
    Marks(String),
}

/// A row of the grid: a student and their standing in the period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JournalStudent {
    pub student_id: Id,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    /// Marks that count on the working date.
    pub counted: usize,
    /// Weighted mean in hundredths.
    pub mean_hundredths: Option<u32>,
    pub suggestion: Suggestion,
    /// One cell per lesson, in lesson order.
    pub cells: Vec<MarkCell>,
}

/// The journal of one class, subject and period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JournalView {
    pub class: Class,
    pub subject: Subject,
    pub period: Period,
    pub lessons: Vec<JournalLesson>,
    pub students: Vec<JournalStudent>,
    /// Marks a period grade needs (quarter or half-year rule).
    pub required_marks: usize,
}

/// Marks needed for a period grade: the quarter rule for quarters, the
/// half-year rule for halves and the year.
pub fn required_marks(kind: PeriodKind, s: &Settings) -> usize {
    match kind {
        PeriodKind::Quarter => s.min_marks_quarter,
        PeriodKind::Half | PeriodKind::Year => s.min_marks_half,
    }
}

/// Load the journal of `class_id` × `subject_id` in `period`, judging
/// pending marks and means on `today` (the working date).
pub fn load(
    conn: &store::Conn,
    class: &Class,
    subject: &Subject,
    period: &Period,
    today: NaiveDate,
) -> Result<JournalView> {
    let settings = store::settings::load(conn)?;
    let staff: HashMap<Id, String> = store::people::staff(conn)?
        .into_iter()
        .map(|s| (s.id, s.short_name()))
        .collect();
    let groups: HashMap<Id, String> = store::classes::groups(conn, class.id)?
        .into_iter()
        .map(|g| (g.id, g.name))
        .collect();
    let forms: HashMap<Id, String> = store::curriculum::control_forms(conn)?
        .into_iter()
        .map(|f| (f.id, f.name))
        .collect();
    let lessons =
        store::journal::lessons(conn, class.id, subject.id, period.starts_on, period.ends_on)?;
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
    let lessons: Vec<JournalLesson> = lessons
        .into_iter()
        .map(|lesson| JournalLesson {
            substitute: lesson
                .taught_by_id
                .filter(|t| *t != lesson.teacher_id)
                .map(|t| staff.get(&t).cloned().unwrap_or_else(|| format!("#{t}"))),
            group: lesson.group_id.and_then(|g| groups.get(&g).cloned()),
            control_form: lesson.control_form_id.and_then(|f| forms.get(&f).cloned()),
            lesson,
        })
        .collect();
    let index: HashMap<Id, usize> = lessons
        .iter()
        .enumerate()
        .map(|(i, l)| (l.lesson.id, i))
        .collect();
    let mut by_cell: HashMap<(Id, usize), Vec<Mark>> = HashMap::new();
    for m in store::journal::marks(conn, class.id, subject.id, period.starts_on, period.ends_on)? {
        if let Some(&i) = index.get(&m.lesson_id) {
            by_cell.entry((m.student_id, i)).or_default().push(m.mark);
        }
    }
    let required = required_marks(period.kind, &settings);
    let members = store::people::class_members(conn, class.id, period.starts_on, period.ends_on)?;
    let students = members
        .into_iter()
        .map(|m| {
            let sid = m.student.id;
            let mut all: Vec<Mark> = Vec::new();
            let cells = lessons
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let in_group = l
                        .lesson
                        .group_id
                        .is_none_or(|g| members_of.get(&g).is_some_and(|s| s.contains(&sid)));
                    let marks = by_cell.remove(&(sid, i));
                    match marks {
                        Some(ms) if !ms.is_empty() => {
                            let text = ms.iter().map(Mark::display).collect::<Vec<_>>().join("/");
                            all.extend(ms);
                            MarkCell::Marks(text)
                        }
                        _ if m.enrolled_on(l.lesson.date) && in_group => MarkCell::Empty,
                        _ => MarkCell::NotEnrolled,
                    }
                })
                .collect();
            JournalStudent {
                student_id: sid,
                name: m.student.full_name(),
                starts_on: m.starts_on,
                ends_on: m.ends_on,
                counted: marks::counted_marks(&all, today),
                mean_hundredths: marks::weighted_mean_hundredths(&all, today),
                suggestion: marks::suggest(&all, required, today, &settings),
                cells,
            }
        })
        .collect();
    Ok(JournalView {
        class: class.clone(),
        subject: subject.clone(),
        period: period.clone(),
        lessons,
        students,
        required_marks: required,
    })
}
