//! The multiplicative hashes zstd's match finders use, and a bulk form.
//!
//! `hashN` hashes the first `N` bytes of a little-endian word into `bits` bits by multiplying
//! with a large odd constant and keeping the top bits (the constants are libzstd's, so a table
//! built here spreads keys the way libzstd's does). `bits` must be in `1..=32`, and every hash
//! is then below `1 << bits`: a promise callers may rely on to index a table of `1 << bits`
//! entries without a check (zstd-core's `fast` and `dfast` match finders do).

const PRIME4: u32 = 2_654_435_761;
const PRIME5: u64 = 889_523_592_379;
const PRIME6: u64 = 227_718_039_650_203;
const PRIME7: u64 = 58_295_818_150_454_627;
const PRIME8: u64 = 0xCF1B_BCDC_B7A5_6463;

#[inline(always)]
fn check_bits(bits: u32) {
    debug_assert!(
        (1..=32).contains(&bits),
        "hash bits must be in 1..=32, got {bits}"
    );
}

/// Hash of 4 bytes (`u` as read little-endian) into `bits` bits.
#[inline(always)]
pub fn hash4(u: u32, bits: u32) -> u32 {
    check_bits(bits);
    u.wrapping_mul(PRIME4) >> (32 - bits)
}

/// Hash of the low 5 bytes of `u` into `bits` bits.
#[inline(always)]
pub fn hash5(u: u64, bits: u32) -> u32 {
    check_bits(bits);
    ((u << 24).wrapping_mul(PRIME5) >> (64 - bits)) as u32
}

/// Hash of the low 6 bytes of `u` into `bits` bits.
#[inline(always)]
pub fn hash6(u: u64, bits: u32) -> u32 {
    check_bits(bits);
    ((u << 16).wrapping_mul(PRIME6) >> (64 - bits)) as u32
}

/// Hash of the low 7 bytes of `u` into `bits` bits.
#[inline(always)]
pub fn hash7(u: u64, bits: u32) -> u32 {
    check_bits(bits);
    ((u << 8).wrapping_mul(PRIME7) >> (64 - bits)) as u32
}

/// Hash of all 8 bytes of `u` into `bits` bits.
#[inline(always)]
pub fn hash8(u: u64, bits: u32) -> u32 {
    check_bits(bits);
    (u.wrapping_mul(PRIME8) >> (64 - bits)) as u32
}

/// How many bytes [`hash_at`] reads for a minimum match of `mls` bytes.
#[inline(always)]
pub const fn hash_read_len(mls: u32) -> usize {
    if mls <= 4 { 4 } else { 8 }
}

/// The hash of the `mls` bytes (4 to 8; less counts as 4, more as 8) at `data[pos..]`, into
/// `bits` bits. Reads 4 bytes for `mls <= 4`, 8 otherwise.
///
/// # Panics
/// If fewer than [`hash_read_len`]`(mls)` bytes remain at `pos`.
///
/// ```
/// use zstd_simd::{hash_at, hash5};
/// let data = b"abcdefgh";
/// assert_eq!(hash_at(data, 0, 5, 17), hash5(u64::from_le_bytes(*data), 17));
/// ```
#[inline(always)]
#[track_caller]
pub fn hash_at(data: &[u8], pos: usize, mls: u32, bits: u32) -> u32 {
    if mls <= 4 {
        let w = data[pos..pos + 4].try_into().expect("4 bytes");
        return hash4(u32::from_le_bytes(w), bits);
    }
    let u = u64::from_le_bytes(data[pos..pos + 8].try_into().expect("8 bytes"));
    match mls {
        5 => hash5(u, bits),
        6 => hash6(u, bits),
        7 => hash7(u, bits),
        _ => hash8(u, bits),
    }
}

/// Fills `out[i]` with the hash of the `mls` bytes at `data[start + i..]`: one bounds check for
/// the whole run, then one load and one multiply per position.
///
/// # Panics
/// If the last position has fewer than [`hash_read_len`]`(mls)` bytes after it.
#[track_caller]
pub fn hash_bulk(data: &[u8], start: usize, mls: u32, bits: u32, out: &mut [u32]) {
    if out.is_empty() {
        return;
    }
    let need = start + out.len() - 1 + hash_read_len(mls);
    assert!(
        need <= data.len(),
        "hash_bulk: positions {start}..{} read past the data ({} bytes)",
        start + out.len(),
        data.len()
    );
    let window = &data[start..need];
    macro_rules! fill {
        ($read:expr, $hash:ident) => {
            for (i, o) in out.iter_mut().enumerate() {
                *o = $hash($read(window, i), bits);
            }
        };
    }
    // `window` holds exactly `out.len() - 1 + read_len` bytes, so every read below is in bounds
    // and the compiler can see it (`i < out.len()`).
    let r4 = |w: &[u8], i: usize| u32::from_le_bytes(w[i..i + 4].try_into().expect("4 bytes"));
    let r8 = |w: &[u8], i: usize| u64::from_le_bytes(w[i..i + 8].try_into().expect("8 bytes"));
    match mls {
        0..=4 => fill!(r4, hash4),
        5 => fill!(r8, hash5),
        6 => fill!(r8, hash6),
        7 => fill!(r8, hash7),
        _ => fill!(r8, hash8),
    }
}
