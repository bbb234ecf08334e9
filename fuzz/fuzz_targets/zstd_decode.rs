//! Any bytes through every zstd-core decoding entry point: no panic, no overflow, no runaway
//! allocation, and the decoders agree with each other.
#![no_main]

use std::io::Read;

use libfuzzer_sys::fuzz_target;
use zstd_core::bulk::Decompressor;
use zstd_core::frame::{self, FrameHeader, Frames};

/// Output cap: enough for every interesting frame, small enough to keep runs fast.
const CAP: usize = 1 << 22;

fuzz_target!(|data: &[u8]| {
    // Inspection.
    let _ = FrameHeader::parse(data);
    let _ = frame::frame_content_size(data);
    let _ = frame::find_frame_compressed_size(data);
    for f in Frames::new(data).take(1000) {
        if f.is_err() {
            break;
        }
    }
    let _ = Decompressor::upper_bound(data);

    // One-shot, into a Vec and into a fixed buffer.
    let mut ctx = Decompressor::new().unwrap();
    let bulk = ctx.decompress(data, CAP);
    let mut buf = vec![0u8; 4096];
    let fixed = ctx.decompress_to_buffer(data, &mut buf);
    if let (Ok(v), Ok(n)) = (&bulk, &fixed) {
        assert_eq!(&v[..], &buf[..*n], "decompress_to_buffer disagrees");
    }
    if let Ok(v) = &bulk
        && v.len() <= buf.len()
    {
        assert!(fixed.is_ok(), "fits the buffer but decompress_to_buffer failed");
    }

    // Streaming, in 1000-byte reads, capped.
    let mut d = zstd_core::stream::read::Decoder::with_buffer(data).unwrap();
    d.window_log_max(zstd_core::WINDOW_LOG_MAX).unwrap();
    let mut streamed = Vec::new();
    let mut chunk = [0u8; 1000];
    let stream = loop {
        match d.read(&mut chunk) {
            Ok(0) => break Ok(()),
            Ok(n) => {
                streamed.extend_from_slice(&chunk[..n]);
                if streamed.len() > CAP {
                    break Ok(());
                }
            }
            Err(e) => break Err(e),
        }
    };
    match (&bulk, &stream) {
        (Ok(v), Ok(())) => assert!(v == &streamed, "streaming output differs"),
        (Ok(_), Err(e)) => {
            // The streaming decoder's documented limits: matches reach back at most the
            // window, and windows are at most `1 << window_log_max` (the one-shot decoder, as
            // libzstd's, takes window logs up to 31 whatever the mantissa).
            let inner = e.get_ref().and_then(|i| i.downcast_ref::<zstd_core::Error>());
            assert!(
                matches!(
                    inner,
                    Some(
                        zstd_core::Error::OffsetBeyondWindow { .. }
                            | zstd_core::Error::WindowTooLarge { .. }
                    )
                ),
                "one-shot decoded it, streaming failed: {e}"
            );
        }
        (Err(e), Ok(())) => {
            let inner = e.get_ref().and_then(|i| i.downcast_ref::<zstd_core::Error>());
            let capped = streamed.len() > CAP || matches!(inner, Some(zstd_core::Error::OutputTooSmall { .. }));
            assert!(capped, "one-shot failed ({e}), streaming decoded");
        }
        (Err(_), Err(_)) => {}
    }
});
