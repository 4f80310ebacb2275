//! The command line as a user runs it: exit codes, one-line errors, files
//! left alone when refused.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn classbook(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_classbook"))
        .args(args)
        .env_remove("CLASSBOOK_DB")
        .env("USER", "tester")
        .output()
        .expect("the binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn demo(path: &Path) {
    let o = classbook(&["demo", "--db", path.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn demo_then_check_passes_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.sqlite");
    let p = path.to_str().unwrap();
    demo(&path);
    let check = classbook(&["check", "--db", p]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    let out = stdout(&check);
    assert!(out.contains("integrity      ok"), "{out}");
    assert!(out.contains("foreign keys   ok"), "{out}");
    assert!(
        out.lines().any(|l| l.trim_start().starts_with("lesson ")),
        "{out}"
    );
    // A second demo into the same file is refused and changes nothing.
    let before = fs::read(&path).unwrap();
    let again = classbook(&["demo", "--db", p]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("add --force"), "{}", stderr(&again));
    assert_eq!(stderr(&again).lines().count(), 1);
    assert_eq!(fs::read(&path).unwrap(), before);
    // With --force a different seed gives a different school.
    let sum = |p: &str| {
        let o = classbook(&["check", "--db", p, "--checksum", "--format", "json"]);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["ok"], true);
        v["checksum"].as_str().unwrap().to_string()
    };
    let first = sum(p);
    let forced = classbook(&["demo", "--db", p, "--force", "--seed", "9"]);
    assert!(forced.status.success(), "{}", stderr(&forced));
    assert_ne!(sum(p), first);
}

#[test]
fn the_database_can_come_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("env.sqlite");
    demo(&path);
    let o = Command::new(env!("CARGO_BIN_EXE_classbook"))
        .arg("check")
        .env("CLASSBOOK_DB", &path)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains(path.to_str().unwrap()));
}

#[test]
fn bad_databases_get_one_line_and_exit_3() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.sqlite");
    let text = dir.path().join("text.sqlite");
    fs::write(&text, "not a database at all").unwrap();
    for (path, needle) in [
        (&missing, "no such database"),
        (&text, "not a classbook database"),
    ] {
        let o = classbook(&["check", "--db", path.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(needle), "{err}");
    }
    assert!(!missing.exists(), "check must not create a database");
    assert_eq!(fs::read_to_string(&text).unwrap(), "not a database at all");
}

#[test]
fn init_creates_an_empty_school_and_records_who() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.sqlite");
    let p = path.to_str().unwrap();
    // The one who makes the file administers it: no --as.
    let o = classbook(&[
        "init",
        "--db",
        p,
        "--school",
        "Trường Tiểu học Thạch Bàn A",
        "--as",
        "Nguyễn Văn An",
    ]);
    assert_eq!(o.status.code(), Some(6), "{}", stderr(&o));
    assert!(stderr(&o).contains("leave --as out"), "{}", stderr(&o));
    assert!(!path.exists());
    let o = classbook(&["init", "--db", p, "--school", "Trường Tiểu học Thạch Bàn A"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let db = rusqlite::Connection::open(&path).unwrap();
    let (name, who): (String, String) = db
        .query_row(
            "SELECT s.name, a.operator FROM school s, audit_log a WHERE a.action = 'school.init'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(name, "Trường Tiểu học Thạch Bàn A");
    let me = classbook::store::access::os_login();
    assert_eq!(who, me);
    // ... and is recorded as its administrator.
    let role: String = db
        .query_row("SELECT role FROM user_role WHERE login = ?1", [&me], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(role, "admin");
    let again = classbook(&["init", "--db", p, "--school", "x"]);
    assert_eq!(again.status.code(), Some(2));
}

#[test]
fn usage_errors_exit_2() {
    let o = classbook(&["demo", "--size", "huge"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn check_on_a_damaged_page_says_so_in_a_few_lines_with_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.sqlite");
    let p = path.to_str().unwrap();
    demo(&path);
    // The demo is checkpointed: every page is in the file. Wreck the root
    // page of the marks table (the schema stays readable, so it opens).
    let root: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT rootpage FROM sqlite_schema WHERE name = 'mark'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let mut bytes = fs::read(&path).unwrap();
    let at = (root as usize - 1) * 4096;
    for b in &mut bytes[at..at + 4096] {
        *b = 0xff;
    }
    fs::write(&path, &bytes).unwrap();
    let check = classbook(&["check", "--db", p]);
    let out = stdout(&check);
    assert_eq!(check.status.code(), Some(1), "{out}{}", stderr(&check));
    assert!(out.contains(p), "names the file: {out}");
    assert!(out.contains("integrity      DAMAGED"), "{out}");
    assert!(out.contains("restore the latest backup"), "{out}");
    let integrity: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("integrity"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .collect();
    assert!(
        (1..=6).contains(&integrity.len()),
        "a few lines, not hundreds: {out}"
    );
    assert!(out.contains("PROBLEMS FOUND"), "{out}");
}
