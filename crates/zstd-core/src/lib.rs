//! A pure-Rust Zstandard (RFC 8878) implementation, with the `zstd` crate's API names so a user
//! can switch by changing the import.
//!
//! ```
//! // A frame from any Zstandard encoder (here, a tiny hand-made one holding "hello").
//! let compressed = zstd_core::frame::tests_support::tiny_frame();
//!
//! let all = zstd_core::decode_all(&compressed[..])?;
//! assert_eq!(all, b"hello");
//!
//! let mut ctx = zstd_core::bulk::Decompressor::new()?;
//! let mut out = [0u8; 16];
//! let n = ctx.decompress_to_buffer(&compressed, &mut out)?;
//! assert_eq!(&out[..n], b"hello");
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! Main items:
//! - [`decode_all`], [`bulk::decompress`], [`bulk::Decompressor`]: whole-buffer decoding.
//! - [`frame`]: header inspection ([`frame::FrameHeader`], [`frame::frame_content_size`],
//!   [`frame::find_frame_compressed_size`]) and an iterator over frames ([`frame::Frames`]).
//! - [`stream::read::Decoder`], [`stream::write::Decoder`]: streaming decoding in bounded memory.
//! - [`encode_all`], [`bulk::compress`], [`bulk::Compressor`], [`stream::write::Encoder`],
//!   [`stream::read::Encoder`]: compression at levels -7 to 22 (libzstd's parameter table),
//!   with dictionaries.
//! - [`Dictionary`]: zstd-format and raw-content dictionaries.
//! - [`Error`]: what is wrong with an input; converts into `std::io::Error`.
//!
//! Every input gives `Ok` or `Err`: no panic, no undefined behaviour, and allocations bounded
//! by the window limit plus what the input can decode to.
//!
//! Where libzstd decodes a frame, this crate gives the same bytes, with three deliberate
//! exceptions, all inputs RFC 8878 calls corrupt: a Huffman stream must be consumed exactly, a
//! block may not exceed the block maximum (raw and RLE blocks included), and the streaming
//! decoders refuse a match reaching back past the window. The README quotes the specification
//! for each.

mod bits;
pub mod bulk;
mod cpu;
mod decoder;
mod dictionary;
mod encoder;
mod error;
pub mod frame;
mod fse;
mod huffman;
mod literals;
mod sequences;
pub mod stream;
mod stream_encoder;

use std::io::{self, Read};

pub use dictionary::{DICTIONARY_MAGIC, Dictionary};
pub use error::Error;

/// The largest window [`decode_all`] and the streaming decoders accept by default: 2^27 bytes,
/// as libzstd.
pub const DEFAULT_WINDOW_LOG_MAX: u32 = 27;

/// The largest window log that can be allowed.
pub const WINDOW_LOG_MAX: u32 = 31;

/// Reads all of `source` and decodes every frame in it (skippable frames are skipped).
///
/// Frames whose window is larger than 2^27 bytes are rejected, as libzstd's streaming decoder
/// does; use [`bulk::Decompressor`] to decode those into a buffer.
pub fn decode_all<R: Read>(mut source: R) -> io::Result<Vec<u8>> {
    let mut input = Vec::new();
    source.read_to_end(&mut input)?;
    let mut dec = decoder::FrameDecoder::default();
    let mut out = Vec::new();
    let opts = decoder::Limits {
        dict: None,
        max_window: Some(1 << DEFAULT_WINDOW_LOG_MAX),
    };
    decoder::decode_frames(&mut dec, &input, &mut out, 0, usize::MAX, opts)?;
    Ok(out)
}

/// The default compression level, as libzstd's.
pub const DEFAULT_COMPRESSION_LEVEL: i32 = 3;

/// The levels the encoder accepts: -7 (fastest) to 22; 0 means [`DEFAULT_COMPRESSION_LEVEL`].
///
/// Levels follow libzstd's parameter table; levels 13 to 22 use the `lazy2` strategy with level
/// 12's search parameters and their own window (libzstd's optimal parsers are not implemented).
pub fn compression_level_range() -> std::ops::RangeInclusive<i32> {
    encoder::MIN_LEVEL..=encoder::MAX_LEVEL
}

/// Compresses everything `source` gives into one frame at `level`, streaming (so, as with the
/// `zstd` crate, the header carries no content size and there is no checksum).
///
/// ```
/// let data = b"to be or not to be, that is the question; to be or not to be".repeat(20);
/// let frame = zstd_core::encode_all(&data[..], 3).unwrap();
/// assert!(frame.len() < data.len() / 4);
/// assert_eq!(zstd_core::decode_all(&frame[..]).unwrap(), data);
/// ```
pub fn encode_all<R: Read>(source: R, level: i32) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    stream::read::Encoder::new(source, level)?.read_to_end(&mut out)?;
    Ok(out)
}

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// Deterministic data for the unit tests.
#[cfg(test)]
mod test_data {
    /// A xorshift generator (shifts 13, 7 and 17) starting from `seed` (not 0).
    pub(crate) fn xorshift(seed: u64) -> impl FnMut() -> u64 {
        let mut x = seed;
        move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        }
    }
}
