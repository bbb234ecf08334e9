//! [`literal_histogram`]: symbol statistics for Huffman table building.

/// Inputs this short are counted in one pass that also tracks the maxima.
const SMALL: usize = 64;

/// The counts of each byte value in `data`, the largest byte value present, and the largest
/// count: what a Huffman table builder needs (zstd's `HIST_count`).
///
/// For an empty input the largest symbol and count are both 0. Large inputs go through
/// `simd_arch::byte_histogram`'s parallel tables; inputs under 64 bytes are counted in one pass
/// that tracks the maxima as it goes, without zeroing or summing extra tables.
///
/// ```
/// let (counts, max_symbol, max_count) = zstd_simd::literal_histogram(b"abracadabra");
/// assert_eq!((counts[b'a' as usize], max_symbol, max_count), (5, b'r', 5));
/// ```
pub fn literal_histogram(data: &[u8]) -> ([u32; 256], u8, u32) {
    if data.len() < SMALL {
        let mut counts = [0u32; 256];
        let (mut max_symbol, mut max_count) = (0u8, 0u32);
        for &b in data {
            let c = &mut counts[b as usize];
            *c += 1;
            max_count = max_count.max(*c);
            max_symbol = max_symbol.max(b);
        }
        return (counts, max_symbol, max_count);
    }
    let counts = simd_arch::byte_histogram(data);
    let max_symbol = counts.iter().rposition(|&c| c != 0).unwrap_or(0) as u8;
    let max_count = counts.iter().copied().max().unwrap_or(0);
    (counts, max_symbol, max_count)
}
