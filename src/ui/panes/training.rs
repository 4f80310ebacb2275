//! Training: the sessions of a semester's plan (date, time, hours, format,
//! topic, presenter, credits) with how many of the roll call attended.

use std::cell::Cell;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::service::training::PlanView;
use crate::ui::action::Action;
use crate::ui::app::App;
use crate::ui::dates;
use crate::ui::grid::{Column, Table};
use crate::ui::text::put;

/// The training tab's state.
#[derive(Debug, Default)]
pub struct TrainingPane {
    pub plan_idx: usize,
    pub view: Option<PlanView>,
    pub row: usize,
    pub loaded: bool,
    pub(crate) offset: Cell<usize>,
    pub(crate) page: Cell<usize>,
}

impl TrainingPane {
    pub(crate) fn set_view(&mut self, view: Option<PlanView>) {
        if let Some(v) = &view {
            self.row = self.row.min(v.sessions.len().saturating_sub(1));
        }
        self.view = view;
    }

    pub(crate) fn move_cursor(&mut self, action: &Action) {
        let Some(v) = &self.view else { return };
        self.row = super::step_rows(self.row, v.sessions.len(), action, self.page.get());
    }
}

/// "1.5" hours or credits, "2" when whole.
fn num(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// Draw the training tab into `area`.
pub fn draw(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let p = &app.training;
    let Some(v) = &p.view else {
        put(
            buf,
            area,
            area.x + 1,
            area.y + 1,
            area.width as usize,
            "No training plan in this school year.",
            t.dim,
        );
        return;
    };
    let head = format!(
        "{} · semester {} of {} · {}–{}",
        v.plan.title,
        v.plan.semester,
        app.plans.len().max(1),
        dates::full(v.plan.starts_on),
        dates::full(v.plan.ends_on)
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
    let totals = format!(
        "{} sessions · {} hours · {} credits",
        v.sessions.len(),
        num(v.hours),
        num(v.credits)
    );
    put(
        buf,
        area,
        area.x + 1,
        area.y + 1,
        area.width as usize - 1,
        &totals,
        t.dim,
    );
    if v.sessions.is_empty() {
        put(
            buf,
            area,
            area.x + 1,
            area.y + 3,
            area.width as usize - 1,
            "No sessions planned.",
            t.dim,
        );
        return;
    }
    let sessions = &v.sessions;
    let wide = area.width >= 120;
    let cell = |r: usize, c: usize| -> (String, Style) {
        let s = &sessions[r];
        let x = &s.session;
        match c {
            0 => (
                format!("{} {}", dates::weekday(x.date), dates::short(x.date)),
                t.text,
            ),
            1 => (
                format!(
                    "{}–{}",
                    x.starts_at.format("%H:%M"),
                    x.ends_at.format("%H:%M")
                ),
                t.text,
            ),
            2 => (num(x.hours), t.text),
            3 => (x.format.label().to_string(), t.text),
            4 => (x.topic.clone(), t.text),
            5 => (s.presenter.clone(), t.text),
            6 => (num(x.credits), t.text),
            _ if s.total == 0 => ("—".into(), t.dim),
            _ => (
                format!("{}/{}", s.present, s.total),
                if s.present < s.total { t.text } else { t.good },
            ),
        }
    };
    let table = Table {
        columns: vec![
            Column::left(8, &["Date"]),
            Column::left(11, &["Time"]),
            Column::right(3, &["h"]),
            Column::left(if wide { 20 } else { 10 }, &["Format"]),
            Column::left(0, &["Topic"]),
            Column::left(if wide { 28 } else { 14 }, &["Presenter"]),
            Column::right(3, &["cr"]),
            Column::right(7, &["present"]),
        ],
        rows: sessions.len(),
        cell: &cell,
        span: None,
        cursor: Some(p.row),
        offset: &p.offset,
        theme: t,
    };
    let table_area = Rect {
        x: area.x,
        y: area.y + 2,
        width: area.width,
        height: area.height.saturating_sub(4),
    };
    p.page.set(Table::visible_rows(table_area));
    table.render(table_area, buf);
    if let Some(s) = sessions.get(p.row) {
        let x = &s.session;
        let line1 = format!("{} · {} · {}", x.topic, x.format.label(), s.presenter);
        let place = if x.place.is_empty() {
            "—"
        } else {
            x.place.as_str()
        };
        let line2 = format!(
            "{} {}–{} · {} · {} h · {} credits · attended {} of {} on the roll",
            dates::long(x.date),
            x.starts_at.format("%H:%M"),
            x.ends_at.format("%H:%M"),
            place,
            num(x.hours),
            num(x.credits),
            s.present,
            s.total
        );
        put(
            buf,
            area,
            area.x + 1,
            area.bottom() - 2,
            area.width as usize - 1,
            &line1,
            t.text,
        );
        put(
            buf,
            area,
            area.x + 1,
            area.bottom() - 1,
            area.width as usize - 1,
            &line2,
            t.dim,
        );
    }
}
