//! One class's attendance on one day: the students × that day's lessons,
//! and the walk from school day to school day (weekends and holidays are
//! skipped).

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, Days, NaiveDate};
use serde::Serialize;

use crate::domain::attendance::Category;
use crate::domain::{Class, Holiday, Id, Lesson, SchoolYear};
use crate::store::{self, Result};

/// A lesson column of the day grid.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayLesson {
    pub lesson: Lesson,
    /// Subject short name.
    pub subject: String,
    pub group: Option<String>,
    /// Attendance was taken (the lesson has `attendance_taken_at`).
    pub taken: bool,
}

/// A cell of the day grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum DayCell {
    /// Not in the class (or the lesson's group) that day.
    NotEnrolled,
    /// Attendance not taken for this lesson and nothing recorded.
    NotTaken,
    /// Present (nothing stored).
    Present,
    /// A recorded code, with a parent's comment beside it (the comment
    /// code, or "*" for a comment given as text only).
    Code {
        code_id: Id,
        code: String,
        category: Category,
        comment: Option<String>,
    },
}

/// A row of the day grid.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayStudent {
    pub student_id: Id,
    pub name: String,
    /// Lessons missed that day (codes whose category is an absence).
    pub absences: usize,
    pub cells: Vec<DayCell>,
}

/// A class's attendance on a day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayView {
    pub class: Class,
    pub date: NaiveDate,
    /// The holiday the day falls in, if any.
    pub holiday: Option<Holiday>,
    /// A weekend or other day without school by the week's length.
    pub weekend: bool,
    pub lessons: Vec<DayLesson>,
    pub students: Vec<DayStudent>,
}

/// Is `d` a school day: inside the year, not a weekend day (by the
/// school's days per week) and not in a holiday.
pub fn is_school_day(
    d: NaiveDate,
    year: &SchoolYear,
    holidays: &[Holiday],
    days_per_week: u32,
) -> bool {
    year.contains(d)
        && d.weekday().number_from_monday() <= days_per_week
        && !holidays.iter().any(|h| h.contains(d))
}

/// The next (`forward`) or previous school day after `from`, inside the
/// year; `None` at the year's edge.
pub fn step_school_day(
    conn: &store::Conn,
    year: &SchoolYear,
    from: NaiveDate,
    forward: bool,
) -> Result<Option<NaiveDate>> {
    let holidays = store::school::holidays(conn, year.id)?;
    let per_week = store::settings::load(conn)?.school_days_per_week;
    let mut d = from;
    loop {
        let next = if forward {
            d.checked_add_days(Days::new(1))
        } else {
            d.checked_sub_days(Days::new(1))
        };
        match next {
            Some(n) if year.contains(n) => {
                if is_school_day(n, year, &holidays, per_week) {
                    return Ok(Some(n));
                }
                d = n;
            }
            _ => return Ok(None),
        }
    }
}

/// The class's lessons on `date`: those recorded, and the timetable's
/// lessons of that day that have no record yet (`id` 0, `timetable_id`
/// set), by lesson number. A lesson without a record gets one when
/// attendance is first entered for it ([`record_lesson`]).
pub fn day_lessons(conn: &store::Conn, class: &Class, date: NaiveDate) -> Result<Vec<Lesson>> {
    let mut lessons = store::journal::lessons_on(conn, class.id, date)?;
    let held: HashSet<(u8, Id)> = lessons
        .iter()
        .map(|l| (l.lesson_no, l.group_id.unwrap_or(0)))
        .collect();
    let weekday = date.weekday().number_from_monday() as u8;
    for slot in store::curriculum::timetable(conn, class.id)? {
        if slot.weekday == weekday
            && slot.valid_from <= date
            && slot.valid_to.is_none_or(|t| date <= t)
            && !held.contains(&(slot.lesson_no, slot.group_id.unwrap_or(0)))
        {
            lessons.push(crate::service::journal::slot_lesson(&slot, date));
        }
    }
    lessons.sort_by_key(|l| (l.lesson_no, l.group_id.unwrap_or(0)));
    Ok(lessons)
}

/// The id of `lesson`, creating its record from the timetable (audited)
/// when it has none yet. Returns the id and the audit entries written.
pub fn record_lesson(
    conn: &store::Conn,
    operator: &str,
    lesson: &Lesson,
) -> Result<(Id, Vec<i64>)> {
    if lesson.id != 0 {
        return Ok((lesson.id, vec![]));
    }
    let Some(timetable_id) = lesson.timetable_id else {
        return Err(invalid("a lesson without a record or a timetable slot"));
    };
    let (l, ids) = crate::service::journal::ensure_lesson(
        conn,
        operator,
        crate::service::journal::LessonRef::Slot {
            timetable_id,
            date: lesson.date,
        },
    )?;
    Ok((l.id, ids))
}

/// A cell of the day grid by ids: (lesson, student).
pub type Cell = (Id, Id);

/// The (lesson id, student) cells of a selection, recording the lessons
/// that have no record yet. Returns the cells and the audit entries.
pub fn record_cells(
    conn: &store::Conn,
    operator: &str,
    cells: &[(Lesson, Id)],
) -> Result<(Vec<Cell>, Vec<i64>)> {
    let mut made: HashMap<Id, Id> = HashMap::new();
    let mut ids = vec![];
    let mut out = Vec::with_capacity(cells.len());
    for (l, s) in cells {
        let id = match (l.id, l.timetable_id) {
            (0, Some(t)) if made.contains_key(&t) => made[&t],
            _ => {
                let (id, a) = record_lesson(conn, operator, l)?;
                ids.extend(a);
                if let (0, Some(t)) = (l.id, l.timetable_id) {
                    made.insert(t, id);
                }
                id
            }
        };
        out.push((id, *s));
    }
    Ok((out, ids))
}

/// Load the attendance grid of `class` on `date`.
pub fn load(
    conn: &store::Conn,
    class: &Class,
    year: &SchoolYear,
    date: NaiveDate,
) -> Result<DayView> {
    let holidays = store::school::holidays(conn, year.id)?;
    let per_week = store::settings::load(conn)?.school_days_per_week;
    let holiday = holidays.into_iter().find(|h| h.contains(date));
    let weekend = date.weekday().number_from_monday() > per_week;
    let subjects: HashMap<Id, String> = store::curriculum::subjects(conn)?
        .into_iter()
        .map(|s| (s.id, s.short_name))
        .collect();
    let groups: HashMap<Id, String> = store::classes::groups(conn, class.id)?
        .into_iter()
        .map(|g| (g.id, g.name))
        .collect();
    let codes: HashMap<Id, (String, Category)> = store::attendance::codes(conn, true)?
        .into_iter()
        .map(|c| (c.id, (c.code, c.category)))
        .collect();
    let lessons = if holiday.is_some() || weekend || !year.contains(date) {
        store::journal::lessons_on(conn, class.id, date)?
    } else {
        day_lessons(conn, class, date)?
    };
    let mut members_of: HashMap<Id, HashSet<Id>> = HashMap::new();
    for l in &lessons {
        if let Some(g) = l.group_id
            && !members_of.contains_key(&g)
        {
            members_of.insert(
                g,
                store::classes::group_members(conn, g)?
                    .into_iter()
                    .collect(),
            );
        }
    }
    let marks: HashMap<(Id, Id), (Id, Option<String>)> =
        store::attendance::marks_for_class(conn, class.id, date, date)?
            .into_iter()
            .map(|a| {
                let comment = match (a.comment_code_id, &a.comment) {
                    (Some(c), _) => Some(
                        codes
                            .get(&c)
                            .map_or_else(|| "*".to_string(), |x| x.0.clone()),
                    ),
                    (None, Some(_)) => Some("*".to_string()),
                    (None, None) => None,
                };
                ((a.lesson_id, a.student_id), (a.code_id, comment))
            })
            .collect();
    let lessons: Vec<DayLesson> = lessons
        .into_iter()
        .map(|lesson| DayLesson {
            subject: subjects
                .get(&lesson.subject_id)
                .cloned()
                .unwrap_or_default(),
            group: lesson.group_id.and_then(|g| groups.get(&g).cloned()),
            taken: lesson.attendance_taken_at.is_some(),
            lesson,
        })
        .collect();
    let students = store::people::class_members(conn, class.id, date, date)?
        .into_iter()
        .map(|m| {
            let sid = m.student.id;
            let cells: Vec<DayCell> = lessons
                .iter()
                .map(|l| {
                    let in_group = l
                        .lesson
                        .group_id
                        .is_none_or(|g| members_of.get(&g).is_some_and(|s| s.contains(&sid)));
                    match marks
                        .get(&(l.lesson.id, sid))
                        .and_then(|(id, comment)| codes.get(id).map(|c| (*id, c, comment)))
                    {
                        Some((code_id, (code, category), comment)) => DayCell::Code {
                            code_id,
                            code: code.clone(),
                            category: *category,
                            comment: comment.clone(),
                        },
                        None if !in_group || !m.enrolled_on(date) => DayCell::NotEnrolled,
                        None if !l.taken => DayCell::NotTaken,
                        None => DayCell::Present,
                    }
                })
                .collect();
            let absences = cells
                .iter()
                .filter(|c| matches!(c, DayCell::Code { category, .. } if category.is_absent()))
                .count();
            DayStudent {
                student_id: sid,
                name: m.student.full_name(),
                absences,
                cells,
            }
        })
        .collect();
    Ok(DayView {
        class: class.clone(),
        date,
        holiday,
        weekend,
        lessons,
        students,
    })
}

// ---------------------------------------------------------------------------
// Entry: setting, clearing and taking attendance. Every write goes through
// `store::audit::write_row`, so it is attributable and undoable; refusals
// come before any write, so a refused call leaves the database unchanged.

use serde_json::{Map, Value, json};

use crate::domain::HolidayKind;
use crate::domain::attendance::{AttendanceCode, Reason};
use crate::store::invalid;

fn key_of(pairs: &[(&str, Value)]) -> Map<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_string(), v.clone()))
        .collect()
}

fn lesson_key(lesson_id: Id) -> Map<String, Value> {
    key_of(&[("id", json!(lesson_id))])
}

fn cell_key(lesson_id: Id, student_id: Id) -> Map<String, Value> {
    key_of(&[
        ("lesson_id", json!(lesson_id)),
        ("student_id", json!(student_id)),
    ])
}

fn row(
    conn: &store::Conn,
    table: &str,
    key: &Map<String, Value>,
) -> Result<Option<Map<String, Value>>> {
    let info = store::rows::table_info(conn, table)?;
    store::rows::snapshot(conn, &info, key)
}

/// Why a day cannot have attendance: after the working date, outside the
/// school year, a holiday, a non-school day, or a day off by the week's
/// length. `None` when attendance may be recorded.
pub fn day_refusal(
    conn: &store::Conn,
    date: NaiveDate,
    working_date: NaiveDate,
) -> Result<Option<String>> {
    if date > working_date {
        return Ok(Some(format!(
            "{date} is after the working date {working_date}: attendance cannot be entered in advance"
        )));
    }
    let Some(year) = store::school::current_year(conn, date)? else {
        return Ok(Some(format!("{date} is outside every school year")));
    };
    if let Some(h) = store::school::holidays(conn, year.id)?
        .into_iter()
        .find(|h| h.contains(date))
    {
        let what = match h.kind {
            HolidayKind::Holiday => "a holiday",
            HolidayKind::NonSchoolDay => "a non-school day",
        };
        return Ok(Some(format!(
            "{date} is {what} ({}): no attendance is taken",
            h.label
        )));
    }
    let per_week = store::settings::load(conn)?.school_days_per_week;
    if date.weekday().number_from_monday() > per_week {
        return Ok(Some(format!(
            "{date} is a day off (the school works {per_week} days a week): no attendance is taken"
        )));
    }
    Ok(None)
}

/// Refuse a day that cannot have attendance.
fn check_day(conn: &store::Conn, date: NaiveDate, working_date: NaiveDate) -> Result<()> {
    match day_refusal(conn, date, working_date)? {
        Some(why) => Err(invalid(why)),
        None => Ok(()),
    }
}

/// Is the student on the lesson's list: enrolled in the class that day and,
/// for a group lesson, a member of the group.
fn on_lesson_list(conn: &store::Conn, lesson: &Lesson, student_id: Id) -> Result<bool> {
    let enrolled = store::people::class_members(conn, lesson.class_id, lesson.date, lesson.date)?
        .iter()
        .any(|m| m.student.id == student_id && m.enrolled_on(lesson.date));
    if !enrolled {
        return Ok(false);
    }
    match lesson.group_id {
        None => Ok(true),
        Some(g) => Ok(store::classes::group_members(conn, g)?.contains(&student_id)),
    }
}

fn student_name(conn: &store::Conn, student_id: Id) -> String {
    store::people::student(conn, student_id)
        .map(|s| s.full_name())
        .unwrap_or_else(|_| format!("student {student_id}"))
}

/// Check that attendance of `student_id` at `lesson` may be written.
fn check_cell(
    conn: &store::Conn,
    lesson: &Lesson,
    student_id: Id,
    working_date: NaiveDate,
) -> Result<()> {
    check_day(conn, lesson.date, working_date)?;
    if !on_lesson_list(conn, lesson, student_id)? {
        return Err(invalid(format!(
            "{} is not on the list of lesson {} on {} (not enrolled in the class or group that day)",
            student_name(conn, student_id),
            lesson.lesson_no,
            lesson.date
        )));
    }
    Ok(())
}

fn code_by_id(conn: &store::Conn, code_id: Id) -> Result<AttendanceCode> {
    store::attendance::codes(conn, true)?
        .into_iter()
        .find(|c| c.id == code_id)
        .ok_or_else(|| invalid(format!("no attendance code with id {code_id}")))
}

/// Set `code_id` for a student at a lesson. An annotation code (a parent's
/// comment, К) is put beside the code already there, never in its place.
/// Returns the audit ids written (none when nothing changed).
pub fn set_code(
    conn: &store::Conn,
    operator: &str,
    working_date: NaiveDate,
    lesson_id: Id,
    student_id: Id,
    code_id: Id,
) -> Result<Vec<i64>> {
    write_code(
        conn,
        operator,
        working_date,
        lesson_id,
        student_id,
        code_id,
        false,
    )
}

/// [`set_code`], a hidden code allowed when the journal's `Н` falls back
/// on one.
fn write_code(
    conn: &store::Conn,
    operator: &str,
    working_date: NaiveDate,
    lesson_id: Id,
    student_id: Id,
    code_id: Id,
    allow_hidden: bool,
) -> Result<Vec<i64>> {
    let lesson = store::journal::lesson(conn, lesson_id)?;
    check_cell(conn, &lesson, student_id, working_date)?;
    let code = code_by_id(conn, code_id)?;
    if code.hidden && !allow_hidden {
        return Err(invalid(format!(
            "the code {} ({}) is hidden",
            code.code, code.label
        )));
    }
    if code.category == Category::Annotation {
        return set_comment(
            conn,
            operator,
            working_date,
            lesson_id,
            student_id,
            Some(code_id),
            None,
        );
    }
    let key = cell_key(lesson_id, student_id);
    let old = row(conn, "attendance", &key)?;
    let mut ids = settle_conflict(conn, operator, lesson_id, student_id)?;
    if old
        .as_ref()
        .and_then(|r| r.get("code_id"))
        .and_then(Value::as_i64)
        == Some(code_id)
    {
        return Ok(ids);
    }
    let mut new = old.unwrap_or_else(|| {
        let mut m = key.clone();
        m.insert("comment_code_id".into(), Value::Null);
        m.insert("comment".into(), Value::Null);
        m
    });
    new.insert("code_id".into(), json!(code_id));
    new.insert("set_by".into(), json!(operator));
    new.insert("set_at".into(), json!(store::now()));
    ids.extend(store::audit::write_row(
        conn,
        operator,
        "attendance.set",
        "attendance",
        &key,
        Some(&new),
    )?);
    Ok(ids)
}

/// Settle a disagreement noted between the journal and attendance for a
/// student at a lesson (migration 6, an import): writing the cell from
/// either tab decides it. Audited, so an undo brings the finding back.
pub fn settle_conflict(
    conn: &store::Conn,
    operator: &str,
    lesson_id: Id,
    student_id: Id,
) -> Result<Vec<i64>> {
    if !store::attendance::has_conflict(conn, lesson_id, student_id)? {
        return Ok(vec![]);
    }
    Ok(store::audit::write_row(
        conn,
        operator,
        "absence_conflict.settle",
        "absence_conflict",
        &cell_key(lesson_id, student_id),
        None,
    )?
    .into_iter()
    .collect())
}

/// The journal's `Н` typed or removed: attendance is the one record of an
/// absence. `absent` sets the "reason not given" code unless attendance
/// already has an absence (a more specific code, such as an excused
/// illness, is kept); not `absent` clears an absence (a present, remote or
/// exempt code stays). Settles a noted disagreement either way. Returns the
/// audit ids written (none when attendance already says so).
pub fn set_absent(
    conn: &store::Conn,
    operator: &str,
    working_date: NaiveDate,
    lesson_id: Id,
    student_id: Id,
    absent: bool,
) -> Result<Vec<i64>> {
    let was_absent = store::attendance::entry(conn, lesson_id, student_id)?
        .is_some_and(|(_, c)| c.category.is_absent());
    if absent == was_absent {
        return settle_conflict(conn, operator, lesson_id, student_id);
    }
    if absent {
        let code = store::attendance::unspecified_absence_code(conn)?.ok_or_else(|| {
            invalid("the attendance code table has no code for «absent, reason not given»: add one to record Н")
        })?;
        let mut ids = settle_conflict(conn, operator, lesson_id, student_id)?;
        ids.extend(write_code(
            conn,
            operator,
            working_date,
            lesson_id,
            student_id,
            code.id,
            true,
        )?);
        Ok(ids)
    } else {
        clear(conn, operator, working_date, lesson_id, student_id)
    }
}

/// Clear a student's entry at a lesson (back to present if the lesson's
/// attendance was taken). Clearing removes a comment beside the code too.
pub fn clear(
    conn: &store::Conn,
    operator: &str,
    working_date: NaiveDate,
    lesson_id: Id,
    student_id: Id,
) -> Result<Vec<i64>> {
    let lesson = store::journal::lesson(conn, lesson_id)?;
    check_day(conn, lesson.date, working_date)?;
    let key = cell_key(lesson_id, student_id);
    let mut ids = settle_conflict(conn, operator, lesson_id, student_id)?;
    ids.extend(store::audit::write_row(
        conn,
        operator,
        "attendance.clear",
        "attendance",
        &key,
        None,
    )?);
    Ok(ids)
}

/// Put a parent's comment (an annotation code and/or text) beside the code
/// of a student at a lesson; `None` for both removes it. There must be a
/// code to annotate.
pub fn set_comment(
    conn: &store::Conn,
    operator: &str,
    working_date: NaiveDate,
    lesson_id: Id,
    student_id: Id,
    comment_code_id: Option<Id>,
    comment: Option<&str>,
) -> Result<Vec<i64>> {
    let lesson = store::journal::lesson(conn, lesson_id)?;
    check_cell(conn, &lesson, student_id, working_date)?;
    if let Some(id) = comment_code_id {
        let c = code_by_id(conn, id)?;
        if c.category != Category::Annotation {
            return Err(invalid(format!(
                "{} ({}) is not a comment code; its category is {}",
                c.code,
                c.label,
                c.category.label()
            )));
        }
    }
    let key = cell_key(lesson_id, student_id);
    let Some(mut new) = row(conn, "attendance", &key)? else {
        return Err(invalid(format!(
            "{} has no absence code at lesson {} on {}: a parent's comment goes beside a code, set the code first",
            student_name(conn, student_id),
            lesson.lesson_no,
            lesson.date
        )));
    };
    new.insert("comment_code_id".into(), json!(comment_code_id));
    let text = comment.map(str::trim).filter(|s| !s.is_empty());
    new.insert("comment".into(), json!(text));
    new.insert("set_by".into(), json!(operator));
    new.insert("set_at".into(), json!(store::now()));
    Ok(store::audit::write_row(
        conn,
        operator,
        "attendance.comment",
        "attendance",
        &key,
        Some(&new),
    )?
    .into_iter()
    .collect())
}

/// Mark a lesson's attendance taken: every student without a code was
/// present. Codes already entered are kept. Returns the ids written.
pub fn take_lesson(
    conn: &store::Conn,
    operator: &str,
    working_date: NaiveDate,
    lesson_id: Id,
) -> Result<Vec<i64>> {
    let lesson = store::journal::lesson(conn, lesson_id)?;
    check_day(conn, lesson.date, working_date)?;
    take_checked(conn, operator, &lesson)
}

/// Mark a lesson taken whose day has been checked.
fn take_checked(conn: &store::Conn, operator: &str, lesson: &Lesson) -> Result<Vec<i64>> {
    if lesson.attendance_taken_at.is_some() {
        return Ok(vec![]);
    }
    let key = lesson_key(lesson.id);
    let mut new = row(conn, "lesson", &key)?
        .ok_or_else(|| store::StoreError::NotFound(format!("lesson {}", lesson.id)))?;
    new.insert("attendance_taken_at".into(), json!(store::now()));
    Ok(store::audit::write_row(
        conn,
        operator,
        "attendance.take",
        "lesson",
        &key,
        Some(&new),
    )?
    .into_iter()
    .collect())
}

/// Mark every lesson of a class on a day taken (the rest present).
pub fn take_day(
    conn: &store::Conn,
    operator: &str,
    working_date: NaiveDate,
    class_id: Id,
    date: NaiveDate,
) -> Result<Vec<i64>> {
    check_day(conn, date, working_date)?;
    let mut ids = Vec::new();
    let class = store::classes::class(conn, class_id)?;
    for l in day_lessons(conn, &class, date)? {
        let (id, made) = record_lesson(conn, operator, &l)?;
        ids.extend(made);
        let l = if made_any(&l) {
            store::journal::lesson(conn, id)?
        } else {
            l
        };
        ids.extend(take_checked(conn, operator, &l)?);
    }
    Ok(ids)
}

fn made_any(l: &Lesson) -> bool {
    l.id == 0
}

/// Switch a lesson between in class and online (distance) teaching.
pub fn set_mode(
    conn: &store::Conn,
    operator: &str,
    lesson_id: Id,
    mode: crate::domain::LessonMode,
) -> Result<Vec<i64>> {
    let key = lesson_key(lesson_id);
    let mut new = row(conn, "lesson", &key)?
        .ok_or_else(|| store::StoreError::NotFound(format!("lesson {lesson_id}")))?;
    if mode == crate::domain::LessonMode::Online
        && new.get("mode").and_then(|m| m.as_str()) != Some("online")
        && let Some(class_id) = new.get("class_id").and_then(|c| c.as_i64())
    {
        crate::service::journal::check_online_allowed(conn, class_id)?;
    }
    new.insert("mode".into(), json!(mode.as_str()));
    Ok(
        store::audit::write_row(conn, operator, "lesson.mode", "lesson", &key, Some(&new))?
            .into_iter()
            .collect(),
    )
}

/// What a range write did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RangeResult {
    /// Cells written (or already holding the code).
    pub set: usize,
    /// Cells skipped: the student was not on that lesson's list.
    pub skipped: usize,
}

/// Set (`Some(code)`) or clear (`None`) a block of cells at once, in one
/// transaction. Cells of students not on a lesson's list are skipped and
/// counted; a holiday or future day refuses the whole block.
pub fn set_range(
    conn: &store::Conn,
    operator: &str,
    working_date: NaiveDate,
    cells: &[(Id, Id)],
    code_id: Option<Id>,
) -> Result<(RangeResult, Vec<i64>)> {
    let mut out = RangeResult::default();
    let mut ids = Vec::new();
    let mut lessons: HashMap<Id, Lesson> = HashMap::new();
    for &(lesson_id, student_id) in cells {
        if let std::collections::hash_map::Entry::Vacant(e) = lessons.entry(lesson_id) {
            let l = store::journal::lesson(conn, lesson_id)?;
            check_day(conn, l.date, working_date)?;
            e.insert(l);
        }
        let lesson = &lessons[&lesson_id];
        if !on_lesson_list(conn, lesson, student_id)? {
            out.skipped += 1;
            continue;
        }
        ids.extend(match code_id {
            Some(c) => set_code(conn, operator, working_date, lesson_id, student_id, c)?,
            None => clear(conn, operator, working_date, lesson_id, student_id)?,
        });
        out.set += 1;
    }
    Ok((out, ids))
}

// ---------------------------------------------------------------------------
// Reasons: turning "absent, reason not given" into a reason.

/// A reason the class teacher gives for a day's absences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ReasonChoice {
    ExcusedHealth,
    ExcusedParentRequest,
    ExcusedQuarantine,
    Unexcused,
    Illness,
    InfectiousIllness,
}

impl ReasonChoice {
    pub const ALL: [ReasonChoice; 6] = [
        ReasonChoice::ExcusedHealth,
        ReasonChoice::ExcusedParentRequest,
        ReasonChoice::ExcusedQuarantine,
        ReasonChoice::Unexcused,
        ReasonChoice::Illness,
        ReasonChoice::InfectiousIllness,
    ];

    /// The code table's category and reason this choice stands for.
    pub fn category_reason(self) -> (Category, Reason) {
        match self {
            ReasonChoice::ExcusedHealth => (Category::AbsentExcused, Reason::Health),
            ReasonChoice::ExcusedParentRequest => (Category::AbsentExcused, Reason::ParentRequest),
            ReasonChoice::ExcusedQuarantine => (Category::AbsentExcused, Reason::Quarantine),
            ReasonChoice::Unexcused => (Category::AbsentUnexcused, Reason::Unknown),
            ReasonChoice::Illness => (Category::AbsentExcused, Reason::Illness),
            ReasonChoice::InfectiousIllness => (Category::AbsentExcused, Reason::InfectiousIllness),
        }
    }

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            ReasonChoice::ExcusedHealth => "health",
            ReasonChoice::ExcusedParentRequest => "parent-request",
            ReasonChoice::ExcusedQuarantine => "quarantine",
            ReasonChoice::Unexcused => "unexcused",
            ReasonChoice::Illness => "illness",
            ReasonChoice::InfectiousIllness => "infectious-illness",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ReasonChoice::ExcusedHealth => "excused: health",
            ReasonChoice::ExcusedParentRequest => "excused: parent's request",
            ReasonChoice::ExcusedQuarantine => "excused: quarantine",
            ReasonChoice::Unexcused => "unexcused",
            ReasonChoice::Illness => "illness (not infectious)",
            ReasonChoice::InfectiousIllness => "infectious illness",
        }
    }

    pub fn parse(s: &str) -> Option<ReasonChoice> {
        ReasonChoice::ALL.into_iter().find(|r| r.name() == s)
    }

    /// The visible code of the code table standing for this reason.
    pub fn code(self, codes: &[AttendanceCode]) -> Option<&AttendanceCode> {
        let (cat, reason) = self.category_reason();
        codes
            .iter()
            .find(|c| !c.hidden && c.category == cat && c.reason == Some(reason))
    }
}

/// A student with absences whose reason is not given yet, on one day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReasonToGive {
    pub student_id: Id,
    pub name: String,
    pub date: NaiveDate,
    /// The lessons concerned: (lesson id, lesson number, subject).
    pub lessons: Vec<(Id, u8, String)>,
}

/// Every student of a class with absent-unspecified cells on `date`.
pub fn reasons_to_give(
    conn: &store::Conn,
    class: &Class,
    year: &SchoolYear,
    date: NaiveDate,
) -> Result<Vec<ReasonToGive>> {
    let day = load(conn, class, year, date)?;
    Ok(day
        .students
        .iter()
        .filter_map(|s| {
            let lessons: Vec<(Id, u8, String)> = s
                .cells
                .iter()
                .zip(&day.lessons)
                .filter(|(c, _)| {
                    matches!(
                        c,
                        DayCell::Code {
                            category: Category::AbsentUnspecified,
                            ..
                        }
                    )
                })
                .map(|(_, l)| (l.lesson.id, l.lesson.lesson_no, l.subject.clone()))
                .collect();
            (!lessons.is_empty()).then(|| ReasonToGive {
                student_id: s.student_id,
                name: s.name.clone(),
                date,
                lessons,
            })
        })
        .collect())
}

/// Give a reason for a student's absences on a day: every lesson of the
/// class that day where the student is absent with the reason not given
/// gets the reason's code; nothing else changes. Returns how many lessons
/// were changed and the audit ids.
pub fn apply_reason(
    conn: &store::Conn,
    operator: &str,
    working_date: NaiveDate,
    class_id: Id,
    date: NaiveDate,
    student_id: Id,
    reason: ReasonChoice,
) -> Result<(usize, Vec<i64>)> {
    check_day(conn, date, working_date)?;
    let codes = store::attendance::codes(conn, true)?;
    let code = reason.code(&codes).ok_or_else(|| {
        invalid(format!(
            "the code table has no visible code for «{}»",
            reason.label()
        ))
    })?;
    let unspecified: HashSet<Id> = codes
        .iter()
        .filter(|c| c.category == Category::AbsentUnspecified)
        .map(|c| c.id)
        .collect();
    let lessons: HashSet<Id> = store::journal::lessons_on(conn, class_id, date)?
        .iter()
        .map(|l| l.id)
        .collect();
    let mut n = 0;
    let mut ids = Vec::new();
    for m in store::attendance::marks_for_class(conn, class_id, date, date)? {
        if m.student_id == student_id
            && lessons.contains(&m.lesson_id)
            && unspecified.contains(&m.code_id)
        {
            ids.extend(set_code(
                conn,
                operator,
                working_date,
                m.lesson_id,
                student_id,
                code.id,
            )?);
            n += 1;
        }
    }
    if n == 0 {
        return Err(invalid(format!(
            "{} has no absence without a reason on {date}",
            student_name(conn, student_id)
        )));
    }
    Ok((n, ids))
}

// ---------------------------------------------------------------------------
// Summaries and the class × period grid. Everything is counted by the code's
// category, never by its letter, so any code table gives the same totals.

/// Lessons counted by what happened, for one student or a whole class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Lessons whose attendance was taken (or that have an entry) while the
    /// student was on the list.
    pub lessons: usize,
    pub present: usize,
    pub present_remote: usize,
    pub exempt: usize,
    pub absent_excused: usize,
    pub absent_unexcused: usize,
    pub absent_unspecified: usize,
    /// Lessons on the list whose attendance was not taken (not counted above).
    pub not_taken: usize,
    /// Entries with a parent's comment beside the code.
    pub comments: usize,
}

impl Counts {
    fn add_category(&mut self, c: Category) {
        self.lessons += 1;
        match c {
            Category::Present | Category::Annotation => self.present += 1,
            Category::PresentRemote => self.present_remote += 1,
            Category::Exempt => self.exempt += 1,
            Category::AbsentExcused => self.absent_excused += 1,
            Category::AbsentUnexcused => self.absent_unexcused += 1,
            Category::AbsentUnspecified => self.absent_unspecified += 1,
        }
    }

    pub fn add(&mut self, o: &Counts) {
        self.lessons += o.lessons;
        self.present += o.present;
        self.present_remote += o.present_remote;
        self.exempt += o.exempt;
        self.absent_excused += o.absent_excused;
        self.absent_unexcused += o.absent_unexcused;
        self.absent_unspecified += o.absent_unspecified;
        self.not_taken += o.not_taken;
        self.comments += o.comments;
    }

    pub fn attended(&self) -> usize {
        self.present + self.present_remote + self.exempt
    }

    pub fn absent(&self) -> usize {
        self.absent_excused + self.absent_unexcused + self.absent_unspecified
    }

    /// Percentage of the counted lessons attended, in tenths of a percent
    /// (exact integers, so screen and CLI agree); `None` without lessons.
    pub fn attended_permille(&self) -> Option<u32> {
        (self.lessons > 0)
            .then(|| ((self.attended() * 2000 + self.lessons) / (2 * self.lessons)) as u32)
    }

    /// "93.5%" or "–".
    pub fn attended_text(&self) -> String {
        match self.attended_permille() {
            Some(p) => format!("{}.{}%", p / 10, p % 10),
            None => "–".into(),
        }
    }
}

/// One day of a student in the period grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum DaySummary {
    /// Not enrolled that day (or on no lesson's list).
    NotEnrolled,
    /// No lessons of the class that day.
    NoLessons,
    /// Every lesson taken, no absence.
    Present,
    /// Some lessons not taken, no absence recorded.
    NotTaken,
    /// Absences: how many lessons, and the code of the first one.
    Absent {
        lessons: usize,
        code: String,
        category: Category,
    },
    /// No absence; some lessons attended remotely (and their code).
    Remote { lessons: usize, code: String },
}

/// A student's day while counting: lessons on the list, not taken,
/// absences, the first absence's code.
/// (and the lessons attended remotely with their code).
type DayTally = (
    usize,
    usize,
    usize,
    Option<(String, Category)>,
    Option<(usize, String)>,
);

/// A column of the period grid.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodDay {
    pub date: NaiveDate,
    /// The holiday's label when the day falls in one (a weekday).
    pub holiday: Option<String>,
    pub lessons: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodStudent {
    pub student_id: Id,
    pub name: String,
    pub days: Vec<DaySummary>,
    pub counts: Counts,
}

/// A class over a period: students × school days, with the summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodView {
    pub class: Class,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub days: Vec<PeriodDay>,
    pub students: Vec<PeriodStudent>,
    pub total: Counts,
}

/// Load the class × period grid and summary of `class` from `from` to `to`
/// (clamped to the school year). School days and weekday holidays are the
/// columns; weekends are left out.
pub fn load_period(
    conn: &store::Conn,
    class: &Class,
    year: &SchoolYear,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<PeriodView> {
    let from = from.max(year.starts_on);
    let to = to.min(year.ends_on);
    let holidays = store::school::holidays(conn, year.id)?;
    let per_week = store::settings::load(conn)?.school_days_per_week;
    let codes: HashMap<Id, AttendanceCode> = store::attendance::codes(conn, true)?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let lessons = store::attendance::lesson_slots(conn, class.id, from, to)?;
    let mut members_of: HashMap<Id, HashSet<Id>> = HashMap::new();
    for g in lessons.iter().filter_map(|l| l.group_id) {
        if let std::collections::hash_map::Entry::Vacant(e) = members_of.entry(g) {
            e.insert(
                store::classes::group_members(conn, g)?
                    .into_iter()
                    .collect(),
            );
        }
    }
    let marks: HashMap<(Id, Id), (Id, bool)> =
        store::attendance::marks_for_class(conn, class.id, from, to)?
            .into_iter()
            .map(|a| {
                let commented = a.comment_code_id.is_some() || a.comment.is_some();
                ((a.lesson_id, a.student_id), (a.code_id, commented))
            })
            .collect();
    let mut days: Vec<PeriodDay> = Vec::new();
    let mut d = from;
    while d <= to {
        let holiday = holidays.iter().find(|h| h.contains(d));
        let weekday = d.weekday().number_from_monday() <= per_week;
        let n = lessons.iter().filter(|l| l.date == d).count();
        if weekday || n > 0 {
            days.push(PeriodDay {
                date: d,
                holiday: holiday.map(|h| h.label.clone()),
                lessons: n,
            });
        }
        match d.checked_add_days(Days::new(1)) {
            Some(n) => d = n,
            None => break,
        }
    }
    let day_idx: HashMap<NaiveDate, usize> =
        days.iter().enumerate().map(|(i, d)| (d.date, i)).collect();
    let mut total = Counts::default();
    let students = store::people::class_members(conn, class.id, from, to)?
        .into_iter()
        .map(|m| {
            let sid = m.student.id;
            let mut counts = Counts::default();
            // Per day: (lessons on the list, not taken, absences, first absence code)
            let mut per_day: Vec<DayTally> = vec![(0, 0, 0, None, None); days.len()];
            for l in &lessons {
                if !m.enrolled_on(l.date)
                    || l.group_id
                        .is_some_and(|g| !members_of.get(&g).is_some_and(|s| s.contains(&sid)))
                {
                    continue;
                }
                let Some(&di) = day_idx.get(&l.date) else {
                    continue;
                };
                let slot = &mut per_day[di];
                slot.0 += 1;
                match marks.get(&(l.id, sid)) {
                    Some((code_id, commented)) => {
                        let (code, cat) = codes
                            .get(code_id)
                            .map(|c| (c.code.clone(), c.category))
                            .unwrap_or_else(|| ("?".into(), Category::AbsentUnspecified));
                        counts.add_category(cat);
                        if *commented {
                            counts.comments += 1;
                        }
                        if cat.is_absent() {
                            slot.2 += 1;
                            if slot.3.is_none() {
                                slot.3 = Some((code, cat));
                            }
                        } else if cat == Category::PresentRemote {
                            let n = slot.4.as_ref().map_or(0, |r| r.0);
                            slot.4 = Some((n + 1, code));
                        }
                    }
                    None if l.taken => counts.add_category(Category::Present),
                    None => {
                        counts.not_taken += 1;
                        slot.1 += 1;
                    }
                }
            }
            let cells = days
                .iter()
                .zip(per_day)
                .map(|(day, (on_list, not_taken, absent, first, remote))| {
                    if day.lessons == 0 {
                        DaySummary::NoLessons
                    } else if on_list == 0 {
                        DaySummary::NotEnrolled
                    } else if let Some((code, category)) = first {
                        DaySummary::Absent {
                            lessons: absent,
                            code,
                            category,
                        }
                    } else if not_taken > 0 {
                        DaySummary::NotTaken
                    } else if let Some((lessons, code)) = remote {
                        DaySummary::Remote { lessons, code }
                    } else {
                        DaySummary::Present
                    }
                })
                .collect();
            total.add(&counts);
            PeriodStudent {
                student_id: sid,
                name: m.student.full_name(),
                days: cells,
                counts,
            }
        })
        .collect();
    Ok(PeriodView {
        class: class.clone(),
        from,
        to,
        days,
        students,
        total,
    })
}

/// Lessons of the working day whose attendance is not taken, per teacher.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NotTaken {
    pub teacher_id: Id,
    pub teacher: String,
    /// (lesson number, class, subject)
    pub lessons: Vec<(u8, String, String)>,
}

/// The "not taken yet" list of `date`, by teacher (the substitute, if any).
pub fn not_taken(conn: &store::Conn, date: NaiveDate) -> Result<Vec<NotTaken>> {
    let names: HashMap<Id, String> = store::people::staff(conn)?
        .into_iter()
        .map(|s| (s.id, s.full_name()))
        .collect();
    let mut out: Vec<NotTaken> = Vec::new();
    for (lesson, class, subject, teacher) in store::attendance::not_taken_on(conn, date)? {
        let entry = (lesson.lesson_no, class, subject);
        match out.iter_mut().find(|n| n.teacher_id == teacher) {
            Some(n) => n.lessons.push(entry),
            None => out.push(NotTaken {
                teacher_id: teacher,
                teacher: names.get(&teacher).cloned().unwrap_or_default(),
                lessons: vec![entry],
            }),
        }
    }
    out.sort_by(|a, b| a.teacher.cmp(&b.teacher));
    Ok(out)
}

// ---------------------------------------------------------------------------
// The code table: add, edit, hide; a code in use cannot be deleted.

/// Keys that are never code keys: navigation, undo, quit, help, tabs.
pub const RESERVED_KEYS: &str = "hjkluq?0123456789 ";

/// A code as the code table screen edits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodeDraft {
    pub code: String,
    pub label: String,
    pub category: Category,
    pub reason: Option<Reason>,
    pub key: Option<String>,
    pub sort: i64,
}

/// Check a draft against the rules and the rest of the table (`id` is the
/// code being edited, `None` for a new one).
pub fn check_code(conn: &store::Conn, id: Option<Id>, d: &CodeDraft) -> Result<()> {
    let code = crate::domain::text::nfc(&d.code);
    let n = code.chars().count();
    if !(1..=2).contains(&n) {
        return Err(invalid(format!(
            "the code «{code}» must be one or two characters (it has {n})"
        )));
    }
    if crate::domain::text::nfc(&d.label).is_empty() {
        return Err(invalid("the label is empty"));
    }
    let others: Vec<AttendanceCode> = store::attendance::codes(conn, false)?
        .into_iter()
        .filter(|c| Some(c.id) != id)
        .collect();
    if let Some(k) = &d.key {
        let k = crate::domain::text::nfc(k).to_lowercase();
        if k.chars().count() != 1 {
            return Err(invalid(format!("the key «{k}» must be one character")));
        }
        if RESERVED_KEYS.contains(k.as_str()) {
            return Err(invalid(format!(
                "«{k}» moves, undoes, quits or switches tabs; choose another key"
            )));
        }
        if let Some(o) = others.iter().find(|c| c.key.as_deref() == Some(k.as_str())) {
            return Err(invalid(format!(
                "the key «{k}» is already the key of {} ({})",
                o.code, o.label
            )));
        }
    }
    if others
        .iter()
        .any(|c| c.code == code && c.category == d.category && c.reason == d.reason)
    {
        return Err(invalid(format!(
            "the table already has {code} for {}",
            d.category.label()
        )));
    }
    Ok(())
}

fn code_row(id: Id, d: &CodeDraft, hidden: bool) -> Map<String, Value> {
    key_of(&[
        ("id", json!(id)),
        ("code", json!(crate::domain::text::nfc(&d.code))),
        ("label", json!(crate::domain::text::nfc(&d.label))),
        ("category", json!(d.category.as_str())),
        ("reason", json!(d.reason.map(|r| r.as_str()))),
        (
            "key",
            json!(
                d.key
                    .as_deref()
                    .map(|k| crate::domain::text::nfc(k).to_lowercase())
                    .filter(|k| !k.is_empty())
            ),
        ),
        ("sort", json!(d.sort)),
        ("hidden", json!(i64::from(hidden))),
    ])
}

/// Add a code (`id` `None`) or change one; returns its id and the audit ids.
pub fn save_code(
    conn: &store::Conn,
    operator: &str,
    id: Option<Id>,
    d: &CodeDraft,
) -> Result<(Id, Vec<i64>)> {
    check_code(conn, id, d)?;
    let (id, hidden) = match id {
        Some(id) => (id, code_by_id(conn, id)?.hidden),
        None => {
            let next: Id = conn.query_row(
                "SELECT ifnull(max(id), 0) + 1 FROM attendance_code",
                [],
                |r| r.get(0),
            )?;
            (next, false)
        }
    };
    let key = key_of(&[("id", json!(id))]);
    let ids = store::audit::write_row(
        conn,
        operator,
        "attendance_code.save",
        "attendance_code",
        &key,
        Some(&code_row(id, d, hidden)),
    )?;
    Ok((id, ids.into_iter().collect()))
}

/// Hide a code (it stays on the entries that use it) or show it again.
pub fn set_code_hidden(
    conn: &store::Conn,
    operator: &str,
    id: Id,
    hidden: bool,
) -> Result<Vec<i64>> {
    let key = key_of(&[("id", json!(id))]);
    let mut row = row(conn, "attendance_code", &key)?
        .ok_or_else(|| store::StoreError::NotFound(format!("attendance code {id}")))?;
    row.insert("hidden".into(), json!(i64::from(hidden)));
    Ok(store::audit::write_row(
        conn,
        operator,
        "attendance_code.hide",
        "attendance_code",
        &key,
        Some(&row),
    )?
    .into_iter()
    .collect())
}

/// Delete a code nobody uses; a code in use is refused (hide it instead).
pub fn delete_code(conn: &store::Conn, operator: &str, id: Id) -> Result<Vec<i64>> {
    let c = code_by_id(conn, id)?;
    let uses = store::attendance::code_use_count(conn, id)?;
    if uses > 0 {
        return Err(invalid(format!(
            "{} ({}) is used by {uses} attendance entries and cannot be deleted; hide it instead",
            c.code, c.label
        )));
    }
    let key = key_of(&[("id", json!(id))]);
    Ok(store::audit::write_row(
        conn,
        operator,
        "attendance_code.delete",
        "attendance_code",
        &key,
        None,
    )?
    .into_iter()
    .collect())
}

// ---------------------------------------------------------------------------
// Online teaching (DOMAIN §4): the device census of a class, the students
// who cannot attend online, and the follow-ups of those students.

use crate::domain::attendance::{DeviceCensus, FollowupMethod, OnlineFollowup};

/// A device (or the internet connection) of the census.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Device {
    Computer,
    Tablet,
    Smartphone,
    Tv,
    Internet,
}

impl Device {
    pub const ALL: [Device; 5] = [
        Device::Computer,
        Device::Tablet,
        Device::Smartphone,
        Device::Tv,
        Device::Internet,
    ];

    pub fn column(self) -> &'static str {
        match self {
            Device::Computer => "computer",
            Device::Tablet => "tablet",
            Device::Smartphone => "smartphone",
            Device::Tv => "tv",
            Device::Internet => "internet",
        }
    }

    pub fn get(self, c: &DeviceCensus) -> bool {
        match self {
            Device::Computer => c.computer,
            Device::Tablet => c.tablet,
            Device::Smartphone => c.smartphone,
            Device::Tv => c.tv,
            Device::Internet => c.internet,
        }
    }
}

/// A student's row of the census grid.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CensusRow {
    pub student_id: Id,
    pub name: String,
    /// `None`: no census taken for the student this year.
    pub census: Option<DeviceCensus>,
    pub followups: Vec<OnlineFollowup>,
}

impl CensusRow {
    /// Can follow online lessons; `None` when unknown (no census).
    pub fn can_attend_online(&self) -> Option<bool> {
        self.census.as_ref().map(DeviceCensus::can_attend_online)
    }
}

/// The census of the students enrolled in `class` on `date`, with their
/// follow-ups.
pub fn census(
    conn: &store::Conn,
    class: &Class,
    year: &SchoolYear,
    date: NaiveDate,
) -> Result<Vec<CensusRow>> {
    let taken: HashMap<Id, DeviceCensus> =
        store::attendance::census_for_class(conn, class.id, year.id)?
            .into_iter()
            .map(|c| (c.student_id, c))
            .collect();
    store::people::class_members(conn, class.id, date, date)?
        .into_iter()
        .filter(|m| m.enrolled_on(date))
        .map(|m| {
            Ok(CensusRow {
                student_id: m.student.id,
                name: m.student.full_name(),
                census: taken.get(&m.student.id).cloned(),
                followups: store::attendance::followups(conn, m.student.id)?,
            })
        })
        .collect()
}

/// The students who cannot attend online (by the census) or whose census
/// is missing: the class teacher's follow-up list.
pub fn cannot_attend_online(
    conn: &store::Conn,
    class: &Class,
    year: &SchoolYear,
    date: NaiveDate,
) -> Result<Vec<CensusRow>> {
    Ok(census(conn, class, year, date)?
        .into_iter()
        .filter(|r| r.can_attend_online() != Some(true))
        .collect())
}

/// Set one device of a student's census (taking the census on `date` if
/// the student has none yet).
pub fn set_device(
    conn: &store::Conn,
    operator: &str,
    student_id: Id,
    year_id: Id,
    date: NaiveDate,
    device: Device,
    value: bool,
) -> Result<Vec<i64>> {
    let key = key_of(&[
        ("student_id", json!(student_id)),
        ("year_id", json!(year_id)),
    ]);
    let mut new = row(conn, "device_census", &key)?.unwrap_or_else(|| {
        let mut m = key.clone();
        for d in Device::ALL {
            m.insert(d.column().into(), json!(0));
        }
        m.insert("note".into(), json!(""));
        m
    });
    new.insert("taken_on".into(), json!(date));
    new.insert(device.column().into(), json!(i64::from(value)));
    Ok(store::audit::write_row(
        conn,
        operator,
        "census.set",
        "device_census",
        &key,
        Some(&new),
    )?
    .into_iter()
    .collect())
}

/// Record a follow-up of a student who cannot attend online: a phone
/// call, a home visit or a message on `date` by a staff member, with a note.
/// Refused after the working date, with an empty note, or for an unknown
/// staff member.
#[allow(clippy::too_many_arguments)]
pub fn add_followup(
    conn: &store::Conn,
    operator: &str,
    working_date: NaiveDate,
    student_id: Id,
    date: NaiveDate,
    by_staff_id: Id,
    method: FollowupMethod,
    note: &str,
) -> Result<(Id, Vec<i64>)> {
    if date > working_date {
        return Err(invalid(format!(
            "{date} is after the working date {working_date}: a follow-up is recorded once done"
        )));
    }
    let note = crate::domain::text::nfc(note);
    if note.is_empty() {
        return Err(invalid(
            "the follow-up needs a note: what was agreed or done",
        ));
    }
    if !store::people::staff(conn)?
        .iter()
        .any(|s| s.id == by_staff_id)
    {
        return Err(invalid(format!("no staff member with id {by_staff_id}")));
    }
    let id: Id = conn.query_row(
        "SELECT ifnull(max(id), 0) + 1 FROM online_followup",
        [],
        |r| r.get(0),
    )?;
    let key = key_of(&[("id", json!(id))]);
    let new = key_of(&[
        ("id", json!(id)),
        ("student_id", json!(student_id)),
        ("date", json!(date)),
        ("by_staff_id", json!(by_staff_id)),
        ("method", json!(method.as_str())),
        ("note", json!(note)),
    ]);
    let ids = store::audit::write_row(
        conn,
        operator,
        "followup.add",
        "online_followup",
        &key,
        Some(&new),
    )?;
    Ok((id, ids.into_iter().collect()))
}
