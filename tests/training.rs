//! The training rules through the service the Training tab and
//! `classbook training` share: standing at the boundaries, published
//! snapshots, refused input, undo.

mod training_fixture;

use classbook::service::demo;
use classbook::service::training::{self as svc, Paperwork, Scope, Standing};
use classbook::store;
use training_fixture::{Fixture, OP, build, d, session_input, today};

fn standing(f: &Fixture, scope: Scope) -> Vec<Standing> {
    let settings = store::settings::load(f.db.conn()).unwrap();
    svc::standing(f.db.conn(), &f.year, scope, &settings).unwrap()
}

fn of<'a>(rows: &'a [Standing], f: &Fixture, case: &str) -> &'a Standing {
    rows.iter()
        .find(|s| s.staff_id == f.t[case])
        .unwrap_or_else(|| panic!("{case} is in the standing"))
}

#[test]
fn pass_and_fail_at_the_boundaries() {
    let mut f = build();
    f.roll_call();
    for scope in [Scope::Year, Scope::Semester(1)] {
        let rows = standing(&f, scope);
        // Only teachers are on the roll: the lead (no teacher role) is not.
        assert_eq!(rows.len(), 7, "{scope}");
        assert!(rows.iter().all(|s| s.staff_id != f.lead));

        // 39.5 of 40 credits on 24 December: the year is not over, so the
        // minimum reads "on track", not a fail (issue 15, item 7).
        let a = of(&rows, &f, "credits_39_5");
        assert_eq!((a.credits, a.pass), (3950, true), "{scope}");
        assert!(a.reasons.is_empty(), "{scope}: {:?}", a.reasons);
        assert_eq!(a.verdict_text(), "on track", "{scope}");
        let b = of(&rows, &f, "credits_40");
        assert_eq!((b.credits, b.pass), (4000, true), "{scope}");
        assert_eq!((b.present, b.late), (1, 1));

        let two = of(&rows, &f, "unexcused_2");
        assert_eq!((two.unexcused, two.pass), (2, true), "{scope}");
        let three = of(&rows, &f, "unexcused_3");
        assert_eq!((three.unexcused, three.pass), (3, false), "{scope}");
        assert_eq!(three.reasons, vec!["3 unexcused absences (fail from 3)"]);
        assert_eq!(three.credits, 4000, "fails for the absences alone");

        // Official leave: four sessions, no absence counted, and the
        // 39.5 credits missed are not required of them.
        let o = of(&rows, &f, "official");
        assert_eq!(
            (o.official_leave, o.unexcused, o.left_early),
            (4, 0, 1),
            "{scope}"
        );
        assert_eq!((o.credits, o.credits_excused, o.required), (50, 3950, 50));
        assert!(o.pass, "{scope}: {:?}", o.reasons);

        // Personal leave is excused: three of them are not three absences.
        let p = of(&rows, &f, "personal");
        assert_eq!((p.personal_leave, p.unexcused, p.pass), (3, 0, true));

        let e = of(&rows, &f, "external");
        assert_eq!(
            (e.credits_school, e.credits_external, e.credits),
            (0, 4000, 4000),
            "{scope}"
        );
        assert!(e.pass);
    }
    // Once the year is over, the 39.5 credits fail and 40 pass.
    let settings = store::settings::load(f.db.conn()).unwrap();
    let after =
        svc::standing_on(f.db.conn(), &f.year, Scope::Year, &settings, d(2026, 9, 1)).unwrap();
    let a = of(&after, &f, "credits_39_5");
    assert_eq!((a.credits, a.pass), (3950, false));
    assert_eq!(a.reasons, vec!["39.50 credits of 40.00 required"]);
    assert!(of(&after, &f, "credits_40").pass);
}

#[test]
fn sick_leave_counts_as_excused_and_earns_nothing() {
    let mut f = build();
    f.roll_call();
    let rows = standing(&f, Scope::Year);
    let a = of(&rows, &f, "credits_39_5");
    assert_eq!((a.sick_leave, a.unexcused, a.attended), (1, 0, 1));
    // The missing half credit is not excused: only official leave is.
    assert_eq!(a.credits_excused, 0);
}

#[test]
fn external_credits_count_once_in_the_semester_they_end() {
    let mut f = build();
    f.roll_call();
    // A course across the winter break ends in semester 2's range.
    f.external("credits_39_5", d(2025, 12, 22), d(2026, 1, 16), 0.5);
    let s1 = standing(&f, Scope::Semester(1));
    let year = standing(&f, Scope::Year);
    let a1 = of(&s1, &f, "credits_39_5");
    // 39.5 credits by semester 1's end: on track (the year is not over).
    assert_eq!((a1.credits_external, a1.pass), (0, true));
    assert_eq!(a1.credits_progress, "on track");
    // Semester 2 has no sessions, but the course counts there, and the
    // year-to-date verdict now passes.
    let s2 = standing(&f, Scope::Semester(2));
    let a2 = of(&s2, &f, "credits_39_5");
    assert_eq!((a2.credits_school, a2.credits_external), (0, 50));
    assert_eq!((a2.verdict_credits, a2.pass), (4000, true));
    let ay = of(&year, &f, "credits_39_5");
    assert_eq!((ay.credits_external, ay.credits, ay.pass), (50, 4000, true));
    // Every teacher: the year's external credits are the semesters' sum.
    for y in &year {
        let one = s1.iter().find(|s| s.staff_id == y.staff_id).unwrap();
        let two = s2.iter().find(|s| s.staff_id == y.staff_id).unwrap();
        assert_eq!(
            y.credits_external,
            one.credits_external + two.credits_external,
            "{}",
            y.name
        );
    }
    let e = of(&year, &f, "external");
    assert_eq!(e.credits_external, 4000, "40 credits, not 80");
}

#[test]
fn thresholds_come_from_the_settings() {
    let mut f = build();
    f.roll_call();
    let mut settings = store::settings::load(f.db.conn()).unwrap();
    settings.training_fail_unexcused = 2;
    settings.training_min_credits_year = 3950;
    let rows = svc::standing(f.db.conn(), &f.year, Scope::Year, &settings).unwrap();
    assert!(of(&rows, &f, "credits_39_5").pass);
    assert!(!of(&rows, &f, "unexcused_2").pass);
}

#[test]
fn a_published_semester_survives_later_edits_and_shows_the_differences() {
    let mut f = build();
    f.roll_call();
    let year = f.year.clone();
    let (published, ids) =
        f.db.write(|tx| svc::publish(tx, OP, &year, 1, today()))
            .unwrap();
    assert_eq!(ids.len(), 1);
    assert_eq!(published.as_of, d(2025, 12, 24));
    let before = of(&published.standing, &f, "unexcused_2").clone();
    assert!(before.pass);
    // A third unexcused absence after publishing.
    f.set("s_c", "unexcused_2", "absent");
    let stored = svc::latest_publication(f.db.conn(), f.plan1)
        .unwrap()
        .expect("published");
    assert_eq!(
        stored.standing, published.standing,
        "the snapshot is frozen"
    );
    assert_eq!(of(&stored.standing, &f, "unexcused_2"), &before);
    let now = standing(&f, Scope::Semester(1));
    assert!(!of(&now, &f, "unexcused_2").pass);
    let diffs = svc::differences(&stored.standing, &now);
    assert_eq!(diffs.len(), 1, "{diffs:?}");
    assert_eq!(diffs[0].name, "王 芳");
    assert_eq!(diffs[0].changes, vec!["unexcused 2 → 3", "pass → fail"]);
    // Editing a session's credits shows as a difference too.
    let s = svc::session(f.db.conn(), f.s["s_half"]).unwrap();
    let mut input = svc::SessionInput::of(&s);
    input.credits = Some(1.0);
    f.db.write(|tx| svc::update_session(tx, OP, s.id, &input, today()))
        .unwrap();
    let now = standing(&f, Scope::Semester(1));
    let diffs = svc::differences(&stored.standing, &now);
    assert!(
        diffs
            .iter()
            .any(|x| x.changes.contains(&"credits 40.00 → 40.50".to_string())),
        "{diffs:?}"
    );
}

fn fingerprint(f: &Fixture) -> (u64, i64) {
    (
        demo::checksum(f.db.conn()).unwrap(),
        store::audit::count(f.db.conn()).unwrap(),
    )
}

#[test]
fn refused_input_says_why_and_leaves_the_database_unchanged() {
    let mut f = build();
    f.roll_call();
    let before = fingerprint(&f);
    let plan1 = f.plan1;
    let refuse = |what: &str, expect: &str, r: store::Result<Vec<i64>>| {
        let e = r.expect_err(what).to_string();
        assert!(e.contains(expect), "{what}: {e}");
    };
    let mut bad = session_input(d(2025, 12, 3), "Тема", 1.0);
    bad.ends_at = training_fixture::t(15, 0);
    let r =
        f.db.write(|tx| svc::create_session(tx, OP, plan1, &bad).map(|x| x.1));
    refuse("end before start", "end 15:00 is not after start 15:30", r);
    let mut short = session_input(d(2025, 12, 3), "Тема", 1.0);
    short.hours = Some(0.5);
    let r =
        f.db.write(|tx| svc::create_session(tx, OP, plan1, &short).map(|x| x.1));
    refuse("hours", "below the minimum session of 60 minutes", r);
    let outside = session_input(d(2026, 9, 2), "Тема", 1.0);
    let r =
        f.db.write(|tx| svc::create_session(tx, OP, plan1, &outside).map(|x| x.1));
    refuse("date", "outside the school year 2025/26", r);
    let (s_big, t40) = (f.s["s_big"], f.t["credits_40"]);
    let r = f.db.write(|tx| svc::delete_session(tx, OP, s_big));
    refuse("delete", "only a session without attendance", r);
    let r = f.db.write(|tx| {
        svc::set_attendance(
            tx,
            OP,
            s_big,
            t40,
            "late",
            &Paperwork {
                certificate: Some(true),
                ..Paperwork::default()
            },
            today(),
        )
    });
    refuse("certificate", "for sick leave only", r);
    let r = f.db.write(|tx| {
        svc::set_attendance(
            tx,
            OP,
            s_big,
            t40,
            "official_leave",
            &Paperwork {
                made_up_on: Some(d(2025, 9, 30)),
                ..Paperwork::default()
            },
            today(),
        )
    });
    refuse("made up", "before the session", r);
    let r = f.db.write(|tx| {
        svc::set_attendance(tx, OP, s_big, t40, "asleep", &Paperwork::default(), today())
    });
    refuse("status", "status «asleep»: unknown", r);
    // A weekly series that would run past the semester: none is made.
    let s_c = f.s["s_c"];
    let r =
        f.db.write(|tx| svc::copy_weekly(tx, OP, s_c, 8).map(|x| x.1));
    refuse("series", "after semester 1 ends", r);
    // A future session's roll call cannot be taken yet.
    let (future, _) =
        f.db.write(|tx| {
            svc::create_session(tx, OP, plan1, &session_input(d(2025, 12, 25), "Итоги", 1.0))
        })
        .unwrap();
    let after_future = fingerprint(&f);
    let r = f.db.write(|tx| {
        svc::set_attendance(
            tx,
            OP,
            future,
            t40,
            "present",
            &Paperwork::default(),
            today(),
        )
    });
    refuse("future", "after the working date 24.12.2025", r);
    assert_eq!(fingerprint(&f), after_future);
    f.db.write(|tx| svc::delete_session(tx, OP, future))
        .unwrap();
    assert_eq!(fingerprint(&f).0, before.0, "deleting restores the rows");
}

#[test]
fn roll_call_with_paperwork_mark_all_present_and_undo() {
    let mut f = build();
    let (s, t) = (f.s["s_a"], f.t["personal"]);
    let lead = f.lead;
    let ids =
        f.db.write(|tx| {
            svc::set_attendance(
                tx,
                OP,
                s,
                t,
                "personal_leave",
                &Paperwork {
                    approved_by_id: Some(lead),
                    ..Paperwork::default()
                },
                today(),
            )
        })
        .unwrap();
    assert_eq!(ids.len(), 1);
    let a = store::training::attendance(f.db.conn(), s, t)
        .unwrap()
        .unwrap();
    assert_eq!(
        (a.status.as_str(), a.approved_by_id),
        ("personal_leave", Some(lead))
    );
    // Setting the same again writes nothing.
    let again =
        f.db.write(|tx| {
            svc::set_attendance(
                tx,
                OP,
                s,
                t,
                "personal_leave",
                &Paperwork {
                    approved_by_id: Some(lead),
                    ..Paperwork::default()
                },
                today(),
            )
        })
        .unwrap();
    assert!(again.is_empty());
    // Mark all present fills only the missing entries.
    let (n, all) =
        f.db.write(|tx| svc::mark_all_present(tx, OP, s, today()))
            .unwrap();
    assert_eq!(n, 6);
    let entries = store::training::attendance_for_session(f.db.conn(), s).unwrap();
    assert_eq!(entries.len(), 7);
    assert_eq!(
        entries.iter().find(|a| a.staff_id == t).unwrap().status,
        "personal_leave"
    );
    // Undo of the whole "mark all present" as one group.
    f.db.write(|tx| store::audit::undo_group(tx, OP, &all))
        .unwrap();
    assert_eq!(
        store::training::attendance_for_session(f.db.conn(), s)
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn a_weekly_series_copies_time_topic_and_credits() {
    let mut f = build();
    let s = f.s["s_a"];
    let ((made, skipped), ids) = f.db.write(|tx| svc::copy_weekly(tx, OP, s, 3)).unwrap();
    assert_eq!((made.len(), skipped.len(), ids.len()), (3, 0, 3));
    let sessions = store::training::sessions(f.db.conn(), f.plan1).unwrap();
    let copies: Vec<_> = sessions.iter().filter(|x| made.contains(&x.id)).collect();
    let dates: Vec<_> = copies.iter().map(|x| x.date).collect();
    assert_eq!(
        dates,
        vec![d(2025, 11, 12), d(2025, 11, 19), d(2025, 11, 26)]
    );
    assert!(
        copies
            .iter()
            .all(|c| c.topic == "Наставничество" && c.hours == 1.0)
    );
    // Undo removes the whole series.
    f.db.write(|tx| store::audit::undo_group(tx, OP, &ids))
        .unwrap();
    assert_eq!(
        store::training::sessions(f.db.conn(), f.plan1)
            .unwrap()
            .len(),
        5
    );
}

#[test]
fn the_demo_standing_has_failing_teachers_for_both_reasons_kinds() {
    // The small demo (seed 42): the truant teacher fails for absences.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.sqlite");
    let mut db = store::open(
        &path,
        &store::OpenOptions {
            mode: store::OpenMode::Create,
            ..store::OpenOptions::default()
        },
    )
    .unwrap();
    demo::generate(&mut db, &demo::DemoOptions::default()).unwrap();
    let year = store::school::current_year(db.conn(), d(2025, 12, 24))
        .unwrap()
        .unwrap();
    let settings = store::settings::load(db.conn()).unwrap();
    let rows = svc::standing(db.conn(), &year, Scope::Year, &settings).unwrap();
    assert!(rows.iter().any(|s| s.unexcused >= 3 && !s.pass));
    assert!(rows.iter().any(|s| s.unexcused == 2));
    assert!(rows.iter().any(|s| s.pass));
}

#[test]
fn one_certificate_counts_once() {
    let mut f = build();
    f.roll_call();
    // The same certificate again is refused, and nothing is written.
    let e = classbook::domain::training::ExternalTraining {
        id: 0,
        staff_id: f.t["external"],
        starts_on: d(2025, 11, 10),
        ends_on: d(2025, 11, 14),
        provider: "ФГАОУ ДПО «Академия Минпросвещения России»".into(),
        title: "Школа современного учителя".into(),
        hours: 36.0,
        credits: 40.0,
        certificate_no: "пк-0001".into(),
    };
    let before = fingerprint(&f);
    let err =
        f.db.write(|tx| svc::save_external(tx, OP, &e))
            .unwrap_err()
            .to_string();
    assert!(err.contains("already registered"), "{err}");
    assert_eq!(fingerprint(&f), before);
    // A duplicate that got into the database anyway counts once.
    f.db
        .conn()
        .execute(
            "INSERT INTO external_training (staff_id, starts_on, ends_on, provider, title, hours, credits, certificate_no)
             SELECT staff_id, starts_on, ends_on, provider, title, hours, credits, certificate_no
             FROM external_training WHERE staff_id = ?1",
            [f.t["external"]],
        )
        .unwrap();
    let rows = standing(&f, Scope::Year);
    assert_eq!(of(&rows, &f, "external").credits_external, 4000);
}
