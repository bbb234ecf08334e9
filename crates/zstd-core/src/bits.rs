//! Bit readers: backward (FSE and Huffman streams) and forward (FSE table descriptions).

use crate::error::{Error, Result};

/// Where a backward stream stands after a reload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Status {
    /// More bytes remain to be loaded.
    Unfinished,
    /// The first byte of the stream is loaded; some bits remain.
    EndOfBuffer,
    /// Every bit was consumed, exactly.
    Completed,
    /// More bits were read than the stream holds.
    Overflow,
}

/// Reads a stream backwards, from its last byte to its first, as Zstandard's entropy coders
/// write them: the last byte holds a 1-bit end mark above the last useful bits.
///
/// The 64-bit container holds the bytes `pos..pos + 8`; `consumed` counts the bits used from its
/// top. Reads never touch memory outside the stream; reading past its start yields zero bits and
/// is reported as [`Status::Overflow`] by [`reload`](Self::reload).
#[derive(Clone, Debug)]
pub(crate) struct BackwardBits<'a> {
    src: &'a [u8],
    container: u64,
    consumed: u32,
    pos: usize,
}

#[inline(always)]
fn read_le64(src: &[u8], pos: usize) -> u64 {
    u64::from_le_bytes(src[pos..pos + 8].try_into().expect("8 bytes"))
}

impl<'a> BackwardBits<'a> {
    /// Starts reading `src` (which must be non-empty and end with a non-zero byte).
    pub(crate) fn new(src: &'a [u8], what: &'static str) -> Result<Self> {
        let last = *src.last().ok_or(Error::Truncated { what })?;
        if last == 0 {
            return Err(Error::CorruptFse(
                "bitstream without an end mark (last byte 0)",
            ));
        }
        // The end mark and the zero bits above it.
        let padding = last.leading_zeros() + 1;
        if src.len() >= 8 {
            let pos = src.len() - 8;
            Ok(Self {
                src,
                container: read_le64(src, pos),
                consumed: padding,
                pos,
            })
        } else {
            let mut bytes = [0u8; 8];
            bytes[..src.len()].copy_from_slice(src);
            // The missing high bytes count as consumed.
            let consumed = padding + (8 - src.len() as u32) * 8;
            Ok(Self {
                src,
                container: u64::from_le_bytes(bytes),
                consumed,
                pos: 0,
            })
        }
    }

    /// The next `n` bits (`n <= 56`) without consuming them.
    #[inline(always)]
    pub(crate) fn peek(&self, n: u32) -> u64 {
        // Shifting in two steps keeps `n == 0` and `consumed == 64` defined (zero bits result).
        ((self.container << (self.consumed & 63)) >> 1) >> ((63 - n) & 63)
    }

    /// The loaded bits not yet consumed, at the top of a `u64` (zeros below them). Bits past
    /// the stream's start read as zeros; a reader already past it gives unspecified bits (the
    /// caller's end check rejects such a stream).
    #[inline(always)]
    pub(crate) fn window(&self) -> u64 {
        self.container << (self.consumed & 63)
    }

    /// Consumes `n` bits.
    #[inline(always)]
    pub(crate) fn skip(&mut self, n: u32) {
        self.consumed += n;
    }

    /// Reads `n` bits (`n <= 56`).
    #[inline(always)]
    pub(crate) fn read(&mut self, n: u32) -> u64 {
        let v = self.peek(n);
        self.consumed += n;
        v
    }

    /// Loads more bytes into the container so at least 56 bits are available (while the stream
    /// has them).
    #[inline(always)]
    pub(crate) fn reload(&mut self) -> Status {
        if self.consumed > 64 {
            return Status::Overflow;
        }
        if self.pos >= 8 {
            self.pos -= (self.consumed >> 3) as usize;
            self.consumed &= 7;
            self.container = read_le64(self.src, self.pos);
            return Status::Unfinished;
        }
        if self.pos == 0 {
            return if self.consumed == 64 {
                Status::Completed
            } else {
                Status::EndOfBuffer
            };
        }
        let mut step = (self.consumed >> 3) as usize;
        let mut status = Status::Unfinished;
        if step > self.pos {
            step = self.pos;
            status = Status::EndOfBuffer;
        }
        self.pos -= step;
        self.consumed -= (step * 8) as u32;
        self.container = read_le64(self.src, self.pos);
        status
    }

    /// Reloads for the hot loops: the fast reload inline, the one near the stream's start out
    /// of line, so it does not take registers from the loop around it.
    #[inline(always)]
    pub(crate) fn refill(&mut self) {
        if self.can_reload_fast() {
            self.reload_fast();
        } else {
            self.reload_cold();
        }
    }

    #[cold]
    #[inline(never)]
    fn reload_cold(&mut self) {
        self.reload();
    }

    /// Whether [`reload_fast`](Self::reload_fast) may be called: at least 8 bytes remain
    /// below the loaded ones, and no more than 63 bits were consumed.
    #[inline(always)]
    pub(crate) fn can_reload_fast(&self) -> bool {
        self.pos >= 8 && self.consumed < 64
    }

    /// [`reload`](Self::reload) for the middle of a stream (see
    /// [`can_reload_fast`](Self::can_reload_fast)): afterwards at least 57 bits are loaded.
    #[inline(always)]
    pub(crate) fn reload_fast(&mut self) {
        debug_assert!(self.can_reload_fast());
        self.pos -= (self.consumed >> 3) as usize;
        self.consumed &= 7;
        debug_assert!(self.pos + 8 <= self.src.len());
        // SAFETY: `pos + 8 <= src.len()` holds for every stream of 8 bytes or more (`pos`
        // starts at `len - 8` and only moves down), and `pos >= 8` before this call means the
        // stream is that long; `pos` stays non-negative (it moves back at most 7 from >= 8).
        self.container = unsafe {
            self.src
                .as_ptr()
                .add(self.pos)
                .cast::<u64>()
                .read_unaligned()
                .to_le()
        };
    }

    /// The stream as the Huffman fast loops hold it: the position of the 8 loaded bytes, and
    /// those bytes shifted left by the bits already consumed, with a 1 (the sentinel) just
    /// below them, so that the trailing zeros count the consumed bits. The lowest loaded bit
    /// is given up for the sentinel: 63 - consumed bits remain usable before a reload. Only
    /// for `consumed < 64` and a stream of at least 8 bytes.
    #[inline(always)]
    pub(crate) fn to_sentinel(&self) -> (usize, u64) {
        debug_assert!(self.consumed < 64 && self.src.len() >= 8);
        (self.pos, (self.container | 1) << self.consumed)
    }

    /// Takes back the state the fast loop left: the 8 bytes at `pos`, of which the trailing
    /// zeros of `bits` were consumed.
    #[inline(always)]
    pub(crate) fn set_from_sentinel(&mut self, pos: usize, bits: u64) {
        self.pos = pos;
        self.container = read_le64(self.src, pos);
        self.consumed = bits.trailing_zeros();
    }

    /// The stream's bytes.
    #[inline(always)]
    pub(crate) fn src(&self) -> &'a [u8] {
        self.src
    }

    /// How many loaded bits are not yet consumed (0 once past the stream's start). Every one
    /// of them is the stream's: reads of at most that many bits in all stay inside it.
    #[inline(always)]
    pub(crate) fn unread(&self) -> u32 {
        64u32.saturating_sub(self.consumed)
    }

    /// Whether every bit of the stream was consumed, exactly.
    pub(crate) fn is_complete(&self) -> bool {
        self.pos == 0 && self.consumed == 64
    }
}

/// A [`BackwardBits`] in the sentinel form (see [`BackwardBits::to_sentinel`]), for the
/// sequence loop: the stream is two values, a pointer to the loaded bytes and the bits, where
/// [`BackwardBits`] keeps four (the slice, the position, the container and the count), so the
/// loop around it keeps its state in registers (with four, the reader's fields lived on the
/// stack, and each sequence's bit reads waited on stores of the one before). It does not know
/// where the stream starts: its owner keeps [`refill`](Self::refill) at least 7 bytes from it.
pub(crate) struct SentinelBits {
    ip: *const u8,
    bits: u64,
}

impl SentinelBits {
    /// At most this many bits may be read between refills.
    pub(crate) const MAX_READ: u32 = 56;

    /// Takes over the stream where `bits` stands (it must allow a fast reload, see
    /// [`BackwardBits::can_reload_fast`]).
    #[inline(always)]
    pub(crate) fn new(bits: &BackwardBits<'_>) -> Self {
        let (pos, b) = bits.to_sentinel();
        Self {
            ip: bits.src.as_ptr().wrapping_add(pos),
            bits: b,
        }
    }

    /// Hands the stream back to `into`, the reader it came from (given another, the position
    /// is out of its bounds and the read panics).
    #[inline(always)]
    pub(crate) fn finish(self, into: &mut BackwardBits<'_>) {
        let pos = (self.ip as usize).wrapping_sub(into.src.as_ptr() as usize);
        into.set_from_sentinel(pos, self.bits);
    }

    /// The loaded bytes' address: at least `start + 7` for [`refill`](Self::refill).
    #[inline(always)]
    pub(crate) fn ip(&self) -> *const u8 {
        self.ip
    }

    /// The unconsumed bits, from the top (as [`BackwardBits::window`]).
    #[inline(always)]
    pub(crate) fn window(&self) -> u64 {
        self.bits
    }

    /// Consumes `n` bits.
    #[inline(always)]
    pub(crate) fn skip(&mut self, n: u32) {
        self.bits <<= n & 63;
    }

    /// Reads `n <= MAX_READ` bits (0 gives 0).
    #[inline(always)]
    pub(crate) fn read(&mut self, n: u32) -> u64 {
        debug_assert!(n <= Self::MAX_READ);
        let v = (self.bits >> 1) >> ((63 - n) & 63);
        self.skip(n);
        v
    }

    /// Moves back over the whole bytes consumed: afterwards at least 56 bits are readable.
    ///
    /// # Safety
    /// At least 7 bytes of the stream lie before [`ip`](Self::ip), and at most 63 bits were
    /// consumed since the last refill.
    #[inline(always)]
    pub(crate) unsafe fn refill(&mut self) {
        let consumed = self.bits.trailing_zeros();
        // SAFETY: the caller's: `consumed >> 3 <= 7` bytes back stays in the stream, and the
        // 8 bytes there were the stream's.
        unsafe {
            self.ip = self.ip.sub((consumed >> 3) as usize);
            self.bits = (self.ip.cast::<u64>().read_unaligned().to_le() | 1) << (consumed & 7);
        }
        // Done here, not after the work the sequence loop does next (where the compiler moved
        // the last two instructions, and the stream's state waited in more registers).
        pin(&mut self.bits);
        pin(&mut self.ip);
    }
}

/// Makes the compiler compute `v` where this is called, into a register: an empty `asm!`
/// block that it must assume reads and changes `v`. No instruction of its own; it only keeps
/// the compiler from moving the computation later, where it keeps more values alive at once
/// (the sequence loop has more values than `x86_64` has registers, and what does not fit
/// goes to the stack). Nothing under miri, which runs no `asm!`.
#[inline(always)]
pub(crate) fn pin<T: InRegister>(v: &mut T) {
    v.pin();
}

/// The values [`pin`] takes: those a general-purpose register holds.
pub(crate) trait InRegister: Copy {
    /// See [`pin`].
    fn pin(&mut self);
}

macro_rules! in_register {
    ($($t:ty),*) => {$(
        impl InRegister for $t {
            #[inline(always)]
            #[allow(
                clippy::pointers_in_nomem_asm_block,
                reason = "the block does not touch memory: a pointer passes through unread"
            )]
            fn pin(&mut self) {
                #[cfg(all(target_arch = "x86_64", not(miri)))]
                // SAFETY: the block is empty (a comment naming the register): it reads and
                // writes nothing but that register, which holds `self` before and after.
                unsafe {
                    std::arch::asm!(
                        "/* {0} */",
                        inout(reg) *self,
                        options(pure, nomem, nostack, preserves_flags)
                    );
                }
            }
        }
    )*};
}

in_register!(u64, usize, *const u8);

/// Reads a forward little-endian bitstream (FSE table descriptions); bits past the end read as 0
/// and are detected by comparing [`bit_pos`](Self::bit_pos) with the length.
#[derive(Clone, Debug)]
pub(crate) struct ForwardBits<'a> {
    src: &'a [u8],
    bit_pos: usize,
}

impl<'a> ForwardBits<'a> {
    pub(crate) fn new(src: &'a [u8]) -> Self {
        Self { src, bit_pos: 0 }
    }

    /// The next `n` bits (`n <= 32`), without consuming them.
    pub(crate) fn peek(&self, n: u32) -> u32 {
        (self.peek64() & ((1u64 << n) - 1)) as u32
    }

    /// The next 57 bits or more (zeros past the end), lowest first.
    #[inline(always)]
    pub(crate) fn peek64(&self) -> u64 {
        let byte = self.bit_pos / 8;
        let bytes = match self.src.get(byte..byte.saturating_add(8)) {
            Some(b) => b.try_into().expect("8 bytes"),
            None => {
                // The last bytes, zeros past the end.
                let mut bytes = [0u8; 8];
                let end = (byte + 8).min(self.src.len());
                if byte < end {
                    bytes[..end - byte].copy_from_slice(&self.src[byte..end]);
                }
                bytes
            }
        };
        u64::from_le_bytes(bytes) >> (self.bit_pos % 8)
    }

    pub(crate) fn skip(&mut self, n: u32) {
        self.bit_pos += n as usize;
    }

    pub(crate) fn read(&mut self, n: u32) -> u32 {
        let v = self.peek(n);
        self.skip(n);
        v
    }

    /// Bits consumed so far.
    pub(crate) fn bit_pos(&self) -> usize {
        self.bit_pos
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_backwards_from_the_end_mark() {
        // The spec's Huffman example: "0145" is 0001_0000 00001_1_01 (bytes 0x10, 0x0D).
        let src = [0x10u8, 0x0D];
        let mut b = BackwardBits::new(&src, "test").unwrap();
        assert_eq!(b.read(1), 1); // symbol 0: code 1
        assert_eq!(b.read(2), 0b01); // symbol 1: code 01
        assert_eq!(b.read(4), 0b0001); // symbol 4
        assert_eq!(b.read(4), 0b0000); // symbol 5
        assert_eq!(b.reload(), Status::Completed);
        assert!(b.is_complete());
        b.read(1);
        assert_eq!(b.reload(), Status::Overflow);
    }

    #[test]
    fn long_streams_reload() {
        // 100 bytes of 0xA5 with an end mark byte of 0x01: 800 bits of pattern 10100101 each byte.
        let mut src = vec![0xA5u8; 100];
        src.push(0x01);
        let mut b = BackwardBits::new(&src, "test").unwrap();
        let mut got = Vec::new();
        for _ in 0..100 {
            assert_ne!(b.reload(), Status::Overflow);
            got.push(b.read(8) as u8);
        }
        assert!(got.iter().all(|&x| x == 0xA5));
        assert_eq!(b.reload(), Status::Completed);
    }

    #[test]
    fn the_sentinel_form_reads_what_the_reader_reads() {
        // A stream of varied bits (the start of a test file of binary data, with an end mark),
        // read in widths 0..=56 by both readers; the sentinel one refills while at least 7
        // bytes lie before it (as its owner must ensure), then hands the stream back, which
        // must then stand exactly where the plain reader stands.
        let mut src = include_bytes!("../tests/data/binary-24k")[..600].to_vec();
        src.push(0x80);
        let mut plain = BackwardBits::new(&src, "test").unwrap();
        let mut other = BackwardBits::new(&src, "test").unwrap();
        assert!(other.can_reload_fast());
        let mut fast = SentinelBits::new(&other);
        let mut widths = (0..=SentinelBits::MAX_READ).cycle().step_by(7);
        let mut reads = 0;
        while fast.ip() >= src.as_ptr().wrapping_add(7) {
            let n = widths.next().unwrap();
            assert_eq!(fast.read(n), plain.read(n), "read {reads}, {n} bits");
            // SAFETY: at least 7 bytes lie before `ip`, and at most 56 bits were read.
            unsafe { fast.refill() };
            plain.refill();
            reads += 1;
        }
        assert!(reads > 80, "{reads}");
        fast.finish(&mut other);
        assert_eq!(other.read(20), plain.read(20));
        assert_eq!(other.reload(), plain.reload());
        assert_eq!(other.read(13), plain.read(13));
    }

    #[test]
    fn rejects_a_missing_end_mark() {
        assert!(BackwardBits::new(&[1, 0], "test").is_err());
        assert!(BackwardBits::new(&[], "test").is_err());
    }

    #[test]
    fn forward_reads_and_pads() {
        let mut f = ForwardBits::new(&[0b1010_1100, 0xFF]);
        assert_eq!(f.read(2), 0b00);
        assert_eq!(f.read(4), 0b1011);
        assert_eq!(f.read(10), 0b11_1111_1110);
        assert_eq!(f.read(8), 0);
        assert_eq!(f.bit_pos(), 24);
    }
}
