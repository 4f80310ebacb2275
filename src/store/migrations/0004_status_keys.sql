-- Schema 4: the roll call's "late" key moves from `l` to `L`, so that the
-- keys of "Everywhere" (h j k l move the cursor) are never shadowed by a
-- status key. Only the shipped default changes; a key a school chose stays.
UPDATE training_status SET key = 'L' WHERE code = 'late' AND key = 'l';
