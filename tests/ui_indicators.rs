//! The Indicators tab as a user drives it on the small demo: open the seed
//! 002 programme, enter an actual value, recompute the computed ones, read
//! the chart, filter and sort, follow a computed value to its data, undo;
//! and check that `classbook indicators show` agrees with the screen.

mod common;

use std::process::Command;

use classbook::domain::indicators::{Metric, Source, Status};
use classbook::service::indicators::Sort;
use classbook::ui::App;
use classbook::ui::keymap::Mode;
use classbook::ui::panes::indicators::Screen;
use common::{ctrl, demo_app, press, type_keys};
use crossterm::event::KeyCode;

fn screen(app: &App, w: u16, h: u16) -> String {
    classbook::ui::render_text(app, w, h).expect("renders")
}

/// Put the cursor on indicator `number`.
fn go_to(app: &mut App, number: &str) {
    press(app, KeyCode::Char('g'));
    for _ in 0..40 {
        if app.indicators.current().is_some_and(|r| r.number == number) {
            return;
        }
        press(app, KeyCode::Char('j'));
    }
    panic!("indicator {number} not found");
}

#[test]
fn enter_a_value_recompute_and_read_the_chart() {
    let (_dir, mut app) = demo_app();
    press(&mut app, KeyCode::Char('4'));
    let tab = app.indicators.table.as_ref().unwrap();
    assert!(tab.programme.name.starts_with("Программа методического"));
    // The cursor starts on the first indicator, not on a task heading.
    assert_eq!(app.indicators.current().unwrap().number, "1.1");

    // Enter 31% for 2.2 with its evidence.
    go_to(&mut app, "2.2");
    press(&mut app, KeyCode::Char('a'));
    assert_eq!(app.mode(), Mode::Form);
    type_keys(&mut app, "31%");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    type_keys(&mut app, "Мониторинг ИОМ, декабрь 2025");
    insta::assert_snapshot!("indicators_enter_value_80x24", screen(&app, 80, 24));
    ctrl(&mut app, 's');
    assert_eq!(app.indicators.form, None, "{:?}", app.message);
    assert_eq!(
        app.message.as_deref(),
        Some("value 31% recorded for 2025-2026")
    );
    let r = app.indicators.current().unwrap();
    let a = r.actual.as_ref().unwrap();
    assert_eq!((a.value, a.source), (0.31, Source::Entered));
    assert_eq!(a.evidence, "Мониторинг ИОМ, декабрь 2025");
    // 31% of 35%: 89%, a running share below 90%: at risk.
    assert_eq!(r.status, Some(Status::AtRisk));

    // A bad value keeps the form open with the reason.
    press(&mut app, KeyCode::Char('a'));
    type_keys(&mut app, "1.5");
    ctrl(&mut app, 's');
    let err = app.indicators.form.as_ref().unwrap().error.clone().unwrap();
    assert!(err.contains("a share is 0–1"), "{err}");
    // Esc asks before it discards what was typed; y discards.
    press(&mut app, KeyCode::Esc);
    assert!(app.indicators.form.as_ref().unwrap().asking);
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(app.indicators.form, None);

    // Recompute: the bound indicators get values dated the working date.
    go_to(&mut app, "1.2");
    assert!(app.indicators.current().unwrap().metric.is_some());
    press(&mut app, KeyCode::Char('R'));
    let msg = app.message.clone().unwrap();
    assert!(
        msg.starts_with("recomputed as of 24.12.2025: 3 new,"),
        "{msg}"
    );
    let r = app.indicators.current().unwrap();
    let a = r.actual.as_ref().unwrap();
    assert_eq!(
        (a.source, r.actual_period.as_deref()),
        (Source::Computed, Some("2025-2026"))
    );
    insta::assert_snapshot!("indicators_recomputed_80x24", screen(&app, 80, 24));

    // The chart of 1.2: three periods, target and actual, every value.
    press(&mut app, KeyCode::Char('C'));
    assert_eq!(app.indicators.screen, Screen::Chart);
    assert_eq!(app.indicators.history.len(), 3);
    let text = screen(&app, 80, 24);
    assert!(text.contains("target ░"), "{text}");
    assert!(text.contains("actual █"), "{text}");
    insta::assert_snapshot!("indicators_chart_80x24", text);
    insta::assert_snapshot!("indicators_chart_160x48", screen(&app, 160, 48));
    // j moves to the next indicator's chart, skipping task headings.
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(app.indicators.current().unwrap().number, "2.1");
    press(&mut app, KeyCode::Char('C'));
    assert_eq!(app.indicators.screen, Screen::Table);

    // Undo takes the recomputed values back, then the entered one.
    press(&mut app, KeyCode::Char('u'));
    go_to(&mut app, "1.2");
    let a = app.indicators.current().unwrap().actual.clone().unwrap();
    assert_eq!(a.source, Source::Entered);
    press(&mut app, KeyCode::Char('u'));
    go_to(&mut app, "2.2");
    assert_ne!(
        app.indicators
            .current()
            .unwrap()
            .actual
            .as_ref()
            .unwrap()
            .value,
        0.31
    );
}

#[test]
fn targets_binding_filter_sort_and_the_data_behind() {
    let (_dir, mut app) = demo_app();
    press(&mut app, KeyCode::Char('4'));
    // Targets: 2.3's 2025–2026 target to 60%.
    go_to(&mut app, "2.3");
    press(&mut app, KeyCode::Char('T'));
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    for _ in 0..5 {
        press(&mut app, KeyCode::Backspace);
    }
    type_keys(&mut app, "60%");
    ctrl(&mut app, 's');
    assert_eq!(app.message.as_deref(), Some("targets saved"));
    assert_eq!(app.indicators.current().unwrap().targets[2], Some(0.6));

    // Bind 2.4 (a share) to the share of lessons with a topic.
    go_to(&mut app, "2.4");
    press(&mut app, KeyCode::Char('m'));
    for _ in 0..3 {
        press(&mut app, KeyCode::Right);
    }
    assert_eq!(
        app.indicators.form.as_ref().unwrap().fields[0].value,
        "lessons_with_topic"
    );
    ctrl(&mut app, 's');
    let r = app.indicators.current().unwrap();
    assert_eq!(
        r.metric.as_ref().map(|m| m.0),
        Some(Metric::LessonsWithTopic)
    );
    press(&mut app, KeyCode::Char('R'));
    let r = app.indicators.current().unwrap().clone();
    let a = r.actual.clone().unwrap();
    assert!(
        a.evidence.contains("lessons held have a topic"),
        "{}",
        a.evidence
    );
    // Enter: the lessons per teacher behind it, worst first.
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.indicators.screen, Screen::Data);
    let d = app.indicators.data.as_ref().unwrap();
    let held: u32 = d.rows.iter().map(|k| k.lessons).sum();
    let topic: u32 = d.rows.iter().map(|k| k.with_topic).sum();
    assert!((a.value - f64::from(topic) / f64::from(held)).abs() < 1e-4);
    insta::assert_snapshot!("indicators_data_80x24", screen(&app, 80, 24));
    // Enter on the worst teacher: their latest lesson without a topic, in
    // the Journal.
    let teacher = app.indicators.data.as_ref().unwrap().rows[0].teacher_id;
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        app.tab,
        classbook::ui::app::Tab::Journal,
        "{:?}",
        app.message
    );
    let v = app.journal.view.as_ref().unwrap();
    let l = &v.lessons[app.journal.col].lesson;
    assert!(
        l.topic.as_deref().is_none_or(|t| t.trim().is_empty()),
        "{l:?}"
    );
    assert_eq!(l.taught_by_id.unwrap_or(l.teacher_id), teacher);
    assert!(app.message.as_deref().unwrap().contains("without a topic"));
    press(&mut app, KeyCode::Char('4'));
    assert_eq!(app.indicators.screen, Screen::Data);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.indicators.screen, Screen::Table);

    // Enter on a training metric goes to the Training tab's standing.
    go_to(&mut app, "1.2");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.tab, classbook::ui::app::Tab::Training);
    assert_eq!(
        app.training.screen,
        classbook::ui::panes::training::Screen::Standing
    );
    assert!(app.training.year_scope);
    press(&mut app, KeyCode::Char('4'));

    // Filter: at risk or missed, with "педагог" in the name.
    press(&mut app, KeyCode::Char('/'));
    type_keys(&mut app, "педагог");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Right);
    ctrl(&mut app, 's');
    let tab = app.indicators.table.as_ref().unwrap();
    let shown: Vec<&str> = app
        .indicators
        .rows
        .iter()
        .filter_map(|(ti, ii)| ii.map(|i| &tab.tasks[*ti].indicators[i]))
        .map(|r| {
            assert!(matches!(r.status, Some(Status::AtRisk | Status::Missed)));
            assert!(r.indicator.name.to_lowercase().contains("педагог"));
            r.number.as_str()
        })
        .collect();
    assert!(!shown.is_empty() && shown.len() < 16, "{shown:?}");
    insta::assert_snapshot!("indicators_filtered_80x24", screen(&app, 80, 24));
    // s: by achievement inside each task; the cursor stays on its indicator.
    let before = app.indicators.current().unwrap().number.clone();
    press(&mut app, KeyCode::Char('o'));
    assert_eq!(app.indicators.view.sort, Sort::Achievement);
    assert_eq!(app.indicators.current().unwrap().number, before);
    // The filter form again, emptied: everything.
    press(&mut app, KeyCode::Char('/'));
    for _ in 0..10 {
        press(&mut app, KeyCode::Backspace);
    }
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Left);
    press(&mut app, KeyCode::Left);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Left);
    // Enter on the last field saves.
    press(&mut app, KeyCode::Enter);
    assert!(app.indicators.view.is_plain(), "{:?}", app.indicators.view);
    assert_eq!(app.indicators.rows.len(), 16 + 7);
}

#[test]
fn the_cli_agrees_with_the_screen() {
    let (_dir, mut app) = demo_app();
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('R'));
    let path = app.db().path().to_path_buf();
    let out = Command::new(env!("CARGO_BIN_EXE_classbook"))
        .args(["--db"])
        .arg(&path)
        .args(["indicators", "show", "--programme", "1", "--format", "csv"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let head = rdr.headers().unwrap().clone();
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let tab = app.indicators.table.as_ref().unwrap();
    let mut n = 0;
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let r = tab.find(&rec[col("number")]).unwrap();
        assert_eq!(&rec[col("status")], r.status.map_or("", |s| s.label()));
        assert_eq!(
            &rec[col("actual")],
            r.actual
                .as_ref()
                .map_or(String::new(), |a| a.value.to_string())
        );
        n += 1;
    }
    assert_eq!(n, 16);
    // The text format shows each row as the screen does.
    let out = Command::new(env!("CARGO_BIN_EXE_classbook"))
        .arg("--db")
        .arg(&path)
        .args(["indicators", "show", "--programme", "1"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text.lines().find(|l| l.starts_with("1.2ƒ")).unwrap();
    let r = tab.find("1.2").unwrap();
    let shown = format!(
        "{}  {}",
        classbook::service::indicators::achievement_text(r.achievement),
        r.status.unwrap().label()
    );
    assert!(line.contains(&shown), "{line} / {shown}");
    let screen_text = screen(&app, 160, 48);
    let screen_line = screen_text.lines().find(|l| l.contains("1.2ƒ")).unwrap();
    assert!(screen_line.contains(&r.status.unwrap().label().to_string()));
    assert!(
        screen_line.contains(&classbook::service::indicators::achievement_text(
            r.achievement
        ))
    );
    // set through the CLI, read on screen, by a deputy head the
    // administrator acts as.
    let out = Command::new(env!("CARGO_BIN_EXE_classbook"))
        .arg("--db")
        .arg(&path)
        .args(["users", "grant", "cli", "deputy"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = Command::new(env!("CARGO_BIN_EXE_classbook"))
        .arg("--db")
        .arg(&path)
        .args([
            "--as",
            "cli",
            "indicators",
            "set",
            "-p",
            "1",
            "--indicator",
            "3.1",
            "--period",
            "2025–2026",
            "--value",
            "12",
            "--evidence",
            "Протокол № 4",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    app.invalidate();
    let r = app.indicators.table.as_ref().unwrap().find("3.1").unwrap();
    assert_eq!(r.status, Some(Status::Met));
    assert_eq!(
        r.actual.as_ref().unwrap().entered_by,
        format!("{} as cli", classbook::store::access::os_login())
    );
    // Usage errors name what is wrong.
    let out = Command::new(env!("CARGO_BIN_EXE_classbook"))
        .arg("--db")
        .arg(&path)
        .args([
            "indicators",
            "set",
            "-p",
            "1",
            "--indicator",
            "9.9",
            "--period",
            "2022",
            "--value",
            "1",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("indicator «9.9»"), "{err}");
}

#[test]
fn every_screen_draws_at_any_size_and_keys_without_a_programme_are_harmless() {
    let (_dir, mut app) = demo_app();
    press(&mut app, KeyCode::Char('4'));
    let sizes = [
        (80, 24),
        (81, 25),
        (100, 30),
        (200, 60),
        (80, 60),
        (250, 24),
    ];
    let check = |app: &App, what: &str| {
        for (w, h) in sizes {
            let text = screen(app, w, h);
            assert_eq!(text.lines().count(), h as usize, "{what} {w}×{h}");
        }
    };
    check(&app, "table");
    press(&mut app, KeyCode::Char('a'));
    check(&app, "form");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('T'));
    check(&app, "targets");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('C'));
    check(&app, "chart");
    press(&mut app, KeyCode::Char('G'));
    check(&app, "chart of the last indicator");
    press(&mut app, KeyCode::Char('C'));
    // The second programme: one period.
    press(&mut app, KeyCode::Char('p'));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    assert!(
        app.indicators
            .table
            .as_ref()
            .unwrap()
            .programme
            .name
            .starts_with("Kế hoạch")
    );
    check(&app, "seed 000 table");
    press(&mut app, KeyCode::Char('C'));
    check(&app, "seed 000 chart");

    let (_e, db) = common::empty_db();
    let mut empty = App::new(db, common::options(true)).unwrap();
    press(&mut empty, KeyCode::Char('4'));
    for c in ['a', 'e', 'D', 't', 'b', 'r', 'c', 's', '/'] {
        press(&mut empty, KeyCode::Char(c));
        press(&mut empty, KeyCode::Enter);
        press(&mut empty, KeyCode::Esc);
        check(&empty, "empty");
    }
    assert!(screen(&empty, 80, 24).contains("No programme in this database"));
}
