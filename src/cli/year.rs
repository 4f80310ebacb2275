//! `classbook year`: the school years, closing one and reopening it.

use clap::Subcommand;

use super::exit;
use crate::service::year;
use crate::store::{self, Db};

pub const ABOUT: &str = "The school years: list them, close one (its review must have no \
unacknowledged errors, or --force with a --note, recorded), reopen one (with a --reason, \
recorded). A closed year is read-only: every write to it, from every tab and command, is \
refused (exit 8) until it is reopened.";

#[derive(Debug, Subcommand)]
pub enum YearCommand {
    /// The school years with their dates and whether they are closed.
    List,
    /// Close a year: from then on it is read-only.
    Close {
        /// "2025/26".
        label: String,
        /// Close it although its review has unacknowledged errors.
        #[arg(long, requires = "note")]
        force: bool,
        /// Why it is closed anyway (recorded; with --force).
        #[arg(long)]
        note: Option<String>,
    },
    /// Reopen a closed year.
    Reopen {
        label: String,
        /// Why (recorded).
        #[arg(long)]
        reason: String,
    },
}

pub fn run(cmd: YearCommand, mut db: Db, operator: &str) -> anyhow::Result<u8> {
    match cmd {
        YearCommand::List => {
            for y in store::school::years(db.conn())? {
                let closed = store::closed::closed_years(db.conn())?
                    .into_iter()
                    .find(|c| c.id == y.id)
                    .map(|c| format!("closed {}", c.closed_at))
                    .unwrap_or_else(|| y.status.as_str().to_string());
                outln!(
                    "{:<10} {} – {}  {closed}",
                    y.label,
                    y.starts_on.format("%d.%m.%Y"),
                    y.ends_on.format("%d.%m.%Y")
                );
            }
        }
        YearCommand::Close { label, force, note } => {
            let now = chrono::Local::now().naive_local();
            let forced = if force { note.as_deref() } else { None };
            let c = year::close(&mut db, operator, &label, forced, now)?;
            outln!(
                "{} is closed: read-only from now on{}",
                c.year.label,
                if c.open_errors.is_empty() {
                    String::new()
                } else {
                    format!(
                        " ({} unacknowledged errors left, with your note)",
                        c.open_errors.len()
                    )
                }
            );
        }
        YearCommand::Reopen { label, reason } => {
            year::reopen(&mut db, operator, &label, &reason)?;
            outln!("{label} is open again");
        }
    }
    Ok(exit::OK)
}
