//! Attendance entry, refusals, reasons, comments and summaries on the small
//! demo (working date 24.12.2025).

mod common;

use chrono::NaiveDate;
use classbook::domain::attendance::Category;
use classbook::domain::{Class, Id, SchoolYear};
use classbook::service::attendance::{self as att, DayCell, ReasonChoice};
use classbook::store::{self, Conn, Db};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("a date")
}

fn working() -> NaiveDate {
    d(2025, 12, 24)
}

fn year(conn: &Conn) -> SchoolYear {
    store::school::current_year(conn, working())
        .expect("reads")
        .expect("a year")
}

fn class(conn: &Conn, name: &str) -> Class {
    store::classes::class_by_name(conn, year(conn).id, name)
        .expect("reads")
        .expect("the class exists")
}

/// Everything an attendance write could touch, as text.
fn fingerprint(conn: &Conn) -> String {
    let q = |sql: &str| -> String {
        conn.query_row(sql, [], |r| r.get::<_, Option<String>>(0))
            .expect("query")
            .unwrap_or_default()
    };
    [
        q("SELECT group_concat(lesson_id || ':' || student_id || ':' || code_id || ':' || ifnull(comment_code_id, '') || ':' || ifnull(comment, ''), ',') FROM (SELECT * FROM attendance ORDER BY lesson_id, student_id)"),
        q("SELECT group_concat(id || ':' || ifnull(attendance_taken_at, '') || ':' || mode, ',') FROM (SELECT * FROM lesson ORDER BY id)"),
        q("SELECT CAST(count(*) AS TEXT) FROM audit_log"),
    ]
    .join("\n")
}

fn code_id(conn: &Conn, category: Category, reason: Option<&str>) -> Id {
    store::attendance::codes(conn, false)
        .expect("codes")
        .into_iter()
        .find(|c| c.category == category && c.reason.map(|r| r.as_str()) == reason)
        .expect("the code exists")
        .id
}

/// A lesson of the class on the date, and a student present at it.
fn present_cell(conn: &Conn, class: &Class, date: NaiveDate) -> (Id, Id) {
    let day = att::load(conn, class, &year(conn), date).expect("day loads");
    for s in &day.students {
        for (c, l) in s.cells.iter().zip(&day.lessons) {
            if *c == DayCell::Present {
                return (l.lesson.id, s.student_id);
            }
        }
    }
    panic!("no present cell on {date}");
}

fn write<T>(db: &mut Db, f: impl FnOnce(&Conn) -> store::Result<T>) -> store::Result<T> {
    db.write(|tx| f(tx))
}

#[test]
fn set_clear_and_undo_through_the_audit_log() {
    let (_dir, mut db) = common::demo_db();
    let c7 = class(db.conn(), "7А");
    let (lesson, student) = present_cell(db.conn(), &c7, d(2025, 12, 23));
    let before = fingerprint(db.conn());
    let ill = code_id(db.conn(), Category::AbsentExcused, Some("illness"));
    let ids = write(&mut db, |tx| {
        att::set_code(tx, "tester", working(), lesson, student, ill)
    })
    .expect("sets");
    assert_eq!(ids.len(), 1);
    let day = att::load(db.conn(), &c7, &year(db.conn()), d(2025, 12, 23)).expect("loads");
    let row = day
        .students
        .iter()
        .find(|s| s.student_id == student)
        .expect("row");
    let col = day
        .lessons
        .iter()
        .position(|l| l.lesson.id == lesson)
        .expect("col");
    assert_eq!(
        row.cells[col],
        DayCell::Code {
            code_id: ill,
            code: "Б".into(),
            category: Category::AbsentExcused,
            comment: None,
        }
    );
    // Setting the same code again writes nothing.
    let again = write(&mut db, |tx| {
        att::set_code(tx, "tester", working(), lesson, student, ill)
    })
    .expect("no-op");
    assert!(again.is_empty());
    let cleared = write(&mut db, |tx| {
        att::clear(tx, "tester", working(), lesson, student)
    })
    .expect("clears");
    assert_eq!(cleared.len(), 1);
    // Undo both, newest first: the database is as before (but for the log).
    write(&mut db, |tx| {
        store::audit::undo_group(tx, "tester", &cleared)
    })
    .expect("undo clear");
    write(&mut db, |tx| store::audit::undo_group(tx, "tester", &ids)).expect("undo set");
    let after = fingerprint(db.conn());
    let strip = |s: &str| s.lines().take(2).collect::<Vec<_>>().join("\n");
    assert_eq!(strip(&before), strip(&after));
}

#[test]
fn refusals_leave_the_database_unchanged() {
    let (_dir, mut db) = common::demo_db();
    let c7 = class(db.conn(), "7А");
    let (lesson, student) = present_cell(db.conn(), &c7, d(2025, 12, 23));
    let absent = code_id(db.conn(), Category::AbsentUnspecified, None);
    // A lesson on the non-school day of 4 November and one after the working date.
    let template = store::journal::lesson(db.conn(), lesson).expect("lesson");
    let (holiday_lesson, future_lesson) = db
        .write(|tx| -> store::Result<(Id, Id)> {
            let mut h = template.clone();
            h.date = d(2025, 11, 4);
            h.attendance_taken_at = None;
            let mut f = template.clone();
            f.date = d(2025, 12, 25);
            f.attendance_taken_at = None;
            Ok((
                store::journal::insert_lesson(tx, &h)?,
                store::journal::insert_lesson(tx, &f)?,
            ))
        })
        .expect("lessons inserted");
    let before = fingerprint(db.conn());

    let e = write(&mut db, |tx| {
        att::set_code(tx, "t", working(), future_lesson, student, absent)
    })
    .unwrap_err();
    assert!(e.to_string().contains("after the working date"), "{e}");
    let e = write(&mut db, |tx| {
        att::take_lesson(tx, "t", working(), future_lesson)
    })
    .unwrap_err();
    assert!(e.to_string().contains("in advance"), "{e}");
    let e = write(&mut db, |tx| {
        att::set_code(tx, "t", working(), holiday_lesson, student, absent)
    })
    .unwrap_err();
    assert!(e.to_string().contains("non-school day"), "{e}");
    let e = write(&mut db, |tx| {
        att::take_day(tx, "t", working(), c7.id, d(2025, 11, 4))
    })
    .unwrap_err();
    assert!(e.to_string().contains("День народного единства"), "{e}");
    let e = write(&mut db, |tx| {
        att::take_day(tx, "t", working(), c7.id, d(2025, 12, 20))
    })
    .unwrap_err();
    assert!(e.to_string().contains("day off"), "{e}");
    // A student of 7Б is not on a 7А lesson's list; the whole range is
    // refused for a holiday even if other cells are fine.
    let c7b = class(db.conn(), "7Б");
    let other = store::people::class_members(db.conn(), c7b.id, working(), working())
        .expect("members")[0]
        .student
        .clone();
    let e = write(&mut db, |tx| {
        att::set_code(tx, "t", working(), lesson, other.id, absent)
    })
    .unwrap_err();
    assert!(e.to_string().contains(&other.family_name), "{e}");
    assert!(e.to_string().contains("not on the list"), "{e}");
    let e = write(&mut db, |tx| {
        att::set_range(
            tx,
            "t",
            working(),
            &[(lesson, student), (holiday_lesson, student)],
            Some(absent),
        )
    })
    .unwrap_err();
    assert!(e.to_string().contains("non-school day"), "{e}");
    assert_eq!(
        fingerprint(db.conn()),
        before,
        "refused writes changed the database"
    );
    // In a range, cells of students not on the list are skipped, not written.
    let (r, ids) = write(&mut db, |tx| {
        att::set_range(
            tx,
            "t",
            working(),
            &[(lesson, student), (lesson, other.id)],
            Some(absent),
        )
    })
    .expect("range");
    assert_eq!((r.set, r.skipped, ids.len()), (1, 1, 1));
}

#[test]
fn a_departed_student_is_refused_after_leaving() {
    let (_dir, mut db) = common::demo_db();
    // Find an enrolment that ended before the working date, and a lesson
    // of that class after it.
    let (student, class_id, ended): (Id, Id, NaiveDate) = db
        .conn()
        .query_row(
            "SELECT student_id, class_id, ends_on FROM enrolment WHERE ends_on IS NOT NULL AND ends_on < '2025-12-20' ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("a departure in the demo");
    let lesson: Id = db
        .conn()
        .query_row(
            "SELECT id FROM lesson WHERE class_id = ?1 AND date > ?2 AND group_id IS NULL ORDER BY date LIMIT 1",
            rusqlite::params![class_id, ended],
            |r| r.get(0),
        )
        .expect("a later lesson");
    let before = fingerprint(db.conn());
    let absent = code_id(db.conn(), Category::AbsentUnspecified, None);
    let e = write(&mut db, |tx| {
        att::set_code(tx, "t", working(), lesson, student, absent)
    })
    .unwrap_err();
    assert!(e.to_string().contains("not enrolled"), "{e}");
    assert_eq!(fingerprint(db.conn()), before);
}

#[test]
fn a_reason_covers_all_of_the_days_absences_and_nothing_else() {
    let (_dir, mut db) = common::demo_db();
    let c7 = class(db.conn(), "7А");
    let y = year(db.conn());
    let date = working();
    let list = att::reasons_to_give(db.conn(), &c7, &y, date).expect("list");
    let item = list
        .first()
        .expect("the demo has a reason to give in 7А today")
        .clone();
    assert!(item.lessons.len() >= 2, "{item:?}");
    // Another day's absence of the same student with no reason given, to
    // check it is left alone.
    let unspecified = code_id(db.conn(), Category::AbsentUnspecified, None);
    let other_day = att::load(db.conn(), &c7, &y, d(2025, 12, 23)).expect("day");
    let row = other_day
        .students
        .iter()
        .find(|s| s.student_id == item.student_id)
        .expect("the student is in the class the day before");
    let col = row
        .cells
        .iter()
        .position(|c| *c == DayCell::Present)
        .expect("present at some lesson the day before");
    let other_lesson = other_day.lessons[col].lesson.id;
    write(&mut db, |tx| {
        att::set_code(
            tx,
            "t",
            working(),
            other_lesson,
            item.student_id,
            unspecified,
        )
    })
    .expect("set");

    let before = store::attendance::marks_for_class(db.conn(), c7.id, y.starts_on, y.ends_on)
        .expect("marks");
    let (n, ids) = write(&mut db, |tx| {
        att::apply_reason(
            tx,
            "t",
            working(),
            c7.id,
            date,
            item.student_id,
            ReasonChoice::Illness,
        )
    })
    .expect("applies");
    assert_eq!(n, item.lessons.len());
    assert_eq!(ids.len(), n);
    let after = store::attendance::marks_for_class(db.conn(), c7.id, y.starts_on, y.ends_on)
        .expect("marks");
    assert_eq!(before.len(), after.len());
    let ill = code_id(db.conn(), Category::AbsentExcused, Some("illness"));
    let changed: Vec<_> = before
        .iter()
        .zip(&after)
        .filter(|(a, b)| a.code_id != b.code_id)
        .map(|(a, b)| (a.lesson_id, a.student_id, b.code_id))
        .collect();
    let mut expected: Vec<_> = item
        .lessons
        .iter()
        .map(|(l, _, _)| (*l, item.student_id, ill))
        .collect();
    expected.sort();
    let mut changed_sorted = changed.clone();
    changed_sorted.sort();
    assert_eq!(changed_sorted, expected);
    // The student is off today's list; the other day keeps its Н.
    let list = att::reasons_to_give(db.conn(), &c7, &y, date).expect("list");
    assert!(list.iter().all(|r| r.student_id != item.student_id));
    assert!(
        att::reasons_to_give(db.conn(), &c7, &y, d(2025, 12, 23))
            .expect("list")
            .iter()
            .any(|r| r.student_id == item.student_id)
    );
    // Nothing left to give on that day: a clear refusal.
    let e = write(&mut db, |tx| {
        att::apply_reason(
            tx,
            "t",
            working(),
            c7.id,
            date,
            item.student_id,
            ReasonChoice::Unexcused,
        )
    })
    .unwrap_err();
    assert!(e.to_string().contains("no absence without a reason"), "{e}");
}

#[test]
fn a_parents_comment_sits_beside_the_code() {
    let (_dir, mut db) = common::demo_db();
    let c7 = class(db.conn(), "7А");
    let (lesson, student) = present_cell(db.conn(), &c7, d(2025, 12, 23));
    let comment = code_id(db.conn(), Category::Annotation, None);
    // On a present cell there is nothing to annotate.
    let e = write(&mut db, |tx| {
        att::set_code(tx, "t", working(), lesson, student, comment)
    })
    .unwrap_err();
    assert!(e.to_string().contains("set the code first"), "{e}");
    let absent = code_id(db.conn(), Category::AbsentUnspecified, None);
    write(&mut db, |tx| {
        att::set_code(tx, "t", working(), lesson, student, absent)
    })
    .expect("set");
    write(&mut db, |tx| {
        att::set_code(tx, "t", working(), lesson, student, comment)
    })
    .expect("comment");
    write(&mut db, |tx| {
        att::set_comment(
            tx,
            "t",
            working(),
            lesson,
            student,
            Some(comment),
            Some("  Мама звонила: болеет  "),
        )
    })
    .expect("comment text");
    let m = store::attendance::marks_for_class(db.conn(), c7.id, d(2025, 12, 23), d(2025, 12, 23))
        .expect("marks")
        .into_iter()
        .find(|m| m.lesson_id == lesson && m.student_id == student)
        .expect("the entry");
    assert_eq!(m.code_id, absent, "the comment did not replace the code");
    assert_eq!(m.comment_code_id, Some(comment));
    assert_eq!(m.comment.as_deref(), Some("Мама звонила: болеет"));
}

#[test]
fn taking_a_lesson_and_a_day() {
    let (_dir, mut db) = common::demo_db();
    let date = d(2025, 12, 23);
    let before = att::not_taken(db.conn(), date).expect("list");
    let n: usize = before.iter().map(|t| t.lessons.len()).sum();
    assert!(n >= 1, "the demo leaves lessons not taken");
    assert!(before.iter().all(|t| !t.teacher.is_empty()));
    let (class_name, lesson_no) = (before[0].lessons[0].1.clone(), before[0].lessons[0].0);
    let c = class(db.conn(), &class_name);
    let lesson = store::journal::lessons_on(db.conn(), c.id, date)
        .expect("lessons")
        .into_iter()
        .find(|l| l.lesson_no == lesson_no && l.attendance_taken_at.is_none())
        .expect("the lesson");
    let ids = write(&mut db, |tx| {
        att::take_lesson(tx, "t", working(), lesson.id)
    })
    .expect("taken");
    assert_eq!(ids.len(), 1);
    let after: usize = att::not_taken(db.conn(), date)
        .expect("list")
        .iter()
        .map(|t| t.lessons.len())
        .sum();
    assert_eq!(after, n - 1);
    write(&mut db, |tx| store::audit::undo_group(tx, "t", &ids)).expect("undo");
    let undone: usize = att::not_taken(db.conn(), date)
        .expect("list")
        .iter()
        .map(|t| t.lessons.len())
        .sum();
    assert_eq!(undone, n);
    // A whole day: every lesson of the class taken, codes kept.
    let marks_before =
        store::attendance::marks_for_class(db.conn(), c.id, date, date).expect("marks");
    write(&mut db, |tx| att::take_day(tx, "t", working(), c.id, date)).expect("day taken");
    assert!(
        store::journal::lessons_on(db.conn(), c.id, date)
            .expect("lessons")
            .iter()
            .all(|l| l.attendance_taken_at.is_some())
    );
    assert_eq!(
        store::attendance::marks_for_class(db.conn(), c.id, date, date).expect("marks"),
        marks_before
    );
}

#[test]
fn a_chinese_code_table_gives_the_same_totals() {
    let (_dir, mut db) = common::demo_db();
    let c7 = class(db.conn(), "7А");
    let y = year(db.conn());
    let (from, to) = (y.starts_on, y.ends_on);
    let classes = store::classes::classes(db.conn(), y.id).expect("classes");
    let all = |conn: &Conn| -> Vec<att::PeriodView> {
        classes
            .iter()
            .map(|c| att::load_period(conn, c, &y, from, to).expect("period"))
            .collect()
    };
    let ru_all = all(db.conn());
    let mut t = att::Counts::default();
    for v in &ru_all {
        t.add(&v.total);
    }
    let ru = att::load_period(db.conn(), &c7, &y, from, to).expect("period");
    assert!(
        t.absent_excused > 0 && t.absent_unexcused > 0 && t.absent_unspecified > 0,
        "{t:?}"
    );
    assert!(t.present_remote + t.exempt > 0 && t.comments > 0, "{t:?}");
    // Load the Chinese table, move every entry to the Chinese code of the
    // same category and reason, and hide the Russian codes.
    let zh = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/attendance_codes_zh.csv"
    ))
    .expect("zh table");
    db.write(|tx| -> store::Result<()> {
        let old = store::attendance::codes(tx, true)?;
        store::reference::load_attendance_codes(tx, &zh)?;
        let all = store::attendance::codes(tx, true)?;
        for o in &old {
            let n = all
                .iter()
                .find(|c| {
                    c.id != o.id
                        && !old.iter().any(|x| x.id == c.id)
                        && c.category == o.category
                        && c.reason == o.reason
                })
                .expect("a Chinese code of the same category");
            tx.execute(
                "UPDATE attendance SET code_id = ?2 WHERE code_id = ?1",
                [o.id, n.id],
            )?;
            tx.execute(
                "UPDATE attendance SET comment_code_id = ?2 WHERE comment_code_id = ?1",
                [o.id, n.id],
            )?;
            tx.execute(
                "UPDATE attendance_code SET hidden = 1 WHERE id = ?1",
                [o.id],
            )?;
        }
        Ok(())
    })
    .expect("remapped");
    let zh_all = all(db.conn());
    for (a, b) in ru_all.iter().zip(&zh_all) {
        assert_eq!(a.total, b.total, "{}", a.class.name);
    }
    let zh_view = att::load_period(db.conn(), &c7, &y, from, to).expect("period");
    assert_eq!(zh_view.total, ru.total);
    for (a, b) in ru.students.iter().zip(&zh_view.students) {
        assert_eq!(a.counts, b.counts, "{}", a.name);
    }
    // The grid shows the Chinese letters.
    let codes: Vec<String> = zh_view
        .students
        .iter()
        .flat_map(|s| s.days.iter())
        .filter_map(|d| match d {
            att::DaySummary::Absent { code, .. } => Some(code.clone()),
            _ => None,
        })
        .collect();
    assert!(
        !codes.is_empty() && codes.iter().all(|c| "缺旷事健隔病传".contains(c.as_str())),
        "{codes:?}"
    );
}

#[test]
fn period_summary_adds_up() {
    let (_dir, db) = common::demo_db();
    let c7 = class(db.conn(), "7А");
    let y = year(db.conn());
    let v = att::load_period(db.conn(), &c7, &y, y.starts_on, y.ends_on).expect("period");
    // Weekday holidays are columns, shown as holidays; weekends are not.
    assert!(
        v.days
            .iter()
            .any(|d| d.holiday.as_deref() == Some("Осенние каникулы"))
    );
    assert!(
        v.days
            .iter()
            .all(|d| d.holiday.is_some() || d.lessons > 0 || d.date > working())
    );
    let mut sum = att::Counts::default();
    for s in &v.students {
        let c = &s.counts;
        assert_eq!(c.lessons, c.attended() + c.absent(), "{}", s.name);
        sum.add(c);
    }
    assert_eq!(sum, v.total);
    let p = v.total.attended_permille().expect("lessons");
    assert!(p > 500 && p <= 1000, "{p}");
}

#[test]
fn the_code_table_is_data_a_code_in_use_is_only_hidden() {
    let (_dir, mut db) = common::demo_db();
    let draft = |code: &str, key: Option<&str>| att::CodeDraft {
        code: code.into(),
        label: "线上出勤（直播）".into(),
        category: Category::PresentRemote,
        reason: None,
        key: key.map(String::from),
        sort: 20,
    };
    let before = fingerprint(db.conn());
    for (d, needle) in [
        (draft("线上课", Some("x")), "one or two characters"),
        (draft("线", Some("j")), "moves, undoes"),
        (draft("线", Some("7")), "moves, undoes"),
        (draft("线", Some("н")), "already the key of Н"),
        (draft("Д", Some("x")), "already has Д"),
        (
            att::CodeDraft {
                label: "  ".into(),
                ..draft("线", None)
            },
            "label is empty",
        ),
    ] {
        let e = write(&mut db, |tx| att::save_code(tx, "t", None, &d)).unwrap_err();
        assert!(e.to_string().contains(needle), "{d:?}: {e}");
    }
    assert_eq!(fingerprint(db.conn()), before);
    let (id, ids) = write(&mut db, |tx| {
        att::save_code(tx, "t", None, &draft("线", Some("X")))
    })
    .expect("added");
    assert_eq!(ids.len(), 1);
    let codes = store::attendance::codes(db.conn(), false).expect("codes");
    let added = codes.iter().find(|c| c.id == id).expect("listed");
    assert_eq!(
        (added.code.as_str(), added.key.as_deref()),
        ("线", Some("x"))
    );
    // Edit it; then it can be deleted, as nothing uses it.
    let (same, _) = write(&mut db, |tx| {
        att::save_code(
            tx,
            "t",
            Some(id),
            &att::CodeDraft {
                sort: 0,
                ..draft("线上", Some("x"))
            },
        )
    })
    .expect("edited");
    assert_eq!(same, id);
    write(&mut db, |tx| att::delete_code(tx, "t", id)).expect("deleted");
    assert!(
        store::attendance::codes(db.conn(), true)
            .expect("codes")
            .iter()
            .all(|c| c.id != id)
    );
    // Б (illness) is used: deleting is refused, hiding works and keeps the entries.
    let ill = code_id(db.conn(), Category::AbsentExcused, Some("illness"));
    let before = fingerprint(db.conn());
    let e = write(&mut db, |tx| att::delete_code(tx, "t", ill)).unwrap_err();
    assert!(e.to_string().contains("hide it instead"), "{e}");
    assert_eq!(fingerprint(db.conn()), before);
    let hid = write(&mut db, |tx| att::set_code_hidden(tx, "t", ill, true)).expect("hidden");
    assert!(
        store::attendance::codes(db.conn(), false)
            .expect("codes")
            .iter()
            .all(|c| c.id != ill)
    );
    assert!(store::attendance::code_use_count(db.conn(), ill).expect("count") > 0);
    // A hidden code cannot be set any more; undo shows it again.
    let c7 = class(db.conn(), "7А");
    let (lesson, student) = present_cell(db.conn(), &c7, d(2025, 12, 23));
    let e = write(&mut db, |tx| {
        att::set_code(tx, "t", working(), lesson, student, ill)
    })
    .unwrap_err();
    assert!(e.to_string().contains("hidden"), "{e}");
    write(&mut db, |tx| store::audit::undo_group(tx, "t", &hid)).expect("undo");
    assert!(
        store::attendance::codes(db.conn(), false)
            .expect("codes")
            .iter()
            .any(|c| c.id == ill)
    );
}

#[test]
fn device_census_feeds_the_cannot_attend_online_list() {
    use classbook::domain::attendance::FollowupMethod;
    let (_dir, mut db) = common::demo_db();
    let y = year(db.conn());
    let classes = store::classes::classes(db.conn(), y.id).expect("classes");
    // A class with a student who cannot attend online in the demo.
    let (class, list) = classes
        .iter()
        .find_map(|c| {
            let l = att::cannot_attend_online(db.conn(), c, &y, working()).expect("list");
            (!l.is_empty()).then(|| (c.clone(), l))
        })
        .expect("the demo has students without devices");
    let all = att::census(db.conn(), &class, &y, working()).expect("census");
    assert!(all.len() > list.len());
    let r = &list[0];
    assert_eq!(r.can_attend_online(), Some(false));
    // A smartphone and internet make the student able to attend.
    let mut ids = Vec::new();
    for dev in [att::Device::Smartphone, att::Device::Internet] {
        ids.extend(
            write(&mut db, |tx| {
                att::set_device(tx, "t", r.student_id, y.id, working(), dev, true)
            })
            .expect("set"),
        );
    }
    let after = att::cannot_attend_online(db.conn(), &class, &y, working()).expect("list");
    assert!(after.iter().all(|x| x.student_id != r.student_id));
    ids.reverse();
    for id in &ids {
        write(&mut db, |tx| store::audit::undo(tx, "t", *id)).expect("undo");
    }
    let again = att::cannot_attend_online(db.conn(), &class, &y, working()).expect("list");
    assert!(again.iter().any(|x| x.student_id == r.student_id));
    // Follow-ups: refused in the future or without a note; recorded otherwise.
    let staff = store::people::staff(db.conn()).expect("staff")[0].id;
    let before = fingerprint(db.conn());
    let e = write(&mut db, |tx| {
        att::add_followup(
            tx,
            "t",
            working(),
            r.student_id,
            d(2025, 12, 25),
            staff,
            FollowupMethod::Phone,
            "звонок",
        )
    })
    .unwrap_err();
    assert!(e.to_string().contains("after the working date"), "{e}");
    let e = write(&mut db, |tx| {
        att::add_followup(
            tx,
            "t",
            working(),
            r.student_id,
            working(),
            staff,
            FollowupMethod::Phone,
            "  ",
        )
    })
    .unwrap_err();
    assert!(e.to_string().contains("needs a note"), "{e}");
    assert_eq!(fingerprint(db.conn()), before);
    let n = r.followups.len();
    write(&mut db, |tx| {
        att::add_followup(
            tx,
            "t",
            working(),
            r.student_id,
            working(),
            staff,
            FollowupMethod::HomeVisit,
            "Bà ngoại nhận bài tập",
        )
    })
    .expect("recorded");
    let list = att::cannot_attend_online(db.conn(), &class, &y, working()).expect("list");
    let x = list
        .iter()
        .find(|x| x.student_id == r.student_id)
        .expect("still listed");
    assert_eq!(x.followups.len(), n + 1);
    assert_eq!(
        x.followups.last().map(|f| f.note.as_str()),
        Some("Bà ngoại nhận bài tập")
    );
}
