//! End to end in a real terminal (tmux, 80×24): add a training session,
//! take its roll call with one late and one sick leave, read the standing
//! on screen, and check `classbook training standing` says the same.
//! Skipped when tmux is not installed.

use std::path::Path;
use std::process::Command;

mod common;
use common::tmux::{Tmux, demo_file, has_tmux};

fn standing_json(db: &Path) -> serde_json::Value {
    let o = Command::new(env!("CARGO_BIN_EXE_classbook"))
        .arg("--db")
        .arg(db)
        .args([
            "training",
            "standing",
            "--semester",
            "1",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn add_a_session_roll_call_and_standing_agree_with_the_cli() {
    if !has_tmux() {
        eprintln!("tmux not installed: skipped");
        return;
    }
    let (_dir, db) = demo_file();
    let bin = env!("CARGO_BIN_EXE_classbook");
    let tmux = Tmux::new("training");
    let cmd = format!("{bin} --db '{}' --as e2e", db.display());
    tmux.start(&cmd);
    tmux.keys(&["3"]);
    tmux.wait_for("15 sessions");
    tmux.keys(&["a"]);
    tmux.wait_for("Add a session to semester 1");
    tmux.text("Педсовет: итоги полугодия");
    tmux.keys(&["C-s"]);
    tmux.wait_for("added the session of 24.12.2025");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Roll call");
    tmux.keys(&["A"]);
    tmux.wait_for("35/35 marked");
    tmux.keys(&["L", "s"]);
    tmux.wait_for("a medical certificate");
    tmux.keys(&["Enter"]);
    tmux.keys(&["k"]);
    tmux.wait_for("sick, certificate given");
    tmux.keys(&["T"]);
    let screen = tmux.wait_for("Standing · semester 1");
    tmux.keys(&["q"]);

    // The first two teachers on screen: the late one and the sick one.
    let v = standing_json(&db);
    let rows: Vec<&str> = screen
        .lines()
        .map(str::trim_end)
        .filter(|l| {
            ["FAIL", "pass", "on track", "behind"]
                .iter()
                .any(|v| l.ends_with(v))
        })
        .collect();
    let teachers = v["teachers"].as_array().unwrap();
    for (line, t) in rows.iter().zip(teachers).take(2) {
        let name: String = t["name"].as_str().unwrap().chars().take(12).collect();
        assert!(line.contains(&name), "{line} / {name}");
        assert_eq!(t["sessions"], 16, "{line}");
        // Passing so far: "pass", or "on track" / "behind" while the
        // year's credits minimum is not yet due.
        let verdicts: &[&str] = if t["pass"] == true {
            &["pass", "on track", "behind"]
        } else {
            &["FAIL"]
        };
        assert!(verdicts.iter().any(|v| line.ends_with(v)), "{line}");
        let credits = t["credits"].as_f64().unwrap();
        let shown = if credits.fract() == 0.0 {
            format!(" {credits:.0} ")
        } else {
            format!(" {credits} ")
        };
        assert!(line.contains(&shown), "{line} / {shown}");
    }
    assert!(teachers[0]["late"].as_u64().unwrap() >= 1);
    assert!(teachers[1]["sick_leave"].as_u64().unwrap() >= 1);
    let header = format!(
        "{} teachers, {} pass, {} fail",
        teachers.len(),
        v["passing"],
        v["failing"]
    );
    assert!(screen.contains(&header), "{screen}\n{header}");
}
