-- classbook schema, migration 2: a real school's own data comes in.
-- foreign_keys: off
-- (The line above tells migrate.rs to run this migration with foreign keys
-- off, as SQLite's table-rebuild procedure requires, and to run
-- `PRAGMA foreign_key_check` before committing.)
--
-- 1. Birth date and sex may be unknown: an import reports a value it cannot
--    store and never guesses one.
-- 2. An enrolment's order may be "to be entered" (NULL number and date):
--    OneRoster has no order numbers; the review lists what is missing.
-- 3. Every imported row keeps its external id (`ext_id`: OneRoster
--    sourcedId or a template's identifier), and every school, person and
--    structural row gets a stable global id (`uid`, a UUID) so files from
--    several schools can be combined without clashes.
-- 4. A student missing from a re-imported roster is not deleted: the import
--    lists a departure to confirm (with the order number) in
--    `departure_pending`.

CREATE TABLE student_new (
    id          INTEGER PRIMARY KEY,
    family_name TEXT NOT NULL CHECK (length(family_name) > 0),
    given_name  TEXT NOT NULL,
    patronymic  TEXT,
    birth_date  TEXT CHECK (birth_date IS NULL OR date(birth_date) IS birth_date),
    sex         TEXT CHECK (sex IS NULL OR sex IN ('F', 'M')),
    phone       TEXT,
    email       TEXT,
    address     TEXT,
    ext_id      TEXT,
    uid         TEXT
);
INSERT INTO student_new (id, family_name, given_name, patronymic, birth_date, sex, phone, email, address)
    SELECT id, family_name, given_name, patronymic, birth_date, sex, phone, email, address FROM student;
DROP TABLE student;
ALTER TABLE student_new RENAME TO student;

CREATE TABLE enrolment_new (
    id               INTEGER PRIMARY KEY,
    student_id       INTEGER NOT NULL REFERENCES student(id) ON DELETE CASCADE,
    class_id         INTEGER NOT NULL REFERENCES class(id),
    starts_on        TEXT NOT NULL CHECK (date(starts_on) IS starts_on),
    start_reason     TEXT NOT NULL CHECK (start_reason IN ('start_of_year', 'arrival', 'transfer')),
    start_order_no   TEXT CHECK (start_order_no IS NULL OR length(trim(start_order_no)) > 0),
    start_order_date TEXT CHECK (start_order_date IS NULL OR date(start_order_date) IS start_order_date),
    ends_on          TEXT CHECK (ends_on IS NULL OR date(ends_on) IS ends_on),
    end_reason       TEXT CHECK (end_reason IN ('departure', 'transfer', 'graduation', 'end_of_year')),
    end_order_no     TEXT CHECK (end_order_no IS NULL OR length(trim(end_order_no)) > 0),
    end_order_date   TEXT CHECK (end_order_date IS NULL OR date(end_order_date) IS end_order_date),
    ext_id           TEXT,
    uid              TEXT,
    CHECK (ends_on IS NULL OR ends_on >= starts_on),
    CHECK ((ends_on IS NULL) = (end_reason IS NULL)),
    CHECK (ends_on IS NOT NULL OR end_order_no IS NULL),
    CHECK ((start_order_no IS NULL) = (start_order_date IS NULL)),
    CHECK ((end_order_no IS NULL) = (end_order_date IS NULL))
);
INSERT INTO enrolment_new (id, student_id, class_id, starts_on, start_reason, start_order_no,
        start_order_date, ends_on, end_reason, end_order_no, end_order_date)
    SELECT id, student_id, class_id, starts_on, start_reason, nullif(trim(start_order_no), ''),
        CASE WHEN trim(start_order_no) = '' THEN NULL ELSE start_order_date END,
        ends_on, end_reason, nullif(trim(end_order_no), ''),
        CASE WHEN trim(ifnull(end_order_no, '')) = '' THEN NULL ELSE end_order_date END
    FROM enrolment;
DROP TABLE enrolment;
ALTER TABLE enrolment_new RENAME TO enrolment;
CREATE INDEX enrolment_class ON enrolment(class_id, starts_on);
CREATE INDEX enrolment_student ON enrolment(student_id);

ALTER TABLE school ADD COLUMN ext_id TEXT;
ALTER TABLE school ADD COLUMN uid TEXT;
ALTER TABLE school_year ADD COLUMN ext_id TEXT;
ALTER TABLE school_year ADD COLUMN uid TEXT;
ALTER TABLE period ADD COLUMN ext_id TEXT;
ALTER TABLE period ADD COLUMN uid TEXT;
ALTER TABLE holiday ADD COLUMN ext_id TEXT;
ALTER TABLE staff ADD COLUMN ext_id TEXT;
ALTER TABLE staff ADD COLUMN uid TEXT;
ALTER TABLE class ADD COLUMN ext_id TEXT;
ALTER TABLE class ADD COLUMN uid TEXT;
ALTER TABLE class_group ADD COLUMN ext_id TEXT;
ALTER TABLE class_group ADD COLUMN uid TEXT;
ALTER TABLE guardian ADD COLUMN ext_id TEXT;
ALTER TABLE guardian ADD COLUMN uid TEXT;
ALTER TABLE subject ADD COLUMN ext_id TEXT;
ALTER TABLE subject ADD COLUMN uid TEXT;
ALTER TABLE workload ADD COLUMN ext_id TEXT;
ALTER TABLE workload ADD COLUMN uid TEXT;
ALTER TABLE timetable ADD COLUMN ext_id TEXT;

CREATE UNIQUE INDEX student_ext ON student(ext_id) WHERE ext_id IS NOT NULL;
CREATE UNIQUE INDEX enrolment_ext ON enrolment(ext_id) WHERE ext_id IS NOT NULL;
CREATE UNIQUE INDEX school_year_ext ON school_year(ext_id) WHERE ext_id IS NOT NULL;
CREATE UNIQUE INDEX period_ext ON period(ext_id) WHERE ext_id IS NOT NULL;
CREATE UNIQUE INDEX holiday_ext ON holiday(ext_id) WHERE ext_id IS NOT NULL;
CREATE UNIQUE INDEX staff_ext ON staff(ext_id) WHERE ext_id IS NOT NULL;
CREATE UNIQUE INDEX class_ext ON class(ext_id) WHERE ext_id IS NOT NULL;
CREATE UNIQUE INDEX class_group_ext ON class_group(ext_id) WHERE ext_id IS NOT NULL;
CREATE UNIQUE INDEX guardian_ext ON guardian(ext_id) WHERE ext_id IS NOT NULL;
CREATE UNIQUE INDEX subject_ext ON subject(ext_id) WHERE ext_id IS NOT NULL;
CREATE UNIQUE INDEX workload_ext ON workload(ext_id) WHERE ext_id IS NOT NULL;
CREATE INDEX timetable_ext ON timetable(ext_id) WHERE ext_id IS NOT NULL;

-- A student missing from a re-imported roster: listed until an
-- administrator records the departure (with its order) or dismisses it.
CREATE TABLE departure_pending (
    student_id  INTEGER PRIMARY KEY REFERENCES student(id) ON DELETE CASCADE,
    noticed_on  TEXT NOT NULL CHECK (date(noticed_on) IS noticed_on),
    source      TEXT NOT NULL
);

-- Global ids: a random UUID (version 4) for every row that has none, now
-- and on every insert that does not bring one.
UPDATE school SET uid = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89AB', 1 + abs(random() % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))) WHERE uid IS NULL;
CREATE UNIQUE INDEX school_uid ON school(uid) WHERE uid IS NOT NULL;
CREATE TRIGGER school_uid_new AFTER INSERT ON school FOR EACH ROW WHEN NEW.uid IS NULL BEGIN
    UPDATE school SET uid = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89AB', 1 + abs(random() % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))) WHERE rowid = NEW.rowid;
END;
UPDATE school_year SET uid = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89AB', 1 + abs(random() % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))) WHERE uid IS NULL;
CREATE UNIQUE INDEX school_year_uid ON school_year(uid) WHERE uid IS NOT NULL;
CREATE TRIGGER school_year_uid_new AFTER INSERT ON school_year FOR EACH ROW WHEN NEW.uid IS NULL BEGIN
    UPDATE school_year SET uid = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89AB', 1 + abs(random() % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))) WHERE rowid = NEW.rowid;
END;
UPDATE period SET uid = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89AB', 1 + abs(random() % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))) WHERE uid IS NULL;
CREATE UNIQUE INDEX period_uid ON period(uid) WHERE uid IS NOT NULL;
CREATE TRIGGER period_uid_new AFTER INSERT ON period FOR EACH ROW WHEN NEW.uid IS NULL BEGIN
    UPDATE period SET uid = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89AB', 1 + abs(random() % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))) WHERE rowid = NEW.rowid;
END;
UPDATE staff SET uid = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89AB', 1 + abs(random() % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))) WHERE uid IS NULL;
CREATE UNIQUE INDEX staff_uid ON staff(uid) WHERE uid IS NOT NULL;
CREATE TRIGGER staff_uid_new AFTER INSERT ON staff FOR EACH ROW WHEN NEW.uid IS NULL BEGIN
    UPDATE staff SET uid = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89AB', 1 + abs(random() % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))) WHERE rowid = NEW.rowid;
END;
UPDATE student SET uid = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89AB', 1 + abs(random() % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))) WHERE uid IS NULL;
CREATE UNIQUE INDEX student_uid ON student(uid) WHERE uid IS NOT NULL;
CREATE TRIGGER student_uid_new AFTER INSERT ON student FOR EACH ROW WHEN NEW.uid IS NULL BEGIN
    UPDATE student SET uid = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89AB', 1 + abs(random() % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))) WHERE rowid = NEW.rowid;
END;
UPDATE enrolment SET uid = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89AB', 1 + abs(random() % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))) WHERE uid IS NULL;
CREATE UNIQUE INDEX enrolment_uid ON enrolment(uid) WHERE uid IS NOT NULL;
CREATE TRIGGER enrolment_uid_new AFTER INSERT ON enrolment FOR EACH ROW WHEN NEW.uid IS NULL BEGIN
    UPDATE enrolment SET uid = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89AB', 1 + abs(random() % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))) WHERE rowid = NEW.rowid;
END;
UPDATE class SET uid = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89AB', 1 + abs(random() % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))) WHERE uid IS NULL;
CREATE UNIQUE INDEX class_uid ON class(uid) WHERE uid IS NOT NULL;
CREATE TRIGGER class_uid_new AFTER INSERT ON class FOR EACH ROW WHEN NEW.uid IS NULL BEGIN
    UPDATE class SET uid = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89AB', 1 + abs(random() % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))) WHERE rowid = NEW.rowid;
END;
UPDATE class_group SET uid = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89AB', 1 + abs(random() % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))) WHERE uid IS NULL;
CREATE UNIQUE INDEX class_group_uid ON class_group(uid) WHERE uid IS NOT NULL;
CREATE TRIGGER class_group_uid_new AFTER INSERT ON class_group FOR EACH ROW WHEN NEW.uid IS NULL BEGIN
    UPDATE class_group SET uid = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89AB', 1 + abs(random() % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))) WHERE rowid = NEW.rowid;
END;
UPDATE guardian SET uid = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89AB', 1 + abs(random() % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))) WHERE uid IS NULL;
CREATE UNIQUE INDEX guardian_uid ON guardian(uid) WHERE uid IS NOT NULL;
CREATE TRIGGER guardian_uid_new AFTER INSERT ON guardian FOR EACH ROW WHEN NEW.uid IS NULL BEGIN
    UPDATE guardian SET uid = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89AB', 1 + abs(random() % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))) WHERE rowid = NEW.rowid;
END;
UPDATE subject SET uid = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89AB', 1 + abs(random() % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))) WHERE uid IS NULL;
CREATE UNIQUE INDEX subject_uid ON subject(uid) WHERE uid IS NOT NULL;
CREATE TRIGGER subject_uid_new AFTER INSERT ON subject FOR EACH ROW WHEN NEW.uid IS NULL BEGIN
    UPDATE subject SET uid = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89AB', 1 + abs(random() % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))) WHERE rowid = NEW.rowid;
END;
UPDATE workload SET uid = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89AB', 1 + abs(random() % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))) WHERE uid IS NULL;
CREATE UNIQUE INDEX workload_uid ON workload(uid) WHERE uid IS NOT NULL;
CREATE TRIGGER workload_uid_new AFTER INSERT ON workload FOR EACH ROW WHEN NEW.uid IS NULL BEGIN
    UPDATE workload SET uid = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89AB', 1 + abs(random() % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))) WHERE rowid = NEW.rowid;
END;
