//! Attendance codes (data), attendance entries, device census and
//! follow-ups of students who cannot attend online.

use chrono::NaiveDate;
use rusqlite::{Connection, params};

use super::Result;
use crate::domain::Id;
use crate::domain::attendance::{
    AbsenceConflict, AttendanceCode, AttendanceMark, Category, DeviceCensus, FollowupMethod,
    OnlineFollowup, Reason,
};
use crate::domain::text::nfc;

/// The code table in display order (hidden codes included when asked).
pub fn codes(conn: &Connection, include_hidden: bool) -> Result<Vec<AttendanceCode>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, code, label, category, reason, key, sort, hidden FROM attendance_code
         WHERE hidden = 0 OR ?1 ORDER BY sort, id",
    )?;
    Ok(stmt
        .query_map([include_hidden], |r| {
            Ok(AttendanceCode {
                id: r.get(0)?,
                code: r.get(1)?,
                label: r.get(2)?,
                category: Category::parse(&r.get::<_, String>(3)?)
                    .unwrap_or(Category::AbsentUnspecified),
                reason: r
                    .get::<_, Option<String>>(4)?
                    .as_deref()
                    .and_then(Reason::parse),
                key: r.get(5)?,
                sort: r.get(6)?,
                hidden: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

pub fn insert_mark(conn: &Connection, a: &AttendanceMark) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO attendance (lesson_id, student_id, code_id, comment_code_id, comment, set_by, set_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        a.lesson_id,
        a.student_id,
        a.code_id,
        a.comment_code_id,
        a.comment.as_deref().map(nfc),
        a.set_by,
        a.set_at
    ])?;
    Ok(())
}

/// Attendance entries of a class between two dates (all subjects).
pub fn marks_for_class(
    conn: &Connection,
    class_id: Id,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<AttendanceMark>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.lesson_id, a.student_id, a.code_id, a.comment_code_id, a.comment, a.set_by, a.set_at
         FROM lesson l JOIN attendance a ON a.lesson_id = l.id
         WHERE l.class_id = ?1 AND l.date BETWEEN ?2 AND ?3 ORDER BY l.date, l.lesson_no, a.student_id",
    )?;
    Ok(stmt
        .query_map(params![class_id, from, to], |r| {
            Ok(AttendanceMark {
                lesson_id: r.get(0)?,
                student_id: r.get(1)?,
                code_id: r.get(2)?,
                comment_code_id: r.get(3)?,
                comment: r.get(4)?,
                set_by: r.get(5)?,
                set_at: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

pub fn set_census(conn: &Connection, c: &DeviceCensus) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO device_census (student_id, year_id, taken_on, computer, tablet, smartphone, tv, internet, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (student_id, year_id) DO UPDATE SET taken_on = excluded.taken_on, computer = excluded.computer,
             tablet = excluded.tablet, smartphone = excluded.smartphone, tv = excluded.tv,
             internet = excluded.internet, note = excluded.note",
    )?
    .execute(params![
        c.student_id,
        c.year_id,
        c.taken_on,
        c.computer,
        c.tablet,
        c.smartphone,
        c.tv,
        c.internet,
        nfc(&c.note)
    ])?;
    Ok(())
}

/// The census of the students of a class for a year.
pub fn census_for_class(conn: &Connection, class_id: Id, year_id: Id) -> Result<Vec<DeviceCensus>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT d.student_id, d.year_id, d.taken_on, d.computer, d.tablet, d.smartphone, d.tv, d.internet, d.note
         FROM device_census d JOIN enrolment e ON e.student_id = d.student_id
         WHERE e.class_id = ?1 AND d.year_id = ?2 ORDER BY d.student_id",
    )?;
    Ok(stmt
        .query_map(params![class_id, year_id], |r| {
            Ok(DeviceCensus {
                student_id: r.get(0)?,
                year_id: r.get(1)?,
                taken_on: r.get(2)?,
                computer: r.get(3)?,
                tablet: r.get(4)?,
                smartphone: r.get(5)?,
                tv: r.get(6)?,
                internet: r.get(7)?,
                note: r.get(8)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

pub fn insert_followup(conn: &Connection, f: &OnlineFollowup) -> Result<Id> {
    conn.prepare_cached(
        "INSERT INTO online_followup (student_id, date, by_staff_id, method, note) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![f.student_id, f.date, f.by_staff_id, f.method.as_str(), nfc(&f.note)])?;
    Ok(conn.last_insert_rowid())
}

pub fn followups(conn: &Connection, student_id: Id) -> Result<Vec<OnlineFollowup>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, student_id, date, by_staff_id, method, note FROM online_followup WHERE student_id = ?1 ORDER BY date, id",
    )?;
    Ok(stmt
        .query_map([student_id], |r| {
            Ok(OnlineFollowup {
                id: r.get(0)?,
                student_id: r.get(1)?,
                date: r.get(2)?,
                by_staff_id: r.get(3)?,
                method: FollowupMethod::parse(&r.get::<_, String>(4)?)
                    .unwrap_or(FollowupMethod::Other),
                note: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

// attendance pane: reads for the grids, summaries and "not taken" lists.

/// What the period grid needs of a lesson.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LessonSlot {
    pub id: Id,
    pub group_id: Option<Id>,
    pub date: NaiveDate,
    pub lesson_no: u8,
    /// Attendance was taken.
    pub taken: bool,
}

/// Lessons of a class (all subjects and groups) between two dates, by
/// date and lesson number (one query, for the period grid).
pub fn lesson_slots(
    conn: &Connection,
    class_id: Id,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<LessonSlot>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, group_id, date, lesson_no, attendance_taken_at IS NOT NULL FROM lesson
         WHERE class_id = ?1 AND date BETWEEN ?2 AND ?3
         ORDER BY date, lesson_no, ifnull(group_id, 0)",
    )?;
    Ok(stmt
        .query_map(params![class_id, from, to], |r| {
            Ok(LessonSlot {
                id: r.get(0)?,
                group_id: r.get(1)?,
                date: r.get(2)?,
                lesson_no: r.get(3)?,
                taken: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// Lessons of every class on a day whose attendance has not been taken:
/// (lesson, class name, subject name, teacher who taught it: the
/// substitute if any), by teacher name then lesson number.
pub fn not_taken_on(
    conn: &Connection,
    date: NaiveDate,
) -> Result<Vec<(crate::domain::Lesson, String, String, Id)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.id, c.name, s.name, ifnull(l.taught_by_id, l.teacher_id)
         FROM lesson l JOIN class c ON c.id = l.class_id JOIN subject s ON s.id = l.subject_id
         WHERE l.date = ?1 AND l.attendance_taken_at IS NULL
         ORDER BY l.lesson_no, c.grade, c.name",
    )?;
    let rows: Vec<(Id, String, String, Id)> = stmt
        .query_map([date], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .map(|(id, class, subject, teacher)| {
            Ok((super::journal::lesson(conn, id)?, class, subject, teacher))
        })
        .collect()
}

/// How many attendance entries use a code (as the code or as the comment).
pub fn code_use_count(conn: &Connection, code_id: Id) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT (SELECT count(*) FROM attendance WHERE code_id = ?1)
              + (SELECT count(*) FROM attendance WHERE comment_code_id = ?1)",
        [code_id],
        |r| r.get(0),
    )?)
}

// One record of an absence: the journal reads its Н from here.

/// The absences (codes of an absent category) of a class's lessons of one
/// subject between two dates: (lesson, student, code, label).
pub fn absences_for_subject(
    conn: &Connection,
    class_id: Id,
    subject_id: Id,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(Id, Id, String, String)>> {
    absences_of(conn, (class_id, subject_id), (from, to), None)
}

/// [`absences_for_subject`] of one student, or of every student (`None`).
pub fn absences_of(
    conn: &Connection,
    (class_id, subject_id): (Id, Id),
    (from, to): (NaiveDate, NaiveDate),
    student_id: Option<Id>,
) -> Result<Vec<(Id, Id, String, String)>> {
    let one = if student_id.is_some() {
        "AND a.student_id = ?5"
    } else {
        "AND ?5 IS NULL"
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT a.lesson_id, a.student_id, c.code, c.label
         FROM lesson l JOIN attendance a ON a.lesson_id = l.id JOIN attendance_code c ON c.id = a.code_id
         WHERE l.class_id = ?1 AND l.subject_id = ?2 AND l.date BETWEEN ?3 AND ?4 {one}
           AND c.category IN ('absent_excused', 'absent_unexcused', 'absent_unspecified')
         ORDER BY l.date, l.lesson_no, a.student_id"
    ))?;
    Ok(stmt
        .query_map(params![class_id, subject_id, from, to, student_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// The attendance entry of one student at one lesson with its code, if any.
pub fn entry(
    conn: &Connection,
    lesson_id: Id,
    student_id: Id,
) -> Result<Option<(AttendanceMark, AttendanceCode)>> {
    use rusqlite::OptionalExtension;
    let found: Option<AttendanceMark> = conn
        .prepare_cached(
            "SELECT lesson_id, student_id, code_id, comment_code_id, comment, set_by, set_at
             FROM attendance WHERE lesson_id = ?1 AND student_id = ?2",
        )?
        .query_row(params![lesson_id, student_id], |r| {
            Ok(AttendanceMark {
                lesson_id: r.get(0)?,
                student_id: r.get(1)?,
                code_id: r.get(2)?,
                comment_code_id: r.get(3)?,
                comment: r.get(4)?,
                set_by: r.get(5)?,
                set_at: r.get(6)?,
            })
        })
        .optional()?;
    let Some(a) = found else { return Ok(None) };
    let code = codes(conn, true)?.into_iter().find(|c| c.id == a.code_id);
    Ok(code.map(|c| (a, c)))
}

/// The code the journal's `Н` writes: the first visible code of the
/// category "absent, reason not given" (a hidden one if no other).
pub fn unspecified_absence_code(conn: &Connection) -> Result<Option<AttendanceCode>> {
    let mut all = codes(conn, true)?;
    all.sort_by_key(|c| c.hidden);
    Ok(all
        .into_iter()
        .find(|c| c.category == Category::AbsentUnspecified))
}

/// The disagreements between the journal and attendance noted at lessons
/// between two dates, by date and lesson.
pub fn conflicts(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<AbsenceConflict>> {
    let mut stmt = conn.prepare_cached(
        "SELECT k.lesson_id, k.student_id, k.journal, k.attendance, k.source, k.noted_at
         FROM absence_conflict k JOIN lesson l ON l.id = k.lesson_id
         WHERE l.date BETWEEN ?1 AND ?2 ORDER BY l.date, l.lesson_no, k.lesson_id, k.student_id",
    )?;
    Ok(stmt
        .query_map(params![from, to], |r| {
            Ok(AbsenceConflict {
                lesson_id: r.get(0)?,
                student_id: r.get(1)?,
                journal: r.get(2)?,
                attendance: r.get(3)?,
                source: r.get(4)?,
                noted_at: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// Whether a disagreement is noted for one student at one lesson.
pub fn has_conflict(conn: &Connection, lesson_id: Id, student_id: Id) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM absence_conflict WHERE lesson_id = ?1 AND student_id = ?2)",
        params![lesson_id, student_id],
        |r| r.get(0),
    )?)
}

/// Note a disagreement between the journal and attendance (the demo; the
/// import writes through the audit log).
pub fn insert_conflict(conn: &Connection, k: &AbsenceConflict) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO absence_conflict (lesson_id, student_id, journal, attendance, source, noted_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        k.lesson_id,
        k.student_id,
        nfc(&k.journal),
        nfc(&k.attendance),
        nfc(&k.source),
        k.noted_at
    ])?;
    Ok(())
}
