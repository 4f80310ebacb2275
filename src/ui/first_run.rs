//! The first-run screen: on a school with nothing set up, a tab with
//! nothing of its own to show says what is missing and how to add it
//! (`setup::Overview::missing`), with the set-up so far.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::ui::app::{App, Tab};
use crate::ui::text::put;

/// Whether `tab` has nothing of its own to show.
fn tab_is_empty(app: &App) -> bool {
    match app.tab {
        Tab::Journal => app.journal.view.is_none(),
        Tab::Attendance => app.attendance.view.is_none(),
        Tab::Training => app.training.view.is_none(),
        Tab::Indicators => app.indicators.table.is_none(),
        Tab::Review => app.review.review.is_none(),
        Tab::Reports => app.reports.report.is_none(),
        Tab::School => false,
    }
}

/// Whether the current tab shows the first-run screen (its keys do not
/// apply then: the status bar hints only the global ones).
pub fn first_run_active(app: &App) -> bool {
    app.setup.missing().is_some() && tab_is_empty(app)
}

/// On a school that is not set up yet, a tab with nothing to show says
/// what is missing and how to add it, with the set-up so far. Returns
/// whether it drew (the pane is then not drawn).
pub fn draw_first_run(app: &App, area: Rect, buf: &mut Buffer) -> bool {
    let Some(missing) = app.setup.missing() else {
        return false;
    };
    if !first_run_active(app) || area.height < 4 {
        return false;
    }
    let t = &app.theme;
    let o = &app.setup;
    let w = area.width as usize - 2;
    let school = app
        .school
        .as_ref()
        .map_or("This school", |s| s.name.as_str());
    let mut y = area.y + 1;
    let title = if o.year.is_none() {
        format!("{school} is not set up yet.")
    } else {
        format!("{school} is not fully set up yet.")
    };
    put(buf, area, area.x + 1, y, w, &title, t.header);
    y += 2;
    for l in crate::ui::panes::wrap(missing, w, 4) {
        put(buf, area, area.x + 1, y, w, &l, t.marker);
        y += 1;
    }
    y += 1;
    let tick = |done: bool| if done { "✓" } else { "·" };
    let rows = [
        (
            o.year.is_some(),
            format!(
                "school year   {}",
                o.year.clone().unwrap_or_else(|| "none".into())
            ),
        ),
        (o.periods > 0, format!("periods       {}", o.periods)),
        (o.bells > 0, format!("bell times    {}", o.bells)),
        (o.classes > 0, format!("classes       {}", o.classes)),
        (o.students > 0, format!("students      {}", o.students)),
        (o.staff > 0, format!("staff         {}", o.staff)),
        (
            o.subjects > 0 && o.curriculum > 0,
            format!(
                "curriculum    {} subjects, {} lines",
                o.subjects, o.curriculum
            ),
        ),
        (
            o.timetable > 0,
            format!("timetable     {} lessons", o.timetable),
        ),
    ];
    put(buf, area, area.x + 1, y, w, "Set up so far:", t.text);
    y += 1;
    for (done, text) in rows {
        if y >= area.bottom() {
            break;
        }
        let style = if done { t.good } else { t.dim };
        put(
            buf,
            area,
            area.x + 3,
            y,
            w - 2,
            &format!("{} {text}", tick(done)),
            style,
        );
        y += 1;
    }
    // What the tab itself needs besides the school.
    let own = match app.tab {
        Tab::Indicators if app.programmes.is_empty() => Some(
            "No programme in this database: import one with `classbook indicators import FILE`.",
        ),
        Tab::Training if app.plans.is_empty() => Some("No training plan in this school year."),
        _ => None,
    };
    if let Some(own) = own
        && y + 1 < area.bottom()
    {
        y += 1;
        put(buf, area, area.x + 1, y, w, own, t.text);
    }
    if y + 1 < area.bottom() {
        put(
            buf,
            area,
            area.x + 1,
            y + 1,
            w,
            "7 opens the School tab; ? lists every key.",
            t.dim,
        );
    }
    true
}
