//! A school set up by hand and by import: the applier's matching, the
//! re-import as an update (renamed, departed and transferred students, a
//! timetable change after marks exist), all-or-nothing with every problem
//! reported, dry runs and undo.

mod common;

use chrono::NaiveDate;
use classbook::domain::review::Rule;
use classbook::domain::{PeriodKind, Role, School, Sex};
use classbook::service::demo;
use classbook::service::import::apply::{self, ImportError};
use classbook::service::import::model::*;
use classbook::service::journal::{self, CellInput, LessonRef};
use classbook::service::setup::{self, PersonIn};
use classbook::store::{self, Db};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("a date")
}

const OP: &str = "тест";

fn as_of(db: &mut Db, day: NaiveDate) {
    db.write(|tx| -> store::Result<()> {
        store::school::set_school(
            tx,
            &School {
                name: "Школа № 12".into(),
                short_name: "Школа № 12".into(),
                address: String::new(),
                as_of: Some(day),
            },
        )
    })
    .expect("school saved");
}

fn person(f: &str, g: &str, p: Option<&str>) -> PersonIn {
    PersonIn {
        family_name: f.into(),
        given_name: g.into(),
        patronymic: p.map(str::to_string),
        ..PersonIn::default()
    }
}

fn at(line: usize) -> Origin {
    Origin::new("test.csv", line)
}

fn count(db: &Db, sql: &str) -> i64 {
    db.conn().query_row(sql, [], |r| r.get(0)).expect("a count")
}

fn slot_id(db: &Db, class: &str, weekday: u8, lesson: u8, on: NaiveDate) -> i64 {
    store::curriculum::slot_in_force(db.conn(), class, None, weekday, lesson, on)
        .expect("query")
        .expect("a slot")
}

fn mark(db: &mut Db, slot: i64, date: NaiveDate, student: i64, text: &str) {
    db.write(|tx| {
        journal::set_cell(
            tx,
            OP,
            LessonRef::Slot {
                timetable_id: slot,
                date,
            },
            student,
            &CellInput::text(text),
        )
    })
    .expect("mark saved");
}

#[test]
fn a_school_set_up_by_hand_keeps_a_journal() {
    let (_dir, mut db) = common::empty_db();
    as_of(&mut db, d(2025, 10, 15));
    let today = d(2025, 10, 15);
    let o = setup::overview(db.conn(), today).expect("overview");
    assert!(
        o.missing()
            .expect("something missing")
            .contains("No school year")
    );

    let steps = vec![
        setup::year(None, d(2025, 9, 1), d(2026, 5, 31)),
        setup::period(
            "2025/26",
            PeriodKind::Quarter,
            1,
            None,
            d(2025, 9, 1),
            d(2025, 10, 26),
        ),
        setup::bell(1, "8:30", "9:15").expect("bell"),
        setup::staff(
            &person("Иванова", "Анна", Some("Петровна")),
            Some("ivanova"),
            &[Role::Teacher],
        )
        .expect("staff"),
        setup::class("7А", Some("ivanova")).expect("class"),
        setup::student(
            &person("Nguyễn", "Thị Hoa", None),
            Some(d(2013, 4, 2)),
            Some(Sex::F),
            "7А",
            None,
            Some(("12-у".into(), d(2025, 8, 28))),
        )
        .expect("student"),
        setup::student(&person("欧阳", "明", None), None, None, "7А", None, None).expect("student"),
        setup::subject("Математика", Some("Мат")),
        setup::curriculum("7А", "Математика", 5.0, Some("Иванова Анна Петровна"), None),
        setup::slot(
            "7А",
            None,
            1,
            1,
            "Математика",
            "ivanova",
            "12",
            d(2025, 9, 1),
        ),
    ];
    for b in steps {
        setup::add(&mut db, OP, today, b, false).expect("step saved");
    }
    let o = setup::overview(db.conn(), today).expect("overview");
    assert_eq!(o.missing(), None, "{o:?}");
    assert_eq!((o.classes, o.students, o.timetable), (1, 2, 1));
    // The student without an order is to be entered.
    assert_eq!(o.orders_to_enter, 1);
    // The year got its whole-year period without being asked.
    assert_eq!(
        count(&db, "SELECT count(*) FROM period WHERE kind = 'year'"),
        1
    );

    // A mark on Monday 13.10.2025, lesson 1.
    let slot = slot_id(&db, "7а", 1, 1, d(2025, 10, 13));
    let hoa = count(&db, "SELECT id FROM student WHERE family_name = 'Nguyễn'");
    mark(&mut db, slot, d(2025, 10, 13), hoa, "5");
    assert_eq!(
        count(&db, "SELECT count(*) FROM mark WHERE symbol = '5'"),
        1
    );

    // A name typed wrong, corrected; undone from the audit log.
    let ids = setup::edit_student(
        &mut db,
        OP,
        hoa,
        &setup::StudentEdit {
            given_name: Some("Thị Hòa".into()),
            ..Default::default()
        },
    )
    .expect("edited");
    assert_eq!(ids.len(), 1);
    db.write(|tx| store::audit::undo_group(tx, OP, &ids))
        .expect("undone");
    let given: String = db
        .conn()
        .query_row("SELECT given_name FROM student WHERE id = ?1", [hoa], |r| {
            r.get(0)
        })
        .expect("name");
    assert_eq!(given, "Thị Hoa");
}

#[test]
fn a_bad_row_typed_by_hand_is_refused_with_its_reason() {
    let (_dir, mut db) = common::empty_db();
    let today = d(2025, 10, 15);
    let err = setup::add(
        &mut db,
        OP,
        today,
        setup::class("7А", None).expect("bundle"),
        false,
    )
    .expect_err("no year yet");
    assert!(err.to_string().contains("no school year yet"), "{err}");
    setup::add(
        &mut db,
        OP,
        today,
        setup::year(None, d(2025, 9, 1), d(2026, 5, 31)),
        false,
    )
    .expect("year");
    let err = setup::add(
        &mut db,
        OP,
        today,
        setup::slot("7А", None, 1, 1, "Математика", "nobody", "", d(2025, 9, 1)),
        false,
    )
    .expect_err("nothing is there");
    let msg = err.to_string();
    assert!(msg.contains("no class «7А»"), "{msg}");
    assert!(setup::class("А7", None).is_err());
}

/// A roster and timetable as an import would bring them (the same shape a
/// OneRoster or template reader produces).
fn roster(v2: bool) -> Bundle {
    let y = "2025/26".to_string();
    let mut b = Bundle {
        source: "test roster".into(),
        full_roster: true,
        years: vec![YearIn {
            at: at(2),
            key: y.clone(),
            ext_id: Some("sy-2025".into()),
            label: y.clone(),
            starts_on: d(2025, 9, 1),
            ends_on: d(2026, 5, 31),
        }],
        periods: vec![PeriodIn {
            at: at(3),
            ext_id: Some("q1".into()),
            year: y.clone(),
            kind: PeriodKind::Quarter,
            number: 1,
            label: "1 четверть".into(),
            starts_on: d(2025, 9, 1),
            ends_on: d(2025, 10, 26),
        }],
        bells: (1..=3)
            .map(|n| BellIn {
                at: at(4),
                year: Some(y.clone()),
                lesson_no: n,
                starts_at: format!("{:02}:00", 7 + n),
                ends_at: format!("{:02}:45", 7 + n),
            })
            .collect(),
        subjects: ["Математика", "Физика"]
            .iter()
            .map(|n| SubjectIn {
                at: at(5),
                key: n.to_string(),
                ext_id: None,
                name: n.to_string(),
                short_name: String::new(),
            })
            .collect(),
        staff: vec![StaffIn {
            at: at(6),
            key: "t1".into(),
            ext_id: Some("t1".into()),
            family_name: "Trần".into(),
            given_name: "Văn Nam".into(),
            patronymic: None,
            login: Some("tran".into()),
            email: None,
            phone: None,
            active: true,
            roles: vec![Role::Teacher],
        }],
        classes: ["7", "8"]
            .iter()
            .map(|g| ClassIn {
                at: at(7),
                key: format!("c{g}"),
                ext_id: Some(format!("c{g}")),
                year: Some(y.clone()),
                grade: g.parse().expect("grade"),
                letter: "А".into(),
                class_teacher: Some("t1".into()),
            })
            .collect(),
        ..Bundle::default()
    };
    let names = [
        ("s1", "Иванов", "Пётр"),
        ("s2", "Lê", "Thị Lan"),
        ("s3", "王", "小明"),
    ];
    for (i, (k, f, g)) in names.iter().enumerate() {
        if v2 && *k == "s2" {
            continue; // departed: not in the new roster
        }
        let family = if v2 && *k == "s1" {
            "Иванов-Петров"
        } else {
            f
        };
        b.students.push(StudentIn {
            at: at(10 + i),
            key: k.to_string(),
            ext_id: Some(k.to_string()),
            family_name: family.into(),
            given_name: g.to_string(),
            patronymic: None,
            birth_date: None,
            sex: None,
            phone: None,
            email: None,
            address: None,
        });
        let class = if v2 && *k == "s3" { "c8" } else { "c7" };
        b.enrolments.push(EnrolmentIn {
            at: at(20 + i),
            ext_id: None,
            student: k.to_string(),
            class: class.into(),
            starts_on: None,
            ends_on: None,
            order_no: None,
            order_date: None,
            end_reason: None,
            end_order_no: None,
            end_order_date: None,
        });
    }
    b.timetable.push(TimetableIn {
        at: at(30),
        ext_id: None,
        class: "c7".into(),
        group: None,
        weekday: 1,
        lesson_no: 1,
        subject: if v2 {
            "Физика"
        } else {
            "Математика"
        }
        .into(),
        teacher: "tran".into(),
        room: "12".into(),
        valid_from: None,
        valid_to: None,
    });
    b.timetable.push(TimetableIn {
        at: at(31),
        ext_id: None,
        class: "c7".into(),
        group: None,
        weekday: 2,
        lesson_no: 2,
        subject: "Математика".into(),
        teacher: "Trần Văn Nam".into(),
        room: String::new(),
        valid_from: None,
        valid_to: None,
    });
    b
}

#[test]
fn a_reimport_updates_and_loses_nothing_recorded() {
    let (_dir, mut db) = common::empty_db();
    as_of(&mut db, d(2025, 10, 15));
    let r = apply::apply(&mut db, OP, &roster(false), d(2025, 10, 15), false).expect("imported");
    assert_eq!(r.counts["students"].added, 3);
    assert_eq!(r.counts["timetable"].added, 2);
    assert!(r.departures_to_confirm.is_empty());

    // Marks on Monday 13.10 (mathematics, lesson 1) for all three.
    let slot = slot_id(&db, "7А", 1, 1, d(2025, 10, 13));
    let ids: Vec<i64> = (1..=3)
        .map(|i| {
            count(
                &db,
                &format!("SELECT id FROM student WHERE ext_id = 's{i}'"),
            )
        })
        .collect();
    for (s, m) in ids.iter().zip(["5", "4", "3"]) {
        mark(&mut db, slot, d(2025, 10, 13), *s, m);
    }
    let before_marks = count(&db, "SELECT count(*) FROM mark");

    // A week later the new roster: s1 renamed, s2 gone, s3 moved to 8А, and
    // Monday's first lesson is physics now.
    as_of(&mut db, d(2025, 10, 20));
    let r = apply::apply(&mut db, OP, &roster(true), d(2025, 10, 20), false).expect("re-imported");
    assert_eq!(r.counts["students"].changed, 1, "{:?}", r.counts);
    assert_eq!(r.departures_to_confirm.len(), 1);
    assert!(r.departures_to_confirm[0].contains("Lê Thị Lan"));

    let family: String = db
        .conn()
        .query_row(
            "SELECT family_name FROM student WHERE ext_id = 's1'",
            [],
            |x| x.get(0),
        )
        .expect("s1");
    assert_eq!(family, "Иванов-Петров");
    // s2: not deleted, still enrolled, listed to confirm.
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM enrolment e JOIN student s ON s.id = e.student_id WHERE s.ext_id = 's2' AND e.ends_on IS NULL"
        ),
        1
    );
    assert_eq!(count(&db, "SELECT count(*) FROM departure_pending"), 1);
    // s3: 7А until yesterday (a transfer), 8А from today.
    let stays: Vec<(String, String, Option<String>, Option<String>)> = {
        let mut st = db
            .conn()
            .prepare(
                "SELECT c.name, e.starts_on, e.ends_on, e.end_reason FROM enrolment e
                 JOIN class c ON c.id = e.class_id JOIN student s ON s.id = e.student_id
                 WHERE s.ext_id = 's3' ORDER BY e.starts_on",
            )
            .expect("query");
        st.query_map([], |x| Ok((x.get(0)?, x.get(1)?, x.get(2)?, x.get(3)?)))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("rows")
    };
    assert_eq!(
        stays,
        vec![
            (
                "7А".into(),
                "2025-09-01".into(),
                Some("2025-10-19".into()),
                Some("transfer".into())
            ),
            ("8А".into(), "2025-10-20".into(), None, None),
        ]
    );
    // The timetable: mathematics closed on 19.10, physics from 20.10; the
    // lesson of 13.10 and its marks untouched.
    assert_eq!(count(&db, "SELECT count(*) FROM mark"), before_marks);
    let lesson_subject: String = db
        .conn()
        .query_row(
            "SELECT s.name FROM lesson l JOIN subject s ON s.id = l.subject_id WHERE l.date = '2025-10-13'",
            [],
            |x| x.get(0),
        )
        .expect("the lesson");
    assert_eq!(lesson_subject, "Математика");
    let old = slot_id(&db, "7А", 1, 1, d(2025, 10, 13));
    let new = slot_id(&db, "7А", 1, 1, d(2025, 10, 27));
    assert_eq!(old, slot);
    assert_ne!(new, slot);
    let closed: String = db
        .conn()
        .query_row(
            "SELECT valid_to FROM timetable WHERE id = ?1",
            [slot],
            |x| x.get(0),
        )
        .expect("closed");
    assert_eq!(closed, "2025-10-19");

    // The review lists the stays without orders and the departure to confirm.
    let review = classbook::service::review::run(
        db.conn(),
        &classbook::service::review::ReviewQuery {
            from: None,
            to: None,
            now: d(2025, 10, 20).and_hms_opt(12, 0, 0).expect("a time"),
        },
    )
    .expect("review");
    let of = |r: Rule| review.findings.iter().filter(|f| f.rule == r).count();
    // s1, s2, s3 in 7А and s3 in 8А began without orders; s3 left 7А without one.
    assert_eq!(of(Rule::OrderMissing), 5);
    assert_eq!(of(Rule::DepartureUnconfirmed), 1);
    let dep = review
        .findings
        .iter()
        .find(|f| f.rule == Rule::DepartureUnconfirmed)
        .expect("the departure");
    assert_eq!(dep.student, "Lê Thị Lan");

    // The same roster again: nothing to do.
    let r = apply::apply(&mut db, OP, &roster(true), d(2025, 10, 20), false).expect("again");
    let t = r.total();
    assert_eq!((t.added, t.changed, t.closed), (0, 0, 0), "{:?}", r.counts);
    assert_eq!(r.departures_to_confirm.len(), 1);
}

#[test]
fn every_problem_is_reported_and_nothing_is_written() {
    let (_dir, mut db) = common::empty_db();
    apply::apply(&mut db, OP, &roster(false), d(2025, 10, 15), false).expect("imported");
    let before = demo::checksum(db.conn()).expect("checksum");
    let mut b = roster(true);
    b.timetable[0].class = "9Я".into(); // line 30: no such class
    b.timetable[1].teacher = "Никто".into(); // line 31: no such teacher
    b.timetable[1].lesson_no = 7; // and no bell for lesson 7 (reported once the teacher is found)
    b.enrolments[0].student = "s99".into(); // line 20: no such student
    b.periods[0].ends_on = d(2026, 8, 1); // line 3: outside the year
    match apply::apply(&mut db, OP, &b, d(2025, 10, 15), false) {
        Err(ImportError::Refused(issues)) => {
            let text: Vec<String> = issues.iter().map(ToString::to_string).collect();
            let has = |s: &str| text.iter().any(|t| t.contains(s));
            assert!(has("test.csv:30: class: no class «9Я»"), "{text:#?}");
            assert!(
                has("test.csv:31: teacher: no member of staff «Никто»"),
                "{text:#?}"
            );
            assert!(has("test.csv:20: student: no student «s99»"), "{text:#?}");
            assert!(has("test.csv:3: "), "{text:#?}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(demo::checksum(db.conn()).expect("checksum"), before);
}

#[test]
fn a_dry_run_reports_and_writes_nothing_and_an_import_can_be_undone() {
    let (_dir, mut db) = common::empty_db();
    let before = demo::checksum(db.conn()).expect("checksum");
    let audit_before = store::audit::count(db.conn()).expect("count");
    let r = apply::apply(&mut db, OP, &roster(false), d(2025, 10, 15), true).expect("dry run");
    assert!(r.dry_run);
    assert_eq!(r.counts["students"].added, 3);
    assert!(r.lines()[0].starts_with("dry run, nothing saved"));
    assert_eq!(demo::checksum(db.conn()).expect("checksum"), before);
    assert_eq!(store::audit::count(db.conn()).expect("count"), audit_before);

    let r = apply::apply(&mut db, OP, &roster(false), d(2025, 10, 15), false).expect("imported");
    assert!(!r.audit_ids.is_empty());
    assert_eq!(count(&db, "SELECT count(*) FROM student"), 3);
    db.write(|tx| store::audit::undo_group(tx, OP, &r.audit_ids))
        .expect("undone");
    assert_eq!(count(&db, "SELECT count(*) FROM student"), 0);
    assert_eq!(count(&db, "SELECT count(*) FROM school_year"), 0);
}

/// On a school just set up nothing is recorded yet: the attendance day
/// lists the timetable's lessons, and entering a code (or taking the whole
/// day) records the lesson in the same transaction.
#[test]
fn attendance_is_taken_on_timetable_lessons_not_yet_recorded() {
    use classbook::service::attendance as att;
    let (_dir, mut db) = common::empty_db();
    let today = d(2025, 10, 15);
    as_of(&mut db, today);
    for b in [
        setup::year(None, d(2025, 9, 1), d(2026, 5, 31)),
        setup::bell(1, "8:30", "9:15").expect("bell"),
        setup::bell(2, "9:25", "10:10").expect("bell"),
        setup::staff(
            &person("Иванова", "Анна", Some("Петровна")),
            Some("ivanova"),
            &[],
        )
        .expect("staff"),
        setup::class("7А", None).expect("class"),
        setup::student(
            &person("Nguyễn", "Thị Hoa", None),
            None,
            None,
            "7А",
            None,
            None,
        )
        .expect("student"),
        setup::student(&person("欧阳", "明", None), None, None, "7А", None, None).expect("student"),
        setup::subject("Математика", None),
        setup::subject("Физика", None),
        setup::slot("7А", None, 1, 1, "Математика", "ivanova", "", d(2025, 9, 1)),
        setup::slot("7А", None, 1, 2, "Физика", "ivanova", "", d(2025, 9, 1)),
    ] {
        setup::add(&mut db, OP, today, b, false).expect("step saved");
    }
    let class = store::classes::class_named(db.conn(), "7А", today)
        .expect("query")
        .expect("7А");
    let year = store::school::current_year(db.conn(), today)
        .expect("query")
        .expect("the year");
    let monday = d(2025, 10, 13);
    let v = att::load(db.conn(), &class, &year, monday).expect("day");
    assert_eq!(v.lessons.len(), 2);
    assert!(v.lessons.iter().all(|l| l.lesson.id == 0 && !l.taken));
    assert_eq!(count(&db, "SELECT count(*) FROM lesson"), 0);

    // Н for Hoa at lesson 1: the lesson gets its record.
    let hoa = count(&db, "SELECT id FROM student WHERE family_name = 'Nguyễn'");
    let absent = store::attendance::codes(db.conn(), false)
        .expect("codes")
        .into_iter()
        .find(|c| c.category.is_absent())
        .expect("an absence code");
    let cells = vec![(v.lessons[0].lesson.clone(), hoa)];
    db.write(|tx| {
        let (cells, mut ids) = att::record_cells(tx, OP, &cells)?;
        ids.extend(att::set_range(tx, OP, today, &cells, Some(absent.id))?.1);
        Ok::<_, store::StoreError>(ids)
    })
    .expect("saved");
    assert_eq!(count(&db, "SELECT count(*) FROM lesson"), 1);
    assert_eq!(count(&db, "SELECT count(*) FROM attendance"), 1);
    let v = att::load(db.conn(), &class, &year, monday).expect("day");
    assert_eq!(v.lessons.len(), 2, "the same two lessons, one now recorded");
    assert!(v.lessons[0].lesson.id != 0 && v.lessons[1].lesson.id == 0);
    assert_eq!(v.students.iter().map(|s| s.absences).sum::<usize>(), 1);

    // The whole day taken: lesson 2 is recorded and both are taken.
    db.write(|tx| att::take_day(tx, OP, today, class.id, monday))
        .expect("taken");
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM lesson WHERE attendance_taken_at IS NOT NULL"
        ),
        2
    );
    // A lesson of a day still to come cannot be recorded.
    let later = att::load(db.conn(), &class, &year, d(2025, 10, 20)).expect("day");
    let cells = vec![(later.lessons[0].lesson.clone(), hoa)];
    let refused = db.write(|tx| {
        let (cells, _) = att::record_cells(tx, OP, &cells)?;
        att::set_range(tx, OP, today, &cells, Some(absent.id))
    });
    assert!(refused.is_err());
    assert_eq!(count(&db, "SELECT count(*) FROM lesson"), 2);
}
