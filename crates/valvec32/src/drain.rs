//! The draining iterator.

use std::fmt;
use std::iter::FusedIterator;
use std::ptr;

use crate::ValVec32;

/// The iterator of [`ValVec32::drain`]: yields the removed elements; the elements after the
/// range move back when it is dropped.
///
/// The vector's length is set to the start of the range while the `Drain` lives, so leaking it
/// (`mem::forget`) loses the range and the tail but never exposes moved-out slots.
pub struct Drain<'a, T> {
    vec: &'a mut ValVec32<T>,
    /// The next element to yield from the front, and one past the next from the back.
    front: u32,
    back: u32,
    /// Where the kept tail starts, and the vector's length before draining.
    tail_start: u32,
    old_len: u32,
}

impl<'a, T> Drain<'a, T> {
    pub(crate) fn new(vec: &'a mut ValVec32<T>, start: u32, end: u32) -> Self {
        let old_len = vec.len;
        vec.len = start;
        Self {
            vec,
            front: start,
            back: end,
            tail_start: end,
            old_len,
        }
    }

    /// The elements not yet yielded.
    pub fn as_slice(&self) -> &[T] {
        // SAFETY: `front..back` are initialized elements the drain still owns.
        unsafe {
            std::slice::from_raw_parts(
                self.vec.ptr.as_ptr().add(self.front as usize),
                (self.back - self.front) as usize,
            )
        }
    }
}

impl<T> Iterator for Drain<'_, T> {
    type Item = T;

    #[inline]
    fn next(&mut self) -> Option<T> {
        if self.front == self.back {
            return None;
        }
        let i = self.front as usize;
        self.front += 1;
        // SAFETY: `i` is in `front..back`, initialized, and leaves the range, so it is read once.
        Some(unsafe { self.vec.ptr.as_ptr().add(i).read() })
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = (self.back - self.front) as usize;
        (n, Some(n))
    }
}

impl<T> DoubleEndedIterator for Drain<'_, T> {
    #[inline]
    fn next_back(&mut self) -> Option<T> {
        if self.front == self.back {
            return None;
        }
        self.back -= 1;
        // SAFETY: `back` was in the range, is initialized, and leaves the range: read once.
        Some(unsafe { self.vec.ptr.as_ptr().add(self.back as usize).read() })
    }
}

impl<T> ExactSizeIterator for Drain<'_, T> {}
impl<T> FusedIterator for Drain<'_, T> {}

impl<T> Drop for Drain<'_, T> {
    fn drop(&mut self) {
        /// Moves the tail back even if dropping a remaining element panics.
        struct MoveTail<'r, 'a, T>(&'r mut Drain<'a, T>);
        impl<T> Drop for MoveTail<'_, '_, T> {
            fn drop(&mut self) {
                let d = &mut *self.0;
                let tail_len = (d.old_len - d.tail_start) as usize;
                let start = d.vec.len as usize;
                // SAFETY: `tail_start..old_len` are initialized; they move down to `start`,
                // just past the kept head (an overlapping move).
                unsafe {
                    let base = d.vec.ptr.as_ptr();
                    ptr::copy(base.add(d.tail_start as usize), base.add(start), tail_len);
                }
                d.vec.len += d.old_len - d.tail_start;
            }
        }
        let (front, back) = (self.front as usize, self.back as usize);
        self.front = self.back;
        let guard = MoveTail(self);
        // SAFETY: `front..back` are the initialized elements not yet yielded; each is dropped
        // once, and the range was emptied first.
        unsafe {
            let base = guard.0.vec.ptr.as_ptr();
            ptr::drop_in_place(ptr::slice_from_raw_parts_mut(base.add(front), back - front));
        }
        drop(guard);
    }
}

impl<T: fmt::Debug> fmt::Debug for Drain<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Drain").field(&self.as_slice()).finish()
    }
}
