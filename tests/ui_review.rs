//! The Review tab on the small demo: every rule has findings, Enter lands
//! on the cell that fixes one, fixing it clears it, acknowledging keeps a
//! note and is undoable, and the filters and the date range work.

mod common;

use chrono::NaiveDate;
use classbook::domain::review::{Rule, Severity};
use classbook::service::review::{Finding, Target};
use classbook::ui::panes::review::Row;
use classbook::ui::{App, Tab, render_text};
use common::{demo_app, press, type_keys};
use crossterm::event::KeyCode;

fn screen(app: &App, w: u16, h: u16) -> String {
    render_text(app, w, h).expect("renders")
}

fn findings(app: &App) -> Vec<Finding> {
    app.review
        .review
        .as_ref()
        .expect("the review ran")
        .findings
        .clone()
}

/// Open the review and put the cursor on the first finding of `rule` that
/// `pick` accepts (opening its group).
fn select(app: &mut App, rule: Rule, pick: impl Fn(&Finding) -> bool) -> Finding {
    press(app, KeyCode::Char('5'));
    assert_eq!(app.tab, Tab::Review);
    let all = findings(app);
    let (index, f) = all
        .iter()
        .enumerate()
        .find(|(_, f)| f.rule == rule && f.ack.is_none() && pick(f))
        .unwrap_or_else(|| panic!("the demo has a finding of {rule:?}"));
    // Go to the rule's group heading and open it.
    let heading = app
        .review
        .rows
        .iter()
        .position(|r| matches!(r, Row::Group { heading, .. } if heading.starts_with(rule.id())))
        .expect("a group per rule");
    app.review.row = heading;
    press(app, KeyCode::Enter);
    let row = app
        .review
        .rows
        .iter()
        .position(|r| *r == Row::Item(index))
        .expect("the finding is listed in its open group");
    app.review.row = row;
    f.clone()
}

#[test]
fn the_small_demo_has_findings_of_every_rule() {
    let (_dir, mut app) = demo_app();
    press(&mut app, KeyCode::Char('5'));
    let all = findings(&app);
    // The demo's stays all have their orders and no roster was imported:
    // those two rules are tested in tests/setup_import.rs. Its period
    // grades are all set by their due dates: grade.overdue is tested in
    // tests/review_rules.rs.
    for rule in Rule::ALL.iter().filter(|r| {
        !matches!(
            r,
            Rule::OrderMissing | Rule::DepartureUnconfirmed | Rule::GradeOverdue
        )
    }) {
        assert!(
            all.iter().any(|f| f.rule == *rule),
            "no finding of {}",
            rule.id()
        );
    }
    insta::assert_snapshot!("review_groups_80x24", screen(&app, 80, 24));
}

#[test]
fn enter_opens_the_journal_cell_and_fixing_the_mark_clears_the_finding() {
    let (_dir, mut app) = demo_app();
    let f = select(&mut app, Rule::PendingOverdue, |_| true);
    insta::assert_snapshot!("review_open_group_80x24", screen(&app, 80, 24));
    let Target::Journal {
        date,
        lesson_no,
        lesson_id,
        student_id,
        ..
    } = f.target.clone()
    else {
        panic!("a mark is fixed in the journal");
    };
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.tab, Tab::Journal);
    let v = app.journal.view.as_ref().expect("journal shown");
    assert_eq!(v.class.name, f.class);
    assert_eq!(v.subject.name, f.subject);
    let lesson = &v.lessons[app.journal.col].lesson;
    assert_eq!((lesson.date, Some(lesson.lesson_no)), (date, lesson_no));
    assert_eq!(Some(lesson.id), lesson_id);
    assert_eq!(Some(v.students[app.journal.row].student_id), student_id);
    // Not in mark entry after the jump; i starts it, then type the
    // confirmed mark over the pending one.
    assert!(!app.journal.focus);
    type_keys(&mut app, "i5");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('5'));
    assert_eq!(app.tab, Tab::Review);
    assert!(
        !findings(&app)
            .iter()
            .any(|g| g.key == f.key && g.rule == f.rule),
        "the fixed finding is gone: {:?}",
        app.message
    );
}

#[test]
fn enter_opens_the_attendance_cell_of_an_absence_without_reason() {
    let (_dir, mut app) = demo_app();
    let f = select(&mut app, Rule::ReasonNotGiven, |_| true);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.tab, Tab::Attendance);
    let Target::Attendance {
        date,
        lesson_no,
        lesson_id,
        student_id,
        ..
    } = f.target
    else {
        panic!("an absence is fixed in attendance");
    };
    assert_eq!(app.attendance.date, date);
    let v = app.attendance.view.as_ref().expect("day shown");
    assert_eq!(v.lessons[app.attendance.col].lesson.lesson_no, lesson_no);
    assert_eq!(v.lessons[app.attendance.col].lesson.id, lesson_id);
    assert_eq!(Some(v.students[app.attendance.row].student_id), student_id);
}

#[test]
fn enter_opens_the_training_standing_of_a_failing_teacher() {
    let (_dir, mut app) = demo_app();
    let f = select(&mut app, Rule::TrainingFail, |_| true);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.tab, Tab::Training);
    let s = app.training.standing.as_ref().expect("standing shown");
    assert_eq!(
        Target::Training {
            teacher_id: s.rows[app.training.standing_row].staff_id
        },
        f.target
    );
}

#[test]
fn a_finding_is_acknowledged_with_a_note_and_the_undo_brings_it_back() {
    let (_dir, mut app) = demo_app();
    let f = select(&mut app, Rule::LessonRecordedLate, |_| true);
    let before = app.review.review.as_ref().expect("ran").acknowledged();
    press(&mut app, KeyCode::Char('a'));
    // An empty note is refused; the prompt stays.
    press(&mut app, KeyCode::Enter);
    assert!(app.review.prompt.as_ref().expect("open").error.is_some());
    type_keys(&mut app, "журнал заполнен с опозданием: болезнь учителя");
    insta::assert_snapshot!("review_ack_prompt_80x24", screen(&app, 80, 24));
    press(&mut app, KeyCode::Enter);
    assert!(app.review.prompt.is_none());
    let r = app.review.review.as_ref().expect("ran");
    assert_eq!(r.acknowledged(), before + 1);
    let acked = r
        .findings
        .iter()
        .find(|g| g.key == f.key && g.rule == f.rule)
        .expect("still in the review");
    let ack = acked.ack.as_ref().expect("acknowledged");
    assert_eq!(ack.acked_by, "tester");
    assert_eq!(ack.note, "журнал заполнен с опозданием: болезнь учителя");
    // Hidden from the list until . shows acknowledged findings.
    let index = r.findings.iter().position(|g| g == acked).expect("there");
    assert!(!app.review.rows.contains(&Row::Item(index)));
    press(&mut app, KeyCode::Char('.'));
    assert!(app.review.rows.contains(&Row::Item(index)));
    press(&mut app, KeyCode::Char('u'));
    let r = app.review.review.as_ref().expect("ran");
    assert_eq!(r.acknowledged(), before);
}

#[test]
fn severity_filter_grouping_and_date_range() {
    let (_dir, mut app) = demo_app();
    press(&mut app, KeyCode::Char('5'));
    let groups = |app: &App| {
        app.review
            .rows
            .iter()
            .filter(|r| matches!(r, Row::Group { .. }))
            .count()
    };
    let all = groups(&app);
    press(&mut app, KeyCode::Char('!'));
    press(&mut app, KeyCode::Char('!'));
    // Errors only: every listed finding is an error.
    press(&mut app, KeyCode::Char('O'));
    let r = app.review.review.clone().expect("ran");
    assert!(groups(&app) < all);
    for row in &app.review.rows {
        if let Row::Item(i) = row {
            assert_eq!(r.findings[*i].severity, Severity::Error);
        }
    }
    // Group by teacher.
    press(&mut app, KeyCode::Char('b'));
    assert!(app.review.rows.iter().any(
        |r| matches!(r, Row::Group { heading, .. } if heading == "Соловьёва Вероника Викторовна")
    ));
    // A date range: one week of December.
    press(&mut app, KeyCode::Char('d'));
    type_keys(&mut app, "31.02");
    press(&mut app, KeyCode::Enter);
    let p = app.review.prompt.as_ref().expect("still open");
    assert!(p.error.as_deref().unwrap_or("").contains("31.02"), "{p:?}");
    for _ in 0..5 {
        press(&mut app, KeyCode::Backspace);
    }
    type_keys(&mut app, "15.12–19.12");
    press(&mut app, KeyCode::Enter);
    assert!(app.review.prompt.is_none());
    let r = app.review.review.as_ref().expect("ran");
    let (from, to) = (
        NaiveDate::from_ymd_opt(2025, 12, 15).expect("date"),
        NaiveDate::from_ymd_opt(2025, 12, 19).expect("date"),
    );
    assert_eq!((r.from, r.to), (from, to));
    assert!(
        r.findings
            .iter()
            .filter(|f| matches!(f.rule, Rule::LessonNoTopic | Rule::MarkLate))
            .all(|f| from <= f.date && f.date <= to)
    );
}

/// Where the cursor is after Enter, checked against the finding's target.
fn assert_lands(app: &App, f: &Finding) {
    match &f.target {
        Target::Journal {
            date,
            lesson_no,
            lesson_id,
            student_id,
            ..
        } => {
            assert_eq!(app.tab, Tab::Journal, "{}", f.rule.id());
            let v = app.journal.view.as_ref().expect("journal shown");
            assert_eq!(
                (v.class.name.as_str(), v.subject.name.as_str()),
                (f.class.as_str(), f.subject.as_str())
            );
            let l = &v.lessons[app.journal.col];
            assert_eq!(l.lesson.date, *date, "{}", f.rule.id());
            if let Some(n) = lesson_no {
                assert_eq!(l.lesson.lesson_no, *n, "{}", f.rule.id());
            }
            if let Some(id) = lesson_id {
                assert_eq!(l.lesson.id, *id, "{}", f.rule.id());
            }
            if let Some(s) = student_id {
                assert_eq!(
                    v.students[app.journal.row].student_id,
                    *s,
                    "{}",
                    f.rule.id()
                );
            }
        }
        Target::JournalFinal {
            period_id,
            student_id,
            ..
        } => {
            assert_eq!(app.tab, Tab::Journal, "{}", f.rule.id());
            let v = app.journal.view.as_ref().expect("journal shown");
            assert_eq!(v.period.id, *period_id);
            assert_eq!(v.subject.name, f.subject);
            assert_eq!(v.students[app.journal.row].student_id, *student_id);
        }
        Target::Attendance {
            date,
            lesson_id,
            student_id,
            ..
        } => {
            assert_eq!(app.tab, Tab::Attendance, "{}", f.rule.id());
            assert_eq!(app.attendance.date, *date);
            let v = app.attendance.view.as_ref().expect("day shown");
            assert_eq!(v.lessons[app.attendance.col].lesson.id, *lesson_id);
            if let Some(s) = student_id {
                assert_eq!(v.students[app.attendance.row].student_id, *s);
            }
        }
        Target::Student { .. } => {
            assert_eq!(app.tab, Tab::Review);
        }
        Target::Training { teacher_id } => {
            assert_eq!(app.tab, Tab::Training);
            let s = app.training.standing.as_ref().expect("standing shown");
            assert_eq!(s.rows[app.training.standing_row].staff_id, *teacher_id);
        }
    }
}

#[test]
fn enter_lands_on_the_cell_of_a_finding_of_every_rule() {
    let (_dir, mut app) = demo_app();
    for rule in Rule::ALL {
        // The last finding of each rule (the first is checked elsewhere).
        press(&mut app, KeyCode::Char('5'));
        let Some(last) = findings(&app).into_iter().rfind(|f| f.rule == *rule) else {
            // The demo's stays all have their orders and no roster was
            // imported: these two are tested in tests/setup_import.rs; its
            // period grades are all set by their due dates (grade.overdue,
            // tested in tests/review_rules.rs).
            assert!(
                matches!(
                    rule,
                    Rule::OrderMissing | Rule::DepartureUnconfirmed | Rule::GradeOverdue
                ),
                "no finding of {}",
                rule.id()
            );
            continue;
        };
        let f = select(&mut app, *rule, |g| g.key == last.key);
        press(&mut app, KeyCode::Enter);
        assert_lands(&app, &f);
        // Leave the marks grid before switching tabs with a digit.
        press(&mut app, KeyCode::Esc);
        app.review.open.clear();
    }
}

#[test]
fn a_text_filter_shows_only_the_findings_containing_it() {
    let (_dir, mut app) = demo_app();
    press(&mut app, KeyCode::Char('5'));
    press(&mut app, KeyCode::Char('/'));
    type_keys(&mut app, "СОЛОВЬЁВА Вероника");
    press(&mut app, KeyCode::Enter);
    assert!(app.review.prompt.is_none());
    let r = app.review.review.clone().expect("ran");
    let items: Vec<&Finding> = app
        .review
        .rows
        .iter()
        .filter_map(|row| match row {
            Row::Item(i) => Some(&r.findings[*i]),
            _ => None,
        })
        .collect();
    // The groups open by themselves; every finding listed is hers.
    assert!(items.iter().any(|f| f.rule == Rule::TrainingFail));
    assert!(
        items
            .iter()
            .all(|f| f.teacher == "Соловьёва Вероника Викторовна"
                || f.student.contains("Соловьёва Вероника")),
        "{:?}",
        items.iter().map(|f| &f.teacher).collect::<Vec<_>>()
    );
    let screen = screen(&app, 80, 24);
    assert!(
        screen.contains("containing «соловьёва вероника»"),
        "{screen}"
    );
    // An empty filter shows everything again.
    press(&mut app, KeyCode::Char('/'));
    for _ in 0.."соловьёва вероника".chars().count() {
        press(&mut app, KeyCode::Backspace);
    }
    press(&mut app, KeyCode::Enter);
    assert!(app.review.filter.is_empty());
    assert!(
        app.review
            .rows
            .iter()
            .all(|r| matches!(r, Row::Group { .. }))
    );
}

#[test]
fn groups_come_worst_first_and_a_whole_group_is_acknowledged_in_one_undoable_step() {
    let (_dir, mut app) = demo_app();
    press(&mut app, KeyCode::Char('5'));
    let r = app.review.review.clone().expect("ran");
    let counts: Vec<(usize, usize, usize)> = app
        .review
        .rows
        .iter()
        .filter_map(|row| match row {
            Row::Group {
                errors,
                warnings,
                info,
                ..
            } => Some((*errors, *warnings, *info)),
            _ => None,
        })
        .collect();
    assert!(counts.len() > 3);
    let mut sorted = counts.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(counts, sorted, "most errors first, then most warnings");

    // The heading of mark.late (hundreds of warnings): one note for all.
    let at = app
        .review
        .rows
        .iter()
        .position(
            |row| matches!(row, Row::Group { heading, .. } if heading.starts_with("mark.late ")),
        )
        .expect("a mark.late group");
    app.review.row = at;
    let late = r
        .findings
        .iter()
        .filter(|f| f.rule == Rule::MarkLate && f.ack.is_none())
        .count();
    assert!(late > 100, "{late}");
    let before = r.acknowledged();
    press(&mut app, KeyCode::Char('a'));
    assert!(
        screen(&app, 80, 24).contains(&format!("Acknowledge all {late} shown")),
        "{}",
        screen(&app, 80, 24)
    );
    type_keys(
        &mut app,
        "оценки выставлены после проверки работ: приказ № 14",
    );
    press(&mut app, KeyCode::Enter);
    assert!(app.review.prompt.is_none());
    let r = app.review.review.as_ref().expect("ran");
    assert_eq!(r.acknowledged(), before + late);
    assert!(
        r.findings
            .iter()
            .filter(|f| f.rule == Rule::MarkLate)
            .all(|f| f
                .ack
                .as_ref()
                .is_some_and(|a| a.note.contains("приказ № 14")))
    );
    assert!(
        !app.review.rows.iter().any(
            |row| matches!(row, Row::Group { heading, .. } if heading.starts_with("mark.late "))
        )
    );
    // One u brings them all back.
    press(&mut app, KeyCode::Char('u'));
    assert_eq!(
        app.review.review.as_ref().expect("ran").acknowledged(),
        before
    );
}

#[test]
fn the_finding_under_the_cursor_is_shown_whole_at_the_foot() {
    let (_dir, mut app) = demo_app();
    let f = select(&mut app, Rule::MarkLate, |_| true);
    let s = screen(&app, 80, 24);
    let foot: String = s
        .lines()
        .rev()
        .skip(2)
        .take(2)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(foot.contains("mark.late"), "{s}");
    assert!(foot.contains(&f.student), "{s}");
    assert!(foot.contains(&f.detail), "{foot}");
}
