//! `classbook indicators …` as a user runs it on the small demo: list,
//! bind, recompute (JSON), set with its refusals, one indicator in full,
//! and the CSV export imported into a new database and exported again.

mod common;

use std::path::Path;
use std::process::{Command, Output};

fn run(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_classbook"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("CLASSBOOK_DB")
        .env("USER", "tester")
        .output()
        .expect("the binary runs")
}

fn ok(db: &Path, args: &[&str]) -> String {
    let o = run(db, args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

fn refused(db: &Path, args: &[&str]) -> String {
    let o = run(db, args);
    assert_eq!(o.status.code(), Some(2), "{args:?}");
    assert!(o.stdout.is_empty());
    String::from_utf8(o.stderr).unwrap()
}

#[test]
fn bind_recompute_set_and_show() {
    let (dir, db) = common::demo_db();
    let path = db.path().to_path_buf();
    drop(db);
    let list = ok(&path, &["indicators", "list", "--format", "json"]);
    let list: serde_json::Value = serde_json::from_str(&list).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(list[0]["indicators"], 16);
    // Without --programme, with two programmes: the choice is asked for.
    let e = refused(&path, &["indicators", "show"]);
    assert!(
        e.contains("2 programmes: choose one with --programme"),
        "{e}"
    );

    // Bind 4.1 (a share) to teachers in good standing, then recompute it.
    ok(
        &path,
        &[
            "indicators",
            "bind",
            "-p",
            "1",
            "--indicator",
            "4.1",
            "--metric",
            "teachers_in_good_standing",
        ],
    );
    let e = refused(
        &path,
        &[
            "indicators",
            "bind",
            "-p",
            "1",
            "--indicator",
            "4.1",
            "--metric",
            "training_sessions",
        ],
    );
    assert!(e.contains("gives a count"), "{e}");
    let e = refused(
        &path,
        &[
            "indicators",
            "bind",
            "-p",
            "1",
            "--indicator",
            "1.2",
            "--metric",
            "teachers_with_credits",
            "--params",
            "format=lecture",
        ],
    );
    assert!(e.contains("takes min_credits"), "{e}");
    let lines = ok(
        &path,
        &[
            "indicators",
            "recompute",
            "-p",
            "1",
            "--indicator",
            "4.1",
            "--format",
            "json",
        ],
    );
    let lines: serde_json::Value = serde_json::from_str(&lines).unwrap();
    let lines = lines.as_array().unwrap();
    assert_eq!(lines.len(), 3, "one per period");
    let current = lines.iter().find(|l| l["period"] == "2025-2026").unwrap();
    assert_eq!(current["stored"], true);
    assert!(
        current["note"]
            .as_str()
            .unwrap()
            .contains("teachers in good standing (pass), year 2025/26"),
        "{current}"
    );
    let past = lines.iter().find(|l| l["period"] == "2022").unwrap();
    assert_eq!(past["value"], serde_json::Value::Null);
    // The whole programme: the demo's three bound indicators; then again:
    // nothing new.
    let text = ok(&path, &["indicators", "recompute", "-p", "1"]);
    assert!(
        text.ends_with("3 value(s) stored as of 24.12.2025\n"),
        "{text}"
    );
    let text = ok(&path, &["indicators", "recompute", "-p", "1"]);
    assert!(
        text.ends_with("0 value(s) stored as of 24.12.2025\n"),
        "{text}"
    );

    // One indicator in full agrees with the recomputed value.
    let one = ok(
        &path,
        &[
            "indicators",
            "show",
            "-p",
            "1",
            "--indicator",
            "4.1",
            "--format",
            "json",
        ],
    );
    let one: serde_json::Value = serde_json::from_str(&one).unwrap();
    assert_eq!(one["actual"]["source"], "computed");
    assert_eq!(one["actual"]["value"], current["value"]);
    assert_eq!(one["metric"], "teachers_in_good_standing");
    assert_eq!(one["history"].as_array().unwrap().len(), 4);

    // set: a value and a target; refusals change nothing.
    let e = refused(
        &path,
        &[
            "indicators",
            "set",
            "-p",
            "1",
            "--indicator",
            "4.2",
            "--period",
            "2025-2026",
            "--value",
            "12",
        ],
    );
    assert!(e.contains("a share is 0–1"), "{e}");
    let e = refused(
        &path,
        &[
            "indicators",
            "set",
            "-p",
            "1",
            "--indicator",
            "4.2",
            "--period",
            "2030",
            "--value",
            "0.1",
        ],
    );
    assert!(
        e.contains("the programme's periods are 2022, 2023-2024, 2025-2026"),
        "{e}"
    );
    let csv = ok(
        &path,
        &[
            "indicators",
            "set",
            "-p",
            "1",
            "--indicator",
            "4.2",
            "--period",
            "2025-2026",
            "--value",
            "12%",
            "--date",
            "24.12.2025",
            "--format",
            "csv",
        ],
    );
    let mut rdr = csv::Reader::from_reader(csv.as_bytes());
    let head = rdr.headers().unwrap().clone();
    let rec = rdr.records().next().unwrap().unwrap();
    let col = |n: &str| head.iter().position(|h| h == n).unwrap();
    assert_eq!((&rec[col("number")], &rec[col("actual")]), ("4.2", "0.12"));
    assert_eq!(&rec[col("status")], "met", "12% of a 10% target");
    assert_eq!(&rec[col("measured_on")], "2025-12-24");
    ok(
        &path,
        &[
            "indicators",
            "set",
            "-p",
            "1",
            "--indicator",
            "4.2",
            "--period",
            "2025-2026",
            "--target",
            "15%",
        ],
    );
    let text = ok(&path, &["indicators", "show", "-p", "1", "--find", "4.2"]);
    let line = text.lines().find(|l| l.starts_with("4.2")).unwrap();
    assert!(
        line.contains("15%") && line.contains("80%") && line.contains("at risk"),
        "{line}"
    );
    drop(dir);
}

#[test]
fn export_import_export_through_the_cli() {
    let (dir, db) = common::demo_db();
    let path = db.path().to_path_buf();
    drop(db);
    let file = dir.path().join("programme.csv");
    let f = file.to_str().unwrap();
    ok(&path, &["indicators", "export", "-p", "1", "-o", f]);
    let first = std::fs::read_to_string(&file).unwrap();
    assert!(first.starts_with("programme,task_no,task,indicator_no,indicator,unit,direction,period,period_start,period_end,target,metric,metric_params\n"));
    // The demo's bindings travel with the programme.
    assert!(
        first.contains(r#",training_sessions,"{""format"":""mentoring""}""#),
        "{first}"
    );
    // Into a new school's database.
    let other = dir.path().join("other.sqlite");
    ok(&other, &["init", "--school", "Trường THCS Nguyễn Du"]);
    let msg = ok(&other, &["indicators", "import", f]);
    assert!(msg.contains("16 indicators, 48 targets"), "{msg}");
    let second = ok(&other, &["indicators", "export"]);
    assert_eq!(first, second);
    // Importing it again is refused, and names the programme.
    let e = refused(&other, &["indicators", "import", f]);
    assert!(e.contains("already exists (id 1)"), "{e}");
}
