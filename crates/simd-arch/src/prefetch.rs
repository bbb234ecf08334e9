//! Prefetch hints and cache-line helpers.

pub use crossbeam_utils::CachePadded;

/// The cache-line size assumed for layout decisions, in bytes (64 on current x86_64 and
/// most aarch64 cores). [`CachePadded`] pads to 128 on x86_64 to also defeat the adjacent-line
/// prefetcher; use it to keep contended values apart.
pub const CACHE_LINE_SIZE: usize = 64;

/// How close to the core a prefetched line should land.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Locality {
    /// Into every cache level (used again soon and often): `T0` / `PLDL1KEEP`.
    L1,
    /// Into L2 and below: `T1` / `PLDL2KEEP`.
    L2,
    /// Into L3 and below: `T2` / `PLDL3KEEP`.
    L3,
    /// Minimize cache pollution (used once): `NTA` / `PLDL1STRM`.
    NonTemporal,
}

/// Hints that the cache line holding `ptr` will be read soon. A no-op where unsupported.
///
/// Prefetching never faults, so any pointer (even dangling or null) is allowed.
#[inline(always)]
pub fn prefetch_read<T>(ptr: *const T, locality: Locality) {
    #[cfg(all(target_arch = "x86_64", not(miri)))]
    {
        use std::arch::x86_64::{
            _MM_HINT_NTA, _MM_HINT_T0, _MM_HINT_T1, _MM_HINT_T2, _mm_prefetch,
        };
        let p = ptr.cast::<i8>();
        // SAFETY: `prefetcht*` is SSE (baseline on x86_64) and never faults, whatever the address.
        unsafe {
            match locality {
                Locality::L1 => _mm_prefetch::<_MM_HINT_T0>(p),
                Locality::L2 => _mm_prefetch::<_MM_HINT_T1>(p),
                Locality::L3 => _mm_prefetch::<_MM_HINT_T2>(p),
                Locality::NonTemporal => _mm_prefetch::<_MM_HINT_NTA>(p),
            }
        }
    }
    #[cfg(all(target_arch = "aarch64", not(miri)))]
    {
        // SAFETY: `prfm` is a hint: it never faults and has no architectural effect.
        unsafe {
            match locality {
                Locality::L1 => {
                    std::arch::asm!("prfm pldl1keep, [{0}]", in(reg) ptr, options(nostack, readonly, preserves_flags))
                }
                Locality::L2 => {
                    std::arch::asm!("prfm pldl2keep, [{0}]", in(reg) ptr, options(nostack, readonly, preserves_flags))
                }
                Locality::L3 => {
                    std::arch::asm!("prfm pldl3keep, [{0}]", in(reg) ptr, options(nostack, readonly, preserves_flags))
                }
                Locality::NonTemporal => {
                    std::arch::asm!("prfm pldl1strm, [{0}]", in(reg) ptr, options(nostack, readonly, preserves_flags))
                }
            }
        }
    }
    #[cfg(any(miri, not(any(target_arch = "x86_64", target_arch = "aarch64"))))]
    let _ = (ptr, locality);
}

/// Hints that the cache line holding `ptr` will be written soon. A no-op where unsupported.
///
/// On x86_64 this is `prefetchw` (the line in exclusive state) where the build enables the
/// `prfchw` target feature (`-C target-cpu` of a CPU that has it); otherwise the compiler emits
/// `prefetcht0`, a read hint for the same line (zstd-core's decoder measured `prefetchw` 1%
/// faster than it, where a line no other core holds is being filled). Never faults.
#[inline(always)]
pub fn prefetch_write<T>(ptr: *const T, locality: Locality) {
    #[cfg(all(target_arch = "x86_64", not(miri)))]
    {
        use std::arch::x86_64::{_MM_HINT_ET0, _MM_HINT_ET1, _mm_prefetch};
        let p = ptr.cast::<i8>();
        // SAFETY: prefetch hints never fault, and `prefetchw` is emitted only where the build's
        // target features include it.
        unsafe {
            match locality {
                Locality::L1 | Locality::NonTemporal => _mm_prefetch::<_MM_HINT_ET0>(p),
                Locality::L2 | Locality::L3 => _mm_prefetch::<_MM_HINT_ET1>(p),
            }
        }
    }
    #[cfg(all(target_arch = "aarch64", not(miri)))]
    {
        // SAFETY: `prfm` is a hint: it never faults and has no architectural effect.
        unsafe {
            match locality {
                Locality::L1 => {
                    std::arch::asm!("prfm pstl1keep, [{0}]", in(reg) ptr, options(nostack, readonly, preserves_flags))
                }
                Locality::L2 => {
                    std::arch::asm!("prfm pstl2keep, [{0}]", in(reg) ptr, options(nostack, readonly, preserves_flags))
                }
                Locality::L3 => {
                    std::arch::asm!("prfm pstl3keep, [{0}]", in(reg) ptr, options(nostack, readonly, preserves_flags))
                }
                Locality::NonTemporal => {
                    std::arch::asm!("prfm pstl1strm, [{0}]", in(reg) ptr, options(nostack, readonly, preserves_flags))
                }
            }
        }
    }
    #[cfg(any(miri, not(any(target_arch = "x86_64", target_arch = "aarch64"))))]
    let _ = (ptr, locality);
}

/// Rounds `n` up to a multiple of [`CACHE_LINE_SIZE`].
#[inline]
pub const fn align_to_cache_line(n: usize) -> usize {
    (n + CACHE_LINE_SIZE - 1) & !(CACHE_LINE_SIZE - 1)
}
