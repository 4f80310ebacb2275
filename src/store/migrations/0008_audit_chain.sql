-- The audit log as a hash chain: each entry's hash covers its own fields
-- and the hash of the entry before it, so that an entry changed or removed
-- afterwards (with sqlite3, say) is found by `classbook check`. The hashes
-- of the entries already there, and the triggers that keep the log
-- append-only, are added by the migration's Rust step (store::audit::seal).
ALTER TABLE audit_log ADD COLUMN hash TEXT;
