//! Attendance: one class on one school day, students × that day's lessons;
//! a blank cell is present, otherwise the code; lessons whose attendance
//! was not taken are marked; each student's absences that day.

use std::cell::Cell;

use chrono::NaiveDate;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::domain::attendance::Category;
use crate::service::attendance::{DayCell, DayView};
use crate::ui::action::Action;
use crate::ui::app::App;
use crate::ui::dates;
use crate::ui::grid::{Column, Grid};
use crate::ui::text::{put, width};

/// The attendance tab's state.
#[derive(Debug, Default)]
pub struct AttendancePane {
    pub date: NaiveDate,
    pub view: Option<DayView>,
    pub row: usize,
    pub col: usize,
    pub loaded: bool,
    pub(crate) row_offset: Cell<usize>,
    pub(crate) col_offset: Cell<usize>,
    pub(crate) page: Cell<usize>,
}

impl AttendancePane {
    pub(crate) fn set_view(&mut self, view: Option<DayView>) {
        if let Some(v) = &view {
            self.row = self.row.min(v.students.len().saturating_sub(1));
            self.col = self.col.min(v.lessons.len().saturating_sub(1));
        }
        self.view = view;
    }

    pub(crate) fn move_cursor(&mut self, action: &Action) {
        let Some(v) = &self.view else { return };
        self.row = super::step_rows(self.row, v.students.len(), action, self.page.get());
        self.col = super::step_cols(self.col, v.lessons.len(), action);
    }
}

/// Draw the attendance tab into `area`.
pub fn draw(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let p = &app.attendance;
    let Some(v) = &p.view else {
        let why = if app.classes.is_empty() {
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
    };
    let mut x = area.x + 1;
    x = put(buf, area, x, area.y, area.width as usize, "Class ", t.dim);
    x = put(
        buf,
        area,
        x,
        area.y,
        area.width as usize,
        &v.class.name,
        t.header,
    );
    x = put(buf, area, x, area.y, area.width as usize, "  Day ", t.dim);
    x = put(
        buf,
        area,
        x,
        area.y,
        area.width as usize,
        &dates::long(v.date),
        t.header,
    );
    let not_taken = v.lessons.iter().filter(|l| !l.taken).count();
    let mut summary = format!("  {} lessons", v.lessons.len());
    if not_taken > 0 {
        summary.push_str(&format!(", {not_taken} not taken"));
    }
    let absent: usize = v.students.iter().map(|s| s.absences).sum();
    summary.push_str(&format!(", {absent} absences"));
    put(buf, area, x, area.y, area.width as usize, &summary, t.dim);
    if let Some(h) = &v.holiday {
        let text = format!(
            "Holiday: {} ({}–{}). No lessons; [ and ] go to school days.",
            h.label,
            dates::short(h.starts_on),
            dates::short(h.ends_on)
        );
        put(
            buf,
            area,
            area.x + 1,
            area.y + 2,
            area.width as usize - 1,
            &text,
            t.marker,
        );
        return;
    }
    if v.lessons.is_empty() {
        let text = if v.weekend {
            "A day off: no lessons."
        } else {
            "No lessons recorded for this class on this day."
        };
        put(
            buf,
            area,
            area.x + 1,
            area.y + 2,
            area.width as usize - 1,
            text,
            t.dim,
        );
        return;
    }
    if v.students.is_empty() {
        put(
            buf,
            area,
            area.x + 1,
            area.y + 2,
            area.width as usize - 1,
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
    let frozen_cell = |r: usize, _c: usize| -> (String, Style) {
        let s = &students[r];
        match _c {
            0 => (s.name.clone(), t.text),
            _ if s.absences == 0 => (String::new(), t.text),
            _ => (s.absences.to_string(), t.bad),
        }
    };
    let cell = |r: usize, c: usize| -> (String, Style) {
        match &students[r].cells[c] {
            DayCell::NotEnrolled | DayCell::Present => (String::new(), t.text),
            DayCell::NotTaken => ("?".into(), t.dim),
            DayCell::Code { code, category } if category.is_absent() => (code.clone(), t.bad),
            DayCell::Code { code, .. } => (code.clone(), t.marker),
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
                let third = if l.taken { String::new() } else { "n/t".into() };
                Column {
                    header: vec![first, l.subject.clone(), third],
                    width: 6,
                    align_right: false,
                }
            })
            .collect(),
        rows: students.len(),
        header_rows: 3,
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
    // Legend: the codes of this day, from the code table, and the marker.
    let mut seen: Vec<(String, Category)> = Vec::new();
    for s in students {
        for c in &s.cells {
            if let DayCell::Code { code, category } = c
                && !seen.iter().any(|(k, cat)| k == code && cat == category)
            {
                seen.push((code.clone(), *category));
            }
        }
    }
    let mut legend: Vec<String> = seen
        .iter()
        .map(|(c, cat)| format!("{c} {}", cat.label()))
        .collect();
    if not_taken > 0 {
        legend.push("n/t ? attendance not taken".into());
    }
    legend.push("blank present".into());
    put(
        buf,
        area,
        area.x + 1,
        area.bottom() - 1,
        area.width as usize - 1,
        &legend.join(" · "),
        t.dim,
    );
}
