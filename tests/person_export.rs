//! `classbook person export`: everything about one student or member of
//! staff as JSON, 0600, administrators only.

use std::path::Path;
use std::process::Command;

fn classbook(db: &Path, who: &str, args: &[&str]) -> std::process::Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_classbook"));
    c.args(args).arg("--db").arg(db).env_remove("CLASSBOOK_DB");
    if !who.is_empty() {
        c.args(["--as", who]);
    }
    c.output().expect("runs")
}

fn count(db: &Path, sql: &str, id: i64) -> usize {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(sql, [id], |r| r.get::<_, i64>(0))
        .unwrap() as usize
}

#[test]
fn a_students_and_a_teachers_data_are_exported_whole() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("school.sqlite");
    assert!(classbook(&db, "", &["demo"]).status.success());
    let o = classbook(
        &db,
        "",
        &[
            "journal",
            "set-mark",
            "--class",
            "7А",
            "--subject",
            "Алгебра",
            "--date",
            "2025-12-23",
            "--student",
            "Алексеева",
            "--marks",
            "5/4",
            "--overwrite",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let id: i64 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT id FROM student WHERE family_name = 'Алексеева' AND given_name = 'Алиса'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let out = dir.path().join("Алексеева.json");
    let o = classbook(
        &db,
        "",
        &[
            "person",
            "export",
            "--student",
            &id.to_string(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(v["student"]["family_name"], "Алексеева");
    let len = |k: &str| v[k].as_array().map_or(0, Vec::len);
    assert_eq!(
        len("marks"),
        count(&db, "SELECT count(*) FROM mark WHERE student_id = ?1", id)
    );
    assert!(len("marks") >= 2);
    assert_eq!(
        len("attendance"),
        count(
            &db,
            "SELECT count(*) FROM attendance WHERE student_id = ?1",
            id
        )
    );
    assert_eq!(
        len("guardians"),
        count(
            &db,
            "SELECT count(*) FROM student_guardian WHERE student_id = ?1",
            id
        )
    );
    assert_eq!(
        len("stays"),
        count(
            &db,
            "SELECT count(*) FROM enrolment WHERE student_id = ?1",
            id
        )
    );
    // The history entries about her: the two marks just set, as objects.
    let hist = v["history"].as_array().unwrap();
    assert!(hist.len() >= 2, "{hist:?}");
    assert!(
        hist.iter()
            .all(|e| e["new_value"]["student_id"] == id || e["old_value"]["student_id"] == id)
    );
    // A teacher.
    let o = classbook(&db, "", &["person", "export", "--staff", "1"]);
    assert!(o.status.success());
    let t: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(t["kind"], "staff");
    assert!(t["staff"]["family_name"].is_string());
    // Only an administrator; nothing for nobody.
    let o = classbook(
        &db,
        "王芳",
        &["person", "export", "--student", &id.to_string()],
    );
    assert_eq!(o.status.code(), Some(5));
    assert!(o.stdout.is_empty());
    let o = classbook(&db, "", &["person", "export", "--student", "999999"]);
    assert_eq!(o.status.code(), Some(2));
}
