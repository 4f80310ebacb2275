//! What a write expects to replace: no write may silently replace what
//! someone else saved after the writer read it. The command line says what
//! it saw with `--expect VALUE` (or `--overwrite`); by default it replaces
//! nothing but an empty value (or the same value again), and a refused
//! write exits with its own code (7).

use crate::store;

/// What a write expects to replace (the command line's `--expect`,
/// `--overwrite` and its default).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Expect {
    /// Whatever is there (the screen checks what it read its own way; the
    /// command line's `--overwrite`).
    #[default]
    Anything,
    /// Nothing, or what the write makes it anyway: the command line's
    /// default, so that a script never replaces a value unseen.
    Empty,
    /// Exactly this (as shown: "5/4", "Н", "" for empty).
    Shown(String),
}

impl Expect {
    /// Whether a value shown as `now` may be replaced by one shown as
    /// `new` by `operator`, `last_by` having saved `now`.
    pub fn allows(&self, now: &str, new: &str, operator: &str, last_by: Option<&str>) -> bool {
        let norm = |s: &str| crate::domain::text::nfc(s).trim().to_lowercase();
        match self {
            Expect::Anything => true,
            // One's own value is not someone else's.
            Expect::Empty => {
                now.trim().is_empty() || norm(now) == norm(new) || last_by == Some(operator)
            }
            Expect::Shown(seen) => norm(now) == norm(seen) || norm(now) == norm(new),
        }
    }

    /// Refuse ([`store::StoreError::Changed`]) to replace `what`, shown as
    /// `now` and last saved by `last` (operator, time), with `new`, unless
    /// this expectation allows it; the refusal names `--expect` and
    /// `--overwrite`.
    pub fn check(
        &self,
        what: &str,
        (now, new): (&str, &str),
        operator: &str,
        last: Option<(&str, &str)>,
    ) -> store::Result<()> {
        let hint = format!(
            "give --expect \"{}\" to replace that value, or --overwrite",
            now.trim()
        );
        self.check_with(what, (now, new), operator, last, &hint)
    }

    /// [`Expect::check`] for a command with `--overwrite` only.
    pub fn check_overwrite_only(
        &self,
        what: &str,
        (now, new): (&str, &str),
        operator: &str,
        last: Option<(&str, &str)>,
    ) -> store::Result<()> {
        self.check_with(
            what,
            (now, new),
            operator,
            last,
            "give --overwrite to replace it",
        )
    }

    fn check_with(
        &self,
        what: &str,
        (now, new): (&str, &str),
        operator: &str,
        last: Option<(&str, &str)>,
        hint: &str,
    ) -> store::Result<()> {
        if self.allows(now, new, operator, last.map(|(who, _)| who)) {
            return Ok(());
        }
        let now_shown = if now.trim().is_empty() {
            "nothing".to_string()
        } else {
            format!("«{now}»")
        };
        let by = last
            .map(|(who, at)| format!(" (set by {who} at {at})"))
            .unwrap_or_default();
        let how = match self {
            Expect::Shown(seen) if seen.trim().is_empty() => "you expected it empty; ".to_string(),
            Expect::Shown(seen) => format!("you expected «{seen}»; "),
            _ => String::new(),
        };
        Err(store::StoreError::Changed(format!(
            "{what} holds {now_shown}{by}; {how}not replaced: {hint}"
        )))
    }
}

/// For a command that changes several fields of a row and has no
/// `--expect` of its own: refuse ([`store::StoreError::Changed`]) to change
/// the row `entity` `key` (its key columns as the audit log records them,
/// e.g. `{"id": 7}`; `what`, for the message) when someone other than
/// `operator` saved it last, unless `overwrite`.
pub fn guard_row(
    tx: &store::Conn,
    operator: &str,
    overwrite: bool,
    (entity, key): (&str, serde_json::Value),
    what: &str,
) -> store::Result<()> {
    if overwrite {
        return Ok(());
    }
    match store::audit::last_change(tx, entity, &key.to_string())? {
        Some(e) if e.operator != operator => Err(store::StoreError::Changed(format!(
            "{what} was last changed by {} at {}; not changed: give --overwrite to change it anyway",
            e.operator, e.at
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_replaces_only_nothing_the_same_or_ones_own() {
        let e = Expect::Empty;
        assert!(e.allows("", "5", "Иванова", Some("Петров")));
        assert!(e.allows("5", "5", "Иванова", Some("Петров")));
        assert!(e.allows("4", "5", "Иванова", Some("Иванова")));
        assert!(!e.allows("4", "5", "Иванова", Some("Петров")));
        assert!(!e.allows("4", "5", "Иванова", None));
        assert!(
            !e.allows("4", "", "Иванова", Some("Петров")),
            "clearing replaces too"
        );
    }

    #[test]
    fn an_expected_value_must_be_there() {
        let e = Expect::Shown("н".into());
        assert!(
            e.allows("Н", "5", "Lê Thị Hoa", Some("王芳")),
            "case and NFC do not matter"
        );
        assert!(
            !e.allows("4", "5", "Lê Thị Hoa", Some("Lê Thị Hoa")),
            "not even one's own"
        );
        assert!(Expect::Shown(String::new()).allows("", "5", "x", None));
        assert!(!Expect::Shown(String::new()).allows("3", "5", "x", None));
        assert!(Expect::Anything.allows("3", "5", "x", Some("y")));
    }

    #[test]
    fn the_refusal_says_what_is_there_who_saved_it_and_how_to_replace_it() {
        let err = Expect::Shown("3".into())
            .check(
                "Đỗ Minh Anh's cell",
                ("4", "5"),
                "Иванова",
                Some(("王芳", "2026-12-03T10:00:00Z")),
            )
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Đỗ Minh Anh's cell holds «4» (set by 王芳 at 2026-12-03T10:00:00Z); you expected «3»; \
             not replaced: give --expect \"4\" to replace that value, or --overwrite"
        );
        assert!(matches!(err, store::StoreError::Changed(_)));
    }
}
