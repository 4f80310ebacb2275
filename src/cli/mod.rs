//! Headless commands and the command line. `main.rs` only calls [`main`].

/// `println!` for the command line's standard output: what is printed may
/// hold names, topics and file contents, so control characters (but line
/// breaks and tabs) are shown as U+FFFD and no escape sequence reaches the
/// terminal; a closed pipe (`| head`) ends the output quietly.
macro_rules! outln {
    () => { $crate::cli::input::out("\n") };
    ($($t:tt)*) => { $crate::cli::input::out(&format!("{}\n", format_args!($($t)*))) };
}

/// `print!` for the command line's standard output (see `outln!`).
macro_rules! out {
    ($($t:tt)*) => { $crate::cli::input::out(&format!($($t)*)) };
}

pub mod export;
pub mod history;
pub mod import;
pub mod indicators;
pub mod journal;
pub mod person;
pub mod review;
pub mod school;
pub mod settings;
pub mod training;
pub mod users;
pub mod year;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};

use crate::service::demo::{self, DemoOptions, DemoSize};

pub mod attendance;
pub mod custody;
pub mod input;
// reports
pub mod report;
use crate::store::access::Who;
use crate::store::{self, Db, OpenMode, OpenOptions};

/// Exit codes, documented in the README.
pub mod exit {
    pub const OK: u8 = 0;
    /// A check or review found problems.
    pub const FINDINGS: u8 = 1;
    /// Bad command line (clap's own code).
    pub const USAGE: u8 = 2;
    /// The database could not be opened (missing, not SQLite, read-only,
    /// locked, newer schema).
    pub const DATABASE: u8 = 3;
    /// Anything else went wrong.
    pub const ERROR: u8 = 4;
    /// The operator may not do this (their role does not allow the change,
    /// or `--as` without being an administrator); nothing was saved.
    pub const NOT_ALLOWED: u8 = 5;
    /// `--as` by someone who is not an administrator of the database.
    pub const AS_REFUSED: u8 = 6;
    /// Not saved: the value to replace is not the one the command expected
    /// (someone else saved another; see `--expect` and `--overwrite`).
    pub const CHANGED: u8 = 7;
    /// Not saved: the change belongs to a closed school year (`classbook
    /// year reopen` first).
    pub const CLOSED: u8 = 8;
}

#[derive(Debug, Parser)]
#[command(
    name = "classbook",
    version,
    about = "A school's class journals, attendance, training and plan indicators, in the terminal",
    after_help = "Changes are made as the operating-system user, with the roles that user holds \
                  (administrator, deputy head, teacher, class teacher, training lead, viewer): \
                  see `classbook help users`. A change the role does not allow saves nothing \
                  and exits 5; --as by someone who is not an administrator exits 6. A value \
                  someone else saved is replaced only with --expect VALUE (what you saw) or \
                  --overwrite: otherwise nothing is saved and the command exits 7."
)]
pub struct Cli {
    /// The database file (default: the user's data directory).
    #[arg(long, global = true, env = "CLASSBOOK_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Act as another login, with its permissions, recorded as "you as
    /// NAME" (administrators only; see `classbook users`).
    #[arg(long = "as", global = true, value_name = "NAME")]
    pub operator: Option<String>,
    /// Monochrome: bold and reverse video only (also when NO_COLOR is set).
    #[arg(long, global = true)]
    pub no_color: bool,
    /// Open the database for reading only: every screen, report and the
    /// review work, every write is refused (a file you may not write, such
    /// as an archive, opens so by itself).
    #[arg(long, global = true)]
    pub read_only: bool,
    /// Open the TUI on a fresh small demo school (in its own demo file,
    /// never your database).
    #[arg(long)]
    pub demo: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create an empty school database (schema and reference data).
    Init {
        /// The school's full name.
        #[arg(long)]
        school: String,
        /// A short name for the status bar.
        #[arg(long)]
        short_name: Option<String>,
    },
    /// Write the demo school into a new database file.
    Demo {
        #[arg(long, value_enum, default_value = "small")]
        size: DemoSize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Check the database: integrity, foreign keys, schema version, row counts.
    Check {
        #[arg(long, value_enum, default_value = "text")]
        format: TextOrJson,
        /// Also print a checksum of all rows but the audit log.
        #[arg(long)]
        checksum: bool,
    },
    /// Teacher training: sessions, roll call, external training, standing.
    #[command(subcommand, long_about = training::ABOUT)]
    Training(training::TrainingCommand),
    /// Attendance: show a day or a period, set codes, give reasons, list lessons not taken.
    Attendance(attendance::AttendanceArgs),
    /// The class journal: show a grid, set marks, final grades and lesson
    /// records, import thematic plans.
    Journal {
        #[command(subcommand)]
        command: Box<journal::JournalCommand>,
    },
    /// Plan indicators: show a programme's table, enter actual values and
    /// targets, bind and recompute computed metrics, import and export CSV.
    #[command(subcommand, long_about = indicators::about())]
    Indicators(indicators::IndicatorsCommand),
    /// The school's settings: deadlines, mark thresholds, rule severities.
    #[command(subcommand)]
    Settings(settings::SettingsCommand),
    /// Check the records against the school's rules; exit 1 on errors.
    #[command(long_about = review::ABOUT)]
    Review(review::ReviewArgs),
    /// Import a school's data from OneRoster CSV or the plain CSV templates
    /// (all or nothing; a re-import is an update).
    #[command(long_about = import::ABOUT)]
    Import(import::ImportArgs),
    /// Hand the school's data to another system: OneRoster 1.2 CSV of one
    /// school year (roster, marks and period grades, attendance).
    #[command(subcommand)]
    Export(export::ExportCommand),
    /// Print a CSV template to fill in (calendar, periods, bells, classes,
    /// staff, students, guardians, curriculum, timetable, movements).
    Template(import::TemplateArgs),
    /// Set the school up by hand: years, periods, holidays, bells, subjects,
    /// staff, classes, groups, curriculum (`school show` says what is missing).
    School(school::SchoolArgs),
    /// Students: list, add, correct, arrive, leave, transfer (with orders),
    /// groups, guardians.
    #[command(subcommand)]
    Student(school::StudentCommand),
    /// The timetable: a class's week, a lesson set or cleared from a date.
    #[command(subcommand)]
    Timetable(school::TimetableCommand),
    /// Reports to print and file: performance, attendance, keeping,
    /// training, indicators (text, CSV, JSON or printable HTML).
    #[command(long_about = report::ABOUT)]
    Report(report::ReportArgs),
    /// Who may do what: list the logins and their roles, grant and revoke
    /// roles (administrators).
    #[command(long_about = users::ABOUT)]
    Users {
        #[command(subcommand)]
        command: Option<users::UsersCommand>,
    },
    /// Back the database up into one checked file (online, while others
    /// write); `--keep N` rotates for cron.
    #[command(long_about = custody::BACKUP_ABOUT)]
    Backup(custody::BackupArgs),
    /// A self-contained read-only copy of one school year.
    #[command(long_about = custody::ARCHIVE_ABOUT)]
    Archive(custody::ArchiveArgs),
    /// Put a checked backup in place of the database, keeping the old one.
    #[command(long_about = custody::RESTORE_ABOUT)]
    Restore(custody::RestoreArgs),
    /// The change history in words, by person, class, operator and dates.
    #[command(long_about = history::ABOUT)]
    Audit(history::AuditArgs),
    /// One person's data: everything about a student or a member of staff.
    #[command(subcommand, long_about = person::ABOUT)]
    Person(person::PersonCommand),
    /// The school years: list, close (read-only from then on), reopen.
    #[command(subcommand, long_about = year::ABOUT)]
    Year(year::YearCommand),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TextOrJson {
    Text,
    Json,
}

/// Who is making changes: the operating-system user running classbook
/// (the account of the process's user id, never `USER` or `SUDO_USER` as
/// given), or, with `--as NAME`, NAME with NAME's permissions, recorded as
/// "X as NAME": allowed only when X is an administrator of the database.
/// `init` and `demo` are run as oneself (their maker is the new file's
/// administrator).
fn resolve_who(cli: &Cli, db_path: &Path) -> anyhow::Result<Who> {
    let me = Who::os();
    let Some(name) = cli
        .operator
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != me.login)
    else {
        return Ok(me);
    };
    if matches!(
        cli.command,
        Some(Command::Init { .. } | Command::Demo { .. })
    ) || cli.demo
    {
        return Err(AsRefused(format!(
            "--as {name}: a new database is made by its administrator, yourself ({}); leave --as out",
            me.login
        ))
        .into());
    }
    let who = me.acting_as(name);
    // Refuse at once, before any command runs, when the database is there
    // to ask (a missing one is reported by the command).
    if db_path.exists() {
        let db = store::open(db_path, &open_options())?;
        if let Err(e) = store::access::check_acting(db.conn(), &who, db_path) {
            return Err(AsRefused(e.to_string()).into());
        }
    }
    Ok(who)
}

/// `--as` by someone who is not an administrator (exit code
/// [`exit::AS_REFUSED`]).
#[derive(Debug, thiserror::Error)]
#[error("not allowed: {0}")]
pub struct AsRefused(pub String);

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "classbook")
}

/// The default database: `<data dir>/classbook.sqlite`.
pub fn default_db_path() -> PathBuf {
    project_dirs().map_or_else(
        || PathBuf::from("classbook.sqlite"),
        |p| p.data_dir().join("classbook.sqlite"),
    )
}

/// The demo's own file, beside (never instead of) the user's database.
pub fn demo_db_path() -> PathBuf {
    project_dirs().map_or_else(
        || std::env::temp_dir().join("classbook-demo.sqlite"),
        |p| p.data_dir().join("demo").join("classbook-demo.sqlite"),
    )
}

/// Parse the command line, run, and turn the outcome into an exit code.
pub fn main() -> ExitCode {
    store::restrict_umask();
    // `classbook review | head`: end quietly when the reader goes away, as
    // Unix tools do, rather than panic on a failed print.
    // SAFETY: setting a signal's disposition to the default at start-up,
    // before any thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            });
        }
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            let code = input::exit_code(&e);
            crate::cli::input::say(&format!("classbook: {e:#}"));
            ExitCode::from(code)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    READ_ONLY.store(cli.read_only, std::sync::atomic::Ordering::Relaxed);
    let db_path = cli.db.clone().unwrap_or_else(default_db_path);
    let who = resolve_who(&cli, &db_path)?;
    let operator = who.operator();
    // Every database this process opens checks its writes against `who`.
    who.clone().set_for_process();
    match cli.command {
        None if cli.demo => {
            let path = demo_db_path();
            fresh_demo(&path, &DemoOptions::default())?;
            let db = store::open(&path, &crate::cli::open_options())?;
            run_tui(db, &operator, cli.no_color)
        }
        None => {
            let db = store::open(&db_path, &crate::cli::open_options())?;
            run_tui(db, &operator, cli.no_color)
        }
        Some(Command::Init { school, short_name }) => {
            if db_path.exists() {
                anyhow::bail!("{}: already exists; choose another --db", db_path.display());
            }
            let mut db = store::open(
                &db_path,
                &OpenOptions {
                    mode: OpenMode::Create,
                    ..crate::cli::open_options()
                },
            )?;
            let short = short_name.unwrap_or_else(|| school.clone());
            db.write(|tx| -> anyhow::Result<()> {
                let s = crate::domain::School {
                    name: school.clone(),
                    short_name: short,
                    address: String::new(),
                    as_of: None,
                };
                store::school::set_school(tx, &s)?;
                store::audit::record(
                    tx,
                    &operator,
                    "school.init",
                    "school",
                    "1",
                    None,
                    Some(&serde_json::to_value(&s)?),
                )?;
                // Whoever made the file administers it (also should the file
                // change owner).
                store::access::grant(tx, &operator, &who.login, "admin")?;
                Ok(())
            })?;
            outln!("created {}", db_path.display());
            Ok(exit::OK)
        }
        Some(Command::Demo { size, seed, force }) => {
            if db_path.exists() && !force {
                anyhow::bail!(
                    "{}: already exists; add --force to overwrite it with the demo school",
                    db_path.display()
                );
            }
            let started = Instant::now();
            let stats = fresh_demo(&db_path, &DemoOptions { size, seed })?;
            outln!(
                "demo school ({}) written to {} in {:.1} s: {} classes, {} students, {} staff, {} lessons, {} marks, {} attendance entries, {} training sessions; records up to {}",
                match size {
                    DemoSize::Small => "small",
                    DemoSize::Large => "large",
                },
                db_path.display(),
                started.elapsed().as_secs_f64(),
                stats.classes,
                stats.students,
                stats.staff,
                stats.lessons,
                stats.marks,
                stats.attendance,
                stats.training_sessions,
                stats
                    .as_of
                    .map_or_else(String::new, |d| d.format("%d.%m.%Y").to_string()),
            );
            Ok(exit::OK)
        }
        Some(Command::Training(cmd)) => training::run(&db_path, &operator, cmd),
        Some(Command::Year(cmd)) => {
            let db = store::open(&db_path, &crate::cli::open_options())?;
            year::run(cmd, db, &operator)
        }
        Some(Command::Audit(args)) => {
            let db = store::open(&db_path, &crate::cli::open_options())?;
            history::run(args, db)
        }
        Some(Command::Person(cmd)) => person::run(cmd, &db_path, &who),
        Some(Command::Archive(args)) => custody::run_archive(args, &db_path, &who),
        Some(Command::Backup(args)) => custody::run_backup(args, &db_path, &who),
        Some(Command::Restore(args)) => custody::run_restore(args, &db_path, &who),
        Some(Command::Check { format, checksum }) => {
            let db = store::open(&db_path, &crate::cli::open_options())?;
            let report = store::check::run(db.conn())?;
            // Writes are refused while the file is known damaged, and
            // allowed again once it checks out whole.
            if report.integrity == ["ok"] && report.unreadable.is_empty() {
                store::mark_damaged(&db_path, None);
            } else {
                store::mark_damaged(&db_path, Some("found by classbook check"));
            }
            let sum = if checksum {
                Some(demo::checksum(db.conn())?)
            } else {
                None
            };
            match format {
                TextOrJson::Json => {
                    let mut v = serde_json::to_value(&report)?;
                    v["ok"] = serde_json::Value::Bool(report.ok());
                    if let Some(sum) = sum {
                        v["checksum"] = serde_json::Value::String(format!("{sum:016x}"));
                    }
                    outln!("{}", serde_json::to_string_pretty(&v)?);
                }
                TextOrJson::Text => out!("{}", check_text(&db_path, &report, sum)),
            }
            Ok(if report.ok() {
                exit::OK
            } else {
                exit::FINDINGS
            })
        }
        Some(Command::Attendance(args)) => {
            let db = store::open(&db_path, &crate::cli::open_options())?;
            attendance::run(args, db, &operator)
        }
        Some(Command::Settings(cmd)) => {
            let db = store::open(&db_path, &crate::cli::open_options())?;
            settings::run(cmd, db, &operator)
        }
        Some(Command::Review(args)) => {
            let db = store::open(&db_path, &crate::cli::open_options())?;
            review::run(args, db, &operator)
        }
        // journal
        Some(Command::Journal { command }) => journal::run(&db_path, &operator, *command),
        // indicators
        Some(Command::Indicators(cmd)) => indicators::run(&db_path, &operator, cmd),
        // reports
        Some(Command::Report(args)) => report::run(&db_path, args),
        Some(Command::Import(args)) => {
            let db = store::open(&db_path, &crate::cli::open_options())?;
            import::run(args, db, &operator)
        }
        Some(Command::Template(args)) => import::template(args),
        Some(Command::Export(cmd)) => export::run(&db_path, cmd),
        Some(Command::School(cmd)) => {
            let db = store::open(&db_path, &crate::cli::open_options())?;
            school::run_school(cmd, db, &operator)
        }
        Some(Command::Student(cmd)) => {
            let db = store::open(&db_path, &crate::cli::open_options())?;
            school::run_student(cmd, db, &operator)
        }
        Some(Command::Timetable(cmd)) => {
            let db = store::open(&db_path, &crate::cli::open_options())?;
            school::run_timetable(cmd, db, &operator)
        }
        Some(Command::Users { command }) => {
            let db = store::open(&db_path, &OpenOptions::default())?;
            users::run(command, db, &operator)
        }
    }
}

fn check_text(path: &Path, r: &store::check::CheckReport, sum: Option<u64>) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(out, "database       {}", path.display());
    let _ = writeln!(
        out,
        "schema         version {} (this classbook: {}){}",
        r.schema_version,
        r.supported_version,
        if r.schema_version == r.supported_version {
            ""
        } else {
            "  PROBLEM"
        }
    );
    // SQLite's own lines, a few of them: a damaged page gives hundreds.
    let lines: Vec<String> = r
        .integrity
        .iter()
        .flat_map(|l| l.lines().map(str::to_string))
        .filter(|l| !l.trim().is_empty() && !l.starts_with("*** in database"))
        .collect();
    if lines == ["ok"] {
        let _ = writeln!(out, "integrity      ok");
    } else {
        let _ = writeln!(
            out,
            "integrity      DAMAGED: {}{} problems; restore the latest backup \
             (the first ones below, as SQLite reports them)",
            lines.len(),
            // SQLite stops counting at 100.
            if lines.len() >= 100 { " or more" } else { "" }
        );
        for l in lines.iter().take(5) {
            let _ = writeln!(out, "  {l}");
        }
        if lines.len() > 5 {
            let _ = writeln!(out, "  … and {} more", lines.len() - 5);
        }
    }
    if r.foreign_key_violations.is_empty() {
        let _ = writeln!(out, "foreign keys   ok");
    } else {
        let _ = writeln!(
            out,
            "foreign keys   {} violations:",
            r.foreign_key_violations.len()
        );
        for v in &r.foreign_key_violations {
            let _ = writeln!(out, "  {v}");
        }
    }
    if r.settings.is_empty() {
        let _ = writeln!(out, "settings       ok");
    } else {
        let _ = writeln!(
            out,
            "settings       {} stored value(s) not valid (the defaults are used):",
            r.settings.len()
        );
        for l in &r.settings {
            let _ = writeln!(out, "  {l}");
        }
    }
    if r.audit_chain.is_empty() {
        let _ = writeln!(out, "audit log      ok (every entry matches its seal)");
    } else {
        let _ = writeln!(
            out,
            "audit log      CHANGED after it was written (someone edited the file):"
        );
        for l in &r.audit_chain {
            let _ = writeln!(out, "  {l}");
        }
    }
    if let Some(sum) = sum {
        let _ = writeln!(out, "checksum       {sum:016x}");
    }
    let _ = writeln!(out, "rows per table:");
    let width = r.tables.iter().map(|(t, _)| t.len()).max().unwrap_or(0);
    for (t, n) in &r.tables {
        if *n < 0 {
            let _ = writeln!(out, "  {t:<width$}  unreadable");
        } else {
            let _ = writeln!(out, "  {t:<width$}  {n:>9}");
        }
    }
    for u in &r.unreadable {
        let _ = writeln!(out, "unreadable     {u}");
    }
    let _ = writeln!(out, "{}", if r.ok() { "OK" } else { "PROBLEMS FOUND" });
    out
}

/// Write a demo school into `path`, replacing the file (and its -wal/-shm).
fn fresh_demo(path: &Path, opts: &DemoOptions) -> anyhow::Result<demo::DemoStats> {
    remove_db_files(path)?;
    let result = (|| -> anyhow::Result<demo::DemoStats> {
        let mut db = store::open(
            path,
            &OpenOptions {
                mode: OpenMode::Create,
                ..crate::cli::open_options()
            },
        )?;
        let stats = demo::generate(&mut db, opts)?;
        // The demo's maker administers it: the demo and their scripts work
        // as before roles existed.
        let who = Who::current();
        db.write(|tx| store::access::grant(tx, &who.operator(), &who.login, "admin"))?;
        db.conn()
            .execute_batch("PRAGMA optimize; PRAGMA wal_checkpoint(TRUNCATE);")?;
        Ok(stats)
    })();
    if result.is_err() {
        // Leave no half-made demo behind (the file is ours: we just created it).
        remove_db_files(path)?;
    }
    result
}

/// Remove a database file and its -wal/-shm companions, if present.
fn remove_db_files(path: &Path) -> anyhow::Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let p = store::companion(path, suffix);
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(e).with_context(|| format!("{}: cannot remove", p.display()));
            }
        }
    }
    Ok(())
}

/// How the command line opens the database: a write waits, saying so on
/// standard error, while an import another process announced runs (up to
/// ten minutes), instead of failing after the busy timeout.
/// `--read-only` was given.
static READ_ONLY: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub fn open_options() -> OpenOptions {
    OpenOptions {
        read_only: READ_ONLY.load(std::sync::atomic::Ordering::Relaxed),
        read_only_if_needed: true,
        patience: std::time::Duration::from_secs(600),
        on_wait: Some(|what| input::say(&format!("classbook: {what}"))),
        on_warning: Some(|what| input::say(&format!("classbook: warning: {what}"))),
        ..OpenOptions::default()
    }
}

fn run_tui(mut db: Db, operator: &str, no_color: bool) -> anyhow::Result<u8> {
    // The screen cannot wait minutes for a key's write: it gives up after
    // the busy timeout, naming the writer it met.
    db.set_waiting(std::time::Duration::ZERO, None);
    let opts = crate::ui::UiOptions {
        operator: operator.to_string(),
        no_color,
        today: chrono::Local::now().date_naive(),
    };
    crate::ui::run(db, opts)?;
    Ok(0)
}
