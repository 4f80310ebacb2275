//! A hand-written grid widget: frozen columns on the left, horizontally
//! scrolling columns on the right, a header, and a cursor that highlights
//! one cell (plus a one-column row marker and the column's header), so a
//! cursor move repaints a few cells rather than a row. Cells are written
//! with `Buffer::set_stringn` at fixed x positions, so every column starts
//! at the same x whatever the script of the text before it.

use std::cell::Cell;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::ui::text::{fit, pad, put, right};
use crate::ui::theme::Theme;

/// A column: its header lines, width and alignment.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub header: Vec<String>,
    pub width: u16,
    pub align_right: bool,
}

impl Column {
    /// A left-aligned column.
    pub fn left(width: u16, header: &[&str]) -> Column {
        Column {
            header: header.iter().map(|s| s.to_string()).collect(),
            width,
            align_right: false,
        }
    }

    /// A right-aligned column (numbers).
    pub fn right(width: u16, header: &[&str]) -> Column {
        Column {
            align_right: true,
            ..Column::left(width, header)
        }
    }
}

/// A cell's text and style.
pub type CellFn<'a> = dyn Fn(usize, usize) -> (String, Style) + 'a;

/// The grid, borrowed from a pane's state for one draw.
pub struct Grid<'a> {
    pub frozen: Vec<Column>,
    pub columns: Vec<Column>,
    pub rows: usize,
    pub header_rows: u16,
    /// Text of (row, frozen column).
    pub frozen_cell: &'a CellFn<'a>,
    /// Text of (row, scrolling column).
    pub cell: &'a CellFn<'a>,
    /// (row, scrolling column) of the cursor.
    pub cursor: Option<(usize, usize)>,
    /// Scroll offsets kept between draws (a view cache, not state).
    pub row_offset: &'a Cell<usize>,
    pub col_offset: &'a Cell<usize>,
    pub theme: &'a Theme,
}

/// Keep `cursor` inside a window of `visible` items starting at `offset`.
pub fn scroll(offset: &Cell<usize>, cursor: usize, visible: usize, total: usize) -> usize {
    let visible = visible.max(1);
    let mut off = offset.get().min(total.saturating_sub(visible));
    if cursor < off {
        off = cursor;
    } else if cursor >= off + visible {
        off = cursor + 1 - visible;
    }
    offset.set(off);
    off
}

impl Grid<'_> {
    /// How many scrolling columns fit in `w` columns from `from`.
    fn fit_columns(&self, from: usize, w: u16) -> usize {
        let mut used = 0u16;
        let mut n = 0;
        for c in &self.columns[from.min(self.columns.len())..] {
            if used + c.width + 1 > w {
                break;
            }
            used += c.width + 1;
            n += 1;
        }
        n
    }

    /// Draw into `area` of `buf`.
    pub fn render(&self, area: Rect, buf: &mut Buffer) {
        if area.width < 4 || area.height <= self.header_rows {
            return;
        }
        let t = self.theme;
        let frozen_w: u16 = self.frozen.iter().map(|c| c.width + 1).sum();
        let x0 = area.x + 1; // the row-marker gutter
        let sx = x0 + frozen_w + 1; // after the "│"
        let scroll_w = area.right().saturating_sub(sx);
        // Columns: keep the cursor's column in view.
        let (cur_row, cur_col) = self.cursor.unzip();
        let mut col_off = self
            .col_offset
            .get()
            .min(self.columns.len().saturating_sub(1));
        if let Some(c) = cur_col {
            if c < col_off {
                col_off = c;
            }
            while c >= col_off + self.fit_columns(col_off, scroll_w).max(1) && col_off < c {
                col_off += 1;
            }
        }
        // Use the room a wider screen gives: scroll back while the columns
        // from one further left still fit to the end.
        while col_off > 0
            && self.fit_columns(col_off - 1, scroll_w) >= self.columns.len() - (col_off - 1)
        {
            col_off -= 1;
        }
        self.col_offset.set(col_off);
        let ncols = self.fit_columns(col_off, scroll_w);
        let visible_rows = (area.height - self.header_rows) as usize;
        let row_off = scroll(
            self.row_offset,
            cur_row.unwrap_or(0),
            visible_rows,
            self.rows,
        );

        // Header.
        for h in 0..self.header_rows {
            let y = area.y + h;
            let mut x = x0;
            for c in &self.frozen {
                let text = c.header.get(h as usize).map_or("", String::as_str);
                let text = if c.align_right {
                    right(text, c.width as usize)
                } else {
                    fit(text, c.width as usize)
                };
                put(buf, area, x, y, c.width as usize, &text, t.header);
                x += c.width + 1;
            }
            put(buf, area, x, y, 1, "│", t.dim);
            let mut x = sx;
            for (i, c) in self.columns[col_off..col_off + ncols].iter().enumerate() {
                let text = c.header.get(h as usize).map_or("", String::as_str);
                let style = if cur_col == Some(col_off + i) {
                    t.cursor
                } else {
                    t.header
                };
                let text = pad(text, c.width as usize);
                put(buf, area, x, y, c.width as usize, &text, style);
                x += c.width + 1;
            }
            if h == 0 {
                if col_off > 0 {
                    put(buf, area, sx.saturating_sub(2), y, 1, "‹", t.marker);
                }
                if col_off + ncols < self.columns.len() {
                    put(buf, area, area.right() - 1, y, 1, "›", t.marker);
                }
            }
        }
        // Rows.
        for (i, row) in (row_off..self.rows).take(visible_rows).enumerate() {
            let y = area.y + self.header_rows + i as u16;
            if cur_row == Some(row) {
                put(buf, area, area.x, y, 1, ">", t.cursor);
            }
            let mut x = x0;
            for (j, c) in self.frozen.iter().enumerate() {
                let (text, style) = (self.frozen_cell)(row, j);
                let text = if c.align_right {
                    right(&text, c.width as usize)
                } else {
                    fit(&text, c.width as usize)
                };
                put(buf, area, x, y, c.width as usize, &text, style);
                x += c.width + 1;
            }
            put(buf, area, x, y, 1, "│", t.dim);
            let mut x = sx;
            for (j, c) in self.columns[col_off..col_off + ncols].iter().enumerate() {
                let col = col_off + j;
                let (text, style) = (self.cell)(row, col);
                let at_cursor = cur_row == Some(row) && cur_col == Some(col);
                let w = c.width as usize;
                if at_cursor {
                    let text = pad(&text, w);
                    put(buf, area, x, y, w, &text, style.patch(t.cursor));
                } else if c.align_right {
                    put(buf, area, x, y, w, &right(&text, w), style);
                } else {
                    put(buf, area, x, y, w, &fit(&text, w), style);
                }
                x += c.width + 1;
            }
        }
        if self.rows > visible_rows {
            // Where we are, on the last header line's gutter.
            let y = area.y + self.header_rows.saturating_sub(1);
            let mark = if row_off == 0 { "" } else { "▲" };
            put(buf, area, area.x, y, 1, mark, t.marker);
            if row_off + visible_rows < self.rows && cur_row != Some(row_off + visible_rows - 1) {
                put(buf, area, area.x, area.bottom() - 1, 1, "▼", t.marker);
            }
        }
    }
}
