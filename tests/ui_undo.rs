//! `u` undoes the session's last change and Ctrl-r redoes it, in the
//! database, with the change named on the status line.

mod common;

use classbook::store::{self, audit};
use common::{demo_app, press};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::json;

fn topic(app: &classbook::ui::App, id: i64) -> Option<String> {
    app.db()
        .conn()
        .query_row("SELECT topic FROM lesson WHERE id = ?1", [id], |r| r.get(0))
        .unwrap()
}

#[test]
fn u_undoes_and_ctrl_r_redoes_a_change() {
    let (_dir, mut app) = demo_app();
    let lesson: i64 = app
        .db()
        .conn()
        .query_row("SELECT min(id) FROM lesson", [], |r| r.get(0))
        .unwrap();
    let before = topic(&app, lesson);
    let saved = app.write("topic of the lesson", |tx, operator| {
        let key = json!({ "id": lesson }).as_object().unwrap().clone();
        let info = store::rows::table_info(tx, "lesson")?;
        let mut row = store::rows::snapshot(tx, &info, &key)?.unwrap();
        row.insert("topic".into(), json!("Контрольная работа № 2"));
        let ids = audit::write_row(tx, operator, "lesson.set_topic", "lesson", &key, Some(&row))?;
        Ok((42, ids.into_iter().collect()))
    });
    assert_eq!(saved, Some(42));
    assert_eq!(
        topic(&app, lesson).as_deref(),
        Some("Контрольная работа № 2")
    );

    press(&mut app, KeyCode::Char('u'));
    assert_eq!(topic(&app, lesson), before);
    assert_eq!(app.message.as_deref(), Some("undone: topic of the lesson"));
    press(&mut app, KeyCode::Char('u'));
    assert_eq!(app.message.as_deref(), Some("nothing to undo"));

    app.handle_key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL));
    assert_eq!(
        topic(&app, lesson).as_deref(),
        Some("Контрольная работа № 2")
    );
    assert_eq!(app.message.as_deref(), Some("redone: topic of the lesson"));
    // Every step is in the audit log under the operator's name.
    let n: i64 = app
        .db()
        .conn()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE operator = 'tester' AND entity = 'lesson'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 3);
}

#[test]
fn a_refused_write_saves_nothing_and_says_why() {
    let (_dir, mut app) = demo_app();
    let entries = audit::count(app.db().conn()).unwrap();
    let saved: Option<()> = app.write("a mark of 7", |tx, operator| {
        let key = json!({ "id": 77_000_001 }).as_object().unwrap().clone();
        let row = json!({ "id": 77_000_001, "lesson_id": 1, "student_id": 1, "seq": 1, "symbol": "7",
                          "control_form_id": 1, "weight": 1, "entered_at": "x", "entered_by": operator });
        let ids = audit::write_row(tx, operator, "mark.set", "mark", &key, Some(row.as_object().unwrap()))?;
        Ok(((), ids.into_iter().collect()))
    });
    assert_eq!(saved, None);
    assert!(
        app.message
            .as_deref()
            .unwrap_or_default()
            .starts_with("not saved:"),
        "{:?}",
        app.message
    );
    assert_eq!(audit::count(app.db().conn()).unwrap(), entries);
    assert!(app.undo_stack.is_empty());
}
