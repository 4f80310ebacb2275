-- classbook schema, migration 6: one record of a student's absence from a
-- lesson (issue 15, item 12).
--
-- Until now the journal's `Н` was a mark row (symbol 'Н') and the
-- attendance register a row of `attendance`: two records that could
-- disagree. From now on `attendance` is the one record: the journal shows
-- `Н` wherever attendance has an absence (any absent_* category) and typing
-- `Н` in the journal writes attendance. This migration moves the journal's
-- `Н` marks into attendance:
--
-- * a `Н` where attendance has nothing for that lesson and student, and
--   the lesson's attendance was not taken, becomes an attendance entry with
--   the "absent, reason not given" code (the first such code of the table),
--   set by whoever entered the mark, when they entered it;
-- * a `Н` where attendance already has an absence agrees: the mark goes,
--   the attendance entry (with its reason) stays;
-- * a `Н` where attendance says the student was there (taken with no entry,
--   or a present, remote or exempt code) disagrees: attendance is kept, and
--   the disagreement is written to `absence_conflict` for the review (rule
--   absence.disagrees) to show until someone settles the cell;
-- * the reverse, an absence in attendance where the journal has a mark
--   (2–5 or *) and no `Н`, is a disagreement too: nothing is changed, the
--   review shows it.
--
-- Self-contained: it reads only tables of migration 1.

CREATE TABLE absence_conflict (
    lesson_id  INTEGER NOT NULL REFERENCES lesson(id) ON DELETE CASCADE,
    student_id INTEGER NOT NULL REFERENCES student(id),
    -- What the journal said: 'Н', or the marks of the cell ("5", "*4").
    journal    TEXT NOT NULL,
    -- What attendance said: 'present', or a code with its label.
    attendance TEXT NOT NULL,
    -- Where the disagreement came from: 'migration', or 'import <source>'.
    source     TEXT NOT NULL,
    noted_at   TEXT NOT NULL,
    PRIMARY KEY (lesson_id, student_id)
) WITHOUT ROWID;

-- Journal Н, attendance says present (a code that is not an absence).
INSERT OR IGNORE INTO absence_conflict (lesson_id, student_id, journal, attendance, source, noted_at)
SELECT DISTINCT m.lesson_id, m.student_id, 'Н', c.code || ' (' || c.label || ')', 'migration',
       strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
FROM mark m
JOIN attendance a ON a.lesson_id = m.lesson_id AND a.student_id = m.student_id
JOIN attendance_code c ON c.id = a.code_id
WHERE m.symbol = 'Н'
  AND c.category NOT IN ('absent_excused', 'absent_unexcused', 'absent_unspecified');

-- Journal Н, attendance taken with no entry: present.
INSERT OR IGNORE INTO absence_conflict (lesson_id, student_id, journal, attendance, source, noted_at)
SELECT DISTINCT m.lesson_id, m.student_id, 'Н', 'present', 'migration',
       strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
FROM mark m
JOIN lesson l ON l.id = m.lesson_id
WHERE m.symbol = 'Н'
  AND l.attendance_taken_at IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM attendance a
                  WHERE a.lesson_id = m.lesson_id AND a.student_id = m.student_id);

-- The reverse: attendance absent, the journal has a mark and no Н.
INSERT OR IGNORE INTO absence_conflict (lesson_id, student_id, journal, attendance, source, noted_at)
SELECT a.lesson_id, a.student_id,
       (SELECT group_concat(CASE WHEN m.symbol = '*' THEN '*' || ifnull(m.value, '') ELSE m.symbol END, '/')
        FROM (SELECT symbol, value FROM mark
              WHERE lesson_id = a.lesson_id AND student_id = a.student_id ORDER BY seq) m),
       c.code || ' (' || c.label || ')', 'migration', strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
FROM attendance a
JOIN attendance_code c ON c.id = a.code_id
WHERE c.category IN ('absent_excused', 'absent_unexcused', 'absent_unspecified')
  AND EXISTS (SELECT 1 FROM mark m WHERE m.lesson_id = a.lesson_id AND m.student_id = a.student_id
              AND m.symbol IN ('2', '3', '4', '5', '*'))
  AND NOT EXISTS (SELECT 1 FROM mark m WHERE m.lesson_id = a.lesson_id AND m.student_id = a.student_id
                  AND m.symbol = 'Н');

-- Journal Н with nothing in attendance: it becomes the attendance entry.
INSERT INTO attendance (lesson_id, student_id, code_id, comment_code_id, comment, set_by, set_at)
SELECT m.lesson_id, m.student_id,
       (SELECT id FROM attendance_code WHERE category = 'absent_unspecified'
        ORDER BY hidden, sort, id LIMIT 1),
       NULL, NULL, m.entered_by, m.entered_at
FROM mark m
JOIN lesson l ON l.id = m.lesson_id
WHERE m.symbol = 'Н'
  AND l.attendance_taken_at IS NULL
  AND m.id = (SELECT min(id) FROM mark x
              WHERE x.lesson_id = m.lesson_id AND x.student_id = m.student_id AND x.symbol = 'Н')
  AND NOT EXISTS (SELECT 1 FROM attendance a
                  WHERE a.lesson_id = m.lesson_id AND a.student_id = m.student_id)
  AND EXISTS (SELECT 1 FROM attendance_code WHERE category = 'absent_unspecified');

-- Every journal Н now has its one record (an absence in attendance, or a
-- disagreement for the review): the marks go. (A Н that has neither, in a
-- code table without an "absent, reason not given" code, stays a mark.)
DELETE FROM mark
WHERE symbol = 'Н'
  AND (EXISTS (SELECT 1 FROM attendance a JOIN attendance_code c ON c.id = a.code_id
               WHERE a.lesson_id = mark.lesson_id AND a.student_id = mark.student_id
                 AND c.category IN ('absent_excused', 'absent_unexcused', 'absent_unspecified'))
       OR EXISTS (SELECT 1 FROM absence_conflict k
                  WHERE k.lesson_id = mark.lesson_id AND k.student_id = mark.student_id));
