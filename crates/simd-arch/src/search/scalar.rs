//! The `Scalar` level: portable word-at-a-time code. These are `unsafe fn` only to share the
//! table's pointer type; they have no safety requirements.

/// Compares 8 bytes at a time (XOR, then count trailing zero bits).
///
/// # Safety
/// None: `unsafe` only so it shares the table's function-pointer type.
pub(super) unsafe fn common_prefix_len(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut i = 0;
    for (x, y) in a.chunks_exact(8).zip(b.chunks_exact(8)) {
        let x = u64::from_le_bytes(x.try_into().expect("8 bytes"));
        let y = u64::from_le_bytes(y.try_into().expect("8 bytes"));
        let diff = x ^ y;
        if diff != 0 {
            return i + (diff.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    i + super::reference::common_prefix_len(&a[i..], &b[i..])
}

/// Compares 4 entries per step, branching once per step.
///
/// # Safety
/// None: `unsafe` only so it shares the table's function-pointer type.
pub(super) unsafe fn find_u64(haystack: &[u64], needle: u64) -> Option<usize> {
    let mut chunks = haystack.chunks_exact(4);
    let mut base = 0;
    for c in &mut chunks {
        if c[0] == needle || c[1] == needle || c[2] == needle || c[3] == needle {
            return c.iter().position(|&x| x == needle).map(|p| base + p);
        }
        base += 4;
    }
    chunks
        .remainder()
        .iter()
        .position(|&x| x == needle)
        .map(|p| base + p)
}
