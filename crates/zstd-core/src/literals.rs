//! The literals section: raw, RLE, or Huffman-coded (with a new or the previous table).

use zstd_simd::WILDCOPY_SLACK;

use crate::error::{Error, Result};
use crate::fse;
use crate::huffman;

/// The decoded literals of a block, in a buffer that keeps `WILDCOPY_SLACK` initialized bytes
/// past the end so sequence execution can copy them with `wildcopy`.
#[derive(Debug, Default)]
pub(crate) struct Literals {
    buf: Vec<u8>,
    len: usize,
    pub(crate) huffman: huffman::Table,
    /// Whether `huffman` holds a table a treeless block may reuse.
    pub(crate) has_huffman: bool,
    fse_scratch: Vec<fse::Entry>,
}

impl Literals {
    /// The decoded literals followed by at least `WILDCOPY_SLACK` bytes of padding.
    pub(crate) fn padded(&self) -> &[u8] {
        &self.buf
    }

    /// How many literals there are.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Reads a Huffman tree description (a dictionary's, or a compressed block's).
    pub(crate) fn read_huffman(&mut self, src: &[u8]) -> Result<usize> {
        let used = self.huffman.read_description(src, &mut self.fse_scratch)?;
        self.has_huffman = true;
        Ok(used)
    }

    /// Decodes the literals section at the start of `block`, whose header is `h`, into `out`
    /// if given (it must hold at least `h.size` bytes; the literal buffer is left as it was),
    /// into the literal buffer otherwise; returns the bytes the section used.
    pub(crate) fn decode(
        &mut self,
        block: &[u8],
        h: &Header,
        out: Option<&mut [u8]>,
    ) -> Result<usize> {
        let body = block.get(h.len..h.used()).ok_or(Error::Truncated {
            what: match h.kind {
                Kind::Raw => "raw literals",
                Kind::Rle => "RLE literals",
                Kind::Huffman { .. } => "Huffman literals",
            },
        })?;
        // A new tree is read first; then the table and the output are borrowed separately
        // (taking the table out would allocate and zero a new one per block).
        let streams = match h.kind {
            Kind::Huffman {
                treeless: false, ..
            } => &body[self.read_huffman(body)?..],
            Kind::Huffman { treeless: true, .. } if !self.has_huffman => {
                return Err(Error::CorruptLiterals(
                    "treeless literals without a previous Huffman table",
                ));
            }
            _ => body,
        };
        let dst = match out {
            Some(out) => &mut out[..h.size],
            None => prepare(&mut self.buf, &mut self.len, h.size),
        };
        match h.kind {
            Kind::Raw => dst.copy_from_slice(body),
            Kind::Rle => dst.fill(body[0]),
            Kind::Huffman { four: true, .. } => self.huffman.decode_4_streams(streams, dst)?,
            Kind::Huffman { four: false, .. } => self.huffman.decode_stream(streams, dst)?,
        }
        Ok(h.used())
    }
}

/// How a literals section is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Raw,
    Rle,
    /// Huffman-coded, with its own tree or the previous block's (`treeless`), in 1 or 4 streams.
    Huffman {
        treeless: bool,
        four: bool,
    },
}

/// A literals section header (RFC 8878 §3.1.1.3.1.1).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Header {
    kind: Kind,
    /// The literals it regenerates.
    pub(crate) size: usize,
    /// The header's own length.
    len: usize,
    /// The stored bytes after the header (the tree description and streams of Huffman-coded
    /// literals).
    stored: usize,
}

impl Header {
    /// Reads the header at the start of `block`, for a block of at most `max_size` bytes.
    pub(crate) fn parse(block: &[u8], max_size: usize) -> Result<Header> {
        let b0 = *block.first().ok_or(Error::Truncated {
            what: "literals section header",
        })?;
        let kind = b0 & 3;
        let size_format = (b0 >> 2) & 3;
        let byte = |i: usize| -> Result<usize> {
            block
                .get(i)
                .map(|&b| usize::from(b))
                .ok_or(Error::Truncated {
                    what: "literals section header",
                })
        };
        let h = if kind < 2 {
            let (size, len) = match size_format {
                0 | 2 => (usize::from(b0 >> 3), 1),
                1 => ((usize::from(b0) >> 4) + (byte(1)? << 4), 2),
                _ => (
                    (usize::from(b0) >> 4) + (byte(1)? << 4) + (byte(2)? << 12),
                    3,
                ),
            };
            if kind == 0 {
                Header {
                    kind: Kind::Raw,
                    size,
                    len,
                    stored: size,
                }
            } else {
                Header {
                    kind: Kind::Rle,
                    size,
                    len,
                    stored: 1,
                }
            }
        } else {
            let (size, stored, len, four) = match size_format {
                0 | 1 => {
                    let v = usize::from(b0) | byte(1)? << 8 | byte(2)? << 16;
                    ((v >> 4) & 0x3FF, (v >> 14) & 0x3FF, 3, size_format == 1)
                }
                2 => {
                    let v = usize::from(b0) | byte(1)? << 8 | byte(2)? << 16 | byte(3)? << 24;
                    ((v >> 4) & 0x3FFF, (v >> 18) & 0x3FFF, 4, true)
                }
                _ => {
                    let v = usize::from(b0)
                        | byte(1)? << 8
                        | byte(2)? << 16
                        | byte(3)? << 24
                        | byte(4)? << 32;
                    ((v >> 4) & 0x3FFFF, (v >> 22) & 0x3FFFF, 5, true)
                }
            };
            if size > max_size {
                return Err(too_many());
            }
            if four && size < 6 {
                return Err(Error::CorruptLiterals(
                    "4 streams for fewer than 6 literals",
                ));
            }
            Header {
                kind: Kind::Huffman {
                    treeless: kind == 3,
                    four,
                },
                size,
                len,
                stored,
            }
        };
        if h.size > max_size {
            return Err(too_many());
        }
        Ok(h)
    }

    /// The bytes the whole section takes.
    pub(crate) fn used(&self) -> usize {
        self.len + self.stored
    }
}

/// The error for a section regenerating more literals than a block may hold.
fn too_many() -> Error {
    Error::CorruptLiterals("more literals than the block maximum")
}

/// Makes `buf` hold `n` literals plus the slack (it stays initialized) and sets `len` to `n`;
/// returns the literals' part.
fn prepare<'a>(buf: &'a mut Vec<u8>, len: &mut usize, n: usize) -> &'a mut [u8] {
    let need = n + WILDCOPY_SLACK;
    if buf.len() < need {
        buf.resize(need, 0);
    }
    *len = n;
    &mut buf[..n]
}
