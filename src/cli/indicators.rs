//! `classbook indicators …`: a programme's indicator table, actual values
//! and targets, metric bindings, recomputing, CSV import and export,
//! headless. Every command calls the same service functions as the
//! Indicators tab, so the text agrees with the screen.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};
use serde_json::{Value, json};

use crate::domain::indicators::{Metric, MetricParams, STATUS_RULE};
use crate::service::indicators::{
    self as svc, ActualInput, IndicatorRow, ProgrammeTable, Recomputed, Show, Sort, View,
    achievement_text, direction_text, metric_text, value_text,
};
use crate::service::programme_csv;
use crate::store;

use super::exit;

/// The long help of `classbook help indicators`.
pub fn about() -> String {
    let mut s = String::from(
        "Plan indicators: programmes → tasks → indicators, a target per period, actual values \
(entered, or computed from the database for indicators bound to a metric), achievement and status.\n\n",
    );
    for l in STATUS_RULE {
        s.push_str(l);
        s.push('\n');
    }
    s.push_str("\nProgrammes are chosen by id or by a unique part of the name; indicators by number (1.2); periods by label (2023-2024).");
    s
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutFormat {
    Text,
    Csv,
    Json,
}

#[derive(Debug, Args)]
pub struct Which {
    /// The programme: its id or a unique part of its name (default: the
    /// only one, if there is one).
    #[arg(long, short)]
    pub programme: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum IndicatorsCommand {
    /// List the programmes.
    List {
        #[arg(long, value_enum, default_value = "text")]
        format: OutFormat,
    },
    /// A programme's table: per task each indicator's targets, latest actual
    /// value, achievement and status (as the Indicators tab shows it).
    Show {
        #[command(flatten)]
        which: Which,
        /// Only these: all, not-met, behind (at risk or missed), computed.
        #[arg(long, default_value = "all")]
        show: String,
        /// Order inside each task: number, achievement, status.
        #[arg(long, default_value = "number")]
        sort: String,
        /// Only indicators whose name contains this (or numbered so).
        #[arg(long)]
        find: Option<String>,
        /// One indicator in full: every period, every actual value.
        #[arg(long, value_name = "NUMBER")]
        indicator: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: OutFormat,
    },
    /// Enter an actual value (--value) or set a target (--target) of an
    /// indicator for a period.
    Set {
        #[command(flatten)]
        which: Which,
        /// The indicator's number, e.g. 1.2.
        #[arg(long)]
        indicator: String,
        /// The period's label, e.g. 2025-2026.
        #[arg(long)]
        period: String,
        /// The actual value: 0.68 or 68% for a share, a number otherwise.
        #[arg(long, required_unless_present_any = ["target", "clear_target"])]
        value: Option<String>,
        /// The date measured (default: the working date).
        #[arg(long, value_name = "DATE", requires = "value")]
        date: Option<String>,
        /// Where the value comes from (a report, an order …).
        #[arg(long, default_value = "", requires = "value")]
        evidence: String,
        /// The target for the period.
        #[arg(long, conflicts_with_all = ["value", "clear_target"])]
        target: Option<String>,
        /// Remove the period's target.
        #[arg(long, conflicts_with = "value")]
        clear_target: bool,
        /// Replace or remove a target someone else set last (without it:
        /// exit 7).
        #[arg(long, conflicts_with = "value")]
        overwrite: bool,
        /// How to print the indicator afterwards.
        #[arg(long, value_enum, default_value = "text")]
        format: OutFormat,
    },
    /// Bind an indicator to a computed metric (see `indicators metrics`),
    /// or unbind it with --none.
    Bind {
        #[command(flatten)]
        which: Which,
        #[arg(long)]
        indicator: String,
        #[arg(long, required_unless_present = "none")]
        metric: Option<String>,
        /// "min_credits=36", "format=mentoring".
        #[arg(long, default_value = "")]
        params: String,
        #[arg(long, conflicts_with = "metric")]
        none: bool,
    },
    /// Recompute the bound indicators (or one) for every period the
    /// database covers, storing a value dated the working date.
    Recompute {
        #[command(flatten)]
        which: Which,
        #[arg(long)]
        indicator: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: OutFormat,
    },
    /// The catalogue of computed metrics.
    Metrics {
        #[arg(long, value_enum, default_value = "text")]
        format: OutFormat,
    },
    /// Import programmes from a CSV file (all or nothing).
    Import { file: PathBuf },
    /// Export a programme as CSV (the import's format).
    Export {
        #[command(flatten)]
        which: Which,
        /// Write here instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// A date of the command line; DD.MM is in the school year of `working`.
fn date(s: &str, what: &str, working: NaiveDate) -> anyhow::Result<NaiveDate> {
    let start = super::input::school_year_start_of(working);
    Ok(super::input::parse_date(what, s, start)?)
}

fn csv_line(fields: &[String]) -> anyhow::Result<String> {
    let mut w = crate::service::csv_safe::SafeCsv::new(vec![]);
    w.write_record(fields)?;
    Ok(String::from_utf8(w.into_inner()?)?)
}

fn programme(
    conn: &rusqlite::Connection,
    which: &Which,
) -> anyhow::Result<crate::domain::indicators::Programme> {
    match &which.programme {
        Some(q) => Ok(svc::find_programme(conn, q)?),
        None => {
            let all = store::indicators::programmes(conn)?;
            match all.as_slice() {
                [p] => Ok(p.clone()),
                [] => bail!(
                    "the database has no programme; import one with `classbook indicators import FILE`"
                ),
                _ => bail!(
                    "{} programmes: choose one with --programme ID ({})",
                    all.len(),
                    all.iter()
                        .map(|p| format!("{} {}", p.id, svc::clip(&p.name, 40)))
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            }
        }
    }
}

fn row<'a>(table: &'a ProgrammeTable, number: &str) -> anyhow::Result<&'a IndicatorRow> {
    table.find(number).with_context(|| {
        format!(
            "indicator «{number}»: programme {} has {} (numbers like 1.2)",
            table.programme.id,
            table
                .rows()
                .map(|r| r.number.clone())
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

fn period(table: &ProgrammeTable, label: &str) -> anyhow::Result<usize> {
    table.period_index(label).with_context(|| {
        format!(
            "period «{label}»: the programme's periods are {}",
            table
                .periods
                .iter()
                .map(|p| p.label.clone())
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

/// Run `classbook indicators …` on the database at `path`.
pub fn run(path: &Path, operator: &str, cmd: IndicatorsCommand) -> anyhow::Result<u8> {
    let mut db = store::open(path, &crate::cli::open_options())?;
    let working = store::school::working_date(db.conn(), today())?;
    match cmd {
        IndicatorsCommand::List { format } => {
            let all = store::indicators::programmes(db.conn())?;
            let mut rows = vec![];
            for p in &all {
                let t = svc::load(db.conn(), p, working)?;
                rows.push((p, t.periods.len(), t.indicator_count()));
            }
            let mut out = String::new();
            match format {
                OutFormat::Json => {
                    let v: Vec<Value> = rows
                        .iter()
                        .map(|(p, np, ni)| {
                            json!({"id": p.id, "name": p.name, "owner": p.owner,
                                "starts_on": p.starts_on, "ends_on": p.ends_on,
                                "periods": np, "indicators": ni})
                        })
                        .collect();
                    out = serde_json::to_string_pretty(&v)? + "\n";
                }
                OutFormat::Csv => {
                    out.push_str(&csv_line(
                        &[
                            "id",
                            "name",
                            "starts_on",
                            "ends_on",
                            "periods",
                            "indicators",
                        ]
                        .map(String::from),
                    )?);
                    for (p, np, ni) in &rows {
                        out.push_str(&csv_line(&[
                            p.id.to_string(),
                            p.name.clone(),
                            p.starts_on.to_string(),
                            p.ends_on.to_string(),
                            np.to_string(),
                            ni.to_string(),
                        ])?);
                    }
                }
                OutFormat::Text => {
                    for (p, np, ni) in &rows {
                        let _ = writeln!(
                            out,
                            "{:>3}  {}–{}  {np} periods  {ni:>2} indicators  {}",
                            p.id,
                            p.starts_on.format("%d.%m.%Y"),
                            p.ends_on.format("%d.%m.%Y"),
                            p.name
                        );
                    }
                }
            }
            out!("{out}");
        }
        IndicatorsCommand::Show {
            which,
            show,
            sort,
            find,
            indicator,
            format,
        } => {
            let p = programme(db.conn(), &which)?;
            let table = svc::load(db.conn(), &p, working)?;
            let view = View {
                text: find.unwrap_or_default(),
                show: Show::parse(&show).with_context(|| {
                    format!("--show «{show}»: one of all, not-met, behind, computed")
                })?,
                sort: Sort::parse(&sort).with_context(|| {
                    format!("--sort «{sort}»: one of number, achievement, status")
                })?,
            };
            match indicator {
                Some(n) => {
                    let r = row(&table, &n)?;
                    let history = store::indicators::actuals(db.conn(), r.indicator.id)?;
                    out!("{}", one(&table, r, &history, format)?);
                }
                None => out!("{}", show_table(&table, &view, format)?),
            }
        }
        IndicatorsCommand::Set {
            which,
            indicator,
            period: label,
            value,
            date: when,
            evidence,
            target,
            clear_target: _,
            overwrite,
            format,
        } => {
            let p = programme(db.conn(), &which)?;
            let table = svc::load(db.conn(), &p, working)?;
            let r = row(&table, &indicator)?;
            let pi = period(&table, &label)?;
            let per = &table.periods[pi];
            let unit = r.indicator.unit;
            let id = r.indicator.id;
            if let Some(v) = value {
                let value = unit
                    .parse_value(&v)
                    .map_err(|e| anyhow::anyhow!("--value {e}"))?;
                let input = ActualInput {
                    indicator_id: id,
                    period_id: per.id,
                    measured_on: match &when {
                        Some(d) => date(d, "--date", working)?,
                        None => working,
                    },
                    value,
                    evidence,
                };
                let (aid, _) = db.write(|tx| svc::enter_actual(tx, operator, &input, working))?;
                crate::cli::input::say(&format!(
                    "indicator {} ({}): actual {} for {} measured {} (value {aid}, audited)",
                    r.number,
                    svc::clip(&r.indicator.name, 40),
                    unit.format(value),
                    per.label,
                    input.measured_on.format("%d.%m.%Y"),
                ));
            } else {
                let t = match &target {
                    Some(t) => Some(
                        unit.parse_value(t)
                            .map_err(|e| anyhow::anyhow!("--target {e}"))?,
                    ),
                    None => None,
                };
                let ids = db.write(|tx| {
                    // A target someone else set is replaced only knowingly.
                    crate::service::expect::guard_row(
                        tx,
                        operator,
                        overwrite,
                        (
                            "indicator_target",
                            serde_json::json!({ "indicator_id": id, "period_id": per.id }),
                        ),
                        &format!("the target of {} for {}", r.number, per.label),
                    )?;
                    svc::set_targets(tx, operator, id, &[(per.id, t)])
                })?;
                crate::cli::input::say(&format!(
                    "indicator {}: target for {} {}{}",
                    r.number,
                    per.label,
                    t.map_or_else(
                        || "removed".to_string(),
                        |t| format!("set to {}", unit.format(t))
                    ),
                    if ids.is_empty() { " (unchanged)" } else { "" }
                ));
            }
            // The indicator as it stands now, as `show` prints it.
            let after = svc::load(db.conn(), &p, working)?;
            let number = indicator.trim().to_string();
            let only = View {
                text: number.clone(),
                ..View::default()
            };
            match format {
                OutFormat::Json => {
                    let r = row(&after, &number)?;
                    outln!("{}", serde_json::to_string_pretty(&row_json(&after, r))?);
                }
                _ => out!("{}", show_table(&after, &only, format)?),
            }
        }
        IndicatorsCommand::Bind {
            which,
            indicator,
            metric,
            params,
            none,
        } => {
            let p = programme(db.conn(), &which)?;
            let table = svc::load(db.conn(), &p, working)?;
            let r = row(&table, &indicator)?;
            let id = r.indicator.id;
            let binding = match (&metric, none) {
                (Some(m), false) => {
                    let m = Metric::parse(m.trim()).with_context(|| {
                        format!(
                            "--metric «{m}»: one of {}",
                            Metric::ALL
                                .iter()
                                .map(|m| m.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    })?;
                    let p = MetricParams::parse_pairs(m, &params)
                        .map_err(|e| anyhow::anyhow!("--params {e}"))?;
                    Some((m, p))
                }
                _ => None,
            };
            db.write(|tx| {
                svc::bind_metric(tx, operator, id, binding.as_ref().map(|(m, p)| (*m, p)))
            })?;
            match &binding {
                Some((m, p)) => outln!(
                    "indicator {} is computed as: {}",
                    r.number,
                    metric_text(*m, p)
                ),
                None => outln!("indicator {} is entered by hand (no metric)", r.number),
            }
        }
        IndicatorsCommand::Recompute {
            which,
            indicator,
            format,
        } => {
            let p = programme(db.conn(), &which)?;
            let table = svc::load(db.conn(), &p, working)?;
            let only = match &indicator {
                Some(n) => Some(row(&table, n)?.indicator.id),
                None => None,
            };
            let (lines, _) = db.write(|tx| svc::recompute(tx, operator, p.id, only, working))?;
            out!("{}", recomputed(&lines, working, format)?);
        }
        IndicatorsCommand::Metrics { format } => {
            let mut out = String::new();
            match format {
                OutFormat::Json => {
                    let v: Vec<Value> = Metric::ALL
                        .iter()
                        .map(|m| {
                            json!({"metric": m.as_str(), "label": m.label(),
                                "params": m.params(), "description": m.description()})
                        })
                        .collect();
                    out = serde_json::to_string_pretty(&v)? + "\n";
                }
                OutFormat::Csv => {
                    out.push_str(&csv_line(
                        &["metric", "label", "params", "description"].map(String::from),
                    )?);
                    for m in Metric::ALL {
                        out.push_str(&csv_line(&[
                            m.as_str().into(),
                            m.label().into(),
                            m.params().join(" "),
                            m.description().into(),
                        ])?);
                    }
                }
                OutFormat::Text => {
                    for m in Metric::ALL {
                        let _ = writeln!(
                            out,
                            "{}{}\n    {}\n    {}",
                            m.as_str(),
                            if m.params().is_empty() {
                                String::new()
                            } else {
                                format!("  [{}]", m.params().join(", "))
                            },
                            m.label(),
                            m.description()
                        );
                    }
                }
            }
            out!("{out}");
        }
        IndicatorsCommand::Import { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("{}: cannot read", file.display()))?;
            let source = file.display().to_string();
            let what = format!("the import of {source}");
            let imported = db.write_announced(&what, operator, |tx| -> store::Result<_> {
                let r = programme_csv::import(tx, &source, &text)?;
                store::audit::record(
                    tx,
                    operator,
                    "indicator.programme.import",
                    "programme",
                    &serde_json::to_string(&r.programme_ids).unwrap_or_default(),
                    None,
                    Some(
                        &json!({"file": source, "indicators": r.indicators, "targets": r.targets}),
                    ),
                )?;
                Ok(r)
            })?;
            outln!(
                "imported {} programme(s) (id {}): {} indicators, {} targets",
                imported.programme_ids.len(),
                imported
                    .programme_ids
                    .iter()
                    .map(|i| i.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                imported.indicators,
                imported.targets
            );
        }
        IndicatorsCommand::Export { which, output } => {
            let p = programme(db.conn(), &which)?;
            let text = programme_csv::export(db.conn(), p.id)?;
            match output {
                Some(f) => {
                    store::write_private(&f, text.as_bytes())
                        .with_context(|| format!("{}: cannot write", f.display()))?;
                    crate::cli::input::say(&format!(
                        "exported programme {} to {}",
                        p.id,
                        f.display()
                    ));
                }
                None => out!("{text}"),
            }
        }
    }
    Ok(exit::OK)
}

/// The table as text, CSV or JSON.
pub fn show_table(
    table: &ProgrammeTable,
    view: &View,
    format: OutFormat,
) -> anyhow::Result<String> {
    let shown = svc::visible(table, view);
    let mut out = String::new();
    match format {
        OutFormat::Json => {
            let tasks: Vec<Value> = shown
                .iter()
                .map(|(ti, idx)| {
                    let t = &table.tasks[*ti];
                    json!({
                        "task_no": t.task.seq,
                        "task": t.task.name,
                        "indicators": idx.iter().map(|i| row_json(table, &t.indicators[*i])).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let v = json!({
                "programme": table.programme,
                "periods": table.periods,
                "as_of": table.as_of,
                "view": view,
                "tasks": tasks,
            });
            out = serde_json::to_string_pretty(&v)? + "\n";
        }
        OutFormat::Csv => {
            let mut head: Vec<String> = [
                "task_no",
                "number",
                "indicator",
                "unit",
                "direction",
                "metric",
            ]
            .map(String::from)
            .to_vec();
            for p in &table.periods {
                head.push(format!("target {}", p.label));
            }
            head.extend(
                [
                    "actual",
                    "actual_period",
                    "measured_on",
                    "source",
                    "achievement",
                    "status",
                    "evidence",
                ]
                .map(String::from),
            );
            out.push_str(&csv_line(&head)?);
            for (ti, idx) in &shown {
                let t = &table.tasks[*ti];
                for i in idx {
                    let r = &t.indicators[*i];
                    let mut f = vec![
                        t.task.seq.to_string(),
                        r.number.clone(),
                        r.indicator.name.clone(),
                        r.indicator.unit.as_str().into(),
                        r.indicator.direction.as_str().into(),
                        r.indicator.metric.clone().unwrap_or_default(),
                    ];
                    f.extend(
                        r.targets
                            .iter()
                            .map(|t| t.map_or_else(String::new, |t| t.to_string())),
                    );
                    let a = r.actual.as_ref();
                    f.extend([
                        a.map_or_else(String::new, |a| a.value.to_string()),
                        r.actual_period.clone().unwrap_or_default(),
                        a.map_or_else(String::new, |a| a.measured_on.to_string()),
                        a.map_or_else(String::new, |a| a.source.as_str().into()),
                        r.achievement
                            .map_or_else(String::new, |x| format!("{x:.1}")),
                        r.status.map_or_else(String::new, |s| s.label().into()),
                        a.map_or_else(String::new, |a| a.evidence.clone()),
                    ]);
                    out.push_str(&csv_line(&f)?);
                }
            }
        }
        OutFormat::Text => {
            let p = &table.programme;
            let _ = writeln!(out, "{} (programme {})", p.name, p.id);
            let _ = writeln!(
                out,
                "{}–{} · {} tasks · {} indicators · as of {}{}",
                p.starts_on.format("%d.%m.%Y"),
                p.ends_on.format("%d.%m.%Y"),
                table.tasks.len(),
                table.indicator_count(),
                table.as_of.format("%d.%m.%Y"),
                if view.is_plain() {
                    String::new()
                } else {
                    format!(" · {}", view.describe())
                }
            );
            let pw: Vec<usize> = table
                .periods
                .iter()
                .map(|p| p.label.chars().count().max(6))
                .collect();
            let mut head = format!("{:<6}", "№");
            for (p, w) in table.periods.iter().zip(&pw) {
                let _ = write!(head, " {:>w$}", p.label, w = w);
            }
            let _ = write!(
                head,
                " {:>8} {:>5}  {:<8}  indicator",
                "actual", "%", "status"
            );
            for (ti, idx) in &shown {
                let t = &table.tasks[*ti];
                let _ = writeln!(out, "\n{}  {}", t.task.seq, t.task.name);
                let _ = writeln!(out, "{head}");
                for i in idx {
                    let r = &t.indicators[*i];
                    let unit = r.indicator.unit;
                    let mut line = format!("{:<6}", svc::number_cell(r));
                    for (v, w) in r.targets.iter().zip(&pw) {
                        let _ = write!(line, " {:>w$}", value_text(unit, *v), w = w);
                    }
                    let _ = write!(
                        line,
                        " {:>8} {:>5}  {:<8}  {}",
                        value_text(unit, r.actual.as_ref().map(|a| a.value)),
                        achievement_text(r.achievement),
                        r.status.map_or("", |s| s.label()),
                        r.indicator.name
                    );
                    let _ = writeln!(out, "{}", line.trim_end());
                }
            }
            let _ = writeln!(
                out,
                "\nƒ: computed from the database (classbook indicators metrics)"
            );
        }
    }
    Ok(out)
}

fn row_json(table: &ProgrammeTable, r: &IndicatorRow) -> Value {
    let periods: Vec<Value> = table
        .periods
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let st = r.period_standing(&table.periods, i, table.as_of);
            json!({
                "period": p.label,
                "target": r.targets[i],
                "actual": r.actuals[i],
                "achievement": st.map(|s| s.0),
                "status": st.map(|s| s.1),
            })
        })
        .collect();
    json!({
        "number": r.number,
        "id": r.indicator.id,
        "name": r.indicator.name,
        "unit": r.indicator.unit,
        "direction": r.indicator.direction,
        "metric": r.metric.as_ref().map(|(m, _)| m.as_str()),
        "metric_params": r.metric.as_ref().map(|(_, p)| p),
        "periods": periods,
        "actual": r.actual,
        "actual_period": r.actual_period,
        "achievement": r.achievement,
        "status": r.status,
    })
}

/// One indicator in full: each period's target, latest value, achievement
/// and status, then every actual value.
fn one(
    table: &ProgrammeTable,
    r: &IndicatorRow,
    history: &[crate::domain::indicators::ActualValue],
    format: OutFormat,
) -> anyhow::Result<String> {
    let label = |id| {
        table
            .periods
            .iter()
            .find(|p| p.id == id)
            .map_or_else(String::new, |p| p.label.clone())
    };
    let mut out = String::new();
    match format {
        OutFormat::Json => {
            let mut v = row_json(table, r);
            v["history"] = serde_json::to_value(history)?;
            out = serde_json::to_string_pretty(&v)? + "\n";
        }
        OutFormat::Csv => {
            out.push_str(&csv_line(
                &[
                    "period",
                    "measured_on",
                    "value",
                    "source",
                    "evidence",
                    "entered_by",
                ]
                .map(String::from),
            )?);
            for a in history {
                out.push_str(&csv_line(&[
                    label(a.period_id),
                    a.measured_on.to_string(),
                    a.value.to_string(),
                    a.source.as_str().into(),
                    a.evidence.clone(),
                    a.entered_by.clone(),
                ])?);
            }
        }
        OutFormat::Text => {
            let unit = r.indicator.unit;
            let _ = writeln!(out, "{}  {}", r.number, r.indicator.name);
            let _ = writeln!(
                out,
                "{} · {}{}",
                unit.as_str(),
                direction_text(r.indicator.direction),
                r.metric.as_ref().map_or_else(String::new, |(m, p)| format!(
                    " · computed: {}",
                    metric_text(*m, p)
                ))
            );
            let _ = writeln!(
                out,
                "\n{:<12} {:>8} {:>8} {:>5}  status",
                "period", "target", "actual", "%"
            );
            for (i, p) in table.periods.iter().enumerate() {
                let st = r.period_standing(&table.periods, i, table.as_of);
                let _ = writeln!(
                    out,
                    "{:<12} {:>8} {:>8} {:>5}  {}",
                    p.label,
                    value_text(unit, r.targets[i]),
                    value_text(unit, r.actuals[i].as_ref().map(|a| a.value)),
                    achievement_text(st.map(|s| s.0)),
                    st.map_or("", |s| s.1.label())
                );
            }
            let _ = writeln!(out, "\nactual values, newest first:");
            if history.is_empty() {
                let _ = writeln!(out, "  (none)");
            }
            for a in history {
                let _ = writeln!(
                    out,
                    "  {}  {:<10} {:>8}  {:<8}  {}{}",
                    a.measured_on.format("%d.%m.%Y"),
                    label(a.period_id),
                    unit.format(a.value),
                    a.source.as_str(),
                    a.evidence,
                    if a.entered_by.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", a.entered_by)
                    }
                );
            }
        }
    }
    Ok(out)
}

fn recomputed(lines: &[Recomputed], as_of: NaiveDate, format: OutFormat) -> anyhow::Result<String> {
    let mut out = String::new();
    match format {
        OutFormat::Json => out = serde_json::to_string_pretty(lines)? + "\n",
        OutFormat::Csv => {
            out.push_str(&csv_line(
                &["number", "period", "metric", "value", "stored", "note"].map(String::from),
            )?);
            for l in lines {
                out.push_str(&csv_line(&[
                    l.number.clone(),
                    l.period.clone(),
                    l.metric.as_str().into(),
                    l.value.map_or_else(String::new, |v| v.to_string()),
                    l.stored.to_string(),
                    l.note.clone(),
                ])?);
            }
        }
        OutFormat::Text => {
            if lines.is_empty() {
                let _ = writeln!(out, "no indicator of the programme is bound to a metric");
            }
            for l in lines {
                let _ = writeln!(
                    out,
                    "{:<5} {:<10} {:>8}  {:<9}  {}",
                    l.number,
                    l.period,
                    value_text(l.unit, l.value),
                    if l.stored {
                        "stored"
                    } else if l.value.is_some() {
                        "unchanged"
                    } else {
                        "no data"
                    },
                    l.note
                );
            }
            let stored = lines.iter().filter(|l| l.stored).count();
            let _ = writeln!(
                out,
                "{stored} value(s) stored as of {}",
                as_of.format("%d.%m.%Y")
            );
        }
    }
    Ok(out)
}
