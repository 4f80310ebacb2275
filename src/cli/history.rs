//! `classbook audit`: the change history in words, chosen by person,
//! class, operator and dates, as text, CSV or JSON.

use chrono::NaiveDate;
use clap::{Args, ValueEnum};

use super::exit;
use crate::service::csv_safe::SafeCsv;
use crate::store::{Db, history};

pub const ABOUT: &str = "The change history in words, newest first: who, when, and what each \
entry changed, named by the student or teacher, the class, subject, date and lesson, and the \
field (\"Белова Алиса · 7А Алгебра 13.10 lesson 2 · mark 3 → 5\"). Filters combine. Text, CSV \
(formulas defused) or JSON. Undo an entry from the TUI's history (H).";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HistoryFormat {
    Text,
    Csv,
    Json,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Part of a student's or teacher's name.
    #[arg(long)]
    pub person: Option<String>,
    /// A class ("7А").
    #[arg(long)]
    pub class: Option<String>,
    /// Part of the operator's login.
    #[arg(long)]
    pub operator: Option<String>,
    /// From this day (the day of the change, UTC).
    #[arg(long, value_parser = super::input::date_value)]
    pub from: Option<NaiveDate>,
    /// Up to this day.
    #[arg(long, value_parser = super::input::date_value)]
    pub to: Option<NaiveDate>,
    /// At most this many entries (0: all).
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    #[arg(long, value_enum, default_value = "text")]
    pub format: HistoryFormat,
}

pub fn run(args: AuditArgs, db: Db) -> anyhow::Result<u8> {
    let filter = history::Filter {
        person: args.person,
        class: args.class,
        operator: args.operator,
        from: args.from,
        to: args.to,
        limit: args.limit,
    };
    let told = history::list(db.conn(), &filter)?;
    match args.format {
        HistoryFormat::Text => {
            for t in &told {
                outln!(
                    "#{:<6} {}  {:<16} {}{}",
                    t.id,
                    history::when(&t.at),
                    t.operator,
                    t.line(),
                    t.undo_of
                        .map_or(String::new(), |u| format!(" (undoes #{u})"))
                );
            }
            if told.is_empty() {
                outln!("no entries");
            }
        }
        HistoryFormat::Csv => {
            let mut w = SafeCsv::new(Vec::new());
            w.write_record([
                "id", "at", "operator", "action", "person", "class", "place", "what", "undo_of",
            ])?;
            for t in &told {
                w.write_record([
                    t.id.to_string(),
                    t.at.clone(),
                    t.operator.clone(),
                    t.action.clone(),
                    t.person.clone(),
                    t.class.clone(),
                    t.place.clone(),
                    t.what.clone(),
                    t.undo_of.map(|u| u.to_string()).unwrap_or_default(),
                ])?;
            }
            out!("{}", String::from_utf8_lossy(&w.into_inner()?));
        }
        HistoryFormat::Json => outln!("{}", serde_json::to_string_pretty(&told)?),
    }
    Ok(exit::OK)
}
