//! Classes and their groups.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};

use super::Result;
use crate::domain::text::nfc;
use crate::domain::{Class, ClassGroup, Id};

pub fn insert_class(conn: &Connection, c: &Class) -> Result<Id> {
    conn.prepare_cached(
        "INSERT INTO class (year_id, grade, letter, name, class_teacher_id) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![c.year_id, c.grade, nfc(&c.letter), nfc(&c.name), c.class_teacher_id])?;
    Ok(conn.last_insert_rowid())
}

fn class_row(r: &rusqlite::Row) -> rusqlite::Result<Class> {
    Ok(Class {
        id: r.get(0)?,
        year_id: r.get(1)?,
        grade: r.get(2)?,
        letter: r.get(3)?,
        name: r.get(4)?,
        class_teacher_id: r.get(5)?,
    })
}

/// Classes of a year in grade, then letter order.
pub fn classes(conn: &Connection, year_id: Id) -> Result<Vec<Class>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, year_id, grade, letter, name, class_teacher_id FROM class WHERE year_id = ?1
         ORDER BY grade, letter",
    )?;
    Ok(stmt
        .query_map([year_id], class_row)?
        .collect::<rusqlite::Result<_>>()?)
}

pub fn class(conn: &Connection, id: Id) -> Result<Class> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, year_id, grade, letter, name, class_teacher_id FROM class WHERE id = ?1",
    )?;
    Ok(stmt.query_row([id], class_row)?)
}

/// Find a class of a year by name ("5А"), NFC and case-insensitively.
pub fn class_by_name(conn: &Connection, year_id: Id, name: &str) -> Result<Option<Class>> {
    let wanted = nfc(name).to_lowercase();
    Ok(classes(conn, year_id)?
        .into_iter()
        .find(|c| c.name.to_lowercase() == wanted))
}

pub fn insert_group(conn: &Connection, g: &ClassGroup) -> Result<Id> {
    conn.prepare_cached("INSERT INTO class_group (class_id, name) VALUES (?1, ?2)")?
        .execute(params![g.class_id, nfc(&g.name)])?;
    Ok(conn.last_insert_rowid())
}

pub fn groups(conn: &Connection, class_id: Id) -> Result<Vec<ClassGroup>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, class_id, name FROM class_group WHERE class_id = ?1 ORDER BY name",
    )?;
    Ok(stmt
        .query_map([class_id], |r| {
            Ok(ClassGroup {
                id: r.get(0)?,
                class_id: r.get(1)?,
                name: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

pub fn add_group_member(conn: &Connection, group_id: Id, student_id: Id) -> Result<()> {
    conn.prepare_cached("INSERT INTO group_member (group_id, student_id) VALUES (?1, ?2)")?
        .execute(params![group_id, student_id])?;
    Ok(())
}

pub fn group_members(conn: &Connection, group_id: Id) -> Result<Vec<Id>> {
    let mut stmt = conn.prepare_cached(
        "SELECT student_id FROM group_member WHERE group_id = ?1 ORDER BY student_id",
    )?;
    Ok(stmt
        .query_map([group_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// A class named "7А" (spaces ignored, any case) in the year containing
/// `on`, else in the latest year that has it.
pub fn class_named(conn: &Connection, name: &str, on: NaiveDate) -> Result<Option<Class>> {
    // Compared in Rust: SQLite's lower() folds ASCII only (7А is Cyrillic).
    let norm = |s: &str| s.split_whitespace().collect::<String>().to_lowercase();
    let want = norm(name);
    let mut st = conn.prepare_cached(
        "SELECT c.id, c.name FROM class c JOIN school_year y ON y.id = c.year_id
         ORDER BY (y.starts_on <= ?1 AND ?1 <= y.ends_on) DESC, y.starts_on DESC",
    )?;
    let found = st
        .query_map(params![on], |r| {
            Ok((r.get::<_, Id>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?
        .into_iter()
        .find(|(_, n)| norm(n) == want)
        .map(|(id, _)| id);
    found.map(|id| class(conn, id)).transpose()
}

/// The first day of the school year of the class named `name`.
pub fn year_start_of(conn: &Connection, name: &str, on: NaiveDate) -> Result<Option<NaiveDate>> {
    let Some(c) = class_named(conn, name, on)? else {
        return Ok(None);
    };
    Ok(conn
        .query_row(
            "SELECT starts_on FROM school_year WHERE id = ?1",
            [c.year_id],
            |r| r.get(0),
        )
        .optional()?)
}

/// The group called `name` of the class a student is (or was last) in.
pub fn student_group(conn: &Connection, student: Id, name: &str) -> Result<Option<Id>> {
    let want = name.trim().to_lowercase();
    let mut st = conn.prepare_cached(
        "SELECT g.id, g.name FROM class_group g JOIN enrolment e ON e.class_id = g.class_id
         WHERE e.student_id = ?1 ORDER BY e.starts_on DESC",
    )?;
    Ok(st
        .query_map(params![student], |r| {
            Ok((r.get::<_, Id>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?
        .into_iter()
        .find(|(_, n)| n.to_lowercase() == want)
        .map(|(id, _)| id))
}
