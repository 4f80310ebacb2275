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

use crate::ui::text::{Align, field, put};
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

/// Header line `line` of scrolling column `col`, asked only for the
/// columns on screen (a year has hundreds of columns, a window a few dozen).
pub type HeaderFn<'a> = dyn Fn(usize, usize) -> String + 'a;

/// The grid, borrowed from a pane's state for one draw.
pub struct Grid<'a> {
    pub frozen: Vec<Column>,
    pub columns: Vec<Column>,
    pub rows: usize,
    pub header_rows: u16,
    /// The header lines of the scrolling columns, when they are not in
    /// `columns` (which then give only widths and alignment).
    pub header: Option<&'a HeaderFn<'a>>,
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
/// When the cursor leaves the window, the window jumps so that the cursor
/// lands in its middle (half a page), rather than creeping one item at a
/// time: every item of a window that moves has to be sent to the terminal
/// again, so a jump costs one repaint per half page, not one per key.
pub fn scroll(offset: &Cell<usize>, cursor: usize, visible: usize, total: usize) -> usize {
    let visible = visible.max(1);
    let last = total.saturating_sub(visible);
    let mut off = offset.get().min(last);
    if cursor < off || cursor >= off + visible {
        off = cursor.saturating_sub(visible / 2).min(last);
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

    /// The first column of a window of `w` columns that has column `c`
    /// in its middle: the columns before `c` fill at most half of what
    /// `c` leaves.
    fn centre(&self, c: usize, w: u16) -> usize {
        let half = w.saturating_sub(self.columns[c].width + 1) / 2;
        let mut used = 0u16;
        let mut first = c;
        while first > 0 {
            let step = self.columns[first - 1].width + 1;
            if used + step > half {
                break;
            }
            used += step;
            first -= 1;
        }
        first
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
        if let Some(c) = cur_col.filter(|&c| c < self.columns.len())
            && (c < col_off || c >= col_off + self.fit_columns(col_off, scroll_w).max(1))
        {
            col_off = self.centre(c, scroll_w);
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
                let align = if c.align_right {
                    Align::Right
                } else {
                    Align::Left
                };
                field(buf, area, x, y, c.width as usize, text, t.header, align);
                x += c.width + 1;
            }
            put(buf, area, x, y, 1, "│", t.dim);
            let mut x = sx;
            for (i, c) in self.columns[col_off..col_off + ncols].iter().enumerate() {
                let lazy;
                let text = match self.header {
                    Some(header) => {
                        lazy = header(col_off + i, h as usize);
                        lazy.as_str()
                    }
                    None => c.header.get(h as usize).map_or("", String::as_str),
                };
                let style = if cur_col == Some(col_off + i) {
                    t.cursor
                } else {
                    t.header
                };
                field(buf, area, x, y, c.width as usize, text, style, Align::Fill);
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
                let align = if c.align_right {
                    Align::Right
                } else {
                    Align::Left
                };
                field(buf, area, x, y, c.width as usize, &text, style, align);
                x += c.width + 1;
            }
            put(buf, area, x, y, 1, "│", t.dim);
            let mut x = sx;
            for (j, c) in self.columns[col_off..col_off + ncols].iter().enumerate() {
                let col = col_off + j;
                let (text, style) = (self.cell)(row, col);
                let at_cursor = cur_row == Some(row) && cur_col == Some(col);
                let w = c.width as usize;
                let (style, align) = if at_cursor {
                    (style.patch(t.cursor), Align::Fill)
                } else if c.align_right {
                    (style, Align::Right)
                } else {
                    (style, Align::Left)
                };
                field(buf, area, x, y, w, &text, style, align);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_jumps_half_a_page_when_the_cursor_leaves_it() {
        let off = Cell::new(0);
        // Inside the window of 10 rows: nothing moves.
        for cursor in 0..10 {
            assert_eq!(scroll(&off, cursor, 10, 100), 0);
        }
        // One past the last row: the cursor lands in the middle.
        assert_eq!(scroll(&off, 10, 10, 100), 5);
        // Then the next four rows move only the cursor.
        for cursor in 11..15 {
            assert_eq!(scroll(&off, cursor, 10, 100), 5);
        }
        assert_eq!(scroll(&off, 15, 10, 100), 10);
        // Above the window: half a page back.
        assert_eq!(scroll(&off, 9, 10, 100), 4);
        // Near the ends the window stays inside the list.
        assert_eq!(scroll(&off, 99, 10, 100), 90);
        assert_eq!(scroll(&off, 0, 10, 100), 0);
        assert_eq!(scroll(&off, 3, 10, 4), 0);
    }

    /// The first and the last scrolling column on screen, read from the
    /// header (each column's header is its number).
    fn shown(grid: &Grid, width: u16) -> (usize, usize) {
        let area = Rect::new(0, 0, width, 4);
        let mut buf = Buffer::empty(area);
        grid.render(area, &mut buf);
        let line: String = (0..width)
            .map(|x| buf[(x, 0)].symbol().to_string())
            .collect();
        let right = line.split('│').nth(1).expect("the frozen columns' rule");
        let numbers: Vec<usize> = right
            .split_whitespace()
            .filter_map(|t| t.trim_matches('›').parse().ok())
            .collect();
        (numbers[0], *numbers.last().expect("columns on screen"))
    }

    #[test]
    fn columns_jump_so_the_cursor_lands_in_the_middle() {
        let theme = Theme::mono();
        let (row_off, col_off) = (Cell::new(0), Cell::new(0));
        let cell = |_: usize, _: usize| (String::new(), Style::default());
        let header = |c: usize, _: usize| c.to_string();
        let grid = |cursor: usize| Grid {
            frozen: vec![Column::left(6, &["Имя"])],
            columns: vec![Column::left(3, &[]); 60],
            rows: 2,
            header_rows: 1,
            header: Some(&header),
            frozen_cell: &cell,
            cell: &cell,
            cursor: Some((0, cursor)),
            row_offset: &row_off,
            col_offset: &col_off,
            theme: &theme,
        };
        // 1 gutter + 7 frozen + 1 rule + 10 columns of 3+1 + "›".
        let width = 1 + 7 + 1 + 40 + 1;
        for c in 0..10 {
            assert_eq!(shown(&grid(c), width), (0, 9), "cursor on {c}");
        }
        // Right past the edge: the window jumps, the cursor is in its
        // middle (four columns before it, five after).
        assert_eq!(shown(&grid(10), width), (6, 15));
        for c in 11..16 {
            assert_eq!(shown(&grid(c), width), (6, 15), "cursor on {c}");
        }
        assert_eq!(shown(&grid(16), width), (12, 21));
        // Left past the edge, likewise.
        assert_eq!(shown(&grid(11), width), (7, 16));
        // A jump far away (End) centres too; at the end the window is
        // full rather than centred.
        assert_eq!(shown(&grid(40), width), (36, 45));
        assert_eq!(shown(&grid(59), width), (50, 59));
        assert_eq!(shown(&grid(0), width), (0, 9));
    }
}
