-- The review's reads (issue 16).
-- A class's school days in date order: the exemption after a long absence
-- looks back over a class's last days, read once per review.
CREATE INDEX IF NOT EXISTS lesson_class_date ON lesson(class_id, date);
-- The lessons with a form of control (about one in nine), by date: the
-- control events whose present students need a mark.
CREATE INDEX IF NOT EXISTS lesson_control ON lesson(date) WHERE control_form_id IS NOT NULL;
