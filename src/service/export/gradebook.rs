//! The gradebook part of the OneRoster export: `categories.csv` (the forms
//! of control with their weights, and one category for period grades),
//! `lineItems.csv` (one per lesson and mark number, so that several marks
//! in one cell each have their own; one per class, subject and period for
//! period grades), `results.csv` (marks and period grades), and the vendor
//! extension `classbook.attendance.csv`, which other systems ignore.
//!
//! The journal's symbols map onto OneRoster's `scoreStatus`: a mark 2–5 is
//! `fully graded` with its score; `*` (pending) is `partially graded` with
//! the intended mark as score; `°` (deferred) is `exempt` (it counts for
//! nothing until resolved); `Н` (absent at a control) and a period grade
//! `na` (not attested) are `not submitted`. The symbol and its details
//! (deadline, comment) are written in `comment` for people, and exactly in
//! `metadata.classbook.*` columns for [`crate::service::import::results`].
//!
//! An absence from a lesson has one record, attendance's (migration 6), so
//! it is exported once, in `classbook.attendance.csv`; a `Н` result comes
//! only from a mark row an older database kept (and is read back as
//! attendance).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::Connection;

use super::oneroster::{Csv, ExportError, META_CLASS, META_GROUP, Roster, date, instant, opt_date};
use super::stable_id;
use crate::domain::{Id, PeriodKind};

/// The columns of the OneRoster 1.2 CSV binding, in its order.
pub const CATEGORIES: &[&str] = &["sourcedId", "status", "dateLastModified", "title", "weight"];
pub const LINE_ITEMS: &[&str] = &[
    "sourcedId",
    "status",
    "dateLastModified",
    "title",
    "description",
    "assignDate",
    "dueDate",
    "classSourcedId",
    "categorySourcedId",
    "gradingPeriodSourcedId",
    "resultValueMin",
    "resultValueMax",
];
pub const RESULTS: &[&str] = &[
    "sourcedId",
    "status",
    "dateLastModified",
    "lineItemSourcedId",
    "studentSourcedId",
    "scoreStatus",
    "score",
    "scoreDate",
    "comment",
];

/// The vendor extension file of attendance and its columns.
pub const ATTENDANCE_FILE: &str = "classbook.attendance.csv";
pub const ATTENDANCE: &[&str] = &[
    "lessonSourcedId",
    "studentSourcedId",
    "code",
    "codeLabel",
    "commentCode",
    "commentCodeLabel",
    "comment",
    "setBy",
    "setAt",
];

/// The category of period grades.
pub const PERIOD_CATEGORY: &str = "classbook-period-grade";

/// classbook's own columns of lineItems.csv and results.csv.
pub mod meta {
    pub use super::super::oneroster::{META_CLASS as CLASS, META_GROUP as GROUP};
    /// `lesson` (a lesson's marks of one number) or `period` (period grades).
    pub const KIND: &str = "metadata.classbook.kind";
    /// The lesson's id (as `classbook.attendance.csv` names it).
    pub const LESSON: &str = "metadata.classbook.lesson";
    /// The mark's number in its cell (1–9).
    pub const SEQ: &str = "metadata.classbook.seq";
    /// The subject (course sourcedId).
    pub const SUBJECT: &str = "metadata.classbook.subject";
    pub const LESSON_NO: &str = "metadata.classbook.lessonNo";
    /// The teacher of the lesson (of the workload) and the substitute who
    /// taught it, if any (user sourcedIds).
    pub const TEACHER: &str = "metadata.classbook.teacher";
    pub const TAUGHT_BY: &str = "metadata.classbook.taughtBy";
    /// The lesson's control event (a category sourcedId), empty for an
    /// ordinary lesson.
    pub const LESSON_FORM: &str = "metadata.classbook.lessonForm";
    pub const HOMEWORK_KIND: &str = "metadata.classbook.homeworkKind";
    pub const HOMEWORK: &str = "metadata.classbook.homework";
    pub const HOMEWORK_MINUTES: &str = "metadata.classbook.homeworkMinutes";
    pub const MODE: &str = "metadata.classbook.mode";
    /// An online lesson's recorded length (minutes) and whether it is live
    /// (1) or recorded (0); empty: its bell's length, live.
    pub const ONLINE_MINUTES: &str = "metadata.classbook.onlineMinutes";
    pub const ONLINE_LIVE: &str = "metadata.classbook.onlineLive";
    pub const RECORDED_AT: &str = "metadata.classbook.recordedAt";
    pub const ATTENDANCE_TAKEN_AT: &str = "metadata.classbook.attendanceTakenAt";

    /// The journal's symbol: 2–5, Н, *, ° (marks); 2–5, na (period grades).
    pub const SYMBOL: &str = "metadata.classbook.symbol";
    /// The intended mark of a pending `*`.
    pub const VALUE: &str = "metadata.classbook.value";
    /// The correction deadline of a pending `*`.
    pub const DUE_DATE: &str = "metadata.classbook.dueDate";
    /// The mark's own comment (required for `°`).
    pub const COMMENT: &str = "metadata.classbook.comment";
    /// The mark's own form of control (a category sourcedId) and weight.
    pub const FORM: &str = "metadata.classbook.controlForm";
    pub const WEIGHT: &str = "metadata.classbook.weight";
    pub const ENTERED_BY: &str = "metadata.classbook.enteredBy";
    pub const ENTERED_AT: &str = "metadata.classbook.enteredAt";
    /// A period grade's weighted mean, mark count and suggested grade.
    pub const MEAN: &str = "metadata.classbook.mean";
    pub const MARK_COUNT: &str = "metadata.classbook.markCount";
    pub const SUGGESTED: &str = "metadata.classbook.suggested";

    pub const LINE_ITEMS: &[&str] = &[
        KIND,
        LESSON,
        SEQ,
        CLASS,
        GROUP,
        SUBJECT,
        LESSON_NO,
        TEACHER,
        TAUGHT_BY,
        LESSON_FORM,
        HOMEWORK_KIND,
        HOMEWORK,
        HOMEWORK_MINUTES,
        MODE,
        ONLINE_MINUTES,
        ONLINE_LIVE,
        RECORDED_AT,
        ATTENDANCE_TAKEN_AT,
    ];
    pub const RESULTS: &[&str] = &[
        SYMBOL, VALUE, DUE_DATE, COMMENT, FORM, WEIGHT, ENTERED_BY, ENTERED_AT, MEAN, MARK_COUNT,
        SUGGESTED,
    ];
}

/// A form of control's category id: made from its name, so that two
/// databases with the same catalogue give the same ids.
pub fn category_id(form_name: &str) -> String {
    format!("cf-{}", stable_id(&[form_name]))
}

/// A lesson's id: its class, group, date and lesson number.
pub fn lesson_id(class: &str, group: &str, date: NaiveDate, lesson_no: u8) -> String {
    format!(
        "les-{}",
        stable_id(&[
            class,
            group,
            &super::oneroster::date(date),
            &lesson_no.to_string()
        ])
    )
}

/// The line item of a lesson's marks of number `seq`.
pub fn line_item_id(lesson: &str, seq: u8) -> String {
    let hash = lesson.strip_prefix("les-").unwrap_or(lesson);
    format!("li-{hash}-{seq}")
}

/// The line item of the period grades of a class, subject and period.
pub fn period_item_id(class: &str, subject: &str, period: &str) -> String {
    format!("pg-{}", stable_id(&[class, subject, period]))
}

/// The human comment of a mark: its symbol and details.
pub fn mark_comment(
    symbol: &str,
    value: Option<u8>,
    due: Option<NaiveDate>,
    comment: Option<&str>,
) -> String {
    let own = comment.map(str::trim).filter(|c| !c.is_empty());
    let head = match symbol {
        "*" => Some(format!(
            "* pending {}, due {}",
            value.map(|v| v.to_string()).unwrap_or_default(),
            opt_date(due)
        )),
        "°" => Some("° deferred".to_string()),
        "Н" => Some("Н absent at the control".to_string()),
        "na" => Some("na not attested".to_string()),
        _ => None,
    };
    match (head, own) {
        (Some(h), Some(c)) => format!("{h}: {c}"),
        (Some(h), None) => h,
        (None, Some(c)) => c.to_string(),
        (None, None) => String::new(),
    }
}

/// OneRoster's score status and score of a journal symbol.
pub fn score_status(symbol: &str, value: Option<u8>) -> (&'static str, String) {
    match symbol {
        "2" | "3" | "4" | "5" => ("fully graded", symbol.to_string()),
        "*" => (
            "partially graded",
            value.map(|v| v.to_string()).unwrap_or_default(),
        ),
        "°" => ("exempt", String::new()),
        _ => ("not submitted", String::new()),
    }
}

struct Form {
    id: Id,
    name: String,
    weight: u8,
}

struct LessonRow {
    id: Id,
    class_id: Id,
    group_id: Option<Id>,
    subject_id: Id,
    teacher_id: Id,
    taught_by: Option<Id>,
    date: NaiveDate,
    lesson_no: u8,
    form: Option<Id>,
    topic: Option<String>,
    homework: Option<String>,
    homework_kind: Option<String>,
    homework_minutes: Option<i64>,
    mode: String,
    recorded_at: Option<String>,
    attendance_taken_at: Option<String>,
    online_minutes: Option<i64>,
    online_live: Option<i64>,
}

struct MarkRow {
    lesson_id: Id,
    student_id: Id,
    seq: u8,
    symbol: String,
    value: Option<u8>,
    form: Id,
    weight: u8,
    due: Option<NaiveDate>,
    comment: Option<String>,
    entered_at: String,
    entered_by: String,
}

struct GradeRow {
    student_id: Id,
    subject_id: Id,
    period_id: Id,
    class_id: Id,
    mean: Option<f64>,
    mark_count: i64,
    suggested: Option<String>,
    final_grade: String,
    set_by: Option<String>,
    set_at: Option<String>,
}

struct AttendanceRow {
    lesson_id: Id,
    student_id: Id,
    code: Id,
    comment_code: Option<Id>,
    comment: Option<String>,
    set_by: String,
    set_at: String,
}

/// The year's journal as read from the database.
pub(crate) struct Gradebook {
    forms: Vec<Form>,
    lessons: Vec<LessonRow>,
    marks: Vec<MarkRow>,
    grades: Vec<GradeRow>,
    attendance: Vec<AttendanceRow>,
    /// code id → (code, label)
    codes: HashMap<Id, (String, String)>,
}

fn query<T>(
    conn: &Connection,
    sql: &str,
    year: Id,
    f: impl FnMut(&rusqlite::Row) -> rusqlite::Result<T>,
) -> Result<Vec<T>, ExportError> {
    let mut st = conn.prepare(sql)?;
    let rows = st.query_map([year], f)?;
    Ok(rows.collect::<rusqlite::Result<Vec<T>>>()?)
}

impl Gradebook {
    pub fn load(conn: &Connection, roster: &Roster) -> Result<Gradebook, ExportError> {
        let year = roster.year.id;
        let forms = {
            let mut st =
                conn.prepare("SELECT id, name, weight FROM control_form ORDER BY sort, name")?;
            st.query_map([], |r| {
                Ok(Form {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    weight: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?
        };
        let codes = {
            let mut st = conn.prepare("SELECT id, code, label FROM attendance_code")?;
            st.query_map([], |r| Ok((r.get::<_, Id>(0)?, (r.get(1)?, r.get(2)?))))?
                .collect::<rusqlite::Result<HashMap<_, _>>>()?
        };
        let lessons = query(
            conn,
            "SELECT l.id, l.class_id, l.group_id, l.subject_id, l.teacher_id, l.taught_by_id, l.date,
                    l.lesson_no, l.control_form_id, l.topic, l.homework, l.homework_kind,
                    l.homework_minutes, l.mode, l.recorded_at, l.attendance_taken_at, o.minutes, o.live
             FROM lesson l JOIN class c ON c.id = l.class_id
             LEFT JOIN lesson_online o ON o.lesson_id = l.id WHERE c.year_id = ?1",
            year,
            |r| {
                Ok(LessonRow {
                    id: r.get(0)?,
                    class_id: r.get(1)?,
                    group_id: r.get(2)?,
                    subject_id: r.get(3)?,
                    teacher_id: r.get(4)?,
                    taught_by: r.get(5)?,
                    date: r.get(6)?,
                    lesson_no: r.get(7)?,
                    form: r.get(8)?,
                    topic: r.get(9)?,
                    homework: r.get(10)?,
                    homework_kind: r.get(11)?,
                    homework_minutes: r.get(12)?,
                    mode: r.get(13)?,
                    recorded_at: r.get(14)?,
                    attendance_taken_at: r.get(15)?,
                    online_minutes: r.get(16)?,
                    online_live: r.get(17)?,
                })
            },
        )?;
        let marks = query(
            conn,
            "SELECT m.lesson_id, m.student_id, m.seq, m.symbol, m.value, m.control_form_id, m.weight,
                    m.due_on, m.comment, m.entered_at, m.entered_by
             FROM mark m JOIN lesson l ON l.id = m.lesson_id JOIN class c ON c.id = l.class_id
             WHERE c.year_id = ?1",
            year,
            |r| {
                Ok(MarkRow {
                    lesson_id: r.get(0)?,
                    student_id: r.get(1)?,
                    seq: r.get(2)?,
                    symbol: r.get(3)?,
                    value: r.get(4)?,
                    form: r.get(5)?,
                    weight: r.get(6)?,
                    due: r.get(7)?,
                    comment: r.get(8)?,
                    entered_at: r.get(9)?,
                    entered_by: r.get(10)?,
                })
            },
        )?;
        let grades = query(
            conn,
            "SELECT g.student_id, g.subject_id, g.period_id, g.class_id, g.mean, g.mark_count,
                    g.suggested, g.final, g.set_by, g.set_at
             FROM period_grade g JOIN period p ON p.id = g.period_id
             WHERE p.year_id = ?1 AND g.final IS NOT NULL",
            year,
            |r| {
                Ok(GradeRow {
                    student_id: r.get(0)?,
                    subject_id: r.get(1)?,
                    period_id: r.get(2)?,
                    class_id: r.get(3)?,
                    mean: r.get(4)?,
                    mark_count: r.get(5)?,
                    suggested: r.get(6)?,
                    final_grade: r.get(7)?,
                    set_by: r.get(8)?,
                    set_at: r.get(9)?,
                })
            },
        )?;
        let attendance = query(
            conn,
            "SELECT a.lesson_id, a.student_id, a.code_id, a.comment_code_id, a.comment, a.set_by, a.set_at
             FROM attendance a JOIN lesson l ON l.id = a.lesson_id JOIN class c ON c.id = l.class_id
             WHERE c.year_id = ?1",
            year,
            |r| {
                Ok(AttendanceRow {
                    lesson_id: r.get(0)?,
                    student_id: r.get(1)?,
                    code: r.get(2)?,
                    comment_code: r.get(3)?,
                    comment: r.get(4)?,
                    set_by: r.get(5)?,
                    set_at: r.get(6)?,
                })
            },
        )?;
        Ok(Gradebook {
            forms,
            lessons,
            marks,
            grades,
            attendance,
            codes,
        })
    }

    /// The latest moment the journal records: when a mark, a period grade
    /// or an attendance entry was set, or a lesson recorded.
    pub fn last_modified(&self) -> Option<NaiveDateTime> {
        let marks = self.marks.iter().map(|m| Some(m.entered_at.as_str()));
        let grades = self.grades.iter().map(|g| g.set_at.as_deref());
        let att = self.attendance.iter().map(|a| Some(a.set_at.as_str()));
        let lessons = self
            .lessons
            .iter()
            .flat_map(|l| [l.recorded_at.as_deref(), l.attendance_taken_at.as_deref()]);
        marks
            .chain(grades)
            .chain(att)
            .chain(lessons)
            .flatten()
            .filter_map(instant)
            .max()
    }

    /// The form of control a lesson's marks take by default: the one named
    /// "Устный ответ" (oral answer), else the first of weight 1.
    fn default_form(&self) -> Option<&Form> {
        self.forms
            .iter()
            .find(|f| f.name == "Устный ответ")
            .or_else(|| self.forms.iter().find(|f| f.weight == 1))
            .or(self.forms.first())
    }

    pub fn files(&self, r: &Roster, modified: &str) -> Vec<Csv> {
        let base = |sid: &str| -> Vec<(&'static str, String)> {
            vec![
                ("sourcedId", sid.to_string()),
                ("status", "active".to_string()),
                ("dateLastModified", modified.to_string()),
            ]
        };
        let forms: HashMap<Id, &Form> = self.forms.iter().map(|f| (f.id, f)).collect();
        let form_sid = |id: Id| {
            forms
                .get(&id)
                .map(|f| category_id(&f.name))
                .unwrap_or_default()
        };
        let staff_sid = |id: Id| r.staff_sid.get(&id).cloned().unwrap_or_default();

        let mut categories = Csv::new("categories.csv", CATEGORIES, &[]);
        for f in &self.forms {
            let mut row = base(&category_id(&f.name));
            row.push(("title", f.name.clone()));
            row.push(("weight", f.weight.to_string()));
            categories.push(&row);
        }
        let mut row = base(PERIOD_CATEGORY);
        row.push(("title", "Period grade".into()));
        categories.push(&row);

        // The lessons, in journal order, with their marks by number.
        let mut lessons: Vec<&LessonRow> = self
            .lessons
            .iter()
            .filter(|l| r.classes.contains_key(&l.class_id))
            .collect();
        lessons.sort_by_key(|l| {
            (
                r.class_key(l.class_id),
                r.subject_name(l.subject_id),
                r.group_name(l.group_id),
                l.date,
                l.lesson_no,
            )
        });
        let mut marks_of: HashMap<Id, BTreeMap<u8, Vec<&MarkRow>>> = HashMap::new();
        for m in &self.marks {
            if r.students.contains_key(&m.student_id) {
                marks_of
                    .entry(m.lesson_id)
                    .or_default()
                    .entry(m.seq)
                    .or_default()
                    .push(m);
            }
        }
        let student_key = |id: Id| {
            r.students
                .get(&id)
                .map(|s| s.sort_key())
                .unwrap_or_default()
        };
        let period_of = |d: NaiveDate| -> String {
            let mut best: Option<&super::oneroster::PeriodRow> = None;
            for p in r.periods.iter().filter(|p| p.kind != PeriodKind::Year) {
                if p.starts_on <= d
                    && d <= p.ends_on
                    && best.is_none_or(|b| (p.ends_on - p.starts_on) < (b.ends_on - b.starts_on))
                {
                    best = Some(p);
                }
            }
            best.map_or_else(|| r.year.sid.clone(), |p| p.sid.clone())
        };
        let default_form = self.default_form().map(|f| f.id);

        let mut items = Csv::new("lineItems.csv", LINE_ITEMS, meta::LINE_ITEMS);
        let mut results = Csv::new("results.csv", RESULTS, meta::RESULTS);
        let mut lesson_sids: HashMap<Id, String> = HashMap::new();
        for l in &lessons {
            let class = r.class_sid(l.class_id);
            let group = r.group_name(l.group_id);
            let lesson = lesson_id(&class, &group, l.date, l.lesson_no);
            lesson_sids.insert(l.id, lesson.clone());
            let scheduled = r
                .scheduled(l.class_id, l.group_id, l.subject_id)
                .map_or_else(|| class.clone(), |w| w.sid.clone());
            let subject = r.subject_name(l.subject_id);
            let class_name = r
                .classes
                .get(&l.class_id)
                .map(|c| c.name.clone())
                .unwrap_or_default();
            let by_seq = marks_of.remove(&l.id).unwrap_or_default();
            let mut seqs: BTreeSet<u8> = by_seq.keys().copied().collect();
            seqs.insert(1);
            for seq in seqs {
                let marks = by_seq.get(&seq).cloned().unwrap_or_default();
                // The item's category: the lesson's control event, else the
                // form most of its marks have, else the everyday default.
                let mut count: BTreeMap<Id, usize> = BTreeMap::new();
                for m in &marks {
                    *count.entry(m.form).or_default() += 1;
                }
                let common = count
                    .iter()
                    .max_by_key(|(id, n)| (**n, std::cmp::Reverse(**id)))
                    .map(|(id, _)| *id);
                let category = l
                    .form
                    .or(common)
                    .or(default_form)
                    .map(form_sid)
                    .unwrap_or_default();
                let item = line_item_id(&lesson, seq);
                let mut title = format!("{subject} {class_name}");
                if !group.is_empty() {
                    title.push_str(&format!(" ({group})"));
                }
                title.push_str(&format!(" {} #{}", date(l.date), l.lesson_no));
                if seq > 1 {
                    title.push_str(&format!(", mark {seq}"));
                }
                let mut row = base(&item);
                row.extend([
                    ("title", title),
                    ("description", l.topic.clone().unwrap_or_default()),
                    ("assignDate", date(l.date)),
                    ("dueDate", date(l.date)),
                    ("classSourcedId", scheduled.clone()),
                    ("categorySourcedId", category),
                    ("gradingPeriodSourcedId", period_of(l.date)),
                    ("resultValueMin", "2".into()),
                    ("resultValueMax", "5".into()),
                    (meta::KIND, "lesson".into()),
                    (meta::LESSON, lesson.clone()),
                    (meta::SEQ, seq.to_string()),
                    (META_CLASS, class.clone()),
                    (META_GROUP, group.clone()),
                    (meta::SUBJECT, r.subject_sid(l.subject_id)),
                    (meta::LESSON_NO, l.lesson_no.to_string()),
                    (meta::TEACHER, staff_sid(l.teacher_id)),
                    (
                        meta::TAUGHT_BY,
                        l.taught_by.map(staff_sid).unwrap_or_default(),
                    ),
                    (meta::LESSON_FORM, l.form.map(form_sid).unwrap_or_default()),
                    (
                        meta::HOMEWORK_KIND,
                        l.homework_kind.clone().unwrap_or_default(),
                    ),
                    (meta::HOMEWORK, l.homework.clone().unwrap_or_default()),
                    (
                        meta::HOMEWORK_MINUTES,
                        l.homework_minutes
                            .map(|m| m.to_string())
                            .unwrap_or_default(),
                    ),
                    (meta::MODE, l.mode.clone()),
                    (
                        meta::ONLINE_MINUTES,
                        l.online_minutes.map(|m| m.to_string()).unwrap_or_default(),
                    ),
                    (
                        meta::ONLINE_LIVE,
                        l.online_live.map(|m| m.to_string()).unwrap_or_default(),
                    ),
                    (meta::RECORDED_AT, l.recorded_at.clone().unwrap_or_default()),
                    (
                        meta::ATTENDANCE_TAKEN_AT,
                        l.attendance_taken_at.clone().unwrap_or_default(),
                    ),
                ]);
                items.push(&row);
                let mut marks = marks;
                marks.sort_by_key(|m| student_key(m.student_id));
                for m in marks {
                    let student = &r.students[&m.student_id].sid;
                    let (status, score) = score_status(&m.symbol, m.value);
                    let mut row = base(&format!("{item}-{student}"));
                    row.extend([
                        ("lineItemSourcedId", item.clone()),
                        ("studentSourcedId", student.clone()),
                        ("scoreStatus", status.into()),
                        ("score", score),
                        (
                            "scoreDate",
                            instant(&m.entered_at).map_or_else(|| date(l.date), |t| date(t.date())),
                        ),
                        (
                            "comment",
                            mark_comment(&m.symbol, m.value, m.due, m.comment.as_deref()),
                        ),
                        (meta::SYMBOL, m.symbol.clone()),
                        (
                            meta::VALUE,
                            if m.symbol == "*" {
                                m.value.map(|v| v.to_string()).unwrap_or_default()
                            } else {
                                String::new()
                            },
                        ),
                        (meta::DUE_DATE, opt_date(m.due)),
                        (meta::COMMENT, m.comment.clone().unwrap_or_default()),
                        (meta::FORM, form_sid(m.form)),
                        (meta::WEIGHT, m.weight.to_string()),
                        (meta::ENTERED_BY, m.entered_by.clone()),
                        (meta::ENTERED_AT, m.entered_at.clone()),
                    ]);
                    results.push(&row);
                }
            }
        }

        // Period grades: one item per class, subject and period.
        let mut by_item: BTreeMap<(Id, Id, Id), Vec<&GradeRow>> = BTreeMap::new();
        for g in &self.grades {
            if r.classes.contains_key(&g.class_id) && r.students.contains_key(&g.student_id) {
                by_item
                    .entry((g.class_id, g.subject_id, g.period_id))
                    .or_default()
                    .push(g);
            }
        }
        let periods: HashMap<Id, &super::oneroster::PeriodRow> =
            r.periods.iter().map(|p| (p.id, p)).collect();
        let mut keys: Vec<(Id, Id, Id)> = by_item.keys().copied().collect();
        keys.retain(|k| periods.contains_key(&k.2));
        keys.sort_by_key(|(c, s, p)| {
            let p = periods[p];
            (
                r.class_key(*c),
                r.subject_name(*s),
                p.ends_on,
                std::cmp::Reverse(p.starts_on),
                p.sid.clone(),
            )
        });
        for key @ (class_id, subject_id, period_id) in keys {
            let p = periods[&period_id];
            let class = r.class_sid(class_id);
            let subject = r.subject_sid(subject_id);
            let period = if p.kind == PeriodKind::Year {
                r.year.sid.clone()
            } else {
                p.sid.clone()
            };
            let item = period_item_id(&class, &subject, &period);
            let scheduled = r
                .scheduled(class_id, None, subject_id)
                .map_or_else(|| class.clone(), |w| w.sid.clone());
            let class_name = r
                .classes
                .get(&class_id)
                .map(|c| c.name.clone())
                .unwrap_or_default();
            let mut row = base(&item);
            row.extend([
                (
                    "title",
                    format!("{} {class_name}: {}", r.subject_name(subject_id), p.label),
                ),
                ("assignDate", date(p.starts_on)),
                ("dueDate", date(p.ends_on)),
                ("classSourcedId", scheduled),
                ("categorySourcedId", PERIOD_CATEGORY.into()),
                ("gradingPeriodSourcedId", period),
                ("resultValueMin", "2".into()),
                ("resultValueMax", "5".into()),
                (meta::KIND, "period".into()),
                (META_CLASS, class),
                (meta::SUBJECT, subject),
            ]);
            items.push(&row);
            let mut grades = by_item.remove(&key).unwrap_or_default();
            grades.sort_by_key(|g| student_key(g.student_id));
            for g in grades {
                let student = &r.students[&g.student_id].sid;
                let (status, score) = score_status(&g.final_grade, None);
                let mut row = base(&format!("{item}-{student}"));
                row.extend([
                    ("lineItemSourcedId", item.clone()),
                    ("studentSourcedId", student.clone()),
                    ("scoreStatus", status.into()),
                    ("score", score),
                    (
                        "scoreDate",
                        g.set_at
                            .as_deref()
                            .and_then(instant)
                            .map_or_else(|| date(p.ends_on), |t| date(t.date())),
                    ),
                    ("comment", mark_comment(&g.final_grade, None, None, None)),
                    (meta::SYMBOL, g.final_grade.clone()),
                    (meta::ENTERED_BY, g.set_by.clone().unwrap_or_default()),
                    (meta::ENTERED_AT, g.set_at.clone().unwrap_or_default()),
                    (
                        meta::MEAN,
                        g.mean.map(|m| m.to_string()).unwrap_or_default(),
                    ),
                    (meta::MARK_COUNT, g.mark_count.to_string()),
                    (meta::SUGGESTED, g.suggested.clone().unwrap_or_default()),
                ]);
                results.push(&row);
            }
        }

        // Attendance, in the lessons' order.
        let order: HashMap<Id, usize> =
            lessons.iter().enumerate().map(|(i, l)| (l.id, i)).collect();
        let mut rows: Vec<&AttendanceRow> = self
            .attendance
            .iter()
            .filter(|a| order.contains_key(&a.lesson_id) && r.students.contains_key(&a.student_id))
            .collect();
        rows.sort_by_key(|a| (order[&a.lesson_id], student_key(a.student_id)));
        let mut attendance = Csv::new(ATTENDANCE_FILE, ATTENDANCE, &[]);
        let code = |id: Option<Id>| -> (String, String) {
            id.and_then(|id| self.codes.get(&id).cloned())
                .unwrap_or_default()
        };
        for a in rows {
            let (c, label) = code(Some(a.code));
            let (cc, cc_label) = code(a.comment_code);
            attendance.push(&[
                ("lessonSourcedId", lesson_sids[&a.lesson_id].clone()),
                ("studentSourcedId", r.students[&a.student_id].sid.clone()),
                ("code", c),
                ("codeLabel", label),
                ("commentCode", cc),
                ("commentCodeLabel", cc_label),
                ("comment", a.comment.clone().unwrap_or_default()),
                ("setBy", a.set_by.clone()),
                ("setAt", a.set_at.clone()),
            ]);
        }
        vec![categories, items, results, attendance]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_map_onto_score_statuses() {
        assert_eq!(
            score_status("5", Some(5)),
            ("fully graded", "5".to_string())
        );
        assert_eq!(
            score_status("*", Some(4)),
            ("partially graded", "4".to_string())
        );
        assert_eq!(score_status("°", None), ("exempt", String::new()));
        assert_eq!(score_status("Н", None), ("not submitted", String::new()));
        assert_eq!(score_status("na", None), ("not submitted", String::new()));
    }

    #[test]
    fn comments_keep_the_symbol_and_its_details() {
        let due = NaiveDate::from_ymd_opt(2025, 10, 1);
        assert_eq!(
            mark_comment("*", Some(4), due, None),
            "* pending 4, due 2025-10-01"
        );
        assert_eq!(
            mark_comment("°", None, None, Some("болела две недели")),
            "° deferred: болела две недели"
        );
        assert_eq!(
            mark_comment("Н", None, None, None),
            "Н absent at the control"
        );
        assert_eq!(mark_comment("5", Some(5), None, Some(" ")), "");
        assert_eq!(mark_comment("4", Some(4), None, Some("устно")), "устно");
    }

    #[test]
    fn line_items_of_one_lesson_share_its_id() {
        let d = NaiveDate::from_ymd_opt(2025, 9, 3).expect("date");
        let l = lesson_id("class-7a", "Англ. 1", d, 2);
        assert!(l.starts_with("les-"));
        let hash = &l[4..];
        assert_eq!(line_item_id(&l, 1), format!("li-{hash}-1"));
        assert_eq!(line_item_id(&l, 2), format!("li-{hash}-2"));
        assert_ne!(l, lesson_id("class-7a", "Англ. 2", d, 2));
        assert_ne!(l, lesson_id("class-7a", "", d, 2));
    }
}
