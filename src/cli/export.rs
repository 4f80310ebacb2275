//! `classbook export …`: hand the school's data to another system.

use std::path::{Path, PathBuf};

use anyhow::bail;
use clap::{Args, Subcommand};

use super::exit;
use crate::service::export::oneroster::{self, ExportOptions};
use crate::store;

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// OneRoster 1.2 CSV of one school year: the roster (school, sessions,
    /// subjects, classes, people, enrolments), the journal's marks and
    /// period grades (gradebook), and attendance in classbook.attendance.csv.
    /// The timetable, bells, holidays and curriculum are not part of
    /// OneRoster and are left out.
    Oneroster(OnerosterArgs),
}

#[derive(Debug, Args)]
pub struct OnerosterArgs {
    /// The folder to write the files into (created when missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The school year ("2025/26"); default: the current one.
    #[arg(long, value_name = "LABEL")]
    pub year: Option<String>,
    /// Write into a folder that is not empty (files of the same names are
    /// replaced, others left as they are).
    #[arg(long)]
    pub force: bool,
}

/// Run an export command on the database at `db_path`.
pub fn run(db_path: &Path, cmd: ExportCommand) -> anyhow::Result<u8> {
    match cmd {
        ExportCommand::Oneroster(args) => {
            check_out(&args.out, args.force)?;
            let db = store::open(db_path, &crate::cli::open_options())?;
            let summary = oneroster::export(
                db.conn(),
                &args.out,
                &ExportOptions {
                    year: args.year,
                    today: chrono::Local::now().date_naive(),
                },
            )?;
            for line in summary.lines() {
                outln!("{line}");
            }
            Ok(exit::OK)
        }
    }
}

/// Refuse a file, and a folder that is not empty unless forced.
fn check_out(out: &Path, force: bool) -> anyhow::Result<()> {
    match std::fs::read_dir(out) {
        Ok(mut entries) => {
            if entries.next().is_some() && !force {
                bail!(
                    "{}: the folder is not empty; choose an empty one, or add --force to write into it (files of the same names are replaced)",
                    out.display()
                );
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(_) if out.exists() && !out.is_dir() => {
            bail!("{}: is a file, not a folder", out.display())
        }
        Err(e) => bail!("{}: {e}", out.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::check_out;

    #[test]
    fn a_folder_with_files_needs_force() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("export");
        assert!(check_out(&out, false).is_ok(), "a missing folder is made");
        std::fs::create_dir(&out).expect("mkdir");
        assert!(check_out(&out, false).is_ok(), "an empty folder is fine");
        std::fs::write(out.join("users.csv"), "x").expect("write");
        let e = check_out(&out, false).expect_err("refused");
        assert!(e.to_string().contains("not empty"), "{e}");
        assert!(check_out(&out, true).is_ok());
        let e = check_out(&out.join("users.csv"), true).expect_err("a file");
        assert!(e.to_string().contains("is a file"), "{e}");
    }
}
