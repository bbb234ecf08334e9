//! Dictionaries: zstd-format (entropy tables, repeat offsets, content) and raw content.

use crate::error::Error;
use crate::huffman;
use crate::literals::Literals;
use crate::sequences::Tables;

/// The magic number of a zstd-format dictionary.
pub const DICTIONARY_MAGIC: u32 = 0xEC30_A437;

/// What a zstd-format dictionary sets up before a frame.
#[derive(Clone, Debug)]
pub(crate) struct Entropy {
    /// `None` for a table deeper than the format's 11 bits (see [`twelve_bit_huffman`]).
    pub(crate) huffman: Option<huffman::Table>,
    pub(crate) tables: Tables,
    pub(crate) reps: [u32; 3],
}

/// A parsed dictionary, ready to decode frames that use it.
#[derive(Clone, Debug)]
pub struct Dictionary {
    id: u32,
    content: Vec<u8>,
    entropy: Option<Entropy>,
}

impl Dictionary {
    /// Parses a dictionary: zstd-format when it starts with the dictionary magic number (and is
    /// at least 8 bytes), raw content otherwise.
    pub fn new(bytes: &[u8]) -> std::result::Result<Self, Error> {
        let magic = bytes
            .get(..4)
            .map(|b| u32::from_le_bytes(b.try_into().expect("4 bytes")));
        if bytes.len() < 8 || magic != Some(DICTIONARY_MAGIC) {
            return Ok(Self {
                id: 0,
                content: bytes.to_vec(),
                entropy: None,
            });
        }
        let id = u32::from_le_bytes(bytes[4..8].try_into().expect("4 bytes"));
        let mut pos = 8;
        let mut literals = Literals::default();
        let huffman = match literals.read_huffman(&bytes[pos..]) {
            Ok(used) => {
                pos += used;
                Some(literals.huffman)
            }
            Err(_) => {
                // libzstd's dictionary builder may write 12-bit Huffman tables, one more bit than
                // RFC 8878 allows; such a table is skipped and cannot be reused by blocks.
                pos += twelve_bit_huffman(&bytes[pos..])
                    .ok_or(Error::CorruptDictionary("invalid Huffman table"))?;
                None
            }
        };
        let mut tables = Tables::default();
        pos += tables
            .read_dictionary_tables(&bytes[pos..])
            .map_err(|_| Error::CorruptDictionary("invalid FSE table"))?;
        let reps_bytes = bytes
            .get(pos..pos + 12)
            .ok_or(Error::CorruptDictionary("truncated repeat offsets"))?;
        let content = &bytes[pos + 12..];
        let mut reps = [0u32; 3];
        for (r, b) in reps.iter_mut().zip(reps_bytes.chunks_exact(4)) {
            *r = u32::from_le_bytes(b.try_into().expect("4 bytes"));
            if *r == 0 || *r as usize > content.len() {
                return Err(Error::CorruptDictionary(
                    "repeat offset zero or beyond the content",
                ));
            }
        }
        Ok(Self {
            id,
            content: content.to_vec(),
            entropy: Some(Entropy {
                huffman,
                tables,
                reps,
            }),
        })
    }

    /// The dictionary ID (0 for raw content).
    pub fn id(&self) -> u32 {
        self.id
    }

    /// The content matches may reference.
    pub fn content(&self) -> &[u8] {
        &self.content
    }

    pub(crate) fn entropy(&self) -> Option<&Entropy> {
        self.entropy.as_ref()
    }
}

/// The length of a Huffman tree description whose weights form a complete 12-bit code, or `None`.
fn twelve_bit_huffman(src: &[u8]) -> Option<usize> {
    let mut weights = [0u8; 256];
    let (n, used) = huffman::read_weights(src, &mut weights, &mut Vec::new()).ok()?;
    let total: u32 = weights[..n]
        .iter()
        .map(|&w| if w == 0 || w > 12 { 0 } else { 1u32 << (w - 1) })
        .sum();
    let max_bits = 32 - total.leading_zeros();
    let rest = (1u32 << max_bits) - total;
    (max_bits == 12 && rest.is_power_of_two()).then_some(used)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_content_and_rejections() {
        let raw = Dictionary::new(b"some raw dictionary content").unwrap();
        assert_eq!((raw.id(), raw.content().len()), (0, 27));
        let short = Dictionary::new(&[0x37, 0xA4, 0x30, 0xEC]).unwrap();
        assert_eq!(
            short.id(),
            0,
            "under 8 bytes a dictionary is raw content, magic or not"
        );
        let mut bad = vec![0x37, 0xA4, 0x30, 0xEC, 1, 0, 0, 0];
        bad.extend_from_slice(&[0x00; 20]);
        assert!(matches!(
            Dictionary::new(&bad),
            Err(Error::CorruptDictionary(_))
        ));
    }
}
