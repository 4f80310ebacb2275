//! The demo school: deterministic from its seed, consistent with its own
//! timetable and enrolments, and containing an example of everything.

use std::collections::HashSet;

use classbook::service::demo::{self, DemoOptions, DemoSize};
use classbook::store::{self, Db, OpenMode, OpenOptions};

fn build(dir: &tempfile::TempDir, name: &str, opts: &DemoOptions) -> Db {
    let path = dir.path().join(name);
    let mut db = store::open(
        &path,
        &OpenOptions {
            mode: OpenMode::Create,
            ..OpenOptions::default()
        },
    )
    .unwrap();
    demo::generate(&mut db, opts).unwrap();
    db
}

fn count(db: &Db, sql: &str) -> i64 {
    db.conn()
        .query_row(sql, [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

fn strings(db: &Db, sql: &str) -> HashSet<String> {
    let mut stmt = db.conn().prepare(sql).unwrap();
    stmt.query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn same_seed_same_school_other_seed_other_school() {
    let dir = tempfile::tempdir().unwrap();
    let a = build(
        &dir,
        "a.sqlite",
        &DemoOptions {
            size: DemoSize::Small,
            seed: 42,
        },
    );
    let b = build(
        &dir,
        "b.sqlite",
        &DemoOptions {
            size: DemoSize::Small,
            seed: 42,
        },
    );
    let c = build(
        &dir,
        "c.sqlite",
        &DemoOptions {
            size: DemoSize::Small,
            seed: 7,
        },
    );
    let sum = |db: &Db| demo::checksum(db.conn()).unwrap();
    assert_eq!(sum(&a), sum(&b));
    assert_ne!(sum(&a), sum(&c));
    // The demo refuses a database that already holds a school.
    let mut a = a;
    let err = demo::generate(&mut a, &DemoOptions::default()).unwrap_err();
    assert!(err.to_string().contains("already holds a school"), "{err}");
}

/// Checks that hold for any demo; shared by the small and large tests.
fn invariants(db: &Db) {
    let report = store::check::run(db.conn()).unwrap();
    assert!(report.ok(), "{report:?}");
    // Every lesson is in the timetable: same class, group, subject, weekday
    // and lesson number as its slot.
    assert_eq!(
        count(
            db,
            "SELECT count(*) FROM lesson l LEFT JOIN timetable t ON t.id = l.timetable_id
             WHERE t.id IS NULL OR t.class_id <> l.class_id OR t.subject_id <> l.subject_id
                OR t.lesson_no <> l.lesson_no OR ifnull(t.group_id, 0) <> ifnull(l.group_id, 0)
                OR t.weekday <> CAST(strftime('%u', l.date) AS INTEGER)"
        ),
        0,
        "lessons outside the timetable"
    );
    // Marks and attendance only for students enrolled in that class on that
    // date (and in the group, for a group lesson).
    for table in ["mark", "attendance"] {
        let sql = format!(
            "SELECT count(*) FROM {table} x JOIN lesson l ON l.id = x.lesson_id
             WHERE NOT EXISTS (SELECT 1 FROM enrolment e WHERE e.student_id = x.student_id
                                 AND e.class_id = l.class_id AND e.starts_on <= l.date
                                 AND (e.ends_on IS NULL OR e.ends_on >= l.date))
                OR (l.group_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM group_member g
                                 WHERE g.group_id = l.group_id AND g.student_id = x.student_id))"
        );
        assert_eq!(count(db, &sql), 0, "{table} for students not enrolled");
    }
    // No lessons (so no attendance) on holidays or weekends, none after as_of.
    assert_eq!(
        count(
            db,
            "SELECT count(*) FROM lesson l JOIN holiday h ON l.date BETWEEN h.starts_on AND h.ends_on"
        ),
        0
    );
    assert_eq!(
        count(
            db,
            "SELECT count(*) FROM lesson WHERE strftime('%u', date) IN ('6', '7')"
        ),
        0
    );
    assert_eq!(
        count(
            db,
            "SELECT count(*) FROM lesson WHERE date > (SELECT as_of FROM school)"
        ),
        0
    );
    // Attendance where it was taken; where it was not, only the absences
    // a teacher typed as Н in the journal (the one record of an absence).
    assert_eq!(
        count(
            db,
            "SELECT count(*) FROM attendance a JOIN lesson l ON l.id = a.lesson_id
             JOIN attendance_code c ON c.id = a.code_id
             WHERE l.attendance_taken_at IS NULL AND c.category NOT LIKE 'absent%'"
        ),
        0
    );
    // The journal's Н is never a mark row beside attendance.
    assert_eq!(count(db, "SELECT count(*) FROM mark WHERE symbol = 'Н'"), 0);
}

#[test]
fn the_small_demo_is_consistent_and_has_an_example_of_everything() {
    let dir = tempfile::tempdir().unwrap();
    let db = build(&dir, "small.sqlite", &DemoOptions::default());
    invariants(&db);
    // Size.
    assert_eq!(count(&db, "SELECT count(*) FROM class"), 20);
    assert_eq!(count(&db, "SELECT count(DISTINCT grade) FROM class"), 11);
    let students = count(&db, "SELECT count(*) FROM student");
    assert!((450..=560).contains(&students), "{students} students");
    let staff = count(&db, "SELECT count(*) FROM staff");
    assert!((30..=50).contains(&staff), "{staff} staff");
    assert_eq!(count(&db, "SELECT count(*) FROM school_year"), 1);
    assert_eq!(
        count(&db, "SELECT count(*) FROM period WHERE kind = 'quarter'"),
        4
    );
    assert!(count(&db, "SELECT count(*) FROM holiday") >= 5);
    // Two quarters of lessons.
    assert_eq!(
        strings(&db, "SELECT DISTINCT substr(date, 1, 7) FROM lesson").len(),
        4,
        "September to December"
    );
    // Names in three scripts (Cyrillic, Vietnamese diacritics, CJK).
    assert!(
        count(
            &db,
            "SELECT count(*) FROM student WHERE family_name GLOB '*[А-Яа-яЁё]*'"
        ) > 200
    );
    assert!(
        count(
            &db,
            "SELECT count(*) FROM student WHERE family_name IN ('Nguyễn', 'Trần', 'Đặng', 'Phạm', 'Vũ', 'Võ', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý', 'Lê', 'Hoàng', 'Huỳnh', 'Phan', 'Bùi')"
        ) > 20
    );
    assert!(
        count(
            &db,
            "SELECT count(*) FROM student WHERE unicode(family_name) BETWEEN 19968 AND 40959"
        ) > 20
    );
    assert!(count(&db, "SELECT count(*) FROM guardian") >= students);
    // Enrolment history: arrivals, departures and transfers with orders.
    for reason in ["arrival", "transfer"] {
        assert!(
            count(
                &db,
                &format!("SELECT count(*) FROM enrolment WHERE start_reason = '{reason}'")
            ) > 0,
            "{reason}"
        );
    }
    for reason in ["departure", "transfer"] {
        assert!(
            count(
                &db,
                &format!("SELECT count(*) FROM enrolment WHERE end_reason = '{reason}'")
            ) > 0,
            "{reason}"
        );
    }
    // Marks of every kind and weight, several in one cell.
    assert_eq!(
        strings(&db, "SELECT DISTINCT symbol FROM mark"),
        ["2", "3", "4", "5", "*", "°"].map(String::from).into(),
    );
    assert_eq!(
        strings(&db, "SELECT DISTINCT CAST(weight AS TEXT) FROM mark"),
        ["1", "2", "3"].map(String::from).into()
    );
    assert!(count(&db, "SELECT count(*) FROM mark WHERE seq = 2") > 0);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM mark m JOIN lesson l ON l.id = m.lesson_id JOIN class c ON c.id = l.class_id WHERE c.grade = 1"
        ),
        0,
        "no marks in grade 1"
    );
    // Every attendance code is used (the annotation as a comment beside a code).
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM attendance_code c WHERE NOT EXISTS (SELECT 1 FROM attendance a WHERE a.code_id = c.id OR a.comment_code_id = c.id)"
        ),
        0,
        "unused attendance codes"
    );
    // Online lessons with teaching logs; substitutions; every homework kind.
    assert!(count(&db, "SELECT count(*) FROM lesson WHERE mode = 'online'") > 0);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM lesson l WHERE mode = 'online' AND NOT EXISTS (SELECT 1 FROM teaching_log t WHERE t.lesson_id = l.id)"
        ),
        0
    );
    assert!(
        count(
            &db,
            "SELECT count(*) FROM lesson WHERE taught_by_id IS NOT NULL"
        ) > 0
    );
    assert_eq!(
        strings(
            &db,
            "SELECT DISTINCT homework_kind FROM lesson WHERE homework_kind IS NOT NULL"
        ),
        [
            "text",
            "not_assigned",
            "not_provided",
            "individual",
            "creative"
        ]
        .map(String::from)
        .into()
    );
    assert!(count(&db, "SELECT count(*) FROM online_followup") > 0);
    assert!(count(&db, "SELECT count(*) FROM device_census WHERE internet = 0") > 0);
    // Period grades for the first quarter, some final grades differing.
    assert!(count(&db, "SELECT count(*) FROM period_grade") > 1000);
    assert!(
        count(
            &db,
            "SELECT count(*) FROM period_grade WHERE final <> suggested"
        ) > 0
    );
    // Training: a semester with every status and format, external credits.
    assert_eq!(count(&db, "SELECT count(*) FROM training_plan"), 1);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM training_status s WHERE NOT EXISTS (SELECT 1 FROM training_attendance a WHERE a.status = s.code)"
        ),
        0
    );
    assert_eq!(
        count(&db, "SELECT count(DISTINCT format) FROM training_session"),
        7
    );
    assert!(count(&db, "SELECT count(*) FROM external_training") > 0);
    // Someone fails on unexcused absences (3 or more), someone has exactly 2.
    let unexcused = |n: &str| {
        count(
            &db,
            &format!(
                "SELECT count(*) FROM (SELECT staff_id FROM training_attendance WHERE status = 'absent' GROUP BY staff_id HAVING count(*) {n})"
            ),
        )
    };
    assert!(unexcused(">= 3") > 0);
    assert!(unexcused("= 2") > 0);
    // Both seed programmes with their indicators and targets by period.
    assert_eq!(count(&db, "SELECT count(*) FROM programme"), 2);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM indicator_period WHERE programme_id = 1"
        ),
        3
    );
    assert!(count(&db, "SELECT count(*) FROM indicator_target") >= 64);
}

/// About 12 s in a debug build (dependencies are optimised even there).
#[test]
fn the_large_demo_is_consistent_and_has_a_whole_year() {
    let dir = tempfile::tempdir().unwrap();
    let db = build(
        &dir,
        "large.sqlite",
        &DemoOptions {
            size: DemoSize::Large,
            seed: 42,
        },
    );
    invariants(&db);
    assert_eq!(count(&db, "SELECT count(*) FROM class"), 60);
    let students = count(&db, "SELECT count(*) FROM student");
    assert!((1400..=1700).contains(&students), "{students} students");
    assert_eq!(
        strings(&db, "SELECT DISTINCT substr(date, 1, 7) FROM lesson").len(),
        9,
        "September to May"
    );
    assert_eq!(count(&db, "SELECT count(*) FROM training_plan"), 2);
}
