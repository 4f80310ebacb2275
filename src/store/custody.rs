//! Copies that keep everything: a backup made with SQLite's online backup
//! API (consistent while others write, the WAL's latest changes included,
//! which copying the `.sqlite` file alone is not), checked before it is
//! given its name; rotation for cron; and a restore that checks the copy,
//! keeps the database as it was beside it, and refuses while another
//! program has the database open.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use super::{Result, StoreError, companion, invalid, migrate};

/// What a check of a copy found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    /// The schema version (`PRAGMA user_version`).
    pub schema: i64,
    pub bytes: u64,
    /// Entries in the change history.
    pub audit_entries: i64,
}

/// Check that `path` is a whole classbook database this version can open:
/// SQLite's integrity check passes, the schema is ours and not newer.
pub fn check_copy(path: &Path) -> Result<Checked> {
    let shown = path.display();
    let meta = fs::metadata(path).map_err(|e| invalid(format!("{shown}: {e}")))?;
    if !meta.is_file() {
        return Err(invalid(format!("{shown} is not a file")));
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| invalid(format!("{shown}: {e}")))?;
    let not_ours =
        |e: rusqlite::Error| invalid(format!("{shown} is not a classbook database ({e})"));
    let schema: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(not_ours)?;
    let audit: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'audit_log'",
            [],
            |r| r.get(0),
        )
        .map_err(not_ours)?;
    if schema <= 0 || audit == 0 {
        return Err(invalid(format!("{shown} is not a classbook database")));
    }
    if schema > migrate::latest() {
        return Err(invalid(format!(
            "{shown} was written by a newer classbook (schema {schema}, this one knows up to {})",
            migrate::latest()
        )));
    }
    let problems: Vec<String> = {
        let mut st = conn.prepare("PRAGMA integrity_check(20)")?;
        st.query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<_>>()?
    };
    if problems.first().is_none_or(|p| p != "ok") {
        return Err(invalid(format!(
            "{shown} is damaged: {}",
            problems.join("; ")
        )));
    }
    let audit_entries = conn.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))?;
    Ok(Checked {
        schema,
        bytes: meta.len(),
        audit_entries,
    })
}

/// Copy the database `from` into `to` with the online backup API, in one
/// step under one read transaction (writers are not held up under WAL).
fn copy_into(from: &Connection, to: &mut Connection) -> Result<()> {
    let b = Backup::new(from, to)?;
    let started = Instant::now();
    loop {
        match b.step(-1)? {
            StepResult::Done => return Ok(()),
            StepResult::More => {}
            _ if started.elapsed() > Duration::from_secs(30) => {
                return Err(StoreError::Locked);
            }
            _ => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

/// What a backup wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Made {
    pub path: PathBuf,
    pub checked: Checked,
    /// Older backups removed by the rotation.
    pub removed: Vec<PathBuf>,
}

/// Back the database read through `conn` up into the new file `out`
/// (mode 0600, a single file without a WAL of its own), check the copy,
/// and only then give it its name.
pub fn backup(conn: &Connection, out: &Path) -> Result<Made> {
    if out.exists() {
        return Err(invalid(format!(
            "{} exists already; a backup never replaces a file",
            out.display()
        )));
    }
    let part = companion(out, ".part");
    let _ = fs::remove_file(&part);
    super::write_private(&part, b"").map_err(|e| invalid(format!("{}: {e}", part.display())))?;
    let made = (|| -> Result<Checked> {
        let mut dst = Connection::open(&part)?;
        copy_into(conn, &mut dst)?;
        // One self-contained file: no -wal beside the copy.
        dst.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))?;
        drop(dst);
        check_copy(&part)
    })();
    match made {
        Ok(checked) => {
            fs::rename(&part, out).map_err(|e| invalid(format!("{}: {e}", out.display())))?;
            Ok(Made {
                path: out.to_path_buf(),
                checked,
                removed: vec![],
            })
        }
        Err(e) => {
            let _ = fs::remove_file(&part);
            Err(e)
        }
    }
}

/// The name of a backup of `db` made at `stamp` ("20261203-194501") in
/// `dir`: `<name>-<stamp>.sqlite`, or `<name>-<stamp>-2.sqlite` and on
/// when one was made in the same second.
pub fn backup_name(db: &Path, dir: &Path, stamp: &str) -> PathBuf {
    let stem = stem(db);
    let mut path = dir.join(format!("{stem}-{stamp}.sqlite"));
    let mut n = 1;
    while path.exists() {
        n += 1;
        path = dir.join(format!("{stem}-{stamp}-{n}.sqlite"));
    }
    path
}

/// The database's file name without its extension, which its backups
/// are named after.
fn stem(db: &Path) -> String {
    db.file_stem()
        .map_or_else(|| "classbook".into(), |s| s.to_string_lossy().into_owned())
}

/// When a file named by [`backup_name`] for a database named `stem` was
/// made: (stamp, number in that second).
fn made_at(stem: &str, name: &str) -> Option<(String, u32)> {
    let rest = name
        .strip_prefix(stem)?
        .strip_prefix('-')?
        .strip_suffix(".sqlite")?;
    let (stamp, n) = match rest.get(15..) {
        Some("") => (rest, 1),
        Some(more) => (&rest[..15], more.strip_prefix('-')?.parse().ok()?),
        None => return None,
    };
    let ok = stamp
        .char_indices()
        .all(|(i, c)| if i == 8 { c == '-' } else { c.is_ascii_digit() });
    ok.then(|| (stamp.to_string(), n))
}

/// Remove the oldest backups of `db` in `dir` (named by [`backup_name`])
/// beyond the newest `keep`; returns those removed.
pub fn rotate(db: &Path, dir: &Path, keep: usize) -> Result<Vec<PathBuf>> {
    let stem = stem(db);
    let mut found: Vec<((String, u32), PathBuf)> = fs::read_dir(dir)
        .map_err(|e| invalid(format!("{}: {e}", dir.display())))?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter_map(|p| {
            let at = made_at(&stem, p.file_name()?.to_str()?)?;
            Some((at, p))
        })
        .collect();
    found.sort();
    let extra = found.len().saturating_sub(keep);
    let mut removed = Vec::new();
    for (_, p) in found.into_iter().take(extra) {
        fs::remove_file(&p).map_err(|e| invalid(format!("{}: {e}", p.display())))?;
        removed.push(p);
    }
    Ok(removed)
}

/// Another process with the database open, if any: SQLite's connections
/// in WAL mode each hold a shared lock on a byte of the `-shm` file while
/// they are open (classbook's TUI and commands, the `sqlite3` shell alike).
pub fn open_elsewhere(db: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::io::AsRawFd;
        let shm = companion(db, "-shm");
        let f = fs::OpenOptions::new().read(true).open(&shm).ok()?;
        // SAFETY: a zeroed flock is a valid value to fill in; F_GETLK only
        // reads the descriptor's file locks and writes into `lock`.
        let mut lock: libc::flock = unsafe { std::mem::zeroed() };
        lock.l_type = libc::F_WRLCK as _;
        lock.l_whence = libc::SEEK_SET as _;
        // The "dead man switch" byte: 120 + 8 in the -shm file.
        lock.l_start = 128;
        lock.l_len = 1;
        let rc = unsafe { libc::fcntl(f.as_raw_fd(), libc::F_GETLK, &mut lock) };
        (rc == 0 && lock.l_type != libc::F_UNLCK as libc::c_short).then_some(lock.l_pid as u32)
    }
    #[cfg(not(unix))]
    {
        let _ = db;
        None
    }
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    pub checked: Checked,
    /// Where the database as it was is kept.
    pub kept: PathBuf,
}

/// Put the backup `from` in place of the database `db` (both checked
/// before): the database as it was is kept as `kept` first (a backup of
/// its own, or its files copied as they are if it is too damaged for
/// one); refused while another process has `db` open.
pub fn restore(db: &Path, from: &Path, kept: &Path) -> Result<Restored> {
    let checked = check_copy(from)?;
    let same = |a: &Path, b: &Path| {
        fs::canonicalize(a)
            .ok()
            .is_some_and(|a| fs::canonicalize(b).ok() == Some(a))
    };
    if same(db, from) {
        return Err(invalid(format!(
            "{} is the database itself: give a backup of it",
            from.display()
        )));
    }
    if let Some(pid) = open_elsewhere(db) {
        return Err(StoreError::LockedBy(format!(
            "another program that has it open (process {pid}; close it first)"
        )));
    }
    let mut current = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    current.busy_timeout(Duration::from_secs(5))?;
    if backup(&current, kept).is_err() {
        // Too damaged to read through: its files as they are.
        let copy = |from: &Path, to: &Path| -> Result<()> {
            super::write_private(to, b"")
                .and_then(|()| fs::copy(from, to).map(|_| ()))
                .map_err(|e| invalid(format!("{}: {e}", to.display())))
        };
        copy(db, kept)?;
        let wal = companion(db, "-wal");
        if wal.exists() {
            copy(&wal, &companion(kept, "-wal"))?;
        }
    }
    let source = Connection::open_with_flags(
        from,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    copy_into(&source, &mut current)?;
    current.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
    drop(current);
    // The file is whole again: the mark a damaged page left goes.
    let _ = fs::remove_file(companion(db, "-damaged"));
    Ok(Restored {
        checked,
        kept: kept.to_path_buf(),
    })
}

/// What an archive holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Archived {
    pub path: PathBuf,
    pub checked: Checked,
    /// Rows of other years left out, by table.
    pub left_out: Vec<(String, usize)>,
}

/// Write a self-contained, read-only (0400) copy of the school year
/// `year_id` into the new file `out`: a backup whose other years (their
/// classes, lessons, marks, attendance, grades, timetable, training…) and
/// students not enrolled in that year are left out, the year marked closed,
/// the freed pages wiped (VACUUM). The change history is kept whole (it is
/// append-only and sealed).
pub fn archive(conn: &Connection, year_id: i64, out: &Path) -> Result<Archived> {
    let part = companion(out, ".part");
    let _ = fs::remove_file(&part);
    if out.exists() {
        return Err(invalid(format!(
            "{} exists already; an archive never replaces a file",
            out.display()
        )));
    }
    let made = backup(conn, &part);
    let result = made.and_then(|_| -> Result<Vec<(String, usize)>> {
        let c = Connection::open(&part)?;
        c.execute_batch("PRAGMA foreign_keys = ON")?;
        let other_classes = "SELECT id FROM class WHERE year_id <> ?1";
        let other_plans = "SELECT id FROM training_plan WHERE year_id <> ?1";
        let steps: Vec<(&str, String)> = vec![
            (
                "period_grade",
                format!(
                    "DELETE FROM period_grade WHERE class_id IN ({other_classes})
                     OR period_id IN (SELECT id FROM period WHERE year_id <> ?1)"
                ),
            ),
            (
                "lesson",
                format!("DELETE FROM lesson WHERE class_id IN ({other_classes})"),
            ),
            (
                "enrolment",
                format!("DELETE FROM enrolment WHERE class_id IN ({other_classes})"),
            ),
            ("class", "DELETE FROM class WHERE year_id <> ?1".into()),
            (
                "device_census",
                "DELETE FROM device_census WHERE year_id <> ?1".into(),
            ),
            (
                "training_attendance",
                format!(
                    "DELETE FROM training_attendance WHERE session_id IN
                     (SELECT id FROM training_session WHERE plan_id IN ({other_plans}))"
                ),
            ),
            (
                "training_session",
                format!("DELETE FROM training_session WHERE plan_id IN ({other_plans})"),
            ),
            (
                "training_record",
                format!("DELETE FROM training_record WHERE plan_id IN ({other_plans})"),
            ),
            (
                "training_publication",
                format!("DELETE FROM training_publication WHERE plan_id IN ({other_plans})"),
            ),
            (
                "training_plan",
                "DELETE FROM training_plan WHERE year_id <> ?1".into(),
            ),
            (
                "external_training",
                "DELETE FROM external_training WHERE ?1 = ?1 AND (ends_on <
                     (SELECT starts_on FROM school_year WHERE id = ?1) OR starts_on >
                     (SELECT ends_on FROM school_year WHERE id = ?1))"
                    .into(),
            ),
            (
                "school_year",
                "DELETE FROM school_year WHERE id <> ?1".into(),
            ),
            (
                "student",
                "DELETE FROM student WHERE ?1 = ?1 AND id NOT IN (SELECT student_id FROM enrolment)
                 AND id NOT IN (SELECT student_id FROM mark)
                 AND id NOT IN (SELECT student_id FROM attendance)
                 AND id NOT IN (SELECT student_id FROM period_grade)"
                    .into(),
            ),
            (
                "guardian",
                "DELETE FROM guardian WHERE ?1 = ?1 AND id NOT IN
                 (SELECT guardian_id FROM student_guardian)"
                    .into(),
            ),
        ];
        let mut left_out = Vec::new();
        let tx = c.unchecked_transaction()?;
        for (table, sql) in &steps {
            let n = tx.execute(sql, [year_id])?;
            if n > 0 {
                left_out.push((table.to_string(), n));
            }
        }
        tx.execute(
            "UPDATE school_year SET status = 'closed', closed_at = ifnull(closed_at, ?2)
             WHERE id = ?1",
            rusqlite::params![year_id, super::now()],
        )?;
        let broken: i64 =
            tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })?;
        if broken > 0 {
            return Err(invalid(format!(
                "the archive would leave {broken} rows pointing at rows left out; nothing written"
            )));
        }
        tx.commit()?;
        // Wipe what was left out from the file's free pages.
        c.execute_batch("VACUUM")?;
        Ok(left_out)
    });
    match result {
        Ok(left_out) => {
            let checked = check_copy(&part)?;
            fs::rename(&part, out).map_err(|e| invalid(format!("{}: {e}", out.display())))?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                fs::set_permissions(out, fs::Permissions::from_mode(0o400))
                    .map_err(|e| invalid(format!("{}: {e}", out.display())))?;
            }
            Ok(Archived {
                path: out.to_path_buf(),
                checked,
                left_out,
            })
        }
        Err(e) => {
            let _ = fs::remove_file(&part);
            Err(e)
        }
    }
}
