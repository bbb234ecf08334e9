//! SIMD search primitives: [`find_u64`], [`common_prefix_len`], [`all_equal`].
//!
//! Each dispatches through a [`Search`] table chosen once for [`Level::current`]; `Search::for_level`
//! gives the table of any supported level, which is how tests compare every level with the
//! reference loops in [`reference`](mod@reference), and how the benchmarks measure each level.

use crate::{Dispatch, Level};

#[cfg(all(target_arch = "aarch64", not(miri)))]
mod neon;
pub mod reference;
mod scalar;
#[cfg(all(target_arch = "x86_64", not(miri)))]
mod x86;

type PrefixFn = unsafe fn(&[u8], &[u8]) -> usize;
type FindU64Fn = unsafe fn(&[u64], u64) -> Option<usize>;

/// The search kernels of one level.
///
/// Built only by [`Search::for_level`], which clamps the level to what the CPU supports, so
/// every kernel in it may be called.
#[derive(Clone, Copy)]
pub struct Search {
    level: Level,
    common_prefix_len: PrefixFn,
    find_u64: FindU64Fn,
}

impl std::fmt::Debug for Search {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Search")
            .field("level", &self.level)
            .finish_non_exhaustive()
    }
}

static SEARCH: Dispatch<Search> = Dispatch::new(Search::for_level);

impl Search {
    /// The kernels of `level`, or of the best supported level below it.
    pub fn for_level(level: Level) -> Search {
        let level = level.clamp_to_supported();
        let s = Search {
            level,
            common_prefix_len: scalar::common_prefix_len,
            find_u64: scalar::find_u64,
        };
        #[cfg(all(target_arch = "x86_64", not(miri)))]
        let s = x86::install(s, level);
        #[cfg(all(target_arch = "aarch64", not(miri)))]
        let s = neon::install(s, level);
        s
    }

    /// The kernels chosen for this process ([`Level::current`]).
    #[inline]
    pub fn current() -> &'static Search {
        SEARCH.get()
    }

    /// The level these kernels were built for (after clamping).
    pub fn level(&self) -> Level {
        self.level
    }

    /// See [`common_prefix_len`].
    #[inline]
    pub fn common_prefix_len(&self, a: &[u8], b: &[u8]) -> usize {
        // SAFETY: `for_level` installed kernels only for features the CPU has.
        unsafe { (self.common_prefix_len)(a, b) }
    }

    /// See [`find_u64`].
    #[inline]
    pub fn find_u64(&self, haystack: &[u64], needle: u64) -> Option<usize> {
        // SAFETY: `for_level` installed kernels only for features the CPU has.
        unsafe { (self.find_u64)(haystack, needle) }
    }
}

/// The number of equal leading bytes of `a` and `b` (at most the shorter length).
///
/// Compares 16, 32 or 64 bytes per step by level. The first 8 bytes are compared inline
/// before any call through the dispatch table, so a short mismatch costs a few instructions.
///
/// ```
/// assert_eq!(simd_arch::common_prefix_len(b"hello world", b"hello there"), 6);
/// assert_eq!(simd_arch::common_prefix_len(b"abc", b"abcdef"), 3);
/// ```
#[inline]
pub fn common_prefix_len(a: &[u8], b: &[u8]) -> usize {
    if let (Some(x), Some(y)) = (a.first_chunk::<8>(), b.first_chunk::<8>()) {
        let diff = u64::from_le_bytes(*x) ^ u64::from_le_bytes(*y);
        if diff != 0 {
            return (diff.trailing_zeros() / 8) as usize;
        }
    }
    match SEARCH.get_initialized() {
        Some(s) => s.common_prefix_len(a, b),
        None => first_call::common_prefix_len(a, b),
    }
}

/// The index of the first byte where `a` and `b` differ, or `None` if one is a prefix of the
/// other (including when they are equal).
#[inline]
pub fn first_mismatch(a: &[u8], b: &[u8]) -> Option<usize> {
    let n = common_prefix_len(a, b);
    (n < a.len().min(b.len())).then_some(n)
}

/// Whether `a` and `b` are equal (same length, same bytes).
#[inline]
pub fn all_equal(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && common_prefix_len(a, b) == a.len()
}

/// The index of the first `needle` in `haystack`.
///
/// Compares 2 (SSE), 4 (AVX2) or 8 (AVX-512) entries per instruction, several instructions per
/// step: the hash-set membership check of a permission or rule list that fits in a few cache
/// lines.
///
/// ```
/// let rules = [17u64, 99, 4, 99];
/// assert_eq!(simd_arch::find_u64(&rules, 99), Some(1));
/// assert_eq!(simd_arch::find_u64(&rules, 5), None);
/// ```
#[inline]
pub fn find_u64(haystack: &[u64], needle: u64) -> Option<usize> {
    match SEARCH.get_initialized() {
        Some(s) => s.find_u64(haystack, needle),
        None => first_call::find_u64(haystack, needle),
    }
}

/// The first call of each dispatched function: chooses the table, then does the work. Out of
/// line so the hot paths stay register-free (see [`Dispatch::get_initialized`]).
mod first_call {
    use super::Search;

    #[cold]
    #[inline(never)]
    pub(super) fn common_prefix_len(a: &[u8], b: &[u8]) -> usize {
        Search::current().common_prefix_len(a, b)
    }

    #[cold]
    #[inline(never)]
    pub(super) fn find_u64(haystack: &[u64], needle: u64) -> Option<usize> {
        Search::current().find_u64(haystack, needle)
    }
}
