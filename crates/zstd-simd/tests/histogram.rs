//! literal_histogram against a plain count.

use proptest::prelude::*;
use zstd_simd::literal_histogram;

use crate::config;

fn reference(data: &[u8]) -> ([u32; 256], u8, u32) {
    let mut counts = [0u32; 256];
    for &b in data {
        counts[b as usize] += 1;
    }
    let max_symbol = data.iter().copied().max().unwrap_or(0);
    (
        counts,
        max_symbol,
        counts.iter().copied().max().unwrap_or(0),
    )
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn matches_reference(data in prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..2000),
        proptest::collection::vec(0u8..4, 0..2000),
        proptest::collection::vec(Just(b'x'), 0..200),
    ]) {
        prop_assert_eq!(literal_histogram(&data), reference(&data));
    }
}

#[test]
fn boundaries() {
    assert_eq!(literal_histogram(&[]), ([0; 256], 0, 0));
    assert_eq!(literal_histogram(&[0]).1, 0);
    assert_eq!(literal_histogram(&[255]).1, 255);
    for len in [62, 63, 64, 65, 255, 256, 257] {
        let data: Vec<u8> = (0..len).map(|i| (i % 7) as u8).collect();
        assert_eq!(literal_histogram(&data), reference(&data), "len {len}");
    }
}
