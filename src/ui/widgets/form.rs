//! The one form component of the UI: labelled fields in a box over a pane,
//! with one behaviour everywhere (the keys are the keymap's `form` mode):
//!
//! - Enter goes to the next field and saves on the last one (in a
//!   multi-line field Enter is a new line); Ctrl-s saves from any field;
//!   Tab/↓ and Shift-Tab/↑ move between fields.
//! - A text field has a cursor: ←/→ move it, Home/End go to the ends of the
//!   line, Backspace erases before it, Delete at it, typing inserts at it.
//!   Positions are characters, not bytes, and the cursor is drawn at its
//!   display column (Chinese is two columns wide).
//! - A choice field changes with ←/→ and Space; a list field is chosen
//!   from a list (Ctrl-p, or Space) that the pane opens.
//! - Ctrl-u clears the field.
//! - Esc closes an unchanged form; on a changed one it asks on the form's
//!   last line, and only `y` discards.
//!
//! What saving does is the pane's `K`; a refused save keeps the form open
//! with the reason in [`Form::error`].

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

use crate::ui::action::Action;
use crate::ui::text::{fit, pad, put, width};
use crate::ui::theme::Theme;

/// The question Esc asks on a changed form.
pub const DISCARD_QUESTION: &str = "Discard the changes? y discards · n/Esc keeps editing";

/// One field: free text (one line or several), one of `choices` (←/→
/// change it), or a value chosen from a list the pane opens.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub label: String,
    pub value: String,
    pub choices: Vec<String>,
    /// Rows shown; a field with more than one is multi-line text, where
    /// Enter starts a new line.
    pub lines: u16,
    /// The value comes from a list only (Ctrl-p or Space opens it);
    /// typing does nothing.
    pub pick_only: bool,
    /// Shown dim while the field is empty.
    pub placeholder: String,
    /// The cursor in characters from the start; `None`: at the end.
    cursor: Option<usize>,
}

impl Field {
    /// A one-line text field.
    pub fn text(label: impl Into<String>, value: impl Into<String>) -> Field {
        Field {
            label: label.into(),
            value: value.into(),
            choices: vec![],
            lines: 1,
            pick_only: false,
            placeholder: String::new(),
            cursor: None,
        }
    }

    /// A multi-line text field `lines` rows high (Enter is a new line).
    pub fn multiline(label: impl Into<String>, value: impl Into<String>, lines: u16) -> Field {
        Field {
            lines: lines.max(2),
            ..Field::text(label, value)
        }
    }

    /// One of `choices`; ←/→ and Space change it.
    pub fn choice<S: AsRef<str>>(label: impl Into<String>, value: &str, choices: &[S]) -> Field {
        Field {
            choices: choices.iter().map(|c| c.as_ref().to_string()).collect(),
            ..Field::text(label, value)
        }
    }

    /// A value chosen from a list the pane opens (Ctrl-p or Space).
    pub fn pick(label: impl Into<String>, value: impl Into<String>) -> Field {
        Field {
            pick_only: true,
            ..Field::text(label, value)
        }
    }

    /// The same field with a placeholder shown while it is empty.
    pub fn with_placeholder(mut self, placeholder: impl Into<String>) -> Field {
        self.placeholder = placeholder.into();
        self
    }

    /// Free text (not a choice, not a list).
    pub fn is_text(&self) -> bool {
        self.choices.is_empty() && !self.pick_only
    }

    /// Multi-line text: Enter is a new line.
    pub fn is_multiline(&self) -> bool {
        self.is_text() && self.lines > 1
    }

    /// Replace the value; the cursor goes to its end.
    pub fn set(&mut self, value: impl Into<String>) {
        self.value = value.into();
        self.cursor = None;
    }

    /// The cursor, in characters from the start of the value.
    pub fn cursor(&self) -> usize {
        let n = self.value.chars().count();
        self.cursor.map_or(n, |c| c.min(n))
    }

    fn byte_at(&self, char_idx: usize) -> usize {
        self.value
            .char_indices()
            .nth(char_idx)
            .map_or(self.value.len(), |(b, _)| b)
    }

    /// Insert `text` at the cursor (a line break only in a multi-line
    /// field; elsewhere it becomes a space).
    fn insert(&mut self, text: &str) {
        let multi = self.is_multiline();
        let clean: String = text
            .replace("\r\n", "\n")
            .chars()
            .filter_map(|c| match c {
                '\n' if multi => Some('\n'),
                '\n' | '\t' => Some(' '),
                c if c.is_control() => None,
                c => Some(c),
            })
            .collect();
        let at = self.cursor();
        let b = self.byte_at(at);
        self.value.insert_str(b, &clean);
        self.cursor = Some(at + clean.chars().count());
    }

    fn erase_before(&mut self) {
        let at = self.cursor();
        if at == 0 {
            return;
        }
        let b = self.byte_at(at - 1);
        self.value.remove(b);
        self.cursor = Some(at - 1);
    }

    fn delete_at(&mut self) {
        let at = self.cursor();
        if at < self.value.chars().count() {
            let b = self.byte_at(at);
            self.value.remove(b);
            self.cursor = Some(at);
        }
    }

    /// The start and end (characters) of the line the cursor is on.
    fn line_bounds(&self) -> (usize, usize) {
        let chars: Vec<char> = self.value.chars().collect();
        let at = self.cursor();
        let start = chars[..at]
            .iter()
            .rposition(|c| *c == '\n')
            .map_or(0, |i| i + 1);
        let end = chars[at..]
            .iter()
            .position(|c| *c == '\n')
            .map_or(chars.len(), |i| at + i);
        (start, end)
    }

    fn step_choice(&mut self, forward: bool) {
        let k = self.choices.len();
        if k == 0 {
            return;
        }
        let i = self
            .choices
            .iter()
            .position(|c| *c == self.value)
            .unwrap_or(0);
        let j = if forward {
            (i + 1) % k
        } else {
            (i + k - 1) % k
        };
        self.set(self.choices[j].clone());
    }
}

/// A form: what saving it does (`kind`), its fields, the focused field,
/// why the last save was refused, a line of explanation, and whether Esc
/// is asking before it discards the changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Form<K> {
    pub title: String,
    pub kind: K,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// Why the last save was refused (the form stays open).
    pub error: Option<String>,
    /// A line of explanation under the title.
    pub note: String,
    /// Esc on a changed form: the last line asks before discarding.
    pub asking: bool,
    /// The values when the form opened (what "changed" is measured from).
    initial: Vec<String>,
}

/// What a key did to a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The form stays open (a field changed, or nothing happened).
    Open,
    /// Close it, saving nothing (Esc on an unchanged form, or `y`).
    Cancel,
    /// Save it: the pane checks and saves (Ctrl-s, Enter on the last field).
    Submit,
    /// Open the focused field's list (Ctrl-p; Space on a list field).
    Pick,
}

impl<K> Form<K> {
    /// A form on its first field; its values now are "unchanged".
    pub fn new(title: impl Into<String>, kind: K, fields: Vec<Field>) -> Form<K> {
        let initial = fields.iter().map(|f| f.value.clone()).collect();
        Form {
            title: title.into(),
            kind,
            fields,
            focus: 0,
            error: None,
            note: String::new(),
            asking: false,
            initial,
        }
    }

    /// The same form focused on field `i`.
    pub fn with_focus(mut self, i: usize) -> Form<K> {
        self.focus = i.min(self.fields.len().saturating_sub(1));
        self
    }

    /// The same form with a line of explanation.
    pub fn with_note(mut self, note: impl Into<String>) -> Form<K> {
        self.note = note.into();
        self
    }

    /// Take the current values as the unchanged ones.
    pub fn mark_unchanged(&mut self) {
        self.initial = self.fields.iter().map(|f| f.value.clone()).collect();
    }

    /// Whether anything changed since the form opened.
    pub fn changed(&self) -> bool {
        self.fields.len() != self.initial.len()
            || self
                .fields
                .iter()
                .zip(&self.initial)
                .any(|(f, v)| f.value != *v)
    }

    /// The trimmed value of the field labelled `label` ("" if none).
    pub fn value(&self, label: &str) -> &str {
        self.fields
            .iter()
            .find(|f| f.label == label)
            .map_or("", |f| f.value.trim())
    }

    /// The field labelled `label`.
    pub fn field_mut(&mut self, label: &str) -> Option<&mut Field> {
        self.fields.iter_mut().find(|f| f.label == label)
    }

    /// The focused field.
    pub fn focused(&self) -> Option<&Field> {
        self.fields.get(self.focus)
    }

    /// Whether the focus is on the last field (Enter saves there).
    pub fn on_last(&self) -> bool {
        self.focus + 1 >= self.fields.len()
    }

    /// Apply one action of the `form` mode (or text typed).
    pub fn handle(&mut self, action: &Action) -> Outcome {
        if self.asking {
            match action {
                Action::InsertText(t) if t == "y" || t == "Y" => return Outcome::Cancel,
                Action::InsertText(t) if t == "n" || t == "N" => self.asking = false,
                Action::FormClose | Action::Cancel => self.asking = false,
                _ => {}
            }
            return Outcome::Open;
        }
        let n = self.fields.len();
        let focus = self.focus;
        let field = self.fields.get_mut(focus);
        match action {
            Action::FormClose | Action::Cancel => {
                if !self.changed() {
                    return Outcome::Cancel;
                }
                self.asking = true;
            }
            Action::FormSave => return Outcome::Submit,
            Action::FormEnter => match field {
                Some(f) if f.is_multiline() => f.insert("\n"),
                _ if focus + 1 >= n => return Outcome::Submit,
                _ => self.focus += 1,
            },
            Action::FormPick => return Outcome::Pick,
            Action::FormNext if n > 0 => self.focus = (focus + 1) % n,
            Action::FormPrev if n > 0 => self.focus = (focus + n - 1) % n,
            Action::FormLeft | Action::FormRight => {
                let forward = *action == Action::FormRight;
                if let Some(f) = field {
                    if !f.choices.is_empty() {
                        f.step_choice(forward);
                    } else if f.is_text() {
                        let at = f.cursor();
                        let len = f.value.chars().count();
                        f.cursor = Some(if forward {
                            (at + 1).min(len)
                        } else {
                            at.saturating_sub(1)
                        });
                    }
                }
            }
            Action::FormHome | Action::FormEnd => {
                if let Some(f) = field.filter(|f| f.is_text()) {
                    let (start, end) = f.line_bounds();
                    f.cursor = Some(if *action == Action::FormHome {
                        start
                    } else {
                        end
                    });
                }
            }
            Action::FormErase => {
                if let Some(f) = field.filter(|f| f.is_text()) {
                    f.erase_before();
                }
            }
            Action::FormDelete => {
                if let Some(f) = field.filter(|f| f.is_text()) {
                    f.delete_at();
                }
            }
            Action::FormClear => {
                if let Some(f) = field.filter(|f| f.is_text()) {
                    f.set("");
                }
            }
            // Space changes a choice and opens a list; other typing goes
            // into text fields only.
            Action::InsertText(t) => match field {
                Some(f) if f.is_text() => f.insert(t),
                Some(f) if t == " " && f.pick_only => return Outcome::Pick,
                Some(f) if t == " " => f.step_choice(true),
                _ => {}
            },
            _ => {}
        }
        Outcome::Open
    }
}

/// The help line at the foot of a form: what Enter does on the focused
/// field, and the keys that matter there.
pub fn footer<K>(f: &Form<K>) -> String {
    if f.asking {
        return DISCARD_QUESTION.to_string();
    }
    let Some(field) = f.focused() else {
        return "Enter/Ctrl-s: yes · Esc: no".to_string();
    };
    let enter = if field.is_multiline() {
        "Enter new line"
    } else if f.on_last() {
        "Enter save"
    } else {
        "Enter next"
    };
    let what = if !field.choices.is_empty() {
        "←/→ choose"
    } else if field.pick_only {
        "Space/Ctrl-p list"
    } else {
        "Ctrl-u clear"
    };
    format!("{enter} · Ctrl-s save · {what} · Esc close")
}

/// Draw the form in a box (at most `max_width` wide) centred in `area`.
pub fn draw<K>(t: &Theme, f: &Form<K>, max_width: u16, area: Rect, buf: &mut Buffer) {
    use ratatui::widgets::{Block, Borders, Clear, Widget};
    let w = area.width.saturating_sub(4).min(max_width);
    let rows: u16 = f.fields.iter().map(|x| x.lines.max(1)).sum();
    let height = (rows + 5).min(area.height);
    if w < 8 || height < 3 {
        return;
    }
    let r = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - height) / 2,
        width: w,
        height,
    };
    Clear.render(r, buf);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {} ", fit(&f.title, w as usize - 4)))
        .border_style(t.header);
    let inner = block.inner(r);
    block.render(r, buf);
    let iw = inner.width as usize;
    put(buf, inner, inner.x + 1, inner.y, iw - 1, &f.note, t.dim);
    let label_w = f.fields.iter().map(|x| width(&x.label)).max().unwrap_or(0) + 1;
    let vw = iw.saturating_sub(label_w + 2);
    let vx = inner.x + 1 + label_w as u16;
    let mut y = inner.y + 1;
    for (i, field) in f.fields.iter().enumerate() {
        let focused = i == f.focus;
        put(
            buf,
            inner,
            inner.x + 1,
            y,
            label_w,
            &pad(&field.label, label_w),
            if focused { t.header } else { t.text },
        );
        let style = if focused { t.cursor } else { t.text };
        if field.is_text() {
            draw_text(t, field, focused, vx, y, vw, inner, buf);
        } else {
            let value = if field.choices.is_empty() {
                field.value.clone()
            } else {
                format!("‹ {} ›", field.value)
            };
            put(buf, inner, vx, y, vw, &pad(&value, vw), style);
        }
        y += field.lines.max(1);
    }
    if let Some(e) = &f.error {
        put(buf, inner, inner.x + 1, y, iw - 1, e, t.bad);
    }
    let (help, style) = if f.asking {
        (footer(f), t.bad)
    } else {
        (footer(f), t.dim)
    };
    put(
        buf,
        inner,
        inner.x + 1,
        inner.bottom().saturating_sub(1),
        iw - 1,
        &help,
        style,
    );
}

/// A text field's rows, keeping the cursor in view, with the cursor drawn
/// at its display column.
#[allow(clippy::too_many_arguments)]
fn draw_text(
    t: &Theme,
    field: &Field,
    focused: bool,
    x: u16,
    y: u16,
    vw: usize,
    clip: Rect,
    buf: &mut Buffer,
) {
    let style = if focused { t.cursor } else { t.text };
    let rows = field.lines.max(1) as usize;
    // The lines with the character index each starts at.
    let mut lines: Vec<(usize, Vec<char>)> = vec![];
    let mut start = 0;
    for l in field.value.split('\n') {
        let chars: Vec<char> = l.chars().collect();
        let n = chars.len();
        lines.push((start, chars));
        start += n + 1;
    }
    let at = field.cursor();
    let cur_line = lines
        .iter()
        .rposition(|(s, _)| *s <= at)
        .unwrap_or_default();
    let first = if focused {
        (cur_line + 1).saturating_sub(rows)
    } else {
        0
    };
    if field.value.is_empty() && !field.placeholder.is_empty() {
        put(buf, clip, x, y, vw, &pad("", vw), style);
        let px = if focused { x + 1 } else { x };
        put(
            buf,
            clip,
            px,
            y,
            vw.saturating_sub(1),
            &field.placeholder,
            t.dim,
        );
        if focused {
            put(buf, clip, x, y, 1, "▏", style);
        }
        return;
    }
    for row in 0..rows {
        let ry = y + row as u16;
        let Some((s, chars)) = lines.get(first + row) else {
            if rows > 1 {
                put(buf, clip, x, ry, vw, &pad("", vw), style);
            }
            continue;
        };
        if !(focused && first + row == cur_line) {
            let text: String = chars.iter().collect();
            put(buf, clip, x, ry, vw, &pad(&text, vw), style);
            continue;
        }
        // The cursor's line: scroll it so the cursor stays in view.
        let c = at - s;
        let before = |from: usize| width(&chars[from..c].iter().collect::<String>());
        let mut from = 0;
        if before(0) + 1 > vw {
            from = c;
            while from > 0 && 1 + before(from - 1) < vw {
                from -= 1;
            }
        }
        let mut shown = String::new();
        if from > 0 {
            shown.push('…');
        }
        shown.extend(&chars[from..]);
        put(buf, clip, x, ry, vw, &pad(&shown, vw), style);
        let col = x as usize + usize::from(from > 0) + before(from);
        if col >= x as usize + vw || col >= clip.right() as usize {
            continue;
        }
        let col = col as u16;
        if c == chars.len() {
            put(buf, clip, col, ry, 1, "▏", style);
        } else if let Some(cell) = buf.cell_mut((col, ry)) {
            // The character under the cursor stands out of the field.
            cell.set_style(
                Style::new()
                    .remove_modifier(Modifier::REVERSED)
                    .add_modifier(Modifier::UNDERLINED | Modifier::BOLD),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(fields: Vec<Field>) -> Form<()> {
        Form::new("t", (), fields)
    }

    fn typed(f: &mut Form<()>, s: &str) {
        for c in s.chars() {
            f.handle(&Action::InsertText(c.to_string()));
        }
    }

    #[test]
    fn the_cursor_moves_and_types_in_characters() {
        let mut f = form(vec![Field::text("Name", "Иванов")]);
        assert_eq!(f.fields[0].cursor(), 6, "the cursor opens at the end");
        for _ in 0..3 {
            f.handle(&Action::FormLeft);
        }
        assert_eq!(f.fields[0].cursor(), 3);
        typed(&mut f, "ё");
        assert_eq!(f.value("Name"), "Иваёнов");
        f.handle(&Action::FormHome);
        typed(&mut f, "王");
        assert_eq!(f.value("Name"), "王Иваёнов");
        assert_eq!(f.fields[0].cursor(), 1);
        f.handle(&Action::FormEnd);
        typed(&mut f, "ễ");
        assert_eq!(f.value("Name"), "王Иваёновễ");
        // The ends hold: → at the end and ← at the start stay put.
        f.handle(&Action::FormRight);
        assert_eq!(f.fields[0].cursor(), 9);
        f.handle(&Action::FormHome);
        f.handle(&Action::FormLeft);
        assert_eq!(f.fields[0].cursor(), 0);
    }

    #[test]
    fn backspace_erases_before_the_cursor_and_delete_at_it() {
        let mut f = form(vec![Field::text("Name", "王俊杰")]);
        f.handle(&Action::FormLeft);
        f.handle(&Action::FormErase);
        assert_eq!(f.value("Name"), "王杰");
        assert_eq!(f.fields[0].cursor(), 1);
        f.handle(&Action::FormDelete);
        assert_eq!(f.value("Name"), "王");
        // Delete at the end and Backspace at the start change nothing.
        f.handle(&Action::FormDelete);
        assert_eq!(f.value("Name"), "王");
        f.handle(&Action::FormHome);
        f.handle(&Action::FormErase);
        assert_eq!(f.value("Name"), "王");
        assert_eq!(f.fields[0].cursor(), 0);
    }

    #[test]
    fn ctrl_u_clears_a_text_field_but_not_a_choice() {
        let mut f = form(vec![
            Field::text("Name", "Nguyễn Thị Hoa"),
            Field::choice("Mode", "a", &["a", "b"]),
        ]);
        f.handle(&Action::FormClear);
        assert_eq!(f.value("Name"), "");
        assert_eq!(f.fields[0].cursor(), 0);
        f.handle(&Action::FormNext);
        f.handle(&Action::FormClear);
        assert_eq!(f.value("Mode"), "a");
    }

    #[test]
    fn choices_change_with_arrows_and_space_and_ignore_typing() {
        let mut f = form(vec![Field::choice("Mode", "a", &["a", "b", "c"])]);
        f.handle(&Action::FormLeft);
        assert_eq!(f.value("Mode"), "c");
        f.handle(&Action::InsertText(" ".into()));
        assert_eq!(f.value("Mode"), "a");
        f.handle(&Action::FormRight);
        assert_eq!(f.value("Mode"), "b");
        f.handle(&Action::InsertText("x".into()));
        assert_eq!(f.value("Mode"), "b");
    }

    #[test]
    fn enter_moves_on_and_saves_on_the_last_field() {
        let mut f = form(vec![Field::text("A", ""), Field::text("B", "")]);
        assert_eq!(f.handle(&Action::FormEnter), Outcome::Open);
        assert_eq!(f.focus, 1);
        assert_eq!(f.handle(&Action::FormEnter), Outcome::Submit);
        // Tab and Shift-Tab go round.
        f.handle(&Action::FormNext);
        assert_eq!(f.focus, 0);
        f.handle(&Action::FormPrev);
        assert_eq!(f.focus, 1);
        // A form without fields (a question): Enter says yes.
        let mut q = form(vec![]);
        assert_eq!(q.handle(&Action::FormEnter), Outcome::Submit);
    }

    #[test]
    fn ctrl_s_saves_from_the_first_field() {
        let mut f = form(vec![Field::text("A", "Ли"), Field::text("B", "")]);
        assert_eq!(f.focus, 0);
        assert_eq!(f.handle(&Action::FormSave), Outcome::Submit);
    }

    #[test]
    fn enter_in_a_multiline_field_is_a_new_line() {
        let mut f = form(vec![
            Field::multiline("Topic", "Дроби", 3),
            Field::text("B", ""),
        ]);
        assert_eq!(f.handle(&Action::FormEnter), Outcome::Open);
        typed(&mut f, "Сложение");
        assert_eq!(f.value("Topic"), "Дроби\nСложение");
        assert_eq!(f.focus, 0, "Enter stayed in the field");
        f.handle(&Action::FormHome);
        assert_eq!(f.fields[0].cursor(), 6, "Home: the start of the line");
        f.handle(&Action::FormNext);
        assert_eq!(f.focus, 1);
        // Pasted line breaks become spaces in a one-line field.
        f.handle(&Action::InsertText("a\nb".into()));
        assert_eq!(f.value("B"), "a b");
        assert!(
            footer(&Form::new("t", (), vec![Field::multiline("T", "", 3)]))
                .starts_with("Enter new line")
        );
    }

    #[test]
    fn esc_closes_an_unchanged_form() {
        let mut f = form(vec![Field::text("A", "Ли")]);
        // Moving the cursor or the focus changes nothing.
        f.handle(&Action::FormLeft);
        assert_eq!(f.handle(&Action::FormClose), Outcome::Cancel);
        // Typed and erased again: unchanged.
        let mut f = form(vec![Field::text("A", "Ли")]);
        typed(&mut f, "x");
        f.handle(&Action::FormErase);
        assert!(!f.changed());
        assert_eq!(f.handle(&Action::FormClose), Outcome::Cancel);
    }

    #[test]
    fn esc_on_a_changed_form_asks_and_only_y_discards() {
        let mut f = form(vec![Field::text("A", "Ли")]);
        typed(&mut f, "х");
        assert_eq!(f.handle(&Action::FormClose), Outcome::Open);
        assert!(f.asking);
        assert_eq!(footer(&f), DISCARD_QUESTION);
        // Other keys do nothing while it asks.
        assert_eq!(f.handle(&Action::FormSave), Outcome::Open);
        typed(&mut f, "q");
        assert_eq!(f.value("A"), "Лих");
        // n keeps editing, with what was typed.
        assert_eq!(f.handle(&Action::InsertText("n".into())), Outcome::Open);
        assert!(!f.asking);
        assert_eq!(f.value("A"), "Лих");
        // Esc again asks again; Esc keeps editing too.
        f.handle(&Action::FormClose);
        assert_eq!(f.handle(&Action::FormClose), Outcome::Open);
        assert!(!f.asking);
        // y discards.
        f.handle(&Action::FormClose);
        assert_eq!(f.handle(&Action::InsertText("y".into())), Outcome::Cancel);
    }

    #[test]
    fn a_list_field_opens_its_list_and_takes_no_typing() {
        let mut f = form(vec![Field::pick("Teacher", "Ли Вэй"), Field::text("B", "")]);
        assert_eq!(f.handle(&Action::InsertText(" ".into())), Outcome::Pick);
        assert_eq!(f.handle(&Action::FormPick), Outcome::Pick);
        f.handle(&Action::InsertText("x".into()));
        f.handle(&Action::FormErase);
        assert_eq!(f.value("Teacher"), "Ли Вэй");
        f.fields[0].set("Trần Văn An");
        assert!(f.changed());
    }

    #[test]
    fn space_is_text_in_a_text_field_and_a_change_in_a_choice() {
        let mut f = form(vec![
            Field::text("Name", "Ли"),
            Field::choice("Mode", "a", &["a", "b"]),
        ]);
        typed(&mut f, " Вэй");
        assert_eq!(f.value("Name"), "Ли Вэй");
        f.handle(&Action::FormNext);
        typed(&mut f, " ");
        assert_eq!(f.value("Mode"), "b");
    }

    #[test]
    fn a_long_value_scrolls_to_keep_the_cursor_in_view() {
        let theme = Theme::new(true);
        let long: String = "Программа развития ".repeat(4);
        let mut f = form(vec![Field::text("N", long.trim_end())]);
        let area = Rect::new(0, 0, 40, 8);
        let row = |buf: &Buffer| -> String {
            (6..38).map(|x| buf[(x, 3)].symbol().to_string()).collect()
        };
        // The cursor at the end: the end is shown after "…", with the bar.
        let mut buf = Buffer::empty(area);
        draw(&theme, &f, 40, area, &mut buf);
        let end = row(&buf);
        assert!(end.starts_with('…'), "{end}");
        assert!(end.contains("развития▏"), "{end}");
        // The cursor at the start: the start is shown, cut at the right.
        f.handle(&Action::FormHome);
        let mut buf = Buffer::empty(area);
        draw(&theme, &f, 40, area, &mut buf);
        let start = row(&buf);
        assert!(start.starts_with("Программа"), "{start}");
        assert!(buf[(6, 3)].modifier.contains(Modifier::UNDERLINED));
        // A short value does not scroll.
        let f = form(vec![Field::text("N", "王")]);
        let mut buf = Buffer::empty(area);
        draw(&theme, &f, 40, area, &mut buf);
        assert!(row(&buf).starts_with("王"), "{}", row(&buf));
    }

    #[test]
    fn the_cursor_is_drawn_at_its_display_column() {
        let theme = Theme::new(true);
        let mut f = form(vec![Field::text("N", "王俊杰")]);
        f.handle(&Action::FormLeft);
        let area = Rect::new(0, 0, 40, 8);
        let mut buf = Buffer::empty(area);
        draw(&theme, &f, 40, area, &mut buf);
        // The box is 36 wide at x 2 and 6 high at y 1: the note on row 2,
        // the field on row 3; the label "N " at x 4, the value at x 6; 王
        // and 俊 are two columns each, so 杰 is at x 10.
        assert_eq!(buf[(6, 3)].symbol(), "王");
        assert_eq!(buf[(8, 3)].symbol(), "俊");
        let cell = &buf[(10, 3)];
        assert_eq!(cell.symbol(), "杰");
        assert!(cell.modifier.contains(Modifier::UNDERLINED), "{cell:?}");
        assert!(!buf[(8, 3)].modifier.contains(Modifier::UNDERLINED));
        // At the end: a bar after the last character.
        f.handle(&Action::FormEnd);
        let mut buf = Buffer::empty(area);
        draw(&theme, &f, 40, area, &mut buf);
        assert_eq!(buf[(12, 3)].symbol(), "▏");
        assert!(!buf[(10, 3)].modifier.contains(Modifier::UNDERLINED));
    }
}
