use std::mem::size_of;

use pools::{BoxedError, ErrorKind, ErrorMessage, INLINE_CAPACITY, InlineError, inline_error};

use crate::alloc_count::count;

#[test]
fn sizes_are_as_documented() {
    assert_eq!(size_of::<InlineError>(), 59);
    assert_eq!(size_of::<Result<u64, InlineError>>(), 64);
    assert_eq!(size_of::<ErrorMessage>(), 32);
    assert_eq!(size_of::<Result<u64, ErrorMessage>>(), 32);
    assert_eq!(size_of::<BoxedError>(), 8);
    assert_eq!(size_of::<Result<u64, BoxedError>>(), 16);
    assert_eq!(size_of::<Result<u64, String>>(), 24);
}

#[test]
fn inline_error_never_allocates() {
    let long = "x".repeat(200);
    let (n, errors) = count(|| {
        [
            InlineError::new(ErrorKind::NotFound, "key"),
            InlineError::new(ErrorKind::Other, &long),
            inline_error!(
                ErrorKind::LimitExceeded,
                "{} > {} ({:?})",
                1u64 << 40,
                7,
                "q"
            ),
            inline_error!(ErrorKind::Io, "{}", long),
        ]
    });
    assert_eq!(n, 0, "InlineError allocated");
    assert_eq!(errors[0].message(), "key");
    assert_eq!(errors[2].message(), "1099511627776 > 7 (\"q\")");
    assert!(errors[3].is_truncated());
}

#[test]
fn long_messages_are_cut_on_a_char_boundary_with_a_marker() {
    // Exactly full: kept whole.
    let full = "a".repeat(INLINE_CAPACITY);
    let e = InlineError::new(ErrorKind::Other, &full);
    assert_eq!((e.message(), e.is_truncated()), (&full[..], false));
    // One byte over: 53 bytes and the ellipsis.
    let over = "a".repeat(INLINE_CAPACITY + 1);
    let e = InlineError::new(ErrorKind::Other, &over);
    assert_eq!(e.message(), format!("{}…", "a".repeat(53)));
    assert!(e.is_truncated() && e.message().len() == INLINE_CAPACITY);
    // Multi-byte characters are never split: 'é' is 2 bytes, so 26 of them fill 52 bytes.
    let e = InlineError::new(ErrorKind::Other, &"é".repeat(40));
    assert_eq!(e.message(), format!("{}…", "é".repeat(26)));
    // Formatted pieces: cut in the middle of a later piece, and nothing appended after the cut.
    let e = inline_error!(ErrorKind::Other, "{}{}{}", "b".repeat(50), "€€€€", "tail");
    assert_eq!(e.message(), format!("{}€…", "b".repeat(50)));
    // A message already past the marker's place when the cut comes is cut back.
    let e = inline_error!(ErrorKind::Other, "{}{}", "c".repeat(55), "dd");
    assert_eq!(e.message(), format!("{}…", "c".repeat(53)));
    // Every prefix length of a mixed string gives valid UTF-8 within the capacity.
    let mixed = "aé€😀".repeat(10);
    for cut in 0..=mixed.len() {
        if mixed.is_char_boundary(cut) {
            let e = InlineError::new(ErrorKind::Other, &mixed[..cut]);
            assert!(e.message().len() <= INLINE_CAPACITY);
            assert!(mixed.starts_with(e.message().trim_end_matches('…')));
        }
    }
}

#[test]
fn display_debug_and_error_traits() {
    let e = InlineError::new(ErrorKind::InvalidInput, "bad magic");
    assert_eq!(e.to_string(), "invalid input: bad magic");
    assert_eq!(
        format!("{e:?}"),
        r#"InlineError { kind: InvalidInput, message: "bad magic" }"#
    );
    let boxed: Box<dyn std::error::Error> = Box::new(e);
    assert_eq!(boxed.to_string(), "invalid input: bad magic");
    let m = ErrorMessage::new(ErrorKind::NotFound, "no such table");
    assert_eq!(m.to_string(), "not found: no such table");
    assert_eq!(m.kind(), ErrorKind::NotFound);
    let b = BoxedError::from(e);
    assert_eq!(
        (b.kind(), b.message()),
        (ErrorKind::InvalidInput, "bad magic")
    );
    assert_eq!(b.to_string(), e.to_string());
}

#[test]
fn error_message_is_inline_up_to_23_bytes() {
    let short = "x".repeat(23);
    let (n, m) = count(|| ErrorMessage::new(ErrorKind::Other, &short));
    assert_eq!((n, m.is_inline(), m.message()), (0, true, &short[..]));
    let long = "y".repeat(24);
    let (n, m) = count(|| ErrorMessage::new(ErrorKind::Other, &long));
    assert_eq!((n, m.is_inline(), m.message()), (1, false, &long[..]));
}
