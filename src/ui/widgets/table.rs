//! A list table: a header, one row per item, columns across the width
//! (width 0 shares what is left), a row cursor and scrolling; and the
//! lines of text panes put above and under their tables.

use std::cell::Cell;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::ui::text::{Align, field, put};
use crate::ui::theme::Theme;
use crate::ui::widgets::grid::{CellFn, Column, scroll};

/// A line of text at row `dy` of `area`, from its second column to its
/// last (a heading, a detail line under a table).
pub fn line(area: Rect, dy: u16, text: &str, style: Style, buf: &mut Buffer) {
    put(
        buf,
        area,
        area.x + 1,
        area.y + dy,
        (area.width as usize).saturating_sub(1),
        text,
        style,
    );
}

/// A full-width text for a row that spans every column (a group heading).
pub type SpanFn<'a> = dyn Fn(usize) -> Option<(String, Style)> + 'a;

/// A list table: columns across the width (width 0 = share the rest), one
/// row per item; the cursor is a row marker plus the row's first cell.
pub struct Table<'a> {
    pub columns: Vec<Column>,
    pub rows: usize,
    pub cell: &'a CellFn<'a>,
    /// Rows drawn as one text across the table.
    pub span: Option<&'a SpanFn<'a>>,
    pub cursor: Option<usize>,
    pub offset: &'a Cell<usize>,
    pub theme: &'a Theme,
}

impl<'a> Table<'a> {
    /// A table of `rows` rows in `columns`, each cell from `cell`; no
    /// cursor until [`Table::cursor`] gives one.
    pub fn new(
        columns: Vec<Column>,
        rows: usize,
        cell: &'a CellFn<'a>,
        offset: &'a Cell<usize>,
        theme: &'a Theme,
    ) -> Table<'a> {
        Table {
            columns,
            rows,
            cell,
            span: None,
            cursor: None,
            offset,
            theme,
        }
    }

    /// The row under the cursor.
    pub fn cursor(self, row: Option<usize>) -> Table<'a> {
        Table {
            cursor: row,
            ..self
        }
    }

    /// Rows drawn as one text across the table (group headings).
    pub fn span(self, span: &'a SpanFn<'a>) -> Table<'a> {
        Table {
            span: Some(span),
            ..self
        }
    }

    /// The widths of the columns in `w` columns of screen.
    fn widths(&self, w: u16) -> Vec<u16> {
        let fixed: u16 = self.columns.iter().map(|c| c.width + 1).sum();
        let flex = self.columns.iter().filter(|c| c.width == 0).count() as u16;
        let rest = w.saturating_sub(fixed);
        let each = rest.checked_div(flex).unwrap_or(0);
        let mut extra = if flex > 0 { rest % flex } else { 0 };
        self.columns
            .iter()
            .map(|c| {
                if c.width > 0 {
                    c.width
                } else {
                    let e = u16::from(extra > 0);
                    extra = extra.saturating_sub(1);
                    each + e
                }
            })
            .collect()
    }

    /// Render into the full width of `area` from `top` rows down, leaving
    /// `area.height - sub` rows, and record how many rows fit in `page`
    /// (for PgUp/PgDn). Returns the rectangle drawn into.
    pub fn render_below(
        &self,
        area: Rect,
        top: u16,
        sub: u16,
        page: &Cell<usize>,
        buf: &mut Buffer,
    ) -> Rect {
        let r = Rect {
            x: area.x,
            y: area.y + top,
            width: area.width,
            height: area.height.saturating_sub(sub),
        };
        page.set(Table::visible_rows(r));
        self.render(r, buf);
        r
    }

    /// Rows that fit under the header in `area`.
    pub fn visible_rows(area: Rect) -> usize {
        area.height.saturating_sub(1) as usize
    }

    /// Draw into `area` of `buf`.
    pub fn render(&self, area: Rect, buf: &mut Buffer) {
        if area.width < 4 || area.height < 2 {
            return;
        }
        let t = self.theme;
        let x0 = area.x + 1;
        let widths = self.widths(area.width - 1);
        let mut x = x0;
        for (c, w) in self.columns.iter().zip(&widths) {
            let h = c.header.first().map_or("", String::as_str);
            let align = if c.align_right {
                Align::Right
            } else {
                Align::Left
            };
            field(buf, area, x, area.y, *w as usize, h, t.header, align);
            x += w + 1;
        }
        let visible = Self::visible_rows(area);
        let off = scroll(self.offset, self.cursor.unwrap_or(0), visible, self.rows);
        for (i, row) in (off..self.rows).take(visible).enumerate() {
            let y = area.y + 1 + i as u16;
            let at_cursor = self.cursor == Some(row);
            if at_cursor {
                put(buf, area, area.x, y, 1, ">", t.cursor);
            }
            if let Some((text, style)) = self.span.and_then(|f| f(row)) {
                let w = (area.width - 1) as usize;
                let style = if at_cursor {
                    style.patch(t.cursor)
                } else {
                    style
                };
                field(buf, area, x0, y, w, &text, style, Align::Left);
                continue;
            }
            let mut x = x0;
            for (j, (c, w)) in self.columns.iter().zip(&widths).enumerate() {
                let (text, style) = (self.cell)(row, j);
                let w = *w as usize;
                let (style, align) = if at_cursor && j == 0 {
                    (style.patch(t.cursor), Align::Fill)
                } else if c.align_right {
                    (style, Align::Right)
                } else {
                    (style, Align::Left)
                };
                field(buf, area, x, y, w, &text, style, align);
                x += w as u16 + 1;
            }
        }
        if off > 0 {
            put(buf, area, area.x, area.y, 1, "▲", t.marker);
        }
        if off + visible < self.rows && self.cursor != Some(off + visible - 1) {
            put(buf, area, area.x, area.bottom() - 1, 1, "▼", t.marker);
        }
    }
}
