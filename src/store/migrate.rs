//! Append-only migrations keyed by `PRAGMA user_version`. Never edit a
//! shipped migration: add the next one to [`MIGRATIONS`].

use rusqlite::{Connection, TransactionBehavior};

use super::{Result, reference};

/// Each migration's SQL; migration N (1-based) brings the schema to version N.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_setup.sql"),
    include_str!("migrations/0003_written_forms.sql"),
    include_str!("migrations/0004_status_keys.sql"),
    include_str!("migrations/0005_online.sql"),
    include_str!("migrations/0006_absence_one_record.sql"),
    include_str!("migrations/0007_roles.sql"),
    include_str!("migrations/0008_audit_chain.sql"),
    include_str!("migrations/0009_review_indexes.sql"),
];

/// The migration after which the written works of `data/control_forms.csv`
/// are marked (`reference::set_written_forms`).
const WRITTEN_FORMS: i64 = 3;

/// The migration after which the audit log is a hash chain: the entries
/// already there are sealed and the log made append-only
/// (`audit::seal_existing`).
const AUDIT_CHAIN: i64 = 8;

/// A migration that rebuilds a table others refer to says so with this
/// line: it runs with foreign keys off (SQLite's table-rebuild procedure;
/// the pragma has no effect inside a transaction) and commits only if
/// `PRAGMA foreign_key_check` then finds nothing.
const FOREIGN_KEYS_OFF: &str = "-- foreign_keys: off";

pub fn latest() -> i64 {
    MIGRATIONS.len() as i64
}

/// Apply the missing migrations, each in its own IMMEDIATE transaction. A
/// new database also gets the reference data of `data/` in the first one.
pub fn apply(conn: &mut Connection) -> Result<()> {
    apply_up_to(conn, latest())
}

/// Apply the migrations up to schema version `target` (tests use it to make
/// a database as an older classbook left it).
pub fn apply_up_to(conn: &mut Connection, target: i64) -> Result<()> {
    let target = target.min(latest());
    loop {
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version >= target {
            return Ok(());
        }
        let fk_off = MIGRATIONS[version as usize].contains(FOREIGN_KEYS_OFF);
        if fk_off {
            conn.execute_batch("PRAGMA foreign_keys = OFF")?;
        }
        let out = step(conn);
        if fk_off {
            conn.execute_batch("PRAGMA foreign_keys = ON")?;
        }
        out?;
    }
}

/// Apply the next migration, if another process has not already.
fn step(conn: &mut Connection) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Re-read inside the lock: another process may have migrated.
    let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version >= latest() {
        return Ok(());
    }
    let sql = MIGRATIONS[version as usize];
    tx.execute_batch(sql)?;
    if version == 0 {
        reference::load_defaults(&tx)?;
    }
    if version + 1 == WRITTEN_FORMS {
        reference::set_written_forms(&tx, reference::CONTROL_FORMS_CSV)?;
    }
    if version + 1 == AUDIT_CHAIN {
        super::audit::seal_existing(&tx)?;
    }
    if sql.contains(FOREIGN_KEYS_OFF) {
        let broken: i64 =
            tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })?;
        if broken > 0 {
            return Err(super::invalid(format!(
                "migration {} would leave {broken} rows referring to rows that do not exist",
                version + 1
            )));
        }
    }
    tx.pragma_update(None, "user_version", version + 1)?;
    tx.commit()?;
    Ok(())
}
