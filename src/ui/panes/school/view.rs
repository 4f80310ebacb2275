//! Drawing the School tab (its section row, what is missing, the section)
//! and the first-run screen the other tabs show on a school with nothing
//! set up yet.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::SchoolPane;
use super::forms::hours_text;
use super::{CalendarKind, Section, YearRow};
use crate::ui::component::Ctx;
use crate::ui::dates;
use crate::ui::text::{fit, pad, put, width};
use crate::ui::widgets::grid::{Column, scroll};
use crate::ui::widgets::table::{Table, line};

/// Draw the School tab into `area`: the section row, what the school
/// still misses, the section, an open form.
pub(super) fn draw(p: &SchoolPane, ctx: &Ctx, area: Rect, buf: &mut Buffer) {
    let t = ctx.theme;
    if area.height < 6 {
        return;
    }
    // The section row.
    let mut x = area.x + 1;
    for s in Section::ALL {
        let label = format!(" {} ", s.title());
        let style = if s == p.section { t.tab_active } else { t.dim };
        x = put(buf, area, x, area.y, width(&label), &label, style);
        x = put(buf, area, x, area.y, 1, " ", t.text);
    }
    let keys = "[ ] section";
    let kx = area.right().saturating_sub(width(keys) as u16 + 1);
    if kx > x {
        put(buf, area, kx, area.y, width(keys), keys, t.dim);
    }
    let w = area.width as usize - 1;
    let mut y = area.y + 1;
    if let Some(missing) = ctx.setup.missing() {
        for line in crate::ui::panes::wrap(missing, w - 1, 3) {
            put(buf, area, area.x + 1, y, w - 1, &line, t.marker);
            y += 1;
        }
    }
    let body = Rect {
        y,
        height: area.bottom().saturating_sub(y),
        ..area
    };
    if body.height >= 3 {
        match p.section {
            Section::Year => draw_year(p, ctx, body, buf),
            Section::Classes => draw_classes(p, ctx, body, buf),
            Section::Students => draw_students(p, ctx, body, buf),
            Section::Staff => draw_staff(p, ctx, body, buf),
            Section::Curriculum => draw_curriculum(p, ctx, body, buf),
            Section::Timetable => draw_timetable(p, ctx, body, buf),
        }
    }
    if let Some(f) = &p.form {
        crate::ui::widgets::form::draw(t, f, FORM_WIDTH, area, buf);
    }
}

const FORM_WIDTH: u16 = 72;

/// How much of `area` a list of `rows` under a heading leaves unused
/// (`render_below`'s `sub`): the list as long as it is, keeping `detail`
/// lines and a blank one under it.
fn below(area: Rect, rows: usize, detail: u16) -> u16 {
    let room = area.height.saturating_sub(1 + detail + 1);
    let h = (rows as u16).saturating_add(1).min(room).max(2);
    area.height.saturating_sub(h)
}

use crate::domain::text::count;

/// The heading of a section on a class: "7А · …", or why there is none.
fn class_heading(ctx: &Ctx, area: Rect, rest: &str, buf: &mut Buffer) -> bool {
    let t = ctx.theme;
    match (ctx.class(), ctx.year) {
        (Some(c), Some(y)) => {
            line(
                area,
                0,
                &format!("{} · {} · {rest}", c.name, y.label),
                t.header,
                buf,
            );
            true
        }
        (_, None) => {
            line(
                area,
                0,
                "No school year yet: add one in the Year section.",
                t.dim,
                buf,
            );
            false
        }
        (None, Some(_)) => {
            line(
                area,
                0,
                "No classes yet: add one in the Classes section (a).",
                t.dim,
                buf,
            );
            false
        }
    }
}

fn draw_year(p: &SchoolPane, ctx: &Ctx, area: Rect, buf: &mut Buffer) {
    let t = ctx.theme;
    let current = ctx.year.map(|y| y.id);
    let range = |a, b| format!("{}–{}", dates::full(a), dates::full(b));
    let head = match ctx.year {
        Some(y) => format!(
            "School year {} · {} · {}, {}, {}",
            y.label,
            range(y.starts_on, y.ends_on),
            count(p.periods.len(), "period", "periods"),
            count(p.holidays.len(), "holiday", "holidays"),
            count(p.bells.len(), "bell", "bells")
        ),
        None => String::new(),
    };
    line(area, 0, &head, t.header, buf);
    let span = |r: usize| -> Option<(String, Style)> {
        let YearRow::Heading(k) = *p.year_rows.get(r)? else {
            return None;
        };
        let (title, n, key) = match k {
            CalendarKind::Year => ("School years", p.years.len(), "a or y"),
            CalendarKind::Period => ("Periods", p.periods.len(), "a or p"),
            CalendarKind::Holiday => ("Holidays and non-school days", p.holidays.len(), "a or v"),
            CalendarKind::Bell => ("Bell times", p.bells.len(), "a or b"),
        };
        Some(if n == 0 {
            (format!("{title}: none yet ({key} adds one)"), t.marker)
        } else {
            (format!("{title} ({key} adds one)"), t.header)
        })
    };
    let cell = |r: usize, c: usize| -> (String, Style) {
        let text = match p.year_rows.get(r) {
            Some(YearRow::Year(i)) => p.years.get(*i).map(|y| {
                [
                    format!("  {}", y.label),
                    range(y.starts_on, y.ends_on),
                    if Some(y.id) == current {
                        format!("{} (current)", y.status.as_str())
                    } else {
                        y.status.as_str().to_string()
                    },
                ]
            }),
            Some(YearRow::Period(i)) => p.periods.get(*i).map(|x| {
                [
                    format!("  {}", x.label),
                    range(x.starts_on, x.ends_on),
                    format!("{} {}", x.kind.as_str(), x.number),
                ]
            }),
            Some(YearRow::Holiday(i)) => p.holidays.get(*i).map(|h| {
                [
                    format!("  {}", h.label),
                    range(h.starts_on, h.ends_on),
                    h.kind.as_str().replace('_', "-"),
                ]
            }),
            Some(YearRow::Bell(i)) => p.bells.get(*i).map(|b| {
                [
                    format!("  lesson {}", b.lesson_no),
                    format!("{}–{}", b.starts_at, b.ends_at),
                    String::new(),
                ]
            }),
            _ => None,
        };
        (text.map(|a| a[c].clone()).unwrap_or_default(), t.text)
    };
    let table = Table::new(
        vec![
            Column::left(0, &[""]),
            Column::left(23, &["Dates"]),
            Column::left(16, &["Kind"]),
        ],
        p.year_rows.len(),
        &cell,
        &p.offsets[0],
        t,
    )
    .span(&span)
    .cursor(Some(p.row()));
    table.render_below(area, 1, 1, &p.pages[0], buf);
}

fn draw_classes(p: &SchoolPane, ctx: &Ctx, area: Rect, buf: &mut Buffer) {
    let t = ctx.theme;
    let Some(y) = ctx.year else {
        line(
            area,
            0,
            "No school year yet: add one in the Year section.",
            t.dim,
            buf,
        );
        return;
    };
    let students: usize = p.classes.iter().map(|c| c.students).sum();
    line(
        area,
        0,
        &format!(
            "{} · {}, {} on {}",
            y.label,
            count(p.classes.len(), "class", "classes"),
            count(students, "student", "students"),
            dates::full(super::school_day(ctx))
        ),
        t.header,
        buf,
    );
    if p.classes.is_empty() {
        line(
            area,
            2,
            "No classes yet: a adds one (7А, with its class teacher).",
            t.marker,
            buf,
        );
        return;
    }
    // The groups of the class under the cursor below the list.
    let detail = 5u16.min(area.height.saturating_sub(4));
    let cell = |r: usize, c: usize| -> (String, Style) {
        let Some(s) = p.classes.get(r) else {
            return (String::new(), t.text);
        };
        match c {
            0 => (s.class.name.clone(), t.text),
            1 => match &s.teacher {
                Some(n) => (n.clone(), t.text),
                None => ("(no class teacher: e sets one)".into(), t.dim),
            },
            2 => (s.students.to_string(), t.text),
            _ => (
                s.groups
                    .iter()
                    .map(|g| format!("{} ({})", g.group.name, g.members.len()))
                    .collect::<Vec<_>>()
                    .join(", "),
                t.text,
            ),
        }
    };
    let table = Table::new(
        vec![
            Column::left(6, &["Class"]),
            Column::left(0, &["Class teacher"]),
            Column::right(8, &["Students"]),
            Column::left(0, &["Groups"]),
        ],
        p.classes.len(),
        &cell,
        &p.offsets[1],
        t,
    )
    .cursor(Some(p.row()));
    let r = table.render_below(
        area,
        1,
        below(area, p.classes.len(), detail),
        &p.pages[1],
        buf,
    );
    let Some(c) = p.classes.get(p.row()) else {
        return;
    };
    let mut lines = vec![];
    if c.groups.is_empty() {
        lines.push((
            format!(
                "{}: no groups (R adds one: a language or PE subgroup)",
                c.class.name
            ),
            t.dim,
        ));
    }
    for g in &c.groups {
        let members = if g.members.is_empty() {
            "no one yet (r on Students puts a student in it)".to_string()
        } else {
            g.members.join(", ")
        };
        lines.push((
            format!("{} {}: {members}", c.class.name, g.group.name),
            t.text,
        ));
    }
    let y0 = r.bottom() + 1;
    for (i, (text, style)) in lines.iter().take(detail as usize).enumerate() {
        put(
            buf,
            area,
            area.x + 1,
            y0 + i as u16,
            area.width as usize - 1,
            text,
            *style,
        );
    }
}

/// "01.09–", "01.09–15.12".
fn stay_text(e: &crate::domain::Enrolment) -> String {
    format!(
        "{}–{}",
        dates::short(e.starts_on),
        e.ends_on.map(dates::short).unwrap_or_default()
    )
}

fn draw_students(p: &SchoolPane, ctx: &Ctx, area: Rect, buf: &mut Buffer) {
    let t = ctx.theme;
    let day = super::school_day(ctx);
    let now = p
        .roster
        .iter()
        .filter(|r| r.stays.iter().any(|e| e.covers(day)))
        .count();
    let orders: usize = p.roster.iter().map(|r| r.orders_to_enter().len()).sum();
    let rest = format!(
        "{} on {}{} · c another class",
        count(now, "student", "students"),
        dates::full(day),
        if orders > 0 {
            format!(" · {} to enter (o)", count(orders, "order", "orders"))
        } else {
            String::new()
        }
    );
    if !class_heading(ctx, area, &rest, buf) {
        return;
    }
    if p.roster.is_empty() {
        line(
            area,
            2,
            "No students in this class yet: a adds one.",
            t.marker,
            buf,
        );
        return;
    }
    let detail = 3u16.min(area.height.saturating_sub(4));
    let cell = |r: usize, c: usize| -> (String, Style) {
        let Some(row) = p.roster.get(r) else {
            return (String::new(), t.text);
        };
        let s = &row.student;
        let stay = row.stay_on(day);
        let gone = stay.is_some_and(|e| !e.covers(day));
        let style = if gone { t.dim } else { t.text };
        match c {
            0 => (
                format!(
                    "{}{}",
                    s.full_name(),
                    if row.departure_pending {
                        " (leaving?)"
                    } else {
                        ""
                    }
                ),
                if row.departure_pending {
                    t.marker
                } else {
                    style
                },
            ),
            1 => (
                s.birth_date.map(dates::full).unwrap_or_else(|| "?".into()),
                style,
            ),
            2 => (s.sex.map_or("?", |x| x.as_str()).to_string(), style),
            3 => (stay.map(stay_text).unwrap_or_default(), style),
            _ => {
                let missing = row.orders_to_enter();
                match (missing.first(), stay) {
                    (Some((_, true)), _) => ("end order: to enter".into(), t.bad),
                    (Some(_), _) => ("to enter (o)".into(), t.bad),
                    (None, Some(e)) => (
                        match (&e.end_order_no, &e.start_order_no) {
                            (Some(n), _) => format!("end №{n}"),
                            (None, Some(n)) => format!(
                                "№{n} {}",
                                e.start_order_date.map(dates::full).unwrap_or_default()
                            ),
                            _ => String::new(),
                        },
                        style,
                    ),
                    (None, None) => (String::new(), style),
                }
            }
        }
    };
    let table = Table::new(
        vec![
            Column::left(0, &["Student"]),
            Column::left(10, &["Born"]),
            Column::left(1, &["S"]),
            Column::left(11, &["In class"]),
            Column::left(17, &["Order"]),
        ],
        p.roster.len(),
        &cell,
        &p.offsets[2],
        t,
    )
    .cursor(Some(p.row()));
    let r = table.render_below(
        area,
        1,
        below(area, p.roster.len(), detail),
        &p.pages[2],
        buf,
    );
    let Some(row) = p.roster.get(p.row()) else {
        return;
    };
    let mut lines: Vec<String> = vec![];
    let stays: Vec<String> = row
        .stays
        .iter()
        .map(|e| {
            let mut s = format!(
                "{} {}",
                e.start_reason.as_str().replace('_', " "),
                dates::full(e.starts_on)
            );
            if let Some(d) = e.ends_on {
                s.push_str(&format!(
                    ", {} {}",
                    e.end_reason.map_or("end", |r| r.as_str()).replace('_', " "),
                    dates::full(d)
                ));
            }
            s
        })
        .collect();
    lines.push(format!("Stays: {}", stays.join("; ")));
    lines.push(format!(
        "Groups: {} · R puts in a group, M arrives/leaves/moves",
        if row.groups.is_empty() {
            "none".to_string()
        } else {
            row.groups.join(", ")
        }
    ));
    let guardians: Vec<String> = row
        .guardians
        .iter()
        .map(|(g, rel)| {
            format!(
                "{} ({}{})",
                crate::domain::text::short_name(
                    &g.family_name,
                    &g.given_name,
                    g.patronymic.as_deref()
                ),
                rel.as_str(),
                g.phone.as_ref().map_or(String::new(), |p| format!(", {p}"))
            )
        })
        .collect();
    lines.push(format!(
        "Guardians: {} · F adds one",
        if guardians.is_empty() {
            "none".to_string()
        } else {
            guardians.join(", ")
        }
    ));
    let y0 = r.bottom() + 1;
    for (i, text) in lines.iter().take(detail as usize).enumerate() {
        put(
            buf,
            area,
            area.x + 1,
            y0 + i as u16,
            area.width as usize - 1,
            text,
            t.text,
        );
    }
}

fn draw_staff(p: &SchoolPane, ctx: &Ctx, area: Rect, buf: &mut Buffer) {
    let t = ctx.theme;
    let active = p.staff.iter().filter(|s| s.active).count();
    line(
        area,
        0,
        &format!("Staff · {active} active · a adds someone"),
        t.header,
        buf,
    );
    if p.staff.is_empty() {
        line(
            area,
            2,
            "No staff yet: a adds a teacher (the login is optional).",
            t.marker,
            buf,
        );
        return;
    }
    let cell = |r: usize, c: usize| -> (String, Style) {
        let Some(s) = p.staff.get(r) else {
            return (String::new(), t.text);
        };
        let style = if s.active { t.text } else { t.dim };
        match c {
            0 => (s.full_name(), style),
            1 => (s.login.clone().unwrap_or_default(), style),
            _ => (
                s.roles
                    .iter()
                    .map(|r| r.as_str().replace('_', " "))
                    .collect::<Vec<_>>()
                    .join(", "),
                style,
            ),
        }
    };
    let table = Table::new(
        vec![
            Column::left(0, &["Name"]),
            Column::left(14, &["Login"]),
            Column::left(26, &["Roles"]),
        ],
        p.staff.len(),
        &cell,
        &p.offsets[3],
        t,
    )
    .cursor(Some(p.row()));
    table.render_below(area, 1, 1, &p.pages[3], buf);
}

fn draw_curriculum(p: &SchoolPane, ctx: &Ctx, area: Rect, buf: &mut Buffer) {
    let t = ctx.theme;
    let hours: f64 = p.curriculum.iter().filter_map(|c| c.hours).sum::<f64>() + 0.0;
    let rest = format!(
        "{}, {} h a week · c another class",
        count(p.curriculum.len(), "subject", "subjects"),
        hours_text(hours)
    );
    if !class_heading(ctx, area, &rest, buf) {
        return;
    }
    if p.curriculum.is_empty() {
        line(
            area,
            2,
            "No subjects for this class yet: a adds one (subject, hours a week, teacher).",
            t.marker,
            buf,
        );
        return;
    }
    let cell = |r: usize, c: usize| -> (String, Style) {
        let Some(row) = p.curriculum.get(r) else {
            return (String::new(), t.text);
        };
        match c {
            0 => (row.subject.name.clone(), t.text),
            1 => (row.subject.short_name.clone(), t.text),
            2 => match row.hours {
                Some(h) => (hours_text(h), t.text),
                None => ("—".into(), t.dim),
            },
            _ if row.teaching.is_empty() => ("(no teacher: e sets one)".into(), t.dim),
            _ => (
                row.teaching
                    .iter()
                    .map(|(g, n)| match g {
                        Some(g) => format!("{g}: {n}"),
                        None => n.clone(),
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
                t.text,
            ),
        }
    };
    let table = Table::new(
        vec![
            Column::left(0, &["Subject"]),
            Column::left(8, &["Short"]),
            Column::right(5, &["Hours"]),
            Column::left(0, &["Teacher"]),
        ],
        p.curriculum.len(),
        &cell,
        &p.offsets[4],
        t,
    )
    .cursor(Some(p.row()));
    table.render_below(area, 1, 1, &p.pages[4], buf);
}

fn draw_timetable(p: &SchoolPane, ctx: &Ctx, area: Rect, buf: &mut Buffer) {
    let t = ctx.theme;
    let day = super::school_day(ctx);
    let rest = format!("the week in force on {}", dates::long(day));
    if !class_heading(ctx, area, &rest, buf) {
        return;
    }
    let lessons = p.lessons();
    if lessons.is_empty() {
        line(
            area,
            2,
            "No bell times yet: add them in the Year section (b), then set lessons here.",
            t.marker,
            buf,
        );
        return;
    }
    let days = p.days();
    let label_w = 6u16;
    let x0 = area.x + 1;
    let gx = x0 + label_w;
    let cw = ((area.right().saturating_sub(gx)) / days as u16).max(4);
    const NAMES: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];
    let hy = area.y + 1;
    for (d, name) in NAMES.iter().enumerate().take(days) {
        let style = if d == p.day { t.cursor } else { t.header };
        put(buf, area, gx + d as u16 * cw, hy, 2, name, style);
    }
    // Two lines a lesson; one line at the bottom for the cell under the cursor.
    let visible = ((area.height.saturating_sub(3)) / 2).max(1) as usize;
    p.pages[5].set(visible);
    let row = p.row();
    let off = scroll(&p.offsets[5], row, visible, lessons.len());
    let bell = |n: u8| p.bells.iter().find(|b| b.lesson_no == n);
    for (i, &lesson) in lessons.iter().enumerate().skip(off).take(visible) {
        let y = hy + 1 + ((i - off) * 2) as u16;
        let ls = if i == row { t.cursor } else { t.header };
        put(
            buf,
            area,
            x0,
            y,
            label_w as usize - 1,
            &format!("{lesson:>2}"),
            ls,
        );
        if let Some(b) = bell(lesson) {
            put(
                buf,
                area,
                x0,
                y + 1,
                label_w as usize - 1,
                &b.starts_at,
                t.dim,
            );
        }
        for d in 0..days {
            let slots: Vec<_> = p
                .week
                .iter()
                .filter(|s| s.slot.weekday as usize == d + 1 && s.slot.lesson_no == lesson)
                .collect();
            let x = gx + d as u16 * cw;
            let w = cw as usize - 1;
            let at = i == row && d == p.day;
            let (l1, l2, style) = match slots.first() {
                None => ("·".to_string(), String::new(), t.dim),
                Some(s) => {
                    let mut l1 = if s.subject_short.is_empty() {
                        s.subject.clone()
                    } else {
                        s.subject_short.clone()
                    };
                    let one_subject = slots.iter().all(|x| x.slot.subject_id == s.slot.subject_id);
                    if slots.len() > 1 && one_subject {
                        // The groups of a split lesson: "Англ ×2".
                        l1 = format!("{} ×{}", fit(&l1, w.saturating_sub(3)), slots.len());
                    } else if slots.len() > 1 {
                        l1 = format!("{} +{}", fit(&l1, w.saturating_sub(3)), slots.len() - 1);
                    } else if let Some(g) = &s.group {
                        l1 = format!("{l1}/{g}");
                    }
                    let future = s.slot.valid_from > day;
                    let l2 = if future {
                        format!("from {}", dates::short(s.slot.valid_from))
                    } else if slots.iter().any(|x| x.slot.teacher_id != s.slot.teacher_id) {
                        format!("{} teachers", slots.len())
                    } else {
                        s.teacher.clone()
                    };
                    (l1, l2, if future { t.marker } else { t.text })
                }
            };
            let style = if at { style.patch(t.cursor) } else { style };
            put(buf, area, x, y, w, &pad(&l1, w), style);
            put(
                buf,
                area,
                x,
                y + 1,
                w,
                &pad(&l2, w),
                if at { style } else { t.dim },
            );
        }
    }
    // The cell under the cursor, in full.
    let cell = p.cell();
    let lesson = lessons.get(row).copied().unwrap_or(0);
    let when = format!(
        "{} lesson {lesson}{}",
        NAMES[p.day.min(6)],
        bell(lesson).map_or(String::new(), |b| format!(" {}–{}", b.starts_at, b.ends_at))
    );
    let text = if cell.is_empty() {
        format!("{when}: no lesson · Enter sets one")
    } else {
        let parts: Vec<String> = cell
            .iter()
            .map(|s| {
                format!(
                    "{}{}, {}{}, from {}{}",
                    s.subject,
                    s.group
                        .as_ref()
                        .map_or(String::new(), |g| format!(" ({g})")),
                    s.teacher,
                    if s.slot.room.is_empty() {
                        String::new()
                    } else {
                        format!(", room {}", s.slot.room)
                    },
                    dates::full(s.slot.valid_from),
                    s.slot
                        .valid_to
                        .map_or(String::new(), |d| format!(" to {}", dates::full(d)))
                )
            })
            .collect();
        format!("{when}: {}", parts.join("; "))
    };
    put(
        buf,
        area,
        area.x + 1,
        area.bottom() - 1,
        area.width as usize - 1,
        &text,
        t.text,
    );
}
