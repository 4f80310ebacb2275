//! Roles that hold (issue 14, item 5): each role × each kind of write, from
//! the command line (the administrator running the tests acts `--as` each
//! login) and in the TUI; a refusal saves nothing and says who may.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use classbook::service::journal::MarkCell;
use classbook::store::access::{self, Who};
use classbook::store::{self, OpenOptions, StoreError, audit};
use classbook::ui::App;
use common::{options, press, type_keys};
use crossterm::event::KeyCode;

fn classbook(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_classbook"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("CLASSBOOK_DB")
        .output()
        .expect("the binary runs")
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok(db: &Path, args: &[&str]) -> String {
    let o = classbook(db, args);
    assert_eq!(o.status.code(), Some(0), "{args:?}: {}", err(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn one<T: rusqlite::types::FromSql>(db: &Path, sql: &str) -> T {
    let conn = rusqlite::Connection::open(db).expect("opens");
    conn.query_row(sql, [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// The demo school as `classbook demo` makes it, with the logins of the
/// matrix and what the writes need.
struct School {
    path: PathBuf,
    /// The teacher of 7А physics (a teacher and nothing else).
    teacher: String,
    /// A teacher with no lesson in 7А.
    other: String,
    other_name: String,
    /// 7А's class teacher (who does not teach it physics).
    class_teacher: String,
    lesson_no: String,
    /// A student marked absent without a reason at that lesson.
    absent: String,
    review_rule: String,
    review_key: String,
}

const DATE: &str = "2025-12-23";
const DEPUTY: &str = "завуч";
const LEAD: &str = "培训组长";
const VIEWER: &str = "наблюдатель";
const ADMIN: &str = "quản_trị";
const NOBODY: &str = "посторонний";

fn school() -> &'static School {
    static SCHOOL: OnceLock<School> = OnceLock::new();
    SCHOOL.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir").keep();
        let path = dir.join("master.sqlite");
        ok(&path, &["demo"]);
        // The one who made the demo administers it and grants the roles.
        for (login, role) in [
            (DEPUTY, "deputy"),
            (LEAD, "training_lead"),
            (VIEWER, "viewer"),
            (ADMIN, "admin"),
        ] {
            assert!(ok(&path, &["users", "grant", login, role]).contains("granted"));
        }
        let from = "FROM lesson l JOIN class c ON c.id = l.class_id JOIN subject s ON s.id = l.subject_id";
        let at = "c.name = '7А' AND s.name = 'Физика' AND l.date = '2025-12-23'";
        let lesson = format!("{from} WHERE {at}");
        let teacher: String = one(
            &path,
            &format!("SELECT st.login {from} JOIN staff st ON st.id = l.teacher_id WHERE {at}"),
        );
        let lesson_no: i64 = one(&path, &format!("SELECT l.lesson_no {lesson}"));
        let roles = |login: &str| -> String {
            one(
                &path,
                &format!(
                    "SELECT group_concat(role) FROM (SELECT role FROM staff_role r JOIN staff s ON s.id = r.staff_id
                     WHERE s.login = '{login}' ORDER BY role)"
                ),
            )
        };
        assert_eq!(roles(&teacher), "teacher", "the fixture's teacher is only a teacher");
        let class_teacher: String = one(
            &path,
            "SELECT s.login FROM class c JOIN staff s ON s.id = c.class_teacher_id WHERE c.name = '7А'",
        );
        assert_ne!(class_teacher, teacher);
        assert_eq!(roles(&class_teacher), "class_teacher,teacher");
        let teaches_physics: i64 = one(
            &path,
            &format!(
                "SELECT count(*) {from} JOIN staff st ON st.id IN (l.teacher_id, l.taught_by_id)
                 WHERE {at} AND st.login = '{class_teacher}'"
            ),
        );
        assert_eq!(teaches_physics, 0, "7А's class teacher does not teach it physics");
        let (other, other_name): (String, String) = {
            let conn = rusqlite::Connection::open(&path).unwrap();
            conn.query_row(
                "SELECT s.login, s.family_name || ' ' || s.given_name FROM staff s
                 WHERE (SELECT group_concat(role) FROM staff_role r WHERE r.staff_id = s.id) = 'teacher'
                   AND EXISTS (SELECT 1 FROM workload w WHERE w.teacher_id = s.id)
                   AND NOT EXISTS (SELECT 1 FROM lesson l JOIN class c ON c.id = l.class_id
                                   WHERE c.name = '7А' AND s.id IN (l.teacher_id, l.taught_by_id))
                   AND NOT EXISTS (SELECT 1 FROM workload w JOIN class c ON c.id = w.class_id
                                   WHERE c.name = '7А' AND w.teacher_id = s.id)
                 ORDER BY s.id LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap()
        };
        // Someone present at the lesson is marked absent without a reason
        // (by the administrator), for the reason to be given.
        let absent: String = one(
            &path,
            &format!(
                "SELECT st.family_name FROM enrolment e JOIN class c ON c.id = e.class_id
                 JOIN student st ON st.id = e.student_id
                 WHERE c.name = '7А' AND e.ends_on IS NULL
                   AND NOT EXISTS (SELECT 1 FROM attendance a WHERE a.student_id = st.id
                                   AND a.lesson_id IN (SELECT l.id {lesson}))
                 ORDER BY st.family_name DESC LIMIT 1"
            ),
        );
        ok(
            &path,
            &[
                "attendance",
                "set",
                "--class",
                "7А",
                "--date",
                DATE,
                "--lesson",
                &lesson_no.to_string(),
                "--student",
                &absent,
                "--code",
                "Н",
            ],
        );
        // (exit 1: the demo has errors to find)
        let csv = classbook(&path, &["review", "--format", "csv"]).stdout;
        let csv = String::from_utf8(csv).unwrap();
        let mut r = csv::Reader::from_reader(csv.as_bytes());
        let first = r.records().next().expect("the demo has findings").unwrap();
        School {
            path,
            teacher,
            other,
            other_name,
            class_teacher,
            lesson_no: lesson_no.to_string(),
            absent,
            review_rule: first[1].to_string(),
            review_key: first[8].to_string(),
        }
    })
}

/// A private copy of the school.
fn copy(s: &School) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("school.sqlite");
    std::fs::copy(&s.path, &path).unwrap();
    (dir, path)
}

const WRITES: &[&str] = &[
    "mark",
    "lesson record",
    "attendance code",
    "absence reason",
    "final grade",
    "training record",
    "indicator value",
    "settings",
    "set-up",
    "review acknowledgement",
    "users",
];

/// The command line of each kind of write.
fn write_args(s: &School, write: &str) -> Vec<String> {
    let v = |a: &[&str]| a.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let journal = ["--class", "7А", "--subject", "Физика"];
    match write {
        "mark" => {
            // What is there was someone else's: replaced on purpose (the
            // last argument is the value: tests replace it).
            let mut a = v(&["journal", "set-mark", "--overwrite"]);
            a.extend(v(&journal));
            a.extend(v(&[
                "--date",
                DATE,
                "--student",
                "Алексеева",
                "--marks",
                "5",
            ]));
            a
        }
        "lesson record" => {
            let mut a = v(&["journal", "set-lesson", "--overwrite"]);
            a.extend(v(&journal));
            a.extend(v(&[
                "--date",
                DATE,
                "--topic",
                "Квадратные уравнения: повторение",
            ]));
            a
        }
        "attendance code" => v(&[
            "attendance",
            "set",
            "--overwrite",
            "--class",
            "7А",
            "--date",
            DATE,
            "--lesson",
            &s.lesson_no,
            "--student",
            "Алексеева",
            "--code",
            "О",
        ]),
        "absence reason" => v(&[
            "attendance",
            "reason",
            "--class",
            "7А",
            "--date",
            DATE,
            "--student",
            &s.absent,
            "--reason",
            "illness",
        ]),
        "final grade" => {
            let mut a = v(&["journal", "set-final", "--overwrite"]);
            a.extend(v(&journal));
            a.extend(v(&[
                "--period",
                "q2",
                "--student",
                "Алексеева",
                "--grade",
                "4",
            ]));
            a
        }
        "training record" => v(&[
            "training",
            "add-record",
            "--teacher",
            &s.other_name,
            "--kind",
            "open-lesson",
            "--date",
            "2025-11-10",
        ]),
        "indicator value" => v(&[
            "indicators",
            "set",
            "-p",
            "1",
            "--indicator",
            "3.1",
            "--period",
            "2025–2026",
            "--value",
            "12",
        ]),
        "settings" => v(&["settings", "set", "entry_deadline", "18:00"]),
        "set-up" => v(&["school", "add-subject", "Астрономия"]),
        "review acknowledgement" => v(&[
            "review",
            "--rule",
            &s.review_rule,
            "--ack",
            &s.review_key,
            "--note",
            "Đã kiểm tra",
        ]),
        "users" => v(&["users", "grant", "王芳", "viewer"]),
        other => panic!("no write {other}"),
    }
}

/// Run every write as `login` (None: the operating-system user, no
/// `--as`) on a fresh copy; returns, per write, whether it was saved. A
/// refused write must exit 5, say who may, and change nothing.
fn run_as(s: &School, login: Option<&str>) -> Vec<(&'static str, bool)> {
    WRITES
        .iter()
        .map(|w| {
            let (_dir, path) = copy(s);
            let mut args: Vec<String> = login
                .map(|l| vec!["--as".to_string(), l.to_string()])
                .unwrap_or_default();
            args.extend(write_args(s, w));
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let entries: i64 = one(&path, "SELECT count(*) FROM audit_log");
            let o = classbook(&path, &args);
            let after: i64 = one(&path, "SELECT count(*) FROM audit_log");
            match o.status.code() {
                Some(0) => {
                    assert!(after > entries, "{login:?} {w}: saved, and audited");
                    (*w, true)
                }
                Some(5) => {
                    let e = err(&o);
                    assert!(e.contains("not allowed: "), "{login:?} {w}: {e}");
                    assert!(e.contains(" may"), "{login:?} {w}: says who may: {e}");
                    assert_eq!(e.lines().count(), 1, "{e}");
                    assert_eq!(after, entries, "{login:?} {w}: nothing saved");
                    (*w, false)
                }
                code => panic!("{login:?} {w}: exit {code:?}: {}", err(&o)),
            }
        })
        .collect()
}

/// The expected row of the matrix: the writes allowed.
fn expect(allowed: &[&'static str]) -> Vec<(&'static str, bool)> {
    WRITES.iter().map(|w| (*w, allowed.contains(w))).collect()
}

const JOURNAL: &[&str] = &["mark", "lesson record", "attendance code", "final grade"];

#[test]
fn the_owner_of_the_file_and_a_granted_administrator_may_do_everything() {
    let s = school();
    assert_eq!(run_as(s, None), expect(WRITES));
    assert_eq!(run_as(s, Some(ADMIN)), expect(WRITES));
}

#[test]
fn a_deputy_head_may_do_all_but_settings_set_up_and_users() {
    let s = school();
    assert_eq!(
        run_as(s, Some(DEPUTY)),
        expect(&[
            "mark",
            "lesson record",
            "attendance code",
            "absence reason",
            "final grade",
            "training record",
            "indicator value",
            "review acknowledgement",
        ])
    );
}

#[test]
fn a_teacher_edits_only_the_journal_they_teach() {
    let s = school();
    assert_eq!(run_as(s, Some(&s.teacher)), expect(JOURNAL));
    // A teacher of another class and subject: nothing here.
    assert_eq!(run_as(s, Some(&s.other)), expect(&[]));
}

#[test]
fn the_class_teacher_gives_reasons_of_their_class() {
    let s = school();
    assert_eq!(
        run_as(s, Some(&s.class_teacher)),
        expect(&["absence reason"])
    );
}

#[test]
fn a_training_lead_records_training_only() {
    let s = school();
    assert_eq!(run_as(s, Some(LEAD)), expect(&["training record"]));
}

#[test]
fn a_viewer_and_an_unknown_login_may_write_nothing() {
    let s = school();
    assert_eq!(run_as(s, Some(VIEWER)), expect(&[]));
    assert_eq!(run_as(s, Some(NOBODY)), expect(&[]));
}

#[test]
fn a_viewer_changes_no_row_at_all_and_still_reads() {
    let s = school();
    let (_dir, path) = copy(s);
    let p = path.to_str().unwrap();
    let sum = || {
        let o = classbook(&path, &["check", "--checksum", "--format", "json"]);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v["checksum"].as_str().unwrap().to_string()
    };
    let before = sum();
    for w in WRITES {
        let mut args = vec!["--as".to_string(), VIEWER.to_string()];
        args.extend(write_args(s, w));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        assert_eq!(classbook(&path, &args).status.code(), Some(5), "{w}");
    }
    assert_eq!(sum(), before, "{p}");
    // Reading is not writing.
    for args in [
        &[
            "--as",
            VIEWER,
            "journal",
            "show",
            "--class",
            "7А",
            "--subject",
            "Физика",
            "--period",
            "q2",
        ][..],
        &[
            "--as",
            VIEWER,
            "report",
            "performance",
            "--class",
            "7А",
            "--period",
            "q2",
        ][..],
        &["--as", VIEWER, "users"][..],
    ] {
        ok(&path, args);
    }
}

#[test]
fn refusals_say_who_may() {
    let s = school();
    let (_dir, path) = copy(s);
    let said = |login: &str, w: &str| {
        let mut args = vec!["--as".to_string(), login.to_string()];
        args.extend(write_args(s, w));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        err(&classbook(&path, &args))
    };
    let class_teacher_name: String = one(
        &path,
        "SELECT s.family_name FROM class c JOIN staff s ON s.id = c.class_teacher_id WHERE c.name = '7А'",
    );
    let e = said(&s.teacher, "absence reason");
    assert!(
        e.contains(&format!(
            "{} may not give the reasons of absences in 7А",
            s.teacher
        )),
        "{e}"
    );
    assert!(e.contains("only the class teacher of 7А ("), "{e}");
    assert!(e.contains(&class_teacher_name), "{e}");
    assert!(e.contains("or a deputy head may"), "{e}");
    let e = said(&s.other, "mark");
    assert!(
        e.contains("change the journal of 7А Физика on 23.12.2025"),
        "{e}"
    );
    assert!(e.contains("only its teacher ("), "{e}");
    let e = said(DEPUTY, "settings");
    assert!(e.contains("only an administrator may"), "{e}");
    let e = said(VIEWER, "mark");
    assert!(e.contains("read-only viewer"), "{e}");
    let e = said(NOBODY, "mark");
    assert!(e.contains("has no role here"), "{e}");
}

#[test]
fn acting_as_is_recorded_as_x_as_y() {
    let s = school();
    let (_dir, path) = copy(s);
    let mut args = vec!["--as".to_string(), s.teacher.clone()];
    args.extend(write_args(s, "mark"));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    ok(&path, &args);
    let operator: String = one(
        &path,
        "SELECT operator FROM audit_log ORDER BY id DESC LIMIT 1",
    );
    assert_eq!(operator, format!("{} as {}", access::os_login(), s.teacher));
    // Without --as: the operating-system user, whatever USER says.
    let o = Command::new(env!("CARGO_BIN_EXE_classbook"))
        .arg("--db")
        .arg(&path)
        .args(write_args(s, "settings"))
        .env("USER", "директор")
        .env("LOGNAME", "директор")
        .env("SUDO_USER", "директор")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let operator: String = one(
        &path,
        "SELECT operator FROM audit_log ORDER BY id DESC LIMIT 1",
    );
    // (Under root, SUDO_USER names who ran sudo, for the record only:
    // root may write anything anyway.)
    let me = access::os_login();
    let expected = if me == "root" {
        "директор via sudo".to_string()
    } else {
        me
    };
    assert_eq!(operator, expected);
}

#[test]
fn only_an_administrator_may_act_as_someone_else() {
    let s = school();
    let (_dir, path) = copy(s);
    let mut db = store::open(&path, &OpenOptions::default()).unwrap();
    let entries = audit::count(db.conn()).unwrap();
    // The deputy head acting as the teacher: refused, though the teacher
    // could make the change.
    db.set_who(Who::login(DEPUTY).acting_as(s.teacher.as_str()));
    let e = db
        .write(|tx| access::grant(tx, "x", "王芳", "viewer"))
        .unwrap_err();
    assert!(
        matches!(&e, StoreError::NotPermitted(m) if m.contains("only an administrator may use --as")),
        "{e}"
    );
    // A granted administrator may.
    db.set_who(Who::login(ADMIN).acting_as(DEPUTY));
    assert_eq!(
        Who::login(ADMIN).acting_as(DEPUTY).operator(),
        format!("{ADMIN} as {DEPUTY}")
    );
    let e = db
        .write(|tx| access::grant(tx, "x", "王芳", "viewer"))
        .unwrap_err();
    assert!(
        matches!(&e, StoreError::NotPermitted(m) if m.contains("assign roles")),
        "with the deputy's permissions: {e}"
    );
    assert_eq!(audit::count(db.conn()).unwrap(), entries);
}

#[test]
fn users_lists_logins_with_their_roles_and_only_an_administrator_grants() {
    let s = school();
    let (_dir, path) = copy(s);
    let list = ok(&path, &["users"]);
    let line = |login: &str| {
        list.lines()
            .find(|l| l.starts_with(&format!("{login} ")))
            .unwrap_or_else(|| panic!("{login} in\n{list}"))
            .to_string()
    };
    assert!(
        line(&access::os_login()).contains("admin (owner of the file)"),
        "{list}"
    );
    assert!(line(DEPUTY).ends_with("deputy"), "{list}");
    assert!(line(VIEWER).contains("viewer"), "{list}");
    assert!(line(&s.teacher).contains("teacher (workload)"), "{list}");
    assert!(
        line(&s.class_teacher).contains("class teacher 7А"),
        "{list}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&ok(&path, &["users", "list", "--format", "json"])).unwrap();
    let deputy = json
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["login"] == DEPUTY)
        .expect("the deputy in the JSON");
    assert_eq!(deputy["roles"], serde_json::json!(["deputy"]));
    assert_eq!(deputy["staff"], serde_json::Value::Null);
    // Grant and revoke, audited; the teacher and class teacher come from
    // the staff list, not from grants.
    assert!(ok(&path, &["users", "grant", "王芳", "deputy"]).contains("王芳: granted deputy"));
    assert!(ok(&path, &["users", "grant", "王芳", "deputy"]).contains("already holds"));
    assert!(ok(&path, &["users", "revoke", "王芳", "deputy"]).contains("revoked"));
    let actions: String = one(
        &path,
        "SELECT group_concat(action) FROM (SELECT action FROM audit_log WHERE entity = 'user_role'
         AND entity_key LIKE '%王芳%' ORDER BY id)",
    );
    assert_eq!(actions, "users.grant,users.revoke");
    let o = classbook(&path, &["users", "grant", "王芳", "teacher"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("add-staff"), "{}", err(&o));
    let o = classbook(&path, &["users", "grant", "王芳", "king"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("admin, deputy, training_lead, viewer"),
        "{}",
        err(&o)
    );
    // A deputy may not grant.
    let o = classbook(
        &path,
        &["--as", DEPUTY, "users", "revoke", VIEWER, "viewer"],
    );
    assert_eq!(o.status.code(), Some(5), "{}", err(&o));
}

/// Open 7А physics in the TUI and start typing in the first empty cell of
/// its last recorded lesson.
fn physics_7a(app: &mut App) -> (usize, usize) {
    type_keys(app, "c/7а");
    press(app, KeyCode::Enter);
    type_keys(app, "s/физ");
    press(app, KeyCode::Enter);
    let v = app.journal.view.as_ref().expect("journal loaded");
    let col = v.lessons.iter().rposition(|l| l.recorded).unwrap();
    let row = v
        .students
        .iter()
        .position(|s| s.cells[col] == MarkCell::Empty)
        .unwrap();
    press(app, KeyCode::Char('g'));
    for _ in 0..row {
        press(app, KeyCode::Char('j'));
    }
    while app.journal.col > col {
        press(app, KeyCode::Char('h'));
    }
    press(app, KeyCode::Char('i'));
    (row, col)
}

fn tui_as(s: &School, login: &str) -> (tempfile::TempDir, App) {
    let (dir, path) = copy(s);
    let mut db = store::open(&path, &OpenOptions::default()).unwrap();
    db.set_who(Who::login(login));
    (dir, App::new(db, options(false)).expect("app starts"))
}

#[test]
fn in_the_tui_a_refused_mark_says_who_may_on_the_status_line_and_saves_nothing() {
    let s = school();
    for login in [s.other.as_str(), VIEWER, s.class_teacher.as_str()] {
        let (_dir, mut app) = tui_as(s, login);
        let entries = audit::count(app.db().conn()).unwrap();
        let (row, col) = physics_7a(&mut app);
        type_keys(&mut app, "5");
        press(&mut app, KeyCode::Enter);
        let msg = app.message.clone().unwrap_or_default();
        assert!(
            msg.starts_with("not saved: not allowed: "),
            "{login}: {msg}"
        );
        assert!(msg.contains(" may"), "{login}: {msg}");
        assert_eq!(audit::count(app.db().conn()).unwrap(), entries, "{login}");
        app.invalidate();
        assert_eq!(
            app.journal.view.as_ref().unwrap().students[row].cells[col],
            MarkCell::Empty,
            "{login}"
        );
    }
    // The teacher of the lesson: saved.
    let (_dir, mut app) = tui_as(s, &s.teacher);
    let (row, col) = physics_7a(&mut app);
    type_keys(&mut app, "5");
    press(&mut app, KeyCode::Enter);
    assert!(
        app.message
            .as_deref()
            .unwrap_or_default()
            .starts_with("saved: 5 for "),
        "{:?}",
        app.message
    );
    assert_eq!(
        app.journal.view.as_ref().unwrap().students[row].cells[col],
        MarkCell::Marks("5".into())
    );
}

/// Run a command line as `login` (`--as`).
fn exit_as(path: &Path, login: &str, args: &[String]) -> Output {
    let mut all = vec!["--as".to_string(), login.to_string()];
    all.extend(args.iter().cloned());
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    classbook(path, &all)
}

#[test]
fn a_teacher_who_has_left_holds_nothing() {
    let s = school();
    let (_dir, path) = copy(s);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute("UPDATE staff SET active = 0 WHERE login = ?1", [&s.teacher])
        .unwrap();
    drop(conn);
    let o = exit_as(&path, &s.teacher, &write_args(s, "mark"));
    assert_eq!(o.status.code(), Some(5), "{}", err(&o));
    assert!(err(&o).contains("has no role here"), "{}", err(&o));
}

#[test]
fn a_substitute_edits_the_lesson_they_taught_and_no_other() {
    let s = school();
    let (_dir, path) = copy(s);
    // The other teacher taught 7А physics on that day instead.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let lesson: i64 = conn
        .query_row(
            "SELECT l.id FROM lesson l JOIN class c ON c.id = l.class_id
             JOIN subject s ON s.id = l.subject_id
             WHERE c.name = '7А' AND s.name = 'Физика' AND l.date = ?1",
            [DATE],
            |r| r.get(0),
        )
        .unwrap();
    conn.execute(
        "UPDATE lesson SET taught_by_id = (SELECT id FROM staff WHERE login = ?1) WHERE id = ?2",
        rusqlite::params![s.other, lesson],
    )
    .unwrap();
    drop(conn);
    let o = exit_as(&path, &s.other, &write_args(s, "mark"));
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    // ... but not the final grades of a class they do not teach.
    let o = exit_as(&path, &s.other, &write_args(s, "final grade"));
    assert_eq!(o.status.code(), Some(5), "{}", err(&o));
    assert!(
        err(&o).contains("only the subject teacher ("),
        "{}",
        err(&o)
    );
}

#[test]
fn the_subject_teacher_marks_absent_but_gives_no_reason() {
    let s = school();
    let (_dir, path) = copy(s);
    let code = |c: &str| {
        let mut a = write_args(s, "attendance code");
        *a.last_mut().unwrap() = c.to_string();
        a
    };
    // Н (reason not given) and О (exempt): the teacher's.
    for c in ["Н", "О"] {
        let o = exit_as(&path, &s.teacher, &code(c));
        assert_eq!(o.status.code(), Some(0), "{c}: {}", err(&o));
    }
    // Б (illness) is a reason: the class teacher's.
    let o = exit_as(&path, &s.teacher, &code("Б"));
    assert_eq!(o.status.code(), Some(5), "{}", err(&o));
    assert!(
        err(&o).contains("only the class teacher of 7А"),
        "{}",
        err(&o)
    );
    let o = exit_as(&path, &s.class_teacher, &code("Б"));
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    // ... and once given, the subject teacher cannot take it back either.
    let o = exit_as(&path, &s.teacher, &code("О"));
    assert_eq!(o.status.code(), Some(5), "{}", err(&o));
}

#[test]
fn a_teacher_cannot_take_over_someone_elses_lesson() {
    let s = school();
    let (_dir, path) = copy(s);
    let mut db = store::open(&path, &OpenOptions::default()).unwrap();
    let (lesson, other_id): (i64, i64) = db
        .conn()
        .query_row(
            "SELECT l.id, (SELECT id FROM staff WHERE login = ?2) FROM lesson l
             JOIN class c ON c.id = l.class_id JOIN subject s ON s.id = l.subject_id
             WHERE c.name = '7А' AND s.name = 'Физика' AND l.date = ?1",
            rusqlite::params![DATE, s.other],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let hand_over = |db: &mut store::Db, field: &str| {
        db.write(|tx| {
            let key = serde_json::json!({ "id": lesson })
                .as_object()
                .unwrap()
                .clone();
            let mut row = serde_json::Map::new();
            row.insert(field.into(), serde_json::json!(other_id));
            audit::write_row(tx, "x", "lesson.set", "lesson", &key, Some(&row))
        })
    };
    db.set_who(Who::login(s.other.as_str()));
    for field in ["teacher_id", "taught_by_id"] {
        let e = hand_over(&mut db, field).unwrap_err();
        assert!(matches!(e, StoreError::NotPermitted(_)), "{field}: {e}");
    }
    // The deputy head may (a substitution arranged afterwards).
    db.set_who(Who::login(DEPUTY));
    assert!(hand_over(&mut db, "taught_by_id").unwrap().is_some());
    // ... and then the substitute may write that lesson.
    db.set_who(Who::login(s.other.as_str()));
    let topic = db.write(|tx| {
        let key = serde_json::json!({ "id": lesson })
            .as_object()
            .unwrap()
            .clone();
        let mut row = serde_json::Map::new();
        row.insert("topic".into(), serde_json::json!("Сила трения"));
        audit::write_row(tx, "x", "lesson.set", "lesson", &key, Some(&row))
    });
    assert!(topic.unwrap().is_some());
}

#[test]
fn a_file_without_grants_is_administered_by_its_owner_and_root_and_teachers_keep_their_journals() {
    let s = school();
    let (_dir, path) = copy(s);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute("DELETE FROM user_role", []).unwrap();
    let owner = access::file_owner(&path).expect("the file has an owner");
    for (login, admin) in [(owner.as_str(), true), ("root", true), (NOBODY, false)] {
        let r = access::rights(&conn, login, &path).unwrap();
        assert_eq!(r.admin, admin, "{login}");
    }
    let r = access::rights(&conn, &s.teacher, &path).unwrap();
    assert!(!r.admin && !r.deputy && !r.viewer && r.staff.is_some());
    drop(conn);
    ok(
        &path,
        &write_args(s, "settings")
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    let o = exit_as(&path, &s.teacher, &write_args(s, "mark"));
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    // (another mark: the same one again changes nothing and is no write)
    let mut four = write_args(s, "mark");
    *four.last_mut().unwrap() = "4".into();
    let o = exit_as(&path, NOBODY, &four);
    assert_eq!(o.status.code(), Some(5), "{}", err(&o));
}

#[test]
fn the_operator_is_recorded_as_who_acts_for_whom() {
    assert_eq!(Who::login("Иванова").operator(), "Иванова");
    let me = Who {
        login: "root".into(),
        real: None,
        sudo_by: Some("nguyen".into()),
    };
    assert_eq!(me.operator(), "nguyen via sudo");
    assert_eq!(me.acting_as("王芳").operator(), "nguyen via sudo as 王芳");
    assert_eq!(me.acting_as("王芳").real.as_deref(), Some("root"));
}

#[test]
fn the_device_census_is_the_class_teachers_and_a_change_that_names_no_lesson_a_deputys() {
    let s = school();
    let (_dir, path) = copy(s);
    let mut db = store::open(&path, &OpenOptions::default()).unwrap();
    let (student, year): (i64, i64) = db
        .conn()
        .query_row(
            "SELECT e.student_id, c.year_id FROM enrolment e JOIN class c ON c.id = e.class_id
             WHERE c.name = '7А' ORDER BY e.student_id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let census = |db: &mut store::Db, internet: i64| {
        db.write(|tx| {
            let key = serde_json::json!({ "student_id": student, "year_id": year });
            let mut row = key.as_object().unwrap().clone();
            for (k, v) in [
                ("taken_on", serde_json::json!("2025-12-01")),
                ("computer", serde_json::json!(1)),
                ("tablet", serde_json::json!(0)),
                ("smartphone", serde_json::json!(1)),
                ("tv", serde_json::json!(0)),
                ("internet", serde_json::json!(internet)),
            ] {
                row.insert(k.into(), v);
            }
            audit::write_row(
                tx,
                "x",
                "census.set",
                "device_census",
                key.as_object().unwrap(),
                Some(&row),
            )
        })
    };
    db.set_who(Who::login(s.teacher.as_str()));
    let e = census(&mut db, 1).unwrap_err();
    assert!(
        matches!(&e, StoreError::NotPermitted(m) if m.contains("only the class teacher (")),
        "{e}"
    );
    db.set_who(Who::login(s.class_teacher.as_str()));
    assert!(census(&mut db, 1).unwrap().is_some());
    db.set_who(Who::login(DEPUTY));
    assert!(census(&mut db, 0).unwrap().is_some());
    // An entry of a journal table that names no lesson: not a teacher's.
    let nameless = |db: &mut store::Db| {
        db.write(|tx| {
            audit::record(tx, "x", "mark.set", "mark", r#"{"id":1}"#, None, None)?;
            Ok::<_, StoreError>(())
        })
    };
    db.set_who(Who::login(s.teacher.as_str()));
    let e = nameless(&mut db).unwrap_err();
    assert!(
        matches!(&e, StoreError::NotPermitted(m) if m.contains("it names no lesson")),
        "{e}"
    );
    db.set_who(Who::login(DEPUTY));
    nameless(&mut db).unwrap();
}

/// The account `nobody`'s user and group ids, if the system has one.
#[cfg(unix)]
fn nobody() -> Option<(u32, u32)> {
    let name = std::ffi::CString::new("nobody").unwrap();
    // SAFETY: getpwnam returns a pointer into static storage or null; the
    // ids are copied out at once.
    unsafe {
        let pw = libc::getpwnam(name.as_ptr());
        (!pw.is_null()).then(|| ((*pw).pw_uid, (*pw).pw_gid))
    }
}

/// A real other operating-system user (run as `nobody`, which needs the
/// tests to run as root): not the file's owner, so without a role it may
/// only read, and its `--as` is refused with exit code 6.
#[cfg(unix)]
#[test]
fn another_system_user_without_a_role_may_only_read_and_may_not_act_as_anyone() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    if access::os_login() != "root" {
        eprintln!("not root: cannot run as another user; skipped");
        return;
    }
    let Some((uid, gid)) = nobody() else {
        eprintln!("no account nobody: skipped");
        return;
    };
    let s = school();
    let (dir, path) = copy(s);
    // Another user may open the file (and make its -wal and -shm beside it).
    let _ = classbook(&path, &["check"]);
    for p in [dir.path().to_path_buf(), path.clone()] {
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o777)).unwrap();
    }
    for suffix in ["-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{suffix}", path.display()));
        if p.exists() {
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o666)).unwrap();
        }
    }
    let as_nobody = |args: &[String]| {
        Command::new(env!("CARGO_BIN_EXE_classbook"))
            .arg("--db")
            .arg(&path)
            .args(args)
            .env_remove("CLASSBOOK_DB")
            .env("USER", "root")
            .uid(uid)
            .gid(gid)
            .output()
            .expect("the binary runs")
    };
    let o = as_nobody(&["users".to_string()]);
    if o.status.code() == Some(3) {
        eprintln!("nobody cannot open the file here ({}): skipped", err(&o));
        return;
    }
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let o = as_nobody(&write_args(s, "settings"));
    assert_eq!(o.status.code(), Some(5), "{}", err(&o));
    assert!(err(&o).contains("nobody may not"), "{}", err(&o));
    let mut as_deputy = vec!["--as".to_string(), DEPUTY.to_string()];
    as_deputy.extend(write_args(s, "mark"));
    let o = as_nobody(&as_deputy);
    assert_eq!(o.status.code(), Some(6), "{}", err(&o));
    assert!(
        err(&o).contains("only an administrator may use --as"),
        "{}",
        err(&o)
    );
    // Granted admin, nobody may.
    ok(&path, &["users", "grant", "nobody", "admin"]);
    let o = as_nobody(&as_deputy);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
}

#[test]
fn a_viewer_is_refused_even_a_write_that_skips_the_audit_log() {
    let s = school();
    let (_dir, path) = copy(s);
    let mut db = store::open(&path, &OpenOptions::default()).unwrap();
    let name = |db: &store::Db| -> String {
        db.conn()
            .query_row("SELECT name FROM school", [], |r| r.get(0))
            .unwrap()
    };
    let before = name(&db);
    let rename = |db: &mut store::Db| {
        db.write(|tx| {
            tx.execute("UPDATE school SET name = 'Школа № 13'", [])?;
            Ok::<_, StoreError>(())
        })
    };
    db.set_who(Who::login(VIEWER));
    let e = rename(&mut db).unwrap_err();
    assert!(
        matches!(&e, StoreError::NotPermitted(m) if m.contains("may not change anything")),
        "{e}"
    );
    assert_eq!(name(&db), before);
    // Reading in a write transaction is no change.
    db.write(|tx| {
        tx.query_row("SELECT count(*) FROM student", [], |r| r.get::<_, i64>(0))?;
        Ok::<_, StoreError>(())
    })
    .unwrap();
    // The administrator may.
    db.set_who(Who::login(ADMIN));
    rename(&mut db).unwrap();
    assert_eq!(name(&db), "Школа № 13");
}
