//! End to end in a real terminal (tmux, 80×24): a school set up from
//! nothing through the keyboard. `classbook init`, then in the TUI a
//! school year around today, a quarter, a bell, a class, a teacher, a
//! subject with its hours, a student and a timetable lesson; then a mark
//! in the Journal on a lesson of that timetable. The screen is checked at
//! each step, the database at the end. Skipped when tmux is not installed.

use std::process::Command;

use chrono::{Datelike, Duration, Local, Weekday};
use classbook::store::{self, OpenOptions};

mod common;
use common::tmux::{Tmux, has_tmux};

fn day(d: chrono::NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

#[test]
fn a_school_from_nothing_to_a_mark_in_the_journal() {
    if !has_tmux() {
        eprintln!("tmux not installed: skipped");
        return;
    }
    let bin = env!("CARGO_BIN_EXE_classbook");
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("school.sqlite");
    let o = Command::new(bin)
        .args(["init", "--db"])
        .arg(&db)
        .args(["--school", "Школа № 12"])
        .env_remove("CLASSBOOK_DB")
        .output()
        .expect("classbook runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // The session runs `--as e2e`, an administrator.
    common::tmux::grant(&db, "e2e", "admin");

    // The year around the real today (the binary works on the real date):
    // begun 60 days ago, one quarter to 30 days from now, and a lesson on
    // the weekday of a week ago (Saturday when that was a Sunday).
    let today = Local::now().date_naive();
    let (from, to) = (today - Duration::days(60), today + Duration::days(200));
    let label = classbook::service::setup::year_label(from, to);
    let quarter_end = today + Duration::days(30);
    let mut lesson_day = today - Duration::days(7);
    if lesson_day.weekday() == Weekday::Sun {
        lesson_day -= Duration::days(1);
    }
    let column = lesson_day.weekday().num_days_from_monday() as usize;

    let tmux = Tmux::new("school");
    let config = dir.path().join("config");
    tmux.start(&format!(
        "env -u NO_COLOR XDG_CONFIG_HOME='{}' {bin} --db '{}' --as e2e",
        config.display(),
        db.display()
    ));
    // First run: the Journal says what is missing and how to add it.
    tmux.wait_for("Школа № 12 is not set up yet.");
    tmux.wait_for("No school year yet. Add one in the School tab (7, then a)");

    // The year.
    tmux.keys(&["7"]);
    tmux.wait_for("School years: none yet (a or y adds one)");
    tmux.keys(&["a"]);
    tmux.wait_for("Add a school year");
    tmux.keys(&["Tab", "C-u"]);
    tmux.text(&day(from));
    tmux.keys(&["Tab", "C-u"]);
    tmux.text(&day(to));
    tmux.keys(&["C-s"]);
    tmux.wait_for(&format!("added school year {label}"));
    tmux.wait_for("No bell times yet.");
    // A quarter from the year's first day (as offered) to a month from now.
    tmux.keys(&["P"]);
    tmux.wait_for("Add a period to");
    tmux.keys(&["Tab", "Tab", "Tab", "Tab", "C-u"]);
    tmux.text(&day(quarter_end));
    tmux.keys(&["C-s"]);
    tmux.wait_for(&format!(
        "added period Quarter 1 {}–{}",
        day(from),
        day(quarter_end)
    ));
    // A bell, as offered.
    tmux.keys(&["B"]);
    tmux.wait_for("Set a lesson's bell times");
    tmux.keys(&["C-s"]);
    tmux.wait_for("added bell times of lesson 1: 08:30–09:15");
    tmux.wait_for("No classes yet.");

    // A class.
    tmux.keys(&["]"]);
    tmux.wait_for("No classes yet: a adds one");
    tmux.keys(&["a"]);
    tmux.wait_for("Add a class");
    tmux.text("7а");
    tmux.keys(&["C-s"]);
    tmux.wait_for("added class 7А");

    // A teacher.
    tmux.keys(&["]", "]"]);
    tmux.wait_for("No staff yet: a adds a teacher");
    tmux.keys(&["a"]);
    tmux.wait_for("Add a member of staff");
    tmux.text("Nguyễn");
    tmux.keys(&["Tab"]);
    tmux.text("Thị Hoa");
    tmux.keys(&["Tab", "Tab"]);
    tmux.text("hoa");
    tmux.keys(&["C-s"]);
    tmux.wait_for("added Nguyễn Thị Hoa (teacher)");

    // A subject with its hours and teacher (chosen from the list).
    tmux.keys(&["]"]);
    tmux.wait_for("No subjects for this class yet");
    tmux.keys(&["a"]);
    tmux.wait_for("Add a subject to 7А's curriculum");
    tmux.text("Математика");
    tmux.keys(&["Tab", "Tab"]);
    tmux.text("5");
    tmux.keys(&["Enter", "Enter"]);
    tmux.wait_for("Choose the teacher");
    tmux.keys(&["Enter"]); // the teacher; then Enter on the last field saves
    tmux.keys(&["Enter"]);
    tmux.wait_for("added 7А: Математика, 5 h a week, Nguyễn Thị Hoa");

    // A student.
    tmux.keys(&["[", "["]);
    tmux.wait_for("No students in this class yet: a adds one.");
    tmux.keys(&["a"]);
    tmux.wait_for("Add a student to 7А");
    tmux.text("Иванова");
    tmux.keys(&["Tab"]);
    tmux.text("Анна");
    tmux.keys(&["Tab"]);
    tmux.text("Петровна");
    tmux.keys(&["C-s"]);
    tmux.wait_for("added Иванова Анна Петровна to 7А");
    tmux.wait_for("No timetable yet.");

    // A lesson in the timetable from the year's first day.
    tmux.keys(&["]", "]", "]"]);
    tmux.wait_for("the week in force on");
    for _ in 0..column {
        tmux.keys(&["Right"]);
    }
    tmux.keys(&["Enter"]);
    tmux.wait_for(", lesson 1");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Choose the subject");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Nguyễn Thị Hoa");
    tmux.keys(&["Tab", "Tab", "Tab", "C-u"]);
    tmux.text(&day(from));
    tmux.keys(&["C-s"]);
    let s = tmux.wait_for("added 7А");
    assert!(s.contains("Матема."), "{s}");
    // Everything is set up: the banner has gone.
    assert!(!s.contains("No timetable yet"), "{s}");

    // The Journal shows the lessons of that weekday; a 5 for Иванова.
    tmux.keys(&["1"]);
    let s = tmux.wait_for("7А · Математика · Quarter 1");
    assert!(s.contains("Иванова Анна Петровна"), "{s}");
    tmux.keys(&["g", "i", "5", "Enter"]);
    tmux.wait_for("saved: 5 for");
    tmux.keys(&["q"]);

    // The database holds the mark, on a lesson of the timetable's weekday.
    std::thread::sleep(std::time::Duration::from_millis(300));
    let db = store::open(&db, &OpenOptions::default()).expect("opens");
    let (n, date): (i64, String) = db
        .conn()
        .query_row(
            "SELECT count(*), max(l.date) FROM mark m JOIN lesson l ON l.id = m.lesson_id
             WHERE m.symbol = '5'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("reads");
    assert_eq!(n, 1);
    let date = chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d").expect("a date");
    assert_eq!(date.weekday(), lesson_day.weekday());
    assert!(from <= date && date <= today, "{date}");
}
