//! Every kernel at every supported level against the reference loops.

use proptest::prelude::*;
use simd_arch::search::reference;
use simd_arch::{Level, Search};

fn levels() -> Vec<Search> {
    Level::supported().map(Search::for_level).collect()
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: if cfg!(miri) { 8 } else { 1024 },
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Two buffers that share a prefix of `same` bytes, then differ at one byte (or not at all),
/// sliced from unaligned offsets.
fn prefix_pair() -> impl Strategy<Value = (Vec<u8>, Vec<u8>, usize, usize)> {
    (
        0usize..300,
        0usize..40,
        0usize..64,
        0usize..64,
        any::<u8>(),
        any::<bool>(),
    )
        .prop_flat_map(|(same, extra, off_a, off_b, flip, differ)| {
            proptest::collection::vec(any::<u8>(), same + extra + 1).prop_map(move |base| {
                let mut a = vec![0xAAu8; off_a];
                a.extend_from_slice(&base);
                let mut b = vec![0x55u8; off_b];
                b.extend_from_slice(&base);
                if differ {
                    // Make byte `same` differ (flip is never 0).
                    b[off_b + same] ^= flip | 1;
                }
                (a, b, off_a, off_b)
            })
        })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn common_prefix_len_matches_reference((a, b, oa, ob) in prefix_pair(), cut_a in 0usize..8, cut_b in 0usize..8) {
        let a = &a[oa..a.len() - cut_a.min(a.len() - oa)];
        let b = &b[ob..b.len() - cut_b.min(b.len() - ob)];
        let want = reference::common_prefix_len(a, b);
        for s in levels() {
            prop_assert_eq!(s.common_prefix_len(a, b), want, "level {}", s.level());
        }
        prop_assert_eq!(simd_arch::common_prefix_len(a, b), want);
        prop_assert_eq!(simd_arch::all_equal(a, b), a == b);
        prop_assert_eq!(simd_arch::first_mismatch(a, b), a.iter().zip(b).position(|(x, y)| x != y));
    }

    #[test]
    fn random_bytes_prefix(a in proptest::collection::vec(0u8..3, 0..300), b in proptest::collection::vec(0u8..3, 0..300)) {
        let want = reference::common_prefix_len(&a, &b);
        for s in levels() {
            prop_assert_eq!(s.common_prefix_len(&a, &b), want, "level {}", s.level());
        }
    }

    #[test]
    fn find_u64_matches_reference(h in proptest::collection::vec(0u64..20, 0..300), needle in 0u64..25, start in 0usize..8) {
        let h = &h[start.min(h.len())..];
        let want = reference::find_u64(h, needle);
        for s in levels() {
            prop_assert_eq!(s.find_u64(h, needle), want, "level {}", s.level());
        }
        prop_assert_eq!(simd_arch::find_u64(h, needle), want);
    }

    #[test]
    fn byte_histogram_matches_reference(data in proptest::collection::vec(any::<u8>(), 0..3000), start in 0usize..8) {
        let data = &data[start.min(data.len())..];
        prop_assert_eq!(simd_arch::byte_histogram(data), reference::byte_histogram(data));
    }
}

#[test]
fn every_length_and_mismatch_position() {
    // Exhaustive over the boundaries of every vector width: lengths 0..=200, each mismatch.
    let a: Vec<u8> = (0..if cfg!(miri) { 40u8 } else { 200 }).collect();
    for s in levels() {
        for len in 0..=a.len() {
            assert_eq!(
                s.common_prefix_len(&a[..len], &a[..len]),
                len,
                "level {} equal len {len}",
                s.level()
            );
            for at in 0..len {
                let mut b = a[..len].to_vec();
                b[at] ^= 0x80;
                assert_eq!(
                    s.common_prefix_len(&a[..len], &b),
                    at,
                    "level {} len {len} at {at}",
                    s.level()
                );
            }
        }
    }
}

#[test]
fn find_u64_every_position() {
    for s in levels() {
        for len in 0..if cfg!(miri) { 20usize } else { 70 } {
            let h: Vec<u64> = (0..len as u64).map(|i| i * 3 + 1).collect();
            for (i, &x) in h.iter().enumerate() {
                assert_eq!(s.find_u64(&h, x), Some(i), "level {} len {len}", s.level());
            }
            assert_eq!(s.find_u64(&h, 0), None);
            // Halves of the needle matching separately must not count (the SSE2 trick).
            let tricky: Vec<u64> = vec![0x0000_0001_0000_0002; len];
            assert_eq!(
                s.find_u64(&tricky, 0x0000_0002_0000_0001),
                None,
                "level {}",
                s.level()
            );
            assert_eq!(
                s.find_u64(&tricky, 0x0000_0001_0000_0001),
                None,
                "level {}",
                s.level()
            );
        }
    }
}

#[test]
fn histogram_of_one_repeated_byte() {
    let n = if cfg!(miri) { 3_000 } else { 100_000 };
    let data = vec![b'e'; n];
    let h = simd_arch::byte_histogram(&data);
    assert_eq!(h[b'e' as usize] as usize, n);
    assert_eq!(h.iter().map(|&c| c as usize).sum::<usize>(), n);
}

#[test]
fn prefetch_accepts_any_pointer() {
    use simd_arch::{Locality, prefetch_read, prefetch_write};
    let data = [1u8; 64];
    for l in [
        Locality::L1,
        Locality::L2,
        Locality::L3,
        Locality::NonTemporal,
    ] {
        prefetch_read(data.as_ptr(), l);
        prefetch_write(data.as_ptr(), l);
        prefetch_read(std::ptr::null::<u8>(), l);
        prefetch_write(std::ptr::without_provenance::<u64>(usize::MAX), l);
    }
    assert_eq!(
        simd_arch::align_to_cache_line(1),
        simd_arch::CACHE_LINE_SIZE
    );
    assert_eq!(simd_arch::align_to_cache_line(64), 64);
}
