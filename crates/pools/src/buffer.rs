//! [`BufferPool`] and [`PooledBuf`]: a thread-local pool of byte buffers.

use std::cell::{Cell, UnsafeCell};
use std::fmt;
use std::ops::{Deref, DerefMut};

/// The limits of this thread's [`BufferPool`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolConfig {
    /// At most this many idle buffers are kept (default 16).
    pub max_pooled: usize,
    /// A buffer whose capacity exceeds this is freed instead of kept (default 64 KiB).
    pub max_capacity: usize,
}

impl Default for PoolConfig {
    fn default() -> Self {
        Self {
            max_pooled: 16,
            max_capacity: 64 * 1024,
        }
    }
}

/// This thread's idle buffers. `free` is allocated once with room for `max_pooled` buffers, so
/// pushing and popping never allocate or free: no code that could reenter the pool (an
/// allocator, a destructor) runs while it is borrowed, which is what makes the unchecked
/// `UnsafeCell` access below sound without `RefCell`'s borrow flag.
struct Local {
    free: UnsafeCell<Vec<Vec<u8>>>,
    config: Cell<PoolConfig>,
}

thread_local! {
    // A const initializer: no lazy-initialization check on each access.
    static LOCAL: Local = const {
        Local {
            free: UnsafeCell::new(Vec::new()),
            config: Cell::new(PoolConfig { max_pooled: 16, max_capacity: 64 * 1024 }),
        }
    };
}

impl Local {
    /// Pops an idle buffer.
    #[inline]
    fn pop(&self) -> Option<Vec<u8>> {
        // SAFETY: no other reference to `free` exists: it is thread-local, and no function that
        // could reach this pool runs while this one does (`Vec::pop` calls no user code).
        unsafe { (*self.free.get()).pop() }
    }

    /// Keeps `buf` if there is room and it is not too large; otherwise gives it back to be freed
    /// by the caller (after the pool is no longer borrowed).
    #[inline]
    fn push(&self, buf: Vec<u8>) -> Option<Vec<u8>> {
        let config = self.config.get();
        // SAFETY: as in `pop`; a read of the length and capacity.
        let (len, cap) = unsafe { ((*self.free.get()).len(), (*self.free.get()).capacity()) };
        if len >= config.max_pooled || buf.capacity() > config.max_capacity {
            return Some(buf);
        }
        if len == cap {
            self.reserve(config.max_pooled);
        }
        // SAFETY: as in `pop`; `len < max_pooled <= capacity`, so the push does not reallocate.
        unsafe { (*self.free.get()).push(buf) };
        None
    }

    /// Gives the list room for `n` idle buffers (cold: once per thread, or after `configure`).
    /// The new list is allocated and the old one freed while the pool is not borrowed.
    #[cold]
    fn reserve(&self, n: usize) {
        let mut list = Vec::with_capacity(n);
        // SAFETY: as in `pop`; moving the headers into `list` does not allocate (it has room).
        unsafe {
            let free = &mut *self.free.get();
            list.append(free);
            std::mem::swap(free, &mut list);
        }
        drop(list);
    }
}

/// A thread-local pool of `Vec<u8>` buffers.
///
/// [`get`](Self::get) returns a [`PooledBuf`], which derefs to `Vec<u8>` and goes back to the
/// current thread's pool when dropped (cleared, capacity kept), so a loop that needs a scratch
/// buffer allocates it once. The pool is bounded: at most [`PoolConfig::max_pooled`] buffers are
/// kept, none with more capacity than [`PoolConfig::max_capacity`] (defaults 16 and 64 KiB; see
/// [`configure`](Self::configure)). A buffer dropped on another thread joins that thread's pool; one
/// dropped while its thread's pool is being destroyed is simply freed.
///
/// Use it where a function allocates a short-lived buffer per call. Don't use it for buffers
/// kept long (detach those with [`PooledBuf::into_inner`]), or for values shared between
/// threads (see [`SharedPool`](crate::SharedPool)).
///
/// ```
/// use pools::BufferPool;
///
/// let mut buf = BufferPool::get_with_capacity(4096);
/// buf.extend_from_slice(b"hello");
/// assert_eq!(&buf[..], b"hello");
/// drop(buf); // back to this thread's pool, cleared
/// let again = BufferPool::get();
/// assert!(again.is_empty() && again.capacity() >= 4096);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct BufferPool;

impl BufferPool {
    /// A buffer from this thread's pool (empty; any capacity), or a new empty one.
    #[inline]
    pub fn get() -> PooledBuf {
        let buf = LOCAL
            .try_with(Local::pop)
            .ok()
            .flatten()
            .unwrap_or_default();
        PooledBuf { buf }
    }

    /// A buffer with at least `capacity` bytes of capacity: a pooled one (grown if needed), or a
    /// new one.
    #[inline]
    pub fn get_with_capacity(capacity: usize) -> PooledBuf {
        let mut b = Self::get();
        b.buf.reserve(capacity);
        b
    }

    /// Sets this thread's limits; buffers beyond the new limits are freed now.
    pub fn configure(config: PoolConfig) {
        // The list is taken out, trimmed, and put back, so nothing is allocated or freed while
        // the pool is borrowed.
        let Ok(mut list) = LOCAL.try_with(|l| {
            l.config.set(config);
            // SAFETY: as in `Local::pop`; `take` leaves an empty vector (no allocation).
            unsafe { std::mem::take(&mut *l.free.get()) }
        }) else {
            return;
        };
        list.retain(|b| b.capacity() <= config.max_capacity);
        list.truncate(config.max_pooled);
        list.shrink_to(config.max_pooled);
        list.reserve_exact(config.max_pooled.saturating_sub(list.len()));
        let _ = LOCAL.try_with(move |l| {
            // SAFETY: as in `Local::pop`; the slot holds the empty vector `take` left, so the
            // assignment frees nothing.
            unsafe { *l.free.get() = list };
        });
    }

    /// This thread's limits.
    pub fn config() -> PoolConfig {
        LOCAL.try_with(|l| l.config.get()).unwrap_or_default()
    }

    /// The number of idle buffers in this thread's pool.
    pub fn pooled() -> usize {
        // SAFETY: as in `Local::pop`; a read of the length.
        LOCAL
            .try_with(|l| unsafe { (*l.free.get()).len() })
            .unwrap_or(0)
    }
}

/// A buffer from a [`BufferPool`]; derefs to `Vec<u8>`, and returns to the current thread's pool
/// when dropped.
pub struct PooledBuf {
    buf: Vec<u8>,
}

impl PooledBuf {
    /// Detaches the buffer from the pool: it will be freed normally.
    pub fn into_inner(mut self) -> Vec<u8> {
        std::mem::take(&mut self.buf)
    }
}

impl Drop for PooledBuf {
    #[inline]
    fn drop(&mut self) {
        if self.buf.capacity() == 0 {
            return;
        }
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        // During thread teardown `try_with` fails and the buffer is freed below; a rejected
        // buffer (pool full, or too large) is freed below too, outside the pool's borrow.
        // (If `try_with` fails, the closure and the buffer it owns are dropped, freeing it.)
        let rejected = LOCAL.try_with(|l| l.push(buf)).unwrap_or_default();
        drop(rejected);
    }
}

impl Deref for PooledBuf {
    type Target = Vec<u8>;

    #[inline]
    fn deref(&self) -> &Vec<u8> {
        &self.buf
    }
}

impl DerefMut for PooledBuf {
    #[inline]
    fn deref_mut(&mut self) -> &mut Vec<u8> {
        &mut self.buf
    }
}

impl std::io::Write for PooledBuf {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl fmt::Debug for PooledBuf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PooledBuf")
            .field("len", &self.buf.len())
            .field("capacity", &self.buf.capacity())
            .finish()
    }
}
