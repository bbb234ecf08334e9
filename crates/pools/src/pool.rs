//! [`Reset`], [`Pool`] (single-threaded) and [`SharedPool`] (across threads).

use std::cell::RefCell;
use std::fmt;
use std::ops::{Deref, DerefMut};

use crossbeam_queue::ArrayQueue;

/// A value that can be emptied for reuse, keeping what is worth keeping (a buffer's capacity).
pub trait Reset {
    /// Returns the value to its empty state.
    fn reset(&mut self);
}

impl<T> Reset for Vec<T> {
    fn reset(&mut self) {
        self.clear();
    }
}

impl Reset for String {
    fn reset(&mut self) {
        self.clear();
    }
}

impl<T> Reset for std::collections::VecDeque<T> {
    fn reset(&mut self) {
        self.clear();
    }
}

impl<K, V, S> Reset for std::collections::HashMap<K, V, S> {
    fn reset(&mut self) {
        self.clear();
    }
}

impl<T, S> Reset for std::collections::HashSet<T, S> {
    fn reset(&mut self) {
        self.clear();
    }
}

impl<K, V> Reset for std::collections::BTreeMap<K, V> {
    fn reset(&mut self) {
        self.clear();
    }
}

/// A single-threaded pool of reusable objects: [`get`](Self::get) hands out a pooled value (or
/// a new one from the factory), which goes back, [reset](Reset), when its guard drops. At most
/// `max_pooled` idle values are kept.
///
/// Use it for costly-to-build objects reused on one thread (parsers, scratch maps). For byte
/// buffers, [`BufferPool`](crate::BufferPool) needs no set-up; across threads, use
/// [`SharedPool`].
///
/// ```
/// use pools::Pool;
///
/// let pool = Pool::new(4, || Vec::<u32>::with_capacity(1024));
/// {
///     let mut v = pool.get();
///     v.push(7);
/// }
/// assert_eq!(pool.idle(), 1);
/// assert!(pool.get().is_empty(), "returned reset");
/// ```
pub struct Pool<T: Reset> {
    idle: RefCell<Vec<T>>,
    make: Box<dyn Fn() -> T>,
    max_pooled: usize,
}

impl<T: Reset> Pool<T> {
    /// A pool keeping at most `max_pooled` idle values, making new ones with `make`.
    pub fn new(max_pooled: usize, make: impl Fn() -> T + 'static) -> Self {
        Self {
            idle: RefCell::new(Vec::with_capacity(max_pooled)),
            make: Box::new(make),
            max_pooled,
        }
    }

    /// A pooled value, or a new one.
    pub fn get(&self) -> Pooled<'_, T> {
        let value = self.idle.borrow_mut().pop();
        Pooled {
            value: Some(value.unwrap_or_else(|| (self.make)())),
            pool: self,
        }
    }

    /// The number of idle values.
    pub fn idle(&self) -> usize {
        self.idle.borrow().len()
    }

    fn put(&self, mut value: T) {
        value.reset();
        let mut idle = self.idle.borrow_mut();
        if idle.len() < self.max_pooled {
            idle.push(value);
        } else {
            drop(idle);
            drop(value);
        }
    }
}

impl<T: Reset> fmt::Debug for Pool<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pool")
            .field("idle", &self.idle())
            .field("max_pooled", &self.max_pooled)
            .finish_non_exhaustive()
    }
}

/// A value from a [`Pool`]; goes back to it when dropped.
pub struct Pooled<'a, T: Reset> {
    value: Option<T>,
    pool: &'a Pool<T>,
}

impl<T: Reset> Pooled<'_, T> {
    /// Takes the value out of the pool's care.
    pub fn into_inner(mut self) -> T {
        self.value.take().expect("present until dropped")
    }
}

impl<T: Reset> Drop for Pooled<'_, T> {
    fn drop(&mut self) {
        if let Some(v) = self.value.take() {
            self.pool.put(v);
        }
    }
}

impl<T: Reset> Deref for Pooled<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        self.value.as_ref().expect("present until dropped")
    }
}

impl<T: Reset> DerefMut for Pooled<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.value.as_mut().expect("present until dropped")
    }
}

impl<T: Reset + fmt::Debug> fmt::Debug for Pooled<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Pooled").field(&**self).finish()
    }
}

/// A pool shared between threads: idle values wait in a bounded lock-free queue
/// ([`crossbeam_queue::ArrayQueue`]), so a value taken on one thread can be returned on another.
/// When the queue is full a returned value is dropped; when it is empty `get` makes a new one.
///
/// Use it for values that move between threads (buffers handed from a reader thread to workers).
/// On one thread, [`Pool`] and [`BufferPool`](crate::BufferPool) avoid the queue's atomic
/// operations.
///
/// ```
/// use pools::SharedPool;
///
/// let pool = SharedPool::new(8, || Vec::<u8>::with_capacity(4096));
/// std::thread::scope(|s| {
///     let buf = pool.get();
///     s.spawn(move || drop(buf)); // returned to the pool by another thread
/// });
/// assert_eq!(pool.idle(), 1);
/// ```
pub struct SharedPool<T: Reset> {
    idle: ArrayQueue<T>,
    make: Box<dyn Fn() -> T + Send + Sync>,
}

impl<T: Reset> SharedPool<T> {
    /// A pool keeping at most `max_pooled` (at least one) idle values, making new ones with
    /// `make`.
    pub fn new(max_pooled: usize, make: impl Fn() -> T + Send + Sync + 'static) -> Self {
        Self {
            idle: ArrayQueue::new(max_pooled.max(1)),
            make: Box::new(make),
        }
    }

    /// A pooled value, or a new one.
    #[inline]
    pub fn get(&self) -> Shared<'_, T> {
        Shared {
            value: Some(self.idle.pop().unwrap_or_else(|| (self.make)())),
            pool: self,
        }
    }

    /// Returns `value` to the pool ([reset](Reset) first); dropped if the pool is full.
    #[inline]
    pub fn put(&self, mut value: T) {
        value.reset();
        let _ = self.idle.push(value);
    }

    /// The number of idle values (a snapshot).
    pub fn idle(&self) -> usize {
        self.idle.len()
    }
}

impl<T: Reset> fmt::Debug for SharedPool<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedPool")
            .field("idle", &self.idle())
            .field("max_pooled", &self.idle.capacity())
            .finish_non_exhaustive()
    }
}

/// A value from a [`SharedPool`]; goes back to it when dropped, on whichever thread.
pub struct Shared<'a, T: Reset> {
    value: Option<T>,
    pool: &'a SharedPool<T>,
}

impl<T: Reset> Shared<'_, T> {
    /// Takes the value out of the pool's care.
    pub fn into_inner(mut self) -> T {
        self.value.take().expect("present until dropped")
    }
}

impl<T: Reset> Drop for Shared<'_, T> {
    #[inline]
    fn drop(&mut self) {
        if let Some(v) = self.value.take() {
            self.pool.put(v);
        }
    }
}

impl<T: Reset> Deref for Shared<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        self.value.as_ref().expect("present until dropped")
    }
}

impl<T: Reset> DerefMut for Shared<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.value.as_mut().expect("present until dropped")
    }
}

impl<T: Reset + fmt::Debug> fmt::Debug for Shared<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Shared").field(&**self).finish()
    }
}
