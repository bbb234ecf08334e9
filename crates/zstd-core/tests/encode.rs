//! The encoder: every frame it writes decodes byte-exact with libzstd and with our decoder.

use proptest::prelude::*;

use crate::support::{binary, files, shared, text};

/// Compresses `data` at `level` and checks both decoders give it back; returns the frame.
fn check(data: &[u8], level: i32, what: &str) -> Vec<u8> {
    let frame = zstd_core::bulk::compress(data, level).unwrap();
    let theirs = zstd::bulk::decompress(&frame, data.len())
        .unwrap_or_else(|e| panic!("{what} level {level}: libzstd: {e}"));
    assert!(
        theirs == data,
        "{what} level {level}: libzstd decodes other bytes"
    );
    let ours = zstd_core::bulk::decompress(&frame, data.len())
        .unwrap_or_else(|e| panic!("{what} level {level}: ours: {e}"));
    assert!(
        ours == data,
        "{what} level {level}: our decoder gives other bytes"
    );
    frame
}

#[test]
fn edge_sizes_and_kinds() {
    let kib = 1024;
    for n in [
        0,
        1,
        2,
        3,
        127 * kib,
        128 * kib,
        128 * kib + 1,
        129 * kib,
        3 * 1024 * kib + 17,
    ] {
        for (kind, data) in [
            ("text", text(n, 1)),
            ("binary", binary(n, 2)),
            ("zeros", vec![0; n]),
        ] {
            for level in [-7, -1, 1, 3, 12, 22] {
                check(&data, level, &format!("{kind} of {n} bytes"));
            }
        }
    }
    // Incompressible input stays within a few bytes of its size (raw blocks).
    let mut x = 9u64;
    let noise: Vec<u8> = (0..1 << 20)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    let frame = check(&noise, 3, "noise");
    assert!(frame.len() <= noise.len() + noise.len() / (128 * 1024) * 3 + 32);
    // A single repeated byte is a few bytes.
    assert!(check(&vec![b'x'; 1 << 20], 3, "one byte").len() < 64);
}

#[test]
fn levels_out_of_range_are_errors() {
    for level in [-8, 23, i32::MIN] {
        let err = zstd_core::bulk::compress(b"abc", level).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    }
    assert_eq!(zstd_core::compression_level_range(), -7..=22);
    // Level 0 is the default.
    check(b"default level, default level", 0, "level 0");
}

#[test]
fn silesia_and_conformance_originals_round_trip() {
    let Some(root) = shared("encoder") else {
        return;
    };
    let mut count = 0;
    for f in files(&root.join("corpus/silesia")) {
        let original = zstd::stream::decode_all(&std::fs::read(&f).unwrap()[..]).unwrap();
        for level in [1, 3] {
            let frame = check(&original, level, &f.display().to_string());
            eprintln!(
                "{}: level {level}: {} -> {}",
                f.display(),
                original.len(),
                frame.len()
            );
        }
        count += 1;
    }
    assert_eq!(count, 5);
    let golden = root.join("conformance/golden/golden-compression");
    for f in files(&golden) {
        check(&std::fs::read(&f).unwrap(), 3, &f.display().to_string());
        count += 1;
    }
    for f in files(&root.join("conformance/decodecorpus/orig"))
        .iter()
        .take(200)
    {
        check(&std::fs::read(f).unwrap(), 1, &f.display().to_string());
        count += 1;
    }
    eprintln!("encoder: {count} files round-trip through libzstd and our decoder");
}

fn runs() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec((any::<u8>(), 1usize..300), 0..200).prop_map(|rs| {
        rs.into_iter()
            .flat_map(|(b, n)| std::iter::repeat_n(b, n))
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_input_at_any_level_round_trips(
        data in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..5000),
            runs(),
            (0usize..200_000, any::<u64>()).prop_map(|(n, seed)| text(n, seed)),
        ],
        level in -7i32..=22,
    ) {
        check(&data, level, "proptest input");
    }
}
