//! aarch64 NEON kernels (16-byte vectors).

use std::arch::aarch64::*;

use super::Search;
use crate::Level;

pub(super) fn install(mut s: Search, level: Level) -> Search {
    if level >= Level::Neon {
        s.common_prefix_len = prefix_neon;
        s.find_u64 = find_u64_neon;
    }
    s
}

/// A 64-bit mask with 4 bits per byte of `ne` (0xFF or 0x00 each): the `shrn` narrowing trick,
/// since NEON has no byte movemask.
#[inline]
#[target_feature(enable = "neon")]
fn nibble_mask(ne: uint8x16_t) -> u64 {
    let narrowed = vshrn_n_u16::<4>(vreinterpretq_u16_u8(ne));
    vget_lane_u64::<0>(vreinterpret_u64_u8(narrowed))
}

/// `common_prefix_len` 16 bytes at a time.
///
/// # Safety
/// The CPU has NEON (`install` puts it in a table only then).
#[target_feature(enable = "neon")]
unsafe fn prefix_neon(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    if n < 16 {
        // SAFETY: the scalar kernel has no requirements.
        return unsafe { super::scalar::common_prefix_len(a, b) };
    }
    let (pa, pb) = (a.as_ptr(), b.as_ptr());
    let ne_at = |i: usize| {
        // SAFETY: callers pass `i + 16 <= n`, within both slices.
        let (va, vb) = unsafe { (vld1q_u8(pa.add(i)), vld1q_u8(pb.add(i))) };
        vmvnq_u8(vceqq_u8(va, vb))
    };
    let mut i = 0;
    while i + 16 <= n {
        let ne = ne_at(i);
        if vmaxvq_u8(ne) != 0 {
            return i + (nibble_mask(ne).trailing_zeros() / 4) as usize;
        }
        i += 16;
    }
    if i == n {
        return n;
    }
    // The final 16 bytes; those before `i` are known equal.
    let j = n - 16;
    let ne = ne_at(j);
    if vmaxvq_u8(ne) != 0 {
        j + (nibble_mask(ne).trailing_zeros() / 4) as usize
    } else {
        n
    }
}

/// `find_u64` 2 entries per compare, 8 per branch.
///
/// # Safety
/// The CPU has NEON (`install` puts it in a table only then).
#[target_feature(enable = "neon")]
unsafe fn find_u64_neon(haystack: &[u64], needle: u64) -> Option<usize> {
    let nv = vdupq_n_u64(needle);
    let (p, n) = (haystack.as_ptr(), haystack.len());
    let mut i = 0;
    while i + 8 <= n {
        // SAFETY: `i + 8 <= n`: four 16-byte loads within the slice.
        let (v0, v1, v2, v3) = unsafe {
            (
                vld1q_u64(p.add(i)),
                vld1q_u64(p.add(i + 2)),
                vld1q_u64(p.add(i + 4)),
                vld1q_u64(p.add(i + 6)),
            )
        };
        let any = vorrq_u64(
            vorrq_u64(vceqq_u64(v0, nv), vceqq_u64(v1, nv)),
            vorrq_u64(vceqq_u64(v2, nv), vceqq_u64(v3, nv)),
        );
        if vmaxvq_u32(vreinterpretq_u32_u64(any)) != 0 {
            return haystack[i..i + 8]
                .iter()
                .position(|&x| x == needle)
                .map(|k| i + k);
        }
        i += 8;
    }
    haystack[i..]
        .iter()
        .position(|&x| x == needle)
        .map(|k| i + k)
}
