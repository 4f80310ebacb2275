//! Backups and restores as an administrator (and cron) would run them:
//! a backup made while others write holds everything committed, the WAL's
//! latest changes included; it is 0600, checked, never replaces a file,
//! and rotates with --keep; a restore checks the file, keeps the database
//! as it was, records itself, and refuses while another program has the
//! database open, a file that is not a classbook database, a newer one,
//! and anyone but an administrator.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn classbook(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_classbook"))
        .args(args)
        .arg("--db")
        .arg(db)
        .env_remove("CLASSBOOK_DB")
        .output()
        .expect("the binary runs")
}

fn run(db: &Path, args: &[&str], code: i32) -> String {
    let o = classbook(db, args);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(code), "{args:?}: {err}");
    format!("{}{err}", String::from_utf8_lossy(&o.stdout))
}

fn small_demo() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("школа.sqlite");
    run(&db, &["demo"], 0);
    (dir, db)
}

fn subject_count(db: &Path, name: &str) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM subject WHERE name = ?1",
            [name],
            |r| r.get(0),
        )
        .unwrap()
}

/// Add a subject through a connection that keeps it in the WAL (no
/// checkpoint), as a running TUI would.
fn add_subject_in_wal(db: &Path, name: &str) -> rusqlite::Connection {
    let c = rusqlite::Connection::open(db).unwrap();
    c.execute_batch("PRAGMA wal_autocheckpoint = 0").unwrap();
    c.execute(
        "INSERT INTO subject (name, short_name) VALUES (?1, ?1)",
        [name],
    )
    .unwrap();
    c
}

fn backups(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

#[test]
fn a_backup_holds_the_latest_changes_is_private_checked_and_rotates() {
    let (dir, db) = small_demo();
    // Still in the -wal file: copying the .sqlite alone would lose it.
    let held = add_subject_in_wal(&db, "Tiếng Việt 越南语");
    let said = run(&db, &["backup"], 0);
    assert!(said.contains("integrity ok"), "{said}");
    let made = backups(&dir.path().join("backups"));
    assert_eq!(made.len(), 1, "{made:?}");
    let name = made[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("школа-") && name.ends_with(".sqlite"),
        "{name}"
    );
    assert_eq!(subject_count(&made[0], "Tiếng Việt 越南语"), 1);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&made[0]).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // A single file: no -wal beside it is needed to read it.
    assert!(!PathBuf::from(format!("{}-wal", made[0].display())).exists());
    drop(held);
    // Never over a file; into a directory given; --keep 2 keeps the newest two.
    let out = dir.path().join("копия.sqlite");
    std::fs::write(&out, "не трогать").unwrap();
    let said = run(&db, &["backup", "--out", out.to_str().unwrap()], 2);
    assert!(said.contains("exists already"), "{said}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "не трогать");
    let cron = dir.path().join("cron");
    std::fs::create_dir(&cron).unwrap();
    for _ in 0..4 {
        run(
            &db,
            &["backup", "--out", cron.to_str().unwrap(), "--keep", "2"],
            0,
        );
    }
    let kept = backups(&cron);
    assert_eq!(kept.len(), 2, "{kept:?}");
    assert!(
        kept.iter()
            .all(|p| subject_count(p, "Tiếng Việt 越南语") == 1)
    );
}

#[test]
fn a_backup_made_while_others_write_is_whole() {
    let (dir, db) = small_demo();
    let stop = dir.path().join("stop");
    let writer = {
        let (db, stop) = (db.clone(), stop.clone());
        std::thread::spawn(move || {
            let c = rusqlite::Connection::open(&db).unwrap();
            c.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
            let mut n = 0;
            while !stop.exists() {
                n += 1;
                c.execute(
                    "INSERT INTO subject (name, short_name) VALUES (?1, ?1)",
                    [format!("Предмет {n}")],
                )
                .unwrap();
            }
            n
        })
    };
    let out = dir.path().join("during.sqlite");
    run(&db, &["backup", "--out", out.to_str().unwrap()], 0);
    std::fs::write(&stop, "").unwrap();
    let written = writer.join().unwrap();
    assert!(written > 0);
    let c = rusqlite::Connection::open(&out).unwrap();
    let ok: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    // A consistent moment: the subjects are numbered 1..=k with no gap.
    let (count, top): (i64, i64) = c
        .query_row(
            "SELECT count(*), ifnull(max(CAST(substr(name, 9) AS INTEGER)), 0)
             FROM subject WHERE name LIKE 'Предмет %'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(count, top);
}

#[test]
fn a_restore_checks_the_file_keeps_the_old_database_and_records_itself() {
    let (dir, db) = small_demo();
    let out = dir.path().join("before.sqlite");
    run(&db, &["backup", "--out", out.to_str().unwrap()], 0);
    drop(add_subject_in_wal(&db, "Đạo đức"));
    // Not a database, the database itself, a newer one.
    let junk = dir.path().join("junk.sqlite");
    std::fs::write(&junk, "PK\u{3}\u{4} not a database").unwrap();
    let said = run(&db, &["restore", junk.to_str().unwrap()], 2);
    assert!(said.contains("is not a classbook database"), "{said}");
    let said = run(&db, &["restore", db.to_str().unwrap()], 2);
    assert!(said.contains("the database itself"), "{said}");
    let newer = dir.path().join("newer.sqlite");
    std::fs::copy(&out, &newer).unwrap();
    rusqlite::Connection::open(&newer)
        .unwrap()
        .execute_batch("PRAGMA user_version = 999")
        .unwrap();
    let said = run(&db, &["restore", newer.to_str().unwrap()], 2);
    assert!(said.contains("newer classbook"), "{said}");
    assert_eq!(subject_count(&db, "Đạo đức"), 1, "nothing was touched");
    // Only an administrator restores.
    let o = Command::new(env!("CARGO_BIN_EXE_classbook"))
        .args(["restore", out.to_str().unwrap(), "--as", "王芳", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(5), "not allowed");
    assert!(String::from_utf8_lossy(&o.stderr).contains("only an administrator"));
    assert_eq!(subject_count(&db, "Đạo đức"), 1);
    // The restore: the backup's content, the old database kept beside it.
    let said = run(&db, &["restore", out.to_str().unwrap()], 0);
    assert!(said.contains("kept in"), "{said}");
    assert_eq!(subject_count(&db, "Đạo đức"), 0);
    let kept: Vec<PathBuf> = backups(dir.path())
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(".before-restore-"))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(subject_count(&kept[0], "Đạo đức"), 1);
    let c = rusqlite::Connection::open(&db).unwrap();
    let (action, new): (String, String) = c
        .query_row(
            "SELECT action, new_value FROM audit_log ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(action, "database.restore");
    assert!(new.contains("before.sqlite"), "{new}");
    let said = run(&db, &["check"], 0);
    assert!(said.contains("integrity      ok"), "{said}");
}

/// The helper process of the next test: holds the database open (as a
/// TUI does) until told to let go. Does nothing when run as a test.
#[test]
fn hold_the_database_open_when_asked() {
    let Some(db) = std::env::var_os("CLASSBOOK_TEST_HOLD") else {
        return;
    };
    let db = PathBuf::from(db);
    let c = rusqlite::Connection::open(&db).unwrap();
    let _: i64 = c
        .query_row("SELECT count(*) FROM subject", [], |r| r.get(0))
        .unwrap();
    std::fs::write(format!("{}.holding", db.display()), "").unwrap();
    let release = PathBuf::from(format!("{}.release", db.display()));
    let start = std::time::Instant::now();
    while !release.exists() && start.elapsed() < std::time::Duration::from_secs(60) {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn a_restore_is_refused_while_another_program_has_the_database_open() {
    let (dir, db) = small_demo();
    let out = dir.path().join("b.sqlite");
    run(&db, &["backup", "--out", out.to_str().unwrap()], 0);
    let mut holder = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "hold_the_database_open_when_asked",
            "--test-threads=1",
        ])
        .env("CLASSBOOK_TEST_HOLD", &db)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let holding = PathBuf::from(format!("{}.holding", db.display()));
    let start = std::time::Instant::now();
    while !holding.exists() {
        assert!(start.elapsed() < std::time::Duration::from_secs(30));
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let said = run(&db, &["restore", out.to_str().unwrap()], 4);
    assert!(
        said.contains(&format!("has it open (process {}", holder.id())),
        "{said}"
    );
    std::fs::write(format!("{}.release", db.display()), "").unwrap();
    assert!(holder.wait().unwrap().success());
    run(&db, &["restore", out.to_str().unwrap()], 0);
}

#[test]
fn an_archive_holds_one_year_read_only_and_reports_as_before() {
    let (dir, db) = small_demo();
    run(
        &db,
        &[
            "school",
            "add-year",
            "2026/27",
            "--from",
            "2026-09-01",
            "--to",
            "2027-05-31",
        ],
        0,
    );
    // A class and a student only the next year has.
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.execute_batch(
            "INSERT INTO class (year_id, grade, letter, name)
               SELECT id, 8, 'Я', '8Я' FROM school_year WHERE label = '2026/27';
             INSERT INTO student (family_name, given_name, birth_date)
               VALUES ('Trần', 'Thị Lan 陈兰', '2013-04-05');
             INSERT INTO enrolment (student_id, class_id, starts_on, start_reason)
               SELECT (SELECT max(id) FROM student), id, '2026-09-01', 'arrival'
               FROM class WHERE name = '8Я';",
        )
        .unwrap();
    }
    let report = |db: &Path| {
        run(
            db,
            &["report", "performance", "--class", "7А", "--period", "q2"],
            0,
        )
    };
    let before = report(&db);
    let out = dir.path().join("архив-2025-26.sqlite");
    let said = run(
        &db,
        &[
            "archive",
            "--year",
            "2025/26",
            "--out",
            out.to_str().unwrap(),
        ],
        0,
    );
    assert!(said.contains("read-only"), "{said}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o400);
    }
    assert_eq!(
        report(&out),
        before,
        "the archive reports as the database did"
    );
    let said = run(&out, &["year", "list"], 0);
    assert!(
        said.contains("2025/26") && said.contains("closed"),
        "{said}"
    );
    assert!(!said.contains("2026/27"), "{said}");
    // The next year's class and its only student are not in the file's
    // tables nor in its free pages (VACUUM). They were put in without
    // history here: the change history, kept whole, would still name them.
    let bytes = std::fs::read(&out).unwrap();
    let has = |s: &str| bytes.windows(s.len()).any(|w| w == s.as_bytes());
    assert!(
        !has("Thị Lan 陈兰"),
        "the other year's student left no trace"
    );
    assert!(has("7А"));
    // Read-only: a write is refused, the file unchanged.
    let said = run(&out, &["school", "add-subject", "Đạo đức"], 5);
    assert!(said.contains("read-only"), "{said}");
    assert_eq!(std::fs::read(&out).unwrap(), bytes);
    // Never over an existing file.
    let said = run(
        &db,
        &[
            "archive",
            "--year",
            "2025/26",
            "--out",
            out.to_str().unwrap(),
        ],
        2,
    );
    assert!(said.contains("exists already"), "{said}");
}
