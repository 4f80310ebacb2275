//! Subjects, curriculum, workload, bell schedule, timetable, control forms
//! and the thematic plan.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::Result;
use crate::domain::text::nfc;
use crate::domain::{Bell, CurriculumLine, Id, PlanTopic, Subject, TimetableSlot, Workload};

pub fn insert_subject(conn: &Connection, s: &Subject) -> Result<Id> {
    conn.prepare_cached("INSERT INTO subject (name, short_name) VALUES (?1, ?2)")?
        .execute(params![nfc(&s.name), nfc(&s.short_name)])?;
    Ok(conn.last_insert_rowid())
}

pub fn subjects(conn: &Connection) -> Result<Vec<Subject>> {
    let mut stmt = conn.prepare_cached("SELECT id, name, short_name FROM subject ORDER BY name")?;
    Ok(stmt
        .query_map([], |r| {
            Ok(Subject {
                id: r.get(0)?,
                name: r.get(1)?,
                short_name: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// The subjects a class is taught (its curriculum), by name.
pub fn class_subjects(conn: &Connection, class_id: Id) -> Result<Vec<Subject>> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.id, s.name, s.short_name FROM curriculum c JOIN subject s ON s.id = c.subject_id
         WHERE c.class_id = ?1 ORDER BY s.name",
    )?;
    Ok(stmt
        .query_map([class_id], |r| {
            Ok(Subject {
                id: r.get(0)?,
                name: r.get(1)?,
                short_name: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

pub fn insert_curriculum(conn: &Connection, c: &CurriculumLine) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO curriculum (class_id, subject_id, hours_per_week) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![c.class_id, c.subject_id, c.hours_per_week])?;
    Ok(())
}

pub fn curriculum(conn: &Connection, class_id: Id) -> Result<Vec<CurriculumLine>> {
    let mut stmt = conn.prepare_cached(
        "SELECT class_id, subject_id, hours_per_week FROM curriculum WHERE class_id = ?1",
    )?;
    Ok(stmt
        .query_map([class_id], |r| {
            Ok(CurriculumLine {
                class_id: r.get(0)?,
                subject_id: r.get(1)?,
                hours_per_week: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

pub fn insert_workload(conn: &Connection, w: &Workload) -> Result<Id> {
    conn.prepare_cached(
        "INSERT INTO workload (class_id, group_id, subject_id, teacher_id) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![w.class_id, w.group_id, w.subject_id, w.teacher_id])?;
    Ok(conn.last_insert_rowid())
}

pub fn workload(conn: &Connection, class_id: Id) -> Result<Vec<Workload>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, class_id, group_id, subject_id, teacher_id FROM workload WHERE class_id = ?1 ORDER BY id",
    )?;
    Ok(stmt
        .query_map([class_id], |r| {
            Ok(Workload {
                id: r.get(0)?,
                class_id: r.get(1)?,
                group_id: r.get(2)?,
                subject_id: r.get(3)?,
                teacher_id: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

pub fn insert_bell(conn: &Connection, b: &Bell) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO bell (year_id, lesson_no, starts_at, ends_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![b.year_id, b.lesson_no, b.starts_at, b.ends_at])?;
    Ok(())
}

pub fn bells(conn: &Connection, year_id: Id) -> Result<Vec<Bell>> {
    let mut stmt =
        conn.prepare_cached("SELECT year_id, lesson_no, starts_at, ends_at FROM bell WHERE year_id = ?1 ORDER BY lesson_no")?;
    Ok(stmt
        .query_map([year_id], |r| {
            Ok(Bell {
                year_id: r.get(0)?,
                lesson_no: r.get(1)?,
                starts_at: r.get(2)?,
                ends_at: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

pub fn insert_slot(conn: &Connection, t: &TimetableSlot) -> Result<Id> {
    conn.prepare_cached(
        "INSERT INTO timetable (year_id, weekday, lesson_no, class_id, group_id, subject_id, teacher_id, room,
                                valid_from, valid_to)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        t.year_id,
        t.weekday,
        t.lesson_no,
        t.class_id,
        t.group_id,
        t.subject_id,
        t.teacher_id,
        nfc(&t.room),
        t.valid_from,
        t.valid_to
    ])?;
    Ok(conn.last_insert_rowid())
}

/// A class's timetable, by weekday and lesson number.
pub fn timetable(conn: &Connection, class_id: Id) -> Result<Vec<TimetableSlot>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, year_id, weekday, lesson_no, class_id, group_id, subject_id, teacher_id, room, valid_from, valid_to
         FROM timetable WHERE class_id = ?1 ORDER BY weekday, lesson_no, ifnull(group_id, 0)",
    )?;
    Ok(stmt
        .query_map([class_id], |r| {
            Ok(TimetableSlot {
                id: r.get(0)?,
                year_id: r.get(1)?,
                weekday: r.get(2)?,
                lesson_no: r.get(3)?,
                class_id: r.get(4)?,
                group_id: r.get(5)?,
                subject_id: r.get(6)?,
                teacher_id: r.get(7)?,
                room: r.get(8)?,
                valid_from: r.get(9)?,
                valid_to: r.get(10)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ControlForm {
    pub id: Id,
    pub name: String,
    pub weight: u8,
    pub deadline_kind: String,
}

/// The active control forms, in catalogue order.
pub fn control_forms(conn: &Connection) -> Result<Vec<ControlForm>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, weight, deadline_kind FROM control_form WHERE active = 1 ORDER BY sort",
    )?;
    Ok(stmt
        .query_map([], |r| {
            Ok(ControlForm {
                id: r.get(0)?,
                name: r.get(1)?,
                weight: r.get(2)?,
                deadline_kind: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

pub fn insert_plan_topic(conn: &Connection, p: &PlanTopic) -> Result<Id> {
    conn.prepare_cached(
        "INSERT INTO plan_topic (class_id, subject_id, seq, topic, hours, control_form_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![p.class_id, p.subject_id, p.seq, nfc(&p.topic), p.hours, p.control_form_id])?;
    Ok(conn.last_insert_rowid())
}

pub fn plan(conn: &Connection, class_id: Id, subject_id: Id) -> Result<Vec<PlanTopic>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, class_id, subject_id, seq, topic, hours, control_form_id FROM plan_topic
         WHERE class_id = ?1 AND subject_id = ?2 ORDER BY seq",
    )?;
    Ok(stmt
        .query_map([class_id, subject_id], |r| {
            Ok(PlanTopic {
                id: r.get(0)?,
                class_id: r.get(1)?,
                subject_id: r.get(2)?,
                seq: r.get(3)?,
                topic: r.get(4)?,
                hours: r.get(5)?,
                control_form_id: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

// journal pane ---------------------------------------------------------------

/// One timetable slot by id.
pub fn timetable_slot(conn: &Connection, id: Id) -> Result<Option<TimetableSlot>> {
    use rusqlite::OptionalExtension;
    let mut stmt = conn.prepare_cached(
        "SELECT id, year_id, weekday, lesson_no, class_id, group_id, subject_id, teacher_id, room, valid_from, valid_to
         FROM timetable WHERE id = ?1",
    )?;
    Ok(stmt
        .query_row([id], |r| {
            Ok(TimetableSlot {
                id: r.get(0)?,
                year_id: r.get(1)?,
                weekday: r.get(2)?,
                lesson_no: r.get(3)?,
                class_id: r.get(4)?,
                group_id: r.get(5)?,
                subject_id: r.get(6)?,
                teacher_id: r.get(7)?,
                room: r.get(8)?,
                valid_from: r.get(9)?,
                valid_to: r.get(10)?,
            })
        })
        .optional()?)
}

/// The slot of a class's week (a group's, with `group`) in force on `on`.
pub fn slot_in_force(
    conn: &Connection,
    class: &str,
    group: Option<&str>,
    weekday: u8,
    lesson_no: u8,
    on: NaiveDate,
) -> Result<Option<Id>> {
    let Some(c) = super::classes::class_named(conn, class, on)? else {
        return Ok(None);
    };
    let group_id = match group {
        Some(g) => match super::classes::groups(conn, c.id)?
            .into_iter()
            .find(|x| x.name.to_lowercase() == g.trim().to_lowercase())
        {
            Some(x) => Some(x.id),
            None => return Ok(None),
        },
        None => None,
    };
    Ok(conn
        .query_row(
            "SELECT id FROM timetable
             WHERE class_id = ?1 AND weekday = ?2 AND lesson_no = ?3 AND group_id IS ?4
               AND valid_from <= ?5 AND (valid_to IS NULL OR valid_to >= ?5)
             ORDER BY valid_from DESC LIMIT 1",
            params![c.id, weekday, lesson_no, group_id, on],
            |r| r.get(0),
        )
        .optional()?)
}

/// A class's week in force on `on` as lines of text: one line per lesson
/// number, one column per school day (subject, group, teacher, room).
pub fn week_text(conn: &Connection, class: &str, on: NaiveDate) -> Result<Vec<String>> {
    let Some(c) = super::classes::class_named(conn, class, on)? else {
        return Err(super::invalid(format!("no class «{class}»")));
    };
    let mut st = conn.prepare(
        "SELECT t.weekday, t.lesson_no, s.short_name, ifnull(g.name, ''),
                st.family_name, t.room, b.starts_at
         FROM timetable t JOIN subject s ON s.id = t.subject_id
         JOIN staff st ON st.id = t.teacher_id
         LEFT JOIN class_group g ON g.id = t.group_id
         LEFT JOIN bell b ON b.year_id = t.year_id AND b.lesson_no = t.lesson_no
         WHERE t.class_id = ?1 AND t.valid_from <= ?2 AND (t.valid_to IS NULL OR t.valid_to >= ?2)
         ORDER BY t.lesson_no, t.weekday, g.name",
    )?;
    #[allow(clippy::type_complexity)]
    let rows: Vec<(u8, u8, String, String, String, String, Option<String>)> = st
        .query_map(params![c.id, on], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = vec![format!(
        "{} timetable in force on {}",
        c.name,
        on.format("%d.%m.%Y")
    )];
    if rows.is_empty() {
        out.push("(no lessons)".into());
        return Ok(out);
    }
    for (wd, no, subj, group, teacher, room, at) in rows {
        const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        let day = DAYS.get(usize::from(wd).saturating_sub(1)).unwrap_or(&"?");
        let group = if group.is_empty() {
            String::new()
        } else {
            format!(" [{group}]")
        };
        let room = if room.is_empty() {
            String::new()
        } else {
            format!(", room {room}")
        };
        out.push(format!(
            "{day} {no} {}  {subj}{group}  {teacher}{room}",
            at.unwrap_or_default()
        ));
    }
    Ok(out)
}
