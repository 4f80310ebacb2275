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

/// A date typed as DD.MM, DD.MM.YYYY or YYYY-MM-DD; DD.MM takes its year
/// from the school year starting `from` (the CLI's reading,
/// [`crate::domain::text::parse_school_date`]). The message names what was
/// typed.
pub fn parse_in_year(text: &str, from: NaiveDate) -> Result<NaiveDate, String> {
    use crate::domain::text::{BadDate, parse_school_date};
    let t = text.trim().trim_end_matches('.');
    parse_school_date(text, from).map_err(|e| match e {
        BadDate::Form => format!("«{t}» is not a date: type DD.MM, DD.MM.YYYY or YYYY-MM-DD"),
        BadDate::NoSuchDay => format!("«{t}» is not a real date"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_and_month_take_the_school_year() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let a = d(2025, 9, 1);
        assert_eq!(parse_in_year("24.12", a), Ok(d(2025, 12, 24)));
        assert_eq!(parse_in_year("15.01.", a), Ok(d(2026, 1, 15)));
        assert_eq!(parse_in_year("01.09.2025", a), Ok(d(2025, 9, 1)));
        assert_eq!(parse_in_year("2026-02-03", a), Ok(d(2026, 2, 3)));
        assert!(
            parse_in_year("31.02", a)
                .unwrap_err()
                .contains("not a real date")
        );
        assert!(parse_in_year("завтра", a).unwrap_err().contains("«завтра»"));
    }
}
