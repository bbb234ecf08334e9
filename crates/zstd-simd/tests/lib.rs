//! zstd-simd's integration tests: every kernel at every supported level against its reference.

mod copy;
mod hash;
mod histogram;
mod match_length;

use simd_arch::Level;

/// Every level this CPU supports (the same set `PERFKIT_SIMD` can force).
pub(crate) fn levels() -> impl Iterator<Item = Level> {
    Level::supported()
}

pub(crate) fn config() -> proptest::prelude::ProptestConfig {
    proptest::prelude::ProptestConfig {
        cases: if cfg!(miri) { 8 } else { 512 },
        failure_persistence: None,
        ..Default::default()
    }
}
