//! The hot kernels of the Zstandard codec, built on `simd-arch`.
//!
//! This crate is a placeholder laid down by the workspace foundation; the SIMD issue fills it.
//! It will hold, each with a scalar reference twin:
//!
//! - `match_length`: the longest common run starting at two positions of one buffer, 16, 32 or
//!   64 bytes at a time.
//! - `literal_histogram`: symbol counts, the largest symbol and the largest count, for Huffman
//!   table building.
//! - `wildcopy` and `copy_match`: the sequence-execution copies, correct for every overlap, with
//!   safe wrappers that state the slack they need.
//! - `hash4` … `hash8`: the multiplicative hashes zstd's match finders use, with a bulk form.
//!
//! `zstd-core` calls these; see `docs/ARCHITECTURE.md`.
