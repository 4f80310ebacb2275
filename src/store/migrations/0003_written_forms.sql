-- classbook schema, migration 3: written works (seed 003 §5.5).
--
-- Marks for written works are due within three days (setting
-- mark_deadline_written_days); every other current mark within fifteen.
-- Whether a form of control is a written work is now a property of the
-- form (`written`, from the column of data/control_forms.csv), not only of
-- five forms' deadline kind. After this SQL, migrate.rs sets `written`
-- and the written deadline kind of every form the catalogue lists
-- (`reference::set_written_forms`), for new and existing databases alike.

ALTER TABLE control_form ADD COLUMN written INTEGER NOT NULL DEFAULT 0
    CHECK (written IN (0, 1));

-- A form that already had the written deadline is a written work.
UPDATE control_form SET written = 1 WHERE deadline_kind = 'written';
