//! The repository layer: the only place that speaks SQL.
//!
//! [`open`] is the one way to a database: it refuses files that are not
//! SQLite, read-only, locked, or newer than this program before anything is
//! written, creates new files with mode 0600, sets the connection pragmas and
//! applies the append-only migrations. Repositories are free functions per
//! aggregate taking a `&Connection` (a `&Transaction` derefs to one), so
//! several writes compose into one transaction begun IMMEDIATE by
//! [`Db::write`].

pub mod access;
pub mod attendance;
pub mod audit;
pub mod check;
pub mod classes;
pub mod closed;
pub mod curriculum;
pub mod custody;
pub mod history;
pub mod indicators;
pub mod journal;
pub mod metrics;
pub mod migrate;
pub mod people;
pub mod reference;
pub mod review;
pub mod rows;
pub mod school;
pub mod settings;
pub mod training;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags, Transaction, TransactionBehavior};
use thiserror::Error;

pub use rusqlite::Connection as Conn;

/// What can go wrong opening a database; each is one line for the user.
#[derive(Debug, Error)]
pub enum OpenError {
    #[error(
        "{0}: no such database (create one with `classbook init --db {0} --school NAME` or `classbook demo --db {0}`)"
    )]
    NotFound(PathBuf),
    #[error("{0}: not a classbook database (the file is not SQLite)")]
    NotSqlite(PathBuf),
    #[error(
        "{0}: the file is empty, not a classbook database (create one with `classbook init --db {0} --school NAME`)"
    )]
    Empty(PathBuf),
    #[error(
        "{0}: not a regular file (a pipe, a device or a socket); give the path of a classbook database"
    )]
    NotAFile(PathBuf),
    #[error(
        "{path}: schema version {found} is newer than this classbook supports ({supported}); upgrade classbook"
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("{0}: the database file is read-only; classbook needs to write to it")]
    ReadOnly(PathBuf),
    #[error("{0}: the database is locked by another process; try again when it has finished")]
    Locked(PathBuf),
    #[error("{path}: could not bring the schema up to date: {message}")]
    Migration { path: PathBuf, message: String },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
}

/// Errors of the repositories.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("the database is locked by another process; nothing was saved, try again")]
    Locked,
    #[error("the database is busy with {0}; nothing was saved, try again when it has finished")]
    LockedBy(String),
    /// The file is damaged (found by `check` or by a read or write that met
    /// a damaged page): writes are refused until it checks out again.
    #[error(
        "the database file is damaged ({0}); nothing was saved: run `classbook check` for the details and restore the latest backup"
    )]
    Damaged(String),
    #[error("{0}")]
    Invalid(String),
    /// Someone else's value is where the write expected another: nothing
    /// was saved.
    #[error("{0}")]
    Changed(String),
    #[error("not found: {0}")]
    NotFound(String),
    /// The operator may not make this change (nothing was saved).
    #[error("not allowed: {0}")]
    NotPermitted(String),
    /// The change belongs to a closed school year (nothing was saved).
    #[error("{0}; nothing was saved")]
    Closed(String),
    /// The database is open for reading only.
    #[error("read-only: {0} is open for reading only; nothing was saved")]
    ReadOnly(String),
    #[error(transparent)]
    Sqlite(rusqlite::Error),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        if is_busy(&e) {
            StoreError::Locked
        } else {
            StoreError::Sqlite(e)
        }
    }
}

impl From<csv::Error> for StoreError {
    fn from(e: csv::Error) -> Self {
        StoreError::Invalid(e.to_string())
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// The file must exist and be a classbook (or empty SQLite) database.
    Existing,
    /// Create the file (mode 0600) if it is missing.
    Create,
}

#[derive(Debug, Clone)]
pub struct OpenOptions {
    pub mode: OpenMode,
    pub busy_timeout: Duration,
    /// How long a write waits for a long write another process announced
    /// (see [`Db::set_waiting`]); zero: give up after the busy timeout.
    pub patience: Duration,
    /// Told what a waiting write waits for.
    pub on_wait: Option<fn(&str)>,
    /// Told what the user should know about the file as it opens (see
    /// [`Db::warnings`]).
    pub on_warning: Option<fn(&str)>,
    /// Open for reading only: every write is refused
    /// ([`StoreError::ReadOnly`]); nothing about the file is changed.
    pub read_only: bool,
    /// A file the user may not write (a `chmod 400` archive) is opened for
    /// reading only instead of refused.
    pub read_only_if_needed: bool,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            mode: OpenMode::Existing,
            busy_timeout: Duration::from_secs(5),
            patience: Duration::ZERO,
            on_wait: None,
            on_warning: None,
            read_only: false,
            read_only_if_needed: false,
        }
    }
}

/// An open classbook database.
pub struct Db {
    conn: Connection,
    path: PathBuf,
    /// How long a write waits, beyond the busy timeout, for a long write
    /// another process announced (an import) while that process lives.
    patience: Duration,
    /// Told what a waiting write waits for (the command line prints it).
    on_wait: Option<fn(&str)>,
    /// What the user should know about the file (companions readable by
    /// others that could not be narrowed).
    pub warnings: Vec<String>,
    /// The reading the next write is guarded by ([`Db::guard_next`]).
    next_seen: Option<i64>,
    /// Whose permissions every write is checked against (the process's
    /// operating-system user until [`Db::set_who`] says otherwise).
    who: access::Who,
    /// Told after each write when the WAL is checkpointed by a thread of
    /// its own ([`Db::checkpoint_in_background`]).
    checkpointer: Option<std::sync::mpsc::Sender<()>>,
    /// Opened for reading only: every write is refused.
    read_only: bool,
    /// The audit log's newest entry when the last write began.
    last_since: Option<i64>,
}

/// A long write another process announced in `<database>-writer` (see
/// [`Db::write_announced`]): what, by whom, since when, which process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Writer {
    pub what: String,
    pub operator: String,
    pub since: String,
    pub pid: u32,
}

/// A file beside the database named after it: `<database><suffix>`
/// (`-wal`, `-shm`, `-writer`, `-damaged`).
pub fn companion(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}

impl Writer {
    fn file(db: &Path) -> PathBuf {
        companion(db, "-writer")
    }

    /// The announced writer of the database at `db`, if its process lives.
    pub fn of(db: &Path) -> Option<Writer> {
        let text = fs::read_to_string(Writer::file(db)).ok()?;
        let mut lines = text.lines();
        let pid: u32 = lines.next()?.trim().parse().ok()?;
        let since = lines.next()?.to_string();
        let operator = lines.next()?.to_string();
        let what = lines.next()?.to_string();
        process_lives(pid).then_some(Writer {
            what,
            operator,
            since,
            pid,
        })
    }

    /// "the import of x.csv by ivanova (since 16:40:02 UTC)".
    pub fn describe(&self) -> String {
        let since = self
            .since
            .get(11..19)
            .map(|t| format!("{t} UTC"))
            .unwrap_or_else(|| self.since.clone());
        format!("{} by {} (since {since})", self.what, self.operator)
    }
}

#[cfg(unix)]
fn process_lives(pid: u32) -> bool {
    let Ok(pid) = i32::try_from(pid) else {
        return false;
    };
    // SAFETY: signal 0 sends nothing; it only asks whether the process
    // exists (EPERM: it exists under another user).
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
fn process_lives(_pid: u32) -> bool {
    true
}

/// `<database>-damaged`: written when the file is found damaged (by `check`,
/// or a statement that met a damaged page), removed when `check` finds it
/// whole again. While it is there every write is refused: a damaged file is
/// read (to see what can be saved) but not written to.
pub fn damaged_marker(db: &Path) -> PathBuf {
    companion(db, "-damaged")
}

/// Note (or clear, with `None`) that the database at `db` is damaged.
pub fn mark_damaged(db: &Path, why: Option<&str>) {
    let marker = damaged_marker(db);
    match why {
        Some(why) => {
            let _ = fs::write(&marker, format!("{}\n{why}\n", now()));
        }
        None => {
            let _ = fs::remove_file(&marker);
        }
    }
}

/// Whether the database at `db` is known damaged, and why.
pub fn known_damage(db: &Path) -> Option<String> {
    let text = fs::read_to_string(damaged_marker(db)).ok()?;
    let mut lines = text.lines();
    let at = lines.next().unwrap_or_default();
    let why = lines.next().unwrap_or("damaged");
    Some(format!("{why}; found at {at}"))
}

/// After a failed statement: whether SQLite's last error on `conn` was a
/// damaged page.
fn corrupt_now(conn: &Connection) -> bool {
    // SAFETY: reads the connection's last error code; no other thread uses
    // this connection.
    let code = unsafe { rusqlite::ffi::sqlite3_errcode(conn.handle()) };
    code & 0xff == rusqlite::ffi::SQLITE_CORRUPT || code & 0xff == rusqlite::ffi::SQLITE_NOTADB
}

fn is_corrupt(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase)
    )
}

/// Removes the `-writer` announcement when the long write ends, however it
/// ends.
struct Announcement(PathBuf);

impl Drop for Announcement {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Restrict every file this process creates to its owner (the database, its
/// -wal and -shm files, backups): school records are personal data.
pub fn restrict_umask() {
    // SAFETY: umask only changes this process's file-creation mask.
    unsafe {
        libc::umask(0o077);
    }
}

/// Open (and migrate) a database. Nothing is written before every check
/// that can refuse the file has passed.
pub fn open(path: &Path, opts: &OpenOptions) -> Result<Db, OpenError> {
    let io = |source| OpenError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut read_only = opts.read_only;
    let sql = |source: rusqlite::Error| {
        if is_busy(&source) {
            OpenError::Locked(path.to_path_buf())
        } else if source.sqlite_error_code() == Some(ErrorCode::NotADatabase) {
            OpenError::NotSqlite(path.to_path_buf())
        } else if source.sqlite_error_code() == Some(ErrorCode::ReadOnly) {
            OpenError::ReadOnly(path.to_path_buf())
        } else {
            OpenError::Sqlite {
                path: path.to_path_buf(),
                source,
            }
        }
    };
    match fs::metadata(path) {
        Ok(meta) => {
            if meta.is_dir() {
                return Err(OpenError::NotSqlite(path.to_path_buf()));
            }
            // A FIFO would block the open forever; a device is no database.
            if !meta.is_file() {
                return Err(OpenError::NotAFile(path.to_path_buf()));
            }
            // An existing empty file is not made into a classbook database
            // unless asked (`init`, `demo` create theirs).
            if meta.len() == 0 && opts.mode == OpenMode::Existing {
                return Err(OpenError::Empty(path.to_path_buf()));
            }
            // Checked explicitly: root may write to a 0444 file, but a file
            // marked read-only is the owner saying "do not change this".
            if meta.permissions().readonly() && !read_only {
                if !opts.read_only_if_needed {
                    return Err(OpenError::ReadOnly(path.to_path_buf()));
                }
                read_only = true;
            }
            let mut head = [0u8; 16];
            let mut f = fs::File::open(path).map_err(io)?;
            let n = read_up_to(&mut f, &mut head).map_err(io)?;
            if n > 0 && (n < 16 || &head != SQLITE_MAGIC) {
                return Err(OpenError::NotSqlite(path.to_path_buf()));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if opts.mode == OpenMode::Existing {
                return Err(OpenError::NotFound(path.to_path_buf()));
            }
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                fs::create_dir_all(dir).map_err(io)?;
            }
            create_private_file(path).map_err(io)?;
        }
        Err(e) => return Err(io(e)),
    }
    // The -wal and -shm files get the umask's mode; make it private even if
    // the caller did not. Those an older run left wider are narrowed.
    restrict_umask();
    let warnings = if read_only {
        vec![]
    } else {
        narrow_companions(path)
    };
    if let Some(say) = opts.on_warning {
        warnings.iter().for_each(|w| say(w));
    }
    let mut conn = if read_only {
        open_read_only(path).map_err(sql)?
    } else {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        Connection::open_with_flags(path, flags).map_err(sql)?
    };
    if !read_only && conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false) {
        if !opts.read_only_if_needed {
            return Err(OpenError::ReadOnly(path.to_path_buf()));
        }
        read_only = true;
        conn = open_read_only(path).map_err(sql)?;
    }
    conn.busy_timeout(opts.busy_timeout).map_err(sql)?;
    // Every statement the program runs stays prepared (the default keeps 16).
    conn.set_prepared_statement_cache_capacity(256);
    // Read before writing anything: this is where a non-database or a
    // newer schema is noticed.
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(sql)?;
    let supported = migrate::latest();
    if version > supported {
        return Err(OpenError::NewerSchema {
            path: path.to_path_buf(),
            found: version,
            supported,
        });
    }
    if version > 0 && !is_classbook(&conn).map_err(sql)? {
        return Err(OpenError::NotSqlite(path.to_path_buf()));
    }
    if version == 0 {
        let tables: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE type = 'table'",
                [],
                |r| r.get(0),
            )
            .map_err(sql)?;
        if tables > 0 {
            // Some other application's SQLite database.
            return Err(OpenError::NotSqlite(path.to_path_buf()));
        }
        // Another program's empty SQLite file is not taken over either.
        if opts.mode == OpenMode::Existing {
            return Err(OpenError::Empty(path.to_path_buf()));
        }
    }
    if read_only && version < supported {
        return Err(OpenError::Migration {
            path: path.to_path_buf(),
            message: format!(
                "it has schema {version} and this classbook reads {supported}; a file opened \
                 read-only cannot be brought up to date: open a writable copy once"
            ),
        });
    }
    if !read_only {
        conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")
            .map_err(sql)?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(sql)?;
        debug_assert!(mode.eq_ignore_ascii_case("wal") || mode.eq_ignore_ascii_case("memory"));
    }
    let mut db = Db {
        conn,
        path: path.to_path_buf(),
        patience: opts.patience,
        on_wait: opts.on_wait,
        warnings,
        next_seen: None,
        checkpointer: None,
        who: access::Who::current(),
        read_only,
        last_since: None,
    };
    if read_only {
        return Ok(db);
    }
    migrate::apply(&mut db.conn).map_err(|e| match e {
        StoreError::Locked => OpenError::Locked(path.to_path_buf()),
        StoreError::Sqlite(s) => sql(s),
        other => OpenError::Migration {
            path: path.to_path_buf(),
            message: other.to_string(),
        },
    })?;
    Ok(db)
}

/// Open `path` for reading only. A WAL database whose `-shm` cannot be
/// made (a read-only directory) is read as it is on disk (`immutable`).
fn open_read_only(path: &Path) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    match conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0)) {
        Ok(_) => Ok(conn),
        Err(_) => {
            drop(conn);
            let mut uri = String::from("file:");
            for b in path.to_string_lossy().bytes() {
                match b {
                    b'%' | b'?' | b'#' | b' ' | 0x80.. => uri.push_str(&format!("%{b:02X}")),
                    _ => uri.push(b as char),
                }
            }
            uri.push_str("?immutable=1");
            Connection::open_with_flags(uri, flags | OpenFlags::SQLITE_OPEN_URI)
        }
    }
}

fn is_classbook(conn: &Connection) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'audit_log'",
        [],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n == 1)
}

fn read_up_to(f: &mut fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// Write `bytes` to `path` as a file only its owner may read (0600): a
/// report or an export holds personal data. An existing file is made 0600
/// too (`fs::write` alone keeps whatever mode it had).
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::io::Write;
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(path)?;
        // Only a regular file is narrowed (not /dev/stdout or a pipe).
        if f.metadata()?.is_file() {
            f.set_permissions(fs::Permissions::from_mode(0o600))?;
        }
        f.write_all(bytes)?;
        f.sync_all().or(Ok(()))
    }
    #[cfg(not(unix))]
    {
        fs::write(path, bytes)
    }
}

/// The `-wal` and `-shm` files of an existing database made private (0600)
/// when they are wider and ours; a warning for the user when they cannot
/// be (another owner).
#[cfg(unix)]
fn narrow_companions(path: &Path) -> Vec<String> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let mut warnings = vec![];
    for ext in ["-wal", "-shm"] {
        let p = companion(path, ext);
        let Ok(meta) = fs::metadata(&p) else { continue };
        if meta.mode() & 0o077 == 0 {
            continue;
        }
        // SAFETY: geteuid has no preconditions.
        let me = unsafe { libc::geteuid() };
        let narrowed =
            meta.uid() == me && fs::set_permissions(&p, fs::Permissions::from_mode(0o600)).is_ok();
        if !narrowed {
            warnings.push(format!(
                "{}: readable by others (mode {:o}) and not ours to change; ask its owner to run chmod 600",
                p.display(),
                meta.mode() & 0o777
            ));
        }
    }
    warnings
}

#[cfg(not(unix))]
fn narrow_companions(_path: &Path) -> Vec<String> {
    vec![]
}

#[cfg(unix)]
fn create_private_file(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map(|_| ())
}

#[cfg(not(unix))]
fn create_private_file(path: &Path) -> std::io::Result<()> {
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map(|_| ())
}

impl Db {
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The audit log's newest entry when the last write began (what a
    /// screen compares with what it read: no one else's write between).
    pub fn last_write_since(&self) -> Option<i64> {
        self.last_since
    }

    /// Opened for reading only ([`OpenOptions::read_only`], or a file the
    /// user may not write).
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// SQLite's `PRAGMA data_version`: it changes when another connection
    /// (another classbook, the command line) commits, never for this one's
    /// own writes. Reading it costs no I/O.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    /// Let writes wait up to `patience` for a long write another process
    /// announced (an import), calling `on_wait` with what they wait for
    /// when they start waiting and every ten seconds after. Without it a
    /// write gives up after the busy timeout, naming that writer.
    pub fn set_waiting(&mut self, patience: Duration, on_wait: Option<fn(&str)>) {
        self.patience = patience;
        self.on_wait = on_wait;
    }

    /// Whose permissions the writes are checked against.
    pub fn who(&self) -> &access::Who {
        &self.who
    }

    /// Check the writes against `who`'s permissions from now on.
    pub fn set_who(&mut self, who: access::Who) {
        self.who = who;
    }

    /// Run `f` in one write transaction begun IMMEDIATE: it either commits
    /// whole or leaves the database as it was. Before it commits, the
    /// changes it recorded in the audit log are checked against the
    /// operator's permissions ([`access::check`]); a change they do not
    /// allow rolls the whole transaction back with
    /// [`StoreError::NotPermitted`].
    pub fn write<T, E>(&mut self, f: impl FnOnce(&Transaction) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        self.write_seen(None, f)
    }

    /// Guard the next write (made by a service that runs its own
    /// transaction) as [`Db::write_seen`] with `seen`; `None` forgets it.
    pub fn guard_next(&mut self, seen: Option<i64>) {
        self.next_seen = seen;
    }

    /// [`Db::write`] for a writer that read the rows on a screen when the
    /// audit log's newest entry was `seen`: a row this write changes that
    /// someone else changed after that is not replaced unseen; the whole
    /// write is refused with [`StoreError::Changed`] naming who, when and
    /// what.
    pub fn write_seen<T, E>(
        &mut self,
        seen: Option<i64>,
        f: impl FnOnce(&Transaction) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let seen = seen.or(self.next_seen.take());
        if self.read_only {
            return Err(E::from(StoreError::ReadOnly(
                self.path.display().to_string(),
            )));
        }
        if let Some(why) = known_damage(&self.path) {
            return Err(E::from(StoreError::Damaged(why)));
        }
        let started = std::time::Instant::now();
        let mut told: Option<std::time::Instant> = None;
        // Say at once what the write will wait for (the busy timeout alone
        // is seconds of silence).
        if let (Some(say), Some(writer)) = (self.on_wait, Writer::of(&self.path))
            && writer.pid != std::process::id()
        {
            say(&format!("waiting for {}…", writer.describe()));
            told = Some(started);
        }
        let tx = loop {
            match self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
            {
                Ok(tx) => break tx,
                Err(e) if is_busy(&e) => {
                    let Some(writer) = Writer::of(&self.path) else {
                        return Err(E::from(StoreError::Locked));
                    };
                    if started.elapsed() >= self.patience {
                        return Err(E::from(StoreError::LockedBy(writer.describe())));
                    }
                    if told.is_none_or(|t| t.elapsed() >= Duration::from_secs(10)) {
                        if let Some(say) = self.on_wait {
                            say(&format!("waiting for {}…", writer.describe()));
                        }
                        told = Some(std::time::Instant::now());
                    }
                }
                Err(e) => return Err(E::from(StoreError::from(e))),
            }
        };
        let since = audit::last_id(&tx).map_err(E::from)?;
        self.last_since = Some(since);
        let changes = tx.total_changes();
        let out = f(&tx);
        // A write that met a damaged page marks the file (the error itself
        // reached `f`'s caller as it was).
        if out.is_err() && corrupt_now(&tx) {
            mark_damaged(&self.path, Some("a write met a damaged page"));
        }
        let out = out?;
        if let Some(seen) = seen
            && let Some(e) = audit::changed_under(&tx, seen, since).map_err(E::from)?
        {
            return Err(E::from(StoreError::Changed(format!(
                "{} changed this {} at {} after your screen read it ({}); theirs is kept and shown: do it again to replace it",
                e.operator,
                e.entity.replace('_', " "),
                e.at,
                audit::what_changed(&e)
            ))));
        }
        let changed = tx.total_changes() != changes;
        access::check(&tx, &self.who, &self.path, since, changed).map_err(E::from)?;
        closed::check(&tx, since).map_err(E::from)?;
        tx.commit().map_err(|e| {
            if is_corrupt(&e) {
                mark_damaged(&self.path, Some("a write met a damaged page"));
            }
            E::from(StoreError::from(e))
        })?;
        if let Some(c) = &self.checkpointer {
            let _ = c.send(());
        }
        Ok(out)
    }

    /// Copy the WAL back into the database on a thread of its own, once
    /// writes pause, instead of inside the write that fills it: a write
    /// never waits the tens of milliseconds a checkpoint of a large file
    /// takes (for the TUI, where each save is a key). A PASSIVE checkpoint
    /// blocks no one; what it cannot copy yet is copied the next time.
    pub fn checkpoint_in_background(&mut self) -> Result<()> {
        use std::sync::mpsc::RecvTimeoutError;
        if self.read_only {
            return Ok(());
        }
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(Duration::from_millis(200))?;
        let (tell, told) = std::sync::mpsc::channel::<()>();
        let checkpoint = move || {
            let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
        };
        std::thread::Builder::new()
            .name("checkpoint".into())
            .spawn(move || {
                while told.recv().is_ok() {
                    // Wait for a pause in the writes.
                    loop {
                        match told.recv_timeout(Duration::from_millis(250)) {
                            Ok(()) => continue,
                            Err(RecvTimeoutError::Timeout) => break,
                            Err(RecvTimeoutError::Disconnected) => {
                                checkpoint();
                                return;
                            }
                        }
                    }
                    checkpoint();
                }
            })
            .map_err(|e| invalid(format!("could not start the checkpoint thread: {e}")))?;
        self.conn.execute_batch("PRAGMA wal_autocheckpoint = 0")?;
        self.checkpointer = Some(tell);
        Ok(())
    }

    /// [`Db::write`] for a long write (an import): while it runs, other
    /// processes that want to write are told what they wait for and by
    /// whom (`<database>-writer`), and wait for it instead of giving up.
    pub fn write_announced<T, E>(
        &mut self,
        what: &str,
        operator: &str,
        f: impl FnOnce(&Transaction) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let file = Writer::file(&self.path);
        let line = |s: &str| s.replace(['\n', '\r'], " ");
        let text = format!(
            "{}\n{}\n{}\n{}\n",
            std::process::id(),
            now(),
            line(operator),
            line(what)
        );
        self.write(|tx| {
            // Announced once the lock is held. Best effort: a directory we
            // cannot write to only loses the notice.
            let _guard = fs::write(&file, text).ok().map(|_| Announcement(file));
            f(tx)
        })
    }
}

/// The current instant as stored (RFC 3339, UTC, seconds).
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Turn a constraint failure into a sentence for the user.
pub fn invalid(what: impl Into<String>) -> StoreError {
    StoreError::Invalid(what.into())
}
