//! Drawing: reads the [`App`], never changes it (apart from view caches
//! such as scroll offsets). The frame is the tab bar, the current pane, the
//! status bar, and an overlay (help or picker) when one is open.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::action::Action;
use super::app::{App, Overlay, Tab, fold};
use super::dates;
use super::keymap::Mode;
use super::text::{fit, pad, put, width};
use super::widgets::popup;

/// The smallest terminal the layout is made for.
pub const MIN_WIDTH: u16 = 80;
/// See [`MIN_WIDTH`].
pub const MIN_HEIGHT: u16 = 24;

/// Draw the whole app into the frame.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    render(app, area, frame.buffer_mut());
}

/// Draw the whole app into `area` of a buffer.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let small = area.width < MIN_WIDTH || area.height < MIN_HEIGHT;
    // Keys do nothing on a screen no one can read (see App::handle_key).
    app.too_small.set(small);
    if small {
        let text = format!(
            "terminal too small: {}×{} < {MIN_WIDTH}×{MIN_HEIGHT}; only q or Ctrl-c (quit) work",
            area.width, area.height
        );
        put(
            buf,
            area,
            area.x,
            area.y,
            area.width as usize,
            &text,
            app.theme.text,
        );
        return;
    }
    tab_bar(app, Rect { height: 1, ..area }, buf);
    let body = Rect {
        y: area.y + 1,
        height: area.height - 3,
        ..area
    };
    // A school with nothing set up: the tab says what is missing.
    if !super::first_run::draw_first_run(app, body, buf) {
        app.pane().draw(&app.ctx(), body, buf);
    }
    status_bar(
        app,
        Rect {
            y: area.bottom() - 2,
            height: 2,
            ..area
        },
        buf,
    );
    match &app.overlay {
        Overlay::None => {}
        Overlay::Help {
            scroll,
            search,
            lines,
            ..
        } => help(app, *scroll, search, lines, area, buf),
        Overlay::Picker(p) => super::widgets::picker::draw(&app.theme, p, area, buf),
        Overlay::History(h) => super::history::draw(app, h, area, buf),
    }
}

fn tab_bar(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let labels: Vec<(Tab, String)> = Tab::ALL
        .iter()
        .map(|&tab| {
            let key = app
                .keymap
                .keys(Mode::Global, &tab.action())
                .first()
                .map(|k| k.to_string())
                .unwrap_or_default();
            (tab, format!(" {key} {} ", tab.title()))
        })
        .collect();
    // A space between the tabs when they fit so; at 80 columns the tabs
    // share one space between them (the current tab drawn last, whole).
    let roomy: usize = labels.iter().map(|(_, l)| width(l) + 1).sum();
    let step = |l: &str| {
        if roomy <= area.width as usize {
            width(l) as u16 + 1
        } else {
            width(l) as u16 - 1
        }
    };
    let mut x = area.x;
    let mut end = x;
    let mut active = None;
    for (tab, label) in &labels {
        if *tab == app.tab {
            active = Some((x, label));
        }
        end = put(buf, area, x, area.y, area.width as usize, label, t.tab);
        x += step(label);
    }
    if let Some((ax, label)) = active {
        put(buf, area, ax, area.y, width(label), label, t.tab_active);
    }
    // Where the old layout put the next tab: after a one-space gap.
    let x = end + 1;
    let name = "classbook";
    let nx = area.right().saturating_sub(width(name) as u16 + 1);
    if nx > x {
        put(buf, area, nx, area.y, width(name), name, t.dim);
    }
}

fn status_bar(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let school = app.school.as_ref().map_or("(no school)", |s| {
        if s.short_name.is_empty() {
            s.name.as_str()
        } else {
            s.short_name.as_str()
        }
    });
    let year = app
        .year
        .as_ref()
        .map_or("no school year yet", |y| y.label.as_str());
    let date = if app.working_date == app.opts.today {
        dates::long(app.working_date)
    } else {
        format!("as of {}", dates::long(app.working_date))
    };
    let db = app.db.path().file_name().map_or_else(
        || app.db.path().display().to_string(),
        |f| f.to_string_lossy().into(),
    );
    let who = if app.role.is_empty() {
        app.opts.operator.clone()
    } else {
        format!("{} ({})", app.opts.operator, app.role)
    };
    let info = format!(" {school} │ {year} │ {date} │ {who} │ {db}");
    put(
        buf,
        area,
        area.x,
        area.y,
        area.width as usize,
        &pad(&info, area.width as usize),
        t.status,
    );
    let y = area.y + 1;
    let mut x = area.x + 1;
    // Mark entry is a mode: said on the status line while it lasts.
    let entry = app.overlay == Overlay::None
        && app.tab == Tab::Journal
        && app.journal.focus
        && app.journal.lesson_form.is_none()
        && app.journal.popup.is_none();
    if entry {
        let badge = " MARK ENTRY ";
        x = put(buf, area, x, y, width(badge), badge, t.status) + 1;
    }
    let room = area.right().saturating_sub(x) as usize;
    if let Some(m) = &app.message {
        put(buf, area, x, y, room, m, t.message);
        return;
    }
    if entry {
        let rest = format!(
            "2–5 Н * °(o) type · Enter save ↓ · {} leave",
            app.keymap.key_name(Mode::Global, &Action::Cancel)
        );
        put(buf, area, x, y, room, &rest, t.text);
        return;
    }
    // A first-run screen has none of its tab's keys: only the global ones.
    let mode = if app.overlay == Overlay::None && super::first_run::first_run_active(app) {
        Mode::Global
    } else {
        app.mode()
    };
    for (key, label) in app.keymap.hints(mode) {
        let need = (width(&key) + width(label) + 3) as u16;
        if x + need > area.right() {
            break;
        }
        x = put(buf, area, x, y, width(&key), &key, t.key);
        x = put(
            buf,
            area,
            x,
            y,
            width(label) + 3,
            &format!(" {label}  "),
            t.text,
        );
    }
}

/// Width of the help's description column: a longer text is cut to it.
const HELP_DESC: usize = 53;

/// The lines of the help overlay: every binding of the keymap, by mode,
/// and what is typed into grids rather than bound: the marks of mark entry,
/// the attendance code keys and the roll call's status keys (from their
/// tables, so a school's own codes are listed).
pub fn help_lines(app: &App) -> Vec<(String, String, bool)> {
    let mut lines = Vec::new();
    let section = |lines: &mut Vec<(String, String, bool)>, title: &str| {
        if !lines.is_empty() {
            lines.push((String::new(), String::new(), false));
        }
        lines.push((title.to_string(), String::new(), true));
    };
    let cut = |s: &str| fit(s, HELP_DESC).trim_end().to_string();
    for mode in Mode::ALL {
        let rows: Vec<_> = app
            .keymap
            .bindings()
            .iter()
            .filter(|b| b.mode == *mode)
            .collect();
        if rows.is_empty() {
            continue;
        }
        section(&mut lines, mode.title());
        for b in rows {
            let keys: Vec<String> = b.keys.iter().map(|k| k.to_string()).collect();
            lines.push((keys.join(" "), b.action.description().to_string(), false));
        }
        match mode {
            Mode::Journal => {
                section(
                    &mut lines,
                    "Journal: typing marks (in mark entry, or Enter)",
                );
                for (keys, what) in [
                    ("2 3 4 5", "A mark; 5/4 puts two marks in one cell"),
                    ("Н н H n N", "Н: absent from the assessed work"),
                    ("*", "Pending: asks the intended mark and a deadline"),
                    ("° o O", "Deferred (°, typed as o): asks a comment"),
                    ("Enter", "Save the cell and move down"),
                    ("Backspace", "Erase the last character typed"),
                    ("Esc", "Revert the cell; again: leave mark entry"),
                ] {
                    lines.push((keys.to_string(), what.to_string(), false));
                }
            }
            Mode::Attendance => {
                section(&mut lines, "Attendance: code keys (from the code table)");
                let codes =
                    crate::store::attendance::codes(app.db.conn(), false).unwrap_or_default();
                for c in codes.iter().filter(|c| !c.hidden) {
                    if let Some(k) = &c.key {
                        lines.push((k.clone(), cut(&format!("{} {}", c.code, c.label)), false));
                    }
                }
                lines.push((
                    String::new(),
                    cut("A code key sets the cell or the range (v)."),
                    false,
                ));
            }
            Mode::TrainingRoll => {
                section(&mut lines, "Training: roll-call status keys (status table)");
                let statuses = crate::store::training::statuses(app.db.conn()).unwrap_or_default();
                for st in &statuses {
                    if !st.key.is_empty() {
                        lines.push((st.key.clone(), cut(&st.label), false));
                    }
                }
            }
            // indicators: the status rule under the tab's keys.
            Mode::Indicators => {
                for note in super::panes::indicators::help_notes() {
                    lines.push((String::new(), note, false));
                }
            }
            _ => {}
        }
    }
    lines
}

/// The help's lines that match `search` (keys or words, case and script
/// folded as the pickers do), under their section titles: of the open
/// help's lines, else read afresh.
pub fn help_matches(app: &App, search: &str) -> Vec<(String, String, bool)> {
    match &app.overlay {
        Overlay::Help { lines, .. } => matching(lines, search),
        _ => matching(&help_lines(app), search),
    }
}

fn matching(lines: &[(String, String, bool)], search: &str) -> Vec<(String, String, bool)> {
    let q = fold(search.trim());
    if q.is_empty() {
        return lines.to_vec();
    }
    let mut out: Vec<(String, String, bool)> = Vec::new();
    let mut title: Option<&(String, String, bool)> = None;
    for l in lines {
        if l.2 {
            title = Some(l);
            continue;
        }
        let hit = fold(&l.0).contains(&q) || fold(&l.1).contains(&q);
        if !hit {
            continue;
        }
        if let Some(t) = title.take() {
            if !out.is_empty() {
                out.push((String::new(), String::new(), false));
            }
            out.push(t.clone());
        }
        out.push(l.clone());
    }
    out
}

fn help(
    app: &App,
    scroll_to: usize,
    search: &str,
    all: &[(String, String, bool)],
    area: Rect,
    buf: &mut Buffer,
) {
    let t = &app.theme;
    let lines = matching(all, search);
    let title = if search.is_empty() {
        "Keys (/ searches, Esc closes, j/k scroll)".to_string()
    } else {
        format!("Keys matching «{search}» (Esc clears)")
    };
    let inner = popup(
        &app.theme,
        78,
        area.height.saturating_sub(2),
        &title,
        area,
        buf,
    );
    if lines.is_empty() {
        put(
            buf,
            inner,
            inner.x + 1,
            inner.y,
            inner.width as usize - 1,
            &format!("Nothing in the help matches «{search}»."),
            t.dim,
        );
        return;
    }
    let visible = inner.height as usize;
    app.help_page.set(visible);
    let max = lines.len().saturating_sub(visible);
    let off = scroll_to.min(max);
    let key_w = 18;
    for (i, (keys, desc, title)) in lines.iter().skip(off).take(visible).enumerate() {
        let y = inner.y + i as u16;
        if *title {
            put(
                buf,
                inner,
                inner.x + 1,
                y,
                inner.width as usize - 1,
                keys,
                t.header,
            );
        } else {
            put(buf, inner, inner.x + 2, y, key_w, &fit(keys, key_w), t.key);
            put(
                buf,
                inner,
                inner.x + 2 + key_w as u16 + 1,
                y,
                inner.width as usize,
                desc,
                t.text,
            );
        }
    }
    if off < max {
        put(
            buf,
            inner,
            inner.right() - 1,
            inner.bottom() - 1,
            1,
            "▼",
            t.marker,
        );
    }
    if off > 0 {
        put(buf, inner, inner.right() - 1, inner.y, 1, "▲", t.marker);
    }
}
