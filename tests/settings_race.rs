//! Settings changed from several connections at once, in any order, never
//! store an invalid combination: each change reads, checks and writes in
//! one IMMEDIATE transaction, so it checks against what the others
//! committed.

mod common;

use std::thread;

use classbook::domain::settings::Settings;
use classbook::service::settings::{Changed, set};
use classbook::store::{self, OpenOptions, StoreError};
use proptest::prelude::*;

/// The settings with cross-field rules, and values around their limits.
fn change() -> impl Strategy<Value = (&'static str, String)> {
    prop_oneof![
        (200u32..=500).prop_map(|v| ("grade_threshold_3", format!("{:.2}", v as f64 / 100.0))),
        (200u32..=500).prop_map(|v| ("grade_threshold_4", format!("{:.2}", v as f64 / 100.0))),
        (200u32..=500).prop_map(|v| ("grade_threshold_5", format!("{:.2}", v as f64 / 100.0))),
        (0u32..=20).prop_map(|v| ("min_marks_quarter", v.to_string())),
    ]
}

fn invariant(s: &Settings) {
    assert!(
        s.grade_threshold_3 < s.grade_threshold_4 && s.grade_threshold_4 < s.grade_threshold_5,
        "thresholds do not rise: {} {} {}",
        s.grade_threshold_3,
        s.grade_threshold_4,
        s.grade_threshold_5
    );
    assert!(s.grade_threshold_3 >= 200 && s.grade_threshold_5 <= 500);
    let (lo, hi, _) = Settings::count_range("min_marks_quarter").expect("a range");
    assert!(
        (lo..=hi).contains(&(s.min_marks_quarter as u32)),
        "{}",
        s.min_marks_quarter
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn concurrent_changes_never_store_an_invalid_combination(
        a in prop::collection::vec(change(), 1..12),
        b in prop::collection::vec(change(), 1..12),
    ) {
        let (_dir, db) = common::empty_db();
        let path = db.path().to_path_buf();
        drop(db);
        let writers: Vec<_> = [("Иванова", a), ("Nguyễn Văn An", b)]
            .into_iter()
            .map(|(who, changes)| {
                let path = path.clone();
                thread::spawn(move || {
                    let mut db = store::open(&path, &OpenOptions::default()).expect("opens");
                    for (key, value) in changes {
                        let r: Result<Changed, StoreError> =
                            db.write(|tx| set(tx, who, key, &value));
                        r.expect("a change is saved or refused, never an error");
                        // What this writer sees is always valid.
                        invariant(&store::settings::load(db.conn()).expect("loads"));
                    }
                })
            })
            .collect();
        for w in writers {
            w.join().expect("a writer");
        }
        let db = store::open(&path, &OpenOptions::default()).expect("opens");
        invariant(&store::settings::load(db.conn()).expect("settings load"));
    }
}
