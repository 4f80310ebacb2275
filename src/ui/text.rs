//! Width-aware text helpers: display widths with `unicode-width` (Chinese
//! is two columns, Vietnamese in NFC one per letter), truncation with an
//! ellipsis, and writing clipped to an area so nothing panics at 1×1.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Display width in terminal columns.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// `s` cut to at most `w` columns, ending in "…" when cut.
pub fn fit(s: &str, w: usize) -> String {
    if width(s) <= w {
        return s.to_string();
    }
    if w == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = UnicodeWidthChar::width(c).unwrap_or(0);
        if used + cw > w - 1 {
            break;
        }
        out.push(c);
        used += cw;
    }
    out.push('…');
    out
}

/// `s` padded on the left to `w` columns (cut if longer).
pub fn right(s: &str, w: usize) -> String {
    let s = fit(s, w);
    format!("{}{s}", " ".repeat(w.saturating_sub(width(&s))))
}

/// `s` padded on the right to `w` columns (cut if longer).
pub fn pad(s: &str, w: usize) -> String {
    let s = fit(s, w);
    format!("{s}{}", " ".repeat(w.saturating_sub(width(&s))))
}

/// Write `s` at (x, y) in at most `w` columns, clipped to `area`; text
/// that does not fit ends in "…" so a cut is never mistaken for the whole.
/// Returns the x after the text.
pub fn put(buf: &mut Buffer, area: Rect, x: u16, y: u16, w: usize, s: &str, style: Style) -> u16 {
    if y < area.top() || y >= area.bottom() || x < area.left() || x >= area.right() {
        return x;
    }
    let room = w.min((area.right() - x) as usize);
    buf.set_stringn(x, y, fit(s, room), room, style).0
}

/// Fill `w` columns at (x, y) with spaces in `style`, clipped to `area`.
pub fn blank(buf: &mut Buffer, area: Rect, x: u16, y: u16, w: usize, style: Style) {
    put(buf, area, x, y, w, &" ".repeat(w), style);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_marks_a_cut_with_an_ellipsis() {
        let area = Rect::new(0, 0, 10, 1);
        let mut buf = Buffer::empty(area);
        put(
            &mut buf,
            area,
            0,
            0,
            10,
            "Программа методического",
            Style::default(),
        );
        let line: String = (0..10).map(|x| buf[(x, 0)].symbol().to_string()).collect();
        assert_eq!(line, "Программа…");
        let mut buf = Buffer::empty(area);
        put(&mut buf, area, 2, 0, 50, "王小明王小明", Style::default());
        let at = |x: u16| buf[(x, 0)].symbol().to_string();
        assert_eq!([at(2), at(4), at(6), at(8)], ["王", "小", "明", "…"]);
    }

    #[test]
    fn widths_of_three_scripts() {
        assert_eq!(width("Иванов"), 6);
        assert_eq!(width("Nguyễn"), 6);
        assert_eq!(width("王小明"), 6);
        assert_eq!(fit("王小明", 5), "王小…");
        assert_eq!(fit("Иванов Пётр", 7), "Иванов…");
        assert_eq!(fit("abc", 3), "abc");
        assert_eq!(right("7", 3), "  7");
    }
}
