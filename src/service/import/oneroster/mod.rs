//! The OneRoster 1.1 / 1.2 CSV reader: a folder or a `.zip` of an export
//! (the files at its root or in one sub-folder) read into a [`Bundle`].
//!
//! Files read: `manifest.csv`, `orgs.csv`, `academicSessions.csv`,
//! `courses.csv`, `classes.csv`, `users.csv`, `roles.csv` (1.2; 1.1 has a
//! `role` column in users.csv), `enrollments.csv`, `demographics.csv`. Any
//! other CSV file is left aside with one warning. Columns are found by
//! their header, in any order, without case. Everything wrong is an
//! [`Issue`]: a format problem (a bad date, a required value missing, a
//! grade out of range) is an error; a reference to a row the export lacks
//! (real partial exports have them) is a warning and the row is skipped.
//!
//! How OneRoster maps onto the school:
//! - the org of type `school` is the school;
//! - `schoolYear` sessions are years; terms and semesters are halves,
//!   grading periods quarters, numbered by date within their year;
//! - `homeroom` classes are the school's classes ("7А"), their students'
//!   enrolments its stays, their (primary) teacher the class teacher;
//! - a `scheduled` class is a subject taught to a homeroom, or to a group of
//!   it when only some of the homeroom's students take it; the columns
//!   `metadata.classbook.class` and `metadata.classbook.group` say so
//!   explicitly;
//! - `metadata.orderNo` and `metadata.orderDate` on an enrolment give the
//!   order that authorised the stay.

mod classes;
mod people;
mod sessions;
mod source;
mod table;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::service::import::model::{Bundle, Issue, Origin};
use source::Source;
use table::{Spec, Table};

/// The files of an export this reader reads (lower case, without `.csv`).
const READ: &[&str] = &[
    "manifest",
    "orgs",
    "academicsessions",
    "courses",
    "classes",
    "users",
    "roles",
    "enrollments",
    "demographics",
];

const MANIFEST: Spec = Spec {
    required: &["propertyName", "value"],
    used: &[],
};

/// Whether the folder or zip looks like a OneRoster export: it has a
/// `manifest.csv` or a `users.csv` (at its root or in one sub-folder).
pub fn looks_like_oneroster(path: &Path) -> bool {
    Source::open(path).is_ok_and(|s| s.has("manifest.csv") || s.has("users.csv"))
}

/// A file as loaded.
enum Loaded {
    /// The export has no such file (or the manifest says it is absent).
    Absent,
    /// The file is there but cannot be used; errors say why.
    Failed,
    Read(Table),
}

impl Loaded {
    fn table(&self) -> Option<&Table> {
        match self {
            Loaded::Read(t) => Some(t),
            _ => None,
        }
    }

    fn failed(&self) -> bool {
        matches!(self, Loaded::Failed)
    }
}

#[derive(Default)]
struct Manifest {
    /// manifest.csv as the export names it; `None`: there is none.
    file: Option<String>,
    version: Option<String>,
    /// "users" → ("bulk", line).
    modes: HashMap<String, (String, usize)>,
}

fn read_manifest(src: &mut Source, issues: &mut Vec<Issue>) -> Manifest {
    let Some(file) = src.name("manifest.csv") else {
        return Manifest::default();
    };
    let mut out = Manifest {
        file: Some(file.clone()),
        ..Manifest::default()
    };
    let bytes = match src.read("manifest.csv") {
        Some(Ok(b)) => b,
        Some(Err(why)) => {
            issues.push(Issue::error(Origin::new(file, 0), "", why));
            return out;
        }
        None => return out,
    };
    let Some(t) = table::read(&file, &bytes, &MANIFEST, issues) else {
        return out;
    };
    for row in &t.rows {
        let name = t.get(row, "propertyName").to_lowercase();
        let value = t.get(row, "value");
        if name == "oneroster.version" {
            if !matches!(value, "1.0" | "1.1" | "1.2") {
                issues.push(t.warning(
                    row,
                    "value",
                    format!("OneRoster version «{value}» is not 1.1 or 1.2; read as 1.2"),
                ));
            }
            out.version = Some(value.to_string());
        } else if let Some(stem) = name.strip_prefix("file.") {
            out.modes
                .insert(stem.to_string(), (value.to_lowercase(), row.line));
        }
    }
    out
}

/// Loads one of the files the reader reads.
fn load(
    src: &mut Source,
    manifest: &Manifest,
    stem: &str,
    spec: &Spec,
    issues: &mut Vec<Issue>,
) -> Loaded {
    let file = format!("{stem}.csv");
    let mode = manifest.modes.get(&stem.to_lowercase());
    let Some(name) = src.name(&file) else {
        if let (Some(m), Some((mode, line))) = (&manifest.file, mode)
            && (mode == "bulk" || mode == "delta")
        {
            issues.push(Issue::warning(
                Origin::new(m.clone(), *line),
                "value",
                format!("the manifest lists {file} ({mode}) but the export has no such file"),
            ));
        }
        return Loaded::Absent;
    };
    if let (Some(m), Some((mode, line))) = (&manifest.file, mode)
        && mode == "absent"
    {
        issues.push(Issue::warning(
            Origin::new(m.clone(), *line),
            "value",
            format!("the manifest says {name} is absent; the file is ignored"),
        ));
        return Loaded::Absent;
    }
    match src.read(&file) {
        None => Loaded::Absent,
        Some(Err(why)) => {
            issues.push(Issue::error(Origin::new(name, 0), "", why));
            Loaded::Failed
        }
        Some(Ok(bytes)) => match table::read(&name, &bytes, spec, issues) {
            Some(t) => Loaded::Read(t),
            None => Loaded::Failed,
        },
    }
}

/// Reads a OneRoster export (a folder or a `.zip`). Never fails: every
/// problem, including a file that cannot be opened, is an issue of the
/// bundle.
pub fn read(path: &Path) -> Bundle {
    let shown = path.display().to_string();
    let mut bundle = Bundle::default();
    let mut src = match Source::open(path) {
        Ok(s) => s,
        Err(why) => {
            bundle.source = format!("OneRoster ({shown})");
            bundle
                .issues
                .push(Issue::error(Origin::new(shown, 0), "", why));
            return bundle;
        }
    };
    let manifest = read_manifest(&mut src, &mut bundle.issues);
    let version = manifest.version.clone().unwrap_or_else(|| {
        if src.has("roles.csv") {
            "1.2".to_string()
        } else {
            "1.1".to_string()
        }
    });
    bundle.source = format!("OneRoster {version} ({shown})");

    for name in src.names() {
        let lower = name.to_lowercase();
        let stem = lower.strip_suffix(".csv").unwrap_or(&lower);
        if !READ.contains(&stem) {
            bundle.issues.push(Issue::warning(
                Origin::new(name, 0),
                "",
                "this file is not used",
            ));
        }
    }

    let issues = &mut bundle.issues;
    let users_t = load(&mut src, &manifest, "users", &people::USERS, issues);
    let orgs_t = load(&mut src, &manifest, "orgs", &classes::ORGS, issues);
    let sessions_t = load(
        &mut src,
        &manifest,
        "academicSessions",
        &sessions::SPEC,
        issues,
    );
    let courses_t = load(&mut src, &manifest, "courses", &classes::COURSES, issues);
    let classes_t = load(&mut src, &manifest, "classes", &classes::CLASSES, issues);
    let roles_t = load(&mut src, &manifest, "roles", &people::ROLES, issues);
    let enrol_t = load(
        &mut src,
        &manifest,
        "enrollments",
        &classes::ENROLLMENTS,
        issues,
    );
    let demo_t = load(
        &mut src,
        &manifest,
        "demographics",
        &people::DEMOGRAPHICS,
        issues,
    );

    // Whether this is the whole roster or a delta.
    match (&manifest.file, manifest.modes.get("users")) {
        (None, _) => {
            bundle.issues.push(Issue::warning(
                Origin::new(shown.clone(), 0),
                "",
                "no manifest.csv; the export is read as a full (bulk) one",
            ));
            bundle.full_roster = true;
        }
        (Some(_), Some((mode, _))) if mode == "bulk" => bundle.full_roster = true,
        (Some(_), Some((mode, _))) if mode == "delta" => bundle.full_roster = false,
        (Some(m), mode) => {
            let (value, line) = mode.map_or(("", 0), |(v, l)| (v.as_str(), *l));
            bundle.issues.push(Issue::warning(
                Origin::new(m.clone(), line),
                "",
                format!("file.users is «{value}», neither bulk nor delta; the users are read as the full roster"),
            ));
            bundle.full_roster = true;
        }
    }

    let other_schools = match &orgs_t {
        Loaded::Read(t) => classes::school(t, classes_t.table(), &mut bundle),
        Loaded::Absent => {
            bundle.issues.push(Issue::warning(
                Origin::new(shown.clone(), 0),
                "",
                "no orgs.csv; the school's name is not imported",
            ));
            HashSet::new()
        }
        Loaded::Failed => HashSet::new(),
    };

    let mut sess = sessions::read(sessions_t.table(), &mut bundle);
    sess.failed = sessions_t.failed();

    let roles = roles_t
        .table()
        .map(|t| people::read_roles(t, &mut bundle.issues));
    let demographics = demo_t
        .table()
        .map(|t| people::read_demographics(t, &mut bundle.issues));
    let people = match &users_t {
        Loaded::Read(t) => {
            if roles.is_none() && !roles_t.failed() && !t.has("role") {
                bundle.issues.push(Issue::error(
                    Origin::new(t.file.clone(), 1),
                    "role",
                    "required column «role» is missing (OneRoster 1.1 gives each user's role there; 1.2 gives roles.csv)",
                ));
                people::People::default()
            } else {
                people::read_users(
                    t,
                    roles.as_ref(),
                    demographics.as_ref(),
                    &other_schools,
                    &mut bundle,
                )
            }
        }
        Loaded::Absent => {
            bundle.issues.push(Issue::error(
                Origin::new(shown.clone(), 0),
                "",
                "no users.csv: the export has no people",
            ));
            people::People::default()
        }
        Loaded::Failed => people::People {
            failed: true,
            ..people::People::default()
        },
    };

    let courses = classes::read_courses(courses_t.table(), courses_t.failed(), &mut bundle.issues);
    let mut cls = classes::read_classes(
        classes_t.table(),
        classes_t.failed(),
        &sess,
        &courses,
        &other_schools,
        &mut bundle,
    );
    match &enrol_t {
        Loaded::Read(t) => classes::read_enrollments(t, &mut cls, &people, &mut bundle),
        Loaded::Absent if classes_t.table().is_some() => bundle.issues.push(Issue::warning(
            Origin::new(shown, 0),
            "",
            "no enrollments.csv: classes have no students, class teachers or workload",
        )),
        _ => {}
    }
    bundle
}
