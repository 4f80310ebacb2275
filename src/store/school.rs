//! School, school years, reporting periods and holidays.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};

use super::{Result, invalid};
use crate::domain::text::nfc;
use crate::domain::{Holiday, HolidayKind, Id, Period, PeriodKind, School, SchoolYear, YearStatus};

pub fn set_school(conn: &Connection, s: &School) -> Result<()> {
    conn.execute(
        "INSERT INTO school (id, name, short_name, address, as_of) VALUES (1, ?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, short_name = excluded.short_name,
             address = excluded.address, as_of = excluded.as_of",
        params![nfc(&s.name), nfc(&s.short_name), nfc(&s.address), s.as_of],
    )?;
    Ok(())
}

pub fn school(conn: &Connection) -> Result<Option<School>> {
    Ok(conn
        .query_row(
            "SELECT name, short_name, address, as_of FROM school WHERE id = 1",
            [],
            |r| {
                Ok(School {
                    name: r.get(0)?,
                    short_name: r.get(1)?,
                    address: r.get(2)?,
                    as_of: r.get(3)?,
                })
            },
        )
        .optional()?)
}

pub fn insert_year(conn: &Connection, y: &SchoolYear) -> Result<Id> {
    if y.starts_on >= y.ends_on {
        return Err(invalid(format!(
            "school year {}: must start before it ends",
            y.label
        )));
    }
    // A year stored as closed (an archive being loaded) is closed now.
    let closed_at = (y.status == YearStatus::Closed).then(super::now);
    conn.execute(
        "INSERT INTO school_year (label, starts_on, ends_on, status, closed_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![nfc(&y.label), y.starts_on, y.ends_on, y.status.as_str(), closed_at],
    )?;
    Ok(conn.last_insert_rowid())
}

fn year_row(r: &rusqlite::Row) -> rusqlite::Result<SchoolYear> {
    Ok(SchoolYear {
        id: r.get(0)?,
        label: r.get(1)?,
        starts_on: r.get(2)?,
        ends_on: r.get(3)?,
        status: YearStatus::parse(&r.get::<_, String>(4)?).unwrap_or(YearStatus::Open),
    })
}

pub fn years(conn: &Connection) -> Result<Vec<SchoolYear>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, label, starts_on, ends_on, status FROM school_year ORDER BY starts_on",
    )?;
    Ok(stmt
        .query_map([], year_row)?
        .collect::<rusqlite::Result<_>>()?)
}

/// The year to work in on `today`: the open year containing it, else the
/// latest open year, else the latest year.
pub fn current_year(conn: &Connection, today: NaiveDate) -> Result<Option<SchoolYear>> {
    let years = years(conn)?;
    Ok(years
        .iter()
        .find(|y| y.status == YearStatus::Open && y.contains(today))
        .or_else(|| years.iter().rev().find(|y| y.status == YearStatus::Open))
        .or_else(|| years.last())
        .cloned())
}

pub fn insert_period(conn: &Connection, p: &Period) -> Result<Id> {
    conn.execute(
        "INSERT INTO period (year_id, kind, number, label, starts_on, ends_on) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![p.year_id, p.kind.as_str(), p.number, nfc(&p.label), p.starts_on, p.ends_on],
    )?;
    Ok(conn.last_insert_rowid())
}

fn period_row(r: &rusqlite::Row) -> rusqlite::Result<Period> {
    Ok(Period {
        id: r.get(0)?,
        year_id: r.get(1)?,
        kind: PeriodKind::parse(&r.get::<_, String>(2)?).unwrap_or(PeriodKind::Year),
        number: r.get(3)?,
        label: r.get(4)?,
        starts_on: r.get(5)?,
        ends_on: r.get(6)?,
    })
}

/// Periods of a year: quarters, then halves, then the year.
pub fn periods(conn: &Connection, year_id: Id) -> Result<Vec<Period>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, year_id, kind, number, label, starts_on, ends_on FROM period WHERE year_id = ?1
         ORDER BY CASE kind WHEN 'quarter' THEN 0 WHEN 'half' THEN 1 ELSE 2 END, number",
    )?;
    Ok(stmt
        .query_map([year_id], period_row)?
        .collect::<rusqlite::Result<_>>()?)
}

pub fn insert_holiday(conn: &Connection, h: &Holiday) -> Result<Id> {
    conn.execute(
        "INSERT INTO holiday (year_id, kind, label, starts_on, ends_on) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![h.year_id, h.kind.as_str(), nfc(&h.label), h.starts_on, h.ends_on],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn holidays(conn: &Connection, year_id: Id) -> Result<Vec<Holiday>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, year_id, kind, label, starts_on, ends_on FROM holiday WHERE year_id = ?1 ORDER BY starts_on",
    )?;
    Ok(stmt
        .query_map([year_id], |r| {
            Ok(Holiday {
                id: r.get(0)?,
                year_id: r.get(1)?,
                kind: HolidayKind::parse(&r.get::<_, String>(2)?).unwrap_or(HolidayKind::Holiday),
                label: r.get(3)?,
                starts_on: r.get(4)?,
                ends_on: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// The working date: the school's `as_of` date if set, else `today`.
pub fn working_date(conn: &Connection, today: NaiveDate) -> Result<NaiveDate> {
    Ok(school(conn)?.and_then(|s| s.as_of).unwrap_or(today))
}

/// The tables whose rows carry a global id (`uid`), in a fixed order.
pub const UID_TABLES: &[&str] = &[
    "school",
    "school_year",
    "period",
    "staff",
    "student",
    "enrolment",
    "class",
    "class_group",
    "guardian",
    "subject",
    "workload",
];

/// Replace the random global ids with ones derived from `seed`, the table
/// and the row id, so that a generated school (the demo) is the same
/// database byte for byte from the same seed. Real schools keep the
/// random UUIDs their rows get on insert.
pub fn derive_uids(conn: &Connection, seed: u64) -> Result<()> {
    for (i, t) in UID_TABLES.iter().enumerate() {
        conn.execute(
            &format!("UPDATE {t} SET uid = printf('%08x-%04x-4000-8000-%012x', ?1, ?2, rowid)"),
            rusqlite::params![(seed & 0xffff_ffff) as i64, i as i64],
        )?;
    }
    Ok(())
}
