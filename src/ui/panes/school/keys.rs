//! Keys in a School-tab form: Enter moves on (and saves on the last
//! field), an empty field with a list opens it, Ctrl-p opens it any time;
//! what a picker chose goes into the field.

use super::SchoolPane;
use super::Section;
use super::forms::*;
use crate::service::setup;
use crate::ui::action::Action;
use crate::ui::component::{Ctx, Effect, PickTarget};
use crate::ui::widgets::form::Outcome;

impl SchoolPane {
    /// The list a field of the open form is chosen from: the picker's
    /// title, its items, and the value each puts into the field.
    fn pick_list(&self, ctx: &Ctx, label: &str) -> Option<(String, Vec<String>, Vec<String>)> {
        let f = self.form.as_ref()?;
        let p = self;
        let staff = || {
            let mut items = vec![];
            let mut values = vec![];
            if label == CLASS_TEACHER {
                items.push(NONE.to_string());
                values.push(String::new());
            }
            for s in p.staff.iter().filter(|s| s.active) {
                let roles: Vec<&str> = s.roles.iter().map(|r| r.as_str()).collect();
                items.push(format!(
                    "{}{}{}",
                    s.full_name(),
                    s.login
                        .as_ref()
                        .map_or(String::new(), |l| format!(" · {l}")),
                    if roles.is_empty() {
                        String::new()
                    } else {
                        format!(" · {}", roles.join(", "))
                    }
                ));
                values.push(staff_key(&p.staff, s));
            }
            (items, values)
        };
        let groups = || {
            let mut items = vec![WHOLE_CLASS.to_string()];
            let mut values = vec![String::new()];
            for g in &p.groups {
                items.push(g.name.clone());
                values.push(g.name.clone());
            }
            (items, values)
        };
        let (title, (items, values)) = match (&f.kind, label) {
            (FormKind::Class { .. }, CLASS_TEACHER) => ("Choose the class teacher", staff()),
            (FormKind::Curriculum { .. } | FormKind::Slot { .. }, TEACHER) => {
                ("Choose the teacher", staff())
            }
            (FormKind::Curriculum { .. } | FormKind::Slot { .. }, GROUP) => {
                ("Choose the group", groups())
            }
            (FormKind::Curriculum { .. }, SUBJECT) => (
                "Choose the subject (or type a new one)",
                (
                    p.subjects.iter().map(subject_item).collect(),
                    p.subjects.iter().map(|s| s.name.clone()).collect(),
                ),
            ),
            (FormKind::Slot { .. }, SUBJECT) => {
                // The class's curriculum first, then every other subject.
                let mut subs: Vec<&crate::domain::Subject> =
                    p.curriculum.iter().map(|c| &c.subject).collect();
                for s in &p.subjects {
                    if !subs.iter().any(|x| x.id == s.id) {
                        subs.push(s);
                    }
                }
                (
                    "Choose the subject",
                    (
                        subs.iter().map(|s| subject_item(s)).collect(),
                        subs.iter().map(|s| s.name.clone()).collect(),
                    ),
                )
            }
            (FormKind::Movement { .. }, CLASS) => (
                "Choose the class",
                (
                    ctx.classes.iter().map(|c| c.name.clone()).collect(),
                    ctx.classes.iter().map(|c| c.name.clone()).collect(),
                ),
            ),
            _ => return None,
        };
        Some((title.to_string(), items, values))
    }

    /// The picker of the form's focused field; None when the field has
    /// no list.
    fn open_field_picker(&mut self, ctx: &Ctx) -> Option<Effect> {
        let f = self.form.as_ref()?;
        let field = f.fields.get(f.focus)?;
        let current = field.value.trim().to_string();
        let (title, items, values) = self.pick_list(ctx, &field.label.clone())?;
        if items.is_empty() {
            return Some(Effect::Flash(format!(
                "{}: nothing to choose from yet",
                title.to_lowercase()
            )));
        }
        let at = values.iter().position(|v| *v == current).unwrap_or(0);
        self.pick_values = values;
        Some(Effect::picker(PickTarget::SchoolField, &title, items, at))
    }

    /// A picker of the School tab chose item `i`.
    pub(crate) fn school_pick(&mut self, ctx: &mut Ctx, target: PickTarget, i: usize) -> Effect {
        match target {
            PickTarget::SchoolGroup => {
                let Some(&group) = self.pick_groups.get(i) else {
                    return Effect::Done;
                };
                let Some(r) = self.roster.get(self.row()).cloned() else {
                    return Effect::Done;
                };
                let name = self
                    .groups
                    .iter()
                    .find(|g| g.id == group)
                    .map(|g| g.name.clone())
                    .unwrap_or_default();
                let op = ctx.operator.to_string();
                let Some(db) = ctx.db_mut() else {
                    return Effect::Flash("not saved: the screen is being drawn".into());
                };
                match setup::move_to_group(db, &op, r.student.id, group) {
                    Ok(entries) => {
                        let what = format!("{} into group {name}", r.student.family_name);
                        if entries.len() <= 1 && r.groups.contains(&name) {
                            ctx.flash(format!(
                                "{} is already in group {name}",
                                r.student.family_name
                            ));
                        } else {
                            ctx.flash(format!("moved {what}"));
                        }
                        self.focus = Some((Section::Students, r.student.full_name()));
                        ctx.record(format!("move {what}"), entries);
                    }
                    Err(e) => ctx.flash(format!("not saved: {e}")),
                }
                Effect::Done
            }
            PickTarget::SchoolField => {
                let value = self.pick_values.get(i).cloned().unwrap_or_default();
                let Some(f) = self.form.as_mut() else {
                    return Effect::Done;
                };
                let focus = f.focus;
                let label = f
                    .fields
                    .get(focus)
                    .map(|x| x.label.clone())
                    .unwrap_or_default();
                if let Some(field) = f.fields.get_mut(focus) {
                    field.set(value.clone());
                }
                // A lesson's subject brings the teacher of the curriculum.
                if matches!(f.kind, FormKind::Slot { .. }) && label == SUBJECT {
                    let teacher = self
                        .curriculum
                        .iter()
                        .find(|c| c.subject.name == value)
                        .and_then(|c| c.teaching.first().cloned());
                    if let Some((group, t)) = teacher {
                        let key = self
                            .staff
                            .iter()
                            .find(|s| s.full_name() == t)
                            .map(|s| staff_key(&self.staff, s))
                            .unwrap_or(t);
                        if let Some(f) = self.form.as_mut() {
                            for field in &mut f.fields {
                                if field.label == TEACHER && field.value.trim().is_empty() {
                                    field.set(key.clone());
                                }
                                if field.label == GROUP && field.value.trim().is_empty() {
                                    field.set(group.clone().unwrap_or_default());
                                }
                            }
                        }
                    }
                }
                // Enter chose it: on the last field that saves, else on to
                // the next field.
                self.school_form_advance(ctx)
            }
            _ => Effect::Pass,
        }
    }

    /// On to the next field of the form; on the last one, save it.
    fn school_form_advance(&mut self, ctx: &mut Ctx) -> Effect {
        let Some(f) = self.form.as_mut() else {
            return Effect::Done;
        };
        if f.focus + 1 >= f.fields.len() {
            return self.submit_school_form(ctx);
        }
        f.focus += 1;
        Effect::Done
    }

    /// Keys while a form is open: the form component's, and Enter on an
    /// empty field with a list opens the list.
    pub(crate) fn school_form_update(&mut self, ctx: &mut Ctx, action: Action) -> Effect {
        let Some(f) = self.form.as_mut() else {
            return Effect::Done;
        };
        if action == Action::FormEnter && !f.asking {
            let empty = f
                .fields
                .get(f.focus)
                .is_some_and(|x| x.is_text() && x.value.trim().is_empty());
            let label = f
                .fields
                .get(f.focus)
                .map(|x| x.label.clone())
                .unwrap_or_default();
            // An empty field with a list opens it (an empty list: on);
            // the optional group is chosen with Ctrl-p.
            if empty
                && label != GROUP
                && self
                    .pick_list(ctx, &label)
                    .is_some_and(|(_, items, _)| items.iter().any(|i| i != NONE))
                && let Some(effect) = self.open_field_picker(ctx)
            {
                return effect;
            }
        }
        let Some(f) = self.form.as_mut() else {
            return Effect::Done;
        };
        match f.handle(&action) {
            Outcome::Cancel => self.form = None,
            Outcome::Submit => return self.submit_school_form(ctx),
            Outcome::Pick => {
                return self.open_field_picker(ctx).unwrap_or_else(|| {
                    Effect::Flash("this field has no list: type its value".into())
                });
            }
            Outcome::Open => {}
        }
        Effect::Done
    }
}
