//! Reading back the gradebook of a classbook OneRoster export
//! ([`crate::service::export`]): `categories.csv`, `lineItems.csv`,
//! `results.csv` and the vendor file `classbook.attendance.csv` become the
//! lessons, marks, period grades and attendance of a database whose roster
//! was imported from the same export (classes, groups, subjects, staff,
//! students and periods are matched by their external ids, groups by name
//! within their class, forms of control by name).
//!
//! [`read`] only parses: every bad line is an [`Issue`] naming the file, the
//! line and the column. [`apply`] resolves the rows against the database
//! and writes them in one transaction through the audit log, all or
//! nothing: one error anywhere and nothing is written. A lesson already in
//! the database at the same class, group, date and lesson number is the
//! same lesson (updated); so are a mark in the same cell and number, a
//! period grade of the same student, subject and period, and an attendance
//! entry of the same lesson and student. Nothing is deleted.
//!
//! Only classbook's own exports can be read back: the journal needs what
//! OneRoster has no column for (the lesson number, the mark's symbol),
//! which classbook writes in `metadata.classbook.*` columns. The export is
//! read from its folder (a `.zip` must be unpacked first).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::Path;

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::apply::{Counts, ImportError, ImportReport, Written, in_one_transaction};
use super::model::{Issue, Origin, Severity, parse_date};
use crate::domain::marks::MarkSymbol;
use crate::domain::text::nfc;
use crate::domain::{HomeworkKind, Id, LessonMode};
use crate::service::export::gradebook::{ATTENDANCE_FILE, PERIOD_CATEGORY, meta};
use crate::service::export::oneroster::instant;
use crate::store::{self, Conn, Db};

/// A form of control as the export names it (a category).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryIn {
    pub at: Origin,
    pub sid: String,
    pub title: String,
    /// The form's weight (1–3), when the file gives one.
    pub weight: Option<u8>,
}

/// A lesson, from the line items of its marks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LessonIn {
    pub at: Origin,
    pub sid: String,
    /// The homeroom class's sourcedId.
    pub class: String,
    /// The group's name; empty: the whole class.
    pub group: String,
    /// The subject's (course's) sourcedId.
    pub subject: String,
    pub date: NaiveDate,
    pub lesson_no: u8,
    /// The teacher of the workload and the substitute (user sourcedIds).
    pub teacher: String,
    pub taught_by: Option<String>,
    /// The lesson's control event (a category sourcedId).
    pub form: Option<String>,
    pub topic: Option<String>,
    pub homework_kind: Option<HomeworkKind>,
    pub homework: Option<String>,
    pub homework_minutes: Option<u16>,
    pub mode: LessonMode,
    pub recorded_at: Option<String>,
    pub attendance_taken_at: Option<String>,
    /// An online lesson's recorded length and live flag (`lesson_online`).
    pub online_minutes: Option<u32>,
    pub online_live: Option<bool>,
}

/// One mark: a lesson's result of one number for one student.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MarkIn {
    pub at: Origin,
    /// The lesson's sid.
    pub lesson: String,
    pub student: String,
    pub seq: u8,
    pub symbol: MarkSymbol,
    /// The mark (2–5) or, for `*`, the intended mark.
    pub value: Option<u8>,
    pub due_on: Option<NaiveDate>,
    pub comment: Option<String>,
    /// The form of control (a category sourcedId).
    pub form: String,
    pub weight: Option<u8>,
    pub entered_by: Option<String>,
    pub entered_at: String,
}

/// A student's final grade for a subject in a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodGradeIn {
    pub at: Origin,
    pub class: String,
    pub subject: String,
    /// The period's (or, for the year's grade, the school year's) sourcedId.
    pub period: String,
    pub student: String,
    /// "2"–"5" or "na".
    pub grade: String,
    pub mean: Option<f64>,
    pub mark_count: i64,
    pub suggested: Option<String>,
    pub set_by: Option<String>,
    pub set_at: Option<String>,
}

/// What differs from presence at one lesson for one student.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttendanceIn {
    pub at: Origin,
    /// The lesson's sid.
    pub lesson: String,
    pub student: String,
    /// (code, label): the label tells apart codes that share a letter.
    pub code: (String, Option<String>),
    pub comment_code: Option<(String, Option<String>)>,
    pub comment: Option<String>,
    pub set_by: String,
    pub set_at: String,
}

/// Everything read from an export's gradebook files.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ResultsBundle {
    pub source: String,
    pub categories: Vec<CategoryIn>,
    pub lessons: Vec<LessonIn>,
    pub marks: Vec<MarkIn>,
    pub period_grades: Vec<PeriodGradeIn>,
    pub attendance: Vec<AttendanceIn>,
    pub issues: Vec<Issue>,
}

impl ResultsBundle {
    pub fn has_errors(&self) -> bool {
        self.issues.iter().any(|i| i.severity == Severity::Error)
    }
}

// ---------------------------------------------------------------------------
// Reading the files

struct Row {
    line: usize,
    cells: Vec<String>,
}

/// One CSV file read into rows whose cells are found by column name
/// (without case; the byte order mark dropped; cells trimmed and NFC).
struct Table {
    file: String,
    index: HashMap<String, usize>,
    rows: Vec<Row>,
}

impl Table {
    fn get<'r>(&self, row: &'r Row, col: &str) -> &'r str {
        self.index
            .get(&col.to_lowercase())
            .and_then(|&i| row.cells.get(i))
            .map_or("", String::as_str)
    }

    fn opt(&self, row: &Row, col: &str) -> Option<String> {
        Some(self.get(row, col).to_string()).filter(|s| !s.is_empty())
    }

    fn at(&self, row: &Row) -> Origin {
        Origin::new(self.file.clone(), row.line)
    }

    fn error(&self, row: &Row, col: &str, msg: impl Into<String>) -> Issue {
        Issue::error(self.at(row), col, msg)
    }
}

/// The file of that name in `dir`, found without case.
fn find_file(dir: &Path, name: &str) -> Option<std::path::PathBuf> {
    let exact = dir.join(name);
    if exact.is_file() {
        return Some(exact);
    }
    fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.is_file()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
        })
}

fn read_table(dir: &Path, name: &str, required: &[&str], issues: &mut Vec<Issue>) -> Option<Table> {
    let path = find_file(dir, name)?;
    let file = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(name)
        .to_string();
    let whole = |msg: String| Issue::error(Origin::new(file.clone(), 0), "", msg);
    let bytes = match fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            issues.push(whole(format!("cannot be read: {e}")));
            return None;
        }
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    // Line numbers from byte offsets: the csv crate counts the end of a
    // CRLF line with the next record, so its own numbers drift by one.
    let newlines: Vec<usize> = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i)
        .collect();
    let line_at = |pos: Option<&csv::Position>| -> usize {
        let Some(pos) = pos else { return 0 };
        let mut at = usize::try_from(pos.byte()).unwrap_or(bytes.len());
        while at < bytes.len() && (bytes[at] == b'\n' || bytes[at] == b'\r') {
            at += 1;
        }
        1 + newlines.partition_point(|&p| p < at)
    };
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(bytes);
    let mut records = rdr.byte_records();
    let header: Vec<String> = match records.next() {
        None => {
            issues.push(whole("the file is empty (it needs a header line)".into()));
            return None;
        }
        Some(Err(e)) => {
            issues.push(whole(format!("the header cannot be read: {e}")));
            return None;
        }
        Some(Ok(h)) => h
            .iter()
            .map(|c| String::from_utf8_lossy(c).trim().to_string())
            .collect(),
    };
    let mut index = HashMap::new();
    for (i, h) in header.iter().enumerate() {
        if !h.is_empty() {
            index.entry(h.to_lowercase()).or_insert(i);
        }
    }
    let mut ok = true;
    for col in required {
        if !index.contains_key(&col.to_lowercase()) {
            issues.push(Issue::error(
                Origin::new(file.clone(), 1),
                *col,
                "required column is missing",
            ));
            ok = false;
        }
    }
    let mut rows = Vec::new();
    for rec in records {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = line_at(e.position());
                issues.push(Issue::error(
                    Origin::new(file.clone(), line),
                    "",
                    format!("cannot be read: {e}"),
                ));
                continue;
            }
        };
        let line = line_at(rec.position());
        if rec.iter().all(|c| c.iter().all(u8::is_ascii_whitespace)) {
            continue;
        }
        let mut cells = Vec::with_capacity(rec.len());
        let mut bad = false;
        for (i, c) in rec.iter().enumerate() {
            match std::str::from_utf8(c) {
                Ok(s) => cells.push(nfc(s.trim())),
                Err(_) => {
                    let col = header.get(i).cloned().unwrap_or_default();
                    issues.push(Issue::error(
                        Origin::new(file.clone(), line),
                        col,
                        "not UTF-8 text",
                    ));
                    bad = true;
                    cells.push(String::new());
                }
            }
        }
        if !bad {
            rows.push(Row { line, cells });
        }
    }
    ok.then_some(Table { file, index, rows })
}

/// A value of a column that must have one.
fn required<'r>(t: &Table, row: &'r Row, col: &str, issues: &mut Vec<Issue>) -> Option<&'r str> {
    let v = t.get(row, col);
    if v.is_empty() {
        issues.push(t.error(row, col, "no value (it is required)"));
        None
    } else {
        Some(v)
    }
}

fn date_in(
    t: &Table,
    row: &Row,
    col: &str,
    issues: &mut Vec<Issue>,
) -> Result<Option<NaiveDate>, ()> {
    let v = t.get(row, col);
    if v.is_empty() {
        return Ok(None);
    }
    match parse_date(v) {
        Some(d) => Ok(Some(d)),
        None => {
            issues.push(t.error(row, col, format!("«{v}» is not a date (YYYY-MM-DD)")));
            Err(())
        }
    }
}

/// An instant (`2025-09-01T08:30:00Z`), kept as written.
fn instant_in(
    t: &Table,
    row: &Row,
    col: &str,
    issues: &mut Vec<Issue>,
) -> Result<Option<String>, ()> {
    let v = t.get(row, col);
    if v.is_empty() {
        return Ok(None);
    }
    if instant(v).is_some() {
        Ok(Some(v.to_string()))
    } else {
        issues.push(t.error(
            row,
            col,
            format!("«{v}» is not a date and time (2025-09-01T08:30:00Z)"),
        ));
        Err(())
    }
}

fn number_in<T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy>(
    t: &Table,
    row: &Row,
    col: &str,
    range: (T, T),
    issues: &mut Vec<Issue>,
) -> Result<Option<T>, ()> {
    let v = t.get(row, col);
    if v.is_empty() {
        return Ok(None);
    }
    match v.parse::<T>() {
        Ok(n) if range.0 <= n && n <= range.1 => Ok(Some(n)),
        _ => {
            issues.push(t.error(
                row,
                col,
                format!("«{v}» is not a number from {} to {}", range.0, range.1),
            ));
            Err(())
        }
    }
}

/// What a line item is.
#[derive(Clone)]
enum Item {
    /// A lesson's marks of one number.
    Lesson {
        lesson: String,
        seq: u8,
        category: String,
    },
    /// Period grades of a class, subject and period.
    Period {
        class: String,
        subject: String,
        period: String,
    },
}

/// A lesson's fields as one line item states them, to compare the line
/// items of one lesson.
fn same_lesson(a: &LessonIn, b: &LessonIn) -> Vec<&'static str> {
    let mut out = vec![];
    let mut check = |ok: bool, col: &'static str| {
        if !ok {
            out.push(col);
        }
    };
    check(a.class == b.class, meta::CLASS);
    check(a.group == b.group, meta::GROUP);
    check(a.subject == b.subject, meta::SUBJECT);
    check(a.date == b.date, "assignDate");
    check(a.lesson_no == b.lesson_no, meta::LESSON_NO);
    check(a.teacher == b.teacher, meta::TEACHER);
    check(a.taught_by == b.taught_by, meta::TAUGHT_BY);
    check(a.form == b.form, meta::LESSON_FORM);
    check(a.topic == b.topic, "description");
    check(a.homework_kind == b.homework_kind, meta::HOMEWORK_KIND);
    check(a.homework == b.homework, meta::HOMEWORK);
    check(
        a.homework_minutes == b.homework_minutes,
        meta::HOMEWORK_MINUTES,
    );
    check(a.mode == b.mode, meta::MODE);
    check(a.online_minutes == b.online_minutes, meta::ONLINE_MINUTES);
    check(a.online_live == b.online_live, meta::ONLINE_LIVE);
    check(a.recorded_at == b.recorded_at, meta::RECORDED_AT);
    check(
        a.attendance_taken_at == b.attendance_taken_at,
        meta::ATTENDANCE_TAKEN_AT,
    );
    out
}

fn read_lesson(t: &Table, row: &Row, issues: &mut Vec<Issue>) -> Option<(LessonIn, u8)> {
    let n = issues.len();
    let sid = required(t, row, meta::LESSON, issues);
    let seq = number_in::<u8>(t, row, meta::SEQ, (1, 9), issues);
    let class = required(t, row, meta::CLASS, issues);
    let subject = required(t, row, meta::SUBJECT, issues);
    let date = date_in(t, row, "assignDate", issues);
    if let Ok(None) = date {
        issues.push(t.error(
            row,
            "assignDate",
            "no value (the lesson's date is required)",
        ));
    }
    let lesson_no = number_in::<u8>(t, row, meta::LESSON_NO, (0, 12), issues);
    if let Ok(None) = lesson_no {
        issues.push(t.error(row, meta::LESSON_NO, "no value (it is required)"));
    }
    if let Ok(None) = seq {
        issues.push(t.error(row, meta::SEQ, "no value (it is required)"));
    }
    let teacher = required(t, row, meta::TEACHER, issues);
    let taught_by = t.opt(row, meta::TAUGHT_BY);
    if taught_by.is_some() && taught_by.as_deref() == teacher {
        issues.push(t.error(
            row,
            meta::TAUGHT_BY,
            "the substitute is the lesson's own teacher (leave it empty)",
        ));
    }
    let kind_text = t.get(row, meta::HOMEWORK_KIND);
    let homework = t.opt(row, meta::HOMEWORK);
    let homework_kind = if kind_text.is_empty() {
        if homework.is_some() {
            issues.push(t.error(
                row,
                meta::HOMEWORK_KIND,
                "homework without its kind (text, not_assigned, not_provided, individual or creative)",
            ));
        }
        None
    } else {
        match HomeworkKind::parse(kind_text) {
            Some(HomeworkKind::Text) if homework.is_none() => {
                issues.push(t.error(row, meta::HOMEWORK, "homework of kind text needs its text"));
                None
            }
            Some(k) => Some(k),
            None => {
                issues.push(t.error(
                    row,
                    meta::HOMEWORK_KIND,
                    format!("«{kind_text}» is not text, not_assigned, not_provided, individual or creative"),
                ));
                None
            }
        }
    };
    let minutes = number_in::<u16>(t, row, meta::HOMEWORK_MINUTES, (0, 600), issues);
    let mode_text = t.get(row, meta::MODE);
    let mode = match mode_text {
        "" | "in_class" => Some(LessonMode::InClass),
        "online" => Some(LessonMode::Online),
        other => {
            issues.push(t.error(
                row,
                meta::MODE,
                format!("«{other}» is not in_class or online"),
            ));
            None
        }
    };
    let online_minutes = number_in::<u32>(t, row, meta::ONLINE_MINUTES, (1, 240), issues);
    let online_live = match t.get(row, meta::ONLINE_LIVE) {
        "" => Some(None),
        "1" | "true" => Some(Some(true)),
        "0" | "false" => Some(Some(false)),
        other => {
            issues.push(t.error(
                row,
                meta::ONLINE_LIVE,
                format!("«{other}» is not 1 (live) or 0 (recorded)"),
            ));
            None
        }
    };
    let recorded = instant_in(t, row, meta::RECORDED_AT, issues);
    let taken = instant_in(t, row, meta::ATTENDANCE_TAKEN_AT, issues);
    if issues.len() > n {
        return None;
    }
    Some((
        LessonIn {
            at: t.at(row),
            sid: sid?.to_string(),
            class: class?.to_string(),
            group: t.get(row, meta::GROUP).to_string(),
            subject: subject?.to_string(),
            date: date.ok()??,
            lesson_no: lesson_no.ok()??,
            teacher: teacher?.to_string(),
            taught_by,
            form: t.opt(row, meta::LESSON_FORM),
            topic: t.opt(row, "description"),
            homework_kind,
            homework,
            homework_minutes: minutes.ok()?,
            mode: mode?,
            recorded_at: recorded.ok()?,
            attendance_taken_at: taken.ok()?,
            online_minutes: online_minutes.ok()?,
            online_live: online_live?,
        },
        seq.ok()??,
    ))
}

/// Read the gradebook files of the export in `dir`. Never fails: every
/// problem is an issue of the bundle.
pub fn read(dir: &Path) -> ResultsBundle {
    let mut b = ResultsBundle {
        source: format!("OneRoster results ({})", dir.display()),
        ..ResultsBundle::default()
    };
    let issues = &mut b.issues;
    if !dir.is_dir() {
        issues.push(Issue::error(
            Origin::new(dir.display().to_string(), 0),
            "",
            "no such folder (give the folder the export was written to)",
        ));
        return b;
    }

    // categories.csv: the forms of control by sourcedId.
    let mut categories: HashMap<String, usize> = HashMap::new();
    let cat_t = read_table(dir, "categories.csv", &["sourcedId", "title"], issues);
    if let Some(t) = &cat_t {
        for row in &t.rows {
            let (Some(sid), Some(title)) = (
                required(t, row, "sourcedId", issues),
                required(t, row, "title", issues),
            ) else {
                continue;
            };
            if let Some(&first) = categories.get(sid) {
                issues.push(t.error(
                    row,
                    "sourcedId",
                    format!(
                        "«{sid}» is already used on line {}",
                        b.categories[first].at.line
                    ),
                ));
                continue;
            }
            let w = t.get(row, "weight");
            let weight = match w.parse::<f64>() {
                _ if w.is_empty() => None,
                Ok(x) if x.fract() == 0.0 && (1.0..=3.0).contains(&x) => Some(x as u8),
                Ok(_) if sid == PERIOD_CATEGORY => None,
                _ => {
                    issues.push(t.error(
                        row,
                        "weight",
                        format!("«{w}» is not a weight of a form of control (1, 2 or 3)"),
                    ));
                    continue;
                }
            };
            categories.insert(sid.to_string(), b.categories.len());
            b.categories.push(CategoryIn {
                at: t.at(row),
                sid: sid.to_string(),
                title: title.to_string(),
                weight,
            });
        }
    }
    if cat_t.is_none() && find_file(dir, "categories.csv").is_none() {
        issues.push(Issue::error(
            Origin::new(dir.display().to_string(), 0),
            "",
            "no categories.csv: the marks' forms of control are unknown",
        ));
    }
    let cat_ok = cat_t.is_some();
    let known_category =
        |t: &Table, row: &Row, col: &str, sid: &str, issues: &mut Vec<Issue>| -> bool {
            if cat_ok && !categories.contains_key(sid) {
                issues.push(t.error(row, col, format!("no category «{sid}» in categories.csv")));
                false
            } else {
                true
            }
        };

    // lineItems.csv: the lessons and the period grades' items.
    let mut items: HashMap<String, (Item, usize)> = HashMap::new();
    // Line items and lessons whose lines have errors: what refers to them
    // is skipped without more errors.
    let mut broken: HashSet<String> = HashSet::new();
    let mut broken_lessons: HashSet<String> = HashSet::new();
    let mut lessons: HashMap<String, usize> = HashMap::new();
    let mut seqs: HashMap<(String, u8), usize> = HashMap::new();
    let Some(t) = read_table(
        dir,
        "lineItems.csv",
        &[
            "sourcedId",
            "assignDate",
            "categorySourcedId",
            "gradingPeriodSourcedId",
            meta::KIND,
        ],
        issues,
    ) else {
        if find_file(dir, "lineItems.csv").is_none() {
            issues.push(Issue::error(
                Origin::new(dir.display().to_string(), 0),
                "",
                "no lineItems.csv: the export has no gradebook",
            ));
        }
        return b;
    };
    for row in &t.rows {
        let Some(sid) = required(&t, row, "sourcedId", issues) else {
            continue;
        };
        if let Some((_, first)) = items.get(sid) {
            issues.push(t.error(
                row,
                "sourcedId",
                format!("«{sid}» is already used on line {first}"),
            ));
            continue;
        }
        match t.get(row, meta::KIND) {
            "lesson" => {
                let category = t.get(row, "categorySourcedId").to_string();
                let n = issues.len();
                if category.is_empty() {
                    issues.push(t.error(row, "categorySourcedId", "no value (it is required)"));
                } else {
                    known_category(&t, row, "categorySourcedId", &category, issues);
                }
                if let Some(f) = t.opt(row, meta::LESSON_FORM) {
                    known_category(&t, row, meta::LESSON_FORM, &f, issues);
                }
                let lesson = read_lesson(&t, row, issues);
                let Some((lesson, seq)) = lesson.filter(|_| issues.len() == n) else {
                    broken.insert(sid.to_string());
                    if let Some(l) = t.opt(row, meta::LESSON) {
                        broken_lessons.insert(l);
                    }
                    continue;
                };
                if let Some(first) = seqs.insert((lesson.sid.clone(), seq), row.line) {
                    issues.push(t.error(
                        row,
                        meta::SEQ,
                        format!("mark number {seq} of this lesson is already on line {first}"),
                    ));
                    continue;
                }
                items.insert(
                    sid.to_string(),
                    (
                        Item::Lesson {
                            lesson: lesson.sid.clone(),
                            seq,
                            category,
                        },
                        row.line,
                    ),
                );
                match lessons.get(&lesson.sid) {
                    Some(&i) => {
                        let first = &b.lessons[i];
                        for col in same_lesson(first, &lesson) {
                            issues.push(t.error(
                                row,
                                col,
                                format!(
                                    "differs from line {} of the same lesson «{}»",
                                    first.at.line, lesson.sid
                                ),
                            ));
                        }
                    }
                    None => {
                        lessons.insert(lesson.sid.clone(), b.lessons.len());
                        b.lessons.push(lesson);
                    }
                }
            }
            "period" => {
                let class = required(&t, row, meta::CLASS, issues);
                let subject = required(&t, row, meta::SUBJECT, issues);
                let period = required(&t, row, "gradingPeriodSourcedId", issues);
                if class.is_none() || subject.is_none() || period.is_none() {
                    broken.insert(sid.to_string());
                }
                if let (Some(class), Some(subject), Some(period)) = (class, subject, period) {
                    items.insert(
                        sid.to_string(),
                        (
                            Item::Period {
                                class: class.to_string(),
                                subject: subject.to_string(),
                                period: period.to_string(),
                            },
                            row.line,
                        ),
                    );
                }
            }
            "" => issues.push(t.error(
                row,
                meta::KIND,
                "no value: only line items written by classbook (lesson or period) can be read back",
            )),
            other => issues.push(t.error(row, meta::KIND, format!("«{other}» is not lesson or period"))),
        }
    }

    // results.csv: marks and period grades. Each line's own cells are
    // checked whatever its line item; a line item that has errors of its
    // own makes its results skipped without more errors.
    if let Some(t) = read_table(
        dir,
        "results.csv",
        &[
            "sourcedId",
            "lineItemSourcedId",
            "studentSourcedId",
            "scoreStatus",
        ],
        issues,
    ) {
        let mut ids: HashMap<String, usize> = HashMap::new();
        let mut cells: HashMap<(String, String), usize> = HashMap::new();
        for row in &t.rows {
            let n = issues.len();
            let sid = required(&t, row, "sourcedId", issues);
            let item_sid = required(&t, row, "lineItemSourcedId", issues);
            let student = required(&t, row, "studentSourcedId", issues);
            if let Some(sid) = sid
                && let Some(first) = ids.insert(sid.to_string(), row.line)
            {
                issues.push(t.error(
                    row,
                    "sourcedId",
                    format!("«{sid}» is already used on line {first}"),
                ));
            }
            let item = match item_sid {
                Some(s) => match items.get(s) {
                    Some((item, _)) => Some(item.clone()),
                    None if broken.contains(s) => None,
                    None => {
                        issues.push(t.error(
                            row,
                            "lineItemSourcedId",
                            format!("no line item «{s}» in lineItems.csv"),
                        ));
                        None
                    }
                },
                None => None,
            };
            if let (Some(i), Some(s)) = (item_sid, student)
                && let Some(first) = cells.insert((i.to_string(), s.to_string()), row.line)
            {
                issues.push(t.error(
                    row,
                    "studentSourcedId",
                    format!("this student's result of this line item is already on line {first}"),
                ));
            }
            let status = t.get(row, "scoreStatus");
            let score = t.get(row, "score");
            let symbol_text = match t.get(row, meta::SYMBOL) {
                "" if status == "fully graded" && ["2", "3", "4", "5"].contains(&score) => score,
                "" => {
                    issues.push(t.error(
                        row,
                        meta::SYMBOL,
                        format!("no value, and scoreStatus «{status}» with score «{score}» is no journal mark"),
                    ));
                    ""
                }
                s => s,
            };
            let symbol = match MarkSymbol::parse(symbol_text) {
                _ if symbol_text.is_empty() || symbol_text == "na" => None,
                Ok(s) => Some(s),
                Err(_) => {
                    issues.push(t.error(
                        row,
                        meta::SYMBOL,
                        format!("«{symbol_text}» is not a mark (2, 3, 4, 5, Н, *, ° or, for a period grade, na)"),
                    ));
                    None
                }
            };
            let score_value = match score {
                "" => None,
                s => match s.parse::<f64>() {
                    Ok(x) if x.fract() == 0.0 && (2.0..=5.0).contains(&x) => Some(x as u8),
                    _ => {
                        issues.push(t.error(
                            row,
                            "score",
                            format!("«{s}» is not a mark from 2 to 5"),
                        ));
                        None
                    }
                },
            };
            let value = number_in::<u8>(&t, row, meta::VALUE, (2, 5), issues);
            let due = date_in(&t, row, meta::DUE_DATE, issues);
            let comment = t.opt(row, meta::COMMENT);
            let weight = number_in::<u8>(&t, row, meta::WEIGHT, (1, 3), issues);
            let mean = number_in::<f64>(&t, row, meta::MEAN, (2.0, 5.0), issues);
            let count = number_in::<i64>(&t, row, meta::MARK_COUNT, (0, 100_000), issues);
            let suggested = t.opt(row, meta::SUGGESTED);
            if let Some(s) = &suggested
                && !["2", "3", "4", "5", "na"].contains(&s.as_str())
            {
                issues.push(t.error(
                    row,
                    meta::SUGGESTED,
                    format!("«{s}» is not a period grade (2, 3, 4, 5 or na)"),
                ));
            }
            let entered_by = t.opt(row, meta::ENTERED_BY);
            let entered_at = instant_in(&t, row, meta::ENTERED_AT, issues);
            let score_date = date_in(&t, row, "scoreDate", issues);
            let form = t.opt(row, meta::FORM);
            if let Some(f) = &form {
                known_category(&t, row, meta::FORM, f, issues);
            }
            let Some(item) = item else { continue };
            match item {
                Item::Lesson {
                    lesson,
                    seq,
                    category,
                } => {
                    if symbol_text == "na" {
                        issues.push(t.error(
                            row,
                            meta::SYMBOL,
                            "na (not attested) is a period grade, not a mark of a lesson",
                        ));
                    }
                    let (Some(symbol), Ok(value), Ok(due)) = (symbol, value, due) else {
                        continue;
                    };
                    let value = match symbol {
                        MarkSymbol::Grade(v) => {
                            if score_value.is_some_and(|s| s != v) {
                                issues.push(t.error(
                                    row,
                                    "score",
                                    format!("the score differs from the mark {v}"),
                                ));
                            }
                            if due.is_some() {
                                issues.push(t.error(
                                    row,
                                    meta::DUE_DATE,
                                    "only a pending mark (*) has a deadline",
                                ));
                            }
                            Some(v)
                        }
                        MarkSymbol::Pending => {
                            let v = value.or(score_value);
                            if v.is_none() {
                                issues.push(t.error(
                                    row,
                                    meta::VALUE,
                                    "a pending mark (*) needs the intended mark (2–5)",
                                ));
                            }
                            if due.is_none() {
                                issues.push(t.error(
                                    row,
                                    meta::DUE_DATE,
                                    "a pending mark (*) needs its deadline",
                                ));
                            }
                            v
                        }
                        MarkSymbol::Deferred => {
                            if comment.is_none() {
                                issues.push(t.error(
                                    row,
                                    meta::COMMENT,
                                    "a deferred mark (°) needs a comment",
                                ));
                            }
                            None
                        }
                        MarkSymbol::Absent => None,
                    };
                    let due = if symbol == MarkSymbol::Pending {
                        due
                    } else {
                        None
                    };
                    let entered_at = match (entered_at, score_date) {
                        (Ok(Some(x)), _) => Some(x),
                        (Ok(None), Ok(Some(d))) => {
                            Some(format!("{}T00:00:00Z", d.format("%Y-%m-%d")))
                        }
                        (Ok(None), Ok(None)) => {
                            issues.push(t.error(
                                row,
                                meta::ENTERED_AT,
                                "no value, and no scoreDate: when was the mark given?",
                            ));
                            None
                        }
                        _ => None,
                    };
                    if issues.len() > n {
                        continue;
                    }
                    let (Some(student), Some(entered_at)) = (student, entered_at) else {
                        continue;
                    };
                    b.marks.push(MarkIn {
                        at: t.at(row),
                        lesson,
                        student: student.to_string(),
                        seq,
                        symbol,
                        value,
                        due_on: due,
                        comment,
                        form: form.unwrap_or(category),
                        weight: weight.ok().flatten(),
                        entered_by,
                        entered_at,
                    });
                }
                Item::Period {
                    class,
                    subject,
                    period,
                } => {
                    if !["2", "3", "4", "5", "na", ""].contains(&symbol_text) {
                        issues.push(t.error(
                            row,
                            meta::SYMBOL,
                            format!("«{symbol_text}» is not a period grade (2, 3, 4, 5 or na)"),
                        ));
                    }
                    if issues.len() > n {
                        continue;
                    }
                    let (Some(student), Ok(mean), Ok(count), Ok(set_at)) =
                        (student, mean, count, entered_at)
                    else {
                        continue;
                    };
                    b.period_grades.push(PeriodGradeIn {
                        at: t.at(row),
                        class,
                        subject,
                        period,
                        student: student.to_string(),
                        grade: symbol_text.to_string(),
                        mean,
                        mark_count: count.unwrap_or(0),
                        suggested,
                        set_by: entered_by,
                        set_at,
                    });
                }
            }
        }
    }

    // classbook.attendance.csv: what differs from presence.
    if let Some(t) = read_table(
        dir,
        ATTENDANCE_FILE,
        &[
            "lessonSourcedId",
            "studentSourcedId",
            "code",
            "setBy",
            "setAt",
        ],
        issues,
    ) {
        let mut seen: HashMap<(String, String), usize> = HashMap::new();
        for row in &t.rows {
            let n = issues.len();
            let lesson = required(&t, row, "lessonSourcedId", issues);
            let student = required(&t, row, "studentSourcedId", issues);
            let code = required(&t, row, "code", issues);
            let set_by = required(&t, row, "setBy", issues);
            let set_at = required(&t, row, "setAt", issues)
                .and_then(|_| instant_in(&t, row, "setAt", issues).ok().flatten());
            if let Some(l) = lesson
                && !lessons.contains_key(l)
                && !broken_lessons.contains(l)
            {
                issues.push(t.error(
                    row,
                    "lessonSourcedId",
                    format!("no lesson «{l}» in lineItems.csv"),
                ));
            }
            if let (Some(l), Some(s)) = (lesson, student)
                && let Some(first) = seen.insert((l.to_string(), s.to_string()), row.line)
            {
                issues.push(t.error(
                    row,
                    "studentSourcedId",
                    format!("this student's attendance at this lesson is already on line {first}"),
                ));
            }
            if issues.len() > n {
                continue;
            }
            let (Some(lesson), Some(student), Some(code), Some(set_by), Some(set_at)) =
                (lesson, student, code, set_by, set_at)
            else {
                continue;
            };
            b.attendance.push(AttendanceIn {
                at: t.at(row),
                lesson: lesson.to_string(),
                student: student.to_string(),
                code: (code.to_string(), t.opt(row, "codeLabel")),
                comment_code: t
                    .opt(row, "commentCode")
                    .map(|c| (c, t.opt(row, "commentCodeLabel"))),
                comment: t.opt(row, "comment"),
                set_by: set_by.to_string(),
                set_at,
            });
        }
    }
    b
}

// ---------------------------------------------------------------------------
// Writing into the database

/// Read the gradebook of the export in `dir` and write it (see [`apply`]).
pub fn import(
    db: &mut Db,
    operator: &str,
    dir: &Path,
    dry_run: bool,
) -> Result<ImportReport, ImportError> {
    let bundle = read(dir);
    apply(db, operator, &bundle, dry_run)
}

/// Write the bundle's lessons, marks, period grades and attendance into
/// the database as `operator`: all or nothing, every row audited.
pub fn apply(
    db: &mut Db,
    operator: &str,
    b: &ResultsBundle,
    dry_run: bool,
) -> Result<ImportReport, ImportError> {
    // As the roster's import: the rows that could be read are tried too,
    // so that every problem is reported at once.
    in_one_transaction(db, operator, &b.source, &b.issues, dry_run, |tx| {
        let mut w = Writer::new(tx, operator)?;
        w.run(b)?;
        Ok(Written {
            counts: w.counts,
            issues: w.issues,
            audit: w.audit,
            departures: vec![],
        })
    })
}

type Json = Map<String, Value>;

fn obj(v: Value) -> Json {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

#[derive(Clone, Copy)]
enum Ref {
    Subject,
    Staff,
    Student,
}

struct ClassInfo {
    id: Id,
    year_id: Id,
    year: (NaiveDate, NaiveDate, bool),
}

struct Writer<'a> {
    tx: &'a Conn,
    operator: String,
    counts: BTreeMap<&'static str, Counts>,
    issues: Vec<Issue>,
    audit: Vec<i64>,
    classes: HashMap<String, ClassInfo>,
    groups: HashMap<(Id, String), Id>,
    subjects: HashMap<String, Id>,
    staff: HashMap<String, Id>,
    students: HashMap<String, Id>,
    /// period ext id → (period id, year id); a school year's ext id → its
    /// whole-year period.
    periods: HashMap<String, (Id, Id)>,
    forms: HashMap<String, (Id, u8)>,
    /// category sourcedId → form
    categories: HashMap<String, (Id, u8)>,
    /// (code, label) → id
    codes: Vec<(Id, String, String)>,
    next_lesson: Id,
    next_mark: Id,
    next_form: Id,
    /// The journal's `Н` of the results: (where, lesson, student, who,
    /// when). Attendance is the one record of an absence, so they are not
    /// mark rows: [`Writer::absences`] matches them with attendance.
    absent_marks: Vec<(Origin, Id, Id, Option<String>, String)>,
    /// The marks (2–5, *) written per cell, as shown ("5", "*4").
    marked: HashMap<(Id, Id), Vec<String>>,
    /// The attendance entries written: (lesson, student) → where.
    attendance_at: HashMap<(Id, Id), Origin>,
}

impl<'a> Writer<'a> {
    fn new(tx: &'a Conn, operator: &str) -> Result<Self, ImportError> {
        let map = |sql: &str| -> Result<HashMap<String, Id>, ImportError> {
            let mut st = tx.prepare(sql)?;
            let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Id>(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        };
        let mut classes = HashMap::new();
        {
            let mut st = tx.prepare(
                "SELECT c.ext_id, c.id, c.year_id, y.starts_on, y.ends_on, y.status
                 FROM class c JOIN school_year y ON y.id = c.year_id WHERE c.ext_id IS NOT NULL",
            )?;
            let rows = st.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    ClassInfo {
                        id: r.get(1)?,
                        year_id: r.get(2)?,
                        year: (r.get(3)?, r.get(4)?, r.get::<_, String>(5)? == "closed"),
                    },
                ))
            })?;
            for row in rows {
                let (k, v) = row?;
                classes.insert(k, v);
            }
        }
        let mut groups = HashMap::new();
        {
            let mut st = tx.prepare("SELECT class_id, name, id FROM class_group")?;
            let rows = st.query_map([], |r| {
                Ok((
                    (r.get::<_, Id>(0)?, r.get::<_, String>(1)?),
                    r.get::<_, Id>(2)?,
                ))
            })?;
            for row in rows {
                let ((c, n), id) = row?;
                groups.insert((c, n.to_lowercase()), id);
            }
        }
        let mut periods: HashMap<String, (Id, Id)> = HashMap::new();
        {
            let mut st =
                tx.prepare("SELECT ext_id, id, year_id FROM period WHERE ext_id IS NOT NULL")?;
            let rows = st.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    (r.get::<_, Id>(1)?, r.get::<_, Id>(2)?),
                ))
            })?;
            for row in rows {
                let (k, v) = row?;
                periods.insert(k, v);
            }
            let mut st = tx.prepare(
                "SELECT y.ext_id, p.id, y.id FROM school_year y JOIN period p ON p.year_id = y.id
                 WHERE y.ext_id IS NOT NULL AND p.kind = 'year' ORDER BY p.number DESC",
            )?;
            let rows = st.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    (r.get::<_, Id>(1)?, r.get::<_, Id>(2)?),
                ))
            })?;
            for row in rows {
                let (k, v) = row?;
                periods.entry(k).or_insert(v);
            }
        }
        let mut forms = HashMap::new();
        {
            let mut st = tx.prepare("SELECT name, id, weight FROM control_form")?;
            let rows = st.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    (r.get::<_, Id>(1)?, r.get::<_, u8>(2)?),
                ))
            })?;
            for row in rows {
                let (k, v) = row?;
                forms.insert(nfc(&k).to_lowercase(), v);
            }
        }
        let codes = {
            let mut st = tx.prepare("SELECT id, code, label FROM attendance_code")?;
            let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            rows.collect::<rusqlite::Result<Vec<_>>>()?
        };
        let next = |t: &str| -> Result<Id, ImportError> {
            Ok(tx.query_row(
                &format!("SELECT ifnull(max(id), 0) + 1 FROM {t}"),
                [],
                |r| r.get(0),
            )?)
        };
        Ok(Writer {
            tx,
            operator: operator.to_string(),
            counts: BTreeMap::new(),
            issues: vec![],
            audit: vec![],
            classes,
            groups,
            subjects: map("SELECT ext_id, id FROM subject WHERE ext_id IS NOT NULL")?,
            staff: map("SELECT ext_id, id FROM staff WHERE ext_id IS NOT NULL")?,
            students: map("SELECT ext_id, id FROM student WHERE ext_id IS NOT NULL")?,
            periods,
            forms,
            categories: HashMap::new(),
            codes,
            next_lesson: next("lesson")?,
            next_mark: next("mark")?,
            next_form: next("control_form")?,
            absent_marks: vec![],
            marked: HashMap::new(),
            attendance_at: HashMap::new(),
        })
    }

    fn error(&mut self, at: &Origin, col: &str, msg: impl Into<String>) {
        self.issues.push(Issue::error(at.clone(), col, msg));
    }

    /// Write a row through the audit log and count it.
    fn put(
        &mut self,
        kind: &'static str,
        table: &str,
        key: &Json,
        row: Option<&Json>,
    ) -> Result<(), ImportError> {
        let info = store::rows::table_info(self.tx, table)?;
        let existed = store::rows::snapshot(self.tx, &info, key)?.is_some();
        let id = store::audit::write_row(
            self.tx,
            &self.operator,
            &format!("import.{table}"),
            table,
            key,
            row,
        )?;
        let c = self.counts.entry(kind).or_default();
        match (existed, id) {
            (false, _) => c.added += 1,
            (true, Some(_)) => c.changed += 1,
            (true, None) => c.unchanged += 1,
        }
        self.audit.extend(id);
        Ok(())
    }

    fn lookup(&mut self, at: &Origin, col: &str, kind: Ref, k: &str) -> Option<Id> {
        let (found, what) = match kind {
            Ref::Subject => (self.subjects.get(k), "subject"),
            Ref::Staff => (self.staff.get(k), "member of staff"),
            Ref::Student => (self.students.get(k), "student"),
        };
        let found = found.copied();
        if found.is_none() {
            self.error(
                at,
                col,
                format!("no {what} «{k}» in the database (import the roster of this export first)"),
            );
        }
        found
    }

    fn class(
        &mut self,
        at: &Origin,
        col: &str,
        k: &str,
    ) -> Option<(Id, Id, (NaiveDate, NaiveDate, bool))> {
        match self.classes.get(k) {
            Some(c) => Some((c.id, c.year_id, c.year)),
            None => {
                self.error(
                    at,
                    col,
                    format!(
                        "no class «{k}» in the database (import the roster of this export first)"
                    ),
                );
                None
            }
        }
    }

    /// The forms of control of the categories: by name; a form the
    /// catalogue lacks is added (with a warning) when marks use it.
    fn categories(&mut self, b: &ResultsBundle) -> Result<(), ImportError> {
        let mut used: HashSet<&str> = b.marks.iter().map(|m| m.form.as_str()).collect();
        used.extend(b.lessons.iter().filter_map(|l| l.form.as_deref()));
        for c in &b.categories {
            if let Some(f) = self.forms.get(&c.title.to_lowercase()) {
                self.categories.insert(c.sid.clone(), *f);
                continue;
            }
            if !used.contains(c.sid.as_str()) {
                continue;
            }
            let weight = c.weight.unwrap_or(1);
            let id = self.next_form;
            self.next_form += 1;
            let sort: i64 = self.tx.query_row(
                "SELECT ifnull(max(sort), 0) + 1 FROM control_form",
                [],
                |r| r.get(0),
            )?;
            let row = obj(json!({
                "id": id, "name": c.title, "weight": weight, "deadline_kind": "current",
                "sort": sort, "active": 1,
            }));
            self.put(
                "forms of control",
                "control_form",
                &obj(json!({ "id": id })),
                Some(&row),
            )?;
            self.issues.push(Issue::warning(
                c.at.clone(),
                "title",
                format!(
                    "the form of control «{}» was not in the catalogue: added with weight {weight} and the everyday entry deadline",
                    c.title
                ),
            ));
            self.forms.insert(c.title.to_lowercase(), (id, weight));
            self.categories.insert(c.sid.clone(), (id, weight));
        }
        Ok(())
    }

    fn run(&mut self, b: &ResultsBundle) -> Result<(), ImportError> {
        self.categories(b)?;
        let lesson_ids = self.lessons(b)?;
        self.marks(b, &lesson_ids)?;
        self.period_grades(b)?;
        self.attendance(b, &lesson_ids)?;
        self.absences(b)?;
        Ok(())
    }

    fn lessons(&mut self, b: &ResultsBundle) -> Result<HashMap<String, Id>, ImportError> {
        let mut out = HashMap::new();
        let mut slots: HashMap<(Id, Option<Id>, NaiveDate, u8), &Origin> = HashMap::new();
        for l in &b.lessons {
            let n = self.issues.len();
            let class = self.class(&l.at, meta::CLASS, &l.class);
            let subject = self.lookup(&l.at, meta::SUBJECT, Ref::Subject, &l.subject);
            let teacher = self.lookup(&l.at, meta::TEACHER, Ref::Staff, &l.teacher);
            let taught_by = match &l.taught_by {
                Some(t) => self.lookup(&l.at, meta::TAUGHT_BY, Ref::Staff, t),
                None => None,
            };
            let form = match &l.form {
                Some(f) => {
                    let found = self.categories.get(f).map(|f| f.0);
                    if found.is_none() {
                        self.error(
                            &l.at,
                            meta::LESSON_FORM,
                            format!("no form of control for category «{f}»"),
                        );
                    }
                    found
                }
                None => None,
            };
            let Some((class_id, _, (ys, ye, closed))) = class else {
                continue;
            };
            let group = if l.group.is_empty() {
                None
            } else {
                let g = self
                    .groups
                    .get(&(class_id, l.group.to_lowercase()))
                    .copied();
                if g.is_none() {
                    self.error(
                        &l.at,
                        meta::GROUP,
                        format!("class «{}» has no group «{}»", l.class, l.group),
                    );
                }
                g
            };
            if closed {
                self.error(
                    &l.at,
                    meta::CLASS,
                    "the class's school year is closed and read-only",
                );
            }
            if l.date < ys || l.date > ye {
                self.error(
                    &l.at,
                    "assignDate",
                    format!(
                        "{} is outside the class's school year",
                        l.date.format("%d.%m.%Y")
                    ),
                );
            }
            if teacher.is_some() && teacher == taught_by {
                self.error(
                    &l.at,
                    meta::TAUGHT_BY,
                    "the substitute is the lesson's own teacher",
                );
            }
            if self.issues.len() > n {
                continue;
            }
            let (Some(subject), Some(teacher)) = (subject, teacher) else {
                continue;
            };
            if let Some(first) = slots.insert((class_id, group, l.date, l.lesson_no), &l.at) {
                self.error(
                    &l.at,
                    meta::LESSON_NO,
                    format!("the same class, group, date and lesson number as {first}"),
                );
                continue;
            }
            let existing: Option<(Id, Option<Id>, Option<Id>)> = self
                .tx
                .query_row(
                    "SELECT id, timetable_id, plan_topic_id FROM lesson
                     WHERE class_id = ?1 AND ifnull(group_id, 0) = ?2 AND date = ?3 AND lesson_no = ?4",
                    params![class_id, group.unwrap_or(0), l.date, l.lesson_no],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let (id, timetable, plan) = match existing {
                Some(e) => e,
                None => {
                    self.next_lesson += 1;
                    (self.next_lesson - 1, None, None)
                }
            };
            let row = obj(json!({
                "id": id,
                "class_id": class_id,
                "group_id": group,
                "subject_id": subject,
                "teacher_id": teacher,
                "taught_by_id": taught_by,
                "date": l.date,
                "lesson_no": l.lesson_no,
                "timetable_id": timetable,
                "plan_topic_id": plan,
                "control_form_id": form,
                "topic": l.topic,
                "homework": l.homework,
                "homework_kind": l.homework_kind.map(|k| k.as_str()),
                "homework_minutes": l.homework_minutes,
                "mode": l.mode.as_str(),
                "recorded_at": l.recorded_at,
                "attendance_taken_at": l.attendance_taken_at,
            }));
            self.put("lessons", "lesson", &obj(json!({ "id": id })), Some(&row))?;
            // The online length travels with the lesson (none: its bell).
            let length = l.online_minutes.map(|m| {
                obj(json!({
                    "lesson_id": id,
                    "minutes": m,
                    "live": i64::from(l.online_live.unwrap_or(true)),
                }))
            });
            let key = obj(json!({ "lesson_id": id }));
            let had = self.tx.query_row(
                "SELECT count(*) FROM lesson_online WHERE lesson_id = ?1",
                [id],
                |r| r.get::<_, i64>(0),
            )? > 0;
            if length.is_some() || had {
                // Part of the lesson: audited, not counted on its own.
                let entry = store::audit::write_row(
                    self.tx,
                    &self.operator,
                    "import.lesson_online",
                    "lesson_online",
                    &key,
                    length.as_ref(),
                )?;
                self.audit.extend(entry);
            }
            out.insert(l.sid.clone(), id);
        }
        Ok(out)
    }

    fn marks(
        &mut self,
        b: &ResultsBundle,
        lessons: &HashMap<String, Id>,
    ) -> Result<(), ImportError> {
        for m in &b.marks {
            let student = self.lookup(&m.at, "studentSourcedId", Ref::Student, &m.student);
            let form = self.categories.get(&m.form).copied();
            if form.is_none() {
                self.error(
                    &m.at,
                    meta::FORM,
                    format!("no form of control for category «{}»", m.form),
                );
            }
            // A lesson that could not be resolved has its own error.
            let (Some(&lesson), Some(student), Some((form, form_weight))) =
                (lessons.get(&m.lesson), student, form)
            else {
                continue;
            };
            if m.symbol == MarkSymbol::Absent {
                self.absent_marks.push((
                    m.at.clone(),
                    lesson,
                    student,
                    m.entered_by.clone(),
                    m.entered_at.clone(),
                ));
                continue;
            }
            self.marked
                .entry((lesson, student))
                .or_default()
                .push(match (m.symbol, m.value) {
                    (MarkSymbol::Pending, Some(v)) => format!("*{v}"),
                    (s, _) => s.as_str().to_string(),
                });
            let existing: Option<Id> = self
                .tx
                .query_row(
                    "SELECT id FROM mark WHERE lesson_id = ?1 AND student_id = ?2 AND seq = ?3",
                    params![lesson, student, m.seq],
                    |r| r.get(0),
                )
                .optional()?;
            let id = existing.unwrap_or_else(|| {
                self.next_mark += 1;
                self.next_mark - 1
            });
            let row = obj(json!({
                "id": id,
                "lesson_id": lesson,
                "student_id": student,
                "seq": m.seq,
                "symbol": m.symbol.as_str(),
                "value": m.value,
                "control_form_id": form,
                "weight": m.weight.unwrap_or(form_weight),
                "due_on": m.due_on,
                "comment": m.comment,
                "entered_at": m.entered_at,
                "entered_by": m.entered_by.clone().unwrap_or_else(|| self.operator.clone()),
            }));
            self.put("marks", "mark", &obj(json!({ "id": id })), Some(&row))?;
        }
        Ok(())
    }

    fn period_grades(&mut self, b: &ResultsBundle) -> Result<(), ImportError> {
        for g in &b.period_grades {
            let n = self.issues.len();
            let class = self.class(&g.at, "lineItemSourcedId", &g.class);
            let subject = self.lookup(&g.at, "lineItemSourcedId", Ref::Subject, &g.subject);
            let student = self.lookup(&g.at, "studentSourcedId", Ref::Student, &g.student);
            let period = self.periods.get(&g.period).copied();
            if period.is_none() {
                self.error(
                    &g.at,
                    "lineItemSourcedId",
                    format!(
                        "no period or school year «{}» in the database (import the roster of this export first)",
                        g.period
                    ),
                );
            }
            if let (Some((_, class_year, (_, _, closed))), Some((_, period_year))) = (class, period)
            {
                if class_year != period_year {
                    self.error(
                        &g.at,
                        "lineItemSourcedId",
                        "the period is not of the class's school year",
                    );
                }
                if closed {
                    self.error(
                        &g.at,
                        "lineItemSourcedId",
                        "the class's school year is closed and read-only",
                    );
                }
            }
            if self.issues.len() > n {
                continue;
            }
            let (Some((class_id, _, _)), Some(subject), Some(student), Some((period_id, _))) =
                (class, subject, student, period)
            else {
                continue;
            };
            let key = obj(
                json!({ "student_id": student, "subject_id": subject, "period_id": period_id }),
            );
            let row = obj(json!({
                "student_id": student,
                "subject_id": subject,
                "period_id": period_id,
                "class_id": class_id,
                "mean": g.mean,
                "mark_count": g.mark_count,
                "suggested": g.suggested,
                "final": g.grade,
                "set_by": g.set_by,
                "set_at": g.set_at,
            }));
            self.put("period grades", "period_grade", &key, Some(&row))?;
        }
        Ok(())
    }

    /// An attendance code by its letter and label (the label may be left
    /// out when the letter alone names one code).
    fn code(
        &mut self,
        at: &Origin,
        col: &str,
        (code, label): &(String, Option<String>),
    ) -> Option<Id> {
        let matches: Vec<Id> = self
            .codes
            .iter()
            .filter(|(_, c, l)| c == code && label.as_ref().is_none_or(|x| x == l))
            .map(|(id, _, _)| *id)
            .collect();
        match matches.as_slice() {
            [id] => Some(*id),
            [] => {
                let what = match label {
                    Some(l) => format!("«{code}» («{l}»)"),
                    None => format!("«{code}»"),
                };
                self.error(
                    at,
                    col,
                    format!("no attendance code {what} in the code table"),
                );
                None
            }
            _ => {
                self.error(
                    at,
                    col,
                    format!(
                        "several attendance codes are «{code}»: give its label in the next column"
                    ),
                );
                None
            }
        }
    }

    fn attendance(
        &mut self,
        b: &ResultsBundle,
        lessons: &HashMap<String, Id>,
    ) -> Result<(), ImportError> {
        for a in &b.attendance {
            let student = self.lookup(&a.at, "studentSourcedId", Ref::Student, &a.student);
            let code = self.code(&a.at, "code", &a.code);
            let comment_code = match &a.comment_code {
                Some(c) => match self.code(&a.at, "commentCode", c) {
                    Some(id) => Some(id),
                    None => continue,
                },
                None => None,
            };
            let (Some(&lesson), Some(student), Some(code)) =
                (lessons.get(&a.lesson), student, code)
            else {
                continue;
            };
            let key = obj(json!({ "lesson_id": lesson, "student_id": student }));
            let row = obj(json!({
                "lesson_id": lesson,
                "student_id": student,
                "code_id": code,
                "comment_code_id": comment_code,
                "comment": a.comment,
                "set_by": a.set_by,
                "set_at": a.set_at,
            }));
            self.put("attendance", "attendance", &key, Some(&row))?;
            self.attendance_at.insert((lesson, student), a.at.clone());
        }
        Ok(())
    }

    /// The journal's `Н` and attendance, one record: a `Н` where attendance
    /// has nothing (and was not taken) becomes the attendance entry ("absent,
    /// reason not given"); a `Н` beside an absence agrees. Where they
    /// disagree (a `Н` where attendance says present, or an absence where
    /// the journal has a mark and no `Н`), attendance is kept and the
    /// disagreement is noted for the review (rule `absence.disagrees`) and
    /// reported as a warning naming the student, class, subject, date,
    /// lesson and both values.
    fn absences(&mut self, b: &ResultsBundle) -> Result<(), ImportError> {
        let codes = store::attendance::codes(self.tx, true)?;
        let unspecified = store::attendance::unspecified_absence_code(self.tx)?;
        let said =
            |c: &crate::domain::attendance::AttendanceCode| format!("{} ({})", c.code, c.label);
        let absent_marks = std::mem::take(&mut self.absent_marks);
        let mut with_n: HashSet<(Id, Id)> = HashSet::new();
        for (at, lesson, student, by, when) in absent_marks {
            if !with_n.insert((lesson, student)) {
                continue;
            }
            let entry = store::attendance::entry(self.tx, lesson, student)?;
            let attendance = match &entry {
                Some((_, c)) if c.category.is_absent() => continue,
                Some((_, c)) => said(c),
                None => {
                    let taken: bool = self.tx.query_row(
                        "SELECT attendance_taken_at IS NOT NULL FROM lesson WHERE id = ?1",
                        [lesson],
                        |r| r.get(0),
                    )?;
                    if taken {
                        "present".to_string()
                    } else {
                        let Some(code) = &unspecified else {
                            self.error(
                                &at,
                                meta::SYMBOL,
                                "Н needs an attendance code «absent, reason not given» in the code table",
                            );
                            continue;
                        };
                        let key = obj(json!({ "lesson_id": lesson, "student_id": student }));
                        let row = obj(json!({
                            "lesson_id": lesson,
                            "student_id": student,
                            "code_id": code.id,
                            "comment_code_id": null,
                            "comment": null,
                            "set_by": by.unwrap_or_else(|| self.operator.clone()),
                            "set_at": when,
                        }));
                        self.put("attendance", "attendance", &key, Some(&row))?;
                        continue;
                    }
                }
            };
            self.disagree(&b.source, &at, (lesson, student), "Н", &attendance)?;
        }
        // The reverse: attendance brought an absence where the journal has
        // a mark and no Н.
        let mut cells: Vec<((Id, Id), Origin)> = self
            .attendance_at
            .iter()
            .filter(|(k, _)| !with_n.contains(k) && self.marked.contains_key(k))
            .map(|(k, at)| (*k, at.clone()))
            .collect();
        cells.sort_by_key(|(_, at)| at.line);
        for ((lesson, student), at) in cells {
            let Some((_, code)) = store::attendance::entry(self.tx, lesson, student)? else {
                continue;
            };
            if !code.category.is_absent() {
                continue;
            }
            let journal = self.marked[&(lesson, student)].join("/");
            let attendance = codes
                .iter()
                .find(|c| c.id == code.id)
                .map_or_else(|| code.code.clone(), said);
            self.disagree(&b.source, &at, (lesson, student), &journal, &attendance)?;
        }
        Ok(())
    }

    /// Note a disagreement between the journal and attendance (kept) for
    /// the review, and warn.
    fn disagree(
        &mut self,
        source: &str,
        at: &Origin,
        (lesson, student): (Id, Id),
        journal: &str,
        attendance: &str,
    ) -> Result<(), ImportError> {
        let (class, subject, date, lesson_no): (String, String, NaiveDate, u8) = self.tx.query_row(
            "SELECT c.name, s.name, l.date, l.lesson_no FROM lesson l
             JOIN class c ON c.id = l.class_id JOIN subject s ON s.id = l.subject_id WHERE l.id = ?1",
            [lesson],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
        let name = store::people::student(self.tx, student)
            .map(|s| s.full_name())
            .unwrap_or_else(|_| format!("student {student}"));
        let journal_says = if journal == "Н" {
            "Н (absent)".to_string()
        } else {
            format!("present, marked {journal}")
        };
        self.issues.push(Issue::warning(
            at.clone(),
            "",
            format!(
                "{name}, {class} {subject}, {} lesson {lesson_no}: the journal says {journal_says}, attendance says {attendance}; attendance kept, the review lists it (absence.disagrees)",
                date.format("%d.%m.%Y")
            ),
        ));
        let key = obj(json!({ "lesson_id": lesson, "student_id": student }));
        let row = obj(json!({
            "lesson_id": lesson,
            "student_id": student,
            "journal": journal,
            "attendance": attendance,
            "source": format!("import {source}"),
            "noted_at": store::now(),
        }));
        self.put("disagreements", "absence_conflict", &key, Some(&row))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        for (name, text) in files {
            fs::write(dir.path().join(name), text).expect("write");
        }
        dir
    }

    fn shown(b: &ResultsBundle) -> Vec<String> {
        b.issues.iter().map(Issue::to_string).collect()
    }

    const CATEGORIES: &str = "sourcedId,status,dateLastModified,title,weight\r\n\
        cf-1,active,2025-10-01T00:00:00Z,Устный ответ,1\r\n\
        cf-2,active,2025-10-01T00:00:00Z,Контрольная работа,2\r\n";

    const ITEMS_HEAD: &str = "sourcedId,assignDate,categorySourcedId,gradingPeriodSourcedId,description,\
        metadata.classbook.kind,metadata.classbook.lesson,metadata.classbook.seq,metadata.classbook.class,\
        metadata.classbook.group,metadata.classbook.subject,metadata.classbook.lessonNo,metadata.classbook.teacher,\
        metadata.classbook.homeworkKind,metadata.classbook.homework";

    #[test]
    fn a_lesson_with_two_marks_in_one_cell() {
        let items = format!(
            "\u{feff}{ITEMS_HEAD}\r\n\
             li-a-1,2025-09-10,cf-2,q1,«Линейные уравнения»,lesson,les-a,1,c7a,,alg,2,t1,text,№ 12\r\n\
             li-a-2,2025-09-10,cf-1,q1,«Линейные уравнения»,lesson,les-a,2,c7a,,alg,2,t1,text,№ 12\r\n\
             pg-1,2025-09-01,classbook-period-grade,q1,,period,,,c7a,,alg,,,,\r\n"
        );
        let results = "sourcedId,lineItemSourcedId,studentSourcedId,scoreStatus,score,scoreDate,\
                       metadata.classbook.symbol,metadata.classbook.value,metadata.classbook.dueDate,\
                       metadata.classbook.comment,metadata.classbook.controlForm\r\n\
                       r1,li-a-1,s1,fully graded,5,2025-09-10,5,,,,\r\n\
                       r2,li-a-2,s1,fully graded,4,2025-09-10,4,,,устно,cf-1\r\n\
                       r3,li-a-1,s2,partially graded,4,2025-09-10,*,4,2025-09-20,,\r\n\
                       r4,pg-1,s1,not submitted,,2025-10-21,na,,,,\r\n";
        let dir = folder(&[
            ("categories.csv", CATEGORIES),
            ("lineItems.csv", &items),
            ("results.csv", results),
        ]);
        let b = read(dir.path());
        assert!(!b.has_errors(), "{:#?}", shown(&b));
        assert_eq!(b.lessons.len(), 1, "two line items, one lesson");
        let l = &b.lessons[0];
        assert_eq!(
            (l.lesson_no, l.topic.as_deref()),
            (2, Some("«Линейные уравнения»"))
        );
        assert_eq!(l.homework_kind, Some(HomeworkKind::Text));
        assert_eq!(b.marks.len(), 3);
        let m2 = &b.marks[1];
        assert_eq!(
            (m2.seq, m2.symbol, m2.form.as_str()),
            (2, MarkSymbol::Grade(4), "cf-1")
        );
        assert_eq!(m2.comment.as_deref(), Some("устно"));
        assert_eq!(
            b.marks[0].form, "cf-2",
            "without its own form, the line item's"
        );
        assert_eq!(
            b.marks[0].entered_at, "2025-09-10T00:00:00Z",
            "from scoreDate"
        );
        let pending = &b.marks[2];
        assert_eq!(
            (pending.symbol, pending.value),
            (MarkSymbol::Pending, Some(4))
        );
        assert_eq!(pending.due_on, NaiveDate::from_ymd_opt(2025, 9, 20));
        assert_eq!(b.period_grades.len(), 1);
        assert_eq!(b.period_grades[0].grade, "na");
    }

    #[test]
    fn every_bad_line_is_named_with_its_line_and_column() {
        let items = format!(
            "{ITEMS_HEAD}\r\n\
             li-a-1,2025-09-10,cf-2,q1,Тема,lesson,les-a,1,c7a,,alg,2,t1,,\r\n\
             li-a-2,2025-09-10,cf-2,q1,Другая тема,lesson,les-a,2,c7a,,alg,2,t1,,\r\n\
             li-a-3,2025-09-10,cf-2,q1,Тема,lesson,les-a,1,c7a,,alg,2,t1,,\r\n\
             li-b-1,2025-09-11,cf-9,q1,,lesson,les-b,1,c7a,,alg,3,t1,individual,\r\n\
             li-c-1,2025-09-12,cf-1,q1,,,,,,,,,,,\r\n\
             li-d-1,2025-09-13,cf-1,q1,,lesson,les-d,1,c7a,,alg,4,t1,text,\r\n"
        );
        let results = "sourcedId,lineItemSourcedId,studentSourcedId,scoreStatus,score,\
                       metadata.classbook.symbol,metadata.classbook.enteredAt,metadata.classbook.comment\r\n\
                       r1,li-a-1,s1,exempt,,°,2025-09-10T12:00:00Z,\r\n\
                       r2,li-a-1,s1,fully graded,5,5,2025-09-10T12:00:00Z,\r\n\
                       r3,li-a-1,s2,fully graded,5,5,вчера,\r\n\
                       r4,li-a-1,s3,submitted,,,2025-09-10T12:00:00Z,\r\n";
        let attendance = "lessonSourcedId,studentSourcedId,code,setBy,setAt\r\n\
                          les-zz,s1,Н,tran,2025-09-10T09:00:00Z\r\n\
                          les-a,s1,Б,,2025-09-10T09:00:00Z\r\n";
        let dir = folder(&[
            ("categories.csv", CATEGORIES),
            ("lineItems.csv", &items),
            ("results.csv", results),
            (ATTENDANCE_FILE, attendance),
        ]);
        let b = read(dir.path());
        let s = shown(&b);
        for want in [
            "lineItems.csv:3: description: differs from line 2 of the same lesson «les-a»",
            "lineItems.csv:4: metadata.classbook.seq: mark number 1 of this lesson is already on line 2",
            "lineItems.csv:5: categorySourcedId: no category «cf-9» in categories.csv",
            "lineItems.csv:6: metadata.classbook.kind: no value: only line items written by classbook",
            "lineItems.csv:7: metadata.classbook.homework: homework of kind text needs its text",
            "results.csv:2: metadata.classbook.comment: a deferred mark (°) needs a comment",
            "results.csv:3: studentSourcedId: this student's result of this line item is already on line 2",
            "results.csv:4: metadata.classbook.enteredAt: «вчера» is not a date and time",
            "results.csv:5: metadata.classbook.symbol: no value, and scoreStatus «submitted»",
            "classbook.attendance.csv:2: lessonSourcedId: no lesson «les-zz» in lineItems.csv",
            "classbook.attendance.csv:3: setBy: no value (it is required)",
        ] {
            assert!(
                s.iter().any(|i| i.starts_with(want)),
                "missing «{want}» in {s:#?}"
            );
        }
        assert_eq!(s.len(), 11, "{s:#?}");
    }

    #[test]
    fn missing_files_and_columns_are_said() {
        let dir = folder(&[("lineItems.csv", "sourcedId,title\r\nli-1,Урок\r\n")]);
        let s = shown(&read(dir.path()));
        assert!(
            s.iter()
                .any(|i| i.ends_with("no categories.csv: the marks' forms of control are unknown")),
            "{s:#?}"
        );
        assert!(
            s.contains(
                &"lineItems.csv:1: metadata.classbook.kind: required column is missing".to_string()
            ),
            "{s:#?}"
        );
        assert!(
            s.contains(&"lineItems.csv:1: assignDate: required column is missing".to_string()),
            "{s:#?}"
        );
        let none = read(&dir.path().join("nowhere"));
        assert!(
            shown(&none)[0].ends_with("no such folder (give the folder the export was written to)")
        );
    }
}
