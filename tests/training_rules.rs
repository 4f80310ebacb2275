//! Two of the training documents' rules (issue 15, items 5 and 7):
//! personal leave (事假) is excused only with an approved written request,
//! and the yearly credits minimum reads "on track" / "behind by N credits"
//! until the year is over, failing only after it. The Training tab's
//! standing, `classbook training standing` and the review's `training.fail`
//! share one verdict.

mod training_fixture;

use chrono::NaiveDate;
use classbook::domain::Id;
use classbook::domain::review::Rule;
use classbook::service::review::{self, ReviewQuery};
use classbook::service::training::{self as svc, Paperwork, Scope, Standing};
use classbook::store;
use training_fixture::{Fixture, build, d};

fn on(f: &Fixture, scope: Scope, date: NaiveDate) -> Vec<Standing> {
    let settings = store::settings::load(f.db.conn()).unwrap();
    svc::standing_on(f.db.conn(), &f.year, scope, &settings, date).unwrap()
}

fn of(rows: &[Standing], id: Id) -> &Standing {
    rows.iter()
        .find(|s| s.staff_id == id)
        .unwrap_or_else(|| panic!("staff {id} is in the standing"))
}

fn approved_by(id: Id) -> Paperwork {
    Paperwork {
        approved_by_id: Some(id),
        ..Paperwork::default()
    }
}

/// The teachers the review flags for training on the fixture's working date.
fn review_flags(f: &Fixture) -> Vec<Id> {
    let r = review::run(
        f.db.conn(),
        &ReviewQuery {
            from: None,
            to: None,
            now: d(2025, 12, 24).and_hms_opt(18, 0, 0).unwrap(),
        },
    )
    .expect("the review runs");
    let mut ids: Vec<Id> = r
        .findings
        .iter()
        .filter(|x| x.rule == Rule::TrainingFail)
        .filter_map(|x| x.teacher_id)
        .collect();
    ids.sort();
    ids
}

#[test]
fn personal_leave_without_approval_is_an_absence_without_cause() {
    let mut f = build();
    let (hoa, anna, lead) = (f.t["unexcused_2"], f.t["personal"], f.lead);
    // 王 芳: two absences, and personal leave with no approval recorded.
    f.set("s_a", "unexcused_2", "absent");
    f.set("s_b", "unexcused_2", "absent");
    f.set("s_c", "unexcused_2", "personal_leave");
    // Ковалёва Мария: three personal leaves, each approved.
    for s in ["s_a", "s_b", "s_c"] {
        f.set_with(s, "personal", "personal_leave", &approved_by(lead));
    }
    for scope in [Scope::Year, Scope::Semester(1)] {
        let rows = on(&f, scope, d(2025, 12, 24));
        let w = of(&rows, hoa);
        assert_eq!(
            (w.personal_leave, w.personal_leave_unapproved, w.unexcused),
            (0, 1, 3),
            "{scope}"
        );
        assert!(!w.pass, "{scope}: the third unexcused absence fails");
        assert_eq!(
            w.reasons,
            vec!["3 unexcused absences (fail from 3); 1 of them personal leave, not approved"]
        );
        assert!(w.verdict_text().starts_with("FAIL: 3 unexcused absences"));

        let m = of(&rows, anna);
        assert_eq!(
            (m.personal_leave, m.personal_leave_unapproved, m.unexcused),
            (3, 0, 0),
            "{scope}"
        );
        assert!(m.reasons.is_empty(), "{scope}: {:?}", m.reasons);
        assert!(m.pass);
    }
    // The review flags 王 芳 (the leave without approval makes three) and
    // not Ковалёва Мария.
    assert_eq!(review_flags(&f), vec![hoa]);

    // The approval recorded afterwards: the leave is excused, two absences
    // remain, and the review agrees.
    f.set_with("s_c", "unexcused_2", "personal_leave", &approved_by(lead));
    let rows = on(&f, Scope::Year, d(2025, 12, 24));
    let w = of(&rows, hoa);
    assert_eq!(
        (w.personal_leave, w.personal_leave_unapproved, w.unexcused),
        (1, 0, 2)
    );
    assert!(w.pass);
    assert!(review_flags(&f).is_empty());
}

#[test]
fn a_personal_leave_not_approved_shows_in_the_published_differences() {
    let mut f = build();
    let lead = f.lead;
    f.set_with("s_a", "personal", "personal_leave", &approved_by(lead));
    let rows = on(&f, Scope::Semester(1), d(2025, 12, 24));
    // The approval is withdrawn: the same leave is now not approved.
    f.set("s_a", "personal", "personal_leave");
    let now = on(&f, Scope::Semester(1), d(2025, 12, 24));
    let diffs = svc::differences(&rows, &now);
    let m = diffs
        .iter()
        .find(|x| x.staff_id == f.t["personal"])
        .expect("Ковалёва Мария differs");
    assert_eq!(
        m.changes,
        vec![
            "personal leave 1 → 0",
            "personal leave, not approved 0 → 1",
            "unexcused 0 → 1"
        ]
    );
}

#[test]
fn too_few_credits_fail_only_after_the_year_is_over() {
    let mut f = build();
    let anna = f.t["credits_39_5"];
    // Иванова Анна Петровна: 39.5 of the 40 credits.
    f.set("s_big", "credits_39_5", "present");
    let end = f.year.ends_on;
    assert_eq!(end, d(2026, 8, 31));

    // December: 39.5 is ahead of what the year so far asks.
    let dec = of(&on(&f, Scope::Year, d(2025, 12, 24)), anna).clone();
    assert!(dec.pass);
    assert_eq!(dec.credits_progress, "on track");
    assert_eq!(dec.verdict_text(), "on track");
    assert_eq!(dec.verdict_word(), "on track");
    // 115 of 365 days: 40 × 115 / 365 = 12.60…, rounded up.
    assert_eq!(dec.credits_expected, 1261);

    // The day before the year's end: behind by what the day asks.
    let before = of(&on(&f, Scope::Year, end.pred_opt().unwrap()), anna).clone();
    assert!(before.pass, "{:?}", before.reasons);
    assert_eq!((before.credits_expected, before.credits_behind), (3990, 40));
    assert_eq!(before.verdict_text(), "behind by 0.4 credits");
    assert_eq!(before.verdict_word(), "behind");
    // The last day: the whole minimum is due, still not a fail.
    let last = of(&on(&f, Scope::Year, end), anna).clone();
    assert!(last.pass);
    assert_eq!(last.verdict_text(), "behind by 0.5 credits");

    // The day after: the year is over and the shortfall fails.
    let after = of(&on(&f, Scope::Year, end.succ_opt().unwrap()), anna).clone();
    assert!(!after.pass);
    assert_eq!(after.reasons, vec!["39.50 credits of 40.00 required"]);
    assert_eq!(after.credits_progress, "");
    assert_eq!(after.verdict_word(), "FAIL");

    // A semester counts its credits to the semester's end: it never fails
    // a teacher for the yearly minimum, even read after the year.
    let s1 = of(&on(&f, Scope::Semester(1), end.succ_opt().unwrap()), anna).clone();
    assert!(s1.pass, "{:?}", s1.reasons);
    assert_eq!(s1.credits_progress, "on track");
}

#[test]
fn forty_credits_pass_at_any_date_and_nothing_is_behind_by_zero() {
    let mut f = build();
    let lan = f.t["credits_40"];
    f.set("s_big", "credits_40", "present");
    f.set("s_half", "credits_40", "late");
    for date in [d(2025, 12, 24), d(2026, 8, 31), d(2026, 9, 1)] {
        let s = of(&on(&f, Scope::Year, date), lan).clone();
        assert!(s.pass, "{date}");
        assert_eq!((s.credits_behind, s.credits_progress.as_str()), (0, ""));
        assert_eq!(s.verdict_text(), "pass", "{date}");
    }
}

#[test]
fn december_shows_who_is_behind_and_the_review_flags_no_credits() {
    let mut f = build();
    let (lan, fang) = (f.t["credits_40"], f.t["unexcused_2"]);
    // Nguyễn Thị Lan: only the half credit by December.
    f.set("s_half", "credits_40", "present");
    let rows = on(&f, Scope::Year, d(2025, 12, 24));
    let l = of(&rows, lan);
    assert!(l.pass);
    // 12.61 due by 24 December, 0.5 earned.
    assert_eq!((l.credits_expected, l.credits_behind), (1261, 1211));
    assert_eq!(l.verdict_text(), "behind by 12.11 credits");
    // Teachers with nothing yet are behind too, none fails.
    let w = of(&rows, fang);
    assert_eq!(w.verdict_text(), "behind by 12.61 credits");
    assert!(rows.iter().all(|s| s.pass));
    assert!(review_flags(&f).is_empty());
    // `standing` judges on the working date (the school's as-of date,
    // 24.12.2025): the same rows as `standing_on` that day.
    let settings = store::settings::load(f.db.conn()).unwrap();
    let by_working = svc::standing(f.db.conn(), &f.year, Scope::Year, &settings).unwrap();
    assert_eq!(by_working, rows);
}

#[test]
fn publishing_in_december_freezes_behind_not_fail() {
    let mut f = build();
    let anna = f.t["credits_39_5"];
    let lan = f.t["credits_40"];
    f.set("s_big", "credits_39_5", "present");
    f.set("s_half", "credits_40", "present");
    let year = f.year.clone();
    let (p, _) =
        f.db.write(|tx| {
            svc::publish(
                tx,
                training_fixture::OP,
                &year,
                1,
                training_fixture::today(),
            )
        })
        .unwrap();
    assert!(p.standing.iter().all(|s| s.pass));
    assert_eq!(of(&p.standing, anna).verdict_text(), "on track");
    assert!(
        of(&p.standing, lan)
            .verdict_text()
            .starts_with("behind by ")
    );
    // Read back from the database, the frozen verdict is the same.
    let back = svc::latest_publication(f.db.conn(), f.plan1)
        .unwrap()
        .expect("published");
    assert_eq!(
        of(&back.standing, lan).verdict_text(),
        of(&p.standing, lan).verdict_text()
    );
}

// --- the command line ----------------------------------------------------

fn cli(f: &Fixture, args: &[&str]) -> serde_json::Value {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_classbook"))
        .arg("--db")
        .arg(&f.path)
        .args(args)
        .env_remove("CLASSBOOK_DB")
        .env("USER", "tester")
        .output()
        .expect("the binary runs");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    if args.contains(&"json") {
        serde_json::from_slice(&o.stdout).expect("JSON")
    } else {
        serde_json::Value::Null
    }
}

fn cli_teacher(v: &serde_json::Value, name: &str) -> serde_json::Value {
    v["teachers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .cloned()
        .unwrap_or_else(|| panic!("{name} in {v}"))
}

#[test]
fn the_cli_counts_personal_leave_without_approval_as_unexcused() {
    let mut f = build();
    f.set("s_a", "unexcused_2", "absent");
    f.set("s_b", "unexcused_2", "absent");
    let args = ["training", "standing", "--year", "--format", "json"];
    cli(
        &f,
        &[
            "training",
            "set",
            "--session",
            "19.11.2025",
            "--teacher",
            "王 芳",
            "--status",
            "personal_leave",
        ],
    );
    let v = cli(&f, &args);
    let w = cli_teacher(&v, "王 芳");
    assert_eq!(
        (&w["unexcused"], &w["verdict"]),
        (&3.into(), &"fail".into())
    );
    assert_eq!(
        w["reasons"][0],
        "3 unexcused absences (fail from 3); 1 of them personal leave, not approved"
    );
    // The service says the same.
    let rows = svc::standing(
        f.db.conn(),
        &f.year,
        Scope::Year,
        &store::settings::load(f.db.conn()).unwrap(),
    )
    .unwrap();
    assert!(!of(&rows, f.t["unexcused_2"]).pass);
    // With the approval the leave is excused: two absences, a pass.
    cli(
        &f,
        &[
            "training",
            "set",
            "--session",
            "19.11.2025",
            "--teacher",
            "王 芳",
            "--status",
            "personal_leave",
            "--approved-by",
            "Смирнова Ольга",
        ],
    );
    let w = cli_teacher(&cli(&f, &args), "王 芳");
    assert_eq!(
        (&w["unexcused"], &w["verdict"]),
        (&2.into(), &"pass".into())
    );
    assert_eq!(w["personal_leave"], 1);
}

// --- the Training tab --------------------------------------------------------

mod common;

use classbook::ui::App;
use classbook::ui::keymap::Mode;
use classbook::ui::panes::training::Screen;
use common::{ctrl, demo_app, press, type_keys};
use crossterm::event::KeyCode;

fn text(app: &App) -> String {
    classbook::ui::render_text(app, 160, 48).expect("renders")
}

#[test]
fn the_training_tab_shows_leave_not_approved_and_agrees_with_the_review() {
    let (_dir, mut app) = demo_app();
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char('a'));
    type_keys(
        &mut app,
        "Педсовет: Иванова Анна Петровна, Nguyễn Thị Hoa, 欧阳 明",
    );
    ctrl(&mut app, 's');
    assert_eq!(app.training.form, None, "{:?}", app.message);
    let session_id = {
        let v = app.training.view.as_ref().unwrap();
        v.sessions[app.training.row].session.id
    };
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.training.screen, Screen::RollCall);
    let teacher = app.training.roll.as_ref().unwrap().teachers[0].clone();
    let before = app
        .training
        .standing
        .as_ref()
        .unwrap()
        .rows
        .iter()
        .find(|s| s.staff_id == teacher.0)
        .unwrap()
        .clone();
    // v: personal leave; the approver left blank (not yet approved).
    press(&mut app, KeyCode::Char('v'));
    assert_eq!(app.mode(), Mode::Form);
    for _ in 0..80 {
        press(&mut app, KeyCode::Backspace);
    }
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.training.form, None, "{:?}", app.message);
    let a = store::training::attendance(app.db().conn(), session_id, teacher.0)
        .unwrap()
        .expect("the entry is written");
    assert_eq!(
        (a.status.as_str(), a.approved_by_id),
        ("personal_leave", None)
    );
    press(&mut app, KeyCode::Char('k'));
    let screen = text(&app);
    assert!(
        screen.contains("personal, not approved: counts as an absence without cause!"),
        "{screen}"
    );
    assert!(
        screen.contains("(1 personal leave, not approved)"),
        "{screen}"
    );
    let after = app
        .training
        .standing
        .as_ref()
        .unwrap()
        .rows
        .iter()
        .find(|s| s.staff_id == teacher.0)
        .unwrap()
        .clone();
    assert_eq!(after.unexcused, before.unexcused + 1);
    assert_eq!(
        after.personal_leave_unapproved,
        before.personal_leave_unapproved + 1
    );
    assert_eq!(after.personal_leave, before.personal_leave);

    // The standing: the tab's verdicts are the service's on the working
    // date, no teacher fails for credits in December, and the review flags
    // exactly the teachers failing the year.
    press(&mut app, KeyCode::Char('T'));
    assert_eq!(app.training.screen, Screen::Standing);
    let screen = text(&app);
    assert!(screen.contains("verdict"), "{screen}");
    assert!(screen.contains("on track"), "{screen}");
    assert!(!screen.contains("credits of 40.00 required"), "{screen}");
    let conn = app.db().conn();
    let year = app.year.clone().unwrap();
    let settings = store::settings::load(conn).unwrap();
    let working = app.working_date;
    let tab = &app.training.standing.as_ref().unwrap().rows;
    let scope = app.training.standing.as_ref().unwrap().scope;
    let service = svc::standing_on(conn, &year, scope, &settings, working).unwrap();
    assert_eq!(tab, &service);
    let yearly = svc::standing_on(conn, &year, Scope::Year, &settings, working).unwrap();
    assert!(
        yearly
            .iter()
            .all(|s| s.reasons.iter().all(|r| !r.contains("credits")))
    );
    let mut failing: Vec<Id> = yearly
        .iter()
        .filter(|s| !s.pass)
        .map(|s| s.staff_id)
        .collect();
    failing.sort();
    let r = review::run(
        conn,
        &ReviewQuery {
            from: None,
            to: None,
            now: working.and_hms_opt(18, 0, 0).unwrap(),
        },
    )
    .unwrap();
    let mut flagged: Vec<Id> = r
        .findings
        .iter()
        .filter(|x| x.rule == Rule::TrainingFail)
        .filter_map(|x| x.teacher_id)
        .collect();
    flagged.sort();
    assert!(!failing.is_empty());
    assert_eq!(flagged, failing);
}
