//! One record of a student's absence from a lesson (issue 15, item 12): the
//! attendance register holds it and the journal's Н shows it. Typing Н in
//! the journal writes attendance, setting an absence in attendance shows Н
//! in the journal, clearing from either side clears both, and undo restores
//! both. Migration 4 moves older journal Н marks into attendance; where the
//! journal and attendance disagreed (there, or in an imported gradebook),
//! attendance is kept and the review lists the disagreement.

mod common;

use chrono::{NaiveDate, NaiveDateTime};
use classbook::domain::attendance::Category;
use classbook::domain::review::Rule;
use classbook::domain::{Class, Id, PeriodKind, SchoolYear};
use classbook::service::attendance::{self as att, DayCell};
use classbook::service::import::results;
use classbook::service::journal::{self as svc, CellInput, JournalView, MarkCell};
use classbook::service::review::{self, Finding, ReviewQuery};
use classbook::store::{self, Conn, Db, OpenOptions, audit};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date")
}

/// The demo's working date.
const TODAY: &str = "2025-12-24";

fn year(conn: &Conn) -> SchoolYear {
    store::school::current_year(conn, d(TODAY))
        .expect("reads")
        .expect("a year")
}

fn class(conn: &Conn, name: &str) -> Class {
    store::classes::class_by_name(conn, year(conn).id, name)
        .expect("reads")
        .expect("the class")
}

/// 7А Алгебра, second quarter, as the journal tab shows it.
fn journal(db: &Db) -> JournalView {
    let conn = db.conn();
    let class = class(conn, "7А");
    let subject = store::curriculum::class_subjects(conn, class.id)
        .expect("subjects")
        .into_iter()
        .find(|s| s.name == "Алгебра")
        .expect("Алгебра");
    let period = store::school::periods(conn, year(conn).id)
        .expect("periods")
        .into_iter()
        .find(|p| p.kind == PeriodKind::Quarter && p.number == 2)
        .expect("q2");
    svc::load(conn, &class, &subject, &period, d(TODAY)).expect("the journal")
}

/// A cell of a recorded lesson whose attendance was taken, with the
/// student present and no mark: (row, column).
fn present_cell(v: &JournalView) -> (usize, usize) {
    for (c, l) in v.lessons.iter().enumerate().rev() {
        if !l.recorded || l.lesson.attendance_taken_at.is_none() {
            continue;
        }
        for (r, s) in v.students.iter().enumerate() {
            if s.cells[c] == MarkCell::Empty && s.absences[c].is_none() {
                return (r, c);
            }
        }
    }
    panic!("no present cell");
}

/// The attendance tab's cell of a student at a lesson.
fn attendance_cell(db: &Db, lesson_id: Id, student_id: Id) -> DayCell {
    let conn = db.conn();
    let lesson = store::journal::lesson(conn, lesson_id).expect("the lesson");
    let c = class(conn, "7А");
    let day = att::load(conn, &c, &year(conn), lesson.date).expect("the day");
    let col = day
        .lessons
        .iter()
        .position(|l| l.lesson.id == lesson_id)
        .expect("the lesson's column");
    day.students
        .iter()
        .find(|s| s.student_id == student_id)
        .expect("the student's row")
        .cells[col]
        .clone()
}

fn category(cell: &DayCell) -> Option<Category> {
    match cell {
        DayCell::Code { category, .. } => Some(*category),
        _ => None,
    }
}

fn code_id(conn: &Conn, category: Category, reason: Option<&str>) -> Id {
    store::attendance::codes(conn, false)
        .expect("codes")
        .into_iter()
        .find(|c| c.category == category && c.reason.map(|r| r.as_str()) == reason)
        .expect("the code")
        .id
}

fn n_marks(db: &Db, lesson_id: Id, student_id: Id) -> i64 {
    db.conn()
        .query_row(
            "SELECT count(*) FROM mark WHERE lesson_id = ?1 AND student_id = ?2 AND symbol = 'Н'",
            [lesson_id, student_id],
            |r| r.get(0),
        )
        .expect("count")
}

fn findings(db: &Db) -> Vec<Finding> {
    let now =
        NaiveDateTime::parse_from_str(&format!("{TODAY} 18:00"), "%Y-%m-%d %H:%M").expect("a time");
    review::run(
        db.conn(),
        &ReviewQuery {
            from: None,
            to: None,
            now,
        },
    )
    .expect("the review")
    .findings
    .into_iter()
    .filter(|f| f.rule == Rule::AbsenceDisagrees)
    .collect()
}

#[test]
fn n_typed_in_the_journal_is_the_attendance_record_and_undo_restores_both() {
    let (_dir, mut db) = common::demo_db();
    let v = journal(&db);
    let (r, c) = present_cell(&v);
    let (sid, l) = (v.students[r].student_id, v.lessons[c].clone());
    let lid = l.lesson.id;
    assert_eq!(attendance_cell(&db, lid, sid), DayCell::Present);

    let set = db
        .write(|tx| svc::set_cell(tx, "Иванова", l.reference(), sid, &CellInput::text("н")))
        .expect("Н is written");
    assert_eq!(set.shown, "Н");
    // One record: an attendance entry, no mark row.
    assert_eq!(n_marks(&db, lid, sid), 0);
    let cell = attendance_cell(&db, lid, sid);
    assert_eq!(
        category(&cell),
        Some(Category::AbsentUnspecified),
        "{cell:?}"
    );
    let entry = audit::get(db.conn(), *set.audit.last().expect("audited"))
        .expect("reads")
        .expect("the entry");
    assert_eq!(
        (entry.operator.as_str(), entry.entity.as_str()),
        ("Иванова", "attendance")
    );
    let after = journal(&db);
    assert_eq!(after.students[r].cells[c], MarkCell::Marks("Н".into()));
    assert_eq!(
        after.students[r].absences[c].as_deref(),
        Some("Н Отсутствие, причина не указана")
    );
    // Н does not count as a mark.
    assert_eq!(after.students[r].counted, v.students[r].counted);

    // Cleared from the journal: gone from both tabs, as one undoable step.
    let cleared = db
        .write(|tx| svc::set_cell(tx, "Иванова", l.reference(), sid, &CellInput::text("")))
        .expect("cleared");
    assert_eq!(attendance_cell(&db, lid, sid), DayCell::Present);
    assert_eq!(journal(&db).students[r].cells[c], MarkCell::Empty);
    db.write(|tx| audit::undo_group(tx, "Иванова", &cleared.audit))
        .expect("undo the clearing");
    assert_eq!(
        category(&attendance_cell(&db, lid, sid)),
        Some(Category::AbsentUnspecified)
    );
    assert_eq!(
        journal(&db).students[r].cells[c],
        MarkCell::Marks("Н".into())
    );
    db.write(|tx| audit::undo_group(tx, "Иванова", &set.audit))
        .expect("undo the Н");
    assert_eq!(attendance_cell(&db, lid, sid), DayCell::Present);
    assert_eq!(journal(&db).students[r], v.students[r]);
}

#[test]
fn an_absence_set_in_attendance_is_the_journals_n_and_keeps_its_reason() {
    let (_dir, mut db) = common::demo_db();
    let v = journal(&db);
    let (r, c) = present_cell(&v);
    let (sid, l) = (v.students[r].student_id, v.lessons[c].clone());
    let lid = l.lesson.id;
    let ill = code_id(db.conn(), Category::AbsentExcused, Some("illness"));
    let set = db
        .write(|tx| att::set_code(tx, "Ли Мин", d(TODAY), lid, sid, ill))
        .expect("set in attendance");
    let j = journal(&db);
    assert_eq!(j.students[r].cells[c], MarkCell::Marks("Н".into()));
    assert_eq!(
        j.students[r].absences[c].as_deref(),
        Some("Б Неинфекционное заболевание")
    );
    // Н typed beside a mark in the journal keeps the more specific code.
    let w = db
        .write(|tx| svc::set_cell(tx, "Иванова", l.reference(), sid, &CellInput::text("н/5")))
        .expect("written");
    assert_eq!(w.shown, "Н/5");
    assert_eq!(
        w.audit.len(),
        1,
        "the mark only: attendance already says absent"
    );
    match attendance_cell(&db, lid, sid) {
        DayCell::Code { code_id, .. } => assert_eq!(code_id, ill),
        other => panic!("{other:?}"),
    }
    // The cell as the editor shows it, typed again: nothing changes.
    let again = db
        .write(|tx| svc::set_cell(tx, "Иванова", l.reference(), sid, &CellInput::text("Н/5")))
        .expect("written");
    assert!(again.audit.is_empty());
    // Н removed in the journal clears the absence, the mark stays.
    let w = db
        .write(|tx| svc::set_cell(tx, "Иванова", l.reference(), sid, &CellInput::text("5")))
        .expect("written");
    assert_eq!(w.shown, "5");
    assert_eq!(attendance_cell(&db, lid, sid), DayCell::Present);
    assert_eq!(
        journal(&db).students[r].cells[c],
        MarkCell::Marks("5".into())
    );
    // Undo brings the illness back, in both tabs.
    db.write(|tx| audit::undo_group(tx, "Иванова", &w.audit))
        .expect("undone");
    assert_eq!(
        journal(&db).students[r].cells[c],
        MarkCell::Marks("Н/5".into())
    );
    // Cleared in attendance: the journal keeps the mark, loses the Н.
    db.write(|tx| att::clear(tx, "Ли Мин", d(TODAY), lid, sid))
        .expect("cleared");
    assert_eq!(
        journal(&db).students[r].cells[c],
        MarkCell::Marks("5".into())
    );
    assert!(!set.is_empty());
}

#[test]
fn a_present_code_is_no_n_and_is_kept_until_n_is_typed() {
    let (_dir, mut db) = common::demo_db();
    let v = journal(&db);
    let (r, c) = present_cell(&v);
    let (sid, l) = (v.students[r].student_id, v.lessons[c].clone());
    let lid = l.lesson.id;
    let remote = code_id(db.conn(), Category::PresentRemote, None);
    db.write(|tx| att::set_code(tx, "Ли Мин", d(TODAY), lid, sid, remote))
        .expect("Д");
    assert_eq!(journal(&db).students[r].cells[c], MarkCell::Empty);
    assert_eq!(journal(&db).students[r].absences[c], None);
    // A mark typed in the journal leaves Д alone.
    let w = db
        .write(|tx| svc::set_cell(tx, "Иванова", l.reference(), sid, &CellInput::text("4")))
        .expect("written");
    assert_eq!(w.audit.len(), 1);
    assert_eq!(
        category(&attendance_cell(&db, lid, sid)),
        Some(Category::PresentRemote)
    );
    // Н typed over Д: the student was absent after all.
    db.write(|tx| svc::set_cell(tx, "Иванова", l.reference(), sid, &CellInput::text("н/4")))
        .expect("written");
    assert_eq!(
        category(&attendance_cell(&db, lid, sid)),
        Some(Category::AbsentUnspecified)
    );
}

#[test]
fn the_demo_keeps_every_absence_once_and_both_tabs_agree() {
    let (_dir, db) = common::demo_db();
    let n: i64 = db
        .conn()
        .query_row("SELECT count(*) FROM mark WHERE symbol = 'Н'", [], |r| {
            r.get(0)
        })
        .expect("count");
    assert_eq!(n, 0, "no Н mark rows: attendance is the record");
    // Two cells of the old system's gradebook disagreed: attendance kept.
    let conflicts: Vec<(Id, Id)> = db
        .conn()
        .prepare("SELECT lesson_id, student_id FROM absence_conflict WHERE journal = 'Н' AND attendance = 'present'")
        .expect("prepares")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("queries")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(conflicts.len(), 2);
    let listed = findings(&db);
    assert_eq!(listed.len(), 2, "{listed:#?}");
    for (l, s) in &conflicts {
        let att: i64 = db
            .conn()
            .query_row(
                "SELECT count(*) FROM attendance WHERE lesson_id = ?1 AND student_id = ?2",
                [l, s],
                |r| r.get(0),
            )
            .expect("count");
        assert_eq!(att, 0, "present, as attendance says");
        assert!(listed.iter().any(|f| f.key == format!("absence:{l}:{s}")));
    }
    // Every absence of 7А Алгебра in the quarter is an Н in the journal,
    // and every Н is an absence in attendance.
    let v = journal(&db);
    let mut seen = 0;
    for (c, l) in v.lessons.iter().enumerate().filter(|(_, l)| l.recorded) {
        for s in &v.students {
            let shows_n =
                matches!(&s.cells[c], MarkCell::Marks(m) if m.split('/').any(|x| x == "Н"));
            if s.cells[c] == MarkCell::NotEnrolled {
                continue;
            }
            let absent = category(&attendance_cell(&db, l.lesson.id, s.student_id))
                .is_some_and(Category::is_absent);
            assert_eq!(shows_n, absent, "{} on {}", s.name, l.lesson.date);
            seen += usize::from(absent);
        }
    }
    assert!(seen > 0, "the quarter has absences");
}

/// The demo as classbook left it before migration 6: schema 5, with the
/// journal's Н as mark rows. Returns the cells: (agreeing, Н where
/// attendance says present, Н at a lesson whose attendance was not taken,
/// Н beside Д, an absence beside a mark).
fn as_schema_5(db: &Db) -> [(Id, Id); 5] {
    let conn = db.conn();
    let cell = |sql: &str| -> (Id, Id) {
        conn.query_row(sql, [], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    };
    let absent = "('absent_excused', 'absent_unexcused', 'absent_unspecified')";
    let agreeing = cell(&format!(
        "SELECT a.lesson_id, a.student_id FROM attendance a JOIN attendance_code c ON c.id = a.code_id
         JOIN lesson l ON l.id = a.lesson_id JOIN class k ON k.id = l.class_id
         WHERE c.category IN {absent} AND k.grade > 1
           AND NOT EXISTS (SELECT 1 FROM mark m WHERE m.lesson_id = a.lesson_id AND m.student_id = a.student_id)
         ORDER BY l.date DESC, l.id LIMIT 1"
    ));
    let present = cell(
        "SELECT m.lesson_id, m.student_id FROM mark m JOIN lesson l ON l.id = m.lesson_id
         WHERE l.attendance_taken_at IS NOT NULL AND m.symbol = '5'
           AND NOT EXISTS (SELECT 1 FROM attendance a WHERE a.lesson_id = m.lesson_id AND a.student_id = m.student_id)
         ORDER BY l.date DESC, m.id LIMIT 1",
    );
    let not_taken = cell(
        "SELECT l.id, e.student_id FROM lesson l JOIN enrolment e ON e.class_id = l.class_id
         JOIN class k ON k.id = l.class_id
         WHERE l.attendance_taken_at IS NULL AND l.group_id IS NULL AND k.grade > 1
           AND e.starts_on <= l.date AND (e.ends_on IS NULL OR e.ends_on >= l.date)
           AND NOT EXISTS (SELECT 1 FROM attendance a WHERE a.lesson_id = l.id AND a.student_id = e.student_id)
           AND NOT EXISTS (SELECT 1 FROM mark m WHERE m.lesson_id = l.id AND m.student_id = e.student_id)
         ORDER BY l.date DESC, l.id, e.student_id LIMIT 1",
    );
    let remote = cell(
        "SELECT a.lesson_id, a.student_id FROM attendance a JOIN attendance_code c ON c.id = a.code_id
         WHERE c.category = 'present_remote' ORDER BY a.lesson_id DESC, a.student_id LIMIT 1",
    );
    let beside_mark = cell(&format!(
        "SELECT a.lesson_id, a.student_id FROM attendance a JOIN attendance_code c ON c.id = a.code_id
         JOIN lesson l ON l.id = a.lesson_id JOIN class k ON k.id = l.class_id
         WHERE c.category IN {absent} AND k.grade > 1 AND NOT (a.lesson_id = {} AND a.student_id = {})
           AND NOT EXISTS (SELECT 1 FROM mark m WHERE m.lesson_id = a.lesson_id AND m.student_id = a.student_id)
         ORDER BY l.date DESC, l.id LIMIT 1",
        agreeing.0, agreeing.1
    ));
    let oral: Id = conn
        .query_row(
            "SELECT id FROM control_form WHERE name = 'Устный ответ'",
            [],
            |r| r.get(0),
        )
        .expect("oral answer");
    let mark = |(l, s): (Id, Id), symbol: &str| {
        let value = if symbol == "Н" { "NULL" } else { symbol };
        conn.execute_batch(&format!(
            "INSERT INTO mark (lesson_id, student_id, seq, symbol, value, control_form_id, weight, entered_at, entered_by)
             VALUES ({l}, {s}, 9, '{symbol}', {value}, {oral}, 1, '2025-12-01T12:00:00Z', 'Нгуен Ван Ан')"
        ))
        .expect("a mark");
    };
    for c in [agreeing, present, not_taken, remote] {
        mark(c, "Н");
    }
    mark(beside_mark, "5");
    conn.execute_batch(
        "DROP TABLE absence_conflict; DROP TABLE user_role;
         DROP TRIGGER audit_log_no_change; DROP TRIGGER audit_log_no_removal;
         ALTER TABLE audit_log DROP COLUMN hash;
         PRAGMA user_version = 5;",
    )
    .expect("back to schema 5");
    [agreeing, present, not_taken, remote, beside_mark]
}

#[test]
fn migration_6_moves_the_journals_n_into_attendance_and_notes_disagreements() {
    let (dir, db) = common::demo_db();
    let path = dir.path().join("demo.sqlite");
    let attendance_before: i64 = db
        .conn()
        .query_row("SELECT count(*) FROM attendance", [], |r| r.get(0))
        .expect("count");
    let [agreeing, present, not_taken, remote, beside_mark] = as_schema_5(&db);
    drop(db);
    let db = store::open(&path, &OpenOptions::default()).expect("migrates");
    let conn = db.conn();
    assert_eq!(
        conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))
            .expect("version"),
        store::migrate::latest()
    );
    for (l, s) in [agreeing, present, not_taken, remote] {
        assert_eq!(n_marks(&db, l, s), 0, "the Н mark at {l}/{s} moved");
    }
    // The Н of a lesson whose attendance was not taken became its entry,
    // by whoever typed it, when they did.
    let (who, when, cat): (String, String, String) = conn
        .query_row(
            "SELECT a.set_by, a.set_at, c.category FROM attendance a JOIN attendance_code c ON c.id = a.code_id
             WHERE a.lesson_id = ?1 AND a.student_id = ?2",
            not_taken,
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("the new entry");
    assert_eq!(
        (who.as_str(), when.as_str(), cat.as_str()),
        ("Нгуен Ван Ан", "2025-12-01T12:00:00Z", "absent_unspecified")
    );
    let attendance_after: i64 = conn
        .query_row("SELECT count(*) FROM attendance", [], |r| r.get(0))
        .expect("count");
    assert_eq!(
        attendance_after,
        attendance_before + 1,
        "only that one added"
    );
    // Disagreements: attendance kept, each noted once.
    let noted: Vec<(Id, Id, String, String)> = conn
        .prepare("SELECT lesson_id, student_id, journal, attendance FROM absence_conflict WHERE source = 'migration' ORDER BY lesson_id, student_id")
        .expect("prepares")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("queries")
        .collect::<Result<_, _>>()
        .expect("rows");
    let mut want = vec![
        (present.0, present.1, "Н".to_string(), "present".to_string()),
        (
            remote.0,
            remote.1,
            "Н".to_string(),
            "Д (Дистанционное присутствие на уроке)".to_string(),
        ),
        (beside_mark.0, beside_mark.1, "5".to_string(), String::new()),
    ];
    want.sort();
    assert_eq!(noted.len(), 3, "{noted:?}");
    for (got, want) in noted.iter().zip(&want) {
        assert_eq!((got.0, got.1, &got.2), (want.0, want.1, &want.2));
        if !want.3.is_empty() {
            assert_eq!(got.3, want.3);
        }
    }
    // The review lists them (beside the demo's own two), naming both values.
    let f: Vec<Finding> = findings(&db)
        .into_iter()
        .filter(|f| f.detail.contains("moved to attendance"))
        .collect();
    assert_eq!(f.len(), 3, "{f:#?}");
    let p = f
        .iter()
        .find(|f| f.key == format!("absence:{}:{}", present.0, present.1))
        .expect("the present one");
    assert!(
        p.detail
            .contains("the journal says Н (absent), attendance says present"),
        "{}",
        p.detail
    );
    assert!(!p.student.is_empty() && !p.class.is_empty() && !p.subject.is_empty());
    let m = f
        .iter()
        .find(|f| f.key == format!("absence:{}:{}", beside_mark.0, beside_mark.1))
        .expect("the reverse");
    assert!(
        m.detail.contains("the journal says present, marked 5"),
        "{}",
        m.detail
    );
}

#[test]
fn writing_the_cell_settles_a_disagreement_and_undo_brings_it_back() {
    let (dir, db) = common::demo_db();
    let path = dir.path().join("demo.sqlite");
    let [_, present, ..] = as_schema_5(&db);
    drop(db);
    let mut db = store::open(&path, &OpenOptions::default()).expect("migrates");
    let key = format!("absence:{}:{}", present.0, present.1);
    assert!(findings(&db).iter().any(|f| f.key == key));
    // The teacher checks: the student was absent after all.
    let unspecified = code_id(db.conn(), Category::AbsentUnspecified, None);
    let ids = db
        .write(|tx| att::set_code(tx, "Ли Мин", d(TODAY), present.0, present.1, unspecified))
        .expect("set");
    assert_eq!(ids.len(), 2, "the settlement and the code");
    assert!(!findings(&db).iter().any(|f| f.key == key));
    db.write(|tx| audit::undo_group(tx, "Ли Мин", &ids))
        .expect("undone");
    assert!(findings(&db).iter().any(|f| f.key == key));
}

/// Every row of the roster as if imported from its own export.
fn as_imported(db: &Db) {
    for t in [
        "school_year",
        "period",
        "staff",
        "student",
        "class",
        "class_group",
        "subject",
        "workload",
    ] {
        db.conn()
            .execute(&format!("UPDATE {t} SET ext_id = uid"), [])
            .expect("ext ids");
    }
    db.conn()
        .execute_batch(
            "DELETE FROM attendance; DELETE FROM mark; DELETE FROM period_grade; DELETE FROM lesson;",
        )
        .expect("cleared");
}

#[test]
fn an_imported_gradebook_that_disagrees_with_its_attendance_is_a_finding() {
    let (dir, mut db) = common::demo_db();
    let out = dir.path().join("export");
    classbook::service::export::oneroster::export(
        db.conn(),
        &out,
        &classbook::service::export::oneroster::ExportOptions {
            year: None,
            today: common::today(),
        },
    )
    .expect("exports");
    let agreeing = results::read(&out);
    assert!(!agreeing.has_errors(), "{:?}", agreeing.issues);
    as_imported(&db);
    // As exported: the journal and attendance agree, no finding.
    let report = results::apply(&mut db, "tester", &agreeing, false).expect("imports");
    assert!(
        !report
            .warnings
            .iter()
            .any(|w| w.message.contains("absence.disagrees")),
        "{:?}",
        report.warnings
    );
    assert!(findings(&db).is_empty());

    // An older export: Н results, one where attendance was taken and says
    // present, one where it was not taken; and an absence beside a mark.
    let mut b = agreeing.clone();
    let taken: std::collections::HashMap<&str, bool> = agreeing
        .lessons
        .iter()
        .map(|l| (l.sid.as_str(), l.attendance_taken_at.is_some()))
        .collect();
    let with_entry: std::collections::HashSet<(&str, &str)> = agreeing
        .attendance
        .iter()
        .map(|a| (a.lesson.as_str(), a.student.as_str()))
        .collect();
    let pick = |want_taken: bool, skip: Option<usize>| -> usize {
        agreeing
            .marks
            .iter()
            .enumerate()
            .rev()
            .find(|(i, m)| {
                Some(*i) != skip
                    && m.seq == 1
                    && taken[m.lesson.as_str()] == want_taken
                    && !with_entry.contains(&(m.lesson.as_str(), m.student.as_str()))
                    && !agreeing
                        .marks
                        .iter()
                        .any(|o| o.seq == 2 && o.lesson == m.lesson && o.student == m.student)
            })
            .map(|(i, _)| i)
            .expect("a mark")
    };
    let present = pick(true, None);
    let not_taken = pick(false, None);
    let beside = pick(true, Some(present));
    for i in [present, not_taken] {
        b.marks[i].symbol = classbook::domain::marks::MarkSymbol::Absent;
        b.marks[i].value = None;
        b.marks[i].due_on = None;
    }
    let mut absence = agreeing.attendance[0].clone();
    absence.lesson = agreeing.marks[beside].lesson.clone();
    absence.student = agreeing.marks[beside].student.clone();
    absence.code = ("Б".into(), Some("Неинфекционное заболевание".into()));
    absence.comment_code = None;
    absence.comment = None;
    b.attendance.push(absence);
    as_imported(&db);
    let report = results::apply(&mut db, "tester", &b, false).expect("imports");
    let said: Vec<&str> = report
        .warnings
        .iter()
        .filter(|w| w.message.contains("absence.disagrees"))
        .map(|w| w.message.as_str())
        .collect();
    assert_eq!(said.len(), 2, "{said:#?}");
    assert!(
        said.iter()
            .any(|m| m.contains("the journal says Н (absent), attendance says present")),
        "{said:#?}"
    );
    assert!(
        said.iter()
            .any(|m| m.contains("attendance says Б (Неинфекционное заболевание)")),
        "{said:#?}"
    );
    assert!(
        said.iter()
            .all(|m| m.contains(".2025 lesson ") || m.contains(".2026 lesson ")),
        "date and lesson number: {said:#?}"
    );
    assert_eq!(report.counts["disagreements"].added, 2);
    let f = findings(&db);
    assert_eq!(f.len(), 2, "{f:#?}");
    assert!(
        f.iter()
            .all(|f| !f.student.is_empty() && !f.subject.is_empty())
    );
    // The Н where attendance was not taken became its attendance entry.
    let conn = db.conn();
    let student: Id = conn
        .query_row(
            "SELECT id FROM student WHERE ext_id = ?1",
            [&b.marks[not_taken].student],
            |r| r.get(0),
        )
        .expect("the student");
    let n: i64 = conn
        .query_row(
            "SELECT count(*) FROM attendance a JOIN attendance_code c ON c.id = a.code_id
             WHERE a.student_id = ?1 AND c.category = 'absent_unspecified'
               AND a.set_at = ?2",
            rusqlite::params![student, b.marks[not_taken].entered_at],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(n, 1);
    let marks_n: i64 = conn
        .query_row("SELECT count(*) FROM mark WHERE symbol = 'Н'", [], |r| {
            r.get(0)
        })
        .expect("count");
    assert_eq!(marks_n, 0);
}

/// At the keyboard: Н typed in the journal grid is the attendance tab's
/// absence, the info line names its code, and `u` takes it back from both.
#[test]
fn at_the_keyboard_n_typed_in_the_journal_shows_in_attendance_and_u_undoes_both() {
    use crossterm::event::KeyCode;
    let (_dir, mut app) = common::demo_app();
    common::type_keys(&mut app, "c/7а");
    common::press(&mut app, KeyCode::Enter);
    common::type_keys(&mut app, "s/алгеб");
    common::press(&mut app, KeyCode::Enter);
    let v = app.journal.view.clone().expect("journal loaded");
    assert_eq!(v.period.label, "2 четверть");
    let (row, col) = present_cell(&v);
    common::press(&mut app, KeyCode::Char('g'));
    for _ in 0..row {
        common::press(&mut app, KeyCode::Char('j'));
    }
    while app.journal.col > col {
        common::press(&mut app, KeyCode::Char('h'));
    }
    assert_eq!((app.journal.row, app.journal.col), (row, col));
    let (lid, sid) = (v.lessons[col].lesson.id, v.students[row].student_id);
    // `i` starts mark entry; Н typed, Enter saves.
    common::press(&mut app, KeyCode::Char('i'));
    common::type_keys(&mut app, "н");
    common::press(&mut app, KeyCode::Enter);
    let cell = app.journal.view.as_ref().expect("view").students[row].cells[col].clone();
    assert_eq!(cell, MarkCell::Marks("Н".into()));
    assert_eq!(
        category(&attendance_cell(app.db(), lid, sid)),
        Some(Category::AbsentUnspecified)
    );
    // Out of mark entry and back on the cell, the info line names the
    // attendance code.
    common::press(&mut app, KeyCode::Esc);
    common::press(&mut app, KeyCode::Up);
    assert_eq!((app.journal.row, app.journal.col), (row, col));
    let screen = classbook::ui::render_text(&app, 200, 50).expect("renders");
    assert!(
        screen.contains("Н Отсутствие, причина не указана (attendance)"),
        "{screen}"
    );
    common::press(&mut app, KeyCode::Char('u'));
    assert_eq!(attendance_cell(app.db(), lid, sid), DayCell::Present);
    let cell = app.journal.view.as_ref().expect("view").students[row].cells[col].clone();
    assert_eq!(cell, MarkCell::Empty);
}
