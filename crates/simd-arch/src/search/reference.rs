//! The plain loops every kernel is checked against: the simplest correct code, no tricks.

/// Byte-by-byte common prefix length.
pub fn common_prefix_len(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// Linear search.
pub fn find_u64(haystack: &[u64], needle: u64) -> Option<usize> {
    haystack.iter().position(|&x| x == needle)
}

/// One counter per byte value, one increment per byte.
pub fn byte_histogram(data: &[u8]) -> [u32; 256] {
    let mut h = [0u32; 256];
    for &b in data {
        h[b as usize] += 1;
    }
    h
}
