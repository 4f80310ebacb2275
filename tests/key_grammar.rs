//! One key grammar across the tabs (issue 15, items 14 and 15): the keys of
//! "Everywhere" are never shadowed outside an editor, a destructive key
//! never shares its letter with a harmless one, each verb of the grammar has
//! one key on every tab, and a lower-case letter or a symbol means one thing.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use classbook::ui::action::Action;
use classbook::ui::app::{Overlay, Tab};
use classbook::ui::keymap::{Key, Keymap, Mode};
use common::{demo_app, press, type_keys};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Modes where typing goes into a text (a picker's filter, the help's
/// search, a form's field): there letters are text, not keys.
fn is_editor(mode: Mode) -> bool {
    !matches!(mode, Mode::Global) && !falls_back(mode)
}

/// The pane modes: the main view of each tab and its screens.
fn falls_back(mode: Mode) -> bool {
    let map = Keymap::default();
    // A pane mode answers a key of "Everywhere" that it does not bind.
    let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
    mode != Mode::Global && map.lookup(mode, &q) == Some(Action::Quit)
}

fn pane_modes() -> Vec<Mode> {
    Mode::ALL
        .iter()
        .copied()
        .filter(|m| falls_back(*m))
        .collect()
}

fn event(k: &Key) -> KeyEvent {
    KeyEvent::new(k.code, k.mods)
}

#[test]
fn the_keys_of_everywhere_work_in_every_pane_mode() {
    let map = Keymap::default();
    let modes = pane_modes();
    assert!(modes.len() >= 15, "{modes:?}");
    for b in map.bindings().iter().filter(|b| b.mode == Mode::Global) {
        for k in &b.keys {
            for m in &modes {
                assert_eq!(
                    map.lookup(*m, &event(k)),
                    Some(b.action.clone()),
                    "{k} is {:?} everywhere but something else in {m:?}",
                    b.action
                );
            }
        }
    }
}

#[test]
fn a_destructive_letter_is_never_a_harmless_one_elsewhere() {
    let map = Keymap::default();
    // Every key of a destructive action outside editors, and every letter
    // in either case.
    let mut destructive: BTreeMap<String, String> = BTreeMap::new();
    for b in map.bindings().iter().filter(|b| !is_editor(b.mode)) {
        if b.action.destructive() {
            for k in &b.keys {
                destructive.insert(fold(k), format!("{:?} {:?}", b.mode, b.action));
            }
        }
    }
    assert!(destructive.contains_key("x"), "{destructive:?}");
    for b in map.bindings().iter().filter(|b| !is_editor(b.mode)) {
        if b.action.destructive() {
            continue;
        }
        for k in &b.keys {
            if let Some(d) = destructive.get(&fold(k)) {
                panic!(
                    "{k} deletes ({d}) but is harmless in {:?} ({:?})",
                    b.mode, b.action
                );
            }
        }
    }
}

fn fold(k: &Key) -> String {
    match k.code {
        KeyCode::Char(c) if k.mods == KeyModifiers::NONE => c.to_lowercase().to_string(),
        _ => k.to_string(),
    }
}

#[test]
fn each_verb_has_one_key_on_every_tab() {
    let map = Keymap::default();
    let mut letters: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
    for b in map.bindings().iter().filter(|b| !is_editor(b.mode)) {
        let Some(verb) = b.action.verb() else {
            continue;
        };
        let chars: Vec<String> = b
            .keys
            .iter()
            .filter(|k| matches!(k.code, KeyCode::Char(_)) && k.mods == KeyModifiers::NONE)
            .map(|k| k.to_string())
            .collect();
        assert!(
            !chars.is_empty(),
            "{:?} {:?} has no letter of its verb",
            b.mode,
            b.action
        );
        letters
            .entry(format!("{verb:?}"))
            .or_default()
            .insert((chars.join(" "), format!("{:?}", b.mode)));
    }
    for (verb, uses) in &letters {
        let keys: BTreeSet<&String> = uses.iter().map(|(k, _)| k).collect();
        assert_eq!(keys.len(), 1, "{verb} has several keys: {uses:?}");
    }
    for verb in ["Add", "Edit", "Delete", "GoDate", "Filter", "Prev", "Next"] {
        assert!(letters.contains_key(verb), "{verb}");
    }
}

#[test]
fn a_small_letter_or_a_symbol_means_one_thing_on_every_tab() {
    let map = Keymap::default();
    let mut meaning: BTreeMap<char, BTreeSet<String>> = BTreeMap::new();
    for b in map.bindings().iter().filter(|b| !is_editor(b.mode)) {
        for k in &b.keys {
            if let KeyCode::Char(c) = k.code
                && k.mods == KeyModifiers::NONE
                && !c.is_uppercase()
            {
                let m = b
                    .action
                    .verb()
                    .map_or_else(|| b.action.name().to_string(), |v| format!("{v:?}"));
                meaning.entry(c).or_default().insert(m);
            }
        }
    }
    for (c, m) in &meaning {
        assert_eq!(m.len(), 1, "«{c}» means {m:?}");
    }
    // The letters the issue found overloaded.
    for (c, want) in [('t', "Today"), ('r', "att_reasons"), ('d', "GoDate")] {
        assert_eq!(
            meaning.get(&c).map(|m| m.iter().next().unwrap().as_str()),
            Some(want)
        );
    }
    let caps = |c: char| -> BTreeSet<String> {
        map.bindings()
            .iter()
            .filter(|b| !is_editor(b.mode))
            .filter(|b| b.keys.contains(&Key::plain(KeyCode::Char(c))))
            .map(|b| b.action.name().to_string())
            .collect()
    };
    assert_eq!(caps('D'), BTreeSet::from(["att_devices".to_string()]));
    assert_eq!(
        caps('P'),
        BTreeSet::from([
            "att_period_grid".to_string(),
            "school_add_period".to_string()
        ])
    );
}

#[test]
fn typed_codes_never_take_a_key_of_everywhere() {
    let (_dir, app) = demo_app();
    let map = Keymap::default();
    let global: BTreeSet<String> = map
        .bindings()
        .iter()
        .filter(|b| b.mode == Mode::Global)
        .flat_map(|b| b.keys.iter().map(|k| k.to_string()))
        .collect();
    let conn = app.db().conn();
    for s in classbook::store::training::statuses(conn).unwrap() {
        assert!(!global.contains(&s.key), "status {} on {}", s.code, s.key);
    }
    for c in classbook::store::attendance::codes(conn, true).unwrap() {
        if let Some(k) = c.key {
            assert!(!global.contains(&k), "code {} on {k}", c.label);
        }
    }
}

/// Press each key of "Everywhere" that switches or opens something, on a
/// screen reached by `setup`, and check that it did.
fn everywhere_keys_work(setup: impl Fn(&mut classbook::ui::app::App), what: &str) {
    for (key, tab) in [('1', Tab::Journal), ('6', Tab::Reports), ('7', Tab::School)] {
        let (_dir, mut app) = demo_app();
        setup(&mut app);
        press(&mut app, KeyCode::Char(key));
        assert_eq!(app.tab, tab, "{key} after {what}");
    }
    let (_dir, mut app) = demo_app();
    setup(&mut app);
    press(&mut app, KeyCode::Char('H'));
    assert!(matches!(app.overlay, Overlay::History(_)), "H after {what}");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('?'));
    assert!(
        matches!(app.overlay, Overlay::Help { .. }),
        "? after {what}"
    );
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('q'));
    assert!(app.quit, "q after {what}");
}

#[test]
fn everywhere_after_a_jump_from_the_review_into_the_grid() {
    everywhere_keys_work(
        |app| {
            press(app, KeyCode::Char('5'));
            // The first group, its first finding, Enter: into its cell.
            for _ in 0..40 {
                press(app, KeyCode::Enter);
                if app.tab == Tab::Journal {
                    break;
                }
                press(app, KeyCode::Down);
            }
            assert_eq!(app.tab, Tab::Journal, "a finding opens the journal");
            assert!(!app.journal.focus, "not in mark entry after a jump");
        },
        "a review jump",
    );
}

#[test]
fn everywhere_on_each_tab_and_its_screens() {
    for (keys, what) in [
        ("2", "attendance"),
        ("2P", "the attendance period grid"),
        ("3", "training"),
        ("3R", "the roll call"),
        ("3T", "the standing"),
        ("4", "indicators"),
        ("4C", "the indicator chart"),
        ("5", "review"),
        ("6", "reports"),
        ("7", "school"),
        ("7]]", "school students"),
    ] {
        everywhere_keys_work(|app| type_keys(app, keys), what);
    }
}

#[test]
fn mark_entry_is_explicit_and_visible() {
    let (_dir, mut app) = demo_app();
    press(&mut app, KeyCode::Char('1'));
    press(&mut app, KeyCode::Down);
    // Moving does not enter marks: 5 is the Review tab.
    press(&mut app, KeyCode::Char('5'));
    assert_eq!(app.tab, Tab::Review);
    press(&mut app, KeyCode::Char('1'));
    assert!(!app.journal.focus);
    press(&mut app, KeyCode::Char('i'));
    assert!(app.journal.focus, "i starts mark entry");
    let text = common_screen(&app);
    assert!(text.contains("MARK ENTRY"), "{text}");
    // In it, 5 types a mark and 6 is refused as one (the tab stays).
    press(&mut app, KeyCode::Char('5'));
    assert_eq!(app.tab, Tab::Journal);
    assert_eq!(
        app.journal.edit.as_ref().map(|e| e.text.as_str()),
        Some("5")
    );
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('6'));
    assert_eq!(app.tab, Tab::Journal);
    assert!(
        app.message.as_deref().unwrap_or("").contains("not a mark"),
        "{:?}",
        app.message
    );
    // H and o type Н and °.
    press(&mut app, KeyCode::Char('o'));
    assert_eq!(
        app.journal.edit.as_ref().map(|e| e.text.as_str()),
        Some("°")
    );
    press(&mut app, KeyCode::Esc);
    // Esc leaves: the keys of "Everywhere" again.
    press(&mut app, KeyCode::Esc);
    assert!(!app.journal.focus);
    press(&mut app, KeyCode::Char('H'));
    assert!(matches!(app.overlay, Overlay::History(_)));
}

fn common_screen(app: &classbook::ui::app::App) -> String {
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    let area = Rect::new(0, 0, 80, 24);
    let mut buf = Buffer::empty(area);
    classbook::ui::draw::render(app, area, &mut buf);
    let mut out = String::new();
    for y in 0..area.height {
        for x in 0..area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

#[test]
fn the_help_is_searchable_and_lists_what_is_typed() {
    let (_dir, mut app) = demo_app();
    press(&mut app, KeyCode::Char('?'));
    let all = classbook::ui::draw::help_lines(&app);
    let has = |keys: &str, words: &str| {
        all.iter()
            .any(|(k, d, _)| k.contains(keys) && d.contains(words))
    };
    assert!(has("° o O", "Deferred"), "how to type °");
    assert!(has("L", "Late"), "roll-call status keys");
    assert!(has("з", "здоровья"), "attendance code keys");
    press(&mut app, KeyCode::Char('/'));
    type_keys(&mut app, "late");
    let Overlay::Help { search, typing, .. } = &app.overlay else {
        panic!("help stays open while searching");
    };
    assert_eq!((search.as_str(), *typing), ("late", true));
    let found = classbook::ui::draw::help_matches(&app, "late");
    assert!(
        found
            .iter()
            .any(|(k, d, t)| !t && k == "L" && d.contains("Late"))
    );
    assert!(found.iter().all(|(k, d, t)| *t
        || (k.is_empty() && d.is_empty())
        || format!("{k} {d}").to_lowercase().contains("late")));
    let text = common_screen(&app);
    assert!(text.contains("Keys matching «late»"), "{text}");
    // q is text while searching; Esc clears, Esc closes.
    press(&mut app, KeyCode::Char('q'));
    assert!(!app.quit);
    press(&mut app, KeyCode::Esc);
    assert!(matches!(&app.overlay, Overlay::Help { search, .. } if search.is_empty()));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.overlay, Overlay::None);
}
