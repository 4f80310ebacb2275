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

    /// Read a value typed by a person: "0.68" or "68%" for a share, "68"
    /// or "68%" for a percent, "1,5" or "1.5"; negative values are refused.
    pub fn parse_value(self, s: &str) -> Result<f64, String> {
        let t = s.trim();
        let (num, pct) = match t.strip_suffix('%') {
            Some(n) => (n.trim(), true),
            None => (t, false),
        };
        let v: f64 = num
            .replace(',', ".")
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite())
            .ok_or_else(|| format!("«{t}» is not a number"))?;
        if v < 0.0 {
            return Err(format!("«{t}» is negative"));
        }
        let v = match self {
            Unit::Share if pct => v / 100.0,
            Unit::Share if v > 1.0 => {
                return Err(format!(
                    "«{t}»: a share is 0–1 (or a percentage such as {t}%)"
                ));
            }
            _ if pct && self != Unit::Percent => {
                return Err(format!("«{t}»: this indicator is not a percentage"));
            }
            _ => v,
        };
        self.check(v)
            .map_err(|e| format!("«{t}»: {}", e.split_once(": ").map_or(e.as_str(), |x| x.1)))?;
        Ok(v)
    }

    /// Whether `v` can be a value (or a target) of this unit: 0 or more, a
    /// whole number for a count, at most 100 for a percentage, at most 1 for
    /// a share.
    pub fn check(self, v: f64) -> Result<(), String> {
        if !v.is_finite() || v < 0.0 {
            return Err(format!("{v} is not a number of 0 or more"));
        }
        match self {
            Unit::Count if v.fract() != 0.0 => Err(format!("{v}: a count is a whole number")),
            Unit::Percent if v > 100.0 => Err(format!("{v}%: a percentage is 0–100")),
            Unit::Share if v > 1.0 => {
                Err(format!("{v}: a share is 0–1 (or a percentage up to 100%)"))
            }
            _ => Ok(()),
        }
    }

    /// A value as typed back into a form ("0.68" for a share: no rounding).
    pub fn edit_text(self, v: f64) -> String {
        let s = format!("{v:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
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

/// How an indicator stands against its target (see [`status`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Missed,
    AtRisk,
    OnTrack,
    Met,
}

impl Status {
    pub const ALL: [Status; 4] = [Status::Met, Status::OnTrack, Status::AtRisk, Status::Missed];

    /// "on track".
    pub fn label(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::OnTrack => "on track",
            Status::AtRisk => "at risk",
            Status::Missed => "missed",
        }
    }

    /// The opposite of [`Status::label`] ("on track", "on_track").
    pub fn parse(s: &str) -> Option<Status> {
        let k = s.trim().to_lowercase().replace('_', " ");
        Status::ALL.into_iter().find(|x| x.label() == k)
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// Below this achievement a running share, percent or rate is at risk.
pub const ON_TRACK_LEVEL: f64 = 90.0;

/// The status rule, as the help, the README and `classbook indicators`
/// state it.
pub const STATUS_RULE: &[&str] = &[
    "Status of an indicator (its latest actual value against that period's target, as of the working date):",
    "met: achievement is 100% or more (lower-is-better: at or under the target once the period is over);",
    "missed: the period is over and the target was not reached;",
    "a period still running, higher is better: on track when achievement is at least the share of the",
    "  period elapsed (counts accumulate) or at least 90% (shares, percents, per-teacher rates);",
    "  otherwise at risk;",
    "a period still running, lower is better: on track while at or under the target; over it, a count",
    "  is missed (counts only grow), anything else at risk.",
    "Achievement is actual ÷ target (lower is better: target ÷ actual); a target of zero is met by zero.",
];

/// The share (0–1) of the period from `starts_on` to `ends_on` that has
/// passed by the end of `as_of`.
pub fn elapsed_share(starts_on: NaiveDate, ends_on: NaiveDate, as_of: NaiveDate) -> f64 {
    if as_of < starts_on {
        return 0.0;
    }
    if as_of >= ends_on {
        return 1.0;
    }
    let total = (ends_on - starts_on).num_days() + 1;
    let done = (as_of - starts_on).num_days() + 1;
    done as f64 / total as f64
}

/// The status of `actual` against `target` for a period from `starts_on`
/// to `ends_on`, as of `as_of` (the rule is [`STATUS_RULE`]).
pub fn status(
    actual: f64,
    target: f64,
    unit: Unit,
    direction: Direction,
    (starts_on, ends_on): (NaiveDate, NaiveDate),
    as_of: NaiveDate,
) -> Status {
    let achievement = achievement_percent(actual, target, direction);
    let over = as_of > ends_on;
    match direction {
        _ if over && achievement >= 100.0 => Status::Met,
        _ if over => Status::Missed,
        Direction::Higher if achievement >= 100.0 => Status::Met,
        Direction::Higher => {
            let expected = match unit {
                Unit::Count => elapsed_share(starts_on, ends_on, as_of) * 100.0,
                _ => ON_TRACK_LEVEL,
            };
            if achievement >= expected {
                Status::OnTrack
            } else {
                Status::AtRisk
            }
        }
        Direction::Lower if actual <= target => Status::OnTrack,
        Direction::Lower if unit == Unit::Count => Status::Missed,
        Direction::Lower => Status::AtRisk,
    }
}

str_enum!(Metric {
    TeachersWithCredits = "teachers_with_credits",
    TrainingSessions = "training_sessions",
    TeachersInGoodStanding = "teachers_in_good_standing",
    LessonsWithTopic = "lessons_with_topic",
    LessonsWithHomework = "lessons_with_homework",
    LessonsWithAttendance = "lessons_with_attendance",
    MarksOnTime = "marks_on_time",
    OnlineLessonsPerTeacherMonth = "online_lessons_per_teacher_month",
});

/// What a metric's value measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricKind {
    /// 0–1.
    Share,
    Count,
    PerTeacherMonth,
}

impl Metric {
    /// A few words for the screen: "teachers with ≥ N credits".
    pub fn label(self) -> &'static str {
        match self {
            Metric::TeachersWithCredits => "share of teachers with at least N training credits",
            Metric::TrainingSessions => "training sessions held",
            Metric::TeachersInGoodStanding => "share of teachers in good standing (training)",
            Metric::LessonsWithTopic => "share of held lessons with a topic",
            Metric::LessonsWithHomework => "share of held lessons with homework entered",
            Metric::LessonsWithAttendance => "share of held lessons with attendance taken",
            Metric::MarksOnTime => "share of marks entered on time",
            Metric::OnlineLessonsPerTeacherMonth => "online lessons per teacher per month",
        }
    }

    /// How the value is computed, for the help and the README.
    pub fn description(self) -> &'static str {
        match self {
            Metric::TeachersWithCredits => {
                "teachers whose credits in the school year (sessions attended and external training, as the Training tab's year standing counts them) reach min_credits (default: the yearly minimum setting), of all teachers on the roll; the latest school year in the period"
            }
            Metric::TrainingSessions => {
                "school training sessions dated in the period up to the working date, optionally of one format (format = lecture, mentoring, …)"
            }
            Metric::TeachersInGoodStanding => {
                "teachers who pass the Training tab's year standing (fewer unexcused absences than the limit and the yearly credits), of all teachers on the roll; the latest school year in the period"
            }
            Metric::LessonsWithTopic => {
                "lessons held in the period up to the working date (by whoever taught them) that have a topic"
            }
            Metric::LessonsWithHomework => {
                "lessons held that have a homework entry (text or one of the fixed entries)"
            }
            Metric::LessonsWithAttendance => "lessons held whose attendance was taken",
            Metric::MarksOnTime => {
                "marks entered by their deadline (current, interim, written work: settings) of all marks of lessons held in the period"
            }
            Metric::OnlineLessonsPerTeacherMonth => {
                "online lessons held ÷ teachers who held lessons ÷ months of the period covered (days ÷ 30.44)"
            }
        }
    }

    pub fn kind(self) -> MetricKind {
        match self {
            Metric::TrainingSessions => MetricKind::Count,
            Metric::OnlineLessonsPerTeacherMonth => MetricKind::PerTeacherMonth,
            _ => MetricKind::Share,
        }
    }

    /// Whether an indicator of `unit` can show this metric's value.
    pub fn fits(self, unit: Unit) -> bool {
        matches!(
            (self.kind(), unit),
            (MetricKind::Share, Unit::Share | Unit::Percent)
                | (MetricKind::Count, Unit::Count)
                | (MetricKind::PerTeacherMonth, Unit::PerTeacherMonth)
        )
    }

    /// The metric's value in an indicator's unit (shares as percent for a
    /// percent indicator).
    pub fn in_unit(self, value: f64, unit: Unit) -> f64 {
        if self.kind() == MetricKind::Share && unit == Unit::Percent {
            value * 100.0
        } else {
            value
        }
    }

    /// The parameters it takes (names as in `metric_params`).
    pub fn params(self) -> &'static [&'static str] {
        match self {
            Metric::TeachersWithCredits => &["min_credits"],
            Metric::TrainingSessions => &["format"],
            _ => &[],
        }
    }
}

/// A metric's parameters, stored as JSON in `indicator.metric_params`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricParams {
    /// Teachers with at least this many credits (default: the setting).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_credits: Option<f64>,
    /// Only training sessions of this format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<super::training::Format>,
}

impl MetricParams {
    /// Parse the stored JSON (absent: no parameters).
    pub fn from_json(s: Option<&str>) -> Result<MetricParams, String> {
        match s.map(str::trim) {
            None | Some("") => Ok(MetricParams::default()),
            Some(s) => serde_json::from_str(s).map_err(|e| format!("metric parameters {s}: {e}")),
        }
    }

    /// The JSON to store (`None` when there are no parameters).
    pub fn to_json(&self) -> Option<String> {
        if *self == MetricParams::default() {
            None
        } else {
            serde_json::to_string(self).ok()
        }
    }

    /// Parse "min_credits=40, format=mentoring" (empty: none), checking
    /// that `metric` takes each parameter.
    pub fn parse_pairs(metric: Metric, s: &str) -> Result<MetricParams, String> {
        let mut p = MetricParams::default();
        for part in s.split([',', ';']).map(str::trim).filter(|x| !x.is_empty()) {
            let Some((k, v)) = part.split_once('=') else {
                return Err(format!("parameter «{part}»: write name=value"));
            };
            let (k, v) = (k.trim(), v.trim());
            if !metric.params().contains(&k) {
                return Err(format!(
                    "parameter «{k}»: {} takes {}",
                    metric.as_str(),
                    if metric.params().is_empty() {
                        "no parameters".to_string()
                    } else {
                        metric.params().join(", ")
                    }
                ));
            }
            match k {
                "min_credits" => {
                    let n: f64 = v
                        .replace(',', ".")
                        .parse()
                        .ok()
                        .filter(|n: &f64| n.is_finite() && *n >= 0.0)
                        .ok_or_else(|| format!("min_credits «{v}»: not a number of credits"))?;
                    p.min_credits = Some(n);
                }
                "format" => {
                    let key = v.to_lowercase().replace([' ', '-'], "_");
                    p.format = Some(super::training::Format::parse(&key).ok_or_else(|| {
                        let all: Vec<&str> = super::training::Format::ALL
                            .iter()
                            .map(|f| f.as_str())
                            .collect();
                        format!("format «{v}»: one of {}", all.join(", "))
                    })?);
                }
                _ => {}
            }
        }
        Ok(p)
    }

    /// "min_credits=40" (empty when none), the form `parse_pairs` reads.
    pub fn pairs(&self) -> String {
        let mut out = vec![];
        if let Some(n) = self.min_credits {
            out.push(format!("min_credits={}", Unit::Count.format(n)));
        }
        if let Some(f) = self.format {
            out.push(format!("format={}", f.as_str()));
        }
        out.join(", ")
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

    #[test]
    fn values_typed_by_a_person() {
        assert_eq!(Unit::Share.parse_value("0,68"), Ok(0.68));
        assert_eq!(Unit::Share.parse_value("68%"), Ok(0.68));
        assert!(Unit::Share.parse_value("68").unwrap_err().contains("68%"));
        assert_eq!(Unit::Percent.parse_value("68 %"), Ok(68.0));
        assert_eq!(Unit::Count.parse_value("12"), Ok(12.0));
        assert!(Unit::Count.parse_value("12%").is_err());
        assert!(
            Unit::Count
                .parse_value("-1")
                .unwrap_err()
                .contains("negative")
        );
        assert!(
            Unit::Count
                .parse_value("abc")
                .unwrap_err()
                .contains("not a number")
        );
        // A count is whole, a percentage at most 100, a share at most 1.
        assert!(
            Unit::Count
                .parse_value("5,5")
                .unwrap_err()
                .contains("whole number")
        );
        assert!(
            Unit::Percent
                .parse_value("150")
                .unwrap_err()
                .contains("0–100")
        );
        assert!(Unit::Percent.parse_value("150%").is_err());
        assert_eq!(Unit::Percent.parse_value("100"), Ok(100.0));
        assert!(Unit::Share.parse_value("150%").is_err());
        assert_eq!(Unit::Share.parse_value("100%"), Ok(1.0));
        assert_eq!(Unit::PerTeacherMonth.parse_value("1,5"), Ok(1.5));
        assert!(Unit::Count.check(0.0).is_ok());
        assert!(Unit::Count.check(f64::NAN).is_err());
        assert_eq!(Unit::Share.edit_text(0.6800), "0.68");
        assert_eq!(Unit::Count.edit_text(45.0), "45");
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn status_of_counts_shares_and_lower_is_better() {
        let year = (d("2025-01-01"), d("2025-12-31"));
        let mid = d("2025-07-01"); // just under half the year gone
        let after = d("2026-01-10");
        use Direction::*;
        // A count accumulates: half the target by mid-year is on track.
        assert_eq!(
            status(20.0, 40.0, Unit::Count, Higher, year, mid),
            Status::OnTrack
        );
        assert_eq!(
            status(12.0, 40.0, Unit::Count, Higher, year, mid),
            Status::AtRisk
        );
        assert_eq!(
            status(40.0, 40.0, Unit::Count, Higher, year, mid),
            Status::Met
        );
        assert_eq!(
            status(39.0, 40.0, Unit::Count, Higher, year, after),
            Status::Missed
        );
        // A share is a level: 90% of the target is on track, less at risk.
        assert_eq!(
            status(0.55, 0.6, Unit::Share, Higher, year, mid),
            Status::OnTrack
        );
        assert_eq!(
            status(0.5, 0.6, Unit::Share, Higher, year, mid),
            Status::AtRisk
        );
        assert_eq!(
            status(0.6, 0.6, Unit::Share, Higher, year, after),
            Status::Met
        );
        assert_eq!(
            status(0.5, 0.6, Unit::Share, Higher, year, after),
            Status::Missed
        );
        // Lower is better.
        assert_eq!(
            status(2.0, 3.0, Unit::Count, Lower, year, mid),
            Status::OnTrack
        );
        assert_eq!(
            status(4.0, 3.0, Unit::Count, Lower, year, mid),
            Status::Missed
        );
        assert_eq!(
            status(0.1, 0.05, Unit::Share, Lower, year, mid),
            Status::AtRisk
        );
        assert_eq!(
            status(0.04, 0.05, Unit::Share, Lower, year, after),
            Status::Met
        );
        assert_eq!(
            status(0.1, 0.05, Unit::Share, Lower, year, after),
            Status::Missed
        );
        // A target of zero.
        assert_eq!(achievement_percent(0.0, 0.0, Lower), 100.0);
        assert_eq!(achievement_percent(1.0, 0.0, Lower), 0.0);
        assert_eq!(
            status(0.0, 0.0, Unit::Count, Lower, year, after),
            Status::Met
        );
        assert_eq!(
            status(0.0, 0.0, Unit::Count, Lower, year, mid),
            Status::OnTrack
        );
        assert_eq!(
            status(1.0, 0.0, Unit::Count, Lower, year, mid),
            Status::Missed
        );
        assert_eq!(
            status(1.0, 0.0, Unit::Count, Lower, year, after),
            Status::Missed
        );
        assert_eq!(
            status(0.0, 0.0, Unit::Count, Higher, year, mid),
            Status::Met
        );
        // Before the period starts nothing is expected of a count yet.
        assert_eq!(
            status(0.0, 10.0, Unit::Count, Higher, year, d("2024-12-01")),
            Status::OnTrack
        );
    }

    #[test]
    fn elapsed_share_counts_whole_days() {
        let (a, b) = (d("2025-01-01"), d("2025-01-10"));
        assert_eq!(elapsed_share(a, b, d("2024-12-31")), 0.0);
        assert_eq!(elapsed_share(a, b, a), 0.1);
        assert_eq!(elapsed_share(a, b, d("2025-01-05")), 0.5);
        assert_eq!(elapsed_share(a, b, b), 1.0);
    }

    #[test]
    fn metric_params_parse_check_and_print() {
        let p = MetricParams::parse_pairs(Metric::TeachersWithCredits, "min_credits=36").unwrap();
        assert_eq!(p.min_credits, Some(36.0));
        assert_eq!(p.to_json().as_deref(), Some(r#"{"min_credits":36.0}"#));
        assert_eq!(MetricParams::from_json(p.to_json().as_deref()).unwrap(), p);
        assert_eq!(p.pairs(), "min_credits=36");
        let f = MetricParams::parse_pairs(Metric::TrainingSessions, "format = Mentoring").unwrap();
        assert_eq!(f.format, Some(crate::domain::training::Format::Mentoring));
        let e = MetricParams::parse_pairs(Metric::MarksOnTime, "min_credits=3").unwrap_err();
        assert!(e.contains("no parameters"), "{e}");
        let e = MetricParams::parse_pairs(Metric::TrainingSessions, "format=party").unwrap_err();
        assert!(e.contains("one of lecture"), "{e}");
        assert!(MetricParams::from_json(Some(r#"{"nope":1}"#)).is_err());
        assert_eq!(MetricParams::default().to_json(), None);
        assert!(Metric::TeachersWithCredits.fits(Unit::Percent));
        assert!(!Metric::TrainingSessions.fits(Unit::Share));
        assert_eq!(Metric::LessonsWithTopic.in_unit(0.5, Unit::Percent), 50.0);
    }
}
