//! Programmes, tasks, indicator periods, indicators, targets and actual
//! values.

use rusqlite::{Connection, OptionalExtension, params};

use super::Result;
use crate::domain::Id;
use crate::domain::indicators::{
    ActualValue, Direction, Indicator, IndicatorPeriod, Programme, ProgrammeTask, Source, Unit,
};
use crate::domain::text::nfc;

pub fn insert_programme(conn: &Connection, p: &Programme) -> Result<Id> {
    conn.prepare_cached(
        "INSERT INTO programme (name, owner, starts_on, ends_on) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![nfc(&p.name), nfc(&p.owner), p.starts_on, p.ends_on])?;
    Ok(conn.last_insert_rowid())
}

pub fn programmes(conn: &Connection) -> Result<Vec<Programme>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, owner, starts_on, ends_on FROM programme ORDER BY starts_on, id",
    )?;
    Ok(stmt
        .query_map([], |r| {
            Ok(Programme {
                id: r.get(0)?,
                name: r.get(1)?,
                owner: r.get(2)?,
                starts_on: r.get(3)?,
                ends_on: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

pub fn insert_task(conn: &Connection, t: &ProgrammeTask) -> Result<Id> {
    conn.prepare_cached(
        "INSERT INTO programme_task (programme_id, seq, name) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![t.programme_id, t.seq, nfc(&t.name)])?;
    Ok(conn.last_insert_rowid())
}

pub fn tasks(conn: &Connection, programme_id: Id) -> Result<Vec<ProgrammeTask>> {
    let mut stmt =
        conn.prepare_cached("SELECT id, programme_id, seq, name FROM programme_task WHERE programme_id = ?1 ORDER BY seq")?;
    Ok(stmt
        .query_map([programme_id], |r| {
            Ok(ProgrammeTask {
                id: r.get(0)?,
                programme_id: r.get(1)?,
                seq: r.get(2)?,
                name: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

pub fn insert_period(conn: &Connection, p: &IndicatorPeriod) -> Result<Id> {
    conn.prepare_cached("INSERT INTO indicator_period (programme_id, label, starts_on, ends_on) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![p.programme_id, nfc(&p.label), p.starts_on, p.ends_on])?;
    Ok(conn.last_insert_rowid())
}

pub fn periods(conn: &Connection, programme_id: Id) -> Result<Vec<IndicatorPeriod>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, programme_id, label, starts_on, ends_on FROM indicator_period WHERE programme_id = ?1 ORDER BY starts_on",
    )?;
    Ok(stmt
        .query_map([programme_id], |r| {
            Ok(IndicatorPeriod {
                id: r.get(0)?,
                programme_id: r.get(1)?,
                label: r.get(2)?,
                starts_on: r.get(3)?,
                ends_on: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

pub fn insert_indicator(conn: &Connection, i: &Indicator) -> Result<Id> {
    conn.prepare_cached(
        "INSERT INTO indicator (task_id, seq, name, unit, direction, metric, metric_params) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![i.task_id, i.seq, nfc(&i.name), i.unit.as_str(), i.direction.as_str(), i.metric, i.metric_params])?;
    Ok(conn.last_insert_rowid())
}

/// Bind an indicator to a metric (unaudited: for imports and the demo;
/// the services write through the audit log).
pub fn set_metric(
    conn: &Connection,
    indicator_id: Id,
    metric: Option<&str>,
    params: Option<&str>,
) -> Result<()> {
    conn.prepare_cached("UPDATE indicator SET metric = ?2, metric_params = ?3 WHERE id = ?1")?
        .execute(params![indicator_id, metric, params])?;
    Ok(())
}

/// Every indicator of a programme, by task and number.
pub fn indicators(conn: &Connection, programme_id: Id) -> Result<Vec<Indicator>> {
    let mut stmt = conn.prepare_cached(
        "SELECT i.id, i.task_id, i.seq, i.name, i.unit, i.direction, i.metric, i.metric_params
         FROM indicator i JOIN programme_task t ON t.id = i.task_id
         WHERE t.programme_id = ?1 ORDER BY t.seq, i.seq",
    )?;
    Ok(stmt
        .query_map([programme_id], |r| {
            Ok(Indicator {
                id: r.get(0)?,
                task_id: r.get(1)?,
                seq: r.get(2)?,
                name: r.get(3)?,
                unit: Unit::parse(&r.get::<_, String>(4)?).unwrap_or(Unit::Count),
                direction: Direction::parse(&r.get::<_, String>(5)?).unwrap_or(Direction::Higher),
                metric: r.get(6)?,
                metric_params: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

pub fn set_target(conn: &Connection, indicator_id: Id, period_id: Id, target: f64) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO indicator_target (indicator_id, period_id, target) VALUES (?1, ?2, ?3)
         ON CONFLICT (indicator_id, period_id) DO UPDATE SET target = excluded.target",
    )?
    .execute(params![indicator_id, period_id, target])?;
    Ok(())
}

/// (indicator, period, target) for a programme.
pub fn targets(conn: &Connection, programme_id: Id) -> Result<Vec<(Id, Id, f64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT it.indicator_id, it.period_id, it.target FROM indicator_target it
         JOIN indicator_period p ON p.id = it.period_id WHERE p.programme_id = ?1",
    )?;
    Ok(stmt
        .query_map([programme_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?)
}

pub fn insert_actual(conn: &Connection, a: &ActualValue) -> Result<Id> {
    conn.prepare_cached(
        "INSERT INTO indicator_actual (indicator_id, period_id, measured_on, value, source, evidence, entered_by, entered_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        a.indicator_id,
        a.period_id,
        a.measured_on,
        a.value,
        a.source.as_str(),
        nfc(&a.evidence),
        a.entered_by,
        a.entered_at
    ])?;
    Ok(conn.last_insert_rowid())
}

fn programme_row(r: &rusqlite::Row) -> rusqlite::Result<Programme> {
    Ok(Programme {
        id: r.get(0)?,
        name: r.get(1)?,
        owner: r.get(2)?,
        starts_on: r.get(3)?,
        ends_on: r.get(4)?,
    })
}

pub fn programme(conn: &Connection, id: Id) -> Result<Option<Programme>> {
    Ok(conn
        .prepare_cached("SELECT id, name, owner, starts_on, ends_on FROM programme WHERE id = ?1")?
        .query_row([id], programme_row)
        .optional()?)
}

fn indicator_row(r: &rusqlite::Row) -> rusqlite::Result<Indicator> {
    Ok(Indicator {
        id: r.get(0)?,
        task_id: r.get(1)?,
        seq: r.get(2)?,
        name: r.get(3)?,
        unit: Unit::parse(&r.get::<_, String>(4)?).unwrap_or(Unit::Count),
        direction: Direction::parse(&r.get::<_, String>(5)?).unwrap_or(Direction::Higher),
        metric: r.get(6)?,
        metric_params: r.get(7)?,
    })
}

/// One indicator with the id of its programme.
pub fn indicator(conn: &Connection, id: Id) -> Result<Option<(Indicator, Id)>> {
    Ok(conn
        .prepare_cached(
            "SELECT i.id, i.task_id, i.seq, i.name, i.unit, i.direction, i.metric, i.metric_params, t.programme_id
             FROM indicator i JOIN programme_task t ON t.id = i.task_id WHERE i.id = ?1",
        )?
        .query_row([id], |r| Ok((indicator_row(r)?, r.get(8)?)))
        .optional()?)
}

fn actual_row(r: &rusqlite::Row) -> rusqlite::Result<ActualValue> {
    Ok(ActualValue {
        id: r.get(0)?,
        indicator_id: r.get(1)?,
        period_id: r.get(2)?,
        measured_on: r.get(3)?,
        value: r.get(4)?,
        source: Source::parse(&r.get::<_, String>(5)?).unwrap_or(Source::Entered),
        evidence: r.get(6)?,
        entered_by: r.get(7)?,
        entered_at: r.get(8)?,
    })
}

const ACTUAL_COLS: &str =
    "id, indicator_id, period_id, measured_on, value, source, evidence, entered_by, entered_at";

/// Every actual value of an indicator, newest first.
pub fn actuals(conn: &Connection, indicator_id: Id) -> Result<Vec<ActualValue>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ACTUAL_COLS} FROM indicator_actual WHERE indicator_id = ?1 ORDER BY measured_on DESC, id DESC"
    ))?;
    Ok(stmt
        .query_map([indicator_id], actual_row)?
        .collect::<rusqlite::Result<_>>()?)
}

pub fn actual(conn: &Connection, id: Id) -> Result<Option<ActualValue>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {ACTUAL_COLS} FROM indicator_actual WHERE id = ?1"
        ))?
        .query_row([id], actual_row)
        .optional()?)
}

/// The id the next actual value gets.
pub fn next_actual_id(conn: &Connection) -> Result<Id> {
    Ok(conn.query_row(
        "SELECT coalesce(max(id), 0) + 1 FROM indicator_actual",
        [],
        |r| r.get(0),
    )?)
}

/// The latest actual value of every indicator and period of a programme.
pub fn latest_actuals(conn: &Connection, programme_id: Id) -> Result<Vec<ActualValue>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.indicator_id, a.period_id, a.measured_on, a.value, a.source, a.evidence, a.entered_by, a.entered_at
         FROM indicator_actual a JOIN indicator_period p ON p.id = a.period_id
         WHERE p.programme_id = ?1 AND a.id = (
             SELECT b.id FROM indicator_actual b WHERE b.indicator_id = a.indicator_id AND b.period_id = a.period_id
             ORDER BY b.measured_on DESC, b.id DESC LIMIT 1)
         ORDER BY a.indicator_id, p.starts_on",
    )?;
    Ok(stmt
        .query_map([programme_id], actual_row)?
        .collect::<rusqlite::Result<_>>()?)
}
