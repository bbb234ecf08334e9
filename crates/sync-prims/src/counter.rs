//! The [`Counter`] trait and [`StripedCounter`], a LongAdder-style counter.

use std::fmt;

use crossbeam_utils::CachePadded;

use crate::sync::{AtomicU64, AtomicUsize, Ordering, thread_local_cell};

/// A shared `u64` counter with wrapping arithmetic, so benchmarks and users can swap
/// implementations: [`AtomicU64`](std::sync::atomic::AtomicU64), [`StripedCounter`] and
/// [`FlatCombiningCounter`](crate::FlatCombiningCounter).
///
/// Updates are exact: each `add` is counted once, whatever the contention. They order no other
/// memory (like `fetch_add(_, Relaxed)`); use a lock or a channel to publish data.
pub trait Counter: Send + Sync {
    /// Adds `n`, wrapping around at `u64::MAX`.
    fn add(&self, n: u64);

    /// Subtracts `n`, wrapping around at zero.
    fn sub(&self, n: u64) {
        self.add(n.wrapping_neg());
    }

    /// The current value: every `add` that happens-before this call (the same thread, or one
    /// joined or synchronized with) is included.
    fn get(&self) -> u64;
}

impl Counter for std::sync::atomic::AtomicU64 {
    #[inline]
    fn add(&self, n: u64) {
        self.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
    }

    #[inline]
    fn get(&self) -> u64 {
        self.load(std::sync::atomic::Ordering::Relaxed)
    }
}

thread_local_cell! {
    /// This thread's stripe probe (its low bits pick the stripe); 0 until first needed.
    static PROBE: std::cell::Cell<u32> = std::cell::Cell::new(0);
}

#[cfg(not(loom))]
/// Hands out starting probes a golden-ratio step apart, so successive threads start on
/// different stripes.
static NEXT_PROBE: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0x9E37_79B9);

/// This thread's probe (a per-thread pseudo-random number, never 0).
#[inline]
pub(crate) fn probe() -> u32 {
    PROBE.with(|p| {
        let v = p.get();
        if v != 0 {
            return v;
        }
        #[cfg(not(loom))]
        let v = NEXT_PROBE.fetch_add(0x9E37_79B9, std::sync::atomic::Ordering::Relaxed);
        // Loom replays each execution, so the probe must not depend on earlier ones: a counter
        // that loom resets per execution.
        #[cfg(loom)]
        let v = {
            loom::lazy_static! {
                static ref NEXT: AtomicUsize = AtomicUsize::new(0x9E37_79B9);
            }
            NEXT.fetch_add(0x9E37_79B9, Ordering::Relaxed) as u32
        };
        let v = v.max(1);
        p.set(v);
        v
    })
}

/// Moves this thread to another stripe after a collision (xorshift, as LongAdder does).
#[cold]
pub(crate) fn rehash_probe() {
    PROBE.with(|p| {
        // Xorshift keeps a non-zero state non-zero, and its low bits change.
        let mut v = p.get().max(1);
        v ^= v << 13;
        v ^= v >> 17;
        v ^= v << 5;
        p.set(v);
    });
}

/// The number of stripes a counter may grow to: the core count, rounded up to a power of two.
fn default_max_stripes() -> usize {
    static MAX: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *MAX.get_or_init(|| {
        std::thread::available_parallelism()
            .map_or(1, usize::from)
            .next_power_of_two()
    })
}

/// A counter spread over cache-padded stripes (Java's `LongAdder`): a thread adds to the stripe
/// its probe picks, and [`sum`](Self::sum) reads them all.
///
/// It starts with one stripe. An `add` that finds its stripe contended (its compare-and-swap
/// fails) still completes with one `fetch_add`, so `add` is wait-free, then moves the thread to
/// another stripe and doubles the stripes in use, up to the core count.
///
/// Measured (docs/BENCHMARKS.md): with two threads adding, 0.25-0.67x the time of a shared
/// [`AtomicU64`](std::sync::atomic::AtomicU64) (each thread gets its own cache line); alone,
/// 1.35x (the compare-and-swap that detects contention costs a load more than
/// `fetch_add`). Use it for counters several threads bump and few read (statistics, metrics).
/// Don't use it for a counter one thread updates, or one read often: `sum` touches every stripe
/// (one cache line each), and it is not a snapshot (adds racing with it may or may not be
/// included).
///
/// ```
/// use sync_prims::{Counter, StripedCounter};
///
/// let hits = StripedCounter::new();
/// std::thread::scope(|s| {
///     for _ in 0..2 {
///         s.spawn(|| (0..1000).for_each(|_| hits.add(1)));
///     }
/// });
/// assert_eq!(hits.sum(), 2000);
/// ```
pub struct StripedCounter {
    stripes: Box<[CachePadded<AtomicU64>]>,
    /// The stripes in use, a power of two no larger than `stripes.len()`.
    active: AtomicUsize,
}

impl StripedCounter {
    /// A counter at zero that may grow to one stripe per core.
    pub fn new() -> Self {
        Self::with_max_stripes(default_max_stripes())
    }

    /// A counter at zero that grows to at most `max` stripes (rounded up to a power of two; at
    /// least one).
    pub fn with_max_stripes(max: usize) -> Self {
        let max = max.max(1).next_power_of_two();
        Self {
            stripes: (0..max)
                .map(|_| CachePadded::new(AtomicU64::new(0)))
                .collect(),
            active: AtomicUsize::new(1),
        }
    }

    /// Adds `n` (wrapping); wait-free.
    #[inline]
    pub fn add(&self, n: u64) {
        let active = self.active.load(Ordering::Relaxed);
        let index = if active == 1 {
            0
        } else {
            probe() as usize & (active - 1)
        };
        let stripe = &self.stripes[index];
        let current = stripe.load(Ordering::Relaxed);
        if stripe
            .compare_exchange(
                current,
                current.wrapping_add(n),
                Ordering::Relaxed,
                Ordering::Relaxed,
            )
            .is_err()
        {
            stripe.fetch_add(n, Ordering::Relaxed);
            self.contended(active);
        }
    }

    /// After a collision: another stripe for this thread, and more stripes if allowed.
    #[cold]
    fn contended(&self, active: usize) {
        rehash_probe();
        if active < self.stripes.len() {
            // A lost race means another thread grew it already.
            let _ = self.active.compare_exchange(
                active,
                active * 2,
                Ordering::Relaxed,
                Ordering::Relaxed,
            );
        }
    }

    /// The sum of all stripes. Adds that happen-before the call are included; adds racing
    /// with it may or may not be.
    pub fn sum(&self) -> u64 {
        self.stripes
            .iter()
            .fold(0u64, |acc, s| acc.wrapping_add(s.load(Ordering::Relaxed)))
    }

    /// The stripes in use (grows under contention; for tests and tuning).
    pub fn stripes_in_use(&self) -> usize {
        self.active.load(Ordering::Relaxed)
    }
}

impl Default for StripedCounter {
    fn default() -> Self {
        Self::new()
    }
}

impl Counter for StripedCounter {
    #[inline]
    fn add(&self, n: u64) {
        StripedCounter::add(self, n);
    }

    fn get(&self) -> u64 {
        self.sum()
    }
}

impl fmt::Debug for StripedCounter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StripedCounter")
            .field("sum", &self.sum())
            .field("stripes_in_use", &self.stripes_in_use())
            .finish()
    }
}
