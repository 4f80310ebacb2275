//! `classbook person export`: everything about one student or member of
//! staff, as JSON (mode 0600).

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use super::exit;
use crate::domain::Id;
use crate::service::person;
use crate::store::{self, access::Who};

pub const ABOUT: &str = "One person's data, for a request to see it: `person export --student ID` \
(or `--staff ID`) writes everything the database holds about them as JSON — their record, stays \
with order numbers, groups, guardians, marks with forms of control, attendance with reasons and \
parents' comments, period grades, device census and follow-ups; for staff their roles, classes, \
workload, lessons taught, training — and every change-history entry about them. The file is mode \
0600. Administrators only.";

#[derive(Debug, Subcommand)]
pub enum PersonCommand {
    /// Everything about one person, as JSON.
    Export(ExportArgs),
}

#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct Whom {
    /// The student's id (`classbook student list`).
    #[arg(long)]
    pub student: Option<Id>,
    /// The member of staff's id.
    #[arg(long)]
    pub staff: Option<Id>,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub whom: Whom,
    /// The file to write (default: standard output).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub fn run(cmd: PersonCommand, db_path: &Path, who: &Who) -> anyhow::Result<u8> {
    let db = store::open(db_path, &super::open_options())?;
    match cmd {
        PersonCommand::Export(args) => {
            super::custody::must_administer(
                Some(db.conn()),
                who,
                db_path,
                "export a person's data",
            )?;
            let data = match (args.whom.student, args.whom.staff) {
                (Some(id), _) => person::student(db.conn(), id)?,
                (None, Some(id)) => person::staff(db.conn(), id)?,
                (None, None) => unreachable!("clap requires one of them"),
            };
            let text = serde_json::to_string_pretty(&data)? + "\n";
            match args.out {
                Some(path) => {
                    store::write_private(&path, text.as_bytes())
                        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
                    outln!("written to {} (mode 0600)", path.display());
                }
                None => out!("{text}"),
            }
        }
    }
    Ok(exit::OK)
}
