//! The streaming encoders, re-exported as `stream::write::Encoder` and `stream::read::Encoder`.

use std::io::{self, Read, Write};

use crate::bulk::{check_level, check_window_log};
use crate::encoder::{Encoder as Context, EncoderDictionary, FrameWriter};

/// The settings both streaming encoders share.
macro_rules! settings {
    () => {
        /// Whether the frame ends with a checksum of its content (off by default, as in
        /// libzstd). Set it before the first byte.
        pub fn include_checksum(&mut self, include: bool) -> io::Result<()> {
            self.before_data()?;
            self.frames.enc.checksum = include;
            Ok(())
        }

        /// Whether the header carries the pledged content size (on by default).
        pub fn include_contentsize(&mut self, include: bool) -> io::Result<()> {
            self.before_data()?;
            self.frames.enc.content_size = include;
            Ok(())
        }

        /// Declares the content size: it goes in the frame header, and finishing with another
        /// size is an error. Set it before the first byte.
        pub fn set_pledged_src_size(&mut self, size: Option<u64>) -> io::Result<()> {
            self.frames.set_pledged_src_size(size)
        }

        /// Overrides the level's window (10 to 30). Set it before the first byte.
        pub fn window_log(&mut self, log: u32) -> io::Result<()> {
            self.before_data()?;
            self.frames.enc.window_log = Some(check_window_log(log)?);
            Ok(())
        }

        fn before_data(&self) -> io::Result<()> {
            if self.frames.in_frame() {
                Err(io::Error::other(
                    "frame parameters must be set before the first byte",
                ))
            } else {
                Ok(())
            }
        }
    };
}

fn frames(level: i32, dictionary: Option<&[u8]>) -> io::Result<FrameWriter> {
    check_level(level)?;
    let mut enc = Context::new(level);
    if let Some(d) = dictionary {
        enc.dict = Some(EncoderDictionary::new(d)?);
    }
    Ok(FrameWriter::new(enc))
}

/// Compresses what is written to it into one frame written to `W`.
///
/// ```
/// use std::io::Write;
///
/// let mut encoder = zstd_core::stream::write::Encoder::new(Vec::new(), 3)?;
/// encoder.write_all(b"hello ")?;
/// encoder.flush()?; // everything so far can now be decoded
/// encoder.write_all(b"world")?;
/// let frame = encoder.finish()?;
/// assert_eq!(zstd_core::decode_all(&frame[..])?, b"hello world");
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct WriteEncoder<W: Write> {
    writer: W,
    frames: FrameWriter,
    out: Vec<u8>,
}

impl<W: Write> WriteEncoder<W> {
    /// Compresses at `level` (0 is the default) into `writer`.
    pub fn new(writer: W, level: i32) -> io::Result<Self> {
        Ok(Self {
            writer,
            frames: frames(level, None)?,
            out: Vec::new(),
        })
    }

    /// Compresses at `level` with a dictionary (zstd-format or raw content).
    pub fn with_dictionary(writer: W, level: i32, dictionary: &[u8]) -> io::Result<Self> {
        Ok(Self {
            writer,
            frames: frames(level, Some(dictionary))?,
            out: Vec::new(),
        })
    }

    settings!();

    /// The writer.
    pub fn get_ref(&self) -> &W {
        &self.writer
    }

    /// The writer, mutably (writing to it directly corrupts the frame).
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.writer
    }

    /// Ends the frame (last block, checksum), flushes, and gives back the writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.try_finish()?;
        Ok(self.writer)
    }

    /// Ends the frame without giving the writer back; writing afterwards starts a new frame.
    pub fn try_finish(&mut self) -> io::Result<()> {
        self.frames.finish(&mut self.out)?;
        self.drain()?;
        self.writer.flush()
    }

    /// An encoder that finishes the frame when dropped (errors are then ignored).
    pub fn auto_finish(self) -> AutoFinishEncoder<W> {
        AutoFinishEncoder {
            encoder: Some(self),
        }
    }

    fn drain(&mut self) -> io::Result<()> {
        if !self.out.is_empty() {
            self.writer.write_all(&self.out)?;
            self.out.clear();
        }
        Ok(())
    }
}

impl<W: Write> Write for WriteEncoder<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.frames.write(buf, &mut self.out)?;
        self.drain()?;
        Ok(buf.len())
    }

    /// Ends the current block, so everything written so far can be decoded, and flushes the
    /// writer.
    fn flush(&mut self) -> io::Result<()> {
        self.frames.flush(&mut self.out);
        self.drain()?;
        self.writer.flush()
    }
}

/// A [`WriteEncoder`] that finishes its frame when dropped.
#[derive(Debug)]
pub struct AutoFinishEncoder<W: Write> {
    encoder: Option<WriteEncoder<W>>,
}

impl<W: Write> AutoFinishEncoder<W> {
    /// The writer.
    pub fn get_ref(&self) -> &W {
        self.encoder
            .as_ref()
            .expect("present until dropped")
            .get_ref()
    }
}

impl<W: Write> Write for AutoFinishEncoder<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.encoder
            .as_mut()
            .expect("present until dropped")
            .write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.encoder
            .as_mut()
            .expect("present until dropped")
            .flush()
    }
}

impl<W: Write> Drop for AutoFinishEncoder<W> {
    fn drop(&mut self) {
        if let Some(mut e) = self.encoder.take() {
            // Drop cannot report errors; `WriteEncoder::finish` does.
            let _ = e.try_finish();
        }
    }
}

/// Reads from `R` and gives out its compressed form (one frame) through [`Read`].
///
/// ```
/// use std::io::Read;
///
/// let data = b"so much depends upon a red wheel barrow".repeat(50);
/// let mut encoder = zstd_core::stream::read::Encoder::new(&data[..], 5)?;
/// let mut frame = Vec::new();
/// encoder.read_to_end(&mut frame)?;
/// assert_eq!(zstd_core::decode_all(&frame[..])?, data);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct ReadEncoder<R: Read> {
    reader: R,
    frames: FrameWriter,
    input: Vec<u8>,
    out: Vec<u8>,
    out_pos: usize,
    done: bool,
}

impl<R: Read> ReadEncoder<R> {
    /// Compresses what `reader` gives at `level` (0 is the default).
    pub fn new(reader: R, level: i32) -> io::Result<Self> {
        Self::build(reader, frames(level, None)?)
    }

    /// Compresses at `level` with a dictionary (zstd-format or raw content).
    pub fn with_dictionary(reader: R, level: i32, dictionary: &[u8]) -> io::Result<Self> {
        Self::build(reader, frames(level, Some(dictionary))?)
    }

    fn build(reader: R, frames: FrameWriter) -> io::Result<Self> {
        Ok(Self {
            reader,
            frames,
            input: vec![0; crate::frame::MAX_BLOCK_SIZE],
            out: Vec::new(),
            out_pos: 0,
            done: false,
        })
    }

    settings!();

    /// The reader.
    pub fn get_ref(&self) -> &R {
        &self.reader
    }

    /// The reader, mutably.
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.reader
    }

    /// Gives back the reader.
    pub fn finish(self) -> R {
        self.reader
    }
}

impl<R: Read> Read for ReadEncoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.out_pos < self.out.len() {
                let n = buf.len().min(self.out.len() - self.out_pos);
                buf[..n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
                self.out_pos += n;
                return Ok(n);
            }
            if self.done || buf.is_empty() {
                return Ok(0);
            }
            self.out.clear();
            self.out_pos = 0;
            let n = match self.reader.read(&mut self.input) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if n == 0 {
                self.frames.finish(&mut self.out)?;
                self.done = true;
            } else {
                self.frames.write(&self.input[..n], &mut self.out)?;
            }
        }
    }
}
