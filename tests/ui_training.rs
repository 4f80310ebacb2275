//! The Training tab as a user drives it at 80×24 on the small demo: add a
//! session, take its roll call with one late and one sick leave, watch the
//! standing change, and check the CLI's standing agrees with the screen.

mod common;

use std::process::Command;

use classbook::service::demo;
use classbook::service::training::{self as svc, Scope};
use classbook::store;
use classbook::ui::App;
use classbook::ui::keymap::Mode;
use classbook::ui::panes::training::Screen;
use common::{ctrl, demo_app, press, type_keys};
use crossterm::event::KeyCode;

fn screen(app: &App) -> String {
    classbook::ui::render_text(app, 80, 24).expect("renders")
}

fn standing(app: &App, scope: Scope) -> Vec<svc::Standing> {
    let conn = app.db().conn();
    let year = app.year.clone().expect("a year");
    let settings = store::settings::load(conn).unwrap();
    svc::standing(conn, &year, scope, &settings).unwrap()
}

/// Add a session on the working date (24.12.2025) through the form.
fn add_session(app: &mut App, topic: &str) {
    press(app, KeyCode::Char('a'));
    assert_eq!(app.mode(), Mode::Form);
    type_keys(app, topic);
    ctrl(app, 's');
    assert_eq!(app.training.form, None, "{:?}", app.message);
}

#[test]
fn add_a_session_take_its_roll_call_and_watch_the_standing() {
    let (_dir, mut app) = demo_app();
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char('a'));
    type_keys(&mut app, "Цифровая среда: Nguyễn Thị, 王老师");
    insta::assert_snapshot!("training_add_form_80x24", screen(&app));
    // Enter goes on to the next field; Ctrl-s saves from any field.
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.training.form.as_ref().map(|f| f.focus), Some(5));
    ctrl(&mut app, 's');
    assert_eq!(
        app.message.as_deref(),
        Some("added the session of 24.12.2025")
    );
    let v = app.training.view.as_ref().unwrap();
    let s = &v.sessions[app.training.row].session;
    assert_eq!(s.topic, "Цифровая среда: Nguyễn Thị, 王老师");
    assert_eq!((s.hours, s.credits), (1.0, 1.0));
    let session_id = s.id;
    let before = standing(&app, Scope::Semester(1));

    // Enter opens the roll call on that session; P marks everyone present.
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.training.screen, Screen::RollCall);
    press(&mut app, KeyCode::Char('A'));
    let roll = app.training.roll.as_ref().unwrap();
    let first = roll.teachers[0].clone();
    let second = roll.teachers[1].clone();
    assert_eq!(
        roll.teachers
            .iter()
            .filter(|t| roll.entry(session_id, t.0).is_some())
            .count(),
        roll.teachers.len()
    );
    // One late (L, the cursor moves down), one sick leave with its form.
    press(&mut app, KeyCode::Char('L'));
    press(&mut app, KeyCode::Char('s'));
    assert_eq!(app.mode(), Mode::Form);
    insta::assert_snapshot!("training_sick_leave_form_80x24", screen(&app));
    press(&mut app, KeyCode::Enter);
    let conn = app.db().conn();
    let a = store::training::attendance(conn, session_id, first.0)
        .unwrap()
        .unwrap();
    assert_eq!(a.status, "late");
    let b = store::training::attendance(conn, session_id, second.0)
        .unwrap()
        .unwrap();
    assert_eq!(
        (b.status.as_str(), b.certificate),
        ("sick_leave", Some(true))
    );
    press(&mut app, KeyCode::Up);
    insta::assert_snapshot!("training_roll_call_80x24", screen(&app));

    // The standing changed: one more session, late and sick counted; the
    // late teacher earned the credit, the sick one did not.
    press(&mut app, KeyCode::Char('T'));
    assert_eq!(app.training.screen, Screen::Standing);
    let shown = app.training.standing.as_ref().unwrap().rows.clone();
    let after = standing(&app, Scope::Semester(1));
    assert_eq!(shown, after, "the screen shows the service's standing");
    let find = |rows: &[svc::Standing], id| rows.iter().find(|s| s.staff_id == id).unwrap().clone();
    let (f0, f1) = (find(&before, first.0), find(&after, first.0));
    assert_eq!((f1.sessions, f1.late), (f0.sessions + 1, f0.late + 1));
    assert_eq!(f1.credits, f0.credits + 100);
    let (s0, s1) = (find(&before, second.0), find(&after, second.0));
    assert_eq!((s1.sick_leave, s1.credits), (s0.sick_leave + 1, s0.credits));
    insta::assert_snapshot!("training_standing_80x24", screen(&app));

    // The CLI on the same file gives the same verdicts and credits.
    let out = Command::new(env!("CARGO_BIN_EXE_classbook"))
        .args(["--db"])
        .arg(app.db().path())
        .args([
            "training",
            "standing",
            "--semester",
            "1",
            "--format",
            "json",
        ])
        .env("USER", "tester")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let teachers = v["teachers"].as_array().unwrap();
    assert_eq!(teachers.len(), shown.len());
    for (t, s) in teachers.iter().zip(&shown) {
        assert_eq!(t["staff_id"], s.staff_id);
        assert_eq!(t["pass"], s.pass, "{}", s.name);
        assert_eq!(t["late"], s.late);
        assert_eq!(t["sick_leave"], s.sick_leave);
        assert_eq!(t["credits"].as_f64().unwrap(), f64::from(s.credits) / 100.0);
    }

    // u undoes the sick leave (back to present), Ctrl-r would redo it.
    press(&mut app, KeyCode::Char('u'));
    let b = store::training::attendance(app.db().conn(), session_id, second.0)
        .unwrap()
        .unwrap();
    assert_eq!(b.status, "present");
}

#[test]
fn the_year_view_and_publishing_with_differences() {
    let (_dir, mut app) = demo_app();
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char('T'));
    assert_eq!(app.mode(), Mode::TrainingStanding);
    press(&mut app, KeyCode::Char('F'));
    assert!(screen(&app).contains("Publish the standing of semester 1?"));
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        app.message.as_deref(),
        Some("published semester 1 as of 24.12.2025")
    );
    assert!(screen(&app).contains("published as of 24.12.2025 by tester · no differences since"));
    // A change after publishing: mark the first teacher absent at the last
    // session in the roll call.
    press(&mut app, KeyCode::Char('R'));
    press(&mut app, KeyCode::End);
    press(&mut app, KeyCode::Char('a'));
    press(&mut app, KeyCode::Char('T'));
    let sv = app.training.standing.as_ref().unwrap();
    assert_eq!(sv.differences.len(), 1, "{:?}", sv.differences);
    let text = screen(&app);
    assert!(text.contains("1 teacher differs since (≠)"), "{text}");
    // The year view.
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(app.training.standing.as_ref().unwrap().scope, Scope::Year);
    assert!(screen(&app).contains("Standing · the year"));
}

#[test]
fn refused_form_input_keeps_the_form_and_the_database() {
    let (_dir, mut app) = demo_app();
    press(&mut app, KeyCode::Char('3'));
    let sum = |app: &App| demo::checksum(app.db().conn()).unwrap();
    let before = sum(&app);
    // A date outside the semester.
    press(&mut app, KeyCode::Char('a'));
    type_keys(&mut app, "Тема");
    for _ in 0..4 {
        press(&mut app, KeyCode::Up);
    }
    for _ in 0..10 {
        press(&mut app, KeyCode::Backspace);
    }
    type_keys(&mut app, "15.01.2026");
    ctrl(&mut app, 's');
    let f = app.training.form.as_ref().expect("the form stays open");
    let e = f.error.as_deref().unwrap();
    assert!(
        e.contains("date 15.01.2026: outside semester 1 of the training plan"),
        "{e}"
    );
    // End before start.
    for _ in 0..10 {
        press(&mut app, KeyCode::Backspace);
    }
    type_keys(&mut app, "24.12.2025");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    for _ in 0..5 {
        press(&mut app, KeyCode::Backspace);
    }
    type_keys(&mut app, "15:00");
    ctrl(&mut app, 's');
    let e = app.training.form.as_ref().unwrap().error.clone().unwrap();
    assert!(e.contains("end 15:00 is not after start 15:30"), "{e}");
    insta::assert_snapshot!("training_form_refused_80x24", screen(&app));
    // Hours below the minimum, and a time that is no time.
    press(&mut app, KeyCode::Tab);
    type_keys(&mut app, "0,5");
    press(&mut app, KeyCode::BackTab);
    for _ in 0..5 {
        press(&mut app, KeyCode::Backspace);
    }
    type_keys(&mut app, "16:30");
    ctrl(&mut app, 's');
    let e = app.training.form.as_ref().unwrap().error.clone().unwrap();
    assert!(e.contains("below the minimum session of 60 minutes"), "{e}");
    // Esc on a changed form asks; n keeps editing, y discards.
    press(&mut app, KeyCode::Esc);
    assert!(screen(&app).contains("Discard the changes? y discards"));
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(app.training.form.as_ref().unwrap().value("Topic"), "Тема");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(app.training.form, None);
    assert_eq!(sum(&app), before, "nothing was saved");
    // Deleting a session with a roll call is refused with the reason.
    press(&mut app, KeyCode::Char('x'));
    press(&mut app, KeyCode::Enter);
    let e = app.training.form.as_ref().unwrap().error.clone().unwrap();
    assert!(e.contains("only a session without attendance"), "{e}");
    press(&mut app, KeyCode::Esc);
    assert_eq!(sum(&app), before);
    // The roll call of a session after the working date is refused.
    add_session(&mut app, "Пусто");
    press(&mut app, KeyCode::Char('e'));
    for _ in 0..10 {
        press(&mut app, KeyCode::Backspace);
    }
    type_keys(&mut app, "2025-12-26");
    ctrl(&mut app, 's');
    assert_eq!(app.training.form, None, "{:?}", app.message);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('p'));
    assert!(
        app.message
            .as_deref()
            .is_some_and(|m| m.contains("after the working date 24.12.2025")),
        "{:?}",
        app.message
    );
}

#[test]
fn a_weekly_copy_and_its_undo() {
    let (_dir, mut app) = demo_app();
    press(&mut app, KeyCode::Char('3'));
    let n = app.training.view.as_ref().unwrap().sessions.len();
    // The tab opens on the latest session held (17.12); the first one
    // (03.09) is copied to the next two weeks.
    assert_eq!(app.training.row, n - 1);
    press(&mut app, KeyCode::Char('g'));
    press(&mut app, KeyCode::Char('W'));
    for _ in 0..3 {
        press(&mut app, KeyCode::Backspace);
    }
    type_keys(&mut app, "2");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.message.as_deref(), Some("copied to 2 weeks"));
    assert_eq!(app.training.view.as_ref().unwrap().sessions.len(), n + 2);
    press(&mut app, KeyCode::Char('u'));
    assert_eq!(app.training.view.as_ref().unwrap().sessions.len(), n);
}

#[test]
fn external_training_from_the_standing_counts_once() {
    let (_dir, mut app) = demo_app();
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char('T'));
    let before = app.training.standing.as_ref().unwrap().rows[0].clone();
    press(&mut app, KeyCode::Char('a'));
    assert_eq!(app.mode(), Mode::Form);
    type_keys(&mut app, "ГАОУ ДПО «Институт развития образования»");
    press(&mut app, KeyCode::Tab);
    type_keys(&mut app, "Đổi mới phương pháp dạy học");
    press(&mut app, KeyCode::Tab);
    type_keys(&mut app, "36");
    press(&mut app, KeyCode::Tab);
    type_keys(&mut app, "22,5");
    press(&mut app, KeyCode::Tab);
    type_keys(&mut app, "ПК-2025-9001");
    insta::assert_snapshot!("training_external_form_80x24", screen(&app));
    ctrl(&mut app, 's');
    assert_eq!(
        app.message.as_deref(),
        Some("registered 22.5 credits of external training")
    );
    let after = app.training.standing.as_ref().unwrap().rows[0].clone();
    assert_eq!(after.staff_id, before.staff_id);
    assert_eq!(after.credits_external, before.credits_external + 2250);
    assert_eq!(after.credits, before.credits + 2250);
    // The year counts it once too.
    press(&mut app, KeyCode::Char('y'));
    let year = app.training.standing.as_ref().unwrap().rows[0].clone();
    assert_eq!(year.credits_external, after.credits_external);
    // u takes it back.
    press(&mut app, KeyCode::Char('u'));
    let undone = app.training.standing.as_ref().unwrap().rows[0].clone();
    assert_eq!(undone.credits_external, before.credits_external);
}

#[test]
fn every_training_key_on_an_empty_database_and_tiny_terminals_is_harmless() {
    let (_dir, db) = common::empty_db();
    let mut app = App::new(db, common::options(true)).expect("starts");
    press(&mut app, KeyCode::Char('3'));
    for screen_key in ['S', 'R', 'T'] {
        press(&mut app, KeyCode::Char(screen_key));
        for c in "aewDPEtpslovR[]".chars() {
            press(&mut app, KeyCode::Char(c));
            press(&mut app, KeyCode::Enter);
            press(&mut app, KeyCode::Esc);
        }
        let text = screen(&app);
        assert!(text.contains("No training plan"), "{text}");
        for (w, h) in [(1, 1), (20, 5), (80, 24), (160, 48)] {
            classbook::ui::render_text(&app, w, h).expect("renders");
        }
    }
}

#[test]
fn roll_call_and_standing_at_160x48() {
    let (_dir, mut app) = demo_app();
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char('R'));
    insta::assert_snapshot!(
        "training_roll_call_160x48",
        classbook::ui::render_text(&app, 160, 48).unwrap()
    );
    press(&mut app, KeyCode::Char('T'));
    insta::assert_snapshot!(
        "training_standing_160x48",
        classbook::ui::render_text(&app, 160, 48).unwrap()
    );
}
