//! The change history (`H`): every audited write, from any session or the
//! command line, with who, when and old → new; Enter undoes one entry and
//! `u` undoes that undo.

mod common;

use classbook::domain::review::Rule;
use classbook::service::review;
use classbook::store::{self, OpenOptions};
use classbook::ui::app::Overlay;
use classbook::ui::{App, render_text};
use common::{options, press};
use crossterm::event::KeyCode;

fn acked(app: &App) -> i64 {
    store::audit::review_ack_count(app.db().conn()).expect("counts")
}

#[test]
fn another_sessions_change_is_listed_and_undone_from_the_history() {
    let (dir, db) = common::demo_db();
    let path = db.path().to_path_buf();
    let mut app = App::new(db, options(false)).expect("app starts");
    // Someone else (another terminal, the command line) acknowledges a finding.
    let mut other = store::open(&path, &OpenOptions::default()).expect("opens");
    other
        .write(|tx| {
            review::acknowledge(
                tx,
                "завуч Петрова",
                Rule::LessonRecordedLate,
                "lesson:245",
                "записано на следующий день: болезнь",
            )
        })
        .expect("acknowledged");
    drop(other);
    assert_eq!(acked(&app), 1);
    // The first key reads the screens again and says who saved.
    press(&mut app, KeyCode::Char('H'));
    assert!(
        app.message
            .as_deref()
            .is_some_and(|m| m.contains("завуч Петрова")),
        "{:?}",
        app.message
    );
    press(&mut app, KeyCode::Char('H'));
    let Overlay::History(h) = &app.overlay else {
        panic!("the history is open: {:?}", app.message);
    };
    let top = h.entries[0].clone();
    assert_eq!(top.operator, "завуч Петрова");
    assert_eq!(top.entity, "review_ack");
    let screen = render_text(&app, 80, 24).expect("renders");
    assert!(screen.contains("завуч Петрова"), "{screen}");
    assert!(screen.contains("added"), "{screen}");
    // Times are when the test ran: every digit is masked.
    let masked: String = screen
        .chars()
        .map(|c| if c.is_ascii_digit() { '9' } else { c })
        .collect();
    insta::assert_snapshot!("history_80x24", masked);
    // Enter asks first; Enter again undoes it, in this session's name.
    let before = acked(&app);
    press(&mut app, KeyCode::Enter);
    assert!(
        app.message
            .as_deref()
            .unwrap_or("")
            .contains("Enter again undoes it"),
        "{:?}",
        app.message
    );
    assert_eq!(acked(&app), before, "asking undoes nothing");
    press(&mut app, KeyCode::Enter);
    assert_eq!(acked(&app), 0, "{:?}", app.message);
    let Overlay::History(h) = &app.overlay else {
        panic!("the history stays open");
    };
    assert_eq!(h.entries[0].operator, "tester");
    assert_eq!(h.entries[0].undo_of, Some(top.id));
    // Undoing the same entry again is refused: the row changed since.
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    assert!(
        app.message.as_deref().unwrap_or("").contains("not undone"),
        "{:?}",
        app.message
    );
    assert_eq!(acked(&app), 0);
    // Esc closes; u undoes the undo.
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.overlay, Overlay::None);
    press(&mut app, KeyCode::Char('u'));
    assert_eq!(acked(&app), 1, "{:?}", app.message);
    drop(dir);
}
