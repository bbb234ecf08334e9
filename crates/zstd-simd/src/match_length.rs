//! [`match_length`]: how far two positions of one buffer agree.

use simd_arch::Search;

/// The length of the longest common run starting at `data[a]` and `data[b]`, at most `limit`
/// and never past the end of `data`.
///
/// The positions may be in either order and the runs may overlap (a repeat at distance
/// `b - a`). Short matches cost a few instructions (the first 8 bytes are compared inline);
/// long ones are compared 16, 32 or 64 bytes at a time by `simd-arch`.
///
/// # Panics
/// If `a` or `b` is past the end of `data` (at the end, the length is 0).
///
/// ```
/// let data = b"abcabcabcX";
/// assert_eq!(zstd_simd::match_length(data, 0, 3, usize::MAX), 6);
/// assert_eq!(zstd_simd::match_length(data, 0, 3, 4), 4);
/// ```
#[inline]
#[track_caller]
pub fn match_length(data: &[u8], a: usize, b: usize, limit: usize) -> usize {
    let (x, y) = span(data, a, b, limit);
    simd_arch::common_prefix_len(x, y)
}

/// [`match_length`] with the kernels of one level (for tests and benchmarks).
#[inline]
#[track_caller]
pub fn match_length_with(search: &Search, data: &[u8], a: usize, b: usize, limit: usize) -> usize {
    let (x, y) = span(data, a, b, limit);
    search.common_prefix_len(x, y)
}

#[inline]
#[track_caller]
fn span(data: &[u8], a: usize, b: usize, limit: usize) -> (&[u8], &[u8]) {
    assert!(
        a <= data.len() && b <= data.len(),
        "match_length: position past the end of the data"
    );
    let n = limit.min(data.len() - a.max(b));
    (&data[a..a + n], &data[b..b + n])
}
