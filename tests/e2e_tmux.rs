//! Layer 4: the real binary in a real pseudo-terminal, driven through tmux.
//! Keys go in with `send-keys`, the screen comes back with `capture-pane`.
//! Without tmux on PATH the tmux tests print a note and pass.
//!
//! Each test starts its own tmux server on its own socket (`tmux -L`), so
//! tests running in parallel never meet, and a guard kills that server
//! whatever happens.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::sleep;
use std::time::{Duration, Instant};

/// How long to wait for the screen to show something. Generous: a loaded
/// CI machine may be slow; nothing is asserted about speed.
const TIMEOUT: Duration = Duration::from_secs(20);
const POLL: Duration = Duration::from_millis(50);

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_classbook")
}

fn tmux_installed() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A unique name per test and process, for the socket and the session.
fn unique(tag: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    format!(
        "classbook-e2e-{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// Quote for `sh`.
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The small demo written by the binary itself into `dir`.
fn demo_db(dir: &Path) -> PathBuf {
    let path = dir.join("demo.sqlite");
    let o = Command::new(bin())
        .args(["demo", "--db"])
        .arg(&path)
        .env_remove("CLASSBOOK_DB")
        .output()
        .expect("the binary runs");
    assert!(
        o.status.success(),
        "demo failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    path
}

/// One tmux server (own socket) with one session running classbook.
/// Dropping it kills the server.
struct Tmux {
    socket: String,
    session: String,
    /// The socket file, removed after the server is killed.
    socket_path: Option<PathBuf>,
    /// Where the shell around the program writes its exit status.
    status_file: PathBuf,
}

impl Tmux {
    /// Start `classbook --db <db>` in an 80×24 pane, with `env` (pairs
    /// such as `TERM=linux`) in its environment. The pane stays after the
    /// program exits (`remain-on-exit`), so its last screen can be read;
    /// the shell around it writes the exit status to a file and exits with
    /// it (tmux does not always report `pane_dead_status`).
    fn start(tag: &str, dir: &Path, db: &Path, env: &[(&str, &str)]) -> Tmux {
        let name = unique(tag);
        let mut t = Tmux {
            socket: name.clone(),
            session: name,
            socket_path: None,
            status_file: dir.join("exit-status"),
        };
        // No user configuration; remain-on-exit set before the program runs.
        let conf = dir.join("tmux.conf");
        std::fs::write(&conf, "set-option -g remain-on-exit on\n").expect("write tmux.conf");
        let mut cmd = String::from("env -u NO_COLOR -u CLASSBOOK_DB");
        // Keep the program away from the user's keys.conf.
        let config = dir.join("config");
        cmd.push_str(&format!(
            " XDG_CONFIG_HOME={} USER=tester",
            sh_quote(&config.to_string_lossy())
        ));
        for (k, v) in env {
            cmd.push_str(&format!(" {k}={}", sh_quote(v)));
        }
        cmd.push_str(&format!(
            " {} --db {}; s=$?; echo $s > {}; exit $s",
            sh_quote(bin()),
            sh_quote(&db.to_string_lossy()),
            sh_quote(&t.status_file.to_string_lossy())
        ));
        let o = Command::new("tmux")
            .args(["-L", &t.socket, "-f"])
            .arg(&conf)
            .args([
                "new-session",
                "-d",
                "-s",
                &t.session,
                "-x",
                "80",
                "-y",
                "24",
                &cmd,
            ])
            .env("TERM", "xterm-256color")
            .env_remove("TMUX")
            .output()
            .expect("tmux runs");
        assert!(
            o.status.success(),
            "tmux new-session failed: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        t.socket_path = Some(PathBuf::from(t.display("#{socket_path}")));
        t
    }

    fn tmux(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .env_remove("TMUX")
            .output()
            .expect("tmux runs")
    }

    /// Run a tmux command that must succeed; its stdout.
    fn ok(&self, args: &[&str]) -> String {
        let o = self.tmux(args);
        assert!(
            o.status.success(),
            "tmux {args:?} failed: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// The screen as plain text.
    fn screen(&self) -> String {
        self.ok(&["capture-pane", "-p", "-t", &self.session])
    }

    /// The screen with the escape sequences of its attributes.
    fn screen_with_escapes(&self) -> String {
        self.ok(&["capture-pane", "-p", "-e", "-t", &self.session])
    }

    /// Send tmux key names (`q`, `Escape`, `?`).
    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.session];
        args.extend_from_slice(keys);
        self.ok(&args);
    }

    fn resize(&self, w: u16, h: u16) {
        let (w, h) = (w.to_string(), h.to_string());
        self.ok(&["resize-window", "-t", &self.session, "-x", &w, "-y", &h]);
    }

    /// `display -p` of a format, trimmed.
    fn display(&self, format: &str) -> String {
        self.ok(&["display-message", "-p", "-t", &self.session, format])
            .trim()
            .to_string()
    }

    /// Poll the screen until `pred` holds; panic with the last screen if it
    /// does not within [`TIMEOUT`].
    fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if pred(&screen) {
                return screen;
            }
            if start.elapsed() > TIMEOUT {
                panic!(
                    "timed out waiting for {what}; pane: {}\nscreen:\n{screen}",
                    self.display("dead=#{pane_dead} status=#{pane_dead_status}")
                );
            }
            sleep(POLL);
        }
    }

    fn wait_for_text(&self, needle: &str) -> String {
        self.wait_for(&format!("«{needle}»"), |s| s.contains(needle))
    }

    /// Wait for the program to exit and its pane to die; the exit status
    /// (tmux's `pane_dead_status` when it has it, else the status file).
    fn wait_for_exit(&self) -> String {
        let start = Instant::now();
        loop {
            let state = self.display("#{pane_dead} #{pane_dead_status}");
            let written = std::fs::read_to_string(&self.status_file)
                .ok()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty());
            if let (Some(tmux_status), Some(file)) = (state.strip_prefix("1"), &written) {
                let tmux_status = tmux_status.trim();
                if !tmux_status.is_empty() {
                    assert_eq!(tmux_status, file, "pane_dead_status and the shell agree");
                }
                return file.clone();
            }
            if start.elapsed() > TIMEOUT {
                panic!(
                    "the program did not exit (pane: {state}, status file: {written:?}); \
                     screen:\n{}",
                    self.screen()
                );
            }
            sleep(POLL);
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
        if let Some(path) = &self.socket_path {
            let _ = std::fs::remove_file(path);
        }
    }
}

const TAB_BAR: &str = "1 Journal";

#[test]
fn keys_resize_and_quit_in_a_real_terminal() {
    if !tmux_installed() {
        eprintln!("skipping: tmux not installed");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let db = demo_db(dir.path());
    let t = Tmux::start("keys", dir.path(), &db, &[("TERM", "xterm-256color")]);

    // The whole first frame: tmux may be read while it is still drawing.
    let first = t.wait_for("the first frame with its status bar", |s| {
        s.contains(TAB_BAR) && s.contains("demo.sqlite")
    });
    assert!(first.contains("2 Attendance"), "{first}");
    assert!(first.contains("demo.sqlite"), "status bar: {first}");

    // 2: the attendance grid.
    t.keys(&["2"]);
    t.wait_for("the attendance grid", |s| {
        s.lines()
            .any(|l| l.trim_start().starts_with("Student") && l.contains("abs"))
            && s.contains(" Day ")
    });

    // ?: the help overlay; Escape closes it.
    t.keys(&["?"]);
    t.wait_for_text("Keys (/ searches, Esc closes");
    t.keys(&["Escape"]);
    t.wait_for("the help to close", |s| {
        !s.contains("Keys (/ searches, Esc closes") && s.contains("abs")
    });

    // 3: the training sessions.
    t.keys(&["3"]);
    t.wait_for_text("sessions");

    // Too small: one line; back to 80×24: the full screen again.
    t.resize(20, 5);
    let small = t.wait_for_text("terminal too small");
    assert!(!small.contains(TAB_BAR), "{small}");
    t.resize(80, 24);
    let back = t.wait_for("the full screen again", |s| {
        s.contains(TAB_BAR) && s.contains("sessions")
    });
    assert!(back.contains("sessions"), "still on Training: {back}");
    assert!(!back.contains("terminal too small"), "{back}");

    // q quits with status 0 and leaves the alternate screen.
    t.keys(&["q"]);
    assert_eq!(t.wait_for_exit(), "0", "exit status");
    let after = t.screen();
    assert!(
        !after.contains(TAB_BAR) && !after.contains("sessions"),
        "the alternate screen was not left:\n{after}"
    );
    // (The cursor flag cannot be checked here: tmux hides the cursor of a
    // dead pane.)
    assert_eq!(t.display("#{alternate_on}"), "0", "alternate screen off");
}

/// Parameters of every SGR sequence (`ESC [ … m`) in `s`.
fn sgr_params(s: &str) -> Vec<Vec<u16>> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find("\x1b[") {
        rest = &rest[i + 2..];
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == ';' || c == ':'))
            .unwrap_or(rest.len());
        if rest[end..].starts_with('m') {
            let params = rest[..end]
                .split([';', ':'])
                .map(|p| p.parse().unwrap_or(0))
                .collect();
            out.push(params);
        }
        rest = &rest[end..];
    }
    out
}

#[test]
fn no_color_gives_bold_and_reverse_only() {
    if !tmux_installed() {
        eprintln!("skipping: tmux not installed");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let db = demo_db(dir.path());
    let t = Tmux::start(
        "nocolor",
        dir.path(),
        &db,
        &[("NO_COLOR", "1"), ("TERM", "linux")],
    );
    t.wait_for_text(TAB_BAR);
    // Walk the tabs and the help so every pane's styles are seen.
    let mut seen = Vec::new();
    for (key, needle) in [
        ("1", TAB_BAR),
        ("2", "abs"),
        ("3", "sessions"),
        ("4", TAB_BAR),
        ("5", TAB_BAR),
        ("?", "Keys (/ searches, Esc closes"),
    ] {
        t.keys(&[key]);
        t.wait_for_text(needle);
        let screen = t.screen_with_escapes();
        for params in sgr_params(&screen) {
            // The first parameter of each group: 38;5;n and 38;2;r;g;b have
            // their colour numbers after it.
            let colour = params
                .iter()
                .any(|&p| matches!(p, 30..=38 | 40..=48 | 90..=97 | 100..=107));
            assert!(
                !colour,
                "colour SGR {params:?} after key {key} with NO_COLOR:\n{screen:?}"
            );
        }
        seen.push(screen);
    }
    let all = seen.concat();
    let params: Vec<u16> = sgr_params(&all).into_iter().flatten().collect();
    assert!(params.contains(&1), "bold is used: {all:?}");
    assert!(params.contains(&7), "reverse is used: {all:?}");
    // Escape and q sent together would read as Alt-q: wait in between.
    t.keys(&["Escape"]);
    t.wait_for("the help to close", |s| {
        !s.contains("Keys (/ searches, Esc closes")
    });
    t.keys(&["q"]);
    assert_eq!(t.wait_for_exit(), "0");
}

#[test]
fn a_bad_database_gets_one_line_and_exit_3() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = dir.path().join("notes.sqlite");
    std::fs::write(&text, "this is not a database\n").expect("write");
    let o = Command::new(bin())
        .arg("--db")
        .arg(&text)
        .env_remove("CLASSBOOK_DB")
        .env("TERM", "xterm-256color")
        .output()
        .expect("the binary runs");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("classbook: "), "{err}");
    assert!(err.contains("notes.sqlite"), "{err}");
    // The terminal was never touched: nothing on stdout, no escapes.
    assert!(
        o.stdout.is_empty(),
        "{:?}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert_eq!(
        std::fs::read_to_string(&text).expect("read"),
        "this is not a database\n",
        "the file is left alone"
    );
}

/// The pid of the classbook process on `db` (not the shell that runs it).
fn classbook_pid(db: &Path) -> Option<String> {
    let o = Command::new("pgrep")
        .args(["-f", &db.to_string_lossy()])
        .output()
        .ok()?;
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(str::trim)
        .find(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|c| c.trim() == "classbook")
        })
        .map(str::to_string)
}

#[test]
fn sigterm_and_sighup_restore_the_terminal() {
    if !tmux_installed() || Command::new("pgrep").arg("-V").output().is_err() {
        eprintln!("skipping: tmux or pgrep not installed");
        return;
    }
    for (signal, status) in [("TERM", "143"), ("HUP", "129")] {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = demo_db(dir.path());
        let t = Tmux::start(
            &format!("sig{signal}"),
            dir.path(),
            &db,
            &[("TERM", "xterm-256color")],
        );
        t.wait_for("the first frame", |s| {
            s.contains(TAB_BAR) && s.contains("demo.sqlite")
        });
        assert_eq!(t.display("#{alternate_on}"), "1", "on the alternate screen");
        let pid = classbook_pid(&db).expect("classbook runs");
        let o = Command::new("kill")
            .args([&format!("-{signal}"), &pid])
            .output()
            .expect("kill runs");
        assert!(o.status.success(), "kill -{signal} {pid}");
        assert_eq!(t.wait_for_exit(), status, "exit status after SIG{signal}");
        assert_eq!(
            t.display("#{alternate_on}"),
            "0",
            "alternate screen left after SIG{signal}"
        );
    }
}
