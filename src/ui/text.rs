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
    if let Some(end) = put_simple(buf, x, y, room, s, style) {
        return end;
    }
    if width(s) <= room {
        buf.set_stringn(x, y, s, room, style).0
    } else {
        buf.set_stringn(x, y, fit(s, room), room, style).0
    }
}

/// Whether `c` is a grapheme of its own, one column wide, whatever comes
/// before or after it: printable ASCII, Latin (Vietnamese included, in
/// NFC), Cyrillic letters, and the punctuation, arrows and box drawing
/// the screens use. None of these joins its neighbours (no combining
/// marks, joiners, Hangul or regional indicators among them).
fn simple(c: char) -> bool {
    let in_ranges = matches!(c,
        ' '..='~'
        | '\u{A1}'..='\u{AC}'
        | '\u{AE}'..='\u{24F}'
        | '\u{400}'..='\u{482}'
        | '\u{48A}'..='\u{52F}'
        | '\u{1E00}'..='\u{1EFF}'
        | '\u{2010}'..='\u{2027}'
        | '\u{2030}'..='\u{203A}'
        | '\u{2116}'
        | '\u{2190}'..='\u{2199}'
        | '\u{2260}'..='\u{2265}'
        | '\u{2500}'..='\u{25FF}');
    in_ranges && UnicodeWidthChar::width(c) == Some(1)
}

/// `put` for a text of [`simple`] characters: each goes into its own
/// cell, as `Buffer::set_stringn` would put it, without its grapheme
/// segmentation (most of a frame's time). `None` when `s` has other
/// characters. `room` is at most what is left of the area.
fn put_simple(buf: &mut Buffer, x: u16, y: u16, room: usize, s: &str, style: Style) -> Option<u16> {
    if !s.chars().all(simple) {
        return None;
    }
    let room = room.min(buf.area.right().saturating_sub(x) as usize);
    if room == 0 || !buf.area.contains(ratatui::layout::Position { x, y }) {
        return Some(x);
    }
    let n = s.chars().count();
    let start = buf.index_of(x, y);
    let cells = &mut buf.content[start..start + n.min(room)];
    if n <= room {
        for (cell, c) in cells.iter_mut().zip(s.chars()) {
            cell.set_char(c).set_style(style);
        }
    } else {
        // Cut: the first room - 1 characters and "…", as `fit` does.
        let (last, first) = cells.split_last_mut().expect("room > 0");
        for (cell, c) in first.iter_mut().zip(s.chars()) {
            cell.set_char(c).set_style(style);
        }
        last.set_char('…').set_style(style);
    }
    Some(x + n.min(room) as u16)
}

/// How [`field`] places a text in its columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// At the left, the rest untouched (as `put(fit(s, w))`).
    Left,
    /// At the right, spaces before it (as `put(right(s, w))`).
    Right,
    /// At the left, spaces after it (as `put(pad(s, w))`).
    Fill,
}

/// Write `s` into a field of `w` columns at (x, y), cut with "…" when
/// longer, placed by `align`, spaces included in `style`: the same cells
/// as `put` of `fit`, `right` or `pad`, without building those strings
/// (a grid writes a few thousand fields per frame).
#[allow(clippy::too_many_arguments)]
pub fn field(
    buf: &mut Buffer,
    area: Rect,
    x: u16,
    y: u16,
    w: usize,
    s: &str,
    style: Style,
    align: Align,
) {
    if y < area.top() || y >= area.bottom() || x < area.left() || x >= area.right() {
        return;
    }
    if w > (area.right() - x) as usize {
        // Cut by the area's edge: the padded text is cut, as before.
        let text = match align {
            Align::Left => fit(s, w),
            Align::Right => right(s, w),
            Align::Fill => pad(s, w),
        };
        put(buf, area, x, y, w, &text, style);
        return;
    }
    let sw = width(s);
    let (text, sw) = if sw <= w || align == Align::Left {
        (std::borrow::Cow::Borrowed(s), sw.min(w))
    } else {
        let cut = fit(s, w);
        let cw = width(&cut);
        (std::borrow::Cow::Owned(cut), cw)
    };
    let spaces = |buf: &mut Buffer, from: u16, n: usize| {
        for i in 0..n as u16 {
            buf[(from + i, y)].set_symbol(" ").set_style(style);
        }
    };
    match align {
        Align::Left => {
            put(buf, area, x, y, w, &text, style);
        }
        Align::Right => {
            spaces(buf, x, w - sw);
            put(buf, area, x + (w - sw) as u16, y, sw, &text, style);
        }
        Align::Fill => {
            put(buf, area, x, y, w, &text, style);
            spaces(buf, x + sw as u16, w - sw);
        }
    }
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
    fn a_field_writes_what_put_of_the_padded_text_writes() {
        let style = Style::default().add_modifier(ratatui::style::Modifier::UNDERLINED);
        let area = Rect::new(0, 0, 12, 1);
        for s in [
            "",
            "5",
            "Н/2",
            "Иванов Пётр",
            "Nguyễn Thị Hương",
            "王小明",
            "王小明王小明王小明",
        ] {
            for (w, x) in [(1, 0), (3, 2), (5, 1), (6, 6), (7, 8), (12, 0)] {
                for (align, text) in [
                    (Align::Left, fit(s, w)),
                    (Align::Right, right(s, w)),
                    (Align::Fill, pad(s, w)),
                ] {
                    let mut want = Buffer::empty(area);
                    put(&mut want, area, x, 0, w, &text, style);
                    let mut got = Buffer::empty(area);
                    field(&mut got, area, x, 0, w, s, style, align);
                    assert_eq!(got, want, "{s:?} in {w} at {x}, {align:?}");
                }
            }
        }
    }

    #[test]
    fn simple_texts_are_written_as_set_stringn_writes_them() {
        let style = Style::default().add_modifier(ratatui::style::Modifier::BOLD);
        let area = Rect::new(0, 0, 12, 2);
        for s in [
            "",
            "·",
            "Н/2",
            "4C≠",
            "Алексеева Алиса Юрьевна",
            "Nguyễn Thị Hương",
            "Bùi Khánh Duy",
            "▲ ░░░ │ → №5 «x» – …",
            "王小明",
            "Trần Văn Nam 王",
            "e\u{301}e\u{301}",
        ] {
            for (w, x) in [
                (0, 0),
                (1, 0),
                (3, 2),
                (5, 1),
                (6, 6),
                (7, 8),
                (12, 0),
                (20, 0),
            ] {
                let room = w.min(12 - x as usize);
                let mut want = Buffer::empty(area);
                let end = want.set_stringn(x, 1, fit(s, room), room, style).0;
                let mut got = Buffer::empty(area);
                assert_eq!(put(&mut got, area, x, 1, w, s, style), end, "{s:?} {w} {x}");
                assert_eq!(got, want, "{s:?} in {w} at {x}");
            }
        }
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
