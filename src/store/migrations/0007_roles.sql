-- classbook schema, migration 7: roles that hold (issue 14, item 5).
--
-- Who may write what is decided by the operating-system login of the person
-- running classbook. A login is a staff member when `staff.login` says so;
-- a teacher then edits the journals of the lessons they teach, a class
-- teacher gives the reasons of their class's absences (both from the
-- workload, the lessons and `class.class_teacher_id`, not from this table).
-- The roles below are granted to a login by an administrator
-- (`classbook users grant LOGIN ROLE`); `staff_role` of the staff member a
-- login maps to counts too (director and deputy as deputy head,
-- journal_admin as administrator, training_lead as training lead).
-- 'viewer' makes a login read-only whatever else it holds.
CREATE TABLE user_role (
    login      TEXT NOT NULL CHECK (length(trim(login)) > 0),
    role       TEXT NOT NULL CHECK (role IN ('admin', 'deputy', 'training_lead', 'viewer')),
    granted_by TEXT NOT NULL,
    granted_at TEXT NOT NULL,
    PRIMARY KEY (login, role)
) WITHOUT ROWID;
