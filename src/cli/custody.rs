//! `classbook backup` and `classbook restore`: copies of the database made
//! and put back safely (see [`crate::store::custody`]).

use std::path::{Path, PathBuf};

use clap::Args;

use super::exit;
use crate::store::StoreError;
use crate::store::{self, OpenOptions, access::Who, custody};

pub const BACKUP_ABOUT: &str = "Back the database up into one file, with SQLite's online backup API: \
consistent while others are writing, the latest changes included (copying the .sqlite file alone \
can lose those that are still in its -wal file). The copy is mode 0600, checked (integrity, schema, \
that it is a classbook database) before it gets its name, and never replaces a file. Without --out \
it goes into a `backups` directory beside the database, named after it and the time \
(school-20261203-194501.sqlite); with --keep N only the newest N of those stay, for cron. \
Administrators only.";

pub const RESTORE_ABOUT: &str = "Put a backup in place of the database: the backup is checked first \
(integrity, schema version, that it is a classbook database); the database as it was is kept beside \
it (<db>.before-restore-<time>.sqlite); refused while another program (a classbook TUI, a command, \
sqlite3) has the database open. The restore is recorded in the change history. Administrators only.";

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The backup file, or a directory to put it in (default: `backups`
    /// beside the database).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Keep only the newest N backups of this database in that directory.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    pub keep: Option<u32>,
}

pub const ARCHIVE_ABOUT: &str = "Write a self-contained, read-only copy of one school year: \
the year's classes, lessons, marks, attendance, grades, timetable, training and the students \
enrolled in it; other years and the students only they had are left out (and wiped from the \
file's free pages); the year is marked closed in the copy; the file is mode 0400, so \
`classbook --db FILE` opens it read-only (every tab, report and the review work). The change \
history is kept whole. Administrators only.";

#[derive(Debug, Args)]
pub struct ArchiveArgs {
    /// The school year ("2025/26").
    #[arg(long)]
    pub year: String,
    /// The archive file to write (never an existing one).
    #[arg(long)]
    pub out: PathBuf,
}

pub fn run_archive(args: ArchiveArgs, db_path: &Path, who: &Who) -> anyhow::Result<u8> {
    let db = store::open(db_path, &super::open_options())?;
    must_administer(Some(db.conn()), who, db_path, "archive a school year")?;
    let year = crate::service::year::find(db.conn(), &args.year)?;
    let a = custody::archive(db.conn(), year.id, &args.out)?;
    outln!(
        "archived {} to {} ({}, read-only; {} left out)",
        year.label,
        a.path.display(),
        size(a.checked.bytes),
        if a.left_out.is_empty() {
            "nothing of other years".to_string()
        } else {
            a.left_out
                .iter()
                .map(|(t, n)| format!("{n} {t}"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    );
    Ok(exit::OK)
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup to restore.
    pub file: PathBuf,
}

/// The local time as a backup's name has it.
fn stamp() -> String {
    chrono::Local::now().format("%Y%m%d-%H%M%S").to_string()
}

fn size(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// Refuse unless `who` administers the database at `path`; a file too
/// damaged to read the roles from is the owner's (and root's).
pub(crate) fn must_administer(
    conn: Option<&rusqlite::Connection>,
    who: &Who,
    path: &Path,
    what: &str,
) -> anyhow::Result<()> {
    let admin = match conn.map(|c| store::access::rights(c, &who.login, path)) {
        Some(Ok(r)) => r.admin,
        _ => {
            let me = store::access::os_login();
            me == "root" || store::access::file_owner(path).is_some_and(|o| o == me)
        }
    };
    if admin {
        Ok(())
    } else {
        Err(StoreError::NotPermitted(format!(
            "{} may not {what}: only an administrator may (`classbook users`)",
            who.login
        ))
        .into())
    }
}

pub fn run_backup(args: BackupArgs, db_path: &Path, who: &Who) -> anyhow::Result<u8> {
    let db = store::open(db_path, &super::open_options())?;
    must_administer(Some(db.conn()), who, db_path, "back the database up")?;
    let beside = db_path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join("backups");
    let (dir, out) = match args.out {
        Some(p) if p.is_dir() => (p.clone(), custody::backup_name(db_path, &p, &stamp())),
        Some(p) => (
            p.parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .to_path_buf(),
            p,
        ),
        None => {
            std::fs::create_dir_all(&beside)?;
            (
                beside.clone(),
                custody::backup_name(db_path, &beside, &stamp()),
            )
        }
    };
    let mut made = custody::backup(db.conn(), &out)?;
    if let Some(keep) = args.keep {
        made.removed = custody::rotate(db_path, &dir, keep as usize)?;
    }
    outln!(
        "backed up to {} ({}, schema {}, {} history entries, integrity ok)",
        made.path.display(),
        size(made.checked.bytes),
        made.checked.schema,
        made.checked.audit_entries
    );
    for r in &made.removed {
        outln!("removed the older backup {}", r.display());
    }
    Ok(exit::OK)
}

pub fn run_restore(args: RestoreArgs, db_path: &Path, who: &Who) -> anyhow::Result<u8> {
    if !db_path.exists() {
        anyhow::bail!(
            "{}: no database to restore into (a backup is a database: open it with --db)",
            db_path.display()
        );
    }
    {
        let conn = rusqlite::Connection::open_with_flags(
            db_path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .ok();
        must_administer(conn.as_ref(), who, db_path, "restore a backup")?;
    }
    let kept = PathBuf::from(format!(
        "{}.before-restore-{}.sqlite",
        db_path.display(),
        stamp()
    ));
    let r = custody::restore(db_path, &args.file, &kept)?;
    // Recorded in the history of the database as it now is (its schema
    // brought up to date if the backup is older).
    let mut db = store::open(db_path, &OpenOptions::default())?;
    let from = args.file.display().to_string();
    let kept_shown = r.kept.display().to_string();
    db.write(|tx| {
        store::audit::record(
            tx,
            &who.operator(),
            "database.restore",
            "database",
            "{}",
            None,
            Some(&serde_json::json!({ "from": from, "kept": kept_shown })),
        )
    })?;
    outln!(
        "restored {} ({}, schema {}, {} history entries); the database as it was is kept in {}",
        args.file.display(),
        size(r.checked.bytes),
        r.checked.schema,
        r.checked.audit_entries,
        r.kept.display()
    );
    Ok(exit::OK)
}
