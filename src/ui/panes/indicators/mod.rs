//! Indicators: a programme's table (per task its indicators with the
//! target of every period, the latest actual value, achievement and
//! status), filtered and sorted; a chart of one indicator's target against
//! its actual value over the periods with every value recorded; the lessons
//! per teacher behind a computed lesson metric; and the forms that enter
//! actual values, edit targets and bind indicators to computed metrics.

mod view;

use std::cell::Cell;

use chrono::NaiveDate;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::domain::Id;
use crate::domain::indicators::{
    ActualValue, Metric, MetricParams, STATUS_RULE, Source, Status, Unit,
};
use crate::service::indicators::{
    self as svc, ActualInput, IndicatorRow, ProgrammeTable, Show, Sort, View, achievement_text,
    direction_text, metric_text, value_text,
};
use crate::service::keeping::TeacherKeeping;
use crate::ui::action::Action;
use crate::ui::component::{Ctx, Effect, Jump, Pane, PickTarget};
use crate::ui::dates;
use crate::ui::keymap::Mode;
use crate::ui::text::{fit, put, width};
use crate::ui::theme::Theme;
use crate::ui::widgets::chart::Scale;
use crate::ui::widgets::grid::Column;
use crate::ui::widgets::table::Table;

/// Lines the help overlay adds under the Indicators keys: the status rule.
pub fn help_notes() -> Vec<String> {
    let mut text: Vec<String> = STATUS_RULE.iter().map(|s| s.to_string()).collect();
    text.push("ƒ after the number: computed from the database (R recomputes).".into());
    // The help's description column is 54 wide.
    text.iter().flat_map(|l| super::wrap(l, 54, 8)).collect()
}

/// The Indicators tab's screens.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    #[default]
    Table,
    Chart,
    /// Lessons per teacher behind a computed lesson metric.
    Data,
}

/// What a form does when confirmed.
#[derive(Debug, Clone, PartialEq)]
pub enum FormKind {
    EnterActual {
        indicator_id: Id,
        unit: Unit,
    },
    EditActual {
        id: Id,
        indicator_id: Id,
        unit: Unit,
    },
    DeleteActual {
        id: Id,
    },
    Targets {
        indicator_id: Id,
        unit: Unit,
        periods: Vec<Id>,
    },
    Bind {
        indicator_id: Id,
    },
    Filter,
}

/// A form over the pane; confirming it does what its kind says.
pub type Form = crate::ui::widgets::form::Form<FormKind>;
pub use crate::ui::widgets::form::Field;

/// The data behind a computed lesson metric: each teacher's journal
/// keeping over the days the value counted.
#[derive(Debug, Clone, PartialEq)]
pub struct DataView {
    pub metric: Metric,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub rows: Vec<TeacherKeeping>,
    pub online: std::collections::HashMap<Id, i64>,
}

/// The indicators tab's state.
#[derive(Debug, Default)]
pub struct IndicatorsPane {
    /// The programme shown.
    pub idx: usize,
    pub table: Option<ProgrammeTable>,
    /// Table rows: (task, indicator) — `None` is the task's heading.
    pub rows: Vec<(usize, Option<usize>)>,
    pub row: usize,
    pub loaded: bool,
    pub(crate) offset: Cell<usize>,
    pub(crate) page: Cell<usize>,
    /// Filter and order.
    pub view: View,
    pub screen: Screen,
    pub form: Option<Form>,
    /// Every actual value of the indicator under the cursor (the chart).
    pub history: Vec<ActualValue>,
    pub data: Option<DataView>,
    pub data_row: usize,
    pub(crate) data_offset: Cell<usize>,
    pub(crate) data_page: Cell<usize>,
}

impl IndicatorsPane {
    pub(crate) fn set_table(&mut self, table: Option<ProgrammeTable>) {
        // Keep the cursor on the same indicator when it is still shown.
        let current = self.current().map(|r| r.indicator.id);
        self.table = table;
        self.rebuild_rows(current);
    }

    /// The filter or the order changed: the rows again, the cursor kept on
    /// its indicator if it is still shown.
    pub(crate) fn refilter(&mut self) {
        let current = self.current().map(|r| r.indicator.id);
        self.rebuild_rows(current);
    }

    fn rebuild_rows(&mut self, current: Option<Id>) {
        self.rows = self
            .table
            .iter()
            .flat_map(|t| svc::visible(t, &self.view))
            .flat_map(|(ti, idx)| {
                std::iter::once((ti, None)).chain(idx.into_iter().map(move |ii| (ti, Some(ii))))
            })
            .collect();
        let again = current.and_then(|id| {
            (0..self.rows.len()).find(|&r| self.row_at(r).is_some_and(|x| x.indicator.id == id))
        });
        self.row = again.unwrap_or_else(|| {
            // The first indicator rather than a heading.
            let r = self.row.min(self.rows.len().saturating_sub(1));
            if self.rows.get(r).is_some_and(|x| x.1.is_none()) && r + 1 < self.rows.len() {
                r + 1
            } else {
                r
            }
        });
    }

    fn row_at(&self, r: usize) -> Option<&IndicatorRow> {
        let (ti, ii) = *self.rows.get(r)?;
        self.table.as_ref()?.tasks.get(ti)?.indicators.get(ii?)
    }

    /// The indicator under the cursor.
    pub fn current(&self) -> Option<&IndicatorRow> {
        self.row_at(self.row)
    }

    pub(crate) fn move_cursor(&mut self, action: &Action) {
        match self.screen {
            Screen::Data => {
                let n = self.data.as_ref().map_or(0, |d| d.rows.len());
                self.data_row = super::step_rows(self.data_row, n, action, self.data_page.get());
            }
            Screen::Chart => {
                // Indicator to indicator, skipping the task headings.
                let ind: Vec<usize> = (0..self.rows.len())
                    .filter(|&r| self.rows[r].1.is_some())
                    .collect();
                let at = ind.iter().position(|&r| r >= self.row).unwrap_or(0);
                let next = super::step_rows(at, ind.len(), action, 5);
                if let Some(&r) = ind.get(next) {
                    self.row = r;
                }
            }
            Screen::Table => {
                self.row = super::step_rows(self.row, self.rows.len(), action, self.page.get());
            }
        }
    }
}

/// Counted and of how many, for one teacher.
type Pick = fn(&TeacherKeeping) -> (u32, u32);

fn data_columns(m: Metric) -> (&'static str, Pick) {
    match m {
        Metric::LessonsWithTopic => ("with topic", |k| (k.with_topic, k.lessons)),
        Metric::LessonsWithHomework => ("with homework", |k| (k.with_homework, k.lessons)),
        Metric::LessonsWithAttendance => ("attendance taken", |k| (k.with_attendance, k.lessons)),
        Metric::MarksOnTime => ("marks on time", |k| (k.marks_on_time, k.marks)),
        _ => ("lessons", |k| (k.lessons, k.lessons)),
    }
}

// --- the Indicators tab's actions --------------------------------------------

fn day(s: &str, what: &str) -> Result<NaiveDate, String> {
    crate::service::training::parse_date(s)
        .ok_or_else(|| format!("{what} «{}»: not a date (24.12.2025)", s.trim()))
}

const NO_METRIC: &str = "(none: entered by hand)";

impl Pane for IndicatorsPane {
    /// The keymap mode of the screen or form.
    fn mode(&self) -> Mode {
        if self.form.is_some() {
            return Mode::Form;
        }
        match self.screen {
            Screen::Table => Mode::Indicators,
            Screen::Chart => Mode::IndicatorsChart,
            Screen::Data => Mode::IndicatorsData,
        }
    }

    fn loaded(&self) -> bool {
        self.loaded
    }

    fn invalidate(&mut self) {
        self.loaded = false;
    }

    /// Read the programme's table (and the chart's values).
    fn load(&mut self, ctx: &mut Ctx) {
        self.loaded = true;
        let Some(p) = ctx.programmes.get(self.idx).cloned() else {
            self.table = None;
            return;
        };
        let table = match svc::load(ctx.conn(), &p, ctx.working_date) {
            Ok(t) => Some(t),
            Err(e) => {
                ctx.flash(format!("could not read indicators: {e}"));
                None
            }
        };
        self.set_table(table);
        if self.screen == Screen::Chart {
            self.load_history(ctx);
        }
    }

    /// An open form takes every action; else the tab's own keys, the
    /// cursor and the programme; the rest pass.
    fn handle(&mut self, action: &Action, ctx: &mut Ctx) -> Effect {
        if self.form.is_some() {
            self.form_update(action, ctx);
            return Effect::Done;
        }
        self.update(action, ctx)
    }

    /// The programme picker chose item `i`: read it on the next load.
    fn pick(&mut self, target: PickTarget, i: usize, _ctx: &mut Ctx) -> Effect {
        match target {
            PickTarget::Programme => {
                self.idx = i;
                self.loaded = false;
                Effect::Done
            }
            _ => Effect::Pass,
        }
    }

    fn draw(&self, ctx: &Ctx, area: Rect, buf: &mut Buffer) {
        view::draw(self, ctx, area, buf);
    }
}

impl IndicatorsPane {
    /// Read the values of the indicator under the cursor (for the chart).
    fn load_history(&mut self, ctx: &mut Ctx) {
        let id = self.current().map(|r| r.indicator.id);
        self.history = match id {
            Some(id) => match crate::store::indicators::actuals(ctx.conn(), id) {
                Ok(v) => v,
                Err(e) => {
                    ctx.flash(format!("could not read the values: {e}"));
                    vec![]
                }
            },
            None => vec![],
        };
    }

    /// An action on the Indicators tab outside a form.
    fn update(&mut self, action: &Action, ctx: &mut Ctx) -> Effect {
        let screen = self.screen;
        match action {
            Action::IndChart => {
                self.screen = if screen == Screen::Chart {
                    Screen::Table
                } else {
                    Screen::Chart
                };
                if self.current().is_none() {
                    self.move_cursor(&Action::MoveDown);
                }
                self.load_history(ctx);
            }
            Action::Cancel if screen != Screen::Table => {
                self.screen = Screen::Table;
            }
            Action::MoveUp
            | Action::MoveDown
            | Action::PageUp
            | Action::PageDown
            | Action::First
            | Action::Last => {
                self.move_cursor(action);
                if screen == Screen::Chart {
                    self.load_history(ctx);
                }
            }
            // Across, as the application moved it: kept on an indicator.
            Action::MoveLeft | Action::MoveRight => self.move_cursor(action),
            Action::PickProgramme => {
                let items = ctx.programmes.iter().map(|p| p.name.clone()).collect();
                return Effect::picker(
                    PickTarget::Programme,
                    "Choose the programme",
                    items,
                    self.idx,
                );
            }
            Action::IndEnterActual => self.actual_form(None, ctx),
            Action::IndEditActual => {
                let Some(r) = self.current().cloned() else {
                    return Effect::Done;
                };
                // The newest value entered by hand for the indicator.
                let hist = crate::store::indicators::actuals(ctx.conn(), r.indicator.id)
                    .unwrap_or_default();
                match hist.into_iter().find(|a| a.source == Source::Entered) {
                    Some(a) => self.actual_form(Some(a), ctx),
                    None => ctx.flash("no value entered by hand to correct: a enters one"),
                }
            }
            Action::IndDeleteActual => {
                let Some(r) = self.current().cloned() else {
                    return Effect::Done;
                };
                let Some(a) = r.actual.clone() else {
                    return Effect::Flash("no actual value to delete".into());
                };
                self.form = Some(
                    Form::new(
                        format!(
                            "Delete the value {} of {}?",
                            r.indicator.unit.format(a.value),
                            r.number
                        ),
                        FormKind::DeleteActual { id: a.id },
                        vec![],
                    )
                    .with_note(format!(
                        "{} for {}, {} {} (u undoes)",
                        r.indicator.unit.format(a.value),
                        r.actual_period.clone().unwrap_or_default(),
                        a.source.as_str(),
                        dates::full(a.measured_on)
                    )),
                );
            }
            Action::IndTargets => self.targets_form(ctx),
            Action::IndBind => self.bind_form(ctx),
            Action::IndRecompute => self.recompute(ctx),
            Action::IndFilter => {
                let v = &self.view;
                self.form = Some(
                    Form::new(
                        "Filter and order",
                        FormKind::Filter,
                        vec![
                            Field::text("Name or number", v.text.clone()),
                            Field::choice(
                                "Show",
                                v.show.label(),
                                &Show::ALL.iter().map(|s| s.label()).collect::<Vec<_>>(),
                            ),
                            Field::choice(
                                "Order",
                                v.sort.label(),
                                &Sort::ALL.iter().map(|s| s.label()).collect::<Vec<_>>(),
                            ),
                        ],
                    )
                    .with_note("inside each task; empty name: every indicator"),
                );
            }
            Action::IndSort => {
                let i = Sort::ALL
                    .iter()
                    .position(|s| *s == self.view.sort)
                    .unwrap_or(0);
                self.view.sort = Sort::ALL[(i + 1) % Sort::ALL.len()];
                self.refilter();
                ctx.flash(format!(
                    "sorted by {} inside each task",
                    self.view.sort.label()
                ));
            }
            Action::IndJump if screen == Screen::Data => return self.data_jump(ctx),
            Action::IndJump => return self.jump(ctx),
            _ => return Effect::Pass,
        }
        Effect::Done
    }

    fn actual_form(&mut self, existing: Option<ActualValue>, ctx: &mut Ctx) {
        let Some(r) = self.current().cloned() else {
            ctx.flash("no indicator under the cursor");
            return;
        };
        let Some(tab) = &self.table else {
            return;
        };
        let unit = r.indicator.unit;
        let labels: Vec<String> = tab.periods.iter().map(|p| p.label.clone()).collect();
        let (period, value, date, evidence) = match &existing {
            Some(a) => (
                tab.periods
                    .iter()
                    .find(|p| p.id == a.period_id)
                    .map_or(String::new(), |p| p.label.clone()),
                unit.edit_text(a.value),
                dates::full(a.measured_on),
                a.evidence.clone(),
            ),
            None => (
                labels
                    .get(tab.period_at(ctx.working_date))
                    .cloned()
                    .unwrap_or_default(),
                String::new(),
                dates::full(ctx.working_date),
                String::new(),
            ),
        };
        let hint = match unit {
            Unit::Share => "a share: 0.68 or 68%",
            Unit::Percent => "a percentage: 68",
            Unit::Count => "a count",
            Unit::PerTeacherMonth => "a number per teacher per month",
        };
        self.form = Some(
            Form::new(
                format!(
                    "{} {}: {}",
                    if existing.is_some() {
                        "Correct"
                    } else {
                        "Actual value of"
                    },
                    r.number,
                    svc::clip(&r.indicator.name, 40)
                ),
                match &existing {
                    Some(a) => FormKind::EditActual {
                        id: a.id,
                        indicator_id: r.indicator.id,
                        unit,
                    },
                    None => FormKind::EnterActual {
                        indicator_id: r.indicator.id,
                        unit,
                    },
                },
                vec![
                    Field::choice("Period", &period, &labels),
                    Field::text("Value", value),
                    Field::text("Measured on", date),
                    Field::text("Evidence", evidence),
                ],
            )
            .with_focus(1)
            .with_note(format!(
                "{hint}; evidence: the report, order or list it comes from"
            )),
        );
    }

    fn targets_form(&mut self, ctx: &mut Ctx) {
        let (Some(r), Some(tab)) = (self.current().cloned(), &self.table) else {
            ctx.flash("no indicator under the cursor");
            return;
        };
        let unit = r.indicator.unit;
        let fields = tab
            .periods
            .iter()
            .enumerate()
            .map(|(i, p)| {
                Field::text(
                    p.label.clone(),
                    r.targets[i].map_or_else(String::new, |v| unit.edit_text(v)),
                )
            })
            .collect();
        self.form = Some(
            Form::new(
                format!(
                    "Targets of {}: {}",
                    r.number,
                    svc::clip(&r.indicator.name, 40)
                ),
                FormKind::Targets {
                    indicator_id: r.indicator.id,
                    unit,
                    periods: tab.periods.iter().map(|p| p.id).collect(),
                },
                fields,
            )
            .with_note(format!(
                "{}; empty: no target for the period",
                if unit == Unit::Share {
                    "0–1 or 60%"
                } else {
                    "a number"
                }
            )),
        );
    }

    fn bind_form(&mut self, ctx: &mut Ctx) {
        let Some(r) = self.current().cloned() else {
            ctx.flash("no indicator under the cursor");
            return;
        };
        let unit = r.indicator.unit;
        let mut choices = vec![NO_METRIC.to_string()];
        choices.extend(
            Metric::ALL
                .iter()
                .filter(|m| m.fits(unit))
                .map(|m| m.as_str().to_string()),
        );
        let (current, params) = match &r.metric {
            Some((m, p)) => (m.as_str().to_string(), p.pairs()),
            None => (NO_METRIC.to_string(), String::new()),
        };
        self.form = Some(
            Form::new(
                format!("Compute {}: {}", r.number, svc::clip(&r.indicator.name, 40)),
                FormKind::Bind {
                    indicator_id: r.indicator.id,
                },
                vec![
                    Field::choice("Metric", &current, &choices),
                    Field::text("Parameters", params),
                ],
            )
            .with_note(
                "min_credits=40 (teachers_with_credits) · format=mentoring (training_sessions)",
            ),
        );
    }

    fn recompute(&mut self, ctx: &mut Ctx) {
        let Some(tab) = &self.table else {
            return;
        };
        let pid = tab.programme.id;
        if !tab.rows().any(|r| r.metric.is_some()) {
            ctx.flash("no indicator of this programme is computed: m binds one to a metric");
            return;
        }
        let as_of = ctx.working_date;
        if let Some(lines) = ctx.write(
            format!("recompute as of {}", dates::full(as_of)),
            |tx, op| svc::recompute(tx, op, pid, None, as_of),
        ) {
            let stored = lines.iter().filter(|l| l.stored).count();
            let with_value = lines.iter().filter(|l| l.value.is_some()).count();
            let no_data = lines.len() - with_value;
            ctx.flash(format!(
                "recomputed as of {}: {stored} new, {} unchanged, {no_data} periods without data",
                dates::full(as_of),
                with_value - stored
            ));
            // The chart's values are read again with the pane (`load`).
        }
    }

    /// Keys while a form is open.
    fn form_update(&mut self, action: &Action, ctx: &mut Ctx) {
        use crate::ui::widgets::form::Outcome;
        let Some(form) = self.form.as_mut() else {
            return;
        };
        match form.handle(action) {
            Outcome::Cancel => self.form = None,
            Outcome::Submit => self.submit_form(ctx),
            Outcome::Pick => ctx.flash("this field has no list: type its value"),
            Outcome::Open => {}
        }
    }

    fn submit_form(&mut self, ctx: &mut Ctx) {
        let Some(form) = self.form.clone() else {
            return;
        };
        match self.save(&form, ctx) {
            Ok(Some(done)) => {
                self.form = None;
                if self.screen == Screen::Chart {
                    self.load_history(ctx);
                }
                ctx.flash(done);
            }
            Ok(None) => {
                if let Some(f) = self.form.as_mut() {
                    f.error = ctx.last_message().map(str::to_string);
                }
            }
            Err(e) => {
                if let Some(f) = self.form.as_mut() {
                    f.error = Some(format!("not saved: {e}"));
                }
            }
        }
    }

    /// Do what the form says: the message to show, None when the write
    /// was refused, Err when a field is wrong.
    fn save(&mut self, form: &Form, ctx: &mut Ctx) -> Result<Option<String>, String> {
        let working = ctx.working_date;
        let periods: Vec<(String, Id)> = self
            .table
            .as_ref()
            .map(|t| t.periods.iter().map(|p| (p.label.clone(), p.id)).collect())
            .unwrap_or_default();
        let period_id = |label: &str| -> Result<Id, String> {
            periods
                .iter()
                .find(|(l, _)| l == label)
                .map(|(_, id)| *id)
                .ok_or_else(|| format!("period «{label}»: not a period of the programme"))
        };
        {
            Ok(match &form.kind {
                FormKind::Filter => {
                    self.view = View {
                        text: form.value("Name or number").to_string(),
                        show: Show::parse(form.value("Show")).unwrap_or_default(),
                        sort: Sort::parse(form.value("Order")).unwrap_or_default(),
                    };
                    self.refilter();
                    let d = self.view.describe();
                    Some(if d.is_empty() {
                        "showing every indicator".into()
                    } else {
                        d
                    })
                }
                FormKind::EnterActual { indicator_id, unit }
                | FormKind::EditActual {
                    indicator_id, unit, ..
                } => {
                    let value = unit
                        .parse_value(form.value("Value"))
                        .map_err(|e| format!("value {e}"))?;
                    let input = ActualInput {
                        indicator_id: *indicator_id,
                        period_id: period_id(form.value("Period"))?,
                        measured_on: day(form.value("Measured on"), "measured on")?,
                        value,
                        evidence: form.value("Evidence").to_string(),
                    };
                    let shown = unit.format(value);
                    match form.kind {
                        FormKind::EditActual { id, .. } => ctx
                            .write(format!("correct value {shown}"), |tx, op| {
                                Ok(((), svc::update_actual(tx, op, id, &input, working)?))
                            })
                            .map(|_| format!("value corrected to {shown}")),
                        _ => {
                            ctx.write(format!("enter value {shown}"), |tx, op| {
                                svc::enter_actual(tx, op, &input, working)
                            })
                            .map(|_| format!("value {shown} recorded for {}", form.value("Period")))
                        }
                    }
                }
                FormKind::DeleteActual { id } => ctx
                    .write("delete value", |tx, op| {
                        Ok(((), svc::delete_actual(tx, op, *id)?))
                    })
                    .map(|_| "value deleted (u undoes)".to_string()),
                FormKind::Targets {
                    indicator_id,
                    unit,
                    periods,
                } => {
                    let mut targets = vec![];
                    for (f, pid) in form.fields.iter().zip(periods) {
                        let v = f.value.trim();
                        let t = if v.is_empty() {
                            None
                        } else {
                            Some(
                                unit.parse_value(v)
                                    .map_err(|e| format!("{}: {e}", f.label))?,
                            )
                        };
                        targets.push((*pid, t));
                    }
                    let id = *indicator_id;
                    ctx.write("edit targets", |tx, op| {
                        Ok(((), svc::set_targets(tx, op, id, &targets)?))
                    })
                    .map(|_| "targets saved".to_string())
                }
                FormKind::Bind { indicator_id } => {
                    let m = form.value("Metric");
                    let binding = if m == NO_METRIC {
                        None
                    } else {
                        let metric =
                            Metric::parse(m).ok_or_else(|| format!("metric «{m}»: unknown"))?;
                        let p = MetricParams::parse_pairs(metric, form.value("Parameters"))?;
                        Some((metric, p))
                    };
                    let id = *indicator_id;
                    ctx.write("bind metric", |tx, op| {
                        Ok((
                            (),
                            svc::bind_metric(tx, op, id, binding.as_ref().map(|(m, p)| (*m, p)))?,
                        ))
                    })
                    .map(|_| match &binding {
                        Some((m, p)) => format!("computed as {}: R recomputes", metric_text(*m, p)),
                        None => "entered by hand from now on".to_string(),
                    })
                }
            })
        }
    }

    /// Enter on a computed value: the data it was computed from.
    fn jump(&mut self, ctx: &mut Ctx) -> Effect {
        let (Some(r), Some(tab)) = (self.current().cloned(), self.table.clone()) else {
            return Effect::Done;
        };
        let Some((metric, _)) = r.metric else {
            return Effect::Flash(
                "entered by hand: only computed values (ƒ) have data behind them".into(),
            );
        };
        // The days the value counted: the period's covered part.
        let pi = r
            .actual_period_idx
            .unwrap_or_else(|| tab.period_at(ctx.working_date));
        let Some(period) = tab.periods.get(pi) else {
            return Effect::Done;
        };
        let years = crate::store::school::years(ctx.conn()).unwrap_or_default();
        let windows = crate::service::metrics::coverage(
            &years,
            period.starts_on,
            period.ends_on,
            ctx.working_date,
        );
        let (Some(first), Some(last)) = (windows.first(), windows.last()) else {
            return Effect::Flash(format!(
                "the database holds no school day of period {}",
                period.label
            ));
        };
        let (from, to, year) = (first.0, last.1, last.2.clone());
        match metric {
            Metric::TrainingSessions
            | Metric::TeachersWithCredits
            | Metric::TeachersInGoodStanding => {
                // The Training tab: its sessions, or the year's standing.
                let plan_idx = ctx
                    .plans
                    .iter()
                    .rposition(|p| p.year_id == year.id && p.starts_on <= to);
                Effect::Jump {
                    to: Jump::Training {
                        plan_idx,
                        standing: metric != Metric::TrainingSessions,
                        teacher_id: None,
                    },
                    message: format!(
                        "the data behind {} {}: {}",
                        r.number,
                        metric.label(),
                        r.actual.map_or_else(String::new, |a| a.evidence)
                    ),
                }
            }
            _ => {
                let settings = match crate::store::settings::load(ctx.conn()) {
                    Ok(s) => s,
                    Err(e) => {
                        return Effect::Flash(format!("could not read the settings: {e}"));
                    }
                };
                let mut rows = vec![];
                let mut online = std::collections::HashMap::new();
                for (a, b, _) in &windows {
                    match crate::service::keeping::journal_keeping(
                        ctx.conn(),
                        &settings,
                        *a,
                        *b,
                        ctx.working_date,
                    ) {
                        Ok(v) => rows.extend(v),
                        Err(e) => {
                            return Effect::Flash(format!("could not read the journal: {e}"));
                        }
                    }
                    for (t, n) in
                        crate::store::metrics::online_lessons_by_teacher(ctx.conn(), *a, *b)
                            .unwrap_or_default()
                    {
                        *online.entry(t).or_insert(0) += n;
                    }
                }
                // One row per teacher over all windows.
                let mut merged: Vec<TeacherKeeping> = vec![];
                for k in rows {
                    match merged.iter_mut().find(|m| m.teacher_id == k.teacher_id) {
                        Some(m) => {
                            let id = m.teacher_id;
                            *m = TeacherKeeping::total(&k.teacher, [&*m, &k]);
                            m.teacher_id = id;
                        }
                        None => merged.push(k),
                    }
                }
                let (_, pick) = data_columns(metric);
                if metric == Metric::OnlineLessonsPerTeacherMonth {
                    merged.sort_by_key(|k| online.get(&k.teacher_id).copied().unwrap_or(0));
                } else {
                    merged.sort_by(|a, b| {
                        let f = |k: &TeacherKeeping| {
                            let (n, of) = pick(k);
                            crate::service::keeping::percent(n, of).unwrap_or(101.0)
                        };
                        f(a).total_cmp(&f(b))
                    });
                }
                self.data = Some(DataView {
                    metric,
                    from,
                    to,
                    rows: merged,
                    online,
                });
                self.data_row = 0;
                self.screen = Screen::Data;
                Effect::Done
            }
        }
    }

    /// Enter on a teacher of the data behind a lesson metric: that
    /// teacher's latest lesson lacking what the metric counts, in the
    /// Journal (or, for attendance, the class's day in Attendance).
    fn data_jump(&mut self, ctx: &mut Ctx) -> Effect {
        use crate::store::metrics::Gap;
        let Some(d) = &self.data else {
            return Effect::Done;
        };
        let Some(k) = d.rows.get(self.data_row).cloned() else {
            return Effect::Done;
        };
        let (metric, from, to) = (d.metric, d.from, d.to);
        let gap = match metric {
            Metric::LessonsWithTopic => Gap::Topic,
            Metric::LessonsWithHomework => Gap::Homework,
            Metric::LessonsWithAttendance => Gap::Attendance,
            Metric::OnlineLessonsPerTeacherMonth => Gap::Online,
            _ => {
                let s = crate::store::settings::load(ctx.conn()).unwrap_or_default();
                use crate::domain::settings::DeadlineKind::*;
                Gap::LateMark([
                    s.mark_deadline_days(Current),
                    s.mark_deadline_days(Interim),
                    s.mark_deadline_days(Written),
                ])
            }
        };
        let found = crate::store::metrics::latest_gap(ctx.conn(), k.teacher_id, from, to, gap);
        let found = match found {
            Ok(v) => v,
            Err(e) => {
                ctx.flash(format!("could not read the lessons: {e}"));
                None
            }
        };
        let Some(l) = found else {
            return Effect::Flash(format!(
                "{}: no such lesson {}–{}",
                k.teacher,
                dates::short(from),
                dates::short(to)
            ));
        };
        let Some(ci) = ctx.classes.iter().position(|c| c.id == l.class_id) else {
            return Effect::Flash("that lesson's class is not in the current school year".into());
        };
        let to = if gap == Gap::Attendance {
            Jump::AttendanceDay {
                class_idx: ci,
                date: l.date,
            }
        } else {
            use crate::domain::PeriodKind;
            let quarter = ctx
                .periods
                .iter()
                .position(|p| p.kind == PeriodKind::Quarter && p.contains(l.date))
                .or_else(|| ctx.periods.iter().position(|p| p.contains(l.date)));
            Jump::Lesson {
                class_idx: ci,
                period_idx: quarter,
                subject_id: l.subject_id,
                lesson_id: l.lesson_id,
            }
        };
        let message = format!(
            "{}'s latest lesson {}: {}",
            k.teacher,
            match gap {
                Gap::Topic => "without a topic",
                Gap::Homework => "without homework",
                Gap::Attendance => "without attendance taken",
                Gap::Online => "online",
                Gap::LateMark(_) => "with a mark entered late",
            },
            dates::full(l.date)
        );
        Effect::Jump { to, message }
    }
}
