//! Every CSV template through the whole import (reader and applier): the
//! shipped templates set up a school from an empty database; a file of each
//! kind with several bad lines is refused with every line named, and the
//! database is left exactly as it was (compared by checksum of every row).

mod common;

use chrono::NaiveDate;
use classbook::service::demo;
use classbook::service::import::apply::{self, ImportError};
use classbook::service::import::model::Severity;
use classbook::service::import::templates::{self, Kind};
use classbook::store::Db;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 10, 15).expect("a date")
}

/// The shipped templates, in the order a school fills them in.
const ORDER: [Kind; 9] = [
    Kind::Calendar,
    Kind::Periods,
    Kind::Bells,
    Kind::Staff,
    Kind::Classes,
    Kind::Students,
    Kind::Guardians,
    Kind::Curriculum,
    Kind::Timetable,
];

fn import(db: &mut Db, kind: Kind, text: &str) -> Result<apply::ImportReport, ImportError> {
    let b = templates::read_str(kind, &format!("{}.csv", kind.name()), text.as_bytes());
    apply::apply(db, "тест", &b, today(), false)
}

fn school() -> (tempfile::TempDir, Db) {
    let (dir, mut db) = common::empty_db();
    for kind in ORDER {
        let r = import(&mut db, kind, templates::template(kind))
            .unwrap_or_else(|e| panic!("the {} template imports: {e:?}", kind.name()));
        let t = r.total();
        assert!(t.added > 0, "{}: {:?}", kind.name(), r.counts);
    }
    (dir, db)
}

#[test]
fn the_shipped_templates_set_up_a_school() {
    let (_dir, mut db) = school();
    let n = |sql: &str| -> i64 { db.conn().query_row(sql, [], |r| r.get(0)).expect("count") };
    assert_eq!(n("SELECT count(*) FROM student"), 3);
    assert!(n("SELECT count(*) FROM timetable") >= 3);
    assert!(n("SELECT count(*) FROM guardian") >= 3);
    assert_eq!(
        n("SELECT count(*) FROM student WHERE family_name = '欧阳'"),
        1
    );
    // Importing them all again changes nothing.
    for kind in ORDER {
        let r = import(&mut db, kind, templates::template(kind)).expect("again");
        let t = r.total();
        assert_eq!(
            (t.added, t.changed, t.closed),
            (0, 0, 0),
            "{}: {:?}",
            kind.name(),
            r.counts
        );
    }
}

/// For each kind: a file whose lines 2, 3 and 4 are each wrong in a
/// different way (in the file itself, or in what it refers to).
fn bad_files() -> Vec<(Kind, &'static str, Vec<usize>)> {
    vec![
        (
            Kind::Calendar,
            "kind,label,starts_on,ends_on\nholiday,Каникулы,2025-13-01,2025-11-02\nholiday,Tết,2027-02-17,2027-02-18\nweekend,Выходной,2025-11-04,\n",
            vec![2, 3, 4],
        ),
        (
            Kind::Periods,
            "year,kind,number,label,starts_on,ends_on\n2025/26,quarter,9,Четверть,2025-09-01,2025-10-24\n1999/00,quarter,3,3 четверть,2026-01-09,2026-03-20\n2025/26,quarter,4,4 четверть,2026-03-30,2026-12-31\n",
            vec![2, 3, 4],
        ),
        (
            Kind::Bells,
            "lesson_no,starts_at,ends_at,year\n4,25:00,11:15,2025/26\n5,12:00,11:00,2025/26\nx,12:10,12:55,2025/26\n",
            vec![2, 3, 4],
        ),
        (
            Kind::Staff,
            "id,family_name,given_name,patronymic,login,email,phone,roles,active\nT-9,,Анна,,anna,,,teacher,yes\nT-10,Lê,Văn,,ivanova,,,teacher,yes\nT-11,王,伟,,wang,,,astronaut,yes\n",
            vec![2, 3, 4],
        ),
        (
            Kind::Students,
            "id,family_name,given_name,patronymic,birth_date,sex,class,groups,starts_on,order_no,order_date,phone,email,address\nS-9,Петров,Иван,,2012-02-30,M,7А,,,,,,,\nS-10,Trần,Bình,,2012-01-01,X,7А,,,,,,,\nS-11,李,娜,,2012-01-01,F,7А,,,12-у,,,,\n",
            vec![2, 3, 4],
        ),
        (
            Kind::Guardians,
            "student,relation,family_name,given_name,patronymic,phone,email,id\nS-404,mother,Петрова,Анна,,,,G-9\nS-1001,aunt,Петрова,Мария,,,,G-10\nS-1002,father,,Văn Nam,,,,G-11\n",
            vec![2, 3, 4],
        ),
        (
            Kind::Curriculum,
            "class,subject,short_name,hours_per_week,teacher,group\n9Я,Физика,Физ.,2,T-001,\n7А,Физика,Физ.,25,T-001,\n7А,Химия,Хим.,2,nobody,\n",
            vec![2, 3, 4],
        ),
        (
            Kind::Timetable,
            "class,group,weekday,lesson_no,subject,teacher,room,valid_from,valid_to,id\n7А,,8,3,Математика,T-001,201,,,\n7А,,2,9,Математика,T-001,201,,,\n7А,Нет такой,3,1,Математика,T-001,201,,,\n",
            vec![2, 3, 4],
        ),
        (
            Kind::Movements,
            "student,kind,class,date,order_no,order_date,reason\nS-404,arrival,7А,2025-10-06,145-у,2025-10-03,\nS-1001,transfer,,2025-10-06,146-у,2025-10-03,\nS-1002,vanished,,2025-10-06,,,\n",
            vec![2, 3, 4],
        ),
    ]
}

#[test]
fn a_bad_file_of_every_kind_is_refused_whole_with_every_line_named() {
    let (_dir, mut db) = school();
    let before = demo::checksum(db.conn()).expect("checksum");
    for (kind, text, lines) in bad_files() {
        let file = format!("{}.csv", kind.name());
        let issues = match import(&mut db, kind, text) {
            Err(ImportError::Refused(issues)) => issues,
            other => panic!("{}: expected a refusal, got {other:?}", kind.name()),
        };
        let errors: Vec<String> = issues
            .iter()
            .filter(|i| i.severity == Severity::Error)
            .map(ToString::to_string)
            .collect();
        for line in &lines {
            let prefix = format!("{file}:{line}: ");
            assert!(
                errors.iter().any(|e| e.starts_with(&prefix)),
                "{}: no error on line {line}: {errors:#?}",
                kind.name()
            );
        }
        assert_eq!(
            demo::checksum(db.conn()).expect("checksum"),
            before,
            "{} changed the database",
            kind.name()
        );
    }
}
