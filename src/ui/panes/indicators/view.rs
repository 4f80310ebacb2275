//! Drawing the Indicators tab: the programme's table, the chart of one
//! indicator, the data behind a computed value, and an open form.

use super::*;

fn short_status(s: Option<Status>) -> &'static str {
    s.map_or("", |s| s.label())
}

/// Draw the indicators tab into `area`.
pub(super) fn draw(p: &IndicatorsPane, ctx: &Ctx, area: Rect, buf: &mut Buffer) {
    if p.table.is_none() {
        put(
            buf,
            area,
            area.x + 1,
            area.y + 1,
            area.width as usize,
            "No programme in this database: import one with `classbook indicators import FILE`.",
            ctx.theme.dim,
        );
        return;
    }
    match p.screen {
        Screen::Table => draw_table(p, ctx, area, buf),
        Screen::Chart => draw_chart(p, ctx, area, buf),
        Screen::Data => draw_data(p, ctx, area, buf),
    }
    if let Some(f) = &p.form {
        crate::ui::widgets::form::draw(ctx.theme, f, 76, area, buf);
    }
}

fn status_style(t: &Theme, s: Option<Status>) -> Style {
    match s {
        Some(Status::Met) | Some(Status::OnTrack) => t.good,
        Some(Status::AtRisk) | Some(Status::Missed) => t.bad,
        None => t.dim,
    }
}

fn draw_table(p: &IndicatorsPane, ctx: &Ctx, area: Rect, buf: &mut Buffer) {
    let t = ctx.theme;
    let Some(tab) = &p.table else { return };
    let head = format!(
        "{} ({} of {})",
        tab.programme.name,
        p.idx + 1,
        ctx.programmes.len()
    );
    put(
        buf,
        area,
        area.x + 1,
        area.y,
        area.width as usize - 1,
        &head,
        t.header,
    );
    let mut sub = format!(
        "{}–{} · {} tasks · {} indicators",
        dates::full(tab.programme.starts_on),
        dates::full(tab.programme.ends_on),
        tab.tasks.len(),
        tab.indicator_count(),
    );
    if !p.view.is_plain() {
        sub = format!("{sub} · {}", p.view.describe());
    } else if !tab.programme.owner.is_empty() {
        sub = format!("{sub} · {}", tab.programme.owner);
    }
    put(
        buf,
        area,
        area.x + 1,
        area.y + 1,
        area.width as usize - 1,
        &sub,
        t.dim,
    );
    let rows = &p.rows;
    let ind = |r: usize| p.row_at(r);
    let np = tab.periods.len();
    let current_period = tab.period_at(tab.as_of);
    let span = |r: usize| -> Option<(String, Style)> {
        let (ti, ii) = rows[r];
        match ii {
            None => tab
                .tasks
                .get(ti)
                .map(|task| (format!("{}  {}", task.task.seq, task.task.name), t.header)),
            Some(_) => None,
        }
    };
    let cell = |r: usize, c: usize| -> (String, Style) {
        let Some(i) = ind(r) else {
            return (String::new(), t.text);
        };
        let unit = i.indicator.unit;
        match c {
            0 => (svc::number_cell(i), t.text),
            1 => (i.indicator.name.clone(), t.text),
            c if c < 2 + np => (value_text(unit, i.targets[c - 2]), t.text),
            c if c == 2 + np => match &i.actual {
                // A value of an earlier period than today's is dimmed.
                Some(a) if i.actual_period_idx != Some(current_period) => {
                    (unit.format(a.value), t.dim)
                }
                Some(a) => (unit.format(a.value), t.text),
                None if i.metric.is_some() => ("r: —".into(), t.dim),
                None => ("—".into(), t.dim),
            },
            c if c == 3 + np => (achievement_text(i.achievement), status_style(t, i.status)),
            _ => (short_status(i.status).into(), status_style(t, i.status)),
        }
    };
    let mut columns = vec![Column::left(5, &["№"]), Column::left(0, &["Indicator"])];
    for per in &tab.periods {
        let w = width(&per.label).clamp(5, 10) as u16;
        columns.push(Column::right(w, &[per.label.as_str()]));
    }
    columns.push(Column::right(6, &["actual"]));
    columns.push(Column::right(5, &["%"]));
    columns.push(Column::left(8, &["status"]));
    let table = Table::new(columns, rows.len(), &cell, &p.offset, t)
        .span(&span)
        .cursor((!rows.is_empty()).then_some(p.row));
    table.render_below(area, 2, 5, &p.page, buf);
    if rows.is_empty() {
        put(
            buf,
            area,
            area.x + 2,
            area.y + 4,
            area.width as usize - 2,
            "Nothing matches the filter (/ changes it).",
            t.dim,
        );
    }
    // The current row in full (names are long).
    let w = area.width as usize - 1;
    let (name, detail) = match (rows.get(p.row), p.current()) {
        (_, Some(i)) => (i.indicator.name.clone(), detail_line(tab, i)),
        (Some((ti, None)), _) => (
            tab.tasks
                .get(*ti)
                .map_or(String::new(), |t| t.task.name.clone()),
            String::new(),
        ),
        _ => (String::new(), String::new()),
    };
    for (k, line) in crate::ui::panes::wrap(&name, w, 2).iter().enumerate() {
        put(
            buf,
            area,
            area.x + 1,
            area.bottom() - 3 + k as u16,
            w,
            line,
            t.text,
        );
    }
    put(buf, area, area.x + 1, area.bottom() - 1, w, &detail, t.dim);
}

/// The line under the table: the latest value with its date, source and
/// evidence, or what the indicator is computed from.
fn detail_line(tab: &ProgrammeTable, i: &IndicatorRow) -> String {
    let computed = i
        .metric
        .as_ref()
        .map(|(m, p)| format!("ƒ {}", metric_text(*m, p)));
    match &i.actual {
        Some(a) => {
            let mut s = format!(
                "{} for {}, {} {}{}",
                i.indicator.unit.format(a.value),
                i.actual_period.as_deref().unwrap_or("?"),
                match a.source {
                    Source::Entered => "entered",
                    Source::Computed => "computed",
                },
                dates::full(a.measured_on),
                if a.evidence.is_empty() {
                    String::new()
                } else {
                    format!(": {}", a.evidence)
                },
            );
            if let Some(x) = i.achievement {
                s = format!("{s} · {x:.0}% of target");
            }
            if a.source == Source::Entered
                && let Some(c) = computed
            {
                s = format!("{s} · {c}");
            }
            s
        }
        None => match computed {
            Some(c) => format!(
                "{c}: not computed yet, R recomputes (as of {})",
                dates::full(tab.as_of)
            ),
            None => "no actual value yet: a enters one".to_string(),
        },
    }
}

/// Characters of a bar `len` cells long at `frac` (eighths at the end).
fn draw_chart(p: &IndicatorsPane, ctx: &Ctx, area: Rect, buf: &mut Buffer) {
    let t = ctx.theme;
    let (Some(tab), Some(r)) = (&p.table, p.current()) else {
        put(
            buf,
            area,
            area.x + 1,
            area.y + 1,
            area.width as usize - 1,
            "No indicator under the cursor.",
            t.dim,
        );
        return;
    };
    let w = area.width as usize - 1;
    let unit = r.indicator.unit;
    let mut y = area.y;
    let name = format!("{}  {}", svc::number_cell(r), r.indicator.name);
    for line in crate::ui::panes::wrap(&name, w, 2) {
        put(buf, area, area.x + 1, y, w, &line, t.header);
        y += 1;
    }
    let kind = format!(
        "{} · {}{}",
        match unit {
            Unit::Count => "count",
            Unit::Share => "share",
            Unit::Percent => "percent",
            Unit::PerTeacherMonth => "per teacher per month",
        },
        direction_text(r.indicator.direction),
        r.metric.as_ref().map_or_else(
            || " · entered by hand".to_string(),
            |(m, pa)| format!(" · ƒ {}", metric_text(*m, pa))
        )
    );
    put(buf, area, area.x + 1, y, w, &kind, t.dim);
    y += 2;
    // Bars: target (░) and actual (█) per period, one scale.
    let label_w = tab
        .periods
        .iter()
        .map(|p| width(&p.label))
        .max()
        .unwrap_or(4)
        .clamp(4, 12);
    let value_w = tab
        .periods
        .iter()
        .enumerate()
        .flat_map(|(i, _)| {
            [
                r.targets[i].map(|v| width(&unit.format(v))),
                r.actuals[i].as_ref().map(|a| width(&unit.format(a.value))),
            ]
        })
        .flatten()
        .max()
        .unwrap_or(1)
        .max(1);
    let tail_w = 1 + value_w + 2 + 4 + 1 + 8;
    let bar_w = w.saturating_sub(label_w + 1 + 7 + tail_w).max(4) as f64;
    let scale = Scale::of(
        tab.periods
            .iter()
            .enumerate()
            .flat_map(|(i, _)| [r.targets[i], r.actuals[i].as_ref().map(|a| a.value)])
            .flatten(),
        bar_w,
    );
    let spacing =
        tab.periods.len() * 3 <= (area.bottom().saturating_sub(y) as usize).saturating_sub(4);
    for (i, per) in tab.periods.iter().enumerate() {
        if y + 1 >= area.bottom() {
            break;
        }
        let st = r.period_standing(&tab.periods, i, tab.as_of);
        let x_bar = area.x + 1 + label_w as u16 + 1;
        put(
            buf,
            area,
            area.x + 1,
            y,
            label_w,
            &fit(&per.label, label_w),
            t.text,
        );
        put(buf, area, x_bar, y, 7, "target ", t.dim);
        let tb = r.targets[i].map_or_else(String::new, |v| scale.light(v));
        put(buf, area, x_bar + 7, y, bar_w as usize, &tb, t.dim);
        // Values line up after the longest bar.
        let x_val = x_bar + 7 + bar_w as u16 + 1;
        let tv = crate::ui::text::right(&value_text(unit, r.targets[i]), value_w);
        put(buf, area, x_val, y, value_w, &tv, t.text);
        y += 1;
        put(buf, area, x_bar, y, 7, "actual ", t.dim);
        match &r.actuals[i] {
            Some(a) => {
                let ab = scale.solid(a.value);
                let style = status_style(t, st.map(|s| s.1));
                put(buf, area, x_bar + 7, y, bar_w as usize, &ab, style);
                let x_val = x_bar + 7 + bar_w as u16 + 1;
                let av = crate::ui::text::right(&unit.format(a.value), value_w);
                let x = put(buf, area, x_val, y, value_w, &av, t.text);
                if let Some((ach, s)) = st {
                    put(
                        buf,
                        area,
                        x + 2,
                        y,
                        w.saturating_sub((x - area.x) as usize),
                        &format!("{} {}", achievement_text(Some(ach)), s.label()),
                        style,
                    );
                }
            }
            None => {
                put(buf, area, x_bar + 7, y, bar_w as usize, "(no value)", t.dim);
            }
        }
        y += if spacing { 2 } else { 1 };
    }
    if y < area.bottom() {
        let scale_text = format!(
            "░ target  █ actual (latest of the period)  scale 0–{}",
            unit.format(scale.max)
        );
        put(buf, area, area.x + 1, y, w, &scale_text, t.dim);
        y += 1;
    }
    // Every value recorded, newest first.
    if y + 1 < area.bottom() {
        put(
            buf,
            area,
            area.x + 1,
            y,
            w,
            "Values recorded, newest first:",
            t.header,
        );
        y += 1;
    }
    if p.history.is_empty() && y < area.bottom() {
        put(
            buf,
            area,
            area.x + 3,
            y,
            w - 2,
            "(none: a enters a value)",
            t.dim,
        );
    }
    for a in &p.history {
        if y >= area.bottom() {
            break;
        }
        let label = tab
            .periods
            .iter()
            .find(|x| x.id == a.period_id)
            .map_or("", |x| x.label.as_str());
        let line = format!(
            "{} {:<9} {:>7} {:<8} {}",
            dates::full(a.measured_on),
            fit(label, 9),
            unit.format(a.value),
            a.source.as_str(),
            a.evidence
        );
        put(buf, area, area.x + 3, y, w - 2, &line, t.text);
        y += 1;
    }
}

fn draw_data(p: &IndicatorsPane, ctx: &Ctx, area: Rect, buf: &mut Buffer) {
    let t = ctx.theme;
    let Some(d) = &p.data else { return };
    let w = area.width as usize - 1;
    put(
        buf,
        area,
        area.x + 1,
        area.y,
        w,
        &format!("The data behind: {}", d.metric.label()),
        t.header,
    );
    put(
        buf,
        area,
        area.x + 1,
        area.y + 1,
        w,
        &format!(
            "lessons held {}–{} per teacher who taught them, worst first",
            dates::full(d.from),
            dates::full(d.to)
        ),
        t.dim,
    );
    let (what, pick) = data_columns(d.metric);
    let online = d.metric == Metric::OnlineLessonsPerTeacherMonth;
    let cell = |r: usize, c: usize| -> (String, Style) {
        let Some(k) = d.rows.get(r) else {
            return (String::new(), t.text);
        };
        let (n, of) = pick(k);
        match c {
            0 => (k.teacher.clone(), t.text),
            1 => (k.lessons.to_string(), t.text),
            2 if online => (
                d.online
                    .get(&k.teacher_id)
                    .copied()
                    .unwrap_or(0)
                    .to_string(),
                t.text,
            ),
            2 => (format!("{n} of {of}"), t.text),
            _ if online => (String::new(), t.text),
            _ => match crate::service::keeping::percent(n, of) {
                Some(x) => (format!("{x:.0}%"), if x >= 100.0 { t.good } else { t.bad }),
                None => ("—".into(), t.dim),
            },
        }
    };
    let columns = vec![
        Column::left(0, &["Teacher"]),
        Column::right(7, &["lessons"]),
        Column::right(16, &[if online { "online" } else { what }]),
        Column::right(5, &["%"]),
    ];
    let table = Table::new(columns, d.rows.len(), &cell, &p.data_offset, t)
        .cursor((!d.rows.is_empty()).then_some(p.data_row));
    table.render_below(area, 2, 3, &p.data_page, buf);
    let hint = match d.metric {
        Metric::LessonsWithAttendance => {
            "Enter: the teacher's latest lesson without attendance, in Attendance · Esc: back"
        }
        Metric::OnlineLessonsPerTeacherMonth => {
            "Enter: the teacher's latest online lesson, in the Journal · Esc: back"
        }
        _ => "Enter: the teacher's latest lesson missing it, in the Journal · Esc: back",
    };
    put(buf, area, area.x + 1, area.bottom() - 1, w, hint, t.dim);
}
