//! The review's rules against a small hand-built school: for each rule a
//! case where it fires and one where it must not (the boundary or the
//! fix). Also acknowledgement (kept, attributable, undoable), severities
//! from the settings, the journal keeping counts, and the CLI's exit codes.

use chrono::{NaiveDate, NaiveDateTime};
use tempfile::TempDir;

use classbook::domain::review::{Rule, Severity};
use classbook::service::review::{self, Finding, ReviewQuery, Target};
use classbook::store::{self, Db, OpenMode, OpenOptions};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date")
}

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("a time")
}

/// A school with year 2025/26, quarters 1–2 and half-year 1, classes 5А
/// (grade 5: Иванова Мария, Nguyễn Thị Hương, 王小明) and 2Б (grade 2:
/// Смирнов Пётр), subjects Математика and Русский язык, three teachers
/// (Петрова, Trần, 李), and a timetable: 5А Monday lesson 1 Математика
/// (Петрова), Tuesday lesson 2 Русский язык (Trần); 2Б Monday lesson 2
/// Математика (Trần). No lessons are recorded.
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
    db.conn()
        .execute_batch(
            "INSERT INTO school (id, name, short_name) VALUES (1, 'Школа № 1', 'Школа 1');
             INSERT INTO school_year (id, label, starts_on, ends_on) VALUES (1, '2025/26', '2025-09-01', '2026-05-31');
             INSERT INTO period (id, year_id, kind, number, label, starts_on, ends_on) VALUES
               (1, 1, 'quarter', 1, '1 четверть', '2025-09-01', '2025-10-24'),
               (2, 1, 'quarter', 2, '2 четверть', '2025-11-03', '2025-12-28'),
               (3, 1, 'half', 1, '1 полугодие', '2025-09-01', '2025-12-28');
             INSERT INTO holiday (year_id, kind, label, starts_on, ends_on) VALUES
               (1, 'holiday', 'Осенние каникулы', '2025-10-25', '2025-11-02');
             INSERT INTO bell (year_id, lesson_no, starts_at, ends_at) VALUES
               (1, 1, '08:30', '09:15'), (1, 2, '09:25', '10:10');
             INSERT INTO staff (id, family_name, given_name, patronymic) VALUES
               (1, 'Петрова', 'Анна', 'Викторовна'), (2, 'Trần', 'Văn Nam', NULL), (3, '李', '华', NULL);
             INSERT INTO staff_role (staff_id, role) VALUES (1, 'teacher'), (2, 'teacher'), (3, 'teacher');
             INSERT INTO class (id, year_id, grade, letter, name, class_teacher_id) VALUES
               (1, 1, 5, 'А', '5А', 1), (2, 1, 2, 'Б', '2Б', 2);
             INSERT INTO subject (id, name, short_name) VALUES (1, 'Математика', 'Мат'), (2, 'Русский язык', 'Рус');
             INSERT INTO curriculum (class_id, subject_id, hours_per_week) VALUES (1, 1, 1), (1, 2, 1), (2, 1, 1);
             INSERT INTO workload (class_id, subject_id, teacher_id) VALUES (1, 1, 1), (1, 2, 2), (2, 1, 2);
             INSERT INTO student (id, family_name, given_name, patronymic, birth_date, sex) VALUES
               (1, 'Иванова', 'Мария', 'Сергеевна', '2014-03-12', 'F'),
               (2, 'Nguyễn', 'Thị Hương', NULL, '2014-07-30', 'F'),
               (3, '王', '小明', NULL, '2013-12-01', 'M'),
               (4, 'Смирнов', 'Пётр', NULL, '2018-01-01', 'M');
             INSERT INTO enrolment (student_id, class_id, starts_on, start_reason, start_order_no, start_order_date) VALUES
               (1, 1, '2025-09-01', 'start_of_year', '1', '2025-08-30'),
               (2, 1, '2025-09-01', 'start_of_year', '1', '2025-08-30'),
               (3, 1, '2025-09-01', 'start_of_year', '1', '2025-08-30'),
               (4, 2, '2025-09-01', 'start_of_year', '1', '2025-08-30');
             INSERT INTO timetable (id, year_id, weekday, lesson_no, class_id, subject_id, teacher_id, valid_from) VALUES
               (1, 1, 1, 1, 1, 1, 1, '2025-09-01'),
               (2, 1, 2, 2, 1, 2, 2, '2025-09-01'),
               (3, 1, 1, 2, 2, 1, 2, '2025-09-01');",
        )
        .expect("the fixture loads");
    (dir, db)
}

fn exec(db: &Db, sql: &str) {
    db.conn().execute_batch(sql).expect("fixture SQL runs");
}

fn form(db: &Db, weight: u8, kind: &str) -> i64 {
    db.conn()
        .query_row(
            "SELECT id FROM control_form WHERE weight = ?1 AND deadline_kind = ?2 ORDER BY id LIMIT 1",
            rusqlite::params![weight, kind],
            |r| r.get(0),
        )
        .unwrap_or_else(|_| panic!("a form of weight {weight}, kind {kind}"))
}

/// Record a complete, timely lesson (topic, homework, attendance taken).
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

fn mark(db: &Db, id: i64, lesson: i64, student: i64, symbol: &str, form: i64, entered: &str) {
    let (value, due, comment) = match symbol {
        "*" => ("4", "'2025-09-20'", "NULL"),
        "°" => ("NULL", "NULL", "'болел'"),
        "Н" => ("NULL", "NULL", "NULL"),
        v => (v, "NULL", "NULL"),
    };
    exec(
        db,
        &format!(
            "INSERT INTO mark (id, lesson_id, student_id, symbol, value, control_form_id, weight, due_on,
                 comment, entered_at, entered_by)
             VALUES ({id}, {lesson}, {student}, '{symbol}', {value}, {form},
                 (SELECT weight FROM control_form WHERE id = {form}), {due}, {comment}, '{entered}', 'test')"
        ),
    );
}

fn run(db: &Db, now: &str) -> Vec<Finding> {
    run_range(db, now, None, None)
}

fn run_range(db: &Db, now: &str, from: Option<&str>, to: Option<&str>) -> Vec<Finding> {
    review::run(
        db.conn(),
        &ReviewQuery {
            from: from.map(d),
            to: to.map(d),
            now: at(now),
        },
    )
    .expect("the review runs")
    .findings
}

fn keys(findings: &[Finding], rule: Rule) -> Vec<String> {
    findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| f.key.clone())
        .collect()
}

#[test]
fn unrecorded_timetable_lessons_are_due_after_the_deadline_of_their_day() {
    let (_dir, db) = school();
    // Monday 08.09 after 17:30: 5А lesson 1 and 2Б lesson 2 of 01.09 and 08.09,
    // and 5А's Tuesday 02.09 lesson.
    let f = run_range(&db, "2025-09-08 18:00", None, None);
    let mut got = keys(&f, Rule::LessonUnrecorded);
    got.sort();
    assert_eq!(
        got,
        [
            "slot:1:2025-09-01",
            "slot:1:2025-09-08",
            "slot:2:2025-09-02",
            "slot:3:2025-09-01",
            "slot:3:2025-09-08"
        ]
    );
    let one = f
        .iter()
        .find(|f| f.key == "slot:1:2025-09-08")
        .expect("found");
    assert_eq!(one.severity, Severity::Error);
    assert_eq!(
        (one.class.as_str(), one.subject.as_str()),
        ("5А", "Математика")
    );
    assert_eq!(one.teacher, "Петрова Анна Викторовна");
    assert_eq!(
        one.target,
        Target::Journal {
            class_id: 1,
            subject_id: 1,
            date: d("2025-09-08"),
            lesson_no: Some(1),
            lesson_id: None,
            student_id: None
        }
    );
    // Before 17:30 the day's lessons are not due yet.
    let f = run(&db, "2025-09-08 12:00");
    assert!(!keys(&f, Rule::LessonUnrecorded).contains(&"slot:1:2025-09-08".to_string()));
    // Holidays are no school days: nothing due from 25.10 to 02.11.
    let f = run_range(
        &db,
        "2025-11-05 18:00",
        Some("2025-10-25"),
        Some("2025-11-02"),
    );
    assert!(keys(&f, Rule::LessonUnrecorded).is_empty());
    // Recording the lessons clears them.
    lesson(&db, 1, 1, 1, 1, "2025-09-01", 1);
    lesson(&db, 2, 1, 2, 2, "2025-09-02", 2);
    lesson(&db, 3, 2, 1, 2, "2025-09-01", 2);
    let f = run_range(&db, "2025-09-05 18:00", None, None);
    assert!(keys(&f, Rule::LessonUnrecorded).is_empty(), "{f:#?}");
}

#[test]
fn a_record_made_after_the_deadline_is_a_late_record() {
    let (_dir, db) = school();
    lesson(&db, 1, 1, 1, 1, "2025-09-01", 1);
    let f = run(&db, "2025-09-05 18:00");
    assert!(keys(&f, Rule::LessonRecordedLate).is_empty());
    exec(
        &db,
        "UPDATE lesson SET recorded_at = '2025-09-02T09:10:00Z' WHERE id = 1",
    );
    let f = run(&db, "2025-09-05 18:00");
    assert_eq!(keys(&f, Rule::LessonRecordedLate), ["lesson:1"]);
}

#[test]
fn held_lessons_need_attendance_a_topic_and_a_homework_entry() {
    let (_dir, db) = school();
    lesson(&db, 1, 1, 1, 1, "2025-09-01", 1);
    let f = run(&db, "2025-09-05 18:00");
    for rule in [
        Rule::LessonNoAttendance,
        Rule::LessonNoTopic,
        Rule::LessonNoHomework,
    ] {
        assert!(
            keys(&f, rule).is_empty(),
            "{rule:?} fired on a complete lesson"
        );
    }
    exec(
        &db,
        "UPDATE lesson SET attendance_taken_at = NULL, topic = '  ', homework = NULL, homework_kind = NULL WHERE id = 1",
    );
    let f = run(&db, "2025-09-05 18:00");
    for rule in [
        Rule::LessonNoAttendance,
        Rule::LessonNoTopic,
        Rule::LessonNoHomework,
    ] {
        assert_eq!(keys(&f, rule), ["lesson:1"], "{rule:?}");
    }
    let att = f
        .iter()
        .find(|f| f.rule == Rule::LessonNoAttendance)
        .expect("found");
    assert_eq!(
        att.target,
        Target::Attendance {
            class_id: 1,
            date: d("2025-09-01"),
            lesson_no: 1,
            lesson_id: 1,
            student_id: None
        }
    );
    // A fixed entry ("not assigned") is a homework entry.
    exec(
        &db,
        "UPDATE lesson SET homework_kind = 'not_assigned' WHERE id = 1",
    );
    let f = run(&db, "2025-09-05 18:00");
    assert!(keys(&f, Rule::LessonNoHomework).is_empty());
}

#[test]
fn marks_are_late_after_15_7_or_3_days_by_their_form() {
    let (_dir, db) = school();
    lesson(&db, 1, 1, 1, 1, "2025-09-08", 1);
    let current = form(&db, 1, "current");
    let written = form(&db, 2, "written");
    // Current: due by 23.09; written: due by 11.09.
    mark(&db, 1, 1, 1, "5", current, "2025-09-23T12:00:00Z");
    mark(&db, 2, 1, 2, "4", current, "2025-09-25T12:00:00Z");
    mark(&db, 3, 1, 3, "3", written, "2025-09-11T12:00:00Z");
    let f = run(&db, "2025-10-01 18:00");
    assert_eq!(keys(&f, Rule::MarkLate), ["mark:2"]);
    exec(
        &db,
        "UPDATE mark SET entered_at = '2025-09-12T12:00:00Z' WHERE id = 3",
    );
    let f = run(&db, "2025-10-01 18:00");
    assert_eq!(keys(&f, Rule::MarkLate), ["mark:2", "mark:3"]);
    let m = f.iter().find(|f| f.key == "mark:3").expect("found");
    assert_eq!(m.student, "王 小明");
    assert!(m.detail.contains("due by 11.09 (3 days)"), "{}", m.detail);
}

#[test]
fn pending_marks_past_their_deadline_and_stale_deferred_marks() {
    let (_dir, db) = school();
    lesson(&db, 1, 1, 1, 1, "2025-09-08", 1);
    let current = form(&db, 1, "current");
    mark(&db, 1, 1, 1, "*", current, "2025-09-08T12:00:00Z"); // due 20.09
    mark(&db, 2, 1, 2, "°", current, "2025-09-08T12:00:00Z");
    // On 15.09: the pending mark is not due; the deferred one is 5 school
    // days old (9–12, 15.09): still within a school week.
    let f = run(&db, "2025-09-15 18:00");
    assert!(keys(&f, Rule::PendingOverdue).is_empty());
    assert!(keys(&f, Rule::DeferredStale).is_empty());
    // On 22.09 both are overdue.
    let f = run(&db, "2025-09-22 18:00");
    assert_eq!(keys(&f, Rule::PendingOverdue), ["mark:1"]);
    assert_eq!(keys(&f, Rule::DeferredStale), ["mark:2"]);
    // Resolving them (the corrected mark, a real mark) clears both.
    exec(
        &db,
        "UPDATE mark SET symbol = '5', value = 5, due_on = NULL WHERE id = 1;
         UPDATE mark SET symbol = '4', value = 4, comment = NULL WHERE id = 2;",
    );
    let f = run(&db, "2025-09-22 18:00");
    assert!(keys(&f, Rule::PendingOverdue).is_empty());
    assert!(keys(&f, Rule::DeferredStale).is_empty());
}

#[test]
fn absences_need_a_reason_by_the_end_of_their_day() {
    let (_dir, db) = school();
    lesson(&db, 1, 1, 1, 1, "2025-09-08", 1);
    exec(
        &db,
        "INSERT INTO attendance (lesson_id, student_id, code_id, set_by, set_at)
         SELECT 1, 2, id, 'test', '2025-09-08T06:00:00Z' FROM attendance_code
         WHERE category = 'absent_unspecified' ORDER BY id LIMIT 1",
    );
    // The same day: still time to give the reason.
    let f = run(&db, "2025-09-08 18:00");
    assert!(keys(&f, Rule::ReasonNotGiven).is_empty());
    let f = run(&db, "2025-09-09 09:00");
    assert_eq!(keys(&f, Rule::ReasonNotGiven), ["attendance:1:2"]);
    let a = f
        .iter()
        .find(|f| f.rule == Rule::ReasonNotGiven)
        .expect("found");
    assert_eq!(a.student, "Nguyễn Thị Hương");
    // The class teacher gives reasons.
    assert_eq!(a.teacher, "Петрова Анна Викторовна");
    exec(
        &db,
        "UPDATE attendance SET code_id = (SELECT id FROM attendance_code
             WHERE category = 'absent_excused' ORDER BY id LIMIT 1)",
    );
    let f = run(&db, "2025-09-09 09:00");
    assert!(keys(&f, Rule::ReasonNotGiven).is_empty());
}

#[test]
fn every_present_student_of_a_control_event_is_marked() {
    let (_dir, db) = school();
    lesson(&db, 1, 1, 1, 1, "2025-09-08", 1);
    let control = form(&db, 2, "written");
    exec(
        &db,
        &format!("UPDATE lesson SET control_form_id = {control} WHERE id = 1"),
    );
    mark(&db, 1, 1, 1, "5", control, "2025-09-09T12:00:00Z");
    // Student 2 absent (excused): exempt. Student 3 present, unmarked.
    exec(
        &db,
        "INSERT INTO attendance (lesson_id, student_id, code_id, set_by, set_at)
         SELECT 1, 2, id, 'test', '2025-09-08T06:00:00Z' FROM attendance_code
         WHERE category = 'absent_excused' ORDER BY id LIMIT 1",
    );
    // Within the written work's 3 days: not yet.
    let f = run(&db, "2025-09-11 18:00");
    assert!(keys(&f, Rule::ControlUnmarked).is_empty());
    let f = run(&db, "2025-09-12 18:00");
    assert_eq!(keys(&f, Rule::ControlUnmarked), ["lesson:1:student:3"]);
    // A weight-1 form is no control event.
    exec(
        &db,
        &format!(
            "UPDATE lesson SET control_form_id = {} WHERE id = 1",
            form(&db, 1, "current")
        ),
    );
    let f = run(&db, "2025-09-12 18:00");
    assert!(keys(&f, Rule::ControlUnmarked).is_empty());
}

/// 王 (student 3) absent excused at 5А's lessons on `days`; a written
/// control work on Monday 15.09 marks the two others.
fn control_after_absence(db: &Db, days: &[&str]) -> Vec<String> {
    control_on_after_absence(db, "2025-09-15", days)
}

/// The same with the control work on `control` (after 12.09, no lessons
/// between), reviewed five days later.
fn control_on_after_absence(db: &Db, control: &str, days: &[&str]) -> Vec<String> {
    for (i, day) in [
        "2025-09-08",
        "2025-09-09",
        "2025-09-10",
        "2025-09-11",
        "2025-09-12",
    ]
    .iter()
    .enumerate()
    {
        let id = 10 + i as i64;
        lesson(db, id, 1, 1, 1, day, 1);
        if days.contains(day) {
            exec(
                db,
                &format!(
                    "INSERT INTO attendance (lesson_id, student_id, code_id, set_by, set_at)
                     SELECT {id}, 3, id, 'test', '{day}T06:00:00Z' FROM attendance_code
                     WHERE category = 'absent_excused' ORDER BY id LIMIT 1"
                ),
            );
        }
    }
    lesson(db, 1, 1, 1, 1, control, 1);
    let control_date = d(control);
    let control = form(db, 2, "written");
    exec(
        db,
        &format!("UPDATE lesson SET control_form_id = {control} WHERE id = 1"),
    );
    let entered = format!("{control_date}T12:00:00Z");
    mark(db, 1, 1, 1, "5", control, &entered);
    mark(db, 2, 1, 2, "4", control, &entered);
    let review_at = control_date + chrono::Days::new(5);
    keys(
        &run(db, &format!("{review_at} 18:00")),
        Rule::ControlUnmarked,
    )
}

#[test]
fn a_student_back_from_a_long_excused_absence_is_exempt_from_a_control_work() {
    // Five school days away (the default of control_exempt_absence_school_days).
    let (_dir, db) = school();
    let all = [
        "2025-09-08",
        "2025-09-09",
        "2025-09-10",
        "2025-09-11",
        "2025-09-12",
    ];
    assert!(control_after_absence(&db, &all).is_empty());
    // Four are not long.
    let (_dir, db) = school();
    assert_eq!(
        control_after_absence(&db, &all[1..]),
        ["lesson:1:student:3"]
    );
    // Nor five with a day at school between.
    let (_dir, db) = school();
    assert_eq!(
        control_after_absence(&db, &all[..4]),
        ["lesson:1:student:3"]
    );
    // The number is a setting.
    let (_dir, db) = school();
    exec(
        &db,
        "INSERT OR REPLACE INTO setting (key, value) VALUES ('control_exempt_absence_school_days', '4')",
    );
    assert!(control_after_absence(&db, &all[1..]).is_empty());
    // Absent excused on the work's day itself (at another lesson): exempt.
    let (_dir, db) = school();
    lesson(&db, 20, 1, 2, 2, "2025-09-15", 2);
    exec(
        &db,
        "INSERT INTO attendance (lesson_id, student_id, code_id, set_by, set_at)
         SELECT 20, 3, id, 'test', '2025-09-15T07:00:00Z' FROM attendance_code
         WHERE category = 'absent_excused' ORDER BY id LIMIT 1",
    );
    assert!(control_after_absence(&db, &[]).is_empty());
    // The absence must have ended within a week (7 days) before the work.
    let (_dir, db) = school();
    assert!(control_on_after_absence(&db, "2025-09-19", &all).is_empty());
    let (_dir, db) = school();
    assert_eq!(
        control_on_after_absence(&db, "2025-09-22", &all),
        ["lesson:1:student:3"]
    );
}

#[test]
fn too_few_marks_show_from_two_weeks_before_grades_are_due() {
    let (_dir, db) = school();
    // Quarter 2 ends 28.12; grades due 25.12; listed from 11.12.
    lesson(&db, 1, 1, 1, 1, "2025-12-01", 1);
    lesson(&db, 2, 1, 1, 1, "2025-12-08", 1);
    lesson(&db, 3, 1, 1, 1, "2025-12-15", 1);
    let current = form(&db, 1, "current");
    for (i, l) in [1, 2, 3].into_iter().enumerate() {
        mark(
            &db,
            10 + i as i64,
            l,
            1,
            "5",
            current,
            "2025-12-15T12:00:00Z",
        );
    }
    mark(&db, 20, 1, 2, "4", current, "2025-12-15T12:00:00Z");
    mark(&db, 21, 2, 2, "Н", current, "2025-12-15T12:00:00Z");
    let f = run_range(&db, "2025-12-05 18:00", Some("2025-11-03"), None);
    assert!(keys(&f, Rule::NotAttestable).is_empty(), "too early");
    let f = run_range(&db, "2025-12-16 18:00", Some("2025-11-03"), None);
    // Student 1 has 3 marks; 2 has one (Н does not count); 3 has none.
    // Only Математика had lessons.
    assert_eq!(
        keys(&f, Rule::NotAttestable),
        [
            "period:2:student:2:subject:1",
            "period:2:student:3:subject:1"
        ]
    );
    // A final grade (here: not attested) settles it.
    exec(
        &db,
        "INSERT INTO period_grade (student_id, subject_id, period_id, class_id, final)
         VALUES (3, 1, 2, 1, 'na')",
    );
    let f = run_range(&db, "2025-12-16 18:00", Some("2025-11-03"), None);
    assert_eq!(
        keys(&f, Rule::NotAttestable),
        ["period:2:student:2:subject:1"]
    );
}

#[test]
fn a_final_grade_other_than_the_suggestion_is_noted() {
    let (_dir, db) = school();
    lesson(&db, 1, 1, 1, 1, "2025-09-08", 1);
    lesson(&db, 2, 1, 1, 1, "2025-09-15", 1);
    lesson(&db, 3, 1, 1, 1, "2025-09-22", 1);
    let current = form(&db, 1, "current");
    for (i, (l, v)) in [(1, "5"), (2, "5"), (3, "4")].into_iter().enumerate() {
        mark(&db, 10 + i as i64, l, 1, v, current, "2025-09-22T12:00:00Z");
    }
    // Mean 4.67 → 5.
    exec(
        &db,
        "INSERT INTO period_grade (student_id, subject_id, period_id, class_id, final)
         VALUES (1, 1, 1, 1, '5')",
    );
    let f = run(&db, "2025-10-30 18:00");
    assert!(keys(&f, Rule::FinalDiffers).is_empty());
    exec(&db, "UPDATE period_grade SET final = '4'");
    let f = run(&db, "2025-10-30 18:00");
    assert_eq!(
        keys(&f, Rule::FinalDiffers),
        ["period:1:student:1:subject:1"]
    );
    let g = f
        .iter()
        .find(|f| f.rule == Rule::FinalDiffers)
        .expect("found");
    assert_eq!(g.severity, Severity::Info);
    assert!(g.detail.contains("final 4, suggested 5"), "{}", g.detail);
}

#[test]
fn homework_minutes_above_the_grade_band_limit() {
    let (_dir, db) = school();
    lesson(&db, 1, 1, 1, 1, "2025-09-08", 1); // 5А
    lesson(&db, 2, 2, 1, 2, "2025-09-08", 2); // 2Б
    exec(&db, "UPDATE lesson SET homework_minutes = 20 WHERE id = 1");
    exec(
        &db,
        "UPDATE lesson SET homework_kind = 'not_assigned', homework = NULL WHERE id = 2",
    );
    let f = run(&db, "2025-09-09 18:00");
    assert!(keys(&f, Rule::HomeworkOverLimit).is_empty());
    exec(&db, "UPDATE lesson SET homework_minutes = 25 WHERE id = 1");
    exec(
        &db,
        "UPDATE lesson SET homework_kind = 'text', homework = 'прописи', homework_minutes = 10 WHERE id = 2",
    );
    let f = run(&db, "2025-09-09 18:00");
    assert_eq!(
        keys(&f, Rule::HomeworkOverLimit),
        ["class:2:date:2025-09-08", "class:1:date:2025-09-08"]
    );
}

#[test]
fn homework_limits_are_a_students_so_parallel_groups_count_once() {
    let (_dir, db) = school();
    // 5А Русский in two parallel groups: Иванова and Nguyễn in group 1, 王 in 2.
    exec(
        &db,
        "INSERT INTO class_group (id, class_id, name) VALUES (1, 1, '1 гр.'), (2, 1, '2 гр.');
         INSERT INTO group_member (group_id, student_id) VALUES (1, 1), (1, 2), (2, 3);",
    );
    lesson(&db, 3, 1, 2, 2, "2025-09-08", 2);
    exec(
        &db,
        "UPDATE lesson SET group_id = 1, homework_minutes = 20 WHERE id = 3",
    );
    lesson(&db, 4, 1, 2, 2, "2025-09-08", 2);
    exec(
        &db,
        "UPDATE lesson SET group_id = 2, homework_minutes = 20 WHERE id = 4",
    );
    // 20 + 20 across the groups, but 20 for every student: at the limit.
    let f = run(&db, "2025-09-09 18:00");
    assert!(keys(&f, Rule::HomeworkOverLimit).is_empty());
    // A whole-class lesson of the subject the same day: group 1 gets 10 + 20
    // (over), group 2, its homework cut to 10, gets 10 + 10 (at the limit).
    lesson(&db, 5, 1, 2, 2, "2025-09-08", 1);
    exec(
        &db,
        "UPDATE lesson SET homework_minutes = 10 WHERE id IN (4, 5)",
    );
    let f = run(&db, "2025-09-09 18:00");
    let over: Vec<&Finding> = f
        .iter()
        .filter(|x| x.rule == Rule::HomeworkOverLimit)
        .collect();
    assert_eq!(over.len(), 1);
    assert_eq!(over[0].key, "class:1:date:2025-09-08");
    assert!(
        over[0].detail.contains("30 min for 2 students"),
        "{}",
        over[0].detail
    );
    // Exactly at the limit for group 1 (whole-class 0 + 20): no finding; the
    // other group at 10 + 10 neither.
    exec(
        &db,
        "UPDATE lesson SET homework_minutes = 10 WHERE id IN (3, 4)",
    );
    let f = run(&db, "2025-09-09 18:00");
    assert!(keys(&f, Rule::HomeworkOverLimit).is_empty());
    // One minute more for group 2 only: 王 alone is over.
    exec(&db, "UPDATE lesson SET homework_minutes = 11 WHERE id = 4");
    let f = run(&db, "2025-09-09 18:00");
    let over: Vec<&Finding> = f
        .iter()
        .filter(|x| x.rule == Rule::HomeworkOverLimit)
        .collect();
    assert_eq!(over.len(), 1);
    assert!(
        over[0].detail.contains("21 min for 1 student"),
        "{}",
        over[0].detail
    );
}

#[test]
fn a_teacher_with_three_unexcused_training_absences_fails() {
    let (_dir, db) = school();
    exec(
        &db,
        "INSERT INTO training_plan (id, year_id, semester, title, starts_on, ends_on)
         VALUES (1, 1, 1, 'План 1', '2025-09-01', '2025-12-31');
         INSERT INTO training_session (id, plan_id, date, starts_at, ends_at, hours, topic, format, credits) VALUES
           (1, 1, '2025-09-10', '15:00', '16:00', 1, 'Тема 1', 'lecture', 2),
           (2, 1, '2025-09-17', '15:00', '16:00', 1, 'Тема 2', 'lecture', 2),
           (3, 1, '2025-09-24', '15:00', '16:00', 1, 'Тема 3', 'lecture', 2);
         INSERT INTO training_attendance (session_id, staff_id, status, set_by, set_at)
         SELECT s.id, 3, (SELECT code FROM training_status WHERE category = 'unexcused' ORDER BY sort LIMIT 1),
                'test', '2025-09-24T12:00:00Z'
         FROM training_session s WHERE s.id IN (1, 2);",
    );
    let f = run(&db, "2025-09-30 18:00");
    assert!(keys(&f, Rule::TrainingFail).is_empty(), "two absences pass");
    exec(
        &db,
        "INSERT INTO training_attendance (session_id, staff_id, status, set_by, set_at)
         VALUES (3, 3, (SELECT code FROM training_status WHERE category = 'unexcused' ORDER BY sort LIMIT 1),
                 'test', '2025-09-24T12:00:00Z')",
    );
    let f = run(&db, "2025-09-30 18:00");
    assert_eq!(keys(&f, Rule::TrainingFail), ["staff:3:year:1"]);
    let t = f
        .iter()
        .find(|f| f.rule == Rule::TrainingFail)
        .expect("found");
    assert_eq!(t.teacher, "李 华");
    assert_eq!(t.target, Target::Training { teacher_id: 3 });
}

#[test]
fn acknowledging_keeps_a_note_with_who_and_is_undoable() {
    let (_dir, mut db) = school();
    lesson(&db, 1, 1, 1, 1, "2025-09-01", 1);
    exec(&db, "UPDATE lesson SET topic = NULL WHERE id = 1");
    let entries = db
        .write(|tx| {
            review::acknowledge(
                tx,
                "завуч",
                Rule::LessonNoTopic,
                "lesson:1",
                "урок-экскурсия, тема в плане",
            )
        })
        .expect("acknowledged");
    assert_eq!(entries.len(), 1);
    let f = run(&db, "2025-09-05 18:00");
    let a = f
        .iter()
        .find(|f| f.rule == Rule::LessonNoTopic)
        .expect("still listed");
    let ack = a.ack.as_ref().expect("acknowledged");
    assert_eq!(ack.acked_by, "завуч");
    assert_eq!(ack.note, "урок-экскурсия, тема в плане");
    let audit = store::audit::get(db.conn(), entries[0])
        .expect("reads")
        .expect("an audit entry");
    assert_eq!(audit.operator, "завуч");
    assert_eq!(audit.entity, "review_ack");
    // An empty note is refused and changes nothing.
    let err = db
        .write(|tx| review::acknowledge(tx, "завуч", Rule::LessonNoTopic, "lesson:1", "  "))
        .expect_err("refused");
    assert!(err.to_string().contains("note"), "{err}");
    // Undo removes it.
    db.write(|tx| store::audit::undo_group(tx, "завуч", &entries))
        .expect("undone");
    let f = run(&db, "2025-09-05 18:00");
    assert!(
        f.iter()
            .find(|f| f.rule == Rule::LessonNoTopic)
            .expect("listed")
            .ack
            .is_none()
    );
}

#[test]
fn severities_come_from_the_settings() {
    let (_dir, db) = school();
    lesson(&db, 1, 1, 1, 1, "2025-09-01", 1);
    exec(&db, "UPDATE lesson SET topic = NULL WHERE id = 1");
    let mut s = store::settings::load(db.conn()).expect("settings");
    s.set("severity.lesson.no_topic", "error").expect("valid");
    assert!(s.set("severity.lesson.no_topic", "fatal").is_err());
    assert!(s.set("severity.no.such.rule", "error").is_err());
    store::settings::save(db.conn(), &s).expect("saved");
    let f = run(&db, "2025-09-05 18:00");
    let t = f
        .iter()
        .find(|f| f.rule == Rule::LessonNoTopic)
        .expect("found");
    assert_eq!(t.severity, Severity::Error);
}

#[test]
fn journal_keeping_counts_per_teacher_who_taught() {
    let (_dir, db) = school();
    lesson(&db, 1, 1, 1, 1, "2025-09-01", 1);
    lesson(&db, 2, 1, 1, 1, "2025-09-08", 1);
    lesson(&db, 3, 1, 2, 2, "2025-09-02", 2);
    // Lesson 2 was taught by 李 as a substitute, without homework or attendance.
    exec(
        &db,
        "UPDATE lesson SET taught_by_id = 3, homework = NULL, homework_kind = NULL,
             attendance_taken_at = NULL WHERE id = 2;
         UPDATE lesson SET topic = NULL WHERE id = 3;",
    );
    let current = form(&db, 1, "current");
    mark(&db, 1, 1, 1, "5", current, "2025-09-10T12:00:00Z");
    mark(&db, 2, 1, 2, "4", current, "2025-09-30T12:00:00Z"); // late
    let settings = store::settings::load(db.conn()).expect("settings");
    let k = classbook::service::keeping::journal_keeping(
        db.conn(),
        &settings,
        d("2025-09-01"),
        d("2025-09-30"),
        d("2025-10-01"),
    )
    .expect("counts");
    let row = |name: &str| k.iter().find(|t| t.teacher == name).expect(name).clone();
    let p = row("Петрова Анна Викторовна");
    assert_eq!(
        (
            p.lessons,
            p.with_topic,
            p.with_homework,
            p.with_attendance,
            p.marks,
            p.marks_on_time
        ),
        (1, 1, 1, 1, 2, 1)
    );
    let l = row("李 华");
    assert_eq!((l.lessons, l.with_homework, l.with_attendance), (1, 0, 0));
    let t = row("Trần Văn Nam");
    assert_eq!((t.lessons, t.with_topic), (1, 0));
    use classbook::service::keeping::percent;
    assert_eq!(percent(t.with_topic, t.lessons), Some(0.0));
    assert_eq!(percent(p.marks_on_time, p.marks), Some(50.0));
}

#[test]
fn the_cli_exits_1_on_errors_and_0_when_only_warnings_remain() {
    let (dir, db) = school();
    exec(&db, "UPDATE school SET as_of = '2025-09-05'");
    lesson(&db, 1, 1, 1, 1, "2025-09-01", 1);
    lesson(&db, 2, 1, 2, 2, "2025-09-02", 2);
    lesson(&db, 3, 2, 1, 2, "2025-09-01", 2);
    exec(&db, "UPDATE lesson SET topic = NULL WHERE id = 1");
    drop(db);
    let path = dir.path().join("school.sqlite");
    let bin = env!("CARGO_BIN_EXE_classbook");
    let out = std::process::Command::new(bin)
        .args([
            "--db",
            path.to_str().expect("utf-8"),
            "review",
            "--format",
            "csv",
        ])
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = String::from_utf8(out.stdout).expect("utf-8");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "severity,rule,date,class,subject,teacher,student,detail,key,acknowledged_by,acknowledged_at,note"
        )
    );
    let rest: Vec<&str> = lines.collect();
    assert_eq!(rest.len(), 1, "{csv}");
    assert!(
        rest[0].starts_with(
            "warning,lesson.no_topic,2025-09-01,5А,Математика,Петрова Анна Викторовна,,"
        )
    );
    // Remove attendance: an error; exit 1 (text).
    let db = store::open(&path, &OpenOptions::default()).expect("opens");
    exec(
        &db,
        "UPDATE lesson SET attendance_taken_at = NULL WHERE id = 2",
    );
    // The deputy head who acknowledges below (by `--as`).
    exec(
        &db,
        "INSERT INTO user_role (login, role, granted_by, granted_at)
         VALUES ('завуч', 'deputy', 'fixture', '2025-09-01T00:00:00Z')",
    );
    drop(db);
    let out = std::process::Command::new(bin)
        .args(["--db", path.to_str().expect("utf-8"), "review"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(text.contains("lesson.no_attendance"), "{text}");
    assert!(text.contains("Trần Văn Nam"), "{text}");
    // Acknowledged errors do not count.
    let out = std::process::Command::new(bin)
        .args([
            "--db",
            path.to_str().expect("utf-8"),
            "--as",
            "завуч",
            "review",
            "--rule",
            "lesson.no_attendance",
            "--ack",
            "lesson:2",
            "--note",
            "журнал на бумаге, перенесено",
        ])
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = std::process::Command::new(bin)
        .args([
            "--db",
            path.to_str().expect("utf-8"),
            "review",
            "--format",
            "json",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["errors"], 0);
    assert_eq!(v["acknowledged"], 1);
    // A bad date is a usage error.
    let out = std::process::Command::new(bin)
        .args([
            "--db",
            path.to_str().expect("utf-8"),
            "review",
            "--from",
            "31.02.2025",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("31.02.2025"));
    // So is a range that ends before it starts.
    let out = std::process::Command::new(bin)
        .args([
            "--db",
            path.to_str().expect("utf-8"),
            "review",
            "--from",
            "2025-09-10",
            "--to",
            "2025-09-01",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--from 2025-09-10 is after --to"));
}

#[test]
fn settings_change_a_rules_severity_from_the_command_line() {
    let (dir, db) = school();
    exec(&db, "UPDATE school SET as_of = '2025-09-05'");
    lesson(&db, 1, 1, 1, 1, "2025-09-01", 1);
    exec(&db, "UPDATE lesson SET topic = NULL WHERE id = 1");
    // The administrator the commands below act as (`--as admin`).
    exec(
        &db,
        "INSERT INTO user_role (login, role, granted_by, granted_at)
         VALUES ('admin', 'admin', 'fixture', '2025-09-01T00:00:00Z')",
    );
    drop(db);
    let path = dir.path().join("school.sqlite");
    let bin = env!("CARGO_BIN_EXE_classbook");
    let cb = |args: &[&str]| {
        let mut all = vec!["--db", path.to_str().expect("utf-8"), "--as", "admin"];
        all.extend_from_slice(args);
        std::process::Command::new(bin)
            .args(&all)
            .output()
            .expect("runs")
    };
    let out = cb(&["settings", "set", "severity.lesson.no_topic", "fatal"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("error, warning or info"));
    let out = cb(&["settings", "set", "severity.lesson.no_topic", "error"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = cb(&["settings", "show"]);
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        text.lines()
            .any(|l| l.starts_with("severity.lesson.no_topic") && l.contains(" error ")),
        "{text}"
    );
    // The missing topic is now an error: exit 1.
    let out = cb(&["review", "--rule", "lesson.no_topic"]);
    assert_eq!(out.status.code(), Some(1));
    // The change is in the audit log with who made it.
    let db = store::open(&path, &OpenOptions::default()).expect("opens");
    let (operator, entity): (String, String) = db
        .conn()
        .query_row(
            "SELECT operator, entity FROM audit_log ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("an audit entry");
    let as_admin = format!("{} as admin", store::access::os_login());
    assert_eq!(
        (operator.as_str(), entity.as_str()),
        (as_admin.as_str(), "setting")
    );
}

#[test]
fn a_reader_that_stops_early_ends_the_output_quietly() {
    use std::io::Read;
    let (dir, db) = school();
    exec(&db, "UPDATE school SET as_of = '2025-12-24'");
    // Far more output than a pipe holds: 1,200 bare lessons.
    exec(
        &db,
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 1199)
         INSERT INTO lesson (class_id, subject_id, teacher_id, date, lesson_no)
         SELECT 1, 1, 1, date('2025-09-01', '+' || (i / 12) || ' days'), i % 12 + 1 FROM n",
    );
    drop(db);
    let path = dir.path().join("school.sqlite");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_classbook"))
        .args(["--db", path.to_str().expect("utf-8"), "review"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    // Read one byte, then hang up (as `| head -c1` would).
    let mut out = child.stdout.take().expect("a pipe");
    let mut one = [0u8; 1];
    out.read_exact(&mut one).expect("some output");
    drop(out);
    let mut err = String::new();
    child
        .stderr
        .take()
        .expect("a pipe")
        .read_to_string(&mut err)
        .expect("reads");
    child.wait().expect("ends");
    assert!(err.is_empty(), "{err}");
}
