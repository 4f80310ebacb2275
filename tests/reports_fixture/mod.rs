//! A small school built with the store repositories, whose every report
//! number is worked out by hand in `tests/reports.rs`: class 5А in the second
//! quarter of 2025/26 (as of 24.12.2025) with five students (Russian,
//! Vietnamese and Chinese names; one leaves on 20.11), three subjects, four
//! lesson days, marks of weight 1 and 2, a pending mark, a final grade, and
//! attendance of every category; and a programme with two indicators.

#![allow(dead_code)]

use std::collections::BTreeMap;

use chrono::NaiveDate;
use classbook::domain::attendance::{AttendanceMark, Category};
use classbook::domain::indicators::{
    ActualValue, Direction, Indicator, IndicatorPeriod, Programme, ProgrammeTask, Source, Unit,
};
use classbook::domain::marks::{Mark, MarkSymbol};
use classbook::domain::{
    Class, CurriculumLine, Enrolment, HomeworkKind, Id, Lesson, LessonMode, Period, PeriodKind,
    Role, School, SchoolYear, Sex, Staff, StartReason, Student, Subject, YearStatus,
};
use classbook::store::journal::{PeriodGrade, StoredMark};
use classbook::store::{self, Conn, Db, OpenMode, OpenOptions};

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("a date")
}

/// The school's working date.
pub fn as_of() -> NaiveDate {
    d(2025, 12, 24)
}

/// The school's name, with characters HTML must escape.
pub const SCHOOL: &str = "Школа № 7 <«Гимназия» & \"Lyceum\">";

pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub db: Db,
    pub year: SchoolYear,
    pub class: Class,
    /// Periods by short name: q1, q2, h1, year.
    pub periods: BTreeMap<&'static str, Period>,
    /// Students by family name.
    pub students: BTreeMap<&'static str, Id>,
    pub teacher: Id,
    pub substitute: Id,
    pub programme: Programme,
}

fn staff(conn: &Conn, family: &str, given: &str, pat: Option<&str>, roles: Vec<Role>) -> Id {
    store::people::insert_staff(
        conn,
        &Staff {
            id: 0,
            family_name: family.into(),
            given_name: given.into(),
            patronymic: pat.map(str::to_string),
            login: None,
            email: None,
            phone: None,
            active: true,
            roles,
        },
    )
    .expect("staff")
}

fn code(conn: &Conn, category: Category) -> Id {
    store::attendance::codes(conn, true)
        .unwrap()
        .into_iter()
        .find(|c| c.category == category)
        .unwrap_or_else(|| panic!("a code of category {category}"))
        .id
}

fn form(conn: &Conn, name: &str) -> Id {
    store::curriculum::control_forms(conn)
        .unwrap()
        .into_iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("control form {name}"))
        .id
}

/// The four lesson days of the second quarter.
pub fn days() -> [NaiveDate; 4] {
    [
        d(2025, 11, 10),
        d(2025, 11, 17),
        d(2025, 11, 24),
        d(2025, 12, 1),
    ]
}

pub fn build() -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = store::open(
        &dir.path().join("reports.sqlite"),
        &OpenOptions {
            mode: OpenMode::Create,
            ..OpenOptions::default()
        },
    )
    .expect("creates");
    let conn = db.conn();
    store::school::set_school(
        conn,
        &School {
            name: SCHOOL.into(),
            short_name: "Школа 7".into(),
            address: String::new(),
            as_of: Some(as_of()),
        },
    )
    .unwrap();
    let mut year = SchoolYear {
        id: 0,
        label: "2025/26".into(),
        starts_on: d(2025, 9, 1),
        ends_on: d(2026, 5, 31),
        status: YearStatus::Open,
    };
    year.id = store::school::insert_year(conn, &year).unwrap();
    let mut periods = BTreeMap::new();
    for (key, kind, number, label, from, to) in [
        (
            "q1",
            PeriodKind::Quarter,
            1,
            "1 четверть",
            d(2025, 9, 1),
            d(2025, 10, 24),
        ),
        (
            "q2",
            PeriodKind::Quarter,
            2,
            "2 четверть",
            d(2025, 11, 3),
            d(2025, 12, 28),
        ),
        (
            "h1",
            PeriodKind::Half,
            1,
            "1 полугодие",
            d(2025, 9, 1),
            d(2025, 12, 28),
        ),
        (
            "year",
            PeriodKind::Year,
            1,
            "Год",
            d(2025, 9, 1),
            d(2026, 5, 31),
        ),
    ] {
        let mut p = Period {
            id: 0,
            year_id: year.id,
            kind,
            number,
            label: label.into(),
            starts_on: from,
            ends_on: to,
        };
        p.id = store::school::insert_period(conn, &p).unwrap();
        periods.insert(key, p);
    }
    let teacher = staff(
        conn,
        "Петрова",
        "Анна",
        Some("Викторовна"),
        vec![Role::Teacher, Role::ClassTeacher],
    );
    let substitute = staff(conn, "Trần", "Văn Nam", None, vec![Role::Teacher]);
    staff(
        conn,
        "Воробьёв",
        "Евгений",
        Some("Юрьевич"),
        vec![Role::Director],
    );
    staff(conn, "王", "芳", None, vec![Role::Deputy]);
    let mut class = Class {
        id: 0,
        year_id: year.id,
        grade: 5,
        letter: "А".into(),
        name: "5А".into(),
        class_teacher_id: Some(teacher),
    };
    class.id = store::classes::insert_class(conn, &class).unwrap();
    let mut subjects = vec![];
    for (name, short) in [
        ("Математика", "Матем."),
        ("Русский язык", "Рус. яз."),
        ("Музыка", "Муз."),
    ] {
        let mut s = Subject {
            id: 0,
            name: name.into(),
            short_name: short.into(),
        };
        s.id = store::curriculum::insert_subject(conn, &s).unwrap();
        store::curriculum::insert_curriculum(
            conn,
            &CurriculumLine {
                class_id: class.id,
                subject_id: s.id,
                hours_per_week: 1.0,
            },
        )
        .unwrap();
        subjects.push(s);
    }
    let mut students = BTreeMap::new();
    for (family, given, pat, ends) in [
        ("Иванова", "Мария", Some("Сергеевна"), None),
        ("Nguyễn", "Thị Hương", None, None),
        ("王", "小明", None, None),
        ("Ковалёв", "Пётр", None, None),
        ("Соколова", "Анна", None, Some(d(2025, 11, 20))),
    ] {
        let mut s = Student {
            id: 0,
            family_name: family.into(),
            given_name: given.into(),
            patronymic: pat.map(str::to_string),
            birth_date: Some(d(2014, 5, 1)),
            sex: Some(Sex::F),
            phone: None,
            email: None,
            address: None,
        };
        s.id = store::people::insert_student(conn, &s).unwrap();
        store::people::insert_enrolment(
            conn,
            &Enrolment {
                id: 0,
                student_id: s.id,
                class_id: class.id,
                starts_on: d(2025, 9, 1),
                start_reason: StartReason::StartOfYear,
                start_order_no: Some("1-у".into()),
                start_order_date: Some(d(2025, 8, 29)),
                ends_on: ends,
                end_reason: ends.map(|_| classbook::domain::EndReason::Departure),
                end_order_no: ends.map(|_| "15-у".to_string()),
                end_order_date: ends,
            },
        )
        .unwrap();
        students.insert(family, s.id);
    }
    // Lessons: every day Математика (1st), Русский язык (2nd), Музыка (3rd).
    // Topics: all but Музыка on 01.12; homework: all but Музыка (never);
    // attendance taken: all but Музыка on 01.12. Русский язык on 24.11 was
    // taught by the substitute.
    let mut lesson = BTreeMap::new();
    for (di, day) in days().into_iter().enumerate() {
        for (si, s) in subjects.iter().enumerate() {
            let music = si == 2;
            let last = di == 3;
            let mut l = Lesson {
                id: 0,
                class_id: class.id,
                group_id: None,
                subject_id: s.id,
                teacher_id: teacher,
                taught_by_id: (si == 1 && di == 2).then_some(substitute),
                date: day,
                lesson_no: si as u8 + 1,
                timetable_id: None,
                plan_topic_id: None,
                control_form_id: None,
                topic: (!(music && last)).then(|| format!("Тема {}", di + 1)),
                homework: (!music).then(|| "№ 1".to_string()),
                homework_kind: (!music).then_some(HomeworkKind::Text),
                homework_minutes: None,
                mode: LessonMode::InClass,
                recorded_at: Some(format!("{day}T12:00:00Z")),
                attendance_taken_at: (!(music && last)).then(|| format!("{day}T12:00:00Z")),
            };
            l.id = store::journal::insert_lesson(conn, &l).unwrap();
            lesson.insert((si, di), l.id);
        }
    }
    let oral = form(conn, "Устный ответ");
    let control = form(conn, "Контрольная работа");
    let mut seq: BTreeMap<(Id, Id), u8> = BTreeMap::new();
    let mut mark = |subject: usize, day: usize, who: &str, m: Mark, form: Id, entered: &str| {
        let (l, s) = (lesson[&(subject, day)], students[who]);
        let n = seq.entry((l, s)).or_default();
        *n += 1;
        store::journal::insert_mark(
            conn,
            &StoredMark {
                id: 0,
                lesson_id: l,
                student_id: s,
                seq: *n,
                control_form_id: form,
                mark: m,
                entered_at: entered.into(),
                entered_by: "tester".into(),
            },
        )
        .unwrap();
    };
    let g = |v: u8| Mark::grade(v, 1);
    let on = |day: usize| format!("{}T12:00:00Z", days()[day]);
    // Математика (subject 0).
    for (day, v) in [(0, 5), (1, 5), (2, 4)] {
        mark(0, day, "Иванова", g(v), oral, &on(day));
    }
    // A pending mark whose deadline is after the working date: shown, not counted.
    mark(
        0,
        3,
        "Иванова",
        Mark {
            symbol: MarkSymbol::Pending,
            value: Some(4),
            weight: 1,
            due_on: Some(d(2025, 12, 30)),
            comment: None,
        },
        oral,
        &on(3),
    );
    mark(0, 0, "Nguyễn", g(4), oral, &on(0));
    mark(0, 1, "Nguyễn", Mark::grade(3, 2), control, &on(1));
    mark(0, 2, "Nguyễn", g(4), oral, &on(2));
    for (day, v) in [(0, 2), (1, 3), (2, 2)] {
        mark(0, day, "王", g(v), oral, &on(day));
    }
    mark(0, 0, "Ковалёв", g(5), oral, &on(0));
    mark(0, 1, "Ковалёв", g(4), oral, &on(1));
    mark(0, 0, "Соколова", g(3), oral, &on(0));
    // Русский язык (subject 1); two of Ковалёв's marks entered late
    // (20 days after the lesson: past the 15 days of a current mark).
    for (day, v) in [(0, 4), (1, 4), (2, 5)] {
        mark(1, day, "Иванова", g(v), oral, &on(day));
        mark(1, day, "Nguyễn", g(5), oral, &on(day));
    }
    for (day, v) in [(0, 3), (1, 3), (2, 4)] {
        mark(1, day, "王", g(v), oral, &on(day));
    }
    mark(1, 0, "Ковалёв", g(4), oral, "2025-11-30T12:00:00Z");
    mark(1, 1, "Ковалёв", g(5), oral, "2025-12-07T12:00:00Z");
    mark(1, 2, "Ковалёв", g(4), oral, &on(2));
    mark(
        1,
        3,
        "Ковалёв",
        Mark {
            symbol: MarkSymbol::Absent,
            value: None,
            weight: 1,
            due_on: None,
            comment: None,
        },
        oral,
        &on(3),
    );
    // Ковалёв's final grade in Математика: 4 (his 2 marks are too few).
    store::journal::upsert_period_grade(
        conn,
        &PeriodGrade {
            student_id: students["Ковалёв"],
            subject_id: subjects[0].id,
            period_id: periods["q2"].id,
            class_id: class.id,
            mean: Some(4.5),
            mark_count: 2,
            suggested: None,
            final_grade: Some("4".into()),
            set_by: Some("tester".into()),
            set_at: Some("2025-12-20T12:00:00Z".into()),
        },
    )
    .unwrap();
    // Attendance: Иванова ill at Математика 10.11, Nguyễn remote at Русский
    // язык 17.11, 王 absent with no reason at Математика 24.11 and unexcused
    // at Русский язык 24.11, Ковалёв exempt at Музыка 10.11.
    for (subject, day, who, category) in [
        (0, 0, "Иванова", Category::AbsentExcused),
        (1, 1, "Nguyễn", Category::PresentRemote),
        (0, 2, "王", Category::AbsentUnspecified),
        (1, 2, "王", Category::AbsentUnexcused),
        (2, 0, "Ковалёв", Category::Exempt),
    ] {
        store::attendance::insert_mark(
            conn,
            &AttendanceMark {
                lesson_id: lesson[&(subject, day)],
                student_id: students[who],
                code_id: code(conn, category),
                comment_code_id: None,
                comment: None,
                set_by: "tester".into(),
                set_at: on(day),
            },
        )
        .unwrap();
    }
    // A programme: one task, a count and a share, two periods.
    let mut programme = Programme {
        id: 0,
        name: "Программа «Цифровая школа» 2025–2026".into(),
        owner: "Управление образования".into(),
        starts_on: d(2025, 1, 1),
        ends_on: d(2026, 12, 31),
    };
    programme.id = store::indicators::insert_programme(conn, &programme).unwrap();
    let mut task = ProgrammeTask {
        id: 0,
        programme_id: programme.id,
        seq: 1,
        name: "Методическое сопровождение".into(),
    };
    task.id = store::indicators::insert_task(conn, &task).unwrap();
    let mut pids = vec![];
    for (label, from, to) in [
        ("2025", d(2025, 1, 1), d(2025, 12, 31)),
        ("2026", d(2026, 1, 1), d(2026, 12, 31)),
    ] {
        pids.push(
            store::indicators::insert_period(
                conn,
                &IndicatorPeriod {
                    id: 0,
                    programme_id: programme.id,
                    label: label.into(),
                    starts_on: from,
                    ends_on: to,
                },
            )
            .unwrap(),
        );
    }
    let mut ids = vec![];
    for (seq, name, unit) in [
        (1, "Количество консультаций", Unit::Count),
        (2, "Доля педагогов, прошедших обучение", Unit::Share),
        (3, "Количество открытых уроков", Unit::Count),
    ] {
        ids.push(
            store::indicators::insert_indicator(
                conn,
                &Indicator {
                    id: 0,
                    task_id: task.id,
                    seq,
                    name: name.into(),
                    unit,
                    direction: Direction::Higher,
                    metric: None,
                    metric_params: None,
                },
            )
            .unwrap(),
        );
    }
    for (i, p, t) in [
        (0, 0, 40.0),
        (0, 1, 45.0),
        (1, 0, 0.6),
        (1, 1, 1.0),
        (2, 0, 10.0),
        (2, 1, 12.0),
    ] {
        store::indicators::set_target(conn, ids[i], pids[p], t).unwrap();
    }
    for (i, v) in [(0, 30.0), (1, 0.6)] {
        store::indicators::insert_actual(
            conn,
            &ActualValue {
                id: 0,
                indicator_id: ids[i],
                period_id: pids[0],
                measured_on: d(2025, 12, 20),
                value: v,
                source: Source::Entered,
                evidence: "отчёт".into(),
                entered_by: "tester".into(),
                entered_at: "2025-12-20T12:00:00Z".into(),
            },
        )
        .unwrap();
    }
    Fixture {
        dir,
        db,
        year,
        class,
        periods,
        students,
        teacher,
        substitute,
        programme,
    }
}
