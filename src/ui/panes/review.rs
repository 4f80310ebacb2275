//! Review: the list of findings to check. The rules that find problems
//! come with the review issue; until then this pane shows, honestly, the
//! items operators have acknowledged (`review_ack`) and their count.

use std::cell::Cell;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::service::review::ReviewSummary;
use crate::ui::action::Action;
use crate::ui::app::App;
use crate::ui::grid::{Column, Table};
use crate::ui::text::put;

/// The review tab's state.
#[derive(Debug, Default)]
pub struct ReviewPane {
    pub summary: Option<ReviewSummary>,
    pub row: usize,
    pub loaded: bool,
    pub(crate) offset: Cell<usize>,
    pub(crate) page: Cell<usize>,
}

impl ReviewPane {
    pub(crate) fn move_cursor(&mut self, action: &Action) {
        let n = self.summary.as_ref().map_or(0, |s| s.items.len());
        self.row = super::step_rows(self.row, n, action, self.page.get());
    }
}

/// Draw the review tab into `area`.
pub fn draw(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let p = &app.review;
    let Some(s) = &p.summary else {
        put(
            buf,
            area,
            area.x + 1,
            area.y + 1,
            area.width as usize,
            "The review list could not be read.",
            t.dim,
        );
        return;
    };
    let n = s.acknowledged;
    let head = format!("{n} acknowledged item{}", if n == 1 { "" } else { "s" });
    put(
        buf,
        area,
        area.x + 1,
        area.y,
        area.width as usize - 1,
        &head,
        t.header,
    );
    let why = "Items an operator has acknowledged, with their note. The rule checks themselves \
               (missing topics, late marks, attendance not taken…) are not in this version yet.";
    put(
        buf,
        area,
        area.x + 1,
        area.y + 1,
        area.width as usize - 1,
        why,
        t.dim,
    );
    let items = &s.items;
    let cell = |r: usize, c: usize| -> (String, Style) {
        let i = &items[r];
        let text = match c {
            0 => i.rule_id.clone(),
            1 => i.item_key.clone(),
            2 => i.note.clone(),
            3 => i.acked_by.clone(),
            _ => i.acked_at.clone(),
        };
        (text, t.text)
    };
    let table = Table {
        columns: vec![
            Column::left(16, &["Rule"]),
            Column::left(16, &["Item"]),
            Column::left(0, &["Note"]),
            Column::left(10, &["By"]),
            Column::left(20, &["At"]),
        ],
        rows: items.len(),
        cell: &cell,
        span: None,
        cursor: (!items.is_empty()).then_some(p.row),
        offset: &p.offset,
        theme: t,
    };
    let table_area = Rect {
        x: area.x,
        y: area.y + 3,
        width: area.width,
        height: area.height.saturating_sub(3),
    };
    p.page.set(Table::visible_rows(table_area));
    table.render(table_area, buf);
    if items.is_empty() {
        put(
            buf,
            area,
            area.x + 1,
            area.y + 4,
            area.width as usize - 1,
            "(none)",
            t.dim,
        );
    }
}
