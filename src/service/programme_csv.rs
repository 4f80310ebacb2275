//! Programme import and export as CSV (one row per indicator per period):
//! `programme,task_no,task,indicator_no,indicator,unit,direction,period,period_start,period_end,target[,metric,metric_params]`.
//! An empty target is a period without a target; `metric` and
//! `metric_params` (optional columns) bind the indicator to a computed
//! metric. Import is all-or-nothing: every row is checked first, and an
//! error names its line. Export writes what import reads, so a programme
//! survives the round trip.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Deserialize;

use crate::domain::Id;
use crate::domain::indicators::{
    Direction, Indicator, IndicatorPeriod, Metric, MetricParams, Programme, ProgrammeTask, Unit,
};
use crate::domain::text::nfc;
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
    target: Option<f64>,
    #[serde(default)]
    metric: Option<String>,
    #[serde(default)]
    metric_params: Option<String>,
}

/// The header export writes.
pub const HEADER: [&str; 13] = [
    "programme",
    "task_no",
    "task",
    "indicator_no",
    "indicator",
    "unit",
    "direction",
    "period",
    "period_start",
    "period_end",
    "target",
    "metric",
    "metric_params",
];

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
    let mut rows: Vec<Row> = vec![];
    // The first line each period, task, indicator and (indicator, period)
    // was seen on, by programme (as an index into `rows`).
    let mut seen_periods: HashMap<(String, String), usize> = HashMap::new();
    let mut seen_tasks: HashMap<(String, u32), usize> = HashMap::new();
    let mut seen_indicators: HashMap<(String, u32, u32), usize> = HashMap::new();
    let mut seen_cells: HashMap<((String, u32, u32), String), usize> = HashMap::new();
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
        if row.target.is_some_and(|t| !t.is_finite() || t < 0.0) {
            return Err(store::invalid(format!(
                "{source}:{line}: target is not a number of 0 or more"
            )));
        }
        if let Some(m) = row
            .metric
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty())
        {
            let metric = Metric::parse(m).ok_or_else(|| {
                let all: Vec<&str> = Metric::ALL.iter().map(|m| m.as_str()).collect();
                store::invalid(format!(
                    "{source}:{line}: metric «{m}» is not one of {}",
                    all.join(", ")
                ))
            })?;
            let unit = Unit::parse(&row.unit).expect("checked above");
            if !metric.fits(unit) {
                return Err(store::invalid(format!(
                    "{source}:{line}: metric {m} does not give a value in {}",
                    row.unit
                )));
            }
            MetricParams::from_json(row.metric_params.as_deref())
                .map_err(|e| store::invalid(format!("{source}:{line}: {e}")))?;
        } else if row
            .metric_params
            .as_deref()
            .is_some_and(|p| !p.trim().is_empty())
        {
            return Err(store::invalid(format!(
                "{source}:{line}: metric_params without a metric"
            )));
        }
        // The same period, task and indicator read the same on every row
        // (looked up by key: a file of 100,000 rows is checked in one pass).
        let i = rows.len();
        let prog = row.programme.as_str();
        match seen_periods.get(&(prog.to_string(), row.period.clone())) {
            Some(&j) => {
                let prev: &Row = &rows[j];
                if (prev.period_start, prev.period_end) != (row.period_start, row.period_end) {
                    return Err(store::invalid(format!(
                        "{source}:{line}: period {} has other dates on line {}",
                        row.period,
                        j + 2
                    )));
                }
            }
            None => {
                seen_periods.insert((prog.to_string(), row.period.clone()), i);
            }
        }
        match seen_tasks.get(&(prog.to_string(), row.task_no)) {
            Some(&j) => {
                if rows[j].task != row.task {
                    return Err(store::invalid(format!(
                        "{source}:{line}: task {} has another name on line {}",
                        row.task_no,
                        j + 2
                    )));
                }
            }
            None => {
                seen_tasks.insert((prog.to_string(), row.task_no), i);
            }
        }
        let key = (prog.to_string(), row.task_no, row.indicator_no);
        match seen_indicators.get(&key) {
            Some(&j) => {
                let prev: &Row = &rows[j];
                if (&prev.indicator, &prev.unit, &prev.direction, &prev.metric)
                    != (&row.indicator, &row.unit, &row.direction, &row.metric)
                {
                    return Err(store::invalid(format!(
                        "{source}:{line}: indicator {}.{} differs from line {} (name, unit, direction or metric)",
                        row.task_no,
                        row.indicator_no,
                        j + 2
                    )));
                }
            }
            None => {
                seen_indicators.insert(key.clone(), i);
            }
        }
        if let Some(&j) = seen_cells.get(&(key.clone(), row.period.clone())) {
            return Err(store::invalid(format!(
                "{source}:{line}: indicator {}.{} has period {} already on line {}",
                row.task_no,
                row.indicator_no,
                row.period,
                j + 2
            )));
        }
        seen_cells.insert((key, row.period.clone()), i);
        rows.push(row);
    }
    let existing = repo::programmes(conn)?;
    for name in rows.iter().map(|r| r.programme.as_str()) {
        if let Some(p) = existing.iter().find(|p| p.name == nfc(name)) {
            return Err(store::invalid(format!(
                "{source}: programme «{}» already exists (id {}); remove it or rename the one in the file",
                crate::service::indicators::clip(name, 60),
                p.id
            )));
        }
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
                            metric: r
                                .metric
                                .as_deref()
                                .map(str::trim)
                                .filter(|m| !m.is_empty())
                                .map(str::to_string),
                            metric_params: r
                                .metric
                                .as_deref()
                                .filter(|m| !m.trim().is_empty())
                                .and_then(|_| {
                                    MetricParams::from_json(r.metric_params.as_deref())
                                        .ok()
                                        .and_then(|p| p.to_json())
                                }),
                        },
                    )?;
                    indicators.insert((r.task_no, r.indicator_no), id);
                    out.indicators += 1;
                    id
                }
            };
            if let Some(t) = r.target {
                repo::set_target(conn, ind_id, period_id, t)?;
                out.targets += 1;
            }
        }
    }
    Ok(out)
}

/// Export a programme as CSV in the import's format: one row per indicator
/// and period (an empty target where the period has none).
pub fn export(conn: &Connection, programme_id: Id) -> Result<String, StoreError> {
    let programme = repo::programme(conn, programme_id)?
        .ok_or_else(|| StoreError::NotFound(format!("programme {programme_id}")))?;
    let tasks = repo::tasks(conn, programme_id)?;
    let periods = repo::periods(conn, programme_id)?;
    let targets: std::collections::HashMap<(Id, Id), f64> = repo::targets(conn, programme_id)?
        .into_iter()
        .map(|(i, p, t)| ((i, p), t))
        .collect();
    let mut w = csv::Writer::from_writer(vec![]);
    let csv_err = |e: csv::Error| store::invalid(format!("CSV: {e}"));
    w.write_record(HEADER).map_err(csv_err)?;
    for ind in repo::indicators(conn, programme_id)? {
        let Some(task) = tasks.iter().find(|t| t.id == ind.task_id) else {
            continue;
        };
        for p in &periods {
            let target = targets
                .get(&(ind.id, p.id))
                .map_or_else(String::new, |t| t.to_string());
            w.write_record([
                programme.name.clone(),
                task.seq.to_string(),
                task.name.clone(),
                ind.seq.to_string(),
                ind.name.clone(),
                ind.unit.as_str().to_string(),
                ind.direction.as_str().to_string(),
                p.label.clone(),
                p.starts_on.to_string(),
                p.ends_on.to_string(),
                target,
                ind.metric.clone().unwrap_or_default(),
                ind.metric_params.clone().unwrap_or_default(),
            ])
            .map_err(csv_err)?;
        }
    }
    let bytes = w
        .into_inner()
        .map_err(|e| store::invalid(format!("CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| store::invalid(format!("CSV: {e}")))
}
