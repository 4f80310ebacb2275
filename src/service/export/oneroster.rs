//! The OneRoster 1.2 CSV export of one school year: `manifest.csv`, the
//! roster (orgs, academicSessions, courses, classes, users, roles,
//! enrollments, demographics) written here, and the gradebook (categories,
//! lineItems, results) and `classbook.attendance.csv` written by
//! [`super::gradebook`].
//!
//! Identifiers: a row that came in with an external id (`ext_id`) goes out
//! with it; any other row with its global id (`uid`). Rows OneRoster has
//! but classbook keeps no row for (a homeroom's teacher enrolment, a role)
//! get ids made from their parts. A scheduled class is a workload row (a
//! subject taught to a class or one of its groups); the OneRoster reader
//! stores it as `<scheduled class>@<homeroom>`, and that suffix is taken
//! off again here, so that export → import → export gives identical files.
//!
//! Every row is `active` and carries one `dateLastModified`: the latest
//! moment the year's journal records (marks, period grades, attendance,
//! lesson records), else the year's first day; never the clock. Rows are
//! ordered by what they say (names, dates, ids), never by database row
//! numbers, so another database holding the same data writes the same
//! bytes.
//!
//! What OneRoster has no place for is left out and named in the summary:
//! the timetable, bells, holidays, curriculum, thematic plans, teaching
//! logs, device census, training and plan indicators, and the staff roles OneRoster cannot express (journal
//! administrator, medical, HR, training lead).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use super::gradebook;
use crate::domain::{Id, PeriodKind, Relation, Role, Sex};
use crate::store::{self, StoreError};

/// The homeroom a scheduled class is taught to (its sourcedId).
pub const META_CLASS: &str = "metadata.classbook.class";
/// The group of that homeroom a scheduled class is taught to; empty: the
/// whole class.
pub const META_GROUP: &str = "metadata.classbook.group";
/// The order that authorised a stay (enrollments of students in homerooms).
pub const META_ORDER_NO: &str = "metadata.orderNo";
pub const META_ORDER_DATE: &str = "metadata.orderDate";
pub const META_END_ORDER_NO: &str = "metadata.endOrderNo";
pub const META_END_ORDER_DATE: &str = "metadata.endOrderDate";
pub const META_END_REASON: &str = "metadata.classbook.endReason";

/// The columns of the OneRoster 1.2 CSV binding, in its order.
pub const ORGS: &[&str] = &[
    "sourcedId",
    "status",
    "dateLastModified",
    "name",
    "type",
    "identifier",
    "parentSourcedId",
];
pub const ACADEMIC_SESSIONS: &[&str] = &[
    "sourcedId",
    "status",
    "dateLastModified",
    "title",
    "type",
    "startDate",
    "endDate",
    "parentSourcedId",
    "schoolYear",
];
pub const COURSES: &[&str] = &[
    "sourcedId",
    "status",
    "dateLastModified",
    "schoolYearSourcedId",
    "title",
    "courseCode",
    "grades",
    "orgSourcedId",
    "subjects",
    "subjectCodes",
];
pub const CLASSES: &[&str] = &[
    "sourcedId",
    "status",
    "dateLastModified",
    "title",
    "grades",
    "courseSourcedId",
    "classCode",
    "classType",
    "location",
    "schoolSourcedId",
    "termSourcedIds",
    "subjects",
    "subjectCodes",
    "periods",
];
pub const USERS: &[&str] = &[
    "sourcedId",
    "status",
    "dateLastModified",
    "enabledUser",
    "username",
    "userIds",
    "givenName",
    "familyName",
    "middleName",
    "identifier",
    "email",
    "sms",
    "phone",
    "agentSourcedIds",
    "grades",
    "password",
    "userMasterIdentifier",
    "resourceSourcedIds",
    "preferredGivenName",
    "preferredMiddleName",
    "preferredFamilyName",
    "primaryOrgSourcedId",
    "pronouns",
];
pub const ROLES: &[&str] = &[
    "sourcedId",
    "status",
    "dateLastModified",
    "userSourcedId",
    "roleType",
    "role",
    "beginDate",
    "endDate",
    "orgSourcedId",
    "userProfileSourcedId",
];
pub const ENROLLMENTS: &[&str] = &[
    "sourcedId",
    "status",
    "dateLastModified",
    "classSourcedId",
    "schoolSourcedId",
    "userSourcedId",
    "role",
    "primary",
    "beginDate",
    "endDate",
];
pub const DEMOGRAPHICS: &[&str] = &[
    "sourcedId",
    "status",
    "dateLastModified",
    "birthDate",
    "sex",
    "americanIndianOrAlaskaNative",
    "asian",
    "blackOrAfricanAmerican",
    "nativeHawaiianOrOtherPacificIslander",
    "white",
    "demographicRaceTwoOrMoreRaces",
    "hispanicOrLatinoEthnicity",
    "countryOfBirthCode",
    "stateOfBirthAbbreviation",
    "cityOfBirth",
    "publicSchoolResidenceStatus",
];

/// Every file the 1.2 manifest names, in the binding's order.
const MANIFEST_FILES: &[&str] = &[
    "academicSessions",
    "categories",
    "classes",
    "classResources",
    "courses",
    "courseResources",
    "demographics",
    "enrollments",
    "lineItemLearningObjectiveIds",
    "lineItems",
    "lineItemScoreScales",
    "orgs",
    "resources",
    "resultLearningObjectiveIds",
    "results",
    "resultScoreScales",
    "roles",
    "scoreScales",
    "userProfiles",
    "userResources",
    "users",
];

/// What OneRoster has no place for: left out of every export.
pub const LEFT_OUT: &[&str] = &[
    "timetable",
    "bell schedule",
    "holidays",
    "curriculum (hours a week)",
    "thematic plans",
    "teaching logs of online lessons",
    "device census and online follow-ups",
    "teacher training",
    "plan indicators",
    "students' addresses",
    "staff roles journal administrator, medical, HR and training lead",
];

/// What to export.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// The school year's label ("2025/26"); `None`: the current year.
    pub year: Option<String>,
    /// The real date; the school's working date (`as_of`) wins when set.
    pub today: NaiveDate,
}

/// One file written and its data rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileWritten {
    pub name: String,
    pub rows: usize,
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportSummary {
    pub dir: PathBuf,
    pub school: String,
    pub year: String,
    /// The `dateLastModified` every row carries.
    pub date_last_modified: String,
    pub files: Vec<FileWritten>,
    /// What OneRoster has no place for (not written).
    pub left_out: Vec<String>,
}

impl ExportSummary {
    /// The summary as lines for a person.
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![format!(
            "OneRoster 1.2 export of «{}», school year {}, to {} (dateLastModified {})",
            self.school,
            self.year,
            self.dir.display(),
            self.date_last_modified
        )];
        let width = self.files.iter().map(|f| f.name.len()).max().unwrap_or(0);
        for f in &self.files {
            out.push(format!("  {:<width$}  {:>7} rows", f.name, f.rows));
        }
        out.push(format!(
            "not in OneRoster, left out: {}",
            self.left_out.join(", ")
        ));
        out
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("the database has no school yet (classbook init)")]
    NoSchool,
    #[error("no school year «{0}» (the years are: {1})")]
    NoSuchYear(String, String),
    #[error("the database has no school year to export")]
    NoYear,
    #[error(
        "{file}: the id «{id}» would be used twice ({what}); give one of the rows another external id"
    )]
    DuplicateId {
        file: &'static str,
        id: String,
        what: String,
    },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for ExportError {
    fn from(e: rusqlite::Error) -> Self {
        ExportError::Store(e.into())
    }
}

/// One CSV file as written: a header and rows of cells.
#[derive(Debug, Clone)]
pub(crate) struct Csv {
    pub name: &'static str,
    pub header: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

impl Csv {
    pub fn new(name: &'static str, columns: &[&'static str], extra: &[&'static str]) -> Self {
        Csv {
            name,
            header: columns.iter().chain(extra).copied().collect(),
            rows: Vec::new(),
        }
    }

    /// A row given as (column, value) pairs; columns not named are empty.
    pub fn push(&mut self, cells: &[(&str, String)]) {
        let mut row = vec![String::new(); self.header.len()];
        for (col, value) in cells {
            if let Some(i) = self.header.iter().position(|h| h == col) {
                row[i] = value.clone();
            } else {
                debug_assert!(false, "{}: no column {col}", self.name);
            }
        }
        self.rows.push(row);
    }

    fn write(&self, dir: &Path) -> Result<FileWritten, ExportError> {
        let path = dir.join(self.name);
        let io = |source| ExportError::Io {
            path: path.clone(),
            source,
        };
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        let mut put = |cells: &[&str]| {
            w.write_record(cells)
                .map_err(|e| io(std::io::Error::other(e)))
        };
        put(&self.header)?;
        for r in &self.rows {
            put(&r.iter().map(String::as_str).collect::<Vec<_>>())?;
        }
        let bytes = w
            .into_inner()
            .map_err(|e| io(std::io::Error::other(e.to_string())))?;
        crate::store::write_private(&path, &bytes).map_err(io)?;
        Ok(FileWritten {
            name: self.name.to_string(),
            rows: self.rows.len(),
        })
    }
}

pub(crate) fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub(crate) fn opt_date(d: Option<NaiveDate>) -> String {
    d.map(date).unwrap_or_default()
}

fn flag(b: bool) -> String {
    if b { "true" } else { "false" }.to_string()
}

/// An instant as stored (RFC 3339, or a date) as OneRoster writes it:
/// `2025-09-01T08:30:00Z`.
pub(crate) fn instant(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc).naive_utc());
    }
    for f in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return Some(t);
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
}

pub(crate) fn instant_text(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A row's sourcedId: its external id, else its global id, else (a row
/// from before global ids, which the migration gives every row) one made
/// from the table and row number.
fn sid(table: &str, id: Id, ext: Option<String>, uid: Option<String>) -> String {
    ext.filter(|e| !e.trim().is_empty())
        .or(uid.filter(|u| !u.trim().is_empty()))
        .unwrap_or_else(|| format!("{table}-{id}"))
}

// ---------------------------------------------------------------------------
// The roster as read from the database

pub(crate) struct YearRow {
    pub id: Id,
    pub sid: String,
    pub label: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

pub(crate) struct PeriodRow {
    pub id: Id,
    pub sid: String,
    pub kind: PeriodKind,
    pub label: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

pub(crate) struct SubjectRow {
    pub sid: String,
    pub name: String,
    pub short_name: String,
}

pub(crate) struct ClassRow {
    pub sid: String,
    pub grade: u8,
    pub letter: String,
    pub name: String,
    pub class_teacher: Option<Id>,
}

pub(crate) struct WorkloadRow {
    pub sid: String,
    pub class_id: Id,
    pub group_id: Option<Id>,
    pub subject_id: Id,
    pub teacher_id: Id,
}

struct StaffRow {
    sid: String,
    family: String,
    given: String,
    patronymic: Option<String>,
    login: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    active: bool,
    roles: BTreeSet<&'static str>,
}

pub(crate) struct StudentRow {
    pub sid: String,
    pub family: String,
    pub given: String,
    pub patronymic: Option<String>,
    birth: Option<NaiveDate>,
    sex: Option<Sex>,
    email: Option<String>,
    phone: Option<String>,
}

impl StudentRow {
    /// How students are ordered in every file.
    pub fn sort_key(&self) -> (String, String, String, String) {
        (
            self.family.clone(),
            self.given.clone(),
            self.patronymic.clone().unwrap_or_default(),
            self.sid.clone(),
        )
    }
}

struct StayRow {
    sid: String,
    student_id: Id,
    class_id: Id,
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
    order_no: Option<String>,
    order_date: Option<NaiveDate>,
    end_reason: Option<String>,
    end_order_no: Option<String>,
    end_order_date: Option<NaiveDate>,
}

struct GuardianRow {
    sid: String,
    family: String,
    given: String,
    patronymic: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    /// (student id, relation)
    children: Vec<(Id, Relation)>,
}

/// The school year's roster: everything the files name, by database id.
pub(crate) struct Roster {
    pub school_sid: String,
    pub school_name: String,
    pub year: YearRow,
    pub periods: Vec<PeriodRow>,
    pub subjects: BTreeMap<Id, SubjectRow>,
    pub classes: BTreeMap<Id, ClassRow>,
    /// group id → (class id, name)
    pub groups: BTreeMap<Id, (Id, String)>,
    group_members: BTreeMap<Id, Vec<Id>>,
    pub workload: BTreeMap<Id, WorkloadRow>,
    staff: BTreeMap<Id, StaffRow>,
    pub students: BTreeMap<Id, StudentRow>,
    stays: Vec<StayRow>,
    guardians: BTreeMap<Id, GuardianRow>,
    /// staff id → sourcedId (every member of staff, exported or not).
    pub staff_sid: HashMap<Id, String>,
}

fn query<T>(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
    f: impl FnMut(&rusqlite::Row) -> rusqlite::Result<T>,
) -> Result<Vec<T>, ExportError> {
    let mut st = conn.prepare(sql)?;
    let rows = st.query_map(params, f)?;
    Ok(rows.collect::<rusqlite::Result<Vec<T>>>()?)
}

fn role_name(r: &str) -> Option<&'static str> {
    Role::parse(r).map(Role::as_str)
}

impl Roster {
    pub fn load(conn: &Connection, opts: &ExportOptions) -> Result<Roster, ExportError> {
        let school: Option<(String, Option<String>, Option<String>)> = conn
            .query_row(
                "SELECT name, ext_id, uid FROM school WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((school_name, ext, uid)) = school else {
            return Err(ExportError::NoSchool);
        };
        let school_sid = sid("school", 1, ext, uid);

        let years = query(
            conn,
            "SELECT id, label, starts_on, ends_on, ext_id, uid FROM school_year ORDER BY starts_on",
            [],
            |r| {
                Ok(YearRow {
                    id: r.get(0)?,
                    label: r.get(1)?,
                    starts_on: r.get(2)?,
                    ends_on: r.get(3)?,
                    sid: sid("school_year", r.get(0)?, r.get(4)?, r.get(5)?),
                })
            },
        )?;
        let year = match &opts.year {
            Some(label) => {
                let want = crate::domain::text::nfc(label).trim().to_lowercase();
                let labels = years
                    .iter()
                    .map(|y| y.label.clone())
                    .collect::<Vec<_>>()
                    .join(", ");
                years
                    .into_iter()
                    .find(|y| y.label.to_lowercase() == want)
                    .ok_or_else(|| ExportError::NoSuchYear(label.clone(), labels))?
            }
            None => {
                let today = store::school::working_date(conn, opts.today)?;
                let current =
                    store::school::current_year(conn, today)?.ok_or(ExportError::NoYear)?;
                years
                    .into_iter()
                    .find(|y| y.id == current.id)
                    .ok_or(ExportError::NoYear)?
            }
        };

        let periods = query(
            conn,
            "SELECT id, kind, label, starts_on, ends_on, ext_id, uid FROM period WHERE year_id = ?1
             ORDER BY starts_on, ends_on DESC, kind, number",
            [year.id],
            |r| {
                let kind: String = r.get(1)?;
                Ok(PeriodRow {
                    id: r.get(0)?,
                    kind: PeriodKind::parse(&kind).unwrap_or(PeriodKind::Year),
                    label: r.get(2)?,
                    starts_on: r.get(3)?,
                    ends_on: r.get(4)?,
                    sid: sid("period", r.get(0)?, r.get(5)?, r.get(6)?),
                })
            },
        )?;

        let subjects = query(
            conn,
            "SELECT id, name, short_name, ext_id, uid FROM subject",
            [],
            |r| {
                Ok((
                    r.get::<_, Id>(0)?,
                    SubjectRow {
                        name: r.get(1)?,
                        short_name: r.get(2)?,
                        sid: sid("subject", r.get(0)?, r.get(3)?, r.get(4)?),
                    },
                ))
            },
        )?
        .into_iter()
        .collect();

        let classes: BTreeMap<Id, ClassRow> = query(
            conn,
            "SELECT id, grade, letter, name, class_teacher_id, ext_id, uid FROM class WHERE year_id = ?1",
            [year.id],
            |r| {
                Ok((
                    r.get::<_, Id>(0)?,
                    ClassRow {
                        grade: r.get(1)?,
                        letter: r.get(2)?,
                        name: r.get(3)?,
                        class_teacher: r.get(4)?,
                        sid: sid("class", r.get(0)?, r.get(5)?, r.get(6)?),
                    },
                ))
            },
        )?
        .into_iter()
        .collect();

        let groups: BTreeMap<Id, (Id, String)> = query(
            conn,
            "SELECT g.id, g.class_id, g.name FROM class_group g JOIN class c ON c.id = g.class_id
             WHERE c.year_id = ?1",
            [year.id],
            |r| Ok((r.get::<_, Id>(0)?, (r.get(1)?, r.get(2)?))),
        )?
        .into_iter()
        .collect();
        let mut group_members: BTreeMap<Id, Vec<Id>> = BTreeMap::new();
        for (g, s) in query(
            conn,
            "SELECT m.group_id, m.student_id FROM group_member m JOIN class_group g ON g.id = m.group_id
             JOIN class c ON c.id = g.class_id WHERE c.year_id = ?1",
            [year.id],
            |r| Ok((r.get::<_, Id>(0)?, r.get::<_, Id>(1)?)),
        )? {
            group_members.entry(g).or_default().push(s);
        }

        let workload_raw = query(
            conn,
            "SELECT w.id, w.class_id, w.group_id, w.subject_id, w.teacher_id, w.ext_id, w.uid
             FROM workload w JOIN class c ON c.id = w.class_id WHERE c.year_id = ?1",
            [year.id],
            |r| {
                Ok((
                    r.get::<_, Id>(0)?,
                    r.get::<_, Id>(1)?,
                    r.get::<_, Option<Id>>(2)?,
                    r.get::<_, Id>(3)?,
                    r.get::<_, Id>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Option<String>>(6)?,
                ))
            },
        )?;
        // The reader stores a scheduled class taught to homeroom H as
        // "<id>@H": the id is what goes out again, unless two rows would
        // then share it.
        let mut stripped: HashMap<Id, String> = HashMap::new();
        let mut uses: HashMap<String, usize> = HashMap::new();
        for (id, class_id, _, _, _, ext, _) in &workload_raw {
            if let (Some(e), Some(c)) = (ext, classes.get(class_id))
                && let Some(base) = e.strip_suffix(&format!("@{}", c.sid))
                && !base.is_empty()
            {
                stripped.insert(*id, base.to_string());
                *uses.entry(base.to_string()).or_default() += 1;
            }
        }
        let workload = workload_raw
            .into_iter()
            .map(
                |(id, class_id, group_id, subject_id, teacher_id, ext, uid)| {
                    let s = match stripped.get(&id) {
                        Some(base) if uses.get(base) == Some(&1) => base.clone(),
                        _ => sid("workload", id, ext, uid),
                    };
                    (
                        id,
                        WorkloadRow {
                            sid: s,
                            class_id,
                            group_id,
                            subject_id,
                            teacher_id,
                        },
                    )
                },
            )
            .collect();

        let mut staff: BTreeMap<Id, StaffRow> = query(
            conn,
            "SELECT id, family_name, given_name, patronymic, login, email, phone, active, ext_id, uid
             FROM staff",
            [],
            |r| {
                Ok((
                    r.get::<_, Id>(0)?,
                    StaffRow {
                        family: r.get(1)?,
                        given: r.get(2)?,
                        patronymic: r.get(3)?,
                        login: r.get(4)?,
                        email: r.get(5)?,
                        phone: r.get(6)?,
                        active: r.get::<_, i64>(7)? != 0,
                        sid: sid("staff", r.get(0)?, r.get(8)?, r.get(9)?),
                        roles: BTreeSet::new(),
                    },
                ))
            },
        )?
        .into_iter()
        .collect();
        for (s, role) in query(conn, "SELECT staff_id, role FROM staff_role", [], |r| {
            Ok((r.get::<_, Id>(0)?, r.get::<_, String>(1)?))
        })? {
            if let (Some(row), Some(role)) = (staff.get_mut(&s), role_name(&role)) {
                row.roles.insert(role);
            }
        }
        let staff_sid = staff.iter().map(|(id, s)| (*id, s.sid.clone())).collect();

        let stays = query(
            conn,
            "SELECT e.id, e.student_id, e.class_id, e.starts_on, e.ends_on, e.start_order_no,
                    e.start_order_date, e.ext_id, e.uid, e.end_reason, e.end_order_no,
                    e.end_order_date
             FROM enrolment e JOIN class c ON c.id = e.class_id WHERE c.year_id = ?1",
            [year.id],
            |r| {
                Ok(StayRow {
                    student_id: r.get(1)?,
                    class_id: r.get(2)?,
                    starts_on: r.get(3)?,
                    ends_on: r.get(4)?,
                    order_no: r.get(5)?,
                    order_date: r.get(6)?,
                    sid: sid("enrolment", r.get(0)?, r.get(7)?, r.get(8)?),
                    end_reason: r.get(9)?,
                    end_order_no: r.get(10)?,
                    end_order_date: r.get(11)?,
                })
            },
        )?;
        let students: BTreeMap<Id, StudentRow> = query(
            conn,
            "SELECT id, family_name, given_name, patronymic, birth_date, sex, email, phone, ext_id, uid
             FROM student WHERE id IN (SELECT e.student_id FROM enrolment e
                 JOIN class c ON c.id = e.class_id WHERE c.year_id = ?1)",
            [year.id],
            |r| {
                let sex: Option<String> = r.get(5)?;
                Ok((
                    r.get::<_, Id>(0)?,
                    StudentRow {
                        family: r.get(1)?,
                        given: r.get(2)?,
                        patronymic: r.get(3)?,
                        birth: r.get(4)?,
                        sex: sex.as_deref().and_then(Sex::parse),
                        email: r.get(6)?,
                        phone: r.get(7)?,
                        sid: sid("student", r.get(0)?, r.get(8)?, r.get(9)?),
                    },
                ))
            },
        )?
        .into_iter()
        .collect();

        let mut guardians: BTreeMap<Id, GuardianRow> = BTreeMap::new();
        for (gid, student, relation, f, g, p, email, phone, ext, uid) in query(
            conn,
            "SELECT g.id, sg.student_id, sg.relation, g.family_name, g.given_name, g.patronymic,
                    g.email, g.phone, g.ext_id, g.uid
             FROM guardian g JOIN student_guardian sg ON sg.guardian_id = g.id",
            [],
            |r| {
                Ok((
                    r.get::<_, Id>(0)?,
                    r.get::<_, Id>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, Option<String>>(7)?,
                    r.get::<_, Option<String>>(8)?,
                    r.get::<_, Option<String>>(9)?,
                ))
            },
        )? {
            if !students.contains_key(&student) {
                continue;
            }
            let row = guardians.entry(gid).or_insert_with(|| GuardianRow {
                sid: sid("guardian", gid, ext, uid),
                family: f,
                given: g,
                patronymic: p,
                email,
                phone,
                children: Vec::new(),
            });
            row.children.push((
                student,
                Relation::parse(&relation).unwrap_or(Relation::Other),
            ));
        }

        Ok(Roster {
            school_sid,
            school_name,
            year,
            periods,
            subjects,
            classes,
            groups,
            group_members,
            workload,
            staff,
            students,
            stays,
            guardians,
            staff_sid,
        })
    }

    /// "07": a grade as OneRoster writes it.
    pub fn grade(g: u8) -> String {
        format!("{g:02}")
    }

    /// The order classes are listed in: grade, letter, id.
    pub fn class_key(&self, class_id: Id) -> (u8, String, String) {
        match self.classes.get(&class_id) {
            Some(c) => (c.grade, c.letter.clone(), c.sid.clone()),
            None => (0, String::new(), String::new()),
        }
    }

    pub fn group_name(&self, group: Option<Id>) -> String {
        group
            .and_then(|g| self.groups.get(&g))
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    }

    pub fn subject_name(&self, id: Id) -> String {
        self.subjects
            .get(&id)
            .map(|s| s.name.clone())
            .unwrap_or_default()
    }

    pub fn subject_sid(&self, id: Id) -> String {
        self.subjects
            .get(&id)
            .map(|s| s.sid.clone())
            .unwrap_or_default()
    }

    pub fn class_sid(&self, id: Id) -> String {
        self.classes
            .get(&id)
            .map(|c| c.sid.clone())
            .unwrap_or_default()
    }

    /// The scheduled class (workload row) of a class or group and subject.
    pub fn scheduled(
        &self,
        class_id: Id,
        group_id: Option<Id>,
        subject_id: Id,
    ) -> Option<&WorkloadRow> {
        self.workload.values().find(|w| {
            w.class_id == class_id && w.group_id == group_id && w.subject_id == subject_id
        })
    }

    /// The homeroom course: every homeroom class is an instance of it.
    fn homeroom_course(&self) -> String {
        format!("homeroom-{}", self.year.sid)
    }

    /// OneRoster's `schoolYear`: the year the school year ends in.
    fn school_year(&self) -> String {
        self.year.ends_on.format("%Y").to_string()
    }

    /// A stay's end as the reader keeps it: an end on or after the year's
    /// last day is the year running its course.
    fn stay_end(&self, s: &StayRow) -> Option<NaiveDate> {
        s.ends_on.filter(|d| *d < self.year.ends_on)
    }
}

// ---------------------------------------------------------------------------
// The files

/// Write the OneRoster export of a school year into `dir` (created when
/// missing; files of the same names are replaced).
pub fn export(
    conn: &Connection,
    dir: &Path,
    opts: &ExportOptions,
) -> Result<ExportSummary, ExportError> {
    // One read transaction (unless the caller holds one): every file sees
    // the same database.
    let (roster, book) = if conn.is_autocommit() {
        let tx =
            rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Deferred)?;
        let roster = Roster::load(&tx, opts)?;
        let book = gradebook::Gradebook::load(&tx, &roster)?;
        tx.finish()?;
        (roster, book)
    } else {
        let roster = Roster::load(conn, opts)?;
        let book = gradebook::Gradebook::load(conn, &roster)?;
        (roster, book)
    };

    let modified = instant_text(book.last_modified().unwrap_or_else(|| {
        roster
            .year
            .starts_on
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
    }));
    let mut files = roster_files(&roster, &modified)?;
    files.extend(book.files(&roster, &modified));
    let mut manifest = Csv::new("manifest.csv", &["propertyName", "value"], &[]);
    manifest.push(&[
        ("propertyName", "manifest.version".into()),
        ("value", "1.0".into()),
    ]);
    manifest.push(&[
        ("propertyName", "oneroster.version".into()),
        ("value", "1.2".into()),
    ]);
    for f in MANIFEST_FILES {
        let name = format!("{f}.csv");
        let mode = if files.iter().any(|c| c.name == name) {
            "bulk"
        } else {
            "absent"
        };
        manifest.push(&[
            ("propertyName", format!("file.{f}")),
            ("value", mode.into()),
        ]);
    }
    manifest.push(&[
        ("propertyName", "source.systemName".into()),
        ("value", "classbook".into()),
    ]);
    manifest.push(&[
        ("propertyName", "source.systemCode".into()),
        ("value", roster.school_sid.clone()),
    ]);

    fs::create_dir_all(dir).map_err(|source| ExportError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut written = vec![manifest.write(dir)?];
    for f in &files {
        written.push(f.write(dir)?);
    }
    Ok(ExportSummary {
        dir: dir.to_path_buf(),
        school: roster.school_name.clone(),
        year: roster.year.label.clone(),
        date_last_modified: modified,
        files: written,
        left_out: LEFT_OUT.iter().map(|s| s.to_string()).collect(),
    })
}

fn base(sid: &str, modified: &str) -> [(&'static str, String); 3] {
    [
        ("sourcedId", sid.to_string()),
        ("status", "active".to_string()),
        ("dateLastModified", modified.to_string()),
    ]
}

fn row(
    base: [(&'static str, String); 3],
    rest: Vec<(&'static str, String)>,
) -> Vec<(&'static str, String)> {
    base.into_iter().chain(rest).collect()
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

/// The OneRoster roles of a member of staff, most senior first: only those
/// an import gives back (principal = director, siteAdministrator = deputy,
/// teacher = teacher or class teacher); staff with none of them are
/// `counselor` (staff without teaching or administrative rights).
fn staff_roles(roles: &BTreeSet<&'static str>) -> Vec<&'static str> {
    let mut out = vec![];
    if roles.contains(Role::Director.as_str()) {
        out.push("principal");
    }
    if roles.contains(Role::Deputy.as_str()) {
        out.push("siteAdministrator");
    }
    if roles.contains(Role::Teacher.as_str()) || roles.contains(Role::ClassTeacher.as_str()) {
        out.push("teacher");
    }
    if out.is_empty() {
        out.push("counselor");
    }
    out
}

/// A guardian's role and, for a parent, the sex that tells mother from
/// father.
fn guardian_role(children: &[(Id, Relation)]) -> (&'static str, Option<&'static str>) {
    let has = |r: Relation| children.iter().any(|(_, x)| *x == r);
    if has(Relation::Mother) {
        ("parent", Some("female"))
    } else if has(Relation::Father) {
        ("parent", Some("male"))
    } else if has(Relation::Guardian) {
        ("guardian", None)
    } else {
        ("relative", None)
    }
}

fn roster_files(r: &Roster, modified: &str) -> Result<Vec<Csv>, ExportError> {
    let school = r.school_sid.as_str();
    let year = r.year.sid.as_str();

    let mut orgs = Csv::new("orgs.csv", ORGS, &[]);
    orgs.push(&row(
        base(school, modified),
        vec![("name", r.school_name.clone()), ("type", "school".into())],
    ));

    // Sessions: the year, its halves (semesters) and quarters (grading
    // periods, under the half that holds them). The year's own period is
    // the schoolYear session itself.
    let mut sessions = Csv::new("academicSessions.csv", ACADEMIC_SESSIONS, &[]);
    sessions.push(&row(
        base(year, modified),
        vec![
            ("title", r.year.label.clone()),
            ("type", "schoolYear".into()),
            ("startDate", date(r.year.starts_on)),
            ("endDate", date(r.year.ends_on)),
            ("schoolYear", r.school_year()),
        ],
    ));
    for p in &r.periods {
        let (ty, parent) = match p.kind {
            PeriodKind::Year => continue,
            PeriodKind::Half => ("semester", year.to_string()),
            PeriodKind::Quarter => (
                "gradingPeriod",
                r.periods
                    .iter()
                    .find(|h| {
                        h.kind == PeriodKind::Half
                            && h.starts_on <= p.starts_on
                            && p.ends_on <= h.ends_on
                    })
                    .map_or_else(|| year.to_string(), |h| h.sid.clone()),
            ),
        };
        sessions.push(&row(
            base(&p.sid, modified),
            vec![
                ("title", p.label.clone()),
                ("type", ty.into()),
                ("startDate", date(p.starts_on)),
                ("endDate", date(p.ends_on)),
                ("parentSourcedId", parent),
                ("schoolYear", r.school_year()),
            ],
        ));
    }

    // Courses: every subject, and the homeroom course.
    let mut courses = Csv::new("courses.csv", COURSES, &[]);
    let mut subjects: Vec<&SubjectRow> = r.subjects.values().collect();
    subjects.sort_by(|a, b| (&a.name, &a.sid).cmp(&(&b.name, &b.sid)));
    for s in subjects {
        courses.push(&row(
            base(&s.sid, modified),
            vec![
                ("title", s.name.clone()),
                ("courseCode", s.short_name.clone()),
                ("orgSourcedId", school.into()),
                ("subjects", s.name.clone()),
            ],
        ));
    }
    courses.push(&row(
        base(&r.homeroom_course(), modified),
        vec![
            ("schoolYearSourcedId", year.into()),
            ("title", "Homeroom".into()),
            ("orgSourcedId", school.into()),
        ],
    ));

    // Classes: homerooms, then what each is taught (scheduled classes).
    let mut classes = Csv::new("classes.csv", CLASSES, &[META_CLASS, META_GROUP]);
    let mut homerooms: Vec<(&Id, &ClassRow)> = r.classes.iter().collect();
    homerooms.sort_by_key(|(id, _)| r.class_key(**id));
    for (_, c) in &homerooms {
        classes.push(&row(
            base(&c.sid, modified),
            vec![
                ("title", c.name.clone()),
                ("grades", Roster::grade(c.grade)),
                ("courseSourcedId", r.homeroom_course()),
                ("classCode", c.name.clone()),
                ("classType", "homeroom".into()),
                ("schoolSourcedId", school.into()),
                ("termSourcedIds", year.into()),
            ],
        ));
    }
    let mut scheduled: Vec<&WorkloadRow> = r.workload.values().collect();
    scheduled.sort_by_key(|w| {
        (
            r.class_key(w.class_id),
            r.subject_name(w.subject_id),
            r.group_name(w.group_id),
            w.sid.clone(),
        )
    });
    for w in &scheduled {
        let Some(c) = r.classes.get(&w.class_id) else {
            continue;
        };
        let subject = r.subject_name(w.subject_id);
        let group = r.group_name(w.group_id);
        let short = r
            .subjects
            .get(&w.subject_id)
            .map(|s| s.short_name.clone())
            .unwrap_or_default();
        let (title, code) = if group.is_empty() {
            (
                format!("{subject} {}", c.name),
                format!("{} {short}", c.name),
            )
        } else {
            (
                format!("{subject} {} ({group})", c.name),
                format!("{} {short} ({group})", c.name),
            )
        };
        classes.push(&row(
            base(&w.sid, modified),
            vec![
                ("title", title),
                ("grades", Roster::grade(c.grade)),
                ("courseSourcedId", r.subject_sid(w.subject_id)),
                ("classCode", code),
                ("classType", "scheduled".into()),
                ("schoolSourcedId", school.into()),
                ("termSourcedIds", year.into()),
                ("subjects", subject),
                (META_CLASS, c.sid.clone()),
                (META_GROUP, group),
            ],
        ));
    }

    // Users and their roles: staff, students, then parents and guardians.
    let mut users = Csv::new("users.csv", USERS, &[]);
    let mut roles = Csv::new("roles.csv", ROLES, &[]);
    let mut demographics = Csv::new("demographics.csv", DEMOGRAPHICS, &[]);
    let mut seen: HashMap<String, String> = HashMap::new();
    let mut claim = |sid: &str, what: String| -> Result<(), ExportError> {
        match seen.insert(sid.to_string(), what.clone()) {
            Some(first) => Err(ExportError::DuplicateId {
                file: "users.csv",
                id: sid.to_string(),
                what: format!("{first} and {what}"),
            }),
            None => Ok(()),
        }
    };
    let by_name = |f: &str, g: &str, p: &Option<String>, s: &str| {
        (
            f.to_string(),
            g.to_string(),
            p.clone().unwrap_or_default(),
            s.to_string(),
        )
    };
    let push_roles = |roles: &mut Csv, user: &str, list: &[&'static str]| {
        for (i, role) in list.iter().enumerate() {
            roles.push(&row(
                base(&format!("{user}-{role}"), modified),
                vec![
                    ("userSourcedId", user.to_string()),
                    (
                        "roleType",
                        if i == 0 { "primary" } else { "secondary" }.into(),
                    ),
                    ("role", (*role).into()),
                    ("orgSourcedId", school.into()),
                ],
            ));
        }
    };
    // A guardian who is also staff (one OneRoster user with both roles)
    // is one user.
    let guardian_of_staff: HashMap<&str, &GuardianRow> = r
        .guardians
        .values()
        .filter(|g| r.staff.values().any(|s| s.sid == g.sid))
        .map(|g| (g.sid.as_str(), g))
        .collect();
    let children_sids = |g: &GuardianRow| -> String {
        let mut v: Vec<String> = g
            .children
            .iter()
            .filter_map(|(s, _)| r.students.get(s).map(|s| s.sid.clone()))
            .collect();
        v.sort();
        v.dedup();
        v.join(",")
    };

    let mut staff: Vec<&StaffRow> = r.staff.values().collect();
    staff.sort_by_key(|s| by_name(&s.family, &s.given, &s.patronymic, &s.sid));
    for s in staff {
        claim(&s.sid, format!("staff {} {}", s.family, s.given))?;
        let mut list = staff_roles(&s.roles);
        let guardian = guardian_of_staff.get(s.sid.as_str());
        if let Some(g) = guardian {
            list.push(guardian_role(&g.children).0);
        }
        users.push(&row(
            base(&s.sid, modified),
            vec![
                ("enabledUser", flag(s.active)),
                ("username", opt(&s.login)),
                ("givenName", s.given.clone()),
                ("familyName", s.family.clone()),
                ("middleName", opt(&s.patronymic)),
                ("email", opt(&s.email)),
                ("phone", opt(&s.phone)),
                (
                    "agentSourcedIds",
                    guardian.map(|g| children_sids(g)).unwrap_or_default(),
                ),
                ("primaryOrgSourcedId", school.into()),
            ],
        ));
        push_roles(&mut roles, &s.sid, &list);
        if let Some(g) = guardian
            && let (_, Some(sex)) = guardian_role(&g.children)
        {
            demographics.push(&row(base(&s.sid, modified), vec![("sex", sex.into())]));
        }
    }

    // Each student's guardians, and the grade of the class they are in
    // last in the year.
    let mut agents: HashMap<Id, Vec<String>> = HashMap::new();
    for g in r.guardians.values() {
        for (s, _) in &g.children {
            agents.entry(*s).or_default().push(g.sid.clone());
        }
    }
    let mut last_class: HashMap<Id, (NaiveDate, Id)> = HashMap::new();
    for s in &r.stays {
        let e = last_class
            .entry(s.student_id)
            .or_insert((s.starts_on, s.class_id));
        if s.starts_on > e.0 {
            *e = (s.starts_on, s.class_id);
        }
    }
    let mut students: Vec<(&Id, &StudentRow)> = r.students.iter().collect();
    students.sort_by_key(|(_, s)| s.sort_key());
    for (id, s) in &students {
        claim(&s.sid, format!("student {} {}", s.family, s.given))?;
        let mut guardians = agents.get(id).cloned().unwrap_or_default();
        guardians.sort();
        guardians.dedup();
        let grade = last_class
            .get(id)
            .and_then(|(_, c)| r.classes.get(c))
            .map(|c| Roster::grade(c.grade))
            .unwrap_or_default();
        users.push(&row(
            base(&s.sid, modified),
            vec![
                ("enabledUser", "true".into()),
                ("givenName", s.given.clone()),
                ("familyName", s.family.clone()),
                ("middleName", opt(&s.patronymic)),
                ("email", opt(&s.email)),
                ("phone", opt(&s.phone)),
                ("agentSourcedIds", guardians.join(",")),
                ("grades", grade),
                ("primaryOrgSourcedId", school.into()),
            ],
        ));
        push_roles(&mut roles, &s.sid, &["student"]);
        demographics.push(&row(
            base(&s.sid, modified),
            vec![
                ("birthDate", opt_date(s.birth)),
                (
                    "sex",
                    match s.sex {
                        Some(Sex::F) => "female",
                        Some(Sex::M) => "male",
                        None => "",
                    }
                    .into(),
                ),
            ],
        ));
    }

    let mut guardians: Vec<&GuardianRow> = r
        .guardians
        .values()
        .filter(|g| !guardian_of_staff.contains_key(g.sid.as_str()))
        .collect();
    guardians.sort_by_key(|g| by_name(&g.family, &g.given, &g.patronymic, &g.sid));
    for g in guardians {
        claim(&g.sid, format!("parent {} {}", g.family, g.given))?;
        let (role, sex) = guardian_role(&g.children);
        users.push(&row(
            base(&g.sid, modified),
            vec![
                ("enabledUser", "true".into()),
                ("givenName", g.given.clone()),
                ("familyName", g.family.clone()),
                ("middleName", opt(&g.patronymic)),
                ("email", opt(&g.email)),
                ("phone", opt(&g.phone)),
                ("agentSourcedIds", children_sids(g)),
                ("primaryOrgSourcedId", school.into()),
            ],
        ));
        push_roles(&mut roles, &g.sid, &[role]);
        if let Some(sex) = sex {
            demographics.push(&row(base(&g.sid, modified), vec![("sex", sex.into())]));
        }
    }

    // Enrollments: class teachers, the students' stays (in time order: a
    // transfer's first stay before its second), the teachers of scheduled
    // classes and their students.
    let mut enrollments = Csv::new(
        "enrollments.csv",
        ENROLLMENTS,
        &[
            META_ORDER_NO,
            META_ORDER_DATE,
            META_END_ORDER_NO,
            META_END_ORDER_DATE,
            META_END_REASON,
        ],
    );
    for (_, c) in &homerooms {
        if let Some(t) = c.class_teacher.and_then(|t| r.staff_sid.get(&t)) {
            enrollments.push(&row(
                base(&format!("{}-teacher", c.sid), modified),
                vec![
                    ("classSourcedId", c.sid.clone()),
                    ("schoolSourcedId", school.into()),
                    ("userSourcedId", t.clone()),
                    ("role", "teacher".into()),
                    ("primary", "true".into()),
                ],
            ));
        }
    }
    let student_key = |id: Id| {
        r.students
            .get(&id)
            .map(StudentRow::sort_key)
            .unwrap_or_default()
    };
    let mut stays: Vec<&StayRow> = r
        .stays
        .iter()
        .filter(|s| r.students.contains_key(&s.student_id))
        .collect();
    stays.sort_by_key(|s| {
        (
            s.starts_on,
            r.class_key(s.class_id),
            student_key(s.student_id),
            s.sid.clone(),
        )
    });
    let mut stay_ids = HashMap::new();
    for s in &stays {
        if let Some(first) = stay_ids.insert(s.sid.clone(), s.student_id) {
            return Err(ExportError::DuplicateId {
                file: "enrollments.csv",
                id: s.sid.clone(),
                what: format!("stays of students {first} and {}", s.student_id),
            });
        }
        let ended = r.stay_end(s).is_some();
        let (no, on) = match (&s.order_no, s.order_date) {
            (Some(n), Some(d)) => (n.clone(), date(d)),
            _ => (String::new(), String::new()),
        };
        enrollments.push(&row(
            base(&s.sid, modified),
            vec![
                ("classSourcedId", r.class_sid(s.class_id)),
                ("schoolSourcedId", school.into()),
                ("userSourcedId", r.students[&s.student_id].sid.clone()),
                ("role", "student".into()),
                ("primary", "false".into()),
                ("beginDate", date(s.starts_on)),
                ("endDate", opt_date(r.stay_end(s))),
                (META_ORDER_NO, no),
                (META_ORDER_DATE, on),
                (
                    META_END_ORDER_NO,
                    ended
                        .then(|| s.end_order_no.clone())
                        .flatten()
                        .unwrap_or_default(),
                ),
                (
                    META_END_ORDER_DATE,
                    ended
                        .then(|| s.end_order_date.map(date))
                        .flatten()
                        .unwrap_or_default(),
                ),
                (
                    META_END_REASON,
                    ended
                        .then(|| s.end_reason.clone())
                        .flatten()
                        .unwrap_or_default(),
                ),
            ],
        ));
    }
    for w in &scheduled {
        if !r.classes.contains_key(&w.class_id) {
            continue;
        }
        if let Some(t) = r.staff_sid.get(&w.teacher_id) {
            enrollments.push(&row(
                base(&format!("{}-teacher", w.sid), modified),
                vec![
                    ("classSourcedId", w.sid.clone()),
                    ("schoolSourcedId", school.into()),
                    ("userSourcedId", t.clone()),
                    ("role", "teacher".into()),
                    ("primary", "true".into()),
                ],
            ));
        }
        // The students: the group's members, or everyone who was in the
        // class; one row for each of their stays in it.
        let members: Vec<Id> = match w.group_id {
            Some(g) => r.group_members.get(&g).cloned().unwrap_or_default(),
            None => r
                .stays
                .iter()
                .filter(|s| s.class_id == w.class_id)
                .map(|s| s.student_id)
                .collect(),
        };
        let mut members: Vec<Id> = members
            .into_iter()
            .filter(|s| r.students.contains_key(s))
            .collect();
        members.sort_by_key(|s| student_key(*s));
        members.dedup();
        for m in members {
            let student = &r.students[&m];
            let mut own: Vec<&StayRow> = r
                .stays
                .iter()
                .filter(|s| s.student_id == m && s.class_id == w.class_id)
                .collect();
            own.sort_by_key(|s| (s.starts_on, s.sid.clone()));
            let dated: Vec<(String, String, String)> = if own.is_empty() {
                vec![(
                    format!("{}-{}", w.sid, student.sid),
                    String::new(),
                    String::new(),
                )]
            } else {
                own.iter()
                    .map(|s| {
                        (
                            format!("{}-{}", w.sid, s.sid),
                            date(s.starts_on),
                            opt_date(r.stay_end(s)),
                        )
                    })
                    .collect()
            };
            for (id, begin, end) in dated {
                enrollments.push(&row(
                    base(&id, modified),
                    vec![
                        ("classSourcedId", w.sid.clone()),
                        ("schoolSourcedId", school.into()),
                        ("userSourcedId", student.sid.clone()),
                        ("role", "student".into()),
                        ("primary", "false".into()),
                        ("beginDate", begin),
                        ("endDate", end),
                    ],
                ));
            }
        }
    }

    Ok(vec![
        orgs,
        sessions,
        courses,
        classes,
        users,
        roles,
        enrollments,
        demographics,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_roles_are_those_an_import_gives_back() {
        let set = |r: &[Role]| r.iter().map(|r| r.as_str()).collect::<BTreeSet<_>>();
        assert_eq!(staff_roles(&set(&[Role::Director])), vec!["principal"]);
        assert_eq!(
            staff_roles(&set(&[Role::Teacher, Role::Deputy, Role::TrainingLead])),
            vec!["siteAdministrator", "teacher"]
        );
        assert_eq!(staff_roles(&set(&[Role::ClassTeacher])), vec!["teacher"]);
        assert_eq!(staff_roles(&set(&[Role::Medical])), vec!["counselor"]);
        assert_eq!(staff_roles(&set(&[])), vec!["counselor"]);
    }

    #[test]
    fn guardians_are_parents_when_mother_or_father() {
        assert_eq!(
            guardian_role(&[(1, Relation::Father), (2, Relation::Mother)]),
            ("parent", Some("female"))
        );
        assert_eq!(
            guardian_role(&[(1, Relation::Guardian)]),
            ("guardian", None)
        );
        assert_eq!(
            guardian_role(&[(1, Relation::Grandmother)]),
            ("relative", None)
        );
    }

    #[test]
    fn instants_as_oneroster_writes_them() {
        let t = |s| instant(s).map(instant_text);
        assert_eq!(
            t("2025-09-01T08:30:00Z").as_deref(),
            Some("2025-09-01T08:30:00Z")
        );
        assert_eq!(
            t("2025-09-01T11:30:00+03:00").as_deref(),
            Some("2025-09-01T08:30:00Z")
        );
        assert_eq!(t("2025-09-01").as_deref(), Some("2025-09-01T00:00:00Z"));
        assert_eq!(t("yesterday"), None);
    }
}
