//! The picker: a list to choose from, filtered as one types (best match
//! first, Latin letters finding Cyrillic), drawn as a popup.

use std::cell::Cell;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::ui::component::PickTarget;
use crate::ui::text::{fit, put, width};
use crate::ui::theme::Theme;
use crate::ui::widgets::grid::scroll;

/// A list to choose from, with type-to-filter.
#[derive(Debug, Clone, PartialEq)]
pub struct Picker {
    pub target: PickTarget,
    pub title: String,
    pub items: Vec<String>,
    pub filter: String,
    /// Typing goes into the filter.
    pub filtering: bool,
    /// Position in the filtered list.
    pub cursor: usize,
    pub(crate) offset: Cell<usize>,
}

/// Fold case and transliterate Cyrillic to Latin, so "5a" finds "5А" and
/// "9b" finds "9Б".
pub fn fold(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| {
            const CYR: &str = "абвгдеёзийклмнопрстуфхцы";
            const LAT: &str = "abvgdeezijklmnoprstufhcy";
            CYR.chars()
                .position(|k| k == c)
                .and_then(|i| LAT.chars().nth(i))
                .unwrap_or(c)
        })
        .collect()
}

impl Picker {
    pub(crate) fn new(
        target: PickTarget,
        title: &str,
        items: Vec<String>,
        current: usize,
    ) -> Picker {
        Picker {
            target,
            title: title.to_string(),
            cursor: current.min(items.len().saturating_sub(1)),
            items,
            filter: String::new(),
            // Typing filters from the first key.
            filtering: true,
            offset: Cell::new(0),
        }
    }

    /// Indexes of the items matching the filter, best match first: the
    /// whole item starting with it, then a word starting with it (words
    /// split at spaces and punctuation, so "контр" finds "Контрольная
    /// работа" before "Дневник самоконтроля", and "2" finds "2 четверть"
    /// before the dates "03.11–28.12"), then anywhere; the list's own order
    /// within each rank. Every word of the filter must be found.
    pub fn matches(&self) -> Vec<usize> {
        let f = fold(&crate::domain::text::nfc(&self.filter));
        let words: Vec<&str> = f.split_whitespace().collect();
        if words.is_empty() {
            return (0..self.items.len()).collect();
        }
        let mut ranked: Vec<(u8, usize)> = self
            .items
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let item = fold(s);
                let mut worst = 0u8;
                for w in &words {
                    worst = worst.max(match_rank(&item, w)?);
                }
                let whole = item.starts_with(f.trim());
                Some((if whole { 0 } else { worst.max(1) }, i))
            })
            .collect();
        ranked.sort();
        ranked.into_iter().map(|(_, i)| i).collect()
    }
}

/// How well `word` matches `item` (both folded): 1 at the start of a word,
/// 2 anywhere, None not at all. A number matches only at the start of a
/// word set off by a space, never inside a date: "2" finds "2 четверть",
/// not "03.11–28.12".
fn match_rank(item: &str, word: &str) -> Option<u8> {
    let numeric = word.chars().all(|c| c.is_ascii_digit());
    let mut best = None;
    for (at, _) in item.match_indices(word) {
        let before = item[..at].chars().next_back();
        let start_of_word = if numeric {
            before.is_none_or(char::is_whitespace)
        } else {
            before.is_none_or(|c| !c.is_alphanumeric())
        };
        if start_of_word {
            return Some(1);
        }
        if !numeric {
            best = Some(2);
        }
    }
    best
}

/// Draw the picker `p` as a popup over `area`: the filter line, the
/// count, and the matching items with the cursor.
pub fn draw(t: &Theme, p: &Picker, area: Rect, buf: &mut Buffer) {
    let matches = p.matches();
    let longest = p.items.iter().map(|s| width(s)).max().unwrap_or(10) as u16;
    let w = (longest + 6).clamp(30, area.width.saturating_sub(4));
    let h = (p.items.len() as u16 + 4).min(area.height.saturating_sub(4));
    let inner = super::popup(t, w, h, &p.title, area, buf);
    if inner.height < 2 {
        return;
    }
    let filter_line = if p.filtering && p.filter.is_empty() {
        "type to filter_".to_string()
    } else if p.filtering {
        format!("/{}_", p.filter)
    } else if p.filter.is_empty() {
        "/ to filter".to_string()
    } else {
        format!("/{}", p.filter)
    };
    let count = format!("{}/{}", matches.len(), p.items.len());
    put(
        buf,
        inner,
        inner.x + 1,
        inner.y,
        inner.width as usize,
        &filter_line,
        if p.filtering { t.text } else { t.dim },
    );
    let cx = inner.right().saturating_sub(width(&count) as u16 + 1);
    put(buf, inner, cx, inner.y, width(&count), &count, t.dim);
    let list = Rect {
        y: inner.y + 1,
        height: inner.height - 1,
        ..inner
    };
    let visible = list.height as usize;
    let off = scroll(&p.offset, p.cursor, visible, matches.len());
    for (i, &idx) in matches.iter().skip(off).take(visible).enumerate() {
        let y = list.y + i as u16;
        let text = &p.items[idx];
        let iw = list.width as usize - 2;
        if i + off == p.cursor {
            put(buf, list, list.x, y, 1, ">", t.cursor);
            put(buf, list, list.x + 1, y, iw, &fit(text, iw), t.cursor);
        } else {
            put(buf, list, list.x + 1, y, iw, &fit(text, iw), t.text);
        }
    }
    if matches.is_empty() {
        put(
            buf,
            list,
            list.x + 1,
            list.y,
            list.width as usize - 1,
            "(nothing matches)",
            t.dim,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picker(items: &[&str]) -> Picker {
        Picker::new(
            PickTarget::Class,
            "t",
            items.iter().map(|s| s.to_string()).collect(),
            0,
        )
    }

    fn found(p: &mut Picker, filter: &str) -> Vec<String> {
        p.filter = filter.to_string();
        p.matches().iter().map(|&i| p.items[i].clone()).collect()
    }

    #[test]
    fn the_best_match_comes_first() {
        let mut p = picker(&[
            "Дневник самоконтроля",
            "Самостоятельная работа",
            "Контрольная работа",
        ]);
        assert!(p.filtering, "typing filters from the first key");
        assert_eq!(
            found(&mut p, "контр"),
            ["Контрольная работа", "Дневник самоконтроля"]
        );
        assert_eq!(
            found(&mut p, "РАБ"),
            ["Самостоятельная работа", "Контрольная работа"]
        );
        assert_eq!(found(&mut p, "работа сам"), ["Самостоятельная работа"]);
        assert_eq!(found(&mut p, ""), p.items.clone());
    }

    #[test]
    fn a_number_does_not_match_inside_dates() {
        let mut p = picker(&[
            "1 четверть 01.09–24.10",
            "2 четверть 03.11–28.12",
            "1 полугодие 01.09–28.12",
            "Год 2025/26",
        ]);
        assert_eq!(
            found(&mut p, "2"),
            ["2 четверть 03.11–28.12", "Год 2025/26"]
        );
        assert_eq!(found(&mut p, "2025"), ["Год 2025/26"]);
        // Latin letters find Cyrillic classes.
        let mut c = picker(&["10Б", "5А", "Nguyễn Thị Hoa", "王 俊杰"]);
        assert_eq!(found(&mut c, "5a"), ["5А"]);
        assert_eq!(found(&mut c, "thị"), ["Nguyễn Thị Hoa"]);
        assert_eq!(found(&mut c, "俊"), ["王 俊杰"]);
    }
}
