//! A dictionary and a frame from the same bytes: the first two bytes give the dictionary's
//! length. Parsing and decoding with it must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zstd_core::Dictionary;
use zstd_core::bulk::Decompressor;

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let n = usize::from(u16::from_le_bytes([data[0], data[1]])).min(data.len() - 2);
    let (dict, frame) = data[2..].split_at(n);
    let Ok(parsed) = Dictionary::new(dict) else {
        return;
    };
    let mut ctx = Decompressor::with_prepared_dictionary(&parsed);
    let bulk = ctx.decompress(frame, 1 << 22);
    let mut w = zstd_core::stream::write::Decoder::with_prepared_dictionary(Vec::new(), &parsed).unwrap();
    let streamed = std::io::Write::write_all(&mut w, frame).and_then(|()| w.finish());
    if let (Ok(a), Ok(b)) = (&bulk, &streamed) {
        assert!(a == b, "streaming output differs");
    }
});
