//! Valid frames, mutated (bit flips, byte changes, truncation, splicing, insertion, deletion),
//! decoded by ours and by libzstd: where libzstd decodes, ours gives the same bytes; where
//! libzstd rejects, ours rejects. The streaming decoder agrees with the whole-buffer one.

use std::io::Read;

use proptest::prelude::*;
use zstd_core::bulk::Decompressor;

use crate::support::{Rng, binary, text};

/// Output capacity for both decoders.
const CAPACITY: usize = 16 << 20;

/// A valid input: one or two frames of generated data, some with a checksum, without a
/// content size, or with a skippable frame, from libzstd at a few levels.
fn valid(seed: u64, kind: u8, len: usize, level: i32, checksum: bool) -> Vec<u8> {
    let data = match kind {
        0 => text(len, seed),
        1 => binary(len, seed),
        _ => {
            let mut r = Rng::new(seed);
            (0..len).map(|_| b"aaab"[r.below(4) as usize]).collect()
        }
    };
    let mut c = zstd::bulk::Compressor::new(level).unwrap();
    c.include_checksum(checksum).unwrap();
    let mut out = if seed % 3 == 1 {
        // No content size in the header: a mutated frame that decodes to another length is
        // still accepted, so outputs get compared more often.
        let mut e = zstd::stream::Encoder::new(Vec::new(), level).unwrap();
        e.include_checksum(checksum).unwrap();
        std::io::Write::write_all(&mut e, &data).unwrap();
        e.finish().unwrap()
    } else {
        c.compress(&data).unwrap()
    };
    if seed.is_multiple_of(4) {
        out.extend_from_slice(&0x184D_2A50u32.to_le_bytes());
        out.extend_from_slice(&2u32.to_le_bytes());
        out.extend_from_slice(b"zz");
        out.extend_from_slice(&c.compress(&data[..len / 3]).unwrap());
    }
    out
}

fn mutate(input: &mut Vec<u8>, op: u8, r: &mut Rng, donor: &[u8]) {
    if input.is_empty() {
        return;
    }
    let at = r.below(input.len() as u64) as usize;
    match op {
        0 => input[at] ^= 1 << r.below(8),
        1 => input[at] = r.below(256) as u8,
        2 => input.truncate(at),
        3 => {
            // Splice in a piece of another valid frame.
            let from = r.below(donor.len() as u64) as usize;
            let n = (r.below(64) as usize)
                .min(donor.len() - from)
                .min(input.len() - at);
            input[at..at + n].copy_from_slice(&donor[from..from + n]);
        }
        4 => {
            let n = r.below(8) as usize;
            let bytes: Vec<u8> = (0..n).map(|_| r.below(256) as u8).collect();
            input.splice(at..at, bytes);
        }
        _ => {
            let n = (r.below(16) as usize).min(input.len() - at);
            input.drain(at..at + n);
        }
    }
}

/// The typed error inside an `io::Error` from the decoder.
fn typed(e: &std::io::Error) -> Option<&zstd_core::Error> {
    e.get_ref()
        .and_then(|i| i.downcast_ref::<zstd_core::Error>())
}

/// The differences from libzstd's one-shot decoder listed in the crate's documentation
/// ("Where it differs from libzstd"), each where the format specification calls the input
/// corrupt and libzstd's one-shot decoder does not check:
/// - a Huffman stream not consumed exactly, or read past its start (libzstd's fast 4-stream
///   loop does not check where the streams end; its other Huffman loops do);
/// - a block larger than the block maximum (libzstd's streaming decoder rejects it too).
fn deliberate_difference(input: &[u8], ours: &std::io::Error) -> bool {
    match typed(ours) {
        Some(zstd_core::Error::CorruptHuffman(
            "stream not consumed exactly" | "stream shorter than its symbols",
        )) => true,
        Some(zstd_core::Error::BlockTooLarge { .. }) => zstd::stream::decode_all(input).is_err(),
        _ => false,
    }
}

fn stream_decode(input: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut d = zstd_core::stream::read::Decoder::with_buffer(input)?;
    d.window_log_max(zstd_core::WINDOW_LOG_MAX)?;
    let mut out = Vec::new();
    d.read_to_end(&mut out)?;
    Ok(out)
}

fn check(input: &[u8]) -> Result<(), TestCaseError> {
    let theirs = zstd::bulk::decompress(input, CAPACITY);
    let ours = Decompressor::new().unwrap().decompress(input, CAPACITY);
    match (&theirs, &ours) {
        (Ok(a), Ok(b)) => prop_assert!(a == b, "both decoded, outputs differ"),
        (Err(_), Err(_)) => {}
        (Ok(_), Err(e)) => prop_assert!(
            deliberate_difference(input, e),
            "libzstd decoded it, ours rejected: {e}"
        ),
        (Err(e), Ok(_)) => prop_assert!(false, "libzstd rejected it ({e}), ours decoded"),
    }
    let streamed = stream_decode(input);
    match (&ours, &streamed) {
        (Ok(a), Ok(b)) => prop_assert!(a == b, "streaming output differs"),
        (Err(_), Err(_)) => {}
        (Ok(_), Err(e)) => {
            // The streaming decoder's documented limits: a match past the window (the
            // whole-buffer decoder allows any inside the frame's output), and a window above
            // `1 << window_log_max` (the whole-buffer decoder, as libzstd's, takes window logs
            // up to 31 whatever the mantissa).
            prop_assert!(
                matches!(
                    typed(e),
                    Some(
                        zstd_core::Error::OffsetBeyondWindow { .. }
                            | zstd_core::Error::WindowTooLarge { .. }
                    )
                ),
                "bulk decoded it, streaming rejected: {e}"
            );
        }
        (Err(e), Ok(_)) => prop_assert!(false, "bulk rejected it ({e}), streaming decoded"),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 400,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn mutated_frames_agree_with_libzstd(
        seed in any::<u64>(),
        kind in 0u8..3,
        len in prop_oneof![0usize..300, 300usize..40_000, 100_000usize..300_000],
        level in prop::sample::select(vec![-3, 1, 3, 7, 19]),
        checksum in any::<bool>(),
        ops in prop::collection::vec(0u8..6, 1..4),
    ) {
        let mut input = valid(seed, kind, len, level, checksum);
        let donor = valid(seed ^ 0xD0, (kind + 1) % 3, 2_000, 3, !checksum);
        let mut r = Rng::new(seed);
        for op in ops {
            mutate(&mut input, op, &mut r, &donor);
        }
        check(&input)?;
    }

    #[test]
    fn random_bytes_after_a_header_agree_with_libzstd(
        header in prop::sample::select(vec![
            vec![0x28, 0xB5, 0x2F, 0xFD, 0x00, 0x58],
            vec![0x28, 0xB5, 0x2F, 0xFD, 0x20, 0xFF],
            vec![0x28, 0xB5, 0x2F, 0xFD, 0x64, 0x00, 0x40],
        ]),
        body in prop::collection::vec(any::<u8>(), 0..600),
    ) {
        let mut input = header;
        input.extend_from_slice(&body);
        check(&input)?;
    }
}
