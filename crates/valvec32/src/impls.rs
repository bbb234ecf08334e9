//! Trait implementations, matching those of `Vec`.

use std::borrow::{Borrow, BorrowMut};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::io;
use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};
use std::ptr;

use crate::{IntoIter, SetLenOnDrop, ValVec32};

impl<T> Deref for ValVec32<T> {
    type Target = [T];

    #[inline]
    fn deref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<T> DerefMut for ValVec32<T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut [T] {
        self.as_mut_slice()
    }
}

impl<T> Default for ValVec32<T> {
    #[inline]
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Clone> Clone for ValVec32<T> {
    fn clone(&self) -> Self {
        Self::from(self.as_slice())
    }

    fn clone_from(&mut self, source: &Self) {
        // Reuse our elements and buffer, as `Vec::clone_from` does.
        self.truncate(source.len());
        let (init, tail) = source.split_at(self.len());
        self.clone_from_slice(init);
        self.extend_from_slice(tail);
    }
}

impl<T: fmt::Debug> fmt::Debug for ValVec32<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_slice(), f)
    }
}

/// Hashes like the slice (and so like a `Vec` with the same elements), which keeps
/// `Borrow<[T]>` lookups in hash maps consistent.
impl<T: Hash> Hash for ValVec32<T> {
    #[inline]
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_slice().hash(state);
    }
}

impl<T: Eq> Eq for ValVec32<T> {}

impl<T: PartialOrd> PartialOrd for ValVec32<T> {
    #[inline]
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        self.as_slice().partial_cmp(other.as_slice())
    }
}

impl<T: Ord> Ord for ValVec32<T> {
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_slice().cmp(other.as_slice())
    }
}

macro_rules! impl_slice_eq {
    ([$($vars:tt)*] $lhs:ty, $rhs:ty) => {
        impl<T, U, $($vars)*> PartialEq<$rhs> for $lhs
        where
            T: PartialEq<U>,
        {
            #[inline]
            fn eq(&self, other: &$rhs) -> bool {
                self[..] == other[..]
            }
        }
    };
}

impl_slice_eq! { [] ValVec32<T>, ValVec32<U> }
impl_slice_eq! { [] ValVec32<T>, Vec<U> }
impl_slice_eq! { [] Vec<T>, ValVec32<U> }
impl_slice_eq! { [] ValVec32<T>, [U] }
impl_slice_eq! { [] ValVec32<T>, &[U] }
impl_slice_eq! { [] ValVec32<T>, &mut [U] }
impl_slice_eq! { [] [T], ValVec32<U> }
impl_slice_eq! { [] &[T], ValVec32<U> }
impl_slice_eq! { [const N: usize] ValVec32<T>, [U; N] }
impl_slice_eq! { [const N: usize] ValVec32<T>, &[U; N] }

impl<T> AsRef<[T]> for ValVec32<T> {
    fn as_ref(&self) -> &[T] {
        self
    }
}

impl<T> AsMut<[T]> for ValVec32<T> {
    fn as_mut(&mut self) -> &mut [T] {
        self
    }
}

impl<T> Borrow<[T]> for ValVec32<T> {
    fn borrow(&self) -> &[T] {
        self
    }
}

impl<T> BorrowMut<[T]> for ValVec32<T> {
    fn borrow_mut(&mut self) -> &mut [T] {
        self
    }
}

impl<T> Extend<T> for ValVec32<T> {
    #[track_caller]
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        let mut iter = iter.into_iter();
        self.reserve(iter.size_hint().0);
        loop {
            // Fill the room we have without touching the stored length per element.
            let room = (self.cap - self.len) as usize;
            let base = self.ptr.as_ptr();
            let mut guard = SetLenOnDrop::new(&mut self.len);
            for _ in 0..room {
                let Some(item) = iter.next() else { return };
                // SAFETY: slot `guard.local` is within capacity and uninitialized; it joins the
                // vector once written.
                unsafe { base.add(guard.local).write(item) };
                guard.local += 1;
            }
            drop(guard);
            // Full: take one more element to learn whether we need to grow at all.
            let Some(item) = iter.next() else { return };
            self.reserve(iter.size_hint().0.saturating_add(1));
            self.push(item);
        }
    }
}

impl<'a, T: Copy + 'a> Extend<&'a T> for ValVec32<T> {
    #[track_caller]
    fn extend<I: IntoIterator<Item = &'a T>>(&mut self, iter: I) {
        self.extend(iter.into_iter().copied());
    }
}

impl<T> FromIterator<T> for ValVec32<T> {
    #[track_caller]
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut v = Self::new();
        v.extend(iter);
        v
    }
}

impl<T> IntoIterator for ValVec32<T> {
    type Item = T;
    type IntoIter = IntoIter<T>;

    #[inline]
    fn into_iter(self) -> IntoIter<T> {
        IntoIter::new(self)
    }
}

impl<'a, T> IntoIterator for &'a ValVec32<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    #[inline]
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a, T> IntoIterator for &'a mut ValVec32<T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;

    #[inline]
    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

/// Moves the buffer without copying.
///
/// # Panics
/// If the `Vec` holds more than `u32::MAX` elements; [`ValVec32::try_from_vec`] returns it instead.
impl<T> From<Vec<T>> for ValVec32<T> {
    #[track_caller]
    fn from(vec: Vec<T>) -> Self {
        match Self::try_from_vec(vec) {
            Ok(v) => v,
            Err(vec) => panic!(
                "a Vec of {} elements does not fit in a ValVec32 (at most u32::MAX)",
                vec.len()
            ),
        }
    }
}

/// Moves the buffer without copying.
impl<T> From<ValVec32<T>> for Vec<T> {
    #[inline]
    fn from(v: ValVec32<T>) -> Self {
        v.into_vec()
    }
}

/// # Panics
/// If the slice is longer than `u32::MAX`.
impl<T: Clone> From<&[T]> for ValVec32<T> {
    #[track_caller]
    fn from(s: &[T]) -> Self {
        let mut v = Self::with_capacity(s.len());
        v.extend_from_slice(s);
        v
    }
}

/// # Panics
/// If the slice is longer than `u32::MAX`.
impl<T: Clone> From<&mut [T]> for ValVec32<T> {
    #[track_caller]
    fn from(s: &mut [T]) -> Self {
        Self::from(&*s)
    }
}

/// # Panics
/// If `N` is more than `u32::MAX`.
impl<T, const N: usize> From<[T; N]> for ValVec32<T> {
    #[track_caller]
    fn from(array: [T; N]) -> Self {
        let mut v = Self::with_capacity(N);
        let array = ManuallyDrop::new(array);
        // SAFETY: `v` has room for `N`; the array's elements move bitwise and the array is
        // never dropped.
        unsafe {
            ptr::copy_nonoverlapping(array.as_ptr(), v.as_mut_ptr(), N);
            v.set_len(N);
        }
        v
    }
}

/// # Panics
/// If the string is longer than `u32::MAX` bytes.
impl From<&str> for ValVec32<u8> {
    #[track_caller]
    fn from(s: &str) -> Self {
        Self::from(s.as_bytes())
    }
}

/// Appends to the vector, like `io::Write for Vec<u8>`. Running out of room (more than
/// `u32::MAX` bytes, or allocation failure) is an `io::ErrorKind::OutOfMemory` error, not a panic.
impl io::Write for ValVec32<u8> {
    #[inline]
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.try_reserve(buf.len())
            .map_err(|e| io::Error::new(io::ErrorKind::OutOfMemory, e))?;
        self.extend_from_slice(buf);
        Ok(buf.len())
    }

    #[inline]
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.write(buf).map(drop)
    }

    #[inline]
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
