//! Shared helpers for the integration tests: where the shared reference data lives.

use std::path::PathBuf;

/// `../shared` next to the repository (the project's read-only corpus and reference outputs).
pub fn shared_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    // Canonical, so that finding sources (which are normalised) share its prefix.
    let dir = dir.canonicalize().unwrap_or(dir);
    assert!(
        dir.join("corpus").is_dir(),
        "the shared corpus is expected at {} (see README, Development)",
        dir.display()
    );
    dir
}
