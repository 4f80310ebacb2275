//! The review finds the same things however it is computed: the whole
//! year's findings on the small demo (seed 42), and those of a month
//! inside it, and the year judged in May, as sorted lines (rule, key, date, severity, class, teacher
//! and student ids, target, detail), snapshotted as a count per rule, a
//! hash of every line, and the first lines of each rule.

mod common;
#[path = "common/review_listing.rs"]
mod review_listing;

use chrono::Days;
use classbook::domain::review::{Rule, Severity};
use classbook::service::review::{self, ReviewQuery};
use classbook::store;

#[test]
fn the_whole_years_review_of_the_small_demo_is_unchanged() {
    let (_dir, db) = common::demo_db();
    let as_of = store::school::working_date(db.conn(), common::today()).expect("working date");
    let q = ReviewQuery {
        from: None,
        to: None,
        now: as_of.and_hms_opt(23, 59, 59).expect("a time"),
    };
    let r = review::run(db.conn(), &q).expect("the review runs");
    assert!(
        r.findings.len() > 1000,
        "the demo has many findings: {}",
        r.findings.len()
    );
    insta::assert_snapshot!("small_demo_year", review_listing::summary(&r, 10));

    // A month inside the year: the ranges' edges.
    let month = ReviewQuery {
        from: Some(as_of - Days::new(45)),
        to: Some(as_of - Days::new(15)),
        ..q
    };
    let m = review::run(db.conn(), &month).expect("the review runs");
    assert!(!m.findings.is_empty());
    assert!(
        m.findings
            .iter()
            .all(|f| m.from <= f.date && f.date <= m.to)
    );
    insta::assert_snapshot!("small_demo_month", review_listing::summary(&m, 10));

    // Judged late in the year (the demo's records end in December): the
    // period grades' rules, due dates passed, long-unrecorded timetables.
    let late = ReviewQuery {
        from: None,
        to: None,
        now: chrono::NaiveDate::from_ymd_opt(2026, 5, 26)
            .and_then(|d| d.and_hms_opt(23, 59, 59))
            .expect("a time"),
    };
    let l = review::run(db.conn(), &late).expect("the review runs");
    assert!(l.findings.len() > r.findings.len());
    insta::assert_snapshot!("small_demo_late_may", review_listing::summary(&l, 10));
}

#[test]
fn the_counts_shown_are_those_of_the_findings() {
    let (_dir, mut db) = common::demo_db();
    let as_of = store::school::working_date(db.conn(), common::today()).expect("working date");
    let q = ReviewQuery {
        from: None,
        to: None,
        now: as_of.and_hms_opt(23, 59, 59).expect("a time"),
    };
    let before = review::run(db.conn(), &q).expect("the review runs");
    assert_eq!(before.acknowledged(), 0);
    // Acknowledge the first finding of each severity there is.
    let picks: Vec<(Rule, String)> = Severity::ALL
        .iter()
        .filter_map(|s| before.findings.iter().find(|f| f.severity == *s))
        .map(|f| (f.rule, f.key.clone()))
        .collect();
    assert!(
        picks.len() >= 2,
        "the demo has findings of several severities"
    );
    for (rule, key) in &picks {
        db.write(|tx| review::acknowledge(tx, "Nguyễn Văn An", *rule, key, "đã kiểm tra"))
            .expect("acknowledged");
    }
    let r = review::run(db.conn(), &q).expect("the review runs");
    for s in Severity::ALL {
        let open = r
            .findings
            .iter()
            .filter(|f| f.ack.is_none() && f.severity == s)
            .count();
        assert_eq!(r.open_count(s), open, "{s:?}");
        assert_eq!(
            r.open_count(s),
            before.open_count(s) - usize::from(before.findings.iter().any(|f| f.severity == s)),
            "{s:?}: one of each severity acknowledged"
        );
    }
    assert_eq!(r.acknowledged(), picks.len());
    assert_eq!(
        r.acknowledged(),
        r.findings.iter().filter(|f| f.ack.is_some()).count()
    );
}
