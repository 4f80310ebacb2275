//! No escape sequence stored in a name reaches the terminal: an older file,
//! an import from another system or SQL may hold ESC or BEL in a name;
//! every human output of the command line shows them as U+FFFD.

use std::process::Command;

#[test]
fn a_name_with_escape_sequences_prints_harmlessly_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("школа.sqlite");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_classbook"))
            .args(args)
            .arg("--db")
            .arg(&db)
            .output()
            .unwrap()
    };
    assert!(run(&["demo"]).status.success());
    // An OSC that would retitle the terminal, and a colour change.
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch(
            "UPDATE student SET family_name = 'Зло' || char(27) || ']0;pwned' || char(7) || char(27) || '[31m'
             WHERE id IN (SELECT e.student_id FROM enrolment e JOIN class c ON c.id = e.class_id WHERE c.name = '5А');",
        )
        .unwrap();
    let commands: [&[&str]; 5] = [
        &["attendance", "show", "--class", "5А"],
        &[
            "attendance",
            "show",
            "--class",
            "5А",
            "--period",
            "2 четверть",
            "--summary",
        ],
        &[
            "journal",
            "show",
            "--class",
            "5А",
            "--subject",
            "Математика",
            "--period",
            "2 четверть",
        ],
        &["report", "performance", "--class", "5А"],
        &["review"],
    ];
    for args in commands {
        let o = run(args);
        let out = String::from_utf8_lossy(&o.stdout);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(out.contains("Зло"), "{args:?} shows the name: {out}{err}");
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{7}'),
            "{args:?}: {out:?}"
        );
        assert!(!err.contains('\u{1b}'), "{args:?}: {err:?}");
        assert!(
            out.contains("Зло\u{fffd}]0;pwned\u{fffd}\u{fffd}[31m"),
            "{args:?}: {out}"
        );
    }
}
