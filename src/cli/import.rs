//! `classbook import KIND PATH` and `classbook template KIND`: a school's
//! own data in, from OneRoster CSV (a folder or a .zip) or the plain CSV
//! templates; all or nothing, every bad line named, `--dry-run` to see what
//! would change.

use std::path::PathBuf;

use clap::Args;

use super::exit;
use crate::service::import::apply::{self, ImportError};
use crate::service::import::model::Bundle;
use crate::service::import::{oneroster, results, templates};
use crate::store::{self, Db};

pub const ABOUT: &str = "\
Import a school's data: all or nothing, matched to what is already there by
the external id (OneRoster sourcedId, the templates' id column), so running it
again with a newer file is an update: renamed students are renamed, a student
missing from a full roster is listed as a departure to confirm (never deleted),
a changed timetable lesson is closed the day before and the new one opened.

KIND is `oneroster` (OneRoster 1.1 or 1.2 CSV: a folder or a .zip with
manifest.csv) or a template: calendar, periods, bells, classes, staff,
students, guardians, curriculum, timetable, movements (`classbook template
KIND` prints one to fill in). Every problem is printed as
file:line: column: what is wrong; exit 1 when the import was refused.";

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// oneroster, or a template kind (calendar, periods, bells, classes,
    /// staff, students, guardians, curriculum, timetable, movements).
    pub kind: String,
    /// The file (a template), or the folder or .zip (OneRoster).
    pub path: PathBuf,
    /// Show what would be added, changed and left alone; save nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The students file lists only some students (arrivals): do not list
    /// the others as departures to confirm.
    #[arg(long)]
    pub partial: bool,
}

#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// calendar, periods, bells, classes, staff, students, guardians,
    /// curriculum, timetable, movements
    pub kind: String,
}

fn kinds() -> String {
    templates::Kind::ALL
        .iter()
        .map(|k| k.name())
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn template(args: TemplateArgs) -> anyhow::Result<u8> {
    let Some(kind) = templates::Kind::parse(&args.kind) else {
        crate::cli::input::say(&format!(
            "classbook: no template «{}»; templates: {}",
            args.kind,
            kinds()
        ));
        return Ok(exit::USAGE);
    };
    out!("{}", templates::template(kind));
    Ok(exit::OK)
}

/// Read the files of an import.
pub fn read(kind: &str, path: &std::path::Path) -> Result<Bundle, String> {
    if !path.exists() {
        return Err(format!("{}: no such file or folder", path.display()));
    }
    if kind.eq_ignore_ascii_case("oneroster") {
        return Ok(oneroster::read(path));
    }
    match templates::Kind::parse(kind) {
        Some(k) => Ok(templates::read(k, path)),
        None => Err(format!(
            "no import kind «{kind}»; kinds: oneroster, {}",
            kinds()
        )),
    }
}

pub fn run(args: ImportArgs, mut db: Db, operator: &str) -> anyhow::Result<u8> {
    let mut bundle = match read(&args.kind, &args.path) {
        Ok(b) => b,
        Err(e) => {
            crate::cli::input::say(&format!("classbook: {e}"));
            return Ok(exit::USAGE);
        }
    };
    if args.partial {
        bundle.full_roster = false;
    }
    let today = chrono::Local::now().date_naive();
    // A OneRoster export with a gradebook (lineItems.csv, as `classbook
    // export oneroster` writes it) brings marks, period grades and
    // attendance too, after the roster they refer to.
    let gradebook = args.kind.eq_ignore_ascii_case("oneroster")
        && args.path.is_dir()
        && args.path.join("lineItems.csv").exists();
    match apply::apply(&mut db, operator, &bundle, today, args.dry_run) {
        Ok(mut r) => {
            for l in r.lines() {
                outln!("{l}");
            }
            if gradebook && args.dry_run {
                outln!(
                    "the gradebook (lineItems, results, attendance) is checked once the roster is imported"
                );
            } else if gradebook {
                match results::import(&mut db, operator, &args.path, false) {
                    Ok(g) => {
                        for l in g.lines().iter().skip(1) {
                            outln!("{l}");
                        }
                        r.audit_ids.extend(g.audit_ids);
                    }
                    Err(e) => {
                        // All or nothing: the roster goes too.
                        let ids = r.audit_ids.clone();
                        db.write(|tx| store::audit::undo_group(tx, operator, &ids))?;
                        return refused(e, &args);
                    }
                }
            }
            if !args.dry_run && !r.audit_ids.is_empty() {
                outln!(
                    "saved; undo it from the History tab (audit entries {}–{})",
                    r.audit_ids.first().copied().unwrap_or_default(),
                    r.audit_ids.last().copied().unwrap_or_default()
                );
            }
            Ok(exit::OK)
        }
        Err(e) => refused(e, &args),
    }
}

fn refused(e: ImportError, args: &ImportArgs) -> anyhow::Result<u8> {
    match e {
        ImportError::Refused(issues) => {
            let errors = issues
                .iter()
                .filter(|i| i.severity == crate::service::import::model::Severity::Error)
                .count();
            for i in &issues {
                crate::cli::input::say(&format!("{i}"));
            }
            crate::cli::input::say(&format!(
                "classbook: {errors} problem(s) in {}; nothing was imported",
                args.path.display()
            ));
            Ok(exit::FINDINGS)
        }
        ImportError::Store(e) => Err(e.into()),
    }
}
