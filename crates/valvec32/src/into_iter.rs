//! The owning iterator.

use std::fmt;
use std::iter::FusedIterator;
use std::marker::PhantomData;
use std::mem::{self, ManuallyDrop};
use std::ptr::{self, NonNull};

use crate::ValVec32;

/// The owning iterator of a [`ValVec32`]: double-ended and of exact size. Frees the buffer
/// when dropped, dropping the elements not yet yielded.
pub struct IntoIter<T> {
    // The vector's buffer, owned now by the iterator; `front..back` are not yet yielded.
    buf: NonNull<T>,
    cap: u32,
    front: u32,
    back: u32,
    _owns: PhantomData<T>,
}

// SAFETY: the iterator owns its `T`s, as the vector did.
unsafe impl<T: Send> Send for IntoIter<T> {}
// SAFETY: `&IntoIter<T>` only gives out `&T`s (through `as_slice`).
unsafe impl<T: Sync> Sync for IntoIter<T> {}

impl<T> IntoIter<T> {
    pub(crate) fn new(v: ValVec32<T>) -> Self {
        let v = ManuallyDrop::new(v);
        Self {
            buf: v.ptr,
            cap: v.cap,
            front: 0,
            back: v.len,
            _owns: PhantomData,
        }
    }

    /// The elements not yet yielded.
    pub fn as_slice(&self) -> &[T] {
        // SAFETY: `front..back` are initialized elements the iterator owns.
        unsafe {
            std::slice::from_raw_parts(
                self.buf.as_ptr().add(self.front as usize),
                (self.back - self.front) as usize,
            )
        }
    }

    /// The elements not yet yielded, mutably.
    pub fn as_mut_slice(&mut self) -> &mut [T] {
        // SAFETY: as in `as_slice`, and `&mut self` makes the access unique.
        unsafe {
            std::slice::from_raw_parts_mut(
                self.buf.as_ptr().add(self.front as usize),
                (self.back - self.front) as usize,
            )
        }
    }
}

impl<T> Iterator for IntoIter<T> {
    type Item = T;

    #[inline]
    fn next(&mut self) -> Option<T> {
        if self.front == self.back {
            return None;
        }
        let i = self.front as usize;
        self.front += 1;
        // SAFETY: `i` was in `front..back`, initialized, and leaves the range: read once.
        Some(unsafe { self.buf.as_ptr().add(i).read() })
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = (self.back - self.front) as usize;
        (n, Some(n))
    }

    #[inline]
    fn count(self) -> usize {
        self.len()
    }
}

impl<T> DoubleEndedIterator for IntoIter<T> {
    #[inline]
    fn next_back(&mut self) -> Option<T> {
        if self.front == self.back {
            return None;
        }
        self.back -= 1;
        // SAFETY: `back` was in the range, is initialized, and leaves it: read once.
        Some(unsafe { self.buf.as_ptr().add(self.back as usize).read() })
    }
}

impl<T> ExactSizeIterator for IntoIter<T> {}
impl<T> FusedIterator for IntoIter<T> {}

impl<T: Clone> Clone for IntoIter<T> {
    fn clone(&self) -> Self {
        ValVec32::from(self.as_slice()).into_iter()
    }
}

impl<T: fmt::Debug> fmt::Debug for IntoIter<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("IntoIter").field(&self.as_slice()).finish()
    }
}

impl<T> Drop for IntoIter<T> {
    fn drop(&mut self) {
        /// Frees the buffer even if an element's `Drop` panics.
        struct FreeOnDrop<T> {
            buf: NonNull<T>,
            cap: u32,
        }
        impl<T> Drop for FreeOnDrop<T> {
            fn drop(&mut self) {
                // Rebuild an empty vector over the buffer and let it free it.
                // SAFETY: the buffer came from a `ValVec32` with this capacity; length 0.
                drop(unsafe { ValVec32::from_raw_parts(self.buf.as_ptr(), 0, self.cap) });
            }
        }
        let (front, back) = (self.front as usize, self.back as usize);
        self.front = self.back;
        let _free = FreeOnDrop {
            buf: self.buf,
            cap: self.cap,
        };
        if mem::needs_drop::<T>() {
            // SAFETY: `front..back` are the initialized elements not yet yielded; each is
            // dropped once and the range was emptied first.
            unsafe {
                ptr::drop_in_place(ptr::slice_from_raw_parts_mut(
                    self.buf.as_ptr().add(front),
                    back - front,
                ))
            };
        }
    }
}
