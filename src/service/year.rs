//! Closing a school year (after its review has no open errors, or by force
//! with a note) and reopening it (with a reason): both audited. While a
//! year is closed the store refuses every write to it
//! ([`crate::store::closed`]).

use chrono::NaiveDateTime;
use serde_json::{Map, Value, json};

use crate::domain::review::Severity;
use crate::domain::{SchoolYear, YearStatus};
use crate::service::review::{self, ReviewQuery};
use crate::store::{self, Db, Result, closed};

/// A year by its label ("2025/26", also "2025-26" or "2025/2026").
pub fn find(conn: &store::Conn, label: &str) -> Result<SchoolYear> {
    let norm = |s: &str| {
        s.trim()
            .replace(['-', '–', '—'], "/")
            .replace(' ', "")
            .to_lowercase()
    };
    let want = norm(label);
    let years = store::school::years(conn)?;
    years
        .iter()
        .find(|y| {
            let have = norm(&y.label);
            have == want
                || have
                    .split_once('/')
                    .zip(want.split_once('/'))
                    .is_some_and(|((a, b), (c, d))| a == c && d.ends_with(b) && d.len() == 4)
        })
        .cloned()
        .ok_or_else(|| {
            store::StoreError::NotFound(format!(
                "school year «{label}» (years: {})",
                years
                    .iter()
                    .map(|y| y.label.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
}

/// What closing found and did.
#[derive(Debug, Clone, PartialEq)]
pub struct Closing {
    pub year: SchoolYear,
    /// The review's unacknowledged errors in the year (closed anyway only
    /// with a note).
    pub open_errors: Vec<String>,
    pub audit: Vec<i64>,
}

fn key(id: i64) -> Map<String, Value> {
    [("id".to_string(), json!(id))].into_iter().collect()
}

/// Close `label`: refused while the year's review has unacknowledged
/// errors, unless `force` gives a note (recorded with the close).
pub fn close(
    db: &mut Db,
    operator: &str,
    label: &str,
    force: Option<&str>,
    now: NaiveDateTime,
) -> Result<Closing> {
    let year = find(db.conn(), label)?;
    if year.status == YearStatus::Closed {
        return Err(store::invalid(format!("{} is closed already", year.label)));
    }
    // The review of the whole year, as on its last day.
    let at = now.min(year.ends_on.and_hms_opt(23, 59, 59).unwrap_or(now));
    let found = review::run(
        db.conn(),
        &ReviewQuery {
            from: Some(year.starts_on),
            to: Some(year.ends_on),
            now: at.max(year.starts_on.and_hms_opt(0, 0, 0).unwrap_or(at)),
        },
    )?;
    let open_errors: Vec<String> = found
        .findings
        .iter()
        .filter(|f| f.ack.is_none() && f.severity == Severity::Error)
        .map(|f| {
            format!(
                "{} {} {} {}: {}",
                f.date.format("%d.%m.%Y"),
                f.class,
                f.subject,
                f.student,
                f.detail
            )
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
        })
        .collect();
    let note = match force.map(str::trim) {
        Some(n) if !n.is_empty() => Some(n.to_string()),
        Some(_) => return Err(store::invalid("--force needs a note saying why (--note …)")),
        None => None,
    };
    if !open_errors.is_empty() && note.is_none() {
        return Err(store::invalid(format!(
            "{} has {} unacknowledged error{} in its review (first: {}); correct or acknowledge them (`classbook review`), or close it anyway with --force --note …",
            year.label,
            open_errors.len(),
            if open_errors.len() == 1 { "" } else { "s" },
            open_errors.first().map(String::as_str).unwrap_or_default()
        )));
    }
    let closed_at = store::now();
    let y = year.clone();
    let errors = open_errors.len();
    let audit = db.write(|tx| {
        let note = note
            .as_ref()
            .map(|n| json!({ "year": y.label, "forced": true, "open_errors": errors, "note": n }));
        set_status(tx, operator, &y, closed::CLOSE, Some(&closed_at), note)
    })?;
    Ok(Closing {
        year,
        open_errors,
        audit,
    })
}

/// Reopen a closed year, saying why (recorded).
pub fn reopen(db: &mut Db, operator: &str, label: &str, reason: &str) -> Result<Vec<i64>> {
    let year = find(db.conn(), label)?;
    if year.status != YearStatus::Closed {
        return Err(store::invalid(format!("{} is not closed", year.label)));
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(store::invalid("a reopening needs a reason (--reason …)"));
    }
    db.write(|tx| {
        let note = json!({ "year": year.label, "reason": reason });
        set_status(tx, operator, &year, closed::REOPEN, None, Some(note))
    })
}

/// Close (`closed_at` given) or reopen `year` as `action`, with a note
/// recorded beside it.
fn set_status(
    tx: &store::Conn,
    operator: &str,
    year: &SchoolYear,
    action: &str,
    closed_at: Option<&str>,
    note: Option<Value>,
) -> Result<Vec<i64>> {
    let row: Map<String, Value> = [
        (
            "status".to_string(),
            json!(if closed_at.is_some() {
                "closed"
            } else {
                "open"
            }),
        ),
        ("closed_at".to_string(), json!(closed_at)),
    ]
    .into_iter()
    .collect();
    let mut ids = Vec::new();
    ids.extend(store::audit::write_row(
        tx,
        operator,
        action,
        "school_year",
        &key(year.id),
        Some(&row),
    )?);
    if let Some(n) = note {
        ids.push(store::audit::record(
            tx,
            operator,
            action,
            "school_year_note",
            &json!({ "year_id": year.id }).to_string(),
            None,
            Some(&n),
        )?);
    }
    Ok(ids)
}
