//! What the command line gives, read the same way by every command: dates
//! (YYYY-MM-DD, DD.MM.YYYY, DD.MM), refusals and the exit code of an error.

use chrono::{Datelike, NaiveDate};

use super::exit;
use crate::service::import::apply::ImportError;
use crate::service::journal::CellError;
use crate::store::{OpenError, StoreError};

/// A refusal of what the command line asked for: an unknown name, a bad
/// date, a value the rules refuse (exit 2).
#[derive(Debug)]
pub struct Refused(pub String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

/// Refuse with one line (exit 2).
/// Print a line to standard error with every control character but the
/// line break shown as U+FFFD: a message may quote what was typed or read
/// from a file, and no escape sequence of it reaches the terminal.
pub fn say(text: &str) {
    let clean: String = text
        .chars()
        .map(|c| {
            if c.is_control() && c != '\n' {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect();
    eprintln!("{clean}");
}

/// Write `text` to standard output with every control character but line
/// breaks and tabs shown as U+FFFD (the `outln!`/`out!` macros).
pub fn out(text: &str) {
    use std::io::Write;
    // A whole string: no C2 byte is left pending at its end.
    let clean = clean_bytes(&mut false, text.as_bytes());
    // A reader that went away (`| head`) is not an error of ours.
    let _ = std::io::stdout().lock().write_all(&clean);
}

/// Standard output as a writer (for the CSV and review writers), showing
/// control characters as `out` does: C0 controls but line breaks and tabs,
/// DEL, and the C1 controls (UTF-8 `C2 80`–`C2 9F`) become U+FFFD.
pub struct CleanStdout {
    out: std::io::StdoutLock<'static>,
    /// A `C2` byte ended the last chunk: whether a C1 control follows.
    pending_c2: bool,
}

impl CleanStdout {
    pub fn new() -> Self {
        CleanStdout {
            out: std::io::stdout().lock(),
            pending_c2: false,
        }
    }
}

impl Default for CleanStdout {
    fn default() -> Self {
        CleanStdout::new()
    }
}

/// Clean one chunk of bytes (see [`CleanStdout`]); `pending_c2` carries a
/// `C2` byte that ended the previous chunk.
fn clean_bytes(pending_c2: &mut bool, buf: &[u8]) -> Vec<u8> {
    const BAD: &[u8] = "\u{fffd}".as_bytes();
    let mut clean = Vec::with_capacity(buf.len());
    for &b in buf {
        if std::mem::take(pending_c2) {
            if (0x80..=0x9f).contains(&b) {
                clean.extend_from_slice(BAD);
                continue;
            }
            clean.push(0xc2);
        }
        match b {
            0xc2 => *pending_c2 = true,
            b'\n' | b'\t' | b'\r' => clean.push(b),
            0x00..=0x1f | 0x7f => clean.extend_from_slice(BAD),
            _ => clean.push(b),
        }
    }
    clean
}

impl std::io::Write for CleanStdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let clean = clean_bytes(&mut self.pending_c2, buf);
        self.out.write_all(&clean)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if std::mem::take(&mut self.pending_c2) {
            self.out.write_all(&[0xc2])?;
        }
        self.out.flush()
    }
}

impl Drop for CleanStdout {
    fn drop(&mut self) {
        let _ = std::io::Write::flush(self);
    }
}

pub fn refuse<T>(msg: impl Into<String>) -> anyhow::Result<T> {
    Err(Refused(msg.into()).into())
}

/// The first day of the school year `d` falls in (1 September).
pub fn school_year_start_of(d: NaiveDate) -> NaiveDate {
    let y = if d.month() >= 9 {
        d.year()
    } else {
        d.year() - 1
    };
    NaiveDate::from_ymd_opt(y, 9, 1).expect("1 September exists")
}

/// A date given as `arg`: YYYY-MM-DD, DD.MM.YYYY, or DD.MM in the school
/// year that starts on `year_start` (the months from its start month on
/// are in its first calendar year, the others in the next). Anything else
/// is refused naming the argument and the accepted forms.
pub fn parse_date(arg: &str, s: &str, year_start: NaiveDate) -> Result<NaiveDate, Refused> {
    crate::domain::text::parse_school_date(s, year_start).map_err(|_| {
        Refused(format!(
            "{arg} \"{s}\": not a date (use YYYY-MM-DD, DD.MM.YYYY or DD.MM)"
        ))
    })
}

/// A clap value parser for date options read before the database is open:
/// DD.MM is in the school year of today.
pub fn date_value(s: &str) -> Result<NaiveDate, String> {
    let start = school_year_start_of(chrono::Local::now().date_naive());
    parse_date("date", s, start)
        .map_err(|_| "not a date (use YYYY-MM-DD, DD.MM.YYYY or DD.MM)".into())
}

/// The exit code of an error, one table for every command (README, "Exit
/// codes"): the database cannot be opened 3; a database or file failure 4;
/// a value that is not the one the command expected to replace 5;
/// anything else is a refusal of what was asked (an unknown name, a bad
/// date or value, what the rules refuse) 2.
pub fn exit_code(e: &anyhow::Error) -> u8 {
    if e.downcast_ref::<OpenError>().is_some() {
        return exit::DATABASE;
    }
    for cause in e.chain() {
        if cause.is::<super::AsRefused>() {
            return exit::AS_REFUSED;
        }
        if cause.is::<Refused>() {
            return exit::USAGE;
        }
        // Errors that carry the store's transparently (their source is
        // the store error's own, so it is not in the chain by itself).
        let wrapped = match cause.downcast_ref::<CellError>() {
            Some(CellError::Store(s)) => Some(s),
            _ => match cause.downcast_ref::<ImportError>() {
                Some(ImportError::Store(s)) => Some(s),
                _ => None,
            },
        };
        if let Some(s) = wrapped.or_else(|| cause.downcast_ref::<StoreError>()) {
            return match s {
                StoreError::Invalid(_) | StoreError::NotFound(_) => exit::USAGE,
                StoreError::NotPermitted(_) => exit::NOT_ALLOWED,
                StoreError::Locked
                | StoreError::LockedBy(_)
                | StoreError::Damaged(_)
                | StoreError::Sqlite(_) => exit::ERROR,
                StoreError::Changed(_) => exit::CHANGED,
                StoreError::Closed(_) => exit::CLOSED,
                StoreError::ReadOnly(_) => exit::NOT_ALLOWED,
            };
        }
        if cause.is::<rusqlite::Error>()
            || cause.is::<std::io::Error>()
            || cause.is::<serde_json::Error>()
            || cause.is::<csv::Error>()
        {
            return exit::ERROR;
        }
    }
    // The rest are the commands' own one-line messages about what was asked
    // (bail!/context on a lookup): refusals.
    exit::USAGE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_bytes_are_shown_as_replacement_characters() {
        let mut pending = false;
        let text = "Зло\u{1b}]0;x\u{7}\t\u{9b}31m\u{7f} Lê\n";
        let out = clean_bytes(&mut pending, text.as_bytes());
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "Зло\u{fffd}]0;x\u{fffd}\t\u{fffd}31m\u{fffd} Lê\n"
        );
        // A C1 control split between two chunks, and a plain "Â" (C2 82
        // is a control, C2 A0 is not) across chunks.
        let c1 = "\u{9b}".as_bytes();
        let mut a = clean_bytes(&mut pending, &c1[..1]);
        a.extend(clean_bytes(&mut pending, &c1[1..]));
        assert_eq!(String::from_utf8(a).unwrap(), "\u{fffd}");
        let nbsp = "\u{a0}".as_bytes();
        let mut b = clean_bytes(&mut pending, &nbsp[..1]);
        b.extend(clean_bytes(&mut pending, &nbsp[1..]));
        assert_eq!(String::from_utf8(b).unwrap(), "\u{a0}");
        assert!(!pending);
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_three_forms() {
        let start = d(2025, 9, 1);
        assert_eq!(
            parse_date("--date", "2025-12-22", start).unwrap(),
            d(2025, 12, 22)
        );
        assert_eq!(
            parse_date("--date", "22.12.2025", start).unwrap(),
            d(2025, 12, 22)
        );
        assert_eq!(
            parse_date("--date", "22.12", start).unwrap(),
            d(2025, 12, 22)
        );
        // DD.MM: the months before September are in the next calendar year.
        assert_eq!(
            parse_date("--date", "15.01", start).unwrap(),
            d(2026, 1, 15)
        );
        assert_eq!(
            parse_date("--date", "31.08", start).unwrap(),
            d(2026, 8, 31)
        );
        assert_eq!(parse_date("--date", "01.09", start).unwrap(), d(2025, 9, 1));
        assert_eq!(parse_date("--date", "1.9", start).unwrap(), d(2025, 9, 1));
        // A trailing dot, as "22.12." is often typed.
        assert_eq!(
            parse_date("--date", "22.12.", start).unwrap(),
            d(2025, 12, 22)
        );
    }

    #[test]
    fn bad_dates_name_the_argument_and_the_forms() {
        let start = d(2025, 9, 1);
        for bad in [
            "31.02",
            "29.02",
            "2025-13-01",
            "",
            "q2",
            "22..12",
            "1.2.3.4",
            "123.1",
        ] {
            let e = parse_date("--date", bad, start).unwrap_err().0;
            assert_eq!(
                e,
                format!("--date \"{bad}\": not a date (use YYYY-MM-DD, DD.MM.YYYY or DD.MM)"),
                "{bad}"
            );
        }
        // 29.02 in a school year whose spring is a leap year.
        assert_eq!(
            parse_date("--date", "29.02", d(2027, 9, 1)).unwrap(),
            d(2028, 2, 29)
        );
    }

    #[test]
    fn school_year_of_a_day() {
        assert_eq!(school_year_start_of(d(2026, 8, 31)), d(2025, 9, 1));
        assert_eq!(school_year_start_of(d(2026, 9, 1)), d(2026, 9, 1));
    }

    #[test]
    fn exit_codes() {
        let refused: anyhow::Error = Refused("x".into()).into();
        assert_eq!(exit_code(&refused), exit::USAGE);
        assert_eq!(exit_code(&anyhow::anyhow!("no class «9Я»")), exit::USAGE);
        let inv: anyhow::Error = StoreError::Invalid("mark 7".into()).into();
        assert_eq!(exit_code(&inv), exit::USAGE);
        let no = || StoreError::NotPermitted("Иванова may not".into());
        assert_eq!(exit_code(&no().into()), exit::NOT_ALLOWED);
        let cell: anyhow::Error = CellError::Store(no()).into();
        assert_eq!(exit_code(&cell), exit::NOT_ALLOWED);
        let cell: anyhow::Error = CellError::Refused("Н".into()).into();
        assert_eq!(exit_code(&cell), exit::USAGE);
        let import: anyhow::Error = ImportError::Store(no()).into();
        assert_eq!(exit_code(&import), exit::NOT_ALLOWED);
        let as_: anyhow::Error = super::super::AsRefused("Trần may not".into()).into();
        assert_eq!(exit_code(&as_), exit::AS_REFUSED);
        let io: anyhow::Error = std::io::Error::other("disk").into();
        assert_eq!(exit_code(&io.context("writing")), exit::ERROR);
        let sql: anyhow::Error = StoreError::Sqlite(rusqlite::Error::InvalidQuery).into();
        assert_eq!(exit_code(&sql), exit::ERROR);
    }
}

/// `--expect VALUE` / `--overwrite`: what a command that replaces a value
/// expects to find there.
#[derive(Debug, Clone, clap::Args)]
pub struct ReplaceArgs {
    /// Replace the value only if it is now exactly this (as `show` prints
    /// it; "" for empty; also `--if-unchanged`). Without it a value someone
    /// else saved is never replaced (exit 7), unless --overwrite.
    #[arg(
        long,
        alias = "if-unchanged",
        allow_hyphen_values = true,
        value_name = "VALUE",
        conflicts_with = "overwrite"
    )]
    pub expect: Option<String>,
    /// Replace whatever is there (recorded in the audit log, with the value
    /// replaced).
    #[arg(long)]
    pub overwrite: bool,
}

impl ReplaceArgs {
    pub fn expect(&self) -> crate::service::expect::Expect {
        use crate::service::expect::Expect;
        match (&self.expect, self.overwrite) {
            (_, true) => Expect::Anything,
            (Some(v), false) => Expect::Shown(v.clone()),
            (None, false) => Expect::Empty,
        }
    }
}
