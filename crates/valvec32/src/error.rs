//! The errors of the fallible (`try_*`) methods.

use std::alloc::Layout;
use std::fmt;

/// Why a `try_*` method of [`ValVec32`](crate::ValVec32) could not make room.
///
/// The infallible methods (`push`, `reserve`, …) panic with the same message for
/// [`CapacityOverflow`](TryReserveErrorKind::CapacityOverflow), and call
/// [`std::alloc::handle_alloc_error`] for [`AllocError`](TryReserveErrorKind::AllocError),
/// as `Vec` does.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct TryReserveError {
    kind: TryReserveErrorKind,
}

/// The two ways a reservation can fail.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum TryReserveErrorKind {
    /// The requested length is more than `u32::MAX` elements, or more than `isize::MAX` bytes.
    CapacityOverflow,
    /// The allocator refused a request of this layout.
    AllocError {
        /// The layout that was asked for.
        layout: Layout,
    },
}

impl TryReserveError {
    pub(crate) const fn capacity_overflow() -> Self {
        Self {
            kind: TryReserveErrorKind::CapacityOverflow,
        }
    }

    pub(crate) const fn alloc_error(layout: Layout) -> Self {
        Self {
            kind: TryReserveErrorKind::AllocError { layout },
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> TryReserveErrorKind {
        self.kind.clone()
    }
}

impl fmt::Display for TryReserveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            TryReserveErrorKind::CapacityOverflow => f.write_str(CAPACITY_OVERFLOW),
            TryReserveErrorKind::AllocError { layout } => write!(
                f,
                "memory allocation of {} bytes (alignment {}) failed",
                layout.size(),
                layout.align()
            ),
        }
    }
}

impl std::error::Error for TryReserveError {}

/// The panic message of the infallible methods when a length would pass `u32::MAX`.
pub(crate) const CAPACITY_OVERFLOW: &str = "capacity overflow: a ValVec32 holds at most u32::MAX (4294967295) elements and isize::MAX bytes";

/// The error of [`ValVec32::try_push`](crate::ValVec32::try_push): the reason, and the value
/// that could not be stored, handed back so nothing is lost.
#[derive(Clone, PartialEq, Eq)]
pub struct TryPushError<T> {
    pub(crate) value: T,
    pub(crate) error: TryReserveError,
}

impl<T> TryPushError<T> {
    /// The value that was not pushed.
    pub fn into_value(self) -> T {
        self.value
    }

    /// Why it was not pushed.
    pub fn error(&self) -> &TryReserveError {
        &self.error
    }
}

impl<T> fmt::Debug for TryPushError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The value is left out so the error is printable for every `T`.
        f.debug_struct("TryPushError")
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

impl<T> fmt::Display for TryPushError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "could not push: {}", self.error)
    }
}

impl<T> std::error::Error for TryPushError<T> {}
