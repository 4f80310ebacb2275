//! Append-only migrations keyed by `PRAGMA user_version`. Never edit a
//! shipped migration: add the next one to [`MIGRATIONS`].

use rusqlite::{Connection, TransactionBehavior};

use super::{Result, reference};

/// Each migration's SQL; migration N (1-based) brings the schema to version N.
const MIGRATIONS: &[&str] = &[include_str!("migrations/0001_init.sql")];

pub fn latest() -> i64 {
    MIGRATIONS.len() as i64
}

/// Apply the missing migrations, each in its own IMMEDIATE transaction. A
/// new database also gets the reference data of `data/` in the first one.
pub fn apply(conn: &mut Connection) -> Result<()> {
    loop {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Re-read inside the lock: another process may have migrated.
        let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version >= latest() {
            return Ok(());
        }
        tx.execute_batch(MIGRATIONS[version as usize])?;
        if version == 0 {
            reference::load_defaults(&tx)?;
        }
        tx.pragma_update(None, "user_version", version + 1)?;
        tx.commit()?;
    }
}
