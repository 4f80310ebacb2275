//! End to end in a real terminal (tmux, 80×24, monochrome) on the small
//! demo: open the seed 002 programme, enter an actual value, recompute the
//! computed indicators, read the chart, and check `classbook indicators
//! show` says the same. Skipped when tmux is not installed.

use std::path::Path;
use std::process::Command;

mod common;
use common::tmux::{Tmux, demo_file, has_tmux};

fn cli(db: &Path, args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_classbook"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn open_the_programme_enter_a_value_recompute_read_the_chart() {
    if !has_tmux() {
        eprintln!("tmux not installed: skipped");
        return;
    }
    let (_dir, db) = demo_file();
    let bin = env!("CARGO_BIN_EXE_classbook");
    let tmux = Tmux::new("indicators");
    let cmd = format!("{bin} --db '{}' --as e2e --no-color", db.display());
    tmux.start(&cmd);
    tmux.keys(&["4"]);
    tmux.wait_for("16 indicators");
    // Choose the seed 002 programme through the picker.
    tmux.keys(&["p"]);
    tmux.wait_for("Choose the programme");
    tmux.keys(&["/"]);
    tmux.text("методического");
    tmux.keys(&["Enter"]);
    tmux.wait_for("01.01.2022–31.12.2026");
    // From 1.1 down to 2.2: 1.2, the heading of task 2, 2.1, 2.2.
    tmux.keys(&["j", "j", "j", "j", "a"]);
    tmux.wait_for("Actual value of 2.2");
    tmux.text("31%");
    tmux.keys(&["Tab", "Tab"]);
    tmux.text("Мониторинг, декабрь 2025");
    tmux.keys(&["C-s"]);
    tmux.wait_for("value 31% recorded for 2025-2026");
    tmux.keys(&["R"]);
    tmux.wait_for("recomputed as of 24.12.2025: 3 new");
    let table = tmux.screen();
    tmux.keys(&["k", "k", "k", "C"]);
    let chart = tmux.wait_for("Values recorded, newest first");
    tmux.keys(&["q"]);

    // The table's 2.2 row and the CLI's agree.
    let row = table.lines().find(|l| l.contains("2.2 ")).unwrap();
    assert!(
        row.contains("31%") && row.contains("89%") && row.contains("at risk"),
        "{row}"
    );
    let text = cli(&db, &["indicators", "show", "-p", "1"]);
    let line = text.lines().find(|l| l.starts_with("2.2 ")).unwrap();
    assert!(
        line.contains("31%") && line.contains("89%") && line.contains("at risk"),
        "{line}"
    );
    // The chart of 1.2 and `show --indicator 1.2` agree, period by period.
    assert!(chart.contains("1.2ƒ"), "{chart}");
    let one = cli(
        &db,
        &[
            "indicators",
            "show",
            "-p",
            "1",
            "--indicator",
            "1.2",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&one).unwrap();
    for p in v["periods"].as_array().unwrap() {
        let label = p["period"].as_str().unwrap();
        let status = p["status"].as_str().unwrap().replace('_', " ");
        let ach = format!("{:.0}%", p["achievement"].as_f64().unwrap());
        let target_line = chart
            .lines()
            .position(|l| l.trim_start().starts_with(label))
            .unwrap();
        let actual_line = chart.lines().nth(target_line + 1).unwrap();
        assert!(
            actual_line.contains(&format!("{ach} {status}")),
            "{actual_line} / {ach} {status}"
        );
    }
    assert_eq!(v["actual"]["source"], "computed");
    assert_eq!(
        v["actual"]["entered_by"],
        format!("{} as e2e", classbook::store::access::os_login())
    );
}
