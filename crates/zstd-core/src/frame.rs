//! Frame inspection: headers, sizes, and iterating over the frames of a buffer.
//!
//! ```
//! use zstd_core::frame::{FrameHeader, frame_content_size};
//!
//! let compressed = zstd_core::frame::tests_support::tiny_frame(); // "hello" in a raw block
//! let header = FrameHeader::parse(&compressed).unwrap();
//! assert_eq!(header.content_size, Some(5));
//! assert!(!header.has_checksum);
//! assert_eq!(frame_content_size(&compressed).unwrap(), Some(5));
//! ```

use crate::error::{Error, Result};

/// The magic number of a Zstandard frame.
pub const MAGIC: u32 = 0xFD2F_B528;
/// The magic numbers of skippable frames are `SKIPPABLE_MAGIC..=SKIPPABLE_MAGIC + 15`.
pub const SKIPPABLE_MAGIC: u32 = 0x184D_2A50;
/// The largest block content, compressed or not.
pub const MAX_BLOCK_SIZE: usize = 128 * 1024;

/// A parsed Zstandard frame header (RFC 8878 §3.1.1.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameHeader {
    /// The decoded size, when the frame states it.
    pub content_size: Option<u64>,
    /// The history a decoder needs (for single-segment frames, the content size).
    pub window_size: u64,
    /// The dictionary ID (0: none stated).
    pub dictionary_id: u32,
    /// Whether a content checksum follows the last block.
    pub has_checksum: bool,
    /// Whether the frame is single-segment (no window descriptor).
    pub single_segment: bool,
    /// The header's length in bytes, magic number included.
    pub header_len: usize,
}

impl FrameHeader {
    /// Parses the header of the Zstandard frame at the start of `src` (magic number included).
    /// A skippable frame is an error here: see [`Frames`] to walk both kinds.
    pub fn parse(src: &[u8]) -> std::result::Result<Self, Error> {
        let magic = read_u32(src, 0).ok_or(Error::Truncated {
            what: "frame header",
        })?;
        if magic != MAGIC {
            return Err(Error::BadMagic { found: magic });
        }
        let descriptor = *src.get(4).ok_or(Error::Truncated {
            what: "frame header",
        })?;
        let single_segment = descriptor & 0x20 != 0;
        if descriptor & 0x08 != 0 {
            return Err(Error::Reserved {
                what: "frame header bit 3",
            });
        }
        let has_checksum = descriptor & 0x04 != 0;
        let did_len = [0, 1, 2, 4][usize::from(descriptor & 3)];
        let fcs_len = fcs_len(descriptor);
        let header_len = header_len(descriptor);
        let h = src.get(..header_len).ok_or(Error::Truncated {
            what: "frame header",
        })?;
        let mut pos = 5;
        let mut window_size = 0u64;
        if !single_segment {
            let wd = h[pos];
            let exponent = u32::from(wd >> 3);
            let mantissa = u64::from(wd & 7);
            let base = 1u64 << (10 + exponent);
            window_size = base + (base / 8) * mantissa;
            pos += 1;
        }
        let dictionary_id = read_le(&h[pos..pos + did_len]) as u32;
        pos += did_len;
        let content_size = match fcs_len {
            0 => None,
            2 => Some(read_le(&h[pos..pos + 2]) + 256),
            n => Some(read_le(&h[pos..pos + n])),
        };
        if single_segment {
            window_size = content_size.expect("single-segment frames state their size");
        }
        Ok(Self {
            content_size,
            window_size,
            dictionary_id,
            has_checksum,
            single_segment,
            header_len,
        })
    }

    /// The largest block this frame may hold: the window, at most 128 KiB.
    pub fn block_max(&self) -> usize {
        self.window_size.min(MAX_BLOCK_SIZE as u64) as usize
    }
}

/// The length of the frame-content-size field a frame descriptor announces.
fn fcs_len(descriptor: u8) -> usize {
    match descriptor >> 6 {
        0 => usize::from(descriptor & 0x20 != 0),
        1 => 2,
        2 => 4,
        _ => 8,
    }
}

/// The length of a frame header (magic number included) from its descriptor byte.
pub(crate) fn header_len(descriptor: u8) -> usize {
    let did_len = [0, 1, 2, 4][usize::from(descriptor & 3)];
    let window_len = usize::from(descriptor & 0x20 == 0);
    5 + window_len + did_len + fcs_len(descriptor)
}

fn read_u32(src: &[u8], at: usize) -> Option<u32> {
    src.get(at..at + 4)
        .map(|b| u32::from_le_bytes(b.try_into().expect("4 bytes")))
}

fn read_le(b: &[u8]) -> u64 {
    b.iter().rev().fold(0u64, |v, &x| v << 8 | u64::from(x))
}

/// The content size a frame states: `Ok(None)` when it does not state one. Skippable frames have
/// no content (`Ok(Some(0))`).
pub fn frame_content_size(src: &[u8]) -> std::result::Result<Option<u64>, Error> {
    match read_u32(src, 0) {
        Some(m) if m & 0xFFFF_FFF0 == SKIPPABLE_MAGIC => Ok(Some(0)),
        _ => Ok(FrameHeader::parse(src)?.content_size),
    }
}

/// The length in bytes of the frame (Zstandard or skippable) at the start of `src`, without
/// decoding it: headers, block headers and the checksum are read, block contents skipped.
pub fn find_frame_compressed_size(src: &[u8]) -> std::result::Result<usize, Error> {
    let magic = read_u32(src, 0).ok_or(Error::Truncated {
        what: "frame header",
    })?;
    if magic & 0xFFFF_FFF0 == SKIPPABLE_MAGIC {
        let size = read_u32(src, 4).ok_or(Error::Truncated {
            what: "skippable frame header",
        })? as usize;
        let end = 8usize.checked_add(size).filter(|&e| e <= src.len());
        return end.ok_or(Error::Truncated {
            what: "skippable frame",
        });
    }
    let header = FrameHeader::parse(src)?;
    let mut pos = header.header_len;
    loop {
        let block = read_block_header(src, pos)?;
        pos += 3 + block.content_len();
        if pos > src.len() {
            return Err(Error::Truncated { what: "block" });
        }
        if block.last {
            break;
        }
    }
    if header.has_checksum {
        pos += 4;
        if pos > src.len() {
            return Err(Error::Truncated {
                what: "content checksum",
            });
        }
    }
    Ok(pos)
}

/// A block header.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BlockHeader {
    pub(crate) last: bool,
    pub(crate) kind: BlockKind,
    pub(crate) size: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BlockKind {
    Raw,
    Rle,
    Compressed,
}

impl BlockHeader {
    /// The bytes of content that follow the header.
    pub(crate) fn content_len(&self) -> usize {
        match self.kind {
            BlockKind::Rle => 1,
            _ => self.size,
        }
    }
}

pub(crate) fn read_block_header(src: &[u8], at: usize) -> Result<BlockHeader> {
    let b = src.get(at..at + 3).ok_or(Error::Truncated {
        what: "block header",
    })?;
    let v = u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16;
    let kind = match (v >> 1) & 3 {
        0 => BlockKind::Raw,
        1 => BlockKind::Rle,
        2 => BlockKind::Compressed,
        _ => {
            return Err(Error::Reserved {
                what: "block type 3",
            });
        }
    };
    Ok(BlockHeader {
        last: v & 1 != 0,
        kind,
        size: (v >> 3) as usize,
    })
}

/// One frame of a buffer, as [`Frames`] yields it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Frame<'a> {
    /// A Zstandard frame: its header and all its bytes.
    Zstd {
        /// The parsed header.
        header: FrameHeader,
        /// The whole frame, header to checksum.
        bytes: &'a [u8],
    },
    /// A skippable frame: its magic number's low 4 bits and its user data.
    Skippable {
        /// `magic - 0x184D2A50`, 0 to 15.
        variant: u8,
        /// The user data.
        data: &'a [u8],
    },
}

/// An iterator over the frames of a buffer of concatenated frames, for users who want the
/// payloads of skippable frames or the sizes of each frame.
///
/// ```
/// use zstd_core::frame::{Frame, Frames};
///
/// let mut buf = vec![0x50, 0x2A, 0x4D, 0x18, 3, 0, 0, 0, b'a', b'b', b'c'];
/// buf.extend_from_slice(&zstd_core::frame::tests_support::tiny_frame());
/// let frames: Vec<_> = Frames::new(&buf).collect::<Result<_, _>>().unwrap();
/// assert_eq!(frames.len(), 2);
/// assert_eq!(frames[0], Frame::Skippable { variant: 0, data: b"abc" });
/// assert!(matches!(frames[1], Frame::Zstd { .. }));
/// ```
#[derive(Clone, Debug)]
pub struct Frames<'a> {
    rest: &'a [u8],
    failed: bool,
}

impl<'a> Frames<'a> {
    /// Iterates over the frames of `src`.
    pub fn new(src: &'a [u8]) -> Self {
        Self {
            rest: src,
            failed: false,
        }
    }
}

impl<'a> Iterator for Frames<'a> {
    type Item = std::result::Result<Frame<'a>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() || self.failed {
            return None;
        }
        let result = find_frame_compressed_size(self.rest).and_then(|len| {
            let (bytes, rest) = self.rest.split_at(len);
            let magic = read_u32(bytes, 0).expect("a frame has a magic number");
            let frame = if magic & 0xFFFF_FFF0 == SKIPPABLE_MAGIC {
                Frame::Skippable {
                    variant: (magic & 15) as u8,
                    data: &bytes[8..],
                }
            } else {
                Frame::Zstd {
                    header: FrameHeader::parse(bytes)?,
                    bytes,
                }
            };
            self.rest = rest;
            Ok(frame)
        });
        self.failed = result.is_err();
        Some(result)
    }
}

/// Small frames for the documentation examples.
#[doc(hidden)]
pub mod tests_support {
    /// A frame holding "hello" in one raw block, with its content size.
    pub fn tiny_frame() -> Vec<u8> {
        // Magic; descriptor: single segment, 1-byte content size; size 5; raw last block of 5.
        let mut f = vec![0x28, 0xB5, 0x2F, 0xFD, 0x20, 5];
        let block = (5u32 << 3) | 1;
        f.extend_from_slice(&block.to_le_bytes()[..3]);
        f.extend_from_slice(b"hello");
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_descriptor() {
        // Exponent 0, mantissa 0: 1 KiB; exponent 17, mantissa 7: 2^27 + 7 * 2^24.
        let mut f = vec![0x28, 0xB5, 0x2F, 0xFD, 0x00, 0x00];
        assert_eq!(FrameHeader::parse(&f).unwrap().window_size, 1024);
        f[5] = (17 << 3) | 7;
        assert_eq!(
            FrameHeader::parse(&f).unwrap().window_size,
            (1 << 27) + 7 * (1 << 24)
        );
    }

    #[test]
    fn every_descriptor_combination_parses_or_fails_cleanly() {
        for d in 0..=255u8 {
            let mut f = vec![0x28, 0xB5, 0x2F, 0xFD, d];
            f.extend_from_slice(&[0x30; 14]);
            let r = FrameHeader::parse(&f);
            if d & 0x08 != 0 {
                assert!(matches!(r, Err(Error::Reserved { .. })));
                continue;
            }
            let h = r.unwrap();
            let did = [0, 1, 2, 4][usize::from(d & 3)];
            let fcs = match d >> 6 {
                0 => usize::from(d & 0x20 != 0),
                1 => 2,
                2 => 4,
                _ => 8,
            };
            assert_eq!(
                h.header_len,
                5 + usize::from(d & 0x20 == 0) + did + fcs,
                "descriptor {d:#04x}"
            );
            assert_eq!(h.has_checksum, d & 4 != 0);
            assert_eq!(h.content_size.is_some(), fcs > 0);
            if fcs == 2 {
                assert_eq!(h.content_size, Some(0x3030 + 256));
            }
            // Truncated headers are errors, never panics.
            for cut in 0..h.header_len {
                assert!(FrameHeader::parse(&f[..cut]).is_err());
            }
        }
    }

    #[test]
    fn sizes_of_frames() {
        let f = tests_support::tiny_frame();
        assert_eq!(find_frame_compressed_size(&f).unwrap(), f.len());
        assert_eq!(frame_content_size(&f).unwrap(), Some(5));
        let skippable = [0x5F, 0x2A, 0x4D, 0x18, 2, 0, 0, 0, 9, 9];
        assert_eq!(find_frame_compressed_size(&skippable).unwrap(), 10);
        assert_eq!(frame_content_size(&skippable).unwrap(), Some(0));
        assert!(find_frame_compressed_size(&skippable[..9]).is_err());
        assert!(find_frame_compressed_size(&f[..f.len() - 1]).is_err());
        assert!(matches!(
            FrameHeader::parse(b"PK\x03\x04 zip"),
            Err(Error::BadMagic { found: 0x0403_4B50 })
        ));
    }
}
