//! The kernels the Zstandard codec spends its time in, built on `simd-arch`, each with a scalar
//! reference it is tested against.
//!
//! ```
//! use zstd_simd::{copy_match, literal_histogram, match_length, WILDCOPY_SLACK};
//!
//! let data = b"to be or not to be";
//! assert_eq!(match_length(data, 0, 13, usize::MAX), 5); // "to be"
//!
//! let (counts, max_symbol, max_count) = literal_histogram(data);
//! assert_eq!((counts[b' ' as usize], max_symbol, max_count), (5, b't', 5));
//!
//! let mut out = vec![0u8; 2 + 6 + WILDCOPY_SLACK];
//! out[..2].copy_from_slice(b"ab");
//! copy_match(&mut out, 2, 2, 6);
//! assert_eq!(&out[..8], b"abababab");
//! ```
//!
//! Main items:
//! - [`match_length`]: the common run at two positions of a buffer (the match finders' inner
//!   loop), 16/32/64 bytes at a time.
//! - [`literal_histogram`]: counts, largest symbol and largest count for Huffman tables.
//! - [`wildcopy`] and [`copy_match`] (with [`copy_match_exact`] and raw forms): the copies of
//!   sequence execution, correct for every overlap; [`CopyKernels`] selects a level explicitly.
//! - [`hash4`] … [`hash8`], [`hash_at`], [`hash_bulk`]: libzstd's match-finder hashes.
//!
//! Every level the CPU supports is tested against the plain loops ([`copy::reference`] and
//! `simd_arch::search::reference`); set `PERFKIT_SIMD` to run a whole program at a lower level.

pub mod copy;
mod hash;
mod histogram;
mod match_length;

pub use copy::{
    CopyKernels, WILDCOPY_SLACK, copy_match, copy_match_exact, copy_match_raw, wildcopy,
    wildcopy_raw,
};
pub use hash::{hash_at, hash_bulk, hash_read_len, hash4, hash5, hash6, hash7, hash8};
pub use histogram::literal_histogram;
pub use match_length::{match_length, match_length_with};

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
