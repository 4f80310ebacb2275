-- classbook schema, migration 1: the whole domain of DOMAIN.md §1–§7.
-- Shipped migrations are never edited; add a new file instead.
-- Dates are ISO text (YYYY-MM-DD), times HH:MM, instants RFC 3339 UTC.
-- `date(x) IS x` rejects anything that is not a real calendar date.

-- §1 School structure ---------------------------------------------------------

CREATE TABLE school (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    name        TEXT NOT NULL CHECK (length(name) > 0),
    short_name  TEXT NOT NULL,
    address     TEXT NOT NULL DEFAULT '',
    -- The date the records are read at; NULL means today. The demo school
    -- sets it so that its fixed year looks current.
    as_of       TEXT CHECK (as_of IS NULL OR date(as_of) IS as_of)
);

CREATE TABLE setting (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT ''
);

CREATE TABLE school_year (
    id          INTEGER PRIMARY KEY,
    label       TEXT NOT NULL UNIQUE,
    starts_on   TEXT NOT NULL CHECK (date(starts_on) IS starts_on),
    ends_on     TEXT NOT NULL CHECK (date(ends_on) IS ends_on),
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('planned', 'open', 'closed')),
    closed_at   TEXT,
    CHECK (starts_on < ends_on),
    CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);

CREATE TABLE period (
    id          INTEGER PRIMARY KEY,
    year_id     INTEGER NOT NULL REFERENCES school_year(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('quarter', 'half', 'year')),
    number      INTEGER NOT NULL CHECK (number BETWEEN 1 AND 4),
    label       TEXT NOT NULL,
    starts_on   TEXT NOT NULL CHECK (date(starts_on) IS starts_on),
    ends_on     TEXT NOT NULL CHECK (date(ends_on) IS ends_on),
    CHECK (starts_on <= ends_on),
    UNIQUE (year_id, kind, number)
);

-- Holidays and other non-school days (a range; one day is starts_on = ends_on).
CREATE TABLE holiday (
    id          INTEGER PRIMARY KEY,
    year_id     INTEGER NOT NULL REFERENCES school_year(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('holiday', 'non_school_day')),
    label       TEXT NOT NULL,
    starts_on   TEXT NOT NULL CHECK (date(starts_on) IS starts_on),
    ends_on     TEXT NOT NULL CHECK (date(ends_on) IS ends_on),
    CHECK (starts_on <= ends_on)
);
CREATE INDEX holiday_year ON holiday(year_id, starts_on);

CREATE TABLE staff (
    id          INTEGER PRIMARY KEY,
    family_name TEXT NOT NULL CHECK (length(family_name) > 0),
    given_name  TEXT NOT NULL,
    patronymic  TEXT,
    login       TEXT UNIQUE,
    email       TEXT,
    phone       TEXT,
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

CREATE TABLE staff_role (
    staff_id    INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('director', 'deputy', 'teacher', 'class_teacher',
                    'journal_admin', 'medical', 'hr', 'training_lead')),
    PRIMARY KEY (staff_id, role)
) WITHOUT ROWID;

CREATE TABLE class (
    id               INTEGER PRIMARY KEY,
    year_id          INTEGER NOT NULL REFERENCES school_year(id),
    grade            INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 11),
    letter           TEXT NOT NULL CHECK (length(letter) BETWEEN 1 AND 3),
    name             TEXT NOT NULL,
    class_teacher_id INTEGER REFERENCES staff(id),
    UNIQUE (year_id, name)
);

CREATE TABLE class_group (
    id          INTEGER PRIMARY KEY,
    class_id    INTEGER NOT NULL REFERENCES class(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    UNIQUE (class_id, name)
);

CREATE TABLE student (
    id          INTEGER PRIMARY KEY,
    family_name TEXT NOT NULL CHECK (length(family_name) > 0),
    given_name  TEXT NOT NULL,
    patronymic  TEXT,
    birth_date  TEXT NOT NULL CHECK (date(birth_date) IS birth_date),
    sex         TEXT NOT NULL CHECK (sex IN ('F', 'M')),
    phone       TEXT,
    email       TEXT,
    address     TEXT
);

-- Enrolment history: each stay in a class, opened and closed by an order.
CREATE TABLE enrolment (
    id               INTEGER PRIMARY KEY,
    student_id       INTEGER NOT NULL REFERENCES student(id) ON DELETE CASCADE,
    class_id         INTEGER NOT NULL REFERENCES class(id),
    starts_on        TEXT NOT NULL CHECK (date(starts_on) IS starts_on),
    start_reason     TEXT NOT NULL CHECK (start_reason IN ('start_of_year', 'arrival', 'transfer')),
    start_order_no   TEXT NOT NULL,
    start_order_date TEXT NOT NULL CHECK (date(start_order_date) IS start_order_date),
    ends_on          TEXT CHECK (ends_on IS NULL OR date(ends_on) IS ends_on),
    end_reason       TEXT CHECK (end_reason IN ('departure', 'transfer', 'graduation', 'end_of_year')),
    end_order_no     TEXT,
    end_order_date   TEXT CHECK (end_order_date IS NULL OR date(end_order_date) IS end_order_date),
    CHECK (ends_on IS NULL OR ends_on >= starts_on),
    CHECK ((ends_on IS NULL) = (end_reason IS NULL)),
    CHECK ((ends_on IS NULL) = (end_order_no IS NULL))
);
CREATE INDEX enrolment_class ON enrolment(class_id, starts_on);
CREATE INDEX enrolment_student ON enrolment(student_id);

CREATE TABLE group_member (
    group_id    INTEGER NOT NULL REFERENCES class_group(id) ON DELETE CASCADE,
    student_id  INTEGER NOT NULL REFERENCES student(id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, student_id)
) WITHOUT ROWID;
CREATE INDEX group_member_student ON group_member(student_id);

CREATE TABLE guardian (
    id          INTEGER PRIMARY KEY,
    family_name TEXT NOT NULL CHECK (length(family_name) > 0),
    given_name  TEXT NOT NULL,
    patronymic  TEXT,
    phone       TEXT,
    email       TEXT
);

CREATE TABLE student_guardian (
    student_id  INTEGER NOT NULL REFERENCES student(id) ON DELETE CASCADE,
    guardian_id INTEGER NOT NULL REFERENCES guardian(id) ON DELETE CASCADE,
    relation    TEXT NOT NULL CHECK (relation IN ('mother', 'father', 'grandmother',
                    'grandfather', 'guardian', 'other')),
    PRIMARY KEY (student_id, guardian_id)
) WITHOUT ROWID;
CREATE INDEX student_guardian_guardian ON student_guardian(guardian_id);

CREATE TABLE subject (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    short_name  TEXT NOT NULL
);

-- Curriculum: hours a week of each subject in each class.
CREATE TABLE curriculum (
    class_id       INTEGER NOT NULL REFERENCES class(id) ON DELETE CASCADE,
    subject_id     INTEGER NOT NULL REFERENCES subject(id),
    hours_per_week REAL NOT NULL CHECK (hours_per_week > 0 AND hours_per_week <= 20),
    PRIMARY KEY (class_id, subject_id)
) WITHOUT ROWID;

-- Workload: who teaches a subject to a class or one of its groups.
CREATE TABLE workload (
    id          INTEGER PRIMARY KEY,
    class_id    INTEGER NOT NULL REFERENCES class(id) ON DELETE CASCADE,
    group_id    INTEGER REFERENCES class_group(id) ON DELETE CASCADE,
    subject_id  INTEGER NOT NULL REFERENCES subject(id),
    teacher_id  INTEGER NOT NULL REFERENCES staff(id)
);
CREATE UNIQUE INDEX workload_unique ON workload(class_id, ifnull(group_id, 0), subject_id);
CREATE INDEX workload_teacher ON workload(teacher_id);

CREATE TABLE bell (
    year_id     INTEGER NOT NULL REFERENCES school_year(id) ON DELETE CASCADE,
    lesson_no   INTEGER NOT NULL CHECK (lesson_no BETWEEN 0 AND 12),
    starts_at   TEXT NOT NULL CHECK (time(starts_at) IS starts_at || ':00'),
    ends_at     TEXT NOT NULL CHECK (time(ends_at) IS ends_at || ':00'),
    CHECK (starts_at < ends_at),
    PRIMARY KEY (year_id, lesson_no)
) WITHOUT ROWID;

CREATE TABLE timetable (
    id          INTEGER PRIMARY KEY,
    year_id     INTEGER NOT NULL REFERENCES school_year(id) ON DELETE CASCADE,
    weekday     INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    lesson_no   INTEGER NOT NULL,
    class_id    INTEGER NOT NULL REFERENCES class(id) ON DELETE CASCADE,
    group_id    INTEGER REFERENCES class_group(id) ON DELETE CASCADE,
    subject_id  INTEGER NOT NULL REFERENCES subject(id),
    teacher_id  INTEGER NOT NULL REFERENCES staff(id),
    room        TEXT NOT NULL DEFAULT '',
    valid_from  TEXT NOT NULL CHECK (date(valid_from) IS valid_from),
    valid_to    TEXT CHECK (valid_to IS NULL OR date(valid_to) IS valid_to),
    CHECK (valid_to IS NULL OR valid_to >= valid_from),
    FOREIGN KEY (year_id, lesson_no) REFERENCES bell(year_id, lesson_no)
);
CREATE UNIQUE INDEX timetable_slot ON timetable(class_id, ifnull(group_id, 0), weekday, lesson_no, valid_from);
CREATE INDEX timetable_teacher ON timetable(teacher_id, weekday);

-- Catalogue of forms of control with their weights (data/control_forms.csv).
-- deadline_kind picks the entry deadline: current 15 days, interim 7, written 3.
CREATE TABLE control_form (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    weight        INTEGER NOT NULL CHECK (weight IN (1, 2, 3)),
    deadline_kind TEXT NOT NULL CHECK (deadline_kind IN ('current', 'interim', 'written')),
    sort          INTEGER NOT NULL DEFAULT 0,
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

-- Thematic plan: ordered planned topics per class and subject.
CREATE TABLE plan_topic (
    id              INTEGER PRIMARY KEY,
    class_id        INTEGER NOT NULL REFERENCES class(id) ON DELETE CASCADE,
    subject_id      INTEGER NOT NULL REFERENCES subject(id),
    seq             INTEGER NOT NULL CHECK (seq > 0),
    topic           TEXT NOT NULL CHECK (length(topic) > 0),
    hours           INTEGER NOT NULL DEFAULT 1 CHECK (hours > 0),
    control_form_id INTEGER REFERENCES control_form(id),
    UNIQUE (class_id, subject_id, seq)
);

-- §2 Class journal ------------------------------------------------------------

-- A lesson actually held (or being recorded). teacher_id is the teacher of the
-- workload; taught_by_id is set when a substitute taught it.
CREATE TABLE lesson (
    id                  INTEGER PRIMARY KEY,
    class_id            INTEGER NOT NULL REFERENCES class(id),
    group_id            INTEGER REFERENCES class_group(id),
    subject_id          INTEGER NOT NULL REFERENCES subject(id),
    teacher_id          INTEGER NOT NULL REFERENCES staff(id),
    taught_by_id        INTEGER REFERENCES staff(id),
    date                TEXT NOT NULL CHECK (date(date) IS date),
    lesson_no           INTEGER NOT NULL CHECK (lesson_no BETWEEN 0 AND 12),
    timetable_id        INTEGER REFERENCES timetable(id),
    plan_topic_id       INTEGER REFERENCES plan_topic(id),
    control_form_id     INTEGER REFERENCES control_form(id),
    topic               TEXT,
    homework            TEXT,
    homework_kind       TEXT CHECK (homework_kind IN ('text', 'not_assigned', 'not_provided',
                            'individual', 'creative')),
    homework_minutes    INTEGER CHECK (homework_minutes BETWEEN 0 AND 600),
    mode                TEXT NOT NULL DEFAULT 'in_class' CHECK (mode IN ('in_class', 'online')),
    recorded_at         TEXT,
    attendance_taken_at TEXT,
    CHECK (homework_kind IS NOT NULL OR homework IS NULL),
    CHECK (homework_kind IS NOT 'text' OR length(homework) > 0),
    CHECK (taught_by_id IS NULL OR taught_by_id <> teacher_id)
);
CREATE UNIQUE INDEX lesson_slot ON lesson(class_id, ifnull(group_id, 0), date, lesson_no);
CREATE INDEX lesson_class_subject ON lesson(class_id, subject_id, date);
CREATE INDEX lesson_date ON lesson(date);
CREATE INDEX lesson_teacher ON lesson(teacher_id, date);

-- Teaching log of an online lesson (DOMAIN §4).
CREATE TABLE teaching_log (
    lesson_id         INTEGER PRIMARY KEY REFERENCES lesson(id) ON DELETE CASCADE,
    content           TEXT NOT NULL DEFAULT '',
    form              TEXT NOT NULL DEFAULT '',
    effect            TEXT NOT NULL DEFAULT '',
    homework_feedback TEXT NOT NULL DEFAULT ''
);

-- Marks: several may share one cell (lesson × student), ordered by seq.
-- '2'..'5' carry their value; '*' (pending) carries the intended value and the
-- correction deadline; '°' (deferred) needs a comment; 'Н' has no value.
CREATE TABLE mark (
    id              INTEGER PRIMARY KEY,
    lesson_id       INTEGER NOT NULL REFERENCES lesson(id) ON DELETE CASCADE,
    student_id      INTEGER NOT NULL REFERENCES student(id),
    seq             INTEGER NOT NULL DEFAULT 1 CHECK (seq BETWEEN 1 AND 9),
    symbol          TEXT NOT NULL CHECK (symbol IN ('2', '3', '4', '5', 'Н', '*', '°')),
    value           INTEGER CHECK (value BETWEEN 2 AND 5),
    control_form_id INTEGER NOT NULL REFERENCES control_form(id),
    weight          INTEGER NOT NULL CHECK (weight IN (1, 2, 3)),
    due_on          TEXT CHECK (due_on IS NULL OR date(due_on) IS due_on),
    comment         TEXT,
    entered_at      TEXT NOT NULL,
    entered_by      TEXT NOT NULL,
    CHECK (
        (symbol IN ('2', '3', '4', '5') AND value = CAST(symbol AS INTEGER) AND due_on IS NULL)
        OR (symbol = '*' AND value IS NOT NULL AND due_on IS NOT NULL)
        OR (symbol = '°' AND value IS NULL AND length(trim(comment)) > 0)
        OR (symbol = 'Н' AND value IS NULL AND due_on IS NULL)
    ),
    UNIQUE (lesson_id, student_id, seq)
);
CREATE INDEX mark_student ON mark(student_id, lesson_id);

-- Period grades: the suggestion computed from the weighted mean is kept beside
-- the final grade the teacher set.
CREATE TABLE period_grade (
    student_id  INTEGER NOT NULL REFERENCES student(id),
    subject_id  INTEGER NOT NULL REFERENCES subject(id),
    period_id   INTEGER NOT NULL REFERENCES period(id),
    class_id    INTEGER NOT NULL REFERENCES class(id),
    mean        REAL CHECK (mean IS NULL OR mean BETWEEN 2 AND 5),
    mark_count  INTEGER NOT NULL DEFAULT 0,
    suggested   TEXT CHECK (suggested IN ('2', '3', '4', '5', 'na')),
    final       TEXT CHECK (final IN ('2', '3', '4', '5', 'na')),
    set_by      TEXT,
    set_at      TEXT,
    PRIMARY KEY (student_id, subject_id, period_id)
) WITHOUT ROWID;
CREATE INDEX period_grade_class ON period_grade(class_id, subject_id, period_id);

-- §3 Attendance ---------------------------------------------------------------

-- The code table is data (data/attendance_codes*.csv). `code` need not be
-- unique: the seed-003 table has three kinds of 'Н'.
CREATE TABLE attendance_code (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 2),
    label       TEXT NOT NULL,
    category    TEXT NOT NULL CHECK (category IN ('present', 'present_remote', 'exempt',
                    'absent_excused', 'absent_unexcused', 'absent_unspecified', 'annotation')),
    reason      TEXT CHECK (reason IN ('health', 'parent_request', 'quarantine', 'illness',
                    'infectious_illness', 'unknown')),
    key         TEXT,
    sort        INTEGER NOT NULL DEFAULT 0,
    hidden      INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),
    UNIQUE (code, label)
);

-- Only what differs from plain presence is stored: a lesson whose
-- attendance_taken_at is set and that has no row for a student had that
-- student present. `comment_code_id` is an annotation (К) beside the code.
CREATE TABLE attendance (
    lesson_id       INTEGER NOT NULL REFERENCES lesson(id) ON DELETE CASCADE,
    student_id      INTEGER NOT NULL REFERENCES student(id),
    code_id         INTEGER NOT NULL REFERENCES attendance_code(id),
    comment_code_id INTEGER REFERENCES attendance_code(id),
    comment         TEXT,
    set_by          TEXT NOT NULL,
    set_at          TEXT NOT NULL,
    PRIMARY KEY (lesson_id, student_id)
) WITHOUT ROWID;
CREATE INDEX attendance_student ON attendance(student_id, lesson_id);

-- §4 Online teaching ----------------------------------------------------------

CREATE TABLE device_census (
    student_id  INTEGER NOT NULL REFERENCES student(id) ON DELETE CASCADE,
    year_id     INTEGER NOT NULL REFERENCES school_year(id),
    taken_on    TEXT NOT NULL CHECK (date(taken_on) IS taken_on),
    computer    INTEGER NOT NULL CHECK (computer IN (0, 1)),
    tablet      INTEGER NOT NULL CHECK (tablet IN (0, 1)),
    smartphone  INTEGER NOT NULL CHECK (smartphone IN (0, 1)),
    tv          INTEGER NOT NULL CHECK (tv IN (0, 1)),
    internet    INTEGER NOT NULL CHECK (internet IN (0, 1)),
    note        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (student_id, year_id)
) WITHOUT ROWID;

CREATE TABLE online_followup (
    id          INTEGER PRIMARY KEY,
    student_id  INTEGER NOT NULL REFERENCES student(id) ON DELETE CASCADE,
    date        TEXT NOT NULL CHECK (date(date) IS date),
    by_staff_id INTEGER NOT NULL REFERENCES staff(id),
    method      TEXT NOT NULL CHECK (method IN ('phone', 'home_visit', 'message', 'other')),
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX online_followup_student ON online_followup(student_id, date);

-- §5 Teacher training ---------------------------------------------------------

CREATE TABLE training_plan (
    id          INTEGER PRIMARY KEY,
    year_id     INTEGER NOT NULL REFERENCES school_year(id),
    semester    INTEGER NOT NULL CHECK (semester IN (1, 2)),
    title       TEXT NOT NULL,
    starts_on   TEXT NOT NULL CHECK (date(starts_on) IS starts_on),
    ends_on     TEXT NOT NULL CHECK (date(ends_on) IS ends_on),
    lead_id     INTEGER REFERENCES staff(id),
    CHECK (starts_on < ends_on),
    UNIQUE (year_id, semester)
);

CREATE TABLE training_session (
    id           INTEGER PRIMARY KEY,
    plan_id      INTEGER NOT NULL REFERENCES training_plan(id),
    date         TEXT NOT NULL CHECK (date(date) IS date),
    starts_at    TEXT NOT NULL CHECK (time(starts_at) IS starts_at || ':00'),
    ends_at      TEXT NOT NULL CHECK (time(ends_at) IS ends_at || ':00'),
    hours        REAL NOT NULL CHECK (hours > 0),
    topic        TEXT NOT NULL CHECK (length(topic) > 0),
    format       TEXT NOT NULL CHECK (format IN ('lecture', 'lesson_observation', 'reflection',
                     'demonstration_lesson', 'mentoring', 'study_group', 'external_course')),
    presenter_id INTEGER REFERENCES staff(id),
    presenter    TEXT NOT NULL DEFAULT '',
    place        TEXT NOT NULL DEFAULT '',
    credits      REAL NOT NULL CHECK (credits >= 0),
    CHECK (starts_at < ends_at)
);
CREATE INDEX training_session_plan ON training_session(plan_id, date);

-- Status catalogue (data/training_statuses.csv).
CREATE TABLE training_status (
    code        TEXT PRIMARY KEY,
    label       TEXT NOT NULL,
    category    TEXT NOT NULL CHECK (category IN ('attended', 'excused', 'unexcused')),
    earns_credit INTEGER NOT NULL CHECK (earns_credit IN (0, 1)),
    requires    TEXT NOT NULL DEFAULT 'none' CHECK (requires IN ('none', 'approval',
                    'certificate', 'make_up')),
    key         TEXT NOT NULL,
    sort        INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE training_attendance (
    session_id     INTEGER NOT NULL REFERENCES training_session(id) ON DELETE CASCADE,
    staff_id       INTEGER NOT NULL REFERENCES staff(id),
    status         TEXT NOT NULL REFERENCES training_status(code),
    approved_by_id INTEGER REFERENCES staff(id),
    certificate    INTEGER CHECK (certificate IN (0, 1)),
    made_up_on     TEXT CHECK (made_up_on IS NULL OR date(made_up_on) IS made_up_on),
    note           TEXT NOT NULL DEFAULT '',
    set_by         TEXT NOT NULL,
    set_at         TEXT NOT NULL,
    PRIMARY KEY (session_id, staff_id)
) WITHOUT ROWID;
CREATE INDEX training_attendance_staff ON training_attendance(staff_id);

CREATE TABLE external_training (
    id             INTEGER PRIMARY KEY,
    staff_id       INTEGER NOT NULL REFERENCES staff(id),
    starts_on      TEXT NOT NULL CHECK (date(starts_on) IS starts_on),
    ends_on        TEXT NOT NULL CHECK (date(ends_on) IS ends_on),
    provider       TEXT NOT NULL CHECK (length(provider) > 0),
    title          TEXT NOT NULL,
    hours          REAL NOT NULL CHECK (hours > 0),
    credits        REAL NOT NULL CHECK (credits >= 0),
    certificate_no TEXT NOT NULL DEFAULT '',
    CHECK (starts_on <= ends_on)
);
CREATE INDEX external_training_staff ON external_training(staff_id, starts_on);

-- Study notes (characters a semester) and open lessons (one a year).
CREATE TABLE training_record (
    id          INTEGER PRIMARY KEY,
    staff_id    INTEGER NOT NULL REFERENCES staff(id),
    plan_id     INTEGER NOT NULL REFERENCES training_plan(id),
    kind        TEXT NOT NULL CHECK (kind IN ('study_notes', 'open_lesson')),
    date        TEXT NOT NULL CHECK (date(date) IS date),
    amount      INTEGER NOT NULL DEFAULT 1 CHECK (amount >= 0),
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX training_record_staff ON training_record(staff_id, plan_id);

-- A published semester standing: a frozen, dated snapshot (JSON).
CREATE TABLE training_publication (
    id           INTEGER PRIMARY KEY,
    plan_id      INTEGER NOT NULL REFERENCES training_plan(id),
    published_at TEXT NOT NULL,
    published_by TEXT NOT NULL,
    snapshot     TEXT NOT NULL CHECK (json_valid(snapshot))
);

-- §6 Plan indicators ----------------------------------------------------------

CREATE TABLE programme (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    owner       TEXT NOT NULL DEFAULT '',
    starts_on   TEXT NOT NULL CHECK (date(starts_on) IS starts_on),
    ends_on     TEXT NOT NULL CHECK (date(ends_on) IS ends_on),
    CHECK (starts_on <= ends_on)
);

CREATE TABLE programme_task (
    id           INTEGER PRIMARY KEY,
    programme_id INTEGER NOT NULL REFERENCES programme(id) ON DELETE CASCADE,
    seq          INTEGER NOT NULL,
    name         TEXT NOT NULL,
    UNIQUE (programme_id, seq)
);

-- Labelled date ranges a programme sets targets for ("2022", "2023–2024").
CREATE TABLE indicator_period (
    id           INTEGER PRIMARY KEY,
    programme_id INTEGER NOT NULL REFERENCES programme(id) ON DELETE CASCADE,
    label        TEXT NOT NULL,
    starts_on    TEXT NOT NULL CHECK (date(starts_on) IS starts_on),
    ends_on      TEXT NOT NULL CHECK (date(ends_on) IS ends_on),
    CHECK (starts_on <= ends_on),
    UNIQUE (programme_id, label)
);

CREATE TABLE indicator (
    id            INTEGER PRIMARY KEY,
    task_id       INTEGER NOT NULL REFERENCES programme_task(id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL,
    name          TEXT NOT NULL,
    unit          TEXT NOT NULL CHECK (unit IN ('count', 'share', 'percent', 'per_teacher_month')),
    direction     TEXT NOT NULL DEFAULT 'higher' CHECK (direction IN ('higher', 'lower')),
    metric        TEXT,
    metric_params TEXT CHECK (metric_params IS NULL OR json_valid(metric_params)),
    UNIQUE (task_id, seq)
);

CREATE TABLE indicator_target (
    indicator_id INTEGER NOT NULL REFERENCES indicator(id) ON DELETE CASCADE,
    period_id    INTEGER NOT NULL REFERENCES indicator_period(id) ON DELETE CASCADE,
    target       REAL NOT NULL,
    PRIMARY KEY (indicator_id, period_id)
) WITHOUT ROWID;

CREATE TABLE indicator_actual (
    id           INTEGER PRIMARY KEY,
    indicator_id INTEGER NOT NULL REFERENCES indicator(id) ON DELETE CASCADE,
    period_id    INTEGER NOT NULL REFERENCES indicator_period(id) ON DELETE CASCADE,
    measured_on  TEXT NOT NULL CHECK (date(measured_on) IS measured_on),
    value        REAL NOT NULL,
    source       TEXT NOT NULL CHECK (source IN ('entered', 'computed')),
    evidence     TEXT NOT NULL DEFAULT '',
    entered_by   TEXT NOT NULL,
    entered_at   TEXT NOT NULL
);
CREATE INDEX indicator_actual_indicator ON indicator_actual(indicator_id, period_id, measured_on);

-- §7 Attribution and review ----------------------------------------------------

-- Every write: who, when, what, old and new value (JSON). `undo_of` links an
-- undo entry to the entry it reverted.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    operator    TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_key  TEXT NOT NULL,
    old_value   TEXT CHECK (old_value IS NULL OR json_valid(old_value)),
    new_value   TEXT CHECK (new_value IS NULL OR json_valid(new_value)),
    undo_of     INTEGER REFERENCES audit_log(id)
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_key);

-- A review finding acknowledged by an administrator, with a note.
CREATE TABLE review_ack (
    rule_id     TEXT NOT NULL,
    item_key    TEXT NOT NULL,
    note        TEXT NOT NULL,
    acked_by    TEXT NOT NULL,
    acked_at    TEXT NOT NULL,
    PRIMARY KEY (rule_id, item_key)
) WITHOUT ROWID;
