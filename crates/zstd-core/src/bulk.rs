//! One-shot compression and decompression of whole buffers, as in the `zstd` crate's `bulk`
//! module.

use std::io;

use crate::decoder::{self, FrameDecoder, Limits};
use crate::dictionary::Dictionary;
use crate::encoder::{Encoder, EncoderDictionary};

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
    let mut c = Compressor::new(level)?;
    c.include_checksum(true)?;
    c.compress(data)
}

/// The most bytes a frame of `len` bytes of content can take, at any level and window: the
/// content stored raw in the smallest blocks (1 KiB, with a 1 KiB window; 3 bytes of header
/// each), the frame header and checksum. (0.3% over `len`; libzstd's `ZSTD_compressBound`
/// allows 0.4%.)
pub fn compress_bound(len: usize) -> usize {
    /// The smallest block: a block is at most the window, and the window at least 1 KiB.
    const MIN_BLOCK: usize = 1 << 10;
    len + 3 * (len / MIN_BLOCK + 1) + 18 + 4
}

/// A reusable compression context: its match tables and entropy scratch space are kept from
/// call to call, so compressing with it allocates only the output.
///
/// ```
/// let mut c = zstd_core::bulk::Compressor::new(3).unwrap();
/// c.include_checksum(true).unwrap();
/// let data = b"a rose is a rose is a rose".repeat(100);
/// let frame = c.compress(&data).unwrap();
/// let mut buf = vec![0u8; zstd_core::bulk::compress_bound(data.len())];
/// let n = c.compress_to_buffer(&data, &mut buf).unwrap();
/// assert_eq!(&buf[..n], &frame[..]);
/// assert_eq!(zstd_core::decode_all(&frame[..]).unwrap(), data);
/// ```
#[derive(Debug)]
pub struct Compressor {
    enc: Encoder,
    /// Each block on its way into `compress_to_buffer`'s buffer.
    scratch: Vec<u8>,
}

impl Compressor {
    /// A context compressing at `level` (0 is the default).
    pub fn new(level: i32) -> io::Result<Self> {
        check_level(level)?;
        Ok(Self {
            enc: Encoder::new(level),
            scratch: Vec::new(),
        })
    }

    /// A context compressing at `level` with `dictionary`: a zstd-format dictionary (its id is
    /// written to each frame, its tables and content are used) or raw content.
    pub fn with_dictionary(level: i32, dictionary: &[u8]) -> io::Result<Self> {
        let mut c = Self::new(level)?;
        c.enc.dict = Some(EncoderDictionary::new(dictionary)?);
        Ok(c)
    }

    /// Changes the level for the next frames.
    pub fn set_level(&mut self, level: i32) -> io::Result<()> {
        check_level(level)?;
        self.enc.level = level;
        Ok(())
    }

    /// Whether frames end with a checksum of their content (off by default, as in libzstd).
    pub fn include_checksum(&mut self, include: bool) -> io::Result<()> {
        self.enc.checksum = include;
        Ok(())
    }

    /// Whether frame headers carry the content size (on by default).
    pub fn include_contentsize(&mut self, include: bool) -> io::Result<()> {
        self.enc.content_size = include;
        Ok(())
    }

    /// Overrides the level's window: matches reach back at most `1 << log` bytes (10 to 30).
    pub fn window_log(&mut self, log: u32) -> io::Result<()> {
        self.enc.window_log = Some(check_window_log(log)?);
        Ok(())
    }

    /// Compresses `data` into a new frame.
    pub fn compress(&mut self, data: &[u8]) -> io::Result<Vec<u8>> {
        let mut out = Vec::with_capacity(compress_bound(data.len()));
        self.enc.compress_frame(data, &mut out);
        Ok(out)
    }

    /// Compresses `src` into `dst`; returns the frame's size. An error when it does not fit
    /// ([`compress_bound`] is always enough).
    pub fn compress_to_buffer(&mut self, src: &[u8], dst: &mut [u8]) -> io::Result<usize> {
        self.enc
            .compress_frame_into(src, dst, &mut self.scratch)
            .ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::WriteZero,
                    format!(
                        "the compressed frame does not fit the buffer's {} bytes",
                        dst.len()
                    ),
                )
            })
    }
}

pub(crate) fn check_level(level: i32) -> io::Result<()> {
    if crate::compression_level_range().contains(&level) {
        Ok(())
    } else {
        let range = crate::compression_level_range();
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "compression level {level} is outside {}..={}",
                range.start(),
                range.end()
            ),
        ))
    }
}

pub(crate) fn check_window_log(log: u32) -> io::Result<u32> {
    if (10..=30).contains(&log) {
        Ok(log)
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("window log {log} is outside 10..=30"),
        ))
    }
}
