//! A closed school year is read-only. Every write passes through
//! [`super::Db::write_seen`], which asks [`check`] before it commits: a
//! change (as the audit log records it) to a row that belongs to a closed
//! year — a lesson and its marks and attendance, a period grade, a plan
//! topic, the year's classes, periods, holidays, timetable and curriculum,
//! its training plans and sessions — refuses the whole write, whoever makes
//! it and from wherever. People (students, staff, guardians, their stays)
//! belong to no one year and stay editable; closing and reopening are the
//! year's own actions.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use serde_json::{Map, Value};

use super::{Result, StoreError};
use crate::domain::Id;

/// A closed year: id, label, dates, when it was closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosedYear {
    pub id: Id,
    pub label: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub closed_at: String,
}

/// The closed years.
pub fn closed_years(conn: &Connection) -> Result<Vec<ClosedYear>> {
    let mut st = conn.prepare_cached(
        "SELECT id, label, starts_on, ends_on, closed_at FROM school_year
         WHERE status = 'closed' ORDER BY starts_on",
    )?;
    Ok(st
        .query_map([], |r| {
            Ok(ClosedYear {
                id: r.get(0)?,
                label: r.get(1)?,
                starts_on: r.get(2)?,
                ends_on: r.get(3)?,
                closed_at: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// The actions that open and close a year (the only writes a closed
/// year's own row takes).
pub const CLOSE: &str = "year.close";
pub const REOPEN: &str = "year.reopen";

/// Refuse ([`StoreError::Closed`]) when an audit entry after `since`
/// changed a row of a closed year.
pub(crate) fn check(conn: &Connection, since: i64) -> Result<()> {
    let mut closed = closed_years(conn)?;
    // With no year closed, only the years' own rows can matter (one that
    // was closed and is being changed): a long import's entries are not
    // read at all.
    let mut st = conn.prepare_cached(
        "SELECT action, entity, old_value, new_value FROM audit_log
         WHERE id > ?1 AND (?2 OR entity = 'school_year') ORDER BY id",
    )?;
    let entries: Vec<(String, String, Option<String>, Option<String>)> = st
        .query_map(rusqlite::params![since, !closed.is_empty()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    // A closed year's own row, changed or removed otherwise than by
    // reopening it, is judged as it was.
    for (action, entity, old, _) in &entries {
        if entity != "school_year" || action == CLOSE || action == REOPEN {
            continue;
        }
        let Some(Value::Object(row)) = old.as_deref().and_then(|o| serde_json::from_str(o).ok())
        else {
            continue;
        };
        let field = |f: &str| row.get(f).and_then(Value::as_str).unwrap_or_default();
        if field("status") == "closed" {
            let day = |f: &str| NaiveDate::parse_from_str(field(f), "%Y-%m-%d").ok();
            if let (Some(id), Some(starts_on), Some(ends_on)) = (
                row.get("id").and_then(Value::as_i64),
                day("starts_on"),
                day("ends_on"),
            ) && !closed.iter().any(|c| c.id == id)
            {
                closed.push(ClosedYear {
                    id,
                    label: field("label").to_string(),
                    starts_on,
                    ends_on,
                    closed_at: field("closed_at").to_string(),
                });
            }
        }
    }
    if closed.is_empty() {
        return Ok(());
    }
    let mut years = Years {
        conn,
        class: HashMap::new(),
        lesson: HashMap::new(),
    };
    for (action, entity, old, new) in entries {
        if action == CLOSE || action == REOPEN {
            continue;
        }
        for row in [old, new].into_iter().flatten() {
            let Ok(Value::Object(row)) = serde_json::from_str::<Value>(&row) else {
                continue;
            };
            for y in years.of(&entity, &row)? {
                if let Some(c) = closed.iter().find(|c| match y {
                    Belongs::Year(id) => c.id == id,
                    Belongs::Day(d) => c.starts_on <= d && d <= c.ends_on,
                }) {
                    return Err(refusal(conn, c, &entity));
                }
            }
        }
    }
    Ok(())
}

/// What a row belongs to: a year, or a day (inside whichever year).
#[derive(Debug, Clone, Copy)]
enum Belongs {
    Year(Id),
    Day(NaiveDate),
}

/// How a table's rows belong to a school year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// To none: people and their stays, settings, reference tables, the
    /// programmes' indicators (their own periods), the audit log.
    Yearless,
    /// The year's own row (written by closing and reopening only).
    Year,
    /// By its `year_id`.
    OfYear,
    /// A period grade: by its period (and class).
    OfPeriod,
    /// Training: by its plan's year (or session's), and its date.
    OfTraining,
    /// By a date column.
    OfDay(&'static str),
    /// The journal's rows: by their lesson, else their class.
    OfLessonOrClass,
}

/// How rows of `table` belong to a year; `None` for a table this check
/// does not know (a test keeps every table of the schema known).
pub fn kind_of(table: &str) -> Option<Kind> {
    Some(match table {
        "student" | "staff" | "staff_role" | "guardian" | "student_guardian" | "enrolment"
        | "group_member" | "departure_pending" | "user_role" | "setting" | "school" | "subject"
        | "control_form" | "attendance_code" | "training_status" | "bell" | "review_ack"
        | "audit_log" | "programme" | "programme_task" | "indicator_period" | "indicator"
        | "indicator_target" | "indicator_actual" | "online_followup" => Kind::Yearless,
        "school_year" => Kind::Year,
        "period" | "holiday" | "class" | "training_plan" | "device_census" => Kind::OfYear,
        "period_grade" => Kind::OfPeriod,
        "training_session" | "training_record" | "training_publication" | "training_attendance" => {
            Kind::OfTraining
        }
        "external_training" => Kind::OfDay("starts_on"),
        "lesson" | "mark" | "attendance" | "teaching_log" | "lesson_online"
        | "absence_conflict" | "plan_topic" | "timetable" | "workload" | "curriculum"
        | "class_group" => Kind::OfLessonOrClass,
        _ => return None,
    })
}

/// Entities the audit log records that are not tables (notes of closing,
/// restores): judged by the class or lesson they name, if any.
fn kind(entity: &str) -> Kind {
    kind_of(entity).unwrap_or(Kind::OfLessonOrClass)
}

/// Looks a row's year up, remembering classes and lessons seen.
struct Years<'a> {
    conn: &'a Connection,
    class: HashMap<Id, Option<Id>>,
    lesson: HashMap<Id, Option<Id>>,
}

impl Years<'_> {
    fn of(&mut self, entity: &str, row: &Map<String, Value>) -> Result<Vec<Belongs>> {
        let id = |f: &str| row.get(f).and_then(Value::as_i64);
        let day = |f: &str| {
            row.get(f)
                .and_then(Value::as_str)
                .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        };
        let mut out = Vec::new();
        match kind(entity) {
            Kind::Yearless => {}
            Kind::Year => out.extend(id("id").map(Belongs::Year)),
            Kind::OfYear => out.extend(id("year_id").map(Belongs::Year)),
            Kind::OfPeriod => {
                if let Some(p) = id("period_id") {
                    let y: Option<Id> = self
                        .conn
                        .prepare_cached("SELECT year_id FROM period WHERE id = ?1")?
                        .query_row([p], |r| r.get(0))
                        .optional()?;
                    out.extend(y.map(Belongs::Year));
                }
                out.extend(self.class_year(id("class_id"))?);
            }
            Kind::OfTraining => {
                let plan = match id("session_id") {
                    Some(s) => self
                        .conn
                        .prepare_cached("SELECT plan_id FROM training_session WHERE id = ?1")?
                        .query_row([s], |r| r.get(0))
                        .optional()?,
                    None => id("plan_id"),
                };
                out.extend(self.plan_year(plan)?);
                out.extend(day("date").map(Belongs::Day));
            }
            Kind::OfDay(field) => out.extend(day(field).map(Belongs::Day)),
            Kind::OfLessonOrClass => {
                if let Some(l) = id("lesson_id") {
                    out.extend(self.lesson_year(l)?);
                }
                if entity == "lesson" {
                    out.extend(day("date").map(Belongs::Day));
                }
                out.extend(self.class_year(id("class_id"))?);
            }
        }
        Ok(out)
    }

    fn class_year(&mut self, class: Option<Id>) -> Result<Option<Belongs>> {
        let Some(c) = class else {
            return Ok(None);
        };
        if let Some(y) = self.class.get(&c) {
            return Ok(y.map(Belongs::Year));
        }
        let y: Option<Id> = self
            .conn
            .prepare_cached("SELECT year_id FROM class WHERE id = ?1")?
            .query_row([c], |r| r.get(0))
            .optional()?;
        self.class.insert(c, y);
        Ok(y.map(Belongs::Year))
    }

    fn lesson_year(&mut self, lesson: Id) -> Result<Option<Belongs>> {
        if let Some(y) = self.lesson.get(&lesson) {
            return Ok(y.map(Belongs::Year));
        }
        let y: Option<Id> = self
            .conn
            .prepare_cached(
                "SELECT c.year_id FROM lesson l JOIN class c ON c.id = l.class_id WHERE l.id = ?1",
            )?
            .query_row([lesson], |r| r.get(0))
            .optional()?;
        self.lesson.insert(lesson, y);
        Ok(y.map(Belongs::Year))
    }

    fn plan_year(&mut self, plan: Option<Id>) -> Result<Option<Belongs>> {
        let Some(p) = plan else {
            return Ok(None);
        };
        let y: Option<Id> = self
            .conn
            .prepare_cached("SELECT year_id FROM training_plan WHERE id = ?1")?
            .query_row([p], |r| r.get(0))
            .optional()?;
        Ok(y.map(Belongs::Year))
    }
}

/// Refuse at once ([`StoreError::Closed`], as the store would at the
/// commit) a change of `what` in the year `year_id` if it is closed: a
/// service's early word, with the same message.
pub fn refuse_if_closed(conn: &Connection, year_id: Id, what: &str) -> Result<()> {
    match closed_years(conn)?.into_iter().find(|y| y.id == year_id) {
        Some(y) => Err(refusal(conn, &y, what)),
        None => Ok(()),
    }
}

/// "2025/26 is closed (on 30.06.2026 by Иванова): …".
fn refusal(conn: &Connection, y: &ClosedYear, entity: &str) -> StoreError {
    let by = super::audit::last_change(conn, "school_year", &format!("{{\"id\":{}}}", y.id))
        .ok()
        .flatten()
        .map(|e| format!(" by {}", e.operator))
        .unwrap_or_default();
    let on = y
        .closed_at
        .get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .map_or_else(|| y.closed_at.clone(), |d| d.format("%d.%m.%Y").to_string());
    StoreError::Closed(format!(
        "the school year {} is closed (on {on}{by}) and read-only: its {} is not changed; \
         reopen it first (`classbook year reopen {} --reason …`)",
        y.label,
        entity.replace('_', " "),
        y.label
    ))
}
