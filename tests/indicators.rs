//! Plan indicators through the services the Indicators tab and
//! `classbook indicators` share: every computed metric against a small
//! hand-built school (the training fixture plus a few lessons and marks
//! made with the store repositories), recompute, the writes and their
//! refusals, undo, and the programme CSV round trip.

mod training_fixture;

use chrono::NaiveDate;
use classbook::domain::indicators::{
    Direction, Metric, MetricParams, Programme, Source, Status, Unit,
};
use classbook::domain::marks::Mark;
use classbook::domain::training::Format;
use classbook::domain::{Class, HomeworkKind, Id, Lesson, LessonMode, Sex, Student, Subject};
use classbook::service::indicators::{self as svc, ActualInput, Show, Sort, View};
use classbook::service::metrics::{self, Computed, Outcome};
use classbook::service::programme_csv;
use classbook::service::training as training_svc;
use classbook::store::{self, Db, OpenMode, OpenOptions};
use training_fixture::{Fixture, OP, build, d, session_input};

const FGOS: &str = include_str!("../data/programme_fgos_2022_2026.csv");
const IT: &str = include_str!("../data/targets_school_it_2023_2024.csv");

/// The working date of the fixture.
fn as_of() -> NaiveDate {
    d(2025, 12, 24)
}

struct School {
    f: Fixture,
    /// Teachers who held lessons: T1 (Nguyễn), T2 (王), T3 (Петров, as a substitute).
    t1: Id,
    t2: Id,
    t3: Id,
}

fn lesson(class_id: Id, subject_id: Id, teacher: Id, date: NaiveDate) -> Lesson {
    Lesson {
        id: 0,
        class_id,
        group_id: None,
        subject_id,
        teacher_id: teacher,
        taught_by_id: None,
        date,
        lesson_no: 2,
        timetable_id: None,
        plan_topic_id: None,
        control_form_id: None,
        topic: None,
        homework: None,
        homework_kind: None,
        homework_minutes: None,
        mode: LessonMode::InClass,
        recorded_at: None,
        attendance_taken_at: None,
    }
}

/// The training fixture with its roll call, one mentoring session, and
/// five lessons (one after the working date) with four marks.
///
/// As of 24.12.2025: 4 lessons held, 3 with a topic, 2 with homework, 3
/// with attendance taken, 2 online by 2 teachers of the 3 who taught;
/// 4 marks, 2 on time; 6 training sessions, 1 of them mentoring; of 7
/// teachers, 5 have 40 credits, 6 have 39.5 and 5 pass.
fn school() -> School {
    let mut f = build();
    f.roll_call();
    let plan1 = f.plan1;
    f.db.write(|tx| {
        let mut s = session_input(d(2025, 12, 3), "Наставник и молодой учитель", 1.0);
        s.format = Format::Mentoring;
        training_svc::create_session(tx, OP, plan1, &s)
    })
    .unwrap();
    let (t1, t2, t3) = (f.t["credits_40"], f.t["unexcused_2"], f.t["unexcused_3"]);
    let conn = f.db.conn();
    let class = store::classes::insert_class(
        conn,
        &Class {
            id: 0,
            year_id: f.year.id,
            grade: 5,
            letter: "А".into(),
            name: "5А".into(),
            class_teacher_id: None,
        },
    )
    .unwrap();
    let subject = store::curriculum::insert_subject(
        conn,
        &Subject {
            id: 0,
            name: "Математика".into(),
            short_name: "Мат".into(),
        },
    )
    .unwrap();
    let student = store::people::insert_student(
        conn,
        &Student {
            id: 0,
            family_name: "Lê".into(),
            given_name: "Thị Hồng".into(),
            patronymic: None,
            birth_date: Some(d(2014, 3, 1)),
            sex: Some(Sex::F),
            phone: None,
            email: None,
            address: None,
        },
    )
    .unwrap();
    let taken = Some("2025-10-01T09:00:00Z".to_string());
    let mut l1 = lesson(class, subject, t1, d(2025, 10, 1));
    l1.topic = Some("Дроби".into());
    l1.homework = Some("№ 12".into());
    l1.homework_kind = Some(HomeworkKind::Text);
    l1.attendance_taken_at = taken.clone();
    let mut l2 = lesson(class, subject, t1, d(2025, 10, 2));
    l2.topic = Some("  ".into());
    l2.attendance_taken_at = taken.clone();
    l2.mode = LessonMode::Online;
    let mut l3 = lesson(class, subject, t2, d(2025, 10, 3));
    l3.topic = Some("Уравнения".into());
    l3.homework_kind = Some(HomeworkKind::NotAssigned);
    l3.mode = LessonMode::Online;
    // A substitution: T1's lesson taught by T3 counts for T3.
    let mut l4 = lesson(class, subject, t1, d(2025, 10, 6));
    l4.taught_by_id = Some(t3);
    l4.topic = Some("Проценты".into());
    l4.attendance_taken_at = taken;
    // After the working date: not held yet.
    let mut l5 = lesson(class, subject, t2, d(2026, 1, 20));
    l5.topic = Some("Потом".into());
    l5.mode = LessonMode::Online;
    let ids: Vec<Id> = [l1, l2, l3, l4, l5]
        .iter()
        .map(|l| store::journal::insert_lesson(conn, l).unwrap())
        .collect();
    let forms = store::curriculum::control_forms(conn).unwrap();
    let current = forms.iter().find(|c| c.deadline_kind == "current").unwrap();
    let written = forms.iter().find(|c| c.deadline_kind == "written").unwrap();
    for (lesson_id, seq, form, at) in [
        // current: 15 days; written: 3 days.
        (ids[0], 1, current, "2025-10-05T12:00:00Z"),
        (ids[0], 2, written, "2025-10-10T12:00:00Z"),
        (ids[2], 1, current, "2025-10-30T12:00:00Z"),
        (ids[3], 1, current, "2025-10-06T12:00:00Z"),
    ] {
        store::journal::insert_mark(
            conn,
            &store::journal::StoredMark {
                id: 0,
                lesson_id,
                student_id: student,
                seq,
                control_form_id: form.id,
                mark: Mark::grade(5, form.weight),
                entered_at: at.into(),
                entered_by: OP.into(),
            },
        )
        .unwrap();
    }
    School { f, t1, t2, t3 }
}

fn compute(db: &Db, m: Metric, params: &str, from: NaiveDate, to: NaiveDate) -> Outcome {
    compute_as_of(db, m, params, from, to, as_of())
}

fn compute_as_of(
    db: &Db,
    m: Metric,
    params: &str,
    from: NaiveDate,
    to: NaiveDate,
    when: NaiveDate,
) -> Outcome {
    let settings = store::settings::load(db.conn()).unwrap();
    let p = MetricParams::parse_pairs(m, params).unwrap();
    metrics::compute(db.conn(), &settings, m, &p, (from, to), when).unwrap()
}

fn value(o: Outcome) -> Computed {
    match o {
        Outcome::Value(c) => c,
        Outcome::NoData { reason } => panic!("no data: {reason}"),
    }
}

fn year2025() -> (NaiveDate, NaiveDate) {
    (d(2025, 1, 1), d(2025, 12, 31))
}

#[test]
fn training_sessions_are_counted_by_date_and_format() {
    let s = school();
    let (a, b) = year2025();
    let c = value(compute(&s.f.db, Metric::TrainingSessions, "", a, b));
    assert_eq!((c.value, c.denominator), (6.0, None));
    // Only the school year's days are counted, up to the working date.
    assert_eq!((c.from, c.to), (d(2025, 9, 1), d(2025, 12, 24)));
    assert_eq!(
        c.evidence,
        "6 training sessions held, 01.09.2025–24.12.2025"
    );
    let m = value(compute(
        &s.f.db,
        Metric::TrainingSessions,
        "format=mentoring",
        a,
        b,
    ));
    assert_eq!(m.value, 1.0);
    assert!(
        m.evidence.starts_with("1 mentoring sessions held"),
        "{}",
        m.evidence
    );
    // As of 6.11 three sessions were held (1.10, 8.10, 5.11).
    let early = compute_as_of(&s.f.db, Metric::TrainingSessions, "", a, b, d(2025, 11, 6));
    assert_eq!(value(early).value, 3.0);
    // A period the database does not hold has no value, not zero.
    match compute(
        &s.f.db,
        Metric::TrainingSessions,
        "",
        d(2022, 1, 1),
        d(2022, 12, 31),
    ) {
        Outcome::NoData { reason } => assert!(reason.contains("no school day"), "{reason}"),
        o => panic!("{o:?}"),
    }
    match compute(
        &s.f.db,
        Metric::TrainingSessions,
        "",
        d(2026, 9, 1),
        d(2026, 12, 31),
    ) {
        Outcome::NoData { reason } => {
            assert!(reason.contains("after the working date"), "{reason}")
        }
        o => panic!("{o:?}"),
    }
}

#[test]
fn shares_of_teachers_by_credits_and_standing() {
    let s = school();
    let (a, b) = year2025();
    // 40 credits (the setting): credits_40, unexcused_2, unexcused_3,
    // personal (39.5 + 0.5 late) and external; not 39.5 nor official.
    let c = value(compute(&s.f.db, Metric::TeachersWithCredits, "", a, b));
    assert_eq!((c.numerator, c.denominator), (5.0, Some(7.0)));
    assert!((c.value - 5.0 / 7.0).abs() < 1e-12);
    assert_eq!(c.year.as_deref(), Some("2025/26"));
    assert!(
        c.evidence
            .starts_with("5 of 7 teachers with at least 40 credits"),
        "{}",
        c.evidence
    );
    let c = value(compute(
        &s.f.db,
        Metric::TeachersWithCredits,
        "min_credits=39.5",
        a,
        b,
    ));
    assert_eq!((c.numerator, c.denominator), (6.0, Some(7.0)));
    // Good standing: the one failing has 3 unexcused absences; 39.5
    // credits is "behind", not a fail, until the year is over.
    let g = value(compute(&s.f.db, Metric::TeachersInGoodStanding, "", a, b));
    assert_eq!((g.numerator, g.denominator), (6.0, Some(7.0)));
    // The same numbers the Training tab's year standing shows.
    let settings = store::settings::load(s.f.db.conn()).unwrap();
    let rows = training_svc::standing(
        s.f.db.conn(),
        &s.f.year,
        training_svc::Scope::Year,
        &settings,
    )
    .unwrap();
    assert_eq!(rows.iter().filter(|r| r.pass).count(), 6);
}

#[test]
fn lesson_shares_follow_journal_keeping() {
    let s = school();
    let (a, b) = year2025();
    let db = &s.f.db;
    let share = |m| {
        let c = value(compute(db, m, "", a, b));
        (c.numerator, c.denominator.unwrap())
    };
    assert_eq!(
        share(Metric::LessonsWithTopic),
        (3.0, 4.0),
        "a blank topic is none"
    );
    assert_eq!(
        share(Metric::LessonsWithHomework),
        (2.0, 4.0),
        "a fixed entry counts"
    );
    assert_eq!(share(Metric::LessonsWithAttendance), (3.0, 4.0));
    assert_eq!(share(Metric::MarksOnTime), (2.0, 4.0));
    let c = value(compute(db, Metric::LessonsWithTopic, "", a, b));
    assert_eq!(c.value, 0.75);
    assert_eq!(
        c.evidence,
        "3 of 4 lessons held have a topic, 01.09.2025–24.12.2025"
    );
    // The sums of the per-teacher journal keeping, substitutes included.
    let settings = store::settings::load(db.conn()).unwrap();
    let k = classbook::service::keeping::journal_keeping(
        db.conn(),
        &settings,
        d(2025, 9, 1),
        d(2025, 12, 31),
        as_of(),
    )
    .unwrap();
    let ids: Vec<Id> = k.iter().map(|r| r.teacher_id).collect();
    for t in [s.t1, s.t2, s.t3] {
        assert!(ids.contains(&t));
    }
    // Before any lesson: no value.
    match compute_as_of(db, Metric::LessonsWithTopic, "", a, b, d(2025, 9, 15)) {
        Outcome::NoData { reason } => assert!(reason.contains("no lesson held"), "{reason}"),
        o => panic!("{o:?}"),
    }
}

#[test]
fn online_lessons_per_teacher_per_month() {
    let s = school();
    let (a, b) = year2025();
    let c = value(compute(
        &s.f.db,
        Metric::OnlineLessonsPerTeacherMonth,
        "",
        a,
        b,
    ));
    // 2 online lessons (the third is after the working date), 3 teachers
    // who taught, 115 days = 3.78 months.
    let months = 115.0 / metrics::DAYS_PER_MONTH;
    assert_eq!(c.numerator, 2.0);
    assert!((c.value - 2.0 / 3.0 / months).abs() < 1e-12, "{}", c.value);
    assert!(
        c.evidence
            .starts_with("2 online lessons ÷ 3 teachers ÷ 3.8 months"),
        "{}",
        c.evidence
    );
    // Into a per-teacher-month indicator unchanged; a share into percent ×100.
    assert_eq!(
        Metric::OnlineLessonsPerTeacherMonth.in_unit(c.value, Unit::PerTeacherMonth),
        c.value
    );
}

fn seed(db: &mut Db) -> Programme {
    let ids = db
        .write(|tx| programme_csv::import(tx, "fgos.csv", FGOS))
        .unwrap()
        .programme_ids;
    store::indicators::programme(db.conn(), ids[0])
        .unwrap()
        .unwrap()
}

#[test]
fn recompute_stores_dated_values_once_and_undoes() {
    let mut s = school();
    let p = seed(&mut s.f.db);
    let table = svc::load(s.f.db.conn(), &p, as_of()).unwrap();
    let sessions = table.find("1.1").unwrap().indicator.id;
    let trained = table.find("1.2").unwrap().indicator.id;
    let db = &mut s.f.db;
    db.write(|tx| {
        svc::bind_metric(
            tx,
            OP,
            sessions,
            Some((Metric::TrainingSessions, &MetricParams::default())),
        )
    })
    .unwrap();
    let p40 = MetricParams::parse_pairs(Metric::TeachersWithCredits, "min_credits=40").unwrap();
    db.write(|tx| svc::bind_metric(tx, OP, trained, Some((Metric::TeachersWithCredits, &p40))))
        .unwrap();
    let (lines, ids) = db
        .write(|tx| svc::recompute(tx, OP, p.id, None, as_of()))
        .unwrap();
    // 2 indicators × 3 periods; only 2025–2026 is in the database.
    assert_eq!(lines.len(), 6);
    let stored: Vec<_> = lines.iter().filter(|l| l.stored).collect();
    assert_eq!(stored.len(), 2);
    assert_eq!(ids.len(), 2, "one audited row each");
    assert_eq!(stored[0].value, Some(6.0));
    assert_eq!(stored[1].value, Some(0.7143), "5 of 7, rounded to 4 places");
    let t = svc::load(db.conn(), &p, as_of()).unwrap();
    let r = t.find("1.1").unwrap();
    let a = r.actual.as_ref().unwrap();
    assert_eq!(
        (a.value, a.source, a.measured_on),
        (6.0, Source::Computed, as_of())
    );
    assert_eq!(r.actual_period.as_deref(), Some("2025-2026"));
    // 6 of 36 with 49% of 2025–2026 gone: at risk.
    assert_eq!(r.status, Some(Status::AtRisk));
    // Nothing changed: nothing stored again.
    let (again, ids2) = db
        .write(|tx| svc::recompute(tx, OP, p.id, None, as_of()))
        .unwrap();
    assert!(again.iter().all(|l| !l.stored));
    assert!(ids2.is_empty());
    // Undo removes the computed values.
    db.write(|tx| store::audit::undo_group(tx, OP, &ids))
        .unwrap();
    let t = svc::load(db.conn(), &p, as_of()).unwrap();
    assert!(t.find("1.1").unwrap().actual.is_none());
    // A unit that cannot hold the metric is refused.
    let e = db
        .write(|tx| {
            svc::bind_metric(
                tx,
                OP,
                sessions,
                Some((Metric::LessonsWithTopic, &MetricParams::default())),
            )
        })
        .unwrap_err();
    assert!(e.to_string().contains("gives a share"), "{e}");
}

#[test]
fn actual_values_and_targets_are_checked_audited_and_undoable() {
    let mut s = school();
    let p = seed(&mut s.f.db);
    let t = svc::load(s.f.db.conn(), &p, as_of()).unwrap();
    let r = t.find("2.2").unwrap().clone();
    let pi = t.period_index("2025–2026").unwrap();
    let period = t.periods[pi].clone();
    let db = &mut s.f.db;
    let input = |v: f64, on: NaiveDate| ActualInput {
        indicator_id: r.indicator.id,
        period_id: period.id,
        measured_on: on,
        value: v,
        evidence: "Приказ № 5 ".into(),
    };
    // Refusals name what is wrong and save nothing.
    let e = db
        .write(|tx| svc::enter_actual(tx, OP, &input(1.5, as_of()), as_of()))
        .unwrap_err();
    assert!(e.to_string().contains("a share is 0–1"), "{e}");
    let e = db
        .write(|tx| svc::enter_actual(tx, OP, &input(0.3, d(2024, 12, 31)), as_of()))
        .unwrap_err();
    assert!(
        e.to_string().contains("before period 2025-2026 begins"),
        "{e}"
    );
    let e = db
        .write(|tx| svc::enter_actual(tx, OP, &input(0.3, d(2025, 12, 25)), as_of()))
        .unwrap_err();
    assert!(e.to_string().contains("after the working date"), "{e}");
    assert!(
        store::indicators::actuals(db.conn(), r.indicator.id)
            .unwrap()
            .is_empty()
    );
    // Entered, then corrected.
    let (id, ids) = db
        .write(|tx| svc::enter_actual(tx, OP, &input(0.3, d(2025, 12, 20)), as_of()))
        .unwrap();
    assert_eq!(ids.len(), 1);
    let a = store::indicators::actual(db.conn(), id).unwrap().unwrap();
    assert_eq!(
        (a.value, a.evidence.as_str(), a.entered_by.as_str()),
        (0.3, "Приказ № 5", OP)
    );
    let t2 = svc::load(db.conn(), &p, as_of()).unwrap();
    let row = t2.find("2.2").unwrap();
    // 0.3 of 0.35: 86% of a running share, below 90%: at risk.
    assert_eq!(row.status, Some(Status::AtRisk));
    let fix = db
        .write(|tx| svc::update_actual(tx, OP, id, &input(0.33, d(2025, 12, 20)), as_of()))
        .unwrap();
    let t3 = svc::load(db.conn(), &p, as_of()).unwrap();
    assert_eq!(t3.find("2.2").unwrap().status, Some(Status::OnTrack));
    db.write(|tx| store::audit::undo_group(tx, OP, &fix))
        .unwrap();
    assert_eq!(
        store::indicators::actual(db.conn(), id)
            .unwrap()
            .unwrap()
            .value,
        0.3
    );
    // Targets: set one, remove one; shares above 1 refused.
    let targets = db
        .write(|tx| {
            svc::set_targets(
                tx,
                OP,
                r.indicator.id,
                &[(period.id, Some(0.3)), (t.periods[0].id, None)],
            )
        })
        .unwrap();
    assert_eq!(targets.len(), 2);
    let t4 = svc::load(db.conn(), &p, as_of()).unwrap();
    let row = t4.find("2.2").unwrap();
    assert_eq!(row.targets[0], None);
    assert_eq!(row.targets[pi], Some(0.3));
    assert_eq!(row.status, Some(Status::Met));
    let e = db
        .write(|tx| svc::set_targets(tx, OP, r.indicator.id, &[(period.id, Some(30.0))]))
        .unwrap_err();
    assert!(e.to_string().contains("a share is 0–1"), "{e}");
    db.write(|tx| store::audit::undo_group(tx, OP, &targets))
        .unwrap();
    let t5 = svc::load(db.conn(), &p, as_of()).unwrap();
    assert_eq!(t5.find("2.2").unwrap().targets, r.targets);
    // Deleting removes the value; undo brings it back.
    let del = db.write(|tx| svc::delete_actual(tx, OP, id)).unwrap();
    assert!(store::indicators::actual(db.conn(), id).unwrap().is_none());
    db.write(|tx| store::audit::undo_group(tx, OP, &del))
        .unwrap();
    assert!(store::indicators::actual(db.conn(), id).unwrap().is_some());
}

#[test]
fn filter_and_sort_inside_each_task() {
    let mut s = school();
    let p = seed(&mut s.f.db);
    let db = &mut s.f.db;
    let t = svc::load(db.conn(), &p, as_of()).unwrap();
    let per = t.periods[t.period_index("2025-2026").unwrap()].id;
    for (n, v) in [("2.1", 45.0), ("2.2", 0.01), ("2.3", 0.6)] {
        let id = t.find(n).unwrap().indicator.id;
        db.write(|tx| {
            svc::enter_actual(
                tx,
                OP,
                &ActualInput {
                    indicator_id: id,
                    period_id: per,
                    measured_on: as_of(),
                    value: v,
                    evidence: String::new(),
                },
                as_of(),
            )
        })
        .unwrap();
    }
    let t = svc::load(db.conn(), &p, as_of()).unwrap();
    let numbers = |view: &View| -> Vec<String> {
        svc::visible(&t, view)
            .into_iter()
            .flat_map(|(ti, idx)| idx.into_iter().map(move |i| (ti, i)))
            .map(|(ti, i)| t.tasks[ti].indicators[i].number.clone())
            .collect()
    };
    let all = numbers(&View::default());
    assert_eq!(all.len(), 16);
    let behind = numbers(&View {
        show: Show::Behind,
        ..View::default()
    });
    assert_eq!(behind, vec!["2.2", "2.3"]);
    let by_status = numbers(&View {
        sort: Sort::Status,
        text: "2.".into(),
        ..View::default()
    });
    assert!(by_status.is_empty(), "the text is a name or a whole number");
    let task2: Vec<String> = svc::visible(
        &t,
        &View {
            sort: Sort::Achievement,
            ..View::default()
        },
    )
    .into_iter()
    .find(|(ti, _)| t.tasks[*ti].task.seq == 2)
    .map(|(ti, idx)| {
        idx.into_iter()
            .map(|i| t.tasks[ti].indicators[i].number.clone())
            .collect()
    })
    .unwrap();
    assert_eq!(
        task2,
        vec!["2.2", "2.3", "2.1", "2.4"],
        "lowest achievement first, none last"
    );
    let found = numbers(&View {
        text: "КОНСУЛЬТАЦИЙ".into(),
        ..View::default()
    });
    assert_eq!(found, vec!["2.1"]);
}

fn empty_db() -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().unwrap();
    let db = store::open(
        &dir.path().join("e.sqlite"),
        &OpenOptions {
            mode: OpenMode::Create,
            ..OpenOptions::default()
        },
    )
    .unwrap();
    (dir, db)
}

#[test]
fn programme_csv_round_trip() {
    let (_a, mut one) = empty_db();
    let p = seed(&mut one);
    let t = svc::load(one.conn(), &p, as_of()).unwrap();
    let id = t.find("1.2").unwrap().indicator.id;
    let params = MetricParams::parse_pairs(Metric::TeachersWithCredits, "min_credits=36").unwrap();
    one.write(|tx| svc::bind_metric(tx, OP, id, Some((Metric::TeachersWithCredits, &params))))
        .unwrap();
    let first = programme_csv::export(one.conn(), p.id).unwrap();
    // Every row of the seed is in the export, in the seed's order.
    let mut seed_rows = csv::Reader::from_reader(FGOS.as_bytes());
    let mut out_rows = csv::Reader::from_reader(first.as_bytes());
    let a: Vec<csv::StringRecord> = seed_rows.records().map(Result::unwrap).collect();
    let b: Vec<csv::StringRecord> = out_rows.records().map(Result::unwrap).collect();
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        let y11: Vec<&str> = y.iter().take(11).collect();
        let x11: Vec<&str> = x.iter().collect();
        assert_eq!(x11, y11);
    }
    assert!(
        first.contains(r#"teachers_with_credits,"{""min_credits"":36.0}""#),
        "{first}"
    );
    // Into a fresh database and out again: the same text.
    let (_b, mut two) = empty_db();
    let ids = two
        .write(|tx| programme_csv::import(tx, "export.csv", &first))
        .unwrap();
    assert_eq!((ids.indicators, ids.targets), (16, 48));
    let second = programme_csv::export(two.conn(), ids.programme_ids[0]).unwrap();
    assert_eq!(first, second);
    let t2 = svc::load(
        two.conn(),
        &store::indicators::programme(two.conn(), ids.programme_ids[0])
            .unwrap()
            .unwrap(),
        as_of(),
    )
    .unwrap();
    assert_eq!(
        t2.find("1.2").unwrap().metric,
        Some((Metric::TeachersWithCredits, params))
    );
    // The Vietnamese school's targets too (one period, percent units).
    let (_c, mut three) = empty_db();
    let r = three
        .write(|tx| programme_csv::import(tx, "it.csv", IT))
        .unwrap();
    let out = programme_csv::export(three.conn(), r.programme_ids[0]).unwrap();
    let (_d, mut four) = empty_db();
    let r4 = four
        .write(|tx| programme_csv::import(tx, "it2.csv", &out))
        .unwrap();
    assert_eq!(
        programme_csv::export(four.conn(), r4.programme_ids[0]).unwrap(),
        out
    );
}

#[test]
fn a_bad_programme_file_names_the_line_and_imports_nothing() {
    let (_a, mut db) = empty_db();
    let bad_unit = FGOS.replacen(",count,higher,2023-2024", ",pieces,higher,2023-2024", 1);
    let e = db
        .write(|tx| programme_csv::import(tx, "p.csv", &bad_unit))
        .unwrap_err();
    assert!(e.to_string().starts_with("p.csv:3: unit «pieces»"), "{e}");
    let bad_target = FGOS.replacen("2022-12-31,15", "2022-12-31,много", 1);
    let e = db
        .write(|tx| programme_csv::import(tx, "p.csv", &bad_target))
        .unwrap_err();
    assert!(e.to_string().starts_with("p.csv:2:"), "{e}");
    assert!(store::indicators::programmes(db.conn()).unwrap().is_empty());
    seed(&mut db);
    let e = db
        .write(|tx| programme_csv::import(tx, "p.csv", FGOS))
        .unwrap_err();
    assert!(e.to_string().contains("already exists"), "{e}");
    assert_eq!(store::indicators::programmes(db.conn()).unwrap().len(), 1);
    // A lower-is-better indicator imports with its direction.
    let lower = FGOS.replace(",count,higher,", ",count,lower,");
    let lower = lower.replace("Программа методического", "Другая программа методического");
    let r = db
        .write(|tx| programme_csv::import(tx, "l.csv", &lower))
        .unwrap();
    let p = store::indicators::programme(db.conn(), r.programme_ids[0])
        .unwrap()
        .unwrap();
    let t = svc::load(db.conn(), &p, as_of()).unwrap();
    assert_eq!(t.find("1.1").unwrap().indicator.direction, Direction::Lower);
}

/// The import checks that a period, a task and an indicator read the same
/// on every row of a programme (by key, in one pass), and names both lines;
/// the same numbers in another programme are no clash.
#[test]
fn an_import_names_the_line_a_row_contradicts() {
    const HEAD: &str = "programme,task_no,task,indicator_no,indicator,unit,direction,period,period_start,period_end,target\n";
    let row = |prog: &str, task: &str, ind: &str, period: &str, end: &str| {
        format!("{prog},1,{task},1,{ind},count,higher,{period},2025-01-01,{end},5\n")
    };
    let ok = row("Программа А", "Задача", "Показатель", "2025", "2025-12-31");
    let cases = [
        (
            row("Программа А", "Задача", "Показатель", "2025", "2025-06-30"),
            Some("x.csv:3: period 2025 has other dates on line 2"),
        ),
        (
            row(
                "Программа А",
                "Nhiệm vụ",
                "Показатель",
                "2026",
                "2026-12-31",
            ),
            Some("x.csv:3: task 1 has another name on line 2"),
        ),
        (
            row("Программа А", "Задача", "指标", "2026", "2026-12-31"),
            Some("x.csv:3: indicator 1.1 differs from line 2"),
        ),
        (
            row("Программа А", "Задача", "Показатель", "2025", "2025-12-31"),
            Some("x.csv:3: indicator 1.1 has period 2025 already on line 2"),
        ),
        // The same indicator in another period: fine.
        (
            row("Программа А", "Задача", "Показатель", "2026", "2026-12-31"),
            None,
        ),
        // Other dates for "2025", another task name: another programme.
        (
            row("计划 B", "Nhiệm vụ", "指标", "2025", "2025-06-30"),
            None,
        ),
    ];
    for (second, expected) in cases {
        let (_d, mut db) = empty_db();
        let text = format!("{HEAD}{ok}{second}");
        let r = db.write(|tx| programme_csv::import(tx, "x.csv", &text));
        match (expected, r) {
            (None, Ok(_)) => {}
            (Some(msg), Err(e)) => assert!(e.to_string().starts_with(msg), "{e} / {msg}"),
            (want, got) => panic!("{second}: expected {want:?}, got {got:?}"),
        }
    }
}
