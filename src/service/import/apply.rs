//! Write a [`Bundle`] into the database: all or nothing, in one
//! transaction, every row through the audit log (so the import can be
//! undone from the History tab), matching what is already there by the
//! external id and then by the natural key. A re-import is an update:
//! renamed rows are renamed, a student missing from a full roster is listed
//! as a departure to confirm, a changed timetable row is closed the day
//! before the change and a new one opened. Nothing with history is deleted.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Duration, NaiveDate};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::model::*;
use crate::domain::text::full_name;
use crate::domain::{EndReason, Id, Role};
use crate::store::{self, Conn, Db, StoreError};

/// How many rows of one kind the import added, changed, or found as they
/// were.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub added: usize,
    pub changed: usize,
    pub unchanged: usize,
    /// Rows closed (a timetable slot replaced from a date, a stay ended).
    pub closed: usize,
}

/// What an import did (or, with `--dry-run`, would do).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ImportReport {
    pub source: String,
    pub dry_run: bool,
    /// By kind of row ("students", "classes", …), in a fixed order.
    pub counts: BTreeMap<&'static str, Counts>,
    /// Students of the database that the full roster no longer lists: not
    /// deleted, listed for an administrator to confirm with an order.
    pub departures_to_confirm: Vec<String>,
    /// Warnings of the reader and of the applier.
    pub warnings: Vec<Issue>,
    /// The audit entries written (empty on a dry run).
    pub audit_ids: Vec<i64>,
}

impl ImportReport {
    pub fn total(&self) -> Counts {
        let mut t = Counts::default();
        for c in self.counts.values() {
            t.added += c.added;
            t.changed += c.changed;
            t.unchanged += c.unchanged;
            t.closed += c.closed;
        }
        t
    }

    /// The report as lines for a person.
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![format!(
            "{}{}",
            if self.dry_run {
                "dry run, nothing saved: "
            } else {
                ""
            },
            self.source
        )];
        for (kind, c) in &self.counts {
            let mut parts = vec![];
            let verb = |n: usize, w: &str, dry: &str| {
                format!("{n} {}", if self.dry_run { dry } else { w })
            };
            if c.added > 0 {
                parts.push(verb(c.added, "added", "to add"));
            }
            if c.changed > 0 {
                parts.push(verb(c.changed, "changed", "to change"));
            }
            if c.closed > 0 {
                parts.push(verb(c.closed, "closed", "to close"));
            }
            if c.unchanged > 0 {
                parts.push(format!("{} unchanged", c.unchanged));
            }
            if !parts.is_empty() {
                out.push(format!("  {kind:<14} {}", parts.join(", ")));
            }
        }
        if !self.departures_to_confirm.is_empty() {
            out.push(format!(
                "  {} student(s) not in the new roster, listed as departures to confirm (review):",
                self.departures_to_confirm.len()
            ));
            for n in &self.departures_to_confirm {
                out.push(format!("    {n}"));
            }
        }
        for w in &self.warnings {
            out.push(w.to_string());
        }
        out
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The files (or what they refer to) have errors: nothing was saved.
    #[error("{} problem(s) found, nothing was imported", .0.iter().filter(|i| i.severity == Severity::Error).count())]
    Refused(Vec<Issue>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Internal: a dry run rolls its transaction back by failing it.
enum Outcome {
    Failed(ImportError),
    DryRun(Box<ImportReport>),
}

impl From<StoreError> for Outcome {
    fn from(e: StoreError) -> Self {
        Outcome::Failed(ImportError::Store(e))
    }
}

/// Import `bundle` as `operator` on `today` (the working date decides the
/// default school year and from when a changed timetable applies).
pub fn apply(
    db: &mut Db,
    operator: &str,
    bundle: &Bundle,
    today: NaiveDate,
    dry_run: bool,
) -> Result<ImportReport, ImportError> {
    apply_guarded(db, operator, bundle, today, dry_run, false)
}

/// [`apply`], refusing ([`StoreError::Changed`]) when `guarded` to change
/// a row someone other than `operator` saved last: a correction typed by
/// hand replaces another's record only when asked (`--overwrite`). A file
/// imported is the school's source of truth and is not guarded.
pub fn apply_guarded(
    db: &mut Db,
    operator: &str,
    bundle: &Bundle,
    today: NaiveDate,
    dry_run: bool,
    guarded: bool,
) -> Result<ImportReport, ImportError> {
    // Even when the reader found errors, the rows it could read are tried
    // (in a transaction that is then rolled back), so that every problem of
    // the file is reported at once, those of its references too.
    in_one_transaction(
        db,
        operator,
        &bundle.source,
        &bundle.issues,
        dry_run,
        |tx| {
            let mut ap = Applier::new(tx, operator, today)?;
            ap.guarded = guarded;
            ap.run(bundle)?;
            Ok(Written {
                counts: ap.counts,
                issues: ap.issues,
                audit: ap.audit,
                departures: ap.departures,
            })
        },
    )
}

/// What an import's writer did and found.
pub(crate) struct Written {
    pub counts: BTreeMap<&'static str, Counts>,
    pub issues: Vec<Issue>,
    pub audit: Vec<i64>,
    pub departures: Vec<String>,
}

impl From<rusqlite::Error> for ImportError {
    fn from(e: rusqlite::Error) -> Self {
        ImportError::Store(e.into())
    }
}

/// Run an import's writer in one IMMEDIATE transaction, and commit it only
/// when neither the reader (`read_issues`) nor the writer found an error
/// and this is not a dry run; the report names everything found.
pub(crate) fn in_one_transaction(
    db: &mut Db,
    operator: &str,
    source: &str,
    read_issues: &[Issue],
    dry_run: bool,
    write: impl FnOnce(&Conn) -> Result<Written, ImportError>,
) -> Result<ImportReport, ImportError> {
    let what = format!("the import of {source}");
    let res = db.write_announced(&what, operator, |tx| {
        let w = write(tx).map_err(Outcome::Failed)?;
        let mut issues = read_issues.to_vec();
        issues.extend(w.issues);
        if issues.iter().any(|i| i.severity == Severity::Error) {
            return Err(Outcome::Failed(ImportError::Refused(issues)));
        }
        let report = ImportReport {
            source: source.to_string(),
            dry_run,
            counts: w.counts,
            departures_to_confirm: w.departures,
            warnings: issues,
            audit_ids: if dry_run { vec![] } else { w.audit },
        };
        if dry_run {
            Err(Outcome::DryRun(Box::new(report)))
        } else {
            Ok(report)
        }
    });
    match res {
        Ok(r) => Ok(r),
        Err(Outcome::DryRun(r)) => Ok(*r),
        Err(Outcome::Failed(e)) => Err(e),
    }
}

type Row = Map<String, Value>;

fn key(id: Id) -> Row {
    let mut m = Map::new();
    m.insert("id".into(), json!(id));
    m
}

fn row(pairs: &[(&str, Value)]) -> Row {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_string(), v.clone()))
        .collect()
}

fn date(d: NaiveDate) -> Value {
    json!(d.format("%Y-%m-%d").to_string())
}

fn opt_date(d: Option<NaiveDate>) -> Value {
    d.map(date).unwrap_or(Value::Null)
}

fn parse_db_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// A short form of a subject's name for the grid's header: the name itself
/// when short, else its first letters.
pub fn short_subject(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    if name.chars().count() <= 8 {
        return name.to_string();
    }
    if words.len() > 1 {
        let mut s: String = words
            .iter()
            .filter_map(|w| w.chars().next())
            .flat_map(char::to_uppercase)
            .collect();
        if s.chars().count() >= 2 {
            s.truncate(s.char_indices().nth(6).map_or(s.len(), |(i, _)| i));
            return s;
        }
    }
    let s: String = name.chars().take(6).collect();
    format!("{s}.")
}

struct YearRow {
    id: Id,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
}

struct EnrolRow {
    id: Id,
    class_id: Id,
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
    end_reason: Option<String>,
    start_order: Option<(String, String)>,
}

/// A timetable row of the file with its group, subject and teacher resolved.
type SlotIn<'b> = (&'b TimetableIn, Option<Id>, Id, Id);

struct SlotRow {
    id: Id,
    group_id: Option<Id>,
    weekday: u8,
    lesson_no: u8,
    subject_id: Id,
    teacher_id: Id,
    room: String,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
    ext_id: Option<String>,
}

struct Applier<'a> {
    tx: &'a Conn,
    operator: String,
    /// Refuse to change a row someone else saved last.
    guarded: bool,
    today: NaiveDate,
    counts: BTreeMap<&'static str, Counts>,
    issues: Vec<Issue>,
    audit: Vec<i64>,
    departures: Vec<String>,
    next_id: HashMap<&'static str, Id>,
    // Resolved keys of the bundle → database ids.
    years: HashMap<String, Id>,
    year_rows: HashMap<Id, YearRow>,
    default_year: Option<Id>,
    subjects: HashMap<String, Id>,
    staff: HashMap<String, Id>,
    students: HashMap<String, Id>,
    classes: HashMap<String, Id>,
    class_year: HashMap<Id, Id>,
    groups: HashMap<String, Id>,
    // Database indices (natural keys).
    subject_by_name: HashMap<String, Id>,
    staff_by_login: HashMap<String, Id>,
    staff_by_name: HashMap<String, Vec<Id>>,
    class_by_name: HashMap<(Id, String), Id>,
    group_by_name: HashMap<(Id, String), Id>,
}

impl<'a> Applier<'a> {
    fn new(tx: &'a Conn, operator: &str, today: NaiveDate) -> Result<Self, StoreError> {
        let today = store::school::working_date(tx, today)?;
        let mut next_id = HashMap::new();
        for t in [
            "school_year",
            "period",
            "holiday",
            "subject",
            "staff",
            "student",
            "guardian",
            "class",
            "class_group",
            "enrolment",
            "workload",
            "timetable",
        ] {
            let n: Id = tx.query_row(
                &format!("SELECT ifnull(max(id), 0) + 1 FROM {t}"),
                [],
                |r| r.get(0),
            )?;
            next_id.insert(t, n);
        }
        let mut ap = Applier {
            tx,
            operator: operator.to_string(),
            guarded: false,
            today,
            counts: BTreeMap::new(),
            issues: vec![],
            audit: vec![],
            departures: vec![],
            next_id,
            years: HashMap::new(),
            year_rows: HashMap::new(),
            default_year: None,
            subjects: HashMap::new(),
            staff: HashMap::new(),
            students: HashMap::new(),
            classes: HashMap::new(),
            class_year: HashMap::new(),
            groups: HashMap::new(),
            subject_by_name: HashMap::new(),
            staff_by_login: HashMap::new(),
            staff_by_name: HashMap::new(),
            class_by_name: HashMap::new(),
            group_by_name: HashMap::new(),
        };
        ap.load_indices()?;
        Ok(ap)
    }

    fn load_indices(&mut self) -> Result<(), StoreError> {
        let tx = self.tx;
        let mut st = tx.prepare("SELECT id, starts_on, ends_on FROM school_year")?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, Id>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for r in rows {
            let (id, s, e) = r?;
            if let (Some(s), Some(e)) = (parse_db_date(&s), parse_db_date(&e)) {
                self.year_rows.insert(
                    id,
                    YearRow {
                        id,
                        starts_on: s,
                        ends_on: e,
                    },
                );
            }
        }
        let mut st = tx.prepare("SELECT id, name FROM subject")?;
        for r in st.query_map([], |r| Ok((r.get::<_, Id>(0)?, r.get::<_, String>(1)?)))? {
            let (id, name) = r?;
            self.subject_by_name.insert(name.to_lowercase(), id);
        }
        let mut st =
            tx.prepare("SELECT id, login, family_name, given_name, patronymic FROM staff")?;
        for r in st.query_map([], |r| {
            Ok((
                r.get::<_, Id>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })? {
            let (id, login, f, g, p) = r?;
            if let Some(l) = login {
                self.staff_by_login.insert(l.to_lowercase(), id);
            }
            self.index_staff_name(id, &f, &g, p.as_deref());
        }
        let mut st = tx.prepare("SELECT id, year_id, name FROM class")?;
        for r in st.query_map([], |r| {
            Ok((
                r.get::<_, Id>(0)?,
                r.get::<_, Id>(1)?,
                r.get::<_, String>(2)?,
            ))
        })? {
            let (id, y, name) = r?;
            self.class_by_name.insert((y, name.to_lowercase()), id);
            self.class_year.insert(id, y);
        }
        let mut st = tx.prepare("SELECT id, class_id, name FROM class_group")?;
        for r in st.query_map([], |r| {
            Ok((
                r.get::<_, Id>(0)?,
                r.get::<_, Id>(1)?,
                r.get::<_, String>(2)?,
            ))
        })? {
            let (id, c, name) = r?;
            self.group_by_name.insert((c, name.to_lowercase()), id);
        }
        Ok(())
    }

    fn index_staff_name(&mut self, id: Id, f: &str, g: &str, p: Option<&str>) {
        let long = full_name(f, g, p).to_lowercase();
        let short = full_name(f, g, None).to_lowercase();
        for n in [long, short] {
            let v = self.staff_by_name.entry(n).or_default();
            if !v.contains(&id) {
                v.push(id);
            }
        }
    }

    fn count(&mut self, kind: &'static str) -> &mut Counts {
        self.counts.entry(kind).or_default()
    }

    fn error(&mut self, at: &Origin, column: &str, msg: impl Into<String>) {
        self.issues.push(Issue::error(at.clone(), column, msg));
    }

    fn warn(&mut self, at: &Origin, column: &str, msg: impl Into<String>) {
        self.issues.push(Issue::warning(at.clone(), column, msg));
    }

    fn new_id(&mut self, table: &'static str) -> Id {
        let n = self.next_id.entry(table).or_insert(1);
        let id = *n;
        *n += 1;
        id
    }

    /// Write `fields` into the row of `table` with `key` (inserting it when
    /// absent), audited. Counts it under `kind` as added, changed or
    /// unchanged.
    fn put(
        &mut self,
        kind: &'static str,
        table: &str,
        key: &Row,
        fields: &Row,
    ) -> Result<Change, StoreError> {
        let mut full = key.clone();
        for (k, v) in fields {
            full.insert(k.clone(), v.clone());
        }
        let existed = {
            let info = store::rows::table_info(self.tx, table)?;
            store::rows::snapshot(self.tx, &info, key)?.is_some()
        };
        let entity_key = Value::Object(key.clone()).to_string();
        let last = match self.guarded && existed {
            true => store::audit::last_change(self.tx, table, &entity_key)?
                .filter(|e| e.operator != self.operator),
            false => None,
        };
        let action = format!("import.{table}");
        let id =
            store::audit::write_row(self.tx, &self.operator, &action, table, key, Some(&full))?;
        if let (Some(_), Some(e)) = (id, last) {
            // The transaction is rolled back with this refusal.
            let name = ["name", "label", "family_name", "login"]
                .iter()
                .find_map(|f| full.get(*f).and_then(Value::as_str))
                .map(|n| format!(" «{n}»"))
                .unwrap_or_default();
            return Err(StoreError::Changed(format!(
                "{table}{name} (key {entity_key}) was last changed by {} at {}; \
                 not changed: give --overwrite to change it anyway",
                e.operator, e.at
            )));
        }
        let change = match (existed, id) {
            (false, _) => Change::Added,
            (true, Some(_)) => Change::Changed,
            (true, None) => Change::Unchanged,
        };
        if let Some(id) = id {
            self.audit.push(id);
        }
        let c = self.count(kind);
        match change {
            Change::Added => c.added += 1,
            Change::Changed => c.changed += 1,
            Change::Unchanged => c.unchanged += 1,
        }
        Ok(change)
    }

    /// Like [`Self::put`], for a write that ends something (a stay, a
    /// timetable slot): counted as closed.
    fn close(
        &mut self,
        kind: &'static str,
        table: &str,
        key: &Row,
        fields: &Row,
    ) -> Result<(), StoreError> {
        if self.put(kind, table, key, fields)? == Change::Changed {
            let c = self.count(kind);
            c.changed -= 1;
            c.closed += 1;
        }
        Ok(())
    }

    fn id_by_ext(&self, table: &str, ext: &str) -> Result<Option<Id>, StoreError> {
        Ok(self
            .tx
            .query_row(
                &format!("SELECT id FROM {table} WHERE ext_id = ?1"),
                [ext],
                |r| r.get(0),
            )
            .optional()?)
    }

    fn run(&mut self, b: &Bundle) -> Result<(), StoreError> {
        self.school(b)?;
        self.years(b)?;
        self.periods(b)?;
        self.holidays(b)?;
        self.bells(b)?;
        self.subjects(b)?;
        self.staff_rows(b)?;
        self.students_rows(b)?;
        self.guardians(b)?;
        self.classes_rows(b)?;
        self.groups_rows(b)?;
        self.enrolments(b)?;
        self.group_members(b)?;
        self.workload(b)?;
        self.curriculum(b)?;
        self.timetable(b)?;
        self.movements(b)?;
        if b.full_roster {
            self.pending_departures(b)?;
        }
        Ok(())
    }

    fn school(&mut self, b: &Bundle) -> Result<(), StoreError> {
        let Some(s) = &b.school else { return Ok(()) };
        let (name, ext): (String, Option<String>) = self
            .tx
            .query_row("SELECT name, ext_id FROM school WHERE id = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?
            .unwrap_or_default();
        if let Some(e) = &s.ext_id
            && ext.as_deref() != Some(e.as_str())
        {
            if ext.is_some() {
                self.warn(
                    &s.at,
                    "sourcedId",
                    format!(
                        "this database belongs to school «{}»; the file is of «{}» (kept the database's name)",
                        name, s.name
                    ),
                );
            } else {
                self.put("school", "school", &key(1), &row(&[("ext_id", json!(e))]))?;
            }
        }
        Ok(())
    }

    // ---- years and the calendar ----

    fn years(&mut self, b: &Bundle) -> Result<(), StoreError> {
        for y in &b.years {
            let found = match &y.ext_id {
                Some(e) => self.id_by_ext("school_year", e)?,
                None => None,
            };
            let found = match found {
                Some(id) => Some(id),
                None => self
                    .tx
                    .query_row(
                        "SELECT id FROM school_year WHERE label = ?1",
                        [&y.label],
                        |r| r.get(0),
                    )
                    .optional()?,
            };
            if y.starts_on >= y.ends_on {
                self.error(&y.at, "", "the year ends before it starts");
                continue;
            }
            let id = found.unwrap_or_else(|| self.new_id("school_year"));
            let mut f = row(&[
                ("label", json!(y.label)),
                ("starts_on", date(y.starts_on)),
                ("ends_on", date(y.ends_on)),
            ]);
            if found.is_none() {
                f.insert("status".into(), json!("open"));
            }
            if let Some(e) = &y.ext_id {
                f.insert("ext_id".into(), json!(e));
            }
            self.put("years", "school_year", &key(id), &f)?;
            self.years.insert(y.key.clone(), id);
            self.year_rows.insert(
                id,
                YearRow {
                    id,
                    starts_on: y.starts_on,
                    ends_on: y.ends_on,
                },
            );
        }
        self.default_year = if b.years.len() == 1 {
            self.years.get(&b.years[0].key).copied()
        } else {
            None
        }
        .or_else(|| {
            self.year_rows
                .values()
                .filter(|y| y.starts_on <= self.today && self.today <= y.ends_on)
                .map(|y| y.id)
                .next()
        })
        .or_else(|| {
            // The next year to start, else the latest.
            let mut ys: Vec<&YearRow> = self.year_rows.values().collect();
            ys.sort_by_key(|y| y.starts_on);
            ys.iter()
                .find(|y| y.starts_on > self.today)
                .or(ys.last())
                .map(|y| y.id)
        });
        Ok(())
    }

    /// The year a row names (its key or label), else the default one.
    fn year_of(
        &mut self,
        at: &Origin,
        col: &str,
        k: Option<&str>,
    ) -> Result<Option<Id>, StoreError> {
        match k {
            Some(k) => {
                if let Some(id) = self.years.get(k) {
                    return Ok(Some(*id));
                }
                let id: Option<Id> = self
                    .tx
                    .query_row(
                        "SELECT id FROM school_year WHERE ext_id = ?1 OR label = ?1",
                        [k],
                        |r| r.get(0),
                    )
                    .optional()?;
                if id.is_none() {
                    self.error(
                        at,
                        col,
                        format!("no school year «{k}» in the files or the database"),
                    );
                }
                Ok(id)
            }
            None => {
                if self.default_year.is_none() {
                    self.error(
                        at,
                        col,
                        "no school year yet: import a calendar with a year row first, or add one (classbook school add-year)",
                    );
                }
                Ok(self.default_year)
            }
        }
    }

    fn year_for_date(&self, d: NaiveDate) -> Option<Id> {
        self.year_rows
            .values()
            .find(|y| y.starts_on <= d && d <= y.ends_on)
            .map(|y| y.id)
    }

    fn periods(&mut self, b: &Bundle) -> Result<(), StoreError> {
        let mut touched: HashSet<Id> = self.years.values().copied().collect();
        for p in &b.periods {
            let Some(year) = self.year_of(&p.at, "year", Some(&p.year))? else {
                continue;
            };
            touched.insert(year);
            if let Some(y) = self.year_rows.get(&year)
                && (p.starts_on < y.starts_on || p.ends_on > y.ends_on)
            {
                self.error(
                    &p.at,
                    "",
                    format!(
                        "{} {}–{} is outside its school year {}–{}",
                        p.label,
                        p.starts_on.format("%d.%m.%Y"),
                        p.ends_on.format("%d.%m.%Y"),
                        y.starts_on.format("%d.%m.%Y"),
                        y.ends_on.format("%d.%m.%Y")
                    ),
                );
                continue;
            }
            if p.starts_on > p.ends_on {
                self.error(&p.at, "", "the period ends before it starts");
                continue;
            }
            let found = match &p.ext_id {
                Some(e) => self.id_by_ext("period", e)?,
                None => None,
            };
            let found = match found {
                Some(id) => Some(id),
                None => self
                    .tx
                    .query_row(
                        "SELECT id FROM period WHERE year_id = ?1 AND kind = ?2 AND number = ?3",
                        params![year, p.kind.as_str(), p.number],
                        |r| r.get(0),
                    )
                    .optional()?,
            };
            let id = found.unwrap_or_else(|| self.new_id("period"));
            let mut f = row(&[
                ("year_id", json!(year)),
                ("kind", json!(p.kind.as_str())),
                ("number", json!(p.number)),
                ("label", json!(p.label)),
                ("starts_on", date(p.starts_on)),
                ("ends_on", date(p.ends_on)),
            ]);
            if let Some(e) = &p.ext_id {
                f.insert("ext_id".into(), json!(e));
            }
            self.put("periods", "period", &key(id), &f)?;
        }
        // Every year has its whole-year period (final grades are set in it).
        let mut touched: Vec<Id> = touched.into_iter().collect();
        touched.sort();
        for year in touched {
            let has: i64 = self.tx.query_row(
                "SELECT count(*) FROM period WHERE year_id = ?1 AND kind = 'year'",
                [year],
                |r| r.get(0),
            )?;
            if has == 0
                && let Some(y) = self.year_rows.get(&year)
            {
                let (s, e) = (y.starts_on, y.ends_on);
                let id = self.new_id("period");
                let f = row(&[
                    ("year_id", json!(year)),
                    ("kind", json!("year")),
                    ("number", json!(1)),
                    ("label", json!("Year")),
                    ("starts_on", date(s)),
                    ("ends_on", date(e)),
                ]);
                self.put("periods", "period", &key(id), &f)?;
            }
        }
        Ok(())
    }

    fn holidays(&mut self, b: &Bundle) -> Result<(), StoreError> {
        for h in &b.holidays {
            if h.starts_on > h.ends_on {
                self.error(&h.at, "", "the holiday ends before it starts");
                continue;
            }
            let year = match &h.year {
                Some(k) => self.year_of(&h.at, "year", Some(k))?,
                None => {
                    let y = self.year_for_date(h.starts_on);
                    if y.is_none() {
                        self.error(
                            &h.at,
                            "starts_on",
                            format!(
                                "{} is in no school year of the file or the database",
                                h.starts_on.format("%d.%m.%Y")
                            ),
                        );
                    }
                    y
                }
            };
            let Some(year) = year else { continue };
            let found = match &h.ext_id {
                Some(e) => self.id_by_ext("holiday", e)?,
                None => None,
            };
            let found = match found {
                Some(id) => Some(id),
                None => self
                    .tx
                    .query_row(
                        "SELECT id FROM holiday WHERE year_id = ?1 AND starts_on = ?2 AND kind = ?3",
                        params![year, date(h.starts_on).as_str(), h.kind.as_str()],
                        |r| r.get(0),
                    )
                    .optional()?,
            };
            let id = found.unwrap_or_else(|| self.new_id("holiday"));
            let mut f = row(&[
                ("year_id", json!(year)),
                ("kind", json!(h.kind.as_str())),
                ("label", json!(h.label)),
                ("starts_on", date(h.starts_on)),
                ("ends_on", date(h.ends_on)),
            ]);
            if let Some(e) = &h.ext_id {
                f.insert("ext_id".into(), json!(e));
            }
            self.put("holidays", "holiday", &key(id), &f)?;
        }
        Ok(())
    }

    fn bells(&mut self, b: &Bundle) -> Result<(), StoreError> {
        for bell in &b.bells {
            let Some(year) = self.year_of(&bell.at, "year", bell.year.as_deref())? else {
                continue;
            };
            if bell.starts_at >= bell.ends_at {
                self.error(&bell.at, "ends_at", "the lesson ends before it starts");
                continue;
            }
            let k = row(&[
                ("year_id", json!(year)),
                ("lesson_no", json!(bell.lesson_no)),
            ]);
            let f = row(&[
                ("starts_at", json!(bell.starts_at)),
                ("ends_at", json!(bell.ends_at)),
            ]);
            self.put("bells", "bell", &k, &f)?;
        }
        Ok(())
    }

    // ---- subjects and people ----

    fn subjects(&mut self, b: &Bundle) -> Result<(), StoreError> {
        for s in &b.subjects {
            if self.subjects.contains_key(&s.key) {
                continue;
            }
            let found = match &s.ext_id {
                Some(e) => self.id_by_ext("subject", e)?,
                None => None,
            };
            let found = found.or_else(|| self.subject_by_name.get(&s.name.to_lowercase()).copied());
            let id = found.unwrap_or_else(|| self.new_id("subject"));
            let mut f = row(&[("name", json!(s.name))]);
            let short = if s.short_name.trim().is_empty() || s.short_name == s.name {
                short_subject(&s.name)
            } else {
                s.short_name.clone()
            };
            // A file that knows only the name (a timetable) gives the name
            // as the short name: it never replaces a better one.
            if found.is_none() || !s.short_name.trim().is_empty() && s.short_name != s.name {
                f.insert("short_name".into(), json!(short));
            }
            if let Some(e) = &s.ext_id {
                f.insert("ext_id".into(), json!(e));
            }
            if let Some(other) = self.subject_by_name.get(&s.name.to_lowercase())
                && *other != id
            {
                self.error(
                    &s.at,
                    "name",
                    format!("another subject is already called «{}»", s.name),
                );
                continue;
            }
            self.put("subjects", "subject", &key(id), &f)?;
            self.subjects.insert(s.key.clone(), id);
            self.subject_by_name.insert(s.name.to_lowercase(), id);
        }
        Ok(())
    }

    fn subject(&mut self, at: &Origin, col: &str, k: &str) -> Result<Option<Id>, StoreError> {
        if let Some(id) = self.subjects.get(k) {
            return Ok(Some(*id));
        }
        if let Some(id) = self.id_by_ext("subject", k)? {
            return Ok(Some(id));
        }
        if let Some(id) = self.subject_by_name.get(&k.to_lowercase()) {
            return Ok(Some(*id));
        }
        self.error(
            at,
            col,
            format!("no subject «{k}» in the files or the database"),
        );
        Ok(None)
    }

    fn staff_rows(&mut self, b: &Bundle) -> Result<(), StoreError> {
        for s in &b.staff {
            let mut found = match &s.ext_id {
                Some(e) => self.id_by_ext("staff", e)?,
                None => None,
            };
            if found.is_none()
                && let Some(l) = &s.login
            {
                found = self.staff_by_login.get(&l.to_lowercase()).copied();
                // Someone else's login: a person with another external id.
                if let (Some(id), Some(e)) = (found, &s.ext_id) {
                    let theirs: Option<String> =
                        self.tx
                            .query_row("SELECT ext_id FROM staff WHERE id = ?1", [id], |r| {
                                r.get(0)
                            })?;
                    if theirs.as_ref().is_some_and(|t| t != e) {
                        self.error(
                            &s.at,
                            "login",
                            format!(
                                "the login «{l}» already belongs to «{}»",
                                theirs.unwrap_or_default()
                            ),
                        );
                        continue;
                    }
                }
            }
            if found.is_none() && s.ext_id.is_none() {
                let n = full_name(&s.family_name, &s.given_name, s.patronymic.as_deref())
                    .to_lowercase();
                if let Some(v) = self.staff_by_name.get(&n)
                    && v.len() == 1
                {
                    found = Some(v[0]);
                }
            }
            if let Some(l) = &s.login
                && let Some(other) = self.staff_by_login.get(&l.to_lowercase())
                && Some(*other) != found
            {
                self.error(
                    &s.at,
                    "login",
                    format!("the login «{l}» already belongs to someone else"),
                );
                continue;
            }
            let id = found.unwrap_or_else(|| self.new_id("staff"));
            let mut f = row(&[
                ("family_name", json!(s.family_name)),
                ("given_name", json!(s.given_name)),
                ("active", json!(i64::from(s.active))),
            ]);
            for (c, v) in [
                ("patronymic", &s.patronymic),
                ("login", &s.login),
                ("email", &s.email),
                ("phone", &s.phone),
                ("ext_id", &s.ext_id),
            ] {
                if v.is_some() || found.is_none() {
                    f.insert(c.into(), json!(v));
                }
            }
            self.put("staff", "staff", &key(id), &f)?;
            for r in &s.roles {
                self.add_role(id, *r)?;
            }
            self.staff.insert(s.key.clone(), id);
            if let Some(l) = &s.login {
                self.staff_by_login.insert(l.to_lowercase(), id);
            }
            self.index_staff_name(id, &s.family_name, &s.given_name, s.patronymic.as_deref());
        }
        Ok(())
    }

    fn add_role(&mut self, staff: Id, role: Role) -> Result<(), StoreError> {
        let k = row(&[("staff_id", json!(staff)), ("role", json!(role.as_str()))]);
        let exists: Option<i64> = self
            .tx
            .query_row(
                "SELECT 1 FROM staff_role WHERE staff_id = ?1 AND role = ?2",
                params![staff, role.as_str()],
                |r| r.get(0),
            )
            .optional()?;
        if exists.is_none() {
            self.put("staff roles", "staff_role", &k, &Map::new())?;
        }
        Ok(())
    }

    fn staff_member(&mut self, at: &Origin, col: &str, k: &str) -> Result<Option<Id>, StoreError> {
        if let Some(id) = self.staff.get(k) {
            return Ok(Some(*id));
        }
        if let Some(id) = self.id_by_ext("staff", k)? {
            return Ok(Some(id));
        }
        if let Some(id) = self.staff_by_login.get(&k.to_lowercase()) {
            return Ok(Some(*id));
        }
        let n = k
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        match self.staff_by_name.get(&n).map(Vec::as_slice) {
            Some([id]) => return Ok(Some(*id)),
            Some([_, _, ..]) => {
                self.error(
                    at,
                    col,
                    format!("«{k}» names several members of staff: use the login"),
                );
                return Ok(None);
            }
            _ => {}
        }
        self.error(
            at,
            col,
            format!("no member of staff «{k}» in the files or the database"),
        );
        Ok(None)
    }

    fn students_rows(&mut self, b: &Bundle) -> Result<(), StoreError> {
        let mut seen: HashMap<&str, &Origin> = HashMap::new();
        for s in &b.students {
            if let Some(first) = seen.insert(&s.key, &s.at) {
                self.error(
                    &s.at,
                    "",
                    format!("student «{}» is listed twice (also at {first})", s.key),
                );
                continue;
            }
            let mut found = match &s.ext_id {
                Some(e) => self.id_by_ext("student", e)?,
                None => None,
            };
            if found.is_none() {
                // A student entered by hand before the school had external
                // ids: adopt the id when name and birth date agree.
                let ids: Vec<Id> = {
                    let mut st = self.tx.prepare_cached(
                        "SELECT id FROM student WHERE ext_id IS NULL AND family_name = ?1
                         AND given_name = ?2 AND ifnull(patronymic, '') = ?3
                         AND birth_date IS ?4",
                    )?;
                    st.query_map(
                        params![
                            s.family_name,
                            s.given_name,
                            s.patronymic.clone().unwrap_or_default(),
                            s.birth_date.map(|d| d.format("%Y-%m-%d").to_string())
                        ],
                        |r| r.get(0),
                    )?
                    .collect::<rusqlite::Result<_>>()?
                };
                if ids.len() == 1 && s.birth_date.is_some() {
                    found = Some(ids[0]);
                }
            }
            let id = found.unwrap_or_else(|| self.new_id("student"));
            let mut f = row(&[
                ("family_name", json!(s.family_name)),
                ("given_name", json!(s.given_name)),
            ]);
            // A value the file does not give never erases a known one.
            let opt = |f: &mut Row, c: &str, v: Value| {
                if !v.is_null() || found.is_none() {
                    f.insert(c.into(), v);
                }
            };
            opt(&mut f, "patronymic", json!(s.patronymic));
            opt(&mut f, "birth_date", opt_date(s.birth_date));
            opt(&mut f, "sex", json!(s.sex.map(|x| x.as_str())));
            opt(&mut f, "phone", json!(s.phone));
            opt(&mut f, "email", json!(s.email));
            opt(&mut f, "address", json!(s.address));
            opt(&mut f, "ext_id", json!(s.ext_id));
            self.put("students", "student", &key(id), &f)?;
            self.students.insert(s.key.clone(), id);
        }
        Ok(())
    }

    fn student(&mut self, at: &Origin, col: &str, k: &str) -> Result<Option<Id>, StoreError> {
        if let Some(id) = self.students.get(k) {
            return Ok(Some(*id));
        }
        // "#12": the database's own id (rows typed by hand).
        if let Some(n) = k.strip_prefix('#').and_then(|n| n.parse::<Id>().ok()) {
            let found: Option<Id> = self
                .tx
                .query_row("SELECT id FROM student WHERE id = ?1", [n], |r| r.get(0))
                .optional()?;
            if found.is_some() {
                return Ok(found);
            }
        }
        if let Some(id) = self.id_by_ext("student", k)? {
            return Ok(Some(id));
        }
        self.error(
            at,
            col,
            format!("no student «{k}» in the files or the database"),
        );
        Ok(None)
    }

    fn guardians(&mut self, b: &Bundle) -> Result<(), StoreError> {
        let mut done: HashMap<String, Id> = HashMap::new();
        for g in &b.guardians {
            let mut children = vec![];
            for (sk, rel) in &g.children {
                if let Some(sid) = self.student(&g.at, "student", sk)? {
                    children.push((sid, *rel));
                }
            }
            let id = if let Some(id) = done.get(&g.key) {
                *id
            } else {
                let mut found = match &g.ext_id {
                    Some(e) => self.id_by_ext("guardian", e)?,
                    None => None,
                };
                if found.is_none() {
                    // The same person already linked to one of the children.
                    for (sid, _) in &children {
                        let id: Option<Id> = self
                            .tx
                            .query_row(
                                "SELECT g.id FROM guardian g JOIN student_guardian sg
                                   ON sg.guardian_id = g.id
                                 WHERE sg.student_id = ?1 AND g.family_name = ?2
                                   AND g.given_name = ?3",
                                params![sid, g.family_name, g.given_name],
                                |r| r.get(0),
                            )
                            .optional()?;
                        if id.is_some() {
                            found = id;
                            break;
                        }
                    }
                }
                let id = found.unwrap_or_else(|| self.new_id("guardian"));
                let mut f = row(&[
                    ("family_name", json!(g.family_name)),
                    ("given_name", json!(g.given_name)),
                ]);
                for (c, v) in [
                    ("patronymic", &g.patronymic),
                    ("phone", &g.phone),
                    ("email", &g.email),
                    ("ext_id", &g.ext_id),
                ] {
                    if v.is_some() || found.is_none() {
                        f.insert(c.into(), json!(v));
                    }
                }
                self.put("guardians", "guardian", &key(id), &f)?;
                done.insert(g.key.clone(), id);
                id
            };
            for (sid, rel) in children {
                let k = row(&[("student_id", json!(sid)), ("guardian_id", json!(id))]);
                self.put(
                    "guardian links",
                    "student_guardian",
                    &k,
                    &row(&[("relation", json!(rel.as_str()))]),
                )?;
            }
        }
        Ok(())
    }

    // ---- classes, groups, stays ----

    fn classes_rows(&mut self, b: &Bundle) -> Result<(), StoreError> {
        for c in &b.classes {
            if self.classes.contains_key(&c.key) {
                continue;
            }
            let Some(year) = self.year_of(&c.at, "year", c.year.as_deref())? else {
                continue;
            };
            if !(1..=11).contains(&c.grade) {
                self.error(&c.at, "grade", format!("grade {} is not 1 to 11", c.grade));
                continue;
            }
            let letters = c.letter.chars().count();
            if !(1..=3).contains(&letters) {
                self.error(
                    &c.at,
                    "letter",
                    format!("the class letter «{}» must be 1 to 3 characters", c.letter),
                );
                continue;
            }
            let name = format!("{}{}", c.grade, c.letter);
            let found = match &c.ext_id {
                Some(e) => self.id_by_ext("class", e)?,
                None => None,
            };
            let found = found.or_else(|| {
                self.class_by_name
                    .get(&(year, name.to_lowercase()))
                    .copied()
            });
            if let Some(other) = self.class_by_name.get(&(year, name.to_lowercase()))
                && Some(*other) != found
            {
                self.error(
                    &c.at,
                    "name",
                    format!("another class of that year is already called {name}"),
                );
                continue;
            }
            let teacher = match &c.class_teacher {
                Some(t) => self.staff_member(&c.at, "class_teacher", t)?,
                None => None,
            };
            let id = found.unwrap_or_else(|| self.new_id("class"));
            let mut f = row(&[
                ("year_id", json!(year)),
                ("grade", json!(c.grade)),
                ("letter", json!(c.letter)),
                ("name", json!(name)),
            ]);
            if let Some(t) = teacher {
                f.insert("class_teacher_id".into(), json!(t));
            }
            if let Some(e) = &c.ext_id {
                f.insert("ext_id".into(), json!(e));
            }
            self.put("classes", "class", &key(id), &f)?;
            if let Some(t) = teacher {
                self.add_role(t, Role::ClassTeacher)?;
            }
            self.classes.insert(c.key.clone(), id);
            self.class_by_name.insert((year, name.to_lowercase()), id);
            self.class_year.insert(id, year);
        }
        Ok(())
    }

    fn class(&mut self, at: &Origin, col: &str, k: &str) -> Result<Option<Id>, StoreError> {
        if let Some(id) = self.classes.get(k) {
            return Ok(Some(*id));
        }
        if let Some(id) = self.id_by_ext("class", k)? {
            return Ok(Some(id));
        }
        let norm: String = k.split_whitespace().collect::<String>().to_lowercase();
        if let Some(y) = self.default_year
            && let Some(id) = self.class_by_name.get(&(y, norm.clone()))
        {
            return Ok(Some(*id));
        }
        let any: Vec<Id> = self
            .class_by_name
            .iter()
            .filter(|((_, n), _)| *n == norm)
            .map(|(_, id)| *id)
            .collect();
        if any.len() == 1 {
            return Ok(Some(any[0]));
        }
        self.error(
            at,
            col,
            format!("no class «{k}» in the files or the database"),
        );
        Ok(None)
    }

    fn groups_rows(&mut self, b: &Bundle) -> Result<(), StoreError> {
        for g in &b.groups {
            if self.groups.contains_key(&g.key) {
                continue;
            }
            let Some(class) = self.class(&g.at, "class", &g.class)? else {
                continue;
            };
            let found = match &g.ext_id {
                Some(e) => self.id_by_ext("class_group", e)?,
                None => None,
            };
            let found = found.or_else(|| {
                self.group_by_name
                    .get(&(class, g.name.to_lowercase()))
                    .copied()
            });
            let id = found.unwrap_or_else(|| self.new_id("class_group"));
            let mut f = row(&[("class_id", json!(class)), ("name", json!(g.name))]);
            if let Some(e) = &g.ext_id {
                f.insert("ext_id".into(), json!(e));
            }
            self.put("groups", "class_group", &key(id), &f)?;
            self.groups.insert(g.key.clone(), id);
            self.group_by_name
                .insert((class, g.name.to_lowercase()), id);
        }
        Ok(())
    }

    fn group(
        &mut self,
        at: &Origin,
        col: &str,
        class: Id,
        k: &str,
    ) -> Result<Option<Id>, StoreError> {
        if let Some(id) = self.groups.get(k) {
            return Ok(Some(*id));
        }
        if let Some(id) = self.id_by_ext("class_group", k)? {
            return Ok(Some(id));
        }
        if let Some(id) = self.group_by_name.get(&(class, k.to_lowercase())) {
            return Ok(Some(*id));
        }
        self.error(
            at,
            col,
            format!("no group «{k}» in that class, in the files or the database"),
        );
        Ok(None)
    }

    fn stays(&self, student: Id) -> Result<Vec<EnrolRow>, StoreError> {
        let mut st = self.tx.prepare_cached(
            "SELECT id, class_id, starts_on, ends_on, start_order_no, start_order_date, end_reason
             FROM enrolment WHERE student_id = ?1 ORDER BY starts_on",
        )?;
        let rows = st
            .query_map([student], |r| {
                let s: String = r.get(2)?;
                let e: Option<String> = r.get(3)?;
                let no: Option<String> = r.get(4)?;
                let od: Option<String> = r.get(5)?;
                Ok(EnrolRow {
                    id: r.get(0)?,
                    class_id: r.get(1)?,
                    starts_on: parse_db_date(&s).unwrap_or_default(),
                    ends_on: e.as_deref().and_then(parse_db_date),
                    start_order: no.zip(od),
                    end_reason: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    fn enrolments(&mut self, b: &Bundle) -> Result<(), StoreError> {
        for e in &b.enrolments {
            let (Some(sid), Some(cid)) = (
                self.student(&e.at, "student", &e.student)?,
                self.class(&e.at, "class", &e.class)?,
            ) else {
                continue;
            };
            let Some(year) = self
                .class_year
                .get(&cid)
                .and_then(|y| self.year_rows.get(y))
            else {
                continue;
            };
            let (ys, ye) = (year.starts_on, year.ends_on);
            let mut starts = e.starts_on.unwrap_or(ys).max(ys);
            // An end on or after the year's last day is the year running
            // its course, not a departure.
            let ends = e.ends_on.filter(|d| *d < ye);
            if let Some(d) = ends
                && d < starts
            {
                self.error(&e.at, "ends_on", "the stay ends before it starts");
                continue;
            }
            if starts > ye {
                self.error(
                    &e.at,
                    "starts_on",
                    format!(
                        "{} is after the class's school year",
                        starts.format("%d.%m.%Y")
                    ),
                );
                continue;
            }
            if e.order_no.is_some() != e.order_date.is_some() {
                self.error(
                    &e.at,
                    "order_no",
                    "give both the order's number and its date, or neither",
                );
                continue;
            }
            let order = e.order_no.clone().zip(e.order_date);
            let stays = self.stays(sid)?;
            let in_year =
                |s: &&EnrolRow| self.class_year.get(&s.class_id) == self.class_year.get(&cid);
            let same: Option<&EnrolRow> = match &e.ext_id {
                Some(x) => {
                    let id = self.id_by_ext("enrolment", x)?;
                    stays.iter().find(|s| Some(s.id) == id)
                }
                None => None,
            }
            .or_else(|| {
                stays
                    .iter()
                    .filter(|s| s.class_id == cid)
                    .find(|s| s.ends_on.is_none_or(|d| d >= starts) || s.starts_on == starts)
            });
            if let Some(s) = same {
                // The same stay: update what the file knows better.
                let mut f = Map::new();
                if s.class_id != cid {
                    f.insert("class_id".into(), json!(cid));
                }
                if e.starts_on.is_some() && s.starts_on != starts {
                    f.insert("starts_on".into(), date(starts));
                }
                if let Some((no, d)) = &order
                    && s.start_order
                        .as_ref()
                        .map(|(n, dd)| (n.as_str(), dd.as_str()))
                        != Some((no.as_str(), date(*d).as_str().unwrap_or_default()))
                {
                    f.insert("start_order_no".into(), json!(no));
                    f.insert("start_order_date".into(), date(*d));
                }
                if let (Some(_), Some(no), Some(d)) = (ends, &e.end_order_no, e.end_order_date) {
                    f.insert("end_order_no".into(), json!(no));
                    f.insert("end_order_date".into(), date(d));
                }
                if ends.is_some()
                    && let Some(r) = e.end_reason
                {
                    f.insert("end_reason".into(), json!(r.as_str()));
                }
                if ends != s.ends_on {
                    match ends {
                        Some(d) => {
                            f.insert("ends_on".into(), date(d));
                            f.entry("end_reason").or_insert_with(|| json!("departure"));
                        }
                        None if s.ends_on.is_some_and(|d| d < ye) && e.ends_on.is_none() => {
                            // The file has no end: keep the recorded one.
                        }
                        None => {
                            f.insert("ends_on".into(), Value::Null);
                            f.insert("end_reason".into(), Value::Null);
                            f.insert("end_order_no".into(), Value::Null);
                            f.insert("end_order_date".into(), Value::Null);
                        }
                    }
                }
                if let Some(x) = &e.ext_id {
                    f.insert("ext_id".into(), json!(x));
                }
                let id = s.id;
                self.put("stays", "enrolment", &key(id), &f)?;
                continue;
            }
            // A new stay. An open stay in another class of the same year
            // that began before: this is a transfer (from today when the
            // file gives no date).
            if e.starts_on.is_none()
                && stays
                    .iter()
                    .filter(in_year)
                    .any(|s| s.class_id != cid && s.ends_on.is_none())
            {
                starts = self.today.clamp(ys, ye);
            }
            let open_other: Option<(Id, NaiveDate)> = stays
                .iter()
                .filter(in_year)
                .filter(|s| s.class_id != cid && s.ends_on.is_none_or(|d| d >= starts))
                .map(|s| (s.id, s.starts_on))
                .next();
            // Right after a stay that ended in a transfer: a transfer.
            let after_transfer = stays.iter().filter(in_year).any(|s| {
                s.class_id != cid
                    && s.ends_on == starts.pred_opt()
                    && s.end_reason.as_deref() == Some("transfer")
            });
            let mut reason = if after_transfer {
                "transfer"
            } else if starts == ys {
                "start_of_year"
            } else {
                "arrival"
            };
            if let Some((old, old_start)) = open_other {
                if old_start >= starts {
                    self.error(
                        &e.at,
                        "class",
                        "the student already has a stay in another class from that date",
                    );
                    continue;
                }
                let mut f = row(&[
                    ("ends_on", date(starts - Duration::days(1))),
                    ("end_reason", json!("transfer")),
                ]);
                if let Some((no, d)) = &order {
                    f.insert("end_order_no".into(), json!(no));
                    f.insert("end_order_date".into(), date(*d));
                }
                self.close("stays", "enrolment", &key(old), &f)?;
                reason = "transfer";
            }
            let id = self.new_id("enrolment");
            let mut f = row(&[
                ("student_id", json!(sid)),
                ("class_id", json!(cid)),
                ("starts_on", date(starts)),
                ("start_reason", json!(reason)),
                ("start_order_no", json!(order.as_ref().map(|o| &o.0))),
                ("start_order_date", opt_date(order.as_ref().map(|o| o.1))),
                ("ext_id", json!(e.ext_id)),
            ]);
            if let Some(d) = ends {
                f.insert("ends_on".into(), date(d));
                let r = e.end_reason.unwrap_or(EndReason::Departure);
                f.insert("end_reason".into(), json!(r.as_str()));
                if let (Some(no), Some(od)) = (&e.end_order_no, e.end_order_date) {
                    f.insert("end_order_no".into(), json!(no));
                    f.insert("end_order_date".into(), date(od));
                }
            }
            self.put("stays", "enrolment", &key(id), &f)?;
        }
        Ok(())
    }

    fn group_members(&mut self, b: &Bundle) -> Result<(), StoreError> {
        for m in &b.group_members {
            let Some(sid) = self.student(&m.at, "student", &m.student)? else {
                continue;
            };
            let gid = match self.groups.get(&m.group) {
                Some(id) => Some(*id),
                None => self.id_by_ext("class_group", &m.group)?,
            };
            let Some(gid) = gid else {
                self.error(&m.at, "group", format!("no group «{}»", m.group));
                continue;
            };
            let k = row(&[("group_id", json!(gid)), ("student_id", json!(sid))]);
            self.put("group members", "group_member", &k, &Map::new())?;
        }
        Ok(())
    }

    fn workload(&mut self, b: &Bundle) -> Result<(), StoreError> {
        for w in &b.workload {
            let Some(cid) = self.class(&w.at, "class", &w.class)? else {
                continue;
            };
            let gid = match &w.group {
                Some(g) => match self.group(&w.at, "group", cid, g)? {
                    Some(id) => Some(id),
                    None => continue,
                },
                None => None,
            };
            let (Some(sub), Some(t)) = (
                self.subject(&w.at, "subject", &w.subject)?,
                self.staff_member(&w.at, "teacher", &w.teacher)?,
            ) else {
                continue;
            };
            self.put_workload(cid, gid, sub, t, w.ext_id.as_deref())?;
        }
        Ok(())
    }

    fn put_workload(
        &mut self,
        cid: Id,
        gid: Option<Id>,
        sub: Id,
        teacher: Id,
        ext: Option<&str>,
    ) -> Result<(), StoreError> {
        let found: Option<Id> = self
            .tx
            .query_row(
                "SELECT id FROM workload WHERE class_id = ?1 AND ifnull(group_id, 0) = ?2
                 AND subject_id = ?3",
                params![cid, gid.unwrap_or(0), sub],
                |r| r.get(0),
            )
            .optional()?;
        let id = found.unwrap_or_else(|| self.new_id("workload"));
        let mut f = row(&[
            ("class_id", json!(cid)),
            ("group_id", json!(gid)),
            ("subject_id", json!(sub)),
            ("teacher_id", json!(teacher)),
        ]);
        if let Some(e) = ext {
            f.insert("ext_id".into(), json!(e));
        }
        self.put("teaching", "workload", &key(id), &f)?;
        self.add_role(teacher, Role::Teacher)?;
        Ok(())
    }

    fn curriculum(&mut self, b: &Bundle) -> Result<(), StoreError> {
        for c in &b.curriculum {
            let Some(cid) = self.class(&c.at, "class", &c.class)? else {
                continue;
            };
            let Some(sub) = self.subject(&c.at, "subject", &c.subject)? else {
                continue;
            };
            if !(c.hours_per_week > 0.0 && c.hours_per_week <= 20.0) {
                self.error(
                    &c.at,
                    "hours_per_week",
                    format!("{} hours a week is not between 0 and 20", c.hours_per_week),
                );
                continue;
            }
            let gid = match &c.group {
                Some(g) => match self.group(&c.at, "group", cid, g)? {
                    Some(id) => Some(id),
                    None => continue,
                },
                None => None,
            };
            let k = row(&[("class_id", json!(cid)), ("subject_id", json!(sub))]);
            self.put(
                "curriculum",
                "curriculum",
                &k,
                &row(&[("hours_per_week", json!(c.hours_per_week))]),
            )?;
            if let Some(t) = &c.teacher
                && let Some(tid) = self.staff_member(&c.at, "teacher", t)?
            {
                self.put_workload(cid, gid, sub, tid, None)?;
            }
        }
        Ok(())
    }

    fn slots_of(&self, class: Id) -> Result<Vec<SlotRow>, StoreError> {
        let mut st = self.tx.prepare_cached(
            "SELECT id, group_id, weekday, lesson_no, subject_id, teacher_id, room,
                    valid_from, valid_to, ext_id
             FROM timetable WHERE class_id = ?1",
        )?;
        let rows = st
            .query_map([class], |r| {
                let vf: String = r.get(7)?;
                let vt: Option<String> = r.get(8)?;
                Ok(SlotRow {
                    id: r.get(0)?,
                    group_id: r.get(1)?,
                    weekday: r.get(2)?,
                    lesson_no: r.get(3)?,
                    subject_id: r.get(4)?,
                    teacher_id: r.get(5)?,
                    room: r.get(6)?,
                    valid_from: parse_db_date(&vf).unwrap_or_default(),
                    valid_to: vt.as_deref().and_then(parse_db_date),
                    ext_id: r.get(9)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    fn last_lesson_of_slot(&self, slot: Id) -> Result<Option<NaiveDate>, StoreError> {
        let d: Option<String> = self.tx.query_row(
            "SELECT max(date) FROM lesson WHERE timetable_id = ?1",
            [slot],
            |r| r.get(0),
        )?;
        Ok(d.as_deref().and_then(parse_db_date))
    }

    fn lessons_of_slot(&self, slot: Id, from: NaiveDate) -> Result<i64, StoreError> {
        Ok(self.tx.query_row(
            "SELECT count(*) FROM lesson WHERE timetable_id = ?1 AND date >= ?2",
            params![slot, from.format("%Y-%m-%d").to_string()],
            |r| r.get(0),
        )?)
    }

    /// The timetable: an unchanged slot is left alone; a changed one is
    /// closed the day before the change takes effect (the row's
    /// `valid_from`, but never before the working date, so that lessons
    /// already recorded keep their slot) and a new one opened from then.
    /// A class's slots that a file listing that class no longer has are
    /// closed the same way.
    fn timetable(&mut self, b: &Bundle) -> Result<(), StoreError> {
        let mut by_class: BTreeMap<Id, Vec<SlotIn>> = BTreeMap::new();
        let mut partial: HashSet<Id> = HashSet::new();
        let mut seen_slot: HashMap<(Id, Option<Id>, u8, u8, NaiveDate), &Origin> = HashMap::new();
        for t in &b.timetable {
            let Some(cid) = self.class(&t.at, "class", &t.class)? else {
                continue;
            };
            let gid = match &t.group {
                Some(g) => match self.group(&t.at, "group", cid, g)? {
                    Some(id) => Some(id),
                    None => continue,
                },
                None => None,
            };
            let (Some(sub), Some(tid)) = (
                self.subject(&t.at, "subject", &t.subject)?,
                self.staff_member(&t.at, "teacher", &t.teacher)?,
            ) else {
                continue;
            };
            if !(1..=7).contains(&t.weekday) {
                self.error(
                    &t.at,
                    "weekday",
                    format!("weekday {} is not 1 to 7", t.weekday),
                );
                continue;
            }
            let year = self.class_year[&cid];
            let has_bell: Option<i64> = self
                .tx
                .query_row(
                    "SELECT 1 FROM bell WHERE year_id = ?1 AND lesson_no = ?2",
                    params![year, t.lesson_no],
                    |r| r.get(0),
                )
                .optional()?;
            if has_bell.is_none() {
                self.error(
                    &t.at,
                    "lesson_no",
                    format!(
                        "lesson {} has no bell time in that year: import the bells first (classbook template bells)",
                        t.lesson_no
                    ),
                );
                continue;
            }
            let yr = &self.year_rows[&year];
            let from = t.valid_from.unwrap_or(yr.starts_on);
            if from < yr.starts_on || from > yr.ends_on {
                self.error(
                    &t.at,
                    "valid_from",
                    format!(
                        "{} is outside the class's school year",
                        from.format("%d.%m.%Y")
                    ),
                );
                continue;
            }
            if let Some(to) = t.valid_to
                && to < from
            {
                self.error(&t.at, "valid_to", "valid_to is before valid_from");
                continue;
            }
            if let Some(first) = seen_slot.insert((cid, gid, t.weekday, t.lesson_no, from), &t.at) {
                self.error(
                    &t.at,
                    "",
                    format!("the same class, group, day and lesson as {first}"),
                );
                continue;
            }
            // A row from a date after the year's start is a change, not
            // the whole timetable.
            if t.valid_from
                .is_some_and(|f| f > self.year_rows[&self.class_year[&cid]].starts_on)
            {
                partial.insert(cid);
            }
            by_class.entry(cid).or_default().push((t, gid, sub, tid));
        }
        let whole: HashSet<Id> = by_class
            .keys()
            .filter(|c| !partial.contains(c))
            .copied()
            .collect();
        for (cid, rows) in by_class {
            let existing = self.slots_of(cid)?;
            let mut kept: HashSet<Id> = HashSet::new();
            for (t, gid, sub, tid) in rows {
                let yr = &self.year_rows[&self.class_year[&cid]];
                let from = t.valid_from.unwrap_or(yr.starts_on);
                // The slot's row in force on `from` (or starting later).
                // The slot's row in force from `from` on: the latest one
                // (an earlier row closed by a change is history).
                let cur = existing
                    .iter()
                    .filter(|s| {
                        if let (Some(a), Some(b)) = (&t.ext_id, &s.ext_id)
                            && a == b
                        {
                            return true;
                        }
                        s.group_id == gid
                            && s.weekday == t.weekday
                            && s.lesson_no == t.lesson_no
                            && s.valid_to.is_none_or(|d| d >= from)
                            && !kept.contains(&s.id)
                    })
                    .max_by_key(|s| s.valid_from);
                let same_content =
                    |s: &SlotRow| s.subject_id == sub && s.teacher_id == tid && s.room == t.room;
                match cur {
                    Some(s) if same_content(s) => {
                        kept.insert(s.id);
                        let mut f = Map::new();
                        if t.valid_to != s.valid_to {
                            f.insert("valid_to".into(), opt_date(t.valid_to));
                        }
                        if let Some(e) = &t.ext_id {
                            f.insert("ext_id".into(), json!(e));
                        }
                        self.put("timetable", "timetable", &key(s.id), &f)?;
                    }
                    Some(s) => {
                        kept.insert(s.id);
                        // Changed: from the row's date, never before today,
                        // so that what is recorded keeps its slot.
                        let asked = t.valid_from.unwrap_or(self.today).max(from);
                        let mut eff = asked.max(s.valid_from);
                        if let Some(last) = self.last_lesson_of_slot(s.id)? {
                            eff = eff.max(last + Duration::days(1));
                        }
                        let recorded = self.lessons_of_slot(s.id, s.valid_from)?;
                        if eff == s.valid_from && recorded == 0 {
                            // Not begun: change it in place.
                            let f = self.slot_fields(cid, gid, t, sub, tid, s.valid_from);
                            self.put("timetable", "timetable", &key(s.id), &f)?;
                            continue;
                        }
                        if eff == s.valid_from {
                            eff += Duration::days(1);
                        }
                        let close = row(&[("valid_to", date(eff - Duration::days(1)))]);
                        self.close("timetable", "timetable", &key(s.id), &close)?;
                        let id = self.new_id("timetable");
                        let f = self.slot_fields(cid, gid, t, sub, tid, eff);
                        self.put("timetable", "timetable", &key(id), &f)?;
                    }
                    None => {
                        let id = self.new_id("timetable");
                        let f = self.slot_fields(cid, gid, t, sub, tid, from);
                        self.put("timetable", "timetable", &key(id), &f)?;
                    }
                }
            }
            // A class listed with no `valid_from` is its whole timetable:
            // its slots the file no longer has are closed (or removed, when
            // they never began and nothing is recorded against them).
            if !whole.contains(&cid) {
                continue;
            }
            for s in &existing {
                if kept.contains(&s.id) || s.valid_to.is_some_and(|d| d < self.today) {
                    continue;
                }
                let mut eff = self.today.max(s.valid_from);
                if let Some(last) = self.last_lesson_of_slot(s.id)? {
                    eff = eff.max(last + Duration::days(1));
                }
                let recorded = self.lessons_of_slot(s.id, s.valid_from)?;
                if eff == s.valid_from && recorded == 0 {
                    if let Some(id) = store::audit::write_row(
                        self.tx,
                        &self.operator,
                        "import.timetable",
                        "timetable",
                        &key(s.id),
                        None,
                    )? {
                        self.audit.push(id);
                    }
                    self.count("timetable").closed += 1;
                    continue;
                }
                if eff == s.valid_from {
                    eff += Duration::days(1);
                }
                let f = row(&[("valid_to", date(eff - Duration::days(1)))]);
                self.close("timetable", "timetable", &key(s.id), &f)?;
            }
        }
        Ok(())
    }

    fn slot_fields(
        &self,
        cid: Id,
        gid: Option<Id>,
        t: &TimetableIn,
        sub: Id,
        tid: Id,
        from: NaiveDate,
    ) -> Row {
        row(&[
            ("year_id", json!(self.class_year[&cid])),
            ("weekday", json!(t.weekday)),
            ("lesson_no", json!(t.lesson_no)),
            ("class_id", json!(cid)),
            ("group_id", json!(gid)),
            ("subject_id", json!(sub)),
            ("teacher_id", json!(tid)),
            ("room", json!(t.room)),
            ("valid_from", date(from)),
            ("valid_to", opt_date(t.valid_to)),
            ("ext_id", json!(t.ext_id)),
        ])
    }

    // ---- movements and departures ----

    fn movements(&mut self, b: &Bundle) -> Result<(), StoreError> {
        for m in &b.movements {
            let Some(sid) = self.student(&m.at, "student", &m.student)? else {
                continue;
            };
            if m.order_no.is_some() != m.order_date.is_some() {
                self.error(
                    &m.at,
                    "order_no",
                    "give both the order's number and its date, or neither",
                );
                continue;
            }
            let order = m.order_no.clone().zip(m.order_date);
            let stays = self.stays(sid)?;
            let current = stays
                .iter()
                .find(|s| s.starts_on <= m.date && s.ends_on.is_none_or(|d| d >= m.date));
            match m.kind {
                MovementKind::Arrival | MovementKind::Transfer => {
                    let Some(ck) = &m.class else {
                        self.error(&m.at, "class", "an arrival or transfer needs the class");
                        continue;
                    };
                    let Some(cid) = self.class(&m.at, "class", ck)? else {
                        continue;
                    };
                    let Some(yr) = self
                        .class_year
                        .get(&cid)
                        .and_then(|y| self.year_rows.get(y))
                    else {
                        continue;
                    };
                    if m.date < yr.starts_on || m.date > yr.ends_on {
                        self.error(
                            &m.at,
                            "date",
                            format!(
                                "{} is outside the class's school year {}–{}",
                                m.date.format("%d.%m.%Y"),
                                yr.starts_on.format("%d.%m.%Y"),
                                yr.ends_on.format("%d.%m.%Y")
                            ),
                        );
                        continue;
                    }
                    if stays
                        .iter()
                        .any(|s| s.class_id == cid && s.starts_on == m.date)
                    {
                        self.count("movements").unchanged += 1;
                        continue;
                    }
                    let mut reason = "arrival";
                    if let Some(cur) = current {
                        if cur.class_id == cid {
                            self.count("movements").unchanged += 1;
                            continue;
                        }
                        if cur.starts_on >= m.date {
                            self.error(
                                &m.at,
                                "date",
                                "the student's current stay starts on or after that date",
                            );
                            continue;
                        }
                        if m.kind == MovementKind::Arrival {
                            self.error(
                                &m.at,
                                "kind",
                                "the student is in another class on that date: this is a transfer",
                            );
                            continue;
                        }
                        let mut f = row(&[
                            ("ends_on", date(m.date - Duration::days(1))),
                            ("end_reason", json!("transfer")),
                        ]);
                        if let Some((no, d)) = &order {
                            f.insert("end_order_no".into(), json!(no));
                            f.insert("end_order_date".into(), date(*d));
                        }
                        self.put("movements", "enrolment", &key(cur.id), &f)?;
                        reason = "transfer";
                    } else if m.kind == MovementKind::Transfer {
                        self.error(
                            &m.at,
                            "kind",
                            "the student is in no class on that date: this is an arrival",
                        );
                        continue;
                    }
                    let id = self.new_id("enrolment");
                    let f = row(&[
                        ("student_id", json!(sid)),
                        ("class_id", json!(cid)),
                        ("starts_on", date(m.date)),
                        ("start_reason", json!(reason)),
                        ("start_order_no", json!(order.as_ref().map(|o| &o.0))),
                        ("start_order_date", opt_date(order.as_ref().map(|o| o.1))),
                    ]);
                    self.put("movements", "enrolment", &key(id), &f)?;
                    self.clear_pending(sid)?;
                }
                MovementKind::Departure(reason) => {
                    let Some(cur) = current else {
                        if stays.iter().any(|s| s.ends_on == Some(m.date)) {
                            self.count("movements").unchanged += 1;
                        } else {
                            self.error(
                                &m.at,
                                "date",
                                format!(
                                    "the student is in no class on {}",
                                    m.date.format("%d.%m.%Y")
                                ),
                            );
                        }
                        continue;
                    };
                    let reason = match reason {
                        EndReason::Transfer => EndReason::Departure,
                        r => r,
                    };
                    let mut f = row(&[
                        ("ends_on", date(m.date)),
                        ("end_reason", json!(reason.as_str())),
                    ]);
                    if let Some((no, d)) = &order {
                        f.insert("end_order_no".into(), json!(no));
                        f.insert("end_order_date".into(), date(*d));
                    }
                    self.put("movements", "enrolment", &key(cur.id), &f)?;
                    self.clear_pending(sid)?;
                }
            }
        }
        Ok(())
    }

    fn clear_pending(&mut self, sid: Id) -> Result<(), StoreError> {
        let k = row(&[("student_id", json!(sid))]);
        if let Some(id) = store::audit::write_row(
            self.tx,
            &self.operator,
            "import.departure_pending",
            "departure_pending",
            &k,
            None,
        )? {
            self.audit.push(id);
        }
        Ok(())
    }

    /// Students with an external id and a stay open today that the full
    /// roster does not list: listed as departures to confirm.
    fn pending_departures(&mut self, b: &Bundle) -> Result<(), StoreError> {
        let listed: HashSet<Id> = self.students.values().copied().collect();
        for sid in &listed {
            self.clear_pending(*sid)?;
        }
        let today = self.today.format("%Y-%m-%d").to_string();
        let missing: Vec<(Id, String)> = {
            let mut st = self.tx.prepare(
                "SELECT DISTINCT s.id, s.family_name || ' ' || s.given_name || ifnull(' ' || s.patronymic, '')
                        || ' (' || c.name || ')'
                 FROM student s JOIN enrolment e ON e.student_id = s.id
                 JOIN class c ON c.id = e.class_id
                 WHERE s.ext_id IS NOT NULL AND e.starts_on <= ?1
                   AND (e.ends_on IS NULL OR e.ends_on >= ?1)
                 ORDER BY 2",
            )?;
            st.query_map([&today], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?
        };
        for (sid, name) in missing {
            if listed.contains(&sid) {
                continue;
            }
            let k = row(&[("student_id", json!(sid))]);
            let f = row(&[("noticed_on", json!(today)), ("source", json!(b.source))]);
            let existed: Option<i64> = self
                .tx
                .query_row(
                    "SELECT 1 FROM departure_pending WHERE student_id = ?1",
                    [sid],
                    |r| r.get(0),
                )
                .optional()?;
            if existed.is_none() {
                self.put("departures?", "departure_pending", &k, &f)?;
            }
            self.departures.push(name);
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    Added,
    Changed,
    Unchanged,
}
