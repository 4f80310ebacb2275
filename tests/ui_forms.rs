//! One form component on every tab, driven through `App` with key events:
//! ← moves the text cursor (typing inserts there), Esc on a changed form
//! asks before discarding (n keeps editing, y discards), Esc on an
//! unchanged form closes at once, Ctrl-s saves from any field, Enter saves
//! on the last field. Forms are opened with their actions so the tests do
//! not depend on which letter opens them; inside the form only keys are
//! pressed.

mod common;

use classbook::store;
use classbook::ui::keymap::{Key, Keymap, Mode};
use classbook::ui::{Action, App, Tab};
use common::{ctrl, demo_app, press, type_keys};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn screen(app: &App) -> String {
    classbook::ui::render_text(app, 80, 24).expect("renders")
}

const DISCARD: &str = "Discard the changes? y discards · n/Esc keeps editing";

#[test]
fn every_form_key_is_in_the_keymap_and_the_old_mode_names_still_work() {
    let map = Keymap::default();
    let ev = |code, mods| KeyEvent::new(code, mods);
    let none = KeyModifiers::NONE;
    let c = KeyModifiers::CONTROL;
    for (code, mods, action) in [
        (KeyCode::Enter, none, Action::FormEnter),
        (KeyCode::Char('s'), c, Action::FormSave),
        (KeyCode::Esc, none, Action::FormClose),
        (KeyCode::Tab, none, Action::FormNext),
        (KeyCode::Down, none, Action::FormNext),
        (KeyCode::BackTab, KeyModifiers::SHIFT, Action::FormPrev),
        (KeyCode::Up, none, Action::FormPrev),
        (KeyCode::Left, none, Action::FormLeft),
        (KeyCode::Right, none, Action::FormRight),
        (KeyCode::Home, none, Action::FormHome),
        (KeyCode::End, none, Action::FormEnd),
        (KeyCode::Backspace, none, Action::FormErase),
        (KeyCode::Delete, none, Action::FormDelete),
        (KeyCode::Char('u'), c, Action::FormClear),
        (KeyCode::Char('p'), c, Action::FormPick),
        (KeyCode::Char('t'), c, Action::FormTopic),
    ] {
        assert_eq!(map.lookup(Mode::Form, &ev(code, mods)), Some(action));
    }
    // Letters are text in a form, never actions (not even q or the tab digits).
    for ch in ['q', 'j', '1', 'y', 'n', ' '] {
        assert_eq!(map.lookup(Mode::Form, &ev(KeyCode::Char(ch), none)), None);
    }
    // The help (generated from the keymap) has the form's section.
    let md = map.markdown();
    assert!(md.contains("**A form**"), "{md}");
    assert!(md.contains("| `Ctrl-s` | `form_save` |"), "{md}");
    assert!(md.contains("| `Esc` | `form_close` |"), "{md}");
    // keys.conf files written for the three old form modes keep working.
    let conf = "training_form.form_save = ctrl-w\n\
                school_form.form_pick = ctrl-l\n\
                indicators_form.confirm = F2\n";
    let map = Keymap::parse(conf, "keys.conf").expect("old names are aliases");
    assert_eq!(
        map.keys(Mode::Form, &Action::FormSave),
        &[Key::parse("F2").unwrap()],
        "confirm in a form mode is the form's save"
    );
    assert_eq!(
        map.keys(Mode::Form, &Action::FormPick),
        &[Key::parse("ctrl-l").unwrap()]
    );
    let map = Keymap::parse("form.form_close = ctrl-g\n", "keys.conf").unwrap();
    assert_eq!(
        map.lookup(Mode::Form, &ev(KeyCode::Char('g'), c)),
        Some(Action::FormClose)
    );
    // A mode that never existed is still refused.
    assert!(Keymap::parse("lesson_form.form_save = ctrl-w\n", "k").is_err());
}

#[test]
fn training_form_cursor_discard_question_and_ctrl_s() {
    let (_dir, mut app) = demo_app();
    app.update(Action::TabTraining);
    let n = app.training.view.as_ref().unwrap().sessions.len();
    // An unchanged form closes with Esc at once.
    app.update(Action::AddSession);
    assert_eq!(app.mode(), Mode::Form);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.training.form, None);
    // Type, go left over two characters and insert there.
    app.update(Action::AddSession);
    type_keys(&mut app, "Цифровая школа 数字");
    press(&mut app, KeyCode::Left);
    press(&mut app, KeyCode::Left);
    type_keys(&mut app, "и ");
    assert_eq!(
        app.training.form.as_ref().unwrap().value("Topic"),
        "Цифровая школа и 数字"
    );
    // Esc asks on the form's last line; n keeps what was typed.
    press(&mut app, KeyCode::Esc);
    assert!(screen(&app).contains(DISCARD), "{}", screen(&app));
    press(&mut app, KeyCode::Char('n'));
    assert!(!screen(&app).contains(DISCARD));
    assert_eq!(
        app.training.form.as_ref().unwrap().value("Topic"),
        "Цифровая школа и 数字"
    );
    // Back to the first field, then Ctrl-s saves from there.
    for _ in 0..4 {
        press(&mut app, KeyCode::Up);
    }
    assert_eq!(app.training.form.as_ref().unwrap().focus, 0);
    ctrl(&mut app, 's');
    assert_eq!(app.training.form, None, "{:?}", app.message);
    let v = app.training.view.as_ref().unwrap();
    assert_eq!(v.sessions.len(), n + 1);
    assert!(
        v.sessions
            .iter()
            .any(|s| s.session.topic == "Цифровая школа и 数字")
    );
}

#[test]
fn indicators_form_cursor_discard_and_enter_on_the_last_field() {
    let (_dir, mut app) = demo_app();
    app.update(Action::TabIndicators);
    let sum = |app: &App| classbook::service::demo::checksum(app.db().conn()).unwrap();
    let before = sum(&app);
    app.update(Action::IndEnterActual);
    assert_eq!(app.mode(), Mode::Form);
    // 15 with the cursor moved before the 5: 125 (1.1 is a count).
    type_keys(&mut app, "15");
    press(&mut app, KeyCode::Left);
    type_keys(&mut app, "2");
    assert_eq!(app.indicators.form.as_ref().unwrap().value("Value"), "125");
    // Home, Delete: the first character goes; End, Backspace: the last.
    press(&mut app, KeyCode::Home);
    press(&mut app, KeyCode::Delete);
    press(&mut app, KeyCode::End);
    press(&mut app, KeyCode::Backspace);
    assert_eq!(app.indicators.form.as_ref().unwrap().value("Value"), "2");
    // Esc asks; y discards and nothing was written.
    press(&mut app, KeyCode::Esc);
    assert!(app.indicators.form.as_ref().unwrap().asking);
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(app.indicators.form, None);
    assert_eq!(sum(&app), before);
    // Again, and Enter to the last field saves there.
    app.update(Action::IndEnterActual);
    type_keys(&mut app, "31");
    let n = app.indicators.form.as_ref().unwrap().fields.len();
    let start = app.indicators.form.as_ref().unwrap().focus;
    for _ in start..n - 1 {
        press(&mut app, KeyCode::Enter);
        assert!(app.indicators.form.is_some(), "Enter moved on");
    }
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.indicators.form, None, "{:?}", app.message);
    assert_ne!(sum(&app), before, "saved");
}

#[test]
fn school_form_cursor_ctrl_u_and_ctrl_s() {
    let (_dir, mut app) = demo_app();
    app.update(Action::TabSchool);
    while app.mode() != Mode::SchoolStaff {
        app.update(Action::SchoolNextSection);
    }
    let staff = |app: &App| store::people::staff(app.db().conn()).unwrap().len();
    let n = staff(&app);
    app.update(Action::SchoolAdd);
    assert_eq!(app.mode(), Mode::Form);
    // Family name: "Nguyn", the cursor back two, "ễ" inserted: "Nguyễn".
    type_keys(&mut app, "Nguyn");
    press(&mut app, KeyCode::Left);
    type_keys(&mut app, "ễ");
    assert_eq!(
        app.school_pane.form.as_ref().unwrap().value("Family name"),
        "Nguyễn"
    );
    press(&mut app, KeyCode::Tab);
    type_keys(&mut app, "xyz");
    ctrl(&mut app, 'u');
    assert_eq!(
        app.school_pane.form.as_ref().unwrap().value("Given name"),
        "",
        "Ctrl-u clears the field"
    );
    type_keys(&mut app, "Thị Hoa");
    ctrl(&mut app, 's');
    assert_eq!(app.school_pane.form, None, "{:?}", app.message);
    assert_eq!(staff(&app), n + 1);
    assert!(
        store::people::staff(app.db().conn())
            .unwrap()
            .iter()
            .any(|s| s.family_name == "Nguyễn" && s.given_name == "Thị Hoa")
    );
}

#[test]
fn attendance_code_form_cursor_discard_and_ctrl_s() {
    let (_dir, mut app) = demo_app();
    app.update(Action::TabAttendance);
    app.update(Action::AttCodes);
    let codes = app.attendance.codes.len();
    app.update(Action::AttTakeLesson);
    assert_eq!(app.mode(), Mode::Form);
    type_keys(&mut app, "线");
    press(&mut app, KeyCode::Tab);
    type_keys(&mut app, "Онлайн урок");
    for _ in 0..5 {
        press(&mut app, KeyCode::Left);
    }
    type_keys(&mut app, "-");
    press(&mut app, KeyCode::Delete);
    assert_eq!(
        app.attendance.form.as_ref().unwrap().value("Label"),
        "Онлайн-урок"
    );
    // q and digits are text here, not quit or a tab switch.
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    type_keys(&mut app, "x");
    assert_eq!(app.tab, Tab::Attendance);
    press(&mut app, KeyCode::Esc);
    assert!(screen(&app).contains(DISCARD), "{}", screen(&app));
    press(&mut app, KeyCode::Esc);
    assert!(app.attendance.form.is_some(), "Esc keeps editing too");
    ctrl(&mut app, 's');
    assert!(app.attendance.form.is_none(), "{:?}", app.message);
    assert_eq!(app.attendance.codes.len(), codes + 1);
    assert!(
        app.attendance
            .codes
            .iter()
            .any(|c| c.code == "线" && c.label == "Онлайн-урок")
    );
}

/// The lesson form of 7А Алгебра's latest recorded lesson.
fn lesson_form_app() -> (tempfile::TempDir, App, i64) {
    let (dir, mut app) = demo_app();
    app.update(Action::TabJournal);
    type_keys(&mut app, "c7а");
    press(&mut app, KeyCode::Enter);
    type_keys(&mut app, "sалгеб");
    press(&mut app, KeyCode::Enter);
    let v = app.journal.view.as_ref().expect("journal loaded");
    assert_eq!(
        (v.class.name.as_str(), v.subject.name.as_str()),
        ("7А", "Алгебра")
    );
    let col = v.lessons.iter().rposition(|l| l.recorded).unwrap();
    let id = v.lessons[col].lesson.id;
    app.journal.col = col;
    app.update(Action::EditLesson);
    assert_eq!(app.mode(), Mode::Form);
    (dir, app, id)
}

#[test]
fn lesson_form_cursor_new_lines_discard_and_ctrl_s() {
    let (_dir, mut app, id) = lesson_form_app();
    let before = store::journal::lesson(app.db().conn(), id).unwrap();
    // An unchanged lesson form closes with Esc at once.
    press(&mut app, KeyCode::Esc);
    assert!(app.journal.lesson_form.is_none());
    app.update(Action::EditLesson);
    // The topic: cleared, typed, the cursor moved left into the word.
    ctrl(&mut app, 'u');
    type_keys(&mut app, "Степени");
    press(&mut app, KeyCode::Left);
    press(&mut app, KeyCode::Left);
    type_keys(&mut app, "нь");
    press(&mut app, KeyCode::End);
    // Enter in the topic is a new line, and the footer says so.
    assert!(screen(&app).contains("Enter new line"), "{}", screen(&app));
    press(&mut app, KeyCode::Enter);
    type_keys(&mut app, "第二课");
    let topic = |app: &App| {
        app.journal.lesson_form.as_ref().unwrap().form.fields[0]
            .value
            .clone()
    };
    assert_eq!(topic(&app), "Степеньни\n第二课");
    // Esc asks; y discards: the lesson is as it was.
    press(&mut app, KeyCode::Esc);
    assert!(screen(&app).contains(DISCARD), "{}", screen(&app));
    press(&mut app, KeyCode::Char('y'));
    assert!(app.journal.lesson_form.is_none());
    assert_eq!(store::journal::lesson(app.db().conn(), id).unwrap(), before);
    // Again; Ctrl-s saves from the topic.
    app.update(Action::EditLesson);
    ctrl(&mut app, 'u');
    type_keys(&mut app, "Степень");
    press(&mut app, KeyCode::Enter);
    type_keys(&mut app, "Урок 2");
    ctrl(&mut app, 's');
    assert!(app.journal.lesson_form.is_none(), "{:?}", app.message);
    let after = store::journal::lesson(app.db().conn(), id).unwrap();
    assert_eq!(after.topic.as_deref(), Some("Степень\nУрок 2"));
}

#[test]
fn lesson_form_enter_moves_on_outside_the_text_and_a_paste_goes_to_the_cursor() {
    let (_dir, mut app, id) = lesson_form_app();
    // Tab to the homework kind: Enter moves on there (not a new line).
    press(&mut app, KeyCode::Tab);
    assert!(screen(&app).contains("Enter next"), "{}", screen(&app));
    press(&mut app, KeyCode::Enter);
    let focus = |app: &App| app.journal.lesson_form.as_ref().unwrap().form.focus;
    assert_eq!(focus(&app), 2, "on to the task");
    ctrl(&mut app, 'u');
    type_keys(&mut app, "№ 515");
    press(&mut app, KeyCode::Home);
    assert!(app.handle_paste("№ 512, "));
    // Minutes: Enter from the task would be a new line; Tab moves on.
    press(&mut app, KeyCode::Tab);
    ctrl(&mut app, 'u');
    type_keys(&mut app, "20");
    ctrl(&mut app, 's');
    assert!(app.journal.lesson_form.is_none(), "{:?}", app.message);
    let l = store::journal::lesson(app.db().conn(), id).unwrap();
    assert_eq!(l.homework.as_deref(), Some("№ 512, № 515"));
    assert_eq!(l.homework_minutes, Some(20));
}

#[test]
fn lesson_form_list_fields_open_with_space_and_clear_with_ctrl_u() {
    let (_dir, mut app, id) = lesson_form_app();
    let lf = |app: &App| {
        let f = app.journal.lesson_form.as_ref().unwrap();
        (
            f.form.focus,
            f.taught_by.clone(),
            f.form.value("Homework").to_string(),
        )
    };
    // Ctrl-u on a choice changes nothing.
    press(&mut app, KeyCode::Tab);
    let kind = lf(&app).2;
    ctrl(&mut app, 'u');
    assert_eq!(lf(&app).2, kind);
    // On to "Taught by"; Enter moves on from a list field, Space opens it.
    for _ in 0..4 {
        press(&mut app, KeyCode::Tab);
    }
    assert_eq!(lf(&app).0, 5);
    press(&mut app, KeyCode::Char(' '));
    assert!(matches!(app.overlay, classbook::ui::Overlay::Picker(_)));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    let chosen = lf(&app).1.expect("a substitute");
    assert!(screen(&app).contains("substitute for"), "{}", screen(&app));
    // Ctrl-u: back to the timetable's teacher.
    ctrl(&mut app, 'u');
    assert_eq!(lf(&app).1, None, "was {chosen:?}");
    assert!(screen(&app).contains("(timetable)"), "{}", screen(&app));
    press(&mut app, KeyCode::Enter);
    assert_eq!(lf(&app).0, 6, "Enter on a list field moves on");
    ctrl(&mut app, 's');
    assert!(app.journal.lesson_form.is_none(), "{:?}", app.message);
    let l = store::journal::lesson(app.db().conn(), id).unwrap();
    assert_eq!(l.taught_by_id, None);
}
