//! `classbook review`: the rule findings as text, JSON or CSV; exits 1 when
//! any error is found (not acknowledged), so cron can mail it. Also
//! acknowledges a finding with a note, or withdraws that.

use std::io::Write;

use chrono::NaiveDate;
use clap::{Args, ValueEnum};

use super::exit;
use crate::domain::review::{Rule, Severity};
use crate::service::review::{self as svc, Finding, Review, ReviewQuery};
use crate::store::{self, Db};

pub const ABOUT: &str = "Check the records against the school's rules.

Rules (id, default severity; change one with the setting severity.<id>):
  lesson.unrecorded       error    timetabled lesson with no record by 17:30 that day
  lesson.recorded_late    warning  lesson recorded after 17:30 of its day
  lesson.no_attendance    error    held lesson without attendance taken
  attendance.taken_late   warning  attendance entered after 17:30 of the lesson's day
  lesson.no_topic         warning  held lesson without a topic
  lesson.no_homework      warning  held lesson without a homework entry
  mark.late               warning  mark entered after 15 / 7 / 3 days (current / interim / written)
  student.not_attestable  error    too few marks (3 a quarter, 5 a half) from two weeks before grades are due
  grade.overdue           error    period grade not set 3 days before the period ends
  absence.no_reason       warning  absence whose reason was not given the same day
  mark.pending_overdue    warning  pending * past its deadline
  mark.deferred_stale     warning  deferred ° older than a school week
  control.unmarked        error    control event with a present student unmarked
  grade.final_differs     info     final period grade differs from the suggestion
  homework.over_limit     warning  a student's homework minutes above the limit of grades 1–2 / 3–6
  online.young_grade      warning  online lessons in a class below grade 4 (seed 001)
  online.over_day_limit   warning  a student of grades 4–6 online more than 90 minutes a day
  online.live_too_long    warning  a live online lesson longer than 30 minutes
  stay.order_missing      warning  arrival, transfer or departure without its order
  student.departure_unconfirmed
                          warning  enrolled student missing from the last full roster
  training.fail           error    teacher failing training (absences; credits once the year is over)
  training.study_notes_short
                          warning  under 5,000 characters of study notes in a semester that has ended
  training.no_open_lesson warning  no open lesson in a school year that is over

Exit status: 0 no errors, 1 errors found (acknowledged ones do not count),
2 usage, 3 database, 4 other.";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    Error,
    Warning,
    Info,
}

impl SeverityArg {
    fn severity(self) -> Severity {
        match self {
            SeverityArg::Error => Severity::Error,
            SeverityArg::Warning => Severity::Warning,
            SeverityArg::Info => Severity::Info,
        }
    }
}

fn rule_arg(s: &str) -> Result<Rule, String> {
    Rule::parse(s).ok_or_else(|| {
        let ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
        format!("no rule «{s}»; rules: {}", ids.join(", "))
    })
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// First day to check (YYYY-MM-DD, DD.MM.YYYY or DD.MM; default: the year's start).
    #[arg(long)]
    pub from: Option<String>,
    /// Last day to check (default: the working date).
    #[arg(long)]
    pub to: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Show only findings at least this severe.
    #[arg(long, value_enum, default_value = "info")]
    pub severity: SeverityArg,
    /// Show only this rule's findings (its id).
    #[arg(long, value_parser = rule_arg)]
    pub rule: Option<Rule>,
    /// Also list acknowledged findings.
    #[arg(long)]
    pub acknowledged: bool,
    /// Acknowledge the finding with this key (needs --rule and --note).
    #[arg(long, value_name = "KEY", requires_all = ["rule", "note"], conflicts_with = "withdraw")]
    pub ack: Option<String>,
    /// The note of an acknowledgement: why the finding stands.
    #[arg(long)]
    pub note: Option<String>,
    /// Withdraw the acknowledgement of the finding with this key (needs --rule).
    #[arg(long, value_name = "KEY", requires = "rule")]
    pub withdraw: Option<String>,
}

pub fn run(args: ReviewArgs, mut db: Db, operator: &str) -> anyhow::Result<u8> {
    if let (Some(key), Some(rule)) = (args.ack.as_deref().or(args.withdraw.as_deref()), args.rule) {
        let ack = args.ack.is_some();
        let note = args.note.clone().unwrap_or_default();
        let entries = db.write(|tx| {
            if ack {
                svc::acknowledge(tx, operator, rule, key, &note)
            } else {
                svc::unacknowledge(tx, operator, rule, key)
            }
        })?;
        if entries.is_empty() {
            outln!("nothing changed: {} {key} was already so", rule.id());
        } else if ack {
            outln!(
                "acknowledged {} {key} (audit entry {})",
                rule.id(),
                entries[0]
            );
        } else {
            outln!("withdrew the acknowledgement of {} {key}", rule.id());
        }
        return Ok(exit::OK);
    }
    let real = chrono::Local::now().naive_local();
    let working = store::school::working_date(db.conn(), real.date())?;
    let now = svc::now_at(working, real);
    // DD.MM is in the current school year.
    let start = store::school::current_year(db.conn(), working)?
        .map(|y| y.starts_on)
        .unwrap_or_else(|| super::input::school_year_start_of(working));
    let date = |arg: &str, s: &Option<String>| -> anyhow::Result<Option<NaiveDate>> {
        Ok(s.as_deref()
            .map(|s| super::input::parse_date(arg, s, start))
            .transpose()?)
    };
    let (from, to) = (date("--from", &args.from)?, date("--to", &args.to)?);
    if let (Some(a), Some(b)) = (from, to)
        && a > b
    {
        crate::cli::input::say(&format!("classbook: --from {a} is after --to {b}"));
        return Ok(exit::USAGE);
    }
    let review = svc::run(db.conn(), &ReviewQuery { from, to, now })?;
    let least = args.severity.severity();
    let shown: Vec<&Finding> = review
        .findings
        .iter()
        .filter(|f| f.severity <= least)
        .filter(|f| args.rule.is_none_or(|r| f.rule == r))
        .filter(|f| args.acknowledged || f.ack.is_none())
        .collect();
    let mut out = crate::cli::input::CleanStdout::new();
    match args.format {
        Format::Json => {
            let v = serde_json::json!({
                "from": review.from,
                "to": review.to,
                "as_of": review.as_of,
                "errors": review.open_count(Severity::Error),
                "warnings": review.open_count(Severity::Warning),
                "info": review.open_count(Severity::Info),
                "acknowledged": review.acknowledged(),
                "findings": shown,
            });
            writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
        }
        Format::Csv => write_csv(&mut out, &shown)?,
        Format::Text => write_text(&mut out, &review, &shown)?,
    }
    Ok(if review.open_count(Severity::Error) > 0 {
        exit::FINDINGS
    } else {
        exit::OK
    })
}

/// The CSV columns, one finding a row.
pub const CSV_HEADER: [&str; 12] = [
    "severity",
    "rule",
    "date",
    "class",
    "subject",
    "teacher",
    "student",
    "detail",
    "key",
    "acknowledged_by",
    "acknowledged_at",
    "note",
];

fn write_csv(out: &mut impl Write, shown: &[&Finding]) -> anyhow::Result<()> {
    let mut w = crate::service::csv_safe::SafeCsv::new(out);
    w.write_record(CSV_HEADER)?;
    for f in shown {
        let date = f.date.to_string();
        let (by, at, note) = f.ack.as_ref().map_or(("", "", ""), |a| {
            (&a.acked_by[..], &a.acked_at[..], &a.note[..])
        });
        w.write_record([
            f.severity.as_str(),
            f.rule.id(),
            &date,
            &f.class,
            &f.subject,
            &f.teacher,
            &f.student,
            &f.detail,
            &f.key,
            by,
            at,
            note,
        ])?;
    }
    w.flush()?;
    Ok(())
}

fn write_text(out: &mut impl Write, review: &Review, shown: &[&Finding]) -> anyhow::Result<()> {
    let d = crate::domain::text::date_full;
    writeln!(
        out,
        "Review {}–{} (as of {}): {} errors, {} warnings, {} notes; {} acknowledged",
        d(review.from),
        d(review.to),
        d(review.as_of),
        review.open_count(Severity::Error),
        review.open_count(Severity::Warning),
        review.open_count(Severity::Info),
        review.acknowledged()
    )?;
    for rule in Rule::ALL {
        let of: Vec<&&Finding> = shown.iter().filter(|f| f.rule == *rule).collect();
        let Some(first) = of.first() else {
            continue;
        };
        let info = rule.info();
        writeln!(
            out,
            "\n{:<7} {}  {}: {}",
            first.severity.as_str(),
            info.id,
            info.title,
            of.len()
        )?;
        for f in of {
            let who = if f.student.is_empty() {
                &f.teacher
            } else {
                &f.student
            };
            let mut line = format!("  {}", d(f.date));
            for part in [&f.class, &f.subject, who] {
                if !part.is_empty() {
                    line.push_str("  ");
                    line.push_str(part);
                }
            }
            line.push_str(&format!("  {}  [{}]", f.detail, f.key));
            if let Some(a) = &f.ack {
                line.push_str(&format!("  acknowledged by {}: {}", a.acked_by, a.note));
            }
            writeln!(out, "{line}")?;
        }
    }
    if shown.is_empty() {
        writeln!(out, "\nno findings")?;
    }
    Ok(())
}
