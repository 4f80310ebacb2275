//! The README's key table is generated from the keymap; this keeps it current.
//! Run with `UPDATE_README=1` to rewrite the block after changing bindings.

use classbook::ui::keymap::Keymap;

const START: &str =
    "<!-- keymap:start (generated from src/ui/keymap.rs; tests/readme.rs keeps it current) -->";
const END: &str = "<!-- keymap:end -->";

#[test]
fn the_readme_key_table_matches_the_keymap() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).unwrap();
    let start = readme
        .find(START)
        .expect("README has the keymap start marker")
        + START.len();
    let end = readme.find(END).expect("README has the keymap end marker");
    let expected = format!("\n{}\n", Keymap::default().markdown().trim());
    if readme[start..end] != expected {
        if std::env::var_os("UPDATE_README").is_some() {
            let updated = format!("{}{}{}", &readme[..start], expected, &readme[end..]);
            std::fs::write(path, updated).unwrap();
        } else {
            panic!(
                "README.md's key table is out of date; run `UPDATE_README=1 cargo test --test readme`"
            );
        }
    }
}

#[test]
fn the_readme_starts_with_the_two_commands() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let top: String = readme.lines().take(20).collect::<Vec<_>>().join("\n");
    assert!(top.contains("cargo run --release -- --demo"), "{top}");
    assert!(top.contains("cargo test"), "{top}");
}
