//! Changing one of the school's settings: read, checked against every rule
//! (its range and the cross-field ones) and written in the caller's
//! transaction, audited. Run inside one IMMEDIATE transaction
//! (`Db::write`), no order of concurrent changes can store an invalid
//! combination: each reads what the other committed.

use serde_json::json;

use crate::domain::settings::Settings;
use crate::store::{self, Conn};

/// What a change did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changed {
    /// Stored as this text, with this audit entry.
    Set { stored: String, entry: i64 },
    /// It already had this value: nothing written.
    Already(String),
    /// Refused: why (nothing written).
    Refused(String),
}

/// Set `key` to `value` as `operator`.
pub fn set(tx: &Conn, operator: &str, key: &str, value: &str) -> store::Result<Changed> {
    let mut s = store::settings::load(tx)?;
    if let Err(e) = s.set(key, value) {
        return Ok(Changed::Refused(e.to_string()));
    }
    let stored = s.get(key).unwrap_or_default();
    let entry = store::audit::write_row(
        tx,
        operator,
        "set setting",
        "setting",
        json!({ "key": key }).as_object().expect("an object"),
        json!({
            "key": key,
            "value": stored,
            "description": Settings::describe(key).unwrap_or(""),
        })
        .as_object(),
    )?;
    Ok(match entry {
        Some(entry) => Changed::Set { stored, entry },
        None => Changed::Already(stored),
    })
}
