//! Generic row snapshots, so that every write can be audited with its old
//! and new value and undone by restoring the old row.
//!
//! A row is a JSON object of column → value, keyed by its primary key (also
//! a JSON object). Restoring uses an UPSERT on the primary key, never
//! `INSERT OR REPLACE` (which deletes first and would cascade to children).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use rusqlite::types::{Value as SqlValue, ValueRef};
use rusqlite::{Connection, params_from_iter};
use serde_json::{Map, Value};

use super::{Result, invalid};

/// A table's columns and which of them form the primary key.
#[derive(Debug, Clone)]
pub struct TableInfo {
    pub name: String,
    pub columns: Vec<String>,
    pub key: Vec<String>,
}

/// Table layouts already read, by database file, schema version and table:
/// a layout changes only with the schema (whose version SQLite counts in
/// `PRAGMA schema_version`), so each is read once per process, not once per
/// audited row.
type Layouts = HashMap<(String, i64, String), Arc<TableInfo>>;
static LAYOUTS: OnceLock<Mutex<Layouts>> = OnceLock::new();

/// Tables a generic write may touch: the application's own, by name.
pub fn table_info(conn: &Connection, table: &str) -> Result<Arc<TableInfo>> {
    let version: i64 = conn
        .prepare_cached("PRAGMA schema_version")?
        .query_row([], |r| r.get(0))?;
    let at = (
        conn.path().unwrap_or_default().to_string(),
        version,
        table.to_string(),
    );
    let layouts = LAYOUTS.get_or_init(Default::default);
    if let Some(info) = layouts.lock().ok().and_then(|m| m.get(&at).cloned()) {
        return Ok(info);
    }
    let info = Arc::new(read_table_info(conn, table)?);
    if let Ok(mut m) = layouts.lock() {
        m.insert(at, info.clone());
    }
    Ok(info)
}

fn read_table_info(conn: &Connection, table: &str) -> Result<TableInfo> {
    let exists: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1 AND name NOT LIKE 'sqlite_%'",
        [table],
        |r| r.get(0),
    )?;
    if exists == 0 {
        return Err(invalid(format!("no table «{table}»")));
    }
    let mut stmt = conn.prepare_cached(&format!("PRAGMA table_info(\"{table}\")"))?;
    let mut cols: Vec<(String, i64)> = stmt
        .query_map([], |r| Ok((r.get::<_, String>(1)?, r.get::<_, i64>(5)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let columns = cols.iter().map(|(c, _)| c.clone()).collect();
    cols.retain(|(_, pk)| *pk > 0);
    cols.sort_by_key(|(_, pk)| *pk);
    let key = cols.into_iter().map(|(c, _)| c).collect::<Vec<_>>();
    if key.is_empty() {
        return Err(invalid(format!("table «{table}» has no primary key")));
    }
    Ok(TableInfo {
        name: table.to_string(),
        columns,
        key,
    })
}

/// The rows a query returns, each as a JSON object of column → value (for
/// exports that hand a record over as it is stored).
pub fn query_json(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<Map<String, Value>>> {
    let mut st = conn.prepare(sql)?;
    let names: Vec<String> = st.column_names().map(str::to_string).collect();
    let mut rows = st.query(params)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let mut m = Map::new();
        for (i, c) in names.iter().enumerate() {
            m.insert(c.clone(), to_json(r.get_ref(i)?));
        }
        out.push(m);
    }
    Ok(out)
}

fn to_json(v: ValueRef) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::from(i),
        ValueRef::Real(f) => Value::from(f),
        ValueRef::Text(t) => Value::from(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::from(b.to_vec()),
    }
}

fn to_sql(v: &Value) -> SqlValue {
    match v {
        Value::Null => SqlValue::Null,
        Value::Bool(b) => SqlValue::Integer(*b as i64),
        Value::Number(n) => n.as_i64().map_or_else(
            || SqlValue::Real(n.as_f64().unwrap_or(0.0)),
            SqlValue::Integer,
        ),
        Value::String(s) => SqlValue::Text(s.clone()),
        other => SqlValue::Text(other.to_string()),
    }
}

fn where_key(info: &TableInfo) -> String {
    info.key
        .iter()
        .enumerate()
        .map(|(i, c)| format!("\"{c}\" = ?{}", i + 1))
        .collect::<Vec<_>>()
        .join(" AND ")
}

fn key_values(info: &TableInfo, key: &Map<String, Value>) -> Result<Vec<SqlValue>> {
    info.key
        .iter()
        .map(|c| {
            key.get(c)
                .map(to_sql)
                .ok_or_else(|| invalid(format!("{}: key column {c} missing", info.name)))
        })
        .collect()
}

/// The row with this primary key, if any.
pub fn snapshot(
    conn: &Connection,
    info: &TableInfo,
    key: &Map<String, Value>,
) -> Result<Option<Map<String, Value>>> {
    let cols = info
        .columns
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {cols} FROM \"{}\" WHERE {}",
        info.name,
        where_key(info)
    ))?;
    let mut rows = stmt.query(params_from_iter(key_values(info, key)?))?;
    match rows.next()? {
        None => Ok(None),
        Some(r) => {
            let mut m = Map::new();
            for (i, c) in info.columns.iter().enumerate() {
                m.insert(c.clone(), to_json(r.get_ref(i)?));
            }
            Ok(Some(m))
        }
    }
}

/// The primary key of a row.
pub fn key_of(info: &TableInfo, row: &Map<String, Value>) -> Map<String, Value> {
    info.key
        .iter()
        .map(|c| (c.clone(), row.get(c).cloned().unwrap_or(Value::Null)))
        .collect()
}

/// Make the row with this key be `row` (insert or update), or absent (`None`).
pub fn restore(
    conn: &Connection,
    info: &TableInfo,
    key: &Map<String, Value>,
    row: Option<&Map<String, Value>>,
) -> Result<()> {
    match row {
        None => {
            conn.prepare_cached(&format!(
                "DELETE FROM \"{}\" WHERE {}",
                info.name,
                where_key(info)
            ))?
            .execute(params_from_iter(key_values(info, key)?))?;
        }
        Some(row) => {
            let cols: Vec<&String> = info
                .columns
                .iter()
                .filter(|c| row.contains_key(*c))
                .collect();
            let names = cols
                .iter()
                .map(|c| format!("\"{c}\""))
                .collect::<Vec<_>>()
                .join(", ");
            let marks = (1..=cols.len())
                .map(|i| format!("?{i}"))
                .collect::<Vec<_>>()
                .join(", ");
            let updates: Vec<String> = cols
                .iter()
                .filter(|c| !info.key.contains(c))
                .map(|c| format!("\"{c}\" = excluded.\"{c}\""))
                .collect();
            let conflict = info
                .key
                .iter()
                .map(|c| format!("\"{c}\""))
                .collect::<Vec<_>>()
                .join(", ");
            let action = if updates.is_empty() {
                "NOTHING".to_string()
            } else {
                format!("UPDATE SET {}", updates.join(", "))
            };
            let sql = format!(
                "INSERT INTO \"{}\" ({names}) VALUES ({marks}) ON CONFLICT ({conflict}) DO {action}",
                info.name
            );
            conn.prepare_cached(&sql)?.execute(params_from_iter(
                cols.iter().map(|c| to_sql(&row[c.as_str()])),
            ))?;
        }
    }
    Ok(())
}
