//! [`SeqLock`]: a sequence lock whose reads are atomic word copies (no data race).

#[cfg(not(loom))]
use std::cell::UnsafeCell;
use std::fmt;
use std::mem::{MaybeUninit, size_of};

use bytemuck::NoUninit;

#[cfg(not(loom))]
use std::sync::atomic::{AtomicU8, AtomicU16, AtomicU32};

use crate::sync::{AtomicU64, AtomicUsize, Ordering, fence, spin_loop};

/// The value's storage: `T`, aligned to 8 so it splits into naturally aligned atomic pieces
/// (whole words, then a 4-, 2- and 1-byte tail as needed; see [`pieces`]). The bytes after `T`
/// (the rounding to 8) are never touched: they are padding, which a move may uninitialize.
#[repr(C, align(8))]
struct Words<T>(T);

/// Calls `f(index, offset, width)` for each piece of a `size`-byte value: 8-byte words, then a
/// 4-, 2- and 1-byte tail as needed. Each piece is aligned to its width (the value is 8-aligned).
/// Inlined with a constant `size`, this unrolls to straight-line loads or stores.
#[inline(always)]
fn pieces(size: usize, mut f: impl FnMut(usize, usize, usize)) {
    let mut offset = 0;
    let mut index = 0;
    while offset + 8 <= size {
        f(index, offset, 8);
        offset += 8;
        index += 1;
    }
    for width in [4, 2, 1] {
        if offset + width <= size {
            f(index, offset, width);
            offset += width;
            index += 1;
        }
    }
}

/// A sequence lock: a `Copy` value that writers replace under a sequence number and readers copy
/// optimistically, retrying when a write overlapped their copy. Readers never block writers
/// (nor each other), and a reader costs two loads of the sequence and a copy of the value.
///
/// The value is read and written in naturally aligned pieces (8-byte words, then a 4-, 2- and
/// 1-byte tail), each an atomic load or store, so a read racing with a write is not a data race in Rust's memory
/// model (the `seqlock` crate copies with a volatile read, which is one, and miri reports it).
/// A torn copy is discarded before it is turned back into a `T`, and [`NoUninit`] (no padding,
/// no uninitialized bytes) guarantees every byte copied is initialized; derive it with
/// `#[derive(Clone, Copy, bytemuck::NoUninit)]` on a `#[repr(C)]` struct without padding.
///
/// Measured (docs/BENCHMARKS.md, a 32-byte value): a read takes about 0.22x the time of a
/// `std::sync::RwLock` read alone and 0.02-0.11x with two reading threads (readers write no shared
/// cache line). Use it for small values read far more often than written (a configuration
/// snapshot, a pair of counters that must agree, a clock). Don't use it for large values (a reader copies all of
/// it, again on every retry) or for frequent writes (readers retry, and writers spin on each
/// other).
///
/// ```
/// use sync_prims::SeqLock;
///
/// #[derive(Clone, Copy, Debug, PartialEq, bytemuck::NoUninit)]
/// #[repr(C)]
/// struct Position {
///     x: i32,
///     y: i32,
/// }
///
/// let pos = SeqLock::new(Position { x: 0, y: 0 });
/// pos.write(Position { x: 3, y: 4 });
/// assert_eq!(pos.read(), Position { x: 3, y: 4 });
/// ```
pub struct SeqLock<T: NoUninit> {
    /// Even: stable; odd: a writer is updating the words (the writers' lock).
    seq: AtomicUsize,
    #[cfg(not(loom))]
    words: UnsafeCell<Words<T>>,
    /// One loom atomic per piece (loom's atomics cannot be placed over a `T`).
    #[cfg(loom)]
    words: Box<[AtomicU64]>,
    #[cfg(loom)]
    _value: std::marker::PhantomData<T>,
}

// SAFETY: the value is only ever accessed through atomic operations on its words (see `word`),
// and it is a `T: Send` moved between threads by copying.
unsafe impl<T: NoUninit + Send> Sync for SeqLock<T> {}
// SAFETY: as above; the lock owns its value.
unsafe impl<T: NoUninit + Send> Send for SeqLock<T> {}

impl<T: NoUninit> SeqLock<T> {
    /// A lock holding `value`.
    pub fn new(value: T) -> Self {
        #[cfg(not(loom))]
        let words = UnsafeCell::new(Words(value));
        #[cfg(loom)]
        let words = {
            let mut w = Vec::new();
            pieces(size_of::<T>(), |_, offset, width| {
                w.push(AtomicU64::new(piece_of(&value, offset, width)));
            });
            w.into_boxed_slice()
        };
        Self {
            seq: AtomicUsize::new(0),
            words,
            #[cfg(loom)]
            _value: std::marker::PhantomData,
        }
    }

    /// Loads the piece `index` (at `offset`, `width` bytes; from [`pieces`]).
    #[inline(always)]
    fn load_piece(&self, index: usize, offset: usize, width: usize) -> u64 {
        #[cfg(not(loom))]
        {
            let _ = index;
            let p = self.words.get().cast::<u8>();
            // SAFETY: `offset + width <= size_of::<T>()` and the piece is aligned to `width`
            // (`pieces`); the bytes are `T`'s, all initialized (`T: NoUninit`); after `new`,
            // every access to them is atomic with this same width, through `load_piece` and
            // `store_piece`; they live as long as `&self`.
            unsafe {
                let p = p.add(offset);
                match width {
                    8 => AtomicU64::from_ptr(p.cast()).load(Ordering::Relaxed),
                    4 => u64::from(AtomicU32::from_ptr(p.cast()).load(Ordering::Relaxed)),
                    2 => u64::from(AtomicU16::from_ptr(p.cast()).load(Ordering::Relaxed)),
                    _ => u64::from(AtomicU8::from_ptr(p).load(Ordering::Relaxed)),
                }
            }
        }
        #[cfg(loom)]
        {
            let _ = (offset, width);
            self.words[index].load(Ordering::Relaxed)
        }
    }

    /// Stores the piece `index` (at `offset`, `width` bytes; from [`pieces`]).
    #[inline(always)]
    fn store_piece(&self, index: usize, offset: usize, width: usize, v: u64) {
        #[cfg(not(loom))]
        {
            let _ = index;
            let p = self.words.get().cast::<u8>();
            // SAFETY: as in `load_piece`; `v` fits `width` bytes (it came from `piece_of`).
            unsafe {
                let p = p.add(offset);
                match width {
                    8 => AtomicU64::from_ptr(p.cast()).store(v, Ordering::Relaxed),
                    4 => AtomicU32::from_ptr(p.cast()).store(v as u32, Ordering::Relaxed),
                    2 => AtomicU16::from_ptr(p.cast()).store(v as u16, Ordering::Relaxed),
                    _ => AtomicU8::from_ptr(p).store(v as u8, Ordering::Relaxed),
                }
            }
        }
        #[cfg(loom)]
        {
            let _ = (offset, width);
            self.words[index].store(v, Ordering::Relaxed);
        }
    }

    /// Copies the value piece by piece; the result is a valid `T` only if no write overlapped.
    #[inline(always)]
    fn copy_out(&self) -> MaybeUninit<Words<T>> {
        let mut copy = MaybeUninit::<Words<T>>::uninit();
        pieces(size_of::<T>(), |index, offset, width| {
            let v = self.load_piece(index, offset, width);
            // SAFETY: the piece is in bounds of `Words<T>` and aligned to `width`.
            unsafe {
                let p = copy.as_mut_ptr().cast::<u8>().add(offset);
                match width {
                    8 => p.cast::<u64>().write(v),
                    4 => p.cast::<u32>().write(v as u32),
                    2 => p.cast::<u16>().write(v as u16),
                    _ => p.write(v as u8),
                }
            }
        });
        copy
    }

    fn store_value(&self, value: &T) {
        pieces(size_of::<T>(), |index, offset, width| {
            self.store_piece(index, offset, width, piece_of(value, offset, width));
        });
    }

    /// A copy of the value. Retries (spinning) while a write is in progress.
    #[inline]
    pub fn read(&self) -> T {
        loop {
            if let Some(v) = self.try_read() {
                return v;
            }
            spin_loop();
        }
    }

    /// A copy of the value, or `None` if a write was in progress or overlapped the copy.
    #[inline]
    pub fn try_read(&self) -> Option<T> {
        let before = self.seq.load(Ordering::Acquire);
        if before & 1 != 0 {
            return None;
        }
        let copy = self.copy_out();
        fence(Ordering::Acquire);
        if self.seq.load(Ordering::Relaxed) != before {
            return None;
        }
        // SAFETY: no write overlapped the copy (the sequence is unchanged and was even, and the
        // fence orders the word loads before the second sequence load), so the words are the
        // bytes of one value a writer stored: all of `T`'s bytes, a valid `T`.
        Some(unsafe { std::ptr::addr_of!((*copy.as_ptr()).0).read() })
    }

    /// Replaces the value. Writers are serialized (a second writer spins until the first is
    /// done); readers retry meanwhile.
    pub fn write(&self, value: T) {
        let _unlock = self.lock();
        self.store_value(&value);
    }

    /// Replaces the value with `f(current)` under the writers' lock, so concurrent updates are
    /// not lost; returns the new value. `f` should be short: readers retry while it runs.
    /// If `f` panics, the value is unchanged and the lock is released.
    pub fn update(&self, f: impl FnOnce(T) -> T) -> T {
        let _unlock = self.lock();
        let copy = self.copy_out();
        // SAFETY: we hold the writers' lock, so the pieces are the last write's: a valid `T`.
        let current = unsafe { std::ptr::addr_of!((*copy.as_ptr()).0).read() };
        let new = f(current);
        self.store_value(&new);
        new
    }

    /// The value, consuming the lock.
    pub fn into_inner(self) -> T {
        self.read()
    }

    /// Takes the writers' lock: moves the sequence from even `s` to `s + 1`. The guard moves it
    /// on to `s + 2` when dropped, also on unwind.
    fn lock(&self) -> Unlock<'_> {
        loop {
            let s = self.seq.load(Ordering::Relaxed);
            if s & 1 == 0
                && self
                    .seq
                    .compare_exchange_weak(
                        s,
                        s.wrapping_add(1),
                        Ordering::Acquire,
                        Ordering::Relaxed,
                    )
                    .is_ok()
            {
                // Orders the odd sequence before the word stores: a reader that sees any new word
                // then sees the sequence changed.
                fence(Ordering::Release);
                return Unlock {
                    seq: &self.seq,
                    locked: s.wrapping_add(1),
                };
            }
            spin_loop();
        }
    }
}

/// Releases the writers' lock of a [`SeqLock`], publishing the write.
struct Unlock<'a> {
    seq: &'a AtomicUsize,
    locked: usize,
}

impl Drop for Unlock<'_> {
    fn drop(&mut self) {
        self.seq
            .store(self.locked.wrapping_add(1), Ordering::Release);
    }
}

/// The piece of `value` at `offset`, `width` bytes, as an integer (native byte order).
#[inline(always)]
fn piece_of<T: NoUninit>(value: &T, offset: usize, width: usize) -> u64 {
    let bytes = &bytemuck::bytes_of(value)[offset..offset + width];
    let mut word = [0u8; 8];
    word[..width].copy_from_slice(bytes);
    match width {
        8 => u64::from_ne_bytes(word),
        4 => u64::from(u32::from_ne_bytes([word[0], word[1], word[2], word[3]])),
        2 => u64::from(u16::from_ne_bytes([word[0], word[1]])),
        _ => u64::from(word[0]),
    }
}

impl<T: NoUninit + Default> Default for SeqLock<T> {
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T: NoUninit + fmt::Debug> fmt::Debug for SeqLock<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SeqLock")
            .field("value", &self.read())
            .finish()
    }
}
