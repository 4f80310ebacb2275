//! Three of the documents' rules in the review (issue 15, items 2, 3, 10):
//! written works get the written mark deadline whatever their form (seed
//! 003 §5.5, a column of the control-form catalogue), period grades not set
//! by their due date are listed (seed 003 §4.9), and every rule's findings
//! respect the review's date range. For each, a small hand-built school
//! where the rule fires and where it must not, the boundary included.

mod common;

use chrono::{NaiveDate, NaiveDateTime};
use tempfile::TempDir;

use classbook::domain::review::{Rule, Severity};
use classbook::service::review::{self, Finding, ReviewQuery, Target};
use classbook::store::{self, Db, OpenMode, OpenOptions, migrate, reference};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date")
}

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("a time")
}

/// Year 2025/26 with quarters 1–2 (1: 01.09–24.10, grades due 21.10; 2:
/// 03.11–28.12, due 25.12) and half-year 1; class 5А (grade 5) with
/// Иванова Анна Петровна, Nguyễn Thị Hoa and 欧阳 明; subjects Математика
/// (Петрова) and Русский язык (Trần); class 10Б (grade 10) with Смирнов
/// Пётр, Математика (李). No lessons, no timetable.
fn school() -> (TempDir, Db) {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = store::open(
        &dir.path().join("school.sqlite"),
        &OpenOptions {
            mode: OpenMode::Create,
            ..OpenOptions::default()
        },
    )
    .expect("creates");
    exec(
        &db,
        "INSERT INTO school (id, name, short_name) VALUES (1, 'Школа № 1', 'Школа 1');
         INSERT INTO school_year (id, label, starts_on, ends_on) VALUES (1, '2025/26', '2025-09-01', '2026-05-31');
         INSERT INTO period (id, year_id, kind, number, label, starts_on, ends_on) VALUES
           (1, 1, 'quarter', 1, '1 четверть', '2025-09-01', '2025-10-24'),
           (2, 1, 'quarter', 2, '2 четверть', '2025-11-03', '2025-12-28'),
           (3, 1, 'half', 1, '1 полугодие', '2025-09-01', '2025-12-28');
         INSERT INTO staff (id, family_name, given_name, patronymic) VALUES
           (1, 'Петрова', 'Анна', 'Викторовна'), (2, 'Trần', 'Văn Nam', NULL), (3, '李', '华', NULL);
         INSERT INTO staff_role (staff_id, role) VALUES (1, 'teacher'), (2, 'teacher'), (3, 'teacher');
         INSERT INTO class (id, year_id, grade, letter, name, class_teacher_id) VALUES
           (1, 1, 5, 'А', '5А', 1), (2, 1, 10, 'Б', '10Б', 3);
         INSERT INTO subject (id, name, short_name) VALUES (1, 'Математика', 'Мат'), (2, 'Русский язык', 'Рус');
         INSERT INTO curriculum (class_id, subject_id, hours_per_week) VALUES (1, 1, 1), (1, 2, 1), (2, 1, 1);
         INSERT INTO workload (class_id, subject_id, teacher_id) VALUES (1, 1, 1), (1, 2, 2), (2, 1, 3);
         INSERT INTO student (id, family_name, given_name, patronymic, birth_date, sex) VALUES
           (1, 'Иванова', 'Анна', 'Петровна', '2014-03-12', 'F'),
           (2, 'Nguyễn', 'Thị Hoa', NULL, '2014-07-30', 'F'),
           (3, '欧阳', '明', NULL, '2013-12-01', 'M'),
           (4, 'Смирнов', 'Пётр', NULL, '2009-01-01', 'M');
         INSERT INTO enrolment (student_id, class_id, starts_on, start_reason, start_order_no, start_order_date) VALUES
           (1, 1, '2025-09-01', 'start_of_year', '1', '2025-08-30'),
           (2, 1, '2025-09-01', 'start_of_year', '1', '2025-08-30'),
           (3, 1, '2025-09-01', 'start_of_year', '1', '2025-08-30'),
           (4, 2, '2025-09-01', 'start_of_year', '1', '2025-08-30');",
    );
    (dir, db)
}

fn exec(db: &Db, sql: &str) {
    db.conn().execute_batch(sql).expect("fixture SQL runs");
}

fn form_id(db: &Db, name: &str) -> i64 {
    db.conn()
        .query_row("SELECT id FROM control_form WHERE name = ?1", [name], |r| {
            r.get(0)
        })
        .unwrap_or_else(|_| panic!("the catalogue has «{name}»"))
}

/// A complete, timely lesson (topic, homework, attendance taken).
fn lesson(db: &Db, id: i64, class: i64, subject: i64, teacher: i64, date: &str, no: u8) {
    exec(
        db,
        &format!(
            "INSERT INTO lesson (id, class_id, subject_id, teacher_id, date, lesson_no, topic,
                 homework, homework_kind, recorded_at, attendance_taken_at)
             VALUES ({id}, {class}, {subject}, {teacher}, '{date}', {no}, 'Дроби', 'с. 12 № 3', 'text',
                 '{date}T05:00:00Z', '{date}T05:00:00Z')"
        ),
    );
}

/// A mark `value` of form `form` entered at noon (UTC) of `entered`.
fn mark(db: &Db, id: i64, lesson: i64, student: i64, value: u8, form: i64, entered: &str) {
    exec(
        db,
        &format!(
            "INSERT INTO mark (id, lesson_id, student_id, symbol, value, control_form_id, weight,
                 entered_at, entered_by)
             VALUES ({id}, {lesson}, {student}, '{value}', {value}, {form},
                 (SELECT weight FROM control_form WHERE id = {form}), '{entered}T12:00:00Z', 'test')"
        ),
    );
}

fn final_grade(db: &Db, student: i64, subject: i64, period: i64, class: i64, grade: &str) {
    exec(
        db,
        &format!(
            "INSERT INTO period_grade (student_id, subject_id, period_id, class_id, final, set_by, set_at)
             VALUES ({student}, {subject}, {period}, {class}, '{grade}', 'test', '2025-10-20T10:00:00Z')"
        ),
    );
}

fn run_range(db: &Db, now: &str, from: Option<&str>, to: Option<&str>) -> review::Review {
    review::run(
        db.conn(),
        &ReviewQuery {
            from: from.map(d),
            to: to.map(d),
            now: at(now),
        },
    )
    .expect("the review runs")
}

fn run(db: &Db, now: &str) -> Vec<Finding> {
    run_range(db, now, None, None).findings
}

fn keys(findings: &[Finding], rule: Rule) -> Vec<String> {
    findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| f.key.clone())
        .collect()
}

// ---------------------------------------------------------------------------
// 1. Written works (seed 003 §5.5)

/// The written works of the shipped catalogue.
fn written_in_catalogue() -> Vec<String> {
    reference::read_control_forms("control_forms.csv", reference::CONTROL_FORMS_CSV)
        .expect("the shipped catalogue reads")
        .into_iter()
        .filter(|f| f.written)
        .map(|f| f.name)
        .collect()
}

#[test]
fn the_catalogue_says_which_forms_are_written_works() {
    let forms = reference::read_control_forms("control_forms.csv", reference::CONTROL_FORMS_CSV)
        .expect("reads");
    assert_eq!(forms.len(), 65);
    let written = written_in_catalogue();
    for name in [
        "Диктант",
        "Изложение",
        "Сочинение",
        "Комбинированная работа",
        "Контрольная работа",
        "Письменный ответ",
        "Словарный диктант",
        "Математический диктант",
        "Самостоятельная работа",
    ] {
        assert!(
            written.iter().any(|w| w == name),
            "{name} is a written work"
        );
    }
    for name in [
        "Устный ответ",
        "Проект",
        "Лабораторная работа",
        "Промежуточная аттестация",
    ] {
        assert!(!written.iter().any(|w| w == name), "{name} is not written");
    }
    // A new database has the column, and the written deadline, for exactly
    // those forms.
    let (_dir, db) = school();
    let stored: Vec<(String, bool, String)> = db
        .conn()
        .prepare("SELECT name, written, deadline_kind FROM control_form ORDER BY sort")
        .expect("prepares")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("queries")
        .collect::<rusqlite::Result<_>>()
        .expect("rows");
    assert_eq!(stored.len(), 65);
    for (name, is_written, kind) in &stored {
        assert_eq!(*is_written, written.contains(name), "{name}");
        if *is_written {
            assert_eq!(kind, "written", "{name}");
        } else {
            assert_ne!(kind, "written", "{name}");
        }
    }
    let kind = |n: &str| stored.iter().find(|s| s.0 == n).expect(n).2.clone();
    assert_eq!(kind("Промежуточная аттестация"), "interim");
    assert_eq!(kind("Устный ответ"), "current");
}

#[test]
fn every_bad_line_of_a_catalogue_is_reported_with_its_line_and_column() {
    let text = "name,weight,deadline_kind,written\n\
                Диктант,1,current,1\n\
                Nguyễn Thị Hoa's essay,4,current,1\n\
                Устный ответ,1,soon,0\n\
                欧阳 明 test,1,written,yes\n\
                Диктант,1,current,1\n\
                ,2,current\n";
    let err = reference::read_control_forms("forms.csv", text)
        .expect_err("refused")
        .to_string();
    for want in [
        "forms.csv line 3, column 2 (weight): «4» is not a weight (1, 2 or 3)",
        "forms.csv line 4, column 3 (deadline_kind): «soon» is not a deadline kind (current or interim)",
        "forms.csv line 5, column 3 (deadline_kind): «written» is not a deadline kind here",
        "forms.csv line 5, column 4 (written): «yes» is not 1 (a written work) or 0",
        "forms.csv line 6, column 1 (name): «Диктант» is already on line 2",
        "forms.csv line 7: 3 fields, expected 4",
    ] {
        assert!(err.contains(want), "missing «{want}» in:\n{err}");
    }
    let err = reference::read_control_forms("forms.csv", "name,weight,kind\nТест,1,current\n")
        .expect_err("refused")
        .to_string();
    assert!(
        err.contains("forms.csv line 1: the header is «name,weight,kind»"),
        "{err}"
    );
}

#[test]
fn an_older_database_gets_the_written_column_from_the_same_list() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("v2.sqlite");
    {
        let mut c = rusqlite::Connection::open(&path).expect("opens");
        c.execute_batch("PRAGMA foreign_keys = ON").expect("pragma");
        migrate::apply_up_to(&mut c, 2).expect("schema 2");
        // As the previous classbook left it: only five forms had the
        // written deadline.
        c.execute_batch(
            "UPDATE control_form SET deadline_kind = 'current'
             WHERE deadline_kind = 'written' AND name NOT IN
               ('Диктант', 'Изложение', 'Сочинение', 'Комбинированная работа', 'Контрольная работа')",
        )
        .expect("old kinds");
        let n: i64 = c
            .query_row(
                "SELECT count(*) FROM control_form WHERE deadline_kind = 'written'",
                [],
                |r| r.get(0),
            )
            .expect("count");
        assert_eq!(n, 5);
    }
    let db = store::open(&path, &OpenOptions::default()).expect("migrated");
    let written: Vec<String> = db
        .conn()
        .prepare("SELECT name FROM control_form WHERE written = 1 AND deadline_kind = 'written' ORDER BY sort")
        .expect("prepares")
        .query_map([], |r| r.get(0))
        .expect("queries")
        .collect::<rusqlite::Result<_>>()
        .expect("rows");
    assert_eq!(written, written_in_catalogue());
    let n: i64 = db
        .conn()
        .query_row(
            "SELECT count(*) FROM control_form WHERE (written = 1) <> (deadline_kind = 'written')",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(n, 0);
}

#[test]
fn a_written_form_mark_is_due_within_3_days_any_other_current_mark_within_15() {
    let (_dir, db) = school();
    // Monday 01.09: written deadline 04.09, current deadline 16.09.
    lesson(&db, 1, 1, 1, 1, "2025-09-01", 1);
    let dictation = form_id(&db, "Словарный диктант");
    let written_answer = form_id(&db, "Письменный ответ");
    let oral = form_id(&db, "Устный ответ");
    mark(&db, 1, 1, 1, 5, dictation, "2025-09-04"); // on the day of the deadline
    mark(&db, 2, 1, 2, 4, dictation, "2025-09-05"); // the day after
    mark(&db, 3, 1, 3, 3, written_answer, "2025-09-05"); // the day after
    let f = run(&db, "2025-09-10 18:00");
    assert_eq!(keys(&f, Rule::MarkLate), ["mark:2", "mark:3"]);
    let late = f.iter().find(|f| f.key == "mark:2").expect("listed");
    assert_eq!(late.student, "Nguyễn Thị Hoa");
    assert!(
        late.detail
            .contains("(Словарный диктант) entered 05.09, due by 04.09 (3 days)"),
        "{}",
        late.detail
    );
    // An oral answer keeps 15 days: 16.09 is in time, 17.09 late.
    lesson(&db, 2, 1, 1, 1, "2025-09-08", 1);
    // (lesson 2 is on 08.09: due by 23.09)
    mark(&db, 4, 2, 1, 5, oral, "2025-09-23");
    mark(&db, 5, 2, 2, 5, oral, "2025-09-24");
    mark(&db, 6, 2, 3, 5, oral, "2025-09-12"); // 4 days: late for a written work only
    let f = run(&db, "2025-09-30 18:00");
    assert_eq!(keys(&f, Rule::MarkLate), ["mark:2", "mark:3", "mark:5"]);
    // The written days are a setting: at 4 days the marks of 05.09 are in time.
    let mut s = store::settings::load(db.conn()).expect("settings");
    s.set("mark_deadline_written_days", "4").expect("valid");
    store::settings::save(db.conn(), &s).expect("saved");
    let f = run(&db, "2025-09-30 18:00");
    assert_eq!(keys(&f, Rule::MarkLate), ["mark:5"]);
}

#[test]
fn a_written_control_work_leaves_no_present_student_unmarked_after_3_days() {
    let (_dir, db) = school();
    lesson(&db, 1, 1, 1, 1, "2025-09-01", 1);
    let control = form_id(&db, "Контрольная работа");
    exec(
        &db,
        &format!("UPDATE lesson SET control_form_id = {control} WHERE id = 1"),
    );
    mark(&db, 1, 1, 1, 5, control, "2025-09-02");
    mark(&db, 2, 1, 2, 4, control, "2025-09-02");
    // The deadline is 04.09: on that day nobody is missing yet.
    let f = run(&db, "2025-09-04 18:00");
    assert!(keys(&f, Rule::ControlUnmarked).is_empty());
    let f = run(&db, "2025-09-05 18:00");
    assert_eq!(keys(&f, Rule::ControlUnmarked), ["lesson:1:student:3"]);
}

// ---------------------------------------------------------------------------
// 2. Period grades due (seed 003 §4.9)

/// Lessons of Математика in 5А in quarter 1, and of Математика in 10Б.
fn quarter_1_lessons(db: &Db) {
    lesson(db, 1, 1, 1, 1, "2025-09-08", 1);
    lesson(db, 2, 1, 1, 1, "2025-09-15", 1);
    lesson(db, 3, 2, 1, 3, "2025-09-16", 2);
}

#[test]
fn a_quarter_grade_not_set_by_its_due_date_is_listed_until_it_is_set() {
    let (_dir, db) = school();
    quarter_1_lessons(&db);
    // Quarter 1 ends 24.10: grades are due 21.10, by 17:30.
    for now in ["2025-10-20 18:00", "2025-10-21 17:00"] {
        let f = run(&db, now);
        assert!(keys(&f, Rule::GradeOverdue).is_empty(), "{now}");
    }
    // Listed by student name: Nguyễn, Иванова, 欧阳.
    let expected = [
        "period:1:student:2:subject:1",
        "period:1:student:1:subject:1",
        "period:1:student:3:subject:1",
    ];
    for now in ["2025-10-21 17:45", "2025-10-22 09:00", "2025-11-10 18:00"] {
        let f = run(&db, now);
        // Only Математика had lessons, and 10Б (grade 10) has half-years.
        assert_eq!(keys(&f, Rule::GradeOverdue), expected, "{now}");
    }
    let f = run(&db, "2025-10-22 09:00");
    let g = f
        .iter()
        .find(|f| f.rule == Rule::GradeOverdue && f.key == expected[2])
        .expect("listed");
    assert_eq!(g.severity, Severity::Error);
    assert_eq!(g.date, d("2025-10-21"));
    assert_eq!(
        (
            g.class.as_str(),
            g.subject.as_str(),
            g.teacher.as_str(),
            g.student.as_str()
        ),
        ("5А", "Математика", "Петрова Анна Викторовна", "欧阳 明")
    );
    assert!(
        g.detail
            .starts_with("1 четверть: no final grade; due 21.10"),
        "{}",
        g.detail
    );
    assert_eq!(
        g.target,
        Target::JournalFinal {
            class_id: 1,
            subject_id: 1,
            period_id: 1,
            student_id: 3
        }
    );
    // A grade, or n/a, settles it; a student who left before the due date
    // is not owed one.
    final_grade(&db, 1, 1, 1, 1, "5");
    final_grade(&db, 2, 1, 1, 1, "na");
    let f = run(&db, "2025-10-22 09:00");
    assert_eq!(keys(&f, Rule::GradeOverdue), [expected[2]]);
    exec(
        &db,
        "UPDATE enrolment SET ends_on = '2025-10-10', end_reason = 'departure',
             end_order_no = '7', end_order_date = '2025-10-10' WHERE student_id = 3",
    );
    let f = run(&db, "2025-10-22 09:00");
    assert!(keys(&f, Rule::GradeOverdue).is_empty());
}

#[test]
fn a_half_year_grade_is_due_for_the_senior_classes() {
    let (_dir, db) = school();
    quarter_1_lessons(&db);
    // Half-year 1 ends 28.12: due 25.12.
    let f = run(&db, "2025-12-25 12:00");
    assert!(
        !keys(&f, Rule::GradeOverdue)
            .iter()
            .any(|k| k.starts_with("period:3:"))
    );
    let f = run(&db, "2025-12-26 09:00");
    let half: Vec<String> = keys(&f, Rule::GradeOverdue)
        .into_iter()
        .filter(|k| k.starts_with("period:3:"))
        .collect();
    assert_eq!(half, ["period:3:student:4:subject:1"]);
    let g = f
        .iter()
        .find(|f| f.key == half[0] && f.rule == Rule::GradeOverdue)
        .expect("listed");
    assert_eq!(
        (g.student.as_str(), g.teacher.as_str()),
        ("Смирнов Пётр", "李 华")
    );
    // The due date is a setting: 5 days before the end moves it to 23.12.
    let mut s = store::settings::load(db.conn()).expect("settings");
    s.set("grades_due_days_before_end", "5").expect("valid");
    store::settings::save(db.conn(), &s).expect("saved");
    let f = run(&db, "2025-12-24 09:00");
    assert!(
        keys(&f, Rule::GradeOverdue)
            .iter()
            .any(|k| k == "period:3:student:4:subject:1")
    );
}

#[test]
fn the_overdue_grade_severity_is_a_setting() {
    let (_dir, db) = school();
    quarter_1_lessons(&db);
    let mut s = store::settings::load(db.conn()).expect("settings");
    assert_eq!(s.get("severity.grade.overdue").as_deref(), Some("error"));
    s.set("severity.grade.overdue", "warning").expect("valid");
    store::settings::save(db.conn(), &s).expect("saved");
    let f = run(&db, "2025-10-22 09:00");
    assert!(
        f.iter()
            .filter(|f| f.rule == Rule::GradeOverdue)
            .all(|f| f.severity == Severity::Warning)
    );
    assert_eq!(keys(&f, Rule::GradeOverdue).len(), 3);
}

// ---------------------------------------------------------------------------
// 3. The date range applies to every rule

#[test]
fn too_few_marks_are_dated_the_day_judged_or_the_due_date_and_kept_to_the_range() {
    let (_dir, db) = school();
    // Quarter 2: due 25.12, "too few marks" listed from 11.12.
    lesson(&db, 1, 1, 1, 1, "2025-12-01", 1);
    // As of 16.12 (before the due date) the warning is dated 16.12.
    let r = run_range(&db, "2025-12-16 18:00", None, None);
    let few: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| f.rule == Rule::NotAttestable)
        .collect();
    assert_eq!(few.len(), 3);
    assert!(few.iter().all(|f| f.date == d("2025-12-16")));
    // As of 26.12 it is dated the due date: a range in November lists none
    // of it (the issue: 05.11–06.11 listed findings dated 25.12).
    let r = run_range(
        &db,
        "2025-12-26 18:00",
        Some("2025-11-05"),
        Some("2025-11-06"),
    );
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    let r = run_range(
        &db,
        "2025-12-26 18:00",
        Some("2025-12-25"),
        Some("2025-12-25"),
    );
    assert_eq!(keys(&r.findings, Rule::NotAttestable).len(), 3);
    assert_eq!(keys(&r.findings, Rule::GradeOverdue).len(), 3);
    assert!(r.findings.iter().all(|f| f.date == d("2025-12-25")));
    let r = run_range(&db, "2025-12-26 18:00", Some("2025-12-26"), None);
    assert!(keys(&r.findings, Rule::NotAttestable).is_empty());
    assert!(keys(&r.findings, Rule::GradeOverdue).is_empty());
}

#[test]
fn a_final_grade_that_differs_is_dated_the_period_end_and_kept_to_the_range() {
    let (_dir, db) = school();
    lesson(&db, 1, 1, 1, 1, "2025-09-08", 1);
    mark(&db, 1, 1, 1, 5, form_id(&db, "Устный ответ"), "2025-09-08");
    final_grade(&db, 1, 1, 1, 1, "3");
    let f = run(&db, "2025-10-30 18:00");
    let g = f
        .iter()
        .find(|f| f.rule == Rule::FinalDiffers)
        .expect("listed");
    assert_eq!(g.date, d("2025-10-24"));
    let r = run_range(&db, "2025-10-30 18:00", Some("2025-10-25"), None);
    assert!(keys(&r.findings, Rule::FinalDiffers).is_empty());
    let r = run_range(
        &db,
        "2025-10-30 18:00",
        Some("2025-10-24"),
        Some("2025-10-24"),
    );
    assert_eq!(keys(&r.findings, Rule::FinalDiffers).len(), 1);
    // Set before the period ends, it is dated the day it is judged.
    let f = run(&db, "2025-10-20 18:00");
    let g = f
        .iter()
        .find(|f| f.rule == Rule::FinalDiffers)
        .expect("listed");
    assert_eq!(g.date, d("2025-10-20"));
}

#[test]
fn a_failing_teacher_is_dated_the_absence_that_reached_the_limit() {
    let (_dir, db) = school();
    exec(
        &db,
        "INSERT INTO training_plan (id, year_id, semester, title, starts_on, ends_on)
         VALUES (1, 1, 1, 'План 1', '2025-09-01', '2025-12-31');
         INSERT INTO training_session (id, plan_id, date, starts_at, ends_at, hours, topic, format, credits) VALUES
           (1, 1, '2025-09-10', '15:00', '16:00', 1, 'Тема 1', 'lecture', 2),
           (2, 1, '2025-09-17', '15:00', '16:00', 1, 'Тема 2', 'lecture', 2),
           (3, 1, '2025-09-24', '15:00', '16:00', 1, 'Тема 3', 'lecture', 2),
           (4, 1, '2025-10-01', '15:00', '16:00', 1, 'Тема 4', 'lecture', 2);
         INSERT INTO training_attendance (session_id, staff_id, status, set_by, set_at)
         SELECT s.id, 3, (SELECT code FROM training_status WHERE category = 'unexcused' ORDER BY sort LIMIT 1),
                'test', '2025-10-01T12:00:00Z'
         FROM training_session s;",
    );
    let f = run(&db, "2025-10-10 18:00");
    let t = f
        .iter()
        .find(|f| f.rule == Rule::TrainingFail)
        .expect("listed");
    assert_eq!((t.teacher.as_str(), t.date), ("李 华", d("2025-09-24")));
    let r = run_range(&db, "2025-10-10 18:00", Some("2025-09-25"), None);
    assert!(keys(&r.findings, Rule::TrainingFail).is_empty());
    let r = run_range(
        &db,
        "2025-10-10 18:00",
        Some("2025-09-24"),
        Some("2025-09-24"),
    );
    assert_eq!(keys(&r.findings, Rule::TrainingFail), ["staff:3:year:1"]);
}

#[test]
fn a_stay_without_its_order_is_dated_its_first_day_and_kept_to_the_range() {
    let (_dir, db) = school();
    exec(
        &db,
        "INSERT INTO student (id, family_name, given_name, patronymic) VALUES (5, 'Лебедева', 'Ольга', NULL);
         INSERT INTO enrolment (student_id, class_id, starts_on, start_reason) VALUES (5, 1, '2025-10-06', 'arrival');",
    );
    let f = run(&db, "2025-10-10 18:00");
    assert_eq!(
        keys(&f, Rule::OrderMissing),
        [format!(
            "stay:{}:start",
            db.conn()
                .query_row("SELECT id FROM enrolment WHERE student_id = 5", [], |r| r
                    .get::<_, i64>(
                    0
                ))
                .expect("stay")
        )]
    );
    let r = run_range(&db, "2025-10-10 18:00", Some("2025-10-07"), None);
    assert!(keys(&r.findings, Rule::OrderMissing).is_empty());
    let r = run_range(&db, "2025-10-10 18:00", None, Some("2025-10-05"));
    assert!(keys(&r.findings, Rule::OrderMissing).is_empty());
}

/// Every rule's findings, in a school with some of each, fall inside
/// whatever range is asked.
#[test]
fn no_finding_of_any_rule_is_dated_outside_the_range() {
    let (_dir, db) = school();
    quarter_1_lessons(&db);
    exec(
        &db,
        "UPDATE lesson SET topic = NULL, homework = NULL, homework_kind = NULL,
             attendance_taken_at = NULL WHERE id = 2;
         INSERT INTO bell (year_id, lesson_no, starts_at, ends_at) VALUES
             (1, 1, '08:30', '09:15'), (1, 2, '09:25', '10:10');
         INSERT INTO timetable (id, year_id, weekday, lesson_no, class_id, subject_id, teacher_id, valid_from)
             VALUES (1, 1, 2, 2, 1, 2, 2, '2025-09-01');
         INSERT INTO student (id, family_name, given_name) VALUES (5, 'Лебедева', 'Ольга');
         INSERT INTO enrolment (student_id, class_id, starts_on, start_reason) VALUES (5, 1, '2025-11-10', 'arrival');",
    );
    mark(&db, 1, 1, 1, 5, form_id(&db, "Диктант"), "2025-09-20");
    let now = "2025-12-26 18:00";
    let all = run(&db, now);
    for rule in [
        Rule::LessonUnrecorded,
        Rule::LessonNoTopic,
        Rule::MarkLate,
        Rule::NotAttestable,
        Rule::GradeOverdue,
        Rule::OrderMissing,
    ] {
        assert!(
            all.iter().any(|f| f.rule == rule),
            "{rule:?} in the fixture"
        );
    }
    for (from, to) in [
        ("2025-09-01", "2025-09-10"),
        ("2025-09-15", "2025-09-15"),
        ("2025-10-21", "2025-10-21"),
        ("2025-11-05", "2025-11-06"),
        ("2025-11-10", "2025-12-24"),
        ("2025-12-25", "2025-12-26"),
    ] {
        let r = run_range(&db, now, Some(from), Some(to));
        assert_eq!((r.from, r.to), (d(from), d(to)));
        for f in &r.findings {
            assert!(
                d(from) <= f.date && f.date <= d(to),
                "{from}–{to}: {} dated {}",
                f.rule.id(),
                f.date
            );
        }
        // And nothing inside the range is lost.
        let inside = all
            .iter()
            .filter(|f| d(from) <= f.date && f.date <= d(to))
            .count();
        assert_eq!(r.findings.len(), inside, "{from}–{to}");
    }
}

/// The case on the small demo (records up to 24.12): the range
/// 05.11–06.11, reviewed after quarter 2's grades were due (25.12), listed
/// hundreds of "too few marks" findings dated 25.12.
#[test]
fn the_small_demo_reviewed_for_two_days_of_november_lists_only_those_days() {
    let (_dir, db) = common::demo_db();
    let (from, to) = (d("2025-11-05"), d("2025-11-06"));
    for now in ["2025-12-24 23:59", "2025-12-27 18:00"] {
        let whole = run_range(&db, now, None, None);
        assert!(
            whole
                .findings
                .iter()
                .any(|f| f.rule == Rule::NotAttestable && f.date > to),
            "{now}: the demo has too few marks late in the year"
        );
        let r = run_range(&db, now, Some("2025-11-05"), Some("2025-11-06"));
        assert!(!r.findings.is_empty(), "{now}");
        for f in &r.findings {
            assert!(
                from <= f.date && f.date <= to,
                "{now}: {} dated {}",
                f.rule.id(),
                f.date
            );
        }
        assert!(keys(&r.findings, Rule::NotAttestable).is_empty(), "{now}");
        let inside = whole
            .findings
            .iter()
            .filter(|f| from <= f.date && f.date <= to)
            .count();
        assert_eq!(r.findings.len(), inside, "{now}");
    }
    // After quarter 2's due date every grade not set is overdue, dated 25.12.
    let r = run_range(
        &db,
        "2025-12-27 18:00",
        Some("2025-12-25"),
        Some("2025-12-25"),
    );
    assert!(!keys(&r.findings, Rule::GradeOverdue).is_empty());
    assert!(
        r.findings
            .iter()
            .filter(|f| f.rule == Rule::GradeOverdue)
            .all(|f| f.date == d("2025-12-25"))
    );
}

// ---------------------------------------------------------------------------
// Attendance entered after the day's deadline (seed 003 §3.6)

/// Sets lesson `id`'s attendance as taken at local time `local`
/// ("YYYY-MM-DD HH:MM:SS"), stored in UTC as the application stores it.
fn attendance_taken(db: &Db, id: i64, local: &str) {
    exec(
        db,
        &format!(
            "UPDATE lesson SET attendance_taken_at =
                 strftime('%Y-%m-%dT%H:%M:%SZ', '{local}', 'utc') WHERE id = {id}"
        ),
    );
}

#[test]
fn attendance_entered_after_17_30_of_the_lesson_day_is_listed_and_stays_listed() {
    let (_dir, db) = school();
    lesson(&db, 1, 1, 1, 1, "2025-11-05", 1);
    lesson(&db, 2, 1, 2, 2, "2025-11-05", 2);
    lesson(&db, 3, 1, 1, 1, "2025-11-06", 1);
    lesson(&db, 4, 2, 1, 3, "2025-11-06", 2);
    // On the day, before and exactly at the deadline: on time.
    attendance_taken(&db, 1, "2025-11-05 17:29:59");
    attendance_taken(&db, 2, "2025-11-05 17:30:00");
    // One second late, and a year late.
    attendance_taken(&db, 3, "2025-11-06 17:30:01");
    attendance_taken(&db, 4, "2026-11-06 09:00:00");
    let findings = run(&db, "2026-11-07 10:00");
    let mut late = keys(&findings, Rule::AttendanceLate);
    late.sort();
    assert_eq!(late, vec!["lesson:3".to_string(), "lesson:4".to_string()]);
    // Taking it a year later cleared "not taken" but not the lateness.
    assert!(keys(&findings, Rule::LessonNoAttendance).is_empty());
    let late = findings
        .iter()
        .find(|f| f.rule == Rule::AttendanceLate && f.key == "lesson:4")
        .expect("lesson 4 is listed");
    assert_eq!(late.date, d("2025-11-06"));
    assert_eq!(late.severity, Severity::Warning);
    assert!(late.detail.contains("06.11.2026 09:00"), "{}", late.detail);
    assert!(late.detail.contains("due 17:30"), "{}", late.detail);
    assert!(
        matches!(late.target, Target::Attendance { .. }),
        "{:?}",
        late.target
    );
}

#[test]
fn the_attendance_deadline_follows_the_entry_deadline_setting() {
    let (_dir, db) = school();
    lesson(&db, 1, 1, 1, 1, "2025-11-05", 1);
    attendance_taken(&db, 1, "2025-11-05 18:10:00");
    assert_eq!(
        keys(&run(&db, "2025-11-10 10:00"), Rule::AttendanceLate).len(),
        1
    );
    exec(
        &db,
        "INSERT OR REPLACE INTO setting (key, value) VALUES ('entry_deadline', '18:30')",
    );
    assert!(keys(&run(&db, "2025-11-10 10:00"), Rule::AttendanceLate).is_empty());
}
