//! Lessons, marks, period grades and online teaching logs.

use chrono::NaiveDate;
use rusqlite::{Connection, params};
use serde::Serialize;

use super::Result;
use crate::domain::marks::{Mark, MarkSymbol};
use crate::domain::text::nfc;
use crate::domain::{HomeworkKind, Id, Lesson, LessonMode, TeachingLog};

pub fn insert_lesson(conn: &Connection, l: &Lesson) -> Result<Id> {
    conn.prepare_cached(
        "INSERT INTO lesson (class_id, group_id, subject_id, teacher_id, taught_by_id, date, lesson_no, timetable_id,
                             plan_topic_id, control_form_id, topic, homework, homework_kind, homework_minutes, mode,
                             recorded_at, attendance_taken_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
    )?
    .execute(params![
        l.class_id,
        l.group_id,
        l.subject_id,
        l.teacher_id,
        l.taught_by_id,
        l.date,
        l.lesson_no,
        l.timetable_id,
        l.plan_topic_id,
        l.control_form_id,
        l.topic.as_deref().map(nfc),
        l.homework.as_deref().map(nfc),
        l.homework_kind.map(HomeworkKind::as_str),
        l.homework_minutes,
        l.mode.as_str(),
        l.recorded_at,
        l.attendance_taken_at
    ])?;
    Ok(conn.last_insert_rowid())
}

const LESSON_COLS: &str = "id, class_id, group_id, subject_id, teacher_id, taught_by_id, date, lesson_no, timetable_id,
    plan_topic_id, control_form_id, topic, homework, homework_kind, homework_minutes, mode, recorded_at,
    attendance_taken_at";

fn lesson_row(r: &rusqlite::Row) -> rusqlite::Result<Lesson> {
    Ok(Lesson {
        id: r.get(0)?,
        class_id: r.get(1)?,
        group_id: r.get(2)?,
        subject_id: r.get(3)?,
        teacher_id: r.get(4)?,
        taught_by_id: r.get(5)?,
        date: r.get(6)?,
        lesson_no: r.get(7)?,
        timetable_id: r.get(8)?,
        plan_topic_id: r.get(9)?,
        control_form_id: r.get(10)?,
        topic: r.get(11)?,
        homework: r.get(12)?,
        homework_kind: r
            .get::<_, Option<String>>(13)?
            .as_deref()
            .and_then(HomeworkKind::parse),
        homework_minutes: r.get(14)?,
        mode: LessonMode::parse(&r.get::<_, String>(15)?).unwrap_or(LessonMode::InClass),
        recorded_at: r.get(16)?,
        attendance_taken_at: r.get(17)?,
    })
}

/// Lessons of a class and subject between two dates, in order.
pub fn lessons(
    conn: &Connection,
    class_id: Id,
    subject_id: Id,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Lesson>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {LESSON_COLS} FROM lesson WHERE class_id = ?1 AND subject_id = ?2 AND date BETWEEN ?3 AND ?4
         ORDER BY date, lesson_no"
    ))?;
    Ok(stmt
        .query_map(params![class_id, subject_id, from, to], lesson_row)?
        .collect::<rusqlite::Result<_>>()?)
}

/// A class's lessons on one day (all subjects and groups), by lesson number.
pub fn lessons_on(conn: &Connection, class_id: Id, date: NaiveDate) -> Result<Vec<Lesson>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {LESSON_COLS} FROM lesson WHERE class_id = ?1 AND date = ?2 ORDER BY lesson_no, ifnull(group_id, 0)"
    ))?;
    Ok(stmt
        .query_map(params![class_id, date], lesson_row)?
        .collect::<rusqlite::Result<_>>()?)
}

pub fn lesson(conn: &Connection, id: Id) -> Result<Lesson> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {LESSON_COLS} FROM lesson WHERE id = ?1"))?;
    Ok(stmt.query_row([id], lesson_row)?)
}

pub fn set_teaching_log(conn: &Connection, t: &TeachingLog) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO teaching_log (lesson_id, content, form, effect, homework_feedback) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (lesson_id) DO UPDATE SET content = excluded.content, form = excluded.form,
             effect = excluded.effect, homework_feedback = excluded.homework_feedback",
    )?
    .execute(params![t.lesson_id, nfc(&t.content), nfc(&t.form), nfc(&t.effect), nfc(&t.homework_feedback)])?;
    Ok(())
}

/// A mark as stored, with its place in the grid.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredMark {
    pub id: Id,
    pub lesson_id: Id,
    pub student_id: Id,
    pub seq: u8,
    pub control_form_id: Id,
    pub mark: Mark,
    pub entered_at: String,
    pub entered_by: String,
}

pub fn insert_mark(conn: &Connection, m: &StoredMark) -> Result<Id> {
    m.mark
        .validate()
        .map_err(|e| super::invalid(e.to_string()))?;
    conn.prepare_cached(
        "INSERT INTO mark (lesson_id, student_id, seq, symbol, value, control_form_id, weight, due_on, comment,
                           entered_at, entered_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        m.lesson_id,
        m.student_id,
        m.seq,
        m.mark.symbol.as_str(),
        m.mark.value,
        m.control_form_id,
        m.mark.weight,
        m.mark.due_on,
        m.mark.comment.as_deref().map(nfc),
        m.entered_at,
        m.entered_by
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Marks of a class and subject between two dates, in cell order.
pub fn marks(
    conn: &Connection,
    class_id: Id,
    subject_id: Id,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<StoredMark>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {MARK_COLS}
         FROM lesson l JOIN mark m ON m.lesson_id = l.id
         WHERE l.class_id = ?1 AND l.subject_id = ?2 AND l.date BETWEEN ?3 AND ?4
         ORDER BY l.date, l.lesson_no, m.student_id, m.seq"
    ))?;
    Ok(stmt
        .query_map(params![class_id, subject_id, from, to], stored_mark)?
        .collect::<rusqlite::Result<_>>()?)
}

/// [`marks`] of one student (a row of the grid read again after a write).
pub fn student_marks(
    conn: &Connection,
    (class_id, subject_id): (Id, Id),
    from: NaiveDate,
    to: NaiveDate,
    student_id: Id,
) -> Result<Vec<StoredMark>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {MARK_COLS}
         FROM mark m JOIN lesson l ON l.id = m.lesson_id
         WHERE m.student_id = ?5 AND l.class_id = ?1 AND l.subject_id = ?2
           AND l.date BETWEEN ?3 AND ?4
         ORDER BY l.date, l.lesson_no, m.seq"
    ))?;
    Ok(stmt
        .query_map(
            params![class_id, subject_id, from, to, student_id],
            stored_mark,
        )?
        .collect::<rusqlite::Result<_>>()?)
}

const MARK_COLS: &str = "m.id, m.lesson_id, m.student_id, m.seq, m.control_form_id, m.symbol, \
     m.value, m.weight, m.due_on, m.comment, m.entered_at, m.entered_by";

fn stored_mark(r: &rusqlite::Row) -> rusqlite::Result<StoredMark> {
    let symbol: String = r.get(5)?;
    Ok(StoredMark {
        id: r.get(0)?,
        lesson_id: r.get(1)?,
        student_id: r.get(2)?,
        seq: r.get(3)?,
        control_form_id: r.get(4)?,
        mark: Mark {
            symbol: MarkSymbol::from_stored(&symbol).unwrap_or(MarkSymbol::Absent),
            value: r.get(6)?,
            weight: r.get(7)?,
            due_on: r.get(8)?,
            comment: r.get(9)?,
        },
        entered_at: r.get(10)?,
        entered_by: r.get(11)?,
    })
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodGrade {
    pub student_id: Id,
    pub subject_id: Id,
    pub period_id: Id,
    pub class_id: Id,
    pub mean: Option<f64>,
    pub mark_count: u32,
    pub suggested: Option<String>,
    pub final_grade: Option<String>,
    pub set_by: Option<String>,
    pub set_at: Option<String>,
}

pub fn upsert_period_grade(conn: &Connection, g: &PeriodGrade) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO period_grade (student_id, subject_id, period_id, class_id, mean, mark_count, suggested, final,
                                   set_by, set_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (student_id, subject_id, period_id) DO UPDATE SET class_id = excluded.class_id,
             mean = excluded.mean, mark_count = excluded.mark_count, suggested = excluded.suggested,
             final = excluded.final, set_by = excluded.set_by, set_at = excluded.set_at",
    )?
    .execute(params![
        g.student_id,
        g.subject_id,
        g.period_id,
        g.class_id,
        g.mean,
        g.mark_count,
        g.suggested,
        g.final_grade,
        g.set_by,
        g.set_at
    ])?;
    Ok(())
}

pub fn period_grades(
    conn: &Connection,
    class_id: Id,
    subject_id: Id,
    period_id: Id,
) -> Result<Vec<PeriodGrade>> {
    let mut stmt = conn.prepare_cached(
        "SELECT student_id, subject_id, period_id, class_id, mean, mark_count, suggested, final, set_by, set_at
         FROM period_grade WHERE class_id = ?1 AND subject_id = ?2 AND period_id = ?3 ORDER BY student_id",
    )?;
    Ok(stmt
        .query_map(params![class_id, subject_id, period_id], |r| {
            Ok(PeriodGrade {
                student_id: r.get(0)?,
                subject_id: r.get(1)?,
                period_id: r.get(2)?,
                class_id: r.get(3)?,
                mean: r.get(4)?,
                mark_count: r.get(5)?,
                suggested: r.get(6)?,
                final_grade: r.get(7)?,
                set_by: r.get(8)?,
                set_at: r.get(9)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

// journal pane: reads the editing service needs ---------------------------------

/// The marks of one cell (lesson × student), in seq order.
pub fn cell_marks(conn: &Connection, lesson_id: Id, student_id: Id) -> Result<Vec<StoredMark>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {MARK_COLS} FROM mark m WHERE m.lesson_id = ?1 AND m.student_id = ?2 ORDER BY m.seq"
    ))?;
    Ok(stmt
        .query_map(params![lesson_id, student_id], stored_mark)?
        .collect::<rusqlite::Result<_>>()?)
}

/// The next free id of a table with an integer `id` key (journal tables only).
pub fn next_id(conn: &Connection, table: &str) -> Result<Id> {
    let table = match table {
        "mark" => "mark",
        "lesson" => "lesson",
        "plan_topic" => "plan_topic",
        other => return Err(super::invalid(format!("no id allocation for «{other}»"))),
    };
    Ok(conn.query_row(
        &format!("SELECT ifnull(max(id), 0) + 1 FROM {table}"),
        [],
        |r| r.get(0),
    )?)
}

/// The lesson recorded in a slot (class, group, date, number), if any.
pub fn lesson_in_slot(
    conn: &Connection,
    class_id: Id,
    group_id: Option<Id>,
    date: NaiveDate,
    lesson_no: u8,
) -> Result<Option<Lesson>> {
    use rusqlite::OptionalExtension;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {LESSON_COLS} FROM lesson WHERE class_id = ?1 AND ifnull(group_id, 0) = ifnull(?2, 0)
         AND date = ?3 AND lesson_no = ?4"
    ))?;
    Ok(stmt
        .query_row(params![class_id, group_id, date, lesson_no], lesson_row)
        .optional()?)
}

/// How many lessons refer to a planned topic.
pub fn lessons_with_plan_topic(conn: &Connection, plan_topic_id: Id) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM lesson WHERE plan_topic_id = ?1",
        [plan_topic_id],
        |r| r.get(0),
    )?)
}

/// The teaching log of an online lesson, if written.
pub fn teaching_log(conn: &Connection, lesson_id: Id) -> Result<Option<TeachingLog>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row(
            "SELECT lesson_id, content, form, effect, homework_feedback FROM teaching_log WHERE lesson_id = ?1",
            [lesson_id],
            |r| {
                Ok(TeachingLog {
                    lesson_id: r.get(0)?,
                    content: r.get(1)?,
                    form: r.get(2)?,
                    effect: r.get(3)?,
                    homework_feedback: r.get(4)?,
                })
            },
        )
        .optional()?)
}

/// Journal-keeping counts of one teacher over a date range (see
/// `service::keeping`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeepingCounts {
    pub teacher_id: Id,
    pub lessons: u32,
    pub with_topic: u32,
    pub with_homework: u32,
    pub with_attendance: u32,
    pub marks: u32,
    pub marks_on_time: u32,
}

/// Per teacher who actually taught (the substitute, else the teacher of
/// the workload): lessons held from `from` to `to` and how many have a
/// topic, a homework entry and attendance taken; the marks given at them
/// and how many were entered (in local time) no later than the lesson date
/// plus the days allowed for the form's deadline kind
/// (`days` = current, interim, written).
pub fn keeping_counts(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
    days: [u32; 3],
) -> Result<Vec<KeepingCounts>> {
    let mut out: std::collections::BTreeMap<Id, KeepingCounts> = Default::default();
    let mut stmt = conn.prepare_cached(
        "SELECT coalesce(taught_by_id, teacher_id) AS t, count(*),
                sum(length(trim(ifnull(topic, ''))) > 0),
                sum(homework_kind IS NOT NULL),
                sum(attendance_taken_at IS NOT NULL)
         FROM lesson WHERE date BETWEEN ?1 AND ?2 GROUP BY t",
    )?;
    let rows = stmt.query_map(params![from, to], |r| {
        Ok(KeepingCounts {
            teacher_id: r.get(0)?,
            lessons: r.get(1)?,
            with_topic: r.get(2)?,
            with_homework: r.get(3)?,
            with_attendance: r.get(4)?,
            marks: 0,
            marks_on_time: 0,
        })
    })?;
    for row in rows {
        let row = row?;
        out.insert(row.teacher_id, row);
    }
    let mut stmt = conn.prepare_cached(
        // The local date is at most a day off the stored UTC one: convert
        // (slowly) only the marks near their deadline.
        "SELECT t, count(*), sum(CASE
                    WHEN utc < due THEN 1
                    WHEN utc > date(due, '+1 day') THEN 0
                    ELSE date(entered_at, 'localtime') <= due END)
         FROM (SELECT coalesce(l.taught_by_id, l.teacher_id) AS t,
                      substr(m.entered_at, 1, 10) AS utc, m.entered_at AS entered_at,
                      date(l.date, '+' || CASE cf.deadline_kind WHEN 'current' THEN ?3
                          WHEN 'interim' THEN ?4 ELSE ?5 END || ' days') AS due
               FROM mark m JOIN lesson l ON l.id = m.lesson_id
               JOIN control_form cf ON cf.id = m.control_form_id
               WHERE l.date BETWEEN ?1 AND ?2)
         GROUP BY t",
    )?;
    let rows = stmt.query_map(params![from, to, days[0], days[1], days[2]], |r| {
        Ok((r.get::<_, Id>(0)?, r.get::<_, u32>(1)?, r.get::<_, u32>(2)?))
    })?;
    for row in rows {
        let (t, marks, on_time) = row?;
        let e = out.entry(t).or_insert_with(|| KeepingCounts {
            teacher_id: t,
            ..KeepingCounts::default()
        });
        e.marks = marks;
        e.marks_on_time = on_time;
    }
    Ok(out.into_values().collect())
}

/// How long an online lesson keeps its students online and whether it is
/// live (table `lesson_online`, migration 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OnlineLength {
    pub lesson_id: Id,
    pub minutes: u32,
    pub live: bool,
}

/// The recorded online length of a lesson, if any (without one an online
/// lesson is live and lasts its bell).
pub fn online_length(conn: &Connection, lesson_id: Id) -> Result<Option<OnlineLength>> {
    let mut stmt =
        conn.prepare_cached("SELECT minutes, live FROM lesson_online WHERE lesson_id = ?1")?;
    let mut rows = stmt.query([lesson_id])?;
    Ok(match rows.next()? {
        Some(r) => Some(OnlineLength {
            lesson_id,
            minutes: r.get(0)?,
            live: r.get::<_, i64>(1)? != 0,
        }),
        None => None,
    })
}

/// Record an online lesson's length (the demo and imports; the services
/// write through the audit log).
pub fn insert_online_length(conn: &Connection, o: &OnlineLength) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO lesson_online (lesson_id, minutes, live) VALUES (?1, ?2, ?3)
         ON CONFLICT (lesson_id) DO UPDATE SET minutes = excluded.minutes, live = excluded.live",
    )?
    .execute(params![o.lesson_id, o.minutes, i64::from(o.live)])?;
    Ok(())
}

/// The minutes of a class's year's bell for a lesson number (`None`
/// without a bell).
pub fn bell_minutes(conn: &Connection, class_id: Id, lesson_no: u8) -> Result<Option<u32>> {
    let mut stmt = conn.prepare_cached(
        "SELECT (strftime('%s', '2000-01-01 ' || b.ends_at) - strftime('%s', '2000-01-01 ' || b.starts_at)) / 60
         FROM class c JOIN bell b ON b.year_id = c.year_id AND b.lesson_no = ?2 WHERE c.id = ?1",
    )?;
    let mut rows = stmt.query(params![class_id, lesson_no])?;
    Ok(match rows.next()? {
        Some(r) => Some(r.get::<_, i64>(0)?.max(0) as u32),
        None => None,
    })
}

/// The groups of a class a subject is taught in (split groups): those of
/// its workload, timetable or recorded lessons, by name.
pub fn subject_groups(
    conn: &Connection,
    class_id: Id,
    subject_id: Id,
) -> Result<Vec<(Id, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT g.id, g.name FROM class_group g WHERE g.class_id = ?1 AND (
             EXISTS (SELECT 1 FROM workload w WHERE w.class_id = ?1 AND w.subject_id = ?2 AND w.group_id = g.id)
             OR EXISTS (SELECT 1 FROM timetable t WHERE t.class_id = ?1 AND t.subject_id = ?2 AND t.group_id = g.id)
             OR EXISTS (SELECT 1 FROM lesson l WHERE l.class_id = ?1 AND l.subject_id = ?2 AND l.group_id = g.id))
         ORDER BY g.name, g.id",
    )?;
    Ok(stmt
        .query_map(params![class_id, subject_id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .collect::<rusqlite::Result<_>>()?)
}
