//! Allocation-avoidance patterns: reuse instead of allocate, free a whole lifetime at once, and
//! keep small error messages off the heap.
//!
//! ```
//! use pools::{Arena, BufferPool, ErrorKind, InlineError};
//!
//! // Reuse: the buffer goes back to this thread's pool when dropped.
//! let mut buf = BufferPool::get_with_capacity(4096);
//! buf.extend_from_slice(b"payload");
//!
//! // One lifetime: everything in the arena is freed by one reset.
//! let mut arena = Arena::new();
//! let words: Vec<&str> = ["a", "b"].iter().map(|w| &*arena.alloc_str(w)).collect();
//! assert_eq!(words, ["a", "b"]);
//! arena.reset();
//!
//! // No heap for a short error.
//! let e = InlineError::new(ErrorKind::InvalidInput, "bad magic");
//! assert_eq!(e.to_string(), "invalid input: bad magic");
//! ```
//!
//! - [`BufferPool`] / [`PooledBuf`]: a thread-local, bounded pool of `Vec<u8>` buffers.
//! - [`SharedPool`]: a bounded lock-free pool for values that move between threads;
//!   [`Pool`]: a single-threaded pool of any [`Reset`] type.
//! - [`Arena`] / [`ArenaVec`]: a bump allocator whose O(1) `reset` keeps its chunks, so a
//!   reused arena makes no allocator calls.
//! - [`InlineError`] (56-byte inline message, never allocates), [`ErrorMessage`] (smartstring:
//!   inline up to 23 bytes) and [`BoxedError`] (8 bytes, for hot `Ok` paths).
//!
//! Figures: `cargo xtask bench --filter pools` (docs/BENCHMARKS.md).

mod arena;
mod buffer;
mod error;
mod pool;

pub use arena::{Arena, ArenaVec};
pub use buffer::{BufferPool, PoolConfig, PooledBuf};
pub use error::{BoxedError, ErrorKind, ErrorMessage, INLINE_CAPACITY, InlineError};
pub use pool::{Pool, Pooled, Reset, Shared, SharedPool};

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
