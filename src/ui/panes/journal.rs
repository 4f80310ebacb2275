//! Journal: a class, a subject of its curriculum and a period; the lessons
//! held (date, number, topic, homework, online and substitute markers) and
//! the marks grid (students × lessons) with each student's count, weighted
//! mean and suggested grade.

use std::cell::Cell;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::widgets::{Block, Borders, Clear, Widget};

use crate::domain::Subject;
use crate::domain::marks::{Suggestion, format_hundredths};
use crate::service::journal::{JournalView, MarkCell, final_differs};
use crate::store::curriculum::ControlForm;
use crate::ui::action::Action;
use crate::ui::component::{Ctx, Effect, Pane, PickTarget};
use crate::ui::dates;
use crate::ui::keymap::Mode;
use crate::ui::panes::journal_edit::{CellEdit, EditTarget, JournalPopup};
use crate::ui::panes::journal_lesson::LessonForm;
use crate::ui::text::{put, width};
use crate::ui::widgets::grid::{Column, Grid};
use crate::ui::widgets::table::Table;

/// The journal tab's state.
#[derive(Debug, Default)]
pub struct JournalPane {
    /// Cells (lesson id, student id) someone else changed, marked until the
    /// next key; `mark_changes`: the next reading is because of them.
    pub changed: std::collections::HashSet<(crate::domain::Id, crate::domain::Id)>,
    pub mark_changes: bool,
    pub subjects: Vec<Subject>,
    pub subject_idx: usize,
    pub period_idx: usize,
    /// The group shown (`o`) of a subject taught in split groups; `None`:
    /// all groups.
    pub group: Option<crate::domain::Id>,
    pub view: Option<JournalView>,
    /// Student row of the cursor.
    pub row: usize,
    /// Lesson column of the cursor.
    pub col: usize,
    pub loaded: bool,
    /// Mark entry: typed marks go into cells. An explicit mode, shown on
    /// screen: entered with `i` (or by opening the cell editor), left with
    /// Esc or another tab. Outside it every key of "Everywhere" works.
    pub focus: bool,
    /// The audit log's newest entry when the view was read: a cell changed
    /// by someone else after it is not overwritten unseen.
    pub read_at: i64,
    /// The text being typed into a cell or the final grade.
    pub edit: Option<CellEdit>,
    /// A small form asking a pending mark's or a deferred mark's details.
    pub popup: Option<JournalPopup>,
    /// The other corner of the selection (`v`).
    pub anchor: Option<(usize, usize)>,
    /// The catalogue shown by the form picker.
    pub forms: Vec<ControlForm>,
    /// A form chosen on an empty cell, for the next mark typed.
    pub next_form: Option<ControlForm>,
    /// The lesson record form (`r`), when open.
    pub lesson_form: Option<LessonForm>,
    pub(crate) row_offset: Cell<usize>,
    pub(crate) col_offset: Cell<usize>,
    pub(crate) lesson_offset: Cell<usize>,
    pub(crate) page: Cell<usize>,
}

impl JournalPane {
    /// A new view: keep the row, put the cursor on the latest lesson.
    /// After a write the same journal is read again: the cursor stays.
    pub(crate) fn set_view(&mut self, view: Option<JournalView>) {
        self.changed = match (&self.view, &view, std::mem::take(&mut self.mark_changes)) {
            (Some(old), Some(new), true) => {
                fn cells(
                    v: &JournalView,
                ) -> Vec<((crate::domain::Id, crate::domain::Id), &MarkCell)> {
                    v.students
                        .iter()
                        .flat_map(|s| {
                            v.lessons
                                .iter()
                                .zip(&s.cells)
                                .map(move |(l, c)| ((l.lesson.id, s.student_id), c))
                        })
                        .collect()
                }
                crate::ui::component::changed_cells(cells(old), cells(new), |c| {
                    matches!(c, MarkCell::Empty | MarkCell::NotEnrolled)
                })
            }
            _ => Default::default(),
        };
        if let Some(v) = &view {
            let same = self.view.as_ref().is_some_and(|old| {
                old.class.id == v.class.id
                    && old.subject.id == v.subject.id
                    && old.period.id == v.period.id
                    && old.group == v.group
            });
            self.row = self.row.min(v.students.len().saturating_sub(1));
            if same {
                self.col = self.col.min(v.lessons.len().saturating_sub(1));
            } else {
                self.col = v.lessons.len().saturating_sub(1);
                self.anchor = None;
                self.edit = None;
                self.popup = None;
            }
        }
        self.view = view;
    }

    pub(crate) fn move_cursor(&mut self, action: &Action) {
        let Some(v) = &self.view else { return };
        self.row = super::step_rows(self.row, v.students.len(), action, self.page.get());
        self.col = super::step_cols(self.col, v.lessons.len(), action);
    }
}

impl Pane for JournalPane {
    /// The lesson form has the `form` mode; else the journal's.
    fn mode(&self) -> Mode {
        if self.lesson_form.is_some() {
            Mode::Form
        } else {
            Mode::Journal
        }
    }

    fn loaded(&self) -> bool {
        self.loaded
    }

    fn invalidate(&mut self) {
        self.loaded = false;
    }

    /// The class changed: read its curriculum, keep the subject if it has
    /// it, and read the journal.
    fn load(&mut self, ctx: &mut Ctx) {
        self.loaded = true;
        let Some(class) = ctx.class() else {
            self.view = None;
            return;
        };
        let current = self.subjects.get(self.subject_idx).map(|s| s.id);
        let subjects = match crate::store::curriculum::class_subjects(ctx.conn(), class.id) {
            Ok(v) => v,
            Err(e) => {
                ctx.flash(format!("could not read the curriculum: {e}"));
                vec![]
            }
        };
        self.subject_idx = current
            .and_then(|id| subjects.iter().position(|s| s.id == id))
            .unwrap_or(0);
        self.subjects = subjects;
        self.load_view(ctx);
    }

    /// The lesson form takes every action; else the journal's keys, its
    /// pickers and the cursor; the rest pass.
    fn handle(&mut self, action: &Action, ctx: &mut Ctx) -> Effect {
        if self.lesson_form.is_some() {
            return self.journal_lesson_update(ctx, action);
        }
        match action {
            Action::Cancel => self.journal_cancel(ctx),
            Action::PickSubject => {
                let items = self.subjects.iter().map(|s| s.name.clone()).collect();
                return Effect::picker(
                    PickTarget::Subject,
                    "Choose the subject",
                    items,
                    self.subject_idx,
                );
            }
            Action::PickPeriod => {
                let items = ctx
                    .periods
                    .iter()
                    .map(|p| {
                        format!(
                            "{} ({}–{})",
                            p.label,
                            dates::short(p.starts_on),
                            dates::short(p.ends_on)
                        )
                    })
                    .collect();
                return Effect::picker(
                    PickTarget::Period,
                    "Choose the period",
                    items,
                    self.period_idx,
                );
            }
            Action::MoveUp
            | Action::MoveDown
            | Action::MoveLeft
            | Action::MoveRight
            | Action::PageUp
            | Action::PageDown
            | Action::First
            | Action::Last => self.move_cursor(action),
            Action::GoToday
            | Action::EditCell
            | Action::ClearCell
            | Action::PickForm
            | Action::SelectRange
            | Action::FillDown
            | Action::SetSelected
            | Action::EditFinal
            | Action::EditLesson
            | Action::MarkEntry
            | Action::PickGroup
            | Action::GoDate => return self.journal_action(ctx, action),
            _ => return Effect::Pass,
        }
        Effect::Done
    }

    fn pick(&mut self, target: PickTarget, i: usize, ctx: &mut Ctx) -> Effect {
        match target {
            PickTarget::Subject => {
                self.subject_idx = i;
                self.load_view(ctx);
            }
            PickTarget::Period => {
                self.period_idx = i;
                self.load_view(ctx);
            }
            PickTarget::ControlForm => self.journal_pick_form(ctx, i),
            PickTarget::Substitute => self.journal_pick_substitute(i),
            PickTarget::JournalGroup => self.journal_pick_group(ctx, i),
            _ => return Effect::Pass,
        }
        Effect::Done
    }

    fn draw(&self, ctx: &Ctx, area: Rect, buf: &mut Buffer) {
        draw(self, ctx, area, buf);
    }
}

impl JournalPane {
    /// Read the journal of the class, subject, period and group chosen.
    pub(crate) fn load_view(&mut self, ctx: &mut Ctx) {
        let (Some(class), Some(subject), Some(period)) = (
            ctx.class(),
            self.subjects.get(self.subject_idx).cloned(),
            ctx.periods.get(self.period_idx),
        ) else {
            self.view = None;
            return;
        };
        // The group shown, while the subject is split into it.
        let split = match crate::store::journal::subject_groups(ctx.conn(), class.id, subject.id) {
            Ok(v) => v,
            Err(e) => {
                ctx.flash(format!("could not read the groups: {e}"));
                vec![]
            }
        };
        self.group = self.group.filter(|g| split.iter().any(|s| s.0 == *g));
        // What this screen has seen (read before the view: a change in
        // between is refused rather than overwritten).
        self.read_at = crate::store::audit::last_id(ctx.conn()).unwrap_or(0);
        let r = crate::service::journal::load_group(
            ctx.conn(),
            class,
            &subject,
            period,
            self.group,
            ctx.working_date,
        );
        let view = match r {
            Ok(v) => Some(v),
            Err(e) => {
                ctx.flash(format!("could not read the journal: {e}"));
                None
            }
        };
        self.set_view(view);
    }

    /// Put the cursor on a lesson of subject `subject_id` (the recorded
    /// `lesson_id`, else the one on `date` with that number, else the last
    /// one by `date`) and on the student's row, every group shown, out of
    /// mark entry. The class and period are the ones chosen.
    pub fn open_at(
        &mut self,
        ctx: &mut Ctx,
        subject_id: crate::domain::Id,
        (date, lesson_no, lesson_id): (chrono::NaiveDate, Option<u8>, Option<crate::domain::Id>),
        student_id: Option<crate::domain::Id>,
    ) {
        // All groups: the lesson may be either group's.
        self.group = None;
        // Read the class's curriculum, then choose the subject.
        self.subjects.clear();
        self.load(ctx);
        if let Some(si) = self.subjects.iter().position(|s| s.id == subject_id) {
            self.subject_idx = si;
            self.load_view(ctx);
        }
        if let Some(v) = &self.view {
            let col = v
                .lessons
                .iter()
                .position(|l| l.recorded && Some(l.lesson.id) == lesson_id)
                .or_else(|| {
                    v.lessons.iter().position(|l| {
                        l.lesson.date == date && lesson_no.is_none_or(|n| l.lesson.lesson_no == n)
                    })
                })
                .or_else(|| v.lessons.iter().rposition(|l| l.lesson.date <= date));
            if let Some(c) = col {
                self.col = c;
            }
            if let Some(s) = student_id
                && let Some(r) = v.students.iter().position(|st| st.student_id == s)
            {
                self.row = r;
            }
            // Out of mark entry: the keys of "Everywhere" still work; `i`
            // (or Enter on the cell) starts typing marks.
            self.focus = false;
        }
    }

    /// Choose subject `subject_id` (read the journal again) and put the
    /// cursor on lesson `lesson_id`.
    pub fn show_lesson(
        &mut self,
        ctx: &mut Ctx,
        subject_id: crate::domain::Id,
        lesson_id: crate::domain::Id,
    ) {
        if let Some(si) = self.subjects.iter().position(|s| s.id == subject_id) {
            self.subject_idx = si;
            self.load(ctx);
        }
        if let Some(c) = self
            .view
            .as_ref()
            .and_then(|v| v.lessons.iter().position(|x| x.lesson.id == lesson_id))
        {
            self.col = c;
        }
    }
}

/// Letters marking a lesson: ? not recorded, C control event, O online,
/// S substitute, G group.
fn markers(l: &crate::service::journal::JournalLesson) -> String {
    let mut m = String::new();
    if !l.recorded {
        m.push('?');
    }
    if l.control_form.is_some() {
        m.push('C');
    }
    if l.online() {
        m.push('O');
    }
    if l.substitute.is_some() {
        m.push('S');
    }
    if l.group.is_some() {
        m.push('G');
    }
    m
}

/// Draw the journal tab into `area`.
fn draw(p: &JournalPane, ctx: &Ctx, area: Rect, buf: &mut Buffer) {
    let t = ctx.theme;
    let Some(class) = ctx.class() else {
        put(
            buf,
            area,
            area.x + 1,
            area.y + 1,
            area.width as usize,
            "No classes in this school year.",
            t.dim,
        );
        return;
    };
    let subject_name = p
        .subjects
        .get(p.subject_idx)
        .map_or("—".to_string(), |s| s.name.clone());
    // A subject taught in split groups names the group shown (`o`).
    let subject = match p.view.as_ref() {
        Some(v) if !v.groups.is_empty() => match &v.group {
            Some((_, g)) => format!("{subject_name}, {g}"),
            None if area.width >= 120 => format!("{subject_name}, all groups"),
            None => subject_name,
        },
        _ => subject_name,
    };
    let subject = subject.as_str();
    let period = ctx.periods.get(p.period_idx);
    let period_text = period.map_or("—".to_string(), |pr| {
        format!(
            "{} {}–{}",
            pr.label,
            dates::short(pr.starts_on),
            dates::short(pr.ends_on)
        )
    });
    // Selection line.
    let mut x = area.x + 1;
    let labels = if area.width >= 120 {
        ["Class ", "  Subject ", "  Period "]
    } else {
        ["", " · ", " · "]
    };
    for (label, value) in labels
        .into_iter()
        .zip([class.name.as_str(), subject, &period_text])
    {
        x = put(buf, area, x, area.y, area.width as usize, label, t.dim);
        x = put(buf, area, x, area.y, area.width as usize, value, t.header);
    }
    let Some(v) = &p.view else {
        let why = if p.subjects.is_empty() {
            "This class has no curriculum."
        } else {
            "Nothing to show."
        };
        put(
            buf,
            area,
            area.x + 1,
            area.y + 2,
            area.width as usize,
            why,
            t.dim,
        );
        return;
    };
    let sep = if area.width >= 120 { "  " } else { " · " };
    let mut count = format!("{sep}{} lessons", v.lessons.len());
    let pr = &v.progress;
    if pr.planned > 0 && !pr.groups.is_empty() {
        // Each group goes through the whole plan: never added up.
        let held: Vec<String> = pr.groups.iter().map(|g| g.held.to_string()).collect();
        if area.width >= 120 {
            count.push_str(&format!(
                "{sep}plan {} of {} by group",
                held.join(", "),
                pr.planned
            ));
        } else {
            count.push_str(&format!("{sep}plan {}/{}", held.join(", "), pr.planned));
        }
        if pr.behind > 0 {
            count.push_str(&format!(", {} behind", pr.behind));
        }
    } else if pr.planned > 0 {
        count.push_str(&format!("{sep}plan {}/{}", pr.held, pr.planned));
        if pr.behind > 0 {
            count.push_str(&format!(", {} behind", pr.behind));
        }
    }
    put(buf, area, x, area.y, area.width as usize, &count, t.dim);
    if area.height < 8 {
        return;
    }
    // The lessons, one per line, following the grid's column cursor.
    let body_h = area.height - 1;
    let list_rows = ((body_h as usize) / 4)
        .clamp(3, 10)
        .min(v.lessons.len().max(1)) as u16;
    let list_area = Rect {
        x: area.x,
        y: area.y + 1,
        width: area.width,
        height: list_rows + 1,
    };
    let lessons = &v.lessons;
    let cell = |r: usize, c: usize| -> (String, Style) {
        let l = &lessons[r];
        match c {
            0 => (
                format!(
                    "{} {}",
                    dates::weekday(l.lesson.date),
                    dates::short(l.lesson.date)
                ),
                t.text,
            ),
            1 => (l.lesson.lesson_no.to_string(), t.text),
            2 => (markers(l), t.marker),
            3 if !l.recorded => ("(not recorded)".into(), t.bad),
            3 => (l.lesson.topic.clone().unwrap_or_default(), t.text),
            _ => (l.lesson.homework_display(), t.text),
        }
    };
    let table = Table::new(
        vec![
            Column::left(8, &["Date"]),
            Column::right(2, &["№"]),
            Column::left(3, &[""]),
            Column::left(0, &["Topic"]),
            Column::left(0, &["Homework"]),
        ],
        lessons.len(),
        &cell,
        &p.lesson_offset,
        t,
    )
    .cursor((!lessons.is_empty()).then_some(p.col));
    if lessons.is_empty() {
        put(
            buf,
            area,
            area.x + 1,
            area.y + 2,
            area.width as usize,
            "No lessons held in this period.",
            t.dim,
        );
    } else {
        table.render(list_area, buf);
    }
    // The current lesson in full.
    let detail_y = list_area.bottom();
    if let Some(e) = &p.edit {
        // The editor's line: what is typed, where, and how to finish.
        let who = p.current_student().map_or("", |s| s.name.as_str());
        let line = match e.target {
            EditTarget::Final => format!(
                "Final grade, {who}: {}▏  2–5 or na · Enter saves · Esc reverts",
                e.text
            ),
            EditTarget::Selection => format!(
                "Marks for every selected cell: {}▏  Enter saves · Esc reverts",
                e.text
            ),
            EditTarget::Date => {
                format!("Go to date (DD.MM): {}▏  Enter goes · Esc cancels", e.text)
            }
            EditTarget::Cell => {
                let date = lessons
                    .get(p.col)
                    .map_or(String::new(), |l| dates::short(l.lesson.date));
                let form = p.next_form.as_ref().map_or(String::new(), |f| {
                    format!(" ({}, weight {})", f.name, f.weight)
                });
                format!(
                    "Mark, {who} {date}{form}: {}▏  Enter saves · Esc reverts",
                    e.text
                )
            }
        };
        put(
            buf,
            area,
            area.x + 1,
            detail_y,
            area.width as usize - 1,
            &line,
            t.header,
        );
    } else if let Some(l) = lessons.get(p.col) {
        let mut parts = vec![format!(
            "{} lesson {}",
            dates::long(l.lesson.date),
            l.lesson.lesson_no
        )];
        // On a cell with marks: each mark's form, weight, deadline and
        // comment first (the grid shows only the symbols).
        let student = p.current_student();
        let mut marks: Vec<String> = student
            .and_then(|s| s.absences.get(p.col).cloned().flatten())
            .map(|a| format!("{a} (attendance)"))
            .into_iter()
            .collect();
        marks.extend(
            student
                .and_then(|s| s.details.get(p.col))
                .map(|d| d.iter().map(|m| m.line()).collect::<Vec<_>>())
                .unwrap_or_default(),
        );
        if !marks.is_empty() {
            parts = vec![format!(
                "{} {}: {}",
                dates::short(l.lesson.date),
                l.lesson.lesson_no,
                marks.join(" / ")
            )];
        }
        if l.online() {
            parts.push("O online".into());
        }
        if let Some(s) = &l.substitute {
            parts.push(format!("S substitute {s}"));
        }
        if let Some(g) = &l.group {
            parts.push(format!("G group {g}"));
        }
        if let Some(f) = &l.control_form {
            parts.push(format!("C control: {f}"));
        }
        if !l.recorded {
            parts.push("? not recorded yet".into());
        }
        if p.anchor.is_some() {
            parts.push("selecting: J fill down · = set selected".into());
        }
        let x = put(
            buf,
            area,
            area.x + 1,
            detail_y,
            area.width as usize - 1,
            &parts.join(" · "),
            t.dim,
        );
        // How to start, where there is room (the help lists every key).
        let km = ctx.keymap;
        let key = |a: Action| km.key_name(Mode::Journal, &a);
        let hint = if p.focus {
            format!(
                "   MARK ENTRY: type 2–5 Н * ° · Esc leaves · {} lesson",
                key(Action::EditLesson)
            )
        } else {
            format!(
                "   {} mark entry · {} lesson · {} form · {} final",
                key(Action::MarkEntry),
                key(Action::EditLesson),
                key(Action::PickForm),
                key(Action::EditFinal)
            )
        };
        let room = area.right().saturating_sub(x) as usize;
        if room > crate::ui::text::width(&hint) {
            put(buf, area, x, detail_y, room, &hint, t.marker);
        }
    }
    // The marks grid.
    let grid_area = Rect {
        x: area.x,
        y: detail_y + 1,
        width: area.width,
        height: area.bottom().saturating_sub(detail_y + 1),
    };
    let name_max = if area.width >= 120 { 32 } else { 22 };
    let name_w = v
        .students
        .iter()
        .map(|s| width(&s.name))
        .max()
        .unwrap_or(7)
        .clamp(7, name_max) as u16;
    let students = &v.students;
    let required = v.required_marks;
    let frozen_cell = |r: usize, c: usize| -> (String, Style) {
        let s = &students[r];
        match c {
            0 => (s.name.clone(), t.text),
            1 => (
                s.counted.to_string(),
                if s.counted < required { t.bad } else { t.text },
            ),
            2 => (
                s.mean_hundredths.map(format_hundredths).unwrap_or_default(),
                t.text,
            ),
            3 => match s.suggestion {
                Suggestion::Grade { grade, .. } => {
                    (grade.to_string(), if grade == 2 { t.bad } else { t.header })
                }
                Suggestion::NotAttestable { .. } => ("n/a".into(), t.dim),
            },
            _ => {
                if let Some(e) = p
                    .edit
                    .as_ref()
                    .filter(|e| e.target == EditTarget::Final && r == p.row)
                {
                    return (format!("{}▏", e.text), t.cursor);
                }
                match s.final_grade.as_deref() {
                    None => (String::new(), t.text),
                    Some(f) => {
                        let f = if f == "na" { "н/а" } else { f };
                        if final_differs(s.final_grade.as_deref(), &s.suggestion) {
                            (format!("{f}≠"), t.bad)
                        } else {
                            (f.to_string(), t.header)
                        }
                    }
                }
            }
        }
    };
    let cell_text = |m: &MarkCell| -> (String, Style) {
        match m {
            MarkCell::NotEnrolled => (String::new(), t.text),
            MarkCell::Empty => ("·".into(), t.dim),
            MarkCell::Marks(m) => {
                // Coloured by the first mark, past an absence's Н ("Н/2").
                let first = m.split('/').find(|x| *x != "Н").unwrap_or("");
                let style = if first.starts_with('2') {
                    t.bad
                } else if first.starts_with('5') {
                    t.good
                } else {
                    t.text
                };
                (m.clone(), style)
            }
        }
    };
    let cell = |r: usize, c: usize| -> (String, Style) {
        if r == p.row
            && c == p.col
            && let Some(e) = p
                .edit
                .as_ref()
                .filter(|e| matches!(e.target, EditTarget::Cell | EditTarget::Selection))
        {
            // The last characters typed, with a caret.
            let shown: String = e
                .text
                .chars()
                .rev()
                .take(4)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            return (format!("{shown}▏"), t.cursor);
        }
        let (text, style) = cell_text(&students[r].cells[c]);
        let style = if p
            .changed
            .contains(&(lessons[c].lesson.id, students[r].student_id))
        {
            t.changed
        } else {
            style
        };
        if p.selected(r, c) {
            (
                text,
                style.add_modifier(Modifier::UNDERLINED | Modifier::BOLD),
            )
        } else {
            (text, style)
        }
    };
    // Only the lessons on screen get their header lines: date, then the
    // lesson's number and markers.
    let lesson_header = |c: usize, line: usize| -> String {
        let l = &lessons[c];
        if line == 0 {
            dates::short(l.lesson.date)
        } else {
            format!("{}{}", l.lesson.lesson_no, markers(l))
        }
    };
    let grid = Grid {
        frozen: vec![
            Column::left(name_w, &["", "Student"]),
            Column::right(2, &["", "n"]),
            Column::right(4, &["", "mean"]),
            Column::right(3, &["", "→"]),
            Column::right(3, &["", "fin"]),
        ],
        columns: vec![Column::left(5, &[]); lessons.len()],
        rows: students.len(),
        header_rows: 2,
        header: Some(&lesson_header),
        frozen_cell: &frozen_cell,
        cell: &cell,
        cursor: (!students.is_empty() && !lessons.is_empty()).then_some((p.row, p.col)),
        row_offset: &p.row_offset,
        col_offset: &p.col_offset,
        theme: t,
    };
    p.page.set(grid_area.height.saturating_sub(2) as usize);
    if students.is_empty() {
        put(
            buf,
            area,
            area.x + 1,
            grid_area.y,
            area.width as usize,
            "No students enrolled in this period.",
            t.dim,
        );
    } else {
        grid.render(grid_area, buf);
    }
    if let Some(popup) = &p.popup {
        draw_popup(ctx, popup, area, buf);
    }
    if let Some(form) = &p.lesson_form {
        super::journal_lesson::draw(ctx, form, area, buf);
    }
}

/// The small form of a pending or deferred mark, centred on the pane.
fn draw_popup(ctx: &Ctx, popup: &JournalPopup, area: Rect, buf: &mut Buffer) {
    let t = ctx.theme;
    let (title, lines): (&str, Vec<(String, bool)>) = match popup {
        JournalPopup::Pending {
            text,
            intended,
            deadline,
            field,
            ..
        } => (
            "Pending mark *",
            vec![
                (format!("Cell: {text}"), false),
                (
                    format!(
                        "Intended mark (2–5): {intended}{}",
                        if *field == 0 { "▏" } else { "" }
                    ),
                    *field == 0,
                ),
                (
                    format!(
                        "Deadline (DD.MM.YYYY): {deadline}{}",
                        if *field == 1 { "▏" } else { "" }
                    ),
                    *field == 1,
                ),
                (
                    "Counts as the intended mark once the deadline has passed.".into(),
                    false,
                ),
                ("Tab next field · Enter saves · Esc reverts".into(), false),
            ],
        ),
        JournalPopup::Deferred { text, comment, .. } => (
            "Deferred mark °",
            vec![
                (format!("Cell: {text}"), false),
                (format!("Comment: {comment}▏"), true),
                (
                    "Why it is deferred, and by when it is resolved.".into(),
                    false,
                ),
                ("Enter saves · Esc reverts".into(), false),
            ],
        ),
    };
    let w = area.width.min(64);
    let h = (lines.len() as u16 + 2).min(area.height);
    let r = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + area.height.saturating_sub(h) / 2,
        width: w,
        height: h,
    };
    Clear.render(r, buf);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {title} "))
        .border_style(t.text);
    let inner = block.inner(r);
    block.render(r, buf);
    for (i, (line, active)) in lines.iter().enumerate() {
        let y = inner.y + i as u16;
        if y >= inner.bottom() {
            break;
        }
        let style = if *active { t.header } else { t.text };
        let shown = crate::ui::text::fit(line, inner.width as usize);
        put(buf, inner, inner.x, y, inner.width as usize, &shown, style);
    }
}
