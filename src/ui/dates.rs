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
/// from the school year `from`–`to` (September's months the first year,
/// the rest the second). The message names what was typed.
pub fn parse_in_year(text: &str, from: NaiveDate, to: NaiveDate) -> Result<NaiveDate, String> {
    let t = text.trim().trim_end_matches('.');
    let bad = || format!("«{t}» is not a date: type DD.MM, DD.MM.YYYY or YYYY-MM-DD");
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Ok(d);
    }
    if let Ok(d) = NaiveDate::parse_from_str(t, "%d.%m.%Y") {
        return Ok(d);
    }
    let (d, m) = t.split_once('.').ok_or_else(bad)?;
    let (d, m): (u32, u32) = (
        d.trim().parse().map_err(|_| bad())?,
        m.trim().parse().map_err(|_| bad())?,
    );
    let year = if m >= from.month() {
        from.year()
    } else {
        to.year()
    };
    NaiveDate::from_ymd_opt(year, m, d).ok_or_else(|| format!("«{t}» is not a real date"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_and_month_take_the_school_year() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let (a, b) = (d(2025, 9, 1), d(2026, 5, 31));
        assert_eq!(parse_in_year("24.12", a, b), Ok(d(2025, 12, 24)));
        assert_eq!(parse_in_year("15.01.", a, b), Ok(d(2026, 1, 15)));
        assert_eq!(parse_in_year("01.09.2025", a, b), Ok(d(2025, 9, 1)));
        assert_eq!(parse_in_year("2026-02-03", a, b), Ok(d(2026, 2, 3)));
        assert!(
            parse_in_year("31.02", a, b)
                .unwrap_err()
                .contains("not a real date")
        );
        assert!(
            parse_in_year("завтра", a, b)
                .unwrap_err()
                .contains("«завтра»")
        );
    }
}
