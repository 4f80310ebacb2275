//! The real terminal: raw mode, alternate screen, bracketed paste, a panic
//! hook that restores the terminal before the panic is printed, and the
//! event loop (blocking reads, draws only after a change, each draw inside
//! a synchronized update).

use std::io::{self, Stdout, Write};

use crossterm::event::{self, DisableBracketedPaste, EnableBracketedPaste, Event, KeyEventKind};
use crossterm::terminal::{
    BeginSynchronizedUpdate, EndSynchronizedUpdate, EnterAlternateScreen, LeaveAlternateScreen,
    disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute, queue};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use super::app::App;
use super::draw::draw;

/// Put the terminal back as it was: leave the alternate screen, stop
/// bracketed paste, show the cursor, leave raw mode. Safe to call twice.
pub fn restore() {
    let mut out = io::stdout();
    let _ = execute!(
        out,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = disable_raw_mode();
    let _ = out.flush();
}

/// Make a panic restore the terminal first, then print as usual.
pub fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}

/// Make SIGTERM, SIGHUP and SIGQUIT restore the terminal before the
/// program ends (exit status 128 + the signal, as a shell reports it).
/// What was saved is saved; a write in progress is rolled back by SQLite.
fn restore_on_signals() {
    use signal_hook::consts::{SIGHUP, SIGQUIT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGQUIT]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(sig) = signals.forever().next() {
            restore();
            std::process::exit(128 + sig);
        }
    });
}

fn enter() -> io::Result<Terminal<CrosstermBackend<Stdout>>> {
    enable_raw_mode()?;
    let mut out = io::stdout();
    execute!(
        out,
        EnterAlternateScreen,
        EnableBracketedPaste,
        cursor::Hide
    )?;
    Terminal::new(CrosstermBackend::new(out))
}

/// Run the event loop on the real terminal until the app quits.
pub fn run(app: &mut App) -> anyhow::Result<()> {
    install_panic_hook();
    restore_on_signals();
    let result = enter()
        .map_err(anyhow::Error::from)
        .and_then(|mut terminal| event_loop(&mut terminal, app));
    restore();
    result
}

/// How often an idle screen looks for changes saved by others.
const REFRESH_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

fn event_loop(
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
    app: &mut App,
) -> anyhow::Result<()> {
    let mut dirty = true;
    loop {
        if dirty {
            queue!(terminal.backend_mut(), BeginSynchronizedUpdate)?;
            terminal.draw(|f| draw(f, app))?;
            execute!(terminal.backend_mut(), EndSynchronizedUpdate)?;
        }
        // Wait for something to happen; every few seconds without a key,
        // look whether others saved something (one PRAGMA, no I/O, no
        // redraw unless they did).
        if !event::poll(REFRESH_EVERY)? {
            dirty = app.tick();
            continue;
        }
        dirty = match event::read()? {
            Event::Key(k) if k.kind == KeyEventKind::Release => false,
            Event::Key(k) => app.handle_key(k),
            Event::Paste(text) => app.handle_paste(&text),
            Event::Resize(_, _) => true,
            _ => false,
        };
        if app.quit {
            return Ok(());
        }
    }
}
