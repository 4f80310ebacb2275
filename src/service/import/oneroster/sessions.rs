//! academicSessions.csv → school years and their reporting periods.
//!
//! `schoolYear` sessions are years; `term` and `semester` are halves,
//! `gradingPeriod` quarters, numbered 1.. by start date within their year
//! (found through `parentSourcedId`, also through a term's parent). A term
//! that spans its whole year is the year period; otherwise one is made. A
//! year that sessions name but the file lacks is made from its sessions'
//! dates, with a warning.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate};

use super::table::{Row, Table};
use crate::domain::PeriodKind;
use crate::domain::text::date_full;
use crate::service::import::model::{Bundle, Issue, Origin, PeriodIn, YearIn};

pub(super) const SPEC: super::table::Spec = super::table::Spec {
    required: &["sourcedId", "type", "startDate", "endDate"],
    used: &["status", "title", "parentSourcedId", "schoolYear"],
};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Type {
    Year,
    Term,
    Semester,
    Grading,
}

struct Session {
    id: String,
    line: usize,
    title: String,
    ty: Type,
    start: NaiveDate,
    end: NaiveDate,
    parent: String,
    school_year: String,
}

/// What the rest of the reader needs to know about the sessions.
#[derive(Default)]
pub(super) struct Sessions {
    /// Every kept session's id → its year's key.
    pub year_of: HashMap<String, String>,
    /// Ids of rows that were skipped (deleted, unknown type, broken): a
    /// reference to them is not worth a second warning when broken.
    pub broken: HashSet<String>,
    /// Whether the file could be read at all.
    pub failed: bool,
}

/// "2025/26" from a year's dates; a year within one calendar year is
/// "2025/26" when the `schoolYear` column (the year it ends in, as
/// OneRoster writes it) says it ends in the next one, else "2025".
pub(super) fn year_label(start: NaiveDate, end: NaiveDate, school_year: &str) -> String {
    let (a, b) = (start.year(), end.year());
    if b > a {
        format!("{a}/{:02}", b.rem_euclid(100))
    } else if school_year.trim().parse::<i32>().ok() == Some(a + 1) {
        format!("{a}/{:02}", (a + 1).rem_euclid(100))
    } else {
        a.to_string()
    }
}

fn kind_name(kind: PeriodKind) -> &'static str {
    match kind {
        PeriodKind::Half => "halves (terms and semesters)",
        PeriodKind::Quarter => "quarters (grading periods)",
        PeriodKind::Year => "year periods",
    }
}

fn default_label(kind: PeriodKind, number: u8) -> String {
    match kind {
        PeriodKind::Half => format!("{number} полугодие"),
        PeriodKind::Quarter => format!("{number} четверть"),
        PeriodKind::Year => "Год".to_string(),
    }
}

fn parse_row(t: &Table, row: &Row, issues: &mut Vec<Issue>) -> Result<Option<Session>, ()> {
    let id = t.required(row, "sourcedId", issues).ok_or(())?.to_string();
    let ty_text = t.get(row, "type");
    let ty = match ty_text.to_lowercase().as_str() {
        "schoolyear" => Type::Year,
        "term" => Type::Term,
        "semester" => Type::Semester,
        "gradingperiod" => Type::Grading,
        "" => {
            issues.push(t.error(row, "type", "no value (it is required)"));
            return Err(());
        }
        _ => {
            issues.push(t.warning(
                row,
                "type",
                format!("session type «{ty_text}» is not a school year, term, semester or grading period; row skipped"),
            ));
            return Ok(None);
        }
    };
    let mut bad = false;
    let mut date = |col: &str| -> Option<NaiveDate> {
        match t.date(row, col, issues) {
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                issues.push(t.error(row, col, "no value (it is required)"));
                bad = true;
                None
            }
            Err(()) => {
                bad = true;
                None
            }
        }
    };
    let start = date("startDate");
    let end = date("endDate");
    let (Some(start), Some(end)) = (start, end) else {
        return Err(());
    };
    if bad {
        return Err(());
    }
    if end < start {
        issues.push(t.error(
            row,
            "endDate",
            format!(
                "ends ({}) before it starts ({})",
                date_full(end),
                date_full(start)
            ),
        ));
        return Err(());
    }
    Ok(Some(Session {
        id,
        line: row.line,
        title: t.get(row, "title").to_string(),
        ty,
        start,
        end,
        parent: t.get(row, "parentSourcedId").to_string(),
        school_year: t.get(row, "schoolYear").to_string(),
    }))
}

/// A year being built: from the file, or made from the sessions that
/// name it.
struct YearDraft {
    key: String,
    ext_id: Option<String>,
    from_file: bool,
    line: usize,
    school_year: String,
    start: NaiveDate,
    end: NaiveDate,
    /// Session indices, in file order.
    members: Vec<usize>,
}

pub(super) fn read(table: Option<&Table>, bundle: &mut Bundle) -> Sessions {
    let mut out = Sessions::default();
    let Some(t) = table else {
        return out;
    };
    let issues = &mut bundle.issues;
    let mut sessions: Vec<Session> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for row in &t.rows {
        let id = t.get(row, "sourcedId").to_string();
        if !t.keep(row, issues) {
            out.broken.insert(id);
            continue;
        }
        if let Some(first) = seen.get(&id).filter(|_| !id.is_empty()) {
            issues.push(t.error(
                row,
                "sourcedId",
                format!("«{id}» is already used on line {first}"),
            ));
            continue;
        }
        seen.insert(id.clone(), row.line);
        match parse_row(t, row, issues) {
            Ok(Some(s)) => sessions.push(s),
            Ok(None) | Err(()) => {
                out.broken.insert(id);
            }
        }
    }
    let by_id: HashMap<&str, usize> = sessions
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();

    let years: Vec<YearDraft> = sessions
        .iter()
        .filter(|s| s.ty == Type::Year)
        .map(|s| YearDraft {
            key: s.id.clone(),
            ext_id: Some(s.id.clone()),
            from_file: true,
            line: s.line,
            school_year: s.school_year.clone(),
            start: s.start,
            end: s.end,
            members: Vec::new(),
        })
        .collect();
    let year_index: HashMap<String, usize> = years
        .iter()
        .enumerate()
        .map(|(i, y)| (y.key.clone(), i))
        .collect();

    // The year of each term, semester and grading period.
    let mut r = Resolver {
        t,
        sessions: &sessions,
        by_id: &by_id,
        year_index: &year_index,
        broken: &out.broken,
        state: vec![State::NotYet; sessions.len()],
        years,
        made: HashMap::new(),
        issues: Vec::new(),
    };
    let mut dropped = Vec::new();
    for (si, s) in sessions.iter().enumerate() {
        if s.ty == Type::Year {
            continue;
        }
        match r.year_of(si) {
            Some(yi) => r.years[yi].members.push(si),
            None => dropped.push(s.id.clone()),
        }
    }
    let mut years = r.years;
    issues.extend(r.issues);
    out.broken.extend(dropped);

    // Years made from their sessions: their dates, label and key.
    for y in years.iter_mut().filter(|y| !y.from_file) {
        let members = y.members.iter().map(|&i| &sessions[i]);
        y.start = members.clone().map(|s| s.start).min().unwrap_or(y.start);
        y.end = members.clone().map(|s| s.end).max().unwrap_or(y.end);
        if let Some(first) = y.members.first().map(|&i| &sessions[i]) {
            y.line = first.line;
            y.school_year = members
                .map(|s| s.school_year.clone())
                .find(|v| !v.is_empty())
                .unwrap_or_default();
        }
        let label = year_label(y.start, y.end, &y.school_year);
        let what = match &y.ext_id {
            Some(id) => format!("school year «{id}» is not in the file"),
            None => format!(
                "no school year of the file has schoolYear {}",
                y.school_year
            ),
        };
        issues.push(Issue::warning(
            Origin::new(t.file.clone(), y.line),
            "",
            format!(
                "{what}; it is made from its sessions: {label}, {} – {}",
                date_full(y.start),
                date_full(y.end)
            ),
        ));
        if y.ext_id.is_none() {
            y.key = label;
        }
    }

    for y in &years {
        let label = year_label(y.start, y.end, &y.school_year);
        bundle.years.push(YearIn {
            at: Origin::new(t.file.clone(), y.line),
            key: y.key.clone(),
            ext_id: y.ext_id.clone(),
            label,
            starts_on: y.start,
            ends_on: y.end,
        });
        if let Some(ext) = &y.ext_id {
            out.year_of.insert(ext.clone(), y.key.clone());
        }
        periods(t, y, &sessions, bundle, &mut out);
    }
    for (i, a) in years.iter().enumerate() {
        for b in &years[i + 1..] {
            if a.start <= b.end && b.start <= a.end {
                bundle.issues.push(Issue::warning(
                    Origin::new(t.file.clone(), b.line),
                    "",
                    format!(
                        "school years «{}» ({} – {}) and «{}» ({} – {}) overlap",
                        a.key,
                        date_full(a.start),
                        date_full(a.end),
                        b.key,
                        date_full(b.start),
                        date_full(b.end)
                    ),
                ));
            }
        }
    }
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    NotYet,
    InProgress,
    Done(Option<usize>),
}

/// Finds each session's year: its parent's (a year, or a session whose
/// year is found the same way); failing that, the year its `schoolYear`
/// column names or whose dates contain it; a parent the file lacks becomes
/// a year made from the sessions under it.
struct Resolver<'a> {
    t: &'a Table,
    sessions: &'a [Session],
    by_id: &'a HashMap<&'a str, usize>,
    year_index: &'a HashMap<String, usize>,
    broken: &'a HashSet<String>,
    state: Vec<State>,
    years: Vec<YearDraft>,
    made: HashMap<String, usize>,
    issues: Vec<Issue>,
}

impl Resolver<'_> {
    fn at(&self, s: &Session) -> Origin {
        Origin::new(self.t.file.clone(), s.line)
    }

    /// A year of the file that the session's `schoolYear` names and whose
    /// dates contain it.
    fn by_column(&self, s: &Session) -> Option<usize> {
        if s.school_year.is_empty() {
            return None;
        }
        self.years.iter().position(|y| {
            y.from_file
                && (y.school_year == s.school_year
                    || (y.school_year.is_empty() && y.end.year().to_string() == s.school_year))
                && y.start <= s.start
                && s.end <= y.end
        })
    }

    fn year_of(&mut self, si: usize) -> Option<usize> {
        match self.state[si] {
            State::Done(r) => return r,
            State::InProgress => {
                let s = &self.sessions[si];
                self.issues.push(Issue::error(
                    self.at(s),
                    self.t.col("parentSourcedId"),
                    format!("the parents of «{}» go round in a circle", s.id),
                ));
                self.state[si] = State::Done(None);
                return None;
            }
            State::NotYet => {}
        }
        self.state[si] = State::InProgress;
        let r = self.resolve(si);
        self.state[si] = State::Done(r);
        r
    }

    fn resolve(&mut self, si: usize) -> Option<usize> {
        let s = &self.sessions[si];
        let parent = s.parent.as_str();
        if let Some(&yi) = self.year_index.get(parent) {
            let y = &self.years[yi];
            if s.start < y.start || s.end > y.end {
                self.issues.push(Issue::error(
                    self.at(s),
                    self.t.col("startDate"),
                    format!(
                        "«{}» ({} – {}) lies outside its school year «{}» ({} – {})",
                        s.id,
                        date_full(s.start),
                        date_full(s.end),
                        y.key,
                        date_full(y.start),
                        date_full(y.end)
                    ),
                ));
                return None;
            }
            return Some(yi);
        }
        if let Some(&pi) = self.by_id.get(parent) {
            let found = self.year_of(pi);
            if found.is_none() {
                self.issues.push(Issue::warning(
                    self.at(s),
                    self.t.col("parentSourcedId"),
                    format!("parent «{parent}» has no school year; row skipped"),
                ));
            }
            return found;
        }
        if !parent.is_empty() && !self.broken.contains(parent) {
            // A parent the file lacks: the year the schoolYear column
            // names, else a year made from the sessions under the parent.
            if let Some(yi) = self.by_column(s) {
                self.issues.push(Issue::warning(
                    self.at(s),
                    self.t.col("parentSourcedId"),
                    format!(
                        "parent «{parent}» is not in the file; the session goes to school year «{}» (schoolYear {})",
                        self.years[yi].key, s.school_year
                    ),
                ));
                return Some(yi);
            }
            return Some(draft(
                &mut self.years,
                &mut self.made,
                parent.to_string(),
                Some(parent.to_string()),
                s,
            ));
        }
        if let Some(yi) = self.by_column(s) {
            return Some(yi);
        }
        if let Some(yi) = self
            .years
            .iter()
            .position(|y| y.from_file && y.start <= s.start && s.end <= y.end)
        {
            return Some(yi);
        }
        if !s.school_year.is_empty() {
            let group = format!("schoolYear {}", s.school_year);
            return Some(draft(&mut self.years, &mut self.made, group, None, s));
        }
        self.issues.push(Issue::warning(
            self.at(s),
            "",
            format!(
                "«{}» belongs to no school year in the file; row skipped",
                s.id
            ),
        ));
        None
    }
}

/// The index of the made year under `group`, made on first use.
fn draft(
    years: &mut Vec<YearDraft>,
    made: &mut HashMap<String, usize>,
    group: String,
    ext_id: Option<String>,
    s: &Session,
) -> usize {
    *made.entry(group.clone()).or_insert_with(|| {
        years.push(YearDraft {
            key: group,
            ext_id,
            from_file: false,
            line: s.line,
            school_year: s.school_year.clone(),
            start: s.start,
            end: s.end,
            members: Vec::new(),
        });
        years.len() - 1
    })
}

/// A year's periods: its sessions numbered by kind, and the year period.
fn periods(
    t: &Table,
    y: &YearDraft,
    sessions: &[Session],
    bundle: &mut Bundle,
    out: &mut Sessions,
) {
    let mut members: Vec<&Session> = y.members.iter().map(|&i| &sessions[i]).collect();
    members.sort_by_key(|s| (s.start, s.end, s.line));
    let spans = |s: &Session| y.from_file && s.start == y.start && s.end == y.end;
    let year_period = members.iter().find(|s| spans(s)).map(|s| s.id.clone());
    let mut count: HashMap<PeriodKind, u8> = HashMap::new();
    let mut too_many: HashSet<PeriodKind> = HashSet::new();
    for s in &members {
        out.year_of.insert(s.id.clone(), y.key.clone());
        let kind = if year_period.as_deref() == Some(s.id.as_str()) {
            PeriodKind::Year
        } else if s.ty == Type::Grading {
            PeriodKind::Quarter
        } else {
            PeriodKind::Half
        };
        let n = count.entry(kind).or_insert(0);
        *n += 1;
        let number = *n;
        if kind != PeriodKind::Year && number > 4 {
            if too_many.insert(kind) {
                bundle.issues.push(Issue::error(
                    Origin::new(t.file.clone(), s.line),
                    t.col("type"),
                    format!(
                        "school year «{}» has more than 4 {}; «{}» is the 5th",
                        y.key,
                        kind_name(kind),
                        s.id
                    ),
                ));
            }
            continue;
        }
        let label = if s.title.is_empty() {
            default_label(kind, number)
        } else {
            s.title.clone()
        };
        bundle.periods.push(PeriodIn {
            at: Origin::new(t.file.clone(), s.line),
            ext_id: Some(s.id.clone()),
            year: y.key.clone(),
            kind,
            number,
            label,
            starts_on: s.start,
            ends_on: s.end,
        });
    }
    if year_period.is_none() {
        let label = default_label(PeriodKind::Year, 1);
        bundle.periods.push(PeriodIn {
            at: Origin::new(t.file.clone(), y.line),
            ext_id: None,
            year: y.key.clone(),
            kind: PeriodKind::Year,
            number: 1,
            label,
            starts_on: y.start,
            ends_on: y.end,
        });
    }
}
