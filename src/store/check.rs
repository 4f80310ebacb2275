//! `classbook check`: integrity, foreign keys, schema version, row counts.

use rusqlite::Connection;
use serde::Serialize;

use super::{Result, migrate};

#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    pub schema_version: i64,
    pub supported_version: i64,
    pub integrity: Vec<String>,
    pub foreign_key_violations: Vec<String>,
    pub tables: Vec<(String, i64)>,
    /// Tables whose rows could not be counted (a damaged page), with why.
    pub unreadable: Vec<String>,
    /// Entries of the audit log changed, removed or inserted after they were
    /// written (its hash chain broken), or why it could not be checked.
    pub audit_chain: Vec<String>,
    /// Stored settings that are not valid (the defaults are used), with the
    /// way to repair each.
    pub settings: Vec<String>,
}

impl CheckReport {
    pub fn ok(&self) -> bool {
        self.schema_version == self.supported_version
            && self.integrity == ["ok"]
            && self.foreign_key_violations.is_empty()
            && self.unreadable.is_empty()
            && self.audit_chain.is_empty()
            && self.settings.is_empty()
    }
}

/// Check everything it can: a damaged file is reported part by part (what
/// SQLite could not read is named), never as one bare error.
pub fn run(conn: &Connection) -> Result<CheckReport> {
    let schema_version = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let integrity = conn
        .prepare("PRAGMA integrity_check")
        .and_then(|mut st| {
            st.query_map([], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .unwrap_or_else(|e| vec![format!("the check itself failed: {e}")]);
    let foreign_key_violations = conn
        .prepare("PRAGMA foreign_key_check")
        .and_then(|mut st| {
            st.query_map([], |r| {
                Ok(format!(
                    "{} row {} → {}",
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<i64>>(1)?
                        .map_or("?".into(), |v| v.to_string()),
                    r.get::<_, String>(2)?
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()
        })
        .unwrap_or_else(|e| vec![format!("could not be checked: {e}")]);
    let names = table_names(conn)?;
    let mut tables = Vec::with_capacity(names.len());
    let mut unreadable = Vec::new();
    for name in names {
        match conn.query_row(&format!("SELECT count(*) FROM \"{name}\""), [], |r| {
            r.get::<_, i64>(0)
        }) {
            Ok(n) => tables.push((name, n)),
            Err(e) => {
                unreadable.push(format!("{name}: {e}"));
                tables.push((name, -1));
            }
        }
    }
    let audit_chain = if schema_version >= 7 {
        super::audit::verify(conn, 5)
            .unwrap_or_else(|e| vec![format!("the audit log could not be read: {e}")])
    } else {
        vec![]
    };
    let settings = super::settings::problems(conn)
        .map(|p| p.iter().map(ToString::to_string).collect())
        .unwrap_or_else(|e| vec![format!("the settings could not be read: {e}")]);
    Ok(CheckReport {
        settings,
        audit_chain,
        schema_version,
        supported_version: migrate::latest(),
        integrity,
        foreign_key_violations,
        tables,
        unreadable,
    })
}

/// The application's tables, in name order.
pub fn table_names(conn: &Connection) -> Result<Vec<String>> {
    Ok(conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}
