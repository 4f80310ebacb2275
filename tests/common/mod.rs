//! Shared fixtures for the UI tests: the small demo school (seed 42),
//! generated once per test binary and copied for every test.

#![allow(dead_code)]

pub mod tmux;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::NaiveDate;
use classbook::service::demo::{self, DemoOptions, DemoSize};
use classbook::store::{self, Db, OpenMode, OpenOptions};
use classbook::ui::{App, UiOptions};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// The real date the tests pretend it is (the demo's as-of date differs).
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 15).expect("a date")
}

fn create(path: &Path) -> Db {
    store::open(
        path,
        &OpenOptions {
            mode: OpenMode::Create,
            ..OpenOptions::default()
        },
    )
    .expect("database opens")
}

/// The small demo, generated once.
fn master() -> &'static Path {
    static MASTER: OnceLock<PathBuf> = OnceLock::new();
    MASTER.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir").keep();
        let path = dir.join("master.sqlite");
        let mut db = create(&path);
        demo::generate(
            &mut db,
            &DemoOptions {
                size: DemoSize::Small,
                seed: 42,
            },
        )
        .expect("demo generates");
        drop(db); // checkpoints the WAL into the file
        path
    })
}

/// A private copy of the small demo (the directory lives as long as the
/// returned guard).
pub fn demo_db() -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("demo.sqlite");
    std::fs::copy(master(), &path).expect("copy the demo");
    let db = store::open(&path, &OpenOptions::default()).expect("demo opens");
    (dir, db)
}

/// An empty database (schema and reference data only).
pub fn empty_db() -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = create(&dir.path().join("empty.sqlite"));
    (dir, db)
}

/// Options with a fixed date and operator.
pub fn options(no_color: bool) -> UiOptions {
    UiOptions {
        operator: "tester".into(),
        no_color,
        today: today(),
    }
}

/// The app on a fresh copy of the demo.
pub fn demo_app() -> (tempfile::TempDir, App) {
    let (dir, db) = demo_db();
    (dir, App::new(db, options(false)).expect("app starts"))
}

/// Press a key (Shift is implied for upper-case letters and symbols).
pub fn press(app: &mut App, code: KeyCode) -> bool {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// Press each character of `s` as a key.
pub fn type_keys(app: &mut App, s: &str) {
    for c in s.chars() {
        press(app, KeyCode::Char(c));
    }
}

/// Press Ctrl and a letter (Ctrl-s saves a form from any field).
pub fn ctrl(app: &mut App, c: char) -> bool {
    app.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}
