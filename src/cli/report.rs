//! `classbook report KIND …`: the school's reports without the TUI, from
//! the same service (`service::reports`) the Reports tab draws, in text,
//! CSV, JSON or one printable HTML file.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::{Args, ValueEnum};

use crate::service::reports::{self, Kind, Names, render};
use crate::store::{self, StoreError};

use super::exit;

/// The long help of `classbook help report`.
pub const ABOUT: &str = "The reports the school prints and files, the same as the Reports tab \
shows: performance (a class in a period: per student and subject the marks, weighted mean, \
suggested and final grade; the class's quality and success percentages), attendance (a class \
in a period or between dates: lessons, present, remote, absences by category), keeping (each \
teacher's journal keeping), training (each teacher's training standing for a half-year or the \
year) and indicators (a programme's targets, actual values and achievement). The period is a \
label (\"2 четверть\") or q1–q4, h1–h2, year; by default the quarter of the working date (the \
year for training). Dates are 2025-12-24, 24.12.2025 or 24.12. --format html writes one self-contained \
page to print on A4 (signature lines included). Exit 2 when something named is not there.";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    Performance,
    Attendance,
    Keeping,
    Training,
    Indicators,
}

impl From<KindArg> for Kind {
    fn from(k: KindArg) -> Kind {
        match k {
            KindArg::Performance => Kind::Performance,
            KindArg::Attendance => Kind::Attendance,
            KindArg::Keeping => Kind::Keeping,
            KindArg::Training => Kind::Training,
            KindArg::Indicators => Kind::Indicators,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Text,
    Csv,
    Json,
    Html,
}

impl From<FormatArg> for render::Format {
    fn from(f: FormatArg) -> render::Format {
        match f {
            FormatArg::Text => render::Format::Text,
            FormatArg::Csv => render::Format::Csv,
            FormatArg::Json => render::Format::Json,
            FormatArg::Html => render::Format::Html,
        }
    }
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Which report.
    #[arg(value_enum)]
    pub kind: KindArg,
    /// The class (performance, attendance), e.g. 7А (or 7A).
    #[arg(long)]
    pub class: Option<String>,
    /// The period: its name ("2 четверть") or q1–q4, h1–h2, year.
    #[arg(long, conflicts_with_all = ["from", "to"])]
    pub period: Option<String>,
    /// First day (attendance, keeping), with --to.
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Last day (attendance, keeping), with --from.
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// The programme (indicators): its name or a unique part of it.
    #[arg(long)]
    pub programme: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: FormatArg,
    /// Write to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

use super::input::Refused;

fn parse_date(flag: &str, s: &str) -> Result<NaiveDate, Refused> {
    let today = chrono::Local::now().date_naive();
    super::input::parse_date(flag, s, super::input::school_year_start_of(today))
        .map_err(|r| Refused(r.0))
}

/// Run `classbook report`; what is refused prints one line and exits 2.
pub fn run(db_path: &Path, args: ReportArgs) -> anyhow::Result<u8> {
    let db = store::open(db_path, &crate::cli::open_options())?;
    let today = chrono::Local::now().date_naive();
    match produce(&db, &args, today) {
        Ok(text) => {
            match &args.output {
                Some(path) => {
                    store::write_private(path, text.as_bytes())
                        .map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", path.display()))?;
                    crate::cli::input::say(&format!("written to {}", path.display()));
                }
                None => out!("{text}"),
            }
            Ok(exit::OK)
        }
        Err(e) => {
            let refused = if let Some(r) = e.downcast_ref::<Refused>() {
                Some(r.0.clone())
            } else if let Some(StoreError::Invalid(m)) = e.downcast_ref::<StoreError>() {
                Some(m.clone())
            } else {
                None
            };
            match refused {
                Some(m) => {
                    crate::cli::input::say(&format!("classbook: {m}"));
                    Ok(exit::USAGE)
                }
                None => Err(e),
            }
        }
    }
}

/// The report as text in the format asked for.
fn produce(db: &store::Db, args: &ReportArgs, today: NaiveDate) -> anyhow::Result<String> {
    let conn = db.conn();
    let as_of = store::school::working_date(conn, today)?;
    let names = Names {
        class: args.class.clone(),
        period: args.period.clone(),
        from: args
            .from
            .as_deref()
            .map(|s| parse_date("--from", s))
            .transpose()?,
        to: args
            .to
            .as_deref()
            .map(|s| parse_date("--to", s))
            .transpose()?,
        programme: args.programme.clone(),
    };
    let req = reports::resolve(conn, args.kind.into(), &names, as_of)?;
    let report = reports::build(conn, &req)?;
    Ok(render::render(&report, args.format.into(), today))
}
