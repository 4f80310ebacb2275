//! The terminal UI: a ratatui application with seven tabs (Journal,
//! Attendance, Training, Indicators, Review, Reports, School) over the
//! services. Each tab is a pane behind the [`component::Pane`] trait: it
//! sees a small [`component::Ctx`], never [`App`], and answers with an
//! [`component::Effect`] that the app applies.
//!
//! The loop blocks on input (no timer), turns each key into an
//! [`Action`] through the [`Keymap`], lets [`App::update`] change the state
//! and redraws only when something changed, inside a synchronized update.
//! [`App`] and [`draw`] need no terminal: tests drive them with
//! [`App::handle_key`] and render into a `TestBackend` with [`render_text`].

pub mod action;
pub mod app;
pub mod component;
pub mod dates;
pub mod draw;
pub mod first_run;
pub mod history;
pub mod keymap;
pub mod panes;
pub mod terminal;
pub mod text;
pub mod theme;
pub mod widgets;

// The form component and the grid moved to `widgets`; the old paths
// still work.
pub use widgets::{form, grid};

use chrono::NaiveDate;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

pub use action::Action;
pub use app::{App, Overlay, Tab};
pub use component::{Ctx, Effect, Pane};
pub use draw::draw;
pub use keymap::{Keymap, Mode};

use crate::store::Db;

/// How the UI is started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UiOptions {
    /// Who is at the keyboard (recorded with every write).
    pub operator: String,
    /// Monochrome: bold and reverse only (`--no-color`; `NO_COLOR` is
    /// also honoured by [`run`]).
    pub no_color: bool,
    /// The real local date; the app works at `store::school::working_date`.
    pub today: NaiveDate,
}

/// Run the UI on `db` in the terminal until the user quits. Reads
/// `keys.conf` from the configuration directory (a bad file is reported in
/// the status bar and the default keys are used).
pub fn run(db: Db, opts: UiOptions) -> anyhow::Result<()> {
    let no_color = opts.no_color || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let (keymap, warning) = match Keymap::default_path() {
        Some(path) => Keymap::load(&path),
        None => (Keymap::default(), None),
    };
    let mut app = App::with_keymap(db, UiOptions { no_color, ..opts }, keymap)?;
    if let Some(w) = warning {
        app.flash(w);
    }
    terminal::run(&mut app)
}

/// Draw `app` into a fresh `TestBackend` of `width`×`height`.
pub fn render_to_backend(
    app: &App,
    width: u16,
    height: u16,
) -> anyhow::Result<Terminal<TestBackend>> {
    let mut terminal = Terminal::new(TestBackend::new(width, height))?;
    terminal.draw(|f| draw(f, app))?;
    Ok(terminal)
}

/// Draw `app` at `width`×`height` and return the screen as text, one line
/// per row (wide characters once, their hidden second cell skipped).
pub fn render_text(app: &App, width: u16, height: u16) -> anyhow::Result<String> {
    let terminal = render_to_backend(app, width, height)?;
    Ok(buffer_text(terminal.backend().buffer()))
}

/// A buffer as text: one line per row, trailing spaces kept.
pub fn buffer_text(buf: &Buffer) -> String {
    let mut out = String::new();
    let w = buf.area.width as usize;
    for row in buf.content.chunks(w.max(1)) {
        let mut skip = 0usize;
        for cell in row {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = cell.symbol();
            out.push_str(sym);
            skip = text::width(sym).saturating_sub(1);
        }
        out.push('\n');
    }
    out
}
