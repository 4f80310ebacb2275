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

/// A mark with its lesson, for the mark rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkRow {
    pub id: Id,
    pub lesson_id: Id,
    pub student_id: Id,
    pub symbol: String,
    pub value: Option<u8>,
    pub due_on: Option<NaiveDate>,
    pub comment: Option<String>,
    /// Local date the mark was entered.
    pub entered_on: NaiveDate,
    pub deadline_kind: String,
    /// The form is a written work (the written deadline applies).
    pub written: bool,
    pub form: String,
}

const MARK_COLUMNS: &str =
    "m.id, m.lesson_id, m.student_id, m.symbol, m.value, m.due_on, m.comment,
     date(m.entered_at, 'localtime'), cf.deadline_kind, cf.name, cf.written";

fn mark_row(r: &rusqlite::Row) -> rusqlite::Result<MarkRow> {
    Ok(MarkRow {
        id: r.get(0)?,
        lesson_id: r.get(1)?,
        student_id: r.get(2)?,
        symbol: r.get(3)?,
        value: r.get(4)?,
        due_on: r.get(5)?,
        comment: r.get(6)?,
        entered_on: r.get(7)?,
        deadline_kind: r.get(8)?,
        form: r.get(9)?,
        written: r.get(10)?,
    })
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

/// Marks of lessons from `from` to `to` entered (local date) later than the
/// lesson date plus the days allowed for their form (`days` = current,
/// interim, written; a written work always gets the written days).
pub fn late_marks(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
    days: [u32; 3],
) -> Result<Vec<MarkRow>> {
    let allowed = days_allowed(3, 4, 5);
    let sql = format!(
        "SELECT {MARK_COLUMNS} FROM mark m JOIN lesson l ON l.id = m.lesson_id
         JOIN control_form cf ON cf.id = m.control_form_id
         WHERE l.date BETWEEN ?1 AND ?2
           AND substr(m.entered_at, 1, 10) >= date(l.date, '+' || {allowed} || ' days')
           AND date(m.entered_at, 'localtime') > date(l.date, '+' || {allowed} || ' days')
         ORDER BY l.date, m.id"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    Ok(stmt
        .query_map(params![from, to, days[0], days[1], days[2]], mark_row)?
        .collect::<rusqlite::Result<_>>()?)
}

/// Pending (`*`) and deferred (`°`) marks at lessons from `from` to `to`.
pub fn pending_and_deferred(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<MarkRow>> {
    let sql = format!(
        "SELECT {MARK_COLUMNS} FROM mark m JOIN lesson l ON l.id = m.lesson_id
         JOIN control_form cf ON cf.id = m.control_form_id
         WHERE m.symbol IN ('*', '°') AND l.date BETWEEN ?1 AND ?2 ORDER BY l.date, m.id"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    Ok(stmt
        .query_map(params![from, to], mark_row)?
        .collect::<rusqlite::Result<_>>()?)
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
         WHERE l.date BETWEEN ?1 AND ?2
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

/// (date, excused): the class's school days (days with a lesson recorded)
/// up to and including `on`, latest first, at most `limit`, each with
/// whether `student_id` has an excused absence at a lesson of that day.
pub fn excused_days_until(
    conn: &Connection,
    class_id: Id,
    student_id: Id,
    on: NaiveDate,
    limit: u32,
) -> Result<Vec<(NaiveDate, bool)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.date, max(EXISTS (SELECT 1 FROM attendance a
                 JOIN attendance_code c ON c.id = a.code_id
                 WHERE a.lesson_id = l.id AND a.student_id = ?2
                   AND c.category = 'absent_excused'))
         FROM lesson l WHERE l.class_id = ?1 AND l.date <= ?3
         GROUP BY l.date ORDER BY l.date DESC LIMIT ?4",
    )?;
    Ok(stmt
        .query_map(params![class_id, student_id, on, limit], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// (class, student, subject, counted marks) for students of classes of
/// grades `grades` enrolled on `on` who have fewer than `required` counted
/// marks in `subject` from `from` to `to` (grades, and pending marks due
/// before `as_of`), have lessons of the subject in that range (their group's
/// included), and no final grade for `period_id` yet.
#[allow(clippy::too_many_arguments)]
pub fn too_few_marks(
    conn: &Connection,
    year_id: Id,
    grades: (u8, u8),
    period_id: Id,
    from: NaiveDate,
    to: NaiveDate,
    on: NaiveDate,
    as_of: NaiveDate,
    required: usize,
) -> Result<Vec<(Id, Id, Id, u32)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT * FROM (
           SELECT c.id AS class_id, e.student_id AS student_id, cu.subject_id AS subject_id,
                  (SELECT count(*) FROM mark m JOIN lesson l ON l.id = m.lesson_id
                   WHERE m.student_id = e.student_id AND l.class_id = c.id
                     AND l.subject_id = cu.subject_id AND l.date BETWEEN ?4 AND ?5
                     AND (m.symbol IN ('2', '3', '4', '5') OR (m.symbol = '*' AND m.due_on < ?7))
                  ) AS n
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
                 AND pg.subject_id = cu.subject_id AND pg.period_id = ?8 AND pg.final IS NOT NULL)
         ) WHERE n < ?9
         ORDER BY class_id, subject_id, student_id",
    )?;
    Ok(stmt
        .query_map(
            params![
                year_id,
                grades.0,
                grades.1,
                from,
                to,
                on,
                as_of,
                period_id,
                required as i64
            ],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?
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

/// A final period grade 2–5 with the marks behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinalWithMarks {
    pub period_id: Id,
    pub class_id: Id,
    pub student_id: Id,
    pub subject_id: Id,
    pub final_grade: String,
    /// (symbol, value, weight, due_on) of every mark of the period.
    pub marks: Vec<(String, Option<u8>, u8, Option<NaiveDate>)>,
}

/// Final grades 2–5 of periods overlapping `from`–`to`, with the marks of
/// the student in the subject and class in the period. (Two passes, the
/// finals and then the marks of those periods' lessons, rather than one
/// join per final: on a large school the join re-reads every lesson of a
/// subject once per student.)
pub fn finals_with_marks(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<FinalWithMarks>> {
    let mut stmt = conn.prepare_cached(
        "SELECT pg.period_id, pg.class_id, pg.student_id, pg.subject_id, pg.final
         FROM period_grade pg JOIN period p ON p.id = pg.period_id
         WHERE pg.final IN ('2', '3', '4', '5') AND p.ends_on >= ?1 AND p.starts_on <= ?2
         ORDER BY pg.period_id, pg.class_id, pg.subject_id, pg.student_id",
    )?;
    let mut out: Vec<FinalWithMarks> = stmt
        .query_map(params![from, to], |r| {
            Ok(FinalWithMarks {
                period_id: r.get(0)?,
                class_id: r.get(1)?,
                student_id: r.get(2)?,
                subject_id: r.get(3)?,
                final_grade: r.get(4)?,
                marks: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let index: std::collections::HashMap<(Id, Id, Id, Id), usize> = out
        .iter()
        .enumerate()
        .map(|(i, f)| ((f.period_id, f.class_id, f.student_id, f.subject_id), i))
        .collect();
    // Every mark of the range once; the periods are few.
    let periods: Vec<(Id, NaiveDate, NaiveDate)> = {
        let mut stmt = conn.prepare_cached(
            "SELECT id, starts_on, ends_on FROM period WHERE ends_on >= ?1 AND starts_on <= ?2",
        )?;
        stmt.query_map(params![from, to], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?
    };
    let (Some(first), Some(last)) = (
        periods.iter().map(|p| p.1).min(),
        periods.iter().map(|p| p.2).max(),
    ) else {
        return Ok(out);
    };
    let mut stmt = conn.prepare_cached(
        "SELECT l.date, l.class_id, m.student_id, l.subject_id, m.symbol, m.value, m.weight, m.due_on
         FROM mark m JOIN lesson l ON l.id = m.lesson_id
         WHERE l.date BETWEEN ?1 AND ?2",
    )?;
    let mut rows = stmt.query(params![first, last])?;
    while let Some(r) = rows.next()? {
        let date: NaiveDate = r.get(0)?;
        let (class, student, subject): (Id, Id, Id) = (r.get(1)?, r.get(2)?, r.get(3)?);
        for p in periods.iter().filter(|p| p.1 <= date && date <= p.2) {
            if let Some(&i) = index.get(&(p.0, class, student, subject)) {
                out[i]
                    .marks
                    .push((r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?));
            }
        }
    }
    Ok(out)
}

/// (class, date, subject, student, minutes).
pub type HomeworkRow = (Id, NaiveDate, Id, Id, u32);

/// (class, date, subject, student, minutes): estimated homework minutes a
/// student gets per class, day and subject from `from` to `to`: the sum over
/// the lessons the student attends (whole-class lessons and those of the
/// student's groups, while enrolled in the class), so parallel groups of a
/// subject count once per student. Only days with any minutes.
pub fn homework_minutes(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<HomeworkRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.class_id, l.date, l.subject_id, e.student_id, sum(l.homework_minutes)
         FROM lesson l
         JOIN enrolment e ON e.class_id = l.class_id AND e.starts_on <= l.date
              AND (e.ends_on IS NULL OR l.date <= e.ends_on)
         WHERE l.date BETWEEN ?1 AND ?2 AND l.homework_minutes > 0
           AND (l.group_id IS NULL OR EXISTS (SELECT 1 FROM group_member g
                WHERE g.group_id = l.group_id AND g.student_id = e.student_id))
         GROUP BY l.class_id, l.date, l.subject_id, e.student_id
         ORDER BY l.date, l.class_id, l.subject_id, e.student_id",
    )?;
    Ok(stmt
        .query_map(params![from, to], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
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
