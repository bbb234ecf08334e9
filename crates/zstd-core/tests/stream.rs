//! The streaming decoders: any split of the input, limits, dictionaries, truncation.

use std::io::{self, BufRead, BufReader, Read, Write};

use zstd::stream::raw::CParameter;
use zstd_core::stream::{read, write};

use crate::support::{Rng, binary, text};

/// A reader that hands out at most `chunk` bytes per call.
struct Trickle<'a> {
    data: &'a [u8],
    chunk: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.chunk.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// Decodes `frame` with the read decoder, `chunk_in` bytes per input read and `chunk_out`
/// per output read.
pub(crate) fn read_decode(frame: &[u8], chunk_in: usize, chunk_out: usize) -> io::Result<Vec<u8>> {
    let src = BufReader::with_capacity(
        chunk_in,
        Trickle {
            data: frame,
            chunk: chunk_in,
        },
    );
    let mut d = read::Decoder::with_buffer(src)?;
    let mut out = Vec::new();
    let mut buf = vec![0; chunk_out];
    loop {
        let n = d.read(&mut buf)?;
        if n == 0 {
            return Ok(out);
        }
        out.extend_from_slice(&buf[..n]);
    }
}

/// Decodes `frame` with the write decoder, `chunk` bytes per write.
pub(crate) fn write_decode(frame: &[u8], chunk: usize) -> io::Result<Vec<u8>> {
    let mut d = write::Decoder::new(Vec::new())?;
    for c in frame.chunks(chunk.max(1)) {
        d.write_all(c)?;
    }
    d.finish()
}

/// Two frames (one with several blocks and a checksum), a skippable frame between them.
fn multi_frame() -> (Vec<u8>, Vec<u8>) {
    let a = text(300_000, 5);
    let b = binary(5_000, 6);
    let mut c = zstd::bulk::Compressor::new(3).unwrap();
    c.include_checksum(true).unwrap();
    let mut frames = c.compress(&a).unwrap();
    frames.extend_from_slice(&0x184D_2A5Eu32.to_le_bytes());
    frames.extend_from_slice(&3u32.to_le_bytes());
    frames.extend_from_slice(b"abc");
    frames.extend_from_slice(&zstd::bulk::compress(&b, 19).unwrap());
    let mut want = a;
    want.extend_from_slice(&b);
    (frames, want)
}

#[test]
fn any_split_of_the_input_gives_the_same_output() {
    let (frames, want) = multi_frame();
    for chunk in [1, 2, 3, 7, 100, 4096, 65_536, 1 << 20] {
        assert!(
            read_decode(&frames, chunk, 1000).unwrap() == want,
            "read, chunk {chunk}"
        );
        assert!(
            read_decode(&frames, chunk, 1).unwrap()[..] == want[..],
            "read 1 out, chunk {chunk}"
        );
        assert!(
            write_decode(&frames, chunk).unwrap() == want,
            "write, chunk {chunk}"
        );
    }
    // Every split point of a small multi-block input, both decoders.
    let small = binary(1_000, 7);
    let mut c = zstd::stream::Encoder::new(Vec::new(), 1).unwrap();
    c.include_checksum(true).unwrap();
    c.write_all(&small[..500]).unwrap();
    c.flush().unwrap(); // ends a block
    c.write_all(&small[500..]).unwrap();
    let frame = c.finish().unwrap();
    for cut in 0..=frame.len() {
        let mut d = write::Decoder::new(Vec::new()).unwrap();
        d.write_all(&frame[..cut]).unwrap();
        d.write_all(&frame[cut..]).unwrap();
        assert_eq!(d.finish().unwrap(), small, "write split at {cut}");
    }
    for chunk in 1..=frame.len() {
        assert_eq!(
            read_decode(&frame, chunk, 3).unwrap(),
            small,
            "read chunk {chunk}"
        );
    }
}

#[test]
fn every_level_streams() {
    let data = text(200_000, 11);
    for level in [-5, 1, 3, 9, 19, 22] {
        let frame = zstd::bulk::compress(&data, level).unwrap();
        assert!(
            read_decode(&frame, 8192, 8192).unwrap() == data,
            "read level {level}"
        );
        assert!(
            write_decode(&frame, 10_000).unwrap() == data,
            "write level {level}"
        );
    }
}

#[test]
fn a_window_smaller_than_the_output_slides() {
    // A 64 KiB window over 3 MB: the decoder keeps only the window and slides it along.
    let data = text(3_000_000, 12);
    let mut enc = zstd::stream::Encoder::new(Vec::new(), 5).unwrap();
    enc.set_parameter(CParameter::WindowLog(16)).unwrap();
    enc.include_checksum(true).unwrap();
    enc.write_all(&data).unwrap();
    let frame = enc.finish().unwrap();
    let header = zstd_core::frame::FrameHeader::parse(&frame).unwrap();
    assert_eq!(header.window_size, 1 << 16);
    assert!(read_decode(&frame, 5000, 70_000).unwrap() == data);
    assert!(write_decode(&frame, 33_333).unwrap() == data);
}

#[test]
fn window_log_max_is_enforced() {
    let data = binary(50_000, 13);
    let mut enc = zstd::stream::Encoder::new(Vec::new(), 3).unwrap();
    enc.set_parameter(CParameter::WindowLog(28)).unwrap();
    enc.write_all(&data).unwrap();
    let frame = enc.finish().unwrap();
    assert_eq!(
        zstd_core::frame::FrameHeader::parse(&frame)
            .unwrap()
            .window_size,
        1 << 28
    );

    // Refused by default (2^27), as by libzstd's streaming decoder.
    let err = read::Decoder::new(&frame[..])
        .unwrap()
        .read_to_end(&mut Vec::new())
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidData);
    assert!(err.to_string().contains("window"), "{err}");
    let mut w = write::Decoder::new(Vec::new()).unwrap();
    assert!(w.write_all(&frame).is_err());
    assert!(zstd_core::decode_all(&frame[..]).is_err());

    // Accepted once allowed.
    let mut r = read::Decoder::new(&frame[..]).unwrap();
    r.window_log_max(28).unwrap();
    let mut out = Vec::new();
    r.read_to_end(&mut out).unwrap();
    assert_eq!(out, data);
    let mut w = write::Decoder::new(Vec::new()).unwrap();
    w.window_log_max(28).unwrap();
    w.write_all(&frame).unwrap();
    assert_eq!(w.finish().unwrap(), data);

    // And a limit below the frame's window refuses it.
    let small = zstd::bulk::compress(&data, 3).unwrap(); // window = content size, 50 000
    let mut r = read::Decoder::new(&small[..]).unwrap();
    r.window_log_max(15).unwrap();
    assert!(r.read_to_end(&mut Vec::new()).is_err());
    assert!(r.window_log_max(32).is_err(), "above 31 is refused");
}

#[test]
fn single_frame_leaves_the_reader_after_the_frame() {
    let a = text(70_000, 14);
    let mut input = zstd::bulk::compress(&a, 3).unwrap();
    let first_len = input.len();
    input.extend_from_slice(b"trailing bytes that are not a frame");
    let mut d = read::Decoder::with_buffer(&input[..])
        .unwrap()
        .single_frame();
    let mut out = Vec::new();
    d.read_to_end(&mut out).unwrap();
    assert_eq!(out, a);
    let rest = d.finish();
    assert_eq!(rest, &input[first_len..]);

    // Without single_frame the trailing bytes are an error.
    let err = read::Decoder::new(&input[..])
        .unwrap()
        .read_to_end(&mut Vec::new())
        .unwrap_err();
    assert!(err.to_string().contains("magic"), "{err}");
}

#[test]
fn dictionaries() {
    let samples: Vec<Vec<u8>> = (0..300)
        .map(|i| text(500 + (i % 5) * 100, 500 + i as u64))
        .collect();
    let dict = zstd::dict::from_samples(&samples, 8 * 1024).unwrap();
    let mut c = zstd::bulk::Compressor::with_dictionary(5, &dict).unwrap();
    let prepared = zstd_core::Dictionary::new(&dict).unwrap();
    for s in samples.iter().step_by(29) {
        let frame = c.compress(s).unwrap();
        let mut r = read::Decoder::with_dictionary(BufReader::new(&frame[..]), &dict).unwrap();
        let mut out = Vec::new();
        r.read_to_end(&mut out).unwrap();
        assert_eq!(&out, s);
        let mut w = write::Decoder::with_prepared_dictionary(Vec::new(), &prepared).unwrap();
        for b in frame.chunks(7) {
            w.write_all(b).unwrap();
        }
        assert_eq!(&w.finish().unwrap(), s);
        // Without the dictionary: a clear error.
        let err = read::Decoder::new(&frame[..])
            .unwrap()
            .read_to_end(&mut Vec::new())
            .unwrap_err();
        assert!(err.to_string().contains("dictionary"), "{err}");
    }
    // A dictionary match far into a long frame: the window slides while the dictionary is
    // still reachable from the frame's first window.
    let raw = text(40_000, 15);
    let mut data = raw[20_000..].to_vec();
    data.extend_from_slice(&text(400_000, 16));
    let mut enc = zstd::stream::Encoder::with_dictionary(Vec::new(), 3, &raw).unwrap();
    enc.write_all(&data).unwrap();
    let frame = enc.finish().unwrap();
    let mut w = write::Decoder::with_dictionary(Vec::new(), &raw).unwrap();
    w.write_all(&frame).unwrap();
    assert!(w.finish().unwrap() == data);
}

#[test]
fn truncated_input_is_an_error_not_a_short_output() {
    let (frames, want) = multi_frame();
    let mut r = Rng::new(17);
    let ends = frames.len();
    let mut cuts: Vec<usize> = (0..40).map(|_| r.below(ends as u64) as usize).collect();
    cuts.extend([1, 3, 4, 5, 8, ends - 1, ends - 4]);
    for cut in cuts {
        let part = &frames[..cut];
        let read = read_decode(part, 4096, 4096);
        let written = write_decode(part, 4096);
        // A cut exactly between frames is a clean end with fewer frames.
        let boundary = zstd_core::frame::Frames::new(part).all(|f| f.is_ok());
        if boundary {
            let got = read.unwrap();
            assert!(want.starts_with(&got), "cut {cut}");
            assert_eq!(written.unwrap(), got, "cut {cut}");
        } else {
            let e = read.expect_err(&format!("read cut at {cut}"));
            assert_eq!(e.kind(), io::ErrorKind::InvalidData);
            assert!(written.is_err(), "write cut at {cut}");
        }
    }
}

#[test]
fn errors_are_sticky() {
    let (mut frames, _) = multi_frame();
    let at = frames.len() / 3;
    frames[at] ^= 0x55;
    frames[at + 1] ^= 0xAA;
    let mut d = read::Decoder::new(&frames[..]).unwrap();
    let mut buf = vec![0; 1 << 16];
    let err = loop {
        match d.read(&mut buf) {
            Ok(0) => panic!("a corrupt frame decoded"),
            Ok(_) => {}
            Err(e) => break e,
        }
    };
    let again = d.read(&mut buf).unwrap_err();
    assert_eq!(err.to_string(), again.to_string());
}

#[test]
fn bufread_is_consumed_only_as_far_as_used() {
    // A BufRead that counts what it gives out: the decoder never takes bytes past the frame.
    let frame = zstd::bulk::compress(&text(10_000, 18), 1).unwrap();
    let mut input = frame.clone();
    input.extend_from_slice(&[0xFF; 100]);
    let mut reader: &[u8] = &input;
    {
        let mut d = read::Decoder::with_buffer(&mut reader)
            .unwrap()
            .single_frame();
        io::copy(&mut d, &mut io::sink()).unwrap();
    }
    assert_eq!(reader.len(), 100);
    assert_eq!(reader.fill_buf().unwrap()[0], 0xFF);
}
