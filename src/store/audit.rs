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
    let (prev_id, prev_hash): (i64, Option<String>) = conn
        .prepare_cached("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .unwrap_or((0, None));
    let fields = Sealed {
        id: prev_id + 1,
        at: now(),
        operator: operator.to_string(),
        action: action.to_string(),
        entity: entity.to_string(),
        entity_key: entity_key.to_string(),
        old_value: old.map(Value::to_string),
        new_value: new.map(Value::to_string),
    };
    let hash = fields.hash(prev_hash.as_deref());
    let mut stmt = conn.prepare_cached(
        "INSERT INTO audit_log (id, at, operator, action, entity, entity_key, old_value, new_value, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    stmt.execute(params![
        fields.id,
        fields.at,
        fields.operator,
        fields.action,
        fields.entity,
        fields.entity_key,
        fields.old_value,
        fields.new_value,
        hash
    ])?;
    Ok(fields.id)
}

/// The fields of an entry its hash covers (all but `undo_of`, a link set
/// just after).
struct Sealed {
    id: i64,
    at: String,
    operator: String,
    action: String,
    entity: String,
    entity_key: String,
    old_value: Option<String>,
    new_value: Option<String>,
}

impl Sealed {
    /// SHA-256 of the previous entry's hash and this entry's fields, in hex.
    fn hash(&self, prev: Option<&str>) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        let mut field = |s: Option<&str>| {
            // Length-prefixed, so that no two entries hash the same input.
            match s {
                None => h.update(b"-"),
                Some(s) => {
                    h.update(s.len().to_string().as_bytes());
                    h.update(b":");
                    h.update(s.as_bytes());
                }
            }
        };
        field(prev);
        field(Some(&self.id.to_string()));
        field(Some(&self.at));
        field(Some(&self.operator));
        field(Some(&self.action));
        field(Some(&self.entity));
        field(Some(&self.entity_key));
        field(self.old_value.as_deref());
        field(self.new_value.as_deref());
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    fn read(r: &rusqlite::Row) -> rusqlite::Result<(Sealed, Option<String>)> {
        Ok((
            Sealed {
                id: r.get(0)?,
                at: r.get(1)?,
                operator: r.get(2)?,
                action: r.get(3)?,
                entity: r.get(4)?,
                entity_key: r.get(5)?,
                old_value: r.get(6)?,
                new_value: r.get(7)?,
            },
            r.get(8)?,
        ))
    }
}

const SEALED_COLS: &str =
    "id, at, operator, action, entity, entity_key, old_value, new_value, hash";

/// The triggers that keep the log append-only: an entry's fields cannot be
/// changed (only the `undo_of` link is set, once) nor the entry removed.
/// Someone with the file and sqlite3 can drop them; the hash chain then
/// still tells (`verify`).
const APPEND_ONLY: &str = "
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OF id, at, operator, action, entity,
    entity_key, old_value, new_value, hash ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: an entry cannot be changed'); END;
CREATE TRIGGER audit_log_no_removal BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: an entry cannot be removed'); END;
";

/// Seal the entries an older classbook wrote (in id order), then make the
/// log append-only: the migration to the hash chain.
pub fn seal_existing(conn: &Connection) -> Result<()> {
    let rows: Vec<(Sealed, Option<String>)> = conn
        .prepare(&format!("SELECT {SEALED_COLS} FROM audit_log ORDER BY id"))?
        .query_map([], Sealed::read)?
        .collect::<rusqlite::Result<_>>()?;
    let mut prev: Option<String> = None;
    let mut update = conn.prepare("UPDATE audit_log SET hash = ?2 WHERE id = ?1")?;
    for (e, _) in rows {
        let h = e.hash(prev.as_deref());
        update.execute(params![e.id, h])?;
        prev = Some(h);
    }
    conn.execute_batch(APPEND_ONLY)?;
    Ok(())
}

/// Check the hash chain: every entry's hash must be that of its fields and
/// the entry before it. Returns what is wrong, first problems first (at
/// most `limit` lines, then a count): an entry changed, removed or
/// inserted afterwards breaks the chain from there on.
pub fn verify(conn: &Connection, limit: usize) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!("SELECT {SEALED_COLS} FROM audit_log ORDER BY id"))?;
    let mut rows = stmt.query([])?;
    let mut prev: Option<String> = None;
    let mut prev_id = 0;
    let mut problems = vec![];
    let mut more = 0;
    while let Some(r) = rows.next()? {
        let (e, stored) = Sealed::read(r)?;
        let what = if e.id != prev_id + 1 && prev_id > 0 {
            Some(if e.id == prev_id + 2 {
                format!(
                    "entry {} is missing (removed after it was written)",
                    prev_id + 1
                )
            } else {
                format!(
                    "entries {}–{} are missing (removed after they were written)",
                    prev_id + 1,
                    e.id - 1
                )
            })
        } else if stored.as_deref() != Some(e.hash(prev.as_deref()).as_str()) {
            Some(format!(
                "entry {} ({} by {} at {}) does not match its seal: changed after it was written",
                e.id, e.action, e.operator, e.at
            ))
        } else {
            None
        };
        if let Some(w) = what {
            if problems.len() < limit {
                problems.push(w);
            } else {
                more += 1;
            }
        }
        prev = stored;
        prev_id = e.id;
    }
    if more > 0 {
        problems.push(format!("… and {more} more"));
    }
    Ok(problems)
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

pub(crate) fn row(r: &rusqlite::Row) -> rusqlite::Result<AuditEntry> {
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

pub(crate) const COLS: &str =
    "id, at, operator, action, entity, entity_key, old_value, new_value, undo_of";

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

/// The newest entry's id (0 on an empty log): what a screen has seen.
pub fn last_id(conn: &Connection) -> Result<i64> {
    Ok(
        conn.query_row("SELECT coalesce(max(id), 0) FROM audit_log", [], |r| {
            r.get(0)
        })?,
    )
}

/// The newest change, after entry `since`, to a student's marks or
/// attendance at a lesson: someone else's write to a journal cell since
/// the screen read it (no write may silently replace it).
pub fn cell_changed_since(
    conn: &Connection,
    since: i64,
    lesson_id: i64,
    student_id: i64,
) -> Result<Option<AuditEntry>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLS} FROM audit_log
         WHERE id > ?1 AND entity IN ('mark', 'attendance')
           AND json_extract(coalesce(new_value, old_value), '$.lesson_id') = ?2
           AND json_extract(coalesce(new_value, old_value), '$.student_id') = ?3
         ORDER BY id DESC LIMIT 1"
    ))?;
    Ok(stmt
        .query_row(rusqlite::params![since, lesson_id, student_id], row)
        .optional()?)
}

/// An entry another writer made after `seen` (what the writer's screen had
/// read) and before `since` (the start of the writer's transaction) to a row
/// the writer's transaction changed too (entries after `since`): the write
/// would replace it unseen. The newest such entry.
pub fn changed_under(conn: &Connection, seen: i64, since: i64) -> Result<Option<AuditEntry>> {
    if seen >= since {
        return Ok(None);
    }
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {} FROM audit_log o
         WHERE o.id > ?1 AND o.id <= ?2
           AND EXISTS (SELECT 1 FROM audit_log n
                       WHERE n.id > ?2 AND n.entity = o.entity AND n.entity_key = o.entity_key)
         ORDER BY o.id DESC LIMIT 1",
        COLS.split(", ")
            .map(|c| format!("o.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    ))?;
    Ok(stmt
        .query_row(rusqlite::params![seen, since], row)
        .optional()?)
}

/// What an entry changed, in a few words: "target 0.35 → 0.77", "removed",
/// "added" (the first three fields that differ).
pub fn what_changed(e: &AuditEntry) -> String {
    let short = |v: &Value| {
        let t = match v {
            Value::String(s) => s.clone(),
            Value::Null => "—".to_string(),
            other => other.to_string(),
        };
        if t.chars().count() > 24 {
            format!("{}…", t.chars().take(23).collect::<String>())
        } else {
            t
        }
    };
    match (&e.old_value, &e.new_value) {
        (Some(Value::Object(old)), Some(Value::Object(new))) => {
            let diffs: Vec<String> = new
                .iter()
                .filter(|(k, v)| {
                    old.get(*k) != Some(*v) && !k.ends_with("_at") && !k.ends_with("_by")
                })
                .take(3)
                .map(|(k, v)| {
                    let was = old.get(k).map_or("—".to_string(), short);
                    format!("{} {was} → {}", k.replace('_', " "), short(v))
                })
                .collect();
            if diffs.is_empty() {
                "changed".into()
            } else {
                diffs.join(", ")
            }
        }
        (None, Some(_)) => "added".into(),
        (Some(_), None) => "removed".into(),
        _ => "changed".into(),
    }
}

/// The newest entry about one row (`entity`, `entity_key` as recorded).
pub fn last_change(
    conn: &Connection,
    entity: &str,
    entity_key: &str,
) -> Result<Option<AuditEntry>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLS} FROM audit_log WHERE entity = ?1 AND entity_key = ?2 ORDER BY id DESC LIMIT 1"
    ))?;
    Ok(stmt
        .query_row(rusqlite::params![entity, entity_key], row)
        .optional()?)
}

pub fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))?)
}

/// A change to one row, recorded so that it can be shown and undone.
#[derive(Debug, Clone, PartialEq)]
pub struct RowChange {
    pub table: String,
    pub key: serde_json::Map<String, Value>,
    pub old: Option<serde_json::Map<String, Value>>,
    pub new: Option<serde_json::Map<String, Value>>,
}

/// Write `new` (or delete, with `None`) as the row of `table` with `key`,
/// recording the old and new row in the audit log in the same transaction.
/// Returns the audit entry's id; nothing is recorded when nothing changed.
pub fn write_row(
    conn: &Connection,
    operator: &str,
    action: &str,
    table: &str,
    key: &serde_json::Map<String, Value>,
    new: Option<&serde_json::Map<String, Value>>,
) -> Result<Option<i64>> {
    let info = super::rows::table_info(conn, table)?;
    let old = super::rows::snapshot(conn, &info, key)?;
    // Columns `new` leaves out keep their value. (Merged here rather than
    // left to the UPSERT: SQLite checks NOT NULL before the conflict, so a
    // partial row would fail on an existing row's required columns.)
    let merged = match (&old, new) {
        (Some(old), Some(new)) => {
            let mut m = old.clone();
            for (k, v) in new {
                m.insert(k.clone(), v.clone());
            }
            Some(m)
        }
        _ => None,
    };
    super::rows::restore(conn, &info, key, merged.as_ref().or(new))?;
    // Read back what the database holds (defaults and normalisation applied).
    let stored = super::rows::snapshot(conn, &info, key)?;
    if stored == old {
        return Ok(None);
    }
    let id = record(
        conn,
        operator,
        action,
        table,
        &Value::Object(key.clone()).to_string(),
        old.map(Value::Object).as_ref(),
        stored.map(Value::Object).as_ref(),
    )?;
    Ok(Some(id))
}

/// The row change an audit entry describes, if it describes one.
pub fn row_change(entry: &AuditEntry) -> Option<RowChange> {
    let key = serde_json::from_str::<Value>(&entry.entity_key)
        .ok()?
        .as_object()?
        .clone();
    let obj = |v: &Option<Value>| v.as_ref().and_then(|v| v.as_object().cloned());
    Some(RowChange {
        table: entry.entity.clone(),
        key,
        old: obj(&entry.old_value),
        new: obj(&entry.new_value),
    })
}

/// Undo an audited row change: put the old row back, if the row is still as
/// that change left it (otherwise someone changed it since, and undoing
/// would lose their work). The undo is itself audited and linked.
pub fn undo(conn: &Connection, operator: &str, entry_id: i64) -> Result<i64> {
    let entry = get(conn, entry_id)?
        .ok_or_else(|| super::StoreError::NotFound(format!("audit entry {entry_id}")))?;
    let change = row_change(&entry).ok_or_else(|| {
        super::invalid(format!(
            "audit entry {entry_id} is not a row change and cannot be undone"
        ))
    })?;
    let info = super::rows::table_info(conn, &change.table)?;
    let current = super::rows::snapshot(conn, &info, &change.key)?;
    if current != change.new {
        return Err(super::invalid(format!(
            "{} was changed again after entry {entry_id}; undo the later change first",
            change.table
        )));
    }
    super::rows::restore(conn, &info, &change.key, change.old.as_ref())?;
    let id = record(
        conn,
        operator,
        &format!("undo {}", entry.action),
        &change.table,
        &entry.entity_key,
        change.new.map(Value::Object).as_ref(),
        change.old.map(Value::Object).as_ref(),
    )?;
    mark_undo(conn, id, entry_id)?;
    Ok(id)
}

/// Undo a group of entries written by one user action (one transaction),
/// newest first, so that the action is undone as a whole. Returns the new
/// undo entries in the order they were written (oldest first), which
/// `undo_group` again will redo newest first: a student's stay is put
/// back after the student it refers to.
pub fn undo_group(conn: &Connection, operator: &str, entries: &[i64]) -> Result<Vec<i64>> {
    let mut undone = Vec::with_capacity(entries.len());
    for id in entries.iter().rev() {
        undone.push(undo(conn, operator, *id)?);
    }
    Ok(undone)
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
