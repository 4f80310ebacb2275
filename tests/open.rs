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
fn an_empty_file_or_an_empty_sqlite_file_is_not_taken_over() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.sqlite");
    fs::write(&path, b"").unwrap();
    let err = store::open(&path, &existing()).err().unwrap();
    assert!(matches!(err, OpenError::Empty(_)), "{err}");
    assert!(err.to_string().contains("classbook init"), "{err}");
    assert_eq!(fs::metadata(&path).unwrap().len(), 0, "untouched");
    // Another program's SQLite file with no tables yet.
    let other = dir.path().join("other-empty.sqlite");
    {
        let c = rusqlite::Connection::open(&other).unwrap();
        c.execute_batch("PRAGMA page_size = 4096; VACUUM;").unwrap();
    }
    let before = snapshot(&other);
    assert!(!before.0.is_empty(), "a SQLite header");
    let err = store::open(&other, &existing()).err().unwrap();
    assert!(matches!(err, OpenError::Empty(_)), "{err}");
    assert_eq!(snapshot(&other), before);
    // Asked to create, an empty file becomes a database.
    assert!(store::open(&path, &create()).is_ok());
}

#[test]
fn a_pipe_is_refused_at_once_not_waited_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fifo.sqlite");
    let made = std::process::Command::new("mkfifo").arg(&path).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipping: mkfifo not available");
        return;
    }
    let err = store::open(&path, &existing()).err().unwrap();
    assert!(matches!(err, OpenError::NotAFile(_)), "{err}");
    assert!(err.to_string().contains("not a regular file"), "{err}");
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

/// An archive (a `chmod 400` file, or any file with `--read-only`) opens for
/// reading: everything reads, every write is refused, the file is not
/// touched.
#[test]
fn a_read_only_file_opens_for_reading_when_asked_and_is_not_touched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("архив 2025-26.sqlite");
    {
        let mut db = store::open(&path, &create()).unwrap();
        db.write(|tx| {
            tx.execute(
                "INSERT INTO subject (name, short_name) VALUES ('Tiếng Việt', 'TV')",
                [],
            )
            .map_err(store::StoreError::from)
        })
        .unwrap();
        db.conn()
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;")
            .unwrap();
    }
    fs::set_permissions(&path, fs::Permissions::from_mode(0o400)).unwrap();
    let before = snapshot(&path);
    let opts = OpenOptions {
        read_only_if_needed: true,
        ..existing()
    };
    let mut db = store::open(&path, &opts).unwrap();
    assert!(db.is_read_only());
    let n: i64 = db
        .conn()
        .query_row(
            "SELECT count(*) FROM subject WHERE name = 'Tiếng Việt'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 1);
    let err = db
        .write(|tx| {
            tx.execute("DELETE FROM subject", [])
                .map_err(store::StoreError::from)
        })
        .unwrap_err();
    assert!(matches!(err, store::StoreError::ReadOnly(_)), "{err}");
    assert!(err.to_string().starts_with("read-only: "), "{err}");
    drop(db);
    assert_eq!(snapshot(&path), before);
    // A writable file with --read-only: the same, from the command line.
    fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
    let before = snapshot(&path);
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_classbook"))
        .args(["--read-only", "school", "add-subject", "Đạo đức", "--db"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(5));
    assert!(String::from_utf8_lossy(&o.stderr).contains("read-only"));
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_classbook"))
        .args(["--read-only", "school", "show", "--db"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
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
            ..OpenOptions::default()
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

/// A database as the previous classbook (schema 1) left it, with a school,
/// a class, a student with a stay and its order, a lesson and a mark:
/// opening it brings it to the current schema and keeps every row; the
/// rebuilt tables keep their references, and every row gets its uid.
#[test]
fn a_schema_1_database_is_brought_up_to_date_with_nothing_lost() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.sqlite");
    {
        let mut c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch("PRAGMA foreign_keys = ON").unwrap();
        migrate::apply_up_to(&mut c, 1).unwrap();
        c.execute_batch(
            "INSERT INTO school (id, name, short_name) VALUES (1, 'Школа № 12', 'Школа');
             INSERT INTO school_year (id, label, starts_on, ends_on) VALUES (1, '2025/26', '2025-09-01', '2026-05-31');
             INSERT INTO staff (id, family_name, given_name, login) VALUES (1, 'Иванова', 'Анна', 'ivanova');
             INSERT INTO class (id, year_id, grade, letter, name, class_teacher_id) VALUES (1, 1, 7, 'А', '7А', 1);
             INSERT INTO student (id, family_name, given_name, birth_date, sex) VALUES (1, 'Nguyễn', 'Thị Hoa', '2012-03-04', 'F');
             INSERT INTO enrolment (id, student_id, class_id, starts_on, start_reason, start_order_no, start_order_date)
                 VALUES (1, 1, 1, '2025-09-01', 'start_of_year', '12-у', '2025-08-28');
             INSERT INTO subject (id, name, short_name) VALUES (1, 'Математика', 'Мат');
             INSERT INTO lesson (id, class_id, subject_id, teacher_id, date, lesson_no) VALUES (1, 1, 1, 1, '2025-09-01', 1);
             INSERT INTO mark (lesson_id, student_id, symbol, value, control_form_id, weight, entered_at, entered_by)
                 VALUES (1, 1, '5', 5, (SELECT min(id) FROM control_form), 1, '2025-09-01T10:00:00Z', 'тест');",
        )
        .unwrap();
        assert_eq!(
            c.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))
                .unwrap(),
            1
        );
    }
    let db = store::open(&path, &existing()).expect("migrated and opened");
    let c = db.conn();
    let n = |sql: &str| -> i64 { c.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(n("PRAGMA user_version"), migrate::latest());
    assert_eq!(n("SELECT count(*) FROM mark WHERE student_id = 1"), 1);
    assert_eq!(
        n(
            "SELECT count(*) FROM enrolment WHERE start_order_no = '12-у' AND start_order_date = '2025-08-28'"
        ),
        1
    );
    assert_eq!(n("SELECT count(*) FROM pragma_foreign_key_check"), 0);
    for t in [
        "school",
        "school_year",
        "staff",
        "class",
        "student",
        "enrolment",
        "subject",
    ] {
        assert_eq!(
            n(&format!("SELECT count(*) FROM {t} WHERE uid IS NULL")),
            0,
            "{t} rows without a uid"
        );
    }
    // Unknown birth date and sex, and an order to be entered, may now be stored.
    c.execute(
        "INSERT INTO student (id, family_name, given_name) VALUES (2, '欧阳', '明')",
        [],
    )
    .unwrap();
    c.execute(
        "INSERT INTO enrolment (student_id, class_id, starts_on, start_reason) VALUES (2, 1, '2025-10-06', 'arrival')",
        [],
    )
    .unwrap();
    let uid: String = c
        .query_row("SELECT uid FROM student WHERE id = 2", [], |r| r.get(0))
        .unwrap();
    assert_eq!(uid.len(), 36, "{uid}");
}
