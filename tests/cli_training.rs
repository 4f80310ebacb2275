//! `classbook training …` as a user runs it: the standing's pass/fail at
//! the rules' boundaries, the roll call with paperwork, refused input.

mod training_fixture;

use std::process::{Command, Output};

use classbook::service::training::{self as svc, Scope};
use classbook::store;
use training_fixture::{Fixture, build};

fn run(f: &Fixture, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_classbook"))
        .arg("--db")
        .arg(&f.path)
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

fn ok(f: &Fixture, args: &[&str]) -> String {
    let o = run(f, args);
    assert_eq!(o.status.code(), Some(0), "{args:?}: {}", err(&o));
    out(&o)
}

fn json(f: &Fixture, args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&ok(f, args)).expect("JSON")
}

fn teacher<'a>(v: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    v["teachers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("{name} in {v}"))
}

/// A fixture whose db handle is closed, so the binary has the file alone.
fn fixture() -> Fixture {
    let mut f = build();
    f.roll_call();
    f
}

#[test]
fn standing_pass_and_fail_at_the_boundaries() {
    let f = fixture();
    for scope in [&["--year"][..], &["--semester", "1"][..], &[][..]] {
        let mut args = vec!["training", "standing", "--format", "json"];
        args.extend_from_slice(scope);
        let v = json(&f, &args);
        let verdict = |name: &str| teacher(&v, name)["verdict"].as_str().unwrap().to_string();
        // 39.5 of 40 credits on 24 December: the year is not over, so
        // the credits minimum does not fail yet (issue 15, item 7).
        assert_eq!(verdict("Иванова Анна"), "pass", "39.5 credits");
        assert_eq!(teacher(&v, "Иванова Анна")["credits"], 39.5);
        assert_eq!(
            teacher(&v, "Иванова Анна")["reasons"],
            serde_json::json!([])
        );
        assert_eq!(verdict("Nguyễn Thị Lan"), "pass", "40 credits");
        assert_eq!(verdict("王 芳"), "pass", "2 unexcused");
        assert_eq!(verdict("Петров Сергей"), "fail", "3 unexcused");
        assert_eq!(
            teacher(&v, "Петров Сергей")["reasons"],
            serde_json::json!(["3 unexcused absences (fail from 3)"])
        );
        assert_eq!(verdict("Trần Văn Minh"), "pass", "official leave");
        assert_eq!(teacher(&v, "Trần Văn Minh")["unexcused"], 0);
        assert_eq!(teacher(&v, "Trần Văn Minh")["official_leave"], 4);
        assert_eq!(verdict("Ковалёва Мария"), "pass", "personal leave");
        assert_eq!(teacher(&v, "李 伟")["credits_external"], 40.0);
        assert_eq!(teacher(&v, "李 伟")["credits"], 40.0, "counted once");
        assert_eq!(v["failing"], 1);
    }
}

#[test]
fn the_cli_standing_is_the_services() {
    let f = fixture();
    let settings = store::settings::load(f.db.conn()).unwrap();
    let rows = svc::standing(f.db.conn(), &f.year, Scope::Year, &settings).unwrap();
    let csv = ok(&f, &["training", "standing", "--format", "csv"]);
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().starts_with("staff_id,name,sessions"));
    let body: Vec<&str> = lines.collect();
    assert_eq!(body.len(), rows.len());
    for (line, s) in body.iter().zip(&rows) {
        assert!(
            line.starts_with(&format!("{},{},", s.staff_id, s.name)),
            "{line}"
        );
        assert!(
            line.contains(if s.pass { ",pass," } else { ",fail," }),
            "{line}"
        );
    }
    let text = ok(&f, &["training", "standing"]);
    assert!(text.contains("7 teachers, 6 pass, 1 fail"), "{text}");
    assert!(
        text.contains("FAIL: 3 unexcused absences (fail from 3)"),
        "{text}"
    );
    assert!(!text.contains("credits of 40.00 required"), "{text}");
}

#[test]
fn set_with_paperwork_changes_the_standing() {
    let f = fixture();
    // A third absence for 王 芳 by date: 2 → 3 fails.
    ok(
        &f,
        &[
            "training",
            "set",
            "--session",
            "19.11.2025",
            "--teacher",
            "王 芳",
            "--status",
            "absent",
        ],
    );
    let v = json(&f, &["training", "standing", "--format", "json"]);
    assert_eq!(teacher(&v, "王 芳")["verdict"], "fail");
    // Sick leave with a certificate, late, official leave made up.
    ok(
        &f,
        &[
            "training",
            "set",
            "--session",
            "2025-11-19",
            "--teacher",
            "Nguyễn Thị Lan",
            "--status",
            "sick_leave",
            "--certificate",
        ],
    );
    ok(
        &f,
        &[
            "training",
            "set",
            "--session",
            "2025-11-19",
            "--teacher",
            "Иванова",
            "--status",
            "official_leave",
            "--made-up",
            "2025-12-01",
        ],
    );
    ok(
        &f,
        &[
            "training",
            "set",
            "--session",
            "2025-11-19",
            "--teacher",
            "王 芳",
            "--status",
            "personal_leave",
            "--approved-by",
            "Смирнова Ольга",
        ],
    );
    let conn = store::open(&f.path, &store::OpenOptions::default()).unwrap();
    let s = f.s["s_c"];
    let a = store::training::attendance(conn.conn(), s, f.t["credits_40"])
        .unwrap()
        .unwrap();
    assert_eq!(
        (a.status.as_str(), a.certificate),
        ("sick_leave", Some(true))
    );
    let a = store::training::attendance(conn.conn(), s, f.t["credits_39_5"])
        .unwrap()
        .unwrap();
    assert_eq!(a.made_up_on, Some(training_fixture::d(2025, 12, 1)));
    let a = store::training::attendance(conn.conn(), s, f.t["unexcused_2"])
        .unwrap()
        .unwrap();
    assert_eq!(a.approved_by_id, Some(f.lead));
    // Every change is in the audit log under the operator: the
    // operating-system user, not `USER`.
    let me = store::access::os_login();
    let recent = store::audit::recent(conn.conn(), 4).unwrap();
    assert!(
        recent
            .iter()
            .all(|e| e.operator == me && e.entity == "training_attendance")
    );
}

#[test]
fn bad_input_is_one_line_exit_4_and_changes_nothing() {
    let f = fixture();
    let sum = || {
        let db = store::open(&f.path, &store::OpenOptions::default()).unwrap();
        classbook::service::demo::checksum(db.conn()).unwrap()
    };
    let before = sum();
    for (args, expect) in [
        (
            &[
                "training",
                "set",
                "--session",
                "2025-11-20",
                "--teacher",
                "王 芳",
                "--status",
                "absent",
            ][..],
            "no training session on 20.11.2025",
        ),
        (
            &[
                "training",
                "set",
                "--session",
                "2025-11-19",
                "--teacher",
                "Сидоров",
                "--status",
                "absent",
            ][..],
            "no such staff member",
        ),
        (
            &[
                "training",
                "set",
                "--session",
                "2025-11-19",
                "--teacher",
                "王 芳",
                "--status",
                "late",
                "--certificate",
            ][..],
            "for sick leave only",
        ),
        (
            &[
                "training",
                "add-session",
                "--date",
                "2025-12-03",
                "--start",
                "16:30",
                "--end",
                "15:30",
                "--topic",
                "Тема",
            ][..],
            "end 15:30 is not after start 16:30",
        ),
        (
            &[
                "training",
                "add-session",
                "--date",
                "2025-12-03",
                "--start",
                "15:30",
                "--end",
                "16:00",
                "--topic",
                "Тема",
            ][..],
            "below the minimum session of 60 minutes",
        ),
        (
            &[
                "training",
                "add-session",
                "--date",
                "2026-09-03",
                "--start",
                "15:30",
                "--end",
                "16:30",
                "--topic",
                "Тема",
            ][..],
            "outside the school year",
        ),
        (
            &["training", "delete-session", "--session", "2025-10-01"][..],
            "only a session without attendance",
        ),
        (
            &["training", "standing", "--semester", "3"][..],
            "no training plan for semester 3",
        ),
    ] {
        let o = run(&f, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", err(&o));
        assert_eq!(err(&o).lines().count(), 1, "{}", err(&o));
        assert!(err(&o).contains(expect), "{args:?}: {}", err(&o));
    }
    assert_eq!(sum(), before);
}

#[test]
fn add_show_copy_publish() {
    let f = fixture();
    let added = ok(
        &f,
        &[
            "training",
            "add-session",
            "--date",
            "03.12.2025",
            "--start",
            "15:30",
            "--end",
            "17:00",
            "--topic",
            "Цифровая образовательная среда",
            "--format",
            "study_group",
            "--presenter",
            "Смирнова Ольга",
            "--place",
            "каб. 214",
        ],
    );
    assert!(
        added.starts_with("added session 6 on 03.12.2025"),
        "{added}"
    );
    let v = json(&f, &["training", "show", "--plan", "1", "--format", "json"]);
    let s = &v["sessions"][5];
    assert_eq!(s["topic"], "Цифровая образовательная среда");
    assert_eq!(
        (s["hours"].as_f64(), s["credits"].as_f64()),
        (Some(1.5), Some(1.5))
    );
    assert_eq!(s["presenter"], "Смирнова О.");
    let csv = ok(&f, &["training", "show", "--format", "csv"]);
    assert_eq!(csv.lines().count(), 7);
    let copied = ok(
        &f,
        &["training", "copy-weekly", "--session", "6", "--weeks", "2"],
    );
    assert!(copied.contains("to 2 weeks"), "{copied}");
    let published = ok(&f, &["training", "publish", "--semester", "1"]);
    assert!(
        published.contains("as of 24.12.2025: 7 teachers, 1 failing"),
        "{published}"
    );
    ok(
        &f,
        &[
            "training",
            "set",
            "--session",
            "2025-11-19",
            "--teacher",
            "王 芳",
            "--status",
            "absent",
        ],
    );
    let text = ok(&f, &["training", "standing", "--semester", "1"]);
    assert!(text.contains("1 teacher differs since:"), "{text}");
    assert!(
        text.contains("王 芳: unexcused 2 → 3, pass → fail"),
        "{text}"
    );
}

#[test]
fn help_training_documents_the_commands() {
    let o = Command::new(env!("CARGO_BIN_EXE_classbook"))
        .args(["help", "training"])
        .output()
        .unwrap();
    let text = out(&o);
    assert!(text.contains("standing"), "{text}");
    assert!(text.contains("Official leave is never penalised"), "{text}");
}

#[test]
fn external_training_list_add_and_edit() {
    let f = fixture();
    let v: serde_json::Value =
        serde_json::from_str(&ok(&f, &["training", "external", "--format", "json"])).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["teacher"], "李 伟");
    let id = v[0]["id"].as_i64().unwrap().to_string();
    // 39.5 credits for Иванова: 39.5 school + 0.5 external = 40 passes.
    ok(
        &f,
        &[
            "training",
            "add-external",
            "--teacher",
            "Иванова Анна",
            "--from",
            "2025-11-17",
            "--to",
            "2025-11-21",
            "--provider",
            "ИРО",
            "--hours",
            "1",
            "--credits",
            "0.5",
            "--certificate-no",
            "ИРО-77",
        ],
    );
    let s = json(&f, &["training", "standing", "--format", "json"]);
    assert_eq!(teacher(&s, "Иванова Анна")["verdict"], "pass");
    // Registering the same certificate again is refused.
    let again = run(
        &f,
        &[
            "training",
            "add-external",
            "--teacher",
            "Иванова Анна",
            "--from",
            "2025-11-17",
            "--to",
            "2025-11-21",
            "--provider",
            "ИРО",
            "--hours",
            "1",
            "--credits",
            "0.5",
            "--certificate-no",
            "ИРО-77",
        ],
    );
    assert_eq!(again.status.code(), Some(2));
    assert!(
        err(&again).contains("already registered"),
        "{}",
        err(&again)
    );
    // 李 伟's course edited down to 39.5 credits: in December that is on
    // track, not a fail (the year is not over). The fixture recorded it as
    // "tester": someone else's record is changed only with --overwrite.
    let refused = run(
        &f,
        &[
            "training",
            "edit-external",
            "--id",
            &id,
            "--credits",
            "39.5",
        ],
    );
    assert_eq!(refused.status.code(), Some(7), "{}", err(&refused));
    assert!(
        err(&refused).contains(&format!(
            "external training {id} was last changed by tester at "
        )),
        "{}",
        err(&refused)
    );
    ok(
        &f,
        &[
            "training",
            "edit-external",
            "--id",
            &id,
            "--credits",
            "39.5",
            "--overwrite",
        ],
    );
    // Now the last change is this user's own: no --overwrite needed.
    ok(
        &f,
        &[
            "training",
            "edit-external",
            "--id",
            &id,
            "--credits",
            "39.5",
        ],
    );
    let s = json(&f, &["training", "standing", "--format", "json"]);
    assert_eq!(teacher(&s, "李 伟")["verdict"], "pass");
    assert_eq!(teacher(&s, "李 伟")["reasons"], serde_json::json!([]));
    assert_eq!(teacher(&s, "李 伟")["credits_external"], 39.5);
    let text = ok(&f, &["training", "external", "--teacher", "李 伟"]);
    assert!(text.starts_with("1 external courses"), "{text}");
    assert!(text.contains("39.5 cr"), "{text}");
}
