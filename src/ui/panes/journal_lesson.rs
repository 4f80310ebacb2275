//! The lesson record form of the journal (`r`): topic (multi-line, with the
//! next topic of the thematic plan offered), homework (text or one of the
//! fixed kinds, estimated minutes), mode (in class / online), who actually
//! taught (substitution), and the teaching log of an online lesson. Saved
//! through `service::journal::set_lesson` in one undoable transaction.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Borders, Clear, Widget};
use ratatui_textarea::TextArea;

use crate::domain::{HomeworkKind, Id, LessonMode, TeachingLog};
use crate::service::journal::{self as svc, LessonEdit, LessonRef};
use crate::ui::app::{App, PickTarget};
use crate::ui::dates;
use crate::ui::text::{fit, put};

/// The fields of the form, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Topic,
    HomeworkKind,
    Homework,
    Minutes,
    Mode,
    TaughtBy,
    /// The lesson's control event.
    Control,
    /// The teaching log's four lines (online lessons only).
    Log(usize),
}

const LOG_LABELS: [&str; 4] = [
    "Log: content",
    "Log: form",
    "Log: effect and reflection",
    "Log: homework feedback",
];

/// The form's state.
#[derive(Debug)]
pub struct LessonForm {
    pub lesson: LessonRef,
    pub title: String,
    pub field: Field,
    pub topic: TextArea<'static>,
    /// The next topic of the thematic plan, offered for an empty topic.
    pub next_topic: Option<String>,
    pub hw_kind: Option<HomeworkKind>,
    pub homework: TextArea<'static>,
    pub minutes: String,
    /// Digits typed since the minutes field was entered (the first replaces).
    pub minutes_typed: bool,
    pub mode: LessonMode,
    /// The timetable's teacher (id, name).
    pub teacher: (Id, String),
    /// Who actually taught, if someone else.
    pub taught_by: Option<(Id, String)>,
    pub log: [TextArea<'static>; 4],
    /// The control event: (form id, name, weight).
    pub control: Option<(Id, String, u8)>,
    /// Staff for the substitute picker, in picker order (None = the usual teacher).
    pub staff: Vec<Option<(Id, String)>>,
}

fn area_with(text: &str) -> TextArea<'static> {
    let mut t = TextArea::new(if text.is_empty() {
        vec![String::new()]
    } else {
        text.lines().map(String::from).collect()
    });
    t.set_cursor_line_style(ratatui::style::Style::default());
    t.move_cursor(ratatui_textarea::CursorMove::Bottom);
    t.move_cursor(ratatui_textarea::CursorMove::End);
    t
}

fn text_of(t: &TextArea) -> String {
    t.lines().join("\n").trim().to_string()
}

const KINDS: [Option<HomeworkKind>; 6] = [
    None,
    Some(HomeworkKind::Text),
    Some(HomeworkKind::NotAssigned),
    Some(HomeworkKind::NotProvided),
    Some(HomeworkKind::Individual),
    Some(HomeworkKind::Creative),
];

fn kind_label(k: Option<HomeworkKind>) -> &'static str {
    match k {
        None => "none",
        Some(HomeworkKind::Text) => "text",
        Some(HomeworkKind::NotAssigned) => "not assigned",
        Some(HomeworkKind::NotProvided) => "not provided",
        Some(HomeworkKind::Individual) => "individual task",
        Some(HomeworkKind::Creative) => "creative task",
    }
}

impl LessonForm {
    fn fields(&self) -> Vec<Field> {
        let mut f = vec![
            Field::Topic,
            Field::HomeworkKind,
            Field::Homework,
            Field::Minutes,
            Field::Mode,
            Field::TaughtBy,
            Field::Control,
        ];
        if self.mode == LessonMode::Online {
            f.extend((0..4).map(Field::Log));
        }
        f
    }

    fn step(&mut self, forward: bool) {
        let fields = self.fields();
        let i = fields.iter().position(|f| *f == self.field).unwrap_or(0);
        let n = fields.len();
        self.field = fields[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }];
        self.minutes_typed = false;
    }

    fn edit(&self) -> Result<LessonEdit, String> {
        let minutes = match self.minutes.trim() {
            "" => None,
            m => Some(
                m.parse::<u16>()
                    .ok()
                    .filter(|m| *m <= 600)
                    .ok_or_else(|| format!("«{m}» minutes: type a number from 0 to 600"))?,
            ),
        };
        let text = text_of(&self.homework);
        let log = (self.mode == LessonMode::Online).then(|| TeachingLog {
            lesson_id: 0,
            content: text_of(&self.log[0]),
            form: text_of(&self.log[1]),
            effect: text_of(&self.log[2]),
            homework_feedback: text_of(&self.log[3]),
        });
        // Text typed while the kind says "none" is a text task.
        let kind = match self.hw_kind {
            None if !text.is_empty() => Some(HomeworkKind::Text),
            k => k,
        };
        Ok(LessonEdit {
            topic: Some(text_of(&self.topic)),
            homework: Some((kind, (!text.is_empty()).then_some(text))),
            minutes: Some(minutes),
            mode: Some(self.mode),
            taught_by: Some(self.taught_by.as_ref().map(|(id, _)| *id)),
            control_form: Some(self.control.as_ref().map(|(id, _, _)| *id)),
            log,
            ..LessonEdit::default()
        })
    }
}

impl App {
    /// Open the lesson record form on the cursor's lesson.
    pub(crate) fn journal_open_lesson_form(&mut self) {
        let Some(v) = &self.journal.view else { return };
        let Some(l) = v.lessons.get(self.journal.col).cloned() else {
            self.flash("no lesson here");
            return;
        };
        let conn = self.db.conn();
        let staff = match crate::store::people::staff(conn) {
            Ok(s) => s,
            Err(e) => {
                self.flash(format!("could not read the staff: {e}"));
                return;
            }
        };
        let forms = crate::store::curriculum::control_forms(conn).unwrap_or_default();
        let name = |id: Id| {
            staff
                .iter()
                .find(|s| s.id == id)
                .map_or(format!("#{id}"), |s| s.full_name())
        };
        let log = if l.recorded {
            crate::store::journal::teaching_log(conn, l.lesson.id)
                .ok()
                .flatten()
        } else {
            None
        };
        let log = log.map_or_else(
            || [String::new(), String::new(), String::new(), String::new()],
            |t| [t.content, t.form, t.effect, t.homework_feedback],
        );
        let mut topic = area_with(l.lesson.topic.as_deref().unwrap_or(""));
        let next_topic = v.progress.next_topic.clone();
        if let Some(n) = &next_topic {
            topic.set_placeholder_text(format!("next in the plan: {n} (Ctrl-t takes it)"));
        }
        let mut candidates: Vec<Option<(Id, String)>> = vec![None];
        candidates.extend(
            staff
                .iter()
                .filter(|s| s.active && s.id != l.lesson.teacher_id)
                .map(|s| Some((s.id, s.full_name()))),
        );
        self.journal.lesson_form = Some(LessonForm {
            lesson: l.reference(),
            title: format!(
                "{} {}, {} lesson {}",
                v.class.name,
                v.subject.name,
                dates::long(l.lesson.date),
                l.lesson.lesson_no
            ),
            field: Field::Topic,
            topic,
            next_topic,
            hw_kind: l.lesson.homework_kind,
            homework: area_with(l.lesson.homework.as_deref().unwrap_or("")),
            minutes: l
                .lesson
                .homework_minutes
                .map_or(String::new(), |m| m.to_string()),
            minutes_typed: false,
            mode: l.lesson.mode,
            teacher: (l.lesson.teacher_id, name(l.lesson.teacher_id)),
            taught_by: l.lesson.taught_by_id.map(|t| (t, name(t))),
            log: log.map(|s| area_with(&s)),
            control: l.lesson.control_form_id.and_then(|id| {
                forms
                    .iter()
                    .find(|f| f.id == id)
                    .map(|f| (f.id, f.name.clone(), f.weight))
            }),
            staff: candidates,
        });
    }

    /// A key for the open lesson form.
    pub(crate) fn journal_lesson_key(&mut self, ev: &KeyEvent) {
        let Some(mut form) = self.journal.lesson_form.take() else {
            return;
        };
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        match ev.code {
            KeyCode::Esc => {
                self.flash("lesson record not changed");
                return;
            }
            KeyCode::Char('s') if ctrl => {
                self.journal_save_lesson(form);
                return;
            }
            KeyCode::Tab => form.step(true),
            KeyCode::BackTab => form.step(false),
            KeyCode::Char('t') if ctrl && form.field == Field::Topic => {
                if let Some(n) = form.next_topic.clone() {
                    form.topic = area_with(&n);
                }
            }
            KeyCode::Enter
                if !matches!(form.field, Field::Topic | Field::TaughtBy | Field::Control) =>
            {
                self.journal_save_lesson(form);
                return;
            }
            _ => match form.field {
                Field::Topic => {
                    form.topic.input(*ev);
                }
                Field::Homework => {
                    form.homework.input(*ev);
                }
                Field::Log(i) => {
                    form.log[i].input(*ev);
                }
                Field::Minutes => match ev.code {
                    KeyCode::Char(c) if c.is_ascii_digit() => {
                        // Typing replaces.
                        if !form.minutes_typed {
                            form.minutes.clear();
                            form.minutes_typed = true;
                        }
                        if form.minutes.len() < 3 {
                            form.minutes.push(c);
                        }
                    }
                    KeyCode::Backspace => {
                        form.minutes.pop();
                    }
                    _ => {}
                },
                Field::HomeworkKind => {
                    let i = KINDS.iter().position(|k| *k == form.hw_kind).unwrap_or(0);
                    let n = KINDS.len();
                    match ev.code {
                        KeyCode::Left => form.hw_kind = KINDS[(i + n - 1) % n],
                        KeyCode::Right | KeyCode::Char(' ') => form.hw_kind = KINDS[(i + 1) % n],
                        _ => {}
                    }
                }
                Field::Mode => {
                    if matches!(ev.code, KeyCode::Left | KeyCode::Right | KeyCode::Char(' ')) {
                        form.mode = match form.mode {
                            LessonMode::InClass => LessonMode::Online,
                            LessonMode::Online => LessonMode::InClass,
                        };
                    }
                }
                Field::Control => {
                    if matches!(ev.code, KeyCode::Enter | KeyCode::Char(' ')) {
                        let r = crate::store::curriculum::control_forms(self.db.conn());
                        let forms = r.unwrap_or_default();
                        let mut items = vec!["— none: an ordinary lesson".to_string()];
                        items.extend(
                            forms
                                .iter()
                                .map(|f| format!("{} (weight {})", f.name, f.weight)),
                        );
                        self.journal.forms = forms;
                        self.journal.lesson_form = Some(form);
                        self.open_picker(
                            PickTarget::ControlForm,
                            "Control event of the lesson",
                            items,
                            0,
                        );
                        return;
                    }
                }
                Field::TaughtBy => {
                    if matches!(ev.code, KeyCode::Enter | KeyCode::Char(' ')) {
                        let items = form
                            .staff
                            .iter()
                            .map(|s| match s {
                                None => format!("— the timetable's teacher ({})", form.teacher.1),
                                Some((_, n)) => n.clone(),
                            })
                            .collect();
                        self.journal.lesson_form = Some(form);
                        self.open_picker(PickTarget::Substitute, "Who taught the lesson", items, 0);
                        return;
                    }
                }
            },
        }
        self.journal.lesson_form = Some(form);
    }

    /// Paste into the focused text field of the form.
    pub(crate) fn journal_lesson_paste(&mut self, text: &str) -> bool {
        let Some(form) = &mut self.journal.lesson_form else {
            return false;
        };
        match form.field {
            Field::Topic => {
                form.topic.insert_str(text);
            }
            Field::Homework => {
                form.homework.insert_str(text);
            }
            Field::Log(i) => {
                form.log[i].insert_str(text);
            }
            _ => {}
        }
        true
    }

    /// The control-event picker chose item `i` (0 = none).
    pub(crate) fn journal_pick_lesson_control(&mut self, i: usize) {
        let chosen = i
            .checked_sub(1)
            .and_then(|k| self.journal.forms.get(k))
            .map(|f| (f.id, f.name.clone(), f.weight));
        if let Some(form) = &mut self.journal.lesson_form {
            form.control = chosen;
        }
    }

    /// The substitute picker chose item `i`.
    pub(crate) fn journal_pick_substitute(&mut self, i: usize) {
        if let Some(form) = &mut self.journal.lesson_form
            && let Some(choice) = form.staff.get(i)
        {
            form.taught_by = choice.clone();
        }
    }

    fn journal_save_lesson(&mut self, form: LessonForm) {
        let edit = match form.edit() {
            Ok(e) => e,
            Err(m) => {
                self.flash(format!("not saved: {m}"));
                self.journal.lesson_form = Some(form);
                return;
            }
        };
        let lesson = form.lesson;
        let saved = self.write(format!("lesson record {}", form.title), |tx, op| {
            let (_, ids) = svc::set_lesson(tx, op, lesson, &edit)?;
            Ok(((), ids))
        });
        match saved {
            Some(()) => self.flash(format!("saved: lesson record {}", form.title)),
            // The reason is on the status line; keep what was typed.
            None => self.journal.lesson_form = Some(form),
        }
    }
}

/// Draw the form over the journal pane.
pub fn draw(app: &App, form: &LessonForm, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let online = form.mode == LessonMode::Online;
    let h = (if online { 18 } else { 14 }).min(area.height);
    let w = area.width.min(100);
    let r = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + area.height.saturating_sub(h) / 2,
        width: w,
        height: h,
    };
    Clear.render(r, buf);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" Lesson record: {} ", form.title))
        .border_style(t.text);
    let inner = block.inner(r);
    block.render(r, buf);
    let label_w = 16u16;
    let mut y = inner.y;
    let style_of = |f: Field| if form.field == f { t.header } else { t.dim };
    let label = |y: u16, f: Field, s: &str, buf: &mut Buffer| {
        let mark = if form.field == f { "›" } else { " " };
        put(
            buf,
            inner,
            inner.x,
            y,
            label_w as usize,
            &fit(&format!("{mark}{s}"), label_w as usize),
            style_of(f),
        );
    };
    let field_rect = |y: u16, h: u16| Rect {
        x: inner.x + label_w,
        y,
        width: inner.width.saturating_sub(label_w),
        height: h.min(inner.bottom().saturating_sub(y)),
    };
    // Topic: three lines.
    label(y, Field::Topic, "Topic", buf);
    (&form.topic).render(field_rect(y, 3), buf);
    y += 3;
    label(y, Field::HomeworkKind, "Homework", buf);
    let kind = format!("‹ {} ›", kind_label(form.hw_kind));
    put(
        buf,
        inner,
        inner.x + label_w,
        y,
        field_rect(y, 1).width as usize,
        &kind,
        t.text,
    );
    y += 1;
    label(y, Field::Homework, "  task", buf);
    (&form.homework).render(field_rect(y, 1), buf);
    y += 1;
    label(y, Field::Minutes, "  minutes", buf);
    put(
        buf,
        inner,
        inner.x + label_w,
        y,
        8,
        &format!(
            "{}{}",
            form.minutes,
            if form.field == Field::Minutes {
                "▏"
            } else {
                ""
            }
        ),
        t.text,
    );
    y += 1;
    label(y, Field::Mode, "Mode", buf);
    let mode = match form.mode {
        LessonMode::InClass => "[in class]  online",
        LessonMode::Online => " in class  [online]",
    };
    put(buf, inner, inner.x + label_w, y, 24, mode, t.text);
    y += 1;
    label(y, Field::TaughtBy, "Taught by", buf);
    let who = match &form.taught_by {
        None => format!("{} (timetable) · Space: a substitute", form.teacher.1),
        Some((_, n)) => format!("{n} (substitute for {})", form.teacher.1),
    };
    put(
        buf,
        inner,
        inner.x + label_w,
        y,
        field_rect(y, 1).width as usize,
        &who,
        t.text,
    );
    y += 1;
    label(y, Field::Control, "Control event", buf);
    let control = match &form.control {
        None => "none: an ordinary lesson · Space: choose".to_string(),
        Some((_, n, w)) => format!("{n} (weight {w}): the default form of its marks"),
    };
    put(
        buf,
        inner,
        inner.x + label_w,
        y,
        field_rect(y, 1).width as usize,
        &control,
        t.text,
    );
    y += 1;
    if online {
        for (i, l) in LOG_LABELS.iter().enumerate() {
            label(y, Field::Log(i), l, buf);
            (&form.log[i]).render(field_rect(y, 1), buf);
            y += 1;
        }
    }
    let help =
        "Tab next · Ctrl-s saves · Esc cancels · Space/←→ change a choice · Ctrl-t planned topic";
    if inner.bottom() > y {
        put(
            buf,
            inner,
            inner.x,
            inner.bottom() - 1,
            inner.width as usize,
            &fit(help, inner.width as usize),
            t.dim,
        );
    }
}
