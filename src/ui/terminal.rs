//! The real terminal: raw mode, alternate screen, bracketed paste, a panic
//! hook that restores the terminal before the panic is printed, and the
//! event loop (blocking reads, draws only after a change, each draw inside
//! a synchronized update).
//!
//! A frame reaches the terminal in one `write`: the backend
//! ([`FrameBackend`]) writes into a [`FrameWriter`], which holds the
//! frame's bytes until the frame ends. The screen's size comes from resize
//! events, not from a query of the terminal on every draw.

use std::fs::File;
use std::io::{self, Write};
use std::os::fd::AsFd;
use std::rc::Rc;

use crossterm::event::{self, DisableBracketedPaste, EnableBracketedPaste, Event, KeyEventKind};
use crossterm::terminal::{
    BeginSynchronizedUpdate, EndSynchronizedUpdate, EnterAlternateScreen, LeaveAlternateScreen,
    disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute, queue};
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};

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

/// Collects what the backend writes and sends it on in one `write_all`
/// at a `flush`, except while its [`FrameBackend`] is inside a frame
/// (ratatui and crossterm flush several times in one draw): then the bytes
/// wait for the frame's end.
///
/// During a panic nothing held is sent: the panic hook has already put the
/// terminal back, and half a frame printed after that would land on the
/// user's shell screen.
pub struct FrameWriter<W: Write> {
    buf: Vec<u8>,
    out: W,
    in_frame: Rc<std::cell::Cell<bool>>,
}

impl<W: Write> FrameWriter<W> {
    /// A writer in front of `out`, with room for a large frame.
    fn new(out: W, in_frame: Rc<std::cell::Cell<bool>>) -> FrameWriter<W> {
        FrameWriter {
            buf: Vec::with_capacity(64 * 1024),
            out,
            in_frame,
        }
    }

    fn send(&mut self) -> io::Result<()> {
        if std::thread::panicking() {
            self.buf.clear();
            return Ok(());
        }
        if !self.buf.is_empty() {
            let sent = self.out.write_all(&self.buf);
            self.buf.clear();
            sent?;
        }
        self.out.flush()
    }
}

impl<W: Write> Write for FrameWriter<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.in_frame.get() {
            Ok(())
        } else {
            self.send()
        }
    }
}

impl<W: Write> Drop for FrameWriter<W> {
    fn drop(&mut self) {
        let _ = self.send();
    }
}

/// The terminal's standard output without the standard library's line
/// buffer (which would cut a frame into 1 KiB writes): a second handle on
/// the same file. Each write holds the lock of `io::stdout()`, so a
/// frame and [`restore`] (from the signal thread) never interleave.
pub struct Tty(File);

impl Tty {
    pub fn new() -> io::Result<Tty> {
        Ok(Tty(File::from(io::stdout().as_fd().try_clone_to_owned()?)))
    }
}

impl Write for Tty {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let _lock = io::stdout().lock();
        self.0.write(data)
    }

    fn write_all(&mut self, data: &[u8]) -> io::Result<()> {
        let _lock = io::stdout().lock();
        self.0.write_all(data)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// The backend the UI draws with: crossterm's, writing into a
/// [`FrameWriter`], with two differences. It knows the screen's size
/// instead of asking the terminal (ratatui's `Terminal::draw` asks on every
/// draw, to resize itself): the size is set at start and from each resize
/// event. And inside [`draw_frame`] its writer holds back the flushes
/// that ratatui and crossterm make during a draw, so that the whole frame,
/// synchronized update markers included, goes out in one write.
pub struct FrameBackend<W: Write> {
    inner: CrosstermBackend<FrameWriter<W>>,
    size: Size,
    in_frame: Rc<std::cell::Cell<bool>>,
}

impl<W: Write> FrameBackend<W> {
    pub fn new(out: W, size: Size) -> FrameBackend<W> {
        let in_frame = Rc::new(std::cell::Cell::new(false));
        FrameBackend {
            inner: CrosstermBackend::new(FrameWriter::new(out, in_frame.clone())),
            size,
            in_frame,
        }
    }

    /// The new size, from a resize event; the next draw repaints.
    pub fn set_size(&mut self, size: Size) {
        self.size = size;
    }
}

impl<W: Write> Write for FrameBackend<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.inner.write(data)
    }

    fn flush(&mut self) -> io::Result<()> {
        Write::flush(&mut self.inner)
    }
}

impl<W: Write> Backend for FrameBackend<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.inner.draw(content)
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        self.inner.append_lines(n)
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> io::Result<Size> {
        Ok(self.size)
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.inner.window_size()
    }

    fn flush(&mut self) -> io::Result<()> {
        Write::flush(self)
    }
}

/// The terminal the UI draws on, its frames going to `W`.
pub type Screen<W> = Terminal<FrameBackend<W>>;

/// A screen of `size` writing its frames to `out`.
pub fn screen<W: Write>(out: W, size: Size) -> io::Result<Screen<W>> {
    Terminal::new(FrameBackend::new(out, size))
}

/// Draw one frame of `app`, inside a synchronized update, and send it to
/// the terminal in one write.
pub fn draw_frame<W: Write>(terminal: &mut Screen<W>, app: &App) -> io::Result<()> {
    frame_with(terminal, |f| draw(f, app))
}

/// One frame drawn by `render`, as [`draw_frame`] draws the app.
fn frame_with<W: Write>(
    terminal: &mut Screen<W>,
    render: impl FnOnce(&mut ratatui::Frame),
) -> io::Result<()> {
    terminal.backend().in_frame.set(true);
    let drawn = queue!(terminal.backend_mut(), BeginSynchronizedUpdate)
        .and_then(|()| terminal.draw(render).map(|_| ()))
        .and_then(|()| queue!(terminal.backend_mut(), EndSynchronizedUpdate));
    terminal.backend().in_frame.set(false);
    let sent = Write::flush(terminal.backend_mut());
    drawn.and(sent)
}

fn enter() -> io::Result<Screen<Tty>> {
    enable_raw_mode()?;
    let mut out = io::stdout();
    execute!(
        out,
        EnterAlternateScreen,
        EnableBracketedPaste,
        cursor::Hide
    )?;
    let (width, height) = crossterm::terminal::size()?;
    screen(Tty::new()?, Size { width, height })
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

fn event_loop(terminal: &mut Screen<Tty>, app: &mut App) -> anyhow::Result<()> {
    let mut dirty = true;
    loop {
        if dirty {
            draw_frame(terminal, app)?;
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
            Event::Resize(width, height) => {
                terminal.backend_mut().set_size(Size { width, height });
                true
            }
            _ => false,
        };
        if app.quit {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use ratatui::style::Style;

    use super::*;
    use crate::ui::text::put;

    /// A terminal that keeps each `write` it is given.
    #[derive(Default, Clone)]
    struct Wire(Rc<RefCell<Vec<Vec<u8>>>>);

    impl Write for Wire {
        fn write(&mut self, data: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().push(data.to_vec());
            Ok(data.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Wire {
        fn writes(&self) -> Vec<String> {
            self.0
                .borrow()
                .iter()
                .map(|w| String::from_utf8_lossy(w).into_owned())
                .collect()
        }
    }

    fn text(term: &mut Screen<Wire>, s: &str) -> io::Result<()> {
        frame_with(term, |f| {
            let area = f.area();
            put(
                f.buffer_mut(),
                area,
                0,
                0,
                area.width as usize,
                s,
                Style::default(),
            );
        })
    }

    const BEGIN: &str = "\x1b[?2026h";
    const END: &str = "\x1b[?2026l";

    #[test]
    fn each_frame_is_one_write_inside_a_synchronized_update() {
        let wire = Wire::default();
        let mut term = screen(wire.clone(), Size::new(40, 5)).unwrap();
        text(&mut term, "Иванов Пётр · Nguyễn Thị Hương").unwrap();
        let writes = wire.writes();
        assert_eq!(writes.len(), 1, "{writes:?}");
        assert!(writes[0].starts_with(BEGIN) && writes[0].ends_with(END));
        assert!(
            writes[0].contains("Иванов") && writes[0].contains("Hương"),
            "{writes:?}"
        );
        // The next frame sends only what changed, again in one write.
        text(&mut term, "Иванов Пётр · Nguyễn Thị Hà").unwrap();
        let writes = wire.writes();
        assert_eq!(writes.len(), 2, "{writes:?}");
        assert!(writes[1].starts_with(BEGIN) && writes[1].ends_with(END));
        assert!(!writes[1].contains("Иванов"), "{}", writes[1]);
        assert!(writes[1].contains("à"), "{}", writes[1]);
    }

    #[test]
    fn the_size_comes_from_resize_events_not_from_the_terminal() {
        // No terminal is asked: the wire is not one.
        let wire = Wire::default();
        let mut term = screen(wire.clone(), Size::new(30, 4)).unwrap();
        let mut seen = Vec::new();
        frame_with(&mut term, |f| seen.push(f.area())).unwrap();
        term.backend_mut().set_size(Size::new(50, 6));
        frame_with(&mut term, |f| seen.push(f.area())).unwrap();
        assert_eq!(
            seen,
            [
                ratatui::layout::Rect::new(0, 0, 30, 4),
                ratatui::layout::Rect::new(0, 0, 50, 6)
            ]
        );
        // The resized frame starts from a cleared screen, in its one write.
        let writes = wire.writes();
        assert_eq!(writes.len(), 2, "{writes:?}");
        assert!(writes[1].contains("\x1b[2J"), "{}", writes[1]);
    }

    #[test]
    fn half_a_frame_is_never_sent_after_a_panic() {
        let wire = Wire::default();
        let w = wire.clone();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
            let mut term = screen(w, Size::new(20, 3)).unwrap();
            let _ = frame_with(&mut term, |f| {
                let area = f.area();
                put(
                    f.buffer_mut(),
                    area,
                    0,
                    0,
                    20,
                    "Lê Văn Tám",
                    Style::default(),
                );
                panic!("drawing failed");
            });
        }));
        assert!(result.is_err());
        assert!(wire.writes().is_empty(), "{:?}", wire.writes());
    }
}
