//! No command-line write replaces unseen what someone else saved: a value
//! already there is replaced only with `--expect` (what the writer saw) or
//! `--overwrite`, or when it is the writer's own; a refused write exits 7,
//! names what is there, who saved it and how to replace it, and saves
//! nothing.

use std::path::Path;
use std::process::{Command, Output};

/// `classbook ARGS --db DB`, as `who` (`--as`: the administrator who made
/// the demo acts as each of the two deputies).
fn classbook(db: &Path, who: &str, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_classbook"));
    c.args(args).arg("--db").arg(db).env_remove("CLASSBOOK_DB");
    if !who.is_empty() {
        c.args(["--as", who]);
    }
    c.output().expect("the binary runs")
}

fn demo() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("demo.sqlite");
    let o = classbook(&path, "", &["demo"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for who in [IVANOVA, NGUYEN] {
        run(&path, "", &["users", "grant", who, "deputy"], 0);
    }
    (dir, path)
}

/// A command line: `base` and then `more`.
fn with(base: &[&str], more: &[&str]) -> Vec<String> {
    base.iter().chain(more).map(|x| x.to_string()).collect()
}

fn a(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn run(db: &Path, who: &str, args: &[&str], code: i32) -> String {
    let o = classbook(db, who, args);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(code), "{who} {args:?}: {err}");
    format!("{}{err}", String::from_utf8_lossy(&o.stdout))
}

const IVANOVA: &str = "Иванова";
const NGUYEN: &str = "Nguyễn Thị Mai";

/// `journal set-mark` of `student`'s cell in 5А's mathematics on
/// 08.09.2025.
fn cell_args<'a>(student: &'a str, marks: &'a str) -> Vec<&'a str> {
    vec![
        "journal",
        "set-mark",
        "--class",
        "5А",
        "--subject",
        "Математика",
        "--date",
        "2025-09-08",
        "--student",
        student,
        "--marks",
        marks,
    ]
}

fn cell(db: &Path, student: &str) -> String {
    let grid = run(
        db,
        IVANOVA,
        &[
            "journal",
            "show",
            "--class",
            "5А",
            "--subject",
            "Математика",
            "--period",
            "1 четверть",
        ],
        0,
    );
    let mut r = csv::Reader::from_reader(grid.as_bytes());
    let headers = r.headers().unwrap().clone();
    let col = headers
        .iter()
        .position(|h| h.starts_with("2025-09-08"))
        .expect("the lesson of 08.09");
    r.records()
        .map(|x| x.unwrap())
        .find(|x| &x[0] == student)
        .unwrap_or_else(|| panic!("{student} in the grid"))[col]
        .to_string()
}

/// A student of 5А whose cell at the lesson of 08.09.2025 is empty.
fn empty_cell_student(db: &Path) -> String {
    let grid = run(
        db,
        IVANOVA,
        &[
            "journal",
            "show",
            "--class",
            "5А",
            "--subject",
            "Математика",
            "--period",
            "1 четверть",
        ],
        0,
    );
    let mut r = csv::Reader::from_reader(grid.as_bytes());
    let headers = r.headers().unwrap().clone();
    let col = headers
        .iter()
        .position(|h| h.starts_with("2025-09-08"))
        .unwrap();
    r.records()
        .map(|x| x.unwrap())
        .find(|x| x[col].is_empty())
        .expect("an empty cell")[0]
        .to_string()
}

#[test]
fn a_mark_someone_else_saved_is_replaced_only_when_expected() {
    let (_d, db) = demo();
    let s = empty_cell_student(&db);
    // An empty cell: anyone fills it.
    run(&db, IVANOVA, &cell_args(&s, "5"), 0);
    // Her own value: she corrects it without ceremony.
    run(&db, IVANOVA, &cell_args(&s, "4"), 0);
    // Someone else's value: refused, exit 7, saying what, who, how.
    let said = run(&db, NGUYEN, &cell_args(&s, "3"), 7);
    assert!(
        said.contains(&format!(
            "{s}'s cell at the lesson of 08.09.2025 holds «4» (set by "
        )),
        "{said}"
    );
    // The administrator acting as Иванова: "root as Иванова".
    assert!(said.contains(&format!(" as {IVANOVA} at ")), "{said}");
    assert!(said.contains("give --expect \"4\""), "{said}");
    assert_eq!(cell(&db, &s), "4", "nothing was saved");
    // The same value again is no replacement.
    run(&db, NGUYEN, &cell_args(&s, "4"), 0);
    // What she saw, said: replaced.
    let mut args = cell_args(&s, "3");
    args.extend(["--expect", "4"]);
    run(&db, NGUYEN, &args, 0);
    assert_eq!(cell(&db, &s), "3");
    // A stale expectation (it is 3 now) is refused even for the writer.
    let mut args = cell_args(&s, "2");
    args.extend(["--expect", "4"]);
    let said = run(&db, NGUYEN, &args, 7);
    assert!(said.contains("you expected «4»"), "{said}");
    assert_eq!(cell(&db, &s), "3");
    // Clearing someone else's cell is a replacement too.
    run(&db, IVANOVA, &cell_args(&s, ""), 7);
    // An explicit overwrite.
    let mut args = cell_args(&s, "5");
    args.push("--overwrite");
    run(&db, IVANOVA, &args, 0);
    assert_eq!(cell(&db, &s), "5");
    // --expect and --overwrite together make no sense.
    let mut args = cell_args(&s, "2");
    args.extend(["--expect", "5", "--overwrite"]);
    run(&db, IVANOVA, &args, 2);
}

#[test]
fn an_attendance_code_and_a_final_grade_are_guarded_the_same_way() {
    let (_d, db) = demo();
    let s = empty_cell_student(&db);
    let set = |code: &[&str]| -> Vec<String> {
        with(
            &[
                "attendance",
                "set",
                "--class",
                "5А",
                "--date",
                "2025-09-08",
                "--lesson",
                "1",
                "--student",
                &s,
            ],
            code,
        )
    };
    run(&db, IVANOVA, &a(&set(&["--code", "Б"])), 0);
    let said = run(&db, NGUYEN, &a(&set(&["--present"])), 7);
    assert!(said.contains("holds «Б»"), "{said}");
    run(&db, NGUYEN, &a(&set(&["--present", "--expect", "Б"])), 0);

    let fin = |grade: &str, more: &[&str]| -> Vec<String> {
        with(
            &[
                "journal",
                "set-final",
                "--class",
                "5А",
                "--subject",
                "Математика",
                "--period",
                "1 четверть",
                "--student",
                &s,
                "--grade",
                grade,
            ],
            more,
        )
    };
    // The demo may already hold a final grade: start from a known one.
    run(&db, IVANOVA, &a(&fin("4", &["--overwrite"])), 0);
    let said = run(&db, NGUYEN, &a(&fin("5", &[])), 7);
    assert!(
        said.contains("final grade in Математика for 1 четверть holds «4»"),
        "{said}"
    );
    run(&db, NGUYEN, &a(&fin("5", &["--expect", "4"])), 0);
    run(&db, IVANOVA, &a(&fin("3", &["--overwrite"])), 0);
}

#[test]
fn a_lesson_topic_someone_else_wrote_is_replaced_only_with_overwrite() {
    let (_d, db) = demo();
    let set = |topic: &str, more: &[&str]| -> Vec<String> {
        with(
            &[
                "journal",
                "set-lesson",
                "--class",
                "5А",
                "--subject",
                "Математика",
                "--date",
                "2025-09-08",
                "--topic",
                topic,
            ],
            more,
        )
    };
    // The demo's topic is someone else's.
    let said = run(&db, IVANOVA, &a(&set("Дроби", &[])), 7);
    assert!(
        said.contains("the topic of 5А Математика lesson of 08.09.2025 holds «"),
        "{said}"
    );
    assert!(said.contains("give --overwrite to replace it"), "{said}");
    run(&db, IVANOVA, &a(&set("Дроби", &["--overwrite"])), 0);
    // Now hers: she changes it freely; Nguyễn may not, unseen.
    run(&db, IVANOVA, &a(&set("Дроби и проценты", &[])), 0);
    let said = run(&db, NGUYEN, &a(&set("Phân số", &[])), 7);
    assert!(said.contains("holds «Дроби и проценты» (set by "), "{said}");
    // --if-unchanged is --expect's other name (for the commands that have it).
    let mut args = cell_args("x", "5");
    args.extend(["--if-unchanged", "4"]);
    let o = classbook(&db, IVANOVA, &args);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("unexpected argument"), "{err}");
}

#[test]
fn a_student_record_someone_else_corrected_is_changed_only_with_overwrite() {
    let (_d, db) = demo();
    let id: i64 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("SELECT min(id) FROM student", [], |r| r.get(0))
        .unwrap();
    let id = id.to_string();
    // Corrections of the roster are an administrator's.
    for who in [IVANOVA, NGUYEN] {
        run(&db, "", &["users", "grant", who, "admin"], 0);
    }
    let edit = |phone: &str, more: &[&str]| -> Vec<String> {
        with(&["student", "edit", id.as_str(), "--phone", phone], more)
    };
    run(&db, IVANOVA, &a(&edit("+7 900 000-00-01", &[])), 0);
    run(&db, IVANOVA, &a(&edit("+7 900 000-00-02", &[])), 0);
    let said = run(&db, NGUYEN, &a(&edit("+84 90 000 0003", &[])), 7);
    assert!(
        said.contains(&format!("student {id}'s record was last changed by ")),
        "{said}"
    );
    assert!(said.contains("give --overwrite"), "{said}");
    run(
        &db,
        NGUYEN,
        &a(&edit("+84 90 000 0003", &["--overwrite"])),
        0,
    );
}

#[test]
fn a_target_someone_else_set_is_replaced_only_with_overwrite() {
    let (_d, db) = demo();
    let target = |t: &str, more: &[&str]| -> Vec<String> {
        with(
            &[
                "indicators",
                "set",
                "-p",
                "1",
                "--indicator",
                "3.1",
                "--period",
                "2025–2026",
                "--target",
                t,
            ],
            more,
        )
    };
    run(&db, IVANOVA, &a(&target("40", &[])), 0);
    run(&db, IVANOVA, &a(&target("42", &[])), 0);
    let said = run(&db, NGUYEN, &a(&target("45", &[])), 7);
    assert!(
        said.contains("the target of 3.1 for 2025-2026 was last changed by "),
        "{said}"
    );
    run(&db, NGUYEN, &a(&target("45", &["--overwrite"])), 0);
}

#[test]
fn a_set_up_record_someone_else_corrected_is_changed_only_with_overwrite() {
    let (_d, db) = demo();
    for who in [IVANOVA, NGUYEN] {
        run(&db, "", &["users", "grant", who, "admin"], 0);
    }
    // Adding something new, or saying again what is there, is never refused.
    run(
        &db,
        IVANOVA,
        &["school", "add-subject", "Đạo đức", "--short", "ĐĐ"],
        0,
    );
    run(
        &db,
        NGUYEN,
        &["school", "add-subject", "Đạo đức", "--short", "ĐĐ"],
        0,
    );
    // Correcting Иванова's subject is Nguyễn's only with --overwrite.
    let said = run(
        &db,
        NGUYEN,
        &["school", "add-subject", "Đạo đức", "--short", "Đức"],
        7,
    );
    assert!(said.contains("«Đạo đức»"), "{said}");
    assert!(
        said.contains("last changed by ") && said.contains(IVANOVA),
        "{said}"
    );
    assert!(said.contains("give --overwrite"), "{said}");
    let short = |db: &Path| -> String {
        rusqlite::Connection::open(db)
            .unwrap()
            .query_row(
                "SELECT short_name FROM subject WHERE name = 'Đạo đức'",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert_eq!(short(&db), "ĐĐ", "the refused correction saved nothing");
    // Her own record she corrects freely; his, with --overwrite.
    run(
        &db,
        IVANOVA,
        &["school", "add-subject", "Đạo đức", "--short", "Đ"],
        0,
    );
    run(
        &db,
        NGUYEN,
        &[
            "school",
            "--overwrite",
            "add-subject",
            "Đạo đức",
            "--short",
            "Đức",
        ],
        0,
    );
    run(
        &db,
        NGUYEN,
        &[
            "school",
            "add-subject",
            "Đạo đức",
            "--short",
            "ĐĐ",
            "--overwrite",
        ],
        0,
    );
    assert_eq!(short(&db), "ĐĐ");
    // The same for a class's teacher; a class added without one keeps it.
    let t = |name: &'static str| ["school", "add-class", "9Я", "--teacher", name];
    run(&db, IVANOVA, &t("Воробьёв Егор Юрьевич"), 0);
    let said = run(&db, NGUYEN, &t("Павлова Ольга Юрьевна"), 7);
    assert!(said.contains("class «9Я»"), "{said}");
    let said = run(&db, NGUYEN, &["school", "add-class", "9Я"], 0);
    assert!(said.contains("nothing to change"), "{said}");
}
