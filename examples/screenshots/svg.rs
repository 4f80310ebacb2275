//! Export a rendered ratatui [`Buffer`] as a standalone SVG document.
//!
//! This is used to produce the README screenshots: the UI is drawn into a
//! `ratatui::backend::TestBackend`, its buffer is turned into SVG here, and the
//! SVG is rasterised with `rsvg-convert` (Debian package `librsvg2-bin`, with
//! the fonts from `fonts-dejavu-core` and `fonts-noto-cjk`).
//!
//! The output is a plain monospace grid of [`CELL_WIDTH`] × [`LINE_HEIGHT`]
//! cells, painted in four layers:
//!
//! 1. one `<rect>` per run of equal background colour on a row (cells with the
//!    default background are left to the full-page background rectangle);
//! 2. box-drawing (`─│┌╭═║╔┃…`) and block (`█▀▄▌░▁…`) characters as
//!    geometry, so that borders and bars join across cells exactly as in a
//!    terminal (the font's glyphs are shorter than a 20 px row and would leave
//!    gaps);
//! 3. one `<text>` element per run of cells with the same text style, in
//!    which every cell is a `<tspan>` with its own `x`: the grid never drifts,
//!    whatever the fonts' real advance widths, and wide (CJK) characters land
//!    exactly on their two columns;
//! 4. underline and strike-through lines as `<rect>`s spanning whole cells
//!    (librsvg ignores `text-decoration` on a `<text>` whose content is
//!    `<tspan>`s, and per-glyph decoration would leave gaps under CJK).
//!
//! No dependency besides `ratatui` and `unicode-width` is needed.

use std::fmt::Write as _;

use ratatui::buffer::{Buffer, Cell, CellDiffOption};
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthStr;

/// Width of one terminal cell, in SVG user units (px).
pub const CELL_WIDTH: f64 = 9.6;
/// Height of one terminal row, in px.
pub const LINE_HEIGHT: f64 = 20.0;
/// Font size of the text, in px.
pub const FONT_SIZE: f64 = 16.0;
/// Distance from the top of a row to the text baseline, in px.
///
/// DejaVu Sans Mono has an ascent of about 0.93 em and a descent of about
/// 0.24 em; at 16 px that is 18.6 px, centred in the 20 px row.
pub const BASELINE: f64 = 15.5;
/// Empty margin around the terminal grid, in px.
pub const PADDING: f64 = 10.0;
/// Default foreground (used for [`Color::Reset`] as a foreground).
#[cfg_attr(not(test), allow(dead_code))]
pub const DEFAULT_FG: &str = "#d4d4d4";
/// Default background (used for [`Color::Reset`] as a background and for the page).
pub const DEFAULT_BG: &str = "#1e1e1e";
/// Font stack: DejaVu for Latin, Cyrillic and Vietnamese, Noto CJK for Chinese.
pub const FONT_FAMILY: &str =
    "DejaVu Sans Mono, Noto Sans Mono CJK SC, Noto Sans CJK SC, monospace";
/// Opacity applied to everything drawn for a cell with [`Modifier::DIM`].
pub const DIM_OPACITY: f64 = 0.6;

/// Stroke width of light box-drawing lines, underline and strike-through.
const LIGHT_STROKE: f64 = 1.25;
/// Stroke width of heavy box-drawing lines.
const HEAVY_STROKE: f64 = 2.5;
/// Distance of each line of a double box-drawing line from the cell centre.
const DOUBLE_GAP: f64 = 2.0;
/// Distance of the underline below the baseline.
const UNDERLINE_OFFSET: f64 = 2.0;
/// Height of the strike-through line above the baseline (about half the
/// x-height of DejaVu Sans Mono).
const STRIKE_OFFSET: f64 = 4.5;

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Rgb(u8, u8, u8);

impl std::fmt::Display for Rgb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

/// Default foreground as [`Rgb`]; must match [`DEFAULT_FG`].
const DEFAULT_FG_RGB: Rgb = Rgb(0xd4, 0xd4, 0xd4);
/// Default background as [`Rgb`]; must match [`DEFAULT_BG`].
const DEFAULT_BG_RGB: Rgb = Rgb(0x1e, 0x1e, 0x1e);

/// The 16 ANSI colours, in ANSI order (0 = black … 15 = bright white).
///
/// Taken from the VS Code dark terminal theme, except bright white which is
/// pure white so that `Gray` and `White` stay distinguishable.
const ANSI16: [Rgb; 16] = [
    Rgb(0x00, 0x00, 0x00), // Black
    Rgb(0xcd, 0x31, 0x31), // Red
    Rgb(0x0d, 0xbc, 0x79), // Green
    Rgb(0xe5, 0xe5, 0x10), // Yellow
    Rgb(0x24, 0x72, 0xc8), // Blue
    Rgb(0xbc, 0x3f, 0xbc), // Magenta
    Rgb(0x11, 0xa8, 0xcd), // Cyan
    Rgb(0xe5, 0xe5, 0xe5), // Gray (ANSI white)
    Rgb(0x66, 0x66, 0x66), // DarkGray (ANSI bright black)
    Rgb(0xf1, 0x4c, 0x4c), // LightRed
    Rgb(0x23, 0xd1, 0x8b), // LightGreen
    Rgb(0xf5, 0xf5, 0x43), // LightYellow
    Rgb(0x3b, 0x8e, 0xea), // LightBlue
    Rgb(0xd6, 0x70, 0xd6), // LightMagenta
    Rgb(0x29, 0xb8, 0xdb), // LightCyan
    Rgb(0xff, 0xff, 0xff), // White (ANSI bright white)
];

/// Resolves a ratatui colour to RGB; `default` is used for [`Color::Reset`].
fn color_rgb(color: Color, default: Rgb) -> Rgb {
    match color {
        Color::Reset => default,
        Color::Black => ANSI16[0],
        Color::Red => ANSI16[1],
        Color::Green => ANSI16[2],
        Color::Yellow => ANSI16[3],
        Color::Blue => ANSI16[4],
        Color::Magenta => ANSI16[5],
        Color::Cyan => ANSI16[6],
        Color::Gray => ANSI16[7],
        Color::DarkGray => ANSI16[8],
        Color::LightRed => ANSI16[9],
        Color::LightGreen => ANSI16[10],
        Color::LightYellow => ANSI16[11],
        Color::LightBlue => ANSI16[12],
        Color::LightMagenta => ANSI16[13],
        Color::LightCyan => ANSI16[14],
        Color::White => ANSI16[15],
        Color::Rgb(r, g, b) => Rgb(r, g, b),
        Color::Indexed(i) => indexed_rgb(i),
    }
}

/// The xterm 256-colour palette: 16 named colours, a 6×6×6 cube and a
/// 24-step grayscale ramp.
fn indexed_rgb(index: u8) -> Rgb {
    /// Channel levels of the xterm colour cube.
    const CUBE: [u8; 6] = [0, 95, 135, 175, 215, 255];
    match index {
        0..=15 => ANSI16[usize::from(index)],
        16..=231 => {
            let i = usize::from(index - 16);
            Rgb(CUBE[i / 36], CUBE[(i / 6) % 6], CUBE[i % 6])
        }
        232..=255 => {
            let level = 8 + 10 * (index - 232);
            Rgb(level, level, level)
        }
    }
}

/// Foreground and background of a cell after applying [`Modifier::REVERSED`].
fn resolved_colors(cell: &Cell) -> (Rgb, Rgb) {
    let fg = color_rgb(cell.fg, DEFAULT_FG_RGB);
    let bg = color_rgb(cell.bg, DEFAULT_BG_RGB);
    if cell.modifier.contains(Modifier::REVERSED) {
        (bg, fg)
    } else {
        (fg, bg)
    }
}

/// Everything that decides how a cell's foreground is drawn; glyphs whose
/// `TextStyle`s are equal share one `<text>` element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct TextStyle {
    fill: Rgb,
    bold: bool,
    italic: bool,
    /// Draw an underline (never set for [`Modifier::HIDDEN`] cells).
    underlined: bool,
    /// Draw a strike-through (never set for [`Modifier::HIDDEN`] cells).
    crossed_out: bool,
    dim: bool,
}

impl TextStyle {
    fn of(cell: &Cell) -> Self {
        let m = cell.modifier;
        let shown = !m.contains(Modifier::HIDDEN);
        Self {
            fill: resolved_colors(cell).0,
            bold: m.contains(Modifier::BOLD),
            italic: m.contains(Modifier::ITALIC),
            underlined: shown && m.contains(Modifier::UNDERLINED),
            crossed_out: shown && m.contains(Modifier::CROSSED_OUT),
            dim: m.contains(Modifier::DIM),
        }
    }

    /// Writes the text presentation attributes (each with a leading space).
    fn write_text_attrs(self, out: &mut String) {
        let _ = write!(out, " fill=\"{}\"", self.fill);
        if self.bold {
            out.push_str(" font-weight=\"bold\"");
        }
        if self.italic {
            out.push_str(" font-style=\"italic\"");
        }
        write_opacity(out, self.dim, 1.0);
    }
}

/// Writes ` opacity="…"` for `alpha`, times [`DIM_OPACITY`] when `dim`;
/// nothing when the result is fully opaque.
fn write_opacity(out: &mut String, dim: bool, alpha: f64) {
    let alpha = if dim { alpha * DIM_OPACITY } else { alpha };
    if alpha < 1.0 {
        let _ = write!(out, " opacity=\"{}\"", num(alpha));
    }
}

/// Number of columns a cell occupies, the way ratatui counts it
/// (`CellWidth for Cell`), but without its debug assertion on control
/// characters, so that no buffer content can make this panic.
fn cell_columns(cell: &Cell) -> usize {
    if let CellDiffOption::ForcedWidth(w) = cell.diff_option {
        return usize::from(w.get());
    }
    let symbol = cell.symbol();
    if symbol.len() == 1 {
        return 1;
    }
    // unicode-width reports the halfwidth katakana (semi-)voiced sound marks
    // as zero-width, but terminals (and ratatui) give them one column.
    let marks = symbol
        .chars()
        .filter(|c| matches!(c, '\u{FF9E}' | '\u{FF9F}'))
        .count();
    symbol.width() + marks
}

/// One grid column of a row, as it should be painted.
#[derive(Debug, Clone, Copy)]
struct Column<'a> {
    /// Background after [`Modifier::REVERSED`].
    bg: Rgb,
    /// Foreground style; a column covered by a wide character has the wide
    /// character's style (so that its underline spans both columns).
    style: TextStyle,
    /// The symbol drawn from this column, or `None` when there is nothing to
    /// draw: the column is covered by the wide character to its left, or the
    /// cell is empty, blank or [`Modifier::HIDDEN`].
    glyph: Option<&'a str>,
}

/// Splits one buffer row into columns, resolving wide characters: the cells
/// hidden behind a wide character take its colours and draw no glyph.
fn row_columns(row: &[Cell]) -> Vec<Column<'_>> {
    let mut columns: Vec<Column<'_>> = Vec::with_capacity(row.len());
    // Remaining columns covered by the last wide character.
    let mut covered = 0usize;
    for cell in row {
        if covered > 0 {
            covered -= 1;
            if let Some(&owner) = columns.last() {
                columns.push(Column {
                    glyph: None,
                    ..owner
                });
                continue;
            }
        }
        let symbol = cell.symbol();
        let visible =
            !cell.modifier.contains(Modifier::HIDDEN) && !symbol.chars().all(char::is_whitespace);
        columns.push(Column {
            bg: resolved_colors(cell).1,
            style: TextStyle::of(cell),
            glyph: visible.then_some(symbol),
        });
        covered = cell_columns(cell).saturating_sub(1);
    }
    columns
}

/// Formats a coordinate with at most two decimals and no trailing zeros.
fn num(value: f64) -> String {
    let s = format!("{value:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-" || s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}

/// X coordinate of the left edge of `col`.
fn col_x(col: usize) -> f64 {
    PADDING + col as f64 * CELL_WIDTH
}

/// Y coordinate of the top edge of `row`.
fn row_y(row: usize) -> f64 {
    PADDING + row as f64 * LINE_HEIGHT
}

/// Appends `text` with the five XML special characters escaped.
///
/// Characters that XML 1.0 does not allow at all (control characters other
/// than tab, line feed and carriage return, and U+FFFE/U+FFFF) are replaced
/// by U+FFFD so the document always stays well-formed.
fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

/// Arms of the box-drawing characters U+2500–U+257F, 16 per row: the weights
/// of the up, right, down and left arms (0 none, 1 light, 2 heavy, 3 double).
/// `----` marks characters left to the font (dashed lines, diagonals and
/// mixed single/double joints); rounded corners are the light corners here
/// and are drawn rounded by [`line_shape`].
const BOX_ARMS: [&str; 8] = [
    // ─    ━    │    ┃    ┄    ┅    ┆    ┇    ┈    ┉    ┊    ┋    ┌    ┍    ┎    ┏
    "0101 0202 1010 2020 ---- ---- ---- ---- ---- ---- ---- ---- 0110 0210 0120 0220",
    // ┐    ┑    ┒    ┓    └    ┕    ┖    ┗    ┘    ┙    ┚    ┛    ├    ┝    ┞    ┟
    "0011 0012 0021 0022 1100 1200 2100 2200 1001 1002 2001 2002 1110 1210 2110 1120",
    // ┠    ┡    ┢    ┣    ┤    ┥    ┦    ┧    ┨    ┩    ┪    ┫    ┬    ┭    ┮    ┯
    "2120 2210 1220 2220 1011 1012 2011 1021 2021 2012 1022 2022 0111 0112 0211 0212",
    // ┰    ┱    ┲    ┳    ┴    ┵    ┶    ┷    ┸    ┹    ┺    ┻    ┼    ┽    ┾    ┿
    "0121 0122 0221 0222 1101 1102 1201 1202 2101 2102 2201 2202 1111 1112 1211 1212",
    // ╀    ╁    ╂    ╃    ╄    ╅    ╆    ╇    ╈    ╉    ╊    ╋    ╌    ╍    ╎    ╏
    "2111 1121 2121 2112 2211 1122 1221 2212 1222 2122 2221 2222 ---- ---- ---- ----",
    // ═    ║    ╒    ╓    ╔    ╕    ╖    ╗    ╘    ╙    ╚    ╛    ╜    ╝    ╞    ╟
    "0303 3030 ---- ---- 0330 ---- ---- 0033 ---- ---- 3300 ---- ---- 3003 ---- ----",
    // ╠    ╡    ╢    ╣    ╤    ╥    ╦    ╧    ╨    ╩    ╪    ╫    ╬    ╭    ╮    ╯
    "3330 ---- ---- 3033 ---- ---- 0333 ---- ---- 3303 ---- ---- 3333 0110 0011 1001",
    // ╰    ╱    ╲    ╳    ╴    ╵    ╶    ╷    ╸    ╹    ╺    ╻    ╼    ╽    ╾    ╿
    "1100 ---- ---- ---- 0001 1000 0100 0010 0002 2000 0200 0020 0201 1020 0102 2010",
];

/// Arm weights (up, right, down, left) of a box-drawing character, if it is
/// one that [`line_shape`] draws.
fn box_arms(c: char) -> Option<[u8; 4]> {
    let index = u32::from(c).checked_sub(0x2500)?;
    let row = BOX_ARMS.get(usize::try_from(index / 16).ok()?)?;
    let entry = row.split(' ').nth(usize::try_from(index % 16).ok()?)?;
    let mut arms = [0u8; 4];
    for (arm, digit) in arms.iter_mut().zip(entry.bytes()) {
        *arm = match digit {
            b'0'..=b'3' => digit - b'0',
            _ => return None,
        };
    }
    Some(arms)
}

/// Unit vectors (x right, y down) of the up, right, down and left arms.
const ARM_DIRS: [(f64, f64); 4] = [(0.0, -1.0), (1.0, 0.0), (0.0, 1.0), (-1.0, 0.0)];

/// Path data for a box-drawing character in the cell whose top-left corner
/// is (`x`, `y`), as `(light, heavy)` strokes (double lines are light), or
/// `None` if `c` is not drawn as geometry (see [`BOX_ARMS`]).
fn line_shape(c: char, x: f64, y: f64) -> Option<(String, String)> {
    let arms = box_arms(c)?;
    let (cx, cy) = (x + CELL_WIDTH / 2.0, y + LINE_HEIGHT / 2.0);
    // Distance from the centre to the cell edge along an arm.
    let reach = |dir: (f64, f64)| {
        if dir.0 == 0.0 {
            LINE_HEIGHT / 2.0
        } else {
            CELL_WIDTH / 2.0
        }
    };
    let point =
        |dir: (f64, f64), t: f64| format!("{},{}", num(cx + dir.0 * t), num(cy + dir.1 * t));
    let (mut light, mut heavy) = (String::new(), String::new());

    if matches!(c, '╭' | '╮' | '╯' | '╰') {
        // Rounded corner: edge → quarter curve around the centre → edge.
        let mut dirs = arms
            .iter()
            .zip(ARM_DIRS)
            .filter(|(w, _)| **w > 0)
            .map(|(_, d)| d);
        let (a, b) = (dirs.next()?, dirs.next()?);
        let r = CELL_WIDTH / 2.0;
        let _ = write!(
            light,
            "M{}L{}Q{},{} {}L{}",
            point(a, reach(a)),
            point(a, r),
            num(cx),
            num(cy),
            point(b, r),
            point(b, reach(b)),
        );
        return Some((light, heavy));
    }

    for (i, (&weight, dir)) in arms.iter().zip(ARM_DIRS).enumerate() {
        match weight {
            1 | 2 => {
                let path = if weight == 1 { &mut light } else { &mut heavy };
                let _ = write!(path, "M{}L{}", point(dir, reach(dir)), point(dir, 0.0));
            }
            3 => {
                // Two parallel lines, one on each side of the arm; each stops
                // where it meets the line of a perpendicular arm, runs to the
                // centre to join a straight continuation, or else closes the
                // end of the arm.
                let opposite = arms[(i + 2) % 4] > 0;
                for side in [(i + 1) % 4, (i + 3) % 4] {
                    let s = ARM_DIRS[side];
                    let end = if arms[side] > 0 {
                        DOUBLE_GAP
                    } else if opposite {
                        0.0
                    } else {
                        -DOUBLE_GAP
                    };
                    let at = |t: f64| {
                        format!(
                            "{},{}",
                            num(cx + s.0 * DOUBLE_GAP + dir.0 * t),
                            num(cy + s.1 * DOUBLE_GAP + dir.1 * t)
                        )
                    };
                    let _ = write!(light, "M{}L{}", at(reach(dir)), at(end));
                }
            }
            _ => {}
        }
    }
    Some((light, heavy))
}

/// Rectangles of a block element (U+2580–U+259F) as fractions of the cell
/// (x, y, width, height), with the fill opacity for the shades `░▒▓`.
fn block_shape(c: char) -> Option<(Vec<[f64; 4]>, f64)> {
    /// Quadrant rectangles: upper left, upper right, lower left, lower right.
    const QUADS: [[f64; 4]; 4] = [
        [0.0, 0.0, 0.5, 0.5],
        [0.5, 0.0, 0.5, 0.5],
        [0.0, 0.5, 0.5, 0.5],
        [0.5, 0.5, 0.5, 0.5],
    ];
    let quads = |mask: u8| -> Vec<[f64; 4]> {
        (0..4)
            .filter(|bit| mask & (1 << bit) != 0)
            .map(|bit| QUADS[bit])
            .collect()
    };
    let eighths = |n: u32| f64::from(n) / 8.0;
    let code = u32::from(c);
    let shape = match code {
        0x2580 => (vec![[0.0, 0.0, 1.0, 0.5]], 1.0),
        // ▁▂▃▄▅▆▇█: lower n eighths.
        0x2581..=0x2588 => {
            let h = eighths(code - 0x2580);
            (vec![[0.0, 1.0 - h, 1.0, h]], 1.0)
        }
        // ▉▊▋▌▍▎▏: left 7/8 … 1/8.
        0x2589..=0x258f => (vec![[0.0, 0.0, eighths(0x2590 - code), 1.0]], 1.0),
        0x2590 => (vec![[0.5, 0.0, 0.5, 1.0]], 1.0),
        // ░▒▓: shades as a translucent full block.
        0x2591..=0x2593 => (vec![[0.0, 0.0, 1.0, 1.0]], f64::from(code - 0x2590) / 4.0),
        0x2594 => (vec![[0.0, 0.0, 1.0, 0.125]], 1.0),
        0x2595 => (vec![[0.875, 0.0, 0.125, 1.0]], 1.0),
        // Quadrants (bits: 1 upper left, 2 upper right, 4 lower left, 8 lower right).
        0x2596 => (quads(4), 1.0),
        0x2597 => (quads(8), 1.0),
        0x2598 => (quads(1), 1.0),
        0x2599 => (quads(1 | 4 | 8), 1.0),
        0x259a => (quads(1 | 8), 1.0),
        0x259b => (quads(1 | 2 | 4), 1.0),
        0x259c => (quads(1 | 2 | 8), 1.0),
        0x259d => (quads(2), 1.0),
        0x259e => (quads(2 | 4), 1.0),
        0x259f => (quads(2 | 4 | 8), 1.0),
        _ => return None,
    };
    Some(shape)
}

/// The single character of `symbol`, if it has exactly one.
fn single_char(symbol: &str) -> Option<char> {
    let mut chars = symbol.chars();
    let c = chars.next()?;
    chars.next().is_none().then_some(c)
}

/// Whether `symbol` is drawn as geometry rather than as text.
fn is_shape(symbol: &str) -> bool {
    single_char(symbol).is_some_and(|c| box_arms(c).is_some() || block_shape(c).is_some())
}

/// Renders `buf` as a standalone SVG document whose `<title>` is `title`.
///
/// Every cell becomes one grid position of [`CELL_WIDTH`] × [`LINE_HEIGHT`]
/// px; colours follow ratatui's [`Color`] (named colours use a VS Code-like
/// palette, [`Color::Indexed`] the xterm 256-colour palette, [`Color::Reset`]
/// [`DEFAULT_FG`] / [`DEFAULT_BG`]), and [`Modifier::REVERSED`], `BOLD`,
/// `ITALIC`, `UNDERLINED`, `CROSSED_OUT`, `DIM` and `HIDDEN` are honoured.
/// Wide characters occupy two columns, the cell that follows them (which
/// ratatui leaves blank) being skipped. Cell symbols are written as they are
/// (a base letter with combining marks stays one unit).
///
/// The returned string starts with `<svg ` and ends with `"</svg>\n"`. This
/// never panics, whatever the buffer holds (an empty area gives an SVG with
/// only the padding).
pub fn buffer_to_svg(buf: &Buffer, title: &str) -> String {
    let cols = usize::from(buf.area.width);
    let rows = usize::from(buf.area.height);
    let width = num(2.0 * PADDING + cols as f64 * CELL_WIDTH);
    let height = num(2.0 * PADDING + rows as f64 * LINE_HEIGHT);

    let grid: Vec<Vec<Column<'_>>> = if cols == 0 {
        Vec::new()
    } else {
        buf.content
            .chunks(cols)
            .take(rows)
            .map(row_columns)
            .collect()
    };

    let mut out = String::with_capacity(512 + cols * rows * 48);
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" \
         width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">"
    );
    out.push_str("<title>");
    push_escaped(&mut out, title);
    out.push_str("</title>\n");
    let _ = writeln!(
        out,
        "<rect x=\"0\" y=\"0\" width=\"{width}\" height=\"{height}\" fill=\"{DEFAULT_BG}\"/>"
    );

    out.push_str("<g shape-rendering=\"crispEdges\">\n");
    for (y, row) in grid.iter().enumerate() {
        write_backgrounds(&mut out, y, row);
    }
    for (y, row) in grid.iter().enumerate() {
        write_blocks(&mut out, y, row);
    }
    out.push_str("</g>\n");

    write_lines(&mut out, &grid);

    let _ = writeln!(
        out,
        "<g font-family=\"{FONT_FAMILY}\" font-size=\"{}\">",
        num(FONT_SIZE)
    );
    for (y, row) in grid.iter().enumerate() {
        write_texts(&mut out, y, row);
    }
    out.push_str("</g>\n");

    out.push_str("<g shape-rendering=\"crispEdges\">\n");
    for (y, row) in grid.iter().enumerate() {
        write_decorations(&mut out, y, row);
    }
    out.push_str("</g>\n</svg>\n");
    out
}

/// Writes a `<rect>` with the given geometry, fill and opacity.
fn write_rect(out: &mut String, [x, y, w, h]: [f64; 4], fill: Rgb, dim: bool, alpha: f64) {
    let _ = write!(
        out,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\"",
        num(x),
        num(y),
        num(w),
        num(h),
    );
    write_opacity(out, dim, alpha);
    out.push_str("/>\n");
}

/// Writes one `<rect>` per run of equal, non-default background on row `y`.
fn write_backgrounds(out: &mut String, y: usize, row: &[Column<'_>]) {
    let mut start = 0;
    while start < row.len() {
        let bg = row[start].bg;
        let len = row[start..]
            .iter()
            .take_while(|c| c.bg == bg)
            .count()
            .max(1);
        if bg != DEFAULT_BG_RGB {
            let rect = [col_x(start), row_y(y), len as f64 * CELL_WIDTH, LINE_HEIGHT];
            write_rect(out, rect, bg, false, 1.0);
        }
        start += len;
    }
}

/// Writes the block elements (`█▀▄▌░▁…`) of row `y` as rectangles.
fn write_blocks(out: &mut String, y: usize, row: &[Column<'_>]) {
    for (x, column) in row.iter().enumerate() {
        let Some((rects, alpha)) = column.glyph.and_then(single_char).and_then(block_shape) else {
            continue;
        };
        for [fx, fy, fw, fh] in rects {
            let rect = [
                col_x(x) + fx * CELL_WIDTH,
                row_y(y) + fy * LINE_HEIGHT,
                fw * CELL_WIDTH,
                fh * LINE_HEIGHT,
            ];
            write_rect(out, rect, column.style.fill, column.style.dim, alpha);
        }
    }
}

/// Writes all box-drawing characters as stroked paths, one `<path>` per
/// colour, dimness and stroke width.
fn write_lines(out: &mut String, grid: &[Vec<Column<'_>>]) {
    // (colour, dim, heavy) → path data.
    let mut paths: Vec<((Rgb, bool, bool), String)> = Vec::new();
    let mut add = |key: (Rgb, bool, bool), data: &str| {
        if data.is_empty() {
            return;
        }
        match paths.iter_mut().find(|(k, _)| *k == key) {
            Some((_, path)) => path.push_str(data),
            None => paths.push((key, data.to_owned())),
        }
    };
    for (y, row) in grid.iter().enumerate() {
        for (x, column) in row.iter().enumerate() {
            let Some(c) = column.glyph.and_then(single_char) else {
                continue;
            };
            if let Some((light, heavy)) = line_shape(c, col_x(x), row_y(y)) {
                add((column.style.fill, column.style.dim, false), &light);
                add((column.style.fill, column.style.dim, true), &heavy);
            }
        }
    }
    if paths.is_empty() {
        return;
    }
    out.push_str("<g fill=\"none\" stroke-linecap=\"square\">\n");
    for ((color, dim, heavy), data) in paths {
        let width = if heavy { HEAVY_STROKE } else { LIGHT_STROKE };
        let _ = write!(
            out,
            "<path stroke=\"{color}\" stroke-width=\"{}\"",
            num(width)
        );
        write_opacity(out, dim, 1.0);
        let _ = writeln!(out, " d=\"{data}\"/>");
    }
    out.push_str("</g>\n");
}

/// Writes one `<text>` per run of same-styled glyphs on row `y`; each glyph
/// is a `<tspan>` with its own `x`, so columns never drift. Columns without
/// a text glyph (blanks, covered halves of wide characters, box-drawing and
/// block characters) do not break a run.
fn write_texts(out: &mut String, y: usize, row: &[Column<'_>]) {
    let baseline = num(row_y(y) + BASELINE);
    let mut current: Option<TextStyle> = None;
    for (x, column) in row.iter().enumerate() {
        let Some(symbol) = column.glyph.filter(|s| !is_shape(s)) else {
            continue;
        };
        if current != Some(column.style) {
            if current.is_some() {
                out.push_str("</text>\n");
            }
            let _ = write!(
                out,
                "<text xml:space=\"preserve\" x=\"{}\" y=\"{baseline}\"",
                num(col_x(x))
            );
            column.style.write_text_attrs(out);
            out.push('>');
            current = Some(column.style);
        }
        let _ = write!(out, "<tspan x=\"{}\">", num(col_x(x)));
        push_escaped(out, symbol);
        out.push_str("</tspan>");
    }
    if current.is_some() {
        out.push_str("</text>\n");
    }
}

/// Writes underline and strike-through lines of row `y`, one `<rect>` per
/// run of consecutive decorated cells of the same colour.
fn write_decorations(out: &mut String, y: usize, row: &[Column<'_>]) {
    let lines = [
        (
            UNDERLINE_OFFSET,
            (|s: &TextStyle| s.underlined) as fn(&TextStyle) -> bool,
        ),
        (-STRIKE_OFFSET, |s: &TextStyle| s.crossed_out),
    ];
    for (offset, has) in lines {
        let mut start = 0;
        while start < row.len() {
            let style = row[start].style;
            let len = row[start..]
                .iter()
                .take_while(|c| has(&c.style) == has(&style) && c.style.fill == style.fill)
                .take_while(|c| c.style.dim == style.dim)
                .count()
                .max(1);
            if has(&style) {
                let top = row_y(y) + BASELINE + offset - LIGHT_STROKE / 2.0;
                let rect = [col_x(start), top, len as f64 * CELL_WIDTH, LIGHT_STROKE];
                write_rect(out, rect, style.fill, style.dim, 1.0);
            }
            start += len;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::style::Style;
    use ratatui::widgets::{Block, BorderType, Widget};

    /// Returns the `x` of the `<tspan>` holding exactly `symbol`.
    fn tspan_x(svg: &str, symbol: &str) -> Option<f64> {
        let needle = format!("\">{symbol}</tspan>");
        let end = svg.find(&needle)?;
        let start = svg[..end].rfind("<tspan x=\"")? + "<tspan x=\"".len();
        svg[start..end].parse().ok()
    }

    /// Joins the glyphs of all tspans (in document order) into one string.
    fn tspan_text(svg: &str) -> String {
        let mut text = String::new();
        for part in svg.split("<tspan x=\"").skip(1) {
            if let Some(open) = part.find('>')
                && let Some(close) = part.find("</tspan>")
            {
                text.push_str(&part[open + 1..close]);
            }
        }
        text
    }

    /// A small well-formedness check: start and end, balanced `<text>`
    /// counts, properly nested tags, no `<` inside a tag, and every `&`
    /// starting one of the five predefined entities.
    fn assert_well_formed(svg: &str) {
        assert!(svg.starts_with("<svg "), "starts with <svg");
        assert!(svg.ends_with("</svg>\n"), "ends with </svg>");
        assert_eq!(
            svg.matches("<text ").count(),
            svg.matches("</text>").count()
        );
        let mut stack: Vec<&str> = Vec::new();
        let mut rest = svg;
        while let Some(lt) = rest.find('<') {
            let Some(len) = rest[lt..].find('>') else {
                panic!("unterminated tag");
            };
            let tag = &rest[lt + 1..lt + len];
            assert!(!tag.contains('<'), "'<' inside a tag: {tag}");
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop(), Some(name), "mismatched close tag");
            } else if !tag.ends_with('/') {
                stack.push(tag.split_whitespace().next().unwrap_or_default());
            }
            rest = &rest[lt + len + 1..];
        }
        assert!(stack.is_empty(), "unclosed tags: {stack:?}");
        for (i, _) in svg.match_indices('&') {
            assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
                    .iter()
                    .any(|e| svg[i..].starts_with(e)),
                "bare & at {i}"
            );
        }
    }

    fn sample() -> Buffer {
        let mut buf = Buffer::empty(Rect::new(0, 0, 30, 5));
        buf.set_string(0, 0, "Журнал", Style::new().fg(Color::Cyan).bold());
        buf.set_string(0, 1, "Nguyễn Thị Hương", Style::new().fg(Color::Yellow));
        let blue = Style::new().fg(Color::White).bg(Color::Blue);
        buf.set_string(3, 2, "王小明", blue);
        buf.set_string(0, 3, "a<b & c>d", Style::new().reversed());
        let deco = Style::new().italic().underlined().dim();
        buf.set_string(0, 4, "\"q\" 'a'", deco);
        buf
    }

    #[test]
    fn contains_the_text() {
        let svg = buffer_to_svg(&sample(), "Classbook");
        let text = tspan_text(&svg);
        for s in ["Журнал", "Nguyễn", "Thị", "Hương", "王小明"] {
            assert!(text.contains(s), "missing {s} in {text}");
        }
        assert!(svg.contains("<title>Classbook</title>"));
        assert!(svg.contains(FONT_FAMILY));
        assert!(svg.contains("xml:space=\"preserve\""));
    }

    #[test]
    fn wide_chars_take_two_columns() {
        let svg = buffer_to_svg(&sample(), "t");
        let x = |s| tspan_x(&svg, s).unwrap_or_else(|| panic!("no tspan for {s}"));
        let eps = 1e-6;
        assert!((x("王") - col_x(3)).abs() < eps);
        assert!((x("小") - col_x(5)).abs() < eps);
        assert!((x("明") - col_x(7)).abs() < eps);
        // Narrow characters take one column each, Cyrillic and Vietnamese too.
        assert!((x("Ж") - col_x(0)).abs() < eps);
        assert!((x("л") - col_x(5)).abs() < eps);
        assert!((x("ễ") - col_x(4)).abs() < eps);
        assert!((x("ơ") - col_x(13)).abs() < eps);
        // The blue background covers the 6 columns of the three wide chars.
        let rect = format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"20\" fill=\"#2472c8\"/>",
            num(col_x(3)),
            num(row_y(2)),
            num(6.0 * CELL_WIDTH)
        );
        assert!(svg.contains(&rect), "missing {rect}");
    }

    #[test]
    fn escapes_xml() {
        let svg = buffer_to_svg(&sample(), "a < b & \"c\"");
        assert!(svg.contains("<title>a &lt; b &amp; &quot;c&quot;</title>"));
        assert!(svg.contains("<tspan x=\"19.6\">&lt;</tspan>"));
        for entity in ["&amp;", "&gt;", "&quot;", "&apos;"] {
            assert!(svg.contains(&format!(">{entity}</tspan>")), "{entity}");
        }
        assert!(!svg.contains(">&</tspan>") && !svg.contains(">'</tspan>"));
        assert_well_formed(&svg);
    }

    #[test]
    fn styles() {
        let svg = buffer_to_svg(&sample(), "t");
        // Bold cyan Cyrillic.
        assert!(svg.contains("fill=\"#11a8cd\" font-weight=\"bold\">"));
        // Reversed default colours: light background rect, dark text.
        let rect = format!(
            "<rect x=\"10\" y=\"{}\" width=\"{}\" height=\"20\" fill=\"{DEFAULT_FG}\"/>",
            num(row_y(3)),
            num(9.0 * CELL_WIDTH)
        );
        assert!(svg.contains(&rect), "missing {rect}");
        assert!(svg.contains(&format!("fill=\"{DEFAULT_BG}\">")));
        // Italic and dim text, underlined across all 7 cells (spaces too).
        assert!(svg.contains(" font-style=\"italic\" opacity=\"0.6\">"));
        let underline = format!(
            "<rect x=\"10\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{DEFAULT_FG}\" opacity=\"0.6\"/>",
            num(row_y(4) + BASELINE + UNDERLINE_OFFSET - LIGHT_STROKE / 2.0),
            num(7.0 * CELL_WIDTH),
            num(LIGHT_STROKE),
        );
        assert!(svg.contains(&underline), "missing {underline}");
        // One <text> per styled run: rows 0 to 4.
        assert_eq!(svg.matches("<text ").count(), 5);
        assert_well_formed(&svg);
    }

    #[test]
    fn colours() {
        assert_eq!(
            color_rgb(Color::Reset, DEFAULT_FG_RGB).to_string(),
            DEFAULT_FG
        );
        assert_eq!(
            color_rgb(Color::Reset, DEFAULT_BG_RGB).to_string(),
            DEFAULT_BG
        );
        assert_eq!(
            color_rgb(Color::Rgb(1, 2, 255), DEFAULT_FG_RGB).to_string(),
            "#0102ff"
        );
        assert_eq!(
            color_rgb(Color::LightRed, DEFAULT_FG_RGB).to_string(),
            "#f14c4c"
        );
        assert_eq!(indexed_rgb(1), ANSI16[1]);
        assert_eq!(indexed_rgb(16), Rgb(0, 0, 0));
        assert_eq!(indexed_rgb(196), Rgb(255, 0, 0));
        assert_eq!(indexed_rgb(231), Rgb(255, 255, 255));
        assert_eq!(indexed_rgb(232), Rgb(8, 8, 8));
        assert_eq!(indexed_rgb(255), Rgb(238, 238, 238));
    }

    #[test]
    fn box_table_is_complete() {
        for row in BOX_ARMS {
            let entries: Vec<&str> = row.split(' ').collect();
            assert_eq!(entries.len(), 16, "{row}");
            assert!(entries.iter().all(|e| e.len() == 4), "{row}");
        }
        assert_eq!(box_arms('─'), Some([0, 1, 0, 1]));
        assert_eq!(box_arms('┃'), Some([2, 0, 2, 0]));
        assert_eq!(box_arms('╋'), Some([2, 2, 2, 2]));
        assert_eq!(box_arms('╔'), Some([0, 3, 3, 0]));
        assert_eq!(box_arms('╿'), Some([2, 0, 1, 0]));
        assert_eq!(box_arms('┄'), None);
        assert_eq!(box_arms('a'), None);
    }

    #[test]
    fn borders_and_blocks_are_geometry() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 12, 4));
        Block::bordered()
            .border_type(BorderType::Rounded)
            .title("Ж")
            .render(Rect::new(0, 0, 6, 4), &mut buf);
        Block::bordered()
            .border_type(BorderType::Double)
            .render(Rect::new(6, 0, 6, 3), &mut buf);
        buf.set_string(7, 3, "█▌░▗", Style::new().fg(Color::Green));
        let svg = buffer_to_svg(&buf, "b");
        // No border or block characters are left to the font …
        for c in ["─", "│", "╭", "╯", "═", "║", "╔", "█", "▌", "░", "▗"] {
            assert!(!svg.contains(&format!(">{c}</tspan>")), "{c} drawn as text");
        }
        // … but the title is text, and the lines are one light path.
        assert!(svg.contains(">Ж</tspan>"));
        assert_eq!(svg.matches("<path ").count(), 1);
        assert!(svg.contains('Q')); // rounded corners
        // █ fills its cell, ▌ the left half, ░ is a translucent full cell,
        // ▗ the lower right quadrant.
        let (x, y) = (col_x(7), row_y(3));
        assert!(svg.contains(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"9.6\" height=\"20\" fill=\"#0dbc79\"/>",
            num(x),
            num(y)
        )));
        assert!(svg.contains(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"4.8\" height=\"20\" fill=\"#0dbc79\"/>",
            num(x + CELL_WIDTH),
            num(y)
        )));
        assert!(svg.contains("fill=\"#0dbc79\" opacity=\"0.25\"/>"));
        assert!(svg.contains(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"4.8\" height=\"10\" fill=\"#0dbc79\"/>",
            num(x + 3.5 * CELL_WIDTH),
            num(y + 10.0)
        )));
        assert_well_formed(&svg);
    }

    #[test]
    fn odd_cells_do_not_break_anything() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 6, 1));
        buf[(0, 0)].set_symbol("e\u{0301}"); // base + combining acute, kept as is
        buf[(1, 0)].set_symbol(""); // empty symbol
        buf[(2, 0)].set_symbol("\u{7}"); // control character
        buf[(5, 0)].set_symbol("王"); // wide char in the last column
        let svg = buffer_to_svg(&buf, "odd\u{0}");
        assert!(svg.contains("<tspan x=\"10\">e\u{0301}</tspan>"));
        assert!(svg.contains(">\u{FFFD}</tspan>"));
        assert!(svg.contains("<title>odd\u{FFFD}</title>"));
        assert!(svg.contains(">王</tspan>"));
        assert_well_formed(&svg);

        // Hidden text is not drawn, nor its underline.
        let mut buf = Buffer::empty(Rect::new(0, 0, 4, 1));
        buf.set_string(0, 0, "abcd", Style::new().hidden().underlined());
        let svg = buffer_to_svg(&buf, "h");
        assert!(!svg.contains("<text") && !svg.contains("<rect x=\"10\""));

        // Empty, offset and inconsistent buffers.
        assert_well_formed(&buffer_to_svg(&Buffer::empty(Rect::ZERO), ""));
        let mut short = Buffer::empty(Rect::new(3, 4, 5, 5));
        short.set_string(3, 4, "王王王", Style::new());
        short.content.truncate(7);
        let svg = buffer_to_svg(&short, "");
        assert!((tspan_x(&svg, "王").unwrap_or_default() - col_x(0)).abs() < 1e-6);
        assert_well_formed(&svg);
    }
}
