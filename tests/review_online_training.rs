//! Seed 001's online limits and seed 004's study notes and open lessons in
//! the review (issue 15, item 9): no online lessons below grade 4, at most
//! 90 minutes online a day for a student of grades 4–6, live lessons of at
//! most 30 minutes; 5,000 characters of study notes a semester and one
//! open lesson a year per teacher. For each, a small hand-built school
//! where the rule fires and where it must not, the boundary included; and
//! the writes the services refuse up front.

use chrono::{NaiveDate, NaiveDateTime};
use tempfile::TempDir;

use classbook::domain::LessonMode;
use classbook::domain::review::Rule;
use classbook::service::attendance as att;
use classbook::service::journal::{self as svc, LessonEdit, LessonRef};
use classbook::service::review::{self, Finding, ReviewQuery};
use classbook::store::{self, Db, OpenMode, OpenOptions};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date")
}

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("a time")
}

/// Year 2025/26 (training plans: semester 1 01.09–28.12, semester 2
/// 12.01–31.05); bells of 45 minutes; class 2А (grade 2) with Лебедева
/// Дарья; class 5А (grade 5) with Иванова Анна Петровна (group Г1), Nguyễn
/// Thị Hoa and 欧阳 明 (group Г2); class 8В (grade 8) with Смирнов Пётр.
/// Teachers Петрова, Trần and 李; subjects Математика and Английский язык.
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
           (1, 1, 'quarter', 2, '2 четверть', '2025-11-03', '2025-12-28'),
           (2, 1, 'year', 1, 'Год', '2025-09-01', '2026-05-31');
         INSERT INTO bell (year_id, lesson_no, starts_at, ends_at) VALUES
           (1, 1, '08:30', '09:15'), (1, 2, '09:25', '10:10'), (1, 3, '10:30', '11:15'),
           (1, 4, '11:35', '12:20'), (1, 5, '12:30', '13:15'), (1, 6, '13:25', '14:10');
         INSERT INTO staff (id, family_name, given_name, patronymic) VALUES
           (1, 'Петрова', 'Анна', 'Викторовна'), (2, 'Trần', 'Văn Nam', NULL), (3, '李', '华', NULL);
         INSERT INTO staff_role (staff_id, role) VALUES (1, 'teacher'), (2, 'teacher'), (3, 'teacher');
         INSERT INTO class (id, year_id, grade, letter, name, class_teacher_id) VALUES
           (1, 1, 2, 'А', '2А', 1), (2, 1, 5, 'А', '5А', 2), (3, 1, 8, 'В', '8В', 3);
         INSERT INTO class_group (id, class_id, name) VALUES (1, 2, 'Г1'), (2, 2, 'Г2');
         INSERT INTO subject (id, name, short_name) VALUES (1, 'Математика', 'Мат'), (2, 'Английский язык', 'Англ');
         INSERT INTO curriculum (class_id, subject_id, hours_per_week) VALUES
           (1, 1, 4), (2, 1, 5), (2, 2, 3), (3, 1, 5);
         INSERT INTO workload (class_id, group_id, subject_id, teacher_id) VALUES
           (1, NULL, 1, 1), (2, NULL, 1, 2), (2, 1, 2, 2), (2, 2, 2, 3), (3, NULL, 1, 3);
         INSERT INTO student (id, family_name, given_name, patronymic, birth_date, sex) VALUES
           (1, 'Иванова', 'Анна', 'Петровна', '2014-03-12', 'F'),
           (2, 'Nguyễn', 'Thị Hoa', NULL, '2014-07-30', 'F'),
           (3, '欧阳', '明', NULL, '2013-12-01', 'M'),
           (4, 'Смирнов', 'Пётр', NULL, '2011-01-01', 'M'),
           (5, 'Лебедева', 'Дарья', NULL, '2017-05-05', 'F');
         INSERT INTO enrolment (student_id, class_id, starts_on, start_reason, start_order_no, start_order_date) VALUES
           (1, 2, '2025-09-01', 'start_of_year', '1', '2025-08-30'),
           (2, 2, '2025-09-01', 'start_of_year', '1', '2025-08-30'),
           (3, 2, '2025-09-01', 'start_of_year', '1', '2025-08-30'),
           (4, 3, '2025-09-01', 'start_of_year', '1', '2025-08-30'),
           (5, 1, '2025-09-01', 'start_of_year', '1', '2025-08-30');
         INSERT INTO group_member (group_id, student_id) VALUES (1, 1), (2, 2), (2, 3);
         INSERT INTO training_plan (id, year_id, semester, title, starts_on, ends_on) VALUES
           (1, 1, 1, 'План 1', '2025-09-01', '2025-12-28'),
           (2, 1, 2, 'План 2', '2026-01-12', '2026-05-31');",
    );
    (dir, db)
}

fn exec(db: &Db, sql: &str) {
    db.conn().execute_batch(sql).expect("fixture SQL runs");
}

/// A complete, timely lesson in class (`group` 0: the whole class).
#[allow(clippy::too_many_arguments)]
fn lesson(db: &Db, id: i64, class: i64, group: i64, subject: i64, date: &str, no: u8) {
    let teacher = match (class, group) {
        (1, _) => 1,
        (2, 2) | (3, _) => 3,
        _ => 2,
    };
    let group = if group == 0 {
        "NULL".to_string()
    } else {
        group.to_string()
    };
    exec(
        db,
        &format!(
            "INSERT INTO lesson (id, class_id, group_id, subject_id, teacher_id, date, lesson_no, topic,
                 homework, homework_kind, recorded_at, attendance_taken_at)
             VALUES ({id}, {class}, {group}, {subject}, {teacher}, '{date}', {no}, 'Тема', 'с. 12', 'text',
                 '{date}T05:00:00Z', '{date}T05:00:00Z')"
        ),
    );
}

/// Lesson `id` held online; `minutes` None: no recorded length (its bell).
fn online(db: &Db, id: i64, minutes: Option<u32>, live: bool) {
    exec(
        db,
        &format!("UPDATE lesson SET mode = 'online' WHERE id = {id}"),
    );
    if let Some(m) = minutes {
        exec(
            db,
            &format!(
                "INSERT INTO lesson_online (lesson_id, minutes, live) VALUES ({id}, {m}, {})",
                i64::from(live)
            ),
        );
    }
}

fn run_range(db: &Db, now: &str, from: Option<&str>) -> Vec<Finding> {
    review::run(
        db.conn(),
        &ReviewQuery {
            from: from.map(d),
            to: None,
            now: at(now),
        },
    )
    .expect("the review runs")
    .findings
}

fn run(db: &Db, now: &str) -> Vec<Finding> {
    run_range(db, now, None)
}

fn of(findings: &[Finding], rule: Rule) -> Vec<&Finding> {
    findings.iter().filter(|f| f.rule == rule).collect()
}

// --- online: grades 1–3 ------------------------------------------------------

#[test]
fn online_lessons_below_grade_4_are_one_finding_a_class_and_day() {
    let (_dir, db) = school();
    // 2А (grade 2): two online lessons on 17.11, one on 18.11; in class on 19.11.
    lesson(&db, 1, 1, 0, 1, "2025-11-17", 1);
    lesson(&db, 2, 1, 0, 1, "2025-11-17", 2);
    lesson(&db, 3, 1, 0, 1, "2025-11-18", 1);
    lesson(&db, 4, 1, 0, 1, "2025-11-19", 1);
    for id in [1, 2, 3] {
        online(&db, id, Some(20), true);
    }
    // 5А (grade 5) online: not this rule's.
    lesson(&db, 5, 2, 0, 1, "2025-11-17", 1);
    online(&db, 5, Some(30), true);
    let f = run(&db, "2025-11-20 18:00");
    let young = of(&f, Rule::OnlineYoungGrade);
    assert_eq!(young.len(), 2, "{young:#?}");
    assert_eq!(young[0].class, "2А");
    assert_eq!(young[0].date, d("2025-11-17"));
    assert_eq!(
        young[0].teacher, "Петрова Анна Викторовна",
        "the class teacher"
    );
    assert!(
        young[0]
            .detail
            .contains("2 online lessons on 17.11 (lessons 1, 2) in grade 2"),
        "{}",
        young[0].detail
    );
    assert_eq!(young[1].date, d("2025-11-18"));
    assert!(young.iter().all(|f| f.class == "2А"));

    // The lowest grade is a setting: from grade 2, 2А may go online.
    let mut s = store::settings::load(db.conn()).unwrap();
    s.set("online_from_grade", "2").unwrap();
    store::settings::save(db.conn(), &s).unwrap();
    assert!(of(&run(&db, "2025-11-20 18:00"), Rule::OnlineYoungGrade).is_empty());
    assert!(s.clone().set("online_from_grade", "0").is_err());
}

#[test]
fn putting_a_lesson_of_grade_2_online_is_refused_and_grade_5_is_not() {
    let (_dir, mut db) = school();
    lesson(&db, 1, 1, 0, 1, "2025-11-17", 1);
    lesson(&db, 2, 2, 0, 1, "2025-11-17", 1);
    let edit = LessonEdit {
        mode: Some(LessonMode::Online),
        ..LessonEdit::default()
    };
    let err = db
        .write(|tx| svc::set_lesson(tx, "t", LessonRef::Id(1), &edit))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("2А is in grade 2: grades below 4 are not taught online"),
        "{err}"
    );
    let err = db
        .write(|tx| att::set_mode(tx, "t", 1, LessonMode::Online))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("grades below 4 are not taught online"),
        "{err}"
    );
    let mode: String = db
        .conn()
        .query_row("SELECT mode FROM lesson WHERE id = 1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "in_class", "nothing saved");
    // Back to class is always allowed; grade 5 goes online.
    db.write(|tx| att::set_mode(tx, "t", 1, LessonMode::InClass))
        .unwrap();
    db.write(|tx| svc::set_lesson(tx, "t", LessonRef::Id(2), &edit))
        .unwrap();
    db.write(|tx| att::set_mode(tx, "t", 2, LessonMode::InClass))
        .unwrap();
    db.write(|tx| att::set_mode(tx, "t", 2, LessonMode::Online))
        .unwrap();
}

// --- online: 90 minutes a day in grades 4–6 ----------------------------------

#[test]
fn ninety_minutes_online_a_day_is_within_the_limit_and_ninety_one_is_not() {
    let (_dir, db) = school();
    // 17.11, 5А: two whole-class lessons of 30, then parallel group
    // lessons of 30 (Г1 and Г2): every student 90, not 120.
    lesson(&db, 1, 2, 0, 1, "2025-11-17", 1);
    lesson(&db, 2, 2, 0, 1, "2025-11-17", 2);
    lesson(&db, 3, 2, 1, 2, "2025-11-17", 3);
    lesson(&db, 4, 2, 2, 2, "2025-11-17", 3);
    // 18.11: the same, and Г1 has one more minute.
    lesson(&db, 5, 2, 0, 1, "2025-11-18", 1);
    lesson(&db, 6, 2, 0, 1, "2025-11-18", 2);
    lesson(&db, 7, 2, 1, 2, "2025-11-18", 3);
    lesson(&db, 8, 2, 2, 2, "2025-11-18", 3);
    lesson(&db, 9, 2, 1, 2, "2025-11-18", 4);
    // 19.11: two lessons without a recorded length: their bells, 45 each
    // (90: within the limit).
    lesson(&db, 10, 2, 0, 1, "2025-11-19", 1);
    lesson(&db, 11, 2, 0, 1, "2025-11-19", 2);
    // 8В (grade 8): 120 minutes on 17.11, no limit of grades 4–6.
    lesson(&db, 12, 3, 0, 1, "2025-11-17", 1);
    lesson(&db, 13, 3, 0, 1, "2025-11-17", 2);
    lesson(&db, 14, 3, 0, 1, "2025-11-17", 3);
    lesson(&db, 15, 3, 0, 1, "2025-11-17", 4);
    for id in [1, 2, 3, 4, 5, 6, 7, 8, 12, 13, 14, 15] {
        online(&db, id, Some(30), true);
    }
    online(&db, 9, Some(1), false);
    online(&db, 10, None, true);
    online(&db, 11, None, true);
    let f = run(&db, "2025-11-20 18:00");
    let over = of(&f, Rule::OnlineOverDay);
    assert_eq!(over.len(), 1, "{over:#?}");
    assert_eq!(over[0].class, "5А");
    assert_eq!(over[0].date, d("2025-11-18"));
    assert!(
        over[0].detail.starts_with(
            "91 min online on 18.11 (4 online lessons) for 1 student (grades 4–6: at most 90 a day)"
        ),
        "{}",
        over[0].detail
    );
    assert_eq!(over[0].key, "online:class:2:date:2025-11-18");

    // The limit is a setting.
    let mut s = store::settings::load(db.conn()).unwrap();
    s.set("online_max_minutes_per_day_grades_4_6", "89")
        .unwrap();
    store::settings::save(db.conn(), &s).unwrap();
    let over = of(&run(&db, "2025-11-20 18:00"), Rule::OnlineOverDay)
        .iter()
        .map(|f| f.date)
        .collect::<Vec<_>>();
    assert_eq!(
        over,
        vec![d("2025-11-17"), d("2025-11-18"), d("2025-11-19")]
    );
}

#[test]
fn a_day_online_without_recorded_lengths_counts_the_bells() {
    let (_dir, db) = school();
    // 5А: three lessons online, no length recorded: 3 × 45 = 135.
    for (id, no) in [(1, 1), (2, 2), (3, 3)] {
        lesson(&db, id, 2, 0, 1, "2025-11-17", no);
        online(&db, id, None, true);
    }
    let f = run(&db, "2025-11-20 18:00");
    let over = of(&f, Rule::OnlineOverDay);
    assert_eq!(over.len(), 1);
    assert!(
        over[0].detail.starts_with("135 min online"),
        "{}",
        over[0].detail
    );
}

// --- online: live lessons of 30 minutes --------------------------------------

#[test]
fn a_live_lesson_of_30_minutes_is_fine_and_31_is_too_long() {
    let (_dir, db) = school();
    lesson(&db, 1, 3, 0, 1, "2025-11-17", 1);
    lesson(&db, 2, 3, 0, 1, "2025-11-17", 2);
    lesson(&db, 3, 3, 0, 1, "2025-11-17", 3);
    lesson(&db, 4, 3, 0, 1, "2025-11-17", 4);
    lesson(&db, 5, 3, 0, 1, "2025-11-17", 5);
    online(&db, 1, Some(30), true); // exactly the limit
    online(&db, 2, Some(31), true); // one minute over
    online(&db, 3, Some(40), false); // recorded, not live
    online(&db, 4, None, true); // its bell: 45
    // Lesson 5 stays in class.
    let f = run(&db, "2025-11-20 18:00");
    let live = of(&f, Rule::OnlineLiveTooLong);
    let keys: Vec<&str> = live.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(keys, vec!["lesson:2", "lesson:4"], "{live:#?}");
    assert_eq!(
        live[0].detail,
        "lesson 2 on 17.11: live online lesson of 31 min, at most 30"
    );
    assert_eq!(
        live[1].detail,
        "lesson 4 on 17.11: live online lesson of 45 min (its bell: no online length recorded), at most 30"
    );
    assert_eq!(live[0].teacher, "李 华");
    assert_eq!(live[0].subject, "Математика");
}

#[test]
fn the_lesson_record_sets_the_online_length_and_refuses_bad_ones() {
    let (_dir, mut db) = school();
    lesson(&db, 1, 3, 0, 1, "2025-11-17", 1);
    // Not online yet: refused.
    let length = |m: Option<u32>, live: Option<bool>| LessonEdit {
        online_minutes: Some(m),
        online_live: live,
        ..LessonEdit::default()
    };
    let err = db
        .write(|tx| svc::set_lesson(tx, "t", LessonRef::Id(1), &length(Some(30), None)))
        .unwrap_err()
        .to_string();
    assert!(err.contains("online lessons only"), "{err}");
    let edit = LessonEdit {
        mode: Some(LessonMode::Online),
        online_minutes: Some(Some(31)),
        ..LessonEdit::default()
    };
    db.write(|tx| svc::set_lesson(tx, "t", LessonRef::Id(1), &edit))
        .unwrap();
    assert_eq!(
        of(&run(&db, "2025-11-20 18:00"), Rule::OnlineLiveTooLong).len(),
        1
    );
    for bad in [0, 241] {
        let err = db
            .write(|tx| svc::set_lesson(tx, "t", LessonRef::Id(1), &length(Some(bad), None)))
            .unwrap_err()
            .to_string();
        assert!(err.contains("between 1 and 240"), "{err}");
    }
    // 30 minutes: within the limit.
    db.write(|tx| svc::set_lesson(tx, "t", LessonRef::Id(1), &length(Some(30), None)))
        .unwrap();
    assert!(of(&run(&db, "2025-11-20 18:00"), Rule::OnlineLiveTooLong).is_empty());
    // Recorded (not live) and back to the bell's length: 45, not live.
    db.write(|tx| svc::set_lesson(tx, "t", LessonRef::Id(1), &length(None, Some(false))))
        .unwrap();
    let stored = store::journal::online_length(db.conn(), 1)
        .unwrap()
        .unwrap();
    assert_eq!((stored.minutes, stored.live), (45, false));
    assert!(of(&run(&db, "2025-11-20 18:00"), Rule::OnlineLiveTooLong).is_empty());
    // Live again at the bell's length: no row, and the bell is too long.
    let (_, ids) = db
        .write(|tx| svc::set_lesson(tx, "t", LessonRef::Id(1), &length(None, Some(true))))
        .unwrap();
    assert_eq!(ids.len(), 1, "the length row only");
    assert!(
        store::journal::online_length(db.conn(), 1)
            .unwrap()
            .is_none()
    );
    assert_eq!(
        of(&run(&db, "2025-11-20 18:00"), Rule::OnlineLiveTooLong).len(),
        1
    );
    // Undone, the row comes back.
    db.write(|tx| store::audit::undo(tx, "t", ids[0])).unwrap();
    assert!(
        store::journal::online_length(db.conn(), 1)
            .unwrap()
            .is_some()
    );
}

// --- study notes and open lessons --------------------------------------------

fn record(db: &Db, staff: i64, plan: i64, kind: &str, date: &str, amount: i64) {
    exec(
        db,
        &format!(
            "INSERT INTO training_record (staff_id, plan_id, kind, date, amount)
             VALUES ({staff}, {plan}, '{kind}', '{date}', {amount})"
        ),
    );
}

#[test]
fn five_thousand_characters_of_notes_a_semester_are_enough_and_4999_are_not() {
    let (_dir, db) = school();
    // Петрова: 3,000 + 2,000 = 5,000 exactly; Trần 4,999; 李 nothing.
    record(&db, 1, 1, "study_notes", "2025-10-01", 3000);
    record(&db, 1, 1, "study_notes", "2025-12-01", 2000);
    record(&db, 2, 1, "study_notes", "2025-12-01", 4999);
    // Notes of semester 2 do not count for semester 1.
    record(&db, 3, 2, "study_notes", "2026-02-01", 9000);
    // The semester is not over on its last day.
    assert!(of(&run(&db, "2025-12-28 18:00"), Rule::TrainingStudyNotes).is_empty());
    let f = run(&db, "2025-12-29 09:00");
    let notes = of(&f, Rule::TrainingStudyNotes);
    let who: Vec<(&str, &str)> = notes
        .iter()
        .map(|f| (f.teacher.as_str(), f.detail.as_str()))
        .collect();
    assert_eq!(
        who,
        vec![
            (
                "Trần Văn Nam",
                "semester 1 (01.09–28.12): 4999 characters of study notes, at least 5000"
            ),
            (
                "李 华",
                "semester 1 (01.09–28.12): 0 characters of study notes, at least 5000"
            ),
        ],
        "{notes:#?}"
    );
    assert!(notes.iter().all(|f| f.date == d("2025-12-28")));
    // Dated the semester's last day: a range after it does not list them.
    assert!(
        of(
            &run_range(&db, "2025-12-29 09:00", Some("2025-12-29")),
            Rule::TrainingStudyNotes
        )
        .is_empty()
    );
    // The minimum is a setting.
    let mut s = store::settings::load(db.conn()).unwrap();
    s.set("training_study_notes_chars", "4999").unwrap();
    store::settings::save(db.conn(), &s).unwrap();
    let notes = run(&db, "2025-12-29 09:00");
    assert_eq!(of(&notes, Rule::TrainingStudyNotes).len(), 1, "李 only");
}

#[test]
fn one_open_lesson_a_year_is_enough_and_none_is_listed_once_the_year_is_over() {
    let (_dir, db) = school();
    record(&db, 1, 1, "open_lesson", "2025-11-10", 1);
    record(&db, 2, 2, "open_lesson", "2026-03-10", 1);
    // 李 gives none. Not judged before the year is over.
    assert!(of(&run(&db, "2026-05-31 18:00"), Rule::TrainingOpenLesson).is_empty());
    let f = run(&db, "2026-06-01 09:00");
    let open = of(&f, Rule::TrainingOpenLesson);
    assert_eq!(open.len(), 1, "{open:#?}");
    assert_eq!(open[0].teacher, "李 华");
    assert_eq!(open[0].date, d("2026-05-31"));
    assert_eq!(
        open[0].detail,
        "school year 2025/26: 0 open lessons, at least 1"
    );
    // Two a year: Петрова and Trần fall short too.
    let mut s = store::settings::load(db.conn()).unwrap();
    s.set("training_open_lessons_year", "2").unwrap();
    store::settings::save(db.conn(), &s).unwrap();
    assert_eq!(
        of(&run(&db, "2026-06-01 09:00"), Rule::TrainingOpenLesson).len(),
        3
    );
}

fn classbook(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_classbook"))
        .args(args)
        .env_remove("CLASSBOOK_DB")
        .env("USER", "tester")
        .output()
        .expect("the binary runs")
}

#[test]
fn journal_set_lesson_records_the_online_length_and_refuses_grade_2() {
    let (dir, db) = school();
    lesson(&db, 1, 3, 0, 1, "2025-11-17", 1);
    lesson(&db, 2, 1, 0, 1, "2025-11-17", 1);
    drop(db);
    let path = dir.path().join("school.sqlite");
    let p = path.to_str().unwrap();
    let set = |class: &str, extra: &[&str]| {
        let mut args = vec![
            "journal",
            "set-lesson",
            "--db",
            p,
            "--class",
            class,
            "--subject",
            "Математика",
            "--date",
            "17.11.2025",
        ];
        args.extend_from_slice(extra);
        classbook(&args)
    };
    let o = set(
        "8В",
        &[
            "--mode",
            "online",
            "--online-minutes",
            "25",
            "--live",
            "false",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let db = store::open(&path, &OpenOptions::default()).unwrap();
    let stored = store::journal::online_length(db.conn(), 1)
        .unwrap()
        .unwrap();
    assert_eq!((stored.minutes, stored.live), (25, false));
    drop(db);
    let o = set("8В", &["--online-minutes", "двадцать"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("not a whole number of minutes"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = set("2А", &["--mode", "online"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr).trim(),
        "classbook: not saved: 2А is in grade 2: grades below 4 are not taught online (seed 001; setting online_from_grade)"
    );
}

#[test]
fn training_add_record_brings_a_teacher_to_the_minimum() {
    let (dir, db) = school();
    record(&db, 2, 1, "study_notes", "2025-12-01", 4999);
    assert_eq!(
        of(&run(&db, "2025-12-29 09:00"), Rule::TrainingStudyNotes)
            .iter()
            .filter(|f| f.teacher == "Trần Văn Nam")
            .count(),
        1
    );
    drop(db);
    let path = dir.path().join("school.sqlite");
    let p = path.to_str().unwrap();
    let add = |extra: &[&str]| {
        let mut args = vec!["training", "add-record", "--db", p, "--teacher", "Trần"];
        args.extend_from_slice(extra);
        classbook(&args)
    };
    // One character more: exactly 5,000.
    let o = add(&[
        "--kind",
        "study-notes",
        "--amount",
        "1",
        "--date",
        "2025-12-20",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).trim(),
        "recorded 1 character of study notes for Trần Văn Nam on 20.12.2025 (record 2)"
    );
    let o = add(&["--kind", "open-lesson", "--date", "2026-03-02"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // Refused: no amount of notes, a day no plan covers, nothing.
    for (extra, said) in [
        (
            vec!["--kind", "study-notes", "--date", "2025-12-20"],
            "needs --amount",
        ),
        (
            vec!["--kind", "open-lesson", "--date", "2026-01-05"],
            "05.01.2026: no training plan (semester) covers that day",
        ),
        (
            vec![
                "--kind",
                "study-notes",
                "--amount",
                "0",
                "--date",
                "2025-12-20",
            ],
            "0 is not between 1 and 1000000",
        ),
    ] {
        let o = add(&extra);
        assert_eq!(o.status.code(), Some(2), "{extra:?}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains(said),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let db = store::open(&path, &OpenOptions::default()).unwrap();
    let f = run(&db, "2025-12-29 09:00");
    assert!(
        of(&f, Rule::TrainingStudyNotes)
            .iter()
            .all(|f| f.teacher != "Trần Văn Nam"),
        "5,000 exactly is enough"
    );
    let f = run(&db, "2026-06-01 09:00");
    let open: Vec<&str> = of(&f, Rule::TrainingOpenLesson)
        .iter()
        .map(|f| f.teacher.as_str())
        .collect();
    assert_eq!(open, vec!["Петрова Анна Викторовна", "李 华"]);
}
