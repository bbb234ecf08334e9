//! [`EpochTable`]: a fixed-capacity slot table with epoch-based reclamation.

use std::fmt;
use std::marker::PhantomData;
use std::ptr;
use std::sync::Arc;

use crossbeam_epoch::{self as epoch, Guard};

use crate::sync::{AtomicPtr, Ordering};

/// A fixed-capacity table of shared values indexed by small integers (file-descriptor-like
/// slots), with lock-free reads.
///
/// Each occupied slot holds a pointer to an [`Arc<V>`]'s value. A reader pins the epoch
/// ([`crossbeam_epoch`]) and follows the pointer: no lock, no reference-count update. A writer
/// swaps the pointer and hands the table's reference to the epoch collector, which drops it only
/// after every thread pinned at the time has unpinned, so no reader ever sees a freed value.
///
/// Pinning costs a few atomic operations; [`pin`](Self::pin) once and look up many slots with
/// the returned [`Pinned`] (the fast path), or use [`get`](Self::get) for one cloned `Arc`.
///
/// Measured (docs/BENCHMARKS.md): one lookup takes about 0.9x the time of a lookup under
/// `RwLock<Vec<Option<Arc<V>>>>`'s read lock alone and 0.08-0.5x with two threads (pinning
/// writes only a thread-local epoch; the lock's reader count is a shared cache line); a batch of
/// 64 under one pin is level with one read lock per batch alone (1.00x) and 0.36-0.98x with two
/// threads; against `DashMap`, 0.07-0.28x. Use it for a table many threads read and few modify, indexed by small integers (connections,
/// handles, shards). Don't use it for sparse or unbounded keys (the capacity is allocated up
/// front; use a map), or when the values are dropped often and must be dropped promptly
/// (reclamation waits for the epoch to advance).
///
/// ```
/// use sync_prims::EpochTable;
///
/// let table = EpochTable::with_capacity(16);
/// table.insert(3, String::from("socket 3")).unwrap();
/// assert_eq!(table.get(3).as_deref().map(String::as_str), Some("socket 3"));
/// let pinned = table.pin();
/// assert_eq!(pinned.get(3).map(String::len), Some(8));
/// assert!(pinned.get(4).is_none());
/// ```
pub struct EpochTable<V> {
    /// Null, or a pointer from `Arc::into_raw` whose strong count the table owns.
    slots: Box<[AtomicPtr<V>]>,
    _owns: PhantomData<Arc<V>>,
}

// SAFETY: the table shares `Arc<V>`s between threads (readers get `&V`, writers hand values
// from one thread to another and the collector may drop them on any thread): like `Arc<V>`,
// that needs `V: Send + Sync`.
unsafe impl<V: Send + Sync> Send for EpochTable<V> {}
// SAFETY: as above.
unsafe impl<V: Send + Sync> Sync for EpochTable<V> {}

/// A raw `Arc` pointer moved into a deferred drop.
struct Retired<V>(*const V);

// SAFETY: it is an `Arc<V>` in raw form, and `V: Send + Sync` is required by every table
// operation that creates one.
unsafe impl<V: Send + Sync> Send for Retired<V> {}

impl<V: Send + Sync> EpochTable<V> {
    /// A table of `capacity` empty slots.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            slots: (0..capacity)
                .map(|_| AtomicPtr::new(ptr::null_mut()))
                .collect(),
            _owns: PhantomData,
        }
    }

    /// The number of slots.
    pub fn capacity(&self) -> usize {
        self.slots.len()
    }

    /// Pins the epoch for a batch of lookups; the values read through the returned [`Pinned`]
    /// stay alive until it is dropped. Don't keep it long: while any thread stays pinned, no
    /// removed value is reclaimed.
    pub fn pin(&self) -> Pinned<'_, V> {
        Pinned {
            table: self,
            guard: epoch::pin(),
        }
    }

    /// A clone of the `Arc` in slot `index`, or `None` if it is empty or out of range.
    pub fn get(&self, index: usize) -> Option<Arc<V>> {
        let guard = epoch::pin();
        let p = self.load(index, &guard)?;
        // SAFETY: `p` came from `Arc::into_raw` and the table's strong count for it is released
        // only after this thread unpins (`retire`), so the count is at least one here.
        unsafe {
            Arc::increment_strong_count(p);
            Some(Arc::from_raw(p))
        }
    }

    /// Runs `f` on the value in slot `index` under a pin, without touching its reference count;
    /// `None` if the slot is empty or out of range.
    pub fn get_with<R>(&self, index: usize, f: impl FnOnce(&V) -> R) -> Option<R> {
        let pinned = self.pin();
        pinned.get(index).map(f)
    }

    /// Puts `value` in slot `index` if it is empty; gives it back if the slot is occupied.
    ///
    /// # Panics
    /// If `index >= capacity()`.
    pub fn insert(&self, index: usize, value: impl Into<Arc<V>>) -> Result<(), Arc<V>> {
        let slot = self.slot(index);
        let new = Arc::into_raw(value.into()).cast_mut();
        match slot.compare_exchange(ptr::null_mut(), new, Ordering::Release, Ordering::Relaxed) {
            Ok(_) => Ok(()),
            // SAFETY: `new` came from `Arc::into_raw` above and was not published.
            Err(_) => Err(unsafe { Arc::from_raw(new) }),
        }
    }

    /// Puts `value` in slot `index`, returning the value it replaced. Readers that got the old
    /// value keep it until they unpin.
    ///
    /// # Panics
    /// If `index >= capacity()`.
    pub fn replace(&self, index: usize, value: impl Into<Arc<V>>) -> Option<Arc<V>> {
        let new = Arc::into_raw(value.into()).cast_mut();
        let old = self.slot(index).swap(new, Ordering::AcqRel);
        self.retire(old)
    }

    /// Empties slot `index`, returning its value. Readers that got it keep it until they unpin.
    ///
    /// # Panics
    /// If `index >= capacity()`.
    pub fn remove(&self, index: usize) -> Option<Arc<V>> {
        let old = self.slot(index).swap(ptr::null_mut(), Ordering::AcqRel);
        self.retire(old)
    }

    fn slot(&self, index: usize) -> &AtomicPtr<V> {
        let capacity = self.slots.len();
        self.slots.get(index).unwrap_or_else(|| {
            panic!("slot index {index} out of range for an EpochTable of capacity {capacity}")
        })
    }

    /// The pointer in slot `index`, valid while `guard` is pinned.
    #[inline]
    fn load(&self, index: usize, _guard: &Guard) -> Option<*const V> {
        let p = self.slots.get(index)?.load(Ordering::Acquire);
        (!p.is_null()).then_some(p.cast_const())
    }

    /// Takes the table's reference to an unlinked value: returns a new reference to the caller
    /// and drops the table's once every thread pinned now has unpinned.
    fn retire(&self, old: *mut V) -> Option<Arc<V>> {
        if old.is_null() {
            return None;
        }
        // SAFETY: `old` came from `Arc::into_raw` and the table owned one strong count for it,
        // which is still held (it is released only by the deferred drop below).
        let returned = unsafe {
            Arc::increment_strong_count(old);
            Arc::from_raw(old)
        };
        let retired = Retired(old.cast_const());
        let guard = epoch::pin();
        // SAFETY: the pointer is unlinked from the table, so only threads pinned before now can
        // hold it; the collector runs this after all of them unpin. The closure is `Send`
        // (`Retired`), and drops exactly the table's reference.
        unsafe {
            guard.defer_unchecked(move || {
                let retired = retired;
                drop(Arc::from_raw(retired.0));
            });
        }
        Some(returned)
    }
}

impl<V> Drop for EpochTable<V> {
    fn drop(&mut self) {
        for slot in self.slots.iter() {
            let p = slot.swap(ptr::null_mut(), Ordering::Relaxed);
            if !p.is_null() {
                // SAFETY: `&mut self` means no `Pinned` borrows the table, so no reader holds
                // `p`; the table owns one strong count of this `Arc`.
                drop(unsafe { Arc::from_raw(p.cast_const()) });
            }
        }
    }
}

impl<V: Send + Sync + fmt::Debug> fmt::Debug for EpochTable<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pinned = self.pin();
        f.debug_map()
            .entries((0..self.capacity()).filter_map(|i| pinned.get(i).map(|v| (i, v))))
            .finish()
    }
}

/// An [`EpochTable`] with the epoch pinned: lookups through it return plain references, valid
/// while it lives. See [`EpochTable::pin`].
pub struct Pinned<'t, V> {
    table: &'t EpochTable<V>,
    guard: Guard,
}

impl<V: Send + Sync> Pinned<'_, V> {
    /// The value in slot `index`, or `None` if it is empty or out of range.
    #[inline]
    pub fn get(&self, index: usize) -> Option<&V> {
        let p = self.table.load(index, &self.guard)?;
        // SAFETY: the value is dropped only by a deferred drop queued after it was unlinked,
        // which runs after this guard unpins; the returned borrow cannot outlive `self`.
        Some(unsafe { &*p })
    }

    /// Looks up every index in `indices`, calling `f(index, value)` for each.
    pub fn for_each(&self, indices: &[usize], mut f: impl FnMut(usize, Option<&V>)) {
        for &i in indices {
            f(i, self.get(i));
        }
    }
}

impl<V> fmt::Debug for Pinned<'_, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pinned")
            .field("capacity", &self.table.slots.len())
            .finish_non_exhaustive()
    }
}
