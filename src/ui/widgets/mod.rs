//! Widgets shared by the panes: the form, the frozen-column grid, the list
//! table, the picker overlay, the bar chart, and a popup box.

pub mod chart;
pub mod form;
pub mod grid;
pub mod picker;
pub mod table;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Borders, Clear, Widget};

use crate::ui::theme::Theme;

/// A box centred in `area`, cleared, with a title.
pub fn popup(t: &Theme, w: u16, h: u16, title: &str, area: Rect, buf: &mut Buffer) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    let r = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    };
    Clear.render(r, buf);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {title} "))
        .border_style(t.text);
    let inner = block.inner(r);
    block.render(r, buf);
    inner
}
