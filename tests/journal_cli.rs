//! `classbook journal …` as a script over SSH would run it.

use std::path::Path;
use std::process::{Command, Output};

fn classbook(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_classbook"))
        .args(args)
        .env_remove("CLASSBOOK_DB")
        .env("USER", "tester")
        .output()
        .expect("the binary runs")
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn demo(path: &Path) {
    let o = classbook(&["demo", "--db", path.to_str().unwrap()]);
    assert!(o.status.success(), "{}", err(&o));
}

fn checksum(p: &str) -> String {
    let o = classbook(&["check", "--db", p, "--checksum", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    v["checksum"].as_str().unwrap().to_string()
}

/// The CSV row of a student (by the start of the name).
fn row(csv_text: &str, who: &str) -> Vec<String> {
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    r.records()
        .map(|x| x.unwrap())
        .find(|x| x[0].starts_with(who))
        .unwrap_or_else(|| panic!("{who} not in\n{csv_text}"))
        .iter()
        .map(String::from)
        .collect()
}

fn header(csv_text: &str) -> Vec<String> {
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    r.headers().unwrap().iter().map(String::from).collect()
}

#[test]
fn show_and_set_mark_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.sqlite");
    let p = path.to_str().unwrap();
    demo(&path);
    let show = |period: &str| {
        let o = classbook(&[
            "journal",
            "show",
            "--db",
            p,
            "--class",
            "7А",
            "--subject",
            "Алгебра",
            "--period",
            period,
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", err(&o));
        out(&o)
    };
    let before = show("2 четверть");
    assert_eq!(before, show("q2"), "a period by label or short name");
    let h = header(&before);
    assert_eq!(
        &h[h.len() - 5..],
        &["marks", "mean", "suggested", "final", "differs"]
    );
    let col = h.iter().position(|c| c.starts_with("2025-12-23")).unwrap();
    let who = "Алексеева Алиса";
    let old = row(&before, who);
    let o = classbook(&[
        "journal",
        "set-mark",
        "--db",
        p,
        "--class",
        "7А",
        "--subject",
        "Алгебра",
        "--date",
        "2025-12-23",
        "--student",
        who,
        "--marks",
        "5/4",
        "--form",
        "Контрольная работа",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(out(&o).contains("«5/4»"), "{}", out(&o));
    let after = show("q2");
    let new = row(&after, who);
    assert_eq!(new[col], "5/4");
    let n = new.len();
    let count: usize = new[n - 5].parse().unwrap();
    assert_eq!(count, old[n - 5].parse::<usize>().unwrap() + 2);
    assert_ne!(new[n - 4], old[n - 4], "the mean moved");
    // JSON carries the same.
    let o = classbook(&[
        "journal",
        "show",
        "--db",
        p,
        "--class",
        "7a",
        "--subject",
        "Алгебра",
        "--period",
        "q2",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let s = v["students"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"].as_str().unwrap().starts_with(who))
        .unwrap();
    assert_eq!(s["cells"][col - 1], "5/4");
    assert_eq!(s["marks"], count);
    // Each mark in full: form of control, weight, who entered it.
    let d = s["details"][col - 1]
        .as_array()
        .expect("details per lesson");
    assert_eq!(d.len(), 2);
    assert_eq!(d[0]["mark"], "5");
    assert_eq!(d[1]["mark"], "4");
    for m in d {
        assert!(m["form"].as_str().is_some_and(|f| !f.is_empty()), "{m}");
        assert!((1..=3).contains(&m["weight"].as_u64().unwrap()), "{m}");
        assert_eq!(
            m["entered_by"],
            classbook::store::access::os_login().as_str()
        );
    }
    // A pending mark's deadline and a deferred mark's comment are there.
    let all: Vec<&serde_json::Value> = v["students"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["details"].as_array().unwrap().iter())
        .flat_map(|c| c.as_array().unwrap().iter())
        .collect();
    assert!(
        all.iter()
            .any(|m| m["mark"].as_str().is_some_and(|x| x.starts_with('*'))
                && m["due_on"].is_string())
    );
    assert!(
        all.iter()
            .any(|m| m["mark"] == "°" && m["comment"].is_string())
    );
    // The change is attributed to the operating-system user who ran the
    // command (not to `USER`, which anyone can set).
    let o = classbook(&["check", "--db", p]);
    assert!(o.status.success());
    let conn = rusqlite::Connection::open(&path).unwrap();
    let n: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_log WHERE operator = ?1 AND entity = 'mark'",
            [classbook::store::access::os_login()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 2);
}

#[test]
fn refused_marks_exit_2_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.sqlite");
    let p = path.to_str().unwrap();
    demo(&path);
    let sum = checksum(p);
    let base = [
        "journal",
        "set-mark",
        "--db",
        p,
        "--class",
        "7А",
        "--subject",
        "Алгебра",
        "--date",
        "2025-12-23",
        "--student",
        "Алексеева Алиса",
    ];
    for (marks, why) in [
        ("7", "«7» is not a mark: use 2, 3, 4, 5, Н, * or °"),
        ("5+", "is not a mark"),
        ("*", "needs the intended mark"),
        ("°", "needs a comment"),
    ] {
        let mut args = base.to_vec();
        args.extend(["--marks", marks]);
        let o = classbook(&args);
        assert_eq!(o.status.code(), Some(2), "{marks}: {}", err(&o));
        assert!(err(&o).contains(why), "{marks}: {}", err(&o));
        assert_eq!(err(&o).lines().count(), 1);
    }
    // A day without the lesson, a student not in the class.
    let mut args = base.to_vec();
    args[9] = "2025-12-24";
    args.extend(["--marks", "5"]);
    let o = classbook(&args);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("has no lesson on 24.12.2025"),
        "{}",
        err(&o)
    );
    let mut args = base.to_vec();
    args[11] = "Никого Нет";
    args.extend(["--marks", "5"]);
    let o = classbook(&args);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("no student «Никого Нет»"), "{}", err(&o));
    assert_eq!(checksum(p), sum, "nothing was written");
}

#[test]
fn pending_deferred_final_lesson_and_plan_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.sqlite");
    let p = path.to_str().unwrap();
    demo(&path);
    let sel = ["--db", p, "--class", "7А", "--subject", "Алгебра"];
    let run = |extra: &[&str]| {
        let mut a = vec!["journal"];
        a.push(extra[0]);
        a.extend(sel);
        a.extend(&extra[1..]);
        classbook(&a)
    };
    let o = run(&[
        "set-mark",
        "--date",
        "2025-12-23",
        "--student",
        "Алексеева",
        "--marks",
        "*",
        "--intended",
        "4",
        "--deadline",
        "2026-01-10",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(out(&o).contains("«*4»"));
    let o = run(&[
        "set-mark",
        "--date",
        "22.12.2025",
        "--student",
        "Алексеева",
        "--marks",
        "°",
        "--comment",
        "болела две недели",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let o = run(&[
        "set-final",
        "--period",
        "q2",
        "--student",
        "Алексеева",
        "--grade",
        "4",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let o = run(&[
        "set-final",
        "--period",
        "q2",
        "--student",
        "Алексеева",
        "--grade",
        "6",
    ]);
    assert_eq!(o.status.code(), Some(2));
    // (the demo's topic is replaced on purpose)
    let o = run(&[
        "set-lesson",
        "--overwrite",
        "--date",
        "2025-12-23",
        "--topic",
        "Контрольная работа № 3",
        "--homework",
        "№ 512, 515",
        "--minutes",
        "20",
        "--control-form",
        "Контрольная работа",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let o = classbook(&[
        "journal",
        "show",
        "--db",
        p,
        "--class",
        "7А",
        "--subject",
        "Алгебра",
        "--period",
        "q2",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let l = v["lessons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["date"] == "2025-12-23")
        .unwrap();
    assert_eq!(l["topic"], "Контрольная работа № 3");
    assert_eq!(l["homework"], "№ 512, 515");
    assert_eq!(l["control_form"], "Контрольная работа");
    let plan = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/thematic_plan_7a_algebra.csv"
    );
    let o = classbook(&["journal", "import-plan", "--db", p, plan]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(out(&o).contains("imported 102 planned topics for 7А Алгебра"));
    let help = classbook(&["help", "journal"]);
    let text = out(&help);
    for cmd in ["show", "set-mark", "set-final", "set-lesson", "import-plan"] {
        assert!(text.contains(cmd), "{cmd} in\n{text}");
    }
}

#[test]
fn show_as_a_text_table() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.sqlite");
    let p = path.to_str().unwrap();
    demo(&path);
    let show = |format: &str| {
        let o = classbook(&[
            "journal",
            "show",
            "--db",
            p,
            "--class",
            "7А",
            "--subject",
            "Алгебра",
            "--period",
            "q2",
            "--format",
            format,
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", err(&o));
        out(&o)
    };
    let csv = show("csv");
    let text = show("text");
    // The same rows; lessons headed by DD.MM; the columns aligned.
    assert_eq!(csv.lines().count(), text.lines().count(), "{text}");
    let head = text.lines().next().unwrap();
    assert!(head.starts_with("student "), "{head}");
    assert!(head.contains("  03.11  "), "{head}");
    assert!(!head.contains("2025-11-03"), "{head}");
    assert!(!text.contains(','), "{text}");
    let duy = text
        .lines()
        .find(|l| l.starts_with("Bùi Khánh Duy"))
        .unwrap();
    let col = |l: &str, s: &str| l.find(s).map(|b| l[..b].chars().count());
    // The mean lines up under its heading.
    let mean_at = col(head, "mean").unwrap();
    assert_eq!(col(duy, "3.5"), Some(mean_at), "{head}\n{duy}");
}
