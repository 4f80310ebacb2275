//! Reference data shipped in `data/` and loaded into every new database:
//! the control forms with weights (seed 003 §4.5), the attendance code table
//! (seed 003 §4.6), the training statuses (seed 004) and the default settings.

use rusqlite::{Connection, params};
use serde::Deserialize;

use super::{Result, invalid};
use crate::domain::attendance::{Category, Reason};
use crate::domain::settings::DeadlineKind;
use crate::domain::settings::Settings;
use crate::domain::text::nfc;
use crate::domain::training::{Requirement, StatusCategory};

pub const CONTROL_FORMS_CSV: &str = include_str!("../../data/control_forms.csv");
pub const ATTENDANCE_CODES_CSV: &str = include_str!("../../data/attendance_codes.csv");
pub const ATTENDANCE_CODES_ZH_CSV: &str = include_str!("../../data/attendance_codes_zh.csv");
pub const TRAINING_STATUSES_CSV: &str = include_str!("../../data/training_statuses.csv");

pub fn load_defaults(conn: &Connection) -> Result<()> {
    load_control_forms(conn, CONTROL_FORMS_CSV)?;
    load_attendance_codes(conn, ATTENDANCE_CODES_CSV)?;
    load_training_statuses(conn, TRAINING_STATUSES_CSV)?;
    super::settings::save(conn, &Settings::default())?;
    Ok(())
}

/// One form of control of `data/control_forms.csv`
/// (`name,weight,deadline_kind,written`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormRow {
    pub name: String,
    pub weight: u8,
    /// The mark's own deadline: current or interim.
    pub deadline_kind: DeadlineKind,
    /// A written work (seed 003 §5.5): its marks are due within the written
    /// deadline whatever its deadline kind.
    pub written: bool,
}

impl FormRow {
    /// The deadline the form's marks get: the written one for a written
    /// work, else the form's own.
    pub fn effective_kind(&self) -> DeadlineKind {
        DeadlineKind::of_form(self.deadline_kind, self.written)
    }
}

const FORM_COLUMNS: [&str; 4] = ["name", "weight", "deadline_kind", "written"];

/// Read the control-form catalogue (CSV with the header
/// `name,weight,deadline_kind,written`), checking every row: every bad row
/// is reported (`<source> line L, column C (name): what is wrong`, one per
/// line) and nothing is returned unless all are good.
pub fn read_control_forms(source: &str, csv_text: &str) -> Result<Vec<FormRow>> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(csv_text.as_bytes());
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| invalid(format!("{source} line 1: {e}")))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if header != FORM_COLUMNS {
        return Err(invalid(format!(
            "{source} line 1: the header is «{}», expected «{}»",
            header.join(","),
            FORM_COLUMNS.join(",")
        )));
    }
    let mut rows = vec![];
    let mut problems = vec![];
    let mut names = std::collections::HashMap::new();
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                problems.push(format!("{source} line {line}: {e}"));
                continue;
            }
        };
        let line = rec.position().map_or(0, |p| p.line());
        if rec.len() != FORM_COLUMNS.len() {
            problems.push(format!(
                "{source} line {line}: {} fields, expected {} ({})",
                rec.len(),
                FORM_COLUMNS.len(),
                FORM_COLUMNS.join(",")
            ));
            continue;
        }
        let mut bad = |col: usize, what: String| {
            problems.push(format!(
                "{source} line {line}, column {} ({}): {what}",
                col + 1,
                FORM_COLUMNS[col]
            ))
        };
        let field = |i: usize| rec.get(i).unwrap_or("").trim();
        let name = nfc(field(0));
        if name.is_empty() {
            bad(0, "the name is empty".into());
        } else if let Some(first) = names.insert(name.to_lowercase(), line) {
            bad(0, format!("«{name}» is already on line {first}"));
        }
        let weight = match field(1).parse::<u8>() {
            Ok(w @ 1..=3) => Some(w),
            _ => {
                bad(1, format!("«{}» is not a weight (1, 2 or 3)", field(1)));
                None
            }
        };
        let kind = match DeadlineKind::parse(field(2)) {
            Some(k @ (DeadlineKind::Current | DeadlineKind::Interim)) => Some(k),
            Some(DeadlineKind::Written) => {
                bad(
                    2,
                    "«written» is not a deadline kind here: say current or interim, \
                     and 1 in the column written"
                        .into(),
                );
                None
            }
            None => {
                bad(
                    2,
                    format!("«{}» is not a deadline kind (current or interim)", field(2)),
                );
                None
            }
        };
        let written = match field(3) {
            "1" => Some(true),
            "0" => Some(false),
            other => {
                bad(3, format!("«{other}» is not 1 (a written work) or 0"));
                None
            }
        };
        if let (Some(weight), Some(deadline_kind), Some(written)) = (weight, kind, written) {
            rows.push(FormRow {
                name,
                weight,
                deadline_kind,
                written,
            });
        }
    }
    if !problems.is_empty() {
        return Err(invalid(problems.join("\n")));
    }
    Ok(rows)
}

/// Load the control forms into a new database (schema 1: before the column
/// `written`, which [`set_written_forms`] fills in migration 3). The
/// stored deadline kind is the effective one (written for a written work).
pub fn load_control_forms(conn: &Connection, csv_text: &str) -> Result<usize> {
    let rows = read_control_forms("control_forms.csv", csv_text)?;
    let mut stmt = conn.prepare(
        "INSERT INTO control_form (name, weight, deadline_kind, sort) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (i, row) in rows.iter().enumerate() {
        stmt.execute(params![
            row.name,
            row.weight,
            row.effective_kind().as_str(),
            i as i64 + 1
        ])?;
    }
    Ok(rows.len())
}

/// Migration 3: mark the written works of the catalogue (`written`, and
/// the written deadline kind) in a database of any age, from the same
/// list new databases get. Forms the catalogue does not list are left as
/// they are. Returns the number of forms updated.
pub fn set_written_forms(conn: &Connection, csv_text: &str) -> Result<usize> {
    let rows = read_control_forms("control_forms.csv", csv_text)?;
    let mut stmt =
        conn.prepare("UPDATE control_form SET written = ?2, deadline_kind = ?3 WHERE name = ?1")?;
    let mut n = 0;
    for row in &rows {
        n += stmt.execute(params![
            row.name,
            row.written,
            row.effective_kind().as_str()
        ])?;
    }
    Ok(n)
}

#[derive(Deserialize)]
struct CodeRow {
    code: String,
    label: String,
    category: String,
    reason: String,
    key: String,
}

/// Load a code table (CSV: code,label,category,reason,key), checking every
/// row first: a bad row names its line and nothing is loaded.
pub fn load_attendance_codes(conn: &Connection, csv_text: &str) -> Result<usize> {
    let mut rdr = csv::Reader::from_reader(csv_text.as_bytes());
    let mut rows = vec![];
    for (i, row) in rdr.deserialize::<CodeRow>().enumerate() {
        let line = i + 2;
        let row = row?;
        if Category::parse(&row.category).is_none() {
            return Err(invalid(format!(
                "attendance codes line {line}: unknown category «{}»",
                row.category
            )));
        }
        if !row.reason.is_empty() && Reason::parse(&row.reason).is_none() {
            return Err(invalid(format!(
                "attendance codes line {line}: unknown reason «{}»",
                row.reason
            )));
        }
        rows.push(row);
    }
    let mut stmt = conn.prepare(
        "INSERT INTO attendance_code (code, label, category, reason, key, sort) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (i, row) in rows.iter().enumerate() {
        let reason = (!row.reason.is_empty()).then_some(row.reason.as_str());
        let key = (!row.key.is_empty()).then(|| nfc(&row.key));
        stmt.execute(params![
            nfc(&row.code),
            nfc(&row.label),
            row.category,
            reason,
            key,
            i as i64 + 1
        ])?;
    }
    Ok(rows.len())
}

#[derive(Deserialize)]
struct StatusRow {
    code: String,
    label: String,
    category: String,
    earns_credit: u8,
    requires: String,
    key: String,
}

pub fn load_training_statuses(conn: &Connection, csv_text: &str) -> Result<usize> {
    let mut rdr = csv::Reader::from_reader(csv_text.as_bytes());
    let mut stmt = conn.prepare(
        "INSERT INTO training_status (code, label, category, earns_credit, requires, key, sort)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let mut n = 0;
    for (i, row) in rdr.deserialize::<StatusRow>().enumerate() {
        let row = row?;
        if StatusCategory::parse(&row.category).is_none()
            || Requirement::parse(&row.requires).is_none()
        {
            return Err(invalid(format!(
                "training statuses line {}: bad category or requirement",
                i + 2
            )));
        }
        stmt.execute(params![
            row.code,
            row.label,
            row.category,
            row.earns_credit,
            row.requires,
            row.key,
            i as i64 + 1
        ])?;
        n += 1;
    }
    Ok(n)
}
