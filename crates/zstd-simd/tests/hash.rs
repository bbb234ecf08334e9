//! The hashes: range, the bytes they depend on, the bulk form, and libzstd's values.

use proptest::prelude::*;
use zstd_simd::{hash_at, hash_bulk, hash_read_len, hash4, hash5, hash6, hash7, hash8};

use crate::config;

#[test]
fn known_values() {
    // Computed by hand from libzstd's definitions (zstd_compress_internal.h):
    // hash4(u, h) = (u * 2654435761) >> (32 - h), on a 32-bit product.
    assert_eq!(hash4(1, 32), 2_654_435_761);
    assert_eq!(hash4(1, 16), 2_654_435_761 >> 16);
    // hash8(u, h) = (u * 0xCF1BBCDCB7A56463) >> (64 - h), on a 64-bit product.
    assert_eq!(hash8(1, 32), (0xCF1B_BCDC_B7A5_6463u64 >> 32) as u32);
    // hash5(u, h) = ((u << 24) * 889523592379) >> (64 - h).
    assert_eq!(
        hash5(1, 20),
        ((1u64 << 24).wrapping_mul(889_523_592_379) >> 44) as u32
    );
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn each_hash_reads_only_its_bytes(u in any::<u64>(), junk in any::<u64>(), bits in 1u32..=32) {
        let keep = |n: u32| if n == 8 { u64::MAX } else { (1u64 << (8 * n)) - 1 };
        let other = |n: u32| (u & keep(n)) | (junk & !keep(n));
        prop_assert_eq!(hash5(u, bits), hash5(other(5), bits));
        prop_assert_eq!(hash6(u, bits), hash6(other(6), bits));
        prop_assert_eq!(hash7(u, bits), hash7(other(7), bits));
        for h in [hash4(u as u32, bits), hash5(u, bits), hash6(u, bits), hash7(u, bits), hash8(u, bits)] {
            prop_assert!(bits == 32 || h < (1u32 << bits));
        }
    }

    #[test]
    fn bulk_equals_single(data in proptest::collection::vec(any::<u8>(), 8..300), mls in 3u32..=9, bits in 1u32..=32, start in 0usize..50) {
        let start = start.min(data.len() - 8);
        let count = data.len() - start - hash_read_len(mls) + 1;
        let mut out = vec![0u32; count];
        hash_bulk(&data, start, mls, bits, &mut out);
        for (i, &h) in out.iter().enumerate() {
            prop_assert_eq!(h, hash_at(&data, start + i, mls, bits));
        }
    }
}

#[test]
fn hash_at_reads_little_endian() {
    let data = *b"\x01\x02\x03\x04\x05\x06\x07\x08\x09";
    assert_eq!(hash_at(&data, 0, 4, 20), hash4(0x0403_0201, 20));
    assert_eq!(hash_at(&data, 1, 8, 20), hash8(0x0908_0706_0504_0302, 20));
    assert_eq!(hash_at(&data, 0, 6, 20), hash6(0x0807_0605_0403_0201, 20));
}

#[test]
fn bulk_rejects_reads_past_the_end() {
    let data = [0u8; 16];
    let mut out = [0u32; 10];
    assert!(std::panic::catch_unwind(move || hash_bulk(&data, 0, 8, 12, &mut out)).is_err());
    let mut ok = [0u32; 9];
    hash_bulk(&data, 0, 8, 12, &mut ok);
    let mut empty: [u32; 0] = [];
    hash_bulk(&data, 100, 8, 12, &mut empty);
}

#[test]
fn spreads_sequential_keys() {
    // 4096 consecutive 4-byte keys into 2^12 buckets: a multiplicative hash should fill most of
    // them (a weak one, like the low bits of the key, would fill only a few).
    let mut seen = vec![false; 1 << 12];
    for k in 0u32..4096 {
        seen[hash4(k * 0x0101, 12) as usize] = true;
    }
    let filled = seen.iter().filter(|&&s| s).count();
    assert!(filled > 2500, "only {filled} of 4096 buckets used");
}
