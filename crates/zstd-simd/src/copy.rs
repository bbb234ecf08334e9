//! Sequence-execution copies: [`wildcopy`] (literals into the output) and [`copy_match`]
//! (a match: earlier output copied forward, overlapping when the offset is shorter than the
//! length).
//!
//! The fast forms copy in 8-, 16- or 32-byte steps and may write up to [`WILDCOPY_SLACK`] bytes
//! past the end of the copy; the caller keeps that much room after its output (a decoder sizes
//! its buffer with the slack and finishes the last bytes with [`copy_match_exact`]). Each has an
//! exact form that writes nothing past the end.

use simd_arch::{Dispatch, Level};

/// How many bytes past the end of a copy the fast forms may write (and [`wildcopy`] may read
/// past the end of its source).
pub const WILDCOPY_SLACK: usize = 32;

/// A kernel for matches with an offset below 16 (the overlapping, pattern-repeating case).
type ShortOffsetFn = unsafe fn(*mut u8, usize, usize);

/// The copy kernels of one level.
///
/// Only matches with an offset below 16 differ by level: a byte shuffle builds the repeating
/// pattern. Longer offsets are plain 16-byte moves inlined at the call site at every level
/// (measured: 32-byte steps were slower than 16-byte ones at offset 100, 5.29 µs against
/// 4.81 µs per 512 matches of lengths 8-256), and [`wildcopy`] needs no level at all.
///
/// Built only by [`CopyKernels::for_level`], which clamps the level to what the CPU supports.
#[derive(Clone, Copy)]
pub struct CopyKernels {
    level: Level,
    short_offset: ShortOffsetFn,
}

impl std::fmt::Debug for CopyKernels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CopyKernels")
            .field("level", &self.level)
            .finish_non_exhaustive()
    }
}

static KERNELS: Dispatch<CopyKernels> = Dispatch::new(CopyKernels::for_level);

impl CopyKernels {
    /// The kernels of `level`, or of the best supported level below it.
    pub fn for_level(level: Level) -> CopyKernels {
        let level = level.clamp_to_supported();
        let k = CopyKernels {
            level,
            short_offset: portable::short_offset,
        };
        #[cfg(all(target_arch = "x86_64", not(miri)))]
        let k = x86::install(k, level);
        #[cfg(all(target_arch = "aarch64", not(miri)))]
        let k = neon::install(k, level);
        k
    }

    /// The kernels chosen for this process.
    #[inline]
    pub fn current() -> &'static CopyKernels {
        KERNELS.get()
    }

    /// The level these kernels were built for (after clamping).
    pub fn level(&self) -> Level {
        self.level
    }

    /// See [`copy_match`].
    #[inline]
    #[track_caller]
    pub fn copy_match(&self, buf: &mut [u8], pos: usize, offset: usize, len: usize) {
        check_match(buf.len(), pos, offset, len, WILDCOPY_SLACK);
        // SAFETY: checked above: `pos - offset .. pos + len + WILDCOPY_SLACK` lies in `buf`
        // (initialized, as a `&mut [u8]`), and `offset >= 1`.
        unsafe { self.copy_match_raw(buf.as_mut_ptr().add(pos), offset, len) }
    }

    /// See [`copy_match_raw`].
    ///
    /// # Safety
    /// As for [`copy_match_raw`].
    #[inline]
    pub unsafe fn copy_match_raw(&self, dst: *mut u8, offset: usize, len: usize) {
        if offset >= 16 {
            // SAFETY: the caller's range; `offset >= 16`.
            unsafe { portable::long_offset(dst, offset, len) }
        } else {
            // SAFETY: the caller's range; the kernel suits the CPU and takes offsets below 16.
            unsafe { (self.short_offset)(dst, offset, len) }
        }
    }
}

/// The argument check of the safe copies: a few compares inline, the message out of line.
#[inline(always)]
#[track_caller]
fn check_match(buf_len: usize, pos: usize, offset: usize, len: usize, slack: usize) {
    let fits = pos
        .checked_add(len)
        .and_then(|e| e.checked_add(slack))
        .is_some_and(|e| e <= buf_len);
    if offset == 0 || offset > pos || !fits {
        bad_match(buf_len, pos, offset, len, slack);
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn bad_match(buf_len: usize, pos: usize, offset: usize, len: usize, slack: usize) -> ! {
    if offset == 0 {
        panic!("copy_match: offset must be at least 1");
    }
    if offset > pos {
        panic!("copy_match: offset {offset} reaches before the buffer (position {pos})");
    }
    panic!(
        "copy_match: {len} bytes at {pos} plus {slack} bytes of slack do not fit a buffer of {buf_len}"
    )
}

#[inline(always)]
#[track_caller]
fn check_wildcopy(dst_len: usize, src_len: usize, len: usize) {
    if len > dst_len.min(src_len).saturating_sub(WILDCOPY_SLACK)
        || dst_len.min(src_len) < WILDCOPY_SLACK
    {
        bad_wildcopy(dst_len, src_len, len);
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn bad_wildcopy(dst_len: usize, src_len: usize, len: usize) -> ! {
    panic!(
        "wildcopy: copying {len} bytes needs {WILDCOPY_SLACK} more in both buffers (destination {dst_len}, source {src_len})"
    )
}

/// Copies `len` bytes from `buf[pos - offset..]` to `buf[pos..]` as an LZ77 match: byte by byte
/// in effect, so an `offset` shorter than `len` repeats the last `offset` bytes.
///
/// May overwrite `buf[pos + len..pos + len + WILDCOPY_SLACK]`.
///
/// # Panics
/// If `offset` is 0 or more than `pos`, or `buf` is shorter than `pos + len + WILDCOPY_SLACK`.
///
/// ```
/// use zstd_simd::{copy_match, WILDCOPY_SLACK};
///
/// let mut buf = vec![0u8; 3 + 7 + WILDCOPY_SLACK];
/// buf[..3].copy_from_slice(b"abc");
/// copy_match(&mut buf, 3, 3, 7); // offset 3, length 7: the pattern repeats
/// assert_eq!(&buf[..10], b"abcabcabca");
/// ```
#[inline]
#[track_caller]
pub fn copy_match(buf: &mut [u8], pos: usize, offset: usize, len: usize) {
    check_match(buf.len(), pos, offset, len, WILDCOPY_SLACK);
    // SAFETY: checked above: `pos - offset .. pos + len + WILDCOPY_SLACK` lies in `buf`
    // (initialized, as a `&mut [u8]`), and `offset >= 1`.
    unsafe { copy_match_raw(buf.as_mut_ptr().add(pos), offset, len) }
}

/// [`copy_match`] on raw pointers: copies `len` bytes from `dst - offset` to `dst`.
///
/// Offsets of 16 and more are copied inline; shorter ones call the level's pattern kernel.
///
/// # Safety
/// `offset >= 1`; `dst - offset .. dst + len + WILDCOPY_SLACK` lies within one allocation,
/// is initialized (the kernels may load the bytes after `dst` before writing them), and is
/// readable and writable with no other live reference to it.
#[inline]
pub unsafe fn copy_match_raw(dst: *mut u8, offset: usize, len: usize) {
    if offset >= 16 {
        // SAFETY: the caller's range; `offset >= 16`.
        return unsafe { portable::long_offset(dst, offset, len) };
    }
    match KERNELS.get_initialized() {
        // SAFETY: the caller's range; the kernel suits the CPU and takes offsets below 16.
        Some(k) => unsafe { (k.short_offset)(dst, offset, len) },
        // SAFETY: as above.
        None => unsafe { first_call_short_offset(dst, offset, len) },
    }
}

/// The first short-offset copy: chooses the kernels, then copies. Out of line so the hot path
/// saves no registers for it.
///
/// # Safety
/// As for [`copy_match_raw`], with `offset < 16`.
#[cold]
#[inline(never)]
unsafe fn first_call_short_offset(dst: *mut u8, offset: usize, len: usize) {
    // SAFETY: passed on from the caller.
    unsafe { (CopyKernels::current().short_offset)(dst, offset, len) }
}

/// [`copy_match`] without slack: writes exactly `buf[pos..pos + len]`.
///
/// For the end of an output buffer. Copies in chunks that double in size (each a non-overlapping
/// `copy_within`), so it is fast for long matches too.
///
/// # Panics
/// If `offset` is 0 or more than `pos`, or `buf` is shorter than `pos + len`.
#[track_caller]
pub fn copy_match_exact(buf: &mut [u8], pos: usize, offset: usize, len: usize) {
    check_match(buf.len(), pos, offset, len, 0);
    let start = pos - offset;
    let end = pos + len;
    let mut at = pos;
    while at < end {
        // The bytes `start..at` hold the pattern; copy as many as there are (they don't overlap
        // the destination) or as many as are left.
        let n = (at - start).min(end - at);
        buf.copy_within(start..start + n, at);
        at += n;
    }
}

/// Copies `src[..len]` to `dst[..len]` for a decoder's literal runs: up to 32 bytes with one
/// fixed 32-byte move (no call, no size branches), longer runs with `memcpy`.
///
/// May overwrite `dst[len..len + WILDCOPY_SLACK]` and read `src[len..len + WILDCOPY_SLACK]`.
/// Why the split: most literal runs are short, and there one move beats any call; on long runs
/// glibc's `memcpy` beat every loop we measured, 16- or 32-byte, SSE or AVX2 (see
/// `crates/zstd-simd/README.md`).
///
/// # Panics
/// If either slice is shorter than `len + WILDCOPY_SLACK`.
#[inline]
#[track_caller]
pub fn wildcopy(dst: &mut [u8], src: &[u8], len: usize) {
    check_wildcopy(dst.len(), src.len(), len);
    // SAFETY: checked above: `len + WILDCOPY_SLACK` bytes are writable at `dst` and readable at
    // `src`; they are distinct slices, so they do not overlap.
    unsafe { wildcopy_raw(dst.as_mut_ptr(), src.as_ptr(), len) }
}

/// [`wildcopy`] on raw pointers.
///
/// # Safety
/// `dst` is writable and `src` readable (and initialized) for `len + WILDCOPY_SLACK` bytes, and
/// those ranges do not overlap.
#[inline]
pub unsafe fn wildcopy_raw(dst: *mut u8, src: *const u8, len: usize) {
    if len <= 32 {
        // SAFETY: 32 <= len + WILDCOPY_SLACK bytes are readable at `src` and writable at `dst`.
        unsafe { portable::copy_fixed::<32>(dst, src) }
    } else if len <= 64 {
        // SAFETY: 64 <= len + WILDCOPY_SLACK bytes (len > 32).
        unsafe {
            portable::copy_fixed::<32>(dst, src);
            portable::copy_fixed::<32>(dst.add(32), src.add(32));
        }
    } else {
        // SAFETY: `len` bytes readable and writable, not overlapping (the caller's promise).
        unsafe { std::ptr::copy_nonoverlapping(src, dst, len) }
    }
}

/// The plain loops the kernels are checked against.
pub mod reference {
    /// Byte-by-byte LZ77 match copy: `buf[pos + i] = buf[pos + i - offset]` for each `i`.
    pub fn copy_match(buf: &mut [u8], pos: usize, offset: usize, len: usize) {
        for i in pos..pos + len {
            buf[i] = buf[i - offset];
        }
    }
}

/// Portable kernels: fixed-size copies that the compiler turns into 8- and 16-byte moves.
mod portable {
    use std::ptr;

    /// Copies `N` bytes; source and destination may overlap only if `src + N <= dst`.
    ///
    /// # Safety
    /// `N` bytes readable at `src` and writable at `dst`.
    #[inline(always)]
    pub(super) unsafe fn copy_fixed<const N: usize>(dst: *mut u8, src: *const u8) {
        // SAFETY: the caller guarantees both ranges; reading into a local first makes any
        // overlap harmless.
        unsafe {
            let v = ptr::read_unaligned(src.cast::<[u8; N]>());
            ptr::write_unaligned(dst.cast::<[u8; N]>(), v);
        }
    }

    /// Matches with `offset >= 16`: 16-byte steps (each read ends at or before the write it
    /// feeds). Writes at most `len + 15` bytes.
    ///
    /// # Safety
    /// As for `copy_match_raw`, with `offset >= 16`.
    #[inline(always)]
    pub(super) unsafe fn long_offset(dst: *mut u8, offset: usize, len: usize) {
        // SAFETY: (the whole body) every write ends before `dst + len + 16`; every read starts
        // `offset >= 16` bytes before its write, so it reads only bytes already final, all at
        // or after `dst - offset`.
        unsafe {
            let src = dst.sub(offset);
            if offset == 16 {
                // The period fits one register: load it once, store it repeatedly. Copying
                // chunk by chunk would make every load wait for the store just before it
                // (measured 5.2 GB/s that way).
                let pattern = ptr::read_unaligned(src.cast::<[u8; 16]>());
                let mut i = 0;
                while i < len {
                    ptr::write_unaligned(dst.add(i).cast::<[u8; 16]>(), pattern);
                    i += 16;
                }
                return;
            }
            copy_fixed::<16>(dst, src);
            let mut i = 16;
            while i < len {
                copy_fixed::<16>(dst.add(i), src.add(i));
                i += 16;
            }
        }
    }

    /// The smallest multiple of `offset` that is at least 8 (offset in 1..8).
    #[inline(always)]
    fn period_at_least_8(offset: usize) -> usize {
        offset * 8usize.div_ceil(offset)
    }

    /// Matches with `offset < 16` without a shuffle instruction.
    ///
    /// # Safety
    /// As for `copy_match_raw`, with `1 <= offset < 16`.
    pub(super) unsafe fn short_offset(dst: *mut u8, offset: usize, len: usize) {
        // SAFETY: (the whole body) every access lies in `dst - offset .. dst + len + 8`, within
        // the caller's range; every 8-byte read starts at least 8 bytes before the matching
        // write, so it reads bytes already final.
        unsafe {
            let mut i = 0;
            if offset >= 8 {
                while i < len {
                    copy_fixed::<8>(dst.add(i), dst.add(i).sub(offset));
                    i += 8;
                }
            } else {
                // Write the first bytes one at a time until the pattern covers a period of at
                // least 8 bytes (a multiple of `offset`), then copy 8 bytes at a time from one
                // period back.
                let period = period_at_least_8(offset);
                let head = (period - offset).min(len);
                while i < head {
                    *dst.add(i) = *dst.add(i).sub(offset);
                    i += 1;
                }
                while i < len {
                    copy_fixed::<8>(dst.add(i), dst.add(i).sub(period));
                    i += 8;
                }
            }
        }
    }
}

#[cfg(all(target_arch = "x86_64", not(miri)))]
mod x86 {
    use std::arch::x86_64::*;

    use super::{CopyKernels, PATTERN_MASKS};
    use simd_arch::Level;

    pub(super) fn install(mut k: CopyKernels, level: Level) -> CopyKernels {
        if level >= Level::Sse41 {
            k.short_offset = short_offset_ssse3;
        }
        k
    }

    /// Offsets below 16: build 16 bytes of the pattern with one shuffle, then store them every
    /// `16 - 16 % offset` bytes (a multiple of the offset, so the phase never changes).
    ///
    /// # Safety
    /// SSSE3 available; `1 <= offset < 16`; the caller's `copy_match_raw` range.
    #[target_feature(enable = "ssse3")]
    unsafe fn short_offset_ssse3(dst: *mut u8, offset: usize, len: usize) {
        // SAFETY: reads `dst - offset .. dst - offset + 16`, inside `dst - offset .. dst + 16`
        // (the caller's slack, initialized); the shuffle keeps only the first `offset` bytes,
        // which are final.
        let pattern = unsafe {
            let src = _mm_loadu_si128(dst.sub(offset).cast());
            let mask = _mm_loadu_si128(PATTERN_MASKS[offset].as_ptr().cast());
            _mm_shuffle_epi8(src, mask)
        };
        let step = 16 - 16 % offset;
        let mut i = 0;
        while i < len {
            // SAFETY: `i < len`, so the store ends before `dst + len + 16`.
            unsafe { _mm_storeu_si128(dst.add(i).cast(), pattern) };
            i += step;
        }
    }
}

#[cfg(all(target_arch = "aarch64", not(miri)))]
mod neon {
    use std::arch::aarch64::*;

    use super::{CopyKernels, PATTERN_MASKS};
    use simd_arch::Level;

    pub(super) fn install(mut k: CopyKernels, level: Level) -> CopyKernels {
        if level >= Level::Neon {
            k.short_offset = short_offset_neon;
        }
        k
    }

    /// As the x86 SSSE3 kernel, with a table lookup for the shuffle.
    ///
    /// # Safety
    /// NEON available; `1 <= offset < 16`; the caller's `copy_match_raw` range.
    #[target_feature(enable = "neon")]
    unsafe fn short_offset_neon(dst: *mut u8, offset: usize, len: usize) {
        // SAFETY: reads `dst - offset .. dst - offset + 16`, within the caller's slack; the
        // lookup keeps only the first `offset` (final) bytes.
        let pattern = unsafe {
            vqtbl1q_u8(
                vld1q_u8(dst.sub(offset)),
                vld1q_u8(PATTERN_MASKS[offset].as_ptr()),
            )
        };
        let step = 16 - 16 % offset;
        let mut i = 0;
        while i < len {
            // SAFETY: `i < len`: the store ends before `dst + len + 16`.
            unsafe { vst1q_u8(dst.add(i), pattern) };
            i += step;
        }
    }
}

/// For each offset below 16, the shuffle that repeats the first `offset` bytes over 16.
#[cfg(all(any(target_arch = "x86_64", target_arch = "aarch64"), not(miri)))]
static PATTERN_MASKS: [[u8; 16]; 16] = {
    let mut m = [[0u8; 16]; 16];
    let mut off = 1;
    while off < 16 {
        let mut i = 0;
        while i < 16 {
            m[off][i] = (i % off) as u8;
            i += 1;
        }
        off += 1;
    }
    m
};
