//! The Reports tab: choosing the report, class and period with pickers,
//! the table on screen equal to the CSV, writing CSV and HTML files, and
//! snapshots at 80×24 and wider on the small demo.

mod common;
mod reports_fixture;

use classbook::service::reports::{Kind, render};
use classbook::ui::{App, Overlay, Tab, render_text};
use common::{demo_app, options, press, type_keys};
use crossterm::event::KeyCode;

fn screen(app: &App, w: u16, h: u16) -> String {
    render_text(app, w, h).expect("renders")
}

/// The report kind's picker: choose by typing its title.
fn choose_kind(app: &mut App, filter: &str) {
    press(app, KeyCode::Enter);
    assert!(matches!(app.overlay, Overlay::Picker(_)));
    type_keys(app, &format!("/{filter}"));
    press(app, KeyCode::Enter);
    assert_eq!(app.overlay, Overlay::None);
}

#[test]
fn the_table_on_screen_is_the_csv() {
    let f = reports_fixture::build();
    let mut app = App::new(f.db, options(false)).expect("app starts");
    press(&mut app, KeyCode::Char('6'));
    assert_eq!(app.tab, Tab::Reports);
    for kind in [
        Kind::Performance,
        Kind::Attendance,
        Kind::Keeping,
        Kind::Indicators,
    ] {
        choose_kind(&mut app, &kind.title()[..8]);
        assert_eq!(app.reports.kind(), kind);
        let r = app.reports.report.clone().expect("a report");
        // What the pane draws is the CSV, cell for cell.
        let csv = render::csv(&r);
        let parsed: Vec<Vec<String>> = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(csv.as_bytes())
            .records()
            .map(|x| x.unwrap().iter().map(str::to_string).collect())
            .collect();
        assert_eq!(parsed, app.reports.table, "{kind}");
        // And it is on the screen: on a wide terminal every row is there
        // with its cells in order (cells wider than their column are cut
        // with "…"; the fixture's fit).
        let text = screen(&app, 250, 40);
        let lines: Vec<&str> = text.lines().collect();
        for row in &app.reports.table {
            let key = row
                .iter()
                .take(r.frozen)
                .filter(|c| !c.is_empty())
                .cloned()
                .collect::<Vec<_>>();
            let line = lines.iter().find(|l| {
                key.iter().all(|k| l.contains(k.as_str())) && {
                    // the row's own line: every cell in order
                    let mut at = 0;
                    row.iter().all(|c| match l[at..].find(c.as_str()) {
                        Some(i) => {
                            at += i + c.len();
                            true
                        }
                        None => false,
                    })
                }
            });
            assert!(line.is_some(), "{kind}: row {row:?} not on screen:\n{text}");
        }
    }
}

#[test]
fn pickers_choose_class_and_period_and_files_are_written() {
    let f = reports_fixture::build();
    let mut app = App::new(f.db, options(false)).expect("app starts");
    let out = tempfile::tempdir().unwrap();
    app.reports.output_dir = out.path().to_path_buf();
    press(&mut app, KeyCode::Char('6'));
    // The performance report of the only class, second quarter (the
    // quarter of the working date).
    let r = app.reports.report.clone().unwrap();
    assert_eq!((r.kind, r.scope.as_str()), (Kind::Performance, "Class 5А"));
    assert!(r.period.starts_with("2 четверть"));
    // The period picker: the first quarter has no lessons.
    press(&mut app, KeyCode::Char('p'));
    type_keys(&mut app, "/1 чет");
    press(&mut app, KeyCode::Enter);
    let r = app.reports.report.clone().unwrap();
    assert!(r.period.starts_with("1 четверть"), "{}", r.period);
    assert!(r.rows.is_empty());
    assert!(screen(&app, 80, 24).contains("(no rows)"));
    // ] and [ step from quarter to quarter.
    press(&mut app, KeyCode::Char(']'));
    let r = app.reports.report.clone().unwrap();
    assert!(r.period.starts_with("2 четверть"), "{}", r.period);
    press(&mut app, KeyCode::Char(']'));
    assert_eq!(
        app.message.as_deref(),
        Some("no later period of this kind than 2 четверть")
    );
    press(&mut app, KeyCode::Char('['));
    press(&mut app, KeyCode::Char(']'));
    // The class picker.
    press(&mut app, KeyCode::Char('c'));
    type_keys(&mut app, "/5a");
    press(&mut app, KeyCode::Enter);
    let r = app.reports.report.clone().unwrap();
    assert_eq!(r.rows.len(), 10);
    // w writes the CSV, W the printable HTML; the status line says where.
    press(&mut app, KeyCode::Char('w'));
    let csv = out.path().join("performance_5А_2025-11-03_2025-12-28.csv");
    assert_eq!(std::fs::read_to_string(&csv).unwrap(), render::csv(&r));
    let msg = app.message.clone().unwrap();
    assert!(
        msg.starts_with("written /") && msg.ends_with(".csv (10 rows)"),
        "{msg}"
    );
    press(&mut app, KeyCode::Char('W'));
    let html = out.path().join("performance_5А_2025-11-03_2025-12-28.html");
    assert_eq!(
        std::fs::read_to_string(&html).unwrap(),
        render::html(&r, common::today())
    );
    // The training standing takes half-years and the year only; a class is
    // refused on the status line.
    choose_kind(&mut app, "training");
    press(&mut app, KeyCode::Char('p'));
    match &app.overlay {
        Overlay::Picker(p) => assert_eq!(
            p.items,
            vec![
                "1 полугодие (01.09–28.12)".to_string(),
                "Год (01.09–31.05)".to_string()
            ]
        ),
        other => panic!("no period picker: {other:?}"),
    }
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('c'));
    assert_eq!(app.overlay, Overlay::None);
    assert_eq!(
        app.message.as_deref(),
        Some("the training report is not about one class")
    );
    // The training standing opened on the year (its default); back on the
    // attendance report the period is the quarter again, and a period
    // picked by hand is kept across kinds that take it.
    assert!(
        app.reports
            .report
            .as_ref()
            .unwrap()
            .period
            .contains("school year")
    );
    choose_kind(&mut app, "attendance");
    assert!(
        app.reports
            .report
            .as_ref()
            .unwrap()
            .period
            .starts_with("2 четверть")
    );
    press(&mut app, KeyCode::Char('p'));
    type_keys(&mut app, "/1 пол");
    press(&mut app, KeyCode::Enter);
    choose_kind(&mut app, "journal keeping");
    assert!(
        app.reports
            .report
            .as_ref()
            .unwrap()
            .period
            .starts_with("1 полугодие")
    );
    // A writing error is shown, nothing panics.
    app.reports.output_dir = out.path().join("missing/dir");
    choose_kind(&mut app, "attendance");
    press(&mut app, KeyCode::Char('w'));
    assert!(
        app.message
            .as_deref()
            .unwrap_or("")
            .starts_with("not written: "),
        "{:?}",
        app.message
    );
}

#[test]
fn reports_tab_snapshots() {
    let (_dir, mut app) = demo_app();
    press(&mut app, KeyCode::Char('6'));
    press(&mut app, KeyCode::Char('c'));
    type_keys(&mut app, "/7а");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.reports.report.as_ref().unwrap().scope, "Class 7А");
    for (w, h) in [(80, 24), (160, 48)] {
        insta::assert_snapshot!(
            format!("reports_performance_7a_{w}x{h}"),
            screen(&app, w, h)
        );
    }
    press(&mut app, KeyCode::Enter);
    insta::assert_snapshot!("reports_kind_picker_80x24", screen(&app, 80, 24));
    type_keys(&mut app, "/attend");
    press(&mut app, KeyCode::Enter);
    // Move into the table: the cell under the cursor is shown in full.
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('l'));
    insta::assert_snapshot!("reports_attendance_7a_80x24", screen(&app, 80, 24));
    for kind in ["keeping", "training", "indicators"] {
        choose_kind(&mut app, kind);
        for (w, h) in [(80, 24), (160, 48)] {
            insta::assert_snapshot!(format!("reports_{kind}_{w}x{h}"), screen(&app, w, h));
        }
    }
}
