//! A small form in a box over a pane: labelled fields, free text or one of
//! a few choices, the focused one, the last refusal. The Training and
//! Indicators tabs open these; what confirming does is the pane's `K`.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::ui::action::Action;
use crate::ui::text::{fit, pad, put, width};
use crate::ui::theme::Theme;

/// One field: free text, or one of `choices` (←/→ change it).
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub label: String,
    pub value: String,
    pub choices: Vec<String>,
}

impl Field {
    pub fn text(label: impl Into<String>, value: impl Into<String>) -> Field {
        Field {
            label: label.into(),
            value: value.into(),
            choices: vec![],
        }
    }

    pub fn choice<S: AsRef<str>>(label: impl Into<String>, value: &str, choices: &[S]) -> Field {
        Field {
            label: label.into(),
            value: value.to_string(),
            choices: choices.iter().map(|c| c.as_ref().to_string()).collect(),
        }
    }
}

/// A form: what it does when confirmed (`kind`), its fields, the focused
/// field, why the last Enter was refused, a line of explanation.
#[derive(Debug, Clone, PartialEq)]
pub struct Form<K> {
    pub title: String,
    pub kind: K,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// Why the last Enter was refused (the form stays open).
    pub error: Option<String>,
    /// A line of explanation under the title.
    pub note: String,
}

/// What a key did to a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The form stays open (a field changed, or nothing happened).
    Open,
    /// Esc: close it, saving nothing.
    Cancel,
    /// Enter: the pane checks and saves it.
    Submit,
}

impl<K> Form<K> {
    /// The trimmed value of the field labelled `label` ("" if none).
    pub fn value(&self, label: &str) -> &str {
        self.fields
            .iter()
            .find(|f| f.label == label)
            .map_or("", |f| f.value.trim())
    }

    /// Apply one action: move between fields, change a choice, type or
    /// erase in a text field; Esc and Enter are for the pane.
    pub fn handle(&mut self, action: &Action) -> Outcome {
        let n = self.fields.len();
        match action {
            Action::Cancel => return Outcome::Cancel,
            Action::Confirm => return Outcome::Submit,
            Action::FormNext if n > 0 => self.focus = (self.focus + 1) % n,
            Action::FormPrev if n > 0 => self.focus = (self.focus + n - 1) % n,
            Action::MoveLeft | Action::MoveRight => {
                if let Some(f) = self.fields.get_mut(self.focus)
                    && !f.choices.is_empty()
                {
                    let i = f.choices.iter().position(|c| *c == f.value).unwrap_or(0);
                    let k = f.choices.len();
                    let j = if *action == Action::MoveRight {
                        (i + 1) % k
                    } else {
                        (i + k - 1) % k
                    };
                    f.value = f.choices[j].clone();
                }
            }
            Action::FormErase => {
                if let Some(f) = self.fields.get_mut(self.focus)
                    && f.choices.is_empty()
                {
                    f.value.pop();
                }
            }
            Action::InsertText(t) => {
                if let Some(f) = self.fields.get_mut(self.focus)
                    && f.choices.is_empty()
                {
                    f.value.push_str(t);
                }
            }
            _ => {}
        }
        Outcome::Open
    }
}

/// Draw the form in a box (at most `max_width` wide) centred in `area`.
pub fn draw<K>(t: &Theme, f: &Form<K>, max_width: u16, area: Rect, buf: &mut Buffer) {
    use ratatui::widgets::{Block, Borders, Clear, Widget};
    let w = area.width.saturating_sub(4).min(max_width);
    let height = (f.fields.len() as u16 + 5).min(area.height);
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
    for (i, field) in f.fields.iter().enumerate() {
        let y = inner.y + 1 + i as u16;
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
        let value = if field.choices.is_empty() {
            if focused {
                format!("{}▏", field.value)
            } else {
                field.value.clone()
            }
        } else {
            format!("‹ {} ›", field.value)
        };
        let vw = iw.saturating_sub(label_w + 2);
        // Keep the end of a long value (where typing happens) in view.
        let shown = if width(&value) > vw && field.choices.is_empty() && vw > 1 {
            let chars: Vec<char> = value.chars().collect();
            let mut start = chars.len();
            while start > 0 && width(&chars[start - 1..].iter().collect::<String>()) < vw - 1 {
                start -= 1;
            }
            let mut s = String::from("…");
            s.extend(&chars[start..]);
            s
        } else {
            value
        };
        put(
            buf,
            inner,
            inner.x + 1 + label_w as u16,
            y,
            vw,
            &pad(&shown, vw),
            if focused { t.cursor } else { t.text },
        );
    }
    let y = inner.y + 1 + f.fields.len() as u16;
    if let Some(e) = &f.error {
        put(buf, inner, inner.x + 1, y, iw - 1, e, t.bad);
    }
    let help = if f.fields.is_empty() {
        "Enter: yes · Esc: no"
    } else if f.fields.iter().any(|x| !x.choices.is_empty()) {
        "Enter save · Esc cancel · Tab/↓ next · ←/→ choose"
    } else {
        "Enter save · Esc cancel · Tab/↓ next field"
    };
    put(
        buf,
        inner,
        inner.x + 1,
        inner.bottom().saturating_sub(1),
        iw - 1,
        help,
        t.dim,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_choosing_and_moving_between_fields() {
        let mut f = Form {
            title: "t".into(),
            kind: (),
            fields: vec![
                Field::text("Name", "Ng"),
                Field::choice("Mode", "a", &["a", "b", "c"]),
            ],
            focus: 0,
            error: None,
            note: String::new(),
        };
        assert_eq!(f.handle(&Action::InsertText("uyễn".into())), Outcome::Open);
        assert_eq!(f.value("Name"), "Nguyễn");
        f.handle(&Action::FormErase);
        assert_eq!(f.value("Name"), "Nguyễ");
        f.handle(&Action::FormNext);
        f.handle(&Action::MoveLeft);
        assert_eq!(f.value("Mode"), "c");
        // Typing into a choice changes nothing.
        f.handle(&Action::InsertText("x".into()));
        assert_eq!(f.value("Mode"), "c");
        f.handle(&Action::FormNext);
        assert_eq!(f.focus, 0);
        assert_eq!(f.handle(&Action::Confirm), Outcome::Submit);
        assert_eq!(f.handle(&Action::Cancel), Outcome::Cancel);
    }
}
