//! Every write is attributable (who, when, old value, new value) and can be
//! undone, and the undo can be undone (redo).

use classbook::service::demo::{self, DemoOptions};
use classbook::store::{self, Db, OpenMode, OpenOptions, StoreError, audit};
use serde_json::{Map, Value, json};

fn demo_db(dir: &tempfile::TempDir) -> Db {
    let mut db = store::open(
        &dir.path().join("d.sqlite"),
        &OpenOptions {
            mode: OpenMode::Create,
            ..OpenOptions::default()
        },
    )
    .unwrap();
    demo::generate(&mut db, &DemoOptions::default()).unwrap();
    db
}

fn obj(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

fn scalar<T: rusqlite::types::FromSql>(db: &Db, sql: &str) -> T {
    db.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn a_changed_topic_is_audited_undone_and_redone_without_touching_marks() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = demo_db(&dir);
    let lesson: i64 = scalar(
        &db,
        "SELECT lesson_id FROM mark GROUP BY lesson_id HAVING count(*) > 3 LIMIT 1",
    );
    let marks_before: i64 = scalar(
        &db,
        &format!("SELECT count(*) FROM mark WHERE lesson_id = {lesson}"),
    );
    let old_topic: Option<String> = scalar(
        &db,
        &format!("SELECT topic FROM lesson WHERE id = {lesson}"),
    );
    let key = obj(json!({ "id": lesson }));

    let entry = db
        .write(|tx| -> Result<i64, StoreError> {
            let info = store::rows::table_info(tx, "lesson")?;
            let mut row = store::rows::snapshot(tx, &info, &key)?.unwrap();
            row.insert(
                "topic".into(),
                json!("Дроби: сложение и вычитание — Phân số — 分数"),
            );
            Ok(audit::write_row(
                tx,
                "Иванова М. С.",
                "lesson.set_topic",
                "lesson",
                &key,
                Some(&row),
            )?
            .unwrap())
        })
        .unwrap();
    let e = audit::get(db.conn(), entry).unwrap().unwrap();
    assert_eq!(e.operator, "Иванова М. С.");
    assert_eq!(e.entity, "lesson");
    assert_eq!(e.old_value.as_ref().unwrap()["topic"], json!(old_topic));
    assert_eq!(
        e.new_value.as_ref().unwrap()["topic"],
        json!("Дроби: сложение и вычитание — Phân số — 分数")
    );
    assert!(e.at.ends_with('Z'), "UTC time: {}", e.at);

    // Undo: the old topic is back, the lesson's marks untouched.
    let undo = db.write(|tx| audit::undo(tx, "admin", entry)).unwrap();
    let topic: Option<String> = scalar(
        &db,
        &format!("SELECT topic FROM lesson WHERE id = {lesson}"),
    );
    assert_eq!(topic, old_topic);
    let marks_after: i64 = scalar(
        &db,
        &format!("SELECT count(*) FROM mark WHERE lesson_id = {lesson}"),
    );
    assert_eq!(
        marks_after, marks_before,
        "restoring a row must not cascade to its children"
    );
    assert_eq!(
        audit::get(db.conn(), undo).unwrap().unwrap().undo_of,
        Some(entry)
    );

    // Redo is the undo of the undo.
    db.write(|tx| audit::undo(tx, "admin", undo)).unwrap();
    let topic: Option<String> = scalar(
        &db,
        &format!("SELECT topic FROM lesson WHERE id = {lesson}"),
    );
    assert_eq!(
        topic.as_deref(),
        Some("Дроби: сложение и вычитание — Phân số — 分数")
    );
}

#[test]
fn a_created_row_is_removed_by_undo_and_a_stale_undo_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = demo_db(&dir);
    let (lesson, student): (i64, i64) = db
        .conn()
        .query_row(
            "SELECT l.id, e.student_id FROM lesson l JOIN enrolment e ON e.class_id = l.class_id
             JOIN class c ON c.id = l.class_id
             WHERE c.grade > 1 AND l.group_id IS NULL AND e.ends_on IS NULL
               AND NOT EXISTS (SELECT 1 FROM mark m WHERE m.lesson_id = l.id AND m.student_id = e.student_id)
             LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let form: i64 = scalar(
        &db,
        "SELECT id FROM control_form WHERE name = 'Контрольная работа'",
    );
    let row = |symbol: &str, value: Option<i64>| {
        obj(json!({
            "id": 9_000_001, "lesson_id": lesson, "student_id": student, "seq": 1, "symbol": symbol,
            "value": value, "control_form_id": form, "weight": 2, "entered_at": "2025-12-24T15:00:00Z",
            "entered_by": "tester"
        }))
    };
    let key = obj(json!({ "id": 9_000_001 }));
    let created = db
        .write(|tx| {
            audit::write_row(
                tx,
                "tester",
                "mark.set",
                "mark",
                &key,
                Some(&row("5", Some(5))),
            )
        })
        .unwrap()
        .unwrap();
    let changed = db
        .write(|tx| {
            audit::write_row(
                tx,
                "tester",
                "mark.set",
                "mark",
                &key,
                Some(&row("4", Some(4))),
            )
        })
        .unwrap()
        .unwrap();
    // Writing the same value again records nothing.
    assert_eq!(
        db.write(|tx| audit::write_row(
            tx,
            "tester",
            "mark.set",
            "mark",
            &key,
            Some(&row("4", Some(4)))
        ))
        .unwrap(),
        None
    );
    // Undoing the creation first would lose the later change: refused.
    let err = db
        .write(|tx| audit::undo(tx, "tester", created))
        .unwrap_err();
    assert!(err.to_string().contains("changed again"), "{err}");
    assert_eq!(
        scalar::<String>(&db, "SELECT symbol FROM mark WHERE id = 9000001"),
        "4"
    );
    // In order, they work: 4 → 5 → gone.
    db.write(|tx| audit::undo(tx, "tester", changed)).unwrap();
    assert_eq!(
        scalar::<String>(&db, "SELECT symbol FROM mark WHERE id = 9000001"),
        "5"
    );
    db.write(|tx| audit::undo(tx, "tester", created)).unwrap();
    assert_eq!(
        scalar::<i64>(&db, "SELECT count(*) FROM mark WHERE id = 9000001"),
        0
    );
    // A refused write (a mark of 7) changes nothing and records nothing.
    let entries = audit::count(db.conn()).unwrap();
    let err = db
        .write(|tx| {
            audit::write_row(
                tx,
                "tester",
                "mark.set",
                "mark",
                &key,
                Some(&row("7", Some(7))),
            )
        })
        .unwrap_err();
    assert!(matches!(err, StoreError::Sqlite(_)), "{err}");
    assert_eq!(audit::count(db.conn()).unwrap(), entries);
    assert_eq!(
        scalar::<i64>(&db, "SELECT count(*) FROM mark WHERE id = 9000001"),
        0
    );
}

#[test]
fn a_group_of_writes_is_undone_and_redone_as_one_action() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = demo_db(&dir);
    let lessons: Vec<i64> = {
        let mut stmt = db
            .conn()
            .prepare("SELECT id FROM lesson WHERE topic IS NOT NULL ORDER BY id LIMIT 3")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let topic = |db: &Db, id: i64| -> Option<String> {
        scalar(db, &format!("SELECT topic FROM lesson WHERE id = {id}"))
    };
    let before: Vec<Option<String>> = lessons.iter().map(|id| topic(&db, *id)).collect();
    let group = db
        .write(|tx| -> Result<Vec<i64>, StoreError> {
            let info = store::rows::table_info(tx, "lesson")?;
            let mut ids = vec![];
            for id in &lessons {
                let key = obj(json!({ "id": id }));
                let mut row = store::rows::snapshot(tx, &info, &key)?.unwrap();
                row.insert("topic".into(), json!("Повторение"));
                ids.extend(audit::write_row(
                    tx,
                    "tester",
                    "lesson.set_topic",
                    "lesson",
                    &key,
                    Some(&row),
                )?);
            }
            Ok(ids)
        })
        .unwrap();
    assert_eq!(group.len(), 3);
    let undone = db
        .write(|tx| audit::undo_group(tx, "tester", &group))
        .unwrap();
    assert_eq!(
        lessons.iter().map(|id| topic(&db, *id)).collect::<Vec<_>>(),
        before
    );
    db.write(|tx| audit::undo_group(tx, "tester", &undone))
        .unwrap();
    assert!(
        lessons
            .iter()
            .all(|id| topic(&db, *id).as_deref() == Some("Повторение"))
    );
}
