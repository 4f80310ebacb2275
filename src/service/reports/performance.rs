//! Class performance for a period: per student and subject the marks, the
//! weighted mean, the suggested and the final grade, and the class's
//! quality and success percentages. Everything per subject comes from the
//! journal's own period grid (`service::journal::load_in`), so the report
//! shows what the Journal tab shows.

use chrono::NaiveDate;

use super::{Cell, Column, Figure, Kind, Report, Row, blank, full, percent_tenths, percent_text};
use crate::domain::marks::Suggestion;
use crate::domain::{Class, Period};
use crate::service::journal::{self, JournalView, MarkCell};
use crate::store::{self, Result};

/// A student's period grade in a subject, as the percentages count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Graded {
    /// 2–5: the final grade where the teacher set one, else the suggestion.
    Grade(u8),
    /// No grade: "na" set by the teacher, or too few marks.
    NotAttested,
}

/// The final grade where set, else the grade the marks suggest.
pub(crate) fn period_grade(final_grade: Option<&str>, suggestion: &Suggestion) -> Graded {
    match final_grade.map(str::trim) {
        Some(g) => match g.parse::<u8>() {
            Ok(v @ 2..=5) => Graded::Grade(v),
            _ => Graded::NotAttested,
        },
        None => match suggestion {
            Suggestion::Grade { grade, .. } => Graded::Grade(*grade),
            Suggestion::NotAttestable { .. } => Graded::NotAttested,
        },
    }
}

/// A subject counts when someone in the class has a mark that counts or a
/// final grade in it in the period (grade 1 and subjects taught without
/// marks do not).
fn graded_subject(v: &JournalView) -> bool {
    v.students
        .iter()
        .any(|s| s.counted > 0 || s.final_grade.is_some())
}

pub(super) fn build(
    conn: &store::Conn,
    class: &Class,
    period: &Period,
    as_of: NaiveDate,
) -> Result<Report> {
    let subjects = store::curriculum::class_subjects(conn, class.id)?;
    let mut views = Vec::new();
    let mut left_out = Vec::new();
    // What every subject's journal reads alike is read once; the progress
    // through the plan, which the report does not show, not at all.
    let common = journal::ClassReading::read(conn, class, period)?;
    let settings = common.settings();
    for subject in &subjects {
        let v = journal::load_in(conn, &common, subject, None, as_of, false)?;
        if graded_subject(&v) {
            views.push(v);
        } else {
            left_out.push(subject.name.clone());
        }
    }
    let mut r = blank(
        Kind::Performance,
        format!("Class {}", class.name),
        format!(
            "{}, {}–{}",
            period.label,
            full(period.starts_on),
            full(period.ends_on)
        ),
        as_of,
    );
    r.from = Some(period.starts_on);
    r.to = Some(period.ends_on);
    r.columns = vec![
        Column::num("no", "№"),
        Column::text("student", "Student"),
        Column::text("subject", "Subject"),
        Column::text("marks", "Marks"),
        Column::num("counted", "Count"),
        Column::num("mean", "Mean"),
        Column::text("suggested", "Suggested"),
        Column::text("final", "Final"),
        Column::text("grade", "Grade"),
    ];
    // Number, student and subject stay in view on screen.
    r.frozen = 3;
    r.group = vec![0, 1];
    // The class list is the same in every subject's grid.
    let members = common.members();
    // Students counted: on the list on the period's last day (or the
    // working date, while the period runs).
    let on = period.ends_on.min(as_of).max(period.starts_on);
    let (mut counted, mut quality, mut success, mut unattested) = (0usize, 0, 0, 0);
    // Per subject (in `views` order): students counted, with 4–5, with 3–5.
    let mut by_subject = vec![(0usize, 0usize, 0usize); views.len()];
    let mut not_counted = Vec::new();
    for (i, m) in members.iter().enumerate() {
        let sid = m.student.id;
        let name = m.student.full_name();
        let mut grades = Vec::new();
        let counts = m.enrolled_on(on);
        for (k, v) in views.iter().enumerate() {
            let Some(s) = v.students.iter().find(|s| s.student_id == sid) else {
                continue;
            };
            // Not on the list of any of the subject's lessons (a group the
            // student is not in): the student does not take it.
            if s.final_grade.is_none() && s.cells.iter().all(|c| *c == MarkCell::NotEnrolled) {
                continue;
            }
            // What was assessed: the marks, and Н where the student was
            // absent (attendance, the one record) from a control event;
            // not every absence the journal's Н shows.
            let marks: Vec<String> = s
                .details
                .iter()
                .zip(&s.absences)
                .zip(&v.lessons)
                .filter_map(|((d, absent), l)| {
                    let n = (absent.is_some() && l.control_form.is_some()).then_some("Н");
                    let shown: Vec<&str> = n
                        .into_iter()
                        .chain(d.iter().map(|m| m.mark.as_str()))
                        .collect();
                    (!shown.is_empty()).then(|| shown.join("/"))
                })
                .collect();
            let g = period_grade(s.final_grade.as_deref(), &s.suggestion);
            grades.push(g);
            if counts {
                let b = &mut by_subject[k];
                b.0 += 1;
                b.1 += usize::from(matches!(g, Graded::Grade(4 | 5)));
                b.2 += usize::from(matches!(g, Graded::Grade(3..=5)));
            }
            r.rows.push(Row::new(vec![
                Cell::int(i + 1),
                Cell::text(&name),
                Cell::text(&v.subject.name),
                Cell::text(marks.join(" ")),
                Cell::int(s.counted),
                Cell::hundredths(s.mean_hundredths),
                Cell::text(match s.suggestion {
                    Suggestion::Grade { grade, .. } => grade.to_string(),
                    Suggestion::NotAttestable { .. } => "n/a".into(),
                }),
                Cell::text(match s.final_grade.as_deref() {
                    Some("na") => "n/a".to_string(),
                    Some(g) => g.to_string(),
                    None => String::new(),
                }),
                Cell::text(match g {
                    Graded::Grade(g) => g.to_string(),
                    Graded::NotAttested => "n/a".into(),
                }),
            ]));
        }
        if !counts {
            not_counted.push(name);
            continue;
        }
        counted += 1;
        let attested = !grades.is_empty() && grades.iter().all(|g| matches!(g, Graded::Grade(_)));
        if !attested && !grades.is_empty() {
            unattested += 1;
        }
        if attested && grades.iter().all(|g| matches!(g, Graded::Grade(3..=5))) {
            success += 1;
        }
        if attested && grades.iter().all(|g| matches!(g, Graded::Grade(4 | 5))) {
            quality += 1;
        }
    }
    // No graded subject at all (grade 1): there is nothing to rate.
    let rated = if views.is_empty() { 0 } else { counted };
    let q = percent_tenths(quality, rated);
    let s = percent_tenths(success, rated);
    r.figures = vec![
        Figure {
            key: "students".into(),
            label: format!("Students on the list on {}", full(on)),
            value: Cell::int(counted),
        },
        Figure {
            key: "quality_students".into(),
            label: "Students with only 4 and 5".into(),
            value: Cell::int(quality),
        },
        Figure {
            key: "quality_percent".into(),
            label: "Quality, %".into(),
            value: Cell::tenths(q),
        },
        Figure {
            key: "not_attested_students".into(),
            label: "Students not attested in some subject (n/a)".into(),
            value: Cell::int(unattested),
        },
        Figure {
            key: "success_students".into(),
            label: "Students with no 2 and every subject attested".into(),
            value: Cell::int(success),
        },
        Figure {
            key: "success_percent".into(),
            label: "Success, %".into(),
            value: Cell::tenths(s),
        },
    ];
    if views.is_empty() {
        r.notes.push(format!(
            "Students on the list on {}: {counted}. No subject has marks in the period: \
             quality and success are not rated.",
            full(on)
        ));
    } else {
        r.notes.push(format!(
            "Students on the list on {}: {counted}. Quality (only 4 and 5): {quality} of \
             {counted} = {}. Success (no 2, every subject attested): {success} of {counted} = {}. \
             Not attested in some subject: {unattested}.",
            full(on),
            percent_text(q),
            percent_text(s)
        ));
        let per: Vec<String> = views
            .iter()
            .zip(&by_subject)
            .map(|(v, (n, q, s))| {
                format!(
                    "{} {} / {}",
                    v.subject.name,
                    percent_text(percent_tenths(*q, *n)),
                    percent_text(percent_tenths(*s, *n))
                )
            })
            .collect();
        r.notes.push(format!(
            "By subject, quality / success (grade 4–5 / grade 3–5): {}.",
            per.join("; ")
        ));
    }
    r.notes.push(format!(
        "Grade: the final grade where the teacher set one, else the suggested grade. \
         Suggested: from the weighted mean (weights 1, 2, 3; rounded half-up) — 5 from {}, \
         4 from {}, 3 from {}, else 2 — with at least {} marks; n/a: fewer marks, or not \
         attested. A student with any n/a counts in neither percentage.",
        crate::domain::marks::format_hundredths(settings.grade_threshold_5),
        crate::domain::marks::format_hundredths(settings.grade_threshold_4),
        crate::domain::marks::format_hundredths(settings.grade_threshold_3),
        journal::required_marks(period.kind, settings),
    ));
    if !not_counted.is_empty() {
        r.notes.push(format!(
            "Not counted (not on the list on {}): {}.",
            full(on),
            not_counted.join(", ")
        ));
    }
    if !left_out.is_empty() {
        r.notes.push(format!(
            "Subjects without any mark or grade in the period, left out: {}.",
            left_out.join(", ")
        ));
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_final_grade_wins_over_the_suggestion() {
        let sug = Suggestion::Grade {
            grade: 4,
            mean_hundredths: 400,
            marks: 3,
        };
        let na = Suggestion::NotAttestable {
            marks: 1,
            required: 3,
        };
        assert_eq!(period_grade(None, &sug), Graded::Grade(4));
        assert_eq!(period_grade(Some("5"), &sug), Graded::Grade(5));
        assert_eq!(period_grade(Some("na"), &sug), Graded::NotAttested);
        assert_eq!(period_grade(None, &na), Graded::NotAttested);
        assert_eq!(period_grade(Some("3"), &na), Graded::Grade(3));
    }
}
