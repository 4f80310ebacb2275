//! The attendance tab as a user drives it on the small demo: code keys,
//! ranges, fill, taking lessons, the period grid, reasons, undo.

mod common;

use chrono::NaiveDate;
use classbook::service::attendance::DayCell;
use classbook::ui::panes::attendance::Show;
use classbook::ui::render_text;
use classbook::ui::{App, Overlay};
use common::{ctrl, demo_app, press, type_keys};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn screen(app: &App, w: u16, h: u16) -> String {
    render_text(app, w, h).expect("renders")
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a date")
}

/// Attendance of `class` on the school day before the working date (23.12).
fn open(app: &mut App, class: &str) {
    press(app, KeyCode::Char('2'));
    type_keys(app, &format!("c/{class}"));
    press(app, KeyCode::Enter);
    press(app, KeyCode::Char('['));
    assert_eq!(app.attendance.date, date(2025, 12, 23));
    assert_eq!(app.class().map(|c| c.name.as_str()), Some(class));
}

fn cell(app: &App) -> DayCell {
    let p = &app.attendance;
    p.view.as_ref().expect("day").students[p.row].cells[p.col].clone()
}

fn code_of(c: &DayCell) -> Option<String> {
    match c {
        DayCell::Code { code, .. } => Some(code.clone()),
        _ => None,
    }
}

/// Move the cursor to a present cell of a whole-class lesson.
fn to_present_cell(app: &mut App) {
    let v = app.attendance.view.clone().expect("day");
    for (r, s) in v.students.iter().enumerate() {
        for (c, x) in s.cells.iter().enumerate() {
            if *x == DayCell::Present && v.lessons[c].group.is_none() {
                app.attendance.row = r;
                app.attendance.col = c;
                return;
            }
        }
    }
    panic!("no present cell");
}

#[test]
fn one_keystroke_sets_a_code_latin_layout_too_and_undo_restores() {
    let (_dir, mut app) = demo_app();
    open(&mut app, "7А");
    to_present_cell(&mut app);
    let (row, col) = (app.attendance.row, app.attendance.col);
    press(&mut app, KeyCode::Char('б'));
    assert_eq!(
        code_of(&cell(&app)).as_deref(),
        Some("Б"),
        "{:?}",
        app.message
    );
    assert_eq!((app.attendance.row, app.attendance.col), (row, col));
    // 'y' is on the key of 'н' in a Latin layout.
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(code_of(&cell(&app)).as_deref(), Some("Н"));
    // A parent's comment (п = К) sits beside the code.
    press(&mut app, KeyCode::Char('п'));
    match cell(&app) {
        DayCell::Code { code, comment, .. } => {
            assert_eq!((code.as_str(), comment.as_deref()), ("Н", Some("К")))
        }
        other => panic!("{other:?}"),
    }
    press(&mut app, KeyCode::Backspace);
    assert_eq!(cell(&app), DayCell::Present);
    // Undo walks back: comment, Н, Б, present; redo forward again.
    press(&mut app, KeyCode::Char('u'));
    assert!(matches!(
        cell(&app),
        DayCell::Code {
            comment: Some(_),
            ..
        }
    ));
    press(&mut app, KeyCode::Char('u'));
    press(&mut app, KeyCode::Char('u'));
    assert_eq!(code_of(&cell(&app)).as_deref(), Some("Б"));
    press(&mut app, KeyCode::Char('u'));
    assert_eq!(cell(&app), DayCell::Present);
    app.handle_key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL));
    assert_eq!(code_of(&cell(&app)).as_deref(), Some("Б"));
}

#[test]
fn navigation_keys_are_never_codes() {
    let (_dir, mut app) = demo_app();
    open(&mut app, "7А");
    to_present_cell(&mut app);
    app.attendance.col = 0;
    // 'l' is on the key of 'д' (present remotely), 'j' on 'о': they move.
    press(&mut app, KeyCode::Char('l'));
    assert_eq!(app.attendance.col, 1);
    let row = app.attendance.row;
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(app.attendance.row, row + 1);
    assert_eq!(app.undo_stack.len(), 0);
    // A key that is no code says which keys are.
    press(&mut app, KeyCode::Char('ж'));
    let msg = app.message.clone().expect("a message");
    assert!(
        msg.contains("no code on «ж»") && msg.contains("н Н"),
        "{msg}"
    );
    // The Cyrillic д is a code.
    to_present_cell(&mut app);
    press(&mut app, KeyCode::Char('д'));
    assert_eq!(code_of(&cell(&app)).as_deref(), Some("Д"));
}

#[test]
fn a_range_and_fill_down_and_right() {
    let (_dir, mut app) = demo_app();
    open(&mut app, "7А");
    app.attendance.row = 0;
    app.attendance.col = 0;
    type_keys(&mut app, "vjjl");
    assert!(screen(&app, 80, 24).contains("RANGE"));
    press(&mut app, KeyCode::Char('и'));
    assert!(app.attendance.anchor.is_none());
    let v = app.attendance.view.clone().expect("day");
    for r in 0..3 {
        for c in 0..2 {
            let x = &v.students[r].cells[c];
            assert!(
                *x == DayCell::NotEnrolled || code_of(x).as_deref() == Some("Б"),
                "{r},{c}: {x:?}"
            );
        }
    }
    let undo_depth = app.undo_stack.len();
    assert_eq!(undo_depth, 1, "a range is one change");
    // Fill right and down copy the cell and move.
    let v = app.attendance.view.clone().expect("day");
    let row = (5..v.students.len())
        .find(|&r| v.students[r].cells[0] == DayCell::Present)
        .expect("a row present at lesson 1");
    app.attendance.row = row;
    app.attendance.col = 0;
    press(&mut app, KeyCode::Char('н'));
    press(&mut app, KeyCode::Char('L'));
    press(&mut app, KeyCode::Char('L'));
    assert_eq!(app.attendance.col, 2);
    let v = app.attendance.view.clone().expect("day");
    for c in 0..3 {
        let x = &v.students[row].cells[c];
        assert!(
            *x == DayCell::NotEnrolled || code_of(x).as_deref() == Some("Н"),
            "{x:?}"
        );
    }
    press(&mut app, KeyCode::Char('J'));
    assert_eq!(app.attendance.row, row + 1);
    // One undo takes the whole range back.
    for _ in 0..app.undo_stack.len() - 1 {
        press(&mut app, KeyCode::Char('u'));
    }
    press(&mut app, KeyCode::Char('u'));
    let v = app.attendance.view.clone().expect("day");
    assert!(
        (0..3).all(|r| (0..2).all(|c| code_of(&v.students[r].cells[c]).as_deref() != Some("Б")))
    );
    insta::assert_snapshot!("attendance_day_7a_80x24", screen(&app, 80, 24));
}

#[test]
fn taking_a_lesson_and_going_online() {
    let (_dir, mut app) = demo_app();
    // 7Б on 22.12 has a group lesson whose attendance is not taken.
    press(&mut app, KeyCode::Char('2'));
    type_keys(&mut app, "c/7б");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('['));
    press(&mut app, KeyCode::Char('['));
    assert_eq!(app.attendance.date, date(2025, 12, 22));
    let v = app.attendance.view.clone().expect("day");
    let col = v
        .lessons
        .iter()
        .position(|l| !l.taken)
        .expect("a lesson not taken");
    app.attendance.col = col;
    press(&mut app, KeyCode::Char('+'));
    let v = app.attendance.view.clone().expect("day");
    assert!(v.lessons[col].taken, "{:?}", app.message);
    assert!(v.students.iter().all(|s| s.cells[col] != DayCell::NotTaken));
    press(&mut app, KeyCode::Char('O'));
    assert!(screen(&app, 80, 24).contains("online"));
    press(&mut app, KeyCode::Char('u'));
    press(&mut app, KeyCode::Char('u'));
    let v = app.attendance.view.clone().expect("day");
    assert!(!v.lessons[col].taken);
    insta::assert_snapshot!("attendance_day_7b_not_taken_80x24", screen(&app, 80, 24));
}

#[test]
fn reasons_list_gives_a_reason_for_the_whole_day() {
    let (_dir, mut app) = demo_app();
    press(&mut app, KeyCode::Char('2'));
    type_keys(&mut app, "c/7а");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.attendance.date, date(2025, 12, 24));
    press(&mut app, KeyCode::Char('r'));
    assert_eq!(app.attendance.show, Show::Reasons);
    let item = app
        .attendance
        .reasons
        .first()
        .cloned()
        .expect("a reason to give");
    insta::assert_snapshot!("attendance_reasons_7a_80x24", screen(&app, 80, 24));
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay, Overlay::Picker(_)));
    insta::assert_snapshot!("attendance_reason_picker_80x24", screen(&app, 80, 24));
    // The fifth choice: illness (Б); letters filter, arrows move.
    for _ in 0..4 {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter);
    assert!(
        app.attendance
            .reasons
            .iter()
            .all(|r| r.student_id != item.student_id)
    );
    let msg = app.message.clone().unwrap_or_default();
    assert!(
        msg.contains(&format!("{} lesson(s)", item.lessons.len())),
        "{msg}"
    );
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.attendance.show, Show::Day);
    let v = app.attendance.view.clone().expect("day");
    let s = v
        .students
        .iter()
        .find(|s| s.student_id == item.student_id)
        .expect("row");
    for (lesson_id, _, _) in &item.lessons {
        let c = v
            .lessons
            .iter()
            .position(|l| l.lesson.id == *lesson_id)
            .expect("col");
        assert_eq!(code_of(&s.cells[c]).as_deref(), Some("Б"));
    }
    // Undo gives the day its Н back.
    press(&mut app, KeyCode::Char('u'));
    press(&mut app, KeyCode::Char('r'));
    assert!(
        app.attendance
            .reasons
            .iter()
            .any(|r| r.student_id == item.student_id)
    );
}

#[test]
fn the_period_grid_summarises_and_opens_a_day() {
    let (_dir, mut app) = demo_app();
    open(&mut app, "7А");
    press(&mut app, KeyCode::Char('P'));
    assert_eq!(app.attendance.show, Show::Period);
    let v = app.attendance.period.clone().expect("period");
    assert_eq!((v.from, v.to), (date(2025, 11, 3), date(2025, 12, 28)));
    assert_eq!(v.days[app.attendance.pcol].date, date(2025, 12, 23));
    let text = screen(&app, 80, 24);
    assert!(text.contains("Period 2 четверть"), "{text}");
    assert!(
        text.contains(&format!("attended {}", v.total.attended_text())),
        "{text}"
    );
    insta::assert_snapshot!("attendance_period_7a_80x24", text);
    insta::assert_snapshot!("attendance_period_7a_160x48", screen(&app, 160, 48));
    // Holidays are columns shown as such: 4 November.
    let hol = v
        .days
        .iter()
        .position(|d| d.date == date(2025, 11, 4))
        .expect("4.11");
    assert!(v.days[hol].holiday.is_some());
    // [ goes to the first quarter; Enter opens the day under the cursor.
    press(&mut app, KeyCode::Char('['));
    let v1 = app.attendance.period.clone().expect("period");
    assert_eq!(v1.from, date(2025, 9, 1));
    press(&mut app, KeyCode::Char(']'));
    app.attendance.prow = 2;
    app.attendance.pcol = 0;
    let sid = app.attendance.period.as_ref().expect("p").students[2].student_id;
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.attendance.show, Show::Day);
    assert_eq!(app.attendance.date, date(2025, 11, 3));
    let v = app.attendance.view.clone().expect("day");
    assert_eq!(v.students[app.attendance.row].student_id, sid);
}

#[test]
fn tiny_terminals_do_not_panic_in_any_view() {
    let (_dir, mut app) = demo_app();
    open(&mut app, "7А");
    for key in ['P', 'r', 'P', 'C', '+', 'D', '+', 'T', 'v'] {
        if app.attendance.takes_keys() {
            press(&mut app, KeyCode::Esc);
        }
        press(&mut app, KeyCode::Char(key));
        for (w, h) in [(1, 1), (10, 3), (20, 5), (30, 8), (80, 24), (200, 60)] {
            let _ = screen(&app, w, h);
        }
    }
}

#[test]
fn the_code_table_screen_adds_edits_and_hides() {
    let (_dir, mut app) = demo_app();
    open(&mut app, "7А");
    press(&mut app, KeyCode::Char('C'));
    assert_eq!(app.attendance.show, Show::Codes);
    insta::assert_snapshot!("attendance_codes_80x24", screen(&app, 80, 24));
    // Add 线 (present remotely, key z): the form takes every key, q and j too.
    press(&mut app, KeyCode::Char('+'));
    assert!(app.attendance.form.is_some());
    type_keys(&mut app, "线");
    press(&mut app, KeyCode::Tab);
    type_keys(&mut app, "Онлайн-урок (qj)");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Right); // present → present remotely
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    type_keys(&mut app, "j");
    insta::assert_snapshot!("attendance_code_form_80x24", screen(&app, 80, 24));
    ctrl(&mut app, 's');
    // j is a navigation key: refused, the form stays open.
    assert!(app.attendance.form.is_some());
    assert!(
        app.message.clone().unwrap_or_default().contains("moves"),
        "{:?}",
        app.message
    );
    press(&mut app, KeyCode::Backspace);
    type_keys(&mut app, "z");
    // Enter goes on to the order, and saves there (the last field).
    press(&mut app, KeyCode::Enter);
    assert!(app.attendance.form.is_some());
    press(&mut app, KeyCode::Enter);
    assert!(app.attendance.form.is_none(), "{:?}", app.message);
    let added = app
        .attendance
        .codes
        .iter()
        .find(|c| c.code == "线")
        .cloned()
        .expect("added");
    assert_eq!(added.label, "Онлайн-урок (qj)");
    assert_eq!(
        added.category,
        classbook::domain::attendance::Category::PresentRemote
    );
    // The new key works in the day grid.
    press(&mut app, KeyCode::Esc);
    to_present_cell(&mut app);
    press(&mut app, KeyCode::Char('z'));
    assert_eq!(code_of(&cell(&app)).as_deref(), Some("线"));
    // Б is in use: Backspace hides it (no deleting); the Б key stops working.
    press(&mut app, KeyCode::Char('C'));
    let b = app
        .attendance
        .codes
        .iter()
        .position(|c| c.code == "Б")
        .expect("Б");
    app.attendance.crow = b;
    press(&mut app, KeyCode::Backspace);
    assert!(app.attendance.codes[b].hidden, "{:?}", app.message);
    assert!(app.message.clone().unwrap_or_default().contains("hidden"));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('б'));
    assert_eq!(code_of(&cell(&app)).as_deref(), Some("线"));
    // Undo shows it again.
    press(&mut app, KeyCode::Char('u'));
    assert!(
        app.attendance
            .codes
            .iter()
            .any(|c| c.code == "Б" && !c.hidden)
    );
}

#[test]
fn the_online_view_takes_the_census_and_follow_ups() {
    let (_dir, mut app) = demo_app();
    press(&mut app, KeyCode::Char('2'));
    // Find a class with a student who cannot attend online.
    let n = app.classes.len();
    let mut found = false;
    for _ in 0..n {
        press(&mut app, KeyCode::Char('D'));
        assert_eq!(app.attendance.show, Show::Online);
        press(&mut app, KeyCode::Char('N'));
        if !app.attendance.census.is_empty() {
            found = true;
            break;
        }
        press(&mut app, KeyCode::Esc);
        app.class_idx = (app.class_idx + 1) % n;
        app.invalidate();
    }
    assert!(found, "the demo has students who cannot attend online");
    let class = app.class().expect("class").name.clone();
    let text = screen(&app, 80, 24);
    assert!(text.contains("cannot attend online"), "{text}");
    insta::assert_snapshot!("attendance_online_cannot_80x24", text);
    let r = app.attendance.census[0].clone();
    let n_f = r.followups.len();
    // A follow-up: a home visit with a note.
    press(&mut app, KeyCode::Char('+'));
    assert!(app.attendance.followup.is_some());
    type_keys(&mut app, "Бабушка забрала задания; q и j — просто текст");
    press(&mut app, KeyCode::Up); // the method
    press(&mut app, KeyCode::Right); // phone → home visit
    insta::assert_snapshot!("attendance_followup_form_80x24", screen(&app, 80, 24));
    ctrl(&mut app, 's');
    assert!(app.attendance.followup.is_none(), "{:?}", app.message);
    let row = app
        .attendance
        .census
        .iter()
        .find(|x| x.student_id == r.student_id)
        .expect("listed");
    assert_eq!(row.followups.len(), n_f + 1);
    let f = row.followups.last().expect("f");
    assert_eq!(f.method.as_str(), "home_visit");
    assert_eq!(f.note, "Бабушка забрала задания; q и j — просто текст");
    // Give them a smartphone and internet: off the list. Undo twice: back.
    app.attendance.orow = app
        .attendance
        .census
        .iter()
        .position(|x| x.student_id == r.student_id)
        .expect("row");
    for col in [2, 4] {
        app.attendance.ocol = col;
        let on = app.attendance.census[app.attendance.orow]
            .census
            .as_ref()
            .is_some_and(|c| classbook::service::attendance::Device::ALL[col].get(c));
        if !on {
            press(&mut app, KeyCode::Enter);
        }
    }
    assert!(
        app.attendance
            .census
            .iter()
            .all(|x| x.student_id != r.student_id),
        "{class}"
    );
    press(&mut app, KeyCode::Char('u'));
    assert!(
        app.attendance
            .census
            .iter()
            .any(|x| x.student_id == r.student_id)
    );
}

#[test]
fn not_taken_yet_lists_the_working_days_lessons_per_teacher() {
    let (_dir, db) = common::demo_db();
    // Two lessons of the working day left without attendance.
    db.conn()
        .execute(
            "UPDATE lesson SET attendance_taken_at = NULL WHERE id IN
             (SELECT id FROM lesson WHERE date = '2025-12-24' ORDER BY id LIMIT 2)",
            [],
        )
        .expect("updated");
    let mut app = App::new(db, common::options(false)).expect("starts");
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('T'));
    assert_eq!(app.attendance.show, Show::NotTaken);
    let n: usize = app
        .attendance
        .not_taken
        .iter()
        .map(|t| t.lessons.len())
        .sum();
    assert_eq!(n, 2);
    let text = screen(&app, 80, 24);
    assert!(
        text.contains("Not taken yet on We 24.12.2025: 2 lessons"),
        "{text}"
    );
    insta::assert_snapshot!("attendance_not_taken_80x24", text);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.attendance.show, Show::Day);
}

#[test]
fn d_goes_to_a_typed_day_and_refuses_bad_or_outside_dates() {
    let (_dir, mut app) = demo_app();
    press(&mut app, KeyCode::Char('2'));
    assert_eq!(app.attendance.date, date(2025, 12, 24));
    press(&mut app, KeyCode::Char('d'));
    type_keys(&mut app, "10.12");
    assert!(screen(&app, 80, 24).contains("Go to the day DD.MM"));
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.attendance.date, date(2025, 12, 10));
    assert!(app.attendance.date_input.is_none());
    assert!(screen(&app, 80, 24).contains("10.12.2025"));
    // A date that does not exist: the prompt stays with the reason.
    press(&mut app, KeyCode::Char('d'));
    type_keys(&mut app, "31.02");
    press(&mut app, KeyCode::Enter);
    let (_, err) = app.attendance.date_input.clone().expect("still open");
    assert!(err.expect("an error").contains("not a real date"));
    // Outside the school year.
    for _ in 0..5 {
        press(&mut app, KeyCode::Backspace);
    }
    type_keys(&mut app, "15.08.2025");
    press(&mut app, KeyCode::Enter);
    let (_, err) = app.attendance.date_input.clone().expect("still open");
    assert!(err.expect("an error").contains("outside the school year"));
    // Esc leaves the day as it was.
    press(&mut app, KeyCode::Esc);
    assert!(app.attendance.date_input.is_none());
    assert_eq!(app.attendance.date, date(2025, 12, 10));
}

#[test]
fn the_five_kinds_of_n_are_written_differently_without_colour() {
    let (_dir, mut app) = demo_app();
    press(&mut app, KeyCode::Char('2'));
    let p = &app.attendance;
    let n: Vec<String> = p
        .codes
        .iter()
        .filter(|c| c.code == "Н" && !c.hidden)
        .map(|c| p.shown_code(c.id, &c.code))
        .collect();
    assert_eq!(n.len(), 5, "{n:?}");
    let mut distinct = n.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 5, "{n:?}");
    assert!(n.iter().all(|s| s.starts_with('Н')), "{n:?}");
    assert!(
        n.contains(&"Нз".to_string()) && n.contains(&"Ну".to_string()),
        "{n:?}"
    );
    // A symbol of its own stays as it is.
    let o = p.codes.iter().find(|c| c.code == "О").expect("О");
    assert_eq!(p.shown_code(o.id, &o.code), "О");
    // The grid and its legend use them: 7Б's absences on 22.12.
    press(&mut app, KeyCode::Char('c'));
    type_keys(&mut app, "7б");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('d'));
    type_keys(&mut app, "22.12");
    press(&mut app, KeyCode::Enter);
    let s = screen(&app, 160, 48);
    assert!(s.contains("Нн Отсутствие, причина не указана"), "{s}");
}
