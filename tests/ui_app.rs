//! Whole-app tests of the TUI on the small demo (seed 42): snapshots of
//! every tab at 80×24 and 160×48, keys injected through `handle_key`, the
//! "too small" line, the help overlay, monochrome, and name alignment.

mod common;

use classbook::ui::keymap::Mode;
use classbook::ui::{self, Action, App, Overlay, Tab, render_text, render_to_backend};
use common::{demo_app, demo_db, empty_db, options, press, type_keys};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::style::Color;

fn date(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).expect("a date")
}

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn screen(app: &App, w: u16, h: u16) -> String {
    render_text(app, w, h).expect("renders")
}

/// Journal on 5А, Mathematics: a class with marks.
fn journal_5a_maths(app: &mut App) {
    type_keys(app, "c/5а");
    press(app, KeyCode::Enter);
    type_keys(app, "s/матем");
    press(app, KeyCode::Enter);
}

#[test]
fn every_tab_at_both_sizes() {
    let (_dir, mut app) = demo_app();
    for (i, tab) in Tab::ALL.iter().enumerate() {
        press(&mut app, KeyCode::Char(char::from(b'1' + i as u8)));
        assert_eq!(app.tab, *tab);
        for (w, h) in SIZES {
            let name = format!("tab_{}_{w}x{h}", tab.title().to_lowercase());
            insta::assert_snapshot!(name, screen(&app, w, h));
        }
    }
}

#[test]
fn journal_with_marks_at_both_sizes() {
    let (_dir, mut app) = demo_app();
    journal_5a_maths(&mut app);
    let v = app.journal.view.as_ref().expect("journal loaded");
    assert_eq!(v.class.name, "5А");
    assert_eq!(v.subject.name, "Математика");
    assert!(!v.lessons.is_empty() && !v.students.is_empty());
    assert!(
        v.students.iter().any(|s| s.mean_hundredths.is_some()),
        "marks are counted"
    );
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("journal_5a_maths_{w}x{h}"), screen(&app, w, h));
    }
}

#[test]
fn too_small_never_panics() {
    let (_dir, app) = demo_app();
    for (w, h) in [(1, 1), (20, 5), (79, 24), (80, 23), (2, 40)] {
        let text = screen(&app, w, h);
        let first = text.lines().next().unwrap_or("").trim_end();
        let full = format!("terminal too small: {w}×{h} < 80×24; only q or Ctrl-c (quit) work");
        let expect = if full.chars().count() <= w as usize {
            full
        } else {
            let mut cut: String = full.chars().take(w as usize - 1).collect();
            cut.push('…');
            cut
        };
        let expect = expect.trim_end().to_string();
        assert_eq!(first, expect, "at {w}×{h}");
        assert!(
            text.lines().skip(1).all(|l| l.trim().is_empty()),
            "one line only at {w}×{h}"
        );
    }
    assert!(screen(&app, 80, 24).starts_with(" 1 Journal"));
}

#[test]
fn keys_write_nothing_on_a_screen_too_small_to_read() {
    let (_dir, mut app) = demo_app();
    let entries = classbook::store::audit::count(app.db().conn()).unwrap();
    screen(&app, 20, 5);
    // Mark entry, a mark, Enter, a tab, undo: nothing happens.
    for c in ['i', '5'] {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('2'));
    assert_eq!(app.tab, Tab::Journal);
    assert!(!app.journal.focus && app.journal.edit.is_none());
    assert_eq!(
        classbook::store::audit::count(app.db().conn()).unwrap(),
        entries
    );
    press(&mut app, KeyCode::Char('q'));
    assert!(app.quit, "q still quits");
    // Large enough again: keys work.
    let (_dir, mut app) = demo_app();
    screen(&app, 20, 5);
    screen(&app, 80, 24);
    press(&mut app, KeyCode::Char('2'));
    assert_eq!(app.tab, Tab::Attendance);
}

#[test]
fn tabs_switch_with_digits_tab_and_shift_tab() {
    let (_dir, mut app) = demo_app();
    assert_eq!(app.tab, Tab::Journal);
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.tab, Tab::Attendance);
    press(&mut app, KeyCode::BackTab);
    press(&mut app, KeyCode::BackTab);
    assert_eq!(app.tab, Tab::ALL[Tab::ALL.len() - 1]);
    press(&mut app, KeyCode::Char('3'));
    assert_eq!(app.tab, Tab::Training);
    assert!(screen(&app, 80, 24).contains("sessions"));
    // Key releases are dropped.
    let mut release = KeyEvent::new(KeyCode::Char('1'), KeyModifiers::NONE);
    release.kind = KeyEventKind::Release;
    assert!(!app.handle_key(release));
    assert_eq!(app.tab, Tab::Training);
    // q quits from the main view.
    press(&mut app, KeyCode::Char('q'));
    assert!(app.quit);
}

#[test]
fn picking_a_class_and_moving_the_cursor() {
    let (_dir, mut app) = demo_app();
    let before = app.class_idx;
    press(&mut app, KeyCode::Char('c'));
    assert!(matches!(app.overlay, Overlay::Picker(_)));
    insta::assert_snapshot!("class_picker_80x24", screen(&app, 80, 24));
    // Type to filter from the first key: Latin "9b" finds the Cyrillic "9Б".
    type_keys(&mut app, "9b");
    insta::assert_snapshot!("class_picker_filtered_80x24", screen(&app, 80, 24));
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.overlay, Overlay::None);
    assert_ne!(app.class_idx, before);
    assert_eq!(app.class().map(|c| c.name.as_str()), Some("9Б"));
    assert!(screen(&app, 160, 48).contains("Class 9Б"));
    assert!(
        screen(&app, 80, 24)
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with(" 9Б · "))
    );
    // Esc in a picker clears what was typed, then cancels without
    // changing the class.
    press(&mut app, KeyCode::Char('c'));
    press(&mut app, KeyCode::Char('5'));
    press(&mut app, KeyCode::Esc);
    assert!(matches!(&app.overlay, Overlay::Picker(p) if p.filter.is_empty()));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.overlay, Overlay::None);
    assert_eq!(app.class().map(|c| c.name.as_str()), Some("9Б"));

    journal_5a_maths(&mut app);
    let (row, col) = (app.journal.row, app.journal.col);
    let last = app.journal.view.as_ref().map_or(0, |v| v.lessons.len() - 1);
    assert_eq!((row, col), (0, last), "starts on the latest lesson");
    type_keys(&mut app, "jjh");
    press(&mut app, KeyCode::Down);
    assert_eq!((app.journal.row, app.journal.col), (3, last - 1));
    insta::assert_snapshot!("journal_cursor_moved_80x24", screen(&app, 80, 24));
    press(&mut app, KeyCode::Char('G'));
    let students = app.journal.view.as_ref().map_or(0, |v| v.students.len());
    assert_eq!(app.journal.row, students - 1);
    press(&mut app, KeyCode::PageUp);
    assert!(app.journal.row < students - 1);
}

#[test]
fn attendance_walks_school_days_and_skips_holidays() {
    let (_dir, mut app) = demo_app();
    press(&mut app, KeyCode::Char('2'));
    let first = app.attendance.date;
    assert_eq!(first, app.working_date);
    assert!(
        app.attendance
            .view
            .as_ref()
            .is_some_and(|v| !v.lessons.is_empty()),
        "opens on the working date"
    );
    insta::assert_snapshot!("attendance_working_date_160x48", screen(&app, 160, 48));
    press(&mut app, KeyCode::Char(']'));
    press(&mut app, KeyCode::Char(']'));
    assert_eq!(app.attendance.date, date(2025, 12, 26));
    // The winter holidays (29.12–11.01) and the weekend are skipped.
    press(&mut app, KeyCode::Char(']'));
    assert_eq!(app.attendance.date, date(2026, 1, 12));
    press(&mut app, KeyCode::Char('['));
    assert_eq!(app.attendance.date, date(2025, 12, 26));
    press(&mut app, KeyCode::Char('t'));
    assert_eq!(app.attendance.date, first);
    insta::assert_snapshot!("attendance_after_keys_80x24", screen(&app, 80, 24));
}

#[test]
fn attendance_grid_with_codes_and_lessons_not_taken() {
    let (_dir, mut app) = demo_app();
    press(&mut app, KeyCode::Char('2'));
    type_keys(&mut app, "c/7b");
    press(&mut app, KeyCode::Enter);
    type_keys(&mut app, "[[");
    assert_eq!(app.attendance.date, date(2025, 12, 22));
    let v = app.attendance.view.as_ref().expect("loaded");
    assert_eq!(v.class.name, "7Б");
    assert!(
        v.lessons.iter().any(|l| !l.taken),
        "a lesson without attendance"
    );
    assert!(v.students.iter().any(|s| s.absences > 0), "someone absent");
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("attendance_7b_22_12_{w}x{h}"), screen(&app, w, h));
    }
}

#[test]
fn attendance_shows_a_holiday_as_such() {
    let (_dir, db) = demo_db();
    let mut school = classbook::store::school::school(db.conn())
        .expect("reads")
        .expect("a school");
    school.as_of = Some(date(2025, 12, 30));
    classbook::store::school::set_school(db.conn(), &school).expect("writes");
    let mut app = App::new(db, options(false)).expect("starts");
    press(&mut app, KeyCode::Char('2'));
    assert_eq!(app.attendance.date, date(2025, 12, 30));
    let v = app.attendance.view.as_ref().expect("loaded");
    assert_eq!(
        v.holiday.as_ref().map(|h| h.label.as_str()),
        Some("Зимние каникулы")
    );
    let text = screen(&app, 80, 24);
    assert!(
        text.contains("Holiday: Зимние каникулы (29.12–11.01)"),
        "{text}"
    );
    press(&mut app, KeyCode::Char('['));
    assert_eq!(app.attendance.date, date(2025, 12, 26));
}

#[test]
fn help_lists_every_binding_of_the_keymap() {
    let (_dir, mut app) = demo_app();
    press(&mut app, KeyCode::Char('?'));
    assert!(matches!(app.overlay, Overlay::Help { .. }));
    insta::assert_snapshot!("help_80x24", screen(&app, 80, 24));
    let text = screen(&app, 120, 320);
    for b in app.keymap().bindings() {
        let keys: Vec<String> = b.keys.iter().map(|k| k.to_string()).collect();
        let line = text
            .lines()
            .find(|l| l.contains(b.action.description()) && l.contains(&keys.join(" ")));
        assert!(line.is_some(), "help shows {:?} {:?}", b.mode, b.action);
    }
    for mode in Mode::ALL {
        assert!(text.contains(mode.title()), "{mode:?}");
    }
    // Esc closes it; q inside help closes rather than quits.
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.overlay, Overlay::None);
    press(&mut app, KeyCode::Char('?'));
    press(&mut app, KeyCode::Char('q'));
    assert_eq!(app.overlay, Overlay::None);
    assert!(!app.quit);
}

#[test]
fn status_bar_hints_come_from_the_keymap() {
    let (_dir, mut app) = demo_app();
    let text = screen(&app, 80, 24);
    let status: Vec<&str> = text.lines().rev().take(2).collect();
    assert!(status[1].contains("as of We 24.12.2025"), "{}", status[1]);
    assert!(
        status[1].contains("tester") && status[1].contains("demo.sqlite"),
        "{}",
        status[1]
    );
    for (key, label) in app.keymap().hints(Mode::Journal) {
        assert!(
            status[0].contains(&format!("{key} {label}")),
            "{key} {label} in {}",
            status[0]
        );
    }
    // Remapped keys show in the hints and the tab bar.
    let map =
        ui::Keymap::parse("journal.pick_class = C\ntab_review = 0\n", "keys.conf").expect("parses");
    let (_d2, db) = demo_db();
    app = App::with_keymap(db, options(false), map).expect("starts");
    let text = screen(&app, 80, 24);
    assert!(
        text.contains("C class") && text.contains(" 0 Review"),
        "{text}"
    );
    press(&mut app, KeyCode::Char('0'));
    assert_eq!(app.tab, Tab::Review);
}

#[test]
fn no_color_means_no_colour_in_the_buffer() {
    let (_dir, db) = demo_db();
    let mut app = App::new(db, options(true)).expect("starts");
    journal_5a_maths(&mut app);
    for tab in 0..5 {
        app.update(Tab::ALL[tab].action());
        for (w, h) in SIZES {
            let term = render_to_backend(&app, w, h).expect("renders");
            for cell in &term.backend().buffer().content {
                assert_eq!(
                    (cell.fg, cell.bg),
                    (Color::Reset, Color::Reset),
                    "tab {tab} at {w}×{h}"
                );
            }
        }
    }
    // Whereas the default theme does use (16 ANSI) colours, and no RGB.
    let (_dir2, app) = demo_app();
    let term = render_to_backend(&app, 80, 24).expect("renders");
    let cells = &term.backend().buffer().content;
    assert!(
        cells
            .iter()
            .any(|c| c.fg != Color::Reset || c.bg != Color::Reset)
    );
    assert!(
        cells
            .iter()
            .all(|c| !matches!(c.fg, Color::Rgb(..) | Color::Indexed(_)))
    );
    assert!(
        cells
            .iter()
            .all(|c| !matches!(c.bg, Color::Rgb(..) | Color::Indexed(_)))
    );
}

#[test]
fn names_in_three_scripts_align() {
    let (_dir, mut app) = demo_app();
    journal_5a_maths(&mut app);
    let names: Vec<String> = app
        .journal
        .view
        .as_ref()
        .expect("loaded")
        .students
        .iter()
        .map(|s| s.name.clone())
        .collect();
    let is_cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let is_viet = |s: &str| s.chars().any(|c| "Đđỗễếộạảấầờởữựỳỹýăơư".contains(c));
    let is_cyr = |s: &str| s.chars().any(|c| ('\u{0400}'..='\u{04ff}').contains(&c));
    assert!(
        names.iter().any(|n| is_cjk(n))
            && names.iter().any(|n| is_viet(n))
            && names.iter().any(|n| is_cyr(n))
    );
    for (w, h) in SIZES {
        let term = render_to_backend(&app, w, h).expect("renders");
        let buf = term.backend().buffer();
        let text = ui::buffer_text(buf);
        // The x of the column separator after the frozen columns, per row
        // that shows a student, in buffer cells (not characters).
        let mut xs = Vec::new();
        let mut scripts = [false; 3];
        for y in 0..h {
            // A student row starts with the family name (the rest may be cut).
            let line = text.lines().nth(y as usize).unwrap_or("");
            let Some(name) = names.iter().find(|n| {
                let family = n.split(' ').next().unwrap_or(n);
                line.get(1..).is_some_and(|l| l.starts_with(family)) && line.contains('│')
            }) else {
                continue;
            };
            scripts[0] |= is_cjk(name);
            scripts[1] |= is_viet(name);
            scripts[2] |= is_cyr(name);
            let sep = (0..w)
                .find(|&x| buf[(x, y)].symbol() == "│")
                .expect("a separator");
            // The first mark column starts right after it.
            xs.push(sep);
        }
        assert!(xs.len() > 5, "student rows visible at {w}×{h}");
        assert!(
            xs.windows(2).all(|p| p[0] == p[1]),
            "separator x differs at {w}×{h}: {xs:?}"
        );
        if (w, h) == (160, 48) {
            assert_eq!(scripts, [true; 3], "all three scripts on screen at {w}×{h}");
        }
    }
}

#[test]
fn paste_goes_into_a_picker_filter_only() {
    let (_dir, mut app) = demo_app();
    assert!(!app.handle_paste("11"));
    press(&mut app, KeyCode::Char('c'));
    assert!(app.handle_paste("11\n"));
    let Overlay::Picker(p) = &app.overlay else {
        panic!("picker open")
    };
    assert_eq!(p.filter, "11");
    assert_eq!(p.matches().len(), 1);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.class().map(|c| c.name.as_str()), Some("11А"));
}

#[test]
fn an_empty_database_shows_empty_panes() {
    let (_dir, db) = empty_db();
    let mut app = App::new(db, options(false)).expect("starts");
    for (i, tab) in Tab::ALL.iter().enumerate() {
        app.update(tab.action());
        let text = screen(&app, 80, 24);
        assert!(text.contains("(no school)"), "tab {i}");
    }
    app.update(Tab::Review.action());
    app.update(Action::PickClass);
    assert_eq!(app.overlay, Overlay::None);
    assert!(app.message.is_some());
    insta::assert_snapshot!("empty_database_review_80x24", screen(&app, 80, 24));
}
