//! The demo school's year 2025/26: quarters, halves, holidays, bells.

use chrono::{Datelike, NaiveDate, Weekday};

use crate::domain::{HolidayKind, PeriodKind};

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("a valid calendar date")
}

pub const YEAR_LABEL: &str = "2025/26";

pub fn year_bounds() -> (NaiveDate, NaiveDate) {
    (d(2025, 9, 1), d(2026, 8, 31))
}

/// (kind, number, label, start, end)
pub fn periods() -> Vec<(PeriodKind, u8, &'static str, NaiveDate, NaiveDate)> {
    vec![
        (
            PeriodKind::Quarter,
            1,
            "1 четверть",
            d(2025, 9, 1),
            d(2025, 10, 24),
        ),
        (
            PeriodKind::Quarter,
            2,
            "2 четверть",
            d(2025, 11, 3),
            d(2025, 12, 28),
        ),
        (
            PeriodKind::Quarter,
            3,
            "3 четверть",
            d(2026, 1, 12),
            d(2026, 3, 20),
        ),
        (
            PeriodKind::Quarter,
            4,
            "4 четверть",
            d(2026, 3, 30),
            d(2026, 5, 26),
        ),
        (
            PeriodKind::Half,
            1,
            "1 полугодие",
            d(2025, 9, 1),
            d(2025, 12, 28),
        ),
        (
            PeriodKind::Half,
            2,
            "2 полугодие",
            d(2026, 1, 12),
            d(2026, 5, 26),
        ),
        (PeriodKind::Year, 1, "Год", d(2025, 9, 1), d(2026, 5, 26)),
    ]
}

pub fn holidays() -> Vec<(HolidayKind, &'static str, NaiveDate, NaiveDate)> {
    use HolidayKind::*;
    vec![
        (Holiday, "Осенние каникулы", d(2025, 10, 25), d(2025, 11, 2)),
        (
            NonSchoolDay,
            "День народного единства",
            d(2025, 11, 4),
            d(2025, 11, 4),
        ),
        (Holiday, "Зимние каникулы", d(2025, 12, 29), d(2026, 1, 11)),
        (
            NonSchoolDay,
            "День защитника Отечества",
            d(2026, 2, 23),
            d(2026, 2, 23),
        ),
        (
            NonSchoolDay,
            "Международный женский день (перенос)",
            d(2026, 3, 9),
            d(2026, 3, 9),
        ),
        (Holiday, "Весенние каникулы", d(2026, 3, 21), d(2026, 3, 29)),
        (
            NonSchoolDay,
            "Праздник Весны и Труда",
            d(2026, 5, 1),
            d(2026, 5, 1),
        ),
        (
            NonSchoolDay,
            "День Победы (перенос)",
            d(2026, 5, 11),
            d(2026, 5, 11),
        ),
        (Holiday, "Летние каникулы", d(2026, 5, 27), d(2026, 8, 31)),
    ]
}

pub const BELLS: &[(u8, &str, &str)] = &[
    (1, "08:30", "09:15"),
    (2, "09:25", "10:10"),
    (3, "10:30", "11:15"),
    (4, "11:35", "12:20"),
    (5, "12:30", "13:15"),
    (6, "13:25", "14:10"),
    (7, "14:20", "15:05"),
];

/// School days (Monday to Friday, outside holidays) from the first day of
/// the year up to and including `until`.
pub fn school_days(until: NaiveDate) -> Vec<NaiveDate> {
    let hols = holidays();
    let (start, _) = year_bounds();
    start
        .iter_days()
        .take_while(|day| *day <= until)
        .filter(|day| !matches!(day.weekday(), Weekday::Sat | Weekday::Sun))
        .filter(|day| !hols.iter().any(|(_, _, a, b)| a <= day && day <= b))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn school_days_skip_weekends_and_holidays() {
        let days = school_days(d(2025, 11, 7));
        assert_eq!(days.first(), Some(&d(2025, 9, 1)));
        assert!(!days.contains(&d(2025, 10, 27)), "autumn holidays");
        assert!(!days.contains(&d(2025, 11, 4)), "national holiday");
        assert!(days.contains(&d(2025, 11, 3)));
        assert!(!days.contains(&d(2025, 9, 6)), "Saturday");
    }
}
