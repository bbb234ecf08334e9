//! Error values that keep small messages off the heap: [`InlineError`], [`ErrorMessage`] and the
//! compact [`BoxedError`].

use std::fmt;

use smartstring::alias::String as SmartString;

/// What went wrong, in broad strokes (the message says the rest).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An argument or input was not acceptable.
    InvalidInput,
    /// Input ended early.
    UnexpectedEof,
    /// Something looked up was not there.
    NotFound,
    /// A size or count was over a limit.
    LimitExceeded,
    /// An operating-system or I/O failure.
    Io,
    /// Anything else.
    Other,
}

impl ErrorKind {
    fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "invalid input",
            ErrorKind::UnexpectedEof => "unexpected end of input",
            ErrorKind::NotFound => "not found",
            ErrorKind::LimitExceeded => "limit exceeded",
            ErrorKind::Io => "I/O error",
            ErrorKind::Other => "error",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The inline message capacity of [`InlineError`].
pub const INLINE_CAPACITY: usize = 56;
/// Appended to a message cut short (U+2026, three bytes).
const ELLIPSIS: &str = "…";

/// An error kind plus a message of up to 56 bytes, stored inline: constructing one never
/// allocates (a test counts the allocations). A longer message is cut at a character boundary
/// and ends in `…`.
///
/// It is 59 bytes, so `Result<u64, InlineError>` is 64 bytes: every function returning one
/// moves 64 bytes on the `Ok` path too. Where errors are rare and the `Ok` path is hot, return
/// [`BoxedError`] (8 bytes; `Result<u64, BoxedError>` is 16) and build the `InlineError` on the
/// cold path. docs/BENCHMARKS.md measures both.
///
/// ```
/// use pools::{ErrorKind, InlineError, inline_error};
///
/// let e = InlineError::new(ErrorKind::NotFound, "no such key");
/// assert_eq!(e.to_string(), "not found: no such key");
/// let e = inline_error!(ErrorKind::LimitExceeded, "frame of {} bytes over {}", 1 << 20, 4096);
/// assert_eq!(e.message(), "frame of 1048576 bytes over 4096");
/// ```
#[derive(Clone, Copy)]
pub struct InlineError {
    buf: [u8; INLINE_CAPACITY],
    len: u8,
    truncated: bool,
    kind: ErrorKind,
}

impl InlineError {
    /// An error of `kind` with `message` (cut to 56 bytes if longer).
    pub fn new(kind: ErrorKind, message: &str) -> Self {
        let mut e = Self::empty(kind);
        e.push_str(message);
        e
    }

    /// An error of `kind` with a message formatted from `args`, written straight into the inline
    /// buffer (no `String` in between); see [`inline_error!`](crate::inline_error).
    pub fn from_fmt(kind: ErrorKind, args: fmt::Arguments<'_>) -> Self {
        let mut e = Self::empty(kind);
        // `write_str` below never fails: it truncates instead.
        let _ = fmt::Write::write_fmt(&mut e, args);
        e
    }

    fn empty(kind: ErrorKind) -> Self {
        Self {
            buf: [0; INLINE_CAPACITY],
            len: 0,
            truncated: false,
            kind,
        }
    }

    /// The kind.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message (possibly cut short, ending in `…`).
    pub fn message(&self) -> &str {
        // `buf[..len]` is only ever filled with whole characters from `&str`s.
        std::str::from_utf8(&self.buf[..usize::from(self.len)]).unwrap_or_default()
    }

    /// Whether the message was cut short.
    pub fn is_truncated(&self) -> bool {
        self.truncated
    }

    /// Appends `s`, cutting at a character boundary (with `…`) when it does not fit; once cut,
    /// the message takes nothing more.
    fn push_str(&mut self, s: &str) {
        if self.truncated {
            return;
        }
        let len = usize::from(self.len);
        if s.len() <= INLINE_CAPACITY - len {
            self.buf[len..len + s.len()].copy_from_slice(s.as_bytes());
            self.len += s.len() as u8;
            return;
        }
        self.truncated = true;
        let limit = INLINE_CAPACITY - ELLIPSIS.len();
        let at = if len <= limit {
            // `s` is longer than the room left, so `keep < s.len()`.
            let mut keep = limit - len;
            while !s.is_char_boundary(keep) {
                keep -= 1;
            }
            self.buf[len..len + keep].copy_from_slice(&s.as_bytes()[..keep]);
            len + keep
        } else {
            // The message so far already runs past the marker's place: cut it back.
            let mut cut = limit;
            while !self.message().is_char_boundary(cut) {
                cut -= 1;
            }
            cut
        };
        self.buf[at..at + ELLIPSIS.len()].copy_from_slice(ELLIPSIS.as_bytes());
        self.len = (at + ELLIPSIS.len()) as u8;
    }
}

impl fmt::Write for InlineError {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.push_str(s);
        Ok(())
    }
}

impl fmt::Display for InlineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.message())
    }
}

impl fmt::Debug for InlineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InlineError")
            .field("kind", &self.kind)
            .field("message", &self.message())
            .finish()
    }
}

impl std::error::Error for InlineError {}

impl PartialEq for InlineError {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.message() == other.message()
    }
}

impl Eq for InlineError {}

/// Builds an [`InlineError`] from a kind and a format string, without allocating.
#[macro_export]
macro_rules! inline_error {
    ($kind:expr, $($arg:tt)+) => {
        $crate::InlineError::from_fmt($kind, ::std::format_args!($($arg)+))
    };
}

/// An error kind plus a message in a [`smartstring`] string: inline up to 23 bytes, on the heap
/// beyond (never truncated). 32 bytes; `Result<u64, ErrorMessage>` is 32 too (the kind's niche
/// holds the discriminant).
///
/// Use it when messages are usually short but must never be cut.
///
/// ```
/// use pools::{ErrorKind, ErrorMessage};
///
/// let e = ErrorMessage::new(ErrorKind::InvalidInput, "bad magic");
/// assert_eq!(e.to_string(), "invalid input: bad magic");
/// assert!(e.is_inline());
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ErrorMessage {
    message: SmartString,
    kind: ErrorKind,
}

impl ErrorMessage {
    /// An error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: &str) -> Self {
        Self {
            message: SmartString::from(message),
            kind,
        }
    }

    /// The kind.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether the message is stored inline (23 bytes or fewer).
    pub fn is_inline(&self) -> bool {
        self.message.is_inline()
    }
}

impl fmt::Display for ErrorMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)
    }
}

impl fmt::Debug for ErrorMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ErrorMessage")
            .field("kind", &self.kind)
            .field("message", &self.message())
            .finish()
    }
}

impl std::error::Error for ErrorMessage {}

/// The compact choice: an [`InlineError`] behind a `Box`, 8 bytes, so `Result<u64, BoxedError>`
/// is 16 bytes and the `Ok` path moves no more than a `Result<u64, Box<dyn Error>>` does.
/// Constructing one allocates once (the cold path).
///
/// ```
/// use pools::{BoxedError, ErrorKind};
///
/// fn parse(s: &str) -> Result<u64, BoxedError> {
///     s.parse().map_err(|_| BoxedError::new(ErrorKind::InvalidInput, "not a number"))
/// }
/// assert_eq!(std::mem::size_of::<Result<u64, BoxedError>>(), 16);
/// assert_eq!(parse("12"), Ok(12));
/// assert_eq!(parse("x").unwrap_err().to_string(), "invalid input: not a number");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct BoxedError(Box<InlineError>);

impl BoxedError {
    /// An error of `kind` with `message` (cut to 56 bytes if longer).
    #[cold]
    pub fn new(kind: ErrorKind, message: &str) -> Self {
        Self(Box::new(InlineError::new(kind, message)))
    }

    /// The kind.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind()
    }

    /// The message.
    pub fn message(&self) -> &str {
        self.0.message()
    }
}

impl From<InlineError> for BoxedError {
    #[cold]
    fn from(e: InlineError) -> Self {
        Self(Box::new(e))
    }
}

impl fmt::Display for BoxedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl fmt::Debug for BoxedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl std::error::Error for BoxedError {}
