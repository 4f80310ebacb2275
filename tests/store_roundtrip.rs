//! Store round trips: every aggregate of `src/store/` is written through its
//! repository into a fresh database and read back with the repository's
//! read functions, equal to what was written (ids filled in). Names come in
//! three scripts (Cyrillic, Vietnamese, Chinese); text typed with combining
//! marks reads back NFC-composed. Also: the reference data of a new
//! database, the CHECK constraints, `Db::write` atomicity and re-opening.

use chrono::{NaiveDate, NaiveTime};
use rusqlite::{Connection, ErrorCode, params};
use serde_json::json;
use tempfile::TempDir;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::is_nfc;

use classbook::domain::attendance::{
    AttendanceCode, AttendanceMark, Category, DeviceCensus, FollowupMethod, OnlineFollowup, Reason,
};
use classbook::domain::indicators::{
    ActualValue, Direction, Indicator, IndicatorPeriod, Programme, ProgrammeTask, Source, Unit,
};
use classbook::domain::marks::{Mark, MarkSymbol};
use classbook::domain::settings::Settings;
use classbook::domain::training::{
    ExternalTraining, Format, Requirement, StatusCategory, TrainingAttendance, TrainingPlan,
    TrainingSession, TrainingStatus,
};
use classbook::domain::{
    Bell, Class, ClassGroup, CurriculumLine, EndReason, Enrolment, Guardian, Holiday, HolidayKind,
    HomeworkKind, Id, Lesson, LessonMode, Period, PeriodKind, PlanTopic, Relation, Role, School,
    SchoolYear, Sex, Staff, StartReason, Student, Subject, TeachingLog, TimetableSlot, Workload,
    YearStatus,
};
use classbook::store::journal::{PeriodGrade, StoredMark};
use classbook::store::people::ClassMember;
use classbook::store::{self, Db, OpenMode, OpenOptions, StoreError};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// (code, category, reason, key, sort) of an attendance code.
type CodeSummary<'a> = (&'a str, Category, Option<Reason>, Option<&'a str>, i64);

fn create() -> OpenOptions {
    OpenOptions {
        mode: OpenMode::Create,
        ..Default::default()
    }
}

/// A fresh, migrated database in its own temporary directory. Keep the
/// directory alive (`let (_dir, db) = fresh();`) for as long as the Db.
fn fresh() -> (TempDir, Db) {
    let dir = tempfile::tempdir().unwrap();
    let db = store::open(&dir.path().join("school.sqlite"), &create()).unwrap();
    (dir, db)
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

/// The text decomposed (NFD): what a keyboard with dead keys may produce.
fn nfd(s: &str) -> String {
    s.nfd().collect()
}

fn count(conn: &Connection, table: &str) -> i64 {
    conn.query_row(&format!("SELECT count(*) FROM \"{table}\""), [], |r| {
        r.get(0)
    })
    .unwrap()
}

fn user_version(conn: &Connection) -> i64 {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

/// The error is SQLite refusing the row (CHECK, UNIQUE, FK...).
fn assert_sqlite_constraint(e: &rusqlite::Error) {
    assert_eq!(
        e.sqlite_error_code(),
        Some(ErrorCode::ConstraintViolation),
        "expected a constraint violation, got {e}"
    );
}

fn assert_store_constraint(e: StoreError) {
    match e {
        StoreError::Sqlite(s) => assert_sqlite_constraint(&s),
        other => panic!("expected a constraint violation, got {other:?}"),
    }
}

fn control_form_id(conn: &Connection, name: &str) -> Id {
    store::curriculum::control_forms(conn)
        .unwrap()
        .into_iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("control form {name} is loaded"))
        .id
}

fn code_id(conn: &Connection, code: &str, category: Category) -> Id {
    store::attendance::codes(conn, true)
        .unwrap()
        .into_iter()
        .find(|c| c.code == code && c.category == category)
        .unwrap_or_else(|| panic!("attendance code {code} {category}"))
        .id
}

fn year_2025(conn: &Connection) -> SchoolYear {
    let mut y = SchoolYear {
        id: 0,
        label: "2025/2026".into(),
        starts_on: d(2025, 9, 1),
        ends_on: d(2026, 5, 31),
        status: YearStatus::Open,
    };
    y.id = store::school::insert_year(conn, &y).unwrap();
    y
}

/// Three staff: a Russian class teacher, a Vietnamese and a Chinese teacher.
/// Roles are listed in the order they are stored in (by role name).
fn three_staff() -> Vec<Staff> {
    vec![
        Staff {
            id: 0,
            family_name: "Петрова".into(),
            given_name: "Анна".into(),
            patronymic: Some("Викторовна".into()),
            login: Some("petrova".into()),
            email: Some("petrova@school7.ru".into()),
            phone: Some("+7 900 123-45-67".into()),
            active: true,
            roles: vec![Role::Teacher, Role::ClassTeacher],
        },
        Staff {
            id: 0,
            family_name: "Trần".into(),
            given_name: "Văn Nam".into(),
            patronymic: None,
            login: Some("tran".into()),
            email: Some("nam.tran@school7.ru".into()),
            phone: Some("+84 90 123 4567".into()),
            active: true,
            roles: vec![Role::Teacher],
        },
        Staff {
            id: 0,
            family_name: "李".into(),
            given_name: "华".into(),
            patronymic: None,
            login: Some("li".into()),
            email: None,
            phone: None,
            active: false,
            roles: vec![Role::Deputy, Role::TrainingLead],
        },
    ]
}

/// Three students: "Иванова Мария Сергеевна", "Nguyễn Thị Hương", "王小明".
fn three_students() -> Vec<Student> {
    vec![
        Student {
            id: 0,
            family_name: "Иванова".into(),
            given_name: "Мария".into(),
            patronymic: Some("Сергеевна".into()),
            birth_date: Some(d(2014, 3, 12)),
            sex: Some(Sex::F),
            phone: None,
            email: None,
            address: Some("г. Казань, ул. Баумана, д. 5, кв. 12".into()),
        },
        Student {
            id: 0,
            family_name: "Nguyễn".into(),
            given_name: "Thị Hương".into(),
            patronymic: None,
            birth_date: Some(d(2014, 7, 30)),
            sex: Some(Sex::F),
            phone: Some("+84 91 234 5678".into()),
            email: Some("huong.nguyen@example.vn".into()),
            address: Some("Hà Nội, quận Đống Đa, phố Tây Sơn 12".into()),
        },
        Student {
            id: 0,
            family_name: "王".into(),
            given_name: "小明".into(),
            patronymic: None,
            birth_date: Some(d(2013, 12, 1)),
            sex: Some(Sex::M),
            phone: Some("+86 138 0013 8000".into()),
            email: None,
            address: Some("北京市海淀区中关村大街1号".into()),
        },
    ]
}

/// The world most tests need: a year, three staff, class 5А with three
/// enrolled students, and the subject Математика.
struct Fx {
    year: SchoolYear,
    staff: Vec<Staff>,
    class: Class,
    subject: Subject,
    students: Vec<Student>,
}

fn fixture(conn: &Connection) -> Fx {
    let year = year_2025(conn);
    let mut staff = three_staff();
    for s in &mut staff {
        s.id = store::people::insert_staff(conn, s).unwrap();
    }
    let mut class = Class {
        id: 0,
        year_id: year.id,
        grade: 5,
        letter: "А".into(),
        name: "5А".into(),
        class_teacher_id: Some(staff[0].id),
    };
    class.id = store::classes::insert_class(conn, &class).unwrap();
    let mut subject = Subject {
        id: 0,
        name: "Математика".into(),
        short_name: "Матем.".into(),
    };
    subject.id = store::curriculum::insert_subject(conn, &subject).unwrap();
    let mut students = three_students();
    for s in &mut students {
        s.id = store::people::insert_student(conn, s).unwrap();
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
                ends_on: None,
                end_reason: None,
                end_order_no: None,
                end_order_date: None,
            },
        )
        .unwrap();
    }
    Fx {
        year,
        staff,
        class,
        subject,
        students,
    }
}

fn plain_lesson(fx: &Fx, date: NaiveDate, lesson_no: u8) -> Lesson {
    Lesson {
        id: 0,
        class_id: fx.class.id,
        group_id: None,
        subject_id: fx.subject.id,
        teacher_id: fx.staff[0].id,
        taught_by_id: None,
        date,
        lesson_no,
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

fn insert_lesson(conn: &Connection, mut l: Lesson) -> Lesson {
    l.id = store::journal::insert_lesson(conn, &l).unwrap();
    l
}

// ---------------------------------------------------------------------------
// Reference data
// ---------------------------------------------------------------------------

#[test]
fn reference_data_is_loaded_on_creation() {
    let (_dir, db) = fresh();
    let conn = db.conn();

    // 65 control forms, weights 1/2/3, in catalogue order.
    let forms = store::curriculum::control_forms(conn).unwrap();
    assert_eq!(forms.len(), 65);
    let weight = |w: u8| forms.iter().filter(|f| f.weight == w).count();
    assert_eq!(
        (weight(1), weight(2), weight(3)),
        (51, 8, 6),
        "weights 1, 2, 3"
    );
    assert!(forms.iter().all(|f| (1..=3).contains(&f.weight)));
    assert!(
        forms
            .iter()
            .all(|f| ["current", "interim", "written"].contains(&f.deadline_kind.as_str()))
    );
    let form = |name: &str| forms.iter().find(|f| f.name == name).unwrap().clone();
    let kr = form("Контрольная работа");
    assert_eq!((kr.weight, kr.deadline_kind.as_str()), (2, "written"));
    let olymp = form("Олимпиада");
    assert_eq!((olymp.weight, olymp.deadline_kind.as_str()), (3, "current"));
    assert_eq!(form("Опрос").weight, 1);
    assert_eq!(form("Промежуточная аттестация").deadline_kind, "interim");
    assert_eq!(forms[0].name, "Анализ музыкальных произведений");
    assert_eq!(forms[64].name, "Соревнование");

    // 10 attendance codes covering every category, none hidden.
    let codes = store::attendance::codes(conn, true).unwrap();
    assert_eq!(codes.len(), 10);
    assert_eq!(store::attendance::codes(conn, false).unwrap(), codes);
    // Every category has a code, except plain presence, which is never
    // stored (a lesson with attendance taken and no row = present).
    for cat in Category::ALL.iter().filter(|c| **c != Category::Present) {
        assert!(
            codes.iter().any(|c| c.category == *cat),
            "a code of category {cat}"
        );
    }
    assert!(!codes.iter().any(|c| c.category == Category::Present));
    let summary: Vec<CodeSummary> = codes
        .iter()
        .map(|c| {
            (
                c.code.as_str(),
                c.category,
                c.reason,
                c.key.as_deref(),
                c.sort,
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("Н", Category::AbsentUnspecified, None, Some("н"), 1),
            (
                "Н",
                Category::AbsentUnexcused,
                Some(Reason::Unknown),
                Some("у"),
                2
            ),
            (
                "Н",
                Category::AbsentExcused,
                Some(Reason::Health),
                Some("з"),
                3
            ),
            (
                "Н",
                Category::AbsentExcused,
                Some(Reason::ParentRequest),
                Some("р"),
                4
            ),
            (
                "Н",
                Category::AbsentExcused,
                Some(Reason::Quarantine),
                Some("к"),
                5
            ),
            (
                "Б",
                Category::AbsentExcused,
                Some(Reason::Illness),
                Some("б"),
                6
            ),
            (
                "Б",
                Category::AbsentExcused,
                Some(Reason::InfectiousIllness),
                Some("и"),
                7
            ),
            ("О", Category::Exempt, None, Some("о"), 8),
            ("Д", Category::PresentRemote, None, Some("д"), 9),
            ("К", Category::Annotation, None, Some("п"), 10),
        ]
    );
    let infectious = codes.iter().find(|c| c.sort == 7).unwrap();
    assert_eq!(
        infectious,
        &AttendanceCode {
            id: infectious.id,
            code: "Б".into(),
            label: "Инфекционное заболевание".into(),
            category: Category::AbsentExcused,
            reason: Some(Reason::InfectiousIllness),
            key: Some("и".into()),
            sort: 7,
            hidden: false,
        }
    );

    // 7 training statuses.
    let statuses = store::training::statuses(conn).unwrap();
    assert_eq!(
        statuses.iter().map(|s| s.code.as_str()).collect::<Vec<_>>(),
        [
            "present",
            "late",
            "left_early",
            "official_leave",
            "personal_leave",
            "sick_leave",
            "absent"
        ]
    );
    assert_eq!(
        statuses[5],
        TrainingStatus {
            code: "sick_leave".into(),
            label: "Sick leave (medical certificate)".into(),
            category: StatusCategory::Excused,
            earns_credit: false,
            requires: Requirement::Certificate,
            key: "s".into(),
            sort: 6,
        }
    );
    assert_eq!(statuses[3].requires, Requirement::MakeUp);
    assert_eq!(statuses[4].requires, Requirement::Approval);
    assert_eq!(statuses[6].category, StatusCategory::Unexcused);
    assert!(statuses[..3].iter().all(|s| s.earns_credit));

    // Settings: the defaults, every key stored.
    assert_eq!(store::settings::load(conn).unwrap(), Settings::default());
    assert_eq!(
        count(conn, "setting"),
        (Settings::SPEC.len() + classbook::domain::review::Rule::ALL.len()) as i64
    );
}

#[test]
fn chinese_attendance_codes_load_in_a_transaction() {
    let (_dir, mut db) = fresh();
    let loaded = db
        .write(|tx| -> Result<usize, StoreError> {
            store::reference::load_attendance_codes(tx, store::reference::ATTENDANCE_CODES_ZH_CSV)
        })
        .unwrap();
    assert_eq!(loaded, 10);
    let codes = store::attendance::codes(db.conn(), true).unwrap();
    assert_eq!(codes.len(), 20, "the Russian table and the Chinese one");
    let sick = codes.iter().find(|c| c.code == "病").expect("病 is loaded");
    assert_eq!(
        sick,
        &AttendanceCode {
            id: sick.id,
            code: "病".into(),
            label: "病假（非传染性）".into(),
            category: Category::AbsentExcused,
            reason: Some(Reason::Illness),
            key: Some("b".into()),
            sort: 6,
            hidden: false,
        }
    );
    let zh: Vec<&AttendanceCode> = codes
        .iter()
        .filter(|c| {
            c.label
                .chars()
                .any(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch))
        })
        .collect();
    assert_eq!(zh.len(), 10);
    for cat in Category::ALL.iter().filter(|c| **c != Category::Present) {
        assert!(
            zh.iter().any(|c| c.category == *cat),
            "a 中文 code of {cat}"
        );
    }
    let online = zh.iter().find(|c| c.code == "线").unwrap();
    assert_eq!(online.category, Category::PresentRemote);

    // A table with a bad row names the line and loads nothing.
    let before = count(db.conn(), "attendance_code");
    let bad =
        "code,label,category,reason,key\n假,假期,absent_excused,,j\n错,错误,absent_sometimes,,x\n";
    let err = db
        .write(|tx| store::reference::load_attendance_codes(tx, bad))
        .unwrap_err();
    match err {
        StoreError::Invalid(msg) => assert!(msg.contains("line 3"), "{msg}"),
        other => panic!("expected Invalid, got {other:?}"),
    }
    assert_eq!(count(db.conn(), "attendance_code"), before);
}

// ---------------------------------------------------------------------------
// school.rs
// ---------------------------------------------------------------------------

#[test]
fn school_years_periods_and_holidays_round_trip() {
    let (_dir, db) = fresh();
    let conn = db.conn();

    assert_eq!(store::school::school(conn).unwrap(), None);
    let mut school = School {
        name: "МБОУ «Средняя общеобразовательная школа № 7»".into(),
        short_name: "СОШ № 7".into(),
        address: "г. Казань, ул. Пушкина, д. 12".into(),
        as_of: Some(d(2025, 11, 14)),
    };
    store::school::set_school(conn, &school).unwrap();
    assert_eq!(store::school::school(conn).unwrap(), Some(school.clone()));
    assert_eq!(
        store::school::working_date(conn, d(2030, 1, 1)).unwrap(),
        d(2025, 11, 14)
    );
    // Setting it again replaces the one row.
    school.name = nfd("Trường Trung học cơ sở Nguyễn Du");
    school.short_name = "THCS Nguyễn Du".into();
    school.address = "北京市朝阳区".into();
    school.as_of = None;
    store::school::set_school(conn, &school).unwrap();
    school.name = "Trường Trung học cơ sở Nguyễn Du".into();
    assert_eq!(store::school::school(conn).unwrap(), Some(school));
    assert_eq!(count(conn, "school"), 1);
    assert_eq!(
        store::school::working_date(conn, d(2030, 1, 1)).unwrap(),
        d(2030, 1, 1)
    );

    // Years, read back by start date.
    let mut next = SchoolYear {
        id: 0,
        label: "2026/2027".into(),
        starts_on: d(2026, 9, 1),
        ends_on: d(2027, 5, 31),
        status: YearStatus::Planned,
    };
    next.id = store::school::insert_year(conn, &next).unwrap();
    let year = year_2025(conn);
    assert_eq!(
        store::school::years(conn).unwrap(),
        vec![year.clone(), next.clone()]
    );
    assert_eq!(
        store::school::current_year(conn, d(2025, 10, 1)).unwrap(),
        Some(year.clone())
    );
    // A year that ends before it starts is refused before SQL.
    let backwards = SchoolYear {
        label: "2027/2026".into(),
        starts_on: d(2027, 9, 1),
        ends_on: d(2027, 5, 31),
        ..next.clone()
    };
    assert!(matches!(
        store::school::insert_year(conn, &backwards),
        Err(StoreError::Invalid(_))
    ));

    // Periods: inserted year first, read quarters, then halves, then the year.
    let p = |kind, number, label: &str, from, to| Period {
        id: 0,
        year_id: year.id,
        kind,
        number,
        label: label.into(),
        starts_on: from,
        ends_on: to,
    };
    let mut inserted = vec![
        p(
            PeriodKind::Year,
            1,
            "2025/2026 учебный год",
            d(2025, 9, 1),
            d(2026, 5, 31),
        ),
        p(
            PeriodKind::Half,
            2,
            "II полугодие",
            d(2026, 1, 12),
            d(2026, 5, 31),
        ),
        p(
            PeriodKind::Half,
            1,
            "I полугодие",
            d(2025, 9, 1),
            d(2025, 12, 28),
        ),
        p(
            PeriodKind::Quarter,
            4,
            "4 четверть",
            d(2026, 3, 30),
            d(2026, 5, 31),
        ),
        p(
            PeriodKind::Quarter,
            3,
            "3 четверть",
            d(2026, 1, 12),
            d(2026, 3, 20),
        ),
        p(
            PeriodKind::Quarter,
            2,
            &nfd("Học kỳ 2 – 2 четверть"),
            d(2025, 11, 5),
            d(2025, 12, 28),
        ),
        p(
            PeriodKind::Quarter,
            1,
            "第一季度",
            d(2025, 9, 1),
            d(2025, 10, 24),
        ),
    ];
    for period in &mut inserted {
        period.id = store::school::insert_period(conn, period).unwrap();
    }
    inserted[5].label = "Học kỳ 2 – 2 четверть".into();
    let expected: Vec<Period> = [6, 5, 4, 3, 2, 1, 0]
        .iter()
        .map(|&i| inserted[i].clone())
        .collect();
    assert_eq!(store::school::periods(conn, year.id).unwrap(), expected);
    assert_eq!(store::school::periods(conn, next.id).unwrap(), vec![]);

    // Holidays, by start date.
    let h = |kind, label: &str, from, to| Holiday {
        id: 0,
        year_id: year.id,
        kind,
        label: label.into(),
        starts_on: from,
        ends_on: to,
    };
    let mut holidays = vec![
        h(
            HolidayKind::Holiday,
            &nfd("Tết Nguyên Đán"),
            d(2026, 2, 16),
            d(2026, 2, 20),
        ),
        h(
            HolidayKind::Holiday,
            "Осенние каникулы",
            d(2025, 10, 25),
            d(2025, 11, 4),
        ),
        h(
            HolidayKind::NonSchoolDay,
            "День народного единства",
            d(2025, 11, 4),
            d(2025, 11, 4),
        ),
        h(
            HolidayKind::NonSchoolDay,
            "春节",
            d(2026, 2, 17),
            d(2026, 2, 17),
        ),
    ];
    for holiday in &mut holidays {
        holiday.id = store::school::insert_holiday(conn, holiday).unwrap();
    }
    holidays[0].label = "Tết Nguyên Đán".into();
    let expected = vec![
        holidays[1].clone(),
        holidays[2].clone(),
        holidays[0].clone(),
        holidays[3].clone(),
    ];
    assert_eq!(store::school::holidays(conn, year.id).unwrap(), expected);
}

#[test]
fn a_closed_year_round_trips() {
    let (_dir, db) = fresh();
    let conn = db.conn();
    let mut closed = SchoolYear {
        id: 0,
        label: "2024/2025".into(),
        starts_on: d(2024, 9, 2),
        ends_on: d(2025, 5, 31),
        status: YearStatus::Closed,
    };
    closed.id = store::school::insert_year(conn, &closed).unwrap();
    assert_eq!(store::school::years(conn).unwrap(), vec![closed]);
}

// ---------------------------------------------------------------------------
// people.rs
// ---------------------------------------------------------------------------

#[test]
fn staff_students_enrolments_and_guardians_round_trip() {
    let (_dir, db) = fresh();
    let conn = db.conn();
    let year = year_2025(conn);

    // Staff with roles (none, one, several), in three scripts.
    let mut staff = three_staff();
    staff.push(Staff {
        id: 0,
        family_name: "Иванова".into(),
        given_name: "Мария".into(),
        patronymic: Some("Сергеевна".into()),
        login: None,
        email: None,
        phone: None,
        active: true,
        roles: vec![],
    });
    for s in &mut staff {
        s.id = store::people::insert_staff(conn, s).unwrap();
    }
    // Read back by family name (binary order: Latin, Cyrillic, CJK).
    let mut expected = staff.clone();
    expected.sort_by(|a, b| {
        (&a.family_name, &a.given_name, a.id).cmp(&(&b.family_name, &b.given_name, b.id))
    });
    let read = store::people::staff(conn).unwrap();
    assert_eq!(read, expected);
    assert_eq!(
        read.iter().map(|s| s.full_name()).collect::<Vec<_>>(),
        [
            "Trần Văn Nam",
            "Иванова Мария Сергеевна",
            "Петрова Анна Викторовна",
            "李 华"
        ]
    );

    // Two classes.
    let mut c5a = Class {
        id: 0,
        year_id: year.id,
        grade: 5,
        letter: "А".into(),
        name: "5А".into(),
        class_teacher_id: Some(staff[0].id),
    };
    c5a.id = store::classes::insert_class(conn, &c5a).unwrap();
    let mut c5b = Class {
        id: 0,
        letter: "Б".into(),
        name: "5Б".into(),
        class_teacher_id: None,
        ..c5a.clone()
    };
    c5b.id = store::classes::insert_class(conn, &c5b).unwrap();

    // Students.
    let mut students = three_students();
    for s in &mut students {
        s.id = store::people::insert_student(conn, s).unwrap();
    }
    for s in &students {
        assert_eq!(&store::people::student(conn, s.id).unwrap(), s);
    }
    assert_eq!(students[0].full_name(), "Иванова Мария Сергеевна");
    assert_eq!(students[1].full_name(), "Nguyễn Thị Hương");
    assert_eq!(
        format!("{}{}", students[2].family_name, students[2].given_name),
        "王小明"
    );
    assert!(matches!(
        store::people::student(conn, 9_999),
        Err(StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows))
    ));

    // Enrolment history: Иванова leaves 5А for 5Б mid-year.
    let mut left = Enrolment {
        id: 0,
        student_id: students[0].id,
        class_id: c5a.id,
        starts_on: d(2025, 9, 1),
        start_reason: StartReason::StartOfYear,
        start_order_no: Some("1-у".into()),
        start_order_date: Some(d(2025, 8, 29)),
        ends_on: Some(d(2025, 12, 19)),
        end_reason: Some(EndReason::Transfer),
        end_order_no: Some("40-у".into()),
        end_order_date: Some(d(2025, 12, 18)),
    };
    let mut arrived = Enrolment {
        id: 0,
        student_id: students[0].id,
        class_id: c5b.id,
        starts_on: d(2026, 1, 12),
        start_reason: StartReason::Transfer,
        start_order_no: Some("41-у".into()),
        start_order_date: Some(d(2026, 1, 9)),
        ends_on: None,
        end_reason: None,
        end_order_no: None,
        end_order_date: None,
    };
    // Inserted newest first: read back oldest first.
    arrived.id = store::people::insert_enrolment(conn, &arrived).unwrap();
    left.id = store::people::insert_enrolment(conn, &left).unwrap();
    assert_eq!(
        store::people::enrolments(conn, students[0].id).unwrap(),
        vec![left.clone(), arrived.clone()]
    );
    let mut others = vec![];
    for (s, starts_on, reason) in [
        (&students[1], d(2025, 10, 6), StartReason::Arrival),
        (&students[2], d(2025, 9, 1), StartReason::StartOfYear),
    ] {
        let mut e = Enrolment {
            id: 0,
            student_id: s.id,
            class_id: c5a.id,
            starts_on,
            start_reason: reason,
            start_order_no: Some("12-у".into()),
            start_order_date: Some(d(2025, 10, 3)),
            ends_on: None,
            end_reason: None,
            end_order_no: None,
            end_order_date: None,
        };
        e.id = store::people::insert_enrolment(conn, &e).unwrap();
        assert_eq!(
            store::people::enrolments(conn, s.id).unwrap(),
            vec![e.clone()]
        );
        others.push(e);
    }
    // Class lists, alphabetical (binary) with the dates of each stay.
    assert_eq!(
        store::people::class_members(conn, c5a.id, d(2025, 9, 1), d(2026, 5, 31)).unwrap(),
        vec![
            ClassMember {
                student: students[1].clone(),
                starts_on: d(2025, 10, 6),
                ends_on: None,
            },
            ClassMember {
                student: students[0].clone(),
                starts_on: d(2025, 9, 1),
                ends_on: Some(d(2025, 12, 19)),
            },
            ClassMember {
                student: students[2].clone(),
                starts_on: d(2025, 9, 1),
                ends_on: None,
            },
        ]
    );
    assert_eq!(
        store::people::class_members(conn, c5b.id, d(2025, 9, 1), d(2025, 12, 31)).unwrap(),
        vec![]
    );
    assert_eq!(
        store::people::class_members(conn, c5b.id, d(2026, 1, 1), d(2026, 5, 31)).unwrap(),
        vec![ClassMember {
            student: students[0].clone(),
            starts_on: d(2026, 1, 12),
            ends_on: None,
        }]
    );

    // Guardians with their relation, by guardian id.
    let g = |family: &str, given: &str, patronymic: Option<&str>, phone: Option<&str>| Guardian {
        id: 0,
        family_name: family.into(),
        given_name: given.into(),
        patronymic: patronymic.map(Into::into),
        phone: phone.map(Into::into),
        email: None,
    };
    let mut guardians = vec![
        g(
            "Иванов",
            "Сергей",
            Some("Петрович"),
            Some("+7 917 000-11-22"),
        ),
        g("Nguyễn", "Văn Long", None, Some("+84 98 765 4321")),
        g("Trần", "Thị Mai", None, None),
        g("王", "芳", None, Some("+86 139 1234 5678")),
    ];
    guardians[3].email = Some("wangfang@example.cn".into());
    for gd in &mut guardians {
        gd.id = store::people::insert_guardian(conn, gd).unwrap();
    }
    store::people::link_guardian(conn, students[0].id, guardians[0].id, Relation::Father).unwrap();
    store::people::link_guardian(conn, students[1].id, guardians[2].id, Relation::Mother).unwrap();
    store::people::link_guardian(conn, students[1].id, guardians[1].id, Relation::Father).unwrap();
    store::people::link_guardian(conn, students[2].id, guardians[3].id, Relation::Grandmother)
        .unwrap();
    store::people::link_guardian(conn, students[2].id, guardians[0].id, Relation::Guardian)
        .unwrap();
    assert_eq!(
        store::people::guardians(conn, students[0].id).unwrap(),
        vec![(guardians[0].clone(), Relation::Father)]
    );
    assert_eq!(
        store::people::guardians(conn, students[1].id).unwrap(),
        vec![
            (guardians[1].clone(), Relation::Father),
            (guardians[2].clone(), Relation::Mother),
        ]
    );
    assert_eq!(
        store::people::guardians(conn, students[2].id).unwrap(),
        vec![
            (guardians[0].clone(), Relation::Guardian),
            (guardians[3].clone(), Relation::Grandmother),
        ]
    );
}

#[test]
fn a_decomposed_vietnamese_name_reads_back_nfc() {
    let (_dir, db) = fresh();
    let conn = db.conn();
    // "Nguyễn Thị Hương" typed with combining marks: e + U+0302 (circumflex)
    // + U+0303 (tilde), i + U+0323 (dot below), u/o + U+031B (horn).
    let family = "Nguye\u{0302}\u{0303}n";
    let given = "Thi\u{0323} Hu\u{031B}o\u{031B}ng";
    assert_ne!(family, "Nguyễn");
    assert!(!is_nfc(family) && !is_nfc(given));

    let mut student = Student {
        id: 0,
        family_name: family.into(),
        given_name: given.into(),
        patronymic: None,
        birth_date: Some(d(2014, 7, 30)),
        sex: Some(Sex::F),
        phone: None,
        email: None,
        address: Some(nfd("Thành phố Hồ Chí Minh")),
    };
    student.id = store::people::insert_student(conn, &student).unwrap();
    let back = store::people::student(conn, student.id).unwrap();
    assert_eq!(back.family_name, "Nguyễn");
    assert_eq!(back.family_name, "Nguy\u{1EC5}n");
    assert_eq!(back.given_name, "Thị Hương");
    assert_eq!(back.full_name(), "Nguyễn Thị Hương");
    assert_eq!(back.address.as_deref(), Some("Thành phố Hồ Chí Minh"));
    assert_eq!(
        back,
        Student {
            family_name: "Nguyễn".into(),
            given_name: "Thị Hương".into(),
            address: Some("Thành phố Hồ Chí Minh".into()),
            ..student.clone()
        }
    );
    // The composed spelling finds the row in SQL too.
    let found: i64 = conn
        .query_row(
            "SELECT count(*) FROM student WHERE family_name = ?1 AND given_name = ?2",
            params!["Nguyễn", "Thị Hương"],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(found, 1);

    // Staff and guardians are composed as well; surrounding spaces go.
    let mut teacher = Staff {
        id: 0,
        family_name: format!("  {family} "),
        given_name: given.into(),
        patronymic: None,
        login: Some("huong".into()),
        email: None,
        phone: None,
        active: true,
        roles: vec![Role::Teacher],
    };
    teacher.id = store::people::insert_staff(conn, &teacher).unwrap();
    teacher.family_name = "Nguyễn".into();
    teacher.given_name = "Thị Hương".into();
    assert_eq!(store::people::staff(conn).unwrap(), vec![teacher]);

    let mut guardian = Guardian {
        id: 0,
        family_name: family.into(),
        given_name: nfd("Văn Đức"),
        patronymic: None,
        phone: None,
        email: None,
    };
    guardian.id = store::people::insert_guardian(conn, &guardian).unwrap();
    store::people::link_guardian(conn, student.id, guardian.id, Relation::Father).unwrap();
    guardian.family_name = "Nguyễn".into();
    guardian.given_name = "Văn Đức".into();
    assert_eq!(
        store::people::guardians(conn, student.id).unwrap(),
        vec![(guardian, Relation::Father)]
    );
}

#[test]
fn staff_roles_are_a_set_read_back_in_canonical_order() {
    let (_dir, db) = fresh();
    let conn = db.conn();
    let mut s = Staff {
        id: 0,
        family_name: "Иванова".into(),
        given_name: "Мария".into(),
        patronymic: Some("Сергеевна".into()),
        login: None,
        email: None,
        phone: None,
        active: true,
        roles: vec![
            Role::Teacher,
            Role::ClassTeacher,
            Role::Director,
            Role::Teacher,
        ],
    };
    s.id = store::people::insert_staff(conn, &s).unwrap();
    s.roles = vec![Role::Director, Role::Teacher, Role::ClassTeacher];
    assert_eq!(store::people::staff(conn).unwrap(), vec![s]);
}

// ---------------------------------------------------------------------------
// classes.rs
// ---------------------------------------------------------------------------

#[test]
fn classes_groups_and_members_round_trip() {
    let (_dir, db) = fresh();
    let conn = db.conn();
    let fx = fixture(conn);

    let mut c10 = Class {
        id: 0,
        year_id: fx.year.id,
        grade: 10,
        letter: "Б".into(),
        name: "10Б".into(),
        class_teacher_id: Some(fx.staff[1].id),
    };
    c10.id = store::classes::insert_class(conn, &c10).unwrap();
    // A letter typed decomposed: Й is И + U+0306.
    let mut c5j = Class {
        id: 0,
        year_id: fx.year.id,
        grade: 5,
        letter: nfd("Й"),
        name: nfd("5Й"),
        class_teacher_id: None,
    };
    assert_eq!(c5j.letter.chars().count(), 2);
    c5j.id = store::classes::insert_class(conn, &c5j).unwrap();
    c5j.letter = "Й".into();
    c5j.name = "5Й".into();

    assert_eq!(
        store::classes::classes(conn, fx.year.id).unwrap(),
        vec![fx.class.clone(), c5j.clone(), c10.clone()]
    );
    assert_eq!(store::classes::class(conn, c10.id).unwrap(), c10);
    assert_eq!(
        store::classes::class_by_name(conn, fx.year.id, "5а").unwrap(),
        Some(fx.class.clone())
    );
    assert_eq!(
        store::classes::class_by_name(conn, fx.year.id, &nfd("5й")).unwrap(),
        Some(c5j.clone())
    );
    assert_eq!(
        store::classes::class_by_name(conn, fx.year.id, "11А").unwrap(),
        None
    );

    // Groups, by name.
    let mut groups = vec![
        ClassGroup {
            id: 0,
            class_id: fx.class.id,
            name: "英语组".into(),
        },
        ClassGroup {
            id: 0,
            class_id: fx.class.id,
            name: "Английский, группа 2".into(),
        },
        ClassGroup {
            id: 0,
            class_id: fx.class.id,
            name: "Английский, группа 1".into(),
        },
        ClassGroup {
            id: 0,
            class_id: fx.class.id,
            name: nfd("Tiếng Việt"),
        },
    ];
    for g in &mut groups {
        g.id = store::classes::insert_group(conn, g).unwrap();
    }
    groups[3].name = "Tiếng Việt".into();
    let mut expected = groups.clone();
    expected.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(store::classes::groups(conn, fx.class.id).unwrap(), expected);
    assert_eq!(store::classes::groups(conn, c10.id).unwrap(), vec![]);

    // Members, by student id.
    let [s0, s1, s2] = [fx.students[0].id, fx.students[1].id, fx.students[2].id];
    store::classes::add_group_member(conn, groups[2].id, s2).unwrap();
    store::classes::add_group_member(conn, groups[2].id, s0).unwrap();
    store::classes::add_group_member(conn, groups[1].id, s1).unwrap();
    assert_eq!(
        store::classes::group_members(conn, groups[2].id).unwrap(),
        vec![s0, s2]
    );
    assert_eq!(
        store::classes::group_members(conn, groups[1].id).unwrap(),
        vec![s1]
    );
    assert_eq!(
        store::classes::group_members(conn, groups[0].id).unwrap(),
        Vec::<Id>::new()
    );
    // A student is in a group once.
    let dup = store::classes::add_group_member(conn, groups[2].id, s0).unwrap_err();
    assert_store_constraint(dup);
}

// ---------------------------------------------------------------------------
// curriculum.rs
// ---------------------------------------------------------------------------

#[test]
fn subjects_curriculum_workload_bells_timetable_and_plan_round_trip() {
    let (_dir, db) = fresh();
    let conn = db.conn();
    let fx = fixture(conn);

    // Subjects, by name.
    let mut subjects = vec![
        Subject {
            id: 0,
            name: "Русский язык".into(),
            short_name: "Рус. яз.".into(),
        },
        Subject {
            id: 0,
            name: nfd("Tiếng Việt"),
            short_name: nfd("TV"),
        },
        Subject {
            id: 0,
            name: "中文".into(),
            short_name: "中".into(),
        },
        Subject {
            id: 0,
            name: "Английский язык".into(),
            short_name: "Англ.".into(),
        },
    ];
    for s in &mut subjects {
        s.id = store::curriculum::insert_subject(conn, s).unwrap();
    }
    subjects[1].name = "Tiếng Việt".into();
    let mut all = subjects.clone();
    all.push(fx.subject.clone());
    all.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(store::curriculum::subjects(conn).unwrap(), all);

    // Curriculum: hours a week.
    let lines = vec![
        CurriculumLine {
            class_id: fx.class.id,
            subject_id: fx.subject.id,
            hours_per_week: 5.0,
        },
        CurriculumLine {
            class_id: fx.class.id,
            subject_id: subjects[0].id,
            hours_per_week: 4.5,
        },
        CurriculumLine {
            class_id: fx.class.id,
            subject_id: subjects[3].id,
            hours_per_week: 3.0,
        },
        CurriculumLine {
            class_id: fx.class.id,
            subject_id: subjects[2].id,
            hours_per_week: 0.5,
        },
    ];
    for l in &lines {
        store::curriculum::insert_curriculum(conn, l).unwrap();
    }
    let mut read = store::curriculum::curriculum(conn, fx.class.id).unwrap();
    read.sort_by_key(|l| l.subject_id);
    let mut expected = lines.clone();
    expected.sort_by_key(|l| l.subject_id);
    assert_eq!(read, expected);
    let mut taught: Vec<Subject> = vec![
        fx.subject.clone(),
        subjects[0].clone(),
        subjects[3].clone(),
        subjects[2].clone(),
    ];
    taught.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(
        store::curriculum::class_subjects(conn, fx.class.id).unwrap(),
        taught
    );

    // Groups for the English lessons.
    let mut g1 = ClassGroup {
        id: 0,
        class_id: fx.class.id,
        name: "Английский, группа 1".into(),
    };
    g1.id = store::classes::insert_group(conn, &g1).unwrap();
    let mut g2 = ClassGroup {
        id: 0,
        class_id: fx.class.id,
        name: "Английский, группа 2".into(),
    };
    g2.id = store::classes::insert_group(conn, &g2).unwrap();

    // Workload: class-wide and per group, by id.
    let mut workload = vec![
        Workload {
            id: 0,
            class_id: fx.class.id,
            group_id: None,
            subject_id: fx.subject.id,
            teacher_id: fx.staff[0].id,
        },
        Workload {
            id: 0,
            class_id: fx.class.id,
            group_id: Some(g1.id),
            subject_id: subjects[3].id,
            teacher_id: fx.staff[1].id,
        },
        Workload {
            id: 0,
            class_id: fx.class.id,
            group_id: Some(g2.id),
            subject_id: subjects[3].id,
            teacher_id: fx.staff[2].id,
        },
    ];
    for w in &mut workload {
        w.id = store::curriculum::insert_workload(conn, w).unwrap();
    }
    assert_eq!(
        store::curriculum::workload(conn, fx.class.id).unwrap(),
        workload
    );

    // Bells, by lesson number.
    let bells = vec![
        Bell {
            year_id: fx.year.id,
            lesson_no: 2,
            starts_at: "08:55".into(),
            ends_at: "09:40".into(),
        },
        Bell {
            year_id: fx.year.id,
            lesson_no: 1,
            starts_at: "08:00".into(),
            ends_at: "08:45".into(),
        },
        Bell {
            year_id: fx.year.id,
            lesson_no: 3,
            starts_at: "10:00".into(),
            ends_at: "10:45".into(),
        },
    ];
    for b in &bells {
        store::curriculum::insert_bell(conn, b).unwrap();
    }
    assert_eq!(
        store::curriculum::bells(conn, fx.year.id).unwrap(),
        vec![bells[1].clone(), bells[0].clone(), bells[2].clone()]
    );
    // A bell time that is not HH:MM is refused.
    let before = count(conn, "bell");
    let err = store::curriculum::insert_bell(
        conn,
        &Bell {
            year_id: fx.year.id,
            lesson_no: 4,
            starts_at: "11:7".into(),
            ends_at: "11:50".into(),
        },
    )
    .unwrap_err();
    assert_store_constraint(err);
    assert_eq!(count(conn, "bell"), before);

    // Timetable, by weekday, lesson, group.
    let slot = |weekday, lesson_no, group_id, subject_id, teacher_id, room: &str| TimetableSlot {
        id: 0,
        year_id: fx.year.id,
        weekday,
        lesson_no,
        class_id: fx.class.id,
        group_id,
        subject_id,
        teacher_id,
        room: room.into(),
        valid_from: d(2025, 9, 1),
        valid_to: None,
    };
    let mut slots = vec![
        slot(2, 3, None, fx.subject.id, fx.staff[0].id, "каб. 12"),
        slot(
            1,
            2,
            Some(g2.id),
            subjects[3].id,
            fx.staff[2].id,
            "实验室 3",
        ),
        slot(
            1,
            2,
            Some(g1.id),
            subjects[3].id,
            fx.staff[1].id,
            "Phòng 21",
        ),
        slot(1, 1, None, fx.subject.id, fx.staff[0].id, "каб. 12"),
    ];
    slots[0].valid_to = Some(d(2025, 12, 28));
    for s in &mut slots {
        s.id = store::curriculum::insert_slot(conn, s).unwrap();
    }
    assert_eq!(
        store::curriculum::timetable(conn, fx.class.id).unwrap(),
        vec![
            slots[3].clone(),
            slots[2].clone(),
            slots[1].clone(),
            slots[0].clone()
        ]
    );
    // A slot whose lesson has no bell is refused (foreign key).
    let before = count(conn, "timetable");
    let err =
        store::curriculum::insert_slot(conn, &slot(3, 7, None, fx.subject.id, fx.staff[0].id, ""))
            .unwrap_err();
    assert_store_constraint(err);
    assert_eq!(count(conn, "timetable"), before);

    // Thematic plan, by seq.
    let kr = control_form_id(conn, "Контрольная работа");
    let topic = |seq, topic: &str, hours, control_form_id| PlanTopic {
        id: 0,
        class_id: fx.class.id,
        subject_id: fx.subject.id,
        seq,
        topic: topic.into(),
        hours,
        control_form_id,
    };
    let mut plan = vec![
        topic(3, "Контрольная работа № 1 «Натуральные числа»", 1, Some(kr)),
        topic(1, "Натуральные числа и нуль", 2, None),
        topic(
            2,
            &nfd("Phép cộng và phép trừ – Сложение и вычитание"),
            4,
            None,
        ),
    ];
    for p in &mut plan {
        p.id = store::curriculum::insert_plan_topic(conn, p).unwrap();
    }
    plan[2].topic = "Phép cộng và phép trừ – Сложение и вычитание".into();
    assert_eq!(
        store::curriculum::plan(conn, fx.class.id, fx.subject.id).unwrap(),
        vec![plan[1].clone(), plan[2].clone(), plan[0].clone()]
    );
    assert_eq!(
        store::curriculum::plan(conn, fx.class.id, subjects[0].id).unwrap(),
        vec![]
    );
}

// ---------------------------------------------------------------------------
// journal.rs
// ---------------------------------------------------------------------------

#[test]
fn lessons_and_teaching_log_round_trip() {
    let (_dir, db) = fresh();
    let conn = db.conn();
    let fx = fixture(conn);
    let mut group = ClassGroup {
        id: 0,
        class_id: fx.class.id,
        name: "Группа 1".into(),
    };
    group.id = store::classes::insert_group(conn, &group).unwrap();
    store::curriculum::insert_bell(
        conn,
        &Bell {
            year_id: fx.year.id,
            lesson_no: 1,
            starts_at: "08:00".into(),
            ends_at: "08:45".into(),
        },
    )
    .unwrap();
    let mut slot = TimetableSlot {
        id: 0,
        year_id: fx.year.id,
        weekday: 1,
        lesson_no: 1,
        class_id: fx.class.id,
        group_id: None,
        subject_id: fx.subject.id,
        teacher_id: fx.staff[0].id,
        room: "каб. 12".into(),
        valid_from: d(2025, 9, 1),
        valid_to: None,
    };
    slot.id = store::curriculum::insert_slot(conn, &slot).unwrap();
    let mut topic = PlanTopic {
        id: 0,
        class_id: fx.class.id,
        subject_id: fx.subject.id,
        seq: 1,
        topic: "Натуральные числа и нуль".into(),
        hours: 2,
        control_form_id: None,
    };
    topic.id = store::curriculum::insert_plan_topic(conn, &topic).unwrap();
    let kr = control_form_id(conn, "Контрольная работа");

    // A full in-class lesson with written homework.
    let first = insert_lesson(
        conn,
        Lesson {
            timetable_id: Some(slot.id),
            plan_topic_id: Some(topic.id),
            topic: Some("Натуральные числа и нуль".into()),
            homework: Some("№ 15, 17 на с. 12".into()),
            homework_kind: Some(HomeworkKind::Text),
            homework_minutes: Some(20),
            recorded_at: Some("2025-09-01T08:50:00Z".into()),
            attendance_taken_at: Some("2025-09-01T08:05:00Z".into()),
            ..plain_lesson(&fx, d(2025, 9, 1), 1)
        },
    );
    // A group lesson held online by a substitute, topic typed decomposed.
    let mut online = insert_lesson(
        conn,
        Lesson {
            group_id: Some(group.id),
            teacher_id: fx.staff[0].id,
            taught_by_id: Some(fx.staff[1].id),
            topic: Some(nfd("Ôn tập: phân số – 分数复习")),
            homework_kind: Some(HomeworkKind::NotProvided),
            mode: LessonMode::Online,
            recorded_at: Some("2025-09-01T10:00:00Z".into()),
            ..plain_lesson(&fx, d(2025, 9, 1), 2)
        },
    );
    online.topic = Some("Ôn tập: phân số – 分数复习".into());
    // A test lesson with creative homework and a control form.
    let test = insert_lesson(
        conn,
        Lesson {
            control_form_id: Some(kr),
            topic: Some("Контрольная работа № 1".into()),
            homework: Some("нарисовать иллюстрацию к задаче".into()),
            homework_kind: Some(HomeworkKind::Creative),
            homework_minutes: Some(0),
            ..plain_lesson(&fx, d(2025, 9, 2), 0)
        },
    );
    // A bare lesson with nothing recorded yet.
    let bare = insert_lesson(conn, plain_lesson(&fx, d(2025, 9, 3), 12));

    for l in [&first, &online, &test, &bare] {
        assert_eq!(&store::journal::lesson(conn, l.id).unwrap(), l);
    }
    assert_eq!(
        store::journal::lessons(
            conn,
            fx.class.id,
            fx.subject.id,
            d(2025, 9, 1),
            d(2025, 9, 30)
        )
        .unwrap(),
        vec![first.clone(), online.clone(), test.clone(), bare.clone()]
    );
    assert_eq!(
        store::journal::lessons(
            conn,
            fx.class.id,
            fx.subject.id,
            d(2025, 9, 2),
            d(2025, 9, 2)
        )
        .unwrap(),
        vec![test.clone()]
    );
    assert_eq!(
        store::journal::lessons_on(conn, fx.class.id, d(2025, 9, 1)).unwrap(),
        vec![first.clone(), online.clone()]
    );
    assert_eq!(
        test.homework_display(),
        "Творческое задание: нарисовать иллюстрацию к задаче"
    );

    // Teaching log of the online lesson: written, then replaced. There is no
    // repository reader, so it is read with SQL.
    let read_log = |lesson_id: Id| -> TeachingLog {
        conn.query_row(
            "SELECT lesson_id, content, form, effect, homework_feedback FROM teaching_log WHERE lesson_id = ?1",
            [lesson_id],
            |r| {
                Ok(TeachingLog {
                    lesson_id: r.get(0)?,
                    content: r.get(1)?,
                    form: r.get(2)?,
                    effect: r.get(3)?,
                    homework_feedback: r.get(4)?,
                })
            },
        )
        .unwrap()
    };
    let mut log = TeachingLog {
        lesson_id: online.id,
        content: nfd("Ôn tập phân số; решение задач"),
        form: "Zoom, 30 phút".into(),
        effect: "良好，大部分学生参与".into(),
        homework_feedback: "Проверено 24 из 26 работ".into(),
    };
    store::journal::set_teaching_log(conn, &log).unwrap();
    log.content = "Ôn tập phân số; решение задач".into();
    assert_eq!(read_log(online.id), log);
    log.effect = "Все ученики подключились".into();
    log.homework_feedback = String::new();
    store::journal::set_teaching_log(conn, &log).unwrap();
    assert_eq!(read_log(online.id), log);
    assert_eq!(count(conn, "teaching_log"), 1);
}

#[test]
fn marks_of_every_symbol_round_trip_several_per_cell() {
    let (_dir, db) = fresh();
    let conn = db.conn();
    let fx = fixture(conn);
    let opros = control_form_id(conn, "Опрос");
    let oral = control_form_id(conn, "Устный ответ");
    let kr = control_form_id(conn, "Контрольная работа");
    let olymp = control_form_id(conn, "Олимпиада");
    let l1 = insert_lesson(conn, plain_lesson(&fx, d(2025, 9, 1), 1));
    let l2 = insert_lesson(
        conn,
        Lesson {
            control_form_id: Some(kr),
            ..plain_lesson(&fx, d(2025, 9, 8), 2)
        },
    );
    let [s0, s1, s2] = [fx.students[0].id, fx.students[1].id, fx.students[2].id];

    let m = |lesson_id, student_id, seq, control_form_id, mark: Mark| StoredMark {
        id: 0,
        lesson_id,
        student_id,
        seq,
        control_form_id,
        mark,
        entered_at: "2025-09-01T10:15:00Z".into(),
        entered_by: "petrova".into(),
    };
    let special = |symbol, value, weight, due_on, comment: Option<&str>| Mark {
        symbol,
        value,
        weight,
        due_on,
        comment: comment.map(Into::into),
    };
    // Inserted out of grid order on purpose.
    let mut marks = vec![
        // Иванова: 5 and 4 in one cell, then a pending 3 due in two weeks.
        m(l1.id, s0, 2, oral, Mark::grade(4, 1)),
        m(l1.id, s0, 1, opros, Mark::grade(5, 1)),
        m(
            l2.id,
            s0,
            1,
            kr,
            special(MarkSymbol::Pending, Some(3), 2, Some(d(2025, 9, 22)), None),
        ),
        // Nguyễn: 2 and 3, then deferred with a comment typed decomposed.
        m(l1.id, s1, 1, opros, Mark::grade(2, 1)),
        m(l1.id, s1, 2, opros, Mark::grade(3, 1)),
        m(
            l2.id,
            s1,
            1,
            kr,
            special(
                MarkSymbol::Deferred,
                None,
                2,
                None,
                Some(&nfd("Sau thời gian ốm dài ngày – после болезни")),
            ),
        ),
        // 王: absent from the oral check, 5 at the olympiad.
        m(
            l1.id,
            s2,
            1,
            opros,
            special(MarkSymbol::Absent, None, 1, None, None),
        ),
        m(l2.id, s2, 1, olymp, Mark::grade(5, 3)),
        m(l2.id, s2, 2, kr, Mark::grade(4, 2)),
    ];
    for mark in &mut marks {
        mark.id = store::journal::insert_mark(conn, mark).unwrap();
    }
    marks[5].mark.comment = Some("Sau thời gian ốm dài ngày – после болезни".into());
    let grid_order = [1, 0, 3, 4, 6, 2, 5, 7, 8];
    let expected: Vec<StoredMark> = grid_order.iter().map(|&i| marks[i].clone()).collect();
    let read = store::journal::marks(
        conn,
        fx.class.id,
        fx.subject.id,
        d(2025, 9, 1),
        d(2025, 9, 30),
    )
    .unwrap();
    assert_eq!(read, expected);
    // Every symbol is there and shows as typed.
    let shown: Vec<String> = read.iter().map(|m| m.mark.display()).collect();
    assert_eq!(shown, ["5", "4", "2", "3", "Н", "*3", "°", "5", "4"]);
    let symbols: Vec<&str> = read.iter().map(|m| m.mark.symbol.as_str()).collect();
    for s in ["2", "3", "4", "5", "Н", "*", "°"] {
        assert!(symbols.contains(&s), "symbol {s} round-trips");
    }
    // The first week only.
    assert_eq!(
        store::journal::marks(
            conn,
            fx.class.id,
            fx.subject.id,
            d(2025, 9, 1),
            d(2025, 9, 7)
        )
        .unwrap(),
        expected[..5].to_vec()
    );
    // A cell position is taken once.
    let before = count(conn, "mark");
    let dup =
        store::journal::insert_mark(conn, &m(l1.id, s0, 1, opros, Mark::grade(3, 1))).unwrap_err();
    assert_store_constraint(dup);
    assert_eq!(count(conn, "mark"), before);
}

#[test]
fn period_grades_round_trip_and_upsert() {
    let (_dir, db) = fresh();
    let conn = db.conn();
    let fx = fixture(conn);
    let mut q1 = Period {
        id: 0,
        year_id: fx.year.id,
        kind: PeriodKind::Quarter,
        number: 1,
        label: "1 четверть".into(),
        starts_on: d(2025, 9, 1),
        ends_on: d(2025, 10, 24),
    };
    q1.id = store::school::insert_period(conn, &q1).unwrap();
    let pg = |student_id, mean, mark_count, suggested: Option<&str>| PeriodGrade {
        student_id,
        subject_id: fx.subject.id,
        period_id: q1.id,
        class_id: fx.class.id,
        mean,
        mark_count,
        suggested: suggested.map(Into::into),
        final_grade: None,
        set_by: None,
        set_at: None,
    };
    let mut grades = vec![
        pg(fx.students[2].id, None, 1, Some("na")),
        pg(fx.students[0].id, Some(4.67), 6, Some("5")),
        pg(fx.students[1].id, Some(2.6), 4, Some("3")),
    ];
    grades[0].final_grade = Some("na".into());
    grades[0].set_by = Some("petrova".into());
    grades[0].set_at = Some("2025-10-21T15:00:00Z".into());
    for g in &grades {
        store::journal::upsert_period_grade(conn, g).unwrap();
    }
    let by_student = |gs: &[PeriodGrade]| {
        let mut v = gs.to_vec();
        v.sort_by_key(|g| g.student_id);
        v
    };
    assert_eq!(
        store::journal::period_grades(conn, fx.class.id, fx.subject.id, q1.id).unwrap(),
        by_student(&grades)
    );
    // The teacher sets the final grade: the row is replaced, not added.
    grades[1].final_grade = Some("5".into());
    grades[1].set_by = Some("petrova".into());
    grades[1].set_at = Some("2025-10-22T09:30:00Z".into());
    grades[2].mean = Some(3.65);
    grades[2].mark_count = 5;
    grades[2].suggested = Some("4".into());
    store::journal::upsert_period_grade(conn, &grades[1]).unwrap();
    store::journal::upsert_period_grade(conn, &grades[2]).unwrap();
    assert_eq!(
        store::journal::period_grades(conn, fx.class.id, fx.subject.id, q1.id).unwrap(),
        by_student(&grades)
    );
    assert_eq!(count(conn, "period_grade"), 3);
    // A grade outside the scale is refused.
    let err = store::journal::upsert_period_grade(
        conn,
        &PeriodGrade {
            final_grade: Some("6".into()),
            ..grades[1].clone()
        },
    )
    .unwrap_err();
    assert_store_constraint(err);
    assert_eq!(
        store::journal::period_grades(conn, fx.class.id, fx.subject.id, q1.id).unwrap(),
        by_student(&grades)
    );
}

// ---------------------------------------------------------------------------
// attendance.rs
// ---------------------------------------------------------------------------

#[test]
fn attendance_marks_census_and_followups_round_trip() {
    let (_dir, db) = fresh();
    let conn = db.conn();
    let fx = fixture(conn);
    let l1 = insert_lesson(
        conn,
        Lesson {
            attendance_taken_at: Some("2025-09-15T08:05:00Z".into()),
            ..plain_lesson(&fx, d(2025, 9, 15), 1)
        },
    );
    let l2 = insert_lesson(
        conn,
        Lesson {
            attendance_taken_at: Some("2025-09-16T08:55:00Z".into()),
            ..plain_lesson(&fx, d(2025, 9, 16), 2)
        },
    );
    let [s0, s1, s2] = [fx.students[0].id, fx.students[1].id, fx.students[2].id];
    let ill = code_id(conn, "Б", Category::AbsentExcused);
    let unspecified = code_id(conn, "Н", Category::AbsentUnspecified);
    let remote = code_id(conn, "Д", Category::PresentRemote);
    let exempt = code_id(conn, "О", Category::Exempt);
    let note = code_id(conn, "К", Category::Annotation);

    let a =
        |lesson_id, student_id, code_id, comment_code_id, comment: Option<&str>| AttendanceMark {
            lesson_id,
            student_id,
            code_id,
            comment_code_id,
            comment: comment.map(Into::into),
            set_by: "petrova".into(),
            set_at: "2025-09-15T08:06:00Z".into(),
        };
    let mut entries = vec![
        a(l2.id, s2, exempt, None, None),
        a(
            l1.id,
            s1,
            unspecified,
            Some(note),
            Some(&nfd("Mẹ gọi điện: con bị sốt")),
        ),
        a(l1.id, s0, ill, None, Some("справка № 154")),
        a(l1.id, s2, remote, None, Some("从家里在线上课")),
        a(l2.id, s1, ill, None, None),
    ];
    for e in &entries {
        store::attendance::insert_mark(conn, e).unwrap();
    }
    entries[1].comment = Some("Mẹ gọi điện: con bị sốt".into());
    assert_eq!(
        store::attendance::marks_for_class(conn, fx.class.id, d(2025, 9, 1), d(2025, 9, 30))
            .unwrap(),
        vec![
            entries[2].clone(),
            entries[1].clone(),
            entries[3].clone(),
            entries[4].clone(),
            entries[0].clone(),
        ]
    );
    assert_eq!(
        store::attendance::marks_for_class(conn, fx.class.id, d(2025, 9, 16), d(2025, 9, 16))
            .unwrap(),
        vec![entries[4].clone(), entries[0].clone()]
    );
    // One entry per lesson and student.
    let err = store::attendance::insert_mark(conn, &a(l1.id, s0, remote, None, None)).unwrap_err();
    assert_store_constraint(err);

    // Device census: written, then replaced.
    let census =
        |student_id, computer, tablet, smartphone, tv, internet, note: &str| DeviceCensus {
            student_id,
            year_id: fx.year.id,
            taken_on: d(2025, 9, 5),
            computer,
            tablet,
            smartphone,
            tv,
            internet,
            note: note.into(),
        };
    let mut c = vec![
        census(s2, true, false, true, true, true, "家里有一台电脑"),
        census(
            s0,
            false,
            false,
            true,
            true,
            false,
            "интернет только мобильный",
        ),
        census(
            s1,
            false,
            true,
            false,
            false,
            true,
            &nfd("Dùng máy tính bảng của chị"),
        ),
    ];
    for x in &c {
        store::attendance::set_census(conn, x).unwrap();
    }
    c[2].note = "Dùng máy tính bảng của chị".into();
    let by_student = |v: &[DeviceCensus]| {
        let mut v = v.to_vec();
        v.sort_by_key(|x| x.student_id);
        v
    };
    assert_eq!(
        store::attendance::census_for_class(conn, fx.class.id, fx.year.id).unwrap(),
        by_student(&c)
    );
    c[1] = DeviceCensus {
        taken_on: d(2025, 10, 1),
        internet: true,
        computer: true,
        note: "купили ноутбук".into(),
        ..c[1].clone()
    };
    store::attendance::set_census(conn, &c[1]).unwrap();
    assert_eq!(
        store::attendance::census_for_class(conn, fx.class.id, fx.year.id).unwrap(),
        by_student(&c)
    );
    assert_eq!(count(conn, "device_census"), 3);

    // Follow-ups of a student who cannot attend online, by date.
    let f = |date, by_staff_id, method, note: &str| OnlineFollowup {
        id: 0,
        student_id: s0,
        date,
        by_staff_id,
        method,
        note: note.into(),
    };
    let mut followups = vec![
        f(
            d(2025, 9, 20),
            fx.staff[0].id,
            FollowupMethod::HomeVisit,
            "Передали задания на бумаге",
        ),
        f(
            d(2025, 9, 17),
            fx.staff[1].id,
            FollowupMethod::Phone,
            &nfd("Gọi điện cho phụ huynh"),
        ),
        f(
            d(2025, 9, 20),
            fx.staff[2].id,
            FollowupMethod::Message,
            "已发短信",
        ),
        f(d(2025, 9, 25), fx.staff[0].id, FollowupMethod::Other, ""),
    ];
    for x in &mut followups {
        x.id = store::attendance::insert_followup(conn, x).unwrap();
    }
    followups[1].note = "Gọi điện cho phụ huynh".into();
    assert_eq!(
        store::attendance::followups(conn, s0).unwrap(),
        vec![
            followups[1].clone(),
            followups[0].clone(),
            followups[2].clone(),
            followups[3].clone(),
        ]
    );
    assert_eq!(store::attendance::followups(conn, s1).unwrap(), vec![]);
}

// ---------------------------------------------------------------------------
// training.rs
// ---------------------------------------------------------------------------

#[test]
fn training_plans_sessions_attendance_external_and_records_round_trip() {
    let (_dir, db) = fresh();
    let conn = db.conn();
    let fx = fixture(conn);
    let [lead, teacher, other] = [fx.staff[0].id, fx.staff[1].id, fx.staff[2].id];

    // Plans, by semester.
    let mut plans = vec![
        TrainingPlan {
            id: 0,
            year_id: fx.year.id,
            semester: 2,
            title: nfd("Học kỳ II: Đổi mới phương pháp dạy học"),
            starts_on: d(2026, 1, 12),
            ends_on: d(2026, 5, 29),
            lead_id: None,
        },
        TrainingPlan {
            id: 0,
            year_id: fx.year.id,
            semester: 1,
            title: "Методическая учёба, I полугодие".into(),
            starts_on: d(2025, 9, 1),
            ends_on: d(2025, 12, 26),
            lead_id: Some(lead),
        },
    ];
    for p in &mut plans {
        p.id = store::training::insert_plan(conn, p).unwrap();
    }
    plans[0].title = "Học kỳ II: Đổi mới phương pháp dạy học".into();
    assert_eq!(
        store::training::plans(conn, fx.year.id).unwrap(),
        vec![plans[1].clone(), plans[0].clone()]
    );
    let plan = plans[1].clone();

    // Sessions, by date and time.
    let mut sessions = vec![
        TrainingSession {
            id: 0,
            plan_id: plan.id,
            date: d(2025, 10, 15),
            starts_at: t(15, 0),
            ends_at: t(16, 30),
            hours: 1.5,
            topic: "Формирующее оценивание на уроке".into(),
            format: Format::Lecture,
            presenter_id: Some(lead),
            presenter: String::new(),
            place: "актовый зал".into(),
            credits: 2.0,
        },
        TrainingSession {
            id: 0,
            plan_id: plan.id,
            date: d(2025, 9, 24),
            starts_at: t(14, 45),
            ends_at: t(15, 45),
            hours: 1.0,
            topic: nfd("Giờ dạy mẫu: phân số"),
            format: Format::DemonstrationLesson,
            presenter_id: None,
            presenter: nfd("Nguyễn Thị Hương (Sở GD&ĐT)"),
            place: "каб. 12".into(),
            credits: 1.5,
        },
        TrainingSession {
            id: 0,
            plan_id: plan.id,
            date: d(2025, 10, 15),
            starts_at: t(9, 5),
            ends_at: t(10, 0),
            hours: 0.75,
            topic: "课堂观察与反思".into(),
            format: Format::Reflection,
            presenter_id: Some(other),
            presenter: "李华".into(),
            place: String::new(),
            credits: 0.0,
        },
    ];
    for s in &mut sessions {
        s.id = store::training::insert_session(conn, s).unwrap();
    }
    sessions[1].topic = "Giờ dạy mẫu: phân số".into();
    sessions[1].presenter = "Nguyễn Thị Hương (Sở GD&ĐT)".into();
    assert_eq!(
        store::training::sessions(conn, plan.id).unwrap(),
        vec![
            sessions[1].clone(),
            sessions[2].clone(),
            sessions[0].clone()
        ]
    );
    assert_eq!(
        store::training::sessions(conn, plans[0].id).unwrap(),
        vec![]
    );

    // Roll call with every kind of status.
    let statuses = store::training::statuses(conn).unwrap();
    assert_eq!(statuses.len(), 7);
    let ta = |session_id, staff_id, status: &str| TrainingAttendance {
        session_id,
        staff_id,
        status: status.into(),
        approved_by_id: None,
        certificate: None,
        made_up_on: None,
        note: String::new(),
    };
    let mut roll = vec![
        ta(sessions[0].id, teacher, "sick_leave"),
        ta(sessions[0].id, lead, "present"),
        ta(sessions[0].id, other, "official_leave"),
        ta(sessions[1].id, lead, "late"),
        ta(sessions[1].id, teacher, "personal_leave"),
        ta(sessions[1].id, other, "absent"),
        ta(sessions[2].id, lead, "left_early"),
    ];
    roll[0].certificate = Some(true);
    roll[0].note = "больничный лист № 12-345".into();
    roll[2].made_up_on = Some(d(2025, 11, 5));
    roll[2].note = "出差（区教育局）".into();
    roll[4].approved_by_id = Some(lead);
    roll[4].certificate = Some(false);
    roll[4].note = nfd("Việc gia đình");
    for r in &roll {
        store::training::insert_attendance(conn, r, "li", "2025-10-15T17:00:00Z").unwrap();
    }
    roll[4].note = "Việc gia đình".into();
    // By session date, session id, staff id.
    let mut expected = roll.clone();
    let session_key = |id: Id| {
        let s = sessions.iter().find(|s| s.id == id).unwrap();
        (s.date, s.id)
    };
    expected.sort_by_key(|r| (session_key(r.session_id), r.staff_id));
    assert_eq!(
        store::training::attendance_for_plan(conn, plan.id).unwrap(),
        expected
    );
    for r in &roll {
        assert!(statuses.iter().any(|s| s.code == r.status));
    }
    // An unknown status is refused (foreign key).
    let err = store::training::insert_attendance(
        conn,
        &ta(sessions[2].id, teacher, "vacation"),
        "li",
        "2025-10-15T17:00:00Z",
    )
    .unwrap_err();
    assert_store_constraint(err);

    // External training, by start date.
    let mut external = vec![
        ExternalTraining {
            id: 0,
            staff_id: teacher,
            starts_on: d(2025, 11, 3),
            ends_on: d(2025, 11, 7),
            provider: nfd("Trường Đại học Sư phạm Hà Nội"),
            title: "Dạy học phát triển năng lực".into(),
            hours: 36.0,
            credits: 12.5,
            certificate_no: "SP-2025-0412".into(),
        },
        ExternalTraining {
            id: 0,
            staff_id: teacher,
            starts_on: d(2025, 10, 1),
            ends_on: d(2025, 10, 1),
            provider: "ИРО РТ".into(),
            title: "Функциональная грамотность".into(),
            hours: 8.0,
            credits: 4.0,
            certificate_no: String::new(),
        },
    ];
    for e in &mut external {
        e.id = store::training::insert_external(conn, e).unwrap();
    }
    external[0].provider = "Trường Đại học Sư phạm Hà Nội".into();
    assert_eq!(
        store::training::external(conn, teacher).unwrap(),
        vec![external[1].clone(), external[0].clone()]
    );
    assert_eq!(store::training::external(conn, lead).unwrap(), vec![]);

    // Study notes and an open lesson (no repository reader: read with SQL).
    let notes = store::training::insert_record(
        conn,
        teacher,
        plan.id,
        "study_notes",
        d(2025, 12, 20),
        5200,
        &nfd("Ghi chép: Đánh giá thường xuyên"),
    )
    .unwrap();
    let open = store::training::insert_record(
        conn,
        lead,
        plan.id,
        "open_lesson",
        d(2025, 11, 12),
        1,
        "Открытый урок «Дроби», 5А",
    )
    .unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT id, staff_id, plan_id, kind, date, amount, note FROM training_record ORDER BY id",
        )
        .unwrap();
    let records: Vec<(Id, Id, Id, String, NaiveDate, i64, String)> = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        records,
        vec![
            (
                notes,
                teacher,
                plan.id,
                "study_notes".into(),
                d(2025, 12, 20),
                5200,
                "Ghi chép: Đánh giá thường xuyên".into()
            ),
            (
                open,
                lead,
                plan.id,
                "open_lesson".into(),
                d(2025, 11, 12),
                1,
                "Открытый урок «Дроби», 5А".into()
            ),
        ]
    );
    let err = store::training::insert_record(conn, lead, plan.id, "essay", d(2025, 11, 12), 1, "")
        .unwrap_err();
    assert_store_constraint(err);
    assert_eq!(count(conn, "training_record"), 2);
}

// ---------------------------------------------------------------------------
// indicators.rs
// ---------------------------------------------------------------------------

#[test]
fn programmes_tasks_periods_indicators_targets_and_actuals_round_trip() {
    let (_dir, db) = fresh();
    let conn = db.conn();

    let mut programmes = vec![
        Programme {
            id: 0,
            name: "Программа развития «Школа Минпросвещения России» 2022–2026".into(),
            owner: "Петрова А. В.".into(),
            starts_on: d(2022, 1, 1),
            ends_on: d(2026, 12, 31),
        },
        Programme {
            id: 0,
            name: nfd("Chương trình chuyển đổi số"),
            owner: nfd("Nguyễn Thị Hương"),
            starts_on: d(2021, 9, 1),
            ends_on: d(2024, 8, 31),
        },
    ];
    for p in &mut programmes {
        p.id = store::indicators::insert_programme(conn, p).unwrap();
    }
    programmes[1].name = "Chương trình chuyển đổi số".into();
    programmes[1].owner = "Nguyễn Thị Hương".into();
    assert_eq!(
        store::indicators::programmes(conn).unwrap(),
        vec![programmes[1].clone(), programmes[0].clone()]
    );
    let prog = programmes[0].id;

    let mut tasks = vec![
        ProgrammeTask {
            id: 0,
            programme_id: prog,
            seq: 2,
            name: "提高教师的数字能力".into(),
        },
        ProgrammeTask {
            id: 0,
            programme_id: prog,
            seq: 1,
            name: "Повышение качества образования".into(),
        },
    ];
    for x in &mut tasks {
        x.id = store::indicators::insert_task(conn, x).unwrap();
    }
    assert_eq!(
        store::indicators::tasks(conn, prog).unwrap(),
        vec![tasks[1].clone(), tasks[0].clone()]
    );

    let mut periods = vec![
        IndicatorPeriod {
            id: 0,
            programme_id: prog,
            label: "2023–2024".into(),
            starts_on: d(2023, 1, 1),
            ends_on: d(2024, 12, 31),
        },
        IndicatorPeriod {
            id: 0,
            programme_id: prog,
            label: "2022".into(),
            starts_on: d(2022, 1, 1),
            ends_on: d(2022, 12, 31),
        },
    ];
    for p in &mut periods {
        p.id = store::indicators::insert_period(conn, p).unwrap();
    }
    assert_eq!(
        store::indicators::periods(conn, prog).unwrap(),
        vec![periods[1].clone(), periods[0].clone()]
    );

    let mut indicators = vec![
        Indicator {
            id: 0,
            task_id: tasks[0].id,
            seq: 1,
            name: "教师参加数字化培训的比例".into(),
            unit: Unit::Share,
            direction: Direction::Higher,
            metric: None,
            metric_params: None,
        },
        Indicator {
            id: 0,
            task_id: tasks[1].id,
            seq: 2,
            name: "Доля неуспевающих".into(),
            unit: Unit::Percent,
            direction: Direction::Lower,
            metric: Some("failing_share".into()),
            metric_params: Some(r#"{"grade_from":5,"grade_to":9}"#.into()),
        },
        Indicator {
            id: 0,
            task_id: tasks[1].id,
            seq: 1,
            name: nfd("Số học sinh đạt giải Olympic – призёры олимпиад"),
            unit: Unit::Count,
            direction: Direction::Higher,
            metric: None,
            metric_params: None,
        },
        Indicator {
            id: 0,
            task_id: tasks[0].id,
            seq: 2,
            name: "Открытые уроки на учителя в месяц".into(),
            unit: Unit::PerTeacherMonth,
            direction: Direction::Higher,
            metric: Some("open_lessons".into()),
            metric_params: None,
        },
    ];
    for i in &mut indicators {
        i.id = store::indicators::insert_indicator(conn, i).unwrap();
    }
    indicators[2].name = "Số học sinh đạt giải Olympic – призёры олимпиад".into();
    // By task number, then indicator number.
    assert_eq!(
        store::indicators::indicators(conn, prog).unwrap(),
        vec![
            indicators[2].clone(),
            indicators[1].clone(),
            indicators[0].clone(),
            indicators[3].clone()
        ]
    );
    assert_eq!(
        store::indicators::indicators(conn, programmes[1].id).unwrap(),
        vec![]
    );

    // Targets: set, then one changed.
    store::indicators::set_target(conn, indicators[0].id, periods[1].id, 0.6).unwrap();
    store::indicators::set_target(conn, indicators[0].id, periods[0].id, 0.8).unwrap();
    store::indicators::set_target(conn, indicators[1].id, periods[0].id, 2.5).unwrap();
    store::indicators::set_target(conn, indicators[2].id, periods[1].id, 12.0).unwrap();
    store::indicators::set_target(conn, indicators[0].id, periods[0].id, 0.85).unwrap();
    let mut targets = store::indicators::targets(conn, prog).unwrap();
    targets.sort_by_key(|&(i, p, _)| (i, p));
    let mut expected = vec![
        (indicators[0].id, periods[1].id, 0.6),
        (indicators[0].id, periods[0].id, 0.85),
        (indicators[1].id, periods[0].id, 2.5),
        (indicators[2].id, periods[1].id, 12.0),
    ];
    expected.sort_by_key(|&(i, p, _)| (i, p));
    assert_eq!(targets, expected);

    // Actuals: only the latest measurement of each indicator and period.
    let av = |indicator_id, period_id, measured_on, value, source, evidence: &str| ActualValue {
        id: 0,
        indicator_id,
        period_id,
        measured_on,
        value,
        source,
        evidence: evidence.into(),
        entered_by: "petrova".into(),
        entered_at: "2024-12-20T12:00:00Z".into(),
    };
    let mut actuals = vec![
        av(
            indicators[0].id,
            periods[0].id,
            d(2024, 12, 20),
            0.9,
            Source::Entered,
            "приказ № 215 от 20.12.2024",
        ),
        av(
            indicators[0].id,
            periods[0].id,
            d(2024, 6, 1),
            0.7,
            Source::Entered,
            "",
        ),
        av(
            indicators[1].id,
            periods[0].id,
            d(2024, 6, 30),
            1.8,
            Source::Computed,
            "",
        ),
        av(
            indicators[0].id,
            periods[1].id,
            d(2022, 12, 28),
            0.55,
            Source::Entered,
            &nfd("Báo cáo tổng kết năm 2022"),
        ),
    ];
    for a in &mut actuals {
        a.id = store::indicators::insert_actual(conn, a).unwrap();
    }
    actuals[3].evidence = "Báo cáo tổng kết năm 2022".into();
    assert_eq!(
        store::indicators::latest_actuals(conn, prog).unwrap(),
        vec![actuals[3].clone(), actuals[0].clone(), actuals[2].clone()]
    );
}

// ---------------------------------------------------------------------------
// settings.rs and audit.rs
// ---------------------------------------------------------------------------

#[test]
fn settings_save_and_load_round_trip() {
    let (_dir, db) = fresh();
    let conn = db.conn();
    assert_eq!(store::settings::load(conn).unwrap(), Settings::default());
    let s = Settings {
        entry_deadline: t(18, 15),
        mark_deadline_current_days: 10,
        mark_deadline_interim_days: 5,
        mark_deadline_written_days: 2,
        min_marks_quarter: 4,
        min_marks_half: 6,
        grade_threshold_3: 250,
        grade_threshold_4: 350,
        grade_threshold_5: 450,
        grades_due_days_before_end: 2,
        deferred_resolve_school_days: 7,
        control_exempt_absence_school_days: 3,
        school_days_per_week: 6,
        homework_max_minutes_grades_1_2: 0,
        homework_max_minutes_per_subject_grades_3_6: 25,
        online_from_grade: 5,
        online_max_minutes_per_day_grades_4_6: 120,
        live_lesson_minutes: 35,
        training_fail_unexcused: 4,
        training_min_credits_year: 3950,
        training_min_session_minutes: 45,
        training_study_notes_chars: 6000,
        training_open_lessons_year: 2,
        severity: [(
            classbook::domain::review::Rule::FinalDiffers,
            classbook::domain::review::Severity::Warning,
        )]
        .into_iter()
        .collect(),
    };
    store::settings::save(conn, &s).unwrap();
    assert_eq!(store::settings::load(conn).unwrap(), s);
    assert_eq!(
        count(conn, "setting"),
        (Settings::SPEC.len() + classbook::domain::review::Rule::ALL.len()) as i64
    );
    let stored: String = conn
        .query_row(
            "SELECT value FROM setting WHERE key = 'training_min_credits_year'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, "39.50");
    store::settings::save(conn, &Settings::default()).unwrap();
    assert_eq!(store::settings::load(conn).unwrap(), Settings::default());
}

#[test]
fn settings_with_raised_thresholds_round_trip() {
    let (_dir, db) = fresh();
    let conn = db.conn();
    let s = Settings {
        grade_threshold_3: 370,
        grade_threshold_4: 420,
        grade_threshold_5: 480,
        ..Settings::default()
    };
    store::settings::save(conn, &s).unwrap();
    assert_eq!(store::settings::load(conn).unwrap(), s);
}

#[test]
fn audit_record_get_and_recent_round_trip() {
    let (_dir, db) = fresh();
    let conn = db.conn();
    let before = store::audit::count(conn).unwrap();
    let started = chrono::Utc::now() - chrono::Duration::seconds(2);

    let created = json!({
        "family_name": "Иванова",
        "given_name": "Мария",
        "patronymic": "Сергеевна",
        "birth_date": "2014-03-12",
    });
    let old_mark = json!({"symbol": "4", "weight": 1});
    let new_mark = json!({"symbol": "5", "weight": 2, "comment": "Nguyễn Thị Hương 王小明"});
    let a = store::audit::record(
        conn,
        "petrova",
        "create",
        "student",
        "1",
        None,
        Some(&created),
    )
    .unwrap();
    let b = store::audit::record(
        conn,
        "tran",
        "update",
        "mark",
        "lesson=3/student=2/seq=1",
        Some(&old_mark),
        Some(&new_mark),
    )
    .unwrap();
    let c = store::audit::record(
        conn,
        "li",
        "delete",
        "guardian",
        "4",
        Some(&json!({"family_name": "王", "given_name": "芳"})),
        None,
    )
    .unwrap();
    store::audit::mark_undo(conn, c, b).unwrap();
    assert_eq!(store::audit::count(conn).unwrap(), before + 3);

    let entry_a = store::audit::get(conn, a).unwrap().expect("entry a");
    let at = chrono::DateTime::parse_from_rfc3339(&entry_a.at).expect("RFC 3339");
    assert!(at >= started && at <= chrono::Utc::now() + chrono::Duration::seconds(2));
    assert_eq!(
        entry_a,
        store::audit::AuditEntry {
            id: a,
            at: entry_a.at.clone(),
            operator: "petrova".into(),
            action: "create".into(),
            entity: "student".into(),
            entity_key: "1".into(),
            old_value: None,
            new_value: Some(created),
            undo_of: None,
        }
    );
    let entry_b = store::audit::get(conn, b).unwrap().expect("entry b");
    assert_eq!(entry_b.old_value, Some(old_mark));
    assert_eq!(entry_b.new_value, Some(new_mark));
    assert_eq!(entry_b.entity_key, "lesson=3/student=2/seq=1");
    let entry_c = store::audit::get(conn, c).unwrap().expect("entry c");
    assert_eq!(entry_c.undo_of, Some(b));
    assert_eq!(entry_c.new_value, None);
    assert_eq!(
        entry_c.old_value,
        Some(json!({"given_name": "芳", "family_name": "王"}))
    );
    assert_eq!(store::audit::get(conn, c + 1_000).unwrap(), None);

    // Newest first, limited.
    assert_eq!(
        store::audit::recent(conn, 2).unwrap(),
        vec![entry_c.clone(), entry_b.clone()]
    );
    let all = store::audit::recent(conn, 100).unwrap();
    assert_eq!(all.len() as i64, before + 3);
    assert_eq!(all[..3].to_vec(), vec![entry_c, entry_b, entry_a]);
}

// ---------------------------------------------------------------------------
// CHECK constraints
// ---------------------------------------------------------------------------

#[test]
fn a_mark_symbol_seven_is_refused_by_the_schema() {
    let (_dir, db) = fresh();
    let conn = db.conn();
    let fx = fixture(conn);
    let lesson = insert_lesson(conn, plain_lesson(&fx, d(2025, 9, 1), 1));
    let form = control_form_id(conn, "Опрос");
    let insert = |symbol: &str, value: Option<i64>| {
        conn.execute(
            "INSERT INTO mark (lesson_id, student_id, seq, symbol, value, control_form_id, weight, entered_at, entered_by)
             VALUES (?1, ?2, 1, ?3, ?4, ?5, 1, '2025-09-01T10:00:00Z', 'petrova')",
            params![lesson.id, fx.students[0].id, symbol, value, form],
        )
    };
    let before = count(conn, "mark");
    for (symbol, value) in [
        ("7", None),
        ("7", Some(7)),
        ("1", None),
        ("x", None),
        ("", None),
    ] {
        let err = insert(symbol, value).unwrap_err();
        assert_sqlite_constraint(&err);
        assert_eq!(count(conn, "mark"), before, "«{symbol}» left no row");
    }
    // A mismatched value is refused too.
    assert_sqlite_constraint(&insert("5", Some(4)).unwrap_err());
    assert_eq!(count(conn, "mark"), before);
    // The same statement with a real mark is accepted.
    insert("5", Some(5)).unwrap();
    assert_eq!(count(conn, "mark"), before + 1);
}

#[test]
fn insert_mark_refuses_incomplete_special_marks_as_invalid() {
    let (_dir, db) = fresh();
    let conn = db.conn();
    let fx = fixture(conn);
    let lesson = insert_lesson(conn, plain_lesson(&fx, d(2025, 9, 1), 1));
    let form = control_form_id(conn, "Контрольная работа");
    let stored = |mark: Mark| StoredMark {
        id: 0,
        lesson_id: lesson.id,
        student_id: fx.students[1].id,
        seq: 1,
        control_form_id: form,
        mark,
        entered_at: "2025-09-01T10:00:00Z".into(),
        entered_by: "petrova".into(),
    };
    let before = count(conn, "mark");
    let refused = [
        // ° without a comment, or with only spaces.
        Mark {
            symbol: MarkSymbol::Deferred,
            value: None,
            weight: 2,
            due_on: None,
            comment: None,
        },
        Mark {
            symbol: MarkSymbol::Deferred,
            value: None,
            weight: 2,
            due_on: None,
            comment: Some("   ".into()),
        },
        // * without a deadline or without its intended mark.
        Mark {
            symbol: MarkSymbol::Pending,
            value: Some(3),
            weight: 2,
            due_on: None,
            comment: None,
        },
        Mark {
            symbol: MarkSymbol::Pending,
            value: None,
            weight: 2,
            due_on: Some(d(2025, 9, 15)),
            comment: None,
        },
        // A weight outside 1–3.
        Mark::grade(5, 4),
    ];
    for mark in refused {
        let err = store::journal::insert_mark(conn, &stored(mark.clone())).unwrap_err();
        assert!(
            matches!(err, StoreError::Invalid(_)),
            "{mark:?} → expected Invalid, got {err:?}"
        );
        assert_eq!(count(conn, "mark"), before);
    }
    // With its comment the deferred mark is accepted.
    let ok = Mark {
        symbol: MarkSymbol::Deferred,
        value: None,
        weight: 2,
        due_on: None,
        comment: Some("после длительной болезни".into()),
    };
    store::journal::insert_mark(conn, &stored(ok)).unwrap();
    assert_eq!(count(conn, "mark"), before + 1);
}

#[test]
fn a_lesson_on_february_30_is_refused() {
    let (_dir, db) = fresh();
    let conn = db.conn();
    let fx = fixture(conn);
    let insert = |date: &str| {
        conn.execute(
            "INSERT INTO lesson (class_id, subject_id, teacher_id, date, lesson_no) VALUES (?1, ?2, ?3, ?4, 1)",
            params![fx.class.id, fx.subject.id, fx.staff[0].id, date],
        )
    };
    let before = count(conn, "lesson");
    for bad in [
        "2025-02-30",
        "2025-13-01",
        "2025-2-3",
        "03.02.2025",
        "2025-02-28 08:00",
    ] {
        let err = insert(bad).unwrap_err();
        assert_sqlite_constraint(&err);
        assert_eq!(count(conn, "lesson"), before, "{bad} left no row");
    }
    insert("2025-02-28").unwrap();
    assert_eq!(count(conn, "lesson"), before + 1);
}

#[test]
fn a_period_that_ends_before_it_starts_is_refused() {
    let (_dir, db) = fresh();
    let conn = db.conn();
    let year = year_2025(conn);
    let backwards = Period {
        id: 0,
        year_id: year.id,
        kind: PeriodKind::Quarter,
        number: 2,
        label: "2 четверть".into(),
        starts_on: d(2025, 12, 28),
        ends_on: d(2025, 11, 5),
    };
    let before = count(conn, "period");
    let err = store::school::insert_period(conn, &backwards).unwrap_err();
    assert_store_constraint(err);
    assert_eq!(count(conn, "period"), before);
    assert_eq!(store::school::periods(conn, year.id).unwrap(), vec![]);
    // Also a fifth quarter.
    let err = store::school::insert_period(
        conn,
        &Period {
            number: 5,
            starts_on: d(2025, 11, 5),
            ends_on: d(2025, 12, 28),
            ..backwards.clone()
        },
    )
    .unwrap_err();
    assert_store_constraint(err);
    assert_eq!(count(conn, "period"), before);
    // The right way round it is accepted.
    let mut ok = Period {
        starts_on: d(2025, 11, 5),
        ends_on: d(2025, 12, 28),
        ..backwards
    };
    ok.id = store::school::insert_period(conn, &ok).unwrap();
    assert_eq!(store::school::periods(conn, year.id).unwrap(), vec![ok]);
}

#[test]
fn an_enrolment_that_ends_before_it_starts_is_refused() {
    let (_dir, db) = fresh();
    let conn = db.conn();
    let fx = fixture(conn);
    let student = fx.students[1].id;
    let existing = store::people::enrolments(conn, student).unwrap();
    let before = count(conn, "enrolment");
    let backwards = Enrolment {
        id: 0,
        student_id: student,
        class_id: fx.class.id,
        starts_on: d(2026, 1, 12),
        start_reason: StartReason::Arrival,
        start_order_no: Some("41-у".into()),
        start_order_date: Some(d(2026, 1, 9)),
        ends_on: Some(d(2026, 1, 11)),
        end_reason: Some(EndReason::Departure),
        end_order_no: Some("42-у".into()),
        end_order_date: Some(d(2026, 1, 11)),
    };
    let err = store::people::insert_enrolment(conn, &backwards).unwrap_err();
    assert_store_constraint(err);
    assert_eq!(count(conn, "enrolment"), before);
    // An end without its reason and order is refused as well.
    let err = store::people::insert_enrolment(
        conn,
        &Enrolment {
            ends_on: Some(d(2026, 2, 1)),
            end_reason: None,
            end_order_no: None,
            ..backwards.clone()
        },
    )
    .unwrap_err();
    assert_store_constraint(err);
    assert_eq!(count(conn, "enrolment"), before);
    assert_eq!(store::people::enrolments(conn, student).unwrap(), existing);
    // A one-day stay is fine.
    let mut one_day = Enrolment {
        ends_on: Some(d(2026, 1, 12)),
        ..backwards
    };
    one_day.id = store::people::insert_enrolment(conn, &one_day).unwrap();
    let mut expected = existing;
    expected.push(one_day);
    assert_eq!(store::people::enrolments(conn, student).unwrap(), expected);
}

// ---------------------------------------------------------------------------
// Transactions and migrations
// ---------------------------------------------------------------------------

#[test]
fn db_write_is_all_or_nothing() {
    let (_dir, mut db) = fresh();
    let student = three_students().remove(0);
    let before = count(db.conn(), "student");
    let audit_before = count(db.conn(), "audit_log");

    // The closure inserts, then fails: nothing stays.
    let r: Result<(), StoreError> = db.write(|tx| {
        store::people::insert_student(tx, &student)?;
        store::audit::record(tx, "petrova", "create", "student", "?", None, None)?;
        assert_eq!(count(tx, "student"), before + 1, "visible inside");
        Err(StoreError::Invalid("передумали".into()))
    });
    assert!(matches!(r, Err(StoreError::Invalid(m)) if m == "передумали"));
    assert_eq!(count(db.conn(), "student"), before);
    assert_eq!(count(db.conn(), "audit_log"), audit_before);

    // Same with anyhow as the error type.
    let r: anyhow::Result<Id> = db.write(|tx| {
        let id = store::people::insert_student(tx, &student)?;
        anyhow::bail!("student {id}: ошибка после вставки")
    });
    assert!(r.unwrap_err().to_string().contains("ошибка после вставки"));
    assert_eq!(count(db.conn(), "student"), before);

    // A constraint failure after a good insert takes the good insert with it.
    let r: Result<(), StoreError> = db.write(|tx| {
        store::people::insert_student(tx, &student)?;
        store::people::insert_student(
            tx,
            &Student {
                family_name: "   ".into(),
                ..student.clone()
            },
        )?;
        Ok(())
    });
    assert_store_constraint(r.unwrap_err());
    assert_eq!(count(db.conn(), "student"), before);

    // And a closure that succeeds commits everything.
    let id = db
        .write(|tx| -> Result<Id, StoreError> {
            let id = store::people::insert_student(tx, &student)?;
            store::audit::record(
                tx,
                "petrova",
                "create",
                "student",
                &id.to_string(),
                None,
                None,
            )?;
            Ok(id)
        })
        .unwrap();
    assert_eq!(count(db.conn(), "student"), before + 1);
    assert_eq!(count(db.conn(), "audit_log"), audit_before + 1);
    assert_eq!(
        store::people::student(db.conn(), id).unwrap(),
        Student { id, ..student }
    );
}

#[test]
fn reopening_keeps_the_schema_version_and_does_not_duplicate_reference_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("school.sqlite");
    let reference = [
        "control_form",
        "attendance_code",
        "training_status",
        "setting",
    ];
    let counts =
        |conn: &Connection| -> Vec<i64> { reference.iter().map(|t| count(conn, t)).collect() };

    let (first_counts, student) = {
        let db = store::open(&path, &create()).unwrap();
        assert_eq!(user_version(db.conn()), store::migrate::latest());
        let c = counts(db.conn());
        assert_eq!(
            c,
            vec![
                65,
                10,
                7,
                (Settings::SPEC.len() + classbook::domain::review::Rule::ALL.len()) as i64
            ]
        );
        let mut s = three_students().remove(2);
        s.id = store::people::insert_student(db.conn(), &s).unwrap();
        (c, s)
    };

    // Reopen as an existing database, then once more in create mode.
    for opts in [
        OpenOptions::default(),
        create(),
        OpenOptions {
            mode: OpenMode::Existing,
            ..Default::default()
        },
    ] {
        let db = store::open(&path, &opts).unwrap();
        assert_eq!(user_version(db.conn()), store::migrate::latest());
        assert_eq!(
            counts(db.conn()),
            first_counts,
            "no duplicated reference rows"
        );
        assert_eq!(
            store::curriculum::control_forms(db.conn()).unwrap().len(),
            65
        );
        assert_eq!(
            store::settings::load(db.conn()).unwrap(),
            Settings::default()
        );
        assert_eq!(
            store::people::student(db.conn(), student.id).unwrap(),
            student
        );
        let report = store::check::run(db.conn()).unwrap();
        assert!(report.ok(), "{report:?}");
    }
}

// ---------------------------------------------------------------------------
// NFC of free text that is not a name
// ---------------------------------------------------------------------------

/// Every TEXT value of every table, with where it is.
fn non_nfc_values(conn: &Connection) -> Vec<String> {
    let mut out = vec![];
    for table in store::check::table_names(conn).unwrap() {
        let cols: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for col in cols {
            let mut stmt = conn
                .prepare(&format!(
                    "SELECT \"{col}\" FROM \"{table}\" WHERE typeof(\"{col}\") = 'text'"
                ))
                .unwrap();
            let values: Vec<String> = stmt
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            for v in values {
                if !is_nfc(&v) {
                    out.push(format!("{table}.{col} = {v:?}"));
                }
            }
        }
    }
    out
}

#[test]
fn names_typed_decomposed_are_stored_nfc_everywhere() {
    let (_dir, db) = fresh();
    let conn = db.conn();
    let fx = fixture(conn);
    // Every name-like field fed decomposed.
    let v = nfd("Nguyễn Thị Hương");
    let mut staff = three_staff().remove(1);
    staff.family_name = v.clone();
    staff.given_name = v.clone();
    staff.patronymic = Some(v.clone());
    staff.login = Some("huong2".into());
    store::people::insert_staff(conn, &staff).unwrap();
    let mut student = three_students().remove(1);
    student.family_name = v.clone();
    student.given_name = v.clone();
    student.patronymic = Some(v.clone());
    student.address = Some(v.clone());
    let sid = store::people::insert_student(conn, &student).unwrap();
    let gid = store::people::insert_guardian(
        conn,
        &Guardian {
            id: 0,
            family_name: v.clone(),
            given_name: v.clone(),
            patronymic: Some(v.clone()),
            phone: None,
            email: None,
        },
    )
    .unwrap();
    store::people::link_guardian(conn, sid, gid, Relation::Mother).unwrap();
    store::classes::insert_group(
        conn,
        &ClassGroup {
            id: 0,
            class_id: fx.class.id,
            name: v.clone(),
        },
    )
    .unwrap();
    store::curriculum::insert_subject(
        conn,
        &Subject {
            id: 0,
            name: v.clone(),
            short_name: v.clone(),
        },
    )
    .unwrap();
    store::school::set_school(
        conn,
        &School {
            name: v.clone(),
            short_name: v.clone(),
            address: v.clone(),
            as_of: None,
        },
    )
    .unwrap();
    assert_eq!(non_nfc_values(conn), Vec::<String>::new());
}

#[test]
fn every_free_text_field_is_stored_nfc() {
    let (_dir, db) = fresh();
    let conn = db.conn();
    let v = nfd("Phòng Đổi mới – Й");
    let mut year = SchoolYear {
        id: 0,
        label: v.clone(),
        starts_on: d(2025, 9, 1),
        ends_on: d(2026, 5, 31),
        status: YearStatus::Open,
    };
    year.id = store::school::insert_year(conn, &year).unwrap();
    let teacher = store::people::insert_staff(
        conn,
        &Staff {
            id: 0,
            family_name: "Trần".into(),
            given_name: "Nam".into(),
            patronymic: None,
            login: Some(v.clone()),
            email: None,
            phone: None,
            active: true,
            roles: vec![Role::Teacher],
        },
    )
    .unwrap();
    let class = store::classes::insert_class(
        conn,
        &Class {
            id: 0,
            year_id: year.id,
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
            name: "Toán".into(),
            short_name: "T".into(),
        },
    )
    .unwrap();
    store::curriculum::insert_bell(
        conn,
        &Bell {
            year_id: year.id,
            lesson_no: 1,
            starts_at: "08:00".into(),
            ends_at: "08:45".into(),
        },
    )
    .unwrap();
    store::curriculum::insert_slot(
        conn,
        &TimetableSlot {
            id: 0,
            year_id: year.id,
            weekday: 1,
            lesson_no: 1,
            class_id: class,
            group_id: None,
            subject_id: subject,
            teacher_id: teacher,
            room: v.clone(),
            valid_from: d(2025, 9, 1),
            valid_to: None,
        },
    )
    .unwrap();
    store::training::insert_external(
        conn,
        &ExternalTraining {
            id: 0,
            staff_id: teacher,
            starts_on: d(2025, 10, 1),
            ends_on: d(2025, 10, 1),
            provider: "ИРО".into(),
            title: "Курс".into(),
            hours: 8.0,
            credits: 4.0,
            certificate_no: v.clone(),
        },
    )
    .unwrap();
    assert_eq!(non_nfc_values(conn), Vec::<String>::new());
}
