//! Choosing an implementation once: [`Dispatch`].

use std::fmt;
use std::sync::OnceLock;

use crate::Level;

/// A table of kernels (usually a struct of function pointers) chosen once, on first use, for
/// [`Level::current`].
///
/// The per-call cost is one atomic load and a predictable branch (the `OnceLock` check), then
/// the call through the table: no feature detection, no environment read. A crate declares its
/// table as a static:
///
/// ```
/// use simd_arch::{Dispatch, Level};
///
/// struct Kernels {
///     sum: fn(&[u32]) -> u32,
/// }
///
/// fn sum_scalar(v: &[u32]) -> u32 {
///     v.iter().copied().fold(0, u32::wrapping_add)
/// }
///
/// impl Kernels {
///     // Called once, with the level the process dispatches to (already clamped to the CPU).
///     fn for_level(_level: Level) -> Kernels {
///         Kernels { sum: sum_scalar }
///     }
/// }
///
/// static KERNELS: Dispatch<Kernels> = Dispatch::new(Kernels::for_level);
///
/// fn sum(v: &[u32]) -> u32 {
///     (KERNELS.get().sum)(v)
/// }
/// assert_eq!(sum(&[1, 2, 3]), 6);
/// ```
///
/// A table that holds `#[target_feature]` functions stores them as `unsafe fn` pointers and
/// installs one only when the level passed to `select` includes its features; `select` always
/// receives a level the CPU supports, so calling through the table is sound. Tests and
/// benchmarks that want a particular level call the same `select` function with it (after
/// [`Level::clamp_to_supported`]).
pub struct Dispatch<T: 'static> {
    cell: OnceLock<T>,
    select: fn(Level) -> T,
}

impl<T: 'static> Dispatch<T> {
    /// A table that `select` fills on first use.
    pub const fn new(select: fn(Level) -> T) -> Self {
        Self {
            cell: OnceLock::new(),
            select,
        }
    }

    /// The table for [`Level::current`], chosen on the first call.
    #[inline]
    pub fn get(&self) -> &T {
        match self.cell.get() {
            Some(table) => table,
            None => self.init(),
        }
    }

    /// The table if it was already chosen; `None` before the first [`get`](Self::get).
    ///
    /// For the hottest paths: try this, and fall back to a `#[cold]` function that calls `get`
    /// and does the work itself. Each path then ends in its own tail call, and the hot one
    /// saves no registers for the initialization it never runs (measured: five pushes and pops
    /// per call otherwise, since the paths would rejoin before the call through the table).
    #[inline]
    pub fn get_initialized(&self) -> Option<&T> {
        self.cell.get()
    }

    /// The first call: out of line.
    #[cold]
    #[inline(never)]
    fn init(&self) -> &T {
        self.cell.get_or_init(|| (self.select)(Level::current()))
    }
}

impl<T: 'static> fmt::Debug for Dispatch<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Dispatch")
            .field("chosen", &self.cell.get().is_some())
            .finish()
    }
}
