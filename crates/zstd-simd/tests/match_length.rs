//! match_length at every level against the byte loop.

use proptest::prelude::*;
use simd_arch::Search;
use zstd_simd::{match_length, match_length_with};

use crate::{config, levels};

fn reference(data: &[u8], a: usize, b: usize, limit: usize) -> usize {
    let mut n = 0;
    while n < limit && a.max(b) + n < data.len() && data[a + n] == data[b + n] {
        n += 1;
    }
    n
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn matches_reference(
        data in proptest::collection::vec(0u8..3, 0..400),
        a in 0usize..400,
        b in 0usize..400,
        limit in prop_oneof![Just(usize::MAX), 0usize..300],
    ) {
        let (a, b) = (a.min(data.len()), b.min(data.len()));
        let want = reference(&data, a, b, limit);
        prop_assert_eq!(match_length(&data, a, b, limit), want);
        for level in levels() {
            prop_assert_eq!(match_length_with(&Search::for_level(level), &data, a, b, limit), want, "level {}", level);
        }
    }

    #[test]
    fn long_repeats(period in 1usize..70, reps in 1usize..40, tail in any::<u8>()) {
        // A periodic buffer: position `period` matches position 0 up to the end of the repeats.
        let unit: Vec<u8> = (0..period as u8).map(|i| i.wrapping_mul(31).wrapping_add(1)).collect();
        let mut data: Vec<u8> = unit.iter().cycle().take(period * reps).copied().collect();
        data.push(tail);
        let want = reference(&data, 0, period, usize::MAX);
        for level in levels() {
            prop_assert_eq!(match_length_with(&Search::for_level(level), &data, 0, period, usize::MAX), want, "level {}", level);
        }
    }
}

#[test]
fn positions_at_the_end_and_past_it() {
    let data = b"abcabc";
    assert_eq!(match_length(data, 0, 6, 10), 0);
    assert_eq!(match_length(data, 6, 6, 10), 0);
    assert_eq!(match_length(data, 0, 3, 0), 0);
    let e = std::panic::catch_unwind(|| match_length(data, 0, 7, 10)).expect_err("past the end");
    assert!(
        e.downcast_ref::<&str>()
            .is_some_and(|m| m.contains("past the end"))
    );
}
