//! [`FlatCombiningCounter`]: flat combining (Hendler, Incze, Shavit and Tzafrir, SPAA 2010).

use std::fmt;

use crossbeam_utils::CachePadded;

use crate::counter::{Counter, probe};
use crate::sync::{AtomicU8, AtomicU64, Ordering, spin_loop};

// A publication record's states. Each transition is made by one side only:
//
//   FREE --owner claims--> CLAIMED --owner publishes--> PENDING
//   PENDING --combiner takes--> TAKEN --combiner applies, then--> DONE --owner--> FREE
//   PENDING --owner withdraws--> WITHDRAWN --owner applies its delta itself--> FREE
//
// The combiner and a withdrawing owner race on PENDING with compare-and-swap, so exactly one of
// them applies the delta (the sketch in the design notes applied a timed-out delta directly
// while its request stayed queued, so both applied it).
const FREE: u8 = 0;
const CLAIMED: u8 = 1;
const PENDING: u8 = 2;
const TAKEN: u8 = 3;
const DONE: u8 = 4;
const WITHDRAWN: u8 = 5;

/// Spins a waiter gives the combiner before it withdraws its request and applies it itself.
const PATIENCE: u32 = if cfg!(loom) { 1 } else { 1 << 12 };

struct Record {
    state: AtomicU8,
    delta: AtomicU64,
}

/// A counter updated by flat combining: a thread that finds the combiner lock taken publishes its
/// delta in a cache-padded publication record and waits; the lock holder (the combiner) applies
/// every pending record in one pass, with one update of the shared value.
///
/// Each operation is applied exactly once, and `add` returns only after its delta is applied (a
/// waiter whose combiner is slow withdraws its request, and applies it itself, only if the
/// combiner has not taken it). The record states are documented in the source.
///
/// Use it to study combining, or as the pattern for operations costlier than an addition (a
/// combiner can merge work, as in a priority queue or a batched log append). For a plain counter,
/// don't: [`AtomicU64::fetch_add`](std::sync::atomic::AtomicU64) is a single instruction, and
/// combining adds a lock and a hand-off. Measured (docs/BENCHMARKS.md): 2.7x the time of
/// `AtomicU64` alone and 6.6-28x with two threads (the hand-off between cores dominates); 1.16x
/// a `Mutex<u64>` alone and 1.5-9x with two threads; [`StripedCounter`](crate::StripedCounter) is the fast choice under
/// contention.
///
/// ```
/// use sync_prims::{Counter, FlatCombiningCounter};
///
/// let c = FlatCombiningCounter::new();
/// c.add(5);
/// c.sub(2);
/// assert_eq!(c.get(), 3);
/// ```
pub struct FlatCombiningCounter {
    value: CachePadded<AtomicU64>,
    /// The combiner lock: 0 free, 1 held.
    lock: CachePadded<AtomicU8>,
    records: Box<[CachePadded<Record>]>,
}

impl FlatCombiningCounter {
    /// A counter at zero, with two publication records per core (at least four).
    pub fn new() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self::with_records((2 * cores).max(4))
    }

    /// A counter at zero with `records` publication records (at least one). A thread uses the
    /// record its id hashes to, or the next free one; with every record busy it waits for the
    /// combiner lock instead.
    pub fn with_records(records: usize) -> Self {
        Self {
            value: CachePadded::new(AtomicU64::new(0)),
            lock: CachePadded::new(AtomicU8::new(0)),
            records: (0..records.max(1))
                .map(|_| {
                    CachePadded::new(Record {
                        state: AtomicU8::new(FREE),
                        delta: AtomicU64::new(0),
                    })
                })
                .collect(),
        }
    }

    /// Adds `n` (wrapping); returns once it is applied.
    pub fn add(&self, n: u64) {
        if self.try_lock() {
            self.value.fetch_add(n, Ordering::Relaxed);
            self.combine();
            self.unlock();
            return;
        }
        let Some(record) = self.claim() else {
            // Every record is in use: wait for the lock and apply the delta as the combiner.
            self.lock_spin();
            self.value.fetch_add(n, Ordering::Relaxed);
            self.combine();
            self.unlock();
            return;
        };
        record.delta.store(n, Ordering::Relaxed);
        record.state.store(PENDING, Ordering::Release);
        let mut spins = 0u32;
        loop {
            match record.state.load(Ordering::Acquire) {
                DONE => break,
                PENDING => {
                    if self.try_lock() {
                        // Our own record is among those this pass applies.
                        self.combine();
                        self.unlock();
                        continue;
                    }
                    spins += 1;
                    if spins > PATIENCE
                        && record
                            .state
                            .compare_exchange(
                                PENDING,
                                WITHDRAWN,
                                Ordering::Acquire,
                                Ordering::Acquire,
                            )
                            .is_ok()
                    {
                        // The combiner can no longer take it: apply it here, once.
                        self.value.fetch_add(n, Ordering::Relaxed);
                        break;
                    }
                    spin_loop();
                }
                // TAKEN: a combiner is applying it; DONE follows without waiting on anyone.
                _ => spin_loop(),
            }
        }
        record.state.store(FREE, Ordering::Release);
    }

    /// Subtracts `n` (wrapping); returns once it is applied.
    pub fn sub(&self, n: u64) {
        self.add(n.wrapping_neg());
    }

    /// The current value (see [`Counter::get`]).
    pub fn get(&self) -> u64 {
        self.value.load(Ordering::Acquire)
    }

    /// Claims a free record, starting at the one this thread's id hashes to.
    fn claim(&self) -> Option<&Record> {
        let len = self.records.len();
        let start = probe() as usize % len;
        (0..len)
            .map(|i| &*self.records[(start + i) % len])
            .find(|r| {
                r.state.load(Ordering::Relaxed) == FREE
                    && r.state
                        .compare_exchange(FREE, CLAIMED, Ordering::Acquire, Ordering::Relaxed)
                        .is_ok()
            })
    }

    /// One combining pass (the caller holds the lock): takes every pending record, applies
    /// their sum with one update, then marks them done.
    fn combine(&self) {
        let mut sum = 0u64;
        let mut taken = 0usize;
        for r in self.records.iter() {
            if r.state.load(Ordering::Acquire) == PENDING
                && r.state
                    .compare_exchange(PENDING, TAKEN, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok()
            {
                sum = sum.wrapping_add(r.delta.load(Ordering::Relaxed));
                taken += 1;
            }
        }
        if taken == 0 {
            return;
        }
        self.value.fetch_add(sum, Ordering::Release);
        // Only the lock holder moves records out of TAKEN, so these are exactly this pass's.
        for r in self.records.iter() {
            if r.state.load(Ordering::Relaxed) == TAKEN {
                r.state.store(DONE, Ordering::Release);
            }
        }
    }

    fn try_lock(&self) -> bool {
        self.lock.load(Ordering::Relaxed) == 0
            && self
                .lock
                .compare_exchange(0, 1, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
    }

    fn lock_spin(&self) {
        while !self.try_lock() {
            spin_loop();
        }
    }

    fn unlock(&self) {
        self.lock.store(0, Ordering::Release);
    }
}

impl Default for FlatCombiningCounter {
    fn default() -> Self {
        Self::new()
    }
}

impl Counter for FlatCombiningCounter {
    fn add(&self, n: u64) {
        FlatCombiningCounter::add(self, n);
    }

    fn sub(&self, n: u64) {
        FlatCombiningCounter::sub(self, n);
    }

    fn get(&self) -> u64 {
        FlatCombiningCounter::get(self)
    }
}

impl fmt::Debug for FlatCombiningCounter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FlatCombiningCounter")
            .field("value", &self.get())
            .field("records", &self.records.len())
            .finish()
    }
}
