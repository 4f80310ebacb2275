//! End to end in a real terminal (tmux, 80×24): open the Reports tab on the
//! demo, choose class 7А's attendance, write it as CSV and HTML, and check
//! the files are `classbook report …`'s own output. Skipped when tmux is
//! not installed.

use std::path::Path;
use std::process::Command;

mod common;
use common::tmux::{Tmux, demo_file, has_tmux};

fn classbook(db: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_classbook"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("CLASSBOOK_DB")
        .output()
        .expect("classbook runs")
}

#[test]
fn write_a_report_from_the_tab_in_a_real_terminal() {
    if !has_tmux() {
        eprintln!("tmux is not installed: skipped");
        return;
    }
    let (dir, db) = demo_file();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let t = Tmux::new("reports");
    // Started in the output directory: files are written there.
    let cmd = format!(
        "cd '{}' && env -u CLASSBOOK_DB XDG_CONFIG_HOME='{}' '{}' --db '{}'",
        out.display(),
        dir.path().join("config").display(),
        env!("CARGO_BIN_EXE_classbook"),
        db.display()
    );
    t.start(&cmd);
    t.keys(&["6"]);
    t.wait_for("Class performance");
    t.keys(&["Enter", "/", "a", "t", "t", "Enter"]);
    t.wait_for("Class attendance");
    t.keys(&["c", "/", "7", "a", "Enter"]);
    let screen = t.wait_for("Class 7А");
    assert!(screen.contains("Class total"), "{screen}");
    t.keys(&["w"]);
    let screen = t.wait_for("written ");
    assert!(screen.contains(".csv (25 rows)"), "{screen}");
    t.keys(&["W"]);
    t.wait_for(".html (25 rows)");
    t.keys(&["q"]);
    let mut files: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        vec![
            "attendance_7А_2025-11-03_2025-12-24.csv",
            "attendance_7А_2025-11-03_2025-12-24.html"
        ]
    );
    // The file from the tab is the command line's CSV, byte for byte.
    let cli = classbook(
        &db,
        &["report", "attendance", "--class", "7А", "--format", "csv"],
    );
    assert_eq!(
        std::fs::read(out.join(&files[0])).unwrap(),
        cli.stdout,
        "the tab and `classbook report` agree"
    );
    let html = std::fs::read_to_string(out.join(&files[1])).unwrap();
    assert!(html.contains("<h1>Class attendance</h1>") && html.contains("Class 7А"));
}
