//! [`byte_histogram`]: byte counts with parallel counter tables.

/// Below this many bytes one table is faster than zeroing and summing four.
const SMALL: usize = 256;

/// Inputs are counted in pieces of this size so no table counter can overflow `u32`.
const PIECE: usize = 1 << 30;

/// How many times each byte value occurs in `data`.
///
/// A plain `counts[byte] += 1` loop stalls whenever the same byte repeats (text: spaces, `e`):
/// each increment waits for the previous store to the same counter. This counts into four
/// tables, byte `k` of every 32-bit word into table `k`, so repeats usually land in different
/// tables, then adds the tables. Correct for any length; counts past `u32::MAX` (inputs over
/// 4 GiB of one byte value) saturate.
///
/// ```
/// let h = simd_arch::byte_histogram(b"hello");
/// assert_eq!((h[b'l' as usize], h[b'h' as usize], h[b'z' as usize]), (2, 1, 0));
/// ```
pub fn byte_histogram(data: &[u8]) -> [u32; 256] {
    histogram_in_pieces(data, PIECE)
}

fn histogram_in_pieces(data: &[u8], piece: usize) -> [u32; 256] {
    if data.len() <= piece {
        return histogram_piece(data);
    }
    let mut out = [0u32; 256];
    for chunk in data.chunks(piece) {
        for (o, c) in out.iter_mut().zip(histogram_piece(chunk)) {
            *o = o.saturating_add(c);
        }
    }
    out
}

fn histogram_piece(data: &[u8]) -> [u32; 256] {
    if data.len() < SMALL {
        return crate::search::reference::byte_histogram(data);
    }
    let mut t = [[0u32; 256]; 4];
    let mut words = data.chunks_exact(8);
    for w in &mut words {
        let x = u64::from_le_bytes(w.try_into().expect("8 bytes"));
        // `& 0xFF` keeps every index below 256, so no bounds checks remain.
        t[0][(x & 0xFF) as usize] += 1;
        t[1][(x >> 8 & 0xFF) as usize] += 1;
        t[2][(x >> 16 & 0xFF) as usize] += 1;
        t[3][(x >> 24 & 0xFF) as usize] += 1;
        t[0][(x >> 32 & 0xFF) as usize] += 1;
        t[1][(x >> 40 & 0xFF) as usize] += 1;
        t[2][(x >> 48 & 0xFF) as usize] += 1;
        t[3][(x >> 56) as usize] += 1;
    }
    for &b in words.remainder() {
        t[0][b as usize] += 1;
    }
    let mut out = [0u32; 256];
    for (i, o) in out.iter_mut().enumerate() {
        *o = t[0][i] + t[1][i] + t[2][i] + t[3][i];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_add_up() {
        let n = if cfg!(miri) { 300 } else { 10_000 };
        let data: Vec<u8> = (0..n).map(|i: u32| (i * 7 % 251) as u8).collect();
        let whole = crate::search::reference::byte_histogram(&data);
        for piece in [1, 7, 256, 299, 999, 4096, 10_000] {
            assert_eq!(histogram_in_pieces(&data, piece), whole, "piece {piece}");
        }
    }
}
