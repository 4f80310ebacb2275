//! Marks, weights and period grades (DOMAIN §2, seed 003 §4.5).
//!
//! A mark cell holds one or more marks. Only `2` `3` `4` `5` count directly;
//! `*` (pending) counts as its intended value once its deadline has passed;
//! `Н` (absent from the assessed work) and `°` (deferred) never count.
//! The weighted mean is rounded to two decimals half-up and compared with the
//! thresholds in settings, all in exact integer hundredths.

use chrono::NaiveDate;
use serde::Serialize;
use thiserror::Error;

use super::settings::Settings;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum MarkSymbol {
    Grade(u8),
    /// `Н`: absent from the assessed work.
    Absent,
    /// `*`: pending; becomes the intended mark when the deadline passes.
    Pending,
    /// `°`: deferred (after long illness); needs a comment.
    Deferred,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MarkError {
    #[error("«{0}» is not a mark: use 2, 3, 4, 5, Н, * or °")]
    BadSymbol(String),
    #[error("a cell holds at most 9 marks")]
    TooMany,
    #[error("«{0}» has no mark in it: to clear the cell, give it empty")]
    NoMark(String),
    #[error("a pending mark (*) needs the intended mark (2–5) and a deadline")]
    PendingIncomplete,
    #[error("a deferred mark (°) needs a comment")]
    DeferredWithoutComment,
    #[error("weight must be 1, 2 or 3, not {0}")]
    BadWeight(u8),
}

impl MarkSymbol {
    /// The symbol as stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            MarkSymbol::Grade(2) => "2",
            MarkSymbol::Grade(3) => "3",
            MarkSymbol::Grade(4) => "4",
            MarkSymbol::Grade(_) => "5",
            MarkSymbol::Absent => "Н",
            MarkSymbol::Pending => "*",
            MarkSymbol::Deferred => "°",
        }
    }

    /// Parse one symbol as typed. `Н`/`н` and the Latin look-alikes `H`/`h`
    /// and `n`/`N` all mean absent.
    pub fn parse(s: &str) -> Result<Self, MarkError> {
        match s.trim() {
            "2" => Ok(MarkSymbol::Grade(2)),
            "3" => Ok(MarkSymbol::Grade(3)),
            "4" => Ok(MarkSymbol::Grade(4)),
            "5" => Ok(MarkSymbol::Grade(5)),
            "Н" | "н" | "H" | "h" | "N" | "n" => Ok(MarkSymbol::Absent),
            "*" => Ok(MarkSymbol::Pending),
            "°" | "o" | "O" => Ok(MarkSymbol::Deferred),
            other => Err(MarkError::BadSymbol(other.to_string())),
        }
    }

    pub fn from_stored(symbol: &str) -> Option<Self> {
        Self::parse(symbol).ok()
    }
}

/// Parse a whole cell as typed: symbols separated by `/`, `,` or spaces
/// ("5/4", "н", "5 4"). An empty string clears the cell.
pub fn parse_cell(input: &str) -> Result<Vec<MarkSymbol>, MarkError> {
    let parts: Vec<&str> = input
        .split(['/', ',', ' '])
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() > 9 {
        return Err(MarkError::TooMany);
    }
    // Separators alone ("/", ", ") are a slip, not a request to clear.
    if parts.is_empty() && !input.trim().is_empty() {
        return Err(MarkError::NoMark(input.trim().to_string()));
    }
    parts.into_iter().map(MarkSymbol::parse).collect()
}

/// A mark as the grading rules see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mark {
    pub symbol: MarkSymbol,
    /// The intended value of a pending mark (and the value of a grade).
    pub value: Option<u8>,
    pub weight: u8,
    pub due_on: Option<NaiveDate>,
    pub comment: Option<String>,
}

impl Mark {
    pub fn grade(value: u8, weight: u8) -> Self {
        Mark {
            symbol: MarkSymbol::Grade(value),
            value: Some(value),
            weight,
            due_on: None,
            comment: None,
        }
    }

    /// Check the invariants the database also enforces.
    pub fn validate(&self) -> Result<(), MarkError> {
        if !(1..=3).contains(&self.weight) {
            return Err(MarkError::BadWeight(self.weight));
        }
        match self.symbol {
            MarkSymbol::Pending if !matches!(self.value, Some(2..=5)) || self.due_on.is_none() => {
                Err(MarkError::PendingIncomplete)
            }
            MarkSymbol::Deferred if self.comment.as_deref().is_none_or(|c| c.trim().is_empty()) => {
                Err(MarkError::DeferredWithoutComment)
            }
            _ => Ok(()),
        }
    }

    /// The value this mark contributes on `today`, if any.
    pub fn counted_value(&self, today: NaiveDate) -> Option<u8> {
        match self.symbol {
            MarkSymbol::Grade(v) => Some(v),
            MarkSymbol::Pending => match (self.value, self.due_on) {
                (Some(v), Some(due)) if today > due => Some(v),
                _ => None,
            },
            MarkSymbol::Absent | MarkSymbol::Deferred => None,
        }
    }

    /// How the cell shows this mark: a pending mark shows `*` and its value.
    pub fn display(&self) -> String {
        match (self.symbol, self.value) {
            (MarkSymbol::Pending, Some(v)) => format!("*{v}"),
            (s, _) => s.as_str().to_string(),
        }
    }
}

/// Weighted mean in exact hundredths, rounded half-up: 4.655 → 466.
/// `None` when nothing counts.
pub fn weighted_mean_hundredths(marks: &[Mark], today: NaiveDate) -> Option<u32> {
    let (sum, weights) = marks
        .iter()
        .filter_map(|m| {
            m.counted_value(today)
                .map(|v| (v as u64 * m.weight as u64, m.weight as u64))
        })
        .fold((0u64, 0u64), |(s, w), (mv, mw)| (s + mv, w + mw));
    if weights == 0 {
        return None;
    }
    // round(100 * sum / weights) half-up = floor((200 * sum + weights) / (2 * weights))
    Some(((200 * sum + weights) / (2 * weights)) as u32)
}

/// Number of marks that count on `today`.
pub fn counted_marks(marks: &[Mark], today: NaiveDate) -> usize {
    marks
        .iter()
        .filter(|m| m.counted_value(today).is_some())
        .count()
}

/// The grade the thresholds give for a mean in hundredths.
pub fn grade_for_mean(mean_hundredths: u32, s: &Settings) -> u8 {
    if mean_hundredths >= s.grade_threshold_5 {
        5
    } else if mean_hundredths >= s.grade_threshold_4 {
        4
    } else if mean_hundredths >= s.grade_threshold_3 {
        3
    } else {
        2
    }
}

/// What the journal suggests for a student's period grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Suggestion {
    Grade {
        grade: u8,
        mean_hundredths: u32,
        marks: usize,
    },
    /// Fewer counted marks than the period requires.
    NotAttestable { marks: usize, required: usize },
}

/// Suggest a period grade from the marks, needing `required` counted marks.
pub fn suggest(marks: &[Mark], required: usize, today: NaiveDate, s: &Settings) -> Suggestion {
    let n = counted_marks(marks, today);
    match weighted_mean_hundredths(marks, today) {
        Some(mean) if n >= required => Suggestion::Grade {
            grade: grade_for_mean(mean, s),
            mean_hundredths: mean,
            marks: n,
        },
        _ => Suggestion::NotAttestable { marks: n, required },
    }
}

/// "4.67" from 467.
pub fn format_hundredths(h: u32) -> String {
    format!("{}.{:02}", h / 100, h % 100)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 12, 1).unwrap()
    }

    #[test]
    fn parse_accepts_exactly_the_journal_symbols() {
        assert_eq!(
            parse_cell("5/4").unwrap(),
            vec![MarkSymbol::Grade(5), MarkSymbol::Grade(4)]
        );
        for a in ["Н", "н", "H", "n"] {
            assert_eq!(MarkSymbol::parse(a).unwrap(), MarkSymbol::Absent, "{a}");
        }
        assert_eq!(MarkSymbol::parse("*").unwrap(), MarkSymbol::Pending);
        assert_eq!(MarkSymbol::parse("°").unwrap(), MarkSymbol::Deferred);
        assert_eq!(parse_cell("").unwrap(), vec![]);
        assert_eq!(parse_cell("  ").unwrap(), vec![]);
        assert_eq!(parse_cell("/").unwrap_err(), MarkError::NoMark("/".into()));
        assert!(parse_cell(" , / ").is_err());
        assert_eq!(parse_cell("5//4").unwrap().len(), 2);
        for bad in ["7", "1", "0", "6", "5+", "x", "Б"] {
            assert!(MarkSymbol::parse(bad).is_err(), "{bad} must be refused");
        }
        assert!(parse_cell("").unwrap().is_empty());
        assert!(parse_cell("5/5/5/5/5/5/5/5/5/5").is_err());
        assert_eq!(
            MarkSymbol::parse("7").unwrap_err().to_string(),
            "«7» is not a mark: use 2, 3, 4, 5, Н, * or °"
        );
    }

    #[test]
    fn weights_one_two_three() {
        // 5 (w1) + 3 (w2) + 4 (w3) = (5 + 6 + 12) / 6 = 3.8333 → 3.83
        let m = [Mark::grade(5, 1), Mark::grade(3, 2), Mark::grade(4, 3)];
        assert_eq!(weighted_mean_hundredths(&m, today()), Some(383));
    }

    /// Build marks whose weighted mean is exactly `num / den`.
    fn marks_with_mean(num: u64, den: u64) -> Vec<Mark> {
        // den marks of weight 1 whose values sum to num (values 2..=5).
        let mut remaining = num;
        let mut out = vec![];
        for i in 0..den {
            let left = den - i - 1;
            let v = (remaining - 2 * left).min(5);
            out.push(Mark::grade(v as u8, 1));
            remaining -= v;
        }
        assert_eq!(remaining, 0);
        out
    }

    #[test]
    fn every_threshold_boundary_under_half_up_rounding() {
        let s = Settings::default();
        let cases = [
            (519, 200, 260, 3), // 2.595 rounds up to 2.60 → 3
            (52, 20, 260, 3),   // 2.60 → 3
            (517, 200, 259, 2), // 2.585 → 2.59 → 2
            (729, 200, 365, 4), // 3.645 → 3.65 → 4
            (73, 20, 365, 4),   // 3.65 → 4
            (727, 200, 364, 3), // 3.635 → 3.64 → 3
            (931, 200, 466, 5), // 4.655 → 4.66 → 5
            (233, 50, 466, 5),  // 4.66 → 5
            (929, 200, 465, 4), // 4.645 → 4.65 → 4
        ];
        for (num, den, hundredths, grade) in cases {
            let m = marks_with_mean(num, den);
            let mean = weighted_mean_hundredths(&m, today()).unwrap();
            assert_eq!(mean, hundredths, "{num}/{den}");
            assert_eq!(grade_for_mean(mean, &s), grade, "{num}/{den}");
        }
    }

    #[test]
    fn pending_counts_after_its_deadline_only() {
        let due = NaiveDate::from_ymd_opt(2025, 11, 20).unwrap();
        let p = Mark {
            symbol: MarkSymbol::Pending,
            value: Some(2),
            weight: 1,
            due_on: Some(due),
            comment: None,
        };
        assert_eq!(p.counted_value(due), None);
        assert_eq!(p.counted_value(due.succ_opt().unwrap()), Some(2));
        assert_eq!(p.display(), "*2");
        let d = Mark {
            symbol: MarkSymbol::Deferred,
            value: None,
            weight: 1,
            due_on: None,
            comment: None,
        };
        assert_eq!(d.validate(), Err(MarkError::DeferredWithoutComment));
        assert_eq!(d.counted_value(today()), None);
        let absent = Mark {
            symbol: MarkSymbol::Absent,
            value: None,
            weight: 2,
            due_on: None,
            comment: None,
        };
        assert_eq!(
            weighted_mean_hundredths(&[absent, Mark::grade(4, 1)], today()),
            Some(400)
        );
    }

    #[test]
    fn not_attestable_below_the_required_count() {
        let s = Settings::default();
        let m = [Mark::grade(5, 1), Mark::grade(5, 1)];
        assert_eq!(
            suggest(&m, 3, today(), &s),
            Suggestion::NotAttestable {
                marks: 2,
                required: 3
            }
        );
        let m = [Mark::grade(5, 1), Mark::grade(5, 1), Mark::grade(4, 1)];
        assert_eq!(
            suggest(&m, 3, today(), &s),
            Suggestion::Grade {
                grade: 5,
                mean_hundredths: 467,
                marks: 3
            }
        );
        assert_eq!(format_hundredths(467), "4.67");
        assert_eq!(format_hundredths(260), "2.60");
    }

    #[test]
    fn multi_mark_cells_count_each_mark_with_its_weight() {
        // One cell "5/4" (oral answers, weight 1) and one "3" (control work, weight 2):
        // (5 + 4 + 2·3) / 4 = 3.75 → 4.
        let cell = parse_cell("5/4").unwrap();
        assert_eq!(cell.len(), 2);
        let mut m: Vec<Mark> = cell
            .into_iter()
            .map(|s| match s {
                MarkSymbol::Grade(v) => Mark::grade(v, 1),
                _ => unreachable!(),
            })
            .collect();
        m.push(Mark::grade(3, 2));
        assert_eq!(weighted_mean_hundredths(&m, today()), Some(375));
        assert_eq!(counted_marks(&m, today()), 3);
        assert_eq!(
            suggest(&m, 3, today(), &Settings::default()),
            Suggestion::Grade {
                grade: 4,
                mean_hundredths: 375,
                marks: 3
            }
        );
        // Separators: "/", "," and spaces; Latin look-alikes for Н.
        assert_eq!(parse_cell("5, 4 н").unwrap().len(), 3);
        assert_eq!(parse_cell("H/n").unwrap(), vec![MarkSymbol::Absent; 2]);
    }

    #[test]
    fn pending_and_absent_do_not_make_a_student_attestable() {
        let s = Settings::default();
        let due = NaiveDate::from_ymd_opt(2025, 12, 10).unwrap();
        let pending = Mark {
            symbol: MarkSymbol::Pending,
            value: Some(5),
            weight: 1,
            due_on: Some(due),
            comment: None,
        };
        let absent = Mark {
            symbol: MarkSymbol::Absent,
            value: None,
            weight: 1,
            due_on: None,
            comment: None,
        };
        let m = [Mark::grade(4, 1), Mark::grade(4, 1), pending, absent];
        // Before the deadline: two marks count, the quarter needs three.
        assert_eq!(
            suggest(&m, 3, due, &s),
            Suggestion::NotAttestable {
                marks: 2,
                required: 3
            }
        );
        // After it the pending 5 counts: (4 + 4 + 5) / 3 = 4.33 → 4.
        let after = due.succ_opt().unwrap();
        assert_eq!(
            suggest(&m, 3, after, &s),
            Suggestion::Grade {
                grade: 4,
                mean_hundredths: 433,
                marks: 3
            }
        );
        // A half-year needs five.
        assert!(matches!(
            suggest(&m, s.min_marks_half, after, &s),
            Suggestion::NotAttestable {
                marks: 3,
                required: 5
            }
        ));
    }

    proptest! {
        #[test]
        fn adding_a_five_never_lowers_the_suggestion(
            marks in prop::collection::vec((2u8..=5, 1u8..=3), 0..30),
            weight in 1u8..=3,
        ) {
            let s = Settings::default();
            let mut m: Vec<Mark> = marks.iter().map(|&(v, w)| Mark::grade(v, w)).collect();
            let before = weighted_mean_hundredths(&m, today()).map(|h| grade_for_mean(h, &s));
            m.push(Mark::grade(5, weight));
            let after = grade_for_mean(weighted_mean_hundredths(&m, today()).unwrap(), &s);
            prop_assert!(before.is_none_or(|b| after >= b));
        }
    }
}
