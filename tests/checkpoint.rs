//! The TUI's writes are copied from the WAL into the database file by a
//! thread of its own once the writes pause (not inside a save): the main
//! file alone holds them soon after, without SQLite's own checkpoint in
//! the write path.

mod common;

use std::time::{Duration, Instant};

fn rows_in_main_file_alone(path: &std::path::Path, name: &str) -> i64 {
    // A copy of the main file without its -wal: what has been checkpointed.
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.sqlite");
    std::fs::copy(path, &copy).unwrap();
    let c = rusqlite::Connection::open(&copy).unwrap();
    // Before any checkpoint the file may not even hold the tables yet.
    c.query_row(
        "SELECT count(*) FROM subject WHERE name = ?1",
        [name],
        |r| r.get(0),
    )
    .unwrap_or(0)
}

#[test]
fn writes_reach_the_database_file_after_a_pause_without_a_checkpoint_in_the_write() {
    let (dir, mut db) = common::empty_db();
    let path = dir.path().join("empty.sqlite");
    assert_eq!(db.path(), path.as_path());
    db.checkpoint_in_background().unwrap();
    let auto: i64 = db
        .conn()
        .query_row("PRAGMA wal_autocheckpoint", [], |r| r.get(0))
        .unwrap();
    assert_eq!(auto, 0, "no checkpoint inside a write");
    for name in ["Đạo đức", "Литература", "语文"] {
        db.write(|tx| {
            tx.execute(
                "INSERT INTO subject (name, short_name) VALUES (?1, ?1)",
                [name],
            )
            .map_err(classbook::store::StoreError::from)
        })
        .unwrap();
    }
    let start = Instant::now();
    while rows_in_main_file_alone(&path, "语文") == 0 {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the background checkpoint never came"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(rows_in_main_file_alone(&path, "Đạo đức"), 1);
}
