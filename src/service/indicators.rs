//! A programme's indicator table: per task its indicators, the target of
//! every indicator period, the latest actual value, the achievement and the
//! status; and the writes: actual values, targets, metric bindings and
//! recomputing the bound indicators. Every write is one transaction's
//! worth of audited row changes (`store::audit::write_row`), so the TUI can
//! undo it and the CLI leaves the same trail.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::domain::Id;
use crate::domain::indicators::{
    ActualValue, Direction, Indicator, IndicatorPeriod, Metric, MetricParams, Programme,
    ProgrammeTask, Source, Status, Unit, achievement_percent, status,
};
use crate::domain::text::nfc;
use crate::service::metrics::{self, Outcome};
use crate::store::{self, Result, invalid};

/// One indicator row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorRow {
    pub indicator: Indicator,
    /// "1.2": the task's number and the indicator's.
    pub number: String,
    /// The metric the indicator is bound to, with its parameters.
    pub metric: Option<(Metric, MetricParams)>,
    /// The target for each of the programme's periods (same order).
    pub targets: Vec<Option<f64>>,
    /// The latest actual value of each period (same order).
    pub actuals: Vec<Option<ActualValue>>,
    /// The latest actual value (of the latest period that has one).
    pub actual: Option<ActualValue>,
    /// Index (in `periods`) of the period the actual value belongs to.
    pub actual_period_idx: Option<usize>,
    /// Label of the period the actual value belongs to.
    pub actual_period: Option<String>,
    /// Achievement of the actual against that period's target, in percent.
    pub achievement: Option<f64>,
    /// Met, on track, at risk, missed (`None` without target or actual).
    pub status: Option<Status>,
}

impl IndicatorRow {
    /// Achievement and status of period `i`'s latest value, as of `as_of`.
    pub fn period_standing(
        &self,
        periods: &[IndicatorPeriod],
        i: usize,
        as_of: NaiveDate,
    ) -> Option<(f64, Status)> {
        let a = self.actuals.get(i)?.as_ref()?;
        let t = (*self.targets.get(i)?)?;
        let p = periods.get(i)?;
        let ind = &self.indicator;
        Some((
            achievement_percent(a.value, t, ind.direction),
            status(
                a.value,
                t,
                ind.unit,
                ind.direction,
                (p.starts_on, p.ends_on),
                as_of,
            ),
        ))
    }
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
    /// The date statuses are judged on (the working date).
    pub as_of: NaiveDate,
}

impl ProgrammeTable {
    /// Number of indicators in all tasks.
    pub fn indicator_count(&self) -> usize {
        self.tasks.iter().map(|t| t.indicators.len()).sum()
    }

    /// Every indicator row, in programme order.
    pub fn rows(&self) -> impl Iterator<Item = &IndicatorRow> {
        self.tasks.iter().flat_map(|t| t.indicators.iter())
    }

    /// The indicator numbered `number` ("1.2").
    pub fn find(&self, number: &str) -> Option<&IndicatorRow> {
        let n = number.trim();
        self.rows().find(|r| r.number == n)
    }

    /// The period labelled `label` (dashes and spaces ignored: "2023-2024"
    /// finds "2023–2024").
    pub fn period_index(&self, label: &str) -> Option<usize> {
        let norm = |s: &str| {
            s.chars()
                .filter(|c| !c.is_whitespace())
                .map(|c| if "–—−".contains(c) { '-' } else { c })
                .collect::<String>()
                .to_lowercase()
        };
        let l = norm(label);
        self.periods.iter().position(|p| norm(&p.label) == l)
    }

    /// The period containing `d`, else the last one begun by `d`, else the
    /// first.
    pub fn period_at(&self, d: NaiveDate) -> usize {
        self.periods
            .iter()
            .position(|p| p.starts_on <= d && d <= p.ends_on)
            .or_else(|| self.periods.iter().rposition(|p| p.starts_on <= d))
            .unwrap_or(0)
    }
}

/// Load the table of `programme`, statuses judged as of `as_of`.
pub fn load(conn: &store::Conn, programme: &Programme, as_of: NaiveDate) -> Result<ProgrammeTable> {
    let periods = store::indicators::periods(conn, programme.id)?;
    let period_index: HashMap<Id, usize> =
        periods.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
    let mut targets: HashMap<(Id, usize), f64> = HashMap::new();
    for (ind, per, t) in store::indicators::targets(conn, programme.id)? {
        if let Some(&i) = period_index.get(&per) {
            targets.insert((ind, i), t);
        }
    }
    let mut latest: HashMap<(Id, usize), ActualValue> = HashMap::new();
    for a in store::indicators::latest_actuals(conn, programme.id)? {
        if let Some(&pi) = period_index.get(&a.period_id) {
            latest.insert((a.indicator_id, pi), a);
        }
    }
    let tasks = store::indicators::tasks(conn, programme.id)?;
    let task_seq: HashMap<Id, u32> = tasks.iter().map(|t| (t.id, t.seq)).collect();
    let mut by_task: HashMap<Id, Vec<IndicatorRow>> = HashMap::new();
    for indicator in store::indicators::indicators(conn, programme.id)? {
        let n = periods.len();
        let row_targets: Vec<Option<f64>> = (0..n)
            .map(|i| targets.get(&(indicator.id, i)).copied())
            .collect();
        let actuals: Vec<Option<ActualValue>> =
            (0..n).map(|i| latest.remove(&(indicator.id, i))).collect();
        let metric = indicator
            .metric
            .as_deref()
            .and_then(Metric::parse)
            .map(|m| {
                let p =
                    MetricParams::from_json(indicator.metric_params.as_deref()).unwrap_or_default();
                (m, p)
            });
        let number = format!(
            "{}.{}",
            task_seq.get(&indicator.task_id).copied().unwrap_or(0),
            indicator.seq
        );
        let mut row = IndicatorRow {
            number,
            metric,
            targets: row_targets,
            actual: None,
            actual_period_idx: None,
            actual_period: None,
            achievement: None,
            status: None,
            actuals,
            indicator,
        };
        if let Some(pi) = row.actuals.iter().rposition(Option::is_some) {
            row.actual = row.actuals[pi].clone();
            row.actual_period_idx = Some(pi);
            row.actual_period = Some(periods[pi].label.clone());
            if let Some((ach, st)) = row.period_standing(&periods, pi, as_of) {
                row.achievement = Some(ach);
                row.status = Some(st);
            }
        }
        by_task.entry(row.indicator.task_id).or_default().push(row);
    }
    let tasks = tasks
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
        as_of,
    })
}

/// A programme by id, by exact name, or by a unique part of its name
/// (case ignored).
pub fn find_programme(conn: &Connection, query: &str) -> Result<Programme> {
    let all = store::indicators::programmes(conn)?;
    let q = nfc(query.trim());
    if let Ok(id) = q.parse::<Id>()
        && let Some(p) = all.iter().find(|p| p.id == id)
    {
        return Ok(p.clone());
    }
    if let Some(p) = all.iter().find(|p| p.name == q) {
        return Ok(p.clone());
    }
    let lq = q.to_lowercase();
    let hits: Vec<&Programme> = all
        .iter()
        .filter(|p| p.name.to_lowercase().contains(&lq))
        .collect();
    match hits.as_slice() {
        [p] => Ok((*p).clone()),
        [] => Err(invalid(format!(
            "programme «{q}»: no such programme (there are {}: {})",
            all.len(),
            all.iter()
                .map(|p| format!("{} {}", p.id, clip(&p.name, 40)))
                .collect::<Vec<_>>()
                .join("; ")
        ))),
        many => Err(invalid(format!(
            "programme «{q}»: {} programmes match; give its id ({})",
            many.len(),
            many.iter()
                .map(|p| p.id.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// The first `n` characters of a long name, with "…" if cut (for messages).
pub fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

// --- writes -----------------------------------------------------------------

fn obj(pairs: Vec<(&str, Value)>) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

fn indicator_of(conn: &Connection, id: Id) -> Result<(Indicator, Id)> {
    store::indicators::indicator(conn, id)?
        .ok_or_else(|| store::StoreError::NotFound(format!("indicator {id}")))
}

fn period_of(conn: &Connection, programme_id: Id, period_id: Id) -> Result<IndicatorPeriod> {
    store::indicators::periods(conn, programme_id)?
        .into_iter()
        .find(|p| p.id == period_id)
        .ok_or_else(|| {
            invalid(format!(
                "period {period_id} is not a period of the programme"
            ))
        })
}

/// An actual value as a form or `classbook indicators set` gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct ActualInput {
    pub indicator_id: Id,
    pub period_id: Id,
    pub measured_on: NaiveDate,
    pub value: f64,
    pub evidence: String,
}

fn check_actual(
    conn: &Connection,
    input: &ActualInput,
    working: NaiveDate,
) -> Result<(Indicator, IndicatorPeriod)> {
    let (ind, programme_id) = indicator_of(conn, input.indicator_id)?;
    let period = period_of(conn, programme_id, input.period_id)?;
    if let Err(e) = ind.unit.check(input.value) {
        return Err(invalid(format!(
            "value {e} (indicator «{}»)",
            clip(&ind.name, 40)
        )));
    }
    if input.measured_on < period.starts_on {
        return Err(invalid(format!(
            "date {}: before period {} begins ({})",
            input.measured_on.format("%d.%m.%Y"),
            period.label,
            period.starts_on.format("%d.%m.%Y")
        )));
    }
    if input.measured_on > working {
        return Err(invalid(format!(
            "date {}: after the working date {}",
            input.measured_on.format("%d.%m.%Y"),
            working.format("%d.%m.%Y")
        )));
    }
    Ok((ind, period))
}

fn actual_row(id: Id, a: &ActualInput, source: Source, operator: &str) -> Map<String, Value> {
    obj(vec![
        ("id", id.into()),
        ("indicator_id", a.indicator_id.into()),
        ("period_id", a.period_id.into()),
        ("measured_on", a.measured_on.to_string().into()),
        ("value", a.value.into()),
        ("source", source.as_str().into()),
        ("evidence", nfc(a.evidence.trim()).into()),
        ("entered_by", operator.into()),
        ("entered_at", store::now().into()),
    ])
}

/// Record an actual value typed by a person. Returns its id and the audit
/// entries.
pub fn enter_actual(
    conn: &Connection,
    operator: &str,
    input: &ActualInput,
    working: NaiveDate,
) -> Result<(Id, Vec<i64>)> {
    check_actual(conn, input, working)?;
    let id = store::indicators::next_actual_id(conn)?;
    let row = actual_row(id, input, Source::Entered, operator);
    let ids = store::audit::write_row(
        conn,
        operator,
        "indicator.actual.enter",
        "indicator_actual",
        &obj(vec![("id", id.into())]),
        Some(&row),
    )?;
    Ok((id, ids.into_iter().collect()))
}

/// Correct an entered actual value (computed ones are recomputed instead).
pub fn update_actual(
    conn: &Connection,
    operator: &str,
    id: Id,
    input: &ActualInput,
    working: NaiveDate,
) -> Result<Vec<i64>> {
    let old = store::indicators::actual(conn, id)?
        .ok_or_else(|| store::StoreError::NotFound(format!("actual value {id}")))?;
    if old.source == Source::Computed {
        return Err(invalid(format!(
            "actual value {id} was computed on {}: recompute it, or enter a value of your own",
            old.measured_on.format("%d.%m.%Y")
        )));
    }
    if old.indicator_id != input.indicator_id {
        return Err(invalid(format!(
            "actual value {id} belongs to another indicator"
        )));
    }
    check_actual(conn, input, working)?;
    let row = actual_row(id, input, Source::Entered, operator);
    let ids = store::audit::write_row(
        conn,
        operator,
        "indicator.actual.edit",
        "indicator_actual",
        &obj(vec![("id", id.into())]),
        Some(&row),
    )?;
    Ok(ids.into_iter().collect())
}

/// Remove an actual value (entered or computed).
pub fn delete_actual(conn: &Connection, operator: &str, id: Id) -> Result<Vec<i64>> {
    store::indicators::actual(conn, id)?
        .ok_or_else(|| store::StoreError::NotFound(format!("actual value {id}")))?;
    let ids = store::audit::write_row(
        conn,
        operator,
        "indicator.actual.delete",
        "indicator_actual",
        &obj(vec![("id", id.into())]),
        None,
    )?;
    Ok(ids.into_iter().collect())
}

/// Set (or, with `None`, remove) the targets of an indicator for the
/// periods given.
pub fn set_targets(
    conn: &Connection,
    operator: &str,
    indicator_id: Id,
    targets: &[(Id, Option<f64>)],
) -> Result<Vec<i64>> {
    let (ind, programme_id) = indicator_of(conn, indicator_id)?;
    let mut ids = vec![];
    for (period_id, target) in targets {
        let period = period_of(conn, programme_id, *period_id)?;
        if let Some(t) = target
            && let Err(e) = ind.unit.check(*t)
        {
            return Err(invalid(format!("target for {}: {e}", period.label)));
        }
        let key = obj(vec![
            ("indicator_id", indicator_id.into()),
            ("period_id", (*period_id).into()),
        ]);
        let row = target.map(|t| {
            obj(vec![
                ("indicator_id", indicator_id.into()),
                ("period_id", (*period_id).into()),
                ("target", t.into()),
            ])
        });
        ids.extend(store::audit::write_row(
            conn,
            operator,
            "indicator.target.set",
            "indicator_target",
            &key,
            row.as_ref(),
        )?);
    }
    Ok(ids)
}

/// Bind an indicator to a metric (or unbind it with `None`).
pub fn bind_metric(
    conn: &Connection,
    operator: &str,
    indicator_id: Id,
    metric: Option<(Metric, &MetricParams)>,
) -> Result<Vec<i64>> {
    let (ind, _) = indicator_of(conn, indicator_id)?;
    if let Some((m, _)) = metric
        && !m.fits(ind.unit)
    {
        return Err(invalid(format!(
            "metric {} gives {}; indicator «{}» is measured as {}",
            m.as_str(),
            match m.kind() {
                crate::domain::indicators::MetricKind::Share => "a share",
                crate::domain::indicators::MetricKind::Count => "a count",
                crate::domain::indicators::MetricKind::PerTeacherMonth =>
                    "a number per teacher per month",
            },
            clip(&ind.name, 40),
            ind.unit.as_str()
        )));
    }
    let row = obj(vec![
        ("id", ind.id.into()),
        ("task_id", ind.task_id.into()),
        ("seq", ind.seq.into()),
        ("name", ind.name.clone().into()),
        ("unit", ind.unit.as_str().into()),
        ("direction", ind.direction.as_str().into()),
        (
            "metric",
            metric.map_or(Value::Null, |(m, _)| m.as_str().into()),
        ),
        (
            "metric_params",
            metric
                .and_then(|(_, p)| p.to_json())
                .map_or(Value::Null, Value::from),
        ),
    ]);
    let ids = store::audit::write_row(
        conn,
        operator,
        "indicator.bind",
        "indicator",
        &obj(vec![("id", ind.id.into())]),
        Some(&row),
    )?;
    Ok(ids.into_iter().collect())
}

/// What recomputing did for one indicator and period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recomputed {
    pub indicator_id: Id,
    pub number: String,
    pub period: String,
    pub metric: Metric,
    /// The value stored, in the indicator's unit (`None`: no data).
    pub value: Option<f64>,
    pub unit: Unit,
    /// A new value was stored (not the same as the latest computed one).
    pub stored: bool,
    /// The evidence note, or why there is no value.
    pub note: String,
}

/// Recompute every bound indicator of `programme_id` (or only
/// `indicator_id`) for every period the database covers, storing a value
/// dated `as_of` where it differs from the latest computed one.
pub fn recompute(
    conn: &Connection,
    operator: &str,
    programme_id: Id,
    indicator_id: Option<Id>,
    as_of: NaiveDate,
) -> Result<(Vec<Recomputed>, Vec<i64>)> {
    let programme = store::indicators::programme(conn, programme_id)?
        .ok_or_else(|| store::StoreError::NotFound(format!("programme {programme_id}")))?;
    let table = load(conn, &programme, as_of)?;
    let settings = store::settings::load(conn)?;
    let mut out = vec![];
    let mut ids = vec![];
    for row in table.rows() {
        if indicator_id.is_some_and(|id| id != row.indicator.id) {
            continue;
        }
        let Some((metric, params)) = &row.metric else {
            if indicator_id.is_some() {
                return Err(invalid(format!(
                    "indicator {} is not bound to a metric: bind it first",
                    row.number
                )));
            }
            continue;
        };
        for (pi, period) in table.periods.iter().enumerate() {
            let outcome = metrics::compute(
                conn,
                &settings,
                *metric,
                params,
                (period.starts_on, period.ends_on),
                as_of,
            )?;
            let mut line = Recomputed {
                indicator_id: row.indicator.id,
                number: row.number.clone(),
                period: period.label.clone(),
                metric: *metric,
                value: None,
                unit: row.indicator.unit,
                stored: false,
                note: String::new(),
            };
            match outcome {
                Outcome::NoData { reason } => line.note = reason,
                Outcome::Value(c) => {
                    let value = metric.in_unit(c.value, row.indicator.unit);
                    let value = (value * 10_000.0).round() / 10_000.0;
                    line.value = Some(value);
                    line.note = c.evidence.clone();
                    let same = row.actuals[pi].as_ref().is_some_and(|a| {
                        a.source == Source::Computed
                            && a.measured_on == as_of
                            && a.value == value
                            && a.evidence == c.evidence
                    });
                    if !same {
                        let id = store::indicators::next_actual_id(conn)?;
                        let input = ActualInput {
                            indicator_id: row.indicator.id,
                            period_id: period.id,
                            measured_on: as_of,
                            value,
                            evidence: c.evidence,
                        };
                        let r = actual_row(id, &input, Source::Computed, operator);
                        ids.extend(store::audit::write_row(
                            conn,
                            operator,
                            "indicator.actual.compute",
                            "indicator_actual",
                            &obj(vec![("id", id.into())]),
                            Some(&r),
                        )?);
                        line.stored = true;
                    }
                }
            }
            out.push(line);
        }
    }
    Ok((out, ids))
}

// --- text, shared by the screen and the CLI ----------------------------------

/// "1.2ƒ" for an indicator bound to a metric, "1.2" otherwise.
pub fn number_cell(r: &IndicatorRow) -> String {
    if r.metric.is_some() {
        format!("{}ƒ", r.number)
    } else {
        r.number.clone()
    }
}

/// "—" for a missing value.
pub fn value_text(unit: Unit, v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), |v| unit.format(v))
}

/// "64%".
pub fn achievement_text(a: Option<f64>) -> String {
    a.map_or_else(String::new, |a| format!("{a:.0}%"))
}

/// "higher is better".
pub fn direction_text(d: Direction) -> &'static str {
    match d {
        Direction::Higher => "higher is better",
        Direction::Lower => "lower is better",
    }
}

/// "share of teachers with at least N training credits (min_credits=36)".
pub fn metric_text(m: Metric, p: &MetricParams) -> String {
    let pairs = p.pairs();
    if !pairs.is_empty() {
        format!("{} ({pairs})", m.label())
    } else if m == Metric::TeachersWithCredits {
        format!("{} (N: the yearly minimum setting)", m.label())
    } else {
        m.label().to_string()
    }
}

// --- filter and sort, shared by the screen and the CLI -----------------------

/// Which indicators a view shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Show {
    #[default]
    All,
    /// Everything not met yet (including indicators with no status).
    NotMet,
    /// At risk or missed.
    Behind,
    /// Bound to a computed metric.
    Computed,
}

impl Show {
    pub const ALL: [Show; 4] = [Show::All, Show::NotMet, Show::Behind, Show::Computed];

    pub fn label(self) -> &'static str {
        match self {
            Show::All => "all",
            Show::NotMet => "not met",
            Show::Behind => "at risk or missed",
            Show::Computed => "computed",
        }
    }

    pub fn parse(s: &str) -> Option<Show> {
        let k = s.trim().to_lowercase().replace(['_', '-'], " ");
        Show::ALL
            .into_iter()
            .find(|x| x.label() == k || (k == "behind" && *x == Show::Behind))
    }

    fn keeps(self, r: &IndicatorRow) -> bool {
        match self {
            Show::All => true,
            Show::NotMet => r.status != Some(Status::Met),
            Show::Behind => matches!(r.status, Some(Status::AtRisk | Status::Missed)),
            Show::Computed => r.metric.is_some(),
        }
    }
}

/// The order of the indicators inside each task.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// The programme's own numbering.
    #[default]
    Number,
    /// Lowest achievement first (no value last).
    Achievement,
    /// Missed, at risk, on track, met, then no status.
    Status,
}

impl Sort {
    pub const ALL: [Sort; 3] = [Sort::Number, Sort::Achievement, Sort::Status];

    pub fn label(self) -> &'static str {
        match self {
            Sort::Number => "number",
            Sort::Achievement => "achievement",
            Sort::Status => "status",
        }
    }

    pub fn parse(s: &str) -> Option<Sort> {
        let k = s.trim().to_lowercase();
        Sort::ALL.into_iter().find(|x| x.label() == k)
    }
}

/// A view's filter: a text to find in the name (case ignored), which
/// indicators, and their order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct View {
    pub text: String,
    pub show: Show,
    pub sort: Sort,
}

impl View {
    /// Whether the view hides nothing and keeps the programme order.
    pub fn is_plain(&self) -> bool {
        self.text.trim().is_empty() && self.show == Show::All && self.sort == Sort::Number
    }

    /// "sorted by status · at risk or missed · «учител»" (empty when plain).
    pub fn describe(&self) -> String {
        let mut parts = vec![];
        if self.show != Show::All {
            parts.push(format!("showing {}", self.show.label()));
        }
        if !self.text.trim().is_empty() {
            parts.push(format!("«{}»", self.text.trim()));
        }
        if self.sort != Sort::Number {
            parts.push(format!("sorted by {}", self.sort.label()));
        }
        parts.join(" · ")
    }
}

/// The tasks and indicators `view` shows: (task index, indicator indexes),
/// tasks with no indicator shown left out.
pub fn visible(table: &ProgrammeTable, view: &View) -> Vec<(usize, Vec<usize>)> {
    let text = nfc(view.text.trim()).to_lowercase();
    table
        .tasks
        .iter()
        .enumerate()
        .filter_map(|(ti, t)| {
            let mut idx: Vec<usize> = t
                .indicators
                .iter()
                .enumerate()
                .filter(|(_, r)| view.show.keeps(r))
                .filter(|(_, r)| {
                    text.is_empty()
                        || r.indicator.name.to_lowercase().contains(&text)
                        || r.number == text
                })
                .map(|(i, _)| i)
                .collect();
            match view.sort {
                Sort::Number => {}
                Sort::Achievement => idx.sort_by(|a, b| {
                    let key = |i: &usize| t.indicators[*i].achievement;
                    match (key(a), key(b)) {
                        (Some(x), Some(y)) => x.total_cmp(&y),
                        (Some(_), None) => std::cmp::Ordering::Less,
                        (None, Some(_)) => std::cmp::Ordering::Greater,
                        (None, None) => std::cmp::Ordering::Equal,
                    }
                }),
                Sort::Status => idx.sort_by_key(|i| {
                    // Option<Status> orders None first; put it last.
                    t.indicators[*i].status.map_or(4, |s| s as u8)
                }),
            }
            let keep = !idx.is_empty()
                || (view.is_plain() && t.indicators.is_empty())
                || (text.is_empty() && view.show == Show::All && t.indicators.is_empty());
            keep.then_some((ti, idx))
        })
        .collect()
}
