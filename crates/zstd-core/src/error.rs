//! The decoder's typed error.

use std::fmt;
use std::io;

/// What is wrong with a Zstandard input, or why it could not be decoded here.
///
/// Every variant names the problem; `Display` gives a message a user can act on. Converts into
/// [`io::Error`] (kind `InvalidData`, or `WriteZero` when an output buffer is too small), keeping
/// this value as the source.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The input ended before the named part was complete.
    Truncated {
        /// The part being read.
        what: &'static str,
    },
    /// The first four bytes are neither a Zstandard nor a skippable frame's magic number.
    BadMagic {
        /// The four bytes found, as a little-endian number.
        found: u32,
    },
    /// A reserved bit or field is set.
    Reserved {
        /// Which field.
        what: &'static str,
    },
    /// The frame needs a larger window than this decoder allows.
    WindowTooLarge {
        /// The window the frame declares.
        window_size: u64,
        /// The largest window allowed (see `window_log_max`).
        max: u64,
    },
    /// A block is larger than the frame's block maximum (the window, at most 128 KiB).
    BlockTooLarge {
        /// The block's size.
        size: usize,
        /// The largest allowed.
        max: usize,
    },
    /// The literals section is corrupt.
    CorruptLiterals(&'static str),
    /// A Huffman table description or Huffman-coded stream is corrupt.
    CorruptHuffman(&'static str),
    /// An FSE table description or FSE-coded stream is corrupt.
    CorruptFse(&'static str),
    /// The sequences section is corrupt.
    CorruptSequences(&'static str),
    /// A match reaches back further than the decoded data (and dictionary) available.
    OffsetBeyondWindow {
        /// The match offset.
        offset: u64,
        /// How far back data is available.
        available: u64,
    },
    /// The content checksum does not match the decoded data.
    ChecksumMismatch {
        /// The checksum stored in the frame.
        expected: u32,
        /// The checksum of the decoded data.
        computed: u32,
    },
    /// The decoded size differs from the frame's declared content size.
    ContentSizeMismatch {
        /// The size the frame header declares.
        declared: u64,
        /// The size decoded.
        decoded: u64,
    },
    /// The frame needs a dictionary other than the one given (or none was given).
    DictionaryMismatch {
        /// The dictionary ID the frame declares.
        frame: u32,
        /// The ID of the dictionary given (0 for none or a raw-content dictionary).
        given: u32,
    },
    /// A zstd-format dictionary is corrupt.
    CorruptDictionary(&'static str),
    /// The output does not fit in the buffer given.
    OutputTooSmall {
        /// The buffer's size.
        capacity: usize,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Truncated { what } => write!(f, "zstd: input ends inside the {what}"),
            Error::BadMagic { found } => write!(
                f,
                "zstd: not a Zstandard frame (magic number {found:#010x}, expected 0xfd2fb528 or a skippable frame)"
            ),
            Error::Reserved { what } => write!(
                f,
                "zstd: reserved {what} is set (corrupt or unsupported input)"
            ),
            Error::WindowTooLarge { window_size, max } => write!(
                f,
                "zstd: frame needs a {window_size}-byte window, more than the {max} bytes allowed (raise window_log_max)"
            ),
            Error::BlockTooLarge { size, max } => {
                write!(
                    f,
                    "zstd: block of {size} bytes exceeds the frame's block maximum of {max}"
                )
            }
            Error::CorruptLiterals(why) => write!(f, "zstd: corrupt literals section: {why}"),
            Error::CorruptHuffman(why) => write!(f, "zstd: corrupt Huffman data: {why}"),
            Error::CorruptFse(why) => write!(f, "zstd: corrupt FSE data: {why}"),
            Error::CorruptSequences(why) => write!(f, "zstd: corrupt sequences section: {why}"),
            Error::OffsetBeyondWindow { offset, available } => write!(
                f,
                "zstd: match offset {offset} reaches before the start of the data ({available} bytes available)"
            ),
            Error::ChecksumMismatch { expected, computed } => write!(
                f,
                "zstd: content checksum mismatch (frame says {expected:#010x}, data hashes to {computed:#010x})"
            ),
            Error::ContentSizeMismatch { declared, decoded } => {
                write!(
                    f,
                    "zstd: frame declares {declared} bytes of content but decodes to {decoded}"
                )
            }
            Error::DictionaryMismatch { frame, given } => match (frame, given) {
                (frame, 0) => write!(
                    f,
                    "zstd: frame needs dictionary {frame}, but none with that ID was given"
                ),
                (frame, given) => write!(
                    f,
                    "zstd: frame needs dictionary {frame}, but dictionary {given} was given"
                ),
            },
            Error::CorruptDictionary(why) => write!(f, "zstd: corrupt dictionary: {why}"),
            Error::OutputTooSmall { capacity } => {
                write!(
                    f,
                    "zstd: decoded content does not fit in the {capacity}-byte output buffer"
                )
            }
        }
    }
}

impl std::error::Error for Error {}

impl From<Error> for io::Error {
    fn from(e: Error) -> io::Error {
        let kind = match e {
            Error::OutputTooSmall { .. } => io::ErrorKind::WriteZero,
            _ => io::ErrorKind::InvalidData,
        };
        io::Error::new(kind, e)
    }
}

/// Results of the decoder's internals.
pub(crate) type Result<T> = std::result::Result<T, Error>;
