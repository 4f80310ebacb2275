//! The review's findings as sorted text lines, to compare two versions of
//! the review: `tests/review_same.rs` snapshots the small demo's, and
//! `examples/review_bench.rs --list FILE` writes the large demo's.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fmt::Write as _;

use classbook::service::review::{Finding, Review, Target};

/// The student a finding is about, from where it is fixed.
fn student_of(t: &Target) -> Option<i64> {
    match t {
        Target::Journal { student_id, .. } | Target::Attendance { student_id, .. } => *student_id,
        Target::JournalFinal { student_id, .. } | Target::Student { student_id, .. } => {
            Some(*student_id)
        }
        Target::Training { .. } => None,
    }
}

/// One line a finding: rule, key, date, severity, class, teacher and
/// student ids, where it is fixed, what it says, and whether acknowledged.
pub fn line(f: &Finding) -> String {
    format!(
        "{} {} {} {} class={:?} teacher={:?} student={:?} ack={} | {:?} | {}",
        f.rule.id(),
        f.key,
        f.date,
        f.severity.as_str(),
        f.class_id,
        f.teacher_id,
        student_of(&f.target),
        f.ack.is_some(),
        f.target,
        f.detail
    )
}

/// Every finding's line, sorted.
pub fn lines(r: &Review) -> Vec<String> {
    let mut v: Vec<String> = r.findings.iter().map(line).collect();
    v.sort();
    v
}

/// 64-bit FNV-1a over the lines, each ended by a newline.
pub fn fnv(lines: &[String]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for l in lines {
        for b in l.bytes().chain([b'\n']) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// A summary to snapshot: the range, the count per rule, the hash of all
/// the lines, and the first `head` lines of each rule.
pub fn summary(r: &Review, head: usize) -> String {
    let lines = lines(r);
    let mut per_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &r.findings {
        *per_rule.entry(f.rule.id()).or_default() += 1;
    }
    let mut out = String::new();
    let _ = writeln!(out, "range {} – {} (as of {})", r.from, r.to, r.as_of);
    let _ = writeln!(out, "findings {}", lines.len());
    for (rule, n) in &per_rule {
        let _ = writeln!(out, "  {rule}: {n}");
    }
    let _ = writeln!(out, "fnv {:016x}", fnv(&lines));
    let mut shown: BTreeMap<&str, usize> = BTreeMap::new();
    for l in &lines {
        let rule = l.split(' ').next().unwrap_or_default();
        let n = shown.entry(rule).or_default();
        if *n < head {
            let _ = writeln!(out, "{l}");
        }
        *n += 1;
    }
    out
}
