//! A tmux server of a test's own (`tmux -L socket`) with one session,
//! `e2e`, for driving the real binary in a real terminal.

use std::process::Command;
use std::thread::sleep;
use std::time::{Duration, Instant};

pub struct Tmux {
    pub socket: String,
}

/// Whether tmux is installed (the end-to-end tests are skipped otherwise).
pub fn has_tmux() -> bool {
    Command::new("tmux").arg("-V").output().is_ok()
}

impl Tmux {
    /// A server named after the test and this process.
    pub fn new(name: &str) -> Tmux {
        Tmux {
            socket: format!("classbook-e2e-{name}-{}", std::process::id()),
        }
    }

    /// Start the session `e2e` at 80×24 running the shell command `cmd`,
    /// and wait for classbook's tab bar.
    pub fn start(&self, cmd: &str) {
        self.run(&[
            "new-session",
            "-d",
            "-s",
            "e2e",
            "-x",
            "80",
            "-y",
            "24",
            cmd,
        ]);
        self.wait_for("1 Journal");
    }

    /// Run a tmux command on this server; its standard output.
    pub fn run(&self, args: &[&str]) -> String {
        let o = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .env_remove("TMUX")
            .output()
            .expect("tmux runs");
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// Press keys (tmux key names), one at a time.
    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.run(&["send-keys", "-t", "e2e", k]);
            sleep(Duration::from_millis(60));
        }
    }

    /// Type text literally.
    pub fn text(&self, literal: &str) {
        self.run(&["send-keys", "-t", "e2e", "-l", literal]);
    }

    pub fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "e2e"])
    }

    /// Poll until the screen shows `what` (20 s at most: CI may be slow;
    /// nothing is asserted about speed).
    pub fn wait_for(&self, what: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(what) {
                return s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "timed out waiting for «{what}»; screen:\n{s}"
            );
            sleep(Duration::from_millis(50));
        }
    }
}

/// A fresh small demo school in a temporary directory (kept as long as
/// the returned guard): the directory and the database file.
pub fn demo_file() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("demo.sqlite");
    let o = Command::new(env!("CARGO_BIN_EXE_classbook"))
        .args(["demo", "--db"])
        .arg(&db)
        .env_remove("CLASSBOOK_DB")
        .output()
        .expect("classbook runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // The sessions run `--as e2e`: the demo's maker makes e2e an
    // administrator.
    grant(&db, "e2e", "admin");
    (dir, db)
}

/// `classbook users grant LOGIN ROLE` on `db`, by the one who made it.
pub fn grant(db: &std::path::Path, login: &str, role: &str) {
    let o = Command::new(env!("CARGO_BIN_EXE_classbook"))
        .arg("--db")
        .arg(db)
        .args(["users", "grant", login, role])
        .env_remove("CLASSBOOK_DB")
        .output()
        .expect("classbook runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}
