//! Text rules shared by every layer: names are stored in Unicode NFC so that
//! a Vietnamese name typed with combining marks and one pasted precomposed
//! are the same name.

use unicode_normalization::UnicodeNormalization;

/// A date as the school's documents write it: "22.12.2025".
pub fn date_full(d: chrono::NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// Why a typed date was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadDate {
    /// Not YYYY-MM-DD, DD.MM.YYYY or DD.MM.
    Form,
    /// The right form, but no such day (31.02).
    NoSuchDay,
}

/// A date typed as YYYY-MM-DD, DD.MM.YYYY, or DD.MM (a trailing dot
/// allowed) in the school year that starts on `year_start`: the days from
/// its start on are in its first calendar year, the others in the next.
/// The one reading of typed dates for the CLI and the TUI.
pub fn parse_school_date(
    s: &str,
    year_start: chrono::NaiveDate,
) -> Result<chrono::NaiveDate, BadDate> {
    use chrono::{Datelike, NaiveDate};
    let t = s.trim();
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Ok(d);
    }
    if let Ok(d) = NaiveDate::parse_from_str(t, "%d.%m.%Y") {
        return Ok(d);
    }
    let (d, m) = match t.split('.').collect::<Vec<_>>().as_slice() {
        [d, m] | [d, m, ""] => (*d, *m),
        _ => return Err(BadDate::Form),
    };
    let num = |x: &str| {
        (!x.is_empty() && x.len() <= 2 && x.chars().all(|c| c.is_ascii_digit()))
            .then(|| x.parse::<u32>().ok())
            .flatten()
    };
    let (Some(d), Some(m)) = (num(d), num(m)) else {
        return Err(BadDate::Form);
    };
    let y = if (m, d) >= (year_start.month(), year_start.day()) {
        year_start.year()
    } else {
        year_start.year() + 1
    };
    NaiveDate::from_ymd_opt(y, m, d).ok_or(BadDate::NoSuchDay)
}

/// "1 class", "3 classes": a count with the word that goes with it.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A date without the year: "22.12".
pub fn date_short(d: chrono::NaiveDate) -> String {
    d.format("%d.%m").to_string()
}

/// Trim and normalise to NFC, the form everything is stored in. Control
/// characters other than a line break or a tab (ESC and the rest of C0, DEL,
/// C1) are dropped: stored text never carries a terminal escape sequence
/// back out to a screen or a CSV.
pub fn nfc(s: &str) -> String {
    s.trim()
        .nfc()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect()
}

/// A person's display name: "Family Given Patronymic" (patronymic optional).
pub fn full_name(family: &str, given: &str, patronymic: Option<&str>) -> String {
    let mut out = String::with_capacity(family.len() + given.len() + 2);
    out.push_str(family);
    if !given.is_empty() {
        out.push(' ');
        out.push_str(given);
    }
    if let Some(p) = patronymic.filter(|p| !p.is_empty()) {
        out.push(' ');
        out.push_str(p);
    }
    out
}

/// "Family G. P." — the short form used in narrow columns.
pub fn short_name(family: &str, given: &str, patronymic: Option<&str>) -> String {
    let mut out = family.to_string();
    for part in [Some(given), patronymic].into_iter().flatten() {
        if let Some(c) = part.chars().next() {
            out.push(' ');
            out.push(c);
            out.push('.');
        }
    }
    out
}

/// `s` padded with spaces to `width` terminal columns (a Chinese character
/// takes two), for aligned plain-text output.
pub fn pad(s: &str, width: usize) -> String {
    let w = unicode_width::UnicodeWidthStr::width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nfc_drops_escape_sequences_but_keeps_lines() {
        assert_eq!(nfc("Иван\u{1b}[31mов"), "Иван[31mов");
        assert_eq!(nfc("\u{1b}]0;pwned\u{7}Lê"), "]0;pwnedLê");
        assert_eq!(nfc("Тема\nурока\tи\u{9b}2J"), "Тема\nурока\tи2J");
        assert_eq!(nfc(" 王小明\u{7f} "), "王小明");
    }

    #[test]
    fn nfc_composes_vietnamese_combining_marks() {
        // "Nguyễn" written with a combining circumflex and tilde.
        let decomposed = "Nguye\u{0302}\u{0303}n";
        assert_eq!(nfc(decomposed), "Nguyễn");
        assert_eq!(nfc("  Иванов "), "Иванов");
    }

    #[test]
    fn names_in_three_scripts() {
        assert_eq!(
            full_name("Иванов", "Пётр", Some("Сергеевич")),
            "Иванов Пётр Сергеевич"
        );
        assert_eq!(full_name("王", "小明", None), "王 小明");
        assert_eq!(short_name("Trần", "Thị Mai", None), "Trần T.");
        assert_eq!(
            short_name("Иванов", "Пётр", Some("Сергеевич")),
            "Иванов П. С."
        );
    }
}
