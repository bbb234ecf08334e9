//! Allocation avoidance: reuse instead of allocate, free a whole lifetime at once,
//! and keep small error messages off the heap.
//!
//! This crate is a placeholder laid down by the workspace foundation; the pools issue fills it.
//! It will hold:
//!
//! - `BufferPool` / `PooledBuf`: a bounded thread-local pool of byte buffers; `SharedPool<T>` for
//!   values that move between threads; a generic `Pool<T: Reset>`.
//! - `Arena`: a bump allocator with O(1) `reset`, correct alignment for every type, and an
//!   `ArenaVec` that grows inside it.
//! - `InlineError` and `ErrorMessage`: error values that are built without touching the heap,
//!   and a compact choice that keeps `Result<u64, E>` at 16 bytes.
//!
//! See `docs/ARCHITECTURE.md`.
