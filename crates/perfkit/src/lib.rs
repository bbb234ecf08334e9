//! perfkit in one dependency: every perfkit crate re-exported as a module, each behind a cargo
//! feature of the same name (all on by default).
//!
//! ```
//! use perfkit::valvec32::ValVec32;
//!
//! let mut v: ValVec32<u64> = ValVec32::new();
//! v.extend_from_slice(&[1, 2, 3]);
//! assert_eq!(v.iter().sum::<u64>(), 6);
//! // Half the header of a `Vec`: u32 length and capacity.
//! assert_eq!(std::mem::size_of::<ValVec32<u64>>(), 16);
//! ```
//!
//! | module | feature | what it is |
//! |---|---|---|
//! | [`valvec32`] | `valvec32` | `Vec` with `u32` length and capacity (16-byte header) |
//! | [`simd_arch`] | `simd-arch` | CPU detection, dispatch, prefetch, SIMD search primitives |
//! | [`zstd_simd`] | `zstd-simd` | the zstd hot kernels |
//! | [`zstd_core`] | `zstd-core` | pure-Rust Zstandard |
//! | [`sync_prims`] | `sync-prims` | RCU map, counters, seqlock, epoch table, striped map |
//! | [`pools`] | `pools` | buffer and object pools, bump arena, allocation-free errors |
//! | [`fieldvalue`] | `fieldvalue` | Arc-shared SQL value, stream record, batched table |
//!
//! To take only part of the toolkit, turn the defaults off:
//! `perfkit = { version = "0.1", default-features = false, features = ["valvec32"] }`.

#![forbid(unsafe_code)]

#[cfg(feature = "fieldvalue")]
#[doc(inline)]
pub use fieldvalue;
#[cfg(feature = "pools")]
#[doc(inline)]
pub use pools;
#[cfg(feature = "simd-arch")]
#[doc(inline)]
pub use simd_arch;
#[cfg(feature = "sync-prims")]
#[doc(inline)]
pub use sync_prims;
#[cfg(feature = "valvec32")]
#[doc(inline)]
pub use valvec32;
#[cfg(feature = "zstd-core")]
#[doc(inline)]
pub use zstd_core;
#[cfg(feature = "zstd-simd")]
#[doc(inline)]
pub use zstd_simd;

/// The workspace README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;
