//! A damaged file is read (to see what can be saved) but not written to:
//! once `check` (or a write that met a damaged page) has found it damaged,
//! every write is refused with the way out, until it checks out whole.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn classbook(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_classbook"))
        .args(args)
        .env_remove("CLASSBOOK_DB")
        .output()
        .expect("the binary runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn min_marks(path: &Path) -> String {
    rusqlite::Connection::open(path)
        .unwrap()
        .query_row(
            "SELECT value FROM setting WHERE key = 'min_marks_quarter'",
            [],
            |r| r.get(0),
        )
        .unwrap_or_else(|_| "default".into())
}

/// Fill the root page of the marks table with 0xff (the schema stays
/// readable, so the file opens).
fn wreck_marks(path: &Path) -> Vec<u8> {
    let root: i64 = rusqlite::Connection::open(path)
        .unwrap()
        .query_row(
            "SELECT rootpage FROM sqlite_schema WHERE name = 'mark'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let good = fs::read(path).unwrap();
    let mut bytes = good.clone();
    let at = (root as usize - 1) * 4096;
    for b in &mut bytes[at..at + 4096] {
        *b = 0xff;
    }
    fs::write(path, &bytes).unwrap();
    good
}

#[test]
fn writes_to_a_file_check_found_damaged_are_refused_until_it_checks_out() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("школа.sqlite");
    let p = path.to_str().unwrap();
    let o = classbook(&["demo", "--db", p]);
    assert!(o.status.success(), "{}", text(&o));
    let before = min_marks(&path);
    let good = wreck_marks(&path);
    // A write to an undamaged table would still go through: check finds the
    // damage and from then on nothing is written.
    let check = classbook(&["check", "--db", p]);
    assert_eq!(check.status.code(), Some(1), "{}", text(&check));
    let set = classbook(&["settings", "set", "min_marks_quarter", "4", "--db", p]);
    let said = text(&set);
    assert_eq!(set.status.code(), Some(4), "{said}");
    assert!(said.contains("the database file is damaged"), "{said}");
    assert!(said.contains("nothing was saved"), "{said}");
    assert!(said.contains("restore the latest backup"), "{said}");
    assert_eq!(min_marks(&path), before, "nothing written");
    // Reading what can be read still works.
    let show = classbook(&["settings", "show", "--db", p]);
    assert_eq!(show.status.code(), Some(0), "{}", text(&show));
    // The backup restored over it: check finds it whole, writes go again.
    fs::write(&path, &good).unwrap();
    let check = classbook(&["check", "--db", p]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check));
    let set = classbook(&["settings", "set", "min_marks_quarter", "4", "--db", p]);
    assert_eq!(set.status.code(), Some(0), "{}", text(&set));
    assert_eq!(min_marks(&path), "4");
}
