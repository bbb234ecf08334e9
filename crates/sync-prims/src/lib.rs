//! Concurrency primitives for read-mostly data and contended writes, correct first and fast
//! second.
//!
//! ```
//! use sync_prims::{Counter, RcuMap, StripedCounter};
//!
//! let routes = RcuMap::new();
//! routes.insert("/", "index");
//! let hits = StripedCounter::new();
//! std::thread::scope(|s| {
//!     for _ in 0..2 {
//!         s.spawn(|| {
//!             let mut reader = routes.reader();
//!             for _ in 0..100 {
//!                 assert_eq!(reader.get("/"), Some(&"index"));
//!                 hits.add(1);
//!             }
//!         });
//!     }
//! });
//! assert_eq!(hits.get(), 200);
//! ```
//!
//! - [`RcuCell`] / [`RcuMap`] on `arc-swap`: lock-free reads (a cached [`Reader`] per thread is
//!   the cheapest), writes by clone-modify-swap that never lose a concurrent write.
//! - [`StripedCounter`] (LongAdder-style, wait-free `add`) and [`FlatCombiningCounter`]
//!   (Hendler et al., SPAA 2010), behind the [`Counter`] trait, also implemented for `AtomicU64`.
//! - [`SeqLock`]: readers copy the value with per-word atomic loads and retry on a concurrent
//!   write; no data race in Rust's memory model.
//! - [`EpochTable`]: a fixed-capacity slot table on `crossbeam-epoch`; lookups under one pin.
//! - [`AdaptiveCell`]: a native atomic when the type fits one, a mutex otherwise.
//! - [`StripedMap`]: a lock-striped hash map whose guards never escape a call.
//!
//! Each type's documentation says when to use it and when not, from the measurements in
//! docs/BENCHMARKS.md (`cargo xtask bench --filter sync-prims`). The counters, the seqlock and
//! the epoch table's publish/reclaim protocol are model-checked with loom
//! (`RUSTFLAGS="--cfg loom --cfg crossbeam_loom" cargo test -p sync-prims --release`).

mod sync;

#[cfg(not(loom))]
mod adaptive;
mod counter;
mod epoch_table;
mod flat_combining;
mod rcu;
mod seqlock;
mod striped_map;

#[cfg(not(loom))]
pub use adaptive::AdaptiveCell;
pub use bytemuck::NoUninit;
pub use counter::{Counter, StripedCounter};
pub use epoch_table::{EpochTable, Pinned};
pub use flat_combining::FlatCombiningCounter;
pub use rcu::{MapReader, RcuCell, RcuMap, Reader};
pub use seqlock::SeqLock;
pub use striped_map::{Entry, OccupiedEntry, StripedMap, VacantEntry};

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
