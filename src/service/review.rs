//! The review: every place where the records break the school's rules
//! (`domain::review::Rule`), with where to fix it. The Review tab and
//! `classbook review` both call [`run`].

use std::collections::HashMap;

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime};
use serde::Serialize;
use serde_json::json;

use crate::domain::marks::{self, Mark, MarkSymbol};
use crate::domain::review::{Rule, Severity};
use crate::domain::settings::{DeadlineKind, Settings};
use crate::domain::text::{date_full, full_name};
use crate::domain::{Id, PeriodKind};
use crate::store::audit::ReviewAck;
use crate::store::review::HeldLesson;
use crate::store::{self, Result};

/// Where a finding is fixed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "pane", rename_all = "snake_case")]
pub enum Target {
    /// A journal cell (or, without a student, the lesson's column).
    Journal {
        class_id: Id,
        subject_id: Id,
        date: NaiveDate,
        lesson_no: Option<u8>,
        /// The recorded lesson (two groups may share a slot).
        lesson_id: Option<Id>,
        student_id: Option<Id>,
    },
    /// A student's final grade for a period.
    JournalFinal {
        class_id: Id,
        subject_id: Id,
        period_id: Id,
        student_id: Id,
    },
    /// An attendance cell (or the lesson's column).
    Attendance {
        class_id: Id,
        date: NaiveDate,
        lesson_no: u8,
        lesson_id: Id,
        student_id: Option<Id>,
    },
    /// A teacher's training standing.
    Training { teacher_id: Id },
    /// A student's record (their stays and orders, in the School tab).
    Student { class_id: Id, student_id: Id },
}

/// One place where the records break a rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    /// The day it concerns (the lesson's date, the grades' due date, the
    /// day judged for a warning ahead of a due date…); the review lists
    /// only findings dated inside its range.
    pub date: NaiveDate,
    pub class_id: Option<Id>,
    pub class: String,
    pub teacher_id: Option<Id>,
    pub teacher: String,
    pub subject: String,
    pub student: String,
    /// One line saying what is wrong.
    pub detail: String,
    /// Identifies the item for acknowledgement ("lesson:12", "mark:40").
    pub key: String,
    pub target: Target,
    /// Set when an operator acknowledged the item.
    pub ack: Option<ReviewAck>,
}

/// What to review.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewQuery {
    /// First day (default: the school year's first day).
    pub from: Option<NaiveDate>,
    /// Last day (default and at most: the working date).
    pub to: Option<NaiveDate>,
    /// The working date and the time of day: lessons of that date are due
    /// only once the entry deadline has passed.
    pub now: NaiveDateTime,
}

/// The review's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Review {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub as_of: NaiveDate,
    pub findings: Vec<Finding>,
    /// The counts the TUI's header and the CLI show, counted once when
    /// the review is built (the header is drawn every frame).
    #[serde(skip)]
    counts: Counts,
}

/// Findings not acknowledged by severity (error, warning, info), and the
/// acknowledged ones.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Counts {
    open: [usize; 3],
    acknowledged: usize,
}

impl Counts {
    fn of(findings: &[Finding]) -> Counts {
        let mut c = Counts::default();
        for f in findings {
            if f.ack.is_some() {
                c.acknowledged += 1;
            } else {
                c.open[Counts::slot(f.severity)] += 1;
            }
        }
        c
    }

    fn slot(severity: Severity) -> usize {
        match severity {
            Severity::Error => 0,
            Severity::Warning => 1,
            Severity::Info => 2,
        }
    }
}

impl Review {
    /// Findings not acknowledged, of this severity.
    pub fn open_count(&self, severity: Severity) -> usize {
        self.counts.open[Counts::slot(severity)]
    }

    /// Acknowledged findings.
    pub fn acknowledged(&self) -> usize {
        self.counts.acknowledged
    }
}

/// Names the findings show.
struct Names {
    classes: HashMap<Id, (String, u8, Option<Id>)>,
    subjects: HashMap<Id, String>,
    staff: HashMap<Id, String>,
    students: HashMap<Id, String>,
    /// (class, subject) → teacher of the whole class.
    teacher_of: HashMap<(Id, Id), Id>,
}

impl Names {
    fn class(&self, id: Id) -> String {
        self.classes
            .get(&id)
            .map_or_else(|| format!("class #{id}"), |c| c.0.clone())
    }
    fn subject(&self, id: Id) -> String {
        self.subjects
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("subject #{id}"))
    }
    fn staff(&self, id: Id) -> String {
        self.staff
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("staff #{id}"))
    }
    fn student(&self, id: Id) -> String {
        self.students
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("student #{id}"))
    }
}

/// A finding under construction.
struct Item {
    rule: Rule,
    date: NaiveDate,
    class_id: Option<Id>,
    teacher_id: Option<Id>,
    subject_id: Option<Id>,
    student_id: Option<Id>,
    detail: String,
    key: String,
    target: Target,
}

use crate::domain::text::date_short as short;

/// The journal column of a held lesson (and the student's cell).
fn journal_at(l: &HeldLesson, student_id: Option<Id>) -> Target {
    Target::Journal {
        class_id: l.class_id,
        subject_id: l.subject_id,
        date: l.date,
        lesson_no: Some(l.lesson_no),
        lesson_id: Some(l.id),
        student_id,
    }
}

/// The attendance column of a held lesson (and the student's cell).
fn attendance_at(l: &HeldLesson, student_id: Option<Id>) -> Target {
    Target::Attendance {
        class_id: l.class_id,
        date: l.date,
        lesson_no: l.lesson_no,
        lesson_id: l.id,
        student_id,
    }
}

impl Item {
    /// A finding at a held lesson, the teacher who taught it answering.
    fn at(
        rule: Rule,
        l: &HeldLesson,
        student_id: Option<Id>,
        detail: String,
        key: String,
        target: Target,
    ) -> Item {
        Item {
            rule,
            date: l.date,
            class_id: Some(l.class_id),
            teacher_id: Some(l.teacher_id),
            subject_id: Some(l.subject_id),
            student_id,
            detail,
            key,
            target,
        }
    }
}

/// What the journal said, in words: "Н (absent)" or "present, marked 5".
fn journal_word(journal: &str) -> String {
    if journal == "Н" {
        "Н (absent)".to_string()
    } else {
        format!("present, marked {journal}")
    }
}

/// The "now" a review judges deadlines at: the real local time when the
/// working date is today, else the end of the working date (a school read
/// "as of" an earlier day, like the demo).
pub fn now_at(working: NaiveDate, real: NaiveDateTime) -> NaiveDateTime {
    if real.date() == working {
        real
    } else {
        working.and_hms_opt(23, 59, 59).unwrap_or(real)
    }
}

/// Run every rule over the records from `q.from` to `q.to`: only findings
/// dated inside that range are listed, whatever the rule.
pub fn run(conn: &store::Conn, q: &ReviewQuery) -> Result<Review> {
    let settings = store::settings::load(conn)?;
    let as_of = q.now.date();
    let Some(year) = store::school::current_year(conn, as_of)? else {
        return Err(store::invalid(format!(
            "no school year contains the working date {as_of}"
        )));
    };
    let from = q.from.unwrap_or(year.starts_on).max(year.starts_on);
    let to = q.to.unwrap_or(as_of).min(as_of);
    // Lessons of the working date are due once the deadline has passed.
    let due_to = if q.now.time() > settings.entry_deadline {
        as_of
    } else {
        as_of.pred_opt().unwrap_or(as_of)
    }
    .min(to);
    let days = [
        settings.mark_deadline_days(DeadlineKind::Current),
        settings.mark_deadline_days(DeadlineKind::Interim),
        settings.mark_deadline_days(DeadlineKind::Written),
    ];
    let classes = store::classes::classes(conn, year.id)?;
    let names = Names {
        classes: classes
            .iter()
            .map(|c| (c.id, (c.name.clone(), c.grade, c.class_teacher_id)))
            .collect(),
        subjects: store::curriculum::subjects(conn)?
            .into_iter()
            .map(|s| (s.id, s.name))
            .collect(),
        staff: store::people::staff(conn)?
            .into_iter()
            .map(|s| (s.id, s.full_name()))
            .collect(),
        students: store::review::student_names(conn)?
            .into_iter()
            .map(|(id, f, g, p)| (id, full_name(&f, &g, p.as_deref())))
            .collect(),
        teacher_of: {
            let mut m = HashMap::new();
            for (c, s, t) in store::review::subject_teachers(conn)? {
                m.entry((c, s)).or_insert(t);
            }
            m
        },
    };
    let mut items: Vec<Item> = Vec::new();
    let lessons = if from <= to {
        store::review::held_lessons(conn, from, to)?
    } else {
        vec![]
    };
    let lesson_by_id: IdMap<Id, &HeldLesson> = lessons.iter().map(|l| (l.id, l)).collect();

    // Lessons without a record, or recorded after the deadline.
    for s in store::review::missing_slots(conn, from, due_to)? {
        items.push(Item {
            rule: Rule::LessonUnrecorded,
            date: s.date,
            class_id: Some(s.class_id),
            teacher_id: Some(s.teacher_id),
            subject_id: Some(s.subject_id),
            student_id: None,
            detail: format!("lesson {}: no record", s.lesson_no),
            key: format!("slot:{}:{}", s.timetable_id, s.date),
            target: Target::Journal {
                class_id: s.class_id,
                subject_id: s.subject_id,
                date: s.date,
                lesson_no: Some(s.lesson_no),
                lesson_id: None,
                student_id: None,
            },
        });
    }
    let deadline = settings.entry_deadline.format("%H:%M:%S").to_string();
    for l in lessons.iter().filter(|l| l.date <= due_to) {
        let journal = journal_at(l, None);
        let mut push = |rule: Rule, detail: String, target: Target| {
            items.push(Item::at(
                rule,
                l,
                None,
                detail,
                format!("lesson:{}", l.id),
                target,
            ))
        };
        if let Some(rec) = &l.recorded_local
            && rec.as_str() > format!("{} {deadline}", l.date).as_str()
        {
            let when = NaiveDateTime::parse_from_str(rec, "%Y-%m-%d %H:%M:%S")
                .map(|t| t.format("%d.%m %H:%M").to_string())
                .unwrap_or_else(|_| rec.clone());
            push(
                Rule::LessonRecordedLate,
                format!(
                    "lesson {} recorded {when} (due {} that day)",
                    l.lesson_no,
                    settings.entry_deadline.format("%H:%M")
                ),
                journal.clone(),
            );
        }
        if let Some(at) = &l.attendance_local
            && at.as_str() > format!("{} {deadline}", l.date).as_str()
        {
            let when = NaiveDateTime::parse_from_str(at, "%Y-%m-%d %H:%M:%S")
                .map(|t| t.format("%d.%m.%Y %H:%M").to_string())
                .unwrap_or_else(|_| at.clone());
            push(
                Rule::AttendanceLate,
                format!(
                    "lesson {}: attendance taken {when} (due {} that day)",
                    l.lesson_no,
                    settings.entry_deadline.format("%H:%M")
                ),
                attendance_at(l, None),
            );
        }
        if !l.attendance_taken {
            push(
                Rule::LessonNoAttendance,
                format!("lesson {}: attendance not taken", l.lesson_no),
                attendance_at(l, None),
            );
        }
        if !l.has_topic {
            push(
                Rule::LessonNoTopic,
                format!("lesson {}: no topic", l.lesson_no),
                journal.clone(),
            );
        }
        if !l.has_homework {
            push(
                Rule::LessonNoHomework,
                format!("lesson {}: no homework entry", l.lesson_no),
                journal,
            );
        }
    }

    // Marks: one pass over the marks of the range and of the periods the
    // period rules judge; the late, pending and deferred marks of the
    // range, the counted marks of the students the too-few-marks rule
    // might list, and the marks behind the final grades.
    let periods = store::school::periods(conn, year.id)?;
    let mut marks_pass = mark_pass(conn, &settings, &periods, q, from, to, &lesson_by_id)?;
    items.append(&mut marks_pass.late);
    items.append(&mut marks_pass.pending);
    let holidays = store::school::holidays(conn, year.id)?;
    let school_days_after = |d: NaiveDate| -> u32 {
        let mut n = 0;
        let mut day = d;
        while day < as_of {
            day = day + Days::new(1);
            let wd = day.weekday().number_from_monday();
            if wd <= settings.school_days_per_week && !holidays.iter().any(|h| h.contains(day)) {
                n += 1;
            }
        }
        n
    };
    for m in std::mem::take(&mut marks_pass.deferred) {
        let Some(l) = lesson_by_id.get(&m.lesson_id) else {
            continue;
        };
        let n = school_days_after(l.date);
        let no_comment = m.comment.as_deref().is_none_or(|c| c.trim().is_empty());
        if n > settings.deferred_resolve_school_days || no_comment {
            let detail = if no_comment {
                "° without a comment".to_string()
            } else {
                format!(
                    "° open {n} school days (at most {}): {}",
                    settings.deferred_resolve_school_days,
                    m.comment.as_deref().unwrap_or("")
                )
            };
            items.push(Item::at(
                Rule::DeferredStale,
                l,
                Some(m.student_id),
                detail,
                format!("mark:{}", m.id),
                journal_at(l, Some(m.student_id)),
            ));
        }
    }
    // Control events with present students unmarked.
    // The classes' school days and excused absences, read once if needed.
    let mut absences: Option<Absences> = None;
    for (lesson_id, student_id) in store::review::control_unmarked(conn, from, to, as_of, days)? {
        let Some(l) = lesson_by_id.get(&lesson_id) else {
            continue;
        };
        if absences.is_none() {
            absences = Some(Absences::load(conn, to)?);
        }
        if let Some(absences) = &absences
            && exempt_after_long_absence(
                absences,
                l.class_id,
                student_id,
                l.date,
                settings.control_exempt_absence_school_days,
            )
        {
            continue;
        }
        items.push(Item::at(
            Rule::ControlUnmarked,
            l,
            Some(student_id),
            format!("lesson {}: present, no mark", l.lesson_no),
            format!("lesson:{lesson_id}:student:{student_id}"),
            journal_at(l, Some(student_id)),
        ));
    }

    // Absences without a reason after their day.
    if let Some(before_today) = as_of.pred_opt() {
        for (lesson_id, student_id) in
            store::review::unspecified_absences(conn, from, to.min(before_today))?
        {
            let Some(l) = lesson_by_id.get(&lesson_id) else {
                continue;
            };
            items.push(Item {
                // The class teacher gives reasons.
                teacher_id: names.classes.get(&l.class_id).and_then(|c| c.2),
                ..Item::at(
                    Rule::ReasonNotGiven,
                    l,
                    Some(student_id),
                    format!("lesson {}: absent, reason not given", l.lesson_no),
                    format!("attendance:{lesson_id}:{student_id}"),
                    attendance_at(l, Some(student_id)),
                )
            });
        }
    }

    // The journal and attendance disagreed (migration 6, an import):
    // attendance was kept, the finding stays until the cell is written.
    for k in store::attendance::conflicts(conn, from, to)? {
        let Some(l) = lesson_by_id.get(&k.lesson_id) else {
            continue;
        };
        let source = match k.source.as_str() {
            "migration" => "found when the journal's Н moved to attendance".to_string(),
            other => other.to_string(),
        };
        items.push(Item::at(
            Rule::AbsenceDisagrees,
            l,
            Some(k.student_id),
            format!(
                "lesson {}: the journal says {}, attendance says {} ({source}); attendance kept",
                l.lesson_no,
                journal_word(&k.journal),
                k.attendance
            ),
            format!("absence:{}:{}", k.lesson_id, k.student_id),
            attendance_at(l, Some(k.student_id)),
        ));
    }

    // Period grades: too few marks as the due date approaches; finals
    // that differ from the suggestion.
    for p in &periods {
        let Some(grades) = too_few_grades(p.kind) else {
            continue;
        };
        let Some(counted) = marks_pass.counted_in(p.id) else {
            continue;
        };
        let due = p.ends_on - Days::new(u64::from(settings.grades_due_days_before_end));
        let required = crate::service::journal::required_marks(p.kind, &settings);
        let on = as_of.min(p.ends_on);
        for (class_id, student_id, subject_id) in
            store::review::finals_not_set(conn, year.id, grades, p.id, p.starts_on, p.ends_on, on)?
        {
            let n = counted(class_id, subject_id, student_id);
            if n as usize >= required {
                continue;
            }
            items.push(Item {
                rule: Rule::NotAttestable,
                // A warning before the due date is dated the day it is
                // judged; after it, the due date.
                date: due.min(as_of),
                class_id: Some(class_id),
                teacher_id: names.teacher_of.get(&(class_id, subject_id)).copied(),
                subject_id: Some(subject_id),
                student_id: Some(student_id),
                detail: format!(
                    "{}: {n} of {required} marks; grades due {}",
                    p.label,
                    short(due)
                ),
                key: format!("period:{}:student:{student_id}:subject:{subject_id}", p.id),
                target: Target::JournalFinal {
                    class_id,
                    subject_id,
                    period_id: p.id,
                    student_id,
                },
            });
        }
    }
    // Period grades not set by their due date (by the entry deadline of
    // that day), until they are.
    for p in &periods {
        let grades = match p.kind {
            PeriodKind::Quarter => (2, 9),
            PeriodKind::Half => (10, 11),
            PeriodKind::Year => (2, 11),
        };
        let due = p.ends_on - Days::new(u64::from(settings.grades_due_days_before_end));
        let due = due.max(p.starts_on);
        if q.now <= due.and_time(settings.entry_deadline) || due < from || due > to {
            continue;
        }
        for (class_id, student_id, subject_id) in
            store::review::finals_not_set(conn, year.id, grades, p.id, p.starts_on, due, due)?
        {
            items.push(Item {
                rule: Rule::GradeOverdue,
                date: due,
                class_id: Some(class_id),
                teacher_id: names.teacher_of.get(&(class_id, subject_id)).copied(),
                subject_id: Some(subject_id),
                student_id: Some(student_id),
                detail: format!(
                    "{}: no final grade; due {} ({} days before the period ends)",
                    p.label,
                    short(due),
                    settings.grades_due_days_before_end
                ),
                key: format!("period:{}:student:{student_id}:subject:{subject_id}", p.id),
                target: Target::JournalFinal {
                    class_id,
                    subject_id,
                    period_id: p.id,
                    student_id,
                },
            });
        }
    }
    let period_by_id: HashMap<Id, &crate::domain::Period> =
        periods.iter().map(|p| (p.id, p)).collect();
    for (f, ms) in std::mem::take(&mut marks_pass.finals) {
        let Some(p) = period_by_id.get(&f.period_id) else {
            continue;
        };
        let required = crate::service::journal::required_marks(p.kind, &settings);
        let suggestion = marks::suggest(&ms, required, as_of, &settings);
        if !crate::service::journal::final_differs(Some(&f.final_grade), &suggestion) {
            continue;
        }
        items.push(Item {
            rule: Rule::FinalDiffers,
            // The period's end, or the day it is judged if that is earlier.
            date: p.ends_on.min(as_of),
            class_id: Some(f.class_id),
            teacher_id: names.teacher_of.get(&(f.class_id, f.subject_id)).copied(),
            subject_id: Some(f.subject_id),
            student_id: Some(f.student_id),
            detail: format!(
                "{}: final {}, suggested {}",
                p.label,
                f.final_grade,
                crate::service::journal::suggestion_text(&suggestion)
            ),
            key: format!(
                "period:{}:student:{}:subject:{}",
                p.id, f.student_id, f.subject_id
            ),
            target: Target::JournalFinal {
                class_id: f.class_id,
                subject_id: f.subject_id,
                period_id: p.id,
                student_id: f.student_id,
            },
        });
    }

    // Stays without their orders, and departures to confirm.
    for o in store::review::stays_to_complete(conn, year.id)? {
        let (rule, detail, key) = match o.missing {
            store::review::StayGap::StartOrder => (
                Rule::OrderMissing,
                format!(
                    "{} from {}: order to be entered",
                    o.class_name,
                    date_full(o.starts_on)
                ),
                format!("stay:{}:start", o.enrolment_id),
            ),
            store::review::StayGap::EndOrder => (
                Rule::OrderMissing,
                format!(
                    "left {} on {}: order to be entered",
                    o.class_name,
                    o.ends_on.map(date_full).unwrap_or_default()
                ),
                format!("stay:{}:end", o.enrolment_id),
            ),
            store::review::StayGap::Departure(noticed) => (
                Rule::DepartureUnconfirmed,
                format!("not in the roster imported on {}", date_full(noticed)),
                format!("departure:{}", o.student_id),
            ),
        };
        items.push(Item {
            rule,
            date: o.date,
            class_id: Some(o.class_id),
            teacher_id: None,
            subject_id: None,
            student_id: Some(o.student_id),
            detail,
            key,
            target: Target::Student {
                class_id: o.class_id,
                student_id: o.student_id,
            },
        });
    }

    // Homework minutes per class and day.
    homework_items(conn, year.id, &settings, &names, from, to, &mut items)?;
    // Online lessons: grades, minutes a day, live lessons' length.
    online_items(conn, &settings, &names, from, to, &mut items)?;

    // Teachers failing training: the Training tab's verdict on the working
    // date (the credits minimum fails only once the year is over), dated the
    // day of the absence that reached the limit when that is the reason.
    let mut unexcused: HashMap<Id, Vec<NaiveDate>> = HashMap::new();
    for (staff, date) in store::review::unexcused_training_dates(conn, year.id)? {
        unexcused.entry(staff).or_default().push(date);
    }
    for s in crate::service::training::standing_on(
        conn,
        &year,
        crate::service::training::Scope::Year,
        &settings,
        as_of,
    )? {
        if !s.pass {
            let reached = (s.unexcused >= settings.training_fail_unexcused)
                .then(|| unexcused.get(&s.staff_id))
                .flatten()
                .and_then(|d| {
                    let nth = (settings.training_fail_unexcused as usize).saturating_sub(1);
                    d.get(nth).or(d.last()).copied()
                });
            items.push(Item {
                rule: Rule::TrainingFail,
                date: reached.unwrap_or(as_of).min(as_of),
                class_id: None,
                teacher_id: Some(s.staff_id),
                subject_id: None,
                student_id: None,
                detail: s.reasons.join("; "),
                key: format!("staff:{}:year:{}", s.staff_id, year.id),
                target: Target::Training {
                    teacher_id: s.staff_id,
                },
            });
        }
    }

    // Study notes of each semester over, open lessons of a year over.
    training_record_items(conn, &year, &settings, as_of, &mut items)?;

    let acks: HashMap<(String, String), ReviewAck> =
        store::audit::review_acks(conn, usize::MAX >> 1)?
            .into_iter()
            .map(|a| ((a.rule_id.clone(), a.item_key.clone()), a))
            .collect();
    // Only findings dated inside the range (every rule's, issue 15).
    let mut findings: Vec<Finding> = items
        .into_iter()
        .filter(|i| from <= i.date && i.date <= to)
        .map(|i| Finding {
            severity: settings.severity_of(i.rule),
            ack: acks.get(&(i.rule.id().to_string(), i.key.clone())).cloned(),
            rule: i.rule,
            date: i.date,
            class: i.class_id.map(|c| names.class(c)).unwrap_or_default(),
            class_id: i.class_id,
            teacher: i.teacher_id.map(|t| names.staff(t)).unwrap_or_default(),
            teacher_id: i.teacher_id,
            subject: i.subject_id.map(|s| names.subject(s)).unwrap_or_default(),
            student: i.student_id.map(|s| names.student(s)).unwrap_or_default(),
            detail: i.detail,
            key: i.key,
            target: i.target,
        })
        .collect();
    findings.sort_by(|a, b| {
        (a.rule, a.date, &a.class, &a.subject, &a.student, &a.key)
            .cmp(&(b.rule, b.date, &b.class, &b.subject, &b.student, &b.key))
    });
    Ok(Review {
        from,
        to,
        as_of,
        counts: Counts::of(&findings),
        findings,
    })
}

/// A hasher for the review's maps keyed by row ids (a multiply-rotate
/// hash as in rustc's FxHash): the mark pass looks up every mark, and
/// SipHash's protection against crafted keys buys nothing for ids read
/// from our own file.
#[derive(Default, Clone, Copy)]
struct IdHasher(u64);

impl IdHasher {
    fn add(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl std::hash::Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(b));
        }
    }
    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }
    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }
    fn write_i32(&mut self, n: i32) {
        self.add(n as u64);
    }
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }
    fn write_i64(&mut self, n: i64) {
        self.add(n as u64);
    }
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A map keyed by ids, hashed with [`IdHasher`].
type IdMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<IdHasher>>;

/// The grades whose students the too-few-marks rule judges in a period of
/// this kind (none for the year).
fn too_few_grades(kind: PeriodKind) -> Option<(u8, u8)> {
    match kind {
        PeriodKind::Quarter => Some((2, 9)),
        PeriodKind::Half => Some((10, 11)),
        PeriodKind::Year => None,
    }
}

/// A deferred mark of the range.
struct DeferredMark {
    id: Id,
    lesson_id: Id,
    student_id: Id,
    comment: Option<String>,
}

/// What the one pass over the marks found.
struct MarksPass {
    /// Marks entered after their deadline (findings).
    late: Vec<Item>,
    /// Pending marks past their correction date (findings).
    pending: Vec<Item>,
    /// Every deferred mark of the range (judged by the caller).
    deferred: Vec<DeferredMark>,
    /// The periods the too-few-marks rule judges, and for each (class,
    /// subject, student) the marks counted in each of them.
    judged: Vec<Id>,
    counted: IdMap<(Id, Id, Id), Vec<u32>>,
    /// The final grades 2–5 of the periods overlapping the range, each with
    /// the student's marks of the period in the subject and class.
    finals: Vec<(store::review::FinalGrade, Vec<Mark>)>,
}

impl MarksPass {
    /// The counted marks of (class, subject, student) in `period_id`, if
    /// that period is judged.
    fn counted_in(&self, period_id: Id) -> Option<impl Fn(Id, Id, Id) -> u32 + '_> {
        let i = self.judged.iter().position(|p| *p == period_id)?;
        Some(move |class: Id, subject: Id, student: Id| {
            self.counted
                .get(&(class, subject, student))
                .map_or(0, |c| c[i])
        })
    }
}

/// "YYYY-MM-DD" (the first ten characters of a stored date or time) as
/// the number YYYYMMDD, which orders as the text does; None when the text
/// does not start so.
fn day_number(text: &str) -> Option<u32> {
    let b = text.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let mut n = 0u32;
    for &c in b[..4].iter().chain(&b[5..7]).chain(&b[8..10]) {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u32::from(c - b'0');
    }
    Some(n)
}

/// YYYYMMDD of a date.
fn day_number_of(d: NaiveDate) -> u32 {
    d.year() as u32 * 10_000 + d.month() * 100 + d.day()
}

/// One pass over every mark of the lessons the mark rules look at: those
/// from `from` to `to` (late, pending, deferred), and those of the periods
/// the too-few-marks and final-grade rules judge. Dates are compared as
/// text or as YYYYMMDD numbers; a lesson's date is parsed once.
fn mark_pass(
    conn: &store::Conn,
    settings: &Settings,
    periods: &[crate::domain::Period],
    q: &ReviewQuery,
    from: NaiveDate,
    to: NaiveDate,
    lesson_by_id: &IdMap<Id, &HeldLesson>,
) -> Result<MarksPass> {
    let as_of = q.now.date();
    let as_of_text = as_of.to_string();
    let forms: IdMap<Id, store::review::FormFacts> = store::review::control_forms(conn)?
        .into_iter()
        .map(|f| (f.id, f))
        .collect();
    // The periods judged for too few marks: from two weeks before their
    // grades are due, overlapping the range.
    let judged: Vec<&crate::domain::Period> = periods
        .iter()
        .filter(|p| {
            let Some(_) = too_few_grades(p.kind) else {
                return false;
            };
            let due = p.ends_on - Days::new(u64::from(settings.grades_due_days_before_end));
            let opens = due - Days::new(14);
            !(as_of < opens || p.starts_on > to || p.ends_on < from)
        })
        .collect();
    // The finals of the year's periods overlapping the range.
    let final_periods: Vec<&crate::domain::Period> = periods
        .iter()
        .filter(|p| p.ends_on >= from && p.starts_on <= to)
        .collect();
    let finals: Vec<store::review::FinalGrade> = store::review::finals(conn, from, to)?
        .into_iter()
        .filter(|f| final_periods.iter().any(|p| p.id == f.period_id))
        .collect();
    // (class, subject, student) → (final, index of its period).
    let mut finals_of: IdMap<(Id, Id, Id), Vec<(usize, usize)>> = IdMap::default();
    for (i, f) in finals.iter().enumerate() {
        if let Some(pi) = final_periods.iter().position(|p| p.id == f.period_id) {
            finals_of
                .entry((f.class_id, f.subject_id, f.student_id))
                .or_default()
                .push((i, pi));
        }
    }
    let mut marks_of: Vec<Vec<Mark>> = vec![Vec::new(); finals.len()];
    let mut counted: IdMap<(Id, Id, Id), Vec<u32>> = IdMap::default();
    let mut late = Vec::new();
    let mut pending = Vec::new();
    let mut deferred = Vec::new();

    // The days to read: the range, and the periods judged.
    let mut first = (from <= to).then_some(from);
    let mut last = (from <= to).then_some(to);
    for p in judged.iter().chain(&final_periods) {
        first = Some(first.map_or(p.starts_on, |d| d.min(p.starts_on)));
        last = Some(last.map_or(p.ends_on, |d| d.max(p.ends_on)));
    }
    let (Some(first), Some(last)) = (first, last) else {
        return Ok(MarksPass {
            late,
            pending,
            deferred,
            judged: vec![],
            counted,
            finals: vec![],
        });
    };
    // What is known of the current lesson.
    struct LessonAt<'a> {
        id: Id,
        date: NaiveDate,
        /// The held lesson, when it is inside the range.
        held: Option<&'a HeldLesson>,
        /// Bit i: inside the i-th judged period; the final periods'.
        in_judged: u32,
        in_final: u32,
        /// YYYYMMDD of the last day a mark is on time, by deadline kind.
        due: [u32; 3],
    }
    let kinds = [
        DeadlineKind::Current,
        DeadlineKind::Interim,
        DeadlineKind::Written,
    ];
    let mut at: Option<LessonAt> = None;
    store::review::each_mark(conn, first, last, |m| -> Result<()> {
        let l = match &at {
            Some(l) if l.id == m.lesson_id => l,
            _ => {
                let date: NaiveDate = m.date.parse().map_err(|_| {
                    store::invalid(format!("lesson {}: bad date {}", m.lesson_id, m.date))
                })?;
                let mask = |ps: &[&crate::domain::Period]| {
                    ps.iter().enumerate().fold(0u32, |acc, (i, p)| {
                        acc | (u32::from(p.starts_on <= date && date <= p.ends_on) << i)
                    })
                };
                at = Some(LessonAt {
                    id: m.lesson_id,
                    date,
                    held: (from <= date && date <= to)
                        .then(|| lesson_by_id.get(&m.lesson_id).copied())
                        .flatten(),
                    in_judged: mask(&judged),
                    in_final: mask(&final_periods),
                    due: kinds.map(|k| day_number_of(settings.mark_due_by(date, k))),
                });
                at.as_ref().expect("just set")
            }
        };
        // The mark rules of the range (a mark of an unknown form is not
        // judged, as the form's deadline is unknown).
        if let Some(held) = l.held
            && let Some(form) = forms.get(&m.control_form_id)
        {
            let shown = || match (m.symbol, m.value) {
                ("*", Some(v)) => format!("*{v}"),
                (s, _) => s.to_string(),
            };
            let kind = DeadlineKind::of_form(
                DeadlineKind::parse(&form.deadline_kind).unwrap_or(DeadlineKind::Current),
                form.written,
            );
            let k = kinds.iter().position(|x| *x == kind).unwrap_or(0);
            // Entered (UTC) on or after the last day allowed: then judged
            // by its local date.
            let maybe_late = match day_number(m.entered_at) {
                Some(n) => n >= l.due[k],
                None => {
                    let prefix: String = m.entered_at.chars().take(10).collect();
                    prefix >= settings.mark_due_by(l.date, kind).to_string()
                }
            };
            if maybe_late
                && let Some(entered_on) = store::review::local_date(conn, m.entered_at)?
                && entered_on > settings.mark_due_by(l.date, kind)
            {
                let due = settings.mark_due_by(l.date, kind);
                let detail = format!(
                    "{} ({}) entered {}, due by {} ({} days)",
                    shown(),
                    form.name,
                    short(entered_on),
                    short(due),
                    settings.mark_deadline_days(kind)
                );
                late.push(Item::at(
                    Rule::MarkLate,
                    held,
                    Some(m.student_id),
                    detail,
                    format!("mark:{}", m.id),
                    journal_at(held, Some(m.student_id)),
                ));
            }
            if m.symbol == "*"
                && let Some(due_text) = m.due_on
                && due_text < as_of_text.as_str()
            {
                let due: NaiveDate = due_text.parse().map_err(|_| {
                    store::invalid(format!("mark {}: bad due date {due_text}", m.id))
                })?;
                let detail = format!(
                    "{} due {}: now counts as {}; confirm or correct it",
                    shown(),
                    short(due),
                    m.value.map_or("?".into(), |v| v.to_string())
                );
                pending.push(Item::at(
                    Rule::PendingOverdue,
                    held,
                    Some(m.student_id),
                    detail,
                    format!("mark:{}", m.id),
                    journal_at(held, Some(m.student_id)),
                ));
            }
            if m.symbol == "°" {
                deferred.push(DeferredMark {
                    id: m.id,
                    lesson_id: m.lesson_id,
                    student_id: m.student_id,
                    comment: m.comment.map(str::to_string),
                });
            }
        }
        if l.in_judged == 0 && l.in_final == 0 {
            return Ok(());
        }
        let key = (m.class_id, m.subject_id, m.student_id);
        // Counted towards a period grade: grades, and pending marks whose
        // correction date has passed.
        let counts = matches!(m.symbol, "2" | "3" | "4" | "5")
            || (m.symbol == "*" && m.due_on.is_some_and(|d| d < as_of_text.as_str()));
        if counts && l.in_judged != 0 {
            let c = counted.entry(key).or_insert_with(|| vec![0; judged.len()]);
            for (i, n) in c.iter_mut().enumerate() {
                if l.in_judged & (1 << i) != 0 {
                    *n += 1;
                }
            }
        }
        if l.in_final != 0
            && let Some(fs) = finals_of.get(&key)
        {
            for &(fi, pi) in fs {
                if l.in_final & (1 << pi) == 0 {
                    continue;
                }
                let Some(symbol) = MarkSymbol::from_stored(m.symbol) else {
                    continue;
                };
                let due_on =
                    match m.due_on {
                        Some(d) => Some(d.parse().map_err(|_| {
                            store::invalid(format!("mark {}: bad due date {d}", m.id))
                        })?),
                        None => None,
                    };
                marks_of[fi].push(Mark {
                    symbol,
                    value: m.value,
                    weight: m.weight,
                    due_on,
                    comment: None,
                });
            }
        }
        Ok(())
    })?;
    Ok(MarksPass {
        late,
        pending,
        deferred,
        judged: judged.iter().map(|p| p.id).collect(),
        counted,
        finals: finals.into_iter().zip(marks_of).collect(),
    })
}

/// The school days of every class (days with a lesson recorded) and the
/// days each student was absent excused at a lesson of a class.
struct Absences {
    days: HashMap<Id, Vec<NaiveDate>>,
    excused:
        std::collections::HashSet<(Id, Id, NaiveDate), std::hash::BuildHasherDefault<IdHasher>>,
}

impl Absences {
    /// Up to and including `to`.
    fn load(conn: &store::Conn, to: NaiveDate) -> Result<Absences> {
        let mut days: HashMap<Id, Vec<NaiveDate>> = HashMap::new();
        for (class_id, date) in store::review::school_days(conn, to)? {
            days.entry(class_id).or_default().push(date);
        }
        Ok(Absences {
            days,
            excused: store::review::excused_days(conn, to)?.into_iter().collect(),
        })
    }
}

/// Calendar days before a control event within which a long absence must
/// have ended to exempt the student: one school week, the time seed 003
/// §4.5 gives a student back from a long illness to make up a task.
const EXEMPT_AFTER_ABSENCE_DAYS: u64 = 7;

/// Is a student exempt from a control event's mark on `date` (seed 003
/// §4.5): absent excused that day, or back from an excused absence of at
/// least `long` consecutive school days of the class (days with lessons)
/// whose last day is within a week before `date`. `long` 0 exempts nobody
/// for an earlier absence.
fn exempt_after_long_absence(
    absences: &Absences,
    class_id: Id,
    student_id: Id,
    date: NaiveDate,
    long: u32,
) -> bool {
    let window = date
        .checked_sub_days(Days::new(EXEMPT_AFTER_ABSENCE_DAYS))
        .unwrap_or(NaiveDate::MIN);
    let limit = long.saturating_add(EXEMPT_AFTER_ABSENCE_DAYS as u32 + 1);
    // The class's school days up to and including `date`, latest first, at
    // most `limit`, each with whether the student was absent excused.
    let school_days = absences.days.get(&class_id).map_or(&[][..], |v| v);
    let upto = school_days.partition_point(|d| *d <= date);
    let days = school_days[..upto]
        .iter()
        .rev()
        .take(limit as usize)
        .map(|d| (*d, absences.excused.contains(&(class_id, student_id, *d))));
    let mut run = 0;
    for (d, excused) in days {
        if d == date {
            if excused {
                return true;
            }
            continue;
        }
        if run == 0 {
            if d < window || long == 0 {
                break;
            }
            if excused {
                run = 1;
            }
        } else if excused {
            run += 1;
        } else {
            break;
        }
        if run >= long {
            return true;
        }
    }
    false
}

/// "for 1 student", "for 3 students".
fn for_students(n: usize) -> String {
    format!(
        "for {}",
        crate::domain::text::count(n, "student", "students")
    )
}

/// Homework above the limits of grades 1–2 (minutes a day in all) and
/// grades 3–6 (minutes per subject a day). The limits are a student's: each
/// student's load is the sum over the lessons that student attends
/// (whole-class lessons and those of the student's groups), so two parallel
/// groups of 20 minutes each are 20 for every student, not 40. A class's
/// day is over when its most loaded student is above the limit.
fn homework_items(
    conn: &store::Conn,
    year_id: Id,
    settings: &Settings,
    names: &Names,
    from: NaiveDate,
    to: NaiveDate,
    items: &mut Vec<Item>,
) -> Result<()> {
    if to < from {
        return Ok(());
    }
    // Each student's minutes per class, day and subject: the sum over
    // the lessons the student attends (whole-class lessons and those of
    // the student's groups) while in the class, a stay counted as often as
    // the student has one that day.
    let lessons = store::review::homework_lessons(conn, from, to)?;
    let mut stays: HashMap<Id, Vec<(Id, NaiveDate, Option<NaiveDate>)>> = HashMap::new();
    for (class_id, student_id, starts, ends) in store::review::class_stays(conn, year_id)? {
        stays
            .entry(class_id)
            .or_default()
            .push((student_id, starts, ends));
    }
    let members: std::collections::HashSet<(Id, Id), std::hash::BuildHasherDefault<IdHasher>> =
        store::review::group_members(conn)?.into_iter().collect();
    // (class, date) → [(subject, student, minutes)], by subject and student.
    type Day = ((Id, NaiveDate), Vec<(Id, Id, u32)>);
    let mut days: Vec<Day> = Vec::new();
    let mut i = 0;
    while i < lessons.len() {
        let (class_id, date) = (lessons[i].class_id, lessons[i].date);
        let n = lessons[i..]
            .iter()
            .take_while(|l| l.class_id == class_id && l.date == date)
            .count();
        let day = &lessons[i..i + n];
        i += n;
        // Only the grades with a limit are judged.
        if !names
            .classes
            .get(&class_id)
            .is_some_and(|c| (1..=6).contains(&c.1))
        {
            continue;
        }
        // (student, stays that day), by student.
        let mut present: Vec<(Id, u32)> = Vec::new();
        for &(student, starts, ends) in stays.get(&class_id).map_or(&[][..], |v| v) {
            if starts <= date && ends.is_none_or(|e| date <= e) {
                match present.last_mut() {
                    Some((s, k)) if *s == student => *k += 1,
                    _ => present.push((student, 1)),
                }
            }
        }
        let mut rows: Vec<(Id, Id, u32)> = Vec::new();
        let mut j = 0;
        while j < day.len() {
            let subject = day[j].subject_id;
            let m = day[j..]
                .iter()
                .take_while(|l| l.subject_id == subject)
                .count();
            let of_subject = &day[j..j + m];
            j += m;
            for &(student, k) in &present {
                let mut attends = false;
                let mut minutes = 0u32;
                for l in of_subject {
                    if l.group_id.is_none_or(|g| members.contains(&(g, student))) {
                        attends = true;
                        minutes += l.minutes * k;
                    }
                }
                if attends {
                    rows.push((subject, student, minutes));
                }
            }
        }
        if !rows.is_empty() {
            days.push(((class_id, date), rows));
        }
    }
    for ((class_id, date), rows) in days {
        let Some(&(_, grade, _)) = names.classes.get(&class_id) else {
            continue;
        };
        let (over, detail): (Vec<Id>, String) = match grade {
            1..=2 => {
                let limit = settings.homework_max_minutes_grades_1_2;
                // Each student's day: all subjects together.
                let mut per_student: HashMap<Id, u32> = HashMap::new();
                for &(_, student, m) in &rows {
                    *per_student.entry(student).or_default() += m;
                }
                let max = per_student.values().copied().max().unwrap_or(0);
                if max <= limit {
                    continue;
                }
                let n = per_student.values().filter(|m| **m > limit).count();
                let mut subjects: Vec<Id> = Vec::new();
                for &(subject, student, _) in &rows {
                    if per_student[&student] > limit && !subjects.contains(&subject) {
                        subjects.push(subject);
                    }
                }
                (
                    subjects,
                    format!(
                        "{max} min of homework on {} {} (grades 1–2: at most {limit})",
                        short(date),
                        for_students(n)
                    ),
                )
            }
            3..=6 => {
                let limit = settings.homework_max_minutes_per_subject_grades_3_6;
                // (subject, most minutes of a student, students over).
                let mut per_subject: Vec<(Id, u32, usize)> = Vec::new();
                for &(subject, _, m) in &rows {
                    let above = usize::from(m > limit);
                    match per_subject.last_mut() {
                        Some(e) if e.0 == subject => {
                            e.1 = e.1.max(m);
                            e.2 += above;
                        }
                        _ => per_subject.push((subject, m, above)),
                    }
                }
                let over: Vec<(Id, u32, usize)> =
                    per_subject.into_iter().filter(|e| e.1 > limit).collect();
                if over.is_empty() {
                    continue;
                }
                let list = over
                    .iter()
                    .map(|(s, m, n)| format!("{} {m} min {}", names.subject(*s), for_students(*n)))
                    .collect::<Vec<_>>()
                    .join(", ");
                (
                    over.iter().map(|e| e.0).collect(),
                    format!(
                        "{list} on {} (grades 3–6: at most {limit} a subject)",
                        short(date)
                    ),
                )
            }
            _ => continue,
        };
        let subject_id = over[0];
        items.push(Item {
            rule: Rule::HomeworkOverLimit,
            date,
            class_id: Some(class_id),
            teacher_id: names.teacher_of.get(&(class_id, subject_id)).copied(),
            subject_id: Some(subject_id),
            student_id: None,
            detail,
            key: format!("class:{class_id}:date:{date}"),
            target: Target::Journal {
                class_id,
                subject_id,
                date,
                lesson_no: None,
                lesson_id: None,
                student_id: None,
            },
        });
    }
    Ok(())
}

/// "1 online lesson", "3 online lessons".
fn online_lessons_text(n: u32) -> String {
    crate::domain::text::count(n as usize, "online lesson", "online lessons")
}

/// Seed 001's online limits: no online lessons below grade
/// `online_from_grade` (one finding a class and day), at most
/// `online_max_minutes_per_day_grades_4_6` minutes online a day for each
/// student of grades 4–6 (the lessons the student attends, so parallel
/// groups count once; one finding a class and day), and live lessons of at
/// most `live_lesson_minutes` (one finding a lesson). A lesson counts its
/// recorded online minutes, else its bell.
fn online_items(
    conn: &store::Conn,
    settings: &Settings,
    names: &Names,
    from: NaiveDate,
    to: NaiveDate,
    items: &mut Vec<Item>,
) -> Result<()> {
    if to < from {
        return Ok(());
    }
    let lessons = store::review::online_lessons(conn, from, to)?;
    let grade_of = |class_id: Id| names.classes.get(&class_id).map(|c| u32::from(c.1));
    let journal = |l: &store::review::OnlineLesson| Target::Journal {
        class_id: l.class_id,
        subject_id: l.subject_id,
        date: l.date,
        lesson_no: Some(l.lesson_no),
        lesson_id: Some(l.id),
        student_id: None,
    };
    // Below the lowest grade taught online: one finding a class and day,
    // at its first online lesson.
    let mut i = 0;
    while i < lessons.len() {
        let first = &lessons[i];
        let n = lessons[i..]
            .iter()
            .take_while(|l| l.class_id == first.class_id && l.date == first.date)
            .count();
        if let Some(grade) = grade_of(first.class_id)
            && grade < settings.online_from_grade
        {
            let mut numbers: Vec<String> = Vec::new();
            for l in &lessons[i..i + n] {
                let no = l.lesson_no.to_string();
                if !numbers.contains(&no) {
                    numbers.push(no);
                }
            }
            let numbers = numbers.join(", ");
            items.push(Item {
                rule: Rule::OnlineYoungGrade,
                date: first.date,
                class_id: Some(first.class_id),
                // The class teacher answers for the class's day.
                teacher_id: names
                    .classes
                    .get(&first.class_id)
                    .and_then(|c| c.2)
                    .or(Some(first.teacher_id)),
                // The subject of the first online lesson (where Enter goes).
                subject_id: Some(first.subject_id),
                student_id: None,
                detail: format!(
                    "{} on {} (lessons {numbers}) in grade {grade}: grades below {} are not taught online",
                    online_lessons_text(n as u32),
                    short(first.date),
                    settings.online_from_grade
                ),
                key: format!("online:class:{}:date:{}", first.class_id, first.date),
                target: journal(first),
            });
        }
        i += n;
    }
    // Live lessons longer than the limit.
    let live_max = settings.live_lesson_minutes;
    for l in lessons.iter().filter(|l| l.live && l.minutes > live_max) {
        let source = if l.recorded {
            ""
        } else {
            " (its bell: no online length recorded)"
        };
        items.push(Item {
            rule: Rule::OnlineLiveTooLong,
            date: l.date,
            class_id: Some(l.class_id),
            teacher_id: Some(l.teacher_id),
            subject_id: Some(l.subject_id),
            student_id: None,
            detail: format!(
                "lesson {} on {}: live online lesson of {} min{source}, at most {live_max}",
                l.lesson_no,
                short(l.date),
                l.minutes
            ),
            key: format!("lesson:{}", l.id),
            target: journal(l),
        });
    }
    // Minutes a day of each student in grades 4–6 (from online_from_grade,
    // at least 4, to 6).
    let day_max = settings.online_max_minutes_per_day_grades_4_6;
    // (class, date) → [(minutes, online lessons)] of each student.
    type Day = ((Id, NaiveDate), Vec<(u32, u32)>);
    let mut days: Vec<Day> = Vec::new();
    for (class_id, date, _student, minutes, count) in
        store::review::online_minutes_per_student(conn, from, to)?
    {
        match days.last_mut() {
            Some((k, v)) if *k == (class_id, date) => v.push((minutes, count)),
            _ => days.push(((class_id, date), vec![(minutes, count)])),
        }
    }
    for ((class_id, date), students) in days {
        let Some(grade) = grade_of(class_id) else {
            continue;
        };
        if !(4..=6).contains(&grade) || grade < settings.online_from_grade {
            continue;
        }
        let (max, count) = students.iter().copied().max().unwrap_or((0, 0));
        if max <= day_max {
            continue;
        }
        let over = students.iter().filter(|(m, _)| *m > day_max).count();
        let Some(first) = lessons
            .iter()
            .find(|l| l.class_id == class_id && l.date == date)
        else {
            continue;
        };
        items.push(Item {
            rule: Rule::OnlineOverDay,
            date,
            class_id: Some(class_id),
            teacher_id: names
                .classes
                .get(&class_id)
                .and_then(|c| c.2)
                .or(Some(first.teacher_id)),
            subject_id: Some(first.subject_id),
            student_id: None,
            detail: format!(
                "{max} min online on {} ({}) {} (grades 4–6: at most {day_max} a day)",
                short(date),
                online_lessons_text(count),
                for_students(over)
            ),
            key: format!("online:class:{class_id}:date:{date}"),
            target: journal(first),
        });
    }
    Ok(())
}

/// Seed 004's study notes (characters a semester, judged once the
/// semester's plan has ended) and open lessons (a year, judged once the
/// year is over) of every teacher on the training roll.
fn training_record_items(
    conn: &store::Conn,
    year: &crate::domain::SchoolYear,
    settings: &Settings,
    as_of: NaiveDate,
    items: &mut Vec<Item>,
) -> Result<()> {
    use crate::service::training::{Scope, standing_on, trainees};
    let roll: Vec<Id> = trainees(conn)?.into_iter().map(|s| s.id).collect();
    let key_of = |staff: Id| Target::Training { teacher_id: staff };
    let min_notes = settings.training_study_notes_chars;
    for plan in store::training::plans(conn, year.id)? {
        if plan.ends_on >= as_of || min_notes == 0 {
            continue;
        }
        for s in standing_on(conn, year, Scope::Semester(plan.semester), settings, as_of)? {
            if !roll.contains(&s.staff_id) || s.study_notes >= min_notes {
                continue;
            }
            items.push(Item {
                rule: Rule::TrainingStudyNotes,
                date: plan.ends_on,
                class_id: None,
                teacher_id: Some(s.staff_id),
                subject_id: None,
                student_id: None,
                detail: format!(
                    "semester {} ({}–{}): {} characters of study notes, at least {min_notes}",
                    plan.semester,
                    short(plan.starts_on),
                    short(plan.ends_on),
                    s.study_notes
                ),
                key: format!("staff:{}:plan:{}:notes", s.staff_id, plan.id),
                target: key_of(s.staff_id),
            });
        }
    }
    let min_open = settings.training_open_lessons_year;
    if year.ends_on < as_of && min_open > 0 {
        for s in standing_on(conn, year, Scope::Year, settings, as_of)? {
            if !roll.contains(&s.staff_id) || s.open_lessons >= min_open {
                continue;
            }
            items.push(Item {
                rule: Rule::TrainingOpenLesson,
                date: year.ends_on,
                class_id: None,
                teacher_id: Some(s.staff_id),
                subject_id: None,
                student_id: None,
                detail: format!(
                    "school year {}: {} open lessons, at least {min_open}",
                    year.label, s.open_lessons
                ),
                key: format!("staff:{}:year:{}:open_lessons", s.staff_id, year.id),
                target: key_of(s.staff_id),
            });
        }
    }
    Ok(())
}

/// Acknowledge a finding with a note (kept, attributable, undoable).
/// Returns the audit entries written.
pub fn acknowledge(
    tx: &store::Conn,
    operator: &str,
    rule: Rule,
    key: &str,
    note: &str,
) -> Result<Vec<i64>> {
    let note = note.trim();
    if note.is_empty() {
        return Err(store::invalid(
            "an acknowledgement needs a note saying why the finding stands",
        ));
    }
    let pk = json!({"rule_id": rule.id(), "item_key": key});
    let row = json!({
        "rule_id": rule.id(),
        "item_key": key,
        "note": crate::domain::text::nfc(note),
        "acked_by": operator,
        "acked_at": store::now(),
    });
    let entry = store::audit::write_row(
        tx,
        operator,
        "acknowledge finding",
        "review_ack",
        pk.as_object().expect("an object"),
        row.as_object(),
    )?;
    Ok(entry.into_iter().collect())
}

/// Withdraw an acknowledgement.
pub fn unacknowledge(tx: &store::Conn, operator: &str, rule: Rule, key: &str) -> Result<Vec<i64>> {
    let pk = json!({"rule_id": rule.id(), "item_key": key});
    let entry = store::audit::write_row(
        tx,
        operator,
        "withdraw acknowledgement",
        "review_ack",
        pk.as_object().expect("an object"),
        None,
    )?;
    Ok(entry.into_iter().collect())
}
