//! Teacher training standing for a semester (half-year) or the year: per
//! teacher the sessions, attendance, leave, unexcused absences, credits and
//! the verdict with its reasons, straight from `service::training::standing`
//! (the Training tab's standing and `classbook training standing`).

use chrono::NaiveDate;

use super::{Cell, Column, Kind, Report, Row, blank, full, refuse};
use crate::domain::{Period, PeriodKind};
use crate::service::training::{self, Scope, credits_text};
use crate::store::{self, Result};

/// The standing's scope for a period: a half-year is its semester.
pub fn scope(period: &Period) -> Result<Scope> {
    match period.kind {
        PeriodKind::Half => Ok(Scope::Semester(period.number)),
        PeriodKind::Year => Ok(Scope::Year),
        PeriodKind::Quarter => refuse(format!(
            "the training standing is kept by semester or year, not by quarter ({}): \
             give h1, h2 or year",
            period.label
        )),
    }
}

fn credits(h: u32) -> Cell {
    Cell::hundredths(Some(h))
}

pub(super) fn build(conn: &store::Conn, period: &Period, as_of: NaiveDate) -> Result<Report> {
    let scope = scope(period)?;
    let year = store::school::years(conn)?
        .into_iter()
        .find(|y| y.id == period.year_id);
    let Some(year) = year else {
        return refuse(format!("the period {} has no school year", period.label));
    };
    let settings = store::settings::load(conn)?;
    let standing = training::standing(conn, &year, scope, &settings)?;
    let label = match scope {
        Scope::Semester(n) => format!("semester {n} ({})", period.label),
        Scope::Year => format!("school year {}", year.label),
    };
    let mut r = blank(
        Kind::Training,
        "All teachers".into(),
        format!(
            "{label}, {}–{}",
            full(period.starts_on),
            full(period.ends_on)
        ),
        as_of,
    );
    r.from = Some(period.starts_on);
    r.to = Some(period.ends_on);
    let semester = matches!(scope, Scope::Semester(_));
    r.columns = vec![
        Column::num("no", "№"),
        Column::text("teacher", "Teacher"),
        Column::num("sessions", "Sessions"),
        Column::num("attended", "Attended"),
        Column::num("late", "Late"),
        Column::num("left_early", "Left early"),
        Column::num("official_leave", "Official leave"),
        Column::num("personal_leave", "Personal leave"),
        Column::num("sick_leave", "Sick leave"),
        Column::num("unexcused", "Unexcused"),
        Column::num("credits", "Credits"),
    ];
    if semester {
        r.columns.extend([
            Column::num("year_unexcused", "Year unexcused"),
            Column::num("year_credits", "Year credits"),
        ]);
    }
    r.columns.extend([
        Column::num("required", "Required"),
        Column::text("verdict", "Verdict"),
        Column::text("reasons", "Why"),
    ]);
    let mut fails = 0;
    for (i, s) in standing.iter().enumerate() {
        let mut row = vec![
            Cell::int(i + 1),
            Cell::text(&s.name),
            Cell::int(s.sessions),
            Cell::int(s.attended),
            Cell::int(s.late),
            Cell::int(s.left_early),
            Cell::int(s.official_leave),
            Cell::int(s.personal_leave),
            Cell::int(s.sick_leave),
            Cell::int(s.unexcused),
            credits(s.credits),
        ];
        if semester {
            row.extend([Cell::int(s.verdict_unexcused), credits(s.verdict_credits)]);
        }
        row.extend([
            credits(s.required),
            Cell::text(if s.pass { "pass" } else { "fail" }),
            Cell::text(s.reasons.join("; ")),
        ]);
        if !s.pass {
            fails += 1;
        }
        r.rows.push(Row::new(row));
    }
    r.notes.push(format!(
        "{} teachers: {} pass, {fails} fail.",
        standing.len(),
        standing.len() - fails
    ));
    r.notes.push(format!(
        "Fail: {} or more absences without cause in the year, or fewer than {} credits a year \
         (official leave is never penalised: its sessions' credits are taken off the credits \
         required). Attended: present, late or left early. Credits: school sessions attended \
         and external training.{}",
        settings.training_fail_unexcused,
        credits_text(settings.training_min_credits_year),
        if semester {
            " A semester's verdict counts the year so far (Year columns)."
        } else {
            ""
        }
    ));
    Ok(r)
}
