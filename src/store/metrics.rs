//! The queries the computed indicator metrics read that no other
//! repository answers (training sessions and online lessons in a date range).

use chrono::NaiveDate;
use rusqlite::{Connection, params};

use super::Result;
use crate::domain::Id;

/// School training sessions dated from `from` to `to` (inclusive), of
/// `format` if given.
pub fn training_sessions_between(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
    format: Option<&str>,
) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM training_session
             WHERE date BETWEEN ?1 AND ?2 AND (?3 IS NULL OR format = ?3)",
        )?
        .query_row(params![from, to, format], |r| r.get(0))?)
}

/// Online lessons held from `from` to `to` (inclusive), per teacher who
/// actually taught them (the substitute if there was one).
pub fn online_lessons_by_teacher(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(Id, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT coalesce(taught_by_id, teacher_id), count(*) FROM lesson
         WHERE mode = 'online' AND date BETWEEN ?1 AND ?2
         GROUP BY 1 ORDER BY 1",
    )?;
    Ok(stmt
        .query_map(params![from, to], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?)
}
