//! [`AdaptiveCell`]: a native atomic when the type fits one, a mutex otherwise.

use std::fmt;
use std::mem::ManuallyDrop;

use bytemuck::NoUninit;
use crossbeam_utils::atomic::AtomicCell;
use parking_lot::Mutex;

/// The two representations; which one a given `T` uses is the constant
/// [`AdaptiveCell::IS_LOCK_FREE`], so the other field is never touched.
union Repr<T> {
    atomic: ManuallyDrop<AtomicCell<T>>,
    locked: ManuallyDrop<Mutex<T>>,
}

/// A shared `Copy` value: a native atomic when `T` fits one (1, 2, 4 or 8 bytes, or 16 on
/// targets with a 16-byte compare-and-swap, suitably aligned), a `parking_lot::Mutex<T>`
/// otherwise, chosen at compile time per `T` (no run-time branch).
///
/// The atomic side is [`crossbeam_utils::atomic::AtomicCell`]. What this type adds:
///
/// - For values too large for an atomic, `AtomicCell` falls back to a global array of sequence
///   locks shared by every such cell in the program; here each cell has its own `Mutex`, which
///   parks waiting writers instead of spinning. Measured (docs/BENCHMARKS.md, `[u64; 4]`): an
///   `update` takes 0.38x `AtomicCell::fetch_update`'s time alone and 0.23-0.29x with two
///   threads, but a `load` takes 3.5x `AtomicCell`'s optimistic read alone and 14-16x with two
///   threads (readers take the lock). So: this type for large values updated often, `AtomicCell`
///   (or [`SeqLock`](crate::SeqLock)) for large values read often.
/// - Comparisons need `T: NoUninit`: `AtomicCell::compare_exchange` compares bytes, so a type
///   with padding may fail to compare equal (or compare uninitialized bytes). Here
///   [`compare_exchange`](Self::compare_exchange) and [`update`](Self::update) require
///   [`bytemuck::NoUninit`] (no padding), checked by the compiler.
/// - [`IS_LOCK_FREE`](Self::IS_LOCK_FREE) tells which representation `T` gets, as a constant.
///
/// For a `u64` the atomic side is `AtomicCell`'s: a load measured 0.5 ns against 0.3 ns for
/// `AtomicU64::load` (one cycle; `AtomicCell` goes through its generic path). Use it for a small
/// shared value updated as a whole (a state enum, an `f64`, a pair of `u32`s in a `#[repr(align(8))]`
/// struct). Don't use it for values you modify in place.
///
/// ```
/// use sync_prims::AdaptiveCell;
///
/// let c = AdaptiveCell::new(1u64);
/// assert!(AdaptiveCell::<u64>::IS_LOCK_FREE);
/// assert_eq!(c.compare_exchange(1, 2), Ok(1));
/// assert_eq!(c.update(|v| v * 10), 20);
///
/// let big = AdaptiveCell::new([0u64; 4]);
/// assert!(!AdaptiveCell::<[u64; 4]>::IS_LOCK_FREE);
/// big.store([1, 2, 3, 4]);
/// assert_eq!(big.load(), [1, 2, 3, 4]);
/// ```
pub struct AdaptiveCell<T: Copy> {
    repr: Repr<T>,
}

// SAFETY: both representations are `Send`/`Sync` for `T: Send` (`AtomicCell<T>: Sync` needs
// `T: Send`, as does `Mutex<T>`).
unsafe impl<T: Copy + Send> Send for AdaptiveCell<T> {}
// SAFETY: as above.
unsafe impl<T: Copy + Send> Sync for AdaptiveCell<T> {}

impl<T: Copy> AdaptiveCell<T> {
    /// Whether `T` is stored in a native atomic (true) or behind a mutex (false).
    pub const IS_LOCK_FREE: bool = AtomicCell::<T>::is_lock_free();

    /// A cell holding `value`.
    pub const fn new(value: T) -> Self {
        let repr = if Self::IS_LOCK_FREE {
            Repr {
                atomic: ManuallyDrop::new(AtomicCell::new(value)),
            }
        } else {
            Repr {
                locked: ManuallyDrop::new(Mutex::new(value)),
            }
        };
        Self { repr }
    }

    #[inline]
    fn atomic(&self) -> &AtomicCell<T> {
        debug_assert!(Self::IS_LOCK_FREE);
        // SAFETY: `new` initialized this field when `IS_LOCK_FREE`, the only case callers use.
        unsafe { &self.repr.atomic }
    }

    #[inline]
    fn locked(&self) -> &Mutex<T> {
        debug_assert!(!Self::IS_LOCK_FREE);
        // SAFETY: `new` initialized this field when `!IS_LOCK_FREE`, the only case callers use.
        unsafe { &self.repr.locked }
    }

    /// A copy of the value.
    #[inline]
    pub fn load(&self) -> T {
        if Self::IS_LOCK_FREE {
            self.atomic().load()
        } else {
            *self.locked().lock()
        }
    }

    /// Replaces the value.
    #[inline]
    pub fn store(&self, value: T) {
        if Self::IS_LOCK_FREE {
            self.atomic().store(value);
        } else {
            *self.locked().lock() = value;
        }
    }

    /// Replaces the value, returning the old one.
    #[inline]
    pub fn swap(&self, value: T) -> T {
        if Self::IS_LOCK_FREE {
            self.atomic().swap(value)
        } else {
            std::mem::replace(&mut *self.locked().lock(), value)
        }
    }

    /// The value, consuming the cell.
    pub fn into_inner(self) -> T {
        self.load()
    }
}

impl<T: Copy + NoUninit + Eq> AdaptiveCell<T> {
    /// Stores `new` if the value equals `current`; returns the previous value, `Ok` if it was
    /// replaced.
    #[inline]
    pub fn compare_exchange(&self, current: T, new: T) -> Result<T, T> {
        if Self::IS_LOCK_FREE {
            self.atomic().compare_exchange(current, new)
        } else {
            let mut guard = self.locked().lock();
            if *guard == current {
                Ok(std::mem::replace(&mut *guard, new))
            } else {
                Err(*guard)
            }
        }
    }

    /// Replaces the value with `f(value)` atomically (a compare-and-swap loop, or under the
    /// lock); returns the new value. `f` may run more than once on the atomic side.
    #[inline]
    pub fn update(&self, mut f: impl FnMut(T) -> T) -> T {
        if Self::IS_LOCK_FREE {
            let mut current = self.atomic().load();
            loop {
                let new = f(current);
                match self.atomic().compare_exchange(current, new) {
                    Ok(_) => return new,
                    Err(actual) => current = actual,
                }
            }
        } else {
            let mut guard = self.locked().lock();
            *guard = f(*guard);
            *guard
        }
    }
}

impl<T: Copy + Default> Default for AdaptiveCell<T> {
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T: Copy + fmt::Debug> fmt::Debug for AdaptiveCell<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AdaptiveCell")
            .field("value", &self.load())
            .field("lock_free", &Self::IS_LOCK_FREE)
            .finish()
    }
}
