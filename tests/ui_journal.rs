//! Entering marks in the journal grid as an administrator would: keys typed
//! into the grid are stored (asserted in the database) and shown; invalid
//! symbols are refused with the database unchanged; `u` restores the old
//! value; pending and deferred marks ask for their details; the form of
//! control, a selection with fill down, and the final grade.

mod common;

use classbook::service::journal::MarkCell;
use classbook::store::audit;
use classbook::ui::{App, Overlay, render_text};
use common::{demo_app, press, type_keys};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn screen(app: &App, w: u16, h: u16) -> String {
    render_text(app, w, h).expect("renders")
}

/// Open 7А algebra (the demo opens on the second quarter) and put the
/// cursor on the last recorded lesson, first student with an empty cell.
fn algebra_7a(app: &mut App) {
    type_keys(app, "c/7а");
    press(app, KeyCode::Enter);
    type_keys(app, "s/алгеб");
    press(app, KeyCode::Enter);
    let v = app.journal.view.as_ref().expect("journal loaded");
    assert_eq!(
        (v.class.name.as_str(), v.subject.name.as_str()),
        ("7А", "Алгебра")
    );
    assert_eq!(v.period.label, "2 четверть");
    let col = v.lessons.iter().rposition(|l| l.recorded).unwrap();
    let row = v
        .students
        .iter()
        .position(|s| s.cells[col] == MarkCell::Empty)
        .unwrap();
    // Moving the cursor; `i` then starts mark entry.
    press(app, KeyCode::Char('g'));
    for _ in 0..row {
        press(app, KeyCode::Char('j'));
    }
    while app.journal.col > col {
        press(app, KeyCode::Char('h'));
    }
    assert!(!app.journal.focus, "moving does not start mark entry");
    press(app, KeyCode::Char('i'));
    assert!(app.journal.focus);
    assert_eq!((app.journal.row, app.journal.col), (row, col));
}

/// (symbol, weight) of the marks of the cell at (row, col), from the database.
fn stored(app: &App, row: usize, col: usize) -> Vec<(String, i64)> {
    let v = app.journal.view.as_ref().unwrap();
    let lesson = v.lessons[col].lesson.id;
    let student = v.students[row].student_id;
    let mut stmt = app
        .db()
        .conn()
        .prepare(
            "SELECT symbol, weight FROM mark WHERE lesson_id = ?1 AND student_id = ?2 ORDER BY seq",
        )
        .unwrap();
    stmt.query_map([lesson, student], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn cell(app: &App, row: usize, col: usize) -> MarkCell {
    app.journal.view.as_ref().unwrap().students[row].cells[col].clone()
}

#[test]
fn typed_marks_are_stored_shown_and_undone() {
    let (_dir, mut app) = demo_app();
    algebra_7a(&mut app);
    let (row, col) = (app.journal.row, app.journal.col);
    let before = app.journal.view.as_ref().unwrap().students[row].clone();
    type_keys(&mut app, "5/4");
    assert!(app.journal.edit.is_some(), "typing starts editing");
    assert!(screen(&app, 80, 24).contains("5/4▏"));
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        stored(&app, row, col),
        vec![("5".into(), 1), ("4".into(), 1)]
    );
    assert_eq!(cell(&app, row, col), MarkCell::Marks("5/4".into()));
    assert_eq!(app.journal.row, row + 1, "Enter moves down");
    assert_eq!(app.journal.col, col, "the column stays");
    let after = app.journal.view.as_ref().unwrap().students[row].clone();
    assert_eq!(after.counted, before.counted + 2);
    assert_ne!(
        after.mean_hundredths, before.mean_hundredths,
        "the mean follows"
    );
    assert!(
        app.message
            .as_deref()
            .unwrap()
            .starts_with("saved: 5/4 for ")
    );
    insta::assert_snapshot!("journal_typed_5_4_80x24", screen(&app, 80, 24));
    insta::assert_snapshot!("journal_typed_5_4_200x50", screen(&app, 200, 50));
    // u restores the empty cell.
    press(&mut app, KeyCode::Char('u'));
    assert!(stored(&app, row, col).is_empty());
    assert_eq!(cell(&app, row, col), MarkCell::Empty);
    assert!(
        app.message
            .as_deref()
            .unwrap()
            .starts_with("undone: 5/4 for ")
    );
    app.handle_key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL));
    assert_eq!(cell(&app, row, col), MarkCell::Marks("5/4".into()));
}

#[test]
fn correcting_a_mark_and_undo_restores_the_old_value() {
    let (_dir, mut app) = demo_app();
    algebra_7a(&mut app);
    let (row, col) = (app.journal.row, app.journal.col);
    type_keys(&mut app, "3");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('k'));
    // Typing replaces the 3.
    type_keys(&mut app, "4");
    press(&mut app, KeyCode::Enter);
    assert_eq!(stored(&app, row, col), vec![("4".into(), 1)]);
    press(&mut app, KeyCode::Char('u'));
    assert_eq!(stored(&app, row, col), vec![("3".into(), 1)]);
    assert_eq!(cell(&app, row, col), MarkCell::Marks("3".into()));
}

#[test]
fn invalid_symbols_are_refused_and_nothing_is_written() {
    let (_dir, mut app) = demo_app();
    algebra_7a(&mut app);
    let (row, col) = (app.journal.row, app.journal.col);
    let entries = audit::count(app.db().conn()).unwrap();
    press(&mut app, KeyCode::Char('7'));
    assert_eq!(
        app.message.as_deref(),
        Some(
            "not saved: «7» is not a mark: use 2, 3, 4, 5, Н, * or ° \
             (mark entry; Esc leaves it, then 7 is a key again)"
        )
    );
    assert!(app.journal.edit.is_none());
    type_keys(&mut app, "5+");
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        app.message.as_deref(),
        Some("not saved: «5+» is not a mark: use 2, 3, 4, 5, Н, * or °")
    );
    assert!(screen(&app, 80, 24).contains("not saved: «5+» is not a mark"));
    // Esc reverts what was typed.
    type_keys(&mut app, "4");
    press(&mut app, KeyCode::Esc);
    assert_eq!(audit::count(app.db().conn()).unwrap(), entries);
    assert!(stored(&app, row, col).is_empty());
    assert_eq!(cell(&app, row, col), MarkCell::Empty);
    assert_eq!((app.journal.row, app.journal.col), (row, col));
}

#[test]
fn latin_look_alikes_mean_absent() {
    let (_dir, mut app) = demo_app();
    algebra_7a(&mut app);
    let (row, col) = (app.journal.row, app.journal.col);
    type_keys(&mut app, "n");
    press(&mut app, KeyCode::Enter);
    // Н is the attendance record of the absence, not a mark row.
    assert!(stored(&app, row, col).is_empty());
    assert_eq!(absent_in_attendance(&app, row, col), Some("Н".into()));
    assert_eq!(cell(&app, row, col), MarkCell::Marks("Н".into()));
    type_keys(&mut app, "H");
    press(&mut app, KeyCode::Enter);
    assert_eq!(absent_in_attendance(&app, row + 1, col), Some("Н".into()));
}

/// The attendance code of an absence of the cell's student at its lesson.
fn absent_in_attendance(app: &App, row: usize, col: usize) -> Option<String> {
    let v = app.journal.view.as_ref().unwrap();
    let lesson = v.lessons[col].lesson.id;
    let student = v.students[row].student_id;
    app.db()
        .conn()
        .query_row(
            "SELECT c.code FROM attendance a JOIN attendance_code c ON c.id = a.code_id
             WHERE a.lesson_id = ?1 AND a.student_id = ?2 AND c.category LIKE 'absent%'",
            [lesson, student],
            |r| r.get(0),
        )
        .ok()
}

#[test]
fn pending_and_deferred_marks_ask_for_their_details() {
    let (_dir, mut app) = demo_app();
    algebra_7a(&mut app);
    let (row, col) = (app.journal.row, app.journal.col);
    type_keys(&mut app, "*");
    press(&mut app, KeyCode::Enter);
    assert!(
        app.journal.popup.is_some(),
        "a pending mark asks for details"
    );
    insta::assert_snapshot!("journal_pending_popup_80x24", screen(&app, 80, 24));
    type_keys(&mut app, "4");
    press(&mut app, KeyCode::Enter);
    assert!(app.journal.popup.is_none());
    assert_eq!(stored(&app, row, col), vec![("*".into(), 1)]);
    assert_eq!(cell(&app, row, col), MarkCell::Marks("*4".into()));
    let due: String = app
        .db()
        .conn()
        .query_row(
            "SELECT due_on FROM mark WHERE symbol = '*' ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        due, "2025-12-31",
        "a week after the working date unless changed"
    );
    // Deferred: the comment is required.
    type_keys(&mut app, "°");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    assert!(app.message.as_deref().unwrap().contains("needs a comment"));
    assert!(stored(&app, row + 1, col).is_empty());
    type_keys(&mut app, "болел, до 16.01");
    press(&mut app, KeyCode::Enter);
    assert_eq!(stored(&app, row + 1, col), vec![("°".into(), 1)]);
    // Esc in the popup keeps the cell as it was.
    press(&mut app, KeyCode::Char('k'));
    type_keys(&mut app, "*");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Esc);
    assert_eq!(stored(&app, row + 1, col), vec![("°".into(), 1)]);
}

#[test]
fn the_form_picker_sets_the_weight() {
    let (_dir, mut app) = demo_app();
    algebra_7a(&mut app);
    let (row, col) = (app.journal.row, app.journal.col);
    type_keys(&mut app, "5");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('k'));
    press(&mut app, KeyCode::Char('f'));
    assert!(matches!(app.overlay, Overlay::Picker(_)));
    type_keys(&mut app, "/контрольная раб");
    press(&mut app, KeyCode::Enter);
    assert_eq!(stored(&app, row, col), vec![("5".into(), 2)]);
    assert!(
        app.message
            .as_deref()
            .unwrap()
            .contains("Контрольная работа (weight 2)")
    );
    // On an empty cell the form is kept for the next mark.
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('f'));
    type_keys(&mut app, "/олимпиада");
    press(&mut app, KeyCode::Enter);
    type_keys(&mut app, "4");
    press(&mut app, KeyCode::Enter);
    assert_eq!(stored(&app, row + 1, col), vec![("4".into(), 3)]);
}

#[test]
fn selection_fill_down_set_selected_and_one_undo() {
    let (_dir, mut app) = demo_app();
    algebra_7a(&mut app);
    let (row, col) = (app.journal.row, app.journal.col);
    let v = app.journal.view.as_ref().unwrap();
    let rows: Vec<usize> = (row..row + 3)
        .filter(|r| v.students[*r].cells[col] == MarkCell::Empty)
        .collect();
    assert_eq!(rows.len(), 3, "three empty cells below each other");
    type_keys(&mut app, "4");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('k'));
    press(&mut app, KeyCode::Char('v'));
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('J'));
    for r in &rows {
        assert_eq!(stored(&app, *r, col), vec![("4".into(), 1)], "row {r}");
    }
    // One undo takes back the whole fill.
    press(&mut app, KeyCode::Char('u'));
    assert_eq!(stored(&app, row, col), vec![("4".into(), 1)]);
    assert!(stored(&app, row + 1, col).is_empty() && stored(&app, row + 2, col).is_empty());
    // Set selected: v, move, type once.
    press(&mut app, KeyCode::Char('v'));
    press(&mut app, KeyCode::Char('k'));
    press(&mut app, KeyCode::Char('='));
    type_keys(&mut app, "3");
    press(&mut app, KeyCode::Enter);
    assert_eq!(stored(&app, row + 1, col), vec![("3".into(), 1)]);
    assert_eq!(stored(&app, row + 2, col), vec![("3".into(), 1)]);
    assert!(app.journal.anchor.is_none());
}

#[test]
fn the_final_grade_is_entered_beside_the_suggestion() {
    let (_dir, mut app) = demo_app();
    algebra_7a(&mut app);
    press(&mut app, KeyCode::Char('g'));
    let s = app.journal.view.as_ref().unwrap().students[0].clone();
    press(&mut app, KeyCode::Char('F'));
    type_keys(&mut app, "9");
    press(&mut app, KeyCode::Enter);
    assert!(
        app.message
            .as_deref()
            .unwrap()
            .contains("«9» is not a period grade")
    );
    press(&mut app, KeyCode::Char('g'));
    press(&mut app, KeyCode::Char('F'));
    type_keys(&mut app, "2");
    press(&mut app, KeyCode::Enter);
    let after = &app.journal.view.as_ref().unwrap().students[0];
    assert_eq!(after.final_grade.as_deref(), Some("2"));
    assert_eq!(
        after.suggestion, s.suggestion,
        "the suggestion is kept beside it"
    );
    assert!(
        screen(&app, 80, 24).contains("2≠"),
        "differs from the suggestion"
    );
}

#[test]
fn digits_switch_tabs_until_mark_entry_starts() {
    let (_dir, mut app) = demo_app();
    press(&mut app, KeyCode::Char('2'));
    assert_eq!(app.tab, classbook::ui::Tab::Attendance);
    press(&mut app, KeyCode::Char('1'));
    // Moving the cursor is not mark entry: 2 is still a tab.
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('2'));
    assert_eq!(app.tab, classbook::ui::Tab::Attendance);
    press(&mut app, KeyCode::Char('1'));
    press(&mut app, KeyCode::Char('i'));
    press(&mut app, KeyCode::Char('2'));
    assert_eq!(app.tab, classbook::ui::Tab::Journal);
    assert!(app.journal.edit.is_some());
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    assert!(!app.journal.focus);
    press(&mut app, KeyCode::Char('2'));
    assert_eq!(app.tab, classbook::ui::Tab::Attendance);
}

fn ctrl(app: &mut App, c: char) {
    app.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
}

#[test]
fn the_lesson_form_fills_topic_homework_mode_substitute_and_log() {
    let (_dir, mut app) = demo_app();
    algebra_7a(&mut app);
    let col = app.journal.col;
    let lesson_id = app.journal.view.as_ref().unwrap().lessons[col].lesson.id;
    let next = app
        .journal
        .view
        .as_ref()
        .unwrap()
        .progress
        .next_topic
        .clone()
        .expect("the plan offers a next topic");
    press(&mut app, KeyCode::Char('E'));
    assert!(app.journal.lesson_form.is_some());
    // Replace the topic with the plan's next one (Ctrl-t), then homework.
    ctrl(&mut app, 't');
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char(' ')); // the next kind of homework
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Home); // to the line's start
    for _ in 0..60 {
        app.handle_key(KeyEvent::new(KeyCode::Delete, KeyModifiers::NONE));
    }
    type_keys(&mut app, "№ 512, 515 (Nguyễn: 修改)");
    press(&mut app, KeyCode::Tab);
    ctrl(&mut app, 'u');
    type_keys(&mut app, "25");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char(' ')); // online
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char(' ')); // the substitute picker
    assert!(matches!(app.overlay, Overlay::Picker(_)));
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Tab); // the control event
    press(&mut app, KeyCode::Tab); // online minutes: empty, the bell's
    press(&mut app, KeyCode::Tab); // live
    press(&mut app, KeyCode::Tab); // the teaching log
    type_keys(&mut app, "Разбор задач на платформе");
    insta::assert_snapshot!("journal_lesson_form_80x24", screen(&app, 80, 24));
    ctrl(&mut app, 's');
    assert!(app.journal.lesson_form.is_none(), "{:?}", app.message);
    let l = classbook::store::journal::lesson(app.db().conn(), lesson_id).unwrap();
    assert_eq!(l.topic.as_deref(), Some(next.as_str()));
    assert_eq!(l.homework.as_deref(), Some("№ 512, 515 (Nguyễn: 修改)"));
    assert_eq!(l.homework_minutes, Some(25));
    assert_eq!(l.mode, classbook::domain::LessonMode::Online);
    assert!(l.taught_by_id.is_some_and(|t| t != l.teacher_id));
    let log = classbook::store::journal::teaching_log(app.db().conn(), lesson_id)
        .unwrap()
        .unwrap();
    assert_eq!(log.content, "Разбор задач на платформе");
    // One u takes the whole record back.
    press(&mut app, KeyCode::Char('u'));
    let back = classbook::store::journal::lesson(app.db().conn(), lesson_id).unwrap();
    assert_eq!(back.mode, classbook::domain::LessonMode::InClass);
    assert_ne!(back.topic.as_deref(), Some(next.as_str()));
    assert!(
        classbook::store::journal::teaching_log(app.db().conn(), lesson_id)
            .unwrap()
            .is_none()
    );
}

#[test]
fn the_lesson_form_refuses_text_homework_without_text() {
    let (_dir, mut app) = demo_app();
    algebra_7a(&mut app);
    let col = app.journal.col;
    let before = app.journal.view.as_ref().unwrap().lessons[col]
        .lesson
        .clone();
    press(&mut app, KeyCode::Char('E'));
    press(&mut app, KeyCode::Tab);
    // Cycle to "text" with the task emptied.
    while !screen(&app, 80, 24).contains("‹ text ›") {
        press(&mut app, KeyCode::Char(' '));
    }
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Home);
    for _ in 0..80 {
        app.handle_key(KeyEvent::new(KeyCode::Delete, KeyModifiers::NONE));
    }
    ctrl(&mut app, 's');
    assert!(
        app.message
            .as_deref()
            .unwrap()
            .contains("homework text is empty")
    );
    assert!(app.journal.lesson_form.is_some(), "the form stays open");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('y'));
    assert!(app.journal.lesson_form.is_none());
    let after = classbook::store::journal::lesson(app.db().conn(), before.id).unwrap();
    assert_eq!(after, before);
}

#[test]
fn today_and_a_date_put_the_cursor_on_a_lesson() {
    let (_dir, mut app) = demo_app();
    algebra_7a(&mut app);
    press(&mut app, KeyCode::Char('d'));
    type_keys(&mut app, "10.11");
    press(&mut app, KeyCode::Enter);
    let v = app.journal.view.as_ref().unwrap();
    assert_eq!(
        v.lessons[app.journal.col].lesson.date,
        chrono::NaiveDate::from_ymd_opt(2025, 11, 10).unwrap()
    );
    press(&mut app, KeyCode::Char('d'));
    type_keys(&mut app, "15.01.2026");
    press(&mut app, KeyCode::Enter);
    assert!(
        app.message
            .as_deref()
            .unwrap()
            .contains("is not in 2 четверть")
    );
    press(&mut app, KeyCode::Char('t'));
    let v = app.journal.view.as_ref().unwrap();
    assert_eq!(app.journal.col, v.lessons.len() - 1);
}

#[test]
fn a_control_event_set_on_the_lesson_weighs_its_marks() {
    let (_dir, mut app) = demo_app();
    algebra_7a(&mut app);
    let (row, col) = (app.journal.row, app.journal.col);
    let lesson_id = app.journal.view.as_ref().unwrap().lessons[col].lesson.id;
    press(&mut app, KeyCode::Char('E'));
    for _ in 0..6 {
        press(&mut app, KeyCode::Tab);
    }
    press(&mut app, KeyCode::Char(' '));
    assert!(matches!(app.overlay, Overlay::Picker(_)));
    type_keys(&mut app, "/контрольная раб");
    press(&mut app, KeyCode::Enter);
    let text = screen(&app, 80, 24);
    assert!(text.contains("Контрольная работа (weight 2)"), "{text}");
    ctrl(&mut app, 's');
    let l = classbook::store::journal::lesson(app.db().conn(), lesson_id).unwrap();
    assert!(l.control_form_id.is_some());
    let v = app.journal.view.as_ref().unwrap();
    assert_eq!(
        v.lessons[col].control_form.as_deref(),
        Some("Контрольная работа")
    );
    // A mark typed in that lesson now has weight 2.
    type_keys(&mut app, "5");
    press(&mut app, KeyCode::Enter);
    assert_eq!(stored(&app, row, col), vec![("5".into(), 2)]);
}

#[test]
fn the_info_line_shows_each_marks_form_weight_deadline_and_comment() {
    let (_dir, mut app) = demo_app();
    algebra_7a(&mut app);
    let v = app.journal.view.clone().expect("journal loaded");
    // A cell with a pending mark, else any mark: its details are in the view.
    let mut found = None;
    for (r, s) in v.students.iter().enumerate() {
        for (c, d) in s.details.iter().enumerate() {
            if !d.is_empty() && (found.is_none() || d.iter().any(|m| m.due_on.is_some())) {
                found = Some((r, c));
            }
        }
    }
    let (r, c) = found.expect("7А algebra has marks");
    let details = &v.students[r].details[c];
    assert_eq!(
        details
            .iter()
            .map(|m| m.mark.as_str())
            .collect::<Vec<_>>()
            .join("/"),
        match &v.students[r].cells[c] {
            MarkCell::Marks(t) => t.clone(),
            other => panic!("{other:?}"),
        }
    );
    while app.journal.row > r {
        press(&mut app, KeyCode::Up);
    }
    while app.journal.row < r {
        press(&mut app, KeyCode::Down);
    }
    while app.journal.col > c {
        press(&mut app, KeyCode::Left);
    }
    while app.journal.col < c {
        press(&mut app, KeyCode::Right);
    }
    assert_eq!((app.journal.row, app.journal.col), (r, c));
    let s = screen(&app, 160, 48);
    let line = details[0].line();
    assert!(line.contains("weight"), "{line}");
    assert!(s.contains(&line), "{line}\n{s}");
    if let Some(d) = details.iter().find_map(|m| m.due_on) {
        assert!(s.contains(&format!("due {}", d.format("%d.%m.%Y"))), "{s}");
    }
}

#[test]
fn the_lesson_form_records_an_online_lessons_minutes_and_whether_it_is_live() {
    let (_dir, mut app) = demo_app();
    algebra_7a(&mut app);
    let col = app.journal.col;
    let lesson_id = app.journal.view.as_ref().unwrap().lessons[col].lesson.id;
    press(&mut app, KeyCode::Char('E'));
    assert!(app.journal.lesson_form.is_some());
    // Topic, homework, task, minutes, then the mode: online.
    for _ in 0..4 {
        press(&mut app, KeyCode::Tab);
    }
    press(&mut app, KeyCode::Right);
    let text = screen(&app, 80, 40);
    assert!(text.contains("Online, minutes"), "{text}");
    // Past who taught and the control event to the online fields.
    for _ in 0..3 {
        press(&mut app, KeyCode::Tab);
    }
    type_keys(&mut app, "abc");
    ctrl(&mut app, 's');
    assert!(app.journal.lesson_form.is_some(), "letters are refused");
    assert!(
        app.message
            .as_deref()
            .unwrap_or("")
            .contains("online minutes")
            || screen(&app, 80, 40).contains("online minutes"),
        "{:?}",
        app.message
    );
    ctrl(&mut app, 'u');
    type_keys(&mut app, "25");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Right); // live → recorded
    ctrl(&mut app, 's');
    assert!(app.journal.lesson_form.is_none(), "{:?}", app.message);
    let o = classbook::store::journal::online_length(app.db().conn(), lesson_id)
        .unwrap()
        .expect("recorded");
    assert_eq!((o.minutes, o.live), (25, false));
    // Opened again, the form shows what is recorded.
    press(&mut app, KeyCode::Char('E'));
    let text = screen(&app, 80, 40);
    assert!(text.contains("25"), "{text}");
    assert!(text.contains("recorded"), "{text}");
}

#[test]
fn a_two_after_an_absence_is_red_like_any_two() {
    use ratatui::style::Color;
    let (_dir, mut app) = demo_app();
    algebra_7a(&mut app);
    // Н and a 2 in one cell: the absence is written to attendance, the 2
    // stays a mark; the cell reads Н/2.
    type_keys(&mut app, "н/2");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Up);
    assert_eq!(
        cell(&app, app.journal.row, app.journal.col),
        MarkCell::Marks("Н/2".into())
    );
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Down);
    let term = classbook::ui::render_to_backend(&app, 80, 24).expect("renders");
    let buf = term.backend().buffer();
    let red = (0..24u16).any(|y| {
        (0..78u16).any(|x| {
            buf[(x, y)].symbol() == "Н"
                && buf[(x + 1, y)].symbol() == "/"
                && buf[(x + 2, y)].symbol() == "2"
                && buf[(x + 2, y)].fg == Color::Red
        })
    });
    assert!(red, "Н/2 drawn in the colour of a 2");
}

/// The journal as a fresh reading would show it now.
fn read_fresh(app: &App) -> classbook::service::journal::JournalView {
    let v = app.journal.view.as_ref().unwrap();
    classbook::service::journal::load_group(
        app.db().conn(),
        &v.class,
        &v.subject,
        &v.period,
        app.journal.group,
        app.working_date,
    )
    .unwrap()
}

#[test]
fn a_saved_mark_reads_again_only_its_row_and_equals_a_fresh_reading() {
    let (_dir, mut app) = demo_app();
    algebra_7a(&mut app);
    let (row, col) = (app.journal.row, app.journal.col);
    let read_at = app.journal.read_at;
    type_keys(&mut app, "5");
    press(&mut app, KeyCode::Enter);
    assert!(
        app.journal.read_at > read_at,
        "the screen has seen its write"
    );
    assert_eq!(app.journal.view.as_ref(), Some(&read_fresh(&app)));
    // The same cell again, at once: one's own mark is no one else's.
    press(&mut app, KeyCode::Char('k'));
    type_keys(&mut app, "i4");
    press(&mut app, KeyCode::Enter);
    assert_eq!(cell(&app, row, col), MarkCell::Marks("4".into()));
    assert!(
        app.message.as_deref().unwrap().starts_with("saved: 4"),
        "{:?}",
        app.message
    );
    assert_eq!(app.journal.view.as_ref(), Some(&read_fresh(&app)));
    // Someone else writes another cell meanwhile: the next key reads the
    // whole journal again (and is not used), theirs included.
    let (other, lesson) = {
        let v = app.journal.view.as_ref().unwrap();
        (v.students[row + 2].student_id, v.lessons[col].reference())
    };
    let mut theirs =
        classbook::store::open(app.db().path(), &classbook::store::OpenOptions::default()).unwrap();
    theirs
        .write(|tx| {
            classbook::service::journal::set_cell(
                tx,
                "王芳",
                lesson,
                other,
                &classbook::service::journal::CellInput::text("3"),
            )
            .map_err(|e| classbook::store::invalid(e.to_string()))
        })
        .unwrap();
    press(&mut app, KeyCode::Char('k'));
    assert!(app.message.as_deref().unwrap().contains("press it again"));
    assert_eq!(cell(&app, row + 2, col), MarkCell::Marks("3".into()));
    press(&mut app, KeyCode::Char('k'));
    type_keys(&mut app, "i5");
    press(&mut app, KeyCode::Enter);
    assert_eq!(cell(&app, row, col), MarkCell::Marks("5".into()));
    assert_eq!(cell(&app, row + 2, col), MarkCell::Marks("3".into()));
    assert_eq!(app.journal.view.as_ref(), Some(&read_fresh(&app)));
}

/// The dates on the grid's first header line (right of the frozen
/// columns' rule), left to right.
fn grid_dates(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.split_once('│').map(|(_, right)| right))
        .map(|right| {
            right
                .split_whitespace()
                .map(|t| t.trim_matches('›').to_string())
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
        })
        .find(|ts| {
            !ts.is_empty()
                && ts.iter().all(|t| {
                    t.len() == 5
                        && t.as_bytes()[2] == b'.'
                        && t.replace('.', "").parse::<u32>().is_ok()
                })
        })
        .expect("a header line of dates")
}

/// The year grid scrolls by half a window: the cursor moves over the
/// visible lessons without scrolling; one step past the last one the
/// window jumps so that the cursor is in its middle, and the lessons
/// above the grid scroll with it.
#[test]
fn the_year_grid_scrolls_by_half_a_window() {
    let (_dir, mut app) = demo_app();
    type_keys(&mut app, "c/7а");
    press(&mut app, KeyCode::Enter);
    type_keys(&mut app, "s/алгеб");
    press(&mut app, KeyCode::Enter);
    // The last period in the picker is the whole year.
    type_keys(&mut app, "pG");
    press(&mut app, KeyCode::Enter);
    let v = app.journal.view.clone().expect("journal loaded");
    assert_eq!(v.period.kind, classbook::domain::PeriodKind::Year);
    let dates: Vec<String> = v
        .lessons
        .iter()
        .map(|l| classbook::ui::dates::short(l.lesson.date))
        .collect();
    assert!(dates.len() > 40, "a year of algebra: {}", dates.len());
    press(&mut app, KeyCode::Home);
    while app.journal.col > 0 {
        press(&mut app, KeyCode::Left);
    }
    let (w, h) = (100, 30);
    let first = grid_dates(&screen(&app, w, h));
    let n = first.len();
    assert!(n >= 6, "{first:?}");
    assert_eq!(first, dates[..n]);
    // To the last lesson on screen: nothing scrolls.
    for _ in 1..n {
        press(&mut app, KeyCode::Right);
    }
    assert_eq!(app.journal.col, n - 1);
    let before = screen(&app, w, h);
    assert_eq!(grid_dates(&before), dates[..n]);
    insta::assert_snapshot!("journal_year_at_the_right_edge_100x30", before);
    // One more: the window jumps by half of it.
    press(&mut app, KeyCode::Right);
    let after = screen(&app, w, h);
    let shown = grid_dates(&after);
    assert_eq!(shown.len(), n, "as many lessons fit");
    let start = (0..dates.len())
        .find(|&s| dates[s..].starts_with(&shown))
        .expect("the shown dates are a run of the year's");
    assert_eq!(
        app.journal.col - start,
        (n - 1) / 2,
        "the cursor lands in the middle: {shown:?}"
    );
    assert!(start > 1, "more than one column at a time");
    // The lesson list above follows: the cursor's lesson is on screen
    // with its weekday, as in the list.
    let cur = &v.lessons[n].lesson;
    assert!(
        after.contains(&format!(
            "{} {}",
            classbook::ui::dates::weekday(cur.date),
            classbook::ui::dates::short(cur.date)
        )),
        "{after}"
    );
    insta::assert_snapshot!("journal_year_past_the_right_edge_100x30", after);
    // The next step moves only the cursor.
    press(&mut app, KeyCode::Right);
    assert_eq!(grid_dates(&screen(&app, w, h)), shown);
}
