//! One exit-code table and one date parser for every command (README,
//! "Exit codes"): an unknown name, a bad date and a refused value exit 2
//! with one line naming the argument; DD.MM and the journal's period names
//! are accepted everywhere. Run on the small demo (working date 24.12.2025,
//! school year 2025/26).

use std::path::Path;
use std::process::{Command, Output};

fn classbook(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_classbook"))
        .args(args)
        .arg("--db")
        .arg(db)
        .env_remove("CLASSBOOK_DB")
        .env("USER", "tester")
        .output()
        .expect("the binary runs")
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn demo() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("demo.sqlite");
    let o = classbook(&path, &["demo"]);
    assert!(o.status.success(), "{}", err(&o));
    (dir, path)
}

const FORMS: &str = "not a date (use YYYY-MM-DD, DD.MM.YYYY or DD.MM)";

/// Does the command write? Only those may say "not saved".
enum Kind {
    Reads,
    Writes,
}

#[test]
fn every_command_refuses_with_exit_2_naming_the_argument() {
    let (_dir, db) = demo();
    use Kind::*;
    // (arguments, reads or writes, what stderr must contain)
    let cases: Vec<(Vec<&str>, Kind, Vec<&str>)> = vec![
        // attendance: unknown names, bad dates, refused values
        (
            vec!["attendance", "show", "--class", "9Я", "--date", "22.12"],
            Reads,
            vec!["class «9Я»"],
        ),
        (
            vec!["attendance", "show", "--class", "7А", "--date", "31.02"],
            Reads,
            vec!["--date \"31.02\"", FORMS],
        ),
        (
            vec!["attendance", "show", "--class", "7А", "--period", "q9"],
            Reads,
            vec!["--period", "«q9»"],
        ),
        (
            vec![
                "attendance",
                "show",
                "--class",
                "7А",
                "--period",
                "22.12..31.02",
            ],
            Reads,
            vec!["--period \"31.02\"", FORMS],
        ),
        (
            vec![
                "attendance",
                "set",
                "--class",
                "7А",
                "--date",
                "22.12",
                "--student",
                "Чжан Вэй",
                "--code",
                "Н",
            ],
            Writes,
            vec!["student «чжан вэй»"],
        ),
        (
            vec!["attendance", "not-taken", "--date", "45.12"],
            Reads,
            vec!["--date \"45.12\"", FORMS],
        ),
        // journal
        (
            vec![
                "journal",
                "show",
                "--class",
                "9Я",
                "--subject",
                "алгебра",
                "--period",
                "q2",
            ],
            Reads,
            vec!["class «9Я»"],
        ),
        (
            vec![
                "journal",
                "show",
                "--class",
                "7А",
                "--subject",
                "Tiếng Việt",
                "--period",
                "q2",
            ],
            Reads,
            vec!["subject «Tiếng Việt»"],
        ),
        (
            vec![
                "journal",
                "show",
                "--class",
                "7А",
                "--subject",
                "алгебра",
                "--period",
                "q9",
            ],
            Reads,
            vec!["period «q9»"],
        ),
        (
            vec![
                "journal",
                "set-mark",
                "--class",
                "7А",
                "--subject",
                "алгебра",
                "--date",
                "32.12",
                "--student",
                "Bùi",
                "--marks",
                "5",
            ],
            Writes,
            vec!["--date \"32.12\"", FORMS],
        ),
        (
            vec![
                "journal",
                "set-mark",
                "--class",
                "7А",
                "--subject",
                "алгебра",
                "--date",
                "22.12",
                "--student",
                "Nguyễn Thị Không Có",
                "--marks",
                "5",
            ],
            Writes,
            vec!["student «Nguyễn Thị Không Có»"],
        ),
        // report
        (
            vec!["report", "performance", "--class", "9Я", "--period", "q2"],
            Reads,
            vec!["class «9Я»"],
        ),
        (
            vec!["report", "attendance", "--class", "7А", "--from", "31.02"],
            Reads,
            vec!["--from \"31.02\"", FORMS],
        ),
        (
            vec!["report", "attendance", "--class", "7А", "--period", "q9"],
            Reads,
            vec!["period «q9»"],
        ),
        // training
        (
            vec!["training", "standing", "--semester", "9"],
            Reads,
            vec!["semester 9"],
        ),
        (
            vec![
                "training",
                "add-session",
                "--date",
                "31.02",
                "--start",
                "15:30",
                "--end",
                "16:30",
                "--topic",
                "Тема",
            ],
            Writes,
            vec!["--date \"31.02\"", FORMS],
        ),
        // indicators
        (
            vec!["indicators", "show", "--programme", "不存在"],
            Reads,
            vec!["programme «不存在»"],
        ),
        (
            vec!["indicators", "show", "-p", "1", "--indicator", "9.9"],
            Reads,
            vec!["indicator «9.9»"],
        ),
        (
            vec![
                "indicators",
                "set",
                "-p",
                "1",
                "--indicator",
                "1.1",
                "--period",
                "2022",
                "--value",
                "1",
                "--date",
                "31.02",
            ],
            Writes,
            vec!["--date \"31.02\"", FORMS],
        ),
        (
            vec![
                "indicators",
                "set",
                "-p",
                "1",
                "--indicator",
                "1.1",
                "--period",
                "1999",
                "--value",
                "1",
            ],
            Writes,
            vec!["period «1999»"],
        ),
        // review, students, timetable, settings
        (
            vec!["review", "--from", "31.02"],
            Reads,
            vec!["--from \"31.02\"", FORMS],
        ),
        (
            vec!["review", "--from", "24.12", "--to", "01.12"],
            Reads,
            vec!["--from", "--to"],
        ),
        (
            vec!["student", "list", "--class", "9Я"],
            Reads,
            vec!["--class", "«9Я»"],
        ),
        (vec!["timetable", "show", "9Я"], Reads, vec!["class «9Я»"]),
        (
            vec!["timetable", "show", "7А", "--on", "31.02"],
            Reads,
            vec!["--on", "31.02", FORMS],
        ),
        (
            vec!["settings", "set", "không_có", "1"],
            Writes,
            vec!["«không_có»"],
        ),
    ];
    for (args, kind, needles) in cases {
        let o = classbook(&db, &args);
        let e = err(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {e}");
        assert!(o.stdout.is_empty(), "{args:?}: {}", out(&o));
        for n in needles {
            assert!(e.contains(n), "{args:?}: «{n}» not in {e}");
        }
        if let Reads = kind {
            assert!(!e.contains("not saved"), "{args:?}: {e}");
        }
        assert!(!e.contains("premature end"), "{args:?}: {e}");
    }
}

#[test]
fn dates_in_three_forms_and_periods_as_the_journal_takes_them() {
    let (_dir, db) = demo();
    let run = |args: &[&str]| {
        let o = classbook(&db, args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", err(&o));
        out(&o)
    };
    // One day in ISO, DD.MM.YYYY and DD.MM (in the school year 2025/26).
    let iso = run(&[
        "attendance",
        "show",
        "--class",
        "7А",
        "--date",
        "2025-12-22",
    ]);
    assert!(iso.starts_with("7А 2025-12-22"), "{iso}");
    assert_eq!(
        run(&[
            "attendance",
            "show",
            "--class",
            "7А",
            "--date",
            "22.12.2025"
        ]),
        iso
    );
    assert_eq!(
        run(&["attendance", "show", "--class", "7А", "--date", "22.12"]),
        iso
    );
    // DD.MM before September is in the school year's second calendar year.
    let o = run(&["attendance", "show", "--class", "7А", "--date", "12.01"]);
    assert!(o.starts_with("7А 2026-01-12"), "{o}");
    // --period q2 as `journal` takes it, and the same as its label.
    let q2 = run(&[
        "attendance",
        "show",
        "--class",
        "7А",
        "--period",
        "q2",
        "--summary",
    ]);
    assert!(q2.starts_with("7А 2 четверть"), "{q2}");
    assert_eq!(
        run(&[
            "attendance",
            "show",
            "--class",
            "7А",
            "--period",
            "2 четверть",
            "--summary"
        ]),
        q2
    );
    // A range in DD.MM.
    let r = run(&[
        "attendance",
        "show",
        "--class",
        "7А",
        "--period",
        "01.12..05.12",
        "--summary",
    ]);
    assert!(r.starts_with("7А 2025-12-01..2025-12-05"), "{r}");
    // review: DD.MM in the database's school year, not today's.
    let rv = classbook(&db, &["review", "--from", "22.12"]);
    assert!(out(&rv).contains("22.12.2025–24.12.2025"), "{}", out(&rv));
    assert!(matches!(rv.status.code(), Some(0 | 1)), "{}", err(&rv));
    // A writing command refused by the rules says "not saved".
    let o = classbook(
        &db,
        &[
            "journal",
            "set-mark",
            "--class",
            "7А",
            "--subject",
            "алгебра",
            "--date",
            "22.12",
            "--student",
            "Bùi Khánh Duy",
            "--marks",
            "7",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert!(err(&o).contains("not saved"), "{}", err(&o));
    // "/" is a slip, not a request to clear the cell.
    let o = classbook(
        &db,
        &[
            "journal",
            "set-mark",
            "--class",
            "7А",
            "--subject",
            "алгебра",
            "--date",
            "22.12",
            "--student",
            "Bùi Khánh Duy",
            "--marks",
            "/",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert!(err(&o).contains("has no mark in it"), "{}", err(&o));
}

#[test]
fn an_escape_sequence_typed_or_stored_never_reaches_the_terminal() {
    let (_dir, db) = demo();
    // Typed: an unknown class whose name carries a colour and a title change.
    let o = classbook(
        &db,
        &[
            "journal",
            "show",
            "--class",
            "\u{1b}[31m9Я\u{1b}]0;pwned\u{7}",
            "--subject",
            "алгебра",
            "--period",
            "q2",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert!(
        !o.stderr.contains(&0x1b) && !o.stderr.contains(&0x07),
        "{:?}",
        err(&o)
    );
    assert!(err(&o).contains("9Я"), "{}", err(&o));
    // Stored: a lesson topic written with an escape in it comes back clean.
    let o = classbook(
        &db,
        &[
            "journal",
            "set-lesson",
            "--class",
            "7А",
            "--subject",
            "алгебра",
            "--date",
            "22.12",
            "--topic",
            "Степени\u{1b}[2J и корни",
            "--overwrite",
        ],
    );
    assert!(o.status.success(), "{}", err(&o));
    let o = classbook(
        &db,
        &[
            "journal",
            "show",
            "--class",
            "7А",
            "--subject",
            "алгебра",
            "--period",
            "q2",
            "--format",
            "json",
        ],
    );
    assert!(o.status.success(), "{}", err(&o));
    assert!(!o.stdout.contains(&0x1b), "stdout carries no ESC");
    assert!(
        out(&o).contains("Степени[2J и корни"),
        "the rest of the text is kept"
    );
}
