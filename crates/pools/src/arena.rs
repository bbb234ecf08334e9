//! [`Arena`]: a bump allocator, and [`ArenaVec`], a vector that grows inside it.

use std::alloc::{Layout, alloc, dealloc, handle_alloc_error};
use std::cell::{Cell, UnsafeCell};
use std::fmt;
use std::marker::PhantomData;
use std::mem::{needs_drop, size_of};
use std::ptr::{self, NonNull};

/// The first chunk's size when the arena is created without a capacity.
const FIRST_CHUNK: usize = 4096;
/// Chunk sizes double up to this cap (an allocation larger than it gets a chunk of its own).
const DEFAULT_MAX_CHUNK: usize = 1 << 20;
/// Every chunk is aligned to this; larger alignments are reached by padding inside the chunk.
const CHUNK_ALIGN: usize = 16;

/// One block of memory the arena bumps through.
struct Chunk {
    base: NonNull<u8>,
    size: usize,
}

impl Chunk {
    fn new(size: usize) -> Self {
        let layout = Layout::from_size_align(size, CHUNK_ALIGN).expect("chunk size overflows");
        // SAFETY: `size` is non-zero (callers ask for at least `FIRST_CHUNK`-sized or
        // allocation-sized chunks, and zero-sized requests never reach here).
        let p = unsafe { alloc(layout) };
        let base = NonNull::new(p).unwrap_or_else(|| handle_alloc_error(layout));
        Self { base, size }
    }
}

impl Drop for Chunk {
    fn drop(&mut self) {
        // SAFETY: allocated in `Chunk::new` with this layout, freed once.
        unsafe {
            dealloc(
                self.base.as_ptr(),
                Layout::from_size_align_unchecked(self.size, CHUNK_ALIGN),
            );
        }
    }
}

/// A bump allocator: allocations are a pointer increment in the current chunk, and everything is
/// freed at once by [`reset`](Self::reset) (or when the arena is dropped).
///
/// - Lifetimes: every reference it returns borrows the arena, and `reset` takes `&mut self`, so
///   the borrow checker rejects a reference used after a reset.
/// - Drop: values that need dropping are **rejected at compile time** (`alloc` of a `String`
///   does not compile): the arena never runs destructors, so nothing it holds may need one.
///   Allocate `&str`s with [`alloc_str`](Self::alloc_str) and slices with
///   [`alloc_slice_copy`](Self::alloc_slice_copy) instead of owning types.
/// - Growth: when a chunk is full the arena allocates one twice as large (up to a cap, 1 MiB by
///   default; an allocation larger than the cap gets a chunk of its own).
/// - Reuse: [`reset`](Self::reset) frees nothing to the allocator: it keeps every chunk, as
///   `Vec::clear` keeps the capacity, and allocations after it fill the kept chunks again, in
///   the order they were first filled, before any new one is allocated. An arena reused for the
///   same work makes no allocator call after its first round, also when that work spans many
///   chunks (work larger than the cap). [`shrink_to_fit`](Self::shrink_to_fit) frees the kept
///   chunks not in use.
/// - Threads: `Arena` is `Send` but not `Sync` (its bump pointer is a plain `Cell`). Use one per
///   thread; with rayon, `thread_local!` or
///   `par_iter().map_init(Arena::new, |arena, item| ...)` gives each worker its own.
///
/// Use it for many small allocations that die together (a parse tree, a request's scratch data).
/// Don't use it for values that must be freed one by one, or that need `Drop`.
///
/// ```
/// use pools::Arena;
///
/// let mut arena = Arena::new();
/// let x = arena.alloc(41u64);
/// *x += 1;
/// let name = arena.alloc_str("zstd");
/// let squares = arena.alloc_slice_fill_with(4, |i| i * i);
/// assert_eq!((*x, &*name, &*squares), (42, "zstd", &[0, 1, 4, 9][..]));
/// arena.reset(); // x, name and squares can no longer be used
/// assert_eq!(arena.allocated_bytes(), 0);
/// ```
pub struct Arena {
    /// The next free byte of the current chunk, and its end: allocations bump `ptr` up to `end`.
    /// `ptr` carries the chunk's provenance; `end` is only compared with.
    ptr: Cell<NonNull<u8>>,
    end: Cell<usize>,
    /// The current chunk's start and size.
    base: Cell<NonNull<u8>>,
    cap: Cell<usize>,
    /// Every chunk, in the order they are filled: the current one at index `current`, those
    /// before it full, those after it kept by `reset` and empty. Touched only on the slow path
    /// and by `&mut self`.
    chunks: UnsafeCell<Vec<Chunk>>,
    current: Cell<usize>,
    /// Bytes handed out (with alignment padding) in the chunks before the current one.
    used_before: Cell<usize>,
    peak: Cell<usize>,
    max_chunk: usize,
}

// SAFETY: the arena owns its chunks (plain memory, no thread affinity); the values in them are
// `!needs_drop` and were moved in by value, and the references it hands out borrow it, so moving
// the arena to another thread moves nothing that is shared.
unsafe impl Send for Arena {}

impl Arena {
    /// An empty arena; its first chunk (4 KiB) is allocated on first use.
    pub fn new() -> Self {
        Self::with_capacity(0)
    }

    /// An arena whose first chunk holds `bytes` (allocated now if non-zero).
    pub fn with_capacity(bytes: usize) -> Self {
        Self::with_capacity_and_max_chunk(bytes, DEFAULT_MAX_CHUNK)
    }

    /// An arena whose first chunk holds `bytes`, and whose chunks grow by doubling up to
    /// `max_chunk` bytes.
    pub fn with_capacity_and_max_chunk(bytes: usize, max_chunk: usize) -> Self {
        let mut arena = Self {
            ptr: Cell::new(NonNull::dangling()),
            end: Cell::new(NonNull::<u8>::dangling().as_ptr() as usize),
            base: Cell::new(NonNull::dangling()),
            cap: Cell::new(0),
            chunks: UnsafeCell::new(Vec::new()),
            current: Cell::new(0),
            used_before: Cell::new(0),
            peak: Cell::new(0),
            max_chunk: max_chunk.max(FIRST_CHUNK),
        };
        if bytes > 0 {
            let chunk = Chunk::new(bytes);
            arena.set_chunk(chunk.base, chunk.size);
            arena.chunks.get_mut().push(chunk);
        }
        arena
    }

    /// Moves `value` into the arena.
    ///
    /// `T` must not need dropping (checked at compile time):
    ///
    /// ```compile_fail
    /// let arena = pools::Arena::new();
    /// arena.alloc(String::from("needs drop"));
    /// ```
    #[inline]
    #[allow(
        clippy::mut_from_ref,
        reason = "each call returns a distinct allocation"
    )]
    pub fn alloc<T>(&self, value: T) -> &mut T {
        const {
            assert!(
                !needs_drop::<T>(),
                "Arena never drops its values: T must not need Drop"
            )
        };
        let p = self.alloc_layout(Layout::new::<T>()).cast::<T>();
        // SAFETY: `p` is valid for writes of `T`, aligned, and not handed out before; the
        // reference borrows the arena, which frees the memory only in `reset(&mut self)` or drop.
        unsafe {
            p.as_ptr().write(value);
            &mut *p.as_ptr()
        }
    }

    /// Copies `src` into the arena.
    #[inline]
    #[allow(
        clippy::mut_from_ref,
        reason = "each call returns a distinct allocation"
    )]
    pub fn alloc_slice_copy<T: Copy>(&self, src: &[T]) -> &mut [T] {
        let layout = Layout::for_value(src);
        let p = self.alloc_layout(layout).cast::<T>();
        // SAFETY: `p` is valid for `src.len()` `T`s and fresh, so it does not overlap `src`.
        unsafe {
            ptr::copy_nonoverlapping(src.as_ptr(), p.as_ptr(), src.len());
            std::slice::from_raw_parts_mut(p.as_ptr(), src.len())
        }
    }

    /// A slice of `len` values `f(0)`, `f(1)`, … in the arena.
    #[allow(
        clippy::mut_from_ref,
        reason = "each call returns a distinct allocation"
    )]
    pub fn alloc_slice_fill_with<T>(&self, len: usize, mut f: impl FnMut(usize) -> T) -> &mut [T] {
        const {
            assert!(
                !needs_drop::<T>(),
                "Arena never drops its values: T must not need Drop"
            )
        };
        let layout = Layout::array::<T>(len).expect("slice too large");
        let p = self.alloc_layout(layout).cast::<T>();
        for i in 0..len {
            // SAFETY: in bounds of the fresh allocation. If `f` panics, the values written so
            // far are simply never read (they need no drop).
            unsafe { p.as_ptr().add(i).write(f(i)) };
        }
        // SAFETY: all `len` values are initialized.
        unsafe { std::slice::from_raw_parts_mut(p.as_ptr(), len) }
    }

    /// Copies `s` into the arena.
    #[inline]
    #[allow(
        clippy::mut_from_ref,
        reason = "each call returns a distinct allocation"
    )]
    pub fn alloc_str(&self, s: &str) -> &mut str {
        let bytes = self.alloc_slice_copy(s.as_bytes());
        // SAFETY: a copy of valid UTF-8.
        unsafe { std::str::from_utf8_unchecked_mut(bytes) }
    }

    /// Memory for `layout`, aligned, not handed out before.
    #[inline]
    fn alloc_layout(&self, layout: Layout) -> NonNull<u8> {
        if layout.size() == 0 {
            // A dangling pointer aligned for the type: valid for zero-sized accesses.
            return NonNull::new(ptr::without_provenance_mut(layout.align()))
                .expect("alignment is non-zero");
        }
        let ptr = self.ptr.get();
        let addr = ptr.as_ptr() as usize;
        let pad = addr.wrapping_neg() & (layout.align() - 1);
        // `end >= addr` always holds, and `pad + size` cannot overflow (`Layout` keeps the size
        // under `isize::MAX - align`).
        let need = pad + layout.size();
        if need > self.end.get() - addr {
            return self.alloc_slow(layout);
        }
        // SAFETY: `addr + need <= end`: inside the current chunk.
        unsafe {
            self.ptr.set(ptr.add(need));
            ptr.add(pad)
        }
    }

    /// Moves to the next chunk, the first kept one large enough for `layout` or else a new one,
    /// and allocates from it.
    #[cold]
    #[inline(never)]
    fn alloc_slow(&self, layout: Layout) -> NonNull<u8> {
        let needed = layout
            .size()
            .checked_add(layout.align())
            .expect("allocation too large");
        // SAFETY: `chunks` is only touched here and in `&mut self` methods; no other reference
        // to it is alive (this is not reentrant: nothing below calls arena code).
        let chunks = unsafe { &mut *self.chunks.get() };
        // Before the first chunk exists, `current` (0) is where it goes.
        let next = if chunks.is_empty() {
            0
        } else {
            self.current.get() + 1
        };
        match chunks[next..].iter().position(|c| c.size >= needed) {
            // Kept chunks too small for this allocation stay next in line.
            Some(i) => chunks[next..=next + i].rotate_right(1),
            None => {
                let size = (self.cap.get() * 2).clamp(FIRST_CHUNK, self.max_chunk);
                chunks.insert(next, Chunk::new(size.max(needed)));
            }
        }
        self.used_before.set(self.used_before.get() + self.pos());
        self.current.set(next);
        self.set_chunk(chunks[next].base, chunks[next].size);
        self.alloc_layout(layout)
    }

    /// Frees everything allocated, keeping every chunk for reuse (no allocator call): the
    /// allocations after it fill the chunks again from the first. O(1).
    /// [`shrink_to_fit`](Self::shrink_to_fit) after it keeps only the largest chunk.
    pub fn reset(&mut self) {
        self.update_peak();
        self.used_before.set(0);
        self.current.set(0);
        if let Some(first) = self.chunks.get_mut().first() {
            let (base, size) = (first.base, first.size);
            self.set_chunk(base, size);
        }
    }

    /// Frees the chunks kept for reuse that hold nothing, as `Vec::shrink_to_fit` frees unused
    /// capacity: right after a [`reset`](Self::reset), every chunk but the largest (which
    /// becomes the one in use); otherwise those after the one in use.
    pub fn shrink_to_fit(&mut self) {
        let nothing_used = self.allocated_bytes() == 0;
        let chunks = self.chunks.get_mut();
        if nothing_used {
            if let Some(largest) = (0..chunks.len()).max_by_key(|&i| chunks[i].size) {
                chunks.swap(0, largest);
                chunks.truncate(1);
                let (base, size) = (chunks[0].base, chunks[0].size);
                self.current.set(0);
                self.set_chunk(base, size);
            }
        } else {
            chunks.truncate(self.current.get() + 1);
        }
    }

    /// Makes `[base, base + size)` the current chunk, empty.
    fn set_chunk(&self, base: NonNull<u8>, size: usize) {
        self.base.set(base);
        self.cap.set(size);
        self.ptr.set(base);
        self.end.set(base.as_ptr() as usize + size);
    }

    /// Bytes used in the current chunk.
    fn pos(&self) -> usize {
        self.ptr.get().as_ptr() as usize - self.base.get().as_ptr() as usize
    }

    /// Bytes handed out since the last reset (with alignment padding).
    pub fn allocated_bytes(&self) -> usize {
        self.used_before.get() + self.pos()
    }

    /// The largest [`allocated_bytes`](Self::allocated_bytes) seen (before any reset, or now):
    /// a good `with_capacity` for an arena reused for similar work.
    pub fn peak_bytes(&self) -> usize {
        self.update_peak();
        self.peak.get()
    }

    /// The bytes of all chunks the arena holds (in use and kept for reuse).
    pub fn chunk_bytes(&self) -> usize {
        // SAFETY: a shared read; the vector is mutated only in `alloc_slow` (not running now:
        // the arena is not `Sync` and this thread is here) and through `&mut self`.
        unsafe { (*self.chunks.get()).iter().map(|c| c.size).sum() }
    }

    fn update_peak(&self) {
        self.peak.set(self.peak.get().max(self.allocated_bytes()));
    }

    /// Grows the allocation `[p, p + old)` to `new` bytes in place if it is the last one made and
    /// the chunk has room.
    fn grow_in_place(&self, p: NonNull<u8>, old: usize, new: usize) -> bool {
        let ptr = self.ptr.get();
        let end_addr = ptr.as_ptr() as usize;
        // `old <= pos` also rules out a buffer ending exactly where this chunk begins (the end
        // of an older, adjacent chunk).
        if old == 0 || old > self.pos() || (p.as_ptr() as usize).wrapping_add(old) != end_addr {
            return false;
        }
        let extra = new - old;
        if extra > self.end.get() - end_addr {
            return false;
        }
        // SAFETY: `end_addr + extra <= end`: inside the current chunk.
        self.ptr.set(unsafe { ptr.add(extra) });
        true
    }
}

impl Default for Arena {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Arena {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Arena")
            .field("allocated_bytes", &self.allocated_bytes())
            .field("chunk_bytes", &self.chunk_bytes())
            .finish_non_exhaustive()
    }
}

/// A vector whose buffer lives in an [`Arena`]: pushes grow it in place while it is the arena's
/// last allocation, and copy it to a larger place otherwise (the old space is reclaimed at the
/// arena's reset). Like the arena, it holds only values that need no `Drop`.
///
/// ```
/// use pools::{Arena, ArenaVec};
///
/// let arena = Arena::new();
/// let mut v = ArenaVec::new(&arena);
/// v.extend_from_slice(&[1, 2]);
/// v.push(3);
/// assert_eq!(v.into_slice(), &[1, 2, 3]);
/// ```
pub struct ArenaVec<'a, T> {
    arena: &'a Arena,
    ptr: NonNull<T>,
    len: usize,
    cap: usize,
    _marker: PhantomData<&'a mut [T]>,
}

impl<'a, T> ArenaVec<'a, T> {
    /// An empty vector in `arena` (allocates nothing yet).
    pub fn new(arena: &'a Arena) -> Self {
        const {
            assert!(
                !needs_drop::<T>(),
                "Arena never drops its values: T must not need Drop"
            )
        };
        Self {
            arena,
            ptr: NonNull::dangling(),
            len: 0,
            cap: if size_of::<T>() == 0 { usize::MAX } else { 0 },
            _marker: PhantomData,
        }
    }

    /// An empty vector with room for `capacity` values.
    pub fn with_capacity(arena: &'a Arena, capacity: usize) -> Self {
        let mut v = Self::new(arena);
        v.reserve(capacity);
        v
    }

    /// The number of values.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The values it can hold before growing.
    pub fn capacity(&self) -> usize {
        self.cap
    }

    /// Appends `value`.
    #[inline]
    pub fn push(&mut self, value: T) {
        if self.len == self.cap {
            self.reserve(1);
        }
        // SAFETY: `len < cap`: in bounds of the buffer.
        unsafe { self.ptr.as_ptr().add(self.len).write(value) };
        self.len += 1;
    }

    /// Makes room for `additional` more values.
    pub fn reserve(&mut self, additional: usize) {
        let needed = self.len.checked_add(additional).expect("capacity overflow");
        if needed <= self.cap {
            return;
        }
        let new_cap = needed.max(self.cap * 2).max(4);
        let old_bytes = self.cap * size_of::<T>();
        let new_layout = Layout::array::<T>(new_cap).expect("capacity overflow");
        if self
            .arena
            .grow_in_place(self.ptr.cast(), old_bytes, new_layout.size())
        {
            self.cap = new_cap;
            return;
        }
        let p = self.arena.alloc_layout(new_layout).cast::<T>();
        // SAFETY: the new buffer is fresh and holds `new_cap >= len` values; the old one holds
        // `len` initialized values (a plain copy: `T` needs no drop, and the old buffer is never
        // read again).
        unsafe { ptr::copy_nonoverlapping(self.ptr.as_ptr(), p.as_ptr(), self.len) };
        self.ptr = p;
        self.cap = new_cap;
    }

    /// Removes and returns the last value.
    pub fn pop(&mut self) -> Option<T> {
        if self.len == 0 {
            return None;
        }
        self.len -= 1;
        // SAFETY: the value at the old `len - 1` is initialized and now outside the length.
        Some(unsafe { self.ptr.as_ptr().add(self.len).read() })
    }

    /// Shortens it to `len` values (no effect if it is not longer).
    pub fn truncate(&mut self, len: usize) {
        self.len = self.len.min(len);
    }

    /// The values as a slice borrowed from the arena.
    pub fn into_slice(self) -> &'a mut [T] {
        // SAFETY: `len` initialized values in the arena, for the arena's lifetime; `self` is
        // consumed, so nothing else points at them.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }
}

impl<T: Copy> ArenaVec<'_, T> {
    /// Appends a copy of `src`.
    pub fn extend_from_slice(&mut self, src: &[T]) {
        self.reserve(src.len());
        // SAFETY: room for `src.len()` more values after `len`; `src` cannot overlap the
        // buffer (a shared borrow of it would conflict with `&mut self`).
        unsafe {
            ptr::copy_nonoverlapping(src.as_ptr(), self.ptr.as_ptr().add(self.len), src.len());
        }
        self.len += src.len();
    }
}

impl<T> std::ops::Deref for ArenaVec<'_, T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        // SAFETY: `len` initialized values.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }
}

impl<T> std::ops::DerefMut for ArenaVec<'_, T> {
    fn deref_mut(&mut self) -> &mut [T] {
        // SAFETY: `len` initialized values, borrowed mutably through `self`.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }
}

impl<T> Extend<T> for ArenaVec<'_, T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        let iter = iter.into_iter();
        self.reserve(iter.size_hint().0);
        for v in iter {
            self.push(v);
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for ArenaVec<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}
