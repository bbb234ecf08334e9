//! The architecture layer of perfkit: what the CPU can do, and choosing a kernel once.
//!
//! This crate is a placeholder laid down by the workspace foundation; the SIMD issue fills it.
//! It will hold:
//!
//! - **Detection**: a `Level` read once per process (scalar, SSE2, SSSE3/SSE4.1, AVX2 with BMI2,
//!   AVX-512 F/BW/VL on `x86_64`; NEON on `aarch64`), capped by the `PERFKIT_SIMD` environment
//!   variable so every path can be tested on one machine.
//! - **Dispatch**: a documented way for a crate to pick an implementation once, with no
//!   per-call detection cost; `#[target_feature]` functions are reached only after detection.
//! - **Helpers**: `prefetch_read` / `prefetch_write` with locality hints and the cache-line size.
//! - **Search primitives**: `find_u64`, `common_prefix_len`, `byte_histogram`, each with a scalar
//!   twin used as its reference in tests.
//!
//! Nothing else in the workspace carries its own `std::arch` code: the other crates build on this one.
//! See `docs/ARCHITECTURE.md` for where it sits in the crate graph.
