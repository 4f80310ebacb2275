//! Each teacher's journal keeping over a period or dates: lessons held,
//! and the share with a topic, a homework entry, attendance taken, and
//! marks entered on time. The counts are `service::keeping::journal_keeping`
//! (shared with the indicators and the review), so they agree.

use chrono::NaiveDate;

use super::{Cell, Column, Kind, Report, Row, Span, blank, full, percent_tenths, percent_text};
use crate::service::keeping::{self, TeacherKeeping};
use crate::store::{self, Result};

fn cells(k: &TeacherKeeping) -> Vec<Cell> {
    let pct = |part: u32, whole: u32| Cell::tenths(percent_tenths(part as usize, whole as usize));
    vec![
        Cell::int(k.lessons),
        Cell::int(k.with_topic),
        pct(k.with_topic, k.lessons),
        Cell::int(k.with_homework),
        pct(k.with_homework, k.lessons),
        Cell::int(k.with_attendance),
        pct(k.with_attendance, k.lessons),
        Cell::int(k.marks),
        Cell::int(k.marks_on_time),
        pct(k.marks_on_time, k.marks),
    ]
}

pub(super) fn build(conn: &store::Conn, span: &Span, as_of: NaiveDate) -> Result<Report> {
    let settings = store::settings::load(conn)?;
    let rows = keeping::journal_keeping(conn, &settings, span.from(), span.to(), as_of)?;
    let to = span.to().min(as_of).max(span.from());
    let mut r = blank(
        Kind::Keeping,
        "All teachers".into(),
        match span {
            Span::Period(p) => format!("{}, {}–{}", p.label, full(span.from()), full(to)),
            Span::Range { .. } => format!("{}–{}", full(span.from()), full(to)),
        },
        as_of,
    );
    r.from = Some(span.from());
    r.to = Some(to);
    r.columns = vec![
        Column::num("no", "№"),
        Column::text("teacher", "Teacher"),
        Column::num("lessons", "Lessons"),
        Column::num("with_topic", "Topic"),
        Column::num("topic_percent", "Topic %"),
        Column::num("with_homework", "Homework"),
        Column::num("homework_percent", "Homework %"),
        Column::num("with_attendance", "Attendance"),
        Column::num("attendance_percent", "Attendance %"),
        Column::num("marks", "Marks"),
        Column::num("marks_on_time", "On time"),
        Column::num("marks_on_time_percent", "On time %"),
    ];
    for (i, k) in rows.iter().enumerate() {
        let mut row = vec![Cell::int(i + 1), Cell::text(&k.teacher)];
        row.extend(cells(k));
        r.rows.push(Row::new(row));
    }
    let total = TeacherKeeping::total("School total", &rows);
    let mut row = vec![Cell::Empty, Cell::text(&total.teacher)];
    row.extend(cells(&total));
    r.rows.push(Row::total(row));
    let pct = |a: u32, b: u32| percent_text(percent_tenths(a as usize, b as usize));
    r.notes.push(format!(
        "{} teachers held {} lessons: {} with a topic, {} with a homework entry, {} with \
         attendance taken; {} of {} marks entered on time ({}).",
        rows.len(),
        total.lessons,
        pct(total.with_topic, total.lessons),
        pct(total.with_homework, total.lessons),
        pct(total.with_attendance, total.lessons),
        total.marks_on_time,
        total.marks,
        pct(total.marks_on_time, total.marks),
    ));
    r.notes.push(format!(
        "Lessons recorded in the journal, counted for the teacher who actually taught them (a \
         substitute for the lessons covered). Homework: any entry, including \"not assigned\". \
         On time: a mark entered within {} days of the lesson ({} for interim attestation, {} \
         for a written work). Teachers without a lesson in the period are not listed.",
        settings.mark_deadline_current_days,
        settings.mark_deadline_interim_days,
        settings.mark_deadline_written_days,
    ));
    if to < span.to() {
        r.notes
            .push(format!("Counted to {}, the working date.", full(to)));
    }
    Ok(r)
}
