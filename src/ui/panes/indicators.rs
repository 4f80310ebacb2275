//! Indicators: a programme's table; per task its indicators with unit,
//! the target of every period, the latest actual value and achievement.

use std::cell::Cell;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::domain::indicators::Unit;
use crate::service::indicators::{IndicatorRow, ProgrammeTable};
use crate::ui::action::Action;
use crate::ui::app::App;
use crate::ui::dates;
use crate::ui::grid::{Column, Table};
use crate::ui::text::{put, width};

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
}

impl IndicatorsPane {
    pub(crate) fn set_table(&mut self, table: Option<ProgrammeTable>) {
        self.rows = table
            .iter()
            .flat_map(|t| t.tasks.iter().enumerate())
            .flat_map(|(ti, task)| {
                std::iter::once((ti, None))
                    .chain((0..task.indicators.len()).map(move |ii| (ti, Some(ii))))
            })
            .collect();
        self.row = self.row.min(self.rows.len().saturating_sub(1));
        self.table = table;
    }

    pub(crate) fn move_cursor(&mut self, action: &Action) {
        self.row = super::step_rows(self.row, self.rows.len(), action, self.page.get());
    }
}

fn unit_label(u: Unit) -> &'static str {
    match u {
        Unit::Count => "count",
        Unit::Share => "share",
        Unit::Percent => "%",
        Unit::PerTeacherMonth => "/t·m",
    }
}

/// Draw the indicators tab into `area`.
pub fn draw(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let p = &app.indicators;
    let Some(tab) = &p.table else {
        put(
            buf,
            area,
            area.x + 1,
            area.y + 1,
            area.width as usize,
            "No programme in this database.",
            t.dim,
        );
        return;
    };
    let head = format!(
        "{} ({} of {})",
        tab.programme.name,
        p.idx + 1,
        app.programmes.len()
    );
    put(
        buf,
        area,
        area.x + 1,
        area.y,
        area.width as usize - 1,
        &head,
        t.header,
    );
    let sub = format!(
        "{}–{} · {} tasks · {} indicators{}",
        dates::full(tab.programme.starts_on),
        dates::full(tab.programme.ends_on),
        tab.tasks.len(),
        tab.indicator_count(),
        if tab.programme.owner.is_empty() {
            String::new()
        } else {
            format!(" · {}", tab.programme.owner)
        }
    );
    put(
        buf,
        area,
        area.x + 1,
        area.y + 1,
        area.width as usize - 1,
        &sub,
        t.dim,
    );
    let rows = &p.rows;
    let ind = |r: usize| -> Option<&IndicatorRow> {
        let (ti, ii) = rows[r];
        ii.and_then(|ii| tab.tasks.get(ti).and_then(|t| t.indicators.get(ii)))
    };
    let np = tab.periods.len();
    let span = |r: usize| -> Option<(String, Style)> {
        let (ti, ii) = rows[r];
        match ii {
            None => tab
                .tasks
                .get(ti)
                .map(|task| (format!("{}  {}", task.task.seq, task.task.name), t.header)),
            Some(_) => None,
        }
    };
    let cell = |r: usize, c: usize| -> (String, Style) {
        let Some(i) = ind(r) else {
            return (String::new(), t.text);
        };
        let unit = i.indicator.unit;
        let (ti, _) = rows[r];
        let task_seq = tab.tasks.get(ti).map_or(0, |t| t.task.seq);
        match c {
            0 => (format!("{task_seq}.{}", i.indicator.seq), t.text),
            1 => (i.indicator.name.clone(), t.text),
            2 => (unit_label(unit).into(), t.dim),
            c if c < 3 + np => (
                i.targets[c - 3]
                    .map(|v| unit.format(v))
                    .unwrap_or_else(|| "—".into()),
                t.text,
            ),
            c if c == 3 + np => match &i.actual {
                Some(a) => (unit.format(a.value), t.text),
                None => ("—".into(), t.dim),
            },
            _ => match i.achievement {
                Some(a) => (format!("{a:.0}%"), if a >= 100.0 { t.good } else { t.bad }),
                None => (String::new(), t.dim),
            },
        }
    };
    let mut columns = vec![
        Column::left(5, &["№"]),
        Column::left(0, &["Indicator"]),
        Column::left(5, &["unit"]),
    ];
    for per in &tab.periods {
        let w = width(&per.label).clamp(6, 10) as u16;
        columns.push(Column::right(w, &[per.label.as_str()]));
    }
    columns.push(Column::right(7, &["actual"]));
    columns.push(Column::right(5, &["%"]));
    let table = Table {
        columns,
        rows: rows.len(),
        cell: &cell,
        span: Some(&span),
        cursor: (!rows.is_empty()).then_some(p.row),
        offset: &p.offset,
        theme: t,
    };
    let table_area = Rect {
        x: area.x,
        y: area.y + 2,
        width: area.width,
        height: area.height.saturating_sub(5),
    };
    p.page.set(Table::visible_rows(table_area));
    table.render(table_area, buf);
    // The current row in full (names are long).
    let w = area.width as usize - 1;
    let (name, detail) = match (rows.get(p.row), rows.get(p.row).and_then(|_| ind(p.row))) {
        (_, Some(i)) => {
            let detail = match &i.actual {
                Some(a) => format!(
                    "actual {} for {} measured {} ({}{}){}",
                    i.indicator.unit.format(a.value),
                    i.actual_period.as_deref().unwrap_or("?"),
                    dates::full(a.measured_on),
                    a.source,
                    if a.evidence.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", a.evidence)
                    },
                    i.achievement
                        .map_or(String::new(), |x| format!(" · {x:.0}% of target")),
                ),
                None => "no actual value recorded yet".to_string(),
            };
            (i.indicator.name.clone(), detail)
        }
        (Some((ti, None)), _) => (
            tab.tasks
                .get(*ti)
                .map_or(String::new(), |t| t.task.name.clone()),
            String::new(),
        ),
        _ => (String::new(), String::new()),
    };
    let name_lines = super::wrap(&name, w, 2);
    for (k, line) in name_lines.iter().enumerate() {
        put(
            buf,
            area,
            area.x + 1,
            area.bottom() - 3 + k as u16,
            w,
            line,
            t.text,
        );
    }
    put(buf, area, area.x + 1, area.bottom() - 1, w, &detail, t.dim);
}
