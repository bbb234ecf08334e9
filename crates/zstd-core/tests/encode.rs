//! The encoder: every frame it writes decodes byte-exact with libzstd and with our decoder.

use proptest::prelude::*;

use crate::support::{Rng, binary, files, shared, text};

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

/// Decodes `frame` with libzstd and ours, with `dict` if given, and checks both give `data`.
fn check_frame(frame: &[u8], data: &[u8], dict: Option<&[u8]>, what: &str) {
    let theirs = match dict {
        Some(d) => zstd::bulk::Decompressor::with_dictionary(d)
            .unwrap()
            .decompress(frame, data.len()),
        None => zstd::bulk::decompress(frame, data.len()),
    }
    .unwrap_or_else(|e| panic!("{what}: libzstd: {e}"));
    assert!(theirs == data, "{what}: libzstd decodes other bytes");
    let ours = match dict {
        Some(d) => zstd_core::bulk::Decompressor::with_dictionary(d)
            .unwrap()
            .decompress(frame, data.len()),
        None => zstd_core::bulk::decompress(frame, data.len()),
    }
    .unwrap_or_else(|e| panic!("{what}: ours: {e}"));
    assert!(ours == data, "{what}: our decoder gives other bytes");
    // The streaming decoder holds frames to their window (and dictionaries to the spec's reach).
    let mut streamed = Vec::new();
    let mut d = match dict {
        Some(d) => zstd_core::stream::read::Decoder::with_dictionary(frame, d),
        None => zstd_core::stream::read::Decoder::with_buffer(frame),
    }
    .unwrap();
    std::io::Read::read_to_end(&mut d, &mut streamed)
        .unwrap_or_else(|e| panic!("{what}: our streaming decoder: {e}"));
    assert!(
        streamed == data,
        "{what}: our streaming decoder gives other bytes"
    );
}

#[test]
fn a_reused_compressor_keeps_its_settings() {
    use zstd_core::frame::FrameHeader;
    let mut c = zstd_core::bulk::Compressor::new(5).unwrap();
    for (i, n) in [100_000usize, 10, 0, 300_000].into_iter().enumerate() {
        let data = text(n, i as u64);
        let frame = c.compress(&data).unwrap();
        check_frame(&frame, &data, None, "reused compressor");
        let h = FrameHeader::parse(&frame).unwrap();
        assert_eq!((h.content_size, h.has_checksum), (Some(n as u64), false));
    }
    c.include_checksum(true).unwrap();
    c.include_contentsize(false).unwrap();
    c.window_log(12).unwrap();
    let data = text(200_000, 9);
    let frame = c.compress(&data).unwrap();
    let h = FrameHeader::parse(&frame).unwrap();
    assert_eq!(
        (h.content_size, h.has_checksum, h.window_size),
        (None, true, 4096)
    );
    check_frame(&frame, &data, None, "window log 12");
    // The same frame into a buffer; a buffer too small is an error.
    let mut buf = vec![0u8; zstd_core::bulk::compress_bound(data.len())];
    let n = c.compress_to_buffer(&data, &mut buf).unwrap();
    assert_eq!(&buf[..n], &frame[..]);
    let err = c.compress_to_buffer(&data, &mut buf[..n - 1]).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::WriteZero);
    assert_eq!(
        c.set_level(23).unwrap_err().kind(),
        std::io::ErrorKind::InvalidInput
    );
    assert!(c.window_log(9).is_err() && c.window_log(31).is_err());
    c.set_level(-3).unwrap();
    check_frame(&c.compress(&data).unwrap(), &data, None, "level -3");
}

/// `compress_bound` holds for incompressible input at every window, the smallest (1 KiB blocks,
/// a 3-byte header each) included.
#[test]
fn compress_bound_holds_for_small_windows() {
    let mut r = Rng::new(77);
    let data: Vec<u8> = (0..300_000).map(|_| r.next() as u8).collect();
    for log in [10, 11, 14, 17] {
        let mut c = zstd_core::bulk::Compressor::new(1).unwrap();
        c.include_checksum(true).unwrap();
        c.window_log(log).unwrap();
        let frame = c.compress(&data).unwrap();
        assert!(
            frame.len() <= zstd_core::bulk::compress_bound(data.len()),
            "window log {log}: {} bytes, bound {}",
            frame.len(),
            zstd_core::bulk::compress_bound(data.len())
        );
        let mut buf = vec![0u8; zstd_core::bulk::compress_bound(data.len())];
        let n = c.compress_to_buffer(&data, &mut buf).unwrap();
        assert_eq!(&buf[..n], &frame[..]);
        check_frame(&frame, &data, None, "incompressible, small window");
    }
}

/// `compress_to_buffer` writes the frame `compress` makes (it writes blocks straight into the
/// buffer, raw ones from the input), for frames of every block kind, with a checksum and a
/// dictionary; every buffer even one byte short is an error, after which the context still
/// makes the right frame.
#[test]
fn compress_to_buffer_writes_what_compress_makes() {
    let mut r = Rng::new(31);
    let random: Vec<u8> = (0..200_000).map(|_| r.next() as u8).collect();
    // Raw (random), RLE (a run of one byte) and compressed (text) blocks in one frame.
    let mut mixed = random.clone();
    mixed.extend(std::iter::repeat_n(b'z', 150_000));
    mixed.extend(text(300_000, 3));
    let dict: Vec<u8> = text(20_000, 4);
    for (name, data) in [("mixed", &mixed), ("random", &random)] {
        for level in [-5, 1, 3, 7] {
            for (with_dict, checksum) in [(false, false), (false, true), (true, true)] {
                let what =
                    format!("{name} level {level} dictionary {with_dict} checksum {checksum}");
                let mut c = if with_dict {
                    zstd_core::bulk::Compressor::with_dictionary(level, &dict).unwrap()
                } else {
                    zstd_core::bulk::Compressor::new(level).unwrap()
                };
                c.include_checksum(checksum).unwrap();
                let frame = c.compress(data).unwrap();
                check_frame(&frame, data, with_dict.then_some(&dict[..]), &what);
                let mut buf = vec![0u8; frame.len()];
                let n = c.compress_to_buffer(data, &mut buf).unwrap();
                assert!(
                    n == frame.len() && buf == frame,
                    "{what}: into an exact buffer"
                );
                // Short by one byte (the checksum's or the last block's), by a block, and
                // room for part of the header only.
                for short in [frame.len() - 1, frame.len() / 2, 5, 0] {
                    let err = c.compress_to_buffer(data, &mut buf[..short]).unwrap_err();
                    assert_eq!(err.kind(), std::io::ErrorKind::WriteZero, "{what}: {short}");
                }
                buf.fill(0);
                let n = c.compress_to_buffer(data, &mut buf).unwrap();
                assert!(n == frame.len() && buf == frame, "{what}: after the errors");
            }
        }
    }
}

#[test]
fn a_reused_compressor_allocates_only_its_output() {
    let data = text(1 << 20, 5);
    for level in [1, 3, 7] {
        let mut c = zstd_core::bulk::Compressor::new(level).unwrap();
        // The first call sizes the tables and scratch space.
        c.compress(&data).unwrap();
        let (frame, allocations) = crate::alloc_count::count(|| c.compress(&data).unwrap());
        assert_eq!(allocations, 1, "level {level}: the output, sized once");
        check_frame(&frame, &data, None, "allocation test");
        let mut buf = vec![0u8; zstd_core::bulk::compress_bound(data.len())];
        // The first call sizes the buffer blocks are compressed in.
        c.compress_to_buffer(&data, &mut buf).unwrap();
        let (n, allocations) =
            crate::alloc_count::count(|| c.compress_to_buffer(&data, &mut buf).unwrap());
        assert_eq!(allocations, 0, "level {level}: into a buffer");
        assert_eq!(&buf[..n], &frame[..]);
    }
}

#[test]
fn dictionaries_raw_and_trained() {
    // Samples that share phrases: a trained dictionary and a raw one both help small inputs.
    let samples: Vec<Vec<u8>> = (0..400).map(|i| text(600, i)).collect();
    let trained = zstd::dict::from_samples(&samples, 16 << 10).unwrap();
    let raw: Vec<u8> = samples[..40].concat();
    let probe = text(600, 1000);
    let plain = zstd_core::bulk::compress(&probe, 3).unwrap().len();
    for (name, dict) in [("trained", &trained), ("raw", &raw)] {
        for level in [-3, 1, 3, 5, 9] {
            let mut c = zstd_core::bulk::Compressor::with_dictionary(level, dict).unwrap();
            c.include_checksum(true).unwrap();
            let frame = c.compress(&probe).unwrap();
            check_frame(&frame, &probe, Some(dict), &format!("{name} level {level}"));
            let h = zstd_core::frame::FrameHeader::parse(&frame).unwrap();
            let id = if name == "trained" {
                u32::from_le_bytes(trained[4..8].try_into().unwrap())
            } else {
                0
            };
            assert_eq!(h.dictionary_id, id);
            if level >= 1 {
                assert!(
                    frame.len() < plain,
                    "{name} level {level}: {} vs {plain} without",
                    frame.len()
                );
            }
            // Larger inputs run past the dictionary.
            let big = text(500_000, 7);
            check_frame(&c.compress(&big).unwrap(), &big, Some(dict), name);
        }
    }
    let Some(root) = shared("encoder dictionaries") else {
        return;
    };
    let golden = root.join("conformance/golden");
    let dict = std::fs::read(golden.join("golden-dictionaries/http-dict-missing-symbols")).unwrap();
    let http = std::fs::read(golden.join("golden-compression/http")).unwrap();
    for level in [1, 3, 7, 12, 19] {
        let mut c = zstd_core::bulk::Compressor::with_dictionary(level, &dict).unwrap();
        check_frame(
            &c.compress(&http).unwrap(),
            &http,
            Some(&dict),
            "golden http",
        );
    }
}

#[test]
fn streaming_pledged_sizes_and_finishing() {
    use std::io::{Read, Write};
    let data = text(300_000, 3);
    // A pledged size goes in the header; another size is an error.
    let mut e = zstd_core::stream::write::Encoder::new(Vec::new(), 3).unwrap();
    e.set_pledged_src_size(Some(data.len() as u64)).unwrap();
    e.include_checksum(true).unwrap();
    e.write_all(&data).unwrap();
    let frame = e.finish().unwrap();
    let h = zstd_core::frame::FrameHeader::parse(&frame).unwrap();
    assert_eq!((h.content_size, h.has_checksum), (Some(300_000), true));
    check_frame(&frame, &data, None, "pledged");
    let mut e = zstd_core::stream::write::Encoder::new(Vec::new(), 3).unwrap();
    e.set_pledged_src_size(Some(10)).unwrap();
    assert!(e.write_all(&data).is_err());
    let mut e = zstd_core::stream::write::Encoder::new(Vec::new(), 3).unwrap();
    e.set_pledged_src_size(Some(data.len() as u64 + 1)).unwrap();
    e.write_all(&data).unwrap();
    assert_eq!(
        e.finish().unwrap_err().kind(),
        std::io::ErrorKind::InvalidInput
    );
    // Settings after the first byte are refused.
    let mut e = zstd_core::stream::write::Encoder::new(Vec::new(), 3).unwrap();
    e.write_all(b"x").unwrap();
    assert!(e.include_checksum(true).is_err());
    // auto_finish ends the frame on drop.
    let mut sink = Vec::new();
    {
        let mut e = zstd_core::stream::write::Encoder::new(&mut sink, 1)
            .unwrap()
            .auto_finish();
        e.write_all(&data).unwrap();
    }
    check_frame(&sink, &data, None, "auto_finish");
    // The read side, and encode_all.
    let mut frame = Vec::new();
    zstd_core::stream::read::Encoder::new(&data[..], 7)
        .unwrap()
        .read_to_end(&mut frame)
        .unwrap();
    check_frame(&frame, &data, None, "read::Encoder");
    check_frame(
        &zstd_core::encode_all(&data[..], -2).unwrap(),
        &data,
        None,
        "encode_all",
    );
    let empty = zstd_core::encode_all(&b""[..], 3).unwrap();
    check_frame(&empty, b"", None, "empty stream");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any split into writes, with flushes anywhere, decodes to the input; after each flush
    /// what was written so far decodes.
    #[test]
    fn streaming_any_split_with_flushes(
        data in prop_oneof![
            (0usize..600_000, any::<u64>()).prop_map(|(n, seed)| text(n, seed)),
            (0usize..300_000, any::<u64>()).prop_map(|(n, seed)| binary(n, seed)),
            runs(),
        ],
        cuts in prop::collection::vec((0.0f64..1.0, any::<bool>()), 0..12),
        level in -7i32..=12,
        checksum in any::<bool>(),
        window_log in prop::option::of(10u32..=22),
    ) {
        use std::io::Write;
        let mut e = zstd_core::stream::write::Encoder::new(Vec::new(), level).unwrap();
        e.include_checksum(checksum).unwrap();
        if let Some(log) = window_log {
            e.window_log(log).unwrap();
        }
        let mut points: Vec<(usize, bool)> =
            cuts.iter().map(|&(f, flush)| ((f * data.len() as f64) as usize, flush)).collect();
        points.sort_unstable();
        let mut at = 0;
        for (p, flush) in points {
            e.write_all(&data[at..p]).unwrap();
            at = p;
            if flush {
                e.flush().unwrap();
                // Everything written so far decodes from what the encoder has put out.
                let partial = e.get_ref().clone();
                let mut got = Vec::new();
                let mut d = zstd::stream::write::Decoder::new(&mut got).unwrap();
                d.write_all(&partial).unwrap();
                d.flush().unwrap();
                drop(d);
                prop_assert!(got == data[..at], "after a flush at {at}");
            }
        }
        e.write_all(&data[at..]).unwrap();
        let frame = e.finish().unwrap();
        check_frame(&frame, &data, None, "streamed");
    }
}
