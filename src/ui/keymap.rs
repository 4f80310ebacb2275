//! The keymap: one table of (mode, action, keys, hinted) rows. Key events
//! are looked up here, and the help overlay and status-bar hints are
//! generated from the same rows.
//!
//! Remapping: `keys.conf` in the configuration directory, one binding a
//! line, `#` comments:
//!
//! ```text
//! # every mode where the action is bound
//! quit = q, ctrl-c
//! # one mode only
//! journal.pick_class = C
//! ```

use std::fmt;
use std::path::{Path, PathBuf};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// The main view, on every tab (looked up after the tab's own mode).
    Global,
    Journal,
    Attendance,
    Training,
    Indicators,
    Review,
    /// The Reports tab.
    Reports,
    /// A picker list is open.
    Picker,
    /// Typing into a picker's filter.
    Filter,
    /// The help overlay is open.
    Help,
    /// The change history is open.
    History,
    // training
    /// The Training tab's roll call (status keys come from the status table).
    TrainingRoll,
    /// The Training tab's standing.
    TrainingStanding,
    // indicators
    /// The Indicators tab's chart of one indicator.
    IndicatorsChart,
    /// The lessons per teacher behind a computed lesson metric.
    IndicatorsData,
    // school
    /// The School tab's Year section: the year, periods, holidays, bells.
    SchoolYear,
    /// The School tab's Classes section.
    SchoolClasses,
    /// The School tab's Students section.
    SchoolStudents,
    /// The School tab's Staff section.
    SchoolStaff,
    /// The School tab's Curriculum section.
    SchoolCurriculum,
    /// The School tab's Timetable section.
    SchoolTimetable,
    /// A form, on any tab (typing goes into the field): one component,
    /// one set of keys.
    Form,
}

impl Mode {
    /// Every mode, in help order.
    pub const ALL: &'static [Mode] = &[
        Mode::Global,
        Mode::Journal,
        Mode::Attendance,
        Mode::Training,
        Mode::Indicators,
        Mode::Review,
        Mode::Reports,
        Mode::Picker,
        Mode::Filter,
        Mode::Help,
        Mode::History,
        Mode::TrainingRoll,
        Mode::TrainingStanding,
        Mode::IndicatorsChart,
        Mode::IndicatorsData,
        Mode::SchoolYear,
        Mode::SchoolClasses,
        Mode::SchoolStudents,
        Mode::SchoolStaff,
        Mode::SchoolCurriculum,
        Mode::SchoolTimetable,
        Mode::Form,
    ];

    /// The mode's name in `keys.conf`.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Global => "global",
            Mode::Journal => "journal",
            Mode::Attendance => "attendance",
            Mode::Training => "training",
            Mode::Indicators => "indicators",
            Mode::Review => "review",
            Mode::Reports => "reports",
            Mode::Picker => "picker",
            Mode::Filter => "filter",
            Mode::Help => "help",
            Mode::History => "history",
            Mode::TrainingRoll => "training_roll",
            Mode::TrainingStanding => "training_standing",
            Mode::IndicatorsChart => "indicators_chart",
            Mode::IndicatorsData => "indicators_data",
            Mode::SchoolYear => "school_year",
            Mode::SchoolClasses => "school_classes",
            Mode::SchoolStudents => "school_students",
            Mode::SchoolStaff => "school_staff",
            Mode::SchoolCurriculum => "school_curriculum",
            Mode::SchoolTimetable => "school_timetable",
            Mode::Form => "form",
        }
    }

    /// A title for the help overlay.
    pub fn title(self) -> &'static str {
        match self {
            Mode::Global => "Everywhere",
            Mode::Journal => "Journal",
            Mode::Attendance => "Attendance",
            Mode::Training => "Training",
            Mode::Indicators => "Indicators",
            Mode::Review => "Review",
            Mode::Reports => "Reports",
            Mode::Picker => "Pickers",
            Mode::Filter => "Pickers and filters (type to filter, best match first)",
            Mode::Help => "This help",
            Mode::History => "Change history",
            Mode::TrainingRoll => "Training: roll call",
            Mode::TrainingStanding => "Training: standing",
            Mode::IndicatorsChart => "Indicators: chart",
            Mode::IndicatorsData => "Indicators: the data behind a value",
            Mode::SchoolYear => "School: year, periods, holidays, bells",
            Mode::SchoolClasses => "School: classes and groups",
            Mode::SchoolStudents => "School: students",
            Mode::SchoolStaff => "School: staff",
            Mode::SchoolCurriculum => "School: curriculum",
            Mode::SchoolTimetable => "School: timetable",
            Mode::Form => "A form",
        }
    }

    fn parse(s: &str) -> Option<Mode> {
        // forms: the three form modes of old are one; their names still work.
        if matches!(s, "training_form" | "indicators_form" | "school_form") {
            return Some(Mode::Form);
        }
        Mode::ALL.iter().copied().find(|m| m.name() == s)
    }

    /// Pane modes fall back to the global bindings.
    fn falls_back_to_global(self) -> bool {
        matches!(
            self,
            Mode::Journal
                | Mode::Attendance
                | Mode::Training
                | Mode::Indicators
                | Mode::Review
                | Mode::Reports
                | Mode::TrainingRoll
                | Mode::TrainingStanding
                | Mode::IndicatorsChart
                | Mode::IndicatorsData
                | Mode::SchoolYear
                | Mode::SchoolClasses
                | Mode::SchoolStudents
                | Mode::SchoolStaff
                | Mode::SchoolCurriculum
                | Mode::SchoolTimetable
        )
    }
}

/// A key with its modifiers, normalised: Shift is folded into characters
/// ('G', '?') and into Shift-Tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Key {
    /// A key without modifiers.
    pub const fn plain(code: KeyCode) -> Key {
        Key {
            code,
            mods: KeyModifiers::NONE,
        }
    }

    /// The key of an event, normalised.
    pub fn from_event(ev: &KeyEvent) -> Key {
        let mut mods =
            ev.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        if matches!(ev.code, KeyCode::Char(_) | KeyCode::BackTab) {
            mods.remove(KeyModifiers::SHIFT);
        }
        Key {
            code: ev.code,
            mods,
        }
    }

    /// Parse "q", "G", "ctrl-r", "shift-tab", "pgdn", "f1", "space".
    pub fn parse(s: &str) -> Result<Key, String> {
        let mut mods = KeyModifiers::NONE;
        let mut rest = s.trim();
        loop {
            let lower = rest.to_ascii_lowercase();
            let (m, len) = if lower.starts_with("ctrl-") {
                (KeyModifiers::CONTROL, 5)
            } else if lower.starts_with("alt-") {
                (KeyModifiers::ALT, 4)
            } else if lower.starts_with("shift-") {
                (KeyModifiers::SHIFT, 6)
            } else {
                break;
            };
            if rest.len() == len {
                break;
            }
            mods |= m;
            rest = &rest[len..];
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCode::Char(c),
            (None, _) => return Err("an empty key".into()),
            _ => match rest.to_ascii_lowercase().as_str() {
                "tab" if mods.contains(KeyModifiers::SHIFT) => {
                    mods.remove(KeyModifiers::SHIFT);
                    KeyCode::BackTab
                }
                "tab" => KeyCode::Tab,
                "backtab" => KeyCode::BackTab,
                "enter" | "return" => KeyCode::Enter,
                "esc" | "escape" => KeyCode::Esc,
                "space" => KeyCode::Char(' '),
                "backspace" => KeyCode::Backspace,
                "delete" | "del" => KeyCode::Delete,
                "insert" | "ins" => KeyCode::Insert,
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "pgup" | "pageup" => KeyCode::PageUp,
                "pgdn" | "pagedown" => KeyCode::PageDown,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                f if f.starts_with('f') => match f[1..].parse::<u8>() {
                    Ok(n @ 1..=12) => KeyCode::F(n),
                    _ => return Err(format!("unknown key «{rest}»")),
                },
                _ => return Err(format!("unknown key «{rest}»")),
            },
        };
        if let KeyCode::Char(c) = code
            && mods.contains(KeyModifiers::SHIFT)
        {
            // "shift-g" is 'G'.
            mods.remove(KeyModifiers::SHIFT);
            return Ok(Key {
                code: KeyCode::Char(c.to_uppercase().next().unwrap_or(c)),
                mods,
            });
        }
        Ok(Key { code, mods })
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mods.contains(KeyModifiers::CONTROL) {
            f.write_str("Ctrl-")?;
        }
        if self.mods.contains(KeyModifiers::ALT) {
            f.write_str("Alt-")?;
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            f.write_str("Shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::BackTab => f.write_str("Shift-Tab"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Backspace => f.write_str("Backspace"),
            KeyCode::Delete => f.write_str("Del"),
            KeyCode::Insert => f.write_str("Ins"),
            KeyCode::Up => f.write_str("Up"),
            KeyCode::Down => f.write_str("Down"),
            KeyCode::Left => f.write_str("Left"),
            KeyCode::Right => f.write_str("Right"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::F(n) => write!(f, "F{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// One row of the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    pub mode: Mode,
    pub action: Action,
    pub keys: Vec<Key>,
    /// Shown in the status-bar hints.
    pub hint: bool,
}

/// A problem in `keys.conf`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeymapError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for KeymapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

impl std::error::Error for KeymapError {}

/// Adds one row to the default table.
type AddFn<'a> = dyn FnMut(Mode, Action, &[Key], bool) + 'a;

/// The key table.
#[derive(Debug, Clone, PartialEq)]
pub struct Keymap {
    bindings: Vec<Binding>,
}

impl Default for Keymap {
    fn default() -> Self {
        use KeyCode::*;
        use Mode::*;
        let k = |c: char| Key::plain(Char(c));
        let p = Key::plain;
        let mut b = Vec::new();
        let mut add = |mode, action, keys: &[Key], hint| {
            b.push(Binding {
                mode,
                action,
                keys: keys.to_vec(),
                hint,
            })
        };
        // The main view.
        add(
            Global,
            Action::Quit,
            &[
                k('q'),
                Key {
                    code: Char('c'),
                    mods: KeyModifiers::CONTROL,
                },
            ],
            true,
        );
        add(Global, Action::Help, &[k('?')], true);
        add(Global, Action::Undo, &[k('u')], false);
        add(
            Global,
            Action::Redo,
            &[Key {
                code: Char('r'),
                mods: KeyModifiers::CONTROL,
            }],
            false,
        );
        add(Global, Action::Cancel, &[p(Esc)], false);
        add(Global, Action::NextTab, &[p(Tab)], false);
        add(Global, Action::PrevTab, &[p(BackTab)], false);
        add(Global, Action::TabJournal, &[k('1')], false);
        add(Global, Action::TabAttendance, &[k('2')], false);
        add(Global, Action::TabTraining, &[k('3')], false);
        add(Global, Action::TabIndicators, &[k('4')], false);
        add(Global, Action::TabReview, &[k('5')], false);
        add(Global, Action::TabReports, &[k('6')], false);
        add(Global, Action::TabSchool, &[k('7')], false);
        let moves = |add: &mut AddFn, mode: Mode, letters: bool| {
            let l = |c: char, code: KeyCode| {
                if letters {
                    vec![k(c), p(code)]
                } else {
                    vec![p(code)]
                }
            };
            add(mode, Action::MoveUp, &l('k', Up), false);
            add(mode, Action::MoveDown, &l('j', Down), false);
            if mode == Global {
                add(mode, Action::MoveLeft, &l('h', Left), false);
                add(mode, Action::MoveRight, &l('l', Right), false);
            }
            add(mode, Action::PageUp, &[p(PageUp)], false);
            add(mode, Action::PageDown, &[p(PageDown)], false);
            if letters {
                add(mode, Action::First, &[k('g'), p(Home)], false);
                add(mode, Action::Last, &[k('G'), p(End)], false);
            }
        };
        moves(&mut add, Global, true);
        add(Journal, Action::PickClass, &[k('c')], true);
        add(Journal, Action::PickSubject, &[k('s')], true);
        add(Journal, Action::PickPeriod, &[k('p')], true);
        add(Journal, Action::PickGroup, &[k('R')], false);
        // journal: editing
        add(Journal, Action::EditCell, &[p(Enter), k('e')], true);
        add(Journal, Action::MarkEntry, &[k('i')], true);
        add(Journal, Action::PickForm, &[k('f')], false);
        add(Journal, Action::EditLesson, &[k('E')], false);
        add(Journal, Action::EditFinal, &[k('F')], false);
        add(
            Journal,
            Action::ClearCell,
            &[k('x'), p(Delete), p(Backspace)],
            false,
        );
        add(Journal, Action::SelectRange, &[k('v')], false);
        add(Journal, Action::FillDown, &[k('J')], false);
        add(Journal, Action::SetSelected, &[k('=')], false);
        add(Journal, Action::GoToday, &[k('t')], false);
        add(Journal, Action::GoDate, &[k('d')], false);
        add(Attendance, Action::PickClass, &[k('c')], true);
        add(Attendance, Action::PrevDay, &[k('[')], true);
        add(Attendance, Action::NextDay, &[k(']')], true);
        add(Attendance, Action::GoToday, &[k('t')], true);
        add(Attendance, Action::GoDate, &[k('d')], false);
        // attendance: editing (code keys come from the code table)
        add(Attendance, Action::AttReasons, &[k('r')], true);
        add(Attendance, Action::AttPeriodGrid, &[k('P')], true);
        add(Attendance, Action::AttTakeLesson, &[k('+')], false);
        add(Attendance, Action::AttTakeDay, &[k('A')], false);
        add(Attendance, Action::AttSelect, &[k('v')], false);
        add(
            Attendance,
            Action::AttClear,
            &[k('x'), p(Delete), p(Backspace)],
            false,
        );
        add(Attendance, Action::AttFillDown, &[k('J')], false);
        add(Attendance, Action::AttFillRight, &[k('L')], false);
        add(Attendance, Action::AttOnline, &[k('O')], false);
        add(Attendance, Action::AttCodes, &[k('C')], false);
        add(Attendance, Action::AttDevices, &[k('D')], false);
        add(Attendance, Action::AttCannotOnline, &[k('N')], false);
        add(Attendance, Action::AttNotTaken, &[k('T')], false);
        add(Attendance, Action::Confirm, &[p(Enter)], false);
        add(Training, Action::PrevPlan, &[k('[')], true);
        add(Training, Action::NextPlan, &[k(']')], true);
        add(Indicators, Action::PickProgramme, &[k('p')], true);
        // review
        add(Review, Action::Confirm, &[p(Enter)], true);
        add(Review, Action::ReviewAck, &[k('a')], true);
        add(Review, Action::ReviewSeverity, &[k('!')], true);
        add(Review, Action::ReviewGroup, &[k('b')], true);
        add(Review, Action::ReviewRange, &[k('d')], true);
        add(Review, Action::ReviewShowAcked, &[k('.')], false);
        add(Review, Action::Filter, &[k('/')], false);
        add(Review, Action::ReviewExpandAll, &[k('O')], false);
        // reports
        add(Reports, Action::ReportPickKind, &[p(Enter)], true);
        add(Reports, Action::PickClass, &[k('c')], true);
        add(Reports, Action::PickPeriod, &[k('p')], true);
        add(Reports, Action::ReportSaveCsv, &[k('w')], true);
        add(Reports, Action::ReportSaveHtml, &[k('W')], true);
        add(Reports, Action::ReportPrevPeriod, &[k('[')], false);
        add(Reports, Action::ReportNextPeriod, &[k(']')], false);
        // Overlays.
        // A picker takes typing as its filter from the first key (mode
        // Filter); letters never move in it.
        add(Filter, Action::Confirm, &[p(Enter)], true);
        add(Filter, Action::FilterBackspace, &[p(Backspace)], false);
        add(Filter, Action::Cancel, &[p(Esc)], true);
        moves(&mut add, Filter, false);
        add(Filter, Action::First, &[p(Home)], false);
        add(Filter, Action::Last, &[p(End)], false);
        add(Help, Action::Cancel, &[p(Esc), k('?'), k('q')], true);
        add(Help, Action::Filter, &[k('/')], true);
        moves(&mut add, Help, true);
        add(Global, Action::History, &[k('H')], false);
        add(History, Action::Confirm, &[p(Enter)], true);
        add(History, Action::Cancel, &[p(Esc), k('H'), k('q')], true);
        moves(&mut add, History, true);
        // training: the sessions list, the roll call, the standing, forms.
        add(Training, Action::AddSession, &[k('a')], true);
        add(Training, Action::EditSession, &[k('e')], false);
        add(Training, Action::OpenRollCall, &[p(Enter)], false);
        add(Training, Action::CopyWeekly, &[k('W')], false);
        add(Training, Action::DeleteSession, &[k('x'), p(Delete)], false);
        for mode in [Training, TrainingRoll, TrainingStanding] {
            add(mode, Action::TrainingSessions, &[k('S')], false);
            add(mode, Action::TrainingRollCall, &[k('R')], mode == Training);
            add(
                mode,
                Action::TrainingStanding,
                &[k('T')],
                mode != TrainingStanding,
            );
        }
        add(TrainingRoll, Action::MarkAllPresent, &[k('A')], true);
        add(TrainingRoll, Action::Paperwork, &[p(Enter)], true);
        add(
            TrainingRoll,
            Action::ClearEntry,
            &[k('x'), p(Delete), p(Backspace)],
            false,
        );
        add(TrainingRoll, Action::PrevPlan, &[k('[')], false);
        add(TrainingRoll, Action::NextPlan, &[k(']')], false);
        add(TrainingStanding, Action::ToggleScope, &[k('y')], true);
        add(TrainingStanding, Action::Publish, &[k('F')], true);
        add(TrainingStanding, Action::AddExternal, &[k('a')], true);
        add(TrainingStanding, Action::PrevPlan, &[k('[')], false);
        add(TrainingStanding, Action::NextPlan, &[k(']')], false);
        // indicators: the table, the chart, the data behind, forms.
        add(Indicators, Action::IndEnterActual, &[k('a')], true);
        add(Indicators, Action::IndRecompute, &[k('R')], true);
        add(Indicators, Action::IndChart, &[k('C')], true);
        add(Indicators, Action::IndJump, &[p(Enter)], false);
        add(Indicators, Action::IndEditActual, &[k('e')], false);
        add(
            Indicators,
            Action::IndDeleteActual,
            &[k('x'), p(Delete)],
            false,
        );
        add(Indicators, Action::IndTargets, &[k('T')], false);
        add(Indicators, Action::IndBind, &[k('m')], false);
        add(Indicators, Action::IndFilter, &[k('/')], false);
        add(Indicators, Action::IndSort, &[k('o')], false);
        add(IndicatorsChart, Action::IndChart, &[k('C')], true);
        add(IndicatorsChart, Action::IndEnterActual, &[k('a')], true);
        add(IndicatorsChart, Action::IndRecompute, &[k('R')], false);
        add(IndicatorsChart, Action::IndEditActual, &[k('e')], false);
        add(IndicatorsChart, Action::IndTargets, &[k('T')], false);
        add(IndicatorsChart, Action::IndJump, &[p(Enter)], false);
        add(IndicatorsData, Action::IndJump, &[p(Enter)], true);
        add(IndicatorsData, Action::Cancel, &[p(Esc)], true);
        // school: six sections, each a mode.
        let sections = [
            SchoolYear,
            SchoolClasses,
            SchoolStudents,
            SchoolStaff,
            SchoolCurriculum,
            SchoolTimetable,
        ];
        for mode in sections {
            if mode != SchoolTimetable {
                add(mode, Action::SchoolAdd, &[k('a')], true);
            }
            match mode {
                SchoolYear => {
                    add(mode, Action::SchoolEdit, &[k('e'), p(Enter)], true);
                    add(mode, Action::SchoolAddPeriod, &[k('P')], true);
                    add(mode, Action::SchoolAddHoliday, &[k('V')], true);
                    add(mode, Action::SchoolAddBell, &[k('B')], true);
                    add(mode, Action::SchoolAddYear, &[k('Y')], false);
                    add(mode, Action::SchoolCloseYear, &[k('Z')], false);
                }
                SchoolClasses => {
                    add(mode, Action::SchoolEdit, &[k('e'), p(Enter)], true);
                    add(mode, Action::SchoolGroup, &[k('R')], true);
                }
                SchoolStudents => {
                    add(mode, Action::PickClass, &[k('c')], true);
                    add(mode, Action::SchoolEdit, &[k('e'), p(Enter)], true);
                    add(mode, Action::SchoolOrder, &[k('O')], true);
                    add(mode, Action::SchoolMovement, &[k('M')], true);
                    add(mode, Action::SchoolGroup, &[k('R')], false);
                    add(mode, Action::SchoolGuardian, &[k('F')], false);
                    add(mode, Action::SchoolDismiss, &[k('x'), p(Delete)], false);
                }
                SchoolStaff => {}
                SchoolCurriculum => {
                    add(mode, Action::PickClass, &[k('c')], true);
                    add(mode, Action::SchoolEdit, &[k('e'), p(Enter)], true);
                }
                SchoolTimetable => {
                    add(mode, Action::PickClass, &[k('c')], true);
                    add(mode, Action::SchoolEdit, &[p(Enter), k('e')], true);
                    add(mode, Action::SchoolClearSlot, &[k('x'), p(Delete)], true);
                }
                _ => {}
            }
            add(mode, Action::SchoolNextSection, &[k(']')], true);
            add(mode, Action::SchoolPrevSection, &[k('[')], false);
        }
        // forms: one component, one set of keys
        let ctrl = |c: char| Key {
            code: Char(c),
            mods: KeyModifiers::CONTROL,
        };
        add(Form, Action::FormEnter, &[p(Enter)], true);
        add(Form, Action::FormSave, &[ctrl('s')], true);
        add(Form, Action::FormClose, &[p(Esc)], true);
        add(Form, Action::FormNext, &[p(Tab), p(Down)], true);
        add(Form, Action::FormPick, &[ctrl('p')], true);
        add(Form, Action::FormPrev, &[p(BackTab), p(Up)], false);
        add(Form, Action::FormLeft, &[p(Left)], false);
        add(Form, Action::FormRight, &[p(Right)], false);
        add(Form, Action::FormHome, &[p(Home)], false);
        add(Form, Action::FormEnd, &[p(End)], false);
        add(Form, Action::FormErase, &[p(Backspace)], false);
        add(Form, Action::FormDelete, &[p(Delete)], false);
        add(Form, Action::FormClear, &[ctrl('u')], false);
        add(Form, Action::FormTopic, &[ctrl('t')], false);
        Keymap { bindings: b }
    }
}

impl Keymap {
    /// Every binding, in table order.
    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    /// The action a key asks for in `mode` (pane modes fall back to the
    /// global bindings).
    pub fn lookup(&self, mode: Mode, ev: &KeyEvent) -> Option<Action> {
        let key = Key::from_event(ev);
        let find = |m: Mode| {
            self.bindings
                .iter()
                .find(|b| b.mode == m && b.keys.contains(&key))
                .map(|b| b.action.clone())
        };
        find(mode).or_else(|| {
            if mode.falls_back_to_global() {
                find(Mode::Global)
            } else {
                None
            }
        })
    }

    /// The keys bound to `action` in `mode` (empty if none).
    pub fn keys(&self, mode: Mode, action: &Action) -> &[Key] {
        self.bindings
            .iter()
            .find(|b| b.mode == mode && &b.action == action)
            .map_or(&[], |b| &b.keys)
    }

    /// The first key of `action` in `mode` (or in the global table), as
    /// the help writes it: what messages and hints name, so a remapped key
    /// is named as the user set it.
    pub fn key_name(&self, mode: Mode, action: &Action) -> String {
        let keys = match self.keys(mode, action) {
            [] => self.keys(Mode::Global, action),
            k => k,
        };
        keys.first()
            .map_or_else(|| "?".to_string(), |k| k.to_string())
    }

    /// The whole table as Markdown, one section per mode (for the README,
    /// which a test keeps equal to this).
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        for mode in Mode::ALL {
            let rows: Vec<&Binding> = self.bindings.iter().filter(|b| b.mode == *mode).collect();
            if rows.is_empty() {
                continue;
            }
            out.push_str(&format!(
                "\n**{}**\n\n| keys | action | what it does |\n|---|---|---|\n",
                mode.title()
            ));
            for b in rows {
                let keys: Vec<String> = b.keys.iter().map(|k| format!("`{k}`")).collect();
                out.push_str(&format!(
                    "| {} | `{}` | {} |\n",
                    keys.join(" "),
                    b.action.name(),
                    b.action.description()
                ));
            }
        }
        out
    }

    /// Status-bar hints for `mode` (and the global ones for a pane):
    /// ("key", "label") pairs, the first key of each hinted binding.
    pub fn hints(&self, mode: Mode) -> Vec<(String, &'static str)> {
        let mut modes = vec![mode];
        if mode.falls_back_to_global() {
            modes.push(Mode::Global);
        }
        modes
            .iter()
            .flat_map(|m| self.bindings.iter().filter(move |b| b.mode == *m && b.hint))
            .filter_map(|b| b.keys.first().map(|k| (k.to_string(), b.action.label())))
            .collect()
    }

    /// Apply the text of a `keys.conf` to the default table. `file` names
    /// the file in error messages.
    pub fn parse(text: &str, file: &str) -> Result<Keymap, KeymapError> {
        let mut map = Keymap::default();
        let err = |line: usize, message: String| KeymapError {
            file: file.to_string(),
            line,
            message,
        };
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let content = raw.split_once('#').map_or(raw, |(before, _)| before).trim();
            // A lone '#' key must be written `hash`; the rest is a comment.
            if content.is_empty() {
                continue;
            }
            let Some((lhs, rhs)) = content.split_once('=') else {
                return Err(err(
                    line,
                    format!("expected `action = key, key`, found «{content}»"),
                ));
            };
            let lhs = lhs.trim();
            let (mode, name) = match lhs.split_once('.') {
                Some((m, a)) => {
                    let mode = Mode::parse(m.trim()).ok_or_else(|| {
                        let known: Vec<&str> = Mode::ALL.iter().map(|m| m.name()).collect();
                        err(
                            line,
                            format!("unknown mode «{}» (modes: {})", m.trim(), known.join(", ")),
                        )
                    })?;
                    (Some(mode), a.trim())
                }
                None => (None, lhs),
            };
            let action =
                Action::parse(name).ok_or_else(|| err(line, format!("unknown action «{name}»")))?;
            // forms: the old form modes' actions are the form's own now.
            let action = match (mode, action) {
                (Some(Mode::Form), Action::Confirm) => Action::FormSave,
                (Some(Mode::Form), Action::Cancel) => Action::FormClose,
                (Some(Mode::Form), Action::MoveLeft) => Action::FormLeft,
                (Some(Mode::Form), Action::MoveRight) => Action::FormRight,
                (_, a) => a,
            };
            let mut keys = Vec::new();
            for part in rhs.split(',') {
                let part = part.trim();
                let part = if part.eq_ignore_ascii_case("hash") {
                    "#"
                } else {
                    part
                };
                keys.push(Key::parse(part).map_err(|e| err(line, e))?);
            }
            let mut hit = false;
            for b in map
                .bindings
                .iter_mut()
                .filter(|b| b.action == action && mode.is_none_or(|m| m == b.mode))
            {
                b.keys = keys.clone();
                hit = true;
            }
            if !hit {
                let where_ = mode.map_or(String::new(), |m| format!(" in mode «{}»", m.name()));
                return Err(err(
                    line,
                    format!("action «{name}» is not available{where_}"),
                ));
            }
            if let Some(clash) = map.clash() {
                return Err(err(line, clash));
            }
        }
        Ok(map)
    }

    /// Two actions on one key where the same lookup would see both.
    fn clash(&self) -> Option<String> {
        for (i, a) in self.bindings.iter().enumerate() {
            for b in &self.bindings[i + 1..] {
                let overlapping = a.mode == b.mode
                    || (a.mode == Mode::Global && b.mode.falls_back_to_global())
                    || (b.mode == Mode::Global && a.mode.falls_back_to_global());
                if !overlapping || a.action == b.action && a.mode != b.mode {
                    continue;
                }
                if let Some(k) = a.keys.iter().find(|k| b.keys.contains(k)) {
                    return Some(format!(
                        "key {k} would be both {} ({}) and {} ({})",
                        a.action.name(),
                        a.mode.name(),
                        b.action.name(),
                        b.mode.name()
                    ));
                }
            }
        }
        None
    }

    /// The default place of `keys.conf`.
    pub fn default_path() -> Option<PathBuf> {
        directories::ProjectDirs::from("", "", "classbook")
            .map(|d| d.config_dir().join("keys.conf"))
    }

    /// Load `path` if it exists. A missing file gives the defaults; a bad
    /// one gives the defaults and the message to show.
    pub fn load(path: &Path) -> (Keymap, Option<String>) {
        match std::fs::read_to_string(path) {
            Ok(text) => match Keymap::parse(&text, &path.display().to_string()) {
                Ok(map) => (map, None),
                Err(e) => (
                    Keymap::default(),
                    Some(format!("{e}; using the default keys")),
                ),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Keymap::default(), None),
            Err(e) => (
                Keymap::default(),
                Some(format!("{}: {e}; using the default keys", path.display())),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyEventKind, KeyEventState};

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent {
            code,
            modifiers: mods,
            kind: KeyEventKind::Press,
            state: KeyEventState::NONE,
        }
    }

    #[test]
    fn defaults_have_no_clash_and_fall_back_to_global() {
        let map = Keymap::default();
        assert_eq!(map.clash(), None);
        let c = ev(KeyCode::Char('c'), KeyModifiers::NONE);
        assert_eq!(map.lookup(Mode::Journal, &c), Some(Action::PickClass));
        assert_eq!(map.lookup(Mode::Training, &c), None);
        let q = ev(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(map.lookup(Mode::Journal, &q), Some(Action::Quit));
        assert_eq!(map.lookup(Mode::Filter, &q), None, "q is text in a filter");
        // '?' arrives with Shift on some terminals.
        assert_eq!(
            map.lookup(Mode::Review, &ev(KeyCode::Char('?'), KeyModifiers::SHIFT)),
            Some(Action::Help)
        );
        assert_eq!(
            map.lookup(Mode::Review, &ev(KeyCode::BackTab, KeyModifiers::SHIFT)),
            Some(Action::PrevTab)
        );
    }

    #[test]
    fn keys_parse_and_print() {
        assert_eq!(
            Key::parse("ctrl-r").unwrap(),
            Key {
                code: KeyCode::Char('r'),
                mods: KeyModifiers::CONTROL
            }
        );
        assert_eq!(
            Key::parse("shift-tab").unwrap(),
            Key::plain(KeyCode::BackTab)
        );
        assert_eq!(
            Key::parse("shift-g").unwrap(),
            Key::plain(KeyCode::Char('G'))
        );
        assert_eq!(Key::parse("PgDn").unwrap(), Key::plain(KeyCode::PageDown));
        assert_eq!(Key::parse("-").unwrap(), Key::plain(KeyCode::Char('-')));
        assert_eq!(Key::parse("F5").unwrap(), Key::plain(KeyCode::F(5)));
        assert!(Key::parse("hyper-x").is_err());
        assert_eq!(Key::parse("ctrl-c").unwrap().to_string(), "Ctrl-c");
    }

    #[test]
    fn remapping_from_text() {
        let text = "# mine\nquit = z, ctrl-c\njournal.pick_class = C  # capital\n\n";
        let map = Keymap::parse(text, "keys.conf").unwrap();
        let x = ev(KeyCode::Char('z'), KeyModifiers::NONE);
        assert_eq!(map.lookup(Mode::Attendance, &x), Some(Action::Quit));
        assert_eq!(
            map.lookup(Mode::Global, &ev(KeyCode::Char('q'), KeyModifiers::NONE)),
            None
        );
        let cap = ev(KeyCode::Char('C'), KeyModifiers::SHIFT);
        assert_eq!(map.lookup(Mode::Journal, &cap), Some(Action::PickClass));
        // Attendance keeps its own 'c'.
        assert_eq!(
            map.lookup(
                Mode::Attendance,
                &ev(KeyCode::Char('c'), KeyModifiers::NONE)
            ),
            Some(Action::PickClass)
        );
        // Hints follow the remapping.
        assert!(
            map.hints(Mode::Journal)
                .contains(&("C".to_string(), "class"))
        );
        assert!(
            map.hints(Mode::Journal)
                .contains(&("z".to_string(), "quit"))
        );
    }

    #[test]
    fn errors_name_file_and_line() {
        let e = Keymap::parse("quit = q\n\nfly = f\n", "/home/a/keys.conf").unwrap_err();
        assert_eq!(e.to_string(), "/home/a/keys.conf:3: unknown action «fly»");
        let e = Keymap::parse("quit q", "k").unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.message.contains("expected"), "{e}");
        let e = Keymap::parse("help = hyper-x", "k").unwrap_err();
        assert!(e.message.contains("unknown key"), "{e}");
        let e = Keymap::parse("quit = c", "k").unwrap_err();
        assert!(e.message.contains("pick_class"), "{e}");
        let e = Keymap::parse("review.pick_class = c", "k").unwrap_err();
        assert!(e.message.contains("not available"), "{e}");
    }

    #[test]
    fn load_falls_back_to_defaults_with_a_message() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys.conf");
        assert_eq!(Keymap::load(&path), (Keymap::default(), None));
        std::fs::write(&path, "quit = z\nnext_tab = \n").unwrap();
        let (map, msg) = Keymap::load(&path);
        assert_eq!(map, Keymap::default());
        let msg = msg.unwrap();
        assert!(msg.starts_with(&format!("{}:2: ", path.display())), "{msg}");
        assert!(msg.ends_with("using the default keys"), "{msg}");
        std::fs::write(&path, "quit = z\n").unwrap();
        let (map, msg) = Keymap::load(&path);
        assert_eq!(msg, None);
        assert_eq!(
            map.keys(Mode::Global, &Action::Quit),
            &[Key::plain(KeyCode::Char('z'))]
        );
    }
}
