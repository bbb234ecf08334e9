//! Any bytes through zstd-core's encoders at a level, a window and a write split taken from
//! the input: every frame decodes back to the input exactly (bulk, into a buffer, streamed with
//! flushes), a reused context gives the same bytes as a fresh one, and `compress_to_buffer`
//! writes the same frame into a buffer of exactly its size and fails on one a byte short.
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;
use zstd_core::bulk::{Compressor, Decompressor};

fuzz_target!(|data: &[u8]| {
    let Some((&head, rest)) = data.split_first() else {
        return;
    };
    let Some((&split, input)) = rest.split_first() else {
        return;
    };
    // Levels -7 to 12 (every strategy this encoder implements), 19 for the strongest one.
    let level = match head % 21 {
        20 => 19,
        k => i32::from(k) - 7,
    };
    let checksum = head & 0x80 != 0;
    let small_window = head & 0x40 != 0;

    let mut c = Compressor::new(level).unwrap();
    c.include_checksum(checksum).unwrap();
    if small_window {
        // The smallest window: matches stay within 1 KiB, blocks are 1 KiB.
        c.window_log(10).unwrap();
    }
    let frame = c.compress(input).unwrap();
    assert!(frame.len() <= zstd_core::bulk::compress_bound(input.len()));
    // The context reused (it now holds this input's tables and history) gives the same frame.
    assert_eq!(
        c.compress(input).unwrap(),
        frame,
        "a reused context changed the output"
    );

    let mut d = Decompressor::new().unwrap();
    assert_eq!(d.decompress(&frame, input.len()).unwrap(), input);
    let mut buf = vec![0u8; input.len()];
    let mut exact = vec![0u8; frame.len() + 64];
    let n = c.compress_to_buffer(input, &mut exact).unwrap();
    assert_eq!(&exact[..n], &frame[..], "compress_to_buffer differs");
    // Blocks go straight into the buffer: one of exactly the frame's size takes it, one a byte
    // short is an error.
    let n = c
        .compress_to_buffer(input, &mut exact[..frame.len()])
        .unwrap();
    assert_eq!(
        &exact[..n],
        &frame[..],
        "compress_to_buffer into an exact buffer"
    );
    assert!(
        c.compress_to_buffer(input, &mut exact[..frame.len() - 1])
            .is_err(),
        "a buffer a byte short took the frame"
    );
    assert_eq!(
        d.decompress_to_buffer(&frame, &mut buf).unwrap(),
        input.len()
    );
    assert_eq!(buf, input);

    // Streamed: writes of `split` bytes (at least 1), a flush after every third.
    let step = usize::from(split).max(1);
    let mut e = zstd_core::stream::write::Encoder::new(Vec::new(), level).unwrap();
    e.include_checksum(checksum).unwrap();
    for (i, chunk) in input.chunks(step).enumerate() {
        e.write_all(chunk).unwrap();
        if i % 3 == 2 {
            e.flush().unwrap();
        }
    }
    let streamed = e.finish().unwrap();
    assert_eq!(
        zstd_core::decode_all(&streamed[..]).unwrap(),
        input,
        "streamed frame"
    );
});
