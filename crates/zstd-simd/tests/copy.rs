//! copy_match and wildcopy at every level against the byte loop.

use proptest::prelude::*;
use zstd_simd::copy::reference;
use zstd_simd::{CopyKernels, WILDCOPY_SLACK, copy_match_exact};

use crate::{config, levels};

/// A buffer of `history` random bytes, then room for `len` more and the slack, then a guard
/// zone of 64 bytes that must never change.
fn buffer(history: &[u8], len: usize, fill: u8) -> Vec<u8> {
    let mut buf = history.to_vec();
    buf.resize(history.len() + len + WILDCOPY_SLACK + 64, fill);
    buf
}

fn check_copy_match(history: &[u8], offset: usize, len: usize) {
    let pos = history.len();
    let mut want = buffer(history, len, 0xEE);
    reference::copy_match(&mut want, pos, offset, len);
    for level in levels() {
        let k = CopyKernels::for_level(level);
        let mut got = buffer(history, len, 0xEE);
        k.copy_match(&mut got, pos, offset, len);
        assert_eq!(
            &got[..pos + len],
            &want[..pos + len],
            "level {level} offset {offset} len {len}"
        );
        let guard = pos + len + WILDCOPY_SLACK;
        assert_eq!(
            &got[guard..],
            &want[guard..],
            "level {level} wrote past the slack (offset {offset} len {len})"
        );
    }
    let mut exact = buffer(history, len, 0xEE);
    copy_match_exact(&mut exact, pos, offset, len);
    assert_eq!(
        exact, want,
        "copy_match_exact must write exactly the match (offset {offset} len {len})"
    );
}

#[test]
fn every_offset_up_to_64_and_length_up_to_300() {
    let history: Vec<u8> = (0..100u32).map(|i| (i * 37 + 11) as u8).collect();
    let lens: Vec<usize> = if cfg!(miri) {
        vec![0, 1, 7, 16, 33]
    } else {
        (0..300).collect()
    };
    let offsets = if cfg!(miri) { 1..=20 } else { 1..=64 };
    for offset in offsets {
        for &len in &lens {
            check_copy_match(&history, offset, len);
        }
    }
}

#[test]
fn offsets_at_the_start_of_the_buffer() {
    // offset == pos: the match starts at byte 0.
    for pos in 1..if cfg!(miri) { 12 } else { 40 } {
        let history: Vec<u8> = (0..pos as u8).map(|i| i.wrapping_mul(7)).collect();
        for len in [1, 5, 16, 31, 100] {
            check_copy_match(&history, pos, len);
        }
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn random_matches(history in proptest::collection::vec(any::<u8>(), 1..200), off in 1usize..300, len in 0usize..300) {
        let offset = 1 + (off - 1) % history.len();
        check_copy_match(&history, offset, len);
    }

    #[test]
    fn wildcopy_copies_exactly_len(src in proptest::collection::vec(any::<u8>(), 0..300), cut in 0usize..40) {
        let len = src.len().saturating_sub(cut);
        let mut padded = src.clone();
        padded.resize(src.len() + WILDCOPY_SLACK, 0x11);
        let mut dst = vec![0xEEu8; len + WILDCOPY_SLACK + 64];
        zstd_simd::wildcopy(&mut dst, &padded, len);
        prop_assert_eq!(&dst[..len], &src[..len]);
        prop_assert!(dst[len + WILDCOPY_SLACK..].iter().all(|&b| b == 0xEE), "wrote past the slack");
    }
}

#[test]
fn safe_wrappers_reject_bad_arguments() {
    // Runs `f` on a fresh 100-byte buffer; returns its panic message.
    fn msg(f: impl FnOnce(&mut [u8]) + std::panic::UnwindSafe) -> String {
        let e = std::panic::catch_unwind(|| f(&mut [0u8; 100])).expect_err("must panic");
        e.downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default()
    }
    assert!(msg(|b| zstd_simd::copy_match(b, 10, 0, 5)).contains("offset must be at least 1"));
    assert!(msg(|b| zstd_simd::copy_match(b, 10, 11, 5)).contains("reaches before the buffer"));
    assert!(msg(|b| zstd_simd::copy_match(b, 10, 5, 60)).contains("do not fit"));
    assert!(msg(|b| zstd_simd::copy_match(b, 10, 5, usize::MAX)).contains("do not fit"));
    assert!(msg(|b| copy_match_exact(b, 10, 5, 91)).contains("do not fit"));
    assert!(msg(|b| zstd_simd::wildcopy(b, &[0u8; 40], 10)).contains("needs 32 more"));
    let mut buf = [0u8; 100];
    copy_match_exact(&mut buf, 10, 5, 90); // fits exactly, without slack
}
