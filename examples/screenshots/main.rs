//! Regenerate every file in `screenshots/`:
//! `cargo run --release --example screenshots`.
//!
//! Builds the small demo school (seed 42) in a temporary file, drives the
//! app with the keys a user would press, draws each view into a
//! `TestBackend`, exports the buffer to SVG (`svg.rs` beside this file: a tool for the
//! screenshots, not part of the shipped program) and
//! rasterises it to PNG with `rsvg-convert` (Debian `librsvg2-bin`; the
//! fonts come from `fonts-dejavu-core` and `fonts-noto-cjk`). Without
//! `rsvg-convert` the SVGs are still written and the command fails.

mod svg;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context, bail, ensure};
use chrono::NaiveDate;
use classbook::service::demo::{self, DemoOptions, DemoSize};
use classbook::store::{self, OpenMode, OpenOptions};
use classbook::ui::{App, Overlay, Tab, UiOptions, render_to_backend};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use svg::buffer_to_svg;

/// Where the files go, whatever the working directory.
fn out_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots")
}

fn press(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

/// Press each character of `keys` as a key.
fn keys(app: &mut App, keys: &str) {
    for c in keys.chars() {
        press(app, KeyCode::Char(c));
    }
}

/// The app on a fresh small demo (seed 42) in `dir`.
fn demo_app(dir: &Path) -> anyhow::Result<App> {
    let path = dir.join("classbook-demo.sqlite");
    let mut db = store::open(
        &path,
        &OpenOptions {
            mode: OpenMode::Create,
            ..OpenOptions::default()
        },
    )?;
    demo::generate(
        &mut db,
        &DemoOptions {
            size: DemoSize::Small,
            seed: 42,
        },
    )?;
    drop(db);
    let db = store::open(&path, &OpenOptions::default())?;
    let opts = UiOptions {
        operator: "admin".into(),
        no_color: false,
        // A fixed date: the output does not depend on when it is made.
        today: NaiveDate::from_ymd_opt(2026, 11, 22).context("a date")?,
    };
    App::new(db, opts)
}

/// Make a written file world-readable: opening the database sets a
/// private umask for the whole process, but screenshots are for everyone.
fn publish(path: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644))
            .with_context(|| format!("{}", path.display()))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// One screenshot: a name, a title for the SVG, a size.
struct Shot {
    name: &'static str,
    title: &'static str,
    width: u16,
    height: u16,
}

/// What was written, and whether PNGs could be made.
struct Writer {
    dir: PathBuf,
    rsvg: bool,
    written: Vec<PathBuf>,
}

impl Writer {
    fn new(dir: PathBuf) -> anyhow::Result<Writer> {
        std::fs::create_dir_all(&dir).with_context(|| format!("{}", dir.display()))?;
        let rsvg = match Command::new("rsvg-convert").arg("--version").output() {
            Ok(o) => o.status.success(),
            Err(_) => false,
        };
        if !rsvg {
            eprintln!(
                "screenshots: `rsvg-convert` not found: install the Debian package \
                 librsvg2-bin (and the fonts fonts-dejavu-core and fonts-noto-cjk); \
                 writing the SVG files only"
            );
        }
        Ok(Writer {
            dir,
            rsvg,
            written: Vec::new(),
        })
    }

    fn shoot(&mut self, app: &App, shot: &Shot) -> anyhow::Result<()> {
        let terminal = render_to_backend(app, shot.width, shot.height)?;
        let svg = buffer_to_svg(terminal.backend().buffer(), shot.title);
        let svg_path = self.dir.join(format!("{}.svg", shot.name));
        std::fs::write(&svg_path, svg).with_context(|| format!("{}", svg_path.display()))?;
        publish(&svg_path)?;
        self.written.push(svg_path.clone());
        if self.rsvg {
            let png_path = svg_path.with_extension("png");
            let out = Command::new("rsvg-convert")
                .arg("--format=png")
                .arg("--output")
                .arg(&png_path)
                .arg(&svg_path)
                .output()
                .context("running rsvg-convert")?;
            if !out.status.success() {
                bail!(
                    "rsvg-convert failed on {}: {}",
                    svg_path.display(),
                    String::from_utf8_lossy(&out.stderr).trim()
                );
            }
            publish(&png_path)?;
            self.written.push(png_path);
        }
        Ok(())
    }
}

fn run() -> anyhow::Result<bool> {
    let tmp = tempfile::tempdir()?;
    eprintln!("screenshots: generating the small demo school (seed 42)…");
    let mut app = demo_app(tmp.path())?;
    let mut w = Writer::new(out_dir())?;

    // Journal: class 7А, Алгебра, 2nd quarter, chosen through the pickers
    // with type-to-filter, as a user would.
    press(&mut app, KeyCode::Char('1'));
    keys(&mut app, "c/7а");
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "s/алг");
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "p/2 четв");
    press(&mut app, KeyCode::Enter);
    {
        ensure!(app.overlay == Overlay::None, "a picker is still open");
        let v = app.journal.view.as_ref().context("the journal is empty")?;
        ensure!(
            (
                v.class.name.as_str(),
                v.subject.name.as_str(),
                v.period.label.as_str()
            ) == ("7А", "Алгебра", "2 четверть"),
            "the journal shows {} · {} · {}",
            v.class.name,
            v.subject.name,
            v.period.label
        );
    }
    w.shoot(
        &app,
        &Shot {
            name: "journal",
            title: "classbook — journal, 7А, Алгебра, 2nd quarter (80×24)",
            width: 80,
            height: 24,
        },
    )?;
    w.shoot(
        &app,
        &Shot {
            name: "journal-wide",
            title: "classbook — journal, 7А, Алгебра, 2nd quarter (160×48)",
            width: 160,
            height: 48,
        },
    )?;

    // Attendance: the same class on the working day.
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('t'));
    ensure!(app.tab == Tab::Attendance, "not on the attendance tab");
    ensure!(
        app.attendance.date == app.working_date,
        "attendance is not on the working day"
    );
    ensure!(
        app.attendance
            .view
            .as_ref()
            .is_some_and(|v| v.class.name == "7А" && !v.lessons.is_empty()),
        "attendance does not show 7А's lessons"
    );
    w.shoot(
        &app,
        &Shot {
            name: "attendance",
            title: "classbook — attendance, 7А, the working day (80×24)",
            width: 80,
            height: 24,
        },
    )?;

    for (key, tab, name, title) in [
        (
            '3',
            Tab::Training,
            "training",
            "classbook — training sessions (80×24)",
        ),
        (
            '4',
            Tab::Indicators,
            "indicators",
            "classbook — plan indicators (80×24)",
        ),
        ('5', Tab::Review, "review", "classbook — review (80×24)"),
    ] {
        press(&mut app, KeyCode::Char(key));
        ensure!(app.tab == tab, "key {key} did not open {}", tab.title());
        w.shoot(
            &app,
            &Shot {
                name,
                title,
                width: 80,
                height: 24,
            },
        )?;
    }

    // review: the control events' group opened, a finding under the cursor.
    let group = app
        .review
        .rows
        .iter()
        .position(|r| {
            matches!(r, classbook::ui::panes::review::Row::Group { heading, .. }
                if heading.starts_with("control.unmarked"))
        })
        .context("the review has no control.unmarked group")?;
    app.review.row = group;
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Down);
    ensure!(
        app.review.current().is_some(),
        "no finding under the cursor"
    );
    w.shoot(
        &app,
        &Shot {
            name: "review-findings",
            title: "classbook — review, a group of findings opened (80×24)",
            width: 80,
            height: 24,
        },
    )?;

    // indicators: recompute the seed 002 programme, then the chart of 1.2
    // (the share of teachers trained, computed from the Training tab).
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('R'));
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('C'));
    ensure!(
        app.indicators.screen == classbook::ui::panes::indicators::Screen::Chart
            && app
                .indicators
                .current()
                .is_some_and(|r| r.number == "1.2" && r.actual.is_some()),
        "the indicators chart of 1.2 is not open"
    );
    w.shoot(
        &app,
        &Shot {
            name: "indicators-chart",
            title: "classbook — indicator 1.2: target and actual per period (80×24)",
            width: 80,
            height: 24,
        },
    )?;
    press(&mut app, KeyCode::Char('C'));

    // reports: the performance report of 7А, then its attendance at 160×48.
    press(&mut app, KeyCode::Char('6'));
    ensure!(app.tab == Tab::Reports, "key 6 did not open Reports");
    keys(&mut app, "c/7а");
    press(&mut app, KeyCode::Enter);
    ensure!(
        app.reports
            .report
            .as_ref()
            .is_some_and(|r| r.scope == "Class 7А" && !r.rows.is_empty()),
        "the performance report of 7А is empty"
    );
    w.shoot(
        &app,
        &Shot {
            name: "reports",
            title: "classbook — reports: class performance, 7А, 2nd quarter (80×24)",
            width: 80,
            height: 24,
        },
    )?;
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "attend");
    press(&mut app, KeyCode::Enter);
    w.shoot(
        &app,
        &Shot {
            name: "reports-attendance-wide",
            title: "classbook — reports: class attendance, 7А, 2nd quarter (160×48)",
            width: 160,
            height: 48,
        },
    )?;

    // The School tab on the demo: a class's students with stays and orders,
    // then its week timetable.
    press(&mut app, KeyCode::Char('7'));
    ensure!(app.tab == Tab::School, "key 7 did not open School");
    keys(&mut app, "]]");
    w.shoot(
        &app,
        &Shot {
            name: "school-students",
            title: "classbook — School tab: a class's students, stays and orders (80×24)",
            width: 80,
            height: 24,
        },
    )?;
    keys(&mut app, "]]]");
    w.shoot(
        &app,
        &Shot {
            name: "school-timetable",
            title: "classbook — School tab: a class's week timetable (80×24)",
            width: 80,
            height: 24,
        },
    )?;

    // Help over the journal.
    press(&mut app, KeyCode::Char('1'));
    press(&mut app, KeyCode::Char('?'));
    ensure!(
        matches!(app.overlay, Overlay::Help { .. }),
        "the help overlay did not open"
    );
    w.shoot(
        &app,
        &Shot {
            name: "help",
            title: "classbook — help overlay (80×24)",
            width: 80,
            height: 24,
        },
    )?;
    press(&mut app, KeyCode::Esc);
    ensure!(app.overlay == Overlay::None, "Esc did not close the help");

    w.shoot(
        &app,
        &Shot {
            name: "too-small",
            title: "classbook — terminal too small (40×10)",
            width: 40,
            height: 10,
        },
    )?;

    for p in &w.written {
        println!("{}", p.display());
    }
    Ok(w.rsvg)
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!(
                "screenshots: SVGs written, PNGs missing: apt-get install librsvg2-bin \
                 fonts-dejavu-core fonts-noto-cjk"
            );
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("screenshots: {e:#}");
            ExitCode::FAILURE
        }
    }
}
