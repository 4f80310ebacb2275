-- classbook schema, migration 4: how long an online lesson keeps its students
-- online, and whether it is live (synchronous). Seed 001: no online lessons in
-- grades 1–3, at most 90 minutes online a day in grades 4–6, live lessons of
-- 30 minutes. An online lesson without a row here is live and lasts its bell
-- (lesson_no's starts_at–ends_at); the row is kept when the lesson goes back
-- to class and counts again if it goes online again.
CREATE TABLE lesson_online (
    lesson_id   INTEGER PRIMARY KEY REFERENCES lesson(id) ON DELETE CASCADE,
    minutes     INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 240),
    live        INTEGER NOT NULL DEFAULT 1 CHECK (live IN (0, 1))
);
