//! `classbook settings`: list the school's settings, or change one (checked,
//! audit-logged, one transaction).

use clap::Subcommand;
use serde_json::json;

use super::{TextOrJson, exit};
use crate::domain::settings::Settings;
use crate::service::settings::Changed;
use crate::store::{self, Db};

#[derive(Debug, Subcommand)]
pub enum SettingsCommand {
    /// Every setting with its value and meaning.
    Show {
        #[arg(long, value_enum, default_value = "text")]
        format: TextOrJson,
    },
    /// Change one setting, e.g. `set entry_deadline 18:00` or
    /// `set severity.mark.late info`.
    Set { key: String, value: String },
}

pub fn run(cmd: SettingsCommand, mut db: Db, operator: &str) -> anyhow::Result<u8> {
    match cmd {
        SettingsCommand::Show { format } => {
            let s = store::settings::load(db.conn())?;
            // What is stored but not valid, and how to repair it.
            for p in store::settings::problems(db.conn())? {
                crate::cli::input::say(&format!("classbook: warning: {p}"));
            }
            let pairs = s.to_pairs();
            match format {
                TextOrJson::Json => {
                    let map: serde_json::Map<String, serde_json::Value> = pairs
                        .iter()
                        .map(|(k, v)| (k.to_string(), json!(v)))
                        .collect();
                    outln!("{}", serde_json::to_string_pretty(&map)?);
                }
                TextOrJson::Text => {
                    let w = pairs.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
                    for (k, v) in &pairs {
                        outln!("{k:<w$}  {v:<8}  {}", Settings::describe(k).unwrap_or(""));
                    }
                }
            }
            Ok(exit::OK)
        }
        SettingsCommand::Set { key, value } => {
            // Read, check and write in one IMMEDIATE transaction: two
            // `settings set` at once cannot both pass the cross-field check
            // against what the other is changing.
            let outcome =
                db.write(|tx| crate::service::settings::set(tx, operator, &key, &value))?;
            match outcome {
                Changed::Refused(e) => {
                    crate::cli::input::say(&format!("classbook: {e}"));
                    return Ok(exit::USAGE);
                }
                Changed::Set { stored, entry } => outln!("{key} = {stored} (audit entry {entry})"),
                Changed::Already(stored) => outln!("{key} is already {stored}"),
            }
            Ok(exit::OK)
        }
    }
}
