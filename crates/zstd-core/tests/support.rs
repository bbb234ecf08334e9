//! Test helpers: the shared data beside the project.

use std::path::PathBuf;

/// `../shared` (beside the project root), or `None` with a notice when it is absent. Under
/// `CI` its absence is a failure: CI always has it.
pub(crate) fn shared(test: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{test}: ../shared is missing, and CI is set: it must be present in CI"
    );
    eprintln!(
        "{test}: skipped, ../shared not found beside the project (it holds the test corpora)"
    );
    None
}

/// The files of a directory, sorted by name.
pub(crate) fn files(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    v.sort();
    v
}
