//! A `Vec` with `u32` length and capacity: the same API, a 16-byte header instead of 24.
//!
//! ```
//! use valvec32::{valvec32, ValVec32};
//!
//! let mut v: ValVec32<u64> = valvec32![1, 2, 3];
//! v.push(4);
//! v.extend_from_slice(&[5, 6]);
//! v.retain(|&x| x % 2 == 0);
//! assert_eq!(v, [2, 4, 6]);
//!
//! // Half the header of Vec, and the same size again inside an Option.
//! assert_eq!(std::mem::size_of::<ValVec32<u64>>(), 16);
//! assert_eq!(std::mem::size_of::<Option<ValVec32<u64>>>(), 16);
//! assert_eq!(std::mem::size_of::<Vec<u64>>(), 24);
//!
//! // Moving to and from Vec reuses the buffer.
//! let back: Vec<u64> = v.into();
//! assert_eq!(back, [2, 4, 6]);
//! ```
//!
//! Main items:
//! - [`ValVec32`]: the container. It derefs to a slice, so every slice method works on it.
//! - [`valvec32!`]: builds one like `vec!`.
//! - [`IntoIter`] and [`Drain`]: its owning and draining iterators.
//! - [`TryReserveError`] and [`TryPushError`]: the errors of the `try_*` methods.
//! - [`growth`]: the size-adaptive growth policy, with the measurements behind it.
//!
//! # When to use it
//! When you keep many vectors (in a struct per row, a node per tree entry, a slot per hash
//! bucket), 8 bytes saved per vector is 8 bytes per row; a struct holding three of them saves
//! 24 bytes. A single large vector gains nothing from the header, but its growth reserves less
//! memory than `Vec`'s above 8 MiB (see [`growth`]). The price is a limit of `u32::MAX`
//! elements.
//!
//! # Differences from `Vec`
//! - At most `u32::MAX` elements (and `isize::MAX` bytes). Going past it panics with a clear
//!   message in the infallible methods and returns [`TryReserveError`] in the `try_*` ones.
//!   Every length conversion is checked: nothing is silently truncated.
//! - For zero-sized types, `capacity()` is `u32::MAX`, not `usize::MAX`.
//! - The buffer comes from the global allocator with the layout `Layout::array::<T>(capacity)`,
//!   exactly like `Vec`, so conversions in both directions move the buffer without copying, and
//!   a `#[global_allocator]` (jemalloc, mimalloc, a counting allocator) sees every allocation.
//!   See the crate README for why it does not call `malloc_usable_size`.
//! - Growth is by 2x below 8 MiB, 1.6x up to 64 MiB and 1.25x above (see [`growth`]).
//!
//! Everything is checked under miri (`cargo +nightly miri test -p valvec32`).

use std::alloc::{self, Layout};
use std::marker::PhantomData;
use std::mem::{self, ManuallyDrop, MaybeUninit};
use std::ops::{Bound, RangeBounds};
use std::ptr::{self, NonNull};

mod drain;
mod error;
pub mod growth;
mod impls;
mod into_iter;
mod macros;

pub use drain::Drain;
pub use error::{TryPushError, TryReserveError, TryReserveErrorKind};
pub use into_iter::IntoIter;

use error::CAPACITY_OVERFLOW;

/// The most elements a [`ValVec32`] can hold: `u32::MAX`.
pub const MAX_CAPACITY: usize = u32::MAX as usize;

/// A contiguous growable array with `u32` length and capacity.
///
/// It has the API of `Vec` (see the [crate docs](crate) for the few differences) and derefs to
/// `[T]`. `size_of::<ValVec32<T>>()` is 16 bytes on 64-bit targets, and `Option<ValVec32<T>>`
/// is 16 bytes too.
pub struct ValVec32<T> {
    // Invariants:
    // - `len <= cap`, and the first `len` elements are initialized.
    // - For a zero-sized `T`: `cap == u32::MAX`, `ptr` is dangling, nothing is allocated.
    // - Otherwise, `cap == 0`: `ptr` is dangling, nothing is allocated;
    //   `cap > 0`: `ptr` was allocated by the global allocator with `Layout::array::<T>(cap)`.
    ptr: NonNull<T>,
    len: u32,
    cap: u32,
    // Tells the drop checker that we own `T`s.
    _owns: PhantomData<T>,
}

// SAFETY: `ValVec32<T>` owns its `T`s like `Vec<T>`; sending it sends them.
unsafe impl<T: Send> Send for ValVec32<T> {}
// SAFETY: `&ValVec32<T>` only gives out `&T`s, like `&Vec<T>`.
unsafe impl<T: Sync> Sync for ValVec32<T> {}

/// Panics (capacity overflow) or reports the allocation failure, as `Vec` does.
#[cold]
#[inline(never)]
#[track_caller]
fn handle_reserve_error(error: TryReserveError) -> ! {
    match error.kind() {
        TryReserveErrorKind::CapacityOverflow => panic!("{CAPACITY_OVERFLOW}"),
        TryReserveErrorKind::AllocError { layout } => alloc::handle_alloc_error(layout),
    }
}

/// Converts a length to `u32`, or reports a capacity overflow.
#[inline]
fn checked_u32(n: usize) -> Result<u32, TryReserveError> {
    u32::try_from(n).map_err(|_| TryReserveError::capacity_overflow())
}

/// Resolves a range against a length, panicking like slice indexing does.
#[track_caller]
fn slice_range(range: impl RangeBounds<usize>, len: usize) -> (usize, usize) {
    let start = match range.start_bound() {
        Bound::Included(&s) => s,
        Bound::Excluded(&s) => s
            .checked_add(1)
            .unwrap_or_else(|| panic!("attempted to index slice from after maximum usize")),
        Bound::Unbounded => 0,
    };
    let end = match range.end_bound() {
        Bound::Included(&e) => e
            .checked_add(1)
            .unwrap_or_else(|| panic!("attempted to index slice up to maximum usize")),
        Bound::Excluded(&e) => e,
        Bound::Unbounded => len,
    };
    assert!(
        start <= end,
        "slice index starts at {start} but ends at {end}"
    );
    assert!(
        end <= len,
        "range end index {end} out of range for slice of length {len}"
    );
    (start, end)
}

impl<T> ValVec32<T> {
    const IS_ZST: bool = mem::size_of::<T>() == 0;

    /// An empty vector. Allocates nothing.
    #[inline]
    pub const fn new() -> Self {
        Self {
            ptr: NonNull::dangling(),
            len: 0,
            cap: if Self::IS_ZST { u32::MAX } else { 0 },
            _owns: PhantomData,
        }
    }

    /// An empty vector with room for at least `capacity` elements.
    ///
    /// # Panics
    /// If `capacity` is more than `u32::MAX` elements or `isize::MAX` bytes.
    #[inline]
    #[track_caller]
    pub fn with_capacity(capacity: usize) -> Self {
        Self::try_with_capacity(capacity).unwrap_or_else(|e| handle_reserve_error(e))
    }

    /// An empty vector with room for at least `capacity` elements, or the reason there is none.
    pub fn try_with_capacity(capacity: usize) -> Result<Self, TryReserveError> {
        let mut v = Self::new();
        v.try_reserve_exact(capacity)?;
        Ok(v)
    }

    /// Builds a vector from its raw parts.
    ///
    /// # Safety
    /// The same as [`Vec::from_raw_parts`], with `u32` sizes: `ptr` was allocated by the global
    /// allocator with `Layout::array::<T>(capacity)` (or is dangling and `capacity` is 0, or `T`
    /// is zero-sized), `length <= capacity`, and the first `length` elements are initialized.
    /// For a zero-sized `T` the capacity is ignored.
    pub unsafe fn from_raw_parts(ptr: *mut T, length: u32, capacity: u32) -> Self {
        debug_assert!(length <= capacity || Self::IS_ZST);
        Self {
            // SAFETY: the caller promises `ptr` is allocated or dangling, never null.
            ptr: unsafe { NonNull::new_unchecked(ptr) },
            len: length,
            cap: if Self::IS_ZST { u32::MAX } else { capacity },
            _owns: PhantomData,
        }
    }

    /// The number of elements.
    #[inline]
    pub const fn len(&self) -> usize {
        self.len as usize
    }

    /// The number of elements, as the `u32` the vector stores.
    #[inline]
    pub const fn len_u32(&self) -> u32 {
        self.len
    }

    /// Whether there are no elements.
    #[inline]
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many elements fit without reallocating (`u32::MAX` for zero-sized types).
    #[inline]
    pub const fn capacity(&self) -> usize {
        self.cap as usize
    }

    /// The capacity, as the `u32` the vector stores.
    #[inline]
    pub const fn capacity_u32(&self) -> u32 {
        self.cap
    }

    /// A raw pointer to the buffer; dangling (but aligned and non-null) when nothing is allocated.
    #[inline]
    pub const fn as_ptr(&self) -> *const T {
        self.ptr.as_ptr()
    }

    /// A raw mutable pointer to the buffer; dangling (but aligned and non-null) when nothing is
    /// allocated.
    #[inline]
    pub const fn as_mut_ptr(&mut self) -> *mut T {
        self.ptr.as_ptr()
    }

    /// The elements as a slice.
    #[inline]
    pub const fn as_slice(&self) -> &[T] {
        // SAFETY: the first `len` elements are initialized and the pointer is aligned and non-null.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len as usize) }
    }

    /// The elements as a mutable slice.
    #[inline]
    pub const fn as_mut_slice(&mut self) -> &mut [T] {
        // SAFETY: as in `as_slice`, and `&mut self` makes the access unique.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len as usize) }
    }

    /// Sets the length.
    ///
    /// # Safety
    /// `new_len <= self.capacity()`, and the elements up to `new_len` are initialized.
    #[inline]
    pub unsafe fn set_len(&mut self, new_len: usize) {
        debug_assert!(new_len <= self.cap as usize);
        // The caller promises `new_len <= capacity <= u32::MAX`, so this does not truncate.
        self.len = new_len as u32;
    }

    /// The unused part of the buffer, to be written before [`set_len`](Self::set_len).
    #[inline]
    pub fn spare_capacity_mut(&mut self) -> &mut [MaybeUninit<T>] {
        let spare = (self.cap - self.len) as usize;
        // SAFETY: the range `len..cap` lies inside the buffer (or is zero-sized), and
        // `MaybeUninit` accepts uninitialized memory.
        unsafe {
            std::slice::from_raw_parts_mut(self.ptr.as_ptr().add(self.len as usize).cast(), spare)
        }
    }

    // ----- growth ---------------------------------------------------------------------------

    /// Resizes the allocation to exactly `new_cap` elements (`new_cap >= len`, `T` not zero-sized).
    fn set_capacity(&mut self, new_cap: u32) -> Result<(), TryReserveError> {
        debug_assert!(!Self::IS_ZST && new_cap >= self.len);
        if new_cap == self.cap {
            return Ok(());
        }
        if new_cap == 0 {
            // SAFETY: `cap > 0` here (it differs from `new_cap == 0`), so the buffer is ours.
            unsafe { self.free_buffer() };
            self.ptr = NonNull::dangling();
            self.cap = 0;
            return Ok(());
        }
        let new_layout = Layout::array::<T>(new_cap as usize)
            .map_err(|_| TryReserveError::capacity_overflow())?;
        let raw = if self.cap == 0 {
            // SAFETY: `new_layout` has a non-zero size: `new_cap > 0` and `T` is not zero-sized.
            unsafe { alloc::alloc(new_layout) }
        } else {
            // SAFETY: the buffer was allocated by the global allocator with `current_layout()`;
            // the new size is non-zero and, checked by `Layout::array`, at most `isize::MAX`.
            unsafe {
                alloc::realloc(
                    self.ptr.as_ptr().cast(),
                    self.current_layout(),
                    new_layout.size(),
                )
            }
        };
        // On failure `realloc` leaves the old buffer in place, so `self` is still valid.
        self.ptr = NonNull::new(raw.cast()).ok_or(TryReserveError::alloc_error(new_layout))?;
        self.cap = new_cap;
        Ok(())
    }

    /// The layout the current buffer was allocated with (`cap > 0`, `T` not zero-sized).
    #[inline]
    fn current_layout(&self) -> Layout {
        // SAFETY: this exact layout was checked by `Layout::array` when the buffer was allocated.
        unsafe {
            Layout::from_size_align_unchecked(
                mem::size_of::<T>() * self.cap as usize,
                mem::align_of::<T>(),
            )
        }
    }

    /// Frees the buffer without touching the elements.
    ///
    /// # Safety
    /// `T` is not zero-sized and `cap > 0`; afterwards the buffer must not be used.
    unsafe fn free_buffer(&mut self) {
        // SAFETY: the caller promises the buffer is allocated, with `current_layout()`.
        unsafe { alloc::dealloc(self.ptr.as_ptr().cast(), self.current_layout()) }
    }

    /// Makes room for `additional` more elements, growing by the policy in [`growth`].
    fn grow_amortized(&mut self, additional: usize) -> Result<(), TryReserveError> {
        let required = (self.len as usize)
            .checked_add(additional)
            .filter(|&r| r <= MAX_CAPACITY)
            .ok_or(TryReserveError::capacity_overflow())?;
        if Self::IS_ZST {
            // The capacity of a ZST vector is already `u32::MAX`; `required` fits in it.
            return Ok(());
        }
        let new_cap = growth::next_capacity(self.cap as usize, required, mem::size_of::<T>());
        self.set_capacity(checked_u32(new_cap)?)
    }

    /// The out-of-line growth step of `push`, `insert` and `extend`.
    #[inline]
    #[track_caller]
    fn grow_one(&mut self) {
        // Everything goes in and out by value. With `&mut self` (or a field of it) the vector's
        // address escapes to the call, so a push loop over a local vector must keep the vector in
        // memory and store its length on every push, which is what `Vec` does (its growth call
        // takes the buffer by reference). By value, LLVM keeps the vector in registers through
        // the loop: push with growth measured up to 2x faster than `Vec` (crates/valvec32/README.md).
        let (ptr, cap) = Self::grown(self.ptr, self.cap, self.len);
        self.ptr = ptr;
        self.cap = cap;
    }

    /// The buffer after growing a full vector by one element (by [`growth`]'s policy).
    #[cold]
    #[inline(never)]
    #[track_caller]
    fn grown(ptr: NonNull<T>, cap: u32, len: u32) -> (NonNull<T>, u32) {
        // A bitwise copy of the vector that never drops: it grows the buffer, and its new pointer
        // and capacity become the vector's. If growing fails it panics before anything changed (a
        // failed `realloc` leaves the old buffer in place, still owned by the caller).
        let mut v = ManuallyDrop::new(Self {
            ptr,
            len,
            cap,
            _owns: PhantomData,
        });
        if let Err(e) = v.grow_amortized(1) {
            handle_reserve_error(e)
        }
        (v.ptr, v.cap)
    }

    /// Reserves room for at least `additional` more elements, growing by the policy in [`growth`].
    ///
    /// # Panics
    /// If the new length would pass `u32::MAX` elements or `isize::MAX` bytes.
    #[inline]
    #[track_caller]
    pub fn reserve(&mut self, additional: usize) {
        if additional > (self.cap - self.len) as usize {
            self.reserve_cold(additional);
        }
    }

    #[cold]
    #[inline(never)]
    #[track_caller]
    fn reserve_cold(&mut self, additional: usize) {
        if let Err(e) = self.grow_amortized(additional) {
            handle_reserve_error(e)
        }
    }

    /// Reserves room for exactly `additional` more elements (if there is not room already).
    ///
    /// # Panics
    /// If the new length would pass `u32::MAX` elements or `isize::MAX` bytes.
    #[track_caller]
    pub fn reserve_exact(&mut self, additional: usize) {
        if let Err(e) = self.try_reserve_exact(additional) {
            handle_reserve_error(e)
        }
    }

    /// Like [`reserve`](Self::reserve), but returns an error instead of panicking or aborting.
    pub fn try_reserve(&mut self, additional: usize) -> Result<(), TryReserveError> {
        if additional > (self.cap - self.len) as usize {
            self.grow_amortized(additional)
        } else {
            Ok(())
        }
    }

    /// Like [`reserve_exact`](Self::reserve_exact), but returns an error instead of panicking
    /// or aborting.
    pub fn try_reserve_exact(&mut self, additional: usize) -> Result<(), TryReserveError> {
        if additional <= (self.cap - self.len) as usize {
            return Ok(());
        }
        let required = (self.len as usize)
            .checked_add(additional)
            .ok_or(TryReserveError::capacity_overflow())?;
        // A ZST vector already has capacity u32::MAX, so `required` overflows it here.
        self.set_capacity(checked_u32(required)?)
    }

    /// Shrinks the capacity to the length, freeing the buffer when the vector is empty.
    pub fn shrink_to_fit(&mut self) {
        self.shrink_to(0);
    }

    /// Shrinks the capacity to `max(self.len(), min_capacity)` if it is larger.
    pub fn shrink_to(&mut self, min_capacity: usize) {
        if Self::IS_ZST {
            return;
        }
        let target = (self.len as usize).max(min_capacity);
        if target < self.cap as usize {
            // `target < cap <= u32::MAX`, so it fits; shrinking can still fail in the allocator.
            if let Err(e) = self.set_capacity(target as u32) {
                handle_reserve_error(e)
            }
        }
    }

    // ----- adding and removing ----------------------------------------------------------------

    /// Appends an element.
    ///
    /// # Panics
    /// If the vector already holds `u32::MAX` elements (or the buffer would pass `isize::MAX` bytes).
    #[inline]
    #[track_caller]
    pub fn push(&mut self, value: T) {
        if self.len == self.cap {
            self.grow_one();
        }
        // SAFETY: `len < cap` now, so slot `len` is inside the buffer and uninitialized.
        unsafe { self.ptr.as_ptr().add(self.len as usize).write(value) };
        self.len += 1;
    }

    /// Appends an element, or hands it back with the reason it does not fit.
    #[inline]
    pub fn try_push(&mut self, value: T) -> Result<(), TryPushError<T>> {
        if self.len == self.cap
            && let Err(error) = self.grow_amortized(1)
        {
            return Err(TryPushError { value, error });
        }
        // SAFETY: `len < cap` now, so slot `len` is inside the buffer and uninitialized.
        unsafe { self.ptr.as_ptr().add(self.len as usize).write(value) };
        self.len += 1;
        Ok(())
    }

    /// Removes the last element and returns it, or `None` if the vector is empty.
    #[inline]
    pub fn pop(&mut self) -> Option<T> {
        if self.len == 0 {
            return None;
        }
        self.len -= 1;
        // SAFETY: slot `len` was initialized and is now outside the length, so it is moved out once.
        Some(unsafe { self.ptr.as_ptr().add(self.len as usize).read() })
    }

    /// Inserts an element at `index`, shifting the ones after it to the right.
    ///
    /// # Panics
    /// If `index > len`, or on capacity overflow.
    #[track_caller]
    pub fn insert(&mut self, index: usize, element: T) {
        let len = self.len as usize;
        assert!(
            index <= len,
            "insertion index (is {index}) should be <= len (is {len})"
        );
        if self.len == self.cap {
            self.grow_one();
        }
        // SAFETY: `index <= len < cap`: the shifted range `index..len` moves to `index+1..=len`,
        // inside the buffer; then slot `index` is written once.
        unsafe {
            let p = self.ptr.as_ptr().add(index);
            ptr::copy(p, p.add(1), len - index);
            p.write(element);
        }
        self.len += 1;
    }

    /// Removes and returns the element at `index`, shifting the ones after it to the left.
    ///
    /// # Panics
    /// If `index >= len`.
    #[track_caller]
    pub fn remove(&mut self, index: usize) -> T {
        let len = self.len as usize;
        assert!(
            index < len,
            "removal index (is {index}) should be < len (is {len})"
        );
        // SAFETY: `index < len`: the element is read once, then the tail closes the gap.
        unsafe {
            let p = self.ptr.as_ptr().add(index);
            let value = p.read();
            ptr::copy(p.add(1), p, len - index - 1);
            self.len -= 1;
            value
        }
    }

    /// Removes and returns the element at `index`, moving the last element into its place.
    ///
    /// # Panics
    /// If `index >= len`.
    #[track_caller]
    pub fn swap_remove(&mut self, index: usize) -> T {
        let len = self.len as usize;
        assert!(
            index < len,
            "swap_remove index (is {index}) should be < len (is {len})"
        );
        // SAFETY: `index < len`: the element is read once and the last one is moved over it
        // (a no-op copy when they are the same slot); the length then drops the last slot.
        unsafe {
            let base = self.ptr.as_ptr();
            let value = base.add(index).read();
            ptr::copy(base.add(len - 1), base.add(index), 1);
            self.len -= 1;
            value
        }
    }

    /// Keeps the first `len` elements and drops the rest. The length is set before any element
    /// is dropped, so a panicking `Drop` leaves a valid vector.
    pub fn truncate(&mut self, len: usize) {
        if len >= self.len as usize {
            return;
        }
        let tail = self.len as usize - len;
        // `len < self.len <= u32::MAX`.
        self.len = len as u32;
        // SAFETY: `len..len + tail` were initialized and are now outside the length, so they are
        // dropped exactly once.
        unsafe {
            ptr::drop_in_place(ptr::slice_from_raw_parts_mut(
                self.ptr.as_ptr().add(len),
                tail,
            ))
        };
    }

    /// Drops every element; the capacity is kept.
    #[inline]
    pub fn clear(&mut self) {
        self.truncate(0);
    }

    /// Moves every element of `other` to the end of `self`, leaving `other` empty.
    ///
    /// # Panics
    /// On capacity overflow.
    #[track_caller]
    pub fn append(&mut self, other: &mut Self) {
        let count = other.len as usize;
        self.reserve(count);
        // SAFETY: there is room for `count` more; `other`'s elements are moved bitwise and
        // `other` forgets them by setting its length to 0.
        unsafe {
            ptr::copy_nonoverlapping(
                other.ptr.as_ptr(),
                self.ptr.as_ptr().add(self.len as usize),
                count,
            );
            other.len = 0;
        }
        self.len += count as u32;
    }

    /// Splits the vector in two at `at`: `self` keeps `0..at`, the returned one gets `at..`.
    ///
    /// # Panics
    /// If `at > len`.
    #[track_caller]
    #[must_use = "use `truncate` to drop the tail"]
    pub fn split_off(&mut self, at: usize) -> Self {
        let len = self.len as usize;
        assert!(
            at <= len,
            "`at` split index (is {at}) should be <= len (is {len})"
        );
        let count = len - at;
        let mut other = Self::with_capacity(count);
        // SAFETY: `other` has room for `count`; the elements `at..len` move bitwise and `self`
        // forgets them by shortening its length.
        unsafe {
            ptr::copy_nonoverlapping(self.ptr.as_ptr().add(at), other.ptr.as_ptr(), count);
            self.len = at as u32;
            other.len = count as u32;
        }
        other
    }

    /// Removes the elements in `range` and returns them as an iterator; the rest close up when
    /// the iterator is dropped (or leaked: then the vector keeps only the part before `range`).
    ///
    /// # Panics
    /// If the range is decreasing or ends past the length.
    #[track_caller]
    pub fn drain<R: RangeBounds<usize>>(&mut self, range: R) -> Drain<'_, T> {
        let len = self.len as usize;
        let (start, end) = slice_range(range, len);
        Drain::new(self, start as u32, end as u32)
    }

    /// Resizes to `new_len`, filling new slots with values from `f`.
    ///
    /// # Panics
    /// On capacity overflow.
    #[track_caller]
    pub fn resize_with<F: FnMut() -> T>(&mut self, new_len: usize, mut f: F) {
        let len = self.len as usize;
        if new_len <= len {
            self.truncate(new_len);
            return;
        }
        self.reserve(new_len - len);
        let base = self.ptr.as_ptr();
        let mut guard = SetLenOnDrop::new(&mut self.len);
        for _ in len..new_len {
            // SAFETY: there is room for `new_len`; slot `guard.local` is uninitialized, and the
            // guard counts it as part of the vector only once it is written.
            unsafe { base.add(guard.local).write(f()) };
            guard.local += 1;
        }
    }

    /// Keeps the elements for which `keep` returns true, in order.
    pub fn retain<F: FnMut(&T) -> bool>(&mut self, mut keep: F) {
        self.retain_mut(|x| keep(x));
    }

    /// Keeps the elements for which `keep` returns true, in order; `keep` may change them.
    ///
    /// If `keep` or an element's `Drop` panics, the vector stays valid: the elements already
    /// rejected are gone, all others remain, and nothing is dropped twice.
    pub fn retain_mut<F: FnMut(&mut T) -> bool>(&mut self, mut keep: F) {
        let original_len = self.len as usize;
        // Elements between `processed - deleted` and `processed` are holes; if we unwind, the
        // guard moves the unprocessed tail over them. The vector's length is 0 meanwhile so a
        // leak of the guard cannot expose the holes.
        self.len = 0;
        struct Guard<'a, T> {
            v: &'a mut ValVec32<T>,
            processed: usize,
            deleted: usize,
            original_len: usize,
        }
        impl<T> Drop for Guard<'_, T> {
            fn drop(&mut self) {
                if self.deleted > 0 {
                    // SAFETY: `processed..original_len` are initialized and unprocessed; they move
                    // down by `deleted` over holes (a possibly overlapping move).
                    unsafe {
                        let base = self.v.ptr.as_ptr();
                        ptr::copy(
                            base.add(self.processed),
                            base.add(self.processed - self.deleted),
                            self.original_len - self.processed,
                        );
                    }
                }
                // Fits: it is at most the original `u32` length.
                self.v.len = (self.original_len - self.deleted) as u32;
            }
        }
        let mut g = Guard {
            v: self,
            processed: 0,
            deleted: 0,
            original_len,
        };
        let base = g.v.ptr.as_ptr();
        while g.processed != original_len {
            // SAFETY: `processed < original_len`, so the element is initialized and unique.
            let cur = unsafe { &mut *base.add(g.processed) };
            if keep(cur) {
                if g.deleted > 0 {
                    // SAFETY: the hole at `processed - deleted` is free; the element moves once.
                    unsafe { ptr::copy_nonoverlapping(cur, base.add(g.processed - g.deleted), 1) };
                }
                g.processed += 1;
            } else {
                // Count it first, so a panicking `Drop` leaves it counted as gone.
                g.processed += 1;
                g.deleted += 1;
                // SAFETY: the element is initialized and is dropped once; it is now a hole.
                unsafe { ptr::drop_in_place(cur) };
            }
        }
        drop(g);
    }

    /// Removes consecutive elements that map to the same key, keeping the first of each run.
    pub fn dedup_by_key<K: PartialEq, F: FnMut(&mut T) -> K>(&mut self, mut key: F) {
        self.dedup_by(|a, b| key(a) == key(b));
    }

    /// Removes consecutive elements for which `same_bucket(current, previous_kept)` is true,
    /// keeping the first of each run.
    ///
    /// If `same_bucket` or an element's `Drop` panics, the vector stays valid and nothing is
    /// dropped twice.
    pub fn dedup_by<F: FnMut(&mut T, &mut T) -> bool>(&mut self, mut same_bucket: F) {
        let len = self.len as usize;
        if len <= 1 {
            return;
        }
        // `read` is the next element to look at, `write` the next free slot; `write..read` are
        // holes. On unwind the guard closes them up.
        struct Gap<'a, T> {
            v: &'a mut ValVec32<T>,
            read: usize,
            write: usize,
            original_len: usize,
        }
        impl<T> Drop for Gap<'_, T> {
            fn drop(&mut self) {
                let tail = self.original_len - self.read;
                // SAFETY: `read..original_len` are initialized; they move down over the holes.
                unsafe {
                    let base = self.v.ptr.as_ptr();
                    ptr::copy(base.add(self.read), base.add(self.write), tail);
                }
                // Fits: at most the original `u32` length.
                self.v.len = (self.write + tail) as u32;
            }
        }
        self.len = 0;
        let mut gap = Gap {
            v: self,
            read: 1,
            write: 1,
            original_len: len,
        };
        let base = gap.v.ptr.as_ptr();
        while gap.read < len {
            // SAFETY: `read < len` and `write - 1 < read` are distinct initialized elements.
            let (cur, prev) = unsafe { (&mut *base.add(gap.read), &mut *base.add(gap.write - 1)) };
            if same_bucket(cur, prev) {
                gap.read += 1;
                // SAFETY: the duplicate is dropped once; counting it first keeps the guard from
                // touching it if its `Drop` panics.
                unsafe { ptr::drop_in_place(cur) };
            } else {
                if gap.read != gap.write {
                    // SAFETY: slot `write` is a hole, distinct from `cur`; `cur` moves into it once.
                    unsafe { ptr::copy_nonoverlapping(cur, base.add(gap.write), 1) };
                }
                gap.write += 1;
                gap.read += 1;
            }
        }
        // All processed: the guard's close-up is a zero-length move that sets the length.
        drop(gap);
    }

    /// Consumes and leaks the vector, returning a mutable slice of its elements.
    pub fn leak<'a>(self) -> &'a mut [T] {
        let mut me = ManuallyDrop::new(self);
        // SAFETY: the buffer is never freed, so the elements live for any lifetime.
        unsafe { std::slice::from_raw_parts_mut(me.as_mut_ptr(), me.len as usize) }
    }

    /// Converts a `Vec` without copying, or hands it back when it holds more than `u32::MAX`
    /// elements.
    pub fn try_from_vec(vec: Vec<T>) -> Result<Self, Vec<T>> {
        let Ok(len) = u32::try_from(vec.len()) else {
            return Err(vec);
        };
        if Self::IS_ZST {
            let _forget = ManuallyDrop::new(vec);
            let mut v = Self::new();
            // The `len` zero-sized values now belong to `v`.
            v.len = len;
            return Ok(v);
        }
        let mut vec = vec;
        if vec.capacity() > MAX_CAPACITY {
            vec.shrink_to_fit();
        }
        let Ok(cap) = u32::try_from(vec.capacity()) else {
            // The allocator kept more than we can describe: copy into a buffer of our own.
            let mut v = Self::with_capacity(vec.len());
            // SAFETY: `v` has room for `len`; the elements move bitwise and `vec` forgets them.
            unsafe {
                ptr::copy_nonoverlapping(vec.as_ptr(), v.as_mut_ptr(), vec.len());
                vec.set_len(0);
                v.len = len;
            }
            return Ok(v);
        };
        if cap == 0 {
            return Ok(Self::new());
        }
        let mut vec = ManuallyDrop::new(vec);
        // SAFETY: `Vec` allocates with the global allocator and `Layout::array::<T>(capacity)`
        // (documented in `Vec::from_raw_parts`), which is our invariant; `len <= cap`.
        Ok(unsafe { Self::from_raw_parts(vec.as_mut_ptr(), len, cap) })
    }

    /// Converts into a `Vec` without copying.
    pub fn into_vec(self) -> Vec<T> {
        let mut me = ManuallyDrop::new(self);
        if Self::IS_ZST {
            let len = me.len as usize;
            // SAFETY: a zero-sized `T` occupies no storage, so a dangling pointer with any
            // capacity describes a zero-byte allocation; the `len` values move to the `Vec`.
            return unsafe { Vec::from_raw_parts(NonNull::dangling().as_ptr(), len, len) };
        }
        if me.cap == 0 {
            return Vec::new();
        }
        // SAFETY: the buffer was allocated by the global allocator with
        // `Layout::array::<T>(cap)`, which is what `Vec::from_raw_parts` requires.
        unsafe { Vec::from_raw_parts(me.as_mut_ptr(), me.len as usize, me.cap as usize) }
    }
}

impl<T: Clone> ValVec32<T> {
    /// Appends clones of every element of `other`.
    ///
    /// One reservation, then a copy loop that the compiler turns into a `memcpy` for `Copy`
    /// types. If a `clone` panics, the elements cloned so far stay in the vector and the vector
    /// is valid.
    ///
    /// # Panics
    /// On capacity overflow (checked before anything is written).
    #[track_caller]
    pub fn extend_from_slice(&mut self, other: &[T]) {
        self.reserve(other.len());
        let base = self.ptr.as_ptr();
        let mut guard = SetLenOnDrop::new(&mut self.len);
        for item in other {
            // SAFETY: room for `other.len()` was reserved; slot `guard.local` is uninitialized and
            // joins the vector (through the guard) only once written.
            unsafe { base.add(guard.local).write(item.clone()) };
            guard.local += 1;
        }
    }

    /// Resizes to `new_len`, filling new slots with clones of `value`.
    ///
    /// # Panics
    /// On capacity overflow.
    #[track_caller]
    pub fn resize(&mut self, new_len: usize, value: T) {
        let len = self.len as usize;
        if new_len <= len {
            self.truncate(new_len);
        } else {
            self.extend_with(new_len - len, value);
        }
    }

    /// Appends `n` copies of `value` (clones for all but the last, which is moved).
    #[track_caller]
    fn extend_with(&mut self, n: usize, value: T) {
        self.reserve(n);
        let base = self.ptr.as_ptr();
        let mut guard = SetLenOnDrop::new(&mut self.len);
        if n > 0 {
            for _ in 1..n {
                // SAFETY: room was reserved; the slot is uninitialized until written.
                unsafe { base.add(guard.local).write(value.clone()) };
                guard.local += 1;
            }
            // SAFETY: as above, for the last slot.
            unsafe { base.add(guard.local).write(value) };
            guard.local += 1;
        }
    }

    /// A vector of `n` clones of `elem`; what `valvec32![elem; n]` calls.
    ///
    /// # Panics
    /// If `n` is more than `u32::MAX`.
    #[track_caller]
    pub fn from_elem(elem: T, n: usize) -> Self {
        let mut v = Self::with_capacity(n);
        v.extend_with(n, elem);
        v
    }
}

impl<T: PartialEq> ValVec32<T> {
    /// Removes consecutive repeated elements, keeping the first of each run.
    pub fn dedup(&mut self) {
        self.dedup_by(|a, b| a == b);
    }
}

/// Writes a local length back to the vector when dropped, including during unwinding, so the
/// elements written so far stay owned by the vector.
///
/// The local count is a `usize`: with a `u32` count LLVM must allow for it wrapping, which
/// stops it from turning `extend_from_slice`'s copy loop into a single `memcpy` for `Copy`
/// types (measured: a 16-byte SSE loop instead of `memcpy`). Every user reserves first, so the
/// count never passes the capacity, which fits in `u32`.
struct SetLenOnDrop<'a> {
    len: &'a mut u32,
    local: usize,
}

impl<'a> SetLenOnDrop<'a> {
    #[inline]
    fn new(len: &'a mut u32) -> Self {
        let local = *len as usize;
        Self { len, local }
    }
}

impl Drop for SetLenOnDrop<'_> {
    #[inline]
    fn drop(&mut self) {
        debug_assert!(self.local <= MAX_CAPACITY);
        // At most the capacity (callers reserve first), so it fits in u32.
        *self.len = self.local as u32;
    }
}

impl<T> Drop for ValVec32<T> {
    fn drop(&mut self) {
        /// Frees the buffer even if an element's `Drop` panics.
        struct FreeOnDrop<'a, T>(&'a mut ValVec32<T>);
        impl<T> Drop for FreeOnDrop<'_, T> {
            fn drop(&mut self) {
                if !ValVec32::<T>::IS_ZST && self.0.cap > 0 {
                    // SAFETY: the buffer is allocated and is never used again.
                    unsafe { self.0.free_buffer() };
                }
            }
        }
        let len = self.len as usize;
        self.len = 0;
        let elems = ptr::slice_from_raw_parts_mut(self.ptr.as_ptr(), len);
        let _free = FreeOnDrop(self);
        // SAFETY: the first `len` elements were initialized and are dropped once; the length
        // was set to 0 first.
        unsafe { ptr::drop_in_place(elems) };
    }
}

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
