//! x86_64 kernels: SSE2, SSE4.1, AVX2 and AVX-512 (F/BW/VL).
//!
//! Each kernel is a `#[target_feature]` function; [`install`] puts one in a [`Search`] table only
//! when the (already clamped) level includes its features.

use std::arch::x86_64::*;

use super::Search;
use crate::Level;

pub(super) fn install(mut s: Search, level: Level) -> Search {
    if level >= Level::Sse2 {
        s.common_prefix_len = prefix_sse2;
        s.find_u64 = find_u64_sse2;
    }
    if level >= Level::Sse41 {
        s.find_u64 = find_u64_sse41;
    }
    if level >= Level::Avx2 {
        s.common_prefix_len = prefix_avx2;
        s.find_u64 = find_u64_avx2;
    }
    if level >= Level::Avx512 {
        s.common_prefix_len = prefix_avx512;
        s.find_u64 = find_u64_avx512;
    }
    s
}

// ----- common_prefix_len ---------------------------------------------------------------------

/// A bit per byte of the 16 at `pa`/`pb`: set where they are equal.
///
/// # Safety
/// 16 bytes are readable at `pa` and at `pb`.
#[inline]
#[target_feature(enable = "sse2")]
unsafe fn eq16(pa: *const u8, pb: *const u8) -> u32 {
    // SAFETY: the caller guarantees 16 readable bytes at each pointer; loadu needs no alignment.
    let (va, vb) = unsafe { (_mm_loadu_si128(pa.cast()), _mm_loadu_si128(pb.cast())) };
    _mm_movemask_epi8(_mm_cmpeq_epi8(va, vb)) as u32
}

/// A bit per byte of the 32 at `pa`/`pb`: set where they are equal.
///
/// # Safety
/// 32 bytes are readable at `pa` and at `pb`.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn eq32(pa: *const u8, pb: *const u8) -> u32 {
    // SAFETY: the caller guarantees 32 readable bytes at each pointer; loadu needs no alignment.
    let (va, vb) = unsafe { (_mm256_loadu_si256(pa.cast()), _mm256_loadu_si256(pb.cast())) };
    _mm256_movemask_epi8(_mm256_cmpeq_epi8(va, vb)) as u32
}

/// `common_prefix_len` 16 bytes at a time (64 per branch past the first 16).
///
/// # Safety
/// The CPU has SSE2 (`install` puts it in a table only then).
#[target_feature(enable = "sse2")]
unsafe fn prefix_sse2(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    if n < 16 {
        // SAFETY: the scalar kernel has no requirements.
        return unsafe { super::scalar::common_prefix_len(a, b) };
    }
    let (pa, pb) = (a.as_ptr(), b.as_ptr());
    // The first 16 bytes alone: most candidate matches end there.
    // SAFETY: `n >= 16`.
    let m = unsafe { eq16(pa, pb) };
    if m != 0xFFFF {
        return (!m).trailing_zeros() as usize;
    }
    let mut i = 16;
    // Then 64 bytes a step: four compares ANDed, one branch.
    while i + 64 <= n {
        // SAFETY: `i + 64 <= n`: four 16-byte loads from each slice.
        let (e0, e1, e2, e3) = unsafe {
            let eq = |k: usize| {
                _mm_cmpeq_epi8(
                    _mm_loadu_si128(pa.add(i + k).cast()),
                    _mm_loadu_si128(pb.add(i + k).cast()),
                )
            };
            (eq(0), eq(16), eq(32), eq(48))
        };
        let all = _mm_and_si128(_mm_and_si128(e0, e1), _mm_and_si128(e2, e3));
        if _mm_movemask_epi8(all) != 0xFFFF {
            let masks = [e0, e1, e2, e3].map(|e| _mm_movemask_epi8(e) as u32);
            let (k, m) = masks
                .iter()
                .enumerate()
                .find(|(_, m)| **m != 0xFFFF)
                .expect("one block differs");
            return i + 16 * k + (!m).trailing_zeros() as usize;
        }
        i += 64;
    }
    while i + 16 <= n {
        // SAFETY: `i + 16 <= n`, within both slices.
        let m = unsafe { eq16(pa.add(i), pb.add(i)) };
        if m != 0xFFFF {
            return i + (!m).trailing_zeros() as usize;
        }
        i += 16;
    }
    if i == n {
        return n;
    }
    // The last partial block: compare the final 16 bytes; the ones before `i` are known equal.
    let j = n - 16;
    // SAFETY: `j + 16 == n`, within both slices.
    let m = unsafe { eq16(pa.add(j), pb.add(j)) };
    if m != 0xFFFF {
        j + (!m).trailing_zeros() as usize
    } else {
        n
    }
}

/// `common_prefix_len` 32 bytes at a time (64 per branch).
///
/// # Safety
/// The CPU has AVX2, BMI1, BMI2 and LZCNT (`install` puts it in a table only then).
#[target_feature(enable = "avx2,bmi1,bmi2,lzcnt")]
unsafe fn prefix_avx2(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    if n < 32 {
        // SAFETY: SSE2 is included in AVX2.
        return unsafe { prefix_sse2(a, b) };
    }
    let (pa, pb) = (a.as_ptr(), b.as_ptr());
    let mut i = 0;
    // 64 bytes a step: two compares, one branch.
    while i + 64 <= n {
        // SAFETY: `i + 64 <= n`, within both slices.
        let (m0, m1) = unsafe {
            (
                eq32(pa.add(i), pb.add(i)),
                eq32(pa.add(i + 32), pb.add(i + 32)),
            )
        };
        if m0 & m1 != u32::MAX {
            return if m0 != u32::MAX {
                i + (!m0).trailing_zeros() as usize
            } else {
                i + 32 + (!m1).trailing_zeros() as usize
            };
        }
        i += 64;
    }
    if i + 32 <= n {
        // SAFETY: `i + 32 <= n`.
        let m = unsafe { eq32(pa.add(i), pb.add(i)) };
        if m != u32::MAX {
            return i + (!m).trailing_zeros() as usize;
        }
        i += 32;
    }
    if i == n {
        return n;
    }
    let j = n - 32;
    // SAFETY: `j + 32 == n`; the bytes before `i` are known equal.
    let m = unsafe { eq32(pa.add(j), pb.add(j)) };
    if m != u32::MAX {
        j + (!m).trailing_zeros() as usize
    } else {
        n
    }
}

/// `common_prefix_len` with masked 64-byte steps (no scalar tail) and 128-byte steps on long
/// runs.
///
/// # Safety
/// The CPU has AVX-512 F/BW/VL and the AVX2 level's features (`install` checks).
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx2,bmi1,bmi2,lzcnt")]
unsafe fn prefix_avx512(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let (pa, pb) = (a.as_ptr(), b.as_ptr());
    // One (masked) 64-byte step first: most candidate matches end within it, and loading 128
    // bytes of each side for them measured slower than AVX2.
    let mut i = 0;
    while i < n {
        let rest = n - i;
        let mask: u64 = if rest >= 64 {
            u64::MAX
        } else {
            (1u64 << rest) - 1
        };
        // SAFETY: only the `min(rest, 64)` bytes selected by `mask` are read, all within both
        // slices; AVX-512 masked loads suppress faults on the others.
        let ne = unsafe {
            let va = _mm512_maskz_loadu_epi8(mask, pa.add(i).cast());
            let vb = _mm512_maskz_loadu_epi8(mask, pb.add(i).cast());
            _mm512_mask_cmpneq_epi8_mask(mask, va, vb)
        };
        if ne != 0 {
            return i + ne.trailing_zeros() as usize;
        }
        i += 64;
        // Long runs: 128 bytes a step, then back to the masked steps for the rest.
        while i + 128 <= n {
            // SAFETY: `i + 128 <= n`, within both slices.
            let (ne0, ne1) = unsafe {
                let a0 = _mm512_loadu_si512(pa.add(i).cast());
                let b0 = _mm512_loadu_si512(pb.add(i).cast());
                let a1 = _mm512_loadu_si512(pa.add(i + 64).cast());
                let b1 = _mm512_loadu_si512(pb.add(i + 64).cast());
                (
                    _mm512_cmpneq_epi8_mask(a0, b0),
                    _mm512_cmpneq_epi8_mask(a1, b1),
                )
            };
            if ne0 | ne1 != 0 {
                return if ne0 != 0 {
                    i + ne0.trailing_zeros() as usize
                } else {
                    i + 64 + ne1.trailing_zeros() as usize
                };
            }
            i += 128;
        }
    }
    n
}

// ----- find_u64 --------------------------------------------------------------------------------

/// The scalar tail of the vector loops.
#[inline(always)]
fn find_tail(haystack: &[u64], from: usize, needle: u64) -> Option<usize> {
    haystack[from..]
        .iter()
        .position(|&x| x == needle)
        .map(|p| from + p)
}

/// SSE2 has no 64-bit compare: compare the 32-bit halves and AND each with its neighbour.
#[inline]
#[target_feature(enable = "sse2")]
fn cmpeq64_sse2(v: __m128i, needle: __m128i) -> __m128i {
    let e = _mm_cmpeq_epi32(v, needle);
    _mm_and_si128(e, _mm_shuffle_epi32::<0b10_11_00_01>(e))
}

/// Two bits (one per 64-bit lane) of a compare result.
#[inline]
#[target_feature(enable = "sse2")]
fn mask2(e: __m128i) -> u32 {
    _mm_movemask_pd(_mm_castsi128_pd(e)) as u32
}

/// The shared shape of the 16-byte-vector loops: 8 entries (4 vectors) a step, one branch.
macro_rules! find_u64_128 {
    ($name:ident, $feature:literal, $cmpeq:expr) => {
        /// `find_u64` with 16-byte vectors, 8 entries per branch.
        ///
        /// # Safety
        /// The CPU has the kernel's target feature (`install` puts it in a table only then).
        #[target_feature(enable = $feature)]
        unsafe fn $name(haystack: &[u64], needle: u64) -> Option<usize> {
            let nv = _mm_set1_epi64x(needle as i64);
            let (p, n) = (haystack.as_ptr(), haystack.len());
            let mut i = 0;
            while i + 8 <= n {
                // SAFETY: `i + 8 <= n`: four 16-byte loads within the slice.
                let (v0, v1, v2, v3) = unsafe {
                    (
                        _mm_loadu_si128(p.add(i).cast()),
                        _mm_loadu_si128(p.add(i + 2).cast()),
                        _mm_loadu_si128(p.add(i + 4).cast()),
                        _mm_loadu_si128(p.add(i + 6).cast()),
                    )
                };
                let (e0, e1, e2, e3) = (
                    $cmpeq(v0, nv),
                    $cmpeq(v1, nv),
                    $cmpeq(v2, nv),
                    $cmpeq(v3, nv),
                );
                let any = _mm_or_si128(_mm_or_si128(e0, e1), _mm_or_si128(e2, e3));
                if _mm_movemask_epi8(any) != 0 {
                    let m = mask2(e0) | mask2(e1) << 2 | mask2(e2) << 4 | mask2(e3) << 6;
                    return Some(i + m.trailing_zeros() as usize);
                }
                i += 8;
            }
            find_tail(haystack, i, needle)
        }
    };
}

find_u64_128!(find_u64_sse2, "sse2", cmpeq64_sse2);
find_u64_128!(find_u64_sse41, "sse4.1", _mm_cmpeq_epi64);

/// `find_u64` 4 entries per compare, 16 per branch.
///
/// # Safety
/// The CPU has AVX2, BMI1, BMI2 and LZCNT (`install` puts it in a table only then).
#[target_feature(enable = "avx2,bmi1,bmi2,lzcnt")]
unsafe fn find_u64_avx2(haystack: &[u64], needle: u64) -> Option<usize> {
    let nv = _mm256_set1_epi64x(needle as i64);
    let (p, n) = (haystack.as_ptr(), haystack.len());
    let mask4 = |e: __m256i| _mm256_movemask_pd(_mm256_castsi256_pd(e)) as u32;
    let mut i = 0;
    // 16 entries a step: four compares ORed, one branch.
    while i + 16 <= n {
        // SAFETY: `i + 16 <= n`: four 32-byte loads within the slice.
        let (e0, e1, e2, e3) = unsafe {
            let eq = |k: usize| _mm256_cmpeq_epi64(_mm256_loadu_si256(p.add(i + k).cast()), nv);
            (eq(0), eq(4), eq(8), eq(12))
        };
        let any = _mm256_or_si256(_mm256_or_si256(e0, e1), _mm256_or_si256(e2, e3));
        if _mm256_testz_si256(any, any) == 0 {
            let m = mask4(e0) | mask4(e1) << 4 | mask4(e2) << 8 | mask4(e3) << 12;
            return Some(i + m.trailing_zeros() as usize);
        }
        i += 16;
    }
    while i + 8 <= n {
        // SAFETY: `i + 8 <= n`: two 32-byte loads within the slice.
        let (v0, v1) = unsafe {
            (
                _mm256_loadu_si256(p.add(i).cast()),
                _mm256_loadu_si256(p.add(i + 4).cast()),
            )
        };
        let m = mask4(_mm256_cmpeq_epi64(v0, nv)) | mask4(_mm256_cmpeq_epi64(v1, nv)) << 4;
        if m != 0 {
            return Some(i + m.trailing_zeros() as usize);
        }
        i += 8;
    }
    if i + 4 <= n {
        // SAFETY: `i + 4 <= n`.
        let v = unsafe { _mm256_loadu_si256(p.add(i).cast()) };
        let m = mask4(_mm256_cmpeq_epi64(v, nv));
        if m != 0 {
            return Some(i + m.trailing_zeros() as usize);
        }
        i += 4;
    }
    find_tail(haystack, i, needle)
}

/// `find_u64` 8 entries per compare, 32 per branch, masked loads for the tail.
///
/// # Safety
/// The CPU has AVX-512 F/BW/VL and the AVX2 level's features (`install` checks).
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx2,bmi1,bmi2,lzcnt")]
unsafe fn find_u64_avx512(haystack: &[u64], needle: u64) -> Option<usize> {
    let nv = _mm512_set1_epi64(needle as i64);
    let (p, n) = (haystack.as_ptr(), haystack.len());
    let mut i = 0;
    // 32 entries a step: four compares into mask registers, one branch.
    while i + 32 <= n {
        // SAFETY: `i + 32 <= n`: four 64-byte loads within the slice.
        let (m0, m1, m2, m3) = unsafe {
            let eq =
                |k: usize| _mm512_cmpeq_epi64_mask(_mm512_loadu_si512(p.add(i + k).cast()), nv);
            (eq(0), eq(8), eq(16), eq(24))
        };
        // One test of the ORed masks; the position is built only on a hit.
        if m0 | m1 | m2 | m3 != 0 {
            let m = u32::from(m0) | u32::from(m1) << 8 | u32::from(m2) << 16 | u32::from(m3) << 24;
            return Some(i + m.trailing_zeros() as usize);
        }
        i += 32;
    }
    while i + 16 <= n {
        // SAFETY: `i + 16 <= n`: two 64-byte loads within the slice.
        let (v0, v1) = unsafe {
            (
                _mm512_loadu_si512(p.add(i).cast()),
                _mm512_loadu_si512(p.add(i + 8).cast()),
            )
        };
        let m =
            _mm512_cmpeq_epi64_mask(v0, nv) as u32 | (_mm512_cmpeq_epi64_mask(v1, nv) as u32) << 8;
        if m != 0 {
            return Some(i + m.trailing_zeros() as usize);
        }
        i += 16;
    }
    while i < n {
        let rest = n - i;
        let mask: u8 = if rest >= 8 {
            u8::MAX
        } else {
            (1u8 << rest) - 1
        };
        // SAFETY: only the selected `min(rest, 8)` entries are read, all within the slice;
        // masked loads suppress faults on the others.
        let v = unsafe { _mm512_maskz_loadu_epi64(mask, p.add(i).cast()) };
        let m = _mm512_mask_cmpeq_epi64_mask(mask, v, nv);
        if m != 0 {
            return Some(i + m.trailing_zeros() as usize);
        }
        i += 8;
    }
    None
}
