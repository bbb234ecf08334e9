//! sync-prims integration tests (one binary; see docs/ARCHITECTURE.md).
//!
//! Stress tests with exact expectations and model tests run in every build (small under miri);
//! the loom models run in the `--cfg loom` build (see `.ci/run`).

#[cfg(not(loom))]
mod adaptive;
#[cfg(not(loom))]
mod counters;
#[cfg(not(loom))]
mod epoch_table;
#[cfg(loom)]
mod loom_models;
#[cfg(not(loom))]
mod maps;
#[cfg(not(loom))]
mod seqlock;

/// `normal`, or `small` under miri (which runs about a thousand times slower).
#[cfg(not(loom))]
pub(crate) fn scale(normal: usize, small: usize) -> usize {
    if cfg!(miri) { small } else { normal }
}
