//! One person's data, for the person who asks for it (seed 003: personal
//! data): everything the database holds about a student or a member of
//! staff, as JSON — their record, stays, groups, guardians, marks,
//! attendance and reasons, grades, training, and the change-history
//! entries about them.

use serde_json::{Map, Value, json};

use crate::domain::Id;
use crate::store::{self, Result, rows::query_json};

fn section(rows: Vec<Map<String, Value>>) -> Value {
    Value::Array(rows.into_iter().map(Value::Object).collect())
}

/// The change-history entries about a row of `entity` with `id`, and about
/// rows that name it in `field`.
fn history(conn: &store::Conn, entity: &str, field: &str, id: Id) -> Result<Value> {
    let mut rows = query_json(
        conn,
        "SELECT id, at, operator, action, entity, entity_key, old_value, new_value, undo_of
         FROM audit_log
         WHERE (entity = ?1 AND entity_key = json_object('id', ?3))
            OR json_extract(coalesce(new_value, old_value), '$.' || ?2) = ?3
         ORDER BY id",
        rusqlite::params![entity, field, id],
    )?;
    // The rows as objects, not as the text they are stored as.
    for r in &mut rows {
        for k in ["old_value", "new_value"] {
            if let Some(Value::String(t)) = r.get(k)
                && let Ok(v) = serde_json::from_str::<Value>(t)
            {
                r.insert(k.to_string(), v);
            }
        }
    }
    Ok(section(rows))
}

/// Everything about student `id`.
pub fn student(conn: &store::Conn, id: Id) -> Result<Value> {
    let me = query_json(conn, "SELECT * FROM student WHERE id = ?1", [id])?;
    if me.is_empty() {
        return Err(store::StoreError::NotFound(format!(
            "student {id} (see `classbook student list`)"
        )));
    }
    let q = |sql: &str| -> Result<Value> { Ok(section(query_json(conn, sql, [id])?)) };
    Ok(json!({
        "kind": "student",
        "exported_at": store::now(),
        "student": me[0],
        "stays": q("SELECT e.*, c.name AS class, y.label AS year FROM enrolment e
                    JOIN class c ON c.id = e.class_id JOIN school_year y ON y.id = c.year_id
                    WHERE e.student_id = ?1 ORDER BY e.starts_on")?,
        "departure_pending": q("SELECT * FROM departure_pending WHERE student_id = ?1")?,
        "groups": q("SELECT c.name AS class, g.name AS group_name FROM group_member gm
                     JOIN class_group g ON g.id = gm.group_id JOIN class c ON c.id = g.class_id
                     WHERE gm.student_id = ?1")?,
        "guardians": q("SELECT g.*, sg.relation FROM student_guardian sg
                        JOIN guardian g ON g.id = sg.guardian_id WHERE sg.student_id = ?1")?,
        "marks": q("SELECT l.date, l.lesson_no, c.name AS class, s.name AS subject, m.seq,
                           m.symbol, m.value, m.weight, f.name AS form, m.due_on, m.comment,
                           m.entered_at, m.entered_by
                    FROM mark m JOIN lesson l ON l.id = m.lesson_id
                    JOIN class c ON c.id = l.class_id JOIN subject s ON s.id = l.subject_id
                    JOIN control_form f ON f.id = m.control_form_id
                    WHERE m.student_id = ?1 ORDER BY l.date, l.lesson_no, m.seq")?,
        "attendance": q("SELECT l.date, l.lesson_no, c.name AS class, s.name AS subject,
                                ac.code, ac.label, ac.category, cc.code AS comment_code,
                                a.comment, a.set_by, a.set_at
                         FROM attendance a JOIN lesson l ON l.id = a.lesson_id
                         JOIN class c ON c.id = l.class_id JOIN subject s ON s.id = l.subject_id
                         JOIN attendance_code ac ON ac.id = a.code_id
                         LEFT JOIN attendance_code cc ON cc.id = a.comment_code_id
                         WHERE a.student_id = ?1 ORDER BY l.date, l.lesson_no")?,
        "period_grades": q("SELECT p.label AS period, c.name AS class, s.name AS subject, g.*
                            FROM period_grade g JOIN period p ON p.id = g.period_id
                            JOIN class c ON c.id = g.class_id JOIN subject s ON s.id = g.subject_id
                            WHERE g.student_id = ?1")?,
        "device_census": q("SELECT * FROM device_census WHERE student_id = ?1")?,
        "online_followup": q("SELECT * FROM online_followup WHERE student_id = ?1")?,
        "history": history(conn, "student", "student_id", id)?,
    }))
}

/// Everything about member of staff `id`.
pub fn staff(conn: &store::Conn, id: Id) -> Result<Value> {
    let me = query_json(conn, "SELECT * FROM staff WHERE id = ?1", [id])?;
    if me.is_empty() {
        return Err(store::StoreError::NotFound(format!("member of staff {id}")));
    }
    let q = |sql: &str| -> Result<Value> { Ok(section(query_json(conn, sql, [id])?)) };
    Ok(json!({
        "kind": "staff",
        "exported_at": store::now(),
        "staff": me[0],
        "roles": q("SELECT role FROM staff_role WHERE staff_id = ?1")?,
        "class_teacher_of": q("SELECT c.name AS class, y.label AS year FROM class c
                               JOIN school_year y ON y.id = c.year_id WHERE c.class_teacher_id = ?1")?,
        "workload": q("SELECT c.name AS class, s.name AS subject, w.* FROM workload w
                       JOIN class c ON c.id = w.class_id JOIN subject s ON s.id = w.subject_id
                       WHERE w.teacher_id = ?1")?,
        "lessons_taught": q("SELECT count(*) AS lessons, min(date) AS first, max(date) AS last
                             FROM lesson WHERE ifnull(taught_by_id, teacher_id) = ?1")?,
        "training_attendance": q("SELECT s.date, s.topic, a.* FROM training_attendance a
                                  JOIN training_session s ON s.id = a.session_id
                                  WHERE a.staff_id = ?1 ORDER BY s.date")?,
        "external_training": q("SELECT * FROM external_training WHERE staff_id = ?1")?,
        "training_records": q("SELECT * FROM training_record WHERE staff_id = ?1")?,
        "history": history(conn, "staff", "staff_id", id)?,
    }))
}
