//! Programme import from CSV (one row per indicator per period target):
//! `programme,task_no,task,indicator_no,indicator,unit,direction,period,period_start,period_end,target`.
//! All-or-nothing: every row is checked first, and an error names its line.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Deserialize;

use crate::domain::Id;
use crate::domain::indicators::{
    Direction, Indicator, IndicatorPeriod, Programme, ProgrammeTask, Unit,
};
use crate::store::{self, StoreError, indicators as repo};

#[derive(Debug, Deserialize)]
struct Row {
    programme: String,
    task_no: u32,
    task: String,
    indicator_no: u32,
    indicator: String,
    unit: String,
    direction: String,
    period: String,
    period_start: NaiveDate,
    period_end: NaiveDate,
    target: f64,
}

/// What an import created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub programme_ids: Vec<Id>,
    pub indicators: usize,
    pub targets: usize,
}

/// Import every programme in `text` (named `source` in messages).
pub fn import(conn: &Connection, source: &str, text: &str) -> Result<Imported, StoreError> {
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let mut rows = vec![];
    for (i, rec) in rdr.deserialize::<Row>().enumerate() {
        let line = i + 2;
        let row = rec.map_err(|e| store::invalid(format!("{source}:{line}: {e}")))?;
        if Unit::parse(&row.unit).is_none() {
            return Err(store::invalid(format!(
                "{source}:{line}: unit «{}» is not one of count, share, percent, per_teacher_month",
                row.unit
            )));
        }
        if Direction::parse(&row.direction).is_none() {
            return Err(store::invalid(format!(
                "{source}:{line}: direction «{}» is not higher or lower",
                row.direction
            )));
        }
        if row.period_start > row.period_end {
            return Err(store::invalid(format!(
                "{source}:{line}: period {} ends before it starts",
                row.period
            )));
        }
        if !row.target.is_finite() {
            return Err(store::invalid(format!(
                "{source}:{line}: target is not a number"
            )));
        }
        rows.push(row);
    }
    // programme → (task_no → task) , (label → dates), ((task, ind) → indicator)
    let mut programmes: BTreeMap<&str, Vec<&Row>> = BTreeMap::new();
    let mut order = vec![];
    for r in &rows {
        if !programmes.contains_key(r.programme.as_str()) {
            order.push(r.programme.as_str());
        }
        programmes.entry(&r.programme).or_default().push(r);
    }
    let mut out = Imported {
        programme_ids: vec![],
        indicators: 0,
        targets: 0,
    };
    for name in order {
        let rows = &programmes[name];
        let starts_on = rows
            .iter()
            .map(|r| r.period_start)
            .min()
            .expect("a programme has rows");
        let ends_on = rows
            .iter()
            .map(|r| r.period_end)
            .max()
            .expect("a programme has rows");
        let pid = repo::insert_programme(
            conn,
            &Programme {
                id: 0,
                name: name.to_string(),
                owner: String::new(),
                starts_on,
                ends_on,
            },
        )?;
        out.programme_ids.push(pid);
        let mut periods: BTreeMap<&str, Id> = BTreeMap::new();
        let mut tasks: BTreeMap<u32, Id> = BTreeMap::new();
        let mut indicators: BTreeMap<(u32, u32), Id> = BTreeMap::new();
        for r in rows {
            let period_id = match periods.get(r.period.as_str()) {
                Some(id) => *id,
                None => {
                    let id = repo::insert_period(
                        conn,
                        &IndicatorPeriod {
                            id: 0,
                            programme_id: pid,
                            label: r.period.clone(),
                            starts_on: r.period_start,
                            ends_on: r.period_end,
                        },
                    )?;
                    periods.insert(&r.period, id);
                    id
                }
            };
            let task_id = match tasks.get(&r.task_no) {
                Some(id) => *id,
                None => {
                    let id = repo::insert_task(
                        conn,
                        &ProgrammeTask {
                            id: 0,
                            programme_id: pid,
                            seq: r.task_no,
                            name: r.task.clone(),
                        },
                    )?;
                    tasks.insert(r.task_no, id);
                    id
                }
            };
            let ind_id = match indicators.get(&(r.task_no, r.indicator_no)) {
                Some(id) => *id,
                None => {
                    let id = repo::insert_indicator(
                        conn,
                        &Indicator {
                            id: 0,
                            task_id,
                            seq: r.indicator_no,
                            name: r.indicator.clone(),
                            unit: Unit::parse(&r.unit).expect("checked above"),
                            direction: Direction::parse(&r.direction).expect("checked above"),
                            metric: None,
                            metric_params: None,
                        },
                    )?;
                    indicators.insert((r.task_no, r.indicator_no), id);
                    out.indicators += 1;
                    id
                }
            };
            repo::set_target(conn, ind_id, period_id, r.target)?;
            out.targets += 1;
        }
    }
    Ok(out)
}
