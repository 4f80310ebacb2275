//! Drawing the Training tab: the sessions list, the roll call and the
//! standing, with an open form over them.

use super::*;

/// Draw the training tab into `area`: the screen, then an open form.
pub(super) fn draw(p: &TrainingPane, ctx: &Ctx, area: Rect, buf: &mut Buffer) {
    match p.screen {
        Screen::Sessions => draw_sessions(p, ctx, area, buf),
        Screen::RollCall => draw_roll(p, ctx, area, buf),
        Screen::Standing => draw_standing(p, ctx, area, buf),
    }
    if let Some(f) = &p.form {
        crate::ui::widgets::form::draw(ctx.theme, f, 72, area, buf);
    }
}

/// The sessions list.
fn draw_sessions(p: &TrainingPane, ctx: &Ctx, area: Rect, buf: &mut Buffer) {
    let t = ctx.theme;
    let Some(v) = &p.view else {
        put(
            buf,
            area,
            area.x + 1,
            area.y + 1,
            area.width as usize,
            "No training plan in this school year.",
            t.dim,
        );
        return;
    };
    let head = format!(
        "{} · semester {} of {} · {}–{}",
        v.plan.title,
        v.plan.semester,
        ctx.plans.len().max(1),
        dates::full(v.plan.starts_on),
        dates::full(v.plan.ends_on)
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
    let totals = format!(
        "{} sessions · {} hours · {} credits",
        v.sessions.len(),
        num(v.hours),
        num(v.credits)
    );
    put(
        buf,
        area,
        area.x + 1,
        area.y + 1,
        area.width as usize - 1,
        &totals,
        t.dim,
    );
    if v.sessions.is_empty() {
        put(
            buf,
            area,
            area.x + 1,
            area.y + 3,
            area.width as usize - 1,
            "No sessions planned.",
            t.dim,
        );
        return;
    }
    let sessions = &v.sessions;
    let wide = area.width >= 120;
    let cell = |r: usize, c: usize| -> (String, Style) {
        let s = &sessions[r];
        let x = &s.session;
        match c {
            0 => (
                format!("{} {}", dates::weekday(x.date), dates::short(x.date)),
                t.text,
            ),
            1 => (
                format!(
                    "{}–{}",
                    x.starts_at.format("%H:%M"),
                    x.ends_at.format("%H:%M")
                ),
                t.text,
            ),
            2 => (num(x.hours), t.text),
            3 => (x.format.label().to_string(), t.text),
            4 => (x.topic.clone(), t.text),
            5 => (s.presenter.clone(), t.text),
            6 => (num(x.credits), t.text),
            _ if s.total == 0 => ("—".into(), t.dim),
            _ => (
                format!("{}/{}", s.present, s.total),
                if s.present < s.total { t.text } else { t.good },
            ),
        }
    };
    let table = Table::new(
        vec![
            Column::left(8, &["Date"]),
            Column::left(11, &["Time"]),
            Column::right(3, &["h"]),
            Column::left(if wide { 20 } else { 10 }, &["Format"]),
            Column::left(0, &["Topic"]),
            Column::left(if wide { 28 } else { 14 }, &["Presenter"]),
            Column::right(3, &["cr"]),
            Column::right(7, &["present"]),
        ],
        sessions.len(),
        &cell,
        &p.offset,
        t,
    )
    .cursor(Some(p.row));
    table.render_below(area, 2, 4, &p.page, buf);
    if let Some(s) = sessions.get(p.row) {
        let x = &s.session;
        let line1 = format!("{} · {} · {}", x.topic, x.format.label(), s.presenter);
        let place = if x.place.is_empty() {
            "—"
        } else {
            x.place.as_str()
        };
        let line2 = format!(
            "{} {}–{} · {} · {} h · {} credits · attended {} of {} on the roll",
            dates::long(x.date),
            x.starts_at.format("%H:%M"),
            x.ends_at.format("%H:%M"),
            place,
            num(x.hours),
            num(x.credits),
            s.present,
            s.total
        );
        put(
            buf,
            area,
            area.x + 1,
            area.bottom() - 2,
            area.width as usize - 1,
            &line1,
            t.text,
        );
        put(
            buf,
            area,
            area.x + 1,
            area.bottom() - 1,
            area.width as usize - 1,
            &line2,
            t.dim,
        );
    }
}

/// Whether an entry lacks the paperwork its status needs.
fn paperwork_missing(req: Requirement, a: &crate::domain::training::TrainingAttendance) -> bool {
    match req {
        Requirement::None => false,
        Requirement::Approval => a.approved_by_id.is_none(),
        Requirement::Certificate => a.certificate.is_none(),
        Requirement::MakeUp => a.made_up_on.is_none(),
    }
}

/// The roll call: teachers × the plan's sessions.
fn draw_roll(p: &TrainingPane, ctx: &Ctx, area: Rect, buf: &mut Buffer) {
    let t = ctx.theme;
    let w = area.width as usize;
    let (Some(v), Some(roll)) = (&p.view, &p.roll) else {
        put(
            buf,
            area,
            area.x + 1,
            area.y + 1,
            w,
            "No training plan in this school year.",
            t.dim,
        );
        return;
    };
    put(
        buf,
        area,
        area.x + 1,
        area.y,
        w - 1,
        &match roll.sessions.get(p.row) {
            Some(x) => {
                let marked = roll
                    .teachers
                    .iter()
                    .filter(|t| roll.entry(x.id, t.0).is_some())
                    .count();
                format!(
                    "Roll call · semester {} · {} · {marked}/{} marked · {}",
                    v.plan.semester,
                    dates::short(x.date),
                    roll.teachers.len(),
                    x.topic
                )
            }
            None => format!(
                "Roll call · {} · semester {}",
                v.plan.title, v.plan.semester
            ),
        },
        t.header,
    );
    if roll.sessions.is_empty() || roll.teachers.is_empty() {
        put(
            buf,
            area,
            area.x + 1,
            area.y + 2,
            w - 1,
            "No sessions planned, or no teachers on the roll.",
            t.dim,
        );
        return;
    }
    let working = ctx.working_date;
    let frozen_cell = |r: usize, _c: usize| -> (String, Style) {
        (
            roll.teachers
                .get(r)
                .map_or_else(String::new, |x| x.1.clone()),
            t.text,
        )
    };
    let cell = |r: usize, c: usize| -> (String, Style) {
        let (Some(tch), Some(s)) = (roll.teachers.get(r), roll.sessions.get(c)) else {
            return (String::new(), t.text);
        };
        match roll.entry(s.id, tch.0) {
            Some(a) => {
                let st = roll.status(&a.status);
                let key = st.map_or("?", |x| x.key.as_str());
                let missing = st.is_some_and(|x| paperwork_missing(x.requires, a));
                let style = match st.map(|x| crate::domain::training::counted_category(x, a)) {
                    Some(crate::domain::training::StatusCategory::Attended)
                        if a.status == "present" =>
                    {
                        t.text
                    }
                    Some(crate::domain::training::StatusCategory::Attended) => t.marker,
                    Some(crate::domain::training::StatusCategory::Excused) => t.good,
                    _ => t.bad,
                };
                (format!(" {key}{}", if missing { "!" } else { "" }), style)
            }
            None if s.date <= working => (" ·".into(), t.dim),
            None => (String::new(), t.dim),
        }
    };
    let name_w = (area.width / 3).clamp(12, 30);
    let grid = Grid {
        frozen: vec![Column::left(name_w, &["", "Teacher"])],
        columns: roll
            .sessions
            .iter()
            .map(|s| Column {
                header: vec![dates::short(s.date), dates::weekday(s.date).to_string()],
                width: 5,
                align_right: false,
            })
            .collect(),
        rows: roll.teachers.len(),
        header_rows: 2,
        header: None,
        frozen_cell: &frozen_cell,
        cell: &cell,
        cursor: Some((p.roll_row, p.row)),
        row_offset: &p.roll_row_offset,
        col_offset: &p.roll_col_offset,
        theme: t,
    };
    let grid_area = Rect {
        x: area.x,
        y: area.y + 1,
        width: area.width,
        height: area.height.saturating_sub(4),
    };
    p.roll_page.set(grid_area.height.saturating_sub(2) as usize);
    grid.render(grid_area, buf);
    // The cell under the cursor, the session's counts, the status keys.
    let (Some(tch), Some(s)) = (roll.teachers.get(p.roll_row), roll.sessions.get(p.row)) else {
        return;
    };
    let entry = roll.entry(s.id, tch.0);
    let name_of = |id: Id| {
        roll.staff
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("staff {id}"))
    };
    let status_text = match entry {
        Some(a) => {
            let st = roll.status(&a.status);
            let mut line = st.map_or(a.status.clone(), |x| short_status(&x.code));
            match st.map(|x| x.requires) {
                Some(Requirement::Approval) => line.push_str(&match a.approved_by_id {
                    Some(id) => format!(", approved by {}", name_of(id)),
                    None => ", not approved: counts as an absence without cause!".into(),
                }),
                Some(Requirement::Certificate) => line.push_str(match a.certificate {
                    Some(true) => ", certificate given",
                    Some(false) => ", no certificate",
                    None => ", certificate not recorded!",
                }),
                Some(Requirement::MakeUp) => line.push_str(&match a.made_up_on {
                    Some(d) => format!(", made up {}", dates::full(d)),
                    None => ", not made up yet!".into(),
                }),
                _ => {}
            }
            line
        }
        None if s.date > working => "after the working date: no roll call yet".into(),
        None => "not marked".into(),
    };
    let marked = roll
        .teachers
        .iter()
        .filter(|x| roll.entry(s.id, x.0).is_some())
        .count();
    let line1 = format!(
        "{} · {} {} · {}",
        tch.1,
        dates::weekday(s.date),
        dates::full(s.date),
        status_text
    );
    let topic = format!("{} · {} of {} marked", s.topic, marked, roll.teachers.len());
    // The teacher's standing, so a status set shows its effect at once.
    let line2 = match p.standing.as_ref().and_then(|sv| {
        sv.rows
            .iter()
            .find(|r| r.staff_id == tch.0)
            .map(|r| (sv, r))
    }) {
        Some((sv, r)) => format!(
            "{}: {} sessions, late {}, sick {}, unexcused {}{}, {} credits · {}",
            match sv.scope {
                Scope::Year => "year",
                Scope::Semester(_) => "semester",
            },
            r.sessions,
            r.late,
            r.sick_leave,
            r.unexcused,
            if r.personal_leave_unapproved > 0 {
                format!(
                    " ({} personal leave, not approved)",
                    r.personal_leave_unapproved
                )
            } else {
                String::new()
            },
            credits_short(r.credits),
            r.verdict_word()
        ),
        None => topic.clone(),
    };
    let legend: Vec<String> = roll
        .statuses
        .iter()
        .map(|x| format!("{} {}", x.key, short_status(&x.code)))
        .collect();
    let y = area.bottom().saturating_sub(3);
    put(buf, area, area.x + 1, y, w - 1, &line1, t.text);
    put(buf, area, area.x + 1, y + 1, w - 1, &line2, t.dim);
    put(
        buf,
        area,
        area.x + 1,
        y + 2,
        w - 1,
        &legend.join("  "),
        t.dim,
    );
}

/// Each teacher's standing with pass/fail and the published differences.
fn draw_standing(p: &TrainingPane, ctx: &Ctx, area: Rect, buf: &mut Buffer) {
    let t = ctx.theme;
    let w = area.width as usize;
    let Some(sv) = &p.standing else {
        put(
            buf,
            area,
            area.x + 1,
            area.y + 1,
            w,
            "No training plan in this school year.",
            t.dim,
        );
        return;
    };
    let failing = sv.rows.iter().filter(|s| !s.pass).count();
    let behind = sv
        .rows
        .iter()
        .filter(|s| s.verdict_word() == "behind")
        .count();
    let scope = match sv.scope {
        Scope::Year => "the year".to_string(),
        Scope::Semester(n) => format!("semester {n} (verdict: the year so far)"),
    };
    put(
        buf,
        area,
        area.x + 1,
        area.y,
        w - 1,
        &format!(
            "Standing · {scope} · {} teachers, {} pass{}, {failing} fail",
            sv.rows.len(),
            sv.rows.len() - failing,
            if behind > 0 {
                format!(" ({behind} behind on credits)")
            } else {
                String::new()
            }
        ),
        t.header,
    );
    let publication = match (&sv.scope, &sv.published) {
        (Scope::Year, _) => "t: semester view (publishing is per semester)".to_string(),
        (_, None) => "not published · F publishes (freezes) this semester".to_string(),
        (_, Some(pb)) => format!(
            "published as of {} by {} · {}",
            dates::full(pb.as_of),
            pb.published_by,
            match sv.differences.len() {
                0 => "no differences since".to_string(),
                1 => "1 teacher differs since (≠)".to_string(),
                n => format!("{n} teachers differ since (≠)"),
            }
        ),
    };
    let pub_style = if sv.differences.is_empty() {
        t.dim
    } else {
        t.marker
    };
    put(
        buf,
        area,
        area.x + 1,
        area.y + 1,
        w - 1,
        &publication,
        pub_style,
    );
    let rows = &sv.rows;
    let differs = |id: Id| sv.differences.iter().any(|d| d.staff_id == id);
    let cell = |r: usize, c: usize| -> (String, Style) {
        let s = &rows[r];
        let n = |v: u32| {
            if v == 0 {
                ("·".to_string(), t.dim)
            } else {
                (v.to_string(), t.text)
            }
        };
        match c {
            0 => (s.name.clone(), t.text),
            1 => (
                if differs(s.staff_id) {
                    "≠".into()
                } else {
                    String::new()
                },
                t.marker,
            ),
            2 => n(s.sessions),
            3 => n(s.attended),
            4 => n(s.late),
            5 => n(s.left_early),
            6 => n(s.official_leave),
            7 => n(s.personal_leave),
            8 => n(s.sick_leave),
            9 if s.unexcused > 0 => (s.unexcused.to_string(), t.bad),
            9 => n(0),
            10 => (
                credits_short(s.credits),
                if s.verdict_credits >= s.required {
                    t.good
                } else if s.credits_behind > 0 || !s.pass {
                    t.bad
                } else {
                    t.text
                },
            ),
            _ => match s.verdict_word() {
                "pass" => ("pass".into(), t.good),
                "on track" => ("on track".into(), t.text),
                "behind" => ("behind".into(), t.marker),
                w => (w.into(), t.bad),
            },
        }
    };
    let table = Table::new(
        vec![
            Column::left(0, &["Teacher"]),
            Column::left(1, &[""]),
            Column::right(4, &["sess"]),
            Column::right(3, &["att"]),
            Column::right(4, &["late"]),
            Column::right(4, &["left"]),
            Column::right(3, &["off"]),
            Column::right(4, &["pers"]),
            Column::right(4, &["sick"]),
            Column::right(4, &["unex"]),
            Column::right(6, &["cred"]),
            Column::left(8, &["verdict"]),
        ],
        rows.len(),
        &cell,
        &p.standing_offset,
        t,
    )
    .cursor(Some(p.standing_row));
    table.render_below(area, 2, 4, &p.standing_page, buf);
    if let Some(s) = rows.get(p.standing_row) {
        let mut line1 = format!("{} · {}", s.name, s.verdict_text());
        if s.pass {
            line1.push_str(&format!(
                " · study notes {} chars · open lessons {}",
                s.study_notes, s.open_lessons
            ));
        }
        if let Some(d) = sv.differences.iter().find(|d| d.staff_id == s.staff_id) {
            line1.push_str(&format!(" · since published: {}", d.changes.join(", ")));
        }
        let mut line2 = format!(
            "credits: school {} + external {} = {} of {}",
            credits_text(s.credits_school),
            credits_text(s.credits_external),
            credits_text(s.credits),
            credits_text(s.required)
        );
        if s.credits_excused > 0 {
            line2.push_str(&format!(" ({} excused)", credits_text(s.credits_excused)));
        }
        if !s.credits_progress.is_empty() {
            line2.push_str(&format!(
                ", {} due by now",
                credits_text(s.credits_expected)
            ));
        }
        line2.push_str(&format!(" · year: {} unexcused", s.verdict_unexcused));
        if s.personal_leave_unapproved > 0 {
            line2.push_str(&format!(
                " · {} personal leave, not approved (counted unexcused)",
                s.personal_leave_unapproved
            ));
        }
        let y = area.bottom().saturating_sub(2);
        put(
            buf,
            area,
            area.x + 1,
            y,
            w - 1,
            &line1,
            if s.pass { t.text } else { t.bad },
        );
        put(buf, area, area.x + 1, y + 1, w - 1, &line2, t.dim);
    }
}
