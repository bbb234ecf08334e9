//! Streaming compression: input arrives in pieces and leaves as blocks, each as soon as it is
//! full or the caller flushes; the buffer keeps one window of history and slides.

use std::io;

use super::Encoder;

/// One frame at a time over input given in pieces.
#[derive(Debug)]
pub(crate) struct FrameWriter {
    pub(crate) enc: Encoder,
    /// History (at most a window, the dictionary's content at first) then pending input.
    buf: Vec<u8>,
    /// Where the pending input starts in `buf`.
    pos: usize,
    in_frame: bool,
    pledged: Option<u64>,
    /// The current frame's input so far.
    taken: u64,
}

impl FrameWriter {
    pub(crate) fn new(enc: Encoder) -> FrameWriter {
        FrameWriter {
            enc,
            buf: Vec::new(),
            pos: 0,
            in_frame: false,
            pledged: None,
            taken: 0,
        }
    }

    /// Declares the next frame's content size (written in its header and checked at its end).
    pub(crate) fn set_pledged_src_size(&mut self, size: Option<u64>) -> io::Result<()> {
        if self.in_frame {
            return Err(io::Error::other(
                "the pledged size must be set before the frame's first byte",
            ));
        }
        self.pledged = size;
        Ok(())
    }

    /// Whether a frame has been started and not finished.
    pub(crate) fn in_frame(&self) -> bool {
        self.in_frame
    }

    fn start(&mut self, out: &mut Vec<u8>) {
        if self.in_frame {
            return;
        }
        self.buf.clear();
        if let Some(d) = &self.enc.dict {
            self.buf.extend_from_slice(&d.content);
        }
        self.pos = self.buf.len();
        self.enc.begin_frame(self.pledged, out);
        self.enc.load_history(&self.buf, self.pos);
        self.in_frame = true;
        self.taken = 0;
    }

    /// Takes `data`, appending to `out` every block that fills.
    pub(crate) fn write(&mut self, data: &[u8], out: &mut Vec<u8>) -> io::Result<()> {
        if let Some(p) = self.pledged
            && self.taken + data.len() as u64 > p
        {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("more input than the pledged {p} bytes"),
            ));
        }
        self.start(out);
        self.taken += data.len() as u64;
        if self.enc.checksum {
            self.enc.hash_content(data);
        }
        self.buf.extend_from_slice(data);
        // A full block leaves only once more input follows it, so the last one can say so.
        let block = self.enc.block_size();
        while self.buf.len() - self.pos > block {
            let end = self.pos + block;
            self.enc
                .compress_block(&self.buf, self.pos, end, false, out);
            self.pos = end;
            self.slide();
        }
        Ok(())
    }

    /// Ends the current block so everything taken so far decodes from `out`.
    pub(crate) fn flush(&mut self, out: &mut Vec<u8>) {
        // `write` leaves at most a block pending.
        if self.in_frame && self.pos < self.buf.len() {
            let end = self.buf.len();
            self.enc
                .compress_block(&self.buf, self.pos, end, false, out);
            self.pos = end;
            self.slide();
        }
    }

    /// Ends the frame: its last block and checksum. An error when the pledged size was not met
    /// (the frame is then abandoned).
    pub(crate) fn finish(&mut self, out: &mut Vec<u8>) -> io::Result<()> {
        if let Some(p) = self.pledged
            && self.taken != p
        {
            self.in_frame = false;
            self.pledged = None;
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{} bytes of input for a pledged {p}", self.taken),
            ));
        }
        self.start(out);
        let end = self.buf.len();
        self.enc.compress_block(&self.buf, self.pos, end, true, out);
        self.enc.end_frame(out);
        self.in_frame = false;
        self.pledged = None;
        self.pos = 0;
        self.buf.clear();
        Ok(())
    }

    /// Drops history older than a window once it is a window long, so the buffer stays within
    /// about three windows.
    fn slide(&mut self) {
        let window = self.enc.window_size();
        if self.pos >= 2 * window {
            let shift = self.pos - window;
            self.buf.drain(..shift);
            self.enc.rebase(shift);
            self.pos -= shift;
        }
    }
}
