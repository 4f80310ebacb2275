//! Keys in a School-tab form: Enter moves on (and saves on the last
//! field), an empty field with a list opens it, Ctrl-p opens it any time;
//! what a picker chose goes into the field.

use super::Section;
use super::forms::*;
use crate::service::setup;
use crate::ui::action::Action;
use crate::ui::app::{App, PickTarget};
use crate::ui::widgets::form::Outcome;

impl App {
    /// The list a field of the open form is chosen from: the picker's
    /// title, its items, and the value each puts into the field.
    fn pick_list(&self, label: &str) -> Option<(String, Vec<String>, Vec<String>)> {
        let f = self.school_pane.form.as_ref()?;
        let p = &self.school_pane;
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
                    self.classes.iter().map(|c| c.name.clone()).collect(),
                    self.classes.iter().map(|c| c.name.clone()).collect(),
                ),
            ),
            _ => return None,
        };
        Some((title.to_string(), items, values))
    }

    fn open_field_picker(&mut self) -> bool {
        let Some(f) = &self.school_pane.form else {
            return false;
        };
        let Some(field) = f.fields.get(f.focus) else {
            return false;
        };
        let current = field.value.trim().to_string();
        let Some((title, items, values)) = self.pick_list(&field.label.clone()) else {
            return false;
        };
        if items.is_empty() {
            self.flash(format!(
                "{}: nothing to choose from yet",
                title.to_lowercase()
            ));
            return true;
        }
        let at = values.iter().position(|v| *v == current).unwrap_or(0);
        self.school_pane.pick_values = values;
        self.open_picker(PickTarget::SchoolField, &title, items, at);
        true
    }

    /// A picker of the School tab chose item `i`.
    pub(crate) fn school_pick(&mut self, target: PickTarget, i: usize) {
        match target {
            PickTarget::SchoolGroup => {
                let Some(&group) = self.school_pane.pick_groups.get(i) else {
                    return;
                };
                let Some(r) = self.school_pane.roster.get(self.school_pane.row()).cloned() else {
                    return;
                };
                let name = self
                    .school_pane
                    .groups
                    .iter()
                    .find(|g| g.id == group)
                    .map(|g| g.name.clone())
                    .unwrap_or_default();
                let op = self.opts.operator.clone();
                match setup::move_to_group(&mut self.db, &op, r.student.id, group) {
                    Ok(entries) => {
                        let what = format!("{} into group {name}", r.student.family_name);
                        if entries.len() <= 1 && r.groups.contains(&name) {
                            self.flash(format!(
                                "{} is already in group {name}",
                                r.student.family_name
                            ));
                        } else {
                            self.flash(format!("moved {what}"));
                        }
                        self.school_pane.focus = Some((Section::Students, r.student.full_name()));
                        self.school_record(format!("move {what}"), entries);
                    }
                    Err(e) => self.flash(format!("not saved: {e}")),
                }
            }
            PickTarget::SchoolField => {
                let value = self
                    .school_pane
                    .pick_values
                    .get(i)
                    .cloned()
                    .unwrap_or_default();
                let Some(f) = self.school_pane.form.as_mut() else {
                    return;
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
                        .school_pane
                        .curriculum
                        .iter()
                        .find(|c| c.subject.name == value)
                        .and_then(|c| c.teaching.first().cloned());
                    if let Some((group, t)) = teacher {
                        let key = self
                            .school_pane
                            .staff
                            .iter()
                            .find(|s| s.full_name() == t)
                            .map(|s| staff_key(&self.school_pane.staff, s))
                            .unwrap_or(t);
                        if let Some(f) = self.school_pane.form.as_mut() {
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
                self.school_form_advance();
            }
            _ => {}
        }
    }

    /// On to the next field of the form; on the last one, save it.
    fn school_form_advance(&mut self) {
        let Some(f) = self.school_pane.form.as_mut() else {
            return;
        };
        if f.focus + 1 >= f.fields.len() {
            self.submit_school_form();
        } else {
            f.focus += 1;
        }
    }

    /// Keys while a form is open: the form component's, and Enter on an
    /// empty field with a list opens the list.
    pub(crate) fn school_form_update(&mut self, action: Action) {
        let Some(f) = self.school_pane.form.as_mut() else {
            return;
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
                    .pick_list(&label)
                    .is_some_and(|(_, items, _)| items.iter().any(|i| i != NONE))
                && self.open_field_picker()
            {
                return;
            }
        }
        let Some(f) = self.school_pane.form.as_mut() else {
            return;
        };
        match f.handle(&action) {
            Outcome::Cancel => self.school_pane.form = None,
            Outcome::Submit => self.submit_school_form(),
            Outcome::Pick => {
                if !self.open_field_picker() {
                    self.flash("this field has no list: type its value");
                }
            }
            Outcome::Open => {}
        }
    }
}
