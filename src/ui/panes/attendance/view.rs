//! Drawing the Attendance tab: the day grid, the period grid, the reasons
//! to give, the code table, the online view and the lessons not taken, with
//! the go-to-date prompt and the forms over them.

use super::*;

/// Draw the attendance tab into `area`.
pub(super) fn draw(p: &AttendancePane, ctx: &Ctx, area: Rect, buf: &mut Buffer) {
    let t = ctx.theme;
    if p.view.is_none() && p.show == Show::Day || ctx.class().is_none() {
        let why = if ctx.classes.is_empty() {
            "No classes in this school year."
        } else {
            "Nothing to show."
        };
        put(
            buf,
            area,
            area.x + 1,
            area.y + 1,
            area.width as usize,
            why,
            t.dim,
        );
        return;
    }
    match p.show {
        Show::Day => draw_day(p, ctx, area, buf),
        Show::Period => draw_period(p, ctx, area, buf),
        Show::Reasons => draw_reasons(p, ctx, area, buf),
        Show::Codes => draw_codes(p, ctx, area, buf),
        Show::Online => draw_online(p, ctx, area, buf),
        Show::NotTaken => draw_not_taken(p, ctx, area, buf),
    }
    // The date being typed after `d`, over the pane's last line.
    if let Some((text, error)) = &p.date_input
        && area.height > 0
    {
        let y = area.bottom() - 1;
        let w = area.width as usize;
        for x in area.x..area.right() {
            buf[(x, y)].reset();
        }
        let label = "Go to the day DD.MM (Enter, Esc): ";
        let x = put(
            buf,
            area,
            area.x + 1,
            y,
            w.saturating_sub(1),
            label,
            t.header,
        );
        let typed = format!("{text}▏");
        let x = put(buf, area, x, y, 12, &typed, t.cursor);
        if let Some(e) = error {
            put(
                buf,
                area,
                x + 1,
                y,
                area.right().saturating_sub(x + 1) as usize,
                e,
                t.bad,
            );
        }
    }
}

fn draw_not_taken(p: &AttendancePane, ctx: &Ctx, area: Rect, buf: &mut Buffer) {
    let t = ctx.theme;
    let w = area.width.saturating_sub(1) as usize;
    let n: usize = p.not_taken.iter().map(|x| x.lessons.len()).sum();
    let head = format!(
        "Not taken yet on {}: {n} lessons, {} teachers (the whole school)",
        dates::long(ctx.working_date),
        p.not_taken.len()
    );
    put(buf, area, area.x + 1, area.y, w, &head, t.header);
    let rows: Vec<(String, Vec<String>)> = p
        .not_taken
        .iter()
        .map(|x| {
            let lessons = x
                .lessons
                .iter()
                .map(|(no, class, subject)| format!("{class} {no} {subject}"));
            (x.teacher.clone(), lessons.collect())
        })
        .collect();
    let list = CountList {
        empty: "Every lesson of the working day has its attendance taken.",
        headers: ["Teacher", "Class, lesson, subject"],
        rows: &rows,
        cursor: p.nrow,
        offset: &p.noffset,
        footer: "Esc: back to the grid",
    };
    list.draw(ctx, area, buf);
}

/// A list of people, each with a count and the items counted (teachers and
/// their lessons not taken; students and their lessons without a reason).
struct CountList<'a> {
    /// Shown instead of the table when there are no rows.
    empty: &'a str,
    /// The name column's and the items column's headers.
    headers: [&'a str; 2],
    rows: &'a [(String, Vec<String>)],
    cursor: usize,
    offset: &'a Cell<usize>,
    footer: &'a str,
}

impl CountList<'_> {
    /// Draw below the title line of `area`, with the footer on its last line.
    fn draw(&self, ctx: &Ctx, area: Rect, buf: &mut Buffer) {
        let t = ctx.theme;
        let w = area.width.saturating_sub(1) as usize;
        if self.rows.is_empty() {
            put(buf, area, area.x + 1, area.y + 2, w, self.empty, t.dim);
            return;
        }
        let rows = self.rows;
        let cell = |r: usize, c: usize| -> (String, Style) {
            let (name, items) = &rows[r];
            match c {
                0 => (name.clone(), t.text),
                1 => (items.len().to_string(), t.bad),
                _ => (items.join(", "), t.dim),
            }
        };
        let table = Table::new(
            vec![
                Column::left(28, &[self.headers[0]]),
                Column::right(3, &["n"]),
                Column::left(0, &[self.headers[1]]),
            ],
            rows.len(),
            &cell,
            self.offset,
            t,
        )
        .cursor(Some(self.cursor));
        let table_area = Rect {
            x: area.x,
            y: area.y + 1,
            width: area.width,
            height: area.height.saturating_sub(2),
        };
        table.render(table_area, buf);
        put(
            buf,
            area,
            area.x + 1,
            area.bottom() - 1,
            w,
            self.footer,
            t.dim,
        );
    }
}

fn draw_online(p: &AttendancePane, ctx: &Ctx, area: Rect, buf: &mut Buffer) {
    let t = ctx.theme;
    let w = area.width.saturating_sub(1) as usize;
    let cannot = p
        .census
        .iter()
        .filter(|r| r.can_attend_online() != Some(true))
        .count();
    let rest = if p.cannot_only {
        format!("  cannot attend online: {cannot} (N: everyone)")
    } else {
        format!(
            "  {} students, cannot attend online: {cannot} (N: only them)",
            p.census.len()
        )
    };
    title(ctx, area, buf, "  Devices ", "", &rest);
    let rows = &p.census;
    let yes_no = |b: Option<bool>| match b {
        Some(true) => "yes".to_string(),
        Some(false) => "no".to_string(),
        None => "?".to_string(),
    };
    let name_w = rows
        .iter()
        .map(|r| width(&r.name))
        .max()
        .unwrap_or(7)
        .clamp(7, if area.width >= 120 { 32 } else { 22 }) as u16;
    let frozen_cell = |r: usize, _c: usize| -> (String, Style) { (rows[r].name.clone(), t.text) };
    let cell = |r: usize, c: usize| -> (String, Style) {
        let row = &rows[r];
        match c {
            0..=4 => {
                let v = row.census.as_ref().map(|x| att::Device::ALL[c].get(x));
                (yes_no(v), if v == Some(true) { t.text } else { t.dim })
            }
            5 => match row.can_attend_online() {
                Some(true) => ("yes".into(), t.good),
                Some(false) => ("NO".into(), t.bad),
                None => ("no census".into(), t.marker),
            },
            _ => (
                match row.followups.len() {
                    0 => String::new(),
                    n => n.to_string(),
                },
                t.text,
            ),
        }
    };
    let head = |a: &str| Column {
        header: vec![String::new(), String::new(), a.to_string()],
        width: 5,
        align_right: false,
    };
    let grid = Grid {
        frozen: vec![Column::left(name_w, &["", "", "Student"])],
        columns: vec![
            head("comp"),
            head("tabl"),
            head("phone"),
            head("TV"),
            head("inet"),
            Column {
                header: vec![String::new(), String::new(), "online".into()],
                width: 9,
                align_right: false,
            },
            Column {
                header: vec![String::new(), String::new(), "f-ups".into()],
                width: 5,
                align_right: true,
            },
        ],
        rows: rows.len(),
        header_rows: 3,
        header: None,
        frozen_cell: &frozen_cell,
        cell: &cell,
        cursor: Some((p.orow, p.ocol)),
        row_offset: &p.ooffset,
        col_offset: &Cell::new(0),
        theme: t,
    };
    let grid_area = Rect {
        x: area.x,
        y: area.y + 1,
        width: area.width,
        height: area.height.saturating_sub(4),
    };
    grid.render(grid_area, buf);
    // The cursor student's latest follow-ups.
    let staff_name = |id: Id| {
        p.staff
            .iter()
            .find(|(s, _)| *s == id)
            .map_or(String::new(), |(_, n)| n.clone())
    };
    let lines: Vec<String> = match rows.get(p.orow) {
        Some(r) if r.followups.is_empty() => {
            vec![format!(
                "{}: no follow-ups · + adds one · Enter toggles a device",
                r.name
            )]
        }
        Some(r) => r
            .followups
            .iter()
            .rev()
            .take(2)
            .map(|f| {
                format!(
                    "{} {} {}: {}",
                    dates::full(f.date),
                    f.method.as_str().replace('_', " "),
                    staff_name(f.by_staff_id),
                    f.note
                )
            })
            .collect(),
        None => vec!["No students.".into()],
    };
    let y0 = area.bottom().saturating_sub(3);
    for (i, l) in lines.iter().enumerate() {
        put(buf, area, area.x + 1, y0 + i as u16, w, &fit(l, w), t.dim);
    }
    if let Some(f) = &p.followup {
        crate::ui::widgets::form::draw(t, f, 64, area, buf);
    }
}

fn draw_codes(p: &AttendancePane, ctx: &Ctx, area: Rect, buf: &mut Buffer) {
    let t = ctx.theme;
    let w = area.width.saturating_sub(1) as usize;
    put(
        buf,
        area,
        area.x + 1,
        area.y,
        w,
        "Attendance codes",
        t.header,
    );
    let codes = &p.codes;
    let uses = &p.code_uses;
    let cell = |r: usize, c: usize| -> (String, Style) {
        let x = &codes[r];
        let style = if x.hidden { t.dim } else { t.text };
        match c {
            0 => (x.code.clone(), if x.hidden { t.dim } else { t.header }),
            1 => (x.key.clone().unwrap_or_default(), style),
            2 => (x.category.label().to_string(), style),
            3 => (
                x.reason
                    .map(|r| r.as_str().replace('_', " "))
                    .unwrap_or_default(),
                style,
            ),
            4 => (uses.get(r).map_or(String::new(), |u| u.to_string()), style),
            5 => (
                if x.hidden {
                    "hidden".into()
                } else {
                    String::new()
                },
                t.dim,
            ),
            _ => (x.label.clone(), style),
        }
    };
    let table = Table::new(
        vec![
            Column::left(4, &["Code"]),
            Column::left(3, &["Key"]),
            Column::left(18, &["Category"]),
            Column::left(14, &["Reason"]),
            Column::right(5, &["Uses"]),
            Column::left(6, &[""]),
            Column::left(0, &["Label"]),
        ],
        codes.len(),
        &cell,
        &p.coffset,
        t,
    )
    .cursor(Some(p.crow));
    let table_area = Rect {
        x: area.x,
        y: area.y + 1,
        width: area.width,
        height: area.height.saturating_sub(2),
    };
    table.render(table_area, buf);
    put(
        buf,
        area,
        area.x + 1,
        area.bottom() - 1,
        w,
        "Enter edit · + add · Backspace hide (delete if unused; again: show) · Esc back",
        t.dim,
    );
    if let Some(f) = &p.form {
        crate::ui::widgets::form::draw(t, f, 60, area, buf);
    }
}

fn title(ctx: &Ctx, area: Rect, buf: &mut Buffer, what: &str, when: &str, rest: &str) -> u16 {
    let t = ctx.theme;
    let w = area.width as usize;
    let class = ctx.class().map(|c| c.name.as_str()).unwrap_or("");
    let mut x = area.x + 1;
    x = put(buf, area, x, area.y, w, "Class ", t.dim);
    x = put(buf, area, x, area.y, w, class, t.header);
    x = put(buf, area, x, area.y, w, what, t.dim);
    x = put(buf, area, x, area.y, w, when, t.header);
    put(buf, area, x, area.y, w, rest, t.dim)
}

fn draw_day(p: &AttendancePane, ctx: &Ctx, area: Rect, buf: &mut Buffer) {
    let t = ctx.theme;
    let Some(v) = &p.view else { return };
    let not_taken = v.lessons.iter().filter(|l| !l.taken).count();
    let mut summary = format!("  {} lessons", v.lessons.len());
    if not_taken > 0 {
        summary.push_str(&format!(", {not_taken} not taken"));
    }
    let absent: usize = v.students.iter().map(|s| s.absences).sum();
    summary.push_str(&format!(", {absent} absences"));
    if p.anchor.is_some() {
        summary.push_str("  RANGE");
    }
    title(ctx, area, buf, "  Day ", &dates::long(v.date), &summary);
    let w = area.width.saturating_sub(1) as usize;
    if let Some(h) = &v.holiday {
        let text = format!(
            "Holiday: {} ({}–{}). No lessons; [ and ] go to school days.",
            h.label,
            dates::short(h.starts_on),
            dates::short(h.ends_on)
        );
        put(buf, area, area.x + 1, area.y + 2, w, &text, t.marker);
        return;
    }
    if v.date > ctx.working_date {
        put(
            buf,
            area,
            area.x + 1,
            area.bottom().saturating_sub(1),
            w,
            "After the working date: attendance cannot be entered yet.",
            t.dim,
        );
    }
    if v.lessons.is_empty() {
        let text = if v.weekend {
            "A day off: no lessons."
        } else {
            "No lessons recorded for this class on this day."
        };
        put(buf, area, area.x + 1, area.y + 2, w, text, t.dim);
        return;
    }
    if v.students.is_empty() {
        put(
            buf,
            area,
            area.x + 1,
            area.y + 2,
            w,
            "No students enrolled on this day.",
            t.dim,
        );
        return;
    }
    let students = &v.students;
    let lessons = &v.lessons;
    let name_max = if area.width >= 120 { 32 } else { 24 };
    let name_w = students
        .iter()
        .map(|s| width(&s.name))
        .max()
        .unwrap_or(7)
        .clamp(7, name_max) as u16;
    let frozen_cell = |r: usize, c: usize| -> (String, Style) {
        let s = &students[r];
        match c {
            0 => (s.name.clone(), t.text),
            _ if s.absences == 0 => (String::new(), t.text),
            _ => (s.absences.to_string(), t.bad),
        }
    };
    let ((r0, r1), (c0, c1)) = p.selection();
    let ranged = p.anchor.is_some();
    let selected = Style::default().add_modifier(Modifier::REVERSED);
    let cell = |r: usize, c: usize| -> (String, Style) {
        let (text, style) = match &students[r].cells[c] {
            DayCell::NotEnrolled => ("–".into(), t.dim),
            DayCell::Present => (String::new(), t.text),
            DayCell::NotTaken => ("?".into(), t.dim),
            DayCell::Code {
                code_id,
                code,
                category,
                comment,
            } => {
                let code = p.shown_code(*code_id, code);
                let text = match comment {
                    Some(k) => format!("{code}+{k}"),
                    None => code,
                };
                (
                    text,
                    if category.is_absent() {
                        t.bad
                    } else {
                        t.marker
                    },
                )
            }
        };
        if p.changed
            .contains(&(lessons[c].lesson.id, students[r].student_id))
        {
            // Someone else changed it: marked until the next key.
            let text = if text.is_empty() { "·".into() } else { text };
            return (text, t.changed);
        }
        if ranged && (r0..=r1).contains(&r) && (c0..=c1).contains(&c) {
            let text = if text.is_empty() { "·".into() } else { text };
            (text, style.patch(selected))
        } else {
            (text, style)
        }
    };
    let grid = Grid {
        frozen: vec![
            Column::left(name_w, &["", "", "Student"]),
            Column::right(3, &["", "", "abs"]),
        ],
        columns: lessons
            .iter()
            .map(|l| {
                let first = match &l.group {
                    Some(g) => format!("{} {g}", l.lesson.lesson_no),
                    None => l.lesson.lesson_no.to_string(),
                };
                let third = match (l.taken, l.lesson.mode) {
                    (false, LessonMode::Online) => "n/t on".to_string(),
                    (false, _) => "n/t".to_string(),
                    (true, LessonMode::Online) => "online".to_string(),
                    (true, _) => String::new(),
                };
                Column {
                    header: vec![first, l.subject.clone(), third],
                    width: 6,
                    align_right: false,
                }
            })
            .collect(),
        rows: students.len(),
        header_rows: 3,
        header: None,
        frozen_cell: &frozen_cell,
        cell: &cell,
        cursor: Some((p.row, p.col)),
        row_offset: &p.row_offset,
        col_offset: &p.col_offset,
        theme: t,
    };
    let grid_area = Rect {
        x: area.x,
        y: area.y + 1,
        width: area.width,
        height: area.height.saturating_sub(2),
    };
    p.page.set(grid_area.height.saturating_sub(3) as usize);
    grid.render(grid_area, buf);
    // Legend: the codes of this day, from the code table, and the markers.
    let mut seen: Vec<(String, String)> = Vec::new();
    for s in students {
        for c in &s.cells {
            if let DayCell::Code {
                code_id,
                code,
                category,
                ..
            } = c
            {
                let shown = p.shown_code(*code_id, code);
                let what = p
                    .codes
                    .iter()
                    .find(|k| k.id == *code_id)
                    .filter(|k| shown != k.code)
                    .map_or_else(|| category.label().to_string(), |k| k.label.clone());
                if !seen.iter().any(|(k, _)| *k == shown) {
                    seen.push((shown, what));
                }
            }
        }
    }
    let mut legend: Vec<String> = seen.iter().map(|(c, what)| format!("{c} {what}")).collect();
    let comments: Vec<String> = students
        .iter()
        .flat_map(|s| s.cells.iter())
        .filter_map(|c| match c {
            DayCell::Code {
                comment: Some(k), ..
            } => Some(k.clone()),
            _ => None,
        })
        .collect();
    if let Some(k) = comments.first() {
        legend.push(format!("+{k} parent's comment"));
    }
    if not_taken > 0 {
        legend.push("? not taken".into());
    }
    legend.push("blank present".into());
    if v.date <= ctx.working_date {
        put(
            buf,
            area,
            area.x + 1,
            area.bottom() - 1,
            w,
            &legend.join(" · "),
            t.dim,
        );
    }
}

fn day_summary_cell(d: &DaySummary, t: &crate::ui::theme::Theme) -> (String, Style) {
    match d {
        DaySummary::Remote { lessons, code } => (format!("{lessons}{code}"), t.marker),
        DaySummary::NotEnrolled => ("–".into(), t.dim),
        DaySummary::NoLessons => (String::new(), t.dim),
        DaySummary::Present => (String::new(), t.text),
        DaySummary::NotTaken => ("?".into(), t.dim),
        DaySummary::Absent {
            lessons,
            code,
            category,
        } => (
            format!("{lessons}{code}"),
            if category.is_absent() {
                t.bad
            } else {
                t.marker
            },
        ),
    }
}

fn draw_period(p: &AttendancePane, ctx: &Ctx, area: Rect, buf: &mut Buffer) {
    let t = ctx.theme;
    let label = p
        .period_idx
        .and_then(|i| ctx.periods.get(i))
        .map(|x| x.label.clone())
        .unwrap_or_default();
    let Some(v) = &p.period else {
        title(ctx, area, buf, "  Period ", &label, "  nothing to show");
        return;
    };
    let range = format!(
        " ({}–{})  attended {}",
        dates::short(v.from),
        dates::short(v.to),
        v.total.attended_text()
    );
    title(ctx, area, buf, "  Period ", &label, &range);
    let w = area.width.saturating_sub(1) as usize;
    if v.students.is_empty() || v.days.is_empty() {
        put(
            buf,
            area,
            area.x + 1,
            area.y + 2,
            w,
            "No students or school days in this period.",
            t.dim,
        );
        return;
    }
    let students = &v.students;
    let days = &v.days;
    let name_w = students
        .iter()
        .map(|s| width(&s.name))
        .max()
        .unwrap_or(7)
        .clamp(7, if area.width >= 120 { 32 } else { 20 }) as u16;
    let frozen_cell = |r: usize, c: usize| -> (String, Style) {
        let s = &students[r];
        match c {
            0 => (s.name.clone(), t.text),
            1 => (
                s.counts.absent().to_string(),
                if s.counts.absent() > 0 { t.bad } else { t.dim },
            ),
            _ => (s.counts.attended_text(), t.text),
        }
    };
    // Only the days on screen get their header lines.
    let day_header = |c: usize, line: usize| -> String {
        let d = &days[c];
        match line {
            0 => d.date.format("%d").to_string(),
            1 => dates::weekday(d.date).to_string(),
            _ if d.holiday.is_some() => "hol".into(),
            _ => d.date.format("%m").to_string(),
        }
    };
    let cell = |r: usize, c: usize| -> (String, Style) {
        if days[c].holiday.is_some() {
            return ("░".repeat(3), t.dim);
        }
        day_summary_cell(&students[r].days[c], t)
    };
    let grid = Grid {
        frozen: vec![
            Column::left(name_w, &["", "", "Student"]),
            Column::right(3, &["", "", "abs"]),
            Column::right(6, &["", "", "att"]),
        ],
        columns: vec![Column::left(3, &[]); days.len()],
        rows: students.len(),
        header_rows: 3,
        header: Some(&day_header),
        frozen_cell: &frozen_cell,
        cell: &cell,
        cursor: Some((p.prow, p.pcol)),
        row_offset: &p.prow_offset,
        col_offset: &p.pcol_offset,
        theme: t,
    };
    let grid_area = Rect {
        x: area.x,
        y: area.y + 1,
        width: area.width,
        height: area.height.saturating_sub(2),
    };
    p.ppage.set(grid_area.height.saturating_sub(3) as usize);
    grid.render(grid_area, buf);
    // The cursor's student and day, and the class total, as the CLI's
    // `attendance show --summary` prints them.
    let line = match (students.get(p.prow), days.get(p.pcol)) {
        (Some(s), Some(d)) => {
            let c = &s.counts;
            let day = match &d.holiday {
                Some(h) => format!(" · {} {h}", dates::short(d.date)),
                None => String::new(),
            };
            format!(
                "{} lessons · absent {}: excused {}, unexcused {}, no reason {} · remote {}{day}",
                c.lessons,
                c.absent(),
                c.absent_excused,
                c.absent_unexcused,
                c.absent_unspecified,
                c.present_remote,
            )
        }
        _ => String::new(),
    };
    put(
        buf,
        area,
        area.x + 1,
        area.bottom() - 1,
        w,
        &fit(&line, w),
        t.dim,
    );
}

fn draw_reasons(p: &AttendancePane, ctx: &Ctx, area: Rect, buf: &mut Buffer) {
    let rest = format!("  reasons to give: {}", p.reasons.len());
    title(ctx, area, buf, "  Day ", &dates::long(p.date), &rest);
    let rows: Vec<(String, Vec<String>)> = p
        .reasons
        .iter()
        .map(|x| {
            (
                x.name.clone(),
                x.lessons
                    .iter()
                    .map(|(_, n, s)| format!("{n} {s}"))
                    .collect(),
            )
        })
        .collect();
    let list = CountList {
        empty: "Every absence of this day has a reason. [ and ] go to other days.",
        headers: ["Student", "Lessons, reason not given"],
        rows: &rows,
        cursor: p.rrow,
        offset: &p.roffset,
        footer: "Enter: give a reason (all the student's lessons that day) · Esc: back",
    };
    list.draw(ctx, area, buf);
}
