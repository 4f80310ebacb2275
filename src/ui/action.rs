//! Everything the user can ask for, as one enum. Keys map to actions
//! through the [`Keymap`](super::keymap::Keymap); the help overlay and the
//! status-bar hints are generated from the same table.

use serde::{Deserialize, Serialize};

macro_rules! actions {
    ($($(#[$m:meta])* $var:ident = $name:literal, $label:literal, $desc:literal;)+) => {
        /// A user intent, independent of the key that produced it.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Action {
            $($(#[$m])* $var,)+
            /// Text typed or pasted into a filter (not bound to a key).
            InsertText(String),
        }

        impl Action {
            /// Every action a key can be bound to.
            pub const ALL: &'static [Action] = &[$(Action::$var),+];

            /// The action's name in the key configuration (snake_case, as serde writes it).
            pub fn name(&self) -> &'static str {
                match self {
                    $(Action::$var => $name,)+
                    Action::InsertText(_) => "insert_text",
                }
            }

            /// A few words for the status-bar hints.
            pub fn label(&self) -> &'static str {
                match self {
                    $(Action::$var => $label,)+
                    Action::InsertText(_) => "type",
                }
            }

            /// One sentence for the help overlay.
            pub fn description(&self) -> &'static str {
                match self {
                    $(Action::$var => $desc,)+
                    Action::InsertText(_) => "Type text into the filter",
                }
            }

            /// The action with this configuration name.
            pub fn parse(name: &str) -> Option<Action> {
                match name {
                    $($name => Some(Action::$var),)+
                    _ => None,
                }
            }
        }
    };
}

actions! {
    Quit = "quit", "quit", "Quit classbook";
    Help = "help", "help", "Show or hide this help";
    Cancel = "cancel", "cancel", "Cancel: close the overlay or picker, clear the message";
    NextTab = "next_tab", "next tab", "Go to the next tab";
    PrevTab = "prev_tab", "prev tab", "Go to the previous tab";
    TabJournal = "tab_journal", "journal", "Go to the Journal tab";
    TabAttendance = "tab_attendance", "attendance", "Go to the Attendance tab";
    TabTraining = "tab_training", "training", "Go to the Training tab";
    TabIndicators = "tab_indicators", "indicators", "Go to the Indicators tab";
    TabReview = "tab_review", "review", "Go to the Review tab";
    MoveUp = "move_up", "up", "Move the cursor up";
    MoveDown = "move_down", "down", "Move the cursor down";
    MoveLeft = "move_left", "left", "Move the cursor left";
    MoveRight = "move_right", "right", "Move the cursor right";
    PageUp = "page_up", "page up", "Move the cursor one page up";
    PageDown = "page_down", "page down", "Move the cursor one page down";
    First = "first", "first", "Move the cursor to the first row";
    Last = "last", "last", "Move the cursor to the last row";
    PickClass = "pick_class", "class", "Choose the class";
    PickSubject = "pick_subject", "subject", "Choose the subject (from the class's curriculum)";
    PickPeriod = "pick_period", "period", "Choose the period (quarter, half-year, year)";
    PickGroup = "pick_group", "group", "Choose the group of a split subject, or all groups";
    PickProgramme = "pick_programme", "programme", "Choose the programme";
    PrevDay = "prev_day", "prev day", "Go to the previous school day (holidays skipped)";
    NextDay = "next_day", "next day", "Go to the next school day (holidays skipped)";
    GoToday = "go_today", "today", "Go back to the working date";
    PrevPlan = "prev_plan", "prev semester", "Show the previous semester's training plan";
    NextPlan = "next_plan", "next semester", "Show the next semester's training plan";
    Confirm = "confirm", "choose", "Choose the highlighted item";
    Filter = "filter", "filter", "Type to filter the list";
    FilterBackspace = "filter_backspace", "erase", "Erase the last character of the filter";
    Undo = "undo", "undo", "Undo your last change";
    Redo = "redo", "redo", "Redo the change you last undid";
    History = "history", "history", "Change history (who, when, old → new); Enter undoes one";
    // training
    TrainingSessions = "training_sessions", "sessions", "Training: show the semester's sessions";
    TrainingRollCall = "training_roll_call", "roll call", "Training: show the roll call (teachers × sessions)";
    TrainingStanding = "training_standing", "standing", "Training: show each teacher's standing (pass/fail)";
    AddSession = "add_session", "add", "Add a training session (a form)";
    EditSession = "edit_session", "edit", "Edit the highlighted training session";
    CopyWeekly = "copy_weekly", "copy weekly", "Copy the session to the following weeks";
    DeleteSession = "delete_session", "delete", "Delete the session (only one without a roll call)";
    OpenRollCall = "open_roll_call", "roll call", "Take the roll call of the highlighted session";
    MarkAllPresent = "mark_all_present", "all present", "Mark everyone not yet marked at this session present";
    ClearEntry = "clear_entry", "clear", "Remove the roll-call entry under the cursor";
    Paperwork = "paperwork", "paperwork", "Leave paperwork: approver, certificate, make-up date";
    ToggleScope = "toggle_scope", "semester/year", "Standing: switch between semester and year";
    Publish = "publish", "publish", "Publish (freeze) the semester's standing: a snapshot";
    AddExternal = "add_external", "external", "Register external training for the teacher";
    FormNext = "form_next", "next field", "Go to the next field of the form";
    FormPrev = "form_prev", "prev field", "Go to the previous field of the form";
    FormErase = "form_erase", "erase", "Erase the character before the cursor";
    // attendance
    AttTakeLesson = "att_take_lesson", "lesson present", "Mark the lesson taken: all without a code present";
    AttTakeDay = "att_take_day", "day present", "Mark the whole day taken: all without a code present";
    AttSelect = "att_select", "range", "Start or drop a range (then a code key or Backspace)";
    AttClear = "att_clear", "clear", "Clear the cell or range: present";
    AttFillDown = "att_fill_down", "fill down", "Copy the code to the cell below and move there";
    AttFillRight = "att_fill_right", "fill right", "Copy the code to the next lesson and move there";
    AttPeriodGrid = "att_period_grid", "period", "Class × period grid (Enter opens a day), or back";
    AttReasons = "att_reasons", "reasons", "Absences with no reason given; Enter gives one";
    AttOnline = "att_online", "online", "Switch the lesson between in class and online";
    AttCodes = "att_codes", "codes", "The code table: list, add (+), edit (Enter), hide";
    AttDevices = "att_devices", "devices", "Online teaching: device census, follow-ups (+)";
    AttNotTaken = "att_not_taken", "not taken", "Lessons of the working day not taken yet, per teacher";
    AttCannotOnline = "att_cannot_online", "cannot attend", "Only the students who cannot attend online";
    // journal
    EditCell = "edit_cell", "edit", "Open the cell editor (and start mark entry)";
    MarkEntry = "mark_entry", "mark entry", "Mark entry: type 2–5 Н * ° into cells; Esc leaves";
    ClearCell = "clear_cell", "clear", "Clear the cell's marks (or the selection's)";
    PickForm = "pick_form", "form", "Choose the form of control (the weight) of the marks";
    SelectRange = "select_range", "select", "Select cells: move to extend; again or Esc drops it";
    FillDown = "fill_down", "fill down", "Fill down the selection's top cell (or the one above)";
    SetSelected = "set_selected", "set selected", "Set selected: type marks once for all selected cells";
    GoDate = "go_date", "date", "Go to a date (DD.MM; journal: first lesson from it)";
    EditLesson = "edit_lesson", "lesson", "The lesson record: topic, homework, mode, teacher";
    EditFinal = "edit_final", "final grade", "Enter the final period grade (2–5, na; empty clears)";
    // indicators
    IndEnterActual = "ind_enter_actual", "enter value", "Enter an actual value: period, value, date, evidence";
    IndEditActual = "ind_edit_actual", "edit value", "Correct the latest value entered by hand";
    IndDeleteActual = "ind_delete_actual", "delete value", "Delete the latest actual value (entered or computed)";
    IndTargets = "ind_targets", "targets", "Edit the indicator's target for each period";
    IndBind = "ind_bind", "metric", "Compute it from the database: choose a metric (or none)";
    IndRecompute = "ind_recompute", "recompute", "Recompute the computed indicators (ƒ) as of today";
    IndChart = "ind_chart", "chart", "Chart of target and actual per period (again: table)";
    IndFilter = "ind_filter", "filter", "Filter by name or number and status; choose the order";
    IndSort = "ind_sort", "sort", "Order in each task: number, achievement, status";
    IndJump = "ind_jump", "data", "The data behind a computed value (Training, lessons)";
    // review
    ReviewGroup = "review_group", "group by", "Group the findings by rule, teacher or class";
    ReviewSeverity = "review_severity", "severity", "All severities, errors and warnings, or errors only";
    ReviewShowAcked = "review_show_acked", "acknowledged", "Show or hide the acknowledged findings";
    ReviewExpandAll = "review_expand_all", "open all", "Open every group of findings, or close them all";
    ReviewRange = "review_range", "dates", "The dates to check (DD.MM–DD.MM)";
    ReviewAck = "review_ack", "acknowledge", "Acknowledge with a note (again: withdraw; group: all)";
    // reports
    TabReports = "tab_reports", "reports", "Go to the Reports tab";
    ReportPickKind = "report_pick_kind", "report", "Choose the report: performance, attendance, keeping…";
    ReportSaveCsv = "report_save_csv", "write CSV", "Write the report as CSV into the current directory";
    ReportSaveHtml = "report_save_html", "write HTML", "Write the report as printable HTML (A4, signatures)";
    ReportPrevPeriod = "report_prev_period", "prev period", "The report for the previous quarter (half-year)";
    ReportNextPeriod = "report_next_period", "next period", "The report for the next quarter (half-year)";
    // school
    TabSchool = "tab_school", "school", "Go to the School tab: set the school up";
    SchoolPrevSection = "school_prev_section", "prev section", "The previous section of the School tab";
    SchoolNextSection = "school_next_section", "section", "The next section: Year, Classes … Timetable";
    SchoolAdd = "school_add", "add", "Add a row (Year: of the kind under the cursor)";
    SchoolEdit = "school_edit", "edit", "Correct the row under the cursor (a form)";
    SchoolAddYear = "school_add_year", "year", "Add a school year";
    SchoolAddPeriod = "school_add_period", "period", "Add a quarter or half-year";
    SchoolAddHoliday = "school_add_holiday", "holiday", "Add a holiday or non-school day";
    SchoolAddBell = "school_add_bell", "bell", "Set a lesson's bell times";
    SchoolOrder = "school_order", "order", "Enter the student's missing order (number, date)";
    SchoolMovement = "school_movement", "arrive/leave", "The student arrives, leaves or changes class";
    SchoolGroup = "school_group", "group", "Classes: add a group; Students: put in a group";
    SchoolGuardian = "school_guardian", "guardian", "Add a parent or guardian of the student";
    SchoolDismiss = "school_dismiss", "not leaving", "Not leaving after all: dismiss the departure";
    SchoolClearSlot = "school_clear_slot", "clear from", "No lesson in this cell from a date on";
    SchoolCloseYear = "school_close_year", "close/reopen", "Close the year (read-only), or reopen a closed one";
    FormEnter = "form_enter", "next/save", "Next field, save on the last; multi-line: new line";
    FormSave = "form_save", "save", "Save the form from any field";
    FormPick = "form_pick", "list", "Choose the value from a list (teachers, subjects…)";
    FormClear = "form_clear", "clear field", "Clear the field";
    FormClose = "form_close", "close", "Close; if changed, ask first (only y discards)";
    FormLeft = "form_left", "left", "Cursor left; a choice: the previous one";
    FormRight = "form_right", "right", "Cursor right; a choice: the next one (Space too)";
    FormHome = "form_home", "home", "Cursor to the start of the line";
    FormEnd = "form_end", "end", "Cursor to the end of the line";
    FormDelete = "form_delete", "delete", "Erase the character at the cursor";
    FormTopic = "form_topic", "planned topic", "Lesson form: take the plan's next topic";
}

/// The verbs of the key grammar: an action that is one of them has the
/// same key on every tab (README, "One key grammar").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verb {
    Add,
    Edit,
    /// Delete or clear: the only destructive verb (`x`, Del).
    Delete,
    GoDate,
    Today,
    Filter,
    Select,
    FillDown,
    Prev,
    Next,
    /// Choose the period (or the programme).
    Period,
    AllPresent,
}

impl Action {
    /// The grammar verb of this action, if it is one.
    pub fn verb(&self) -> Option<Verb> {
        use Action::*;
        Some(match self {
            AddSession | IndEnterActual | SchoolAdd | AddExternal | ReviewAck => Verb::Add,
            EditCell | EditSession | IndEditActual | SchoolEdit => Verb::Edit,
            ClearCell | AttClear | DeleteSession | IndDeleteActual | ClearEntry
            | SchoolClearSlot | SchoolDismiss => Verb::Delete,
            GoDate | ReviewRange => Verb::GoDate,
            GoToday => Verb::Today,
            Filter | IndFilter => Verb::Filter,
            SelectRange | AttSelect => Verb::Select,
            FillDown | AttFillDown => Verb::FillDown,
            PrevDay | PrevPlan | ReportPrevPeriod | SchoolPrevSection => Verb::Prev,
            NextDay | NextPlan | ReportNextPeriod | SchoolNextSection => Verb::Next,
            PickPeriod | PickProgramme => Verb::Period,
            AttTakeDay | MarkAllPresent => Verb::AllPresent,
            _ => return None,
        })
    }

    /// Whether the action removes or clears what was saved.
    pub fn destructive(&self) -> bool {
        self.verb() == Some(Verb::Delete)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_serde_names_and_parse_back() {
        for a in Action::ALL {
            let json = serde_json::to_string(a).expect("serialises");
            assert_eq!(json, format!("\"{}\"", a.name()));
            assert_eq!(Action::parse(a.name()).as_ref(), Some(a));
            assert!(!a.description().is_empty() && !a.label().is_empty());
        }
        assert_eq!(Action::parse("nope"), None);
    }
}
