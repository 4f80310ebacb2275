//! `classbook audit`: the change history in words — each entry named by
//! the student, class, subject, date, lesson and field — chosen by person,
//! class, operator and dates, as text, CSV and JSON.

use std::path::Path;
use std::process::Command;

fn run(db: &Path, who: &str, args: &[&str]) -> String {
    let mut c = Command::new(env!("CARGO_BIN_EXE_classbook"));
    c.args(args).arg("--db").arg(db).env_remove("CLASSBOOK_DB");
    if !who.is_empty() {
        c.args(["--as", who]);
    }
    let o = c.output().expect("runs");
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn the_history_names_who_where_and_what_and_filters() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("school.sqlite");
    run(&db, "", &["demo"]);
    run(&db, "", &["users", "grant", "Nguyễn Thị Mai", "deputy"]);
    let said = run(
        &db,
        "Nguyễn Thị Mai",
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
            "5",
            "--overwrite",
        ],
    );
    assert!(said.contains("→ «5»"), "{said}");
    let text = run(&db, "", &["audit", "--person", "алексеева"]);
    let line = text.lines().next().expect("one entry");
    assert!(line.contains("Nguyễn Thị Mai"), "{line}");
    assert!(
        line.contains("Алексеева Алиса Юрьевна · 7А Алгебра 23.12 lesson"),
        "{line}"
    );
    assert!(line.contains("mark — → 5"), "{line}");
    // By class and operator; nothing for another class.
    assert!(
        run(&db, "", &["audit", "--class", "7А", "--operator", "nguyễn"]).contains("mark — → 5")
    );
    assert_eq!(
        run(&db, "", &["audit", "--class", "5А", "--operator", "nguyễn"]).trim(),
        "no entries"
    );
    // CSV and JSON carry the same words.
    let csv = run(
        &db,
        "",
        &["audit", "--person", "Алексеева", "--format", "csv"],
    );
    assert!(csv.starts_with("id,at,operator,action,person,class,place,what,undo_of"));
    assert!(
        csv.contains("Алексеева Алиса Юрьевна,7А,7А Алгебра 23.12 lesson"),
        "{csv}"
    );
    let json: serde_json::Value = serde_json::from_str(&run(
        &db,
        "",
        &["audit", "--person", "Алексеева", "--format", "json"],
    ))
    .unwrap();
    assert_eq!(json[0]["what"], "mark — → 5 (Устный ответ)");
    assert_eq!(json[0]["class"], "7А");
    // Dates: nothing before the demo was made.
    assert_eq!(
        run(&db, "", &["audit", "--to", "2000-01-01"]).trim(),
        "no entries"
    );
}
