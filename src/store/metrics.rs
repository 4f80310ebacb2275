//! The queries the computed indicator metrics read that no other
//! repository answers (training sessions and online lessons in a date range).

use chrono::NaiveDate;
use rusqlite::{Connection, params};

use super::Result;
use crate::domain::Id;

/// School training sessions dated from `from` to `to` (inclusive), of
/// `format` if given.
pub fn training_sessions_between(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
    format: Option<&str>,
) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM training_session
             WHERE date BETWEEN ?1 AND ?2 AND (?3 IS NULL OR format = ?3)",
        )?
        .query_row(params![from, to, format], |r| r.get(0))?)
}

/// Online lessons held from `from` to `to` (inclusive), per teacher who
/// actually taught them (the substitute if there was one).
pub fn online_lessons_by_teacher(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(Id, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT coalesce(taught_by_id, teacher_id), count(*) FROM lesson
         WHERE mode = 'online' AND date BETWEEN ?1 AND ?2
         GROUP BY 1 ORDER BY 1",
    )?;
    Ok(stmt
        .query_map(params![from, to], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?)
}

/// What a lesson of a computed lesson metric can lack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gap {
    Topic,
    Homework,
    Attendance,
    /// A mark entered after its deadline (days: current, interim, written).
    LateMark([u32; 3]),
    /// Not a gap: an online lesson.
    Online,
}

/// A lesson found by [`latest_gap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GapLesson {
    pub lesson_id: Id,
    pub class_id: Id,
    pub subject_id: Id,
    pub date: NaiveDate,
}

/// The latest lesson from `from` to `to` taught by `teacher` (the
/// substitute, if there was one) with `gap`.
pub fn latest_gap(
    conn: &Connection,
    teacher: Id,
    from: NaiveDate,
    to: NaiveDate,
    gap: Gap,
) -> Result<Option<GapLesson>> {
    use rusqlite::OptionalExtension;
    let cond = match gap {
        Gap::Topic => "length(trim(ifnull(l.topic, ''))) = 0",
        Gap::Homework => "l.homework_kind IS NULL",
        Gap::Attendance => "l.attendance_taken_at IS NULL",
        Gap::Online => "l.mode = 'online'",
        Gap::LateMark(_) => {
            "EXISTS (SELECT 1 FROM mark m JOIN control_form cf ON cf.id = m.control_form_id
                 WHERE m.lesson_id = l.id AND date(m.entered_at, 'localtime') > date(l.date, '+' ||
                 CASE cf.deadline_kind WHEN 'current' THEN ?4 WHEN 'interim' THEN ?5 ELSE ?6 END || ' days'))"
        }
    };
    let days = match gap {
        Gap::LateMark(d) => d,
        _ => [0, 0, 0],
    };
    let sql = format!(
        "SELECT l.id, l.class_id, l.subject_id, l.date FROM lesson l
         WHERE coalesce(l.taught_by_id, l.teacher_id) = ?1 AND l.date BETWEEN ?2 AND ?3
           AND (?4 + ?5 + ?6 >= 0) AND {cond}
         ORDER BY l.date DESC, l.lesson_no DESC LIMIT 1"
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![teacher, from, to, days[0], days[1], days[2]], |r| {
            Ok(GapLesson {
                lesson_id: r.get(0)?,
                class_id: r.get(1)?,
                subject_id: r.get(2)?,
                date: r.get(3)?,
            })
        })
        .optional()?)
}
