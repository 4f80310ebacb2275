//! Staff (with roles), students, enrolment history and guardians.

use chrono::NaiveDate;
use rusqlite::{Connection, params};

use super::Result;
use crate::domain::text::nfc;
use crate::domain::{
    EndReason, Enrolment, Guardian, Id, Relation, Role, Sex, Staff, StartReason, Student,
};

fn opt_nfc(s: &Option<String>) -> Option<String> {
    s.as_deref().map(nfc).filter(|s| !s.is_empty())
}

pub fn insert_staff(conn: &Connection, s: &Staff) -> Result<Id> {
    conn.prepare_cached(
        "INSERT INTO staff (family_name, given_name, patronymic, login, email, phone, active)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        nfc(&s.family_name),
        nfc(&s.given_name),
        opt_nfc(&s.patronymic),
        s.login.as_deref().map(nfc),
        s.email,
        s.phone,
        s.active
    ])?;
    let id = conn.last_insert_rowid();
    let mut role =
        conn.prepare_cached("INSERT OR IGNORE INTO staff_role (staff_id, role) VALUES (?1, ?2)")?;
    for r in &s.roles {
        role.execute(params![id, r.as_str()])?;
    }
    Ok(id)
}

/// Roles are a set: read back in the order of [`Role::ALL`].
fn canonical_roles(list: &str) -> Vec<Role> {
    let held: Vec<Role> = list.split(',').filter_map(Role::parse).collect();
    Role::ALL
        .iter()
        .copied()
        .filter(|r| held.contains(r))
        .collect()
}

/// All staff with their roles, by family name.
pub fn staff(conn: &Connection) -> Result<Vec<Staff>> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.id, family_name, given_name, patronymic, login, email, phone, active,
                (SELECT group_concat(role) FROM staff_role r WHERE r.staff_id = s.id)
         FROM staff s ORDER BY family_name, given_name, s.id",
    )?;
    Ok(stmt
        .query_map([], |r| {
            let roles: Option<String> = r.get(8)?;
            Ok(Staff {
                id: r.get(0)?,
                family_name: r.get(1)?,
                given_name: r.get(2)?,
                patronymic: r.get(3)?,
                login: r.get(4)?,
                email: r.get(5)?,
                phone: r.get(6)?,
                active: r.get(7)?,
                roles: canonical_roles(roles.as_deref().unwrap_or_default()),
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

pub fn insert_student(conn: &Connection, s: &Student) -> Result<Id> {
    conn.prepare_cached(
        "INSERT INTO student (family_name, given_name, patronymic, birth_date, sex, phone, email, address)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        nfc(&s.family_name),
        nfc(&s.given_name),
        opt_nfc(&s.patronymic),
        s.birth_date,
        s.sex.map(Sex::as_str),
        s.phone,
        s.email,
        opt_nfc(&s.address)
    ])?;
    Ok(conn.last_insert_rowid())
}

const STUDENT_COLS: &str = "s.id, s.family_name, s.given_name, s.patronymic, s.birth_date, s.sex, s.phone, s.email, s.address";

fn student_row(r: &rusqlite::Row) -> rusqlite::Result<Student> {
    Ok(Student {
        id: r.get(0)?,
        family_name: r.get(1)?,
        given_name: r.get(2)?,
        patronymic: r.get(3)?,
        birth_date: r.get(4)?,
        sex: r
            .get::<_, Option<String>>(5)?
            .as_deref()
            .and_then(Sex::parse),
        phone: r.get(6)?,
        email: r.get(7)?,
        address: r.get(8)?,
    })
}

pub fn student(conn: &Connection, id: Id) -> Result<Student> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {STUDENT_COLS} FROM student s WHERE s.id = ?1"
    ))?;
    Ok(stmt.query_row([id], student_row)?)
}

/// A student on a class list: the student and the dates of their stay.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ClassMember {
    pub student: Student,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
}

impl ClassMember {
    pub fn enrolled_on(&self, d: NaiveDate) -> bool {
        self.starts_on <= d && self.ends_on.is_none_or(|e| d <= e)
    }
}

/// Students enrolled in a class at any time between `from` and `to`, in
/// alphabetical order, each with the dates of their stay (a student who
/// arrived or left inside the range shows where they were not enrolled).
pub fn class_members(
    conn: &Connection,
    class_id: Id,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<ClassMember>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {STUDENT_COLS}, min(e.starts_on), max(ifnull(e.ends_on, '9999-12-31'))
         FROM enrolment e JOIN student s ON s.id = e.student_id
         WHERE e.class_id = ?1 AND e.starts_on <= ?3 AND (e.ends_on IS NULL OR e.ends_on >= ?2)
         GROUP BY s.id
         ORDER BY s.family_name, s.given_name, s.id"
    ))?;
    Ok(stmt
        .query_map(params![class_id, from, to], |r| {
            let end: String = r.get(10)?;
            Ok(ClassMember {
                student: student_row(r)?,
                starts_on: r.get(9)?,
                ends_on: (end != "9999-12-31")
                    .then(|| NaiveDate::parse_from_str(&end, "%Y-%m-%d").ok())
                    .flatten(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

pub fn insert_enrolment(conn: &Connection, e: &Enrolment) -> Result<Id> {
    conn.prepare_cached(
        "INSERT INTO enrolment (student_id, class_id, starts_on, start_reason, start_order_no, start_order_date,
                                ends_on, end_reason, end_order_no, end_order_date)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        e.student_id,
        e.class_id,
        e.starts_on,
        e.start_reason.as_str(),
        e.start_order_no,
        e.start_order_date,
        e.ends_on,
        e.end_reason.map(EndReason::as_str),
        e.end_order_no,
        e.end_order_date
    ])?;
    Ok(conn.last_insert_rowid())
}

/// A student's enrolment history, oldest first.
pub fn enrolments(conn: &Connection, student_id: Id) -> Result<Vec<Enrolment>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, student_id, class_id, starts_on, start_reason, start_order_no, start_order_date,
                ends_on, end_reason, end_order_no, end_order_date
         FROM enrolment WHERE student_id = ?1 ORDER BY starts_on",
    )?;
    Ok(stmt
        .query_map([student_id], |r| {
            Ok(Enrolment {
                id: r.get(0)?,
                student_id: r.get(1)?,
                class_id: r.get(2)?,
                starts_on: r.get(3)?,
                start_reason: StartReason::parse(&r.get::<_, String>(4)?)
                    .unwrap_or(StartReason::Arrival),
                start_order_no: r.get(5)?,
                start_order_date: r.get(6)?,
                ends_on: r.get(7)?,
                end_reason: r
                    .get::<_, Option<String>>(8)?
                    .as_deref()
                    .and_then(EndReason::parse),
                end_order_no: r.get(9)?,
                end_order_date: r.get(10)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

pub fn insert_guardian(conn: &Connection, g: &Guardian) -> Result<Id> {
    conn.prepare_cached(
        "INSERT INTO guardian (family_name, given_name, patronymic, phone, email) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![nfc(&g.family_name), nfc(&g.given_name), opt_nfc(&g.patronymic), g.phone, g.email])?;
    Ok(conn.last_insert_rowid())
}

pub fn link_guardian(
    conn: &Connection,
    student_id: Id,
    guardian_id: Id,
    relation: Relation,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO student_guardian (student_id, guardian_id, relation) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![student_id, guardian_id, relation.as_str()])?;
    Ok(())
}

/// A student's guardians with their relation.
pub fn guardians(conn: &Connection, student_id: Id) -> Result<Vec<(Guardian, Relation)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT g.id, g.family_name, g.given_name, g.patronymic, g.phone, g.email, sg.relation
         FROM student_guardian sg JOIN guardian g ON g.id = sg.guardian_id
         WHERE sg.student_id = ?1 ORDER BY g.id",
    )?;
    Ok(stmt
        .query_map([student_id], |r| {
            Ok((
                Guardian {
                    id: r.get(0)?,
                    family_name: r.get(1)?,
                    given_name: r.get(2)?,
                    patronymic: r.get(3)?,
                    phone: r.get(4)?,
                    email: r.get(5)?,
                },
                Relation::parse(&r.get::<_, String>(6)?).unwrap_or(Relation::Other),
            ))
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// Students with their stays (ids, dates, orders) as lines of text, of one
/// class or of all, for `classbook student list`.
pub fn stay_list(conn: &Connection, class: Option<&str>) -> Result<Vec<String>> {
    let norm = |s: &str| s.split_whitespace().collect::<String>().to_lowercase();
    let want = class.map(norm);
    let mut st = conn.prepare(
        "SELECT s.id, s.family_name || ' ' || s.given_name || ifnull(' ' || s.patronymic, ''),
                e.id, c.name, y.label, e.starts_on, ifnull(e.ends_on, ''),
                ifnull(e.start_order_no || ' of ' || e.start_order_date, 'order to be entered'),
                CASE WHEN e.ends_on IS NULL THEN ''
                     ELSE ifnull(' (' || e.end_reason || ', order ' || e.end_order_no || ' of '
                          || e.end_order_date || ')', ' (' || e.end_reason || ', order to be entered)') END,
                EXISTS (SELECT 1 FROM departure_pending d WHERE d.student_id = s.id)
         FROM student s JOIN enrolment e ON e.student_id = s.id
         JOIN class c ON c.id = e.class_id JOIN school_year y ON y.id = c.year_id
         ORDER BY y.starts_on, c.grade, c.letter, s.family_name, s.given_name, s.id, e.starts_on",
    )?;
    let rows = st
        .query_map([], |r| {
            let pending: bool = r.get(9)?;
            let class: String = r.get(3)?;
            Ok((
                class,
                format!(
                    "{:>5}  {} stay {:<5} {} {}  {} – {}  {}{}{}",
                    r.get::<_, Id>(0)?,
                    crate::domain::text::pad(&r.get::<_, String>(1)?, 36),
                    r.get::<_, Id>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, String>(8)?,
                    if pending {
                        "  [not in the last roster: departure to confirm]"
                    } else {
                        ""
                    }
                ),
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows
        .into_iter()
        .filter(|(c, _)| want.as_ref().is_none_or(|w| norm(c) == *w))
        .map(|(_, line)| line)
        .collect())
}
