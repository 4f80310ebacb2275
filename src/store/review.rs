//! The review's queries: the raw rows each rule looks at. The rules
//! themselves (deadlines, limits, severities) are applied in
//! `service::review`.

use chrono::NaiveDate;
use rusqlite::{Connection, params};

use super::Result;
use crate::domain::Id;

/// A lesson of the timetable with no record on a school day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingSlot {
    pub timetable_id: Id,
    pub class_id: Id,
    pub group_id: Option<Id>,
    pub subject_id: Id,
    pub teacher_id: Id,
    pub date: NaiveDate,
    pub lesson_no: u8,
}

/// Timetabled lessons from `from` to `to` (school days: not Sunday, not a
/// holiday of the class's year, inside the year) that have no lesson record
/// in their slot (class, group, date, lesson number).
pub fn missing_slots(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<MissingSlot>> {
    if to < from {
        return Ok(vec![]);
    }
    let mut stmt = conn.prepare_cached(
        "WITH RECURSIVE days(d) AS (
             SELECT ?1 UNION ALL SELECT date(d, '+1 day') FROM days WHERE d < ?2
         )
         SELECT t.id, t.class_id, t.group_id, t.subject_id, t.teacher_id, days.d, t.lesson_no
         FROM days
         JOIN timetable t ON t.weekday = CAST(strftime('%u', days.d) AS INTEGER)
             AND t.valid_from <= days.d AND (t.valid_to IS NULL OR days.d <= t.valid_to)
         JOIN school_year y ON y.id = t.year_id AND days.d BETWEEN y.starts_on AND y.ends_on
         WHERE t.weekday <> 7
           AND NOT EXISTS (SELECT 1 FROM holiday h WHERE h.year_id = t.year_id
                           AND days.d BETWEEN h.starts_on AND h.ends_on)
           AND NOT EXISTS (SELECT 1 FROM lesson l WHERE l.class_id = t.class_id
                           AND ifnull(l.group_id, 0) = ifnull(t.group_id, 0)
                           AND l.date = days.d AND l.lesson_no = t.lesson_no)
         ORDER BY days.d, t.class_id, t.lesson_no",
    )?;
    Ok(stmt
        .query_map(params![from, to], |r| {
            Ok(MissingSlot {
                timetable_id: r.get(0)?,
                class_id: r.get(1)?,
                group_id: r.get(2)?,
                subject_id: r.get(3)?,
                teacher_id: r.get(4)?,
                date: r.get(5)?,
                lesson_no: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// A held lesson with what the lesson rules look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldLesson {
    pub id: Id,
    pub class_id: Id,
    pub group_id: Option<Id>,
    pub subject_id: Id,
    /// Who actually taught it (the substitute, else the teacher).
    pub teacher_id: Id,
    pub date: NaiveDate,
    pub lesson_no: u8,
    pub has_topic: bool,
    pub has_homework: bool,
    pub attendance_taken: bool,
    /// The record's time converted to local time ("YYYY-MM-DD HH:MM:SS").
    pub recorded_local: Option<String>,
    /// When attendance was taken, in local time ("YYYY-MM-DD HH:MM:SS").
    pub attendance_local: Option<String>,
}

/// Lessons recorded from `from` to `to`.
pub fn held_lessons(conn: &Connection, from: NaiveDate, to: NaiveDate) -> Result<Vec<HeldLesson>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, class_id, group_id, subject_id, coalesce(taught_by_id, teacher_id), date, lesson_no,
                length(trim(ifnull(topic, ''))) > 0, homework_kind IS NOT NULL,
                attendance_taken_at IS NOT NULL, datetime(recorded_at, 'localtime'),
                datetime(attendance_taken_at, 'localtime')
         FROM lesson WHERE date BETWEEN ?1 AND ?2 ORDER BY date, class_id, lesson_no",
    )?;
    Ok(stmt
        .query_map(params![from, to], |r| {
            Ok(HeldLesson {
                id: r.get(0)?,
                class_id: r.get(1)?,
                group_id: r.get(2)?,
                subject_id: r.get(3)?,
                teacher_id: r.get(4)?,
                date: r.get(5)?,
                lesson_no: r.get(6)?,
                has_topic: r.get(7)?,
                has_homework: r.get(8)?,
                attendance_taken: r.get(9)?,
                recorded_local: r.get(10)?,
                attendance_local: r.get(11)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// A mark as the mark rules read it, in one pass over the marks of a
/// range: its lesson's class, subject and date, and the stored text
/// borrowed from the row (dates "YYYY-MM-DD", compared as text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarkFacts<'a> {
    pub id: Id,
    pub lesson_id: Id,
    pub student_id: Id,
    pub class_id: Id,
    pub subject_id: Id,
    /// The lesson's date.
    pub date: &'a str,
    pub symbol: &'a str,
    pub value: Option<u8>,
    pub weight: u8,
    pub due_on: Option<&'a str>,
    pub comment: Option<&'a str>,
    /// When it was entered, UTC as stored.
    pub entered_at: &'a str,
    pub control_form_id: Id,
}

/// Every mark of the lessons from `from` to `to`, once, lesson by lesson
/// (the marks of a lesson follow each other), handed to `f`.
pub fn each_mark<E: From<rusqlite::Error>>(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
    mut f: impl FnMut(&MarkFacts<'_>) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.id, m.lesson_id, m.student_id, l.class_id, l.subject_id, l.date, m.symbol,
                m.value, m.weight, m.due_on, m.comment, m.entered_at, m.control_form_id
         FROM lesson l JOIN mark m ON m.lesson_id = l.id
         WHERE l.date BETWEEN ?1 AND ?2",
    )?;
    let mut rows = stmt.query(params![from, to])?;
    while let Some(r) = rows.next()? {
        let text = |i: usize| -> rusqlite::Result<&str> {
            r.get_ref(i)?.as_str().map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    i,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                )
            })
        };
        let text_or_null = |i: usize| -> rusqlite::Result<Option<&str>> {
            r.get_ref(i)?.as_str_or_null().map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    i,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                )
            })
        };
        let m = MarkFacts {
            id: r.get(0)?,
            lesson_id: r.get(1)?,
            student_id: r.get(2)?,
            class_id: r.get(3)?,
            subject_id: r.get(4)?,
            date: text(5)?,
            symbol: text(6)?,
            value: r.get(7)?,
            weight: r.get(8)?,
            due_on: text_or_null(9)?,
            comment: text_or_null(10)?,
            entered_at: text(11)?,
            control_form_id: r.get(12)?,
        };
        f(&m)?;
    }
    Ok(())
}

/// A form of control as the mark rules read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormFacts {
    pub id: Id,
    pub name: String,
    pub deadline_kind: String,
    /// A written work (the written deadline applies).
    pub written: bool,
    pub weight: u8,
}

/// Every form of control.
pub fn control_forms(conn: &Connection) -> Result<Vec<FormFacts>> {
    let mut stmt =
        conn.prepare_cached("SELECT id, name, deadline_kind, written, weight FROM control_form")?;
    Ok(stmt
        .query_map([], |r| {
            Ok(FormFacts {
                id: r.get(0)?,
                name: r.get(1)?,
                deadline_kind: r.get(2)?,
                written: r.get(3)?,
                weight: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// The local date of a stored UTC time, as SQLite's `localtime` gives it
/// (None when the text is not a time).
pub fn local_date(conn: &Connection, utc: &str) -> Result<Option<NaiveDate>> {
    let mut stmt = conn.prepare_cached("SELECT date(?1, 'localtime')")?;
    Ok(stmt.query_row([utc], |r| r.get(0))?)
}

/// (lesson, student) of absences whose reason is not given yet (code of
/// category absent_unspecified) at lessons from `from` to `to`.
pub fn unspecified_absences(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(Id, Id)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.lesson_id, a.student_id FROM attendance a
         JOIN attendance_code c ON c.id = a.code_id
         JOIN lesson l ON l.id = a.lesson_id
         WHERE c.category = 'absent_unspecified' AND l.date BETWEEN ?1 AND ?2
         ORDER BY l.date, l.class_id, l.lesson_no, a.student_id",
    )?;
    Ok(stmt
        .query_map(params![from, to], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?)
}

/// The days a form's marks are allowed, in SQL: a written work
/// (`cf.written`) gets the written deadline, any other form its deadline
/// kind's (`?{c}`, `?{i}`, `?{w}` = current, interim, written).
fn days_allowed(c: u8, i: u8, w: u8) -> String {
    format!(
        "CASE WHEN cf.written = 1 OR cf.deadline_kind = 'written' THEN ?{w}
              WHEN cf.deadline_kind = 'interim' THEN ?{i} ELSE ?{c} END"
    )
}

/// (lesson, student): students enrolled (and in the lesson's group) at a
/// lesson with a weight-2+ form of control, not absent, with no mark at it.
/// Only lessons from `from` to `to` whose form's entry deadline (lesson
/// date plus `days` by deadline kind, the written days for a written work)
/// is before `as_of`.
pub fn control_unmarked(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
    as_of: NaiveDate,
    days: [u32; 3],
) -> Result<Vec<(Id, Id)>> {
    let allowed = days_allowed(4, 5, 6);
    let sql = format!(
        "SELECT l.id, e.student_id FROM lesson l
         JOIN control_form cf ON cf.id = l.control_form_id AND cf.weight >= 2
         JOIN enrolment e ON e.class_id = l.class_id AND e.starts_on <= l.date
              AND (e.ends_on IS NULL OR l.date <= e.ends_on)
         WHERE l.date BETWEEN ?1 AND ?2 AND l.control_form_id IS NOT NULL
           AND date(l.date, '+' || {allowed} || ' days') < ?3
           AND (l.group_id IS NULL OR EXISTS (SELECT 1 FROM group_member g
                WHERE g.group_id = l.group_id AND g.student_id = e.student_id))
           AND NOT EXISTS (SELECT 1 FROM mark m WHERE m.lesson_id = l.id AND m.student_id = e.student_id)
           AND NOT EXISTS (SELECT 1 FROM attendance a JOIN attendance_code c ON c.id = a.code_id
                WHERE a.lesson_id = l.id AND a.student_id = e.student_id
                  AND c.category IN ('absent_excused', 'absent_unexcused', 'absent_unspecified'))
         ORDER BY l.date, l.class_id, l.lesson_no, e.student_id"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    Ok(stmt
        .query_map(params![from, to, as_of, days[0], days[1], days[2]], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// (class, date): the school days of every class (days with a lesson
/// recorded) up to and including `to`, by class and date.
pub fn school_days(conn: &Connection, to: NaiveDate) -> Result<Vec<(Id, NaiveDate)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT class_id, date FROM lesson WHERE date <= ?1 ORDER BY class_id, date",
    )?;
    Ok(stmt
        .query_map([to], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?)
}

/// (class, student, date): the days up to and including `to` on which a
/// student has an excused absence at a lesson of a class.
pub fn excused_days(conn: &Connection, to: NaiveDate) -> Result<Vec<(Id, Id, NaiveDate)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT l.class_id, a.student_id, l.date FROM attendance a
         JOIN attendance_code c ON c.id = a.code_id
         JOIN lesson l ON l.id = a.lesson_id
         WHERE c.category = 'absent_excused' AND l.date <= ?1",
    )?;
    Ok(stmt
        .query_map([to], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?)
}

/// (class, student, subject) for students of classes of grades `grades`
/// enrolled on `on` who had lessons of a subject of their class's
/// curriculum from `from` to `to` (their group's included) and have no final
/// grade (2–5 or n/a) for `period_id`.
#[allow(clippy::too_many_arguments)]
pub fn finals_not_set(
    conn: &Connection,
    year_id: Id,
    grades: (u8, u8),
    period_id: Id,
    from: NaiveDate,
    to: NaiveDate,
    on: NaiveDate,
) -> Result<Vec<(Id, Id, Id)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, e.student_id, cu.subject_id
         FROM class c
         JOIN enrolment e ON e.class_id = c.id AND e.starts_on <= ?6
              AND (e.ends_on IS NULL OR ?6 <= e.ends_on)
         JOIN curriculum cu ON cu.class_id = c.id
         WHERE c.year_id = ?1 AND c.grade BETWEEN ?2 AND ?3
           AND EXISTS (SELECT 1 FROM lesson l WHERE l.class_id = c.id AND l.subject_id = cu.subject_id
               AND l.date BETWEEN ?4 AND ?5
               AND (l.group_id IS NULL OR EXISTS (SELECT 1 FROM group_member g
                    WHERE g.group_id = l.group_id AND g.student_id = e.student_id)))
           AND NOT EXISTS (SELECT 1 FROM period_grade pg WHERE pg.student_id = e.student_id
               AND pg.subject_id = cu.subject_id AND pg.period_id = ?7 AND pg.final IS NOT NULL)
         ORDER BY c.id, cu.subject_id, e.student_id",
    )?;
    Ok(stmt
        .query_map(
            params![year_id, grades.0, grades.1, from, to, on, period_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?
        .collect::<rusqlite::Result<_>>()?)
}

/// (staff, session date) of every absence without cause (a status of
/// category unexcused, or personal leave with no approval recorded) from
/// the training sessions of the year's plans, in date order per teacher.
pub fn unexcused_training_dates(conn: &Connection, year_id: Id) -> Result<Vec<(Id, NaiveDate)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.staff_id, s.date FROM training_attendance a
         JOIN training_session s ON s.id = a.session_id
         JOIN training_plan p ON p.id = s.plan_id
         JOIN training_status st ON st.code = a.status
         WHERE p.year_id = ?1
           AND (st.category = 'unexcused'
                OR (st.requires = 'approval' AND a.approved_by_id IS NULL))
         ORDER BY a.staff_id, s.date, s.starts_at, s.id",
    )?;
    Ok(stmt
        .query_map([year_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?)
}

/// A final period grade 2–5.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinalGrade {
    pub period_id: Id,
    pub class_id: Id,
    pub student_id: Id,
    pub subject_id: Id,
    pub final_grade: String,
}

/// Final grades 2–5 of periods overlapping `from`–`to` (the marks behind
/// them come from [`each_mark`] over those periods).
pub fn finals(conn: &Connection, from: NaiveDate, to: NaiveDate) -> Result<Vec<FinalGrade>> {
    let mut stmt = conn.prepare_cached(
        "SELECT pg.period_id, pg.class_id, pg.student_id, pg.subject_id, pg.final
         FROM period_grade pg JOIN period p ON p.id = pg.period_id
         WHERE pg.final IN ('2', '3', '4', '5') AND p.ends_on >= ?1 AND p.starts_on <= ?2
         ORDER BY pg.period_id, pg.class_id, pg.subject_id, pg.student_id",
    )?;
    Ok(stmt
        .query_map(params![from, to], |r| {
            Ok(FinalGrade {
                period_id: r.get(0)?,
                class_id: r.get(1)?,
                student_id: r.get(2)?,
                subject_id: r.get(3)?,
                final_grade: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// A lesson with homework minutes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HomeworkLesson {
    pub class_id: Id,
    pub date: NaiveDate,
    pub subject_id: Id,
    pub group_id: Option<Id>,
    pub minutes: u32,
}

/// Lessons from `from` to `to` with homework minutes, by date, class and
/// subject.
pub fn homework_lessons(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<HomeworkLesson>> {
    let mut stmt = conn.prepare_cached(
        "SELECT class_id, date, subject_id, group_id, homework_minutes
         FROM lesson WHERE date BETWEEN ?1 AND ?2 AND homework_minutes > 0
         ORDER BY date, class_id, subject_id",
    )?;
    Ok(stmt
        .query_map(params![from, to], |r| {
            Ok(HomeworkLesson {
                class_id: r.get(0)?,
                date: r.get(1)?,
                subject_id: r.get(2)?,
                group_id: r.get(3)?,
                minutes: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// (class, student, first day, last day) of every stay in a class of the
/// year, by class and student.
pub type StayRow = (Id, Id, NaiveDate, Option<NaiveDate>);

/// The stays in the year's classes.
pub fn class_stays(conn: &Connection, year_id: Id) -> Result<Vec<StayRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT e.class_id, e.student_id, e.starts_on, e.ends_on
         FROM enrolment e JOIN class c ON c.id = e.class_id
         WHERE c.year_id = ?1 ORDER BY e.class_id, e.student_id",
    )?;
    Ok(stmt
        .query_map([year_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// (group, student) of every group's members.
pub fn group_members(conn: &Connection) -> Result<Vec<(Id, Id)>> {
    let mut stmt = conn.prepare_cached("SELECT group_id, student_id FROM group_member")?;
    Ok(stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?)
}

/// The teacher of a subject in a class (the whole-class workload first).
pub fn subject_teachers(conn: &Connection) -> Result<Vec<(Id, Id, Id)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT class_id, subject_id, teacher_id FROM workload
         ORDER BY class_id, subject_id, group_id IS NOT NULL, group_id",
    )?;
    Ok(stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?)
}

/// (id, family name, given name, patronymic).
pub type NameRow = (Id, String, String, Option<String>);

/// The names of every student.
pub fn student_names(conn: &Connection) -> Result<Vec<NameRow>> {
    let mut stmt =
        conn.prepare_cached("SELECT id, family_name, given_name, patronymic FROM student")?;
    Ok(stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?)
}

/// What a stay still lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StayGap {
    /// The order that began it ("to be entered").
    StartOrder,
    /// The order that ended it.
    EndOrder,
    /// The student is missing from the last full roster imported (noticed
    /// on that day).
    Departure(NaiveDate),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StayToComplete {
    pub enrolment_id: Id,
    pub student_id: Id,
    pub class_id: Id,
    pub class_name: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    /// The day the finding is dated.
    pub date: NaiveDate,
    pub missing: StayGap,
}

/// Stays of the year's classes without their orders, and students of the
/// year that the last full roster no longer listed.
pub fn stays_to_complete(conn: &Connection, year_id: Id) -> Result<Vec<StayToComplete>> {
    let mut st = conn.prepare_cached(
        "SELECT e.id, e.student_id, e.class_id, c.name, e.starts_on, e.ends_on,
                e.start_order_no IS NULL,
                e.ends_on IS NOT NULL AND e.end_reason <> 'end_of_year' AND e.end_order_no IS NULL,
                d.noticed_on
         FROM enrolment e JOIN class c ON c.id = e.class_id
         LEFT JOIN departure_pending d ON d.student_id = e.student_id AND e.ends_on IS NULL
         WHERE c.year_id = ?1
         ORDER BY c.grade, c.letter, e.student_id, e.starts_on",
    )?;
    let rows = st.query_map([year_id], |r| {
        Ok((
            r.get::<_, Id>(0)?,
            r.get::<_, Id>(1)?,
            r.get::<_, Id>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, NaiveDate>(4)?,
            r.get::<_, Option<NaiveDate>>(5)?,
            r.get::<_, bool>(6)?,
            r.get::<_, bool>(7)?,
            r.get::<_, Option<NaiveDate>>(8)?,
        ))
    })?;
    let mut out = vec![];
    for row in rows {
        let (
            enrolment_id,
            student_id,
            class_id,
            class_name,
            starts_on,
            ends_on,
            no_start,
            no_end,
            noticed,
        ) = row?;
        let base = StayToComplete {
            enrolment_id,
            student_id,
            class_id,
            class_name,
            starts_on,
            ends_on,
            date: starts_on,
            missing: StayGap::StartOrder,
        };
        if no_start {
            out.push(base.clone());
        }
        if no_end && let Some(e) = ends_on {
            out.push(StayToComplete {
                date: e,
                missing: StayGap::EndOrder,
                ..base.clone()
            });
        }
        if let Some(n) = noticed {
            out.push(StayToComplete {
                date: n,
                missing: StayGap::Departure(n),
                ..base
            });
        }
    }
    Ok(out)
}

/// A lesson held online, with its length: the recorded `lesson_online`
/// minutes, else its bell's, else 45; live unless recorded otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnlineLesson {
    pub id: Id,
    pub class_id: Id,
    pub group_id: Option<Id>,
    pub subject_id: Id,
    /// Who actually taught it (the substitute, else the teacher).
    pub teacher_id: Id,
    pub date: NaiveDate,
    pub lesson_no: u8,
    pub minutes: u32,
    pub live: bool,
    /// The length was recorded (not taken from the bell).
    pub recorded: bool,
}

/// The length of an online lesson as SQL over `l` (lesson), `o`
/// (lesson_online) and `b` (bell).
const ONLINE_MINUTES: &str = "coalesce(o.minutes,
    (strftime('%s', '2000-01-01 ' || b.ends_at) - strftime('%s', '2000-01-01 ' || b.starts_at)) / 60, 45)";

/// Lessons held online from `from` to `to`, by date, class and number.
pub fn online_lessons(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<OnlineLesson>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT l.id, l.class_id, l.group_id, l.subject_id, coalesce(l.taught_by_id, l.teacher_id), l.date,
                l.lesson_no, {ONLINE_MINUTES}, coalesce(o.live, 1), o.minutes IS NOT NULL
         FROM lesson l
         JOIN class c ON c.id = l.class_id
         LEFT JOIN lesson_online o ON o.lesson_id = l.id
         LEFT JOIN bell b ON b.year_id = c.year_id AND b.lesson_no = l.lesson_no
         WHERE l.mode = 'online' AND l.date BETWEEN ?1 AND ?2
         ORDER BY l.date, l.class_id, l.lesson_no, ifnull(l.group_id, 0)"
    ))?;
    Ok(stmt
        .query_map(params![from, to], |r| {
            Ok(OnlineLesson {
                id: r.get(0)?,
                class_id: r.get(1)?,
                group_id: r.get(2)?,
                subject_id: r.get(3)?,
                teacher_id: r.get(4)?,
                date: r.get(5)?,
                lesson_no: r.get(6)?,
                minutes: r.get::<_, i64>(7)?.max(0) as u32,
                live: r.get::<_, i64>(8)? != 0,
                recorded: r.get(9)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// (class, date, student, online minutes, online lessons) per student and
/// day: the online lessons the student attends (whole-class lessons and
/// those of the student's groups), while enrolled in the class.
pub type OnlineDayRow = (Id, NaiveDate, Id, u32, u32);

/// Each student's online minutes a day from `from` to `to`, by date,
/// class and student.
pub fn online_minutes_per_student(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<OnlineDayRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT l.class_id, l.date, e.student_id, sum({ONLINE_MINUTES}), count(*)
         FROM lesson l
         JOIN class c ON c.id = l.class_id
         LEFT JOIN lesson_online o ON o.lesson_id = l.id
         LEFT JOIN bell b ON b.year_id = c.year_id AND b.lesson_no = l.lesson_no
         JOIN enrolment e ON e.class_id = l.class_id AND e.starts_on <= l.date
              AND (e.ends_on IS NULL OR l.date <= e.ends_on)
         WHERE l.mode = 'online' AND l.date BETWEEN ?1 AND ?2
           AND (l.group_id IS NULL OR EXISTS (SELECT 1 FROM group_member g
                WHERE g.group_id = l.group_id AND g.student_id = e.student_id))
         GROUP BY l.class_id, l.date, e.student_id
         ORDER BY l.date, l.class_id, e.student_id"
    ))?;
    Ok(stmt
        .query_map(params![from, to], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get::<_, i64>(3)?.max(0) as u32,
                r.get(4)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?)
}
