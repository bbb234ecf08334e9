//! The architecture layer of perfkit: what the CPU can do, choosing a kernel once, prefetch and
//! cache-line helpers, and SIMD search primitives.
//!
//! ```
//! use simd_arch::{common_prefix_len, find_u64, byte_histogram, Level};
//!
//! println!("dispatching to {}", Level::current()); // e.g. "avx2"
//! assert_eq!(common_prefix_len(b"permission:read", b"permission:write"), 11);
//! assert_eq!(find_u64(&[3, 1, 4, 1, 5], 4), Some(2));
//! assert_eq!(byte_histogram(b"aab")[b'a' as usize], 2);
//! ```
//!
//! Main items:
//! - [`Level`]: the SIMD level, detected once ([`Level::detected`]) and capped by the
//!   `PERFKIT_SIMD` environment variable ([`Level::current`]): `scalar`, `sse2`, `sse41`,
//!   `avx2`, `avx512` on x86_64, `neon` on aarch64. Asking for more than the CPU has gives what
//!   it has, never an illegal instruction.
//! - [`Dispatch`]: a kernel table chosen once per process; no detection on the call path.
//! - [`Search`]: the search kernels of one level ([`Search::for_level`]), for comparing levels.
//! - [`common_prefix_len`], [`first_mismatch`], [`all_equal`], [`find_u64`], [`byte_histogram`]:
//!   dispatched kernels, each checked against the plain loops in [`search::reference`].
//! - [`prefetch_read`], [`prefetch_write`], [`CACHE_LINE_SIZE`], [`CachePadded`].
//!
//! Nothing else in the workspace carries its own `std::arch` code for these jobs: `zstd-simd`
//! builds its kernels on this crate.

mod dispatch;
mod histogram;
mod level;
mod prefetch;
pub mod search;

pub use dispatch::Dispatch;
pub use histogram::byte_histogram;
pub use level::{ENV_VAR, Level};
pub use prefetch::{
    CACHE_LINE_SIZE, CachePadded, Locality, align_to_cache_line, prefetch_read, prefetch_write,
};
pub use search::{Search, all_equal, common_prefix_len, find_u64, first_mismatch};

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
