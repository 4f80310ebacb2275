//! Class attendance for a period: per student the lessons counted and how
//! they were attended, by the category of the code (never its letter), and
//! the class total. The numbers are the attendance service's period
//! summary (`service::attendance::load_period`), the same as the period
//! grid on the Attendance tab and `classbook attendance show --summary`.

use chrono::NaiveDate;

use super::{Cell, Column, Kind, Report, Row, Span, blank, full, refuse, year_of};
use crate::domain::Class;
use crate::service::attendance::{self, Counts};
use crate::store::{self, Result};

fn cells(c: &Counts) -> Vec<Cell> {
    vec![
        Cell::int(c.lessons),
        Cell::int(c.present),
        Cell::int(c.present_remote),
        Cell::int(c.exempt),
        Cell::int(c.absent_excused),
        Cell::int(c.absent_unexcused),
        Cell::int(c.absent_unspecified),
        Cell::int(c.absent()),
        Cell::int(c.not_taken),
        Cell::tenths(c.attended_permille()),
    ]
}

pub(super) fn build(
    conn: &store::Conn,
    class: &Class,
    span: &Span,
    as_of: NaiveDate,
) -> Result<Report> {
    let year = year_of(conn, as_of)?;
    if span.from() > year.ends_on || span.to() < year.starts_on {
        return refuse(format!(
            "{}–{} is outside the school year {} ({}–{})",
            full(span.from()),
            full(span.to()),
            year.label,
            full(year.starts_on),
            full(year.ends_on)
        ));
    }
    // Nothing is recorded after the working date: count up to it.
    let to = span.to().min(as_of).max(span.from());
    let v = attendance::load_period(conn, class, &year, span.from(), to)?;
    let mut r = blank(
        Kind::Attendance,
        format!("Class {}", class.name),
        match span {
            Span::Period(p) => format!("{}, {}–{}", p.label, full(v.from), full(v.to)),
            Span::Range { .. } => format!("{}–{}", full(v.from), full(v.to)),
        },
        as_of,
    );
    r.from = Some(v.from);
    r.to = Some(v.to);
    r.columns = vec![
        Column::num("no", "№"),
        Column::text("student", "Student"),
        Column::num("lessons", "Lessons"),
        Column::num("present", "Present"),
        Column::num("remote", "Remote"),
        Column::num("exempt", "Exempt"),
        Column::num("absent_excused", "Excused"),
        Column::num("absent_unexcused", "Unexcused"),
        Column::num("absent_unspecified", "No reason"),
        Column::num("absent", "Absent"),
        Column::num("not_taken", "Not taken"),
        Column::num("attended_percent", "Attended %"),
    ];
    for (i, s) in v.students.iter().enumerate() {
        let mut row = vec![Cell::int(i + 1), Cell::text(&s.name)];
        row.extend(cells(&s.counts));
        r.rows.push(Row::new(row));
    }
    let mut total = vec![Cell::Empty, Cell::text("Class total")];
    total.extend(cells(&v.total));
    r.rows.push(Row::total(total));
    r.notes.push(format!(
        "Class total: {} lessons counted, {} attended ({}), {} absences: {} excused, {} unexcused, \
         {} with no reason given; {} lessons not taken.",
        v.total.lessons,
        v.total.attended(),
        v.total.attended_text(),
        v.total.absent(),
        v.total.absent_excused,
        v.total.absent_unexcused,
        v.total.absent_unspecified,
        v.total.not_taken
    ));
    r.notes.push(
        "Lessons: lessons whose attendance was taken while the student was on the list (in the \
         lesson's group). Counted by the category of the attendance code: present (a parent's \
         comment is an annotation), remote (distance learning), exempt (present, excused from \
         exertion), absent excused (health, parent's request, quarantine, illness), unexcused, \
         and no reason given yet. Attended % = (present + remote + exempt) / lessons."
            .into(),
    );
    if to < span.to() {
        r.notes
            .push(format!("Counted to {}, the working date.", full(to)));
    }
    Ok(r)
}
