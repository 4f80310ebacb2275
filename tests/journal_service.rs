//! The journal's service layer on the small demo: typed cells become audited,
//! undoable mark rows; refusals leave the cell as it was; timetable gaps,
//! final grades, lesson records and the thematic plan.

mod common;

use chrono::NaiveDate;
use classbook::domain::{HomeworkKind, LessonMode, PeriodKind, TeachingLog};
use classbook::service::journal::{
    self as svc, CellError, CellInput, JournalView, LessonEdit, LessonRef, MarkCell,
};
use classbook::store::{self, Db, audit};
use common::demo_db;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The demo's working date.
const TODAY: &str = "2025-12-24";

fn view(db: &Db, class: &str, subject: &str, kind: PeriodKind, n: u8) -> JournalView {
    let conn = db.conn();
    let year = store::school::current_year(conn, d(TODAY))
        .unwrap()
        .unwrap();
    let class = store::classes::class_by_name(conn, year.id, class)
        .unwrap()
        .unwrap();
    let subject = store::curriculum::class_subjects(conn, class.id)
        .unwrap()
        .into_iter()
        .find(|s| s.name == subject)
        .unwrap();
    let period = store::school::periods(conn, year.id)
        .unwrap()
        .into_iter()
        .find(|p| p.kind == kind && p.number == n)
        .unwrap();
    svc::load(conn, &class, &subject, &period, d(TODAY)).unwrap()
}

fn q2(db: &Db) -> JournalView {
    view(db, "7А", "Алгебра", PeriodKind::Quarter, 2)
}

/// (row, column) of an empty cell in a recorded lesson.
fn empty_cell(v: &JournalView) -> (usize, usize) {
    for (c, l) in v.lessons.iter().enumerate().rev() {
        if !l.recorded {
            continue;
        }
        for (r, s) in v.students.iter().enumerate() {
            if s.cells[c] == MarkCell::Empty {
                return (r, c);
            }
        }
    }
    panic!("no empty cell");
}

fn cell_rows(db: &Db, lesson: i64, student: i64) -> Vec<(String, Option<i64>, i64)> {
    let mut stmt = db
        .conn()
        .prepare("SELECT symbol, value, weight FROM mark WHERE lesson_id = ?1 AND student_id = ?2 ORDER BY seq")
        .unwrap();
    stmt.query_map([lesson, student], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn a_typed_multi_mark_cell_is_stored_audited_and_undoable() {
    let (_dir, mut db) = demo_db();
    let v = q2(&db);
    let (r, c) = empty_cell(&v);
    let s = v.students[r].clone();
    let l = v.lessons[c].clone();
    let before_mean = s.mean_hundredths;
    let w = db
        .write(|tx| {
            svc::set_cell(
                tx,
                "Иванова",
                l.reference(),
                s.student_id,
                &CellInput::text("5/4"),
            )
        })
        .unwrap();
    assert_eq!(w.shown, "5/4");
    assert_eq!(w.audit.len(), 2, "one audit entry per mark row");
    assert_eq!(
        cell_rows(&db, l.lesson.id, s.student_id),
        vec![("5".into(), Some(5), 1), ("4".into(), Some(4), 1)]
    );
    let after = q2(&db);
    assert_eq!(after.students[r].cells[c], MarkCell::Marks("5/4".into()));
    assert_eq!(after.students[r].counted, s.counted + 2);
    assert_ne!(after.students[r].mean_hundredths, before_mean);
    let e = audit::get(db.conn(), w.audit[0]).unwrap().unwrap();
    assert_eq!(e.operator, "Иванова");
    assert_eq!(e.old_value, None);
    // Undo the whole cell: it is empty again.
    db.write(|tx| audit::undo_group(tx, "Иванова", &w.audit))
        .unwrap();
    assert!(cell_rows(&db, l.lesson.id, s.student_id).is_empty());
    assert_eq!(q2(&db).students[r], s);
}

#[test]
fn retyping_a_cell_updates_in_place_and_shortening_deletes() {
    let (_dir, mut db) = demo_db();
    let v = q2(&db);
    let (r, c) = empty_cell(&v);
    let (sid, lref) = (v.students[r].student_id, v.lessons[c].reference());
    db.write(|tx| svc::set_cell(tx, "t", lref, sid, &CellInput::text("5/4/3")))
        .unwrap();
    let w = db
        .write(|tx| svc::set_cell(tx, "t", lref, sid, &CellInput::text("5/2")))
        .unwrap();
    // 5 unchanged, 4 → 2 updated, 3 deleted.
    assert_eq!(w.audit.len(), 2);
    let again = db
        .write(|tx| svc::set_cell(tx, "t", lref, sid, &CellInput::text("5/2")))
        .unwrap();
    assert!(again.audit.is_empty(), "nothing changed, nothing recorded");
    let cleared = db
        .write(|tx| svc::set_cell(tx, "t", lref, sid, &CellInput::text("")))
        .unwrap();
    assert_eq!(cleared.audit.len(), 2);
    assert_eq!(q2(&db).students[r].cells[c], MarkCell::Empty);
}

#[test]
fn invalid_input_is_refused_with_the_reason_and_the_cell_kept() {
    let (_dir, mut db) = demo_db();
    let v = q2(&db);
    let (r, c) = empty_cell(&v);
    let (sid, lref) = (v.students[r].student_id, v.lessons[c].reference());
    db.write(|tx| svc::set_cell(tx, "t", lref, sid, &CellInput::text("4")))
        .unwrap();
    let entries = audit::count(db.conn()).unwrap();
    for (bad, why) in [
        ("7", "«7» is not a mark"),
        ("5+", "«5+» is not a mark"),
        ("1", "«1» is not a mark"),
        ("Б", "«Б» is not a mark"),
        ("*", "needs the intended mark (2–5) and a deadline"),
        ("°", "needs a comment"),
        ("5/5/5/5/5/5/5/5/5/5", "at most 9 marks"),
    ] {
        let e = db
            .write(|tx| svc::set_cell(tx, "t", lref, sid, &CellInput::text(bad)))
            .unwrap_err();
        assert!(e.to_string().contains(why), "{bad}: {e}");
        assert!(matches!(e, CellError::Mark(_)), "{bad}: {e:?}");
    }
    assert_eq!(audit::count(db.conn()).unwrap(), entries);
    assert_eq!(q2(&db).students[r].cells[c], MarkCell::Marks("4".into()));
}

#[test]
fn pending_and_deferred_marks_take_their_details_and_do_not_count() {
    let (_dir, mut db) = demo_db();
    let v = q2(&db);
    let (r, c) = empty_cell(&v);
    let s = v.students[r].clone();
    let l = v.lessons[c].clone();
    // Pending: intended 2, deadline after the working date → not counted.
    let pending = CellInput {
        text: "*".into(),
        intended: Some(2),
        deadline: Some(d("2026-01-10")),
        ..CellInput::default()
    };
    let w = db
        .write(|tx| svc::set_cell(tx, "t", l.reference(), s.student_id, &pending))
        .unwrap();
    assert_eq!(w.shown, "*2");
    let after = q2(&db);
    assert_eq!(after.students[r].counted, s.counted);
    assert_eq!(after.students[r].mean_hundredths, s.mean_hundredths);
    // Typed "*3" keeps the deadline already there.
    let w = db
        .write(|tx| svc::set_cell(tx, "t", l.reference(), s.student_id, &CellInput::text("*3")))
        .unwrap();
    assert_eq!(w.shown, "*3");
    // A deadline before the lesson is refused.
    let early = CellInput {
        text: "*4".into(),
        deadline: Some(l.lesson.date.pred_opt().unwrap()),
        ..CellInput::default()
    };
    assert!(
        db.write(|tx| svc::set_cell(tx, "t", l.reference(), s.student_id, &early))
            .is_err()
    );
    // Deferred with its comment.
    let deferred = CellInput {
        text: "°".into(),
        comment: Some("после болезни, до 15.01".into()),
        ..CellInput::default()
    };
    db.write(|tx| svc::set_cell(tx, "t", l.reference(), s.student_id, &deferred))
        .unwrap();
    let comment: String = db
        .conn()
        .query_row(
            "SELECT comment FROM mark WHERE lesson_id = ?1 AND student_id = ?2",
            [l.lesson.id, s.student_id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(comment, "после болезни, до 15.01");
    assert_eq!(q2(&db).students[r].counted, s.counted);
}

#[test]
fn the_form_of_control_sets_the_weight() {
    let (_dir, mut db) = demo_db();
    let v = q2(&db);
    let (r, c) = empty_cell(&v);
    let (sid, l) = (v.students[r].student_id, v.lessons[c].clone());
    let forms = store::curriculum::control_forms(db.conn()).unwrap();
    let control = forms
        .iter()
        .find(|f| f.name == "Контрольная работа")
        .unwrap();
    let olympiad = forms.iter().find(|f| f.weight == 3).unwrap();
    let input = CellInput {
        text: "5".into(),
        form_id: Some(control.id),
        ..CellInput::default()
    };
    db.write(|tx| svc::set_cell(tx, "t", l.reference(), sid, &input))
        .unwrap();
    assert_eq!(
        cell_rows(&db, l.lesson.id, sid),
        vec![("5".into(), Some(5), 2)]
    );
    // Adding a mark keeps the first one's form; an override applies to all.
    db.write(|tx| svc::set_cell(tx, "t", l.reference(), sid, &CellInput::text("5/3")))
        .unwrap();
    assert_eq!(cell_rows(&db, l.lesson.id, sid)[0].2, 2);
    let input = CellInput {
        text: "5/3".into(),
        form_id: Some(olympiad.id),
        ..CellInput::default()
    };
    db.write(|tx| svc::set_cell(tx, "t", l.reference(), sid, &input))
        .unwrap();
    assert_eq!(
        cell_rows(&db, l.lesson.id, sid),
        vec![("5".into(), Some(5), 3), ("3".into(), Some(3), 3)]
    );
}

#[test]
fn unrecorded_timetable_lessons_are_empty_columns_and_take_marks() {
    let (_dir, mut db) = demo_db();
    let v = q2(&db);
    let n = v.lessons.len();
    // Remove the record of one lesson (and its marks): the column stays.
    let gone = v.lessons[n - 3].lesson.clone();
    db.conn()
        .execute("DELETE FROM attendance WHERE lesson_id = ?1", [gone.id])
        .unwrap();
    db.conn()
        .execute("DELETE FROM lesson WHERE id = ?1", [gone.id])
        .unwrap();
    let v = q2(&db);
    assert_eq!(v.lessons.len(), n);
    let col = v
        .lessons
        .iter()
        .position(|l| l.lesson.date == gone.date && l.lesson.lesson_no == gone.lesson_no)
        .unwrap();
    assert!(!v.lessons[col].recorded);
    assert!(matches!(v.lessons[col].reference(), LessonRef::Slot { .. }));
    let r = v
        .students
        .iter()
        .position(|s| s.cells[col] == MarkCell::Empty)
        .unwrap();
    // A mark there records the lesson first (one more audit entry).
    let w = db
        .write(|tx| {
            svc::set_cell(
                tx,
                "t",
                v.lessons[col].reference(),
                v.students[r].student_id,
                &CellInput::text("н"),
            )
        })
        .unwrap();
    assert_eq!(w.audit.len(), 2);
    let v2 = q2(&db);
    assert!(v2.lessons[col].recorded);
    assert_eq!(v2.students[r].cells[col], MarkCell::Marks("Н".into()));
    // No column for a lesson after the working date.
    assert!(v2.lessons.iter().all(|l| l.lesson.date <= d(TODAY)));
}

#[test]
fn students_outside_their_enrolment_are_blank_and_refused() {
    let (_dir, mut db) = demo_db();
    // Find a class/subject where someone arrived or left in the quarter.
    let conn = db.conn();
    let year = store::school::current_year(conn, d(TODAY))
        .unwrap()
        .unwrap();
    let classes = store::classes::classes(conn, year.id).unwrap();
    let periods = store::school::periods(conn, year.id).unwrap();
    let mut found = None;
    'outer: for class in classes.iter().filter(|c| c.grade >= 2) {
        for p in periods.iter().filter(|p| p.kind == PeriodKind::Quarter) {
            let subject = store::curriculum::class_subjects(conn, class.id).unwrap()[0].clone();
            let v = svc::load(conn, class, &subject, p, d(TODAY)).unwrap();
            for (r, s) in v.students.iter().enumerate() {
                if let Some(c) = s.cells.iter().position(|c| *c == MarkCell::NotEnrolled)
                    && v.lessons[c].lesson.group_id.is_none()
                {
                    found = Some((v.clone(), r, c));
                    break 'outer;
                }
            }
        }
    }
    let (v, r, c) = found.expect("the demo has arrivals and departures");
    let s = &v.students[r];
    let date = v.lessons[c].lesson.date;
    assert!(date < s.starts_on || s.ends_on.is_some_and(|e| date > e));
    let e = db
        .write(|tx| {
            svc::set_cell(
                tx,
                "t",
                v.lessons[c].reference(),
                s.student_id,
                &CellInput::text("5"),
            )
        })
        .unwrap_err();
    assert!(e.to_string().contains("was not in this class"), "{e}");
}

#[test]
fn the_final_grade_is_kept_beside_the_suggestion() {
    let (_dir, mut db) = demo_db();
    let v = q2(&db);
    let period = v.period.clone();
    let (class, subject) = (v.class.clone(), v.subject.clone());
    let (r, s) = v
        .students
        .iter()
        .enumerate()
        .find(|(_, s)| {
            matches!(
                s.suggestion,
                classbook::domain::marks::Suggestion::Grade { grade: 4, .. }
            )
        })
        .map(|(r, s)| (r, s.clone()))
        .expect("someone is suggested a 4");
    let ids = db
        .write(|tx| {
            svc::set_final_grade(
                tx,
                "t",
                (&class, &subject, &period),
                s.student_id,
                Some("5"),
                d(TODAY),
            )
        })
        .unwrap();
    assert_eq!(ids.len(), 1);
    let after = q2(&db);
    assert_eq!(after.students[r].final_grade.as_deref(), Some("5"));
    assert!(svc::final_differs(Some("5"), &after.students[r].suggestion));
    assert!(!svc::final_differs(
        Some("4"),
        &after.students[r].suggestion
    ));
    let (sugg, fin): (String, String) = db
        .conn()
        .query_row(
            "SELECT suggested, final FROM period_grade WHERE student_id = ?1 AND subject_id = ?2 AND period_id = ?3",
            [s.student_id, subject.id, period.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((sugg.as_str(), fin.as_str()), ("4", "5"));
    assert!(svc::parse_final("6").is_err());
    db.write(|tx| audit::undo_group(tx, "t", &ids)).unwrap();
    assert_eq!(q2(&db).students[r].final_grade, s.final_grade);
}

#[test]
fn a_lesson_record_is_updated_with_topic_homework_mode_and_log() {
    let (_dir, mut db) = demo_db();
    let v = q2(&db);
    let l = v.lessons.iter().rev().find(|l| l.recorded).unwrap().clone();
    let edit = LessonEdit {
        topic: Some("Контрольная работа по теме «Многочлены»".into()),
        homework: Some((Some(HomeworkKind::NotProvided), None)),
        minutes: Some(None),
        mode: Some(LessonMode::Online),
        log: Some(TeachingLog {
            lesson_id: l.lesson.id,
            content: "Работа на платформе".into(),
            form: "видеоурок".into(),
            effect: "2 ученика без связи".into(),
            homework_feedback: "проверено 20 из 24".into(),
        }),
        ..LessonEdit::default()
    };
    let (saved, ids) = db
        .write(|tx| svc::set_lesson(tx, "t", l.reference(), &edit))
        .unwrap();
    assert_eq!(ids.len(), 2, "the lesson and its log");
    assert_eq!(saved.homework_display(), "Не предусмотрено");
    let stored = store::journal::lesson(db.conn(), l.lesson.id).unwrap();
    assert_eq!(stored.mode, LessonMode::Online);
    assert_eq!(stored.topic, edit.topic);
    assert!(
        store::journal::teaching_log(db.conn(), l.lesson.id)
            .unwrap()
            .is_some()
    );
    // Text homework must have text.
    let bad = LessonEdit {
        homework: Some((Some(HomeworkKind::Text), Some("  ".into()))),
        ..LessonEdit::default()
    };
    assert!(
        db.write(|tx| svc::set_lesson(tx, "t", l.reference(), &bad))
            .is_err()
    );
    db.write(|tx| audit::undo_group(tx, "t", &ids)).unwrap();
    assert_eq!(
        store::journal::lesson(db.conn(), l.lesson.id).unwrap(),
        l.lesson
    );
}

#[test]
fn the_sample_plan_imports_and_a_bad_file_changes_nothing() {
    let (_dir, mut db) = demo_db();
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/thematic_plan_7a_algebra.csv"
    ))
    .unwrap();
    let done = db
        .write(|tx| svc::import_plan(tx, "t", "thematic_plan_7a_algebra.csv", &text, d(TODAY)))
        .unwrap();
    assert_eq!(done.topics, 102);
    assert_eq!(done.plans, vec![("7А".to_string(), "Алгебра".to_string())]);
    let v = q2(&db);
    assert_eq!(v.progress.planned, 102);
    assert!(v.progress.next_topic.is_some());
    assert!(v.progress.held > 0 && v.progress.due >= v.progress.held.saturating_sub(10));
    let entries = audit::count(db.conn()).unwrap();
    for (bad, msg) in [
        (
            "class,subject,seq,topic\n7А,Алгебра,1,Тема\n7А,Алгебра,1,Повтор\n",
            "f.csv:3: seq 1 of 7А Алгебра is already on line 2",
        ),
        (
            "class,subject,seq,topic\n7А,Алгебра,1,Тема\n9Я,Алгебра,2,Тема\n",
            "f.csv:3: no class «9Я»",
        ),
        (
            "class,subject,seq,topic,hours\n7А,Алгебра,1,Тема,0\n",
            "f.csv:2: hours «0»",
        ),
        (
            "class,subject,seq,topic,hours,control_form\n7А,Алгебра,1,Тема,1,Танец\n",
            "f.csv:2: «Танец» is not a form of control",
        ),
        (
            "class,subject,seq,topic\n7А,Алгебра,1,\n",
            "f.csv:2: the topic is empty",
        ),
        (
            "class,subject,topic\n7А,Алгебра,Тема\n",
            "f.csv:1: the header has no column «seq»",
        ),
        (
            "class,subject,seq,topic\n7А,Алгебра,1,Тема\n",
            "lessons refer to it",
        ),
    ] {
        let e = db
            .write(|tx| svc::import_plan(tx, "t", "f.csv", bad, d(TODAY)))
            .unwrap_err();
        assert!(e.to_string().contains(msg), "{msg}: {e}");
    }
    assert_eq!(audit::count(db.conn()).unwrap(), entries);
}

#[test]
fn periods_are_found_by_name_or_short_name() {
    let (_dir, db) = demo_db();
    let year = store::school::current_year(db.conn(), d(TODAY))
        .unwrap()
        .unwrap();
    let ps = store::school::periods(db.conn(), year.id).unwrap();
    let label = |s: &str| svc::find_period(&ps, s).map(|p| p.label.clone());
    assert_eq!(label("2 четверть").as_deref(), Some("2 четверть"));
    assert_eq!(label("q2").as_deref(), Some("2 четверть"));
    assert_eq!(label("Q4").as_deref(), Some("4 четверть"));
    assert_eq!(label("h1").as_deref(), Some("1 полугодие"));
    assert_eq!(label("year").as_deref(), Some("Год"));
    assert_eq!(label("q7"), None);
    assert_eq!(label("spring"), None);
}

#[test]
fn a_closed_year_and_a_lesson_not_yet_held_are_refused() {
    let (_dir, mut db) = demo_db();
    let v = q2(&db);
    let (r, c) = empty_cell(&v);
    let sid = v.students[r].student_id;
    // A timetable lesson after the working date.
    let slot = v.lessons[c]
        .lesson
        .timetable_id
        .expect("from the timetable");
    let future = LessonRef::Slot {
        timetable_id: slot,
        date: d("2026-01-13"),
    };
    let e = db
        .write(|tx| svc::set_cell(tx, "t", future, sid, &CellInput::text("5")))
        .unwrap_err();
    assert!(e.to_string().contains("has not taken place yet"), "{e}");
    // A closed year is read-only.
    db.conn()
        .execute(
            "UPDATE school_year SET status = 'closed', closed_at = '2026-06-30T00:00:00Z'",
            [],
        )
        .unwrap();
    let entries = audit::count(db.conn()).unwrap();
    let e = db
        .write(|tx| {
            svc::set_cell(
                tx,
                "t",
                v.lessons[c].reference(),
                sid,
                &CellInput::text("5"),
            )
        })
        .unwrap_err();
    assert!(e.to_string().contains("is closed (on"), "{e}");
    let e = db
        .write(|tx| {
            svc::set_final_grade(
                tx,
                "t",
                (&v.class, &v.subject, &v.period),
                sid,
                Some("5"),
                d(TODAY),
            )
        })
        .unwrap_err();
    assert!(e.to_string().contains("is closed (on"), "{e}");
    assert_eq!(audit::count(db.conn()).unwrap(), entries);
}

/// After any write to cells of recorded lessons, reading again only the
/// students written gives the same view as reading the whole journal
/// (what the TUI does after a mark instead of reloading), in a quarter and
/// in the whole year, with marks, absences, clearing and refusals mixed.
#[test]
fn a_student_row_read_again_equals_the_whole_view_read_again() {
    let (_dir, mut db) = demo_db();
    let inputs = ["5", "4/3", "Н", "", "2", "Н/5", "°", "3 4", "7", "5/5/5"];
    let mut seed: u64 = 0x5eed_1234;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % n
    };
    let mut saved = 0;
    for (kind, n) in [(PeriodKind::Quarter, 2), (PeriodKind::Year, 1)] {
        let mut shown = view(&db, "7А", "Алгебра", kind, n);
        for _ in 0..40 {
            let recorded: Vec<usize> = (0..shown.lessons.len())
                .filter(|&c| shown.lessons[c].recorded)
                .collect();
            let col = recorded[next(recorded.len())];
            let row = next(shown.students.len());
            let sid = shown.students[row].student_id;
            let lesson = shown.lessons[col].reference();
            let input = CellInput::text(inputs[next(inputs.len())]);
            let w = db.write(|tx| {
                svc::set_cell(tx, "Lê Văn Tâm", lesson, sid, &input)
                    .map_err(|e| store::invalid(e.to_string()))
            });
            saved += usize::from(w.is_ok());
            svc::refresh_students(db.conn(), &mut shown, &[sid], d(TODAY)).unwrap();
            let whole = view(&db, "7А", "Алгебра", kind, n);
            assert_eq!(shown, whole, "after «{}» at ({row}, {col})", input.text);
        }
    }
    assert!(saved > 40, "most writes are saved ({saved} of 80)");
}
