//! Dates as the panes show them (day.month, as the school documents do).

use chrono::{Datelike, NaiveDate};

/// "22.12".
pub fn short(d: NaiveDate) -> String {
    crate::domain::text::date_short(d)
}

/// "22.12.2025".
pub fn full(d: NaiveDate) -> String {
    crate::domain::text::date_full(d)
}

/// "Mo".
pub fn weekday(d: NaiveDate) -> &'static str {
    ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"][d.weekday().num_days_from_monday() as usize]
}

/// "Mo 22.12.2025".
pub fn long(d: NaiveDate) -> String {
    format!("{} {}", weekday(d), full(d))
}
