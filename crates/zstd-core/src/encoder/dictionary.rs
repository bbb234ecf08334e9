//! Dictionaries prepared for compression: the content the first blocks may match into, and for
//! zstd-format dictionaries the entropy tables and repeat offsets the decoder starts with.

use super::huffman::HufTable;
use super::{Entropy, Kept};
use crate::error::Error;
use crate::fse::Distribution;
use crate::sequences::Kind;

/// A dictionary as the encoder uses it.
#[derive(Clone, Debug)]
pub(crate) struct EncoderDictionary {
    /// The id written to frame headers (0 for raw content, which has none).
    pub(crate) id: u32,
    pub(crate) content: Vec<u8>,
    /// The decoder's tables after loading the dictionary.
    pub(super) entropy: Entropy,
    pub(super) reps: [u32; 3],
}

impl EncoderDictionary {
    /// Parses a zstd-format dictionary, or takes any other bytes as raw content.
    pub(crate) fn new(bytes: &[u8]) -> Result<EncoderDictionary, Error> {
        // The decoder's parser validates; the tables are then read again for encoding.
        let parsed = crate::Dictionary::new(bytes)?;
        let mut dict = EncoderDictionary {
            id: parsed.id(),
            content: parsed.content().to_vec(),
            entropy: Entropy::default(),
            reps: [1, 4, 8],
        };
        if bytes.len() < 8 || !bytes.starts_with(&crate::DICTIONARY_MAGIC.to_le_bytes()) {
            return Ok(dict);
        }
        let bad = |what| Error::CorruptDictionary(what);
        let mut pos = 8;
        let mut weights = [0u8; 256];
        let (n, used) = crate::huffman::read_weights(&bytes[pos..], &mut weights, &mut Vec::new())
            .map_err(|_| bad("invalid Huffman table"))?;
        pos += used;
        // The last weight is implied: it completes the sum to a power of two.
        let total: u32 = weights[..n]
            .iter()
            .filter(|&&w| w > 0)
            .map(|&w| 1u32 << (w - 1))
            .sum();
        let rest = (1u32 << (32 - total.leading_zeros())) - total;
        if n < 256 && rest.is_power_of_two() {
            weights[n] = (rest.trailing_zeros() + 1) as u8;
            if let Some(table) = HufTable::from_weights(&weights[..=n]) {
                dict.entropy.huffman_slots[0] = table;
                dict.entropy.huffman = Some(0);
            }
        }
        // Offsets, match lengths, literal lengths; kept in section order (LL, OF, ML).
        for (slot, kind) in [
            (1, Kind::Offset),
            (2, Kind::MatchLength),
            (0, Kind::LiteralLength),
        ] {
            let (dist, used) = Distribution::read(&bytes[pos..], kind.max_symbol(), kind.max_log())
                .map_err(|_| bad("invalid FSE table"))?;
            dict.entropy.slots[slot][0].build(&dist);
            dict.entropy.seq[slot] = Some(Kept::Slot(0));
            pos += used;
        }
        for (r, b) in dict
            .reps
            .iter_mut()
            .zip(bytes[pos..pos + 12].chunks_exact(4))
        {
            *r = u32::from_le_bytes(b.try_into().expect("4 bytes"));
        }
        Ok(dict)
    }
}
