//! Concurrency primitives for read-mostly data and contended writes, correct first and fast second.
//!
//! This crate is a placeholder laid down by the workspace foundation; the sync-prims issue fills it.
//! It will hold:
//!
//! - `RcuCell` / `RcuMap` on `arc-swap`: lock-free reads, clone-modify-swap writes.
//! - `FlatCombiningCounter` (Hendler et al., SPAA 2010) and a LongAdder-style `StripedCounter`,
//!   behind a shared `Counter` trait also implemented for `AtomicU64`.
//! - `SeqLock<T>` that reads with per-word atomic loads (no data race in Rust's memory model).
//! - `EpochTable<V>` on `crossbeam-epoch`, `AdaptiveCell<T>`, and a lock-striped `StripedMap`.
//!
//! Each type is model-checked with loom and stress-tested with exact expectations;
//! see `docs/ARCHITECTURE.md`.
