//! Opening a database: every bad-database case gets its own error, and
//! nothing is written to a file that is refused. Files are private (0600).

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

use classbook::store::{self, OpenError, OpenMode, OpenOptions, migrate};

fn create() -> OpenOptions {
    OpenOptions {
        mode: OpenMode::Create,
        ..OpenOptions::default()
    }
}

fn existing() -> OpenOptions {
    OpenOptions {
        busy_timeout: Duration::from_millis(200),
        ..OpenOptions::default()
    }
}

/// The file's bytes, and whether -wal/-shm companions exist.
fn snapshot(path: &Path) -> (Vec<u8>, bool, bool) {
    let side = |s: &str| Path::new(&format!("{}{s}", path.display())).exists();
    (fs::read(path).unwrap(), side("-wal"), side("-shm"))
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_new_database_is_migrated_with_reference_data_and_private() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("school.sqlite");
    let mut db = store::open(&path, &create()).unwrap();
    let version: i64 = db
        .conn()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, migrate::latest());
    let fk: i64 = db
        .conn()
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 1);
    let journal: String = db
        .conn()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(journal, "wal");
    let sync: i64 = db
        .conn()
        .query_row("PRAGMA synchronous", [], |r| r.get(0))
        .unwrap();
    assert_eq!(sync, 1, "NORMAL");
    // A write so that the WAL and shared-memory files exist.
    db.write(|tx| -> Result<(), store::StoreError> {
        store::audit::record(tx, "tester", "test", "school", "1", None, None)?;
        Ok(())
    })
    .unwrap();
    for suffix in ["", "-wal", "-shm"] {
        let p = format!("{}{suffix}", path.display());
        assert_eq!(mode(Path::new(&p)), 0o600, "{p} must be 0600");
    }
}

#[test]
fn migrations_applied_twice_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("school.sqlite");
    let counts = |db: &store::Db| store::check::run(db.conn()).unwrap().tables;
    let first = {
        let db = store::open(&path, &create()).unwrap();
        counts(&db)
    };
    let db = store::open(&path, &existing()).unwrap();
    assert_eq!(
        counts(&db),
        first,
        "reopening must not reload reference data"
    );
    let report = store::check::run(db.conn()).unwrap();
    assert!(report.ok(), "{report:?}");
}

#[test]
fn a_missing_file_is_not_created_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nope.sqlite");
    let err = store::open(&path, &existing()).err().unwrap();
    assert!(matches!(err, OpenError::NotFound(_)), "{err}");
    assert!(!path.exists());
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.sqlite");
    fs::write(&path, "Журнал 5А — это не база данных\n".repeat(100)).unwrap();
    let before = snapshot(&path);
    let err = store::open(&path, &existing()).err().unwrap();
    assert!(matches!(err, OpenError::NotSqlite(_)), "{err}");
    assert!(err.to_string().contains("not a classbook database"));
    assert_eq!(snapshot(&path), before);
}

#[test]
fn another_applications_sqlite_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.sqlite");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch("CREATE TABLE songs (title TEXT); INSERT INTO songs VALUES ('x');")
            .unwrap();
    }
    let before = snapshot(&path);
    let err = store::open(&path, &existing()).err().unwrap();
    assert!(matches!(err, OpenError::NotSqlite(_)), "{err}");
    assert_eq!(snapshot(&path), before);
}

#[test]
fn a_newer_schema_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.sqlite");
    drop(store::open(&path, &create()).unwrap());
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.pragma_update(None, "user_version", migrate::latest() + 1)
            .unwrap();
        c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;")
            .unwrap();
    }
    let before = snapshot(&path);
    let err = store::open(&path, &existing()).err().unwrap();
    match &err {
        OpenError::NewerSchema {
            found, supported, ..
        } => {
            assert_eq!(*found, migrate::latest() + 1);
            assert_eq!(*supported, migrate::latest());
        }
        other => panic!("expected NewerSchema, got {other}"),
    }
    assert!(err.to_string().contains("upgrade classbook"));
    assert_eq!(
        snapshot(&path),
        before,
        "nothing written, no -wal/-shm created"
    );
}

#[test]
fn a_read_only_file_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ro.sqlite");
    {
        let db = store::open(&path, &create()).unwrap();
        db.conn()
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;")
            .unwrap();
    }
    fs::set_permissions(&path, fs::Permissions::from_mode(0o400)).unwrap();
    let before = snapshot(&path);
    let err = store::open(&path, &existing()).err().unwrap();
    assert!(matches!(err, OpenError::ReadOnly(_)), "{err}");
    assert!(err.to_string().contains("read-only"));
    assert_eq!(snapshot(&path), before);
}

#[test]
fn a_locked_database_is_refused_and_nothing_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("locked.sqlite");
    drop(store::open(&path, &create()).unwrap());
    // Another process holds an exclusive lock.
    let holder = rusqlite::Connection::open(&path).unwrap();
    holder
        .execute_batch("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE;")
        .unwrap();
    holder.execute("INSERT INTO audit_log (at, operator, action, entity, entity_key) VALUES ('t', 'other', 'a', 'e', 'k')", []).unwrap();
    let err = store::open(&path, &existing()).err().unwrap();
    assert!(matches!(err, OpenError::Locked(_)), "{err}");
    assert!(err.to_string().contains("locked by another process"));
    holder.execute_batch("COMMIT;").unwrap();
    drop(holder);
    let db = store::open(&path, &existing()).unwrap();
    let n: i64 = db
        .conn()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE operator = 'other'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 1, "the other process's write survived");
}

#[test]
fn a_write_while_another_process_writes_reports_locked_and_keeps_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("busy.sqlite");
    let mut db = store::open(
        &path,
        &OpenOptions {
            mode: OpenMode::Create,
            busy_timeout: Duration::from_millis(100),
        },
    )
    .unwrap();
    let other = rusqlite::Connection::open(&path).unwrap();
    other.execute_batch("BEGIN IMMEDIATE;").unwrap();
    let err = db
        .write(|tx| -> Result<(), store::StoreError> {
            store::audit::record(tx, "me", "test", "school", "1", None, None)?;
            Ok(())
        })
        .unwrap_err();
    assert!(matches!(err, store::StoreError::Locked), "{err}");
    other.execute_batch("ROLLBACK;").unwrap();
    assert_eq!(store::audit::count(db.conn()).unwrap(), 0);
}
