//! Plan indicators (DOMAIN §6): programmes, tasks, indicators with targets
//! per period and actual values.

use chrono::NaiveDate;
use serde::Serialize;

use super::school::{Id, str_enum};

str_enum!(Unit { Count = "count", Share = "share", Percent = "percent", PerTeacherMonth = "per_teacher_month" });
str_enum!(Direction { Higher = "higher", Lower = "lower" });
str_enum!(Source { Entered = "entered", Computed = "computed" });

impl Unit {
    /// A value as a person reads it: shares as percentages.
    pub fn format(self, v: f64) -> String {
        match self {
            Unit::Share => format!("{:.0}%", v * 100.0),
            Unit::Percent => format!("{v:.0}%"),
            Unit::Count => {
                if v.fract() == 0.0 {
                    format!("{v:.0}")
                } else {
                    format!("{v:.1}")
                }
            }
            Unit::PerTeacherMonth => format!("{v:.1}/t·m"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Programme {
    pub id: Id,
    pub name: String,
    pub owner: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProgrammeTask {
    pub id: Id,
    pub programme_id: Id,
    pub seq: u32,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorPeriod {
    pub id: Id,
    pub programme_id: Id,
    pub label: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Indicator {
    pub id: Id,
    pub task_id: Id,
    pub seq: u32,
    pub name: String,
    pub unit: Unit,
    pub direction: Direction,
    pub metric: Option<String>,
    pub metric_params: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActualValue {
    pub id: Id,
    pub indicator_id: Id,
    pub period_id: Id,
    pub measured_on: NaiveDate,
    pub value: f64,
    pub source: Source,
    pub evidence: String,
    pub entered_by: String,
    pub entered_at: String,
}

/// Achievement in percent of target. For "lower is better" the ratio is
/// inverted; a target of zero is met by zero (100%) and, when higher is
/// better, by anything.
pub fn achievement_percent(actual: f64, target: f64, direction: Direction) -> f64 {
    match direction {
        Direction::Higher if target == 0.0 => 100.0,
        Direction::Higher => actual / target * 100.0,
        Direction::Lower if actual <= target => 100.0,
        Direction::Lower if actual == 0.0 => 100.0,
        Direction::Lower => target / actual * 100.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn achievement_for_both_directions_and_zero_targets() {
        assert_eq!(achievement_percent(30.0, 40.0, Direction::Higher), 75.0);
        assert_eq!(achievement_percent(0.6, 0.6, Direction::Higher), 100.0);
        assert_eq!(achievement_percent(5.0, 0.0, Direction::Higher), 100.0);
        assert_eq!(achievement_percent(0.0, 0.0, Direction::Lower), 100.0);
        assert_eq!(achievement_percent(4.0, 2.0, Direction::Lower), 50.0);
        assert_eq!(Unit::Share.format(0.6), "60%");
        assert_eq!(Unit::Count.format(45.0), "45");
    }
}
