//! Settings repository: key/value rows mapped to [`Settings`].

use rusqlite::{Connection, params};

use super::Result;
use crate::domain::settings::{Settings, StoredProblem};

/// The school's settings. A stored value that is not valid keeps its
/// default (see [`problems`]): nothing stops working because of one.
pub fn load(conn: &Connection) -> Result<Settings> {
    Ok(load_checked(conn)?.0)
}

/// The stored values that are not valid, each with the value used instead
/// and the way to repair it (`check` and `settings show` report them).
pub fn problems(conn: &Connection) -> Result<Vec<StoredProblem>> {
    Ok(load_checked(conn)?.1)
}

fn load_checked(conn: &Connection) -> Result<(Settings, Vec<StoredProblem>)> {
    let mut stmt = conn.prepare_cached("SELECT key, value FROM setting")?;
    let pairs: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Settings::from_stored(
        pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    ))
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
