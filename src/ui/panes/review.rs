//! Review: every finding of the school's rules, grouped by rule, teacher or
//! class with counts, filtered by severity and date range; Enter on a
//! finding opens the cell that fixes it; `a` acknowledges it with a note.

use std::cell::Cell;
use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::domain::review::{Rule, Severity};
use crate::service::review::{self as svc, Finding, Review, ReviewQuery, Target};
use crate::ui::action::Action;
use crate::ui::component::{Ctx, Effect, Jump, Pane, PickTarget};
use crate::ui::dates;
use crate::ui::keymap::Mode;
use crate::ui::text::put;
use crate::ui::theme::Theme;
use crate::ui::widgets::grid::Column;
use crate::ui::widgets::table::Table;

/// How findings are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Grouping {
    #[default]
    Rule,
    Teacher,
    Class,
}

impl Grouping {
    fn next(self) -> Grouping {
        match self {
            Grouping::Rule => Grouping::Teacher,
            Grouping::Teacher => Grouping::Class,
            Grouping::Class => Grouping::Rule,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Grouping::Rule => "rule",
            Grouping::Teacher => "teacher",
            Grouping::Class => "class",
        }
    }

    /// The group a finding belongs to: (sort key, heading).
    fn of(self, f: &Finding) -> (String, String) {
        match self {
            Grouping::Rule => (
                format!(
                    "{:02}",
                    Rule::ALL.iter().position(|r| *r == f.rule).unwrap_or(0)
                ),
                format!("{} · {}", f.rule.id(), f.rule.info().title),
            ),
            Grouping::Teacher if f.teacher.is_empty() => ("~".into(), "(no teacher)".into()),
            Grouping::Teacher => (f.teacher.clone(), f.teacher.clone()),
            Grouping::Class if f.class.is_empty() => ("~".into(), "(no class: staff)".into()),
            // Classes sort by grade, then letter ("2А" before "10Б").
            Grouping::Class => (format!("{:>4}", f.class), format!("class {}", f.class)),
        }
    }
}

/// A row of the list: a group heading or a finding.
#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    Group {
        key: String,
        heading: String,
        errors: usize,
        warnings: usize,
        info: usize,
        open: bool,
    },
    Item(usize),
}

/// A one-line question at the bottom of the pane.
#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub text: String,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PromptKind {
    /// The note acknowledging the finding (rule, key).
    Ack { rule: Rule, key: String },
    /// One note acknowledging every unacknowledged finding shown in a
    /// group (the heading under the cursor), in one undoable step.
    AckGroup {
        heading: String,
        items: Vec<(Rule, String)>,
    },
    /// The date range, "DD.MM–DD.MM".
    Range,
    /// Words every finding shown must contain (class, subject, teacher,
    /// student, rule or detail).
    Filter,
}

/// The review tab's state.
#[derive(Debug, Default)]
pub struct ReviewPane {
    pub review: Option<Review>,
    pub grouping: Grouping,
    /// The least severe severity shown (Info shows everything).
    pub least: Option<Severity>,
    pub show_acked: bool,
    /// The text filter (`/`), lower-cased words.
    pub filter: String,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Open groups, by key.
    pub open: BTreeSet<String>,
    pub rows: Vec<Row>,
    pub row: usize,
    pub loaded: bool,
    pub prompt: Option<Prompt>,
    /// Why the review could not be run.
    pub error: Option<String>,
    pub(crate) offset: Cell<usize>,
    pub(crate) page: Cell<usize>,
}

impl ReviewPane {
    pub(crate) fn move_cursor(&mut self, action: &Action) {
        match action {
            Action::MoveRight => self.set_open(true),
            Action::MoveLeft => self.set_open(false),
            _ => self.row = super::step_rows(self.row, self.rows.len(), action, self.page.get()),
        }
    }

    fn least(&self) -> Severity {
        self.least.unwrap_or(Severity::Info)
    }

    /// Whether the filters let a finding through.
    fn shows(&self, f: &Finding) -> bool {
        f.severity <= self.least()
            && (self.show_acked || f.ack.is_none())
            && (self.filter.is_empty() || {
                let hay = format!(
                    "{} {} {} {} {} {} {}",
                    f.rule.id(),
                    f.rule.info().title,
                    f.class,
                    f.subject,
                    f.teacher,
                    f.student,
                    f.detail
                )
                .to_lowercase();
                self.filter.split_whitespace().all(|w| hay.contains(w))
            })
    }

    /// The finding under the cursor.
    pub fn current(&self) -> Option<&Finding> {
        match self.rows.get(self.row) {
            Some(Row::Item(i)) => self.review.as_ref()?.findings.get(*i),
            _ => None,
        }
    }

    /// (rule, key) of every finding shown in group `key` that is not
    /// acknowledged.
    fn group_unacked(&self, key: &str) -> Vec<(Rule, String)> {
        let Some(review) = &self.review else {
            return Vec::new();
        };
        review
            .findings
            .iter()
            .filter(|f| f.ack.is_none() && self.shows(f) && self.grouping.of(f).0 == key)
            .map(|f| (f.rule, f.key.clone()))
            .collect()
    }

    /// The group key of the row under the cursor (a heading or an item).
    fn current_group(&self) -> Option<String> {
        let f = match self.rows.get(self.row)? {
            Row::Group { key, .. } => return Some(key.clone()),
            Row::Item(i) => self.review.as_ref()?.findings.get(*i)?,
        };
        Some(self.grouping.of(f).0)
    }

    fn set_open(&mut self, open: bool) {
        let Some(key) = self.current_group() else {
            return;
        };
        if open {
            self.open.insert(key.clone());
        } else {
            self.open.remove(&key);
        }
        self.rebuild();
        // Stay on the group's heading.
        if let Some(i) = self
            .rows
            .iter()
            .position(|r| matches!(r, Row::Group { key: k, .. } if *k == key))
        {
            self.row = i;
        }
    }

    /// Open every group, or close them all if all are open.
    pub(crate) fn toggle_all(&mut self) {
        let keys: Vec<String> = self
            .rows
            .iter()
            .filter_map(|r| match r {
                Row::Group { key, .. } => Some(key.clone()),
                _ => None,
            })
            .collect();
        if keys.iter().all(|k| self.open.contains(k)) {
            self.open.clear();
        } else {
            self.open.extend(keys);
        }
        let key = self.current_group();
        self.rebuild();
        if let Some(key) = key
            && let Some(i) = self
                .rows
                .iter()
                .position(|r| matches!(r, Row::Group { key: k, .. } if *k == key))
        {
            self.row = i;
        }
    }

    /// Lay the rows out again from the review, grouping and filters.
    pub(crate) fn rebuild(&mut self) {
        let Some(review) = &self.review else {
            self.rows.clear();
            self.row = 0;
            return;
        };
        let mut groups: Vec<(String, String, Vec<usize>)> = Vec::new();
        let mut shown: Vec<(String, String, usize)> = review
            .findings
            .iter()
            .enumerate()
            .filter(|(_, f)| self.shows(f))
            .map(|(i, f)| {
                let (k, h) = self.grouping.of(f);
                (k, h, i)
            })
            .collect();
        shown.sort_by(|a, b| a.0.cmp(&b.0));
        for (k, h, i) in shown {
            match groups.last_mut() {
                Some((gk, _, v)) if *gk == k => v.push(i),
                _ => groups.push((k, h, vec![i])),
            }
        }
        // Worst first: most errors, then most warnings, then most notes;
        // ties keep the grouping's own order (rule, name, class).
        let tally = |items: &[usize], s: Severity| {
            items
                .iter()
                .filter(|i| review.findings[**i].severity == s)
                .count()
        };
        groups.sort_by_key(|(_, _, items)| {
            std::cmp::Reverse((
                tally(items, Severity::Error),
                tally(items, Severity::Warning),
                tally(items, Severity::Info),
            ))
        });
        let mut rows = Vec::new();
        for (key, heading, items) in groups {
            let count = |s: Severity| {
                items
                    .iter()
                    .filter(|i| review.findings[**i].severity == s)
                    .count()
            };
            let open = self.open.contains(&key);
            rows.push(Row::Group {
                errors: count(Severity::Error),
                warnings: count(Severity::Warning),
                info: count(Severity::Info),
                key,
                heading,
                open,
            });
            if open {
                rows.extend(items.into_iter().map(Row::Item));
            }
        }
        self.rows = rows;
        self.row = self.row.min(self.rows.len().saturating_sub(1));
    }
}

/// Parse a range typed as "DD.MM–DD.MM" (or "DD.MM.YYYY-DD.MM.YYYY", one
/// date alone = that day, empty = the whole year). Years are taken from
/// the school year (September to August).
pub fn parse_range(
    s: &str,
    year_start: NaiveDate,
) -> Result<(Option<NaiveDate>, Option<NaiveDate>), String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok((None, None));
    }
    let parts: Vec<&str> = s
        .split(['–', '—', '-', ' '])
        .filter(|p| !p.is_empty())
        .collect();
    let date = |p: &str| -> Result<NaiveDate, String> {
        let bits: Vec<&str> = p.split(['.', '/']).collect();
        let num = |i: usize| bits.get(i).and_then(|b| b.parse::<u32>().ok());
        let (Some(d), Some(m)) = (num(0), num(1)) else {
            return Err(format!("«{p}» is not a date DD.MM"));
        };
        let y = match num(2) {
            Some(y) => y as i32,
            None if m >= year_start.month() => year_start.year(),
            None => year_start.year() + 1,
        };
        NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| format!("«{p}» is not a real date"))
    };
    match parts.as_slice() {
        [one] => {
            let d = date(one)?;
            Ok((Some(d), Some(d)))
        }
        [a, b] => {
            let (a, b) = (date(a)?, date(b)?);
            if a > b {
                return Err(format!(
                    "the range ends ({}) before it starts ({})",
                    dates::full(b),
                    dates::full(a)
                ));
            }
            Ok((Some(a), Some(b)))
        }
        _ => Err("type a range as DD.MM–DD.MM".into()),
    }
}

impl Pane for ReviewPane {
    fn mode(&self) -> Mode {
        Mode::Review
    }

    fn loaded(&self) -> bool {
        self.loaded
    }

    fn invalidate(&mut self) {
        self.loaded = false;
    }

    /// Run the review over the range chosen.
    fn load(&mut self, ctx: &mut Ctx) {
        self.loaded = true;
        let q = ReviewQuery {
            from: self.from,
            to: self.to,
            now: now(ctx),
        };
        match svc::run(ctx.conn(), &q) {
            Ok(review) => {
                self.review = Some(review);
                self.error = None;
            }
            Err(e) => {
                self.review = None;
                self.error = Some(format!("The review could not be run: {e}."));
            }
        }
        self.rebuild();
    }

    /// The review tab's own actions and the cursor; the rest pass.
    fn handle(&mut self, action: &Action, ctx: &mut Ctx) -> Effect {
        match action {
            Action::Confirm => match self.rows.get(self.row) {
                Some(Row::Group { open, .. }) => {
                    let open = !*open;
                    self.set_open(open);
                }
                Some(Row::Item(_)) => return self.jump(ctx),
                None => {
                    return Effect::Flash("nothing to open: no findings with these filters".into());
                }
            },
            Action::MoveUp
            | Action::MoveDown
            | Action::MoveLeft
            | Action::MoveRight
            | Action::PageUp
            | Action::PageDown
            | Action::First
            | Action::Last => self.move_cursor(action),
            Action::ReviewGroup => {
                self.grouping = self.grouping.next();
                self.open.clear();
                self.row = 0;
                self.rebuild();
                return Effect::Flash(format!("grouped by {}", self.grouping.label()));
            }
            Action::ReviewSeverity => {
                self.least = match self.least() {
                    Severity::Info => Some(Severity::Warning),
                    Severity::Warning => Some(Severity::Error),
                    Severity::Error => None,
                };
                self.rebuild();
            }
            Action::Filter => {
                self.prompt = Some(Prompt {
                    kind: PromptKind::Filter,
                    text: self.filter.clone(),
                    error: None,
                });
            }
            Action::ReviewShowAcked => {
                self.show_acked = !self.show_acked;
                self.rebuild();
            }
            Action::ReviewExpandAll => self.toggle_all(),
            Action::ReviewRange => {
                let text = match (self.from, self.to) {
                    (Some(a), Some(b)) => format!("{}–{}", dates::short(a), dates::short(b)),
                    _ => String::new(),
                };
                self.prompt = Some(Prompt {
                    kind: PromptKind::Range,
                    text,
                    error: None,
                });
            }
            Action::ReviewAck => return self.acknowledge(ctx),
            _ => return Effect::Pass,
        }
        Effect::Done
    }

    /// The Review tab opens no picker.
    fn pick(&mut self, _target: PickTarget, _index: usize, _ctx: &mut Ctx) -> Effect {
        Effect::Pass
    }

    fn draw(&self, ctx: &Ctx, area: Rect, buf: &mut Buffer) {
        draw(self, ctx, area, buf);
    }
}

/// The "now" of the review: the working date at the real time of day
/// when the working date is today, else the end of the working date.
fn now(ctx: &Ctx) -> NaiveDateTime {
    svc::now_at(ctx.working_date, chrono::Local::now().naive_local())
}

impl ReviewPane {
    /// `a`: a group's note for all its findings, a finding's note, or
    /// withdrawing a finding's acknowledgement.
    fn acknowledge(&mut self, ctx: &mut Ctx) -> Effect {
        if let Some(Row::Group { key, heading, .. }) = self.rows.get(self.row).cloned() {
            let items = self.group_unacked(&key);
            if items.is_empty() {
                return Effect::Flash("every finding of this group is acknowledged".into());
            }
            self.prompt = Some(Prompt {
                kind: PromptKind::AckGroup { heading, items },
                text: String::new(),
                error: None,
            });
            return Effect::Done;
        }
        let Some(f) = self.current().cloned() else {
            return Effect::Flash("move to a finding to acknowledge it".into());
        };
        if f.ack.is_some() {
            let desc = format!("withdrawn acknowledgement of {}", f.rule.id());
            let done = ctx.write(desc, |tx, op| {
                Ok(((), svc::unacknowledge(tx, op, f.rule, &f.key)?))
            });
            if done.is_some() {
                ctx.flash("acknowledgement withdrawn (u undoes)");
            }
        } else {
            self.prompt = Some(Prompt {
                kind: PromptKind::Ack {
                    rule: f.rule,
                    key: f.key.clone(),
                },
                text: String::new(),
                error: None,
            });
        }
        Effect::Done
    }

    /// A key while the prompt is open: typing, Backspace, Enter, Esc.
    /// Passes when no prompt is open.
    pub fn prompt_key(&mut self, ev: KeyEvent, ctx: &mut Ctx) -> Effect {
        let Some(mut p) = self.prompt.take() else {
            return Effect::Pass;
        };
        match ev.code {
            KeyCode::Esc => return Effect::Done,
            KeyCode::Enter => {
                if let Err(e) = self.submit(&p, ctx) {
                    p.error = Some(e);
                    self.prompt = Some(p);
                }
                return Effect::Done;
            }
            KeyCode::Backspace => {
                p.text.pop();
            }
            KeyCode::Char(c) if !ev.modifiers.contains(KeyModifiers::CONTROL) => {
                p.text.push(c);
                p.error = None;
            }
            _ => {}
        }
        self.prompt = Some(p);
        Effect::Done
    }

    /// Text pasted into the prompt.
    pub fn paste(&mut self, text: &str) {
        if let Some(p) = &mut self.prompt {
            p.text.push_str(&text.replace(['\n', '\r'], " "));
        }
    }

    fn submit(&mut self, p: &Prompt, ctx: &mut Ctx) -> Result<(), String> {
        match &p.kind {
            PromptKind::Filter => {
                self.filter = crate::domain::text::nfc(p.text.trim()).to_lowercase();
                self.open.clear();
                self.row = 0;
                self.rebuild();
                // With a filter, open the groups: what matches is what to see.
                if !self.filter.is_empty() {
                    self.toggle_all();
                }
                Ok(())
            }
            PromptKind::Range => {
                let start = ctx.year.map_or(ctx.working_date, |y| y.starts_on);
                let (from, to) = parse_range(&p.text, start)?;
                if let (Some(y), Some(f)) = (ctx.year, from)
                    && !(y.starts_on <= f && f <= y.ends_on)
                {
                    return Err(format!(
                        "{} is outside the school year {}",
                        dates::full(f),
                        y.label
                    ));
                }
                self.from = from;
                self.to = to;
                self.row = 0;
                self.load(ctx);
                Ok(())
            }
            PromptKind::AckGroup { heading, items } => {
                if p.text.trim().is_empty() {
                    return Err("type a note: why these findings stand".into());
                }
                let (items, note, n) = (items.clone(), p.text.clone(), items.len());
                let done = ctx.write(
                    format!("acknowledged {n} findings of {heading}"),
                    |tx, op| {
                        let mut ids = Vec::new();
                        for (rule, key) in &items {
                            ids.extend(svc::acknowledge(tx, op, *rule, key, &note)?);
                        }
                        Ok(((), ids))
                    },
                );
                match done {
                    Some(()) => {
                        ctx.flash(format!(
                            "{n} findings acknowledged in one step (u undoes them all)"
                        ));
                        Ok(())
                    }
                    None => Err(ctx.last_message().unwrap_or_default().to_string()),
                }
            }
            PromptKind::Ack { rule, key } => {
                if p.text.trim().is_empty() {
                    return Err("type a note: why this finding stands".into());
                }
                let (rule, key, note) = (*rule, key.clone(), p.text.clone());
                let done = ctx.write(format!("acknowledged {}", rule.id()), |tx, op| {
                    Ok(((), svc::acknowledge(tx, op, rule, &key, &note)?))
                });
                match done {
                    Some(()) => {
                        ctx.flash("acknowledged: hidden unless A shows acknowledged (u undoes)");
                        Ok(())
                    }
                    None => Err(ctx.last_message().unwrap_or_default().to_string()),
                }
            }
        }
    }

    /// Open the pane and cell where the finding under the cursor is fixed.
    fn jump(&mut self, ctx: &Ctx) -> Effect {
        let Some(f) = self.current().cloned() else {
            return Effect::Done;
        };
        // Every target but training's is in a class of the working year.
        let class_id = match f.target {
            Target::Journal { class_id, .. }
            | Target::JournalFinal { class_id, .. }
            | Target::Attendance { class_id, .. }
            | Target::Student { class_id, .. } => Some(class_id),
            Target::Training { .. } => None,
        };
        let ci = class_id.map(|id| ctx.classes.iter().position(|c| c.id == id));
        if let Some(None) = ci {
            return Effect::Flash(format!("class {} is not in this school year", f.class));
        }
        let class_idx = ci.flatten().unwrap_or(ctx.class_idx);
        let (to, message) = match f.target {
            Target::Journal {
                class_id: _,
                subject_id,
                date,
                lesson_no,
                lesson_id,
                student_id,
            } => {
                let period_idx = ctx
                    .periods
                    .iter()
                    .position(|p| p.kind == crate::domain::PeriodKind::Quarter && p.contains(date))
                    .or_else(|| ctx.periods.iter().position(|p| p.contains(date)));
                (
                    Jump::JournalCell {
                        class_idx,
                        subject_id,
                        period_idx,
                        date,
                        lesson_no,
                        lesson_id,
                        student_id,
                    },
                    format!("{} — {}", f.rule.info().title, f.detail),
                )
            }
            Target::JournalFinal {
                class_id: _,
                subject_id,
                period_id,
                student_id,
            } => {
                let period_idx = ctx.periods.iter().position(|p| p.id == period_id);
                let last = ctx.periods.get(period_idx.unwrap_or(0)).map(|p| p.ends_on);
                (
                    Jump::JournalCell {
                        class_idx,
                        subject_id,
                        period_idx,
                        date: last.unwrap_or(ctx.working_date),
                        lesson_no: None,
                        lesson_id: None,
                        student_id: Some(student_id),
                    },
                    format!("{} — enter marks, or F for the final grade", f.detail),
                )
            }
            Target::Attendance {
                class_id: _,
                date,
                lesson_no,
                lesson_id,
                student_id,
            } => (
                Jump::AttendanceCell {
                    class_idx,
                    date,
                    lesson_no,
                    lesson_id,
                    student_id,
                },
                format!("{} — {}", f.rule.info().title, f.detail),
            ),
            Target::Student { .. } => {
                return Effect::Flash(format!(
                    "{} ({}): {} — enter it in the School tab (7) or with classbook student",
                    f.student, f.class, f.detail
                ));
            }
            Target::Training { teacher_id } => (
                Jump::Training {
                    plan_idx: None,
                    standing: true,
                    teacher_id: Some(teacher_id),
                },
                format!("{} — {}", f.teacher, f.detail),
            ),
        };
        Effect::Jump { to, message }
    }
}

fn severity_style(t: &Theme, s: Severity) -> Style {
    match s {
        Severity::Error => t.bad,
        Severity::Warning => t.marker,
        Severity::Info => t.dim,
    }
}

/// "3 errors · 1 warning" (zero counts left out).
fn counts_text(errors: usize, warnings: usize, info: usize) -> String {
    let mut parts = Vec::new();
    let plural = crate::domain::text::count;
    if errors > 0 {
        parts.push(plural(errors, "error", "errors"));
    }
    if warnings > 0 {
        parts.push(plural(warnings, "warning", "warnings"));
    }
    if info > 0 {
        parts.push(plural(info, "note", "notes"));
    }
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join(" · ")
    }
}

/// Draw the review tab into `area`.
fn draw(p: &ReviewPane, ctx: &Ctx, area: Rect, buf: &mut Buffer) {
    let t = ctx.theme;
    let w = area.width as usize - 1;
    let Some(review) = &p.review else {
        let why = p.error.as_deref().unwrap_or("The review has not been run.");
        for (i, line) in super::wrap(why, w, 3).into_iter().enumerate() {
            put(
                buf,
                area,
                area.x + 1,
                area.y + 1 + i as u16,
                w,
                &line,
                t.dim,
            );
        }
        return;
    };
    let head = format!(
        "Review {}–{} · {} · {} acknowledged",
        dates::short(review.from),
        dates::short(review.to),
        counts_text(
            review.open_count(Severity::Error),
            review.open_count(Severity::Warning),
            review.open_count(Severity::Info)
        ),
        review.acknowledged()
    );
    put(buf, area, area.x + 1, area.y, w, &head, t.header);
    let showing = match p.least() {
        Severity::Info => "all severities",
        Severity::Warning => "errors and warnings",
        Severity::Error => "errors only",
    };
    let key = |a: Action| ctx.keymap.key_name(Mode::Review, &a);
    let acked = if p.show_acked {
        "shown".to_string()
    } else {
        format!("hidden ({})", key(Action::ReviewShowAcked))
    };
    let sub = if p.filter.is_empty() {
        format!(
            "by {} · {showing} · acknowledged {acked} · {} filter · {} open all",
            p.grouping.label(),
            key(Action::Filter),
            key(Action::ReviewExpandAll)
        )
    } else {
        format!(
            "containing «{}» · by {} · {showing} · acknowledged {acked}",
            p.filter,
            p.grouping.label()
        )
    };
    put(buf, area, area.x + 1, area.y + 1, w, &sub, t.dim);

    let findings = &review.findings;
    let rows = &p.rows;
    let by_teacher = p.grouping == Grouping::Teacher;
    let cell = |r: usize, c: usize| -> (String, Style) {
        let Row::Item(i) = &rows[r] else {
            return (String::new(), t.text);
        };
        let f = &findings[*i];
        let style = if f.ack.is_some() { t.dim } else { t.text };
        match c {
            0 => (
                match f.severity {
                    Severity::Error => "E",
                    Severity::Warning => "W",
                    Severity::Info => "i",
                }
                .to_string()
                    + if f.ack.is_some() { "✓" } else { "" },
                severity_style(t, f.severity),
            ),
            1 => (dates::short(f.date), style),
            2 => (f.class.clone(), style),
            3 => (f.subject.clone(), style),
            4 => (
                if !f.student.is_empty() {
                    f.student.clone()
                } else if by_teacher {
                    f.rule.info().title.to_string()
                } else {
                    f.teacher.clone()
                },
                style,
            ),
            _ => (
                match &f.ack {
                    Some(a) => format!("✓ {} ({}): {}", a.note, a.acked_by, f.detail),
                    None => f.detail.clone(),
                },
                style,
            ),
        }
    };
    let span = |r: usize| -> Option<(String, Style)> {
        let Row::Group {
            heading,
            errors,
            warnings,
            info,
            open,
            ..
        } = &rows[r]
        else {
            return None;
        };
        let style = if *errors > 0 {
            t.bad
        } else if *warnings > 0 {
            t.marker
        } else {
            t.header
        };
        Some((
            format!(
                "{} {heading} — {}",
                if *open { "▾" } else { "▸" },
                counts_text(*errors, *warnings, *info)
            ),
            style,
        ))
    };
    let table = Table::new(
        vec![
            Column::left(2, &[""]),
            Column::left(5, &["Date"]),
            Column::left(5, &["Class"]),
            Column::left(12, &["Subject"]),
            Column::left(18, &["Student / teacher"]),
            Column::left(0, &["What"]),
        ],
        rows.len(),
        &cell,
        &p.offset,
        t,
    )
    .span(&span)
    .cursor((!rows.is_empty()).then_some(p.row));
    let foot = 2u16;
    table.render_below(area, 2, 2 + foot, &p.page, buf);
    if rows.is_empty() {
        let none = if findings.is_empty() {
            "No findings: the records keep every rule in this range."
        } else {
            "No findings with these filters (! severity, . acknowledged)."
        };
        put(buf, area, area.x + 2, area.y + 3, w - 1, none, t.good);
    }
    // The foot: the prompt, or the explanation of the rule under the cursor.
    let fy = area.bottom().saturating_sub(foot);
    if let Some(pr) = &p.prompt {
        let group_label;
        let label: &str = match pr.kind {
            PromptKind::Ack { .. } => "Acknowledge with a note (Enter saves, Esc cancels): ",
            PromptKind::AckGroup { ref items, .. } => {
                group_label = format!(
                    "Acknowledge all {} shown with one note (Enter, Esc): ",
                    items.len()
                );
                &group_label
            }
            PromptKind::Range => "Dates DD.MM–DD.MM (empty: the whole year; Enter, Esc): ",
            PromptKind::Filter => "Show findings containing (empty: all; Enter, Esc): ",
        };
        put(buf, area, area.x + 1, fy, w, label, t.header);
        let x = area.x + 1 + crate::ui::text::width(label).min(w) as u16;
        let rest = (area.right().saturating_sub(x)) as usize;
        // Show the end of a long text: that is where the typing is.
        let typed = format!("{}▏", pr.text);
        let mut shown: &str = &typed;
        while crate::ui::text::width(shown) > rest.max(2) {
            let mut chars = shown.chars();
            chars.next();
            shown = chars.as_str();
        }
        put(buf, area, x, fy, rest, shown, t.cursor);
        if let Some(e) = &pr.error {
            put(buf, area, area.x + 1, fy + 1, w, e, t.bad);
        }
        return;
    }
    // On a finding: the whole of it, however narrow the terminal (the
    // table's line is cut at its width); the rule's explanation is on its
    // group's heading.
    if let Some(Row::Item(i)) = rows.get(p.row) {
        let f = &findings[*i];
        let who: Vec<&str> = [f.class.as_str(), f.subject.as_str(), f.student.as_str()]
            .into_iter()
            .chain((f.student.is_empty() || f.teacher.is_empty()).then_some(f.teacher.as_str()))
            .filter(|s| !s.is_empty())
            .collect();
        let mut text = format!(
            "{} {} · {}: {}",
            dates::short(f.date),
            f.rule.id(),
            who.join(" · "),
            f.detail
        );
        if let Some(a) = &f.ack {
            text.push_str(&format!(" · acknowledged: {}", a.note));
        }
        for (i, line) in super::wrap(&text, w, foot as usize).into_iter().enumerate() {
            put(buf, area, area.x + 1, fy + i as u16, w, &line, t.text);
        }
        return;
    }
    let rule = match rows.get(p.row) {
        Some(Row::Item(i)) => Some(findings[*i].rule),
        Some(Row::Group { .. }) if p.grouping == Grouping::Rule => rows
            .iter()
            .skip(p.row + 1)
            .find_map(|r| match r {
                Row::Item(i) => Some(findings[*i].rule),
                _ => None,
            })
            .or_else(|| {
                let Some(Row::Group { heading, .. }) = rows.get(p.row) else {
                    return None;
                };
                Rule::ALL
                    .iter()
                    .copied()
                    .find(|r| heading.starts_with(&format!("{} ", r.id())))
            }),
        _ => None,
    };
    if let Some(rule) = rule {
        let info = rule.info();
        let text = format!(
            "{} ({}): {}",
            info.id,
            school_severity(p, rule).as_str(),
            info.explanation
        );
        for (i, line) in super::wrap(&text, w, foot as usize).into_iter().enumerate() {
            put(buf, area, area.x + 1, fy + i as u16, w, &line, t.dim);
        }
    } else {
        let hint = "Enter opens a group, or the cell that fixes the finding · → ← open, close";
        put(buf, area, area.x + 1, fy, w, hint, t.dim);
    }
}

/// The severity the school gives a rule (from the findings, else the
/// rule's default).
fn school_severity(p: &ReviewPane, rule: Rule) -> Severity {
    p.review
        .as_ref()
        .and_then(|r| r.findings.iter().find(|f| f.rule == rule))
        .map_or(rule.info().severity, |f| f.severity)
}
