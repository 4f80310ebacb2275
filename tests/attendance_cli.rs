//! `classbook attendance …` as a user runs it on the small demo (working
//! date 24.12.2025).

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

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn demo() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("demo.sqlite");
    let o = classbook(&path, &["demo"]);
    assert!(o.status.success(), "{}", err(&o));
    (dir, path)
}

fn ok(db: &Path, args: &[&str]) -> String {
    let o = classbook(db, args);
    assert_eq!(o.status.code(), Some(0), "{args:?}: {}", err(&o));
    out(&o)
}

/// The summary row of a student in `--summary --format csv`.
fn summary_row(csv: &str, name: &str) -> Vec<String> {
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    r.records()
        .map(|x| x.expect("csv row"))
        .find(|x| &x[0] == name)
        .unwrap_or_else(|| panic!("{name} not in {csv}"))
        .iter()
        .map(String::from)
        .collect()
}

#[test]
fn show_set_reason_and_summary_agree() {
    let (_dir, db) = demo();
    // Today's reasons to give in 7А name a student; give one.
    let list = ok(
        &db,
        &["attendance", "reason", "--class", "7А", "--format", "csv"],
    );
    let mut r = csv::Reader::from_reader(list.as_bytes());
    let first = r.records().next().expect("a reason to give").expect("row");
    let name = first[1].to_string();
    let lessons = first[2].split("; ").count();
    let before = ok(
        &db,
        &[
            "attendance",
            "show",
            "--class",
            "7А",
            "--period",
            "2 четверть",
            "--summary",
            "--format",
            "csv",
        ],
    );
    let b = summary_row(&before, &name);
    let said = ok(
        &db,
        &[
            "attendance",
            "reason",
            "--class",
            "7А",
            "--student",
            &name,
            "--reason",
            "illness",
        ],
    );
    assert!(said.contains(&format!("for {lessons} lesson(s)")), "{said}");
    let after = ok(
        &db,
        &[
            "attendance",
            "show",
            "--class",
            "7А",
            "--period",
            "2 четверть",
            "--summary",
            "--format",
            "csv",
        ],
    );
    let a = summary_row(&after, &name);
    // Columns: lessons, …, absent_excused (5), absent_unspecified (7), absent (8).
    let n = |v: &Vec<String>, i: usize| v[i].parse::<usize>().expect("a number");
    assert_eq!(n(&a, 1), n(&b, 1));
    assert_eq!(n(&a, 5), n(&b, 5) + lessons);
    assert_eq!(n(&a, 7), n(&b, 7) - lessons);
    assert_eq!(n(&a, 8), n(&b, 8));
    // JSON and text give the same numbers as CSV.
    let json: serde_json::Value = serde_json::from_str(&ok(
        &db,
        &[
            "attendance",
            "show",
            "--class",
            "7А",
            "--period",
            "2 четверть",
            "--summary",
            "--format",
            "json",
        ],
    ))
    .expect("json");
    let total = &json["total"];
    let total_csv = summary_row(&after, "Class total");
    assert_eq!(total["lessons"].as_u64(), Some(n(&total_csv, 1) as u64));
    assert_eq!(total["absent"].as_u64(), Some(n(&total_csv, 8) as u64));
    assert_eq!(
        format!("{:.1}", total["attended_pct"].as_f64().expect("pct")),
        total_csv[10]
    );
    let text = ok(
        &db,
        &[
            "attendance",
            "show",
            "--class",
            "7А",
            "--period",
            "2 четверть",
            "--summary",
        ],
    );
    let line = text
        .lines()
        .find(|l| l.starts_with("Class total"))
        .expect("total line");
    assert!(line.ends_with(&format!("{}%", total_csv[10])), "{line}");
}

#[test]
fn set_a_code_then_clear_it_and_take_a_day() {
    let (_dir, db) = demo();
    let day = ok(
        &db,
        &[
            "attendance",
            "show",
            "--class",
            "7А",
            "--date",
            "23.12.2025",
            "--format",
            "csv",
        ],
    );
    let mut r = csv::Reader::from_reader(day.as_bytes());
    let row = r
        .records()
        .map(|x| x.expect("row"))
        .find(|x| &x[8] == "present" && x[3].is_empty())
        .expect("a present student at a whole-class lesson");
    let (lesson, student) = (row[1].to_string(), row[6].to_string());
    let said = ok(
        &db,
        &[
            "attendance",
            "set",
            "--class",
            "7А",
            "--date",
            "2025-12-23",
            "--lesson",
            &lesson,
            "--student",
            &student,
            "--code",
            "Б",
        ],
    );
    assert!(said.contains("Б (Неинфекционное заболевание)"), "{said}");
    let day = ok(
        &db,
        &[
            "attendance",
            "show",
            "--class",
            "7А",
            "--date",
            "2025-12-23",
            "--student",
            &student,
            "--format",
            "csv",
        ],
    );
    assert!(
        day.lines()
            .any(|l| l.contains(&student) && l.contains(",Б,absent_excused")),
        "{day}"
    );
    // A parent's comment sits beside the code.
    ok(
        &db,
        &[
            "attendance",
            "set",
            "--class",
            "7А",
            "--date",
            "2025-12-23",
            "--lesson",
            &lesson,
            "--student",
            &student,
            "--comment",
            "Мама звонила",
        ],
    );
    let day = ok(
        &db,
        &[
            "attendance",
            "show",
            "--class",
            "7А",
            "--date",
            "2025-12-23",
            "--student",
            &student,
            "--format",
            "csv",
        ],
    );
    assert!(day.contains(",Б,absent_excused"), "{day}");
    ok(
        &db,
        &[
            "attendance",
            "set",
            "--class",
            "7А",
            "--date",
            "2025-12-23",
            "--lesson",
            &lesson,
            "--student",
            &student,
            "--present",
        ],
    );
    let day = ok(
        &db,
        &[
            "attendance",
            "show",
            "--class",
            "7А",
            "--date",
            "2025-12-23",
            "--student",
            &student,
            "--format",
            "csv",
        ],
    );
    assert!(!day.contains(",Б,"), "{day}");
    // A distance lesson.
    let said = ok(
        &db,
        &[
            "attendance",
            "set",
            "--class",
            "7А",
            "--date",
            "2025-12-23",
            "--lesson",
            &lesson,
            "--mode",
            "online",
        ],
    );
    assert!(said.ends_with(": online\n"), "{said}");
    let day = ok(
        &db,
        &[
            "attendance",
            "show",
            "--class",
            "7А",
            "--date",
            "2025-12-23",
            "--format",
            "csv",
        ],
    );
    assert!(
        day.lines()
            .any(|l| l.contains(&format!("2025-12-23,{lesson},")) && l.contains(",online,")),
        "{day}"
    );
    // Marking the whole day present.
    let said = ok(
        &db,
        &[
            "attendance",
            "set",
            "--class",
            "8А",
            "--date",
            "2025-12-23",
            "--present",
        ],
    );
    assert!(said.contains("marked taken"), "{said}");
    let o = classbook(&db, &["attendance", "not-taken", "--date", "2025-12-23"]);
    assert!(!out(&o).contains("8А"), "{}", out(&o));
}

#[test]
fn refusals_are_one_line_and_save_nothing() {
    let (_dir, db) = demo();
    let check = |db: &Path| ok(db, &["check", "--checksum"]);
    let before = check(&db);
    for (args, needle) in [
        (
            vec![
                "attendance",
                "set",
                "--class",
                "7А",
                "--date",
                "2025-10-27",
                "--present",
            ],
            "is a holiday (Осенние каникулы)",
        ),
        (
            vec![
                "attendance",
                "set",
                "--class",
                "7А",
                "--date",
                "2025-12-26",
                "--present",
            ],
            "after the working date",
        ),
        (
            vec!["attendance", "set", "--class", "7Я", "--present"],
            "no class «7Я»",
        ),
        (
            vec![
                "attendance",
                "set",
                "--class",
                "7А",
                "--date",
                "2025-12-23",
                "--lesson",
                "1",
                "--student",
                "Nobody",
                "--code",
                "Н",
            ],
            "no student",
        ),
        (
            vec![
                "attendance",
                "set",
                "--class",
                "7А",
                "--date",
                "2025-12-23",
                "--lesson",
                "1",
                "--student",
                "Борисова",
                "--code",
                "Ж",
            ],
            "no attendance code «Ж»",
        ),
        (
            vec![
                "attendance",
                "show",
                "--class",
                "7А",
                "--date",
                "31.02.2025",
            ],
            "not a date",
        ),
        (
            vec![
                "attendance",
                "show",
                "--class",
                "7А",
                "--period",
                "5 четверть",
            ],
            "no period",
        ),
    ] {
        let o = classbook(&db, &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let e = err(&o);
        assert!(e.contains(needle), "{args:?}: {e}");
        assert_eq!(e.trim_end().lines().count(), 1, "{e}");
    }
    let after = check(&db);
    let sum = |s: &str| {
        s.lines()
            .find(|l| l.starts_with("checksum"))
            .map(String::from)
    };
    assert_eq!(sum(&before), sum(&after));
}

#[test]
fn help_attendance_has_examples() {
    let (_dir, db) = demo();
    let o = Command::new(env!("CARGO_BIN_EXE_classbook"))
        .args(["help", "attendance"])
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", err(&o));
    let help = out(&o);
    assert!(
        help.contains("classbook attendance show --class 7А"),
        "{help}"
    );
    assert!(help.contains("reason"), "{help}");
    let codes = ok(&db, &["attendance", "codes", "--format", "csv"]);
    assert!(
        codes.contains("Д,Дистанционное присутствие на уроке,present_remote"),
        "{codes}"
    );
}

#[test]
fn online_census_lists_who_cannot_attend() {
    let (_dir, db) = demo();
    let all = ok(
        &db,
        &["attendance", "online", "--class", "2А", "--format", "csv"],
    );
    let cannot = ok(
        &db,
        &[
            "attendance",
            "online",
            "--class",
            "2А",
            "--cannot",
            "--format",
            "csv",
        ],
    );
    let n_all = all.lines().count() - 1;
    let n_cannot = cannot.lines().count() - 1;
    assert!(n_all > n_cannot && n_cannot >= 1, "{cannot}");
    let mut r = csv::Reader::from_reader(cannot.as_bytes());
    for row in r.records() {
        let row = row.expect("row");
        assert_ne!(&row[6], "yes", "{row:?}");
    }
}
