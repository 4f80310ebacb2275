//! A small school for the training rules' boundaries: one year (2025/26,
//! as of 24.12.2025), two semester plans, and teachers with Russian,
//! Vietnamese and Chinese names, each placed exactly at a boundary.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveTime};
use classbook::domain::training::{ExternalTraining, Format, TrainingPlan};
use classbook::domain::{Id, Role, School, SchoolYear, Staff, YearStatus};
use classbook::service::training::{self as svc, Paperwork, SessionInput};
use classbook::store::{self, Db, OpenMode, OpenOptions};

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("a date")
}

pub fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("a time")
}

pub const OP: &str = "tester";

/// The real date the tests pretend it is (the school's as-of date rules).
pub fn today() -> NaiveDate {
    d(2026, 1, 15)
}

pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
    pub db: Db,
    pub year: SchoolYear,
    pub plan1: Id,
    pub plan2: Id,
    /// Teachers by the case they stand for.
    pub t: std::collections::BTreeMap<&'static str, Id>,
    pub lead: Id,
    /// Sessions: s_big (39.5 credits), s_half (0.5), s_a, s_b, s_c (0 credits).
    pub s: std::collections::BTreeMap<&'static str, Id>,
}

pub fn session_input(date: NaiveDate, topic: &str, credits: f64) -> SessionInput {
    SessionInput {
        date,
        starts_at: t(15, 30),
        ends_at: t(16, 30),
        hours: None,
        topic: topic.into(),
        format: Format::Lecture,
        presenter_id: None,
        presenter: "ЦНППМ".into(),
        place: "актовый зал".into(),
        credits: Some(credits),
    }
}

fn staff(db: &Db, family: &str, given: &str, roles: Vec<Role>) -> Id {
    store::people::insert_staff(
        db.conn(),
        &Staff {
            id: 0,
            family_name: family.into(),
            given_name: given.into(),
            patronymic: None,
            login: None,
            email: None,
            phone: None,
            active: true,
            roles,
        },
    )
    .expect("staff")
}

pub fn open(path: &Path) -> Db {
    store::open(path, &OpenOptions::default()).expect("opens")
}

/// The school with its boundary cases.
pub fn build() -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("training.sqlite");
    let mut db = store::open(
        &path,
        &OpenOptions {
            mode: OpenMode::Create,
            ..OpenOptions::default()
        },
    )
    .expect("creates");
    store::school::set_school(
        db.conn(),
        &School {
            name: "Школа № 7".into(),
            short_name: "Школа 7".into(),
            address: String::new(),
            as_of: Some(d(2025, 12, 24)),
        },
    )
    .unwrap();
    let mut year = SchoolYear {
        id: 0,
        label: "2025/26".into(),
        starts_on: d(2025, 9, 1),
        ends_on: d(2026, 8, 31),
        status: YearStatus::Open,
    };
    year.id = store::school::insert_year(db.conn(), &year).unwrap();
    let plan = |semester: u8, from: NaiveDate, to: NaiveDate| TrainingPlan {
        id: 0,
        year_id: year.id,
        semester,
        title: format!("Методическое обучение, {semester} полугодие"),
        starts_on: from,
        ends_on: to,
        lead_id: None,
    };
    let plan1 =
        store::training::insert_plan(db.conn(), &plan(1, d(2025, 9, 1), d(2025, 12, 28))).unwrap();
    let plan2 =
        store::training::insert_plan(db.conn(), &plan(2, d(2026, 1, 12), d(2026, 5, 26))).unwrap();
    let lead = staff(
        &db,
        "Смирнова",
        "Ольга",
        vec![Role::Deputy, Role::TrainingLead],
    );
    let mut teachers = std::collections::BTreeMap::new();
    for (case, family, given) in [
        ("credits_39_5", "Иванова", "Анна"),
        ("credits_40", "Nguyễn", "Thị Lan"),
        ("unexcused_2", "王", "芳"),
        ("unexcused_3", "Петров", "Сергей"),
        ("official", "Trần", "Văn Minh"),
        ("personal", "Ковалёва", "Мария"),
        ("external", "李", "伟"),
    ] {
        teachers.insert(case, staff(&db, family, given, vec![Role::Teacher]));
    }
    let mut sessions = std::collections::BTreeMap::new();
    let ids = db
        .write(|tx| -> store::Result<Vec<Id>> {
            let mut out = vec![];
            for (date, topic, credits) in [
                (d(2025, 10, 1), "Обновлённые ФГОС", 39.5),
                (d(2025, 10, 8), "Формирующее оценивание", 0.5),
                (d(2025, 11, 5), "Наставничество", 0.0),
                (d(2025, 11, 12), "Рефлексия урока", 0.0),
                (d(2025, 11, 19), "Открытый урок", 0.0),
            ] {
                out.push(
                    svc::create_session(tx, OP, plan1, &session_input(date, topic, credits))?.0,
                );
            }
            Ok(out)
        })
        .unwrap();
    for (k, id) in ["s_big", "s_half", "s_a", "s_b", "s_c"]
        .into_iter()
        .zip(ids)
    {
        sessions.insert(k, id);
    }
    Fixture {
        dir,
        path,
        db,
        year,
        plan1,
        plan2,
        t: teachers,
        lead,
        s: sessions,
    }
}

impl Fixture {
    /// Set a status (no paperwork) in its own transaction.
    pub fn set(&mut self, session: &str, teacher: &str, status: &str) {
        let (s, t) = (self.s[session], self.t[teacher]);
        self.db
            .write(|tx| svc::set_attendance(tx, OP, s, t, status, &Paperwork::default(), today()))
            .unwrap_or_else(|e| panic!("{session} {teacher} {status}: {e}"));
    }

    /// Set a status with its paperwork in its own transaction.
    pub fn set_with(&mut self, session: &str, teacher: &str, status: &str, paperwork: &Paperwork) {
        let (s, t) = (self.s[session], self.t[teacher]);
        self.db
            .write(|tx| svc::set_attendance(tx, OP, s, t, status, paperwork, today()))
            .unwrap_or_else(|e| panic!("{session} {teacher} {status}: {e}"));
    }

    /// Register external training for a case.
    pub fn external(&mut self, teacher: &str, from: NaiveDate, to: NaiveDate, credits: f64) {
        let e = ExternalTraining {
            id: 0,
            staff_id: self.t[teacher],
            starts_on: from,
            ends_on: to,
            provider: "ФГАОУ ДПО «Академия Минпросвещения России»".into(),
            title: "Школа современного учителя".into(),
            hours: 36.0,
            credits,
            certificate_no: "ПК-0001".into(),
        };
        self.db.write(|tx| svc::save_external(tx, OP, &e)).unwrap();
    }

    /// Every boundary case's roll call: 39.5 vs 40 credits, 2 vs 3
    /// unexcused, official leave, personal leave, external credits.
    pub fn roll_call(&mut self) {
        // Everyone else is present at the 39.5-credit session and the
        // half-credit one, so the credit rule is not what they are about.
        for case in ["credits_40", "unexcused_2", "unexcused_3", "personal"] {
            self.set("s_big", case, "present");
            self.set("s_half", case, "late");
        }
        self.set("s_big", "credits_39_5", "present");
        self.set("s_half", "credits_39_5", "sick_leave");
        for s in ["s_a", "s_b"] {
            self.set(s, "unexcused_2", "absent");
            self.set(s, "unexcused_3", "absent");
        }
        self.set("s_c", "unexcused_3", "absent");
        // Official leave at the big session and at three more: never
        // penalised, neither as absences nor in credits.
        self.set("s_big", "official", "official_leave");
        self.set("s_half", "official", "left_early");
        for s in ["s_a", "s_b", "s_c"] {
            self.set(s, "official", "official_leave");
        }
        // Personal leave three times, each request approved by the
        // training lead: excused, not unexcused.
        let approved = Paperwork {
            approved_by_id: Some(self.lead),
            ..Paperwork::default()
        };
        for s in ["s_a", "s_b", "s_c"] {
            self.set_with(s, "personal", "personal_leave", &approved);
        }
        // External: 40 credits from one course ending in semester 1, and
        // nothing at school.
        self.external("external", d(2025, 11, 10), d(2025, 11, 14), 40.0);
    }
}
