//! The School tab (7) as a school with no other system would use it at
//! 80×24: a database straight from `classbook init`, every tab saying
//! what is missing; then the year, periods, a holiday, bells, staff,
//! classes with groups, students with orders, a guardian and a transfer,
//! the curriculum and the timetable, all typed through the forms and their
//! pickers; a mark in the Journal on a lesson of that timetable; undo of
//! School-tab writes; forms that refuse bad input and keep what was typed.
//! Names are Cyrillic, Vietnamese and Chinese.

mod common;

use chrono::NaiveDate;
use classbook::domain::School;
use classbook::store;
use classbook::ui::keymap::Mode;
use classbook::ui::panes::school::Section;
use classbook::ui::{Action, App, Overlay, Tab};
use common::{empty_db, options, press, type_keys};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn screen(app: &App) -> String {
    classbook::ui::render_text(app, 80, 24).expect("renders")
}

fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, dd).expect("a date")
}

fn ctrl(app: &mut App, c: char) {
    app.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
}

/// Replace the focused field's text (Ctrl-u, then type).
fn field(app: &mut App, text: &str) {
    ctrl(app, 'u');
    type_keys(app, text);
}

fn tab(app: &mut App) {
    press(app, KeyCode::Tab);
}

/// Ctrl-s: save the form; it must close.
fn save(app: &mut App) {
    ctrl(app, 's');
    assert_eq!(
        app.school_pane.form, None,
        "the form saved: {:?}",
        app.message
    );
}

/// In an open picker: filter by `text` and choose the first match.
fn choose(app: &mut App, text: &str) {
    assert!(
        matches!(app.overlay, Overlay::Picker(_)),
        "a picker is open: {}",
        screen(app)
    );
    press(app, KeyCode::Char('/'));
    type_keys(app, text);
    press(app, KeyCode::Enter);
}

/// A database as `classbook init --school "Школа № 12"` leaves it.
fn init_app() -> (tempfile::TempDir, App) {
    let (dir, db) = empty_db();
    store::school::set_school(
        db.conn(),
        &School {
            name: "Школа № 12".into(),
            short_name: "Школа № 12".into(),
            address: String::new(),
            as_of: None,
        },
    )
    .expect("school named");
    (dir, App::new(db, options(false)).expect("app starts"))
}

fn count(app: &App, sql: &str) -> i64 {
    app.db()
        .conn()
        .query_row(sql, [], |r| r.get(0))
        .expect("counts")
}

#[test]
fn every_tab_says_what_is_missing_on_a_new_database() {
    let (_dir, mut app) = init_app();
    let missing = app.setup.missing().expect("nothing is set up").to_string();
    assert!(missing.starts_with("No school year yet."), "{missing}");
    let names = [
        "journal",
        "attendance",
        "training",
        "indicators",
        "review",
        "reports",
        "school",
    ];
    for (t, name) in Tab::ALL.iter().zip(names) {
        app.update(t.action());
        let s = screen(&app);
        assert!(
            s.contains("No school year yet. Add one in the School tab (7, then a)"),
            "{name}:\n{s}"
        );
        assert!(!s.contains("(no school year)"), "{name}:\n{s}");
        insta::assert_snapshot!(format!("first_run_{name}_80x24"), s);
    }
    // On the School tab `a` adds exactly what is missing: the year.
    press(&mut app, KeyCode::Char('a'));
    assert_eq!(app.mode(), Mode::Form);
    assert!(screen(&app).contains("Add a school year"));
}

/// Year, periods, a holiday and two bells, by keys (working date 15.01.2026).
fn set_up_the_year(app: &mut App) {
    press(app, KeyCode::Char('7'));
    assert_eq!(app.mode(), Mode::SchoolYear);
    press(app, KeyCode::Char('a'));
    // The form offers 01.09.2025–31.05.2026 and a label from the dates.
    assert!(screen(app).contains("01.09.2025"));
    save(app);
    assert_eq!(
        app.message.as_deref(),
        Some("added school year 2025/26 · next: its quarters (p) and bell times (b)")
    );
    assert_eq!(app.year.as_ref().map(|y| y.label.as_str()), Some("2025/26"));
    // Three quarters: the first two as offered, the third to 22.03 (its
    // year taken from the school year).
    press(app, KeyCode::Char('P'));
    save(app);
    press(app, KeyCode::Char('P'));
    assert!(screen(app).contains("27.10.2025"), "{}", screen(app));
    save(app);
    press(app, KeyCode::Char('P'));
    for _ in 0..4 {
        tab(app);
    }
    field(app, "22.03");
    save(app);
    // The winter break.
    press(app, KeyCode::Char('V'));
    tab(app);
    field(app, "Зимние каникулы");
    tab(app);
    field(app, "29.12");
    tab(app);
    field(app, "11.01");
    save(app);
    // Two bells: 08:30–09:15, then 09:25–10:10 as offered.
    press(app, KeyCode::Char('B'));
    save(app);
    press(app, KeyCode::Char('B'));
    save(app);
}

fn set_up_staff(app: &mut App) {
    for _ in 0..3 {
        press(app, KeyCode::Char(']'));
    }
    assert_eq!(app.school_pane.section, Section::Staff);
    press(app, KeyCode::Char('a'));
    type_keys(app, "Nguyễn");
    tab(app);
    type_keys(app, "Thị Hoa");
    tab(app);
    tab(app);
    type_keys(app, "hoa");
    tab(app);
    tab(app);
    // Also: class teacher (after director, deputy, teacher).
    for _ in 0..4 {
        press(app, KeyCode::Right);
    }
    save(app);
    press(app, KeyCode::Char('a'));
    type_keys(app, "欧阳");
    tab(app);
    type_keys(app, "明");
    tab(app);
    tab(app);
    type_keys(app, "ouyang");
    save(app);
    press(app, KeyCode::Char('a'));
    type_keys(app, "Иванов");
    tab(app);
    type_keys(app, "Пётр");
    tab(app);
    type_keys(app, "Сергеевич");
    save(app);
}

fn set_up_classes(app: &mut App) {
    press(app, KeyCode::Char('['));
    press(app, KeyCode::Char('['));
    assert_eq!(app.school_pane.section, Section::Classes);
    press(app, KeyCode::Char('a'));
    type_keys(app, "7а");
    press(app, KeyCode::Enter);
    // Enter on the empty class teacher opens the staff list; choosing
    // on the last field saves.
    press(app, KeyCode::Enter);
    choose(app, "hoa");
    assert_eq!(app.school_pane.form, None, "{:?}", app.message);
    assert_eq!(
        app.message.as_deref(),
        Some("added class 7А, class teacher Nguyễn Thị Hoa")
    );
    // The other tabs show the class just added.
    assert_eq!(app.class().map(|c| c.name.as_str()), Some("7А"));
    press(app, KeyCode::Char('a'));
    type_keys(app, "5б");
    save(app);
    assert_eq!(app.class().map(|c| c.name.as_str()), Some("5Б"));
    // A class refused is not shown: the class stays.
    press(app, KeyCode::Char('a'));
    type_keys(app, "Б5");
    ctrl(app, 's');
    assert!(app.school_pane.form.is_some(), "refused: {:?}", app.message);
    assert_eq!(app.class().map(|c| c.name.as_str()), Some("5Б"));
    press(app, KeyCode::Esc);
    press(app, KeyCode::Char('y'));
    assert_eq!(app.school_pane.form, None);
    // Two English groups in 7А.
    let i = app
        .school_pane
        .classes
        .iter()
        .position(|c| c.class.name == "7А")
        .expect("7А listed");
    press(app, KeyCode::Char('g'));
    for _ in 0..i {
        press(app, KeyCode::Char('j'));
    }
    assert_eq!(app.class().map(|c| c.name.as_str()), Some("7А"));
    for g in ["English 1", "English 2"] {
        press(app, KeyCode::Char('R'));
        type_keys(app, g);
        press(app, KeyCode::Enter);
        assert_eq!(app.school_pane.form, None, "{:?}", app.message);
    }
}

/// The row of the student called `family` in the Students section.
fn go_to_student(app: &mut App, family: &str) {
    let i = app
        .school_pane
        .roster
        .iter()
        .position(|r| r.student.family_name == family)
        .expect("listed");
    press(app, KeyCode::Char('g'));
    for _ in 0..i {
        press(app, KeyCode::Char('j'));
    }
}

fn set_up_students(app: &mut App) {
    press(app, KeyCode::Char(']'));
    assert_eq!(app.school_pane.section, Section::Students);
    press(app, KeyCode::Char('a'));
    assert!(screen(app).contains("Add a student to 7А"));
    for (text, right) in [
        ("Иванова", 0),
        ("Анна", 0),
        ("Петровна", 0),
        ("12.03.2013", 0),
        ("", 1),
        ("", 0),
        ("15-у", 0),
    ] {
        type_keys(app, text);
        for _ in 0..right {
            press(app, KeyCode::Right);
        }
        tab(app);
    }
    type_keys(app, "28.08.2025");
    press(app, KeyCode::Enter); // the last field: saves
    assert_eq!(app.school_pane.form, None, "{:?}", app.message);
    press(app, KeyCode::Char('a'));
    type_keys(app, "Nguyễn");
    tab(app);
    type_keys(app, "Văn An");
    tab(app);
    tab(app);
    type_keys(app, "2013-05-07");
    tab(app);
    press(app, KeyCode::Right);
    press(app, KeyCode::Right);
    save(app);
    press(app, KeyCode::Char('a'));
    type_keys(app, "欧阳");
    tab(app);
    type_keys(app, "小明");
    save(app);
    // Nguyễn's admission order, entered later.
    go_to_student(app, "Nguyễn");
    press(app, KeyCode::Char('O'));
    type_keys(app, "16-у");
    press(app, KeyCode::Enter);
    type_keys(app, "01.09.2025");
    press(app, KeyCode::Enter);
    assert_eq!(app.school_pane.form, None, "{:?}", app.message);
    // …into English 1.
    press(app, KeyCode::Char('R'));
    choose(app, "English 1");
    // Иванова's mother.
    go_to_student(app, "Иванова");
    press(app, KeyCode::Char('F'));
    press(app, KeyCode::Enter);
    type_keys(app, "Иванова");
    press(app, KeyCode::Enter);
    type_keys(app, "Мария");
    tab(app);
    tab(app);
    type_keys(app, "+7 900 123-45-67");
    save(app);
    // 欧阳 小明 moves to 5Б on 12.01.2026 by order 20-у.
    go_to_student(app, "欧阳");
    press(app, KeyCode::Char('M'));
    assert!(screen(app).contains("transfer to another class"));
    tab(app);
    press(app, KeyCode::Enter);
    choose(app, "5");
    field(app, "12.01.2026");
    tab(app);
    type_keys(app, "20-у");
    tab(app);
    type_keys(app, "10.01.2026");
    press(app, KeyCode::Enter);
    assert_eq!(app.school_pane.form, None, "{:?}", app.message);
    assert_eq!(
        app.message.as_deref(),
        Some("欧阳 小明 moves to 5Б on 12.01.2026")
    );
    // A birth date corrected.
    go_to_student(app, "Иванова");
    press(app, KeyCode::Char('e'));
    for _ in 0..3 {
        tab(app);
    }
    field(app, "13.03.2013");
    save(app);
}

fn set_up_curriculum(app: &mut App) {
    press(app, KeyCode::Char(']'));
    press(app, KeyCode::Char(']'));
    assert_eq!(app.school_pane.section, Section::Curriculum);
    // A new subject with its hours and teacher, in one form.
    press(app, KeyCode::Char('a'));
    type_keys(app, "Математика");
    tab(app);
    tab(app);
    type_keys(app, "5");
    press(app, KeyCode::Enter);
    press(app, KeyCode::Enter); // the empty teacher: the list
    choose(app, "ouyang");
    press(app, KeyCode::Enter); // the group left empty: the last field saves
    assert_eq!(app.school_pane.form, None, "{:?}", app.message);
    // English for group 1 only.
    press(app, KeyCode::Char('a'));
    type_keys(app, "Английский язык");
    tab(app);
    type_keys(app, "Англ.");
    tab(app);
    type_keys(app, "3");
    press(app, KeyCode::Enter);
    press(app, KeyCode::Enter);
    choose(app, "hoa");
    ctrl(app, 'p');
    choose(app, "English 1");
    assert_eq!(app.school_pane.form, None, "{:?}", app.message);
}

fn set_up_timetable(app: &mut App) {
    press(app, KeyCode::Char(']'));
    assert_eq!(app.school_pane.section, Section::Timetable);
    // Monday, lesson 1: mathematics from the first day of the year.
    press(app, KeyCode::Enter);
    press(app, KeyCode::Enter);
    choose(app, "Мат");
    // The curriculum's teacher came with the subject.
    let f = app.school_pane.form.as_ref().expect("form open");
    assert_eq!(f.value("Teacher"), "欧阳 明");
    for _ in 0..3 {
        tab(app);
    }
    field(app, "01.09.2025");
    save(app);
    // Tuesday, lesson 2: English (group 1) from the working date.
    press(app, KeyCode::Char('l'));
    press(app, KeyCode::Char('j'));
    press(app, KeyCode::Enter);
    press(app, KeyCode::Enter);
    choose(app, "Англ");
    let f = app.school_pane.form.as_ref().expect("form open");
    assert_eq!(
        (f.value("Teacher"), f.value("Group")),
        ("Nguyễn Thị Hoa", "English 1")
    );
    save(app);
}

#[test]
fn a_small_school_set_up_by_hand_then_a_mark_in_the_journal() {
    let (_dir, mut app) = init_app();
    set_up_the_year(&mut app);
    let conn = app.db().conn();
    let y = app.year.clone().expect("a year");
    assert_eq!((y.starts_on, y.ends_on), (d(2025, 9, 1), d(2026, 5, 31)));
    let periods = store::school::periods(conn, y.id).unwrap();
    let labels: Vec<(&str, NaiveDate, NaiveDate)> = periods
        .iter()
        .map(|p| (p.label.as_str(), p.starts_on, p.ends_on))
        .collect();
    assert!(labels.contains(&("Quarter 3", d(2025, 12, 22), d(2026, 3, 22))));
    assert!(labels.contains(&("Year", d(2025, 9, 1), d(2026, 5, 31))));
    assert_eq!(periods.len(), 4);
    let h = store::school::holidays(conn, y.id).unwrap();
    assert_eq!(
        (h[0].label.as_str(), h[0].starts_on, h[0].ends_on),
        ("Зимние каникулы", d(2025, 12, 29), d(2026, 1, 11))
    );
    let bells = store::curriculum::bells(conn, y.id).unwrap();
    assert_eq!(
        bells
            .iter()
            .map(|b| (b.lesson_no, b.starts_at.as_str(), b.ends_at.as_str()))
            .collect::<Vec<_>>(),
        vec![(1, "08:30", "09:15"), (2, "09:25", "10:10")]
    );
    insta::assert_snapshot!("school_year_80x24", screen(&app));

    set_up_staff(&mut app);
    let staff = store::people::staff(app.db().conn()).unwrap();
    let names: Vec<String> = staff.iter().map(|s| s.full_name()).collect();
    assert_eq!(
        names,
        ["Nguyễn Thị Hoa", "Иванов Пётр Сергеевич", "欧阳 明"],
        "by family name"
    );
    assert_eq!(
        staff[0]
            .roles
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>(),
        ["teacher", "class_teacher"]
    );
    insta::assert_snapshot!("school_staff_80x24", screen(&app));

    set_up_classes(&mut app);
    let names: Vec<&str> = app.classes.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["5Б", "7А"], "the app's class list follows");
    assert_eq!(
        app.school_pane
            .classes
            .iter()
            .find(|c| c.class.name == "7А")
            .and_then(|c| c.teacher.as_deref()),
        Some("Nguyễn Thị Hoa")
    );

    set_up_students(&mut app);
    let conn = app.db().conn();
    let roster = &app.school_pane.roster;
    assert_eq!(roster.len(), 3);
    let find = |f: &str| {
        roster
            .iter()
            .find(|r| r.student.family_name == f)
            .expect("listed")
    };
    let ivanova = find("Иванова");
    assert_eq!(ivanova.student.birth_date, Some(d(2013, 3, 13)));
    assert_eq!(ivanova.student.sex.map(|s| s.as_str()), Some("F"));
    assert_eq!(ivanova.stays[0].start_order_no.as_deref(), Some("15-у"));
    assert_eq!(ivanova.guardians[0].0.given_name, "Мария");
    assert_eq!(ivanova.guardians[0].1.as_str(), "mother");
    let nguyen = find("Nguyễn");
    assert_eq!(nguyen.student.sex.map(|s| s.as_str()), Some("M"));
    assert_eq!(
        (
            nguyen.stays[0].start_order_no.as_deref(),
            nguyen.stays[0].start_order_date
        ),
        (Some("16-у"), Some(d(2025, 9, 1)))
    );
    assert_eq!(nguyen.groups, ["English 1"]);
    let ouyang = find("欧阳");
    assert_eq!(ouyang.student.sex, None, "unknown, not guessed");
    assert_eq!(ouyang.stays[0].ends_on, Some(d(2026, 1, 11)));
    assert_eq!(ouyang.stays[0].end_order_no.as_deref(), Some("20-у"));
    let in_5b = store::people::enrolments(conn, ouyang.student.id).unwrap();
    assert_eq!(in_5b.len(), 2);
    assert_eq!(
        (in_5b[1].starts_on, in_5b[1].start_order_no.as_deref()),
        (d(2026, 1, 12), Some("20-у"))
    );
    go_to_student(&mut app, "Иванова");
    insta::assert_snapshot!("school_students_80x24", screen(&app));
    press(&mut app, KeyCode::Char('['));
    assert_eq!(app.school_pane.section, Section::Classes);
    insta::assert_snapshot!("school_classes_80x24", screen(&app));
    press(&mut app, KeyCode::Char(']'));

    set_up_curriculum(&mut app);
    let rows = &app.school_pane.curriculum;
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (rows[1].subject.name.as_str(), rows[1].hours),
        ("Математика", Some(5.0))
    );
    assert_eq!(rows[1].teaching, [(None, "欧阳 明".to_string())]);
    assert_eq!(
        (rows[0].subject.short_name.as_str(), rows[0].hours),
        ("Англ.", Some(3.0))
    );
    assert_eq!(
        rows[0].teaching,
        [(Some("English 1".to_string()), "Nguyễn Thị Hoa".to_string())]
    );
    insta::assert_snapshot!("school_curriculum_80x24", screen(&app));

    set_up_timetable(&mut app);
    let week = &app.school_pane.week;
    assert_eq!(week.len(), 2);
    assert_eq!(
        (
            week[0].slot.weekday,
            week[0].slot.lesson_no,
            week[0].slot.valid_from
        ),
        (1, 1, d(2025, 9, 1))
    );
    assert_eq!(
        (
            week[1].slot.weekday,
            week[1].slot.lesson_no,
            week[1].group.as_deref(),
            week[1].slot.valid_from
        ),
        (2, 2, Some("English 1"), d(2026, 1, 15))
    );
    insta::assert_snapshot!("school_timetable_80x24", screen(&app));
    // Everything is set up: no tab says something is missing.
    assert_eq!(app.setup.missing(), None);

    // The Journal: 7А, mathematics, quarter 3, the Mondays of the timetable
    // (the winter break skipped); a 5 typed on the first lesson.
    press(&mut app, KeyCode::Char('1'));
    press(&mut app, KeyCode::Char('s'));
    choose(&mut app, "мат");
    let v = app.journal.view.as_ref().expect("the journal shows");
    assert_eq!(
        (
            v.class.name.as_str(),
            v.subject.name.as_str(),
            v.period.label.as_str()
        ),
        ("7А", "Математика", "Quarter 3")
    );
    let dates: Vec<NaiveDate> = v.lessons.iter().map(|l| l.lesson.date).collect();
    assert_eq!(dates, [d(2025, 12, 22), d(2026, 1, 12)]);
    press(&mut app, KeyCode::Char('g'));
    type_keys(&mut app, "i5");
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        count(&app, "SELECT count(*) FROM mark WHERE symbol = '5'"),
        1,
        "{:?}",
        app.message
    );
}

#[test]
fn school_writes_are_undone_and_redone_like_any_other() {
    let (_dir, mut app) = init_app();
    set_up_the_year(&mut app);
    press(&mut app, KeyCode::Char(']'));
    press(&mut app, KeyCode::Char('a'));
    type_keys(&mut app, "9в");
    save(&mut app);
    assert_eq!(app.classes.len(), 1);
    // u: the class is gone, from the School tab and the Journal's list.
    press(&mut app, KeyCode::Char('u'));
    assert_eq!(app.message.as_deref(), Some("undone: class 9В"));
    assert!(app.classes.is_empty());
    assert!(app.school_pane.classes.is_empty());
    assert_eq!(count(&app, "SELECT count(*) FROM class"), 0);
    ctrl(&mut app, 'r');
    assert_eq!(app.classes.len(), 1);
    // A student is two rows (the student, the stay): one undo.
    press(&mut app, KeyCode::Char(']'));
    press(&mut app, KeyCode::Char('a'));
    type_keys(&mut app, "Trần");
    tab(&mut app);
    type_keys(&mut app, "Thu");
    save(&mut app);
    assert_eq!(count(&app, "SELECT count(*) FROM enrolment"), 1);
    press(&mut app, KeyCode::Char('u'));
    assert_eq!(count(&app, "SELECT count(*) FROM student"), 0);
    assert_eq!(count(&app, "SELECT count(*) FROM enrolment"), 0);
    assert!(app.school_pane.roster.is_empty());
    // The change history undoes a School-tab write too: the stay, once
    // the student's undo is redone.
    ctrl(&mut app, 'r');
    assert_eq!(
        count(&app, "SELECT count(*) FROM student"),
        1,
        "{:?}",
        app.message
    );
    press(&mut app, KeyCode::Char('H'));
    let Overlay::History(h) = &app.overlay else {
        panic!("history open")
    };
    let at = h
        .entries
        .iter()
        .position(|e| e.entity == "enrolment")
        .expect("the stay's entry");
    for _ in 0..at {
        press(&mut app, KeyCode::Char('j'));
    }
    // Enter asks, Enter again undoes.
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Esc);
    assert_eq!(count(&app, "SELECT count(*) FROM enrolment"), 0);
    assert!(app.school_pane.roster.is_empty());
    assert_eq!(app.setup.students, 0, "the overview is read again");
}

#[test]
fn forms_refuse_bad_input_and_keep_what_was_typed() {
    let (_dir, mut app) = init_app();
    press(&mut app, KeyCode::Char('7'));
    // A year that ends on a day that does not exist.
    press(&mut app, KeyCode::Char('a'));
    tab(&mut app);
    tab(&mut app);
    field(&mut app, "31.02.2026");
    ctrl(&mut app, 's');
    let f = app.school_pane.form.as_ref().expect("the form stays open");
    assert_eq!(
        f.error.as_deref(),
        Some("last day «31.02.2026»: not a date (24.12.2025 or 24.12)")
    );
    assert_eq!(f.value("Last day"), "31.02.2026", "what was typed is kept");
    assert_eq!(
        app.message.as_deref(),
        Some("not saved: last day «31.02.2026»: not a date (24.12.2025 or 24.12)")
    );
    insta::assert_snapshot!("school_form_error_80x24", screen(&app));
    // The year ends before it starts: the service says so.
    field(&mut app, "01.08.2025");
    ctrl(&mut app, 's');
    let f = app.school_pane.form.as_ref().expect("still open");
    assert_eq!(f.error.as_deref(), Some("the year ends before it starts"));
    field(&mut app, "31.05.2026");
    save(&mut app);
    // A bell at a time that is not one.
    press(&mut app, KeyCode::Char('B'));
    tab(&mut app);
    field(&mut app, "8.30");
    ctrl(&mut app, 's');
    assert_eq!(
        app.school_pane
            .form
            .as_ref()
            .and_then(|f| f.error.as_deref()),
        Some("«8.30» is not a time like 08:30")
    );
    // Esc on a changed form asks first; only y discards.
    press(&mut app, KeyCode::Esc);
    assert!(app.school_pane.form.as_ref().is_some_and(|f| f.asking));
    assert!(screen(&app).contains("Discard the changes? y discards"));
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(app.school_pane.form, None, "y discards");
    assert_eq!(count(&app, "SELECT count(*) FROM bell"), 0);
    // A class without a letter.
    press(&mut app, KeyCode::Char(']'));
    press(&mut app, KeyCode::Char('a'));
    type_keys(&mut app, "7");
    ctrl(&mut app, 's');
    assert_eq!(
        app.school_pane
            .form
            .as_ref()
            .and_then(|f| f.error.as_deref()),
        Some("«7» is not a class name: a grade and a letter, like 7А")
    );
    field(&mut app, "12А");
    ctrl(&mut app, 's');
    assert_eq!(
        app.school_pane
            .form
            .as_ref()
            .and_then(|f| f.error.as_deref()),
        Some("grade 12 is not 1 to 11")
    );
    field(&mut app, "7А");
    save(&mut app);
    // A student: no family name; an order number without its date.
    press(&mut app, KeyCode::Char(']'));
    press(&mut app, KeyCode::Char('a'));
    tab(&mut app);
    type_keys(&mut app, "Анна");
    ctrl(&mut app, 's');
    assert_eq!(
        app.school_pane
            .form
            .as_ref()
            .and_then(|f| f.error.as_deref()),
        Some("the family name is empty")
    );
    press(&mut app, KeyCode::BackTab);
    type_keys(&mut app, "Петрова");
    for _ in 0..6 {
        tab(&mut app);
    }
    type_keys(&mut app, "17-у");
    ctrl(&mut app, 's');
    assert_eq!(
        app.school_pane
            .form
            .as_ref()
            .and_then(|f| f.error.as_deref()),
        Some("the order's date is missing")
    );
    assert_eq!(count(&app, "SELECT count(*) FROM student"), 0);
    // Esc, y and nothing was written; the keys work again.
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.mode(), Mode::Form, "it asks first");
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(app.mode(), Mode::SchoolStudents);
    app.update(Action::SchoolPrevSection);
    assert_eq!(app.school_pane.section, Section::Classes);
}

#[test]
fn the_week_shows_the_lesson_in_force_and_the_change_to_come() {
    use classbook::service::setup::{self, PersonIn};
    let (_dir, mut db) = empty_db();
    let today = common::today();
    let add = |db: &mut store::Db, b| {
        setup::add(db, "tester", today, b, false).expect("added");
    };
    add(&mut db, setup::year(None, d(2025, 9, 1), d(2026, 5, 31)));
    add(&mut db, setup::bell(1, "08:30", "09:15").unwrap());
    add(&mut db, setup::class("7А", None).unwrap());
    let teacher = PersonIn {
        family_name: "Trần".into(),
        given_name: "Thu".into(),
        ..PersonIn::default()
    };
    add(&mut db, setup::staff(&teacher, Some("tran"), &[]).unwrap());
    for s in ["Математика", "История"] {
        let mut b = setup::curriculum("7А", s, 2.0, Some("tran"), None);
        b.subjects = setup::subject(s, None).subjects;
        add(&mut db, b);
    }
    // Monday 1: mathematics from September, history from 19.01.2026.
    add(
        &mut db,
        setup::slot("7А", None, 1, 1, "Математика", "tran", "", d(2025, 9, 1)),
    );
    add(
        &mut db,
        setup::slot("7А", None, 1, 1, "История", "tran", "", d(2026, 1, 19)),
    );
    let conn = db.conn();
    let class = store::classes::classes(conn, 1).unwrap().remove(0);
    let on = |day| {
        setup::week(conn, class.id, day)
            .unwrap()
            .into_iter()
            .map(|s| (s.subject, s.slot.valid_from, s.slot.valid_to))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        on(d(2026, 1, 15)),
        [(
            "Математика".to_string(),
            d(2025, 9, 1),
            Some(d(2026, 1, 18))
        )]
    );
    assert_eq!(
        on(d(2026, 1, 19)),
        [("История".to_string(), d(2026, 1, 19), None)]
    );
    // A cell with only a lesson to come says from when.
    add(
        &mut db,
        setup::slot("7А", None, 2, 1, "История", "tran", "", d(2026, 2, 2)),
    );
    let mut app = App::new(db, options(false)).expect("app starts");
    press(&mut app, KeyCode::Char('7'));
    app.update(Action::SchoolPrevSection);
    assert_eq!(app.school_pane.section, Section::Timetable);
    let s = screen(&app);
    let row = s
        .lines()
        .find(|l| l.starts_with(" 08:30"))
        .expect("the first lesson's second line");
    assert!(row.contains("Trần T.") && row.contains("from 02.02"), "{s}");
    press(&mut app, KeyCode::Char('l'));
    assert!(
        screen(&app).contains("Tu lesson 1 08:30–09:15: История, Trần T., from 02.02.2026"),
        "{}",
        screen(&app)
    );
}

#[test]
fn a_year_corrected_and_a_departure_to_confirm_dismissed() {
    use classbook::service::setup::{self, PersonIn};
    let (_dir, mut db) = empty_db();
    let today = common::today();
    let add = |db: &mut store::Db, b| {
        setup::add(db, "tester", today, b, false).expect("added");
    };
    add(&mut db, setup::year(None, d(2025, 9, 1), d(2026, 5, 31)));
    add(&mut db, setup::class("7А", None).unwrap());
    let p = PersonIn {
        family_name: "Nguyễn".into(),
        given_name: "Thị Lan".into(),
        ..PersonIn::default()
    };
    add(
        &mut db,
        setup::student(&p, None, None, "7А", None, None).unwrap(),
    );
    // As a re-imported roster without her would leave it.
    db.conn()
        .execute(
            "INSERT INTO departure_pending (student_id, noticed_on, source)
             VALUES (1, '2026-01-14', 'OneRoster 1.2 (./export)')",
            [],
        )
        .expect("listed");
    let mut app = App::new(db, options(false)).expect("app starts");
    press(&mut app, KeyCode::Char('7'));
    // Enter on the year: its dates, the label kept.
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Enter);
    assert!(screen(&app).contains("School year 2025/26"));
    tab(&mut app);
    field(&mut app, "30.06.2026");
    save(&mut app);
    assert_eq!(
        app.year.as_ref().map(|y| (y.label.as_str(), y.ends_on)),
        Some(("2025/26", d(2026, 6, 30)))
    );
    assert_eq!(count(&app, "SELECT count(*) FROM school_year"), 1);
    // The Students section marks her; X asks, Enter dismisses.
    press(&mut app, KeyCode::Char(']'));
    press(&mut app, KeyCode::Char(']'));
    assert!(screen(&app).contains("Nguyễn Thị Lan (leaving?)"));
    press(&mut app, KeyCode::Char('x'));
    assert!(screen(&app).contains("Nguyễn Thị Lan is not leaving?"));
    press(&mut app, KeyCode::Enter);
    assert_eq!(count(&app, "SELECT count(*) FROM departure_pending"), 0);
    assert!(!app.school_pane.roster[0].departure_pending);
    press(&mut app, KeyCode::Char('u'));
    assert_eq!(count(&app, "SELECT count(*) FROM departure_pending"), 1);
}

#[test]
fn the_year_is_closed_and_reopened_from_the_school_tab() {
    let (_dir, mut app) = common::demo_app();
    press(&mut app, KeyCode::Char('7'));
    assert_eq!(app.school_pane.section, Section::Year);
    // The demo's review has open errors: without a note the close is refused.
    press(&mut app, KeyCode::Char('Z'));
    assert!(screen(&app).contains("Close 2025/26"), "{}", screen(&app));
    ctrl(&mut app, 's');
    assert!(
        app.message
            .as_deref()
            .unwrap_or("")
            .contains("unacknowledged error"),
        "{:?}",
        app.message
    );
    assert!(
        app.school_pane.form.is_some(),
        "the form stays, what was typed kept"
    );
    field(&mut app, "Итоги подведены; ошибки демо-школы оставлены");
    save(&mut app);
    assert!(app.message.as_deref().unwrap_or("").contains("is closed"));
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM school_year WHERE status = 'closed'"
        ),
        1
    );
    // A mark in the journal is refused now, in the store's words.
    press(&mut app, KeyCode::Char('1'));
    let (row, col) = {
        let v = app.journal.view.as_ref().expect("a journal");
        let col = v.lessons.iter().rposition(|l| l.recorded).unwrap();
        let row = v
            .students
            .iter()
            .position(|s| s.cells[col] == classbook::service::journal::MarkCell::Empty)
            .unwrap();
        (row, col)
    };
    app.journal.row = row;
    app.journal.col = col;
    press(&mut app, KeyCode::Char('i'));
    type_keys(&mut app, "5");
    press(&mut app, KeyCode::Enter);
    let said = app.message.clone().unwrap_or_default();
    assert!(said.contains("2025/26 is closed (on "), "{said}");
    // Reopened with a reason.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('7'));
    press(&mut app, KeyCode::Char('Z'));
    assert!(screen(&app).contains("Reopen 2025/26"), "{}", screen(&app));
    field(&mut app, "исправить отметку (Lê Thị Hoa)");
    save(&mut app);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM school_year WHERE status = 'closed'"
        ),
        0
    );
}
