//! The change history in words: each audit entry named by the student,
//! class, subject, date and field it changed ("Белова Алиса · 7А Алгебра
//! 13.10 · mark 3 → 5"), read back from the rows it names; and the
//! entries chosen by person, class, operator and dates.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use serde_json::{Map, Value};

use super::Result;
use super::audit::{AuditEntry, COLS, row};

/// An entry in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Told {
    pub id: i64,
    pub at: String,
    pub operator: String,
    pub action: String,
    /// The student or teacher it concerns, if any.
    pub person: String,
    /// The class it concerns, if any.
    pub class: String,
    /// Where: "7А Алгебра 13.10 lesson 2".
    pub place: String,
    /// What: "mark 3 → 5", "attendance Н → —", "topic: … → …".
    pub what: String,
    pub undo_of: Option<i64>,
}

impl Told {
    /// One line: "Белова Алиса · 7А Алгебра 13.10 · mark 3 → 5".
    pub fn line(&self) -> String {
        [
            self.person.as_str(),
            self.place.as_str(),
            self.what.as_str(),
        ]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" · ")
    }
}

/// Which entries (all given filters must hold).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Part of the person's name (any case).
    pub person: Option<String>,
    /// The class's name ("7А").
    pub class: Option<String>,
    /// Part of the operator's login.
    pub operator: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// At most this many, newest first.
    pub limit: usize,
}

/// Reads what the entries name, remembering lessons, students and classes.
pub struct Teller<'a> {
    conn: &'a Connection,
    lessons: HashMap<i64, Option<(String, String, String, i64)>>,
    students: HashMap<i64, String>,
    staff: HashMap<i64, String>,
    classes: HashMap<i64, String>,
    codes: HashMap<i64, String>,
    forms: HashMap<i64, String>,
}

/// "12.05.26 14:03" in local time, from a stored UTC timestamp.
pub fn when(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%d.%m.%y %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| at.to_string())
}

fn text(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "—".into(),
        Some(Value::String(s)) if s.is_empty() => "—".into(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

fn short_date(d: &str) -> String {
    NaiveDate::parse_from_str(d, "%Y-%m-%d")
        .map(|d| d.format("%d.%m").to_string())
        .unwrap_or_else(|_| d.to_string())
}

impl<'a> Teller<'a> {
    pub fn new(conn: &'a Connection) -> Result<Teller<'a>> {
        let pairs = |sql: &str| -> Result<HashMap<i64, String>> {
            let mut st = conn.prepare(sql)?;
            Ok(st
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?)
        };
        Ok(Teller {
            conn,
            lessons: HashMap::new(),
            students: HashMap::new(),
            staff: pairs(
                "SELECT id, family_name || ' ' || given_name || ifnull(' ' || patronymic, '') FROM staff",
            )?,
            classes: pairs("SELECT id, name FROM class")?,
            codes: pairs("SELECT id, code FROM attendance_code")?,
            forms: pairs("SELECT id, name FROM control_form")?,
        })
    }

    fn student(&mut self, id: i64) -> Result<String> {
        if let Some(n) = self.students.get(&id) {
            return Ok(n.clone());
        }
        let n: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT family_name || ' ' || given_name || ifnull(' ' || patronymic, '')
                 FROM student WHERE id = ?1",
            )?
            .query_row([id], |r| r.get(0))
            .optional()?;
        let n = n.unwrap_or_else(|| format!("student #{id}"));
        self.students.insert(id, n.clone());
        Ok(n)
    }

    /// (class, subject, date, lesson number) of a lesson still there.
    fn lesson(&mut self, id: i64) -> Result<Option<(String, String, String, i64)>> {
        if let Some(l) = self.lessons.get(&id) {
            return Ok(l.clone());
        }
        let l = self
            .conn
            .prepare_cached(
                "SELECT c.name, s.name, l.date, l.lesson_no FROM lesson l
                 JOIN class c ON c.id = l.class_id JOIN subject s ON s.id = l.subject_id
                 WHERE l.id = ?1",
            )?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .optional()?;
        self.lessons.insert(id, l.clone());
        Ok(l)
    }

    fn subject(&self, id: i64) -> Result<String> {
        Ok(self
            .conn
            .prepare_cached("SELECT name FROM subject WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?
            .unwrap_or_else(|| format!("subject #{id}")))
    }

    /// The entry in words.
    pub fn tell(&mut self, e: &AuditEntry) -> Result<Told> {
        let obj = |v: &Option<Value>| v.as_ref().and_then(Value::as_object).cloned();
        let (old, new) = (obj(&e.old_value), obj(&e.new_value));
        let any = new.clone().or_else(|| old.clone()).unwrap_or_default();
        let id = |f: &str| any.get(f).and_then(Value::as_i64);
        let mut told = Told {
            id: e.id,
            at: e.at.clone(),
            operator: e.operator.clone(),
            action: e.action.clone(),
            person: String::new(),
            class: String::new(),
            place: String::new(),
            what: String::new(),
            undo_of: e.undo_of,
        };
        if let Some(s) = id("student_id") {
            told.person = self.student(s)?;
        } else if e.entity == "student" {
            told.person = self.student(id("id").unwrap_or(0))?;
        } else if let Some(s) = id("staff_id") {
            told.person = self.staff.get(&s).cloned().unwrap_or_default();
        } else if e.entity == "staff" {
            told.person = self
                .staff
                .get(&id("id").unwrap_or(0))
                .cloned()
                .unwrap_or_default();
        }
        if let Some(l) =
            id("lesson_id").or_else(|| (e.entity == "lesson").then(|| id("id")).flatten())
        {
            match self.lesson(l)? {
                Some((class, subject, date, no)) => {
                    told.place = format!("{class} {subject} {} lesson {no}", short_date(&date));
                    told.class = class;
                }
                None => told.place = format!("lesson #{l} (removed)"),
            }
        } else if e.entity == "class" {
            told.class = any
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            told.place = told.class.clone();
        } else if let Some(c) = id("class_id") {
            told.class = self.classes.get(&c).cloned().unwrap_or_default();
            let subject = match id("subject_id") {
                Some(s) => format!(" {}", self.subject(s)?),
                None => String::new(),
            };
            told.place = format!("{}{subject}", told.class);
        }
        told.what = self.what(&e.entity, old.as_ref(), new.as_ref());
        Ok(told)
    }

    fn what(
        &self,
        entity: &str,
        old: Option<&Map<String, Value>>,
        new: Option<&Map<String, Value>>,
    ) -> String {
        let field = |m: Option<&Map<String, Value>>, f: &str| m.and_then(|m| m.get(f)).cloned();
        let shown_mark = |m: Option<&Map<String, Value>>| -> String {
            match m {
                None => "—".into(),
                Some(m) => {
                    let symbol = text(m.get("symbol"));
                    let value = m.get("value").and_then(Value::as_i64);
                    match (symbol.as_str(), value) {
                        ("*", Some(v)) => format!("*{v}"),
                        _ => symbol,
                    }
                }
            }
        };
        let code = |m: Option<&Map<String, Value>>| -> String {
            m.and_then(|m| m.get("code_id"))
                .and_then(Value::as_i64)
                .and_then(|c| self.codes.get(&c).cloned())
                .unwrap_or_else(|| "—".into())
        };
        match entity {
            "mark" => {
                let form = field(new.or(old), "control_form_id")
                    .and_then(|v| v.as_i64())
                    .and_then(|f| self.forms.get(&f).cloned())
                    .map(|f| format!(" ({f})"))
                    .unwrap_or_default();
                format!("mark {} → {}{form}", shown_mark(old), shown_mark(new))
            }
            "attendance" => format!("attendance {} → {}", code(old), code(new)),
            _ => match (old, new) {
                (Some(o), Some(n)) => {
                    let parts: Vec<String> = n
                        .iter()
                        .filter(|(k, v)| {
                            o.get(*k) != Some(v) && !k.ends_with("_at") && !k.ends_with("_by")
                        })
                        .map(|(k, v)| {
                            format!(
                                "{} {} → {}",
                                k.replace('_', " "),
                                text(o.get(k)),
                                text(Some(v))
                            )
                        })
                        .collect();
                    if parts.is_empty() {
                        format!("{entity}: no field changed")
                    } else {
                        format!("{}: {}", entity.replace('_', " "), parts.join(", "))
                    }
                }
                (None, Some(n)) => format!("{} added{}", entity.replace('_', " "), named(n)),
                (Some(o), None) => format!("{} removed{}", entity.replace('_', " "), named(o)),
                (None, None) => entity.replace('_', " "),
            },
        }
    }
}

/// A row's name, if it has one (" «7А»"), else its fields in a few words.
fn named(m: &Map<String, Value>) -> String {
    [
        "name",
        "label",
        "topic",
        "title",
        "family_name",
        "login",
        "note",
        "reason",
    ]
    .iter()
    .find_map(|f| m.get(*f).and_then(Value::as_str))
    .map(|n| format!(" «{n}»"))
    .unwrap_or_else(|| match summary(m) {
        s if s.is_empty() => s,
        s => format!(" {s}"),
    })
}

/// A row in a few words: its fields, leaving out ids and the who and when
/// an entry's own line shows.
pub fn summary(m: &Map<String, Value>) -> String {
    m.iter()
        .filter(|(k, v)| {
            !k.ends_with("id") && !k.ends_with("_at") && !k.ends_with("_by") && !v.is_null()
        })
        .map(|(k, v)| format!("{k}={}", text(Some(v))))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The entries `filter` chooses, newest first, in words.
pub fn list(conn: &Connection, filter: &Filter) -> Result<Vec<Told>> {
    let mut teller = Teller::new(conn)?;
    let mut st = conn.prepare(&format!(
        "SELECT {COLS} FROM audit_log
         WHERE (?1 IS NULL OR instr(lower(operator), lower(?1)) > 0)
           AND (?2 IS NULL OR substr(at, 1, 10) >= ?2)
           AND (?3 IS NULL OR substr(at, 1, 10) <= ?3)
         ORDER BY id DESC"
    ))?;
    let mut rows = st.query(rusqlite::params![
        filter.operator,
        filter.from.map(|d| d.to_string()),
        filter.to.map(|d| d.to_string())
    ])?;
    let want = |have: &str, part: &Option<String>| {
        part.as_ref()
            .is_none_or(|p| have.to_lowercase().contains(&p.trim().to_lowercase()))
    };
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let e = row(r)?;
        let t = teller.tell(&e)?;
        let class_ok = filter
            .class
            .as_ref()
            .is_none_or(|c| t.class.to_lowercase() == c.trim().to_lowercase());
        if class_ok && want(&t.person, &filter.person) {
            out.push(t);
            if filter.limit > 0 && out.len() >= filter.limit {
                break;
            }
        }
    }
    Ok(out)
}
