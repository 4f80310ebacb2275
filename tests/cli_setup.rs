//! A school set up from nothing with the command line, as a script would:
//! `init`, then `school`, `student`, `timetable`, a mark in the journal, the
//! review listing what is still to enter, and imports refused whole with
//! every bad line named (the database unchanged).

use std::path::Path;
use std::process::{Command, Output};

use chrono::{Datelike, Duration, Local, NaiveDate, Weekday};

fn classbook(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_classbook"))
        .args(args)
        .env("CLASSBOOK_DB", db)
        .env("USER", "tester")
        .output()
        .expect("the binary runs")
}

fn ok(db: &Path, args: &[&str]) -> String {
    let o = classbook(db, args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn checksum(db: &Path) -> String {
    ok(db, &["check", "--checksum"])
        .lines()
        .find(|l| l.starts_with("checksum"))
        .expect("a checksum line")
        .to_string()
}

fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

#[test]
fn a_school_from_nothing_by_script() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("school.sqlite");
    let db = db.as_path();
    // A year around the real date, so that last Monday's lesson has been held.
    let today = Local::now().date_naive();
    let mut monday = today - Duration::days(7);
    while monday.weekday() != Weekday::Mon {
        monday -= Duration::days(1);
    }
    let (start, end) = (monday - Duration::days(60), today + Duration::days(200));

    let o = classbook(db, &["school", "show"]);
    assert_eq!(o.status.code(), Some(3), "no database yet");
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("classbook init --db"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    ok(db, &["init", "--school", "Школа № 12"]);
    assert!(ok(db, &["school", "show"]).contains("next: No school year yet"));

    ok(
        db,
        &[
            "school",
            "add-year",
            "--from",
            &iso(start),
            "--to",
            &iso(end),
        ],
    );
    ok(db, &["school", "set-bell", "1", "8:30", "9:15"]);
    ok(
        db,
        &[
            "school",
            "add-staff",
            "Иванова",
            "Анна",
            "Петровна",
            "--login",
            "ivanova",
            "--role",
            "teacher",
        ],
    );
    ok(db, &["school", "add-class", "7А", "--teacher", "ivanova"]);
    let added = ok(
        db,
        &[
            "student",
            "add",
            "Nguyễn",
            "Thị Hoa",
            "--class",
            "7а",
            "--birth-date",
            "2013-04-02",
            "--sex",
            "F",
            "--order-no",
            "12-у",
            "--order-date",
            &iso(start),
        ],
    );
    assert!(
        added
            .lines()
            .any(|l| l.starts_with("students") && l.contains("1 added")),
        "{added}"
    );
    ok(db, &["student", "add", "欧阳", "明", "--class", "7А"]);
    ok(
        db,
        &[
            "school",
            "curriculum",
            "7А",
            "Математика",
            "5",
            "--teacher",
            "ivanova",
        ],
    );
    ok(
        db,
        &[
            "timetable",
            "set",
            "7А",
            "Пн",
            "1",
            "Математика",
            "Иванова Анна Петровна",
            "--room",
            "12",
            "--from",
            &iso(start),
        ],
    );
    let week = ok(db, &["timetable", "show", "7А", "--on", &iso(monday)]);
    assert!(
        week.contains("Mon 1 08:30") && week.contains("Иванова"),
        "{week}"
    );
    assert!(ok(db, &["school", "show"]).contains("ready"));

    // A mark in last Monday's lesson.
    ok(
        db,
        &[
            "journal",
            "set-mark",
            "--class",
            "7А",
            "--subject",
            "Математика",
            "--date",
            &iso(monday),
            "--student",
            "Nguyễn Thị Hoa",
            "--marks",
            "5",
        ],
    );
    // Attendance the same day, lesson 1 (already recorded by the mark) and
    // then the whole day: no lesson needs a record first.
    ok(
        db,
        &[
            "attendance",
            "set",
            "--class",
            "7А",
            "--date",
            &iso(monday),
            "--lesson",
            "1",
            "--student",
            "欧阳 明",
            "--code",
            "Н",
        ],
    );
    let day = ok(
        db,
        &[
            "attendance",
            "set",
            "--class",
            "7А",
            "--date",
            &iso(monday - Duration::days(7)),
            "--present",
        ],
    );
    assert!(day.contains("1 lesson(s) marked taken"), "{day}");
    // 欧阳 明's order is still to be entered: the review says so.
    let o = classbook(
        db,
        &["review", "--rule", "stay.order_missing", "--format", "csv"],
    );
    let review = String::from_utf8_lossy(&o.stdout);
    assert!(review.contains("欧阳 明"), "{review}");
    assert!(!review.contains("Nguyễn"), "{review}");
    let list = ok(db, &["student", "list", "--class", "7А"]);
    let stay = list
        .lines()
        .find(|l| l.contains("欧阳"))
        .and_then(|l| l.split("stay").nth(1))
        .and_then(|r| r.split_whitespace().next())
        .expect("the stay's id")
        .to_string();
    ok(
        db,
        &[
            "student",
            "set-order",
            &stay,
            "--order-no",
            "13-у",
            "--order-date",
            &iso(start),
        ],
    );
    let o = classbook(
        db,
        &["review", "--rule", "stay.order_missing", "--format", "csv"],
    );
    assert!(!String::from_utf8_lossy(&o.stdout).contains("欧阳"));

    // A transfer to a class that does not exist is refused in one line.
    let o = classbook(
        db,
        &[
            "student",
            "transfer",
            "1",
            "--class",
            "7Б",
            "--date",
            &iso(monday),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("no class «7Б»"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");

    // Imports: the template prints; a file with three bad lines is refused
    // whole, each line named; a dry run saves nothing.
    let template = ok(db, &["template", "students"]);
    assert!(
        template.starts_with("id,family_name,given_name"),
        "{template}"
    );
    let before = checksum(db);
    let bad = dir.path().join("students.csv");
    std::fs::write(
        &bad,
        "id,family_name,given_name,birth_date,sex,class\n\
         S-1,Петров,Иван,2012-02-30,M,7А\n\
         S-2,,Bình,2012-01-01,M,7А\n\
         S-3,王,伟,2012-01-01,X,7А\n",
    )
    .unwrap();
    let o = classbook(db, &["import", "students", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    for line in 2..=4 {
        assert!(err.contains(&format!("students.csv:{line}: ")), "{err}");
    }
    assert!(err.contains("nothing was imported"), "{err}");
    assert_eq!(checksum(db), before);
    let good = dir.path().join("more.csv");
    std::fs::write(
        &good,
        "id,family_name,given_name,class\nS-9,Trần,Văn Nam,7А\n",
    )
    .unwrap();
    let dry = ok(
        db,
        &[
            "import",
            "students",
            good.to_str().unwrap(),
            "--dry-run",
            "--partial",
        ],
    );
    assert!(dry.starts_with("dry run, nothing saved"), "{dry}");
    assert!(dry.contains("1 to add"), "{dry}");
    assert_eq!(checksum(db), before);
}
