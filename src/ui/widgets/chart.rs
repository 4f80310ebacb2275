//! Horizontal bars on one scale: the Indicators chart draws a light bar
//! for each period's target and a solid one, to an eighth of a cell, for
//! its actual value.

/// A bar of `len` cells of `full`; with `partial`, the fraction left over
/// as an eighth block (▏ to ▉).
pub fn bar(len: f64, full: char, partial: bool) -> String {
    let len = len.max(0.0);
    let whole = len.floor() as usize;
    let mut s: String = std::iter::repeat_n(full, whole).collect();
    if partial {
        let eighths = ((len - whole as f64) * 8.0).round() as usize;
        if eighths > 0 && eighths < 8 {
            s.push(['▏', '▎', '▍', '▌', '▋', '▊', '▉'][eighths - 1]);
        } else if eighths == 8 {
            s.push(full);
        }
    }
    s
}

/// Values from 0 to `max` drawn as bars up to `width` cells long.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    pub max: f64,
    pub width: f64,
}

impl Scale {
    /// The scale of `values` (the largest one fills `width` cells).
    pub fn of(values: impl IntoIterator<Item = f64>, width: f64) -> Scale {
        Scale {
            max: values.into_iter().fold(0.0_f64, f64::max),
            width,
        }
    }

    /// How many cells `v` takes (none when every value is 0).
    pub fn len(&self, v: f64) -> f64 {
        if self.max > 0.0 {
            v / self.max * self.width
        } else {
            0.0
        }
    }

    /// A light bar (░, whole cells) of `v`: one cell at least when `v` is
    /// above 0, so a small target still shows.
    pub fn light(&self, v: f64) -> String {
        let b = bar(self.len(v), '░', false);
        if v > 0.0 && b.is_empty() {
            "░".to_string()
        } else {
            b
        }
    }

    /// A solid bar (█, to an eighth of a cell) of `v`.
    pub fn solid(&self, v: f64) -> String {
        bar(self.len(v), '█', true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_whole_cells_and_eighths() {
        assert_eq!(bar(3.0, '█', true), "███");
        assert_eq!(bar(2.5, '█', true), "██▌");
        assert_eq!(bar(2.5, '░', false), "░░", "a light bar has no eighths");
        assert_eq!(bar(0.99, '█', true), "█", "eight eighths are a cell");
        assert_eq!(bar(0.04, '█', true), "", "less than half an eighth");
        assert_eq!(bar(-1.0, '█', true), "");
    }

    #[test]
    fn the_largest_value_fills_the_width() {
        let s = Scale::of([0.68, 0.85, 0.0], 20.0);
        assert_eq!(s.solid(0.85).chars().count(), 20);
        assert_eq!(s.light(0.0), "", "no target, no bar");
        // A target too small for a whole cell still shows one.
        assert_eq!(s.light(0.01), "░");
        // Nothing but zeros: no bars at all.
        let zero = Scale::of([0.0, 0.0], 20.0);
        assert_eq!(zero.len(5.0), 0.0);
        assert_eq!(zero.solid(0.0), "");
    }
}
