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

    /// Decodes the literals section at the start of `block`; returns the bytes it used.
    pub(crate) fn decode(&mut self, block: &[u8], max_size: usize) -> Result<usize> {
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
        match kind {
            0 | 1 => {
                let (size, header) = match size_format {
                    0 | 2 => (usize::from(b0 >> 3), 1),
                    1 => ((usize::from(b0) >> 4) + (byte(1)? << 4), 2),
                    _ => (
                        (usize::from(b0) >> 4) + (byte(1)? << 4) + (byte(2)? << 12),
                        3,
                    ),
                };
                if size > max_size {
                    return Err(Error::CorruptLiterals(
                        "more literals than the block maximum",
                    ));
                }
                if kind == 0 {
                    let data = block.get(header..header + size).ok_or(Error::Truncated {
                        what: "raw literals",
                    })?;
                    prepare(&mut self.buf, &mut self.len, size).copy_from_slice(data);
                    Ok(header + size)
                } else {
                    let value = *block.get(header).ok_or(Error::Truncated {
                        what: "RLE literals",
                    })?;
                    prepare(&mut self.buf, &mut self.len, size).fill(value);
                    Ok(header + 1)
                }
            }
            _ => {
                let (regenerated, compressed, header, four) = match size_format {
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
                if regenerated > max_size {
                    return Err(Error::CorruptLiterals(
                        "more literals than the block maximum",
                    ));
                }
                if four && regenerated < 6 {
                    return Err(Error::CorruptLiterals(
                        "4 streams for fewer than 6 literals",
                    ));
                }
                let data = block
                    .get(header..header + compressed)
                    .ok_or(Error::Truncated {
                        what: "Huffman literals",
                    })?;
                let streams = if kind == 2 {
                    let used = self.read_huffman(data)?;
                    &data[used..]
                } else {
                    if !self.has_huffman {
                        return Err(Error::CorruptLiterals(
                            "treeless literals without a previous Huffman table",
                        ));
                    }
                    data
                };
                // The table and the output are borrowed separately (taking the table out
                // would allocate and zero a new one per block).
                let out = prepare(&mut self.buf, &mut self.len, regenerated);
                if four {
                    self.huffman.decode_4_streams(streams, out)?;
                } else {
                    self.huffman.decode_stream(streams, out)?;
                }
                Ok(header + compressed)
            }
        }
    }
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
