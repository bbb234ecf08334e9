//! simd-arch's integration tests: every supported level against the reference loops.

mod level;
mod search;
