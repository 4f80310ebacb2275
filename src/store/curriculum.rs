//! Subjects, curriculum, workload, bell schedule, timetable, control forms
//! and the thematic plan.

use rusqlite::{Connection, params};
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
