//! A programme's indicator table: per task its indicators, the target of
//! every indicator period, the latest actual value and the achievement.

use std::collections::HashMap;

use serde::Serialize;

use crate::domain::Id;
use crate::domain::indicators::{
    ActualValue, Indicator, IndicatorPeriod, Programme, ProgrammeTask, achievement_percent,
};
use crate::store::{self, Result};

/// One indicator row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorRow {
    pub indicator: Indicator,
    /// The target for each of the programme's periods (same order).
    pub targets: Vec<Option<f64>>,
    /// The latest actual value (of the latest period that has one).
    pub actual: Option<ActualValue>,
    /// Label of the period the actual value belongs to.
    pub actual_period: Option<String>,
    /// Achievement of the actual against that period's target, in percent.
    pub achievement: Option<f64>,
}

/// A task with its indicators.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskRows {
    pub task: ProgrammeTask,
    pub indicators: Vec<IndicatorRow>,
}

/// The whole table of a programme.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProgrammeTable {
    pub programme: Programme,
    pub periods: Vec<IndicatorPeriod>,
    pub tasks: Vec<TaskRows>,
}

impl ProgrammeTable {
    /// Number of indicators in all tasks.
    pub fn indicator_count(&self) -> usize {
        self.tasks.iter().map(|t| t.indicators.len()).sum()
    }
}

/// Load the table of `programme`.
pub fn load(conn: &store::Conn, programme: &Programme) -> Result<ProgrammeTable> {
    let periods = store::indicators::periods(conn, programme.id)?;
    let period_index: HashMap<Id, usize> =
        periods.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
    let mut targets: HashMap<(Id, usize), f64> = HashMap::new();
    for (ind, per, t) in store::indicators::targets(conn, programme.id)? {
        if let Some(&i) = period_index.get(&per) {
            targets.insert((ind, i), t);
        }
    }
    // Latest actual per indicator: the one in the latest period, then the
    // latest measurement.
    let mut latest: HashMap<Id, (usize, ActualValue)> = HashMap::new();
    for a in store::indicators::latest_actuals(conn, programme.id)? {
        let Some(&pi) = period_index.get(&a.period_id) else {
            continue;
        };
        let newer = latest
            .get(&a.indicator_id)
            .is_none_or(|(i, b)| (pi, a.measured_on) >= (*i, b.measured_on));
        if newer {
            latest.insert(a.indicator_id, (pi, a));
        }
    }
    let mut by_task: HashMap<Id, Vec<IndicatorRow>> = HashMap::new();
    for indicator in store::indicators::indicators(conn, programme.id)? {
        let row_targets: Vec<Option<f64>> = (0..periods.len())
            .map(|i| targets.get(&(indicator.id, i)).copied())
            .collect();
        let (actual, actual_period, achievement) = match latest.remove(&indicator.id) {
            Some((pi, a)) => {
                let ach =
                    row_targets[pi].map(|t| achievement_percent(a.value, t, indicator.direction));
                (Some(a), Some(periods[pi].label.clone()), ach)
            }
            None => (None, None, None),
        };
        by_task
            .entry(indicator.task_id)
            .or_default()
            .push(IndicatorRow {
                indicator,
                targets: row_targets,
                actual,
                actual_period,
                achievement,
            });
    }
    let tasks = store::indicators::tasks(conn, programme.id)?
        .into_iter()
        .map(|task| TaskRows {
            indicators: by_task.remove(&task.id).unwrap_or_default(),
            task,
        })
        .collect();
    Ok(ProgrammeTable {
        programme: programme.clone(),
        periods,
        tasks,
    })
}
