//! Two admins on one file (issue 14, first step): the TUI reads again what
//! another connection saved, and a journal cell changed by someone else
//! after the screen read it is never overwritten unseen.

mod common;

use classbook::domain::Id;
use classbook::service::journal::{self as svc, CellInput, LessonRef, MarkCell};
use classbook::store::{self, Db, OpenOptions, StoreError};
use classbook::ui::App;
use common::{demo_db, options, press, type_keys};
use crossterm::event::KeyCode;

/// The app on the demo, and a second connection to the same file.
fn two_hands() -> (tempfile::TempDir, App, Db) {
    let (dir, db) = demo_db();
    let path = db.path().to_path_buf();
    let app = App::new(db, options(false)).expect("app starts");
    let other = store::open(&path, &OpenOptions::default()).expect("a second connection");
    (dir, app, other)
}

/// The cursor's lesson and student in the journal.
fn cursor_cell(app: &App) -> (Id, Id) {
    let v = app.journal.view.as_ref().expect("a journal");
    (
        v.lessons[app.journal.col].lesson.id,
        v.students[app.journal.row].student_id,
    )
}

fn set_elsewhere(other: &mut Db, who: &str, lesson: Id, student: Id, text: &str) {
    let r: Result<_, StoreError> = other.write(|tx| {
        svc::set_cell(
            tx,
            who,
            LessonRef::Id(lesson),
            student,
            &CellInput::text(text),
        )
        .map_err(StoreError::from)
    });
    r.expect("the other admin saves");
}

fn cell(app: &App) -> MarkCell {
    app.journal.view.as_ref().unwrap().students[app.journal.row].cells[app.journal.col].clone()
}

/// A recorded lesson with an empty cell under the cursor.
fn to_empty_cell(app: &mut App) {
    let v = app.journal.view.as_ref().expect("a journal");
    let col = v
        .lessons
        .iter()
        .rposition(|l| l.recorded)
        .expect("a lesson");
    let row = v
        .students
        .iter()
        .position(|s| s.cells[col] == MarkCell::Empty)
        .expect("an empty cell");
    app.journal.col = col;
    app.journal.row = row;
}

#[test]
fn a_change_saved_elsewhere_is_read_in_at_the_next_key() {
    let (_dir, mut app, mut other) = two_hands();
    to_empty_cell(&mut app);
    let (lesson, student) = cursor_cell(&app);
    set_elsewhere(&mut other, "Нгуен Ван Ан", lesson, student, "4");
    assert_eq!(cell(&app), MarkCell::Empty, "not read yet");
    // The next key reads it again, is not used, and says who.
    press(&mut app, KeyCode::Char('i'));
    assert!(!app.journal.focus, "the key was not used");
    assert_eq!(cell(&app), MarkCell::Marks("4".into()));
    assert_eq!(cursor_cell(&app), (lesson, student), "the cursor stays");
    let m = app.message.clone().unwrap_or_default();
    assert!(
        m.contains("Нгуен Ван Ан") && m.contains("press it again"),
        "{m}"
    );
    // A timer tick with nothing new changes nothing.
    assert!(!app.tick());
}

#[test]
fn a_cell_changed_after_the_screen_read_it_is_not_overwritten() {
    let (_dir, mut app, mut other) = two_hands();
    to_empty_cell(&mut app);
    let (lesson, student) = cursor_cell(&app);
    // B starts typing a 2; meanwhile A saves a 5 in the same cell.
    type_keys(&mut app, "i2");
    assert!(app.journal.edit.is_some());
    set_elsewhere(&mut other, "Trần Thị Mai", lesson, student, "5");
    press(&mut app, KeyCode::Enter);
    let m = app.message.clone().unwrap_or_default();
    assert!(m.starts_with("not saved: Trần Thị Mai changed"), "{m}");
    // What the cell holds now, and the choice: theirs stands unless B
    // types hers again.
    assert!(m.contains("(now: marks «5», attendance present)"), "{m}");
    assert!(
        m.contains("theirs is kept and shown: type yours again to overwrite it"),
        "{m}"
    );
    // A's mark stands, and B's screen shows it.
    let marks: Vec<String> = other
        .conn()
        .prepare("SELECT symbol FROM mark WHERE lesson_id = ?1 AND student_id = ?2")
        .unwrap()
        .query_map([lesson, student], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(marks, ["5"]);
    assert_eq!(cell(&app), MarkCell::Marks("5".into()));
    // Typed again, knowingly: saved.
    type_keys(&mut app, "2");
    press(&mut app, KeyCode::Enter);
    let m = app.message.clone().unwrap_or_default();
    assert!(m.starts_with("saved"), "{m}");
}

#[test]
fn own_writes_are_not_conflicts() {
    let (_dir, mut app, _other) = two_hands();
    to_empty_cell(&mut app);
    type_keys(&mut app, "i3");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Up);
    type_keys(&mut app, "4");
    press(&mut app, KeyCode::Enter);
    let m = app.message.clone().unwrap_or_default();
    assert!(m.starts_with("saved"), "{m}");
    // Undo and redo of one's own change stay one's own.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('u'));
    type_keys(&mut app, "i5");
    press(&mut app, KeyCode::Enter);
    let m = app.message.clone().unwrap_or_default();
    assert!(m.starts_with("saved"), "{m}");
}

#[test]
fn an_attendance_cell_changed_after_the_day_was_read_is_not_overwritten() {
    use classbook::service::attendance::{self as att, DayCell};
    let (_dir, mut app, mut other) = two_hands();
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('['));
    let v = app.attendance.view.clone().expect("a day");
    let (row, col) = v
        .students
        .iter()
        .enumerate()
        .find_map(|(r, s)| {
            s.cells
                .iter()
                .enumerate()
                .find(|(c, x)| **x == DayCell::Present && v.lessons[*c].group.is_none())
                .map(|(c, _)| (r, c))
        })
        .expect("a present cell");
    app.attendance.row = row;
    app.attendance.col = col;
    let lesson = v.lessons[col].lesson.id;
    let student = v.students[row].student_id;
    let codes = store::attendance::codes(other.conn(), false).unwrap();
    let ill = codes.iter().find(|c| c.code == "Б").unwrap().id;
    let today = common::today();
    let r: Result<_, StoreError> =
        other.write(|tx| att::set_code(tx, "Нгуен Ван Ан", today, lesson, student, ill));
    r.expect("the other admin saves");
    // The н typed next is not used: the day is read again and shows Б.
    let before = store::audit::count(other.conn()).unwrap();
    press(&mut app, KeyCode::Char('н'));
    let m = app.message.clone().unwrap_or_default();
    assert!(
        m.contains("Нгуен Ван Ан") && m.contains("press it again"),
        "{m}"
    );
    assert_eq!(
        store::audit::count(other.conn()).unwrap(),
        before,
        "nothing written"
    );
    let shown = &app.attendance.view.as_ref().unwrap().students[row].cells[col];
    assert!(
        matches!(shown, DayCell::Code { code, .. } if code == "Б"),
        "{shown:?}"
    );
    // Marked as changed by someone else, that cell alone.
    assert_eq!(
        app.attendance.changed.iter().copied().collect::<Vec<_>>(),
        [(lesson, student)]
    );
    // Pressed again, knowingly: Н replaces it.
    press(&mut app, KeyCode::Char('н'));
    let e = store::attendance::entry(other.conn(), lesson, student)
        .unwrap()
        .expect("an entry");
    assert_ne!(e.1.id, ill);
}

/// Run the real binary on `db`.
fn classbook(db: &std::path::Path, args: &[&str]) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_classbook"))
        .args(args)
        .arg("--db")
        .arg(db)
        .env_remove("CLASSBOOK_DB")
        .env("USER", "tester")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the binary runs")
}

#[test]
fn two_settings_at_once_never_store_an_invalid_combination() {
    let (_dir, db) = demo_db();
    let path = db.path().to_path_buf();
    drop(db);
    for _ in 0..8 {
        for (k, v) in [("grade_threshold_3", "2.60"), ("grade_threshold_4", "3.65")] {
            let s = classbook(&path, &["settings", "set", k, v]).wait().unwrap();
            assert!(s.success());
        }
        // Each is valid against the defaults; together 3.50 > 3.40 is not.
        let a = classbook(&path, &["settings", "set", "grade_threshold_3", "3.50"]);
        let b = classbook(&path, &["settings", "set", "grade_threshold_4", "3.40"]);
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        assert!(
            !(a.status.success() && b.status.success()),
            "both were saved"
        );
        let db = store::open(&path, &OpenOptions::default()).expect("opens");
        let s = store::settings::load(db.conn()).expect("settings still load");
        assert!(s.grade_threshold_3 < s.grade_threshold_4);
    }
}

/// What another person changed is marked on the grid until the next key;
/// one's own writes are not marked.
#[test]
fn a_cell_changed_elsewhere_is_marked_until_the_next_key() {
    let (_dir, mut app, mut other) = two_hands();
    to_empty_cell(&mut app);
    let (lesson, student) = cursor_cell(&app);
    set_elsewhere(&mut other, "Lê Thị Hoa", lesson, student, "3");
    // The slow timer reads it in and marks it.
    assert!(app.tick());
    app.ensure_loaded();
    assert_eq!(cursor_cell(&app), (lesson, student), "the cursor stays");
    assert_eq!(cell(&app), MarkCell::Marks("3".into()));
    assert_eq!(
        app.journal.changed.iter().copied().collect::<Vec<_>>(),
        [(lesson, student)],
        "only the cell that changed"
    );
    // The next key (any: here one bound to nothing) clears the mark.
    press(&mut app, KeyCode::F(12));
    assert!(app.journal.changed.is_empty());
    assert_eq!(cursor_cell(&app), (lesson, student), "the cursor stays");
    // One's own write is not marked.
    type_keys(&mut app, "i5");
    press(&mut app, KeyCode::Enter);
    app.ensure_loaded();
    let m = app.message.clone().unwrap_or_default();
    assert!(m.starts_with("saved: 5"), "{m}");
    assert!(app.journal.changed.is_empty());
}

/// Any tab's write is refused in the store when a row it changes was
/// changed by someone else after the screen read it: here a plan
/// indicator's targets, edited in a form while another admin saved them.
#[test]
fn a_form_saved_over_a_row_someone_changed_meanwhile_is_refused() {
    let (_dir, mut app, mut other) = two_hands();
    press(&mut app, KeyCode::Char('4'));
    // The cursor on the first indicator with a target in its last period.
    let (indicator, period) = {
        let t = app.indicators.table.as_ref().expect("a programme");
        let last = t.periods.last().expect("periods").id;
        (
            app.indicators.current().expect("an indicator").indicator.id,
            last,
        )
    };
    press(&mut app, KeyCode::Char('T'));
    assert_eq!(app.mode(), classbook::ui::keymap::Mode::Form);
    // Meanwhile the other admin sets that period's target.
    let r: Result<_, StoreError> = other.write(|tx| {
        classbook::service::indicators::set_targets(
            tx,
            "Phạm Minh Châu",
            indicator,
            &[(period, Some(77.0))],
        )
    });
    r.expect("the other admin saves");
    // Her form (showing the old targets) changes the last period too.
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    for _ in 0..8 {
        press(&mut app, KeyCode::Backspace);
    }
    type_keys(&mut app, "40");
    common::ctrl(&mut app, 's');
    let m = app.message.clone().unwrap_or_default();
    assert!(
        m.starts_with("not saved: Phạm Minh Châu changed this"),
        "{m}"
    );
    assert!(m.contains("theirs is kept and shown"), "{m}");
    assert!(m.contains("→ 77"), "to what: {m}");
    let stored: f64 = other
        .conn()
        .query_row(
            "SELECT target FROM indicator_target WHERE indicator_id = ?1 AND period_id = ?2",
            [indicator, period],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, 77.0, "theirs stands");
}

/// A stored setting that is not valid (from SQL or an older classbook) is
/// no dead end: everything works on the default, `check` names it with the
/// way to repair it, and `settings set` repairs it.
#[test]
fn a_stored_invalid_setting_is_reported_and_repaired() {
    let (_dir, db) = demo_db();
    let path = db.path().to_path_buf();
    db.conn()
        .execute_batch(
            "INSERT INTO setting (key, value) VALUES ('grade_threshold_3', '4.90')
             ON CONFLICT (key) DO UPDATE SET value = '4.90';",
        )
        .unwrap();
    drop(db);
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_classbook"))
            .args(args)
            .arg("--db")
            .arg(&path)
            .env_remove("CLASSBOOK_DB")
            .output()
            .expect("the binary runs")
    };
    let check = run(&["check"]);
    let out = String::from_utf8_lossy(&check.stdout);
    assert_eq!(check.status.code(), Some(1), "{out}");
    assert!(
        out.contains("setting grade_threshold_3 holds «4.90»: not valid (thresholds rising"),
        "{out}"
    );
    assert!(
        out.contains("repair it with `classbook settings set grade_threshold_3 VALUE`"),
        "{out}"
    );
    for args in [
        &["settings", "show"][..],
        &["review"][..],
        &["report", "performance", "--class", "7А"][..],
    ] {
        let o = run(args);
        assert!(
            matches!(o.status.code(), Some(0) | Some(1)),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    assert!(
        run(&["settings", "set", "grade_threshold_3", "2.70"])
            .status
            .success()
    );
    assert_eq!(run(&["check"]).status.code(), Some(0));
}

/// The status line says what the operator may do.
#[test]
fn the_status_line_names_the_operators_role() {
    use classbook::store::access::{self, Who};
    let (_dir, mut db) = demo_db();
    let r: Result<_, StoreError> =
        db.write(|tx| access::grant(tx, "tester", "pham.minh.chau", "viewer"));
    r.expect("granted");
    for (login, role) in [("pham.minh.chau", "viewer"), ("không.ai", "read only")] {
        let path = db.path().to_path_buf();
        let mut other = store::open(&path, &OpenOptions::default()).expect("opens");
        other.set_who(Who::login(login));
        let app = App::new(other, options(false)).expect("app starts");
        assert_eq!(app.role, role);
        let screen = classbook::ui::render_text(&app, 100, 24).expect("draws");
        assert!(screen.contains(&format!("tester ({role})")), "{screen}");
    }
}

/// A service that runs its own transaction (the School tab's set-up forms)
/// is guarded by the screen's reading too: a student corrected by another
/// admin while the form was open is not overwritten.
#[test]
fn a_set_up_form_saved_over_someone_elses_correction_is_refused() {
    use classbook::service::setup::{self, StudentEdit};
    let (_dir, mut db) = demo_db();
    let path = db.path().to_path_buf();
    let mut other = store::open(&path, &OpenOptions::default()).expect("a second connection");
    let id: i64 = db
        .conn()
        .query_row("SELECT min(id) FROM student", [], |r| r.get(0))
        .unwrap();
    // The form is opened: this is what the screen read.
    let seen = store::audit::last_id(db.conn()).unwrap();
    let phone = |p: &str| StudentEdit {
        phone: Some(p.into()),
        overwrite: true,
        ..StudentEdit::default()
    };
    setup::edit_student(&mut other, "Đặng Thu Hà", id, &phone("+84 24 0000 0001"))
        .expect("the other admin corrects the student");
    db.guard_next(Some(seen));
    let refused = setup::edit_student(&mut db, "Ковалёва И. П.", id, &phone("+7 495 000-00-00"))
        .expect_err("refused");
    assert!(matches!(refused, StoreError::Changed(_)), "{refused}");
    assert!(
        refused
            .to_string()
            .starts_with("Đặng Thu Hà changed this student at "),
        "{refused}"
    );
    // The guard was for that write only: read again, she may save.
    setup::edit_student(&mut db, "Ковалёва И. П.", id, &phone("+7 495 000-00-00"))
        .expect("saved knowingly");
}
