//! The class journal of one class, subject and period, as the journal pane
//! shows it: the lessons held, the class list with each student's stay, the
//! marks grid and each student's count, weighted mean and suggested grade.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::domain::marks::{self, Mark, MarkError, MarkSymbol, Suggestion};
use crate::domain::settings::Settings;
use crate::domain::text::nfc;
use crate::domain::{
    Class, HomeworkKind, Id, Lesson, LessonMode, Period, PeriodKind, Subject, TeachingLog,
    TimetableSlot,
};
pub use crate::service::expect::Expect;
use crate::store::curriculum::ControlForm;
use crate::store::{self, Result};

/// One lesson of the journal with what the pane shows beside it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JournalLesson {
    pub lesson: Lesson,
    /// The substitute who taught it (short name), if not the usual teacher.
    pub substitute: Option<String>,
    /// The group the lesson was for, if not the whole class.
    pub group: Option<String>,
    /// The form of control planned for the lesson, if any.
    pub control_form: Option<String>,
    /// False for a lesson of the timetable that has no record yet (an
    /// empty column: `lesson.id` is 0 until something is entered).
    pub recorded: bool,
}

impl JournalLesson {
    /// Taught online (distance learning).
    pub fn online(&self) -> bool {
        self.lesson.mode == LessonMode::Online
    }

    /// How a write names this column's lesson.
    pub fn reference(&self) -> LessonRef {
        if self.recorded {
            LessonRef::Id(self.lesson.id)
        } else {
            LessonRef::Slot {
                timetable_id: self.lesson.timetable_id.unwrap_or(0),
                date: self.lesson.date,
            }
        }
    }
}

/// One cell of the marks grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum MarkCell {
    /// The student was not in the class (or the lesson's group) that day.
    NotEnrolled,
    /// Enrolled, no mark.
    Empty,
    /// The marks as shown ("5/4", "*4", "Н", "°").
    Marks(String),
}

/// A row of the grid: a student and their standing in the period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JournalStudent {
    pub student_id: Id,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    /// Marks that count on the working date.
    pub counted: usize,
    /// Weighted mean in hundredths.
    pub mean_hundredths: Option<u32>,
    pub suggestion: Suggestion,
    /// The final period grade set by the teacher ("2"–"5" or "na").
    pub final_grade: Option<String>,
    /// One cell per lesson, in lesson order.
    pub cells: Vec<MarkCell>,
    /// The marks behind each cell (same order as `cells`; empty where
    /// there is none): form of control, weight, deadline, comment, who.
    pub details: Vec<Vec<MarkDetail>>,
    /// The absence behind each cell's `Н` (same order as `cells`): the
    /// attendance code and its label ("Н Неуважительная причина"). The
    /// attendance register is the one record of an absence; the journal
    /// shows it.
    pub absences: Vec<Option<String>>,
}

/// One mark of a cell in full.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MarkDetail {
    /// As the grid shows it ("5", "*4", "°", "Н").
    pub mark: String,
    /// The form of control ("Контрольная работа").
    pub form: String,
    pub weight: u8,
    /// A pending mark's correction deadline.
    pub due_on: Option<NaiveDate>,
    /// A deferred mark's comment.
    pub comment: Option<String>,
    pub entered_at: String,
    pub entered_by: String,
}

impl MarkDetail {
    /// One line: "5 Контрольная работа, weight 2" with the deadline of a
    /// pending mark and the comment of a deferred one.
    pub fn line(&self) -> String {
        let mut s = format!("{} {}, weight {}", self.mark, self.form, self.weight);
        if let Some(d) = self.due_on {
            s.push_str(&format!(", due {}", crate::domain::text::date_full(d)));
        }
        if let Some(c) = &self.comment {
            s.push_str(&format!(", «{c}»"));
        }
        s
    }
}

/// The journal of one class, subject and period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JournalView {
    pub class: Class,
    pub subject: Subject,
    pub period: Period,
    pub lessons: Vec<JournalLesson>,
    pub students: Vec<JournalStudent>,
    /// Marks a period grade needs (quarter or half-year rule).
    pub required_marks: usize,
    /// How far the lessons held are from the thematic plan.
    pub progress: PlanProgress,
    /// The group shown (id, name): its lessons and the whole class's, and
    /// its students only. `None`: the whole class, every group's lessons.
    pub group: Option<(Id, String)>,
    /// The groups the subject is split into in this class (empty when it
    /// is taught to the whole class only).
    pub groups: Vec<(Id, String)>,
}

/// Marks needed for a period grade: the quarter rule for quarters, the
/// half-year rule for halves and the year.
pub fn required_marks(kind: PeriodKind, s: &Settings) -> usize {
    match kind {
        PeriodKind::Quarter => s.min_marks_quarter,
        PeriodKind::Half | PeriodKind::Year => s.min_marks_half,
    }
}

/// Load the journal of `class_id` × `subject_id` in `period`, judging
/// pending marks and means on `today` (the working date). Lessons of the
/// timetable up to `today` that have no record appear as empty columns.
pub fn load(
    conn: &store::Conn,
    class: &Class,
    subject: &Subject,
    period: &Period,
    today: NaiveDate,
) -> Result<JournalView> {
    load_group(conn, class, subject, period, None, today)
}

/// The journal of one group of `class` (`group` Some): the whole-class
/// lessons and that group's, its students only, and its own progress
/// through the plan. `None` is [`load`]: the whole class.
pub fn load_group(
    conn: &store::Conn,
    class: &Class,
    subject: &Subject,
    period: &Period,
    group: Option<Id>,
    today: NaiveDate,
) -> Result<JournalView> {
    let common = ClassReading::read(conn, class, period)?;
    load_in(conn, &common, subject, group, today, true)
}

/// What the journals of every subject of one class in one period read
/// alike (settings, staff, groups, forms of control, the class list): a
/// report that reads them all reads it once.
pub struct ClassReading {
    class: Class,
    period: Period,
    settings: Settings,
    staff: HashMap<Id, String>,
    groups: HashMap<Id, String>,
    forms: HashMap<Id, String>,
    members: Vec<store::people::ClassMember>,
}

impl ClassReading {
    pub fn read(conn: &store::Conn, class: &Class, period: &Period) -> Result<ClassReading> {
        Ok(ClassReading {
            class: class.clone(),
            period: period.clone(),
            settings: store::settings::load(conn)?,
            staff: store::people::staff(conn)?
                .into_iter()
                .map(|s| (s.id, s.short_name()))
                .collect(),
            groups: store::classes::groups(conn, class.id)?
                .into_iter()
                .map(|g| (g.id, g.name))
                .collect(),
            forms: store::curriculum::control_forms(conn)?
                .into_iter()
                .map(|f| (f.id, f.name))
                .collect(),
            members: store::people::class_members(
                conn,
                class.id,
                period.starts_on,
                period.ends_on,
            )?,
        })
    }

    /// The school's settings as read.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The students of the class at any time in the period, with their stays.
    pub fn members(&self) -> &[store::people::ClassMember] {
        &self.members
    }
}

/// [`load_group`] of `subject` with what the class's journals share read
/// already; `progress`: whether to work out the progress through the
/// thematic plan (a report that does not show it leaves it empty).
pub fn load_in(
    conn: &store::Conn,
    common: &ClassReading,
    subject: &Subject,
    group: Option<Id>,
    today: NaiveDate,
    progress: bool,
) -> Result<JournalView> {
    let ClassReading {
        class,
        period,
        settings,
        staff,
        groups,
        forms,
        ..
    } = common;
    let split = store::journal::subject_groups(conn, class.id, subject.id)?;
    let group = match group {
        None => None,
        Some(g) => {
            let name = groups
                .get(&g)
                .cloned()
                .ok_or_else(|| store::invalid(format!("{} has no group #{g}", class.name)))?;
            Some((g, name))
        }
    };
    let in_group = |l: &Lesson| match &group {
        None => true,
        Some((g, _)) => l.group_id.is_none_or(|x| x == *g),
    };
    let recorded =
        store::journal::lessons(conn, class.id, subject.id, period.starts_on, period.ends_on)?;
    let gaps = unrecorded_slots(
        conn,
        class,
        subject,
        period.starts_on,
        period.ends_on.min(today),
        &recorded,
    )?;
    let mut lessons: Vec<(Lesson, bool)> = recorded
        .into_iter()
        .map(|l| (l, true))
        .chain(gaps.into_iter().map(|l| (l, false)))
        .filter(|(l, _)| in_group(l))
        .collect();
    lessons.sort_by_key(|(l, _)| (l.date, l.lesson_no, l.group_id.unwrap_or(0)));
    let members_of = group_members_of(conn, lessons.iter().filter_map(|(l, _)| l.group_id))?;
    let lessons: Vec<JournalLesson> = lessons
        .into_iter()
        .map(|(lesson, recorded)| JournalLesson {
            substitute: lesson
                .taught_by_id
                .filter(|t| *t != lesson.teacher_id)
                .map(|t| staff.get(&t).cloned().unwrap_or_else(|| format!("#{t}"))),
            group: lesson.group_id.and_then(|g| groups.get(&g).cloned()),
            control_form: lesson.control_form_id.and_then(|f| forms.get(&f).cloned()),
            recorded,
            lesson,
        })
        .collect();
    let index = recorded_index(&lessons);
    let n = lessons.len();
    let mut marks_of: HashMap<Id, Vec<Vec<store::journal::StoredMark>>> = HashMap::new();
    for m in store::journal::marks(conn, class.id, subject.id, period.starts_on, period.ends_on)? {
        if let Some(&i) = index.get(&m.lesson_id) {
            marks_of
                .entry(m.student_id)
                .or_insert_with(|| per_lesson(n))[i]
                .push(m);
        }
    }
    // The absences come from attendance, the one record of them.
    let mut absent_of: HashMap<Id, Vec<Option<String>>> = HashMap::new();
    for (lesson_id, student_id, code, label) in store::attendance::absences_for_subject(
        conn,
        class.id,
        subject.id,
        period.starts_on,
        period.ends_on,
    )? {
        if let Some(&i) = index.get(&lesson_id) {
            absent_of.entry(student_id).or_insert_with(|| vec![None; n])[i] =
                Some(format!("{code} {label}"));
        }
    }
    let finals = finals_of(conn, class.id, subject.id, period.id)?;
    let required = required_marks(period.kind, settings);
    let mut members = common.members.clone();
    if let Some((g, _)) = &group {
        let of_group: HashSet<Id> = store::classes::group_members(conn, *g)?
            .into_iter()
            .collect();
        members.retain(|m| of_group.contains(&m.student.id));
    }
    let rows = Rows {
        lessons: &lessons,
        members_of: &members_of,
        forms,
        required,
        settings,
        today,
    };
    let students = members
        .into_iter()
        .map(|m| {
            let sid = m.student.id;
            rows.student(
                (sid, m.student.full_name(), m.starts_on, m.ends_on),
                marks_of.remove(&sid).unwrap_or_else(|| per_lesson(n)),
                absent_of.remove(&sid).unwrap_or_else(|| vec![None; n]),
                finals.get(&sid).cloned().flatten(),
            )
        })
        .collect();
    let progress = match progress {
        true => plan_progress(conn, class, subject, group.as_ref().map(|g| g.0), today)?,
        false => PlanProgress::default(),
    };
    Ok(JournalView {
        class: class.clone(),
        subject: subject.clone(),
        period: period.clone(),
        lessons,
        students,
        required_marks: required,
        progress,
        group,
        groups: split,
    })
}

/// The members of each of `groups` (lessons given to a group).
fn group_members_of(
    conn: &store::Conn,
    groups: impl Iterator<Item = Id>,
) -> Result<HashMap<Id, HashSet<Id>>> {
    let mut members_of: HashMap<Id, HashSet<Id>> = HashMap::new();
    for g in groups {
        if let std::collections::hash_map::Entry::Vacant(e) = members_of.entry(g) {
            e.insert(
                store::classes::group_members(conn, g)?
                    .into_iter()
                    .collect(),
            );
        }
    }
    Ok(members_of)
}

/// A recorded lesson's id → its column.
fn recorded_index(lessons: &[JournalLesson]) -> HashMap<Id, usize> {
    lessons
        .iter()
        .enumerate()
        .filter(|(_, l)| l.recorded)
        .map(|(i, l)| (l.lesson.id, i))
        .collect()
}

/// Each student's final grade in a subject and period.
fn finals_of(
    conn: &store::Conn,
    class_id: Id,
    subject_id: Id,
    period_id: Id,
) -> Result<HashMap<Id, Option<String>>> {
    Ok(
        store::journal::period_grades(conn, class_id, subject_id, period_id)?
            .into_iter()
            .map(|g| (g.student_id, g.final_grade))
            .collect(),
    )
}

fn per_lesson(n: usize) -> Vec<Vec<store::journal::StoredMark>> {
    (0..n).map(|_| Vec::new()).collect()
}

/// What a row of the grid is built from, shared by the whole view's
/// reading and a row read again after a write.
struct Rows<'a> {
    lessons: &'a [JournalLesson],
    /// The members of each group a lesson was for.
    members_of: &'a HashMap<Id, HashSet<Id>>,
    forms: &'a HashMap<Id, String>,
    required: usize,
    settings: &'a Settings,
    today: NaiveDate,
}

impl Rows<'_> {
    /// A student's row: `(id, name, stay from, stay to)`, their marks and
    /// absences per lesson of the view, and their final grade.
    fn student(
        &self,
        (sid, name, starts_on, ends_on): (Id, String, NaiveDate, Option<NaiveDate>),
        marks: Vec<Vec<store::journal::StoredMark>>,
        absences: Vec<Option<String>>,
        final_grade: Option<String>,
    ) -> JournalStudent {
        let enrolled_on = |d: NaiveDate| starts_on <= d && ends_on.is_none_or(|e| d <= e);
        let mut all: Vec<Mark> = Vec::new();
        let mut details = Vec::with_capacity(self.lessons.len());
        let mut cells = Vec::with_capacity(self.lessons.len());
        for ((l, ms), absent) in self.lessons.iter().zip(marks).zip(&absences) {
            details.push(
                ms.iter()
                    .map(|m| MarkDetail {
                        mark: m.mark.display(),
                        form: self
                            .forms
                            .get(&m.control_form_id)
                            .cloned()
                            .unwrap_or_else(|| format!("form #{}", m.control_form_id)),
                        weight: m.mark.weight,
                        due_on: m.mark.due_on,
                        comment: m.mark.comment.clone(),
                        entered_at: m.entered_at.clone(),
                        entered_by: m.entered_by.clone(),
                    })
                    .collect(),
            );
            let in_group = l
                .lesson
                .group_id
                .is_none_or(|g| self.members_of.get(&g).is_some_and(|s| s.contains(&sid)));
            cells.push(if !ms.is_empty() || absent.is_some() {
                let ms: Vec<Mark> = ms.into_iter().map(|m| m.mark).collect();
                let text = cell_text(absent.is_some(), &ms);
                all.extend(ms);
                MarkCell::Marks(text)
            } else if enrolled_on(l.lesson.date) && in_group {
                MarkCell::Empty
            } else {
                MarkCell::NotEnrolled
            });
        }
        JournalStudent {
            student_id: sid,
            name,
            starts_on,
            ends_on,
            counted: marks::counted_marks(&all, self.today),
            mean_hundredths: marks::weighted_mean_hundredths(&all, self.today),
            suggestion: marks::suggest(&all, self.required, self.today, self.settings),
            final_grade,
            cells,
            details,
            absences,
        }
    }
}

/// Read again the rows of `students` in `view` (after a write to their
/// cells of recorded lessons): their marks, absences, counts, means,
/// suggestions and final grades, the rest of the view as it was. Cheaper
/// than reading the whole view; the same rows as [`load_group`] would give.
pub fn refresh_students(
    conn: &store::Conn,
    view: &mut JournalView,
    students: &[Id],
    today: NaiveDate,
) -> Result<()> {
    let settings = store::settings::load(conn)?;
    let forms: HashMap<Id, String> = store::curriculum::control_forms(conn)?
        .into_iter()
        .map(|f| (f.id, f.name))
        .collect();
    let members_of = group_members_of(conn, view.lessons.iter().filter_map(|l| l.lesson.group_id))?;
    let index = recorded_index(&view.lessons);
    let finals = finals_of(conn, view.class.id, view.subject.id, view.period.id)?;
    let n = view.lessons.len();
    let what = (view.class.id, view.subject.id);
    let (from, to) = (view.period.starts_on, view.period.ends_on);
    let mut fresh = Vec::new();
    for &sid in students {
        let Some(pos) = view.students.iter().position(|s| s.student_id == sid) else {
            continue;
        };
        let mut marks = per_lesson(n);
        for m in store::journal::student_marks(conn, what, from, to, sid)? {
            if let Some(&i) = index.get(&m.lesson_id) {
                marks[i].push(m);
            }
        }
        let mut absences = vec![None; n];
        for (lesson_id, _, code, label) in
            store::attendance::absences_of(conn, what, (from, to), Some(sid))?
        {
            if let Some(&i) = index.get(&lesson_id) {
                absences[i] = Some(format!("{code} {label}"));
            }
        }
        let s = &view.students[pos];
        fresh.push((
            pos,
            (sid, s.name.clone(), s.starts_on, s.ends_on),
            marks,
            absences,
        ));
    }
    let rows = Rows {
        lessons: &view.lessons,
        members_of: &members_of,
        forms: &forms,
        required: view.required_marks,
        settings: &settings,
        today,
    };
    let rows: Vec<(usize, JournalStudent)> = fresh
        .into_iter()
        .map(|(pos, who, marks, absences)| {
            let fin = finals.get(&who.0).cloned().flatten();
            (pos, rows.student(who, marks, absences, fin))
        })
        .collect();
    for (pos, row) in rows {
        view.students[pos] = row;
    }
    Ok(())
}

/// A cell as the grid shows it: `Н` first when attendance has the student
/// absent (once, even beside a `Н` mark left from before migration 6), then
/// the marks ("Н/5", "5/4").
pub fn cell_text(absent: bool, marks: &[Mark]) -> String {
    let shown = marks.iter().map(Mark::display);
    let has_n = marks.iter().any(|m| m.symbol == MarkSymbol::Absent);
    if absent && !has_n {
        std::iter::once("Н".to_string())
            .chain(shown)
            .collect::<Vec<_>>()
            .join("/")
    } else {
        shown.collect::<Vec<_>>().join("/")
    }
}

/// The timetable's lessons of a class and subject between two dates (school
/// days only: holidays and Sundays skipped), as unsaved lessons (id 0).
fn timetable_lessons(
    conn: &store::Conn,
    class: &Class,
    subject: &Subject,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Lesson>> {
    let slots: Vec<TimetableSlot> = store::curriculum::timetable(conn, class.id)?
        .into_iter()
        .filter(|s| s.subject_id == subject.id)
        .collect();
    if slots.is_empty() || from > to {
        return Ok(vec![]);
    }
    let holidays = store::school::holidays(conn, class.year_id)?;
    let mut out = Vec::new();
    let mut d = from;
    while d <= to {
        let wd = d.weekday().number_from_monday() as u8;
        if wd != 7 && !holidays.iter().any(|h| h.contains(d)) {
            for s in slots.iter().filter(|s| {
                s.weekday == wd && s.valid_from <= d && s.valid_to.is_none_or(|v| d <= v)
            }) {
                out.push(slot_lesson(s, d));
            }
        }
        d = match d.succ_opt() {
            Some(n) => n,
            None => break,
        };
    }
    Ok(out)
}

/// The lesson a timetable slot gives on `date`, not recorded yet (`id` 0).
pub fn slot_lesson(s: &TimetableSlot, date: NaiveDate) -> Lesson {
    Lesson {
        id: 0,
        class_id: s.class_id,
        group_id: s.group_id,
        subject_id: s.subject_id,
        teacher_id: s.teacher_id,
        taught_by_id: None,
        date,
        lesson_no: s.lesson_no,
        timetable_id: Some(s.id),
        plan_topic_id: None,
        control_form_id: None,
        topic: None,
        homework: None,
        homework_kind: None,
        homework_minutes: None,
        mode: LessonMode::InClass,
        recorded_at: None,
        attendance_taken_at: None,
    }
}

/// Timetable lessons with no record among `recorded`.
fn unrecorded_slots(
    conn: &store::Conn,
    class: &Class,
    subject: &Subject,
    from: NaiveDate,
    to: NaiveDate,
    recorded: &[Lesson],
) -> Result<Vec<Lesson>> {
    let held: HashSet<(NaiveDate, u8, Id)> = recorded
        .iter()
        .map(|l| (l.date, l.lesson_no, l.group_id.unwrap_or(0)))
        .collect();
    Ok(timetable_lessons(conn, class, subject, from, to)?
        .into_iter()
        .filter(|l| !held.contains(&(l.date, l.lesson_no, l.group_id.unwrap_or(0))))
        .collect())
}

// ---------------------------------------------------------------------------
// Thematic plan progress

/// Lessons held against the thematic plan, on the working date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct PlanProgress {
    /// Lessons the whole plan needs (sum of the topics' hours).
    pub planned: u32,
    /// Lessons the timetable gave from the start of the year to today
    /// (capped at `planned`): what should have been held by now.
    pub due: u32,
    /// Lessons recorded with a topic up to today.
    pub held: u32,
    /// `due - held` when positive: how many lessons behind the plan.
    pub behind: u32,
    /// The next planned topic (after the last one a lesson took up).
    pub next_topic: Option<String>,
    /// Whose progress this is: a group's (each group of a split subject
    /// goes through the whole plan on its own), or the whole class's.
    #[serde(default)]
    pub group: Option<String>,
    /// For the whole class of a subject taught in split groups, each
    /// group's progress; the figures above are then the group furthest
    /// behind (never the groups' lessons added up).
    #[serde(default)]
    pub groups: Vec<PlanProgress>,
}

/// How far the class and subject (or one group of it, `group` Some) are
/// through the thematic plan on `today`. A group counts the whole-class
/// lessons and its own. The whole class of a subject taught in split
/// groups is judged group by group: its figures are those of the group
/// furthest behind, with every group's in `groups`.
pub fn plan_progress(
    conn: &store::Conn,
    class: &Class,
    subject: &Subject,
    group: Option<Id>,
    today: NaiveDate,
) -> Result<PlanProgress> {
    let plan = store::curriculum::plan(conn, class.id, subject.id)?;
    let Some(year) = store::school::years(conn)?
        .into_iter()
        .find(|y| y.id == class.year_id)
    else {
        return Ok(PlanProgress::default());
    };
    let until = today.min(year.ends_on);
    let lessons = store::journal::lessons(conn, class.id, subject.id, year.starts_on, until)?;
    let slots = timetable_lessons(conn, class, subject, year.starts_on, until)?;
    let split = store::journal::subject_groups(conn, class.id, subject.id)?;
    let name_of = |g: Id| split.iter().find(|s| s.0 == g).map(|s| s.1.clone());
    if let Some(g) = group {
        return Ok(group_progress(&plan, &lessons, &slots, Some(g), name_of(g)));
    }
    if split.is_empty() {
        return Ok(group_progress(&plan, &lessons, &slots, None, None));
    }
    let groups: Vec<PlanProgress> = split
        .iter()
        .map(|(g, name)| group_progress(&plan, &lessons, &slots, Some(*g), Some(name.clone())))
        .collect();
    let worst = groups
        .iter()
        .max_by_key(|p| (p.behind, std::cmp::Reverse(p.held)))
        .cloned()
        .unwrap_or_default();
    Ok(PlanProgress { groups, ..worst })
}

/// One group's (or, `group` None, every lesson's) progress through `plan`.
fn group_progress(
    plan: &[crate::domain::PlanTopic],
    lessons: &[Lesson],
    slots: &[Lesson],
    group: Option<Id>,
    name: Option<String>,
) -> PlanProgress {
    let mine = |l: &&Lesson| group.is_none_or(|g| l.group_id.is_none_or(|x| x == g));
    let lessons: Vec<&Lesson> = lessons.iter().filter(mine).collect();
    let planned: u32 = plan.iter().map(|p| p.hours).sum();
    let held = lessons
        .iter()
        .filter(|l| l.topic.as_deref().is_some_and(|t| !t.trim().is_empty()))
        .count() as u32;
    let scheduled = slots.iter().filter(mine).count() as u32;
    let due = scheduled.min(planned);
    // The next topic: after the furthest planned topic a lesson took up,
    // else by the count of lessons held.
    let seq_of: HashMap<Id, u32> = plan.iter().map(|p| (p.id, p.seq)).collect();
    let last_seq = lessons
        .iter()
        .filter_map(|l| l.plan_topic_id.and_then(|id| seq_of.get(&id).copied()))
        .max();
    let next_topic = match last_seq {
        Some(seq) => plan.iter().find(|p| p.seq > seq),
        None => plan.get(held as usize),
    }
    .map(|p| p.topic.clone());
    PlanProgress {
        planned,
        due,
        held,
        behind: due.saturating_sub(held),
        next_topic,
        group: name,
        groups: vec![],
    }
}

// ---------------------------------------------------------------------------
// Writes. Each takes the transaction and the operator, and returns the audit
// entries it wrote (one per changed row) so that the change can be undone.

/// A lesson as a write names it: recorded, or a timetable slot on a date
/// that has no record yet (created on the first write).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LessonRef {
    Id(Id),
    Slot { timetable_id: Id, date: NaiveDate },
}

fn key(id: Id) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("id".into(), json!(id));
    m
}

fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// Refuse writes into a closed year and into lessons after the working date.
fn check_writable(conn: &store::Conn, lesson: &Lesson) -> Result<()> {
    let class = store::classes::class(conn, lesson.class_id)?;
    if let Some(y) = store::school::years(conn)?
        .into_iter()
        .find(|y| y.id == class.year_id)
    {
        store::closed::refuse_if_closed(conn, y.id, "lesson")?;
        if !y.contains(lesson.date) {
            return Err(store::invalid(format!(
                "{} is outside the school year {}",
                lesson.date.format("%d.%m.%Y"),
                y.label
            )));
        }
    }
    let today = store::school::working_date(conn, chrono::Local::now().date_naive())?;
    if lesson.date > today {
        return Err(store::invalid(format!(
            "the lesson of {} has not taken place yet (today is {})",
            lesson.date.format("%d.%m.%Y"),
            today.format("%d.%m.%Y")
        )));
    }
    Ok(())
}

/// The lesson a reference names, creating its record from the timetable if
/// it has none yet. Returns the lesson and the audit entries written.
pub fn ensure_lesson(
    tx: &store::Conn,
    operator: &str,
    lesson: LessonRef,
) -> Result<(Lesson, Vec<i64>)> {
    let (timetable_id, date) = match lesson {
        LessonRef::Id(id) => {
            let l = store::journal::lesson(tx, id)
                .map_err(|_| store::StoreError::NotFound(format!("lesson {id}")))?;
            check_writable(tx, &l)?;
            return Ok((l, vec![]));
        }
        LessonRef::Slot { timetable_id, date } => (timetable_id, date),
    };
    let slot = store::curriculum::timetable_slot(tx, timetable_id)?
        .ok_or_else(|| store::StoreError::NotFound(format!("timetable slot {timetable_id}")))?;
    if let Some(l) =
        store::journal::lesson_in_slot(tx, slot.class_id, slot.group_id, date, slot.lesson_no)?
    {
        check_writable(tx, &l)?;
        return Ok((l, vec![]));
    }
    let mut l = slot_lesson(&slot, date);
    check_writable(tx, &l)?;
    l.id = store::journal::next_id(tx, "lesson")?;
    l.recorded_at = Some(store::now());
    let row = obj(serde_json::to_value(&l).map_err(|e| store::invalid(e.to_string()))?);
    let row = lesson_row_json(&row);
    let ids = store::audit::write_row(
        tx,
        operator,
        "lesson.create",
        "lesson",
        &key(l.id),
        Some(&row),
    )?;
    Ok((l, ids.into_iter().collect()))
}

/// The lesson's serialised fields as the table's columns.
fn lesson_row_json(l: &Map<String, Value>) -> Map<String, Value> {
    let mut row = l.clone();
    for (k, v) in [("mode", "in_class")] {
        if row.get(k).is_none_or(Value::is_null) {
            row.insert(k.into(), json!(v));
        }
    }
    row
}

/// What a typed cell adds to its symbols.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CellInput {
    /// The cell as typed: "5/4", "н", "*", "°", "" (clears the cell).
    pub text: String,
    /// A form of control for every mark of the cell instead of the lesson's
    /// (or, for marks already there, their own).
    pub form_id: Option<Id>,
    /// The intended mark of a pending `*` (also typed as "*4").
    pub intended: Option<u8>,
    /// The correction deadline of a pending `*`.
    pub deadline: Option<NaiveDate>,
    /// The comment of a deferred `°`.
    pub comment: Option<String>,
    /// What the writer saw in the cell: the write is refused
    /// ([`store::StoreError::Changed`]) if the cell shows something else.
    pub expect: Expect,
}

impl CellInput {
    pub fn text(text: impl Into<String>) -> CellInput {
        CellInput {
            text: text.into(),
            ..CellInput::default()
        }
    }
}

/// Why a cell was refused, or what the store said.
#[derive(Debug, thiserror::Error)]
pub enum CellError {
    #[error("{0}")]
    Mark(#[from] MarkError),
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Store(#[from] store::StoreError),
}

impl From<CellError> for store::StoreError {
    fn from(e: CellError) -> Self {
        match e {
            CellError::Store(s) => s,
            other => store::invalid(other.to_string()),
        }
    }
}

/// One typed token: a symbol, with the intended value of "*4".
fn parse_tokens(text: &str) -> Result<Vec<(MarkSymbol, Option<u8>)>, MarkError> {
    let mut out = Vec::new();
    let parts: Vec<&str> = text
        .split(['/', ',', ' '])
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() > 9 {
        return Err(MarkError::TooMany);
    }
    // Separators alone ("/") are a slip, not a request to clear the cell.
    if parts.is_empty() && !text.trim().is_empty() {
        return Err(MarkError::NoMark(text.trim().to_string()));
    }
    for p in parts {
        if let Some(rest) = p.strip_prefix('*').filter(|r| !r.is_empty()) {
            match MarkSymbol::parse(rest)? {
                MarkSymbol::Grade(v) => out.push((MarkSymbol::Pending, Some(v))),
                _ => return Err(MarkError::BadSymbol(p.to_string())),
            }
        } else {
            out.push((MarkSymbol::parse(p)?, None));
        }
    }
    Ok(out)
}

/// Check a typed cell without writing: the marks it would hold, or why not.
/// `existing` are the cell's marks now (their deadline and comment carry over).
pub fn check_cell(input: &CellInput, existing: &[Mark]) -> Result<Vec<Mark>, MarkError> {
    let tokens = parse_tokens(&input.text)?;
    // `Н` is the attendance record, not a mark row: the marks after it
    // match the cell's stored marks by their place among the marks.
    let mut place = 0;
    tokens
        .into_iter()
        .map(|(symbol, typed_value)| {
            let i = place;
            if symbol != MarkSymbol::Absent {
                place += 1;
            }
            let old = existing
                .iter()
                .filter(|m| m.symbol != MarkSymbol::Absent)
                .nth(i)
                .filter(|m| m.symbol == symbol);
            let mark = match symbol {
                MarkSymbol::Grade(v) => Mark::grade(v, 1),
                MarkSymbol::Absent => Mark {
                    symbol,
                    value: None,
                    weight: 1,
                    due_on: None,
                    comment: None,
                },
                MarkSymbol::Pending => Mark {
                    symbol,
                    value: typed_value.or(input.intended).or(old.and_then(|m| m.value)),
                    weight: 1,
                    due_on: input.deadline.or(old.and_then(|m| m.due_on)),
                    comment: None,
                },
                MarkSymbol::Deferred => Mark {
                    symbol,
                    value: None,
                    weight: 1,
                    due_on: None,
                    comment: input
                        .comment
                        .clone()
                        .map(|c| nfc(&c))
                        .or(old.and_then(|m| m.comment.clone())),
                },
            };
            mark.validate().map(|()| mark)
        })
        .collect()
}

/// The cell after a write: what it shows and the audit entries written.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellWritten {
    pub lesson_id: Id,
    pub student_id: Id,
    /// The cell as shown ("5/4", "*4", "" when cleared).
    pub shown: String,
    pub audit: Vec<i64>,
}

/// The default form of control for a lesson's marks: the lesson's own
/// control event, else the everyday oral answer, else the first weight-1 form.
fn default_form(forms: &[ControlForm], lesson: &Lesson) -> Option<ControlForm> {
    lesson
        .control_form_id
        .and_then(|id| forms.iter().find(|f| f.id == id))
        .or_else(|| forms.iter().find(|f| f.name == "Устный ответ"))
        .or_else(|| forms.iter().find(|f| f.weight == 1))
        .or(forms.first())
        .cloned()
}

/// Set the marks of one cell (lesson × student) from what was typed. The
/// cell is left as it was if anything is refused. One audit entry per mark
/// row changed (and one for the lesson if its record had to be created).
pub fn set_cell(
    tx: &store::Conn,
    operator: &str,
    lesson: LessonRef,
    student_id: Id,
    input: &CellInput,
) -> Result<CellWritten, CellError> {
    let (lesson, mut audit) = ensure_lesson(tx, operator, lesson)?;
    // The student must be in the class (and the lesson's group) that day.
    let members = store::people::class_members(tx, lesson.class_id, lesson.date, lesson.date)?;
    let member = members.iter().find(|m| m.student.id == student_id);
    let in_group = match lesson.group_id {
        None => true,
        Some(g) => store::classes::group_members(tx, g)?.contains(&student_id),
    };
    if member.is_none_or(|m| !m.enrolled_on(lesson.date)) || !in_group {
        let name = store::people::student(tx, student_id)
            .map(|s| s.full_name())
            .unwrap_or_else(|_| format!("student {student_id}"));
        return Err(CellError::Refused(format!(
            "{name} was not in this class{} on {}",
            if lesson.group_id.is_some() {
                " or group"
            } else {
                ""
            },
            lesson.date.format("%d.%m.%Y")
        )));
    }
    let existing = store::journal::cell_marks(tx, lesson.id, student_id)?;
    let old: Vec<Mark> = existing.iter().map(|m| m.mark.clone()).collect();
    let mut marks = check_cell(input, &old)?;
    // `Н` goes to attendance (the one record of an absence), the rest are
    // the cell's mark rows.
    let absent = marks.iter().any(|m| m.symbol == MarkSymbol::Absent);
    marks.retain(|m| m.symbol != MarkSymbol::Absent);
    if input.expect != Expect::Anything {
        let was_absent = store::attendance::entry(tx, lesson.id, student_id)?
            .is_some_and(|(_, c)| c.category.is_absent());
        let last = store::audit::cell_changed_since(tx, 0, lesson.id, student_id)?;
        let name = store::people::student(tx, student_id)
            .map(|s| s.full_name())
            .unwrap_or_else(|_| format!("student {student_id}"));
        input.expect.check(
            &format!(
                "{name}'s cell at the lesson of {}",
                lesson.date.format("%d.%m.%Y")
            ),
            (&cell_text(was_absent, &old), &cell_text(absent, &marks)),
            operator,
            last.as_ref().map(|e| (e.operator.as_str(), e.at.as_str())),
        )?;
    }
    for m in &marks {
        if m.symbol == MarkSymbol::Pending && m.due_on.is_some_and(|d| d < lesson.date) {
            return Err(CellError::Refused(format!(
                "the deadline of a pending mark cannot be before the lesson ({})",
                lesson.date.format("%d.%m.%Y")
            )));
        }
    }
    let forms = store::curriculum::control_forms(tx)?;
    let form_of = |id: Id| forms.iter().find(|f| f.id == id).cloned();
    let override_form = match input.form_id {
        Some(id) => Some(form_of(id).ok_or_else(|| {
            CellError::Refused(format!("no form of control {id} in the catalogue"))
        })?),
        None => None,
    };
    let lesson_form = default_form(&forms, &lesson)
        .ok_or_else(|| CellError::Refused("the catalogue of forms of control is empty".into()))?;
    let now = store::now();
    let mut next = store::journal::next_id(tx, "mark")?;
    for (i, m) in marks.iter_mut().enumerate() {
        let seq = i + 1;
        let prev = existing.get(i);
        let form = override_form
            .clone()
            .or_else(|| prev.and_then(|p| form_of(p.control_form_id)))
            .unwrap_or_else(|| lesson_form.clone());
        m.weight = form.weight;
        let unchanged = prev.is_some_and(|p| p.mark == *m && p.control_form_id == form.id);
        if unchanged {
            continue;
        }
        let id = match prev {
            Some(p) => p.id,
            None => {
                next += 1;
                next - 1
            }
        };
        let row = obj(json!({
            "id": id,
            "lesson_id": lesson.id,
            "student_id": student_id,
            "seq": seq,
            "symbol": m.symbol.as_str(),
            "value": match m.symbol { MarkSymbol::Grade(v) => Some(v), _ => m.value },
            "control_form_id": form.id,
            "weight": form.weight,
            "due_on": m.due_on,
            "comment": m.comment,
            "entered_at": now,
            "entered_by": operator,
        }));
        audit.extend(store::audit::write_row(
            tx,
            operator,
            "mark.set",
            "mark",
            &key(id),
            Some(&row),
        )?);
    }
    for p in existing.iter().skip(marks.len()) {
        audit.extend(store::audit::write_row(
            tx,
            operator,
            "mark.delete",
            "mark",
            &key(p.id),
            None,
        )?);
    }
    let working = store::school::working_date(tx, chrono::Local::now().date_naive())?;
    audit.extend(crate::service::attendance::set_absent(
        tx, operator, working, lesson.id, student_id, absent,
    )?);
    Ok(CellWritten {
        lesson_id: lesson.id,
        student_id,
        shown: cell_text(absent, &marks),
        audit,
    })
}

/// A final period grade as entered: "2"–"5", or "na" (not attested).
pub fn parse_final(s: &str) -> Result<Option<String>, String> {
    match s.trim() {
        "" | "-" => Ok(None),
        g @ ("2" | "3" | "4" | "5") => Ok(Some(g.to_string())),
        "na" | "n/a" | "н/а" | "на" => Ok(Some("na".into())),
        other => Err(format!(
            "«{other}» is not a period grade: use 2, 3, 4, 5 or na (not attested), or nothing to clear"
        )),
    }
}

/// The suggestion as stored in `period_grade.suggested`.
fn suggested_code(s: &Suggestion) -> &'static str {
    match s {
        Suggestion::Grade { grade: 2, .. } => "2",
        Suggestion::Grade { grade: 3, .. } => "3",
        Suggestion::Grade { grade: 4, .. } => "4",
        Suggestion::Grade { .. } => "5",
        Suggestion::NotAttestable { .. } => "na",
    }
}

/// Whether a final grade differs from the suggestion beside it.
pub fn final_differs(final_grade: Option<&str>, suggestion: &Suggestion) -> bool {
    final_grade.is_some_and(|f| f != suggested_code(suggestion))
}

/// Set (or clear, with `None`) a student's final grade for the period; the
/// suggestion computed now is kept beside it.
pub fn set_final_grade(
    tx: &store::Conn,
    operator: &str,
    (class, subject, period): (&Class, &Subject, &Period),
    student_id: Id,
    final_grade: Option<&str>,
    today: NaiveDate,
) -> Result<Vec<i64>> {
    if let Some(f) = final_grade {
        parse_final(f).map_err(store::invalid)?;
    }
    store::closed::refuse_if_closed(tx, period.year_id, "period_grade")?;
    let view = load(tx, class, subject, period, today)?;
    let student = view
        .students
        .iter()
        .find(|s| s.student_id == student_id)
        .ok_or_else(|| {
            store::invalid(format!(
                "student {student_id} is not in {} in {}",
                class.name, period.label
            ))
        })?;
    let mut k = Map::new();
    k.insert("student_id".into(), json!(student_id));
    k.insert("subject_id".into(), json!(subject.id));
    k.insert("period_id".into(), json!(period.id));
    let row = final_grade.map(|f| {
        obj(json!({
            "student_id": student_id,
            "subject_id": subject.id,
            "period_id": period.id,
            "class_id": class.id,
            "mean": student.mean_hundredths.map(|h| h as f64 / 100.0),
            "mark_count": student.counted,
            "suggested": suggested_code(&student.suggestion),
            "final": f,
            "set_by": operator,
            "set_at": store::now(),
        }))
    });
    Ok(store::audit::write_row(
        tx,
        operator,
        "period_grade.set",
        "period_grade",
        &k,
        row.as_ref(),
    )?
    .into_iter()
    .collect())
}

/// Changes to a lesson record; `None` keeps a field as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LessonEdit {
    /// The topic ("" clears it).
    pub topic: Option<String>,
    /// Homework: its kind and text (text required for `Text`, optional
    /// for the fixed kinds); `(None, _)` clears it.
    pub homework: Option<(Option<HomeworkKind>, Option<String>)>,
    /// Estimated minutes (Some(None) clears).
    pub minutes: Option<Option<u16>>,
    pub mode: Option<LessonMode>,
    /// Who actually taught: Some(None) = the usual teacher.
    pub taught_by: Option<Option<Id>>,
    /// The lesson's control event (a form of control of the catalogue), the
    /// default form of the marks given in it; Some(None) = an ordinary lesson.
    pub control_form: Option<Option<Id>>,
    /// The teaching log of an online lesson.
    pub log: Option<TeachingLog>,
    /// Minutes an online lesson keeps its students online (Some(None):
    /// back to its bell's length).
    pub online_minutes: Option<Option<u32>>,
    /// Whether an online lesson is live (synchronous) or recorded.
    pub online_live: Option<bool>,
}

/// Refuse to put a lesson of a class below `online_from_grade` online
/// (seed 001: grades 1–3 are not taught online).
pub fn check_online_allowed(conn: &store::Conn, class_id: Id) -> Result<()> {
    let settings = store::settings::load(conn)?;
    let class = store::classes::class(conn, class_id)?;
    if u32::from(class.grade) < settings.online_from_grade {
        return Err(store::invalid(format!(
            "{} is in grade {}: grades below {} are not taught online (seed 001; setting online_from_grade)",
            class.name, class.grade, settings.online_from_grade
        )));
    }
    Ok(())
}

/// The longest online lesson that can be recorded, minutes.
pub const ONLINE_MINUTES_MAX: u32 = 240;

/// Record how long an online lesson keeps its students online and whether
/// it is live: `minutes` None keeps the recorded length (else the bell's),
/// `Some(None)` goes back to the bell's; `live` None keeps it (else live).
pub fn set_online_length(
    tx: &store::Conn,
    operator: &str,
    lesson_id: Id,
    minutes: Option<Option<u32>>,
    live: Option<bool>,
) -> Result<Vec<i64>> {
    let old = store::journal::online_length(tx, lesson_id)?;
    if let Some(Some(m)) = minutes
        && !(1..=ONLINE_MINUTES_MAX).contains(&m)
    {
        return Err(store::invalid(format!(
            "online minutes must be between 1 and {ONLINE_MINUTES_MAX}"
        )));
    }
    let mut k = Map::new();
    k.insert("lesson_id".into(), json!(lesson_id));
    let live = live.or(old.map(|o| o.live)).unwrap_or(true);
    let minutes = match minutes {
        Some(m) => m,
        None => old.map(|o| o.minutes),
    };
    let row = match minutes {
        // The bell's length, live: no row needed.
        None if live => None,
        m => {
            let l = store::journal::lesson(tx, lesson_id)?;
            let m = match m {
                Some(m) => m,
                None => store::journal::bell_minutes(tx, l.class_id, l.lesson_no)?.unwrap_or(45),
            };
            Some(obj(
                json!({ "lesson_id": lesson_id, "minutes": m, "live": i64::from(live) }),
            ))
        }
    };
    Ok(store::audit::write_row(
        tx,
        operator,
        "lesson.online",
        "lesson_online",
        &k,
        row.as_ref(),
    )?
    .into_iter()
    .collect())
}

/// Update a lesson record (creating it from the timetable if needed).
pub fn set_lesson(
    tx: &store::Conn,
    operator: &str,
    lesson: LessonRef,
    edit: &LessonEdit,
) -> Result<(Lesson, Vec<i64>)> {
    let (mut l, mut audit) = ensure_lesson(tx, operator, lesson)?;
    if let Some(t) = &edit.topic {
        let t = nfc(t);
        l.topic = (!t.is_empty()).then_some(t);
        // Link the topic to the plan when it is one of the planned topics.
        if let Some(topic) = &l.topic {
            let plan = store::curriculum::plan(tx, l.class_id, l.subject_id)?;
            if let Some(p) = plan.iter().find(|p| nfc(&p.topic) == *topic) {
                l.plan_topic_id = Some(p.id);
            }
        }
    }
    if let Some((kind, text)) = &edit.homework {
        let text = text.as_deref().map(nfc).filter(|t| !t.is_empty());
        match kind {
            None => {
                l.homework_kind = None;
                l.homework = None;
            }
            Some(HomeworkKind::Text) if text.is_none() => {
                return Err(store::invalid(
                    "homework text is empty: type the task, or choose not assigned, not provided, individual or creative",
                ));
            }
            Some(k) => {
                l.homework_kind = Some(*k);
                l.homework = text;
            }
        }
    }
    if let Some(m) = edit.minutes {
        if m.is_some_and(|m| m > 600) {
            return Err(store::invalid("homework minutes must be between 0 and 600"));
        }
        l.homework_minutes = m;
    }
    if let Some(mode) = edit.mode {
        if mode == LessonMode::Online && l.mode != LessonMode::Online {
            check_online_allowed(tx, l.class_id)?;
        }
        l.mode = mode;
    }
    if let Some(f) = edit.control_form {
        if let Some(id) = f
            && !store::curriculum::control_forms(tx)?
                .iter()
                .any(|c| c.id == id)
        {
            return Err(store::invalid(format!(
                "no form of control {id} in the catalogue"
            )));
        }
        l.control_form_id = f;
    }
    if let Some(t) = edit.taught_by {
        match t {
            Some(id) if id != l.teacher_id => {
                let staff = store::people::staff(tx)?;
                if !staff.iter().any(|s| s.id == id) {
                    return Err(store::invalid(format!("no staff member {id}")));
                }
                l.taught_by_id = Some(id);
            }
            _ => l.taught_by_id = None,
        }
    }
    if l.recorded_at.is_none() {
        l.recorded_at = Some(store::now());
    }
    let row = lesson_row_json(&obj(
        serde_json::to_value(&l).map_err(|e| store::invalid(e.to_string()))?
    ));
    audit.extend(store::audit::write_row(
        tx,
        operator,
        "lesson.set",
        "lesson",
        &key(l.id),
        Some(&row),
    )?);
    if let Some(log) = &edit.log {
        if l.mode != LessonMode::Online {
            return Err(store::invalid(
                "a teaching log is kept for online lessons only: set the mode to online first",
            ));
        }
        let mut k = Map::new();
        k.insert("lesson_id".into(), json!(l.id));
        let row = obj(json!({
            "lesson_id": l.id,
            "content": nfc(&log.content),
            "form": nfc(&log.form),
            "effect": nfc(&log.effect),
            "homework_feedback": nfc(&log.homework_feedback),
        }));
        audit.extend(store::audit::write_row(
            tx,
            operator,
            "teaching_log.set",
            "teaching_log",
            &k,
            Some(&row),
        )?);
    }
    if edit.online_minutes.is_some() || edit.online_live.is_some() {
        if l.mode != LessonMode::Online {
            return Err(store::invalid(
                "online minutes and live are kept for online lessons only: set the mode to online first",
            ));
        }
        audit.extend(set_online_length(
            tx,
            operator,
            l.id,
            edit.online_minutes,
            edit.online_live,
        )?);
    }
    Ok((l, audit))
}

// ---------------------------------------------------------------------------
// Thematic plan import

#[derive(Debug, serde::Deserialize)]
struct PlanRow {
    class: String,
    subject: String,
    seq: String,
    topic: String,
    #[serde(default)]
    hours: String,
    #[serde(default)]
    control_form: String,
}

/// What a plan import changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanImported {
    /// (class, subject) pairs whose plan the file replaced.
    pub plans: Vec<(String, String)>,
    pub topics: usize,
    pub audit: Vec<i64>,
}

/// Import thematic plans from CSV text (`source` names the file in
/// messages). Columns: `class,subject,seq,topic,hours,control_form` (hours
/// defaults to 1, control_form is empty or a name from the catalogue). For
/// every class and subject in the file, the file's rows become its plan:
/// topics are updated by `seq`, added, and those not in the file removed.
/// All-or-nothing: the first bad row is reported as `file:line: …` and
/// nothing is written.
pub fn import_plan(
    tx: &store::Conn,
    operator: &str,
    source: &str,
    text: &str,
    today: NaiveDate,
) -> Result<PlanImported> {
    let year = store::school::current_year(tx, today)?
        .ok_or_else(|| store::invalid("no school year to import a plan into"))?;
    store::closed::refuse_if_closed(tx, year.id, "plan_topic")?;
    // Names as typed (lower case) → the first class, subject (by name or
    // short name) or form of control of that name.
    let mut classes: HashMap<String, Class> = HashMap::new();
    for c in store::classes::classes(tx, year.id)? {
        classes.entry(c.name.to_lowercase()).or_insert(c);
    }
    let mut subjects: HashMap<String, Subject> = HashMap::new();
    for s in store::curriculum::subjects(tx)? {
        subjects
            .entry(s.name.to_lowercase())
            .or_insert_with(|| s.clone());
        subjects.entry(s.short_name.to_lowercase()).or_insert(s);
    }
    let mut forms: HashMap<String, Id> = HashMap::new();
    for f in store::curriculum::control_forms(tx)? {
        forms.entry(f.name.to_lowercase()).or_insert(f.id);
    }
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| store::invalid(format!("{source}:1: {e}")))?
        .clone();
    for need in ["class", "subject", "seq", "topic"] {
        if !headers.iter().any(|h| h == need) {
            return Err(store::invalid(format!(
                "{source}:1: the header has no column «{need}» (columns: class,subject,seq,topic,hours,control_form)"
            )));
        }
    }
    // (class id, subject id) → seq → (topic, hours, form, line)
    type Topics = std::collections::BTreeMap<u32, (String, u32, Option<Id>, usize)>;
    type Plan = ((Id, Id), (String, String), Topics);
    let mut plans: Vec<Plan> = Vec::new();
    let mut plan_at: HashMap<(Id, Id), usize> = HashMap::new();
    for record in rdr.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            store::invalid(format!("{source}:{line}: {e}"))
        })?;
        let line = record.position().map_or(0, |p| p.line()) as usize;
        let rec: PlanRow = record
            .deserialize(Some(&headers))
            .map_err(|e| store::invalid(format!("{source}:{line}: {e}")))?;
        let at = |m: String| store::invalid(format!("{source}:{line}: {m}"));
        let class_name = nfc(&rec.class).to_lowercase();
        let class = classes
            .get(&class_name)
            .ok_or_else(|| at(format!("no class «{}» in {}", rec.class, year.label)))?;
        let subject_name = nfc(&rec.subject).to_lowercase();
        let subject = subjects
            .get(&subject_name)
            .ok_or_else(|| at(format!("no subject «{}»", rec.subject)))?;
        let seq: u32 = rec.seq.parse().ok().filter(|s| *s > 0).ok_or_else(|| {
            at(format!(
                "seq «{}» is not a lesson number (1, 2, 3 …)",
                rec.seq
            ))
        })?;
        let topic = nfc(&rec.topic);
        if topic.is_empty() {
            return Err(at("the topic is empty".into()));
        }
        let hours: u32 = if rec.hours.is_empty() {
            1
        } else {
            rec.hours
                .parse()
                .ok()
                .filter(|h| (1..=100).contains(h))
                .ok_or_else(|| {
                    at(format!(
                        "hours «{}» is not a number of lessons (1–100)",
                        rec.hours
                    ))
                })?
        };
        let form = if rec.control_form.is_empty() {
            None
        } else {
            let want = nfc(&rec.control_form).to_lowercase();
            Some(*forms.get(&want).ok_or_else(|| {
                at(format!(
                    "«{}» is not a form of control of the catalogue",
                    rec.control_form
                ))
            })?)
        };
        let k = (class.id, subject.id);
        let idx = *plan_at.entry(k).or_insert_with(|| {
            plans.push((k, (class.name.clone(), subject.name.clone()), Topics::new()));
            plans.len() - 1
        });
        if let Some((_, _, _, first)) = plans[idx].2.get(&seq) {
            return Err(at(format!(
                "seq {seq} of {} {} is already on line {first}",
                class.name, subject.name
            )));
        }
        plans[idx].2.insert(seq, (topic, hours, form, line));
    }
    if plans.is_empty() {
        return Err(store::invalid(format!("{source}: no plan rows")));
    }
    let mut audit = Vec::new();
    let mut topics = 0;
    let mut next = store::journal::next_id(tx, "plan_topic")?;
    for ((class_id, subject_id), (cname, sname), rows) in &plans {
        let existing = store::curriculum::plan(tx, *class_id, *subject_id)?;
        for old in existing.iter().filter(|p| !rows.contains_key(&p.seq)) {
            if store::journal::lessons_with_plan_topic(tx, old.id)? > 0 {
                return Err(store::invalid(format!(
                    "{source}: topic {} («{}») of {cname} {sname} is not in the file, but lessons refer to it; keep it in the file",
                    old.seq, old.topic
                )));
            }
            audit.extend(store::audit::write_row(
                tx,
                operator,
                "plan_topic.delete",
                "plan_topic",
                &key(old.id),
                None,
            )?);
        }
        for (seq, (topic, hours, form, _)) in rows {
            let id = match existing.iter().find(|p| p.seq == *seq) {
                Some(p) => p.id,
                None => {
                    next += 1;
                    next - 1
                }
            };
            let row = obj(json!({
                "id": id,
                "class_id": class_id,
                "subject_id": subject_id,
                "seq": seq,
                "topic": topic,
                "hours": hours,
                "control_form_id": form,
            }));
            audit.extend(store::audit::write_row(
                tx,
                operator,
                "plan_topic.import",
                "plan_topic",
                &key(id),
                Some(&row),
            )?);
            topics += 1;
        }
    }
    Ok(PlanImported {
        plans: plans.into_iter().map(|(_, names, _)| names).collect(),
        topics,
        audit,
    })
}

// ---------------------------------------------------------------------------
// Finding things by name (the command line)

/// A period by label ("2 четверть"), or short name: q1–q4, h1–h2, year.
pub fn find_period<'a>(periods: &'a [Period], name: &str) -> Option<&'a Period> {
    let n = nfc(name).to_lowercase();
    let short =
        |kind: PeriodKind, num: u8| periods.iter().find(|p| p.kind == kind && p.number == num);
    if let Some(p) = periods.iter().find(|p| p.label.to_lowercase() == n) {
        return Some(p);
    }
    let digits: String = n.chars().filter(|c| c.is_ascii_digit()).collect();
    let num: Option<u8> = digits.parse().ok();
    match (n.chars().next()?, num) {
        ('q' | 'ч', Some(k)) => short(PeriodKind::Quarter, k),
        ('h' | 'п', Some(k)) => short(PeriodKind::Half, k),
        _ if ["year", "y", "год"].contains(&n.as_str()) => {
            periods.iter().find(|p| p.kind == PeriodKind::Year)
        }
        _ => None,
    }
}

/// The grid as text rows for CSV: a header and one row per student, with
/// the summary columns after the lessons.
pub fn grid_table(v: &JournalView) -> Vec<Vec<String>> {
    let mut header = vec!["student".to_string()];
    for l in &v.lessons {
        let mut h = format!(
            "{} #{}",
            l.lesson.date.format("%Y-%m-%d"),
            l.lesson.lesson_no
        );
        if let Some(f) = &l.control_form {
            h.push_str(&format!(" [{f}]"));
        }
        if l.online() {
            h.push_str(" online");
        }
        if !l.recorded {
            h.push_str(" (not recorded)");
        }
        header.push(h);
    }
    header.extend(
        ["marks", "mean", "suggested", "final", "differs"]
            .into_iter()
            .map(String::from),
    );
    let mut out = vec![header];
    for s in &v.students {
        let mut row = vec![s.name.clone()];
        row.extend(s.cells.iter().map(|c| match c {
            MarkCell::NotEnrolled => "-".to_string(),
            MarkCell::Empty => String::new(),
            MarkCell::Marks(m) => m.clone(),
        }));
        row.push(s.counted.to_string());
        row.push(
            s.mean_hundredths
                .map(marks::format_hundredths)
                .unwrap_or_default(),
        );
        row.push(suggestion_text(&s.suggestion));
        row.push(s.final_grade.clone().unwrap_or_default());
        row.push(
            if final_differs(s.final_grade.as_deref(), &s.suggestion) {
                "yes"
            } else {
                ""
            }
            .to_string(),
        );
        out.push(row);
    }
    out
}

/// "4", or "not attestable (2 of 3 marks)".
pub fn suggestion_text(s: &Suggestion) -> String {
    match s {
        Suggestion::Grade { grade, .. } => grade.to_string(),
        Suggestion::NotAttestable { marks, required } => {
            format!("not attestable ({marks} of {required} marks)")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(v: u8, due: &str) -> Mark {
        Mark {
            symbol: MarkSymbol::Pending,
            value: Some(v),
            weight: 1,
            due_on: NaiveDate::parse_from_str(due, "%Y-%m-%d").ok(),
            comment: None,
        }
    }

    #[test]
    fn the_cell_shows_the_absence_first_and_once() {
        let five = Mark::grade(5, 1);
        assert_eq!(cell_text(true, &[]), "Н");
        assert_eq!(cell_text(true, std::slice::from_ref(&five)), "Н/5");
        assert_eq!(cell_text(false, std::slice::from_ref(&five)), "5");
        assert_eq!(cell_text(false, &[]), "");
        // A Н mark left from before migration 6 is not shown twice.
        let old_n = Mark {
            symbol: MarkSymbol::Absent,
            value: None,
            weight: 1,
            due_on: None,
            comment: None,
        };
        assert_eq!(cell_text(true, &[five.clone(), old_n.clone()]), "5/Н");
        assert_eq!(cell_text(false, &[five, old_n]), "5/Н");
    }

    #[test]
    fn n_typed_before_a_pending_mark_keeps_its_deadline() {
        // The cell shows "Н/*4": the pending mark is the first mark row.
        let existing = [pending(4, "2025-12-20")];
        let marks = check_cell(&CellInput::text("Н/*4"), &existing).expect("valid");
        assert_eq!(marks.len(), 2);
        assert_eq!(marks[0].symbol, MarkSymbol::Absent);
        assert_eq!(marks[1], existing[0]);
        // Without the mark row to carry it over, the deadline is asked for.
        assert!(check_cell(&CellInput::text("Н/*4"), &[]).is_err());
    }
}
