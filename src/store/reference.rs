//! Reference data shipped in `data/` and loaded into every new database:
//! the control forms with weights (seed 003 §4.5), the attendance code table
//! (seed 003 §4.6), the training statuses (seed 004) and the default settings.

use rusqlite::{Connection, params};
use serde::Deserialize;

use super::{Result, invalid};
use crate::domain::attendance::{Category, Reason};
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

#[derive(Deserialize)]
struct FormRow {
    name: String,
    weight: u8,
    deadline_kind: String,
}

pub fn load_control_forms(conn: &Connection, csv_text: &str) -> Result<usize> {
    let mut rdr = csv::Reader::from_reader(csv_text.as_bytes());
    let mut stmt = conn.prepare(
        "INSERT INTO control_form (name, weight, deadline_kind, sort) VALUES (?1, ?2, ?3, ?4)",
    )?;
    let mut n = 0;
    for (i, row) in rdr.deserialize::<FormRow>().enumerate() {
        let row = row?;
        stmt.execute(params![
            nfc(&row.name),
            row.weight,
            row.deadline_kind,
            i as i64 + 1
        ])?;
        n += 1;
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
