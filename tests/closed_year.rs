//! A closed school year is read-only in the store: every table of the
//! schema is known to belong to a year or to none (a new table fails here
//! until it is); removing a row of any year-bound table of the closed year
//! is refused at the commit whichever writer does it; the command line's
//! writers say so in one line and exit 8; people stay editable; closing
//! needs the review clean or a note; reopening needs a reason and is
//! recorded.

mod common;

use std::path::Path;
use std::process::Command;

use classbook::store::{self, closed, rows};
use serde_json::{Map, Value};

fn classbook(db: &Path, args: &[&str]) -> (i32, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_classbook"))
        .args(args)
        .arg("--db")
        .arg(db)
        .env_remove("CLASSBOOK_DB")
        .output()
        .expect("the binary runs");
    (
        o.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    )
}

fn tables(conn: &rusqlite::Connection) -> Vec<String> {
    let mut st = conn
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table'
             AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .unwrap();
    st.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn every_table_is_known_to_belong_to_a_year_or_to_none() {
    let (_dir, db) = common::empty_db();
    let unknown: Vec<String> = tables(db.conn())
        .into_iter()
        .filter(|t| closed::kind_of(t).is_none())
        .collect();
    assert!(
        unknown.is_empty(),
        "tables the closed-year check does not know (add them to store::closed::kind_of): {unknown:?}"
    );
}

#[test]
fn a_closed_year_refuses_every_write_to_it_and_reopens_with_a_reason() {
    let (dir, db) = common::demo_db();
    let path = dir.path().join("demo.sqlite");
    drop(db);
    // The demo's review has errors: closing needs a note then.
    let (code, said) = classbook(&path, &["year", "close", "2025/26"]);
    assert_eq!(code, 2, "{said}");
    assert!(said.contains("unacknowledged error"), "{said}");
    let (code, said) = classbook(
        &path,
        &[
            "year",
            "close",
            "2025/26",
            "--force",
            "--note",
            "Итоги подведены, ошибки демо-школы оставлены",
        ],
    );
    assert_eq!(code, 0, "{said}");

    // Every year-bound table: removing one of its rows (all the demo's
    // rows are of its one year) is refused at the commit.
    let mut db = store::open(&path, &store::OpenOptions::default()).unwrap();
    let mut tried = Vec::new();
    for table in tables(db.conn()) {
        let kind = closed::kind_of(&table).unwrap();
        if kind == closed::Kind::Yearless {
            continue;
        }
        let info = rows::table_info(db.conn(), &table).unwrap();
        let cols = info
            .key
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let key: Option<Map<String, Value>> = db
            .conn()
            .query_row(
                &format!("SELECT {cols} FROM \"{table}\" LIMIT 1"),
                [],
                |r| {
                    let mut m = Map::new();
                    for (i, c) in info.key.iter().enumerate() {
                        let v: rusqlite::types::Value = r.get(i)?;
                        m.insert(
                            c.clone(),
                            match v {
                                rusqlite::types::Value::Integer(n) => Value::from(n),
                                rusqlite::types::Value::Text(t) => Value::from(t),
                                other => Value::from(format!("{other:?}")),
                            },
                        );
                    }
                    Ok(m)
                },
            )
            .ok();
        let Some(key) = key else {
            continue;
        };
        let r = db.write(|tx| {
            // Foreign keys may forbid the removal itself; a change to the
            // row is judged the same way, so a removal that the schema
            // refuses first is tried as a change instead.
            tx.execute_batch("PRAGMA defer_foreign_keys = ON")?;
            store::audit::write_row(tx, "Lê Thị Hoa", "test.remove", &table, &key, None)
        });
        match r {
            Err(store::StoreError::Closed(m)) => {
                assert!(m.contains("2025/26 is closed (on "), "{table}: {m}");
                tried.push(table);
            }
            other => panic!("{table} {key:?}: not refused as closed: {other:?}"),
        }
    }
    for must in [
        "lesson",
        "mark",
        "attendance",
        "period",
        "holiday",
        "class",
        "timetable",
        "plan_topic",
        "training_session",
        "training_attendance",
        "curriculum",
    ] {
        assert!(
            tried.iter().any(|t| t == must),
            "{must} not tried: {tried:?}"
        );
    }
    drop(db);

    // The command line's writers: one line, exit 8, nothing saved.
    for args in [
        vec![
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
        vec![
            "attendance",
            "set",
            "--class",
            "7А",
            "--date",
            "2025-12-23",
            "--lesson",
            "1",
            "--student",
            "Алексеева",
            "--code",
            "Б",
            "--overwrite",
        ],
        vec![
            "school",
            "add-holiday",
            "Тết",
            "--from",
            "2026-02-16",
            "--to",
            "2026-02-20",
        ],
        vec!["school", "add-class", "11Я"],
    ] {
        let (code, said) = classbook(&path, &args);
        assert_eq!(code, 8, "{args:?}: {said}");
        assert!(said.contains("2025/26 is closed (on "), "{said}");
        assert!(said.contains("year reopen"), "{said}");
        assert_eq!(said.trim().lines().count(), 1, "one line: {said}");
    }
    // A person is no one year's.
    let (code, said) = classbook(
        &path,
        &["student", "edit", "1", "--phone", "+84 90 123 4567"],
    );
    assert_eq!(code, 0, "{said}");

    // Reopening needs a reason, recorded; then writes go through again.
    let (code, _) = classbook(&path, &["year", "reopen", "2025/26", "--reason", " "]);
    assert_eq!(code, 2);
    let (code, said) = classbook(
        &path,
        &[
            "year",
            "reopen",
            "2025/26",
            "--reason",
            "исправить отметку 王芳",
        ],
    );
    assert_eq!(code, 0, "{said}");
    let (code, said) = classbook(&path, &["school", "add-class", "11Я"]);
    assert_eq!(code, 0, "{said}");
    let c = rusqlite::Connection::open(&path).unwrap();
    let notes: Vec<String> = {
        let mut st = c
            .prepare(
                "SELECT new_value FROM audit_log WHERE entity = 'school_year_note' ORDER BY id",
            )
            .unwrap();
        st.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(notes[0].contains("ошибки демо-школы"), "{notes:?}");
    assert!(notes[1].contains("исправить отметку 王芳"), "{notes:?}");
}
