//! One-shot compression and decompression of whole buffers, as in the `zstd` crate's `bulk`
//! module.

use std::io;

use crate::decoder::{self, FrameDecoder, Limits};
use crate::dictionary::Dictionary;
use crate::encoder::{Encoder, Params};

/// Decompresses every frame of `data` (skippable frames are skipped) into a new buffer of at
/// most `capacity` bytes.
///
/// ```
/// let frame = zstd_core::frame::tests_support::tiny_frame();
/// assert_eq!(zstd_core::bulk::decompress(&frame, 100).unwrap(), b"hello");
/// let err = zstd_core::bulk::decompress(&frame, 4).unwrap_err();
/// assert_eq!(err.kind(), std::io::ErrorKind::WriteZero);
/// ```
pub fn decompress(data: &[u8], capacity: usize) -> io::Result<Vec<u8>> {
    Decompressor::new()?.decompress(data, capacity)
}

/// A reusable decompression context: its tables and buffers are kept from call to call.
#[derive(Debug, Default)]
pub struct Decompressor {
    dec: FrameDecoder,
    dict: Option<Dictionary>,
}

impl Decompressor {
    /// A context without a dictionary.
    pub fn new() -> io::Result<Self> {
        Ok(Self::default())
    }

    /// A context that decodes with `dictionary` (zstd-format or raw content).
    pub fn with_dictionary(dictionary: &[u8]) -> io::Result<Self> {
        Ok(Self {
            dec: FrameDecoder::default(),
            dict: Some(Dictionary::new(dictionary)?),
        })
    }

    /// A context that decodes with an already parsed dictionary.
    pub fn with_prepared_dictionary(dictionary: &Dictionary) -> Self {
        Self {
            dec: FrameDecoder::default(),
            dict: Some(dictionary.clone()),
        }
    }

    /// Whether to verify content checksums (on by default). With verification off, a frame's
    /// checksum is skipped without being computed.
    pub fn set_verify_checksum(&mut self, verify: bool) {
        self.dec.skip_checksum = !verify;
    }

    /// Decompresses every frame of `data` into a new buffer of at most `capacity` bytes.
    pub fn decompress(&mut self, data: &[u8], capacity: usize) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        let opts = Limits {
            dict: self.dict.as_ref(),
            max_window: None,
        };
        decoder::decode_frames(&mut self.dec, data, &mut out, 0, capacity, opts)?;
        Ok(out)
    }

    /// Decompresses every frame of `src` into `dst`; returns the bytes written. Fails with
    /// [`Error::OutputTooSmall`](crate::Error::OutputTooSmall) (as `io::ErrorKind::WriteZero`) when `dst` is too small.
    pub fn decompress_to_buffer(&mut self, src: &[u8], dst: &mut [u8]) -> io::Result<usize> {
        let capacity = dst.len();
        let opts = Limits {
            dict: self.dict.as_ref(),
            max_window: None,
        };
        let mut sink: &mut [u8] = dst;
        Ok(decoder::decode_frames(
            &mut self.dec,
            src,
            &mut sink,
            0,
            capacity,
            opts,
        )?)
    }

    /// The total content size the frames of `data` declare, if every frame declares one.
    pub fn upper_bound(data: &[u8]) -> Option<usize> {
        let mut total = 0usize;
        for frame in crate::frame::Frames::new(data) {
            if let crate::frame::Frame::Zstd { header, .. } = frame.ok()? {
                total = total.checked_add(usize::try_from(header.content_size?).ok()?)?;
            }
        }
        Some(total)
    }
}

/// Compresses `data` into one frame (content size and checksum included) at `level` (see
/// [`compression_level_range`](crate::compression_level_range); 0 is the default level).
///
/// ```
/// let data = vec![42u8; 100_000];
/// let frame = zstd_core::bulk::compress(&data, 1).unwrap();
/// assert!(frame.len() < 100);
/// assert_eq!(zstd_core::bulk::decompress(&frame, data.len()).unwrap(), data);
/// ```
pub fn compress(data: &[u8], level: i32) -> io::Result<Vec<u8>> {
    check_level(level)?;
    let mut enc = Encoder::new(Params::for_level(level, data.len()));
    enc.checksum = true;
    let mut out = Vec::with_capacity(data.len() / 2 + 64);
    enc.compress_frame(data, &mut out);
    Ok(out)
}

fn check_level(level: i32) -> io::Result<()> {
    if crate::compression_level_range().contains(&level) {
        Ok(())
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("compression level {level} is outside -7..=22"),
        ))
    }
}
