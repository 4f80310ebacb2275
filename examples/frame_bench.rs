//! What one key costs on the wire: `cargo run --release --example frame_bench [db]`.
//!
//! Drives the TUI's `App` with the large demo (built in a temporary file,
//! or the database given as the argument, which is created when missing) at
//! 200×60 through a crossterm backend whose writer counts the bytes and the
//! `write` calls that would reach the terminal. For each run of keys in the
//! journal year grid and the attendance period grid it prints bytes per
//! key (median, mean, max), `write` calls per frame and the time of a key
//! and its frame (median of wall time, mean of this thread's CPU time).

use std::cell::Cell;
use std::io::{self, Write};
use std::path::PathBuf;
use std::rc::Rc;
use std::time::{Duration, Instant};

use classbook::service::demo::{self, DemoOptions, DemoSize};
use classbook::store::{self, OpenMode, OpenOptions};
use classbook::ui::{App, terminal};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Size;

/// A terminal that only counts what it is sent: (bytes, `write` calls),
/// shared with the bench.
#[derive(Default, Clone)]
struct Counter(Rc<Cell<(usize, usize)>>);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let (bytes, writes) = self.0.get();
        self.0.set((bytes + buf.len(), writes + 1));
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The screen the UI draws on (`classbook::ui::terminal`), writing to the
/// counter where the real one writes to the terminal.
type Screen = terminal::Screen<Counter>;

fn screen(counter: &Counter, width: u16, height: u16) -> io::Result<Screen> {
    terminal::screen(counter.clone(), Size { width, height })
}

/// One frame as the event loop draws it.
fn frame(term: &mut Screen, app: &App) -> io::Result<()> {
    terminal::draw_frame(term, app)
}

/// CPU time of this thread.
fn cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec into the struct we own.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn chars(app: &mut App, s: &str) {
    for c in s.chars() {
        app.handle_key(key(KeyCode::Char(c)));
    }
}

/// The first row and column of a grid.
fn home(app: &mut App) {
    app.handle_key(key(KeyCode::Home));
    for _ in 0..400 {
        app.handle_key(key(KeyCode::Left));
    }
}

/// Per key: bytes sent, `write` calls, wall time, CPU time.
struct Sample {
    bytes: usize,
    writes: usize,
    wall: Duration,
    cpu: Duration,
    /// Of the wall time, the key alone (`App::handle_key`).
    key: Duration,
}

/// Press `code` `n` times, drawing a frame after each key that changed
/// something, as the event loop does.
fn run(
    term: &mut Screen,
    counter: &Counter,
    app: &mut App,
    code: KeyCode,
    n: usize,
) -> io::Result<Vec<Sample>> {
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let (b0, w0) = counter.0.get();
        let (t0, c0) = (Instant::now(), cpu());
        let dirty = app.handle_key(key(code));
        let key = t0.elapsed();
        if dirty {
            frame(term, app)?;
        }
        let (wall, cpu) = (t0.elapsed(), cpu() - c0);
        let (b1, w1) = counter.0.get();
        out.push(Sample {
            bytes: b1 - b0,
            writes: w1 - w0,
            wall,
            cpu,
            key,
        });
    }
    Ok(out)
}

fn median<T: Ord + Copy>(v: &[T]) -> T {
    let mut v = v.to_vec();
    v.sort();
    v[v.len() / 2]
}

fn report(what: &str, s: &[Sample]) {
    let bytes: Vec<usize> = s.iter().map(|s| s.bytes).collect();
    let writes: Vec<usize> = s.iter().map(|s| s.writes).collect();
    let wall: Vec<Duration> = s.iter().map(|s| s.wall).collect();
    let keys: Vec<Duration> = s.iter().map(|s| s.key).collect();
    let cpu_mean = s.iter().map(|s| s.cpu).sum::<Duration>() / s.len() as u32;
    println!(
        "{what:<34} {:>3} keys  bytes/key p50 {:>6} mean {:>6} max {:>6}  writes/frame max {:>2}  µs/key p50 {:>4.0} (key alone {:>3.0})  CPU µs/key mean {:>4.0}",
        s.len(),
        median(&bytes),
        bytes.iter().sum::<usize>() / s.len(),
        bytes.iter().max().copied().unwrap_or(0),
        writes.iter().max().copied().unwrap_or(0),
        median(&wall).as_secs_f64() * 1e6,
        median(&keys).as_secs_f64() * 1e6,
        cpu_mean.as_secs_f64() * 1e6,
    );
}

/// The large demo: the path given, generated there when it does not
/// exist yet, or a temporary file.
fn database() -> anyhow::Result<(Option<tempfile::TempDir>, PathBuf)> {
    let (dir, path) = match std::env::args_os().nth(1) {
        Some(p) => (None, PathBuf::from(p)),
        None => {
            let dir = tempfile::tempdir()?;
            let path = dir.path().join("large.sqlite");
            (Some(dir), path)
        }
    };
    if !path.exists() {
        let t = Instant::now();
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
                size: DemoSize::Large,
                seed: 42,
            },
        )?;
        println!("large demo built in {:.1} s", t.elapsed().as_secs_f64());
    }
    Ok((dir, path))
}

fn main() -> anyhow::Result<()> {
    let (_dir, path) = database()?;
    let opts = classbook::ui::UiOptions {
        operator: "bench".into(),
        no_color: false,
        today: chrono::Local::now().date_naive(),
    };
    let (w, h) = (200, 60);
    let mut app = App::new(store::open(&path, &OpenOptions::default())?, opts)?;
    let counter = Counter::default();
    let mut term = screen(&counter, w, h)?;
    frame(&mut term, &app)?;
    let (first, first_writes) = counter.0.get();
    println!("first frame: {first} bytes in {first_writes} writes ({w}×{h})");

    // Journal: 7А algebra, the whole year (the last period in the list).
    chars(&mut app, "c/7а");
    app.handle_key(key(KeyCode::Enter));
    chars(&mut app, "s/алгебра");
    app.handle_key(key(KeyCode::Enter));
    chars(&mut app, "pG");
    app.handle_key(key(KeyCode::Enter));
    home(&mut app);
    frame(&mut term, &app)?;
    let v = app.journal.view.as_ref().expect("the journal is open");
    println!(
        "journal {} {} {}: {} students × {} lessons",
        v.class.name,
        v.subject.name,
        v.period.label,
        v.students.len(),
        v.lessons.len()
    );
    let mut all = Vec::new();
    for (what, code, n) in [
        ("journal year: Right", KeyCode::Right, 120),
        ("journal year: Left", KeyCode::Left, 120),
        ("journal year: Down", KeyCode::Down, 25),
        ("journal year: Up", KeyCode::Up, 25),
        ("journal year: PageDown", KeyCode::PageDown, 4),
        ("journal year: PageUp", KeyCode::PageUp, 4),
    ] {
        let s = run(&mut term, &counter, &mut app, code, n)?;
        report(what, &s);
        if std::env::var_os("FRAME_BENCH_EACH").is_some() {
            let each: Vec<usize> = s.iter().map(|s| s.bytes).collect();
            println!("  bytes of each key: {each:?}");
        }
        all.extend(s);
    }

    // Attendance: 7А, the period grid of the whole year.
    chars(&mut app, "2c/7а");
    app.handle_key(key(KeyCode::Enter));
    chars(&mut app, "P]]]]]]]]");
    frame(&mut term, &app)?;
    let p = app
        .attendance
        .period
        .as_ref()
        .expect("the period grid is open");
    println!(
        "attendance period grid {}–{}: {} students × {} days",
        p.from,
        p.to,
        p.students.len(),
        p.days.len()
    );
    home(&mut app);
    frame(&mut term, &app)?;
    for (what, code, n) in [
        ("attendance year: Right", KeyCode::Right, 120),
        ("attendance year: Left", KeyCode::Left, 120),
        ("attendance year: Down", KeyCode::Down, 25),
        ("attendance year: Up", KeyCode::Up, 25),
        ("attendance year: PageDown", KeyCode::PageDown, 4),
        ("attendance year: PageUp", KeyCode::PageUp, 4),
    ] {
        let s = run(&mut term, &counter, &mut app, code, n)?;
        report(what, &s);
        if std::env::var_os("FRAME_BENCH_EACH").is_some() {
            let each: Vec<usize> = s.iter().map(|s| s.bytes).collect();
            println!("  bytes of each key: {each:?}");
        }
        all.extend(s);
    }
    report("all of the above", &all);
    Ok(())
}
