//! Plan indicators of a programme: per task and indicator the target, the
//! latest actual value and the achievement, from `service::indicators::load`
//! (the Indicators tab's table).

use chrono::NaiveDate;

use super::{Cell, Column, Kind, Report, Row, blank, full};
use crate::domain::indicators::Programme;
use crate::service::indicators;
use crate::store::{self, Result};

pub(super) fn build(conn: &store::Conn, programme: &Programme, as_of: NaiveDate) -> Result<Report> {
    let t = indicators::load(conn, programme, as_of)?;
    let mut r = blank(
        Kind::Indicators,
        programme.name.clone(),
        format!(
            "programme {}–{}",
            full(programme.starts_on),
            full(programme.ends_on)
        ),
        as_of,
    );
    r.from = Some(programme.starts_on);
    r.to = Some(programme.ends_on);
    r.columns = vec![
        Column::text("no", "№"),
        Column::text("task", "Task"),
        Column::text("indicator", "Indicator"),
        Column::text("period", "Period"),
        Column::num("target", "Target"),
        Column::num("actual", "Actual"),
        Column::text("measured_on", "Measured"),
        Column::num("achievement_percent", "Achieved %"),
        Column::text("status", "Status"),
    ];
    r.frozen = 1;
    r.group = vec![1];
    // Without an actual value, the target of the period the working date
    // falls in (else the last period begun).
    let current = t
        .periods
        .iter()
        .position(|p| p.starts_on <= as_of && as_of <= p.ends_on)
        .or_else(|| t.periods.iter().rposition(|p| p.starts_on <= as_of));
    let (mut with_actual, mut reached) = (0, 0);
    for task in &t.tasks {
        for i in &task.indicators {
            let unit = i.indicator.unit;
            let pi = match &i.actual {
                Some(a) => t.periods.iter().position(|p| p.id == a.period_id),
                None => current,
            };
            let period = pi.and_then(|k| t.periods.get(k));
            let target = pi.and_then(|k| i.targets.get(k).copied().flatten());
            if i.actual.is_some() {
                with_actual += 1;
            }
            if i.achievement.is_some_and(|a| a >= 100.0) {
                reached += 1;
            }
            r.rows.push(Row::new(vec![
                Cell::text(format!("{}.{}", task.task.seq, i.indicator.seq)),
                Cell::text(&task.task.name),
                Cell::text(&i.indicator.name),
                Cell::text(period.map_or(String::new(), |p| p.label.clone())),
                Cell::text(target.map_or(String::new(), |v| unit.format(v))),
                Cell::text(
                    i.actual
                        .as_ref()
                        .map_or(String::new(), |a| unit.format(a.value)),
                ),
                Cell::text(
                    i.actual
                        .as_ref()
                        .map_or(String::new(), |a| full(a.measured_on)),
                ),
                match i.achievement {
                    Some(a) if a.is_finite() => Cell::int(a.round() as i64),
                    _ => Cell::Empty,
                },
                Cell::text(i.status.map_or("", |s| s.label())),
            ]));
        }
    }
    r.notes.push(format!(
        "{} indicators in {} tasks: {with_actual} with an actual value, {reached} at or above \
         the target.",
        t.indicator_count(),
        t.tasks.len()
    ));
    r.notes.push(
        "Actual: the latest value recorded (of the latest period that has one); Target: that \
         period's target (without an actual value, the current period's). Achieved % compares \
         them in the indicator's direction (higher or lower is better); Status is met, on track, at \
         risk or missed as on the Indicators tab."
            .into(),
    );
    Ok(r)
}
