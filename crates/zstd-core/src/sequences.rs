//! The sequences section: symbol tables for literal lengths, match lengths and offsets, and the
//! section header.

use crate::error::{Error, Result};
use crate::fse::{self, Distribution};

/// Literal length codes 0..=35: (baseline, extra bits).
pub(crate) const LL_CODES: [(u32, u8); 36] = [
    (0, 0),
    (1, 0),
    (2, 0),
    (3, 0),
    (4, 0),
    (5, 0),
    (6, 0),
    (7, 0),
    (8, 0),
    (9, 0),
    (10, 0),
    (11, 0),
    (12, 0),
    (13, 0),
    (14, 0),
    (15, 0),
    (16, 1),
    (18, 1),
    (20, 1),
    (22, 1),
    (24, 2),
    (28, 2),
    (32, 3),
    (40, 3),
    (48, 4),
    (64, 6),
    (128, 7),
    (256, 8),
    (512, 9),
    (1024, 10),
    (2048, 11),
    (4096, 12),
    (8192, 13),
    (16384, 14),
    (32768, 15),
    (65536, 16),
];

/// Match length codes 0..=52: (baseline, extra bits).
pub(crate) const ML_CODES: [(u32, u8); 53] = [
    (3, 0),
    (4, 0),
    (5, 0),
    (6, 0),
    (7, 0),
    (8, 0),
    (9, 0),
    (10, 0),
    (11, 0),
    (12, 0),
    (13, 0),
    (14, 0),
    (15, 0),
    (16, 0),
    (17, 0),
    (18, 0),
    (19, 0),
    (20, 0),
    (21, 0),
    (22, 0),
    (23, 0),
    (24, 0),
    (25, 0),
    (26, 0),
    (27, 0),
    (28, 0),
    (29, 0),
    (30, 0),
    (31, 0),
    (32, 0),
    (33, 0),
    (34, 0),
    (35, 1),
    (37, 1),
    (39, 1),
    (41, 1),
    (43, 2),
    (47, 2),
    (51, 3),
    (59, 3),
    (67, 4),
    (83, 4),
    (99, 5),
    (131, 7),
    (259, 8),
    (515, 9),
    (1027, 10),
    (2051, 11),
    (4099, 12),
    (8195, 13),
    (16387, 14),
    (32771, 15),
    (65539, 16),
];

/// The largest offset code this decoder accepts (as libzstd on 64-bit targets).
const MAX_OFFSET_CODE: usize = 31;

const LL_DEFAULT: [i16; 36] = [
    4, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 2, 1, 1, 1, 1, 1,
    -1, -1, -1, -1,
];
const ML_DEFAULT: [i16; 53] = [
    1, 4, 3, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1, -1, -1,
];
const OF_DEFAULT: [i16; 29] = [
    1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1,
];

/// Which of the three symbol types a table decodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    LiteralLength,
    MatchLength,
    Offset,
}

impl Kind {
    pub(crate) fn max_symbol(self) -> usize {
        match self {
            Kind::LiteralLength => 35,
            Kind::MatchLength => 52,
            Kind::Offset => MAX_OFFSET_CODE,
        }
    }

    pub(crate) fn max_log(self) -> u32 {
        match self {
            Kind::Offset => 8,
            _ => 9,
        }
    }

    /// The baseline and extra bits of a code.
    fn code(self, symbol: u8) -> Result<(u32, u8)> {
        let s = usize::from(symbol);
        match self {
            Kind::LiteralLength => LL_CODES
                .get(s)
                .copied()
                .ok_or(Error::CorruptSequences("literal length code above 35")),
            Kind::MatchLength => ML_CODES
                .get(s)
                .copied()
                .ok_or(Error::CorruptSequences("match length code above 52")),
            Kind::Offset if s <= MAX_OFFSET_CODE => Ok((1u32 << s, symbol)),
            Kind::Offset => Err(Error::CorruptSequences("offset code above 31")),
        }
    }

    pub(crate) fn predefined(self) -> Distribution {
        match self {
            Kind::LiteralLength => Distribution::from_counts(&LL_DEFAULT, 6),
            Kind::MatchLength => Distribution::from_counts(&ML_DEFAULT, 6),
            Kind::Offset => Distribution::from_counts(&OF_DEFAULT, 5),
        }
    }
}

/// One state of a sequence decoding table, with its code already resolved.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct SeqEntry {
    /// The value's baseline; `base + read(extra)` is the value.
    pub(crate) base: u32,
    pub(crate) extra: u8,
    /// The next state is `next + read(nb_bits)`.
    pub(crate) nb_bits: u8,
    pub(crate) next: u16,
}

/// The entries of the largest sequence table (accuracy log 9).
pub(crate) const SEQ_TABLE_SIZE: usize = 512;

/// Where each table starts in [`Tables::entries`]: literal lengths, offsets, match lengths.
pub(crate) const LL_SLOT: usize = 0;
pub(crate) const OF_SLOT: usize = SEQ_TABLE_SIZE;
pub(crate) const ML_SLOT: usize = 2 * SEQ_TABLE_SIZE;

/// A decoding table for one symbol type, as built (the predefined ones).
#[derive(Clone, Debug)]
struct SeqTable {
    entries: Vec<SeqEntry>,
    log: u32,
}

impl SeqTable {
    fn from_distribution(dist: &Distribution, kind: Kind) -> Result<Self> {
        let mut entries = vec![SeqEntry::default(); SEQ_TABLE_SIZE];
        let log = fill(&mut entries, dist, kind)?;
        entries.truncate(1 << log);
        Ok(Self { entries, log })
    }
}

/// The most symbols a sequence code distribution has (match lengths: 0 to 52).
const MAX_CODES: usize = 53;

/// Builds the table of `dist` into `slot` (the first `1 << log` entries); returns the log.
///
/// One pass over the spread cells (RFC 8878 §4.1.1.1), each cell's state and code resolved
/// at once from per-symbol values: a block with new tables builds up to three, so this is on
/// the decoder's per-block path.
fn fill(slot: &mut [SeqEntry], dist: &Distribution, kind: Kind) -> Result<u32> {
    let size = 1usize << dist.log;
    let mut cells = [0u8; SEQ_TABLE_SIZE];
    let cells = cells
        .get_mut(..size)
        .ok_or(Error::CorruptFse("accuracy log above 9"))?;
    if !fse::spread(dist, cells) {
        return Err(Error::CorruptFse("distribution does not fill the table"));
    }
    // Per symbol: the code's baseline and extra bits, and the next state count (a
    // "less than one" symbol has one state).
    let mut codes = [(0u32, 0u8); MAX_CODES];
    let mut next = [0u16; MAX_CODES];
    let counts = &dist.counts[..dist.symbols];
    if counts.len() > MAX_CODES {
        return Err(Error::CorruptSequences("sequence code above its maximum"));
    }
    for (s, &c) in counts.iter().enumerate() {
        codes[s] = kind.code(s as u8)?;
        next[s] = if c == -1 { 1 } else { c.max(0) as u16 };
    }
    for (entry, &symbol) in slot.iter_mut().zip(cells.iter()) {
        // `spread` only writes symbols below `dist.symbols <= MAX_CODES`.
        let s = usize::from(symbol);
        let n = next[s];
        next[s] += 1;
        let nb_bits = dist.log - (15 - n.leading_zeros());
        let (base, extra) = codes[s];
        *entry = SeqEntry {
            base,
            extra,
            nb_bits: nb_bits as u8,
            next: ((u32::from(n) << nb_bits) - size as u32) as u16,
        };
    }
    Ok(dist.log)
}

/// The predefined tables (literal lengths, offsets, match lengths), built once per process.
static PREDEFINED: std::sync::LazyLock<[SeqTable; 3]> = std::sync::LazyLock::new(|| {
    [Kind::LiteralLength, Kind::Offset, Kind::MatchLength].map(|k| {
        SeqTable::from_distribution(&k.predefined(), k).expect("predefined distributions are valid")
    })
});

/// The three tables, kept between blocks for `Repeat_Mode`, in one allocation: the sequence
/// loop reaches all three from one pointer, each at a constant offset (`LL_SLOT`, `OF_SLOT`,
/// `ML_SLOT`), and every slot has room for the largest table, so a state masked to 9 bits is
/// always in bounds.
#[derive(Clone, Debug)]
pub(crate) struct Tables {
    pub(crate) entries: Box<[SeqEntry; 3 * SEQ_TABLE_SIZE]>,
    /// The accuracy log of each table: literal lengths, offsets, match lengths.
    pub(crate) logs: [u32; 3],
    /// Whether each table holds something `Repeat_Mode` may reuse.
    pub(crate) valid: [bool; 3],
    /// Whether each table's entries are the predefined table's, so that `Predefined_Mode`
    /// need not copy them again (small frames use it in every block).
    predefined: [bool; 3],
}

impl Default for Tables {
    fn default() -> Self {
        Self {
            entries: Box::new([SeqEntry::default(); 3 * SEQ_TABLE_SIZE]),
            logs: [0; 3],
            valid: [false; 3],
            predefined: [false; 3],
        }
    }
}

/// The entries of table `index` (0: literal lengths, 1: offsets, 2: match lengths).
fn slot(entries: &mut [SeqEntry; 3 * SEQ_TABLE_SIZE], index: usize) -> &mut [SeqEntry] {
    &mut entries[index * SEQ_TABLE_SIZE..(index + 1) * SEQ_TABLE_SIZE]
}

/// The parsed sequences section header.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Header {
    pub(crate) count: usize,
    /// Bytes of header and table descriptions.
    pub(crate) len: usize,
}

impl Tables {
    /// Marks every table as unusable by `Repeat_Mode` (a new frame without a dictionary).
    pub(crate) fn reset(&mut self) {
        self.valid = [false; 3];
    }

    /// Takes a dictionary's tables, into this context's allocation.
    pub(crate) fn load(&mut self, other: &Tables) {
        for index in 0..3 {
            let n = 1 << other.logs[index];
            let at = index * SEQ_TABLE_SIZE;
            self.entries[at..at + n].copy_from_slice(&other.entries[at..at + n]);
        }
        self.logs = other.logs;
        self.valid = other.valid;
        self.predefined = other.predefined;
    }

    /// Whether the sequences section at the start of `src` says it has no sequences (its
    /// count, 0, in the one- or two-byte form); [`read_header`](Self::read_header) still
    /// checks the rest.
    pub(crate) fn none(src: &[u8]) -> bool {
        matches!(src, [0, ..] | [128, 0, ..])
    }

    /// Reads the section header and the table descriptions, updating the tables.
    pub(crate) fn read_header(&mut self, src: &[u8]) -> Result<Header> {
        let b0 = *src.first().ok_or(Error::Truncated {
            what: "sequences section",
        })?;
        let (count, mut pos) = match b0 {
            0..=127 => (usize::from(b0), 1),
            128..=254 => {
                let b1 = *src.get(1).ok_or(Error::Truncated {
                    what: "sequences section",
                })?;
                (((usize::from(b0) - 128) << 8) + usize::from(b1), 2)
            }
            255 => {
                let b = src.get(1..3).ok_or(Error::Truncated {
                    what: "sequences section",
                })?;
                (usize::from(b[0]) + (usize::from(b[1]) << 8) + 0x7F00, 3)
            }
        };
        if count == 0 {
            // No sequences: the section ends with its count, in whichever form it was written
            // (RFC 8878 errata, format 0.4.0); anything after it is corrupt.
            if src.len() != pos {
                return Err(Error::CorruptSequences(
                    "bytes after a section without sequences",
                ));
            }
            return Ok(Header { count: 0, len: pos });
        }
        let modes = *src.get(pos).ok_or(Error::Truncated {
            what: "sequences section",
        })?;
        pos += 1;
        if modes & 3 != 0 {
            return Err(Error::Reserved {
                what: "sequences compression modes bits",
            });
        }
        for (i, kind) in [
            (0, Kind::LiteralLength),
            (1, Kind::Offset),
            (2, Kind::MatchLength),
        ] {
            let mode = (modes >> (6 - 2 * i)) & 3;
            pos += self.read_table(kind, i, mode, &src[pos..])?;
        }
        Ok(Header { count, len: pos })
    }

    fn read_table(&mut self, kind: Kind, index: usize, mode: u8, src: &[u8]) -> Result<usize> {
        let entries = slot(&mut self.entries, index);
        // Cleared before anything is written: a description that fails half-way leaves the
        // table marked as not predefined.
        let was_predefined = std::mem::replace(&mut self.predefined[index], false);
        let used = match mode {
            0 => {
                let table = &PREDEFINED[index];
                if !was_predefined {
                    entries[..table.entries.len()].copy_from_slice(&table.entries);
                }
                self.logs[index] = table.log;
                0
            }
            1 => {
                let symbol = *src.first().ok_or(Error::Truncated {
                    what: "sequences RLE symbol",
                })?;
                let (base, extra) = kind.code(symbol)?;
                entries[0] = SeqEntry {
                    base,
                    extra,
                    nb_bits: 0,
                    next: 0,
                };
                self.logs[index] = 0;
                1
            }
            2 => {
                let (dist, used) = Distribution::read(src, kind.max_symbol(), kind.max_log())?;
                self.logs[index] = fill(entries, &dist, kind)?;
                used
            }
            _ => {
                if !self.valid[index] {
                    return Err(Error::CorruptSequences(
                        "repeat mode without a previous table",
                    ));
                }
                0
            }
        };
        self.valid[index] = true;
        self.predefined[index] = mode == 0 || (mode == 3 && was_predefined);
        Ok(used)
    }

    /// Reads the three tables of a zstd-format dictionary (offsets, match lengths, literal
    /// lengths, in that order); returns the bytes used.
    pub(crate) fn read_dictionary_tables(&mut self, src: &[u8]) -> Result<usize> {
        let mut pos = 0;
        for (index, kind) in [
            (1, Kind::Offset),
            (2, Kind::MatchLength),
            (0, Kind::LiteralLength),
        ] {
            let max_symbol = kind.max_symbol();
            let (dist, used) = Distribution::read(&src[pos..], max_symbol, kind.max_log())?;
            let entries = slot(&mut self.entries, index);
            self.predefined[index] = false;
            self.logs[index] = fill(entries, &dist, kind)?;
            self.valid[index] = true;
            pos += used;
        }
        Ok(pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(kind: Kind) -> Vec<(u8, u8, u16)> {
        // (symbol, nb_bits, next) as in RFC 8878 Appendix A; the symbol is recovered from the
        // resolved code through the baseline.
        let mut scratch = Vec::new();
        fse::build_table(&kind.predefined(), &mut scratch).unwrap();
        scratch
            .iter()
            .map(|e| (e.symbol, e.nb_bits, e.new_state_base))
            .collect()
    }

    #[test]
    fn predefined_tables_match_appendix_a() {
        let ll = table(Kind::LiteralLength);
        assert_eq!(ll.len(), 64);
        assert_eq!(&ll[..4], &[(0, 4, 0), (0, 4, 16), (1, 5, 32), (3, 5, 0)]);
        assert_eq!(ll[10], (14, 6, 0));
        assert_eq!(ll[38], (25, 4, 0));
        assert_eq!(ll[39], (25, 4, 16));
        assert_eq!(ll[43], (0, 4, 48));
        assert_eq!(&ll[60..], &[(35, 6, 0), (34, 6, 0), (33, 6, 0), (32, 6, 0)]);
        let ml = table(Kind::MatchLength);
        assert_eq!(&ml[..3], &[(0, 6, 0), (1, 4, 0), (2, 5, 32)]);
        assert_eq!(ml[22], (1, 4, 16));
        assert_eq!(ml[43], (1, 4, 32));
        assert_eq!(ml[44], (1, 4, 48));
        assert_eq!(ml[45], (2, 4, 16));
        assert_eq!(
            &ml[57..],
            &[
                (52, 6, 0),
                (51, 6, 0),
                (50, 6, 0),
                (49, 6, 0),
                (48, 6, 0),
                (47, 6, 0),
                (46, 6, 0)
            ]
        );
        let of = table(Kind::Offset);
        assert_eq!(of.len(), 32);
        assert_eq!(
            &of[..6],
            &[
                (0, 5, 0),
                (6, 4, 0),
                (9, 5, 0),
                (15, 5, 0),
                (21, 5, 0),
                (3, 5, 0)
            ]
        );
        assert_eq!(of[15], (7, 4, 16));
        assert_eq!(of[24], (6, 4, 16));
        assert_eq!(
            &of[27..],
            &[(28, 5, 0), (27, 5, 0), (26, 5, 0), (25, 5, 0), (24, 5, 0)]
        );
    }

    #[test]
    fn sequence_counts() {
        let mut t = Tables::default();
        assert_eq!(t.read_header(&[0]).unwrap().count, 0);
        assert_eq!(
            t.read_header(&[0x80, 0]).unwrap().len,
            2,
            "a zero count in the 2-byte form"
        );
        assert!(
            t.read_header(&[0, 0]).is_err(),
            "bytes after a section without sequences"
        );
        // 1-byte count, all modes predefined.
        assert_eq!(t.read_header(&[5, 0]).unwrap().count, 5);
        assert_eq!(t.read_header(&[0x81, 0x02, 0]).unwrap().count, 0x102);
        assert_eq!(
            t.read_header(&[255, 0x34, 0x12, 0]).unwrap().count,
            0x1234 + 0x7F00
        );
        assert!(matches!(
            t.read_header(&[5, 1]),
            Err(Error::Reserved { .. })
        ));
        let mut fresh = Tables::default();
        assert!(
            fresh.read_header(&[5, 0b11_00_00_00]).is_err(),
            "repeat mode with no table to repeat"
        );
    }
}
