//! The audit log is append-only and a hash chain: an entry cannot be
//! changed or removed through SQL while the triggers stand, and when
//! someone drops them and edits the file, `check` names the entry.

mod common;

use classbook::store::StoreError;
use classbook::store::{self, Db, OpenOptions, audit, check, migrate};
use common::empty_db;

/// Three audited writes of a setting (entries 1–3).
fn three_writes(db: &mut Db) {
    for (i, who) in ["Иванова М. С.", "Nguyễn Văn An", "王芳"]
        .iter()
        .enumerate()
    {
        let r: Result<_, StoreError> = db.write(|tx| {
            audit::record(
                tx,
                who,
                "setting.set",
                "setting",
                "min_marks_quarter",
                Some(&serde_json::json!(3 + i)),
                Some(&serde_json::json!(4 + i)),
            )
        });
        r.expect("recorded");
    }
}

fn raw(db: &Db) -> rusqlite::Connection {
    rusqlite::Connection::open(db.path()).expect("sqlite opens the file")
}

#[test]
fn a_fresh_log_checks_out() {
    let (_d, mut db) = empty_db();
    three_writes(&mut db);
    assert!(audit::verify(db.conn(), 5).unwrap().is_empty());
    let r = check::run(db.conn()).unwrap();
    assert!(r.audit_chain.is_empty());
    assert!(r.ok());
}

#[test]
fn sql_cannot_change_or_remove_an_entry_while_the_triggers_stand() {
    let (_d, mut db) = empty_db();
    three_writes(&mut db);
    let c = raw(&db);
    let e = c
        .execute("UPDATE audit_log SET operator = 'кто-то' WHERE id = 2", [])
        .unwrap_err();
    assert!(e.to_string().contains("append-only"), "{e}");
    let e = c
        .execute("DELETE FROM audit_log WHERE id = 2", [])
        .unwrap_err();
    assert!(e.to_string().contains("append-only"), "{e}");
    // Linking an undo to its entry is the one update allowed.
    c.execute("UPDATE audit_log SET undo_of = 1 WHERE id = 3", [])
        .expect("undo_of may be set");
    assert!(audit::verify(db.conn(), 5).unwrap().is_empty());
}

#[test]
fn an_edited_or_removed_entry_is_named_by_check() {
    let (_d, mut db) = empty_db();
    three_writes(&mut db);
    let c = raw(&db);
    c.execute_batch(
        "DROP TRIGGER audit_log_no_change; DROP TRIGGER audit_log_no_removal;
         UPDATE audit_log SET new_value = '9' WHERE id = 2;",
    )
    .unwrap();
    let problems = audit::verify(db.conn(), 5).unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("entry 2 (setting.set by Nguyễn Văn An at "),
        "{problems:?}"
    );
    assert!(!check::run(db.conn()).unwrap().ok());
    // And a removed entry.
    c.execute("DELETE FROM audit_log WHERE id = 2", []).unwrap();
    let problems = audit::verify(db.conn(), 5).unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p == "entry 2 is missing (removed after it was written)"),
        "{problems:?}"
    );
    // Writing goes on, chained to what is there.
    three_writes(&mut db);
    let after = audit::verify(db.conn(), 5).unwrap();
    assert_eq!(after, problems, "only the old damage is reported");
}

#[test]
fn an_older_log_is_sealed_by_the_migration() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v6.sqlite");
    {
        let mut c = rusqlite::Connection::open(&path).unwrap();
        migrate::apply_up_to(&mut c, 6).unwrap();
        c.execute_batch(
            "INSERT INTO audit_log (at, operator, action, entity, entity_key, old_value, new_value)
             VALUES ('2025-09-01T08:00:00Z', 'Петров', 'setting.set', 'setting', 'a', NULL, '1'),
                    ('2025-09-02T08:00:00Z', 'Lê Thị Hoa', 'setting.set', 'setting', 'a', '1', '2');",
        )
        .unwrap();
    }
    let mut db = store::open(&path, &OpenOptions::default()).expect("migrated");
    assert!(audit::verify(db.conn(), 5).unwrap().is_empty());
    let hashes: i64 = db
        .conn()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE length(hash) = 64",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(hashes, 2);
    three_writes(&mut db);
    assert!(audit::verify(db.conn(), 5).unwrap().is_empty());
    assert!(check::run(db.conn()).unwrap().ok());
}
