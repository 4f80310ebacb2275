//! Teacher training: plans, sessions, statuses, roll call, external
//! training, study records and published standings.

use rusqlite::{Connection, params};

use super::Result;
use crate::domain::Id;
use crate::domain::text::nfc;
use crate::domain::training::{
    ExternalTraining, Format, Requirement, StatusCategory, TrainingAttendance, TrainingPlan,
    TrainingSession, TrainingStatus,
};

pub fn insert_plan(conn: &Connection, p: &TrainingPlan) -> Result<Id> {
    conn.prepare_cached(
        "INSERT INTO training_plan (year_id, semester, title, starts_on, ends_on, lead_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![p.year_id, p.semester, nfc(&p.title), p.starts_on, p.ends_on, p.lead_id])?;
    Ok(conn.last_insert_rowid())
}

pub fn plans(conn: &Connection, year_id: Id) -> Result<Vec<TrainingPlan>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, year_id, semester, title, starts_on, ends_on, lead_id FROM training_plan WHERE year_id = ?1
         ORDER BY semester",
    )?;
    Ok(stmt
        .query_map([year_id], |r| {
            Ok(TrainingPlan {
                id: r.get(0)?,
                year_id: r.get(1)?,
                semester: r.get(2)?,
                title: r.get(3)?,
                starts_on: r.get(4)?,
                ends_on: r.get(5)?,
                lead_id: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

pub fn insert_session(conn: &Connection, s: &TrainingSession) -> Result<Id> {
    conn.prepare_cached(
        "INSERT INTO training_session (plan_id, date, starts_at, ends_at, hours, topic, format, presenter_id, presenter,
                                       place, credits)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        s.plan_id,
        s.date,
        s.starts_at.format("%H:%M").to_string(),
        s.ends_at.format("%H:%M").to_string(),
        s.hours,
        nfc(&s.topic),
        s.format.as_str(),
        s.presenter_id,
        nfc(&s.presenter),
        nfc(&s.place),
        s.credits
    ])?;
    Ok(conn.last_insert_rowid())
}

fn time(r: &rusqlite::Row, i: usize) -> rusqlite::Result<chrono::NaiveTime> {
    let s: String = r.get(i)?;
    chrono::NaiveTime::parse_from_str(&s, "%H:%M").map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    })
}

pub fn sessions(conn: &Connection, plan_id: Id) -> Result<Vec<TrainingSession>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, plan_id, date, starts_at, ends_at, hours, topic, format, presenter_id, presenter, place, credits
         FROM training_session WHERE plan_id = ?1 ORDER BY date, starts_at, id",
    )?;
    Ok(stmt
        .query_map([plan_id], |r| {
            Ok(TrainingSession {
                id: r.get(0)?,
                plan_id: r.get(1)?,
                date: r.get(2)?,
                starts_at: time(r, 3)?,
                ends_at: time(r, 4)?,
                hours: r.get(5)?,
                topic: r.get(6)?,
                format: Format::parse(&r.get::<_, String>(7)?).unwrap_or(Format::Lecture),
                presenter_id: r.get(8)?,
                presenter: r.get(9)?,
                place: r.get(10)?,
                credits: r.get(11)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

pub fn statuses(conn: &Connection) -> Result<Vec<TrainingStatus>> {
    let mut stmt = conn.prepare_cached(
        "SELECT code, label, category, earns_credit, requires, key, sort FROM training_status ORDER BY sort",
    )?;
    Ok(stmt
        .query_map([], |r| {
            Ok(TrainingStatus {
                code: r.get(0)?,
                label: r.get(1)?,
                category: StatusCategory::parse(&r.get::<_, String>(2)?)
                    .unwrap_or(StatusCategory::Unexcused),
                earns_credit: r.get(3)?,
                requires: Requirement::parse(&r.get::<_, String>(4)?).unwrap_or(Requirement::None),
                key: r.get(5)?,
                sort: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

pub fn insert_attendance(
    conn: &Connection,
    a: &TrainingAttendance,
    set_by: &str,
    set_at: &str,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO training_attendance (session_id, staff_id, status, approved_by_id, certificate, made_up_on, note,
                                          set_by, set_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        a.session_id,
        a.staff_id,
        a.status,
        a.approved_by_id,
        a.certificate,
        a.made_up_on,
        nfc(&a.note),
        set_by,
        set_at
    ])?;
    Ok(())
}

/// The roll call of every session of a plan.
pub fn attendance_for_plan(conn: &Connection, plan_id: Id) -> Result<Vec<TrainingAttendance>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.session_id, a.staff_id, a.status, a.approved_by_id, a.certificate, a.made_up_on, a.note
         FROM training_session s JOIN training_attendance a ON a.session_id = s.id
         WHERE s.plan_id = ?1 ORDER BY s.date, s.id, a.staff_id",
    )?;
    Ok(stmt
        .query_map([plan_id], |r| {
            Ok(TrainingAttendance {
                session_id: r.get(0)?,
                staff_id: r.get(1)?,
                status: r.get(2)?,
                approved_by_id: r.get(3)?,
                certificate: r.get(4)?,
                made_up_on: r.get(5)?,
                note: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

pub fn insert_external(conn: &Connection, e: &ExternalTraining) -> Result<Id> {
    conn.prepare_cached(
        "INSERT INTO external_training (staff_id, starts_on, ends_on, provider, title, hours, credits, certificate_no)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        e.staff_id,
        e.starts_on,
        e.ends_on,
        nfc(&e.provider),
        nfc(&e.title),
        e.hours,
        e.credits,
        nfc(&e.certificate_no)
    ])?;
    Ok(conn.last_insert_rowid())
}

pub fn external(conn: &Connection, staff_id: Id) -> Result<Vec<ExternalTraining>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, staff_id, starts_on, ends_on, provider, title, hours, credits, certificate_no
         FROM external_training WHERE staff_id = ?1 ORDER BY starts_on, id",
    )?;
    Ok(stmt
        .query_map([staff_id], |r| {
            Ok(ExternalTraining {
                id: r.get(0)?,
                staff_id: r.get(1)?,
                starts_on: r.get(2)?,
                ends_on: r.get(3)?,
                provider: r.get(4)?,
                title: r.get(5)?,
                hours: r.get(6)?,
                credits: r.get(7)?,
                certificate_no: r.get(8)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// Study notes (characters) or an open lesson.
pub fn insert_record(
    conn: &Connection,
    staff_id: Id,
    plan_id: Id,
    kind: &str,
    date: chrono::NaiveDate,
    amount: i64,
    note: &str,
) -> Result<Id> {
    conn.prepare_cached(
        "INSERT INTO training_record (staff_id, plan_id, kind, date, amount, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![staff_id, plan_id, kind, date, amount, nfc(note)])?;
    Ok(conn.last_insert_rowid())
}

// --- training pane: single rows and look-ups ---------------------------------

fn session_row(r: &rusqlite::Row) -> rusqlite::Result<TrainingSession> {
    Ok(TrainingSession {
        id: r.get(0)?,
        plan_id: r.get(1)?,
        date: r.get(2)?,
        starts_at: time(r, 3)?,
        ends_at: time(r, 4)?,
        hours: r.get(5)?,
        topic: r.get(6)?,
        format: Format::parse(&r.get::<_, String>(7)?).unwrap_or(Format::Lecture),
        presenter_id: r.get(8)?,
        presenter: r.get(9)?,
        place: r.get(10)?,
        credits: r.get(11)?,
    })
}

/// One session by id.
pub fn session(conn: &Connection, id: Id) -> Result<Option<TrainingSession>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .prepare_cached(
            "SELECT id, plan_id, date, starts_at, ends_at, hours, topic, format, presenter_id, presenter, place,
                    credits FROM training_session WHERE id = ?1",
        )?
        .query_row([id], session_row)
        .optional()?)
}

/// How many roll-call entries a session has.
pub fn attendance_count(conn: &Connection, session_id: Id) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM training_attendance WHERE session_id = ?1",
        [session_id],
        |r| r.get(0),
    )?)
}

fn attendance_row(r: &rusqlite::Row) -> rusqlite::Result<TrainingAttendance> {
    Ok(TrainingAttendance {
        session_id: r.get(0)?,
        staff_id: r.get(1)?,
        status: r.get(2)?,
        approved_by_id: r.get(3)?,
        certificate: r.get(4)?,
        made_up_on: r.get(5)?,
        note: r.get(6)?,
    })
}

/// One roll-call entry.
pub fn attendance(
    conn: &Connection,
    session_id: Id,
    staff_id: Id,
) -> Result<Option<TrainingAttendance>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .prepare_cached(
            "SELECT session_id, staff_id, status, approved_by_id, certificate, made_up_on, note
             FROM training_attendance WHERE session_id = ?1 AND staff_id = ?2",
        )?
        .query_row(params![session_id, staff_id], attendance_row)
        .optional()?)
}

/// The roll call of one session.
pub fn attendance_for_session(
    conn: &Connection,
    session_id: Id,
) -> Result<Vec<TrainingAttendance>> {
    let mut stmt = conn.prepare_cached(
        "SELECT session_id, staff_id, status, approved_by_id, certificate, made_up_on, note
         FROM training_attendance WHERE session_id = ?1 ORDER BY staff_id",
    )?;
    Ok(stmt
        .query_map([session_id], attendance_row)?
        .collect::<rusqlite::Result<_>>()?)
}

fn external_row(r: &rusqlite::Row) -> rusqlite::Result<ExternalTraining> {
    Ok(ExternalTraining {
        id: r.get(0)?,
        staff_id: r.get(1)?,
        starts_on: r.get(2)?,
        ends_on: r.get(3)?,
        provider: r.get(4)?,
        title: r.get(5)?,
        hours: r.get(6)?,
        credits: r.get(7)?,
        certificate_no: r.get(8)?,
    })
}

/// External training that ended between `from` and `to` (inclusive).
pub fn external_between(
    conn: &Connection,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Result<Vec<ExternalTraining>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, staff_id, starts_on, ends_on, provider, title, hours, credits, certificate_no
         FROM external_training WHERE ends_on BETWEEN ?1 AND ?2 ORDER BY staff_id, ends_on, id",
    )?;
    Ok(stmt
        .query_map(params![from, to], external_row)?
        .collect::<rusqlite::Result<_>>()?)
}

/// One external course by id.
pub fn external_by_id(conn: &Connection, id: Id) -> Result<Option<ExternalTraining>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .prepare_cached(
            "SELECT id, staff_id, starts_on, ends_on, provider, title, hours, credits, certificate_no
             FROM external_training WHERE id = ?1",
        )?
        .query_row([id], external_row)
        .optional()?)
}

/// The next free id of one of the training tables (for audited inserts).
pub fn next_id(conn: &Connection, table: &str) -> Result<Id> {
    let sql = match table {
        "training_session" => "SELECT coalesce(max(id), 0) + 1 FROM training_session",
        "external_training" => "SELECT coalesce(max(id), 0) + 1 FROM external_training",
        "training_publication" => "SELECT coalesce(max(id), 0) + 1 FROM training_publication",
        "training_record" => "SELECT coalesce(max(id), 0) + 1 FROM training_record",
        other => return Err(super::invalid(format!("no id sequence for «{other}»"))),
    };
    Ok(conn.query_row(sql, [], |r| r.get(0))?)
}

/// The snapshot (JSON) of a plan's latest publication.
pub fn latest_publication(conn: &Connection, plan_id: Id) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row(
            "SELECT snapshot FROM training_publication WHERE plan_id = ?1 ORDER BY id DESC LIMIT 1",
            [plan_id],
            |r| r.get(0),
        )
        .optional()?)
}

/// Study-note characters and open lessons per teacher in a plan:
/// (staff id, kind, total amount).
pub fn record_totals(conn: &Connection, plan_id: Id) -> Result<Vec<(Id, String, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT staff_id, kind, sum(amount) FROM training_record WHERE plan_id = ?1
         GROUP BY staff_id, kind ORDER BY staff_id, kind",
    )?;
    Ok(stmt
        .query_map([plan_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?)
}
