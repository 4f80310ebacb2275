//! A subject taught in split groups (issue 15, item 11): each group goes
//! through the thematic plan on its own, so plan progress is counted per
//! group and the whole class's figure never adds both groups' lessons; the
//! journal shows one group's lessons and students (`o` in the tab,
//! `journal show --group` in the CLI). On the small demo, 7А English is
//! taught in the groups «Англ. 1» and «Англ. 2»; 7А algebra to the whole
//! class.

mod common;

use std::process::{Command, Output};

use chrono::NaiveDate;
use crossterm::event::KeyCode;

use classbook::domain::{Class, Period, PeriodKind, Subject};
use classbook::service::journal::{self as svc, JournalView, MarkCell};
use classbook::store::{self, Db};
use common::{demo_app, demo_db, press, type_keys};

/// The demo's working date.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 12, 24).expect("a date")
}

fn ctx(db: &Db, class: &str, subject: &str, kind: PeriodKind, n: u8) -> (Class, Subject, Period) {
    let conn = db.conn();
    let year = store::school::current_year(conn, today()).unwrap().unwrap();
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
    (class, subject, period)
}

fn view(db: &Db, class: &str, subject: &str, group: Option<&str>) -> JournalView {
    let (c, s, p) = ctx(db, class, subject, PeriodKind::Quarter, 2);
    let group = group.map(|name| {
        store::classes::groups(db.conn(), c.id)
            .unwrap()
            .into_iter()
            .find(|g| g.name == name)
            .unwrap_or_else(|| panic!("{class} has group {name}"))
            .id
    });
    svc::load_group(db.conn(), &c, &s, &p, group, today()).expect("loads")
}

/// Lessons with a topic from the year's start to the working date, of a
/// group (its own and the whole class's) or of every group.
fn held(db: &Db, class: &str, subject: &str, group: Option<&str>) -> u32 {
    db.conn()
        .query_row(
            "SELECT count(*) FROM lesson l JOIN class c ON c.id = l.class_id
             JOIN subject s ON s.id = l.subject_id
             LEFT JOIN class_group g ON g.id = l.group_id
             WHERE c.name = ?1 AND s.name = ?2 AND l.date <= ?3
               AND length(trim(ifnull(l.topic, ''))) > 0
               AND (?4 IS NULL OR l.group_id IS NULL OR g.name = ?4)",
            rusqlite::params![class, subject, today(), group],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn each_group_of_a_split_subject_has_its_own_plan_progress() {
    let (_dir, db) = demo_db();
    let one = held(&db, "7А", "Английский язык", Some("Англ. 1"));
    let two = held(&db, "7А", "Английский язык", Some("Англ. 2"));
    let both = held(&db, "7А", "Английский язык", None);
    assert!(one > 10 && two > 10, "{one} {two}");
    assert_eq!(both, one + two, "no whole-class English lessons");

    // The whole class: each group's figure, never the sum.
    let v = view(&db, "7А", "Английский язык", None);
    let pr = &v.progress;
    assert_eq!(pr.planned, 102);
    let by_group: Vec<(Option<&str>, u32)> = pr
        .groups
        .iter()
        .map(|g| (g.group.as_deref(), g.held))
        .collect();
    assert_eq!(
        by_group,
        vec![(Some("Англ. 1"), one), (Some("Англ. 2"), two)]
    );
    assert!(pr.held == one || pr.held == two, "{pr:?}");
    assert!(pr.held < both);
    // The class's figures are the group furthest behind.
    let worst = pr.groups.iter().map(|g| g.behind).max().unwrap();
    assert_eq!(pr.behind, worst);
    assert!(
        pr.groups
            .iter()
            .all(|g| g.due <= g.planned && g.planned == 102)
    );
    let names: Vec<&str> = v.groups.iter().map(|g| g.1.as_str()).collect();
    assert_eq!(names, vec!["Англ. 1", "Англ. 2"]);
    assert_eq!(v.group, None);

    // One group: its own progress.
    let g1 = view(&db, "7А", "Английский язык", Some("Англ. 1"));
    assert_eq!(g1.progress.held, one);
    assert_eq!(g1.progress.group.as_deref(), Some("Англ. 1"));
    assert!(g1.progress.groups.is_empty());
    assert_eq!(g1.group.as_ref().map(|g| g.1.as_str()), Some("Англ. 1"));
    let g2 = view(&db, "7А", "Английский язык", Some("Англ. 2"));
    assert_eq!(g2.progress.held, two);
}

#[test]
fn a_subject_taught_to_the_whole_class_is_counted_as_before() {
    let (_dir, db) = demo_db();
    let v = view(&db, "7А", "Алгебра", None);
    assert!(v.groups.is_empty());
    assert!(v.progress.groups.is_empty());
    assert_eq!(v.progress.group, None);
    assert_eq!(v.progress.held, held(&db, "7А", "Алгебра", None));
    // A group of the class on a whole-class subject: every lesson (they
    // are all the whole class's), the group's students only.
    let g = view(&db, "7А", "Алгебра", Some("Англ. 1"));
    assert_eq!(g.lessons.len(), v.lessons.len());
    assert_eq!(g.progress.held, v.progress.held);
    assert!(g.students.len() < v.students.len());
}

#[test]
fn the_grid_of_one_group_shows_only_its_lessons_and_students() {
    let (_dir, db) = demo_db();
    let all = view(&db, "7А", "Английский язык", None);
    let g1 = view(&db, "7А", "Английский язык", Some("Англ. 1"));
    let g2 = view(&db, "7А", "Английский язык", Some("Англ. 2"));
    // Both groups' lessons interleave in the whole class's grid.
    assert_eq!(all.lessons.len(), g1.lessons.len() + g2.lessons.len());
    assert!(
        g1.lessons
            .iter()
            .all(|l| l.group.as_deref() == Some("Англ. 1"))
    );
    assert!(
        g2.lessons
            .iter()
            .all(|l| l.group.as_deref() == Some("Англ. 2"))
    );
    // Students: the group's members, no one twice, no one in both.
    let members =
        |v: &JournalView| -> Vec<i64> { v.students.iter().map(|s| s.student_id).collect() };
    let (m1, m2) = (members(&g1), members(&g2));
    assert!(!m1.is_empty() && !m2.is_empty());
    assert!(m1.iter().all(|s| !m2.contains(s)));
    assert_eq!(m1.len() + m2.len(), all.students.len());
    // Every cell of a group's grid is the student's own lesson: none is
    // "not in the lesson's group" unless the student was not enrolled.
    for s in &g1.students {
        assert_eq!(s.cells.len(), g1.lessons.len());
        for (c, l) in s.cells.iter().zip(&g1.lessons) {
            if *c == MarkCell::NotEnrolled {
                assert!(
                    l.lesson.date < s.starts_on || s.ends_on.is_some_and(|e| l.lesson.date > e),
                    "{} not enrolled on {}",
                    s.name,
                    l.lesson.date
                );
            }
        }
    }
    // The same marks as in the whole class's grid.
    let s = &g1.students[0];
    let whole = all
        .students
        .iter()
        .find(|x| x.student_id == s.student_id)
        .unwrap();
    assert_eq!(
        (s.counted, s.mean_hundredths),
        (whole.counted, whole.mean_hundredths)
    );
}

#[test]
fn the_journal_tab_picks_a_group_with_o() {
    let (_dir, mut app) = demo_app();
    type_keys(&mut app, "c/7а");
    press(&mut app, KeyCode::Enter);
    type_keys(&mut app, "s/англ");
    press(&mut app, KeyCode::Enter);
    let v = app.journal.view.as_ref().expect("journal loaded");
    assert_eq!(v.subject.name, "Английский язык");
    let lessons = v.lessons.len();
    let text = classbook::ui::render_text(&app, 120, 30).expect("renders");
    assert!(text.contains("Английский язык, all groups"), "{text}");
    assert!(text.contains("of 102 by group"), "{text}");
    press(&mut app, KeyCode::Char('R'));
    type_keys(&mut app, "2");
    press(&mut app, KeyCode::Enter);
    let v = app.journal.view.as_ref().expect("journal loaded");
    assert_eq!(v.group.as_ref().map(|g| g.1.as_str()), Some("Англ. 2"));
    assert!(v.lessons.len() < lessons);
    assert!(
        v.lessons
            .iter()
            .all(|l| l.group.as_deref() == Some("Англ. 2"))
    );
    let text = classbook::ui::render_text(&app, 120, 30).expect("renders");
    assert!(text.contains("Английский язык, Англ. 2"), "{text}");
    // Back to all groups; a subject of the whole class has none to pick.
    press(&mut app, KeyCode::Char('R'));
    press(&mut app, KeyCode::Home);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.journal.view.as_ref().unwrap().group, None);
    assert_eq!(app.journal.view.as_ref().unwrap().lessons.len(), lessons);
    type_keys(&mut app, "s/алгеб");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('R'));
    let text = classbook::ui::render_text(&app, 120, 30).expect("renders");
    assert!(text.contains("taught to the whole class"), "{text}");
}

fn classbook(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_classbook"))
        .args(args)
        .env_remove("CLASSBOOK_DB")
        .env("USER", "tester")
        .output()
        .expect("the binary runs")
}

#[test]
fn journal_show_takes_a_group() {
    let (dir, db) = demo_db();
    drop(db);
    let path = dir.path().join("demo.sqlite");
    let p = path.to_str().unwrap();
    let show = |extra: &[&str]| {
        let mut args = vec![
            "journal",
            "show",
            "--db",
            p,
            "--class",
            "7А",
            "--subject",
            "Английский язык",
            "--period",
            "q2",
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        classbook(&args)
    };
    let o = show(&["--group", "англ. 1"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["group"], "Англ. 1");
    assert_eq!(v["plan"]["group"], "Англ. 1");
    assert!(
        v["lessons"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["group"] == "Англ. 1")
    );
    let o = show(&[]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["group"].is_null());
    assert_eq!(v["plan"]["groups"].as_array().unwrap().len(), 2);
    let o = show(&["--group", "Нгуен 3"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr).trim(),
        "classbook: 7А has no group «Нгуен 3» (groups of Английский язык: Англ. 1, Англ. 2)"
    );
}
