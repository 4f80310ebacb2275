//! The audit log: every write records who, when, what, the old value and
//! the new value (JSON), in the same transaction as the write.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde_json::Value;

use super::{Result, now};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub operator: String,
    pub action: String,
    pub entity: String,
    pub entity_key: String,
    pub old_value: Option<Value>,
    pub new_value: Option<Value>,
    pub undo_of: Option<i64>,
}

/// Record one change. `old`/`new` are `None` for a creation/deletion.
pub fn record(
    conn: &Connection,
    operator: &str,
    action: &str,
    entity: &str,
    entity_key: &str,
    old: Option<&Value>,
    new: Option<&Value>,
) -> Result<i64> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO audit_log (at, operator, action, entity, entity_key, old_value, new_value)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    stmt.execute(params![
        now(),
        operator,
        action,
        entity,
        entity_key,
        old.map(Value::to_string),
        new.map(Value::to_string)
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Link an entry to the entry it undid.
pub fn mark_undo(conn: &Connection, entry: i64, undo_of: i64) -> Result<()> {
    conn.execute(
        "UPDATE audit_log SET undo_of = ?2 WHERE id = ?1",
        params![entry, undo_of],
    )?;
    Ok(())
}

fn parse(v: Option<String>) -> Option<Value> {
    v.and_then(|s| serde_json::from_str(&s).ok())
}

fn row(r: &rusqlite::Row) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        id: r.get(0)?,
        at: r.get(1)?,
        operator: r.get(2)?,
        action: r.get(3)?,
        entity: r.get(4)?,
        entity_key: r.get(5)?,
        old_value: parse(r.get(6)?),
        new_value: parse(r.get(7)?),
        undo_of: r.get(8)?,
    })
}

const COLS: &str = "id, at, operator, action, entity, entity_key, old_value, new_value, undo_of";

/// The newest entries first.
pub fn recent(conn: &Connection, limit: usize) -> Result<Vec<AuditEntry>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLS} FROM audit_log ORDER BY id DESC LIMIT ?1"
    ))?;
    Ok(stmt
        .query_map([limit as i64], row)?
        .collect::<rusqlite::Result<_>>()?)
}

pub fn get(conn: &Connection, id: i64) -> Result<Option<AuditEntry>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLS} FROM audit_log WHERE id = ?1"))?;
    Ok(stmt.query_row([id], row).optional()?)
}

pub fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))?)
}

/// An item of the review list that an operator acknowledged (`review_ack`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewAck {
    pub rule_id: String,
    pub item_key: String,
    pub note: String,
    pub acked_by: String,
    pub acked_at: String,
}

/// Acknowledged review items, newest first, at most `limit`.
pub fn review_acks(conn: &Connection, limit: usize) -> Result<Vec<ReviewAck>> {
    let mut stmt = conn.prepare_cached(
        "SELECT rule_id, item_key, note, acked_by, acked_at FROM review_ack
         ORDER BY acked_at DESC, rule_id, item_key LIMIT ?1",
    )?;
    Ok(stmt
        .query_map([limit as i64], |r| {
            Ok(ReviewAck {
                rule_id: r.get(0)?,
                item_key: r.get(1)?,
                note: r.get(2)?,
                acked_by: r.get(3)?,
                acked_at: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// How many review items have been acknowledged.
pub fn review_ack_count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM review_ack", [], |r| r.get(0))?)
}
