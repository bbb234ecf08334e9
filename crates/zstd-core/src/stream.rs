//! Streaming decoders, as in the `zstd` crate: [`read::Decoder`] wraps a reader of compressed
//! data, [`write::Decoder`] a writer of decompressed data.
//!
//! Memory stays bounded whatever the input: compressed data is buffered one block at a time
//! (at most 128 KiB), and decoded data lives in a buffer that holds the frame's window of
//! history plus one block, at most about twice the window (`1 << window_log_max`, 2^27 by
//! default); frames with larger windows are rejected with [`Error::WindowTooLarge`].
//!
//! Any split of the input into reads or writes gives the same output and the same errors.
//! One deliberate difference from the whole-buffer decoders: a match may reach back at most the
//! frame's window (libzstd's streaming decoder has the same bound), where
//! [`bulk`](crate::bulk) accepts any offset inside the frame's output.

use xxhash_rust::xxh64::Xxh64;
use zstd_simd::WILDCOPY_SLACK;

use crate::decoder::{FrameDecoder, Output};
use crate::dictionary::Dictionary;
use crate::error::Error;
use crate::frame::{self, BlockKind, FrameHeader};

/// How many bytes of a skippable frame are skipped per step.
const SKIP_CHUNK: u64 = 64 * 1024;

/// Where the engine is in the input.
#[derive(Debug)]
enum State {
    /// Between frames: the next bytes start a frame (or the input ends).
    Frame,
    /// Inside a Zstandard frame, before a block header.
    Blocks(Box<InFrame>),
    /// After the last block of a frame with a checksum.
    Checksum(Box<InFrame>),
    /// Inside a skippable frame, this many bytes left.
    Skip(u64),
    /// `single_frame` and the frame ended.
    Done,
    /// An error happened; it is returned again on every later call.
    Failed(Error),
}

struct InFrame {
    header: FrameHeader,
    hasher: Option<Xxh64>,
    /// Bytes this frame decoded so far.
    decoded: u64,
}

impl std::fmt::Debug for InFrame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InFrame")
            .field("header", &self.header)
            .field("checksum", &self.hasher.is_some())
            .field("decoded", &self.decoded)
            .finish()
    }
}

impl InFrame {
    /// How much of the frame's output a match may still reach: all of it up to the window.
    fn history(&self) -> usize {
        self.decoded.min(self.header.window_size) as usize
    }
}

/// What a step needs to go on.
#[derive(Debug, PartialEq, Eq)]
enum Need {
    /// Progress was made; step again.
    Nothing,
    /// The pending input must grow to this many bytes.
    Input(usize),
    /// The stream is finished (`single_frame`).
    End,
}

/// The decoding engine shared by both streaming decoders.
#[derive(Debug)]
struct Engine {
    dec: FrameDecoder,
    dict: Option<Dictionary>,
    max_window: u64,
    single_frame: bool,
    /// Compressed input not yet used: `input[in_pos..]`.
    input: Vec<u8>,
    in_pos: usize,
    /// Decoded data: the history matches may reach, then the bytes not yet handed out
    /// (`window[out_start..out_end]`).
    window: Vec<u8>,
    out_start: usize,
    out_end: usize,
    state: State,
}

impl Engine {
    fn new(dict: Option<Dictionary>) -> Self {
        Self {
            dec: FrameDecoder::default(),
            dict,
            max_window: 1 << crate::DEFAULT_WINDOW_LOG_MAX,
            single_frame: false,
            input: Vec::new(),
            in_pos: 0,
            window: Vec::new(),
            out_start: 0,
            out_end: 0,
            state: State::Frame,
        }
    }

    fn pending(&self) -> &[u8] {
        &self.input[self.in_pos..]
    }

    /// Adds compressed input.
    fn feed(&mut self, data: &[u8]) {
        if self.in_pos == self.input.len() {
            self.input.clear();
            self.in_pos = 0;
        }
        self.input.extend_from_slice(data);
    }

    fn set_window_log_max(&mut self, log: u32) -> std::io::Result<()> {
        if log > crate::WINDOW_LOG_MAX {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("window_log_max {log} is above {}", crate::WINDOW_LOG_MAX),
            ));
        }
        self.max_window = 1 << log;
        Ok(())
    }

    /// Whether the input so far ends cleanly between frames.
    fn at_frame_boundary(&self) -> bool {
        matches!(self.state, State::Frame | State::Done) && self.pending().is_empty()
    }

    /// The error for input that ended inside a frame.
    fn truncated(&mut self) -> Error {
        let e = Error::Truncated {
            what: "frame (the input ended inside it)",
        };
        self.state = State::Failed(e.clone());
        e
    }

    /// Makes room for `n` more bytes (and the copies' slack) after `out_end`, keeping the last
    /// `keep` bytes as history. Call only when all output was handed out.
    fn make_room(&mut self, keep: usize, n: usize) {
        debug_assert_eq!(self.out_start, self.out_end);
        if self.out_end + n + WILDCOPY_SLACK <= self.window.len() {
            return;
        }
        let drop = self.out_end - keep;
        if drop > 0 {
            self.window.copy_within(drop..self.out_end, 0);
            self.out_end = keep;
            self.out_start = keep;
        }
        let need = self.out_end + n + WILDCOPY_SLACK;
        if need > self.window.len() {
            // Double (few reallocations), up to room for twice the history plus a block: a
            // slide then copies the history once per history-sized stretch of output.
            let cap = need.max(keep.saturating_mul(2) + n + WILDCOPY_SLACK);
            let target = need.max(self.window.len().saturating_mul(2)).min(cap);
            self.window.resize(target, 0);
        }
    }

    /// One step of decoding; errors are sticky.
    fn step(&mut self) -> Result<Need, Error> {
        let r = match std::mem::replace(&mut self.state, State::Done) {
            State::Failed(e) => Err(e),
            State::Done => {
                self.state = State::Done;
                Ok(Need::End)
            }
            State::Skip(left) => {
                let take = (self.pending().len() as u64).min(left);
                self.in_pos += take as usize;
                if take == left {
                    self.state = self.after_frame();
                    Ok(Need::Nothing)
                } else {
                    self.state = State::Skip(left - take);
                    Ok(Need::Input((left - take).min(SKIP_CHUNK) as usize))
                }
            }
            State::Frame => self.start_frame(),
            State::Blocks(f) => self.block(f),
            State::Checksum(f) => self.checksum(f),
        };
        if let Err(e) = &r {
            self.state = State::Failed(e.clone());
        }
        r
    }

    fn after_frame(&self) -> State {
        if self.single_frame {
            State::Done
        } else {
            State::Frame
        }
    }

    fn start_frame(&mut self) -> Result<Need, Error> {
        // Until a frame starts, the engine stays between frames.
        self.state = State::Frame;
        let p = &self.input[self.in_pos..];
        let Some(magic) = p.get(..4) else {
            return Ok(Need::Input(4));
        };
        let magic = u32::from_le_bytes(magic.try_into().expect("4 bytes"));
        if magic & 0xFFFF_FFF0 == frame::SKIPPABLE_MAGIC {
            let Some(size) = p.get(4..8) else {
                return Ok(Need::Input(8));
            };
            let size = u32::from_le_bytes(size.try_into().expect("4 bytes"));
            self.in_pos += 8;
            self.state = State::Skip(u64::from(size));
            return Ok(Need::Nothing);
        }
        if magic != frame::MAGIC {
            return Err(Error::BadMagic { found: magic });
        }
        if p.len() < 5 {
            return Ok(Need::Input(5));
        }
        let header = match FrameHeader::parse(p) {
            Err(Error::Truncated { .. }) => {
                return Ok(Need::Input(frame::header_len(p[4])));
            }
            h => h?,
        };
        if header.window_size > self.max_window {
            return Err(Error::WindowTooLarge {
                window_size: header.window_size,
                max: self.max_window,
            });
        }
        self.dec.start_frame(&header, self.dict.as_ref())?;
        self.in_pos += header.header_len;
        let hasher = (header.has_checksum && !self.dec.skip_checksum).then(|| Xxh64::new(0));
        self.state = State::Blocks(Box::new(InFrame {
            header,
            hasher,
            decoded: 0,
        }));
        Ok(Need::Nothing)
    }

    fn block(&mut self, mut f: Box<InFrame>) -> Result<Need, Error> {
        let block = match frame::read_block_header(self.pending(), 0) {
            Err(Error::Truncated { .. }) => {
                self.state = State::Blocks(f);
                return Ok(Need::Input(3));
            }
            b => b?,
        };
        let block_max = f.header.block_max();
        if block.kind != BlockKind::Rle && block.size > block_max {
            return Err(Error::BlockTooLarge {
                size: block.size,
                max: block_max,
            });
        }
        if self.pending().len() < 3 + block.content_len() {
            self.state = State::Blocks(f);
            return Ok(Need::Input(3 + block.content_len()));
        }
        let history = f.history();
        self.make_room(history, block_max);
        // The dictionary stays reachable while the frame is within its first window.
        let dict = match &self.dict {
            Some(d) if f.decoded <= f.header.window_size => d.content(),
            _ => &[][..],
        };
        let content_at = self.in_pos + 3;
        let content = &self.input[content_at..content_at + block.content_len()];
        let start = self.out_end;
        let mut out = Output {
            limit: self.window.len(),
            buf: &mut self.window,
            pos: start,
            frame_start: start - history,
            block_start: start,
        };
        self.dec
            .decode_block(block.kind, block.size, content, &mut out, block_max, dict)?;
        let end = out.pos;
        if let Some(h) = f.hasher.as_mut() {
            h.update(&self.window[start..end]);
        }
        f.decoded += (end - start) as u64;
        self.out_end = end;
        self.in_pos = content_at + block.content_len();
        if !block.last {
            self.state = State::Blocks(f);
        } else if f.header.has_checksum {
            self.state = State::Checksum(f);
        } else {
            self.end_frame(&f)?;
        }
        Ok(Need::Nothing)
    }

    fn checksum(&mut self, f: Box<InFrame>) -> Result<Need, Error> {
        let Some(stored) = self.pending().get(..4) else {
            self.state = State::Checksum(f);
            return Ok(Need::Input(4));
        };
        let expected = u32::from_le_bytes(stored.try_into().expect("4 bytes"));
        self.in_pos += 4;
        if let Some(h) = &f.hasher {
            let computed = h.digest() as u32;
            if expected != computed {
                return Err(Error::ChecksumMismatch { expected, computed });
            }
        }
        self.end_frame(&f)?;
        Ok(Need::Nothing)
    }

    fn end_frame(&mut self, f: &InFrame) -> Result<(), Error> {
        if let Some(declared) = f.header.content_size
            && declared != f.decoded
        {
            return Err(Error::ContentSizeMismatch {
                declared,
                decoded: f.decoded,
            });
        }
        self.state = self.after_frame();
        Ok(())
    }

    /// The decoded bytes not yet handed out.
    fn output(&self) -> &[u8] {
        &self.window[self.out_start..self.out_end]
    }

    fn consume_output(&mut self, n: usize) {
        self.out_start += n;
    }
}

/// Decoders that read compressed data.
pub mod read {
    use std::io::{self, BufRead, BufReader, Read};

    pub use crate::stream_encoder::ReadEncoder as Encoder;

    use super::{Engine, Need};
    use crate::dictionary::Dictionary;

    /// The input buffer [`Decoder::new`] gives its reader: one largest block and its header.
    const BUFFER_SIZE: usize = crate::frame::MAX_BLOCK_SIZE + 3;

    /// Decodes the compressed data read from `R`; implements [`Read`] for the decoded data.
    ///
    /// ```
    /// use std::io::Read;
    ///
    /// let frame = zstd_core::frame::tests_support::tiny_frame();
    /// let mut decoder = zstd_core::stream::read::Decoder::new(&frame[..])?;
    /// let mut text = String::new();
    /// decoder.read_to_string(&mut text)?;
    /// assert_eq!(text, "hello");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[derive(Debug)]
    pub struct Decoder<R: BufRead> {
        reader: R,
        pub(super) engine: Engine,
    }

    impl<R: Read> Decoder<BufReader<R>> {
        /// Decodes what `reader` yields, buffering it.
        pub fn new(reader: R) -> io::Result<Self> {
            Decoder::with_buffer(BufReader::with_capacity(BUFFER_SIZE, reader))
        }
    }

    impl<R: BufRead> Decoder<R> {
        /// Decodes what the buffered `reader` yields. It takes from the reader only the bytes
        /// of the frames it decodes: after a [`single_frame`](Self::single_frame) decoder
        /// ends, the reader is positioned just after the frame.
        pub fn with_buffer(reader: R) -> io::Result<Self> {
            Ok(Self {
                reader,
                engine: Engine::new(None),
            })
        }

        /// Decodes what the buffered `reader` yields, with a dictionary (zstd-format or raw
        /// content).
        pub fn with_dictionary(reader: R, dictionary: &[u8]) -> io::Result<Self> {
            Ok(Self {
                reader,
                engine: Engine::new(Some(Dictionary::new(dictionary)?)),
            })
        }

        /// Decodes what the buffered `reader` yields, with an already parsed dictionary.
        pub fn with_prepared_dictionary(reader: R, dictionary: &Dictionary) -> io::Result<Self> {
            Ok(Self {
                reader,
                engine: Engine::new(Some(dictionary.clone())),
            })
        }

        /// Stops after the first frame (a skippable frame counts as one).
        #[must_use]
        pub fn single_frame(mut self) -> Self {
            self.engine.single_frame = true;
            self
        }

        /// Accepts frames with windows up to `1 << log` bytes (default 27, at most 31).
        pub fn window_log_max(&mut self, log: u32) -> io::Result<()> {
            self.engine.set_window_log_max(log)
        }

        /// Whether to verify content checksums (on by default).
        pub fn set_verify_checksum(&mut self, verify: bool) {
            self.engine.dec.skip_checksum = !verify;
        }

        /// The reader.
        pub fn get_ref(&self) -> &R {
            &self.reader
        }

        /// The reader, mutably. Reading from it directly loses the decoder's place.
        pub fn get_mut(&mut self) -> &mut R {
            &mut self.reader
        }

        /// Gives back the reader.
        pub fn finish(self) -> R {
            self.reader
        }
    }

    impl<R: BufRead> Read for Decoder<R> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if buf.is_empty() {
                return Ok(0);
            }
            loop {
                let out = self.engine.output();
                if !out.is_empty() {
                    let n = out.len().min(buf.len());
                    buf[..n].copy_from_slice(&out[..n]);
                    self.engine.consume_output(n);
                    return Ok(n);
                }
                match self.engine.step()? {
                    Need::Nothing => {}
                    Need::End => return Ok(0),
                    Need::Input(want) => {
                        let missing = want - self.engine.pending().len();
                        let available = self.reader.fill_buf()?;
                        if available.is_empty() {
                            if self.engine.at_frame_boundary() {
                                return Ok(0);
                            }
                            return Err(self.engine.truncated().into());
                        }
                        let take = missing.min(available.len());
                        self.engine.feed(&available[..take]);
                        self.reader.consume(take);
                    }
                }
            }
        }
    }
}

/// Decoders that write decoded data.
pub mod write {
    use std::io::{self, Write};

    pub use crate::stream_encoder::{AutoFinishEncoder, WriteEncoder as Encoder};

    use super::{Engine, Need};
    use crate::dictionary::Dictionary;

    /// Accepts compressed data through [`Write`] and writes the decoded data to `W`.
    ///
    /// ```
    /// use std::io::Write;
    ///
    /// let frame = zstd_core::frame::tests_support::tiny_frame();
    /// let mut decoder = zstd_core::stream::write::Decoder::new(Vec::new())?;
    /// decoder.write_all(&frame)?;
    /// assert_eq!(decoder.finish()?, b"hello");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[derive(Debug)]
    pub struct Decoder<W: Write> {
        writer: W,
        pub(super) engine: Engine,
    }

    impl<W: Write> Decoder<W> {
        /// Writes what it decodes to `writer`.
        pub fn new(writer: W) -> io::Result<Self> {
            Ok(Self {
                writer,
                engine: Engine::new(None),
            })
        }

        /// Writes what it decodes to `writer`, with a dictionary (zstd-format or raw content).
        pub fn with_dictionary(writer: W, dictionary: &[u8]) -> io::Result<Self> {
            Ok(Self {
                writer,
                engine: Engine::new(Some(Dictionary::new(dictionary)?)),
            })
        }

        /// Writes what it decodes to `writer`, with an already parsed dictionary.
        pub fn with_prepared_dictionary(writer: W, dictionary: &Dictionary) -> io::Result<Self> {
            Ok(Self {
                writer,
                engine: Engine::new(Some(dictionary.clone())),
            })
        }

        /// Accepts frames with windows up to `1 << log` bytes (default 27, at most 31).
        pub fn window_log_max(&mut self, log: u32) -> io::Result<()> {
            self.engine.set_window_log_max(log)
        }

        /// Whether to verify content checksums (on by default).
        pub fn set_verify_checksum(&mut self, verify: bool) {
            self.engine.dec.skip_checksum = !verify;
        }

        /// The writer.
        pub fn get_ref(&self) -> &W {
            &self.writer
        }

        /// The writer, mutably.
        pub fn get_mut(&mut self) -> &mut W {
            &mut self.writer
        }

        /// Checks that the input ended between frames, flushes, and gives back the writer.
        pub fn finish(mut self) -> io::Result<W> {
            self.pump(&[])?;
            if !self.engine.at_frame_boundary() {
                return Err(self.engine.truncated().into());
            }
            self.writer.flush()?;
            Ok(self.writer)
        }

        /// Gives back the writer without checking that the last frame was complete.
        pub fn into_inner(self) -> W {
            self.writer
        }

        /// Decodes what `data` allows, taking from it only the bytes the engine asks for, and
        /// writes the output. Returns the bytes of `data` taken.
        fn pump(&mut self, data: &[u8]) -> io::Result<usize> {
            let mut used = 0;
            loop {
                let need = self.engine.step()?;
                let out = self.engine.output();
                if !out.is_empty() {
                    self.writer.write_all(out)?;
                    let n = out.len();
                    self.engine.consume_output(n);
                }
                match need {
                    Need::Nothing => {}
                    Need::End => return Ok(used),
                    Need::Input(want) => {
                        if used == data.len() {
                            return Ok(used);
                        }
                        let missing = want - self.engine.pending().len();
                        let take = missing.min(data.len() - used);
                        self.engine.feed(&data[used..used + take]);
                        used += take;
                    }
                }
            }
        }
    }

    impl<W: Write> Write for Decoder<W> {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.pump(buf)
        }

        fn flush(&mut self) -> io::Result<()> {
            self.pump(&[])?;
            self.writer.flush()
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};

    use zstd::stream::raw::CParameter;

    use super::read::Decoder;

    #[test]
    #[cfg_attr(miri, ignore = "uses libzstd (C) to make its input")]
    fn memory_stays_within_the_window_bound() {
        // 4 MB of varied data through a 64 KiB window.
        let mut data = Vec::new();
        let mut next = crate::test_data::xorshift(1);
        while data.len() < 4 << 20 {
            let word = format!("{} ", next() % 5000);
            data.extend_from_slice(word.as_bytes());
        }
        let mut enc = zstd::stream::Encoder::new(Vec::new(), 3).unwrap();
        enc.set_parameter(CParameter::WindowLog(16)).unwrap();
        enc.write_all(&data).unwrap();
        let frame = enc.finish().unwrap();
        let mut d = Decoder::new(&frame[..]).unwrap();
        let mut out = Vec::new();
        let mut buf = [0u8; 10_000];
        let mut largest = 0;
        loop {
            let n = d.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
            largest = largest.max(d.engine.window.len());
            assert!(
                d.engine.input.len() <= 3 + (64 << 10),
                "input buffer stays one block"
            );
        }
        assert!(out == data);
        let window = 64 << 10;
        let bound = 2 * window + window + zstd_simd::WILDCOPY_SLACK;
        assert!(largest <= bound, "window buffer {largest} > {bound}");
        assert!(largest >= window, "it held the window ({largest})");
    }
}
