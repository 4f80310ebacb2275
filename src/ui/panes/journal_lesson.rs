//! The lesson record form of the journal (`r`): topic (multi-line, with the
//! next topic of the thematic plan offered), homework (text or one of the
//! fixed kinds, estimated minutes), mode (in class / online), who actually
//! taught (substitution), and the teaching log of an online lesson. Saved
//! through `service::journal::set_lesson` in one undoable transaction.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::journal::JournalPane;
use crate::domain::{HomeworkKind, Id, LessonMode, TeachingLog};
use crate::service::journal::{self as svc, LessonEdit, LessonRef};
use crate::ui::action::Action;
use crate::ui::component::{Ctx, Effect, PickTarget};
use crate::ui::dates;
use crate::ui::widgets::form::{Field, Form, Outcome};

const TOPIC: &str = "Topic";
const HW_KIND: &str = "Homework";
const HW_TEXT: &str = "Task";
const MINUTES: &str = "Minutes";
const MODE: &str = "Mode";
const TAUGHT_BY: &str = "Taught by";
const CONTROL: &str = "Control event";
const IN_CLASS: &str = "in class";
const ONLINE: &str = "online";
/// An online lesson's time online (seed 001's daily limit) and whether it
/// is live (seed 001: live lessons at most 30 minutes).
const ONLINE_MIN: &str = "Online, minutes";
const LIVE: &str = "Online lesson";
const LIVE_YES: &str = "live";
const LIVE_NO: &str = "recorded";

const LOG_LABELS: [&str; 4] = [
    "Log: content",
    "Log: form",
    "Log: effect and reflection",
    "Log: homework feedback",
];

/// The form's state: the shared form component (topic, homework, minutes,
/// mode, who taught, the control event, and the teaching log's four lines
/// when the lesson is online), and what its list fields stand for.
#[derive(Debug)]
pub struct LessonForm {
    pub lesson: LessonRef,
    /// Class, subject, date and lesson number.
    pub title: String,
    pub form: Form<()>,
    /// The next topic of the thematic plan, offered for an empty topic.
    pub next_topic: Option<String>,
    /// The timetable's teacher (id, name).
    pub teacher: (Id, String),
    /// Who actually taught, if someone else.
    pub taught_by: Option<(Id, String)>,
    /// The control event: (form id, name, weight).
    pub control: Option<(Id, String, u8)>,
    /// Staff for the substitute picker, in picker order (None = the usual teacher).
    pub staff: Vec<Option<(Id, String)>>,
    /// The teaching log's lines while the lesson is in class (they come
    /// back if it is switched to online again).
    log_stash: Vec<Field>,
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

fn taught_by_label(teacher: &str, taught_by: Option<&(Id, String)>) -> String {
    match taught_by {
        None => format!("{teacher} (timetable)"),
        Some((_, n)) => format!("{n} (substitute for {teacher})"),
    }
}

fn control_label(control: Option<&(Id, String, u8)>) -> String {
    match control {
        None => "none: an ordinary lesson".to_string(),
        Some((_, n, w)) => format!("{n} (weight {w}): the default form of its marks"),
    }
}

impl LessonForm {
    fn online(&self) -> bool {
        self.form.value(MODE) == ONLINE
    }

    /// The teaching log's lines are fields only while the lesson is online.
    fn sync_log_fields(&mut self) {
        let has_log = self.form.fields.len() > 7;
        if self.online() && !has_log {
            self.form.fields.append(&mut self.log_stash);
        } else if !self.online() && has_log {
            self.log_stash = self.form.fields.split_off(7);
        }
    }

    fn text(&self, label: &str) -> String {
        self.form.value(label).to_string()
    }

    fn edit(&self) -> Result<LessonEdit, String> {
        let minutes = match self.form.value(MINUTES) {
            "" => None,
            m => Some(
                m.parse::<u16>()
                    .ok()
                    .filter(|m| *m <= 600)
                    .ok_or_else(|| format!("«{m}» minutes: type a number from 0 to 600"))?,
            ),
        };
        let text = self.text(HW_TEXT);
        let online = self.online();
        let online_minutes = match (online, self.form.value(ONLINE_MIN)) {
            (false, _) => None,
            // Empty: the bell's length.
            (true, "") => Some(None),
            (true, m) => Some(Some(m.parse::<u32>().ok().filter(|m| *m > 0).ok_or_else(
                || format!("«{m}» online minutes: type a number of minutes, or leave it empty for the bell's"),
            )?)),
        };
        let online_live = online.then(|| self.form.value(LIVE) != LIVE_NO);
        let log = online.then(|| TeachingLog {
            lesson_id: 0,
            content: self.text(LOG_LABELS[0]),
            form: self.text(LOG_LABELS[1]),
            effect: self.text(LOG_LABELS[2]),
            homework_feedback: self.text(LOG_LABELS[3]),
        });
        let hw_kind = KINDS
            .iter()
            .copied()
            .find(|k| kind_label(*k) == self.form.value(HW_KIND))
            .flatten();
        // Text typed while the kind says "none" is a text task.
        let kind = match hw_kind {
            None if !text.is_empty() => Some(HomeworkKind::Text),
            k => k,
        };
        Ok(LessonEdit {
            topic: Some(self.text(TOPIC)),
            homework: Some((kind, (!text.is_empty()).then_some(text))),
            minutes: Some(minutes),
            mode: Some(if online {
                LessonMode::Online
            } else {
                LessonMode::InClass
            }),
            taught_by: Some(self.taught_by.as_ref().map(|(id, _)| *id)),
            control_form: Some(self.control.as_ref().map(|(id, _, _)| *id)),
            log,
            online_minutes,
            online_live,
        })
    }
}

impl JournalPane {
    /// Open the lesson record form on the cursor's lesson.
    pub(crate) fn journal_open_lesson_form(&mut self, ctx: &mut Ctx) {
        let Some(v) = &self.view else { return };
        let Some(l) = v.lessons.get(self.col).cloned() else {
            ctx.flash("no lesson here");
            return;
        };
        let conn = ctx.conn();
        let staff = match crate::store::people::staff(conn) {
            Ok(s) => s,
            Err(e) => {
                ctx.flash(format!("could not read the staff: {e}"));
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
        let next_topic = v.progress.next_topic.clone();
        let mut topic = Field::multiline(TOPIC, l.lesson.topic.clone().unwrap_or_default(), 3);
        if let Some(n) = &next_topic {
            topic = topic.with_placeholder(format!("next in the plan: {n} (Ctrl-t takes it)"));
        }
        let mut candidates: Vec<Option<(Id, String)>> = vec![None];
        candidates.extend(
            staff
                .iter()
                .filter(|s| s.active && s.id != l.lesson.teacher_id)
                .map(|s| Some((s.id, s.full_name()))),
        );
        let teacher = (l.lesson.teacher_id, name(l.lesson.teacher_id));
        let taught_by = l.lesson.taught_by_id.map(|t| (t, name(t)));
        let control = l.lesson.control_form_id.and_then(|id| {
            forms
                .iter()
                .find(|f| f.id == id)
                .map(|f| (f.id, f.name.clone(), f.weight))
        });
        let kinds: Vec<&str> = KINDS.iter().map(|k| kind_label(*k)).collect();
        let online = l.lesson.mode == LessonMode::Online;
        let mut fields = vec![
            topic,
            Field::choice(HW_KIND, kind_label(l.lesson.homework_kind), &kinds),
            Field::multiline(HW_TEXT, l.lesson.homework.clone().unwrap_or_default(), 2),
            Field::text(
                MINUTES,
                l.lesson
                    .homework_minutes
                    .map_or(String::new(), |m| m.to_string()),
            ),
            Field::choice(
                MODE,
                if online { ONLINE } else { IN_CLASS },
                &[IN_CLASS, ONLINE],
            ),
            Field::pick(TAUGHT_BY, taught_by_label(&teacher.1, taught_by.as_ref())),
            Field::pick(CONTROL, control_label(control.as_ref())),
        ];
        // An online lesson's length and kind come first among the fields
        // shown only while it is online.
        let length = crate::store::journal::online_length(ctx.conn(), l.lesson.id)
            .ok()
            .flatten();
        let mut log_fields: Vec<Field> = vec![
            Field::text(
                ONLINE_MIN,
                length.map_or(String::new(), |o| o.minutes.to_string()),
            ),
            Field::choice(
                LIVE,
                if length.is_none_or(|o| o.live) {
                    LIVE_YES
                } else {
                    LIVE_NO
                },
                &[LIVE_YES, LIVE_NO],
            ),
        ];
        log_fields.extend(
            LOG_LABELS
                .iter()
                .zip(log)
                .map(|(label, text)| Field::text(*label, text)),
        );
        let log_stash = if online {
            fields.append(&mut log_fields);
            vec![]
        } else {
            log_fields
        };
        let title = format!(
            "{} {}, {} lesson {}",
            v.class.name,
            v.subject.name,
            dates::long(l.lesson.date),
            l.lesson.lesson_no
        );
        self.lesson_form = Some(LessonForm {
            lesson: l.reference(),
            form: Form::new(format!("Lesson record: {title}"), (), fields).with_note(
                if next_topic.is_some() {
                    "Enter in Topic and Task: a new line · Ctrl-t: the plan's next topic"
                } else {
                    "Enter in Topic and Task: a new line"
                },
            ),
            title,
            next_topic,
            teacher,
            taught_by,
            control,
            staff: candidates,
            log_stash,
        });
    }

    /// One action for the open lesson form: the form component's keys,
    /// Ctrl-t for the plan's next topic, and the lists of who taught and
    /// of the control event.
    pub(crate) fn journal_lesson_update(&mut self, ctx: &mut Ctx, action: &Action) -> Effect {
        let Some(lf) = self.lesson_form.as_mut() else {
            return Effect::Done;
        };
        if *action == Action::FormTopic {
            if lf.form.asking {
                return Effect::Done;
            }
            match lf.next_topic.clone() {
                Some(n) => {
                    lf.form.focus = 0;
                    if let Some(f) = lf.form.field_mut(TOPIC) {
                        f.set(n);
                    }
                }
                None => ctx.flash("the thematic plan has no next topic"),
            }
            return Effect::Done;
        }
        // Ctrl-u on a list field: back to no substitute, no control event.
        let label = lf
            .form
            .focused()
            .map(|f| f.label.clone())
            .unwrap_or_default();
        if *action == Action::FormClear && !lf.form.asking {
            match label.as_str() {
                TAUGHT_BY => {
                    lf.taught_by = None;
                    let shown = taught_by_label(&lf.teacher.1, None);
                    if let Some(f) = lf.form.field_mut(TAUGHT_BY) {
                        f.set(shown);
                    }
                    return Effect::Done;
                }
                CONTROL => {
                    lf.control = None;
                    if let Some(f) = lf.form.field_mut(CONTROL) {
                        f.set(control_label(None));
                    }
                    return Effect::Done;
                }
                _ => {}
            }
        }
        match lf.form.handle(action) {
            Outcome::Cancel => {
                self.lesson_form = None;
                ctx.flash("lesson record not changed");
            }
            Outcome::Submit => {
                if let Some(form) = self.lesson_form.take() {
                    self.journal_save_lesson(ctx, form);
                }
            }
            Outcome::Pick => return self.journal_lesson_pick(ctx),
            Outcome::Open => lf.sync_log_fields(),
        }
        Effect::Done
    }

    /// Open the list of the focused field (who taught, the control event).
    fn journal_lesson_pick(&mut self, ctx: &mut Ctx) -> Effect {
        let Some(lf) = self.lesson_form.as_ref() else {
            return Effect::Done;
        };
        let label = lf
            .form
            .focused()
            .map(|f| f.label.clone())
            .unwrap_or_default();
        match label.as_str() {
            TAUGHT_BY => {
                let items = lf
                    .staff
                    .iter()
                    .map(|s| match s {
                        None => format!("— the timetable's teacher ({})", lf.teacher.1),
                        Some((_, n)) => n.clone(),
                    })
                    .collect();
                Effect::picker(PickTarget::Substitute, "Who taught the lesson", items, 0)
            }
            CONTROL => {
                let r = crate::store::curriculum::control_forms(ctx.conn());
                let forms = r.unwrap_or_default();
                let mut items = vec!["— none: an ordinary lesson".to_string()];
                items.extend(
                    forms
                        .iter()
                        .map(|f| format!("{} (weight {})", f.name, f.weight)),
                );
                self.forms = forms;
                Effect::picker(
                    PickTarget::ControlForm,
                    "Control event of the lesson",
                    items,
                    0,
                )
            }
            _ => Effect::Flash("this field has no list: type its value".into()),
        }
    }

    /// The control-event picker chose item `i` (0 = none).
    pub(crate) fn journal_pick_lesson_control(&mut self, i: usize) {
        let chosen = i
            .checked_sub(1)
            .and_then(|k| self.forms.get(k))
            .map(|f| (f.id, f.name.clone(), f.weight));
        if let Some(lf) = &mut self.lesson_form {
            if let Some(f) = lf.form.field_mut(CONTROL) {
                f.set(control_label(chosen.as_ref()));
            }
            lf.control = chosen;
        }
    }

    /// The substitute picker chose item `i`.
    pub(crate) fn journal_pick_substitute(&mut self, i: usize) {
        if let Some(lf) = &mut self.lesson_form
            && let Some(choice) = lf.staff.get(i).cloned()
        {
            if let Some(f) = lf.form.field_mut(TAUGHT_BY) {
                f.set(taught_by_label(&lf.teacher.1, choice.as_ref()));
            }
            lf.taught_by = choice;
        }
    }

    fn journal_save_lesson(&mut self, ctx: &mut Ctx, mut lf: LessonForm) {
        let edit = match lf.edit() {
            Ok(e) => e,
            Err(m) => {
                let m = format!("not saved: {m}");
                ctx.flash(m.clone());
                lf.form.error = Some(m);
                self.lesson_form = Some(lf);
                return;
            }
        };
        let lesson = lf.lesson;
        let title = lf.title.clone();
        let saved = ctx.write(format!("lesson record {title}"), |tx, op| {
            let (_, ids) = svc::set_lesson(tx, op, lesson, &edit)?;
            Ok(((), ids))
        });
        match saved {
            Some(()) => ctx.flash(format!("saved: lesson record {title}")),
            // The reason is on the status line and in the form; keep what
            // was typed.
            None => {
                lf.form.error = ctx.last_message().map(str::to_string);
                self.lesson_form = Some(lf);
            }
        }
    }
}

/// Draw the form over the journal pane (the shared form component).
pub fn draw(ctx: &Ctx, lf: &LessonForm, area: Rect, buf: &mut Buffer) {
    crate::ui::widgets::form::draw(ctx.theme, &lf.form, 100, area, buf);
}
