//! Setting a school up by hand (the School tab and `classbook school …`,
//! `classbook student …`, `classbook timetable …`): one row at a time,
//! validated, audited and undoable like every other write.
//!
//! Adding rows goes through the import's applier with a one-row bundle, so
//! a row typed by hand and a row read from a file obey the same rules and
//! resolve names the same way (a class "7А", a teacher's login or full
//! name, a subject's name). Editing rows that exist is done here directly.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::import::apply::{self, ImportError, ImportReport};
use super::import::model::*;
use crate::domain::text::nfc;
use crate::domain::{EndReason, HolidayKind, Id, PeriodKind, Relation, Role, Sex};
use crate::store::{self, Conn, Db, StoreError};

/// The origin of a row typed by hand (messages then read "by hand: …").
fn here() -> Origin {
    Origin::new("by hand", 0)
}

/// Apply a bundle made of rows typed by hand; the first error refuses it
/// with its message. Without `overwrite`, a row someone else saved last is
/// not changed ([`StoreError::Changed`]): the command line's default.
pub fn add(
    db: &mut Db,
    operator: &str,
    today: NaiveDate,
    mut b: Bundle,
    overwrite: bool,
) -> Result<ImportReport, StoreError> {
    b.source = "by hand".into();
    match apply::apply_guarded(db, operator, &b, today, false, !overwrite) {
        Ok(r) => Ok(r),
        Err(ImportError::Store(e)) => Err(e),
        Err(ImportError::Refused(issues)) => Err(store::invalid(
            issues
                .iter()
                .filter(|i| i.severity == Severity::Error)
                .map(|i| i.message.clone())
                .collect::<Vec<_>>()
                .join("; "),
        )),
    }
}

/// "2025/26" from the first and last day.
pub fn year_label(from: NaiveDate, to: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}/{:02}", from.year(), to.year() % 100)
}

pub fn year(label: Option<&str>, from: NaiveDate, to: NaiveDate) -> Bundle {
    let label = label.map(nfc).unwrap_or_else(|| year_label(from, to));
    Bundle {
        years: vec![YearIn {
            at: here(),
            key: label.clone(),
            ext_id: None,
            label,
            starts_on: from,
            ends_on: to,
        }],
        ..Bundle::default()
    }
}

/// A period; `year` is the year's label (None: the current one).
pub fn period(
    year: &str,
    kind: PeriodKind,
    number: u8,
    label: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
) -> Bundle {
    let label = label.map(nfc).unwrap_or_else(|| match kind {
        PeriodKind::Quarter => format!("Quarter {number}"),
        PeriodKind::Half => format!("Half {number}"),
        PeriodKind::Year => "Year".into(),
    });
    Bundle {
        periods: vec![PeriodIn {
            at: here(),
            ext_id: None,
            year: year.to_string(),
            kind,
            number,
            label,
            starts_on: from,
            ends_on: to,
        }],
        ..Bundle::default()
    }
}

pub fn holiday(kind: HolidayKind, label: &str, from: NaiveDate, to: NaiveDate) -> Bundle {
    Bundle {
        holidays: vec![HolidayIn {
            at: here(),
            ext_id: None,
            year: None,
            kind,
            label: nfc(label),
            starts_on: from,
            ends_on: to,
        }],
        ..Bundle::default()
    }
}

/// "8:30" → "08:30"; None when not a time of day.
pub fn parse_time(s: &str) -> Option<String> {
    let t = chrono::NaiveTime::parse_from_str(s.trim(), "%H:%M").ok()?;
    Some(t.format("%H:%M").to_string())
}

pub fn bell(lesson_no: u8, starts_at: &str, ends_at: &str) -> Result<Bundle, StoreError> {
    let s = parse_time(starts_at)
        .ok_or_else(|| store::invalid(format!("«{starts_at}» is not a time like 08:30")))?;
    let e = parse_time(ends_at)
        .ok_or_else(|| store::invalid(format!("«{ends_at}» is not a time like 09:15")))?;
    if lesson_no > 12 {
        return Err(store::invalid(format!("lesson {lesson_no} is not 0 to 12")));
    }
    Ok(Bundle {
        bells: vec![BellIn {
            at: here(),
            year: None,
            lesson_no,
            starts_at: s,
            ends_at: e,
        }],
        ..Bundle::default()
    })
}

pub fn subject(name: &str, short: Option<&str>) -> Bundle {
    let name = nfc(name);
    Bundle {
        subjects: vec![SubjectIn {
            at: here(),
            key: name.clone(),
            ext_id: None,
            short_name: short.map(nfc).unwrap_or_default(),
            name,
        }],
        ..Bundle::default()
    }
}

#[derive(Debug, Clone, Default)]
pub struct PersonIn {
    pub family_name: String,
    pub given_name: String,
    pub patronymic: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

fn opt(s: &Option<String>) -> Option<String> {
    s.as_deref().map(nfc).filter(|s| !s.is_empty())
}

fn person_name(p: &PersonIn) -> Result<(String, String, Option<String>), StoreError> {
    let f = nfc(&p.family_name);
    if f.is_empty() {
        return Err(store::invalid("the family name is empty"));
    }
    Ok((f, nfc(&p.given_name), opt(&p.patronymic)))
}

pub fn staff(p: &PersonIn, login: Option<&str>, roles: &[Role]) -> Result<Bundle, StoreError> {
    let (f, g, pa) = person_name(p)?;
    let login = login.map(nfc).filter(|s| !s.is_empty());
    Ok(Bundle {
        staff: vec![StaffIn {
            at: here(),
            key: login
                .clone()
                .unwrap_or_else(|| crate::domain::text::full_name(&f, &g, pa.as_deref())),
            ext_id: None,
            family_name: f,
            given_name: g,
            patronymic: pa,
            login,
            email: opt(&p.email),
            phone: opt(&p.phone),
            active: true,
            roles: roles.to_vec(),
        }],
        ..Bundle::default()
    })
}

/// "7А" → (7, "А").
pub fn split_class_name(name: &str) -> Option<(u8, String)> {
    let name: String = name.split_whitespace().collect();
    let digits: String = name.chars().take_while(char::is_ascii_digit).collect();
    let grade: u8 = digits.parse().ok()?;
    let letter: String = name[digits.len()..].trim_start_matches('-').to_string();
    (!letter.is_empty()).then_some((grade, letter))
}

pub fn class(name: &str, teacher: Option<&str>) -> Result<Bundle, StoreError> {
    let (grade, letter) = split_class_name(&nfc(name)).ok_or_else(|| {
        store::invalid(format!(
            "«{name}» is not a class name: a grade and a letter, like 7А"
        ))
    })?;
    Ok(Bundle {
        classes: vec![ClassIn {
            at: here(),
            key: format!("{grade}{letter}"),
            ext_id: None,
            year: None,
            grade,
            letter,
            class_teacher: teacher.map(nfc),
        }],
        ..Bundle::default()
    })
}

pub fn group(class: &str, name: &str, students: &[Id]) -> Bundle {
    let key = format!("{}/{}", nfc(class), nfc(name));
    Bundle {
        groups: vec![GroupIn {
            at: here(),
            key: key.clone(),
            ext_id: None,
            class: nfc(class),
            name: nfc(name),
        }],
        group_members: students
            .iter()
            .map(|s| GroupMemberIn {
                at: here(),
                group: key.clone(),
                student: format!("#{s}"),
            })
            .collect(),
        ..Bundle::default()
    }
}

/// A new student in `class` from `from` (None: the start of the year),
/// with the order that admitted them (None: to be entered).
#[allow(clippy::too_many_arguments)]
pub fn student(
    p: &PersonIn,
    birth_date: Option<NaiveDate>,
    sex: Option<Sex>,
    class: &str,
    from: Option<NaiveDate>,
    order: Option<(String, NaiveDate)>,
) -> Result<Bundle, StoreError> {
    let (f, g, pa) = person_name(p)?;
    Ok(Bundle {
        students: vec![StudentIn {
            at: here(),
            key: "new".into(),
            ext_id: None,
            family_name: f,
            given_name: g,
            patronymic: pa,
            birth_date,
            sex,
            phone: opt(&p.phone),
            email: opt(&p.email),
            address: None,
        }],
        enrolments: vec![EnrolmentIn {
            at: here(),
            ext_id: None,
            student: "new".into(),
            class: nfc(class),
            starts_on: from,
            ends_on: None,
            order_no: order.as_ref().map(|o| nfc(&o.0)),
            order_date: order.map(|o| o.1),
            end_reason: None,
            end_order_no: None,
            end_order_date: None,
        }],
        ..Bundle::default()
    })
}

pub fn guardian(student: Id, p: &PersonIn, relation: Relation) -> Result<Bundle, StoreError> {
    let (f, g, pa) = person_name(p)?;
    Ok(Bundle {
        guardians: vec![GuardianIn {
            at: here(),
            key: "new".into(),
            ext_id: None,
            family_name: f,
            given_name: g,
            patronymic: pa,
            phone: opt(&p.phone),
            email: opt(&p.email),
            children: vec![(format!("#{student}"), relation)],
        }],
        ..Bundle::default()
    })
}

pub fn curriculum(
    class: &str,
    subject: &str,
    hours: f64,
    teacher: Option<&str>,
    group: Option<&str>,
) -> Bundle {
    Bundle {
        curriculum: vec![CurriculumIn {
            at: here(),
            class: nfc(class),
            subject: nfc(subject),
            hours_per_week: hours,
            teacher: teacher.map(nfc),
            group: group.map(nfc),
        }],
        ..Bundle::default()
    }
}

/// A timetable slot from `from` on (a change from a date: the slot in force
/// is closed the day before).
#[allow(clippy::too_many_arguments)]
pub fn slot(
    class: &str,
    group: Option<&str>,
    weekday: u8,
    lesson_no: u8,
    subject: &str,
    teacher: &str,
    room: &str,
    from: NaiveDate,
) -> Bundle {
    Bundle {
        timetable: vec![TimetableIn {
            at: here(),
            ext_id: None,
            class: nfc(class),
            group: group.map(nfc),
            weekday,
            lesson_no,
            subject: nfc(subject),
            teacher: nfc(teacher),
            room: nfc(room),
            valid_from: Some(from),
            valid_to: None,
        }],
        ..Bundle::default()
    }
}

pub fn movement(
    student: Id,
    kind: MovementKind,
    class: Option<&str>,
    date: NaiveDate,
    order: Option<(String, NaiveDate)>,
) -> Bundle {
    Bundle {
        movements: vec![MovementIn {
            at: here(),
            student: format!("#{student}"),
            kind,
            class: class.map(nfc),
            date,
            order_no: order.as_ref().map(|o| nfc(&o.0)),
            order_date: order.map(|o| o.1),
        }],
        ..Bundle::default()
    }
}

// ---- edits of rows that exist ----

fn key(id: Id) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("id".into(), json!(id));
    m
}

fn write(
    tx: &Conn,
    operator: &str,
    action: &str,
    table: &str,
    k: &Map<String, Value>,
    row: Option<Map<String, Value>>,
) -> Result<Vec<i64>, StoreError> {
    Ok(
        store::audit::write_row(tx, operator, action, table, k, row.as_ref())?
            .into_iter()
            .collect(),
    )
}

/// What a student's record may be corrected to; `None` leaves a field.
#[derive(Debug, Clone, Default)]
pub struct StudentEdit {
    pub family_name: Option<String>,
    pub given_name: Option<String>,
    /// `Some("")` clears it.
    pub patronymic: Option<String>,
    pub birth_date: Option<Option<NaiveDate>>,
    pub sex: Option<Option<Sex>>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// What the writer's screen read (the audit log's newest entry then): a
    /// record someone else changed after it is not replaced unseen.
    pub seen: Option<i64>,
    /// Correct a record someone else saved last (the command line's
    /// `--overwrite`); without it that is refused.
    pub overwrite: bool,
}

pub fn edit_student(
    db: &mut Db,
    operator: &str,
    id: Id,
    e: &StudentEdit,
) -> Result<Vec<i64>, StoreError> {
    db.write_seen(e.seen, |tx| {
        let exists: Option<i64> = tx
            .query_row("SELECT 1 FROM student WHERE id = ?1", [id], |r| r.get(0))
            .optional()?;
        if exists.is_none() {
            return Err(StoreError::NotFound(format!("student {id}")));
        }
        crate::service::expect::guard_row(
            tx,
            operator,
            e.overwrite,
            ("student", json!({ "id": id })),
            &format!("student {id}'s record"),
        )?;
        let mut row = Map::new();
        if let Some(f) = &e.family_name {
            let f = nfc(f);
            if f.is_empty() {
                return Err(store::invalid("the family name is empty"));
            }
            row.insert("family_name".into(), json!(f));
        }
        if let Some(g) = &e.given_name {
            row.insert("given_name".into(), json!(nfc(g)));
        }
        for (c, v) in [
            ("patronymic", &e.patronymic),
            ("phone", &e.phone),
            ("email", &e.email),
        ] {
            if let Some(v) = v {
                let v = nfc(v);
                row.insert(c.into(), if v.is_empty() { Value::Null } else { json!(v) });
            }
        }
        if let Some(b) = e.birth_date {
            row.insert(
                "birth_date".into(),
                json!(b.map(|d| d.format("%Y-%m-%d").to_string())),
            );
        }
        if let Some(s) = e.sex {
            row.insert("sex".into(), json!(s.map(|s| s.as_str())));
        }
        write(tx, operator, "student.edit", "student", &key(id), Some(row))
    })
}

/// Enter the order of a stay that was imported without one (or correct
/// it): the start order, or with `end` the order that ended the stay.
pub fn set_order(
    db: &mut Db,
    operator: &str,
    enrolment: Id,
    end: bool,
    no: &str,
    date: NaiveDate,
) -> Result<Vec<i64>, StoreError> {
    let no = nfc(no);
    if no.is_empty() {
        return Err(store::invalid("the order number is empty"));
    }
    db.write(|tx| {
        let ends: Option<Option<String>> = tx
            .query_row(
                "SELECT ends_on FROM enrolment WHERE id = ?1",
                [enrolment],
                |r| r.get(0),
            )
            .optional()?;
        let Some(ends) = ends else {
            return Err(StoreError::NotFound(format!("stay {enrolment}")));
        };
        if end && ends.is_none() {
            return Err(store::invalid(
                "this stay has not ended: there is no end order to enter",
            ));
        }
        let (n, d) = if end {
            ("end_order_no", "end_order_date")
        } else {
            ("start_order_no", "start_order_date")
        };
        let mut row = Map::new();
        row.insert(n.into(), json!(no));
        row.insert(d.into(), json!(date.format("%Y-%m-%d").to_string()));
        write(
            tx,
            operator,
            "enrolment.order",
            "enrolment",
            &key(enrolment),
            Some(row),
        )
    })
}

/// Move a student into `to` (a group of their class), out of the class's
/// other groups that teach the same subjects (a student is in one English
/// group at a time).
pub fn move_to_group(
    db: &mut Db,
    operator: &str,
    student: Id,
    to: Id,
) -> Result<Vec<i64>, StoreError> {
    db.write(|tx| {
        let class: Option<Id> = tx
            .query_row(
                "SELECT class_id FROM class_group WHERE id = ?1",
                [to],
                |r| r.get(0),
            )
            .optional()?;
        let Some(class) = class else {
            return Err(StoreError::NotFound(format!("group {to}")));
        };
        // Groups of the class sharing a subject with `to`.
        let mut st = tx.prepare(
            "SELECT DISTINCT gm.group_id FROM group_member gm
             JOIN class_group g ON g.id = gm.group_id
             WHERE gm.student_id = ?1 AND g.class_id = ?2 AND g.id <> ?3
               AND (EXISTS (SELECT 1 FROM workload a JOIN workload b ON a.subject_id = b.subject_id
                            WHERE a.group_id = g.id AND b.group_id = ?3)
                    OR NOT EXISTS (SELECT 1 FROM workload w WHERE w.group_id = g.id))",
        )?;
        let from: Vec<Id> = st
            .query_map(params![student, class, to], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut ids = vec![];
        for g in from {
            let mut k = Map::new();
            k.insert("group_id".into(), json!(g));
            k.insert("student_id".into(), json!(student));
            ids.extend(write(
                tx,
                operator,
                "group.leave",
                "group_member",
                &k,
                None,
            )?);
        }
        let mut k = Map::new();
        k.insert("group_id".into(), json!(to));
        k.insert("student_id".into(), json!(student));
        ids.extend(write(
            tx,
            operator,
            "group.join",
            "group_member",
            &k,
            Some(k.clone()),
        )?);
        Ok(ids)
    })
}

/// A student of a re-imported roster's pending departures that is not
/// leaving after all: dismissed from the list.
pub fn dismiss_departure(db: &mut Db, operator: &str, student: Id) -> Result<Vec<i64>, StoreError> {
    db.write(|tx| {
        let mut k = Map::new();
        k.insert("student_id".into(), json!(student));
        let ids = write(
            tx,
            operator,
            "departure.dismiss",
            "departure_pending",
            &k,
            None,
        )?;
        if ids.is_empty() {
            return Err(StoreError::NotFound(format!(
                "student {student} is not listed as a departure to confirm"
            )));
        }
        Ok(ids)
    })
}

/// Close a timetable slot from `from` on (no lesson there any more).
pub fn clear_slot(
    db: &mut Db,
    operator: &str,
    slot: Id,
    from: NaiveDate,
) -> Result<Vec<i64>, StoreError> {
    db.write(|tx| {
        let s = store::curriculum::timetable_slot(tx, slot)?
            .ok_or_else(|| StoreError::NotFound(format!("timetable slot {slot}")))?;
        let recorded: i64 = tx.query_row(
            "SELECT count(*) FROM lesson WHERE timetable_id = ?1 AND date >= ?2",
            params![slot, from.format("%Y-%m-%d").to_string()],
            |r| r.get(0),
        )?;
        if recorded > 0 {
            return Err(store::invalid(format!(
                "{recorded} lesson(s) of this slot on or after {} are recorded; clear it from a later date",
                from.format("%d.%m.%Y")
            )));
        }
        if from <= s.valid_from {
            let any: i64 = tx.query_row(
                "SELECT count(*) FROM lesson WHERE timetable_id = ?1",
                [slot],
                |r| r.get(0),
            )?;
            if any == 0 {
                return write(tx, operator, "timetable.remove", "timetable", &key(slot), None);
            }
            return Err(store::invalid("the slot starts on or after that date and has lessons"));
        }
        let mut row = Map::new();
        row.insert(
            "valid_to".into(),
            json!((from - chrono::Duration::days(1)).format("%Y-%m-%d").to_string()),
        );
        write(tx, operator, "timetable.close", "timetable", &key(slot), Some(row))
    })
}

// ---- what the school has, and what is missing ----

/// How far the school's set-up has come: counts for the current year, so
/// every tab can say what is missing and how to add it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Overview {
    pub year: Option<String>,
    pub year_id: Option<Id>,
    pub periods: i64,
    pub holidays: i64,
    pub bells: i64,
    pub subjects: i64,
    pub staff: i64,
    pub classes: i64,
    pub students: i64,
    pub curriculum: i64,
    pub timetable: i64,
    pub orders_to_enter: i64,
    pub departures_to_confirm: i64,
}

impl Overview {
    /// The next thing to set up, as a sentence with the key or command that
    /// does it; None when the school can keep its journal.
    pub fn missing(&self) -> Option<&'static str> {
        Some(if self.year.is_none() {
            "No school year yet. Add one in the School tab (7, then a) or: classbook school add-year 2025/26 --from 2025-09-01 --to 2026-05-31; or import a school: classbook import oneroster DIR"
        } else if self.bells == 0 {
            "No bell times yet. Add them in the School tab (7) or: classbook school set-bell 1 08:30 09:15; or classbook import bells FILE"
        } else if self.classes == 0 {
            "No classes yet. Add them in the School tab (7) or: classbook school add-class 7А; or classbook import students FILE"
        } else if self.students == 0 {
            "No students yet. Add them in the School tab (7) or: classbook student add …; or classbook import students FILE"
        } else if self.staff == 0 {
            "No staff yet. Add them in the School tab (7) or: classbook school add-staff …; or classbook import staff FILE"
        } else if self.subjects == 0 || self.curriculum == 0 {
            "No curriculum yet. Add subjects and hours in the School tab (7) or: classbook school curriculum 7А Математика 5 --teacher LOGIN; or classbook import curriculum FILE"
        } else if self.timetable == 0 {
            "No timetable yet. Add lessons in the School tab (7) or: classbook timetable set 7А 1 1 Математика LOGIN; or classbook import timetable FILE"
        } else {
            return None;
        })
    }
}

pub fn overview(conn: &Conn, today: NaiveDate) -> Result<Overview, StoreError> {
    let today = store::school::working_date(conn, today)?;
    let year = match store::school::current_year(conn, today)? {
        Some(y) => Some(y),
        None => store::school::years(conn)?.into_iter().last(),
    };
    let mut o = Overview {
        year: year.as_ref().map(|y| y.label.clone()),
        year_id: year.as_ref().map(|y| y.id),
        ..Overview::default()
    };
    let n = |sql: &str, p: Id| -> Result<i64, StoreError> {
        Ok(conn.query_row(sql, [p], |r| r.get(0))?)
    };
    o.subjects = n("SELECT count(*) FROM subject WHERE ?1 = ?1", 0)?;
    o.staff = n("SELECT count(*) FROM staff WHERE active = 1 AND ?1 = ?1", 0)?;
    o.departures_to_confirm = n("SELECT count(*) FROM departure_pending WHERE ?1 = ?1", 0)?;
    if let Some(y) = o.year_id {
        o.periods = n("SELECT count(*) FROM period WHERE year_id = ?1", y)?;
        o.holidays = n("SELECT count(*) FROM holiday WHERE year_id = ?1", y)?;
        o.bells = n("SELECT count(*) FROM bell WHERE year_id = ?1", y)?;
        o.classes = n("SELECT count(*) FROM class WHERE year_id = ?1", y)?;
        o.students = n(
            "SELECT count(DISTINCT e.student_id) FROM enrolment e JOIN class c ON c.id = e.class_id
             WHERE c.year_id = ?1",
            y,
        )?;
        o.curriculum = n(
            "SELECT count(*) FROM curriculum cu JOIN class c ON c.id = cu.class_id WHERE c.year_id = ?1",
            y,
        )?;
        o.timetable = n("SELECT count(*) FROM timetable WHERE year_id = ?1", y)?;
        o.orders_to_enter = n(
            "SELECT count(*) FROM enrolment e JOIN class c ON c.id = e.class_id
             WHERE c.year_id = ?1 AND (start_order_no IS NULL
                OR (ends_on IS NOT NULL AND end_reason <> 'end_of_year' AND end_order_no IS NULL))",
            y,
        )?;
    }
    Ok(o)
}

/// A departure typed by hand: `Departure(EndReason::Departure)` or
/// graduation.
pub fn departure_kind(graduation: bool) -> MovementKind {
    MovementKind::Departure(if graduation {
        EndReason::Graduation
    } else {
        EndReason::Departure
    })
}

// ---- what the School tab reads (read-only) ----

/// A group of a class with its members' short names.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupSummary {
    pub group: crate::domain::ClassGroup,
    /// "Иванова А. П.", by family name.
    pub members: Vec<String>,
}

/// A class of a year as the School tab lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassSummary {
    pub class: crate::domain::Class,
    /// The class teacher's full name.
    pub teacher: Option<String>,
    /// Students whose stay covers the day asked for.
    pub students: usize,
    pub groups: Vec<GroupSummary>,
}

/// The classes of `year` with their class teachers, how many students
/// are in each on `on`, and their groups with members.
pub fn class_summaries(
    conn: &Conn,
    year: &crate::domain::SchoolYear,
    on: NaiveDate,
) -> Result<Vec<ClassSummary>, StoreError> {
    let staff: std::collections::HashMap<Id, String> = store::people::staff(conn)?
        .into_iter()
        .map(|s| (s.id, s.full_name()))
        .collect();
    let mut out = vec![];
    for class in store::classes::classes(conn, year.id)? {
        let members = store::people::class_members(conn, class.id, year.starts_on, year.ends_on)?;
        let students = members.iter().filter(|m| m.enrolled_on(on)).count();
        let mut groups = vec![];
        for group in store::classes::groups(conn, class.id)? {
            let ids = store::classes::group_members(conn, group.id)?;
            let mut names: Vec<(String, String)> = vec![];
            for id in ids {
                let s = match members.iter().find(|m| m.student.id == id) {
                    Some(m) => m.student.clone(),
                    None => store::people::student(conn, id)?,
                };
                names.push((
                    s.full_name(),
                    crate::domain::text::short_name(
                        &s.family_name,
                        &s.given_name,
                        s.patronymic.as_deref(),
                    ),
                ));
            }
            names.sort();
            groups.push(GroupSummary {
                group,
                members: names.into_iter().map(|n| n.1).collect(),
            });
        }
        out.push(ClassSummary {
            teacher: class.class_teacher_id.and_then(|t| staff.get(&t).cloned()),
            class,
            students,
            groups,
        });
    }
    Ok(out)
}

/// A student of a class in a year: their stays in that class (oldest
/// first), the class's groups they are in, their guardians, and whether a
/// re-imported roster listed them as a departure to confirm.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RosterRow {
    pub student: crate::domain::Student,
    pub stays: Vec<crate::domain::Enrolment>,
    pub groups: Vec<String>,
    pub guardians: Vec<(crate::domain::Guardian, Relation)>,
    pub departure_pending: bool,
}

impl RosterRow {
    /// The stay in force on `d`, else the latest one.
    pub fn stay_on(&self, d: NaiveDate) -> Option<&crate::domain::Enrolment> {
        self.stays
            .iter()
            .find(|e| e.covers(d))
            .or_else(|| self.stays.last())
    }

    /// Stays whose order is still to be entered: (stay, end order?).
    pub fn orders_to_enter(&self) -> Vec<(&crate::domain::Enrolment, bool)> {
        let mut out = vec![];
        for e in &self.stays {
            if e.start_order_no.is_none() {
                out.push((e, false));
            }
            if e.ends_on.is_some()
                && e.end_reason != Some(EndReason::EndOfYear)
                && e.end_order_no.is_none()
            {
                out.push((e, true));
            }
        }
        out
    }
}

/// Every student with a stay in `class` during `year`, by name.
pub fn roster(
    conn: &Conn,
    class: &crate::domain::Class,
    year: &crate::domain::SchoolYear,
) -> Result<Vec<RosterRow>, StoreError> {
    let groups = store::classes::groups(conn, class.id)?;
    let mut member_of: std::collections::HashMap<Id, Vec<String>> =
        std::collections::HashMap::new();
    for g in &groups {
        for s in store::classes::group_members(conn, g.id)? {
            member_of.entry(s).or_default().push(g.name.clone());
        }
    }
    let pending: std::collections::HashSet<Id> = {
        let mut st = conn.prepare_cached("SELECT student_id FROM departure_pending")?;
        st.query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?
    };
    let mut out = vec![];
    for m in store::people::class_members(conn, class.id, year.starts_on, year.ends_on)? {
        let id = m.student.id;
        let stays = store::people::enrolments(conn, id)?
            .into_iter()
            .filter(|e| e.class_id == class.id)
            .collect();
        out.push(RosterRow {
            stays,
            groups: member_of.remove(&id).unwrap_or_default(),
            guardians: store::people::guardians(conn, id)?,
            departure_pending: pending.contains(&id),
            student: m.student,
        });
    }
    Ok(out)
}

/// A subject of a class's curriculum (or taught to it without hours) with
/// who teaches it: (group, teacher's full name).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CurriculumRow {
    pub subject: crate::domain::Subject,
    /// None: taught (in the workload) but not in the curriculum.
    pub hours: Option<f64>,
    pub teaching: Vec<(Option<String>, String)>,
}

/// A class's curriculum with its teachers, by subject name.
pub fn curriculum_rows(conn: &Conn, class_id: Id) -> Result<Vec<CurriculumRow>, StoreError> {
    let subjects: std::collections::HashMap<Id, crate::domain::Subject> =
        store::curriculum::subjects(conn)?
            .into_iter()
            .map(|s| (s.id, s))
            .collect();
    let staff: std::collections::HashMap<Id, String> = store::people::staff(conn)?
        .into_iter()
        .map(|s| (s.id, s.full_name()))
        .collect();
    let groups: std::collections::HashMap<Id, String> = store::classes::groups(conn, class_id)?
        .into_iter()
        .map(|g| (g.id, g.name))
        .collect();
    let mut rows: std::collections::BTreeMap<Id, CurriculumRow> = Default::default();
    for line in store::curriculum::curriculum(conn, class_id)? {
        if let Some(s) = subjects.get(&line.subject_id) {
            rows.insert(
                s.id,
                CurriculumRow {
                    subject: s.clone(),
                    hours: Some(line.hours_per_week),
                    teaching: vec![],
                },
            );
        }
    }
    for w in store::curriculum::workload(conn, class_id)? {
        let Some(s) = subjects.get(&w.subject_id) else {
            continue;
        };
        let row = rows.entry(s.id).or_insert_with(|| CurriculumRow {
            subject: s.clone(),
            hours: None,
            teaching: vec![],
        });
        row.teaching.push((
            w.group_id.and_then(|g| groups.get(&g).cloned()),
            staff
                .get(&w.teacher_id)
                .cloned()
                .unwrap_or_else(|| format!("#{}", w.teacher_id)),
        ));
    }
    let mut out: Vec<CurriculumRow> = rows.into_values().collect();
    out.sort_by(|a, b| a.subject.name.cmp(&b.subject.name));
    Ok(out)
}

/// A timetable slot with the names the week grid shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SlotView {
    pub slot: crate::domain::TimetableSlot,
    pub subject: String,
    pub subject_short: String,
    /// "Иванова А. П."
    pub teacher: String,
    pub group: Option<String>,
}

/// A class's week on `on`: for every weekday, lesson and group, the slot
/// in force that day, else the first one starting later; by weekday,
/// lesson and group.
pub fn week(conn: &Conn, class_id: Id, on: NaiveDate) -> Result<Vec<SlotView>, StoreError> {
    let subjects: std::collections::HashMap<Id, crate::domain::Subject> =
        store::curriculum::subjects(conn)?
            .into_iter()
            .map(|s| (s.id, s))
            .collect();
    let staff: std::collections::HashMap<Id, String> = store::people::staff(conn)?
        .into_iter()
        .map(|s| (s.id, s.short_name()))
        .collect();
    let groups: std::collections::HashMap<Id, String> = store::classes::groups(conn, class_id)?
        .into_iter()
        .map(|g| (g.id, g.name))
        .collect();
    let mut best: std::collections::BTreeMap<(u8, u8, Id), crate::domain::TimetableSlot> =
        Default::default();
    for s in store::curriculum::timetable(conn, class_id)? {
        if s.valid_to.is_some_and(|t| t < on) {
            continue;
        }
        let k = (s.weekday, s.lesson_no, s.group_id.unwrap_or(0));
        let in_force = |x: &crate::domain::TimetableSlot| x.valid_from <= on;
        let better = match best.get(&k) {
            None => true,
            Some(b) if in_force(b) => in_force(&s) && s.valid_from > b.valid_from,
            Some(b) => in_force(&s) || s.valid_from < b.valid_from,
        };
        if better {
            best.insert(k, s);
        }
    }
    Ok(best
        .into_values()
        .map(|slot| {
            let (subject, subject_short) = subjects.get(&slot.subject_id).map_or_else(
                || (format!("#{}", slot.subject_id), String::new()),
                |s| (s.name.clone(), s.short_name.clone()),
            );
            SlotView {
                teacher: staff
                    .get(&slot.teacher_id)
                    .cloned()
                    .unwrap_or_else(|| format!("#{}", slot.teacher_id)),
                group: slot.group_id.and_then(|g| groups.get(&g).cloned()),
                subject,
                subject_short,
                slot,
            }
        })
        .collect())
}
