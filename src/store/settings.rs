//! Settings repository: key/value rows mapped to [`Settings`].

use rusqlite::{Connection, params};

use super::{Result, StoreError};
use crate::domain::settings::Settings;

pub fn load(conn: &Connection) -> Result<Settings> {
    let mut stmt = conn.prepare_cached("SELECT key, value FROM setting")?;
    let pairs: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Settings::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(|e| StoreError::Invalid(format!("stored {e}")))
}

pub fn save(conn: &Connection, s: &Settings) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO setting (key, value, description) VALUES (?1, ?2, ?3)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, description = excluded.description",
    )?;
    for (key, value) in s.to_pairs() {
        stmt.execute(params![key, value, Settings::describe(key).unwrap_or("")])?;
    }
    Ok(())
}
