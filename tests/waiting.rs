//! A long write (an import) never blocks readers, and other writers wait
//! for it politely: they are told what they wait for and by whom, wait
//! while it runs, and if they cannot wait they say whom they met.

mod common;

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use classbook::store::{self, Db, OpenOptions, StoreError, Writer};
use common::empty_db;

fn second(db: &Db, patience: Duration) -> Db {
    store::open(
        db.path(),
        &OpenOptions {
            busy_timeout: Duration::from_millis(200),
            patience,
            ..OpenOptions::default()
        },
    )
    .expect("a second connection")
}

/// Start a long write announced as "the import of школа.csv" by Нгуễn Văn
/// An on `db` (in a thread); returns when it holds the lock, with the
/// channel that ends it.
fn long_write(db: Db) -> (mpsc::Sender<()>, thread::JoinHandle<Db>) {
    let (held_tx, held_rx) = mpsc::channel();
    let (end_tx, end_rx) = mpsc::channel::<()>();
    let handle = thread::spawn(move || {
        let mut db = db;
        let r: Result<(), StoreError> =
            db.write_announced("the import of школа.csv", "Nguyễn Văn An", |tx| {
                tx.execute(
                    "INSERT INTO setting (key, value) VALUES ('test.marker', '1')
                     ON CONFLICT (key) DO UPDATE SET value = '1'",
                    [],
                )?;
                held_tx.send(()).expect("the test listens");
                end_rx.recv_timeout(Duration::from_secs(20)).ok();
                Ok(())
            });
        r.expect("the long write commits");
        db
    });
    held_rx
        .recv_timeout(Duration::from_secs(20))
        .expect("the long write holds the lock");
    (end_tx, handle)
}

fn touch(db: &mut Db) -> Result<(), StoreError> {
    db.write(|tx| {
        tx.execute(
            "INSERT INTO setting (key, value) VALUES ('test.other', '2')
             ON CONFLICT (key) DO UPDATE SET value = '2'",
            [],
        )?;
        Ok(())
    })
}

#[test]
fn a_reader_during_a_long_write_reads_at_once() {
    let (_dir, db) = empty_db();
    let reader = second(&db, Duration::ZERO);
    let (end, handle) = long_write(db);
    let years: i64 = reader
        .conn()
        .query_row("SELECT count(*) FROM school_year", [], |r| r.get(0))
        .expect("a reader is not blocked by the writer");
    assert_eq!(years, 0);
    // What the writer has not committed is not seen.
    let marker: i64 = reader
        .conn()
        .query_row(
            "SELECT count(*) FROM setting WHERE key = 'test.marker'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(marker, 0);
    end.send(()).unwrap();
    handle.join().unwrap();
}

#[test]
fn a_writer_that_cannot_wait_names_the_long_write_it_met() {
    let (_dir, db) = empty_db();
    let mut other = second(&db, Duration::ZERO);
    let path = db.path().to_path_buf();
    let (end, handle) = long_write(db);
    let w = Writer::of(&path).expect("the long write is announced");
    assert_eq!(w.operator, "Nguyễn Văn An");
    assert_eq!(w.pid, std::process::id());
    match touch(&mut other) {
        Err(StoreError::LockedBy(what)) => {
            assert!(
                what.contains("the import of школа.csv by Nguyễn Văn An"),
                "{what}"
            );
            let msg = StoreError::LockedBy(what).to_string();
            assert!(msg.contains("nothing was saved"), "{msg}");
        }
        other => panic!("expected LockedBy, got {other:?}"),
    }
    end.send(()).unwrap();
    handle.join().unwrap();
    // The announcement goes with the write.
    assert!(Writer::of(&path).is_none());
    touch(&mut other).expect("after the long write the other writes");
}

#[test]
fn a_patient_writer_waits_for_the_long_write_and_is_told_why() {
    static TOLD: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(vec![]);
    let (_dir, db) = empty_db();
    let mut other = second(&db, Duration::from_secs(30));
    other.set_waiting(
        Duration::from_secs(30),
        Some(|s| TOLD.lock().unwrap().push(s.into())),
    );
    let (end, handle) = long_write(db);
    let ender = thread::spawn(move || {
        thread::sleep(Duration::from_millis(600));
        end.send(()).unwrap();
    });
    touch(&mut other).expect("the patient writer saves after the long write");
    ender.join().unwrap();
    let db = handle.join().unwrap();
    let told = TOLD.lock().unwrap().clone();
    assert!(
        told.iter()
            .any(|t| t.starts_with("waiting for the import of школа.csv by Nguyễn Văn An")),
        "{told:?}"
    );
    // Both writes are there.
    let n: i64 = db
        .conn()
        .query_row(
            "SELECT count(*) FROM setting WHERE key IN ('test.marker', 'test.other')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 2);
}

#[test]
fn a_stale_announcement_of_a_dead_process_is_ignored() {
    let (_dir, mut db) = empty_db();
    let mut name = db.path().as_os_str().to_os_string();
    name.push("-writer");
    // A process id that cannot be alive (above the kernel's pid_max).
    std::fs::write(
        &name,
        "4294967\n2026-12-03T10:00:00Z\nЛи Минь\nthe import of x.csv\n",
    )
    .unwrap();
    assert!(Writer::of(db.path()).is_none());
    touch(&mut db).expect("a write is not held up by a dead announcement");
}
