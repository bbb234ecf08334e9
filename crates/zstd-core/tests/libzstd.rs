//! Frames made by libzstd (the `zstd` crate) in the test itself, decoded with ours.

use zstd::stream::raw::CParameter;
use zstd_core::bulk::Decompressor;

use crate::support::{binary, text};

fn check(label: &str, frame: &[u8], want: &[u8]) {
    let got = Decompressor::new()
        .unwrap()
        .decompress(frame, want.len() + 64)
        .unwrap_or_else(|e| panic!("{label}: {e}"));
    assert!(
        got == want,
        "{label}: output differs ({} bytes, want {})",
        got.len(),
        want.len()
    );
    let all = zstd_core::decode_all(frame).unwrap_or_else(|e| panic!("{label}: decode_all: {e}"));
    assert!(all == want, "{label}: decode_all output differs");
    let streamed = crate::stream::read_decode(frame, 65_536, 100_000)
        .unwrap_or_else(|e| panic!("{label}: read::Decoder: {e}"));
    assert!(streamed == want, "{label}: read::Decoder output differs");
    let written = crate::stream::write_decode(frame, 50_000)
        .unwrap_or_else(|e| panic!("{label}: write::Decoder: {e}"));
    assert!(written == want, "{label}: write::Decoder output differs");
}

#[test]
fn every_level_with_and_without_checksum() {
    let inputs = [("text", text(300_000, 1)), ("binary", binary(300_000, 2))];
    let levels: Vec<i32> = [-5].into_iter().chain(1..=19).chain([22]).collect();
    for (name, data) in &inputs {
        for &level in &levels {
            for checksum in [false, true] {
                let mut c = zstd::bulk::Compressor::new(level).unwrap();
                c.include_checksum(checksum).unwrap();
                let frame = c.compress(data).unwrap();
                check(
                    &format!("{name} level {level} checksum {checksum}"),
                    &frame,
                    data,
                );
            }
        }
    }
}

#[test]
fn sizes_around_the_block_limit() {
    for n in [
        0usize,
        1,
        2,
        100,
        127 * 1024,
        128 * 1024,
        129 * 1024,
        3 << 20,
    ] {
        for level in [1, 3, 19] {
            if n >= 1 << 20 && level == 19 {
                continue; // several MiB at level 19 is slow in a debug test; level 3 covers it
            }
            let data = binary(n, n as u64);
            let frame = zstd::bulk::compress(&data, level).unwrap();
            check(&format!("{n} bytes level {level}"), &frame, &data);
        }
    }
}

#[test]
fn without_content_size_from_the_streaming_encoder() {
    let data = text(500_000, 3);
    for level in [1, 3, 12] {
        let mut enc = zstd::stream::Encoder::new(Vec::new(), level).unwrap();
        enc.include_checksum(true).unwrap();
        std::io::Write::write_all(&mut enc, &data).unwrap();
        let frame = enc.finish().unwrap();
        let header = zstd_core::frame::FrameHeader::parse(&frame).unwrap();
        assert_eq!(
            header.content_size, None,
            "the streaming encoder does not state the size"
        );
        check(&format!("stream level {level}"), &frame, &data);
    }
}

#[test]
fn trained_dictionary() {
    let samples: Vec<Vec<u8>> = (0..400)
        .map(|i| text(600 + (i % 7) * 100, 1000 + i as u64))
        .collect();
    let dict = zstd::dict::from_samples(&samples, 16 * 1024).unwrap();
    let parsed = zstd_core::Dictionary::new(&dict).unwrap();
    assert_ne!(parsed.id(), 0, "a trained dictionary is zstd-format");
    let mut ours = Decompressor::with_dictionary(&dict).unwrap();
    for level in [1, 3, 9, 19] {
        let mut c = zstd::bulk::Compressor::with_dictionary(level, &dict).unwrap();
        for (i, s) in samples.iter().enumerate().step_by(37) {
            let frame = c.compress(s).unwrap();
            let got = ours
                .decompress(&frame, s.len())
                .unwrap_or_else(|e| panic!("level {level} sample {i}: {e}"));
            assert_eq!(&got, s, "level {level} sample {i}");
        }
    }
    // Without the dictionary, or with another one, the frame is refused, with a clear error.
    let frame = zstd::bulk::Compressor::with_dictionary(3, &dict)
        .unwrap()
        .compress(&samples[0])
        .unwrap();
    let err = Decompressor::new()
        .unwrap()
        .decompress(&frame, 1 << 20)
        .unwrap_err();
    assert!(err.to_string().contains("needs dictionary"), "{err}");
    // A raw-content dictionary works too.
    let raw = text(20_000, 77);
    let mut c = zstd::bulk::Compressor::with_dictionary(3, &raw).unwrap();
    let data = text(5_000, 77);
    let frame = c.compress(&data).unwrap();
    assert_eq!(
        Decompressor::with_dictionary(&raw)
            .unwrap()
            .decompress(&frame, data.len())
            .unwrap(),
        data
    );
}

#[test]
fn long_distance_matching_with_a_27_bit_window() {
    // 5 MiB of text, then the same text again: the repeat is 5 MiB back.
    let half = text(5 << 20, 9);
    let mut data = half.clone();
    data.extend_from_slice(&half);
    let mut c = zstd::bulk::Compressor::new(3).unwrap();
    c.set_parameter(CParameter::EnableLongDistanceMatching(true))
        .unwrap();
    c.set_parameter(CParameter::WindowLog(27)).unwrap();
    let frame = c.compress(&data).unwrap();
    assert!(frame.len() < data.len() / 4, "LDM found the repeat");
    check("ldm", &frame, &data);
}

#[test]
fn concatenated_frames_with_skippable_frames_between() {
    let mut all = Vec::new();
    let mut want = Vec::new();
    for i in 0..20u64 {
        let data = if i % 2 == 0 {
            text(1000 * i as usize, i)
        } else {
            binary(3000, i)
        };
        all.extend_from_slice(&zstd::bulk::compress(&data, (i % 9) as i32 + 1).unwrap());
        want.extend_from_slice(&data);
        // A skippable frame with 0..=9 bytes of payload.
        all.extend_from_slice(&(0x184D_2A50u32 + (i as u32 % 16)).to_le_bytes());
        all.extend_from_slice(&(i as u32 % 10).to_le_bytes());
        all.extend(std::iter::repeat_n(0xAB, i as usize % 10));
    }
    check("concatenated", &all, &want);
    let frames = zstd_core::frame::Frames::new(&all)
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    assert_eq!(frames.len(), 40);
}

/// How many of a frame's compressed blocks have Huffman-coded literals and no sequences (RFC
/// 8878 §3.1.1.2, §3.1.1.3): the blocks the decoder writes straight into the output.
fn huffman_blocks_without_sequences(frame: &[u8]) -> usize {
    let header = zstd_core::frame::FrameHeader::parse(frame).unwrap();
    let mut pos = header.header_len;
    let mut found = 0;
    loop {
        let b = u32::from(frame[pos])
            | u32::from(frame[pos + 1]) << 8
            | u32::from(frame[pos + 2]) << 16;
        let (last, kind, size) = (b & 1 == 1, (b >> 1) & 3, (b >> 3) as usize);
        pos += 3;
        if kind == 2 {
            let block = &frame[pos..pos + size];
            let (lit_kind, size_format) = (block[0] & 3, (block[0] >> 2) & 3);
            if lit_kind >= 2 {
                // Header length and the stored size of Huffman-coded literals.
                let (len, shift, mask) = match size_format {
                    0 | 1 => (3, 14, 0x3FF),
                    2 => (4, 18, 0x3FFF),
                    _ => (5, 22, 0x3FFFF),
                };
                let v = block[..len]
                    .iter()
                    .rev()
                    .fold(0u64, |v, &x| v << 8 | u64::from(x));
                let stored = ((v >> shift) & mask) as usize;
                if block[len + stored] == 0 {
                    found += 1;
                }
            }
        }
        pos += if kind == 1 { 1 } else { size };
        if last {
            return found;
        }
    }
}

#[test]
fn blocks_of_literals_only() {
    // Bytes of a skewed distribution with few repeats worth a match at levels 1 and 2: blocks
    // of Huffman-coded literals and no sequences, which are decoded straight into the output.
    let mut x = 0x2545_F491_4F6C_DD1Du64;
    let data: Vec<u8> = (0..600_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Geometric-like: the number of trailing ones of a random word, then a few random
            // low bits.
            (x.trailing_ones() as u8) << 3 | (x >> 60) as u8 & 7
        })
        .collect();
    for level in [1, 2] {
        let frame = zstd::bulk::compress(&data, level).unwrap();
        let direct = huffman_blocks_without_sequences(&frame);
        assert!(
            direct >= 3,
            "level {level}: {direct} blocks of literals only"
        );
        check(&format!("literals only, level {level}"), &frame, &data);
        // Into a buffer of exactly the output's size, and, from a frame that does not state
        // its size (so no check before the blocks), into one a byte short: the last block
        // does not fit, and the error is the usual one.
        let into = |frame: &[u8], capacity: usize| {
            let mut buf = vec![0; capacity];
            let n = Decompressor::new()
                .unwrap()
                .decompress_to_buffer(frame, &mut buf)?;
            buf.truncate(n);
            Ok::<_, std::io::Error>(buf)
        };
        assert!(
            into(&frame, data.len()).unwrap() == data,
            "level {level}: exact buffer"
        );
        let unsized_frame = zstd::stream::encode_all(&data[..], level).unwrap();
        assert_eq!(
            zstd_core::frame::frame_content_size(&unsized_frame).unwrap(),
            None
        );
        assert!(huffman_blocks_without_sequences(&unsized_frame) >= 3);
        let err = into(&unsized_frame, data.len() - 1).unwrap_err();
        assert!(
            err.to_string().contains("does not fit in the 599999-byte"),
            "level {level}: {err}"
        );
        assert!(
            into(&unsized_frame, data.len()).unwrap() == data,
            "level {level}: exact buffer, no size"
        );
    }
}
