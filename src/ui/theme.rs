//! Styles: 16 ANSI colours (no RGB), readable on dark and light
//! backgrounds, or monochrome with bold and reverse only (`NO_COLOR`,
//! `--no-color`).

use ratatui::style::{Color, Modifier, Style};

/// The styles every pane draws with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Theme {
    pub monochrome: bool,
    /// Plain text.
    pub text: Style,
    /// Column headers and titles.
    pub header: Style,
    /// Secondary text: empty cells, legends.
    pub dim: Style,
    /// The cursor cell.
    pub cursor: Style,
    /// The tab bar; the current tab.
    pub tab: Style,
    pub tab_active: Style,
    /// The status bar's information line.
    pub status: Style,
    /// A key in the hints.
    pub key: Style,
    /// Low marks, absences, problems.
    pub bad: Style,
    /// Top marks, targets met.
    pub good: Style,
    /// Markers that need attention: substitutes, attendance not taken, online.
    pub marker: Style,
    /// A message to the user.
    pub message: Style,
    /// A cell someone else changed, until the next key.
    pub changed: Style,
}

impl Theme {
    /// The theme for the options: monochrome when `no_color`.
    pub fn new(no_color: bool) -> Theme {
        if no_color {
            Theme::mono()
        } else {
            Theme::color()
        }
    }

    /// 16-colour theme.
    pub fn color() -> Theme {
        let bold = Modifier::BOLD;
        Theme {
            monochrome: false,
            text: Style::new(),
            header: Style::new().fg(Color::Cyan).add_modifier(bold),
            dim: Style::new().fg(Color::DarkGray),
            cursor: Style::new().add_modifier(Modifier::REVERSED | bold),
            tab: Style::new(),
            tab_active: Style::new()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(bold),
            status: Style::new().add_modifier(Modifier::REVERSED),
            key: Style::new().fg(Color::Cyan).add_modifier(bold),
            bad: Style::new().fg(Color::Red).add_modifier(bold),
            good: Style::new().fg(Color::Green),
            marker: Style::new().fg(Color::Magenta).add_modifier(bold),
            message: Style::new().fg(Color::Red).add_modifier(bold),
            changed: Style::new()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(bold),
        }
    }

    /// Monochrome: bold and reverse only, no colour at all.
    pub fn mono() -> Theme {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        Theme {
            monochrome: true,
            text: Style::new(),
            header: bold,
            dim: Style::new(),
            cursor: Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            tab: Style::new(),
            tab_active: Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            status: Style::new().add_modifier(Modifier::REVERSED),
            key: bold,
            bad: bold,
            good: Style::new(),
            marker: bold,
            message: bold,
            changed: Style::new().add_modifier(Modifier::REVERSED | Modifier::UNDERLINED),
        }
    }
}
