//! Roles that hold: who may write what (issue 14, item 5).
//!
//! The operator is the operating-system user running classbook (`--as` only
//! for an administrator, recorded as "X as Y"). Every write goes through
//! [`super::Db::write`], and every write records its changes in the audit
//! log in the same transaction; before the transaction commits, [`check`]
//! reads the entries it wrote and refuses (rolling everything back) a change
//! the operator may not make. One place, so no write path escapes it.
//!
//! Who may do what:
//! - an **administrator** everything: root, the owner of the database file
//!   (whoever ran `init` or `demo`; they can change the file anyway), and
//!   logins granted `admin` (or a staff member with the journal_admin role);
//! - a **deputy head** (granted `deputy`, or a director or deputy on the
//!   staff list) every journal, reason, final grade, training record,
//!   indicator value and review acknowledgement, but not the settings, the
//!   school's set-up nor the users;
//! - a **teacher** (a staff member whose `login` is the operator) the
//!   journals of the lessons they teach or taught as a substitute, and the
//!   final grades and thematic plans of the classes and subjects of their
//!   workload;
//! - a **class teacher** also the reasons of absences, the device census and
//!   the follow-ups of their class;
//! - a **training lead** (granted, or on the staff list) teacher training;
//! - a **viewer** (granted `viewer`) nothing: every write is refused, even
//!   if the login is also a teacher;
//! - any other login nothing either, until an administrator grants a role or
//!   maps it to a staff member.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;

use super::{Result, StoreError};
use crate::domain::Id;
use crate::domain::text::short_name;

/// Who is writing: the login whose permissions apply and, when an
/// administrator acts as someone else (`--as`), the administrator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Who {
    /// The login whose permissions apply.
    pub login: String,
    /// The real operating-system login, when acting as `login` (`--as`).
    pub real: Option<String>,
    /// Under sudo: the user who ran sudo (recorded; root's permissions).
    pub sudo_by: Option<String>,
}

static PROCESS_WHO: std::sync::OnceLock<Who> = std::sync::OnceLock::new();

impl Who {
    /// A login writing as itself.
    pub fn login(login: impl Into<String>) -> Who {
        Who {
            login: login.into(),
            real: None,
            sudo_by: None,
        }
    }

    /// The operating-system user of this process (the effective user id's
    /// account, never the environment's `USER`, which anyone can set).
    pub fn os() -> Who {
        let login = os_login();
        // Root may have come through sudo: say who, for the record (root
        // can write anything anyway, so the name is only a label).
        let sudo_by = (login == "root")
            .then(|| std::env::var("SUDO_USER").ok())
            .flatten()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty() && s != "root");
        Who {
            login,
            real: None,
            sudo_by,
        }
    }

    /// Whoever this process writes as: what [`Who::set_for_process`] set
    /// (the command line does, once, before opening a database), else the
    /// operating-system user. Every [`super::Db`] starts with it.
    pub fn current() -> Who {
        PROCESS_WHO.get().cloned().unwrap_or_else(Who::os)
    }

    /// Make `self` the operator of every database this process opens from
    /// now on. Only the first call counts (the command line's).
    pub fn set_for_process(self) {
        let _ = PROCESS_WHO.set(self);
    }

    /// `self` acting as `login`: allowed only if `self` is an administrator
    /// ([`check`] refuses every write otherwise).
    pub fn acting_as(&self, login: impl Into<String>) -> Who {
        Who {
            login: login.into(),
            real: Some(self.login.clone()),
            sudo_by: self.sudo_by.clone(),
        }
    }

    /// The name recorded in the audit log: "alice", "alice as bob",
    /// "alice via sudo".
    pub fn operator(&self) -> String {
        let me = match &self.sudo_by {
            Some(by) => format!("{by} via sudo"),
            None => self.real.clone().unwrap_or_else(|| self.login.clone()),
        };
        match &self.real {
            Some(_) => format!("{me} as {}", self.login),
            None => me,
        }
    }
}

/// Refuse `who` acting as someone else unless the real user is an
/// administrator of the database.
pub fn check_acting(conn: &Connection, who: &Who, path: &Path) -> Result<()> {
    if let Some(real) = &who.real
        && !rights(conn, real, path)?.admin
    {
        return Err(StoreError::NotPermitted(format!(
            "{real} may not act as {}: only an administrator may use --as",
            who.login
        )));
    }
    Ok(())
}

/// The account name of the process's effective user id.
#[cfg(unix)]
pub fn os_login() -> String {
    // SAFETY: geteuid cannot fail.
    let uid = unsafe { libc::geteuid() };
    account_of(uid).unwrap_or_else(|| uid.to_string())
}

#[cfg(not(unix))]
pub fn os_login() -> String {
    std::env::var("USERNAME").unwrap_or_else(|_| "unknown".to_string())
}

#[cfg(unix)]
fn account_of(uid: libc::uid_t) -> Option<String> {
    // SAFETY: getpwuid returns a pointer into static storage or null; the
    // name is copied out at once and this program looks accounts up from
    // one thread.
    unsafe {
        let pw = libc::getpwuid(uid);
        if pw.is_null() || (*pw).pw_name.is_null() {
            return None;
        }
        std::ffi::CStr::from_ptr((*pw).pw_name)
            .to_str()
            .ok()
            .map(str::to_string)
    }
}

/// The login owning the database file (an administrator of it).
#[cfg(unix)]
pub fn file_owner(path: &Path) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let uid = std::fs::metadata(path).ok()?.uid();
    Some(account_of(uid).unwrap_or_else(|| uid.to_string()))
}

#[cfg(not(unix))]
pub fn file_owner(_path: &Path) -> Option<String> {
    None
}

/// The roles an administrator grants (`classbook users grant`). Teachers
/// and class teachers come from the staff list, the workload and the
/// classes, not from grants.
pub const GRANTABLE: &[&str] = &["admin", "deputy", "training_lead", "viewer"];

/// What a login may do, read once per write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rights {
    pub login: String,
    pub admin: bool,
    pub deputy: bool,
    pub training_lead: bool,
    pub viewer: bool,
    /// The staff member the login maps to: id and short name.
    pub staff: Option<(Id, String)>,
}

impl Rights {
    /// What the login is, in a word, for the status line.
    pub fn label(&self) -> &'static str {
        if self.admin {
            "admin"
        } else if self.viewer {
            "viewer"
        } else if self.deputy {
            "deputy"
        } else if self.training_lead {
            "training"
        } else if self.staff.is_some() {
            "teacher"
        } else {
            "read only"
        }
    }

    /// Whether the login may write anything at all.
    pub fn writes(&self) -> bool {
        self.admin || (!self.viewer && (self.deputy || self.training_lead || self.staff.is_some()))
    }
}

/// The rights of `login` in the database at `path`.
pub fn rights(conn: &Connection, login: &str, path: &Path) -> Result<Rights> {
    let granted: Vec<String> = {
        let mut stmt = conn.prepare_cached("SELECT role FROM user_role WHERE login = ?1")?;
        stmt.query_map([login], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?
    };
    let staff: Option<(Id, String, String, Option<String>)> = conn
        .prepare_cached(
            "SELECT id, family_name, given_name, patronymic FROM staff
             WHERE login = ?1 AND active = 1",
        )?
        .query_row([login], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    let staff_roles: Vec<String> = match &staff {
        Some((id, ..)) => {
            let mut stmt =
                conn.prepare_cached("SELECT role FROM staff_role WHERE staff_id = ?1")?;
            stmt.query_map([id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        }
        None => Vec::new(),
    };
    let has = |g: &str, s: &[&str]| {
        granted.iter().any(|r| r == g) || staff_roles.iter().any(|r| s.contains(&r.as_str()))
    };
    let admin = login == "root"
        || file_owner(path).is_some_and(|o| o == login)
        || has("admin", &["journal_admin"]);
    Ok(Rights {
        login: login.to_string(),
        admin,
        deputy: has("deputy", &["director", "deputy"]),
        training_lead: has("training_lead", &["training_lead"]),
        viewer: !admin && granted.iter().any(|r| r == "viewer"),
        staff: staff.map(|(id, f, g, p)| (id, short_name(&f, &g, p.as_deref()))),
    })
}

/// One change a transaction made, as its audit entry tells it.
struct Entry {
    action: String,
    entity: String,
    key: Option<Value>,
    old: Option<Value>,
    new: Option<Value>,
}

impl Entry {
    /// A field of the row before or after the change (the key first).
    fn field(&self, name: &str) -> Vec<i64> {
        let mut out: Vec<i64> = [&self.key, &self.old, &self.new]
            .into_iter()
            .flatten()
            .filter_map(|v| v.get(name).and_then(Value::as_i64))
            .collect();
        out.dedup();
        out
    }
}

/// Refuse the transaction's changes the operator may not make. `since` is
/// the audit log's last id before the transaction; `changed` whether the
/// transaction changed any row (a viewer may change nothing, audited or
/// not).
pub fn check(conn: &Connection, who: &Who, path: &Path, since: i64, changed: bool) -> Result<()> {
    check_acting(conn, who, path)?;
    let rights = rights(conn, &who.login, path)?;
    if rights.admin {
        return Ok(());
    }
    let entries: Vec<Entry> = {
        let mut stmt = conn.prepare_cached(
            "SELECT action, entity, entity_key, old_value, new_value FROM audit_log
             WHERE id > ?1 ORDER BY id",
        )?;
        let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str::<Value>(&s).ok());
        stmt.query_map([since], |r| {
            Ok(Entry {
                action: r.get(0)?,
                entity: r.get(1)?,
                key: parse(r.get(2)?),
                old: parse(r.get(3)?),
                new: parse(r.get(4)?),
            })
        })?
        .collect::<rusqlite::Result<_>>()?
    };
    if !rights.writes() {
        if entries.is_empty() && !changed {
            return Ok(());
        }
        let what = entries
            .first()
            .map_or_else(|| "change anything".to_string(), |e| describe(&e.action));
        return Err(refused(
            &who.login,
            &what,
            if rights.viewer {
                "the login is a read-only viewer; an administrator may change that (`classbook users`)"
            } else {
                "the login has no role here; an administrator may grant one (`classbook users grant`) or give a staff member this login"
            },
        ));
    }
    for e in &entries {
        check_entry(conn, &rights, e)?;
    }
    Ok(())
}

fn refused(login: &str, what: &str, who_may: &str) -> StoreError {
    StoreError::NotPermitted(format!("{login} may not {what}: {who_may}"))
}

fn describe(action: &str) -> String {
    let action = action.strip_prefix("undo ").unwrap_or(action);
    format!("make this change ({action})")
}

/// The categories of attendance codes that are reasons (DOMAIN §3).
const REASON_CATEGORIES: &[&str] = &["absent_excused", "absent_unexcused"];

fn check_entry(conn: &Connection, r: &Rights, e: &Entry) -> Result<()> {
    let me = r.staff.as_ref().map(|(id, _)| *id);
    // A change that does not say what it belongs to is not a teacher's.
    let unplaced = |field: &str| {
        if r.deputy {
            Ok(())
        } else {
            Err(refused(
                &r.login,
                &describe(&e.action),
                &format!("it names no {field}; only a deputy head or an administrator may"),
            ))
        }
    };
    match e.entity.as_str() {
        "mark" | "attendance" | "teaching_log" | "lesson_online" | "absence_conflict"
        | "lesson" => {
            let lessons = if e.entity == "lesson" {
                e.field("id")
            } else {
                e.field("lesson_id")
            };
            if lessons.is_empty() {
                return unplaced("lesson");
            }
            let reason = e.entity == "attendance" && is_reason(conn, e)?;
            for lesson in lessons {
                let Some(l) = lesson_info(conn, lesson, e)? else {
                    // Gone in this very transaction: only a deputy or an
                    // administrator deletes lessons.
                    if !r.deputy {
                        return Err(refused(
                            &r.login,
                            "delete a lesson",
                            "only a deputy head or an administrator may",
                        ));
                    }
                    continue;
                };
                if reason {
                    let class_teacher = l.class_teacher_id.is_some() && l.class_teacher_id == me;
                    if !(r.deputy || class_teacher) {
                        return Err(refused(
                            &r.login,
                            &format!("give the reasons of absences in {}", l.class),
                            &format!(
                                "only the class teacher of {}{} or a deputy head may",
                                l.class,
                                l.class_teacher
                                    .as_ref()
                                    .map_or_else(String::new, |n| format!(" ({n})"))
                            ),
                        ));
                    }
                    continue;
                }
                let teaches = me.is_some_and(|m| l.teachers.contains(&m));
                if !(r.deputy || teaches) {
                    return Err(refused(
                        &r.login,
                        &format!(
                            "change the journal of {} {} on {}",
                            l.class, l.subject, l.date
                        ),
                        &format!(
                            "only its teacher ({}), a teacher substituting at that lesson or a deputy head may",
                            l.teacher
                        ),
                    ));
                }
            }
            Ok(())
        }
        "period_grade" | "plan_topic" => {
            let classes = e.field("class_id");
            let subjects = e.field("subject_id");
            if classes.is_empty() || subjects.is_empty() {
                return unplaced("class and subject");
            }
            for c in &classes {
                for s in &subjects {
                    let teaches = match me {
                        Some(m) => teaches_subject(conn, m, *c, *s)?,
                        None => false,
                    };
                    if r.deputy || teaches {
                        continue;
                    }
                    let (class, subject, teachers) = subject_teachers(conn, *c, *s)?;
                    let what = if e.entity == "period_grade" {
                        format!("set final grades in {subject} for {class}")
                    } else {
                        format!("change the thematic plan of {class} {subject}")
                    };
                    return Err(refused(
                        &r.login,
                        &what,
                        &format!(
                            "only the subject teacher{} or a deputy head may",
                            if teachers.is_empty() {
                                String::new()
                            } else {
                                format!(" ({})", teachers.join(", "))
                            }
                        ),
                    ));
                }
            }
            Ok(())
        }
        "device_census" | "online_followup" => {
            let students = e.field("student_id");
            if students.is_empty() {
                return unplaced("student");
            }
            for student in students {
                let (class, class_teacher_ok, teacher) = student_class(conn, student, me)?;
                if !(r.deputy || class_teacher_ok) {
                    return Err(refused(
                        &r.login,
                        &format!("record the online follow-up of a student of {class}"),
                        &format!(
                            "only the class teacher{} or a deputy head may",
                            teacher.map_or_else(String::new, |t| format!(" ({t})"))
                        ),
                    ));
                }
            }
            Ok(())
        }
        t if t.starts_with("training_") || t == "external_training" => {
            if r.deputy || r.training_lead {
                Ok(())
            } else {
                Err(refused(
                    &r.login,
                    "record teacher training",
                    "only the training lead, a deputy head or an administrator may",
                ))
            }
        }
        "programme" | "programme_task" | "indicator_period" | "indicator" | "indicator_target"
        | "indicator_actual" => {
            if r.deputy {
                Ok(())
            } else {
                Err(refused(
                    &r.login,
                    "change plan indicators",
                    "only a deputy head or an administrator may",
                ))
            }
        }
        "review_ack" => {
            if r.deputy {
                Ok(())
            } else {
                Err(refused(
                    &r.login,
                    "acknowledge review findings",
                    "only a deputy head or an administrator may",
                ))
            }
        }
        "setting" => Err(refused(
            &r.login,
            "change the settings",
            "only an administrator may",
        )),
        "user_role" => Err(refused(
            &r.login,
            "assign roles",
            "only an administrator may",
        )),
        _ => Err(refused(
            &r.login,
            &format!("change the school's set-up ({})", e.entity),
            "only an administrator may",
        )),
    }
}

/// Whether an attendance change sets, changes or removes a reason (a code
/// of an excused or unexcused category, before or after).
fn is_reason(conn: &Connection, e: &Entry) -> Result<bool> {
    let mut stmt = conn.prepare_cached("SELECT category FROM attendance_code WHERE id = ?1")?;
    for v in [&e.old, &e.new].into_iter().flatten() {
        if let Some(code) = v.get("code_id").and_then(Value::as_i64) {
            let category: Option<String> = stmt.query_row([code], |r| r.get(0)).optional()?;
            if category.is_some_and(|c| REASON_CATEGORIES.contains(&c.as_str())) {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

struct LessonInfo {
    class: String,
    subject: String,
    date: String,
    teacher: String,
    /// The lesson's teacher and substitute, before and after the change.
    teachers: Vec<Id>,
    class_teacher_id: Option<Id>,
    class_teacher: Option<String>,
}

fn staff_name(conn: &Connection, id: Id) -> Result<String> {
    Ok(conn
        .prepare_cached("SELECT family_name, given_name, patronymic FROM staff WHERE id = ?1")?
        .query_row([id], |r| {
            Ok(short_name(
                &r.get::<_, String>(0)?,
                &r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?.as_deref(),
            ))
        })
        .optional()?
        .unwrap_or_else(|| format!("staff {id}")))
}

fn lesson_info(conn: &Connection, lesson: Id, e: &Entry) -> Result<Option<LessonInfo>> {
    let row: Option<(Id, Id, Id, Option<Id>, String)> = conn
        .prepare_cached(
            "SELECT class_id, subject_id, teacher_id, taught_by_id, date FROM lesson WHERE id = ?1",
        )?
        .query_row([lesson], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .optional()?;
    // A lesson deleted in this transaction (an undone creation): as it was.
    let row = row.or_else(|| {
        let v = e.old.as_ref().filter(|_| e.entity == "lesson")?;
        let id = |k: &str| v.get(k).and_then(Value::as_i64);
        Some((
            id("class_id")?,
            id("subject_id")?,
            id("teacher_id")?,
            id("taught_by_id"),
            v.get("date")?.as_str()?.to_string(),
        ))
    });
    let Some((class_id, subject_id, teacher_id, taught_by, date)) = row else {
        return Ok(None);
    };
    let mut teachers = vec![teacher_id];
    teachers.extend(taught_by);
    // A lesson's own row changed: the operator must teach it before and
    // after (no one hands their lesson to themselves).
    let mut before_after = vec![];
    if e.entity == "lesson" {
        for v in [&e.old, &e.new].into_iter().flatten() {
            let mut t: Vec<Id> = ["teacher_id", "taught_by_id"]
                .iter()
                .filter_map(|k| v.get(*k).and_then(Value::as_i64))
                .collect();
            t.sort_unstable();
            before_after.push(t);
        }
    }
    if !before_after.is_empty() {
        // Only the ids present in every version count.
        teachers.retain(|t| before_after.iter().all(|v| v.contains(t)));
    }
    let (class, class_teacher_id): (String, Option<Id>) = conn
        .prepare_cached("SELECT name, class_teacher_id FROM class WHERE id = ?1")?
        .query_row([class_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let subject: String = conn
        .prepare_cached("SELECT name FROM subject WHERE id = ?1")?
        .query_row([subject_id], |r| r.get(0))?;
    let date = chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d")
        .map_or(date, |d| d.format("%d.%m.%Y").to_string());
    Ok(Some(LessonInfo {
        class,
        subject,
        date,
        teacher: staff_name(conn, teacher_id)?,
        teachers,
        class_teacher: class_teacher_id
            .map(|id| staff_name(conn, id))
            .transpose()?,
        class_teacher_id,
    }))
}

fn teaches_subject(conn: &Connection, staff: Id, class: Id, subject: Id) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM workload
                            WHERE class_id = ?1 AND subject_id = ?2 AND teacher_id = ?3)",
        )?
        .query_row(params![class, subject, staff], |r| r.get(0))?)
}

/// A class's name, a subject's name and who teaches it there.
fn subject_teachers(
    conn: &Connection,
    class: Id,
    subject: Id,
) -> Result<(String, String, Vec<String>)> {
    let class_name: String = conn
        .prepare_cached("SELECT name FROM class WHERE id = ?1")?
        .query_row([class], |r| r.get(0))
        .optional()?
        .unwrap_or_else(|| format!("class {class}"));
    let subject_name: String = conn
        .prepare_cached("SELECT name FROM subject WHERE id = ?1")?
        .query_row([subject], |r| r.get(0))
        .optional()?
        .unwrap_or_else(|| format!("subject {subject}"));
    let ids: Vec<Id> = conn
        .prepare_cached(
            "SELECT DISTINCT teacher_id FROM workload WHERE class_id = ?1 AND subject_id = ?2
             ORDER BY teacher_id",
        )?
        .query_map(params![class, subject], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let names = ids
        .into_iter()
        .map(|id| staff_name(conn, id))
        .collect::<Result<_>>()?;
    Ok((class_name, subject_name, names))
}

/// The student's latest class, whether `me` is the class teacher of one
/// of the student's classes, and that class's teacher.
fn student_class(
    conn: &Connection,
    student: Id,
    me: Option<Id>,
) -> Result<(String, bool, Option<String>)> {
    let ok: bool = conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM enrolment e JOIN class c ON c.id = e.class_id
                            WHERE e.student_id = ?1 AND c.class_teacher_id = ?2)",
        )?
        .query_row(params![student, me], |r| r.get(0))?;
    let latest: Option<(String, Option<Id>)> = conn
        .prepare_cached(
            "SELECT c.name, c.class_teacher_id FROM enrolment e JOIN class c ON c.id = e.class_id
             WHERE e.student_id = ?1 ORDER BY e.starts_on DESC LIMIT 1",
        )?
        .query_row([student], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (class, teacher) = latest.unwrap_or_else(|| ("no class".to_string(), None));
    Ok((class, ok, teacher.map(|t| staff_name(conn, t)).transpose()?))
}

/// A login, the staff member it maps to and its roles, for `classbook users`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UserRow {
    pub login: String,
    pub staff: Option<String>,
    /// Every role, where it comes from in brackets when not a grant:
    /// "admin (file owner)", "teacher (workload)", "class teacher 5А".
    pub roles: Vec<String>,
}

/// Every login classbook knows: the file's owner, logins granted a role and
/// the staff members' logins.
pub fn users(conn: &Connection, path: &Path) -> Result<Vec<UserRow>> {
    let mut logins: Vec<String> = conn
        .prepare(
            "SELECT login FROM user_role UNION SELECT login FROM staff WHERE login IS NOT NULL
             ORDER BY 1",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let owner = file_owner(path);
    if let Some(o) = &owner
        && !logins.contains(o)
    {
        logins.insert(0, o.clone());
    }
    let mut out = Vec::new();
    for login in logins {
        let r = rights(conn, &login, path)?;
        let mut roles = Vec::new();
        let granted: Vec<String> = conn
            .prepare_cached("SELECT role FROM user_role WHERE login = ?1 ORDER BY role")?
            .query_map([&login], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if owner.as_deref() == Some(login.as_str()) || login == "root" {
            roles.push("admin (owner of the file)".to_string());
        }
        roles.extend(granted.iter().cloned());
        if let Some((id, _)) = &r.staff {
            let staff_roles: Vec<String> = conn
                .prepare_cached("SELECT role FROM staff_role WHERE staff_id = ?1 ORDER BY role")?
                .query_map([id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for s in staff_roles {
                let mapped = match s.as_str() {
                    "director" | "deputy" => Some("deputy"),
                    "journal_admin" => Some("admin"),
                    "training_lead" => Some("training_lead"),
                    _ => None,
                };
                if let Some(m) = mapped {
                    roles.push(format!("{m} (staff role {s})"));
                }
            }
            let teaches: bool = conn
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM workload WHERE teacher_id = ?1)
                         OR EXISTS (SELECT 1 FROM lesson WHERE teacher_id = ?1 OR taught_by_id = ?1)",
                )?
                .query_row([id], |r| r.get(0))?;
            if teaches {
                roles.push("teacher (workload)".to_string());
            }
            let classes: Vec<String> = conn
                .prepare_cached(
                    "SELECT c.name FROM class c JOIN school_year y ON y.id = c.year_id
                     WHERE c.class_teacher_id = ?1 ORDER BY y.starts_on DESC, c.grade, c.name",
                )?
                .query_map([id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            if !classes.is_empty() {
                roles.push(format!("class teacher {}", classes.join(", ")));
            }
        }
        if r.viewer && !roles.iter().all(|x| x == "viewer") {
            roles.push("(read-only: viewer overrides the rest)".to_string());
        }
        out.push(UserRow {
            login,
            staff: r.staff.map(|(_, name)| name),
            roles,
        });
    }
    Ok(out)
}

/// Grant `role` to `login`, audited. Returns the audit id (none when the
/// login already held it).
pub fn grant(conn: &Connection, operator: &str, login: &str, role: &str) -> Result<Option<i64>> {
    let role = grantable(role)?;
    let login = login.trim();
    if login.is_empty() {
        return Err(super::invalid("a login cannot be empty"));
    }
    let mut key = serde_json::Map::new();
    key.insert("login".into(), Value::from(login));
    key.insert("role".into(), Value::from(role));
    let exists: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM user_role WHERE login = ?1 AND role = ?2)")?
        .query_row(params![login, role], |r| r.get(0))?;
    if exists {
        return Ok(None);
    }
    let mut row = key.clone();
    row.insert("granted_by".into(), Value::from(operator));
    row.insert("granted_at".into(), Value::from(super::now()));
    super::audit::write_row(conn, operator, "users.grant", "user_role", &key, Some(&row))
}

/// Take `role` from `login`, audited. Returns the audit id (none when the
/// login did not hold it).
pub fn revoke(conn: &Connection, operator: &str, login: &str, role: &str) -> Result<Option<i64>> {
    let role = grantable(role)?;
    let mut key = serde_json::Map::new();
    key.insert("login".into(), Value::from(login.trim()));
    key.insert("role".into(), Value::from(role));
    super::audit::write_row(conn, operator, "users.revoke", "user_role", &key, None)
}

fn grantable(role: &str) -> Result<&'static str> {
    let role = role.trim();
    let role = match role {
        "administrator" => "admin",
        "deputy_head" | "deputy-head" => "deputy",
        "training-lead" => "training_lead",
        r => r,
    };
    if let Some(r) = GRANTABLE.iter().find(|g| **g == role) {
        return Ok(r);
    }
    Err(super::invalid(match role {
        "teacher" | "class_teacher" | "class-teacher" => format!(
            "«{role}» is not granted: a teacher is a staff member with this login (`classbook school add-staff … --login LOGIN`) and edits the journals of their workload; a class teacher is the one a class names (`classbook school add-class … --teacher`)"
        ),
        _ => format!("no role «{role}»; roles: {}", GRANTABLE.join(", ")),
    }))
}
